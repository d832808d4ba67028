//! Command-line front door. It parses arguments, calls the core and prints; it never detects.
//!
//! Exit codes: 0 allow, 1 block, 2 warn (verdicts); 64 usage error, 66 unreadable input,
//! 70 internal error, 78 bad configuration. Usage errors never use 1 or 2.

mod advisories;
mod agent;
mod allow;
mod batch;
mod check;
mod context;
mod deps;
mod hook;
mod init;
mod install;
mod prompt;
mod render;
mod rules_cmd;
mod run;
mod setup;
mod shims;
mod supervise;
mod tty;
mod url;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit code for a command-line usage error.
pub const EXIT_USAGE: i32 = 64;
/// Exit code when input could not be read.
pub const EXIT_NOINPUT: i32 = 66;
/// Exit code for an internal error.
pub const EXIT_SOFTWARE: i32 = 70;
/// Exit code for an unusable configuration or rule pack.
pub const EXIT_CONFIG: i32 = 78;

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(
    name = "hermes-scan",
    version,
    about = "Pre-exec scanner for shell commands: allow, warn or block, and why"
)]
pub struct Cli {
    /// Skip approval prompts for warned commands (the floor and your deny lists still apply).
    #[arg(long)]
    yolo: bool,
    /// Treat configuration warnings (unknown rule ids) as errors.
    #[arg(long)]
    strict: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Scan a command: exit 0 allow, 1 block, 2 warn.
    Check(check::CheckArgs),
    /// Show the documentation and examples of one rule.
    Explain {
        /// Rule id, e.g. floor.rm-root.
        rule_id: String,
    },
    /// Answer an AI agent's pre-tool-call hook (JSON on stdin) in that agent's protocol.
    Hook {
        /// claude-code, hermes or codex.
        agent: String,
        /// Policy file (TOML) with per-rule overrides.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Skip approval for warned commands (the floor and your deny lists still apply).
        #[arg(long)]
        yolo: bool,
    },
    /// Print the shell hook to load from your rc file: eval "$(hermes-scan init bash)".
    Init {
        /// bash, zsh or fish.
        shell: String,
    },
    /// Check a command line typed at a prompt: exit 0 run it, 1 do not (used by the shell hooks).
    Prompt {
        /// Policy file (TOML).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Earlier lines of a command the shell is still reading, each ending with a newline
        /// (may be empty). With it, exit 3 means: run nothing yet, the input is unfinished; send
        /// the next line with these lines and this one before it.
        #[arg(long, allow_hyphen_values = true)]
        pending: Option<String>,
        /// Skip approval prompts for warned commands (the floor and your deny lists still apply).
        #[arg(long)]
        yolo: bool,
        /// The command line (any bytes: a line that is not UTF-8 is judged, not refused).
        #[arg(trailing_var_arg = true, required = true, value_parser = clap::value_parser!(std::ffi::OsString))]
        line: Vec<std::ffi::OsString>,
    },
    /// Install the hook into an agent's settings (claude-code, hermes, codex), idempotently.
    Setup {
        /// claude-code, hermes or codex.
        agent: String,
    },
    /// Report which shells and agents are wired and whether their hooks still work.
    Doctor,
    /// Run a small guarded agent: an LLM with a terminal tool behind the scanner.
    Agent(agent::AgentArgs),
    /// Vet packages (advisories, typosquats, exact pins) and only then run the installer.
    Install(install::InstallArgs),
    /// Package-manager PATH shims.
    Shims {
        #[command(subcommand)]
        action: ShimsCmd,
    },
    /// Run as a package-manager shim (called by the shim scripts).
    #[command(hide = true)]
    Shim {
        /// The package manager.
        name: String,
        /// Its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// CI dependency gate: check lockfiles against the advisory store (exit 0 pass, 1 fail).
    Deps(deps::DepsArgs),
    /// Scan, approve and execute a command: sanitized environment, optional sandbox, timeout.
    Run(run::RunArgs),
    /// Copy stdin to stdout with secrets redacted.
    Redact,
    /// May an agent fetch these URLs? Exit 0 allow, 2 warn, 1 block.
    Url(url::UrlArgs),
    /// Scan agent context files (AGENTS.md, CLAUDE.md, .cursorrules, …) for planted instructions.
    Context(context::ContextArgs),
    /// Manage the advisory store (import OSV / RustSec data, show status).
    Advisories {
        #[command(subcommand)]
        action: AdvisoriesCmd,
    },
    /// Manage the permanent approval list.
    Allow {
        #[command(subcommand)]
        action: AllowCmd,
    },
    /// List every rule the scanner can report.
    Rules {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also load this policy file (and its extra packs).
        #[arg(long)]
        policy: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum AdvisoriesCmd {
    /// Import an OSV all.zip, a directory of OSV JSON files, or a RustSec advisory-db checkout.
    Import {
        /// The file or directory.
        path: PathBuf,
        /// Store directory (default: $XDG_DATA_HOME/hermes-scan/advisories).
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Ask the OSV API about every package in the lockfiles under PATH and store what it knows.
    Update {
        /// Lockfiles or directories (default: the current directory).
        paths: Vec<PathBuf>,
        /// OSV API base URL.
        #[arg(long, default_value = "https://api.osv.dev")]
        osv_url: String,
        /// Store directory.
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Download OSV's per-ecosystem dumps and replace the synced data in the store.
    Sync {
        /// Ecosystems to sync (repeatable; default: npm, PyPI, crates.io, RubyGems, Go, Packagist).
        #[arg(long = "ecosystem")]
        ecosystems: Vec<String>,
        /// Mirror base URL (`{base}/{ecosystem}/all.zip`; default: OSV's public bucket, or
        /// `[advisories] base_url`).
        #[arg(long)]
        base_url: Option<String>,
        /// Skip ecosystems synced more recently than this (`24h`, `30m`, `7d`).
        #[arg(long)]
        if_older_than: Option<String>,
        /// Give up on one download after this long.
        #[arg(long, default_value = "10m")]
        timeout: String,
        /// Store directory.
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Show the embedded set and the imported sources with counts and age.
    Status {
        /// Store directory.
        #[arg(long)]
        store: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ShimsCmd {
    /// Write shims for pip, pip3, uv, uvx, pipx, poetry, npm, npx, pnpm, yarn, bun, bunx and cargo.
    Install {
        /// Directory to put first on PATH.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AllowCmd {
    /// List permanent approvals.
    List,
    /// Approve exactly this command (for the rules it triggers now).
    Add {
        /// The command, as one argument.
        command: String,
    },
    /// Remove the approvals of exactly this command.
    Remove {
        /// The command, as one argument.
        command: String,
    },
}

/// Run the command line and return the process exit code.
pub fn run() -> i32 {
    reopen_closed_stdio();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(args) = check::CheckArgs::fast_path(&argv) {
        return check::run(args);
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => EXIT_USAGE,
            };
            let _ = e.print();
            return code;
        }
    };
    let sub_yolo = match &cli.command {
        Cmd::Hook { yolo, .. } | Cmd::Prompt { yolo, .. } => *yolo,
        Cmd::Agent(args) => args.yolo,
        Cmd::Run(args) => args.yolo,
        _ => false,
    };
    if cli.yolo || sub_yolo {
        crate::policy::load::YOLO_FLAG.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if cli.strict {
        crate::policy::load::STRICT_FLAG.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    match cli.command {
        Cmd::Check(args) => check::run(args),
        Cmd::Explain { rule_id } => rules_cmd::explain(&rule_id),
        Cmd::Hook { agent, policy, .. } => hook::run(&agent, policy.as_deref()),
        Cmd::Init { shell } => init::run(&shell),
        Cmd::Setup { agent } => setup::setup(&agent),
        Cmd::Doctor => setup::doctor(),
        Cmd::Agent(args) => agent::run(args),
        Cmd::Deps(args) => deps::run(args),
        Cmd::Install(args) => install::run(args),
        Cmd::Shims { action } => match action {
            ShimsCmd::Install { dir } => shims::install(&dir),
        },
        Cmd::Shim { name, args } => {
            let args: Vec<String> = args.into_iter().skip_while(|a| a == "--").collect();
            shims::run(&name, &args)
        }
        Cmd::Advisories { action } => match action {
            AdvisoriesCmd::Import { path, store } => advisories::import(&path, store.as_deref()),
            AdvisoriesCmd::Status { store } => advisories::status(store.as_deref()),
            AdvisoriesCmd::Sync {
                ecosystems,
                base_url,
                if_older_than,
                timeout,
                store,
            } => advisories::sync(advisories::SyncArgs {
                ecosystems,
                base_url,
                if_older_than,
                timeout,
                store,
            }),
            AdvisoriesCmd::Update {
                paths,
                osv_url,
                store,
            } => advisories::update(&paths, &osv_url, store.as_deref()),
        },
        Cmd::Prompt {
            policy,
            line,
            pending,
            ..
        } => {
            if !supervise::is_worker() {
                let code = prompt::supervised(&line, pending.as_deref(), policy.as_deref());
                auto_sync_if_configured(policy.as_deref());
                return code;
            }
            let session = std::env::var("HERMES_SCAN_SESSION").ok();
            let (text, invalid_at) = prompt::line_text(&line);
            prompt::run(
                &text,
                invalid_at,
                pending.as_deref(),
                session.as_deref(),
                policy.as_deref(),
            )
        }
        Cmd::Allow { action } => match action {
            AllowCmd::List => allow::list(),
            AllowCmd::Add { command } => allow::add(&command),
            AllowCmd::Remove { command } => allow::remove(&command),
        },
        Cmd::Rules { json, policy } => rules_cmd::list(json, policy.as_deref()),
        Cmd::Run(args) => run::run(args),
        Cmd::Redact => run::redact(),
        Cmd::Url(args) => url::run(args),
        Cmd::Context(args) => context::run(args),
    }
}

/// The global flags this process was started with, to hand on to a worker.
pub(crate) fn global_flags() -> Vec<std::ffi::OsString> {
    use std::sync::atomic::Ordering::Relaxed;
    let mut flags = Vec::new();
    if crate::policy::load::YOLO_FLAG.load(Relaxed) {
        flags.push("--yolo".into());
    }
    if crate::policy::load::STRICT_FLAG.load(Relaxed) {
        flags.push("--strict".into());
    }
    flags
}

/// Started with fd 0, 1 or 2 closed (`2>&-`), the first file opened would take that number and
/// receive stray output; each closed one is pointed at /dev/null instead.
fn reopen_closed_stdio() {
    for fd in 0..=2 {
        // SAFETY: fcntl(F_GETFD) only queries the descriptor; open() returns the lowest free one,
        // which is `fd` when it was closed.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
}

/// Print a line to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn print(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `[advisories] auto_sync`, from a supervising process (whose children are not resource
/// limited): start a background sync when the synced data is older than configured.
pub(crate) fn auto_sync_if_configured(policy: Option<&std::path::Path>) {
    let cwd = std::env::current_dir().ok();
    if let Ok(p) = crate::policy::load::effective(policy, cwd.as_deref()) {
        if let Some(every) = &p.advisories.auto_sync {
            crate::supply::sync::maybe_start_background(
                every,
                &p.advisories.ecosystems,
                &crate::supply::store::default_dir(),
            );
        }
    }
}

/// Build a scanner from the effective policy (`--policy`, the user config, the project file and
/// the environment); prints the error and returns an exit code on failure.
pub(crate) fn scanner_for(policy: Option<&std::path::Path>) -> Result<crate::Scanner, i32> {
    let cwd = std::env::current_dir().ok();
    let policy = match crate::policy::load::effective(policy, cwd.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("hermes-scan: policy error: {e}");
            return Err(EXIT_CONFIG);
        }
    };
    let scanner = crate::Scanner::with_policy(policy).map_err(|e| {
        crate::errln!("hermes-scan: rule pack error: {e}");
        EXIT_CONFIG
    })?;
    let strict = crate::policy::load::STRICT_FLAG.load(std::sync::atomic::Ordering::Relaxed);
    let unknown = scanner.unknown_rule_overrides();
    for id in &unknown {
        let level = if strict { "error" } else { "warning" };
        crate::errln!(
            "hermes-scan: {level}: the config sets [rules.\"{id}\"], but no rule has that id (see `hermes-scan rules`)"
        );
    }
    if strict && !unknown.is_empty() {
        return Err(EXIT_CONFIG);
    }
    Ok(scanner)
}

/// Read stdin up to one byte past the scanner's input limit, with the line ends that close the
/// text removed. Text longer than the limit keeps every byte read (trailing line ends too), so a
/// cut-off input still reads as too large and is never mistaken for a complete, shorter one.
pub(crate) fn read_stdin_capped() -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = crate::text::MAX_INPUT_BYTES as u64 + 1;
    let mut stdin = std::io::stdin().lock();
    let mut buf = Vec::new();
    (&mut stdin).take(limit).read_to_end(&mut buf)?;
    if buf.len() as u64 == limit {
        let mut one = [0u8; 1];
        if stdin.read(&mut one)? > 0 {
            return Ok(buf);
        }
    }
    while buf.last() == Some(&b'\n') || buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(buf)
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<std::ffi::OsString> {
        v.iter().map(Into::into).collect()
    }

    /// The fast path answers exactly what the full parser answers, and only for its forms.
    #[test]
    fn the_check_fast_path_agrees_with_the_full_parser() {
        let fast = [
            vec!["hs", "check", "--", "ls -la"],
            vec!["hs", "check", "--json", "--", "rm -rf /"],
            vec![
                "hs",
                "check",
                "--non-interactive",
                "--json",
                "--",
                "a",
                "--json",
                "-",
            ],
            vec!["hs", "check", "--", "--policy", "x"],
            vec!["hs", "check", "--", "-"],
        ];
        for v in fast {
            let got = check::CheckArgs::fast_path(&os(&v)).expect("fast path");
            let full = match Cli::try_parse_from(os(&v)).expect("parses").command {
                Cmd::Check(a) => a,
                other => panic!("{other:?}"),
            };
            assert_eq!(got, full, "{v:?}");
        }
        let slow = [
            vec!["hs", "check", "ls"],
            vec!["hs", "check", "--"],
            vec!["hs", "check", "--json"],
            vec!["hs", "check", "--batch"],
            vec!["hs", "check", "--policy", "p.toml", "--", "ls"],
            vec!["hs", "check", "--json", "--json", "--", "ls"],
            vec!["hs", "--yolo", "check", "--", "ls"],
            vec!["hs", "check", "--shell", "bash", "--", "ls"],
            vec!["hs", "prompt", "--", "ls"],
            vec!["hs"],
        ];
        for v in slow {
            assert_eq!(check::CheckArgs::fast_path(&os(&v)), None, "{v:?}");
        }
    }
}
