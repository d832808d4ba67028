//! Fork bombs: a function that calls itself in a pipeline or in the background, whatever its name.

use super::Hit;
use crate::shell::Script;

/// Report every self-replicating function definition.
pub fn analyze(script: &Script) -> Vec<Hit> {
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
        .collect()
}
