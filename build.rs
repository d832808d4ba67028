//! Build script: extracts the program names and environment variables of the code-sink table
//! (`rules/sinks.toml`) into a Rust source, so a process start does not have to parse the table
//! just to build the prefilter. `tests/sink_examples.rs` checks the extract against the table.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=rules/sinks.toml");
    let text = std::fs::read_to_string("rules/sinks.toml").expect("read rules/sinks.toml");
    let programs = array_values(&text, "programs");
    let env = array_values(&text, "env_code");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Program names of every code sink (generated from rules/sinks.toml)."
    );
    let _ = writeln!(out, "pub const SINK_PROGRAMS: &[&str] = &{programs:?};");
    let _ = writeln!(
        out,
        "/// Environment variables whose value runs as a command (generated)."
    );
    let _ = writeln!(out, "pub const SINK_ENV_NAMES: &[&str] = &{env:?};");
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("sink_names.rs");
    std::fs::write(dest, out).expect("write sink_names.rs");
}

/// The string values of every `key = [ … ]` array (possibly over several lines), deduplicated.
fn array_values(text: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    let needle = format!("\n{key} = [");
    while let Some(p) = rest.find(&needle) {
        let after = &rest[p + needle.len()..];
        let end = after.find(']').unwrap_or(after.len());
        for part in after[..end].split('"').skip(1).step_by(2) {
            if !out.iter().any(|o| o == part) {
                out.push(part.to_string());
            }
        }
        rest = &after[end..];
    }
    out
}
