//! Turns the places the shell layer could not see through into findings: nothing unresolved in an
//! executing position is ever silently allowed.

use super::Hit;
use crate::shell::{GapKind, Script};

/// The rule of a file the input writes that is too large or too deep to analyse.
pub const UNANALYSED_FILE: &str = "core.unanalysed-file";

/// Files a build or install reads without naming them on its command line, beyond the
/// manifests the install intents read ([`crate::supply::intents::MANIFESTS`]).
const OTHER_IMPLICIT_FILES: &[&str] = &["composer.json", "setup.py", "Makefile"];

/// Files the input writes with more text than the analysis keeps, when something later could
/// use them: a manifest an install reads implicitly, or a file a later command names.
fn oversized_files_used(script: &Script) -> Vec<Hit> {
    let mut out = Vec::new();
    for (path, span, writer) in &script.oversized_files {
        let base = path.rsplit('/').next().unwrap_or(path);
        let used = crate::supply::intents::MANIFESTS.contains(&base)
            || OTHER_IMPLICIT_FILES.contains(&base)
            || script
                .commands
                .iter()
                .enumerate()
                .any(|(i, c)| i != *writer && c.argv.iter().any(|w| w.text.contains(base)));
        if used && !out.iter().any(|h: &Hit| h.span == *span) {
            out.push(Hit {
                rule_id: UNANALYSED_FILE,
                span: *span,
                detail: Some(format!("{path} is written with more than the 256 KiB the analysis keeps, and used later: what reads, installs or runs it is not judged")),
            });
        }
    }
    out
}

/// One finding per gap.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = oversized_files_used(script);
    hits.extend(script.gaps.iter().map(|g| Hit {
        rule_id: match g.kind {
            GapKind::DynamicCommand => "core.dynamic-command",
            GapKind::DynamicCode => "core.dynamic-code",
            GapKind::ObfuscatedCode => "core.obfuscated-code",
            GapKind::DepthExceeded => "core.depth-exceeded",
            GapKind::ParseError => "core.parse-error",
            GapKind::TooLarge => "core.input-too-large",
            GapKind::Timeout => "core.analysis-timeout",
        },
        span: g.span,
        detail: Some(g.detail.clone()),
    }));
    hits
}
