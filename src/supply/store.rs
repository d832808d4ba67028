//! The advisory store: the embedded default (`advisories/*.json`, compiled in) plus whatever was
//! imported with `hermes-scan advisories import` into the data dir. Imports are indexed on disk
//! as one small file per package, so a lookup reads one file — never a whole dump.

use super::osv::{self, Entry};
use super::Ecosystem;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_advisories.rs"));

/// Embedded entries for one package: only the records the build-time index names are parsed.
fn embedded(eco: Ecosystem, name: &str) -> Vec<Entry> {
    let key = format!("{} {name}", eco.as_str());
    let Ok(at) = EMBEDDED_ADVISORY_INDEX.binary_search_by(|(k, _)| k.cmp(&key.as_str())) else {
        return Vec::new();
    };
    EMBEDDED_ADVISORY_INDEX[at]
        .1
        .iter()
        .filter_map(|&i| serde_json::from_str::<Value>(EMBEDDED_ADVISORY_RECORDS[i as usize]).ok())
        .flat_map(|r| osv::entries(&r))
        .filter(|e| e.ecosystem == eco && e.package == name)
        .collect()
}

/// Number of embedded OSV records (curated and incident lists).
pub fn embedded_record_count() -> usize {
    EMBEDDED_ADVISORY_RECORDS.len()
}

/// Where imported advisories live (`$XDG_DATA_HOME/hermes-scan/advisories`).
pub fn default_dir() -> PathBuf {
    crate::policy::load::data_dir().join("advisories")
}

/// File of one package in an imported store.
fn package_file(dir: &Path, eco: Ecosystem, name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '%'
            }
        })
        .collect();
    dir.join(eco.as_str()).join(format!("{safe}.json"))
}

/// Every advisory entry for a package: embedded plus imported (from `dir`, when given).
/// For Go, a package path (`golang.org/x/tools/cmd/goimports`) is checked under each module
/// path that could contain it (every prefix of at least two segments).
pub fn lookup(dir: Option<&Path>, eco: Ecosystem, name: &str) -> Vec<Entry> {
    if eco == Ecosystem::Go {
        let segments: Vec<&str> = name.trim_matches('/').split('/').collect();
        let mut out: Vec<Entry> = Vec::new();
        for n in (2.min(segments.len())..=segments.len()).rev() {
            for e in lookup_one(dir, eco, &segments[..n].join("/")) {
                if !out.iter().any(|o| o.id == e.id && o.package == e.package) {
                    out.push(e);
                }
            }
        }
        return out;
    }
    lookup_one(dir, eco, name)
}

fn lookup_one(dir: Option<&Path>, eco: Ecosystem, name: &str) -> Vec<Entry> {
    let key = (eco, eco.normalize(name));
    let mut out = embedded(eco, &key.1);
    if let Some(dir) = dir {
        if let Ok(bytes) = std::fs::read(package_file(dir, eco, &key.1)) {
            if let Ok(more) = serde_json::from_slice::<Vec<Entry>>(&bytes) {
                for e in more {
                    if !out.iter().any(|o| o.id == e.id && o.package == e.package) {
                        out.push(e);
                    }
                }
            }
        }
    }
    out
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// OSV records read.
    pub records: usize,
    /// Entries per ecosystem.
    pub per_ecosystem: BTreeMap<String, usize>,
    /// Records that could not be parsed (skipped).
    pub skipped: usize,
    /// Which ones and why (file name, reason), in the order met.
    pub skipped_files: Vec<(String, String)>,
}

/// Import an OSV `all.zip`, a directory of OSV JSON files, or a RustSec advisory-db checkout.
pub fn import(src: &Path, dest: &Path) -> Result<ImportReport, String> {
    let mut report = ImportReport::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut add = |text: &[u8], name: &str, report: &mut ImportReport| match serde_json::from_slice::<
        Value,
    >(text)
    {
        Ok(v) => {
            report.records += 1;
            entries.extend(osv::entries(&v));
        }
        Err(e) => {
            report.skipped += 1;
            report
                .skipped_files
                .push((name.to_string(), format!("not valid JSON: {e}")));
        }
    };
    if src.is_file() {
        let file = std::fs::File::open(src).map_err(|e| format!("{}: {e}", src.display()))?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| format!("{}: not a zip archive: {e}", src.display()))?;
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
            if !f.name().is_ok_and(|n| n.ends_with(".json")) {
                continue;
            }
            let name = f
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".into());
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).map_err(|e| e.to_string())?;
            add(&buf, &name, &mut report);
        }
    } else if src.join("crates").is_dir() && !has_json(src) {
        for v in super::rustsec::records(src)? {
            report.records += 1;
            entries.extend(osv::entries(&v));
        }
    } else if src.is_dir() {
        for (text, path) in walk(src, "json")? {
            add(&text, &path.display().to_string(), &mut report);
        }
    } else {
        return Err(format!("{}: no such file or directory", src.display()));
    }
    let mut by_pkg: HashMap<(Ecosystem, String), Vec<Entry>> = HashMap::new();
    for e in entries {
        *report
            .per_ecosystem
            .entry(e.ecosystem.as_str().to_string())
            .or_default() += 1;
        by_pkg
            .entry((e.ecosystem, e.package.clone()))
            .or_default()
            .push(e);
    }
    for ((eco, name), mut list) in by_pkg {
        let path = package_file(dest, eco, &name);
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(old) = serde_json::from_slice::<Vec<Entry>>(&bytes) {
                for o in old {
                    if !list.iter().any(|n| n.id == o.id) {
                        list.push(o);
                    }
                }
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let text = serde_json::to_vec(&list).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    record_source(dest, src, &report)?;
    Ok(report)
}

fn has_json(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .unwrap_or(false)
}

/// Every file with extension `ext` under `dir`.
fn walk(dir: &Path, ext: &str) -> Result<Vec<(Vec<u8>, PathBuf)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == ext) {
                if let Ok(b) = std::fs::read(&p) {
                    out.push((b, p));
                }
            }
        }
    }
    Ok(out)
}

/// Append the import to `sources.json` (what, when, how many).
fn record_source(dest: &Path, src: &Path, r: &ImportReport) -> Result<(), String> {
    let path = dest.join("sources.json");
    // Stored absolute: `./osv/` means nothing once the working directory changes.
    let src = &std::path::absolute(src).unwrap_or_else(|_| src.to_path_buf());
    let mut list: Vec<Value> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    list.retain(|s| s["source"] != src.display().to_string());
    list.push(serde_json::json!({
        "source": src.display().to_string(),
        "imported_at": now,
        "records": r.records,
        "entries": r.per_ecosystem,
    }));
    std::fs::create_dir_all(dest).map_err(|e| e.to_string())?;
    std::fs::write(&path, serde_json::to_vec_pretty(&list).unwrap_or_default())
        .map_err(|e| e.to_string())
}

/// The recorded imports (for `advisories status`).
pub fn sources(dest: &Path) -> Vec<Value> {
    std::fs::read(dest.join("sources.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}
