//! Typosquats: a requested name that is not itself popular but sits one edit (two for long names)
//! from a popular one, differs only in separators, or wraps it in a squatting prefix or suffix.

use super::names;
use super::Ecosystem;
use crate::analyzers::domain_forms::ocr_fold;
use crate::analyzers::domains::one_edit_apart;

include!(concat!(env!("OUT_DIR"), "/popular_tables.rs"));

/// One ecosystem's popular names, as tables generated at build time from
/// `rules/popular-*.txt` (nothing is built at run time).
struct Popular {
    /// Canonical name → rank, sorted by name.
    known: &'static [(&'static str, u32)],
    /// The most popular names, in rank order.
    targets: &'static [&'static str],
    /// Squatting targets by byte length: ranks, ascending.
    by_len: &'static [(usize, &'static [u32])],
    /// Squatting targets with separators removed → lowest rank, sorted.
    squashed: &'static [(&'static str, u32)],
    /// Squatting target → its rank among the targets, sorted by name.
    target_index: &'static [(&'static str, u32)],
    /// [`letter_set`] of each target, built on first use.
    letter_sets: std::sync::OnceLock<Vec<u64>>,
}

fn find(table: &[(&str, u32)], key: &str) -> Option<usize> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1 as usize)
}

impl Popular {
    fn rank(&self, name: &str) -> Option<usize> {
        find(self.known, name)
    }

    /// The rank of `name` among the squatting targets.
    fn target_rank(&self, name: &str) -> Option<usize> {
        find(self.target_index, name)
    }

    /// [`letter_set`] of every target, by rank (computed once).
    fn letter_sets(&self) -> &[u64] {
        self.letter_sets
            .get_or_init(|| self.targets.iter().map(|t| letter_set(t)).collect())
    }

    fn of_len(&self, len: usize) -> &'static [u32] {
        self.by_len
            .binary_search_by(|(l, _)| l.cmp(&len))
            .map(|i| self.by_len[i].1)
            .unwrap_or(&[])
    }
}

fn is_target(t: &str) -> bool {
    names::is_squat_target(t)
}

fn squash(s: &str) -> String {
    names::squash(s)
}

fn list(eco: Ecosystem) -> Option<&'static Popular> {
    static PY: Popular = Popular {
        known: PYPI_KNOWN,
        targets: PYPI_TARGETS,
        by_len: PYPI_BY_LEN,
        squashed: PYPI_SQUASHED,
        target_index: PYPI_TARGET_INDEX,
        letter_sets: std::sync::OnceLock::new(),
    };
    static NP: Popular = Popular {
        known: NPM_KNOWN,
        targets: NPM_TARGETS,
        by_len: NPM_BY_LEN,
        squashed: NPM_SQUASHED,
        target_index: NPM_TARGET_INDEX,
        letter_sets: std::sync::OnceLock::new(),
    };
    static CR: Popular = Popular {
        known: CRATES_KNOWN,
        targets: CRATES_TARGETS,
        by_len: CRATES_BY_LEN,
        squashed: CRATES_SQUASHED,
        target_index: CRATES_TARGET_INDEX,
        letter_sets: std::sync::OnceLock::new(),
    };
    static RB: Popular = Popular {
        known: RUBYGEMS_KNOWN,
        targets: RUBYGEMS_TARGETS,
        by_len: RUBYGEMS_BY_LEN,
        squashed: RUBYGEMS_SQUASHED,
        target_index: RUBYGEMS_TARGET_INDEX,
        letter_sets: std::sync::OnceLock::new(),
    };
    static PK: Popular = Popular {
        known: PACKAGIST_KNOWN,
        targets: PACKAGIST_TARGETS,
        by_len: PACKAGIST_BY_LEN,
        squashed: PACKAGIST_SQUASHED,
        target_index: PACKAGIST_TARGET_INDEX,
        letter_sets: std::sync::OnceLock::new(),
    };
    match eco {
        Ecosystem::Pypi => Some(&PY),
        Ecosystem::Npm => Some(&NP),
        Ecosystem::Crates => Some(&CR),
        Ecosystem::RubyGems => Some(&RB),
        Ecosystem::Packagist => Some(&PK),
        Ecosystem::Go => None,
    }
}

/// Is this name on the popular list?
pub fn is_popular(eco: Ecosystem, name: &str) -> bool {
    if eco == Ecosystem::Go {
        let root = module_root(name);
        return go_modules().any(|m| m.eq_ignore_ascii_case(&root));
    }
    list(eco).is_some_and(|p| p.rank(&eco.normalize(name)).is_some())
}

const PREFIXES: &[&str] = &[
    "python-", "python3-", "py-", "py", "node-", "js-", "lib", "rust-",
];
const SUFFIXES: &[&str] = &[
    "-python", "-py", "py", "-js", "js", ".js", "-dev", "-lib", "-node", "-rs", "2", "3",
];

/// Ways a name imitates a target, in the order they are reported for the same target.
const HOW: [&str; 6] = [
    "one character away",
    "two characters away",
    "the same name with different separators",
    "the name with a squatting prefix or suffix",
    "the name with look-alike letters (rn for m, 0 for o, 1 for l)",
    "the name spelled with characters from another script",
];

/// The typosquat finding's text for `name`, when it is not popular itself and imitates a popular
/// name: `expresss imitates the popular npm package express (one character away)`.
pub fn describe(eco: Ecosystem, name: &str) -> Option<String> {
    if is_popular(eco, name) {
        return None;
    }
    let (target, how) = imitates(eco, name)?;
    Some(format!(
        "{name} imitates the popular {} package {target} ({how})",
        eco.as_str()
    ))
}

/// How `n` imitates the target `t` by edits: one edit ([`HOW`] 0) or, for long names, two (1).
/// A three-letter target is imitated only by doubling one of its letters (`vuee`); a scoped npm
/// name is compared with scoped targets only, and within one scope only when the target's own
/// name has four or more characters (`@types/nodee`, not `@types/jws` for `@types/ws`).
fn edit_how(n: &str, t: &str, differ: u32) -> Option<usize> {
    if n.starts_with('@') != t.starts_with('@') {
        return None;
    }
    // Only the owner of a scope (npm `@aws-sdk/`) or vendor (Packagist `laravel/`) publishes
    // under it: a neighbour inside the same one is that owner's own package.
    if let (Some((ns, _)), Some((ts, _))) = (n.split_once('/'), t.split_once('/')) {
        if ns == ts {
            return None;
        }
    }
    if t.len() <= 4 {
        // Short names have real neighbours at every substitution (`libm`/`libc`, `vike`/`vite`):
        // only a doubled letter (`vuee`) or two swapped ones (`exrpess` style) imitates them.
        let doubled = n.len() == t.len() + 1
            && n.as_bytes().windows(2).any(|w| w[0] == w[1])
            && (0..n.len()).any(|i| {
                n.is_char_boundary(i)
                    && n.is_char_boundary(i + 1)
                    && n[..i].to_string() + &n[i + 1..] == t
            });
        let swapped = n.len() == t.len() && one_edit_apart(n, t) && {
            let d: Vec<usize> = (0..n.len())
                .filter(|&i| n.as_bytes()[i] != t.as_bytes()[i])
                .collect();
            d.len() == 2
        };
        return (doubled || swapped).then_some(0);
    }
    if differ <= 2 && one_edit_apart(n, t) {
        Some(0)
    } else if n.len() >= 10 && t.len() >= 10 && within_two(n, t) {
        Some(1)
    } else {
        None
    }
}

/// Does `n` contain, as a separate word, another popular package name (a squatting target
/// itself) that `t` does not (`preact-router` next to `react-router`: `preact` is a real,
/// popular name, not a typo; `python-dateutils` still imitates `python-dateutil`)?
fn other_known_word(p: &Popular, n: &str, t: &str) -> bool {
    // Only the package's own name (a scope typo is judged by the scope).
    let words = |s: &str| -> Vec<String> {
        s.rsplit('/')
            .next()
            .unwrap_or(s)
            .split(['-', '_', '.'])
            .map(str::to_string)
            .collect()
    };
    let target_words = words(t);
    words(n)
        .iter()
        .any(|w| w.len() >= 4 && !target_words.contains(w) && p.target_rank(w).is_some())
}

/// The popular Go module roots (`host/owner/repo`).
fn go_modules() -> impl Iterator<Item = &'static str> {
    include_str!("../../rules/popular-go.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

/// The `host/owner/repo` root of a Go module or package path (a `@version` dropped).
fn module_root(path: &str) -> String {
    let path = path.split('@').next().unwrap_or(path);
    path.split('/').take(3).collect::<Vec<_>>().join("/")
}

/// A Go module whose owner imitates the owner of a popular module with the same repository
/// name: one edit away, different separators, or with a `-go`/`go-`/`-golang` affix
/// (`github.com/boltdb-go/bolt` for `github.com/boltdb/bolt`). Only the owner is compared: a
/// mistyped repository under the real owner can only be published by that owner.
fn imitates_module(path: &str) -> Option<(String, &'static str)> {
    let root = module_root(path).to_ascii_lowercase();
    let mut parts = root.split('/');
    let (host, owner, repo) = (parts.next()?, parts.next()?, parts.next()?);
    for m in go_modules() {
        let lower = m.to_ascii_lowercase();
        let mut tp = lower.split('/');
        let (th, to, tr) = (tp.next()?, tp.next()?, tp.next()?);
        if th != host || tr != repo || to == owner {
            continue;
        }
        let affixed = ["-go", "go-", "-golang", "golang-", "-dev", "-io"]
            .iter()
            .any(|a| owner.strip_suffix(a) == Some(to) || owner.strip_prefix(a) == Some(to));
        let how = if one_edit_apart(owner, to) {
            Some(0)
        } else if squash(owner) == squash(to) {
            Some(2)
        } else if affixed {
            Some(3)
        } else {
            None
        };
        if let Some(how) = how {
            return Some((m.to_string(), HOW[how]));
        }
    }
    None
}

/// The popular name `name` imitates, and how: the most popular target it imitates in any way,
/// by the first way in [`HOW`]. Indexed by length, separators and affixes, so a command with tens
/// of thousands of packages is vetted in well under a second.
pub fn imitates(eco: Ecosystem, name: &str) -> Option<(String, &'static str)> {
    if eco == Ecosystem::Go {
        return imitates_module(name);
    }
    let p = list(eco)?;
    let n = eco.normalize(name);
    if p.rank(&n).is_some() || n.len() < 4 {
        return None;
    }
    if !n.is_ascii() {
        // `rеquests` with a Cyrillic `е`: no registry accepts it, and a reader sees `requests`.
        let folded: String = n
            .chars()
            .map(|c| crate::text::ascii_lookalike(c).unwrap_or_else(|| c.to_string()))
            .collect();
        let folded = eco.normalize(&folded);
        return (folded != n && p.rank(&folded).is_some()).then(|| (folded, HOW[5]));
    }
    let letters = letter_set(&n);
    let masks = p.letter_sets();
    let mut best: Option<(usize, usize)> = None;
    let mut consider = |rank: usize, how: usize| {
        if best.is_none_or(|b| (rank, how) < b) {
            best = Some((rank, how));
        }
    };
    for len in n.len().saturating_sub(2)..=n.len() + 2 {
        for &rank in p.of_len(len) {
            let rank = rank as usize;
            let differ = (letters ^ masks[rank]).count_ones();
            if differ > 4 {
                continue;
            }
            if let Some(how) = edit_how(&n, p.targets[rank], differ) {
                if !other_known_word(p, &n, p.targets[rank]) {
                    consider(rank, how);
                }
            }
        }
    }
    if let Some(rank) = find(p.squashed, &squash(&n)) {
        consider(rank, 2);
    }
    let affixed = PREFIXES
        .iter()
        .filter_map(|pre| n.strip_prefix(pre))
        .chain(SUFFIXES.iter().filter_map(|suf| n.strip_suffix(suf)));
    for bare in affixed {
        // `crossenv2`: a suffix on the popular name with its separators dropped.
        let rank = p
            .target_rank(bare)
            .or_else(|| find(p.squashed, &squash(bare)));
        if let Some(rank) = rank {
            if bare.len() >= 4 && is_target(p.targets[rank]) {
                consider(rank, 3);
            }
        }
    }
    let ocr = ocr_fold(&n);
    if ocr != n {
        if let Some(rank) = p.target_rank(&ocr) {
            consider(rank, 4);
        }
    }
    best.map(|(rank, how)| (p.targets[rank].to_string(), HOW[how]))
}

/// The characters an ASCII name uses, as a bit set (letters and digits each their own bit, other
/// bytes sharing some). Names one edit apart differ in at most two of them and names two edits
/// apart in at most four (a substitution drops one character and adds another), so comparing the
/// sets rules out almost every pair before the edit distance is computed.
fn letter_set(s: &str) -> u64 {
    s.bytes().fold(0, |set, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'A'..=b'Z' => b - b'A',
            b'0'..=b'9' => 26 + b - b'0',
            b'-' => 36,
            b'_' => 37,
            b'.' => 38,
            _ => 39 + b % 24,
        };
        set | 1 << bit
    })
}

/// Longest name [`within_two`] compares (package names are far shorter; longer ones are not
/// compared at all).
const MAX_COMPARED_CHARS: usize = 64;

/// Edit distance (with adjacent swaps) at most 2, cheaply: three rolling rows on the stack, and
/// an early "no" as soon as a whole row is past 2 (most pairs of names differ in the first few
/// characters, so tens of thousands of names are vetted against the list in well under a second).
fn within_two(a: &str, b: &str) -> bool {
    let mut ac = ['\0'; MAX_COMPARED_CHARS];
    let mut bc = ['\0'; MAX_COMPARED_CHARS];
    let (Some(la), Some(lb)) = (fill(&mut ac, a), fill(&mut bc, b)) else {
        return false;
    };
    let (a, b) = (&ac[..la], &bc[..lb]);
    if la.abs_diff(lb) > 2 {
        return false;
    }
    // Row i of the Damerau-Levenshtein table, and the two before it.
    let mut rows = [[0u8; MAX_COMPARED_CHARS + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(lb + 1) {
        *cell = j as u8;
    }
    for i in 1..=la {
        let [before, prev, cur] = {
            let [r0, r1, r2] = &mut rows;
            // Rotate: `cur` is row i, `prev` row i-1, `before` row i-2.
            match i % 3 {
                0 => [r1, r2, r0],
                1 => [r2, r0, r1],
                _ => [r0, r1, r2],
            }
        };
        cur[0] = i as u8;
        let mut row_min = cur[0];
        for j in 1..=lb {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > 2 {
            return false;
        }
    }
    rows[la % 3][lb] <= 2
}

/// Copy the characters of `s` into `buf`: how many, or None when they do not fit.
fn fill(buf: &mut [char; MAX_COMPARED_CHARS], s: &str) -> Option<usize> {
    let mut n = 0;
    for c in s.chars() {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexed search answers exactly what a scan of every target in rank order answers.
    fn imitates_by_scan(eco: Ecosystem, name: &str) -> Option<(String, &'static str)> {
        let p = list(eco)?;
        let n = eco.normalize(name);
        if p.rank(&n).is_some() || n.len() < 4 {
            return None;
        }
        for t in p.targets.iter().filter(|t| is_target(t)) {
            if let Some(how) = edit_how(&n, t, 0).filter(|_| !other_known_word(p, &n, t)) {
                return Some((t.to_string(), HOW[how]));
            }
            if squash(&n) == squash(t) {
                return Some((t.to_string(), HOW[2]));
            }
            let affixed = |bare: &str| bare.len() >= 4 && (bare == *t || squash(bare) == squash(t));
            if PREFIXES
                .iter()
                .filter_map(|pre| n.strip_prefix(pre))
                .any(affixed)
                || SUFFIXES
                    .iter()
                    .filter_map(|suf| n.strip_suffix(suf))
                    .any(affixed)
            {
                return Some((t.to_string(), HOW[3]));
            }
            if ocr_fold(&n) != n && ocr_fold(&n) == *t {
                return Some((t.to_string(), HOW[4]));
            }
        }
        None
    }

    /// Damerau-Levenshtein distance over the whole table, the plain way.
    fn distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
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

    #[test]
    fn within_two_and_the_letter_sets_agree_with_the_full_table() {
        let words = [
            "requests",
            "reqeusts",
            "requestss",
            "rqeuests",
            "requests2",
            "xequestsfoo",
            "requestsfox",
            "django-rest",
            "djangorest",
            "django_rest",
            "tensorflow",
            "tensorfloww",
            "tenzorflov",
            "ternsorflow",
            "pandas",
            "pnadas",
            "numpy",
            "nunpy",
            "réquests",
            "requeſts",
            "abcdefghij",
            "jihgfedcba",
            "aaaaaaaaaa",
            "aaaaaaaaab",
            "",
        ];
        for a in words {
            for b in words {
                let d = distance(a, b);
                assert_eq!(within_two(a, b), d <= 2, "{a} {b}");
                if a.is_ascii() && b.is_ascii() {
                    let differ = (letter_set(a) ^ letter_set(b)).count_ones();
                    assert!(d > 2 || differ <= 4, "{a} {b}");
                    assert!(d > 1 || differ <= 2, "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn indexed_search_matches_a_full_scan() {
        for eco in [Ecosystem::Pypi, Ecosystem::Npm, Ecosystem::Crates] {
            let p = list(eco).unwrap();
            let mut probes: Vec<String> = Vec::new();
            for t in p.targets.iter().step_by(29).take(40) {
                probes.push(format!("{t}s"));
                probes.push(t.replacen(|c: char| c.is_ascii_lowercase(), "x", 1));
                probes.push(format!("py{t}"));
                probes.push(format!("{t}-js"));
                probes.push(t.replace('-', "_"));
                probes.push(t.chars().rev().collect());
                probes.push(format!("{t}xx"));
            }
            for probe in probes {
                assert_eq!(
                    imitates(eco, &probe),
                    imitates_by_scan(eco, &probe),
                    "{eco:?} {probe}"
                );
            }
        }
    }

    #[test]
    fn scoped_visual_script_short_and_module_squats() {
        let target = |eco, n| imitates(eco, n).map(|x| x.0);
        assert_eq!(
            target(Ecosystem::Npm, "@typess/node").as_deref(),
            Some("@types/node")
        );
        assert_eq!(
            target(Ecosystem::Npm, "@angulr/core").as_deref(),
            Some("@angular/core")
        );
        assert_eq!(
            target(Ecosystem::Npm, "@solana/web3-js").as_deref(),
            Some("@solana/web3.js")
        );
        assert_eq!(target(Ecosystem::Npm, "rnoment").as_deref(), Some("moment"));
        assert_eq!(target(Ecosystem::Npm, "vuee").as_deref(), Some("vue"));
        assert_eq!(
            target(Ecosystem::Npm, "crossenv2").as_deref(),
            Some("cross-env")
        );
        assert_eq!(
            target(Ecosystem::Pypi, "rеquests").as_deref(),
            Some("requests")
        );
        assert_eq!(
            target(Ecosystem::RubyGems, "rials").as_deref(),
            Some("rails")
        );
        assert_eq!(
            target(Ecosystem::Go, "github.com/boltdb-go/bolt/cmd/bolt").as_deref(),
            Some("github.com/boltdb/bolt")
        );
        // Within one scope a short target name is not compared; scoped never meets unscoped;
        // a mistyped repository under the real Go owner is not a squat (only the owner can
        // publish there); known real packages next to popular ones are not squats.
        assert_eq!(target(Ecosystem::Npm, "@types/jws"), None);
        assert_eq!(target(Ecosystem::Npm, "@aws-sdk/client-mq"), None);
        assert_eq!(target(Ecosystem::Npm, "preact-router"), None);
        assert_eq!(target(Ecosystem::Crates, "sha3"), None);
        assert_eq!(target(Ecosystem::Crates, "libm"), None);
        assert_eq!(
            target(Ecosystem::Packagist, "laravell/framework").as_deref(),
            Some("laravel/framework")
        );
        assert_eq!(target(Ecosystem::Npm, "apollo-server"), None);
        assert_eq!(target(Ecosystem::Go, "github.com/spf13/cobbra"), None);
        assert_eq!(target(Ecosystem::Go, "github.com/myorg/bolt"), None);
        assert_eq!(describe(Ecosystem::Npm, "jslint"), None);
        assert_eq!(describe(Ecosystem::Npm, "vue"), None);
        assert_eq!(
            describe(Ecosystem::Npm, "expresss").as_deref(),
            Some("expresss imitates the popular npm package express (one character away)")
        );
    }

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
