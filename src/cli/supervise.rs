//! Front doors that answer even when the engine dies.
//!
//! `hook`, `prompt` and `check --batch` run their analysis in a child process — this binary
//! again, marked by [`WORKER_ENV`] — under resource limits (address space, data, CPU time), and
//! the front door itself only waits with a deadline. A worker that crashes, is killed by a limit,
//! or runs late gets the front door's fail-closed answer instead of leaving the caller with a
//! crash (which Claude Code, for one, treats as "not blocking").

use std::ffi::OsString;
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Set in a worker's environment: the process does the analysis itself instead of supervising.
pub const WORKER_ENV: &str = "HERMES_SCAN_WORKER";

/// A line a `prompt` worker prints on stdout once the analysis is done (after it, a person may
/// take as long as they like to answer).
pub const ANALYZED_MARK: &str = "hermes-scan:analyzed";

/// Most bytes of a worker's stdout or stderr kept.
const MAX_OUTPUT: u64 = 16 * 1024 * 1024;

/// Fault injection for the supervision tests: in a worker, `HERMES_SCAN_FAULT=abort:TEXT` aborts,
/// `hang:TEXT` hangs and `panic:TEXT` panics when the input contains TEXT. It can only make a worker fail, and a
/// failed worker is answered fail-closed, so it cannot weaken a verdict.
pub fn inject_fault(input: &[u8]) {
    if !is_worker() {
        return;
    }
    let Some(spec) = std::env::var_os("HERMES_SCAN_FAULT") else {
        return;
    };
    let spec = spec.to_string_lossy();
    let (kind, needle) = spec.split_once(':').unwrap_or(("", ""));
    if needle.is_empty() || !input.windows(needle.len()).any(|w| w == needle.as_bytes()) {
        return;
    }
    match kind {
        "abort" => std::process::abort(),
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        "panic" => panic!("injected fault"),
        _ => {}
    }
}

/// Whether this process is a worker.
pub fn is_worker() -> bool {
    std::env::var_os(WORKER_ENV).is_some()
}

/// Resource limits of one worker.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time until the answer (or, for `prompt`, the analysis) must be there.
    pub deadline: Duration,
    /// Bytes of heap and other private writable memory (`RLIMIT_DATA`).
    pub data_bytes: u64,
    /// Bytes of address space (`RLIMIT_AS`), a backstop above `data_bytes`.
    pub address_bytes: u64,
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_secs: u64,
}

impl Limits {
    /// Limits with this deadline and the default memory budget.
    pub fn with_deadline(deadline: Duration) -> Self {
        Limits {
            deadline,
            // Heap and private data; with the mapped binary and stacks the whole worker stays
            // under the 256 MiB promised for any front door.
            data_bytes: 224 * 1024 * 1024,
            address_bytes: 2 * 1024 * 1024 * 1024,
            cpu_secs: deadline.as_secs() + 2,
        }
    }
}

/// The default hook deadline (`HERMES_SCAN_HOOK_TIMEOUT_MS` overrides it).
pub const HOOK_DEADLINE: Duration = Duration::from_secs(2);

/// The deadline for hooks and prompts: `HERMES_SCAN_HOOK_TIMEOUT_MS`, else [`HOOK_DEADLINE`].
pub fn hook_deadline() -> Duration {
    std::env::var("HERMES_SCAN_HOOK_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
        .unwrap_or(HOOK_DEADLINE)
}

/// Time kept back from a front door's deadline for killing a late worker, rendering the blocking
/// answer and exiting, so the answer itself arrives within the promised deadline.
pub const ANSWER_MARGIN: Duration = Duration::from_millis(80);

/// What is left of the hook deadline for the worker, for a front door that started at `started`:
/// the deadline less the time already spent (start-up, reading input) and [`ANSWER_MARGIN`]; at
/// least a tenth of the deadline, so a slow start still gets an analysis.
pub fn worker_budget(started: Instant) -> Duration {
    let deadline = hook_deadline();
    deadline
        .saturating_sub(started.elapsed())
        .saturating_sub(ANSWER_MARGIN)
        .max(deadline / 10)
}

/// Why a worker gave no usable answer.
#[derive(Debug)]
pub enum Failure {
    /// It could not be started.
    Spawn(std::io::Error),
    /// It did not answer within the deadline (and was killed).
    Late(Duration),
    /// It ended without an answer: killed by a signal or a resource limit, or crashed.
    Died(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(e) => write!(f, "the analysis process could not be started ({e})"),
            Failure::Late(d) => write!(f, "the analysis did not finish within {d:.1?}"),
            Failure::Died(why) => write!(f, "the analysis process died ({why})"),
        }
    }
}

/// A worker that exited on its own.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status.
    pub code: i32,
    /// What it printed on stdout.
    pub stdout: Vec<u8>,
    /// What it printed on stderr.
    pub stderr: Vec<u8>,
}

/// This binary as a worker with `args`, limits applied in the child before it starts.
pub fn worker_command(args: &[OsString], limits: &Limits) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| "hermes-scan".into());
    let mut cmd = Command::new(exe);
    // glibc reserves 64 MiB of address space for each thread's malloc arena, and the data
    // limit counts reservations, not use: two arenas keep a long script's parse thread from
    // spending the budget on address space it never touches.
    cmd.args(args)
        .env(WORKER_ENV, "1")
        .env("MALLOC_ARENA_MAX", "2");
    apply_limits(&mut cmd, limits);
    cmd
}

/// Apply `limits` in the child between fork and exec.
fn apply_limits(cmd: &mut Command, limits: &Limits) {
    let limits = *limits;
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(move || {
            set_limit(libc::RLIMIT_DATA, limits.data_bytes);
            set_limit(libc::RLIMIT_AS, limits.address_bytes);
            set_limit(libc::RLIMIT_CPU, limits.cpu_secs.max(1));
            set_limit(libc::RLIMIT_CORE, 0);
            Ok(())
        });
    }
}

/// Lower a resource limit (never raise it above what this process already has).
fn set_limit(resource: libc::__rlimit_resource_t, value: u64) {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut cur = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(resource, &mut cur) != 0 {
            return;
        }
        let v = value as libc::rlim_t;
        let max = if cur.rlim_max == libc::RLIM_INFINITY {
            v
        } else {
            cur.rlim_max.min(v)
        };
        let new = libc::rlimit {
            rlim_cur: max,
            rlim_max: max,
        };
        libc::setrlimit(resource, &new);
    }
}

fn describe(status: std::process::ExitStatus) -> Result<i32, Failure> {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        // 101 is a Rust panic, 134 an abort through a shell: neither is an answer.
        if code == 101 {
            return Err(Failure::Died("it panicked".into()));
        }
        return Ok(code);
    }
    let sig = status.signal().unwrap_or(0);
    let name = match sig {
        libc::SIGKILL => "killed (SIGKILL)".to_string(),
        libc::SIGABRT => "aborted, most likely out of memory (SIGABRT)".to_string(),
        libc::SIGSEGV => "crashed (SIGSEGV)".to_string(),
        libc::SIGXCPU => "out of CPU time (SIGXCPU)".to_string(),
        n => format!("signal {n}"),
    };
    Err(Failure::Died(name))
}

fn read_capped(mut r: impl Read) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = (&mut r).take(MAX_OUTPUT).read_to_end(&mut buf);
    // Drain the rest so the worker never blocks on a full pipe.
    let _ = std::io::copy(&mut r, &mut std::io::sink());
    buf
}

/// Run a worker with `input` on its stdin; its stdout and stderr are collected.
pub fn run(args: &[OsString], input: &[u8], limits: &Limits) -> Result<Finished, Failure> {
    let mut child = worker_command(args, limits)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Failure::Spawn)?;
    let pid = child.id();
    let start = Instant::now();
    let mut stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let out = child
        .stdout
        .take()
        .map(|o| std::thread::spawn(move || read_capped(o)));
    let err = child
        .stderr
        .take()
        .map(|e| std::thread::spawn(move || read_capped(e)));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(limits.deadline) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(Failure::Died(e.to_string())),
        Err(_) => {
            kill(pid);
            let _ = rx.recv();
            return Err(Failure::Late(start.elapsed()));
        }
    };
    let _ = writer.join();
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    let code = describe(status)?;
    Ok(Finished {
        code,
        stdout,
        stderr,
    })
}

/// Run a worker that shares this process's terminal and stderr, in two phases: it must print
/// [`ANALYZED_MARK`] on stdout within the deadline; after that it may take as long as it needs
/// (a person is answering). Returns its exit status.
pub fn run_marked(args: &[OsString], limits: &Limits) -> Result<i32, Failure> {
    let mut child = worker_command(args, limits)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(Failure::Spawn)?;
    let pid = child.id();
    let start = Instant::now();
    let (tx, rx) = mpsc::channel::<Option<std::io::Result<std::process::ExitStatus>>>();
    if let Some(out) = child.stdout.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(out);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line.trim_end() == ANALYZED_MARK {
                    let _ = tx.send(None);
                }
                line.clear();
            }
        });
    }
    std::thread::spawn(move || {
        let _ = tx.send(Some(child.wait()));
    });
    match rx.recv_timeout(limits.deadline) {
        Ok(Some(Ok(status))) => describe(status),
        Ok(Some(Err(e))) => Err(Failure::Died(e.to_string())),
        Ok(None) => loop {
            // Analysed in time; now wait for the person.
            match rx.recv() {
                Ok(Some(Ok(status))) => return describe(status),
                Ok(Some(Err(e))) => return Err(Failure::Died(e.to_string())),
                Ok(None) => continue,
                Err(_) => return Err(Failure::Died("no exit status".into())),
            }
        },
        Err(_) => {
            kill(pid);
            Err(Failure::Late(start.elapsed()))
        }
    }
}

fn kill(pid: u32) {
    // SAFETY: SIGKILL to our own child, which has not been reaped yet (the waiter thread reaps).
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_budget_leaves_room_to_answer_within_the_deadline() {
        let deadline = hook_deadline();
        let fresh = worker_budget(Instant::now());
        assert!(fresh + ANSWER_MARGIN <= deadline, "{fresh:?}");
        assert!(fresh + ANSWER_MARGIN + Duration::from_millis(50) >= deadline);
        // Time already spent reading the input is taken off the worker's share.
        let earlier = Instant::now() - deadline / 2;
        assert!(worker_budget(earlier) + deadline / 2 <= deadline);
        // A start that used up everything still leaves the analysis a tenth of the deadline.
        let long_ago = Instant::now() - deadline * 3;
        assert_eq!(worker_budget(long_ago), deadline / 10);
    }
}
