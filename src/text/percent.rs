//! Percent-decoding (`%2F` → `/`) of URLs and `data:` URLs. Invalid escapes stay as typed;
//! bytes that do not form UTF-8 are replaced.

/// Decode `%XX` escapes.
pub fn decode(s: &str) -> String {
    decode_with(s, false)
}

/// Decode `%XX` escapes and `+` as a space (form encoding, query strings).
pub fn decode_form(s: &str) -> String {
    decode_with(s, true)
}

fn decode_with(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |k: usize| b.get(k).and_then(|c| (*c as char).to_digit(16));
            if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b[i] == b'+' {
            b' '
        } else {
            b[i]
        });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_invalid_ones_kept() {
        assert_eq!(decode("a%2Fb%2f%20c"), "a/b/ c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%aé"), "%aé");
        assert_eq!(decode("x%41"), "xA");
        assert_eq!(decode("a+b"), "a+b");
        assert_eq!(decode_form("a+b%21"), "a b!");
    }
}
