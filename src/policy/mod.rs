//! Policy: turns rule hits into actions and decides what happens next.
//!
//! * [`Policy`] is the user's config (`$XDG_CONFIG_HOME/hermes-scan/config.toml`) tightened by an
//!   optional project file (`.hermes-scan.toml`) and environment overrides (see `load.rs`).
//! * The floor (hardline rules) can never be lowered by any of them.
//! * Approvals (`approvals.rs`) and the decision flow (`decide.rs`) turn a verdict into
//!   run / ask / refuse for shells and agents.

pub mod approvals;
pub mod decide;
pub use crate::text::glob;
pub mod load;

use crate::findings::{Action, Severity};
use crate::text::dotted_tail;
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

/// How warned commands get approved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Yolo: no approval prompts (the floor and user denies still apply).
    Off,
    /// An LLM reviewer may approve, deny or escalate to a person.
    Smart,
    /// A person approves every warned command.
    #[default]
    Manual,
}

/// What a warned command becomes when nobody is present (no TTY, CI, cron, an agent hook that
/// cannot ask).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unattended {
    /// Refuse it (the default).
    #[default]
    Deny,
    /// Let it run.
    Allow,
}

/// What to do when hermes-scan itself fails (bad input to a hook, internal error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailMode {
    /// Refuse the command (the default).
    #[default]
    Closed,
    /// Let the command run.
    Open,
}

/// `[approval]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApprovalSettings {
    /// manual, smart or off.
    pub mode: Mode,
    /// Seconds to wait for an answer; unanswered means deny.
    pub timeout_secs: u64,
    /// What warn becomes with nobody present.
    pub unattended: Unattended,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            mode: Mode::Manual,
            timeout_secs: 300,
            unattended: Unattended::Deny,
        }
    }
}

/// `[deny]`: things the user never wants to run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DenyLists {
    /// Globs over canonical commands (`git push --force*`): quoting tricks do not escape them.
    pub commands: Vec<String>,
    /// Domains (and their subdomains) never to contact (`evil.example`, `*.pastebin.com`).
    pub domains: Vec<String>,
}

/// `[allow]`: trusted domains whose URL findings are suppressed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AllowLists {
    /// Domains (and their subdomains) the user trusts.
    pub domains: Vec<String>,
}

/// `[advisories]`: where `advisories sync` downloads from and whether stale data refreshes itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdvisorySettings {
    /// Mirror of OSV's per-ecosystem dumps (`{base_url}/{ecosystem}/all.zip`).
    pub base_url: Option<String>,
    /// Ecosystems to sync (default: the ones hermes-scan checks).
    pub ecosystems: Vec<String>,
    /// When set (`"24h"`), a `check` that consults the store starts a background sync once the
    /// synced data is older than this. Never in the foreground.
    pub auto_sync: Option<String>,
}

/// `[supply]`: online lookups of installs against the OSV API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupplySettings {
    /// Ask the OSV API about every package of an install `check` sees (off by default: a
    /// command without an install intent never touches the network either way).
    pub online: bool,
    /// OSV API base URL.
    pub osv_url: Option<String>,
    /// Total time an online lookup may take, in milliseconds.
    pub budget_ms: u64,
    /// When the API fails or the budget runs out: `open` (judge with the local data) or
    /// `closed` (block the install).
    pub on_error: FailMode,
    /// Hours an API answer is reused from the on-disk cache.
    pub cache_ttl_hours: u64,
}

impl Default for SupplySettings {
    fn default() -> Self {
        SupplySettings {
            online: false,
            osv_url: None,
            budget_ms: 1500,
            on_error: FailMode::Open,
            cache_ttl_hours: 24,
        }
    }
}

/// A duration in config or flags: `90s`, `30m`, `24h`, `7d`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (like 90s, 30m, 24h, 7d)"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => {
            return Err(format!(
                "{text:?}: unknown unit {unit:?} (use s, m, h or d)"
            ))
        }
    };
    Ok(std::time::Duration::from_secs(secs))
}

/// `[errors]` settings.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ErrorSettings {
    /// closed (refuse) or open (run) when hermes-scan itself fails.
    pub on_error: FailMode,
}

/// The effective configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Overrides keyed by rule id.
    #[serde(default)]
    pub rules: HashMap<String, RuleOverride>,
    /// Extra rule packs to load (paths).
    #[serde(default)]
    pub packs: Vec<String>,
    /// Approval settings.
    #[serde(default)]
    pub approval: ApprovalSettings,
    /// User deny lists.
    #[serde(default)]
    pub deny: DenyLists,
    /// User allow lists.
    #[serde(default)]
    pub allow: AllowLists,
    /// Failure behaviour.
    #[serde(default)]
    pub errors: ErrorSettings,
    /// Advisory data sync.
    #[serde(default)]
    pub advisories: AdvisorySettings,
    /// Online supply-chain lookups.
    #[serde(default)]
    pub supply: SupplySettings,
    /// How approved commands are executed (`run`, the agent loop).
    #[serde(default)]
    pub exec: crate::exec::ExecSettings,
    /// The URL policy for agent fetches (`url`, the WebFetch hook).
    #[serde(default)]
    pub web: crate::web::WebSettings,
    /// Overrides from a project file: they may only raise actions and severities.
    #[serde(skip)]
    pub project_rules: HashMap<String, RuleOverride>,
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
    /// Load one TOML file; errors name the file and the line.
    /// Relative `packs` paths are resolved against the file's own directory.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let fail = |why: String| PolicyError(format!("{}: {why}", path.display()));
        if path.is_dir() {
            return Err(fail("is a directory, not a config file".into()));
        }
        let text =
            crate::files::read_limited_string(path, crate::files::CONFIG_LIMIT).map_err(|e| {
                let dangling = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
                if dangling {
                    fail(format!("is a symlink to a file that cannot be read ({e})"))
                } else {
                    fail(e.to_string())
                }
            })?;
        let mut policy = Self::parse(&text).map_err(|e| fail(e.0))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for pack in &mut policy.packs {
            if Path::new(pack.as_str()).is_relative() {
                *pack = base.join(pack.as_str()).to_string_lossy().into_owned();
            }
        }
        Ok(policy)
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

    /// Apply a project file on top of this policy. A project file may only tighten: raise rule
    /// actions, add denies and packs, make approval stricter. Anything looser is ignored.
    pub fn tighten_with(&mut self, project: Policy) {
        for (id, o) in project.rules {
            self.project_rules.insert(id, o);
        }
        self.packs.extend(project.packs);
        self.deny.commands.extend(project.deny.commands);
        self.deny.domains.extend(project.deny.domains);
        self.approval.mode = self.approval.mode.max(project.approval.mode);
        self.approval.timeout_secs = self
            .approval
            .timeout_secs
            .min(project.approval.timeout_secs);
        if project.approval.unattended == Unattended::Deny {
            self.approval.unattended = Unattended::Deny;
        }
        if project.errors.on_error == FailMode::Closed {
            self.errors.on_error = FailMode::Closed;
        }
    }

    /// The action and severity for a rule, given its defaults and floor status.
    pub fn resolve(
        &self,
        rule_id: &str,
        default_action: Action,
        default_severity: Severity,
        floor: bool,
    ) -> (Action, Severity) {
        let (mut action, mut severity) = match self.rules.get(rule_id) {
            Some(o) => (
                o.action.unwrap_or(default_action),
                o.severity.unwrap_or(default_severity),
            ),
            None => (default_action, default_severity),
        };
        if let Some(p) = self.project_rules.get(rule_id) {
            action = action.max(p.action.unwrap_or(action));
            severity = severity.max(p.severity.unwrap_or(severity));
        }
        if floor {
            action = action.max(default_action);
            severity = severity.max(default_severity);
        }
        (action, severity)
    }

    /// Is `host` on (or under) one of the listed domains?
    pub fn domain_listed(list: &[String], host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        list.iter().any(|d| {
            let d = d
                .trim_start_matches("*.")
                .trim_end_matches('.')
                .to_ascii_lowercase();
            dotted_tail(&host, &d)
        })
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

    #[test]
    fn project_file_only_tightens() {
        let mut user = Policy::parse(
            "[approval]\nmode = \"manual\"\nunattended = \"allow\"\n[rules.\"git.push-force\"]\naction = \"allow\"\n",
        )
        .unwrap();
        let project = Policy::parse(
            "[approval]\nmode = \"off\"\nunattended = \"deny\"\ntimeout_secs = 60\n[rules.\"git.reset-hard\"]\naction = \"allow\"\n[rules.\"git.push-force\"]\naction = \"block\"\n[deny]\ncommands = [\"npm publish*\"]\n[errors]\non_error = \"open\"\n",
        )
        .unwrap();
        user.tighten_with(project);
        assert_eq!(
            user.approval.mode,
            Mode::Manual,
            "project cannot turn approvals off"
        );
        assert_eq!(user.approval.unattended, Unattended::Deny);
        assert_eq!(user.approval.timeout_secs, 60);
        assert_eq!(user.errors.on_error, FailMode::Closed);
        assert_eq!(
            user.resolve("git.reset-hard", Action::Warn, Severity::Medium, false)
                .0,
            Action::Warn,
            "project cannot lower a rule"
        );
        assert_eq!(
            user.resolve("git.push-force", Action::Warn, Severity::High, false)
                .0,
            Action::Block,
            "project can raise a rule the user lowered"
        );
        assert_eq!(user.deny.commands, vec!["npm publish*".to_string()]);
    }

    #[test]
    fn domain_lists_cover_subdomains() {
        let list = vec!["evil.example".to_string(), "*.pastebin.com".to_string()];
        assert!(Policy::domain_listed(&list, "evil.example"));
        assert!(Policy::domain_listed(&list, "cdn.evil.example"));
        assert!(Policy::domain_listed(&list, "x.pastebin.com"));
        assert!(!Policy::domain_listed(&list, "notevil.example"));
    }
}
