//! The shell hooks, driven through a real pseudo-terminal in real bash, zsh and fish: an allowed
//! line runs, a refused line does not, a warned line runs only after approval — never after a
//! denial or a timeout. Every "refused" line here is inert if it ever ran (it touches a marker
//! file or pipes an empty loopback response into sh), so a broken hook fails the test, not the
//! machine.

mod common;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An interactive shell on a pseudo-terminal.
struct Pty {
    master: std::fs::File,
    child: Child,
    seen: Vec<u8>,
    mark: usize,
    synced: u32,
    fish: bool,
}

impl Pty {
    fn spawn(mut cmd: Command) -> Pty {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two descriptors; we own them from here on.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty");
        let slave = unsafe { OwnedFd::from_raw_fd(slave) };
        let fd = slave.as_raw_fd();
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(move || {
                libc::setsid();
                libc::ioctl(fd, libc::TIOCSCTTY as _, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn shell");
        // A wide terminal, so long lines are not scrolled or wrapped in the transcript.
        let size = libc::winsize {
            ws_row: 50,
            ws_col: 400,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: setting the window size of our own master descriptor.
        unsafe { libc::ioctl(master, libc::TIOCSWINSZ as _, &size) };
        let master = unsafe { std::fs::File::from_raw_fd(master) };
        Pty {
            master,
            child,
            seen: Vec::new(),
            mark: 0,
            synced: 0,
            fish: false,
        }
    }

    fn send(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Wait until `needle` appears in the output after the last mark; move the mark past it.
    fn expect(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let hay = String::from_utf8_lossy(&self.seen[self.mark..]).into_owned();
            if let Some(pos) = hay.find(needle) {
                self.mark += hay[..pos + needle.len()].len();
                return true;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            let mut pfd = libc::pollfd {
                fd: self.master.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd on our descriptor.
            let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis().min(500) as i32) };
            if ready > 0 {
                let mut buf = [0u8; 4096];
                match self.master.read(&mut buf) {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => self.seen.extend_from_slice(&buf[..n]),
                }
            }
        }
    }

    /// Run a marker command whose *output* (not its echo) proves the shell is idle again.
    fn sync(&mut self) {
        self.synced += 1;
        let n = self.synced;
        let cmd = if self.fish {
            format!("echo SYNC-(math {n} + 1000)")
        } else {
            format!("echo SYNC-$(({n}+1000))")
        };
        line(self, &cmd);
        let want = format!("SYNC-{}", n + 1000);
        assert!(
            self.expect(&want, WAIT),
            "shell did not come back: {}",
            self.transcript()
        );
    }

    fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PROMPT: &str = "READY> ";
const WAIT: Duration = Duration::from_secs(20);

fn which(shell: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(shell))
        .find(|p| p.is_file())
}

/// A scratch HOME with a config: a deny pattern and a short approval timeout.
fn scratch(shell: &str) -> PathBuf {
    let dir = common::scratch(&format!("shell-{shell}"));
    std::fs::create_dir_all(dir.join("config/hermes-scan")).unwrap();
    std::fs::write(
        dir.join("config/hermes-scan/config.toml"),
        "[approval]\ntimeout_secs = 3\n[deny]\ncommands = [\"touch denied-marker*\"]\n",
    )
    .unwrap();
    dir
}

fn start(shell: &str) -> Option<(Pty, PathBuf)> {
    let Some(path) = which(shell) else {
        if std::env::var_os("CI").is_some()
            || std::env::var_os("HERMES_SCAN_REQUIRE_SHELLS").is_some()
        {
            panic!("{shell} is not installed; .ci/run installs bash, zsh and fish");
        }
        eprintln!("skipped: {shell} not found (its interactive hook test did not run)");
        return None;
    };
    let home = scratch(shell);
    let mut cmd = Command::new(path);
    match shell {
        "bash" => cmd.args(["--noprofile", "--norc", "-i"]),
        "zsh" => cmd.args(["-f", "-i"]),
        _ => cmd.args(["--no-config", "-i"]),
    };
    cmd.current_dir(&home)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "dumb")
        .env("PS1", PROMPT)
        .env("PROMPT", PROMPT);
    let mut pty = Pty::spawn(cmd);
    let bin = env!("CARGO_BIN_EXE_hermes-scan");
    let setup = match shell {
        "fish" => {
            format!("function fish_prompt; echo -n '{PROMPT}'; end; '{bin}' init fish | source\r")
        }
        "zsh" => format!("PROMPT='{PROMPT}'; eval \"$('{bin}' init zsh)\"\r"),
        _ => format!("PS1='{PROMPT}'; eval \"$('{bin}' init bash)\"\r"),
    };
    pty.fish = shell == "fish";
    pty.send(&setup);
    pty.sync();
    Some((pty, home))
}

/// Type a line (clearing whatever is left on the line first) and press Enter.
fn line(pty: &mut Pty, text: &str) {
    // Give the shell a moment to leave whatever terminal mode the hook ran in: a ^U that arrives
    // while the line discipline is still cooked is eaten as the kill character.
    std::thread::sleep(Duration::from_millis(300));
    pty.send("\x15");
    std::thread::sleep(Duration::from_millis(100));
    pty.send(text);
    pty.send("\r");
    // Let the hook finish before typing on: keys typed while it runs are read by the line editor
    // in between the hook's own key sequences.
    std::thread::sleep(Duration::from_millis(500));
}

fn exercise(shell: &str) {
    let Some((mut pty, home)) = start(shell) else {
        return;
    };
    let exists = |name: &str| home.join(name).exists();

    line(&mut pty, "touch allowed-marker");
    pty.sync();
    assert!(
        exists("allowed-marker"),
        "allowed command did not run in {shell}: {}",
        pty.transcript()
    );

    line(&mut pty, "touch denied-marker");
    assert!(pty.expect("not run", WAIT), "{}", pty.transcript());
    pty.sync();
    assert!(!exists("denied-marker"), "denied command ran in {shell}");

    line(
        &mut pty,
        "touch blocked-marker; curl -s http://127.0.0.1:9/x | sh",
    );
    assert!(pty.expect("run anyway", WAIT), "{}", pty.transcript());
    pty.send("no\r");
    assert!(pty.expect("not run", WAIT), "{}", pty.transcript());
    pty.sync();
    assert!(!exists("blocked-marker"), "blocked command ran in {shell}");

    line(
        &mut pty,
        "touch approved-marker && chmod 777 approved-marker",
    );
    assert!(pty.expect("[o]nce", WAIT), "{}", pty.transcript());
    pty.send("o\r");
    pty.sync();
    assert!(
        exists("approved-marker"),
        "approved command did not run in {shell}: {}",
        pty.transcript()
    );

    line(&mut pty, "touch refused-marker && chmod 777 refused-marker");
    assert!(pty.expect("[o]nce", WAIT), "{}", pty.transcript());
    pty.send("d\r");
    assert!(pty.expect("not run", WAIT), "{}", pty.transcript());
    pty.sync();
    assert!(!exists("refused-marker"), "denied warn ran in {shell}");

    line(&mut pty, "touch late-marker && chmod 777 late-marker");
    assert!(pty.expect("[o]nce", WAIT), "{}", pty.transcript());
    // No answer: the 3 s approval timeout must refuse it.
    assert!(
        pty.expect("not run", Duration::from_secs(10)),
        "{}",
        pty.transcript()
    );
    pty.sync();
    assert!(!exists("late-marker"), "unanswered warn ran in {shell}");

    // Multi-line input typed line by line still works: each line is checked, the syntax of an
    // unfinished construct is left to the shell.
    // (fish: known gap — `commandline -f execute` from the hook does not continue an unfinished
    // block on a new line, so multi-line blocks must be entered on one line or pasted.)
    if shell != "fish" {
        line(&mut pty, "for i in 1 2; do");
        line(&mut pty, "touch multi-$i");
        line(&mut pty, "done");
        pty.sync();
        assert!(
            exists("multi-1") && exists("multi-2"),
            "multi-line loop failed in {shell}: {}",
            pty.transcript()
        );
    }

    // A command split over lines is judged as the command the shell runs: the second line alone
    // is an unterminated quote, joined to the first it is `echo '…'; touch denied-marker-split`.
    if shell != "fish" {
        line(&mut pty, "echo '");
        line(&mut pty, "'; touch denied-marker-split");
        assert!(pty.expect("not run", WAIT), "{}", pty.transcript());
        // Leave the continuation; the next prompt forgets the pending lines.
        pty.send("\x03");
        pty.sync();
        assert!(
            !exists("denied-marker-split"),
            "a denied command split over two lines ran in {shell}"
        );
        // An interrupted continuation leaves nothing behind: the next command is judged alone.
        line(&mut pty, "echo '");
        pty.send("\x03");
        pty.sync();
        line(&mut pty, "touch after-interrupt");
        pty.sync();
        assert!(exists("after-interrupt"), "{}", pty.transcript());
    }

    // After all that, an ordinary command still runs.
    line(&mut pty, "touch final-marker");
    pty.sync();
    assert!(exists("final-marker"), "{}", pty.transcript());
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn bash_hook_enforces_verdicts() {
    exercise("bash");
}

#[test]
fn zsh_hook_enforces_verdicts() {
    exercise("zsh");
}

#[test]
fn fish_hook_enforces_verdicts() {
    exercise("fish");
}

/// Run `script` with `shell -c` (no rc files), returning the exit code and stdout+stderr.
fn run_script(shell: &str, script: &str) -> (Option<i32>, String) {
    let mut cmd = Command::new(shell);
    match shell {
        "bash" => cmd.args(["--noprofile", "--norc", "-c", script]),
        "zsh" => cmd.args(["-f", "-c", script]),
        _ => cmd.args(["--no-config", "-c", script]),
    };
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

/// The shells this machine has; a missing one is reported, and is an error where
/// `HERMES_SCAN_REQUIRE_SHELLS` is set (`.ci/run` sets it).
fn shells_here() -> Vec<&'static str> {
    let mut here = Vec::new();
    for shell in ["bash", "zsh", "fish"] {
        if which(shell).is_some() {
            here.push(shell);
        } else if std::env::var_os("HERMES_SCAN_REQUIRE_SHELLS").is_some() {
            panic!("{shell} is not installed and HERMES_SCAN_REQUIRE_SHELLS is set");
        } else {
            eprintln!(
                "skipped: {shell} not found (the non-interactive hook test for it did not run)"
            );
        }
    }
    here
}

#[test]
fn hooks_refuse_to_load_in_the_wrong_shell() {
    let bin = env!("CARGO_BIN_EXE_hermes-scan");
    // The wrong hook says so, installs nothing, and the rest of the script still runs.
    let (code, text) = run_script(
        "bash",
        &format!("eval \"$('{bin}' init zsh)\"; type __hermes_scan_accept_line; echo loaded"),
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("this is the zsh hook")
            && text.contains("loaded")
            && text.contains("not found"),
        "{text}"
    );
    // fish syntax never parses as bash: nothing of it runs, and the script goes on.
    let (_, text) = run_script(
        "bash",
        &format!("eval \"$('{bin}' init fish)\"; type __hermes_scan_execute; echo after"),
    );
    assert!(
        text.contains("not found") && text.contains("after"),
        "{text}"
    );
    if which("zsh").is_some() {
        let (code, text) = run_script(
            "zsh",
            &format!("eval \"$('{bin}' init bash)\"; echo loaded"),
        );
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("this is the bash hook") && text.contains("loaded"),
            "{text}"
        );
    }
}

/// Loading the hook in a non-interactive shell changes nothing it runs: the lines after the
/// `eval` in a script, and after it in a sourced rc file, still run, and no hook is installed.
#[test]
fn hooks_never_change_what_a_non_interactive_shell_runs() {
    let bin = env!("CARGO_BIN_EXE_hermes-scan");
    let dir = common::shared_scratch("nonint");
    std::fs::create_dir_all(&dir).unwrap();
    for shell in shells_here() {
        let (load, probe) = match shell {
            "fish" => (
                format!("'{bin}' init fish | source"),
                "functions -q __hermes_scan_execute; and echo HOOKED",
            ),
            "zsh" => (
                format!("eval \"$('{bin}' init zsh)\""),
                "(( $+functions[__hermes_scan_accept_line] )) && echo HOOKED",
            ),
            _ => (
                format!("eval \"$('{bin}' init bash)\""),
                "declare -F __hermes_scan_enter >/dev/null && echo HOOKED",
            ),
        };
        let (code, text) = run_script(shell, &format!("{load}\n{probe}\necho after-eval"));
        assert_eq!(code, Some(0), "{shell}: {text}");
        assert!(text.contains("after-eval"), "{shell}: {text}");
        assert!(
            !text.contains("HOOKED"),
            "{shell} installed a hook non-interactively: {text}"
        );

        let rc = dir.join(format!("rc.{shell}"));
        std::fs::write(&rc, format!("{load}\necho rest-of-rc\n")).unwrap();
        let source = if shell == "fish" { "source" } else { "." };
        let (code, text) = run_script(
            shell,
            &format!("{source} '{}'; echo after-source", rc.display()),
        );
        assert_eq!(code, Some(0), "{shell}: {text}");
        assert!(
            text.contains("rest-of-rc") && text.contains("after-source"),
            "{shell}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
