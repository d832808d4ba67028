//! The advisory importers and the install gate on the real advisory dumps in
//! `../shared/advisory-data/` (skipped, with a message, when that directory is absent).

mod common;

use hermes_scan::supply::{osv::Entry, store, Ecosystem};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

fn fresh(name: &str) -> PathBuf {
    let d = common::scratch(&format!("real-{name}"));
    d
}

fn ids(entries: &[Entry], v: &str) -> BTreeSet<String> {
    entries
        .iter()
        .filter(|e| e.affects(v))
        .map(|e| e.id.clone())
        .collect()
}

#[test]
fn import_everything_and_judge_real_packages() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dest = fresh("all");
    let start = Instant::now();
    let mut records = 0;
    for eco in ["crates.io", "PyPI", "npm"] {
        let r = store::import(&data.join(format!("osv/{eco}/all.zip")), &dest).unwrap();
        assert_eq!(r.skipped, 0);
        records += r.records;
    }
    let took = start.elapsed();
    eprintln!("imported {records} OSV records in {took:.2?}");
    assert!(records > 3900, "{records}");
    assert!(took.as_secs() < 30, "import took {took:?}");
    let look = |eco, name: &str| store::lookup(Some(&dest), eco, name);

    let rd = look(Ecosystem::Crates, "rustdecimal");
    assert!(
        rd.iter().any(|e| e.malicious && e.affects("1.23.1")),
        "rustdecimal"
    );
    let ssl = look(Ecosystem::Crates, "openssl");
    assert!(
        ids(&ssl, "0.8.0").len() >= 3,
        "openssl 0.8.0: {:?}",
        ids(&ssl, "0.8.0")
    );
    assert!(
        ids(&ssl, "0.10.75").is_empty(),
        "openssl 0.10.75: {:?}",
        ids(&ssl, "0.10.75")
    );

    let req = look(Ecosystem::Pypi, "Requests");
    assert!(!ids(&req, "2.19.0").is_empty());
    let n2w = look(Ecosystem::Pypi, "num2words");
    assert!(n2w.iter().any(|e| e.malicious && e.affects("0.5.15")));
    assert!(!n2w.iter().any(|e| e.malicious && e.affects("0.5.14")));

    let chalk = look(Ecosystem::Npm, "chalk");
    assert!(chalk.iter().any(|e| e.malicious && e.affects("5.6.1")));
    assert!(
        !chalk.iter().any(|e| e.affects_all()),
        "chalk as a whole is not malware"
    );
    // @ctrl/* records carry an extra open `introduced: 0` range next to the real releases.
    let tiny = look(Ecosystem::Npm, "@ctrl/tinycolor");
    assert!(tiny.iter().any(|e| e.affects("4.1.1")));
    assert!(
        !tiny.iter().any(|e| e.affects("4.1.0")),
        "4.1.0 predates the compromise"
    );
    assert!(!tiny.iter().any(|e| e.affects_all()));
    // GHSA-8hc4-vh64-cxmj spells the package `Axios`.
    let axios = look(Ecosystem::Npm, "axios");
    assert!(
        axios.iter().any(|e| e.id == "GHSA-8hc4-vh64-cxmj"),
        "{:?}",
        axios.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
    let fs = look(Ecosystem::Npm, "flatmap-stream");
    assert!(fs.iter().any(|e| e.malicious && e.affects_all()));

    // Lookups read one small file: microseconds, not a re-parse.
    let start = Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(look(Ecosystem::Crates, "openssl"));
    }
    eprintln!("lookup: {:.2?} per package", start.elapsed() / 1000);
    let _ = std::fs::remove_dir_all(&dest);
}

#[test]
fn rustsec_native_checkout_agrees_with_its_osv_export() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let osv = fresh("osv");
    let native = fresh("native");
    store::import(&data.join("osv/crates.io/all.zip"), &osv).unwrap();
    let r = store::import(&data.join("rustsec-advisory-db"), &native).unwrap();
    assert!(r.records > 1000, "{}", r.records);
    let crates: BTreeSet<String> = store::packages(&osv, Ecosystem::Crates)
        .into_iter()
        .collect();
    let (mut compared, mut disagreements) = (0, Vec::new());
    for name in &crates {
        let a = store::lookup(Some(&osv), Ecosystem::Crates, name);
        let b = store::lookup(Some(&native), Ecosystem::Crates, name);
        if b.is_empty() {
            continue;
        }
        let mut versions: BTreeSet<String> = a.iter().flat_map(|e| e.known_versions()).collect();
        versions.insert("0.0.1".into());
        versions.insert("999.0.0".into());
        for v in versions {
            // Pre-releases are compared only where both forms agree on semantics: the OSV export
            // writes `>= x` as `introduced: x-0`, while native requirements exclude pre-releases.
            if !semver::Version::parse(&v).is_ok_and(|p| p.pre.is_empty()) {
                continue;
            }
            compared += 1;
            let (x, y) = (ids(&a, &v), ids(&b, &v));
            // Only advisories present in both forms are compared.
            let shared: BTreeSet<&String> = a
                .iter()
                .map(|e| &e.id)
                .filter(|i| b.iter().any(|e| &e.id == *i))
                .collect();
            let x: BTreeSet<&String> = x.iter().filter(|i| shared.contains(i)).collect();
            let y: BTreeSet<&String> = y.iter().filter(|i| shared.contains(i)).collect();
            if x != y {
                disagreements.push(format!("{name}@{v}: osv {x:?} native {y:?}"));
            }
        }
    }
    eprintln!(
        "compared {compared} crate versions, {} disagreements",
        disagreements.len()
    );
    assert!(compared > 1500, "{compared}");
    assert!(
        disagreements.len() * 100 <= compared,
        "more than 1% disagree:\n{}",
        disagreements
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
