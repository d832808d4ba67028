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
