//! `hermes-scan prompt -- LINE`: what the shell hooks call when a person presses Enter.
//! Exit 0 means run the line untouched, exit 1 means do not run it (it stays editable).

use super::render;
use super::tty::Tty;
use crate::policy::approvals::{ApprovalStore, Scope};
use crate::policy::decide::{self, AskKind, Context, Outcome};
use std::time::Duration;

/// The words a person must type to run a blocked (non-floor) command anyway.
const OVERRIDE_PHRASE: &str = "run anyway";

/// Run the check for one interactive line.
pub fn run(line: &str, session: Option<&str>, policy: Option<&std::path::Path>) -> i32 {
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
    let verdict = scanner.scan(line);
    let only_syntax = !verdict.findings.is_empty()
        && verdict
            .findings
            .iter()
            .all(|f| f.rule_id == "core.parse-error");
    if verdict.findings.is_empty() || only_syntax {
        // Incomplete or invalid syntax is the shell's to report (multi-line input continues).
        return 0;
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
        return 0;
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
                Some("o" | "once") => return 0,
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
            0
        }
        (Outcome::Ask(AskKind::Override), Some(t)) => {
            let q = format!("hermes-scan: blocked. To run it anyway, type \"{OVERRIDE_PHRASE}\": ");
            if t.ask(&q, timeout).as_deref() == Some(OVERRIDE_PHRASE) {
                0
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

/// The prompt in a worker process under limits; when it dies or does not finish its analysis in
/// time, the line is not run (exit 1) and the person is told why.
pub fn supervised(line: &[String], policy: Option<&std::path::Path>) -> i32 {
    let mut args = super::global_flags();
    args.push("prompt".into());
    if let Some(p) = policy {
        args.extend(["--policy".into(), p.as_os_str().to_owned()]);
    }
    args.push("--".into());
    args.extend(line.iter().map(Into::into));
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
