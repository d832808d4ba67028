//! A whole 1 MiB script is analysed within the time budget, to its last line. It lives in a test
//! binary of its own: cargo runs test binaries one after another, so no sibling test competes with
//! it for the machine's two cores while the analysis deadline runs (under that contention the
//! budget, not the scanner, decided the outcome).

use hermes_scan::{Action, Scanner};

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
