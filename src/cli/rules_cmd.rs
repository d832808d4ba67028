//! `hermes-scan rules` and `hermes-scan explain RULE_ID`.

use super::{print, scanner_for, EXIT_USAGE};
use crate::Scanner;
use std::fmt::Write;

/// `rules`: every rule id with severity, action and title.
pub fn list(json: bool, policy: Option<&std::path::Path>) -> i32 {
    let scanner = match scanner_for(policy) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if json {
        let rows: Vec<serde_json::Value> = scanner
            .rules()
            .rules()
            .map(|r| {
                serde_json::json!({
                    "id": r.spec.id, "severity": r.spec.severity, "action": r.spec.action,
                    "floor": r.spec.floor, "category": r.spec.category, "title": r.spec.title,
                })
            })
            .collect();
        print(&serde_json::Value::Array(rows).to_string());
        return 0;
    }
    let mut out = String::new();
    for r in scanner.rules().rules() {
        let _ = writeln!(
            out,
            "{:<34} {:<8} {:<5} {}{}",
            r.spec.id,
            r.spec.severity.as_str(),
            r.spec.action.as_str(),
            r.spec.title,
            if r.spec.floor { " (floor)" } else { "" }
        );
    }
    print(out.trim_end());
    0
}

/// `explain RULE_ID`: the rule's documentation and examples.
pub fn explain(id: &str) -> i32 {
    let scanner = Scanner::global();
    let Some(r) = scanner.rules().get(id) else {
        crate::errln!("hermes-scan: no rule with id {id:?} (see `hermes-scan rules`)");
        return EXIT_USAGE;
    };
    let s = &r.spec;
    let mut out = String::new();
    let _ = writeln!(out, "{}  —  {}", s.id, s.title);
    let _ = writeln!(
        out,
        "category: {}   severity: {}   action: {}{}",
        s.category,
        s.severity,
        s.action,
        if s.floor {
            "   floor: yes (cannot be lowered)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "pack: {}", r.pack);
    let _ = writeln!(
        out,
        "\nWhat it does / why it is dangerous\n  {}",
        s.description
    );
    let _ = writeln!(out, "\nInstead\n  {}", s.remediation);
    let _ = writeln!(out, "\nMatches");
    let examples = r.examples();
    for e in &examples.matches {
        let _ = writeln!(out, "  {e}");
    }
    let _ = writeln!(out, "\nDoes not match");
    for e in &examples.no_match {
        let _ = writeln!(out, "  {e}");
    }
    print(out.trim_end());
    0
}
