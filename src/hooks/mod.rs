//! Agent hook adapters: read an agent's pre-tool-call JSON, scan the shell command, and answer in
//! that agent's own protocol. Every failure (malformed, empty or oversized input, a missing
//! command, an internal error) produces a *blocking* answer in the protocol's form — a crash or a
//! non-blocking exit code would let the command run. (`[errors] on_error = "open"` changes that.)

mod protocol;

pub use protocol::Agent;

use crate::findings::Action;
use crate::policy::approvals::ApprovalStore;
use crate::policy::decide::{self, Context, Outcome};
use crate::policy::FailMode;
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

/// Answer one hook invocation with the scanner's policy and the given approval store.
pub fn answer(
    agent: Agent,
    payload: &[u8],
    scanner: &Scanner,
    store: &ApprovalStore,
) -> HookAnswer {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decide(agent, payload, scanner, store)
    }));
    let fail_open = scanner.policy().errors.on_error == FailMode::Open;
    match outcome {
        Ok(Ok((decision, reason))) => agent.render(decision, &reason),
        Ok(Err(_)) | Err(_) if fail_open => agent.render(Decision::Allow, ""),
        Ok(Err(problem)) => agent.render(Decision::Deny, &problem),
        Err(_) => agent.render(
            Decision::Deny,
            "hermes-scan: internal error while checking this command; refusing to run it",
        ),
    }
}

/// The decision and reason for one payload; `Err` when the input itself is unusable.
fn decide(
    agent: Agent,
    payload: &[u8],
    scanner: &Scanner,
    store: &ApprovalStore,
) -> Result<(Decision, String), String> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(format!(
            "hermes-scan: hook input of {} bytes is over the limit; refusing to run it",
            payload.len()
        ));
    }
    let value: Value = crate::text::json::parse_unique(payload).map_err(|e| {
        let what = if payload.iter().all(u8::is_ascii_whitespace) {
            "empty".to_string()
        } else {
            format!("malformed ({e})")
        };
        format!("hermes-scan: hook input is {what}; refusing to run the tool call")
    })?;
    let tool = value
        .get("tool_name")
        .and_then(Value::as_str)
        .ok_or("hermes-scan: hook input has no tool_name; refusing to run the tool call")?;
    let input = value.get("tool_input").cloned().unwrap_or(Value::Null);
    if let Some(urls) = agent.fetch_urls(tool, &input) {
        return decide_fetch(agent, tool, &urls, scanner);
    }
    if !agent.is_shell_tool(tool) {
        return Ok((Decision::Allow, String::new()));
    }
    let command = value
        .pointer("/tool_input/command")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            format!("hermes-scan: the {tool} tool call has no string tool_input.command; refusing to run it")
        })?;
    let verdict = scanner.scan(command);
    let key = scanner.approval_key(command);
    let ctx = Context {
        interactive: false,
        session: value.get("session_id").and_then(Value::as_str),
        key: &key,
    };
    let decision = match decide::decide(&verdict, scanner.policy(), store, ctx) {
        Outcome::Run => Decision::Allow,
        // The agent's own UI can ask a person about a warned command.
        _ if verdict.action == Action::Warn && agent.can_ask() => Decision::Ask,
        _ => Decision::Deny,
    };
    Ok((decision, reason_text(&verdict, decision)))
}

/// A web fetch: every URL through the URL policy (with DNS, within its timeout). A tool call
/// without a URL is unusable input (refused, like a shell call without a command).
fn decide_fetch(
    agent: Agent,
    tool: &str,
    urls: &[String],
    scanner: &Scanner,
) -> Result<(Decision, String), String> {
    if urls.is_empty() {
        return Err(format!(
            "hermes-scan: the {tool} tool call has no tool_input.url; refusing to run it"
        ));
    }
    let settings = &scanner.policy().web;
    let resolver = crate::web::resolve::System;
    let verdicts: Vec<crate::web::UrlVerdict> = urls
        .iter()
        .map(|u| crate::web::judge(u, scanner, settings, Some(&resolver)))
        .collect();
    let worst = verdicts
        .iter()
        .map(|v| v.action)
        .max()
        .unwrap_or(Action::Allow);
    let decision = match worst {
        Action::Allow => Decision::Allow,
        Action::Warn if agent.can_ask() => Decision::Ask,
        _ => Decision::Deny,
    };
    if decision == Decision::Allow {
        return Ok((decision, String::new()));
    }
    let reasons: Vec<String> = verdicts
        .iter()
        .flat_map(|v| {
            v.findings
                .iter()
                .take(3)
                .map(move |f| format!("{} [{}] ({}: {})", f.title, f.rule_id, v.url, f.detail))
        })
        .collect();
    let lead = if decision == Decision::Deny {
        "hermes-scan refused this fetch"
    } else {
        "hermes-scan wants a person to approve this fetch"
    };
    Ok((decision, format!("{lead}: {}", reasons.join("; "))))
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
        let hard = if f.floor { ", hardline" } else { "" };
        parts.push(format!("{} [{}{hard}]{detail}", f.title, f.rule_id));
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
