//! Install intents: which packages a canonical command would fetch, in which version, from where.

use super::Ecosystem;
use crate::findings::Span;
use crate::shell::{Command, Word};

/// What version an install asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// Nothing pinned: the newest release.
    Latest,
    /// An exact version.
    Exact(String),
    /// A range or tag (`^4`, `>=2,<3`, `latest`).
    Range(String),
}

/// Where the package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The ecosystem's registry (or a configured index).
    Registry,
    /// A URL (archive, wheel, gist).
    Url(String),
    /// A git repository or ref.
    Git(String),
    /// A local path.
    Path(String),
    /// A manifest the input wrote that does not parse (or nests deeper than the parser allows):
    /// what it lists cannot be judged.
    Unreadable(String),
}

/// One package an install would fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package name as typed (extras stripped).
    pub name: String,
    /// Requested version.
    pub requested: Requested,
    /// Source.
    pub source: Source,
    /// Span of the spec in the input.
    pub span: Span,
    /// Extra indexes / registries named on the command line.
    pub extra_indexes: Vec<String>,
}

/// Options that take a value, per tool family (so the value is not read as a package).
const PIP_VALUE_OPTS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-c",
    "--constraint",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--python",
    "-p",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--trusted-host",
    "--src",
    "--upgrade-strategy",
    "--cache-dir",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--index",
    "--default-index",
    "--group",
    "--with",
    "--python-platform",
    "--from",
    "--spec",
    "--optional",
    "--extra",
    "--source",
    "-w",
    "--wheel-dir",
    "-d",
    "--dest",
    "--report",
    "--progress-bar",
    "--exists-action",
    "--log-file",
    "--cert",
    "--client-cert",
    "--config-settings",
    "--global-option",
    "--build-option",
];
const NPM_VALUE_OPTS: &[&str] = &[
    "--registry",
    "--prefix",
    "-w",
    "--workspace",
    "--tag",
    "--cache",
    "--userconfig",
    "-C",
    "--dir",
    "--filter",
    "-F",
    "--cwd",
    "--loglevel",
    "--omit",
    "--include",
];
const CARGO_VALUE_OPTS: &[&str] = &[
    "--version",
    "--vers",
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--path",
    "--root",
    "--registry",
    "--index",
    "--features",
    "-F",
    "--target",
    "--target-dir",
    "--profile",
    "--bin",
    "--example",
    "-j",
    "--jobs",
    "--rename",
    "--package",
    "-p",
    "--manifest-path",
    "--config",
    "-Z",
];

/// The install intents of one canonical command (empty when it installs nothing).
pub fn intents(cmd: &Command) -> Vec<Intent> {
    intents_in(cmd, None)
}

/// Requirement texts the input itself provides: files written earlier in it (by path) and the
/// command's own stdin (heredoc or here-string), consulted by `-r FILE`, `-r /dev/stdin`, `-r -`.
#[derive(Default)]
struct Provided {
    files: std::collections::HashMap<String, String>,
    stdin: Option<String>,
    /// What `<(echo …)` arguments print, by the argument's start offset.
    substituted: std::collections::HashMap<usize, String>,
    /// A first pass that only notes whether a requirements file is read at all (see
    /// [`intents_in`]): lookups find nothing and set `looked_up`.
    probe: bool,
    looked_up: bool,
}

thread_local! {
    static PROVIDED: std::cell::RefCell<Option<Provided>> = const { std::cell::RefCell::new(None) };
}

/// [`intents_of`] with `provided` in place for requirements-file lookups; returns the intents
/// and whether a lookup happened.
fn intents_with(provided: Provided, name: &str, args: &[&Word]) -> (Vec<Intent>, bool) {
    let saved = PROVIDED.with(|p| p.replace(Some(provided)));
    let out = intents_of(name, args);
    let used = PROVIDED.with(|p| std::mem::replace(&mut *p.borrow_mut(), saved));
    (out, used.is_some_and(|p| p.looked_up))
}

/// [`intents`] with what the rest of the input provides: files it wrote earlier
/// (`echo ctx==0.2.6 > r.txt && pip install -r r.txt`) and what process substitutions print
/// (`pip install -r <(echo ctx==0.2.6)`).
pub fn intents_in(cmd: &Command, script: Option<&crate::shell::Script>) -> Vec<Intent> {
    let args: Vec<&Word> = cmd.args().iter().collect();
    // Almost no command reads a requirements file, and gathering what the input provides
    // copies the files it wrote (a long script would be quadratic): a probe pass first.
    let probe = Provided {
        probe: true,
        ..Provided::default()
    };
    let (out, looked_up) = intents_with(probe, cmd.name(), &args);
    if !looked_up {
        return out;
    }
    let mut substituted = std::collections::HashMap::new();
    if let Some(script) = script {
        for w in cmd.args().iter().filter(|w| !w.subs.is_empty()) {
            let printed: Vec<String> = w
                .subs
                .iter()
                .flat_map(|&id| script.commands_within(id))
                .filter_map(printed_text)
                .collect();
            if !printed.is_empty() {
                substituted.insert(w.span.0, printed.join("\n"));
            }
        }
    }
    // Only files an argument names can be read as requirements.
    let named = |path: &str| {
        MANIFESTS.contains(&path.trim_start_matches("./"))
            || cmd.args().iter().any(|a| a.text.contains(path))
    };
    let provided = Provided {
        files: script
            .map(|s| {
                s.files
                    .iter()
                    .filter(|(k, _)| named(k))
                    .map(|(k, v)| (k.clone(), v.text.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        stdin: cmd.stdin_text.as_ref().map(|w| w.text.clone()),
        substituted,
        ..Provided::default()
    };
    intents_with(provided, cmd.name(), &args).0
}

/// Python's own options before `-m MODULE` (`-I`, `-E`, `-X opt`, `-W arg`, …): the index of
/// the module name, when there is one.
fn python_module(args: &[&Word]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "-m" => return (i + 1 < args.len()).then_some(i + 1),
            "-X" | "-W" | "-Q" => i += 2,
            _ if t.starts_with("-m") && t.len() > 2 => return None,
            _ if t.starts_with('-') && t != "-" && t != "-c" => i += 1,
            _ => return None,
        }
    }
    None
}

/// Installer names a launcher may put in front (`corepack pnpm`, `npx -y yarn`).
fn is_package_manager(name: &str) -> bool {
    matches!(
        name,
        "npm" | "pnpm" | "yarn" | "bun" | "pip" | "pip3" | "uv" | "pipx" | "poetry" | "gem"
    )
}

fn intents_of(name: &str, args: &[&Word]) -> Vec<Intent> {
    let args: Vec<&Word> = args.to_vec();
    let text = |i: usize| args.get(i).map(|w| w.text.as_str()).unwrap_or("");
    let is_python =
        name.starts_with("python") && name[6..].chars().all(|c| c.is_ascii_digit() || c == '.');
    match name {
        n if n == "pip"
            || n.starts_with("pip3")
            || (n.starts_with("pip") && n[3..].chars().all(|c| c.is_ascii_digit() || c == '.')) =>
        {
            // `pip wheel` builds the package: an sdist's build code runs.
            let at = first_positional(&args, PIP_VALUE_OPTS);
            if matches!(text(at), "install" | "wheel") {
                let mut out = pypi(&args, at + 1);
                // `pip install .` / `-e .`: the project's own declared dependencies.
                if args[at + 1..]
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "." | "./" | ".[dev]" | ".[all]"))
                {
                    out.extend(pyproject_manifest(args[at].span));
                }
                return out;
            }
            Vec::new()
        }
        // `python [-I -X opt …] -m pip|uv|pipx|poetry …`, also the Windows-style `py` launcher.
        _ if (is_python || name == "py") && python_module(&args).is_some() => {
            let m = python_module(&args).unwrap_or(0);
            let module = args[m].text.as_str();
            if matches!(module, "pip" | "uv" | "pipx" | "poetry") {
                return intents_of(module, &args[m + 1..]);
            }
            Vec::new()
        }
        // `corepack pnpm add …`, `ruby -S gem install …`, `nvm exec 20 npm i …`.
        "corepack" if is_package_manager(text(0)) => intents_of(text(0), &args[1..]),
        "ruby" | "jruby" | "truffleruby" if text(0) == "-S" && args.len() > 1 => {
            intents_of(text(1), &args[2..])
        }
        "nvm" if matches!(text(0), "exec" | "run") && args.len() > 2 => {
            intents_of(text(2), &args[3..])
        }
        "volta" if text(0) == "install" => npm(&args, 1),
        // Deno takes npm packages as `npm:NAME@VER` anywhere on its command line.
        "deno" => args
            .iter()
            .filter_map(|w| {
                w.text
                    .strip_prefix("npm:")
                    .and_then(|spec| npm_spec(spec, w.span, &[]))
            })
            .collect(),
        // (`pdm add -d NAME`: `-d` is `--dev` there, not pip's `-d DIR`.)
        "pdm" | "rye" if text(0) == "add" => {
            let args: Vec<&Word> = args
                .iter()
                .copied()
                .filter(|a| !matches!(a.text.as_str(), "-d" | "--dev"))
                .collect();
            pypi(&args, 1)
        }
        "pipenv" if text(0) == "install" && args.len() > 1 => pypi(&args, 1),
        "pixi" if text(0) == "add" && args.iter().any(|w| w.text == "--pypi") => pypi(&args, 1),
        "easy_install" | "easy_install-3" => pypi(&args, 0),
        "uv" => {
            let mut out = match (text(0), text(1)) {
                ("pip", "install") => pypi(&args, 2),
                ("pip", "sync") => positional_words(&args, 2, PIP_VALUE_OPTS)
                    .into_iter()
                    .flat_map(|w| requirements_file(&w.text, w.span, &[]))
                    .collect(),
                ("add", _) => pypi(&args, 1),
                ("sync" | "lock", _) => pyproject_manifest(args[0].span),
                ("tool", "install") => pypi(&args, 2),
                ("tool", "run") => pypi_first(&args, 2),
                _ => Vec::new(),
            };
            // `--with PKG` (run, tool run/install) adds packages to the environment it builds.
            out.extend(with_packages(&args));
            out
        }
        "uvx" | "pipx" if name == "uvx" => {
            let mut out = pypi_first(&args, 0);
            out.extend(with_packages(&args));
            out
        }
        "pipx" => match text(0) {
            "install" | "inject" => pypi(&args, 1),
            "run" => pypi_first(&args, 1),
            _ => Vec::new(),
        },
        "poetry" if text(0) == "add" => poetry(&args),
        "poetry" | "pdm" | "pipenv" | "hatch" if matches!(text(0), "install" | "sync" | "lock") => {
            pyproject_manifest(args[0].span)
        }
        "npm" | "pnpm" | "yarn" | "bun" => {
            let at = first_positional(&args, NPM_VALUE_OPTS);
            let sub = text(at);
            let installs = match name {
                "npm" => matches!(
                    sub,
                    "install"
                        | "i"
                        | "add"
                        | "isntall"
                        | "in"
                        | "ins"
                        | "inst"
                        | "insta"
                        | "instal"
                        | "isnt"
                        | "isnta"
                        | "isntal"
                ),
                "pnpm" => matches!(sub, "add" | "install" | "i" | "up" | "update" | "upgrade"),
                "yarn" => {
                    matches!(sub, "add" | "up" | "upgrade")
                        || (sub == "global" && text(at + 1) == "add")
                }
                _ => matches!(sub, "add" | "a" | "install" | "i" | "update"),
            } || (name == "npm"
                && matches!(sub, "install-test" | "it" | "update" | "up" | "upgrade"));
            // A bare install (`npm i`, `npm ci`, `yarn`, `pnpm install`) installs package.json.
            let bare = sub.is_empty() || matches!(sub, "install" | "i" | "ci");
            if bare && positional_words(&args, at + 1, NPM_VALUE_OPTS).is_empty() {
                return npm_manifest(args.first().map_or((0, 0), |w| w.span));
            }
            if installs {
                let skip = if sub == "global" { at + 2 } else { at + 1 };
                return npm(&args, skip);
            }
            // `npm pkg set dependencies.NAME=VERSION` declares what the next install fetches.
            if name == "npm" && sub == "pkg" && text(at + 1) == "set" {
                return args[at + 2..]
                    .iter()
                    .filter_map(|w| {
                        let (key, version) = w.text.split_once('=')?;
                        let (section, pkg) = key.split_once('.')?;
                        DEPENDENCY_SECTIONS
                            .contains(&section)
                            .then(|| npm_spec(&format!("{pkg}@{version}"), w.span, &[]))?
                    })
                    .collect();
            }
            // `yarn workspace W add …`, `yarn workspaces foreach [OPTS] add …`.
            if name == "yarn" && matches!(sub, "workspace" | "workspaces") {
                if let Some(p) = args.iter().skip(at + 1).position(|w| w.text == "add") {
                    return npm(&args, at + 1 + p + 1);
                }
            }
            if matches!(sub, "dlx" | "x" | "exec") {
                // `npm exec -p X`, `npm x X@V`, `pnpm --package=X dlx …`: like npx.
                let packages = option_values(&args, &["-p", "--package"]);
                if !packages.is_empty() {
                    return packages
                        .iter()
                        .filter_map(|p| npm_spec(p, args[at].span, &[]))
                        .collect();
                }
                return npx(&args[at + 1..]);
            }
            Vec::new()
        }
        "npx" | "bunx" | "pnpx" => npx(&args),
        "cargo" => {
            let at = first_positional(&args, CARGO_VALUE_OPTS);
            match text(at) {
                // `cargo binstall` fetches a prebuilt binary of the same crate.
                "install" | "add" | "binstall" => cargo(&args, at + 1),
                // A build fetches what Cargo.toml declares (and runs their build scripts).
                "build" | "b" | "run" | "r" | "check" | "c" | "test" | "t" | "fetch"
                | "generate-lockfile" | "update" => {
                    cargo_manifest(args.get(at).map_or((0, 0), |w| w.span))
                }
                _ => Vec::new(),
            }
        }
        // `claude mcp add [OPTIONS] NAME -- COMMAND ARGS…` registers a server that runs COMMAND.
        "claude" | "codex" | "gemini" | "qwen" if text(0) == "mcp" && text(1) == "add" => {
            match args.iter().position(|w| w.text == "--") {
                Some(p) if p + 1 < args.len() => intents_of(&args[p + 1].text, &args[p + 2..]),
                Some(_) => Vec::new(),
                // Without `--`: options, the server NAME, then the command and its arguments.
                None => {
                    const VALUE_OPTS: &[&str] = &[
                        "-s",
                        "--scope",
                        "-t",
                        "--transport",
                        "-e",
                        "--env",
                        "-H",
                        "--header",
                        "--timeout",
                        "--trust",
                        "--cwd",
                    ];
                    let mut i = 2;
                    while i < args.len() && args[i].text.starts_with('-') {
                        i += if VALUE_OPTS.contains(&args[i].text.as_str()) {
                            2
                        } else {
                            1
                        };
                    }
                    match args.get(i + 1) {
                        Some(c) => intents_of(&c.text, &args[i + 2..]),
                        None => Vec::new(),
                    }
                }
            }
        }
        // `claude mcp add-json NAME '{"command": …, "args": […]}'`: the JSON is the launch.
        "claude" if text(0) == "mcp" && text(1) == "add-json" => args
            .iter()
            .skip(2)
            .filter_map(|w| {
                let server: serde_json::Value = serde_json::from_str(&w.text).ok()?;
                let line = super::mcp::launch_command(&server)?;
                Some((w.span, crate::shell::analyze(&line)))
            })
            .flat_map(|(span, script)| {
                script
                    .commands
                    .iter()
                    .flat_map(intents)
                    .map(|mut i| {
                        // Spans of the nested parse point into the JSON's own text.
                        i.span = span;
                        i
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        "gem" if matches!(text(0), "install" | "i") => gem(&args),
        "bundle" if text(0) == "add" => gem(&args),
        "bundle" | "bundler" if matches!(text(0), "" | "install" | "update" | "lock") => {
            gemfile_manifest(args.first().map_or((0, 0), |w| w.span))
        }
        "go" if matches!(text(0), "install" | "get" | "run") => {
            let mut out = go(&args);
            out.extend(gomod_manifest(args[0].span));
            out
        }
        "go" if matches!(text(0), "build" | "test" | "vet" | "generate")
            || (text(0) == "mod" && matches!(text(1), "download" | "tidy" | "vendor")) =>
        {
            gomod_manifest(args[0].span)
        }
        "composer" if matches!(text(0), "require" | "req") => composer(&args),
        _ => Vec::new(),
    }
}

/// Index of the first positional argument.
fn first_positional(args: &[&Word], value_opts: &[&str]) -> usize {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t.starts_with('-') {
            if value_opts.contains(&t) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return i;
    }
    args.len()
}

/// Positional words from `start` on, skipping options and the values of `value_opts`.
fn positional_words<'a>(args: &[&'a Word], start: usize, value_opts: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = start;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t.starts_with('-') {
            if value_opts.contains(&t) {
                i += 1;
            }
        } else {
            out.push(args[i]);
        }
        i += 1;
    }
    out
}

/// Values of options (`--opt VALUE` or `--opt=VALUE`).
fn option_values(args: &[&Word], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        for n in names {
            if a.text == *n {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.text.clone());
                }
            } else if let Some(v) = a.text.strip_prefix(&format!("{n}=")) {
                out.push(v.to_string());
            }
        }
    }
    out
}

fn source_of(spec: &str) -> Source {
    if spec.starts_with("git+")
        || spec.starts_with("git@")
        || spec.starts_with("git://")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
        || spec.ends_with(".git")
    {
        Source::Git(spec.to_string())
    } else if spec.contains("://") {
        Source::Url(spec.to_string())
    } else if spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
        || spec.starts_with("file:")
    {
        Source::Path(spec.to_string())
    } else {
        Source::Registry
    }
}

/// pip/uv/pipx/poetry specs from `start` on.
fn pypi(args: &[&Word], start: usize) -> Vec<Intent> {
    // Only sources consulted *in addition to* the registry open the door to dependency confusion;
    // a replacement index (`--index-url`, `-i`) is a single source, like an npm `--registry`.
    // A local wheel directory (`--no-index --find-links wheels/`) is not an index anyone else serves.
    let extra: Vec<String> = option_values(
        args,
        &["--extra-index-url", "--index", "--find-links", "-f"],
    )
    .into_iter()
    .filter(|v| v.contains("://") && !v.starts_with("file://"))
    .collect();
    let mut out = Vec::new();
    let mut i = start;
    while i < args.len() {
        let t = args[i].text.as_str();
        // A constraints file pins the versions of what is installed: a pin there is fetched.
        if t == "-r" || t == "--requirement" || t == "-c" || t == "--constraint" {
            if let Some(f) = args.get(i + 1) {
                out.extend(requirements_file(&f.text, f.span, &extra));
            }
            i += 2;
            continue;
        }
        if t == "-e" || t == "--editable" {
            // `-e git+https://…#egg=x`: an editable install straight from a repository.
            if let Some(v) = args
                .get(i + 1)
                .filter(|v| v.text.contains("://") || v.text.starts_with("git+"))
            {
                out.extend(pypi_spec(&v.text, v.span, &extra));
            }
            i += 2;
            continue;
        }
        if t.starts_with('-') {
            if PIP_VALUE_OPTS.contains(&t) {
                i += 1;
            }
            i += 1;
            continue;
        }
        if let Some(intent) = pypi_spec(t, args[i].span, &extra) {
            out.push(intent);
        }
        i += 1;
    }
    out
}

fn pypi_first(args: &[&Word], start: usize) -> Vec<Intent> {
    let at = start + first_positional(&args[start.min(args.len())..], PIP_VALUE_OPTS);
    let extra = option_values(args, &["--extra-index-url", "--index"]);
    let from = option_values(args, &["--from", "--spec"]);
    let mut out: Vec<Intent> = from
        .iter()
        .filter_map(|f| pypi_spec(f, args[0].span, &extra))
        .collect();
    if out.is_empty() {
        if let Some(w) = args.get(at) {
            out.extend(pypi_spec(&tool_spec(&w.text), w.span, &extra));
        }
    }
    out
}

/// uv's tool syntax `name@version` (`uvx ruff@0.6.0`) as the requirement it stands for
/// (`ruff==0.6.0`); `name@latest` is the newest release.
fn tool_spec(spec: &str) -> String {
    match spec.split_once('@') {
        Some((name, "latest")) if !name.is_empty() => name.to_string(),
        Some((name, version))
            if !name.is_empty()
                && !spec.contains("://")
                && version.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            format!("{name}=={version}")
        }
        _ => spec.to_string(),
    }
}

/// One PEP 508-ish spec: `name[extras]==1.0`, `name>=1,<2`, `name @ url`, a URL or path.
pub fn pypi_spec(spec: &str, span: Span, extra: &[String]) -> Option<Intent> {
    let spec = spec.trim();
    if spec.is_empty() || spec.starts_with('#') {
        return None;
    }
    if let Some(mut intent) = registry_tarball(spec, span) {
        intent.extra_indexes = extra.to_vec();
        return Some(intent);
    }
    if let Some((name, url)) = spec
        .split_once(" @ ")
        .or_else(|| spec.split_once('@').filter(|(_, u)| u.contains("://")))
    {
        return Some(Intent {
            ecosystem: Ecosystem::Pypi,
            name: name.trim().to_string(),
            requested: Requested::Latest,
            source: source_of(url.trim()),
            span,
            extra_indexes: extra.to_vec(),
        });
    }
    let mut src = source_of(spec);
    // `pip install wheels/requests-2.32.3-py3-none-any.whl`, `pip install dist/pkg.tar.gz`: a
    // PyPI name has no `/` and no archive suffix, so this is a file in the project.
    let archive = [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"]
        .iter()
        .any(|e| spec.ends_with(e));
    if src == Source::Registry && (spec.contains('/') || archive) && !spec.contains([' ', '*', '?'])
    {
        src = Source::Path(spec.to_string());
    }
    if src != Source::Registry {
        let name = spec
            .rsplit('/')
            .next()
            .unwrap_or(spec)
            .split(['-', '#', '?'])
            .next()
            .unwrap_or(spec)
            .to_string();
        return Some(Intent {
            ecosystem: Ecosystem::Pypi,
            name,
            requested: Requested::Latest,
            source: src,
            span,
            extra_indexes: extra.to_vec(),
        });
    }
    let spec = spec.split(';').next().unwrap_or(spec).trim();
    // Letters of any script belong to the name: `rеquests` with a Cyrillic `е` is one (imitating)
    // name, not `r` followed by a version range.
    let end = spec
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = spec[end..].trim();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map(|x| x.1).unwrap_or("").trim();
    }
    let requested = if let Some(v) = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .filter(|v| !v.contains([',', '*', '<', '>', '!', '~']))
    {
        Requested::Exact(v.trim().trim_start_matches(['v', 'V']).to_string())
    } else if rest.is_empty() {
        Requested::Latest
    } else {
        Requested::Range(rest.to_string())
    };
    Some(Intent {
        ecosystem: Ecosystem::Pypi,
        name: name.to_string(),
        requested,
        source: Source::Registry,
        span,
        extra_indexes: extra.to_vec(),
    })
}

/// The sections of package.json that list packages an install fetches.
const DEPENDENCY_SECTIONS: &[&str] = &["dependencies", "devDependencies", "optionalDependencies"];

/// What the input itself provides for `path` (see [`Provided`]); `Err` in the probe pass, which
/// only notes that a lookup happens.
fn provided_text(path: &str, span: Span) -> Result<Option<String>, ()> {
    PROVIDED.with(|p| {
        let mut p = p.borrow_mut();
        let Some(p) = p.as_mut() else {
            return Ok(None);
        };
        if p.probe {
            p.looked_up = true;
            return Err(());
        }
        Ok(if let Some(t) = p.substituted.get(&span.0) {
            Some(t.clone())
        } else if matches!(path, "/dev/stdin" | "-" | "/proc/self/fd/0" | "/dev/fd/0") {
            p.stdin.clone()
        } else {
            p.files.get(path.trim_start_matches("./")).cloned()
        })
    })
}

/// A bare `npm install` installs what package.json lists: when the input wrote that file, its
/// packages are checked like packages named on the command line (the file on disk is the
/// lockfile gate's business, not this command's).
fn npm_manifest(span: Span) -> Vec<Intent> {
    let Ok(Some(text)) = provided_text("package.json", span) else {
        return Vec::new();
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![unreadable("package.json", span)];
    };
    DEPENDENCY_SECTIONS
        .iter()
        .filter_map(|s| manifest.get(s).and_then(|m| m.as_object()))
        .flatten()
        .filter_map(|(pkg, version)| npm_spec(&format!("{pkg}@{}", version.as_str()?), span, &[]))
        .collect()
}

/// Manifests an install without package names reads, when the input itself wrote them.
pub const MANIFESTS: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "Pipfile",
    "Cargo.toml",
    "Gemfile",
    "go.mod",
];

/// The text of a manifest the input wrote, parsed as TOML: `Err` with an [`unreadable`] intent
/// when the input wrote it but it does not parse.
fn provided_toml(path: &str, span: Span) -> Result<Option<toml::Table>, Box<Intent>> {
    match provided_text(path, span) {
        Ok(Some(text)) => text
            .parse::<toml::Table>()
            .map(Some)
            .map_err(|_| Box::new(unreadable(path, span))),
        _ => Ok(None),
    }
}

/// The stand-in for a manifest the input wrote that cannot be read: it fails closed.
fn unreadable(path: &str, span: Span) -> Intent {
    Intent {
        ecosystem: Ecosystem::Npm,
        name: path.to_string(),
        requested: Requested::Latest,
        source: Source::Unreadable(path.to_string()),
        span,
        extra_indexes: Vec::new(),
    }
}

/// `pip install .`, `uv sync`, `poetry install`: the dependencies a pyproject.toml written by
/// the input declares (PEP 621 `[project] dependencies` and optional groups, Poetry's
/// `[tool.poetry.dependencies]` tables).
fn pyproject_manifest(span: Span) -> Vec<Intent> {
    let doc = match provided_toml("pyproject.toml", span) {
        Ok(doc) => doc.unwrap_or_default(),
        Err(unread) => return vec![*unread],
    };
    let mut specs: Vec<String> = Vec::new();
    if let Some(project) = doc.get("project") {
        let lists = project.get("dependencies").into_iter().chain(
            project
                .get("optional-dependencies")
                .and_then(|o| o.as_table())
                .into_iter()
                .flat_map(|t| t.values()),
        );
        for list in lists.filter_map(|l| l.as_array()) {
            specs.extend(list.iter().filter_map(|v| v.as_str().map(str::to_string)));
        }
    }
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    for section in ["dependencies", "dev-dependencies"] {
        let table = poetry
            .and_then(|p| p.get(section))
            .and_then(|d| d.as_table());
        for (name, v) in table.into_iter().flatten() {
            if name == "python" {
                continue;
            }
            let version = v
                .as_str()
                .or_else(|| v.get("version").and_then(|x| x.as_str()))
                .unwrap_or("*");
            specs.push(poetry_requirement(name, version));
        }
    }
    // Pipenv's Pipfile: `[packages]` / `[dev-packages]`, `name = "==1.0"` or a table.
    let pipfile = match provided_toml("Pipfile", span) {
        Ok(p) => p,
        Err(unread) => return vec![*unread],
    };
    if let Some(pipfile) = pipfile {
        for section in ["packages", "dev-packages"] {
            let table = pipfile.get(section).and_then(|d| d.as_table());
            for (name, v) in table.into_iter().flatten() {
                let version = v
                    .as_str()
                    .or_else(|| v.get("version").and_then(|x| x.as_str()))
                    .unwrap_or("*");
                specs.push(if version == "*" {
                    name.clone()
                } else {
                    format!("{name}{version}")
                });
            }
        }
    }
    specs
        .iter()
        .filter_map(|s| pypi_spec(s, span, &[]))
        .collect()
}

/// `go mod download|tidy`, `go build`: the modules a go.mod written by the input requires
/// (`require github.com/x/y v1.3.1`, also inside a `require ( … )` block).
fn gomod_manifest(span: Span) -> Vec<Intent> {
    let Ok(Some(text)) = provided_text("go.mod", span) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(l).trim())
    {
        let spec = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if line == "require (" {
            in_block = true;
            continue;
        } else if let Some(rest) = line.strip_prefix("require ") {
            rest
        } else {
            continue;
        };
        let mut parts = spec.split_whitespace();
        let (Some(name), Some(ver)) = (parts.next(), parts.next()) else {
            continue;
        };
        out.push(Intent {
            ecosystem: Ecosystem::Go,
            name: name.to_string(),
            requested: Requested::Exact(ver.trim_start_matches('v').to_string()),
            source: Source::Registry,
            span,
            extra_indexes: Vec::new(),
        });
    }
    out
}

/// A Poetry constraint as a PEP 508 requirement: `"1.2.3"` pins, `^`/`~`/`*` are ranges.
fn poetry_requirement(name: &str, version: &str) -> String {
    let v = version.trim();
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{name}=={v}")
    } else if v == "*" || v.is_empty() {
        name.to_string()
    } else {
        format!(
            "{name}{}",
            v.trim_start_matches(['^', '~'])
                .split(',')
                .map(|p| if p.trim().starts_with(|c: char| c.is_ascii_digit()) {
                    format!(">={}", p.trim())
                } else {
                    p.trim().to_string()
                })
                .collect::<Vec<_>>()
                .join(",")
        )
    }
}

/// `cargo build` and friends: the crates a Cargo.toml written by the input declares.
fn cargo_manifest(span: Span) -> Vec<Intent> {
    let doc = match provided_toml("Cargo.toml", span) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Vec::new(),
        Err(unread) => return vec![*unread],
    };
    let mut out = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(table) = doc.get(section).and_then(|d| d.as_table()) else {
            continue;
        };
        for (key, v) in table {
            let name = v
                .get("package")
                .and_then(|p| p.as_str())
                .unwrap_or(key)
                .to_string();
            if v.get("path").is_some() {
                continue;
            }
            let version = v
                .as_str()
                .or_else(|| v.get("version").and_then(|x| x.as_str()));
            let requested = match version.map(str::trim) {
                Some(x) if x.starts_with('=') && semver::Version::parse(x[1..].trim()).is_ok() => {
                    Requested::Exact(x[1..].trim().to_string())
                }
                Some(x) => Requested::Range(x.to_string()),
                None => Requested::Latest,
            };
            let source = match v.get("git").and_then(|g| g.as_str()) {
                Some(g) => Source::Git(g.to_string()),
                None => Source::Registry,
            };
            out.push(Intent {
                ecosystem: Ecosystem::Crates,
                name,
                requested,
                source,
                span,
                extra_indexes: Vec::new(),
            });
        }
    }
    out
}

/// `bundle install`: the gems a Gemfile written by the input declares
/// (`gem 'rest-client', '1.6.13'`).
fn gemfile_manifest(span: Span) -> Vec<Intent> {
    let Ok(Some(text)) = provided_text("Gemfile", span) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("gem ") else {
            continue;
        };
        let quoted: Vec<&str> = rest
            .split(',')
            .map(|p| p.trim().trim_matches(['\'', '"']))
            .collect();
        let Some(name) = quoted.first().filter(|n| !n.is_empty() && !n.contains(' ')) else {
            continue;
        };
        let version = quoted.get(1).filter(|v| !v.contains(':'));
        let requested = match version.map(|v| v.trim_start_matches('=').trim()) {
            Some(v) if v.starts_with(|c: char| c.is_ascii_digit()) => {
                Requested::Exact(v.to_string())
            }
            Some(v) if !v.is_empty() => Requested::Range(v.to_string()),
            _ => Requested::Latest,
        };
        out.push(Intent {
            ecosystem: Ecosystem::RubyGems,
            name: name.to_string(),
            requested,
            source: Source::Registry,
            span,
            extra_indexes: Vec::new(),
        });
    }
    out
}

/// `-r SOURCE`: a file written earlier in the same input, the command's stdin (`/dev/stdin`,
/// `-`), a process substitution that prints literal text (`<(echo ctx==0.2.6)`), or a file on
/// disk (relative to the working directory).
fn requirements_file(path: &str, span: Span, extra: &[String]) -> Vec<Intent> {
    let Ok(provided) = provided_text(path, span) else {
        return Vec::new();
    };
    let text = provided.or_else(|| (!path.starts_with("<(")).then(|| read_requirements(path))?);
    let Some(text) = text else {
        return Vec::new();
    };
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or(l))
        // Per-requirement options (`ctx==0.2.2 --hash=sha256:…`) are not part of the spec.
        .map(|l| {
            l.split(" --")
                .next()
                .unwrap_or(l)
                .trim_end_matches('\\')
                .trim()
        })
        .filter(|l| !l.starts_with('-'))
        .filter_map(|l| pypi_spec(l, span, extra))
        .collect()
}

/// Largest requirements file read from disk.
const MAX_REQUIREMENTS_FILE: u64 = 1 << 20;

/// A requirements file on disk, when it is a regular file of a sane size: a scanned command
/// naming `/dev/stdin`, `/dev/zero`, a FIFO or a huge file must not make the scanner block or
/// read without end (`pip install -r /dev/stdin` in `check --batch` would eat its own input).
fn read_requirements(path: &str) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_REQUIREMENTS_FILE {
        return None;
    }
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_REQUIREMENTS_FILE)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The literal text an `echo` or `printf` command prints.
fn printed_text(cmd: &Command) -> Option<String> {
    match cmd.name() {
        "echo" => Some(
            cmd.args()
                .iter()
                .filter(|a| !a.text.starts_with('-'))
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "printf" => Some(
            cmd.args()
                .iter()
                .map(|a| a.text.replace("\\n", "\n"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// npm/pnpm/yarn/bun specs from `start` on.
fn npm(args: &[&Word], start: usize) -> Vec<Intent> {
    // `--registry` replaces the registry (one source); plain-HTTP registries are url.plain-http.
    positional_words(args, start, NPM_VALUE_OPTS)
        .into_iter()
        .filter_map(|w| npm_spec(&w.text, w.span, &[]))
        .collect()
}

/// `npx [-p pkg…] cmd` / `npx pkg@ver`.
fn npx(args: &[&Word]) -> Vec<Intent> {
    let pkgs = option_values(args, &["-p", "--package"]);
    if !pkgs.is_empty() {
        return pkgs
            .iter()
            .filter_map(|p| npm_spec(p, args[0].span, &[]))
            .collect();
    }
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            continue;
        }
        if t.starts_with('-') {
            i += 1;
            continue;
        }
        let mut out: Vec<Intent> = npm_spec(t, args[i].span, &[]).into_iter().collect();
        // `npx npm@10 i X`, `npx -y pnpm add X`: the launched tool installs too.
        if let Some(tool) = out.first().map(|x| x.name.clone()) {
            if is_package_manager(&tool) {
                out.extend(intents_of(&tool, &args[i + 1..]));
            }
        }
        return out;
    }
    Vec::new()
}

/// `--with PKG` / `--with=PKG` values (uv run, uv tool run/install, uvx).
fn with_packages(args: &[&Word]) -> Vec<Intent> {
    let span = args.first().map(|w| w.span).unwrap_or_default();
    option_values(args, &["--with", "-w", "--with-editable"])
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|v| pypi_spec(v, span, &[]))
        .collect()
}

/// `poetry add NAME@VER` (poetry's own pin syntax: `@1.2.3` exact, `@^1.2` a range) and PEP 508.
fn poetry(args: &[&Word]) -> Vec<Intent> {
    let mut out = Vec::new();
    for w in positional_words(args, 1, PIP_VALUE_OPTS) {
        let spec = match w.text.split_once('@') {
            Some((n, v)) if !v.contains("://") && !v.is_empty() => {
                let v = v.trim_start_matches('=');
                if v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
                    format!("{n}=={v}")
                } else {
                    format!("{n}{}", v.replace('^', "~="))
                }
            }
            _ => w.text.clone(),
        };
        out.extend(pypi_spec(&spec, w.span, &[]));
    }
    out
}

/// `name`, `name@1.2.3`, `@scope/name@^1`, git/URL/path specs.
pub fn npm_spec(spec: &str, span: Span, registries: &[String]) -> Option<Intent> {
    // `alias@npm:real@1.2.3` installs `real` under another name.
    if let Some((_, target)) = spec.split_once("@npm:") {
        return npm_spec(target, span, registries);
    }
    if let Some(intent) = registry_tarball(spec, span) {
        return Some(intent);
    }
    let src = source_of(spec);
    let looks_like_repo = src == Source::Registry && !spec.starts_with('@') && spec.contains('/');
    if src != Source::Registry || looks_like_repo {
        let src = if looks_like_repo {
            Source::Git(spec.to_string())
        } else {
            src
        };
        return Some(Intent {
            ecosystem: Ecosystem::Npm,
            name: spec.to_string(),
            requested: Requested::Latest,
            source: src,
            span,
            extra_indexes: registries.to_vec(),
        });
    }
    let (name, ver) = match spec.strip_prefix('@') {
        Some(rest) => match rest.split_once('@') {
            Some((n, v)) => (format!("@{n}"), Some(v)),
            None => (spec.to_string(), None),
        },
        None => match spec.split_once('@') {
            Some((n, v)) => (n.to_string(), Some(v)),
            None => (spec.to_string(), None),
        },
    };
    if name.is_empty() {
        return None;
    }
    // `=5.6.1`, `v5.6.1`, `= 5.6.1` are exact pins too.
    let ver = ver.map(|v| {
        v.trim()
            .trim_start_matches('=')
            .trim()
            .trim_start_matches('v')
    });
    let requested = match ver {
        None | Some("") | Some("latest") => Requested::Latest,
        Some(v) if semver::Version::parse(v).is_ok() => Requested::Exact(v.to_string()),
        Some(v) => Requested::Range(v.to_string()),
    };
    Some(Intent {
        ecosystem: Ecosystem::Npm,
        name,
        requested,
        source: Source::Registry,
        span,
        extra_indexes: registries.to_vec(),
    })
}

/// A release file on the ecosystem's own registry is that release: npm tarballs
/// (`https://registry.npmjs.org/chalk/-/chalk-5.6.1.tgz`) and PyPI files
/// (`https://files.pythonhosted.org/…/ctx-0.2.6.tar.gz`, wheels).
fn registry_tarball(spec: &str, span: Span) -> Option<Intent> {
    let url = url::Url::parse(spec.split(" @ ").last()?.trim()).ok()?;
    let host = url.host_str()?;
    let path = url.path();
    let file = path.rsplit('/').next()?;
    let (ecosystem, name, version) = match host {
        "registry.npmjs.org" | "registry.yarnpkg.com" | "registry.npmjs.com" => {
            let (name, rest) = path.trim_start_matches('/').split_once("/-/")?;
            let base = name.rsplit('/').next()?;
            let version = rest
                .strip_prefix(base)?
                .strip_prefix('-')?
                .strip_suffix(".tgz")?;
            (Ecosystem::Npm, name.to_string(), version.to_string())
        }
        "files.pythonhosted.org" | "pypi.org" | "pypi.python.org" => {
            let stem = file
                .strip_suffix(".tar.gz")
                .or_else(|| file.strip_suffix(".zip"))
                .or_else(|| file.strip_suffix(".whl"))
                .or_else(|| file.strip_suffix(".tar.bz2"))?;
            // sdist `name-1.0`, wheel `name-1.0-py3-none-any`: the version is the first part
            // after the name that starts with a digit.
            let parts: Vec<&str> = stem.split('-').collect();
            let at = parts
                .iter()
                .position(|p| p.starts_with(|c: char| c.is_ascii_digit()))?;
            (
                Ecosystem::Pypi,
                parts[..at].join("-"),
                parts[at].to_string(),
            )
        }
        _ => return None,
    };
    Some(Intent {
        ecosystem,
        name,
        requested: Requested::Exact(version),
        source: Source::Registry,
        span,
        extra_indexes: Vec::new(),
    })
}

/// `cargo install|add name[@ver] [--version V] [--git URL]`.
fn cargo(args: &[&Word], start: usize) -> Vec<Intent> {
    let version = option_values(args, &["--version", "--vers"]).pop();
    let git = option_values(args, &["--git"]).pop();
    let registries = option_values(args, &["--registry", "--index"]);
    let mut out = Vec::new();
    for w in positional_words(args, start, CARGO_VALUE_OPTS) {
        let t = w.text.as_str();
        let (name, ver) = match t.split_once('@') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (t.to_string(), version.clone()),
        };
        let requested = match ver {
            None => Requested::Latest,
            Some(v) => {
                let bare = v.trim_start_matches('=');
                if semver::Version::parse(bare).is_ok() {
                    Requested::Exact(bare.to_string())
                } else {
                    Requested::Range(v)
                }
            }
        };
        let source = match &git {
            Some(g) => Source::Git(g.clone()),
            None => Source::Registry,
        };
        out.push(Intent {
            ecosystem: Ecosystem::Crates,
            name,
            requested,
            source,
            span: w.span,
            extra_indexes: registries.clone(),
        });
    }
    if out.is_empty() {
        if let Some(g) = git {
            out.push(Intent {
                ecosystem: Ecosystem::Crates,
                name: g.clone(),
                requested: Requested::Latest,
                source: Source::Git(g),
                span: args.first().map(|w| w.span).unwrap_or((0, 0)),
                extra_indexes: Vec::new(),
            });
        }
    }
    out
}

/// `gem install NAME [-v V]`, `gem install NAME:V`, `bundle add NAME [--version V]`.
fn gem(args: &[&Word]) -> Vec<Intent> {
    let version = option_values(args, &["-v", "--version"]).pop().or_else(|| {
        // `-v1.6.13`: the value attached to the short option.
        args.iter()
            .rev()
            .find_map(|a| {
                a.text
                    .strip_prefix("-v")
                    .filter(|v| !v.is_empty() && !v.starts_with('='))
            })
            .map(str::to_string)
    });
    let mut out = Vec::new();
    let value_opts = [
        "-v",
        "--version",
        "--source",
        "-s",
        "-i",
        "--install-dir",
        "--group",
        "-g",
        "--require",
        "--path",
        "--git",
        "--branch",
        "--ref",
    ];
    for w in positional_words(args, 1, &value_opts) {
        let (t, pinned) = match w.text.split_once(':') {
            Some((n, v)) if !v.is_empty() => (n, Some(v.to_string())),
            _ => (w.text.as_str(), None),
        };
        let requested = match pinned
            .as_ref()
            .or(version.as_ref())
            .map(|v| v.trim().trim_start_matches('=').trim().to_string())
        {
            Some(v) if v.chars().next().is_some_and(|c| c.is_ascii_digit()) => Requested::Exact(v),
            Some(v) => Requested::Range(v),
            None => Requested::Latest,
        };
        out.push(Intent {
            ecosystem: Ecosystem::RubyGems,
            name: t.to_string(),
            requested,
            source: Source::Registry,
            span: w.span,
            extra_indexes: option_values(args, &["--source", "-s"]),
        });
    }
    out
}

/// `composer require vendor/package[:constraint]…` (Packagist).
fn composer(args: &[&Word]) -> Vec<Intent> {
    positional_words(args, 1, &["--working-dir", "-d"])
        .into_iter()
        .filter(|w| w.text.contains('/'))
        .map(|w| {
            let (name, ver) = w
                .text
                .split_once([':', '='])
                .unwrap_or((w.text.as_str(), ""));
            let ver = ver.trim_start_matches('v');
            let requested = if ver.is_empty() {
                Requested::Latest
            } else if ver.chars().all(|c| c.is_ascii_digit() || c == '.') {
                Requested::Exact(ver.to_string())
            } else {
                Requested::Range(ver.to_string())
            };
            Intent {
                ecosystem: Ecosystem::Packagist,
                name: name.to_string(),
                requested,
                source: Source::Registry,
                span: w.span,
                extra_indexes: Vec::new(),
            }
        })
        .collect()
}

/// `go install|get|run MODULE/PATH@VERSION` (the module is some prefix of the path; the store
/// lookup tries each).
fn go(args: &[&Word]) -> Vec<Intent> {
    args.iter()
        .skip(1)
        .filter(|a| !a.text.starts_with('-'))
        .map(|a| {
            let (name, ver) = a.text.split_once('@').unwrap_or((&a.text, ""));
            let requested = match ver {
                "" | "latest" => Requested::Latest,
                v => Requested::Exact(v.trim_start_matches('v').to_string()),
            };
            Intent {
                ecosystem: Ecosystem::Go,
                name: name.to_string(),
                requested,
                source: Source::Registry,
                span: a.span,
                extra_indexes: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_read_only_from_regular_files() {
        // Devices and pipes would block or never end; they are not read.
        for path in [
            "/dev/zero",
            "/dev/stdin",
            "/dev/null",
            "/proc/self/fd/0",
            "/",
        ] {
            assert_eq!(read_requirements(path), None, "{path}");
        }
        let dir = std::env::temp_dir().join(format!("hs-req-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("requirements.txt");
        std::fs::write(&f, "requests==2.31.0\n").unwrap();
        assert_eq!(
            read_requirements(f.to_str().unwrap()).as_deref(),
            Some("requests==2.31.0\n")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
