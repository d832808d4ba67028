//! The decision flow: a verdict plus policy, approvals and who is present → run, ask or refuse.

use super::approvals::ApprovalStore;
use super::{Mode, Policy, Unattended};
use crate::findings::Action;
use crate::Verdict;

/// What to do with a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Run it.
    Run,
    /// Ask the person.
    Ask(AskKind),
    /// Do not run it; the reason says why.
    Refuse(String),
}

/// What kind of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskKind {
    /// A warned command: once / session / always / deny.
    Approve,
    /// A blocked (non-floor) command: only an explicit typed confirmation runs it.
    Override,
}

/// Who is asking and about what.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// A person can answer (a TTY is attached).
    pub interactive: bool,
    /// The shell or agent session, for session approvals.
    pub session: Option<&'a str>,
    /// The canonical command (the approval key).
    pub key: &'a str,
}

/// Rule ids that the floor or the user's own deny lists produced: nothing overrides them.
pub fn is_hard(v: &Verdict) -> bool {
    v.findings
        .iter()
        .any(|f| f.action == Action::Block && (f.floor || f.rule_id.starts_with("policy.")))
}

/// The warn-level rule ids of a verdict (what an approval must cover).
pub fn warn_rules(v: &Verdict) -> Vec<String> {
    let mut ids: Vec<String> = v
        .findings
        .iter()
        .filter(|f| f.action == Action::Warn)
        .map(|f| f.rule_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Decide.
pub fn decide(v: &Verdict, policy: &Policy, store: &ApprovalStore, ctx: Context<'_>) -> Outcome {
    match v.action {
        Action::Allow => Outcome::Run,
        Action::Block if is_hard(v) => Outcome::Refuse(
            "a hardline rule or your own deny list forbids this command; no approval can run it"
                .into(),
        ),
        Action::Block if ctx.interactive => Outcome::Ask(AskKind::Override),
        Action::Block => Outcome::Refuse("blocked, and nobody is present to override it".into()),
        Action::Warn => {
            if store.covers(ctx.key, &warn_rules(v), ctx.session) {
                return Outcome::Run;
            }
            if policy.approval.mode == Mode::Off {
                return Outcome::Run;
            }
            if ctx.interactive {
                return Outcome::Ask(AskKind::Approve);
            }
            match policy.approval.unattended {
                Unattended::Allow => Outcome::Run,
                Unattended::Deny => {
                    Outcome::Refuse("needs a person's approval and nobody is present".into())
                }
            }
        }
    }
}
