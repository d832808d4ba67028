//! Text filters whose output the input fixes: given known text on stdin, what `base64 -d`,
//! `base32 -d`, `xxd -r -p`, `rev`, `tr SET1 SET2`, `tr -d SET`, `cut -cN-M`, `sed`
//! substitutions (`s/RE/TO/g`, basic or extended), `grep` line selection, `envsubst`, `m4` and
//! `jq -r` print. The walker uses them
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
        ("cat", []) => return Some(input.to_string()),
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
        // `cut -d' ' -f2-`: a field range of every line; `cut -c3-`, `cut -c 2-9`: a character
        // range of every line.
        ("cut", a) => {
            if let Some((delim, from, to)) = cut_fields(a) {
                let mut out = String::new();
                for line in input.lines() {
                    let fields: Vec<&str> = line.split(delim).collect();
                    if fields.len() == 1 {
                        out.push_str(line);
                    } else {
                        let end = to.min(fields.len());
                        out.push_str(&fields[(from - 1).min(end)..end].join(&delim.to_string()));
                    }
                    out.push('\n');
                }
                return Some(out);
            }
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
        ("m4", a) => return m4_expand(a, input),
        ("cpp", a) => return cpp_expand(a, input),
        ("gcc" | "cc" | "clang", a) if a.contains(&"-E") => return cpp_expand(a, input),
        // `yq '.c'`, `yq e -r .c`: one of the document's scalars.
        ("yq", a)
            if a.iter()
                .filter(|x| !x.starts_with('-') && !matches!(**x, "e" | "eval"))
                .count()
                == 1 =>
        {
            return Some(yaml_scalars(input))
        }
        ("dc", []) => return dc_printed(input),
        ("bc", [] | ["-q"] | ["-l"]) => return bc_printed(input),
        ("head" | "tail", a) => return byte_range(cmd.name(), a, input),
        // Line order and tabs: `tac`, `sort`, `expand`.
        ("tac", []) => {
            let mut out = String::new();
            for line in input.lines().rev() {
                out.push_str(line);
                out.push('\n');
            }
            return Some(out);
        }
        ("sort", [] | ["-n"]) => {
            let mut lines: Vec<&str> = input.lines().collect();
            if args.is_empty() {
                lines.sort_unstable();
            } else {
                lines.sort_by_key(|l| leading_number(l));
            }
            return Some(lines.iter().map(|l| format!("{l}\n")).collect());
        }
        ("expand" | "unexpand", []) => return Some(input.replace('\t', " ")),
        // Copies of the input: `paste -`, `tee` with no file, `dd` without options that change
        // bytes, `iconv` between encodings the text survives, awk's `1` / `{print}`.
        ("paste", [] | ["-"]) | ("tee", []) | ("cat", ["-"]) => return Some(input.to_string()),
        // `paste -s -d' '`: every line joined into one.
        ("paste", a) => {
            let delim = paste_serial(a)?;
            let mut out = input.lines().collect::<Vec<_>>().join(&delim);
            out.push('\n');
            return Some(out);
        }
        ("dd", a)
            if a.iter()
                .all(|x| x.starts_with("status=") || x.starts_with("bs=")) =>
        {
            return Some(input.to_string())
        }
        ("iconv", a)
            if a.iter().all(|x| {
                x.starts_with('-')
                    || x.contains("UTF")
                    || x.contains("ASCII")
                    || x.contains("utf")
                    || x.contains("ascii")
                    || x.contains("LATIN")
                    || x.contains("latin")
            }) =>
        {
            return Some(input.to_string())
        }
        (
            "awk" | "gawk" | "mawk",
            ["1" | "{print}" | "{ print }" | "{print $0}" | "{ print $0 }"],
        ) => return Some(input.to_string()),
        ("awk" | "gawk" | "mawk", a) => return awk_fields(a, input),
        // `xargs` with no command runs `echo` on the words it reads (one item with `-0`).
        ("xargs", a)
            if a.iter()
                .all(|x| matches!(*x, "-0" | "--null" | "-r" | "--no-run-if-empty")) =>
        {
            let mut out = if a.iter().any(|x| matches!(*x, "-0" | "--null")) {
                input.trim_end_matches('\0').to_string()
            } else {
                input.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            out.push('\n');
            return Some(out);
        }
        // `perl -pe 's/Z/r/'`, `ruby -pe ''`: a line filter whose program is only substitutions
        // (or nothing) edits every line as sed would.
        ("perl" | "ruby", a) => {
            let script = match a {
                ["-pe", s] | ["-p", "-e", s] | ["-e", s, "-p"] => *s,
                _ => return None,
            };
            if script.trim().is_empty() {
                return Some(input.to_string());
            }
            return sed_substitutions(&["-E", script], input);
        }
        ("basenc", a) if a.contains(&"--base64") && decodes(a, "-d", "--decode") => {
            let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
            return String::from_utf8(crate::text::base64::decode(&compact)?).ok();
        }
        // `jq -r FILTER` over literal JSON: whichever string the filter picks, it is one of
        // the document's strings, so all of them, one per line.
        ("jq" | "gojq" | "jaq", a)
            if a.iter().any(|x| matches!(*x, "-r" | "--raw-output" | "-j"))
                && a.iter().filter(|x| !x.starts_with('-')).count() == 1 =>
        {
            let doc: serde_json::Value = serde_json::from_str(input).ok()?;
            let mut out = String::new();
            json_strings(&doc, &mut out);
            // `join(" ")` puts them on one line.
            let filter = a
                .iter()
                .find(|x| !x.starts_with('-'))
                .copied()
                .unwrap_or("");
            // `.b | @base64d`: the strings decoded as well.
            if filter.contains("@base64d") {
                let decoded: Vec<String> = out
                    .lines()
                    .filter_map(|l| crate::text::base64::decode(l.trim()))
                    .filter_map(|b| String::from_utf8(b).ok())
                    .collect();
                for d in decoded {
                    out.push_str(&d);
                    out.push('\n');
                }
            }
            if let Some(sep) = jq_join(filter) {
                let mut joined = out.lines().collect::<Vec<_>>().join(&sep);
                joined.push('\n');
                return Some(joined);
            }
            return Some(out);
        }
        // `sed 's/X//g'`, `sed -E -e 's|a(b)|\\1|' -e 's/x/y/'`: substitutions on every line.
        ("sed", [script]) if script.starts_with('y') => return sed_transliterate(script, input),
        ("sed", a) => return sed_substitutions(a, input),
        // `grep 'run:'`, `grep -v '^#'`, `grep -E 'a|b'`: the lines that match.
        ("grep" | "egrep" | "fgrep", a) => return grep_lines(cmd.name(), a, input),
        ("dd", a) => return dd_range(a, input),
        _ => return None,
    };
    String::from_utf8(bytes).ok()
}

/// The number a line starts with (`sort -n`); lines without one sort first.
fn leading_number(line: &str) -> i64 {
    let t = line.trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().unwrap_or(i64::MIN)
}

/// A short option's value: glued to it (`-d,`, the `rest` after the letter) or the next word,
/// which `i` then moves past.
fn option_value(args: &[&str], i: &mut usize, rest: &str) -> Option<String> {
    if rest.is_empty() {
        *i += 1;
        args.get(*i).map(|v| v.to_string())
    } else {
        Some(rest.to_string())
    }
}

/// `paste -s` with its delimiter (`-sd' '`, `-s -d ,`; a tab when none): the lines joined.
fn paste_serial(args: &[&str]) -> Option<String> {
    let mut serial = false;
    let mut delim = "\t".to_string();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "-s" || a == "--serial" {
            serial = true;
        } else if let Some(rest) = a.strip_prefix("-sd").or_else(|| a.strip_prefix("-ds")) {
            serial = true;
            delim = option_value(args, &mut i, rest)?;
        } else if let Some(rest) = a.strip_prefix("-d") {
            delim = option_value(args, &mut i, rest)?;
        } else if a != "-" {
            return None;
        }
        i += 1;
    }
    let first = delim
        .chars()
        .next()
        .map(|c| c.to_string())
        .unwrap_or_default();
    serial.then_some(first)
}

/// `cut -d X -f N-M` (also `-fN`, `-f N-`): the delimiter and the 1-based field range.
fn cut_fields(args: &[&str]) -> Option<(char, usize, usize)> {
    let mut delim = '\t';
    let mut fields = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if let Some(rest) = a.strip_prefix("-d") {
            delim = option_value(args, &mut i, rest)?.chars().next()?;
        } else if let Some(rest) = a.strip_prefix("-f") {
            fields = Some(option_value(args, &mut i, rest)?);
        } else {
            return None;
        }
        i += 1;
    }
    let spec = fields?;
    let (from, to) = match spec.split_once('-') {
        Some((f, t)) => (
            if f.is_empty() { 1 } else { f.parse().ok()? },
            if t.is_empty() {
                usize::MAX
            } else {
                t.parse().ok()?
            },
        ),
        None => {
            let n: usize = spec.parse().ok()?;
            (n, n)
        }
    };
    (from >= 1 && to >= from).then_some((delim, from, to))
}

/// The separator of a jq filter that joins strings (`join(" ")`, `.[]|…|join(",")`).
fn jq_join(filter: &str) -> Option<String> {
    let at = filter.find("join(\"")? + "join(\"".len();
    let end = filter[at..].find("\")")?;
    Some(filter[at..at + end].to_string())
}

/// `sed 'y/abc/xyz/'`: each character of the first set replaced by the same-position one of
/// the second (the sets must be equally long, as sed requires).
fn sed_transliterate(script: &str, input: &str) -> Option<String> {
    let rest = script.strip_prefix('y')?;
    let delim = rest.chars().next()?;
    let parts: Vec<&str> = rest[delim.len_utf8()..].split(delim).collect();
    let (from, to) = match parts.as_slice() {
        [f, t] | [f, t, ""] => (f.chars().collect::<Vec<_>>(), t.chars().collect::<Vec<_>>()),
        _ => return None,
    };
    if from.len() != to.len() {
        return None;
    }
    Some(
        input
            .chars()
            .map(|c| from.iter().position(|f| *f == c).map_or(c, |i| to[i]))
            .collect(),
    )
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

/// `sed [-n] [-E|-r] [-e] SCRIPT [-e …]`: substitutions (with the `p` flag) and `p`/`d` of line
/// ranges applied to every line, in order. Other sed commands and options are not modelled.
fn sed_substitutions(args: &[&str], input: &str) -> Option<String> {
    let mut extended = false;
    let mut quiet = false;
    let mut scripts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-E" | "-r" | "--regexp-extended" => extended = true,
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-nE" | "-En" | "-nr" | "-rn" => (quiet, extended) = (true, true),
            "-e" | "--expression" => {
                scripts.push(*args.get(i + 1)?);
                i += 1;
            }
            a if a.starts_with('-') => return None,
            a if scripts.is_empty() => scripts.push(a),
            _ => return None,
        }
        i += 1;
    }
    if scripts.is_empty() {
        return None;
    }
    let commands: Vec<SedCommand> = scripts
        .iter()
        .flat_map(|s| s.split(['\n', ';']))
        .filter(|s| !s.trim().is_empty())
        .map(|s| SedCommand::parse(s.trim(), extended))
        .collect::<Option<_>>()?;
    let lines: Vec<&str> = input.lines().collect();
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        let at = Line {
            number: n + 1,
            last: n + 1 == lines.len(),
        };
        let mut line = line.to_string();
        let mut deleted = false;
        for command in &commands {
            match command {
                SedCommand::Substitute(sub, print) => {
                    let (changed, matched) = sub.apply(&line);
                    line = changed;
                    if matched && *print {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
                SedCommand::Print(range) if range.holds(at) => {
                    out.push_str(&line);
                    out.push('\n');
                }
                SedCommand::Delete(range) if range.holds(at) => {
                    deleted = true;
                    break;
                }
                _ => {}
            }
        }
        if !quiet && !deleted {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Some(out)
}

/// A sed command the filters model: `s///` (with `p`), and `p` or `d` of a line range.
enum SedCommand {
    Substitute(Substitution, bool),
    Print(LineRange),
    Delete(LineRange),
}

/// Where a line is in the input (1-based), for sed addresses.
#[derive(Clone, Copy)]
struct Line {
    number: usize,
    last: bool,
}

/// `N`, `N,M`, `$`, `N,$` or no address (every line).
struct LineRange {
    from: Option<usize>,
    to: Option<usize>,
    to_last: bool,
}

impl LineRange {
    fn parse(text: &str) -> Option<Self> {
        let number = |t: &str| t.trim().parse::<usize>().ok();
        Some(match text.split_once(',') {
            _ if text.is_empty() => LineRange {
                from: None,
                to: None,
                to_last: false,
            },
            _ if text == "$" => LineRange {
                from: None,
                to: None,
                to_last: true,
            },
            Some((a, "$")) => LineRange {
                from: Some(number(a)?),
                to: None,
                to_last: true,
            },
            Some((a, b)) => LineRange {
                from: Some(number(a)?),
                to: Some(number(b)?),
                to_last: false,
            },
            None => {
                let n = number(text)?;
                LineRange {
                    from: Some(n),
                    to: Some(n),
                    to_last: false,
                }
            }
        })
    }

    fn holds(&self, at: Line) -> bool {
        match (self.from, self.to, self.to_last) {
            (None, None, false) => true,
            (None, None, true) => at.last,
            (Some(f), _, true) => at.number >= f,
            (Some(f), Some(t), false) => (f..=t).contains(&at.number),
            _ => false,
        }
    }
}

impl SedCommand {
    fn parse(script: &str, extended: bool) -> Option<Self> {
        if script.starts_with('s') {
            let (sub, print) = Substitution::parse(script, extended)?;
            return Some(SedCommand::Substitute(sub, print));
        }
        let (address, verb) = script.split_at(script.len().checked_sub(1)?);
        let range = LineRange::parse(address.trim())?;
        match verb {
            "p" => Some(SedCommand::Print(range)),
            "d" => Some(SedCommand::Delete(range)),
            _ => None,
        }
    }
}

/// One `s/RE/TO/FLAGS` command.
struct Substitution {
    re: regex_lite::Regex,
    to: String,
    global: bool,
}

impl Substitution {
    /// The command, and whether it prints the line when it matched (the `p` flag).
    fn parse(script: &str, extended: bool) -> Option<(Self, bool)> {
        let rest = script.strip_prefix('s')?;
        let delim = rest.chars().next()?;
        if delim.is_alphanumeric() || delim == '\\' || delim.is_whitespace() {
            return None;
        }
        let parts = split_unescaped(&rest[delim.len_utf8()..], delim);
        let [from, to, flags] = parts.as_slice() else {
            return None;
        };
        let print = flags.contains('p');
        let (global, insensitive) = match flags.replace('p', "").as_str() {
            "" => (false, false),
            "g" => (true, false),
            "I" | "i" => (false, true),
            "gI" | "Ig" | "gi" | "ig" => (true, true),
            _ => return None,
        };
        let pattern = posix_regex(from, extended)?;
        let pattern = if insensitive {
            format!("(?i){pattern}")
        } else {
            pattern
        };
        let sub = Substitution {
            re: regex_lite::Regex::new(&pattern).ok()?,
            to: sed_replacement(to),
            global,
        };
        Some((sub, print))
    }

    /// The line after the substitution, and whether the pattern matched.
    fn apply(&self, line: &str) -> (String, bool) {
        let matched = self.re.is_match(line);
        let changed = if self.global {
            self.re.replace_all(line, self.to.as_str()).into_owned()
        } else {
            self.re.replace(line, self.to.as_str()).into_owned()
        };
        (changed, matched)
    }
}

/// Split at `delim` where it is not escaped; `\DELIM` becomes a plain DELIM.
fn split_unescaped(text: &str, delim: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let part = parts.last_mut().expect("never empty");
        match c {
            '\\' => match chars.next() {
                Some(n) if n == delim => part.push(n),
                Some(n) => {
                    part.push('\\');
                    part.push(n);
                }
                None => part.push('\\'),
            },
            c if c == delim => parts.push(String::new()),
            c => part.push(c),
        }
    }
    parts
}

/// A POSIX basic (or extended) regular expression as a Rust regex pattern: in a basic one
/// `\( \) \{ \} \+ \? \|` are the operators and the bare characters are literal.
fn posix_regex(pattern: &str, extended: bool) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next()?;
                match n {
                    '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => out.push(n),
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    '1'..='9' => return None,
                    _ => out.push_str(&regex_lite::escape(&n.to_string())),
                }
            }
            '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                // A bracket expression, copied through (`]` first is a member, not the end).
                out.push('[');
                let mut first = true;
                loop {
                    let b = chars.next()?;
                    if b == '^' && first {
                        out.push('^');
                        continue;
                    }
                    if b == ']' && !first {
                        out.push(']');
                        break;
                    }
                    if b == '[' && chars.peek() == Some(&':') {
                        out.push('[');
                        for k in chars.by_ref() {
                            out.push(k);
                            if k == ']' {
                                break;
                            }
                        }
                        first = false;
                        continue;
                    }
                    if matches!(b, '\\' | ']' | '[' | '&' | '~' | '-') && (b != '-' || first) {
                        out.push('\\');
                    }
                    out.push(b);
                    first = false;
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// sed's replacement text in the regex crate's syntax: `&` is the match, `\N` a group.
fn sed_replacement(to: &str) -> String {
    let mut out = String::with_capacity(to.len());
    let mut chars = to.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("${0}"),
            '$' => out.push_str("$$"),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    out.push_str("${");
                    out.push(d);
                    out.push('}');
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('$') => out.push_str("$$"),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

/// `grep [-E|-F|-v|-i|-w|-x] [-e] PATTERN`: the lines that match (or, with `-v`, that do not).
fn grep_lines(name: &str, args: &[&str], input: &str) -> Option<String> {
    let mut extended = name == "egrep";
    let mut fixed = name == "fgrep";
    let (mut invert, mut insensitive, mut word, mut whole) = (false, false, false, false);
    let mut only_matching = false;
    let mut pattern = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "-e" || a == "--regexp" {
            pattern = Some(*args.get(i + 1)?);
            i += 2;
            continue;
        }
        if let Some(flags) = a
            .strip_prefix('-')
            .filter(|f| !f.is_empty() && !f.starts_with('-'))
        {
            for f in flags.chars() {
                match f {
                    'E' => extended = true,
                    'F' => fixed = true,
                    'v' => invert = true,
                    'i' => insensitive = true,
                    'w' => word = true,
                    'x' => whole = true,
                    'o' => only_matching = true,
                    'h' | 's' | 'a' => {}
                    _ => return None,
                }
            }
        } else if a.starts_with("--") || pattern.is_some() {
            return None;
        } else {
            pattern = Some(a);
        }
        i += 1;
    }
    let pattern = pattern?;
    let mut re = if fixed {
        regex_lite::escape(pattern)
    } else {
        posix_regex(pattern, extended)?
    };
    if word {
        re = format!(r"\b(?:{re})\b");
    }
    if whole {
        re = format!("^(?:{re})$");
    }
    if insensitive {
        re = format!("(?i){re}");
    }
    let re = regex_lite::Regex::new(&re).ok()?;
    let mut out = String::new();
    // `grep -o`: each match on a line of its own.
    if only_matching && !invert {
        for m in input.lines().flat_map(|l| re.find_iter(l)) {
            out.push_str(m.as_str());
            out.push('\n');
        }
        return Some(out);
    }
    for line in input.lines().filter(|l| re.is_match(l) != invert) {
        out.push_str(line);
        out.push('\n');
    }
    Some(out)
}

/// Programs that print part of their input, rearranged or re-encoded, and nothing else: when
/// their exact output is not modelled, the text they read is judged instead (a part of it, or a
/// reordering, holds no command the whole does not).
pub const TEXT_FILTERS: &[&str] = &[
    "grep", "egrep", "fgrep", "sed", "gsed", "tail", "head", "awk", "gawk", "mawk", "cut", "tr",
    "sort", "uniq", "rev", "tac", "expand", "unexpand", "fold", "fmt", "col", "base64", "base32",
    "xxd", "column", "paste", "dd", "nl", "pr", "iconv", "envsubst", "m4", "cpp", "jq", "yq",
    "sponge", "strings",
];

/// `head -c 12`, `tail -c +4`, `tail --bytes=+4`: a byte range of the input (characters here).
/// Line counts are left to the caller, which passes the whole input on.
fn byte_range(name: &str, args: &[&str], input: &str) -> Option<String> {
    let count = match args {
        ["-c" | "--bytes", v] => *v,
        [a] => a
            .strip_prefix("-c")
            .or_else(|| a.strip_prefix("--bytes="))
            .filter(|v| !v.is_empty())?,
        _ => return None,
    };
    let chars: Vec<char> = input.chars().collect();
    let n: usize = count.trim_start_matches(['+', '-']).parse().ok()?;
    let range = match (name, count.chars().next()?) {
        ("tail", '+') => n.max(1) - 1..chars.len(),
        ("tail", _) => chars.len().saturating_sub(n)..chars.len(),
        ("head", '-') => 0..chars.len().saturating_sub(n),
        ("head", _) => 0..n.min(chars.len()),
        _ => return None,
    };
    Some(
        chars[range.start.min(chars.len())..range.end]
            .iter()
            .collect(),
    )
}

/// `dd bs=1 skip=3 count=8`: the blocks after the skipped ones (`status=` is ignored).
fn dd_range(args: &[&str], input: &str) -> Option<String> {
    let (mut bs, mut skip, mut count) = (512usize, 0usize, usize::MAX);
    for a in args {
        let (key, value) = a.split_once('=')?;
        match key {
            "bs" | "ibs" => bs = value.parse().ok()?,
            "skip" | "iseek" => skip = value.parse().ok()?,
            "count" => count = value.parse().ok()?,
            "status" => {}
            _ => return None,
        }
    }
    let chars: Vec<char> = input.chars().collect();
    let from = skip.checked_mul(bs)?.min(chars.len());
    let to = count
        .saturating_mul(bs)
        .saturating_add(from)
        .min(chars.len());
    Some(chars[from..to].iter().collect())
}

/// Whole-word replacement of each macro name by its value (`m4` and `cpp` expansion of the
/// simple kind: one pass, no arguments).
fn expand_macros(text: &str, macros: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match macros.iter().rev().find(|(n, _)| n == word) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `-DNAME=VALUE` options (`-D NAME=VALUE` too); `None` when another option is present, so
/// only the expansion is modelled. `allowed` lists options that change nothing here.
fn define_options(args: &[&str], allowed: &[&str]) -> Option<Vec<(String, String)>> {
    let mut macros = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if allowed.contains(&a) {
            i += 1;
            continue;
        }
        let def = match a.strip_prefix("-D") {
            Some("") => {
                i += 1;
                *args.get(i)?
            }
            Some(d) => d,
            None => return None,
        };
        let (name, value) = def.split_once('=').unwrap_or((def, ""));
        macros.push((name.to_string(), value.to_string()));
        i += 1;
    }
    Some(macros)
}

/// m4 over `input`: `define(`NAME', `VALUE')` calls (quoted or not) are dropped and their names
/// expanded in the rest, as are `-D` definitions; `dnl` drops the rest of its line.
fn m4_expand(args: &[&str], input: &str) -> Option<String> {
    let mut macros = define_options(args, &["-P", "-E", "-Q"])?;
    let mut rest = String::new();
    let mut text = input;
    while let Some(at) = text.find("define(") {
        rest.push_str(&text[..at]);
        let mut parts = Vec::new();
        let mut current = String::new();
        let (mut quote, mut paren) = (0usize, 0usize);
        let mut end = None;
        for (i, c) in text[at + "define(".len()..].char_indices() {
            match c {
                '`' => {
                    quote += 1;
                    if quote == 1 {
                        continue;
                    }
                }
                '\'' if quote > 0 => {
                    quote -= 1;
                    if quote == 0 {
                        continue;
                    }
                }
                '(' if quote == 0 => paren += 1,
                ')' if quote == 0 && paren > 0 => paren -= 1,
                ')' if quote == 0 => {
                    end = Some(at + "define(".len() + i + 1);
                    parts.push(std::mem::take(&mut current));
                    break;
                }
                ',' if quote == 0 && paren == 0 => {
                    parts.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        let end = end?;
        let name = parts.first()?.trim().to_string();
        let value = parts
            .get(1)
            .map(|v| v.trim_start().to_string())
            .unwrap_or_default();
        macros.push((name, value));
        text = &text[end..];
    }
    rest.push_str(text);
    let kept: Vec<&str> = rest
        .split_inclusive('\n')
        .map(|l| l.find("dnl").map_or(l, |i| &l[..i]))
        .collect();
    let expanded = expand_macros(&kept.concat(), &macros);
    Some(expanded.replace(['`', '\''], ""))
}

/// `cpp -P` (or `gcc -E -P -x c -`): `#define NAME VALUE` lines expanded in the others; other
/// directives dropped.
fn cpp_expand(args: &[&str], input: &str) -> Option<String> {
    const ALLOWED: &[&str] = &[
        "-P",
        "-E",
        "-",
        "-x",
        "c",
        "-xc",
        "-w",
        "-undef",
        "-traditional",
        "-traditional-cpp",
        "-nostdinc",
    ];
    let mut macros = define_options(args, ALLOWED)?;
    let mut body = String::new();
    for line in input.lines() {
        let t = line.trim_start();
        if let Some(def) = t.strip_prefix('#') {
            if let Some(def) = def.trim_start().strip_prefix("define") {
                let def = def.trim_start();
                let name: String = def
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                macros.push((name.clone(), def[name.len()..].trim().to_string()));
            }
            continue;
        }
        body.push_str(line);
        body.push('\n');
    }
    Some(expand_macros(&body, &macros))
}

/// The scalar values of a simple YAML document (`key: value`, `- item`), one per line: whatever
/// `yq '.path'` picks is one of them.
fn yaml_scalars(input: &str) -> String {
    let mut out = String::new();
    for line in input.lines() {
        let t = line.trim();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        let t = t.strip_prefix("- ").unwrap_or(t);
        let value = match t.split_once(": ") {
            Some((_, v)) => v.trim(),
            None if t.ends_with(':') => continue,
            None => t,
        };
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        out.push_str(value);
        out.push('\n');
    }
    out
}

/// What a `dc` script prints: `[text]P` prints the text; a number printed with `P` prints its
/// bytes (base 256, most significant first); `p`/`n` print the top; `i` sets the input radix;
/// `+ - * ^` and `d r c` work on the stack. `None` for anything else.
pub fn dc_printed(script: &str) -> Option<String> {
    enum V {
        Num(u128),
        Str(String),
    }
    let mut stack: Vec<V> = Vec::new();
    let mut out = String::new();
    let mut radix = 10u32;
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let show = |v: &V| match v {
        V::Num(n) => n.to_string(),
        V::Str(s) => s.clone(),
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' => {
                let mut depth = 1;
                let start = i + 1;
                i += 1;
                while i < chars.len() {
                    match chars[i] {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                stack.push(V::Str(chars[start..i.min(chars.len())].iter().collect()));
            }
            c if c.is_digit(radix) || (c.is_ascii_uppercase() && c.is_ascii_hexdigit()) => {
                let mut n: u128 = 0;
                while i < chars.len()
                    && (chars[i].is_digit(radix)
                        || chars[i].is_ascii_uppercase() && chars[i].is_ascii_hexdigit())
                {
                    n = n
                        .checked_mul(radix as u128)?
                        .checked_add(chars[i].to_digit(16)? as u128)?;
                    i += 1;
                }
                stack.push(V::Num(n));
                continue;
            }
            'P' => match stack.pop()? {
                V::Str(s) => out.push_str(&s),
                V::Num(n) => {
                    let bytes: Vec<u8> = n
                        .to_be_bytes()
                        .into_iter()
                        .skip_while(|b| *b == 0)
                        .collect();
                    out.push_str(&String::from_utf8(bytes).ok()?);
                }
            },
            'p' => {
                out.push_str(&show(stack.last()?));
                out.push('\n');
            }
            'n' => out.push_str(&show(&stack.pop()?)),
            'i' => match stack.pop()? {
                V::Num(n @ 2..=16) => radix = n as u32,
                _ => return None,
            },
            'd' => {
                let top = match stack.last()? {
                    V::Num(n) => V::Num(*n),
                    V::Str(s) => V::Str(s.clone()),
                };
                stack.push(top);
            }
            'r' => {
                let (a, b) = (stack.pop()?, stack.pop()?);
                stack.push(a);
                stack.push(b);
            }
            'c' => stack.clear(),
            '+' | '-' | '*' | '^' => {
                let (V::Num(b), V::Num(a)) = (stack.pop()?, stack.pop()?) else {
                    return None;
                };
                let r = match c {
                    '+' => a.checked_add(b)?,
                    '-' => a.checked_sub(b)?,
                    '*' => a.checked_mul(b)?,
                    _ => a.checked_pow(u32::try_from(b).ok()?)?,
                };
                stack.push(V::Num(r));
            }
            c if c.is_whitespace() => {}
            _ => return None,
        }
        if out.len() > MAX_INPUT {
            return None;
        }
        i += 1;
    }
    Some(out)
}

/// What `jq -rn FILTER` prints when the filter is built from constants only: a string, an
/// array, `+` of strings, then stages `implode`, `@base64d`, `join("…")`, `@sh`,
/// `ascii_downcase`/`ascii_upcase`, `reverse`, `.[]`, `tostring`. `None` for anything else.
pub fn jq_constant(filter: &str, vars: &[(String, String)]) -> Option<String> {
    use serde_json::Value;
    let stages = split_top_level(filter, '|');
    let (first, rest) = stages.split_first()?;
    let parts = split_top_level(first, '+');
    let mut value = if parts.len() > 1 {
        Value::String(
            parts
                .iter()
                .map(|part| {
                    let part = part.trim();
                    // `env.HOME`, `$ENV.HOME`: the variable's value, which the shell the text
                    // reaches expands the same way.
                    if let Some(name) = part
                        .strip_prefix("env.")
                        .or_else(|| part.strip_prefix("$ENV."))
                        .filter(|n| {
                            !n.is_empty()
                                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        })
                    {
                        return Some(format!("${{{name}}}"));
                    }
                    if let Some(name) = part.strip_prefix('$') {
                        return vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
                    }
                    match serde_json::from_str::<Value>(part).ok()? {
                        Value::String(s) => Some(s),
                        _ => None,
                    }
                })
                .collect::<Option<String>>()?,
        )
    } else {
        serde_json::from_str(first.trim()).ok()?
    };
    let sh_quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    for stage in rest {
        value = match (stage.trim(), value) {
            ("implode", Value::Array(items)) => Value::String(
                items
                    .iter()
                    .map(|n| char::from_u32(u32::try_from(n.as_u64()?).ok()?))
                    .collect::<Option<String>>()?,
            ),
            ("explode", Value::String(s)) => {
                Value::Array(s.chars().map(|c| Value::from(c as u32)).collect())
            }
            ("add", Value::Array(items)) => Value::String(
                items
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Option<String>>()?,
            ),
            ("@base64d", Value::String(s)) => {
                Value::String(String::from_utf8(crate::text::base64::decode(&s)?).ok()?)
            }
            ("@sh", Value::String(s)) => Value::String(sh_quote(&s)),
            ("@sh", Value::Array(items)) => Value::String(
                items
                    .iter()
                    .map(|v| v.as_str().map(sh_quote))
                    .collect::<Option<Vec<_>>>()?
                    .join(" "),
            ),
            ("ascii_downcase", Value::String(s)) => Value::String(s.to_ascii_lowercase()),
            ("ascii_upcase", Value::String(s)) => Value::String(s.to_ascii_uppercase()),
            ("reverse", Value::String(s)) => Value::String(s.chars().rev().collect()),
            ("reverse", Value::Array(mut items)) => {
                items.reverse();
                Value::Array(items)
            }
            (".[]", Value::Array(items)) => Value::String(
                items
                    .iter()
                    .map(|v| v.as_str().map(|s| format!("{s}\n")))
                    .collect::<Option<String>>()?,
            ),
            ("tostring" | "@text" | ".", v) => v,
            (s, Value::Array(items)) if s.starts_with("join(") => {
                let sep: String =
                    serde_json::from_str(s.strip_prefix("join(")?.strip_suffix(')')?).ok()?;
                Value::String(
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()?
                        .join(&sep),
                )
            }
            _ => return None,
        };
    }
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// `text` split at `sep` where it is outside strings, brackets and parentheses.
pub(super) fn split_top_level(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `bc` statements `print "text"` (several strings separated by commas; `\n`, `\t`, `\\`
/// escapes): what they print. `None` when the input prints nothing that way.
fn bc_printed(input: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = input;
    while let Some(at) = rest.find("print") {
        rest = rest[at + "print".len()..].trim_start();
        while let Some(body) = rest.strip_prefix('"') {
            let end = body.find('"')?;
            let mut chars = body[..end].chars();
            while let Some(c) = chars.next() {
                match (c, c == '\\') {
                    (_, false) => out.push(c),
                    (_, true) => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(o) => out.push(o),
                        None => {}
                    },
                }
            }
            rest = body[end + 1..].trim_start();
            match rest.strip_prefix(',') {
                Some(r) => rest = r.trim_start(),
                None => break,
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// awk `{print $3, $2, "x" $1}` (with `-F SEP`): the chosen fields of every line, commas
/// printing a blank and adjacent items joining. `None` for any other program.
fn awk_fields(args: &[&str], input: &str) -> Option<String> {
    let (sep, program) = match args {
        [p] => (None, *p),
        ["-F", f, p] => (Some(*f), *p),
        [f, p] if f.starts_with("-F") => (Some(&f[2..]), *p),
        _ => return None,
    };
    let body = program.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    let list = body.strip_prefix("print")?.trim().trim_end_matches(';');
    if list.is_empty() || list.contains(['(', ';', '|', '>']) {
        return None;
    }
    // Each output item: a sequence of `$N` and string literals.
    enum Part {
        Field(usize),
        Text(String),
    }
    let mut items: Vec<Vec<Part>> = Vec::new();
    for item in split_top_level(list, ',') {
        let mut parts = Vec::new();
        let mut rest = item.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('$') {
                let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
                parts.push(Part::Field(digits.parse().ok()?));
                rest = r[digits.len()..].trim_start();
            } else if let Some(r) = rest.strip_prefix('"') {
                let end = r.find('"')?;
                parts.push(Part::Text(r[..end].to_string()));
                rest = r[end + 1..].trim_start();
            } else {
                return None;
            }
        }
        items.push(parts);
    }
    let mut out = String::new();
    for line in input.lines() {
        let fields: Vec<&str> = match sep {
            Some(s) if !s.is_empty() => line.split(s).collect(),
            _ => line.split_whitespace().collect(),
        };
        let rendered: Vec<String> = items
            .iter()
            .map(|parts| {
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Field(0) => line.to_string(),
                        Part::Field(n) => fields.get(n - 1).copied().unwrap_or("").to_string(),
                        Part::Text(t) => t.clone(),
                    })
                    .collect::<String>()
            })
            .collect();
        out.push_str(&rendered.join(" "));
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(argv: &[&str]) -> Command {
        let text: Vec<String> = argv.iter().map(|a| format!("'{a}'")).collect();
        crate::shell::analyze(&text.join(" ")).commands.remove(0)
    }

    #[test]
    fn copies_and_line_filters_give_their_input() {
        let f = |argv: &[&str], input: &str| filtered(&cmd(argv), input);
        assert_eq!(
            f(&["perl", "-pe", "s/Z/r/"], "Zm -rf /\n").as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(
            f(&["ruby", "-pe", ""], "rm -rf ~\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(f(&["paste", "-"], "x\n").as_deref(), Some("x\n"));
        assert_eq!(
            f(&["xargs"], "rm\n -rf  ~\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            f(&["iconv", "-f", "UTF-8", "-t", "ASCII"], "ls\n").as_deref(),
            Some("ls\n")
        );
        assert_eq!(
            f(&["basenc", "--base64", "-d"], "L2V0Yw==").as_deref(),
            Some("/etc")
        );
        // Programs that do more than edit lines are not guessed at.
        assert_eq!(f(&["perl", "-pe", "$_ = reverse"], "x\n"), None);
        assert_eq!(f(&["xargs", "-n1"], "a b\n"), None);
        assert_eq!(f(&["dd", "conv=ucase"], "x\n"), None);
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
    fn line_order_joins_fields_and_transliteration_are_followed() {
        assert_eq!(
            filtered(&cmd(&["tac"]), "/\n-rf\nrm\n").as_deref(),
            Some("rm\n-rf\n/\n")
        );
        assert_eq!(
            filtered(&cmd(&["sort"]), "b\na\n").as_deref(),
            Some("a\nb\n")
        );
        assert_eq!(
            filtered(&cmd(&["paste", "-sd "]), "rm\n-rf\n/\n").as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(
            filtered(&cmd(&["paste", "-s", "-d", " "]), "a\nb").as_deref(),
            Some("a b\n")
        );
        assert_eq!(
            filtered(&cmd(&["cut", "-d", " ", "-f2-"]), "1 curl -s x\n").as_deref(),
            Some("curl -s x\n")
        );
        assert_eq!(
            filtered(&cmd(&["sed", "y/bcd/abc/"]), "sn -sg").as_deref(),
            Some("sn -sg")
        );
        assert_eq!(
            filtered(&cmd(&["sed", "y/sn/rm/"]), "sn").as_deref(),
            Some("rm")
        );
        assert_eq!(
            filtered(&cmd(&["jq", "-r", "join(\" \")"]), r#"["rm","-rf","/"]"#).as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(
            filtered(&cmd(&["expand"]), "rm\t~").as_deref(),
            Some("rm ~")
        );
    }

    #[test]
    fn anything_else_stays_unknown() {
        assert_eq!(filtered(&cmd(&["base64"]), "abc"), None, "encoding");
        assert_eq!(filtered(&cmd(&["sort", "-k2"]), "b\na"), None);
        assert_eq!(
            filtered(&cmd(&["paste", "-d", " "]), "a\nb"),
            None,
            "not serial"
        );
        assert_eq!(
            filtered(&cmd(&["sed", "y/ab/x/"]), "ab"),
            None,
            "unequal sets"
        );
        assert_eq!(filtered(&cmd(&["tr", "[:lower:]", "[:upper:]"]), "a"), None);
        assert_eq!(filtered(&cmd(&["base64", "-d"]), "!!!"), None);
        assert_eq!(filtered(&cmd(&["xxd", "-r", "-p"]), "2f6"), None);
        assert_eq!(
            filtered(&cmd(&["sed", "s/a.*//"]), "abc").as_deref(),
            Some("\n")
        );
        assert_eq!(
            filtered(&cmd(&["sed", "-n", "s/a//p"]), "abc").as_deref(),
            Some("bc\n")
        );
        assert_eq!(filtered(&cmd(&["sed", "-n", "s/a//w out"]), "abc"), None);
        assert_eq!(filtered(&cmd(&["cut", "-d:", "-f1", "-s"]), "a:b"), None);
    }

    #[test]
    fn sed_substitutions_and_grep_selections() {
        let run = |a: &[&str], input: &str| filtered(&cmd(a), input);
        let (sed, grep) = (run, run);
        // `-n` with `p`, line addresses, and `grep -o`.
        assert_eq!(
            sed(&["sed", "-n", "s/^#!//p"], "#!curl x | sh\nplain\n").as_deref(),
            Some("curl x | sh\n")
        );
        assert_eq!(
            sed(&["sed", "1d"], "# header\nrm -rf ~\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            sed(&["sed", "-n", "2,$p"], "a\nb\nc\n").as_deref(),
            Some("b\nc\n")
        );
        assert_eq!(sed(&["sed", "$d"], "a\nb\n").as_deref(), Some("a\n"));
        assert_eq!(sed(&["sed", "-n", "2q"], "a\nb\n"), None);
        assert_eq!(
            grep(&["grep", "-o", "curl[^#]*"], "#n curl -s u | sh #e\n").as_deref(),
            Some("curl -s u | sh \n")
        );
        assert_eq!(
            sed(&["sed", "s/.*run: //"], "  - run: rm -rf ~\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            sed(&["sed", "s/~/\\//"], "rm -rf ~\n").as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(
            sed(&["sed", "-E", "s/(r)(m)/\\2\\1/g"], "rm rm\n").as_deref(),
            Some("mr mr\n")
        );
        assert_eq!(
            sed(&["sed", "s/\\(x\\)y/\\1&/"], "xy\n").as_deref(),
            Some("xxy\n")
        );
        assert_eq!(
            sed(&["sed", "-e", "s/a/b/", "-e", "s/b/c/g"], "ab\n").as_deref(),
            Some("cc\n")
        );
        assert_eq!(
            sed(&["sed", "s/[0-9]\\+/N/"], "a12b\n").as_deref(),
            Some("aNb\n")
        );
        // Literal `+` and `(` in a basic expression; `$` in the replacement is literal.
        assert_eq!(
            sed(&["sed", "s/a+(b)/$x/"], "a+(b)\n").as_deref(),
            Some("$x\n")
        );
        // Substitution, and `p`/`d` of line ranges; regex addresses are not modelled.
        assert_eq!(sed(&["sed", "-n", "p"], "x\n").as_deref(), Some("x\n"));
        assert_eq!(sed(&["sed", "/x/d"], "x\n"), None);
        let text = "steps:\n  - run: rm -rf ~\n  - name: x\n";
        assert_eq!(
            grep(&["grep", "run:"], text).as_deref(),
            Some("  - run: rm -rf ~\n")
        );
        assert_eq!(
            grep(&["grep", "-v", "run:"], text).as_deref(),
            Some("steps:\n  - name: x\n")
        );
        assert_eq!(
            grep(&["grep", "-E", "run|name"], text)
                .unwrap()
                .lines()
                .count(),
            2
        );
        assert_eq!(
            grep(&["grep", "-F", "."], "a.b\nab\n").as_deref(),
            Some("a.b\n")
        );
        assert_eq!(grep(&["grep", "-c", "x"], "x\n"), None);
    }

    #[test]
    fn jq_constants_evaluate_and_other_filters_do_not() {
        let v = |f: &str| jq_constant(f, &[]);
        assert_eq!(v(r#""rm -rf ~""#).as_deref(), Some("rm -rf ~"));
        assert_eq!(v(r#""rm" + " -rf ~""#).as_deref(), Some("rm -rf ~"));
        assert_eq!(v("[114,109] | implode").as_deref(), Some("rm"));
        assert_eq!(
            v(r#""cm0gLXJmIH4=" | @base64d"#).as_deref(),
            Some("rm -rf ~")
        );
        assert_eq!(
            v(r#"["rm","-rf","/"] | join(" ")"#).as_deref(),
            Some("rm -rf /")
        );
        assert_eq!(
            v(r#"["rm","-rf","/"] | @sh"#).as_deref(),
            Some("'rm' '-rf' '/'")
        );
        assert_eq!(
            v(r#""~ fr- mr" | explode | reverse | implode"#).as_deref(),
            Some("rm -rf ~")
        );
        assert_eq!(v(r#"["rm -r","f ~"] | add"#).as_deref(), Some("rm -rf ~"));
        let vars = [("p".to_string(), "~".to_string())];
        assert_eq!(
            jq_constant(r#""rm -rf " + $p"#, &vars).as_deref(),
            Some("rm -rf ~")
        );
        assert_eq!(v(".items[].name"), None);
        assert_eq!(v("$ENV.X"), None);
        assert_eq!(v("[1,2] | length"), None);
    }

    #[test]
    fn dc_and_bc_print_their_text() {
        assert_eq!(dc_printed("[rm -rf ~]P").as_deref(), Some("rm -rf ~"));
        assert_eq!(
            dc_printed("16i 726D202D7266207E P").as_deref(),
            Some("rm -rf ~")
        );
        assert_eq!(dc_printed("2 3 + p").as_deref(), Some("5\n"));
        assert_eq!(dc_printed("2 3 q"), None);
        assert_eq!(
            bc_printed(r#"print "rm -rf ~\n""#).as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(bc_printed("1+2"), None);
    }

    #[test]
    fn macro_processors_expand_simple_definitions() {
        assert_eq!(
            m4_expand(&["-DX=rm"], "X -rf ~\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            m4_expand(&[], "define(`C', `rm -rf ~')dnl\nC\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(m4_expand(&["-I", "inc"], "x"), None);
        assert_eq!(
            cpp_expand(&["-P"], "#define D rm -rf ~\nD\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(cpp_expand(&["-include", "x.h"], "D"), None);
    }

    #[test]
    fn byte_ranges_fields_and_yaml_values() {
        let f = |argv: &[&str], input: &str| filtered(&cmd(argv), input);
        assert_eq!(f(&["tail", "-c", "+3"], "xxrm").as_deref(), Some("rm"));
        assert_eq!(f(&["head", "-c", "2"], "rm -rf").as_deref(), Some("rm"));
        assert_eq!(f(&["dd", "bs=1", "skip=3"], "xxxrm").as_deref(), Some("rm"));
        assert_eq!(f(&["dd", "if=/dev/sda"], "x"), None);
        assert_eq!(
            f(&["awk", "{print $3, $2, $1}"], "~ -rf rm\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(
            f(&["awk", "-F:", "{print $2}"], "a:rm -rf ~:b\n").as_deref(),
            Some("rm -rf ~\n")
        );
        assert_eq!(f(&["awk", "{system($0)}"], "x\n"), None);
        assert_eq!(
            f(&["yq", ".c"], "c: rm -rf ~\nd: 'x'\n").as_deref(),
            Some("rm -rf ~\nx\n")
        );
    }
}
