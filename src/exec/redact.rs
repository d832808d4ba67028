//! Secret redaction for anything the agent loop sends back to the model or writes to the
//! transcript, for `run --redact` and for `hermes-scan redact`: API keys and tokens, private key
//! blocks, `Authorization` headers, DSN passwords. [`Stream`] applies the same rules to a byte
//! stream line by line, so a secret split across read buffers is still caught, and a private
//! key block spanning many lines becomes one `[REDACTED]`.

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

/// Line-by-line redaction of a stream.
#[derive(Debug, Default)]
pub struct Stream {
    in_private_key: bool,
}

/// Longest line kept whole; longer runs without a newline are redacted in pieces of this size.
pub const MAX_LINE: usize = 1 << 20;

impl Stream {
    /// Redact one line (with or without its newline). `None` while inside a private key block.
    pub fn line(&mut self, line: &str) -> Option<String> {
        if self.in_private_key {
            if line.contains("-----END") && line.contains("PRIVATE KEY-----") {
                self.in_private_key = false;
                let rest = line.split("PRIVATE KEY-----").nth(1).unwrap_or("");
                return (!rest.trim().is_empty() || line.ends_with('\n')).then(|| redact(rest));
            }
            return None;
        }
        if line.contains("-----BEGIN")
            && line.contains("PRIVATE KEY-----")
            && !line.contains("-----END")
        {
            self.in_private_key = true;
            let before = line.split("-----BEGIN").next().unwrap_or("");
            return Some(format!("{}{REDACTED}", redact(before)));
        }
        Some(redact(line))
    }

    /// Copy `input` to `output`, redacted, flushing after every line.
    pub fn copy(
        &mut self,
        input: impl std::io::Read,
        mut output: impl std::io::Write,
    ) -> std::io::Result<()> {
        use std::io::{BufRead, Read};
        let mut reader = std::io::BufReader::with_capacity(1 << 16, input);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = (&mut reader)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let text = String::from_utf8_lossy(&buf);
            if let Some(out) = self.line(&text) {
                output.write_all(out.as_bytes())?;
                output.flush()?;
            }
        }
    }
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

    #[test]
    fn streams_redact_across_reads_and_key_blocks() {
        let text = "ok 1\ntoken ghp_abcdefghijklmnopqrstuvwxyz012345 here\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nAAAA\n-----END RSA PRIVATE KEY-----\nlast line without newline sk-ant-abcdefghijklmnopqrstu";
        // A reader that hands out three bytes at a time splits every secret across reads.
        struct Slow<'a>(&'a [u8]);
        impl std::io::Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(3).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        Stream::default()
            .copy(Slow(text.as_bytes()), &mut out)
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "ok 1\ntoken [REDACTED] here\n[REDACTED]\nlast line without newline [REDACTED]"
        );
        let mut out = Vec::new();
        Stream::default()
            .copy("plain\nlines\n".as_bytes(), &mut out)
            .unwrap();
        assert_eq!(out, b"plain\nlines\n", "benign text byte for byte");
    }
}
