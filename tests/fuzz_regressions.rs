//! Inputs the coverage-guided fuzzer (fuzz/) once crashed a target with, replayed through the
//! same library calls in the ordinary test suite (the shell ones also run through every front door
//! in tests/hostile.rs).

use hermes_scan::supply::osv::{entries, says_release_was_malicious};
mod common;

#[test]
fn osv_records_that_broke_version_sorting_are_answered() {
    for path in common::fuzz_regressions("osv") {
        let bytes = std::fs::read(&path).expect("regression input");
        let Ok(record) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let _ = says_release_was_malicious(&record);
        let mut asked = 0;
        for entry in entries(&record) {
            for v in [
                "0",
                "1.0.0",
                "2.3.4-beta.1",
                "1.0.0.post1",
                "v1.2.3",
                "",
                "x",
            ] {
                let _ = entry.affects(v);
                asked += 1;
            }
        }
        assert!(asked > 0, "{} yields no entry to ask", path.display());
    }
}
