//! The shell front end and everything behind it: text checks, the tree-sitter parse, the walker
//! (variables, nesting, code sinks, interpreter snippets), every analyzer and the policy.
#![no_main]
use hermes_scan::{Action, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verdict = Scanner::global().scan_bytes(data);
    // Whatever the input, the answer is a verdict whose action is the strongest of its findings.
    let strongest = verdict
        .findings
        .iter()
        .map(|f| f.action)
        .max()
        .unwrap_or(Action::Allow);
    assert!(verdict.action >= strongest);
    let _ = serde_json::to_string(&verdict).expect("a verdict always serializes");
});
