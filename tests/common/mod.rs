//! Shared test helpers: the binary isolated in a scratch home, and a tiny
//! one-request-per-connection HTTP server on 127.0.0.1 that answers with a handler, records every
//! request, and stops by itself after 60 s.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary with HOME and the XDG dirs in `home` (created), run from there, with none of the
/// developer's own hermes-scan environment settings.
pub fn bin_in(home: &std::path::Path) -> Command {
    std::fs::create_dir_all(home).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_hermes-scan"));
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HERMES_SCAN_CONFIG")
        .env_remove("HERMES_SCAN_MODE")
        .env_remove("HERMES_SCAN_YOLO")
        .env_remove("HERMES_SCAN_UNATTENDED")
        .env_remove("HERMES_SCAN_ON_ERROR")
        .env_remove("CLAUDE_CONFIG_DIR")
        .current_dir(home);
    c
}

/// `../shared/advisory-data` next to the repository; `None` (with a message) when it is absent,
/// a panic when `HERMES_SCAN_REQUIRE_SHARED` says it must be there.
pub fn shared_data() -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data");
    if p.is_dir() {
        Some(p)
    } else if std::env::var_os("HERMES_SCAN_REQUIRE_SHARED").is_some() {
        panic!(
            "{} not found and HERMES_SCAN_REQUIRE_SHARED is set",
            p.display()
        );
    } else {
        eprintln!("skipped: {} not found", p.display());
        None
    }
}

/// Every scratch directory this test process made; removed when the process exits.
static SCRATCH: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn remove_scratch() {
    if let Ok(dirs) = SCRATCH.lock() {
        for d in dirs.iter() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// `hermes-scan-{name}-PID` in the temp dir, created if missing and kept as it is otherwise (a
/// home several tests share), removed when the test process exits.
pub fn shared_scratch(name: &str) -> std::path::PathBuf {
    static REGISTER: std::sync::Once = std::sync::Once::new();
    REGISTER.call_once(|| {
        // SAFETY: registers a plain function with the C runtime; it only removes directories.
        unsafe { atexit(remove_scratch) };
    });
    let d = std::env::temp_dir().join(format!("hermes-scan-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let mut dirs = SCRATCH.lock().unwrap();
    if !dirs.contains(&d) {
        dirs.push(d.clone());
    }
    d
}

/// A fresh, empty `hermes-scan-{name}-PID` in the temp dir, removed when the test process exits.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let d = shared_scratch(name);
    std::fs::remove_dir_all(&d).unwrap();
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A fresh scratch project `hermes-scan-{tag}-{name}-PID` with the given files.
pub fn project(tag: &str, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let d = scratch(&format!("{tag}-{name}"));
    for (f, text) in files {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

/// `hermes-scan deps ARGS` in `dir`, with an empty advisory store (embedded data only).
pub fn deps(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
        .arg("deps")
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join(".no-store"))
        .output()
        .unwrap()
}

/// Answers a request: (method, path, JSON body) → (status, body).
pub type Handler = Arc<dyn Fn(&str, &str, &Value) -> (u16, String) + Send + Sync>;

/// A running mock server.
pub struct MockHttp {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// (method, path, body) of every request so far.
    pub log: Arc<Mutex<Vec<(String, String, Value)>>>,
}

impl MockHttp {
    /// Start serving; every response waits `delay` first.
    pub fn start(handler: Handler, delay: Duration) -> MockHttp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(60);
            while Instant::now() < end {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut parts = first.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts.next().unwrap_or("").to_string();
                let mut len = 0usize;
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0u8; len];
                let _ = reader.read_exact(&mut body);
                let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                seen.lock()
                    .unwrap()
                    .push((method.clone(), path.clone(), body.clone()));
                let (status, text) = handler(&method, &path, &body);
                std::thread::sleep(delay);
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        MockHttp { url, log }
    }

    /// Serve scripted replies in order, repeating the last one.
    pub fn scripted(replies: Vec<(u16, String)>) -> MockHttp {
        let next = Arc::new(Mutex::new(0usize));
        MockHttp::start(
            Arc::new(move |_, _, _| {
                let mut n = next.lock().unwrap();
                let r = replies[(*n).min(replies.len() - 1)].clone();
                *n += 1;
                r
            }),
            Duration::ZERO,
        )
    }

    /// Request bodies so far.
    pub fn bodies(&self) -> Vec<Value> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(_, _, b)| b.clone())
            .collect()
    }
}

/// Inputs the coverage-guided fuzzer once crashed `target` with (`fuzz/regressions/TARGET/`),
/// sorted by path.
pub fn fuzz_regressions(target: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("regression entry").path())
        .collect();
    found.sort();
    assert!(
        !found.is_empty(),
        "no fuzz regressions in {}",
        dir.display()
    );
    found
}
