//! The environment a command gets: a small allowlist of harmless variables, plus what the user
//! passes through — and never a credential unless it is named exactly.

use crate::text::glob;

/// Variables every command gets (when present): locale, terminal, identity, paths.
/// CA bundles and proxies are included: dropping them breaks TLS behind corporate proxies, and a
/// proxy URL with a password in it is caught by the value check.
pub const BASE: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "TMPDIR",
    "PWD",
    "COLUMNS",
    "LINES",
    "NO_COLOR",
    "COLORTERM",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];

/// Name shapes of credentials.
const SECRET_NAME_PARTS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "AUTH",
    "SESSION",
    "COOKIE",
];
const SECRET_NAME_PREFIXES: &[&str] = &[
    "AWS_",
    "GITHUB_",
    "GH_",
    "AZURE_",
    "GOOGLE_",
    "GCP_",
    "OPENAI_",
    "ANTHROPIC_",
    "HF_",
    "NPM_",
    "PYPI_",
    "CARGO_REGISTRY_",
    "DOCKER_",
    "VAULT_",
    "KUBECONFIG",
];

/// Does this variable look like a credential, by its name or its value?
pub fn looks_like_credential(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.ends_with("_KEY")
        || upper == "KEY"
        || SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
        || SECRET_NAME_PREFIXES.iter().any(|p| upper.starts_with(p))
        || super::redact::redact(value) != value
}

/// What a command's environment will be.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Variables passed, in the parent's order.
    pub vars: Vec<(String, String)>,
    /// Names of parent variables not passed (never their values).
    pub dropped: Vec<String>,
}

/// Build the environment from `parent`. `exact` names always pass (when set); `globs` (and
/// [`BASE`]) pass unless the variable looks like a credential; `inherit` passes everything.
pub fn sanitize(
    parent: impl IntoIterator<Item = (String, String)>,
    exact: &[String],
    globs: &[String],
    inherit: bool,
) -> Plan {
    let mut plan = Plan::default();
    for (name, value) in parent {
        let pass = inherit
            || exact.contains(&name)
            || (!looks_like_credential(&name, &value)
                && (BASE.contains(&name.as_str())
                    || name.starts_with("LC_")
                    || globs
                        .iter()
                        .any(|g| g.contains(['*', '?']) && glob::matches(g, &name))));
        if pass {
            plan.vars.push((name, value));
        } else {
            plan.dropped.push(name);
        }
    }
    plan
}

/// Split `[exec] env_passthrough` and `--env` values into exact names and globs.
pub fn split_passthrough(entries: &[String]) -> (Vec<String>, Vec<String>) {
    entries
        .iter()
        .cloned()
        .partition(|e| !e.contains(['*', '?']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn credentials_pass_only_by_exact_name() {
        let parent = env(&[
            ("PATH", "/usr/bin"),
            ("HOME", "/home/me"),
            ("LC_ALL", "C.UTF-8"),
            ("GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            ("NODE_ENV", "test"),
            (
                "NODE_AUTH_TOKEN",
                "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            ),
            ("HARMLESS", "x"),
            ("DEPLOY_HOOK", "https://u:hunter2@example.com/hook"),
            ("MY_API_KEY", "abc"),
        ]);
        let p = sanitize(parent.clone(), &[], &["NODE_*".into(), "*".into()], false);
        let names: Vec<&str> = p.vars.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["PATH", "HOME", "LC_ALL", "NODE_ENV", "HARMLESS"]);
        assert_eq!(
            p.dropped,
            [
                "GITHUB_TOKEN",
                "NODE_AUTH_TOKEN",
                "DEPLOY_HOOK",
                "MY_API_KEY"
            ]
        );
        let p = sanitize(parent.clone(), &["GITHUB_TOKEN".into()], &[], false);
        assert!(p.vars.iter().any(|(n, _)| n == "GITHUB_TOKEN"));
        assert!(!p
            .vars
            .iter()
            .any(|(n, _)| n == "HARMLESS" || n == "NODE_ENV"));
        let p = sanitize(parent, &[], &[], true);
        assert!(p.dropped.is_empty() && p.vars.len() == 9);
    }
}
