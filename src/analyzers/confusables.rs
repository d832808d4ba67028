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
            let odd: Vec<char> = imitating_chars(typed);
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

/// The characters of `typed` that imitate ASCII, leaving out native words: a run of four or more
/// letters all written in one script other than Latin (`./сборка.sh`, `--формат`, `σύνδεση`)
/// imitates nothing, however many of its letters look Latin. A run that mixes Latin letters with
/// lookalikes (`сurl`, `ѕudo`) or a short one (`рѕ`) still counts.
fn imitating_chars(typed: &str) -> Vec<char> {
    use unicode_script::{Script, UnicodeScript};
    let mut odd = Vec::new();
    let chars: Vec<char> = typed.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            if ascii_lookalike(chars[i]).is_some() {
                odd.push(chars[i]);
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        let run = &chars[start..i];
        let script = run[0].script();
        let native = run.len() >= 4
            && !matches!(script, Script::Latin | Script::Common | Script::Inherited)
            && run.iter().all(|c| {
                let s = c.script();
                s == script || s == Script::Inherited
            });
        if !native {
            odd.extend(run.iter().filter(|c| ascii_lookalike(**c).is_some()));
        }
    }
    odd
}

#[cfg(test)]
mod tests {
    use super::imitating_chars;

    #[test]
    fn native_words_imitate_nothing() {
        for native in [
            "./сборка.sh",
            "--формат",
            "./σύνδεση.sh",
            "./урок1.sh",
            "./алфавит.py",
        ] {
            assert!(imitating_chars(native).is_empty(), "{native}");
        }
        for fake in [
            "сurl",
            "ѕudo",
            "рѕ",
            "./іnstall.sh",
            "--fоrce",
            "ｃｕｒｌ",
            "rm\u{2212}rf",
        ] {
            assert!(!imitating_chars(fake).is_empty(), "{fake}");
        }
    }
}
