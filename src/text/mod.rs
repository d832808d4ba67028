//! Text layer: raw input checks before any parsing.
//!
//! It guards the shell layer against bytes no shell command legitimately contains (NUL) and
//! produces the text the shell layer parses, with a position map back to the input when the two
//! differ. Terminal escapes, bidi controls and confusables are the next stage of this layer
//! (see the project issues); today it only neutralises NUL bytes.

use crate::analyzers::Hit;

/// Input larger than this is not parsed (the verdict is a block).
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// The text handed to the shell layer, plus what the text layer itself found.
pub struct Prepared {
    /// Text to parse.
    pub text: String,
    /// `map[i]` = input offset of text byte `i`, when positions differ from the input.
    pub map: Option<Vec<usize>>,
    /// Findings of the text layer.
    pub hits: Vec<Hit>,
}

/// Check and normalise raw input.
pub fn prepare(input: &str) -> Prepared {
    let mut hits = Vec::new();
    let text = if input.contains('\0') {
        let first = input.find('\0').unwrap_or(0);
        hits.push(Hit {
            rule_id: "core.nul-byte",
            span: (first, first + 1),
            detail: Some("a NUL byte can truncate the command a shell actually runs".into()),
        });
        // Same length, so spans stay valid: each NUL becomes a space.
        input.replace('\0', " ")
    } else {
        input.to_string()
    };
    Prepared {
        text,
        map: None,
        hits,
    }
}
