//! Destroying every item a listing names (`rules/enumerations.toml`): each user account read from
//! the user table (`cut -d: -f1 /etc/passwd | xargs -n1 userdel -r`), each installed package
//! (`pacman -Rns $(pacman -Qq)`, `rpm -qa | xargs rpm -e`), or every item named at once (`yum
//! remove '*'`). The destroying command takes its operands from a substitution, from earlier
//! stages of its pipeline (through `xargs`, `parallel` or a `while read` loop), or from a loop
//! over a substitution. A listing narrowed to named items (`grep alice`, `awk '$1=="bob"'`) is
//! a targeted removal and is left to the ordinary rules.

use super::Hit;
use crate::shell::ir::{Command, Script};
use crate::text::lazy_regex::LazyRegex;
use serde::Deserialize;
use std::sync::OnceLock;

/// One kind of item and the commands that list and destroy it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enumeration {
    rule: String,
    what: String,
    destroyers: Vec<Program>,
    listers: Vec<Program>,
    narrowers: Vec<Program>,
    #[serde(default)]
    every_operand: Option<String>,
}

/// Program names and what their arguments must (not) match.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Program {
    program: Vec<String>,
    #[serde(default)]
    args: Option<String>,
    #[serde(default)]
    args_not: Option<String>,
}

/// A [`Program`] whose patterns compile on first use (most commands are no destroyer, and
/// start-up stays free of regex compilation; the unit test below compiles them all).
struct Matcher {
    programs: Vec<String>,
    args: Option<LazyRegex>,
    args_not: Option<LazyRegex>,
}

fn lazy(source: &str) -> LazyRegex {
    LazyRegex::new(source, false).expect("an unvalidated pattern is kept as written")
}

impl Matcher {
    fn of(p: Program) -> Matcher {
        Matcher {
            programs: p.program,
            args: p.args.as_deref().map(lazy),
            args_not: p.args_not.as_deref().map(lazy),
        }
    }

    fn matches(&self, cmd: &Command) -> bool {
        if !self.programs.iter().any(|p| p == cmd.name()) {
            return false;
        }
        let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
        let joined = args.join(" ");
        self.args.as_ref().is_none_or(|r| r.is_match(&joined))
            && !self.args_not.as_ref().is_some_and(|r| r.is_match(&joined))
    }
}

/// An [`Enumeration`] ready to match.
struct Compiled {
    rule: &'static str,
    what: String,
    destroyers: Vec<Matcher>,
    listers: Vec<Matcher>,
    narrowers: Vec<Matcher>,
    every_operand: Option<LazyRegex>,
}

impl Compiled {
    /// Commands that list every item, with nothing among them narrowing the list.
    fn lists_every(&self, cmds: &[&Command]) -> Option<String> {
        let lister = cmds
            .iter()
            .find(|c| self.listers.iter().any(|m| m.matches(c)))?;
        let narrowed = cmds
            .iter()
            .any(|c| self.narrowers.iter().any(|m| m.matches(c)));
        (!narrowed).then(|| {
            lister
                .argv
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

fn table() -> &'static [Compiled] {
    static TABLE: OnceLock<Vec<Compiled>> = OnceLock::new();
    TABLE.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            enumeration: Vec<Enumeration>,
        }
        let file: File = serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/rules-json/enumerations.json"
        )))
        .expect("rules/enumerations.toml is valid");
        file.enumeration
            .into_iter()
            .map(|e| Compiled {
                // Rule ids are `'static` in hits; the table lives for the whole process.
                rule: Box::leak(e.rule.into_boxed_str()),
                what: e.what,
                destroyers: e.destroyers.into_iter().map(Matcher::of).collect(),
                listers: e.listers.into_iter().map(Matcher::of).collect(),
                narrowers: e.narrowers.into_iter().map(Matcher::of).collect(),
                every_operand: e.every_operand.as_deref().map(lazy),
            })
            .collect()
    })
}

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        for e in table() {
            if !e.destroyers.iter().any(|m| m.matches(cmd)) {
                continue;
            }
            if let Some(source) = operand_source(script, cmd, e) {
                hits.push(Hit {
                    rule_id: e.rule,
                    span: cmd.span,
                    detail: Some(format!("`{}` removes {} ({source})", cmd.name(), e.what)),
                });
            }
        }
    }
    hits
}

/// Where a destroying command's operands name every item, if they do.
fn operand_source(script: &Script, cmd: &Command, e: &Compiled) -> Option<String> {
    let args = cmd.args();
    if let Some(every) = &e.every_operand {
        if let Some(a) = args.iter().find(|a| !a.dynamic && every.is_match(&a.text)) {
            return Some(format!("the operand `{}`", a.text));
        }
    }
    // `userdel $(…)`, `for u in $(ls /home); do userdel "$u"; done`.
    for w in args {
        for &s in &w.subs {
            let inside: Vec<&Command> = script.commands_within(s).collect();
            if let Some(lister) = e.lists_every(&inside) {
                return Some(format!("each name `{lister}` prints"));
            }
        }
    }
    // `… | xargs userdel -r`, `… | while read u; do deluser "$u"; done`: operands read from
    // earlier stages of the pipeline (the command's own, or that of the xargs that runs it).
    // (`-` is the operand list read from stdin: `pacman -Qq | pacman -R -`.)
    let feed = script.feed(cmd);
    if !feed.via_xargs && !args.iter().any(|a| a.dynamic || a.text == "-") {
        return None;
    }
    e.lists_every(&feed.upstream)
        .map(|lister| format!("each name `{lister}` prints"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_of_the_table_compiles() {
        for e in table() {
            let matchers = e.destroyers.iter().chain(&e.listers).chain(&e.narrowers);
            let patterns = matchers
                .flat_map(|m| [&m.args, &m.args_not])
                .chain([&e.every_operand])
                .flatten();
            for p in patterns {
                assert!(p.check().is_ok(), "{}: {:?}", e.rule, p.check());
            }
        }
    }
}
