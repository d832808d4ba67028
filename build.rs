//! Build script: extracts the program names and environment variables of the code-sink table
//! (`rules/sinks.toml`) and the prefilter keywords of the rule packs (`command` and `keywords`
//! of every `[[rule]]` in `rules/*.toml`) into Rust sources, so a process start does not have to
//! parse any TOML just to build the prefilter. Tests check both extracts against the parsed data.

use std::fmt::Write as _;

fn main() {
    // A position-dependent executable: the linker resolves the ~29,000 relative relocations of a
    // PIE once, at link time, instead of the dynamic loader on every start (measured in the
    // README's Performance section).
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=rules/sinks.toml");
    println!("cargo:rerun-if-changed=src/rules/gate.rs");
    let text = std::fs::read_to_string("rules/sinks.toml").expect("read rules/sinks.toml");
    let programs = array_values(&text, "programs");
    let env = array_values(&text, "env_code");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Program names of every code sink (generated from rules/sinks.toml)."
    );
    let _ = writeln!(out, "pub const SINK_PROGRAMS: &[&str] = &{programs:?};");
    let _ = writeln!(
        out,
        "/// Environment variables whose value runs as a command (generated)."
    );
    let _ = writeln!(out, "pub const SINK_ENV_NAMES: &[&str] = &{env:?};");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let dest = std::path::Path::new(&out_dir).join("sink_names.rs");
    std::fs::write(dest, out).expect("write sink_names.rs");
    rule_keywords(&out_dir);
    phrase_needles(&out_dir);
    embedded_json(&out_dir);
    embedded_advisories(&out_dir);
    popular_tables(&out_dir);
    popular_domains(&out_dir);
}

/// The keys of a rule's match block whose values are regexes (see `Matcher::compile`).
const REGEX_KEYS: &[&str] = &[
    "arg",
    "arg_except",
    "any_arg_not",
    "no_arg",
    "last_arg",
    "argv",
    "argv_not",
    "redirect",
    "overwrite",
    "redirect_any",
    "redirect_except",
    "stdin",
    "stdin_not",
    "assign",
    "inline_code",
    "content_except",
    "content",
    "cwd",
];

/// Necessary literals of a regex: a cheap test that lets a run skip compiling a rule regex for
/// text that cannot match it.
mod needles {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};

    /// Literals (ASCII-lowercased, none a superstring of another) such that every match of
    /// `source` contains at least one of them; `None` when no useful set exists (an infinite
    /// or empty set, a literal shorter than 2 bytes, or more than 32 literals).
    pub fn of(source: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::parse(source).ok()?;
        let mut best: Option<Vec<String>> = None;
        for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
            let mut extractor = Extractor::new();
            extractor.kind(kind);
            let seq = extractor.extract(&hir);
            let Some(literals) = seq.literals() else {
                continue;
            };
            let mut lower: Vec<String> = Vec::new();
            for lit in literals {
                let text = std::str::from_utf8(lit.as_bytes()).ok()?;
                lower.push(text.to_ascii_lowercase());
            }
            lower.sort();
            lower.dedup();
            // A literal that contains another adds nothing to an any-of test.
            let kept: Vec<String> = lower
                .iter()
                .filter(|a| !lower.iter().any(|b| b != *a && a.contains(b.as_str())))
                .cloned()
                .collect();
            let shortest = kept.iter().map(String::len).min().unwrap_or(0);
            if kept.is_empty() || shortest < 2 || kept.len() > 32 {
                continue;
            }
            let better = best.as_ref().is_none_or(|b| {
                let best_short = b.iter().map(String::len).min().unwrap_or(0);
                (shortest, std::cmp::Reverse(kept.len())) > (best_short, std::cmp::Reverse(b.len()))
            });
            if better {
                best = Some(kept);
            }
        }
        best
    }
}

/// Necessary literals of every injected-instruction phrase (`rules/phrases/context.toml`), in
/// table order (overrides, concealment, exfiltration): a line holding none of a phrase's
/// literals cannot match it, so its regex is not even compiled (compiling all of them cost
/// ~150 ms the first time a message addressed an agent).
fn phrase_needles(out_dir: &str) {
    println!("cargo:rerun-if-changed=rules/phrases/context.toml");
    #[derive(serde::Deserialize)]
    struct Table {
        #[serde(rename = "override")]
        overrides: Vec<String>,
        concealment: Vec<String>,
        exfiltration: Vec<String>,
    }
    let text = std::fs::read_to_string("rules/phrases/context.toml").expect("read phrases");
    let t: Table = toml::from_str(&text).expect("rules/phrases/context.toml is valid");
    let mut out = String::from(
        "/// Necessary lowercase literals per phrase, table order; empty: none known (generated).\n\
         static PHRASE_NEEDLES: &[&[&str]] = &[\n",
    );
    for p in t
        .overrides
        .iter()
        .chain(&t.concealment)
        .chain(&t.exfiltration)
    {
        let lits: Vec<String> = needles::of(p)
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.to_lowercase())
            .collect();
        let _ = writeln!(out, "    &{lits:?},");
    }
    out.push_str("];\n");
    std::fs::write(std::path::Path::new(out_dir).join("phrase_needles.rs"), out)
        .expect("write phrase_needles.rs");
}

#[path = "src/analyzers/domain_forms.rs"]
mod domain_forms;

/// The popular-domain list and the domain-owner groups as static tables with every form the
/// lookalike check compares (registrable domain, label, suffix, OCR fold, dashed form, owner,
/// skeleton): building them at run time cost ~2 M instructions per URL check.
fn popular_domains(out_dir: &str) {
    use domain_forms::*;
    use std::collections::BTreeMap;
    println!("cargo:rerun-if-changed=rules/popular-domains.txt");
    println!("cargo:rerun-if-changed=rules/domain-owners.toml");
    println!("cargo:rerun-if-changed=src/analyzers/domain_forms.rs");
    #[derive(serde::Deserialize)]
    struct Owners {
        owner: Vec<Group>,
    }
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Group {
        name: String,
        domains: Vec<String>,
        #[serde(default)]
        country_domains: bool,
    }
    let text = std::fs::read_to_string("rules/domain-owners.toml").expect("read domain-owners");
    let groups: Owners = toml::from_str(&text).expect("rules/domain-owners.toml is valid");
    let mut owners: BTreeMap<String, u16> = BTreeMap::new();
    for (i, g) in groups.owner.iter().enumerate() {
        for d in &g.domains {
            owners.entry(registrable(d)).or_insert(i as u16);
            if g.country_domains {
                owners
                    .entry(country_key(first_label(&registrable(d))))
                    .or_insert(i as u16);
            }
        }
    }
    let owners: Vec<(String, u16)> = owners.into_iter().collect();
    let list = std::fs::read_to_string("rules/popular-domains.txt").expect("read popular");
    let mut seen = std::collections::BTreeSet::new();
    let mut ordered: Vec<String> = Vec::new();
    for line in list.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let reg = registrable(line);
        if seen.insert(reg.clone()) {
            ordered.push(reg);
        }
    }
    let mut by_skeleton: BTreeMap<String, &str> = BTreeMap::new();
    for d in &ordered {
        by_skeleton.entry(ascii_skeleton(d)).or_insert(d);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Popular registrable domains, file order (generated)."
    );
    let _ = writeln!(out, "pub static POPULAR_ENTRIES: &[Entry] = &[");
    for d in &ordered {
        let _ = writeln!(
            out,
            "    Entry {{ domain: {d:?}, label: {:?}, suffix: {:?}, ocr: {:?}, dashed: {:?}, owner: {:?} }},",
            first_label(d),
            suffix_of(d),
            ocr_fold(d),
            d.replace('.', "-"),
            owner_in(&owners, d),
        );
    }
    let _ = writeln!(out, "];");
    let sorted: Vec<&str> = seen.iter().map(String::as_str).collect();
    let _ = writeln!(out, "/// Popular registrable domains, sorted (generated).");
    let _ = writeln!(out, "pub static POPULAR_SORTED: &[&str] = &{sorted:?};");
    let _ = writeln!(
        out,
        "/// Skeleton → the first popular domain with it, sorted by skeleton (generated)."
    );
    let _ = writeln!(
        out,
        "pub static POPULAR_BY_SKELETON: &[(&str, &str)] = &{:?};",
        by_skeleton.into_iter().collect::<Vec<_>>()
    );
    let _ = writeln!(
        out,
        "/// Registrable domain (or `label.*cc*`) → organisation, sorted (generated)."
    );
    let _ = writeln!(
        out,
        "pub static DOMAIN_OWNERS: &[(&str, u16)] = &{owners:?};"
    );
    std::fs::write(
        std::path::Path::new(out_dir).join("popular_domains.rs"),
        out,
    )
    .expect("write popular_domains.rs");
}

/// The popular-package lists (`rules/popular-{pypi,npm,crates,rubygems,packagist}.txt`, plus the brand
/// names of `rules/squat-targets-*.txt`) as sorted static tables for
/// the typosquat check: canonical name → rank, the squatting targets in rank order, targets by
/// length, and targets with separators squashed. Building the same maps at run time cost ~18 M
/// instructions per install check.
fn popular_tables(out_dir: &str) {
    let mut out = String::new();
    for (eco, file, ident) in [
        ("PyPI", "rules/popular-pypi.txt", "PYPI"),
        ("npm", "rules/popular-npm.txt", "NPM"),
        ("crates.io", "rules/popular-crates.txt", "CRATES"),
        ("RubyGems", "rules/popular-rubygems.txt", "RUBYGEMS"),
        ("Packagist", "rules/popular-packagist.txt", "PACKAGIST"),
    ] {
        let names_in = |file: &str| -> Vec<String> {
            // A path that does not exist would make cargo treat the build as stale on every
            // invocation; a list added later is caught by `rerun-if-changed=rules` instead.
            if std::path::Path::new(file).exists() {
                println!("cargo:rerun-if-changed={file}");
            }
            std::fs::read_to_string(file)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(|l| names::normalize(eco, l))
                .collect()
        };
        let mut ranked = names_in(file);
        assert!(!ranked.is_empty(), "{file} is empty or missing");
        // Names attackers imitate although they are not among the most downloaded (brands,
        // scaffolders): targets after the ranked ones, and known names.
        let brands = names_in(&file.replace("popular-", "squat-targets-"));
        let mut targets: Vec<String> =
            ranked[..ranked.len().min(names::squat_targets(eco))].to_vec();
        for b in brands {
            if !targets.contains(&b) {
                targets.push(b.clone());
            }
            if !ranked.contains(&b) {
                ranked.push(b);
            }
        }
        // Real packages outside the popular list that sit one or two edits from a popular name
        // (`jslint` and `eslint`): known, so never reported as squats, but not targets.
        for k in names_in(&file.replace("popular-", "known-")) {
            if !ranked.contains(&k) {
                ranked.push(k);
            }
        }
        let mut known: std::collections::BTreeMap<&str, usize> = Default::default();
        for (rank, n) in ranked.iter().enumerate() {
            known.entry(n.as_str()).or_insert(rank);
        }
        let mut by_len: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        let mut squashed: std::collections::BTreeMap<String, usize> = Default::default();
        let mut target_index: std::collections::BTreeMap<&str, usize> = Default::default();
        for (rank, t) in targets.iter().enumerate() {
            target_index.entry(t.as_str()).or_insert(rank);
            if names::is_squat_target(t) {
                by_len.entry(t.len()).or_default().push(rank);
                squashed.entry(names::squash(t)).or_insert(rank);
            }
        }
        let _ = writeln!(
            out,
            "/// {eco}: squatting target → its index in the targets, sorted by name (generated)."
        );
        let _ = writeln!(
            out,
            "pub static {ident}_TARGET_INDEX: &[(&str, u32)] = &{:?};",
            target_index
                .iter()
                .map(|(k, v)| (*k, *v as u32))
                .collect::<Vec<_>>()
        );
        let _ = writeln!(
            out,
            "/// {eco}: canonical popular name → rank, sorted by name (generated)."
        );
        let _ = writeln!(
            out,
            "pub static {ident}_KNOWN: &[(&str, u32)] = &{:?};",
            known
                .iter()
                .map(|(k, v)| (*k, *v as u32))
                .collect::<Vec<_>>()
        );
        let _ = writeln!(
            out,
            "/// {eco}: squatting targets in rank order (generated)."
        );
        let _ = writeln!(out, "pub static {ident}_TARGETS: &[&str] = &{targets:?};");
        let _ = writeln!(out, "/// {eco}: target ranks by name length (generated).");
        let _ = write!(out, "pub static {ident}_BY_LEN: &[(usize, &[u32])] = &[");
        for (len, ranks) in &by_len {
            let _ = write!(
                out,
                "({len}, &{:?}),",
                ranks.iter().map(|r| *r as u32).collect::<Vec<_>>()
            );
        }
        let _ = writeln!(out, "];");
        let _ = writeln!(
            out,
            "/// {eco}: squashed target → best rank, sorted (generated)."
        );
        let _ = writeln!(
            out,
            "pub static {ident}_SQUASHED: &[(&str, u32)] = &{:?};",
            squashed
                .iter()
                .map(|(k, v)| (k.as_str(), *v as u32))
                .collect::<Vec<_>>()
        );
    }
    std::fs::write(std::path::Path::new(out_dir).join("popular_tables.rs"), out)
        .expect("write popular_tables.rs");
}

#[path = "src/supply/names.rs"]
mod names;

/// The embedded advisories (`advisories/*.json`) as one string per OSV record plus an index
/// from `ECOSYSTEM canonical-name` (sorted) to the records that name the package: a lookup
/// parses only that package's records, so the 600 embedded records cost nothing at start-up.
fn embedded_advisories(out_dir: &str) {
    println!("cargo:rerun-if-changed=advisories");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir("advisories")
        .expect("read advisories/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut records: Vec<String> = Vec::new();
    let mut index: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(&f).expect("read advisory file");
        let list: Vec<serde_json::Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not a JSON array of OSV records: {e}", f.display()));
        for r in list {
            let n = records.len();
            let affected = r["affected"].as_array().cloned().unwrap_or_default();
            assert!(
                r["id"].is_string() && !affected.is_empty(),
                "{}: a record without id or affected packages",
                f.display()
            );
            for a in affected {
                let eco = a["package"]["ecosystem"].as_str().unwrap_or("");
                let eco = eco.split(':').next().unwrap_or(eco);
                let name = a["package"]["name"].as_str().unwrap_or("");
                let key = format!("{eco} {}", names::normalize(eco, name));
                let list = index.entry(key).or_default();
                if !list.contains(&n) {
                    list.push(n);
                }
            }
            records.push(r.to_string());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Every embedded OSV record, as JSON (generated from advisories/*.json)."
    );
    let _ = writeln!(out, "pub static EMBEDDED_ADVISORY_RECORDS: &[&str] = &[");
    for r in &records {
        let _ = writeln!(out, "    {r:?},");
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(
        out,
        "/// `ECOSYSTEM name` → indices into EMBEDDED_ADVISORY_RECORDS, sorted by key."
    );
    let _ = writeln!(
        out,
        "pub static EMBEDDED_ADVISORY_INDEX: &[(&str, &[u16])] = &["
    );
    for (k, v) in &index {
        let _ = writeln!(out, "    ({k:?}, &{v:?}),");
    }
    let _ = writeln!(out, "];");
    std::fs::write(
        std::path::Path::new(out_dir).join("embedded_advisories.rs"),
        out,
    )
    .expect("write embedded_advisories.rs");
}

#[path = "src/rules/tables.rs"]
mod tables;

#[path = "src/rules/gate.rs"]
mod gate;

/// Every `rules/*.toml` as JSON: the rule packs (with the shared tables expanded) as one JSON text
/// per rule in `embedded_data.rs` with the index a start-up needs (id, pack, program names per
/// match block), so a run parses only the rules its commands can reach; the other files in
/// `OUT_DIR/rules-json/` for the modules that embed a table.
fn embedded_json(out_dir: &str) {
    let dir = std::path::Path::new(out_dir).join("rules-json");
    std::fs::create_dir_all(&dir).expect("create OUT_DIR/rules-json");
    let tables_text = std::fs::read_to_string("rules/tables.toml").expect("read rules/tables.toml");
    let tables_map: std::collections::BTreeMap<String, String> =
        toml::from_str(&tables_text).expect("rules/tables.toml is valid");
    let tables: Vec<(String, String)> = tables_map.into_iter().collect();
    let files = rules_toml_files();
    let mut packs = Vec::new();
    let mut examples_code: Vec<String> = Vec::new();
    let mut code = String::new();
    let mut rules_code = String::new();
    let mut ids = std::collections::BTreeSet::new();
    let mut needle_table = std::collections::BTreeMap::new();
    for f in &files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let mut text = std::fs::read_to_string(f).expect("read a rules file");
        let is_pack = text.contains("[[rule]]");
        if is_pack {
            text = tables::expand(&text, &tables);
        }
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let mut value = serde_json::to_value(&value).expect("TOML values are JSON");
        let stem = name.trim_end_matches(".toml");
        // Examples are a third of the packs' text and only tests and `explain` read them: they go
        // to a file of their own, parsed on first use, and start-up skips them.
        if is_pack {
            let mut examples = serde_json::Map::new();
            for rule in value["rule"].as_array_mut().into_iter().flatten() {
                let id = rule["id"].as_str().unwrap_or("").to_string();
                if let Some(ex) = rule.get_mut("examples") {
                    examples.insert(id, ex.take());
                    *ex = serde_json::json!({});
                }
            }
            std::fs::write(
                dir.join(format!("{stem}.examples.json")),
                serde_json::Value::Object(examples).to_string(),
            )
            .expect("write examples JSON");
            examples_code.push(format!(
                "    include_str!(concat!(env!(\"OUT_DIR\"), \"/rules-json/{stem}.examples.json\")),\n"
            ));
        }
        if is_pack {
            // One JSON text per rule, parsed the first time the rule is a candidate, and the
            // index a start-up needs (ids, program names per match block) as static data.
            packs.push(format!("    {name:?},\n"));
            for rule in value["rule"].as_array().into_iter().flatten() {
                let id = rule["id"].as_str().expect("a rule id");
                assert!(ids.insert(id.to_string()), "{name}: duplicate rule id {id}");
                let _ = write!(
                    rules_code,
                    "    EmbeddedRule {{ pack: {name:?}, id: {id:?}, blocks: &["
                );
                for m in rule["match"].as_array().into_iter().flatten() {
                    let commands: Vec<&str> = m["command"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c.as_str())
                        .collect();
                    let needs = gate::needs(|k| m.get(k).is_some_and(|v| !v.is_null()));
                    let _ = write!(
                        rules_code,
                        "Block {{ commands: &{commands:?}, needs: {needs} }},"
                    );
                }
                let _ = writeln!(rules_code, "], json: {:?} }},", rule.to_string());
                for m in rule["match"].as_array().into_iter().flatten() {
                    for key in REGEX_KEYS {
                        if let Some(source) = m.get(*key).and_then(|v| v.as_str()) {
                            if let Some(n) = needles::of(source) {
                                needle_table.insert(source.to_string(), n);
                            }
                        }
                    }
                }
            }
            continue;
        }
        let json = value.to_string();
        std::fs::write(dir.join(format!("{stem}.json")), json).expect("write JSON");
        let include =
            format!("include_str!(concat!(env!(\"OUT_DIR\"), \"/rules-json/{stem}.json\"))");
        if stem == "sinks" {
            sink_entries(&value, out_dir);
        }
        if stem == "tables" {
            let _ = writeln!(code, "/// rules/tables.toml as JSON (generated).");
            let _ = writeln!(code, "const TABLES_JSON: &str = {include};");
        }
    }
    let _ = writeln!(
        code,
        "/// The file names of the embedded rule packs (generated)."
    );
    let _ = writeln!(
        code,
        "pub const EMBEDDED_PACKS: &[&str] = &[\n{}];",
        packs.concat()
    );
    let _ = writeln!(
        code,
        "/// Every embedded rule, in pack order: its index entry and its JSON (generated)."
    );
    let _ = writeln!(
        code,
        "pub static EMBEDDED_RULES: &[EmbeddedRule] = &[\n{rules_code}];"
    );
    let _ = writeln!(
        code,
        "/// The embedded packs' examples as JSON objects `{{rule id: examples}}` (generated)."
    );
    let _ = writeln!(
        code,
        "pub const EMBEDDED_EXAMPLES_JSON: &[&str] = &[\n{}];",
        examples_code.concat()
    );
    let _ = writeln!(
        code,
        "/// For rule regexes with one: literals, ASCII-lowercased, one of which every match \
         contains (sorted by regex source; generated)."
    );
    let _ = writeln!(code, "pub static REGEX_NEEDLES: &[(&str, &[&str])] = &[");
    for (source, list) in &needle_table {
        let _ = writeln!(code, "    ({source:?}, &{list:?}),");
    }
    let _ = writeln!(code, "];");
    std::fs::write(std::path::Path::new(out_dir).join("embedded_data.rs"), code)
        .expect("write embedded_data.rs");
}

/// The code-sink table (`rules/sinks.toml`) as one JSON text per sink, parsed the first time a
/// command names one of its programs, with the program index and the shell lists as static data.
fn sink_entries(table: &serde_json::Value, out_dir: &str) {
    for key in table.as_object().expect("a table").keys() {
        assert!(
            matches!(
                key.as_str(),
                "indirect_shells" | "env_code" | "program_variants" | "sink"
            ),
            "rules/sinks.toml: unknown key {key}"
        );
    }
    let mut out = String::new();
    let mut by_program: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    let _ = writeln!(
        out,
        "/// Every sink of rules/sinks.toml as JSON, table order (generated)."
    );
    let _ = writeln!(out, "static SINK_JSON: &[&str] = &[");
    for (i, sink) in table["sink"]
        .as_array()
        .expect("[[sink]] entries")
        .iter()
        .enumerate()
    {
        for p in sink["programs"].as_array().into_iter().flatten() {
            by_program
                .entry(p.as_str().expect("a program name"))
                .or_default()
                .push(i);
        }
        let _ = writeln!(out, "    {:?},", sink.to_string());
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(
        out,
        "/// Program name → indices into SINK_JSON, sorted by name (generated)."
    );
    let _ = writeln!(out, "static SINK_BY_PROGRAM: &[(&str, &[u16])] = &[");
    for (p, list) in &by_program {
        let _ = writeln!(out, "    ({p:?}, &{list:?}),");
    }
    let _ = writeln!(out, "];");
    let strings = |key: &str| -> Vec<&str> {
        table[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect()
    };
    let _ = writeln!(
        out,
        "/// Program words that name the running shell (generated).\nstatic INDIRECT_SHELLS: &[&str] = &{:?};",
        strings("indirect_shells")
    );
    let _ = writeln!(
        out,
        "/// Environment variables whose value runs (generated).\nstatic ENV_CODE: &[&str] = &{:?};",
        strings("env_code")
    );
    let mut variants: Vec<(&str, &str)> = table["program_variants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let pair = pair.as_array().expect("[variant, program]");
            (
                pair[0].as_str().expect("a variant name"),
                pair[1].as_str().expect("a program name"),
            )
        })
        .collect();
    variants.sort_unstable();
    let _ = writeln!(
        out,
        "/// Distribution names of programs → the program, sorted (generated).\nstatic PROGRAM_VARIANTS: &[(&str, &str)] = &{variants:?};"
    );
    std::fs::write(std::path::Path::new(out_dir).join("sink_entries.rs"), out)
        .expect("write sink_entries.rs");
}

/// The program names and keywords of every embedded rule (what `RuleSet::keywords` returns).
fn rule_keywords(out_dir: &str) {
    println!("cargo:rerun-if-changed=rules");
    let files = rules_toml_files();
    let mut words: Vec<String> = Vec::new();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(&f).expect("read a rule pack");
        if !text.contains("[[rule]]") {
            continue;
        }
        words.extend(array_values(&text, "keywords"));
        words.extend(
            array_values(&text, "command")
                .into_iter()
                .map(|c| c.trim_end_matches('*').to_string()),
        );
    }
    words.sort();
    words.dedup();
    let text = format!(
        "/// Prefilter keywords of the embedded rule packs (generated from rules/*.toml).\n\
         pub const RULE_KEYWORDS: &[&str] = &{words:?};\n"
    );
    std::fs::write(std::path::Path::new(out_dir).join("rule_keywords.rs"), text)
        .expect("write rule_keywords.rs");
}

/// The string values of every `key = [ … ]` array (possibly over several lines), deduplicated.
fn array_values(text: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    let needle = format!("\n{key} = [");
    while let Some(p) = rest.find(&needle) {
        let after = &rest[p + needle.len()..];
        let end = after.find(']').unwrap_or(after.len());
        for part in after[..end].split('"').skip(1).step_by(2) {
            if !out.iter().any(|o| o == part) {
                out.push(part.to_string());
            }
        }
        rest = &after[end..];
    }
    out
}

/// Every `rules/*.toml`, sorted (the build's output must not depend on directory order).
fn rules_toml_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("read rules/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}
