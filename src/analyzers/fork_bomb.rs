//! Fork bombs: a function that calls itself in a pipeline or in the background, whatever its name.

use super::Hit;
use crate::shell::ir::EffectKind;
use crate::shell::Script;

/// Report every self-replicating function definition.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let loops = script
        .effects
        .iter()
        .filter(|e| e.kind == EffectKind::ForkLoop)
        .map(|e| Hit {
            rule_id: "floor.fork-bomb",
            span: e.span,
            detail: Some(format!("{} creates processes in an endless loop", e.detail)),
        });
    script
        .functions
        .iter()
        .filter(|f| {
            let piped = f.self_calls.iter().filter(|c| c.piped).count();
            let bg = f.self_calls.iter().any(|c| c.background);
            (piped >= 2) || (bg && f.self_calls.len() >= 2) || (piped >= 1 && bg)
        })
        .map(|f| Hit {
            rule_id: "floor.fork-bomb",
            span: f.span,
            detail: Some(format!("function `{}` spawns copies of itself", f.name)),
        })
        .chain(loops)
        .collect()
}
