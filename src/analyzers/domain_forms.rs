//! The forms a domain is compared in (registrable part, public suffix, confusable skeleton of
//! ASCII, OCR fold, owner lookup): plain functions over `str` and the public-suffix list, shared
//! by the lookalike analyzer and `build.rs` (included by path), which precomputes them for the
//! popular-domain and domain-owner lists so a run does not.

/// The registrable domain (eTLD+1) of an ASCII host, or the host itself.
pub fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_string).unwrap_or(host)
}

/// The public suffix of an ASCII host.
pub fn suffix_of(host: &str) -> String {
    psl::suffix_str(host).unwrap_or("").to_string()
}

/// The first label of a domain.
pub fn first_label(domain: &str) -> &str {
    domain.split('.').next().unwrap_or(domain)
}

/// The UTS #39 skeleton of ASCII text, lowercased, without normalization tables: UTS #39 maps
/// only a few ASCII characters (`0`→`o`, `1`→`l`, `m`→`rn`, `|`→`l`, quotes); a test checks this
/// against the full algorithm for every printable ASCII character and every popular domain.
pub fn ascii_skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c.to_ascii_lowercase() {
            '0' => out.push('o'),
            '1' | '|' => out.push('l'),
            'm' => out.push_str("rn"),
            '"' => out.push_str("''"),
            '`' => out.push('\''),
            '%' => out.push_str("°/₀"),
            c => out.push(c),
        }
    }
    out
}

/// Fold characters that OCR and tired eyes confuse.
pub fn ocr_fold(s: &str) -> String {
    // One pass with the same result as replacing `rn`→m, `vv`→w, `cl`→d, then 1/|→l, 0→o.
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let pair = (b[i], b.get(i + 1).copied());
        let folded = match pair {
            (b'r', Some(b'n')) => Some('m'),
            (b'v', Some(b'v')) => Some('w'),
            (b'c', Some(b'l')) => Some('d'),
            _ => None,
        };
        if let Some(c) = folded {
            out.push(c);
            i += 2;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\0');
        match c {
            '1' | '|' => out.push('l'),
            '0' => out.push('o'),
            c => out.push(c),
        }
        i += c.len_utf8().max(1);
    }
    out
}

/// The key under which an organisation that runs its name under every country code
/// (`google.co.jp`, `amazon.de`) is listed in the owner table.
pub fn country_key(label: &str) -> String {
    format!("{label}.*cc*")
}

/// Which organisation (index) operates a registrable domain, given the owner table sorted by
/// domain (with [`country_key`] entries for organisations present in every country).
pub fn owner_in<S: AsRef<str>>(owners: &[(S, u16)], domain: &str) -> Option<u16> {
    let find = |key: &str| {
        owners
            .binary_search_by(|(d, _)| d.as_ref().cmp(key))
            .ok()
            .map(|i| owners[i].1)
    };
    find(domain).or_else(|| {
        let suffix = suffix_of(domain);
        let tld = suffix.rsplit('.').next().unwrap_or("");
        let country = tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_lowercase());
        if !country {
            return None;
        }
        find(&country_key(first_label(domain)))
    })
}
