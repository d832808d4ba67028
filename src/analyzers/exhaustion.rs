//! Memory exhaustion by shape: an endless stream captured into a shell value (`x=$(yes)`,
//! `mapfile a < /dev/zero`), a value that doubles in an endless loop, interpreter code that
//! allocates without bound. Each holds every byte in one process until the kernel starts killing.

use super::Hit;
use crate::shell::ir::{Command, EffectKind, SubstKind};
use crate::shell::Script;

/// The rule every hit of this analyzer reports.
const RULE: &str = "sys.memory-exhaustion";

/// Report endless memory growth.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let loops = script
        .effects
        .iter()
        .filter(|e| e.kind == EffectKind::MemoryLoop)
        .map(|e| Hit {
            rule_id: RULE,
            span: e.span,
            detail: Some(format!("{} allocates memory without end", e.detail)),
        });
    let captured = script.commands.iter().filter_map(|cmd| {
        let into = held_in_memory(script, cmd)?;
        endless_source(script, cmd).then(|| Hit {
            rule_id: RULE,
            span: cmd.span,
            detail: Some(format!("an endless stream is read into {into}")),
        })
    });
    loops.chain(captured).collect()
}

/// Where the command's output (or, for `mapfile`/`read`, its input) is kept whole: a command
/// substitution's value or a shell array.
fn held_in_memory(script: &Script, cmd: &Command) -> Option<&'static str> {
    if matches!(cmd.name(), "mapfile" | "readarray") {
        return Some("a shell array");
    }
    // Output sent elsewhere is not captured.
    if cmd
        .redirects
        .iter()
        .any(|r| r.op.starts_with('>') && r.fd.is_none_or(|fd| fd == 1))
    {
        return None;
    }
    let sub = script.substitutions.get(*cmd.within.last()?)?;
    if sub.kind != SubstKind::Command {
        return None;
    }
    // The last stage of its pipeline, or followed only by stages that pass everything on.
    let later_pass_all = cmd.pipes.last().is_none_or(|pos| {
        let stages = script.pipelines.get(pos.pipeline).map_or(0, |p| p.stages);
        (pos.stage + 1..stages)
            .flat_map(|st| script.stage(pos.pipeline, st))
            .all(passes_all)
    });
    later_pass_all.then_some("a shell value")
}

/// The command (or the start of its pipeline) produces bytes forever.
fn endless_source(script: &Script, cmd: &Command) -> bool {
    let endless_file = |p: &str| matches!(p, "/dev/zero" | "/dev/urandom" | "/dev/random");
    let endless = |c: &Command| match c.name() {
        "yes" => true,
        "cat" | "tac" | "pv" | "tail" => c.args().iter().any(|a| endless_file(&a.text)),
        "" | "mapfile" | "readarray" | "tr" | "rev" => c
            .redirects
            .iter()
            .any(|r| r.op.starts_with('<') && endless_file(&r.target.text)),
        _ => false,
    };
    if endless(cmd) {
        return true;
    }
    // `yes | tr y n`: an endless stage earlier, and nothing from there on that stops reading.
    cmd.pipes.last().is_some_and(|pos| {
        passes_all(cmd)
            && (0..pos.stage).any(|start| {
                script.stage(pos.pipeline, start).any(endless)
                    && (start + 1..pos.stage)
                        .flat_map(|st| script.stage(pos.pipeline, st))
                        .all(passes_all)
            })
    })
}

/// A filter that copies all of an endless input through (unlike `head`, which stops).
fn passes_all(c: &Command) -> bool {
    matches!(
        c.name(),
        "tr" | "cat" | "rev" | "base64" | "xxd" | "od" | "tee" | "mapfile" | "readarray"
    )
}
