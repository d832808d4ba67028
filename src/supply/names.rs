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

/// A name with its separators (`-`, `_`, `.`, and the `/` of an npm scope) removed:
/// `python_dateutil` and `python-date.util` squash to the same string, `@aws-sdk-client/s3` and
/// `@aws-sdk/client-s3` too. The `@` stays, so a scoped name never squashes to an unscoped one.
pub fn squash(s: &str) -> String {
    s.replace(['-', '_', '.', '/'], "")
}

/// Can a popular name be a typosquatting target? Short names cannot be told apart from
/// legitimate neighbours by edits (three-letter ones are compared only with a doubled letter).
pub fn is_squat_target(t: &str) -> bool {
    t.len() >= 3
}

/// How many of an ecosystem's most popular names are squatting targets (all listed names count
/// as known). npm's list is longer and its names more distinct; on PyPI the names between rank
/// 3,000 and 10,000 sit so close to each other that more targets would mostly flag real projects
/// (measured on the shared lists: of 5,000 real projects held out, 2.3% sit one edit from a top-3,000
/// PyPI name, 1.0% from a top-6,000 npm name).
pub fn squat_targets(ecosystem: &str) -> usize {
    match ecosystem {
        "npm" => 6000,
        _ => 3000,
    }
}
