//! Persistent fetch-and-run: a line written into a shell start-up file, a git hook, a crontab, a
//! systemd unit, an autostart entry or an editor start-up file that downloads and runs code or
//! opens a reverse shell. The written text is itself parsed as
//! shell and checked by the remote-code and reverse-shell analyzers.

use super::{command_rules, remote_code, reverse_shell, OwnedHit};
use crate::rules::RuleSet;
use crate::shell::{self, printed_literal, Command, Script};
use regex::Regex;
use std::sync::OnceLock;

/// Where the written text ends up.
#[derive(Clone, Copy, PartialEq)]
enum Sink {
    /// Every line is shell (rc files, git hooks, fish snippets).
    StartupFile,
    Cron,
    /// `Exec…=` values are commands (systemd units, XDG `.desktop` entries).
    Systemd,
    /// Vim-style start-up files: what follows a `!` is a shell command.
    Editor,
    /// Python start-up files (`.pth`, `sitecustomize.py`): the whole text is Python.
    Python,
    /// Neovim Lua start-up files.
    Lua,
    /// PowerShell profiles (`$PROFILE`, `Microsoft.PowerShell_profile.ps1`).
    PowerShell,
    /// Emacs start-up files: strings given to `shell-command`, `call-process`… are commands.
    Emacs,
    /// Git configuration files: settings that make git run a program.
    GitConfig,
    /// udev rules: `RUN+="…"` values are commands run as root when a device appears.
    Udev,
    /// A Kubernetes manifest applied from stdin.
    Manifest,
    /// Package-manager configuration: a line that points installs at another registry.
    RegistryConfig,
}

fn sink_of(path: &str) -> Option<Sink> {
    static RC: OnceLock<Regex> = OnceLock::new();
    let rc = RC.get_or_init(|| {
        Regex::new(r"(^|/)(\.bashrc|\.bash_profile|\.bash_login|\.bash_aliases|\.profile|\.zshrc|\.zprofile|\.zshenv|\.zlogin|\.kshrc|\.mkshrc|\.tcshrc|\.cshrc|\.login|\.logout|config\.fish|\.bash_logout|\.zlogout|\.xprofile|\.xinitrc|\.xsession|\.xsessionrc|\.ssh/rc)$|(^|/)\.bashrc\.d/[^/]+$|/\.config/fish/functions/[^/]+\.fish$|^/etc/(profile|bash\.bashrc|zshrc|zsh/zshrc|rc\.local|environment|csh\.cshrc|csh\.login|ssh/sshrc)$|^/etc/(profile\.d|update-motd\.d)/|(^|/)\.git/hooks/[^/]+$|/\.config/fish/conf\.d/[^/]+$")
            .expect("static regex")
    });
    static EDITOR: OnceLock<Regex> = OnceLock::new();
    let editor = EDITOR.get_or_init(|| {
        Regex::new(r"(^|/)(\.vimrc|\.gvimrc|\.exrc|\.config/nvim/init\.vim|\.vim/plugin/[^/]+)$")
            .expect("static regex")
    });
    static REGISTRY: OnceLock<Regex> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        Regex::new(r"(^|/)(\.yarnrc\.yml|\.yarnrc|\.npmrc|/etc/npmrc|npmrc|pip\.conf|pip\.ini|\.gemrc|\.cargo/config(\.toml)?|bunfig\.toml|\.condarc|\.m2/settings\.xml|\.gradle/init\.d/[^/]+\.gradle(\.kts)?|\.gradle/init\.gradle(\.kts)?|NuGet\.Config|nuget\.config|yarn\.lock|package-lock\.json|pnpm-lock\.yaml)$")
            .expect("static regex")
    });
    static CODE: OnceLock<[Regex; 3]> = OnceLock::new();
    let [python, lua, emacs] = CODE.get_or_init(|| {
        [
            Regex::new(r"(^|/)(site|dist)-packages/([^/]+\.pth|sitecustomize\.py|usercustomize\.py)$|(^|/)\.ipython/profile_[^/]+/startup/[^/]+\.py$")
                .expect("static regex"),
            Regex::new(r"(^|/)\.config/nvim/(init\.lua|(lua|plugin|after/plugin)/.+\.lua)$")
                .expect("static regex"),
            Regex::new(r"(^|/)(\.emacs|\.emacs\.el|\.emacs\.d/(init|early-init)\.el|\.config/emacs/(init|early-init)\.el|\.doom\.d/[^/]+\.el)$")
                .expect("static regex"),
        ]
    });
    if rc.is_match(path) {
        Some(Sink::StartupFile)
    } else if path == "$PROFILE"
        || path.ends_with(".ps1")
            && (path.contains("/powershell/") || path.contains("PowerShell/"))
            && path.to_ascii_lowercase().ends_with("profile.ps1")
    {
        Some(Sink::PowerShell)
    } else if path.ends_with(".git/config")
        || path.ends_with(".gitconfig")
        || path.ends_with(".config/git/config")
    {
        Some(Sink::GitConfig)
    } else if python.is_match(path)
        || path.ends_with(".pth") && (path.contains("site") || path.contains("packages"))
    {
        Some(Sink::Python)
    } else if lua.is_match(path) {
        Some(Sink::Lua)
    } else if emacs.is_match(path) {
        Some(Sink::Emacs)
    } else if registry.is_match(path) {
        Some(Sink::RegistryConfig)
    } else if path.ends_with(".desktop") && path.contains("autostart/") {
        Some(Sink::Systemd)
    } else if editor.is_match(path) {
        Some(Sink::Editor)
    } else if path.starts_with("/etc/cron") || path.starts_with("/var/spool/cron") {
        Some(Sink::Cron)
    } else if path.contains("/systemd/system/") || path.contains("/systemd/user/") {
        Some(Sink::Systemd)
    } else if path.contains("/udev/rules.d/") {
        Some(Sink::Udev)
    } else {
        None
    }
}

/// Find writes into persistence locations and check what is written.
pub fn analyze(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        let placed = placed_text(cmd, script);
        let Some(sink) = sink_for_command(cmd).or(placed.as_ref().map(|(s, _)| *s)) else {
            continue;
        };
        let mut payloads: Vec<String> = placed.map(|(_, t)| t).unwrap_or_default();
        payloads.extend(printed_literal(cmd).map(|w| w.text));
        payloads.extend(cmd.stdin_text.iter().map(|w| w.text.clone()));
        payloads.extend(upstream_literals(script, cmd));
        if sink == Sink::RegistryConfig {
            if let Some(line) = payloads
                .iter()
                .flat_map(|t| t.lines())
                .find(|l| switches_registry(l))
            {
                hits.push(OwnedHit {
                    rule_id: "supply.registry-switch".into(),
                    span: cmd.span,
                    detail: Some(format!(
                        "the written line {:?} points every later install at another registry",
                        line.trim()
                    )),
                });
            }
            continue;
        }
        if matches!(sink, Sink::GitConfig | Sink::Manifest) {
            let (re, rule_id, why) = match sink {
                Sink::GitConfig => (
                    git_exec_setting(),
                    "persist.git-exec-config",
                    "makes git run a program on ordinary commands",
                ),
                _ => (
                    admin_binding(),
                    "persist.privilege-grant",
                    "binds an identity to cluster-admin",
                ),
            };
            if let Some(m) = payloads.iter().find_map(|t| re.find(t)) {
                hits.push(OwnedHit {
                    rule_id: rule_id.into(),
                    span: cmd.span,
                    detail: Some(format!("the written text {:?} {why}", m.as_str().trim())),
                });
            }
            continue;
        }
        let mut found = false;
        for text in &payloads {
            if let Some((rule_id, why)) = runs_remote_code(text, sink, rules) {
                hits.push(OwnedHit {
                    rule_id,
                    span: cmd.span,
                    detail: Some(why),
                });
                found = true;
                break;
            }
        }
        // An editor start-up line that runs a shell command at all (`autocmd … !cmd`,
        // `system(…)`) is worth a look even when the command is not a download.
        if !found && sink == Sink::Editor {
            if let Some(line) = payloads
                .iter()
                .flat_map(|t| t.lines())
                .find(|l| l.contains('!') || l.contains("system(") || l.contains("jobstart("))
            {
                hits.push(OwnedHit {
                    rule_id: "persist.startup-file".into(),
                    span: cmd.span,
                    detail: Some(format!(
                        "the editor start-up line {:?} runs a shell command whenever the editor opens",
                        line.trim()
                    )),
                });
            }
        }
    }
    hits
}

/// A git config line that runs a program: hooks outside the repository, an fsmonitor program,
/// an ssh command, a template directory.
fn git_exec_setting() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?im)^\s*(hookspath\s*=\s*["']?(/|~|\$|\.\.)|fsmonitor\s*=\s*["']?[^\s"']*[/.~$]|sshcommand\s*=|templatedir\s*=)[^
]*"#)
            .expect("static regex")
    })
}

/// A Kubernetes binding to cluster-admin (or the masters group) in a manifest.
fn admin_binding() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?s)\bkind"?\s*:\s*"?(Cluster)?RoleBinding\b.*?\bname"?\s*:\s*["']?(cluster-admin|system:masters)\b"#)
            .expect("static regex")
    })
}

/// `text` as one single-quoted shell word.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The shell commands an Emacs start-up file runs: every string literal on a line that calls a
/// process function, one command line per string (`(call-process "sh" nil 0 nil "-c" "CMD")`).
fn emacs_commands(text: &str) -> String {
    const CALLS: &[&str] = &[
        "shell-command",
        "call-process",
        "start-process",
        "make-process",
        "process-lines",
        "async-shell-command",
    ];
    let mut out = Vec::new();
    for line in text.lines().filter(|l| CALLS.iter().any(|c| l.contains(c))) {
        let mut rest = line;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            out.push(after[..close].replace("\\\"", "\""));
            rest = &after[close + 1..];
        }
    }
    out.join("\n")
}

/// A package-manager configuration line that names a registry other than the public one.
fn switches_registry(line: &str) -> bool {
    static LINE: OnceLock<Regex> = OnceLock::new();
    static OFFICIAL: OnceLock<Regex> = OnceLock::new();
    let line_re = LINE.get_or_init(|| {
        Regex::new(r#"(?i)^\s*((@[\w.-]+:)?registry\s*=|npmRegistryServer\s*:|(extra-)?index-url\s*=|trusted-host\s*=|replace-with\s*=|-\s*https?://|ssl_verify\s*:\s*(false|no)|strict-ssl\s*=\s*false|.*<url>\s*https?://|.*\burl\s*[=(]?\s*["']https?://|.*allowInsecureProtocol\s*=?\s*true|https?://\S+\s*$)"#)
            .expect("static regex")
    });
    let official = OFFICIAL.get_or_init(|| {
        Regex::new(r"https://(registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org/simple|rubygems\.org|repo\.maven\.apache\.org|repo1\.maven\.org|plugins\.gradle\.org|conda\.anaconda\.org|repo\.anaconda\.com|api\.nuget\.org|repo\.packagist\.org|registry\.bun\.sh)/?")
            .expect("static regex")
    });
    line_re.is_match(line) && !official.is_match(line)
}

/// Is this command writing into a persistence location? (redirect, tee, crontab from stdin)
fn sink_for_command(cmd: &Command) -> Option<Sink> {
    for r in &cmd.redirects {
        if r.writes() {
            if let Some(s) = sink_of(&r.target.text) {
                return Some(s);
            }
        }
    }
    match cmd.name() {
        "tee" => cmd.args().iter().find_map(|a| sink_of(&a.text)),
        "kubectl" | "oc"
            if cmd
                .args()
                .iter()
                .any(|a| matches!(a.text.as_str(), "apply" | "create" | "replace"))
                && cmd.args().iter().any(|a| a.text == "-")
                || cmd
                    .args()
                    .iter()
                    .any(|a| a.text == "-f=-" || a.text == "--filename=-") =>
        {
            Some(Sink::Manifest)
        }
        "dd" => cmd
            .args()
            .iter()
            .find_map(|a| a.text.strip_prefix("of=").and_then(sink_of)),
        "crontab" => {
            let positional: Vec<&str> = cmd
                .args()
                .iter()
                .map(|a| a.text.as_str())
                .filter(|a| !a.starts_with('-') || *a == "-")
                .collect();
            let lists = cmd
                .args()
                .iter()
                .any(|a| matches!(a.text.as_str(), "-l" | "-e" | "-r"));
            (!lists && (positional.is_empty() || positional.contains(&"-"))).then_some(Sink::Cron)
        }
        _ => None,
    }
}

/// Text put into a persistence location by a command that does not print it: a file written
/// earlier in the input copied or moved into place (`mv /tmp/b ~/.bashrc`) or loaded
/// (`crontab /tmp/c`), or lines added by `sed -i` (`$a …`, `1i …`, `s/…/…/`).
fn placed_text(cmd: &Command, script: &Script) -> Option<(Sink, Vec<String>)> {
    let args = cmd.args();
    let operands: Vec<&str> = args
        .iter()
        .map(|a| a.text.as_str())
        .filter(|t| !t.starts_with('-') || *t == "-")
        .collect();
    let written = |path: &str| script.written_file(path).map(|w| w.text.clone());
    match cmd.name() {
        "cp" | "mv" | "install" | "ln" | "rsync" => {
            let (dest, sources) = operands.split_last()?;
            let sink = sink_of(dest)?;
            Some((sink, sources.iter().filter_map(|s| written(s)).collect()))
        }
        "crontab" => {
            let file = operands.first()?;
            let lists = args
                .iter()
                .any(|a| matches!(a.text.as_str(), "-l" | "-e" | "-r"));
            (!lists && *file != "-").then(|| (Sink::Cron, written(file).into_iter().collect()))
        }
        "sed" | "gsed" => {
            let in_place = args.iter().any(|a| {
                let t = a.text.as_str();
                t.starts_with("-i") || t.starts_with("--in-place")
            });
            if !in_place {
                return None;
            }
            let mut scripts: Vec<&str> = Vec::new();
            let mut files: Vec<&str> = Vec::new();
            let mut i = 0;
            while i < args.len() {
                let t = args[i].text.as_str();
                if t == "-e" || t == "--expression" {
                    scripts.extend(args.get(i + 1).map(|w| w.text.as_str()));
                    i += 2;
                    continue;
                }
                if let Some(v) = t.strip_prefix("--expression=") {
                    scripts.push(v);
                } else if !t.starts_with('-') {
                    files.push(t);
                }
                i += 1;
            }
            if scripts.is_empty() && !files.is_empty() {
                scripts.push(files.remove(0));
            }
            let sink = files.iter().find_map(|f| sink_of(f))?;
            Some((
                sink,
                scripts
                    .iter()
                    .flat_map(|s| shell::sinks::sed_added_text(s))
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// How many printed literals before a sink are examined (the nearest ones).
const MAX_PAYLOADS: usize = 16;
/// How many stages before a sink are searched for printed literals. A payload further upstream is
/// not parsed, but the sink itself still warns (persist.cron, fs.write-shell-rc, …).
const MAX_STAGES_BACK: usize = 64;

/// Literal text printed by earlier stages of the command's pipeline (the nearest few).
fn upstream_literals(script: &Script, cmd: &Command) -> Vec<String> {
    let Some(pos) = cmd.pipes.last() else {
        return Vec::new();
    };
    // Commands are recorded in source order, so earlier stages come before `cmd` in the stage
    // index; walk back from the sink and stop after a bounded number of printers.
    let mut out = Vec::new();
    for s in (0..pos.stage).rev() {
        for c in script.stage(pos.pipeline, s) {
            if let Some(w) = printed_literal(c) {
                out.push(w.text);
            } else if c.name() == "cat" && c.args().is_empty() {
                // `cat <<EOF | …`: the heredoc flows on.
                out.extend(c.stdin_text.iter().map(|w| w.text.clone()));
            }
        }
        if out.len() >= MAX_PAYLOADS || pos.stage - s >= MAX_STAGES_BACK {
            break;
        }
    }
    out
}

/// If any line of `text` downloads-and-runs, opens a reverse shell or does something at the floor
/// (a root or home wipe, a device write), say which rule the persisted write takes: the floor
/// rule itself for floor payloads, `persist.fetch-and-run` otherwise.
fn runs_remote_code(text: &str, sink: Sink, rules: &RuleSet) -> Option<(String, String)> {
    static CRON_SCHEDULE: OnceLock<Regex> = OnceLock::new();
    let schedule =
        CRON_SCHEDULE.get_or_init(|| Regex::new(r"^\s*(@\w+|(\S+\s+){5})").expect("static regex"));
    // Code in another language runs as a whole: hand it to the interpreter analysis through the
    // interpreter's own command line.
    let program = match sink {
        Sink::Python => Some(format!("python3 -c {}", single_quoted(text))),
        Sink::Lua => Some(format!("lua -e {}", single_quoted(text))),
        Sink::PowerShell => Some(format!("pwsh -c {}", single_quoted(text))),
        Sink::Emacs => Some(emacs_commands(text)),
        _ => None,
    };
    let mut lines: Vec<&str> = Vec::new();
    if let Some(program) = &program {
        lines.push(program.as_str());
    }
    // A shell line pasted into a code start-up file is still read as shell: what an attacker
    // meant to run is judged even when the file's language would reject it.
    for line in text.lines() {
        let line = line.trim();
        match schedule.find(line).filter(|_| sink == Sink::Cron) {
            Some(m) => {
                // With and without the user field of /etc/crontab-style lines.
                let rest = line[m.end()..].trim_start();
                lines.push(rest);
                if let Some((_, after_user)) = rest.split_once(char::is_whitespace) {
                    lines.push(after_user);
                }
            }
            None => lines.push(line),
        }
    }
    for mut code in lines {
        if sink == Sink::Systemd {
            if let Some((key, value)) = code.split_once('=') {
                if key.trim().starts_with("Exec") {
                    code = value.trim_start_matches(['-', '@', ':', '+', '!']);
                }
            }
        }
        if sink == Sink::Udev {
            match code.split_once("RUN") {
                Some((_, run)) => {
                    let value = run.trim_start_matches(['+', '=', ' ']);
                    code = value.trim_matches('"');
                    code = code.split('"').next().unwrap_or(code);
                }
                None => continue,
            }
        }
        if sink == Sink::Editor {
            match code.split_once('!') {
                Some((_, cmd)) => code = cmd,
                None => continue,
            }
        }
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        let parsed = shell::analyze(code);
        if let Some(floor) = command_rules::analyze(&parsed, rules)
            .into_iter()
            .find(|h| {
                rules
                    .get(&h.rule_id)
                    .is_some_and(|r| r.spec.floor && r.spec.category == "destructive")
            })
        {
            return Some((
                floor.rule_id.clone(),
                format!(
                    "the written line {code:?} triggers {} when it runs later",
                    floor.rule_id
                ),
            ));
        }
        let mut found = remote_code::analyze(&parsed)
            .into_iter()
            .map(|h| h.rule_id.to_string())
            .chain(
                reverse_shell::analyze(&parsed)
                    .into_iter()
                    .map(|h| h.rule_id.to_string()),
            )
            .chain(
                command_rules::analyze(&parsed, rules)
                    .into_iter()
                    .map(|h| h.rule_id)
                    .filter(|id| id.starts_with("revshell.") || id.starts_with("remote.")),
            );
        if let Some(id) = found.next() {
            return Some((
                "persist.fetch-and-run".to_string(),
                format!("the written line {code:?} triggers {id}"),
            ));
        }
    }
    None
}
