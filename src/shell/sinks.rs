//! Code sinks (`rules/sinks.toml`): where a command turns a string, a file or its stdin into code.
//!
//! The walker asks one question of every command: "is this a sink, and where is its code?". The
//! table says which programs are sinks and which extractor finds their code; the extractors here
//! only know *formats* (option values, sed and awk programs, git configuration keys, makefile
//! recipes, remote argv), never individual attacks.

use super::ir::{Command, Word};
pub use crate::interp::Lang;
use crate::rules::Examples;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/sink_names.rs"));

/// The table as embedded in the binary.
/// rules/sinks.toml, compiled to JSON by build.rs.
const SINKS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/rules-json/sinks.json"));

/// How a sink's code is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extract {
    /// The value of an option is code.
    Option,
    /// The argv after the options (or after a marker) is a command.
    Rest,
    /// The first positional argument is shell code.
    FirstArg,
    /// Commands are read from stdin or a `-f FILE`.
    Stdin,
    /// sed scripts.
    Sed,
    /// awk programs.
    Awk,
    /// git aliases and configuration.
    Git,
    /// makefile recipes.
    Make,
    /// Interpreter code.
    Interp,
    /// Any argument that starts with one of `strip` (`sqlite3 '.shell cmd'`).
    MarkedArg,
    /// A command line run on another host.
    Remote,
    /// A command run inside a container.
    Container,
}

/// One sink as written in the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkSpec {
    /// Stable id, shown in findings as the place the code ran through.
    pub id: String,
    /// Program names (canonical base names).
    pub programs: Vec<String>,
    /// Which extractor finds the code.
    pub extract: Extract,
    /// What the sink is, for people.
    pub title: String,
    /// Language of the extracted code (`shell` unless given).
    #[serde(default)]
    pub lang: Option<String>,
    /// Options whose value is code (`option`).
    #[serde(default)]
    pub options: Vec<String>,
    /// Markers stripped from an option value (`!` in `vim -c '!cmd'`).
    #[serde(default)]
    pub strip: Vec<String>,
    /// Only values that carry one of the `strip` markers ending in `!`, `(` or a blank are code.
    #[serde(default)]
    pub require_strip: bool,
    /// The rest of the argv after one of these arguments is the command (`rest`).
    #[serde(default)]
    pub after: Vec<String>,
    /// `after` markers count only among the program's own leading options (`sudo -s`, not the
    /// `-i` of a command sudo runs).
    #[serde(default)]
    pub after_options_only: bool,
    /// Options that take a value (so their value is not the first positional).
    #[serde(default)]
    pub value_options: Vec<String>,
    /// Join the rest into one shell string instead of an argv.
    #[serde(default)]
    pub join: bool,
    /// The first positional must be one of these verbs.
    #[serde(default)]
    pub subcommands: Vec<String>,
    /// Arguments dropped from a joined rest (`Enter` for `tmux send-keys`).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Arguments skipped before the first positional (`first-arg`).
    #[serde(default)]
    pub skip: Vec<String>,
    /// Options naming a file of commands (`stdin`).
    #[serde(default)]
    pub file_options: Vec<String>,
    /// Prefixes of an option value that switch to another language (`vim -c 'py3 …'`).
    #[serde(default)]
    pub lang_markers: HashMap<String, String>,
    /// Options whose value is inline program text (`interp`).
    #[serde(default)]
    pub flags: Vec<String>,
    /// For ansible: the module (`-m`, default `command`) must be one of these.
    #[serde(default)]
    pub require_module: Vec<String>,
    /// Option values must start with one of these `KEY=` names (`ssh -o ProxyCommand=…`).
    #[serde(default)]
    pub keys: Vec<String>,
    /// Where the extracted command runs when not on this machine (`rest` sinks: "inside a
    /// Kubernetes pod"); shown in findings, and such code reads the local stdin.
    #[serde(default)]
    pub runs: Option<String>,
    /// Proof: commands that must extract code through this sink, and commands that must not.
    pub examples: Examples,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SinkFile {
    indirect_shells: Vec<String>,
    env_code: Vec<String>,
    sink: Vec<SinkSpec>,
}

/// The loaded table, indexed by program name.
pub struct SinkTable {
    sinks: Vec<SinkSpec>,
    by_program: HashMap<String, Vec<usize>>,
    indirect_shells: Vec<String>,
    env_code: Vec<String>,
}

impl SinkTable {
    /// The shell code held by an environment assignment that a program runs (`PAGER='…'`).
    pub fn env_code(&self, name: &str, value: &Word) -> Option<Word> {
        if !self.env_code.iter().any(|n| n == name) {
            return None;
        }
        if name.starts_with("PS") {
            // Prompts are text; only their command substitutions run.
            let code = substitution_bodies(&value.text).join("\n");
            return (!code.is_empty()).then(|| part(value, &code));
        }
        let code = value.text.trim().trim_start_matches('|').replace("%s", "");
        (!code.trim().is_empty()).then(|| part(value, &code))
    }

    /// Every sink, in table order.
    pub fn sinks(&self) -> &[SinkSpec] {
        &self.sinks
    }

    /// Sinks for a canonical program name.
    pub fn for_program(&self, name: &str) -> impl Iterator<Item = &SinkSpec> {
        // `python3.12`, `ruby3.2`, `php8.3`, `lua5.4`: the versioned name of a known program.
        let entry = self.by_program.get(name).or_else(|| {
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            (base.len() < name.len() && !base.is_empty())
                .then(|| {
                    self.by_program
                        .get(base)
                        .or_else(|| self.by_program.get(&format!("{base}3")))
                })
                .flatten()
        });
        entry.into_iter().flatten().map(move |&i| &self.sinks[i])
    }

    /// True when a program word as written (`"$SHELL"`, `/proc/self/exe`) names the running shell.
    pub fn is_indirect_shell(&self, raw: &str) -> bool {
        self.indirect_shells.iter().any(|s| s == raw)
    }

    /// Environment variables whose value is run as a command (prefilter keywords).
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.env_code.iter().map(String::as_str)
    }

    /// Every program name the table knows (prefilter keywords).
    pub fn programs(&self) -> impl Iterator<Item = &str> {
        self.by_program.keys().map(String::as_str)
    }
}

/// The bodies of `$(…)` and `` `…` `` substitutions in a text (balanced parentheses).
fn substitution_bodies(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
            let mut depth = 0;
            let start = i + 2;
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            out.push(text[start..j.min(text.len())].to_string());
            i = j + 1;
        } else if b[i] == b'`' {
            let end = text[i + 1..]
                .find('`')
                .map(|p| p + i + 1)
                .unwrap_or(text.len());
            out.push(text[i + 1..end].to_string());
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The embedded sink table (parsed once).
pub fn table() -> &'static SinkTable {
    static TABLE: OnceLock<SinkTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: SinkFile = serde_json::from_str(SINKS_JSON).expect("rules/sinks.toml is valid");
        let mut by_program: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in file.sink.iter().enumerate() {
            for p in &s.programs {
                by_program.entry(p.clone()).or_default().push(i);
            }
        }
        SinkTable {
            sinks: file.sink,
            by_program,
            indirect_shells: file.indirect_shells,
            env_code: file.env_code,
        }
    })
}

/// What a sink runs.
#[derive(Debug, Clone)]
pub enum Code {
    /// A string in some language.
    Text(Lang, Word),
    /// A command vector (`xterm -e rm -rf /`).
    Argv(Vec<Word>),
    /// The code is the command's input (`sed e`, `awk '{system($0)}'`, `at` on a pipe).
    Input,
    /// Code in a file named by this word, in the given format.
    File(Word, Format),
}

/// How to read a code file a sink names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Program text in a language.
    Code(Lang),
    /// A sed script.
    Sed,
    /// An awk program.
    Awk,
    /// A makefile.
    Make,
}

/// Where a sink's code runs, when not on this machine's shell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// "on host db1 via ssh", "inside container alpine".
    pub label: Option<String>,
    /// Container bind mounts, `(container path, host path)`.
    pub mounts: Vec<(String, String)>,
    /// Paths outside every mount belong to a throwaway container, not to the host.
    pub isolated: bool,
    /// The working directory the code starts in (`docker run -w /w`), in host terms.
    pub cwd: Option<String>,
}

impl Place {
    /// Rewrite a container path to the host path it is mounted from; a path outside every mount
    /// of a throwaway container is marked `<container>/…` (it touches nothing on the host).
    pub fn map_path(&self, path: &mut String) {
        if !path.starts_with('/') {
            return;
        }
        let best = self
            .mounts
            .iter()
            .filter(|(c, _)| {
                let c = c.trim_end_matches('/');
                c.is_empty() || path == c || path.starts_with(&format!("{c}/"))
            })
            .max_by_key(|(c, _)| c.len());
        match best {
            Some((c, h)) => {
                let rest = &path[c.trim_end_matches('/').len()..];
                let mut host = h.trim_end_matches('/').to_string();
                host.push_str(rest);
                if host.is_empty() {
                    host.push('/');
                }
                *path = host;
            }
            None if self.isolated => *path = format!("<container>{path}"),
            None => {}
        }
    }
}

/// Code found in a sink.
#[derive(Debug, Clone)]
pub struct Found {
    /// The sink's id.
    pub sink: &'static str,
    /// The code.
    pub code: Code,
    /// Where it runs.
    pub place: Place,
}

/// Everything a command runs through the sinks of the table. `input` is literal text known to
/// reach its stdin (a heredoc, a here-string, or a literal printed into the pipe).
pub fn extract(cmd: &Command, input: Option<&Word>) -> Vec<Found> {
    let mut out = Vec::new();
    for spec in table().for_program(cmd.name()) {
        let mut push = |code: Code, place: Place| {
            out.push(Found {
                sink: spec.id.as_str(),
                code,
                place,
            })
        };
        let args = cmd.args();
        match spec.extract {
            Extract::Option => option_values(spec, args, &mut push),
            Extract::Rest => rest(spec, args, &mut push),
            Extract::FirstArg => first_arg(spec, args, &mut push),
            Extract::Stdin => stdin_commands(spec, args, input, &mut push),
            Extract::Sed => sed(args, input, &mut push),
            Extract::Awk => awk(args, input, &mut push),
            Extract::Git => {
                git(spec, args, &mut push);
                git_env_config(spec, &cmd.assignments, &mut push);
            }
            Extract::Make => make(args, input, &mut push),
            Extract::Interp => interp(spec, args, input, &mut push),
            Extract::Remote => remote(spec, cmd.name(), args, input, &mut push),
            Extract::Container => container(spec, args, &mut push),
            Extract::MarkedArg => {
                for a in args {
                    if let Some(code) = strip_markers(spec, &a.text) {
                        push(text(part(a, &code)), Place::default());
                    }
                }
            }
        }
    }
    out
}

/// True when the command executes what arrives on its stdin (for pipe-to-shell analysis):
/// `sed e`, `awk '{system($0)}'`, `at`, `make -f -`, or interpreter code that evaluates stdin.
pub fn executes_input(cmd: &Command) -> bool {
    extract(cmd, None).iter().any(|f| match &f.code {
        Code::Input => true,
        // `curl … | ssh host sh`, `… | kubectl exec -i pod -- bash`: a remote shell reading stdin.
        Code::Text(Lang::Shell, w) if f.place.label.is_some() => reads_stdin_line(&w.text),
        Code::Argv(words) if f.place.label.is_some() => {
            let line: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            reads_stdin_line(&line.join(" "))
        }
        Code::Text(lang, w) if *lang != Lang::Shell => {
            crate::interp::analyze(*lang, &w.text).runs_input
        }
        _ => false,
    })
}

/// `sh`, `bash -s`, `sudo bash`, `python3 -`: a command line whose program reads code on stdin.
fn reads_stdin_line(line: &str) -> bool {
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| !matches!(*w, "sudo" | "-E" | "env"))
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let base = first.rsplit('/').next().unwrap_or(first);
    let shell = super::nested::SHELLS.contains(&base);
    let interp = base.starts_with("python") || matches!(base, "perl" | "ruby" | "node" | "php");
    let rest = &words[1..];
    (shell
        && rest
            .iter()
            .all(|w| *w == "-s" || *w == "-" || *w == "-i" || *w == "-l" || *w == "-x"))
        || (interp && (rest.is_empty() || rest == ["-"]))
}

/// Words of a command that name code files computed at run time (`make -f <(curl …)`,
/// `sed -f <(…)`, `at -f "$F"`), for the remote-code analyzer.
pub fn code_file_words(cmd: &Command) -> Vec<&Word> {
    let Some(spec) = table().for_program(cmd.name()).next() else {
        return Vec::new();
    };
    let names: &[&str] = match spec.extract {
        Extract::Sed | Extract::Awk | Extract::Make | Extract::Stdin => &["-f", "--file"],
        _ => return Vec::new(),
    };
    let args = cmd.args();
    args.iter()
        .enumerate()
        .filter(|(_, a)| names.contains(&a.text.as_str()))
        .filter_map(|(i, _)| args.get(i + 1))
        .collect()
}

type Push<'a> = dyn FnMut(Code, Place) + 'a;

/// A copy of `w` holding `text` (a part of the word's value).
fn part(w: &Word, text: &str) -> Word {
    let mut p = w.clone();
    p.text = text.to_string();
    p
}

fn text(w: Word) -> Code {
    Code::Text(Lang::Shell, w)
}

/// The value of option `opt` at `args[i]`, and how many arguments it used.
fn option_at(opt: &str, args: &[Word], i: usize) -> Option<(Word, usize)> {
    let a = &args[i].text;
    if let Some((name, prefix)) = opt.split_once('=').filter(|_| opt.starts_with("--")) {
        // `--checkpoint-action=exec=CMD`
        let rest = a.strip_prefix(name)?.strip_prefix('=')?;
        let v = rest.strip_prefix(prefix)?;
        return Some((part(&args[i], v), 1));
    }
    if a == opt {
        return args.get(i + 1).map(|v| (v.clone(), 2));
    }
    if opt.starts_with("--") {
        let v = a.strip_prefix(opt)?.strip_prefix('=')?;
        return Some((part(&args[i], v), 1));
    }
    if opt == "+" {
        let v = a.strip_prefix('+')?;
        return Some((part(&args[i], v), 1));
    }
    // Short option: attached value (`-Icmd`), or the last of a bundle (`-qc CMD`).
    let letter = opt.strip_prefix('-')?;
    if !a.starts_with('-') || a.starts_with("--") || letter.len() != 1 {
        return None;
    }
    let body = &a[1..];
    if let Some(v) = body.strip_prefix(letter) {
        if !v.is_empty() && !v.chars().all(|c| c.is_ascii_alphabetic()) {
            return Some((part(&args[i], v), 1));
        }
    }
    if body.len() > 1 && body.ends_with(letter) && body.chars().all(|c| c.is_ascii_alphabetic()) {
        return args.get(i + 1).map(|v| (v.clone(), 2));
    }
    None
}

/// Strip noise and a required marker from an option value (`silent !cmd` → `cmd`).
fn strip_markers(spec: &SinkSpec, value: &str) -> Option<String> {
    if spec.strip.is_empty() {
        return Some(value.to_string());
    }
    let mut v = value.trim_start();
    let mut marked = false;
    loop {
        let before = v;
        for s in &spec.strip {
            if let Some(rest) = v.strip_prefix(s.as_str()) {
                let is_marker = s.ends_with('!') && !s.starts_with("sil")
                    || s.ends_with('(')
                    || s.ends_with(' ') && !s.starts_with("sil")
                    || s.ends_with("::=");
                marked |= is_marker;
                v = rest.trim_start();
                if is_marker && (v.starts_with('"') || v.starts_with('\'')) {
                    let q = v.chars().next()?;
                    let end = v[1..].find(q)? + 1;
                    return Some(v[1..end].to_string());
                }
                if s.ends_with('(') {
                    // `call system('cmd')`: the first string literal.
                    let q = v.chars().next()?;
                    if q == '\'' || q == '"' {
                        let end = v[1..].find(q)? + 1;
                        return Some(v[1..end].to_string());
                    }
                }
                break;
            }
        }
        if v == before || marked {
            break;
        }
    }
    if spec.require_strip && !marked {
        return None;
    }
    let v = v.trim_end_matches('\'');
    (!v.trim().is_empty()).then(|| v.to_string())
}

/// Index of the first positional argument, skipping options and their values.
fn first_positional(args: &[Word], value_options: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if a.starts_with('-') && a.len() > 1 {
            // `-p VALUE`, or a bundle whose last letter takes a value (`-dmS NAME`).
            let bundled_last = !a.starts_with("--")
                && a.len() > 2
                && value_options
                    .iter()
                    .any(|o| o.len() == 2 && a.ends_with(&o[1..]));
            if value_options.iter().any(|o| o == a) || bundled_last {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

fn subcommand_ok(spec: &SinkSpec, args: &[Word]) -> Option<usize> {
    if spec.subcommands.is_empty() {
        return Some(0);
    }
    let i = first_positional(args, &spec.value_options)?;
    spec.subcommands
        .iter()
        .any(|s| *s == args[i].text)
        .then_some(i + 1)
}

fn option_values(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    if !spec.require_module.is_empty() {
        let module = args
            .windows(2)
            .find(|w| w[0].text == "-m" || w[0].text == "--module-name")
            .map(|w| w[1].text.as_str())
            .unwrap_or("command");
        if !spec.require_module.iter().any(|m| m == module) {
            return;
        }
    }
    let mut i = start;
    while i < args.len() {
        if args[i].text == "--" {
            break;
        }
        let mut used = 1;
        for opt in &spec.options {
            if let Some((value, n)) = option_at(opt, args, i) {
                used = n;
                let keyed = if spec.keys.is_empty() {
                    Some(value.text.clone())
                } else {
                    spec.keys.iter().find_map(|k| {
                        let (key, v) = value.text.split_once(['=', ' '])?;
                        key.eq_ignore_ascii_case(k).then(|| v.to_string())
                    })
                };
                let Some(keyed) = keyed else { break };
                let bare = keyed.trim_start().trim_start_matches(':').trim_start();
                if let Some((marker, lang)) = spec
                    .lang_markers
                    .iter()
                    .find(|(m, _)| bare.starts_with(m.as_str()))
                {
                    let code = &bare[marker.len()..];
                    push(
                        Code::Text(Lang::parse(Some(lang)), part(&value, code)),
                        Place::default(),
                    );
                    break;
                }
                if let Some(code) = strip_markers(spec, &keyed) {
                    let lang = Lang::parse(spec.lang.as_deref());
                    push(Code::Text(lang, part(&value, &code)), Place::default());
                }
                break;
            }
        }
        i += used;
    }
}

fn rest(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    let args = &args[start..];
    let from = if spec.after.is_empty() {
        first_positional(args, &spec.value_options)
    } else {
        let limit = if spec.after_options_only {
            first_positional(args, &spec.value_options).unwrap_or(args.len())
        } else {
            args.len()
        };
        args[..limit]
            .iter()
            .position(|a| spec.after.contains(&a.text))
            .map(|p| p + 1)
    };
    let Some(from) = from.filter(|&f| f < args.len()) else {
        return;
    };
    let from = if args.get(from).is_some_and(|a| a.text == "--") {
        from + 1
    } else {
        from
    };
    let rest: Vec<Word> = args[from.min(args.len())..]
        .iter()
        .filter(|a| !spec.drop.contains(&a.text))
        .cloned()
        .collect();
    if rest.is_empty() {
        return;
    }
    let place = Place {
        label: spec.runs.clone(),
        ..Place::default()
    };
    // `xterm -e 'rm -rf ~'`: a single argument with blanks is a command line.
    let single_line = rest.len() == 1 && rest[0].text.contains([' ', ';', '|', '&']);
    if spec.join || single_line {
        let mut code = super::nested::join_words(&rest);
        let trimmed = code
            .text
            .trim_end_matches("\\n")
            .trim_end_matches("^M")
            .trim_end_matches(['\n', '\r'])
            .to_string();
        code.text = trimmed;
        push(text(code), place);
    } else {
        push(Code::Argv(rest), place);
    }
}

fn first_arg(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    // `trap - SIG` resets, `trap -p`/`-l` list: only `--` is skipped before the code.
    let args = match args.first() {
        Some(a) if a.text == "--" => &args[1..],
        Some(a) if spec.skip.contains(&a.text) => return,
        _ => args,
    };
    let Some(first) = args.first() else {
        return;
    };
    if first.text.trim().is_empty() || args.len() < 2 && !first.dynamic {
        return;
    }
    push(text(first.clone()), Place::default());
}

fn stdin_commands(spec: &SinkSpec, args: &[Word], input: Option<&Word>, push: &mut Push) {
    for (i, a) in args.iter().enumerate() {
        if spec.file_options.contains(&a.text) {
            if let Some(f) = args.get(i + 1) {
                push(
                    Code::File(f.clone(), Format::Code(Lang::Shell)),
                    Place::default(),
                );
            }
            return;
        }
    }
    // `at -l`, `at -r N`, `atq`: listing and removing jobs read nothing.
    if args
        .iter()
        .any(|a| matches!(a.text.as_str(), "-l" | "-r" | "-d" | "-c" | "-V"))
    {
        return;
    }
    match input {
        Some(w) => push(text(w.clone()), Place::default()),
        None => push(Code::Input, Place::default()),
    }
}

/// sed scripts given with `-e`, `--expression` or as the first operand.
fn sed(args: &[Word], input: Option<&Word>, push: &mut Push) {
    let input_text = input.filter(|w| w.subs.is_empty()).map(|w| w.text.as_str());
    let mut scripts: Vec<&Word> = Vec::new();
    let mut operand_script = true;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-e" || a == "--expression" {
            if let Some(v) = args.get(i + 1) {
                scripts.push(v);
            }
            operand_script = false;
            i += 2;
            continue;
        }
        if a.starts_with("--expression=") {
            operand_script = false;
        }
        if a == "-f" || a == "--file" {
            match args.get(i + 1) {
                Some(v) => push(Code::File(v.clone(), Format::Sed), Place::default()),
                None if input.is_some() => push(
                    Code::File(part(&args[i], "-"), Format::Sed),
                    Place::default(),
                ),
                None => {}
            }
            operand_script = false;
            i += 2;
            continue;
        }
        if a == "-l" || a == "--line-length" {
            i += 2;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += 1;
            continue;
        }
        if operand_script {
            scripts.push(&args[i]);
            break;
        }
        i += 1;
    }
    let owned: Vec<Word> = args
        .iter()
        .filter_map(|a| a.text.strip_prefix("--expression=").map(|v| part(a, v)))
        .collect();
    for w in scripts.into_iter().chain(owned.iter()) {
        for cmd in sed_exec_commands(&w.text, input_text) {
            match cmd {
                Some(c) => push(text(part(w, &c)), Place::default()),
                None => push(Code::Input, Place::default()),
            }
        }
    }
}

/// Shell commands a sed script runs: `Some(cmd)` for `e cmd` / `s/…/cmd/e`, `None` when the
/// command is the pattern space (the input).
pub fn sed_exec_commands(script: &str, input: Option<&str>) -> Vec<Option<String>> {
    let input = input.map(|i| i.lines().next().unwrap_or(""));
    let b: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let to_eol = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i] != '\n' {
            *i += 1;
        }
        b[start..*i].iter().collect::<String>()
    };
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() || c == ';' || c == '}' || c == '{' || c == '!' {
            i += 1;
            continue;
        }
        // Addresses: numbers, `$`, `/re/`, `\cREc`, ranges and steps.
        if c.is_ascii_digit() || c == '$' || c == ',' || c == '~' || c == '+' {
            i += 1;
            continue;
        }
        if c == '/' || c == '\\' {
            let delim = if c == '\\' {
                i += 1;
                b.get(i).copied().unwrap_or('/')
            } else {
                '/'
            };
            i += 1;
            while i < b.len() && b[i] != delim {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            if b.get(i) == Some(&'I') || b.get(i) == Some(&'M') {
                i += 1;
            }
            continue;
        }
        i += 1;
        match c {
            'e' => {
                let cmd = to_eol(&mut i);
                let cmd = cmd.trim();
                if cmd.is_empty() {
                    out.push(None);
                } else {
                    out.push(Some(cmd.to_string()));
                }
            }
            's' | 'y' => {
                let Some(&delim) = b.get(i) else { break };
                i += 1;
                let mut parts: Vec<String> = Vec::new();
                for _ in 0..2 {
                    let mut s = String::new();
                    while i < b.len() && b[i] != delim {
                        if b[i] == '\\' && i + 1 < b.len() {
                            if b[i + 1] == delim {
                                s.push(delim);
                            } else {
                                s.push('\\');
                                s.push(b[i + 1]);
                            }
                            i += 2;
                            continue;
                        }
                        s.push(b[i]);
                        i += 1;
                    }
                    i += 1;
                    parts.push(s);
                }
                let mut flags = String::new();
                while i < b.len() && !matches!(b[i], ';' | '\n' | '}') {
                    flags.push(b[i]);
                    i += 1;
                }
                if c == 's' && flags.contains('e') {
                    let whole_line = matches!(parts[0].as_str(), ".*" | "^.*$" | "^.*" | ".*$");
                    let (repl, from_input) =
                        sed_replacement(&parts[1], input.filter(|_| whole_line));
                    if from_input || !whole_line {
                        // The executed line keeps (part of) the input.
                        match (input, parts[0].as_str()) {
                            (Some(line), "^") if !from_input => {
                                out.push(Some(format!("{repl}{line}")))
                            }
                            (Some(line), "$") if !from_input => {
                                out.push(Some(format!("{line}{repl}")))
                            }
                            _ => out.push(None),
                        }
                    }
                    if !from_input {
                        out.push(Some(repl));
                    }
                }
                // `w FILE` flag runs to the end of the line.
                if flags.contains('w') {
                    to_eol(&mut i);
                }
            }
            'a' | 'i' | 'c' | 'r' | 'R' | 'w' | 'W' | 'b' | 't' | 'T' | ':' | 'q' | 'Q' | 'l'
            | 'L' => {
                to_eol(&mut i);
            }
            _ => {}
        }
    }
    out
}

/// A sed replacement with `\&` and `\\` unescaped, and whether it copies the input (`&`, `\1`).
/// With a known input line, `&` becomes that line and the result no longer depends on the input.
fn sed_replacement(repl: &str, line: Option<&str>) -> (String, bool) {
    let mut out = String::new();
    let mut from_input = false;
    let mut chars = repl.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(d) if d.is_ascii_digit() => from_input = true,
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            },
            '&' => match line {
                Some(l) => out.push_str(l),
                None => from_input = true,
            },
            _ => out.push(c),
        }
    }
    (out, from_input)
}

/// awk programs: the first operand, or `-f FILE`.
fn awk(args: &[Word], input: Option<&Word>, push: &mut Push) {
    let mut vars: HashMap<String, String> = HashMap::new();
    let line = input
        .filter(|w| w.subs.is_empty())
        .map(|w| w.text.lines().next().unwrap_or("").to_string());
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "-f" || t == "--file" {
            match args.get(i + 1) {
                Some(v) => push(Code::File(v.clone(), Format::Awk), Place::default()),
                // `awk -f - <<EOF` (the `-` is folded into the heredoc by the parser).
                None if input.is_some() => push(
                    Code::File(part(&args[i], "-"), Format::Awk),
                    Place::default(),
                ),
                None => {}
            }
            return;
        }
        if matches!(t, "-v" | "--assign") {
            if let Some((k, v)) = args.get(i + 1).and_then(|a| a.text.split_once('=')) {
                vars.insert(k.to_string(), v.to_string());
            }
            i += 2;
            continue;
        }
        if matches!(t, "-F" | "--field-separator") {
            i += 2;
            continue;
        }
        if t.starts_with('-') && t.len() > 1 && t != "--" {
            i += 1;
            continue;
        }
        if t == "--" {
            i += 1;
            continue;
        }
        for c in awk_commands(t, &vars, line.as_deref()) {
            match c {
                Some(c) => push(text(part(&args[i], &c)), Place::default()),
                None => push(Code::Input, Place::default()),
            }
        }
        return;
    }
}

/// Files an awk program or a sed script writes, with what is written when the input shows it:
/// awk `print … > FILE` / `>> FILE`, sed `w FILE` and the `w` flag of `s///`.
pub fn tool_writes(cmd: &Command, input: Option<&Word>) -> Vec<(String, String, bool)> {
    use crate::interp::tokens::{tokenize, Style, Tok};
    let input_text = input.filter(|w| w.subs.is_empty()).map(|w| w.text.clone());
    let mut out = Vec::new();
    match cmd.name() {
        "awk" | "gawk" | "mawk" | "nawk" => {
            let Some(prog) = cmd
                .args()
                .iter()
                .find(|a| !a.text.starts_with('-') && a.text.contains("print"))
            else {
                return out;
            };
            let toks = tokenize(&prog.text, Style::C);
            let vars = HashMap::new();
            let line = input_text
                .as_deref()
                .map(|t| t.lines().next().unwrap_or(""));
            for (i, t) in toks.iter().enumerate() {
                if !matches!(t, Tok::Ident(p) if p == "print" || p == "printf") {
                    continue;
                }
                let end = toks[i + 1..]
                    .iter()
                    .position(|t| matches!(t, Tok::Punct(';' | '}')))
                    .map(|p| p + i + 1)
                    .unwrap_or(toks.len());
                let stmt = &toks[i + 1..end];
                let Some(gt) = stmt.iter().position(|t| matches!(t, Tok::Punct('>'))) else {
                    continue;
                };
                let append = matches!(stmt.get(gt + 1), Some(Tok::Punct('>')));
                let file_toks = &stmt[gt + 1 + usize::from(append)..];
                let printed: Vec<Tok> = stmt[..gt]
                    .iter()
                    .filter(|t| !matches!(t, Tok::Punct(',')))
                    .cloned()
                    .collect();
                if let Some(path) = awk_string(file_toks, &vars, line) {
                    let content = awk_string(&printed, &vars, line).unwrap_or_default();
                    out.push((path, content + "\n", append));
                }
            }
        }
        "sed" | "gsed" => {
            for a in cmd
                .args()
                .iter()
                .filter(|a| !a.text.starts_with('-'))
                .take(1)
            {
                for l in a.text.split([';', '\n']) {
                    let l = l.trim_start_matches(|c: char| {
                        c.is_ascii_digit() || c == '$' || c == ',' || c == ' '
                    });
                    if let Some(path) = l.strip_prefix('w').map(str::trim).filter(|p| !p.is_empty())
                    {
                        out.push((
                            path.to_string(),
                            input_text.clone().unwrap_or_default(),
                            false,
                        ));
                    }
                }
            }
        }
        // `curl -o FILE URL`, `wget -O FILE URL`: the file holds whatever the server sends. It is
        // recorded as the equivalent download-and-run, so a download written into a start-up
        // file is judged as persistent fetch-and-run, and running it later as running a download.
        "curl" | "wget" => {
            if let Some((path, url)) = download_target(cmd) {
                out.push((path, format!("curl -fsSL {url} | sh"), false));
            }
        }
        _ => {}
    }
    out
}

/// The file a curl or wget download is saved to, with its URL.
fn download_target(cmd: &Command) -> Option<(String, String)> {
    let args = cmd.args();
    let url = args.iter().find(|a| a.text.contains("://"))?.text.clone();
    let (short, long) = if cmd.name() == "curl" {
        ('o', "--output")
    } else {
        ('O', "--output-document")
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if let Some(v) = a.strip_prefix(&format!("{long}=")) {
            return (v != "-").then(|| (v.to_string(), url));
        }
        let cluster_ends_with = a.starts_with('-')
            && !a.starts_with("--")
            && a.len() > 1
            && a[1..].chars().all(|c| c.is_ascii_alphabetic())
            && a.ends_with(short);
        if a == long || cluster_ends_with {
            let v = args.get(i + 1)?.text.clone();
            return (v != "-").then_some((v, url));
        }
        // `-oFILE` / `-OFILE`.
        if let Some(v) = a
            .strip_prefix(&format!("-{short}"))
            .filter(|v| !v.is_empty())
        {
            return (v != "-").then(|| (v.to_string(), url));
        }
        i += 1;
    }
    None
}

/// The string an awk expression builds from literals, `-v` variables, `ENVIRON["X"]` (kept as
/// `$X`) and fields of a known input line; `None` when any part is unknown.
fn awk_string(
    toks: &[crate::interp::tokens::Tok],
    vars: &HashMap<String, String>,
    line: Option<&str>,
) -> Option<String> {
    use crate::interp::tokens::Tok;
    let mut out = String::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Str(s) => out.push_str(s),
            Tok::Ident(n) if n == "ENVIRON" => {
                if let (Some(Tok::Punct('[')), Some(Tok::Str(k))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    out.push('$');
                    out.push_str(k);
                    i += 4;
                    continue;
                }
                return None;
            }
            Tok::Ident(n) if n.starts_with('$') => {
                let field: usize = n[1..].parse().ok()?;
                let line = line?;
                if field == 0 {
                    out.push_str(line);
                } else {
                    out.push_str(line.split_whitespace().nth(field - 1).unwrap_or(""));
                }
            }
            // `sprintf("%c%c -rf /", 114, 109)`: formatted from literals, evaluated.
            Tok::Ident(n) if n == "sprintf" => {
                let (args, close) = crate::interp::tokens::call_args(toks, i + 1)?;
                out.push_str(&awk_sprintf(args)?);
                i = close + 1;
                continue;
            }
            Tok::Ident(n) => out.push_str(vars.get(n)?),
            Tok::Punct('(' | ')') => {}
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

/// `sprintf` over literal arguments: `%c` (a character code or the first character of a
/// string), `%s`, `%d`/`%i`, `%%`. Anything else is unknown.
fn awk_sprintf(args: &[crate::interp::tokens::Tok]) -> Option<String> {
    use crate::interp::tokens::Tok;
    let mut parts = args.split(|t| matches!(t, Tok::Punct(',')));
    let fmt = match parts.next()? {
        [Tok::Str(f)] => f.clone(),
        _ => return None,
    };
    let values: Vec<&Tok> = parts.map(|p| p.first()).collect::<Option<Vec<_>>>()?;
    let mut values = values.into_iter();
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            'c' => match values.next()? {
                Tok::Num(n) => out.push(char::from_u32(n.parse::<u32>().ok()?)?),
                Tok::Str(s) => out.push(s.chars().next()?),
                _ => return None,
            },
            's' | 'd' | 'i' => match values.next()? {
                Tok::Num(n) | Tok::Str(n) => out.push_str(n),
                _ => return None,
            },
            _ => return None,
        }
        if out.len() > 4096 {
            return None;
        }
    }
    Some(out)
}

/// Shell commands an awk program runs: `Some(cmd)` for commands it builds from what the input
/// shows, `None` when the command is computed from unknown input (`system($0)`, `print | "sh"`).
pub fn awk_commands(
    prog: &str,
    vars: &HashMap<String, String>,
    line: Option<&str>,
) -> Vec<Option<String>> {
    use crate::interp::tokens::{call_args, tokenize, Style, Tok};
    let toks = tokenize(prog, Style::C);
    let mut out = Vec::new();
    let is_print = |t: &Tok| matches!(t, Tok::Ident(p) if p == "print" || p == "printf");
    // `cmd = "ba" "sh -c …"` inside the program: literal string variables.
    let mut vars = vars.clone();
    for (i, t) in toks.iter().enumerate() {
        if let (Tok::Ident(name), Some(Tok::Punct('=')), Some(Tok::Str(_))) =
            (t, toks.get(i + 1), toks.get(i + 2))
        {
            if matches!(toks.get(i + 2 + 1), Some(Tok::Punct('='))) {
                continue;
            }
            let end = toks[i + 2..]
                .iter()
                .position(|t| !matches!(t, Tok::Str(_)))
                .map(|p| p + i + 2)
                .unwrap_or(toks.len());
            if let Some(v) = awk_string(&toks[i + 2..end], &vars, line) {
                vars.insert(name.clone(), v);
            }
        }
    }
    let vars = &vars;
    // `("curl …" | getline l) … print l | "bash"`: fetched lines printed into a shell.
    let fetch_source = toks.windows(3).find_map(|w| match w {
        [Tok::Str(src), Tok::Punct('|'), Tok::Ident(g)] if g == "getline" => {
            let first = src.split_whitespace().next().unwrap_or("");
            matches!(
                first.rsplit('/').next().unwrap_or(first),
                "curl" | "wget" | "fetch" | "nc" | "ncat"
            )
            .then(|| src.clone())
        }
        _ => None,
    });
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Ident(name) if name == "system" => {
                if let Some((args, _)) = call_args(&toks, i + 1) {
                    out.push(awk_string(args, vars, line));
                }
            }
            Tok::Punct('|') => {
                let prev_or = matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Punct('|')));
                let next_or = matches!(toks.get(i + 1), Some(Tok::Punct('|')));
                if prev_or || next_or {
                    continue;
                }
                // `"cmd" | getline`
                if matches!(toks.get(i + 1), Some(Tok::Ident(g)) if g == "getline") {
                    let start = toks[..i]
                        .iter()
                        .rposition(|t| matches!(t, Tok::Punct(';' | '{' | '}' | '(')))
                        .map(|p| p + 1)
                        .unwrap_or(0);
                    out.push(awk_string(&toks[start..i], vars, line));
                    continue;
                }
                // `print … | "cmd"`
                let Some(target) = toks.get(i + 1).and_then(|t| match t {
                    Tok::Str(s) => Some(s.clone()),
                    Tok::Ident(v) => vars.get(v).cloned(),
                    _ => None,
                }) else {
                    continue;
                };
                let Some(start) = toks[..i].iter().rposition(is_print) else {
                    continue;
                };
                let first = target.split_whitespace().next().unwrap_or("");
                let base = first.rsplit('/').next().unwrap_or(first);
                if super::nested::SHELLS.contains(&base) && fetch_source.is_some() {
                    out.push(fetch_source.clone().map(|src| format!("{src} | {target}")));
                } else if super::nested::SHELLS.contains(&base) {
                    let printed: Vec<Tok> = toks[start + 1..i]
                        .iter()
                        .filter(|t| !matches!(t, Tok::Punct(',')))
                        .cloned()
                        .collect();
                    out.push(awk_string(&printed, vars, line).map(|s| s.replace("\\n", "\n")));
                } else {
                    out.push(Some(target));
                }
            }
            _ => {}
        }
    }
    out
}

/// The shell command a git configuration `key=value` runs, if any.
fn git_config_code(spec: &SinkSpec, key: &str, value: &str) -> Option<String> {
    let key = key.to_ascii_lowercase();
    if key.starts_with("alias.") {
        return value.strip_prefix('!').map(|v| v.to_string());
    }
    if key == "credential.helper" {
        return value.strip_prefix('!').map(|v| v.to_string());
    }
    let sub_command = key.starts_with("pager.")
        || (key.starts_with("filter.")
            && (key.ends_with(".clean") || key.ends_with(".smudge") || key.ends_with(".process")))
        || (key.starts_with("diff.") && (key.ends_with(".textconv") || key.ends_with(".command")))
        || (key.starts_with("merge.") && key.ends_with(".driver"));
    if spec.keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) || sub_command {
        return Some(value.to_string());
    }
    None
}

fn git(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        let kv = if a == "-c" {
            i += 1;
            args.get(i).map(|w| (w, w.text.as_str()))
        } else if let Some(rest) = a.strip_prefix("-c").filter(|r| r.contains('=')) {
            Some((&args[i], rest))
        } else if let Some(rest) = a.strip_prefix("--config-env=") {
            let _ = rest;
            None
        } else {
            None
        };
        if let Some((w, kv)) = kv {
            if let Some((k, v)) = kv.split_once('=') {
                if let Some(code) = git_config_code(spec, k, v) {
                    push(text(part(w, &code)), Place::default());
                }
            }
            i += 1;
            continue;
        }
        if matches!(a, "-C" | "--git-dir" | "--work-tree" | "--namespace") {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        if a == "config" {
            git_config_command(spec, &args[i + 1..], push);
        }
        git_subcommand_code(a, &args[i + 1..], push);
        return;
    }
}

/// Configuration passed through the environment: `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager
/// GIT_CONFIG_VALUE_0=…` and `GIT_CONFIG_PARAMETERS="'core.pager'='…'"`.
fn git_env_config(spec: &SinkSpec, assignments: &[(String, Word)], push: &mut Push) {
    if !assignments.iter().any(|(n, _)| n.starts_with("GIT_CONFIG")) {
        return;
    }
    let get = |k: &str| assignments.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    for n in 0..16 {
        let (Some(k), Some(v)) = (
            get(&format!("GIT_CONFIG_KEY_{n}")),
            get(&format!("GIT_CONFIG_VALUE_{n}")),
        ) else {
            continue;
        };
        if let Some(code) = git_config_code(spec, &k.text, &v.text) {
            push(text(part(v, &code)), Place::default());
        }
    }
    if let Some(params) = get("GIT_CONFIG_PARAMETERS") {
        for pair in params.text.split("' '") {
            let pair = pair.trim_matches('\'');
            if let Some((k, v)) = pair.split_once("'='") {
                if let Some(code) = git_config_code(spec, k, v) {
                    push(text(part(params, &code)), Place::default());
                }
            }
        }
    }
}

/// Subcommands that run a command they are given: `submodule foreach CMD`, `rebase -x CMD`,
/// `bisect run CMD…`, `filter-branch --tree-filter CMD`, `difftool -x CMD`.
fn git_subcommand_code(sub: &str, args: &[Word], push: &mut Push) {
    let option = |names: &[&str], push: &mut Push| {
        for (i, a) in args.iter().enumerate() {
            for n in names {
                if a.text == *n {
                    if let Some(v) = args.get(i + 1) {
                        push(text(v.clone()), Place::default());
                    }
                } else if let Some(v) = a.text.strip_prefix(&format!("{n}=")) {
                    push(text(part(a, v)), Place::default());
                }
            }
        }
    };
    match sub {
        "submodule" => {
            if let Some(p) = args.iter().position(|a| a.text == "foreach") {
                let rest: Vec<Word> = args[p + 1..]
                    .iter()
                    .filter(|a| !a.text.starts_with("--"))
                    .cloned()
                    .collect();
                if !rest.is_empty() {
                    push(text(super::nested::join_words(&rest)), Place::default());
                }
            }
        }
        "rebase" => option(&["-x", "--exec"], push),
        "bisect" if args.first().is_some_and(|a| a.text == "run") && args.len() > 1 => {
            push(Code::Argv(args[1..].to_vec()), Place::default());
        }
        "filter-branch" => option(
            &[
                "--tree-filter",
                "--index-filter",
                "--msg-filter",
                "--env-filter",
                "--commit-filter",
                "--parent-filter",
                "--tag-name-filter",
            ],
            push,
        ),
        "difftool" | "mergetool" => option(&["-x", "--extcmd"], push),
        _ => {}
    }
}

/// `git config [--global] KEY VALUE` / `git config set KEY VALUE`.
fn git_config_command(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let mut pos: Vec<&Word> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if matches!(
            a,
            "-f" | "--file" | "--blob" | "--type" | "--default" | "--comment"
        ) {
            i += 2;
            continue;
        }
        if matches!(
            a,
            "--get" | "--get-all" | "--unset" | "--unset-all" | "-l" | "--list" | "--get-regexp"
        ) {
            return;
        }
        if !a.starts_with('-') {
            pos.push(&args[i]);
        }
        i += 1;
    }
    if pos.first().is_some_and(|p| p.text == "set") {
        pos.remove(0);
    }
    if let [key, value, ..] = pos[..] {
        if let Some(code) = git_config_code(spec, &key.text, &value.text) {
            push(text(part(value, &code)), Place::default());
        }
    }
}

fn make(args: &[Word], input: Option<&Word>, push: &mut Push) {
    for (i, a) in args.iter().enumerate() {
        // `make --eval='x: ; rm -rf ~'` / `make --eval 'x: ; …'`: makefile text on the command line.
        let eval = a
            .text
            .strip_prefix("--eval=")
            .map(|t| (a, t.to_string()))
            .or_else(|| {
                (a.text == "--eval")
                    .then(|| args.get(i + 1).map(|v| (v, v.text.clone())))
                    .flatten()
            });
        if let Some((w, text_)) = eval {
            push(text(part(w, &makefile_recipes(&text_))), Place::default());
        }
    }
    for (i, a) in args.iter().enumerate() {
        let file = if a.text == "-f" || a.text == "--file" || a.text == "--makefile" {
            args.get(i + 1)
        } else {
            None
        };
        // tree-sitter-bash folds a `-` right before a heredoc operator into the redirection, so
        // `make -f - <<EOF` arrives as `make -f` with stdin.
        let stdin_dash = file.is_none()
            && i + 1 == args.len()
            && input.is_some()
            && matches!(a.text.as_str(), "-f" | "--file" | "--makefile");
        let Some(f) = file.or(stdin_dash.then_some(a)) else {
            continue;
        };
        if f.text == "-" || f.text == "/dev/stdin" || stdin_dash {
            match input {
                Some(w) => push(text(part(w, &makefile_recipes(&w.text))), Place::default()),
                None => push(Code::Input, Place::default()),
            }
        } else {
            push(Code::File(f.clone(), Format::Make), Place::default());
        }
    }
}

/// A recipe line as the shell sees it: `$$` is a `$`, and make's own references (`$(CC)`, `${X}`,
/// `$@`, `$*`, `$<`, `$^`) are expanded by make first — their values are unknown here, so they
/// become a neutral word rather than a shell substitution.
fn make_to_shell(recipe: &str) -> String {
    let b = recipe.as_bytes();
    let mut out = String::with_capacity(recipe.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            match b.get(i + 1) {
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                    continue;
                }
                Some(&open @ (b'(' | b'{')) => {
                    let close = if open == b'(' { b')' } else { b'}' };
                    let mut depth = 0;
                    let mut j = i + 1;
                    while j < b.len() {
                        if b[j] == open {
                            depth += 1;
                        } else if b[j] == close {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    out.push_str("MAKEVAR");
                    i = j + 1;
                    continue;
                }
                Some(c) if b"@*<^?%+|".contains(c) || c.is_ascii_alphabetic() => {
                    out.push_str("MAKEVAR");
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        let ch = recipe[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The shell lines of a makefile's recipes (tab-indented lines, without `@`, `-`, `+` prefixes),
/// plus `$(shell …)` calls.
pub fn makefile_recipes(makefile: &str) -> String {
    let mut out = String::new();
    for line in makefile.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            out.push_str(&make_to_shell(
                recipe.trim_start_matches(['@', '-', '+', ' ']),
            ));
            out.push('\n');
        } else if let Some((head, recipe)) = line.split_once(';') {
            // `target: prerequisites ; recipe`
            if head.contains(':') && !head.contains('=') {
                out.push_str(&make_to_shell(
                    recipe.trim_start_matches(['@', '-', '+', ' ']),
                ));
                out.push('\n');
            }
        }
        let mut rest = line;
        while let Some(p) = rest.find("$(shell ") {
            let after = &rest[p + 8..];
            let end = after.find(')').unwrap_or(after.len());
            out.push_str(&after[..end]);
            out.push('\n');
            rest = &after[end..];
        }
    }
    out
}

fn interp(spec: &SinkSpec, args: &[Word], input: Option<&Word>, push: &mut Push) {
    let lang = Lang::parse(spec.lang.as_deref());
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let t = a.text.as_str();
        if t == "--" {
            break;
        }
        // `--eval=CODE`, `-Command=CODE`.
        if let Some((flag, value)) = t.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if spec.flags.iter().any(|f| f == flag) {
                push(Code::Text(lang, part(a, value)), Place::default());
                return;
            }
        }
        // Bundled short flags (`perl -we CODE`) are a Unix convention; PowerShell's parameters
        // are whole words (`-NoProfile` is not `-e`).
        let ps = lang == Lang::PowerShell;
        let is_flag = spec
            .flags
            .iter()
            .any(|f| f == t || (ps && f.eq_ignore_ascii_case(t)))
            || (t.len() > 2
                && !ps
                && t.starts_with('-')
                && !t.starts_with("--")
                && t[1..].chars().all(|c| c.is_ascii_alphabetic())
                && spec
                    .flags
                    .iter()
                    .any(|f| f.len() == 2 && t.ends_with(&f[1..])));
        if is_flag {
            if let Some(code) = args.get(i + 1) {
                let code = if lang == Lang::PowerShell && t.to_ascii_lowercase().starts_with("-e") {
                    match decode_utf16_base64(&code.text) {
                        Some(d) => part(code, &d),
                        None => return,
                    }
                } else {
                    code.clone()
                };
                push(Code::Text(lang, code), Place::default());
            }
            return;
        }
        // `python3 -cCODE`
        if let Some(f) = spec
            .flags
            .iter()
            .find(|f| f.len() == 2 && t.starts_with(f.as_str()))
        {
            if t.len() > 2 && lang != Lang::PowerShell && f != "-e" {
                push(Code::Text(lang, part(a, &t[2..])), Place::default());
                return;
            }
        }
        if t == "-" {
            break;
        }
        // `-m module` runs a module, not inline code.
        if t == "-m" {
            return;
        }
        // Options with a value (`-X utf8`, `-W ignore`, `php -d k=v`, `node -r mod`).
        if spec
            .value_options
            .iter()
            .any(|o| o == t || (ps && o.eq_ignore_ascii_case(t)))
        {
            i += 2;
            continue;
        }
        if !t.starts_with('-') {
            // Windows PowerShell reads a bare command line as `-Command`.
            let after_file = i > 0
                && (args[i - 1].text.eq_ignore_ascii_case("-file") || args[i - 1].text == "-f");
            if lang == Lang::PowerShell && !after_file && !t.to_ascii_lowercase().ends_with(".ps1")
            {
                push(Code::Text(lang, a.clone()), Place::default());
                return;
            }
            // A script file (or a subcommand like `bun run`): its code is in that file.
            if !matches!(t, "run" | "eval" | "exec" | "x") {
                push(Code::File(a.clone(), Format::Code(lang)), Place::default());
            }
            return;
        }
        i += 1;
    }
    if let Some(w) = input {
        push(Code::Text(lang, w.clone()), Place::default());
    }
}

/// PowerShell's `-EncodedCommand`: base64 of UTF-16LE text.
fn decode_utf16_base64(s: &str) -> Option<String> {
    let bytes = crate::text::base64::decode(s.trim())?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

fn remote(spec: &SinkSpec, program: &str, args: &[Word], input: Option<&Word>, push: &mut Push) {
    let Some(host) = first_positional(args, &spec.value_options) else {
        return;
    };
    if args.iter().any(|a| a.text == "-N" || a.text == "-W") {
        return;
    }
    let place = Place {
        label: Some(format!("on host {} via {program}", args[host].text)),
        ..Place::default()
    };
    let mut rest = &args[host + 1..];
    if rest.first().is_some_and(|a| a.text == "--") {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        // `ssh host <<EOF`: the remote shell reads its commands from stdin.
        if let Some(w) = input {
            push(text(w.clone()), place);
        }
        return;
    }
    push(text(super::nested::join_words(rest)), place);
}

fn container(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let mut i = 0;
    // Global options, then `run`/`exec` or `container run|exec`.
    while i < args.len() && args[i].text.starts_with('-') {
        i += if matches!(
            args[i].text.as_str(),
            "-H" | "--host" | "--context" | "-c" | "--config"
        ) {
            2
        } else {
            1
        };
    }
    if args
        .get(i)
        .is_some_and(|a| a.text == "container" || a.text == "compose")
    {
        i += 1;
        while i < args.len() && args[i].text.starts_with('-') {
            i += if matches!(
                args[i].text.as_str(),
                "-f" | "--file" | "-p" | "--project-name"
            ) {
                2
            } else {
                1
            };
        }
    }
    let Some(verb) = args.get(i).map(|a| a.text.as_str()) else {
        return;
    };
    if !spec.subcommands.iter().any(|s| s == verb) {
        return;
    }
    let run = verb.ends_with("run");
    let rest = &args[i + 1..];
    let mut mounts = Vec::new();
    let mut workdir: Option<String> = None;
    let mut j = 0;
    while j < rest.len() {
        let a = rest[j].text.as_str();
        if a == "--" {
            j += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let takes = spec.value_options.iter().any(|o| o == name);
        let value = match (&inline, takes) {
            (Some(v), _) => Some(v.clone()),
            (None, true) => {
                j += 1;
                rest.get(j).map(|w| w.text.clone())
            }
            _ => None,
        };
        if let Some(v) = value {
            if matches!(name, "-w" | "--workdir") {
                workdir = Some(v.clone());
            }
            if matches!(name, "-v" | "--volume") {
                let mut parts = v.split(':');
                if let (Some(src), Some(dst)) = (parts.next(), parts.next()) {
                    if src.starts_with('/') || src.starts_with('~') || src.starts_with('$') {
                        mounts.push((dst.to_string(), src.to_string()));
                    }
                }
            } else if name == "--mount" {
                let mut src = None;
                let mut dst = None;
                for kv in v.split(',') {
                    match kv.split_once('=') {
                        Some(("source" | "src", s)) => src = Some(s.to_string()),
                        Some(("target" | "destination" | "dst", d)) => dst = Some(d.to_string()),
                        _ => {}
                    }
                }
                if let (Some(s), Some(d)) = (src, dst) {
                    mounts.push((d, s));
                }
            }
        }
        j += 1;
    }
    // IMAGE (run) or CONTAINER (exec), then the command.
    let Some(target) = rest.get(j) else { return };
    let cmd = &rest[j + 1..];
    if cmd.is_empty() {
        return;
    }
    let mut label = if run {
        format!("inside a new container of {}", target.text)
    } else {
        format!("inside container {}", target.text)
    };
    if let Some(root) = mounts.iter().find(|(_, h)| h == "/") {
        label.push_str(&format!(" with the host's / mounted at {}", root.0));
    }
    let mut place = Place {
        label: Some(label),
        mounts,
        isolated: run,
        cwd: None,
    };
    place.cwd = workdir.map(|mut w| {
        place.map_path(&mut w);
        w
    });
    push(Code::Argv(cmd.to_vec()), place);
}
