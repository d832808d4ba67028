//! Text filters whose output the input fixes: given known text on stdin, what `base64 -d`,
//! `base32 -d`, `xxd -r -p`, `rev`, `tr SET1 SET2`, `tr -d SET`, `cut -cN-M`, a literal
//! `sed 's/A/B/g'`, `envsubst`, `m4` and `jq -r` print. The walker uses them
//! so `echo L2V0Yw== | base64 -d | xargs rm -rf` and `rm -rf "/$(rev <<< cte)"` are judged on
//! the text that really reaches the command.

use super::ir::Command;

/// Most bytes a filter is asked to transform (larger values stay unknown).
const MAX_INPUT: usize = 16 * 1024;

/// What `cmd` prints when `input` is its standard input, for the filters above; `None` for
/// any other command, any option it does not model, or output that is not text.
pub fn filtered(cmd: &Command, input: &str) -> Option<String> {
    if input.len() > MAX_INPUT {
        return None;
    }
    let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
    if cmd.args().iter().any(|a| a.dynamic || !a.subs.is_empty()) {
        return None;
    }
    let bytes = match (cmd.name(), args.as_slice()) {
        ("base64", a) if decodes(a, "-d", "--decode") || a.contains(&"-D") => {
            let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
            crate::text::base64::decode(&compact)?
        }
        ("base32", a) if decodes(a, "-d", "--decode") => base32(input)?,
        ("xxd", a) if a.iter().any(|x| x.starts_with("-r")) && a.contains(&"-p") => hex(input)?,
        ("rev", []) => {
            let mut out = String::new();
            for line in input.lines() {
                out.extend(line.chars().rev());
                out.push('\n');
            }
            return Some(out);
        }
        ("tr", ["-d", set]) => {
            let set = expand_set(set)?;
            return Some(input.chars().filter(|c| !set.contains(c)).collect());
        }
        ("tr", [from, to]) if !from.starts_with('-') => {
            let from = expand_set(from)?;
            let to = expand_set(to)?;
            let last = *to.last()?;
            return Some(
                input
                    .chars()
                    .map(|c| match from.iter().position(|f| *f == c) {
                        Some(i) => to.get(i).copied().unwrap_or(last),
                        None => c,
                    })
                    .collect(),
            );
        }
        // `cut -c3-`, `cut -c 2-9`: a character range of every line.
        ("cut", a) => {
            let spec = match a {
                [c] => c.strip_prefix("-c")?,
                ["-c", c] => c,
                _ => return None,
            };
            let (from, to) = spec.split_once('-')?;
            let from: usize = if from.is_empty() {
                1
            } else {
                from.parse().ok()?
            };
            let to: usize = if to.is_empty() {
                usize::MAX
            } else {
                to.parse().ok()?
            };
            let mut out = String::new();
            for line in input.lines() {
                let n = to.saturating_sub(from.max(1) - 1);
                out.extend(line.chars().skip(from.max(1) - 1).take(n));
                out.push('\n');
            }
            return Some(out);
        }
        // `envsubst` and `m4` with no file copy their input, expanding variables or macros
        // (the payload keeps its `$HOME`, which later analysis reads as the home directory).
        ("envsubst", a) if a.len() <= 1 && a.iter().all(|x| x.starts_with('$')) => {
            return Some(input.to_string());
        }
        ("m4", []) => return Some(input.to_string()),
        // `jq -r FILTER` over literal JSON: whichever string the filter picks, it is one of
        // the document's strings, so all of them, one per line.
        ("jq", a)
            if a.iter().any(|x| matches!(*x, "-r" | "--raw-output" | "-j"))
                && a.iter().filter(|x| !x.starts_with('-')).count() == 1 =>
        {
            let doc: serde_json::Value = serde_json::from_str(input).ok()?;
            let mut out = String::new();
            json_strings(&doc, &mut out);
            return Some(out);
        }
        // `sed 's/X//g'`, `sed -e 's|a|b|'`: a literal substitution on every line.
        ("sed", a) => {
            let script = match a {
                [s] => *s,
                ["-e", s] => *s,
                _ => return None,
            };
            return literal_substitution(script, input);
        }
        _ => return None,
    };
    String::from_utf8(bytes).ok()
}

/// Every string in a JSON document, one per line.
fn json_strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| json_strings(i, out)),
        _ => {}
    }
}

/// `s/FROM/TO/[g]` where FROM and TO are plain text (no regex operators, no `&` or
/// back-references): what it prints for `input`.
fn literal_substitution(script: &str, input: &str) -> Option<String> {
    let rest = script.strip_prefix('s')?;
    let delim = rest.chars().next()?;
    if delim.is_alphanumeric() || delim == '\\' || delim.is_whitespace() {
        return None;
    }
    let parts: Vec<&str> = rest[delim.len_utf8()..].split(delim).collect();
    let [from, to, flags] = parts.as_slice() else {
        return None;
    };
    let special = |s: &str, set: &[char]| s.contains(set);
    if from.is_empty()
        || special(
            from,
            &[
                '.', '*', '[', ']', '^', '$', '\\', '+', '?', '(', ')', '{', '}', '|',
            ],
        )
        || special(to, &['&', '\\'])
        || !matches!(*flags, "" | "g")
    {
        return None;
    }
    let mut out = String::new();
    for line in input.lines() {
        if *flags == "g" {
            out.push_str(&line.replace(from, to));
        } else {
            out.push_str(&line.replacen(from, to, 1));
        }
        out.push('\n');
    }
    Some(out)
}

/// Whether the options hold the decode flag, alone or bundled (`-di`, `-d -w0`).
fn decodes(args: &[&str], short: &str, long: &str) -> bool {
    let letter = short.trim_start_matches('-');
    args.iter().any(|a| {
        *a == long || (a.starts_with('-') && !a.starts_with("--") && a[1..].contains(letter))
    })
}

/// A `tr` set with ranges expanded (`a-z`, `n-za-m`); classes like `[:upper:]` are not modelled.
fn expand_set(set: &str) -> Option<Vec<char>> {
    if set.contains("[:") || set.contains('\\') {
        return None;
    }
    let chars: Vec<char> = set.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] <= chars[i + 2] {
            out.extend(chars[i]..=chars[i + 2]);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
        if out.len() > 4096 {
            return None;
        }
    }
    Some(out)
}

fn hex(input: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = input
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    Some(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

fn base32(input: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let symbols = input
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .map(|b| {
            let upper = b.to_ascii_uppercase();
            ALPHABET.iter().position(|a| *a == upper).map(|p| p as u8)
        });
    crate::text::base64::pack_symbols(symbols, 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(argv: &[&str]) -> Command {
        let text: Vec<String> = argv.iter().map(|a| format!("'{a}'")).collect();
        crate::shell::analyze(&text.join(" ")).commands.remove(0)
    }

    #[test]
    fn filters_give_what_they_print() {
        assert_eq!(
            filtered(&cmd(&["base64", "-d"]), "L2V0Yw==\n").as_deref(),
            Some("/etc")
        );
        assert_eq!(
            filtered(&cmd(&["base64", "--decode"]), "L2V0Yw").as_deref(),
            Some("/etc")
        );
        assert_eq!(
            filtered(&cmd(&["base32", "-d"]), "F5SXIYY=").as_deref(),
            Some("/etc")
        );
        assert_eq!(
            filtered(&cmd(&["xxd", "-r", "-p"]), "2f657463").as_deref(),
            Some("/etc")
        );
        assert_eq!(filtered(&cmd(&["rev"]), "cte\n").as_deref(), Some("etc\n"));
        assert_eq!(
            filtered(&cmd(&["tr", "a-z", "n-za-m"]), "rgp").as_deref(),
            Some("etc")
        );
        assert_eq!(
            filtered(&cmd(&["tr", "-d", "#"]), "/e#t#c").as_deref(),
            Some("/etc")
        );
        assert_eq!(
            filtered(&cmd(&["cut", "-c3-"]), "xxrm -rf ~").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            filtered(&cmd(&["cut", "-c", "2-3"]), "abcd").as_deref(),
            Some("bc\n")
        );
        assert_eq!(
            filtered(&cmd(&["sed", "s/X//g"]), "rXm -rXf ~").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            filtered(&cmd(&["sed", "-e", "s|@|/|"]), "@etc@x").as_deref(),
            Some("/etc@x\n")
        );
    }

    #[test]
    fn anything_else_stays_unknown() {
        assert_eq!(filtered(&cmd(&["base64"]), "abc"), None, "encoding");
        assert_eq!(filtered(&cmd(&["sort"]), "b\na"), None);
        assert_eq!(filtered(&cmd(&["tr", "[:lower:]", "[:upper:]"]), "a"), None);
        assert_eq!(filtered(&cmd(&["base64", "-d"]), "!!!"), None);
        assert_eq!(filtered(&cmd(&["xxd", "-r", "-p"]), "2f6"), None);
        assert_eq!(filtered(&cmd(&["sed", "s/a.*//"]), "abc"), None, "a regex");
        assert_eq!(filtered(&cmd(&["sed", "-n", "s/a//p"]), "abc"), None);
        assert_eq!(filtered(&cmd(&["cut", "-d:", "-f1"]), "a:b"), None);
    }
}
