//! Persistent fetch-and-run: a line written into a shell start-up file, a git hook, a crontab, a
//! systemd unit, an autostart entry or an editor start-up file that downloads and runs code or
//! opens a reverse shell. The written text is itself parsed as
//! shell and checked by the remote-code and reverse-shell analyzers.

use super::{command_rules, remote_code, reverse_shell, OwnedHit};
use crate::rules::RuleSet;
use crate::shell::ir::single_quoted;
use crate::shell::{self, printed_literal, Command, Script};
use regex::Regex;
use std::sync::OnceLock;

/// Programs that begin a user crontab's command: never the user field of a system crontab line
/// (`0 3 * * * find /tmp/app -delete` runs `find`, not `/tmp/app` as the user `find`).
const CRON_COMMANDS: &[&str] = &[
    "find",
    "rm",
    "cd",
    "sh",
    "bash",
    "python",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "curl",
    "wget",
    "tar",
    "rsync",
    "git",
    "docker",
    "make",
    "echo",
    "test",
    "[",
    "flock",
    "nice",
    "ionice",
    "timeout",
    "env",
    "systemctl",
    "journalctl",
    "logrotate",
    "certbot",
];

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
    /// `authorized_keys`: a key's `command="…"` option runs at every login with it, and a key
    /// file downloaded from anywhere but a forge's published user keys is someone else's key.
    AuthorizedKeys,
    /// A Kubernetes manifest applied from stdin.
    Manifest,
    /// A macOS launchd property list: its `ProgramArguments` (or `Program`) run at login or load.
    LaunchPlist,
    /// PAM stacks: `pam_exec.so PROGRAM` runs PROGRAM at every login, `pam_permit.so` as a
    /// sufficient `auth` module lets anyone in.
    Pam,
    /// Kernel parameters: `kernel.core_pattern=|PROGRAM` runs PROGRAM as root at every crash.
    Sysctl,
    /// sudo rules: passwordless root for every user is a back door.
    Sudoers,
    /// Package-manager configuration: a line that points installs at another registry.
    RegistryConfig,
    /// A configuration file whose lines run a command after a keyword (`run-shell '…'` in
    /// tmux, `\! …` in psql, `LocalCommand …` in ssh, `"command": "…"` in a VS Code task).
    /// With `warns`, any such command is worth a look; otherwise only an attack is reported.
    Keyed {
        keys: &'static [&'static str],
        warns: bool,
    },
    /// Code in a language the interpreter analysis reads (`interpreter -e CODE`); with `warns`,
    /// code that runs any program is worth a look.
    Code {
        interpreter: &'static str,
        warns: bool,
    },
    /// Shell lines (completion files, direnv, oh-my-zsh custom files); with `warns`, a line that
    /// runs a program from a temporary or hidden place is worth a look.
    Shell {
        warns: bool,
    },
}

/// Start-up and hook files beyond shell rc files: where they are and how commands are read out
/// of them. User start-up files warn when they run something; files a project routinely writes
/// (`.envrc`, `.husky/*`, VS Code tasks, devcontainers, pre-commit, pnpmfile) only block when
/// what they run downloads and runs code or opens a reverse shell.
const STARTUP_FILES: &[(&str, Sink)] = &[
    (
        r"(^|/)(\.tmux\.conf|\.config/tmux/tmux\.conf)$",
        Sink::Keyed {
            keys: &["run-shell", "run ", "if-shell", "if "],
            warns: true,
        },
    ),
    (
        r"(^|/)\.screenrc$",
        Sink::Keyed {
            keys: &["exec ", "screen "],
            warns: true,
        },
    ),
    (
        r"(^|/)\.gdbinit$",
        Sink::Keyed {
            keys: &["shell ", "!"],
            warns: true,
        },
    ),
    (
        r"(^|/)\.psqlrc$",
        Sink::Keyed {
            keys: &["\\!", "\\o |", "\\o|", "\\g |"],
            warns: true,
        },
    ),
    (
        r"(^|/)\.sqliterc$",
        Sink::Keyed {
            keys: &[".shell", ".system"],
            warns: true,
        },
    ),
    (
        r"(^|/)\.config/(i3|sway)/config$",
        Sink::Keyed {
            keys: &["exec_always ", "exec "],
            warns: true,
        },
    ),
    (
        r"(^|/)\.config/hypr/hyprland\.conf$",
        Sink::Keyed {
            keys: &["exec-once", "exec "],
            warns: true,
        },
    ),
    (
        r"(^|/)\.ssh/config$|^/etc/ssh/ssh_config(\.d/[^/]+)?$",
        Sink::Keyed {
            keys: &["LocalCommand", "ProxyCommand", "KnownHostsCommand"],
            warns: false,
        },
    ),
    (
        r"^/etc/apt/apt\.conf\.d/[^/]+$",
        Sink::Keyed {
            keys: &["Invoke", "Pre-Install-Pkgs"],
            warns: true,
        },
    ),
    (
        r"(^|/)\.vscode/tasks\.json$|(^|/)\.devcontainer(/[^/]+)?/devcontainer\.json$|(^|/)\.devcontainer\.json$|(^|/)\.(claude|gemini|cursor|codex|qwen)/(settings(\.local)?|hooks)\.json$|(^|/)\.mcp\.json$|(^|/)\.(cursor|vscode|gemini|roo|kiro|amazonq)/mcp\.json$|(^|/)claude_desktop_config\.json$",
        Sink::Keyed {
            keys: &["\"command\"", "Command\"", "\"args\""],
            warns: false,
        },
    ),
    (
        r"^/(etc|usr/lib|lib|run)/modprobe\.d/[^/]+$",
        Sink::Keyed {
            keys: &["install ", "remove "],
            warns: true,
        },
    ),
    (
        r"(^|/)\.pre-commit-config\.ya?ml$",
        Sink::Keyed {
            keys: &["entry:"],
            warns: false,
        },
    ),
    (
        r"(^|/)(\.irbrc|\.pryrc)$",
        Sink::Code {
            interpreter: "ruby",
            warns: true,
        },
    ),
    (
        r"(^|/)(\.Rprofile|Rprofile\.site)$",
        Sink::Code {
            interpreter: "Rscript",
            warns: true,
        },
    ),
    (
        r"(^|/)\.jupyter/[^/]+\.py$|(^|/)\.ipython/profile_[^/]+/[^/]+\.py$",
        Sink::Code {
            interpreter: "python3",
            warns: true,
        },
    ),
    (
        r"(^|/)\.pnpmfile\.cjs$",
        Sink::Code {
            interpreter: "node",
            warns: false,
        },
    ),
    (
        r"(^|/)\.nvim\.lua$",
        Sink::Code {
            interpreter: "lua",
            warns: false,
        },
    ),
    (
        r"(^|/)\.local/share/bash-completion/completions/[^/]+$|^/etc/bash_completion\.d/[^/]+$|(^|/)\.zfunc/[^/]+$|(^|/)\.oh-my-zsh/custom/.+$|(^|/)\.config/direnv/direnvrc$|(^|/)\.config/nushell/(config|env)\.nu$|(^|/)\.lessfilter$|^/etc/logrotate\.d/[^/]+$|(^|/)\.config/plasma-workspace/env/[^/]+$",
        Sink::Shell { warns: true },
    ),
    (
        r"(^|/)\.envrc$|(^|/)\.husky/[^/]+$|(^|/)\.claude/hooks/[^/]+$|(^|/)\.githooks/[^/]+$|(^|/)\.gemini/hooks/[^/]+$|(^|/)\.cursor/hooks/[^/]+$",
        Sink::Shell { warns: false },
    ),
];

/// The start-up file table entry for `path`, if any.
fn startup_table(path: &str) -> Option<Sink> {
    static SET: OnceLock<regex::RegexSet> = OnceLock::new();
    let set = SET.get_or_init(|| {
        regex::RegexSet::new(STARTUP_FILES.iter().map(|(re, _)| *re)).expect("static regexes")
    });
    set.matches(path).iter().next().map(|i| STARTUP_FILES[i].1)
}

/// Commands a keyed configuration file runs: after each key, every quoted string, or the rest
/// of the line when nothing is quoted.
fn keyed_commands(text: &str, keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let Some(at) = keys
            .iter()
            .filter_map(|k| trimmed.find(k).map(|i| i + k.len()))
            .min()
        else {
            continue;
        };
        let rest = trimmed[at..].trim_start_matches([' ', ':', '=', '\t']);
        let quoted: Vec<&str> = rest
            .split(['"', '\''])
            .skip(1)
            .step_by(2)
            .filter(|q| !q.trim().is_empty())
            .collect();
        if quoted.is_empty() {
            let bare = rest.trim().trim_matches(['"', '\'', ';', '}', '{']).trim();
            if !bare.is_empty() {
                out.push(bare.to_string());
            }
        } else {
            out.extend(quoted.iter().map(|q| q.to_string()));
        }
    }
    out
}

/// An option value (udev `RUN+="…"`, authorized_keys `command="…"`): the text inside its double
/// quotes, `\"` unescaped.
fn quoted_value(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"') else {
        return value.split(',').next().unwrap_or(value).trim().to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '"' => break,
            _ => out.push(c),
        }
    }
    out
}

/// Forges that publish each user's public keys (`https://github.com/USER.keys`): importing your
/// own keys from there is ordinary.
fn publishes_user_keys(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    [
        "github.com",
        "gitlab.com",
        "launchpad.net",
        "codeberg.org",
        "bitbucket.org",
    ]
    .iter()
    .any(|f| crate::text::dotted_tail(host, f))
}

/// Files in a hooks directory that nothing runs: documentation, data and git's `.sample`
/// hooks (`.claude/hooks/README.md` explaining "this hook denies `rm -rf ~`" is prose).
fn inert_hook_file(path: &str) -> bool {
    const HOOK_DIRS: &[&str] = &[
        ".git/hooks/",
        ".husky/",
        ".claude/hooks/",
        ".githooks/",
        ".gemini/hooks/",
        ".cursor/hooks/",
    ];
    const INERT: &[&str] = &[
        ".md",
        ".markdown",
        ".txt",
        ".rst",
        ".adoc",
        ".json",
        ".yaml",
        ".yml",
        ".sample",
    ];
    let lower = path.to_ascii_lowercase();
    HOOK_DIRS.iter().any(|d| lower.contains(d)) && INERT.iter().any(|e| lower.ends_with(e))
}

fn sink_of(path: &str) -> Option<Sink> {
    if inert_hook_file(path) {
        return None;
    }
    static RC: OnceLock<Regex> = OnceLock::new();
    let rc = RC.get_or_init(|| {
        Regex::new(r"(^|/)(\.bashrc|\.bash_profile|\.bash_login|\.bash_aliases|\.profile|\.zshrc|\.zprofile|\.zshenv|\.zlogin|\.kshrc|\.mkshrc|\.tcshrc|\.cshrc|\.login|\.logout|config\.fish|\.bash_logout|\.zlogout|\.xprofile|\.xinitrc|\.xsession|\.xsessionrc|\.ssh/rc)$|(^|/)\.bashrc\.d/[^/]+$|/\.config/fish/functions/[^/]+\.fish$|^/etc/(profile|bash\.bashrc|zshrc|zsh/zshrc|rc\.local|environment|csh\.cshrc|csh\.login|ssh/sshrc)$|^/etc/(profile\.d|update-motd\.d|init\.d|rc[0-6S]\.d|network/if-[a-z-]+\.d|NetworkManager/dispatcher\.d)/|^/(etc|usr/lib|lib|run|usr/local/lib)/systemd/(system|user)-generators/|(^|/)\.git/hooks/[^/]+$|/\.config/fish/conf\.d/[^/]+$")
            .expect("static regex")
    });
    static EDITOR: OnceLock<Regex> = OnceLock::new();
    let editor = EDITOR.get_or_init(|| {
        Regex::new(r"(^|/)(\.vimrc|\.gvimrc|\.exrc|\.config/nvim/init\.vim|\.vim/plugin/[^/]+)$")
            .expect("static regex")
    });
    static REGISTRY: OnceLock<Regex> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        Regex::new(r"(^|/)(\.yarnrc\.yml|\.yarnrc|\.npmrc|/etc/npmrc|npmrc|pip\.conf|pip\.ini|\.gemrc|\.cargo/config(\.toml)?|bunfig\.toml|\.condarc|\.m2/settings\.xml|\.gradle/init\.d/[^/]+\.gradle(\.kts)?|\.gradle/init\.gradle(\.kts)?|NuGet\.Config|nuget\.config|yarn\.lock|package-lock\.json|pnpm-lock\.yaml|uv\.toml|pyproject\.toml|Pipfile|requirements[\w.-]*\.txt|Gemfile|\.gradle/gradle\.properties|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|\.sbt/repositories|\.terraformrc|daemon\.json|containers/registries\.conf|gradle-wrapper\.properties|maven-wrapper\.properties|Cargo\.toml|Dockerfile|\.gitlab-ci\.yml)$")
            .expect("static regex")
    });
    static CODE: OnceLock<[Regex; 3]> = OnceLock::new();
    let [python, lua, emacs] = CODE.get_or_init(|| {
        [
            Regex::new(r"(^|/)(site|dist)-packages/([^/]+\.pth|sitecustomize\.py|usercustomize\.py|dnf-plugins/[^/]+\.py|yum-plugins/[^/]+\.py)$|^/usr/lib/yum-plugins/[^/]+\.py$|(^|/)\.ipython/profile_[^/]+/startup/[^/]+\.py$")
                .expect("static regex"),
            Regex::new(r"(^|/)\.config/nvim/(init\.lua|(lua|plugin|after/plugin)/.+\.lua)$")
                .expect("static regex"),
            Regex::new(r"(^|/)(\.emacs|\.emacs\.el|\.emacs\.d/(init|early-init)\.el|\.config/emacs/(init|early-init)\.el|\.doom\.d/[^/]+\.el)$")
                .expect("static regex"),
        ]
    });
    if rc.is_match(path) {
        Some(Sink::StartupFile)
    } else if let Some(sink) = startup_table(path) {
        Some(sink)
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
        || path.ends_with(".pth")
            && (path.contains("site") || path.contains("packages") || path.starts_with("$(…)/"))
        // `"$(python3 -m site --user-site)/usercustomize.py"`
        || path.starts_with("$(…)/")
            && (path.ends_with("/usercustomize.py") || path.ends_with("/sitecustomize.py"))
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
    } else if path.starts_with("/etc/cron")
        || path.starts_with("/var/spool/cron")
        || path == "/etc/anacrontab"
        || path.starts_with("/var/spool/anacron")
    {
        Some(Sink::Cron)
    } else if path.contains("/systemd/system/") || path.contains("/systemd/user/") {
        Some(Sink::Systemd)
    } else if path.ends_with("/authorized_keys") || path.ends_with("/authorized_keys2") {
        Some(Sink::AuthorizedKeys)
    } else if path.contains("/udev/rules.d/") {
        Some(Sink::Udev)
    } else if (path.contains("Library/LaunchAgents/") || path.contains("Library/LaunchDaemons/"))
        && path.ends_with(".plist")
    {
        Some(Sink::LaunchPlist)
    } else if path == "/etc/sudoers" || path.starts_with("/etc/sudoers.d/") {
        Some(Sink::Sudoers)
    } else if path.starts_with("/etc/pam.d/") || path == "/etc/pam.conf" {
        Some(Sink::Pam)
    } else if path == "/etc/sysctl.conf"
        || path.starts_with("/etc/sysctl.d/")
        || path == "/proc/sys/kernel/core_pattern"
    {
        Some(Sink::Sysctl)
    } else {
        None
    }
}

/// Find writes into persistence locations and check what is written.
pub fn analyze(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        // `npm pkg set scripts.postinstall=CMD`, `jq '.scripts.prepare="CMD"' package.json`: the
        // install script is code every `npm install` of the project runs.
        if let Some((rule_id, why)) =
            lifecycle_script(cmd).and_then(|code| runs_remote_code(&code, Sink::StartupFile, rules))
        {
            hits.push(OwnedHit {
                rule_id,
                span: cmd.span,
                detail: Some(format!(
                    "{why} (an npm install script runs it on every install)"
                )),
            });
        }
        let mut look: Option<String> = None;
        let placed = placed_text(cmd, script);
        let Some(sink) = sink_for_command(cmd).or(placed.as_ref().map(|(s, _)| *s)) else {
            continue;
        };
        if sink == Sink::AuthorizedKeys {
            if let Some(target) = others_authorized_keys(cmd) {
                hits.push(OwnedHit {
                    rule_id: "persist.root-authorized-key".into(),
                    span: cmd.span,
                    detail: Some(format!(
                        "{target} receives a key: a standing login as root or as every account"
                    )),
                });
            }
        }
        let mut payloads: Vec<String> = placed.map(|(_, t)| t).unwrap_or_default();
        payloads.extend(printed_literal(cmd).map(|w| w.text));
        payloads.extend(cmd.stdin_text.iter().map(|w| w.text.clone()));
        payloads.extend(upstream_literals(script, cmd));
        // `echo BASE64 | base64 -d >> ~/.bashrc`: what lands in the file is the decoded text.
        if cmd.name() == "base64"
            && cmd
                .args()
                .iter()
                .any(|a| matches!(a.text.as_str(), "-d" | "-D" | "--decode"))
        {
            let decoded: Vec<String> = payloads
                .iter()
                .filter_map(|p| crate::text::base64::decode(p.trim()))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect();
            payloads.extend(decoded);
        }
        // Package-manager configuration, and registry variables exported from shell hook files
        // (`.envrc`, Dockerfile-style `export PIP_INDEX_URL=…`).
        let registry_line = |l: &&str| match sink {
            Sink::RegistryConfig => switches_registry(l),
            Sink::Shell { .. } => l.trim_start().starts_with("export ") && switches_registry(l),
            _ => false,
        };
        if let Some(line) = payloads.iter().flat_map(|t| t.lines()).find(registry_line) {
            hits.push(OwnedHit {
                rule_id: "supply.registry-switch".into(),
                span: cmd.span,
                detail: Some(format!(
                    "the written line {:?} points every later install at another registry",
                    line.trim()
                )),
            });
        }
        if sink == Sink::RegistryConfig {
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
                    "binds an identity to cluster-admin or runs a privileged pod on every node",
                ),
            };
            // The programs git runs from the written settings, judged as shell lines.
            let run = if sink == Sink::GitConfig {
                payloads
                    .iter()
                    .flat_map(|t| git_programs(t))
                    .find_map(|code| runs_remote_code(&code, Sink::StartupFile, rules))
            } else {
                None
            };
            if let Some((rule_id, why)) = run {
                hits.push(OwnedHit {
                    rule_id,
                    span: cmd.span,
                    detail: Some(format!(
                        "{why} (a git setting runs it on ordinary commands)"
                    )),
                });
            }
            if let Some(m) = payloads.iter().find_map(|t| re.find(t)) {
                hits.push(OwnedHit {
                    rule_id: rule_id.into(),
                    span: cmd.span,
                    detail: Some(format!("the written text {:?} {why}", m.as_str().trim())),
                });
            }
            continue;
        }
        // Keyed configuration files run the commands after their keys: judge those as shell.
        let (sink, payloads) = match sink {
            Sink::Keyed { keys, warns } => {
                let commands: Vec<String> = payloads
                    .iter()
                    .flat_map(|t| keyed_commands(t, keys))
                    .collect();
                if warns && !commands.is_empty() {
                    look = Some(format!(
                        "the configuration line runs `{}` whenever the tool starts",
                        commands[0]
                    ));
                }
                (Sink::Shell { warns: false }, vec![commands.join("\n")])
            }
            _ => (sink, payloads),
        };
        // A start-up line that sources or runs a file this input wrote (`echo 'source
        // ~/.env.sh' >> ~/.bashrc` after writing ~/.env.sh): that file's lines run too.
        let payloads: Vec<String> = payloads
            .into_iter()
            .map(|t| with_sourced_files(script, t))
            .collect();
        let mut found = false;
        // A whole file downloaded into place from a well-known host (Gerrit's `commit-msg` hook
        // from googlesource.com, dotfiles from raw.githubusercontent.com): what it runs is not
        // known here, so it needs a look rather than a block.
        if let [text] = payloads.as_slice() {
            if let Some(host) =
                downloaded_from(text).filter(|h| super::domains::popular().contains_host(h))
            {
                if sink != Sink::AuthorizedKeys {
                    hits.push(OwnedHit {
                        rule_id: "persist.startup-file".into(),
                        span: cmd.span,
                        detail: Some(format!(
                            "the start-up file or hook is replaced by whatever {host} serves"
                        )),
                    });
                    continue;
                }
            }
        }
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
        // A start-up line that runs a program at all (`autocmd … !cmd`, `system(…)` in .irbrc,
        // `run-shell` in tmux) is worth a look even when the program is not a download.
        if !found {
            if let Some(why) = look.or_else(|| worth_a_look(sink, &payloads)) {
                hits.push(OwnedHit {
                    rule_id: "persist.startup-file".into(),
                    span: cmd.span,
                    detail: Some(why),
                });
            }
        }
    }
    hits
}

/// Why a write into a start-up file that is not an attack is still worth a look: it runs a
/// shell command (editor files), runs a program (code start-up files), or runs one from a
/// temporary or hidden place (shell hook files).
fn worth_a_look(sink: Sink, payloads: &[String]) -> Option<String> {
    let lines = || payloads.iter().flat_map(|t| t.lines());
    match sink {
        Sink::Editor => lines()
            .find(|l| l.contains('!') || l.contains("system(") || l.contains("jobstart("))
            .map(|l| {
                format!(
                    "the editor start-up line {:?} runs a shell command whenever the editor opens",
                    l.trim()
                )
            }),
        Sink::Shell { warns: true } => lines().find(|l| runs_hidden_program(l)).map(|l| {
            format!(
                "the line {:?} (run later by a start-up file or a queued job) runs a program from a temporary or hidden place",
                l.trim()
            )
        }),
        Sink::Code {
            interpreter,
            warns: true,
        } => payloads
            .iter()
            .find_map(|t| program_run_by(&code_line(interpreter, t))),
        Sink::Lua => payloads
            .iter()
            .find_map(|t| program_run_by(&code_line("lua", t))),
        Sink::Emacs => payloads
            .iter()
            .map(|t| emacs_commands(t))
            .find(|c| !c.trim().is_empty())
            .map(|c| format!("the Emacs start-up code runs `{}`", c.trim())),
        _ => None,
    }
}

/// A line that runs something from `/tmp`, `/var/tmp`, `/dev/shm` or a hidden path.
fn runs_hidden_program(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(^|[\s;&|(`'^=])(/tmp|/var/tmp|/dev/shm)/|(^|[\s;&|(`'^=])[~\w/.$-]*/\.[\w-]+(\s|$|&|;)")
            .expect("static regex")
    })
    .is_match(line)
}

/// The command line that runs `code` with `interpreter`.
fn code_line(interpreter: &str, code: &str) -> String {
    let flag = if interpreter.starts_with("python") {
        "-c"
    } else {
        "-e"
    };
    format!("{interpreter} {flag} {}", single_quoted(code))
}

/// The first program a code snippet runs, as a finding's detail.
fn program_run_by(program_line: &str) -> Option<String> {
    let parsed = shell::analyze(program_line);
    parsed
        .commands
        .iter()
        .find(|c| c.via.is_some())
        .map(|c| format!("the start-up code runs `{}`", c.canonical()))
}

/// Settings whose value git runs as a command (`!`-aliases and `credential.helper=!…` run
/// through a shell too).
const GIT_PROGRAM_KEYS: &[&str] = &[
    "fsmonitor",
    "sshcommand",
    "pager",
    "editor",
    "askpass",
    "external",
    "textconv",
    "clean",
    "smudge",
    "process",
    "helper",
    "command",
];

/// The commands a git configuration text makes git run (`fsmonitor = CMD`, `co = !CMD`).
fn git_programs(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim().trim_matches(['"', '\'']).trim();
            match value.strip_prefix('!') {
                Some(shell) => Some(shell.trim().to_string()),
                None if GIT_PROGRAM_KEYS.contains(&key.as_str()) && !value.is_empty() => {
                    Some(value.to_string())
                }
                None => None,
            }
        })
        .collect()
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

/// A Kubernetes binding to cluster-admin (or the masters group) in a manifest, or a DaemonSet
/// (one pod on every node) that takes the node: privileged, the host's PID namespace or its root.
fn admin_binding() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?s)\bkind"?\s*:\s*"?(Cluster)?RoleBinding\b.*?\bname"?\s*:\s*["']?(cluster-admin|system:masters)\b|\bkind"?\s*:\s*"?DaemonSet\b.*?(privileged"?\s*:\s*true|hostPID"?\s*:\s*true|\bpath"?\s*:\s*["']?/["']?\s*[,}\n])"#)
            .expect("static regex")
    })
}

/// The command line a launchd property list runs: its `ProgramArguments` strings (or its
/// `Program`), each quoted for the shell.
fn plist_command(text: &str) -> Option<String> {
    let strings = |from: &str| -> Vec<String> {
        let end = from.find("</array>").unwrap_or(from.len());
        from[..end]
            .split("<string>")
            .skip(1)
            .filter_map(|s| s.split_once("</string>").map(|(v, _)| v))
            .map(|v| {
                v.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&")
            })
            .collect()
    };
    let argv = match text.find("<key>ProgramArguments</key>") {
        Some(at) => strings(&text[at..]),
        None => {
            let at = text.find("<key>Program</key>")?;
            strings(&text[at..]).into_iter().take(1).collect()
        }
    };
    let quoted: Vec<String> = argv.iter().map(|a| single_quoted(a)).collect();
    (!quoted.is_empty()).then(|| quoted.join(" "))
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

/// A package-manager configuration line that names a registry other than the public one, or
/// turns off the checks that protect downloads (TLS verification, signatures, a custom CA).
fn switches_registry(line: &str) -> bool {
    /// One pattern per configuration format; a line is tested from its start.
    const LINES: &[&str] = &[
        // npm, pnpm, yarn, bun, pip, uv, cargo, conda
        r"(@[\w.-]+:)?registry\s*=",
        r"registry\s+[\x22']",
        r"npmRegistryServer\s*:",
        r"(extra-)?index-url\s*=",
        r"trusted-host\s*=",
        r"replace-with\s*=",
        r"-\s*https?://",
        r"(ssl_verify\s*:\s*(false|no|0)|:ssl_verify_mode:\s*0|strict-ssl\s*=\s*false|enableStrictSsl\s*:\s*false|unsafeHttpWhitelist\s*:)",
        r"(cainfo|cafile|check-revoke|proxy)\s*=",
        // requirements files
        r"(--index-url|--extra-index-url|-i|--trusted-host|-f|--find-links)(\s|=)",
        // Maven, Gradle, sbt, Terraform, NuGet, Gemfile, Cargo patches and sources
        r".*<url>\s*https?://",
        r".*\burl\s*[=(]?\s*[\x22']https?://",
        r".*allowInsecureProtocol\s*=?\s*true",
        r".*javax\.net\.ssl\.trustStore",
        r"[\w-]+\s*:\s*https?://",
        r".*<add\s+key=.*value=[\x22']https?://",
        r"source\s+[\x22']https?://",
        r"\[(patch|source)\.",
        r"distributionUrl\s*=",
        // container registries
        r".*(insecure-registries|insecure\s*=\s*true)",
        // environment variables set in .envrc, Dockerfiles, CI files
        r"(export\s+|ENV\s+|-\s+)?(PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|PIP_TRUSTED_HOST|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_DEFAULT_INDEX|NPM_CONFIG_REGISTRY|npm_config_registry|YARN_NPM_REGISTRY_SERVER|BUN_CONFIG_REGISTRY|GOPROXY|GOINSECURE|GONOSUMDB|GOSUMDB|GOFLAGS|NODE_TLS_REJECT_UNAUTHORIZED|GIT_SSL_NO_VERIFY)[\s=:]",
        // a bare URL (a sed substitution's replacement)
        r"https?://\S+\s*$",
    ];
    static LINE: OnceLock<Regex> = OnceLock::new();
    static OFFICIAL: OnceLock<Regex> = OnceLock::new();
    let line_re = LINE.get_or_init(|| {
        Regex::new(&format!(r"(?i)^\s*({})", LINES.join("|"))).expect("static regex")
    });
    let official = OFFICIAL.get_or_init(|| {
        Regex::new(r"https://(registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org/simple|rubygems\.org|repo\.maven\.apache\.org|repo1\.maven\.org|plugins\.gradle\.org|services\.gradle\.org|conda\.anaconda\.org|repo\.anaconda\.com|api\.nuget\.org|repo\.packagist\.org|registry\.bun\.sh|proxy\.golang\.org|sum\.golang\.org|npm\.pkg\.github\.com|npm\.jsr\.io|npm\.fontawesome\.com|download\.pytorch\.org|pypi\.nvidia\.com)/?|(GOFLAGS|GOSUMDB)\s*=\s*[\x22']?(-mod=\w+|sum\.golang\.org)|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*1|GOPROXY\s*=\s*[\x22']?(direct|off)\b")
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
        // `… | EDITOR='tee -a' visudo`: the piped lines are appended to sudoers.
        "visudo" if editor_is(cmd, &["EDITOR", "VISUAL", "SUDO_EDITOR"], &["tee"]) => {
            Some(Sink::Sudoers)
        }
        // `systemctl edit --stdin UNIT <<< …`, `SYSTEMD_EDITOR=tee systemctl edit UNIT <<< …`:
        // what comes in on stdin becomes a drop-in of the unit.
        "systemctl"
            if cmd.args().iter().any(|a| a.text == "edit")
                && (cmd.args().iter().any(|a| a.text == "--stdin")
                    || editor_is(
                        cmd,
                        &["SYSTEMD_EDITOR", "EDITOR", "VISUAL"],
                        &["tee", "cat", "cp"],
                    )) =>
        {
            Some(Sink::Systemd)
        }
        "crontab" => {
            let positional = cmd.operands();
            let lists = cmd
                .args()
                .iter()
                .any(|a| matches!(a.text.as_str(), "-l" | "-e" | "-r"));
            (!lists && (positional.is_empty() || positional.contains(&"-"))).then_some(Sink::Cron)
        }
        // `echo CMD | at now + 1 minute`, `batch <<< CMD`: the job's lines run later, out of
        // sight; one that runs a program from a temporary or hidden place is worth a look.
        "at" | "batch" => {
            let queries = cmd.args().iter().any(|a| {
                a.text.starts_with('-')
                    && a.text.len() == 2
                    && matches!(&a.text[1..], "l" | "r" | "d" | "c" | "f" | "V")
            });
            (!queries).then_some(Sink::Shell { warns: true })
        }
        _ => None,
    }
}

/// Whether an editor variable assigned before `cmd` names one of `programs` (`EDITOR='tee -a'
/// visudo`: the base name of the value's first word).
fn editor_is(cmd: &Command, vars: &[&str], programs: &[&str]) -> bool {
    cmd.assignments.iter().any(|(name, value)| {
        vars.contains(&name.as_str())
            && value
                .text
                .split_whitespace()
                .next()
                .and_then(|program| program.rsplit('/').next())
                .is_some_and(|program| programs.contains(&program))
    })
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
        // `git config --global core.hooksPath DIR`: the hooks this input wrote into DIR run on
        // every commit, checkout or push.
        "git" => {
            let at = operands
                .iter()
                .position(|o| o.eq_ignore_ascii_case("core.hooksPath"))?;
            let dir = operands.get(at + 1)?.trim_end_matches('/');
            let prefix = format!("{}/", dir.strip_prefix("./").unwrap_or(dir));
            let hooks: Vec<String> = script
                .files
                .iter()
                .filter(|(path, _)| path.strip_prefix("./").unwrap_or(path).starts_with(&prefix))
                .map(|(_, w)| w.text.clone())
                .collect();
            (!hooks.is_empty()).then_some((Sink::StartupFile, hooks))
        }
        // `printf '$a\n…\n.\nw\n' | ed -s ~/.bashrc`: the script is piped in.
        name if shell::editor_scripts::is_line_editor(name) => {
            let piped = upstream_literals(script, cmd);
            let edit = shell::editor_scripts::editor_edit(cmd, piped.first().map(String::as_str))?;
            let sink = edit.files.iter().find_map(|f| sink_of(f))?;
            Some((sink, edit.added))
        }
        "sed" | "gsed" => {
            let edit = shell::sinks::edit_in_place(cmd)?;
            let sink = edit.files.iter().find_map(|f| sink_of(f))?;
            Some((sink, edit.added))
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

/// `text` followed by the known content of the files its lines source or run (`source F`,
/// `. F`, `sh F`, `bash F`) when this input wrote them.
fn with_sourced_files(script: &Script, text: String) -> String {
    let mut extra = String::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(first), Some(file)) = (words.next(), words.next()) else {
            continue;
        };
        if !matches!(first, "source" | "." | "\\." | "sh" | "bash" | "zsh") {
            continue;
        }
        let file = file.trim_matches(['"', '\'']);
        let home = file
            .strip_prefix("$HOME/")
            .or_else(|| file.strip_prefix("${HOME}/"))
            .map(|rest| format!("~/{rest}"));
        let written = script
            .written_file(file)
            .or_else(|| home.as_deref().and_then(|h| script.written_file(h)));
        if let Some(w) = written {
            extra.push('\n');
            extra.push_str(&w.text);
        }
    }
    if extra.is_empty() {
        text
    } else {
        text + &extra
    }
}

/// The URL of a download recorded as the text of the file it wrote (the shell walker records
/// `curl -o FILE URL` as FILE holding `curl -fsSL URL | sh`).
fn recorded_download(text: &str) -> Option<&str> {
    text.strip_prefix("curl -fsSL ")?.strip_suffix(" | sh")
}

/// The host of a [`recorded_download`].
fn downloaded_from(text: &str) -> Option<String> {
    let url = recorded_download(text.trim())?;
    let host = url.split_once("://").map_or(url, |x| x.1);
    let host = host.split(['/', ':', '?']).next()?.to_ascii_lowercase();
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

/// A persisted line that hands typed passwords to something else: a PAM `pam_exec.so` given the
/// password (`expose_authtok`), or a shell alias or function standing in for `sudo`/`su`/`ssh`
/// that reads a password silently (`read -s`).
fn captures_passwords(sink: Sink, line: &str) -> Option<String> {
    match sink {
        Sink::Pam => {
            let words: Vec<&str> = line.split_whitespace().collect();
            let exec = words.iter().any(|w| w.ends_with("pam_exec.so"));
            (exec && words.contains(&"expose_authtok")).then(|| {
                format!("the PAM line {line:?} hands every password typed at login to a program")
            })
        }
        Sink::StartupFile | Sink::Shell { .. } => {
            static STAND_IN: OnceLock<Regex> = OnceLock::new();
            let re = STAND_IN.get_or_init(|| {
                Regex::new(r#"^\s*(alias\s+(sudo|su|ssh|doas|passwd|kinit)=|(function\s+)?(sudo|su|ssh|doas|passwd|kinit)\s*(\(\s*\))?\s*\{).*\bread\s+(-[a-zA-Z]*s|-[a-zA-Z]+\s+-[a-zA-Z]*s)"#)
                    .expect("static regex")
            });
            re.is_match(line).then(|| {
                format!("the start-up line {line:?} stands in for a login command and reads the password it is typed")
            })
        }
        _ => None,
    }
}

/// If any line of `text` downloads-and-runs, opens a reverse shell or does something at the floor
/// (a root or home wipe, a device write), say which rule the persisted write takes: the floor
/// rule itself for floor payloads, `persist.fetch-and-run` otherwise.
fn runs_remote_code(text: &str, sink: Sink, rules: &RuleSet) -> Option<(String, String)> {
    static CRON_SCHEDULE: OnceLock<Regex> = OnceLock::new();
    let schedule =
        // Five fields, the last four numbers, ranges, steps, `*` or month/day names (`wget -q -O
        // - URL | sh` in a cron.daily script has five words but no schedule).
        CRON_SCHEDULE.get_or_init(|| {
            Regex::new(r"^\s*(@\w+|\S+\s+(([\d*/,?LW#-]+|[A-Za-z]{3}([,-][A-Za-z]{3})*)\s+){4})")
                .expect("static regex")
        });
    // Code in another language runs as a whole: hand it to the interpreter analysis through the
    // interpreter's own command line.
    let program = match sink {
        Sink::Python => Some(format!("python3 -c {}", single_quoted(text))),
        Sink::Lua => Some(format!("lua -e {}", single_quoted(text))),
        Sink::PowerShell => Some(format!("pwsh -c {}", single_quoted(text))),
        Sink::Emacs => Some(emacs_commands(text)),
        Sink::Code { interpreter, .. } => Some(code_line(interpreter, text)),
        Sink::LaunchPlist => plist_command(text),
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
                // With and without the user field of /etc/crontab-style lines (a first word
                // that is a common program is the command of a user crontab's line).
                let rest = line[m.end()..].trim_start();
                lines.push(rest);
                if let Some((user, after_user)) = rest.split_once(char::is_whitespace) {
                    if !CRON_COMMANDS.contains(&user) {
                        lines.push(after_user);
                    }
                }
                // anacrontab: `PERIOD DELAY JOB-ID COMMAND`.
                if let Some(command) = anacron_command(line) {
                    lines.push(command);
                }
            }
            None => {
                lines.push(line);
                if let Some(command) = anacron_command(line).filter(|_| sink == Sink::Cron) {
                    lines.push(command);
                }
            }
        }
    }
    // A program the written text runs from a world-writable temporary directory, reported when
    // nothing worse is found.
    let mut temp_program: Option<(String, String)> = None;
    for mut code in lines {
        let option_command;
        let pam_command;
        let unit_command;
        if let Some(why) = captures_passwords(sink, code) {
            return Some(("persist.password-capture".to_string(), why));
        }
        if sink == Sink::Sudoers {
            // Sudo rules served by another host: whoever controls it decides who is root.
            if let Some(url) = recorded_download(code) {
                return Some((
                    "persist.auth-bypass".to_string(),
                    format!("the sudoers rules are whatever {url} serves"),
                ));
            }
            if sudo_for_everyone(code) {
                return Some((
                    "persist.auth-bypass".to_string(),
                    format!(
                        "the sudoers line {code:?} gives every account root without a password"
                    ),
                ));
            }
            continue;
        }
        if sink == Sink::AuthorizedKeys {
            // A download recorded as its equivalent download-and-run (see the shell walker).
            if let Some(url) = recorded_download(code) {
                if !publishes_user_keys(url) {
                    return Some((
                        "persist.authorized-keys-download".to_string(),
                        format!("authorized_keys receives whatever {url} serves"),
                    ));
                }
                continue;
            }
            let forced = code
                .find("command=")
                .map(|at| quoted_value(&code[at + "command=".len()..]));
            match forced.filter(|c| !c.trim().is_empty()) {
                Some(c) => {
                    option_command = c;
                    code = option_command.as_str();
                }
                None => continue,
            }
        }
        if sink == Sink::Systemd {
            if let Some((key, value)) = code.split_once('=') {
                if key.trim().starts_with("Exec") {
                    // `%h` is the user's home directory (`ExecStart=/bin/rm -rf %h`).
                    unit_command = value
                        .trim_start_matches(['-', '@', ':', '+', '!'])
                        .replace("%h", "~");
                    code = unit_command.as_str();
                }
            }
        }
        if sink == Sink::Pam {
            let words: Vec<&str> = code.split_whitespace().collect();
            let module = |w: &&str| w.rsplit('/').next().is_some_and(|b| b.starts_with("pam_"));
            let Some(at) = words.iter().position(module) else {
                continue;
            };
            let control = words.get(at.wrapping_sub(1)).copied().unwrap_or("");
            let kind = words.first().copied().unwrap_or("").trim_start_matches('-');
            if words[at].ends_with("pam_permit.so")
                && kind == "auth"
                && matches!(control, "sufficient" | "[success=done" | "requisite")
            {
                return Some((
                    "persist.auth-bypass".to_string(),
                    format!("the PAM line {code:?} lets any password (or none) log in"),
                ));
            }
            if !words[at].ends_with("pam_exec.so") {
                continue;
            }
            // `pam_exec.so [debug] [quiet] [log=F] [type=T] … PROGRAM ARGS`
            let program = words[at + 1..]
                .iter()
                .position(|w| {
                    !w.contains('=') && !w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
                .map(|p| words[at + 1 + p..].join(" "));
            match program {
                Some(p) => {
                    pam_command = p;
                    code = pam_command.as_str();
                }
                None => continue,
            }
        }
        if sink == Sink::Sysctl {
            let value = match code.split_once('=') {
                Some((key, v)) if key.trim() == "kernel.core_pattern" => v.trim(),
                Some(_) => continue,
                // `/proc/sys/kernel/core_pattern` holds the value alone.
                None => code,
            };
            match value.strip_prefix('|') {
                Some(program) => code = program,
                None => continue,
            }
        }
        let udev_command;
        if sink == Sink::Udev {
            match code.split_once("RUN") {
                Some((_, run)) => {
                    let value = run.trim_start_matches(['+', '=', ' ']);
                    udev_command = quoted_value(value);
                    code = udev_command.as_str();
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
        let rule_hits = command_rules::analyze(&parsed, rules);
        if let Some(floor) = rule_hits.iter().find(|h| {
            rules
                .get(&h.rule_id)
                .is_some_and(|r| r.spec.floor && r.spec.category == "destructive")
        }) {
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
                rule_hits
                    .iter()
                    .map(|h| h.rule_id.clone())
                    .filter(|id| id.starts_with("revshell.") || id.starts_with("remote.")),
            )
            // A hook that sends secrets out on every run (`env | curl -d @- …` in a git hook).
            .chain(
                super::exfil::analyze(&parsed)
                    .into_iter()
                    .map(|h| h.rule_id.to_string()),
            )
            // A fork bomb or a kill of every process at every login.
            .chain(
                super::fork_bomb::analyze(&parsed)
                    .into_iter()
                    .chain(super::kill_all::analyze(&parsed))
                    .map(|h| h.rule_id.to_string()),
            );
        if let Some(id) = found.next() {
            return Some((
                "persist.fetch-and-run".to_string(),
                format!("the written line {code:?} triggers {id}"),
            ));
        }
        // Anything else that blocks when typed blocks when a start-up file or job runs it later
        // (a set-uid copy of a shell made at every login).
        let blocks = |h: &&OwnedHit| {
            rules
                .get(&h.rule_id)
                .is_some_and(|r| r.spec.action == crate::findings::Action::Block)
        };
        if let Some(h) = rule_hits.iter().find(blocks) {
            return Some((
                "persist.fetch-and-run".to_string(),
                format!(
                    "the written line {code:?} triggers {} when it runs later",
                    h.rule_id
                ),
            ));
        }
        if temp_program.is_none() && program.is_none() && sink != Sink::Editor {
            temp_program = runs_temp_program(&parsed).map(|p| {
                (
                    "persist.temp-program".to_string(),
                    format!("the written line {code:?} runs {p} from a world-writable temporary directory"),
                )
            });
        }
    }
    temp_program
}

/// The authorized_keys file of root, or of every account (`/home/*/.ssh/…`), that `cmd`
/// writes.
fn others_authorized_keys(cmd: &Command) -> Option<String> {
    let mut targets: Vec<&str> = cmd
        .redirects
        .iter()
        .filter(|r| r.writes())
        .map(|r| r.target.text.as_str())
        .collect();
    if matches!(
        cmd.name(),
        "tee" | "cp" | "mv" | "install" | "dd" | "sponge"
    ) {
        targets.extend(cmd.args().iter().map(|a| a.text.trim_start_matches("of=")));
    }
    targets
        .into_iter()
        .filter(|t| t.ends_with("/authorized_keys") || t.ends_with("/authorized_keys2"))
        .find(|t| {
            t.starts_with("/root/")
                || t.starts_with("~root/")
                || t.starts_with("/var/root/")
                || (t.contains('*') && !t.starts_with("./"))
        })
        .map(str::to_string)
}

/// The command of an anacrontab line (`PERIOD DELAY JOB-ID COMMAND`, the period a number of
/// days or `@monthly`-style).
fn anacron_command(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    let mut fields = Vec::new();
    for _ in 0..3 {
        let (field, after) = rest.split_once(char::is_whitespace)?;
        fields.push(field);
        rest = after.trim_start();
    }
    let period = fields[0].starts_with('@') || fields[0].bytes().all(|b| b.is_ascii_digit());
    let delay = fields[1].bytes().all(|b| b.is_ascii_digit());
    (period && delay && !rest.is_empty()).then_some(rest)
}

/// A sudoers rule giving passwordless root to every user, or to an everyone-style group or a
/// service account (`ALL ALL=(ALL) NOPASSWD: ALL`, `%users …`, `www-data …`).
fn sudo_for_everyone(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(ALL|%users|%everyone|%nogroup|nobody|www-data|%www-data|daemon|%daemon|#-1)\s+\S+\s*=.*NOPASSWD\s*:\s*(\([^)]*\)\s*)?ALL\s*$")
            .expect("static regex")
    })
    .is_match(line)
}

/// An npm script run by `npm install`, `npm publish` or `npm pack` of the project (the names
/// `persist.package-lifecycle-script` matches).
fn is_lifecycle_hook(name: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // npm's install-time hooks, and Composer's (`post-install-cmd`, `post-autoload-dump`).
        Regex::new(r"^(pre|post)?(install|prepare|prepublish|prepack|postpack|publish)$|^(pre|post)-(install|update|autoload|root-package-install|create-project)(-cmd|-dump)?$")
            .expect("static regex")
    })
    .is_match(name)
}

/// The command an npm install-time script is set to (see [`shell::package_json::scripts_set`]).
fn lifecycle_script(cmd: &Command) -> Option<String> {
    shell::package_json::scripts_set(cmd)
        .into_iter()
        .find(|(hook, _)| is_lifecycle_hook(hook))
        .map(|(_, code)| code)
}

/// Is `p` inside a world-writable temporary directory?
fn in_temp_dir(p: &str) -> bool {
    ["/tmp/", "/var/tmp/", "/dev/shm/", "/private/tmp/"]
        .iter()
        .any(|d| p.starts_with(d))
}

/// A program a parsed line runs from a temporary directory: invoked by its path, given to a
/// shell as a script, or made the value of an alias (`alias sudo=/tmp/.s/sudo`).
fn runs_temp_program(parsed: &Script) -> Option<String> {
    parsed.commands.iter().find_map(|c| {
        let invoked = c.invoked_as.as_deref().filter(|p| in_temp_dir(p));
        let script = match shell::nested::shell_invocation(c) {
            Some(shell::nested::ShellInvocation::Script(w)) => {
                Some(w.text.as_str()).filter(|p| in_temp_dir(p))
            }
            _ => None,
        };
        let alias = (c.name() == "alias")
            .then(|| {
                c.args().iter().find_map(|a| {
                    let (_, v) = a.text.split_once('=')?;
                    in_temp_dir(v).then_some(v)
                })
            })
            .flatten();
        invoked.or(script).or(alias).map(|p| format!("`{p}`"))
    })
}
