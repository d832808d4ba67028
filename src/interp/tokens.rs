//! A careful, language-aware tokenizer for interpreter one-liners: identifiers (dotted paths
//! joined), string literals (decoded), command literals (backticks, `qx{}`, `%x()`), numbers and
//! punctuation. Comments are dropped. It never fails: unknown bytes become punctuation, an
//! unterminated literal runs to the end of the input.

/// Lexical conventions of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// C-like (awk, JavaScript, PHP, PowerShell-ish): `//` and `/* */` comments.
    C,
    /// Python: `#` comments, triple quotes, string prefixes.
    Python,
    /// Perl: `#` comments, `qx{}`/`q{}`/`qq{}`, backtick commands, `::` paths.
    Perl,
    /// Ruby: `#` comments, `%x()`/`%q()`/`%w()`, backtick commands.
    Ruby,
    /// PHP: `//`, `#` and `/* */` comments, backtick commands, `->` and `::` paths.
    Php,
    /// Lua: `--` comments and `[[long strings]]`.
    Lua,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier path: `os.path.expanduser`, `File.Path.rmtree` (`::` and `->` become `.`).
    Ident(String),
    /// A string literal's value.
    Str(String),
    /// A command literal run by a shell (`` `cmd` `` in Perl/Ruby/PHP, `qx{}`, `%x()`).
    Cmd(String),
    /// A number (its text).
    Num(String),
    /// Any other character.
    Punct(char),
}

/// Most tokens produced for one input (bounds time and memory on hostile input).
pub const MAX_TOKENS: usize = 200_000;

/// Tokenize `src` with the conventions of `style`.
pub fn tokenize(src: &str, style: Style) -> Vec<Tok> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut depth = 0i32;
    // Whether each open bracket is a `{` (statements) or not (arguments, lists), innermost last.
    let mut braces: Vec<bool> = Vec::new();
    let mut last_i = usize::MAX;
    while i < b.len() && out.len() < MAX_TOKENS {
        // Every round consumes at least one character, whatever the input.
        if i == last_i {
            i += 1;
            continue;
        }
        last_i = i;
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or('\0');
        if c == '\n' && !matches!(out.last(), None | Some(Tok::Punct(';'))) {
            // A line break outside brackets ends a statement; so does one inside a block of
            // statements (a Go or Ruby function body) after a complete line: not after an opening
            // bracket, a comma or an operator, nor before a closing brace or a chained `.call`
            // (object and dict literals spread over lines stay one expression). Python's braces
            // are always literals.
            let in_block = braces.last() == Some(&true) && style != Style::Python;
            let ends = depth <= 0
                || (in_block
                    && !matches!(
                        out.last(),
                        Some(Tok::Punct(
                            '{' | '('
                                | '['
                                | ','
                                | '+'
                                | '-'
                                | '*'
                                | '/'
                                | '='
                                | '&'
                                | '|'
                                | ':'
                                | '.'
                                | '?'
                                | '<'
                                | '>'
                        ))
                    )
                    && !matches!(
                        b[i + 1..].iter().find(|c| !c.is_whitespace()),
                        Some('}' | '.' | ')' | ']' | '?' | ':' | '&' | '|' | '+')
                    ));
            if ends {
                out.push(Tok::Punct(';'));
            }
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                braces.push(c == '{');
            }
            ')' | ']' | '}' => {
                depth -= 1;
                braces.pop();
            }
            _ => {}
        }
        // Comments.
        let hash_comment = matches!(
            style,
            Style::Python | Style::Perl | Style::Ruby | Style::Php
        );
        if (c == '#' && hash_comment)
            || (c == '/' && next == '/' && matches!(style, Style::C | Style::Php))
            || (c == '-' && next == '-' && style == Style::Lua && b.get(i + 2) != Some(&'['))
        {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == '*' && matches!(style, Style::C | Style::Php) {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        // Lua long strings `[[…]]`.
        if style == Style::Lua && c == '[' && next == '[' {
            let start = i + 2;
            let mut j = start;
            while j + 1 < b.len() && !(b[j] == ']' && b[j + 1] == ']') {
                j += 1;
            }
            out.push(Tok::Str(b[start..j.min(b.len())].iter().collect()));
            i = j + 2;
            continue;
        }
        // Python triple-quoted strings.
        if style == Style::Python
            && (c == '\'' || c == '"')
            && next == c
            && b.get(i + 2) == Some(&c)
        {
            let start = i + 3;
            let mut j = start;
            while j + 2 < b.len() && !(b[j] == c && b[j + 1] == c && b[j + 2] == c) {
                j += 1;
            }
            let end = if j + 2 < b.len() { j } else { b.len() };
            out.push(Tok::Str(b[start..end].iter().collect()));
            i = (end + 3).min(b.len().max(end));
            continue;
        }
        if c == '"' && style == Style::Ruby {
            let (s, j) = ruby_interpolated(&b, i + 1);
            out.push(Tok::Str(s));
            i = j;
            continue;
        }
        if c == '\'' || c == '"' {
            let (mut s, j) = quoted(&b, i + 1, c, true);
            if c == '"' && style == Style::Perl {
                for home in [
                    "$ENV{HOME}",
                    "$ENV{'HOME'}",
                    "$ENV{\"HOME\"}",
                    "${\\$ENV{HOME}}",
                ] {
                    s = s.replace(home, "~");
                }
            }
            out.push(Tok::Str(s));
            i = j;
            continue;
        }
        if c == '`' {
            let (s, j) = quoted(&b, i + 1, '`', true);
            match style {
                Style::Perl | Style::Ruby | Style::Php => out.push(Tok::Cmd(s)),
                _ => out.push(Tok::Str(s)),
            }
            i = j;
            continue;
        }
        // Perl quote-like operators and Ruby percent literals.
        if let Some((toks, j)) = quote_like(&b, i, style) {
            out.extend(toks);
            i = j;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '.' || b[i] == '_') {
                i += 1;
            }
            out.push(Tok::Num(b[start..i].iter().collect()));
            continue;
        }
        if is_ident_start(c, style) {
            let mut s = String::new();
            loop {
                while i < b.len()
                    && (b[i].is_alphanumeric()
                        || b[i] == '_'
                        || (matches!(b[i], '$' | '@') && s.is_empty()))
                {
                    s.push(b[i]);
                    i += 1;
                }
                // Python string prefixes: r'…', b"…", f'…'.
                if style == Style::Python
                    && matches!(
                        s.to_ascii_lowercase().as_str(),
                        "r" | "b" | "f" | "u" | "rb" | "br" | "fr" | "rf"
                    )
                    && i < b.len()
                    && (b[i] == '\'' || b[i] == '"')
                {
                    let q = b[i];
                    if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                        s.clear();
                        break;
                    }
                    let raw = s.to_ascii_lowercase().contains('r');
                    let (v, j) = quoted(&b, i + 1, q, !raw);
                    out.push(Tok::Str(v));
                    i = j;
                    s.clear();
                    break;
                }
                let sep = if b.get(i) == Some(&'.')
                    && b.get(i + 1).is_some_and(|c| is_ident_start(*c, style))
                {
                    1
                } else if matches!(
                    (b.get(i), b.get(i + 1)),
                    (Some(':'), Some(':')) | (Some('-'), Some('>'))
                ) && b.get(i + 2).is_some_and(|c| is_ident_start(*c, style))
                {
                    2
                } else {
                    0
                };
                if sep == 0 {
                    break;
                }
                s.push('.');
                i += sep;
            }
            if !s.is_empty() {
                out.push(Tok::Ident(s));
            }
            continue;
        }
        out.push(Tok::Punct(c));
        i += 1;
    }
    out
}

fn is_ident_start(c: char, style: Style) -> bool {
    c.is_alphabetic()
        || c == '_'
        || (c == '$' && matches!(style, Style::Perl | Style::Php | Style::C | Style::Ruby))
        || (c == '@' && style == Style::Perl)
}

/// Read a quoted literal starting after the opening quote; returns the value and the index after
/// the closing quote.
fn quoted(b: &[char], mut i: usize, close: char, escapes: bool) -> (String, usize) {
    let mut s = String::new();
    while i < b.len() && b[i] != close {
        if b[i] == '\\' && i + 1 < b.len() {
            if !escapes {
                s.push('\\');
                s.push(b[i + 1]);
                i += 2;
            } else {
                let (c, used) = escape_at(b, i + 1);
                s.extend(c);
                i += 1 + used;
            }
            continue;
        }
        s.push(b[i]);
        i += 1;
    }
    (s, (i + 1).min(b.len()))
}

/// A Ruby double-quoted string from after its opening quote: escapes decoded, and an
/// interpolation of the home directory (`#{Dir.home}`, `#{ENV['HOME']}`) written as `~`; other
/// interpolations stay as written. Returns the value and the index after the closing quote.
fn ruby_interpolated(b: &[char], mut i: usize) -> (String, usize) {
    const HOME: &[&str] = &[
        "Dir.home",
        "Dir.home()",
        "ENV['HOME']",
        "ENV[\"HOME\"]",
        "ENV.fetch('HOME')",
        "ENV.fetch(\"HOME\")",
        "File.expand_path('~')",
        "File.expand_path(\"~\")",
        "Etc.getpwuid.dir",
        "Gem.user_home",
    ];
    let mut s = String::new();
    while i < b.len() && b[i] != '"' {
        if b[i] == '\\' && i + 1 < b.len() {
            let (c, used) = escape_at(b, i + 1);
            s.extend(c);
            i += 1 + used;
            continue;
        }
        if b[i] == '#' && b.get(i + 1) == Some(&'{') {
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let expr: String = b[i + 2..j.min(b.len())].iter().collect();
            let expr = expr.trim();
            if HOME.contains(&expr) {
                s.push('~');
            } else {
                s.push_str("#{");
                s.push_str(expr);
                s.push('}');
            }
            i = (j + 1).min(b.len());
            continue;
        }
        s.push(b[i]);
        i += 1;
    }
    (s, (i + 1).min(b.len()))
}

/// The character a backslash escape stands for, `b[i]` being the character after the
/// backslash, and how many characters the escape used after the backslash: `\n`, octal
/// `\162`, `\x72`, `\x{72}`, `\u0072`, `\u{72}`, `\U00000072`, `\o{162}`, `\N{U+72}` and
/// `\N{LATIN SMALL LETTER R}` (the names of printable ASCII), anything else as itself.
pub(crate) fn escape_at(b: &[char], i: usize) -> (Option<char>, usize) {
    let e = b[i];
    // Digits of `radix` from `b[from..]`, at most `max`: the value and how many were read.
    let digits = |from: usize, radix: u32, max: usize| {
        let text: String = b
            .iter()
            .skip(from)
            .take(max)
            .take_while(|c| c.is_digit(radix))
            .collect();
        let n = text.chars().count();
        (u32::from_str_radix(&text, radix).ok(), n)
    };
    // `{…}` after the escape letter: its text and the characters used (letter included).
    let braced = || -> Option<(String, usize)> {
        if b.get(i + 1) != Some(&'{') {
            return None;
        }
        let body: String = b
            .iter()
            .skip(i + 2)
            .take(64)
            .take_while(|c| **c != '}')
            .collect();
        let n = body.chars().count();
        (b.get(i + 2 + n) == Some(&'}')).then_some((body, n + 3))
    };
    match e {
        'n' => (Some('\n'), 1),
        't' => (Some('\t'), 1),
        'r' => (Some('\r'), 1),
        '0'..='7' => {
            let (v, n) = digits(i, 8, 3);
            (v.and_then(|v| char::from_u32(v & 0xff)), n.max(1))
        }
        'x' | 'u' | 'U' | 'o' => {
            if let Some((body, used)) = braced() {
                let radix = if e == 'o' { 8 } else { 16 };
                let v = u32::from_str_radix(body.trim(), radix).ok();
                return (v.and_then(char::from_u32), used);
            }
            let (radix, max) = match e {
                'x' => (16, 2),
                'u' => (16, 4),
                'U' => (16, 8),
                _ => return (Some(e), 1),
            };
            match digits(i + 1, radix, max) {
                (Some(v), n) if e == 'x' || n == max => (char::from_u32(v), n + 1),
                _ => (Some(e), 1),
            }
        }
        'N' => match braced() {
            Some((name, used)) => (char_named(&name), used),
            None => (Some(e), 1),
        },
        _ => (Some(e), 1),
    }
}

/// The character of a Unicode name of printable ASCII (`LATIN SMALL LETTER R`, `SOLIDUS`), or
/// of `U+72`.
fn char_named(name: &str) -> Option<char> {
    let name = name.trim().to_ascii_uppercase();
    if let Some(hex) = name.strip_prefix("U+") {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    let letter = |rest: &str| {
        let mut cs = rest.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_ascii_uppercase() => Some(c),
            _ => None,
        }
    };
    if let Some(rest) = name.strip_prefix("LATIN SMALL LETTER ") {
        return letter(rest).map(|c| c.to_ascii_lowercase());
    }
    if let Some(rest) = name.strip_prefix("LATIN CAPITAL LETTER ") {
        return letter(rest);
    }
    const DIGITS: [&str; 10] = [
        "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
    ];
    if let Some(rest) = name.strip_prefix("DIGIT ") {
        return DIGITS
            .iter()
            .position(|d| *d == rest)
            .map(|n| (b'0' + n as u8) as char);
    }
    const NAMED: &[(&str, char)] = &[
        ("SPACE", ' '),
        ("EXCLAMATION MARK", '!'),
        ("QUOTATION MARK", '"'),
        ("NUMBER SIGN", '#'),
        ("DOLLAR SIGN", '$'),
        ("PERCENT SIGN", '%'),
        ("AMPERSAND", '&'),
        ("APOSTROPHE", '\''),
        ("LEFT PARENTHESIS", '('),
        ("RIGHT PARENTHESIS", ')'),
        ("ASTERISK", '*'),
        ("PLUS SIGN", '+'),
        ("COMMA", ','),
        ("HYPHEN-MINUS", '-'),
        ("FULL STOP", '.'),
        ("SOLIDUS", '/'),
        ("COLON", ':'),
        ("SEMICOLON", ';'),
        ("LESS-THAN SIGN", '<'),
        ("EQUALS SIGN", '='),
        ("GREATER-THAN SIGN", '>'),
        ("QUESTION MARK", '?'),
        ("COMMERCIAL AT", '@'),
        ("REVERSE SOLIDUS", '\\'),
        ("LOW LINE", '_'),
        ("GRAVE ACCENT", '`'),
        ("VERTICAL LINE", '|'),
        ("TILDE", '~'),
        ("LINE FEED", '\n'),
        ("CHARACTER TABULATION", '\t'),
    ];
    NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The closing delimiter for an opening one (`{` → `}`), or the same character.
fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        '<' => '>',
        c => c,
    }
}

/// Perl `qx{…}`, `q(…)`, `qq{…}`, `qw(…)`; Ruby `%x(…)`, `%q(…)`, `%Q{…}`, `%w[…]`, `%(…)`.
/// Word lists (`qw`, `%w`, `%W`, `%i`) become a list literal `[ "a" , "b" ]`.
fn quote_like(b: &[char], i: usize, style: Style) -> Option<(Vec<Tok>, usize)> {
    let prev_ident = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_' || b[i - 1] == '$');
    if prev_ident {
        return None;
    }
    let (kind, open_at) = match style {
        Style::Perl => {
            let word: String = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            match word.as_str() {
                "qx" | "qq" | "qw" | "q" => {
                    let n = word.len();
                    (word, i + n)
                }
                _ => return None,
            }
        }
        Style::Ruby if b[i] == '%' => {
            let k = b.get(i + 1).copied()?;
            if matches!(k, 'x' | 'q' | 'Q' | 'w' | 'W' | 'i') {
                (k.to_string(), i + 2)
            } else if matches!(k, '(' | '{' | '[' | '|' | '!') {
                ("Q".to_string(), i + 1)
            } else {
                return None;
            }
        }
        _ => return None,
    };
    let open = *b.get(open_at)?;
    if open.is_alphanumeric() || open.is_whitespace() || open == '=' || open == ',' || open == ';' {
        return None;
    }
    let close = closing(open);
    let mut depth = 0;
    let mut j = open_at + 1;
    let mut s = String::new();
    while j < b.len() {
        let c = b[j];
        if c == '\\' && j + 1 < b.len() {
            s.push(b[j + 1]);
            j += 2;
            continue;
        }
        if c == open && open != close {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                break;
            }
            depth -= 1;
        }
        s.push(c);
        j += 1;
    }
    let toks = match kind.as_str() {
        "qx" | "x" => vec![Tok::Cmd(s)],
        "qw" | "w" | "W" | "i" => {
            let mut list = vec![Tok::Punct('[')];
            for (n, word) in s.split_whitespace().enumerate() {
                if n > 0 {
                    list.push(Tok::Punct(','));
                }
                list.push(Tok::Str(word.to_string()));
            }
            list.push(Tok::Punct(']'));
            list
        }
        _ => vec![Tok::Str(s)],
    };
    Some((toks, (j + 1).min(b.len())))
}

/// The tokens of the argument list opening at `toks[open]` (a `(`), without the parentheses,
/// and the index after the closing `)`.
pub fn call_args(toks: &[Tok], open: usize) -> Option<(&[Tok], usize)> {
    if toks.get(open) != Some(&Tok::Punct('(')) {
        return None;
    }
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&toks[open + 1..j], j + 1));
                }
            }
            _ => {}
        }
    }
    Some((&toks[open + 1..], toks.len()))
}

/// The string literals inside a call's parentheses at `toks[open]`, and whether the arguments
/// are nothing but literals joined by concatenation operators.
pub fn call_strings(toks: &[Tok], open: usize) -> Option<(Vec<String>, bool)> {
    let (args, _) = call_args(toks, open)?;
    let mut lits = Vec::new();
    let mut only = true;
    for t in args {
        match t {
            Tok::Str(s) => lits.push(s.clone()),
            Tok::Punct('+' | '.' | ' ') => {}
            _ => only = false,
        }
    }
    Some((lits, only))
}

/// Split argument tokens at top-level commas.
pub fn split_args(args: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (j, t) in args.iter().enumerate() {
        match t {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                out.push(&args[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    if start < args.len() {
        out.push(&args[start..]);
    }
    out
}

/// Undo the usual ways of spelling a call or a string so that the vocabulary does not see it:
/// string concatenation of literals (`'sys'+'tem'`, Perl/PHP `.`, Lua `..`), `chr(47)` and
/// `String.fromCharCode(47)` with one literal code, `os.sep`/`path.sep`, `getattr(X, 'name')`,
/// `__import__('os')`, `X['name']` / `f(…)['name']`, and Ruby `X.send(:name, …)`.
pub fn normalize(mut toks: Vec<Tok>, style: Style) -> Vec<Tok> {
    // Each pass can expose the next (`getattr(__import__('os'), 'sys'+'tem')`).
    for _ in 0..3 {
        let before = toks.len();
        toks = normalize_pass(toks, style);
        if toks.len() == before {
            break;
        }
    }
    toks
}

/// Python's `* N` after a short literal (N at most 8): how many times, and the tokens used
/// (`(1, 0)` when there is no repetition).
fn repetition(toks: &[Tok], style: Style) -> (usize, usize) {
    match toks {
        [Tok::Punct('*'), Tok::Num(n), ..] if style == Style::Python => {
            match int_literal(n).filter(|k| (1..=8).contains(k)) {
                Some(k) => (k as usize, 2),
                None => (1, 0),
            }
        }
        _ => (1, 0),
    }
}

/// The character a numeric literal names as a code point.
fn char_code(n: &str) -> Option<char> {
    char::from_u32(int_literal(n)?)
}

/// The value of an integer literal: `47`, `0x2f`, `0o57`, `0b101111`, `0057` (Perl/C octal),
/// `4_7`.
pub fn int_literal(n: &str) -> Option<u32> {
    let n = n.replace('_', "");
    let lower = n.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        u32::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        u32::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        u32::from_str_radix(b, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') {
        u32::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse().ok()
    }
}

fn normalize_pass(toks: Vec<Tok>, style: Style) -> Vec<Tok> {
    let concat = |t: &[Tok]| -> usize {
        match (style, t) {
            (Style::Lua, [Tok::Punct('.'), Tok::Punct('.'), ..]) => 2,
            (Style::Perl | Style::Php, [Tok::Punct('.'), ..]) => 1,
            (Style::Python | Style::C | Style::Ruby, [Tok::Punct('+'), ..]) => 1,
            _ => 0,
        }
    };
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let rest = &toks[i..];
        match rest {
            // chr(47), String.fromCharCode(47)
            [Tok::Ident(f), Tok::Punct('('), Tok::Num(n), Tok::Punct(')'), ..]
                if matches!(f.as_str(), "chr" | "String.fromCharCode" | "unichr") =>
            {
                if let Some(c) = char_code(n) {
                    // `chr(95) * 2`: the repetition binds before any `+` around it.
                    let (times, used) = repetition(&toks[i + 4..], style);
                    push_str(&mut out, c.to_string().repeat(times), style);
                    i += 4 + used;
                    continue;
                }
            }
            // Perl's `chr 47` (a named unary operator, no parentheses).
            [Tok::Ident(f), Tok::Num(n), ..] if style == Style::Perl && f == "chr" => {
                if let Some(c) = char_code(n) {
                    push_str(&mut out, c.to_string(), style);
                    i += 2;
                    continue;
                }
            }
            // String.fromCharCode(114, 109), string.char(114, 109), Perl map{chr}(114, 109)
            [Tok::Ident(f), Tok::Punct('('), Tok::Num(_), ..]
                if matches!(
                    f.as_str(),
                    "String.fromCharCode" | "fromCharCode" | "string.char" | "String.fromCodePoint"
                ) =>
            {
                if let Some((s, used)) = char_codes(&toks[i + 1..]) {
                    push_str(&mut out, s, style);
                    i += 1 + used;
                    continue;
                }
            }
            [Tok::Ident(m), Tok::Punct('{'), Tok::Ident(c), Tok::Punct('}'), Tok::Punct('('), ..]
                if m == "map" && c == "chr" =>
            {
                if let Some((s, used)) = char_codes(&toks[i + 4..]) {
                    push_str(&mut out, s, style);
                    i += 4 + used;
                    continue;
                }
            }
            // Perl `join "", "text"` / `join("", "text")`, Python `"".join(["a", "b"])`
            [Tok::Ident(j), Tok::Str(sep), Tok::Punct(','), Tok::Str(s), ..] if j == "join" => {
                let _ = sep;
                push_str(&mut out, s.clone(), style);
                i += 4;
                continue;
            }
            [Tok::Str(sep), Tok::Punct('.'), Tok::Ident(j), Tok::Punct('('), ..] if j == "join" => {
                if let Some((parts, used)) = str_list(&toks[i + 3..]) {
                    push_str(&mut out, parts.join(sep), style);
                    i += 3 + used;
                    continue;
                }
            }
            // ["child", "process"].join("_")
            [Tok::Punct('['), Tok::Str(_), ..] if joined_array(&toks[i..]).is_some() => {
                if let Some((text, used)) = joined_array(&toks[i..]) {
                    push_str(&mut out, text, style);
                    i += used;
                    continue;
                }
            }
            // `__builtins__.__dict__["exec"]`, `vars(builtins)["eval"]` (Python): a builtin
            // looked up by name is that builtin.
            [Tok::Ident(d), Tok::Punct('['), Tok::Str(name), Tok::Punct(']'), ..]
                if style == Style::Python
                    && matches!(
                        d.as_str(),
                        "__builtins__" | "__builtins__.__dict__" | "builtins.__dict__"
                    )
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                // `….send(…)` after it is a method of that constant (`FileUtils.send`).
                match (toks.get(i + 4), toks.get(i + 5)) {
                    (Some(Tok::Punct('.')), Some(Tok::Ident(m))) => {
                        out.push(Tok::Ident(format!("{name}.{m}")));
                        i += 6;
                    }
                    _ => {
                        out.push(Tok::Ident(name.clone()));
                        i += 4;
                    }
                }
                continue;
            }
            // `os.__dict__["system"]`, `vars(os)["system"]` is `os.system`.
            [Tok::Ident(d), Tok::Punct('['), Tok::Str(name), Tok::Punct(']'), ..]
                if style == Style::Python && d.ends_with(".__dict__") && is_name(name) =>
            {
                let module = d.trim_end_matches(".__dict__");
                out.push(Tok::Ident(format!("{module}.{name}")));
                i += 4;
                continue;
            }
            // reversed("…"), strrev("…"), str_rot13("…"), "…"[::-1], "…".reverse
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(s), Tok::Punct(')'), ..]
                if matches!(
                    f.as_str(),
                    "reversed" | "strrev" | "str_rot13" | "codecs.decode"
                ) =>
            {
                let t = if f == "str_rot13" || f == "codecs.decode" {
                    rot13(s)
                } else {
                    s.chars().rev().collect()
                };
                push_str(&mut out, t, style);
                i += 4;
                continue;
            }
            [Tok::Str(s), Tok::Punct('['), Tok::Punct(':'), Tok::Punct(':'), Tok::Punct('-'), Tok::Num(one), Tok::Punct(']'), ..]
                if one == "1" =>
            {
                push_str(&mut out, s.chars().rev().collect(), style);
                i += 7;
                continue;
            }
            [Tok::Str(s), Tok::Punct('.'), Tok::Ident(r), ..] if r == "reverse" => {
                push_str(&mut out, s.chars().rev().collect(), style);
                i += 3;
                continue;
            }
            // Python `"_" * 2`: a short literal repeated.
            [Tok::Str(s), Tok::Punct('*'), Tok::Num(_), ..]
                if style == Style::Python && s.len() <= 16 =>
            {
                let (times, used) = repetition(&toks[i + 1..], style);
                if used > 0 {
                    push_str(&mut out, s.repeat(times), style);
                    i += 1 + used;
                    continue;
                }
            }
            // Python `"%s -%s %s" % ("rm", "rf", "/")` and `"rm -rf {}".format("/etc")`
            [Tok::Str(fmt), Tok::Punct('%'), Tok::Punct('('), Tok::Str(_), ..]
                if fmt.contains("%s") =>
            {
                if let Some((args, used)) = str_list(&toks[i + 2..]) {
                    push_str(&mut out, fill(fmt, "%s", &args), style);
                    i += 2 + used;
                    continue;
                }
            }
            [Tok::Str(fmt), Tok::Punct('%'), Tok::Str(arg), ..]
                if fmt.matches("%s").count() == 1 =>
            {
                push_str(&mut out, fmt.replacen("%s", arg, 1), style);
                i += 3;
                continue;
            }
            [Tok::Str(fmt), Tok::Punct('.'), Tok::Ident(f), Tok::Punct('('), Tok::Str(_), ..]
                if f == "format" && fmt.contains('{') =>
            {
                if let Some((args, used)) = str_list(&toks[i + 3..]) {
                    let mut t = fill(fmt, "{}", &args);
                    for (k, a) in args.iter().enumerate() {
                        t = t.replace(&format!("{{{k}}}"), a);
                    }
                    push_str(&mut out, t, style);
                    i += 3 + used;
                    continue;
                }
            }
            // Groovy `"cmd".execute()` / `["sh", "-c", "cmd"].execute()` → execute(…)
            [Tok::Str(c), Tok::Punct('.'), Tok::Ident(e), Tok::Punct('('), Tok::Punct(')'), ..]
                if e == "execute" && style == Style::C =>
            {
                out.push(Tok::Ident("execute".into()));
                out.push(Tok::Punct('('));
                out.push(Tok::Str(c.clone()));
                out.push(Tok::Punct(')'));
                i += 5;
                continue;
            }
            [Tok::Punct('['), Tok::Str(_), ..]
                if style == Style::C && bracketed_execute(&toks[i..]).is_some() =>
            {
                if let Some(used) = bracketed_execute(&toks[i..]) {
                    out.push(Tok::Ident("execute".into()));
                    out.push(Tok::Punct('('));
                    out.extend_from_slice(&toks[i..i + used - 4]);
                    out.push(Tok::Punct(')'));
                    i += used;
                    continue;
                }
            }
            // Python string prefixes: f"…", rb"…" are the string.
            [Tok::Ident(p), Tok::Str(_), ..]
                if style == Style::Python
                    && matches!(
                        p.to_ascii_lowercase().as_str(),
                        "f" | "r" | "b" | "u" | "rf" | "fr" | "rb" | "br"
                    ) =>
            {
                i += 1;
                continue;
            }
            // call_user_func("system", …) → system(…)
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(name), Tok::Punct(','), ..]
                if matches!(f.as_str(), "call_user_func" | "call_user_func_array")
                    && is_name(name) =>
            {
                out.push(Tok::Ident(name.clone()));
                out.push(Tok::Punct('('));
                i += 4;
                continue;
            }
            // getattr(X, 'name') → X.name
            [Tok::Ident(g), Tok::Punct('('), Tok::Ident(x), Tok::Punct(','), Tok::Str(name), Tok::Punct(')'), ..]
                if g == "getattr" && is_name(name) =>
            {
                out.push(Tok::Ident(format!("{x}.{name}")));
                i += 6;
                continue;
            }
            // __import__('os') → os ; __import__('os').path.expanduser → os.path.expanduser
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(m), Tok::Punct(')'), ..]
                if (f == "__import__"
                    || f == "importlib.import_module"
                    || f == "require"
                        && style == Style::C
                        && !m.contains('/')
                        // `const cp = require("child_process")` stays: the alias needs it
                        // (`const s = require("net").connect(…)` is a call, not an alias).
                        && (!matches!(out.last(), Some(Tok::Punct('=')))
                            || matches!(toks.get(i + 4), Some(Tok::Punct('.')))))
                    && is_name(&m.replace(['-', ':'], "_")) =>
            {
                // Node's built-in modules answer to `node:NAME` as well.
                let m = if style == Style::C {
                    m.trim_start_matches("node:")
                } else {
                    m
                };
                match (toks.get(i + 4), toks.get(i + 5)) {
                    (Some(Tok::Punct('.')), Some(Tok::Ident(attr))) => {
                        out.push(Tok::Ident(format!("{m}.{attr}")));
                        i += 6;
                    }
                    _ => {
                        out.push(Tok::Ident(m.to_string()));
                        i += 4;
                    }
                }
                continue;
            }
            // Ruby `Kernel.const_get("FileUtils")`, `Object.const_get("JSON")`: the constant.
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(name), Tok::Punct(')'), ..]
                if style == Style::Ruby
                    && (f == "const_get" || f.ends_with(".const_get"))
                    && is_name(name) =>
            {
                out.push(Tok::Ident(name.clone()));
                i += 4;
                continue;
            }
            // X.send("name", …) → X.name(…)
            [Tok::Ident(x), Tok::Punct('('), Tok::Str(name), Tok::Punct(','), ..]
                if style == Style::Ruby
                    && is_name(name)
                    && (x.ends_with(".send")
                        || x.ends_with(".public_send")
                        || x.ends_with(".__send__")
                        || x == "send"
                        || x == "public_send") =>
            {
                let base = send_receiver(x, &mut out);
                out.push(Tok::Ident(format!("{base}.{name}")));
                out.push(Tok::Punct('('));
                i += 4;
                continue;
            }
            // Perl `exec {"/bin/sh"} "sh", "-c", CMD`: the block names the program file; the
            // list is the argv as usual.
            [Tok::Ident(f), Tok::Punct('{'), Tok::Str(_), Tok::Punct('}'), ..]
                if style == Style::Perl && matches!(f.as_str(), "exec" | "system") =>
            {
                out.push(Tok::Ident(f.clone()));
                i += 4;
                continue;
            }
            // `(0, eval)(…)`: the comma expression yields the function itself (an indirect call).
            [Tok::Punct('('), Tok::Num(_), Tok::Punct(','), Tok::Ident(f), Tok::Punct(')'), Tok::Punct('('), ..]
                if style == Style::C && f == "eval" =>
            {
                out.push(Tok::Ident(f.clone()));
                i += 5;
                continue;
            }
            // X.send(:name, …) → X.name(…)
            [Tok::Ident(x), Tok::Punct('('), Tok::Punct(':'), Tok::Ident(name), ..]
                if style == Style::Ruby
                    && (x.ends_with(".send")
                        || x.ends_with(".public_send")
                        || x.ends_with(".__send__")
                        || matches!(x.as_str(), "send" | "public_send" | "__send__")) =>
            {
                let base = send_receiver(x, &mut out);
                out.push(Tok::Ident(format!("{base}.{name}")));
                out.push(Tok::Punct('('));
                i += 4;
                if matches!(toks.get(i), Some(Tok::Punct(','))) {
                    i += 1;
                }
                continue;
            }
            // X['name'](…) → X.name(…) ; f(…)['name'](…) → f(…).name(…) (a method looked up by
            // a string and called; `os.environ['X']` and other lookups stay as they are)
            [Tok::Punct('['), Tok::Str(name), Tok::Punct(']'), Tok::Punct('('), ..]
                if is_name(name) =>
            {
                match out.last_mut() {
                    Some(Tok::Ident(x)) => {
                        x.push('.');
                        x.push_str(name);
                        i += 3;
                        continue;
                    }
                    Some(Tok::Punct(')')) => {
                        out.push(Tok::Punct('.'));
                        out.push(Tok::Ident(name.clone()));
                        i += 3;
                        continue;
                    }
                    _ => {}
                }
            }
            // Tagged templates that run a shell: zx/Bun `` $`cmd` ``, `` Bun.$`cmd` `` → $("cmd").
            [Tok::Ident(b), Tok::Ident(d), Tok::Str(cmd), ..]
                if style == Style::C && b.ends_with('.') && d == "$" =>
            {
                out.push(Tok::Ident(format!("{b}$")));
                out.push(Tok::Punct('('));
                out.push(Tok::Str(cmd.clone()));
                out.push(Tok::Punct(')'));
                i += 3;
                continue;
            }
            [Tok::Ident(d), Tok::Str(cmd), ..] if style == Style::C && d == "$" => {
                out.push(Tok::Ident(d.clone()));
                out.push(Tok::Punct('('));
                out.push(Tok::Str(cmd.clone()));
                out.push(Tok::Punct(')'));
                i += 2;
                continue;
            }
            // Path("/etc/ssh").parent, os.path.dirname("/etc/ssh") → "/etc"
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(p), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(parent), ..]
                if matches!(dotted_last(f), "Path" | "PurePath" | "PosixPath")
                    && parent == "parent"
                    && p.len() > 1 =>
            {
                push_str(&mut out, parent_dir(p), style);
                i += 6;
                continue;
            }
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(p), Tok::Punct(')'), ..]
                if matches!(
                    f.as_str(),
                    "os.path.dirname" | "path.dirname" | "File.dirname" | "dirname"
                ) && p.len() > 1 =>
            {
                push_str(&mut out, parent_dir(p), style);
                i += 4;
                continue;
            }
            // Base64 literals decoded in place: b64decode("…"), atob("…"), base64_decode("…"),
            // Base64.decode64("…"), decode_base64("…"), Buffer.from("…", "base64").
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(b64), Tok::Punct(')' | ','), ..]
                if matches!(
                    dotted_last(f),
                    "b64decode"
                        | "standard_b64decode"
                        | "urlsafe_b64decode"
                        | "decodebytes"
                        | "atob"
                        | "base64_decode"
                        | "decode64"
                        | "strict_decode64"
                        | "urlsafe_decode64"
                        | "decode_base64"
                ) || f == "Buffer.from"
                    && matches!(toks.get(i + 4), Some(Tok::Str(enc)) if enc == "base64") =>
            {
                let close = if f == "Buffer.from" { i + 5 } else { i + 3 };
                let text = crate::text::base64::decode(b64)
                    .and_then(|b| String::from_utf8(b).ok())
                    .filter(|_| matches!(toks.get(close), Some(Tok::Punct(')'))));
                if let Some(text) = text {
                    push_str(&mut out, text, style);
                    i = close + 1;
                    i += decode_suffix(&toks[i..]);
                    if let [Tok::Punct('.'), Tok::Ident(t), Tok::Punct('('), Tok::Punct(')'), ..] =
                        &toks[i.min(toks.len())..]
                    {
                        if t == "toString" {
                            i += 4;
                        }
                    }
                    continue;
                }
            }
            // R paste("rm", "-rf", "/var") / paste0("a", "b")
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(_), ..]
                if matches!(f.as_str(), "paste" | "paste0") =>
            {
                if let Some((parts, used)) = str_list(&toks[i + 1..]) {
                    let sep = if f == "paste" { " " } else { "" };
                    push_str(&mut out, parts.join(sep), style);
                    i += 1 + used;
                    continue;
                }
            }
            // os.path.join("a", "b"), path.join(…), File.join(…), p.joinpath(".aws", "credentials"):
            // literal pieces become one path (the call stays, so constructors still resolve).
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(_), Tok::Punct(','), Tok::Str(_), ..]
                if matches!(
                    f.as_str(),
                    "os.path.join" | "path.join" | "File.join" | "posixpath.join"
                ) || f.ends_with(".joinpath") =>
            {
                if let Some((parts, used)) = str_list(&toks[i + 1..]) {
                    out.push(Tok::Ident(f.clone()));
                    out.push(Tok::Punct('('));
                    out.push(Tok::Str(parts.join("/").replace("//", "/")));
                    out.push(Tok::Punct(')'));
                    i += 1 + used;
                    continue;
                }
            }
            // codecs.decode("…", "rot13") / codecs.encode(…, "rot_13")
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(t), Tok::Punct(','), Tok::Str(codec), Tok::Punct(')'), ..]
                if matches!(f.as_str(), "codecs.decode" | "codecs.encode")
                    && matches!(codec.as_str(), "rot13" | "rot_13" | "rot-13") =>
            {
                push_str(&mut out, rot13(t), style);
                i += 6;
                continue;
            }
            // "…".split("").reverse().join("") (JavaScript), ("…"):reverse() (Lua)
            [Tok::Str(t), Tok::Punct('.'), Tok::Ident(sp), Tok::Punct('('), Tok::Str(empty), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(rev), Tok::Punct('('), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(j), Tok::Punct('('), Tok::Str(sep), Tok::Punct(')'), ..]
                if sp == "split"
                    && empty.is_empty()
                    && rev == "reverse"
                    && j == "join"
                    && sep.is_empty() =>
            {
                push_str(&mut out, t.chars().rev().collect(), style);
                i += 15;
                continue;
            }
            [Tok::Punct('('), Tok::Str(t), Tok::Punct(')'), Tok::Punct(':'), Tok::Ident(rev), Tok::Punct('('), Tok::Punct(')'), ..]
                if style == Style::Lua && rev == "reverse" =>
            {
                push_str(&mut out, t.chars().rev().collect(), style);
                i += 7;
                continue;
            }
            // Lua `string.reverse("…")`
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(t), Tok::Punct(')'), ..]
                if style == Style::Lua && f == "string.reverse" =>
            {
                push_str(&mut out, t.chars().rev().collect(), style);
                i += 4;
                continue;
            }
            // Perl `reverse "…"` / `scalar reverse "…"`
            [Tok::Ident(rev), Tok::Str(t), ..] if style == Style::Perl && rev == "reverse" => {
                if matches!(out.last(), Some(Tok::Ident(s)) if s == "scalar") {
                    out.pop();
                }
                push_str(&mut out, t.chars().rev().collect(), style);
                i += 2;
                continue;
            }
            // bytes.fromhex("726d").decode(), binascii.unhexlify("726d") → the decoded text.
            [Tok::Ident(f), Tok::Punct('('), Tok::Str(hex), Tok::Punct(')'), ..]
                if matches!(
                    f.as_str(),
                    "bytes.fromhex" | "bytearray.fromhex" | "binascii.unhexlify" | "unhexlify"
                ) =>
            {
                if let Some(text) = from_hex(hex) {
                    push_str(&mut out, text, style);
                    i += 4 + decode_suffix(&toks[i + 4..]);
                    continue;
                }
            }
            // bytes([114, 109]).decode(), bytearray((114, 109)) → the text of those codes.
            [Tok::Ident(f), Tok::Punct('('), Tok::Punct('[' | '('), Tok::Num(_), ..]
                if matches!(f.as_str(), "bytes" | "bytearray") =>
            {
                if let Some((text, used)) = char_codes(&toks[i + 2..]) {
                    if matches!(toks.get(i + 2 + used), Some(Tok::Punct(')'))) {
                        push_str(&mut out, text, style);
                        i += 3 + used;
                        i += decode_suffix(&toks[i..]);
                        continue;
                    }
                }
            }
            // functools.partial(F, a)(b) → F(a, b)
            [Tok::Ident(p), Tok::Punct('('), Tok::Ident(f), Tok::Punct(','), ..]
                if style == Style::Python && dotted_last(p) == "partial" =>
            {
                if let Some((bound, after)) = call_args(&toks, i + 1) {
                    if let Some((more, end)) = call_args(&toks, after) {
                        // Keyword arguments bound early (`ignore_errors=True`) go last.
                        let bound = &bound[2..];
                        let keywords = matches!(bound, [Tok::Ident(_), Tok::Punct('='), ..]);
                        let (a, b) = if keywords {
                            (more, bound)
                        } else {
                            (bound, more)
                        };
                        out.push(Tok::Ident(f.clone()));
                        out.push(Tok::Punct('('));
                        out.extend_from_slice(a);
                        if !a.is_empty() && !b.is_empty() {
                            out.push(Tok::Punct(','));
                        }
                        out.extend_from_slice(b);
                        out.push(Tok::Punct(')'));
                        i = end;
                        continue;
                    }
                }
            }
            // operator.methodcaller("system", a)(os) → os.system(a)
            [Tok::Ident(m), Tok::Punct('('), Tok::Str(name), ..]
                if style == Style::Python && dotted_last(m) == "methodcaller" && is_name(name) =>
            {
                if let Some((bound, after)) = call_args(&toks, i + 1) {
                    if let (Some(Tok::Punct('(')), Some(Tok::Ident(obj)), Some(Tok::Punct(')'))) =
                        (toks.get(after), toks.get(after + 1), toks.get(after + 2))
                    {
                        out.push(Tok::Ident(format!("{obj}.{name}")));
                        out.push(Tok::Punct('('));
                        out.extend_from_slice(bound.get(2..).unwrap_or(&[]));
                        out.push(Tok::Punct(')'));
                        i = after + 3;
                        continue;
                    }
                }
            }
            // Reflect.apply(F, this, [a]) → F(a) ; F.call(this, a) → F(a) ; F.apply(this, [a])
            [Tok::Ident(r), Tok::Punct('('), Tok::Ident(f), Tok::Punct(','), ..]
                if style == Style::C && r == "Reflect.apply" =>
            {
                if let Some((args, end)) = call_args(&toks, i + 1) {
                    if let Some(list) = split_args(args).get(2) {
                        out.push(Tok::Ident(f.clone()));
                        out.push(Tok::Punct('('));
                        out.extend_from_slice(unbracket(list));
                        out.push(Tok::Punct(')'));
                        i = end;
                        continue;
                    }
                }
            }
            [Tok::Ident(x), Tok::Punct('('), ..]
                if style == Style::C
                    && (x.ends_with(".call") || x.ends_with(".apply"))
                    && x != "Reflect.apply"
                    && x.len() > 6 =>
            {
                if let Some((args, end)) = call_args(&toks, i + 1) {
                    let parts = split_args(args);
                    if parts.len() >= 2 {
                        let (f, how) = x.rsplit_once('.').unwrap_or((x, ""));
                        // Everything after the first argument and its comma.
                        let rest_start = parts[0].len() + 1;
                        out.push(Tok::Ident(f.to_string()));
                        out.push(Tok::Punct('('));
                        if how == "apply" {
                            out.extend_from_slice(unbracket(parts[1]));
                        } else {
                            out.extend_from_slice(&args[rest_start..]);
                        }
                        out.push(Tok::Punct(')'));
                        i = end;
                        continue;
                    }
                }
            }
            // Ruby method(:system).call(a), Kernel.method(:system).(a) → Kernel.system(a)
            [Tok::Ident(m), Tok::Punct('('), Tok::Punct(':'), Tok::Ident(name), Tok::Punct(')'), Tok::Punct('.'), ..]
                if style == Style::Ruby && dotted_last(m) == "method" =>
            {
                let base = m.rsplit_once('.').map(|p| p.0).unwrap_or("Kernel");
                let mut j = i + 6;
                if matches!(toks.get(j), Some(Tok::Ident(c)) if c == "call") {
                    j += 1;
                }
                if matches!(toks.get(j), Some(Tok::Punct('('))) {
                    out.push(Tok::Ident(format!("{base}.{name}")));
                    i = j;
                    continue;
                }
            }
            // R do.call(system, list("…")) / do.call("system", list(…)) → system(…)
            [Tok::Ident(d), Tok::Punct('('), Tok::Ident(_) | Tok::Str(_), Tok::Punct(','), Tok::Ident(l), Tok::Punct('('), ..]
                if d == "do.call" && l == "list" =>
            {
                let f = match &toks[i + 2] {
                    Tok::Ident(f) | Tok::Str(f) => f.clone(),
                    _ => unreachable!(),
                };
                if let Some((args, end)) = call_args(&toks, i + 1) {
                    if let Some((inner, _)) = call_args(&toks, i + 5) {
                        out.push(Tok::Ident(f));
                        out.push(Tok::Punct('('));
                        out.extend_from_slice(inner);
                        out.push(Tok::Punct(')'));
                        let _ = args;
                        i = end;
                        continue;
                    }
                }
            }
            // map(chr, [114, 109]) → "rm" (before the general rewrite below)
            [Tok::Ident(m), Tok::Punct('('), Tok::Ident(c), Tok::Punct(','), Tok::Punct('[' | '('), Tok::Num(_), ..]
                if m == "map" && c == "chr" =>
            {
                if let Some((text, used)) = char_codes(&toks[i + 4..]) {
                    if matches!(toks.get(i + 4 + used), Some(Tok::Punct(')'))) {
                        push_str(&mut out, text, style);
                        i += 5 + used;
                        continue;
                    }
                }
            }
            // Path.home().parent → "/home"
            [Tok::Ident(h), Tok::Punct('('), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(parent), ..]
                if matches!(h.as_str(), "Path.home" | "pathlib.Path.home")
                    && parent == "parent" =>
            {
                push_str(&mut out, "/home".into(), style);
                i += 5;
                continue;
            }
            // map(F, [a, b]), array_map("F", [a, b]), lapply(list(a), F) → F(a); F(b)
            [Tok::Ident(m), Tok::Punct('('), ..]
                if matches!(
                    m.as_str(),
                    "map" | "array_map" | "lapply" | "sapply" | "Map"
                ) =>
            {
                if let Some((f, items, end)) = mapped_call(&toks, i) {
                    for item in items {
                        out.push(Tok::Ident(f.clone()));
                        out.push(Tok::Punct('('));
                        out.extend_from_slice(item);
                        out.push(Tok::Punct(')'));
                        out.push(Tok::Punct(';'));
                    }
                    i = end;
                    continue;
                }
            }
            [Tok::Ident(x), ..]
                if matches!(
                    x.as_str(),
                    "os.sep"
                        | "os.path.sep"
                        | "path.sep"
                        | "File::SEPARATOR"
                        | "File.SEPARATOR"
                        | "DIRECTORY_SEPARATOR"
                ) =>
            {
                push_str(&mut out, "/".into(), style);
                i += 1;
                continue;
            }
            [Tok::Str(s), ..] => {
                push_str(&mut out, s.clone(), style);
                i += 1;
                continue;
            }
            _ => {}
        }
        // `'a' + 'b'`: fold when a literal follows the operator after a literal.
        let n = concat(rest);
        // `'a' + '_' * 2`, `'a' + 'b'[::-1]`: an operator that binds tighter comes first.
        let tighter = match toks.get(i + n + 1) {
            Some(Tok::Punct('*' | '[' | '%')) => true,
            Some(Tok::Punct('.')) => !matches!(style, Style::Perl | Style::Php | Style::Lua),
            _ => false,
        };
        if n > 0 && !tighter && matches!(out.last(), Some(Tok::Str(_))) {
            if let Some(Tok::Str(next)) = toks.get(i + n) {
                if let Some(Tok::Str(prev)) = out.last_mut() {
                    prev.push_str(next);
                }
                i += n + 1;
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// The last component of a dotted name.
fn dotted_last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The directory that contains `p` (`/etc/ssh` → `/etc`, `/etc` → `/`, `~/x` → `~`).
fn parent_dir(p: &str) -> String {
    let t = p.trim_end_matches('/');
    match t.rfind('/') {
        Some(0) => "/".into(),
        Some(k) => t[..k].into(),
        None => ".".into(),
    }
}

/// Hex text decoded as UTF-8 (`bytes.fromhex`).
fn from_hex(hex: &str) -> Option<String> {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) || digits.is_empty() {
        return None;
    }
    let bytes: Option<Vec<u8>> = digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// Tokens of a `.decode()` / `.decode("utf-8")` that follows decoded bytes (0 when none).
fn decode_suffix(toks: &[Tok]) -> usize {
    match toks {
        [Tok::Punct('.'), Tok::Ident(d), Tok::Punct('('), Tok::Punct(')'), ..] if d == "decode" => {
            4
        }
        [Tok::Punct('.'), Tok::Ident(d), Tok::Punct('('), Tok::Str(_), Tok::Punct(')'), ..]
            if d == "decode" =>
        {
            5
        }
        _ => 0,
    }
}

/// The inside of `[ … ]` or `( … )`, or the tokens as they are.
fn unbracket(toks: &[Tok]) -> &[Tok] {
    match (toks.first(), toks.last()) {
        (Some(Tok::Punct('[' | '(')), Some(Tok::Punct(']' | ')'))) if toks.len() >= 2 => {
            &toks[1..toks.len() - 1]
        }
        _ => toks,
    }
}

/// `map(F, [a, b])` / `array_map("F", [a, b])` (function first) or `lapply(list(a), F)`
/// (function last) at `toks[i]`: the function, the list's items, and the closing parenthesis.
/// Only a literal list with a named function qualifies.
fn mapped_call(toks: &[Tok], i: usize) -> Option<(String, Vec<&[Tok]>, usize)> {
    let (args, end) = call_args(toks, i + 1)?;
    let parts = split_args(args);
    let [a, b] = parts.as_slice() else {
        return None;
    };
    let func = |t: &[Tok]| match t {
        [Tok::Ident(f)] | [Tok::Str(f)] if is_name(&f.replace('.', "_")) => Some(f.clone()),
        _ => None,
    };
    fn list(t: &[Tok]) -> Option<Vec<&[Tok]>> {
        let inner = match t {
            [Tok::Ident(l), Tok::Punct('('), .., Tok::Punct(')')] if l == "list" || l == "c" => {
                &t[2..t.len() - 1]
            }
            [Tok::Punct('[' | '('), .., Tok::Punct(']' | ')')] => &t[1..t.len() - 1],
            _ => return None,
        };
        let items = split_args(inner);
        (!items.is_empty() && items.len() <= 16 && items.iter().all(|x| !x.is_empty()))
            .then_some(items)
    }
    if let (Some(f), Some(items)) = (func(a), list(b)) {
        return Some((f, items, end));
    }
    let (Some(items), Some(f)) = (list(a), func(b)) else {
        return None;
    };
    Some((f, items, end))
}

/// `(114, 109, 32)` or `[114, 109, 32]` → the text of those character codes, and the tokens used
/// (brackets included); `None` unless every element is a number that is a character.
fn char_codes(toks: &[Tok]) -> Option<(String, usize)> {
    let close = match toks.first() {
        Some(Tok::Punct('(')) => ')',
        Some(Tok::Punct('[')) => ']',
        _ => return None,
    };
    let mut out = String::new();
    let mut j = 1;
    loop {
        match toks.get(j)? {
            Tok::Num(n) => out.push(char_code(n)?),
            _ => return None,
        }
        match toks.get(j + 1)? {
            Tok::Punct(',') => j += 2,
            Tok::Punct(c) if *c == close => return Some((out, j + 2)),
            _ => return None,
        }
    }
}

/// The receiver of Ruby's `X.send(…)`: `X`, or what the tokens before a bare `.send` name
/// (`Kernel.const_get("FileUtils").send(…)` after the constant was resolved, taken off `out`),
/// or `Kernel` for a bare `send(…)` (the current object's methods).
fn send_receiver(x: &str, out: &mut Vec<Tok>) -> String {
    if let Some((base, _)) = x.rsplit_once('.') {
        return base.to_string();
    }
    if let [.., Tok::Ident(receiver), Tok::Punct('.')] = out.as_slice() {
        let receiver = receiver.clone();
        out.truncate(out.len() - 2);
        return receiver;
    }
    "Kernel".to_string()
}

/// `(["a", "b"])` or `("a", "b")` → the strings and the tokens used; `None` unless all are
/// literals.
fn str_list(toks: &[Tok]) -> Option<(Vec<String>, usize)> {
    if toks.first() != Some(&Tok::Punct('(')) {
        return None;
    }
    let bracket = toks.get(1) == Some(&Tok::Punct('['));
    let mut j = if bracket { 2 } else { 1 };
    let mut out = Vec::new();
    loop {
        match toks.get(j)? {
            Tok::Str(s) => out.push(s.clone()),
            _ => return None,
        }
        match toks.get(j + 1)? {
            Tok::Punct(',') => j += 2,
            Tok::Punct(']') if bracket && toks.get(j + 2) == Some(&Tok::Punct(')')) => {
                return Some((out, j + 3))
            }
            Tok::Punct(')') if !bracket => return Some((out, j + 2)),
            _ => return None,
        }
    }
}

/// `["sh", "-c", "cmd"].execute()`: the tokens used, when that is what follows.
fn bracketed_execute(toks: &[Tok]) -> Option<usize> {
    let (_, used) = str_list(&bracketed(toks))?;
    let used = used - 2;
    match &toks[used..] {
        [Tok::Punct('.'), Tok::Ident(e), Tok::Punct('('), Tok::Punct(')'), ..]
            if e == "execute" =>
        {
            Some(used + 4)
        }
        _ => None,
    }
}

/// `["a", "b"].join("_")` → the joined text and the tokens used.
fn joined_array(toks: &[Tok]) -> Option<(String, usize)> {
    let (parts, used) = str_list(&bracketed(toks))?;
    let used = used - 2;
    match &toks[used..] {
        [Tok::Punct('.'), Tok::Ident(j), Tok::Punct('('), Tok::Str(sep), Tok::Punct(')'), ..]
            if j == "join" =>
        {
            Some((parts.join(sep), used + 5))
        }
        _ => None,
    }
}

/// `["a", "b"]…` seen as `(["a", "b"])…`, so [`str_list`] can read a bare array literal (the
/// count it returns is then two more than the array's tokens).
fn bracketed(toks: &[Tok]) -> Vec<Tok> {
    let end = toks
        .iter()
        .position(|t| *t == Tok::Punct(']'))
        .map(|p| p + 1)
        .unwrap_or(toks.len());
    let mut v = Vec::with_capacity(end + 2);
    v.push(Tok::Punct('('));
    v.extend_from_slice(&toks[..end]);
    v.push(Tok::Punct(')'));
    v
}

/// Replace each `hole` in `fmt` with the next argument, in order.
fn fill(fmt: &str, hole: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut parts = fmt.split(hole);
    out.push_str(parts.next().unwrap_or(""));
    for (k, p) in parts.enumerate() {
        out.push_str(args.get(k).map(String::as_str).unwrap_or(hole));
        out.push_str(p);
    }
    out
}

fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}

/// Push a literal, folding it into a literal just before it joined by a concatenation operator.
fn push_str(out: &mut Vec<Tok>, s: String, style: Style) {
    // Python and Ruby join adjacent literals: `'sys' 'tem'` is `'system'`.
    if matches!(style, Style::Python | Style::Ruby) {
        if let Some(Tok::Str(prev)) = out.last_mut() {
            prev.push_str(&s);
            return;
        }
    }
    let k = out.len();
    let joined = match style {
        Style::Lua => k >= 3 && out[k - 1] == Tok::Punct('.') && out[k - 2] == Tok::Punct('.'),
        Style::Perl | Style::Php => k >= 2 && out[k - 1] == Tok::Punct('.'),
        _ => k >= 2 && out[k - 1] == Tok::Punct('+'),
    };
    let ops = match style {
        Style::Lua => 2,
        _ => 1,
    };
    if joined && matches!(out.get(k - 1 - ops), Some(Tok::Str(_))) {
        out.truncate(k - ops);
        if let Some(Tok::Str(prev)) = out.last_mut() {
            prev.push_str(&s);
            return;
        }
    }
    out.push(Tok::Str(s));
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indirect_calls_become_direct_calls() {
        let n = |src: &str, st| normalize(tokenize(src, st), st);
        let call = |name: &str, arg: &str| {
            vec![
                Tok::Ident(name.into()),
                Tok::Punct('('),
                Tok::Str(arg.into()),
                Tok::Punct(')'),
            ]
        };
        let py = Style::Python;
        assert_eq!(
            n("functools.partial(os.system, 'rm -rf ~')()", py),
            call("os.system", "rm -rf ~")
        );
        assert_eq!(
            n(
                "functools.partial(shutil.rmtree, ignore_errors=True)('/var')",
                py
            )[..3],
            call("shutil.rmtree", "/var")[..3]
        );
        assert_eq!(
            n("operator.methodcaller('system', 'rm -rf /')(os)", py),
            call("os.system", "rm -rf /")
        );
        assert_eq!(
            n("os.system(bytes.fromhex('726d202d7266207e').decode())", py),
            call("os.system", "rm -rf ~")
        );
        assert_eq!(
            n("os.system(bytes([114, 109]).decode())", py),
            call("os.system", "rm")
        );
        assert_eq!(
            n("os.system(''.join(map(chr, [114, 109])))", py),
            call("os.system", "rm")
        );
        assert_eq!(
            n("shutil.rmtree(pathlib.Path('/etc/ssh').parent)", py),
            call("shutil.rmtree", "/etc")
        );
        assert_eq!(
            n("shutil.rmtree(Path.home().parent)", py),
            call("shutil.rmtree", "/home")
        );
        assert_eq!(
            n("shutil.rmtree(base64.b64decode('L2hvbWU=').decode())", py),
            call("shutil.rmtree", "/home")
        );
        assert_eq!(
            n("shutil.rmtree('/' + codecs.decode('rgp', 'rot13'))", py),
            call("shutil.rmtree", "/etc")
        );
        let js = Style::C;
        assert_eq!(
            n(
                "fs.rmSync(Buffer.from('L2V0Yw==', 'base64').toString())",
                js
            ),
            call("fs.rmSync", "/etc")
        );
        assert_eq!(
            n("fs.rmSync('cte/'.split('').reverse().join(''))", js),
            call("fs.rmSync", "/etc")
        );
        assert_eq!(
            n("os.execute(('cte/ fr- mr'):reverse())", Style::Lua),
            call("os.execute", "rm -rf /etc")
        );
        assert_eq!(
            n("system(scalar reverse 'cte/ fr- mr')", Style::Perl),
            call("system", "rm -rf /etc")
        );
        assert_eq!(
            n("system(base64_decode('cm0gLXJmIH4v'))", Style::Php),
            call("system", "rm -rf ~/")
        );
        assert_eq!(
            n("Reflect.apply(cp.execSync, null, ['rm -rf ~'])", js),
            call("cp.execSync", "rm -rf ~")
        );
        assert_eq!(
            n("cp.execSync.call(null, 'rm -rf ~')", js),
            call("cp.execSync", "rm -rf ~")
        );
        assert_eq!(
            n("await Bun.$`rm -rf ~`", js)[1..],
            call("Bun.$", "rm -rf ~")[..]
        );
        let rb = Style::Ruby;
        assert_eq!(
            n("Kernel.method(:system).call('rm -rf ~')", rb),
            call("Kernel.system", "rm -rf ~")
        );
        assert_eq!(
            n("do.call(system, list('rm -rf ~'))", Style::Lua),
            call("system", "rm -rf ~")
        );
        let mut twice = call("system", "a");
        twice.push(Tok::Punct(';'));
        twice.extend(call("system", "b"));
        twice.push(Tok::Punct(';'));
        assert_eq!(n("array_map('system', ['a', 'b'])", Style::Php), twice);
        // Ordinary code keeps its shape.
        assert_eq!(n("[1, 2].map(x => x * 2)", js)[0], Tok::Punct('['));
        assert_eq!(
            n("print(list(map(str.upper, names)))", py)[2],
            Tok::Ident("list".into())
        );
    }

    #[test]
    fn normalize_undoes_spelled_names_and_strings() {
        let n = |src: &str, st| normalize(tokenize(src, st), st);
        let t = n("getattr(os,'sys'+'tem')('rm -rf /')", Style::Python);
        assert_eq!(t[0], Tok::Ident("os.system".into()));
        assert!(t.contains(&Tok::Str("rm -rf /".into())));
        let t = n("import shutil; shutil.rmtree(chr(47))", Style::Python);
        assert!(t.contains(&Tok::Str("/".into())));
        let t = n("import shutil; shutil.rmtree(chr(0x2f))", Style::Python);
        assert!(t.contains(&Tok::Str("/".into())));
        let t = n("rmtree(chr 47)", Style::Perl);
        assert!(t.contains(&Tok::Str("/".into())));
        let t = n("print(chr(0b101111) + chr(0o57))", Style::Python);
        assert!(t.contains(&Tok::Str("//".into())));
        let t = n("shutil.rmtree(os.sep)", Style::Python);
        assert!(t.contains(&Tok::Str("/".into())));
        let t = n("getattr(__import__('os'),'system')('id')", Style::Python);
        assert_eq!(t[0], Tok::Ident("os.system".into()));
        let t = n("require('node:child_process').spawn('rm')", Style::C);
        assert_eq!(t[0], Tok::Ident("child_process.spawn".into()));
        let t = n("require('child_process')['ex'+'ecSync']('id')", Style::C);
        assert!(t.contains(&Tok::Ident("child_process.execSync".into())));
        // Character codes, joins, reversals and rot13 become the text they spell.
        let rm = Tok::Str("rm -rf /".into());
        for (src, st) in [
            (
                "exec(String.fromCharCode(114,109,32,45,114,102,32,47))",
                Style::C,
            ),
            (
                "os.execute(string.char(114,109,32,45,114,102,32,47))",
                Style::Lua,
            ),
            (
                "$c=join\"\",map{chr}(114,109,32,45,114,102,32,47)",
                Style::Perl,
            ),
            ("os.system(''.join(reversed('/ fr- mr')))", Style::Python),
            ("os.system('/ fr- mr'[::-1])", Style::Python),
            ("os.system(''.join(['rm', ' -rf', ' /']))", Style::Python),
            ("x = ['rm', '-rf', '/'].join(' ')", Style::C),
            ("system(str_rot13('ez -es /'))", Style::Php),
        ] {
            assert!(n(src, st).contains(&rm), "{src}: {:?}", n(src, st));
        }
        let t = n("call_user_func('system', 'id')", Style::Php);
        assert_eq!(t[0], Tok::Ident("system".into()));
        let t = n("Kernel.public_send('sys'+'tem', 'id')", Style::Ruby);
        assert_eq!(t[0], Tok::Ident("Kernel.system".into()));
        let t = n("require('fs').rmSync('/x')", Style::C);
        assert_eq!(t[0], Tok::Ident("fs.rmSync".into()));
        // An alias keeps its `require` (the import table reads it).
        let t = n("const cp = require('child_process')", Style::C);
        assert!(t.contains(&Tok::Ident("require".into())));
        // Ordinary code is left alone.
        let t = n("console.log(String.fromCharCode(x))", Style::C);
        assert!(t.contains(&Tok::Ident("String.fromCharCode".into())));
        let t = n("FileUtils.send(:rm_rf, '/')", Style::Ruby);
        assert_eq!(t[0], Tok::Ident("FileUtils.rm_rf".into()));
        let t = n("system('r' . 'm -rf /')", Style::Perl);
        assert!(t.contains(&Tok::Str("rm -rf /".into())));
        let t = n("x = 'a' + b + 'c'", Style::Python);
        assert!(!t.contains(&Tok::Str("ac".into())));
        // Adjacent literals are one string in Python and Ruby; a module's `__dict__` holds
        // its functions by name.
        let t = n("getattr(os, 'sys' 'tem')('rm -rf /')", Style::Python);
        assert_eq!(t[0], Tok::Ident("os.system".into()));
        let t = n("os.__dict__['sys'+'tem']('rm -rf /')", Style::Python);
        assert_eq!(t[0], Tok::Ident("os.system".into()));
        let t = n("system \"rm \" \"-rf /\"", Style::Ruby);
        assert!(t.contains(&rm));
        let t = n("eval(chr(95)*2+'import'+chr(95)*2)", Style::Python);
        assert!(t.contains(&Tok::Str("__import__".into())));
        let t = n("x = 'a' + '-' * 3 + 'b'", Style::Python);
        assert!(t.contains(&Tok::Str("a---b".into())), "{t:?}");
        let t = n("d = {'a': 'b', 'c': 'd'}", Style::Python);
        assert!(!t.contains(&Tok::Str("ab".into())) && !t.contains(&Tok::Str("bc".into())));
    }

    #[test]
    fn line_breaks_end_statements_inside_blocks_but_not_inside_literals() {
        let semis = |src: &str, st| {
            tokenize(src, st)
                .iter()
                .filter(|t| **t == Tok::Punct(';'))
                .count()
        };
        // A Go function body: each line is a statement (the last one ends at the brace).
        assert_eq!(
            semis(
                "func main() {\n\th, _ := os.UserHomeDir()\n\tos.RemoveAll(h)\n}\n",
                Style::C
            ),
            2
        );
        // Ruby block bodies likewise (the parameter line `|d|` runs on into the first statement).
        assert_eq!(semis("[1].each { |d|\n  x = d\n  rm(x)\n}", Style::Ruby), 1);
        // Literals and chained calls spread over lines stay one expression.
        assert_eq!(semis("const o = {\n  a: 1,\n  b: f(2)\n}", Style::C), 0);
        assert_eq!(
            semis("p.then(x => {\n  go(x)\n})\n  .catch(e)", Style::C),
            1
        );
        assert_eq!(semis("d = {\n 'a': 1,\n 'b': 2\n}", Style::Python), 0);
        assert_eq!(semis("f({\n a: b +\n c\n})", Style::C), 0);
    }

    #[test]
    fn python_strings_and_paths() {
        let t = tokenize("import os; os.system('rm -rf /') # c", Style::Python);
        assert!(t.contains(&Tok::Ident("os.system".into())));
        assert!(t.contains(&Tok::Str("rm -rf /".into())));
        assert!(!t.iter().any(|x| matches!(x, Tok::Ident(s) if s == "c")));
        let t = tokenize("r'a\\b' + \"\"\"x\ny\"\"\"", Style::Python);
        assert_eq!(t[0], Tok::Str("a\\b".into()));
        assert_eq!(t[2], Tok::Str("x\ny".into()));
    }

    #[test]
    fn perl_and_ruby_command_literals() {
        let t = tokenize("qx{id}; `whoami`; File::Path::rmtree('/x')", Style::Perl);
        assert_eq!(t[0], Tok::Cmd("id".into()));
        assert!(t.contains(&Tok::Cmd("whoami".into())));
        assert!(t.contains(&Tok::Ident("File.Path.rmtree".into())));
        let t = tokenize("%x(rm -rf ~); x = 5 % 3", Style::Ruby);
        assert_eq!(t[0], Tok::Cmd("rm -rf ~".into()));
    }

    #[test]
    fn unterminated_and_hostile_input_never_panics() {
        for s in [
            "'abc",
            "qx{",
            "%x(",
            "\"\\",
            "r'",
            "'''",
            "[[",
            "/*",
            "`",
            "a.",
            "a::",
            "\\x4",
            "@",
            "@@x",
            "$@",
            "a@b",
            "print @ARGV",
        ] {
            for style in [
                Style::C,
                Style::Python,
                Style::Perl,
                Style::Ruby,
                Style::Php,
                Style::Lua,
            ] {
                let _ = tokenize(s, style);
            }
        }
    }
}
