//! `hermes-scan check`: one command from argv or stdin, or a batch of commands from stdin.

use super::{render, scanner_for, EXIT_NOINPUT, EXIT_USAGE};
use crate::{Scanner, Verdict};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Shell dialect of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellDialect {
    /// POSIX sh and bash (parsed with the bash grammar, a superset).
    Posix,
    /// bash.
    Bash,
}

/// Arguments of `check`.
#[derive(Debug, PartialEq, Eq, Args)]
pub struct CheckArgs {
    /// Print the JSON verdict (schema v1) instead of text.
    #[arg(long)]
    json: bool,
    /// Shell dialect of the command.
    #[arg(long, value_enum, default_value = "posix")]
    shell: ShellDialect,
    /// Never prompt; the verdict is only reported (the caller decides).
    #[arg(long)]
    non_interactive: bool,
    /// Policy file (TOML) with per-rule overrides and extra rule packs.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Read one command per line (or JSON Lines with a "command" field) from stdin and print one
    /// JSON verdict per line.
    #[arg(long)]
    batch: bool,
    /// With --batch: each line is a JSON object with a "command" (and optional "id") field.
    /// Without it every line is a shell command, even one that starts with `{` (a brace group).
    #[arg(long)]
    jsonl: bool,
    /// The command to scan; `-` reads it from stdin. Bytes that are not UTF-8 are scanned too
    /// (reported as core.invalid-utf8), never refused.
    #[arg(trailing_var_arg = true, value_parser = clap::value_parser!(std::ffi::OsString))]
    command: Vec<std::ffi::OsString>,
}

impl CheckArgs {
    /// The arguments of the common forms `check [--json] [--non-interactive] -- COMMAND…`,
    /// recognised without building the whole command-line parser (half of a start-up's work on
    /// the prefilter path). After `--` every word is the command, so this is exactly what the
    /// full parser answers for these forms (a test compares them); anything else returns `None`
    /// and goes through the full parser.
    pub fn fast_path(argv: &[std::ffi::OsString]) -> Option<CheckArgs> {
        if argv.get(1)?.to_str()? != "check" {
            return None;
        }
        let (mut json, mut non_interactive) = (false, false);
        let mut i = 2;
        loop {
            match argv.get(i)?.to_str()? {
                "--json" if !json => json = true,
                "--non-interactive" if !non_interactive => non_interactive = true,
                "--" => break,
                _ => return None,
            }
            i += 1;
        }
        let command = argv[i + 1..].to_vec();
        if command.is_empty() {
            return None;
        }
        Some(CheckArgs {
            json,
            shell: ShellDialect::Posix,
            non_interactive,
            policy: None,
            batch: false,
            jsonl: false,
            command,
        })
    }
}

/// Run `check` and return the exit code.
pub fn run(args: CheckArgs) -> i32 {
    // The dialect and interactivity flags are accepted for drop-in compatibility: parsing is
    // always bash (a superset of POSIX sh) and `check` itself never prompts.
    let _ = (args.shell, args.non_interactive);
    if args.batch {
        if !args.command.is_empty() {
            crate::errln!(
                "hermes-scan: --batch reads commands from stdin; do not also pass a command"
            );
            return EXIT_USAGE;
        }
        return super::batch::run(args.jsonl, args.policy.as_deref());
    }
    let scanner = match scanner_for(args.policy.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (bytes, input_text) = match input_of(&args.command) {
        Ok(Input::Text(t)) => (t.clone().into_bytes(), t),
        Ok(Input::Bytes(b)) => {
            let text = String::from_utf8_lossy(&b).into_owned();
            (b, text)
        }
        Err(code) => return code,
    };
    // Long input can cost the parser hundreds of bytes of memory per byte: it is scanned in a
    // worker process under memory and time limits, so no input can crash `check` into giving
    // no verdict (a caller that fails open would run the command).
    // Input past the limit is answered here without analysis: handed to a worker, it would be
    // read back cut to the limit, as if it were complete.
    let too_large = bytes.len() > crate::text::MAX_INPUT_BYTES;
    if bytes.len() >= SUPERVISE_FROM && !too_large && !super::supervise::is_worker() {
        return supervised(&args, &bytes, &input_text);
    }
    super::supervise::inject_fault(&bytes);
    // Input the prefilter clears needs no parse, so no watchdog thread (and its stack) either.
    let verdict = match std::str::from_utf8(&bytes) {
        Ok(text) if !scanner.needs_scan(text) => scanner.scan(text),
        _ => scan_with_watchdog(scanner, bytes),
    };
    let out = if args.json {
        serde_json::to_string(&verdict).unwrap_or_else(|_| "{}".into())
    } else {
        render::human(&input_text, &verdict)
    };
    super::print(&out);
    verdict.action.exit_code()
}

/// Hard wall-clock bound for one `check`, on top of the scanner's own parse budget: some inputs
/// make tree-sitter slow in ways its progress callback does not interrupt promptly.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(5);

/// Stack of the scanning thread. The walker's nesting bound keeps recursion shallow (`--batch`
/// scans on rayon's 2 MiB stacks); a thread stack counts against the worker's `RLIMIT_DATA`
/// in full, so every MiB here is a MiB less for the analysis of a long script.
const SCAN_STACK: usize = 16 * 1024 * 1024;

/// Scan on a worker thread; if it does not answer within [`WATCHDOG`], the verdict is a block.
fn scan_with_watchdog(scanner: Scanner, bytes: Vec<u8>) -> Verdict {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("scan".into())
        .stack_size(SCAN_STACK)
        .spawn(move || {
            let _ = tx.send(scanner.scan_bytes(&bytes));
            // The process ends right after: freeing the rule set's thousands of allocations one
            // by one would cost more than the scan (12% of a whole `check`).
            std::mem::forget(scanner);
        });
    if worker.is_err() {
        return timeout_verdict("the scanner thread could not be started");
    }
    match rx.recv_timeout(WATCHDOG) {
        Ok(v) => v,
        Err(_) => timeout_verdict("the analysis did not finish in time"),
    }
}

/// Inputs at least this long are scanned in a supervised worker process (shorter ones stay within
/// the memory bound by a wide margin and skip the cost of a second process).
const SUPERVISE_FROM: usize = 64 * 1024;

/// `check` of `bytes` in a worker process (the same command reading stdin); a worker that dies,
/// or runs past the watchdog, gets a blocking verdict in the requested format.
fn supervised(args: &CheckArgs, bytes: &[u8], input_text: &str) -> i32 {
    use super::supervise::{self, Limits};
    use std::ffi::OsString;
    let mut worker_args = super::global_flags();
    worker_args.push(OsString::from("check"));
    if args.json {
        worker_args.push(OsString::from("--json"));
    }
    if let Some(p) = &args.policy {
        worker_args.extend([OsString::from("--policy"), p.as_os_str().to_owned()]);
    }
    worker_args.push(OsString::from("-"));
    let why = match supervise::run(&worker_args, bytes, &Limits::with_deadline(WATCHDOG)) {
        Ok(done) if matches!(done.code, 0..=2) => {
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(&done.stdout);
            let _ = std::io::stderr().lock().write_all(&done.stderr);
            return done.code;
        }
        Ok(done) => format!(
            "the analysis ended with status {} and no verdict",
            done.code
        ),
        Err(fail) => fail.to_string(),
    };
    let verdict = Scanner::global().verdict_for("", "core.analysis-timeout", &why);
    let out = if args.json {
        serde_json::to_string(&verdict).unwrap_or_else(|_| "{}".into())
    } else {
        render::human(input_text, &verdict)
    };
    super::print(&out);
    verdict.action.exit_code()
}

fn timeout_verdict(why: &str) -> Verdict {
    Scanner::global().verdict_for("", "core.analysis-timeout", why)
}

enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

fn input_of(command: &[std::ffi::OsString]) -> Result<Input, i32> {
    use std::os::unix::ffi::OsStrExt;
    if command.is_empty() {
        crate::errln!(
            "hermes-scan: no command given (use `check -- COMMAND` or `check -` for stdin)"
        );
        return Err(EXIT_USAGE);
    }
    if command.len() == 1 && command[0] == "-" {
        // Never buffer more than the scanner accepts: one byte past the limit is enough to
        // report the input as too large.
        return match super::read_stdin_capped() {
            Ok(bytes) => Ok(match String::from_utf8(bytes) {
                Ok(s) => Input::Text(s),
                Err(e) => Input::Bytes(e.into_bytes()),
            }),
            Err(e) => {
                crate::errln!("hermes-scan: cannot read stdin: {e}");
                Err(EXIT_NOINPUT)
            }
        };
    }
    let mut bytes: Vec<u8> = Vec::new();
    for (i, part) in command.iter().enumerate() {
        if i > 0 {
            bytes.push(b' ');
        }
        bytes.extend_from_slice(part.as_bytes());
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => Input::Text(s),
        Err(e) => Input::Bytes(e.into_bytes()),
    })
}
