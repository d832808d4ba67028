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
        .chain(unbounded_parallel(script))
        .collect()
}

/// `yes | xargs -P0 …`, `seq 1000000 | xargs -P 0 -n1 sleep`, `yes | parallel -j0 …`: as many
/// processes at once as lines arrive, from an endless or enormous source.
fn unbounded_parallel(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        let unlimited = match cmd.name() {
            "xargs" => limit(cmd, &["-P", "--max-procs"]),
            "parallel" => limit(cmd, &["-j", "--jobs", "-P", "--max-procs"]),
            _ => false,
        };
        let Some(pos) = cmd.pipes.last().filter(|_| unlimited) else {
            continue;
        };
        let endless = (0..pos.stage)
            .flat_map(|st| script.stage(pos.pipeline, st))
            .any(|c| match c.name() {
                "yes" => true,
                "seq" => c
                    .args()
                    .last()
                    .and_then(|a| a.text.parse::<u64>().ok())
                    .is_some_and(|n| n >= 10_000),
                _ => false,
            });
        if endless {
            hits.push(Hit {
                rule_id: "floor.fork-bomb",
                span: cmd.span,
                detail: Some(format!(
                    "`{}` starts a process for every line of an endless or enormous input, all at once",
                    cmd.name()
                )),
            });
        }
    }
    hits
}

/// The option that bounds parallel jobs is 0 (no limit) or in the thousands.
fn limit(cmd: &crate::shell::ir::Command, options: &[&str]) -> bool {
    let args = cmd.args();
    let huge = |v: &str| v.parse::<u64>().is_ok_and(|n| n == 0 || n >= 1000);
    args.iter().enumerate().any(|(i, a)| {
        options.iter().any(|o| {
            if a.text == *o {
                return args.get(i + 1).is_some_and(|v| huge(&v.text));
            }
            a.text
                .strip_prefix(o)
                .map(|v| v.strip_prefix('=').unwrap_or(v))
                .is_some_and(|v| !v.is_empty() && huge(v))
        })
    })
}
