//! The advisory store: the embedded default (`advisories/*.json`, compiled in and indexed by
//! package at build time) plus whatever was imported (`advisories import`, `advisories sync`, the
//! OSV API) into one memory-mapped index file in the data dir (`db`). A lookup touches one
//! package's block, never a whole dump, whatever the store holds.

pub mod db;

use super::osv::{self, Entry};
use super::Ecosystem;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

struct Cached {
    dir: PathBuf,
    checked: Instant,
    stamp: Option<(u64, std::time::SystemTime)>,
    db: Option<Arc<db::Db>>,
}

static CACHE: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

/// Drop the cached index of `dir` (after this process replaced it).
fn forget(dir: &Path) {
    CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|c| c.dir != dir);
}

/// The index of `dir`, opened once per process and reopened when a sync replaced the file
/// (checked at most once a second, so a 10,000-package `deps` does not stat 10,000 times).
fn open_db(dir: &Path) -> Option<Arc<db::Db>> {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let stamp = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p)
            .ok()
            .map(|m| (m.ino(), m.modified().unwrap_or(std::time::UNIX_EPOCH)))
    };
    let path = dir.join(db::FILE_NAME);
    if let Some(c) = cache.iter_mut().find(|c| c.dir == dir) {
        if c.checked.elapsed() < Duration::from_secs(1) {
            return c.db.clone();
        }
        c.checked = Instant::now();
        let now = stamp(&path);
        if now != c.stamp {
            c.stamp = now;
            c.db = db::Db::open(&path).ok().flatten().map(Arc::new);
        }
        return c.db.clone();
    }
    let opened = db::Db::open(&path).ok().flatten().map(Arc::new);
    cache.push(Cached {
        dir: dir.to_path_buf(),
        checked: Instant::now(),
        stamp: stamp(&path),
        db: opened.clone(),
    });
    opened
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
    let name = eco.normalize(name);
    let mut out = embedded(eco, &name);
    let imported = match dir {
        Some(d) => match open_db(d) {
            Some(db) => db.get(&db::key(eco, &name)),
            None => legacy_package(d, eco, &name),
        },
        None => Vec::new(),
    };
    {
        for e in imported {
            if !out.iter().any(|o| o.id == e.id && o.package == e.package) {
                out.push(e);
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
    /// Entries marked malicious.
    pub malicious: usize,
    /// Advisory ids this source did not have before (all of them on a first import).
    pub new_ids: usize,
    /// Entries and packages in the whole store afterwards.
    pub store_entries: u64,
    /// Packages in the whole store afterwards.
    pub store_packages: u64,
}

/// How new entries combine with what the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The source is replaced as a whole: its entries that the new data no longer has (withdrawn,
    /// deleted) disappear. Used by `import` (source = the absolute path) and `sync`.
    Replace,
    /// New entries are added and win over older ones with the same id; nothing is removed.
    /// Used for records fetched one by one from the OSV API.
    Merge,
}

/// Import an OSV `all.zip`, a directory of OSV JSON files, or a RustSec advisory-db checkout,
/// replacing whatever an earlier import of the same path brought.
pub fn import(src: &Path, dest: &Path) -> Result<ImportReport, String> {
    let tag = std::path::absolute(src)
        .unwrap_or_else(|_| src.to_path_buf())
        .display()
        .to_string();
    import_as(src, dest, &tag, Mode::Replace)
}

/// Import `src` into `dest` under the source name `tag`. Nothing in `dest` changes unless the
/// whole source was read: a corrupt zip or unreadable directory leaves the store as it was.
pub fn import_as(src: &Path, dest: &Path, tag: &str, mode: Mode) -> Result<ImportReport, String> {
    let mut report = ImportReport::default();
    let mut builder = db::Builder::new(dest)?;
    let mut ids: HashSet<String> = HashSet::new();
    let mut failure: Option<String> = None;
    let mut add = |record: &Value, report: &mut ImportReport| {
        report.records += 1;
        for mut e in osv::entries(record) {
            e.source = tag.to_string();
            *report
                .per_ecosystem
                .entry(e.ecosystem.as_str().to_string())
                .or_default() += 1;
            report.malicious += usize::from(e.malicious);
            ids.insert(e.id.clone());
            if let Err(err) = builder.add(&e) {
                failure.get_or_insert(err);
            }
        }
    };
    let mut add_text =
        |text: &[u8], name: &str, report: &mut ImportReport| match serde_json::from_slice::<Value>(
            text,
        ) {
            Ok(v) => add(&v, report),
            Err(e) => {
                report.skipped += 1;
                report
                    .skipped_files
                    .push((name.to_string(), format!("not valid JSON: {e}")));
            }
        };
    if src.is_file() {
        let file = std::fs::File::open(src).map_err(|e| format!("{}: {e}", src.display()))?;
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| format!("{}: not a zip archive: {e}", src.display()))?;
        for i in 0..zip.len() {
            let mut f = zip
                .by_index(i)
                .map_err(|e| format!("{}: {e}", src.display()))?;
            if !f.name().is_ok_and(|n| n.ends_with(".json")) {
                continue;
            }
            let name = f
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".into());
            let mut buf = Vec::new();
            // A torn or corrupt archive fails here (bad deflate stream or CRC): abort, keep the store.
            f.read_to_end(&mut buf)
                .map_err(|e| format!("{}: {name}: {e}", src.display()))?;
            add_text(&buf, &name, &mut report);
        }
    } else if src.join("crates").is_dir() && !has_json(src) {
        for v in super::rustsec::records(src)? {
            add(&v, &mut report);
        }
    } else if src.is_dir() {
        for path in walk(src, "json")? {
            let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            add_text(&text, &path.display().to_string(), &mut report);
        }
    } else {
        return Err(format!("{}: no such file or directory", src.display()));
    }
    if let Some(e) = failure {
        return Err(e);
    }
    // Then what the store already holds, minus what this source replaces.
    let mut old_ids: HashSet<String> = HashSet::new();
    let mut failure: Option<String> = None;
    let mut keep = |e: Entry| {
        if e.source == tag {
            old_ids.insert(e.id.clone());
            if mode == Mode::Replace {
                return;
            }
        }
        if let Err(err) = builder.add(&e) {
            failure.get_or_insert(err);
        }
    };
    match db::Db::open(&dest.join(db::FILE_NAME)) {
        Ok(Some(old)) => old.for_each(|_, entries| entries.into_iter().for_each(&mut keep)),
        Ok(None) => {}
        // A broken index holds nothing usable: it is replaced, and the report says so.
        Err(e) => report.skipped_files.push((
            db::FILE_NAME.to_string(),
            format!("{e}; replaced by this import"),
        )),
    }
    let legacy = legacy_dirs(dest);
    for mut e in legacy_entries(&legacy) {
        if e.source.is_empty() {
            e.source = "legacy".into();
        }
        keep(e);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    report.new_ids = ids.difference(&old_ids).count();
    let (entries, packages) = builder.finish(&dest.join(db::FILE_NAME))?;
    forget(dest);
    report.store_entries = entries;
    report.store_packages = packages;
    // The one-file-per-package layout of earlier releases is now inside the index.
    for d in legacy {
        let _ = std::fs::remove_dir_all(d);
    }
    record_source(dest, tag, &report)?;
    Ok(report)
}

/// A package file of the earlier one-file-per-package layout (read until the next import
/// migrates the store into the index).
fn legacy_package(dir: &Path, eco: Ecosystem, name: &str) -> Vec<Entry> {
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
    std::fs::read(dir.join(eco.as_str()).join(format!("{safe}.json")))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Per-ecosystem directories of the earlier one-file-per-package layout.
fn legacy_dirs(dest: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dest)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(Ecosystem::from_osv)
                    .is_some()
        })
        .collect()
}

fn legacy_entries(dirs: &[PathBuf]) -> Vec<Entry> {
    dirs.iter()
        .flat_map(|d| walk(d, "json").unwrap_or_default())
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| serde_json::from_slice::<Vec<Entry>>(&b).ok())
        .flatten()
        .collect()
}

fn has_json(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .unwrap_or(false)
}

/// Every file with extension `ext` under `dir` (paths only: files are read one at a time).
fn walk(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
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
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Record the import in `sources.json` (what, when, how many), replacing the source's old line.
fn record_source(dest: &Path, tag: &str, r: &ImportReport) -> Result<(), String> {
    let path = dest.join("sources.json");
    let mut list = sources(dest);
    let merged = list
        .iter()
        .find(|s| s["source"] == tag)
        .and_then(|s| s["records"].as_u64())
        .unwrap_or(0);
    list.retain(|s| s["source"] != tag);
    list.push(serde_json::json!({
        "source": tag,
        "imported_at": super::unix_now(),
        "records": r.records as u64 + if tag == ONLINE_SOURCE { merged } else { 0 },
        "malicious": r.malicious,
        "new": r.new_ids,
        "entries": r.per_ecosystem,
    }));
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&list).unwrap_or_default())
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Source name of records fetched from the OSV API.
pub const ONLINE_SOURCE: &str = "osv-api";

/// The recorded imports (for `advisories status`).
pub fn sources(dest: &Path) -> Vec<Value> {
    std::fs::read(dest.join("sources.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Entries and packages in the index of `dest` (0, 0 when there is none).
pub fn size(dest: &Path) -> (u64, u64) {
    db::Db::open(&dest.join(db::FILE_NAME))
        .ok()
        .flatten()
        .map_or((0, 0), |d| (d.entries, d.packages))
}

/// Every imported package of `eco` (canonical names, sorted).
pub fn packages(dest: &Path, eco: Ecosystem) -> Vec<String> {
    let prefix = format!("{} ", eco.as_str());
    db::Db::open(&dest.join(db::FILE_NAME))
        .ok()
        .flatten()
        .map(|d| d.keys())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| k.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// Seconds since the newest import into `dest`, if any.
pub fn age(dest: &Path) -> Option<u64> {
    sources(dest)
        .iter()
        .filter_map(|s| s["imported_at"].as_u64())
        .max()
        .map(|t| super::unix_now().saturating_sub(t))
}
