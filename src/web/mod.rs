//! The URL policy: may an agent fetch this URL? Schemes, every spelling of an internal address
//! (parsed the way browsers and most HTTP clients parse hosts — WHATWG: decimal, octal, hex and
//! short IPv4, IPv6 with embedded IPv4, trailing dots), DNS answers (any internal answer blocks;
//! the vetted addresses are returned so a caller can pin them), deny and allow lists, and the
//! command scanner's homograph and lookalike analysis of the host. Redirect hops are judged the
//! same way, each against the URL it came from.

pub mod addr;
pub mod resolve;

use crate::findings::{Action, Severity};
use crate::Scanner;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::Duration;

/// `[web]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSettings {
    /// Schemes an agent may fetch.
    pub schemes: Vec<String>,
    /// Domains never fetched (`*.pastebin.com` or `pastebin.com`: the domain and its subdomains).
    pub deny: Vec<String>,
    /// Domains whose lookalike findings are silenced.
    pub allow: Vec<String>,
    /// Loopback, private, link-local and CGNAT addresses allowed (local development). Cloud
    /// metadata endpoints stay blocked.
    pub allow_private: bool,
    /// DNS timeout in milliseconds.
    pub resolve_timeout_ms: u64,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            schemes: vec!["http".into(), "https".into()],
            deny: Vec::new(),
            allow: Vec::new(),
            allow_private: false,
            resolve_timeout_ms: 1000,
        }
    }
}

/// One reason about a URL.
#[derive(Debug, Clone, Serialize)]
pub struct UrlFinding {
    /// Rule id (`web.*`, or a `url.*` rule of the command scanner).
    pub rule_id: String,
    /// Severity.
    pub severity: Severity,
    /// What it means for the fetch.
    pub action: Action,
    /// Title.
    pub title: String,
    /// Specifics.
    pub detail: String,
}

/// The decision about one URL.
#[derive(Debug, Clone, Serialize)]
pub struct UrlVerdict {
    /// The URL as given.
    pub url: String,
    /// allow / warn / block.
    pub action: Action,
    /// The host as parsed (IPv4 in dotted form, IDN in punycode).
    pub host: Option<String>,
    /// The addresses that were vetted (pin these to defeat DNS rebinding).
    pub addresses: Vec<IpAddr>,
    /// Why.
    pub findings: Vec<UrlFinding>,
}

fn finding(scanner: &Scanner, id: &str, detail: String) -> UrlFinding {
    let (severity, action, title) = scanner
        .rules()
        .get(id)
        .map(|r| (r.spec.severity, r.spec.action, r.spec.title.clone()))
        .unwrap_or((Severity::High, Action::Block, id.to_string()));
    UrlFinding {
        rule_id: id.to_string(),
        severity,
        action,
        title,
        detail,
    }
}

/// Judge one URL. `resolver: None` judges it as written (no DNS).
pub fn judge(
    raw: &str,
    scanner: &Scanner,
    settings: &WebSettings,
    resolver: Option<&dyn resolve::Resolver>,
) -> UrlVerdict {
    let mut out = UrlVerdict {
        url: raw.to_string(),
        action: Action::Allow,
        host: None,
        addresses: Vec::new(),
        findings: Vec::new(),
    };
    let add = |out: &mut UrlVerdict, id: &str, detail: String| {
        out.findings.push(finding(scanner, id, detail));
    };
    let parsed = url::Url::parse(raw.trim());
    let url = match parsed {
        Ok(u) => u,
        Err(e) => {
            add(
                &mut out,
                "web.invalid-url",
                format!("{raw:?} is not a URL ({e})"),
            );
            return finish(out);
        }
    };
    let scheme = url.scheme().to_ascii_lowercase();
    if !settings
        .schemes
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&scheme))
    {
        add(
            &mut out,
            "web.scheme",
            format!(
                "{scheme}: is not a web scheme (allowed: {})",
                settings.schemes.join(", ")
            ),
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        add(
            &mut out,
            "web.userinfo",
            format!(
                "the URL carries a user name or password before the host ({}); the host is {}",
                url.username(),
                url.host_str().unwrap_or("?")
            ),
        );
    }
    // Parser differentials: `http://evil.example\@127.0.0.1/` is evil.example to a browser but
    // 127.0.0.1 to Python's urllib and others that do not treat `\` as a path separator. Judge
    // the host such a parser would see as well.
    if let Some(other) = lenient_host(raw.trim()) {
        if url.host_str().map(|h| h.trim_matches(['[', ']'])) != Some(other.as_str()) {
            if let Ok(alt) = url::Url::parse(&format!("http://{other}/")) {
                let class = match alt.host() {
                    Some(url::Host::Ipv4(ip)) => Some(addr::classify_v4(ip)),
                    Some(url::Host::Ipv6(ip)) => Some(addr::classify_v6(ip)),
                    Some(url::Host::Domain(d)) => addr::classify_name(d),
                    None => None,
                };
                if let Some(c) = class.filter(|c| c.is_internal()) {
                    add(
                        &mut out,
                        if c == addr::Class::Metadata { "web.metadata-endpoint" } else { "web.internal-address" },
                        format!("other URL parsers read the host as {other} ({}): a backslash before `@` splits parsers", c.as_str()),
                    );
                }
            }
        }
    }
    let Some(host) = url.host() else {
        if out.findings.is_empty() {
            add(&mut out, "web.invalid-url", format!("{raw:?} has no host"));
        }
        return finish(out);
    };
    let internal = |out: &mut UrlVerdict, class: addr::Class, what: String| {
        if class == addr::Class::Metadata {
            add(
                out,
                "web.metadata-endpoint",
                format!("{what} is a cloud metadata service"),
            );
        } else if class.is_internal() && !settings.allow_private {
            add(
                out,
                "web.internal-address",
                format!(
                    "{what} is {} ({})",
                    class.as_str(),
                    "not on the public internet"
                ),
            );
        }
    };
    match host {
        url::Host::Ipv4(ip) => {
            out.host = Some(ip.to_string());
            out.addresses = vec![IpAddr::V4(ip)];
            internal(&mut out, addr::classify_v4(ip), format!("{ip}"));
        }
        url::Host::Ipv6(ip) => {
            out.host = Some(format!("[{ip}]"));
            out.addresses = vec![IpAddr::V6(ip)];
            internal(&mut out, addr::classify_v6(ip), format!("[{ip}]"));
        }
        url::Host::Domain(name) => {
            let name = name.to_string();
            out.host = Some(name.clone());
            if crate::policy::Policy::domain_listed(&settings.deny, &name)
                || crate::policy::Policy::domain_listed(&scanner.policy().deny.domains, &name)
            {
                add(
                    &mut out,
                    "web.denied-domain",
                    format!("{name} is on your deny list"),
                );
            }
            if let Some(class) = addr::classify_name(&name) {
                internal(&mut out, class, name.clone());
            } else if let Some(ip) = addr::embedded_in_name(&name) {
                // Wildcard DNS answers with the address the name spells: judge it without DNS.
                internal(
                    &mut out,
                    addr::classify(ip),
                    format!("{name} (resolves to {ip} by construction)"),
                );
            } else if let Some(r) = resolver {
                match r.resolve(
                    &name,
                    Duration::from_millis(settings.resolve_timeout_ms.max(1)),
                ) {
                    Ok(ips) => {
                        for ip in &ips {
                            let class = addr::classify(*ip);
                            if class == addr::Class::Metadata {
                                add(
                                    &mut out,
                                    "web.metadata-endpoint",
                                    format!("{name} resolves to {ip}, a cloud metadata service"),
                                );
                            } else if class.is_internal() && !settings.allow_private {
                                add(
                                    &mut out,
                                    "web.resolves-internal",
                                    format!("{name} resolves to {ip} ({})", class.as_str()),
                                );
                            }
                        }
                        out.addresses = ips;
                    }
                    Err(e) => add(&mut out, "web.unresolved", format!("{name}: {e}")),
                }
            }
            lookalikes(&mut out, scanner, settings, &url, &name);
        }
    }
    finish(out)
}

/// The host a parser that does not treat `\` as a separator would see: the text after the last
/// `@` of the authority (everything up to the first `/`, `?` or `#`), without its port.
fn lenient_host(raw: &str) -> Option<String> {
    let rest = raw.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if !authority.contains('\\') || !authority.contains('@') {
        return None;
    }
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split_once(']').map(|(h, _)| format!("{h}]"))?
    } else {
        host.split(':').next()?.to_string()
    };
    (!host.is_empty()).then_some(host)
}

/// The command scanner's host analysis (homographs, punycode, lookalikes of popular domains),
/// reused by scanning the fetch as `curl URL`. Its raw-IP, plain-HTTP and shortener findings are
/// about commands, not fetches, and are left out (addresses are judged above).
fn lookalikes(
    out: &mut UrlVerdict,
    scanner: &Scanner,
    settings: &WebSettings,
    url: &url::Url,
    host: &str,
) {
    if crate::policy::Policy::domain_listed(&settings.allow, host) {
        return;
    }
    let quoted = format!("'{}'", url.as_str().replace('\'', "%27"));
    let verdict = scanner.scan(&format!("curl {quoted}"));
    for f in verdict.findings {
        let skip = matches!(
            f.rule_id.as_str(),
            "url.raw-ip"
                | "url.plain-http"
                | "url.shortener"
                | "sys.cloud-metadata"
                | "url.userinfo-host"
        ) || !f.rule_id.starts_with("url.");
        if !skip {
            out.findings.push(UrlFinding {
                rule_id: f.rule_id,
                severity: f.severity,
                action: f.action,
                title: f.title,
                detail: f.detail.unwrap_or_default(),
            });
        }
    }
}

fn finish(mut out: UrlVerdict) -> UrlVerdict {
    out.action = out
        .findings
        .iter()
        .map(|f| f.action)
        .max()
        .unwrap_or(Action::Allow);
    out
}

/// Judge a redirect: `location` (absolute or relative) resolved against the URL it came from.
pub fn judge_redirect(
    from: &str,
    location: &str,
    scanner: &Scanner,
    settings: &WebSettings,
    resolver: Option<&dyn resolve::Resolver>,
) -> UrlVerdict {
    let next = url::Url::parse(from)
        .and_then(|base| base.join(location))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| location.to_string());
    judge(&next, scanner, settings, resolver)
}
