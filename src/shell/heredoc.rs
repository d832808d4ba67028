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
}
