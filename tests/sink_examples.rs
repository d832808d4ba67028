//! Every code sink proves itself: each `examples.match` of `rules/sinks.toml` must make the shell
//! layer extract code through that sink (a command whose sink chain names it), each
//! `examples.no_match` must not, and the prefilter must never skip a matching example.

use hermes_scan::shell::{self, sinks};
use hermes_scan::Scanner;

/// True when some command of the input was found through sink `id`.
fn extracted_through(input: &str, id: &str) -> bool {
    let script = shell::analyze(input);
    script.commands.iter().any(|c| {
        c.via.as_deref().is_some_and(|via| {
            via.split(" → ")
                .any(|step| step == id || step.starts_with(&format!("{id} (")))
        })
    })
}

#[test]
fn every_sink_example_behaves_as_documented() {
    let scanner = Scanner::global();
    let mut failures = Vec::new();
    let mut checked = 0;
    for sink in sinks::table().sinks() {
        assert!(
            !sink.examples.matches.is_empty() && !sink.examples.no_match.is_empty(),
            "sink {} needs match and no_match examples",
            sink.id
        );
        for ex in &sink.examples.matches {
            checked += 1;
            if !extracted_through(ex, &sink.id) {
                failures.push(format!("MISS  {:<22} {ex:?}", sink.id));
            }
            if !scanner.needs_scan(ex) {
                failures.push(format!("PREFILTER skipped {:<14} {ex:?}", sink.id));
            }
        }
        for ex in &sink.examples.no_match {
            checked += 1;
            if extracted_through(ex, &sink.id) {
                failures.push(format!("FALSE {:<22} {ex:?}", sink.id));
            }
        }
    }
    assert!(checked > 200, "only {checked} sink examples");
    assert!(
        failures.is_empty(),
        "{} of {checked} sink examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn nested_findings_name_the_sink_and_point_into_the_nested_text() {
    let scanner = Scanner::global();
    let input = "sed -n '1e rm -rf /' notes.txt";
    let v = scanner.scan(input);
    let f = v
        .findings
        .iter()
        .find(|f| f.rule_id == "floor.rm-root")
        .expect("the wipe inside sed is found");
    assert_eq!(&input[f.span.0..f.span.1], "rm -rf /");
    let detail = serde_json::to_string(&v).unwrap();
    assert!(detail.contains("sed.exec"), "{detail}");

    let input = "ssh -p 2222 db1 'rm -rf /'";
    let v = scanner.scan(input);
    let json = serde_json::to_string(&v).unwrap();
    assert!(json.contains("on host db1 via ssh"), "{json}");
}

#[test]
fn container_paths_map_through_bind_mounts() {
    let scanner = Scanner::global();
    let floor = |s: &str| scanner.scan(s).findings.iter().any(|f| f.floor);
    assert!(floor("docker run -v /:/host alpine rm -rf /host/*"));
    assert!(floor("docker run --rm -v /:/h alpine sh -c 'rm -rf /h/*'"));
    assert!(floor("podman run -v /:/host ubuntu chroot /host rm -rf /"));
    assert!(floor("docker run -v \"$HOME\":/x busybox rm -rf /x"));
    // A throwaway container's own root is not the host's.
    assert!(!floor("docker run --rm alpine rm -rf /"));
    assert!(!floor(
        "docker run --rm -v \"$PWD\":/src alpine rm -rf /src/build"
    ));
}

#[test]
fn the_build_time_name_extract_matches_the_table() {
    let table = sinks::table();
    let mut from_table: Vec<&str> = table.programs().collect();
    from_table.sort_unstable();
    let mut extracted: Vec<&str> = sinks::SINK_PROGRAMS.to_vec();
    extracted.sort_unstable();
    assert_eq!(
        from_table, extracted,
        "build.rs and rules/sinks.toml disagree on programs"
    );
    let mut env_table: Vec<&str> = table.env_names().collect();
    env_table.sort_unstable();
    let mut env_extracted: Vec<&str> = sinks::SINK_ENV_NAMES.to_vec();
    env_extracted.sort_unstable();
    assert_eq!(env_table, env_extracted);
}
