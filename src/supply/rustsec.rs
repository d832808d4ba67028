//! The RustSec advisory-db native format, read with the `rustsec` crate (no git features) and
//! turned into an OSV-shaped record. Patched and unaffected version requirements are kept as
//! requirements: a version is affected unless one of them matches it.

use serde_json::{json, Value};
use std::path::Path;

/// Open a RustSec advisory-db checkout and convert every advisory.
pub fn records(path: &Path) -> Result<Vec<Value>, String> {
    let db = rustsec::Database::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(db.iter().map(record).collect())
}

/// One advisory as an OSV-shaped record.
pub fn record(adv: &rustsec::Advisory) -> Value {
    let m = &adv.metadata;
    let mut safe: Vec<String> = adv
        .versions
        .patched()
        .iter()
        .map(|r| r.to_string())
        .collect();
    safe.extend(adv.versions.unaffected().iter().map(|r| r.to_string()));
    let mut rec = json!({
        "id": m.id.as_str(),
        "aliases": m.aliases.iter().map(|a| a.as_str().to_string()).collect::<Vec<_>>(),
        "summary": m.title,
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": m.package.as_str()},
            "database_specific": {
                "categories": m.categories.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "informational": m.informational.as_ref().map(|i| i.to_string()),
                "hermes_safe": safe,
            },
        }],
    });
    if let Some(w) = &m.withdrawn {
        rec["withdrawn"] = json!(w.to_string());
    }
    rec
}
