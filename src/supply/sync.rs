//! `advisories sync`: download OSV's per-ecosystem dumps (`{base}/{ecosystem}/all.zip`) with
//! conditional requests, stream each to a temp file beside the store, and import it as the source
//! `sync:{ecosystem}` — the store changes only after a complete, valid import, so a torn download,
//! a corrupt zip or a server error leaves the previous data in place.

use super::store::{self, Mode};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// OSV's public bucket of per-ecosystem dumps.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Ecosystems synced by default: the ones hermes-scan checks installs and lockfiles of.
pub const DEFAULT_ECOSYSTEMS: &[&str] =
    &["npm", "PyPI", "crates.io", "RubyGems", "Go", "Packagist"];

/// What to sync.
#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL (`{base}/{ecosystem}/all.zip`).
    pub base_url: String,
    /// OSV ecosystem names.
    pub ecosystems: Vec<String>,
    /// Store directory.
    pub dest: PathBuf,
    /// Skip an ecosystem synced more recently than this.
    pub if_older_than: Option<Duration>,
    /// Whole-request timeout per download.
    pub timeout: Duration,
    /// Draw a progress line on stderr (a terminal).
    pub progress: bool,
}

/// How one ecosystem went.
#[derive(Debug)]
pub enum Outcome {
    /// Synced recently enough (`--if-older-than`).
    Fresh,
    /// The server said 304: nothing changed.
    NotModified,
    /// Downloaded and imported.
    Updated {
        /// The import.
        report: store::ImportReport,
        /// Bytes downloaded.
        bytes: u64,
    },
    /// Failed; the store keeps the previous data.
    Failed(String),
}

fn state_path(dest: &Path) -> PathBuf {
    dest.join("sync.json")
}

fn load_state(dest: &Path) -> Value {
    std::fs::read(state_path(dest))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}))
}

fn save_state(dest: &Path, state: &Value) -> Result<(), String> {
    let path = state_path(dest);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(state).unwrap_or_default())
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Seconds since the oldest of `ecosystems` was last synced (`None`: one never was).
pub fn oldest_sync_age(dest: &Path, ecosystems: &[String]) -> Option<u64> {
    let state = load_state(dest);
    ecosystems
        .iter()
        .map(|e| {
            state[e]["synced_at"]
                .as_u64()
                .map(|t| super::unix_now().saturating_sub(t))
        })
        .try_fold(0u64, |acc, age| age.map(|a| acc.max(a)))
}

/// Sync every ecosystem of `opts`, one after another; `report` is told about each as it ends.
pub fn run(
    opts: &Options,
    mut report: impl FnMut(&str, &Outcome, Duration),
) -> Vec<(String, Outcome)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout.min(Duration::from_secs(15)))
        .build();
    let mut out = Vec::new();
    for eco in &opts.ecosystems {
        let start = Instant::now();
        let outcome = match &client {
            Ok(c) => one(c, opts, eco),
            Err(e) => Outcome::Failed(e.to_string()),
        };
        report(eco, &outcome, start.elapsed());
        out.push((eco.clone(), outcome));
    }
    out
}

fn one(client: &reqwest::blocking::Client, opts: &Options, eco: &str) -> Outcome {
    let mut state = load_state(&opts.dest);
    let previous = state.get(eco).cloned().unwrap_or(Value::Null);
    if let (Some(limit), Some(at)) = (opts.if_older_than, previous["synced_at"].as_u64()) {
        if super::unix_now().saturating_sub(at) < limit.as_secs() {
            return Outcome::Fresh;
        }
    }
    let tag = format!("sync:{eco}");
    let have_source = store::sources(&opts.dest)
        .iter()
        .any(|s| s["source"] == tag.as_str());
    let url = format!("{}/{eco}/all.zip", opts.base_url.trim_end_matches('/'));
    let mut req = client.get(&url);
    // Conditional only while the store still holds what the validators describe.
    if have_source {
        if let Some(etag) = previous["etag"].as_str() {
            req = req.header("If-None-Match", etag);
        }
        if let Some(lm) = previous["last_modified"].as_str() {
            req = req.header("If-Modified-Since", lm);
        }
    }
    let mut resp = match req.send() {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(format!("{url}: {e}")),
    };
    let status = resp.status();
    if status.as_u16() == 304 {
        state[eco]["synced_at"] = json!(super::unix_now());
        return match save_state(&opts.dest, &state) {
            Ok(()) => Outcome::NotModified,
            Err(e) => Outcome::Failed(e),
        };
    }
    if !status.is_success() {
        return Outcome::Failed(format!("{url}: HTTP {status}"));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let expected: Option<u64> = resp.content_length();
    if let Err(e) = std::fs::create_dir_all(&opts.dest) {
        return Outcome::Failed(format!("{}: {e}", opts.dest.display()));
    }
    let tmp = opts.dest.join(format!(
        ".download-{}-{}.zip",
        eco.replace('/', "_"),
        std::process::id()
    ));
    let result = download(&mut resp, &tmp, expected, opts.progress, eco).and_then(|bytes| {
        store::import_as(&tmp, &opts.dest, &tag, Mode::Replace)
            .map(|report| (report, bytes))
            .map_err(|e| format!("{url}: {e}"))
    });
    let _ = std::fs::remove_file(&tmp);
    match result {
        Ok((report, bytes)) => {
            state[eco] = json!({
                "url": url,
                "etag": etag,
                "last_modified": last_modified,
                "synced_at": super::unix_now(),
                "records": report.records,
                "bytes": bytes,
            });
            match save_state(&opts.dest, &state) {
                Ok(()) => Outcome::Updated { report, bytes },
                Err(e) => Outcome::Failed(e),
            }
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// Stream the body to `path`; a body shorter or longer than its Content-Length is an error.
fn download(
    resp: &mut reqwest::blocking::Response,
    path: &Path,
    expected: Option<u64>,
    progress: bool,
    eco: &str,
) -> Result<u64, String> {
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    let mut last_draw = Instant::now();
    loop {
        let n = resp
            .read(&mut buf)
            .map_err(|e| format!("download of {eco} broke off after {total} bytes: {e}"))?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n]).map_err(io)?;
        total += n as u64;
        if progress && last_draw.elapsed() > Duration::from_millis(100) {
            last_draw = Instant::now();
            let line = match expected {
                Some(len) if len > 0 => format!(
                    "\r{eco}: {:.1} / {:.1} MB ({}%)",
                    total as f64 / 1e6,
                    len as f64 / 1e6,
                    total * 100 / len
                ),
                _ => format!("\r{eco}: {:.1} MB", total as f64 / 1e6),
            };
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }
    if progress {
        let _ = std::io::stderr().write_all(b"\r\x1b[K");
    }
    file.flush().map_err(io)?;
    if let Some(len) = expected {
        if len != total {
            return Err(format!(
                "download of {eco} is incomplete: {total} of {len} bytes"
            ));
        }
    }
    Ok(total)
}

/// `[advisories] auto_sync`: when the synced data is older than `every` (or was never synced),
/// start `hermes-scan advisories sync --if-older-than EVERY` as a detached background process —
/// at most once per process and once per ten minutes per store, never waiting for it. Returns
/// whether one was started. Only from the hermes-scan binary itself (never from a host program
/// that embeds the library).
pub fn maybe_start_background(every: &str, ecosystems: &[String], dest: &Path) -> bool {
    use std::os::unix::process::CommandExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    // A resource-limited analysis worker would pass its limits on; its supervisor starts it.
    if std::env::var_os("HERMES_SCAN_WORKER").is_some() {
        return false;
    }
    let Ok(limit) = crate::policy::parse_duration(every) else {
        return false;
    };
    let ecosystems: Vec<String> = if ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
    } else {
        ecosystems.to_vec()
    };
    if oldest_sync_age(dest, &ecosystems).is_some_and(|age| age < limit.as_secs()) {
        return false;
    }
    let Ok(exe) = std::env::current_exe() else {
        return false;
    };
    if exe.file_name().and_then(|n| n.to_str()) != Some("hermes-scan") {
        return false;
    }
    let marker = dest.join(".auto-sync-started");
    let recent = std::fs::metadata(&marker)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < Duration::from_secs(600));
    if recent || STARTED.swap(true, Ordering::SeqCst) {
        return false;
    }
    if std::fs::create_dir_all(dest).is_err() || std::fs::write(&marker, b"").is_err() {
        return false;
    }
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["advisories", "sync", "--if-older-than", every, "--store"])
        .arg(dest)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // Its own process group: a Ctrl-C at the prompt does not reach it.
        .process_group(0);
    match cmd.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
            true
        }
        Err(_) => false,
    }
}
