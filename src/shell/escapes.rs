//! Decoding of the quoting forms bash resolves before a word reaches a program.

/// Decode the body of an ANSI-C string `$'…'` (without the `$'` and `'`).
pub fn decode_ansi_c(body: &str) -> String {
    let b = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let e = b[i + 1];
        i += 2;
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'e' | b'E' => out.push(0x1b),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'\\' | b'\'' | b'"' | b'?' => out.push(e),
            b'0'..=b'7' => {
                let mut v: u32 = (e - b'0') as u32;
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + (b[i] - b'0') as u32;
                    i += 1;
                    n += 1;
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let (v, used) = hex_value(&b[i..], 2);
                if used == 0 {
                    out.extend_from_slice(b"\\x");
                } else {
                    out.push(v as u8);
                    i += used;
                }
            }
            b'u' | b'U' => {
                let max = if e == b'u' { 4 } else { 8 };
                let (v, used) = hex_value(&b[i..], max);
                match char::from_u32(v).filter(|_| used > 0) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += used;
                    }
                    None => {
                        out.push(b'\\');
                        out.push(e);
                    }
                }
            }
            b'c' if i < b.len() => {
                out.push(b[i] & 0x1f);
                i += 1;
            }
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    // Bash keeps words as C strings: an escaped NUL (`$'rm\0junk'`) ends the string.
    if let Some(nul) = out.iter().position(|&c| c == 0) {
        out.truncate(nul);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parse up to `max` hex digits; returns the value and how many digits were used.
fn hex_value(b: &[u8], max: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut used = 0;
    while used < max && used < b.len() {
        match (b[used] as char).to_digit(16) {
            Some(d) => v = v * 16 + d,
            None => break,
        }
        used += 1;
    }
    (v, used)
}

/// Remove backslash escapes from unquoted shell text (`\r` → `r`, `\\` → `\`).
pub fn unescape_unquoted(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Remove the backslash escapes that are special inside double quotes (`\$ \` \" \\ \⏎`).
pub fn unescape_double_quoted(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => out.push(chars.next().unwrap_or('\\')),
                Some('\n') => {
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_hex_octal_unicode() {
        assert_eq!(decode_ansi_c(r"\x72\x6d"), "rm");
        assert_eq!(decode_ansi_c(r"\162\155"), "rm");
        assert_eq!(decode_ansi_c(r"\u0072m"), "rm");
        assert_eq!(decode_ansi_c(r"\U0000002f"), "/");
        assert_eq!(decode_ansi_c(r"a\tb\'"), "a\tb'");
    }

    #[test]
    fn an_escaped_nul_ends_the_string() {
        assert_eq!(decode_ansi_c(r"rm\0junk"), "rm");
        assert_eq!(decode_ansi_c(r"\x72\x6d\x00zz"), "rm");
        assert_eq!(decode_ansi_c(r"\u0000x"), "");
        assert_eq!(decode_ansi_c(r"a\1b"), "a\u{1}b");
    }

    #[test]
    fn backslash_removal() {
        assert_eq!(unescape_unquoted(r"\rm"), "rm");
        assert_eq!(unescape_unquoted(r"a\ b\\"), "a b\\");
        assert_eq!(unescape_double_quoted(r#"a\$b\"c\n"#), "a$b\"c\\n");
    }
}
