//! Turns the places the shell layer could not see through into findings: nothing unresolved in an
//! executing position is ever silently allowed.

use super::Hit;
use crate::shell::{GapKind, Script};

/// One finding per gap.
pub fn analyze(script: &Script) -> Vec<Hit> {
    script
        .gaps
        .iter()
        .map(|g| Hit {
            rule_id: match g.kind {
                GapKind::DynamicCommand => "core.dynamic-command",
                GapKind::DynamicCode => "core.dynamic-code",
                GapKind::DepthExceeded => "core.depth-exceeded",
                GapKind::ParseError => "core.parse-error",
                GapKind::TooLarge => "core.input-too-large",
                GapKind::Timeout => "core.analysis-timeout",
            },
            span: g.span,
            detail: Some(g.detail.clone()),
        })
        .collect()
}
