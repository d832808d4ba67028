//! Agent hook adapters: read an agent's pre-tool-call JSON, scan the shell command, and answer in
//! that agent's own protocol. Every failure (malformed, empty or oversized input, a missing
//! command, an internal error) produces a *blocking* answer in the protocol's form — a crash or a
//! non-blocking exit code would let the command run.

mod protocol;

pub use protocol::Agent;

use crate::findings::Action;
use crate::{Scanner, Verdict};
use serde_json::Value;

/// Largest hook payload accepted (the scanner's own input limit plus JSON overhead).
pub const MAX_PAYLOAD_BYTES: usize = crate::text::MAX_INPUT_BYTES + 64 * 1024;

/// What the hook process prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookAnswer {
    /// Text for stdout (`None`: print nothing).
    pub stdout: Option<String>,
    /// Text for stderr.
    pub stderr: Option<String>,
    /// Process exit code.
    pub exit_code: i32,
}

/// The decision a hook conveys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let the tool call run.
    Allow,
    /// Ask the person in the agent's UI.
    Ask,
    /// Refuse the tool call.
    Deny,
}

/// Answer one hook invocation. `unattended_warn` is what a warn verdict becomes for agents
/// that cannot ask a person (Hermes, Codex): `Deny` unless configured otherwise.
pub fn answer(
    agent: Agent,
    payload: &[u8],
    scanner: &Scanner,
    unattended_warn: Decision,
) -> HookAnswer {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decide(agent, payload, scanner, unattended_warn)
    }));
    match outcome {
        Ok((decision, reason)) => agent.render(decision, &reason),
        Err(_) => agent.render(
            Decision::Deny,
            "hermes-scan: internal error while checking this command; refusing to run it",
        ),
    }
}

/// The decision and the reason text for one payload.
fn decide(
    agent: Agent,
    payload: &[u8],
    scanner: &Scanner,
    unattended_warn: Decision,
) -> (Decision, String) {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return (
            Decision::Deny,
            format!(
                "hermes-scan: hook input of {} bytes is over the limit; refusing to run it",
                payload.len()
            ),
        );
    }
    let value: Value = match serde_json::from_slice(payload) {
        Ok(v) => v,
        Err(e) => {
            let what = if payload.iter().all(u8::is_ascii_whitespace) {
                "empty".to_string()
            } else {
                format!("malformed ({e})")
            };
            return (
                Decision::Deny,
                format!("hermes-scan: hook input is {what}; refusing to run the tool call"),
            );
        }
    };
    let Some(tool) = value.get("tool_name").and_then(Value::as_str) else {
        return (
            Decision::Deny,
            "hermes-scan: hook input has no tool_name; refusing to run the tool call".to_string(),
        );
    };
    if !agent.is_shell_tool(tool) {
        return (Decision::Allow, String::new());
    }
    let Some(command) = value.pointer("/tool_input/command").and_then(Value::as_str) else {
        return (
            Decision::Deny,
            format!("hermes-scan: the {tool} tool call has no string tool_input.command; refusing to run it"),
        );
    };
    let verdict = scanner.scan(command);
    let decision = match verdict.action {
        Action::Allow => Decision::Allow,
        Action::Block => Decision::Deny,
        Action::Warn if agent.can_ask() => Decision::Ask,
        Action::Warn => unattended_warn,
    };
    (decision, reason_text(&verdict, decision))
}

/// Short, specific reason: the top findings with rule ids, and what to do instead.
pub fn reason_text(v: &Verdict, decision: Decision) -> String {
    if v.findings.is_empty() {
        return String::new();
    }
    let lead = match decision {
        Decision::Deny => "hermes-scan refused this command",
        Decision::Ask => "hermes-scan wants a person to approve this command",
        Decision::Allow => "hermes-scan notes",
    };
    let mut parts = Vec::new();
    for f in v.findings.iter().take(3) {
        let detail = f
            .detail
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        parts.push(format!(
            "{} [{}{}]{}",
            f.title,
            f.rule_id,
            if f.floor { ", hardline" } else { "" },
            detail
        ));
    }
    let more = v.findings.len().saturating_sub(3);
    let tail = if more > 0 {
        format!("; +{more} more")
    } else {
        String::new()
    };
    let fix = &v.findings[0].remediation;
    let retry = if decision == Decision::Deny {
        " Do not retry the same effect with a different spelling."
    } else {
        ""
    };
    format!("{lead}: {}{tail}. Instead: {fix}{retry}", parts.join("; "))
}
