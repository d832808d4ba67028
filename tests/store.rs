//! The single-file advisory index: replace and merge semantics, atomic swaps that survive a
//! corrupt source, migration of the earlier one-file-per-package layout, and a store replaced
//! under a running process.

mod common;

use hermes_scan::supply::store::{self, Mode};
use hermes_scan::supply::Ecosystem;
use std::path::{Path, PathBuf};

fn fresh(name: &str) -> PathBuf {
    let d = common::scratch(&format!("store-{name}"));
    d
}

fn record(id: &str, eco: &str, pkg: &str, versions: &[&str]) -> String {
    serde_json::json!({"id": id, "modified": "2026-01-01T00:00:00Z", "summary": format!("{id} summary"),
        "database_specific": {"malicious": true},
        "affected": [{"package": {"ecosystem": eco, "name": pkg}, "versions": versions}]})
    .to_string()
}

fn write_dir(dir: &Path, records: &[(&str, String)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (id, text) in records {
        std::fs::write(dir.join(format!("{id}.json")), text).unwrap();
    }
}

fn ids(dest: &Path, eco: Ecosystem, name: &str) -> Vec<String> {
    let mut v: Vec<String> = store::lookup(Some(dest), eco, name)
        .into_iter()
        .filter(|e| !e.source.is_empty())
        .map(|e| e.id)
        .collect();
    v.sort();
    v
}

#[test]
fn a_source_is_replaced_as_a_whole_and_other_sources_stay() {
    let home = fresh("replace");
    let dest = home.join("store");
    let a = home.join("a");
    let b = home.join("b");
    write_dir(
        &a,
        &[
            ("X-1", record("X-1", "npm", "left-pad-evil", &["1.0.0"])),
            ("X-2", record("X-2", "npm", "Other-Evil", &["2.0.0"])),
        ],
    );
    write_dir(
        &b,
        &[("Y-1", record("Y-1", "PyPI", "Req_Uests.X", &["1.0"]))],
    );
    let r = store::import(&a, &dest).unwrap();
    assert_eq!((r.records, r.new_ids, r.malicious), (2, 2, 2));
    store::import(&b, &dest).unwrap();
    assert_eq!(
        ids(&dest, Ecosystem::Npm, "other-evil"),
        ["X-2"],
        "names are canonical"
    );
    assert_eq!(ids(&dest, Ecosystem::Pypi, "req-uests-x"), ["Y-1"]);
    // Re-import A without X-2 (withdrawn upstream): it disappears, B's record stays.
    write_dir(
        &a,
        &[
            ("X-1", record("X-1", "npm", "left-pad-evil", &["1.0.0"])),
            ("X-3", record("X-3", "npm", "left-pad-evil", &["1.0.1"])),
        ],
    );
    let r = store::import(&a, &dest).unwrap();
    assert_eq!(r.new_ids, 1, "only X-3 is new");
    assert!(ids(&dest, Ecosystem::Npm, "other-evil").is_empty());
    assert_eq!(ids(&dest, Ecosystem::Npm, "left-pad-evil"), ["X-1", "X-3"]);
    assert_eq!(ids(&dest, Ecosystem::Pypi, "req-uests-x"), ["Y-1"]);
    assert_eq!(store::size(&dest), (3, 2));
    assert_eq!(store::sources(&dest).len(), 2);
    // Merge mode (records fetched from the API) adds and never removes.
    let c = home.join("c");
    write_dir(
        &c,
        &[("Z-1", record("Z-1", "npm", "left-pad-evil", &["3.0.0"]))],
    );
    store::import_as(&c, &dest, store::ONLINE_SOURCE, Mode::Merge).unwrap();
    write_dir(
        &c,
        &[("Z-2", record("Z-2", "npm", "left-pad-evil", &["3.0.1"]))],
    );
    store::import_as(&c, &dest, store::ONLINE_SOURCE, Mode::Merge).unwrap();
    assert_eq!(
        ids(&dest, Ecosystem::Npm, "left-pad-evil"),
        ["X-1", "X-3", "Z-1", "Z-2"]
    );
    // No temp or spill files are left behind.
    let names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n == "store.hsdb" || n == "sources.json"),
        "{names:?}"
    );
}

#[test]
fn a_corrupt_or_truncated_source_leaves_the_store_untouched() {
    let home = fresh("corrupt");
    let dest = home.join("hermes-scan").join("advisories");
    let a = home.join("a");
    write_dir(&a, &[("X-1", record("X-1", "npm", "evil-pkg", &["1.0.0"]))]);
    store::import(&a, &dest).unwrap();
    let before = std::fs::read(dest.join("store.hsdb")).unwrap();
    // A real zip, cut in half, and a zip whose member data is garbage.
    let zip_path = home.join("all.zip");
    {
        let f = std::fs::File::create(&zip_path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..200 {
            z.start_file(format!("R-{i}.json"), opts).unwrap();
            std::io::Write::write_all(
                &mut z,
                record(&format!("R-{i}"), "npm", &format!("pkg{i}"), &["1.0.0"]).as_bytes(),
            )
            .unwrap();
        }
        z.finish().unwrap();
    }
    let full = std::fs::read(&zip_path).unwrap();
    let torn = home.join("torn.zip");
    std::fs::write(&torn, &full[..full.len() / 2]).unwrap();
    assert!(store::import(&torn, &dest).is_err());
    let mut flipped = full.clone();
    for b in flipped.iter_mut().skip(200).take(2000) {
        *b ^= 0x5a;
    }
    let bad = home.join("bad.zip");
    std::fs::write(&bad, &flipped).unwrap();
    assert!(
        store::import(&bad, &dest).is_err(),
        "a corrupt member fails the import"
    );
    assert_eq!(
        std::fs::read(dest.join("store.hsdb")).unwrap(),
        before,
        "the store is byte-identical"
    );
    assert_eq!(ids(&dest, Ecosystem::Npm, "evil-pkg"), ["X-1"]);
    // The intact zip imports.
    let r = store::import(&zip_path, &dest).unwrap();
    assert_eq!(r.records, 200);
    assert_eq!(ids(&dest, Ecosystem::Npm, "pkg199"), ["R-199"]);
    // A garbage store file (put in place the way writers do, by rename) is not trusted and not
    // a crash.
    std::fs::write(home.join("garbage"), b"not a store at all, just bytes").unwrap();
    std::fs::rename(home.join("garbage"), dest.join("store.hsdb")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(ids(&dest, Ecosystem::Npm, "pkg199").is_empty());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
        .args(["check", "--", "npm install pkg199@1.0.0"])
        .env("XDG_DATA_HOME", &home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "embedded data still answers");
    // The next import replaces the broken index and says so.
    let r = store::import(&zip_path, &dest).unwrap();
    assert!(r
        .skipped_files
        .iter()
        .any(|(f, why)| f == "store.hsdb" && why.contains("replaced")));
    assert_eq!(ids(&dest, Ecosystem::Npm, "pkg199"), ["R-199"]);
}

#[test]
fn the_earlier_per_package_layout_is_read_then_migrated() {
    let home = fresh("legacy");
    let dest = home.join("store");
    std::fs::create_dir_all(dest.join("npm")).unwrap();
    let old = serde_json::json!([{"id": "OLD-1", "ecosystem": "npm", "package": "@scope/old", "malicious": true, "versions": ["1.0.0"]}]);
    std::fs::write(dest.join("npm/@scope%old.json"), old.to_string()).unwrap();
    let found = store::lookup(Some(&dest), Ecosystem::Npm, "@scope/old");
    assert!(
        found.iter().any(|e| e.id == "OLD-1" && e.affects("1.0.0")),
        "read before migration"
    );
    let a = home.join("a");
    write_dir(&a, &[("X-1", record("X-1", "npm", "evil", &["1.0.0"]))]);
    store::import(&a, &dest).unwrap();
    assert!(
        !dest.join("npm").exists(),
        "the old layout is removed after the import"
    );
    // (A fresh process sees the index; this one reopens it after the stamp check interval.)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        ids(&dest, Ecosystem::Npm, "@scope/old"),
        ["OLD-1"],
        "migrated into the index"
    );
    assert_eq!(ids(&dest, Ecosystem::Npm, "evil"), ["X-1"]);
}

#[test]
fn a_running_process_sees_a_store_replaced_under_it() {
    let home = fresh("reopen");
    let dest = home.join("store");
    let a = home.join("a");
    write_dir(&a, &[("X-1", record("X-1", "npm", "evil", &["1.0.0"]))]);
    store::import(&a, &dest).unwrap();
    assert_eq!(ids(&dest, Ecosystem::Npm, "evil"), ["X-1"]);
    write_dir(&a, &[("X-2", record("X-2", "npm", "evil", &["2.0.0"]))]);
    store::import(&a, &dest).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(ids(&dest, Ecosystem::Npm, "evil"), ["X-2"]);
}

#[test]
fn status_and_doctor_show_age_sources_and_a_broken_index() {
    let home = fresh("status");
    let dest = home.join("data/hermes-scan/advisories");
    let a = home.join("a");
    write_dir(&a, &[("X-1", record("X-1", "npm", "evil", &["1.0.0"]))]);
    store::import(&a, &dest).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
            .args(args)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("HERMES_SCAN_OSV_URL")
            .env_remove("HERMES_SCAN_CONFIG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = run(&["advisories", "status"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("index: 1 entries for 1 packages"), "{text}");
    assert!(
        text.contains("1 malicious entries") && text.contains("min ago"),
        "{text}"
    );
    assert!(text.contains("online lookups: off"), "{text}");
    assert!(!text.contains("warning"), "{text}");
    // Data older than 7 days is a warning (not broken).
    let sources = dest.join("sources.json");
    let mut list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sources).unwrap()).unwrap();
    list[0]["imported_at"] = serde_json::json!(1_600_000_000u64);
    std::fs::write(&sources, list.to_string()).unwrap();
    let (_, text) = run(&["advisories", "status"]);
    assert!(
        text.contains("warning: the newest data is") && text.contains("days old"),
        "{text}"
    );
    let (code, text) = run(&["doctor"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("advisories") && text.contains("days old"),
        "{text}"
    );
    // A broken index makes doctor fail.
    std::fs::write(home.join("junk"), b"junk").unwrap();
    std::fs::rename(home.join("junk"), dest.join("store.hsdb")).unwrap();
    let (code, text) = run(&["doctor"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("BROKEN"), "{text}");
}
