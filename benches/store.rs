//! The advisory store at real scale: a synthetic store of 300,000 OSV records built from the
//! shapes of the real records (the shared npm/PyPI dumps when present, else two built-in
//! shapes), imported by the release binary. Reports import time and peak memory (wait4
//! rusage of the importing process), store size, in-process lookup latency (hits and misses),
//! whole-process `check` of an install against the full store, and `deps` over a 10,000-package
//! lockfile. Run: `cargo bench --bench store` (`HERMES_SCAN_BENCH_RECORDS=N` to change the size).

use serde_json::{json, Value};
use std::hint::black_box;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn report(name: &str, value: String) {
    println!("{name:<62} {value:>14}");
}

/// Template records: real MAL and GHSA records from the shared dumps, or two built-in shapes.
fn templates() -> Vec<Value> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data/osv");
    let mut out = Vec::new();
    for eco in ["npm", "PyPI"] {
        let Ok(file) = std::fs::File::open(shared.join(eco).join("all.zip")) else {
            continue;
        };
        let mut zip = zip::ZipArchive::new(file).expect("zip");
        for i in 0..zip.len().min(60) {
            let mut f = zip.by_index(i).expect("member");
            let mut text = String::new();
            if f.read_to_string(&mut text).is_ok() {
                if let Ok(v) = serde_json::from_str::<Value>(&text) {
                    out.push(v);
                }
            }
        }
    }
    if out.is_empty() {
        out.push(json!({"id": "MAL-0", "modified": "2025-09-08T00:00:00Z", "summary": "Malicious code in x (npm)",
            "details": "The package was compromised and its releases steal credentials.",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}],
            "database_specific": {"malicious-packages-origins": [{"source": "ghsa-malware"}]}}],
            "database_specific": {"malicious": true}}));
        out.push(json!({"id": "GHSA-0", "modified": "2024-01-01T00:00:00Z", "summary": "Prototype pollution in x",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}],
            "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-1321"]}}));
    }
    out
}

/// The zip of `n` records: template `i % t` renamed to package `pkg-{i / 2}` (two advisories per
/// package on average, like the real dumps), ids unique.
fn synthesize(n: usize, path: &Path) {
    let t = templates();
    let file = std::fs::File::create(path).expect("create zip");
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..n {
        let mut r = t[i % t.len()].clone();
        let id = format!("SYN-{i:07}");
        r["id"] = json!(id);
        if let Some(affected) = r["affected"].as_array_mut() {
            for a in affected.iter_mut() {
                a["package"]["ecosystem"] = json!(if i % 3 == 0 { "PyPI" } else { "npm" });
                a["package"]["name"] = json!(format!("pkg-{}", i / 2));
            }
        }
        zip.start_file(format!("{id}.json"), opts).expect("member");
        zip.write_all(r.to_string().as_bytes()).expect("write");
    }
    zip.finish().expect("finish zip");
}

/// Run the binary; (wall time, peak RSS in KiB of that process).
#[allow(clippy::zombie_processes)] // reaped by wait4, which also reports its rusage
fn run_measured(exe: &str, args: &[&std::ffi::OsStr]) -> (Duration, i64) {
    let start = Instant::now();
    let child = std::process::Command::new(exe)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter for wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child with valid pointers.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    (start.elapsed(), usage.ru_maxrss)
}

fn main() {
    let exe = env!("CARGO_BIN_EXE_hermes-scan");
    let n: usize = std::env::var("HERMES_SCAN_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let root: PathBuf =
        std::env::temp_dir().join(format!("hermes-scan-store-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("temp dir");
    let zip_path = root.join("all.zip");
    let store = root.join("store");
    let start = Instant::now();
    synthesize(n, &zip_path);
    report(
        &format!("synthesize {n} records"),
        format!("{:.2?}", start.elapsed()),
    );
    let (took, rss) = run_measured(
        exe,
        &[
            "advisories".as_ref(),
            "import".as_ref(),
            zip_path.as_os_str(),
            "--store".as_ref(),
            store.as_os_str(),
        ],
    );
    report("import (whole process)", format!("{took:.2?}"));
    report("import peak RSS", format!("{} MiB", rss / 1024));
    let size = std::fs::metadata(store.join("store.hsdb"))
        .map(|m| m.len())
        .unwrap_or(0);
    report("store size", format!("{:.1} MB", size as f64 / 1e6));
    let (entries, packages) = hermes_scan::supply::store::size(&store);
    report(
        "store entries / packages",
        format!("{entries} / {packages}"),
    );

    // In-process lookups: the first one opens and maps the file.
    let eco = hermes_scan::supply::Ecosystem::Npm;
    let t = Instant::now();
    black_box(hermes_scan::supply::store::lookup(
        Some(&store),
        eco,
        "pkg-1",
    ));
    report(
        "first lookup (open + map + one block)",
        format!("{:.2?}", t.elapsed()),
    );
    let names: Vec<String> = (0..100_000)
        .map(|i| format!("pkg-{}", (i * 7919) % (n / 2)))
        .collect();
    let t = Instant::now();
    let mut found = 0;
    for name in &names {
        found += black_box(hermes_scan::supply::store::lookup(Some(&store), eco, name)).len();
    }
    report(
        &format!("lookup, hit ({found} entries over 100k lookups)"),
        format!("{:.2?}", t.elapsed() / names.len() as u32),
    );
    let misses: Vec<String> = (0..100_000).map(|i| format!("absent-{i}")).collect();
    let t = Instant::now();
    for name in &misses {
        black_box(hermes_scan::supply::store::lookup(Some(&store), eco, name));
    }
    report(
        "lookup, miss",
        format!("{:.2?}", t.elapsed() / misses.len() as u32),
    );

    // Whole process: `check` of an install against the full store vs against none.
    let data = root.join("xdg");
    std::fs::create_dir_all(data.join("hermes-scan")).expect("xdg");
    std::os::unix::fs::symlink(&store, data.join("hermes-scan/advisories")).expect("link");
    let median = |args: &[&str], with_store: bool| {
        let mut times: Vec<Duration> = (0..41)
            .map(|_| {
                let t = Instant::now();
                let mut c = std::process::Command::new(exe);
                c.args(args).stdout(std::process::Stdio::null());
                if with_store {
                    c.env("XDG_DATA_HOME", &data);
                } else {
                    c.env("XDG_DATA_HOME", root.join("none"));
                }
                black_box(c.status().expect("run"));
                t.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    };
    let install = ["check", "--", "npm install pkg-4242@1.0.0"];
    report(
        "check `ls -la` (whole process)",
        format!("{:.2?}", median(&["check", "--", "ls -la"], true)),
    );
    report(
        "check install, no store",
        format!("{:.2?}", median(&install, false)),
    );
    report(
        "check install, 300k store",
        format!("{:.2?}", median(&install, true)),
    );

    // deps over a 10,000-package lockfile, every package looked up in the full store.
    let mut pk = serde_json::Map::new();
    pk.insert(String::new(), json!({"name": "big"}));
    for i in 0..10_000 {
        pk.insert(
            format!("node_modules/pkg-{}", i * 13),
            json!({"version": format!("1.0.{i}")}),
        );
    }
    let proj = root.join("proj");
    std::fs::create_dir_all(&proj).expect("proj");
    std::fs::write(
        proj.join("package-lock.json"),
        json!({"lockfileVersion": 3, "packages": pk}).to_string(),
    )
    .expect("lock");
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            black_box(
                std::process::Command::new(exe)
                    .args(["deps", "--store"])
                    .arg(&store)
                    .arg(&proj)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .expect("deps"),
            );
            t.elapsed()
        })
        .collect();
    times.sort();
    report(
        "deps: 10,000-package lockfile, 300k store (whole process)",
        format!("{:.2?}", times[3]),
    );
    let _ = std::fs::remove_dir_all(&root);
}
