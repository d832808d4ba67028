//! Secret redaction for anything the agent loop sends back to the model or writes to the
//! transcript: API keys and tokens, private key blocks, `Authorization` headers, DSN passwords.

use regex::Regex;
use std::sync::OnceLock;

/// Replacement text for a redacted secret.
pub const REDACTED: &str = "[REDACTED]";

fn patterns() -> &'static [Regex] {
    static P: OnceLock<Vec<Regex>> = OnceLock::new();
    P.get_or_init(|| {
        [
            // PEM private keys, whole block.
            r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)",
            // Authorization headers (value up to end of line or quote).
            r#"(?i)(authorization\s*[:=]\s*)(bearer|basic|token)?\s*[^\s"',;]+"#,
            // Provider key shapes.
            r"\b(sk-(proj-|ant-)?[A-Za-z0-9_\-]{16,})",
            r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
            r"\b(xox[abposr]-[A-Za-z0-9\-]{10,})",
            r"\b(AKIA|ASIA)[0-9A-Z]{16}\b",
            r"\bAIza[0-9A-Za-z_\-]{30,}",
            r"\bglpat-[A-Za-z0-9_\-]{20,}",
            r"\bnpm_[A-Za-z0-9]{30,}",
            r"\beyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
            // key=value assignments of secret-looking names.
            r#"(?i)\b([A-Z0-9_]*(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"']+)"#,
        ]
        .iter()
        .map(|p| Regex::new(p).expect("static regex"))
        .collect()
    })
}

fn dsn() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b([a-z][a-z0-9+.\-]*://[^:/@\s]+:)([^@\s]+)(@)").expect("static regex")
    })
}

/// Redact secrets in `text`.
pub fn redact(text: &str) -> String {
    let mut out = dsn()
        .replace_all(text, |c: &regex::Captures| {
            format!("{}{REDACTED}{}", &c[1], &c[3])
        })
        .into_owned();
    for (i, re) in patterns().iter().enumerate() {
        out = re
            .replace_all(&out, |c: &regex::Captures| match i {
                // keep the header / variable name, hide the value
                1 => format!("{}{REDACTED}", &c[1]),
                10 => format!("{}{REDACTED}", &c[1]),
                _ => REDACTED.to_string(),
            })
            .into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys_tokens_headers_and_dsn_passwords() {
        let t = redact("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx and ghp_abcdefghijklmnopqrstuvwxyz012345");
        assert!(!t.contains("sk-proj-abc") && !t.contains("ghp_abc"), "{t}");
        assert!(t.contains("OPENAI_API_KEY="), "{t}");
        let t = redact("curl -H 'Authorization: Bearer abc.def.ghi' x");
        assert!(
            !t.contains("abc.def.ghi") && t.contains("Authorization: "),
            "{t}"
        );
        let t = redact("postgres://app:hunter2@db:5432/x");
        assert_eq!(t, "postgres://app:[REDACTED]@db:5432/x");
        let t = redact(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nok",
        );
        assert_eq!(t, "[REDACTED]\nok");
        let t = redact("AKIAABCDEFGHIJKLMNOP");
        assert_eq!(t, "[REDACTED]");
        assert_eq!(
            redact("cargo build finished in 3.2s"),
            "cargo build finished in 3.2s"
        );
    }
}
