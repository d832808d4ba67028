//! The guard switched off from inside: hermes-scan's processes killed by a name pattern that
//! matches it (`pkill -f 'hermes[-]scan'`, `killall -r 'herm.*scan'`, `kill $(pgrep -f herm)`),
//! or one of its shell hook's functions (`__hermes_scan_enter`, `__hermes_scan_accept_line`) —
//! or a function named `hermes-scan` itself — redefined so Enter no longer checks anything. Both are `self.tamper`; the hook's variables and
//! key bindings are matched by the rule pack.

use super::Hit;
use crate::shell::ir::Command;
use crate::shell::Script;

/// The name the scanner's processes run under, and command lines they have.
const SCANNER_PROCESSES: &[&str] = &[
    "hermes-scan",
    "/usr/local/bin/hermes-scan hook claude-code",
    "/home/dev/.cargo/bin/hermes-scan prompt -- git status",
];

/// Process names a pattern must not also match to count as aimed at the scanner: a pattern
/// this loose (`scan`, `an`, `e`) is aimed at something else and hits the scanner by chance.
const DECOYS: &[&str] = &[
    "scan",
    "clamscan",
    "node",
    "python3 manage.py runserver",
    "nginx",
];

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits: Vec<Hit> = script
        .functions
        .iter()
        .filter(|f| f.name.starts_with("__hermes_scan_") || f.name == "hermes-scan")
        .map(|f| Hit {
            rule_id: "self.tamper",
            span: f.span,
            detail: Some(format!(
                "function `{}` replaces hermes-scan or its shell hook",
                f.name
            )),
        })
        .collect();
    for cmd in &script.commands {
        if let Some(pattern) = kill_pattern(cmd) {
            if aimed_at_scanner(&pattern) {
                hits.push(Hit {
                    rule_id: "self.tamper",
                    span: cmd.span,
                    detail: Some(format!(
                        "`{}` pattern `{pattern}` matches hermes-scan's processes",
                        cmd.name()
                    )),
                });
            }
        }
    }
    hits
}

/// Whether a pid source (`pgrep`, `pidof`, `ps | grep`) lists hermes-scan's processes.
pub fn lists_scanner(cmds: &[&Command]) -> bool {
    cmds.iter().any(|c| {
        let pattern = match c.name() {
            "pgrep" | "grep" | "egrep" | "rg" => first_operand(c),
            "fgrep" | "pidof" => first_operand(c).map(|p| regex::escape(&p)),
            "awk" | "gawk" | "mawk" => first_operand(c).and_then(|p| {
                // `/hermes-scan/ {print $2}`: the pattern between the slashes.
                let inner = p.trim_start().strip_prefix('/')?;
                inner.split_once('/').map(|(re, _)| re.to_string())
            }),
            _ => None,
        };
        pattern.is_some_and(|p| aimed_at_scanner(&p))
    })
}

/// The name pattern of `pkill` or `killall` (as a regex; `killall` without `-r` names exactly).
fn kill_pattern(cmd: &Command) -> Option<String> {
    match cmd.name() {
        "pkill" => first_operand(cmd),
        "killall" => {
            let regex = cmd
                .args()
                .iter()
                .any(|a| a.text == "-r" || a.text == "--regexp");
            let name = first_operand(cmd)?;
            Some(if regex {
                name
            } else {
                format!("^{}$", regex::escape(&name))
            })
        }
        _ => None,
    }
}

/// The first argument that is not an option (nor an option's value, for the few that take one).
fn first_operand(cmd: &Command) -> Option<String> {
    const VALUED: &[&str] = &[
        "-u", "-U", "-g", "-G", "-P", "-s", "-t", "-o", "-n", "--signal", "-e", "-f", "-A", "-B",
        "-C", "-m", "--user", "--group",
    ];
    let args = cmd.args();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let t = a.text.as_str();
        if t == "--" {
            return args.get(i + 1).map(|w| w.text.clone());
        }
        if !t.starts_with('-') || t == "-" {
            return (!a.dynamic).then(|| t.to_string());
        }
        // `pkill -f PATTERN`: `-f` takes no value for pkill/pgrep; `grep -e PATTERN` does.
        let takes_value = VALUED.contains(&t)
            && !(t == "-f" && matches!(cmd.name(), "pkill" | "pgrep"))
            && !(t == "-s" && cmd.name() == "killall");
        if takes_value && t == "-e" && matches!(cmd.name(), "grep" | "egrep" | "fgrep" | "rg") {
            return args.get(i + 1).map(|w| w.text.clone());
        }
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// A pattern that matches the scanner's processes but none of the decoys.
fn aimed_at_scanner(pattern: &str) -> bool {
    let Ok(re) = regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
    else {
        // Not a valid regex here (a glob, a BRE escape): compare its letters.
        let letters: String = pattern
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        return letters.contains("hermesscan");
    };
    SCANNER_PROCESSES.iter().any(|p| re.is_match(p)) && !DECOYS.iter().any(|d| re.is_match(d))
}

#[cfg(test)]
mod tests {
    use super::aimed_at_scanner;

    #[test]
    fn patterns_that_match_the_scanner_and_nothing_else() {
        for p in [
            "hermes-scan",
            "hermes[-]scan",
            "herm.*scan",
            "h.rmes-s.an",
            "herm",
            "^hermes",
        ] {
            assert!(aimed_at_scanner(p), "{p}");
        }
        for p in [
            "node",
            "scan",
            "an",
            "e",
            ".",
            "gunicorn",
            "vite --port",
            "hermes-agent",
        ] {
            assert!(!aimed_at_scanner(p), "{p}");
        }
    }
}
