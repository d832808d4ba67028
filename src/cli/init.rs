//! `hermes-scan init bash|zsh|fish`: print the shell hook with this binary's absolute path.

/// The hook sources, compiled in.
const BASH: &str = include_str!("../../shims/hermes-scan.bash");
const ZSH: &str = include_str!("../../shims/hermes-scan.zsh");
const FISH: &str = include_str!("../../shims/hermes-scan.fish");

/// Print the hook for `shell`.
pub fn run(shell: &str) -> i32 {
    let template = match shell {
        "bash" => BASH,
        "zsh" => ZSH,
        "fish" => FISH,
        other => {
            crate::errln!("hermes-scan: no hook for {other:?} (bash, zsh, fish)");
            return super::EXIT_USAGE;
        }
    };
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "hermes-scan".to_string());
    super::print(&template.replace("@BIN@", &single_quote(&exe)));
    0
}

/// Quote a path for bash, zsh and fish alike.
fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
