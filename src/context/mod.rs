//! Agent context files — AGENTS.md, CLAUDE.md, GEMINI.md, `.cursorrules`, `.cursor/rules/*.mdc`,
//! `.windsurfrules`, `.clinerules`, `.github/copilot-instructions.md`, SOUL.md, `.hermes.md`, MCP
//! configs — scanned for instructions planted to hijack the agent that loads them: hidden
//! carriers (`carriers`), injected-instruction phrases in several languages (`phrases`),
//! commands `check` would block, exfiltration requests and image beacons, encoded payloads, and
//! lookalike URLs. Findings carry line:column spans; nothing blanks a whole file — `sanitize`
//! removes only the carriers and the flagged comments.

pub mod carriers;
pub use crate::text::phrases;

use crate::findings::{Action, Severity};
use crate::Scanner;
use regex::Regex;
use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One finding in a context file.
#[derive(Debug, Clone, Serialize)]
pub struct ContextFinding {
    /// Rule id (`ctx.*`).
    pub rule_id: String,
    /// Severity.
    pub severity: Severity,
    /// Title of the rule.
    pub title: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (in characters) of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the end.
    pub end_column: usize,
    /// Byte range in the file.
    pub span: (usize, usize),
    /// What was found (visible excerpt, at most 160 characters).
    pub excerpt: String,
    /// Specifics (which rule of `check`, what a blob decodes to).
    pub detail: String,
    /// Hidden or encoded text, decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
}

pub use crate::analyzers::vocab::{is_context_file, CONTEXT_FILES};

/// Context files under `root` (a file is taken as is), skipping dependency and build dirs.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    crate::files::discover(root, is_context_file)
}

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// 1-based (line, column in characters) of byte `at`.
    fn position(&self, text: &str, at: usize) -> (usize, usize) {
        let at = at.min(text.len());
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..at)
            .map_or(at - start, |s| s.chars().count())
            + 1;
        (line, col)
    }
}

/// Collects findings for one file.
struct Report<'a> {
    text: &'a str,
    lines: Lines,
    scanner: &'a Scanner,
    out: Vec<ContextFinding>,
}

impl Report<'_> {
    fn add(&mut self, rule: &str, range: Range<usize>, detail: String, decoded: Option<String>) {
        let (severity, title) = self
            .scanner
            .rules()
            .get(rule)
            .map(|r| (r.spec.severity, r.spec.title.clone()))
            .unwrap_or((Severity::High, rule.to_string()));
        let (line, column) = self.lines.position(self.text, range.start);
        let (end_line, end_column) = self.lines.position(self.text, range.end);
        let raw = self.text.get(range.clone()).unwrap_or("");
        let (shown, _) = carriers::visible(raw);
        let excerpt: String = shown.chars().take(160).collect();
        if self
            .out
            .iter()
            .any(|f| f.rule_id == rule && f.span == (range.start, range.end))
        {
            return;
        }
        self.out.push(ContextFinding {
            rule_id: rule.to_string(),
            severity,
            title,
            line,
            column,
            end_line,
            end_column,
            span: (range.start, range.end),
            excerpt,
            detail,
            decoded,
        });
    }
}

/// What `check` says about a command line a file tells the agent to run: the summary when it
/// blocks or warns for what the command *does* (findings about how the line is written —
/// `core.*`, `text.*` — are about Markdown, not commands). A cron schedule in front
/// (`* * * * * curl … | sh`) is the crontab line's command.
fn judge_command(line: &str, scanner: &Scanner) -> Option<String> {
    let mut cmd = line
        .trim()
        .trim_start_matches("$ ")
        .trim_start_matches("> ")
        .trim();
    if cmd.len() < 4 || cmd.len() > 8192 || !cmd.starts_with(|c: char| c.is_ascii_graphic()) {
        return None;
    }
    let fields: Vec<&str> = cmd.splitn(6, char::is_whitespace).collect();
    let cronish =
        |f: &str| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit() || "*/,-".contains(c));
    if fields.len() == 6 && fields[..5].iter().all(|f| cronish(f)) {
        cmd = fields[5];
    }
    let v = scanner.scan(cmd);
    let serious: Vec<&crate::Finding> = v
        .findings
        .iter()
        .filter(|f| {
            f.action != Action::Allow
                && !f.rule_id.starts_with("core.")
                && !f.rule_id.starts_with("text.")
        })
        .collect();
    // The most telling finding: a block, else a warning of the kinds that count in context files.
    let first = serious
        .iter()
        .find(|f| f.action == Action::Block)
        .or_else(|| {
            serious
                .iter()
                .find(|f| INLINE_WARN_RULES.iter().any(|p| f.rule_id.starts_with(p)))
        })
        .or(serious.first())?;
    Some(format!(
        "{}: {} [{}]",
        first.action.as_str(),
        first.title,
        first.rule_id
    ))
}

/// A code block in another language, handed to `check` the way it would run.
fn wrap_code(lang: &str, body: &str) -> Option<String> {
    let quoted = format!("'{}'", body.replace('\'', "'\\''"));
    match lang {
        "python" | "py" | "python3" => Some(format!("python3 -c {quoted}")),
        "js" | "javascript" | "node" | "mjs" | "ts" | "typescript" => {
            Some(format!("node -e {quoted}"))
        }
        "powershell" | "ps1" | "pwsh" => Some(format!("pwsh -c {quoted}")),
        "ruby" | "rb" => Some(format!("ruby -e {quoted}")),
        "perl" => Some(format!("perl -e {quoted}")),
        _ => None,
    }
}

/// What analysing a piece of (possibly hidden or decoded) text found: phrase kinds and
/// dangerous commands, as (rule id, detail). Decoded text is also tried as the code of the
/// common interpreters.
fn analyse_text(text: &str, scanner: &Scanner) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for line in text.lines() {
        for (kind, r) in phrases::find(line) {
            found.push((kind.rule_id(), format!("{:?}", &line[r])));
        }
        // The whole line, or what follows "run"/"execute" in a sentence.
        static RUN: OnceLock<Regex> = OnceLock::new();
        let run =
            RUN.get_or_init(|| re(r"(?i)\b(?:run|execute|exec|type|paste)\s*:?\s+`?([^`\n]+)"));
        let candidates = std::iter::once(line).chain(
            run.captures_iter(line)
                .filter_map(|c| c.get(1).map(|m| m.as_str())),
        );
        for cmd in candidates {
            if let Some(why) = judge_command(cmd, scanner) {
                found.push(("ctx.dangerous-command", format!("`{}`: {why}", cmd.trim())));
                break;
            }
        }
    }
    if found.is_empty() {
        if let Some(why) = analyse_code(text, scanner) {
            found.push(("ctx.dangerous-command", why));
        }
    }
    found
}

/// A `check` result that counts in a context file: a block, or a warning about exfiltration,
/// persistence, remote code, a bad package, the firewall or a container with host access.
/// Everyday cleanup that merely warns (`git clean -fdX`, `git push --force`) is documentation.
fn serious(why: &str) -> bool {
    why.starts_with("block")
        || INLINE_WARN_RULES
            .iter()
            .any(|p| why.contains(&format!("[{p}")))
}

/// Rule-id prefixes whose *warnings* count in code blocks and inline code.
const INLINE_WARN_RULES: &[&str] = &[
    "exfil.",
    "persist.",
    "remote.",
    "revshell.",
    "supply.",
    "sys.firewall-off",
    "sys.container-host-access",
];

/// Text tried as JavaScript, Python and PowerShell code (decoded blobs, inline snippets).
fn analyse_code(text: &str, scanner: &Scanner) -> Option<String> {
    if text.len() > 8192 {
        return None;
    }
    ["node", "python", "powershell"].iter().find_map(|lang| {
        wrap_code(lang, text)
            .and_then(|c| judge_command(&c, scanner))
            .map(|why| format!("as {lang} code: {why}"))
    })
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("static regex")
}

/// Scan one file's text.
pub fn scan_text(text: &str, scanner: &Scanner) -> Vec<ContextFinding> {
    let mut r = Report {
        text,
        lines: Lines::new(text),
        scanner,
        out: Vec::new(),
    };
    // 1. Hidden carriers.
    for run in carriers::tag_runs(text) {
        let inner = analyse_text(&run.decoded, scanner);
        let detail = match inner.first() {
            Some((rule, what)) => format!("hidden text reads {:?} ({rule}: {what})", run.decoded),
            None => format!("hidden text reads {:?}", run.decoded),
        };
        r.add(
            "ctx.hidden-tag-text",
            run.range.clone(),
            detail,
            Some(run.decoded.clone()),
        );
        for (rule, what) in inner {
            r.add(
                rule,
                run.range.clone(),
                format!("in hidden tag text: {what}"),
                Some(run.decoded.clone()),
            );
        }
    }
    for (i, c) in text.char_indices().filter(|(_, c)| carriers::is_bidi(*c)) {
        r.add(
            "ctx.bidi-control",
            i..i + c.len_utf8(),
            format!("U+{:04X} reorders the displayed text", c as u32),
            None,
        );
    }
    for run in carriers::smuggled_runs(text) {
        let inner = analyse_text(&run.decoded, scanner);
        let detail = match inner.first() {
            Some((rule, what)) => format!("hidden data reads {:?} ({rule}: {what})", run.decoded),
            None => format!("{} bytes hidden in invisible characters", run.decoded.len()),
        };
        r.add(
            "ctx.hidden-tag-text",
            run.range.clone(),
            detail,
            Some(run.decoded.clone()),
        );
    }
    let invisible = carriers::invisible_in_words(text);
    if let (Some(first), Some(last)) = (invisible.first(), invisible.last()) {
        r.add(
            "ctx.invisible-characters",
            first.start..last.end,
            format!("{} invisible character(s) inside words", invisible.len()),
            None,
        );
    }
    // 2. Phrases and commands in what the model reads (invisible characters removed).
    let (visible, map) = carriers::visible(text);
    let orig = |a: usize| map.get(a).copied().unwrap_or(text.len());
    let mut offset = 0;
    for line in visible.split_inclusive('\n') {
        let direct = phrases::find(line);
        for (kind, m) in &direct {
            let a = orig(offset + m.start);
            let b = orig(offset + m.end);
            r.add(
                kind.rule_id(),
                a..b,
                format!("{:?}", &line[m.clone()]),
                None,
            );
        }
        // The same words behind full-width or look-alike letters, entities, ROT13, reversal or
        // percent-encoding: reported on the whole line, with what it reads as.
        if direct.is_empty() {
            for v in phrases::variants(line.trim_end()) {
                if let Some((kind, m)) = phrases::find(&v).into_iter().next() {
                    let span = orig(offset)..orig(offset + line.trim_end().len());
                    r.add(
                        kind.rule_id(),
                        span,
                        format!("reads as {:?}", &v[m]),
                        Some(v.clone()),
                    );
                    break;
                }
            }
        }
        offset += line.len();
    }
    // Phrases split across the lines of one paragraph ("Please ignore all / previous
    // instructions").
    let mut para_start = 0;
    for para in visible.split("\n\n") {
        if para.contains('\n') {
            let joined = para
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let in_lines: usize = para.lines().map(|l| phrases::find(l).len()).sum();
            let joined_hits = phrases::find(&joined);
            if joined_hits.len() > in_lines {
                if let Some((kind, m)) = joined_hits.first() {
                    let span = orig(para_start)..orig(para_start + para.len());
                    r.add(
                        kind.rule_id(),
                        span,
                        format!("across lines: {:?}", &joined[m.clone()]),
                        None,
                    );
                }
            }
        }
        para_start += para.len() + 2;
    }
    // 3. Commands: shell code blocks and inline code.
    static FENCE: OnceLock<Regex> = OnceLock::new();
    let fence =
        FENCE.get_or_init(|| re(r"(?ms)^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^[ \t]*```"));
    let mut fenced: Vec<Range<usize>> = Vec::new();
    for c in fence.captures_iter(&visible) {
        let lang = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
        let body = c.get(2).expect("group");
        fenced.push(c.get(0).expect("match").range());
        let span = orig(body.start())..orig(body.end());
        if let Some(why) = wrap_code(&lang, body.as_str()).and_then(|c| judge_command(&c, scanner))
        {
            r.add(
                "ctx.dangerous-command",
                span,
                format!("{lang} block: {why}"),
                None,
            );
            continue;
        }
        if !matches!(
            lang.as_str(),
            "" | "sh"
                | "bash"
                | "shell"
                | "console"
                | "zsh"
                | "terminal"
                | "shellsession"
                | "fish"
                | "text"
                | "txt"
        ) {
            continue;
        }
        let mut at = body.start();
        for line in body.as_str().split_inclusive('\n') {
            if !line.trim_start().starts_with('#') {
                if let Some(why) = judge_command(line, scanner).filter(|w| serious(w)) {
                    r.add(
                        "ctx.dangerous-command",
                        orig(at)..orig(at + line.trim_end().len()),
                        why,
                        None,
                    );
                }
            }
            at += line.len();
        }
    }
    static INLINE: OnceLock<Regex> = OnceLock::new();
    let inline = INLINE.get_or_init(|| re(r"`([^`\n]{4,})`"));
    for c in inline.captures_iter(&visible) {
        let m = c.get(0).expect("match");
        if fenced.iter().any(|f| f.contains(&m.start())) {
            continue;
        }
        let cmd = c.get(1).expect("group").as_str();
        if negated_before(&visible, m.start()) {
            continue;
        }
        // Inline code in prose is often a *mention* ("ask before `git push --force`"): only what
        // check blocks, or warns about as exfiltration, persistence, remote code or a bad
        // package, counts. Code that is not shell is tried as the interpreters' code.
        // A table cell writes a pipe as `\|`.
        let cmd = &cmd.replace("\\|", "|");
        let why = judge_command(cmd, scanner)
            .filter(|w| serious(w))
            .or_else(|| {
                cmd.contains('(')
                    .then(|| analyse_code(cmd, scanner))
                    .flatten()
            });
        if let Some(why) = why {
            r.add(
                "ctx.dangerous-command",
                orig(m.start())..orig(m.end()),
                why,
                None,
            );
        }
    }
    // 4. Encoded payloads.
    static BLOB: OnceLock<Regex> = OnceLock::new();
    let blob = BLOB.get_or_init(|| re(r"[A-Za-z0-9+/_-]{24,}={0,2}|\b(?:[0-9a-fA-F]{2}){16,}\b"));
    for m in blob.find_iter(&visible) {
        if let Some(decoded) = decode_blob(m.as_str()) {
            let inner = analyse_text(&decoded, scanner);
            if let Some((rule, what)) = inner.first() {
                r.add(
                    "ctx.encoded-payload",
                    orig(m.start())..orig(m.end()),
                    format!(
                        "decodes to {:?} ({rule}: {what})",
                        decoded.chars().take(200).collect::<String>()
                    ),
                    Some(decoded.clone()),
                );
            }
        }
    }
    // 5. URLs: image beacons and suspicious hosts.
    // Images render (and are fetched) without a click: data in their query string leaves as soon
    // as the answer is displayed. Links do too once followed; placeholders for secrets give them
    // away.
    static BEACON: OnceLock<Regex> = OnceLock::new();
    let beacon = BEACON.get_or_init(|| {
        re(r#"(?i)!\[[^\]\n]*\]\((https?://[^)\n]+)\)|<img\b[^>]*\bsrc\s*=\s*["']?(https?://[^"'\s>]+)|\[[^\]\n]*\]\((https?://[^)\s]*\?[^)\n]*[{<$][^)\n]*)\)"#)
    });
    for c in beacon.captures_iter(&visible) {
        let (target, image) = match (c.get(1).or(c.get(2)), c.get(3)) {
            (Some(t), _) => (t, true),
            (None, Some(t)) => (t, false),
            _ => continue,
        };
        if beacon_query(target.as_str()) {
            let what = if image { "image" } else { "link" };
            r.add(
                "ctx.exfiltration",
                orig(target.start())..orig(target.end()),
                format!("{what} URL carries data in its query: {}", target.as_str()),
                None,
            );
        }
    }
    static URL: OnceLock<Regex> = OnceLock::new();
    let url_re = URL.get_or_init(|| re(r#"https?://[^\s)<>\]"'`]+"#));
    let settings = crate::web::WebSettings::default();
    for u in url_re.find_iter(&visible) {
        let range = orig(u.start())..orig(u.end());
        let v = crate::web::judge(u.as_str(), scanner, &settings, None);
        for f in &v.findings {
            let suspicious = f.rule_id == "web.metadata-endpoint"
                || (f.rule_id.starts_with("url.") && f.action != Action::Allow);
            if suspicious {
                r.add(
                    "ctx.suspicious-url",
                    range.clone(),
                    format!("{} [{}]: {}", u.as_str(), f.rule_id, f.detail),
                    None,
                );
            }
        }
        let public_ip = v.addresses.len() == 1
            && v.findings.is_empty()
            && v.host
                .as_deref()
                .is_some_and(|h| h.parse::<std::net::IpAddr>().is_ok() || h.starts_with('['));
        if public_ip {
            r.add(
                "ctx.suspicious-url",
                range,
                format!("{} is a raw IP address, not a name", u.as_str()),
                None,
            );
        }
    }
    // 6. Carriers that hold any of the above.
    for (kind, list) in [
        ("ctx.hidden-comment", carriers::html_comments(text)),
        ("ctx.hidden-markup", carriers::hidden_markup(text)),
    ] {
        for (whole, inner, styled) in list {
            let holds = r.out.iter().any(|f| {
                f.rule_id != "ctx.hidden-comment"
                    && f.rule_id != "ctx.hidden-markup"
                    && f.span.0 >= inner.start
                    && f.span.1 <= inner.end
            });
            let hidden_text = &text[inner.clone()];
            let words = hidden_text.split_whitespace().count();
            // Text styled invisible has no business in an agent's instructions; a comment does
            // when it is a note to humans, not when it speaks to the agent.
            let suspicious = if styled {
                words >= 4
            } else {
                words >= 5 && addresses_agent(hidden_text)
            };
            let direct =
                suspicious || !analyse_text(&carriers::visible(hidden_text).0, scanner).is_empty();
            if holds || direct {
                r.add(
                    kind,
                    whole,
                    format!(
                        "hidden: {:?}",
                        hidden_text.trim().chars().take(200).collect::<String>()
                    ),
                    None,
                );
            }
        }
    }
    r.out.sort_by_key(|f| (f.span.0, f.rule_id.clone()));
    r.out
}

/// Does hidden text speak to an AI agent (rather than being a note to maintainers)?
fn addresses_agent(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(concat!(
            r"(?i)\b(?:ai|llm|agents?|assistants?|models?|claude|copilot|cursor|gpt|chatgpt|gemini|codex|bots?)\b",
            r"[^.\n]{0,60}\b(?:must|should|shall|will|always|never|do|please|need\s+to|are\s+to)\b",
            r"|^\s*(?:ai|agents?|assistants?)\s*[:,]|\b(?:agent|assistant|ai)\s+instructions?\b",
            r"|\bwhen\s+(?:you\s+are\s+)?asked\s+to\b|\bif\s+(?:you\s+are\s+)?asked\b",
            r"|\bapprove\s+(?:it|the|all|every|any)\b|\bstate\s+that\b|\b(?:respond|reply|answer)\s+(?:with|only)\b",
        ))
    })
    .is_match(text)
}

/// "Never run `curl | bash`": a negation earlier on the same line makes inline code an example
/// of what not to do.
fn negated_before(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..at].to_lowercase();
    ["never", "do not", "don't", "avoid", "must not", "not "]
        .iter()
        .any(|n| before.contains(n))
}

/// A Markdown image whose query string carries data: placeholders, variables or secret names.
fn beacon_query(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    let q = query.to_ascii_lowercase();
    q.contains('{')
        || q.contains("%7b")
        || q.contains('$')
        || [
            "env",
            "token",
            "key",
            "secret",
            "passw",
            "ssh",
            "cookie",
            "credential",
        ]
        .iter()
        .any(|w| q.contains(w))
}

/// Decode a base64 (standard or URL-safe) or hex blob into mostly printable text.
fn decode_blob(s: &str) -> Option<String> {
    let bytes = if s.len().is_multiple_of(2) && s.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        crate::text::base64::decode(&s.replace('-', "+").replace('_', "/"))?
    };
    // PowerShell's -EncodedCommand is UTF-16LE.
    let text = if bytes.len() >= 16
        && bytes.len() % 2 == 0
        && bytes.iter().skip(1).step_by(2).all(|b| *b == 0)
    {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).ok()?
    } else {
        String::from_utf8(bytes).ok()?
    };
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (text.chars().count() >= 8 && printable * 10 >= text.chars().count() * 9).then_some(text)
}

/// The text with the hidden carriers removed: tag characters (except emoji flag sequences),
/// bidi controls, invisible characters inside words, and the HTML comments and hidden elements
/// that `findings` flagged. Everything else is kept byte for byte.
pub fn sanitize(text: &str, findings: &[ContextFinding]) -> String {
    let mut cut: Vec<Range<usize>> = Vec::new();
    cut.extend(carriers::tag_runs(text).into_iter().map(|r| r.range));
    cut.extend(
        text.char_indices()
            .filter(|(_, c)| carriers::is_bidi(*c))
            .map(|(i, c)| i..i + c.len_utf8()),
    );
    cut.extend(carriers::invisible_in_words(text));
    cut.extend(
        findings
            .iter()
            .filter(|f| f.rule_id == "ctx.hidden-comment" || f.rule_id == "ctx.hidden-markup")
            .map(|f| f.span.0..f.span.1),
    );
    cut.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in cut {
        if r.start < at {
            at = at.max(r.end);
            continue;
        }
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
