//! Where the configuration comes from: the user config file, a project file that may only
//! tighten it, and environment overrides.
//!
//! * user config: `--policy FILE`, else `$HERMES_SCAN_CONFIG`, else
//!   `$XDG_CONFIG_HOME/hermes-scan/config.toml` (`~/.config/…` when unset); a missing default file
//!   means defaults, a missing named file is an error.
//! * project file: the nearest `.hermes-scan.toml` from the working directory upwards.
//! * environment: `HERMES_SCAN_MODE=manual|smart|off`, `HERMES_SCAN_YOLO=1` (mode off),
//!   `HERMES_SCAN_UNATTENDED=deny|allow`, `HERMES_SCAN_ON_ERROR=closed|open` — read once here.

use super::{FailMode, Mode, Policy, PolicyError, Unattended};
use std::path::{Path, PathBuf};

/// Set by the `--yolo` command-line flag (read once at start-up, like the environment).
pub static YOLO_FLAG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Set by the `--strict` command-line flag: configuration warnings become errors.
pub static STRICT_FLAG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Name of the project file.
pub const PROJECT_FILE: &str = ".hermes-scan.toml";

/// The hermes-scan config directory (`$XDG_CONFIG_HOME/hermes-scan`).
pub fn config_dir() -> PathBuf {
    xdg_dir("XDG_CONFIG_HOME", ".config").join("hermes-scan")
}

/// The hermes-scan data directory (`$XDG_DATA_HOME/hermes-scan`).
pub fn data_dir() -> PathBuf {
    xdg_dir("XDG_DATA_HOME", ".local/share").join("hermes-scan")
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => PathBuf::from(v),
        None => home().join(fallback),
    }
}

/// The user's home directory (`$HOME`, or `/` when unset).
pub fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// The nearest project file at or above `dir`.
pub fn find_project_file(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .take(64)
        .map(|d| d.join(PROJECT_FILE))
        // Present in any form: a directory or a dangling symlink is an error, not "no file".
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// Build the effective policy.
pub fn effective(explicit: Option<&Path>, cwd: Option<&Path>) -> Result<Policy, PolicyError> {
    let named = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("HERMES_SCAN_CONFIG").map(PathBuf::from));
    let mut policy = match named {
        Some(p) => Policy::load(&p)?,
        None => {
            let default = config_dir().join("config.toml");
            // A directory or a dangling symlink there is an error: the user's deny list must
            // never be dropped silently.
            if std::fs::symlink_metadata(&default).is_ok() {
                Policy::load(&default)?
            } else {
                Policy::default()
            }
        }
    };
    apply_env(&mut policy)?;
    if let Some(project) = cwd.and_then(find_project_file) {
        policy.tighten_with(Policy::load(&project)?);
    }
    Ok(policy)
}

/// Environment overrides (user level: a project file can still tighten after them).
fn apply_env(policy: &mut Policy) -> Result<(), PolicyError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(v) = var("HERMES_SCAN_MODE") {
        policy.approval.mode = match v.as_str() {
            "manual" => Mode::Manual,
            "smart" => Mode::Smart,
            "off" => Mode::Off,
            _ => {
                return Err(PolicyError(format!(
                    "HERMES_SCAN_MODE={v:?}: use manual, smart or off"
                )))
            }
        };
    }
    let flag = YOLO_FLAG.load(std::sync::atomic::Ordering::Relaxed);
    if flag || var("HERMES_SCAN_YOLO").is_some_and(|v| v != "0") {
        policy.approval.mode = Mode::Off;
    }
    if let Some(v) = var("HERMES_SCAN_UNATTENDED") {
        policy.approval.unattended = match v.as_str() {
            "deny" => Unattended::Deny,
            "allow" => Unattended::Allow,
            _ => {
                return Err(PolicyError(format!(
                    "HERMES_SCAN_UNATTENDED={v:?}: use deny or allow"
                )))
            }
        };
    }
    if let Some(v) = var("HERMES_SCAN_OSV_URL") {
        policy.supply.osv_url = Some(v);
        policy.supply.online = true;
    }
    if var("HERMES_SCAN_OFFLINE").is_some_and(|v| v != "0") {
        policy.supply.online = false;
    }
    if let Some(d) = &policy.advisories.auto_sync {
        crate::policy::parse_duration(d)
            .map_err(|e| PolicyError(format!("[advisories] auto_sync: {e}")))?;
    }
    if let Some(v) = var("HERMES_SCAN_ON_ERROR") {
        policy.errors.on_error = match v.as_str() {
            "closed" => FailMode::Closed,
            "open" => FailMode::Open,
            _ => {
                return Err(PolicyError(format!(
                    "HERMES_SCAN_ON_ERROR={v:?}: use closed or open"
                )))
            }
        };
    }
    Ok(())
}
