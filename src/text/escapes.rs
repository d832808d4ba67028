//! Terminal escape sequences, control characters and invisible characters in raw input.

use super::unicode::{is_bidi_control, is_emoji_like, is_invisible, is_variation_selector};
use super::Sanitizer;
use crate::analyzers::Hit;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const C1_ST: char = '\u{9c}';

/// Most text-layer findings one input produces; past it, only rules not reported yet are added
/// (the verdict is the same, and 4 MiB of invisible characters must not become a million
/// findings).
const MAX_HITS: usize = 256;

/// Collects hits: a run of adjacent same-rule characters becomes one finding.
struct Reporter<'h> {
    hits: &'h mut Vec<Hit>,
    start: usize,
    /// Characters in the run that the last hit covers.
    run: usize,
}

impl Reporter<'_> {
    fn push(&mut self, hit: Hit) {
        let any_fresh = self.hits.len() > self.start;
        if let Some(last) = self.hits.last_mut().filter(|_| any_fresh) {
            if last.rule_id == hit.rule_id && last.span.1 == hit.span.0 {
                last.span.1 = hit.span.1;
                self.run += 1;
                let first = last.detail.as_deref().unwrap_or("").to_string();
                let first = first.split(" (and ").next().unwrap_or("").to_string();
                last.detail = Some(format!(
                    "{first} (and {} more like it in a row)",
                    self.run - 1
                ));
                return;
            }
        }
        if self.hits.len() - self.start >= MAX_HITS
            && self.hits[self.start..]
                .iter()
                .any(|h| h.rule_id == hit.rule_id)
        {
            return;
        }
        self.run = 1;
        self.hits.push(hit);
    }
}

/// Walk the input once: report every deceptive sequence and build the sanitized text.
pub(crate) fn scan(input: &str, out: &mut Sanitizer, hits: &mut Vec<Hit>) {
    let start = hits.len();
    let mut hits = Reporter {
        hits,
        start,
        run: 0,
    };
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map(|(o, _)| *o).unwrap_or(input.len());
    // The last character that is not blank: a carriage return after it overwrites nothing.
    let last_visible = chars.iter().rposition(|x| !x.1.is_whitespace());
    // (end of the current run of carriage returns, whether the run overwrites): decided once
    // per run, so a long run costs one pass.
    let mut cr_run: (usize, bool) = (0, false);
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            ESC | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' | '\u{98}' => {
                let (next, hit) = escape_sequence(input, &chars, i);
                let span = (at, end_of(next));
                hits.push(Hit {
                    rule_id: hit.0,
                    span,
                    detail: Some(hit.1),
                });
                i = next;
                continue;
            }
            // A carriage return with nothing after it (a pasted Windows line end, also doubled:
            // `\r\r\n`) overwrites nothing.
            '\r' if {
                if i >= cr_run.0 {
                    let end = i + chars[i..].iter().take_while(|x| x.1 == '\r').count();
                    let overwrites = chars.get(end).map(|x| x.1) != Some('\n')
                        && last_visible.is_some_and(|l| l > i);
                    cr_run = (end, overwrites);
                }
                cr_run.1
            } =>
            {
                hits.push(Hit {
                    rule_id: "text.overwrite",
                    span: (at, at + 1),
                    detail: Some(
                        "a carriage return lets later text overwrite what the terminal showed"
                            .into(),
                    ),
                })
            }
            '\u{08}' => hits.push(Hit {
                rule_id: "text.overwrite",
                span: (at, at + 1),
                detail: Some("a backspace erases displayed characters that still run".into()),
            }),
            '\t' | '\n' | '\r' => {}
            c if (c as u32) < 0x20 || c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) => {
                hits.push(Hit {
                    rule_id: "text.control-char",
                    span: (at, at + c.len_utf8()),
                    detail: Some(format!("control character U+{:04X}", c as u32)),
                });
                i += 1;
                continue;
            }
            // LRM/RLM/ALM near right-to-left letters on the same line (`"תיקון \u{200F}v2.0"`, a
            // mark that keeps a version number in place in Hebrew text): typography, not a trick.
            c if super::unicode::is_direction_mark(c) && {
                let word = |it: &mut dyn Iterator<Item = char>| {
                    it.take_while(|x| *x != '\n')
                        .any(super::unicode::is_rtl_letter)
                };
                word(&mut chars[..i].iter().rev().map(|x| x.1).take(64))
                    || word(&mut chars[i + 1..].iter().map(|x| x.1).take(64))
            } =>
            {
                out.push_str(&c.to_string(), at);
                i += 1;
                continue;
            }
            c if is_bidi_control(c) => {
                hits.push(Hit {
                    rule_id: "text.bidi-control",
                    span: (at, at + c.len_utf8()),
                    detail: Some(format!(
                        "bidirectional control U+{:04X} reorders what is displayed",
                        c as u32
                    )),
                });
                i += 1;
                continue;
            }
            c if is_invisible(c) => {
                let prev = i.checked_sub(1).map(|p| chars[p].1);
                let next = chars.get(i + 1).map(|x| x.1);
                let emoji_part = match c {
                    '\u{200D}' => {
                        prev.is_some_and(is_emoji_like) && next.is_some_and(is_emoji_like)
                    }
                    '\u{FE0E}' | '\u{FE0F}' => prev.is_some_and(is_emoji_like),
                    '\u{E0020}'..='\u{E007F}' => {
                        prev.is_some_and(|p| p == '\u{1F3F4}' || (p as u32) >= 0xE0020)
                    }
                    _ => false,
                };
                // ZWNJ / ZWJ inside a word of a script that spells with them (Persian, Arabic,
                // Urdu, Devanagari, Bengali, Malayalam, Sinhala, …): ordinary text, not a trick.
                let script_joiner = matches!(c, '\u{200C}' | '\u{200D}')
                    && match (prev, next) {
                        (Some(p), Some(n)) if super::unicode::joins_in_script(p, n) => true,
                        (Some(p), n) => super::unicode::ends_word_in_script(p, n),
                        _ => false,
                    };
                let word_break = c == '\u{200B}'
                    && matches!((prev, next), (Some(p), Some(n)) if super::unicode::breaks_unspaced_words(p, n));
                // The braille blank near other braille cells on its line is part of a drawing.
                let braille = |x: &(usize, char)| ('\u{2801}'..='\u{28FF}').contains(&x.1);
                let line_near = |it: &mut dyn Iterator<Item = &(usize, char)>| {
                    it.take(32).take_while(|x| x.1 != '\n').any(braille)
                };
                let braille_art = c == '\u{2800}'
                    && (line_near(&mut chars[..i].iter().rev())
                        || line_near(&mut chars[i + 1..].iter()));
                if emoji_part || script_joiner || word_break || braille_art {
                    out.push_str(&c.to_string(), at);
                } else {
                    hits.push(Hit {
                        rule_id: "text.invisible-char",
                        span: (at, at + c.len_utf8()),
                        detail: Some(format!(
                            "invisible character U+{:04X}{}",
                            c as u32,
                            if is_variation_selector(c) {
                                " (variation selector)"
                            } else {
                                ""
                            }
                        )),
                    });
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        let ascii_letter = |k: Option<&(usize, char)>| k.is_some_and(|x| x.1.is_ascii_alphabetic());
        let beside_ascii = ascii_letter(i.checked_sub(1).and_then(|p| chars.get(p)))
            || ascii_letter(chars.get(i + 1));
        out.push_char(c, at, beside_ascii);
        i += 1;
    }
    out.finish(input.len());
}

/// Parse the escape sequence starting at `chars[i]`; returns the index after it and
/// (rule id, detail).
fn escape_sequence(
    input: &str,
    chars: &[(usize, char)],
    i: usize,
) -> (usize, (&'static str, String)) {
    let c = chars[i].1;
    let (kind, mut j) = match c {
        ESC => match chars.get(i + 1).map(|x| x.1) {
            Some('[') => ('[', i + 2),
            Some(']') => (']', i + 2),
            Some(k @ ('P' | '_' | '^' | 'X')) => (k, i + 2),
            Some('(' | ')' | '*' | '+' | '#' | '%') => {
                return (
                    i + 3,
                    (
                        "text.terminal-escape",
                        "character-set escape sequence".into(),
                    ),
                )
            }
            Some(_) => {
                return (
                    i + 2,
                    ("text.terminal-escape", "two-byte escape sequence".into()),
                )
            }
            None => return (i + 1, ("text.control-char", "lone ESC character".into())),
        },
        '\u{9b}' => ('[', i + 1),
        '\u{9d}' => (']', i + 1),
        _ => ('P', i + 1),
    };
    let body_start = j;
    if kind == '[' {
        while j < chars.len() && !('\u{40}'..='\u{7e}').contains(&chars[j].1) {
            j += 1;
        }
        let params: String = chars[body_start..j.min(chars.len())]
            .iter()
            .map(|x| x.1)
            .collect();
        let final_byte = chars.get(j).map(|x| x.1).unwrap_or(' ');
        let next = (j + 1).min(chars.len());
        let hit = match final_byte {
            'm' if params.split([';', ':']).any(|p| p == "8") => (
                "text.hidden-text",
                format!("SGR conceal (ESC[{params}m) hides the text that follows"),
            ),
            'J' | 'K' => (
                "text.terminal-control",
                format!("screen or line clear (ESC[{params}{final_byte})"),
            ),
            'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'f' | 'd' | 's' | 'u' => (
                "text.terminal-control",
                format!("cursor movement (ESC[{params}{final_byte}) can draw over the command"),
            ),
            _ => (
                "text.terminal-escape",
                format!("terminal escape sequence ESC[{params}{final_byte}"),
            ),
        };
        return (next, hit);
    }
    // String sequences: OSC / DCS / APC / PM / SOS, terminated by BEL, ESC \ or C1 ST.
    while j < chars.len() {
        match chars[j].1 {
            BEL | C1_ST => break,
            ESC if chars.get(j + 1).map(|x| x.1) == Some('\\') => break,
            _ => j += 1,
        }
    }
    let body: String = chars[body_start..j.min(chars.len())]
        .iter()
        .map(|x| x.1)
        .collect();
    let next = match chars.get(j).map(|x| x.1) {
        Some(ESC) => j + 2,
        Some(_) => j + 1,
        None => j,
    };
    let next = next.min(chars.len());
    if kind != ']' {
        return (
            next,
            (
                "text.terminal-escape",
                "terminal control string (DCS/APC/PM/SOS)".into(),
            ),
        );
    }
    let code = body.split(';').next().unwrap_or("");
    let hit = match code {
        "52" => (
            "text.clipboard-write",
            "OSC 52 writes to the clipboard".to_string(),
        ),
        "8" => {
            let target = body.splitn(3, ';').nth(2).unwrap_or("").to_string();
            let shown = visible_link_text(input, chars, next);
            (
                "text.hyperlink",
                format!("OSC 8 hyperlink to {target:?} shown as {shown:?}"),
            )
        }
        _ => (
            "text.terminal-escape",
            format!("operating-system command OSC {code}"),
        ),
    };
    (next, hit)
}

/// The text between an OSC 8 opener and the next escape (what the terminal shows as the link).
fn visible_link_text(input: &str, chars: &[(usize, char)], from: usize) -> String {
    let start = chars.get(from).map(|x| x.0).unwrap_or(input.len());
    let end = chars[from.min(chars.len())..]
        .iter()
        .find(|x| x.1 == ESC || x.1 == '\u{9d}')
        .map(|x| x.0)
        .unwrap_or(input.len());
    input[start..end].chars().take(80).collect()
}
