//! Interpreter snippets on their own: the first byte picks the language, the rest is the code.
#![no_main]
use hermes_scan::interp::{analyze, Lang};
use libfuzzer_sys::fuzz_target;

const LANGS: &[&str] = &[
    "python",
    "node",
    "perl",
    "ruby",
    "php",
    "lua",
    "osascript",
    "pwsh",
    "tclsh",
    "Rscript",
    "sh",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(code) = std::str::from_utf8(rest) else {
        return;
    };
    let lang = Lang::parse(Some(LANGS[pick as usize % LANGS.len()]));
    let _ = analyze(lang, code);
});
