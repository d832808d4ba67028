//! The scanner: runs the whole pipeline for one input and returns a [`Verdict`].

use crate::analyzers::{self, vocab, OwnedHit};
use crate::findings::{Action, Finding, Severity};
use crate::policy::{glob, Policy};
use crate::prefilter::Prefilter;
use crate::rules::{PackError, RuleSet};
use crate::shell::{self, nested::SHELLS, wrappers};
use crate::text::{self, MAX_INPUT_BYTES};
use crate::verdict::Verdict;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Most findings listed in one verdict (the most severe are kept; the action is unaffected).
const MAX_FINDINGS: usize = 1000;

/// Longest evidence string reported in a finding.
const MAX_EVIDENCE: usize = 240;

/// Programs the structural analyzers and the shell layer care about (prefilter keywords).
const STRUCTURAL_KEYWORDS: &[&str] = &[
    "eval", "source", "alias", "find", "su", "runuser", "watch", "base64", "base32", "basenc",
    "xxd", "openssl", "uudecode", "gunzip", "zcat", "bunzip2", "xz", "lzcat", "zstd", "gzip",
    "bzcat", "lzma", "lz4", "brotli", "gpg", "age ", "b64", "basez", "bzip2", "rev", "tr",
    "printf", "python", "/dev/", "install", "add", "dlx", "npx", "pnpx", "bunx", "uvx", "pipx",
    "isntall", "salt", "puppet", "pyinfra",
];

include!(concat!(env!("OUT_DIR"), "/rule_keywords.rs"));

/// A ready-to-use scanner: compiled rules, prefilter and policy.
///
/// The embedded rule packs are compiled on first use: an input the prefilter clears (most of
/// what people type) is answered without parsing any pack. The prefilter's keywords come from a
/// build-time extract ([`RULE_KEYWORDS`]); the user's own packs are loaded up front (their
/// errors must show, and their keywords join the prefilter).
pub struct Scanner {
    rules: OnceLock<RuleSet>,
    prefilter: Prefilter,
    policy: Policy,
}

/// The longest input that looked like cmd.exe but did not parse as bash which is still judged
/// line by line.
const LINE_BY_LINE_BYTES: usize = 256 * 1024;

impl Scanner {
    /// The embedded rule packs with the default policy.
    pub fn new() -> Result<Self, PackError> {
        Self::with_policy(Policy::default())
    }

    /// The embedded rule packs plus the policy's extra packs.
    pub fn with_policy(policy: Policy) -> Result<Self, PackError> {
        let rules = OnceLock::new();
        let mut keywords: Vec<Cow<'static, str>> =
            RULE_KEYWORDS.iter().map(|s| Cow::Borrowed(*s)).collect();
        if !policy.packs.is_empty() {
            // Ids must be unique across embedded and user packs: build them together, now.
            let mut all = RuleSet::embedded()?;
            for p in &policy.packs {
                all.add_pack_file(std::path::Path::new(p))?;
            }
            keywords = all.keywords().into_iter().map(Cow::Owned).collect();
            let _ = rules.set(all);
        }
        keywords.extend(STRUCTURAL_KEYWORDS.iter().map(|s| Cow::Borrowed(*s)));
        keywords.extend(SHELLS.iter().map(|s| Cow::Borrowed(*s)));
        keywords.extend(vocab::FETCHERS.iter().map(|s| Cow::Borrowed(*s)));
        keywords.extend(vocab::INTERPRETERS.iter().map(|s| Cow::Borrowed(*s)));
        keywords.extend(wrappers::wrapper_names().map(Cow::Borrowed));
        keywords.extend(
            analyzers::credential_handoff::KEYWORDS
                .iter()
                .map(|s| Cow::Borrowed(*s)),
        );
        // Sink programs: short names (`at`, `ex`, `R`) only as whole words, or they would send
        // every input to the full pipeline.
        // (The names come from a build-time extract, so start-up does not parse the sink table.)
        let (long, short): (Vec<&str>, Vec<&str>) = shell::sinks::SINK_PROGRAMS
            .iter()
            .copied()
            .partition(|p| p.len() >= 3);
        keywords.extend(long.iter().map(|s| Cow::Borrowed(*s)));
        keywords.extend(
            shell::sinks::SINK_ENV_NAMES
                .iter()
                .map(|s| Cow::Borrowed(*s)),
        );
        // The user's deny lists must see every input they could match.
        for p in &policy.deny.commands {
            let literal: String = p
                .split_whitespace()
                .next()
                .unwrap_or("")
                .chars()
                .take_while(|c| *c != '*' && *c != '?')
                .collect();
            // An empty literal (a pattern starting with a glob) matches anything: a one-letter
            // keyword per letter is the simplest way to send every input to the full scan.
            if literal.is_empty() {
                keywords.extend(
                    ('a'..='z')
                        .chain('0'..='9')
                        .map(|c| Cow::Owned(c.to_string())),
                );
            } else {
                keywords.push(Cow::Owned(literal));
            }
        }
        keywords.extend(
            policy
                .deny
                .domains
                .iter()
                .map(|d| Cow::Owned(d.trim_start_matches("*.").to_string())),
        );
        Ok(Scanner {
            prefilter: Prefilter::with_tokens(keywords, short),
            rules,
            policy,
        })
    }

    /// A process-wide scanner with the embedded packs and default policy.
    pub fn global() -> &'static Scanner {
        static GLOBAL: OnceLock<Scanner> = OnceLock::new();
        GLOBAL.get_or_init(|| Scanner::new().expect("embedded rule packs are valid"))
    }

    /// The loaded rules (compiled on first use).
    pub fn rules(&self) -> &RuleSet {
        self.rules
            .get_or_init(|| RuleSet::embedded().expect("embedded rule packs are valid"))
    }

    /// True when the prefilter sends this input to the full pipeline: it holds shell syntax or
    /// a keyword, or a line starts like PowerShell (cmdlets are not keywords).
    pub fn needs_scan(&self, input: &str) -> bool {
        self.prefilter.needs_scan(input) || shell::may_be_powershell(input)
    }

    /// Scan raw bytes: invalid UTF-8 is decoded lossily and reported.
    pub fn scan_bytes(&self, input: &[u8]) -> Verdict {
        match std::str::from_utf8(input) {
            Ok(s) => self.scan(s),
            Err(e) => self.scan_decoded(&String::from_utf8_lossy(input), e.valid_up_to()),
        }
    }

    /// Scan text decoded from bytes that were not UTF-8 (each bad sequence replaced by U+FFFD):
    /// the commands in it are judged, and `core.invalid-utf8` says where the first bad byte was.
    pub fn scan_decoded(&self, lossy: &str, pos: usize) -> Verdict {
        let extra = OwnedHit {
            rule_id: "core.invalid-utf8".into(),
            span: (pos, (pos + 1).min(lossy.len())),
            detail: Some(format!("invalid UTF-8 at byte {pos}")),
        };
        self.scan_with(lossy, vec![extra])
    }

    /// Scan one command line (or script).
    pub fn scan(&self, input: &str) -> Verdict {
        self.scan_with(input, Vec::new())
    }

    /// Scan without the prefilter shortcut (the full pipeline for every input). The verdict is
    /// always the same as [`Scanner::scan`]; tests use it to prove that, benchmarks to price it.
    pub fn scan_full(&self, input: &str) -> Verdict {
        self.run(input, Vec::new(), false)
    }

    fn scan_with(&self, input: &str, hits: Vec<OwnedHit>) -> Verdict {
        self.run(input, hits, true)
    }

    fn run(&self, input: &str, mut hits: Vec<OwnedHit>, use_prefilter: bool) -> Verdict {
        if input.len() > MAX_INPUT_BYTES {
            hits.push(OwnedHit {
                rule_id: "core.input-too-large".into(),
                span: (0, input.len()),
                detail: Some(format!(
                    "{} bytes; the limit is {MAX_INPUT_BYTES}",
                    input.len()
                )),
            });
            return self.verdict(input, hits);
        }
        if use_prefilter && hits.is_empty() && !self.needs_scan(input) {
            return Verdict::from_findings(Vec::new());
        }
        let prepared = text::prepare(input);
        hits.extend(prepared.hits.into_iter().map(OwnedHit::from));
        let script = shell::analyze(&prepared.original);
        hits.extend(analyzers::run_all(&script, self.rules()));
        hits.extend(analyzers::run_on_original(&script));
        hits.extend(analyzers::run_on_text(
            &prepared.original,
            &script,
            self.rules(),
        ));
        if shell::looks_like_powershell(&prepared.original) {
            // PowerShell is not bash: its syntax is no parse error and `$env:X = …` no
            // command named by a variable. Its own analysis stands in for those two findings;
            // everything bash would also run stays judged.
            let unparsed = hits.iter().any(|h| h.rule_id == "core.parse-error");
            hits.retain(|h| {
                !matches!(
                    h.rule_id.as_str(),
                    "core.parse-error" | "core.dynamic-command"
                )
            });
            let ps = shell::analyze_powershell(&prepared.original);
            hits.extend(analyzers::run_all(&ps, self.rules()));
            if unparsed {
                hits.extend(self.line_by_line(&prepared.original));
            }
        }
        if self.policy.supply.online {
            for h in analyzers::supply::online(&script, &self.policy.supply) {
                // The local store may already have said the same about the same package.
                if !hits
                    .iter()
                    .any(|o| o.rule_id == h.rule_id && o.span == h.span)
                {
                    hits.push(h.into());
                }
            }
        }
        self.apply_user_lists(&script, &mut hits);
        if let Some(every) = &self.policy.advisories.auto_sync {
            if analyzers::supply::STORE_CONSULTED.load(std::sync::atomic::Ordering::Relaxed) {
                crate::supply::sync::maybe_start_background(
                    every,
                    &self.policy.advisories.ecosystems,
                    &crate::supply::store::default_dir(),
                );
            }
        }
        // The input's own IR is done with: free it (and its tree) before the second reading, so
        // that a long script pays for one IR at a time, not two.
        drop(script);
        if let Some(sanitized) = &prepared.sanitized {
            // What the terminal would show, escapes and invisibles removed: analysed as well.
            let shown = shell::analyze_mapped(sanitized, Some(prepared.map));
            hits.extend(analyzers::run_all(&shown, self.rules()));
        }
        self.verdict(input, hits)
    }

    /// Input that looked like cmd.exe or PowerShell but did not parse as bash: cmd runs it line
    /// by line, so each line is judged on its own as well (a quote left open on one line must not
    /// hide the next: `echo "%W%⏎curl … | bash`). Past [`LINE_BY_LINE_BYTES`] the bash parse
    /// error stands instead.
    fn line_by_line(&self, text: &str) -> Vec<OwnedHit> {
        let mut hits = Vec::new();
        if !text.contains('\n') {
            return hits;
        }
        if text.len() > LINE_BY_LINE_BYTES {
            hits.push(OwnedHit {
                rule_id: "core.parse-error".into(),
                span: (0, text.len()),
                detail: Some("the input is neither complete shell syntax nor short enough to read line by line".into()),
            });
            return hits;
        }
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            if line.trim().is_empty() {
                continue;
            }
            let script = shell::analyze(line);
            hits.extend(
                analyzers::run_all(&script, self.rules())
                    .into_iter()
                    .filter(|h| {
                        !matches!(
                            h.rule_id.as_str(),
                            "core.parse-error" | "core.dynamic-command"
                        )
                    })
                    .map(|mut h| {
                        h.span = (h.span.0 + start, h.span.1 + start);
                        h
                    }),
            );
        }
        hits
    }

    /// The user's deny and allow lists: denied command globs and domains become findings,
    /// allowed domains silence URL findings about them.
    fn apply_user_lists(&self, script: &shell::Script, hits: &mut Vec<OwnedHit>) {
        let deny = &self.policy.deny;
        if !deny.commands.is_empty() {
            for cmd in &script.commands {
                let canon = cmd.canonical();
                if let Some(p) = deny.commands.iter().find(|p| glob::matches(p, &canon)) {
                    hits.push(OwnedHit {
                        rule_id: "policy.denied-command".into(),
                        span: cmd.span,
                        detail: Some(format!("`{canon}` matches your deny pattern {p:?}")),
                    });
                }
            }
        }
        if deny.domains.is_empty() && self.policy.allow.domains.is_empty() {
            return;
        }
        let hosts = analyzers::urls::hosts(script);
        for (span, host) in &hosts {
            if Policy::domain_listed(&deny.domains, host) {
                hits.push(OwnedHit {
                    rule_id: "policy.denied-domain".into(),
                    span: *span,
                    detail: Some(format!("{host} is on your domain deny list")),
                });
            }
        }
        let allowed: Vec<(usize, usize)> = hosts
            .iter()
            .filter(|(_, h)| Policy::domain_listed(&self.policy.allow.domains, h))
            .map(|(s, _)| *s)
            .collect();
        hits.retain(|h| !(h.rule_id.starts_with("url.") && allowed.contains(&h.span)));
    }

    /// The approval key of an input: its canonical spelling, keeping every operator,
    /// redirection and quoting difference that changes what runs (see [`shell::key`]).
    pub fn approval_key(&self, input: &str) -> String {
        shell::key::approval_key(input)
    }

    /// Rule ids the policy overrides that no loaded rule has (sorted): a typo there silently
    /// does nothing.
    pub fn unknown_rule_overrides(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .policy
            .rules
            .keys()
            .chain(self.policy.project_rules.keys())
            .filter(|id| self.rules().get(id).is_none())
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A verdict made of a single finding of `rule_id` covering the whole input (for front doors
    /// that must answer without a scan: timeouts, unreadable batch lines).
    pub fn verdict_for(&self, input: &str, rule_id: &str, detail: &str) -> Verdict {
        let hit = OwnedHit {
            rule_id: rule_id.to_string(),
            span: (0, input.len()),
            detail: Some(detail.to_string()),
        };
        self.verdict(input, vec![hit])
    }

    fn verdict(&self, input: &str, hits: Vec<OwnedHit>) -> Verdict {
        let mut seen = std::collections::HashSet::new();
        let mut findings: Vec<Finding> = Vec::with_capacity(hits.len().min(MAX_FINDINGS));
        let mut dropped = 0;
        for h in hits {
            if !seen.insert((h.rule_id.clone(), h.span)) {
                continue;
            }
            findings.push(self.finding(input, h));
        }
        if findings.len() > MAX_FINDINGS {
            findings.sort_by(|a, b| b.action.cmp(&a.action).then(b.severity.cmp(&a.severity)));
            dropped = findings.len() - MAX_FINDINGS;
            findings.truncate(MAX_FINDINGS);
        }
        let mut v = Verdict::from_findings(findings);
        if dropped > 0 {
            v.summary
                .push_str(&format!(" ({dropped} lower-ranked findings not listed)"));
        }
        v
    }

    fn finding(&self, input: &str, h: OwnedHit) -> Finding {
        let evidence = evidence(input, h.span);
        match self.rules().get(&h.rule_id) {
            Some(rule) => {
                let floor = rule.spec.floor;
                let (action, severity) =
                    self.policy
                        .resolve(rule.id(), rule.action(), rule.severity(), floor);
                Finding {
                    rule_id: h.rule_id,
                    severity,
                    category: rule.spec.category.clone(),
                    title: rule.spec.title.clone(),
                    description: rule.spec.description.clone(),
                    evidence,
                    span: h.span,
                    floor,
                    remediation: rule.spec.remediation.clone(),
                    action,
                    detail: h.detail,
                }
            }
            // An analyzer emitted an id no pack documents: fail closed, loudly.
            None => Finding {
                title: format!("undocumented rule {}", h.rule_id),
                rule_id: h.rule_id,
                severity: Severity::High,
                category: "internal".into(),
                description: "an analyzer reported a rule that no rule pack describes".into(),
                evidence,
                span: h.span,
                floor: false,
                remediation: "report this as a bug in hermes-scan".into(),
                action: Action::Block,
                detail: h.detail,
            },
        }
    }
}

/// The input text at `span`, clipped to character boundaries and a readable length.
fn evidence(input: &str, span: (usize, usize)) -> String {
    let mut start = span.0.min(input.len());
    let mut end = span.1.min(input.len()).max(start);
    while !input.is_char_boundary(start) {
        start -= 1;
    }
    while !input.is_char_boundary(end) {
        end += 1;
    }
    let text = &input[start..end];
    if text.len() <= MAX_EVIDENCE {
        return text.to_string();
    }
    let mut cut = MAX_EVIDENCE;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}
