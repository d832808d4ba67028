//! `hermes-scan run [OPTIONS] -- COMMAND` (and `run -` for the command on stdin): scan, decide
//! exactly like `prompt` (a person on the terminal, or the unattended policy), then execute
//! through `exec` — sanitized environment, optional sandbox, limits, timeout — and exit with the
//! command's status. Refusals and errors have their own statuses (documented in the README).

use crate::exec::{self, sandbox::Kind};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// The command was refused (blocked, or a warning nobody approved).
pub const EXIT_REFUSED: i32 = 77;
/// The requested sandbox is not available.
pub const EXIT_UNAVAILABLE: i32 = 69;

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// none, bwrap or docker (default: `[exec] sandbox`, else none).
    #[arg(long, value_enum)]
    sandbox: Option<Kind>,
    /// Allow network access inside the sandbox.
    #[arg(long)]
    network: bool,
    /// Pass this variable (exact name; repeatable). Credentials pass only this way.
    #[arg(long = "env", value_name = "NAME")]
    env: Vec<String>,
    /// Pass the whole environment (the behaviour before sanitization).
    #[arg(long)]
    inherit_env: bool,
    /// Kill the command and everything it started after this long (`90s`, `10m`).
    #[arg(long)]
    timeout: Option<String>,
    /// Redact secrets from the command's output.
    #[arg(long)]
    redact: bool,
    /// Print the verdict and the outcome as JSON (the output is captured into it).
    #[arg(long)]
    json: bool,
    /// Working directory (default: the current one).
    #[arg(long, short = 'C')]
    workdir: Option<PathBuf>,
    /// Policy file (TOML).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Skip approval for warned commands (the floor and your deny lists still apply).
    #[arg(long)]
    pub yolo: bool,
    /// The command (joined with spaces), or `-` to read it from stdin.
    #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

/// Run it.
pub fn run(args: RunArgs) -> i32 {
    let from_stdin = args.command.len() == 1 && args.command[0] == "-";
    let line = if from_stdin {
        let buf = match super::read_stdin_capped() {
            Ok(b) => b,
            Err(e) => {
                crate::errln!("hermes-scan: reading the command from stdin: {e}");
                return super::EXIT_NOINPUT;
            }
        };
        match String::from_utf8(buf) {
            Ok(s) => s,
            Err(_) => {
                crate::errln!(
                    "hermes-scan: the command on stdin is not valid UTF-8; not running it"
                );
                return EXIT_REFUSED;
            }
        }
    } else {
        args.command.join(" ")
    };
    let cwd = std::env::current_dir().ok();
    let policy = match crate::policy::load::effective(args.policy.as_deref(), cwd.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("hermes-scan: policy error: {e}");
            return super::EXIT_CONFIG;
        }
    };
    let timeout = match args.timeout.as_deref().map(crate::policy::parse_duration) {
        Some(Err(e)) => {
            crate::errln!("hermes-scan: --timeout: {e}");
            return super::EXIT_USAGE;
        }
        Some(Ok(d)) => d,
        None => std::time::Duration::from_secs(policy.exec.timeout_secs.max(1)),
    };
    let workdir = args
        .workdir
        .clone()
        .or(cwd)
        .unwrap_or_else(|| PathBuf::from("."));
    if !workdir.is_dir() {
        crate::errln!("hermes-scan: {}: not a directory", workdir.display());
        return super::EXIT_NOINPUT;
    }
    let scanner = match super::scanner_for(args.policy.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let verdict = scanner.scan(&line);
    // The same decision as a prompt, in a supervised worker: a person on the terminal answers,
    // otherwise the unattended policy decides.
    let decided = super::prompt::supervised(&[line.clone().into()], None, args.policy.as_deref());
    let kind = args.sandbox.unwrap_or(policy.exec.sandbox);
    let network = args.network || policy.exec.network;
    let report = |ran: bool, extra: serde_json::Value| {
        let mut v = json!({
            "schema_version": 1,
            "command": line,
            "verdict": verdict,
            "ran": ran,
            "sandbox": kind.as_str(),
            "network": network,
        });
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        super::print(&v.to_string());
    };
    if decided != 0 {
        crate::errln!("hermes-scan: not run ({})", verdict.summary);
        if args.json {
            report(false, json!({"refused": true, "exit_code": EXIT_REFUSED}));
        }
        return EXIT_REFUSED;
    }
    let mut passthrough = policy.exec.env_passthrough.clone();
    passthrough.extend(args.env.iter().cloned());
    let request = exec::Request {
        command: line.clone(),
        workdir,
        sandbox: kind,
        network,
        passthrough,
        inherit_env: args.inherit_env,
        timeout,
        settings: policy.exec.clone(),
    };
    let prepared = match exec::prepare(&request, args.json, args.redact, from_stdin) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
            if args.json {
                report(false, json!({"error": e, "exit_code": EXIT_UNAVAILABLE}));
            }
            return EXIT_UNAVAILABLE;
        }
    };
    if kind == Kind::None {
        let unlisted = exec::unlisted_credentials(&line, &policy.exec);
        if !unlisted.is_empty() {
            crate::errln!(
                "hermes-scan: warning: the command touches credential files not listed in [exec] credential_files: {}",
                unlisted.join(", ")
            );
        }
    }
    match exec::process::run(&prepared.options) {
        Ok(outcome) => {
            if args.json {
                report(
                    true,
                    json!({
                        "exit_code": outcome.status(),
                        "timed_out": outcome.timed_out,
                        "signal": outcome.signal,
                        "env_passed": prepared.env.vars.iter().map(|(k, _)| k).collect::<Vec<_>>(),
                        "env_dropped": prepared.env.dropped,
                        "output": outcome.output,
                        "output_truncated": outcome.truncated,
                    }),
                );
            }
            if outcome.timed_out {
                crate::errln!(
                    "hermes-scan: killed after {timeout:?} (the command and everything it started)"
                );
            }
            outcome.status()
        }
        Err(e) => {
            crate::errln!("hermes-scan: could not start the command: {e}");
            super::EXIT_SOFTWARE
        }
    }
}

/// `hermes-scan redact`: stdin to stdout with secrets redacted, line by line.
pub fn redact() -> i32 {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match exec::redact::Stream::default().copy(stdin.lock(), stdout.lock()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
            super::EXIT_SOFTWARE
        }
    }
}
