//! MCP server launch configs are installs: `deps` reads `.mcp.json`, Claude Desktop's and
//! Cursor's configs and Hermes Agent's YAML, and judges every `npx`/`uvx`/`bunx`/`pipx run`/
//! `docker run` launch (advisories, malware-only packages, typosquats, unpinned launches), with
//! findings at the config line; `check` judges `claude mcp add NAME -- COMMAND`.

use serde_json::Value;

mod common;

const DOT_MCP: &str = r#"{
  "mcpServers": {
    "colors": {
      "command": "npx",
      "args": ["-y", "@ctrl/tinycolor@4.1.1"]
    },
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/src"]
    },
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"]
    },
    "remote": {"type": "http", "url": "https://mcp.example.com/mcp"}
  }
}"#;

const DESKTOP: &str = r#"{"mcpServers": {"web": {"command": "npx", "args": ["-y", "expresss@1.0.0"]}, "pinned": {"command": "uvx", "args": ["mcp-server-fetch==2025.1.17"]}}}"#;

const CURSOR: &str = r#"{"mcpServers": {"flat": {"command": "npx", "args": ["flatmap-stream"]}}}"#;

const HERMES_YAML: &str = "model: x\nmcp_servers:\n  ua:\n    command: npx\n    args: [\"-y\", \"ua-parser-js@0.7.29\"]\n  time:\n    command: uvx\n    args:\n      - mcp-server-time==2025.1.1\n  ctx:\n    command: pipx\n    args:\n      - run\n      - ctx==0.2.6\nother: 1\n";

#[test]
fn deps_judges_every_launch_at_its_config_line() {
    let dir = common::project(
        "mcp",
        "configs",
        &[
            (".mcp.json", DOT_MCP),
            ("desktop/claude_desktop_config.json", DESKTOP),
            (".cursor/mcp.json", CURSOR),
            (".hermes/config.yaml", HERMES_YAML),
        ],
    );
    let out = common::deps(&dir, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["mcp_launches"], 9, "the remote server has no launch");
    let got: std::collections::BTreeSet<(String, usize, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let short = file
                .strip_prefix(&format!("{}/", dir.display()))
                .unwrap_or(file)
                .trim_start_matches("./")
                .to_string();
            (
                short,
                f["line"].as_u64().unwrap() as usize,
                f["name"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        (".mcp.json", 3, "@ctrl/tinycolor", "malicious"),
        (
            ".mcp.json",
            7,
            "@modelcontextprotocol/server-filesystem",
            "medium",
        ),
        (
            ".mcp.json",
            11,
            "ghcr.io/github/github-mcp-server",
            "medium",
        ),
        ("desktop/claude_desktop_config.json", 1, "expresss", "high"),
        (".cursor/mcp.json", 1, "flatmap-stream", "malicious"),
        (".cursor/mcp.json", 1, "flatmap-stream", "medium"),
        (".hermes/config.yaml", 3, "ua-parser-js", "malicious"),
        (".hermes/config.yaml", 10, "ctx", "malicious"),
    ] {
        let w = (
            want.0.to_string(),
            want.1,
            want.2.to_string(),
            want.3.to_string(),
        );
        assert!(got.contains(&w), "missing {w:?} in {got:#?}");
    }
    assert!(
        !got.iter()
            .any(|g| g.2 == "mcp-server-fetch" || g.2 == "mcp-server-time"),
        "pinned clean launches are silent: {got:#?}"
    );
    // SARIF points at the config line.
    let out = common::deps(&dir, &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "mcp.unpinned-launch"
        && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 7));
}

#[test]
fn a_clean_pinned_config_passes() {
    let dir = common::project(
        "mcp",
        "clean",
        &[(
            ".mcp.json",
            r#"{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/tmp"]}, "gh": {"command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server:v0.13.0"]}}}"#,
        )],
    );
    let out = common::deps(&dir, &["--format", "json", "--fail-on", "low"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    // A broken config is an error, not a pass.
    let bad = common::project("mcp", "bad", &[(".mcp.json", "{\"mcpServers\": ")]);
    assert!(common::deps(&bad, &[]).status.code().unwrap() >= 64);
}

#[test]
fn check_judges_claude_mcp_add() {
    let home = common::shared_scratch("mcp-check");
    for (cmd, code) in [
        ("claude mcp add colors -- npx -y @ctrl/tinycolor@4.1.1", 1),
        ("claude mcp add -s user ua -- npx -y ua-parser-js@0.7.29", 1),
        (
            "claude mcp add fs -- npx -y @modelcontextprotocol/server-filesystem@2025.8.21 /tmp",
            0,
        ),
        ("claude mcp list", 0),
        (
            r#"claude mcp add-json colors '{"type":"stdio","command":"npx","args":["-y","@ctrl/tinycolor@4.1.1"]}'"#,
            1,
        ),
        (
            r#"claude mcp add-json fs '{"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem@2025.8.21"]}'"#,
            0,
        ),
        (
            "echo claude mcp add colors -- npx -y @ctrl/tinycolor@4.1.1",
            0,
        ),
    ] {
        let out = common::bin_in(&home)
            .args(["check", "--", cmd])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{cmd}");
    }
}
