//! Compiled matchers: a [`MatchSpec`] turned into checks over a canonical [`Command`].

use super::pack::MatchSpec;
use crate::shell::Command;
use regex::Regex;
use std::sync::OnceLock;

/// A regex compiled on first use, so start-up does not pay for rules the input never reaches.
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// Keep `source` for compilation on first use. With `validate`, compile it once now so that a
    /// bad user pack fails at load; the embedded packs are validated by the test suite instead,
    /// which keeps start-up free of regex compilation.
    pub fn new(source: &str, validate: bool) -> Result<Self, regex::Error> {
        if validate {
            regex_syntax_check(source)?;
        }
        Ok(LazyRegex {
            source: source.to_string(),
            compiled: OnceLock::new(),
        })
    }

    /// The compiled regex. An invalid embedded pattern (which the test suite rules out) matches
    /// nothing rather than crashing the scanner.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source)
                .unwrap_or_else(|_| Regex::new("[^\\s\\S]").expect("never-matching regex"))
        })
    }

    /// Compile now and report errors (used by tests over the embedded packs).
    pub fn check(&self) -> Result<(), regex::Error> {
        Regex::new(&self.source).map(|_| ())
    }

    /// True when `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }
}

fn regex_syntax_check(source: &str) -> Result<(), regex::Error> {
    regex::RegexBuilder::new(source)
        .size_limit(1 << 20)
        .build()
        .map(|_| ())
}

/// A compiled [`MatchSpec`].
#[derive(Debug)]
pub struct Matcher {
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
    stdin: Option<LazyRegex>,
    stdin_not: Option<LazyRegex>,
    assign: Option<LazyRegex>,
    inline_code: Option<LazyRegex>,
}

fn lazy(s: &Option<String>, validate: bool) -> Result<Option<LazyRegex>, regex::Error> {
    s.as_deref()
        .map(|x| LazyRegex::new(x, validate))
        .transpose()
}

impl Matcher {
    /// Compile a spec; with `validate`, regex errors are reported now.
    pub fn compile(spec: &MatchSpec, validate: bool) -> Result<Self, String> {
        let err = |e: regex::Error| e.to_string();
        Ok(Matcher {
            commands: spec.command.clone(),
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
            stdin: lazy(&spec.stdin, validate).map_err(err)?,
            stdin_not: lazy(&spec.stdin_not, validate).map_err(err)?,
            assign: lazy(&spec.assign, validate).map_err(err)?,
            inline_code: lazy(&spec.inline_code, validate).map_err(err)?,
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

    /// Does the command satisfy every condition?
    pub fn matches(&self, cmd: &Command) -> bool {
        if !self.name_matches(cmd.name()) {
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
        let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
        let positionals = positionals(&args, &self.value_flags);
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
            let joined = args.join(" ");
            if let Some(r) = &self.argv {
                if !r.is_match(&joined) {
                    return false;
                }
            }
            if let Some(r) = &self.argv_not {
                if r.is_match(&joined) {
                    return false;
                }
            }
        }
        if let Some(r) = &self.redirect {
            if !cmd
                .redirects
                .iter()
                .any(|rd| rd.writes() && r.is_match(&rd.target.text))
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
            if !cmd.redirects.iter().any(|rd| r.is_match(&rd.target.text)) {
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
        true
    }
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
pub fn positionals<'a>(args: &[&'a str], value_flags: &[String]) -> Vec<&'a str> {
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
            if value_flags.iter().any(|f| f == a) {
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
        assert_eq!(positionals(&["--", "-rf"], &[]), vec!["-rf"]);
    }
}
