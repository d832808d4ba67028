//! OSV records: any JSON value is read into entries, and every entry answers version questions.
#![no_main]
use hermes_scan::supply::osv::{entries, says_release_was_malicious};
use libfuzzer_sys::fuzz_target;

const PROBES: &[&str] = &[
    "0",
    "1.0.0",
    "2.3.4-beta.1",
    "1.0.0.post1",
    "v1.2.3",
    "",
    "x",
];

fuzz_target!(|data: &[u8]| {
    let Ok(record) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = says_release_was_malicious(&record);
    for entry in entries(&record) {
        for v in PROBES {
            let _ = entry.affects(v);
        }
        let _ = entry.affects_all();
        let _ = entry.known_versions();
    }
});
