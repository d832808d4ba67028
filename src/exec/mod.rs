//! Execution: what happens to a command *after* it was approved. `run` (and the agent loop)
//! execute through here: a sanitized environment (`env`), optional isolation (`sandbox`: none,
//! bubblewrap or docker), resource limits (`limits`), a timeout that kills everything the command
//! started (`process`), and secret redaction of what comes back (`redact`).

pub mod env;
pub mod limits;
pub mod process;
pub mod redact;
pub mod sandbox;

use serde::Deserialize;
use std::path::PathBuf;

/// `[exec]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecSettings {
    /// none, bwrap or docker.
    pub sandbox: sandbox::Kind,
    /// Allow network access inside a sandbox.
    pub network: bool,
    /// Extra variables passed to commands: exact names or globs (`NODE_*`). A credential-shaped
    /// variable passes only when named exactly.
    pub env_passthrough: Vec<String>,
    /// Credential files made available read-only (bind-mounted in a sandbox).
    pub credential_files: Vec<String>,
    /// Seconds before the command and everything it started are killed.
    pub timeout_secs: u64,
    /// Image for `sandbox = "docker"`.
    pub docker_image: String,
    /// Resource limits.
    pub limits: limits::Limits,
}

impl Default for ExecSettings {
    fn default() -> Self {
        ExecSettings {
            sandbox: sandbox::Kind::None,
            network: false,
            env_passthrough: Vec::new(),
            credential_files: Vec::new(),
            timeout_secs: 600,
            docker_image: "debian:stable-slim".into(),
            limits: limits::Limits::default(),
        }
    }
}

impl ExecSettings {
    /// Listed credential files with `~` expanded.
    pub fn credential_paths(&self) -> Vec<PathBuf> {
        let home = crate::policy::load::home();
        self.credential_files
            .iter()
            .map(|f| match f.strip_prefix("~/") {
                Some(rest) => home.join(rest),
                None => PathBuf::from(f),
            })
            .collect()
    }
}

/// One command to execute, with everything that decides how.
#[derive(Debug, Clone)]
pub struct Request {
    /// The command line (`bash -c`).
    pub command: String,
    /// Working directory.
    pub workdir: PathBuf,
    /// Sandbox.
    pub sandbox: sandbox::Kind,
    /// Network inside a sandbox.
    pub network: bool,
    /// Passthrough entries (config and `--env`): exact names and globs.
    pub passthrough: Vec<String>,
    /// Pass the whole parent environment (`--inherit-env`).
    pub inherit_env: bool,
    /// Timeout.
    pub timeout: std::time::Duration,
    /// Limits, credential files, image.
    pub settings: ExecSettings,
}

/// A request turned into process options, with the environment decision kept for reports.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What to start.
    pub options: process::Options,
    /// Which variables pass and which were dropped.
    pub env: env::Plan,
}

/// Build the environment and the sandbox argv; an error when the sandbox is unavailable.
pub fn prepare(
    req: &Request,
    capture: bool,
    redact: bool,
    stdin_null: bool,
) -> Result<Prepared, String> {
    let (exact, globs) = env::split_passthrough(&req.passthrough);
    let plan = env::sanitize(
        std::env::vars_os().map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        }),
        &exact,
        &globs,
        req.inherit_env,
    );
    let container_name = format!(
        "hermes-scan-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let spec = sandbox::Spec {
        kind: req.sandbox,
        command: req.command.clone(),
        workdir: std::path::absolute(&req.workdir).unwrap_or_else(|_| req.workdir.clone()),
        network: req.network,
        env_names: plan.vars.iter().map(|(k, _)| k.clone()).collect(),
        home: crate::policy::load::home(),
        credential_files: req.settings.credential_paths(),
        docker_image: req.settings.docker_image.clone(),
        container_name: container_name.clone(),
        limits: req.settings.limits,
    };
    let argv = sandbox::argv(&spec)?;
    let on_timeout = (req.sandbox == sandbox::Kind::Docker)
        .then(|| vec![argv[0].clone(), "kill".into(), container_name.into()]);
    Ok(Prepared {
        options: process::Options {
            argv,
            env: plan.vars.clone(),
            workdir: spec.workdir,
            timeout: req.timeout,
            limits: if req.sandbox == sandbox::Kind::Docker {
                limits::Limits {
                    cpu_secs: 0,
                    memory_mb: 0,
                    open_files: 0,
                    processes: 0,
                    file_size_mb: 0,
                }
            } else {
                req.settings.limits
            },
            capture,
            redact,
            stdin_null,
            on_timeout,
            max_capture: 4 << 20,
        },
        env: plan,
    })
}

/// Credential locations a command may touch; outside a sandbox, `run` warns when the command
/// names one that is not listed in `[exec] credential_files`.
pub const CREDENTIAL_PATHS: &[&str] = &[
    ".ssh/",
    ".aws/credentials",
    ".aws/config",
    ".config/gh/hosts.yml",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".docker/config.json",
    ".kube/config",
    ".config/gcloud",
    ".azure/",
    ".git-credentials",
    ".gnupg/",
    ".cargo/credentials",
];

/// Credential paths `command` mentions that `settings` does not list.
pub fn unlisted_credentials(command: &str, settings: &ExecSettings) -> Vec<&'static str> {
    let listed: Vec<String> = settings
        .credential_paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    CREDENTIAL_PATHS
        .iter()
        .copied()
        .filter(|c| {
            command.contains(c) && !listed.iter().any(|l| l.contains(c.trim_end_matches('/')))
        })
        .collect()
}
