//! Fork bombs: a function that calls itself in a pipeline or in the background, whatever its name.

use super::Hit;
use crate::shell::ir::{EffectKind, SelfCall};
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
    let spawns = |calls: &[SelfCall]| {
        let piped = calls.iter().filter(|c| c.piped).count();
        let bg = calls.iter().any(|c| c.background);
        (piped >= 2) || (bg && calls.len() >= 2) || (piped >= 1 && bg)
    };
    let mutual = mutual_recursion(script);
    script
        .functions
        .iter()
        .filter_map(|f| {
            if spawns(&f.self_calls) {
                return Some((
                    f.span,
                    format!("function `{}` spawns copies of itself", f.name),
                ));
            }
            // A cycle is reported once, at its first function by name.
            let cycle = mutual
                .iter()
                .find(|c| c.first() == Some(&f.name.as_str()))?;
            // The calls the functions of the cycle make to each other, taken together.
            let calls: Vec<SelfCall> = script
                .functions
                .iter()
                .filter(|g| cycle.contains(&g.name.as_str()))
                .flat_map(|g| &g.calls)
                .filter(|(callee, _)| cycle.contains(&callee.as_str()))
                .map(|(_, call)| *call)
                .collect();
            spawns(&calls).then(|| {
                let names = cycle.join("`, `");
                (
                    f.span,
                    format!(
                        "functions `{names}` call each other in pipelines or in the background"
                    ),
                )
            })
        })
        .map(|(span, detail)| Hit {
            rule_id: "floor.fork-bomb",
            span,
            detail: Some(detail),
        })
        .chain(loops)
        .chain(unbounded_parallel(script))
        .collect()
}

/// Groups of two or more functions that call one another in a cycle (`a` calls `b`, `b` calls
/// `a`), each sorted by name. Bounded: at most the first 64 functions are considered.
fn mutual_recursion(script: &Script) -> Vec<Vec<&str>> {
    let functions = &script.functions[..script.functions.len().min(64)];
    let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    let index = |n: &str| names.iter().position(|m| *m == n);
    // reach[i][j]: function i calls function j, directly or through others.
    let n = names.len();
    let mut reach = vec![vec![false; n]; n];
    for (i, f) in functions.iter().enumerate() {
        for (callee, _) in &f.calls {
            if let Some(j) = index(callee) {
                reach[i][j] = true;
            }
        }
    }
    for k in 0..n {
        let through = reach[k].clone();
        for row in reach.iter_mut().filter(|row| row[k]) {
            for (cell, &next) in row.iter_mut().zip(&through) {
                *cell |= next;
            }
        }
    }
    let mut cycles: Vec<Vec<&str>> = Vec::new();
    for i in 0..n {
        let mut cycle: Vec<&str> = (0..n)
            .filter(|&j| j != i && reach[i][j] && reach[j][i])
            .map(|j| names[j])
            .collect();
        if cycle.is_empty() {
            continue;
        }
        cycle.push(names[i]);
        cycle.sort_unstable();
        cycle.dedup();
        if !cycles.contains(&cycle) {
            cycles.push(cycle);
        }
    }
    cycles
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
                "seq" => c.args().last().is_some_and(|a| {
                    matches!(a.text.to_ascii_lowercase().as_str(), "inf" | "infinity")
                        || a.text.parse::<u64>().is_ok_and(|n| n >= 10_000)
                }),
                // Endless bytes: every NUL or newline is an item.
                "cat" => c.args().iter().any(|a| {
                    matches!(
                        a.text.as_str(),
                        "/dev/zero" | "/dev/urandom" | "/dev/random"
                    )
                }),
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
