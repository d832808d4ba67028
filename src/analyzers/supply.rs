//! Supply chain in `check`: every package an install would fetch is checked against the advisory
//! store (embedded default plus imports) and the typosquat lists, and unusual sources are named.

use super::Hit;
use crate::shell::Script;
use crate::supply::intents::{intents, intents_in, Intent, Requested, Source};
use crate::supply::{osv::Entry, store, typosquat, version, Ecosystem};
use crate::text::dotted_tail;

/// Registries that are the ecosystem's own (not an extra index).
const OFFICIAL_INDEXES: &[&str] = &[
    "pypi.org",
    "files.pythonhosted.org",
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "crates.io",
    "index.crates.io",
    "rubygems.org",
];

/// Vendors' own wheel indexes, named in their official install instructions.
const VENDOR_INDEXES: &[&str] = &[
    "download.pytorch.org",
    "pypi.nvidia.com",
    // A shared bucket host counts only under the vendor's own path.
    "storage.googleapis.com/jax-releases/",
    "data.pyg.org/whl/",
];

/// Is `url` on one of the ecosystems' own registries or a vendor's official index?
fn official_index(url: &str) -> bool {
    on_index(url, OFFICIAL_INDEXES) || on_index(url, VENDOR_INDEXES)
}

/// Is `url` on one of `indexes` (a host, or a host and a path prefix)?
fn on_index(url: &str, indexes: &[&str]) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let host = u.host_str().unwrap_or_default();
    indexes.iter().any(|o| match o.split_once('/') {
        Some((h, path)) => host == h && u.path().trim_start_matches('/').starts_with(path),
        None => dotted_tail(host, o),
    })
}

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    // The store directory is looked up once, and only when a command installs something.
    let mut dir: Option<Option<std::path::PathBuf>> = None;
    for cmd in &script.commands {
        for intent in intents_in(cmd, Some(script)) {
            let dir = dir.get_or_insert_with(|| {
                let d = store::default_dir();
                d.is_dir().then_some(d)
            });
            check(&intent, dir.as_deref(), &mut hits);
        }
    }
    hits
}

/// Set once a scan consulted the advisory store (an install intent was seen): the cue for an
/// optional background sync of stale data.
pub static STORE_CONSULTED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Online lookups (`[supply] online`): ask the OSV API about every registry package the
/// installs in `script` would fetch, within the budget, and judge them with what it knows.
/// Commands without an install intent return at once, without touching the network. A failed
/// or late lookup is silent (`on_error = "open"`: the local verdict stands) or a
/// `supply.online-unavailable` block (`"closed"`).
pub fn online(script: &Script, settings: &crate::policy::SupplySettings) -> Vec<Hit> {
    let wanted: Vec<Intent> = script.commands.iter().flat_map(intents).collect();
    online_intents(&wanted, settings)
}

/// [`online`] for intents already extracted (the `install` front door).
pub fn online_intents(all: &[Intent], settings: &crate::policy::SupplySettings) -> Vec<Hit> {
    let wanted: Vec<&Intent> = all
        .iter()
        .filter(|i| matches!(i.source, Source::Registry))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let packages: Vec<(Ecosystem, String, Option<String>)> = wanted
        .iter()
        .map(|i| {
            let v = match &i.requested {
                Requested::Exact(v) => Some(v.clone()),
                _ => None,
            };
            (i.ecosystem, i.name.clone(), v)
        })
        .collect();
    let budget = std::time::Duration::from_millis(settings.budget_ms.max(1));
    let url = settings
        .osv_url
        .clone()
        .unwrap_or_else(|| crate::supply::online::DEFAULT_URL.to_string());
    let cache = crate::policy::load::data_dir().join("osv-cache");
    let ttl = std::time::Duration::from_secs(settings.cache_ttl_hours * 3600);
    let deadline = std::time::Instant::now() + budget;
    let answer = crate::supply::online::OsvClient::new(&url, budget, Some(cache), ttl)
        .map(|c| c.with_deadline(deadline))
        .and_then(|c| crate::supply::online::entries_for(&c, &packages));
    let mut hits = Vec::new();
    match answer {
        Ok(per_package) => {
            for (i, entries) in wanted.iter().zip(per_package) {
                judge(i, &entries, &mut hits);
            }
        }
        Err(e) => {
            if settings.on_error == crate::policy::FailMode::Closed {
                hits.push(Hit {
                    rule_id: "supply.online-unavailable",
                    span: wanted[0].span,
                    detail: Some(format!("OSV lookup at {url} failed: {e}")),
                });
            }
        }
    }
    hits
}

/// Check one install intent against advisories, typosquats and source policy (also used by the
/// `install` front door and the package-manager shims).
pub fn check(i: &Intent, dir: Option<&std::path::Path>, hits: &mut Vec<Hit>) {
    let mut hit = |rule_id: &'static str, detail: String| {
        hits.push(Hit {
            rule_id,
            span: i.span,
            detail: Some(detail),
        })
    };
    for idx in &i.extra_indexes {
        // uv names its indexes: `--index pytorch=https://…`.
        let url = idx
            .split_once('=')
            .filter(|(name, _)| !name.contains(':'))
            .map_or(idx.as_str(), |(_, u)| u);
        if !official_index(url) {
            hit("supply.extra-index", format!("{} packages may come from {idx} (dependency confusion: an unknown index can serve a higher version of any name)", i.ecosystem.as_str()));
        }
    }
    match &i.source {
        // A wheel straight from a vendor's official index (`pip install
        // https://download.pytorch.org/whl/…/torch-….whl`).
        // A registry's own file URL still bypasses the name (`requests @ https://files.…`).
        Source::Url(u) if on_index(u, VENDOR_INDEXES) && !u.contains("/../") => return,
        Source::Url(u) | Source::Git(u) => {
            hit(
                "supply.direct-source",
                format!(
                    "{} is installed straight from {u}, bypassing the registry and its advisories",
                    i.name
                ),
            );
            return;
        }
        Source::Path(_) => return,
        Source::Unreadable(path) => {
            hits.push(Hit {
                rule_id: super::gaps::UNANALYSED_FILE,
                span: i.span,
                detail: Some(format!("{path} is written by the input but does not parse (or nests deeper than the parser allows): the packages it lists are not judged")),
            });
            return;
        }
        Source::Registry => {}
    }
    STORE_CONSULTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let entries: Vec<Entry> = store::lookup(dir, i.ecosystem, &i.name);
    judge(i, &entries, hits);
    if let Some(detail) = typosquat::describe(i.ecosystem, &i.name) {
        hits.push(Hit {
            rule_id: "supply.typosquat",
            span: i.span,
            detail: Some(detail),
        });
    }
}

/// Advisory verdict of one intent given the entries known for its package: a malicious entry
/// affecting the version it would fetch, else a non-informational vulnerability.
fn judge(i: &Intent, entries: &[Entry], hits: &mut Vec<Hit>) {
    let mut hit = |rule_id: &'static str, detail: String| {
        hits.push(Hit {
            rule_id,
            span: i.span,
            detail: Some(detail),
        })
    };
    let version = match &i.requested {
        Requested::Exact(v) => Some(v.clone()),
        Requested::Range(r) => newest_admitted(i.ecosystem, r, entries)
            .or_else(|| only_bad_admitted(i.ecosystem, r, entries)),
        Requested::Latest => None,
    };
    let affecting: Vec<&Entry> = entries
        .iter()
        .filter(|e| match &version {
            Some(v) => e.affects(v),
            None => e.affects_all(),
        })
        .collect();
    let what = match &version {
        Some(v) => format!("{}@{v}", i.name),
        None => format!("{} (any version)", i.name),
    };
    if let Some(m) = affecting.iter().find(|e| e.malicious) {
        hit(
            "supply.malicious-package",
            format!("{what}: {} — {}", m.id, m.summary),
        );
    } else if let Some(v) = affecting
        .iter()
        .find(|e| e.severity.as_deref() != Some("info"))
    {
        let sev = v.severity.clone().unwrap_or_else(|| "unknown".into());
        hit(
            "supply.vulnerable-package",
            format!("{what}: {} ({sev}) — {}", v.id, v.summary),
        );
    }
}

/// The newest compromised release a range admits when it can admit nothing else: every release
/// next to the compromised ones it admits (the patch before and after, every patch between, the
/// next minor and major) falls outside it. `chalk@">=5.6.1 <5.6.2"`, `ua-parser-js@"0.7.29 ||
/// 0.7.29"` and `ultralytics==8.3.41.*` can only fetch the bad release (or nothing), while
/// `chalk@^5.6.0` resolves to a later, clean one.
fn only_bad_admitted(eco: Ecosystem, range: &str, entries: &[Entry]) -> Option<String> {
    let bad: Vec<String> = entries
        .iter()
        .filter(|e| e.malicious)
        .flat_map(|e| e.known_versions())
        .filter(|v| version::satisfies(eco, range, v))
        .collect();
    let is_bad = |v: &str| bad.iter().any(|b| version::same(eco, b, v));
    let numbers = |v: &str| -> Option<Vec<u64>> {
        let core = v.split(['-', '+']).next()?;
        core.split('.').map(|p| p.parse().ok()).collect()
    };
    let releases: Vec<Vec<u64>> = bad.iter().filter_map(|v| numbers(v)).collect();
    if releases.is_empty() || releases.len() != bad.len() {
        return None;
    }
    let join = |n: &[u64]| n.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    let mut neighbours: Vec<String> = Vec::new();
    for r in &releases {
        let last = r.len() - 1;
        for pos in 0..r.len() {
            let mut up = r.clone();
            up[pos] = up[pos].saturating_add(1);
            up[pos + 1..].iter_mut().for_each(|x| *x = 0);
            neighbours.push(join(&up));
        }
        if r[last] > 0 {
            let mut down = r.clone();
            down[last] -= 1;
            neighbours.push(join(&down));
        }
        // Every release between two compromised ones of the same line.
        for other in releases
            .iter()
            .filter(|o| o.len() == r.len() && o[..last] == r[..last])
        {
            let gap = other[last].saturating_sub(r[last]);
            for p in (1..gap).take(100) {
                let mut mid = r.clone();
                mid[last] = mid[last].saturating_add(p);
                neighbours.push(join(&mid));
            }
        }
    }
    let clean_admitted = neighbours
        .iter()
        .any(|v| !is_bad(v) && version::satisfies(eco, range, v));
    if clean_admitted {
        return None;
    }
    bad.into_iter()
        .max_by(|a, b| version::cmp(&version::parse(eco, a), &version::parse(eco, b)))
}

/// The newest version the store knows of that a requested range admits. Versions known only
/// from malware records that name specific compromised releases do not count: those releases
/// were pulled from the registry, and the installer resolves the range to the newest release it
/// still serves — `npm i chalk@^5` does not fetch the compromised 5.6.1.
fn newest_admitted(eco: Ecosystem, range: &str, entries: &[Entry]) -> Option<String> {
    let mut best: Option<String> = None;
    for e in entries.iter().filter(|e| !e.malicious) {
        for v in e.known_versions() {
            if version::satisfies(eco, range, &v) {
                let newer = match &best {
                    None => true,
                    Some(b) => {
                        version::cmp(&version::parse(eco, &v), &version::parse(eco, b)).is_gt()
                    }
                };
                if newer {
                    best = Some(v);
                }
            }
        }
    }
    best
}
