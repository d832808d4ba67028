//! The intermediate representation: what a piece of shell input will execute.
//!
//! Every simple command that can run — at top level, inside pipelines, lists, compound statements,
//! function bodies, substitutions, `bash -c` strings, `eval` arguments or heredocs fed to a shell —
//! becomes one [`Command`] with its canonical argv. Analyzers only ever look at this form.

use crate::findings::Span;

/// One shell word after quote removal and expansion of what can be known statically.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    /// Canonical value. Expansions that cannot be resolved are kept as `$NAME` or `$(…)`.
    pub text: String,
    /// Where the word sits in the input.
    pub span: Span,
    /// Contains an expansion whose value is unknown.
    pub dynamic: bool,
    /// Ids of command or process substitutions whose output flows into this word.
    pub subs: Vec<usize>,
    /// Contains an unquoted glob character (`*`, `?`, `[`).
    pub glob: bool,
    /// Some part of the word was quoted.
    pub quoted: bool,
    /// The word starts with a `~` the shell does not expand (`'~'`, `"~"`, `\~`): a file named
    /// `~`, when the word reaches a program as it is.
    pub literal_tilde: bool,
}

impl Word {
    /// A file named by a process substitution (`<(cmd)`, or its `/dev/fd/N` once resolved).
    pub(crate) fn is_process_file(&self) -> bool {
        self.text.starts_with("<(") || self.text.starts_with("/dev/fd/")
    }

    /// Appends `other` to this word: its text, and what its parts say (dynamic, glob, quoted,
    /// substitutions). The span is left to the caller.
    pub fn append(&mut self, other: Word) {
        self.text.push_str(&other.text);
        self.dynamic |= other.dynamic;
        self.glob |= other.glob;
        self.quoted |= other.quoted;
        self.subs.extend(other.subs);
    }

    /// A plain literal word at `span`, for commands the walker derives from what it read.
    pub fn literal(text: impl Into<String>, span: Span) -> Word {
        Word {
            text: text.into(),
            span,
            ..Word::default()
        }
    }
}

/// A redirection attached to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written: `>`, `>>`, `<`, `&>`, `>|`, `<>`, ...
    pub op: String,
    /// Explicit file descriptor, when given (`2>`).
    pub fd: Option<u32>,
    /// The target file or descriptor.
    pub target: Word,
}

impl Redirect {
    /// True when the redirection writes to its target.
    pub fn writes(&self) -> bool {
        self.op.contains('>') && !self.target.text.starts_with('&')
    }

    /// True when the redirection sends standard output to a file (`>f`, `1>>f`, `&>f`), so
    /// it no longer reaches the next pipeline stage; `2>/dev/null` does not.
    pub fn writes_stdout(&self) -> bool {
        self.writes() && (self.fd.unwrap_or(1) == 1 || self.op.starts_with('&'))
    }
}

/// Where a command's code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Directly in the scanned input.
    Input,
    /// A string run by `sh -c`, `su -c` and friends.
    ShellString,
    /// Arguments of `eval`.
    Eval,
    /// A heredoc or here-string fed to a shell.
    Heredoc,
    /// `env -S` / `--split-string`.
    SplitString,
    /// Code found through the code-sink table (`rules/sinks.toml`) or inside interpreter code.
    Sink,
}

/// Position of a command in a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipePos {
    /// Pipeline id (index into [`Script::pipelines`]).
    pub pipeline: usize,
    /// Stage index, 0 = first.
    pub stage: usize,
}

/// One simple command that will execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Canonical argv: argv[0] is the program's base name after wrappers are removed.
    pub argv: Vec<Word>,
    /// Variable assignments written before the command (`FOO=1 cmd`).
    pub assignments: Vec<(String, Word)>,
    /// Redirections.
    pub redirects: Vec<Redirect>,
    /// Text fed on stdin by a heredoc or here-string.
    pub stdin_text: Option<Word>,
    /// Enclosing pipelines, outermost first.
    pub pipes: Vec<PipePos>,
    /// Ids of the substitutions this command runs inside, outermost first.
    pub within: Vec<usize>,
    /// Nesting depth of re-parsed code (0 = the input itself).
    pub depth: usize,
    /// Where the code came from.
    pub origin: Origin,
    /// The whole command's span in the input.
    pub span: Span,
    /// Run in the background with `&`.
    pub background: bool,
    /// Wrappers removed in front of it (`sudo`, `env`, `timeout`, ...), outermost first.
    pub wrappers: Vec<String>,
    /// Index of the command that wraps this one, when it was produced by unwrapping.
    pub wrapped_by: Option<usize>,
    /// Defined as a function body (runs when the function is called).
    pub in_function: bool,
    /// The code sinks this command was found through, and where it runs (`sed.exec`,
    /// `ssh.remote — on host db1 via ssh`), outermost first; `None` for the input's own commands.
    pub via: Option<String>,
    /// The program as written, when it was a path (`./install.sh`, `/usr/bin/rm`).
    pub invoked_as: Option<String>,
    /// The working directory the input set before this command (`cd ~/.aws && …`), when known.
    pub cwd: Option<std::sync::Arc<str>>,
}

impl Command {
    /// The canonical program name (empty for a bare assignment).
    pub fn name(&self) -> &str {
        self.argv.first().map(|w| w.text.as_str()).unwrap_or("")
    }

    /// Arguments after the program name.
    pub fn args(&self) -> &[Word] {
        if self.argv.is_empty() {
            &[]
        } else {
            &self.argv[1..]
        }
    }

    /// The arguments that are not options; a lone `-` (stdin or stdout) is an operand.
    pub fn operands(&self) -> Vec<&str> {
        self.args()
            .iter()
            .map(|a| a.text.as_str())
            .filter(|a| !a.starts_with('-') || *a == "-")
            .collect()
    }

    /// The canonical command line: argv joined by single spaces.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        for (i, w) in self.argv.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&w.text);
        }
        s
    }
}

/// Kind of a substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubstKind {
    /// `$(…)` or backticks: output becomes words.
    Command,
    /// `<(…)`: output readable as a file.
    ProcessIn,
    /// `>(…)`: a file that feeds the command's stdin.
    ProcessOut,
}

/// A command or process substitution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// What kind.
    pub kind: SubstKind,
    /// Where it is.
    pub span: Span,
    /// Indices `[start, end)` of the commands that run inside it (they are recorded contiguously).
    pub commands: (usize, usize),
}

/// A pipeline with its stage count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Number of stages.
    pub stages: usize,
    /// Where it is.
    pub span: Span,
}

/// A place the analysis could not see through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Why it could not be resolved.
    pub kind: GapKind,
    /// Human-readable detail.
    pub detail: String,
    /// Where it is.
    pub span: Span,
}

/// Kinds of [`Gap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// The program name is computed at run time.
    DynamicCommand,
    /// Code run by a shell (`sh -c`, `eval`) is computed at run time.
    DynamicCode,
    /// Interpreter code runs a command or code it decodes on the spot from character codes,
    /// hex, base64, rot13 or XOR: hidden on purpose.
    ObfuscatedCode,
    /// Nesting deeper than the bound.
    DepthExceeded,
    /// The parser could not make sense of part of the input.
    ParseError,
    /// Input larger than the limit.
    TooLarge,
    /// The analysis ran out of its time budget.
    Timeout,
}

/// What interpreter code does without going through a shell command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    /// Code fetched from the network reaches an evaluator.
    FetchExec,
    /// Code read from stdin reaches an evaluator.
    RunsInput,
    /// Processes are created in an unbounded loop.
    ForkLoop,
    /// Memory is allocated in an unbounded loop (a value that doubles, a list that keeps
    /// growing by large blocks).
    MemoryLoop,
    /// Environment secrets or credential files reach a network call.
    SecretToNetwork,
    /// An outbound connection and a shell in the same code (a reverse shell).
    ReverseShell,
    /// One credential variable reaches a request to a host that is not its vendor's.
    SecretVariableToNetwork,
    /// A well-known service's key (`GITHUB_TOKEN`, `OPENAI_API_KEY`) reaches another host.
    VendorSecretElsewhere,
    /// What the code reads on stdin reaches a network send (exfiltration when a secret is piped
    /// in: `src/analyzers/exfil.rs`).
    StdinToNetwork,
}

/// An effect found in interpreter code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// What it does.
    pub kind: EffectKind,
    /// The interpreter code's span in the input.
    pub span: Span,
    /// Where it was found (the sink chain).
    pub detail: String,
}

/// A function defined in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Its whole span.
    pub span: Span,
    /// Commands inside its body that call the function itself, with whether the call is piped or
    /// backgrounded (the fork-bomb shape).
    pub self_calls: Vec<SelfCall>,
    /// Every call inside its body by command name (to find functions that call each other:
    /// `a(){ b|b& }; b(){ a|a& }`).
    pub calls: Vec<(String, SelfCall)>,
}

/// A recursive call inside a function body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelfCall {
    /// The call sits in a pipeline.
    pub piped: bool,
    /// The call (or its pipeline) runs in the background.
    pub background: bool,
}

/// Everything the shell layer learned about one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command that can execute, in source order (re-parsed code after its parent).
    pub commands: Vec<Command>,
    /// Command and process substitutions.
    pub substitutions: Vec<Substitution>,
    /// Pipelines.
    pub pipelines: Vec<Pipeline>,
    /// Places the analysis could not see through.
    pub gaps: Vec<Gap>,
    /// Functions defined in the input.
    pub functions: Vec<Function>,
    /// Effects of interpreter code.
    pub effects: Vec<Effect>,
    /// `stage_members[pipeline][stage]`: indices of the commands in each pipeline stage.
    pub stage_members: Vec<Vec<Vec<usize>>>,
    /// Files the input writes with known content (path as written, without `./`): later
    /// commands that read them (`pip install -r r.txt`) can be judged by that content.
    pub files: std::collections::HashMap<String, Word>,
    /// Files the input writes with more text than the analysis keeps: (path, span of the
    /// content, index of the writing command).
    pub oversized_files: Vec<(String, Span, usize)>,
}

/// What a command's pipeline feeds it (see [`Script::feed`]).
pub struct Feed<'a> {
    /// The command takes the fed lines as operands through `xargs` or `parallel`.
    pub via_xargs: bool,
    /// The commands of the pipeline's earlier stages (empty outside a pipeline).
    pub upstream: Vec<&'a Command>,
}

impl Script {
    /// The known text the input wrote to `path` earlier (`./` prefixes ignored).
    pub fn written_file(&self, path: &str) -> Option<&Word> {
        self.files.get(file_key(path))
    }

    /// Commands that run inside substitution `id` (directly or nested).
    pub fn commands_within(&self, id: usize) -> impl Iterator<Item = &Command> {
        let (start, end) = self.substitutions[id].commands;
        self.commands[start..end.min(self.commands.len())]
            .iter()
            .filter(move |c| c.within.contains(&id))
    }

    /// Commands in stage `stage` of pipeline `pipeline`.
    pub fn stage(&self, pipeline: usize, stage: usize) -> impl Iterator<Item = &Command> {
        self.stage_members
            .get(pipeline)
            .and_then(|p| p.get(stage))
            .into_iter()
            .flatten()
            .map(move |&i| &self.commands[i])
    }

    /// What the earlier stages of `cmd`'s pipeline feed it: the stages before the command's own
    /// (or before the `xargs`/`parallel` that runs it, through any wrappers), and whether it takes
    /// their lines as operands through `xargs`/`parallel` (`… | xargs sudo kill`).
    pub fn feed<'a>(&'a self, cmd: &'a Command) -> Feed<'a> {
        let mut feeder = cmd;
        for _ in 0..16 {
            match feeder.wrapped_by.and_then(|i| self.commands.get(i)) {
                Some(w) if !matches!(feeder.name(), "xargs" | "parallel") => feeder = w,
                _ => break,
            }
        }
        let via_xargs = cmd.wrappers.iter().any(|w| w == "xargs" || w == "parallel")
            || matches!(feeder.name(), "xargs" | "parallel");
        let feeder = if feeder.pipes.is_empty() { cmd } else { feeder };
        let upstream = feeder
            .pipes
            .last()
            .map(|pos| {
                (0..pos.stage)
                    .flat_map(|st| self.stage(pos.pipeline, st))
                    .collect()
            })
            .unwrap_or_default();
        Feed {
            via_xargs,
            upstream,
        }
    }

    /// Build [`Script::stage_members`] from each command's pipeline positions.
    pub fn index_stages(&mut self) {
        let mut members: Vec<Vec<Vec<usize>>> = self
            .pipelines
            .iter()
            .map(|p| vec![Vec::new(); p.stages])
            .collect();
        for (i, c) in self.commands.iter().enumerate() {
            for p in &c.pipes {
                if let Some(stage) = members.get_mut(p.pipeline).and_then(|m| m.get_mut(p.stage)) {
                    stage.push(i);
                }
            }
        }
        self.stage_members = members;
    }
}

/// `text` as one single-quoted shell word.
pub(crate) fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The key of a written file in [`Script::files`]: the path as written, without `./` prefixes.
pub(crate) fn file_key(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p
}
