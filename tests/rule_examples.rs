//! Every rule proves itself: each `examples.match` must produce the rule id, each
//! `examples.no_match` must not, and the prefilter must never skip a matching example.

use hermes_scan::Scanner;

#[test]
fn every_rule_example_behaves_as_documented() {
    let scanner = Scanner::global();
    let mut failures = Vec::new();
    let mut checked = 0;
    let web = hermes_scan::web::WebSettings::default();
    for rule in scanner.rules().rules() {
        let id = rule.id();
        // Context-file rules: examples are file snippets, judged by the context scanner.
        if rule.spec.category == "context" {
            for ex in &rule.examples().matches {
                checked += 1;
                let found = hermes_scan::context::scan_text(ex, scanner);
                if !found.iter().any(|f| f.rule_id == id) {
                    failures.push(format!(
                        "MISS  {id:<28} {ex:?} -> {:?}",
                        found.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
                    ));
                }
            }
            for ex in &rule.examples().no_match {
                checked += 1;
                let found = hermes_scan::context::scan_text(ex, scanner);
                if found.iter().any(|f| f.rule_id == id) {
                    failures.push(format!("FALSE {id:<28} {ex:?}"));
                }
            }
            continue;
        }
        // The URL policy's rules: examples are URLs, judged by that front door (without DNS).
        if rule.spec.category == "web" {
            for ex in &rule.examples().matches {
                checked += 1;
                let v = hermes_scan::web::judge(ex, scanner, &web, None);
                if !v.findings.iter().any(|f| f.rule_id == id) {
                    failures.push(format!("MISS  {id:<28} {ex:?} -> {:?}", v.findings));
                }
            }
            for ex in &rule.examples().no_match {
                checked += 1;
                let v = hermes_scan::web::judge(ex, scanner, &web, None);
                if v.findings.iter().any(|f| f.rule_id == id) {
                    failures.push(format!("FALSE {id:<28} {ex:?}"));
                }
            }
            continue;
        }
        for ex in &rule.examples().matches {
            checked += 1;
            let v = scanner.scan(ex);
            if !v.findings.iter().any(|f| f.rule_id == id) {
                failures.push(format!("MISS  {id:<28} {ex:?} -> {:?}", v.rule_ids()));
            }
            if !scanner.needs_scan(ex) {
                failures.push(format!("PREFILTER skipped {id:<20} {ex:?}"));
            }
        }
        for ex in &rule.examples().no_match {
            checked += 1;
            let v = scanner.scan(ex);
            if v.findings.iter().any(|f| f.rule_id == id) {
                failures.push(format!("FALSE {id:<28} {ex:?}"));
            }
        }
    }
    assert!(checked > 400, "only {checked} examples");
    assert!(
        failures.is_empty(),
        "{} of {checked} rule examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_proof_and_documentation() {
    // Rules whose trigger cannot be written as a pack example are covered by dedicated tests
    // (tests/cli.rs: oversized input, invalid UTF-8, bad batch lines; tests/online.rs: an OSV
    // API that fails under `on_error = "closed"`).
    let exempt = [
        "core.input-too-large",
        "core.invalid-utf8",
        "core.invalid-input",
        "core.analysis-timeout",
        "policy.denied-command",
        "policy.denied-domain",
        "supply.vulnerable-package",
        "supply.online-unavailable",
        "web.resolves-internal",
        "web.unresolved",
        "web.denied-domain",
    ];
    for rule in Scanner::global().rules().rules() {
        let s = &rule.spec;
        assert!(
            !s.title.is_empty() && !s.description.is_empty() && !s.remediation.is_empty(),
            "{}",
            s.id
        );
        if !exempt.contains(&s.id.as_str()) {
            assert!(
                !rule.examples().matches.is_empty(),
                "{} has no match example",
                s.id
            );
        }
        assert!(
            !rule.examples().no_match.is_empty(),
            "{} has no no_match example",
            s.id
        );
        if s.floor {
            assert_eq!(
                s.action,
                hermes_scan::Action::Block,
                "floor rule {} must block",
                s.id
            );
        }
    }
}

#[test]
fn every_embedded_regex_compiles() {
    // The embedded packs load without compiling regexes (fast start-up); prove they are valid.
    let set = hermes_scan::rules::RuleSet::embedded_checked(true).unwrap_or_else(|e| panic!("{e}"));
    assert!(set.rules().len() >= 50, "only {} rules", set.rules().len());
}

/// Rule regexes run on `regex-lite` first and on `regex` once hot: both engines must give the
/// same answer on every example of every rule (and its words), and on the Unicode inputs where
/// their Perl classes would differ if the full engine were not given ASCII sets.
#[test]
fn both_regex_engines_agree_on_every_rule_regex() {
    let set = hermes_scan::rules::RuleSet::embedded().unwrap();
    let tricky = [
        "rm\u{a0}-rf\u{a0}/",
        "curl\u{2003}x",
        "caf\u{e9} \u{3b4}\u{3b4} \u{661}\u{662}",
        "\u{ff52}\u{ff4d} -rf /",
        "a\u{200b}b",
        "/etc/\u{e9}t\u{e9}",
        "x\u{85}y",
    ];
    let mut checked = 0;
    for rule in set.rules() {
        let examples = rule.examples();
        let mut hay: Vec<&str> = tricky.to_vec();
        for e in examples.matches.iter().chain(&examples.no_match) {
            hay.push(e);
            hay.extend(e.split_whitespace());
        }
        for m in &rule.matchers {
            for re in m.regexes() {
                for h in &hay {
                    assert!(
                        re.engines_agree(h),
                        "{}: engines differ on {h:?}",
                        rule.id()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} comparisons");
}

/// A rule regex with build-time needles (literals one of which every match contains) skips text
/// without them: the needles must never turn away text the pattern matches — checked on every
/// example of every rule, its words, upper-cased copies and Unicode inputs.
#[test]
fn needles_never_turn_away_a_match() {
    let set = hermes_scan::rules::RuleSet::embedded().unwrap();
    let all: Vec<String> = set
        .rules()
        .flat_map(|r| {
            let e = r.examples();
            e.matches
                .iter()
                .chain(&e.no_match)
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect();
    let mut hay: Vec<String> = vec!["rm\u{a0}-rf /".into(), "K\u{212a}s\u{17f}".into()];
    for e in &all {
        hay.push(e.clone());
        hay.push(e.to_uppercase());
        hay.extend(e.split_whitespace().map(str::to_string));
    }
    let (mut with, mut matched) = (0, 0);
    for rule in set.rules() {
        let own = rule.examples();
        for m in &rule.matchers {
            for re in m.regexes().filter(|r| r.has_needles()) {
                with += 1;
                // Every regex against its own rule's examples; a sample of everything else.
                for h in own
                    .matches
                    .iter()
                    .chain(&own.no_match)
                    .chain(hay.iter().step_by(7))
                {
                    for part in std::iter::once(h.as_str()).chain(h.split_whitespace()) {
                        assert!(
                            re.needles_hold(part),
                            "{}: needles reject {part:?}",
                            rule.id()
                        );
                        matched += usize::from(re.is_match(part));
                    }
                }
            }
        }
    }
    assert!(with > 200, "only {with} regexes have needles");
    assert!(matched > 200, "only {matched} matches seen");
}

/// The build-time index (program names and needs of every match block) agrees with the rules it
/// indexes: a run chooses candidates from the index before parsing a rule, so a wrong entry would
/// silently skip a rule.
#[test]
fn the_embedded_rule_index_agrees_with_the_rules() {
    let set = hermes_scan::rules::RuleSet::embedded_checked(true).unwrap();
    let index = hermes_scan::rules::EMBEDDED_RULES;
    assert_eq!(index.len(), set.rules().len());
    for (e, rule) in index.iter().zip(set.rules()) {
        assert_eq!(e.id, rule.id());
        assert_eq!(e.blocks.len(), rule.spec.matchers.len(), "{}", e.id);
        for (b, m) in e.blocks.iter().zip(&rule.spec.matchers) {
            assert_eq!(b.commands, m.command.as_slice(), "{}", e.id);
            assert_eq!(b.needs, m.needs(), "{}", e.id);
        }
    }
    // Blocks without a program name exist, and every one of them needs something.
    let open: Vec<_> = index
        .iter()
        .flat_map(|e| e.blocks.iter().map(move |b| (e.id, b)))
        .filter(|(_, b)| b.commands.is_empty())
        .collect();
    assert!(open.len() > 10);
    for (id, b) in open {
        assert_ne!(
            b.needs, 0,
            "{id}: a block for every program that needs nothing"
        );
    }
}

/// The build-time JSON of the packs says exactly what their TOML says.
#[test]
fn the_compiled_packs_match_their_toml() {
    let compiled = hermes_scan::rules::RuleSet::embedded().unwrap();
    let mut from_toml = hermes_scan::rules::RuleSet::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for name in hermes_scan::rules::EMBEDDED_PACKS {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        from_toml
            .add_pack(name, &text, true)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(compiled.rules().len(), from_toml.rules().len());
    for (a, b) in compiled.rules().zip(from_toml.rules()) {
        // The examples travel separately (start-up does not parse them): compare them through
        // `examples()`, the rest of the spec as is.
        let mut b_spec = b.spec.clone();
        let b_examples = std::mem::take(&mut b_spec.examples);
        assert_eq!(format!("{:?}", a.spec), format!("{b_spec:?}"), "{}", a.id());
        assert_eq!(
            format!("{:?}", *a.examples()),
            format!("{b_examples:?}"),
            "{}",
            a.id()
        );
    }
}

/// Every rule id written in the analyzers' source exists in a pack (so `explain` covers it and
/// no finding falls back to the "undocumented rule" path).
#[test]
fn every_rule_id_in_code_is_documented() {
    let rules = Scanner::global().rules();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let re = regex::Regex::new(r#""((?:core|floor|fs|git|sys|data|infra|remote|text|url|exfil|revshell|persist|supply|policy|self|web|ctx)\.[a-z0-9-]+)""#).unwrap();
    let mut seen = 0;
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for cap in re.captures_iter(&text) {
                    if cap[1].ends_with(".toml")
                        || cap[1].ends_with("-toml")
                        || cap[1].contains("toml")
                    {
                        continue;
                    }
                    seen += 1;
                    assert!(
                        rules.get(&cap[1]).is_some(),
                        "{} names undocumented rule {}",
                        path.display(),
                        &cap[1]
                    );
                }
            }
        }
    }
    assert!(seen > 10);
}

/// The prefilter keywords extracted at build time (so start-up parses no pack) are exactly the
/// keywords of the parsed packs.
#[test]
fn the_build_time_keyword_extract_matches_the_packs() {
    let parsed = hermes_scan::rules::RuleSet::embedded().unwrap().keywords();
    let extracted: Vec<String> = hermes_scan::scanner::RULE_KEYWORDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(parsed, extracted, "build.rs and rules/*.toml disagree");
}
