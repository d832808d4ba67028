//! Lookalike characters in program names and options: `rm −rf` with U+2212, `ｃｕｒｌ`, a Cyrillic
//! `с` in `сurl`. Ordinary non-ASCII text in arguments (`café.txt`, a Japanese commit message) is data
//! and is not reported.

use super::Hit;
use crate::shell::Script;
use crate::text::{ascii_lookalike, describe_char};

/// Report command names and option words that contain characters imitating ASCII.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cmd in &script.commands {
        for (i, w) in cmd.argv.iter().enumerate() {
            let first = w.text.chars().next();
            // Options are written unquoted; a quoted word starting with a dash is prose.
            let is_option = i > 0
                && first.is_some_and(|c| {
                    c == '-' || (!w.quoted && ascii_lookalike(c).as_deref() == Some("-"))
                });
            if (i > 0 && !is_option) || !w.subs.is_empty() || w.dynamic {
                continue; // substitution placeholders (`$(…)`) are not typed text
            }
            // `--message=Исправлена ошибка`: the value after `=` is data like any argument;
            // only the option's name is typed as a flag.
            let typed = match w.text.split_once('=') {
                Some((name, _)) if i > 0 => name,
                _ => w.text.as_str(),
            };
            let odd: Vec<char> = typed
                .chars()
                .filter(|c| ascii_lookalike(*c).is_some())
                .collect();
            if odd.is_empty() {
                continue;
            }
            let folded: String = w
                .text
                .chars()
                .map(|c| ascii_lookalike(c).unwrap_or_else(|| c.to_string()))
                .collect();
            let names: Vec<String> = odd.iter().map(|c| describe_char(*c)).collect();
            hits.push(Hit {
                rule_id: "text.confusable",
                span: w.span,
                detail: Some(format!(
                    "{} {:?} reads as {:?}: {}",
                    if i == 0 { "program name" } else { "option" },
                    w.text,
                    folded,
                    names.join(", ")
                )),
            });
        }
    }
    hits
}
