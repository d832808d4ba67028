//! Lockfile parsers for `hermes-scan deps`: every pinned package with its lockfile line.

use super::Ecosystem;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One locked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package name.
    pub name: String,
    /// Exact version.
    pub version: String,
    /// The lockfile.
    pub file: PathBuf,
    /// 1-based line where the package appears (1 when unknown).
    pub line: usize,
}

/// Lockfile names hermes-scan understands (plus `requirements*.txt`).
pub const KNOWN_NAMES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "Gemfile.lock",
    "go.mod",
    "go.sum",
    "composer.lock",
    "requirements*.txt",
];

/// Lockfile names hermes-scan understands.
pub fn is_lockfile(name: &str) -> bool {
    KNOWN_NAMES.contains(&name) || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// Find lockfiles under `root` (a file is taken as is), skipping dependency and build dirs.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    crate::files::discover(root, |p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        is_lockfile(name) || super::mcp::is_mcp_config(p)
    })
}

/// Parse one lockfile. A requirements file's `-r FILE` / `-c FILE` includes are read too
/// (relative to the including file); an include that cannot be read is an error, not a gap.
pub fn parse(path: &Path) -> Result<Vec<Locked>, String> {
    let text = crate::files::read_limited_string(path, crate::files::PROJECT_FILE_LIMIT)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = parse_text(path, &text)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !KNOWN_NAMES.contains(&name) {
        let mut seen = vec![path.to_path_buf()];
        requirement_includes(path, &text, &mut seen, &mut out)?;
    }
    Ok(out)
}

/// Follow `-r`/`--requirement`/`-c`/`--constraint` lines of a requirements file, depth-first,
/// each file once.
fn requirement_includes(
    path: &Path,
    text: &str,
    seen: &mut Vec<PathBuf>,
    out: &mut Vec<Locked>,
) -> Result<(), String> {
    const MAX_FILES: usize = 64;
    for line in requirement_lines(text) {
        let line = line.1.split(" #").next().unwrap_or("").trim();
        let target = ["-r", "--requirement", "-c", "--constraint"]
            .iter()
            .find_map(|flag| {
                let rest = line.strip_prefix(flag)?;
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                (rest.starts_with([' ', '\t']) || !flag.starts_with("--") && !rest.is_empty())
                    .then(|| rest.trim())
            })
            .filter(|t| !t.is_empty() && !t.contains("://"));
        let Some(target) = target else {
            continue;
        };
        let file = path.parent().unwrap_or(Path::new(".")).join(target);
        if seen.contains(&file) {
            continue;
        }
        if seen.len() >= MAX_FILES {
            return Err(format!(
                "{}: more than {MAX_FILES} included requirements files",
                path.display()
            ));
        }
        seen.push(file.clone());
        let included = crate::files::read_limited_string(&file, crate::files::PROJECT_FILE_LIMIT)
            .map_err(|e| {
            format!("{}: included file {}: {e}", path.display(), file.display())
        })?;
        out.extend(requirements(&included, &file));
        requirement_includes(&file, &included, seen, out)?;
    }
    Ok(())
}

/// The logical lines of a requirements file, `(first physical line number, text)`: a line ending
/// in a backslash continues on the next.
fn requirement_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (i, l) in text.lines().enumerate() {
        let (body, continues) = match l.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (l, false),
        };
        match out.last_mut() {
            Some(last) if open => last.1.push_str(body),
            _ => out.push((i + 1, body.to_string())),
        }
        open = continues;
    }
    out
}

/// `name==version` pins of a requirements file (extras, markers, hashes and comments dropped;
/// `==` and `===` with or without spaces).
fn requirements(text: &str, path: &Path) -> Vec<Locked> {
    requirement_lines(text)
        .into_iter()
        .filter_map(|(line, l)| {
            let l = l.split('#').next().unwrap_or("").trim();
            let (n, v) = l.split_once("==")?;
            let n = n.split('[').next().unwrap_or(n).trim();
            let v = v.trim_start_matches('=').trim_start();
            let v = v.split([';', ' ', '\t', ',']).next().unwrap_or(v).trim();
            (!n.is_empty() && !v.is_empty() && !n.starts_with('-')).then(|| Locked {
                ecosystem: Ecosystem::Pypi,
                name: n.to_string(),
                version: v.to_string(),
                file: path.to_path_buf(),
                line,
            })
        })
        .collect()
}

/// Parse lockfile `text` as the kind of file `path` names (the path is only reported, not read).
pub fn parse_text(path: &Path, text: &str) -> Result<Vec<Locked>, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let index = LineIndex::new(text);
    let locked = |eco: Ecosystem, n: &str, v: &str, needle: &str| Locked {
        ecosystem: eco,
        name: n.to_string(),
        version: v.to_string(),
        file: path.to_path_buf(),
        line: index.line_of(needle),
    };
    let err = |e: String| format!("{}: {e}", path.display());
    let out = match name {
        "Cargo.lock" | "poetry.lock" | "uv.lock" => {
            let eco = if name == "Cargo.lock" {
                Ecosystem::Crates
            } else {
                Ecosystem::Pypi
            };
            let doc: toml::Value = toml::from_str(text).map_err(|e| err(e.to_string()))?;
            doc.get("package")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
                .filter(|p| {
                    // crates from git or paths have no registry advisories
                    name != "Cargo.lock"
                        || p.get("source")
                            .and_then(|s| s.as_str())
                            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
                })
                .filter_map(|p| {
                    let n = p.get("name")?.as_str()?;
                    let v = p.get("version")?.as_str()?;
                    Some(locked(eco, n, v, &format!("name = \"{n}\"")))
                })
                .collect()
        }
        "package-lock.json" | "npm-shrinkwrap.json" => {
            let doc: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
            // A document of another shape is not a lockfile with no dependencies: say so
            // instead of passing the gate with nothing checked.
            let shaped = doc.get("packages").is_some_and(Value::is_object)
                || doc.get("dependencies").is_some_and(Value::is_object)
                || doc.get("lockfileVersion").is_some_and(Value::is_number);
            if !shaped {
                return Err(err(
                    "not an npm lockfile (no `lockfileVersion`, `packages` or `dependencies`)"
                        .into(),
                ));
            }
            let mut out = Vec::new();
            if let Some(pkgs) = doc.get("packages").and_then(Value::as_object) {
                for (key, p) in pkgs {
                    let Some(idx) = key.rfind("node_modules/") else {
                        continue;
                    };
                    let n = &key[idx + "node_modules/".len()..];
                    if let Some(v) = p.get("version").and_then(Value::as_str) {
                        if p.get("link").and_then(Value::as_bool) != Some(true) {
                            out.push(locked(Ecosystem::Npm, n, v, &format!("\"{key}\"")));
                        }
                    }
                }
            } else if let Some(deps) = doc.get("dependencies") {
                npm_v1(deps, &mut out, &|n: &str, v: &str| {
                    locked(Ecosystem::Npm, n, v, &format!("\"{n}\""))
                });
            }
            out
        }
        "Pipfile.lock" => {
            let doc: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
            if !["_meta", "default", "develop"]
                .iter()
                .any(|k| doc.get(k).is_some_and(Value::is_object))
            {
                return Err(err(
                    "not a Pipfile.lock (no `_meta`, `default` or `develop`)".into(),
                ));
            }
            ["default", "develop"]
                .iter()
                .filter_map(|s| doc.get(s).and_then(Value::as_object))
                .flatten()
                .filter_map(|(n, p)| {
                    let v = p.get("version")?.as_str()?.trim_start_matches("==");
                    Some(locked(Ecosystem::Pypi, n, v, &format!("\"{n}\"")))
                })
                .collect()
        }
        "yarn.lock" => yarn(text, path),
        "pnpm-lock.yaml" => pnpm(text, path),
        "Gemfile.lock" => gemfile_lock(text, path),
        "go.mod" | "go.sum" => go_modules(text, path, name == "go.sum"),
        "composer.lock" => {
            let doc: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
            ["packages", "packages-dev"]
                .iter()
                .filter_map(|s| doc.get(s).and_then(Value::as_array))
                .flatten()
                .filter_map(|p| {
                    let n = p.get("name")?.as_str()?;
                    let v = p.get("version")?.as_str()?.trim_start_matches('v');
                    Some(locked(Ecosystem::Packagist, n, v, &format!("\"{n}\"")))
                })
                .collect()
        }
        _ => requirements(text, path),
    };
    Ok(out)
}

/// `Gemfile.lock`: the `specs:` blocks of GEM sections (`    name (version)` at four spaces;
/// deeper lines are dependency constraints, and GIT/PATH sections have no registry advisories).
fn gemfile_lock(text: &str, path: &Path) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut in_gem = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') {
            in_gem = line.trim() == "GEM";
            continue;
        }
        let Some(spec) = line.strip_prefix("    ") else {
            continue;
        };
        if !in_gem || spec.starts_with(' ') {
            continue;
        }
        let Some((name, rest)) = spec.split_once(" (") else {
            continue;
        };
        // A platform suffix (`1.15.4-x86_64-linux`) is not part of the advisory version.
        let version = rest.trim_end_matches(')');
        let version = version
            .split_once('-')
            .filter(|(_, plat)| plat.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .map_or(version, |(v, _)| v);
        out.push(Locked {
            ecosystem: Ecosystem::RubyGems,
            name: name.to_string(),
            version: version.to_string(),
            file: path.to_path_buf(),
            line: i + 1,
        });
    }
    out
}

/// `go.mod` (`require` lines and blocks) or `go.sum` (`module vX.Y.Z[/go.mod] h1:…`): module
/// paths with their versions, without the leading `v` (OSV's Go versions are bare semver).
fn go_modules(text: &str, path: &Path, sum: bool) -> Vec<Locked> {
    let mut out: Vec<Locked> = Vec::new();
    // (module, version) pairs already listed: go.sum names each twice (`/go.mod` line).
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    let mut in_block = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.split("//").next().unwrap_or("").trim();
        let spec = if sum {
            Some(l)
        } else if in_block {
            if l == ")" {
                in_block = false;
                None
            } else {
                Some(l)
            }
        } else if l == "require (" {
            in_block = true;
            None
        } else {
            l.strip_prefix("require ")
        };
        let Some(spec) = spec else { continue };
        let mut parts = spec.split_whitespace();
        let (Some(module), Some(version)) = (parts.next(), parts.next()) else {
            continue;
        };
        let version = version.trim_end_matches("/go.mod");
        let Some(bare) = version.strip_prefix('v') else {
            continue;
        };
        let bare = bare.trim_end_matches("+incompatible");
        if !seen.insert((module, bare)) {
            continue;
        }
        out.push(Locked {
            ecosystem: Ecosystem::Go,
            name: module.to_string(),
            version: bare.to_string(),
            file: path.to_path_buf(),
            line: i + 1,
        });
    }
    out
}

fn npm_v1(deps: &Value, out: &mut Vec<Locked>, make: &dyn Fn(&str, &str) -> Locked) {
    if let Some(map) = deps.as_object() {
        for (n, d) in map {
            if let Some(v) = d.get("version").and_then(Value::as_str) {
                out.push(make(n, v));
            }
            if let Some(nested) = d.get("dependencies") {
                npm_v1(nested, out, make);
            }
        }
    }
}

/// yarn.lock v1 (`"a@^1", a@^2:` + `  version "1.2.3"`) and berry (`"a@npm:^1":` + `  version: 1.2.3`).
fn yarn(text: &str, path: &Path) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ')
            && line.ends_with(':')
            && !line.starts_with('#')
            && !line.starts_with("__metadata")
        {
            let first = line
                .trim_end_matches(':')
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            let at = if let Some(rest) = first.strip_prefix('@') {
                rest.find('@').map(|p| p + 1)
            } else {
                first.find('@')
            };
            current = at.map(|p| (first[..p].to_string(), i + 1));
            continue;
        }
        let t = line.trim();
        if let (Some((name, at)), Some(v)) = (&current, t.strip_prefix("version")) {
            let v = v.trim_start_matches(':').trim().trim_matches('"');
            if !v.is_empty() {
                out.push(Locked {
                    ecosystem: Ecosystem::Npm,
                    name: name.clone(),
                    version: v.to_string(),
                    file: path.to_path_buf(),
                    line: *at,
                });
            }
            current = None;
        }
    }
    out
}

/// pnpm-lock.yaml package keys (`/name@1.2.3:`, `name@1.2.3(peer):`, v5 `/name/1.2.3:`).
fn pnpm(text: &str, path: &Path) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            in_packages = line.starts_with("packages:") || line.starts_with("snapshots:");
            continue;
        }
        if !in_packages
            || !line.starts_with("  ")
            || line.starts_with("   ")
            || !line.trim_end().ends_with(':')
        {
            continue;
        }
        let key = line
            .trim()
            .trim_end_matches(':')
            .trim_matches(['\'', '"'])
            .trim_start_matches('/');
        let key = key.split('(').next().unwrap_or(key);
        let split = if let Some(rest) = key.strip_prefix('@') {
            rest.find('@').map(|p| p + 1)
        } else {
            key.find('@')
        };
        let (name, version) = match split {
            Some(p) => (&key[..p], &key[p + 1..]),
            None => match key.rsplit_once('/') {
                Some((n, v)) => (n, v),
                None => continue,
            },
        };
        if name.is_empty()
            || version.is_empty()
            || out
                .iter()
                .any(|l: &Locked| l.name == name && l.version == version)
        {
            continue;
        }
        out.push(Locked {
            ecosystem: Ecosystem::Npm,
            name: name.to_string(),
            version: version.to_string(),
            file: path.to_path_buf(),
            line: i + 1,
        });
    }
    out
}

/// Where each key first appears: the leading `"quoted key"` or `name = "x"` of every line, so a
/// 10,000-package lockfile is indexed in one pass instead of searched once per package.
struct LineIndex {
    first: std::collections::HashMap<String, usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut first = std::collections::HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            let key = if let Some(rest) = t.strip_prefix('"') {
                rest.find('"').map(|e| format!("\"{}\"", &rest[..e]))
            } else if t.starts_with("name = \"") {
                t.get(8..)
                    .and_then(|r| r.find('"').map(|e| format!("name = \"{}\"", &r[..e])))
            } else {
                None
            };
            if let Some(k) = key {
                first.entry(k).or_insert(i + 1);
            }
        }
        LineIndex { first }
    }

    /// 1-based line of the key (1 when unknown, e.g. a one-line JSON file).
    fn line_of(&self, needle: &str) -> usize {
        self.first.get(needle).copied().unwrap_or(1)
    }
}
