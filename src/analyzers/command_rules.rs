//! The data-driven analyzer: every `[[rule.match]]` block of the packs against every command.

use super::OwnedHit;
use crate::rules::matcher::ArgView;
use crate::rules::RuleSet;
use crate::shell::Script;

/// Match every command against the rule index.
pub fn analyze(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    let mut hits = Vec::new();
    for (i, cmd) in script.commands.iter().enumerate() {
        let view = ArgView::new(cmd);
        for (rule, matcher) in rules.candidates(cmd) {
            // A definition that is never called (`alias grh='git reset --hard'`, a function
            // body) runs nothing: only what would be refused outright is reported on it.
            if cmd.in_function && rule.action() < crate::findings::Action::Block {
                continue;
            }
            // The match first: sparing looks back over the whole input, so it is asked only
            // of the few commands that match (keeps a long script linear).
            if matcher.matches_view(&view)
                && !matcher.exempt_by_feed(script, cmd)
                && !(rule.spec.spares_own_files && removes_only_own_files(script, i))
            {
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

/// Are all path operands of command `i` files an earlier command of the input wrote (by a
/// redirection, or with content the walk kept)?
fn removes_only_own_files(script: &Script, i: usize) -> bool {
    let same = |a: &str, b: &str| home_form(a) == home_form(b);
    let mut operands = script.commands[i]
        .args()
        .iter()
        .filter(|a| !a.text.starts_with('-'))
        .peekable();
    operands.peek().is_some()
        && operands.all(|a| {
            script.files.keys().any(|k| same(k, &a.text))
                || script.commands[..i].iter().any(|c| {
                    c.redirects
                        .iter()
                        .any(|r| r.writes() && same(&r.target.text, &a.text))
                })
        })
}

/// A path with the home directory spelled one way (`$HOME/x`, `${HOME}/x` → `~/x`).
fn home_form(path: &str) -> std::borrow::Cow<'_, str> {
    match crate::shell::state::home_relative(path) {
        Some(home) => home.into(),
        None => path.strip_prefix("./").unwrap_or(path).into(),
    }
}
