//! Versions compared by each ecosystem's own rules: semver for crates.io and npm (node-semver for
//! requested ranges), PEP 440 for PyPI. Anything else falls back to a numeric-aware string order.

use super::Ecosystem;
use std::cmp::Ordering;
use std::str::FromStr;

/// A parsed version of some ecosystem.
#[derive(Debug, Clone)]
pub enum Version {
    /// crates.io / npm.
    Semver(semver::Version),
    /// PyPI.
    Pep440(pep440_rs::Version),
    /// Anything unparseable (compared piecewise).
    Other(String),
}

/// Parse `v` for `eco`.
pub fn parse(eco: Ecosystem, v: &str) -> Version {
    let v = v.trim().trim_start_matches(['v', '=']);
    match eco {
        Ecosystem::Pypi => pep440_rs::Version::from_str(v)
            .map(Version::Pep440)
            .unwrap_or_else(|_| Version::Other(v.to_string())),
        _ => semver::Version::parse(v)
            .or_else(|_| semver::Version::parse(&pad_semver(v)))
            .map(Version::Semver)
            .unwrap_or_else(|_| Version::Other(v.to_string())),
    }
}

/// `1.2` → `1.2.0`, `1` → `1.0.0` (keeping any pre-release or build suffix).
fn pad_semver(v: &str) -> String {
    let split = v.find(['-', '+']).unwrap_or(v.len());
    let (core, rest) = v.split_at(split);
    let parts = core.split('.').count();
    let mut core = core.to_string();
    for _ in parts..3 {
        core.push_str(".0");
    }
    format!("{core}{rest}")
}

/// Compare two versions of the same ecosystem.
pub fn cmp(a: &Version, b: &Version) -> Ordering {
    match (a, b) {
        (Version::Semver(x), Version::Semver(y)) => x.cmp(y),
        (Version::Pep440(x), Version::Pep440(y)) => x.cmp(y),
        _ => natural(&text(a), &text(b)),
    }
}

/// A total order for sorting (which [`cmp`] is not across kinds: a PEP 440 version and an
/// unparseable one are compared as text there): versions of different kinds are ordered by kind,
/// unparseable ones last.
pub fn cmp_total(a: &Version, b: &Version) -> Ordering {
    let rank = |v: &Version| match v {
        Version::Semver(_) => 0,
        Version::Pep440(_) => 1,
        Version::Other(_) => 2,
    };
    match (a, b) {
        (Version::Semver(x), Version::Semver(y)) => x.cmp(y),
        (Version::Pep440(x), Version::Pep440(y)) => x.cmp(y),
        (Version::Other(x), Version::Other(y)) => natural(x, y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn text(v: &Version) -> String {
    match v {
        Version::Semver(x) => x.to_string(),
        Version::Pep440(x) => x.to_string(),
        Version::Other(s) => s.clone(),
    }
}

/// Numeric-aware comparison of dotted strings.
fn natural(a: &str, b: &str) -> Ordering {
    let pa: Vec<&str> = a.split(['.', '-', '+']).collect();
    let pb: Vec<&str> = b.split(['.', '-', '+']).collect();
    // Numeric pieces sort before text pieces, so the order is total (`2` < `10` < `1a`).
    for (x, y) in pa.iter().zip(pb.iter()) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

/// Are `a` and `b` the same release by the ecosystem's rules? PEP 440 normalizes for PyPI
/// (`0.2.6` = `0.2.6.0` = `v0.2.6` = `0.02.6`, `0.1.2-1` = `0.1.2.post1`); semver ignores build
/// metadata (`5.6.1+build1` = `5.6.1`).
pub fn same(eco: Ecosystem, a: &str, b: &str) -> bool {
    match (parse(eco, a), parse(eco, b)) {
        (Version::Pep440(x), Version::Pep440(y)) => x == y,
        (Version::Semver(x), Version::Semver(y)) => {
            x.major == y.major && x.minor == y.minor && x.patch == y.patch && x.pre == y.pre
        }
        _ => false,
    }
}

/// Does a requested range (npm `^4.1`, PyPI `>=2,<3`, cargo `^1`) admit `v`?
pub fn satisfies(eco: Ecosystem, requested: &str, v: &str) -> bool {
    match eco {
        Ecosystem::Pypi => {
            let Ok(spec) = pep440_rs::VersionSpecifiers::from_str(requested) else {
                return false;
            };
            pep440_rs::Version::from_str(v).is_ok_and(|ver| spec.contains(&ver))
        }
        Ecosystem::Npm => {
            let (Ok(range), Ok(ver)) = (
                nodejs_semver::Range::parse(requested),
                nodejs_semver::Version::parse(v),
            ) else {
                return false;
            };
            range.satisfies(&ver)
        }
        _ => {
            let (Ok(req), Ok(ver)) = (
                semver::VersionReq::parse(requested),
                semver::Version::parse(&pad_semver(v)),
            ) else {
                return false;
            };
            req.matches(&ver)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorting never sees an inconsistent order (a fuzzer found one that made `sort_by` panic).
    #[test]
    fn sorting_order_is_total() {
        let raw = [
            "2",
            "10",
            "1a",
            "0.1.2-1",
            "4 (0.1.2-1",
            "5.0",
            "v1",
            "",
            "1.0.0-beta",
            "x",
        ];
        for eco in [Ecosystem::Pypi, Ecosystem::Npm] {
            let vs: Vec<Version> = raw.iter().map(|r| parse(eco, r)).collect();
            for a in &vs {
                for b in &vs {
                    for c in &vs {
                        if cmp_total(a, b) != Ordering::Greater
                            && cmp_total(b, c) != Ordering::Greater
                        {
                            assert_ne!(cmp_total(a, c), Ordering::Greater);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn orders_per_ecosystem() {
        let p = |e, s| parse(e, s);
        assert_eq!(
            cmp(&p(Ecosystem::Pypi, "1.10"), &p(Ecosystem::Pypi, "1.9")),
            Ordering::Greater
        );
        assert_eq!(
            cmp(&p(Ecosystem::Pypi, "2.0rc1"), &p(Ecosystem::Pypi, "2.0")),
            Ordering::Less
        );
        assert_eq!(
            cmp(&p(Ecosystem::Npm, "4.4.2"), &p(Ecosystem::Npm, "4.4.10")),
            Ordering::Less
        );
        assert_eq!(
            cmp(
                &p(Ecosystem::Crates, "0.10.75"),
                &p(Ecosystem::Crates, "0.8.0")
            ),
            Ordering::Greater
        );
        assert!(satisfies(Ecosystem::Npm, "^5.0.0", "5.6.1"));
        assert!(!satisfies(Ecosystem::Npm, "~4.3", "4.4.2"));
        assert!(satisfies(Ecosystem::Pypi, ">=2,<3", "2.31.0"));
        assert!(satisfies(Ecosystem::Crates, "1", "1.23.1"));
    }
}
