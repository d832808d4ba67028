//! Standard and URL-safe base64 decoding (padding optional, whitespace ignored).

/// Decode base64 text; `None` when it holds a character outside both alphabets.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let symbols = text
        .bytes()
        .take_while(|c| *c != b'=')
        .filter(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
        .map(|c| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        });
    pack_symbols(symbols, 6)
}

/// Pack symbols of `width` bits each (base64: 6, base32: 5) into bytes, dropping the leftover
/// bits; `None` as soon as a symbol is `None` (a character outside the alphabet).
pub fn pack_symbols(symbols: impl Iterator<Item = Option<u8>>, width: u32) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for v in symbols {
        acc = (acc << width) | u32::from(v?);
        bits += width;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_padded_unpadded_and_rejects_junk() {
        assert_eq!(super::decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(super::decode("aGVsbG8").unwrap(), b"hello");
        assert!(super::decode("a*b").is_none());
    }
}
