//! `hermes-scan setup claude-code|hermes|codex` (install the hook into the agent's settings,
//! idempotently, with this binary's absolute path) and `hermes-scan doctor` (what is wired, and
//! whether each hook still points at a working binary).

use crate::policy::load::home;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn exe() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "hermes-scan".into())
}

fn claude_settings() -> PathBuf {
    std::env::var_os("CLAUDE_CONFIG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".claude"))
        .join("settings.json")
}

fn hermes_config() -> PathBuf {
    std::env::var_os("HERMES_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".hermes"))
        .join("config.yaml")
}

fn codex_hooks() -> PathBuf {
    std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".codex"))
        .join("hooks.json")
}

/// Write a file atomically with owner-only permissions.
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("hermes-scan.{}.tmp", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn read_json(path: &Path) -> Result<Value, String> {
    match std::fs::read_to_string(path) {
        Ok(t) if t.trim().is_empty() => Ok(json!({})),
        Ok(t) => serde_json::from_str(&t).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(json!({})),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The hook timeout written into agent settings, in seconds: well above the hook's own answer
/// deadline (2 s by default), so the agent's timer never fires first (a timed-out hook does
/// not block in Claude Code).
const HOOK_TIMEOUT_SECS: u64 = 10;

/// Insert (or update) a `PreToolUse` command hook for the tools `matcher` names in a
/// Claude-Code-style `hooks` object; returns true when something changed.
fn upsert_pre_tool_use(
    doc: &mut Value,
    command: &str,
    marker: &str,
    matcher: &str,
) -> Result<bool, String> {
    let root = doc
        .as_object_mut()
        .ok_or("settings file is not a JSON object")?;
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let pre = hooks
        .as_object_mut()
        .ok_or("\"hooks\" is not an object")?
        .entry("PreToolUse")
        .or_insert_with(|| json!([]));
    let groups = pre
        .as_array_mut()
        .ok_or("\"hooks.PreToolUse\" is not an array")?;
    for g in groups.iter_mut() {
        let matcher_ok = g.get("matcher").and_then(Value::as_str) == Some(matcher);
        let mut found = None;
        if let Some(list) = g.get_mut("hooks").and_then(Value::as_array_mut) {
            for h in list.iter_mut() {
                let cmd = h.get("command").and_then(Value::as_str).unwrap_or("");
                if cmd.contains(marker) {
                    let timeout_ok =
                        h.get("timeout").and_then(Value::as_u64) == Some(HOOK_TIMEOUT_SECS);
                    let changed = !(cmd == command && timeout_ok);
                    h["command"] = json!(command);
                    h["timeout"] = json!(HOOK_TIMEOUT_SECS);
                    found = Some(changed);
                    break;
                }
            }
        }
        if let Some(changed) = found {
            // Earlier releases matched only Bash; web fetches go through the hook too now.
            g["matcher"] = json!(matcher);
            return Ok(changed || !matcher_ok);
        }
    }
    groups.push(json!({"matcher": matcher, "hooks": [
        {"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECS}
    ]}));
    Ok(true)
}

/// Run `setup AGENT`.
pub fn setup(agent: &str) -> i32 {
    let bin = exe();
    match agent {
        "claude-code" | "claude" => json_setup(
            &claude_settings(),
            &format!("{bin} hook claude-code"),
            "hook claude-code",
            "Bash|WebFetch",
        ),
        "codex" => {
            let code = json_setup(
                &codex_hooks(),
                &format!("{bin} hook codex"),
                "hook codex",
                "Bash",
            );
            if code == 0 {
                super::print("note: Codex runs hooks only with `[features] codex_hooks = true` in ~/.codex/config.toml");
            }
            code
        }
        "hermes" => hermes_setup(&hermes_config(), &bin),
        other => {
            crate::errln!("hermes-scan: no setup for {other:?} (claude-code, hermes, codex)");
            super::EXIT_USAGE
        }
    }
}

fn json_setup(path: &Path, command: &str, marker: &str, matcher: &str) -> i32 {
    let mut doc = match read_json(path) {
        Ok(d) => d,
        Err(e) => {
            crate::errln!("hermes-scan: {e}; not changed");
            return super::EXIT_CONFIG;
        }
    };
    match upsert_pre_tool_use(&mut doc, command, marker, matcher) {
        Ok(false) => {
            super::print(&format!("already installed in {}", path.display()));
            0
        }
        Ok(true) => {
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
            match write_atomic(path, &text) {
                Ok(()) => {
                    super::print(&format!(
                        "installed the PreToolUse hook in {}",
                        path.display()
                    ));
                    0
                }
                Err(e) => {
                    crate::errln!("hermes-scan: {}: {e}", path.display());
                    super::EXIT_CONFIG
                }
            }
        }
        Err(e) => {
            crate::errln!("hermes-scan: {}: {e}; not changed", path.display());
            super::EXIT_CONFIG
        }
    }
}

/// Hermes keeps hooks in YAML. Without a YAML editor that preserves comments, hermes-scan appends
/// a `hooks:` block when the file has none, and otherwise prints the entry to add by hand.
fn hermes_setup(path: &Path, bin: &str) -> i32 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let command = format!("{bin} hook hermes");
    let entry = format!(
        "  pre_tool_call:\n    - command: \"{command}\"\n      matcher: terminal\n      fail_closed: true\n      timeout: 10\n"
    );
    if text.contains(&command) {
        super::print(&format!("already installed in {}", path.display()));
        return 0;
    }
    let has_hooks = text.lines().any(|l| l.starts_with("hooks:"));
    if has_hooks {
        crate::errln!(
            "hermes-scan: {} already has a hooks: block; add this under it by hand:\n{entry}",
            path.display()
        );
        return 1;
    }
    let mut new = text.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str("# added by hermes-scan setup hermes\nhooks:\n");
    new.push_str(&entry);
    match write_atomic(path, &new) {
        Ok(()) => {
            super::print(&format!(
                "installed the pre_tool_call hook in {} (Hermes asks once to accept it, or set hooks_auto_accept: true)",
                path.display()
            ));
            0
        }
        Err(e) => {
            crate::errln!("hermes-scan: {}: {e}", path.display());
            super::EXIT_CONFIG
        }
    }
}

/// Does `bin` exist and answer `--version`?
fn works(bin: &str) -> bool {
    std::process::Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The binary named by a hook command line (`/path/hermes-scan hook x`).
fn bin_of(command: &str) -> &str {
    command
        .split(" hook ")
        .next()
        .unwrap_or(command)
        .trim()
        .trim_matches('"')
}

/// Run `doctor`.
/// Exits 1 when anything is broken (a hook that no longer runs, a config that does not load).
pub fn doctor() -> i32 {
    let mut out = String::new();
    let mut broken = false;
    out.push_str("config\n");
    let cwd = std::env::current_dir().ok();
    match crate::policy::load::effective(None, cwd.as_deref()) {
        Ok(p) => match crate::Scanner::with_policy(p) {
            Ok(s) => {
                let unknown = s.unknown_rule_overrides();
                if unknown.is_empty() {
                    out.push_str("  policy       ok\n");
                } else {
                    out.push_str(&format!(
                        "  policy       warning: no rule has the id(s) {}\n",
                        unknown.join(", ")
                    ));
                }
            }
            Err(e) => {
                broken = true;
                out.push_str(&format!("  policy       BROKEN: rule pack error: {e}\n"));
            }
        },
        Err(e) => {
            broken = true;
            out.push_str(&format!("  policy       BROKEN: {e}\n"));
        }
    }
    out.push_str("shells\n");
    for (shell, rc) in [
        ("bash", home().join(".bashrc")),
        ("zsh", home().join(".zshrc")),
        ("fish", home().join(".config/fish/config.fish")),
    ] {
        let text = std::fs::read_to_string(&rc).unwrap_or_default();
        let wired = text.contains("hermes-scan") && text.contains(&format!("init {shell}"));
        out.push_str(&format!(
            "  {shell:<12} {}  ({})\n",
            if wired { "wired" } else { "not wired" },
            rc.display()
        ));
    }
    out.push_str("agents\n");
    let mut report = |name: &str, path: PathBuf, marker: &str| {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let command = text.lines().find(|l| l.contains(marker)).and_then(|l| {
            l.split('"')
                .find(|p| p.contains(marker))
                .map(str::to_string)
        });
        let status = match command {
            None => "not wired".to_string(),
            Some(c) if works(bin_of(&c)) => format!("wired → {}", bin_of(&c)),
            Some(c) => {
                broken = true;
                format!("BROKEN: {} does not run", bin_of(&c))
            }
        };
        out.push_str(&format!("  {name:<12} {status}  ({})\n", path.display()));
    };
    report("claude-code", claude_settings(), "hook claude-code");
    report("hermes", hermes_config(), "hook hermes");
    report("codex", codex_hooks(), "hook codex");
    out.push_str("exec (run, agent)\n");
    if let Ok(p) = crate::policy::load::effective(None, cwd.as_deref()) {
        let kind = p.exec.sandbox;
        match crate::exec::sandbox::program(kind) {
            Ok(_) => out.push_str(&format!("  sandbox      {} (available)\n", kind.as_str())),
            Err(e) => {
                broken = true;
                out.push_str(&format!("  sandbox      BROKEN: {e}\n"));
            }
        }
        let (exact, globs) = crate::exec::env::split_passthrough(&p.exec.env_passthrough);
        let plan = crate::exec::env::sanitize(
            std::env::vars_os().map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            }),
            &exact,
            &globs,
            false,
        );
        let mut dropped = plan.dropped.clone();
        dropped.sort();
        out.push_str(&format!(
            "  environment  {} passed, {} dropped: {}\n",
            plan.vars.len(),
            dropped.len(),
            dropped.join(" ")
        ));
    }
    out.push_str("advisories\n");
    let (text, store_broken) = super::advisories::describe(&crate::supply::store::default_dir());
    broken |= store_broken;
    for line in text.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    super::print(out.trim_end());
    i32::from(broken)
}
