//! The lazy-install front door: tools that install optional dependencies on first use ask
//! hermes-scan to vet `ECOSYSTEM:SPEC` first. Only exact pins of plain registry names pass the
//! syntax check; every package is then checked against advisories and typosquat lists.

use super::intents::{npm_spec, pypi_spec, Intent, Requested, Source};
use super::{store, Ecosystem};
use crate::analyzers::Hit;

/// Why a spec was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The spec as given.
    pub spec: String,
    /// Rule id (supply.*) or `syntax`.
    pub rule: String,
    /// Explanation.
    pub reason: String,
}

/// Characters that never belong in a package spec handed to an installer.
const FORBIDDEN: &[char] = &[
    ';', '|', '&', '$', '`', '<', '>', '(', ')', '{', '}', '\'', '"', '\\', ' ', '\t', '\n', '\r',
    '*', '?', '!', '#',
];

/// Parse and vet `ECOSYSTEM:SPEC` strings. Returns the intents when all pass, or every refusal.
pub fn vet(specs: &[String], allow_ranges: bool) -> Result<Vec<Intent>, Vec<Refusal>> {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    let dir = store::default_dir();
    let dir = dir.is_dir().then_some(dir);
    // `[supply] online` applies here as in `check` (an unreadable config changes nothing: the
    // local check still runs).
    let cwd = std::env::current_dir().ok();
    let online = crate::policy::load::effective(None, cwd.as_deref())
        .ok()
        .map(|p| p.supply)
        .filter(|s| s.online);
    for raw in specs {
        match parse(raw, allow_ranges) {
            Err(reason) => refused.push(Refusal {
                spec: raw.clone(),
                rule: if is_usage_error(raw) {
                    "usage"
                } else {
                    "syntax"
                }
                .into(),
                reason,
            }),
            Ok(intent) => {
                let mut hits: Vec<Hit> = Vec::new();
                crate::analyzers::supply::check(&intent, dir.as_deref(), &mut hits);
                if hits.is_empty() {
                    if let Some(settings) = &online {
                        hits = crate::analyzers::supply::online_intents(
                            std::slice::from_ref(&intent),
                            settings,
                        );
                    }
                }
                if hits.is_empty() {
                    ok.push(intent);
                } else {
                    for h in hits {
                        refused.push(Refusal {
                            spec: raw.clone(),
                            rule: h.rule_id.to_string(),
                            reason: h.detail.unwrap_or_default(),
                        });
                    }
                }
            }
        }
    }
    if refused.is_empty() {
        Ok(ok)
    } else {
        Err(refused)
    }
}

/// Ecosystems `install` knows (and their aliases).
const ECOSYSTEMS: &[&str] = &[
    "pypi",
    "pip",
    "python",
    "npm",
    "node",
    "crates",
    "cargo",
    "crates.io",
];

/// A spec that names no known ecosystem: a usage mistake, not a refused package.
fn is_usage_error(raw: &str) -> bool {
    raw.split_once(':')
        .is_none_or(|(eco, _)| !ECOSYSTEMS.contains(&eco.to_ascii_lowercase().as_str()))
}

/// `pypi:requests==2.31.0`, `npm:left-pad@1.3.0`, `crates:ripgrep@14.1.0`.
fn parse(raw: &str, allow_ranges: bool) -> Result<Intent, String> {
    let (eco, spec) = raw
        .split_once(':')
        .ok_or("expected ECOSYSTEM:SPEC (pypi:, npm:, crates:)")?;
    if spec.is_empty() || spec.starts_with('-') {
        return Err("a spec cannot be empty or start with '-' (no installer flags)".into());
    }
    if let Some(c) = spec
        .chars()
        .find(|c| FORBIDDEN.contains(c) || c.is_control())
    {
        return Err(format!(
            "the spec contains {c:?}; shell metacharacters are refused"
        ));
    }
    if spec.contains("://")
        || spec.starts_with("git+")
        || spec.contains('/') && !spec.starts_with('@')
    {
        return Err("URLs, git references and paths are refused; name a registry package".into());
    }
    let span = (0, raw.len());
    let intent = match eco.to_ascii_lowercase().as_str() {
        "pypi" | "pip" | "python" => pypi_spec(spec, span, &[]),
        "npm" | "node" => npm_spec(spec, span, &[]),
        "crates" | "cargo" | "crates.io" => {
            let (name, ver) = spec.split_once('@').unwrap_or((spec, ""));
            Some(Intent {
                ecosystem: Ecosystem::Crates,
                name: name.to_string(),
                requested: if ver.is_empty() {
                    Requested::Latest
                } else if semver::Version::parse(ver).is_ok() {
                    Requested::Exact(ver.to_string())
                } else {
                    Requested::Range(ver.to_string())
                },
                source: Source::Registry,
                span,
                extra_indexes: Vec::new(),
            })
        }
        other => return Err(format!("unknown ecosystem {other:?} (pypi, npm, crates)")),
    }
    .ok_or("not a package spec")?;
    if intent.source != Source::Registry {
        return Err("only registry packages can be installed lazily".into());
    }
    match (&intent.requested, allow_ranges) {
        (Requested::Exact(_), _) | (_, true) => Ok(intent),
        _ => Err("not an exact pin (use NAME==VERSION / NAME@VERSION, or --allow-ranges)".into()),
    }
}

/// The installer command line for vetted intents of one ecosystem.
pub fn installer_argv(installer: &str, intents: &[Intent]) -> Result<Vec<String>, String> {
    let specs: Vec<String> = intents
        .iter()
        .map(|i| match (&i.ecosystem, &i.requested) {
            (Ecosystem::Pypi, Requested::Exact(v)) => format!("{}=={v}", i.name),
            (Ecosystem::Pypi, Requested::Range(r)) => format!("{}{r}", i.name),
            (Ecosystem::Npm, Requested::Exact(v) | Requested::Range(v)) => {
                format!("{}@{v}", i.name)
            }
            (Ecosystem::Crates, Requested::Exact(v) | Requested::Range(v)) => {
                format!("{}@{v}", i.name)
            }
            (_, _) => i.name.clone(),
        })
        .collect();
    let mut argv: Vec<String> = match installer {
        "pip" => vec!["pip".into(), "install".into(), "--".into()],
        "uv" => vec!["uv".into(), "pip".into(), "install".into()],
        "npm" => vec!["npm".into(), "install".into(), "--".into()],
        "cargo" => vec!["cargo".into(), "install".into()],
        other => return Err(format!("unknown installer {other:?} (pip, uv, npm, cargo)")),
    };
    argv.extend(specs);
    Ok(argv)
}
