//! `deps --online` against a mock OSV API that the test starts on 127.0.0.1 (and that stops by
//! itself): batching, pagination, empty results, HTTP errors, malformed bodies, slow responses, a
//! closed port, and the cache.

mod common;

use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Handler, MockHttp};

/// The mock OSV API with helpers.
struct Osv {
    url: String,
    log: Arc<Mutex<Vec<(String, String, Value)>>>,
}

impl Osv {
    fn start(handler: Handler, delay: Duration) -> Osv {
        let m = MockHttp::start(handler, delay);
        Osv {
            url: m.url,
            log: m.log,
        }
    }

    fn batches(&self) -> Vec<usize> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p, _)| p == "/v1/querybatch")
            .map(|(_, _, b)| b["queries"].as_array().map(|a| a.len()).unwrap_or(0))
            .collect()
    }
}

fn record(id: &str, name: &str, version: &str) -> Value {
    json!({"id": id, "summary": format!("test advisory for {name}"), "affected": [
        {"package": {"ecosystem": "npm", "name": name}, "versions": [version]}
    ]})
}

/// A well-behaved OSV: `evilpkg@1.0.0` has MAL-TEST-1 on page 1 and GHSA-TEST-2 on page 2.
fn good_osv() -> Handler {
    Arc::new(|method, path, body| {
        if method == "GET" {
            return match path.trim_start_matches("/v1/vulns/") {
                "MAL-TEST-1" => (200, record("MAL-TEST-1", "evilpkg", "1.0.0").to_string()),
                "GHSA-TEST-2" => (200, record("GHSA-TEST-2", "evilpkg", "1.0.0").to_string()),
                _ => (404, "{}".into()),
            };
        }
        let results: Vec<Value> = body["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                if q["package"]["name"] != "evilpkg" {
                    return json!({});
                }
                match q.get("page_token").and_then(Value::as_str) {
                    None => json!({"vulns": [{"id": "MAL-TEST-1", "modified": "2026-01-01T00:00:00Z"}], "next_page_token": "p2"}),
                    Some(_) => json!({"vulns": [{"id": "GHSA-TEST-2", "modified": "2026-01-01T00:00:00Z"}]}),
                }
            })
            .collect();
        (200, json!({"results": results}).to_string())
    })
}

fn project(name: &str, packages: usize, evil: bool) -> PathBuf {
    let d = common::scratch(&format!("online-{name}"));
    let mut pk = serde_json::Map::new();
    pk.insert(String::new(), json!({"name": "app"}));
    for i in 0..packages {
        pk.insert(
            format!("node_modules/benign-{i}"),
            json!({"version": "1.0.0"}),
        );
    }
    if evil {
        pk.insert("node_modules/evilpkg".into(), json!({"version": "1.0.0"}));
    }
    std::fs::write(
        d.join("package-lock.json"),
        json!({"lockfileVersion": 3, "packages": pk}).to_string(),
    )
    .unwrap();
    d
}

fn deps(dir: &Path, url: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
        .args(["deps", "--format", "json", "--online", "--osv-url", url])
        .args(extra)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap()
}

fn ids(out: &Output) -> Vec<String> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn batches_paginates_fetches_and_caches() {
    let dir = project("batch", 1500, true);
    let osv = Osv::start(good_osv(), Duration::ZERO);
    let out = deps(&dir, &osv.url, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = ids(&out);
    assert!(
        found.contains(&"MAL-TEST-1".to_string()) && found.contains(&"GHSA-TEST-2".to_string()),
        "{found:?}"
    );
    let batches = osv.batches();
    assert_eq!(
        &batches[..2],
        &[1000, 501],
        "at most 1000 queries per request"
    );
    assert_eq!(
        batches.len(),
        3,
        "one extra request for page 2: {batches:?}"
    );
    // A second run is served from the cache (and the store).
    let before = osv.log.lock().unwrap().len();
    let out = deps(&dir, &osv.url, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        osv.log.lock().unwrap().len(),
        before,
        "cached: no new requests"
    );
}

#[test]
fn empty_results_pass() {
    let dir = project("empty", 3, false);
    let osv = Osv::start(good_osv(), Duration::ZERO);
    let out = deps(&dir, &osv.url, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(ids(&out).is_empty());
}

#[test]
fn failures_fail_closed_or_open_and_are_not_cached() {
    let dir = project("fail", 3, true);
    let broken: Handler = Arc::new(|_, _, _| (500, "{}".into()));
    let osv = Osv::start(broken, Duration::ZERO);
    assert_eq!(deps(&dir, &osv.url, &[]).status.code(), Some(70));
    let out = deps(&dir, &osv.url, &["--on-osv-error", "open"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "offline data has nothing on evilpkg"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("continuing with offline data"));
    // The failure was not cached: a healthy server is asked again and finds the advisory.
    let good = Osv::start(good_osv(), Duration::ZERO);
    assert_eq!(deps(&dir, &good.url, &[]).status.code(), Some(1));

    let malformed: Handler = Arc::new(|_, _, _| (200, "{\"results\": 5".into()));
    let osv = Osv::start(malformed, Duration::ZERO);
    let dir2 = project("malformed", 2, false);
    let out = deps(&dir2, &osv.url, &[]);
    assert_eq!(out.status.code(), Some(70));
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed"));

    let slow = Osv::start(good_osv(), Duration::from_secs(3));
    let start = Instant::now();
    assert_eq!(
        deps(&dir2, &slow.url, &["--osv-timeout", "1"])
            .status
            .code(),
        Some(70)
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "timed out promptly"
    );

    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert_eq!(deps(&dir2, &url, &[]).status.code(), Some(70));
}

fn check_online(
    home: &Path,
    url: &str,
    cmd: &str,
    env: &[(&str, &str)],
) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let mut c = common::bin_in(home);
    c.args(["check", "--json", "--", cmd])
        .env("HERMES_SCAN_OSV_URL", url);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        start.elapsed(),
    )
}

#[test]
fn online_check_of_an_install_blocks_what_the_local_store_does_not_know() {
    let osv = Osv::start(good_osv(), Duration::ZERO);
    let home = project("check-online", 0, false);
    // Without online mode the local store does not know evilpkg.
    let out = common::bin_in(&home)
        .args(["check", "--", "npm install evilpkg@1.0.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(osv.log.lock().unwrap().is_empty());
    // Online: blocked with the API's record.
    let (code, json, took) = check_online(&home, &osv.url, "npm install evilpkg@1.0.0", &[]);
    assert_eq!(code, Some(1), "{json}");
    assert!(
        json.contains("MAL-TEST-1") && json.contains("supply.malicious-package"),
        "{json}"
    );
    assert!(took < Duration::from_millis(1500), "{took:?}");
    let first = osv.log.lock().unwrap().len();
    assert!(first >= 2, "querybatch and vulns/ID");
    // The answer is cached: the same check asks nothing.
    let (code, _, _) = check_online(&home, &osv.url, "npm install evilpkg@1.0.0", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        osv.log.lock().unwrap().len(),
        first,
        "served from the cache"
    );
    // Benign installs pass; commands without an install intent never touch the network.
    let (code, _, _) = check_online(&home, &osv.url, "npm install okpkg@2.0.0", &[]);
    assert_eq!(code, Some(0));
    let asked = osv.log.lock().unwrap().len();
    for cmd in [
        "ls -la",
        "git status",
        "curl https://api.github.com/repos/a/b",
        "npm test",
        "cargo build",
    ] {
        let (code, _, _) = check_online(&home, &osv.url, cmd, &[]);
        assert_eq!(code, Some(0), "{cmd}");
    }
    assert_eq!(
        osv.log.lock().unwrap().len(),
        asked,
        "no request without an install"
    );
    // The `install` front door asks too.
    let out = common::bin_in(&home)
        .args(["install", "--dry-run", "npm:evilpkg@1.0.0"])
        .env("HERMES_SCAN_OSV_URL", &osv.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MAL-TEST-1"));
    let asked = osv.log.lock().unwrap().len();
    // HERMES_SCAN_OFFLINE wins over the URL.
    let (code, _, _) = check_online(
        &home,
        &osv.url,
        "npm install otherpkg@1.0.0",
        &[("HERMES_SCAN_OFFLINE", "1")],
    );
    assert_eq!(code, Some(0));
    assert_eq!(osv.log.lock().unwrap().len(), asked);
}

#[test]
fn a_slow_or_dead_api_falls_back_as_configured_within_the_budget() {
    let slow = Osv::start(good_osv(), Duration::from_secs(4));
    let home = project("check-slow", 0, false);
    // Default: fail open to the local data, within the 1.5 s budget.
    let (code, json, took) = check_online(&home, &slow.url, "npm install evilpkg@1.0.0", &[]);
    assert_eq!(code, Some(0), "{json}");
    assert!(took < Duration::from_millis(2500), "budget held: {took:?}");
    // The local store still answers what it knows.
    let (code, _, _) = check_online(&home, &slow.url, "npm install chalk@5.6.1", &[]);
    assert_eq!(code, Some(1));
    // on_error = closed: the install is blocked, with the reason.
    let cfg = home.join("config/hermes-scan");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[supply]\nonline = true\non_error = \"closed\"\nbudget_ms = 500\n",
    )
    .unwrap();
    let (code, json, took) = check_online(&home, &slow.url, "npm install evilpkg@1.0.0", &[]);
    assert_eq!(code, Some(1), "{json}");
    assert!(json.contains("supply.online-unavailable"), "{json}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
    // A closed port fails fast the same way; a plain `ls` is still allowed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let (code, json, _) = check_online(&home, &dead, "pip install requests==2.31.0", &[]);
    assert_eq!(code, Some(1), "{json}");
    let (code, _, _) = check_online(&home, &dead, "ls", &[]);
    assert_eq!(code, Some(0));
}
