//! The wire formats of each agent's pre-tool-call hook.

use super::{Decision, HookAnswer};
use serde_json::json;

/// Agents whose hook protocol hermes-scan speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    /// Claude Code `PreToolUse` (Bash tool).
    ClaudeCode,
    /// Hermes Agent `pre_tool_call` (terminal tool).
    Hermes,
    /// Codex `PreToolUse` (Bash tool).
    Codex,
}

impl Agent {
    /// Parse the name used on the command line.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "claude-code" | "claude" => Some(Agent::ClaudeCode),
            "hermes" => Some(Agent::Hermes),
            "codex" => Some(Agent::Codex),
            _ => None,
        }
    }

    /// The tool names that run shell commands for this agent.
    pub fn is_shell_tool(self, tool: &str) -> bool {
        match self {
            Agent::ClaudeCode | Agent::Codex => tool.eq_ignore_ascii_case("Bash"),
            Agent::Hermes => matches!(tool, "terminal" | "shell" | "bash"),
        }
    }

    /// The URLs a web tool call is about to fetch (`None`: not a web-fetch tool). Claude Code's
    /// `WebFetch` (`tool_input.url`); Hermes Agent's `web_extract` (`tool_input.urls`, a list, or
    /// `url`), `web_crawl` and `browser_navigate` (`tool_input.url`). Search tools take a query,
    /// not a URL, and are not judged here.
    pub fn fetch_urls(self, tool: &str, input: &serde_json::Value) -> Option<Vec<String>> {
        let fetches = match self {
            Agent::ClaudeCode => tool == "WebFetch",
            Agent::Hermes => matches!(tool, "web_extract" | "web_crawl" | "browser_navigate"),
            Agent::Codex => false,
        };
        if !fetches {
            return None;
        }
        let mut urls: Vec<String> = input
            .get("urls")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str().map(str::to_string))
            .collect();
        if let Some(u) = input.get("url").and_then(serde_json::Value::as_str) {
            urls.push(u.to_string());
        }
        Some(urls)
    }

    /// Can this agent ask the person in its UI?
    pub fn can_ask(self) -> bool {
        self == Agent::ClaudeCode
    }

    /// Render a decision in the agent's protocol.
    pub fn render(self, decision: Decision, reason: &str) -> HookAnswer {
        let quiet = HookAnswer {
            stdout: None,
            stderr: None,
            exit_code: 0,
        };
        match (self, decision) {
            (Agent::ClaudeCode, Decision::Allow) | (Agent::Hermes, Decision::Allow) => quiet,
            (Agent::ClaudeCode, d) => HookAnswer {
                stdout: Some(
                    json!({"hookSpecificOutput": {
                        "hookEventName": "PreToolUse",
                        "permissionDecision": if d == Decision::Ask { "ask" } else { "deny" },
                        "permissionDecisionReason": reason,
                    }})
                    .to_string(),
                ),
                ..quiet
            },
            (Agent::Hermes, _) => HookAnswer {
                stdout: Some(json!({"decision": "block", "reason": reason}).to_string()),
                ..quiet
            },
            (Agent::Codex, Decision::Allow) => HookAnswer {
                stdout: Some("{}".to_string()),
                ..quiet
            },
            (Agent::Codex, _) => HookAnswer {
                stdout: Some(
                    json!({
                        "decision": "block",
                        "reason": reason,
                        "hookSpecificOutput": {
                            "hookEventName": "PreToolUse",
                            "permissionDecision": "deny",
                            "permissionDecisionReason": reason,
                        }
                    })
                    .to_string(),
                ),
                ..quiet
            },
        }
    }
}
