//! Vocabulary shared by the structural analyzers: which programs fetch, decode or interpret.

use crate::shell::nested::{reads_code_from_stdin, SHELLS};
use crate::shell::{Command, Word};

/// Programs that fetch content from the network.
pub const FETCHERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "iwr",
    "irm",
    "invoke-webrequest",
    "invoke-restmethod",
    "http",
    "https",
    "xh",
    "xhs",
    "aria2c",
    "wget2",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "lynx",
    "links",
    "w3m",
    "httpie",
    "curlie",
    "tftp",
    "ftp",
    "wget2",
    "lwp-request",
    "lwp-download",
    "get",
    "elinks",
    "axel",
    "aria2",
    "hurl",
    "grpcurl",
    "openssl-s_client",
];

/// DNS lookup tools: what they print (a TXT record above all) is whatever the domain's owner
/// published, so their output is downloaded text. Not prefilter keywords (`host` is a common
/// word); a command that pipes them into a shell names the shell, which is one.
pub const DNS_LOOKUPS: &[&str] = &["dig", "host", "nslookup", "drill", "kdig", "delv", "doggo"];

/// Interpreters that can run a program read from stdin or a file.
pub const INTERPRETERS: &[&str] = &[
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "nodejs",
    "deno",
    "bun",
    "php",
    "pwsh",
    "powershell",
    "iex",
    "invoke-expression",
    "lua",
    "tclsh",
    "osascript",
    "pypy",
    "pypy3",
    "jruby",
    "luajit",
    "rscript",
    "julia",
    "jshell",
    "xonsh",
    "guile",
    "sbcl",
    "racket",
    "ghci",
    "groovy",
    "scala",
    "erl",
    "expect",
    "wish",
];

/// True for `python3.12` and friends as well as the plain names.
pub fn is_interpreter(name: &str) -> bool {
    INTERPRETERS.contains(&name)
        || name
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `HOST:PATH`, `remote:path` or any `scheme://…`: a place on another machine.
pub fn is_remote_target(t: &str) -> bool {
    if t.contains("://") {
        return true;
    }
    match t.split_once(':') {
        Some((host, _)) => !host.is_empty() && !host.contains('/'),
        None => false,
    }
}

/// An object in cloud storage as `program` names it: `s3://`, `gs://`, `r2://`, `az://`, and
/// rclone/mc remotes (`remote:bucket/key`).
pub fn is_bucket_object(program: &str, t: &str) -> bool {
    ["s3://", "gs://", "r2://", "az://"]
        .iter()
        .any(|p| t.starts_with(p))
        || matches!(program, "rclone" | "mc") && is_remote_target(t)
        // rclone's remotes made on the fly: `:ftp:path`, `:s3,provider=x:bucket`.
        || program == "rclone" && t.starts_with(':') && t[1..].contains(':')
        // MinIO's client names objects `ALIAS/BUCKET/KEY` (its `local` alias is this machine's
        // own server).
        || program == "mc"
            && !t.starts_with(['/', '.', '~', '$'])
            && !t.starts_with("local/")
            && t.contains('/')
        || program == "azcopy"
            && t.starts_with("https://")
            && (t.contains(".blob.core.windows.net") || t.contains(".dfs.core.windows.net"))
}

/// ssh's short options that take a value (`-i KEY`, `-o OPT`, `-p PORT`, …): the word after
/// them is not the host.
pub const SSH_VALUED_FLAGS: &str = "bcDEeFIiJLlmOopQRSWwBPM";

/// The arguments after `-m MODULE` (`python3 -m runpy FILE`), when the command runs that module.
pub fn module_args<'a>(cmd: &'a Command, module: &str) -> Option<&'a [crate::shell::Word]> {
    let args = cmd.args();
    let k = args
        .windows(2)
        .position(|w| w[0].text == "-m" && w[1].text == module)?;
    Some(&args[k + 2..])
}

/// Is this command a network fetch?
pub fn is_fetcher(cmd: &Command) -> bool {
    let name = cmd.name().to_ascii_lowercase();
    if FETCHERS.contains(&name.as_str()) || DNS_LOOKUPS.contains(&name.as_str()) {
        return true;
    }
    // What another machine prints: `ssh HOST cat x.sh`, `git archive --remote=URL`.
    match name.as_str() {
        "ssh" => return ssh_remote_command(cmd),
        "git" => {
            let args = cmd.args();
            return args.first().is_some_and(|a| a.text == "archive")
                && args.iter().any(|a| a.text.starts_with("--remote"));
        }
        // A bucket object printed: `gsutil cat gs://b/x`, `rclone cat r:x`, `aws s3 cp s3://b/x -`.
        "aws" | "gsutil" | "rclone" | "s3cmd" | "mc" => {
            let ops: Vec<&str> = cmd
                .args()
                .iter()
                .map(|a| a.text.as_str())
                .filter(|a| !a.starts_with('-') || *a == "-")
                .collect();
            return match ops.as_slice() {
                ["cat", ..] => true,
                ["s3", "cp", src, "-"] | ["cp" | "get", src, "-"] => {
                    src.contains("://") || src.contains(':')
                }
                _ => false,
            };
        }
        // A server's file printed: `svn cat URL`, `lftp -c 'cat URL'`, `ipfs cat CID`.
        "svn" => {
            let args = cmd.args();
            return args.first().is_some_and(|a| a.text == "cat")
                && args.iter().any(|a| a.text.contains("://"));
        }
        "lftp" => {
            return cmd
                .args()
                .iter()
                .any(|a| a.text.split([';', ' ']).any(|w| w == "cat" || w == "more"));
        }
        "ipfs" => {
            return cmd
                .args()
                .first()
                .is_some_and(|a| matches!(a.text.as_str(), "cat" | "get"));
        }
        // A forge's CLI printing a file it fetched: `gh gist view ID --raw`, `gh api …`,
        // `gh release download … -O -`, `glab snippet view ID --raw`.
        "gh" | "glab" => {
            let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
            let to_stdout = args
                .windows(2)
                .any(|w| matches!(w[0], "-O" | "--output") && w[1] == "-")
                || args.contains(&"--output=-");
            return match args.as_slice() {
                ["api", ..] => true,
                ["gist" | "snippet", "view", ..] => true,
                ["release", "download", ..] => to_stdout,
                _ => false,
            };
        }
        _ => {}
    }
    // `python3 -m urllib.request URL`: the standard library's downloader prints the body.
    if name.starts_with("python") && module_args(cmd, "urllib.request").is_some() {
        return true;
    }
    // An interpreter one-liner that names a URL and a fetch call (`python3 -c '…urlopen("https://…")…'`,
    // `perl -MLWP::Simple -e 'getprint "http://…"'`, `node -e 'fetch("https://…")…'`): its
    // output is what the server sent.
    if is_interpreter(&name) {
        let text: String = cmd
            .args()
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let names_url =
            text.contains("http://") || text.contains("https://") || text.contains("ftp://");
        let fetch_call = INTERPRETER_FETCH_CALLS.iter().any(|c| text.contains(c));
        return names_url && fetch_call;
    }
    false
}

/// Does this `ssh` run a command on the remote host? The `ssh.remote` code sink (with its
/// option table in `rules/sinks.toml`) finds that command.
fn ssh_remote_command(cmd: &Command) -> bool {
    crate::shell::sinks::extract(cmd, None)
        .iter()
        .any(|f| f.place.label.is_some())
}

/// Calls or modules that fetch a URL in interpreter one-liners.
const INTERPRETER_FETCH_CALLS: &[&str] = &[
    "urlopen",
    "urlretrieve",
    "requests.get",
    "httpx.get",
    "http.client",
    "LWP::",
    "getprint",
    "HTTP::Tiny",
    "open-uri",
    "URI.open",
    "Net::HTTP",
    "fetch(",
    "https.get",
    "http.get",
    "axios",
    "readfile(",
    "file_get_contents(",
    "curl_exec",
    "fopen(\"http",
    "socket.http",
    "download.file",
    "url(",
    "HTTP.get",
    "Invoke-WebRequest",
    "iwr ",
    "DownloadString",
];

/// Decoding calls in interpreter one-liners (`base64.b64decode`, `Buffer.from(…, 'base64')`,
/// `pack`, `atob`, `bytes.fromhex`, `str_rot13`…): what such a snippet prints is a decoded blob.
const INTERPRETER_DECODE_CALLS: &[&str] = &[
    "b64decode",
    "b32decode",
    "a85decode",
    "decodebytes",
    "decodestring",
    "unhexlify",
    "fromhex",
    "codecs.decode",
    "-m base64",
    "chr hex",
    "chr(hex",
    "'base64'",
    "\"base64\"",
    "'hex'",
    "'rot13'",
    "'rot_13'",
    "atob(",
    "Buffer.from(",
    "fromCharCode",
    "decode_base64",
    "MIME::Base64",
    "base64_decode",
    "str_rot13",
    "hex2bin",
    "gzinflate",
    "gzdecode",
    "zlib.decompress",
    "unpack1",
    "unpack(",
    "pack(",
    "pack ",
    "Base64.decode64",
    "strict_decode64",
];

/// Is this command a decoder: a decoding tool, or an interpreter one-liner that decodes?
pub fn is_decoder(cmd: &Command) -> bool {
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    if is_interpreter(&cmd.name().to_ascii_lowercase()) {
        let code = args.join(" ");
        return INTERPRETER_DECODE_CALLS.iter().any(|c| code.contains(c));
    }
    let has = |f: &str| {
        args.iter().any(|a| {
            *a == f
                || (f.len() == 2
                    && a.starts_with('-')
                    && !a.starts_with("--")
                    && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                    && a.contains(&f[1..]))
        })
    };
    match cmd.name() {
        "base64" | "base32" | "basenc" | "b64decode" => {
            has("-d") || has("-D") || has("--decode") || cmd.name() == "b64decode"
        }
        "xxd" => has("-r"),
        "openssl" => {
            args.first()
                .is_some_and(|s| matches!(*s, "base64" | "enc" | "aes-256-cbc"))
                && has("-d")
        }
        "uudecode" | "gunzip" | "zcat" | "bunzip2" | "bzcat" | "xz" | "unxz" | "lzcat"
        | "zstdcat" | "unzstd" | "unlzma" | "lz4cat" => true,
        "gzip" | "bzip2" | "zstd" | "lzma" | "lz4" | "brotli" | "lzip" | "lzop" => {
            has("-d") || has("--decompress")
        }
        // Encrypted payloads decrypted into a pipe; `b64`, `basez`: other base64 decoders.
        "gpg" | "gpg2" | "age" | "rage" => has("-d") || has("--decrypt"),
        "b64" | "basez" => has("-d") || has("--decode"),
        "rev" => true,
        "tr" => true,
        "printf" => args
            .first()
            .is_some_and(|f| f.contains("\\x") || has_octal_escape(f)),
        "echo" => {
            (has("-e"))
                && args
                    .iter()
                    .any(|a| a.contains("\\x") || has_octal_escape(a))
        }
        _ => false,
    }
}

fn has_octal_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(4)
        .any(|w| w[0] == b'\\' && w[1..].iter().all(|c| (b'0'..=b'7').contains(c)))
}

/// Does this command execute a program it reads from stdin (a shell or an interpreter)?
pub fn executes_stdin(cmd: &Command) -> bool {
    if reads_code_from_stdin(cmd) || crate::shell::sinks::executes_input(cmd) {
        return true;
    }
    // `… | xargs sh -c` / `… | xargs bash`: the input becomes the code or the script arguments.
    if cmd.wrappers.iter().any(|w| w == "xargs") && is_code_runner(cmd.name()) {
        return true;
    }
    let name = cmd.name().to_ascii_lowercase();
    if name == "iex" || name == "invoke-expression" {
        return true;
    }
    // fish `… | source`, `parallel` with no command (each input line is a command line).
    if matches!(name.as_str(), "source" | ".") && cmd.args().is_empty() {
        return true;
    }
    if name == "parallel"
        && !cmd.args().iter().any(|a| a.text.starts_with(":::"))
        && cmd.args().iter().all(|a| a.text.starts_with('-'))
    {
        return true;
    }
    let args = cmd.args();
    let flag = |set: &[&str]| args.iter().any(|a| set.contains(&a.text.as_str()));
    // Ex mode reads editor commands (`!cmd` among them) from stdin: `ex`, `vim -es`.
    if name == "ex"
        || matches!(name.as_str(), "vim" | "vi" | "nvim" | "view")
            && flag(&["-e", "-es", "-E", "-Es", "-se"])
    {
        return true;
    }
    // `script [FILE]` without `-c` starts a shell on a terminal fed from its stdin; so does R.
    if name == "script"
        && !args.iter().any(|a| {
            a.text.starts_with("-c")
                || a.text.starts_with("--command")
                || a.text == "--help"
                || a.text == "-V"
                || a.text.starts_with("-q") && a.text.contains('c')
        })
    {
        return true;
    }
    if name == "r"
        && args
            .iter()
            .all(|a| a.text.starts_with('-') && a.text != "-e" && !a.text.starts_with("--file"))
    {
        return true;
    }
    if !is_interpreter(&name) {
        return false;
    }
    let mut i = 0;
    // `deno run -`, `bun run -`: the script is stdin.
    if matches!(name.as_str(), "deno" | "bun") && args.first().is_some_and(|a| a.text == "run") {
        i = 1;
    }
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-" {
            return true;
        }
        if matches!(
            a,
            "-c" | "-e"
                | "-E"
                | "-m"
                | "-r"
                | "-p"
                | "--eval"
                | "--print"
                | "-Command"
                | "-command"
        ) {
            return a == "-Command" && args.get(i + 1).is_some_and(|n| n.text == "-");
        }
        if !a.starts_with('-') {
            return false; // a script file argument
        }
        i += 1;
    }
    true
}

/// Is this command a shell or interpreter at all (for `bash <(curl …)`-style file arguments)?
pub fn is_code_runner(name: &str) -> bool {
    SHELLS.contains(&name) || is_interpreter(name) || matches!(name, "source" | ".")
}

/// File names (and `dir/name` paths) that are agent context files.
pub const CONTEXT_FILES: &[&str] = &[
    "AGENTS.md",
    "AGENT.md",
    "CLAUDE.md",
    "CLAUDE.local.md",
    "GEMINI.md",
    ".cursorrules",
    ".windsurfrules",
    ".clinerules",
    "copilot-instructions.md",
    "SOUL.md",
    ".hermes.md",
    "HERMES.md",
    ".mcp.json",
    "mcp.json",
    "claude_desktop_config.json",
];

/// Is `path` an agent context file (by name, or a rule file under `.cursor/rules` / `.clinerules/`)?
pub fn is_context_file(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    CONTEXT_FILES.contains(&name)
        || (parent == "rules" && name.ends_with(".mdc"))
        || (parent == ".clinerules" && (name.ends_with(".md") || name.ends_with(".mdc")))
}

/// The operands of `scp`, `sftp` or `rsync`: arguments that are neither options nor the value
/// of an option that takes one (`-i KEY`, `-o Opt`, `-e "ssh -i KEY"`, `--exclude PAT`).
pub fn transfer_operands<'a>(name: &str, args: &'a [Word]) -> Vec<&'a str> {
    const SSH_VALUE_OPTS: &[&str] = &[
        "-b", "-B", "-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-R", "-S", "-X",
    ];
    const RSYNC_VALUE_OPTS: &[&str] = &[
        "-e",
        "-T",
        "-B",
        "-f",
        "-M",
        "--rsh",
        "--exclude",
        "--include",
        "--filter",
        "--exclude-from",
        "--include-from",
        "--files-from",
        "--rsync-path",
        "--password-file",
        "--temp-dir",
        "--partial-dir",
        "--log-file",
        "--chown",
        "--chmod",
        "--backup-dir",
        "--compare-dest",
        "--link-dest",
        "--copy-dest",
        "--port",
        "--timeout",
        "--bwlimit",
        "--suffix",
        "--max-size",
        "--min-size",
        "--out-format",
        "--remote-option",
    ];
    let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let value_opts = if name == "rsync" {
        RSYNC_VALUE_OPTS
    } else {
        SSH_VALUE_OPTS
    };
    crate::rules::matcher::positionals(&texts, value_opts)
}
