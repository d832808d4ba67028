//! `hermes-scan context [PATH…] [--format text|json|sarif] [--sanitize OUT] [--fail-on SEV]`:
//! scan agent context files for planted instructions. Exit 0 pass, 1 a finding at or above
//! `--fail-on`, ≥ 64 error — like `deps`.

use crate::context::{self, ContextFinding};
use crate::findings::Severity;
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
    /// SARIF 2.1.0.
    Sarif,
}

/// Fail thresholds.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Critical only.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Anything.
    Low,
}

/// Arguments of `context`.
#[derive(Debug, Args)]
pub struct ContextArgs {
    /// Files or directories (default: the current directory; directories are searched for
    /// AGENTS.md, CLAUDE.md, .cursorrules, … ; files are scanned whatever their name).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Fail (exit 1) on findings at or above this severity.
    #[arg(long, value_enum, default_value = "medium")]
    fail_on: FailOn,
    /// Write cleaned copies here: a file when one file is scanned, else a directory mirroring
    /// the scanned paths.
    #[arg(long, value_name = "OUT")]
    sanitize: Option<PathBuf>,
    /// Write the report here instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Run it.
pub fn run(args: ContextArgs) -> i32 {
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
        files.extend(context::discover(r));
    }
    let scanner = match super::scanner_for(None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let threshold = match args.fail_on {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
    };
    let mut all: Vec<(PathBuf, ContextFinding)> = Vec::new();
    for f in &files {
        let bytes = match crate::files::read_limited(f, crate::files::CONTEXT_FILE_LIMIT) {
            Ok(b) => b,
            Err(e) => {
                crate::errln!("hermes-scan: {}: {e}", f.display());
                return super::EXIT_NOINPUT;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let found = context::scan_text(&text, &scanner);
        if let Some(out) = &args.sanitize {
            let dest = if files.len() == 1 && !out.is_dir() {
                out.clone()
            } else {
                out.join(
                    f.strip_prefix("/")
                        .unwrap_or(f)
                        .strip_prefix("./")
                        .unwrap_or(f),
                )
            };
            if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
                let _ = std::fs::create_dir_all(parent);
            }
            // A file with no findings and valid UTF-8 is copied byte for byte.
            let cleaned = if found.is_empty() && std::str::from_utf8(&bytes).is_ok() {
                bytes.clone()
            } else {
                context::sanitize(&text, &found).into_bytes()
            };
            if let Err(e) = std::fs::write(&dest, cleaned) {
                crate::errln!("hermes-scan: {}: {e}", dest.display());
                return super::EXIT_NOINPUT;
            }
        }
        all.extend(found.into_iter().map(|x| (f.clone(), x)));
    }
    if files.is_empty() {
        crate::errln!(
            "hermes-scan: no agent context files under {} (looked for {})",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            context::CONTEXT_FILES.join(", ")
        );
    }
    let failed = all.iter().any(|(_, f)| f.severity >= threshold);
    let report = match args.format {
        Format::Text => text(&all, files.len(), failed),
        Format::Json => json!({
            "schema_version": 1,
            "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "failed": failed,
            "findings": all.iter().map(|(file, f)| {
                let mut v = serde_json::to_value(f).unwrap_or_default();
                v["file"] = json!(file.display().to_string());
                v
            }).collect::<Vec<_>>(),
        })
        .to_string(),
        Format::Sarif => sarif(&all, &scanner).to_string(),
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

fn text(all: &[(PathBuf, ContextFinding)], files: usize, failed: bool) -> String {
    let mut s = String::new();
    for (file, f) in all {
        s.push_str(&format!(
            "{}:{}:{}  {}  {}  {}\n    {}\n",
            file.display(),
            f.line,
            f.column,
            f.severity.as_str().to_uppercase(),
            f.rule_id,
            f.excerpt.replace('\n', " "),
            f.detail
        ));
        if let Some(d) = &f.decoded {
            s.push_str(&format!("    decoded: {d:?}\n"));
        }
    }
    s.push_str(&format!(
        "{files} context file(s), {} finding(s): {}",
        all.len(),
        if failed { "FAIL" } else { "pass" }
    ));
    s
}

fn sarif(all: &[(PathBuf, ContextFinding)], scanner: &crate::Scanner) -> serde_json::Value {
    let mut ids: Vec<&str> = all.iter().map(|(_, f)| f.rule_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    let rules: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let spec = scanner.rules().get(id).map(|r| &r.spec);
            json!({
                "id": id,
                "shortDescription": {"text": spec.map_or(id.to_string(), |s| s.title.clone())},
                "fullDescription": {"text": spec.map_or(String::new(), |s| s.description.clone())},
                "help": {"text": spec.map_or(String::new(), |s| s.remediation.clone())},
                "properties": {"tags": ["security", "prompt-injection"]},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = all
        .iter()
        .map(|(file, f)| {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "note",
            };
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": ids.iter().position(|r| *r == f.rule_id).unwrap_or(0),
                "level": level,
                "message": {"text": format!("{}: {}", f.title, f.detail)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": super::deps::relative_uri(&file.display().to_string())},
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column},
                }}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "hermes-scan", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": results,
        }],
    })
}
