//! `advisories sync` against a loopback HTTP server this test starts: the shared OSV dumps served
//! as `{base}/{ecosystem}/all.zip`, an ETag round trip answered with 304, and failures that must
//! leave the previous store intact: a truncated body, a corrupt zip, a 500 and a slow server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

/// What the server does for the next request.
#[derive(Clone)]
enum Reply {
    /// 200 with the body and an ETag; 304 when If-None-Match matches.
    Zip(Arc<Vec<u8>>, &'static str),
    /// 200 that declares the full length but sends only half, then closes.
    Truncated(Arc<Vec<u8>>),
    /// A status with an empty body.
    Status(u16),
    /// Wait this long before answering.
    Slow(Duration),
}

/// (path, If-None-Match) of every request.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Server {
    url: String,
    reply: Arc<Mutex<Reply>>,
    /// (path, If-None-Match) of every request.
    seen: Seen,
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let reply = Arc::new(Mutex::new(Reply::Status(404)));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (r, s) = (reply.clone(), seen.clone());
    std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(120);
        while Instant::now() < end {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let (r, s) = (r.clone(), s.clone());
            std::thread::spawn(move || {
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut inm = None;
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("if-none-match:") {
                        inm = Some(v.trim().to_string());
                    }
                    line.clear();
                }
                s.lock().unwrap().push((path, inm.clone()));
                let reply = r.lock().unwrap().clone();
                let mut out = stream;
                let head = |out: &mut std::net::TcpStream, status: u16, len: usize, extra: &str| {
                    let _ = write!(out, "HTTP/1.1 {status} X\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n");
                };
                match reply {
                    Reply::Zip(body, etag) => {
                        if inm.as_deref() == Some(etag) {
                            head(&mut out, 304, 0, &format!("ETag: {etag}\r\n"));
                        } else {
                            head(&mut out, 200, body.len(), &format!("ETag: {etag}\r\n"));
                            let _ = out.write_all(&body);
                        }
                    }
                    Reply::Truncated(body) => {
                        head(&mut out, 200, body.len(), "");
                        let _ = out.write_all(&body[..body.len() / 2]);
                    }
                    Reply::Status(code) => head(&mut out, code, 0, ""),
                    Reply::Slow(d) => {
                        std::thread::sleep(d);
                        head(&mut out, 500, 0, "");
                    }
                }
                let _ = out.flush();
            });
        }
    });
    Server { url, reply, seen }
}

fn sync(home: &Path, url: &str, extra: &[&str]) -> Output {
    common::bin_in(home)
        .args(["advisories", "sync", "--base-url", url])
        .args(extra)
        .output()
        .unwrap()
}

fn check(home: &Path, cmd: &str) -> i32 {
    common::bin_in(home)
        .args(["check", "--", cmd])
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

fn store_file(home: &Path) -> PathBuf {
    home.join("data/hermes-scan/advisories/store.hsdb")
}

#[test]
fn sync_downloads_imports_revalidates_and_survives_every_failure() {
    let Some(osv) = common::shared_data().map(|d| d.join("osv")) else {
        return;
    };
    let home = common::scratch("sync");
    let server = serve();
    let pypi = Arc::new(std::fs::read(osv.join("PyPI/all.zip")).unwrap());
    let npm = Arc::new(std::fs::read(osv.join("npm/all.zip")).unwrap());

    // Before: a vulnerable requests release the embedded data does not know is allowed.
    assert_eq!(check(&home, "pip install requests==2.19.0"), 0);

    // 1. A first sync downloads and imports.
    *server.reply.lock().unwrap() = Reply::Zip(pypi.clone(), "\"v1\"");
    let out = sync(&home, &server.url, &["--ecosystem", "PyPI"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("PyPI: 2687 records"), "{text}");
    assert!(text.contains("2687 new since the last sync"), "{text}");
    assert_eq!(
        server.seen.lock().unwrap().last().unwrap().0,
        "/PyPI/all.zip"
    );
    assert_eq!(
        check(&home, "pip install requests==2.19.0"),
        2,
        "now a known vulnerable release warns"
    );
    let synced = std::fs::read(store_file(&home)).unwrap();

    // 2. The next sync revalidates with the ETag and gets 304: nothing re-imported.
    let out = sync(&home, &server.url, &["--ecosystem", "PyPI"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not modified"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        server.seen.lock().unwrap().last().unwrap().1.as_deref(),
        Some("\"v1\"")
    );

    // 3. --if-older-than skips without a request.
    let before = server.seen.lock().unwrap().len();
    let out = sync(
        &home,
        &server.url,
        &["--ecosystem", "PyPI", "--if-older-than", "24h"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("fresh"));
    assert_eq!(
        server.seen.lock().unwrap().len(),
        before,
        "no request was made"
    );

    // 4. Failures keep the previous data byte for byte: truncated body, corrupt zip, HTTP 500,
    //    a server slower than --timeout.
    let mut corrupt = (*npm).clone();
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[100..mid] {
        *b ^= 0x33;
    }
    for (reply, extra) in [
        (Reply::Truncated(npm.clone()), vec![]),
        (Reply::Zip(Arc::new(corrupt), "\"bad\""), vec![]),
        (Reply::Status(500), vec![]),
        (Reply::Slow(Duration::from_secs(5)), vec!["--timeout", "1s"]),
    ] {
        *server.reply.lock().unwrap() = reply;
        let start = Instant::now();
        let mut args = vec!["--ecosystem", "npm"];
        args.extend(extra);
        let out = sync(&home, &server.url, &args);
        assert_eq!(
            out.status.code(),
            Some(69),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("previous data kept"));
        assert!(
            start.elapsed() < Duration::from_secs(4),
            "the timeout holds"
        );
        assert_eq!(
            std::fs::read(store_file(&home)).unwrap(),
            synced,
            "store untouched"
        );
        let leftovers: Vec<String> = std::fs::read_dir(home.join("data/hermes-scan/advisories"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
    }
    assert_eq!(
        check(&home, "pip install requests==2.19.0"),
        2,
        "PyPI data still there"
    );

    // 5. A good npm sync adds to PyPI's, and a later PyPI sync replaces only PyPI's.
    *server.reply.lock().unwrap() = Reply::Zip(npm.clone(), "\"n1\"");
    assert_eq!(
        sync(&home, &server.url, &["--ecosystem", "npm"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(check(&home, "npm install lodash@4.17.15"), 2);
    assert_eq!(check(&home, "pip install requests==2.19.0"), 2);
    let status = common::bin_in(&home)
        .args(["advisories", "status"])
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("sync:npm") && status.contains("sync:PyPI"),
        "{status}"
    );

    // Bad arguments are usage errors, not a request.
    assert_eq!(
        sync(&home, &server.url, &["--ecosystem", "../etc"])
            .status
            .code(),
        Some(64)
    );
    assert_eq!(
        sync(&home, &server.url, &["--if-older-than", "soon"])
            .status
            .code(),
        Some(64)
    );
}

#[test]
fn auto_sync_refreshes_stale_data_in_the_background_only_after_an_install_check() {
    let Some(osv) = common::shared_data().map(|d| d.join("osv")) else {
        return;
    };
    let server = serve();
    *server.reply.lock().unwrap() = Reply::Zip(
        Arc::new(std::fs::read(osv.join("PyPI/all.zip")).unwrap()),
        "\"a1\"",
    );
    let home = common::scratch("autosync");
    let cfg = home.join("config/hermes-scan");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[advisories]\nbase_url = \"{}\"\nauto_sync = \"24h\"\necosystems = [\"PyPI\"]\n",
            server.url
        ),
    )
    .unwrap();
    // A command without an install never starts a sync.
    assert_eq!(check(&home, "ls -la"), 0);
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.seen.lock().unwrap().is_empty(), "no download for ls");
    // An install check answers at once from local data and starts the sync behind it.
    let start = Instant::now();
    assert_eq!(check(&home, "pip install requests==2.19.0"), 0);
    assert!(start.elapsed() < Duration::from_secs(2), "not waited for");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !home.join("data/hermes-scan/advisories/sync.json").exists() && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        check(&home, "pip install requests==2.19.0"),
        2,
        "the background sync landed"
    );
    assert_eq!(
        server.seen.lock().unwrap().len(),
        1,
        "fresh data: no second sync"
    );
}
