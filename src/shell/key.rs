//! The approval key: one canonical spelling of an input that keeps everything that changes what
//! runs and drops only spelling.
//!
//! Kept: every operator (`&&` ≠ `||` ≠ `|` ≠ `;` ≠ `&`), every redirection, word boundaries
//! (`rm "a b"` ≠ `rm a b`), whether a glob or brace character is quoted (`rm '*'` ≠ `rm *`),
//! whether an expansion is quoted (`"$x"` ≠ `$x`), substitutions with their own canonical code,
//! heredoc bodies byte for byte. Dropped: quoting style of literal text (`r''m`, `\rm`, `"rm"`,
//! `$'\x72m'` are all `rm`), blanks, comments, and the difference between `;` and a newline that
//! ends a statement. An input tree-sitter cannot parse cleanly keys as its exact text.

use super::escapes::{decode_ansi_c, unescape_double_quoted};
use super::preprocess::preprocess;
use super::walk::parse_tree;
use std::time::{Duration, Instant};
use tree_sitter::Node;

/// How long the key's own parse may take before the exact text is used instead.
const PARSE_BUDGET: Duration = Duration::from_millis(500);

/// The approval key of `input` (see the module documentation).
pub fn approval_key(input: &str) -> String {
    let exact = || format!("exact:{input}");
    if input.contains("coproc") {
        // The parser fix-ups blank the keyword of a compound coproc; keep it distinct instead.
        return exact();
    }
    // Joined line continuations and expanded command-position brace lists, as bash reads them.
    let input = &preprocess(input).text;
    let Some(tree) = parse_tree(input, Instant::now() + PARSE_BUDGET) else {
        return exact();
    };
    let root = tree.root_node();
    if root.has_error() {
        return exact();
    }
    let mut w = KeyWriter {
        src: input,
        toks: Vec::new(),
        glue: false,
        prefix: String::new(),
        depth: 0,
        too_deep: false,
    };
    w.node(root);
    if w.too_deep {
        return exact();
    }
    if w.toks.last().map(String::as_str) == Some(";") {
        w.toks.pop();
    }
    w.toks.join(" ")
}

/// Node kinds that are (parts of) one shell word.
const WORD_KINDS: &[&str] = &[
    "word",
    "string",
    "raw_string",
    "ansi_c_string",
    "translated_string",
    "concatenation",
    "simple_expansion",
    "expansion",
    "command_substitution",
    "arithmetic_expansion",
    "number",
];

/// One piece of a word: a literal character (and whether it keeps its special meaning because
/// it was unquoted), or an expansion rendered canonically.
enum Piece {
    Char { c: char, special: bool },
    Expansion(String),
}

/// Characters that mean the same quoted or not, and need no quotes to be shown.
fn is_plain(c: char) -> bool {
    c.is_alphanumeric() || "_-./:@%+=,^".contains(c)
}

/// Characters that keep a meaning of their own when left unquoted inside a word.
fn is_word_special(c: char) -> bool {
    "*?[]~{}!".contains(c)
}

struct KeyWriter<'s> {
    src: &'s str,
    toks: Vec<String>,
    /// The next token joins the last one (`2>`: a descriptor and its operator are one token).
    glue: bool,
    /// Escaped blanks right before the next word (tree-sitter reads `\ ` as a blank, bash as a
    /// literal space that starts the word).
    prefix: String,
    /// Syntax nesting at the current node.
    depth: usize,
    /// The tree is nested deeper than [`MAX_KEY_DEPTH`]: the key is the exact input.
    too_deep: bool,
}

/// Nesting past which the canonical key is not computed (the input's own text is its key).
const MAX_KEY_DEPTH: usize = 256;

impl<'s> KeyWriter<'s> {
    /// A writer for a part of this one (an assignment's value, a substitution's code).
    fn inner(&self) -> KeyWriter<'s> {
        KeyWriter {
            src: self.src,
            toks: Vec::new(),
            glue: false,
            prefix: String::new(),
            depth: self.depth,
            too_deep: false,
        }
    }

    fn text(&self, n: Node) -> &'s str {
        self.src.get(n.start_byte()..n.end_byte()).unwrap_or("")
    }

    fn push(&mut self, tok: String) {
        match self.toks.last_mut() {
            Some(last) if self.glue => last.push_str(&tok),
            _ => self.toks.push(tok),
        }
        self.glue = false;
    }

    fn node(&mut self, n: Node) {
        let kind = n.kind();
        if kind == "comment" {
            return;
        }
        if n.is_named() && WORD_KINDS.contains(&kind) {
            let w = self.word(n);
            self.push(w);
            return;
        }
        if kind == "file_descriptor" {
            self.push(self.text(n).to_string());
            self.glue = true;
            return;
        }
        if kind == "heredoc_body" || n.child_count() == 0 {
            let t = self.text(n);
            if !t.is_empty() {
                self.push(t.to_string());
            }
            return;
        }
        if kind == "process_substitution" {
            let open = n.child(0).map(|c| self.text(c)).unwrap_or("<(");
            let inner = self.sub_key(n);
            self.push(format!("{open}{inner})"));
            return;
        }
        if kind == "variable_assignment" {
            self.assignment(n);
            return;
        }
        if self.depth >= MAX_KEY_DEPTH {
            self.too_deep = true;
            return;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        // (Not `n.parent()`: tree-sitter finds a parent by walking down from the root.)
        let is_root = self.depth == 0 && n.kind() == "program";
        let start = if is_root { 0 } else { n.start_byte() };
        let end = if is_root {
            self.src.len()
        } else {
            n.end_byte()
        };
        for (i, c) in children.iter().enumerate() {
            let gap_start = if i == 0 {
                start
            } else {
                children[i - 1].end_byte()
            };
            self.escaped_blanks(gap_start, c.start_byte(), c.is_named());
            if i > 0 {
                let prev = children[i - 1];
                let gap = self.src.get(prev.end_byte()..c.start_byte()).unwrap_or("");
                let ends_statement = prev.is_named()
                    && c.is_named()
                    && prev.kind() != "comment"
                    && gap.split("\\\n").any(|part| part.contains('\n'));
                if ends_statement && self.toks.last().map(String::as_str) != Some(";") {
                    self.toks.push(";".into());
                }
            }
            self.depth += 1;
            self.node(*c);
            self.depth -= 1;
        }
        let tail = children.last().map_or(start, |c| c.end_byte());
        self.escaped_blanks(tail, end, false);
    }

    /// Words made of escaped blanks in a gap between nodes become tokens; a run that touches the
    /// next word becomes its prefix.
    fn escaped_blanks(&mut self, from: usize, to: usize, named_follows: bool) {
        let gap = self.src.get(from..to.max(from)).unwrap_or("");
        if !gap.contains('\\') {
            return;
        }
        let mut run = String::new();
        let mut chars = gap.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().copied()) {
                ('\\', Some(b @ (' ' | '\t'))) => {
                    chars.next();
                    run.push(b);
                }
                _ => {
                    if !run.is_empty() {
                        let blanks = std::mem::take(&mut run);
                        self.push(format!("'{blanks}'"));
                    }
                }
            }
        }
        if !run.is_empty() {
            if named_follows {
                self.prefix = run;
            } else {
                self.push(format!("'{run}'"));
            }
        }
    }

    /// `NAME=value` / `NAME+=value` / `a[i]=value` as one token (the value keeps its own spacing).
    fn assignment(&mut self, n: Node) {
        let mut head = String::new();
        let mut value = self.inner();
        let mut in_value = false;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            if in_value {
                value.node(c);
            } else {
                head.push_str(self.text(c));
                in_value = !c.is_named() && self.text(c).ends_with('=');
            }
        }
        self.too_deep |= value.too_deep;
        if in_value && value.toks.is_empty() {
            value.toks.push("''".into());
        }
        head.push_str(&value.toks.join(" "));
        self.push(head);
    }

    /// The canonical code inside a substitution (its children between the delimiters).
    fn sub_key(&mut self, n: Node) -> String {
        let mut inner = self.inner();
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            if c.is_named() {
                inner.node(c);
            }
        }
        self.too_deep |= inner.too_deep;
        if inner.toks.last().map(String::as_str) == Some(";") {
            inner.toks.pop();
        }
        inner.toks.join(" ")
    }

    fn word(&mut self, n: Node) -> String {
        let mut pieces: Vec<Piece> = std::mem::take(&mut self.prefix)
            .chars()
            .map(|c| Piece::Char { c, special: false })
            .collect();
        self.pieces(n, false, &mut pieces);
        render(&pieces)
    }

    fn pieces(&mut self, n: Node, in_dq: bool, out: &mut Vec<Piece>) {
        let text = self.text(n);
        let quoted_text = |s: &str, out: &mut Vec<Piece>| {
            out.extend(s.chars().map(|c| Piece::Char { c, special: false }));
        };
        match n.kind() {
            "word" | "number" if !in_dq => unquoted_word(text, out),
            "raw_string" => {
                quoted_text(text.get(1..text.len().saturating_sub(1)).unwrap_or(""), out)
            }
            "ansi_c_string" => {
                let body = text.get(2..text.len().saturating_sub(1)).unwrap_or("");
                quoted_text(&decode_ansi_c(body), out);
            }
            "string" | "translated_string" => {
                let mut cursor = n.walk();
                let mut last = n.start_byte() + if n.kind() == "string" { 1 } else { 2 };
                for c in n.named_children(&mut cursor) {
                    // Literal text between parts (tree-sitter does not always make it a node).
                    if let Some(lit) = self.src.get(last..c.start_byte()) {
                        quoted_text(&unescape_double_quoted(lit), out);
                    }
                    if c.kind() == "string_content" {
                        quoted_text(&unescape_double_quoted(self.text(c)), out);
                    } else {
                        self.pieces(c, true, out);
                    }
                    last = c.end_byte();
                }
                let end = n.end_byte().saturating_sub(1);
                if let Some(lit) = self.src.get(last..end.max(last)) {
                    quoted_text(&unescape_double_quoted(lit), out);
                }
            }
            "concatenation" => {
                let mut cursor = n.walk();
                for c in n.children(&mut cursor) {
                    self.pieces(c, in_dq, out);
                }
            }
            "simple_expansion" => {
                let name = text.trim_start_matches('$');
                out.push(Piece::Expansion(quote_if(&format!("${{{name}}}"), in_dq)));
            }
            "command_substitution" => {
                let inner = self.sub_key(n);
                out.push(Piece::Expansion(quote_if(&format!("$({inner})"), in_dq)));
            }
            _ if n.child_count() == 0 && !n.is_named() && !in_dq => unquoted_word(text, out),
            _ => out.push(Piece::Expansion(quote_if(text, in_dq))),
        }
    }
}

fn quote_if(s: &str, in_dq: bool) -> String {
    if in_dq {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

/// Characters of an unquoted word: a backslash quotes the next character.
fn unquoted_word(text: &str, out: &mut Vec<Piece>) {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e) => out.push(Piece::Char {
                    c: e,
                    special: false,
                }),
                None => out.push(Piece::Char { c, special: false }),
            }
        } else {
            out.push(Piece::Char {
                c,
                special: is_word_special(c),
            });
        }
    }
}

/// Show pieces as one word: plain and special characters bare, other literal characters in
/// single quotes, expansions as rendered. The result depends only on the pieces.
fn render(pieces: &[Piece]) -> String {
    let assign_like = looks_like_assignment(pieces);
    let needs_quotes = |i: usize, p: &Piece| {
        (i == 0 && assign_like) || matches!(p, Piece::Char { c, special: false } if !is_plain(*c))
    };
    let all_literal = pieces
        .iter()
        .all(|p| matches!(p, Piece::Char { special: false, .. }));
    if pieces.is_empty() {
        return "''".into();
    }
    if all_literal && pieces.iter().enumerate().any(|(i, p)| needs_quotes(i, p)) {
        let s: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Char { c: '\'', .. } => "'\\''".to_string(),
                Piece::Char { c, .. } => c.to_string(),
                Piece::Expansion(e) => e.clone(),
            })
            .collect();
        return format!("'{s}'");
    }
    let mut out = String::new();
    let mut run = String::new();
    for (i, p) in pieces.iter().enumerate() {
        if needs_quotes(i, p) {
            if let Piece::Char { c, .. } = p {
                if *c == '\'' {
                    run.push_str("'\\''");
                } else {
                    run.push(*c);
                }
            }
            continue;
        }
        if !run.is_empty() {
            out.push('\'');
            out.push_str(&std::mem::take(&mut run));
            out.push('\'');
        }
        match p {
            Piece::Char { c, .. } => out.push(*c),
            Piece::Expansion(e) => out.push_str(e),
        }
    }
    if !run.is_empty() {
        out.push('\'');
        out.push_str(&run);
        out.push('\'');
    }
    out
}

/// A word whose literal start reads `NAME=` or `NAME+=`: shown with its first character quoted
/// so it never looks like an assignment.
fn looks_like_assignment(pieces: &[Piece]) -> bool {
    let mut name_len = 0;
    for p in pieces {
        match p {
            Piece::Char { c, .. } if *c == '_' || c.is_ascii_alphabetic() => name_len += 1,
            Piece::Char { c, .. } if c.is_ascii_digit() && name_len > 0 => name_len += 1,
            Piece::Char {
                c: '=' | '+' | '[', ..
            } => return name_len > 0,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::approval_key as key;

    #[test]
    fn spelling_does_not_change_the_key() {
        let same = [
            "rm -rf build",
            "r''m -rf build",
            "\\rm -rf build",
            "\"rm\" '-rf' \"build\"",
            "$'\\x72m' -rf build",
            "rm   -rf    build   # clean",
            "rm -r\\\nf build",
        ];
        for s in same {
            assert_eq!(key(s), "rm -rf build", "{s:?}");
        }
        assert_eq!(key("a; b"), key("a\nb"));
        assert_eq!(key("echo \"a b\""), key("echo 'a b'"));
        assert_eq!(key("echo \"a b\""), key("echo a\\ b"));
        assert_eq!(key("echo \"$x\""), key("echo \"${x}\""));
        assert_eq!(key("ls $(echo  'hi')"), key("ls `echo hi`"));
    }

    #[test]
    fn what_runs_changes_the_key() {
        let differ = [
            ("test -d x && rm -rf x", "test -d x || rm -rf x"),
            ("a | b", "a ; b"),
            ("a & b", "a ; b"),
            ("a && b", "a & b"),
            ("echo x > f", "echo x >> f"),
            ("echo x > f", "echo x 2> f"),
            ("rm \"a b\"", "rm a b"),
            ("rm '*'", "rm *"),
            ("rm \\*", "rm *"),
            ("echo {a,b}", "echo '{a,b}'"),
            ("rm \"$x\"", "rm $x"),
            ("ls $(a && b)", "ls $(a || b)"),
            ("cat <<'E'\n$x\nE", "cat <<E\n$x\nE"),
            ("cat <<E\nhello\nE", "cat <<E\nworld\nE"),
            ("rm -rf ~", "rm -rf '~'"),
            ("x=1 cmd", "'x=1' cmd"),
            ("cmd <(a)", "cmd >(a)"),
            ("a; b", "a;; b"),
            ("echo 2 > f", "echo 2> f"),
            ("a=1 b", "a = 1 b"),
            ("a=1 b", "'a=1' b"),
            ("a=(x y) b", "a=(xy) b"),
            ("x \\ y", "x y"),
            ("x \\  y", "x y"),
        ];
        for (a, b) in differ {
            assert_ne!(key(a), key(b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn unparsable_input_keys_as_its_exact_text() {
        assert_eq!(key("echo 'unterminated"), "exact:echo 'unterminated");
        assert_ne!(key("if then fi ("), key("if then fi  ("));
    }
}
