//! Sandboxes, as argv (never a shell string: the only shell is the `bash -c COMMAND` inside).
//!
//! * `none`: `bash -c COMMAND` in its own process group.
//! * `bwrap` (bubblewrap): read-only root, the working directory writable, private `/tmp`, a
//!   fresh empty home holding only the listed credential files (read-only), every namespace
//!   unshared (no network unless allowed), a new session (no terminal injection), dies with its
//!   parent.
//! * `docker`: `--rm --init --cap-drop ALL --security-opt no-new-privileges`, pid/memory/cpu
//!   limits, read-only root with a tmpfs `/tmp`, the working directory bind-mounted, no network
//!   unless allowed, the caller's uid:gid, variables passed by name (`-e NAME`: values never
//!   appear in argv).

use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Which sandbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// No isolation: a process group with the sanitized environment and limits.
    #[default]
    None,
    /// bubblewrap.
    Bwrap,
    /// docker (or a compatible CLI named `docker` on PATH).
    Docker,
}

impl Kind {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::None => "none",
            Kind::Bwrap => "bwrap",
            Kind::Docker => "docker",
        }
    }
}

/// Everything a sandbox needs to know.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Which sandbox.
    pub kind: Kind,
    /// The command line, run as `bash -c COMMAND`.
    pub command: String,
    /// Working directory (writable inside the sandbox).
    pub workdir: PathBuf,
    /// Network allowed.
    pub network: bool,
    /// Variable names passed in (docker passes them by name).
    pub env_names: Vec<String>,
    /// Home directory (replaced by an empty one under bwrap).
    pub home: PathBuf,
    /// Credential files to expose read-only (missing ones are skipped).
    pub credential_files: Vec<PathBuf>,
    /// Docker image.
    pub docker_image: String,
    /// Docker container name (so a timeout can kill it).
    pub container_name: String,
    /// Limits (docker flags; the others use setrlimit).
    pub limits: super::limits::Limits,
}

/// Find `program` on `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The sandbox program (`bwrap`, `docker`) on PATH; `Ok(None)` for `none`; an error naming
/// what to install when it is missing.
pub fn program(kind: Kind) -> Result<Option<PathBuf>, String> {
    match kind {
        Kind::None => Ok(None),
        Kind::Bwrap => find_program("bwrap").map(Some).ok_or_else(|| {
            "--sandbox bwrap: bubblewrap (`bwrap`) is not installed (Debian: apt install bubblewrap); not running the command".to_string()
        }),
        Kind::Docker => find_program("docker").map(Some).ok_or_else(|| {
            "--sandbox docker: no `docker` on PATH; not running the command".to_string()
        }),
    }
}

/// The argv that runs `spec.command` in the sandbox; an error when the sandbox is unavailable
/// (never a silent fallback to `none`).
pub fn argv(spec: &Spec) -> Result<Vec<OsString>, String> {
    let shell = ["bash".into(), "-c".into(), OsString::from(&spec.command)];
    match spec.kind {
        Kind::None => Ok(shell.to_vec()),
        Kind::Bwrap => {
            let bwrap = program(Kind::Bwrap)?.unwrap_or_default();
            let mut a: Vec<OsString> = vec![bwrap.into()];
            let mut push =
                |items: &[&std::ffi::OsStr]| a.extend(items.iter().map(|s| s.to_os_string()));
            push(&[
                "--die-with-parent".as_ref(),
                "--new-session".as_ref(),
                "--unshare-all".as_ref(),
            ]);
            if spec.network {
                push(&["--share-net".as_ref()]);
            }
            push(&[
                "--ro-bind".as_ref(),
                "/".as_ref(),
                "/".as_ref(),
                "--dev".as_ref(),
                "/dev".as_ref(),
                "--proc".as_ref(),
                "/proc".as_ref(),
                "--tmpfs".as_ref(),
                "/tmp".as_ref(),
            ]);
            // Fresh home first, then what is mounted inside it.
            if spec.home != Path::new("/") && !spec.home.as_os_str().is_empty() {
                push(&["--tmpfs".as_ref(), spec.home.as_os_str()]);
            }
            push(&[
                "--bind".as_ref(),
                spec.workdir.as_os_str(),
                spec.workdir.as_os_str(),
            ]);
            for f in spec.credential_files.iter().filter(|f| f.exists()) {
                push(&["--ro-bind".as_ref(), f.as_os_str(), f.as_os_str()]);
            }
            push(&["--chdir".as_ref(), spec.workdir.as_os_str(), "--".as_ref()]);
            a.extend(shell);
            Ok(a)
        }
        Kind::Docker => {
            let docker = find_program("docker")
                .ok_or("--sandbox docker: no `docker` on PATH; not running the command")?;
            // SAFETY: getuid/getgid cannot fail.
            let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
            let l = &spec.limits;
            let mut a: Vec<OsString> = vec![docker.into()];
            let mut s = |x: &str| a.push(x.into());
            for x in [
                "run",
                "--rm",
                "--init",
                "-i",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--read-only",
                "--tmpfs",
                "/tmp:rw,nosuid,nodev,size=512m",
            ] {
                s(x);
            }
            s("--name");
            s(&spec.container_name);
            s("--pids-limit");
            s(&(if l.processes > 0 { l.processes } else { 4096 }).to_string());
            if l.memory_mb > 0 {
                s("--memory");
                s(&format!("{}m", l.memory_mb));
            }
            s("--cpus");
            s("2");
            s("--network");
            s(if spec.network { "bridge" } else { "none" });
            s("--user");
            s(&format!("{uid}:{gid}"));
            for n in &spec.env_names {
                s("-e");
                s(n);
            }
            let work = spec.workdir.display().to_string();
            s("-v");
            s(&format!("{work}:{work}:rw"));
            for f in spec.credential_files.iter().filter(|f| f.exists()) {
                s("-v");
                s(&format!("{0}:{0}:ro", f.display()));
            }
            s("-w");
            s(&work);
            s(&spec.docker_image);
            a.extend(shell);
            Ok(a)
        }
    }
}
