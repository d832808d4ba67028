//! Findings: what an analyzer reports, and the severity and action vocabulary shared by every stage.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never blocks on its own.
    Info,
    /// Unusual but rarely harmful.
    Low,
    /// Could cause damage in the wrong context.
    Medium,
    /// Likely to cause damage or loss.
    High,
    /// Destroys a system, its data, or hands it to an attacker.
    Critical,
}

impl Severity {
    /// The lowercase name used in JSON and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What should happen to a command. Ordered so that the strictest action is the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Let it run.
    Allow,
    /// Ask a person before it runs.
    Warn,
    /// Refuse it.
    Block,
}

impl Action {
    /// The lowercase name used in JSON, config files and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Block => "block",
        }
    }

    /// The process exit code of `check` for this verdict (0 allow, 1 block, 2 warn).
    pub fn exit_code(self) -> i32 {
        match self {
            Action::Allow => 0,
            Action::Block => 1,
            Action::Warn => 2,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range `[start, end)` into the original input.
pub type Span = (usize, usize);

/// One reason a command is risky, tied to a rule id and to the bytes that triggered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule identifier, `namespace.name`.
    pub rule_id: String,
    /// How bad it is.
    pub severity: Severity,
    /// Rule family, e.g. `destructive` or `remote-code`.
    pub category: String,
    /// One-line title.
    pub title: String,
    /// Why this is dangerous.
    pub description: String,
    /// The offending text as it appears in the input.
    pub evidence: String,
    /// Byte offsets of the evidence in the input.
    pub span: Span,
    /// Hardline rule: no policy, allowlist or mode can lower it.
    pub floor: bool,
    /// What to do instead.
    pub remediation: String,
    /// The action the rule asks for, after policy.
    pub action: Action,
    /// Extra detail specific to this occurrence (e.g. the canonical command that matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
