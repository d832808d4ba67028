//! Loops over literal lists: `for d in ['/etc', '/usr']`, `for (const d of [...])`,
//! `[...].forEach(d => …)`, `%w[a b].each { |d| … }`, Perl `for my $d (...)` and `… for (...)`,
//! PHP `foreach ([...] as $d)`. The body runs once per element, so the analysis is repeated with
//! the loop variable replaced by each element.

use super::tokens::{split_args, Tok};
use super::Lang;

/// Most elements of one list analysed (each costs one more pass over the tokens).
pub const MAX_VALUES: usize = 8;

/// Methods that call a block or a function once per element.
const EACH: &[&str] = &[
    "each",
    "forEach",
    "map",
    "flatMap",
    "flat_map",
    "each_entry",
    "for_each",
    "each_with_index",
    "filter",
    "select",
];

/// The first loop in `toks` that binds a variable to the elements of a literal list: the variable
/// as written (`d`, `$d`, `$_`) and the elements, each resolved by `resolve` (literals, home
/// expressions). `None` when a list element is not known.
pub fn binding(
    toks: &[Tok],
    lang: Lang,
    resolve: &dyn Fn(&[Tok]) -> Option<String>,
) -> Option<(String, Vec<String>)> {
    let spans = group_spans(toks);
    for j in 0..toks.len() {
        // `"/var/log,/etc".split(",").forEach(d => …)`: the pieces of a literal string.
        if let [Tok::Str(text), Tok::Punct('.'), Tok::Ident(split), Tok::Punct('('), Tok::Str(sep), Tok::Punct(')'), ..] =
            &toks[j..]
        {
            if split == "split" && !sep.is_empty() {
                if let Some(name) = bound_after(toks, j + 6) {
                    return Some((name, text.split(sep.as_str()).map(str::to_string).collect()));
                }
            }
        }
        // Ruby `%w[/etc /usr].each { |d| … }` arrives as a list literal (see `tokens`).
        if !matches!(toks[j], Tok::Punct('[' | '(')) {
            continue;
        }
        let Some(close) = end_of(&spans, j) else {
            continue;
        };
        // `f(x).each { … }` iterates what `f` returns, not its argument list.
        let call = matches!(toks[j], Tok::Punct('('))
            && matches!(
                j.checked_sub(1).and_then(|k| toks.get(k)),
                Some(Tok::Ident(_))
            );
        let Some(name) = bound_before(toks, j, lang)
            .or_else(|| (!call).then(|| bound_after(toks, close + 1)).flatten())
        else {
            continue;
        };
        let items = split_args(&toks[j + 1..close]);
        if items.is_empty() || items.iter().any(|i| i.is_empty()) {
            continue;
        }
        let values: Option<Vec<String>> = items.iter().map(|i| resolve(i)).collect();
        if let Some(values) = values {
            return Some((name, values));
        }
    }
    None
}

/// For each opening bracket, how many tokens on its closing bracket is (0 for every other token
/// and for brackets never closed), found in one pass: any closing bracket closes the innermost
/// open one, as [`group_end`] counts. Distances, not indices, so the table of a stream serves
/// every tail of it (`&spans[k..]` for `&toks[k..]`).
pub(super) fn group_spans(toks: &[Tok]) -> Vec<u32> {
    let mut spans = vec![0u32; toks.len()];
    let mut open: Vec<usize> = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(' | '[' | '{') => open.push(k),
            Tok::Punct(')' | ']' | '}') => {
                if let Some(o) = open.pop() {
                    spans[o] = u32::try_from(k - o).unwrap_or(0);
                }
            }
            _ => {}
        }
    }
    spans
}

/// The closing bracket of the one at `open`, from a [`group_spans`] table.
pub(super) fn end_of(spans: &[u32], open: usize) -> Option<usize> {
    match spans.get(open) {
        Some(&d) if d > 0 => Some(open + d as usize),
        _ => None,
    }
}

/// Index of the bracket that closes the one at `open`.
#[cfg(test)]
fn group_end(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

fn ident(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Ident(n)) => Some(n.as_str()),
        _ => None,
    }
}

/// `for NAME in [`, `for (const NAME of [`, Perl `for my $NAME (` and `for (` (binds `$_`).
fn bound_before(toks: &[Tok], open: usize, lang: Lang) -> Option<String> {
    let back = |k: usize| open.checked_sub(k).and_then(|i| toks.get(i));
    let is_for = |t: Option<&Tok>| matches!(ident(t), Some("for" | "foreach"));
    if lang == Lang::Perl {
        if is_for(back(1)) {
            return Some("$_".into());
        }
        let var = ident(back(1)).filter(|n| n.starts_with('$') && n.len() > 1)?;
        return (is_for(back(2)) || matches!(ident(back(2)), Some("my" | "our" | "local")))
            .then(|| var.to_string());
    }
    if !matches!(ident(back(1)), Some("in" | "of")) {
        return None;
    }
    let name = ident(back(2)).filter(|n| !n.contains('.'))?;
    (2..=5)
        .any(|k| is_for(back(k + 1)))
        .then(|| name.to_string())
}

/// `].forEach(d =>`, `].forEach(function (d)`, `].each { |d|`, `].each do |d|`, `] as $d`
/// (PHP), starting at the token after the list.
fn bound_after(toks: &[Tok], at: usize) -> Option<String> {
    if ident(toks.get(at)) == Some("as") {
        return ident(toks.get(at + 1))
            .filter(|n| n.starts_with('$'))
            .map(str::to_string);
    }
    if !matches!(toks.get(at), Some(Tok::Punct('.'))) || !EACH.contains(&ident(toks.get(at + 1))?) {
        return None;
    }
    let mut k = at + 2;
    while k < toks.len().min(at + 8) {
        match &toks[k] {
            Tok::Punct('(' | '{' | '|') => k += 1,
            Tok::Ident(n) if matches!(n.as_str(), "function" | "async" | "do" | "const") => k += 1,
            Tok::Ident(n) if !n.contains('.') => return Some(n.clone()),
            _ => return None,
        }
    }
    None
}

/// `toks` with the loop variable `name` replaced by `value`: as a token, and inside strings where
/// it is interpolated (`"rm -rf $d"`, `f"{d}"`, `` `${d}` ``, `"#{d}"`).
pub fn substitute(toks: &[Tok], name: &str, value: &str) -> Vec<Tok> {
    let in_text = |s: &str| -> String {
        if name.starts_with('$') {
            replace_var(s, name, value)
        } else {
            let s = s.replace(&format!("${{{name}}}"), value);
            let s = s.replace(&format!("#{{{name}}}"), value);
            let s = s.replace(&format!("{{{name}}}"), value);
            replace_var(&s, &format!("${name}"), value)
        }
    };
    toks.iter()
        .map(|t| match t {
            Tok::Ident(n) if n == name => Tok::Str(value.to_string()),
            Tok::Str(s) if s.contains(name) => Tok::Str(in_text(s)),
            Tok::Cmd(s) if s.contains(name) => Tok::Cmd(in_text(s)),
            other => other.clone(),
        })
        .collect()
}

/// Replace `$var` where it is not the start of a longer name.
fn replace_var(s: &str, var: &str, value: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find(var) {
        let after = &rest[p + var.len()..];
        out.push_str(&rest[..p]);
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push_str(var);
        } else {
            out.push_str(value);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokens::{normalize, tokenize};
    use super::*;

    fn bind(lang: Lang, code: &str) -> Option<(String, Vec<String>)> {
        let toks = normalize(tokenize(code, lang.style()), lang.style());
        binding(&toks, lang, &|t| match t {
            [Tok::Str(s)] => Some(s.clone()),
            _ => None,
        })
    }

    #[test]
    fn loops_over_literal_lists_bind_their_variable() {
        let want = |n: &str| Some((n.to_string(), vec!["/etc".to_string(), "/usr".to_string()]));
        assert_eq!(
            bind(Lang::Python, "for d in ['/etc', '/usr']:\n  rmtree(d)"),
            want("d")
        );
        assert_eq!(
            bind(Lang::Python, "[rmtree(p) for p in ('/etc', '/usr')]"),
            want("p")
        );
        assert_eq!(
            bind(Lang::JavaScript, "for (const x of ['/etc', '/usr']) rm(x)"),
            want("x")
        );
        assert_eq!(
            bind(Lang::JavaScript, "['/etc', '/usr'].forEach(d => rm(d))"),
            want("d")
        );
        assert_eq!(
            bind(Lang::Ruby, "%w[/etc /usr].each { |d| rm_rf(d) }"),
            want("d")
        );
        assert_eq!(
            bind(Lang::Perl, "for my $d ('/etc', '/usr') { rmtree($d) }"),
            want("$d")
        );
        assert_eq!(
            bind(Lang::Perl, "rmtree($_) for ('/etc', '/usr')"),
            want("$_")
        );
        assert_eq!(
            bind(Lang::Php, "foreach (['/etc', '/usr'] as $d) { x($d); }"),
            want("$d")
        );
        assert_eq!(
            bind(Lang::JavaScript, "'/etc,/usr'.split(',').map(d => rm(d))"),
            want("d")
        );
    }

    #[test]
    fn one_pass_bracket_table_agrees_with_counting() {
        for code in [
            "f(a[1], {b: (c)}) ) ( [ x",
            "((((",
            "))) (a) ]",
            "a = [1, (2, 3]), {4}",
            "",
        ] {
            let toks = normalize(tokenize(code, Lang::Python.style()), Lang::Python.style());
            let spans = group_spans(&toks);
            for k in 0..toks.len() {
                if matches!(toks[k], Tok::Punct('(' | '[' | '{')) {
                    assert_eq!(end_of(&spans, k), group_end(&toks, k), "{code:?} at {k}");
                    // The table of the whole stream answers for any tail of it.
                    let tail = &spans[k..];
                    assert_eq!(
                        end_of(tail, 0),
                        group_end(&toks[k..], 0),
                        "{code:?} tail {k}"
                    );
                } else {
                    assert_eq!(end_of(&spans, k), None);
                }
            }
        }
    }

    #[test]
    fn membership_tests_and_calls_are_not_loops() {
        assert_eq!(bind(Lang::Python, "if d in ['/etc', '/usr']: pass"), None);
        assert_eq!(bind(Lang::Python, "print('/etc', '/usr')"), None);
        assert_eq!(bind(Lang::JavaScript, "const a = ['/etc', '/usr']"), None);
        assert_eq!(
            bind(Lang::Ruby, "Dir.glob('/usr/*').each { |f| p(f) }"),
            None
        );
        // An element that is not known leaves the loop alone.
        assert_eq!(bind(Lang::Python, "for d in ['/etc', x]: rmtree(d)"), None);
    }

    #[test]
    fn substitution_reaches_interpolated_strings() {
        let toks = vec![
            Tok::Ident("d".into()),
            Tok::Str("rm -rf {d} ${d} #{d}".into()),
            Tok::Str("$d $dx".into()),
        ];
        assert_eq!(
            substitute(&toks, "d", "/etc"),
            vec![
                Tok::Str("/etc".into()),
                Tok::Str("rm -rf /etc /etc /etc".into()),
                Tok::Str("/etc $dx".into()),
            ]
        );
        let perl = vec![Tok::Str("rm -rf $d/x $d_y".into())];
        assert_eq!(
            substitute(&perl, "$d", "/etc"),
            vec![Tok::Str("rm -rf /etc/x $d_y".into())]
        );
    }
}
