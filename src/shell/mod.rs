//! Shell layer: tree-sitter-bash → an IR of what will execute, with canonical argv.
//!
//! Canonicalization is where spelling tricks die: quotes, backslashes, ANSI-C strings, `$IFS`,
//! literal variables, absolute paths, wrappers and nested `sh -c` / `eval` code all reduce to the
//! same [`ir::Command`] the plain spelling would produce.

pub mod escapes;
pub mod ir;
pub mod key;
pub mod nested;
pub mod preprocess;
mod sink_walk;
pub mod sinks;
mod split;
pub mod state;
mod transforms;
mod walk;
mod words;
pub mod wrappers;

pub use ir::{Command, Gap, GapKind, Script, Word};
pub use walk::{printed_literal, printed_text, MAX_DEPTH};

use std::rc::Rc;
use walk::{SpanMap, Walker};

/// Parse `text` and build its IR. `input` is the original input when `text` is byte-identical to
/// it; `map` (when given) maps each byte of `text` back to an input offset.
pub fn analyze_mapped(text: &str, map: Option<Vec<usize>>) -> Script {
    let input: Option<Rc<str>> = if map.is_none() {
        Some(Rc::from(text))
    } else {
        None
    };
    let mut w = Walker::new(input);
    let span_map = match map {
        Some(t) => SpanMap::Table(Rc::new(t), 0),
        None => SpanMap::Offset(0),
    };
    w.walk_source(text, span_map);
    w.run_deferred();
    let files = std::mem::take(&mut w.files);
    let mut script = w.out;
    script.files = files;
    script.index_stages();
    script
}

/// Parse shell input and build its IR.
pub fn analyze(text: &str) -> Script {
    analyze_mapped(text, None)
}

/// Like [`analyze`] but without tracking shell state (working directory, positional parameters,
/// arrays, function calls, `IFS`): the baseline the state tracker is tested against.
pub fn analyze_stateless(text: &str) -> Script {
    let mut w = Walker::new(Some(Rc::from(text)));
    w.track_state = false;
    w.walk_source(text, SpanMap::Offset(0));
    w.run_deferred();
    let mut script = w.out;
    script.index_stages();
    script
}
