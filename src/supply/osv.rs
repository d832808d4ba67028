//! OSV records, read leniently: unknown fields are ignored, an affected entry of an unknown
//! ecosystem is skipped instead of failing the record, and only what matching needs is kept.

use super::version::{self, Version};
use super::Ecosystem;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// One advisory about one package (an OSV record has one per `affected` entry).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// OSV id (`MAL-2025-46969`, `RUSTSEC-2022-0042`, `GHSA-…`).
    pub id: String,
    /// Aliases.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Normalized package name.
    pub package: String,
    /// The record marks malware (MAL-*, RustSec `malicious`, CWE-506, `malicious` flags).
    pub malicious: bool,
    /// Withdrawn records never match.
    #[serde(default)]
    pub withdrawn: bool,
    /// critical / high / medium / low when known.
    #[serde(default)]
    pub severity: Option<String>,
    /// One-line summary.
    #[serde(default)]
    pub summary: String,
    /// Ranges: each a list of events (`introduced`, `fixed`, `last_affected`, `limit`).
    #[serde(default)]
    pub ranges: Vec<Vec<(String, String)>>,
    /// Explicitly affected versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// RustSec native form: version requirements that are *not* affected (patched/unaffected);
    /// when present, every other version is affected.
    #[serde(default)]
    pub safe: Option<Vec<String>>,
    /// Which import brought the entry (a path, `sync:npm`, `osv-api`); empty for embedded data.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// One `affected` entry read through the `osv` crate's schema types: (ecosystem, name, ranges,
/// versions). `None` when the record does not fit the schema (an unknown ecosystem, a missing
/// `modified`); the lenient reader then takes the raw JSON instead of dropping the record.
type TypedAffected = (String, String, Vec<Vec<(String, String)>>, Vec<String>);

fn typed_affected(record: &Value) -> Option<Vec<TypedAffected>> {
    use osv::schema::{Event, RangeType, Vulnerability};
    let v: Vulnerability = serde_json::from_value(record.clone()).ok()?;
    let mut out = Vec::new();
    for a in v.affected.unwrap_or_default() {
        let pkg = a.package?;
        let eco = serde_json::to_value(&pkg.ecosystem)
            .ok()?
            .as_str()?
            .to_string();
        let ranges = a
            .ranges
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !matches!(r.range_type, RangeType::Git))
            .map(|r| {
                r.events
                    .into_iter()
                    .map(|e| match e {
                        Event::Introduced(x) => ("introduced".to_string(), x),
                        Event::Fixed(x) => ("fixed".to_string(), x),
                        Event::LastAffected(x) => ("last_affected".to_string(), x),
                        Event::Limit(x) => ("limit".to_string(), x),
                        // A future event kind is kept by name so it cannot widen a range.
                        _ => ("unknown".to_string(), String::new()),
                    })
                    .collect()
            })
            .collect();
        out.push((eco, pkg.name, ranges, a.versions.unwrap_or_default()));
    }
    Some(out)
}

/// Ranges of a raw `affected` entry (lenient path).
fn lenient_ranges(a: &Value) -> Vec<Vec<(String, String)>> {
    a.get("ranges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("type").and_then(Value::as_str) != Some("GIT"))
        .map(|r| {
            r.get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.as_object())
                .flat_map(|e| {
                    e.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Parse one OSV JSON record into entries (empty when nothing in it is usable).
pub fn entries(record: &Value) -> Vec<Entry> {
    let typed = typed_affected(record);
    let Some(id) = record.get("id").and_then(Value::as_str) else {
        return Vec::new();
    };
    let aliases: Vec<String> = strings(record.get("aliases"));
    let withdrawn = record.get("withdrawn").and_then(Value::as_str).is_some();
    let summary = record
        .get("summary")
        .and_then(Value::as_str)
        .or_else(|| record.get("details").and_then(Value::as_str))
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>();
    let record_malicious = id.starts_with("MAL-")
        || aliases.iter().any(|a| a.starts_with("MAL-"))
        || cwe_506(record)
        || says_release_was_malicious(record)
        || record
            .pointer("/database_specific/malicious")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let severity = severity_of(record);
    let mut out = Vec::new();
    let affected: Vec<&Value> = record
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    for (index, a) in affected.into_iter().enumerate() {
        let typed_here = typed.as_ref().and_then(|t| t.get(index));
        let eco_name = match typed_here {
            Some(t) => Some(t.0.as_str()),
            None => a.pointer("/package/ecosystem").and_then(Value::as_str),
        };
        let Some(eco) = eco_name.and_then(Ecosystem::from_osv) else {
            continue;
        };
        let Some(name) = typed_here
            .map(|t| t.1.as_str())
            .or_else(|| a.pointer("/package/name").and_then(Value::as_str))
        else {
            continue;
        };
        let categories = strings(a.pointer("/database_specific/categories"));
        let malicious = record_malicious || categories.iter().any(|c| c == "malicious");
        let informational = a
            .pointer("/database_specific/informational")
            .and_then(Value::as_str)
            .map(str::to_string);
        let severity = match informational.as_deref() {
            Some("unsound") => Some("low".to_string()),
            Some(_) => Some("info".to_string()),
            None => severity.clone(),
        };
        let safe = a
            .pointer("/database_specific/hermes_safe")
            .filter(|v| v.is_array())
            .map(|v| strings(Some(v)));
        let (ranges, versions) = match typed_here {
            Some(t) => (t.2.clone(), t.3.clone()),
            None => (lenient_ranges(a), strings(a.get("versions"))),
        };
        out.push(Entry {
            id: id.to_string(),
            aliases: aliases.clone(),
            ecosystem: eco,
            package: eco.normalize(name),
            malicious,
            withdrawn,
            severity,
            summary: summary.clone(),
            ranges,
            versions,
            safe,
            source: String::new(),
        });
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn cwe_506(record: &Value) -> bool {
    strings(record.pointer("/database_specific/cwe_ids"))
        .iter()
        .any(|c| c == "CWE-506")
}

/// Does the record's own text say the *release itself* was malicious — a takeover, a hijack, a
/// release replaced with malicious code — rather than describing a vulnerability a malicious user
/// could exploit? PyPA's PYSEC records of account takeovers (ctx, exotel, deep-translator) carry
/// no malicious flag and no CWE; this is how they count as malware. The phrases name the package,
/// project or release as the thing compromised, so "allows account takeover" (a Django bug) or
/// "a malicious server can …" do not match.
pub fn says_release_was_malicious(record: &Value) -> bool {
    static PHRASES: OnceLock<regex::Regex> = OnceLock::new();
    let re = PHRASES.get_or_init(|| {
        regex::Regex::new(concat!(
            r"(?i)\b(?:replaced with (?:a |an )?malicious",
            r"|(?:project|package|release|version|library|module|gem|crate)s? (?:on \w+ )?(?:was|were|has been|have been|had been) (?:taken over|hijacked|compromised|backdoored)",
            r"|(?:new |a )?malicious (?:release|version|project|package)s? (?:was |were )?(?:made|published|uploaded|released)",
            r"|embedded malicious code",
            r"|contain(?:s|ed)? (?:a )?(?:malicious (?:code|payload|backdoor)|backdoor))\b",
        ))
        .expect("valid regex")
    });
    ["summary", "details"]
        .iter()
        .filter_map(|k| record.get(k).and_then(Value::as_str))
        .any(|t| re.is_match(t))
}

/// Severity from the record's own label or a CVSS vector's base score band.
fn severity_of(record: &Value) -> Option<String> {
    if let Some(s) = record
        .pointer("/database_specific/severity")
        .and_then(Value::as_str)
    {
        let s = s.to_ascii_lowercase();
        return Some(if s == "moderate" { "medium".into() } else { s });
    }
    let vectors: Vec<String> = record
        .get("severity")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("score").and_then(Value::as_str).map(str::to_string))
        .collect();
    vectors.iter().find_map(|v| cvss_band(v))
}

/// A rough CVSS v3 band from the impact metrics (no full calculator: C/I/A high and network
/// attack vector mean high or critical).
fn cvss_band(vector: &str) -> Option<String> {
    if !vector.starts_with("CVSS:3") && !vector.starts_with("CVSS:4") {
        return None;
    }
    let has = |m: &str| vector.split('/').any(|p| p == m);
    let highs = ["C:H", "I:H", "A:H", "VC:H", "VI:H", "VA:H"]
        .iter()
        .filter(|m| has(m))
        .count();
    let network = has("AV:N");
    let easy = has("AC:L") && (has("PR:N") || !vector.contains("PR:"));
    Some(
        match (highs, network && easy) {
            (h, true) if h >= 2 => "critical",
            (h, _) if h >= 1 => "high",
            _ if has("C:L") || has("I:L") || has("A:L") => "medium",
            _ => "low",
        }
        .to_string(),
    )
}

impl Entry {
    /// Ranges that count. Malware records that name specific compromised releases (an explicit
    /// version list or a bounded range) sometimes also carry an open `introduced: 0` range; for
    /// them that range is noise and would condemn every release of a legitimate package.
    fn effective_ranges(&self) -> Vec<&Vec<(String, String)>> {
        let open =
            |r: &&Vec<(String, String)>| r.iter().all(|(k, v)| k == "introduced" && is_zero(v));
        let specific = !self.versions.is_empty() || self.ranges.iter().any(|r| !open(&r));
        self.ranges
            .iter()
            .filter(|r| !(self.malicious && specific && open(r)))
            .collect()
    }

    /// Does this entry affect version `v`?
    pub fn affects(&self, v: &str) -> bool {
        if self.withdrawn {
            return false;
        }
        if self
            .versions
            .iter()
            .any(|x| x == v || version::same(self.ecosystem, x, v))
        {
            return true;
        }
        if let Some(safe) = &self.safe {
            return !safe
                .iter()
                .any(|req| version::satisfies(self.ecosystem, req, v));
        }
        let ver = version::parse(self.ecosystem, v);
        self.effective_ranges()
            .into_iter()
            .any(|r| in_range(self.ecosystem, r, &ver))
    }

    /// Does it affect every version (malware-only packages, `introduced: 0` with no end)?
    pub fn affects_all(&self) -> bool {
        if let Some(safe) = &self.safe {
            return !self.withdrawn && safe.is_empty();
        }
        !self.withdrawn
            && self
                .effective_ranges()
                .into_iter()
                .any(|r| r.iter().all(|(k, v)| k == "introduced" && is_zero(v)) && !r.is_empty())
    }

    /// Versions this entry names (list entries and range boundaries).
    pub fn known_versions(&self) -> Vec<String> {
        let mut out = self.versions.clone();
        for r in &self.ranges {
            for (k, v) in r {
                if !is_zero(v) && k != "limit" {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}

fn is_zero(v: &str) -> bool {
    matches!(v, "0" | "0.0.0" | "0.0.0-0" | "")
}

/// OSV range semantics: introduced opens, fixed closes (exclusive), last_affected closes
/// (inclusive), limit caps.
fn in_range(eco: super::Ecosystem, events: &[(String, String)], v: &Version) -> bool {
    let mut sorted: Vec<(&String, &String, Version)> = events
        .iter()
        .map(|(k, x)| {
            (
                k,
                x,
                version::parse(eco, if is_zero(x) { "0.0.0-0" } else { x }),
            )
        })
        .collect();
    sorted.sort_by(|a, b| {
        let o = if is_zero(a.1) && !is_zero(b.1) {
            Ordering::Less
        } else if is_zero(b.1) && !is_zero(a.1) {
            Ordering::Greater
        } else {
            version::cmp_total(&a.2, &b.2)
        };
        // At the same version, `fixed` closes before a new `introduced` opens.
        o.then_with(|| (a.0 == "introduced").cmp(&(b.0 == "introduced")))
    });
    let mut affected = false;
    for (kind, raw, ev) in &sorted {
        let at_or_before = is_zero(raw) || version::cmp(ev, v) != Ordering::Greater;
        match kind.as_str() {
            "introduced" if at_or_before => affected = true,
            "fixed" if at_or_before => affected = false,
            "last_affected" if version::cmp(ev, v) == Ordering::Less => affected = false,
            "limit" if at_or_before => return false,
            _ => {}
        }
    }
    affected
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_records_parse_and_unknown_ecosystems_do_not_drop_the_record() {
        let typed = json!({"id": "GHSA-x", "modified": "2026-01-01T00:00:00Z", "affected": [
            {"package": {"ecosystem": "npm", "name": "Axios"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.6.0"}]}]}
        ]});
        assert!(typed_affected(&typed).is_some());
        let e = entries(&typed);
        assert_eq!(e[0].package, "axios");
        assert!(e[0].affects("1.5.1") && !e[0].affects("1.6.0"));

        let mixed = json!({"id": "OSV-y", "modified": "2026-01-01T00:00:00Z", "affected": [
            {"package": {"ecosystem": "SomeNewEcosystem", "name": "z"}, "versions": ["1"]},
            {"package": {"ecosystem": "PyPI", "name": "Foo_Bar"}, "versions": ["2.0"]}
        ]});
        assert!(
            typed_affected(&mixed).is_none(),
            "the schema rejects the unknown ecosystem"
        );
        let e = entries(&mixed);
        assert_eq!(e.len(), 1, "the PyPI entry survives");
        assert_eq!(e[0].package, "foo-bar");
        assert!(e[0].affects("2.0"));
    }
}
