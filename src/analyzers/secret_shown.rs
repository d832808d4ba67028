//! Private keys printed where people (and agents) read them: `cat ~/.ssh/id_rsa`,
//! `gpg --export-secret-keys --armor`. Nothing leaves the machine yet, but the key lands in the
//! terminal's scrollback and in the transcript an agent sends to its model, and a prompt-injected
//! agent splits "read" and "send" over two turns. Approval-tier (warn). Tokens and password
//! files are not flagged when merely shown: people print them to copy a value.
//!
//! Only whole-content printers count, and only when their output reaches the screen: not
//! redirected to a file, not piped into a consumer (`aws ecr get-login-password | docker login
//! --password-stdin`), not captured by a substitution (the exfiltration analyzer follows values).

use std::sync::OnceLock;

use super::Hit;
use crate::shell::ir::Command;
use crate::shell::Script;
use crate::text::lazy_regex::LazyRegex;

const RULE: &str = "exfil.secret-shown";

/// Programs that print the whole content of the files they are given.
const FILE_PRINTERS: &[&str] = &[
    "cat", "tac", "nl", "head", "tail", "less", "more", "most", "bat", "batcat", "base64",
    "base32", "basenc", "xxd", "od", "hexdump", "hd", "strings", "view", "pr", "rev", "fold",
];

/// Later pipeline stages that still show (part of) what they are given.
const VIEWERS: &[&str] = &[
    "cat", "tac", "nl", "head", "tail", "less", "more", "most", "bat", "batcat", "base64",
    "base32", "xxd", "od", "hexdump", "hd", "strings", "tee", "grep", "egrep", "fgrep", "rg",
    "sed", "awk", "gawk", "cut", "tr", "sort", "uniq", "jq", "yq", "column", "fold", "rev", "sudo",
];

/// Commands that print private keys rather than read a file: `gpg --export-secret-keys` and a
/// keychain dump with its secrets (`security dump-keychain -d`). Token printers (`gh auth token`,
/// `op read`, `aws secretsmanager get-secret-value`) are left out: people run them to copy a value.
fn prints_private_keys(cmd: &Command) -> Option<String> {
    let args = cmd.args();
    let has = |w: &str| args.iter().any(|a| a.text == w);
    let found = match cmd.name() {
        "gpg" | "gpg2" => args.iter().any(|a| a.text.starts_with("--export-secret")),
        "security" => has("dump-keychain") && has("-d"),
        _ => false,
    };
    found.then(|| {
        format!(
            "`{}`",
            cmd.argv
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )
    })
}

/// The shared table of secret files worth a warning when printed.
fn secret_file_re() -> Option<&'static LazyRegex> {
    static RE: OnceLock<Option<LazyRegex>> = OnceLock::new();
    RE.get_or_init(|| {
        let table = crate::rules::table("shown_secret_file")?;
        LazyRegex::new(&format!("(?:{table})"), false).ok()
    })
    .as_ref()
}

/// A secret file named by `path` (resolved against the command's working directory); a relative
/// path with no known directory is a project file, not the user's.
fn secret_file(cmd: &Command, path: &str) -> bool {
    let Some(re) = secret_file_re() else {
        return false;
    };
    let absolute = path.starts_with(['/', '~', '$']);
    let resolved = match (&cmd.cwd, absolute) {
        (_, true) => path.to_string(),
        (Some(dir), false) => crate::shell::state::resolve(dir, path),
        (None, false) => return false,
    };
    re.is_match(&resolved)
}

/// What secret the command prints, if any.
fn printed_secret(cmd: &Command) -> Option<String> {
    // `tr '\0' '\n' < /proc/1/environ`: a filter fed the file prints it too.
    let filter = cmd.name() == "tr";
    if filter || FILE_PRINTERS.contains(&cmd.name()) {
        let named = cmd
            .args()
            .iter()
            .map(|a| a.text.as_str())
            .filter(|t| !filter && !t.starts_with('-'))
            .chain(
                cmd.redirects
                    .iter()
                    .filter(|r| r.op == "<" && matches!(r.fd, None | Some(0)))
                    .map(|r| r.target.text.as_str()),
            )
            .find(|p| secret_file(cmd, p));
        if let Some(path) = named {
            return Some(path.to_string());
        }
    }
    prints_private_keys(cmd)
}

/// Does the command's standard output reach the screen? Not when it is written to a file, fed to
/// a later pipeline stage that consumes it, or captured by a substitution.
fn output_is_shown(script: &Script, cmd: &Command) -> bool {
    if !cmd.within.is_empty() || cmd.in_function {
        return false;
    }
    let to_file = cmd.redirects.iter().any(|r| {
        r.writes()
            && matches!(r.fd, None | Some(1))
            && !matches!(
                r.target.text.as_str(),
                "/dev/stdout" | "/dev/tty" | "/dev/stderr" | "/dev/fd/1" | "/dev/fd/2"
            )
    });
    if to_file {
        return false;
    }
    let Some(pos) = cmd.pipes.last() else {
        return true;
    };
    script
        .commands
        .iter()
        .filter(|c| {
            c.depth == cmd.depth
                && c.pipes
                    .iter()
                    .any(|p| p.pipeline == pos.pipeline && p.stage > pos.stage)
        })
        .all(|c| VIEWERS.contains(&c.name()))
}

/// Report every command that prints a secret to the screen.
pub fn analyze(script: &Script) -> Vec<Hit> {
    script
        .commands
        .iter()
        .filter_map(|cmd| {
            let what = printed_secret(cmd)?;
            output_is_shown(script, cmd).then(|| Hit {
                rule_id: RULE,
                span: cmd.span,
                detail: Some(format!(
                    "{what} is printed to the terminal (and into any agent's transcript)"
                )),
            })
        })
        .collect()
}
