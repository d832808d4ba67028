//! Rule packs: rules as data (`rules/*.toml`), compiled into the binary and indexed by program name.

pub mod matcher;
pub mod pack;

use crate::findings::{Action, Severity};
pub use matcher::Matcher;
pub use pack::{Examples, MatchSpec, PackFile, RuleSpec};
use std::collections::HashMap;
use std::path::Path;

/// The packs compiled into the binary: (file name, contents).
pub const EMBEDDED_PACKS: &[(&str, &str)] = &[
    ("core.toml", include_str!("../../rules/core.toml")),
    ("floor.toml", include_str!("../../rules/floor.toml")),
    (
        "filesystem.toml",
        include_str!("../../rules/filesystem.toml"),
    ),
    ("git.toml", include_str!("../../rules/git.toml")),
    ("system.toml", include_str!("../../rules/system.toml")),
    ("data.toml", include_str!("../../rules/data.toml")),
    ("infra.toml", include_str!("../../rules/infra.toml")),
    (
        "remote-code.toml",
        include_str!("../../rules/remote-code.toml"),
    ),
    ("deception.toml", include_str!("../../rules/deception.toml")),
    (
        "reverse-shell.toml",
        include_str!("../../rules/reverse-shell.toml"),
    ),
    (
        "persistence.toml",
        include_str!("../../rules/persistence.toml"),
    ),
    (
        "exfiltration.toml",
        include_str!("../../rules/exfiltration.toml"),
    ),
    ("urls.toml", include_str!("../../rules/urls.toml")),
    ("policy.toml", include_str!("../../rules/policy.toml")),
    (
        "self-protection.toml",
        include_str!("../../rules/self-protection.toml"),
    ),
    ("supply.toml", include_str!("../../rules/supply.toml")),
    (
        "floor-effects.toml",
        include_str!("../../rules/floor-effects.toml"),
    ),
];

/// Named patterns shared by the packs (`rules/tables.toml`): block devices, critical files,
/// system directories, shells and interpreters. A pack writes `{block_device}` inside a regex.
const TABLES_TOML: &str = include_str!("../../rules/tables.toml");

/// Replace every `{name}` of the shared tables in a pack's text.
fn expand_tables(text: &str) -> String {
    static TABLES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let t: HashMap<String, String> =
            toml::from_str(TABLES_TOML).expect("rules/tables.toml is valid");
        let mut v: Vec<(String, String)> = t
            .into_iter()
            .map(|(k, v)| (format!("{{{k}}}"), v))
            .collect();
        v.sort();
        v
    });
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (k, v) in tables {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), v);
        }
    }
    out
}

/// A loaded rule: its metadata and compiled matchers.
#[derive(Debug)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// Compiled `match` blocks.
    pub matchers: Vec<Matcher>,
    /// The pack file it came from.
    pub pack: String,
}

impl Rule {
    /// Stable id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }
    /// Default severity.
    pub fn severity(&self) -> Severity {
        self.spec.severity
    }
    /// Default action.
    pub fn action(&self) -> Action {
        self.spec.action
    }
}

/// All rules, indexed for matching.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
    by_command: HashMap<String, Vec<(usize, usize)>>,
    prefix_or_any: Vec<(usize, usize)>,
}

/// Error loading a pack.
#[derive(Debug)]
pub struct PackError(pub String);

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PackError {}

impl RuleSet {
    /// The embedded packs.
    pub fn embedded() -> Result<Self, PackError> {
        let mut set = RuleSet::default();
        for (name, text) in EMBEDDED_PACKS {
            set.add_pack(name, text, false)?;
        }
        Ok(set)
    }

    /// Add a user pack from a file.
    pub fn add_pack_file(&mut self, path: &Path) -> Result<(), PackError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PackError(format!("{}: {e}", path.display())))?;
        self.add_pack(&path.display().to_string(), &text, true)
    }

    /// Parse and add a pack; ids must be unique across packs. With `validate`, every regex is
    /// compiled now so that errors surface at load time.
    pub fn add_pack(&mut self, name: &str, text: &str, validate: bool) -> Result<(), PackError> {
        let text = expand_tables(text);
        let file: PackFile =
            toml::from_str(&text).map_err(|e| PackError(format!("{name}: {e}")))?;
        for spec in file.rule {
            if self.by_id.contains_key(&spec.id) {
                return Err(PackError(format!("{name}: duplicate rule id {}", spec.id)));
            }
            if !spec.id.contains('.') {
                return Err(PackError(format!(
                    "{name}: rule id {} must be namespace.name",
                    spec.id
                )));
            }
            if !spec.structural && spec.matchers.is_empty() {
                return Err(PackError(format!(
                    "{name}: rule {} has no match block and is not structural",
                    spec.id
                )));
            }
            let matchers = spec
                .matchers
                .iter()
                .map(|m| Matcher::compile(m, validate))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| PackError(format!("{name}: rule {}: {e}", spec.id)))?;
            let idx = self.rules.len();
            for (mi, m) in matchers.iter().enumerate() {
                let exact: Vec<&String> =
                    m.commands().iter().filter(|c| !c.ends_with('*')).collect();
                if m.commands().is_empty() || exact.len() != m.commands().len() {
                    self.prefix_or_any.push((idx, mi));
                }
                for c in exact {
                    self.by_command
                        .entry(c.clone())
                        .or_default()
                        .push((idx, mi));
                }
            }
            self.by_id.insert(spec.id.clone(), idx);
            self.rules.push(Rule {
                spec,
                matchers,
                pack: name.to_string(),
            });
        }
        Ok(())
    }

    /// Every rule, in pack order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Look a rule up by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Candidate (rule, matcher) pairs for a program name.
    pub fn candidates<'a>(&'a self, name: &str) -> impl Iterator<Item = (&'a Rule, &'a Matcher)> {
        self.by_command
            .get(name)
            .into_iter()
            .flatten()
            .chain(self.prefix_or_any.iter())
            .map(move |&(r, m)| (&self.rules[r], &self.rules[r].matchers[m]))
    }

    /// Every prefilter keyword: rule command names (prefix part for `x*`) and explicit keywords.
    pub fn keywords(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rules {
            out.extend(r.spec.keywords.iter().cloned());
            for m in &r.matchers {
                for c in m.commands() {
                    out.push(c.trim_end_matches('*').to_string());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}
