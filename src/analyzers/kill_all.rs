//! Killing every process through a pid list: `kill -9 $(ps -e -o pid=)`, `kill $(pgrep .)`,
//! `ps -eo pid | xargs kill -9`, `ls /proc | grep -E '^[0-9]+$' | xargs kill`. A pid source
//! narrowed by a real filter (`grep node`, `awk '/vite/ {print $2}'`, `pgrep -f myserver`) is a
//! targeted kill and stays silent, unless the processes it picks are hermes-scan's own
//! (`kill $(pgrep -f hermes-scan)`, `ps aux | grep hermes-scan | awk '{print $2}' | xargs kill`):
//! that is the guard switched off (`self.tamper`).

use super::Hit;
use crate::shell::ir::{Command, Script, Word};

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        if !is_kill(cmd) {
            continue;
        }
        // `kill $(…)`: the pids come from a substitution.
        for w in cmd.args() {
            for &s in &w.subs {
                let inside: Vec<&Command> = script.commands_within(s).collect();
                if lists_every_pid(&inside) {
                    hits.push(hit(cmd, "every pid the substitution lists"));
                } else if inside.iter().any(|c| names_init(c)) {
                    hits.push(hit(cmd, "init (pid 1), whose death halts the machine"));
                } else if let Some(tool) = inside
                    .iter()
                    .find_map(|c| names_security_tool(c))
                    .filter(|_| !reload_signal(cmd))
                {
                    hits.push(Hit {
                        rule_id: "evasion.security-tool-off",
                        span: cmd.span,
                        detail: Some(format!(
                            "`{}` signals the security or audit agent `{tool}`",
                            cmd.name()
                        )),
                    });
                } else if super::guard::lists_scanner(&inside) {
                    hits.push(tamper(cmd));
                }
            }
        }
        // `… | xargs kill`, `… | xargs sudo kill`: the pids come from earlier pipeline stages
        // (the stage is the kill's own, or that of the xargs that runs it).
        let feed = script.feed(cmd);
        if feed.via_xargs {
            if lists_every_pid(&feed.upstream) {
                hits.push(hit(cmd, "every pid piped into it"));
            } else if super::guard::lists_scanner(&feed.upstream) {
                hits.push(tamper(cmd));
            }
        }
    }
    hits
}

fn hit(cmd: &Command, what: &str) -> Hit {
    Hit {
        rule_id: "floor.kill-all",
        span: cmd.span,
        detail: Some(format!("`{}` signals {what}", cmd.name())),
    }
}

fn tamper(cmd: &Command) -> Hit {
    Hit {
        rule_id: "self.tamper",
        span: cmd.span,
        detail: Some(format!(
            "`{}` signals hermes-scan's own processes",
            cmd.name()
        )),
    }
}

fn is_kill(cmd: &Command) -> bool {
    matches!(cmd.name(), "kill" | "skill")
        && !cmd.args().iter().any(|a| a.text == "-l" || a.text == "-L")
}

/// `kill -HUP PID`, `kill -s USR1 PID`: the signals daemons take as "reload" or "reopen your
/// logs" (log rotation sends them); the process keeps running.
fn reload_signal(cmd: &Command) -> bool {
    const RELOAD: &[&str] = &["HUP", "SIGHUP", "1", "USR1", "SIGUSR1", "USR2", "SIGUSR2"];
    let args = cmd.args();
    args.iter().enumerate().any(|(i, a)| {
        let t = a.text.as_str();
        t.strip_prefix('-').is_some_and(|s| RELOAD.contains(&s))
            || t.strip_prefix("--signal=")
                .is_some_and(|s| RELOAD.contains(&s))
            || matches!(t, "-s" | "-n" | "--signal")
                && args
                    .get(i + 1)
                    .is_some_and(|v| RELOAD.contains(&v.text.as_str()))
    })
}

/// A pid source with no real filter after it.
fn lists_every_pid(cmds: &[&Command]) -> bool {
    let source = cmds.iter().any(|c| match c.name() {
        // `ps -o pgid= -p $PID`, `ps -C nginx`: the processes named, not every one.
        // `ps -u $USER`: every process of the account itself.
        "ps" if names_self_user(c) => true,
        "ps" => !c.args().iter().any(|a| {
            matches!(
                a.text.as_str(),
                "-p" | "--pid" | "-q" | "--quick-pid" | "-C" | "--ppid" | "--sid" | "-s"
            ) || a.text.starts_with("--pid=")
                // `ps -o pgid= $PID`, `ps -o pgid= 4242`: a pid operand.
                || a.text.starts_with('$')
                || a.text.chars().all(|c| c.is_ascii_digit())
                || a.text.starts_with("-p") && a.text.len() > 2 && a.text[2..].starts_with(|c: char| c.is_ascii_digit() || c == '$')
        }),
        "pgrep" | "pidof" => match_all_pattern(c),
        "ls" | "find" | "echo" | "printf" => c.args().iter().any(|a| a.text.starts_with("/proc")),
        _ => false,
    });
    source && !cmds.iter().any(|c| is_filter(c))
}

/// `pidof systemd`, `pgrep -x init`, `cat /proc/1/stat`: a pid source that gives pid 1 (the
/// first of its results when `head`/`awk` narrow them, all of them otherwise).
fn names_init(c: &Command) -> bool {
    let operands = || c.args().iter().filter(|a| !a.text.starts_with('-'));
    match c.name() {
        "pidof" | "pgrep" => operands().any(|a| {
            matches!(
                a.text.trim_start_matches('^').trim_end_matches('$'),
                "systemd" | "init" | "/sbin/init" | "/lib/systemd/systemd" | "launchd"
            )
        }),
        "cat" | "head" | "cut" | "awk" | "sed" | "grep" | "readlink" => {
            operands().any(|a| a.text == "/proc/1" || a.text.starts_with("/proc/1/"))
        }
        _ => false,
    }
}

/// `pidof auditd`, `pgrep -f wazuh-agentd`, `cat /var/run/auditd.pid`: the pid of a security or
/// audit agent (the names of `security_service` in rules/tables.toml).
fn names_security_tool(c: &Command) -> Option<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            let table = crate::rules::table("security_service")?;
            regex::Regex::new(&format!("^(?:{table})d?$")).ok()
        })
        .as_ref()?;
    let operands = c.args().iter().filter(|a| !a.text.starts_with('-'));
    match c.name() {
        "pidof" | "pgrep" => operands
            .map(|a| a.text.trim_start_matches('^').trim_end_matches('$'))
            .find(|t| re.is_match(t))
            .map(str::to_string),
        "cat" | "head" => operands
            .filter_map(|a| {
                a.text
                    .strip_prefix("/var/run/")
                    .or(a.text.strip_prefix("/run/"))
            })
            .filter_map(|t| t.strip_suffix(".pid"))
            .map(|t| t.rsplit('/').next().unwrap_or(t))
            .find(|t| re.is_match(t))
            .map(str::to_string),
        _ => None,
    }
}

/// `pgrep .`, `pgrep -f ''`, `pgrep -u root`: every process (of a user).
fn match_all_pattern(c: &Command) -> bool {
    // Operands: not options, nor the values of the options that take one (`-u $USER`).
    let args = c.args();
    let positional: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            let valued = |o: &Word| {
                matches!(
                    o.text.as_str(),
                    "-u" | "-U" | "-g" | "-G" | "-P" | "-s" | "-t" | "-F" | "--signal"
                )
            };
            let value_of_option = *i > 0 && valued(&args[i - 1]);
            !(a.text.starts_with('-') || value_of_option)
        })
        .map(|(_, a)| a.text.as_str())
        .collect();
    let user_root = c
        .args()
        .windows(2)
        .any(|w| w[0].text == "-u" && (w[1].text == "root" || w[1].text == "0"));
    match positional.last() {
        None => user_root || names_self_user(c),
        Some(p) if user_root && (*p == "root" || *p == "0") && positional.len() == 1 => true,
        Some(p) => matches!(*p, "" | "." | ".*" | "^" | "$" | "^.*$" | ".+" | "*"),
    }
}

/// `-u $USER`, `-U "$(whoami)"`, `--user=$UID`: the account running the command (or root).
fn names_self_user(c: &Command) -> bool {
    let is_self = |t: &str| {
        let t = t.trim_matches('"');
        matches!(
            t,
            "$USER"
                | "${USER}"
                | "$LOGNAME"
                | "${LOGNAME}"
                | "$UID"
                | "${UID}"
                | "$EUID"
                | "$(whoami)"
                | "$(id -u)"
                | "$(id -un)"
                | "$(id -nu)"
                | "`whoami`"
                | "`id -u`"
                | "root"
                | "0"
        )
    };
    let args = c.args();
    args.iter().enumerate().any(|(i, a)| {
        let t = a.text.as_str();
        if matches!(t, "-u" | "-U" | "--user" | "--uid" | "--euid") {
            return args.get(i + 1).is_some_and(|v| is_self(&v.text));
        }
        ["--user=", "--uid=", "--euid=", "-u", "-U"]
            .iter()
            .any(|p| {
                t.strip_prefix(p)
                    .is_some_and(|v| !v.is_empty() && is_self(v))
            })
    })
}

/// A stage that narrows the list to particular processes.
fn is_filter(c: &Command) -> bool {
    let pattern = |p: &str| {
        !p.chars()
            .all(|ch| "^$[]0-9+*-".contains(ch) || ch == '\\' || ch == 'd')
    };
    match c.name() {
        // `grep -v PATTERN` drops what it names and keeps every other process.
        "grep" | "egrep" | "fgrep" | "rg" => {
            let inverted = c.args().iter().any(|a| {
                a.text == "--invert-match"
                    || (a.text.starts_with('-')
                        && !a.text.starts_with("--")
                        && a.text.contains('v'))
            });
            !inverted
                && c.args()
                    .iter()
                    .find(|a| !a.text.starts_with('-'))
                    .is_some_and(|a| pattern(&a.text))
        }
        "awk" | "gawk" | "mawk" => c.args().iter().any(|a| {
            let t = a.text.as_str();
            t.contains("~")
                || t.contains("==")
                || t.contains("if")
                || t.trim_start().starts_with('/')
                || t.contains("&&")
        }),
        "pgrep" | "pidof" => !match_all_pattern(c),
        // `tail -n +2`, `sed 1d`: the header line dropped, every process kept.
        "tail" => !c.args().iter().any(|a| {
            a.text.starts_with('+') || a.text.starts_with("-n+") || a.text.starts_with("--lines=+")
        }),
        "sed" => !c.args().iter().any(|a| a.text == "1d"),
        "head" => true,
        _ => false,
    }
}
