//! The verdict: the strictest action over all findings, with a one-line summary.

use crate::findings::{Action, Finding};
use serde::Serialize;

/// Version of the JSON verdict schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The answer for one input.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// allow / warn / block.
    pub action: Action,
    /// Why, most severe first.
    pub findings: Vec<Finding>,
    /// One line for people.
    pub summary: String,
}

impl Verdict {
    /// Build from findings: sorts them and derives the action and summary.
    pub fn from_findings(mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| {
            b.action
                .cmp(&a.action)
                .then(b.severity.cmp(&a.severity))
                .then(a.span.cmp(&b.span))
                .then(a.rule_id.cmp(&b.rule_id))
        });
        let action = findings
            .iter()
            .map(|f| f.action)
            .max()
            .unwrap_or(Action::Allow);
        let summary = match findings.first() {
            None => "allow: no findings".to_string(),
            Some(top) => {
                let more = findings.len() - 1;
                let tail = if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                };
                format!("{}: {} [{}]{}", action, top.title, top.rule_id, tail)
            }
        };
        Verdict {
            schema_version: SCHEMA_VERSION,
            action,
            findings,
            summary,
        }
    }

    /// Ids of the rules that fired, sorted and unique.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.findings.iter().map(|f| f.rule_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}
