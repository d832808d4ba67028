//! Lexical fix-ups applied to shell source before tree-sitter sees it.
//!
//! tree-sitter-bash misreads two constructs that bash itself resolves before parsing words:
//! line continuations inside a word (`r\⏎m`, which bash joins into `rm`) and brace expansion in
//! command position (`{rm,-rf,/}`, which bash expands to `rm -rf /`). Both are rewritten here so that
//! the parser sees what bash will run. Brace lists are rewritten in place with spaces (same length,
//! so byte offsets are unchanged); removed line continuations are tracked in a position map.

use super::heredoc;

/// Source text after the fix-ups, with a map back to the input positions when lengths changed.
pub struct Preprocessed {
    /// The text to parse.
    pub text: String,
    /// `map[i]` is the input offset of byte `i` of `text` (one extra entry for the end), or `None`
    /// when `text` has the same byte positions as the input.
    pub map: Option<Vec<usize>>,
}

/// Apply the fix-ups to `src`.
pub fn preprocess(src: &str) -> Preprocessed {
    let needs_join = src.contains("\\\n");
    let needs_brace = src.contains('{') && src.contains(',');
    let needs_coproc = src.contains("coproc");
    let needs_offset = src.contains(":$");
    let needs_expressions = src.contains("${{");
    let trailing_escape = ends_with_escape(src);
    let needs_notebook = has_notebook_escape(src);
    let needs_prefixes = src.contains("! ") || src.contains("!\t") || src.contains("time");
    let needs_semicolon = src.contains(";}") && src.contains("${");
    let needs_empty_substitution = src.contains("$()");
    let needs_fd_names = src.contains("}>") || src.contains("}<");
    let needs_fd_tricks = src.contains("0<") || src.contains("&-");
    let needs_heredoc = src.contains("<<");
    let needs_hash = src.contains("$((")
        || src
            .as_bytes()
            .windows(2)
            .any(|w| matches!(w[1], b'#' | b'[') && (w[0].is_ascii_alphanumeric() || w[0] == b'_'));
    // A comment alone in backticks is read as empty only outside heredoc bodies (data, or another
    // language's `#{…}` there).
    let backtick_comments = !src.contains("<<");
    let needs_backticks = src.contains('`')
        && (0..src.len())
            .any(|i| blank_backtick_end(src.as_bytes(), i, backtick_comments).is_some());
    if !needs_prefixes
        && !needs_fd_names
        && !needs_fd_tricks
        && !needs_hash
        && !needs_heredoc
        && !needs_empty_substitution
        && !needs_backticks
        && !needs_semicolon
        && !needs_notebook
        && !needs_join
        && !needs_brace
        && !needs_coproc
        && !needs_offset
        && !needs_expressions
        && !trailing_escape
    {
        return Preprocessed {
            text: src.to_string(),
            map: None,
        };
    }
    let mut bytes = src.as_bytes().to_vec();
    if needs_heredoc {
        heredoc::prepare_bodies_for_parser(&mut bytes);
    }
    if needs_coproc {
        blank_coproc_keywords(&mut bytes);
    }
    if needs_brace {
        rewrite_brace_lists(&mut bytes);
    }
    if needs_offset {
        blank_offset_dollars(&mut bytes);
    }
    if needs_expressions {
        rename_ci_expressions(&mut bytes);
    }
    if needs_notebook {
        strip_notebook_escapes(&mut bytes);
    }
    if needs_prefixes {
        blank_statement_prefixes(&mut bytes);
    }
    if needs_semicolon {
        blank_semicolons_closing_expansions(&mut bytes);
    }
    if needs_backticks {
        rewrite_blank_backticks(&mut bytes, backtick_comments);
    }
    if needs_empty_substitution {
        rewrite_empty_substitutions(&mut bytes);
    }
    if needs_fd_names {
        rewrite_named_descriptors(&mut bytes);
    }
    if needs_fd_tricks {
        blank_descriptor_tricks(&mut bytes);
    }
    if trailing_escape {
        // `cd build\`, `dir src\` (a Windows path typed at the end of the input): a backslash
        // with nothing after it escapes nothing, and tree-sitter-bash rejects the whole input.
        if let Some(last) = bytes.last_mut() {
            *last = b' ';
        }
    }
    let (mut bytes, mut map) = if needs_join {
        let (out, map) = join_continuations(&bytes);
        (out, Some(map))
    } else {
        (bytes, None)
    };
    if needs_brace {
        if let Some((out, quoted)) = quote_glued_brace_words(&bytes) {
            map = Some(match map {
                Some(earlier) => quoted.iter().map(|&j| earlier[j]).collect(),
                None => quoted,
            });
            bytes = out;
        }
    }
    if needs_hash {
        if let Some((out, escaped)) = escape_glued_marks(&bytes) {
            map = Some(match map {
                Some(joined) => escaped.iter().map(|&j| joined[j]).collect(),
                None => escaped,
            });
            bytes = out;
        }
    }
    if needs_heredoc {
        for step in [move_heredoc_operators, move_commands_after_heredoc] {
            if let Some((out, moved)) = step(&bytes) {
                map = Some(match map {
                    Some(earlier) => moved.iter().map(|&j| earlier[j]).collect(),
                    None => moved,
                });
                bytes = out;
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Preprocessed { text, map },
        Err(_) => Preprocessed {
            text: src.to_string(),
            map: None,
        },
    }
}

/// Does the `((` at `at` close with `))` (arithmetic) rather than with `)` … `)` (a subshell
/// inside a command substitution: `$((a; b) | c)`)? An unclosed one is left as it is.
fn closes_as_arithmetic(b: &[u8], at: usize) -> bool {
    let mut depth = 0usize;
    let mut i = at;
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 1 {
                    return b.get(i + 1) == Some(&b')');
                }
            }
            q @ (b'\'' | b'"') => {
                i += b[i + 1..]
                    .iter()
                    .position(|&x| x == q)
                    .map_or(b.len(), |p| p + 1);
            }
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    true
}

/// Does `close` come before the word ends (a blank, an operator or the end of the text)?
fn closes_in_word(rest: &[u8], close: u8) -> bool {
    rest.iter()
        .take_while(|&&c| !matches!(c, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>'))
        .any(|&c| c == close)
}

/// tree-sitter-bash reads a `#` glued to the end of a name-like word as the start of a comment
/// (`make#; rm -rf /` became `make` and a comment), while bash starts a comment only at the start
/// of a word: `make#` is one word and `rm -rf /` runs. Each such `#` (and an unclosed `[`, which
/// fails the whole parse) gets a backslash (`make\#`, the same word to bash), and a `$((` that
/// bash reads as a command substitution of a subshell gets a blank (`$( (`). Quotes, comments,
/// heredoc bodies and arithmetic (`2#101`) are left alone. Returns the new text and the map back
/// to `b`, or `None` when nothing changed.
fn escape_glued_marks(b: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut glued = Vec::new();
    let mut quote = 0u8;
    let mut heredocs: Vec<(Vec<u8>, bool)> = Vec::new();
    let (mut in_word, mut name_like) = (false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            match (quote, c) {
                (b'\'' | b'$', b'\'') | (b'"', b'"') => quote = 0,
                (b'$' | b'"', b'\\') => i += 1,
                // `"… $((crontab -l; echo …) | crontab -)"`: the same inside double quotes.
                (b'"', b'$')
                    if b.get(i + 1) == Some(&b'(')
                        && b.get(i + 2) == Some(&b'(')
                        && !closes_as_arithmetic(b, i + 1) =>
                {
                    glued.push((i + 2, b' '));
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'\n' => {
                (in_word, name_like) = (false, false);
                i += 1;
                for (delim, strip_tabs) in heredocs.drain(..) {
                    i = heredoc::body_end(b, i, &delim, strip_tabs).unwrap_or(b.len());
                }
                continue;
            }
            b'<' => {
                let run = b[i..].iter().take_while(|&&x| x == b'<').count();
                if run == 2 {
                    if let Some((delim, strip_tabs, end)) = heredoc::delimiter(b, i + 2) {
                        heredocs.push((delim, strip_tabs));
                        (in_word, name_like) = (false, false);
                        i = end;
                        continue;
                    }
                }
                (in_word, name_like) = (false, false);
                i += run;
                continue;
            }
            // `$((crontab -l; echo …) | crontab -)`: bash reads a `$((` that does not close with
            // `))` as a command substitution starting with a subshell; tree-sitter-bash fails on
            // it as arithmetic. A blank between the parens says the same to both.
            b'(' if b.get(i + 1) == Some(&b'(')
                && i > 0
                && b[i - 1] == b'$'
                && !closes_as_arithmetic(b, i) =>
            {
                glued.push((i + 1, b' '));
                (in_word, name_like) = (false, false);
            }
            b'(' if b.get(i + 1) == Some(&b'(') => {
                // Arithmetic: `((n = 2#101))`, `$((16#ff))`.
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                (in_word, name_like) = (false, false);
            }
            b' ' | b'\t' | b';' | b'&' | b'|' | b'(' | b')' | b'>' => {
                (in_word, name_like) = (false, false);
            }
            b'#' if !in_word => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                continue;
            }
            b'#' if name_like => {
                glued.push((i, b'\\'));
                name_like = false;
            }
            // `make[; rm -rf /`: an unclosed `[` is a literal character of the word to bash, but
            // tree-sitter-bash fails the whole statement list on it.
            b'[' if name_like && !closes_in_word(&b[i + 1..], b']') => {
                glued.push((i, b'\\'));
                name_like = false;
            }
            b'\\' => {
                (in_word, name_like) = (true, false);
                i += 2;
                continue;
            }
            b'\'' | b'"' => {
                quote = if c == b'\'' && i > 0 && b[i - 1] == b'$' {
                    b'$'
                } else {
                    c
                };
                (in_word, name_like) = (true, false);
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                name_like = name_like || !in_word;
                in_word = true;
            }
            _ => (in_word, name_like) = (true, false),
        }
        i += 1;
    }
    if glued.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() + glued.len());
    let mut map = Vec::with_capacity(b.len() + glued.len() + 1);
    let mut next = glued.iter().peekable();
    for (i, &c) in b.iter().enumerate() {
        if let Some(&&(_, inserted)) = next.peek().filter(|(at, _)| *at == i) {
            next.next();
            out.push(inserted);
            map.push(i);
        }
        out.push(c);
        map.push(i);
    }
    map.push(b.len());
    Some((out, map))
}

/// `${PROMPT_COMMAND:+$PROMPT_COMMAND;}`: tree-sitter-bash reads a `;` right before the `}` that
/// closes a parameter expansion as the end of a statement and rejects the input. The `;` becomes a
/// space (same length): the word's value keeps its commands apart either way.
fn blank_semicolons_closing_expansions(bytes: &mut [u8]) {
    let mut i = 0;
    while i + 2 < bytes.len() {
        let named = bytes[i] == b'$'
            && bytes[i + 1] == b'{'
            && (bytes[i + 2].is_ascii_alphanumeric() || b"_@*#?!$-".contains(&bytes[i + 2]));
        if !named {
            i += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'\\' => j += 1,
                b'\n' => break,
                _ => {}
            }
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'}' && bytes[j - 1] == b';' && j - 1 > i + 2 {
            bytes[j - 1] = b' ';
        }
        i += 2;
    }
}

/// The index of the closing backtick when `bytes[open]` opens a backtick substitution holding
/// only blanks (`` `` ``, `` ` ` ``) or only a comment on one line (`` `# x` ``: bash reads the
/// backticks' text, then runs it, and a comment prints nothing — `` r`#`m `` is `rm`).
fn blank_backtick_end(bytes: &[u8], open: usize, comments: bool) -> Option<usize> {
    if bytes.get(open) != Some(&b'`') {
        return None;
    }
    let blanks = bytes[open + 1..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let at = open + 1 + blanks;
    match bytes.get(at) {
        Some(b'`') => Some(at),
        Some(b'#') if comments => {
            let len = bytes[at..]
                .iter()
                .position(|&b| matches!(b, b'`' | b'\n' | b'\\'))?;
            (bytes[at + len] == b'`').then_some(at + len)
        }
        _ => None,
    }
}

/// `echo ``; rm -rf /`: tree-sitter-bash cannot read an empty backtick substitution and swallows
/// the statements after it into one broken word. It becomes empty quotes of the same length
/// (`""""`, or `$''""` for an odd length): an empty word, as its empty output is, and still
/// glued to the letters around it (`` r` `m `` is `rm`).
fn rewrite_blank_backticks(bytes: &mut [u8], comments: bool) {
    // Backticks do not nest: they pair up in order, so the first, third, … one opens.
    let mut seen = 0usize;
    scan_unquoted(bytes, |bytes, i| {
        if bytes[i] != b'`' {
            return None;
        }
        seen += 1;
        if seen.is_multiple_of(2) {
            return None;
        }
        let end = blank_backtick_end(bytes, i, comments)?;
        seen += 1;
        let mut at = i;
        if (end + 1 - i) % 2 == 1 {
            bytes[at..at + 3].copy_from_slice(b"$''");
            at += 3;
        }
        for pair in bytes[at..=end].chunks_mut(2) {
            pair.copy_from_slice(b"\"\"");
        }
        Some(end)
    });
}

/// Jupyter/IPython line magics that hand the rest of the line to a shell (`%sh`, `%system`,
/// `%sx`) or that are a package manager's command (`%pip install x` is `pip install x`).
const SHELL_MAGICS: &[&str] = &["%system", "%sh", "%sx", "%%sh", "%%bash", "%%system"];
const COMMAND_MAGICS: &[&str] = &["%pip", "%conda", "%mamba"];

/// Some line starts with a notebook shell escape: `!cmd` glued to a word, or a magic above.
fn has_notebook_escape(src: &str) -> bool {
    src.contains(['!', '%'])
        && shell_lines(src.as_bytes()).any(|(s, e)| notebook_escape_len(&src[s..e]).is_some())
}

/// The lines of `bytes` that are shell code, as `(start, end)` after their indentation: lines
/// inside a heredoc's body are data (`ed <<EOF` / `!rm …` is ed's command, not a notebook's).
fn shell_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = bytes[start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(bytes.len(), |p| start + p);
        let line = &bytes[start..end];
        let indent = line
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        let at = start + indent;
        start = end + 1;
        // Only the first heredoc of a line is followed.
        let opened = line
            .windows(2)
            .position(|w| w == b"<<")
            .and_then(|p| heredoc::delimiter(line, p + 2));
        if let Some((word, strip_tabs, _)) = opened {
            start = heredoc::body_end(bytes, start, &word, strip_tabs).unwrap_or(bytes.len());
        }
        Some((at, end))
    })
}

/// How many bytes of a notebook escape start `line` (to be blanked), if it starts with one.
/// `!curl …` (IPython runs the rest in a shell; bash would not even find a command `!curl`, so
/// reading it as `curl …` only ever adds findings); `! cmd` is bash's own negation and is left.
fn notebook_escape_len(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if b.first() == Some(&b'!') {
        let next = *b.get(1)?;
        return (next.is_ascii_alphabetic() || matches!(next, b'.' | b'/' | b'~' | b'_'))
            .then_some(1);
    }
    if b.first() != Some(&b'%') {
        return None;
    }
    let word_len = b
        .iter()
        .position(|c| matches!(c, b' ' | b'\t' | b'\n'))
        .unwrap_or(b.len());
    let word = &line[..word_len];
    if SHELL_MAGICS.contains(&word) {
        Some(word_len)
    } else if COMMAND_MAGICS.contains(&word) {
        Some(1)
    } else {
        None
    }
}

/// Blank the notebook escapes at the starts of shell lines (same length). A line that starts
/// inside a quoted string (`printf 'set x\n!cmd\n' > gdb.cmds`) is text, left as it is.
fn strip_notebook_escapes(bytes: &mut [u8]) {
    let mut unquoted = Vec::new();
    scan_unquoted(&mut bytes.to_vec(), |b, i| {
        if matches!(b[i], b'!' | b'%') {
            unquoted.push(i);
        }
        None
    });
    let found: Vec<(usize, usize)> = shell_lines(bytes)
        .filter(|(s, _)| unquoted.binary_search(s).is_ok())
        .filter_map(|(s, e)| {
            let len = notebook_escape_len(std::str::from_utf8(&bytes[s..e]).ok()?)?;
            Some((s, len))
        })
        .collect();
    for (at, len) in found {
        bytes[at..at + len].fill(b' ');
    }
}

/// `! CMD`, `! ! CMD`, `time ! CMD`, `time -p { …; }`: the negation and timing keywords in front
/// of a statement change its exit status or report its time, never what runs. tree-sitter-bash
/// rejects some combinations (`! { …; }`, `time { …; }`) and reads others as something that does
/// not run (`! ! CMD`), so they become blanks of the same length.
fn blank_statement_prefixes(bytes: &mut [u8]) {
    scan_unquoted(bytes, |bytes, i| {
        if !matches!(bytes[i], b'!' | b't') || !at_statement_start(bytes, i) {
            return None;
        }
        let mut at = i;
        let mut last = None;
        loop {
            let len = if bytes[at..].starts_with(b"time") {
                let p = if bytes[at + 4..].starts_with(b" -p") {
                    7
                } else {
                    4
                };
                if bytes[at + 4..].starts_with(b" --") {
                    return last;
                }
                p
            } else if bytes[at] == b'!' {
                1
            } else {
                return last;
            };
            if !matches!(bytes.get(at + len), Some(b' ' | b'\t')) {
                return last;
            }
            bytes[at..at + len].fill(b' ');
            last = Some(at + len - 1);
            at += len;
            while matches!(bytes.get(at), Some(b' ' | b'\t')) {
                at += 1;
            }
            if at >= bytes.len() {
                return last;
            }
        }
    });
}

/// Whether position `i` starts a statement: the input's start, after an operator or an opening
/// bracket, or after a keyword that takes a statement (`then`, `do`, `if`, `while`, …).
fn at_statement_start(bytes: &[u8], i: usize) -> bool {
    let before = &bytes[..i];
    let trimmed = before
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t'))
        .map_or(&before[..0], |p| &before[..=p]);
    if trimmed.len() < before.len() || i == 0 {
        // Whatever came before must end a statement or open one.
        match trimmed.last() {
            None => return true,
            Some(b';' | b'&' | b'|' | b'\n' | b'(' | b'{' | b'`') => return true,
            _ => {}
        }
        let word_start = trimmed
            .iter()
            .rposition(|c| !c.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        return matches!(
            &trimmed[word_start..],
            b"then" | b"do" | b"else" | b"elif" | b"if" | b"while" | b"until"
        );
    }
    matches!(before.last(), Some(b'\n' | b';' | b'(' | b'`'))
}

/// The input ends with an unpaired backslash outside single quotes (an odd run of them).
fn ends_with_escape(src: &str) -> bool {
    let run = src.bytes().rev().take_while(|&b| b == b'\\').count();
    run % 2 == 1 && src.matches('\'').count().is_multiple_of(2)
}

/// `coproc [NAME] { …; }` / `coproc NAME (…)`: tree-sitter-bash does not know the compound form, so
/// the keyword (and its name) become blanks of the same length and the body is walked as the
/// group it runs. Simple `coproc CMD` is left alone (a wrapper strips it).
fn blank_coproc_keywords(bytes: &mut [u8]) {
    let mut i = 0;
    while let Some(p) = find(&bytes[i..], b"coproc").map(|p| p + i) {
        let at_word_start = p == 0
            || matches!(
                bytes[p - 1],
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'('
            );
        let mut j = p + 6;
        if !at_word_start || !bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            i = p + 6;
            continue;
        }
        while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        let mut k = j;
        while bytes
            .get(k)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            k += 1;
        }
        let mut m = k;
        while bytes.get(m).is_some_and(|b| b.is_ascii_whitespace()) {
            m += 1;
        }
        let compound_now = matches!(bytes.get(j), Some(b'{') | Some(b'('));
        let compound_after_name = k > j && matches!(bytes.get(m), Some(b'{') | Some(b'('));
        if compound_now || compound_after_name {
            let end = if compound_now { j } else { m };
            for b in &mut bytes[p..end] {
                *b = b' ';
            }
        }
        i = p + 6;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Quote state of a simple left-to-right shell lexer.
#[derive(Clone, Copy, PartialEq)]
enum Quote {
    None,
    Single,
    Double,
}

/// Remove backslash-newline pairs outside single quotes and comments, recording where each kept
/// byte came from. A comment ends at its newline even after a backslash (`true # x \⏎rm -rf ~`
/// runs `rm`), so nothing is joined inside one.
fn join_continuations(bytes: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut map = Vec::with_capacity(bytes.len() + 1);
    let mut quote = Quote::None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let word_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')'
            );
        if b == b'#' && quote == Quote::None && word_start {
            let end = bytes[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |p| i + p);
            out.extend_from_slice(&bytes[i..end]);
            map.extend(i..end);
            i = end;
            continue;
        }
        match quote {
            Quote::Single => {
                if b == b'\'' {
                    quote = Quote::None;
                }
            }
            _ => {
                if b == b'\\' && i + 1 < bytes.len() {
                    if bytes[i + 1] == b'\n' {
                        i += 2;
                        continue;
                    }
                    out.push(b);
                    map.push(i);
                    out.push(bytes[i + 1]);
                    map.push(i + 1);
                    i += 2;
                    continue;
                }
                if b == b'"' {
                    quote = if quote == Quote::Double {
                        Quote::None
                    } else {
                        Quote::Double
                    };
                } else if b == b'\'' && quote == Quote::None {
                    quote = Quote::Single;
                }
            }
        }
        out.push(b);
        map.push(i);
        i += 1;
    }
    map.push(bytes.len());
    (out, map)
}

/// Walk `bytes` outside quotes (backslash escapes skipped) and call `at` at each unquoted byte;
/// `at` may rewrite bytes in place and returns the last index it consumed, or `None` to go on.
fn scan_unquoted(bytes: &mut [u8], mut at: impl FnMut(&mut [u8], usize) -> Option<usize>) {
    let mut quote = Quote::None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Quote::Single => {
                if b == b'\'' {
                    quote = Quote::None;
                }
            }
            Quote::Double => {
                if b == b'\\' {
                    i += 1;
                } else if b == b'"' {
                    quote = Quote::None;
                }
            }
            Quote::None => match b {
                b'\\' => i += 1,
                b'\'' => quote = Quote::Single,
                b'"' => quote = Quote::Double,
                _ => {
                    if let Some(last) = at(bytes, i) {
                        i = last;
                    }
                }
            },
        }
        i += 1;
    }
}

/// `sh {fd}>/tmp/o`: bash opens a new descriptor and stores its number in `fd`; tree-sitter-bash
/// reads `{fd}` as an argument (`sh` would then run a script named `{fd}`, not its stdin). The
/// name becomes blanks and a descriptor number of the same length (`   9>/tmp/o`).
fn rewrite_named_descriptors(bytes: &mut [u8]) {
    scan_unquoted(bytes, |bytes, i| {
        if bytes[i] != b'{' || !at_word_start(bytes, i) {
            return None;
        }
        let name_len = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let close = i + 1 + name_len;
        let named = name_len > 0 && !bytes[i + 1].is_ascii_digit();
        if !named
            || bytes.get(close) != Some(&b'}')
            || !matches!(bytes.get(close + 1), Some(b'>' | b'<'))
        {
            return None;
        }
        bytes[i..close].fill(b' ');
        bytes[close] = b'9';
        Some(close)
    });
}

/// `rm <<X -rf /`, `sudo <<X rm -rf /`: words after a heredoc operator on its line are still the
/// command's arguments to bash, but tree-sitter-bash drops them (an ERROR). The words are moved in
/// front of the operator (`rm -rf / <<X`, same bytes in another order). Returns the new text and
/// the map back to `b`, or `None` when no line has such words.
fn move_heredoc_operators(b: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut moves: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut quote = 0u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == b'\\' && quote == b'"' {
                i += 1;
            } else if c == quote {
                quote = 0;
            }
            i += 1;
            continue;
        }
        match c {
            b'\\' => i += 1,
            b'\'' | b'"' => quote = c,
            b'#' if at_word_start(b, i) => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' if b[i..].starts_with(b"<<<") => i += 2,
            b'<' if b[i..].starts_with(b"<<") => {
                if let Some(m) = heredoc_operator_with_words(b, i) {
                    i = m.3;
                    moves.push(m);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if moves.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = Vec::with_capacity(b.len());
    let mut at = 0;
    for (op, op_end, words, end) in moves {
        order.extend(at..op);
        order.extend(words..end);
        order.extend(op_end..words);
        order.extend(op..op_end);
        at = end;
    }
    order.extend(at..b.len());
    let out = order.iter().map(|&j| b[j]).collect();
    // The map has one more entry, for the end of the text.
    order.push(b.len());
    Some((out, order))
}

/// `cat <<EOF; rm -rf ~` + body: bash runs the command after `;` (or `&`) once the heredoc is read,
/// but tree-sitter-bash rejects the line. The rest of the line is moved after the body's end line,
/// its separator turned into a line end (`cat <<EOF` + body + `EOF` + `\n rm -rf ~`); the first
/// such heredoc of the input only, and only when it is the line's one heredoc.
fn move_commands_after_heredoc(b: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut from = 0;
    while let Some(at) = find_from(b, b"<<", from) {
        from = at + 2;
        if b[at..].starts_with(b"<<<") {
            from += 1;
            continue;
        }
        let line_start = b[..at]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = find_from(b, b"\n", at).unwrap_or(b.len());
        // An operator inside a quoted string of its line is text.
        let before = &b[line_start..at];
        let odd = |q: u8| before.iter().filter(|&&c| c == q).count() % 2 == 1;
        if odd(b'\'') || odd(b'"') {
            continue;
        }
        let (delimiter, strip_tabs, after) = heredoc_delimiter(b, at)?;
        // The first `;` or lone `&` after the operator (`cat <<EOF > f.sh; bash f.sh`).
        let Some(sep) = separator_after(&b[..line_end], after) else {
            continue;
        };
        if find_from(&b[..line_end], b"<<", sep).is_some() || line_end == b.len() {
            continue;
        }
        // The body runs to the line that is the delimiter.
        let mut k = line_end + 1;
        let body_end = loop {
            let end = find_from(b, b"\n", k).unwrap_or(b.len());
            let text = &b[k..end];
            let text = if strip_tabs {
                &text[text.iter().take_while(|&&c| c == b'\t').count()..]
            } else {
                text
            };
            if text == delimiter.as_slice() {
                break end;
            }
            if end == b.len() {
                return None;
            }
            k = end + 1;
        };
        let order: Vec<usize> = (0..sep)
            .chain(line_end..body_end)
            .chain(sep..line_end)
            .chain(body_end..=b.len())
            .collect();
        let mut out: Vec<u8> = order[..b.len()].iter().map(|&j| b[j]).collect();
        out[sep + (body_end - line_end)] = b'\n';
        return Some((out, order));
    }
    None
}

/// The delimiter of the heredoc operator at `op` without its quotes, whether `<<-` strips tabs,
/// and the offset after it.
fn heredoc_delimiter(b: &[u8], op: usize) -> Option<(Vec<u8>, bool, usize)> {
    let mut i = op + 2;
    let strip_tabs = b.get(i) == Some(&b'-');
    if strip_tabs {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let mut word = Vec::new();
    let mut quote = 0u8;
    while let Some(&c) = b.get(i) {
        if quote != 0 {
            if c == quote {
                quote = 0;
            } else {
                word.push(c);
            }
        } else if matches!(c, b'\'' | b'"') {
            quote = c;
        } else if c == b'\\' {
        } else if matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')'
        ) {
            break;
        } else {
            word.push(c);
        }
        i += 1;
    }
    (!word.is_empty() && quote == 0).then_some((word, strip_tabs, i))
}

/// The first unquoted `;` or lone `&` (not `&&`, `>&`, `&>`) in `b` at or after `from`.
fn separator_after(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = 0u8;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else {
            match c {
                b'\'' | b'"' => quote = c,
                b'\\' => i += 1,
                b';' => return Some(i),
                b'&' if !matches!(b.get(i + 1), Some(b'&' | b'>'))
                    && !matches!(b.get(i.wrapping_sub(1)), Some(b'&' | b'>' | b'<')) =>
                {
                    return Some(i)
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// The first offset at or after `from` where `needle` starts.
fn find_from(b: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// For a heredoc operator at `op` followed on its line by more words: (operator start, end of
/// the delimiter, start of the words, end of the words).
fn heredoc_operator_with_words(b: &[u8], op: usize) -> Option<(usize, usize, usize, usize)> {
    let mut i = op + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // The delimiter: one word, possibly quoted.
    let start = i;
    let mut quote = 0u8;
    while let Some(&c) = b.get(i) {
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if matches!(c, b'\'' | b'"') {
            quote = c;
        } else if c == b'\\' {
            i += 1;
        } else if matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
        ) {
            break;
        }
        i += 1;
    }
    if i == start || quote != 0 {
        return None;
    }
    let delimiter_end = i.min(b.len());
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let words = i;
    // The words run to the end of the simple command.
    let mut depth = 0usize;
    let mut last = words;
    while let Some(&c) = b.get(i) {
        if quote != 0 {
            if c == b'\\' && quote == b'"' {
                i += 1;
            } else if c == quote {
                quote = 0;
            }
        } else {
            match c {
                b'\'' | b'"' => quote = c,
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' if depth > 0 => depth -= 1,
                b'\n' | b';' | b'&' | b'|' | b')' | b'<' | b'>' if depth == 0 => break,
                b'#' if depth == 0 && matches!(b[i - 1], b' ' | b'\t') => break,
                // `2>&1`, `3<f`: a numbered redirection ends the words.
                b'0'..=b'9' if depth == 0 && matches!(b[i - 1], b' ' | b'\t') => {
                    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if matches!(b.get(i + digits), Some(b'<' | b'>')) {
                        break;
                    }
                }
                _ => {}
            }
        }
        i += 1;
        if !matches!(b.get(i - 1), Some(b' ' | b'\t')) {
            last = i.min(b.len());
        }
    }
    (last > words && quote == 0).then_some((op, delimiter_end, words, last))
}

/// Redirections tree-sitter-bash misreads, blanked where bash's meaning is unchanged (same length):
/// the `0` of `0<…` (every `<` operator is on descriptor 0 already; the grammar took `0` for the
/// command name and the command for targets: `0</dev/null rm -rf ~`), and a descriptor closed
/// between words (`rm -rf 3>&- /`, `sudo 2>&- rm -rf /`: the grammar took the next word as its
/// target), which changes nothing the scanner judges.
fn blank_descriptor_tricks(bytes: &mut [u8]) {
    scan_unquoted(bytes, |bytes, i| {
        if !at_word_start(bytes, i) {
            return None;
        }
        if bytes[i] == b'0' && bytes.get(i + 1) == Some(&b'<') {
            bytes[i] = b' ';
            return Some(i);
        }
        let digits = bytes[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let op = i + digits;
        let closes = matches!(bytes.get(op), Some(b'>' | b'<'))
            && bytes.get(op + 1) == Some(&b'&')
            && bytes.get(op + 2) == Some(&b'-');
        let end = op + 3;
        let ends_word = bytes
            .get(end)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')'));
        if !closes || !ends_word {
            return None;
        }
        bytes[i..end].fill(b' ');
        Some(end - 1)
    });
}

/// `r$()m -rf /`: an empty command substitution is an empty string, but tree-sitter-bash rejects
/// it. Unquoted, it becomes `$''` (same length), bash's empty ANSI-C string.
fn rewrite_empty_substitutions(bytes: &mut [u8]) {
    scan_unquoted(bytes, |bytes, i| {
        if !bytes[i..].starts_with(b"$()") {
            return None;
        }
        bytes[i + 1] = b'\'';
        bytes[i + 2] = b'\'';
        Some(i + 2)
    });
}

/// Replace unquoted stand-alone brace lists `{a,b,c}` by ` a b c ` (same length).
fn rewrite_brace_lists(bytes: &mut [u8]) {
    scan_unquoted(bytes, |bytes, i| {
        if bytes[i] != b'{' || !at_word_start(bytes, i) {
            return None;
        }
        let (end, commas) = brace_list(bytes, i).filter(|(j, _)| ends_word(bytes, *j))?;
        bytes[i] = b' ';
        bytes[end] = b' ';
        for c in commas {
            bytes[c] = b' ';
        }
        Some(end)
    });
}

/// `${s:$i:10}` → `${s: i:10}` (same length): a variable as a substring offset is arithmetic, where
/// `$i` and `i` are the same, but tree-sitter-bash rejects the `$` form. Outside single quotes only.
fn blank_offset_dollars(bytes: &mut [u8]) {
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i + 3 < bytes.len() {
        match bytes[i] {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'$' if !single && bytes[i + 1] == b'{' => {
                // The parameter: a name, a special parameter or an array element.
                let mut j = i + 2;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric()
                        || matches!(bytes[j], b'_' | b'@' | b'*' | b'[' | b']'))
                {
                    j += 1;
                }
                if j > i + 2
                    && bytes.get(j) == Some(&b':')
                    && bytes.get(j + 1) == Some(&b'$')
                    && bytes
                        .get(j + 2)
                        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                {
                    bytes[j + 1] = b' ';
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// `${{ github.sha }}` → `${sha_}''''''''''` (same length): a CI template expression (GitHub
/// Actions, Gitea, Forgejo) that the runner substitutes before the shell starts. tree-sitter-bash
/// cannot parse it; to the scan it is an unknown value, like any variable. Only expressions made
/// of the template language's characters (no `$`, backquote, `;` or line end) are renamed, and
/// never inside single quotes.
fn rename_ci_expressions(bytes: &mut [u8]) {
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'$' if !single && bytes[i..].starts_with(b"${{") => {
                let body_start = i + 3;
                let Some(close) = find(&bytes[body_start..], b"}}").map(|k| body_start + k) else {
                    return;
                };
                let body = &bytes[body_start..close];
                let plain = body
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || b" _.-[]'\"(),!=<>&|*/:".contains(c));
                if plain {
                    // `${NAME}` and blanks over the span from `$` to the second `}`; NAME is the
                    // path's last part (`secrets.NPM_TOKEN` → `NPM_TOKEN`, so what the value is
                    // stays visible), or GHEXPR for calls and operators.
                    // The rest is padding that keeps the word whole: blanks inside double quotes,
                    // `''` pairs outside (the name takes a `_` more when an odd byte is left).
                    let end = close + 1;
                    let name = expression_name(&bytes[body_start..close]);
                    let room = end - i - 2;
                    let name = &name[..name.len().min(room)];
                    let mut k = i + 2;
                    for &c in name.as_bytes() {
                        bytes[k] = c;
                        k += 1;
                    }
                    let pad = end - k;
                    if !double && pad % 2 == 1 {
                        bytes[k] = b'_';
                        k += 1;
                    }
                    bytes[k] = b'}';
                    for (n, c) in bytes[k + 1..=end].iter_mut().enumerate() {
                        *c = if double { b' ' } else { b"''"[n % 2] };
                    }
                    i = end;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The variable name standing for a CI expression: the last part of a dotted path
/// (`github.event.inputs.dir` → `dir`), or `GHEXPR`.
fn expression_name(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let path = !text.is_empty()
        && text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
    match text.rsplit('.').next().filter(|_| path) {
        Some(last) if !last.is_empty() => {
            let name: String = last.replace('-', "_");
            if name.as_bytes()[0].is_ascii_digit() {
                format!("_{name}")
            } else {
                name
            }
        }
        _ => "GHEXPR".to_string(),
    }
}

/// True when position `i` starts a word (start of input, after blank or an operator).
fn at_word_start(bytes: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            bytes[i - 1],
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b'`'
        )
}

/// The text with every unquoted test bracket in command position (`[ …`, `[[ …`) replaced by `:`
/// (same length), or `None` when there is none. tree-sitter-bash misparses some tests (`[ -d / ]`
/// reads `/ ] && …` as one expression and swallows the rest of the line), while to bash `[` is just
/// a command: the replacement makes the parser see a plain command whose arguments are still
/// expanded, so what follows the test is walked. Used only to re-parse text whose first parse had
/// errors.
pub fn neutralize_tests(src: &str) -> Option<String> {
    let mut bytes = src.as_bytes().to_vec();
    let mut changed = false;
    scan_unquoted(&mut bytes, |bytes, i| {
        if bytes[i] != b'[' || !(at_word_start(bytes, i) || follows_keyword(bytes, i)) {
            return None;
        }
        let len = if bytes.get(i + 1) == Some(&b'[') {
            2
        } else {
            1
        };
        if !matches!(bytes.get(i + len), Some(b' ' | b'\t' | b'\n')) {
            return None;
        }
        for c in &mut bytes[i..i + len] {
            *c = b':';
        }
        changed = true;
        Some(i + len - 1)
    });
    if !changed {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Whether position `i` follows `!` or `{` (a negated test or a group) at a word start.
fn follows_keyword(bytes: &[u8], i: usize) -> bool {
    i >= 2 && matches!(bytes[i - 1], b' ' | b'\t') && matches!(bytes[i - 2], b'!' | b'{')
}

/// `{r,}m -rf ~`: a brace list with more of the word after it (bash expands it to `rm m -rf ~`)
/// reads to tree-sitter-bash as a group opening, and the input fails to parse. An empty string in
/// front (`""{r,}m`) makes it a word to the parser and changes nothing to bash. Returns the new
/// text and the map back to `b`, or `None` when there is no such word.
fn quote_glued_brace_words(b: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut at = Vec::new();
    let mut scratch = b.to_vec();
    scan_unquoted(&mut scratch, |bytes, i| {
        if bytes[i] != b'{' || !at_word_start(bytes, i) {
            return None;
        }
        let end = glued_brace_list_end(bytes, i)?;
        at.push(i);
        Some(end)
    });
    if at.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() + 2 * at.len());
    let mut map = Vec::with_capacity(b.len() + 2 * at.len() + 1);
    let mut next = at.iter().peekable();
    for (i, &c) in b.iter().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            out.extend_from_slice(b"\"\"");
            map.extend([i, i]);
        }
        out.push(c);
        map.push(i);
    }
    map.push(b.len());
    Some((out, map))
}

/// If a brace list starting at `open` has more of its word after the closing brace (`{r,}m`),
/// the index of that brace.
fn glued_brace_list_end(bytes: &[u8], open: usize) -> Option<usize> {
    brace_list_close(bytes, open).filter(|&j| {
        bytes.get(j + 1).is_some_and(|n| {
            n.is_ascii_alphanumeric() || matches!(n, b'_' | b'-' | b'.' | b'/' | b'~')
        })
    })
}

/// If a brace list starting at `open` is a plain `{x,y}` word, the index of its closing brace.
/// Whether the byte at `j` ends a word (what follows is a blank, an operator or the end).
fn ends_word(bytes: &[u8], j: usize) -> bool {
    j + 1 == bytes.len()
        || matches!(
            bytes[j + 1],
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')'
        )
}

/// The closing quote of the quoted string opening at `at` (`'…'`, or `"…"` with `\"` escapes).
fn quoted_end(bytes: &[u8], at: usize) -> Option<usize> {
    let q = bytes[at];
    let mut j = at + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if q == b'"' => j += 1,
            c if c == q => return Some(j),
            _ => {}
        }
        j += 1;
    }
    None
}

/// The closing brace of a comma list starting at `open` (`{x,y}`, `{r,}`), whatever follows it.
fn brace_list_close(bytes: &[u8], open: usize) -> Option<usize> {
    brace_list(bytes, open).map(|(close, _)| close)
}

/// The closing brace of a comma list starting at `open` and the positions of its top-level
/// commas (not those inside quotes or `${…}`). Elements may be quoted (`{rm,-rf,"$HOME"}`,
/// `{sh,-c,'rm -rf ~'}`), escaped or `${NAME}`.
fn brace_list(bytes: &[u8], open: usize) -> Option<(usize, Vec<usize>)> {
    let mut commas = Vec::new();
    let mut j = open + 1;
    while j < bytes.len() {
        let c = bytes[j];
        match c {
            b'\'' | b'"' => {
                j = quoted_end(bytes, j)?;
                j += 1;
                continue;
            }
            b'\\' if bytes.get(j + 1).is_some_and(|b| *b != b'\n') => {
                j += 2;
                continue;
            }
            b'$' if bytes.get(j + 1) == Some(&b'{') => {
                let close = bytes[j..].iter().position(|&b| b == b'}')?;
                if bytes[j..j + close].iter().any(|b| b" \t\n'\"".contains(b)) {
                    return None;
                }
                j += close + 1;
                continue;
            }
            _ => {}
        }
        match c {
            b',' => commas.push(j),
            b'}' => return (!commas.is_empty()).then_some((j, commas)),
            // A plain variable is an element like any other (`{rm,-fr,$HOME}`); `$(…)`, blanks
            // and nested braces end the search.
            b'$' if bytes
                .get(j + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') => {}
            b' ' | b'\t' | b'\n' | b'{' | b'$' | b'`' | b'\\' | b'(' | b')' | b';' | b'&'
            | b'|' | b'<' | b'>' => return None,
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod ci_expression_tests {
    use super::preprocess;

    #[test]
    fn brace_words_glued_to_more_text_get_an_empty_string_in_front() {
        let p = preprocess("{r,}m -rf ~");
        assert_eq!(p.text, "\"\"{r,}m -rf ~");
        let map = p.map.expect("a map back to the input");
        assert_eq!((map[0], map[2], map[3]), (0, 0, 1));
        assert_eq!(
            preprocess("echo ok && {c,}url x").text,
            "echo ok && \"\"{c,}url x"
        );
        // Groups, stand-alone lists and quoted braces stay as they are.
        for kept in ["{ echo a; }", "echo '{r,}m'", "cp f{,.bak} x"] {
            assert!(!preprocess(kept).text.contains("\"\"{"), "{kept}");
        }
    }

    #[test]
    fn ci_expressions_become_variables_of_the_same_length() {
        let src = "./codecov -t ${{ secrets.CODECOV_TOKEN }} && echo \"${{ github.sha }}\"";
        let out = preprocess(src).text;
        assert_eq!(out.len(), src.len());
        assert!(
            out.starts_with("./codecov -t ${CODECOV_TOKEN}''''"),
            "{out}"
        );
        assert!(out.contains("\"${sha}   "), "{out}");
        assert!(!out.contains("{{"), "{out}");
        // Single-quoted text and expressions holding shell syntax stay as written.
        for kept in ["echo '${{ x }}'", "echo ${{ $(id) }}", "echo ${{ a; b }}"] {
            assert_eq!(preprocess(kept).text, kept);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_glued_to_a_name_is_escaped_with_its_position_kept() {
        let p = super::preprocess("make#; rm -rf /");
        assert_eq!(p.text, "make\\#; rm -rf /");
        let map = p.map.expect("a map: the text grew");
        assert_eq!((map[4], map[5], map[6], map[p.text.len()]), (4, 4, 5, 15));
        // After a joined continuation the two maps compose.
        let p = super::preprocess("r\\\nm#; id");
        assert_eq!(p.text, "rm\\#; id");
        assert_eq!(p.map.expect("map")[3], 3 + 1);
        // Comments, quotes, parameter and arithmetic `#`, heredoc bodies and URLs stay as written.
        for kept in [
            "echo x # make#; rm",
            "echo 'a#b' \"c#d\"",
            "echo $# ${v#p} ${#v} $((16#ff))",
            "((n = 2#101))",
            "cat <<EOF\nfoo#bar\nEOF\n",
            "curl https://x.example/a#frag",
        ] {
            assert_eq!(super::preprocess(kept).text, kept, "{kept}");
        }
        // Words that already read as words (`a-b#`) are escaped too only when name-like.
        assert_eq!(super::preprocess("ma-ke#; id").text, "ma-ke#; id");
        assert_eq!(super::preprocess("echo a#b").text, "echo a\\#b");
        // An unclosed `[` after a name is a literal too; array subscripts and globs are kept.
        assert_eq!(super::preprocess("make[; id").text, "make\\[; id");
        for kept in ["arr[0]=x; echo ${arr[0]}", "ls file[12].txt"] {
            assert_eq!(super::preprocess(kept).text, kept, "{kept}");
        }
        // `$((a) | b)` is a command substitution of a subshell; `$((1 + (2)))` is arithmetic.
        assert_eq!(
            super::preprocess("x=$((id) | cat)").text,
            "x=$( (id) | cat)"
        );
        assert_eq!(
            super::preprocess("\"$((id); ls)\"").text,
            "\"$( (id); ls)\""
        );
        for kept in ["echo $((1 + (2)))", "echo $(( $(wc -l < f) + 1 ))"] {
            assert_eq!(super::preprocess(kept).text, kept, "{kept}");
        }
    }

    #[test]
    fn words_after_a_heredoc_operator_move_before_it() {
        let src = "rm <<X -rf / 2>/dev/null\nX";
        let p = preprocess(src);
        assert_eq!(p.text, "rm -rf / <<X 2>/dev/null\nX");
        let map = p.map.expect("a map: bytes moved");
        assert_eq!(map.len(), src.len() + 1);
        // `-rf` is found where it was typed.
        assert_eq!(&src[map[3]..map[3] + 3], "-rf");
        // A heredoc with nothing after it, and a here-string, are left alone.
        assert_eq!(
            preprocess("cat <<X | sh\nid\nX").text,
            "cat <<X | sh\nid\nX"
        );
        assert_eq!(preprocess("cat <<< x y").text, "cat <<< x y");
    }

    #[test]
    fn commands_after_a_heredoc_on_its_line_move_after_the_body() {
        let src = "cat <<EOF > f.sh; bash f.sh\nid\nEOF\nls";
        let p = preprocess(src);
        assert_eq!(p.text, "cat <<EOF > f.sh\nid\nEOF\n bash f.sh\nls");
        let map = p.map.expect("a map: bytes moved");
        assert_eq!(map.len(), src.len() + 1);
        let bash = p.text.find("bash").unwrap();
        assert_eq!(&src[map[bash]..map[bash] + 4], "bash");
        // `&&` is parsed as it is; a quoted `<<` is text.
        assert_eq!(
            preprocess("cat <<E && id\nx\nE").text,
            "cat <<E && id\nx\nE"
        );
        assert_eq!(preprocess("echo \"a <<b; c\"").text, "echo \"a <<b; c\"");
    }

    #[test]
    fn descriptor_tricks_are_blanked() {
        assert_eq!(
            preprocess("0</dev/null rm -rf ~").text,
            " </dev/null rm -rf ~"
        );
        assert_eq!(preprocess("rm -rf 3>&- /").text, "rm -rf      /");
        assert_eq!(preprocess("echo '0<x 2>&-'").text, "echo '0<x 2>&-'");
        assert_eq!(preprocess("cmd 2>&-x").text, "cmd 2>&-x");
    }

    #[test]
    fn empty_command_substitutions_become_empty_strings() {
        assert_eq!(preprocess("r$()m -rf /").text, "r$''m -rf /");
        assert_eq!(preprocess("echo '$()' \"$()\"").text, "echo '$()' \"$()\"");
    }

    #[test]
    fn blank_backtick_substitutions_become_empty_words() {
        assert_eq!(
            super::preprocess("echo ``; rm -rf /").text,
            "echo \"\"; rm -rf /"
        );
        assert_eq!(super::preprocess("echo `  `; id").text, "echo \"\"\"\"; id");
        assert_eq!(super::preprocess("r` `m -rf /").text, "r$''m -rf /");
        // A comment alone in backticks prints nothing: `` r`#`m `` is `rm`.
        assert_eq!(super::preprocess("r`#`m -rf /").text, "r$''m -rf /");
        assert_eq!(
            super::preprocess("dd `# x` of=/dev/sda").text,
            "dd $''\"\" of=/dev/sda"
        );
        // A second line inside the backticks runs: not blanked.
        assert_eq!(
            super::preprocess("x `# a\nrm -rf /`").text,
            "x `# a\nrm -rf /`"
        );
        // Backticks pair in order: in `a``b` the `` closes one and opens the next.
        assert_eq!(super::preprocess("echo `a``b`").text, "echo `a``b`");
        assert_eq!(super::preprocess("echo `a `b``").text, "echo `a `b\"\"");
        assert_eq!(super::preprocess("echo '``'").text, "echo '``'");
        assert_eq!(super::preprocess("echo \\``").text, "echo \\``");
    }

    #[test]
    fn notebook_escapes_become_the_commands_they_run() {
        assert_eq!(super::preprocess("!rm -rf ~").text, " rm -rf ~");
        assert_eq!(
            super::preprocess("x=1\n  %sh curl x | sh").text,
            "x=1\n      curl x | sh"
        );
        assert_eq!(super::preprocess("%pip install x").text, " pip install x");
        assert_eq!(
            super::preprocess("cat <<EOF\n!x\nEOF\n!rm -rf ~").text,
            "cat <<EOF\n!x\nEOF\n rm -rf ~"
        );
        for kept in [
            "!! ",
            "%timeit f()",
            "echo !rm",
            "![img](a.png)",
            "ed f <<'EOF'\n!rm -rf /\nq\nEOF",
            "more <<-X\n\t!sh\n\tX",
        ] {
            assert_eq!(super::preprocess(kept).text, kept);
        }
    }

    #[test]
    fn negation_and_time_prefixes_are_blanked() {
        for (src, want) in [
            ("! ! rm -rf /", "    rm -rf /"),
            ("time ! rm x", "       rm x"),
            ("time -p ! ! x", "            x"),
            ("! { rm -rf /; }", "  { rm -rf /; }"),
            ("a && ! b", "a &&   b"),
            (
                "if ! grep -q x f; then :; fi",
                "if   grep -q x f; then :; fi",
            ),
        ] {
            assert_eq!(super::preprocess(src).text, want, "{src}");
        }
        for kept in [
            "echo ! x",
            "[[ ! -f x ]]",
            "timeout 5 x",
            "echo 'a; ! b'",
            "time --help",
        ] {
            assert_eq!(super::preprocess(kept).text, kept);
        }
    }

    #[test]
    fn a_final_unpaired_backslash_is_dropped() {
        assert_eq!(super::preprocess("cd build\\").text, "cd build ");
        assert_eq!(super::preprocess("cd a\\\\").text, "cd a\\\\");
        assert_eq!(super::preprocess("echo 'a\\").text, "echo 'a\\");
    }

    #[test]
    fn variable_substring_offsets_parse() {
        let p = super::preprocess("echo \"${s:$i:10}\" ${@:$n} '${x:$y}' ${a[@]:$k:2}");
        assert_eq!(p.text, "echo \"${s: i:10}\" ${@: n} '${x:$y}' ${a[@]: k:2}");
        assert!(p.map.is_none());
    }

    use super::*;

    #[test]
    fn a_backslash_ending_a_comment_does_not_continue_it() {
        let p = preprocess("true # cleanup \\\nrm -rf ~");
        assert_eq!(p.text, "true # cleanup \\\nrm -rf ~");
        let p = preprocess("echo ${#a} \\\n x # y \\\nrm");
        assert_eq!(p.text, "echo ${#a}  x # y \\\nrm");
    }

    #[test]
    fn joins_line_continuations_outside_single_quotes() {
        let p = preprocess("r\\\nm -rf / 'a\\\nb'");
        assert_eq!(p.text, "rm -rf / 'a\\\nb'");
        let map = p.map.unwrap();
        assert_eq!(map[0], 0);
        assert_eq!(map[1], 3);
    }

    #[test]
    fn rewrites_brace_lists_in_command_position_only() {
        assert_eq!(preprocess("{rm,-rf,/}").text, " rm -rf / ");
        assert_eq!(preprocess("{rm,-fr,$HOME}").text, " rm -fr $HOME ");
        assert_eq!(preprocess("{rm,-fr,${HOME}}").text, " rm -fr ${HOME} ");
        // Quoted elements keep their quotes, and their commas.
        assert_eq!(preprocess("{rm,-rf,\"$HOME\"}").text, " rm -rf \"$HOME\" ");
        assert_eq!(preprocess("{sh,-c,'a,b'}").text, " sh -c 'a,b' ");
        assert_eq!(preprocess("{a,${x:-b c}}").text, "{a,${x:-b c}}");
        assert_eq!(
            neutralize_tests("[ -d / ] && rm -rf /").as_deref(),
            Some(": -d / ] && rm -rf /")
        );
        assert_eq!(
            neutralize_tests("if [[ -d / ]]; then x; fi").as_deref(),
            Some("if :: -d / ]]; then x; fi")
        );
        assert_eq!(neutralize_tests("echo '[ a ]' a[1] [x]"), None);
        assert_eq!(preprocess("cp a{,.bak}").text, "cp a{,.bak}");
        assert_eq!(preprocess("echo '{a,b}'").text, "echo '{a,b}'");
        assert_eq!(
            preprocess("awk '{print $1,$2}'").text,
            "awk '{print $1,$2}'"
        );
    }
}
