//! Domain reputation by shape: the shipped list of popular domains (`rules/popular-domains.txt`)
//! and the ways a host can imitate one — confusable skeletons, edit distance 1, OCR confusions,
//! hyphen and TLD swaps, and popular names used as a prefix of another domain.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use unicode_security::confusable_detection::skeleton;

/// The popular-domain list compiled into the binary.
const POPULAR_LIST: &str = include_str!("../../rules/popular-domains.txt");

/// Shorteners whose target is invisible until the request is made.
pub const SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "is.gd",
    "ow.ly",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "rb.gy",
    "tiny.cc",
    "t.ly",
    "s.id",
    "v.gd",
    "bl.ink",
    "short.io",
    "lnkd.in",
    "shorturl.com",
    "tinyurl.to",
];

/// One popular domain with the forms it is compared in, computed once.
struct Entry {
    domain: String,
    label: String,
    suffix: String,
    ocr: String,
    dotted_prefix: String,
    dashed: String,
}

/// Registrable domains of the popular list.
pub struct Popular {
    domains: HashSet<String>,
    by_skeleton: HashMap<String, String>,
    entries: Vec<Entry>,
}

/// The popular list, built on first use.
pub fn popular() -> &'static Popular {
    static P: OnceLock<Popular> = OnceLock::new();
    P.get_or_init(|| {
        // File order, not hash order: the first popular domain a host imitates must be the same
        // on every run (byte-identical output).
        let mut domains = HashSet::new();
        let mut ordered: Vec<String> = Vec::new();
        for line in POPULAR_LIST.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let reg = registrable(line);
            if domains.insert(reg.clone()) {
                ordered.push(reg);
            }
        }
        let mut by_skeleton: HashMap<String, String> = HashMap::new();
        for d in &ordered {
            by_skeleton
                .entry(skeleton_of(d))
                .or_insert_with(|| d.clone());
        }
        let entries = ordered
            .iter()
            .map(|d| Entry {
                domain: d.clone(),
                label: first_label(d).to_string(),
                suffix: suffix_of(d),
                ocr: ocr_fold(d),
                dotted_prefix: format!("{d}."),
                dashed: d.replace('.', "-"),
            })
            .collect();
        Popular {
            domains,
            by_skeleton,
            entries,
        }
    })
}

/// The registrable domain (eTLD+1) of an ASCII host, or the host itself.
pub fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_string).unwrap_or(host)
}

/// The public suffix of an ASCII host.
fn suffix_of(host: &str) -> String {
    psl::suffix_str(host).unwrap_or("").to_string()
}

fn first_label(domain: &str) -> &str {
    domain.split('.').next().unwrap_or(domain)
}

/// UTS #39 skeleton, lowercased.
pub fn skeleton_of(s: &str) -> String {
    if s.is_ascii() {
        return ascii_skeleton(s);
    }
    skeleton(&s.to_lowercase())
        .collect::<String>()
        .to_lowercase()
}

/// The skeleton of ASCII text without normalization tables: UTS #39 maps only a few ASCII
/// characters (`0`→`o`, `1`→`l`, `m`→`rn`, `|`→`l`, quotes); a test checks this against the full
/// algorithm for every printable ASCII character and every popular domain.
fn ascii_skeleton(s: &str) -> String {
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

/// Which organisation operates a registrable domain (`rules/domain-owners.toml`).
fn owner_of(domain: &str) -> Option<usize> {
    static OWNERS: OnceLock<HashMap<String, usize>> = OnceLock::new();
    OWNERS
        .get_or_init(|| {
            #[derive(serde::Deserialize)]
            struct File {
                owner: Vec<Group>,
            }
            #[derive(serde::Deserialize)]
            struct Group {
                #[allow(dead_code)]
                name: String,
                domains: Vec<String>,
                #[serde(default)]
                country_domains: bool,
            }
            let file: File = serde_json::from_str(include_str!(concat!(
                env!("OUT_DIR"),
                "/rules-json/domain-owners.json"
            )))
            .expect("rules/domain-owners.toml is valid");
            let mut map = HashMap::new();
            for (i, g) in file.owner.iter().enumerate() {
                for d in &g.domains {
                    map.entry(registrable(d)).or_insert(i);
                    if g.country_domains {
                        // Looked up as `NAME.*cc*` below.
                        map.entry(format!("{}.*cc*", first_label(&registrable(d))))
                            .or_insert(i);
                    }
                }
            }
            map
        })
        .get(domain)
        .copied()
        .or_else(|| {
            // google.co.jp, amazon.de: a brand that runs a domain in every country.
            let suffix = suffix_of(domain);
            let country = suffix
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_lowercase()));
            if !country {
                return None;
            }
            OWNERS
                .get()?
                .get(&format!("{}.*cc*", first_label(domain)))
                .copied()
        })
}

/// Names under suffixes that only resolve inside a network (RFC 6762, RFC 8375, RFC 6761, common
/// private conventions): they cannot be registered by anyone to imitate a brand.
fn internal_name(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let last = host.rsplit('.').next().unwrap_or(host);
    matches!(
        last,
        "internal"
            | "local"
            | "lan"
            | "localhost"
            | "localdomain"
            | "corp"
            | "home"
            | "intranet"
            | "private"
    ) || host.ends_with(".home.arpa")
}

/// True when both registrable domains belong to the same organisation.
fn same_owner(a: &str, b: &str) -> bool {
    owner_of(a).is_some_and(|o| owner_of(b) == Some(o))
}

/// How a host imitates a popular domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imitation {
    /// Same skeleton (a homograph).
    Homograph(String),
    /// A near-miss spelling; the string says which kind.
    NearMiss(String, &'static str),
    /// A popular domain used as the leading labels of another domain.
    Prefix(String),
}

impl Popular {
    /// Is this registrable domain itself popular?
    pub fn contains(&self, registrable: &str) -> bool {
        self.domains.contains(registrable)
    }

    /// Which popular domain (if any) does `ascii_host` imitate? `unicode_host` is its display form.
    pub fn imitation(&self, ascii_host: &str, unicode_host: &str) -> Option<Imitation> {
        if internal_name(ascii_host) {
            return None;
        }
        let reg = registrable(ascii_host);
        if self.contains(&reg) {
            return None;
        }
        // Homograph: the displayed host (or its registrable part) has a popular skeleton.
        let uni_reg = unicode_registrable(unicode_host, ascii_host, &reg);
        if let Some(d) = self
            .by_skeleton
            .get(&skeleton_of(&uni_reg))
            .filter(|d| !same_owner(&reg, d))
        {
            // An all-ASCII skeleton match (rnicrosoft.com) is a look-alike spelling, not Unicode.
            return Some(if uni_reg.is_ascii() {
                Imitation::NearMiss(d.clone(), "a look-alike spelling (rn/m, 1/l, 0/o, vv/w)")
            } else {
                Imitation::Homograph(d.clone())
            });
        }
        let lower = ascii_host.to_ascii_lowercase();
        let label = first_label(&reg);
        let suffix = suffix_of(&reg);
        let ocr = ocr_fold(&reg);
        for e in &self.entries {
            // The organisation's own other domains (google.dev, ollama.ai) imitate nothing.
            if same_owner(&reg, &e.domain) {
                continue;
            }
            // A popular domain as the leading labels: github.com.evil.net, github-com-x.net
            if lower.starts_with(&e.dotted_prefix)
                || (lower.starts_with(&e.dashed) && lower[e.dashed.len()..].starts_with('-'))
            {
                return Some(Imitation::Prefix(e.domain.clone()));
            }
            if label == e.dashed {
                return Some(Imitation::NearMiss(
                    e.domain.clone(),
                    "the trusted name with a hyphen for the dot",
                ));
            }
            if e.domain.len() >= 7 && one_edit_apart(&reg, &e.domain) {
                return Some(Imitation::NearMiss(e.domain.clone(), "one character away"));
            }
            if ocr == e.ocr {
                return Some(Imitation::NearMiss(
                    e.domain.clone(),
                    "a look-alike spelling (rn/m, 1/l, 0/o, vv/w)",
                ));
            }
            if label.contains('-') && label.replace('-', "") == e.label && e.suffix == suffix {
                return Some(Imitation::NearMiss(
                    e.domain.clone(),
                    "the same name with a hyphen",
                ));
            }
            // A project page on a hosting platform's own suffix (rust-lang.github.io,
            // google.github.io, foo.netlify.app) is named after its owner, not a TLD swap.
            if label == e.label && e.label.len() >= 4 && e.suffix != suffix && !private_suffix(&reg)
            {
                return Some(Imitation::NearMiss(
                    e.domain.clone(),
                    "the same name under another TLD",
                ));
            }
        }
        None
    }
}

/// Is the public suffix of `reg` a private (platform-operated) one, like `github.io`?
fn private_suffix(reg: &str) -> bool {
    psl::suffix(reg.as_bytes()).is_some_and(|s| s.typ() == Some(psl::Type::Private))
}

/// The registrable part of the Unicode form (same number of labels as the ASCII registrable).
fn unicode_registrable(unicode_host: &str, ascii_host: &str, reg: &str) -> String {
    let n = reg.split('.').count();
    let labels: Vec<&str> = unicode_host.split('.').collect();
    if labels.len() != ascii_host.split('.').count() || labels.len() < n {
        return unicode_host.to_string();
    }
    labels[labels.len() - n..].join(".")
}

/// Fold characters that OCR and tired eyes confuse.
fn ocr_fold(s: &str) -> String {
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

/// True when `a` and `b` differ by exactly one edit: a substitution, an insertion or deletion,
/// or a swap of two adjacent characters (Damerau–Levenshtein distance 1). Linear, no allocation.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let i = short
        .iter()
        .zip(long.iter())
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    if short.len() != long.len() {
        return short[i..] == long[i + 1..];
    }
    let substituted = short[i + 1..] == long[i + 1..];
    let swapped = i + 1 < short.len()
        && short[i] == long[i + 1]
        && short[i + 1] == long[i]
        && short[i + 2..] == long[i + 2..];
    substituted || swapped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_large_enough_and_exact_names_pass() {
        let p = popular();
        assert!(p.domains.len() >= 300, "{}", p.domains.len());
        assert_eq!(p.imitation("github.com", "github.com"), None);
        assert_eq!(p.imitation("api.github.com", "api.github.com"), None);
        assert_eq!(p.imitation("example.com", "example.com"), None);
    }

    #[test]
    fn imitations_are_named() {
        let p = popular();
        assert!(
            matches!(p.imitation("githb.com", "githb.com"), Some(Imitation::NearMiss(d, _)) if d == "github.com")
        );
        assert!(
            matches!(p.imitation("github.com.evil.net", "github.com.evil.net"), Some(Imitation::Prefix(d)) if d == "github.com")
        );
        assert!(
            matches!(p.imitation("rnicrosoft.com", "rnicrosoft.com"), Some(Imitation::NearMiss(d, _)) if d == "microsoft.com")
        );
        assert!(matches!(
            p.imitation("git-hub.com", "git-hub.com"),
            Some(Imitation::NearMiss(..))
        ));
        assert!(
            matches!(p.imitation("xn--gthub-n4a.com", "gіthub.com"), Some(Imitation::Homograph(d)) if d == "github.com")
        );
    }

    #[test]
    fn fast_skeleton_and_ocr_fold_agree_with_the_full_forms() {
        let slow_skeleton = |s: &str| {
            skeleton(&s.to_lowercase())
                .collect::<String>()
                .to_lowercase()
        };
        let slow_ocr = |s: &str| {
            s.replace("rn", "m")
                .replace("vv", "w")
                .replace("cl", "d")
                .replace('1', "l")
                .replace('0', "o")
                .replace('|', "l")
        };
        for b in 0x20u8..0x7f {
            let c = (b as char).to_string();
            assert_eq!(ascii_skeleton(&c), slow_skeleton(&c), "{c:?}");
        }
        let mut samples: Vec<String> = POPULAR_LIST
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        samples.extend(
            [
                "rnicrosoft.com",
                "paypa1.com",
                "g00gle.com",
                "vvikipedia.org",
                "clocker.io",
                "mrnm",
                "rnn",
                "vvv",
                "ccl",
                "a|b",
            ]
            .map(String::from),
        );
        for d in &samples {
            assert_eq!(ascii_skeleton(d), slow_skeleton(d), "{d}");
            assert_eq!(ocr_fold(d), slow_ocr(d), "{d}");
        }
    }

    #[test]
    fn one_edit_covers_swaps_insertions_and_substitutions() {
        assert!(one_edit_apart("gihtub.com", "github.com"));
        assert!(one_edit_apart("githb.com", "github.com"));
        assert!(one_edit_apart("githubb.com", "github.com"));
        assert!(one_edit_apart("guthub.com", "github.com"));
        assert!(!one_edit_apart("gitlab.com", "github.com"));
        assert!(!one_edit_apart("github.com", "github.com"));
    }
}
