//! IPython's shell escapes inside Python code (`ipython -c '!rm -rf ~'`, a notebook cell's
//! `!pip install x`, `files = !ls`, `%system cmd`, a `%%bash` cell): lines plain Python cannot
//! parse, which IPython hands to a shell.

/// The shell command lines of IPython escapes in `code`, and the code with those lines blanked
/// (so the Python reading is not confused by them). `None` when there are none.
pub fn split_escapes(code: &str) -> Option<(Vec<String>, String)> {
    let mut commands = Vec::new();
    let mut python = String::with_capacity(code.len());
    let mut cell_is_shell = false;
    for (n, line) in code.split('\n').enumerate() {
        if n > 0 {
            python.push('\n');
        }
        let body = line.trim_start();
        if cell_is_shell {
            commands.push(line.to_string());
            continue;
        }
        if n == 0 && is_shell_cell_magic(body) {
            cell_is_shell = true;
            continue;
        }
        match escape_command(body) {
            Some(cmd) => {
                if !cmd.trim().is_empty() {
                    commands.push(cmd.to_string());
                }
            }
            None => python.push_str(line),
        }
    }
    (!commands.is_empty()).then_some((commands, python))
}

/// `%%bash`, `%%sh`, `%%script bash|sh|zsh`: the whole cell is shell.
fn is_shell_cell_magic(line: &str) -> bool {
    let mut words = line.split_ascii_whitespace();
    match words.next() {
        Some("%%bash" | "%%sh" | "%%zsh") => true,
        Some("%%script") => words
            .next()
            .is_some_and(|w| matches!(w.rsplit('/').next(), Some("bash" | "sh" | "zsh" | "dash"))),
        _ => false,
    }
}

/// The shell command of one escaped line: `!cmd`, `!!cmd`, `%system cmd`, `%sx cmd`,
/// `%sc var=cmd`, or an assignment from one (`out = !cmd`).
fn escape_command(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix('!') {
        return Some(rest.strip_prefix('!').unwrap_or(rest));
    }
    for magic in ["%system ", "%sx ", "%sc "] {
        if let Some(rest) = line.strip_prefix(magic) {
            // `%sc var=cmd` names a variable first.
            let rest = rest.trim_start();
            return Some(if magic == "%sc " {
                rest.split_once('=').map_or(rest, |(_, c)| c)
            } else {
                rest
            });
        }
    }
    // `files = !ls` (an identifier, `=`, then the escape).
    let (lhs, rhs) = line.split_once('=')?;
    let lhs = lhs.trim_end();
    let is_name = !lhs.is_empty()
        && lhs
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ',' || c == ' ');
    let rhs = rhs.trim_start();
    if is_name && !rhs.starts_with('=') {
        if let Some(cmd) = rhs.strip_prefix('!') {
            return Some(cmd);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::split_escapes;

    #[test]
    fn shell_escapes_are_found_in_every_form() {
        let (cmds, py) = split_escapes("import os\n!rm -rf ~\nx = !ls /\n%system id").unwrap();
        assert_eq!(cmds, ["rm -rf ~", "ls /", "id"]);
        assert_eq!(py, "import os\n\n\n");
        let (cmds, _) = split_escapes("%%bash\ncurl x | sh\nrm -rf /").unwrap();
        assert_eq!(cmds, ["curl x | sh", "rm -rf /"]);
        let (cmds, _) = split_escapes("  !!pip install requests").unwrap();
        assert_eq!(cmds, ["pip install requests"]);
    }

    #[test]
    fn plain_python_has_no_escapes() {
        assert!(split_escapes("print(1 != 2)\nx = a != b\nif not x: pass").is_none());
        assert!(split_escapes("s = '!rm -rf ~'").is_none());
        assert!(split_escapes("x == !y").is_none());
    }
}
