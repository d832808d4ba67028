//! Lockfile and manifest parsers: the first byte picks the file name, the rest is its text.
#![no_main]
use hermes_scan::supply::lockfiles::{parse_text, KNOWN_NAMES};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let names: Vec<&str> = KNOWN_NAMES
        .iter()
        .copied()
        .chain(["requirements.txt", "requirements-dev.txt"])
        .collect();
    let name = names[pick as usize % names.len()];
    if let Ok(locked) = parse_text(&PathBuf::from(name), text) {
        for l in locked {
            assert!(l.line >= 1, "line numbers are 1-based: {l:?}");
        }
    }
});
