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
            crate::errln!("hermes-scan: {e}");
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
        crate::errln!("hermes-scan: {command:?} is blocked by a hardline rule or your deny list; it cannot be approved");
        return 1;
    }
    let blocking: Vec<&str> = verdict
        .findings
        .iter()
        .filter(|f| f.action == crate::Action::Block)
        .map(|f| f.rule_id.as_str())
        .collect();
    if !blocking.is_empty() {
        // No front door consults approvals for a block: saying "approved" would be a lie.
        crate::errln!(
            "hermes-scan: {command:?} is blocked ({}), and approvals only cover warned commands.\n\
             To run it once, confirm the override when the shell hook asks; to make it approvable \
             everywhere, set [rules.\"{}\"] action = \"warn\" in your config.",
            blocking.join(", "),
            blocking[0]
        );
        return 1;
    }
    let rules = crate::policy::decide::warn_rules(&verdict);
    if rules.is_empty() {
        crate::errln!("hermes-scan: {command:?} is allowed already; there is nothing to approve");
        return 1;
    }
    let key = scanner.approval_key(command);
    match ApprovalStore::default_store().add(&key, &rules, Scope::Always) {
        Ok(()) => {
            super::print(&format!("approved: {key}    [{}]", rules.join(", ")));
            0
        }
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
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
            crate::errln!("hermes-scan: no approval for {key:?}");
            1
        }
        Ok(n) => {
            super::print(&format!("removed {n} approval(s) for {key}"));
            0
        }
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
            EXIT_CONFIG
        }
    }
}
