//! Emitting commands: wrapper stripping and re-parsing of code hidden inside arguments
//! (`bash -c STRING`, `eval ARGS`, `su -c`, `alias`, `watch`, `find -exec`, here-strings fed to a shell).

use super::ir::*;
use super::walk::{CmdCtx, SpanMap, Walker};
use super::wrappers::{self, Unwrap};

/// Shells whose `-c STRING` is shell code we can parse.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "yash", "posh", "fish", "rbash", "csh",
    "tcsh",
];

/// Keywords that can only close or continue a compound command; bash rejects them as commands.
const RESERVED_OUT_OF_PLACE: &[&str] = &[
    "fi", "then", "else", "elif", "done", "do", "esac", "}", "in",
];

/// Programs whose output is shell set-up code they generate themselves (`eval "$(ssh-agent -s)"`).
const SHELL_CODE_GENERATORS: &[&str] = &[
    "ssh-agent",
    "direnv",
    "pyenv",
    "rbenv",
    "nodenv",
    "jenv",
    "goenv",
    "plenv",
    "starship",
    "zoxide",
    "brew",
    "fnm",
    "mise",
    "rtx",
    "conda",
    "mamba",
    "micromamba",
    "thefuck",
    "dircolors",
    "keychain",
    "gpg-agent",
    "opam",
    "rustup",
    "kubectl",
    "helm",
    "gh",
    "register-python-argcomplete",
    "atuin",
    "mcfly",
    "fzf",
    "nvm",
    "pipenv",
    "poetry",
    "uv",
    "just",
    "deno",
    "volta",
];

/// How a shell was invoked.
#[derive(Debug, PartialEq)]
pub enum ShellInvocation<'a> {
    /// `sh -c CODE`.
    Code(&'a Word),
    /// `sh FILE`.
    Script(&'a Word),
    /// `sh`, `sh -s`, `sh -`: reads its program from stdin.
    Stdin,
}

/// If `cmd` runs a shell, how it gets its program.
pub fn shell_invocation(cmd: &Command) -> Option<ShellInvocation<'_>> {
    let name = cmd.name();
    if !SHELLS.contains(&name) {
        return None;
    }
    let mut has_c = false;
    let mut reads_stdin = false;
    let args = cmd.args();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-" {
            return Some(ShellInvocation::Stdin);
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            if a.starts_with("--") {
                if matches!(a, "--rcfile" | "--init-file" | "--command") {
                    if a == "--command" {
                        has_c = true;
                    } else {
                        i += 1;
                    }
                }
            } else {
                let flags = &a[1..];
                if flags.contains('c') && a.starts_with('-') {
                    has_c = true;
                }
                if flags.contains('s') && a.starts_with('-') {
                    reads_stdin = true;
                }
                if flags.ends_with('o') || flags.ends_with('O') {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        break;
    }
    match args.get(i) {
        Some(w) if has_c => Some(ShellInvocation::Code(w)),
        Some(_) if reads_stdin => Some(ShellInvocation::Stdin),
        Some(w) if w.text == "/dev/stdin" => Some(ShellInvocation::Stdin),
        Some(w) => Some(ShellInvocation::Script(w)),
        None if has_c => None,
        None => Some(ShellInvocation::Stdin),
    }
}

/// True when the command runs code that it reads from its standard input.
pub fn reads_code_from_stdin(cmd: &Command) -> bool {
    match shell_invocation(cmd) {
        Some(ShellInvocation::Stdin) => true,
        Some(_) => false,
        None => {
            matches!(cmd.name(), "source" | ".")
                && cmd
                    .args()
                    .first()
                    .is_some_and(|a| a.text == "/dev/stdin" || a.text == "-")
        }
    }
}

/// Canonical program name: the base name of a path.
fn base_name(text: &str) -> &str {
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() {
        return text;
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

impl Walker {
    /// Strip wrappers, record the command(s), then look inside for nested code.
    pub(crate) fn emit(&mut self, mut argv: Vec<Word>, mut ctx: CmdCtx) {
        if argv.is_empty() {
            if !ctx.assignments.is_empty() || !ctx.redirects.is_empty() {
                self.push_command(argv, &ctx);
            }
            return;
        }
        let mut wrappers_seen: Vec<String> = Vec::new();
        let mut parent: Option<usize> = None;
        loop {
            self.canonical_name(&mut argv[0]);
            let unwrapped = if wrappers_seen.len() < 16 {
                wrappers::unwrap(&argv)
            } else {
                Unwrap::None
            };
            match unwrapped {
                Unwrap::None => break,
                Unwrap::Inner {
                    wrapper_len,
                    inner,
                    inner_end,
                    assignments,
                } => {
                    let idx = self.push_wrapper(&argv[..wrapper_len], &ctx, &wrappers_seen, parent);
                    wrappers_seen.push(argv[0].text.clone());
                    parent = Some(idx);
                    ctx.assignments.extend(assignments);
                    argv = argv[inner..inner_end].to_vec();
                }
                Unwrap::Code { wrapper_len, code } => {
                    self.push_wrapper(&argv[..wrapper_len], &ctx, &wrappers_seen, parent);
                    self.nested_code(&code, Origin::SplitString);
                    return;
                }
            }
        }
        let idx = self.push_command(argv, &ctx);
        self.out.commands[idx].wrappers = wrappers_seen;
        self.out.commands[idx].wrapped_by = parent;
        self.look_inside(idx, &ctx);
    }

    fn push_wrapper(
        &mut self,
        argv: &[Word],
        ctx: &CmdCtx,
        seen: &[String],
        parent: Option<usize>,
    ) -> usize {
        let idx = self.push_command(argv.to_vec(), ctx);
        self.out.commands[idx].wrappers = seen.to_vec();
        self.out.commands[idx].wrapped_by = parent;
        idx
    }

    /// Reduce argv[0] to its base name and report names that cannot be known statically.
    fn canonical_name(&mut self, w: &mut Word) {
        if !w.subs.is_empty() || (w.dynamic && w.text.contains('$')) {
            self.gap(
                GapKind::DynamicCommand,
                "the program name is computed at run time",
                w.span,
            );
        } else if w.glob {
            self.gap(
                GapKind::DynamicCommand,
                "the program name is a glob pattern",
                w.span,
            );
        }
        if !w.quoted && !w.dynamic && RESERVED_OUT_OF_PLACE.contains(&w.text.as_str()) {
            self.gap(
                GapKind::ParseError,
                "a shell keyword where a command should be",
                w.span,
            );
        }
        let base = base_name(&w.text).to_string();
        w.text = base;
    }

    /// Re-parse code held in a word, verbatim-mapped when the input holds it unchanged.
    pub(crate) fn nested_code(&mut self, code: &Word, origin: Origin) {
        if !code.subs.is_empty() {
            if self.generated_by_known_tools(&code.subs) {
                return; // `eval "$(ssh-agent -s)"`: set-up code from a known tool
            }
            self.gap(
                GapKind::DynamicCode,
                "shell code is produced at run time by a command substitution",
                code.span,
            );
            return;
        }
        let verbatim = self.verbatim_map(code);
        self.nested(code, verbatim, origin);
    }

    /// True when every command inside these substitutions is a known shell set-up generator.
    fn generated_by_known_tools(&self, subs: &[usize]) -> bool {
        subs.iter().all(|&id| {
            let (start, end) = self.out.substitutions[id].commands;
            let mut inside = self.out.commands[start..end].iter();
            let mut any = false;
            let all = inside.all(|c| {
                any = true;
                SHELL_CODE_GENERATORS.contains(&c.name()) && !c.argv.iter().any(|w| w.dynamic)
            });
            any && all
        })
    }

    pub(crate) fn verbatim_map(&self, code: &Word) -> Option<SpanMap> {
        let input = self.input.as_ref()?;
        let raw = input.get(code.span.0..code.span.1)?;
        for (open, close) in [("'", "'"), ("\"", "\""), ("", "")] {
            if let Some(inner) = raw.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                if inner == code.text {
                    return Some(SpanMap::Offset(code.span.0 + open.len()));
                }
            }
        }
        None
    }

    /// Nested code inside the command at `idx`: `sh -c`, `eval`, `su -c`, `alias`, `watch`,
    /// `find -exec`, and here-strings fed to a shell.
    fn look_inside(&mut self, idx: usize, ctx: &CmdCtx) {
        let cmd = self.out.commands[idx].clone();
        let args = cmd.args();
        match cmd.name() {
            "eval" if !args.is_empty() => {
                let code = join_words(args);
                self.nested_code(&code, Origin::Eval);
            }
            "alias" => {
                for a in args {
                    if let Some((_, value)) = a.text.split_once('=') {
                        let mut w = a.clone();
                        w.text = value.to_string();
                        self.nested(&w, None, Origin::ShellString);
                    }
                }
            }
            "su" | "runuser" => {
                if let Some(code) = option_value(args, &["-c", "--command"]) {
                    self.nested_code(&code, Origin::ShellString);
                }
            }
            "watch" => {
                let start = args
                    .iter()
                    .position(|a| {
                        !a.text.starts_with('-')
                            && !a.text.chars().all(|c| c.is_ascii_digit() || c == '.')
                    })
                    .unwrap_or(args.len());
                if start < args.len() {
                    let code = join_words(&args[start..]);
                    self.nested_code(&code, Origin::ShellString);
                }
            }
            "find" => self.find_exec(&cmd, ctx),
            _ => {}
        }
        match shell_invocation(&cmd) {
            Some(ShellInvocation::Code(code)) => {
                let code = code.clone();
                self.nested_code(&code, Origin::ShellString);
            }
            Some(ShellInvocation::Stdin) => {
                if let Some(text) = &cmd.stdin_text {
                    let text = text.clone();
                    self.nested_code(&text, Origin::Heredoc);
                }
            }
            _ => {}
        }
    }

    /// `find … -exec CMD {} ;` runs CMD for every match.
    fn find_exec(&mut self, cmd: &Command, ctx: &CmdCtx) {
        let args = cmd.args();
        let mut i = 0;
        while i < args.len() {
            if matches!(
                args[i].text.as_str(),
                "-exec" | "-execdir" | "-ok" | "-okdir"
            ) {
                let start = i + 1;
                let end = args[start..]
                    .iter()
                    .position(|a| a.text == ";" || a.text == "+")
                    .map(|p| p + start)
                    .unwrap_or(args.len());
                if end > start {
                    let inner_ctx = CmdCtx {
                        redirects: Vec::new(),
                        stdin_text: None,
                        ..ctx.clone()
                    };
                    let matched = find_match_placeholder(args);
                    let inner = args[start..end]
                        .iter()
                        .map(|a| {
                            let mut a = a.clone();
                            if a.text.contains("{}") {
                                a.text = a.text.replace("{}", &matched);
                            }
                            a
                        })
                        .collect();
                    self.emit(inner, inner_ctx);
                }
                i = end;
            }
            i += 1;
        }
    }
}

/// What `{}` stands for in `find START … -name NAME -exec CMD {}`: `START/NAME` when the name
/// is a plain literal, `START/{}` otherwise (a path somewhere under START).
fn find_match_placeholder(args: &[Word]) -> String {
    let start = args
        .first()
        .filter(|a| !a.text.starts_with('-') && a.text != "(" && a.text != "!")
        .map(|a| a.text.trim_end_matches('/').to_string())
        .unwrap_or_else(|| ".".to_string());
    let start = if start.is_empty() {
        "/".to_string()
    } else {
        start
    };
    let name = args
        .windows(2)
        .find(|w| w[0].text == "-name" || w[0].text == "-iname")
        .map(|w| w[1].text.clone())
        .filter(|n| !n.contains('/') && !n.contains('*') && !n.contains('?') && !n.is_empty());
    let sep = if start.ends_with('/') { "" } else { "/" };
    match name {
        Some(n) => format!("{start}{sep}{n}"),
        None => format!("{start}{sep}{{}}"),
    }
}

/// Join words with spaces into one word spanning all of them.
pub(crate) fn join_words(words: &[Word]) -> Word {
    let mut out = words[0].clone();
    for w in &words[1..] {
        out.text.push(' ');
        out.text.push_str(&w.text);
        out.span.1 = w.span.1;
        out.dynamic |= w.dynamic;
        out.subs.extend(w.subs.iter().copied());
    }
    out
}

/// The value of an option given as `-c VALUE`, `--command=VALUE` or `--command VALUE`.
fn option_value(args: &[Word], names: &[&str]) -> Option<Word> {
    for (i, a) in args.iter().enumerate() {
        for n in names {
            if a.text == *n {
                return args.get(i + 1).cloned();
            }
            if let Some(v) = a.text.strip_prefix(&format!("{n}=")) {
                let mut w = a.clone();
                w.text = v.to_string();
                return Some(w);
            }
        }
    }
    None
}
