//! hermes-scan: a pre-exec scanner for shell commands.
//!
//! The pipeline, one module per stage:
//! `text` (raw bytes) → `shell` (AST → canonical commands) → `analyzers` (findings) →
//! `policy` (actions) → `verdict`. Front doors (`cli`) only call into this core.

/// `eprintln!` that never panics: a closed or full stderr (`2>&-`, `2>/dev/full`) must not turn
/// a clear error into a crash with a different exit status.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod agent;
pub mod analyzers;
pub mod cli;
pub mod context;
pub mod exec;
pub mod files;
pub mod findings;
pub mod hooks;
pub mod interp;
pub mod policy;
pub mod prefilter;
pub mod rules;
pub mod scanner;
pub mod shell;
pub mod supply;
pub mod text;
pub mod verdict;
pub mod web;

pub use findings::{Action, Finding, Severity, Span};
pub use scanner::Scanner;
pub use verdict::Verdict;
