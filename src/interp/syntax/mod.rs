//! Python and JavaScript read with their tree-sitter grammars, for what a token stream cannot
//! see: which names are functions, methods, lambdas, arrow functions or aliases of a call, and
//! what a call of one of them does.
//!
//! The result is *lowered code* in the same language: for every call of something the snippet
//! defines itself, the body with the call's arguments in place of the parameters (a helper that
//! only returns a value is replaced by that value, an alias by what it names, a loop over a
//! literal list is unrolled), so the token analysis and its vocabulary (`rules/interp.toml`)
//! judge it like code written out by hand. A function that lists a directory, calls itself on
//! the entries and removes them is lowered to the language's recursive delete of its argument
//! (`recursive_delete` in the vocabulary).
//!
//! Everything is bounded: the code's size, the parse time, the depth of inlining, the depth of
//! the syntax tree followed and the size of the lowered text.

use super::{in_list, Lang, Vocab};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tree_sitter::{Node, Parser, Tree};

mod expand;
mod program;
mod resolve;

/// Longest code read with a grammar (longer code gets the token analysis only).
const MAX_CODE: usize = 256 * 1024;
/// Time one parse may take.
const PARSE_BUDGET: Duration = Duration::from_millis(150);
/// How deep calls of the snippet's own functions are inlined.
const MAX_INLINE: usize = 4;
/// How deep the syntax tree is followed (deeper nesting is copied as written).
const MAX_NODE_DEPTH: usize = 100;
/// Most lowered text produced for one snippet (and for one statement, and one value written in).
const MAX_OUT: usize = 256 * 1024;
/// Longest value text written in for a name (longer values leave the name as written).
const MAX_VALUE_TEXT: usize = 4 * 1024;
/// Most elements of a literal list a loop is unrolled over.
const MAX_UNROLL: usize = 8;

thread_local! {
    static PYTHON: RefCell<Option<Parser>> = const { RefCell::new(None) };
    static JAVASCRIPT: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse `code` with this thread's parser for `lang` within the parse budget.
fn parse(lang: Lang, code: &str) -> Option<Tree> {
    let cell = match lang {
        Lang::Python => &PYTHON,
        Lang::JavaScript => &JAVASCRIPT,
        _ => return None,
    };
    let deadline = Instant::now() + PARSE_BUDGET;
    cell.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            let language = match lang {
                Lang::Python => tree_sitter_python::LANGUAGE,
                _ => tree_sitter_javascript::LANGUAGE,
            };
            p.set_language(&language.into()).ok()?;
            *slot = Some(p);
        }
        let parser = slot.as_mut()?;
        let bytes = code.as_bytes();
        let mut read = |i: usize, _: tree_sitter::Point| bytes.get(i..).unwrap_or(&[]);
        // tree-sitter calls this every hundred or so parse operations, and one operation can
        // scan far ahead (in `a)a)a)…` each external-scanner call reads the rest of the input):
        // the clock is read on every call.
        let mut progress = |_: &tree_sitter::ParseState| {
            if Instant::now() >= deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let tree = parser.parse_with_options(&mut read, None, Some(options));
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// Words whose presence makes the grammar worth running: definitions, lambdas, aliases and
/// loops are what the token analysis cannot follow.
const TRIGGERS: &[&str] = &[
    "def ", "lambda", "function", "Function", "=>", "class ", "for ", "=", "import",
];

/// The snippet rewritten with its own functions, methods, lambdas and aliases followed (see the
/// module documentation), or `None` when that changes nothing.
pub(super) fn lower(lang: Lang, vocab: &Vocab, code: &str) -> Option<String> {
    if code.len() > MAX_CODE || !TRIGGERS.iter().any(|t| code.contains(t)) {
        return None;
    }
    // One command often has the same snippet analysed more than once (its effects, then
    // whether it reads stdin): the last few results are kept.
    let key = (lang, code);
    if let Some(hit) = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(l, c, _)| (*l, c.as_str()) == key)
            .map(|(_, _, out)| out.clone())
    }) {
        return hit;
    }
    let out = lower_uncached(lang, vocab, code);
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() >= RECENT_SIZE {
            r.remove(0);
        }
        r.push((lang, code.to_string(), out.clone()));
    });
    out
}

/// How many lowered snippets each thread remembers.
const RECENT_SIZE: usize = 4;

thread_local! {
    static RECENT: RefCell<Vec<(Lang, String, Option<String>)>> = const { RefCell::new(Vec::new()) };
}

/// [`lower`] without the cache.
fn lower_uncached(lang: Lang, vocab: &Vocab, code: &str) -> Option<String> {
    let tree = parse(lang, code)?;
    let root = tree.root_node();
    let program = Program::read(lang, vocab, code, root);
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    // What each statement becomes, and which call sites were followed.
    let mut pieces: Vec<Option<(String, Lowered)>> = Vec::with_capacity(statements.len());
    for &statement in &statements {
        if program.defines_only(statement) {
            pieces.push(None);
            continue;
        }
        let env = Env::default();
        // A loop over a literal list is replaced by its unrolled copies.
        let text = if program.fully_unrolled(statement) {
            String::new()
        } else {
            // Values written into values can grow without bound (`a = b + b; b = c + c; …`):
            // past the output bound the statement stays as written.
            Some(program.text(statement, &env, 0, 0))
                .filter(|t| t.len() <= MAX_OUT)
                .unwrap_or_else(|| program.src(statement).to_string())
        };
        let mut extra = Lowered::default();
        program.expand(statement, &env, 0, 0, &mut Vec::new(), &mut extra);
        pieces.push(Some((text, extra)));
    }
    // Definitions whose every use was written out are not analysed a second time as written
    // (where their parameters are unknown).
    let removable = if program.exhausted() {
        HashSet::new()
    } else {
        program.fully_followed()
    };
    let mut out = String::with_capacity(code.len() * 2);
    let mut changed = false;
    let mut at = 0;
    for (statement, piece) in statements.iter().zip(pieces) {
        out.push_str(code.get(at..statement.start_byte()).unwrap_or(""));
        let original = program.src(*statement);
        match piece {
            None => {
                let text = program.residual(*statement, &removable);
                changed |= text != original;
                out.push_str(&text);
            }
            Some((text, extra)) => {
                changed |= text != original || !extra.parts.is_empty();
                out.push_str(&text);
                for part in extra.parts {
                    out.push('\n');
                    out.push_str(&part);
                }
            }
        }
        at = statement.end_byte();
    }
    out.push_str(code.get(at..).unwrap_or(""));
    changed.then_some(out)
}

/// Names with known values inside an inlined body: parameters (`p`), fields of the receiver
/// (`self.root`, `this.fd`, `cls.ROOT`) and the receiver's class.
#[derive(Clone, Default)]
struct Env<'t> {
    vars: HashMap<String, String>,
    /// Loop variables bound to a literal element (a dict or list) whose members are looked up.
    nodes: HashMap<String, Node<'t>>,
    class: Option<String>,
}

/// Lowered statements collected for one statement.
#[derive(Default)]
struct Lowered {
    parts: Vec<String>,
    size: usize,
}

impl Lowered {
    /// Add a lowered statement (once; nothing past [`MAX_OUT`]).
    fn push(&mut self, s: String) {
        if self.size + s.len() < MAX_OUT && !s.trim().is_empty() && !self.parts.contains(&s) {
            self.size += s.len() + 1;
            self.parts.push(s);
        }
    }
}

/// A function, method, lambda or arrow function of the snippet.
#[derive(Clone)]
struct Def<'t> {
    /// Its name, when it has one.
    name: Option<String>,
    /// Parameters in order, with their default values.
    params: Vec<(String, Option<Node<'t>>)>,
    /// The body: a block, or an expression (lambda, arrow function).
    body: Node<'t>,
    /// The one expression the function returns, when that is all it does.
    returns: Option<Node<'t>>,
    /// A Python method or class method: the first parameter is the receiver.
    receiver_param: bool,
    /// Lists a directory, calls itself and removes entries: a hand-written recursive delete.
    walker: bool,
    /// A Python `@property` or a JavaScript getter: read as an attribute, not called.
    property: bool,
}

/// A class of the snippet.
#[derive(Default)]
struct Class<'t> {
    /// Base class names.
    bases: Vec<String>,
    /// Methods by name.
    methods: HashMap<String, Def<'t>>,
    /// Class-level attributes and fields: name → value.
    attrs: Vec<(String, Node<'t>)>,
}

/// What a name bound once stands for.
#[derive(Clone)]
enum Alias<'t> {
    /// An expression: `run = os.system`, `const x = cp.execSync`.
    Expr(Node<'t>),
    /// A member taken out by destructuring: `const {execSync: run} = SOURCE` → `SOURCE.execSync`.
    Member(Node<'t>, Node<'t>),
    /// A function with arguments bound in front: `functools.partial(f, a, k=v)`,
    /// `f.bind(this, a)`.
    Partial(Node<'t>, Vec<Node<'t>>),
    /// A module imported by a computed name: `m = importlib.import_module("shu" + "til")`.
    Module(String),
}

/// What the snippet defines, read once.
struct Program<'t, 'v> {
    lang: Lang,
    vocab: &'v Vocab,
    code: &'t str,
    /// Functions (and lambdas or arrow functions bound to a name) by name.
    functions: HashMap<String, Def<'t>>,
    /// Classes by name.
    classes: HashMap<String, Class<'t>>,
    /// Names bound once to another name, a member or a partial application.
    aliases: HashMap<String, Alias<'t>>,
    /// Dict or object literals bound once to a name: name → key → value.
    tables: HashMap<String, HashMap<String, Node<'t>>>,
    /// List, tuple or array literals bound once to a name.
    lists: HashMap<String, Node<'t>>,
    /// Dict, object, list, tuple or array literals bound once to a name (their members are
    /// looked up: `CONFIG["target"]`, `cfg.dirs[0]`).
    literals: HashMap<String, Node<'t>>,
    /// Names bound once to a value computed without side effects (literals, paths, home and
    /// environment lookups): written in place of the name.
    values: HashMap<String, Node<'t>>,
    /// Names bound once to a new instance of one of the classes: name → the constructor call.
    instances: HashMap<String, Node<'t>>,
    /// Names bound to any call or `new` expression (`const f = new Function(…)`).
    constructed: HashMap<String, Node<'t>>,
    /// Event handlers registered with `X.on("evt", f)` (also `once`, `addListener`,
    /// `prependListener`): (emitter, event) → handlers.
    handlers: HashMap<(String, String), Vec<Node<'t>>>,
    /// Names of imported modules (`import subprocess`, `const cp = require("child_process")`):
    /// `subprocess.run` is not a use of the snippet's own `run`.
    modules: HashSet<String>,
    /// Every place a name is used (identifiers and member names): name → start bytes. A name
    /// also written as a string literal (`getattr(o, "run")`) gets `usize::MAX`.
    uses: HashMap<String, HashSet<usize>>,
    /// Uses of a name that were written out by inlining: name → start bytes.
    followed: RefCell<HashMap<String, HashSet<usize>>>,
    /// How deep `text` and `target` are nested right now (arguments of arguments of calls,
    /// calls of calls): bounded by [`MAX_NESTING`] so no input exhausts the stack.
    nesting: Cell<usize>,
    /// Syntax nodes visited so far while lowering (bounded by [`MAX_WORK`]).
    work: Cell<usize>,
}

/// Deepest nesting of `text` and `target` calls (each level is a few stack frames).
const MAX_NESTING: usize = 64;

/// Most syntax nodes visited while lowering one snippet (bounds inlining on hostile input).
const MAX_WORK: usize = 400_000;

/// Calls without side effects whose result is a path or a string built from their arguments.
const PURE_CALLS: &[&str] = &[
    "expanduser",
    "expandvars",
    "join",
    "home",
    "homedir",
    "Path",
    "PurePath",
    "PosixPath",
    "resolve",
    "abspath",
    "realpath",
    "normpath",
    "getenv",
    "get",
    "cwd",
    "tmpdir",
    "gettempdir",
    "dirname",
    "basename",
    "str",
    "String",
    "format",
    "replace",
    "lower",
    "upper",
    "strip",
    "trim",
    "resolve",
    "joinpath",
    "with_name",
    "with_suffix",
    "getuser",
    "userInfo",
];

/// Receiver names: the instance inside a method, the class inside a class method.
fn is_receiver(lang: Lang, text: &str) -> bool {
    match lang {
        Lang::Python => matches!(text, "self" | "cls"),
        _ => text == "this",
    }
}
/// The class or function a call or `new` expression constructs (`Cls(…)`, `new Cls(…)`).
fn constructor_name<'a>(call: Node, code: &'a str) -> Option<&'a str> {
    let c = call
        .child_by_field_name("constructor")
        .or_else(|| call.child_by_field_name("function"))?;
    (c.kind() == "identifier")
        .then(|| code.get(c.byte_range()))
        .flatten()
}

/// Does this identifier (re)bind its name other than by a plain assignment: a parameter, a
/// loop variable, `+=`, `++`, `with … as`, `except … as`, `:=`, destructuring, `global`?
fn rebinds(node: Node, parent: Node) -> bool {
    let is = |field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.kind() {
        "augmented_assignment"
        | "augmented_assignment_expression"
        | "for_statement"
        | "for_in_statement" => is("left"),
        "update_expression" => true,
        "named_expression" => is("name"),
        "parameters"
        | "lambda_parameters"
        | "formal_parameters"
        | "default_parameter"
        | "typed_parameter"
        | "typed_default_parameter"
        | "assignment_pattern"
        | "list_splat_pattern"
        | "rest_pattern"
        | "dictionary_splat_pattern"
        | "as_pattern_target"
        | "as_pattern"
        | "except_clause"
        | "catch_clause"
        | "list_pattern"
        | "global_statement"
        | "nonlocal_statement" => true,
        // `const {execSync: x} = …` is counted as an assignment; a pattern in a parameter list
        // or a loop rebinds.
        "array_pattern" | "object_pattern" | "pair_pattern" => {
            let mut top = parent;
            for _ in 0..8 {
                match top.parent() {
                    Some(p)
                        if matches!(
                            p.kind(),
                            "array_pattern" | "object_pattern" | "pair_pattern"
                        ) =>
                    {
                        top = p
                    }
                    _ => break,
                }
            }
            !top.parent().is_some_and(|p| {
                matches!(p.kind(), "variable_declarator" | "assignment_expression")
            })
        }
        // `a, b = x, y` is counted as two assignments; a loop's `for a, b in …` rebinds.
        "pattern_list" | "tuple_pattern" => !parent.parent().is_some_and(|g| {
            g.kind() == "assignment" && g.child_by_field_name("left") == Some(parent)
        }),
        "arrow_function" => is("parameter"),
        _ => false,
    }
}

/// Is this node (an identifier) the expression of an f-string or template interpolation?
fn in_interpolation(parent: Option<Node>) -> bool {
    let mut at = parent;
    for _ in 0..2 {
        match at {
            Some(p) if matches!(p.kind(), "interpolation" | "template_substitution") => {
                return true
            }
            Some(p) if p.kind() == "parenthesized_expression" => at = p.parent(),
            _ => return false,
        }
    }
    false
}

/// Is a string under this parent a name looked up at run time: `getattr(o, "x")`,
/// `globals()["x"]`, `obj["x"]`?
/// `grand` is the parent's parent (asking tree-sitter for it walks down from the root).
fn looked_up(parent: Node, grand: Option<Node>, code: &str) -> bool {
    match parent.kind() {
        "subscript" | "subscript_expression" => true,
        "argument_list" | "arguments" => grand
            .and_then(|call| call.child_by_field_name("function"))
            .and_then(|f| code.get(f.byte_range()))
            .is_some_and(|f| f.ends_with("getattr") || f.ends_with("Reflect.get")),
        _ => false,
    }
}

/// Visit every node under `root` with its parent and grandparent, without recursion.
fn each_node<'a>(
    root: Node<'a>,
    mut visit: impl FnMut(Node<'a>, Option<Node<'a>>, Option<Node<'a>>),
) {
    let mut cursor = root.walk();
    let mut parents: Vec<Node<'a>> = Vec::new();
    loop {
        let node = cursor.node();
        let grand = parents.len().checked_sub(2).map(|k| parents[k]);
        visit(node, parents.last().copied(), grand);
        if cursor.goto_first_child() {
            parents.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            parents.pop();
        }
    }
}

/// Is this Python function written under `@NAME`?
fn decorated_with(node: Node, code: &str, name: &str) -> bool {
    let Some(parent) = node.parent().filter(|p| p.kind() == "decorated_definition") else {
        return false;
    };
    let mut cursor = parent.walk();
    let found = parent.named_children(&mut cursor).any(|d| {
        d.kind() == "decorator"
            && code
                .get(d.byte_range())
                .is_some_and(|t| t.trim_start_matches('@').trim() == name)
    });
    found
}

/// The callee of a call node (Python `call`, JavaScript `call_expression`).
fn callee(node: Node) -> Option<Node> {
    match node.kind() {
        "call" | "call_expression" => node.child_by_field_name("function"),
        _ => None,
    }
}

/// The arguments of a call or a `new` expression, comments left out.
fn call_arguments(node: Node) -> Option<Vec<Node>> {
    let args = node.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let argv = args
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    Some(argv)
}

/// The expression inside any number of parentheses.
fn unparenthesize(mut node: Node) -> Node {
    for _ in 0..MAX_NODE_DEPTH {
        if node.kind() != "parenthesized_expression" {
            break;
        }
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// A dict or object key as written, without quotes (`"x"`, `'x'`, `x`).
fn key_text(raw: &str) -> String {
    string_value(raw).unwrap_or_else(|| raw.to_string())
}

/// The value of a simple string literal, its escapes decoded (see `tokens::escape_at`).
fn string_value(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let quote = raw.chars().next()?;
    if !matches!(quote, '"' | '\'' | '`') || raw.len() < 2 || !raw.ends_with(quote) {
        return None;
    }
    // A triple-quoted literal may hold its quote character; any other may not unescaped (the
    // text `'a'+'b'`, copied as written past a bound, is not one literal).
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let triple_quoted = raw.len() >= 6 && raw.starts_with(&triple) && raw.ends_with(&triple);
    let body = if triple_quoted {
        &raw[3..raw.len() - 3]
    } else {
        &raw[1..raw.len() - 1]
    };
    let inner: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == quote && !triple_quoted {
            return None;
        }
        if inner[i] == '\\' && i + 1 < inner.len() {
            let (c, used) = crate::interp::tokens::escape_at(&inner, i + 1);
            out.extend(c);
            i += 1 + used;
        } else {
            if inner[i] != '\\' {
                out.push(inner[i]);
            }
            i += 1;
        }
    }
    Some(out)
}

/// The program a name the language fixes stands for: the running interpreter
/// (`sys.executable`, `process.execPath`).
pub(crate) fn running_interpreter(lang: Lang, expr: &str) -> Option<&'static str> {
    // (Split at the dot: the rule-id check reads dotted literals as rule ids.)
    match (lang, expr.split_once('.')) {
        (Lang::Python, Some(("sys", "executable"))) => Some("python3"),
        (Lang::JavaScript, Some(("process", "execPath" | "argv[0]"))) => Some("node"),
        _ => None,
    }
}

/// A number literal's text, as the string it formats to.
fn numeric(text: &str) -> Option<String> {
    (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| text.to_string())
}

/// A string literal for `s`, valid in Python and JavaScript.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Longest code text [`compact`] rewrites: callees and member paths are short, and a long one
/// (a call chain nested thousands deep) would be copied at every level of it.
const MAX_COMPACT: usize = 512;

/// Code text without whitespace (a callee written over several lines). Text longer than
/// [`MAX_COMPACT`] becomes a key naming that stretch of the source, which matches no name.
fn compact(s: &str) -> String {
    if s.len() > MAX_COMPACT {
        return format!("\0{:x}:{}", s.as_ptr() as usize, s.len());
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(lang: Lang, code: &str) -> String {
        let vocab = super::super::vocab(lang).expect("vocabulary");
        lower(lang, vocab, code).unwrap_or_default()
    }

    fn py(code: &str) -> String {
        lowered(Lang::Python, code)
    }

    fn js(code: &str) -> String {
        lowered(Lang::JavaScript, code)
    }

    #[test]
    fn values_built_from_values_do_not_grow_without_bound() {
        // Each name is its predecessor twice: written out in full, the last one is 2^30 long.
        let mut code = String::from("import os\na0 = 'x'\n");
        for i in 1..=30 {
            code.push_str(&format!("a{i} = a{} + a{}\n", i - 1, i - 1));
        }
        code.push_str("os.system(a30)\n");
        let out = py(&code);
        assert!(out.len() <= MAX_OUT + code.len(), "{}", out.len());
        // A short chain is still written out.
        let out = py("import os\nd = '/tmp/'\np = d + 'x'\nos.system('rm -rf ' + p)");
        assert!(
            out.contains("'/tmp/' + 'x'") || out.contains("/tmp/x"),
            "{out}"
        );
    }

    #[test]
    fn functions_are_inlined_with_their_arguments() {
        let out = py(
            "import shutil, os\ndef nuke(p):\n    shutil.rmtree(p)\nnuke(os.path.expanduser('~'))",
        );
        assert!(
            out.contains("shutil.rmtree(os.path.expanduser('~'))"),
            "{out}"
        );
        // Every use was written out: the definition is not analysed again as written.
        assert!(!out.contains("def nuke"), "{out}");
        let out = js("function go(c){ require('child_process').execSync(c) }\ngo('id')");
        assert!(out.contains("execSync('id')"), "{out}");
    }

    #[test]
    fn a_definition_used_any_other_way_is_kept() {
        let out = py("import os\ndef run(c):\n    os.system(c)\nhandlers = {'x': run}\nrun('ls')");
        assert!(out.contains("def run"), "{out}");
    }

    #[test]
    fn helpers_that_return_a_value_are_replaced_by_it() {
        let out = py("import shutil, os\ndef home():\n    return os.path.expanduser('~')\nshutil.rmtree(home())");
        assert!(
            out.contains("shutil.rmtree((os.path.expanduser('~')))"),
            "{out}"
        );
    }

    #[test]
    fn lambdas_aliases_tables_and_partials() {
        assert!(
            py("import os; (lambda f: f('rm -rf ~'))(os.system)").contains("os.system('rm -rf ~')")
        );
        assert!(
            js("const run = require('child_process').execSync; run('id')")
                .contains("require('child_process').execSync('id')")
        );
        assert!(
            js("const {execSync: x} = require('child_process'); x('id')")
                .contains("require('child_process').execSync('id')")
        );
        assert!(py("import os\nd = {'x': os.system}\nd['x']('id')").contains("os.system('id')"));
        let out = py("import functools, shutil\np = functools.partial(shutil.rmtree, ignore_errors=True)\np('/')");
        assert!(
            out.contains("shutil.rmtree('/', ignore_errors=True)"),
            "{out}"
        );
        let out =
            js("const cp = require('child_process'); const run = cp.execSync.bind(cp); run('id')");
        assert!(out.contains("cp.execSync('id')"), "{out}");
        let out = py("from os import execvp as ex\nex('nc', ['nc'])");
        assert!(out.contains("os.execvp('nc'"), "{out}");
    }

    #[test]
    fn methods_follow_the_receiver_and_its_fields() {
        let out = py("import shutil, os\nclass C:\n    def __init__(self, root):\n        self.root = root\n    def run(self):\n        shutil.rmtree(self.root)\nc = C(os.path.expanduser('~'))\nc.run()");
        assert!(
            out.contains("shutil.rmtree(os.path.expanduser('~'))"),
            "{out}"
        );
        // A subclass's override is the one called.
        let out = js("const fs = require('fs');\nclass A { t() { return 'dist'; } run() { fs.rmSync(this.t(), {recursive: true}); } }\nclass B extends A { t() { return '/'; } }\nnew B().run();");
        assert!(out.contains("fs.rmSync(('/'), {recursive: true})"), "{out}");
        let out = py("import shutil\nclass F:\n    ROOT = '/'\n    @classmethod\n    def reset(cls):\n        shutil.rmtree(cls.ROOT)\nF.reset()");
        assert!(out.contains("shutil.rmtree('/')"), "{out}");
        let out = py("import shutil\nclass R:\n    @staticmethod\n    def purge(p):\n        shutil.rmtree(p)\nR.purge('/etc')");
        assert!(out.contains("shutil.rmtree('/etc')"), "{out}");
    }

    #[test]
    fn recursive_directory_walkers_are_recursive_deletes() {
        let out = py("import os\ndef walk(p):\n    for e in os.listdir(p):\n        f = os.path.join(p, e)\n        if os.path.isdir(f):\n            walk(f)\n        else:\n            os.remove(f)\n    os.rmdir(p)\nwalk('/home')");
        assert!(out.contains("shutil.rmtree('/home')"), "{out}");
        // A walker that only prints is not a delete.
        let out = js("const fs = require('fs');\nfunction w(d){ for (const e of fs.readdirSync(d)) { w(d + '/' + e); console.log(e); } }\nw('.')");
        assert!(!out.contains("rmSync"), "{out}");
    }

    #[test]
    fn loops_callbacks_and_generators_apply_each_element() {
        let out = py("import os\nfor f in [os.system]:\n    f('id')");
        assert!(out.contains("os.system('id')"), "{out}");
        let out = py("import subprocess\nrepos = ['api', 'web']\ndef pull(r):\n    subprocess.run(['git', '-C', r, 'pull'])\nlist(map(pull, repos))");
        assert!(out.contains("['git', '-C', 'web', 'pull']"), "{out}");
        let out = py("import shutil\nfrom concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor() as ex:\n    ex.submit(shutil.rmtree, '/srv')");
        assert!(out.contains("shutil.rmtree('/srv')"), "{out}");
        let out = py("import os\ndef steps():\n    yield 'a'\n    yield 'b'\nfor s in steps():\n    os.system(s)");
        assert!(out.contains("os.system('b')"), "{out}");
        let out =
            js("const { exec } = require('child_process');\nPromise.resolve('id').then(exec)");
        assert!(out.contains("exec('id')"), "{out}");
    }

    #[test]
    fn computed_names_and_strings_are_folded() {
        let out = py("import importlib, os\nm = importlib.import_module('shu' + 'til')\ngetattr(m, 'rm' + 'tree')('/')");
        assert!(out.contains("shutil.rmtree('/')"), "{out}");
        let out = js("const parts = ['a', 'b'];\neval(parts.join(''))");
        assert!(out.contains(r#"eval("ab")"#), "{out}");
        let out = js("new Function('require', 'require(\"fs\").rmSync(\"/\")')(require)");
        assert!(out.contains(r#"require("fs").rmSync("/")"#), "{out}");
        let out = js(
            "const h = require('os').homedir();\nrequire('fs').appendFileSync(`${h}/.zshrc`, 'x')",
        );
        assert!(out.contains(r#""" + (h) + "/.zshrc""#), "{out}");
    }

    #[test]
    fn literal_data_is_looked_up_and_formatted() {
        let out = py("import subprocess\nPIPE = {'jobs': [{'steps': [{'run': 'git status'}]}]}\nfor job in PIPE['jobs']:\n    for step in job['steps']:\n        subprocess.run(step['run'], shell=True)");
        assert!(
            out.contains("subprocess.run('git status', shell=True)"),
            "{out}"
        );
        let out = py("import subprocess\nS = {'t': {'cmd': 'pytest', 'args': ['-q']}}\ndef go(cfg=S['t']):\n    subprocess.run([cfg['cmd'], *cfg['args']])\ngo()");
        assert!(out.contains("subprocess.run(['pytest', '-q'])"), "{out}");
        let out = py("import subprocess\ntpl = 'git log --since={since}'\nsubprocess.run(tpl.format(since='2.weeks'), shell=True)");
        assert!(
            out.contains(r#"subprocess.run("git log --since=2.weeks", shell=True)"#),
            "{out}"
        );
        let out = py("import os\nspec = {'h': '10.0.0.1'}\nos.system('ping {h}'.format(**spec))");
        assert!(out.contains(r#"os.system("ping 10.0.0.1")"#), "{out}");
        let out =
            py("import os\nos.system('{c} -rf {t}'.format(c='rm', t=os.path.expanduser('~')))");
        assert!(
            out.contains(r#""rm -rf " + (os.path.expanduser('~'))"#),
            "{out}"
        );
        let out = py("import subprocess\ncmd = 'npm run test'\nsubprocess.run(cmd.split())");
        assert!(
            out.contains(r#"subprocess.run(["npm", "run", "test"])"#),
            "{out}"
        );
        // An f-string hole that is an expression makes the text computed.
        let out = py("import os, sys\nos.system(f'rm -rf {sys.argv[1]}')");
        assert!(
            out.contains(r#"os.system("rm -rf " + (sys.argv[1]) + "")"#),
            "{out}"
        );
        // A loop over a literal list is replaced by its copies.
        let out = py("import subprocess\nfor s in [['git', 'status'], ['npm', 'test']]:\n    subprocess.run(s)");
        assert!(!out.contains("subprocess.run(s)"), "{out}");
    }

    #[test]
    fn properties_context_managers_and_workers() {
        let out = py("import shutil, pathlib\nclass Cache:\n    @property\n    def root(self):\n        return pathlib.Path('~').expanduser()\n    def clear(self):\n        shutil.rmtree(self.root)\nCache().clear()");
        assert!(
            out.contains("shutil.rmtree((pathlib.Path('~').expanduser()))"),
            "{out}"
        );
        let out = py("import shutil\nclass W:\n    def __init__(self, p):\n        self.p = p\n    def __enter__(self):\n        return self\n    def __exit__(self, *e):\n        shutil.rmtree(self.p)\nwith W('/srv') as w:\n    pass");
        assert!(out.contains("shutil.rmtree('/srv')"), "{out}");
        let out = py("import contextlib, os\nwith contextlib.ExitStack() as st:\n    st.callback(os.system, 'id')");
        assert!(out.contains("os.system('id')"), "{out}");
        let out = js("const { Worker } = require('worker_threads');\nnew Worker('require(\"fs\").rmSync(\"/\")', { eval: true });");
        assert!(out.contains(r#"require("fs").rmSync("/")"#), "{out}");
        // A walker over the current directory is read as written (its deletes are guarded).
        let out = js("const fs = require('fs');\nfunction w(d){ for (const e of fs.readdirSync(d)) { if (e === '.cache') fs.rmSync(d + '/' + e, {recursive: true}); else w(d + '/' + e); } }\nw('.')");
        assert!(
            !out.contains(r#"rmSync(".""#) && !out.contains("rmSync('.'"),
            "{out}"
        );
    }

    #[test]
    fn closures_and_event_handlers() {
        let out = py("import shutil, os\ndef make(base):\n    def run():\n        shutil.rmtree(base)\n    return run\nmake(os.path.expanduser('~'))()");
        assert!(
            out.contains("shutil.rmtree(os.path.expanduser('~'))"),
            "{out}"
        );
        let out = js("const fs = require('fs');\nconst mk = base => sub => fs.rmSync(base + sub, {recursive: true});\nmk('/')('etc')");
        assert!(
            out.contains("fs.rmSync('/' + 'etc'") || out.contains(r#"fs.rmSync("/etc""#),
            "{out}"
        );
        let out = js("const { EventEmitter } = require('events');\nconst bus = new EventEmitter();\nbus.on('clean', d => require('fs').rmSync(d, {recursive: true}));\nbus.emit('clean', '/srv');");
        assert!(out.contains("rmSync('/srv'"), "{out}");
    }

    #[test]
    fn interpreter_constants() {
        let out = py("import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'print(1)'])");
        assert!(out.contains(r#"["python3", '-c'"#), "{out}");
    }

    #[test]
    fn rebinding_stops_propagation() {
        // `d` starts empty and grows: it is not the empty string where it is used.
        let out = js("let d = '';\nprocess.stdin.on('data', c => d += c);\nprocess.stdin.on('end', () => eval(d));");
        assert!(!out.contains("eval('')"), "{out}");
        let out = py("p = '/tmp/x'\nfor p in ['/a']:\n    pass\nprint(p)");
        assert!(!out.contains("print('/tmp/x')"), "{out}");
    }

    #[test]
    fn plain_code_is_left_alone() {
        assert_eq!(py("print(1)"), "");
        assert_eq!(js("console.log(require('os').cpus().length)"), "");
        let f = py("def f(x):\n    return x * 2\nprint(f(3))");
        assert!(
            f.contains("print(((3) * 2))") || f.contains("print((3 * 2))"),
            "{f}"
        );
    }

    #[test]
    fn hostile_input_stays_bounded() {
        // Deep nesting and self-recursion end; huge fan-out is cut by the work budget.
        let deep = format!("x = {}1{}", "(".repeat(5000), ")".repeat(5000));
        let _ = py(&deep);
        let _ = py("def f(x):\n    return f(x) + f(x)\nf(1)");
        // Calls nested in arguments and calls of calls, thousands deep, stay on the stack.
        let _ = py(&format!(
            "def f(x):\n    return x\n{}1{}",
            "f(".repeat(20000),
            ")".repeat(20000)
        ));
        let _ = js(&format!("const f = () => f;\nf{}", "()".repeat(20000)));
        let _ = py(&format!(
            "def f(x):\n    return x\nprint({}1{})",
            "f(".repeat(3000),
            ")".repeat(3000)
        ));
        let mut fan = String::from("def a(x):\n    return x\n");
        for i in 0..200 {
            fan.push_str(&format!("def b{i}(x):\n    return a(x) + a(x) + a(x)\n"));
        }
        fan.push_str("print(b1(1))\n");
        let start = std::time::Instant::now();
        let _ = py(&fan);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    /// Past the nesting bound a `+` chain is copied as written; that text (`''+''+…`) begins
    /// and ends with a quote but is not one literal, and must not fold into a wrong string.
    #[test]
    fn text_copied_past_the_nesting_bound_is_not_read_as_one_literal() {
        for n in [8usize, 62, 63, 200] {
            let code = format!(
                "import os;os.system({}+'rm -rf ~')",
                vec!["''"; n].join("+")
            );
            let out = py(&code);
            assert!(!out.contains("'+'"), "{n}: {out}");
        }
        assert_eq!(string_value("'''it's'''").as_deref(), Some("it's"));
        assert_eq!(string_value("'a'+'b'"), None);
        assert_eq!(string_value(r"'it\'s'").as_deref(), Some("it's"));
    }
}
