//! Analyzers: each looks at the IR and reports rule hits. Metadata (title, severity, remediation)
//! comes from the rule packs; analyzers only say *which* rule fired *where*.

pub mod agent_context;
pub mod beacon;
pub mod command_rules;
pub mod confusables;
pub mod credential_handoff;
pub mod domain_forms;
pub mod domains;
pub mod every_listed;
pub mod exfil;
pub mod exhaustion;
pub mod fork_bomb;
pub mod gaps;
pub mod guard;
pub mod hijack;
pub mod kill_all;
pub mod persistence;
pub mod planted;
pub mod printed_escapes;
pub mod remote_code;
pub mod reverse_shell;
pub mod secret_shown;
pub mod supply;
pub mod urls;
pub mod vocab;

use crate::findings::Span;
use crate::rules::RuleSet;
use crate::shell::Script;

/// A rule hit before metadata and policy are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Rule id; must exist in the rule set.
    pub rule_id: &'static str,
    /// Where in the input.
    pub span: Span,
    /// What exactly matched (e.g. the canonical command).
    pub detail: Option<String>,
}

/// A rule hit whose id is owned (for rules loaded from packs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedHit {
    /// Rule id.
    pub rule_id: String,
    /// Where in the input.
    pub span: Span,
    /// What exactly matched.
    pub detail: Option<String>,
}

impl From<Hit> for OwnedHit {
    fn from(h: Hit) -> Self {
        OwnedHit {
            rule_id: h.rule_id.to_string(),
            span: h.span,
            detail: h.detail,
        }
    }
}

/// Analyzers that only make sense on the input as typed (before the text layer folded lookalikes).
pub fn run_on_original(script: &Script) -> Vec<OwnedHit> {
    confusables::analyze(script)
        .into_iter()
        .map(OwnedHit::from)
        .collect()
}

/// Analyzers of the input text itself: instructions addressed to an AI agent anywhere in it
/// (comments included, which the shell layer drops).
pub fn run_on_text(input: &str, script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    agent_context::analyze_text(input, script, rules, run_code)
}

/// Structural analyzers that need only the script.
const STRUCTURAL: &[fn(&Script) -> Vec<Hit>] = &[
    remote_code::analyze,
    fork_bomb::analyze,
    exhaustion::analyze,
    kill_all::analyze,
    every_listed::analyze,
    hijack::analyze,
    guard::analyze,
    reverse_shell::analyze,
    exfil::analyze,
    beacon::analyze,
    secret_shown::analyze,
    printed_escapes::analyze,
    credential_handoff::analyze,
    urls::analyze,
    supply::analyze,
    gaps::analyze,
];

/// Run every analyzer over a script.
pub fn run_all(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    let mut hits = run_code(script, rules);
    hits.extend(planted::analyze(script, rules, run_code));
    hits.extend(agent_context::analyze(script, rules, run_code));
    hits
}

/// Every analyzer over the code of a script (without looking into files it plants).
fn run_code(script: &Script, rules: &RuleSet) -> Vec<OwnedHit> {
    // Command rules, then each structural analyzer, then persistence: the order of the hits.
    let run = |i: usize| -> Vec<OwnedHit> {
        match i {
            0 => command_rules::analyze(script, rules),
            i if i <= STRUCTURAL.len() => STRUCTURAL[i - 1](script)
                .into_iter()
                .map(OwnedHit::from)
                .collect(),
            _ => persistence::analyze(script, rules),
        }
    };
    let count = STRUCTURAL.len() + 2;
    // A long script's analyzers share the two cores; the order of the hits is the same.
    let parts: Vec<Vec<OwnedHit>> = if script.commands.len() >= PARALLEL_ANALYSIS_COMMANDS {
        use rayon::prelude::*;
        (0..count).into_par_iter().map(run).collect()
    } else {
        (0..count).map(run).collect()
    };
    parts.into_iter().flatten().collect()
}

/// Scripts with at least this many commands are analysed on two cores.
const PARALLEL_ANALYSIS_COMMANDS: usize = 2048;
