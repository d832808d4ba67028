//! `hermes-scan advisories import PATH` and `hermes-scan advisories status`.

use crate::supply::store;
use std::path::Path;

/// Import an OSV zip, a directory of OSV JSON, or a RustSec advisory-db checkout.
pub fn import(path: &Path, dest: Option<&Path>) -> i32 {
    let dest = dest
        .map(Path::to_path_buf)
        .unwrap_or_else(store::default_dir);
    let start = std::time::Instant::now();
    match store::import(path, &dest) {
        Ok(r) => {
            let per: Vec<String> = r
                .per_ecosystem
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            super::print(&format!(
                "imported {} records ({} skipped) from {} into {} in {:.2?} — entries {}",
                r.records,
                r.skipped,
                path.display(),
                dest.display(),
                start.elapsed(),
                per.join(", ")
            ));
            for (file, why) in r.skipped_files.iter().take(10) {
                crate::errln!("hermes-scan: skipped {file}: {why}");
            }
            if r.skipped_files.len() > 10 {
                crate::errln!(
                    "hermes-scan: … and {} more skipped",
                    r.skipped_files.len() - 10
                );
            }
            0
        }
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
            super::EXIT_NOINPUT
        }
    }
}

/// Sources, counts and age of the store.
pub fn status(dest: Option<&Path>) -> i32 {
    let dest = dest
        .map(Path::to_path_buf)
        .unwrap_or_else(store::default_dir);
    let mut out = format!(
        "embedded: {} curated records\nstore: {}\n",
        store::embedded_record_count(),
        dest.display()
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let sources = store::sources(&dest);
    if sources.is_empty() {
        out.push_str("  nothing imported (hermes-scan advisories import PATH)\n");
    }
    for s in sources {
        let age = now.saturating_sub(s["imported_at"].as_u64().unwrap_or(now));
        out.push_str(&format!(
            "  {}: {} records, entries {}, imported {} h ago\n",
            s["source"].as_str().unwrap_or("?"),
            s["records"],
            s["entries"],
            age / 3600
        ));
    }
    super::print(out.trim_end());
    0
}

/// `advisories update [PATH…]`: refresh the store from the OSV API for the locked packages.
pub fn update(paths: &[std::path::PathBuf], osv_url: &str, dest: Option<&Path>) -> i32 {
    use crate::supply::{lockfiles, online};
    let roots = if paths.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut packages = Vec::new();
    for r in &roots {
        for f in lockfiles::discover(r) {
            match lockfiles::parse(&f) {
                Ok(p) => packages.extend(p),
                Err(e) => {
                    crate::errln!("hermes-scan: {e}");
                    return super::EXIT_NOINPUT;
                }
            }
        }
    }
    let dest = dest
        .map(Path::to_path_buf)
        .unwrap_or_else(store::default_dir);
    let cache = crate::policy::load::data_dir().join("osv-cache");
    let result = online::OsvClient::new(
        osv_url,
        std::time::Duration::from_secs(20),
        Some(cache),
        std::time::Duration::from_secs(24 * 3600),
    )
    .and_then(|c| online::refresh(&c, &packages, &dest));
    match result {
        Ok(n) => {
            super::print(&format!(
                "{} package(s) queried, {n} record(s) stored in {}",
                packages.len(),
                dest.display()
            ));
            0
        }
        Err(e) => {
            crate::errln!("hermes-scan: OSV API: {e}");
            super::EXIT_SOFTWARE
        }
    }
}
