//! Asking the person at the terminal: the question goes to `/dev/tty` and so does the answer, so
//! neither the command's stdin nor anything pasted before the question can answer it (pending
//! input is discarded first). No answer within the timeout means no.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// The controlling terminal, opened for a question.
pub struct Tty {
    file: File,
}

impl Tty {
    /// Open `/dev/tty`; `None` when there is no controlling terminal (CI, cron, an agent).
    pub fn open() -> Option<Self> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .map(|file| Tty { file })
    }

    /// Print text on the terminal.
    pub fn say(&mut self, text: &str) {
        let _ = self.file.write_all(text.as_bytes());
        let _ = self.file.flush();
    }

    /// Ask a question and read one line; `None` on timeout, end of input or error.
    pub fn ask(&mut self, question: &str, timeout: Duration) -> Option<String> {
        let fd = self.file.as_raw_fd();
        // SAFETY: plain termios/poll calls on a file descriptor we own for the whole call.
        unsafe {
            libc::tcflush(fd, libc::TCIFLUSH);
        }
        let saved = cooked_mode(fd);
        self.say(question);
        let answer = self.read_line(fd, timeout);
        if let Some(t) = saved {
            // SAFETY: restoring the settings read from the same descriptor.
            unsafe {
                libc::tcsetattr(fd, libc::TCSANOW, &t);
            }
        }
        if answer.is_none() {
            self.say("\n");
        }
        answer
    }

    fn read_line(&mut self, fd: i32, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut line = Vec::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one pollfd on our descriptor.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready <= 0 {
                return None;
            }
            let mut buf = [0u8; 256];
            let n = self.file.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            for &b in &buf[..n] {
                if b == b'\n' || b == b'\r' {
                    return Some(String::from_utf8_lossy(&line).trim().to_string());
                }
                line.push(b);
            }
        }
    }
}

/// Switch the terminal to line mode with echo (readline may have left it raw); returns the old
/// settings.
fn cooked_mode(fd: i32) -> Option<libc::termios> {
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut t) != 0 {
            return None;
        }
        let saved = t;
        t.c_lflag |= libc::ICANON | libc::ECHO | libc::ISIG;
        t.c_iflag |= libc::ICRNL;
        libc::tcsetattr(fd, libc::TCSANOW, &t);
        Some(saved)
    }
}
