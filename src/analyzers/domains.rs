//! Domain reputation by shape: the shipped list of popular domains (`rules/popular-domains.txt`)
//! and the ways a host can imitate one — confusable skeletons, edit distance 1, OCR confusions,
//! hyphen and TLD swaps, and popular names used as a prefix of another domain.

use std::collections::HashSet;
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

/// Registrable domains of the popular list.
pub struct Popular {
    domains: HashSet<String>,
    /// (registrable domain, its confusable skeleton, its label without the suffix)
    entries: Vec<(String, String, String)>,
}

/// The popular list, built on first use.
pub fn popular() -> &'static Popular {
    static P: OnceLock<Popular> = OnceLock::new();
    P.get_or_init(|| {
        let mut domains = HashSet::new();
        for line in POPULAR_LIST.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            domains.insert(registrable(line));
        }
        let entries = domains
            .iter()
            .map(|d| (d.clone(), skeleton_of(d), first_label(d).to_string()))
            .collect();
        Popular { domains, entries }
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
    skeleton(&s.to_lowercase())
        .collect::<String>()
        .to_lowercase()
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
        let reg = registrable(ascii_host);
        if self.contains(&reg) {
            return None;
        }
        // Homograph: the displayed host (or its registrable part) has a popular skeleton.
        let uni_reg = unicode_registrable(unicode_host, ascii_host, &reg);
        let sk = skeleton_of(&uni_reg);
        if let Some((d, _, _)) = self.entries.iter().find(|(_, s, _)| *s == sk) {
            // An all-ASCII skeleton match (rnicrosoft.com) is a look-alike spelling, not Unicode.
            return Some(if uni_reg.is_ascii() {
                Imitation::NearMiss(d.clone(), "a look-alike spelling (rn/m, 1/l, 0/o, vv/w)")
            } else {
                Imitation::Homograph(d.clone())
            });
        }
        // A popular domain as the leading labels: github.com.evil.net
        let lower = ascii_host.to_ascii_lowercase();
        for (d, _, _) in &self.entries {
            if lower.starts_with(&format!("{d}."))
                || lower.starts_with(&format!("{}-", d.replace('.', "-")))
            {
                return Some(Imitation::Prefix(d.clone()));
            }
        }
        let label = first_label(&reg);
        let suffix = suffix_of(&reg);
        for (d, _, dlabel) in &self.entries {
            if d.len() >= 7 && damerau_levenshtein(&reg, d) == 1 {
                return Some(Imitation::NearMiss(d.clone(), "one character away"));
            }
            if ocr_fold(&reg) == ocr_fold(d) {
                return Some(Imitation::NearMiss(
                    d.clone(),
                    "a look-alike spelling (rn/m, 1/l, 0/o, vv/w)",
                ));
            }
            if label == d.replace('.', "-") {
                return Some(Imitation::NearMiss(
                    d.clone(),
                    "the trusted name with a hyphen for the dot",
                ));
            }
            if label.replace('-', "") == *dlabel && label.contains('-') && suffix_of(d) == suffix {
                return Some(Imitation::NearMiss(
                    d.clone(),
                    "the same name with a hyphen",
                ));
            }
            if label == dlabel && dlabel.len() >= 4 && suffix_of(d) != suffix {
                return Some(Imitation::NearMiss(
                    d.clone(),
                    "the same name under another TLD",
                ));
            }
        }
        None
    }
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
    s.replace("rn", "m")
        .replace("vv", "w")
        .replace("cl", "d")
        .replace('1', "l")
        .replace('0', "o")
        .replace('|', "l")
}

/// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions).
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return 3;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
    fn transpositions_count_once() {
        assert_eq!(damerau_levenshtein("gihtub.com", "github.com"), 1);
        assert_eq!(damerau_levenshtein("gitlab.com", "github.com"), 2);
    }
}
