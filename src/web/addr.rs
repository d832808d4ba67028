//! What an address is: every IPv4 and IPv6 range an SSRF filter must know, including IPv4
//! embedded in IPv6 (mapped, compatible, NAT64, 6to4), and the names that mean "this machine" or
//! "the cloud's metadata service".

use crate::text::dotted_tail;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The class of an address or name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Routable on the internet.
    Public,
    /// This machine (127/8, ::1, 0.0.0.0, ::, `localhost`).
    Loopback,
    /// RFC 1918 and IPv6 unique-local.
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// Carrier-grade NAT, 100.64/10.
    Cgnat,
    /// Cloud instance metadata (169.254.169.254, fd00:ec2::254, 100.100.100.200, …).
    Metadata,
    /// Multicast and broadcast.
    Multicast,
    /// Reserved, benchmarking, IETF protocol assignments.
    Reserved,
}

impl Class {
    /// Internal to the machine or its network (anything but public).
    pub fn is_internal(self) -> bool {
        self != Class::Public
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Public => "public",
            Class::Loopback => "loopback",
            Class::Private => "private",
            Class::LinkLocal => "link-local",
            Class::Cgnat => "carrier-grade NAT",
            Class::Metadata => "cloud metadata",
            Class::Multicast => "multicast",
            Class::Reserved => "reserved",
        }
    }
}

/// Metadata service addresses of the big clouds.
const METADATA_V4: &[[u8; 4]] = &[
    [169, 254, 169, 254], // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
    [169, 254, 170, 2],   // AWS ECS task metadata
    [169, 254, 170, 23],  // AWS EKS pod identity
    [100, 100, 100, 200], // Alibaba Cloud
    [192, 0, 0, 192],     // Oracle Cloud (legacy)
    [168, 63, 129, 16],   // Azure WireServer
];

/// Classify an IPv4 address.
pub fn classify_v4(ip: Ipv4Addr) -> Class {
    let o = ip.octets();
    if METADATA_V4.contains(&o) {
        return Class::Metadata;
    }
    match o {
        [0, ..] | [127, ..] => Class::Loopback,
        [10, ..] | [192, 168, ..] => Class::Private,
        [172, b, ..] if (16..32).contains(&b) => Class::Private,
        [169, 254, ..] => Class::LinkLocal,
        [100, b, ..] if (64..128).contains(&b) => Class::Cgnat,
        [a, ..] if (224..240).contains(&a) => Class::Multicast,
        [255, 255, 255, 255] => Class::Multicast,
        [a, ..] if a >= 240 => Class::Reserved,
        [192, 0, 0, _] | [198, 18..=19, ..] => Class::Reserved,
        _ => Class::Public,
    }
}

/// Classify an IPv6 address (embedded IPv4 is classified as IPv4).
pub fn classify_v6(ip: Ipv6Addr) -> Class {
    let s = ip.segments();
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Class::Metadata;
    }
    if ip.is_loopback() || ip.is_unspecified() {
        return Class::Loopback;
    }
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    match s[0] {
        x if x & 0xfe00 == 0xfc00 => Class::Private,
        x if x & 0xffc0 == 0xfe80 => Class::LinkLocal,
        x if x & 0xffc0 == 0xfec0 => Class::Private, // deprecated site-local
        x if x & 0xff00 == 0xff00 => Class::Multicast,
        0x2001 if s[1] == 0x0db8 => Class::Reserved,
        0x0100 if s[1..4] == [0, 0, 0] => Class::Reserved, // discard-only
        _ => Class::Public,
    }
}

/// IPv4 inside IPv6: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64
/// (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`).
pub fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0xffff, 0, _, _] => Some(tail), // SIIT IPv4-translated
        [0, 0, 0, 0, 0, 0, a, _] if a != 0 => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x64, 0xff9b, 1, ..] => Some(tail), // local-use NAT64 (RFC 8215)
        // Teredo: the client's IPv4 address is the last 32 bits, inverted.
        [0x2001, 0, ..] => {
            let o = tail.octets();
            Some(Ipv4Addr::new(!o[0], !o[1], !o[2], !o[3]))
        }
        [0x2002, a, b, ..] => Some(Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )),
        _ => None,
    }
}

/// Classify any address.
pub fn classify(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Public wildcard-DNS services that answer with an address spelled in the name
/// (`127.0.0.1.nip.io`, `10-0-0-1.sslip.io`, `7f000001.nip.io`, `magic-127-0-0-1.nip.io`) and
/// names that always resolve to loopback (`localtest.me`, `lvh.me`, `vcap.me`): the address the
/// name will resolve to, read from the name itself.
pub fn embedded_in_name(host: &str) -> Option<IpAddr> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    const LOOPBACK_NAMES: &[&str] = &[
        "localtest.me",
        "lvh.me",
        "vcap.me",
        "fbi.com",
        "127-0-0-1.org.uk",
    ];
    if LOOPBACK_NAMES.iter().any(|n| dotted_tail(&h, n)) {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    const WILDCARD: &[&str] = &[
        "nip.io",
        "sslip.io",
        "xip.io",
        "traefik.me",
        "nip.direct",
        "1u.ms",
        "rbndr.us",
    ];
    let suffix = WILDCARD.iter().find(|w| h.ends_with(&format!(".{w}")))?;
    let name = &h[..h.len() - suffix.len() - 1];
    // Dotted (`a.b.c.d`, possibly after other labels), dashed (`a-b-c-d`) or hex (`7f000001`).
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() >= 4 {
        let tail = labels[labels.len() - 4..].join(".");
        if let Ok(ip) = tail.parse::<Ipv4Addr>() {
            return Some(IpAddr::V4(ip));
        }
    }
    for label in labels.iter().rev() {
        let parts: Vec<&str> = label.split('-').collect();
        for w in parts.windows(4) {
            if let Ok(ip) = w.join(".").parse::<Ipv4Addr>() {
                return Some(IpAddr::V4(ip));
            }
        }
        if label.len() == 8 {
            if let Ok(v) = u32::from_str_radix(label, 16) {
                return Some(IpAddr::V4(Ipv4Addr::from(v)));
            }
        }
    }
    None
}

/// Names that are internal without asking DNS: `localhost` and its subdomains, the metadata
/// hostnames, and the suffixes reserved for local networks.
pub fn classify_name(host: &str) -> Option<Class> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") || h == "localhost.localdomain" {
        return Some(Class::Loopback);
    }
    if matches!(
        h.as_str(),
        "metadata.google.internal"
            | "metadata"
            | "metadata.goog"
            | "instance-data"
            | "instance-data.ec2.internal"
            | "metadata.tencentyun.com"
            | "metadata.platformequinix.com"
    ) {
        return Some(Class::Metadata);
    }
    const LOCAL_SUFFIXES: &[&str] = &[
        ".local",
        ".internal",
        ".lan",
        ".home.arpa",
        ".intranet",
        ".corp",
        ".localdomain",
        ".svc",
        ".cluster.local",
    ];
    if LOCAL_SUFFIXES.iter().any(|s| h.ends_with(s)) || !h.contains('.') {
        return Some(Class::Private);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let v4 = |s: &str| classify_v4(s.parse().unwrap());
        assert_eq!(v4("127.0.0.1"), Class::Loopback);
        assert_eq!(v4("0.0.0.0"), Class::Loopback);
        assert_eq!(v4("10.1.2.3"), Class::Private);
        assert_eq!(v4("172.31.255.255"), Class::Private);
        assert_eq!(v4("172.32.0.1"), Class::Public);
        assert_eq!(v4("169.254.169.254"), Class::Metadata);
        assert_eq!(v4("100.100.100.200"), Class::Metadata);
        assert_eq!(v4("100.64.0.1"), Class::Cgnat);
        assert_eq!(v4("224.0.0.251"), Class::Multicast);
        assert_eq!(v4("1.1.1.1"), Class::Public);
        assert_eq!(
            v4("203.0.113.7"),
            Class::Public,
            "documentation ranges are not internal"
        );
        let v6 = |s: &str| classify_v6(s.parse().unwrap());
        assert_eq!(v6("::1"), Class::Loopback);
        assert_eq!(v6("::"), Class::Loopback);
        assert_eq!(v6("::ffff:127.0.0.1"), Class::Loopback);
        assert_eq!(v6("::ffff:7f00:1"), Class::Loopback);
        assert_eq!(v6("::127.0.0.1"), Class::Loopback);
        assert_eq!(v6("64:ff9b::a9fe:a9fe"), Class::Metadata);
        assert_eq!(v6("2002:0a00:0001::1"), Class::Private);
        assert_eq!(v6("fd00:ec2::254"), Class::Metadata);
        assert_eq!(v6("fc00::1"), Class::Private);
        assert_eq!(v6("fe80::1"), Class::LinkLocal);
        assert_eq!(v6("ff02::1"), Class::Multicast);
        assert_eq!(v6("2606:4700:4700::1111"), Class::Public);
        assert_eq!(classify_name("LOCALHOST."), Some(Class::Loopback));
        assert_eq!(classify_name("api.localhost"), Some(Class::Loopback));
        assert_eq!(
            classify_name("metadata.google.internal"),
            Some(Class::Metadata)
        );
        assert_eq!(classify_name("printer.local"), Some(Class::Private));
        assert_eq!(classify_name("github.com"), None);
        let embedded = |h: &str| embedded_in_name(h).map(|ip| ip.to_string());
        assert_eq!(embedded("127.0.0.1.nip.io").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            embedded("app.10-0-0-7.sslip.io").as_deref(),
            Some("10.0.0.7")
        );
        assert_eq!(embedded("7f000001.nip.io").as_deref(), Some("127.0.0.1"));
        assert_eq!(embedded("lvh.me").as_deref(), Some("127.0.0.1"));
        assert_eq!(embedded("nip.io"), None);
        assert_eq!(embedded("example.com"), None);
    }
}
