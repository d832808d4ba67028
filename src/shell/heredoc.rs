//! Heredoc bodies seen lexically, before any parse: where a `<<WORD` announces one and where its
//! body ends. Used by the passes that look at raw lines (notebook escapes, parse-chunk cuts) so
//! that text inside a heredoc body is never mistaken for a shell line.

/// The delimiter announced by a heredoc operator whose `<<` ends just before `at` (`<<EOF`,
/// `<<-'END'`, `<< "X"`): the word without its quotes, whether leading tabs are stripped from
/// the body (`<<-`), and the offset just past the word. `None` for `<<<` or a missing word.
pub fn delimiter(b: &[u8], at: usize) -> Option<(Vec<u8>, bool, usize)> {
    let mut i = at;
    if b.get(i) == Some(&b'<') {
        return None;
    }
    let strip_tabs = b.get(i) == Some(&b'-');
    if strip_tabs {
        i += 1;
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let mut word = Vec::new();
    while i < b.len() && !b[i].is_ascii_whitespace() && !b";|&<>()".contains(&b[i]) {
        if !b"'\"\\".contains(&b[i]) {
            word.push(b[i]);
        }
        i += 1;
    }
    (!word.is_empty()).then_some((word, strip_tabs, i))
}

/// The offset just past the line that closes a heredoc body starting at `from` (the start of
/// the body's first line), or `None` when no line closes it.
pub fn body_end(b: &[u8], from: usize, delim: &[u8], strip_tabs: bool) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let end = b[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| i + p);
        let mut line = &b[i..end];
        if strip_tabs {
            while let [b'\t', rest @ ..] = line {
                line = rest;
            }
        }
        i = end + 1;
        if line == delim {
            return Some(i.min(b.len()));
        }
    }
    None
}

/// The delimiter of a heredoc the text opens but never closes (bash then takes the body up to
/// the end of the input), looking at the first heredoc of each line outside earlier bodies.
pub fn unclosed(b: &[u8]) -> Option<Vec<u8>> {
    let mut start = 0;
    while start < b.len() {
        let end = b[start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| start + p);
        let line = &b[start..end];
        start = end + 1;
        let opened = line
            .windows(2)
            .position(|w| w == b"<<")
            .and_then(|p| delimiter(line, p + 2));
        if let Some((word, strip_tabs, _)) = opened {
            match body_end(b, start, &word, strip_tabs) {
                Some(next) => start = next,
                None => return Some(word),
            }
        }
    }
    None
}

/// Stands in for a backslash that opens a heredoc body while tree-sitter parses it (see
/// [`prepare_bodies_for_parser`]); a control byte that is itself a finding in any input.
pub const MASKED_BACKSLASH: u8 = 0x01;

/// Rewrites heredoc bodies in place, same length, where tree-sitter-bash would misread them.
///
/// tree-sitter-bash ends a heredoc body at the first line that *starts* with the delimiter (after
/// any indentation), while bash ends it only at a line that *is* the delimiter: `EOF = object()`
/// inside `<<'EOF'` cut a Python file short and the rest was read as commands. Where a body holds
/// such a line, the delimiter is renamed in place (same length, in the operator and in the line
/// that really closes the body) to a word no body line starts with. Heredoc operators are looked
/// for outside quotes and comments; text inside bodies is skipped. Returns whether it renamed any.
///
/// tree-sitter-bash also fails to see a body whose first byte is a backslash (`bash <<'E'⏎\rm -rf
/// /⏎E` parsed as a command `\rm` and no heredoc); that byte is replaced by
/// [`MASKED_BACKSLASH`], which the walker turns back into a backslash when it reads the body.
pub fn prepare_bodies_for_parser(b: &mut [u8]) -> bool {
    let mut renamed = false;
    let mut quote = 0u8;
    // Heredocs announced on the current line: (operator word range, delimiter, strips tabs).
    let mut pending: Vec<(std::ops::Range<usize>, Vec<u8>, bool)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            b'\'' => {
                if c == b'\'' {
                    quote = 0;
                }
            }
            // `$'…'`: backslash escapes, `\'` included.
            b'$' => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'\'' {
                    quote = 0;
                }
            }
            b'"' => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    quote = 0;
                }
            }
            _ => match c {
                b'\\' => i += 1,
                b'\'' if i > 0 && b[i - 1] == b'$' => quote = b'$',
                b'\'' | b'"' => quote = c,
                b'#' if i == 0 || b[i - 1].is_ascii_whitespace() || b[i - 1] == b';' => {
                    i = b[i..]
                        .iter()
                        .position(|&x| x == b'\n')
                        .map_or(b.len(), |p| i + p);
                    continue;
                }
                b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                    let word_start = i + 2 + usize::from(b.get(i + 2) == Some(&b'-'));
                    if let Some((delim, strip_tabs, end)) = delimiter(b, i + 2) {
                        let start = (word_start..end)
                            .find(|&k| !b[k].is_ascii_whitespace())
                            .unwrap_or(end);
                        pending.push((start..end, delim, strip_tabs));
                        i = end;
                        continue;
                    }
                }
                b'\n' if !pending.is_empty() => {
                    let mut body = i + 1;
                    for (word, delim, strip_tabs) in std::mem::take(&mut pending) {
                        if b.get(body) == Some(&b'\\') {
                            b[body] = MASKED_BACKSLASH;
                        }
                        let Some(end) = body_end(b, body, &delim, strip_tabs) else {
                            return renamed;
                        };
                        renamed |= rename_if_ambiguous(b, body..end, word, &delim);
                        body = end;
                    }
                    i = body;
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    renamed
}

/// The lines of `b[body]` (the closing line last), each without the indentation tree-sitter skips.
fn body_lines(b: &[u8], body: std::ops::Range<usize>) -> impl Iterator<Item = (usize, &[u8])> {
    let text = &b[body.clone()];
    let mut offset = body.start;
    text.split(|&c| c == b'\n').map(move |line| {
        let at = offset;
        offset += line.len() + 1;
        let indent = line
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        (at + indent, &line[indent..])
    })
}

fn rename_if_ambiguous(
    b: &mut [u8],
    body: std::ops::Range<usize>,
    word: std::ops::Range<usize>,
    delim: &[u8],
) -> bool {
    let lines: Vec<(usize, &[u8])> = body_lines(b, body.clone()).collect();
    // The closing line is the last full line of the range (a trailing `\n` leaves an empty one).
    let Some(close) = lines.iter().rposition(|(_, l)| *l == delim) else {
        return false;
    };
    let body_lines = &lines[..close];
    if !body_lines.iter().any(|(_, l)| l.starts_with(delim)) {
        return false;
    }
    const FIRST: &[u8] = b"QZXJKVWqzxjkvw_";
    let Some(&first) = FIRST.iter().find(|&&f| {
        let mut candidate = delim.to_vec();
        candidate[0] = f;
        !body_lines.iter().any(|(_, l)| l.starts_with(&candidate))
    }) else {
        return false;
    };
    let close_at = lines[close].0;
    // The operator's word may be quoted (`'EOF'`, `"EOF"`, `\EOF`): its first unquoted-character
    // byte is the delimiter's first byte.
    let Some(first_at) = word.clone().find(|&k| !b"'\"\\".contains(&b[k])) else {
        return false;
    };
    b[first_at] = first;
    b[close_at] = first;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_heredoc_left_open() {
        assert_eq!(unclosed(b"bash <<EOF\nrm -rf /"), Some(b"EOF".to_vec()));
        assert_eq!(
            unclosed(b"cat <<A\nx\nA\nsh <<'B'\nid\n"),
            Some(b"B".to_vec())
        );
        assert_eq!(unclosed(b"cat <<A\nx\nA\n"), None);
        assert_eq!(unclosed(b"echo hi"), None);
    }

    #[test]
    fn reads_the_delimiter_word_in_its_spellings() {
        assert_eq!(delimiter(b"<<EOF\n", 2), Some((b"EOF".to_vec(), false, 5)));
        assert_eq!(
            delimiter(b"<<-'END' x", 2),
            Some((b"END".to_vec(), true, 8))
        );
        assert_eq!(delimiter(b"<< \"X\";", 2), Some((b"X".to_vec(), false, 6)));
        assert_eq!(delimiter(b"<<<word", 2), None);
        assert_eq!(delimiter(b"<< ;", 2), None);
    }

    #[test]
    fn finds_the_closing_line() {
        let text = b"a\n\tEOF\nEOF\nafter";
        assert_eq!(body_end(text, 0, b"EOF", false), Some(11));
        assert_eq!(body_end(text, 0, b"EOF", true), Some(7));
        assert_eq!(body_end(b"a\nb", 0, b"EOF", false), None);
        assert_eq!(body_end(b"a\nEOF", 0, b"EOF", false), Some(5));
    }

    #[test]
    fn renames_a_delimiter_some_body_line_starts_with() {
        let mut text = b"cat > d.py <<'EOF'\nEOF = object()\nEOF\necho done".to_vec();
        assert!(prepare_bodies_for_parser(&mut text));
        assert_eq!(
            text,
            b"cat > d.py <<'QOF'\nEOF = object()\nQOF\necho done".to_vec()
        );
        // A body line that *is* the delimiter closes it: nothing to rename.
        let mut plain = b"cat <<EOF\nx\nEOF\nEOFX\n".to_vec();
        assert!(!prepare_bodies_for_parser(&mut plain));
        // Quoted `<<` is not an operator; a comment is not either.
        let mut quoted = b"echo '<<EOF'\nEOF x\nEOF\n# <<EOF\nEOF y\nEOF".to_vec();
        assert!(!prepare_bodies_for_parser(&mut quoted));
        // Two heredocs on one line; the second one's body is the ambiguous one.
        let mut two = b"cat <<A <<-END\na\nA\n\tEND;\n\tEND\nls".to_vec();
        assert!(prepare_bodies_for_parser(&mut two));
        assert_eq!(two, b"cat <<A <<-QND\na\nA\n\tEND;\n\tQND\nls".to_vec());
    }

    #[test]
    fn masks_a_backslash_that_opens_a_body() {
        let mut text = b"bash <<'E'\n\\rm -rf /\nE\ncat <<X\nok \\x\nX".to_vec();
        prepare_bodies_for_parser(&mut text);
        assert_eq!(text[11], MASKED_BACKSLASH);
        // Only the first byte of a body: a backslash later in a body stays.
        assert_eq!(text.iter().filter(|&&c| c == b'\\').count(), 1);
        // Outside a body nothing changes.
        let mut plain = b"echo \\a\nls".to_vec();
        prepare_bodies_for_parser(&mut plain);
        assert_eq!(plain, b"echo \\a\nls".to_vec());
    }
}
