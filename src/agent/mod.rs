//! A small guarded agent loop: an LLM with one `terminal` tool, where every command passes the
//! scanner, the policy and the approval flow before it runs, and every result is redacted before
//! the model sees it.

pub mod client;
pub mod review;
pub mod transcript;

use crate::findings::Action;
use crate::policy::approvals::{ApprovalStore, Scope};
use crate::policy::decide::{self, AskKind, Context, Outcome};
use crate::policy::Mode;
use crate::Scanner;
use client::{Model, ModelError};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use transcript::Transcript;

/// The system prompt of the loop.
pub const SYSTEM_PROMPT: &str = "You are a careful software engineering agent with one tool, `terminal`, which runs a bash command in the working directory and returns its exit code and output. Every command is checked by hermes-scan before it runs; refused commands do not run. When a command is refused, do not try to achieve the same effect with a different spelling, encoding or tool: explain what you needed instead. Keep commands small and reviewable. When the task is done, answer in plain text without calling a tool.";

/// The tool schema sent to the model.
pub fn tools() -> Value {
    json!([{
        "type": "function",
        "function": {
            "name": "terminal",
            "description": "Run a bash command in the working directory. Returns exit code and (redacted, truncated) output.",
            "parameters": {
                "type": "object",
                "properties": {
                    "command": {"type": "string", "description": "The bash command to run."},
                    "timeout_s": {"type": "integer", "description": "Seconds before the command is killed (default 30, max 600)."}
                },
                "required": ["command"]
            }
        }
    }])
}

/// A person's answer about a warned command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Run it this time.
    Once,
    /// Run it for the rest of this agent run.
    Session,
    /// Always run exactly this command (for these rules).
    Always,
    /// Do not run it.
    Deny,
}

/// How a person answers (a terminal, or nobody).
pub trait Person {
    /// Ask about a warned command: once / session / always / deny.
    fn approve(&mut self, report: &str) -> Answer;
    /// Ask to override a (non-floor) block with a typed confirmation.
    fn override_block(&mut self, report: &str) -> bool;
}

/// Nobody is present: every question is answered "no".
pub struct Nobody;

impl Person for Nobody {
    fn approve(&mut self, _: &str) -> Answer {
        Answer::Deny
    }
    fn override_block(&mut self, _: &str) -> bool {
        false
    }
}

/// Settings of one run.
pub struct AgentConfig {
    /// The user's task.
    pub task: String,
    /// Stop after this many model turns.
    pub max_turns: usize,
    /// Where commands run.
    pub workdir: PathBuf,
    /// Default per-command timeout.
    pub default_timeout: Duration,
    /// Session id for session approvals.
    pub session: String,
    /// How approved commands execute: environment, sandbox, network, limits (the same path as
    /// `hermes-scan run`).
    pub exec: AgentExec,
}

/// Execution settings of the agent's terminal tool.
#[derive(Debug, Clone)]
pub struct AgentExec {
    /// Sandbox for every command.
    pub sandbox: crate::exec::sandbox::Kind,
    /// Network inside the sandbox.
    pub network: bool,
    /// Variables passed through (exact names and globs).
    pub passthrough: Vec<String>,
    /// Pass the whole environment instead of the sanitized one.
    pub inherit_env: bool,
    /// Limits, credential files, docker image.
    pub settings: crate::exec::ExecSettings,
}

impl Default for AgentExec {
    fn default() -> Self {
        AgentExec {
            sandbox: crate::exec::sandbox::Kind::None,
            network: false,
            passthrough: Vec::new(),
            inherit_env: false,
            settings: crate::exec::ExecSettings::default(),
        }
    }
}

/// Most output bytes returned to the model.
pub const MAX_OUTPUT: usize = 16 * 1024;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentEnd {
    /// The model gave a final answer.
    Answer(String),
    /// The turn limit was reached.
    MaxTurns,
    /// The model could not be reached or answered nonsense.
    ModelFailed(String),
}

/// Who decided about a command.
#[derive(Debug, Clone, Copy)]
enum By {
    Scanner,
    Policy,
    Person,
    Reviewer,
}

impl By {
    fn as_str(self) -> &'static str {
        match self {
            By::Scanner => "scanner",
            By::Policy => "policy",
            By::Person => "person",
            By::Reviewer => "reviewer",
        }
    }
}

/// Everything that stands between a tool call and the machine.
pub struct Guard<'a> {
    /// The scanner (with its policy).
    pub scanner: &'a Scanner,
    /// Approvals given before.
    pub store: &'a ApprovalStore,
    /// Who answers questions.
    pub person: &'a mut dyn Person,
    /// A person can answer.
    pub interactive: bool,
}

/// Run the loop.
pub fn run(
    model: &mut dyn Model,
    guard: &mut Guard<'_>,
    cfg: &AgentConfig,
    log: &mut Transcript,
) -> AgentEnd {
    let mut messages = vec![
        json!({"role": "system", "content": SYSTEM_PROMPT}),
        json!({"role": "user", "content": cfg.task}),
    ];
    let tools = tools();
    for turn in 1..=cfg.max_turns {
        log.record(
            "model_request",
            json!({"turn": turn, "messages": messages.len()}),
        );
        let reply = match model.complete(&messages, Some(&tools)) {
            Ok(m) => m,
            Err(e) => {
                log.record("error", json!({"turn": turn, "error": e.to_string()}));
                return AgentEnd::ModelFailed(e.to_string());
            }
        };
        let content = reply
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let calls: Vec<Value> = reply
            .get("tool_calls")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        log.record(
            "model_response",
            json!({
                "turn": turn,
                "content": crate::exec::redact::redact(&content),
                // Arguments can hold secrets too: logged as redacted JSON text.
                "tool_calls": crate::exec::redact::redact(&Value::Array(calls.clone()).to_string()),
            }),
        );
        let mut assistant = json!({"role": "assistant", "content": content});
        if !calls.is_empty() {
            assistant["tool_calls"] = json!(calls);
        }
        messages.push(assistant);
        if calls.is_empty() {
            log.record(
                "final",
                json!({"turn": turn, "answer": crate::exec::redact::redact(&content)}),
            );
            return AgentEnd::Answer(content);
        }
        for (i, call) in calls.iter().enumerate() {
            let id = call
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("call_{turn}_{i}"));
            let result = handle_call(call, model, guard, cfg, log);
            log.record(
                "tool_result",
                json!({"turn": turn, "id": id, "content": result}),
            );
            messages.push(json!({"role": "tool", "tool_call_id": id, "content": result}));
        }
    }
    log.record(
        "stopped",
        json!({"reason": "max_turns", "max_turns": cfg.max_turns}),
    );
    AgentEnd::MaxTurns
}

/// One tool call → the (redacted) text the model receives.
fn handle_call(
    call: &Value,
    model: &mut dyn Model,
    guard: &mut Guard<'_>,
    cfg: &AgentConfig,
    log: &mut Transcript,
) -> String {
    let name = call
        .pointer("/function/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name != "terminal" {
        return format!("error: unknown tool {name:?}; the only tool is `terminal`");
    }
    let raw = call
        .pointer("/function/arguments")
        .cloned()
        .unwrap_or(Value::Null);
    let args: Value = match &raw {
        Value::String(s) => match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => {
                return format!(
                "error: the tool arguments are not valid JSON ({e}); send {{\"command\": \"…\"}}"
            )
            }
        },
        Value::Object(_) => raw.clone(),
        _ => return "error: missing tool arguments; send {\"command\": \"…\"}".into(),
    };
    let Some(command) = args.get("command").and_then(Value::as_str) else {
        return "error: the tool arguments have no string \"command\"".into();
    };
    let timeout = args
        .get("timeout_s")
        .and_then(Value::as_u64)
        .map(|s| Duration::from_secs(s.clamp(1, 600)))
        .unwrap_or(cfg.default_timeout);
    let verdict = guard.scanner.scan(command);
    log.record(
        "verdict",
        json!({"command": crate::exec::redact::redact(command), "action": verdict.action, "rules": verdict.rule_ids(), "summary": verdict.summary}),
    );
    let (run, by) = approve(&verdict, command, model, guard, cfg);
    log.record("approval", json!({"run": run, "by": by.as_str()}));
    if !run {
        return refusal(&verdict);
    }
    let request = crate::exec::Request {
        command: command.to_string(),
        workdir: cfg.workdir.clone(),
        sandbox: cfg.exec.sandbox,
        network: cfg.exec.network,
        passthrough: cfg.exec.passthrough.clone(),
        inherit_env: cfg.exec.inherit_env,
        timeout,
        settings: cfg.exec.settings.clone(),
    };
    let prepared = match crate::exec::prepare(&request, true, true, true) {
        Ok(mut p) => {
            p.options.max_capture = MAX_OUTPUT;
            p
        }
        Err(e) => return format!("error: {e}"),
    };
    // Names only, never values.
    let mut dropped = prepared.env.dropped.clone();
    dropped.sort();
    log.record(
        "exec",
        json!({"sandbox": cfg.exec.sandbox.as_str(), "network": cfg.exec.network, "limits": cfg.exec.settings.limits, "env_dropped": dropped}),
    );
    match crate::exec::process::run(&prepared.options) {
        Ok(r) => {
            let status = match (r.timed_out, r.code) {
                (true, _) => format!("killed after {}s (timeout)", timeout.as_secs()),
                (false, Some(c)) => format!("exit code {c}"),
                (false, None) => "killed by a signal".to_string(),
            };
            let more = if r.truncated {
                "\n[output truncated]"
            } else {
                ""
            };
            crate::exec::redact::redact(&format!("{status}\n{}{more}", r.output))
        }
        Err(e) => format!("error: could not start the command: {e}"),
    }
}

/// Decide whether a scanned command runs, and who decided.
fn approve(
    verdict: &crate::Verdict,
    command: &str,
    model: &mut dyn Model,
    guard: &mut Guard<'_>,
    cfg: &AgentConfig,
) -> (bool, By) {
    let (scanner, store, interactive) = (guard.scanner, guard.store, guard.interactive);
    if verdict.action == Action::Allow {
        return (true, By::Scanner);
    }
    let key = scanner.approval_key(command);
    let ctx = Context {
        interactive,
        session: Some(&cfg.session),
        key: &key,
    };
    let policy = scanner.policy();
    let outcome = decide::decide(verdict, policy, store, ctx);
    let report = crate::hooks::reason_text(verdict, crate::hooks::Decision::Ask);
    // Smart mode: the reviewer may settle a warned command first (never a block).
    if verdict.action == Action::Warn
        && policy.approval.mode == Mode::Smart
        && outcome != Outcome::Run
    {
        match review::review(model, command, &report) {
            review::Review::Approve => return (true, By::Reviewer),
            review::Review::Deny => return (false, By::Reviewer),
            review::Review::Escalate => {}
        }
    }
    match outcome {
        Outcome::Run => (true, By::Policy),
        Outcome::Refuse(_) => (false, By::Policy),
        Outcome::Ask(AskKind::Approve) => {
            let rules = decide::warn_rules(verdict);
            let saved = match guard.person.approve(&report) {
                Answer::Deny => return (false, By::Person),
                Answer::Once => Ok(()),
                Answer::Session => store.add(
                    &key,
                    &rules,
                    Scope::Session {
                        id: cfg.session.clone(),
                    },
                ),
                Answer::Always => store.add(&key, &rules, Scope::Always),
            };
            let _ = saved;
            (true, By::Person)
        }
        Outcome::Ask(AskKind::Override) => (guard.person.override_block(&report), By::Person),
    }
}

/// What the model is told when a command is refused.
fn refusal(v: &crate::Verdict) -> String {
    format!(
        "REFUSED — the command did not run. {} Do not retry the same effect with a different spelling, encoding or tool; tell the user what you needed instead.",
        crate::hooks::reason_text(v, crate::hooks::Decision::Deny)
    )
}

/// A model error as a short line for the user.
pub fn describe(e: &ModelError) -> String {
    e.to_string()
}
