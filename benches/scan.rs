//! Benchmarks: in-process latency per command, batch throughput, and whole-process `check`
//! latency. Run with `cargo bench`; numbers are medians over repeated samples.

use hermes_scan::Scanner;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Median time of one call of `f`, from `samples` samples of `iters` calls each.
fn median_per_call(samples: usize, iters: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            start.elapsed() / iters as u32
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn report(name: &str, d: Duration) {
    println!("{name:<58} {:>12.2?}", d);
}

/// About `size` bytes of distinct one-line commands the corpus labels `allow`, in a fixed order.
fn everyday_script(size: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("corpus file");
        let doc: toml::Table = text.parse().expect("corpus toml");
        for case in doc
            .get("case")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let (Some(cmd), Some("allow")) = (
                case.get("cmd").and_then(|c| c.as_str()),
                case.get("action").and_then(|a| a.as_str()),
            ) else {
                continue;
            };
            if !cmd.contains('\n') {
                lines.push(cmd.to_string());
            }
        }
    }
    // A fixed stride through the list mixes files and classes without a random generator.
    let mut script = String::new();
    let mut i = 0;
    while script.len() < size && !lines.is_empty() {
        script.push_str(&lines[i % lines.len()]);
        script.push('\n');
        i += 7919;
    }
    script
}

fn main() {
    let scanner = Scanner::global();
    // Warm up: compile lazily-built regexes and the parser.
    for c in ["rm -rf /", "git push --force", "curl x | sh"] {
        black_box(scanner.scan(c));
    }
    let cases = [
        ("prefilter path: `cargo build --release`", "cargo build --release"),
        ("prefilter path: `ls -la ~/projects/app/src`", "ls -la ~/projects/app/src"),
        (
            "benign typical (80 chars, full parse)",
            "git commit -m \"fix: handle empty input in the parser\" && git push origin main",
        ),
        (
            "benign long (full parse)",
            "for f in $(git ls-files '*.rs'); do if [ -f \"$f\" ]; then wc -l \"$f\" | tee -a counts.txt; fi; done && sort -n counts.txt | tail -5 && cargo test --workspace -- --nocapture 2>&1 | grep -v '^running' > test.log; echo \"done in $SECONDS s\"",
        ),
        (
            "attack with nesting",
            "sudo env X=1 bash -c \"eval 'x=rm; \\$x -rf /'\" && curl -fsSL https://x.io/i | sh",
        ),
        ("attack: pipe to shell", "curl -fsSL https://example.com/install.sh | bash"),
        (
            "interpreter sink: python -c with os.system",
            "python3 -c 'import os, subprocess; os.system(\"rm -rf ~\"); subprocess.run([\"ls\", \"-la\"])'",
        ),
        (
            "sink chain: ssh → sh -c → sed e",
            "ssh db1 \"sh -c 'sed -n \\\"1e rm -rf /\\\" notes.txt'\"",
        ),
        (
            "state: cd then relative delete",
            "cd /tmp/build && rm -rf ./* && cd - && make -j2",
        ),
    ];
    println!("in-process latency (median per command)");
    for (name, cmd) in cases {
        report(
            name,
            median_per_call(51, 2000, || {
                black_box(scanner.scan(black_box(cmd)));
            }),
        );
    }

    let line = "if [ -f Cargo.toml ]; then cargo build --release && echo \"ok $HOME\" | tee -a build.log; fi\n";
    let mut script = String::new();
    while script.len() < 1 << 20 {
        script.push_str(line);
    }
    report(
        "1 MiB script",
        median_per_call(7, 1, || {
            black_box(scanner.scan(black_box(&script)));
        }),
    );

    // The same size made of the corpus's own everyday one-line commands, all different: every
    // analyzer that looks back over the input is exercised (the repeated line above hides that).
    let mixed = everyday_script(1 << 20);
    report(
        "1 MiB script of distinct everyday commands",
        median_per_call(3, 1, || {
            black_box(scanner.scan(black_box(&mixed)));
        }),
    );

    // A hostile shape: tens of thousands of package names, each within two edits of many popular
    // names' lengths (every one is vetted for typosquatting).
    let names: Vec<String> = (0..50_000).map(|i| format!("reqeusts{i}")).collect();
    let pip = format!("pip install {}", names.join(" "));
    report(
        "pip install of 50,000 near-typo names",
        median_per_call(3, 1, || {
            black_box(scanner.scan(black_box(&pip)));
        }),
    );

    let corpus: Vec<String> = (0..20_000)
        .map(|i| match i % 4 {
            0 => format!("git commit -m \"change {i}\" && git push"),
            1 => format!("rm -rf ./build-{i} node_modules"),
            2 => format!("curl -s https://api.example.com/items/{i} | jq ."),
            _ => format!("bash -c 'echo {i} | sha256sum'"),
        })
        .collect();
    let start = Instant::now();
    let n: usize = corpus
        .par_iter()
        .map(|c| scanner.scan(c).findings.len())
        .count();
    let el = start.elapsed();
    println!(
        "{:<58} {:>9.0} commands/s ({} threads)",
        "batch throughput (rayon, 20k mixed commands)",
        n as f64 / el.as_secs_f64(),
        rayon::current_num_threads()
    );

    let exe = env!("CARGO_BIN_EXE_hermes-scan");
    for cmd in ["ls -la", "curl -fsSL https://example.com/install.sh | bash"] {
        let d = median_per_call(31, 1, || {
            let out = std::process::Command::new(exe)
                .args(["check", "--json", "--", cmd])
                .output()
                .expect("run hermes-scan");
            black_box(out.status);
        });
        report(&format!("whole process: check -- {cmd:?}"), d);
    }
    // What a shell hook adds to each Enter key: one `prompt` process for an allowed line.
    for cmd in ["git status", "cargo test --workspace 2>&1 | tee test.log"] {
        let d = median_per_call(31, 1, || {
            let out = std::process::Command::new(exe)
                .args(["prompt", "--", cmd])
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run hermes-scan");
            black_box(out.status);
        });
        report(&format!("added per Enter: prompt -- {cmd:?}"), d);
    }

    supply_gate(exe);
}

/// `deps` over a 10,000-package lockfile against the fully imported store (the shared dumps,
/// when present next to the repository).
fn supply_gate(exe: &str) {
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data/osv");
    let root = std::env::temp_dir().join(format!("hermes-scan-bench-{}", std::process::id()));
    let store = root.join("store");
    std::fs::create_dir_all(&root).unwrap();
    if shared.is_dir() {
        let start = Instant::now();
        for eco in ["crates.io", "PyPI", "npm"] {
            hermes_scan::supply::store::import(&shared.join(eco).join("all.zip"), &store).unwrap();
        }
        report(
            "import all shared OSV dumps (3,934 records)",
            start.elapsed(),
        );
    }
    let names: Vec<&str> = include_str!("../rules/popular-npm.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .take(10_000)
        .collect();
    let mut pk = String::from("{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"big\"}");
    for (i, n) in names.iter().enumerate() {
        pk.push_str(&format!(
            ",\"node_modules/{n}\":{{\"version\":\"1.0.{i}\"}}"
        ));
    }
    pk.push_str("}}");
    std::fs::write(root.join("package-lock.json"), pk).unwrap();
    let d = median_per_call(7, 1, || {
        let out = std::process::Command::new(exe)
            .args(["deps", "--store"])
            .arg(&store)
            .arg(&root)
            .output()
            .expect("run deps");
        black_box(out.status);
    });
    report("deps: 10,000-package package-lock (whole process)", d);
    let start = Instant::now();
    for n in names.iter().take(1000) {
        black_box(hermes_scan::supply::store::lookup(
            Some(&store),
            hermes_scan::supply::Ecosystem::Npm,
            n,
        ));
    }
    report(
        "advisory lookup per package (full store)",
        start.elapsed() / 1000,
    );
    let _ = std::fs::remove_dir_all(&root);
}
