//! Following code out of sinks: what the sink table (`sinks.rs`) found is walked like the input
//! itself — shell code re-parsed, argv emitted, interpreter code analysed (`crate::interp`), files
//! written earlier in the input read back — with the sink chain recorded on every command.

use super::ir::*;
use super::sinks::{awk_commands, sed_exec_commands, Code, Format, Found};
use super::walk::{printed_text, CmdCtx, SpanMap, Walker, MAX_DEPTH};
use crate::findings::Span;
use crate::interp::{self, Lang, Run};
use std::collections::HashMap;

/// Largest file content remembered from `echo … > FILE` / `cat <<EOF > FILE`.
const MAX_FILE_BYTES: usize = 256 * 1024;

/// Variables naming a file a non-interactive shell sources first (`BASH_ENV=FILE bash …`).
const SOURCED_FILE_VARIABLES: &[&str] = &["BASH_ENV", "ENV"];

impl Walker {
    /// Walk everything the sinks of `cmd` (a command already recorded) run.
    pub(crate) fn run_sinks(&mut self, cmd: &Command, found: Vec<Found>) {
        let input = cmd.stdin_text.clone().or_else(|| self.piped.clone());
        for f in found {
            let step = match &f.place.label {
                Some(l) => format!("{} ({l})", f.sink),
                None => f.sink.to_string(),
            };
            let via = match &self.via {
                Some(outer) => format!("{outer} → {step}"),
                None => step,
            };
            let saved_via = self.via.replace(via);
            let place_changed = f.place.label.is_some() || f.place.isolated;
            let saved_place =
                place_changed.then(|| std::mem::replace(&mut self.place, f.place.clone()));
            // A remote host or a container starts in its own working directory.
            let saved_cwd = place_changed.then(|| {
                std::mem::replace(
                    &mut self.state.cwd,
                    f.place.cwd.as_deref().map(std::sync::Arc::from),
                )
            });
            // A remote or container command reads the local stdin (`ssh h sh <<EOF`).
            let forwards_input = f.place.label.is_some() && !f.place.detached;
            match f.code {
                Code::Text(Lang::Shell, w)
                    if f.sink == "trap.code" && self.depth == 0 && !self.in_function =>
                {
                    // Runs at exit (or on a signal, later still): judged with the final state.
                    self.deferred
                        .push((w, self.via.clone().unwrap_or_default()));
                }
                Code::Text(Lang::Shell, w) => {
                    // The nested command line reads the sink's stdin (`su -c sh <<< CODE`; a
                    // remote or container command reads the local stdin too).
                    self.inject_stdin = input.clone().filter(|_| !f.place.detached);
                    // Code that reads the sink's stdin keeps its place in the pipeline, as
                    // `bash -c` code does.
                    let origin = if f.keeps_stdin {
                        Origin::ShellString
                    } else {
                        Origin::Sink
                    };
                    self.nested_code(&w, origin);
                    self.inject_stdin = None;
                }
                Code::Text(lang, w) => {
                    let inputs = self.interp_inputs(cmd, &w, input.as_ref());
                    self.interp_code(lang, &w, &inputs);
                }
                Code::Argv(words) => {
                    let stdin = if forwards_input { input.clone() } else { None };
                    self.nested_argv(words, cmd.span, cmd.background, stdin);
                }
                Code::Input => {
                    if let Some(w) = input.as_ref().filter(|w| !w.dynamic && w.subs.is_empty()) {
                        let w = w.clone();
                        self.nested_code(&w, Origin::Sink);
                    }
                }
                // Interpreter code read from stdin sees the arguments after its file name
                // (`python3 /dev/stdin ~ <<EOF … sys.argv[1:]`).
                Code::File(w, Format::Code(lang))
                    if matches!(w.text.as_str(), "-" | "/dev/stdin") && lang != Lang::Shell =>
                {
                    if let Some(content) = input.clone() {
                        let inputs = self.interp_inputs(cmd, &content, Some(&content));
                        self.interp_code(lang, &content, &inputs);
                    }
                }
                Code::File(w, format) if matches!(w.text.as_str(), "-" | "/dev/stdin") => {
                    self.make_goals = make_goals_of(cmd, format);
                    if let Some(content) = input.clone() {
                        self.run_content(&w, content, format, "read from stdin");
                    }
                }
                Code::File(w, format) => {
                    self.make_goals = make_goals_of(cmd, format);
                    self.run_file(&w, format, "read")
                }
            }
            self.via = saved_via;
            if let Some(p) = saved_place {
                self.place = p;
            }
            if let Some(c) = saved_cwd {
                self.state.cwd = c;
            }
        }
    }

    /// Assignments whose value a program runs as a command (`GIT_SSH_COMMAND='…' git fetch`).
    /// Whether [`Walker::env_code_sinks`] can find code in a value of this variable, whatever
    /// the value (a Shellshock-style `() {` value runs under any name).
    pub(crate) fn may_hold_env_code(name: &str) -> bool {
        SOURCED_FILE_VARIABLES.contains(&name)
            || super::sinks::VIM_STARTUP_VARIABLES.contains(&name)
            || super::sinks::is_code_variable(name)
    }

    pub(crate) fn env_code_sinks(&mut self, assignments: &[(String, Word)]) {
        for (name, value) in assignments {
            // `BASH_ENV=FILE bash …`: a non-interactive shell sources the file first.
            if SOURCED_FILE_VARIABLES.contains(&name.as_str()) {
                let source = Word {
                    text: "source".into(),
                    span: value.span,
                    ..Word::default()
                };
                self.with_step(&format!("env.{name}"), |w| {
                    w.nested_argv(vec![source, value.clone()], value.span, false, None)
                });
                // The shell expands the value before reading the file: a command substitution
                // in it runs (`BASH_ENV='$(curl … -F f=@~/.ssh/id_rsa)' bash -c :`).
                if value.text.contains("$(") || value.text.contains('`') {
                    self.with_step(&format!("env.{name}"), |w| {
                        w.nested_code(value, Origin::Sink)
                    });
                }
                continue;
            }
            if let Some(code) = super::sinks::table().env_code(name, value) {
                self.with_step(&format!("env.{name}"), |w| {
                    w.nested_code(&code, Origin::Sink)
                });
            }
        }
    }

    /// Emit a command vector one level deeper, as run from `span`.
    pub(crate) fn nested_argv(
        &mut self,
        words: Vec<Word>,
        span: Span,
        background: bool,
        stdin_text: Option<Word>,
    ) {
        if self.depth + 1 > MAX_DEPTH {
            let at = words.first().map(|w| w.span).unwrap_or(span);
            self.gap(
                GapKind::DepthExceeded,
                "nested commands deeper than the analysis bound",
                at,
            );
            return;
        }
        let ctx = CmdCtx {
            stdin_text,
            ..CmdCtx::bare(span, background)
        };
        let saved = (self.depth, self.origin, std::mem::take(&mut self.pipes));
        self.depth += 1;
        self.origin = Origin::Sink;
        self.emit(words, ctx);
        self.depth = saved.0;
        self.origin = saved.1;
        self.pipes = saved.2;
    }

    /// What the command line fixes about an interpreter snippet: the arguments after the code,
    /// its literal stdin and the environment values the input sets.
    fn interp_inputs(&self, cmd: &Command, code: &Word, input: Option<&Word>) -> interp::Inputs {
        let args = cmd.args();
        // Code read from stdin (`python3 - "$HOME" <<EOF`) takes the arguments after `-`.
        let from_stdin = input.is_some_and(|w| w.text == code.text);
        let argv = args
            .iter()
            .position(|a| {
                (a.span == code.span && a.text == code.text)
                    || (from_stdin && matches!(a.text.as_str(), "-" | "/dev/stdin"))
            })
            .map(|p| {
                args[p + 1..]
                    .iter()
                    .filter(|a| a.subs.is_empty())
                    .map(|a| a.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        // `perl -e CODE -- ARGS`: the `--` ends the interpreter's own options (Python alone
        // passes it on to the program in `sys.argv`).
        let mut argv: Vec<String> = argv;
        if argv.first().is_some_and(|a| a == "--") && !cmd.name().starts_with("python") {
            argv.remove(0);
        }
        // The program's own text read from stdin (`perl <<'EOF' … EOF`) is not data on stdin.
        let stdin = input
            .filter(|w| w.subs.is_empty() && w.text != code.text)
            .map(|w| w.text.clone());
        let mut env: HashMap<String, String> = self
            .vars
            .iter()
            .filter(|(_, v)| !v.dynamic && v.subs.is_empty())
            .map(|(k, v)| (k.clone(), v.text.clone()))
            .collect();
        for (k, v) in &cmd.assignments {
            if v.subs.is_empty() {
                env.insert(k.clone(), v.text.clone());
            }
        }
        interp::Inputs {
            argv,
            stdin,
            env,
            cwd: self.state.cwd.as_deref().map(str::to_string),
            deadline: Some(self.deadline),
        }
    }

    /// Analyse interpreter code and walk what it runs.
    pub(crate) fn interp_code(&mut self, lang: Lang, code: &Word, inputs: &interp::Inputs) {
        if !code.subs.is_empty() {
            self.gap(
                GapKind::DynamicCode,
                &format!(
                    "{} code is produced at run time by a command substitution",
                    lang.name()
                ),
                code.span,
            );
            return;
        }
        if self.depth + 1 > MAX_DEPTH {
            self.gap(
                GapKind::DepthExceeded,
                "nested code deeper than the analysis bound",
                code.span,
            );
            return;
        }
        // Nested code shares the walk's deadline.
        let report = match inputs.deadline {
            Some(_) => interp::analyze_with(lang, &code.text, inputs),
            None => {
                let timed = interp::Inputs {
                    deadline: Some(self.deadline),
                    ..inputs.clone()
                };
                interp::analyze_with(lang, &code.text, &timed)
            }
        };
        if report.incomplete {
            self.gap(
                GapKind::Timeout,
                &format!(
                    "the {} code's analysis ran out of its time budget",
                    lang.name()
                ),
                code.span,
            );
        }
        if report.too_long {
            self.gap(
                GapKind::TooLarge,
                &format!(
                    "the {} code is longer than its analysis reads ({} tokens): what the rest does is not known",
                    lang.name(),
                    interp::tokens::MAX_TOKENS
                ),
                code.span,
            );
        }
        if report.too_deep {
            self.gap(
                GapKind::DepthExceeded,
                &format!(
                    "{} code evaluating code nested deeper than the analysis bound",
                    lang.name()
                ),
                code.span,
            );
        }
        let base = self.verbatim_map(code);
        let via = self.via.clone().unwrap_or_default();
        // Files first: code usually writes a script before it runs it
        // (`writeFileSync('/tmp/x.sh', …); execFileSync('sh', ['/tmp/x.sh'])`).
        for (path, content, append) in report.writes {
            self.synthetic_write(
                &format!("{} file write", lang.name()),
                &path,
                content,
                append,
                code,
            );
        }
        // A download saved by the code is a download like `curl -o FILE URL`.
        for (path, url) in report.downloads {
            let argv = ["curl", "-fsSLo", path.as_str(), url.as_str()];
            self.derived_argv(&format!("{} download", lang.name()), argv, code.span);
        }
        for (run, call) in report.runs {
            self.with_step(&format!("{} {call}", lang.name()), |w| match run {
                Run::Shell(s) => {
                    let map = match (&base, code.text.find(&s)) {
                        (Some(SpanMap::Offset(b)), Some(p)) if !s.is_empty() => {
                            Some(SpanMap::Offset(b + p))
                        }
                        _ => None,
                    };
                    let word = Word {
                        text: s,
                        ..code.clone()
                    };
                    let saved = std::mem::replace(&mut w.symbolic_tilde, true);
                    let guess = matches!(lang, Lang::Native | Lang::Other);
                    let saved_guess = std::mem::replace(&mut w.literal_guess, guess);
                    w.nested(&word, map, Origin::Sink);
                    w.symbolic_tilde = saved;
                    w.literal_guess = saved_guess;
                }
                Run::Argv(argv) => {
                    let words = argv
                        .into_iter()
                        .map(|t| match t.as_str() {
                            interp::UNKNOWN_ARG => Word {
                                text: interp::UNKNOWN_ARG_SHELL.into(),
                                dynamic: true,
                                quoted: true,
                                span: code.span,
                                ..Word::default()
                            },
                            _ => Word::literal(t, code.span),
                        })
                        .collect();
                    w.nested_argv(words, code.span, false, None);
                }
            });
        }
        for (target, call) in report.deletes {
            let argv = ["rm", "-rf", target.as_str()];
            self.derived_argv(&format!("{} {call}", lang.name()), argv, code.span);
        }
        for call in report.obfuscated {
            self.gap(
                GapKind::ObfuscatedCode,
                &format!(
                    "`{call}` in {} code runs what it decodes on the spot (character codes, hex, base64, rot13 or XOR)",
                    lang.name()
                ),
                code.span,
            );
        }
        for call in report.dynamic {
            self.gap(
                GapKind::DynamicCode,
                &format!(
                    "`{call}` in {} code runs a command computed at run time",
                    lang.name()
                ),
                code.span,
            );
        }
        let detail = if via.is_empty() {
            format!("{} code", lang.name())
        } else {
            format!("{} code via {via}", lang.name())
        };
        for (on, kind) in [
            (report.fetch_exec, EffectKind::FetchExec),
            (report.runs_input, EffectKind::RunsInput),
            (report.fork_loop, EffectKind::ForkLoop),
            (report.memory_loop, EffectKind::MemoryLoop),
            (report.secret_to_network, EffectKind::SecretToNetwork),
            (report.reverse_shell, EffectKind::ReverseShell),
            (
                report.secret_variable_to_network && !report.vendor_secret_elsewhere,
                EffectKind::SecretVariableToNetwork,
            ),
            (
                report.vendor_secret_elsewhere,
                EffectKind::VendorSecretElsewhere,
            ),
            (report.stdin_to_network, EffectKind::StdinToNetwork),
        ] {
            if on {
                self.out.effects.push(Effect {
                    kind,
                    span: code.span,
                    detail: detail.clone(),
                });
            }
        }
    }

    /// Walk a command the walker derived from analysed code (`rm -rf TARGET` for a recursive
    /// delete call, `curl -o FILE URL` for a saved download) as a step of that code.
    fn derived_argv<'a>(&mut self, step: &str, argv: impl IntoIterator<Item = &'a str>, at: Span) {
        let words = argv.into_iter().map(|t| Word::literal(t, at)).collect();
        self.with_step(step, |w| w.nested_argv(words, at, false, None));
    }

    /// A file written by code the walker analysed (an interpreter's `open().write`, awk's
    /// `print > FILE`, sed's `w FILE`), shown to the analyzers as the equivalent `tee`, so
    /// persistence and credential rules apply. Known content is remembered (the file may be run
    /// later); a write whose content is computed (`bytes(4096)`, a download) still names its
    /// target, and nothing is remembered as the file's content.
    pub(crate) fn synthetic_write(
        &mut self,
        step: &str,
        path: &str,
        content: Option<String>,
        append: bool,
        at: &Word,
    ) {
        let key = file_key(path).to_string();
        self.downloads.remove(&key);
        let stdin = content.map(|text| Word {
            text,
            span: at.span,
            ..Word::default()
        });
        match &stdin {
            Some(word) => {
                self.files.insert(key, word.clone());
            }
            None => {
                self.files.remove(&key);
            }
        }
        let mk = |t: &str| Word {
            text: t.to_string(),
            span: at.span,
            ..Word::default()
        };
        self.with_step(step, |w| {
            let mut argv = vec![mk("tee")];
            if append {
                argv.push(mk("-a"));
            }
            argv.push(mk(path));
            w.nested_argv(argv, at.span, false, stdin);
        });
    }

    /// Run `f` with one more step appended to the sink chain.
    pub(crate) fn with_step(&mut self, step: &str, f: impl FnOnce(&mut Self)) {
        let via = match &self.via {
            Some(outer) => format!("{outer} → {step}"),
            None => step.to_string(),
        };
        let saved = self.via.replace(via);
        f(self);
        self.via = saved;
    }

    /// Remember what a command writes to a file, when the content is known (under the
    /// working directory too, when the path is relative and the directory known).
    pub(crate) fn record_written_file(&mut self, idx: usize) {
        // `echo "$(curl -s URL)" >> f`: the file receives what URL serves.
        if matches!(self.out.commands[idx].name(), "echo" | "printf") {
            if let Some(url) = self.printed_download(idx) {
                self.record_stdout_download(idx, &url);
                return;
            }
        }
        let cmd = &self.out.commands[idx];
        let piped = || self.piped.clone();
        // `npm pkg set scripts.test=CMD`, `jq '.scripts.test="CMD"' package.json | sponge
        // package.json`: package.json now holds the script.
        let scripts = super::package_json::scripts_set(cmd);
        if !scripts.is_empty() {
            let files = super::package_json::edited_files(cmd);
            let existing = files.first().and_then(|f| self.lookup_file(f));
            let text = super::package_json::with_scripts(
                existing.as_ref().map(|w| w.text.as_str()),
                &scripts,
            );
            let at = cmd.span;
            let targets = files.into_iter().map(|f| (f, false)).collect();
            self.record_written(idx, Some(Word::literal(text, at)), targets);
            return;
        }
        let (content, targets): (Option<Word>, Vec<(String, bool)>) = match cmd.name() {
            "echo" | "printf" | "print" => (
                printed_text(cmd, true).map(|mut w| {
                    if !(cmd.name() == "printf"
                        || cmd
                            .args()
                            .first()
                            .is_some_and(|a| a.text == "-n" || a.text == "-rn" || a.text == "-nr"))
                    {
                        w.text.push('\n');
                    }
                    w
                }),
                Vec::new(),
            ),
            "cat" if cmd.args().is_empty() => (cmd.stdin_text.clone().or_else(piped), Vec::new()),
            // `sed -i 's/foo/rm -rf ~/' x`: a file written earlier, edited in place.
            "sed" | "gsed" if cmd.args().iter().any(|a| sed_in_place(&a.text)) => {
                let args = cmd.args();
                let Some(file) = args.last().filter(|f| !f.dynamic && args.len() >= 3) else {
                    return;
                };
                let Some(content) = self.lookup_file(&file.text) else {
                    // `sed -i '1i curl … | sh' build.sh`
                    let (name, at) = (file.text.clone(), file.span);
                    self.record_unwritten_edit(idx, Some(name), at);
                    return;
                };
                let mut edit = cmd.clone();
                edit.argv.retain(|a| !sed_in_place(&a.text));
                edit.argv.pop();
                let Some(text) = super::transforms::filtered(&edit, &content.text) else {
                    return;
                };
                (
                    Some(Word { text, ..content }),
                    vec![(file.text.clone(), false)],
                )
            }
            // `perl -0pi -e 's/…/…/' package.json`
            "perl" => {
                let at = cmd.span;
                self.record_unwritten_edit(idx, None, at);
                return;
            }
            // `cat x > y.sh`: a copy of a file written earlier.
            "cat" => match cmd.args() {
                [f] if !f.dynamic => (self.lookup_file(&f.text), Vec::new()),
                _ => return,
            },
            "tee" => {
                let append = cmd
                    .args()
                    .iter()
                    .any(|a| a.text == "-a" || a.text == "--append");
                let files = cmd
                    .args()
                    .iter()
                    .filter(|a| !a.text.starts_with('-') && !a.dynamic)
                    .map(|a| (a.text.clone(), append))
                    .collect();
                (cmd.stdin_text.clone().or_else(piped), files)
            }
            // `cp /dev/stdin f <<< …`, `install -m755 /dev/stdin f <<< …`, `dd of=f <<< …`.
            "cp" | "install" | "dd" | "mv" | "ln" | "rsync" => {
                let args = cmd.args();
                let positional: Vec<&Word> = args
                    .iter()
                    .filter(|a| {
                        !a.text.starts_with('-') && !a.text.chars().all(|c| c.is_ascii_digit())
                    })
                    .collect();
                let from_stdin = positional
                    .first()
                    .is_some_and(|a| a.text == "/dev/stdin" || a.text == "-");
                let dd_target = args
                    .iter()
                    .find_map(|a| a.text.strip_prefix("of=").map(str::to_string));
                let target = match (cmd.name(), dd_target) {
                    ("dd", Some(t)) if !args.iter().any(|a| a.text.starts_with("if=")) => Some(t),
                    ("dd", _) => None,
                    _ if from_stdin && positional.len() >= 2 => {
                        positional.last().map(|w| w.text.clone())
                    }
                    _ => None,
                };
                match target {
                    Some(t) => (cmd.stdin_text.clone().or_else(piped), vec![(t, false)]),
                    None if cmd.name() == "dd" => {
                        // `dd if=/tmp/a of=/tmp/z`: a copy.
                        let operand = |k: &str| {
                            args.iter()
                                .find_map(|a| a.text.strip_prefix(k).map(str::to_string))
                        };
                        match (operand("if="), operand("of=")) {
                            (Some(from), Some(to)) => (self.lookup_file(&from), vec![(to, false)]),
                            _ => return,
                        }
                    }
                    None => match copied_file(&positional) {
                        // `cp a.sh b.sh`, `mv /tmp/a /tmp/build.sh`, `ln -s /tmp/a b.sh`; a copy
                        // of a download is a download too (`install /tmp/x /usr/local/bin/x`).
                        Some((from, to)) => {
                            let content = self.lookup_file(from);
                            if self.downloads.contains(file_key(from)) {
                                self.record_written(idx, content, vec![(to.clone(), false)]);
                                self.downloads.insert(file_key(&to).to_string());
                                return;
                            }
                            (content, vec![(to, false)])
                        }
                        None => return,
                    },
                }
            }
            // `grep -v '^#' > s.sh <<'EOF' … EOF`, `sed -n 2p`, `tail -n +2`: a filter of known
            // input writing a file. What it prints exactly when that is modelled, else its whole
            // input (a line filter prints a part of it: judging all of it misses nothing).
            name if super::transforms::TEXT_FILTERS.contains(&name) => {
                let Some(input) = cmd.stdin_text.clone().or_else(piped) else {
                    // `jq -rn '"…"' > f`: no input, output fixed by the code.
                    if cmd.redirects.iter().any(|r| r.writes_stdout()) {
                        self.record_written(idx, printed_text(cmd, false), Vec::new());
                    }
                    return;
                };
                let out = super::transforms::filtered(cmd, &input.text)
                    .unwrap_or_else(|| input.text.clone());
                (Some(Word { text: out, ..input }), Vec::new())
            }
            // `jq -rn '"…"' > f`, `awk 'BEGIN{print …}' > f`: a generator whose code fixes its
            // output.
            _ if cmd.redirects.iter().any(|r| r.writes_stdout()) => {
                match printed_text(cmd, false) {
                    Some(w) => (Some(w), Vec::new()),
                    None => return,
                }
            }
            _ => return,
        };
        self.record_written(idx, content, targets);
    }

    /// The URL whose response command `idx` (an `echo` or `printf`) prints through a
    /// substitution: `echo "$(curl -s URL)"`.
    fn printed_download(&self, idx: usize) -> Option<String> {
        let cmd = &self.out.commands[idx];
        // Only the response itself (`export IP=$(curl -s ifconfig.me)` writes a value).
        let printed = match cmd.args() {
            [printed] => printed,
            [format, printed]
                if cmd.name() == "printf"
                    && matches!(format.text.as_str(), "%s" | "%s\\n" | "%s\n") =>
            {
                printed
            }
            _ => return None,
        };
        let whole = (printed.text.starts_with("$(") && printed.text.ends_with(')'))
            || (printed.text.starts_with('`') && printed.text.ends_with('`'));
        if !whole {
            return None;
        }
        printed.subs.iter().find_map(|&id| {
            self.substitution_top(id)
                .find_map(super::sinks::stdout_download)
        })
    }

    /// An in-place edit (`sed -i`, `perl -pi`) of a file the input did not write (`file`, or the
    /// edit's last file when `None`): what the edit inserts or substitutes in is at least part of
    /// that file when it runs later.
    fn record_unwritten_edit(&mut self, idx: usize, file: Option<String>, at: Span) {
        let Some(edit) = super::sinks::edit_in_place(&self.out.commands[idx]) else {
            return;
        };
        let Some(file) = file.or_else(|| edit.files.last().cloned()) else {
            return;
        };
        if edit.added.is_empty() || self.lookup_file(&file).is_some() {
            return;
        }
        let text = Word::literal(edit.added.join("\n") + "\n", at);
        self.record_written(idx, Some(text), vec![(file, false)]);
    }

    /// Remember `content` as what command `idx` wrote to `targets` and to its output redirections
    /// (appended where the flag says so).
    fn record_written(&mut self, idx: usize, content: Option<Word>, targets: Vec<(String, bool)>) {
        let Some(content) = content else {
            return;
        };
        let mut targets = targets;
        targets.extend(
            self.out.commands[idx]
                .redirects
                .iter()
                .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1 && !r.target.dynamic)
                .map(|r| (r.target.text.clone(), r.op.contains(">>"))),
        );
        let targets: Vec<(String, bool)> = targets
            .into_iter()
            .flat_map(|(path, append)| {
                let key = file_key(&path).to_string();
                let under_cwd = self.key_under_cwd(&key).map(|k| (k, append));
                std::iter::once((key, append)).chain(under_cwd)
            })
            .collect();
        if content.text.len() > MAX_FILE_BYTES {
            // Not kept: judged by the gaps analyzer if something later uses the file.
            for (key, _) in targets {
                self.files.remove(&key);
                self.out.oversized_files.push((key, content.span, idx));
            }
            return;
        }
        for (key, append) in targets {
            self.downloads.remove(&key);
            match self.files.get_mut(&key) {
                Some(existing)
                    if append && existing.text.len() + content.text.len() <= MAX_FILE_BYTES =>
                {
                    existing.text.push_str(&content.text);
                }
                _ => {
                    self.files.insert(key, content.clone());
                }
            }
        }
    }

    /// `curl URL > f`, `wget -qO- URL >> ~/.bashrc`: the file holds whatever the server sends
    /// (recorded like `curl -o f URL`).
    pub(crate) fn record_download_redirect(&mut self, idx: usize) {
        let cmd = &self.out.commands[idx];
        if !matches!(cmd.name(), "curl" | "wget") {
            return;
        }
        let Some(url) = super::sinks::url_operand(cmd.args()) else {
            return;
        };
        self.record_stdout_download(idx, &url);
    }

    /// Command `idx` writes what it prints (the download from `url`) to each of its stdout
    /// redirections.
    fn record_stdout_download(&mut self, idx: usize, url: &str) {
        let cmd = &self.out.commands[idx];
        // Spanning the whole command, so what the redirection itself triggers is not repeated.
        let at = Word {
            span: cmd.span,
            ..cmd.argv.first().cloned().unwrap_or_default()
        };
        let targets: Vec<(String, bool)> = cmd
            .redirects
            .iter()
            .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1 && !r.target.dynamic)
            .map(|r| (r.target.text.clone(), r.op.contains(">>")))
            .collect();
        let name = cmd.name().to_string();
        for (path, append) in targets {
            self.record_download(&name, &path, url, append, &at);
        }
    }

    /// `curl URL | base64 -d > FILE`, `curl URL | gunzip > FILE`: the last stage of a pipeline
    /// that starts with a download writes what the server sent, transformed, to its redirection.
    pub(crate) fn record_download_through_pipe(&mut self, idx: usize, first: usize) {
        let cmd = &self.out.commands[idx];
        let Some(pos) = cmd.pipes.last().filter(|p| p.stage > 0) else {
            return;
        };
        let url = self.out.commands[first..idx].iter().find_map(|c| {
            c.pipes
                .last()
                .filter(|p| p.pipeline == pos.pipeline && p.stage < pos.stage)
                .and_then(|_| super::sinks::stdout_download(c))
        });
        if let Some(url) = url {
            self.record_stdout_download(idx, &url);
        }
    }

    /// `curl URL | tee [-a] FILE…` (also under `sudo`), `curl URL | install -m755 /dev/stdin
    /// FILE`: each file receives the download.
    pub(crate) fn record_piped_download(&mut self, first: usize, url: &str) {
        let tees: Vec<(Vec<(String, bool)>, Word)> = self.out.commands[first..]
            .iter()
            .filter(|c| c.depth == self.depth)
            .filter(|c| {
                c.name() == "tee"
                    || matches!(c.name(), "install" | "cp")
                        && c.args()
                            .iter()
                            .any(|a| a.text == "/dev/stdin" || a.text == "-")
            })
            .map(|c| {
                let append = c
                    .args()
                    .iter()
                    .any(|a| a.text == "-a" || a.text == "--append");
                let mut operands = c
                    .args()
                    .iter()
                    .filter(|a| !a.text.starts_with('-') && !a.dynamic);
                let files = if c.name() == "tee" {
                    operands.map(|a| (a.text.clone(), append)).collect()
                } else {
                    operands
                        .next_back()
                        .map(|a| (a.text.clone(), false))
                        .into_iter()
                        .collect()
                };
                let at = Word {
                    span: c.span,
                    ..c.argv[0].clone()
                };
                (files, at)
            })
            .collect();
        for (files, at) in tees {
            for (path, append) in files {
                self.record_download("tee", &path, url, append, &at);
            }
        }
    }

    /// A download from `url` written to `path`: the file holds whatever the server sends. It is
    /// recorded as the equivalent download-and-run, so a download written into a start-up file is
    /// judged as persistent fetch-and-run; running it later is reported by the remote-code
    /// analyzer as a download run (see [`Self::run_written_file`]).
    pub(crate) fn record_download(
        &mut self,
        program: &str,
        path: &str,
        url: &str,
        append: bool,
        at: &Word,
    ) {
        let step = format!("{program} writes a file");
        let content = super::sinks::downloaded_text(url);
        self.synthetic_write(&step, path, Some(content), append, at);
        self.downloads.insert(file_key(path).to_string());
    }

    /// A file written earlier in the input is run (`sh f`, `. f`, `./f`): walk its content.
    pub(crate) fn run_written_file(&mut self, file: &Word, lang: Lang, how: &str) {
        if self.downloads.contains(file_key(&file.text)) {
            return;
        }
        self.run_file(file, Format::Code(lang), how);
    }

    fn run_file(&mut self, file: &Word, format: Format, how: &str) {
        // `source <(echo CODE)`, `bash <(printf …)`: the file is a process substitution whose
        // output is known.
        if let [id] = file.subs.as_slice() {
            if file.is_process_file() {
                if let Some(text) = self.literal_output(*id) {
                    let content = Word {
                        text,
                        subs: Vec::new(),
                        dynamic: false,
                        ..file.clone()
                    };
                    self.run_content(file, content, format, how);
                    return;
                }
            }
        }
        if file.text.contains('*') && file.subs.is_empty() {
            // Every written file of a kind the program reads, in any directory (`go generate`
            // reads each `*.go`, pytest each `test_*.py`).
            let anywhere = format!("*/{}", file.text);
            let was = std::mem::replace(&mut self.in_imported_module, true);
            for key in self.written_matching(&[&file.text, &anywhere]) {
                let Some(content) = self.files.get(&key).cloned() else {
                    continue;
                };
                if !self
                    .modules_walked
                    .insert((key.clone(), content.text.len()))
                {
                    continue;
                }
                let named = Word {
                    text: key,
                    ..file.clone()
                };
                self.run_content(&named, content, format, how);
            }
            self.in_imported_module = was;
            return;
        }
        let Some(content) = self.lookup_file(&file.text) else {
            return;
        };
        self.run_content(file, content, format, how);
    }

    /// A shell script written earlier, run with `$0` bound to its path.
    fn run_shell_file(&mut self, file: &Word, content: &Word) {
        let me = file_key(&file.text).to_string();
        self.run_once(
            file,
            content.span,
            |c| runs_file(c, &me),
            |w| {
                w.inject_arg0 = Some(file.clone());
                w.nested_code(content, Origin::Heredoc);
                w.inject_arg0 = None;
            },
        );
    }

    /// Walk a file's code once even when it runs itself (a script calling `"$0"`, a recipe
    /// calling `$(MAKE)`). A file that starts itself twice, in the background or in a pipeline
    /// (`"$0" & "$0"`, `sh $0 | sh $0 &`, `$(MAKE) & $(MAKE)`), is a fork bomb just as a
    /// function calling itself that way is.
    fn run_once(
        &mut self,
        file: &Word,
        span: Span,
        calls_itself: impl Fn(&Command) -> bool,
        walk: impl FnOnce(&mut Self),
    ) {
        let me = file_key(&file.text).to_string();
        if self.running_files.contains(&me) {
            return;
        }
        let first = self.out.commands.len();
        let depth = self.depth + 1;
        self.running_files.push(me);
        walk(self);
        self.running_files.pop();
        let calls: Vec<&Command> = self.out.commands[first..]
            .iter()
            .filter(|c| c.depth == depth && calls_itself(c))
            .collect();
        let piped = calls.iter().filter(|c| !c.pipes.is_empty()).count();
        let background = calls.iter().any(|c| c.background);
        if piped >= 2 || (background && calls.len() >= 2) || (piped >= 1 && background) {
            self.out.effects.push(Effect {
                kind: EffectKind::ForkLoop,
                span,
                detail: format!("{} (it starts copies of itself)", file.text),
            });
        }
    }

    fn run_content(&mut self, file: &Word, content: Word, format: Format, how: &str) {
        let step = format!("file {} written earlier and {how}", file.text);
        self.with_step(&step, |w| match format {
            Format::Code(Lang::Shell) => w.run_shell_file(file, &content),
            // A module a runner imports that starts the runner again (a noxfile session running
            // pytest, which imports every written module) is read once.
            Format::Code(lang) => w.run_once(
                file,
                content.span,
                |_| false,
                |w| w.interp_code(lang, &content, &interp::Inputs::default()),
            ),
            Format::Make => {
                let goals = std::mem::take(&mut w.make_goals);
                let code = Word {
                    text: super::sinks::makefile_recipes_for(&content.text, &goals),
                    ..content.clone()
                };
                // `$(MAKE)` in a recipe runs this makefile again.
                let again = |c: &Command| {
                    c.name() == "make" && !c.args().iter().any(|a| a.text.starts_with("-f"))
                };
                w.run_once(file, content.span, again, |w| {
                    w.nested(&code, None, Origin::Sink)
                });
            }
            // A script that runs the package manager again (`"build": "npm run a"`) reads the
            // same package.json: walked once per chain, like a makefile calling `$(MAKE)`.
            Format::JsonScripts => {
                if let Some(text) = format.command_lines(&content.text) {
                    let code = Word {
                        text,
                        ..content.clone()
                    };
                    // Scripts starting each other in the background (`"dev": "npm run a & npm
                    // run b"`) are how dev servers run side by side, not a fork loop.
                    w.run_once(
                        file,
                        content.span,
                        |_| false,
                        |w| w.nested(&code, None, Origin::Sink),
                    );
                }
            }
            Format::Recipes
            | Format::Lines
            | Format::Dockerfile
            | Format::Strings
            | Format::Procfile
            | Format::Nix
            | Format::Bang
            | Format::M4
            | Format::CMake
            | Format::GoGenerate
            | Format::Escapes
            | Format::SshConfig
            | Format::Tmpfiles
            | Format::Notebook
            | Format::Sql => {
                // A file whose commands start the program that reads it again (`ProxyCommand
                // ssh -W %h:%p bastion` in ~/.ssh/config) is read once.
                let me = file_key(&file.text).to_string();
                if w.running_files.contains(&me) {
                    return;
                }
                if let Some(text) = format.command_lines(&content.text) {
                    let code = Word {
                        text,
                        ..content.clone()
                    };
                    w.running_files.push(me);
                    w.walk_command_lines(format, &content, &code);
                    w.running_files.pop();
                }
            }
            Format::Awk if super::sinks::awk_too_long(&content.text) => {
                w.interp_code(Lang::Other, &content, &interp::Inputs::default())
            }
            Format::Sed | Format::Awk => {
                let cmds = if format == Format::Sed {
                    sed_exec_commands(&content.text, None)
                } else {
                    awk_commands(&content.text, &Default::default(), None)
                };
                for c in cmds.into_iter().flatten() {
                    let code = Word {
                        text: c,
                        ..content.clone()
                    };
                    w.nested(&code, None, Origin::Sink);
                }
            }
        });
    }

    /// The command lines of a file in one of the line formats, walked where they run.
    fn walk_command_lines(&mut self, format: Format, content: &Word, code: &Word) {
        // A compose file or pod spec mounting host paths: its commands see the host's files
        // under the mount points.
        let (mounts, contained) = match format {
            Format::Lines => (
                super::manifest_mounts::document_mounts(&content.text),
                super::manifest_mounts::runs_in_containers(&content.text),
            ),
            _ => (Vec::new(), false),
        };
        if mounts.is_empty() && !contained {
            self.nested(code, None, Origin::Sink);
            return;
        }
        let mut place = self.place.clone();
        if let Some(root) = mounts.iter().find(|(_, h)| h == "/") {
            let label = place.label.get_or_insert_with(|| "in a container".into());
            label.push_str(&format!(" with the host's / mounted at {}", root.0));
        }
        place.mounts = mounts;
        place.isolated = true;
        let saved = std::mem::replace(&mut self.place, place);
        self.nested(code, None, Origin::Sink);
        self.place = saved;
    }
}

/// `cmd` runs the script at `path`: as the program itself (`./x.sh`, `"$0"`) or as a shell's
/// script operand (`bash x.sh`, `sh "$0"`).
fn runs_file(cmd: &Command, path: &str) -> bool {
    let is = |w: &Word| !w.dynamic && file_key(&w.text) == path;
    cmd.invoked_as.as_deref().map(file_key) == Some(path)
        || cmd.argv.first().is_some_and(is)
        || matches!(super::nested::shell_invocation(cmd), Some(super::nested::ShellInvocation::Script(f)) if is(f))
}

/// `SRC DEST` of a two-operand copy, move or link: the destination's path (a directory, written
/// with a trailing `/`, gets the source's name).
fn copied_file<'a>(positional: &[&'a Word]) -> Option<(&'a str, String)> {
    let [from, to] = positional else {
        return None;
    };
    if from.dynamic || to.dynamic {
        return None;
    }
    let dest = match to.text.strip_suffix('/') {
        Some(dir) => format!(
            "{dir}/{}",
            from.text.rsplit('/').next().unwrap_or(&from.text)
        ),
        None => to.text.clone(),
    };
    Some((from.text.as_str(), dest))
}

/// The goals asked of `make` when `cmd` is a make reading a makefile in `format`.
fn make_goals_of(cmd: &Command, format: Format) -> Vec<String> {
    if format == Format::Make && matches!(cmd.name(), "make" | "gmake") {
        super::sinks::make_goals(cmd.args())
    } else {
        Vec::new()
    }
}

/// `sed -i`, `sed --in-place`, `sed -i.bak`: the file operand is edited in place.
fn sed_in_place(flag: &str) -> bool {
    flag == "-i" || flag == "--in-place" || flag.starts_with("-i.")
}
