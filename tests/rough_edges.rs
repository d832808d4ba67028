//! What a new user trips over (issue 15): exit statuses scripts can rely on, configuration that
//! fails closed instead of silently doing nothing, messages that say what happened.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn home(name: &str) -> PathBuf {
    let h = common::scratch(&format!("rough-{name}"));
    std::fs::create_dir_all(h.join("config/hermes-scan")).unwrap();
    h
}

fn bin(home: &Path) -> Command {
    common::bin_in(home)
}

fn run(home: &Path, args: &[&str]) -> Output {
    bin(home).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn config(home: &Path) -> PathBuf {
    home.join("config/hermes-scan/config.toml")
}

#[test]
fn doctor_exits_non_zero_when_something_is_broken() {
    let h = home("doctor");
    let ok = run(&h, &["doctor"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    // A hook pointing at a binary that no longer exists.
    let settings = h.join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(
        &settings,
        r#"{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"/nonexistent/hermes-scan hook claude-code"}]}]}}"#,
    )
    .unwrap();
    let out = run(&h, &["doctor"]);
    assert!(stdout(&out).contains("BROKEN"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_file(&settings).unwrap();
    // A config that does not load is broken too.
    std::fs::write(config(&h), "[approval\n").unwrap();
    let out = run(&h, &["doctor"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("policy       BROKEN"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_config_that_is_not_a_readable_file_fails_closed() {
    let h = home("cfgkinds");
    // A dangling symlink: the user's deny list must not vanish silently.
    std::os::unix::fs::symlink(h.join("nowhere.toml"), config(&h)).unwrap();
    let out = run(&h, &["check", "--", "ls"]);
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(stderr(&out).contains("symlink"), "{}", stderr(&out));
    std::fs::remove_file(config(&h)).unwrap();
    // A directory.
    std::fs::create_dir(config(&h)).unwrap();
    let out = run(&h, &["check", "--", "ls"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    std::fs::remove_dir(config(&h)).unwrap();
    // A dangling project file as well.
    std::os::unix::fs::symlink(h.join("gone"), h.join(".hermes-scan.toml")).unwrap();
    assert_eq!(run(&h, &["check", "--", "ls"]).status.code(), Some(78));
}

#[test]
fn unknown_rule_ids_are_warned_about_and_refused_under_strict() {
    let h = home("unknown");
    std::fs::write(
        config(&h),
        "[rules.\"git.rest-hard\"]\naction = \"allow\"\n[rules.\"git.reset-hard\"]\naction = \"warn\"\n",
    )
    .unwrap();
    let out = run(&h, &["check", "--", "ls"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("warning")
            && err.contains("git.rest-hard")
            && !err.contains("git.reset-hard\""),
        "{err}"
    );
    let out = run(&h, &["--strict", "check", "--", "ls"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("error"), "{}", stderr(&out));
}

#[test]
fn project_packs_resolve_against_the_project_file() {
    let h = home("packs");
    let project = h.join("proj");
    std::fs::create_dir_all(project.join("rules")).unwrap();
    std::fs::create_dir_all(project.join("src/deep")).unwrap();
    std::fs::write(
        project.join(".hermes-scan.toml"),
        "packs = [\"rules/team.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        project.join("rules/team.toml"),
        r#"[[rule]]
id = "team.no-deploy"
category = "policy"
severity = "high"
action = "block"
title = "Deploys go through CI"
description = "The team deploys from CI only."
remediation = "Open a pull request."
[[rule.match]]
command = ["deploy-prod"]
[rule.examples]
match = ["deploy-prod now"]
no_match = ["deploy-staging"]
"#,
    )
    .unwrap();
    // Run from a subdirectory: the pack path is relative to the project file, not the cwd.
    let out = bin(&h)
        .current_dir(project.join("src/deep"))
        .args(["check", "--", "deploy-prod now"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("team.no-deploy"), "{}", stdout(&out));
}

#[test]
fn a_failing_stderr_never_turns_a_config_error_into_a_crash() {
    let h = home("stderr");
    std::fs::write(config(&h), "not toml [\n").unwrap();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        eprintln!("skipped: /dev/full not found");
        return;
    };
    let out = bin(&h)
        .args(["check", "--", "ls"])
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    // Closed outright (`2>&-`).
    let bin_path = env!("CARGO_BIN_EXE_hermes-scan");
    let out = bin(&h)
        .env("BIN", bin_path)
        .args(["--version"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let closed = Command::new("sh")
        .args(["-c", "\"$BIN\" check -- ls 2>&-"])
        .env("BIN", bin_path)
        .env("XDG_CONFIG_HOME", h.join("config"))
        .env("HOME", &h)
        .output()
        .unwrap();
    assert_eq!(closed.status.code(), Some(78));
}

#[test]
fn deps_with_nothing_to_check_is_not_a_pass() {
    let h = home("deps-empty");
    let out = run(&h, &["deps", "."]);
    assert_eq!(out.status.code(), Some(66), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no lockfile") && err.contains("Cargo.lock") && err.contains("--allow-empty"),
        "{err}"
    );
    assert_eq!(
        run(&h, &["deps", "--allow-empty", "."]).status.code(),
        Some(0)
    );
}

#[test]
fn install_with_an_unknown_ecosystem_is_a_usage_error() {
    let h = home("install");
    let out = run(&h, &["install", "--dry-run", "rubygems:rails@7.0.0"]);
    assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown ecosystem"));
    let out = run(&h, &["install", "--dry-run", "requests==2.31.0"]);
    assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
    // A refused package is still a block.
    let out = run(&h, &["install", "--dry-run", "npm:left-pad@1.3.0;id"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_rule_set_to_allow_does_not_suggest_setting_it_to_allow() {
    let h = home("allowhint");
    std::fs::write(
        config(&h),
        "[rules.\"git.reset-hard\"]\naction = \"allow\"\n",
    )
    .unwrap();
    let text = stdout(&run(&h, &["check", "--", "git reset --hard"]));
    assert!(text.contains("reported, not enforced"), "{text}");
    assert!(
        !text.contains("action = \"allow\" in a policy file"),
        "{text}"
    );
    let h2 = home("allowhint2");
    let text = stdout(&run(&h2, &["check", "--", "git reset --hard"]));
    assert!(
        text.contains("action = \"allow\" in a policy file"),
        "{text}"
    );
}

#[test]
fn yolo_is_offered_only_where_approvals_happen() {
    let h = home("yolo-help");
    for sub in ["hook", "prompt", "agent"] {
        let help = stdout(&run(&h, &[sub, "--help"]));
        assert!(help.contains("--yolo"), "{sub} --help lacks --yolo");
    }
    for sub in ["check", "deps", "init", "doctor", "rules", "advisories"] {
        let help = stdout(&run(&h, &[sub, "--help"]));
        assert!(!help.contains("--yolo"), "{sub} --help offers --yolo");
    }
}

#[test]
fn advisory_import_names_skipped_files_and_stores_absolute_sources() {
    let h = home("import");
    let src = h.join("osv");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("GOOD-1.json"),
        r#"{"id":"GOOD-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"evil-pkg"},"versions":["1.0.0"]}]}"#,
    )
    .unwrap();
    std::fs::write(src.join("BROKEN-2.json"), "{ not json").unwrap();
    let out = run(&h, &["advisories", "import", "./osv/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 skipped"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("BROKEN-2.json") && err.contains("not valid JSON"),
        "{err}"
    );
    let status = stdout(&run(&h, &["advisories", "status"]));
    let abs = std::fs::canonicalize(&src).unwrap();
    assert!(
        status.contains(abs.to_str().unwrap()) && !status.contains("./osv/"),
        "{status}"
    );
}
