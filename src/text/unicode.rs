//! Unicode classes the text layer cares about: bidi controls, invisible characters, and characters
//! that look like ASCII (UTS #39 confusable skeletons).

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// Bidirectional formatting controls (Trojan Source).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Zero-width and other invisible characters (not counting emoji joiners and selectors).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}'
            | '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
            // Blank glyphs that render as nothing: the braille blank, Khmer's inherent vowels,
            // musical formatting marks.
            | '\u{2800}' | '\u{17B4}' | '\u{17B5}' | '\u{1D173}'..='\u{1D17A}'
    ) || is_variation_selector(c)
}

/// Scripts whose spelling uses zero-width joiners and non-joiners inside words.
const JOINER_SCRIPTS: &[unicode_script::Script] = {
    use unicode_script::Script::*;
    &[
        Arabic, Syriac, Nko, Mandaic, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil,
        Telugu, Kannada, Malayalam, Sinhala, Khmer, Myanmar, Tibetan, Mongolian, Hebrew, Thai, Lao,
        Thaana,
    ]
};

/// True when a ZWJ/ZWNJ between `prev` and `next` sits inside a word of a script that needs it.
pub fn joins_in_script(prev: char, next: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    let script_of = |c: char| match c.script() {
        Script::Inherited | Script::Common => None,
        s => Some(s),
    };
    let (Some(p), Some(n)) = (script_of(prev), script_of(next)) else {
        return false;
    };
    p == n && JOINER_SCRIPTS.contains(&p)
}

/// True when a ZWJ/ZWNJ ends a word of a script that needs it (Malayalam chillu letters are
/// spelled consonant + virama + ZWJ, often at the end of a word): the joiner follows a letter or
/// mark of that script and no letter follows it.
pub fn ends_word_in_script(prev: char, next: Option<char>) -> bool {
    use unicode_script::UnicodeScript;
    JOINER_SCRIPTS.contains(&prev.script()) && next.is_none_or(|n| !n.is_alphanumeric())
}

/// Scripts written without spaces between words, where a zero-width space marks word breaks.
const UNSPACED_SCRIPTS: &[unicode_script::Script] = {
    use unicode_script::Script::*;
    &[
        Thai, Lao, Khmer, Myanmar, Tibetan, Han, Hiragana, Katakana, Javanese, Balinese, Tai_Tham,
    ]
};

/// True when a zero-width space separates two words of a script written without spaces.
pub fn breaks_unspaced_words(prev: char, next: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    let useful = |c: char| !matches!(c.script(), Script::Common | Script::Inherited);
    useful(prev)
        && useful(next)
        && UNSPACED_SCRIPTS.contains(&prev.script())
        && UNSPACED_SCRIPTS.contains(&next.script())
}

/// Letters of right-to-left scripts, next to which the weak direction marks (LRM, RLM, ALM) are
/// ordinary typography.
pub fn is_rtl_letter(c: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    matches!(
        c.script(),
        Script::Hebrew
            | Script::Arabic
            | Script::Syriac
            | Script::Thaana
            | Script::Nko
            | Script::Mandaic
    )
}

/// The weak direction marks (not embeddings, overrides or isolates, which reorder text).
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Variation selectors VS1–VS256.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that take part in emoji sequences (where ZWJ and VS15/VS16 are legitimate).
pub fn is_emoji_like(c: char) -> bool {
    matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}')
        || matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2300}'..='\u{23FF}'
        | '\u{2B00}'..='\u{2BFF}' | '\u{00A9}' | '\u{00AE}'
        | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}' | '\u{2194}'..='\u{21AA}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}' | '0'..='9' | '#' | '*' | '\u{20E3}')
}

/// The ASCII text a non-ASCII character imitates, if it imitates ASCII at all
/// (`−` U+2212 → `-`, Cyrillic `а` → `a`, fullwidth `ｒ` → `r`).
pub fn ascii_lookalike(c: char) -> Option<String> {
    if c.is_ascii() {
        return None;
    }
    if matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2043}'
                | '\u{02D7}'
                | '\u{2796}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{1680}'
    ) {
        return Some("-".to_string());
    }
    let nfkc: String = c.to_string().nfkc().collect();
    if nfkc.is_ascii() && !nfkc.trim().is_empty() {
        return Some(nfkc);
    }
    let sk: String = skeleton(&c.to_string()).collect();
    (sk.is_ascii() && !sk.trim().is_empty()).then_some(sk)
}

/// Normalise one character for the sanitized text: NFKC, dash lookalikes to `-`, and other
/// lookalikes to their ASCII reading when `letters` is set.
pub fn fold(c: char, letters: bool) -> String {
    let nfkc: String = c.to_string().nfkc().collect();
    match ascii_lookalike(c) {
        Some(a) if letters || a == "-" || nfkc == a => a,
        _ => nfkc,
    }
}

/// `U+0430 (Cyrillic, looks like "a")` — for explanations.
pub fn describe_char(c: char) -> String {
    let script = format!("{:?}", unicode_script::UnicodeScript::script(&c));
    match ascii_lookalike(c) {
        Some(a) => format!("U+{:04X} ({script}, looks like {a:?})", c as u32),
        None => format!("U+{:04X} ({script})", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalikes_fold_to_ascii_but_ordinary_text_does_not() {
        assert_eq!(ascii_lookalike('\u{2212}').as_deref(), Some("-"));
        assert_eq!(ascii_lookalike('\u{2014}').as_deref(), Some("-"));
        assert_eq!(ascii_lookalike('\u{0430}').as_deref(), Some("a"));
        assert_eq!(ascii_lookalike('\u{FF52}').as_deref(), Some("r"));
        assert_eq!(ascii_lookalike('é'), None);
        assert_eq!(ascii_lookalike('ü'), None);
        assert_eq!(ascii_lookalike('こ'), None);
        assert_eq!(ascii_lookalike('🚀'), None);
    }
}
