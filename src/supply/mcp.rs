//! MCP server launch configs are installs too: `.mcp.json` (Claude Code), Claude Desktop's
//! `claude_desktop_config.json`, Cursor's `mcp.json`, VS Code's `.vscode/mcp.json` (`servers`)
//! and Hermes Agent's `mcp_servers` in its YAML config. Each stdio server's `command` + `args` is
//! turned back into a command line and read by the same install-intent parser `check` uses, so
//! `npx -y PKG@V`, `uvx PKG==V`, `bunx`, `pipx run` and `docker run IMAGE` launches are judged
//! like the installs they are.

use super::gate::{self, DepFinding};
use super::intents::{self, Requested, Source};
use super::lockfiles::Locked;
use super::typosquat;
use serde_json::Value;
use std::path::Path;

/// One server launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// Server name in the config.
    pub server: String,
    /// The launch as a shell command line (each argument quoted).
    pub command: String,
    /// 1-based line of the server's entry.
    pub line: usize,
}

/// File names that hold MCP launch configs (`config.yaml` only inside `.hermes/`).
pub fn is_mcp_config(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        ".mcp.json" | "claude_desktop_config.json" | "mcp.json" => true,
        "config.yaml" | "config.yml" => path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|p| p == ".hermes"),
        _ => false,
    }
}

/// An MCP config by name, or a JSON/YAML file given explicitly whose text declares servers.
pub fn is_mcp_file(path: &Path) -> bool {
    if is_mcp_config(path) {
        return true;
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(ext, "json" | "yaml" | "yml")
        && std::fs::read_to_string(path).is_ok_and(|t| {
            t.contains("\"mcpServers\"") || t.lines().any(|l| l.trim_end() == "mcp_servers:")
        })
}

/// Quote one argument for a POSIX shell (only when needed).
fn quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+%,^~".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The command line of one JSON server entry (`{"command": "npx", "args": [...]}`); `None` for
/// remote servers (`url`) and entries without a command.
pub fn launch_command(server: &Value) -> Option<String> {
    let command = server.get("command")?.as_str()?;
    let mut parts = vec![quote(command)];
    for a in server
        .get("args")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        parts.push(quote(&match a {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
    }
    Some(parts.join(" "))
}

/// Every stdio server launch in the config at `path`.
pub fn launches(path: &Path) -> Result<Vec<Launch>, String> {
    let text = crate::files::read_limited_string(path, crate::files::PROJECT_FILE_LIMIT)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if is_yaml {
        return Ok(yaml_launches(&text));
    }
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for key in ["mcpServers", "servers", "mcp_servers"] {
        let Some(servers) = doc.get(key).and_then(Value::as_object) else {
            continue;
        };
        for (name, server) in servers {
            if let Some(command) = launch_command(server) {
                let needle = format!("\"{name}\"");
                let line = text
                    .lines()
                    .position(|l| l.contains(&needle))
                    .map_or(1, |i| i + 1);
                out.push(Launch {
                    server: name.clone(),
                    command,
                    line,
                });
            }
        }
    }
    Ok(out)
}

/// Hermes Agent's YAML: `mcp_servers:` at the top level, one mapping per server with `command:`
/// and `args:` (a flow list `[a, "b"]` or a block list of `- item`). Read line by line — the
/// subset these configs use — without a YAML library.
fn yaml_launches(text: &str) -> Vec<Launch> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let scalar = |v: &str| {
        let v = v.trim();
        let v = v.split(" #").next().unwrap_or(v).trim();
        v.trim_matches(|c| c == '"' || c == '\'').to_string()
    };
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == "mcp_servers:") else {
        return out;
    };
    let mut i = start + 1;
    let mut server: Option<(String, usize, usize)> = None; // name, line, indent
    let mut command: Option<String> = None;
    let mut args: Vec<String> = Vec::new();
    let mut in_args = false;
    let flush = |server: &Option<(String, usize, usize)>,
                 command: &mut Option<String>,
                 args: &mut Vec<String>,
                 out: &mut Vec<Launch>| {
        if let (Some((name, line, _)), Some(c)) = (server, command.take()) {
            let mut parts = vec![quote(&c)];
            parts.extend(args.iter().map(|a| quote(a)));
            out.push(Launch {
                server: name.clone(),
                command: parts.join(" "),
                line: *line,
            });
        }
        args.clear();
    };
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            i += 1;
            continue;
        }
        if indent(l) == 0 {
            break;
        }
        let server_indent = server.as_ref().map(|s| s.2);
        if server_indent.is_none_or(|si| indent(l) <= si) && t.ends_with(':') && !t.starts_with('-')
        {
            flush(&server, &mut command, &mut args, &mut out);
            server = Some((scalar(t.trim_end_matches(':')), i + 1, indent(l)));
            in_args = false;
        } else if let Some(v) = t.strip_prefix("command:") {
            command = Some(scalar(v));
            in_args = false;
        } else if let Some(v) = t.strip_prefix("args:") {
            let v = v.trim();
            in_args = v.is_empty();
            if let Some(list) = v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                args.extend(list.split(',').map(scalar).filter(|a| !a.is_empty()));
            }
        } else if let (true, Some(v)) = (in_args, t.strip_prefix("- ")) {
            args.push(scalar(v));
        } else {
            in_args = false;
        }
        i += 1;
    }
    flush(&server, &mut command, &mut args, &mut out);
    out
}

/// Findings for the launches of one config file: advisories of pinned packages (as the lockfile
/// gate reports them), malware-only packages even when unpinned, typosquats, direct sources, and
/// unpinned launches or images (medium: the server runs whatever is newest when it starts).
pub fn findings(file: &Path, launches: &[Launch], dir: Option<&Path>) -> Vec<DepFinding> {
    let mut out = Vec::new();
    for launch in launches {
        let script = crate::shell::analyze(&launch.command);
        let finding =
            |eco: &str, name: &str, version: &str, id: &str, level: &str, summary: String| {
                DepFinding {
                    file: file.display().to_string(),
                    line: launch.line,
                    ecosystem: eco.to_string(),
                    name: name.to_string(),
                    version: version.to_string(),
                    id: id.to_string(),
                    aliases: Vec::new(),
                    level: level.to_string(),
                    summary: format!("MCP server {:?}: {summary}", launch.server),
                }
            };
        for cmd in &script.commands {
            if let Some(image) = docker_image(cmd) {
                let pinned = image.contains("@sha256:")
                    || image
                        .rsplit('/')
                        .next()
                        .and_then(|last| last.split_once(':'))
                        .is_some_and(|(_, tag)| tag != "latest");
                if !pinned {
                    out.push(finding("docker", &image, "", "mcp.unpinned-image", "medium",
                        format!("`{image}` is not pinned to a tag or digest; the server runs whatever the registry serves at launch")));
                }
            }
            for i in intents::intents(cmd) {
                let eco = i.ecosystem.as_str();
                match &i.source {
                    Source::Url(u) | Source::Git(u) => {
                        out.push(finding(eco, &i.name, "", "supply.direct-source", "medium",
                            format!("launched straight from {u}, bypassing the registry and its advisories")));
                        continue;
                    }
                    // An MCP launch line never writes manifests.
                    Source::Path(_) | Source::Unreadable(_) => continue,
                    Source::Registry => {}
                }
                match &i.requested {
                    Requested::Exact(v) => {
                        let locked = Locked {
                            ecosystem: i.ecosystem,
                            name: i.name.clone(),
                            version: v.clone(),
                            file: file.to_path_buf(),
                            line: launch.line,
                        };
                        out.extend(gate::check(std::slice::from_ref(&locked), dir));
                    }
                    other => {
                        for e in super::store::lookup(dir, i.ecosystem, &i.name) {
                            if e.malicious && e.affects_all() {
                                out.push(finding(
                                    eco,
                                    &i.name,
                                    "",
                                    &e.id,
                                    "malicious",
                                    e.summary.clone(),
                                ));
                            }
                        }
                        let what = match other {
                            Requested::Range(r) => format!("the range {r}"),
                            _ => "no version".into(),
                        };
                        out.push(finding(eco, &i.name, "", "mcp.unpinned-launch", "medium",
                            format!("`{}` launches {} with {what}: every start runs whatever release is newest; pin an exact version", launch.command, i.name)));
                    }
                }
                if let Some(detail) = typosquat::describe(i.ecosystem, &i.name) {
                    out.push(finding(
                        eco,
                        &i.name,
                        "",
                        "supply.typosquat",
                        "high",
                        detail,
                    ));
                }
            }
        }
    }
    out
}

/// The image of `docker|podman run [OPTIONS] IMAGE …`.
fn docker_image(cmd: &crate::shell::ir::Command) -> Option<String> {
    if !matches!(cmd.name(), "docker" | "podman") {
        return None;
    }
    let args = cmd.args();
    let run = args.iter().position(|w| w.text == "run")?;
    const VALUE_OPTS: &[&str] = &[
        "-e",
        "--env",
        "-v",
        "--volume",
        "--name",
        "-p",
        "--publish",
        "--mount",
        "--network",
        "--net",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "--entrypoint",
        "--env-file",
        "-l",
        "--label",
        "--platform",
        "--pull",
        "-m",
        "--memory",
        "--cpus",
        "--add-host",
        "--cap-add",
        "--cap-drop",
        "--security-opt",
        "--tmpfs",
        "--device",
        "-h",
        "--hostname",
        "--restart",
    ];
    let mut i = run + 1;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t.starts_with('-') {
            if VALUE_OPTS.contains(&t) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some(t.to_string());
    }
    None
}
