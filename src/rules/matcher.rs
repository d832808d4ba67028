//! Compiled matchers: a [`MatchSpec`] turned into checks over a canonical [`Command`].

use super::pack::MatchSpec;
use crate::shell::{printed_shape, printed_text, Command};
pub use crate::text::lazy_regex::LazyRegex;

/// A compiled [`MatchSpec`].
#[derive(Debug)]
pub struct Matcher {
    commands_not: Vec<String>,
    commands: Vec<String>,
    value_flags: Vec<String>,
    subcommand: Vec<String>,
    flags_any: Vec<String>,
    flags_all: Vec<String>,
    flags_none: Vec<String>,
    arg: Option<LazyRegex>,
    arg_except: Option<LazyRegex>,
    any_arg_not: Option<LazyRegex>,
    no_arg: Option<LazyRegex>,
    last_arg: Option<LazyRegex>,
    argv: Option<LazyRegex>,
    argv_not: Option<LazyRegex>,
    redirect: Option<LazyRegex>,
    overwrite: Option<LazyRegex>,
    redirect_any: Option<LazyRegex>,
    redirect_except: Option<LazyRegex>,
    stdin: Option<LazyRegex>,
    stdin_not: Option<LazyRegex>,
    assign: Option<LazyRegex>,
    inline_code: Option<LazyRegex>,
    content_except: Option<LazyRegex>,
    content: Option<LazyRegex>,
    cwd: Option<LazyRegex>,
    piped_from_not: Option<LazyRegex>,
}

fn lazy(s: &Option<String>, validate: bool) -> Result<Option<LazyRegex>, String> {
    s.as_deref()
        .map(|x| LazyRegex::new(x, validate).map(|r| r.with_needles(super::regex_needles(x))))
        .transpose()
}

impl Matcher {
    /// Every regex of the matcher (tests compare the two engines on them).
    pub fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        [
            &self.arg,
            &self.arg_except,
            &self.any_arg_not,
            &self.no_arg,
            &self.last_arg,
            &self.argv,
            &self.argv_not,
            &self.redirect,
            &self.overwrite,
            &self.redirect_any,
            &self.redirect_except,
            &self.stdin,
            &self.stdin_not,
            &self.assign,
            &self.inline_code,
            &self.content_except,
            &self.content,
            &self.cwd,
            &self.piped_from_not,
        ]
        .into_iter()
        .flatten()
    }

    /// Compile a spec; with `validate`, regex errors are reported now.
    pub fn compile(spec: &MatchSpec, validate: bool) -> Result<Self, String> {
        let err = |e: String| e;
        Ok(Matcher {
            commands: spec.command.clone(),
            commands_not: spec.command_not.clone(),
            value_flags: spec.value_flags.clone(),
            subcommand: spec.subcommand.clone(),
            flags_any: spec.flags_any.clone(),
            flags_all: spec.flags_all.clone(),
            flags_none: spec.flags_none.clone(),
            arg: lazy(&spec.arg, validate).map_err(err)?,
            arg_except: lazy(&spec.arg_except, validate).map_err(err)?,
            any_arg_not: lazy(&spec.any_arg_not, validate).map_err(err)?,
            no_arg: lazy(&spec.no_arg, validate).map_err(err)?,
            last_arg: lazy(&spec.last_arg, validate).map_err(err)?,
            argv: lazy(&spec.argv, validate).map_err(err)?,
            argv_not: lazy(&spec.argv_not, validate).map_err(err)?,
            redirect: lazy(&spec.redirect, validate).map_err(err)?,
            overwrite: lazy(&spec.overwrite, validate).map_err(err)?,
            redirect_any: lazy(&spec.redirect_any, validate).map_err(err)?,
            redirect_except: lazy(&spec.redirect_except, validate).map_err(err)?,
            stdin: lazy(&spec.stdin, validate).map_err(err)?,
            stdin_not: lazy(&spec.stdin_not, validate).map_err(err)?,
            assign: lazy(&spec.assign, validate).map_err(err)?,
            inline_code: lazy(&spec.inline_code, validate).map_err(err)?,
            content_except: lazy(&spec.content_except, validate).map_err(err)?,
            content: lazy(&spec.content, validate).map_err(err)?,
            cwd: lazy(&spec.cwd, validate).map_err(err)?,
            piped_from_not: lazy(&spec.piped_from_not, validate).map_err(err)?,
        })
    }

    /// Program names this matcher is restricted to (empty: any command).
    pub fn commands(&self) -> &[String] {
        &self.commands
    }

    /// True when the program name is one of ours.
    pub fn name_matches(&self, name: &str) -> bool {
        self.commands.is_empty()
            || self.commands.iter().any(|c| match c.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => c == name,
            })
    }

    /// Is a command this matcher matched exempt by what its pipeline feeds it
    /// (`piped_from_not`)? Asked only after a match: it looks at the other stages.
    pub fn exempt_by_feed(&self, script: &crate::shell::Script, cmd: &Command) -> bool {
        let Some(r) = &self.piped_from_not else {
            return false;
        };
        let Some(pos) = cmd.pipes.last() else {
            return false;
        };
        let stages: Vec<String> = (0..pos.stage)
            .map(|st| {
                let texts: Vec<String> = script
                    .stage(pos.pipeline, st)
                    .filter(|c| c.within == cmd.within)
                    .map(Command::canonical)
                    .collect();
                texts.join(" ; ")
            })
            .collect();
        pos.stage > 0 && r.is_match(&stages.join(" | "))
    }

    /// Does the command satisfy every condition?
    pub fn matches(&self, cmd: &Command) -> bool {
        self.matches_view(&ArgView::new(cmd))
    }

    /// [`Matcher::matches`] over a command's arguments split once for all its candidate rules.
    pub fn matches_view(&self, view: &ArgView) -> bool {
        let cmd = view.cmd;
        if !self.name_matches(cmd.name()) || self.commands_not.iter().any(|n| n == cmd.name()) {
            return false;
        }
        if self.commands.is_empty()
            && self.redirect.is_none()
            && self.overwrite.is_none()
            && self.redirect_any.is_none()
            && self.assign.is_none()
            && self.argv.is_none()
        {
            return false;
        }
        // Cheap conditions first: most commands have no redirection or stdin text at all.
        if (self.redirect.is_some() || self.overwrite.is_some())
            && !cmd.redirects.iter().any(|r| r.writes())
        {
            return false;
        }
        if self.redirect_any.is_some() && cmd.redirects.is_empty() {
            return false;
        }
        if self.stdin.is_some() && cmd.stdin_text.is_none() {
            return false;
        }
        if self.assign.is_some() && cmd.assignments.is_empty() {
            return false;
        }
        let args = &view.args[..];
        // `shutdown --help`, `kubectl delete --help`: the program prints its usage and stops.
        // Only conditions on the argv are void; a redirect or stdin condition still holds.
        if self.redirect.is_none()
            && self.overwrite.is_none()
            && self.redirect_any.is_none()
            && self.stdin.is_none()
            && self.assign.is_none()
            && self.inline_code.is_none()
            && *view.usage.get_or_init(|| asks_for_usage(args))
        {
            return false;
        }
        let own;
        let positionals: &[&str] = if self.value_flags.is_empty() {
            &view.positionals
        } else {
            own = positionals(args, &self.value_flags);
            &own
        };
        if !self.subcommand.is_empty()
            && !positionals
                .first()
                .is_some_and(|p| self.subcommand.iter().any(|s| s == p))
        {
            return false;
        }
        let flags_end = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let flag_args = &args[..flags_end];
        if !self.flags_any.is_empty() && !self.flags_any.iter().any(|f| has_flag(flag_args, f)) {
            return false;
        }
        if !self.flags_all.iter().all(|f| has_flag(flag_args, f)) {
            return false;
        }
        if self.flags_none.iter().any(|f| has_flag(flag_args, f)) {
            return false;
        }
        if let Some(r) = &self.arg {
            let except = self.arg_except.as_ref();
            if !positionals
                .iter()
                .any(|p| r.is_match(p) && !except.is_some_and(|e| e.is_match(p)))
            {
                return false;
            }
        }
        if let Some(r) = &self.any_arg_not {
            if !positionals.iter().any(|p| !r.is_match(p)) {
                return false;
            }
        }
        if let Some(r) = &self.no_arg {
            if positionals.iter().any(|p| r.is_match(p)) {
                return false;
            }
        }
        if let Some(r) = &self.last_arg {
            if !positionals.last().is_some_and(|p| r.is_match(p)) {
                return false;
            }
        }
        if self.argv.is_some() || self.argv_not.is_some() {
            let joined = view.joined.get_or_init(|| args.join(" "));
            if let Some(r) = &self.argv {
                if !r.is_match(joined) {
                    return false;
                }
            }
            if let Some(r) = &self.argv_not {
                if r.is_match(joined) {
                    return false;
                }
            }
        }
        let except = |t: &str| self.redirect_except.as_ref().is_some_and(|x| x.is_match(t));
        if let Some(r) = &self.redirect {
            if !cmd
                .redirects
                .iter()
                .any(|rd| rd.writes() && r.is_match(&rd.target.text) && !except(&rd.target.text))
            {
                return false;
            }
        }
        if let Some(r) = &self.overwrite {
            if !cmd
                .redirects
                .iter()
                .any(|rd| rd.writes() && !rd.op.contains(">>") && r.is_match(&rd.target.text))
            {
                return false;
            }
        }
        if let Some(r) = &self.redirect_any {
            if !cmd
                .redirects
                .iter()
                .any(|rd| r.is_match(&rd.target.text) && !except(&rd.target.text))
            {
                return false;
            }
        }
        if let Some(r) = &self.stdin {
            if !cmd.stdin_text.as_ref().is_some_and(|t| r.is_match(&t.text)) {
                return false;
            }
        }
        if let Some(r) = &self.stdin_not {
            if cmd.stdin_text.as_ref().is_some_and(|t| r.is_match(&t.text)) {
                return false;
            }
        }
        if let Some(r) = &self.assign {
            let except = self.arg_except.as_ref();
            let any = cmd.assignments.iter().any(|(k, v)| {
                let a = format!("{k}={}", v.text);
                r.is_match(&a) && !except.is_some_and(|e| e.is_match(&a))
            });
            if !any {
                return false;
            }
        }
        if let Some(r) = &self.inline_code {
            if !inline_code(cmd).is_some_and(|code| r.is_match(code)) {
                return false;
            }
        }
        if let Some(r) = &self.cwd {
            if !cmd.cwd.as_deref().is_some_and(|d| r.is_match(d)) {
                return false;
            }
        }
        if self.content.is_some() || self.content_except.is_some() {
            // What the command writes: printed text, fed text, or what an in-place edit adds.
            // Unresolved variables stay as `$NAME` text, which an exemption must allow by name.
            let written = printed_text(cmd, true)
                .map(|w| w.text)
                .or_else(|| cmd.stdin_text.as_ref().map(|w| w.text.clone()))
                .or_else(|| crate::shell::sinks::edit_in_place(cmd).map(|e| e.added.join("\n")));
            if let Some(r) = &self.content {
                // With an exemption too, the line that matches must be one it does not exempt
                // (a "Do not `curl | sh`" line among an instruction file's lines).
                let except = self.content_except.as_ref();
                if !written.as_ref().is_some_and(|w| {
                    w.lines()
                        .any(|l| r.is_match(l) && !except.is_some_and(|e| e.is_match(l)))
                }) {
                    return false;
                }
            }
            if let Some(r) = &self.content_except {
                // An exemption may name where a substitution stands (`$(…)`) in a printed line.
                let written = written.or_else(|| printed_shape(cmd).map(|w| w.text));
                // Emptying a file (`echo '' > /etc/rsyslog.conf`) is no exemption.
                // A line of several statements (`export A=1; export B=2`) is harmless when each
                // statement is.
                // So is `export A=1 B=2` when each `export A=1` is.
                let statement_ok = |st: &str| {
                    r.is_match(st)
                        || st.strip_prefix("export ").is_some_and(|rest| {
                            let names = split_unquoted(rest, |b| b == b' ' || b == b'\t');
                            names.len() > 1
                                && names.iter().all(|n| r.is_match(&format!("export {n}")))
                        })
                };
                let harmless = |l: &str| {
                    statement_ok(l) || {
                        let parts = statements(l);
                        parts.len() > 1 && parts.iter().all(|p| statement_ok(p))
                    }
                };
                if written.is_some_and(|w| {
                    let mut lines = w.lines().filter(|l| !l.trim().is_empty()).peekable();
                    lines.peek().is_some() && lines.all(harmless)
                }) {
                    return false;
                }
            }
        }
        true
    }
}

/// The `;`-separated statements of a line of shell (separators inside quotes, escaped or
/// inside `$(…)` do not count), trimmed, blank ones left out.
fn statements(line: &str) -> Vec<&str> {
    split_unquoted(line, |b| b == b';')
}

/// `line` split at the bytes `is_sep` accepts outside quotes, escapes and `$(…)`, pieces
/// trimmed, blank ones left out.
fn split_unquoted(line: &str, is_sep: impl Fn(u8) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quote, mut depth, mut escaped, mut start) = (None, 0usize, false, 0);
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (b, quote) {
            _ if escaped => escaped = false,
            (b'\\', q) if q != Some(b'\'') => escaped = true,
            (b'\'' | b'"', None) => quote = Some(b),
            (b, Some(q)) if b == q => quote = None,
            (b'(', None) => depth += 1,
            (b')', None) => depth = depth.saturating_sub(1),
            (b, None) if depth == 0 && is_sep(b) => {
                out.push(line[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(line[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// A command's arguments as the matchers read them, computed once per command.
pub struct ArgView<'a> {
    cmd: &'a Command,
    /// Argument texts.
    args: Vec<&'a str>,
    /// Positional arguments when no option takes a value.
    positionals: Vec<&'a str>,
    /// The arguments joined by blanks, made on first need.
    joined: std::cell::OnceCell<String>,
    /// [`asks_for_usage`] of the arguments, on first need.
    usage: std::cell::OnceCell<bool>,
}

impl<'a> ArgView<'a> {
    /// Split `cmd`'s arguments.
    pub fn new(cmd: &'a Command) -> Self {
        let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
        let positionals = positionals::<&str>(&args, &[]);
        ArgView {
            cmd,
            args,
            positionals,
            joined: std::cell::OnceCell::new(),
            usage: std::cell::OnceCell::new(),
        }
    }
}

/// `--help` or `--version` before `--`, with nothing but options and plain words (subcommands,
/// resource names) in front of it: GNU-style and subcommand tools print and exit; a BSD tool
/// that stops at the first operand never reaches a path in front (`rm -rf ~ --help` deletes
/// on macOS, so a path before the flag keeps the match).
///
/// `--version` takes a value in some tools (`cargo yank --version 1.0.0 CRATE`), so it counts
/// only with no operand after it.
pub fn asks_for_usage(args: &[&str]) -> bool {
    for (i, a) in args.iter().enumerate() {
        match *a {
            "--" => return false,
            "--help" => return true,
            "--version" => return args[i + 1..].iter().all(|x| x.starts_with('-')),
            _ if a.starts_with('-') => {}
            _ if !a.is_empty()
                && a.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '@')
                })
                && !a.starts_with('.') =>
            {
                continue
            }
            _ => return false,
        }
    }
    false
}

/// Options that introduce inline program text for common interpreters.
const INLINE_CODE_FLAGS: &[&str] = &[
    "-c",
    "-e",
    "-E",
    "-r",
    "-p",
    "--eval",
    "--print",
    "--command",
    "-Command",
    "-command",
];

/// The inline program of an interpreter command: the value of `-c`/`-e`/… or its heredoc.
pub fn inline_code(cmd: &Command) -> Option<&str> {
    let args = cmd.args();
    // `crystal eval CODE`.
    if cmd.name() == "crystal" {
        return match args {
            [verb, code, ..] if verb.text == "eval" => Some(&code.text),
            _ => None,
        };
    }
    if matches!(cmd.name(), "awk" | "gawk" | "mawk" | "nawk") {
        // awk's program is its first operand (after options such as -F, -v).
        let mut i = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if matches!(t, "-F" | "-v" | "-f") {
                i += 2;
                continue;
            }
            if !t.starts_with('-') {
                return Some(t);
            }
            i += 1;
        }
        return None;
    }
    for (i, a) in args.iter().enumerate() {
        if INLINE_CODE_FLAGS.contains(&a.text.as_str()) {
            return args.get(i + 1).map(|w| w.text.as_str());
        }
        // Bundled short options ending in the code flag: `perl -ne`, `python3 -Ic`.
        let t = a.text.as_str();
        if t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && (t.ends_with('c') || t.ends_with('e') || t.ends_with('E'))
            && t[1..].chars().all(|c| c.is_ascii_alphabetic())
        {
            return args.get(i + 1).map(|w| w.text.as_str());
        }
    }
    cmd.stdin_text.as_ref().map(|w| w.text.as_str())
}

/// Positional arguments: not options, not values of `value_flags`; everything after `--`.
pub fn positionals<'a, F: AsRef<str>>(args: &[&'a str], value_flags: &[F]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_dashes = false;
    while i < args.len() {
        let a = args[i];
        if after_dashes {
            out.push(a);
        } else if a == "--" {
            after_dashes = true;
        } else if a.starts_with('-') && a.len() > 1 {
            if value_flags.iter().any(|f| f.as_ref() == a) {
                i += 1;
            }
        } else {
            out.push(a);
        }
        i += 1;
    }
    out
}

/// Is `flag` present? `-r` matches short bundles such as `-rf`; `--force` matches `--force=…`.
pub fn has_flag(args: &[&str], flag: &str) -> bool {
    if let Some(long) = flag.strip_prefix("--") {
        return args.iter().any(|a| {
            a.strip_prefix("--").is_some_and(|x| {
                x == long || x.strip_prefix(long).is_some_and(|r| r.starts_with('='))
            })
        });
    }
    let Some(short) = flag.strip_prefix('-') else {
        return args.contains(&flag);
    };
    if short.chars().count() != 1 {
        return args.contains(&flag);
    }
    let c = short.chars().next().unwrap_or('-');
    args.iter().any(|a| {
        a.len() > 1
            && a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].chars().all(|x| x.is_ascii_alphanumeric())
            && a[1..].contains(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_flags_match_inside_bundles() {
        assert!(has_flag(&["-rf", "/"], "-r"));
        assert!(has_flag(&["-fR"], "-R"));
        assert!(!has_flag(&["--recursive-ish"], "-r"));
        assert!(has_flag(&["--force=yes"], "--force"));
        assert!(!has_flag(&["--forceful"], "--force"));
    }

    #[test]
    fn positionals_skip_option_values() {
        let flags = vec!["-C".to_string()];
        assert_eq!(
            positionals(&["-C", "dir", "reset", "--hard"], &flags),
            vec!["reset"]
        );
        assert_eq!(positionals::<&str>(&["--", "-rf"], &[]), vec!["-rf"]);
    }
}
