//! Package-manager PATH shims: `hermes-scan shims install DIR` writes one small script per
//! package manager; each calls `hermes-scan shim NAME -- ARGS`, which vets install-like
//! subcommands and hands everything else to the real binary found after the shim directory on
//! PATH — same argv, same environment, never another shim.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

/// Package managers that get a shim.
pub const MANAGERS: &[&str] = &[
    "pip", "pip3", "uv", "uvx", "pipx", "poetry", "npm", "npx", "pnpm", "yarn", "bun", "bunx",
    "cargo",
];

/// Marker line that identifies a shim (so the real-binary search never lands on one).
const MARKER: &str = "# hermes-scan package-manager shim";

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `shims install DIR`.
pub fn install(dir: &Path) -> i32 {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "hermes-scan".into());
    if let Err(e) = std::fs::create_dir_all(dir) {
        crate::errln!("hermes-scan: {}: {e}", dir.display());
        return super::EXIT_NOINPUT;
    }
    let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for m in MANAGERS {
        let script = format!(
            "#!/bin/sh\n{MARKER} (regenerate with `hermes-scan shims install`)\nHERMES_SCAN_SHIM_DIR={} exec {} shim {m} -- \"$@\"\n",
            quote(&abs.to_string_lossy()),
            quote(&exe)
        );
        let path = abs.join(m);
        let written = std::fs::write(&path, script)
            .and_then(|_| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)));
        if let Err(e) = written {
            crate::errln!("hermes-scan: {}: {e}", path.display());
            return super::EXIT_NOINPUT;
        }
    }
    super::print(&format!(
        "installed {} shims in {}\nput them first on PATH, e.g. in ~/.bashrc:\n  export PATH={}:\"$PATH\"",
        MANAGERS.len(),
        abs.display(),
        quote(&abs.to_string_lossy())
    ));
    0
}

/// The real `name` on PATH, skipping the shim directory and anything that is itself a shim.
fn real_binary(name: &str) -> Option<PathBuf> {
    let shim_dir = std::env::var_os("HERMES_SCAN_SHIM_DIR").map(PathBuf::from);
    let shim_dir = shim_dir.and_then(|d| d.canonicalize().ok());
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        if shim_dir.is_some() && dir.canonicalize().ok() == shim_dir {
            continue;
        }
        let candidate = dir.join(name);
        let Ok(meta) = std::fs::metadata(&candidate) else {
            continue;
        };
        if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
            continue;
        }
        let head = std::fs::read(&candidate)
            .map(|b| b.into_iter().take(256).collect::<Vec<u8>>())
            .unwrap_or_default();
        if String::from_utf8_lossy(&head).contains(MARKER) {
            continue;
        }
        return Some(candidate);
    }
    None
}

/// `shim NAME -- ARGS`: vet install-like subcommands, then exec the real binary.
pub fn run(name: &str, args: &[String]) -> i32 {
    let Some(real) = real_binary(name) else {
        crate::errln!("hermes-scan: no real {name} found on PATH after the shim directory");
        return 127;
    };
    let line = std::iter::once(name.to_string())
        .chain(args.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let script = crate::shell::analyze(&line);
    let installs = script
        .commands
        .first()
        .is_some_and(|c| !crate::supply::intents::intents(c).is_empty());
    if installs {
        let code = super::prompt::run(
            &line,
            None,
            None,
            std::env::var("HERMES_SCAN_SESSION").ok().as_deref(),
            None,
        );
        if code != 0 {
            crate::errln!("hermes-scan: {name} was not run");
            return 1;
        }
    }
    let err = std::process::Command::new(&real)
        .arg0(name)
        .args(args)
        .exec();
    crate::errln!("hermes-scan: cannot run {}: {err}", real.display());
    126
}
