//! Hidden carriers in a text file: Unicode tag characters (decoded), bidi controls, invisible
//! characters inside words, HTML comments, markup that renders invisibly, link titles and alt
//! text.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A run of tag characters and the ASCII it spells.
pub struct TagRun {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The decoded text.
    pub decoded: String,
}

fn is_tag(c: char) -> bool {
    ('\u{E0000}'..='\u{E007F}').contains(&c)
}

/// Runs of tag characters, except emoji flag sequences (U+1F3F4 followed by tags ending in
/// U+E007F CANCEL TAG, e.g. the flag of Scotland).
pub fn tag_runs(text: &str) -> Vec<TagRun> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if !is_tag(c) {
            prev = Some(c);
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut run = vec![c];
        while let Some(&(j, d)) = chars.peek() {
            if !is_tag(d) {
                break;
            }
            run.push(d);
            end = j + d.len_utf8();
            chars.next();
        }
        let flag = prev == Some('\u{1F3F4}') && run.last() == Some(&'\u{E007F}');
        if !flag {
            let decoded: String = run
                .iter()
                .filter_map(|&t| {
                    let v = t as u32 - 0xE0000;
                    (0x20..0x7F).contains(&v).then(|| char::from(v as u8))
                })
                .collect();
            out.push(TagRun {
                range: start..end,
                decoded,
            });
        }
        prev = run.last().copied();
    }
    out
}

/// Bidi embedding, override and isolate controls.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that render as nothing.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' | '\u{2062}'
            ..='\u{2064}' | '\u{00AD}'
    )
}

/// Invisible characters sitting between two ASCII letters or digits (inside a word): joiners
/// between emoji or in Indic and Persian text are not reported.
pub fn invisible_in_words(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !is_invisible(c) || (i == 0 && c == '\u{FEFF}') {
            continue;
        }
        let before = chars[..k]
            .iter()
            .rev()
            .find(|(_, d)| !is_invisible(*d))
            .map(|x| x.1);
        let after = chars[k + 1..]
            .iter()
            .find(|(_, d)| !is_invisible(*d))
            .map(|x| x.1);
        if before.is_some_and(|b| b.is_ascii_alphanumeric())
            && after.is_some_and(|a| a.is_ascii_alphanumeric())
        {
            out.push(i..i + c.len_utf8());
        }
    }
    out
}

/// The text without tag, bidi and invisible characters, with the original byte offset of every
/// byte kept (for locating what is found in it).
pub fn visible(text: &str) -> (String, Vec<usize>) {
    let mut s = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if is_tag(c) || is_bidi(c) || (is_invisible(c) && c != '\u{200D}') {
            continue;
        }
        s.push(c);
        map.extend(std::iter::repeat_n(i, c.len_utf8()));
    }
    map.push(text.len());
    (s, map)
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("static regex")
}

/// Comments: HTML `<!-- … -->` and the Markdown link-reference idioms that render as nothing
/// (`[//]: # (…)`, `[comment]: <> (…)`, `[//]: # "…"`): (whole range, inner text range).
pub fn html_comments(text: &str) -> Vec<(Range<usize>, Range<usize>, bool)> {
    static R: OnceLock<Vec<Regex>> = OnceLock::new();
    let res = R.get_or_init(|| {
        vec![
            re(r"(?s)<!--(?P<inner>.*?)-->"),
            re(r#"(?m)^[ \t]*\[[^\]\n]*\]:\s*(?:#|<>)\s*(?:\((?P<inner>[^\n]*)\)|"(?P<q>[^"\n]*)")[ \t]*$"#),
            re(r#"(?m)^[ \t]*\[[^\]\n]+\]:\s*\S+\s+"(?P<inner>[^"\n]+)"[ \t]*$"#),
        ]
    });
    let mut out = Vec::new();
    for r in res {
        for c in r.captures_iter(text) {
            if let (Some(w), Some(i)) = (c.get(0), c.name("inner").or(c.name("q"))) {
                out.push((w.range(), i.range(), false));
            }
        }
    }
    out
}

/// Text a reader does not see: hidden elements (styled invisible, `hidden`, `<template>`,
/// `<noscript>`, text shrunk by nested `<sub><sup>`), link titles, image alt text.
/// (whole, inner, rendered invisible).
pub fn hidden_markup(text: &str) -> Vec<(Range<usize>, Range<usize>, bool)> {
    static R: OnceLock<Vec<Regex>> = OnceLock::new();
    let res = R.get_or_init(|| {
        vec![
            re(r#"(?is)<(\w+)\b[^>]*?(?:style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:\.\d+)?(?:px|em|rem|pt|%)?\b|opacity\s*:\s*0(?:\.\d+)?\b|color\s*:\s*(?:white|transparent|#fff(?:fff)?\b|rgba?\(\s*255\s*,\s*255\s*,\s*255))[^"']*["']|\bhidden\b|aria-hidden\s*=\s*["']true["']|color\s*=\s*["']?(?:white|#fff(?:fff)?)\b)[^>]*>(?P<inner>.*?)</\w+\s*>"#),
            re(r#"(?is)<(?:template|noscript)\b[^>]*>(?P<inner>.*?)</(?:template|noscript)\s*>"#),
            re(r#"(?is)<su[bp]>\s*<su[bp]>(?:\s*<su[bp]>)*(?P<inner>[^<]*)</su[bp]>"#),
            re(r#"\[[^\]\n]*\]\(\s*<?[^)\s>]+>?\s+"(?P<inner>[^"\n]+)"\s*\)"#),
            re(r#"!\[(?P<inner>[^\]\n]{12,})\]\("#),
        ]
    });
    let mut out = Vec::new();
    for (k, r) in res.iter().enumerate() {
        // The first three patterns render invisibly; titles and alt text are shown on hover or
        // to screen readers, so only what they say counts.
        let styled = k < 3;
        for c in r.captures_iter(text) {
            if let (Some(w), Some(i)) = (c.get(0), c.name("inner")) {
                out.push((w.range(), i.range(), styled));
            }
        }
    }
    out
}

/// Data smuggled in runs of invisible characters: zero-width binary (U+200B = 0, U+200C = 1,
/// eight per byte) and variation selectors (U+FE00–FE0F = 0–15, U+E0100–U+E01EF = 16–255, one
/// per byte). Runs of four or more.
pub fn smuggled_runs(text: &str) -> Vec<TagRun> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_vs = |c: char| matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}');
    let is_zw = |c: char| matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}');
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        let (zw, vs) = (matches!(c, '\u{200B}' | '\u{200C}'), is_vs(c));
        if !zw && !vs {
            k += 1;
            continue;
        }
        let mut j = k;
        while j < chars.len()
            && if zw {
                is_zw(chars[j].1)
            } else {
                is_vs(chars[j].1)
            }
        {
            j += 1;
        }
        if j - k >= 4 {
            let end = chars.get(j).map_or(text.len(), |x| x.0);
            let bytes: Vec<u8> = if zw {
                let bits: Vec<u8> = chars[k..j]
                    .iter()
                    .filter(|x| x.1 != '\u{200D}')
                    .map(|x| u8::from(x.1 == '\u{200C}'))
                    .collect();
                bits.chunks(8)
                    .filter(|b| b.len() == 8)
                    .map(|b| b.iter().fold(0u8, |acc, bit| (acc << 1) | bit))
                    .collect()
            } else {
                chars[k..j]
                    .iter()
                    .map(|x| match x.1 {
                        v @ '\u{FE00}'..='\u{FE0F}' => (v as u32 - 0xFE00) as u8,
                        v => (v as u32 - 0xE0100 + 16) as u8,
                    })
                    .collect()
            };
            out.push(TagRun {
                range: start..end,
                decoded: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        k = j.max(k + 1);
    }
    out
}
