//! `hermes-scan deps`: lockfile parsers for every supported format, exit codes, thresholds, JSON
//! and SARIF output, and a 10,000-package lockfile.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"rustdecimal\"\nversion = \"1.23.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
const NPM_V3: &str = r#"{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/express":{"version":"4.19.2"},"node_modules/a/node_modules/debug":{"version":"4.4.2"},"node_modules/@ctrl/tinycolor":{"version":"4.1.2"}}}"#;
const NPM_V1: &str = r#"{"lockfileVersion":1,"dependencies":{"left-pad":{"version":"1.3.0"},"event-stream":{"version":"3.3.6","dependencies":{"flatmap-stream":{"version":"0.1.1"}}}}}"#;
const YARN_V1: &str = "# yarn lockfile v1\n\n\"chalk@^5.6.0\":\n  version \"5.6.1\"\n  resolved \"https://registry.yarnpkg.com/chalk/-/chalk-5.6.1.tgz\"\n\n\"@ctrl/tinycolor@^4\", \"@ctrl/tinycolor@^4.1\":\n  version \"4.1.1\"\n";
const YARN_BERRY: &str = "__metadata:\n  version: 6\n\n\"nx@npm:^21.5.0\":\n  version: 21.5.0\n  resolution: \"nx@npm:21.5.0\"\n";
const PNPM: &str = "lockfileVersion: '9.0'\n\npackages:\n\n  ua-parser-js@0.7.29:\n    resolution: {integrity: sha512-x}\n\n  '@ctrl/deluge@7.2.1':\n    resolution: {integrity: sha512-y}\n\n  is@3.3.1(peer@1.0.0):\n    resolution: {integrity: sha512-z}\n";
const POETRY: &str = "[[package]]\nname = \"num2words\"\nversion = \"0.5.15\"\n\n[[package]]\nname = \"requests\"\nversion = \"2.31.0\"\n";
const UV: &str = "version = 1\n\n[[package]]\nname = \"termncolor\"\nversion = \"3.1.0\"\n";
const PIPFILE: &str = r#"{"_meta":{},"default":{"aiocpa":{"version":"==0.1.13"}},"develop":{"pytest":{"version":"==8.0.0"}}}"#;
const REQS: &str = "requests==2.31.0\nultralytics==8.3.41  # pinned\n-r other.txt\n";

#[test]
fn every_lockfile_format_is_read_and_judged() {
    let dir = common::project(
        "deps",
        "formats",
        &[
            ("rust/Cargo.lock", CARGO_LOCK),
            ("web/package-lock.json", NPM_V3),
            ("old/npm-shrinkwrap.json", NPM_V1),
            ("y1/yarn.lock", YARN_V1),
            ("y2/yarn.lock", YARN_BERRY),
            ("p/pnpm-lock.yaml", PNPM),
            ("py/poetry.lock", POETRY),
            ("py2/uv.lock", UV),
            ("py3/Pipfile.lock", PIPFILE),
            ("py4/requirements-dev.txt", REQS),
            // Read through `-r other.txt`, with pip's spacing around `==`.
            ("py4/other.txt", "ctx == 0.2.2\n"),
            ("node_modules/ignored/package-lock.json", NPM_V1),
        ],
    );
    let out = common::deps(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["files"].as_array().unwrap().len(),
        10,
        "node_modules is skipped: {}",
        v["files"]
    );
    let hits: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f["name"].as_str().unwrap(),
                f["version"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "rustdecimal@1.23.1",
        "debug@4.4.2",
        "@ctrl/tinycolor@4.1.2",
        "event-stream@3.3.6",
        "flatmap-stream@0.1.1",
        "chalk@5.6.1",
        "@ctrl/tinycolor@4.1.1",
        "nx@21.5.0",
        "ua-parser-js@0.7.29",
        "@ctrl/deluge@7.2.1",
        "is@3.3.1",
        "num2words@0.5.15",
        "termncolor@3.1.0",
        "aiocpa@0.1.13",
        "ultralytics@8.3.41",
        "ctx@0.2.2",
    ] {
        assert!(
            hits.contains(&want.to_string()),
            "{want} not found in {hits:?}"
        );
    }
    for clean in [
        "serde@1.0.200",
        "express@4.19.2",
        "requests@2.31.0",
        "pytest@8.0.0",
        "left-pad@1.3.0",
    ] {
        assert!(!hits.contains(&clean.to_string()), "{clean} flagged");
    }
    let chalk = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "chalk")
        .unwrap();
    assert_eq!(chalk["line"], 3, "line of the yarn.lock block");
    assert_eq!(chalk["level"], "malicious");
}

#[test]
fn exit_codes_and_thresholds() {
    let clean = common::project(
        "deps",
        "clean", &[("Cargo.lock", "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n")]);
    let out = common::deps(&clean, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pass"));
    let bad = common::project("deps", "bad", &[("Cargo.lock", CARGO_LOCK)]);
    assert_eq!(
        common::deps(&bad, &["--fail-on", "malicious"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        common::deps(&bad, &["--fail-on", "low"]).status.code(),
        Some(1)
    );
    assert!(common::deps(&bad, &["no-such-dir"]).status.code().unwrap() >= 64);
    assert!(
        common::deps(&bad, &["--format", "xml"])
            .status
            .code()
            .unwrap()
            >= 64
    );
    let broken = common::project("deps", "broken", &[("package-lock.json", "{not json")]);
    assert!(common::deps(&broken, &[]).status.code().unwrap() >= 64);
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let dir = common::project(
        "deps",
        "sarif",
        &[("Cargo.lock", CARGO_LOCK), ("package-lock.json", NPM_V3)],
    );
    let out = common::deps(&dir, &["--format", "sarif", "--output", "report.sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.sarif")).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "hermes-scan");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri == "Cargo.lock" || uri == "package-lock.json",
            "relative URI: {uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok());
        assert!(
            !rule["helpUri"].as_str().unwrap().contains("HSCAN-"),
            "links use public ids"
        );
    }
}

#[test]
fn ten_thousand_package_lockfile() {
    let mut packages = String::from("{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"big\"}");
    for i in 0..10_000 {
        packages.push_str(&format!(
            ",\"node_modules/pkg-{i}\":{{\"version\":\"1.0.{i}\"}}"
        ));
    }
    packages.push_str(",\"node_modules/chalk\":{\"version\":\"5.6.1\"}}}");
    let dir = common::project("deps", "big", &[("package-lock.json", &packages)]);
    let start = Instant::now();
    let out = common::deps(&dir, &["--format", "json"]);
    eprintln!(
        "10,001-package lockfile: {:.2?} (whole process, debug build)",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["packages"], 10_001);
}

const GEMFILE_LOCK: &str = "GIT\n  remote: https://github.com/x/y.git\n  specs:\n    ygem (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    rest-client (1.6.13)\n      mime-types (>= 1.16)\n    strong_password (0.0.7)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  rest-client (= 1.6.13)\n";
const GO_MOD: &str = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/evil/backdoor v1.4.0\n\tgolang.org/x/text v0.14.0 // indirect\n)\n\nrequire github.com/ok/lib v2.0.0+incompatible\n";
const GO_SUM: &str =
    "github.com/evil/backdoor v1.4.0 h1:abc=\ngithub.com/evil/backdoor v1.4.0/go.mod h1:def=\n";
const COMPOSER_LOCK: &str = r#"{"packages":[{"name":"evil/wp-helper","version":"v2.1.0"}],"packages-dev":[{"name":"phpunit/phpunit","version":"10.5.0"}]}"#;

/// OSV records for ecosystems the embedded data has none of (Go, Packagist), imported by the test.
fn import_go_and_packagist(home: &Path) {
    let osv = home.join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    std::fs::write(osv.join("GO-TEST-1.json"), r#"{"id":"GO-TEST-1","modified":"2026-01-01T00:00:00Z","summary":"backdoored module","database_specific":{"malicious":true},"affected":[{"package":{"ecosystem":"Go","name":"github.com/evil/backdoor"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.3.0"},{"fixed":"1.5.0"}]}]}]}"#).unwrap();
    std::fs::write(osv.join("PKG-TEST-1.json"), r#"{"id":"GHSA-test-pkg1","modified":"2026-01-01T00:00:00Z","summary":"RCE in wp-helper","database_specific":{"severity":"HIGH"},"affected":[{"package":{"ecosystem":"Packagist","name":"evil/wp-helper"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0.0"},{"fixed":"2.2.0"}]}]}]}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
        .args(["advisories", "import"])
        .arg(&osv)
        .env("XDG_DATA_HOME", home.join(".no-store"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rubygems_go_and_composer_lockfiles_are_read_and_judged() {
    let dir = common::project(
        "deps",
        "gems-go",
        &[
            ("rb/Gemfile.lock", GEMFILE_LOCK),
            ("go/go.mod", GO_MOD),
            ("go2/go.sum", GO_SUM),
            ("php/composer.lock", COMPOSER_LOCK),
        ],
    );
    import_go_and_packagist(&dir);
    let out = common::deps(&dir, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: std::collections::BTreeSet<(String, String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["name"].as_str().unwrap().to_string(),
                f["version"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: std::collections::BTreeSet<(String, String, String, String)> = [
        ("Gemfile.lock", "rest-client", "1.6.13", "malicious"),
        ("Gemfile.lock", "strong_password", "0.0.7", "malicious"),
        ("go.mod", "github.com/evil/backdoor", "1.4.0", "malicious"),
        ("go.sum", "github.com/evil/backdoor", "1.4.0", "malicious"),
        ("composer.lock", "evil/wp-helper", "2.1.0", "high"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(got, want, "GIT specs, dependency constraints, nokogiri's platform, the safe module and dev packages are silent");
    // The same packages through the install front doors of `check`.
    let check = |cmd: &str| {
        Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
            .args(["check", "--json", "--", cmd])
            .env("XDG_DATA_HOME", dir.join(".no-store"))
            .output()
            .unwrap()
    };
    for (cmd, code) in [
        ("gem install rest-client -v 1.6.13", 1),
        ("gem install rest-client:1.6.12", 1),
        ("bundle add strong_password --version 0.0.7", 1),
        ("go install github.com/evil/backdoor/cmd/tool@v1.4.0", 1),
        ("go run github.com/evil/backdoor@v1.3.2", 1),
        ("composer require evil/wp-helper:2.1.0", 2),
        ("gem install rest-client -v 2.1.0", 0),
        ("go install github.com/evil/backdoor/cmd/tool@v1.5.0", 0),
        ("composer require evil/wp-helper:2.2.0", 0),
        ("go build ./...", 0),
    ] {
        let out = check(cmd);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_lockfile_of_the_wrong_shape_is_an_error_not_an_empty_pass() {
    for (i, (file, text, says)) in [
        ("package-lock.json", "[]", "not an npm lockfile"),
        (
            "package-lock.json",
            r#"{"name":"app"}"#,
            "not an npm lockfile",
        ),
        (
            "Pipfile.lock",
            r#"{"pipfile-spec":6}"#,
            "not a Pipfile.lock",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = common::project("deps", &format!("wrong-shape-{i}"), &[(file, text)]);
        let out = common::deps(&dir, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(66), "{file} {text}: {err}");
        assert!(err.contains(says), "{file} {text}: {err}");
    }
    // A lockfile of a project with no dependencies is still read (and passes).
    let dir = common::project(
        "deps",
        "no-deps",
        &[(
            "package-lock.json",
            r#"{"lockfileVersion":1,"requires":true}"#,
        )],
    );
    assert_eq!(common::deps(&dir, &[]).status.code(), Some(0));
}

#[test]
fn requirements_are_read_as_pip_reads_them() {
    // Continued lines, `===`, markers and a nested include are pins; a missing include is an
    // error (pip fails on it too), not a file with nothing to check.
    let dir = common::project(
        "deps",
        "pip-spellings",
        &[
            ("requirements.txt", "-r sub/base.txt\nc\\\ntx==0.2.2\n"),
            ("sub/base.txt", "--constraint pins.txt\n"),
            (
                "sub/pins.txt",
                "NUM2WORDS === 0.5.15 ; python_version > '3' # pinned\n",
            ),
        ],
    );
    let out = common::deps(&dir, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_ascii_lowercase())
        .collect();
    assert!(names.contains(&"ctx".to_string()), "{names:?}");
    assert!(names.contains(&"num2words".to_string()), "{names:?}");

    let dir = common::project(
        "deps",
        "pip-missing-include",
        &[("requirements.txt", "-r nowhere.txt\n")],
    );
    let out = common::deps(&dir, &[]);
    assert_eq!(out.status.code(), Some(66));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.txt"));
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_lockfile_is_skipped_not_waited_on() {
    let dir = common::project(
        "deps",
        "fifo",
        &[("requirements.txt", "requests==2.31.0\n")],
    );
    let fifo = dir.join("sub/package-lock.json");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // A directory link leading out of the tree is not followed either.
    let _ = std::fs::remove_file(dir.join("up"));
    std::os::unix::fs::symlink("..", dir.join("up")).unwrap();
    let started = Instant::now();
    let out = common::deps(&dir, &["--format", "json"]);
    assert!(started.elapsed().as_secs() < 20);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1, "{}", v["files"]);
}
