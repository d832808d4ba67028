//! What a one-line interpreter program prints, when the output is fixed by the code itself:
//! `python3 -c 'print("rm -rf ~")'`, `perl -e 'print chr(114).chr(109)'`, `ruby -e 'puts
//! "rm -rf #{Dir.home}"'`, `node -e 'console.log("id")'`, `awk 'BEGIN{printf "%c%c",114,109}'`.
//! The shell layer treats that text like `echo`'s: piped into a shell, or substituted into a
//! command line, it is code. Any print whose argument is not a literal after the usual
//! spellings are undone (concatenation, `chr`, `join`, home directories) makes the output
//! unknown.

use super::tokens::{normalize, tokenize, Style, Tok};
use super::Lang;

/// Most text a program is said to print.
const MAX_PRINTED: usize = 64 * 1024;

/// The text `code` prints, when every print in it has a literal argument.
pub fn printed(lang: Lang, code: &str) -> Option<String> {
    let style = match lang {
        Lang::Python => Style::Python,
        Lang::JavaScript => Style::C,
        Lang::Php => Style::Php,
        Lang::Perl => Style::Perl,
        Lang::Ruby => Style::Ruby,
        Lang::Lua => Style::Lua,
        _ => return None,
    };
    let toks = normalize(home_literals(tokenize(code, style)), style);
    let mut out = String::new();
    let mut found = false;
    let mut i = 0;
    while i < toks.len() {
        let Some((newline, at)) = print_call(lang, &toks, i) else {
            i += 1;
            continue;
        };
        let (text, used) = literal_argument(&toks[at..])?;
        out.push_str(&unescape(&text));
        if newline {
            out.push('\n');
        }
        found = true;
        if out.len() > MAX_PRINTED {
            return None;
        }
        i = at + used;
    }
    found.then_some(out)
}

/// What an awk program that reads no input prints (`BEGIN{…}` with `print`/`printf` of literals).
pub fn awk_printed(program: &str) -> Option<String> {
    let body = program
        .trim()
        .strip_prefix("BEGIN")?
        .trim_start()
        .strip_prefix('{')?
        .trim_end()
        .strip_suffix('}')?;
    if body.contains(['{', '}', '$']) || body.contains("getline") {
        return None;
    }
    let toks = tokenize(body, Style::C);
    let mut out = String::new();
    for stmt in toks.split(|t| matches!(t, Tok::Punct(';' | '\n'))) {
        match stmt {
            [] => {}
            [Tok::Ident(p), rest @ ..] if p == "print" => {
                let parts: Vec<String> = rest
                    .split(|t| *t == Tok::Punct(','))
                    .map(awk_string)
                    .collect::<Option<_>>()?;
                out.push_str(&parts.join(" "));
                out.push('\n');
            }
            [Tok::Ident(p), Tok::Str(fmt), rest @ ..] if p == "printf" => {
                let mut values = rest.split(|t| *t == Tok::Punct(',')).skip(1);
                out.push_str(&awk_format(&unescape(fmt), &mut values)?);
            }
            _ => return None,
        }
        if out.len() > MAX_PRINTED {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `printf` of awk: `%c` of a number is that character.
fn awk_format<'a>(fmt: &str, values: &mut impl Iterator<Item = &'a [Tok]>) -> Option<String> {
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
                [Tok::Num(n)] => out.push(char::from_u32(n.parse().ok()?)?),
                [Tok::Str(s)] => out.extend(s.chars().next()),
                _ => return None,
            },
            's' | 'd' | 'i' => out.push_str(&awk_string(values.next()?)?),
            _ => return None,
        }
    }
    Some(out)
}

/// Literals written side by side (`"rm" " -rf"`), or a number.
fn awk_string(toks: &[Tok]) -> Option<String> {
    let mut s = String::new();
    for t in toks {
        match t {
            Tok::Str(v) => s.push_str(&unescape(v)),
            Tok::Num(n) => s.push_str(n),
            _ => return None,
        }
    }
    (!toks.is_empty()).then_some(s)
}

/// A print call starting at `i`: whether it adds a newline, and where its argument starts.
fn print_call(lang: Lang, toks: &[Tok], i: usize) -> Option<(bool, usize)> {
    let Tok::Ident(name) = &toks[i] else {
        return None;
    };
    // A method of something else (`obj.print(…)`) is not the language's print.
    if i > 0 && toks[i - 1] == Tok::Punct('.') {
        return None;
    }
    let newline = match (lang, name.as_str()) {
        (Lang::Python, "print") | (Lang::JavaScript, "console.log" | "console.info") => true,
        (Lang::Python, "sys.stdout.write") | (Lang::JavaScript, "process.stdout.write") => false,
        (Lang::Perl, "say") | (Lang::Ruby, "puts") | (Lang::Lua, "print") => true,
        (Lang::Perl | Lang::Ruby | Lang::Php, "print") | (Lang::Php, "echo") => false,
        (Lang::Lua, "io.write") => false,
        _ => return None,
    };
    Some((newline, i + 1))
}

/// One literal argument (`("x")`, `"x"`, `"x";`): its text and the tokens used.
fn literal_argument(toks: &[Tok]) -> Option<(String, usize)> {
    match toks {
        [Tok::Punct('('), Tok::Str(s), Tok::Punct(')'), ..] => Some((s.clone(), 3)),
        [Tok::Str(s)] => Some((s.clone(), 1)),
        [Tok::Str(s), Tok::Punct(';' | '\n' | '}'), ..] => Some((s.clone(), 1)),
        _ => None,
    }
}

/// The escapes a double-quoted literal keeps in the token text (`\n`, `\t`).
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    s.replace("\\n", "\n").replace("\\t", "\t")
}

/// Spellings of the home directory become the literal `~` (`os.homedir()`, `Dir.home`,
/// `os.path.expanduser("~")`, `$ENV{HOME}`, `#{Dir.home}` inside a Ruby string).
fn home_literals(toks: Vec<Tok>) -> Vec<Tok> {
    let home = || Tok::Str("~".into());
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let rest = &toks[i..];
        match rest {
            [Tok::Ident(r), Tok::Punct('('), Tok::Str(m), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(h), Tok::Punct('('), Tok::Punct(')'), ..]
                if r == "require" && m == "os" && h == "homedir" =>
            {
                out.push(home());
                i += 8;
            }
            [Tok::Ident(f), Tok::Punct('('), Tok::Punct(')'), ..]
                if f.ends_with("homedir") || f == "Path.home" || f == "pathlib.Path.home" =>
            {
                out.push(home());
                i += 3;
            }
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(p), Tok::Punct(')'), ..]
                if f.ends_with("expanduser") && p == "~" =>
            {
                out.push(home());
                i += 4;
            }
            [Tok::Ident(f), ..] if f == "Dir.home" || f == "process.env.HOME" => {
                out.push(home());
                i += 1;
            }
            // `$ENV{HOME}`, `os.environ["HOME"]`, `ENV["HOME"]`, `$_SERVER['HOME']`.
            [Tok::Ident(e), Tok::Punct('{' | '['), Tok::Ident(h) | Tok::Str(h), Tok::Punct('}' | ']'), ..]
                if h == "HOME"
                    && matches!(
                        e.as_str(),
                        "$ENV" | "ENV" | "os.environ" | "$_SERVER" | "$_ENV" | "process.env"
                    ) =>
            {
                out.push(home());
                i += 4;
            }
            // `os.getenv("HOME")`, `getenv('HOME')`, `os.environ.get("HOME")`, `ENV.fetch("HOME")`.
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(h), Tok::Punct(')'), ..]
                if h == "HOME"
                    && (f.ends_with("getenv") || f == "os.environ.get" || f == "ENV.fetch") =>
            {
                out.push(home());
                i += 4;
            }
            [Tok::Str(s), ..] if s.contains("#{") => {
                out.push(Tok::Str(
                    s.replace("#{Dir.home}", "~")
                        .replace("#{ENV['HOME']}", "~")
                        .replace("#{ENV[\"HOME\"]}", "~"),
                ));
                i += 1;
            }
            _ => {
                out.push(rest[0].clone());
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_prints_are_known() {
        let cases: &[(Lang, &str, &str)] = &[
            (Lang::Python, "print('rm -rf ~')", "rm -rf ~\n"),
            (
                Lang::Python,
                "print(chr(114)+chr(109)+' -rf ~')",
                "rm -rf ~\n",
            ),
            (Lang::Perl, r#"print "rm -rf ~\n""#, "rm -rf ~\n"),
            (
                Lang::Perl,
                r#"print chr(114).chr(109)." -rf ~""#,
                "rm -rf ~",
            ),
            (Lang::Ruby, r#"puts "rm -rf #{Dir.home}""#, "rm -rf ~\n"),
            (Lang::Perl, "print $ENV{HOME}", "~"),
            (Lang::Python, "import os; print(os.environ['HOME'])", "~\n"),
            (Lang::Python, "import os; print(os.getenv('HOME'))", "~\n"),
            (Lang::JavaScript, "console.log(process.env.HOME)", "~\n"),
            (Lang::Php, "echo getenv('HOME');", "~"),
            (
                Lang::JavaScript,
                r#"console.log("rm -rf "+require("os").homedir())"#,
                "rm -rf ~\n",
            ),
            (Lang::Php, "echo 'id';", "id"),
        ];
        for (lang, code, want) in cases {
            assert_eq!(printed(*lang, code).as_deref(), Some(*want), "{code}");
        }
    }

    #[test]
    fn computed_prints_are_unknown() {
        for (lang, code) in [
            (Lang::Python, "import sys; print(sys.argv[1])"),
            (
                Lang::Python,
                "import json,sys; print(json.load(sys.stdin)['x'])",
            ),
            (Lang::Python, "x=1"),
            (Lang::JavaScript, "console.log(process.version)"),
            (Lang::Ruby, "puts ARGV[0]"),
        ] {
            assert_eq!(printed(lang, code), None, "{code}");
        }
    }

    #[test]
    fn awk_begin_prints() {
        assert_eq!(
            awk_printed(r#"BEGIN{printf "%c%c",114,109}"#).as_deref(),
            Some("rm")
        );
        assert_eq!(
            awk_printed(r#"BEGIN{printf "%c%c%c", 114,109,32; print "~"}"#).as_deref(),
            Some("rm ~\n")
        );
        assert_eq!(awk_printed("{print $1}"), None);
        assert_eq!(awk_printed(r#"BEGIN{print ENVIRON["HOME"]}"#), None);
    }
}
