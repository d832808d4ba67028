//! The data-driven analyzer: every `[[rule.match]]` block of the packs against every command.

use super::OwnedHit;
use crate::rules::matcher::ArgView;
use crate::rules::RuleSet;
use crate::shell::Script;

/// Match every command against the rule index.
pub fn analyze(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        let view = ArgView::new(cmd);
        for (rule, matcher) in rules.candidates(cmd) {
            // A definition that is never called (`alias grh='git reset --hard'`, a function
            // body) runs nothing: only what would be refused outright is reported on it.
            if cmd.in_function && rule.action() < crate::findings::Action::Block {
                continue;
            }
            if matcher.matches_view(&view) {
                hits.push(OwnedHit {
                    rule_id: rule.id().to_string(),
                    span: cmd.span,
                    detail: Some(describe(cmd)),
                });
            }
        }
    }
    hits
}

/// The canonical form shown to the user, with wrappers named.
fn describe(cmd: &crate::shell::Command) -> String {
    let mut out = format!("canonical command: {}", cmd.canonical());
    if !cmd.wrappers.is_empty() {
        out.push_str(&format!(" (via {})", cmd.wrappers.join(" → ")));
    }
    if let Some(via) = &cmd.via {
        out.push_str(&format!("; runs through {via}"));
    }
    out
}
