//! Typosquats: a requested name that is not itself popular but sits one edit (two for long names)
//! from a popular one, differs only in separators, or wraps it in a squatting prefix or suffix.

use super::Ecosystem;
use crate::analyzers::domains::one_edit_apart;
use std::collections::HashMap;
use std::sync::OnceLock;

const PYPI: &str = include_str!("../../rules/popular-pypi.txt");
const NPM: &str = include_str!("../../rules/popular-npm.txt");
const CRATES: &str = include_str!("../../rules/popular-crates.txt");

/// How many of the most popular names are squatting targets (all listed names count as known).
const TARGETS: usize = 3000;

struct Popular {
    /// Every listed name (normalized) → rank.
    known: HashMap<String, usize>,
    /// The most popular names, in rank order.
    targets: Vec<String>,
}

fn list(eco: Ecosystem) -> Option<&'static Popular> {
    static PY: OnceLock<Popular> = OnceLock::new();
    static NP: OnceLock<Popular> = OnceLock::new();
    static CR: OnceLock<Popular> = OnceLock::new();
    let (cell, text) = match eco {
        Ecosystem::Pypi => (&PY, PYPI),
        Ecosystem::Npm => (&NP, NPM),
        Ecosystem::Crates => (&CR, CRATES),
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        let names: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| eco.normalize(l))
            .collect();
        let known = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let targets = names.into_iter().take(TARGETS).collect();
        Popular { known, targets }
    }))
}

/// Is this name on the popular list?
pub fn is_popular(eco: Ecosystem, name: &str) -> bool {
    list(eco).is_some_and(|p| p.known.contains_key(&eco.normalize(name)))
}

const PREFIXES: &[&str] = &[
    "python-", "python3-", "py-", "py", "node-", "js-", "lib", "rust-",
];
const SUFFIXES: &[&str] = &[
    "-python", "-py", "py", "-js", "js", "-dev", "-lib", "-node", "-rs", "2", "3",
];

/// The popular name `name` imitates, and how.
pub fn imitates(eco: Ecosystem, name: &str) -> Option<(String, &'static str)> {
    let p = list(eco)?;
    let n = eco.normalize(name);
    if n.starts_with('@') || p.known.contains_key(&n) || n.len() < 4 {
        return None;
    }
    let squash = |s: &str| s.replace(['-', '_', '.'], "");
    for t in &p.targets {
        if t.len() < 4 || t.starts_with('@') {
            continue;
        }
        if one_edit_apart(&n, t) {
            return Some((t.clone(), "one character away"));
        }
        if n.len() >= 10 && t.len() >= 10 && within_two(&n, t) {
            return Some((t.clone(), "two characters away"));
        }
        if squash(&n) == squash(t) {
            return Some((t.clone(), "the same name with different separators"));
        }
        if PREFIXES
            .iter()
            .any(|pre| n.strip_prefix(pre) == Some(t.as_str()))
            || SUFFIXES
                .iter()
                .any(|suf| n.strip_suffix(suf) == Some(t.as_str()))
        {
            return Some((
                t.clone(),
                "the popular name with a squatting prefix or suffix",
            ));
        }
    }
    None
}

/// Edit distance (with adjacent swaps) at most 2, cheaply.
fn within_two(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
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
    d[a.len()][b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squats_flagged_popular_names_not() {
        assert_eq!(
            imitates(Ecosystem::Pypi, "reqeusts")
                .map(|x| x.0)
                .as_deref(),
            Some("requests")
        );
        assert_eq!(
            imitates(Ecosystem::Npm, "expresss").map(|x| x.0).as_deref(),
            Some("express")
        );
        assert_eq!(
            imitates(Ecosystem::Npm, "lodahs").map(|x| x.0).as_deref(),
            Some("lodash")
        );
        assert_eq!(
            imitates(Ecosystem::Crates, "rustdecimal")
                .map(|x| x.0)
                .as_deref(),
            Some("rust-decimal")
        );
        assert_eq!(imitates(Ecosystem::Pypi, "requests"), None);
        assert_eq!(imitates(Ecosystem::Npm, "express"), None);
        assert_eq!(imitates(Ecosystem::Crates, "serde"), None);
        assert_eq!(
            imitates(Ecosystem::Pypi, "python_dateutil"),
            None,
            "PEP 503: same project"
        );
    }
}
