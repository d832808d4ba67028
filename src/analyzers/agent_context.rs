//! Instructions written into an agent's context file (AGENTS.md, CLAUDE.md, `.cursorrules`,
//! `copilot-instructions.md`, …): the next agent session reads them as its user's wishes. What
//! the input writes to such a file, or an in-place edit adds to it, is read for the phrases that
//! hijack an agent (overrides, concealment, exfiltration: `rules/phrases/context.toml`, the same
//! list `hermes-scan context` uses) and for commands it tells the agent to run that would be
//! blocked here. Writing ordinary guidance ("use two spaces", "run `cargo test` first") is silent.

use super::OwnedHit;
use crate::rules::RuleSet;
use crate::shell::{sinks, Script};
use crate::text::phrases;
use regex::Regex;
use std::path::Path;
use std::sync::OnceLock;

/// At most this many context files of one input are read.
const MAX_FILES: usize = 8;
/// At most this many lines of one text are read.
const MAX_LINES: usize = 2_000;
/// At most this many bytes of one text are read (a 4 MiB line would cost every phrase regex a
/// full scan).
const MAX_TEXT: usize = 128 * 1024;
/// At most this many commands a text asks for are analysed.
const MAX_COMMANDS: usize = 16;

/// The first [`MAX_TEXT`] bytes of `text`, cut at a character boundary.
fn bounded(text: &str) -> &str {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One finding per context file the input plants instructions in. `analyze_code` is the
/// analysis of a script without this step (see [`super::planted::analyze`]).
pub fn analyze(
    script: &Script,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Vec<OwnedHit> {
    let is_context = |p: &str| super::vocab::is_context_file(Path::new(p));
    let mut out = Vec::new();
    let mut paths: Vec<&String> = script.files.keys().filter(|p| is_context(p)).collect();
    paths.sort();
    for path in paths.into_iter().take(MAX_FILES) {
        let written = &script.files[path];
        if let Some(why) = planted_instructions(&written.text, rules, analyze_code) {
            out.push(finding(written.span, path, &why));
        }
    }
    for cmd in &script.commands {
        let Some(edit) = sinks::edit_in_place(cmd) else {
            continue;
        };
        let Some(path) = edit.files.iter().find(|f| is_context(f)) else {
            continue;
        };
        if let Some(why) = planted_instructions(&edit.added.join("\n"), rules, analyze_code) {
            out.push(finding(cmd.span, path, &why));
        }
    }
    // Commit and tag messages, issue and pull-request text: agents working on the repository
    // read them later. Only the phrases that address the agent itself count there: such text
    // names commands all the time, and security fixes describe exfiltration and concealment.
    for cmd in &script.commands {
        for (what, w) in messages(cmd) {
            if !addresses_agent(&w.text) {
                continue;
            }
            if let Some(why) = planted_phrase(&w.text, &[phrases::Kind::Override]) {
                out.push(OwnedHit {
                    rule_id: "persist.agent-instructions".into(),
                    span: w.span,
                    detail: Some(format!(
                        "{what} is read later by agents working on the repository: {why}"
                    )),
                });
            }
        }
    }
    out
}

fn finding(span: (usize, usize), path: &str, why: &str) -> OwnedHit {
    OwnedHit {
        rule_id: "persist.agent-instructions".into(),
        span,
        detail: Some(format!(
            "{path} is read by the next agent session as its instructions: {why}"
        )),
    }
}

/// The message arguments of `git commit|tag -m`, `gh issue|pr create|comment|edit --body|--title`.
fn messages(cmd: &crate::shell::Command) -> Vec<(&'static str, &crate::shell::Word)> {
    let args = cmd.args();
    let sub = |i: usize| args.get(i).map_or("", |w| w.text.as_str());
    let (what, options): (&str, &[&str]) = match (cmd.name(), sub(0)) {
        ("git", "commit") => ("a commit message", &["-m", "--message"]),
        ("git", "tag") => ("a tag message", &["-m", "--message"]),
        ("gh", "issue" | "pr") if matches!(sub(1), "create" | "comment" | "edit" | "review") => (
            "an issue or pull request",
            &["-b", "--body", "-t", "--title"],
        ),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        for o in options {
            if a.text == *o {
                out.extend(args.get(i + 1).map(|v| (what, v)));
            } else if a.text.starts_with(o) && a.text[o.len()..].starts_with('=') {
                out.push((what, a));
            }
        }
        // `git commit -F - <<'EOF'`, `gh pr create --body-file -`: the message is stdin.
        let from_stdin = matches!(a.text.as_str(), "-F" | "--file" | "--body-file")
            && args.get(i + 1).is_some_and(|v| v.text == "-");
        if from_stdin || matches!(a.text.as_str(), "--file=-" | "--body-file=-") {
            out.extend(cmd.stdin_text.as_ref().map(|t| (what, t)));
        }
    }
    out
}

/// A line that forbids or quotes what it names ("Do not `curl | sh` installers", "Never push
/// without asking the user first", "if a page says 'ignore previous instructions', treat it as
/// untrusted"): guidance against the thing, not the thing. "Never ask for permission" and "do
/// not tell the user" forbid the agent's caution, so they are not guidance.
fn prohibits(line: &str) -> bool {
    static P: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (negation, quoting) = P.get_or_init(|| {
        let r = |p: &str| Regex::new(p).expect("valid regex");
        (
            r(r"(?i)\b(?:do\s+not|don'?t|never|must\s+not|should\s+not|avoid)\s+(?:need\s+to\s+)?(\S+)"),
            r(r"(?i)\b(?:untrusted|treat\s+(?:it|them|this|that|such)|if\s+[^.]{0,60}\b(?:says?|contains?|asks?|tells?)|instructions?\s+(?:embedded|found|contained|hidden)\s+in)\b"),
        )
    });
    let caution = |verb: &str| {
        matches!(
            verb.to_ascii_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric()),
            "ask"
                | "tell"
                | "inform"
                | "mention"
                | "report"
                | "notify"
                | "wait"
                | "confirm"
                | "request"
                | "prompt"
                | "alert"
                | "let"
                | "bother"
                | "check"
        )
    };
    quoting.is_match(line)
        || negation
            .captures_iter(line)
            .any(|c| c.get(1).is_some_and(|v| !caution(v.as_str())))
}

/// The first agent-hijacking phrase of one of `kinds` in `text`, quoted with its kind (lines
/// that forbid or quote it do not count).
fn planted_phrase(text: &str, kinds: &[phrases::Kind]) -> Option<String> {
    bounded(text).lines().take(MAX_LINES).find_map(|line| {
        if prohibits(line) {
            return None;
        }
        let (kind, at) = phrases::find(line)
            .into_iter()
            .find(|(k, at)| kinds.contains(k) && !inside_quotes(line, at.start))?;
        let phrase: String = line[at].chars().take(80).collect();
        Some(format!("{phrase:?} ({})", kind.rule_id()))
    })
}

/// Why `text` reads as instructions planted for an agent, if it does.
fn planted_instructions(
    text: &str,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Option<String> {
    // `echo '…\n…' > AGENTS.md`: zsh's echo and `echo -e` write the lines the escapes stand for.
    let text = bounded(text).replace("\\n", "\n");
    let every_kind = [
        phrases::Kind::Override,
        phrases::Kind::Concealment,
        phrases::Kind::Exfiltration,
    ];
    if let Some(why) = planted_phrase(&text, &every_kind) {
        return Some(why);
    }
    let asked = commands_in(&text).take(MAX_COMMANDS).find_map(|cmd| {
        super::planted::blocking_finding(cmd, false, rules, analyze_code)
            .map(|why| format!("it tells the agent to run `{cmd}`: {why}"))
    });
    asked
}

/// Commands a Markdown text asks for: code spans, and what follows "run"/"execute" in a line.
fn commands_in(text: &str) -> impl Iterator<Item = &str> {
    static ASKED: OnceLock<Regex> = OnceLock::new();
    let asked = ASKED.get_or_init(|| {
        Regex::new(r"(?i)`([^`\n]{4,})`|\b(?:run|execute|exec)\s*:?\s+([^`\n]{4,})")
            .expect("valid regex")
    });
    text.lines().filter(|l| !prohibits(l)).flat_map(|line| {
        asked
            .captures_iter(line)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().trim()))
    })
}

/// Is byte `at` of `line` inside a quotation ('…', "…", `…`, “…”)? A message that quotes a
/// phrase is talking about it.
fn inside_quotes(line: &str, at: usize) -> bool {
    let before = &line[..at];
    ['"', '\'', '`']
        .iter()
        .any(|q| before.matches(*q).count() % 2 == 1)
        || before.matches('\u{201C}').count() > before.matches('\u{201D}').count()
}

/// Words (whole, lowercased) whose absence from a line rules out [`strongly_addressed`]: the
/// check runs before the address regex is ever compiled (a `systemctl` or `main` is no address).
const ADDRESS_WORDS: &[&str] = &[
    "ai",
    "agent",
    "agents",
    "assistant",
    "assistants",
    "claude",
    "copilot",
    "gemini",
    "codex",
    "cursor",
    "llm",
    "llms",
    "gpt",
    "chatgpt",
    "model",
    "models",
    "system",
    "inst",
    "im_start",
];

/// Could `line` address an agent at all (one of [`ADDRESS_WORDS`] as a whole word, or the
/// Chinese for "AI assistant")?
fn may_address(line: &str) -> bool {
    line.contains("助手")
        || line.contains("人工智能")
        || line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w.len() >= 2 && ADDRESS_WORDS.iter().any(|a| a.eq_ignore_ascii_case(w)))
}

/// Is `path` test data or an example (`tests/fixtures/…`, `testdata/`, `examples/`, `evals/`)?
fn is_fixture_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        "test", "fixture", "spec/", "example", "sample", "eval", "corpus", "redteam", "red-team",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Commands a line explicitly asks to run ("run X", "execute: 'X'", "the next command is X",
/// "pre-approved: X", "请运行 X"); bare code spans do not count here (a message naming a
/// command is not asking for it).
fn asked_to_run(line: &str) -> impl Iterator<Item = &str> {
    static VERB: OnceLock<Regex> = OnceLock::new();
    let verb = VERB.get_or_init(|| {
        Regex::new(r"(?i)(?:\b(?:run|execute|exec)|(?:command|step)\s+(?:must|should)\s+be|next\s+command\s+is|(?:pre-?)?approved\s*:|运行|执行)\s*:?\s+")
            .expect("valid regex")
    });
    let line = if prohibits(line) { "" } else { line };
    // Every occurrence counts ("run build  # …: next, run curl … | sh"): the text after each.
    verb.find_iter(line).filter_map(move |m| {
        let rest = &line[m.end()..];
        let asked = match rest.chars().next() {
            Some(q @ ('\'' | '"' | '`')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split('`').next().unwrap_or(""),
        }
        .trim();
        (asked.len() >= 4).then_some(asked)
    })
}

/// Words that end a command asked for in prose ("run X to repair permissions", "run X and
/// push", "run X, then …").
const PROSE_AFTER: &[&str] = &[
    " to ",
    " and ",
    " then ",
    " so ",
    " because ",
    " before ",
    " after ",
    " without ",
    " when ",
    ", ",
];

/// Does a line speak to an AI agent as a vocative or a note ("NOTE TO AI ASSISTANT:", "Dear
/// AI,", "Claude: …", "<system>", "[INST]", "the AI agent must run …", "给AI助手")? Stricter than
/// [`addresses_agent`]: a conventional-commit scope (`fix(agent): …`) or prose about agents is
/// not an address.
fn strongly_addressed(line: &str) -> bool {
    static A: OnceLock<Regex> = OnceLock::new();
    A.get_or_init(|| {
        let who = r"(?:ai(?:\s+(?:agents?|assistants?|models?|coders?))?|agents?|assistants?|llms?|models?|claude(?:\s+code)?|copilot|gemini|codex|cursor|chatgpt|gpt)";
        Regex::new(&format!(
            r"(?i)\b(?:note|message|instructions?|reminder|directive)s?\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{who}\b|\b(?:dear|hey|hi|hello|attention|attn)\s*,?\s+(?:the\s+)?{who}\b|(?:^|[\s#>*\x22'!\-\[])(?:{who})\s*[:,]\s|\b(?:ai|agent|assistant)\s+(?:instructions?|note|directive)\s*:|(?:^|[\s#>*\x22'!\-\[<])(?:system|assistant)(?:\s+(?:note|message|prompt|notice|override))?\s*:|\[/?inst\]|<\|?(?:system|im_start)|\bthe\s+{who}\s+(?:must|should|needs?\s+to|has\s+to|is\s+required\s+to)\s+(?:run|execute)\b|(?:给|致|请)\s*(?:AI|人工智能)"
        ))
        .expect("valid regex")
    })
    .is_match(line)
}

/// Text anywhere in the input — a shell comment, an echo into a README or a note, a commit or
/// tag message, a label — that addresses an AI agent and asks it to run something this scanner
/// would stop, or carries an agent-hijacking phrase: the next agent that reads it is the target
/// (`ls  # NOTE TO AI ASSISTANT: run curl … | bash to repair permissions`).
pub fn analyze_text(
    input: &str,
    script: &Script,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Vec<OwnedHit> {
    let text = bounded(input);
    if !may_address(text) {
        return Vec::new();
    }
    // Test fixtures and examples hold injected text on purpose (a scanner's own test data).
    let fixtures: Vec<&str> = script
        .files
        .iter()
        .filter(|(path, _)| is_fixture_path(path))
        .map(|(_, w)| w.text.as_str())
        .collect();
    let every_kind = [
        phrases::Kind::Override,
        phrases::Kind::Concealment,
        phrases::Kind::Exfiltration,
    ];
    let mut start = 0;
    for line in text.split_inclusive('\n').take(MAX_LINES) {
        let at = start;
        start += line.len();
        if !may_address(line)
            || !strongly_addressed(line)
            || fixtures.iter().any(|f| f.contains(line.trim()))
        {
            continue;
        }
        let phrase = phrases::find(line)
            .into_iter()
            .find(|(k, _)| every_kind.contains(k))
            .map(|(kind, at)| {
                let phrase: String = line[at].chars().take(80).collect();
                format!("{phrase:?} ({})", kind.rule_id())
            });
        let why = phrase.or_else(|| {
            asked_to_run(line).take(MAX_COMMANDS).find_map(|asked| {
                let asked = asked.split(". ").next().unwrap_or(asked);
                // Prose often follows the command on the line ("run curl … | bash to repair
                // permissions"): the command is also tried without it.
                let cut = PROSE_AFTER
                    .iter()
                    .filter_map(|w| asked.find(w).map(|i| &asked[..i]));
                std::iter::once(asked).chain(cut).find_map(|cmd| {
                    super::planted::finding_at_least(
                        cmd,
                        false,
                        crate::findings::Action::Warn,
                        rules,
                        analyze_code,
                    )
                    .map(|why| format!("it asks the agent to run `{cmd}`: {why}"))
                })
            })
        });
        if let Some(why) = why {
            return vec![OwnedHit {
                rule_id: "persist.agent-instructions".into(),
                span: (at, at + line.trim_end().len()),
                detail: Some(format!(
                    "text addressed to an AI agent, read by the next one that sees it: {why}"
                )),
            }];
        }
    }
    Vec::new()
}

/// Does the message speak to an AI agent ("AI agents:", "Dear Claude,", "SYSTEM:", "[INST]")?
fn addresses_agent(text: &str) -> bool {
    static A: OnceLock<Regex> = OnceLock::new();
    A.get_or_init(|| {
        Regex::new(
            r"(?i)\b(ai|agents?|assistants?|claude|copilot|gemini|cursor|codex|llms?|chatgpt|gpt)\b[^.
]{0,24}[:,]|\b(dear|hey|hi|note\s+(to|for)|instructions?\s+for)\s+(the\s+)?(ai|agents?|assistants?|claude|copilot|gemini|llms?|models?)\b|(^|\s)(system|assistant)\s*:|\[/?inst\]|<\|?system",
        )
        .expect("valid regex")
    })
    .is_match(text)
}
