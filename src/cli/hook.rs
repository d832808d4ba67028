//! `hermes-scan hook AGENT`: the agent front door. Whatever happens, it answers in the agent's
//! protocol with exit 0 (a blocking answer when anything is wrong), because a crash or exit 1 does
//! not stop Claude Code or Hermes from running the command.

use super::supervise;
use crate::hooks::{self, Agent, Decision};
use crate::policy::approvals::ApprovalStore;
use std::ffi::OsString;
use std::io::Read;

/// Run the hook adapter and return the exit code.
pub fn run(agent_name: &str, policy: Option<&std::path::Path>) -> i32 {
    let Some(agent) = Agent::from_name(agent_name) else {
        crate::errln!("hermes-scan: unknown agent {agent_name:?} (claude-code, hermes, codex)");
        return super::EXIT_USAGE;
    };
    let started = std::time::Instant::now();
    let mut payload = Vec::new();
    let limit = (hooks::MAX_PAYLOAD_BYTES + 1) as u64;
    if !supervise::is_worker() {
        return match read_payload(limit, supervise::worker_budget(started)) {
            Ok(payload) => supervised(agent, agent_name, policy, &payload, started),
            Err(why) => emit(&agent.render(
                Decision::Deny,
                &format!("hermes-scan: {why}; refusing to run it"),
            )),
        };
    }
    let read = std::io::stdin().take(limit).read_to_end(&mut payload);
    supervise::inject_fault(&payload);
    let answer = match (read, super::scanner_for(policy)) {
        (Ok(_), Ok(scanner)) => {
            hooks::answer(agent, &payload, &scanner, &ApprovalStore::default_store())
        }
        (Err(e), _) => agent.render(
            Decision::Deny,
            &format!("hermes-scan: cannot read hook input ({e}); refusing to run it"),
        ),
        (_, Err(_)) => agent.render(
            Decision::Deny,
            "hermes-scan: the policy or rule packs could not be loaded; refusing to run it",
        ),
    };
    emit(&answer)
}

/// Write an answer in the agent's protocol and return its exit code.
fn emit(answer: &hooks::HookAnswer) -> i32 {
    if let Some(out) = &answer.stdout {
        super::print(out);
    }
    if let Some(err) = &answer.stderr {
        crate::errln!("{err}");
    }
    answer.exit_code
}

/// The hook's input: everything up to the end of stdin, or as soon as what arrived is one
/// complete JSON document (an agent may keep its end of the pipe open), within `deadline`. At
/// most `limit` bytes are read.
fn read_payload(limit: u64, deadline: std::time::Duration) -> Result<Vec<u8>, String> {
    use std::sync::mpsc::{channel, RecvTimeoutError};
    let (tx, rx) = channel::<Result<Option<Vec<u8>>, String>>();
    // The reader may stay blocked on a pipe nobody closes; the process exits without it.
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock().take(limit);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let sent = match input.read(&mut buf) {
                Ok(0) => {
                    let _ = tx.send(Ok(None));
                    return;
                }
                Ok(n) => tx.send(Ok(Some(buf[..n].to_vec()))),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(format!("cannot read hook input ({e})")));
                    return;
                }
            };
            if sent.is_err() {
                return;
            }
        }
    });
    let start = std::time::Instant::now();
    let mut payload = Vec::new();
    loop {
        let left = deadline.saturating_sub(start.elapsed());
        match rx.recv_timeout(left) {
            Ok(Ok(Some(chunk))) => {
                payload.extend_from_slice(&chunk);
                if payload.len() as u64 >= limit || is_one_json_document(&payload) {
                    return Ok(payload);
                }
            }
            Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => return Ok(payload),
            Ok(Err(why)) => return Err(why),
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "the hook input did not end within {} ms",
                    deadline.as_millis()
                ))
            }
        }
    }
}

/// `bytes` hold exactly one complete JSON object (whitespace around it allowed).
fn is_one_json_document(bytes: &[u8]) -> bool {
    bytes.iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// The analysis in a worker process under limits; this process only relays its answer, or gives
/// the protocol's blocking answer when the worker dies or runs late.
fn supervised(
    agent: Agent,
    name: &str,
    policy: Option<&std::path::Path>,
    payload: &[u8],
    started: std::time::Instant,
) -> i32 {
    let mut args = super::global_flags();
    args.extend([OsString::from("hook"), OsString::from(name)]);
    if let Some(p) = policy {
        args.extend([OsString::from("--policy"), p.as_os_str().to_owned()]);
    }
    let limits = supervise::Limits::with_deadline(supervise::worker_budget(started));
    let result = supervise::run(&args, payload, &limits);
    // The worker runs under resource limits its children would inherit: a background sync is
    // started from here instead.
    super::auto_sync_if_configured(policy);
    let answer = match result {
        Ok(done) if done.code == 0 || done.code == 2 => {
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(&done.stdout);
            let _ = std::io::stderr().lock().write_all(&done.stderr);
            return done.code;
        }
        Ok(done) => agent.render(
            Decision::Deny,
            &format!(
                "hermes-scan: the analysis ended with status {} and no answer; refusing to run it",
                done.code
            ),
        ),
        Err(fail) => agent.render(
            Decision::Deny,
            &format!("hermes-scan: {fail}; refusing to run it"),
        ),
    };
    emit(&answer)
}
