//! The dependency gate: every locked package against the advisory store.

use super::lockfiles::Locked;
use super::store;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// Severity levels of the gate, lowest first (`malicious` is above `critical`).
pub const LEVELS: &[&str] = &["info", "low", "medium", "high", "critical", "malicious"];

/// Rank of a level name (unknown severities rank as `medium`).
pub fn rank(level: &str) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(2)
}

/// One advisory hit on one locked package.
#[derive(Debug, Clone, Serialize)]
pub struct DepFinding {
    /// Lockfile.
    pub file: String,
    /// Line in the lockfile.
    pub line: usize,
    /// Ecosystem (OSV name).
    pub ecosystem: String,
    /// Package.
    pub name: String,
    /// Locked version.
    pub version: String,
    /// Advisory id.
    pub id: String,
    /// Aliases.
    pub aliases: Vec<String>,
    /// `malicious`, `critical`, `high`, `medium`, `low` or `info`.
    pub level: String,
    /// Summary.
    pub summary: String,
}

/// Check every package (in parallel); findings sorted by level, then location.
pub fn check(packages: &[Locked], dir: Option<&Path>) -> Vec<DepFinding> {
    let mut out: Vec<DepFinding> = packages
        .par_iter()
        .flat_map_iter(|p| {
            store::lookup(dir, p.ecosystem, &p.name)
                .into_iter()
                .filter(|e| e.affects(&p.version))
                .map(|e| DepFinding {
                    file: p.file.display().to_string(),
                    line: p.line,
                    ecosystem: p.ecosystem.as_str().to_string(),
                    name: p.name.clone(),
                    version: p.version.clone(),
                    level: if e.malicious {
                        "malicious".into()
                    } else {
                        e.severity.clone().unwrap_or_else(|| "medium".into())
                    },
                    id: e.id,
                    aliases: e.aliases,
                    summary: e.summary,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    sort(&mut out);
    out
}

/// Most severe first, then by file, line and id.
pub fn sort(findings: &mut [DepFinding]) {
    findings.sort_by(|a, b| {
        rank(&b.level)
            .cmp(&rank(&a.level))
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
            .then(a.id.cmp(&b.id))
    });
}
