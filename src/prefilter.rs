//! Byte-level prefilter: decides, without parsing, that input cannot produce any finding.
//!
//! Input skips the parse only when every byte is in a small safe class (letters, digits, blanks and
//! `-_./:=,@%+^~`) *and* no rule keyword occurs anywhere in it (ASCII case-insensitive) *and* no
//! token is a shell reserved word (a misplaced one is a parse error, which is a finding). Quotes,
//! `$`, backslashes, backticks, brackets, redirections, globs and non-ASCII bytes always go to the
//! full pipeline, because each of them can assemble a command name the keywords would not see.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Inputs up to this long are searched by first-byte buckets; longer ones by an automaton that
/// is built on first need (building it costs more than a whole short scan, so a one-shot
/// `check` of a short command never pays for it).
const SHORT_INPUT: usize = 256;

/// Words matched as whole tokens: shell reserved words (misplaced, they are parse errors) and
/// the short install verbs that substring keywords would over-match (`npm i x`, `go get x`).
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "i", "get", "a", "ins", "inst", "insta", "instal",
    "isnt", "isnta", "isntal",
];

/// The compiled prefilter.
pub struct Prefilter {
    /// Lowercase keywords.
    words: Vec<Cow<'static, str>>,
    /// Indices into `words` by (lowercase) first byte.
    by_first: Vec<Vec<u32>>,
    /// Case-insensitive automaton over `words`, built on first use.
    automaton: OnceLock<AhoCorasick>,
    /// Short program names matched as whole tokens (`at`, `ex`, `R`), too short for substrings.
    tokens: Vec<Cow<'static, str>>,
}

/// ASCII-lowercase, borrowing when already lowercase.
fn lowercase(s: Cow<'static, str>) -> Cow<'static, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        s
    }
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
    pub fn new<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(keywords: I) -> Self {
        Self::with_tokens(keywords, std::iter::empty::<&'static str>())
    }

    /// A prefilter over `keywords` (substrings) and `tokens` (whole blank-separated tokens).
    /// Static names are borrowed, not copied: a start-up builds this for ~1,000 names.
    pub fn with_tokens<I, S, T, U>(keywords: I, tokens: T) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
        T: IntoIterator<Item = U>,
        U: Into<Cow<'static, str>>,
    {
        let words: Vec<Cow<'static, str>> = keywords
            .into_iter()
            .map(|k| lowercase(k.into()))
            .filter(|k| !k.is_empty())
            .collect();
        let tokens: Vec<Cow<'static, str>> = tokens
            .into_iter()
            .map(|k| lowercase(k.into()))
            .filter(|k| !k.is_empty())
            .collect();
        let mut by_first = vec![Vec::new(); 256];
        for (i, w) in words.iter().enumerate() {
            by_first[usize::from(w.as_bytes()[0])].push(i as u32);
        }
        Prefilter {
            words,
            by_first,
            automaton: OnceLock::new(),
            tokens,
        }
    }

    /// True when some keyword occurs in the input (ASCII case-insensitive).
    fn has_keyword(&self, input: &str) -> bool {
        let b = input.as_bytes();
        if b.len() > SHORT_INPUT {
            let automaton = self.automaton.get_or_init(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(self.words.iter().map(|w| w.as_bytes()))
                    .expect("keyword automaton builds")
            });
            return automaton.is_match(input);
        }
        (0..b.len()).any(|i| {
            self.by_first[usize::from(b[i].to_ascii_lowercase())]
                .iter()
                .any(|&w| {
                    let w = self.words[w as usize].as_bytes();
                    b.len() - i >= w.len() && b[i..i + w.len()].eq_ignore_ascii_case(w)
                })
        })
    }

    /// True when the input must go through the full pipeline.
    pub fn needs_scan(&self, input: &str) -> bool {
        if !input.bytes().all(is_safe_byte) {
            return true;
        }
        if self.has_keyword(input) {
            return true;
        }
        input.split(|c: char| c.is_ascii_whitespace()).any(|t| {
            let base = t.rsplit('/').next().unwrap_or(t);
            RESERVED.contains(&t)
                || (!base.is_empty() && self.tokens.iter().any(|k| k.eq_ignore_ascii_case(base)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bucket search and the automaton agree on every input, short or long.
    #[test]
    fn bucket_search_and_automaton_agree() {
        let p = Prefilter::new(["curl", "rm", "dd", "/dev/", "ld.so.preload", "x"]);
        let mut seed: u64 = 7;
        let alphabet = b"abcdlmrux./-_ CURLRMDEV";
        for len in [0, 1, 2, 5, 30, 255, 256, 257, 600] {
            for _ in 0..200 {
                let s: String = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        alphabet[(seed >> 33) as usize % alphabet.len()] as char
                    })
                    .collect();
                let automaton = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .build(p.words.iter().map(|w| w.as_bytes()))
                    .unwrap();
                assert_eq!(p.has_keyword(&s), automaton.is_match(&s), "{s:?}");
            }
        }
    }
}
