//! URL and host analysis for every URL or host an executed command receives: homographs and
//! mixed-script hosts, lookalikes of popular domains, `user@host` tricks, lookalike separators,
//! raw public IPs as download sources, shorteners, and plain HTTP feeding code or an installer.

use super::domains::{popular, registrable, Imitation, SHORTENERS};
use super::remote_code::code_sinks;
use super::vocab::{executes_stdin, is_fetcher, SSH_VALUED_FLAGS};
use super::Hit;
use crate::shell::{Command, Script, Word};
use crate::text::describe_char;
use std::net::IpAddr;
use unicode_security::MixedScript;

/// Characters that render like `.` or `/` but are not.
const LOOKALIKE_SEPARATORS: &[char] = &[
    '\u{3002}', '\u{FF0E}', '\u{FF61}', '\u{2024}', '\u{FE52}', '\u{2215}', '\u{FF0F}', '\u{2044}',
    '\u{29F8}', '\u{2571}', '\u{1735}',
];

/// How a command uses the URLs it receives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// It downloads from them.
    Download,
    /// It installs packages from them (an index or registry).
    Install,
    /// It connects to the host (ssh, scp).
    Connect,
    /// Anything else that names an address (`helm repo add`, `xdg-open`, a variable's value):
    /// only the deception checks apply (lookalike hosts, user-part tricks).
    Other,
    /// A scheme-less name a tool fetches code from (a Go module path, a container image's
    /// registry): the deception checks, near-miss spellings included.
    Fetched,
}

/// A URL or host found in an argument.
struct Target<'a> {
    word: &'a Word,
    raw: String,
    usage: Use,
    /// Written with a scheme (`https://…`); a schemeless `first.last@example.com` is an email
    /// address far more often than a URL with a user name.
    has_scheme: bool,
}

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    let code_fetchers = fetchers_feeding_code(script);
    for (idx, cmd) in script.commands.iter().enumerate() {
        for t in targets(cmd) {
            check_target(&t, code_fetchers.contains(&idx), &mut hits);
        }
    }
    hits
}

/// Every URL or host an executed command receives: the argument's span and the ASCII host.
pub(crate) fn hosts(script: &Script) -> Vec<((usize, usize), String)> {
    let mut out = Vec::new();
    for cmd in &script.commands {
        for t in targets(cmd) {
            if let Ok(url) = url::Url::parse(&t.raw) {
                if let Some(h) = url.host_str() {
                    out.push((t.word.span, h.trim_matches(['[', ']']).to_string()));
                }
            }
        }
    }
    out
}

/// Every URL or host an executed command receives ([`hosts`]), sorted by position so the ones
/// inside a span are found by binary search (asked once per download of a long script).
pub(crate) struct HostIndex(Vec<((usize, usize), String)>);

impl HostIndex {
    /// Index the hosts of `script`.
    pub(crate) fn new(script: &Script) -> Self {
        let mut all = hosts(script);
        all.sort_by_key(|(span, _)| *span);
        Self(all)
    }

    /// The hosts named by arguments lying inside `span`.
    pub(crate) fn within(&self, span: (usize, usize)) -> impl Iterator<Item = &str> {
        let first = self.0.partition_point(|((a, _), _)| *a < span.0);
        self.0[first..]
            .iter()
            .take_while(move |((a, _), _)| *a <= span.1)
            .filter(move |((_, b), _)| *b <= span.1)
            .map(|(_, h)| h.as_str())
    }
}

/// Indices of fetch commands whose output is executed (piped to a shell or used as code).
fn fetchers_feeding_code(script: &Script) -> Vec<usize> {
    let mut out = Vec::new();
    for (pid, p) in script.pipelines.iter().enumerate() {
        // Walk the stages backwards so "a later stage executes its input" is known in one pass.
        let mut later_exec = false;
        for stage in (0..p.stages).rev() {
            if later_exec {
                let members = &script.stage_members[pid][stage];
                out.extend(
                    members
                        .iter()
                        .copied()
                        .filter(|&i| is_fetcher(&script.commands[i])),
                );
            }
            later_exec |= script.stage(pid, stage).any(executes_stdin);
        }
    }
    for cmd in &script.commands {
        for w in code_sinks(cmd) {
            for &s in &w.subs {
                let (a, b) = script.substitutions[s].commands;
                out.extend((a..b).filter(|&i| is_fetcher(&script.commands[i])));
            }
        }
    }
    out
}

/// URLs and hosts in a command's arguments, with how the command uses them.
fn targets(cmd: &Command) -> Vec<Target<'_>> {
    let name = cmd.name();
    let args = cmd.args();
    let mut out = Vec::new();
    let usage = if is_fetcher(cmd) || matches!(name, "git" | "svn" | "hg") {
        Use::Download
    } else if matches!(
        name,
        "pip"
            | "pip3"
            | "uv"
            | "uvx"
            | "pipx"
            | "poetry"
            | "npm"
            | "npx"
            | "pnpm"
            | "yarn"
            | "bun"
            | "bunx"
            | "gem"
            | "cargo"
            | "go"
            | "conda"
            | "mamba"
    ) {
        Use::Install
    } else if matches!(name, "ssh" | "scp" | "sftp" | "rsync" | "mosh") {
        Use::Connect
    } else {
        let mut out = other_targets(cmd);
        out.extend(image_registries(cmd));
        return out;
    };
    out.extend(assignment_targets(cmd));
    let schemeless_ok = matches!(
        name,
        "curl" | "wget" | "http" | "https" | "xh" | "git" | "aria2c"
    );
    for (i, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        if t.starts_with('-') && !t.contains('=') {
            continue;
        }
        let value = t
            .split_once('=')
            .filter(|_| t.starts_with('-'))
            .map(|x| x.1)
            .unwrap_or(t);
        let value = value.strip_prefix("git+").unwrap_or(value);
        let value = value.rsplit_once(" @ ").map(|x| x.1).unwrap_or(value);
        // A URL-scoped git setting (`credential.https://github.com.helper`,
        // `http.https://x.example/.proxy`): the URL sits between the section and the key name.
        let value = match value.split_once('.') {
            Some((section, rest))
                if name == "git"
                    && matches!(section, "credential" | "http" | "url")
                    && rest.contains("://") =>
            {
                rest.rsplit_once('.').map_or(rest, |(url, _)| url)
            }
            _ => value,
        };
        if value.contains("://") {
            out.push(Target {
                word: w,
                raw: value.to_string(),
                usage,
                has_scheme: true,
            });
            continue;
        }
        let prev = i
            .checked_sub(1)
            .map(|p| args[p].text.as_str())
            .unwrap_or("");
        if usage == Use::Install && matches!(prev, "--trusted-host") {
            out.push(Target {
                word: w,
                raw: format!("http://{value}/"),
                usage,
                has_scheme: false,
            });
            continue;
        }
        // git's scp-like address: `git@host:path`, or `host:path` with a dotted host.
        let scp_like = value
            .split_once(':')
            .is_some_and(|(h, _)| h.contains('@') || h.contains('.') && !h.contains('/'));
        if usage == Use::Connect || (name == "git" && scp_like) {
            if usage == Use::Connect && !names_a_host(name, args, i) {
                continue;
            }
            if let Some(host) = ssh_host(value) {
                // Parsed as a special scheme so the host is IDNA-mapped (`ssh://` hosts stay
                // opaque, a Cyrillic `gооgle.com` unread).
                out.push(Target {
                    word: w,
                    raw: format!("https://{host}/"),
                    usage,
                    has_scheme: false,
                });
            }
            continue;
        }
        // Go module paths (`github.com/x/y@v1`) are fetched over HTTPS or from the proxy: only
        // the deception checks apply to them.
        if (schemeless_ok || name == "go") && looks_like_host_path(value) {
            out.push(Target {
                word: w,
                raw: format!("http://{value}"),
                usage: if name == "go" { Use::Fetched } else { usage },
                has_scheme: false,
            });
        }
    }
    out
}

/// The registry hosts of the images a container tool pulls (`docker pull ghcr.co/x/y`,
/// `podman run dockerhub.co/lib/app`): an image's first path component is a registry when it
/// has a dot or a port.
fn image_registries(cmd: &Command) -> Vec<Target<'_>> {
    let args = cmd.args();
    // `docker login ghcr.іo -u x --password-stdin`: the registry a credential is handed to.
    let login = matches!(
        cmd.name(),
        "docker" | "podman" | "nerdctl" | "buildah" | "skopeo"
    ) && args.first().is_some_and(|a| a.text == "login");
    if login {
        let mut k = 1;
        while k < args.len() {
            let t = args[k].text.as_str();
            if matches!(t, "-u" | "--username" | "-p" | "--password") {
                k += 2;
            } else if t.starts_with('-') {
                k += 1;
            } else {
                let host = t.split_once("://").map_or(t, |x| x.1);
                let host = host.split('/').next().unwrap_or(host);
                return vec![Target {
                    word: &args[k],
                    raw: format!("https://{host}/"),
                    usage: Use::Fetched,
                    has_scheme: false,
                }];
            }
        }
        return Vec::new();
    }
    let pulls = matches!(cmd.name(), "docker" | "podman" | "nerdctl")
        && args
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "pull" | "run" | "create"));
    if !pulls {
        return Vec::new();
    }
    args[1..]
        .iter()
        .filter(|w| !w.text.starts_with(['-', '/', '.', '~', '$']) && !w.text.contains('='))
        .filter_map(|w| {
            let (host, _) = w.text.split_once('/')?;
            (host.contains(['.', ':']) && !host.starts_with("localhost")).then(|| Target {
                word: w,
                raw: format!("https://{host}/"),
                usage: Use::Fetched,
                has_scheme: false,
            })
        })
        .collect()
}

/// Addresses in the words of a command that is not a known downloader, installer or client:
/// every `scheme://…` inside a word (`helm repo add x https://…`, `echo 'deb https://…'`), and a
/// non-ASCII `user@host:path` or `host/path` (`docker pull ghcr.іo/x`, `ssh -T git@gіthub.com`).
fn other_targets(cmd: &Command) -> Vec<Target<'_>> {
    // `whois аррӏе.com`, `dig xn--pple-43d.com`: looking a name up is how a look-alike is
    // investigated; nothing is fetched from it.
    if super::vocab::DNS_LOOKUPS.contains(&cmd.name()) || cmd.name() == "whois" {
        return Vec::new();
    }
    let mut out = assignment_targets(cmd);
    for w in cmd.args() {
        out.extend(word_targets(w));
    }
    out
}

/// Addresses in the values of the command's assignments (`PIP_INDEX_URL=https://… pip …`).
fn assignment_targets(cmd: &Command) -> Vec<Target<'_>> {
    cmd.assignments
        .iter()
        .flat_map(|(_, w)| word_targets(w))
        .collect()
}

/// The addresses one word holds, for the deception checks only.
fn word_targets(w: &Word) -> Vec<Target<'_>> {
    let t = w.text.as_str();
    let mut out = Vec::new();
    if t.is_ascii() && !t.contains("://") {
        return out;
    }
    let mut rest = t;
    while let Some(at) = rest.find("://") {
        // The scheme starts after the last character that cannot be in one (which may be
        // several bytes long: a replacement character from invalid input).
        let start = rest[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let len = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .unwrap_or(rest.len() - at);
        let url = &rest[start..at + len];
        if start < at {
            out.push(Target {
                word: w,
                raw: url.strip_prefix("git+").unwrap_or(url).to_string(),
                usage: Use::Other,
                has_scheme: true,
            });
        }
        rest = &rest[at + len..];
    }
    if out.is_empty() && !t.is_ascii() {
        // `KEY=value`: the value.
        let value = t.split_once('=').map_or(t, |(_, v)| v);
        let host = if value.contains('@') {
            ssh_host(value)
        } else {
            looks_like_host_path(value).then(|| value.split(['/', ':', '?']).next().unwrap_or(""))
        };
        if let Some(host) = host.filter(|h| !h.is_empty()) {
            out.push(Target {
                word: w,
                raw: format!("http://{host}/"),
                usage: Use::Other,
                has_scheme: false,
            });
        }
    }
    out
}

/// Whether `args[i]` of a connecting program names a host: for `scp`/`rsync` an operand with
/// `host:` before any `/` (`nginx/acme.conf` is a local file), for `ssh`/`sftp`/`mosh` the first
/// operand (what follows is the remote command).
fn names_a_host(name: &str, args: &[Word], i: usize) -> bool {
    let t = args[i].text.as_str();
    if matches!(name, "scp" | "rsync") {
        return t
            .split_once(':')
            .is_some_and(|(host, _)| !host.is_empty() && !host.contains('/'));
    }
    let mut j = 0;
    while j < args.len() {
        let a = args[j].text.as_str();
        if let Some(flag) = a.strip_prefix('-') {
            let valued = flag.len() == 1 && SSH_VALUED_FLAGS.contains(flag);
            j += if valued { 2 } else { 1 };
            continue;
        }
        return j == i;
    }
    false
}

/// `user@host:path`, `host:path`, `user@host` → host.
fn ssh_host(v: &str) -> Option<&str> {
    let after_user = v.rsplit_once('@').map(|x| x.1).unwrap_or(v);
    let host = after_user.split(':').next().unwrap_or(after_user);
    (host.contains('.') || !host.is_ascii() || v.contains('@'))
        .then_some(host)
        .filter(|h| !h.is_empty() && !h.starts_with('/') && !h.starts_with('.'))
}

/// `example.com/x`, `gіthub.com` — a dotted name with a plausible TLD, not a local file.
fn looks_like_host_path(v: &str) -> bool {
    if v.starts_with('.') || v.starts_with('/') || v.starts_with('~') || v.contains('$') {
        return false;
    }
    let host = v.split(['/', ':', '?']).next().unwrap_or("");
    let mut labels = host.split(|c| c == '.' || LOOKALIKE_SEPARATORS.contains(&c));
    let n = host
        .split(|c| c == '.' || LOOKALIKE_SEPARATORS.contains(&c))
        .count();
    let tld = labels.next_back().unwrap_or("");
    n >= 2
        && tld.chars().count() >= 2
        && tld.chars().all(|c| c.is_alphabetic())
        && known_top_level(tld)
        && !looks_like_file(host)
}

/// A top-level label that is a public suffix as written, in its IDNA form (`рф`), or once its
/// look-alike letters are folded (`cοm` with a Greek omicron): not the last word of a sentence
/// (`例え。です`).
fn known_top_level(tld: &str) -> bool {
    if tld.is_ascii() {
        return is_public_suffix(tld);
    }
    if idna::domain_to_ascii(tld).is_ok_and(|a| is_public_suffix(&a)) {
        return true;
    }
    let folded = super::domains::skeleton_of(tld);
    folded.is_ascii() && is_public_suffix(&folded)
}

/// A top-level label that the public suffix list knows (`com`, `dev`, `io` — not `iso`, `img`).
fn is_public_suffix(tld: &str) -> bool {
    let lower = tld.to_ascii_lowercase();
    psl::suffix(lower.as_bytes()).is_some_and(|s| s.is_known())
}

fn looks_like_file(host: &str) -> bool {
    let ext = host.rsplit('.').next().unwrap_or("");
    matches!(
        ext,
        "sh" | "py"
            | "js"
            | "json"
            | "txt"
            | "md"
            | "tar"
            | "gz"
            | "zip"
            | "yml"
            | "yaml"
            | "toml"
            | "rs"
            | "go"
            | "rb"
            | "pl"
            | "html"
            | "log"
            | "csv"
            | "lock"
            | "cfg"
            | "conf"
            | "ini"
            | "xml"
            | "pem"
            | "key"
            | "pub"
            | "iso"
            | "img"
            | "dmg"
            | "deb"
            | "rpm"
            | "apk"
            | "exe"
            | "msi"
            | "whl"
            | "jar"
            | "tgz"
            | "xz"
            | "bz2"
            | "pdf"
            | "png"
            | "jpg"
            | "svg"
            | "css"
            | "ts"
            | "tsx"
            | "jsx"
            | "sql"
            | "db"
            | "bak"
    )
}

fn check_target(t: &Target<'_>, feeds_code: bool, hits: &mut Vec<Hit>) {
    let span = t.word.span;
    let mut push = |rule_id: &'static str, detail: String| {
        hits.push(Hit {
            rule_id,
            span,
            detail: Some(detail),
        })
    };
    let raw_host = raw_host_part(&t.raw);
    if let Some(c) = raw_host.chars().find(|c| LOOKALIKE_SEPARATORS.contains(c)) {
        push(
            "url.lookalike-separator",
            format!(
                "host {raw_host:?} contains {} where a dot or slash is expected",
                describe_char(c)
            ),
        );
    }
    let Ok(url) = url::Url::parse(&t.raw) else {
        return;
    };
    let Some(host) = url
        .host_str()
        .map(|h| h.trim_matches(['[', ']']).to_string())
    else {
        return;
    };
    let local = is_local_host(&host);
    if !url.username().is_empty() && t.usage != Use::Connect && t.has_scheme {
        let decoded = crate::text::percent::decode(url.username());
        let user = decoded.trim_end_matches(|c: char| !c.is_alphanumeric());
        // `github.com%2Facme%2Ftools@evil.example`: a host and a path, all of it the user name.
        let user_host = user
            .split(['/', '\\', ':', '?', '#'])
            .next()
            .unwrap_or(user);
        if user_host.contains('.')
            && user_host
                .split('.')
                .next_back()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        {
            push(
                "url.userinfo-host",
                format!("{user:?} before '@' is only a user name; the request goes to {host}"),
            );
        }
    }
    let other = matches!(t.usage, Use::Other | Use::Fetched);
    if !other {
        if let Some(real) = disguised_address(raw_host, &host) {
            push(
                "url.disguised-address",
                format!("{raw_host} is the address {real}, spelled so that neither a filter nor a reader recognises it"),
            );
        }
    }
    if url.scheme() == "http" && !local && !other && (feeds_code || t.usage == Use::Install) {
        push(
            "url.plain-http",
            format!(
                "http://{host} is fetched without TLS and its content is {}",
                if feeds_code { "executed" } else { "installed" }
            ),
        );
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        if !local && !other && t.usage != Use::Connect && !is_metadata_ip(&ip) {
            push(
                "url.raw-ip",
                format!("downloads from the bare IP address {ip}"),
            );
            if t.usage == Use::Install {
                push(
                    "supply.raw-ip-source",
                    format!("packages would come from the bare address {ip}"),
                );
            }
        }
        return;
    }
    let reg = registrable(&host);
    if t.usage == Use::Download && SHORTENERS.contains(&reg.as_str()) {
        push(
            "url.shortener",
            format!("{reg} hides the real destination of the download"),
        );
    }
    let (unicode_host, _) = idna::domain_to_unicode(&host);
    let odd: Vec<char> = unicode_host.chars().filter(|c| !c.is_ascii()).collect();
    let shown = if odd.is_empty() {
        host.clone()
    } else {
        format!(
            "{unicode_host} (punycode {host}; {})",
            odd.iter()
                .map(|c| describe_char(*c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let imitation = popular().imitation(&host, &unicode_host);
    // Packages from a look-alike of a well-known host, or git told to fetch every repository of
    // a well-known host from its look-alike (`url.<look-alike>.insteadOf https://github.com/`).
    let redirects_fetches =
        t.word.text.starts_with("url.") && t.word.text.to_ascii_lowercase().ends_with(".insteadof");
    let installs = t.usage == Use::Install || redirects_fetches;
    if let Some(Imitation::Prefix(d) | Imitation::NearMiss(d, _)) =
        imitation.as_ref().filter(|_| installs)
    {
        push(
            "supply.lookalike-source",
            format!("{host} imitates {d}, and what it serves is installed or fetched as {d}"),
        );
    }
    match imitation {
        Some(Imitation::Homograph(d)) => {
            push(
                "url.homograph",
                format!("{shown} is displayed like {d} but is a different domain"),
            );
            return;
        }
        Some(Imitation::Prefix(d)) => push(
            "url.lookalike-domain",
            format!("{host} starts with {d} but belongs to {reg}"),
        ),
        // A near-miss spelling in free text is too often another real name to report.
        Some(Imitation::NearMiss(d, how)) if t.usage != Use::Other => {
            push("url.lookalike-domain", format!("{shown} is {how} from {d}"))
        }
        Some(Imitation::NearMiss(..)) => {}
        None => {}
    }
    for label in unicode_host.split('.') {
        if label.is_ascii() {
            continue;
        }
        if !label.is_single_script() {
            push(
                "url.mixed-script",
                format!("label {label:?} of {shown} mixes scripts"),
            );
            break;
        }
        let sk = super::domains::skeleton_of(label);
        if sk.is_ascii() && !native_to_its_tld(label, &unicode_host) {
            push(
                "url.confusable-host",
                format!("label {label:?} of {shown} is written entirely in lookalike characters (reads as {sk:?})"),
            );
            break;
        }
    }
}

/// Is `label` written in the script of its host's own non-Latin top-level domain (`сбер.рф`,
/// `ελλάδα.ελ`)? Such a name is native to that registry, not a Latin name imitated.
fn native_to_its_tld(label: &str, unicode_host: &str) -> bool {
    use unicode_script::UnicodeScript;
    let script_of = |s: &str| s.chars().find(|c| c.is_alphabetic()).map(|c| c.script());
    let tld = unicode_host
        .trim_end_matches('.')
        .rsplit('.')
        .next()
        .unwrap_or_default();
    match script_of(tld) {
        Some(script) => !tld.is_ascii() && script_of(label) == Some(script),
        None => false,
    }
}

/// The host part of a URL as typed (before IDNA mapping), for separator checks.
fn raw_host_part(raw: &str) -> &str {
    let rest = raw.split_once("://").map(|x| x.1).unwrap_or(raw);
    let rest = rest.rsplit_once('@').map(|x| x.1).unwrap_or(rest);
    if let Some(close) = rest.strip_prefix('[').and_then(|r| r.find(']')) {
        return &rest[..close + 2];
    }
    rest.split(['/', '?', '#', ':']).next().unwrap_or(rest)
}

/// Wildcard-DNS services: `A.B.C.D.nip.io` resolves to A.B.C.D.
const WILDCARD_DNS: &[&str] = &[
    ".nip.io",
    ".sslip.io",
    ".xip.io",
    ".nip.direct",
    ".traefik.me",
];

/// The address a host really names when it is written to be unrecognisable: an IPv4 address as
/// one number or with hex or octal parts (`2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`,
/// `169.254.43518`, which URL parsers and curl all read as 169.254.169.254), an IPv4 address
/// inside IPv6 (`[::ffff:a9fe:a9fe]`), or a wildcard-DNS name for the metadata endpoint
/// (`169.254.169.254.nip.io`). `host` is the parsed (normalised) host.
fn disguised_address(raw_host: &str, host: &str) -> Option<String> {
    let raw = raw_host.trim_matches(['[', ']']).to_ascii_lowercase();
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => (raw != host).then(|| v4.to_string()),
        Ok(IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()),
        Err(_) => {
            let stem = WILDCARD_DNS.iter().find_map(|s| host.strip_suffix(s))?;
            let parts: Vec<&str> = stem.rsplit(['.', '-']).take(4).collect();
            let dotted: Vec<&str> = parts.into_iter().rev().collect();
            let ip: IpAddr = dotted.join(".").parse().ok()?;
            is_metadata_ip(&ip).then(|| ip.to_string())
        }
    }
}

/// Loopback, private, link-local and unspecified addresses, and `localhost` names.
fn is_local_host(host: &str) -> bool {
    let internal_name = host.ends_with(".internal") && !host.starts_with("metadata.");
    if host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || internal_name
    {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (o[0] == 100
                    && (64..128).contains(&o[1])
                    && v4 != std::net::Ipv4Addr::new(100, 100, 100, 200))
        }
        Ok(IpAddr::V6(v6)) => {
            let seg = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// Cloud metadata addresses have their own rule (sys.cloud-metadata).
fn is_metadata_ip(ip: &IpAddr) -> bool {
    matches!(
        ip.to_string().as_str(),
        "169.254.169.254" | "100.100.100.200" | "169.254.170.2" | "fd00:ec2::254"
    )
}
