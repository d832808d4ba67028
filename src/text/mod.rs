//! Text layer: the raw input, before any parsing.
//!
//! It finds what can make a terminal *show* something other than what will *run* — escape
//! sequences, C0/C1 controls, carriage returns and backspaces, bidi controls, invisible characters
//! — and produces a sanitized copy (escapes and invisibles removed, NFKC, ASCII lookalikes folded to
//! ASCII) with a byte map back to the input. The shell layer analyses both the input and the
//! sanitized copy, so hiding a command behind an escape sequence cannot hide it from the scanner.
//! Plain printable ASCII skips all of this.

pub mod base64;
mod escapes;
pub mod glob;
pub mod json;
pub mod lazy_regex;
pub mod percent;
pub mod phrases;
mod unicode;
pub mod vendor;

use crate::analyzers::Hit;
pub use unicode::{ascii_lookalike, describe_char};

/// True when `name` is `tail` or ends with `.tail`: a host under a domain (`api.github.com`,
/// `github.com`) or a member path ending in a name (`c.execSync`, `execSync`). Allocation-free:
/// it runs for every name against every entry of a list.
pub fn dotted_tail(name: &str, tail: &str) -> bool {
    match name.strip_suffix(tail) {
        Some("") => true,
        Some(head) => head.ends_with('.'),
        None => false,
    }
}

/// Input larger than this is not parsed (the verdict is a block).
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// The text handed to the shell layer, plus what the text layer itself found.
pub struct Prepared {
    /// The input with NUL bytes neutralised (same length as the input).
    pub original: String,
    /// The sanitized text, when it differs from `original`.
    pub sanitized: Option<String>,
    /// `map[i]` = input offset of sanitized byte `i` (one extra entry for the end); `u32`
    /// because inputs are at most a few MiB, and a long script's map is half the size.
    pub map: Vec<u32>,
    /// Findings of the text layer.
    pub hits: Vec<Hit>,
}

/// True for input that needs no text-layer work: printable ASCII, tabs and newlines.
fn is_plain(input: &str) -> bool {
    input
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
}

/// Check and normalise raw input.
pub fn prepare(input: &str) -> Prepared {
    let mut hits = Vec::new();
    let original = if input.contains('\0') {
        let first = input.find('\0').unwrap_or(0);
        hits.push(Hit {
            rule_id: "core.nul-byte",
            span: (first, first + 1),
            detail: Some("a NUL byte can truncate the command a shell actually runs".into()),
        });
        input.replace('\0', " ")
    } else {
        input.to_string()
    };
    if is_plain(&original) {
        return Prepared {
            original,
            sanitized: None,
            map: Vec::new(),
            hits,
        };
    }
    let mut out = Sanitizer::default();
    escapes::scan(&original, &mut out, &mut hits);
    let Sanitizer { text, map } = out;
    let sanitized = (text != original).then_some(text);
    Prepared {
        original,
        sanitized,
        map,
        hits,
    }
}

/// Builds the sanitized text and its byte map.
#[derive(Default)]
pub(crate) struct Sanitizer {
    text: String,
    map: Vec<u32>,
}

impl Sanitizer {
    /// Append `s`, every byte of it mapped to input offset `at`.
    pub(crate) fn push_str(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        self.map.extend(std::iter::repeat_n(offset32(at), s.len()));
    }

    /// Append one character that came from input offset `at`, normalised: NFKC always, and
    /// letter lookalikes folded to ASCII when `beside_ascii` (a Cyrillic `с` inside `сurl`; a
    /// word written wholly in Cyrillic stays as it is).
    pub(crate) fn push_char(&mut self, c: char, at: usize, beside_ascii: bool) {
        if c.is_ascii() {
            self.text.push(c);
            self.map.push(offset32(at));
            return;
        }
        let folded = unicode::fold(c, beside_ascii);
        self.push_str(&folded, at);
    }

    /// Close the map with the end offset.
    pub(crate) fn finish(&mut self, end: usize) {
        self.map.push(offset32(end));
    }
}

/// An input offset as stored in a map (inputs are capped far below 4 GiB).
pub(crate) fn offset32(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::dotted_tail;

    #[test]
    fn dotted_tail_needs_a_whole_label() {
        assert!(dotted_tail("github.com", "github.com"));
        assert!(dotted_tail("api.github.com", "github.com"));
        assert!(dotted_tail("child_process.execSync", "execSync"));
        assert!(!dotted_tail("evilgithub.com", "github.com"));
        assert!(!dotted_tail("myexecSync", "execSync"));
        assert!(!dotted_tail("github.co", "github.com"));
        assert!(!dotted_tail("", "x"));
    }
}
