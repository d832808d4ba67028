//! Policy: turns rule hits into actions. Per-rule overrides come from a TOML file; the floor
//! (hardline rules) can never be lowered by it.

use crate::findings::{Action, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Override of one rule's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New action.
    pub action: Option<Action>,
    /// New severity.
    pub severity: Option<Severity>,
}

/// A policy file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Overrides keyed by rule id.
    #[serde(default)]
    pub rules: HashMap<String, RuleOverride>,
    /// Extra rule packs to load (paths).
    #[serde(default)]
    pub packs: Vec<String>,
}

/// A policy file that could not be used.
#[derive(Debug)]
pub struct PolicyError(pub String);

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// Load from a TOML file; errors name the file and the line.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyError(format!("{}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| PolicyError(format!("{}: {}", path.display(), e.0)))
    }

    /// Parse TOML text.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(0);
            PolicyError(format!("line {line}: {}", e.message()))
        })
    }

    /// The action and severity for a rule, given its defaults and floor status.
    pub fn resolve(
        &self,
        rule_id: &str,
        default_action: Action,
        default_severity: Severity,
        floor: bool,
    ) -> (Action, Severity) {
        let Some(o) = self.rules.get(rule_id) else {
            return (default_action, default_severity);
        };
        let mut action = o.action.unwrap_or(default_action);
        let mut severity = o.severity.unwrap_or(default_severity);
        if floor {
            action = action.max(default_action);
            severity = severity.max(default_severity);
        }
        (action, severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_cannot_be_lowered_but_others_can() {
        let p = Policy::parse(
            "[rules.\"floor.rm-root\"]\naction = \"allow\"\n[rules.\"git.reset-hard\"]\naction = \"allow\"\n",
        )
        .unwrap();
        assert_eq!(
            p.resolve("floor.rm-root", Action::Block, Severity::Critical, true)
                .0,
            Action::Block
        );
        assert_eq!(
            p.resolve("git.reset-hard", Action::Warn, Severity::Medium, false)
                .0,
            Action::Allow
        );
    }

    #[test]
    fn malformed_policy_names_the_line() {
        let e = Policy::parse("[rules]\n\"x.y\" = 3\n").unwrap_err();
        assert!(e.0.starts_with("line 2"), "{}", e.0);
    }
}
