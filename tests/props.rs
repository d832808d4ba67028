//! Property tests: the scanner never panics and never hangs on arbitrary bytes or generated shell,
//! and the prefilter never skips input that the full pipeline would flag.

use hermes_scan::{Action, Scanner};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// A generous hang detector (not a performance assertion: benches/ measure speed).
const HANG: Duration = Duration::from_secs(5);

fn shell_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("rm".to_string()),
        Just("-rf".to_string()),
        Just("/".to_string()),
        Just("sudo".to_string()),
        Just("bash -c".to_string()),
        Just("eval".to_string()),
        Just("curl x |".to_string()),
        Just("sh".to_string()),
        Just("|".to_string()),
        Just("&&".to_string()),
        Just(";".to_string()),
        Just("$(".to_string()),
        Just(")".to_string()),
        Just("`".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$'\\x72'".to_string()),
        Just("${IFS}".to_string()),
        Just("<<EOF\n".to_string()),
        Just("\nEOF\n".to_string()),
        Just("<(".to_string()),
        Just("x=rm;".to_string()),
        Just("$x".to_string()),
        Just("{a,b}".to_string()),
        Just("f(){ f|f& };".to_string()),
        Just("\\\n".to_string()),
        Just("for i in 1; do".to_string()),
        Just("done".to_string()),
        "[a-z]{1,6}",
        "[ -~]{0,8}",
    ]
}

fn shell_line() -> impl Strategy<Value = String> {
    prop::collection::vec(shell_token(), 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_get_a_verdict(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let start = Instant::now();
        let v = Scanner::global().scan_bytes(&bytes);
        prop_assert!(start.elapsed() < HANG);
        prop_assert_eq!(v.schema_version, 1);
        if v.findings.is_empty() {
            prop_assert_eq!(v.action, Action::Allow);
        }
    }

    #[test]
    fn generated_shell_gets_a_verdict(line in shell_line()) {
        let start = Instant::now();
        let v = Scanner::global().scan(&line);
        prop_assert!(start.elapsed() < HANG);
        for f in &v.findings {
            prop_assert!(f.span.0 <= f.span.1 && f.span.1 <= line.len(), "bad span {:?}", f.span);
        }
    }

    #[test]
    fn prefilter_skips_only_clean_input(line in "[a-z0-9 ./:=,@%+^~#!_-]{0,60}") {
        let s = Scanner::global();
        if !s.needs_scan(&line) {
            let full = s.scan_full(&line);
            prop_assert!(full.findings.is_empty(), "prefilter skipped {:?} but full scan found {:?}", line, full.rule_ids());
        }
    }

    #[test]
    fn prefilter_and_full_scan_agree_on_generated_shell(line in shell_line()) {
        let s = Scanner::global();
        let fast = s.scan(&line);
        let full = s.scan_full(&line);
        prop_assert_eq!(fast.action, full.action);
        prop_assert_eq!(fast.rule_ids(), full.rule_ids());
    }
}

#[test]
fn a_one_mebibyte_script_is_analysed() {
    let line = "if [ -f Cargo.toml ]; then cargo build --release && echo \"ok $HOME\" | tee -a build.log; fi\n";
    let mut script = String::new();
    while script.len() < 1 << 20 {
        script.push_str(line);
    }
    script.push_str("rm -rf /\n");
    let v = Scanner::global().scan(&script);
    assert_eq!(v.action, Action::Block);
    assert!(v.rule_ids().contains(&"floor.rm-root"));
}

#[test]
fn oversized_input_blocks_without_parsing() {
    let big = "a".repeat(hermes_scan::text::MAX_INPUT_BYTES + 1);
    let v = Scanner::global().scan(&big);
    assert_eq!(v.action, Action::Block);
    assert_eq!(v.rule_ids(), vec!["core.input-too-large"]);
}

#[test]
fn invalid_utf8_is_reported_and_still_analysed() {
    let mut bytes = b"rm -rf / ".to_vec();
    bytes.push(0xff);
    let v = Scanner::global().scan_bytes(&bytes);
    let ids = v.rule_ids();
    assert!(ids.contains(&"core.invalid-utf8"), "{ids:?}");
    assert!(ids.contains(&"floor.rm-root"), "{ids:?}");
}
