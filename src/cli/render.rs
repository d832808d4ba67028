//! Human-readable rendering of verdicts and rules.

use crate::Verdict;

/// Render a verdict for a terminal: one block per finding, evidence underlined.
pub fn human(input: &str, v: &Verdict) -> String {
    let headline = v
        .summary
        .strip_prefix(v.action.as_str())
        .map(|rest| format!("{}{rest}", v.action.as_str().to_uppercase()))
        .unwrap_or_else(|| v.summary.clone());
    let mut s = format!("{headline}\n");
    for f in &v.findings {
        s.push_str(&format!(
            "\n  {} [{}{}] {}\n",
            f.rule_id,
            f.severity,
            if f.floor { ", floor" } else { "" },
            f.title
        ));
        s.push_str(&underline(input, f.span, &f.evidence));
        if let Some(d) = &f.detail {
            s.push_str(&format!("    {d}\n"));
        }
        s.push_str(&format!("    why: {}\n", f.description));
        s.push_str(&format!("    fix: {}\n", f.remediation));
        if f.floor {
            s.push_str("    policy: hardline rule; no setting, allowlist or mode can lower it\n");
        } else if f.rule_id.starts_with("policy.") {
            s.push_str("    policy: from your own [deny] list; edit your config to change it\n");
        } else if f.action == crate::Action::Allow {
            s.push_str("    policy: your config sets this rule to allow: reported, not enforced\n");
        } else {
            s.push_str(&format!(
                "    policy: set [rules.\"{}\"] action = \"allow\" in a policy file to change this\n",
                f.rule_id
            ));
        }
    }
    s.trim_end().to_string()
}

/// The evidence on one line with carets below it (for single-line evidence).
fn underline(input: &str, span: (usize, usize), evidence: &str) -> String {
    if evidence.contains('\n') || input.get(span.0..span.1) != Some(evidence) {
        return format!("    > {}\n", evidence.replace('\n', "\n    > "));
    }
    let line_start = input[..span.0].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let line_end = input[span.1..]
        .find('\n')
        .map(|p| p + span.1)
        .unwrap_or(input.len());
    let line = &input[line_start..line_end];
    if line.chars().count() > 160 {
        return format!("    > {evidence}\n");
    }
    let pad = input[line_start..span.0].chars().count();
    let width = evidence.chars().count().max(1);
    format!(
        "    > {line}\n      {}{}\n",
        " ".repeat(pad),
        "^".repeat(width)
    )
}
