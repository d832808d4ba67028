//! `hermes-scan allow list|add|remove`: the permanent approval list.

use super::EXIT_CONFIG;
use crate::policy::approvals::{ApprovalStore, Scope};

/// `allow list`.
pub fn list() -> i32 {
    let store = ApprovalStore::default_store();
    match store.load() {
        Ok(all) => {
            let mut out = String::new();
            for a in all.iter().filter(|a| a.scope == Scope::Always) {
                out.push_str(&format!("{}    [{}]\n", a.command, a.rules.join(", ")));
            }
            if out.is_empty() {
                out = format!("no permanent approvals ({})", store.path().display());
            }
            super::print(out.trim_end());
            0
        }
        Err(e) => {
            eprintln!("hermes-scan: {e}");
            EXIT_CONFIG
        }
    }
}

/// `allow add COMMAND`: approve exactly this command for the rules it triggers now.
pub fn add(command: &str) -> i32 {
    let scanner = match super::scanner_for(None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let verdict = scanner.scan(command);
    if crate::policy::decide::is_hard(&verdict) {
        eprintln!("hermes-scan: {command:?} is blocked by a hardline rule or your deny list; it cannot be approved");
        return 1;
    }
    let rules: Vec<String> = verdict.findings.iter().map(|f| f.rule_id.clone()).collect();
    let key = scanner.approval_key(command);
    match ApprovalStore::default_store().add(&key, &rules, Scope::Always) {
        Ok(()) => {
            super::print(&format!("approved: {key}    [{}]", rules.join(", ")));
            0
        }
        Err(e) => {
            eprintln!("hermes-scan: {e}");
            EXIT_CONFIG
        }
    }
}

/// `allow remove COMMAND`.
pub fn remove(command: &str) -> i32 {
    let key = match super::scanner_for(None) {
        Ok(s) => s.approval_key(command),
        Err(code) => return code,
    };
    match ApprovalStore::default_store().remove(&key) {
        Ok(0) => {
            eprintln!("hermes-scan: no approval for {key:?}");
            1
        }
        Ok(n) => {
            super::print(&format!("removed {n} approval(s) for {key}"));
            0
        }
        Err(e) => {
            eprintln!("hermes-scan: {e}");
            EXIT_CONFIG
        }
    }
}
