//! `hermes-scan deps [PATH…] [--format text|json|sarif] [--fail-on LEVEL]`: the CI dependency
//! gate. Exit 0 pass, 1 fail, ≥ 64 error.

use crate::supply::gate::{self, DepFinding};
use crate::supply::{lockfiles, mcp, store};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::path::PathBuf;

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// One line per finding.
    Text,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

/// Fail thresholds.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Only known-malicious releases.
    Malicious,
    /// Critical and above.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
}

/// Arguments of `deps`.
#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Lockfiles or directories to search (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Fail (exit 1) on findings at or above this level.
    #[arg(long, value_enum, default_value = "high")]
    fail_on: FailOn,
    /// Advisory store directory (default: $XDG_DATA_HOME/hermes-scan/advisories).
    #[arg(long)]
    store: Option<PathBuf>,
    /// Write the report here instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also ask the OSV API about every locked package (results are cached and stored).
    #[arg(long)]
    online: bool,
    /// OSV API base URL.
    #[arg(long, default_value = "https://api.osv.dev")]
    osv_url: String,
    /// Seconds before an OSV request times out.
    #[arg(long, default_value_t = 20)]
    osv_timeout: u64,
    /// When the OSV API cannot be reached: fail the gate (closed, default) or continue offline (open).
    #[arg(long, value_enum, default_value = "closed")]
    on_osv_error: OnError,
    /// Pass when no lockfile is found (otherwise that is an error, exit 66: a gate that checks
    /// nothing must not look green).
    #[arg(long)]
    allow_empty: bool,
}

/// What an unreachable OSV API means.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OnError {
    /// Exit with an error (≥ 64).
    Closed,
    /// Warn and use the offline store.
    Open,
}

/// Run the gate.
pub fn run(args: DepsArgs) -> i32 {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for r in &roots {
        if !r.exists() {
            crate::errln!("hermes-scan: {}: no such file or directory", r.display());
            return super::EXIT_NOINPUT;
        }
        files.extend(lockfiles::discover(r));
    }
    if files.is_empty() && !args.allow_empty {
        crate::errln!(
            "hermes-scan: no lockfile found under {} (looked for {} and MCP configs); nothing was \
             checked. Pass --allow-empty if that is expected.",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            lockfiles::KNOWN_NAMES.join(", ")
        );
        return super::EXIT_NOINPUT;
    }
    let mut packages = Vec::new();
    let mut mcp_launches: Vec<(PathBuf, Vec<mcp::Launch>)> = Vec::new();
    for f in &files {
        if mcp::is_mcp_file(f) {
            match mcp::launches(f) {
                Ok(l) => mcp_launches.push((f.clone(), l)),
                Err(e) => {
                    crate::errln!("hermes-scan: {e}");
                    return super::EXIT_NOINPUT;
                }
            }
            continue;
        }
        match lockfiles::parse(f) {
            Ok(p) => packages.extend(p),
            Err(e) => {
                crate::errln!("hermes-scan: {e}");
                return super::EXIT_NOINPUT;
            }
        }
    }
    let store_dir = args.store.clone().unwrap_or_else(store::default_dir);
    if args.online {
        let cache = crate::policy::load::data_dir().join("osv-cache");
        let client = crate::supply::online::OsvClient::new(
            &args.osv_url,
            std::time::Duration::from_secs(args.osv_timeout.max(1)),
            Some(cache),
            std::time::Duration::from_secs(24 * 3600),
        );
        let result = client.and_then(|c| crate::supply::online::refresh(&c, &packages, &store_dir));
        match result {
            Ok(n) => crate::errln!("hermes-scan: OSV API: {n} record(s) fetched"),
            Err(e) if args.on_osv_error == OnError::Open => {
                crate::errln!(
                    "hermes-scan: OSV API unavailable ({e}); continuing with offline data"
                )
            }
            Err(e) => {
                crate::errln!("hermes-scan: OSV API unavailable ({e}); failing closed (--on-osv-error open to continue)");
                return super::EXIT_SOFTWARE;
            }
        }
    }
    let dir = store_dir.is_dir().then_some(store_dir);
    let mut findings = gate::check(&packages, dir.as_deref());
    for (file, launches) in &mcp_launches {
        findings.extend(mcp::findings(file, launches, dir.as_deref()));
    }
    gate::sort(&mut findings);
    let launch_count: usize = mcp_launches.iter().map(|(_, l)| l.len()).sum();
    let threshold = match args.fail_on {
        FailOn::Malicious => "malicious",
        FailOn::Critical => "critical",
        FailOn::High => "high",
        FailOn::Medium => "medium",
        FailOn::Low => "low",
    };
    let failed = findings
        .iter()
        .any(|f| gate::rank(&f.level) >= gate::rank(threshold));
    let report = match args.format {
        Format::Text => text(
            &findings,
            files.len(),
            packages.len() + launch_count,
            threshold,
            failed,
        ),
        Format::Json => json!({
            "schema_version": 1,
            "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "packages": packages.len(),
            "mcp_launches": launch_count,
            "fail_on": threshold,
            "failed": failed,
            "findings": findings,
        })
        .to_string(),
        Format::Sarif => sarif(&findings).to_string(),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, report + "\n") {
                crate::errln!("hermes-scan: {}: {e}", path.display());
                return super::EXIT_NOINPUT;
            }
        }
        None => super::print(&report),
    }
    i32::from(failed)
}

fn text(
    findings: &[DepFinding],
    files: usize,
    packages: usize,
    threshold: &str,
    failed: bool,
) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "{}:{}  {}@{} ({})  {}  {}  {}\n",
            f.file,
            f.line,
            f.name,
            f.version,
            f.ecosystem,
            f.level.to_uppercase(),
            f.id,
            f.summary
        ));
    }
    s.push_str(&format!(
        "{} lockfile(s), {} package(s), {} finding(s); fail on {}+: {}",
        files,
        packages,
        findings.len(),
        threshold,
        if failed { "FAIL" } else { "pass" }
    ));
    s
}

/// SARIF 2.1.0: one rule per advisory, one result per (package, advisory), located in the lockfile.
pub fn sarif(findings: &[DepFinding]) -> serde_json::Value {
    let mut rule_ids: Vec<String> = findings.iter().map(|f| f.id.clone()).collect();
    rule_ids.sort();
    rule_ids.dedup();
    let rules: Vec<serde_json::Value> = rule_ids
        .iter()
        .map(|id| {
            let f = findings.iter().find(|f| &f.id == id).expect("id from findings");
            // Curated HSCAN records link to their public alias.
            let public = if id.starts_with("HSCAN-") { f.aliases.first().unwrap_or(id) } else { id };
            let score = match f.level.as_str() {
                "malicious" => "10.0",
                "critical" => "9.5",
                "high" => "8.0",
                "medium" => "5.5",
                "low" => "3.0",
                _ => "1.0",
            };
            json!({
                "id": id,
                "name": id.replace('-', ""),
                "shortDescription": {"text": format!("{} ({} {})", f.summary, f.ecosystem, f.name)},
                "fullDescription": {"text": format!("{}: {}. Aliases: {}", id, f.summary, if f.aliases.is_empty() { "none".to_string() } else { f.aliases.join(", ") })},
                "help": {"text": format!("{} is affected by {}. Upgrade to a fixed release, or remove the package if the advisory marks it malicious. Details: https://osv.dev/vulnerability/{}", f.name, id, public),
                         "markdown": format!("**{}** is affected by [{}](https://osv.dev/vulnerability/{}). Upgrade to a fixed release, or remove the package if it is malicious.", f.name, id, public)},
                "helpUri": format!("https://osv.dev/vulnerability/{public}"),
                "properties": {"security-severity": score, "tags": ["security", "supply-chain", f.ecosystem.clone()]},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let level = match f.level.as_str() {
                "malicious" | "critical" | "high" => "error",
                "medium" => "warning",
                _ => "note",
            };
            json!({
                "ruleId": f.id,
                "ruleIndex": rule_ids.iter().position(|r| r == &f.id).unwrap_or(0),
                "level": level,
                "message": {"text": format!("{}@{} ({}): {} [{}]", f.name, f.version, f.level, f.summary, f.id)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": relative_uri(&f.file)},
                    "region": {"startLine": f.line.max(1)},
                }}],
                "partialFingerprints": {"primaryLocationLineHash": format!("{}:{}:{}", f.name, f.version, f.id)},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hermes-scan",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://osv.dev",
                "rules": rules,
            }},
            "results": results,
            "columnKind": "utf16CodeUnits",
        }],
    })
}

/// Lockfile path as a forward-slash URI relative to the working directory.
pub(crate) fn relative_uri(path: &str) -> String {
    let p = std::path::Path::new(path);
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(&cwd).ok().map(|r| r.to_path_buf()))
        .unwrap_or_else(|| p.to_path_buf());
    rel.to_string_lossy()
        .trim_start_matches("./")
        .replace('\\', "/")
}
