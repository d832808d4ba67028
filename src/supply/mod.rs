//! Supply chain: install intents in scanned commands, the advisory store (OSV), typosquats, and
//! the lockfile gate (`hermes-scan deps`).

pub mod gate;
pub mod intents;
pub mod lazy;
pub mod lockfiles;
pub mod mcp;
pub mod names;
pub mod online;
pub mod osv;
pub mod rustsec;
pub mod store;
pub mod sync;
pub mod typosquat;
pub mod version;

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch (0 if the clock is before it): the timestamps of imports, syncs
/// and the OSV cache.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Package ecosystems hermes-scan checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Ecosystem {
    /// PyPI (pip, uv, pipx, poetry).
    #[serde(rename = "PyPI")]
    Pypi,
    /// npm (npm, npx, pnpm, yarn, bun).
    #[serde(rename = "npm")]
    Npm,
    /// crates.io (cargo).
    #[serde(rename = "crates.io")]
    Crates,
    /// RubyGems.
    #[serde(rename = "RubyGems")]
    RubyGems,
    /// Go modules.
    #[serde(rename = "Go")]
    Go,
    /// Packagist (Composer).
    #[serde(rename = "Packagist")]
    Packagist,
}

impl Ecosystem {
    /// From an OSV ecosystem string (`PyPI`, `npm`, `crates.io`, …); `None` for others.
    pub fn from_osv(s: &str) -> Option<Self> {
        match s.split(':').next().unwrap_or(s) {
            "PyPI" => Some(Ecosystem::Pypi),
            "npm" => Some(Ecosystem::Npm),
            "crates.io" => Some(Ecosystem::Crates),
            "RubyGems" => Some(Ecosystem::RubyGems),
            "Go" => Some(Ecosystem::Go),
            "Packagist" => Some(Ecosystem::Packagist),
            _ => None,
        }
    }

    /// The OSV name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Crates => "crates.io",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Go => "Go",
            Ecosystem::Packagist => "Packagist",
        }
    }

    /// Canonical package name: PEP 503 for PyPI, lowercase for npm, RubyGems and Packagist,
    /// `-`/`_` folded for crates.io, exact for Go module paths.
    pub fn normalize(self, name: &str) -> String {
        names::normalize(self.as_str(), name)
    }
}
