//! Byte-level prefilter: decides, without parsing, that input cannot produce any finding.
//!
//! Input skips the parse only when every byte is in a small safe class (letters, digits, blanks and
//! `-_./:=,@%+^~`) *and* no rule keyword occurs anywhere in it (ASCII case-insensitive) *and* no
//! token is a shell reserved word (a misplaced one is a parse error, which is a finding). Quotes,
//! `$`, backslashes, backticks, brackets, redirections, globs and non-ASCII bytes always go to the
//! full pipeline, because each of them can assemble a command name the keywords would not see.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Words matched as whole tokens: shell reserved words (misplaced, they are parse errors) and
/// the short install verbs that substring keywords would over-match (`npm i x`, `go get x`).
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "i", "get", "a", "ins", "inst", "insta", "instal",
    "isnt", "isnta", "isntal",
];

/// The compiled prefilter.
pub struct Prefilter {
    keywords: AhoCorasick,
    /// Short program names matched as whole tokens (`at`, `ex`, `R`), too short for substrings.
    tokens: Vec<String>,
}

/// Bytes that cannot start shell syntax: letters, digits, blanks and `-_./:=,@%+^~`.
pub fn is_safe_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b' ' | b'\t'
                | b'\n'
                | b'-'
                | b'_'
                | b'.'
                | b'/'
                | b':'
                | b'='
                | b','
                | b'@'
                | b'%'
                | b'+'
                | b'^'
                | b'~'
        )
}

impl Prefilter {
    /// Build from the keyword list (rule command names and extra keywords).
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(keywords: I) -> Self {
        Self::with_tokens(keywords, std::iter::empty::<&str>())
    }

    /// Build from substring keywords plus whole-token program names (matched as a word or as the
    /// last component of a path: `at`, `/usr/bin/at`).
    pub fn with_tokens<I, S, T, U>(keywords: I, tokens: T) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        T: IntoIterator<Item = U>,
        U: AsRef<str>,
    {
        let words: Vec<String> = keywords
            .into_iter()
            .map(|k| k.as_ref().to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        let tokens: Vec<String> = tokens
            .into_iter()
            .map(|k| k.as_ref().to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("keyword automaton builds");
        Prefilter { keywords, tokens }
    }

    /// True when the input must go through the full pipeline.
    pub fn needs_scan(&self, input: &str) -> bool {
        if !input.bytes().all(is_safe_byte) {
            return true;
        }
        if self.keywords.is_match(input) {
            return true;
        }
        input.split(|c: char| c.is_ascii_whitespace()).any(|t| {
            let base = t.rsplit('/').next().unwrap_or(t);
            RESERVED.contains(&t)
                || (!base.is_empty() && self.tokens.iter().any(|k| k.eq_ignore_ascii_case(base)))
        })
    }
}
