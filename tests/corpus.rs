//! The labelled corpus (`tests/corpus/*.toml`): attacks with their expected action and rule ids,
//! and everyday commands that must pass silently. Any mismatch fails with a table of every miss.

use hermes_scan::{Action, Scanner};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct CorpusFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    cmd: String,
    action: Action,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

fn load() -> BTreeMap<String, Vec<Case>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("corpus dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read corpus file");
        let file: CorpusFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, file.case);
    }
    out
}

#[test]
fn corpus_matches_expectations() {
    let scanner = Scanner::global();
    let corpus = load();
    let mut misses = Vec::new();
    let mut total = 0;
    let mut benign = 0;
    for (file, cases) in &corpus {
        for c in cases {
            total += 1;
            let v = scanner.scan(&c.cmd);
            let got: Vec<&str> = v.rule_ids();
            let missing: Vec<&String> = c
                .rules
                .iter()
                .filter(|r| !got.contains(&r.as_str()))
                .collect();
            let noisy = c.action == Action::Allow && !v.findings.is_empty();
            if c.action == Action::Allow {
                benign += 1;
            }
            if v.action != c.action || !missing.is_empty() || noisy {
                misses.push(format!(
                    "{file:<22} want {:<5} {:<40} got {:<5} {:?}  cmd={:?}",
                    c.action.as_str(),
                    format!("{:?}", c.rules),
                    v.action.as_str(),
                    got,
                    c.cmd
                ));
            }
        }
    }
    assert!(total >= 500, "corpus has only {total} cases");
    assert!(benign >= 200, "corpus has only {benign} benign cases");
    assert!(
        misses.is_empty(),
        "{} of {total} corpus cases mismatched:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn prefilter_never_skips_a_flagged_corpus_case() {
    let scanner = Scanner::global();
    for cases in load().values() {
        for c in cases {
            if c.action != Action::Allow {
                assert!(scanner.needs_scan(&c.cmd), "prefilter skipped {:?}", c.cmd);
            }
        }
    }
}

/// Resolving shell state (working directory, positional parameters, arrays, function calls,
/// `IFS`) may only ever *add* knowledge: no corpus case that the stateless analysis blocks may
/// lose its block when state is tracked.
#[test]
fn state_tracking_never_turns_a_block_into_less() {
    let scanner = Scanner::global();
    let rules = scanner.rules();
    let blocks = |hits: &[hermes_scan::analyzers::OwnedHit]| {
        hits.iter()
            .filter(|h| {
                rules
                    .get(&h.rule_id)
                    .is_some_and(|r| r.action() == Action::Block)
            })
            .map(|h| h.rule_id.clone())
            .collect::<Vec<_>>()
    };
    let mut checked = 0;
    for cases in load().values() {
        for c in cases {
            let stateless = hermes_scan::shell::analyze_stateless(&c.cmd);
            let before = blocks(&hermes_scan::analyzers::run_all(&stateless, rules));
            if before.is_empty() {
                continue;
            }
            checked += 1;
            let tracked = hermes_scan::shell::analyze(&c.cmd);
            let after = blocks(&hermes_scan::analyzers::run_all(&tracked, rules));
            assert!(
                !after.is_empty(),
                "state tracking dropped the block of {:?}: before {before:?}",
                c.cmd
            );
        }
    }
    assert!(checked > 300, "only {checked} blocked cases");
}

/// The false-positive budget: across every `benign*.toml` file, at most 1% of everyday commands
/// may be flagged at all (the few that are, on purpose, are labelled `warn` with a note). Prints
/// the share per family so a regression shows where it comes from.
#[test]
fn benign_corpus_stays_within_the_false_positive_budget() {
    let mut per_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut total = 0;
    let mut flagged = 0;
    for (file, cases) in load() {
        if !file.starts_with("benign") {
            continue;
        }
        for c in cases {
            let family = c
                .note
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
                .unwrap_or("general")
                .to_string();
            let v = Scanner::global().scan(&c.cmd);
            let is_flagged = v.action != Action::Allow || !v.findings.is_empty();
            if is_flagged {
                println!(
                    "flagged {:<5} {:?} {:?}",
                    v.action.as_str(),
                    v.rule_ids(),
                    c.cmd
                );
            }
            let e = per_family.entry(family).or_default();
            e.0 += 1;
            total += 1;
            if is_flagged {
                e.1 += 1;
                flagged += 1;
            }
        }
    }
    for (family, (n, f)) in &per_family {
        println!(
            "{family:<14} {f:>3} / {n:<5} flagged ({:.1}%)",
            100.0 * *f as f64 / *n as f64
        );
    }
    let share = 100.0 * flagged as f64 / total as f64;
    println!("overall        {flagged:>3} / {total:<5} flagged ({share:.2}%)");
    assert!(total >= 1500, "only {total} everyday commands");
    assert!(share <= 1.0, "{share:.2}% of everyday commands are flagged");
}
