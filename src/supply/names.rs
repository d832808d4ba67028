//! Package-name canonicalization per ecosystem (shared with `build.rs`, which indexes the
//! embedded advisories by the same names, so it depends on nothing else in the crate).

/// Canonical name of `name` in the OSV ecosystem `ecosystem` (`PyPI`, `npm`, `crates.io`, …):
/// PEP 503 for PyPI (runs of `-`, `_`, `.` become one `-`, lowercase), `_` → `-` and lowercase
/// for crates.io, exact for Go module paths, lowercase for everything else.
pub fn normalize(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        "PyPI" => {
            let mut out = String::new();
            let mut sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.push(c.to_ascii_lowercase());
                }
            }
            out
        }
        "crates.io" => name.to_ascii_lowercase().replace('_', "-"),
        "Go" => name.to_string(),
        _ => name.to_ascii_lowercase(),
    }
}

/// A name with its separators (`-`, `_`, `.`) removed: `python_dateutil` and `python-date.util`
/// squash to the same string.
pub fn squash(s: &str) -> String {
    s.replace(['-', '_', '.'], "")
}

/// Can a popular name be a typosquatting target? Short and scoped names cannot be told apart
/// from legitimate neighbours by edits.
pub fn is_squat_target(t: &str) -> bool {
    t.len() >= 4 && !t.starts_with('@')
}

/// How many of the most popular names are squatting targets (all listed names count as known).
pub const SQUAT_TARGETS: usize = 3000;
