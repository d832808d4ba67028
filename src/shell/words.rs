//! Word evaluation: quote removal, escapes, literal variables, `$IFS` splitting, substitutions.

use super::escapes::{decode_ansi_c, unescape_double_quoted, unescape_unquoted};
use super::ir::{GapKind, Origin, Word};
use super::walk::{descendants_of_kind, named_children, Source, Walker};
use tree_sitter::Node;

/// One fragment of a word being assembled.
enum Frag {
    /// Literal text; `quoted` text is never split or globbed.
    Text { s: String, quoted: bool },
    /// An unquoted field separator (from `$IFS` or a split variable value).
    Split,
}

/// Accumulates fragments and flags for one syntactic word.
#[derive(Default)]
struct Builder {
    frags: Vec<Frag>,
    /// The word starts with a quoted or escaped `~` (see `note_literal_tilde`).
    literal_tilde: bool,
    dynamic: bool,
    subs: Vec<usize>,
    glob: bool,
    quoted: bool,
    /// tree-sitter split `$NAME` after a lone `$`: the next word starts with the variable name.
    pending_dollar: bool,
    /// A literal `IFS` set in the input (unquoted expansions split on it).
    ifs: Option<String>,
    /// Bytes of expanded values so far (see [`MAX_WORD_BYTES`]).
    size: usize,
    /// A value of unknown text was spliced in unquoted, so braces in the word may not be
    /// the input's own (brace expansion is skipped).
    no_brace: bool,
}

/// Most bytes one word may grow to by expansion; past it the rest is unknown (`$a$a$a…`).
const MAX_WORD_BYTES: usize = 256 * 1024;

impl Builder {
    fn text(&mut self, s: impl Into<String>, quoted: bool) {
        self.frags.push(Frag::Text {
            s: s.into(),
            quoted,
        });
        self.quoted |= quoted;
    }

    /// A placeholder for an unknown value (`$NAME`, `${NAME:?}`): never brace-expanded, and it
    /// does not make the word quoted.
    fn placeholder(&mut self, s: impl Into<String>) {
        self.dynamic = true;
        self.frags.push(Frag::Text {
            s: s.into(),
            quoted: true,
        });
    }

    /// Add an expanded value; unquoted values are split on blanks like bash does.
    fn value(&mut self, v: &Word, quoted: bool) {
        self.dynamic |= v.dynamic;
        self.no_brace |= v.dynamic;
        // A loop variable bound to a glob (`for f in /etc/*`) stands for what the glob matches.
        self.glob |= v.glob;
        self.subs.extend(v.subs.iter().copied());
        self.size += v.text.len();
        if self.size > MAX_WORD_BYTES {
            self.dynamic = true;
            self.no_brace = true;
            self.text("$…", quoted);
            return;
        }
        if quoted {
            self.text(v.text.clone(), true);
            return;
        }
        let ifs: Vec<char> = match &self.ifs {
            Some(i) if !i.is_empty() => i.chars().collect(),
            _ => vec![' ', '\t', '\n'],
        };
        let mut first = true;
        for part in v.text.split(ifs.as_slice()) {
            if !first {
                self.frags.push(Frag::Split);
            }
            first = false;
            if !part.is_empty() {
                self.frags.push(Frag::Text {
                    s: part.to_string(),
                    quoted: false,
                });
            }
        }
    }

    /// Quoted or escaped text at the start of a word that begins with `~`: the shell does not
    /// expand it.
    fn note_literal_tilde(&mut self, text: &str) {
        let at_start = self
            .frags
            .iter()
            .all(|f| matches!(f, Frag::Text { s, .. } if s.is_empty()));
        if at_start && text.starts_with('~') {
            self.literal_tilde = true;
        }
    }

    /// The words, and whether a brace expansion in them was too large to follow.
    fn finish(self, span: (usize, usize)) -> (Vec<Word>, bool) {
        let mut out = Vec::new();
        let mut cur = String::new();
        // Which characters of `cur` were unquoted literal text (brace expansion sees only those).
        let mut mask: Vec<bool> = Vec::new();
        let mut has_any = false;
        let expand = !self.no_brace;
        // A brace expansion too large to follow leaves its word unknown (never a plain literal).
        let mut too_large = false;
        let mut flush = |cur: &mut String, mask: &mut Vec<bool>, out: &mut Vec<String>| {
            let text = std::mem::take(cur);
            let m = std::mem::take(mask);
            match expand.then(|| brace_expand(&text, &m)) {
                Some(Ok(Some(words))) => out.extend(words),
                Some(Err(TooLarge)) => {
                    too_large = true;
                    out.push(text);
                }
                _ => out.push(text),
            }
        };
        for f in self.frags {
            match f {
                Frag::Text { s, quoted } => {
                    mask.extend(std::iter::repeat_n(!quoted, s.chars().count()));
                    cur.push_str(&s);
                    has_any |= quoted || !s.is_empty();
                }
                Frag::Split => {
                    if has_any {
                        flush(&mut cur, &mut mask, &mut out);
                    }
                    has_any = false;
                }
            }
        }
        if has_any {
            flush(&mut cur, &mut mask, &mut out);
        }
        let words = out
            .into_iter()
            .enumerate()
            .map(|(i, text)| Word {
                literal_tilde: i == 0 && self.literal_tilde && text.starts_with('~'),
                text,
                span,
                dynamic: self.dynamic || too_large,
                subs: self.subs.clone(),
                glob: self.glob,
                quoted: self.quoted,
            })
            .collect();
        (words, too_large)
    }
}

/// A brace expansion with more groups than the analysis follows.
#[derive(Debug, PartialEq)]
struct TooLarge;

impl Walker {
    /// Evaluate a word-like node into zero or more words (unquoted expansions may split).
    pub(crate) fn words(&mut self, n: Node, src: &Source) -> Vec<Word> {
        self.words_group(&[n], src)
    }

    /// Evaluate adjacent nodes (no blank between them) as one shell word.
    pub(crate) fn words_group(&mut self, nodes: &[Node], src: &Source) -> Vec<Word> {
        let mut b = Builder {
            ifs: self.state.ifs.clone(),
            ..Builder::default()
        };
        for n in nodes {
            self.fragment(*n, src, false, &mut b);
        }
        let (Some(first), Some(last)) = (nodes.first(), nodes.last()) else {
            return Vec::new();
        };
        let span = src.map.span(first.start_byte(), last.end_byte());
        let (words, too_large) = b.finish(span);
        if too_large {
            self.gap(
                GapKind::DepthExceeded,
                "a brace expansion with more groups than the analysis follows",
                span,
            );
        }
        words
    }

    /// Evaluate a node into exactly one word, joining any split fields with spaces.
    pub(crate) fn joined_word(&mut self, n: Node, src: &Source) -> Word {
        let words = self.words(n, src);
        let mut out = Word {
            span: src.span_of(n),
            ..Word::default()
        };
        for (i, w) in words.into_iter().enumerate() {
            if i > 0 {
                out.text.push(' ');
            }
            out.append(w);
        }
        out
    }

    fn fragment(&mut self, n: Node, src: &Source, in_dq: bool, b: &mut Builder) {
        if !self.enter(n, src) {
            b.dynamic = true;
            b.no_brace = true;
            return;
        }
        self.fragment_kind(n, src, in_dq, b);
        self.leave();
    }

    fn fragment_kind(&mut self, n: Node, src: &Source, in_dq: bool, b: &mut Builder) {
        let mut raw = src.text_of(n);
        // tree-sitter-bash folds the blanks between two expansions inside double quotes into
        // the second one (`"$x $y"` has the nodes `$x` and ` $y`): they are literal text.
        if in_dq
            && matches!(
                n.kind(),
                "simple_expansion" | "expansion" | "command_substitution" | "arithmetic_expansion"
            )
        {
            let body = raw.trim_start();
            if body.len() < raw.len() {
                b.text(raw[..raw.len() - body.len()].to_string(), true);
                raw = body;
            }
        }
        if b.pending_dollar && !in_dq && n.kind() == "word" {
            b.pending_dollar = false;
            let name_len = raw
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(raw.len());
            if name_len > 0 {
                self.variable(&raw[..name_len], None, false, b);
                let rest = &raw[name_len..];
                b.glob |= has_unquoted_glob(rest);
                b.text(unescape_unquoted(rest), false);
                return;
            }
            b.text("$", false);
        }
        match n.kind() {
            "word" | "number" | "special_character" | "test_operator" | "file_descriptor"
            | "extglob_pattern" => {
                // `\~` and `"~"` at a word's start are a file named `~`, not the home directory.
                b.note_literal_tilde(if in_dq {
                    raw
                } else {
                    raw.strip_prefix('\\').unwrap_or("")
                });
                if in_dq {
                    b.text(unescape_double_quoted(raw), true);
                } else {
                    b.glob |= has_unquoted_glob(raw);
                    b.text(unescape_unquoted(raw), false);
                }
            }
            "raw_string" => {
                let inner = raw.strip_prefix('\'').unwrap_or(raw);
                b.note_literal_tilde(inner);
                b.text(inner.strip_suffix('\'').unwrap_or(inner), true);
            }
            "ansi_c_string" => {
                let inner = raw.strip_prefix("$'").unwrap_or(raw);
                b.text(
                    decode_ansi_c(inner.strip_suffix('\'').unwrap_or(inner)),
                    true,
                );
            }
            "string" => self.double_quoted(n, src, b),
            "translated_string" | "command_name" => {
                for c in named_children(n) {
                    self.fragment(c, src, in_dq, b);
                }
            }
            "string_content" => {
                b.note_literal_tilde(raw);
                b.text(unescape_double_quoted(raw), true)
            }
            "concatenation" => {
                let kids = super::walk::all_children(n);
                if kids.iter().all(|k| !k.is_named()) {
                    b.text(unescape_unquoted(raw), false);
                }
                for (i, c) in kids.iter().enumerate() {
                    if c.is_named() {
                        self.fragment(*c, src, in_dq, b);
                    } else if src.text_of(*c) == "$" {
                        if i + 1 == kids.len() {
                            b.pending_dollar = true;
                        } else {
                            b.text("$", in_dq);
                        }
                    }
                }
            }
            "simple_expansion" => {
                // (`$$` is the parameter named `$`.)
                let name = raw.strip_prefix('$').unwrap_or(raw).to_string();
                self.variable(&name, None, in_dq, b);
            }
            "expansion" => self.braced_expansion(n, src, in_dq, b),
            "command_substitution" | "process_substitution" => {
                let id = self.substitution(n, src);
                if !raw.starts_with("<(") && !raw.starts_with(">(") {
                    if let Some(text) = self.literal_output(id) {
                        // `$(echo rm)`: the output is known, so it is a literal.
                        let w = Word {
                            text,
                            ..Word::default()
                        };
                        b.value(&w, in_dq);
                        return;
                    }
                }
                b.subs.push(id);
                b.dynamic = true;
                let shown = if raw.starts_with("<(") {
                    "<(…)".to_string()
                } else if raw.starts_with(">(") {
                    ">(…)".to_string()
                } else {
                    self.echoed_variable(id)
                        .unwrap_or_else(|| "$(…)".to_string())
                };
                b.text(shown, in_dq);
            }
            "arithmetic_expansion" => {
                // `$((2-1))`, `$((-1))`: literal arithmetic is evaluated like bash does.
                let expr = raw
                    .strip_prefix("$((")
                    .and_then(|r| r.strip_suffix("))"))
                    .or_else(|| raw.strip_prefix("$[").and_then(|r| r.strip_suffix(']')));
                if let Some(v) = expr.and_then(eval_arithmetic) {
                    b.text(v.to_string(), in_dq);
                    return;
                }
                if let Some(e) = expr {
                    self.arithmetic_code(e, src.span_of(n));
                }
                self.embedded(n, src);
                b.dynamic = true;
                b.text("$((…))", in_dq);
            }
            "brace_expression" => b.text(raw, in_dq),
            _ if !n.is_named() => {}
            _ => {
                self.embedded(n, src);
                b.text(raw, in_dq);
            }
        }
    }

    /// A double-quoted string: children are expansions, gaps between them are literal text.
    fn double_quoted(&mut self, n: Node, src: &Source, b: &mut Builder) {
        let start = n.start_byte() + 1;
        let end = n.end_byte().saturating_sub(1).max(start);
        let mut pos = start;
        b.quoted = true;
        let mut any = false;
        for c in named_children(n) {
            if c.start_byte() > pos {
                let gap = src.text.get(pos..c.start_byte()).unwrap_or("");
                b.note_literal_tilde(gap);
                b.text(unescape_double_quoted(gap), true);
            }
            self.fragment(c, src, true, b);
            pos = c.end_byte();
            any = true;
        }
        if pos < end {
            let gap = src.text.get(pos..end).unwrap_or("");
            b.note_literal_tilde(gap);
            b.text(unescape_double_quoted(gap), true);
        }
        if !any && pos >= end {
            b.text("", true);
        }
    }

    /// `${…}` forms: plain, `${IFS:0:1}`, `${x:-default}`, anything else is dynamic.
    /// The words of an expansion operator's operand (the ALT of `${x:+ALT}`, the DEFAULT of
    /// `${x:-DEFAULT}`): its nodes evaluated (it may hold quotes or expansions), or `literal`
    /// unescaped when the parser gave it none.
    fn operand_words(&mut self, n: Node, src: &Source, in_dq: bool, literal: &str) -> Vec<Word> {
        let mut ob = Builder::default();
        let kids: Vec<Node> = named_children(n)
            .into_iter()
            .filter(|k| !matches!(k.kind(), "variable_name" | "special_variable_name"))
            .collect();
        if kids.is_empty() {
            ob.text(unescape_unquoted(literal), in_dq);
        } else {
            for k in kids {
                self.fragment(k, src, in_dq, &mut ob);
            }
        }
        ob.finish((0, 0)).0
    }

    fn braced_expansion(&mut self, n: Node, src: &Source, in_dq: bool, b: &mut Builder) {
        let raw = src.text_of(n).trim_start();
        // `${x:-`cmd`}`, `${x/a/`cmd`}`: tree-sitter-bash leaves backticks inside an expansion as
        // text; bash runs them when the operand is expanded.
        if raw.contains('`') {
            for k in descendants_of_kind(n, "word") {
                if self.walk_backticks(src.text_of(k), k.start_byte(), src) {
                    b.dynamic = true;
                }
            }
        }
        let inner = raw
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .unwrap_or("");
        // `${a[i]}` with `i='b[$(cmd)]'`: the index of an element is arithmetic.
        if let Some((base, rest)) = inner.trim_start_matches(['!', '#']).split_once('[') {
            if let Some(end) = rest.rfind(']') {
                self.subscript_code(&format!("{base}[{}]", &rest[..end]), src.span_of(n));
            }
        }
        // `${!#}`: the last positional parameter.
        if inner == "!#" {
            if let Some(last) = self
                .state
                .positional
                .as_ref()
                .and_then(|p| p.last())
                .cloned()
            {
                b.value(&last, in_dq);
                return;
            }
        }
        // `${!ref}`: indirection through a variable whose value is a known name.
        if let Some(r) = inner.strip_prefix('!') {
            if r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !r.is_empty() {
                if let Some(target) = self
                    .vars
                    .get(r)
                    .filter(|v| !v.dynamic)
                    .map(|v| v.text.clone())
                {
                    if target
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !target.is_empty()
                    {
                        self.variable(&target, None, in_dq, b);
                        return;
                    }
                }
            }
        }
        let name_len = if inner.starts_with(['@', '*']) {
            1
        } else {
            inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len())
        };
        let (name, op) = inner.split_at(name_len);
        // `${a[@]}`, `${a[*]}`, `${a[0]}`, `${a[i+1]}`, `${m[key]}`, `${a[@]:1}`.
        if let Some((index, tail)) = op.strip_prefix('[').and_then(|r| r.split_once(']')) {
            let elems = self.state.arrays.get(self.deref(name)).cloned();
            match (index, elems) {
                ("@" | "*", Some(elems)) => {
                    if let Some(part) = slice(&elems, tail) {
                        self.spread(part, in_dq && index == "*", in_dq, b);
                        return;
                    }
                }
                (i, elems) if tail.is_empty() => {
                    if let Some(e) = self.element(name, i, elems.as_deref()) {
                        b.value(&e, in_dq);
                        return;
                    }
                }
                _ => {}
            }
        }
        // `${@:2}`, `${@: -1}`: a slice of the positional parameters (`$0` is offset 0).
        if matches!(name, "@" | "*")
            && op.starts_with(':')
            && !op[1..].starts_with(['-', '=', '+', '?'])
        {
            if let Some(p) = self.state.positional.clone() {
                let all: Vec<Word> = std::iter::once(self.state.arg0.clone().unwrap_or_default())
                    .chain(p)
                    .collect();
                if let Some(part) = slice(&all, op) {
                    self.spread(part, in_dq && name == "*", in_dq, b);
                    return;
                }
            }
        }
        // Parameter operations on a known value: `${x/a/b}`, `${x#p}`, `${x,,}`, `${x:1}`.
        if !op.is_empty() && !op.starts_with('[') {
            let known = self.known_value(name);
            if let Some(v) = known {
                // `${p@P}` expands the value as a prompt, which runs the command substitutions it
                // holds (`p='$(rm -rf /)'; echo ${p@P}`).
                if op == "@P" && (v.text.contains("$(") || v.text.contains('`')) {
                    let code = Word {
                        text: format!(": {}", v.text),
                        ..v.clone()
                    };
                    self.nested_code(&code, Origin::Eval);
                }
                let sliced = self.numeric_slice(op);
                let op = sliced.as_deref().unwrap_or(op);
                if let Some(out) = super::state::param_op(&v.text, op) {
                    let w = Word { text: out, ..v };
                    b.value(&w, in_dq);
                    return;
                }
            }
        }
        // `${HOME:0:1}`: whatever the home or working directory is, it starts with `/`; so do
        // `PATH` (its first entry) and `SHELL` in any real environment.
        if matches!(name, "HOME" | "PWD" | "OLDPWD" | "PATH" | "SHELL")
            && matches!(op.replace(' ', "").as_str(), ":0:1" | "::1")
            && self.known_value(name).is_none()
        {
            b.text("/", in_dq);
            return;
        }
        // `${PWD%%/*}`, `${HOME%%/*}`: everything from the first `/` removed from a path that
        // starts with one leaves nothing (`rm -rf "${PWD%%/*}"/*` is `rm -rf /*`).
        if matches!(name, "HOME" | "PWD" | "OLDPWD" | "SHELL")
            && matches!(op, "%%/*" | "%%/**")
            && self.known_value(name).is_none()
        {
            b.text("", in_dq);
            return;
        }
        // `${PATH:0:0}`, `${_:3:0}`: a substring of length 0 is empty whatever the value.
        if let Some(range) = op
            .strip_prefix(':')
            .filter(|r| !r.starts_with(['-', '=', '+', '?']))
        {
            if let Some((_, len)) = range.split_once(':') {
                if len.trim().trim_start_matches('0').is_empty() && !len.trim().is_empty() {
                    return;
                }
            }
        }
        if name.is_empty() {
            self.embedded(n, src);
            b.placeholder(format!("${{{inner}}}"));
            return;
        }
        if op.is_empty() {
            self.variable(name, None, in_dq, b);
            return;
        }
        if name == "IFS" && (op.starts_with(':') && !op.starts_with(":-")) {
            self.variable(name, None, in_dq, b);
            return;
        }
        // `${x:?}`, `${x?msg}`: the value itself when it is known (the guard only aborts on empty).
        if op.starts_with(":?") || op.starts_with('?') {
            if let Some(v) = self.known_value(name).filter(|v| !v.text.is_empty()) {
                b.value(&v, in_dq);
                return;
            }
        }
        // `${x:+ALT}`: ALT when x is set, nothing when it is empty. `${x:+$x}` is x's own value.
        // With x unknown, ALT is what the word holds when it holds anything (`${PROMPT_COMMAND:+
        // $PROMPT_COMMAND; }history -a`), marked as not known for sure.
        if let Some(alt) = op.strip_prefix(":+").or_else(|| op.strip_prefix('+')) {
            let known = self.known_value(name);
            if let Some(v) = known.as_ref().filter(|v| !v.text.is_empty()) {
                if alt == format!("${name}") || alt == format!("${{{name}}}") {
                    b.value(v, in_dq);
                    return;
                }
            }
            if op.starts_with(':') && known.as_ref().is_some_and(|v| v.text.is_empty()) {
                return;
            }
            // A variable neither the input nor any usual environment sets is most likely unset,
            // and then the word holds nothing: `rm -rf "${x:+nothing}/"` removes `/`.
            let usually_set = matches!(
                name,
                "HOME"
                    | "USER"
                    | "LOGNAME"
                    | "PATH"
                    | "SHELL"
                    | "PWD"
                    | "TERM"
                    | "LANG"
                    | "HOSTNAME"
                    | "UID"
                    | "EUID"
                    | "PPID"
                    | "BASH"
                    | "BASH_VERSION"
                    | "OLDPWD"
                    | "SHLVL"
                    | "_"
                    | "@"
                    | "*"
                    | "#"
                    | "?"
                    | "$"
                    | "!"
                    | "-"
                    | "0"
            ) || name.chars().all(|c| c.is_ascii_digit());
            if known.is_none() && !usually_set && !alt.contains(['$', '`']) {
                return;
            }
            let words = self.operand_words(n, src, in_dq, alt);
            b.value(&joined_operand(&words, known.is_none()), in_dq);
            return;
        }
        for prefix in [":-", "-", ":=", "="] {
            if let Some(default) = op.strip_prefix(prefix) {
                // Variables the login environment always sets (`${HOME:-}`) and parameters the
                // input fixes keep their own value; the default never applies.
                let always_set =
                    matches!(name, "HOME" | "USER" | "LOGNAME" | "PWD" | "PATH" | "SHELL");
                if always_set || self.known_value(name).is_some_and(|v| !v.text.is_empty()) {
                    self.variable(name, None, in_dq, b);
                } else {
                    let words = self.operand_words(n, src, in_dq, default);
                    // `: ${Z:=/usr}` assigns a literal default as well as giving it (the default
                    // is walked once: nested defaults must not multiply the work).
                    if let ("=" | ":=", [w]) = (prefix, words.as_slice()) {
                        if !w.dynamic && !w.text.is_empty() {
                            let value = Word {
                                quoted: false,
                                ..w.clone()
                            };
                            self.vars.insert(name.to_string(), value.clone());
                            b.value(&value, in_dq);
                            return;
                        }
                    }
                    let known_empty = prefix.starts_with(':')
                        && self.known_value(name).is_some_and(|v| v.text.is_empty());
                    let joined = joined_operand(&words, !known_empty);
                    // `unset Q; rm -rf "${Q:-/etc}"`: a variable known to be empty takes the default.
                    if known_empty {
                        b.value(&joined, in_dq);
                        return;
                    }
                    self.variable(name, Some(joined), in_dq, b);
                }
                return;
            }
        }
        self.embedded(n, src);
        // Whatever the operator makes of it (`${K:$i:60}`), the result comes from the variable's
        // value: what that value was computed from (a secret read, a download) carries over.
        if let Some(v) = self.known_value(name) {
            b.subs.extend(v.subs.iter().copied());
        }
        if op.starts_with(":?") || op.starts_with('?') {
            // `${DIR:?}` aborts when DIR is empty: keep it visible so rules can tell it is guarded.
            b.placeholder(format!("${{{name}:?}}"));
        } else {
            b.placeholder(format!("${name}"));
        }
    }

    /// The value of a variable or positional parameter when the input fixes it.
    fn known_value(&self, name: &str) -> Option<Word> {
        // `"${@:-rm}"` with no positional parameters: the default applies.
        if matches!(name, "@" | "*") {
            let none = self.state.positional.as_ref().is_some_and(|p| p.is_empty());
            return none.then(Word::default);
        }
        if let Ok(n) = name.parse::<usize>() {
            if n == 0 {
                return self.state.arg0.clone();
            }
            return self
                .state
                .positional
                .as_ref()
                .map(|p| p.get(n - 1).cloned().unwrap_or_default());
        }
        self.vars.get(self.deref(name)).cloned()
    }

    /// An array element: `${a[2]}`, `${a[i]}` / `${a[i+1]}` with known integers, a sparse
    /// element (`a[5]=x`, `a=([3]=x)`) or an associative one (`m[key]`), kept as `NAME[KEY]`.
    fn element(&self, name: &str, index: &str, elems: Option<&[Word]>) -> Option<Word> {
        if let Some(v) = self.vars.get(&format!("{name}[{index}]")) {
            return Some(v.clone());
        }
        let n = self.arithmetic(index)?;
        if let Some(v) = self.vars.get(&format!("{name}[{n}]")) {
            return Some(v.clone());
        }
        let elems = elems?;
        // `${a[-1]}`: negative indexes count from the end.
        let at = if n < 0 {
            elems
                .len()
                .checked_sub(usize::try_from(n.unsigned_abs()).ok()?)?
        } else {
            usize::try_from(n).ok()?
        };
        elems.get(at).cloned()
    }

    /// `:i:2`, `:$((1+1)):2` (the operator of `${x:i:2}`): offset and length are arithmetic; with
    /// known values, the operator with plain numbers. `None` for other operators.
    fn numeric_slice(&self, op: &str) -> Option<String> {
        let rest = op
            .strip_prefix(':')
            .filter(|r| !r.starts_with(['-', '=', '?', '+']))?;
        let mut out = String::new();
        for part in rest.splitn(2, ':') {
            let part = part.trim();
            let expr = part
                .strip_prefix("$((")
                .and_then(|p| p.strip_suffix("))"))
                .unwrap_or(part);
            let n = self.arithmetic(expr)?;
            // A negative offset keeps its blank (`${x:-2}` would be a default).
            out.push_str(if n < 0 { ": " } else { ":" });
            out.push_str(&n.to_string());
        }
        Some(out)
    }

    /// Evaluate an arithmetic expression whose names (`i`, `$i`) hold known integers.
    pub(crate) fn arithmetic(&self, expr: &str) -> Option<i64> {
        let mut out = String::new();
        let mut name = String::new();
        let flush = |name: &mut String, out: &mut String| -> Option<()> {
            if !name.is_empty() {
                let v = self.vars.get(name.as_str())?;
                out.push_str(&v.text.trim().parse::<i64>().ok()?.to_string());
                name.clear();
            }
            Some(())
        };
        for c in expr.chars() {
            if c.is_ascii_alphabetic() || c == '_' || (!name.is_empty() && c.is_ascii_digit()) {
                name.push(c);
            } else {
                flush(&mut name, &mut out)?;
                if c != '$' {
                    out.push(c);
                }
            }
        }
        flush(&mut name, &mut out)?;
        eval_arithmetic(&out)
    }

    /// Several values as separate words (`"$@"`, `"${a[@]}"`), or joined (`"$*"`).
    fn spread(&mut self, elems: &[Word], joined: bool, in_dq: bool, b: &mut Builder) {
        if joined {
            // `"${a[*]}"` joins with the first character of IFS (nothing when IFS is empty).
            let sep: String = match &self.state.ifs {
                Some(i) => i.chars().take(1).collect(),
                None => " ".into(),
            };
            let text = elems
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
                .join(&sep);
            let w = Word {
                text,
                dynamic: elems.iter().any(|e| e.dynamic),
                ..Word::default()
            };
            b.value(&w, true);
            return;
        }
        for (i, e) in elems.iter().enumerate() {
            if i > 0 {
                b.frags.push(Frag::Split);
            }
            b.value(e, in_dq);
        }
        if elems.is_empty() && in_dq {
            b.text("", false);
        }
    }

    /// Expand a variable: `IFS` is a separator, known literals are substituted, others stay `$NAME`.
    fn variable(&mut self, name: &str, default: Option<Word>, in_dq: bool, b: &mut Builder) {
        let aliased;
        let name = if self.namerefs.is_empty() {
            name
        } else {
            aliased = self.deref(name).to_string();
            aliased.as_str()
        };
        if matches!(name, "@" | "*") {
            if let Some(p) = self.state.positional.clone() {
                // `"${@:-rm}"` with no parameters: the default.
                match (&default, p.is_empty()) {
                    (Some(d), true) => b.value(d, in_dq),
                    _ => self.spread(&p, name == "*" && in_dq, in_dq, b),
                }
                return;
            }
        }
        if name == "#" {
            if let Some(p) = &self.state.positional {
                b.text(p.len().to_string(), in_dq);
                return;
            }
        }
        if name.parse::<usize>().is_ok() {
            if let Some(v) = self.known_value(name) {
                b.value(&v, in_dq);
                return;
            }
        }
        if name == "IFS"
            && self
                .state
                .ifs
                .as_deref()
                .is_some_and(|i| !i.chars().all(char::is_whitespace))
        {
            let v = Word {
                text: self.state.ifs.clone().unwrap_or_default(),
                ..Word::default()
            };
            b.value(&v, true);
            return;
        }
        if name == "IFS" {
            if in_dq {
                b.text(" ", true);
            } else {
                b.frags.push(Frag::Split);
            }
            return;
        }
        if let Some(v) = self.vars.get(name).cloned() {
            b.value(&v, in_dq);
            return;
        }
        // `$PWD` / `$OLDPWD` after a `cd` the input made.
        let dir = match name {
            "PWD" => self.state.cwd.clone(),
            "OLDPWD" => self.state.oldpwd.clone(),
            _ => None,
        };
        if let Some(text) = dir.filter(|_| self.track_state) {
            b.value(
                &Word {
                    text: text.to_string(),
                    ..Word::default()
                },
                in_dq,
            );
            return;
        }
        if let Some(d) = default {
            b.value(&d, in_dq);
            return;
        }
        // `rm$IFS$9-rf$IFS$9/`: a positional parameter the input never set, glued after a field
        // separator, is the empty filler of an obfuscated command (a prompt's `$9` is empty).
        let positional = matches!(name, "@" | "*") || name.parse::<usize>().is_ok_and(|n| n > 0);
        if positional
            && !in_dq
            && self.state.positional.is_none()
            && matches!(b.frags.last(), Some(Frag::Split))
        {
            return;
        }
        // `r$@m -$@rf /`: the parameter list glued inside a word after a letter or a dash is the
        // same empty filler (no one writes `name$@` to pass arguments).
        let glued_inside = matches!(
            b.frags.last(),
            Some(Frag::Text { s, .. }) if s.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
        );
        if matches!(name, "@" | "*") && !in_dq && self.state.positional.is_none() && glued_inside {
            return;
        }
        // The shell's own process id is one value for the whole input: `/tmp/$$.sh` written
        // and then run is one file.
        if matches!(name, "$" | "BASHPID") {
            b.text(format!("${name}"), in_dq);
            return;
        }
        b.placeholder(format!("${name}"));
    }
}

/// `${a[@]:OFF}` / `${a[@]:OFF:LEN}` (a negative offset counts from the end); `tail` is the
/// text after the subscript. An empty tail is the whole array.
fn slice<'a>(elems: &'a [Word], tail: &str) -> Option<&'a [Word]> {
    if tail.is_empty() {
        return Some(elems);
    }
    let rest = tail.strip_prefix(':')?;
    let (off, len) = match rest.split_once(':') {
        Some((o, l)) => (o, Some(l)),
        None => (rest, None),
    };
    let off = eval_arithmetic(off.trim())?;
    let count = elems.len() as i64;
    let start = if off < 0 { count + off } else { off };
    if !(0..=count).contains(&start) {
        return None;
    }
    let end = match len {
        Some(l) => {
            let l = eval_arithmetic(l.trim())?;
            if l < 0 {
                count + l
            } else {
                (start + l).min(count)
            }
        }
        None => count,
    };
    elems.get(start as usize..end.max(start) as usize)
}

/// True when unquoted word text holds an unescaped glob character.
fn has_unquoted_glob(raw: &str) -> bool {
    let mut escaped = false;
    for c in raw.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Evaluate integer arithmetic over literals only (`+ - * / %`, unary minus, parentheses).
/// Anything else (variables, assignments, shifts) is unknown.
pub(crate) fn eval_arithmetic(expr: &str) -> Option<i64> {
    let toks: Vec<char> = expr.chars().filter(|c| !c.is_whitespace()).collect();
    if toks.is_empty() || toks.len() > 200 {
        return None;
    }
    let mut pos = 0;
    let v = arith_sum(&toks, &mut pos, 0)?;
    (pos == toks.len()).then_some(v)
}

fn arith_sum(t: &[char], pos: &mut usize, depth: usize) -> Option<i64> {
    let mut v = arith_product(t, pos, depth)?;
    while let Some(&op) = t.get(*pos).filter(|c| **c == '+' || **c == '-') {
        *pos += 1;
        let r = arith_product(t, pos, depth)?;
        v = if op == '+' {
            v.checked_add(r)?
        } else {
            v.checked_sub(r)?
        };
    }
    Some(v)
}

fn arith_product(t: &[char], pos: &mut usize, depth: usize) -> Option<i64> {
    let mut v = arith_unary(t, pos, depth)?;
    while let Some(&op) = t.get(*pos).filter(|c| matches!(**c, '*' | '/' | '%')) {
        *pos += 1;
        let r = arith_unary(t, pos, depth)?;
        v = match op {
            '*' => v.checked_mul(r)?,
            '/' => v.checked_div(r)?,
            _ => v.checked_rem(r)?,
        };
    }
    Some(v)
}

fn arith_unary(t: &[char], pos: &mut usize, depth: usize) -> Option<i64> {
    if depth > 32 {
        return None;
    }
    match t.get(*pos)? {
        '-' => {
            *pos += 1;
            arith_unary(t, pos, depth + 1)?.checked_neg()
        }
        '+' => {
            *pos += 1;
            arith_unary(t, pos, depth + 1)
        }
        '(' => {
            *pos += 1;
            let v = arith_sum(t, pos, depth + 1)?;
            (t.get(*pos) == Some(&')')).then(|| *pos += 1)?;
            Some(v)
        }
        c if c.is_ascii_digit() => {
            let start = *pos;
            while t.get(*pos).is_some_and(|c| c.is_ascii_digit()) {
                *pos += 1;
            }
            let digits: String = t[start..*pos].iter().collect();
            // A leading 0 is octal in bash; keep it simple and exact: only decimal literals.
            if digits.len() > 1 && digits.starts_with('0') {
                return None;
            }
            digits.parse().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod arithmetic_tests {
    use super::eval_arithmetic as e;

    #[test]
    fn literal_arithmetic_is_evaluated_and_anything_else_is_not() {
        assert_eq!(e("1"), Some(1));
        assert_eq!(e("-1"), Some(-1));
        assert_eq!(e("2-1"), Some(1));
        assert_eq!(e(" 3 * 3 "), Some(9));
        assert_eq!(e("(1+2)*-(4/2)"), Some(-6));
        assert_eq!(e("7%4"), Some(3));
        assert_eq!(e("x+1"), None);
        assert_eq!(e("1/0"), None);
        assert_eq!(e("010"), None);
        assert_eq!(e("9223372036854775807+1"), None);
        assert_eq!(e("1 << 2"), None);
    }
}

/// Most words one brace expansion may produce (past it the word stays as written).
const MAX_BRACE_WORDS: usize = 64;

/// Bash brace expansion of `text` (`/{etc,usr}` → `/etc /usr`, `-1{,}` → `-1 -1`, `{1..3}`),
/// using only braces and commas that were unquoted (`mask`). `None` when nothing expands.
fn brace_expand(text: &str, mask: &[bool]) -> Result<Option<Vec<String>>, TooLarge> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != mask.len() || !chars.contains(&'{') {
        return Ok(None);
    }
    let mut out = Vec::new();
    if expand_into(&chars, mask, &mut out, 0, None, &mut 1).is_none() {
        // Too many words (`rm -rf {/,/}{/,/}…`, 128 of them): every alternative of every group
        // still appears, the k-th word taking the k-th alternative of each group.
        out.clear();
        let (mut k, mut widest) = (0, 1);
        while k < widest && k < MAX_BRACE_WORDS {
            expand_into(&chars, mask, &mut out, 0, Some(k), &mut widest).ok_or(TooLarge)?;
            k += 1;
        }
    }
    Ok((out.len() > 1 || out.first().is_some_and(|w| w != text)).then_some(out))
}

/// Expand the first brace group of `chars` into `out`: every alternative, or with `pick` only
/// the `pick`-th (the last when there are fewer); `widest` records the most alternatives seen.
fn expand_into(
    chars: &[char],
    mask: &[bool],
    out: &mut Vec<String>,
    depth: usize,
    pick: Option<usize>,
    widest: &mut usize,
) -> Option<()> {
    // Every word is built group by group; one pick per group is linear, so it may go deeper.
    if depth > if pick.is_some() { 64 } else { 8 } {
        return None;
    }
    // The first unquoted `{` with a matching unquoted `}` and a top-level comma or `..` inside.
    for open in 0..chars.len() {
        if chars[open] != '{' || !mask[open] {
            continue;
        }
        let mut level = 0;
        let mut commas = Vec::new();
        let mut close = None;
        for (j, c) in chars.iter().enumerate().skip(open) {
            if !mask[j] {
                continue;
            }
            match c {
                '{' => level += 1,
                '}' => {
                    level -= 1;
                    if level == 0 {
                        close = Some(j);
                        break;
                    }
                }
                ',' if level == 1 => commas.push(j),
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let inner: String = chars[open + 1..close].iter().collect();
        let alternatives: Vec<(Vec<char>, Vec<bool>)> = if commas.is_empty() {
            match range(&inner) {
                Some(items) => items
                    .into_iter()
                    .map(|s| {
                        let c: Vec<char> = s.chars().collect();
                        let m = vec![false; c.len()];
                        (c, m)
                    })
                    .collect(),
                None => continue,
            }
        } else {
            let mut bounds = vec![open];
            bounds.extend(&commas);
            bounds.push(close);
            bounds
                .windows(2)
                .map(|w| {
                    (
                        chars[w[0] + 1..w[1]].to_vec(),
                        mask[w[0] + 1..w[1]].to_vec(),
                    )
                })
                .collect()
        };
        *widest = (*widest).max(alternatives.len());
        let (skip, take) = match pick {
            Some(k) => (k.min(alternatives.len().saturating_sub(1)), 1),
            None => (0, alternatives.len()),
        };
        for (alt, alt_mask) in alternatives.into_iter().skip(skip).take(take) {
            let mut c = chars[..open].to_vec();
            let mut m = mask[..open].to_vec();
            c.extend(alt);
            m.extend(alt_mask);
            c.extend(&chars[close + 1..]);
            m.extend(&mask[close + 1..]);
            expand_into(&c, &m, out, depth + 1, pick, widest)?;
            if out.len() > MAX_BRACE_WORDS {
                return None;
            }
        }
        return Some(());
    }
    out.push(chars.iter().collect());
    Some(())
}

/// `1..5`, `a..e`, `5..1`: the items of a brace range (at most [`MAX_BRACE_WORDS`]).
fn range(inner: &str) -> Option<Vec<String>> {
    let (a, b) = inner.split_once("..")?;
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        if x.abs_diff(y) as usize >= MAX_BRACE_WORDS {
            return None;
        }
        let items: Vec<i64> = if x <= y {
            (x..=y).collect()
        } else {
            (y..=x).rev().collect()
        };
        return Some(items.into_iter().map(|v| v.to_string()).collect());
    }
    let (mut x, mut y) = (a.chars(), b.chars());
    let (Some(x), None, Some(y), None) = (x.next(), x.next(), y.next(), y.next()) else {
        return None;
    };
    if !x.is_ascii_alphabetic() || !y.is_ascii_alphabetic() {
        return None;
    }
    let items: Vec<char> = if x <= y {
        (x..=y).collect()
    } else {
        (y..=x).rev().collect()
    };
    Some(items.into_iter().map(String::from).collect())
}

#[cfg(test)]
mod brace_tests {
    use super::brace_expand;

    fn all(s: &str) -> Option<Vec<String>> {
        brace_expand(s, &vec![true; s.chars().count()]).unwrap_or(None)
    }

    #[test]
    fn unquoted_braces_expand_like_bash() {
        assert_eq!(all("/{etc,usr}").unwrap(), ["/etc", "/usr"]);
        assert_eq!(all("-1{,}").unwrap(), ["-1", "-1"]);
        assert_eq!(all("a{b,c{d,e}}f").unwrap(), ["abf", "acdf", "acef"]);
        assert_eq!(all("x{1..3}").unwrap(), ["x1", "x2", "x3"]);
        assert_eq!(all("{a..c}").unwrap(), ["a", "b", "c"]);
        assert_eq!(all("{}"), None);
        assert_eq!(all("{x}"), None);
        assert_eq!(all("${HOME}"), None, "no comma: not an expansion");
        assert_eq!(all("{1..100000}"), None, "too many words: left as written");
        // Quoted braces or commas do not expand.
        let s = "{a,b}";
        assert_eq!(brace_expand(s, &[false, true, true, true, false]), Ok(None));
        assert_eq!(brace_expand(s, &[true, true, false, true, true]), Ok(None));
        // Past the bound every alternative still appears once.
        let many = "x{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}";
        assert_eq!(
            all(many),
            Some(vec!["xacegikm".to_string(), "xbdfhjln".to_string()])
        );
        // Past even that, the word is unknown.
        let deep = "{/,/}".repeat(70);
        assert_eq!(
            brace_expand(&deep, &vec![true; deep.len()]),
            Err(super::TooLarge)
        );
    }
}

/// An operator's operand words as one value; `uncertain` when whether it applies is not known.
fn joined_operand(words: &[Word], uncertain: bool) -> Word {
    Word {
        text: words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        dynamic: uncertain || words.iter().any(|w| w.dynamic),
        subs: words.iter().flat_map(|w| w.subs.clone()).collect(),
        ..Word::default()
    }
}
