//! What a command must have for a match block without a program name to match it — known from
//! which conditions the block sets, so the build script can record it and a run can skip such a
//! block (and leave its rule unparsed) for the many commands that lack it. Also used by
//! `build.rs` (included by path), so it depends on nothing.

/// The block has a `redirect` or `overwrite` condition: the command must write somewhere.
pub const WRITE: u8 = 1;
/// The block has a `redirect_any` condition: the command must have a redirection.
pub const REDIRECT: u8 = 2;
/// The block has a `stdin` condition: the command must be fed text (heredoc, here-string).
pub const STDIN: u8 = 4;
/// The block has an `assign` condition: the command must carry `NAME=value` assignments.
pub const ASSIGN: u8 = 8;

/// The needs of a block, given which of its conditions are set (`has("redirect")`, …).
pub fn needs(has: impl Fn(&str) -> bool) -> u8 {
    let mut n = 0;
    if has("redirect") || has("overwrite") {
        n |= WRITE;
    }
    if has("redirect_any") {
        n |= REDIRECT;
    }
    if has("stdin") {
        n |= STDIN;
    }
    if has("assign") {
        n |= ASSIGN;
    }
    n
}
