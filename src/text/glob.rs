//! Shell-style globs (`*`, `?`): user deny patterns over canonical command lines, and program
//! names spelled as globs in command position.

/// Does `text` match `pattern`? `*` matches any run of characters, `?` one character.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
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
    while pi < p.len() && p[pi] == '*' {
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
    }
}
