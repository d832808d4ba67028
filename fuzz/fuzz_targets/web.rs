//! URLs an agent wants to fetch and context-file text an agent reads.
#![no_main]
use hermes_scan::web::{judge, resolve::Fixed};
use hermes_scan::Scanner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scanner = Scanner::global();
    let resolver = Fixed(vec![(
        "fuzz.example".to_string(),
        vec!["127.0.0.1".parse().unwrap()],
    )]);
    let _ = judge(text, scanner, &scanner.policy().web, Some(&resolver));
    let _ = hermes_scan::context::scan_text(text, scanner);
});
