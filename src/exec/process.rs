//! Start a command (an argv from [`super::sandbox`]) with an exact environment, resource limits
//! and a timeout that kills its whole process group; pass its output through, redacted, or
//! capture it.

use super::limits::Limits;
use super::redact;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Program and arguments.
    pub argv: Vec<OsString>,
    /// The complete environment (nothing else is inherited).
    pub env: Vec<(String, String)>,
    /// Working directory.
    pub workdir: PathBuf,
    /// Kill everything after this long.
    pub timeout: Duration,
    /// setrlimit values (ignored by docker, which gets flags instead).
    pub limits: Limits,
    /// Collect stdout and stderr (interleaved as read) instead of passing them through.
    pub capture: bool,
    /// Redact secrets from what is passed through or captured.
    pub redact: bool,
    /// Give the command no stdin (agents); otherwise it inherits ours.
    pub stdin_null: bool,
    /// Run after a timeout, best effort (e.g. `docker kill NAME`).
    pub on_timeout: Option<Vec<OsString>>,
    /// Most bytes captured.
    pub max_capture: usize,
}

/// How it ended.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Exit status, when it exited.
    pub code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    /// Killed at the timeout.
    pub timed_out: bool,
    /// Captured output (when `capture`).
    pub output: String,
    /// The capture hit `max_capture`.
    pub truncated: bool,
}

impl Outcome {
    /// A shell-style status: the code, 128 + signal, or 124 after a timeout.
    pub fn status(&self) -> i32 {
        if self.timed_out {
            124
        } else if let Some(c) = self.code {
            c
        } else {
            128 + self.signal.unwrap_or(9)
        }
    }
}

fn kill_group(pgid: i32) {
    // SAFETY: signalling the process group this module created for the command.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Run it.
pub fn run(opts: &Options) -> std::io::Result<Outcome> {
    let (program, args) = opts
        .argv
        .split_first()
        .ok_or_else(|| std::io::Error::other("empty argv"))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(opts.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&opts.workdir)
        .process_group(0);
    if opts.stdin_null {
        cmd.stdin(Stdio::null());
    }
    let piped = opts.capture || opts.redact;
    if piped {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let pairs = opts.limits.pairs();
    // SAFETY: only async-signal-safe calls (getrlimit/setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || Limits::apply_in_child(&pairs));
    }
    let mut child = cmd.spawn()?;
    let pgid = child.id() as i32;
    let captured = Arc::new(Mutex::new((Vec::<u8>::new(), false)));
    let mut threads = Vec::new();
    if piped {
        let out = child.stdout.take().expect("piped");
        let err = child.stderr.take().expect("piped");
        for (stream, to_stderr) in [
            (Box::new(out) as Box<dyn Read + Send>, false),
            (Box::new(err) as Box<dyn Read + Send>, true),
        ] {
            let captured = captured.clone();
            let (capture, redact, max) = (opts.capture, opts.redact, opts.max_capture);
            threads.push(std::thread::spawn(move || {
                pump(stream, to_stderr, capture, redact, max, &captured)
            }));
        }
    }
    let deadline = Instant::now() + opts.timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if Instant::now() >= deadline {
            timed_out = true;
            kill_group(pgid);
            if let Some(argv) = &opts.on_timeout {
                if let Some((p, a)) = argv.split_first() {
                    let _ = Command::new(p)
                        .args(a)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status();
                }
            }
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Whatever the command left running in its group (background jobs holding the pipes) ends
    // with it.
    kill_group(pgid);
    for t in threads {
        let _ = t.join();
    }
    let (bytes, truncated) =
        std::mem::take(&mut *captured.lock().unwrap_or_else(|e| e.into_inner()));
    use std::os::unix::process::ExitStatusExt;
    Ok(Outcome {
        code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        timed_out,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        truncated,
    })
}

/// Copy one stream: redacted line by line when asked, into the capture or to our own stdout /
/// stderr.
fn pump(
    stream: Box<dyn Read + Send>,
    to_stderr: bool,
    capture: bool,
    redact: bool,
    max: usize,
    captured: &Mutex<(Vec<u8>, bool)>,
) {
    struct Sink<'a> {
        capture: bool,
        to_stderr: bool,
        max: usize,
        captured: &'a Mutex<(Vec<u8>, bool)>,
    }
    impl Write for Sink<'_> {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            if self.capture {
                let mut c = self.captured.lock().unwrap_or_else(|e| e.into_inner());
                let room = self.max.saturating_sub(c.0.len());
                c.0.extend_from_slice(&data[..data.len().min(room)]);
                if data.len() > room {
                    c.1 = true;
                }
            } else if self.to_stderr {
                std::io::stderr().lock().write_all(data)?;
            } else {
                std::io::stdout().lock().write_all(data)?;
            }
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            if !self.capture {
                if self.to_stderr {
                    std::io::stderr().flush()?;
                } else {
                    std::io::stdout().flush()?;
                }
            }
            Ok(())
        }
    }
    let mut sink = Sink {
        capture,
        to_stderr,
        max,
        captured,
    };
    if redact {
        let _ = redact::Stream::default().copy(stream, &mut sink);
    } else {
        let mut stream = stream;
        let _ = std::io::copy(&mut stream, &mut sink);
    }
}
