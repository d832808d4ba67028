//! The shared tables of `rules/tables.toml` (`{block_device}`, `{critical_file}`, …) substituted
//! into a pack's text. Pure and dependency-free: `build.rs` uses the same code to expand the
//! embedded packs at build time.

/// Replace every `{name}` of `tables` (name → pattern) in `text`.
pub fn expand(text: &str, tables: &[(String, String)]) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (name, value) in tables {
        let key = format!("{{{name}}}");
        if out.contains(key.as_str()) {
            out = out.replace(key.as_str(), value);
        }
    }
    out
}
