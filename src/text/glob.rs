//! Shell-style globs (`*`, `?`, `[…]`): user deny patterns over canonical command lines, and program
//! names spelled as globs in command position.

/// One element of a parsed glob.
enum Piece {
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    One,
    /// `[…]` / `[!…]` / `[^…]`: one character in (or not in) the set of chars and ranges.
    Class(bool, Vec<(char, char)>),
    /// A literal character.
    Lit(char),
}

fn pieces(pattern: &str) -> Vec<Piece> {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => out.push(Piece::Star),
            '?' => out.push(Piece::One),
            '[' => {
                let mut j = i + 1;
                let negated = matches!(p.get(j), Some('!' | '^'));
                if negated {
                    j += 1;
                }
                let body_start = j;
                // `]` right after the opening is a member, not the end.
                if p.get(j) == Some(&']') {
                    j += 1;
                }
                while j < p.len() && p[j] != ']' {
                    // `[:alpha:]` inside a bracket is one class; its `]` does not close it.
                    if p[j] == '[' && p.get(j + 1) == Some(&':') {
                        if let Some(end) = (j + 2..p.len().saturating_sub(1))
                            .find(|&e| p[e] == ':' && p[e + 1] == ']')
                        {
                            j = end + 2;
                            continue;
                        }
                    }
                    j += 1;
                }
                if j >= p.len() {
                    out.push(Piece::Lit('['));
                } else {
                    let body = &p[body_start..j];
                    let mut set = Vec::new();
                    let mut k = 0;
                    while k < body.len() {
                        if body[k] == '[' && body.get(k + 1) == Some(&':') {
                            let name_end = (k + 2..body.len()).find(|&e| body[e] == ':');
                            if let Some(e) = name_end {
                                let name: String = body[k + 2..e].iter().collect();
                                set.extend_from_slice(posix_class(&name));
                                k = e + 2;
                                continue;
                            }
                        }
                        if k + 2 < body.len() && body[k + 1] == '-' {
                            set.push((body[k], body[k + 2]));
                            k += 3;
                        } else {
                            set.push((body[k], body[k]));
                            k += 1;
                        }
                    }
                    out.push(Piece::Class(negated, set));
                    i = j;
                }
            }
            c => out.push(Piece::Lit(c)),
        }
        i += 1;
    }
    out
}

/// The ASCII ranges of a POSIX character class (`alpha`, `digit`, …); an unknown name is empty.
fn posix_class(name: &str) -> &'static [(char, char)] {
    match name {
        "alpha" => &[('a', 'z'), ('A', 'Z')],
        "digit" => &[('0', '9')],
        "alnum" => &[('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => &[('A', 'Z')],
        "lower" => &[('a', 'z')],
        "xdigit" => &[('0', '9'), ('a', 'f'), ('A', 'F')],
        "space" => &[(' ', ' '), ('\t', '\r')],
        "blank" => &[(' ', ' '), ('\t', '\t')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "print" => &[(' ', '~')],
        "graph" => &[('!', '~')],
        "cntrl" => &[('\0', '\x1f'), ('\x7f', '\x7f')],
        _ => &[],
    }
}

fn matches_one(piece: &Piece, c: char) -> bool {
    match piece {
        Piece::Star => false,
        Piece::One => true,
        Piece::Class(negated, set) => set.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated,
        Piece::Lit(l) => *l == c,
    }
}

/// Does `text` match `pattern`? `*` matches any run of characters, `?` one character, `[…]` one
/// character of a set (`[abc]`, `[a-z]`, negated with `!` or `^`); an unclosed `[` is literal.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p = pieces(pattern);
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && matches_one(&p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && matches!(p[pi], Piece::Star) {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && matches!(p[pi], Piece::Star) {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("git push --force*", "git push --force"));
        assert!(matches("git push --force*", "git push --force origin main"));
        assert!(!matches("git push --force*", "git push origin main"));
        assert!(matches("npm publish*", "npm publish"));
        assert!(matches("r? -rf *", "rm -rf x"));
        assert!(!matches("ls", "ls -la"));
        assert!(matches("r[m]", "rm"));
        assert!(matches("[a-s]m", "rm"));
        assert!(!matches("[!r]m", "rm"));
        assert!(matches("[^x]m", "rm"));
        assert!(matches("a[", "a["));
        assert!(matches("[]]x", "]x"));
    }

    #[test]
    fn posix_classes() {
        assert!(matches("[[:alpha:]]*", "etc"));
        assert!(matches("[[:alnum:]]*", "Documents"));
        assert!(!matches("[[:alpha:]]*", ".ssh"));
        assert!(matches("[[:digit:]][[:upper:]]", "7Q"));
        assert!(!matches("[![:digit:]]x", "7x"));
        assert!(matches("[[:lower:]_]x", "_x"));
        assert!(!matches("[[:bogus:]]", "a"));
    }
}
