//! The RustSec advisory-db native format (`crates/<crate>/RUSTSEC-*.md` with TOML front matter),
//! turned into an OSV-shaped record. Patched and unaffected version requirements are kept as
//! requirements: a version is affected unless one of them matches it.

use serde_json::{json, Value};

/// Convert one advisory file; `None` when it has no usable front matter.
pub fn record_from_markdown(text: &str) -> Option<Value> {
    let body = text.trim_start().strip_prefix("```toml")?;
    let end = body.find("```")?;
    let front: toml::Value = toml::from_str(&body[..end]).ok()?;
    let adv = front.get("advisory")?;
    let id = adv.get("id")?.as_str()?;
    let package = adv.get("package")?.as_str()?;
    let list = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let versions = front.get("versions");
    let mut safe = list(versions.and_then(|v| v.get("patched")));
    safe.extend(list(versions.and_then(|v| v.get("unaffected"))));
    let title = body[end + 3..]
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("")
        .to_string();
    let informational = adv.get("informational").and_then(|x| x.as_str());
    let mut record = json!({
        "id": id,
        "aliases": list(adv.get("aliases")),
        "summary": title,
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": package},
            "database_specific": {
                "categories": list(adv.get("categories")),
                "informational": informational,
                "hermes_safe": safe,
            },
        }],
    });
    if let Some(w) = adv.get("withdrawn").and_then(|x| x.as_str()) {
        record["withdrawn"] = json!(w);
    }
    Some(record)
}
