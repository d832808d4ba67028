//! Regexes compiled on first use, by the cheap engine first and the fast one once hot, with the
//! same ASCII meanings of `\s`, `\w`, `\d`, `\b` in both (rule packs, and the scanner's own
//! hot patterns: start-up of a single `check` must not pay for Unicode tables).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// Uses of a rule regex served by the small engine before the full one is built: a single `check`
/// touches each candidate regex once or twice, where compiling it with `regex` costs ~10× more
/// than with `regex-lite`; a long batch keeps matching the same few, where `regex` is faster.
const LITE_USES: u32 = 8;

/// A rule regex, compiled on first use — first with `regex-lite` (cheap to build, slower to run),
/// then, once it has been used [`LITE_USES`] times, with `regex` (dear to build, fast to run).
///
/// Rule patterns use the syntax both engines share and mean the same thing in both: the Perl
/// classes `\s`, `\w`, `\d` and `\b` are ASCII in both (shell words are split on ASCII blanks
/// only; the full engine is given explicit ASCII sets). They differ only in `(?i)` on the Kelvin
/// sign and the long s, which `regex` folds to `k` and `s` and no shell does. A test compares both
/// engines on every embedded rule regex.
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    uses: AtomicU32,
    lite: OnceLock<regex_lite::Regex>,
    full: OnceLock<regex::Regex>,
    /// Literals (ASCII-lowercased) one of which every match contains; empty: not known.
    needles: &'static [&'static str],
}

impl LazyRegex {
    /// Keep `source` for compilation on first use. With `validate`, compile it with both engines
    /// now so that a bad user pack fails at load; the embedded packs are validated by the test
    /// suite instead, which keeps start-up free of regex compilation.
    pub fn new(source: &str, validate: bool) -> Result<Self, String> {
        let re = LazyRegex {
            source: without_captures(source),
            uses: AtomicU32::new(0),
            lite: OnceLock::new(),
            full: OnceLock::new(),
            needles: &[],
        };
        if validate {
            re.check()?;
        }
        Ok(re)
    }

    /// Compile with both engines now and report errors (load-time validation, tests).
    pub fn check(&self) -> Result<(), String> {
        regex_lite::RegexBuilder::new(&self.source)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        full_engine(&self.source).map(|_| ())
    }

    /// Attach literals one of which every match contains (ASCII-lowercased; computed from the
    /// pattern at build time): text with none of them is answered without compiling anything.
    pub fn with_needles(mut self, needles: &'static [&'static str]) -> Self {
        self.needles = needles;
        self
    }

    /// Could `text` match, by the needles alone? (Always, when there are none.)
    pub fn may_match(&self, text: &str) -> bool {
        if self.needles.is_empty() {
            return true;
        }
        let lower: std::borrow::Cow<str> = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            text.to_ascii_lowercase().into()
        } else {
            text.into()
        };
        self.needles.iter().any(|n| lower.contains(n))
    }

    /// The needles' promise on `text`: when the pattern matches, the needles let it through
    /// (tests check this on every rule example).
    pub fn needles_hold(&self, text: &str) -> bool {
        let matches = self
            .full
            .get_or_init(|| full_engine(&self.source).unwrap_or_else(|_| never_matches()))
            .is_match(text);
        !matches || self.may_match(text)
    }

    /// Whether build-time needles are attached.
    pub fn has_needles(&self) -> bool {
        !self.needles.is_empty()
    }

    /// True when `text` matches. An invalid embedded pattern (which the test suite rules out)
    /// matches nothing rather than crashing the scanner.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(full) = self.full.get() {
            return full.is_match(text);
        }
        if !self.may_match(text) {
            return false;
        }
        if self.uses.fetch_add(1, Ordering::Relaxed) >= LITE_USES {
            let full = self
                .full
                .get_or_init(|| full_engine(&self.source).unwrap_or_else(|_| never_matches()));
            return full.is_match(text);
        }
        self.lite
            .get_or_init(|| {
                regex_lite::Regex::new(&self.source)
                    .unwrap_or_else(|_| regex_lite::Regex::new("[^\\s\\S]").expect("valid"))
            })
            .is_match(text)
    }

    /// True when the two engines agree on `text` (tests).
    pub fn engines_agree(&self, text: &str) -> bool {
        let lite = regex_lite::Regex::new(&self.source).map(|r| r.is_match(text));
        let full = full_engine(&self.source).map(|r| r.is_match(text));
        matches!((lite, full), (Ok(a), Ok(b)) if a == b)
    }
}

/// The full engine with the small engine's meanings: ASCII Perl classes, word boundaries and case
/// folding (`regex` with Unicode off for those constructs only; `.` and literal text stay UTF-8).
fn full_engine(source: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&ascii_classes(source))
        .size_limit(1 << 22)
        // The lazy DFA's cache grows with the variety of text it sees (2 MiB per regex by
        // default): over a long script or batch a few hundred rule regexes would hold hundreds
        // of MiB. A small cache is cleared and refilled instead, at little cost.
        .dfa_size_limit(1 << 18)
        .build()
        .map_err(|e| e.to_string())
}

fn never_matches() -> regex::Regex {
    regex::Regex::new("[^\\s\\S]").expect("valid")
}

/// Rewrite `\s`, `\S`, `\d`, `\D`, `\w`, `\W` as explicit ASCII sets (inside a bracket class, the
/// set's members) and `\b`/`\B` as ASCII word boundaries, so that `regex` means what
/// `regex-lite` means.
/// Every capturing group `(…)` written as a non-capturing `(?:…)`: only `is_match` is asked,
/// and the small engine's matcher state grows with the number of capture slots.
fn without_captures(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            // `[[:alpha:]]`: a POSIX class inside a bracket class.
            '[' if in_class && chars.peek() == Some(&':') => {
                out.push('[');
                for n in chars.by_ref() {
                    out.push(n);
                    if n == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '(' if !in_class && chars.peek() != Some(&'?') => out.push_str("(?:"),
            _ => out.push(c),
        }
    }
    out
}

fn ascii_classes(source: &str) -> String {
    const SPACE: &str = r"\t\n\x0B\x0C\r ";
    const DIGIT: &str = "0-9";
    const WORD: &str = "0-9A-Za-z_";
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let set = match n {
                    's' | 'S' => Some(SPACE),
                    'd' | 'D' => Some(DIGIT),
                    'w' | 'W' => Some(WORD),
                    _ => None,
                };
                match (set, n.is_ascii_uppercase(), in_class) {
                    (Some(set), false, true) => out.push_str(set),
                    (Some(set), false, false) => {
                        out.push('[');
                        out.push_str(set);
                        out.push(']');
                    }
                    (Some(set), true, false) => {
                        out.push_str("[^");
                        out.push_str(set);
                        out.push(']');
                    }
                    // A negated Perl class inside a bracket class (`[^\S]`) has no plain spelling;
                    // keep it (no embedded rule uses one; the agreement test would catch it).
                    (Some(_), true, true) => {
                        out.push('\\');
                        out.push(n);
                    }
                    (None, _, false) if n == 'b' || n == 'B' => {
                        out.push_str("(?-u:\\");
                        out.push(n);
                        out.push(')');
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading `]` (or `^]`) is a literal member, not the end of the class.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_lose_their_captures_but_not_their_meaning() {
        assert_eq!(
            without_captures(r"(a|b)(?i:c)\(x\)[(]"),
            r"(?:a|b)(?i:c)\(x\)[(]"
        );
        assert_eq!(without_captures(r"[[:alpha:](](x)"), r"[[:alpha:](](?:x)");
        let re = LazyRegex::new(r"^(rm|unlink)\s+(-\w+\s+)*(/|~)$", true).unwrap();
        for _ in 0..(LITE_USES + 2) {
            assert!(re.is_match("rm -rf /"));
            assert!(re.is_match("unlink ~"));
            assert!(!re.is_match("rm -rf ./x"));
        }
    }

    #[test]
    fn the_full_engine_gets_ascii_perl_classes() {
        assert_eq!(ascii_classes(r"a\s+b"), r"a[\t\n\x0B\x0C\r ]+b");
        assert_eq!(
            ascii_classes(r"[^/\s]\S"),
            r"[^/\t\n\x0B\x0C\r ][^\t\n\x0B\x0C\r ]"
        );
        assert_eq!(ascii_classes(r"\bx\d[\w.]"), r"(?-u:\b)x[0-9][0-9A-Za-z_.]");
        assert_eq!(ascii_classes(r"[]\s]\\s"), r"[]\t\n\x0B\x0C\r ]\\s");
        let re = LazyRegex::new(r"^rm\s+-rf$", true).unwrap();
        for _ in 0..(LITE_USES + 2) {
            assert!(re.is_match("rm -rf"));
            assert!(!re.is_match("rm\u{a0}-rf"), "NBSP is not a shell blank");
        }
        assert!(
            re.full.get().is_some(),
            "a hot regex moves to the full engine"
        );
        assert!(
            LazyRegex::new(r"\p{Greek}", true).is_err(),
            "syntax only one engine has"
        );
    }
}
