//! The `terminal` tool: run a command with `bash -c` in the working directory, in its own process
//! group, killed as a group on timeout, with output capped.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Most output bytes returned to the model.
pub const MAX_OUTPUT: usize = 16 * 1024;

/// What running a command produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Exit code (`None` when killed).
    pub code: Option<i32>,
    /// stdout and stderr, interleaved as read, capped.
    pub output: String,
    /// Killed at the timeout.
    pub timed_out: bool,
}

/// Run `command` with `bash -c` in `dir`.
pub fn run(command: &str, dir: &Path, timeout: Duration) -> std::io::Result<RunResult> {
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let pgid = child.id() as i32;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_thread = std::thread::spawn(move || read_capped(&mut stdout));
    let err_thread = std::thread::spawn(move || read_capped(&mut stderr));
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if Instant::now() >= deadline {
            timed_out = true;
            // SAFETY: signalling the process group we created for this command.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Anything left in the group (background children holding the pipes) goes too.
    // SAFETY: as above.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let mut output = out_thread.join().unwrap_or_default();
    let err = err_thread.join().unwrap_or_default();
    if !err.is_empty() {
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&err);
    }
    if output.len() > MAX_OUTPUT {
        let mut cut = MAX_OUTPUT;
        while !output.is_char_boundary(cut) {
            cut -= 1;
        }
        output.truncate(cut);
        output.push_str("\n[output truncated]");
    }
    Ok(RunResult {
        code: status.and_then(|s| s.code()),
        output,
        timed_out,
    })
}

fn read_capped(r: &mut impl Read) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = r.read(&mut chunk) {
        if n == 0 {
            break;
        }
        if buf.len() < MAX_OUTPUT * 2 {
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}
