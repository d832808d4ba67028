//! Terminal escapes a command *prints* (`printf '\e]52;c;…\a'`, `echo -e '\033[8m…'`), written as
//! text in the command so the raw-input scan of the text layer never sees an ESC byte.
//!
//! Colours, progress bars and cursor tricks on the terminal are everyday output and stay silent.
//! What counts: a clipboard write (OSC 52: the next paste runs what the command chose), a
//! hyperlink whose visible text names one place and whose target is another, and concealed text or
//! cursor rewrites stored where someone reads them later (a file, a commit message, a variable).

use super::Hit;
use crate::shell::escapes::decode_ansi_c;
use crate::shell::ir::Command;
use crate::shell::Script;

/// Where printed text goes, least lasting first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stored {
    /// To the terminal.
    Shown,
    /// Into a value (a substitution, `printf -v`): a commit message, a variable.
    Value,
    /// Into a file that someone will display later.
    File,
}

/// The text the command prints with its escapes decoded, and where it goes.
fn printed(cmd: &Command) -> Option<(String, Stored)> {
    let mut args = cmd.args();
    // A file, or another session's terminal (`> /dev/pts/1`, `| sudo tee /dev/tty1`).
    let another_terminal = |t: &str| {
        t.strip_prefix("/dev/pts/")
            .or_else(|| t.strip_prefix("/dev/tty"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let to_file = cmd.redirects.iter().any(|r| {
        r.writes()
            && matches!(r.fd, None | Some(1))
            && (!r.target.text.starts_with("/dev/") || another_terminal(&r.target.text))
    });
    let mut stored = if to_file {
        Stored::File
    } else if !cmd.within.is_empty() {
        Stored::Value
    } else {
        Stored::Shown
    };
    let decode = match cmd.name() {
        "printf" => {
            if args.first().is_some_and(|a| a.text == "-v") {
                stored = stored.max(Stored::Value);
                args = args.get(2..).unwrap_or(&[]);
            }
            true
        }
        "echo" => {
            let mut decode = false;
            while let Some(flag) = args.first().filter(|a| {
                a.text.len() > 1
                    && a.text.starts_with('-')
                    && a.text[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
            }) {
                decode |= flag.text.contains('e');
                args = &args[1..];
            }
            decode
        }
        _ => return None,
    };
    let joined = args
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let text = match args.split_first() {
        // printf decodes escapes in its format, and in arguments only through `%b`
        // (`printf '%s\n' '"\e[A": history-search-backward'` prints a backslash and an e).
        Some((format, rest)) if cmd.name() == "printf" && !format.text.contains("%b") => {
            let mut text = decode_ansi_c(&format.text);
            for a in rest {
                text.push(' ');
                text.push_str(&a.text);
            }
            text
        }
        _ if decode => decode_ansi_c(&joined),
        _ => joined,
    };
    text.contains(['\u{1b}', '\u{9b}', '\u{9d}'])
        .then_some((text, stored))
}

/// The host part of a URL-like text (`https://evil.example/x` → `evil.example`), lowercased.
fn host_of(text: &str) -> Option<String> {
    let rest = text
        .trim()
        .split_once("://")
        .map_or(text.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#', ' ']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    host.contains('.').then(|| host.to_ascii_lowercase())
}

/// An OSC 8 link whose visible text names a different host than its target.
fn misleading_link(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}]8;") {
        let after = &rest[at + 4..];
        let end = after.find(['\u{7}', '\u{1b}'])?;
        let target = after[..end].split_once(';').map_or("", |(_, t)| t);
        let shown_from = after[end..].trim_start_matches('\u{7}');
        let shown_from = shown_from.strip_prefix("\u{1b}\\").unwrap_or(shown_from);
        let shown = shown_from.split('\u{1b}').next().unwrap_or("");
        if let (Some(to), Some(seen)) = (host_of(target), host_of(shown)) {
            if to != seen {
                return Some(format!("a link shown as {shown:?} opens {target:?}"));
            }
        }
        rest = &after[end..];
    }
    None
}

/// Sequences that make the terminal *answer*: the answer arrives as if typed at the prompt
/// (title reports after setting the title to a command, DECRQSS), or a file transfer (iTerm2's
/// OSC 1337 File).
fn answerback(text: &str) -> Option<&'static str> {
    [
        (
            "\u{1b}[21t",
            "a title report (ESC[21t) types the window title back at the prompt",
        ),
        (
            "\u{1b}[20t",
            "an icon-label report (ESC[20t) types it back at the prompt",
        ),
        (
            "\u{1b}P$q",
            "a status request (DECRQSS) types its answer back at the prompt",
        ),
        (
            "\u{1b}]1337;File=",
            "an iTerm2 file transfer (OSC 1337 File) writes a file",
        ),
    ]
    .iter()
    .find(|(seq, _)| text.contains(seq))
    .map(|(_, what)| *what)
}

/// Report the deceptive escapes a command prints.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        let Some((text, stored)) = printed(cmd) else {
            continue;
        };
        let name = cmd.name();
        if let Some(what) = misleading_link(&text) {
            hits.push(Hit {
                rule_id: "text.hyperlink",
                span: cmd.span,
                detail: Some(format!("`{name}` prints a terminal hyperlink: {what}")),
            });
        }
        if let Some(what) = answerback(&text) {
            hits.push(Hit {
                rule_id: "text.terminal-escape",
                span: cmd.span,
                detail: Some(format!("`{name}` prints {what}")),
            });
        }
        for h in crate::text::prepare(&text).hits {
            let keep = match h.rule_id {
                "text.clipboard-write" => true,
                // Concealed text in a file or a commit message; cursor rewrites in a file (in a
                // variable they are a script's `CLEAR_LINE=$(printf '\033[2K')`).
                "text.hidden-text" => stored >= Stored::Value,
                "text.terminal-control" => stored == Stored::File,
                _ => false,
            };
            if keep && !hits.iter().any(|k: &Hit| k.rule_id == h.rule_id) {
                hits.push(Hit {
                    rule_id: h.rule_id,
                    span: cmd.span,
                    detail: Some(format!(
                        "`{name}` prints it: {}",
                        h.detail.unwrap_or_default()
                    )),
                });
            }
        }
    }
    hits
}
