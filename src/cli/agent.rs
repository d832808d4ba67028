//! `hermes-scan agent "TASK"`: the guarded agent loop from the command line.

use super::tty::Tty;
use crate::agent::client::{HttpModel, Model, ReplayModel};
use crate::agent::transcript::Transcript;
use crate::agent::{self, AgentConfig, AgentEnd, Answer, Nobody, Person};
use crate::policy::approvals::ApprovalStore;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `agent`.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// The task for the agent.
    task: String,
    /// Skip approval for warned commands (the floor and your deny lists still apply).
    #[arg(long)]
    pub yolo: bool,
    /// OpenAI-compatible server (requests go to {base_url}/v1/chat/completions).
    #[arg(long, default_value = "https://api.openai.com")]
    base_url: String,
    /// Model name.
    #[arg(long, default_value = "gpt-4o-mini")]
    model: String,
    /// Environment variable holding the API key.
    #[arg(long, default_value = "OPENAI_API_KEY")]
    api_key_env: String,
    /// Stop after this many model turns.
    #[arg(long, default_value_t = 20)]
    max_turns: usize,
    /// Write every turn, tool call, verdict, approval and result as JSON Lines here.
    #[arg(long)]
    transcript: Option<PathBuf>,
    /// Replay scripted model responses from this JSON Lines file instead of calling a server.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Working directory for commands (default: the current directory; with --replay, a fresh
    /// temporary directory so a demo never writes into yours).
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// Default per-command timeout in seconds.
    #[arg(long, default_value_t = 30)]
    command_timeout: u64,
    /// Timeout for one model request, in seconds.
    #[arg(long, default_value_t = 120)]
    request_timeout: u64,
    /// Never ask a person, even on a terminal (the unattended policy decides).
    #[arg(long)]
    non_interactive: bool,
    /// Policy file (TOML).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Sandbox for the agent's commands: none, bwrap or docker (default: `[exec] sandbox`).
    #[arg(long, value_enum)]
    sandbox: Option<crate::exec::sandbox::Kind>,
    /// Allow network access inside the sandbox.
    #[arg(long)]
    network: bool,
    /// Pass this variable to commands (exact name or glob; repeatable). Credentials pass only by
    /// exact name.
    #[arg(long = "env-passthrough", value_name = "NAME")]
    env_passthrough: Vec<String>,
    /// Give commands the whole environment instead of the sanitized one.
    #[arg(long)]
    inherit_env: bool,
}

/// A person at the terminal.
struct TtyPerson(Tty);

impl Person for TtyPerson {
    fn approve(&mut self, report: &str) -> Answer {
        self.0.say(&format!("\n{report}\n"));
        match self
            .0
            .ask(
                "hermes-scan: run it? [o]nce, [s]ession, [a]lways, [d]eny (default deny): ",
                Duration::from_secs(300),
            )
            .as_deref()
        {
            Some("o" | "once") => Answer::Once,
            Some("s" | "session") => Answer::Session,
            Some("a" | "always") => Answer::Always,
            _ => Answer::Deny,
        }
    }

    fn override_block(&mut self, report: &str) -> bool {
        self.0.say(&format!("\n{report}\n"));
        self.0
            .ask(
                "hermes-scan: blocked. To run it anyway, type \"run anyway\": ",
                Duration::from_secs(300),
            )
            .as_deref()
            == Some("run anyway")
    }
}

/// A model server on this machine (a local model needs no API key).
fn is_loopback(base_url: &str) -> bool {
    url::Url::parse(base_url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

/// Run the agent; exit 0 with a final answer, 2 at the turn limit, 70 when the model failed.
pub fn run(args: AgentArgs) -> i32 {
    let scanner = match super::scanner_for(args.policy.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut model: Box<dyn Model> = match &args.replay {
        Some(path) => match ReplayModel::load(path) {
            Ok(m) => Box::new(m),
            Err(e) => {
                crate::errln!("hermes-scan: {e}");
                return super::EXIT_NOINPUT;
            }
        },
        None => {
            let key = std::env::var(&args.api_key_env)
                .ok()
                .filter(|k| !k.is_empty());
            if key.is_none() && !is_loopback(&args.base_url) {
                crate::errln!(
                    "hermes-scan: no API key: ${} is not set. Export it (or name another variable \
                     with --api-key-env), point --base-url at a local server, or try --replay FILE.",
                    args.api_key_env
                );
                return super::EXIT_CONFIG;
            }
            match HttpModel::new(
                &args.base_url,
                &args.model,
                key,
                Duration::from_secs(args.request_timeout),
            ) {
                Ok(m) => Box::new(m),
                Err(e) => {
                    crate::errln!("hermes-scan: {e}");
                    return super::EXIT_SOFTWARE;
                }
            }
        }
    };
    let mut log = match Transcript::open(args.transcript.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            crate::errln!("hermes-scan: cannot write the transcript: {e}");
            return super::EXIT_NOINPUT;
        }
    };
    let tty = if args.non_interactive {
        None
    } else {
        Tty::open()
    };
    let interactive = tty.is_some();
    let mut person: Box<dyn Person> = match tty {
        Some(t) => Box::new(TtyPerson(t)),
        None => Box::new(Nobody),
    };
    let workdir = match (&args.workdir, &args.replay) {
        (Some(w), _) => w.clone(),
        (None, Some(_)) => {
            let dir =
                std::env::temp_dir().join(format!("hermes-scan-replay-{}", std::process::id()));
            if let Err(e) = std::fs::create_dir_all(&dir) {
                crate::errln!("hermes-scan: {}: {e}", dir.display());
                return super::EXIT_SOFTWARE;
            }
            crate::errln!("hermes-scan: replay: commands run in {}", dir.display());
            dir
        }
        (None, None) => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let cfg = AgentConfig {
        task: args.task.clone(),
        max_turns: args.max_turns,
        workdir,
        default_timeout: Duration::from_secs(args.command_timeout.clamp(1, 600)),
        session: format!("agent-{}", std::process::id()),
        exec: agent::AgentExec {
            sandbox: args.sandbox.unwrap_or(scanner.policy().exec.sandbox),
            network: args.network || scanner.policy().exec.network,
            passthrough: scanner
                .policy()
                .exec
                .env_passthrough
                .iter()
                .chain(&args.env_passthrough)
                .cloned()
                .collect(),
            inherit_env: args.inherit_env,
            settings: scanner.policy().exec.clone(),
        },
    };
    // A requested sandbox that is not available stops the agent before the model is asked
    // anything (never a silent fallback to no sandbox).
    if let Err(e) = crate::exec::sandbox::program(cfg.exec.sandbox) {
        crate::errln!("hermes-scan: {e}");
        return super::run::EXIT_UNAVAILABLE;
    }
    let store = ApprovalStore::default_store();
    let mut guard = agent::Guard {
        scanner: &scanner,
        store: &store,
        person: person.as_mut(),
        interactive,
    };
    match agent::run(model.as_mut(), &mut guard, &cfg, &mut log) {
        AgentEnd::Answer(text) => {
            super::print(&crate::exec::redact::redact(&text));
            0
        }
        AgentEnd::MaxTurns => {
            crate::errln!(
                "hermes-scan: stopped after {} turns without a final answer",
                args.max_turns
            );
            2
        }
        AgentEnd::ModelFailed(e) => {
            crate::errln!("hermes-scan: {e}");
            super::EXIT_SOFTWARE
        }
    }
}
