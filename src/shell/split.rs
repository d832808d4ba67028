//! Where a long script can be cut into chunks for parsing on two cores: line ends at the top
//! level — outside quotes, brackets, command substitutions and heredoc bodies, not after a line
//! continuation. A cut is only a candidate: the walker keeps a chunk only when it parses without
//! an error (a cut inside `if … fi` or a multi-line `case` leaves a chunk incomplete), and parses
//! the rest of the text as one otherwise.

use super::heredoc;

/// Top-level line ends (offsets just past the newline, each before the end of `text`): the first
/// at or after `first`, each later one at least `step` bytes after the one before. A heredoc
/// that never ends stops the search; the cuts found before it stand.
pub fn top_level_cuts(text: &str, first: usize, step: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut cuts = Vec::new();
    let mut next = first;
    let mut depth: usize = 0;
    let mut i = 0;
    // Heredoc delimiters announced on the current line: their bodies start at the next newline.
    let mut pending: Vec<(Vec<u8>, bool)> = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => {
                // `$'…'` knows backslash escapes; plain `'…'` does not.
                let ansi = i > 0 && b[i - 1] == b'$';
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if ansi && b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'"' | b'`' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'(' | b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b')' | b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'#' if i == 0 || b[i - 1].is_ascii_whitespace() || b[i - 1] == b';' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                let Some((word, strip_tabs, after)) = heredoc::delimiter(b, i + 2) else {
                    return cuts;
                };
                pending.push((word, strip_tabs));
                i = after;
            }
            b'\n' => {
                i += 1;
                for (delim, strip_tabs) in std::mem::take(&mut pending) {
                    // Skip the body up to and including the delimiter line.
                    match heredoc::body_end(b, i, &delim, strip_tabs) {
                        Some(end) => i = end,
                        None => return cuts,
                    }
                }
                let continued = i >= 2 && b[i - 2] == b'\\';
                if i >= next && depth == 0 && !continued && i < b.len() {
                    cuts.push(i);
                    next = i.saturating_add(step);
                }
            }
            _ => i += 1,
        }
    }
    cuts
}

/// The deepest nesting of the old arithmetic form `$[ … ]` (quotes are not followed: an
/// over-count only makes a pathological line fail closed). tree-sitter-bash's scanner needs time
/// quadratic in that depth (3 s for 20,000 levels), so a deep one is refused before parsing.
/// Text with fewer than 64 `$[` answers 0 without looking further.
pub fn deepest_old_arithmetic(text: &str) -> usize {
    if text.matches("$[").count() < 64 {
        return 0;
    }
    let b = text.as_bytes();
    let (mut best, mut depth) = (0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'[') => {
                depth += 1;
                best = best.max(depth);
                i += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    best
}

/// The most stages of any one pipeline in `text`, counted lexically: `|` and `|&` outside quotes
/// and comments, a line end or a `;`, `&`, `||` starting a new count. Quoting is followed as
/// far as a count needs (an over-count only makes a long line fail closed). Text with fewer than
/// 1,000 `|` in all answers 1 without looking further.
pub fn longest_pipeline(text: &str) -> usize {
    let b = text.as_bytes();
    if b.iter().filter(|&&c| c == b'|').count() < 1000 {
        return 1;
    }
    let (mut best, mut run) = (1, 1);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if q == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                run = 1;
                i += 1;
            }
            b'|' => {
                run += 1;
                best = best.max(run);
                if b.get(i + 1) == Some(&b'&') {
                    i += 1;
                }
            }
            b'\n' | b';' | b'&' => run = 1,
            _ => {}
        }
        i += 1;
    }
    best
}

#[cfg(test)]
mod tests {

    #[test]
    fn pipelines_are_counted_outside_quotes() {
        let long = vec!["cat"; 1200].join(" | ");
        assert_eq!(super::longest_pipeline(&long), 1200);
        let piped_and = vec!["a"; 1100].join(" |& ");
        assert_eq!(super::longest_pipeline(&piped_and), 1100);
        let quoted = format!("grep -E '{}' f", vec!["x"; 1500].join("|"));
        assert_eq!(super::longest_pipeline(&quoted), 1);
        let lines = vec!["a | b"; 1000].join("\n");
        assert_eq!(super::longest_pipeline(&lines), 2);
        assert_eq!(super::longest_pipeline("a | b"), 1);
    }

    use super::*;

    /// The first top-level line end at or after the middle of `text`.
    fn top_level_cut(text: &str) -> Option<usize> {
        top_level_cuts(text, text.len() / 2, usize::MAX)
            .first()
            .copied()
    }

    #[test]
    fn cuts_at_a_top_level_line_end_past_the_middle() {
        let text = "echo a\necho b\necho c\necho d\n";
        let cut = top_level_cut(text).expect("a cut");
        assert!(cut >= text.len() / 2 && text.as_bytes()[cut - 1] == b'\n');
        assert_eq!(&text[cut..], "echo c\necho d\n");
    }

    #[test]
    fn never_cuts_inside_quotes_brackets_or_heredocs() {
        // The only top-level line ends are after the closing quote, bracket or delimiter.
        let quoted = "echo 'x\ny\nz\nw' && true\necho done\n";
        assert_eq!(&quoted[top_level_cut(quoted).unwrap()..], "echo done\n");
        let group = "f() {\n a\n b\n c\n}\necho done\n";
        assert_eq!(&group[top_level_cut(group).unwrap()..], "echo done\n");
        let heredoc = "cat <<'EOF' > f\nrm -rf /\nmore\nlines\nEOF\necho done\n";
        assert_eq!(&heredoc[top_level_cut(heredoc).unwrap()..], "echo done\n");
        let continued = "echo a \\\n b \\\n c \\\n d\necho done\n";
        assert_eq!(
            &continued[top_level_cut(continued).unwrap()..],
            "echo done\n"
        );
    }

    #[test]
    fn cuts_every_step_at_top_level_line_ends() {
        let text = "echo a\n".repeat(100);
        let cuts = top_level_cuts(&text, 10, 100);
        assert_eq!(cuts.first(), Some(&14));
        assert!(cuts
            .windows(2)
            .all(|w| w[1] - w[0] >= 100 && w[1] - w[0] < 107));
        assert!(cuts
            .iter()
            .all(|&c| text.as_bytes()[c - 1] == b'\n' && c < text.len()));
        // A heredoc that never ends keeps the cuts before it.
        let open = format!("{text}cat <<EOF\nnever ends\n");
        let with_open = top_level_cuts(&open, 10, 100);
        assert!(with_open.starts_with(&cuts));
        assert!(with_open.iter().all(|&c| c <= text.len()));
    }

    #[test]
    fn no_cut_without_a_later_line() {
        assert_eq!(top_level_cut("echo one line"), None);
        assert_eq!(top_level_cut("cat <<EOF\nnever ends\n"), None);
    }
}
