//! `hermes-scan advisories import PATH`, `sync`, `update` and `status`.

use crate::supply::store;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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

/// The state of the advisory data, one line each: embedded set, store, sources with age,
/// online mode. Shared by `advisories status` and `doctor`; the bool is true when the store is
/// broken (data older than 7 days is a warning line, not broken).
pub fn describe(dest: &Path) -> (String, bool) {
    let mut broken = false;
    let mut out = format!(
        "embedded: {} records (curated and incident lists)\nstore: {}\n",
        store::embedded_record_count(),
        dest.display()
    );
    match store::db::Db::open(&dest.join(store::db::FILE_NAME)) {
        Ok(Some(db)) => out.push_str(&format!(
            "  index: {} entries for {} packages\n",
            db.entries, db.packages
        )),
        Ok(None) => out.push_str("  index: none yet (hermes-scan advisories sync | import PATH)\n"),
        Err(e) => {
            broken = true;
            out.push_str(&format!(
                "  index: BROKEN, ignored until the next import: {e}\n"
            ));
        }
    }
    for s in store::sources(dest) {
        let age = s["imported_at"]
            .as_u64()
            .map(|t| crate::supply::unix_now().saturating_sub(t))
            .unwrap_or(u64::MAX);
        out.push_str(&format!(
            "  {}: {} records ({} malicious entries), entries {}, updated {}\n",
            s["source"].as_str().unwrap_or("?"),
            s["records"],
            s["malicious"].as_u64().unwrap_or(0),
            s["entries"],
            ago(age)
        ));
    }
    match store::age(dest) {
        Some(a) if a > 7 * 86400 => {
            out.push_str(&format!(
                "  warning: the newest data is {} old; run `hermes-scan advisories sync`\n",
                ago(a).trim_end_matches(" ago")
            ));
        }
        None => out.push_str("  note: only the embedded data is in use; `hermes-scan advisories sync` downloads OSV's dumps\n"),
        _ => {}
    }
    let cwd = std::env::current_dir().ok();
    if let Ok(p) = crate::policy::load::effective(None, cwd.as_deref()) {
        out.push_str(&format!(
            "online lookups: {}\n",
            if p.supply.online {
                format!(
                    "on ({}, budget {} ms, on error {:?})",
                    p.supply
                        .osv_url
                        .as_deref()
                        .unwrap_or(crate::supply::online::DEFAULT_URL),
                    p.supply.budget_ms,
                    p.supply.on_error
                )
                .to_lowercase()
            } else {
                "off ([supply] online = true or HERMES_SCAN_OSV_URL to enable)".into()
            }
        ));
        if let Some(a) = &p.advisories.auto_sync {
            out.push_str(&format!("auto sync: when older than {a}\n"));
        }
    }
    (out.trim_end().to_string(), broken)
}

fn ago(secs: u64) -> String {
    match secs {
        u64::MAX => "at an unknown time".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 2 * 86400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86400),
    }
}

/// Sources, counts and age of the store.
pub fn status(dest: Option<&Path>) -> i32 {
    let dest = dest
        .map(Path::to_path_buf)
        .unwrap_or_else(store::default_dir);
    super::print(&describe(&dest).0);
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

/// Arguments of `advisories sync`.
pub struct SyncArgs {
    /// `--ecosystem` values.
    pub ecosystems: Vec<String>,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--if-older-than`.
    pub if_older_than: Option<String>,
    /// `--timeout`.
    pub timeout: String,
    /// `--store`.
    pub store: Option<PathBuf>,
}

/// Download and import OSV dumps; 0 when every ecosystem synced (or was fresh or unchanged),
/// 69 (unavailable) when any failed — the store then keeps that ecosystem's previous data.
pub fn sync(args: SyncArgs) -> i32 {
    use crate::supply::sync;
    let cwd = std::env::current_dir().ok();
    let policy = match crate::policy::load::effective(None, cwd.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("hermes-scan: policy error: {e}");
            return super::EXIT_CONFIG;
        }
    };
    let duration = |flag: &str, v: &str| {
        crate::policy::parse_duration(v).map_err(|e| {
            crate::errln!("hermes-scan: {flag}: {e}");
            super::EXIT_USAGE
        })
    };
    let if_older_than = match args
        .if_older_than
        .as_deref()
        .map(|v| duration("--if-older-than", v))
    {
        Some(Err(code)) => return code,
        Some(Ok(d)) => Some(d),
        None => None,
    };
    let timeout = match duration("--timeout", &args.timeout) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut ecosystems = if args.ecosystems.is_empty() {
        policy.advisories.ecosystems.clone()
    } else {
        args.ecosystems.clone()
    };
    if ecosystems.is_empty() {
        ecosystems = sync::DEFAULT_ECOSYSTEMS
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    for e in &ecosystems {
        if e.is_empty() || e.contains(['/', '\\', '?', '#']) || e.starts_with('.') {
            crate::errln!("hermes-scan: --ecosystem {e:?} is not an OSV ecosystem name");
            return super::EXIT_USAGE;
        }
    }
    let opts = sync::Options {
        base_url: args
            .base_url
            .or(policy.advisories.base_url.clone())
            .unwrap_or_else(|| sync::DEFAULT_BASE_URL.to_string()),
        ecosystems,
        dest: args.store.unwrap_or_else(store::default_dir),
        if_older_than,
        timeout,
        progress: std::io::stderr().is_terminal(),
    };
    let started = std::time::Instant::now();
    let results = sync::run(&opts, |eco, outcome, took| {
        let line = match outcome {
            sync::Outcome::Fresh => format!("{eco}: fresh (synced within --if-older-than), skipped"),
            sync::Outcome::NotModified => format!("{eco}: not modified since the last sync ({took:.1?})"),
            sync::Outcome::Updated { report, bytes } => format!(
                "{eco}: {} records ({} malicious entries, {} new since the last sync), {:.1} MB in {took:.1?}",
                report.records,
                report.malicious,
                report.new_ids,
                *bytes as f64 / 1e6
            ),
            sync::Outcome::Failed(e) => format!("{eco}: FAILED, previous data kept: {e}"),
        };
        if matches!(outcome, sync::Outcome::Failed(_)) {
            crate::errln!("hermes-scan: {line}");
        } else {
            super::print(&line);
        }
    });
    let (entries, packages) = store::size(&opts.dest);
    super::print(&format!(
        "store {}: {entries} entries for {packages} packages ({:.1?})",
        opts.dest.display(),
        started.elapsed()
    ));
    if results
        .iter()
        .any(|(_, o)| matches!(o, sync::Outcome::Failed(_)))
    {
        super::run::EXIT_UNAVAILABLE
    } else {
        0
    }
}
