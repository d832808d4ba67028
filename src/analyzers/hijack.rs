//! Commands that ask for passwords or hold keys, redefined: `alias sudo='sudo /tmp/.s'`,
//! `sudo() { echo "$@" >> /tmp/.l; command sudo "$@"; }`. The next time the user types `sudo`,
//! the replacement sees the password or the arguments. A redefinition that only adds options
//! (`alias sudo='sudo '`, `alias ssh='ssh -A'`) is silent; one that records what it is given,
//! sends it, or runs a program from a temporary directory is reported.

use super::Hit;
use crate::shell::ir::{Command, Script};

const RULE: &str = "persist.command-hijack";

/// Programs whose arguments or prompts carry credentials.
const GUARDED: &[&str] = &[
    "sudo", "su", "doas", "ssh", "scp", "sftp", "passwd", "gpg", "pass", "op", "vault", "aws",
    "kubectl", "git", "mysql", "psql", "kinit", "ssh-add", "pkexec",
];

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in script.commands.iter().filter(|c| c.name() == "alias") {
        for a in cmd.args() {
            let Some((name, value)) = a.text.split_once('=') else {
                continue;
            };
            if GUARDED.contains(&name) && suspicious_text(value) {
                hits.push(hit(cmd.span, name, "an alias"));
            }
        }
    }
    for f in script
        .functions
        .iter()
        .filter(|f| GUARDED.contains(&f.name.as_str()))
    {
        let body = script
            .commands
            .iter()
            .filter(|c| c.in_function && c.span.0 >= f.span.0 && c.span.1 <= f.span.1);
        if body.clone().any(records_or_sends) {
            hits.push(hit(f.span, &f.name, "a function"));
        }
    }
    hits
}

fn hit(span: crate::findings::Span, name: &str, how: &str) -> Hit {
    Hit {
        rule_id: RULE,
        span,
        detail: Some(format!(
            "`{name}` is redefined as {how} that records, sends or replaces what it is given"
        )),
    }
}

/// Alias text that writes to a file, sends, or runs a program from a temporary directory.
fn suspicious_text(value: &str) -> bool {
    let v = value.trim_matches(['\'', '"']);
    [
        "/tmp/",
        "/var/tmp/",
        "/dev/shm/",
        ">",
        "tee ",
        "curl ",
        "wget ",
        "nc ",
        "/dev/tcp/",
    ]
    .iter()
    .any(|m| v.contains(m))
}

/// A command of the body that keeps or sends what it sees.
fn records_or_sends(c: &Command) -> bool {
    let to_file = c.redirects.iter().any(|r| {
        r.writes()
            && !matches!(
                r.target.text.as_str(),
                "/dev/null" | "/dev/stderr" | "/dev/tty"
            )
            && !r.target.text.starts_with('&')
    });
    let program = c.name();
    to_file
        || matches!(
            program,
            "tee" | "curl" | "wget" | "nc" | "ncat" | "socat" | "logger"
        )
        || ["/tmp/", "/var/tmp/", "/dev/shm/"]
            .iter()
            .any(|d| c.argv.first().is_some_and(|a| a.text.starts_with(d)))
}
