//! `hermes-scan prompt -- LINE`: what the shell hooks call when a person presses Enter.
//! Exit 0 means run the line untouched, exit 1 means do not run it (it stays editable).

use super::render;
use super::tty::Tty;
use crate::policy::approvals::{ApprovalStore, Scope};
use crate::policy::decide::{self, AskKind, Context, Outcome};
use std::time::Duration;

/// The words a person must type to run a blocked (non-floor) command anyway.
const OVERRIDE_PHRASE: &str = "run anyway";

/// Exit code that tells a shell hook the input is unfinished so far (an open quote, block or
/// heredoc): let the shell ask for the next line, and send that line with this text before it.
pub const UNFINISHED: i32 = 3;

/// Run the check for one interactive line. `pending` holds the earlier lines of a command the
/// shell is still reading (each ending with a newline), when the hook keeps them: the line is
/// judged alone and joined to them, whichever is worse, so `echo '` then `'; rm -rf /` typed on
/// two lines is seen as the command bash runs.
pub fn run(
    line: &str,
    invalid_at: Option<usize>,
    pending: Option<&str>,
    session: Option<&str>,
    policy: Option<&std::path::Path>,
) -> i32 {
    let mut tty = Tty::open();
    let scanner = match super::scanner_for(policy) {
        Ok(s) => s,
        Err(_) => {
            say(
                &mut tty,
                "hermes-scan: configuration error (see above); not running the command\n",
            );
            return 1;
        }
    };
    super::supervise::inject_fault(line.as_bytes());
    let joined = pending
        .filter(|p| !p.is_empty())
        .map(|p| format!("{p}{line}"));
    let whole = joined.as_deref().unwrap_or(line);
    // A line that was not UTF-8 is judged in its lossy decoding, with `core.invalid-utf8`.
    let scan = |text: &str, offset: usize| match invalid_at {
        Some(at) => scanner.scan_decoded(text, at + offset),
        None => scanner.scan(text),
    };
    let whole_verdict = scan(whole, whole.len() - line.len());
    // What the shell will run once the command is complete is `whole`; until then, only the hook
    // that keeps the pending lines can be told to go on collecting them.
    let unfinished = pending.is_some()
        && (unfinished_syntax(&whole_verdict, whole) || crate::shell::opens_heredoc(whole));
    let ran = if unfinished { UNFINISHED } else { 0 };
    let (line, verdict) = match &joined {
        Some(_) => {
            let alone = scan(line, 0);
            if weight(&alone, line) > weight(&whole_verdict, whole) {
                (line, alone)
            } else {
                (whole, whole_verdict)
            }
        }
        None => (line, whole_verdict),
    };
    if verdict.findings.is_empty() || unfinished_syntax(&verdict, line) {
        // Incomplete syntax is the shell's to handle: it asks for the next line (or rejects the
        // input and runs nothing). Syntax the scanner cannot read *inside* the input is a
        // different thing: bash may run it, so it goes to approval like any warning.
        return ran;
    }
    let key = scanner.approval_key(line);
    let store = ApprovalStore::default_store();
    let ctx = Context {
        interactive: tty.is_some(),
        session,
        key: &key,
    };
    let outcome = decide::decide(&verdict, scanner.policy(), &store, ctx);
    // The supervising front door stops its clock here: a person may now take their time.
    super::print(super::supervise::ANALYZED_MARK);
    if outcome == Outcome::Run {
        return ran;
    }
    let report = render::human(line, &verdict);
    say(&mut tty, &format!("\n{report}\n"));
    let timeout = Duration::from_secs(scanner.policy().approval.timeout_secs);
    match (outcome, tty.as_mut()) {
        (Outcome::Ask(AskKind::Approve), Some(t)) => {
            let answer = t.ask(
                "hermes-scan: run it? [o]nce, [s]ession, [a]lways, [d]eny (default deny): ",
                timeout,
            );
            let rules = decide::warn_rules(&verdict);
            let saved = match answer.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("o" | "once") => return ran,
                Some("s" | "session") => {
                    session.map(|id| store.add(&key, &rules, Scope::Session { id: id.to_string() }))
                }
                Some("a" | "always") => Some(store.add(&key, &rules, Scope::Always)),
                _ => {
                    t.say("hermes-scan: not run.\n");
                    return 1;
                }
            };
            if let Some(Err(e)) = saved {
                t.say(&format!("hermes-scan: could not save the approval: {e}\n"));
            }
            ran
        }
        (Outcome::Ask(AskKind::Override), Some(t)) => {
            let q = format!("hermes-scan: blocked. To run it anyway, type \"{OVERRIDE_PHRASE}\": ");
            if t.ask(&q, timeout).as_deref() == Some(OVERRIDE_PHRASE) {
                ran
            } else {
                t.say("hermes-scan: not run.\n");
                1
            }
        }
        (Outcome::Refuse(why), _) => {
            say(&mut tty, &format!("hermes-scan: not run: {why}.\n"));
            1
        }
        _ => {
            say(
                &mut tty,
                "hermes-scan: not run: nobody is present to approve it.\n",
            );
            1
        }
    }
}

/// Findings that only say `text` stops before its syntax is complete: every syntax error reaches
/// the end of the input (an open quote, block or substitution), none sits inside it.
fn unfinished_syntax(v: &crate::verdict::Verdict, text: &str) -> bool {
    let end = text.trim_end().len();
    !v.findings.is_empty()
        && v.findings
            .iter()
            .all(|f| f.rule_id == "core.parse-error" && f.span.1 >= end)
}

/// How much a verdict asks of the person: its action, with an unfinished input counting as none.
fn weight(v: &crate::verdict::Verdict, text: &str) -> crate::findings::Action {
    if unfinished_syntax(v, text) {
        crate::findings::Action::Allow
    } else {
        v.action
    }
}

/// The words of the line joined by spaces, as text: lossily decoded when they are not UTF-8,
/// with the byte offset of the first bad byte.
pub fn line_text(words: &[std::ffi::OsString]) -> (String, Option<usize>) {
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            bytes.push(b' ');
        }
        bytes.extend_from_slice(w.as_bytes());
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

/// The prompt in a worker process under limits; when it dies or does not finish its analysis in
/// time, the line is not run (exit 1) and the person is told why.
pub fn supervised(
    line: &[std::ffi::OsString],
    pending: Option<&str>,
    policy: Option<&std::path::Path>,
) -> i32 {
    let mut args = super::global_flags();
    args.push("prompt".into());
    if let Some(p) = policy {
        args.extend(["--policy".into(), p.as_os_str().to_owned()]);
    }
    if let Some(p) = pending {
        args.extend(["--pending".into(), p.into()]);
    }
    args.push("--".into());
    args.extend(line.iter().cloned());
    let limits = super::supervise::Limits::with_deadline(super::supervise::hook_deadline());
    match super::supervise::run_marked(&args, &limits) {
        Ok(code) => code,
        Err(fail) => {
            say(
                &mut Tty::open(),
                &format!("hermes-scan: not run: {fail}.\n"),
            );
            1
        }
    }
}

fn say(tty: &mut Option<Tty>, text: &str) {
    match tty {
        Some(t) => t.say(text),
        None => {
            use std::io::Write as _;
            let _ = write!(std::io::stderr().lock(), "{text}");
        }
    }
}
