//! Walks a tree-sitter-bash syntax tree and builds the [`Script`] IR.
//!
//! The walker visits every construct that can execute code, resolves literal variables in source
//! order, evaluates words (see `words.rs`), strips wrappers (see `wrappers.rs`) and re-parses nested
//! code (see `nested.rs`) up to [`MAX_DEPTH`] levels.

use super::ir::*;
use super::preprocess::preprocess;
use crate::findings::Span;
use crate::text::offset32;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tree_sitter::{Node, Parser, Tree};

/// How many levels of re-parsed code (`bash -c "eval '…'"`) are followed.
pub const MAX_DEPTH: usize = 8;
/// Upper bound on commands recorded for one input (guards loop unrolling and nesting blow-ups).
const MAX_COMMANDS: usize = 200_000;
/// Time budget for the whole shell-layer analysis of one input. Input that tree-sitter cannot parse
/// in this time is reported (core.analysis-timeout), never silently allowed.
pub const TIME_BUDGET: Duration = Duration::from_secs(3);
/// How deeply nested syntax (subshells in subshells, `$(` in `$(`) is followed before the walker
/// stops and reports it; keeps hostile input from exhausting the stack.
const MAX_NESTING: usize = 200;
/// How deep commands run by commands are followed (wrappers, `xargs`, `find -exec`, sinks).
pub(crate) const MAX_EMIT_DEPTH: usize = 64;
/// Largest value a variable may hold while still being resolved literally; past it the value is
/// unknown (keeps `a="$a$a"` doubling from growing without bound).
pub(crate) const MAX_VALUE_BYTES: usize = 64 * 1024;
/// Bytes of variable values one walk resolves before long values are cut (see
/// [`Walker::resolved_bytes`]).
const RESOLVED_BYTES_BUDGET: usize = 16 * 1024 * 1024;
/// How much of a value past [`MAX_VALUE_BYTES`] is kept as its known start.
const KEPT_PREFIX_BYTES: usize = 4 * 1024;
/// How many literal values of a `for` loop are substituted one by one.
const MAX_LOOP_VALUES: usize = 8;
/// Most files written earlier that a loop too long to unroll is followed into, and their
/// total size.
const MAX_WRITTEN_LOOP_FILES: usize = 512;
const MAX_WRITTEN_LOOP_BYTES: usize = 1 << 20;
/// Most times one loop body is walked, counting the unrolling of every enclosing loop.
const MAX_UNROLL: usize = 64;

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("tree-sitter-bash grammar matches the tree-sitter runtime");
    p
}

/// The body of a backtick substitution as bash runs it, when it holds an escaped backtick:
/// `\``, `\$` and `\\` lose their backslash (other backslashes stay). `None` otherwise.
fn backtick_body_unescaped(text: &str) -> Option<String> {
    let body = text.strip_prefix('`')?.strip_suffix('`')?;
    if !body.contains("\\`") {
        return None;
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('`' | '$' | '\\')) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The text the parser is given, byte for byte as long as `text`, or `None` when `text` itself
/// will do: every non-ASCII character replaced by `,` bytes, and a `$` that ends a line replaced
/// by `_`. bash reads such a `$` as a literal dollar sign; tree-sitter-bash starts an expansion
/// there and swallows the line end and the next command (`x=$⏎rm -rf /` parsed as one
/// assignment), so the parse must not see it.
fn ascii_shadow(text: &str) -> Option<String> {
    let dollar_at_line_end = |t: &str| {
        t.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'$' && matches!(w[1], b'\n' | b'\r'))
    };
    if text.is_ascii() && !dollar_at_line_end(text) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && matches!(chars.peek(), Some('\n' | '\r')) {
            out.push('_');
        } else if c.is_ascii() {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(',', c.len_utf8()));
        }
    }
    Some(out)
}

/// The redirection that directly follows node `n` (its own next sibling, or that of the enclosing
/// list or statement `n` ends), if any.
fn following_redirect(n: Node) -> Option<Node> {
    let mut cur = n;
    loop {
        if let Some(next) = cur.next_sibling() {
            return next.kind().ends_with("_redirect").then_some(next);
        }
        let parent = cur.parent()?;
        if parent.end_byte() != cur.end_byte() {
            return None;
        }
        cur = parent;
    }
}

/// The first node, in document order, that `wanted` accepts among those inside the parts of the
/// tree that hold a parse error (nothing when the parse is clean).
fn first_in_error_subtrees<'t>(
    root: Node<'t>,
    wanted: impl Fn(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if wanted(node) {
            return Some(node);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

/// The first `ERROR` node inside a word or among a command's arguments whose text is more than
/// plain characters (statement-level errors are reported where the walker meets them).
fn first_error_in_words<'t>(root: Node<'t>, text: &str) -> Option<Node<'t>> {
    // Only text that could end a command or start one hides anything (`(.)`, a zsh glob
    // qualifier, does not).
    let hides = |t: &str| t.contains([';', '&', '|', '\n', '`']) || t.contains("$(");
    first_in_error_subtrees(root, |node| {
        let in_word = node.kind() == "ERROR"
            && node.parent().is_some_and(|p| {
                matches!(
                    p.kind(),
                    "concatenation" | "command_name" | "command" | "string" | "array"
                )
            });
        // Inside `${x:+…}` the operand is text to bash (`${PC:+$PC; }`), not statements.
        let in_expansion = || {
            std::iter::successors(node.parent(), |p| p.parent()).any(|p| p.kind() == "expansion")
        };
        in_word
            && hides(text.get(node.start_byte()..node.end_byte()).unwrap_or("`"))
            && !in_expansion()
    })
}

/// The first node the parser inserted to complete the input (`MISSING "]"`), if any.
fn first_missing(root: Node) -> Option<Node> {
    first_in_error_subtrees(root, |node| node.is_missing())
}

/// How many times lines the grammar joined are split and the text parsed again.
const MISJOIN_ROUNDS: usize = 4;

/// The longest pipeline parsed (about 45 MB of parser memory); no one types a longer one.
const MAX_PIPELINE_STAGES: usize = 1500;

/// Inputs at least this long are parsed in chunks cut at top-level line ends: a helper thread
/// parses the chunks ahead while this one walks the ones already parsed (two cores).
const SPLIT_PARSE_BYTES: usize = 128 * 1024;

/// The first chunk: small, so the walk starts early.
const FIRST_CHUNK_BYTES: usize = 32 * 1024;

/// Each later chunk.
const CHUNK_BYTES: usize = 48 * 1024;

/// Walking is faster than parsing, so the walking thread also parses the first chunk and every
/// eighth one after it; the helper thread parses the others.
fn parsed_here(chunk: usize) -> bool {
    chunk.is_multiple_of(8)
}

/// How one chunk of a long text parsed.
enum ChunkReading {
    /// Without an error: walk this tree.
    Clean(Tree),
    /// With an error that ends before the chunk does (a stray token, a line the grammar
    /// joined): the chunk is read alone, the way a whole text is.
    LocalError,
    /// Not in time, or with an error or a missing token reaching the chunk's end: the chunk
    /// may end inside a construct, and the rest must be read as one text.
    Open,
}

/// Classify a chunk's tree.
fn chunk_reading(tree: Option<Tree>, text: &str) -> ChunkReading {
    let Some(tree) = tree else {
        return ChunkReading::Open;
    };
    let root = tree.root_node();
    if !root.has_error() {
        return if misjoined_lines(root, text).is_empty() {
            ChunkReading::Clean(tree)
        } else {
            ChunkReading::LocalError
        };
    }
    // A missing token anywhere, or an error reaching the chunk's end.
    let end = text.trim_end().len();
    let open = first_in_error_subtrees(root, |n| {
        n.is_missing() || (n.is_error() && n.end_byte() >= end)
    });
    if open.is_some() {
        ChunkReading::Open
    } else {
        ChunkReading::LocalError
    }
}

/// Where tree-sitter-bash read several lines as one command. After a pipeline of three or more
/// stages, the grammar can take the next lines, up to one with a redirection or `&&`, as more
/// arguments of the last stage (`ls | sort | head\nrm -rf ~ 2>/dev/null` parses as `head`
/// with arguments `rm -rf ~`) — without an error; so does a line that starts with a backslash
/// after a plain word (`ls -la\n\\rm -rf ~`). Bash never continues a simple command over a
/// bare line end, so each such command gives the offset right after its last word before the
/// line end, where a `;` restores what bash reads.
fn misjoined_lines(root: Node, text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    // Only over a line end: after a pipeline of three stages, or before a line that starts
    // with a backslash (`ls -la` then `\rm -rf ~` parses as one `ls` with the next line's words).
    if !text.contains('\n') || text.matches('|').nth(1).is_none() && !text.contains("\n\\") {
        return out;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        if node.kind() == "command" {
            let mut last_word_end = None;
            for pair in children.windows(2) {
                let (before, after) = (pair[0], pair[1]);
                if before.kind() != "comment" {
                    last_word_end = Some(before.end_byte());
                }
                let gap = text
                    .get(before.end_byte()..after.start_byte())
                    .unwrap_or("");
                // The grammar can also start the next word with the line end itself
                // (`ls -la\n\\rm` reads `\n\\rm` as one word).
                let word = text.get(after.start_byte()..after.end_byte()).unwrap_or("");
                let word_starts_line = word.starts_with('\n') || word.starts_with("\r\n");
                let Some(nl) = gap.find('\n').or(word_starts_line.then_some(gap.len())) else {
                    continue;
                };
                let continued = gap[..nl].ends_with('\\');
                if !continued && before.kind() != "heredoc_redirect" {
                    if let Some(at) = last_word_end {
                        out.push(at);
                    }
                    break;
                }
            }
        }
        stack.extend(children.into_iter().filter(|c| c.child_count() > 0));
    }
    out.sort_unstable();
    out
}

/// `parsed` and `text` with a `;` inserted at each offset of `at` (ascending), and the table
/// from the new positions to the old ones.
fn insert_separators(parsed: &str, text: &str, at: &[usize]) -> (String, String, Vec<usize>) {
    let mut new_parsed = String::with_capacity(parsed.len() + at.len());
    let mut new_text = String::with_capacity(text.len() + at.len());
    let mut table = Vec::with_capacity(parsed.len() + at.len() + 1);
    let mut from = 0;
    for &cut in at.iter().chain(std::iter::once(&parsed.len())) {
        new_parsed.push_str(&parsed[from..cut]);
        new_text.push_str(&text[from..cut]);
        table.extend(from..cut);
        if cut < parsed.len() {
            new_parsed.push(';');
            new_text.push(';');
            table.push(cut);
        }
        from = cut;
    }
    table.push(parsed.len());
    (new_parsed, new_text, table)
}

/// Free a large syntax tree on another thread: it is a few percent of a long script's time.
fn drop_elsewhere(tree: Tree) {
    rayon::spawn(move || drop(tree));
}

/// Parse bash source with this thread's parser, giving up at `deadline` — or at once for a
/// pipeline longer than [`MAX_PIPELINE_STAGES`], which tree-sitter-bash parses in memory
/// quadratic in its length (every caller, the approval key's parse too, gets `None`).
pub fn parse_tree(text: &str, deadline: Instant) -> Option<Tree> {
    if super::split::longest_pipeline(text) > MAX_PIPELINE_STAGES {
        return None;
    }
    parse_within_bounds(text, deadline)
}

/// Parse text already known to hold no pipeline past [`MAX_PIPELINE_STAGES`].
fn parse_within_bounds(text: &str, deadline: Instant) -> Option<Tree> {
    let bytes = text.as_bytes();
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
    PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        let tree = parser.parse_with_options(&mut read, None, Some(options));
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// How positions in a parsed text map back to the original input.
#[derive(Clone)]
pub(crate) enum SpanMap {
    /// Position `i` is input offset `base + i`.
    Offset(usize),
    /// Position `i` is input offset `table[base + i]`.
    Table(Rc<Vec<u32>>, usize),
    /// Every position maps to this one span (the text was decoded, not copied).
    Fixed(Span),
}

impl SpanMap {
    fn pos(&self, i: usize) -> usize {
        match self {
            SpanMap::Offset(b) => b + i,
            SpanMap::Table(t, b) => {
                t.get(b + i).copied().unwrap_or(*t.last().unwrap_or(&0)) as usize
            }
            SpanMap::Fixed(s) => s.0,
        }
    }

    /// Map a range of the parsed text to an input span.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        match self {
            SpanMap::Fixed(s) => *s,
            _ => (self.pos(start), self.pos(end).max(self.pos(start))),
        }
    }

    /// The map of a sub-text that starts `start` bytes into the parsed text.
    pub(crate) fn shifted(&self, start: usize) -> SpanMap {
        match self {
            SpanMap::Offset(b) => SpanMap::Offset(b + start),
            SpanMap::Table(t, b) => SpanMap::Table(t.clone(), b + start),
            SpanMap::Fixed(s) => SpanMap::Fixed(*s),
        }
    }

    /// Compose with a preprocessing table local to the parsed text.
    fn with_table(&self, table: Vec<usize>) -> SpanMap {
        match self {
            SpanMap::Offset(b) => {
                SpanMap::Table(Rc::new(table.iter().map(|x| offset32(x + b)).collect()), 0)
            }
            SpanMap::Table(t, b) => {
                let composed = table
                    .iter()
                    .map(|x| t.get(b + x).copied().unwrap_or(0))
                    .collect();
                SpanMap::Table(Rc::new(composed), 0)
            }
            SpanMap::Fixed(s) => SpanMap::Fixed(*s),
        }
    }
}

/// A parsed text together with its span map.
pub(crate) struct Source<'a> {
    pub(crate) text: &'a str,
    pub(crate) map: SpanMap,
}

impl Source<'_> {
    /// Text of a node.
    pub(crate) fn text_of(&self, n: Node) -> &str {
        self.text.get(n.start_byte()..n.end_byte()).unwrap_or("")
    }

    /// Input span of a node.
    pub(crate) fn span_of(&self, n: Node) -> Span {
        self.map.span(n.start_byte(), n.end_byte())
    }
}

/// A heredoc body as the input wrote it: the backslash that preprocessing masked at its start
/// (see [`super::heredoc::MASKED_BACKSLASH`]) restored.
fn unmask_body(mut body: String) -> String {
    if body.as_bytes().first() == Some(&super::heredoc::MASKED_BACKSLASH) {
        body.replace_range(..1, "\\");
    }
    body
}

/// Context shared by the commands emitted from one `command` node.
#[derive(Clone)]
pub(crate) struct CmdCtx {
    pub(crate) assignments: Vec<(String, Word)>,
    pub(crate) redirects: Vec<Redirect>,
    pub(crate) stdin_text: Option<Word>,
    pub(crate) span: Span,
    pub(crate) background: bool,
}

impl CmdCtx {
    /// A context with no assignments, redirections or stdin.
    pub(crate) fn bare(span: Span, background: bool) -> Self {
        CmdCtx {
            assignments: Vec::new(),
            redirects: Vec::new(),
            stdin_text: None,
            span,
            background,
        }
    }
}

/// Builds a [`Script`] from source text.
pub(crate) struct Walker {
    pub(crate) out: Script,
    pub(crate) vars: HashMap<String, Word>,
    /// `declare -n r=v`: `r` is another name for `v`, followed when `r` is read or assigned.
    pub(crate) namerefs: HashMap<String, String>,
    pub(crate) within: Vec<usize>,
    pub(crate) pipes: Vec<PipePos>,
    pub(crate) depth: usize,
    pub(crate) origin: Origin,
    pub(crate) in_function: bool,
    /// Walking shell text an interpreter analysis wrote, where `"~"` stands for the home
    /// directory it resolved (`os.path.expanduser("~")` substituted into a command).
    pub(crate) symbolic_tilde: bool,
    /// Walking a string literal of code in a language without its own analyser (Native,
    /// Other), read as a command line in case it is one.
    pub(crate) literal_guess: bool,
    /// The command budget ran out (reported once).
    capped: bool,
    pub(crate) background: bool,
    /// The original input, for mapping nested code that appears in it verbatim.
    pub(crate) input: Option<Rc<str>>,
    /// Current syntactic nesting (see [`MAX_NESTING`]).
    pub(crate) nesting: usize,
    /// When the analysis must stop.
    pub(crate) deadline: Instant,
    /// The sink chain the current code was found through (see [`Command::via`]).
    pub(crate) via: Option<String>,
    /// Where the current code runs (container mounts map its paths to host paths).
    pub(crate) place: super::sinks::Place,
    /// Files written earlier in the input with known content (`echo … > f`, `cat <<EOF > f`).
    pub(crate) files: HashMap<String, Word>,
    /// Which of `files` hold a download (`curl -o f URL`): running one is reported by the
    /// remote-code analyzer as a download run, not walked again as a pipe into a shell.
    pub(crate) downloads: std::collections::HashSet<String>,
    /// Literal text printed into the pipeline stage being walked (`echo 'x' | …`).
    pub(crate) piped: Option<Word>,
    /// A heredoc or here-string waiting for the first simple command of its statement.
    pub(crate) pending_stdin: Option<Word>,
    /// Words tree-sitter-bash left out of the command that ends at this byte (the `-` of
    /// `cat - <<EOF`, which it drops), to be appended to its arguments.
    pub(crate) dropped_words: Option<(usize, Vec<Word>)>,
    /// Words after a redirection's target (`rm > /tmp/x -rf /`): tree-sitter-bash reads them
    /// as more targets; to bash they are arguments of the command.
    pub(crate) redirect_args: Vec<Word>,
    /// Input for the first command of the next nested code (`ssh host bash -s <<EOF`).
    pub(crate) inject_stdin: Option<Word>,
    /// Working directory, positional parameters, arrays and `IFS` as the line builds them up.
    pub(crate) state: super::state::ShellState,
    /// Functions defined in the input: body text and where it sits, for calls with arguments.
    pub(crate) functions: HashMap<String, (Rc<str>, SpanMap)>,
    /// Aliases defined in the input (`alias x='rm -rf'`): name and replacement text.
    pub(crate) aliases: HashMap<String, String>,
    /// git aliases set with `git config alias.NAME VALUE` earlier in the input.
    pub(crate) git_aliases: HashMap<String, String>,
    /// Functions being expanded right now (recursion stops here).
    pub(crate) call_stack: Vec<String>,
    /// Scripts written earlier in the input being walked right now (a script running itself is
    /// walked once).
    pub(crate) running_files: Vec<String>,
    /// Walking modules a runner imports by itself (every written `*.py` under pytest): code
    /// that runs a computed command there is a helper's ordinary shape (`subprocess.run(cmd)`),
    /// so it is not reported as unknown; what the module runs for certain still is.
    pub(crate) in_imported_module: bool,
    /// Written modules already walked as imported (file and content length): a second runner
    /// importing the same text adds nothing, and a long script runs many.
    pub(crate) modules_walked: std::collections::HashSet<(String, usize)>,
    /// Positional parameters for the next nested code (`sh -c 'rm -rf "$1"' sh /`).
    pub(crate) inject_positional: Option<Vec<Word>>,
    /// `$0` for the next nested walk (`sh -c CODE NAME`).
    pub(crate) inject_arg0: Option<Word>,
    /// The goals of the `make` command whose makefile is about to be walked (`make build`).
    pub(crate) make_goals: Vec<String>,
    /// Track shell state at all (off only for the baseline in tests).
    pub(crate) track_state: bool,
    /// Statements visited (the deadline is checked every 64).
    pub(crate) steps: u32,
    /// Commands being recorded inside commands being recorded (`xargs xargs … CMD`,
    /// `find -exec find -exec …`), bounded by [`MAX_EMIT_DEPTH`].
    pub(crate) emit_depth: usize,
    /// The deadline passed; nothing more is walked.
    pub(crate) timed_out: bool,
    /// Product of the unroll factors of the enclosing `for` loops.
    pub(crate) unroll: usize,
    /// `trap CODE EXIT` at the top level: CODE runs when the script ends, with the variables it
    /// has then (see [`Walker::run_deferred`]); with the sink chain it was found through.
    pub(crate) deferred: Vec<(Word, String)>,
    /// `pwd` commands run where the working directory is known: command index → directory
    /// (so `$(cd ~; pwd)` is the home).
    pub(crate) printed_cwd: HashMap<usize, String>,
    /// What a pipeline's stage prints when known, by command index, kept while a coprocess
    /// shell runs (its redirection to the coprocess is attached after the pipeline is walked).
    pub(crate) stage_output: HashMap<usize, Word>,
    /// Bytes of variable values resolved so far; past [`RESOLVED_BYTES_BUDGET`] long values are
    /// cut like one past [`MAX_VALUE_BYTES`] (each assignment keeps its value, so a growing
    /// variable assigned thousands of times would otherwise cost quadratic memory).
    pub(crate) resolved_bytes: usize,
}

impl Walker {
    pub(crate) fn new(input: Option<Rc<str>>) -> Self {
        Walker {
            input,
            nesting: 0,
            deadline: Instant::now() + TIME_BUDGET,
            out: Script::default(),
            vars: HashMap::new(),
            namerefs: HashMap::new(),
            within: Vec::new(),
            pipes: Vec::new(),
            depth: 0,
            origin: Origin::Input,
            in_function: false,
            symbolic_tilde: false,
            literal_guess: false,
            capped: false,
            background: false,
            via: None,
            place: super::sinks::Place::default(),
            files: HashMap::new(),
            downloads: Default::default(),
            piped: None,
            pending_stdin: None,
            dropped_words: None,
            redirect_args: Vec::new(),
            inject_stdin: None,
            state: super::state::ShellState::default(),
            functions: HashMap::new(),
            aliases: HashMap::new(),
            git_aliases: HashMap::new(),
            call_stack: Vec::new(),
            running_files: Vec::new(),
            in_imported_module: false,
            modules_walked: Default::default(),
            inject_positional: None,
            inject_arg0: None,
            make_goals: Vec::new(),
            track_state: true,
            steps: 0,
            emit_depth: 0,
            timed_out: false,
            unroll: 1,
            deferred: Vec::new(),
            printed_cwd: HashMap::new(),
            stage_output: HashMap::new(),
            resolved_bytes: 0,
        }
    }

    /// Parse `text` (positions mapped by `map`) and walk it.
    pub(crate) fn walk_source(&mut self, text: &str, map: SpanMap) {
        if self.track_state && text.contains("coproc") {
            self.state.mentions_coproc = true;
        }
        let pre = preprocess(text);
        let map = match pre.map {
            Some(t) => map.with_table(t),
            None => map,
        };
        // tree-sitter-bash's external scanner passes code points above 0xFF to `isdigit`, which is
        // undefined behaviour and crashes on some non-ASCII input. The parser therefore sees an
        // ASCII shadow of the text (every non-ASCII character replaced by commas of the same byte
        // length: plain word characters to bash, so tokenization is unchanged), and node text is
        // read from the real text at the same offsets.
        let shadow = ascii_shadow(&pre.text);
        let parsed = shadow.as_deref().unwrap_or(&pre.text);
        if parsed.len() >= SPLIT_PARSE_BYTES {
            let cuts = super::split::top_level_cuts(parsed, FIRST_CHUNK_BYTES, CHUNK_BYTES);
            if !cuts.is_empty() {
                if let Some(rest) = self.walk_chunks(parsed, &pre.text, &map, &cuts) {
                    // A chunk did not parse cleanly (the cut may be inside a compound command):
                    // the rest of the text is parsed as one.
                    self.walk_whole(&parsed[rest..], &pre.text[rest..], map.shifted(rest));
                }
                return;
            }
        }
        self.walk_whole(parsed, &pre.text, map);
    }

    /// Walk a long text chunk by chunk (`cuts` are top-level line ends) while a helper thread
    /// parses the chunks ahead, in order. What a chunk sets (variables, the directory) reaches
    /// the next because the walk itself stays on this thread. A chunk with a syntax error of its
    /// own (a stray token on one line) is walked alone the way a whole text is, errors reported;
    /// one that ends inside an open construct (the cut was not at the top level after all) or
    /// did not parse in time stops the chunking. Returns where the walk stopped, so the caller
    /// parses the rest as one text; `None` when every chunk was walked.
    fn walk_chunks(
        &mut self,
        parsed: &str,
        text: &str,
        map: &SpanMap,
        cuts: &[usize],
    ) -> Option<usize> {
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(cuts.iter().copied())
            .chain(std::iter::once(parsed.len()))
            .collect();
        let deadline = self.deadline;
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel();
            let helper_bounds = &bounds;
            let stop_ref = &stop;
            // If the thread cannot start, `tx` is dropped and the rest is parsed as one.
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || {
                let chunks = helper_bounds.windows(2).enumerate();
                for (_, w) in chunks.filter(|(k, _)| !parsed_here(*k)) {
                    if stop_ref.load(Ordering::Relaxed) {
                        break;
                    }
                    let tree = parse_tree(&parsed[w[0]..w[1]], deadline);
                    if tx.send(tree).is_err() {
                        break;
                    }
                }
            });
            let mut stopped_at = None;
            for (k, w) in bounds.windows(2).enumerate() {
                let (from, to) = (w[0], w[1]);
                let tree = if parsed_here(k) {
                    parse_tree(&parsed[from..to], deadline)
                } else {
                    rx.recv().ok().flatten()
                };
                match chunk_reading(tree, &parsed[from..to]) {
                    ChunkReading::Clean(tree) => {
                        let src = Source {
                            text: &text[from..],
                            map: map.shifted(from),
                        };
                        self.statement(tree.root_node(), &src);
                        drop_elsewhere(tree);
                    }
                    ChunkReading::LocalError => {
                        self.walk_whole(&parsed[from..to], &text[from..to], map.shifted(from));
                    }
                    ChunkReading::Open => {
                        stopped_at = Some(from);
                        break;
                    }
                }
            }
            stop.store(true, Ordering::Relaxed);
            stopped_at
        })
    }

    /// Parse `parsed` as one text and walk it (`text` is what node text is read from).
    fn walk_whole(&mut self, parsed: &str, text: &str, map: SpanMap) {
        // tree-sitter-bash needs memory quadratic in a pipeline's length (2 GB for 15,000
        // stages): past the bound the input is not parsed, and that is said.
        let stages = super::split::longest_pipeline(parsed);
        if stages > MAX_PIPELINE_STAGES {
            let span = map.span(0, text.len());
            self.gap(
                GapKind::DepthExceeded,
                &format!(
                    "a pipeline of {stages} stages is longer than the parser's bound ({MAX_PIPELINE_STAGES})"
                ),
                span,
            );
            return;
        }
        let old_arithmetic = super::split::deepest_old_arithmetic(parsed);
        if old_arithmetic > MAX_NESTING {
            let span = map.span(0, text.len());
            self.gap(
                GapKind::DepthExceeded,
                &format!("`$[ … ]` nested {old_arithmetic} deep, past the analysis bound ({MAX_NESTING})"),
                span,
            );
            return;
        }
        let Some(mut tree) = parse_within_bounds(parsed, self.deadline) else {
            let span = map.span(0, text.len());
            self.gap(
                GapKind::Timeout,
                "the parser ran out of time on this input",
                span,
            );
            return;
        };
        // Lines the grammar joined into one command are split where bash splits them, and the
        // text parsed again (each round can only split more; a few rounds suffice).
        let mut fixed: Option<(String, String)> = None;
        let mut map = map;
        for _ in 0..MISJOIN_ROUNDS {
            let cur = fixed.as_ref().map_or(parsed, |f| f.0.as_str());
            let at = misjoined_lines(tree.root_node(), cur);
            if at.is_empty() {
                break;
            }
            let cur_text = fixed.as_ref().map_or(text, |f| f.1.as_str());
            let (p, t, table) = insert_separators(cur, cur_text, &at);
            let Some(better) = parse_within_bounds(&p, self.deadline) else {
                break;
            };
            tree = better;
            map = map.with_table(table);
            fixed = Some((p, t));
        }
        // zsh and fish spellings bash rejects (`for f (*.md) …`, `(cmd)` substitutions, blocks
        // closed by `end`, glob qualifiers): their bash spelling, when that parses cleanly.
        let cur = fixed.as_ref().map_or(parsed, |f| f.0.as_str());
        let unparsed = tree.root_node().has_error();
        if unparsed || super::dialect::may_apply(cur) {
            let cur_text = fixed.as_ref().map_or(text, |f| f.1.as_str());
            let rewritten =
                super::dialect::rewrite(cur, cur_text).filter(|r| unparsed || r.certain);
            if let Some(r) = rewritten {
                if let Some(better) = parse_tree(&r.parsed, self.deadline) {
                    if !better.root_node().has_error() {
                        tree = better;
                        map = map.with_table(r.table);
                        fixed = Some((r.parsed, r.text));
                    }
                }
            }
        }
        let (parsed, text) = match &fixed {
            Some((p, t)) => (p.as_str(), t.as_str()),
            None => (parsed, text),
        };
        // A test the grammar misreads (`[ -d / ] && rm -rf /`) hides the rest of its line inside
        // a test expression; bash runs it. Re-parse with test brackets as plain commands and keep
        // that tree when it parses cleanly.
        if tree.root_node().has_error() {
            if let Some(plain) = super::preprocess::neutralize_tests(parsed) {
                if let Some(better) = parse_tree(&plain, self.deadline) {
                    if !better.root_node().has_error() {
                        tree = better;
                    }
                }
            }
        }
        // A heredoc left open runs to the end of the input (bash warns and runs it): parse it
        // closed, and keep that reading when it is clean.
        if tree.root_node().has_error() {
            if let Some(delim) = super::heredoc::unclosed(parsed.as_bytes()) {
                let close = format!("\n{}\n", String::from_utf8_lossy(&delim));
                let closed = format!("{parsed}{close}");
                if let Some(better) = parse_tree(&closed, self.deadline) {
                    if !better.root_node().has_error() {
                        // The added delimiter is not in the input: its positions clamp to the end.
                        let clamped = map.with_table((0..=text.len()).collect());
                        let text = format!("{text}{close}");
                        let src = Source {
                            text: &text,
                            map: clamped,
                        };
                        self.statement(better.root_node(), &src);
                        return;
                    }
                }
            }
        }
        if let Some(missing) = first_missing(tree.root_node()) {
            // The parser invented a token to finish the input: what it built around it may not
            // be what bash runs.
            let at = missing.parent().unwrap_or(missing);
            self.gap(
                GapKind::ParseError,
                "the input is not complete shell syntax (a closing token is missing)",
                map.span(at.start_byte(), at.end_byte()),
            );
        }
        // A part the grammar could not read inside a word or a command's arguments
        // (`echo a\`b; rm -rf /`): the words around it may not be what bash runs.
        if let Some(bad) = first_error_in_words(tree.root_node(), parsed) {
            self.gap(
                GapKind::ParseError,
                "part of a command is not valid shell syntax",
                map.span(bad.start_byte(), bad.end_byte()),
            );
        }
        let src = Source { text, map };
        self.statement(tree.root_node(), &src);
        if parsed.len() >= SPLIT_PARSE_BYTES {
            drop_elsewhere(tree);
        }
    }

    /// `((rm -rf /))`: not arithmetic bash can evaluate (it reports an error and runs nothing),
    /// but dash and other POSIX shells read `((` as two subshells and run the command.
    fn subshells_as_sh_reads(&mut self, inner: &str, span: Span) {
        // The subshells change nothing the analysis sees: the innermost text is the command.
        let mut inner = inner.trim();
        while let Some(core) = inner.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            inner = core.trim();
        }
        let code = Word::literal(inner, span);
        self.nested(&code, None, Origin::Eval);
    }

    /// Walk the trap code deferred to the end of the script.
    pub(crate) fn run_deferred(&mut self) {
        for (code, via) in std::mem::take(&mut self.deferred) {
            let saved = self.via.replace(via);
            self.nested_code(&code, Origin::Sink);
            self.via = saved;
        }
    }

    /// Re-parse nested code found in a word, one level deeper.
    pub(crate) fn nested(&mut self, code: &Word, verbatim_at: Option<SpanMap>, origin: Origin) {
        if self.depth + 1 > MAX_DEPTH {
            self.gap(
                GapKind::DepthExceeded,
                "nested shell code deeper than the analysis bound",
                code.span,
            );
            return;
        }
        let map = verbatim_at.unwrap_or(SpanMap::Fixed(code.span));
        let saved = (self.depth, self.origin, self.pipes.clone());
        let saved_pending = std::mem::replace(&mut self.pending_stdin, self.inject_stdin.take());
        let saved_piped = self.piped.take();
        let saved_state = self.state.clone();
        if let Some(a0) = self.inject_arg0.take().filter(|_| self.track_state) {
            self.state.arg0 = Some(a0);
        }
        if let Some(p) = self.inject_positional.take().filter(|_| self.track_state) {
            self.state.positional = Some(p);
        }
        self.depth += 1;
        self.origin = origin;
        // `bash -c CODE`, `eval CODE` and `env -S CODE` run CODE with their own stdin: its
        // commands stand where the wrapper stands in a pipeline (`curl … | bash -c sh`).
        if !matches!(
            origin,
            Origin::ShellString | Origin::Eval | Origin::SplitString
        ) {
            self.pipes.clear();
        }
        self.walk_source(&code.text.clone(), map);
        self.pending_stdin = saved_pending;
        self.piped = saved_piped;
        self.state = saved_state;
        self.depth = saved.0;
        self.origin = saved.1;
        self.pipes = saved.2;
    }

    pub(crate) fn gap(&mut self, kind: GapKind, detail: &str, span: Span) {
        if self.in_imported_module && matches!(kind, GapKind::DynamicCode | GapKind::DynamicCommand)
        {
            return;
        }
        // A string literal of compiled-language code read as a command line in case it is one
        // (Java's `"{\"channel\":…}"`): text that is not shell is data, not a trick.
        if self.literal_guess && kind == GapKind::ParseError {
            return;
        }
        if !self
            .out
            .gaps
            .iter()
            .any(|g| g.kind == kind && g.span == span)
        {
            self.out.gaps.push(Gap {
                kind,
                detail: detail.to_string(),
                span,
            });
        }
    }

    /// True (with a `core.analysis-timeout` finding, once) when the deadline has passed. The
    /// clock is read every 64 statements, so the check costs nothing on ordinary input.
    fn out_of_time(&mut self, n: Node, src: &Source) -> bool {
        self.out_of_time_at(src.span_of(n))
    }

    /// [`Self::out_of_time`] for a step with no syntax node (a command run by a command).
    pub(crate) fn out_of_time_at(&mut self, span: Span) -> bool {
        if self.timed_out {
            return true;
        }
        self.steps = self.steps.wrapping_add(1);
        if self.steps.is_multiple_of(64) && Instant::now() >= self.deadline {
            self.timed_out = true;
            self.gap(
                GapKind::Timeout,
                "the analysis ran out of its time budget",
                span,
            );
        }
        self.timed_out
    }

    fn budget_left(&self) -> bool {
        self.out.commands.len() < MAX_COMMANDS
    }

    /// Enter one level of syntactic nesting; false (and a finding) when the bound is reached.
    pub(crate) fn enter(&mut self, n: Node, src: &Source) -> bool {
        if self.nesting >= MAX_NESTING {
            self.gap(
                GapKind::DepthExceeded,
                "syntax nested deeper than the analysis bound",
                src.span_of(n),
            );
            return false;
        }
        self.nesting += 1;
        true
    }

    /// Leave a level entered with [`Walker::enter`].
    pub(crate) fn leave(&mut self) {
        self.nesting -= 1;
    }

    /// Walk any statement-level node.
    pub(crate) fn statement(&mut self, n: Node, src: &Source) {
        if !self.budget_left() {
            // The rest of the input is not analysed: that is said, never a silent allow.
            if !self.capped {
                self.capped = true;
                self.gap(
                    GapKind::TooLarge,
                    &format!("more than {MAX_COMMANDS} commands; the rest is not analysed"),
                    src.span_of(n),
                );
            }
            return;
        }
        if self.out_of_time(n, src) || !self.enter(n, src) {
            return;
        }
        self.statement_kind(n, src);
        self.leave();
    }

    fn statement_kind(&mut self, n: Node, src: &Source) {
        match n.kind() {
            "comment" | "heredoc_body" | "heredoc_start" | "heredoc_end" => {}
            "command" => self.command(n, src),
            "pipeline" => self.pipeline(n, src),
            "redirected_statement" => self.redirected(n, src),
            "variable_assignment" => {
                self.assignment(n, src, true);
            }
            "variable_assignments" => {
                for c in named_children(n) {
                    self.statement(c, src);
                }
            }
            "declaration_command" => self.declaration(n, src),
            "unset_command" => {
                let mut argv = vec![Word {
                    text: "unset".into(),
                    span: src.span_of(n),
                    ..Word::default()
                }];
                let functions = named_children(n).iter().any(|c| src.text_of(*c) == "-f");
                for c in named_children(n) {
                    let name = src.text_of(c).to_string();
                    // `unset 'a[$(cmd)]'`: the index is arithmetic.
                    self.subscript_code(name.trim_matches(['\'', '"']), src.span_of(c));
                    // An unset variable expands to nothing (`unset x; rm -rf /$x*`).
                    if functions || name.starts_with('-') {
                        self.vars.remove(&name);
                    } else {
                        let empty = Word {
                            span: src.span_of(c),
                            ..Word::default()
                        };
                        self.vars.insert(name, empty);
                    }
                    argv.extend(self.words(c, src));
                }
                let ctx = CmdCtx::bare(src.span_of(n), self.background);
                self.push_command(argv, &ctx);
            }
            "function_definition" => self.function(n, src),
            "for_statement" => self.for_loop(n, src),
            "list" => self.list(n, src),
            "subshell" => {
                let saved = self.state.clone();
                self.children_with_background(n, src);
                self.state = saved;
            }
            "while_statement" => self.while_loop(n, src),
            "program" | "compound_statement" | "do_group" | "if_statement" | "elif_clause"
            | "else_clause" | "case_statement" | "case_item" | "negated_command" => {
                // `(( a > 0 ))`: an arithmetic command reads its variables as expressions.
                let text = src.text_of(n);
                if let Some(expr) = text.strip_prefix("((").and_then(|t| t.strip_suffix("))")) {
                    self.arithmetic_code(expr, src.span_of(n));
                    if n.has_error() {
                        self.subshells_as_sh_reads(expr, src.span_of(n));
                    }
                }
                self.children_with_background(n, src)
            }
            "command_substitution" | "process_substitution" => {
                self.substitution(n, src);
            }
            // `$(< FILE)`: bash prints the file (a command with no words and one redirection).
            "file_redirect" => {
                let r = self.file_redirect(n, src);
                self.redirect_args.clear();
                if let Some(r) = r {
                    let ctx = CmdCtx {
                        redirects: vec![r],
                        ..CmdCtx::bare(src.span_of(n), self.background)
                    };
                    self.push_command(Vec::new(), &ctx);
                }
            }
            "ERROR" => {
                let text = src.text_of(n);
                if let Some(expr) = text.strip_prefix("((").and_then(|t| t.strip_suffix("))")) {
                    self.subshells_as_sh_reads(expr, src.span_of(n));
                }
                // Plain words the grammar trips over (`a%`, `x@y`) hide nothing: their commands
                // are still extracted below. Anything with quoting or structure is reported.
                if !is_plain_text(src.text_of(n)) {
                    self.gap(
                        GapKind::ParseError,
                        "part of the input is not valid shell syntax",
                        src.span_of(n),
                    );
                }
                self.children_with_background(n, src);
            }
            "c_style_for_statement" => {
                self.embedded(n, src);
                let endless = !src.text_of(n).contains(';') || {
                    let head = src.text_of(n);
                    let inside = head.split("))").next().unwrap_or("");
                    inside
                        .split(';')
                        .nth(1)
                        .is_some_and(|c| c.trim().is_empty())
                };
                if let Some(body) = n.child_by_field_name("body") {
                    let first = self.out.commands.len();
                    self.statement(body, src);
                    if endless {
                        self.spawn_loop_effect(first, src.span_of(n));
                        self.growth_loop_effect(body, src, src.span_of(n));
                    }
                }
            }
            _ => {
                // `[[ $a -eq 0 ]]`: numeric comparisons read their operands as arithmetic.
                let text = src.text_of(n);
                if n.kind() == "test_command"
                    && [" -eq ", " -ne ", " -lt ", " -le ", " -gt ", " -ge "]
                        .iter()
                        .any(|op| text.contains(op))
                {
                    let operands = text.trim_start_matches('[').trim_end_matches(']');
                    self.arithmetic_code(operands, src.span_of(n));
                }
                // `[[ -v 'a[$(cmd)]' ]]`: the index of the element tested is arithmetic.
                if n.kind() == "test_command" {
                    for (_, rest) in text
                        .match_indices(" -v ")
                        .map(|(i, _)| text.split_at(i + 4))
                    {
                        let rest = rest.trim_start();
                        let operand = match rest.chars().next() {
                            Some(q @ ('\'' | '"')) => rest[1..].split(q).next(),
                            _ => rest.split_whitespace().next(),
                        };
                        if let Some(operand) = operand {
                            self.subscript_code(operand, src.span_of(n));
                        }
                    }
                }
                // Tests, arithmetic and anything else: only what they embed runs.
                self.embedded(n, src);
            }
        }
    }

    /// `a && b || c …`: tree-sitter nests lists to the left; walk the chain iteratively so a long
    /// chain does not count as deep nesting.
    fn list(&mut self, n: Node, src: &Source) {
        let mut chain: Vec<Node> = Vec::new();
        let mut cur = n;
        loop {
            let kids = all_children(cur);
            let first_named = kids.iter().position(|k| k.is_named());
            match first_named {
                Some(i) if kids[i].kind() == "list" => {
                    for k in kids[i + 1..].iter().rev() {
                        chain.push(*k);
                    }
                    cur = kids[i];
                }
                _ => {
                    for k in kids.iter().rev() {
                        chain.push(*k);
                    }
                    break;
                }
            }
        }
        chain.reverse();
        for (i, c) in chain.iter().enumerate() {
            if !c.is_named() {
                continue;
            }
            let bg = chain.get(i + 1).is_some_and(|s| s.kind() == "&");
            let saved = self.background;
            self.background = saved || bg;
            self.statement(*c, src);
            self.background = saved;
        }
    }

    /// Walk named children; a child followed by `&` runs in the background.
    fn children_with_background(&mut self, n: Node, src: &Source) {
        let kids: Vec<Node> = all_children(n);
        for (i, c) in kids.iter().enumerate() {
            if !c.is_named() {
                continue;
            }
            let bg = kids.get(i + 1).is_some_and(|s| s.kind() == "&");
            let saved = self.background;
            self.background = saved || bg;
            self.statement(*c, src);
            self.background = saved;
        }
    }

    /// Find substitutions (which run) inside a node that is otherwise not a command.
    pub(crate) fn embedded(&mut self, n: Node, src: &Source) {
        if !self.enter(n, src) {
            return;
        }
        self.embedded_children(n, src);
        self.leave();
    }

    fn embedded_children(&mut self, n: Node, src: &Source) {
        for c in named_children(n) {
            match c.kind() {
                "command_substitution" | "process_substitution" => {
                    self.substitution(c, src);
                }
                _ => self.embedded(c, src),
            }
        }
    }

    fn pipeline(&mut self, n: Node, src: &Source) {
        let id = self.out.pipelines.len();
        let stages = pipeline_stages(n);
        self.out.pipelines.push(Pipeline {
            stages: stages.len(),
            span: src.span_of(n),
        });
        let mut printed: Option<Word> = None;
        let mut piped: Option<Word> = None;
        // `curl URL | tee FILE`: the URL whose download the next stage receives.
        let mut fetched: Option<String> = None;
        let stage_count = stages.len();
        let pipeline_first = self.out.commands.len();
        for (i, stage) in stages.into_iter().enumerate() {
            self.pipes.push(PipePos {
                pipeline: id,
                stage: i,
            });
            let first = self.out.commands.len();
            let stage_input = piped.take();
            let saved_piped = std::mem::replace(&mut self.piped, stage_input.clone());
            // Every stage of a real pipeline runs in a subshell of its own.
            let saved_state = (stage_count > 1).then(|| self.state.clone());
            self.statement(stage, src);
            if let Some(st) = saved_state {
                self.state = st;
            }
            self.piped = saved_piped;
            self.pipes.pop();
            if let Some(url) = fetched.take() {
                self.record_piped_download(first, &url);
            }
            fetched = self.out.commands[first..]
                .iter()
                .rev()
                .find(|c| c.depth == self.depth && c.within.len() == self.within.len())
                .and_then(super::sinks::stdout_download);
            // `echo 'rm -rf /' | sh`: literal text printed into a shell is code.
            let stage_cmds = &self.out.commands[first..];
            let shell_reads = stage_cmds
                .iter()
                .any(|c| c.stdin_text.is_none() && super::nested::reads_code_from_stdin(c));
            let last = stage_cmds
                .iter()
                .rev()
                .find(|c| c.depth == self.depth && c.within.len() == self.within.len())
                .filter(|c| !c.redirects.iter().any(|r| r.writes_stdout()));
            // `cat`, `tee FILE`, `head`: what came in goes out (`echo CODE | tee log | sh`).
            let passes = last.is_some_and(passes_stdin_through);
            // `cat <<EOF | python3`: a pass-through stage's own heredoc or here-string is what
            // it passes on.
            let own_input = last.filter(|_| passes).and_then(|c| c.stdin_text.clone());
            let next_printed = if passes {
                own_input
                    .clone()
                    .filter(|w| !w.dynamic)
                    .or_else(|| printed.clone())
            } else {
                // `echo CODE | sed 's/x/y/' | sh`, `grep 'run:' ci.yml | sed 's/.*run: //' | sh`:
                // a filter over known text prints known text.
                last.and_then(|c| {
                    printed_literal(c).or_else(|| {
                        let (cmd, input) = self.filter_input(c, printed.as_ref())?;
                        // A text tool whose exact output is not modelled prints (part of) what
                        // it reads: `echo CODE | sort | uniq | sh` is judged on CODE.
                        let text =
                            super::transforms::filtered(&cmd, &input.text).or_else(|| {
                                super::transforms::TEXT_FILTERS
                                    .contains(&cmd.name())
                                    .then(|| input.text.clone())
                            })?;
                        Some(Word { text, ..input })
                    })
                })
            };
            let next_piped = if passes {
                own_input.or(stage_input)
            } else {
                // Listings keep the older, stricter test: any written redirection (even
                // `2>/dev/null`) leaves the stage's words unknown.
                let last = last.filter(|c| !c.redirects.iter().any(|r| r.writes()));
                last.and_then(|c| {
                    printed_text(c, true)
                        .or_else(|| find_listing(c))
                        .or_else(|| ls_listing(c))
                        .or_else(|| {
                            // `realpath ~ | xargs …`, `getent passwd root | cut -d: -f6 | …`.
                            let stage_cmds: Vec<Command> = self.out.commands[pipeline_first..]
                                .iter()
                                .filter(|c| {
                                    c.depth == self.depth && c.within.len() == self.within.len()
                                })
                                .cloned()
                                .collect();
                            path_query(&stage_cmds).map(|text| Word {
                                text,
                                span: c.span,
                                ..Word::default()
                            })
                        })
                        .or_else(|| {
                            // `echo L2V0Yw== | base64 -d | …`: a filter over known text.
                            let input = stage_input
                                .as_ref()
                                .or(c.stdin_text.as_ref())
                                .filter(|w| !w.dynamic && w.subs.is_empty())?;
                            let text = super::transforms::filtered(c, &input.text)?;
                            Some(Word {
                                text,
                                ..input.clone()
                            })
                        })
                })
            };
            if shell_reads {
                if let Some(code) = printed.take() {
                    self.nested_code(&code, Origin::ShellString);
                }
            }
            // `… | base64 -d >&"${COPROC[1]}"`: kept for the redirection attached after the
            // pipeline (see `coprocess_code`).
            if let (Some(out), true) = (next_printed.as_ref(), self.state.coproc_shell) {
                let (depth, within) = (self.depth, self.within.len());
                let last_idx = (first..self.out.commands.len()).rev().find(|&i| {
                    let c = &self.out.commands[i];
                    c.depth == depth && c.within.len() == within
                });
                if let Some(i) = last_idx {
                    self.stage_output.insert(i, out.clone());
                }
            }
            printed = next_printed;
            piped = next_piped;
        }
    }

    /// What a filter stage reads, when the input fixes it: a file written earlier and named as
    /// its last operand (returned with the command minus that operand), else the known text
    /// printed into it or its own heredoc.
    fn filter_input(&self, c: &Command, printed: Option<&Word>) -> Option<(Command, Word)> {
        let known = |w: &Word| !w.dynamic && w.subs.is_empty();
        // `cat /tmp/stage/*.sh | sh`, `cat a.sh b.sh | bash`: the files the input wrote, in
        // the order cat reads them (a glob's matches sorted, as bash sorts them).
        if c.name() == "cat" && (c.args().len() > 1 || c.args().iter().any(|a| a.glob)) {
            if let Some(content) = self.concatenated_files(c) {
                let mut cmd = c.clone();
                cmd.argv.truncate(1);
                return Some((cmd, content));
            }
        }
        if let Some(last) = c
            .argv
            .last()
            .filter(|_| c.argv.len() > 2 || c.name() == "cat")
        {
            if !last.text.starts_with('-') && !last.dynamic {
                if let Some(content) = self.lookup_file(&last.text).filter(|w| known(w)) {
                    let mut cmd = c.clone();
                    cmd.argv.pop();
                    return Some((cmd, content));
                }
            }
        }
        let input = printed.or(c.stdin_text.as_ref()).filter(|w| known(w))?;
        Some((c.clone(), input.clone()))
    }

    /// What `cat FILE…` prints when some of the files (or the matches of a glob) were written
    /// by the input: their contents joined; None when none of them is known.
    fn concatenated_files(&self, c: &Command) -> Option<Word> {
        if c.name() != "cat"
            || c.args()
                .iter()
                .any(|a| a.dynamic || a.text.starts_with('-'))
        {
            return None;
        }
        let mut text = String::new();
        let mut first: Option<Word> = None;
        for a in c.args() {
            let keys = if a.glob {
                self.written_matching(&[&a.text])
            } else {
                vec![a.text.clone()]
            };
            for k in keys {
                let Some(w) = self
                    .lookup_file(&k)
                    .filter(|w| !w.dynamic && w.subs.is_empty())
                else {
                    continue;
                };
                if text.len() + w.text.len() > MAX_VALUE_BYTES {
                    return None;
                }
                text.push_str(&w.text);
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                first.get_or_insert(w);
            }
        }
        first.map(|w| Word { text, ..w })
    }

    /// The known output of a command substitution that only runs `echo`/`printf` on literals.
    pub(crate) fn literal_output(&self, id: usize) -> Option<String> {
        let (start, end) = self.out.substitutions[id].commands;
        if let Some(device) = device_listing(&self.out.commands[start..end]) {
            return Some(device);
        }
        if let Some(dir) = cache_dir_query(&self.out.commands[start..end]) {
            return Some(dir);
        }
        if let Some(path) = path_query(&self.out.commands[start..end]) {
            return Some(path);
        }
        // `$(dirname "$(dirname "$HOME")")`: an inner substitution already gave its known output
        // to the outer command's word; the outer command alone is the query.
        if end - start > 1 {
            let top: Vec<&Command> = self.substitution_top(id).collect();
            if let [only] = top[..] {
                if let Some(path) = path_query(std::slice::from_ref(only)) {
                    return Some(path);
                }
            }
        }
        if let Some(word) = system_fact(&self.out.commands[start..end]) {
            return Some(word.to_string());
        }
        if let Some(text) = self.filtered_output(start, end, id) {
            return Some(text);
        }
        // `$(cd ~; pwd)`: the directory the substitution's last command printed.
        if let Some(last) = (start..end)
            .rev()
            .find(|&i| self.out.commands[i].within.last() == Some(&id))
        {
            if let Some(dir) = self.printed_cwd.get(&last) {
                return Some(dir.clone());
            }
        }
        // One command at the substitution's top level; commands nested in its words
        // (`$(printf "\\$(printf %o 101)")`) already gave their known output to those words.
        let mut top = self.substitution_top(id);
        let only = top.next()?;
        // Errors thrown away (`2>/dev/null`) leave what is printed as it is.
        let discards_errors = |r: &Redirect| r.fd == Some(2) && r.target.text == "/dev/null";
        if top.next().is_some()
            || self.out.commands[start..end].iter().any(|c| {
                c.redirects
                    .iter()
                    .any(|r| r.writes() && !discards_errors(r))
            })
        {
            return None;
        }
        if only.name() == "mktemp" {
            return Some(mktemp_path(only));
        }
        // `$(losetup -fP --show disk.img)`: the loop device attached to an image file (not to
        // a disk: `losetup --show -f /dev/sda` stays unknown).
        if only.name() == "losetup" && only.args().iter().any(|a| a.text == "--show") {
            let backing = only
                .args()
                .iter()
                .rev()
                .find(|a| !a.text.starts_with('-'))?;
            if !backing.dynamic && !backing.text.starts_with("/dev/") {
                return Some("/dev/loop0".to_string());
            }
        }
        // `for f in $(find ~ -type f)`: the paths find prints, as one representative.
        if let Some(listed) = find_listing(only) {
            return Some(listed.text);
        }
        // `$(cat FILE)`, `$(< FILE)`: a file the input wrote.
        let read = match (only.name(), only.args()) {
            ("cat", [f]) if !f.dynamic && f.subs.is_empty() => self.lookup_file(&f.text),
            ("", []) => self.redirected_input(&only.redirects),
            _ => None,
        };
        if let Some(w) = read.filter(|w| !w.dynamic && w.subs.is_empty()) {
            return Some(w.text.trim_end_matches('\n').to_string());
        }
        printed_literal(only).map(|w| w.text.trim_end_matches('\n').to_string())
    }

    /// `$(printenv TOKEN)`, `$(echo "$TOKEN")`, `$(printf %s $TOKEN)`: an unknown variable's
    /// value printed back, so the word holds `$TOKEN` itself.
    pub(crate) fn echoed_variable(&self, id: usize) -> Option<String> {
        let (start, end) = self.out.substitutions[id].commands;
        let inside = &self.out.commands[start..end];
        let [only] = inside else {
            return None;
        };
        let is_ref = |t: &str| {
            let name = t
                .strip_prefix("${")
                .and_then(|r| r.strip_suffix('}'))
                .or_else(|| t.strip_prefix('$'))?;
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then(|| format!("${name}"))
        };
        match (only.name(), only.args()) {
            ("printenv", [v]) if !v.dynamic && !v.text.starts_with('-') => {
                Some(format!("${}", v.text))
            }
            ("echo", [v]) | ("printf", [_, v]) if v.dynamic => is_ref(&v.text),
            _ => None,
        }
    }

    /// `$(echo ZXRj | base64 -d)`, `$(rev <<< cte)`, `$(<<< /etc cat)`: known text through a
    /// pipeline of filters (see [`super::transforms`]).
    fn filtered_output(&self, start: usize, end: usize, id: usize) -> Option<String> {
        let inside = &self.out.commands[start..end];
        if inside
            .iter()
            .any(|c| c.redirects.iter().any(|r| r.writes()))
        {
            return None;
        }
        // Commands nested in the words (or heredoc) of these already gave their known output.
        let cmds: Vec<&Command> = self.substitution_top(id).collect();
        let (first, rest) = cmds.split_first()?;
        if cmds.iter().any(|c| c.depth != first.depth) {
            return None;
        }
        // One pipeline, stage after stage.
        if !rest.is_empty() {
            let pipeline = first.pipes.last()?.pipeline;
            let in_order = cmds.iter().enumerate().all(|(i, c)| {
                c.pipes
                    .last()
                    .is_some_and(|p| p.pipeline == pipeline && p.stage == i)
            });
            if !in_order {
                return None;
            }
        }
        let fed = first
            .stdin_text
            .as_ref()
            .filter(|w| !w.dynamic && w.subs.is_empty());
        let mut text = match fed {
            Some(input) if passes_stdin_through(first) => input.text.clone(),
            Some(input) => super::transforms::filtered(first, &input.text)?,
            None if rest.is_empty() => return None,
            None => printed_literal(first)?.text,
        };
        for c in rest {
            if !passes_stdin_through(c) {
                text = super::transforms::filtered(c, &text)?;
            }
        }
        Some(text.trim_end_matches('\n').to_string())
    }

    /// Text a numbered descriptor reads (a here-string or heredoc on it, `exec 3<<<…` included)
    /// is what the paths naming that descriptor hold for the rest of the input.
    fn remember_descriptor(&mut self, fd: u32, text: Word) {
        for path in [format!("/dev/fd/{fd}"), format!("/proc/self/fd/{fd}")] {
            self.files.insert(path, text.clone());
        }
    }

    /// Where a here-string or heredoc goes: on a numbered descriptor (`3<<<…`) it is what that
    /// descriptor reads; otherwise it is the command's stdin.
    fn feed_input(&mut self, fd: Option<u32>, text: Option<Word>, stdin: &mut Option<Word>) {
        match fd {
            Some(fd) if fd != 0 => {
                if let Some(text) = text {
                    self.remember_descriptor(fd, text);
                }
            }
            _ => *stdin = text,
        }
    }

    /// What a `< <(CMD)` or `< FILE` redirection feeds a command, when the input fixes it: the
    /// literal output of CMD, or a file written earlier in the input.
    fn redirected_input(&self, redirects: &[Redirect]) -> Option<Word> {
        let r = redirects
            .iter()
            .rev()
            .find(|r| matches!(r.op.as_str(), "<" | "<&") && matches!(r.fd, None | Some(0)))?;
        if r.op == "<&" {
            // `bash <&3`: the shell reads descriptor 3.
            let fd = r.target.text.parse::<u32>().ok()?;
            return self.files.get(&format!("/dev/fd/{fd}")).cloned();
        }
        match r.target.subs.as_slice() {
            [id] if self.out.substitutions[*id].kind == SubstKind::ProcessIn => {
                let text = self.literal_output(*id)?;
                Some(Word {
                    text: format!("{text}\n"),
                    span: r.target.span,
                    ..Word::default()
                })
            }
            [] if !r.target.dynamic => self
                .lookup_file(&r.target.text)
                .filter(|w| !w.dynamic && w.subs.is_empty()),
            _ => None,
        }
    }

    /// The known content of a file written earlier in the input: by the path as given, or
    /// (for a relative path) under the working directory the line is in now (`echo … >
    /// /tmp/x; cd /tmp; sh x`).
    pub(crate) fn lookup_file(&self, path: &str) -> Option<Word> {
        let key = file_key(path);
        if let Some(w) = self.files.get(key) {
            return Some(w.clone());
        }
        self.files.get(&self.key_under_cwd(key)?).cloned()
    }

    /// A relative file key as a path under the known working directory (`job` after `cd /tmp`
    /// is `/tmp/job`); None for an absolute key or an unknown directory.
    pub(crate) fn key_under_cwd(&self, key: &str) -> Option<String> {
        let cwd = self
            .state
            .cwd
            .as_ref()
            .filter(|_| !key.starts_with(['/', '~']))?;
        Some(format!("{}/{key}", cwd.trim_end_matches('/')))
    }

    fn redirected(&mut self, n: Node, src: &Source) {
        let body = n.child_by_field_name("body");
        let mut redirects = Vec::new();
        let mut stdin_text = None;
        let mut trailing: Vec<Node> = Vec::new();
        // `cat > f <<< 'x'` parses as `> f`, an ERROR holding `<<`, then `< 'x'`: the last two
        // are the here-string.
        let mut split_herestring = false;
        for (field, c) in fields(n) {
            if field == Some("body") {
                continue;
            }
            let after_split = std::mem::replace(
                &mut split_herestring,
                c.kind() == "ERROR" && src.text_of(c).trim() == "<<",
            );
            match c.kind() {
                "file_redirect" => match self.file_redirect(c, src) {
                    Some(r) if after_split && r.op == "<" => stdin_text = Some(r.target),
                    // `3<<<'TEXT'` parses as a redirection of descriptor 3 whose operator holds
                    // an ERROR: a here-string on that descriptor.
                    Some(r) if is_herestring_op(&r.op) => {
                        self.feed_input(r.fd, Some(r.target), &mut stdin_text)
                    }
                    r => redirects.extend(r),
                },
                "herestring_redirect" => {
                    let text = self.herestring(c, src);
                    self.feed_input(redirect_fd(c, src), text, &mut stdin_text);
                }
                "heredoc_redirect" => {
                    let text = self.heredoc(c, src);
                    self.feed_input(redirect_fd(c, src), Some(text), &mut stdin_text);
                    for k in named_children(c) {
                        if k.kind() == "file_redirect" {
                            // `cat <<EOF > f.sh`: the redirection after the operator.
                            redirects.extend(self.file_redirect(k, src));
                        } else if !k.kind().starts_with("heredoc") {
                            trailing.push(k);
                        }
                    }
                }
                _ => {}
            }
        }
        // `3< <(echo CODE)`: descriptor 3 reads what the substitution prints.
        for r in &redirects {
            if let (Some(fd), "<", [id]) = (r.fd, r.op.as_str(), r.target.subs.as_slice()) {
                if fd != 0 && self.out.substitutions[*id].kind == SubstKind::ProcessIn {
                    if let Some(text) = self.literal_output(*id) {
                        let word = Word {
                            text: format!("{text}\n"),
                            span: r.target.span,
                            ..Word::default()
                        };
                        self.remember_descriptor(fd, word);
                    }
                }
            }
        }
        // `echo CODE > s && sh < s`: tree-sitter-bash hangs the `< s` on the whole list, but it
        // belongs to the last command; what runs before it (writing `s`) is walked first.
        let mut body = body;
        let reads_file = redirects
            .iter()
            .any(|r| r.op == "<" && matches!(r.fd, None | Some(0)));
        if let Some(list) =
            body.filter(|b| b.kind() == "list" && reads_file && stdin_text.is_none())
        {
            let kids = named_children(list);
            if let Some((last, before)) = kids.split_last() {
                for k in before {
                    self.statement(*k, src);
                }
                body = Some(*last);
            }
        }
        if stdin_text.is_none() {
            stdin_text = self.redirected_input(&redirects);
        }
        let heredoc_pipe = trailing.iter().any(|t| t.kind() == "pipeline");
        let pipe_id = self.out.pipelines.len();
        if heredoc_pipe {
            // `cat <<EOF | sh`: the pipeline continues after the heredoc operator.
            let rest = trailing
                .iter()
                .find(|t| t.kind() == "pipeline")
                .map(|p| named_children(*p).len())
                .unwrap_or(0);
            self.out.pipelines.push(Pipeline {
                stages: rest + 1,
                span: src.span_of(n),
            });
            self.pipes.push(PipePos {
                pipeline: pipe_id,
                stage: 0,
            });
        }
        let first = self.out.commands.len();
        // The body's first simple command sees its heredoc / here-string while it is emitted, so
        // sinks that read stdin (`python3 - <<EOF`, `at now <<EOF`) find their code.
        let saved_pending = std::mem::replace(&mut self.pending_stdin, stdin_text.clone());
        let saved_dropped = self.dropped_words.take();
        let after_target = std::mem::take(&mut self.redirect_args);
        if let Some(b) = body {
            self.dropped_words = dropped_before_redirect(b, n, src);
            if b.kind() == "command" && !after_target.is_empty() {
                let (_, words) = self
                    .dropped_words
                    .get_or_insert_with(|| (b.end_byte(), Vec::new()));
                words.extend(after_target);
            }
            self.statement(b, src);
        }
        self.dropped_words = saved_dropped;
        let consumed = stdin_text.is_some() && self.pending_stdin.is_none();
        self.pending_stdin = saved_pending;
        if heredoc_pipe {
            self.pipes.pop();
        }
        let body_end = self.out.commands.len();
        if body.is_none() && first == body_end && !redirects.is_empty() {
            // `> /etc/passwd` alone: a command with no argv that still truncates its target.
            let ctx = CmdCtx::bare(src.span_of(n), self.background);
            self.push_command(Vec::new(), &ctx);
        }
        let body_end = self.out.commands.len();
        // `cd /etc && : > shadow`: a relative target under the working directory the body left
        // (tree-sitter-bash attaches the redirection to the whole list).
        if let Some(cwd) = self.state.cwd.as_deref().filter(|_| self.track_state) {
            for r in redirects.iter_mut() {
                let t = &r.target.text;
                let relative = !t.is_empty()
                    && !t.starts_with(['/', '~', '$', '&', '-', '<', '>'])
                    && !r.target.dynamic
                    && r.target.subs.is_empty();
                if relative {
                    r.target.text = super::state::resolve(cwd, t);
                }
            }
        }
        // Inside a container, a redirection's file is the host path it is mounted from.
        if !self.place.mounts.is_empty() || self.place.isolated {
            for r in redirects.iter_mut() {
                self.place.map_path(&mut r.target.text);
            }
        }
        self.resolve_redirect_targets(&mut redirects);
        // `a && b > f`, `a | b > f`: tree-sitter-bash attaches the redirection to the whole list
        // or pipeline, but bash gives it to the last command only.
        let owner = body.and_then(|b| {
            let mut last = b;
            while matches!(last.kind(), "list" | "pipeline") {
                match named_children(last).last() {
                    Some(c) => last = *c,
                    None => break,
                }
            }
            (last.id() != b.id()).then(|| src.span_of(last))
        });
        let mut writers = Vec::new();
        let (depth, within, pipes) = (self.depth, self.within.len(), self.pipes.len());
        let stdout_files: Vec<Redirect> = redirects
            .iter()
            .filter(|r| r.writes_stdout())
            .cloned()
            .collect();
        for (i, cmd) in self.out.commands[first..body_end].iter_mut().enumerate() {
            let owns = owner.is_none_or(|(s, e)| cmd.span.0 >= s && cmd.span.1 <= e);
            if cmd.depth == depth && cmd.within.len() == within {
                if owns {
                    cmd.redirects.extend(redirects.iter().cloned());
                }
                if cmd.stdin_text.is_none() {
                    cmd.stdin_text = stdin_text.clone();
                }
                writers.push(first + i);
            } else if owns
                && !stdout_files.is_empty()
                && cmd.depth > depth
                && matches!(cmd.origin, Origin::ShellString | Origin::Eval)
                && cmd.within.len() == within
                && cmd.pipes.len() == pipes
                && !cmd.redirects.iter().any(|r| r.writes_stdout())
            {
                // `sh -c 'cat /etc/shadow' > /tmp/s`, `eval "$c" > f`: what the code prints
                // (outside a pipeline of its own) goes to the wrapper's file.
                cmd.redirects.extend(stdout_files.iter().cloned());
                writers.push(first + i);
            }
        }
        if !redirects.is_empty() || stdin_text.is_some() {
            for &i in &writers {
                let argv = self.out.commands[i].argv.clone();
                let mut attached = std::mem::take(&mut self.out.commands[i].redirects);
                self.follow_read_fds(&argv, &mut attached);
                self.exec_sets_stdin(&argv, stdin_text.as_ref(), &attached);
                let mut argv = argv;
                self.descriptor_file_as_stdin(&mut argv, &mut attached);
                self.out.commands[i].argv = argv;
                // A descriptor opened on a here-string feeds that text on stdin.
                if let Some(p) = attached
                    .iter()
                    .position(|r| r.op == "<<<" && r.fd.is_none())
                {
                    let text = attached.remove(p).target;
                    self.out.commands[i].stdin_text.get_or_insert(text);
                }
                self.out.commands[i].redirects = attached;
                self.record_written_file(i);
                self.coprocess_code(i);
                self.record_download_redirect(i);
                self.record_download_through_pipe(i, first);
            }
        }
        // `exec > >(nc HOST PORT)`, `exec > /dev/tcp/HOST/PORT`: from here on what the input's
        // commands print goes to the network.
        for &i in &writers {
            let cmd = &self.out.commands[i];
            if cmd.argv.len() == 1 && cmd.name() == "exec" && self.track_state {
                let to_network = cmd
                    .redirects
                    .iter()
                    .find(|r| r.writes() && r.fd.is_none_or(|f| f == 1) && self.reaches_network(r));
                if let Some(r) = to_network {
                    self.state.stdout_to = Some(r.clone());
                }
            }
        }
        // `echo 'rm -rf ~' > >(sh)`: printed text written into a shell's process substitution.
        for &i in &writers {
            let cmd = &self.out.commands[i];
            let into_shell = cmd.redirects.iter().filter(|r| r.writes()).any(|r| {
                r.target.subs.iter().any(|&s| {
                    self.out.substitutions[s].kind == SubstKind::ProcessOut
                        && self
                            .out
                            .commands_within(s)
                            .any(super::nested::reads_code_from_stdin)
                })
            });
            if into_shell {
                // `exec > >(bash)`: from here on the input's own output goes to that shell.
                let stdout = cmd
                    .redirects
                    .iter()
                    .any(|r| r.writes() && r.fd.is_none_or(|f| f == 1));
                if cmd.argv.len() == 1 && cmd.name() == "exec" && stdout && self.track_state {
                    self.state.stdout_into_shell = true;
                }
                if let Some(code) = printed_literal(cmd) {
                    self.nested_code(&code, Origin::ShellString);
                }
            }
        }
        // A heredoc fed straight to a shell is code (unless the shell already read it above).
        if let Some(text) = stdin_text.as_ref().filter(|_| !consumed) {
            let feeds_shell = self.out.commands[first..body_end]
                .iter()
                .any(super::nested::reads_code_from_stdin);
            if feeds_shell {
                let map = self.verbatim_map(text);
                self.nested(text, map, Origin::Heredoc);
            }
        }
        // `cat <<EOF | python3`: what the heredoc's command passes on is the next stage's stdin.
        let passed_on = self.out.commands[first..body_end]
            .iter()
            .rev()
            .find(|c| c.depth == self.depth && c.within.len() == self.within.len())
            .filter(|c| passes_stdin_through(c))
            .and(stdin_text.clone());
        for t in trailing {
            if t.kind() == "pipeline" {
                for (i, stage) in named_children(t).into_iter().enumerate() {
                    self.pipes.push(PipePos {
                        pipeline: pipe_id,
                        stage: i + 1,
                    });
                    let before = self.out.commands.len();
                    let input = if i == 0 { passed_on.clone() } else { None };
                    let saved_piped = std::mem::replace(&mut self.piped, input);
                    self.statement(stage, src);
                    self.piped = saved_piped;
                    self.pipes.pop();
                    let later_shell = self.out.commands[before..]
                        .iter()
                        .any(super::nested::reads_code_from_stdin);
                    if later_shell {
                        if let Some(text) = &stdin_text {
                            let map = self.verbatim_map(text);
                            self.nested(text, map, Origin::Heredoc);
                        }
                    }
                }
            } else {
                self.statement(t, src);
            }
        }
    }

    pub(crate) fn file_redirect(&mut self, n: Node, src: &Source) -> Option<Redirect> {
        let mut op = String::new();
        let mut fd = None;
        let mut target: Option<Word> = None;
        let mut target_end = 0;
        let mut split_dollar = false;
        for (field, c) in fields(n) {
            match field {
                Some("descriptor") => fd = src.text_of(c).parse().ok(),
                // tree-sitter sometimes attaches the next redirection's fd (`0>&1`) as a second
                // destination: the first one is the real target.
                Some("destination") if target.is_none() => {
                    target = self.words(c, src).into_iter().next();
                    target_end = c.end_byte();
                    split_dollar = src.text_of(c).ends_with('$');
                }
                // `>& $d/$t/1.2.3.4/80` parses as destinations `$d/` and `$t/1.2.3.4/` that touch:
                // one word.
                Some("destination") if c.start_byte() == target_end => {
                    let more = self.words(c, src).into_iter().next();
                    if let (Some(t), Some(mut more)) = (target.as_mut(), more) {
                        // The split falls inside `$b`: the first part ends with a bare `$`.
                        if split_dollar {
                            let name_len = more
                                .text
                                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                                .unwrap_or(more.text.len());
                            let value = self
                                .vars
                                .get(&more.text[..name_len])
                                .filter(|v| !v.dynamic && name_len > 0)
                                .map(|v| v.text.clone());
                            match value {
                                Some(v) => more.text.replace_range(..name_len, &v),
                                None => {
                                    t.dynamic = true;
                                    t.text.push('$');
                                }
                            }
                        }
                        t.span.1 = more.span.1;
                        t.append(more);
                    }
                    target_end = c.end_byte();
                    split_dollar = src.text_of(c).ends_with('$');
                }
                // `cmd >&2 0>&1`: the `0` glued to the next redirection is its descriptor.
                Some("destination")
                    if c.kind() == "number"
                        && n.next_sibling()
                            .is_some_and(|r| r.start_byte() == c.end_byte()) => {}
                Some("destination") => {
                    let words = self.words(c, src);
                    self.redirect_args.extend(words);
                }
                // `<>` parses as `<` plus an ERROR holding `>`.
                _ if !c.is_named() || c.kind() == "ERROR" => op.push_str(src.text_of(c)),
                _ => {
                    if target.is_none() {
                        target = self.words(c, src).into_iter().next();
                    }
                }
            }
        }
        Some(Redirect {
            op,
            fd,
            target: target?,
        })
    }

    fn herestring(&mut self, n: Node, src: &Source) -> Option<Word> {
        let mut out: Option<Word> = None;
        for c in named_children(n) {
            for w in self.words(c, src) {
                match &mut out {
                    Some(o) => {
                        o.text.push(' ');
                        o.text.push_str(&w.text);
                        o.dynamic |= w.dynamic;
                        o.subs.extend(w.subs);
                        o.span.1 = w.span.1;
                    }
                    None => out = Some(w),
                }
            }
        }
        out.map(|mut w| {
            w.text.push('\n');
            w
        })
    }

    fn heredoc(&mut self, n: Node, src: &Source) -> Word {
        let mut word = Word {
            span: src.span_of(n),
            ..Word::default()
        };
        let quoted = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "heredoc_start")
            .is_some_and(|s| src.text_of(s).contains(['\'', '"', '\\']));
        for c in named_children(n) {
            if c.kind() == "heredoc_body" {
                let body = src.text_of(c);
                word.span = src.span_of(c);
                // Expansions inside an unquoted heredoc body run; a `$(…)` whose output is
                // known (`$(cat <<E …)`, `$(echo …)`) becomes that text.
                let mut text = String::with_capacity(body.len());
                let mut copied = c.start_byte();
                let mut substituting = true;
                for k in named_children(c) {
                    if matches!(k.kind(), "command_substitution" | "process_substitution") {
                        let id = self.substitution(k, src);
                        let known = (k.kind() == "command_substitution")
                            .then(|| self.literal_output(id))
                            .flatten();
                        if let Some(out) = known {
                            text.push_str(src.text.get(copied..k.start_byte()).unwrap_or(""));
                            text.push_str(&out);
                            copied = k.end_byte();
                        } else {
                            word.subs.push(id);
                            word.dynamic = true;
                        }
                    } else if matches!(k.kind(), "simple_expansion" | "expansion") {
                        // `target=./out` then `rmtree("$target")` in the body: a variable
                        // whose value the walk knows is that text.
                        let inner_subs = descendants_of_kind(k, "command_substitution");
                        if inner_subs.is_empty() && substituting {
                            let value = self.joined_word(k, src);
                            // (`$HOME` stays spelled as such, and is read as the home.)
                            let known = !value.dynamic
                                || super::state::home_relative(&value.text)
                                    .is_some_and(|p| !p.contains('$'));
                            // Bounded like any resolved value: a body of many expansions of a
                            // large variable does not grow past the size of the body plus one
                            // value's budget.
                            let fits =
                                text.len() + value.text.len() <= body.len() + MAX_VALUE_BYTES;
                            substituting = fits;
                            if known && fits && value.subs.is_empty() && !value.text.is_empty() {
                                text.push_str(src.text.get(copied..k.start_byte()).unwrap_or(""));
                                text.push_str(&value.text);
                                copied = k.end_byte();
                                continue;
                            }
                        }
                        word.dynamic = true;
                        // `${x:=$(cmd)}`: a substitution inside an expansion runs too.
                        for inner in inner_subs {
                            let id = self.substitution(inner, src);
                            word.subs.push(id);
                        }
                    }
                }
                text.push_str(src.text.get(copied..c.end_byte()).unwrap_or(""));
                // tree-sitter-bash leaves backticks in a heredoc body as text; bash runs them.
                if !quoted && self.walk_backticks(body, c.start_byte(), src) {
                    word.dynamic = true;
                }
                word.text = unmask_body(text);
            }
        }
        word
    }

    /// Walk the backtick substitutions of `text` (which starts at byte `offset` of `src`) that
    /// tree-sitter-bash left as text; true when there was one.
    pub(crate) fn walk_backticks(&mut self, text: &str, offset: usize, src: &Source) -> bool {
        let found = body_backticks(text);
        for &(start, inner) in &found {
            let at = offset + start;
            let code = Word {
                text: inner.to_string(),
                span: src.map.span(at, at + inner.len()),
                ..Word::default()
            };
            self.nested_code(&code, Origin::ShellString);
        }
        !found.is_empty()
    }

    /// Register and walk a `$(…)`, backtick or `<(…)` substitution; returns its id.
    pub(crate) fn substitution(&mut self, n: Node, src: &Source) -> usize {
        let text = src.text_of(n);
        let kind = if text.starts_with("<(") {
            SubstKind::ProcessIn
        } else if text.starts_with(">(") {
            SubstKind::ProcessOut
        } else {
            SubstKind::Command
        };
        let id = self.out.substitutions.len();
        let first = self.out.commands.len();
        self.out.substitutions.push(Substitution {
            kind,
            span: src.span_of(n),
            commands: (first, first),
        });
        self.within.push(id);
        let saved_state = self.state.clone();
        let saved_pending = self.pending_stdin.take();
        let saved_pipes = std::mem::take(&mut self.pipes);
        let saved_bg = self.background;
        self.background = false;
        match backtick_body_unescaped(text) {
            // bash reads `\``, `\$` and `\\` inside backticks as the bare characters, so an
            // escaped backtick opens a nested substitution the grammar does not see.
            Some(body) => self.nested(&Word::literal(&body, src.span_of(n)), None, Origin::Eval),
            None => self.children_with_background(n, src),
        }
        self.background = saved_bg;
        self.pipes = saved_pipes;
        self.pending_stdin = saved_pending;
        self.state = saved_state;
        self.within.pop();
        self.out.substitutions[id].commands.1 = self.out.commands.len();
        id
    }

    /// Record `name=value`; with `standalone` it is a statement of its own.
    /// The value of variables copied whole (`$x`, `${x}`, `$a$b`, `x$y`), when every part is
    /// known and the result holds blanks that splitting would lose (bash does not split an
    /// assignment's value).
    fn plain_copy(&self, v: Node, src: &Source) -> Option<Word> {
        let parts = match v.kind() {
            "simple_expansion" | "expansion" => vec![v],
            "concatenation" => named_children(v),
            _ => return None,
        };
        let mut text = String::new();
        for p in parts {
            let part = src.text_of(p);
            let name = match p.kind() {
                "simple_expansion" => part.strip_prefix('$')?,
                "expansion" => part.strip_prefix("${")?.strip_suffix('}')?,
                "word"
                    if part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "/._-:@%+=,".contains(c)) =>
                {
                    text.push_str(part);
                    continue;
                }
                _ => return None,
            };
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let known = match self.vars.get(name) {
                // `X=$IFS` before any assignment of IFS copies bash's default.
                None if name == "IFS" => " \t\n",
                found => found.filter(|w| !w.dynamic)?.text.as_str(),
            };
            text.push_str(known);
            // (Past twice the value bound the caller's cut applies anyway.)
            if text.len() > 2 * MAX_VALUE_BYTES {
                return None;
            }
        }
        text.contains(char::is_whitespace).then(|| Word {
            text,
            span: src.span_of(v),
            ..Word::default()
        })
    }

    fn assignment(&mut self, n: Node, src: &Source, standalone: bool) -> Option<(String, Word)> {
        let written = src.text_of(n.child_by_field_name("name")?);
        let appends = src
            .text_of(n)
            .get(written.len()..)
            .is_some_and(|r| r.starts_with("+="));
        let name = self.deref(written).to_string();
        let value_node = n.child_by_field_name("value");
        if let Some(v) = value_node.filter(|v| v.kind() == "array" && self.track_state) {
            // `a=(rm -rf /)`, `a+=(x)`: remember the elements.
            let mut elems: Vec<Word> = Vec::new();
            // Nodes with no blank between them are one element: tree-sitter-bash splits
            // `[2]=$HOME/` into `[2]=$` and `HOME/`.
            let mut group: Vec<Node> = Vec::new();
            for c in named_children(v) {
                let apart =
                    |p: &Node| p.end_byte() != c.start_byte() || p.is_error() || c.is_error();
                if group.last().is_some_and(apart) {
                    elems.extend(self.words_group(&group, src));
                    group.clear();
                }
                group.push(c);
            }
            elems.extend(self.words_group(&group, src));
            // `a=([0]=rm [1]=-rf [2]=/)`: numbered elements take their places (in index order,
            // as `${a[@]}` lists them); `m=([k]=/etc)`: other keys are kept as `NAME[KEY]`.
            let mut placed: std::collections::BTreeMap<i64, Word> = Default::default();
            let mut next = 0i64;
            for e in elems.drain(..) {
                let keyed = e
                    .text
                    .strip_prefix('[')
                    .and_then(|r| r.split_once("]="))
                    .filter(|(k, _)| !k.is_empty() && !k.contains(['[', ']']));
                let Some((key, value)) = keyed else {
                    placed.insert(next, e);
                    next += 1;
                    continue;
                };
                // The `[KEY]` is not a glob; only the value can be one.
                let w = Word {
                    text: value.to_string(),
                    glob: e.glob && value.contains(['*', '?', '[']),
                    ..e.clone()
                };
                match self.arithmetic(key).filter(|i| (0..=1 << 20).contains(i)) {
                    Some(i) => {
                        // Also by its number, so a sparse `${a[5]}` still finds it.
                        self.vars.insert(format!("{name}[{i}]"), w.clone());
                        placed.insert(i, w);
                        next = i + 1;
                    }
                    None => {
                        self.vars.insert(format!("{name}[{key}]"), w);
                    }
                }
            }
            elems = placed.into_values().collect();
            // `PROMPT_COMMAND=(…)`, `PROMPT_COMMAND+=(…)`: bash 5.1 runs every element.
            // (Only elements that can run: a large array is assigned element by element.)
            let runs = Walker::may_hold_env_code(&name);
            let code: Vec<(String, Word)> = elems
                .iter()
                .filter(|e| runs || e.text.trim_start().starts_with("()"))
                .map(|e| (name.clone(), e.clone()))
                .collect();
            self.env_code_sinks(&code);
            if elems.iter().map(|e| e.text.len()).sum::<usize>() <= MAX_VALUE_BYTES {
                let arr = self.state.arrays.entry(name.clone()).or_default();
                if !appends {
                    arr.clear();
                }
                arr.extend(elems);
                if let Some(first) = arr.first().cloned() {
                    self.vars.insert(name.clone(), first);
                }
            } else {
                self.state.arrays.remove(&name);
            }
        } else if standalone {
            self.state.arrays.remove(&name);
        }
        let value = match value_node {
            Some(v) => {
                // `s=$sp`: bash does not split an assignment's value, so a copy of `" "` is
                // `" "`.
                let mut w = match self.plain_copy(v, src) {
                    Some(copy) => copy,
                    None => self.joined_word(v, src),
                };
                if appends && v.kind() != "array" {
                    if let Some(old) = self.vars.get(&name) {
                        w.text = format!("{}{}", old.text, w.text);
                        w.dynamic |= old.dynamic;
                    }
                }
                w
            }
            None => Word {
                span: src.span_of(n),
                ..Word::default()
            },
        };
        if name == "IFS" && self.track_state {
            self.state.ifs = (!value.dynamic).then(|| value.text.clone());
        }
        self.resolved_bytes = self.resolved_bytes.saturating_add(value.text.len());
        let over_budget =
            self.resolved_bytes > RESOLVED_BYTES_BUDGET && value.text.len() > KEPT_PREFIX_BYTES;
        if value.text.len() > MAX_VALUE_BYTES || over_budget {
            // Past the budget only the value's start is known (doubling `a="$a$a"` cannot grow
            // without bound): keep that prefix, and mark the rest unknown.
            let mut cut = KEPT_PREFIX_BYTES;
            while !value.text.is_char_boundary(cut) {
                cut -= 1;
            }
            let value = Word {
                text: format!("{}$__HERMES_CUT", &value.text[..cut]),
                dynamic: true,
                ..value
            };
            self.vars.insert(name.clone(), value.clone());
            return Some((name, value));
        }
        // `declare -i n; n='a[$(cmd)]'`, `a[i]=1` with `i='b[$(cmd)]'`: the value of an integer
        // variable and the index of an element are arithmetic.
        if self.state.integers.contains(&name) {
            self.arithmetic_code(&value.text, value.span);
        }
        self.subscript_code(written, src.span_of(n));
        // `BASH_CMDS[ll]=/bin/rm`: an entry of the command hash table, like `hash -p /bin/rm ll`.
        if let Some(alias) = name
            .strip_prefix("BASH_CMDS[")
            .and_then(|r| r.strip_suffix(']'))
        {
            let program = value.text.rsplit('/').next().filter(|p| !p.is_empty());
            if let Some(program) = program.filter(|_| !value.dynamic && is_name(alias)) {
                let program = program.to_string();
                self.state.program_copies.insert(alias.to_string(), program);
            }
        }
        if standalone {
            // `PROMPT_COMMAND[1]='…'`: one element of an array the shell runs.
            let base = name.split_once('[').map_or(name.as_str(), |(b, _)| b);
            self.env_code_sinks(&[(base.to_string(), value.clone())]);
            self.vars.insert(name.clone(), value.clone());
            self.set_array_element(&name, &value);
            let ctx = CmdCtx {
                assignments: vec![(name.clone(), value.clone())],
                ..CmdCtx::bare(src.span_of(n), self.background)
            };
            self.push_command(Vec::new(), &ctx);
        }
        Some((name, value))
    }

    /// `a[1]=-rf`: one element of an indexed array set (`"${a[@]}"` then lists it in index
    /// order). Elements already known keep their places unless an element assignment named the
    /// same index; an index the walk cannot compute leaves the array unknown.
    fn set_array_element(&mut self, name: &str, value: &Word) {
        let Some((base, key)) = name.strip_suffix(']').and_then(|n| n.split_once('[')) else {
            return;
        };
        let Some(index) = self.arithmetic(key).filter(|i| (0..=1 << 20).contains(i)) else {
            self.state.arrays.remove(base);
            return;
        };
        self.vars.insert(format!("{base}[{index}]"), value.clone());
        let mut placed: std::collections::BTreeMap<i64, Word> = self
            .state
            .arrays
            .get(base)
            .into_iter()
            .flatten()
            .cloned()
            .enumerate()
            .map(|(i, w)| (i as i64, w))
            .collect();
        let prefix = format!("{base}[");
        for (k, w) in &self.vars {
            let set = k
                .strip_prefix(&prefix)
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|i| i.parse::<i64>().ok());
            if let Some(i) = set {
                placed.insert(i, w.clone());
            }
        }
        let elems: Vec<Word> = placed.into_values().collect();
        if elems.iter().map(|e| e.text.len()).sum::<usize>() > MAX_VALUE_BYTES {
            self.state.arrays.remove(base);
            return;
        }
        if let Some(first) = elems.first().cloned() {
            self.vars.insert(base.to_string(), first);
        }
        self.state.arrays.insert(base.to_string(), elems);
    }

    /// The variable a name stands for after following `declare -n` references.
    pub(crate) fn deref<'a>(&'a self, mut name: &'a str) -> &'a str {
        for _ in 0..8 {
            match self.namerefs.get(name) {
                Some(t) => name = t,
                None => break,
            }
        }
        name
    }

    fn declaration(&mut self, n: Node, src: &Source) {
        let mut argv: Vec<Word> = Vec::new();
        let mut assignments = Vec::new();
        // `declare -l` / `-u`: values are lower- or upper-cased as they are assigned.
        let mut case: Option<bool> = None;
        // `declare -n r=HOME`: `r` names another variable.
        let mut nameref = false;
        // `declare -i n`: values assigned to `n` are arithmetic.
        let mut integer = false;
        let convert = |case: Option<bool>, mut value: Word| {
            match case {
                Some(true) => value.text = value.text.to_lowercase(),
                Some(false) => value.text = value.text.to_uppercase(),
                None => {}
            }
            value
        };
        for c in all_children(n) {
            if !c.is_named() {
                let t = src.text_of(c);
                if argv.is_empty() && !t.is_empty() {
                    argv.push(Word {
                        text: t.to_string(),
                        span: src.span_of(c),
                        ..Word::default()
                    });
                }
                continue;
            }
            if c.kind() == "variable_assignment" {
                if let Some((name, value)) = self.assignment(c, src, false) {
                    if integer && self.state.integers.insert(name.clone()) {
                        self.arithmetic_code(&value.text, value.span);
                    }
                    let mut value = convert(case, value);
                    if nameref && !value.dynamic {
                        let target = value.text.clone();
                        if is_name(&target) && target != name {
                            self.namerefs.insert(name.clone(), target.clone());
                        }
                        if let Some(v) = self.vars.get(&target) {
                            value = v.clone();
                        } else if matches!(target.as_str(), "HOME" | "USER" | "LOGNAME" | "PWD") {
                            value.text = format!("${target}");
                            value.dynamic = true;
                        }
                    }
                    self.vars.insert(name.clone(), value.clone());
                    argv.push(Word {
                        text: format!("{}={}", name, value.text),
                        span: src.span_of(c),
                        dynamic: value.dynamic,
                        subs: value.subs.clone(),
                        ..Word::default()
                    });
                    assignments.push((name, value));
                }
            } else {
                for w in self.words(c, src) {
                    if let Some(flags) = w.text.strip_prefix('-').filter(|f| !f.is_empty()) {
                        if flags.contains('l') {
                            case = Some(true);
                        } else if flags.contains('u') {
                            case = Some(false);
                        }
                        nameref |= flags.contains('n');
                        integer |= flags.contains('i');
                    } else if integer && is_name(&w.text) {
                        self.state.integers.insert(w.text.clone());
                    }
                    // `declare 'a[$(cmd)]'`, `local "x[$i]"`: the index is arithmetic.
                    self.subscript_code(&w.text, w.span);
                    // `declare "c=rm"`, `declare "$n=rm"`: an assignment spelled as a word.
                    if let Some((name, value)) = w.text.split_once('=').filter(|(k, _)| {
                        !k.is_empty()
                            && !k.starts_with(|c: char| c.is_ascii_digit())
                            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    }) {
                        if !w.dynamic && w.subs.is_empty() {
                            let value = Word {
                                text: value.to_string(),
                                ..w.clone()
                            };
                            let value = convert(case, value);
                            self.vars.insert(name.to_string(), value.clone());
                            assignments.push((name.to_string(), value));
                        }
                    }
                    argv.push(w);
                }
            }
        }
        self.env_code_sinks(&assignments);
        let ctx = CmdCtx {
            assignments,
            redirects: Vec::new(),
            stdin_text: None,
            span: src.span_of(n),
            background: self.background,
        };
        self.push_command(argv, &ctx);
    }

    fn function(&mut self, n: Node, src: &Source) {
        let name = n
            .child_by_field_name("name")
            .map(|x| src.text_of(x).to_string())
            .unwrap_or_default();
        let first = self.out.commands.len();
        let saved = self.in_function;
        self.in_function = true;
        if let Some(body) = n.child_by_field_name("body") {
            let text: Rc<str> = Rc::from(src.text_of(body));
            let map = src.map.shifted(body.start_byte());
            self.functions.insert(name.clone(), (text, map));
            // Inside the body `$FUNCNAME` (`${FUNCNAME[0]}`) is the function's own name:
            // `g(){ $FUNCNAME|$FUNCNAME& }; g` calls itself.
            let own = Word::literal(&name, src.span_of(n));
            let saved_vars: Vec<(String, Option<Word>)> = ["FUNCNAME", "FUNCNAME[0]"]
                .iter()
                .map(|k| (k.to_string(), self.vars.insert(k.to_string(), own.clone())))
                .collect();
            self.statement(body, src);
            for (k, v) in saved_vars {
                match v {
                    Some(v) => self.vars.insert(k, v),
                    None => self.vars.remove(&k),
                };
            }
        }
        self.in_function = saved;
        let calls: Vec<(String, SelfCall)> = self.out.commands[first..]
            .iter()
            .map(|c| {
                let call = SelfCall {
                    piped: !c.pipes.is_empty(),
                    background: c.background,
                };
                (c.name().to_string(), call)
            })
            .collect();
        let self_calls = calls
            .iter()
            .filter(|(callee, _)| *callee == name)
            .map(|(_, call)| *call)
            .collect();
        self.out.functions.push(Function {
            name,
            span: src.span_of(n),
            self_calls,
            calls,
        });
    }

    /// `while COND; do …; done` / `until COND; …`: the body, plus the endless-spawn check.
    fn while_loop(&mut self, n: Node, src: &Source) {
        let until = all_children(n)
            .first()
            .is_some_and(|k| src.text_of(*k) == "until");
        let mut first_body = None;
        let mut body = None;
        let mut endless = false;
        for (field, c) in fields(n) {
            match field {
                Some("condition") if c.is_named() => {
                    let cond = src.text_of(c).trim().trim_end_matches(';').trim();
                    endless = if until {
                        matches!(
                            cond,
                            "false" | "/bin/false" | "/usr/bin/false" | "[ ]" | "((0))"
                        )
                    } else {
                        matches!(
                            cond,
                            "true"
                                | ":"
                                | "/bin/true"
                                | "/usr/bin/true"
                                | "[ 1 ]"
                                | "[[ 1 ]]"
                                | "((1))"
                                | "(( 1 ))"
                        )
                    };
                    self.statement(c, src);
                }
                Some("body") => {
                    first_body = Some(self.out.commands.len());
                    body = Some(c);
                    self.statement(c, src);
                }
                _ if c.is_named() => self.statement(c, src),
                _ => {}
            }
        }
        if let (true, Some(first)) = (endless, first_body) {
            self.spawn_loop_effect(first, src.span_of(n));
        }
        if let (true, Some(body)) = (endless, body) {
            self.growth_loop_effect(body, src, src.span_of(n));
        }
    }

    /// A loop that never ends (or runs dozens of times) while a variable grows from its own
    /// value (`s+=$s`, `s="$s$s"`, `a+=("${a[@]}")`) fills memory: the shell holds every byte.
    fn growth_loop_effect(&mut self, body: Node, src: &Source, span: Span) {
        let text = src.text_of(body);
        let leaves = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|w| matches!(w, "break" | "exit" | "return"));
        if leaves {
            return;
        }
        let grows = descendants_of_kind(body, "variable_assignment")
            .into_iter()
            .take(64)
            .any(|a| {
                let Some(name) = a.child_by_field_name("name").map(|n| src.text_of(n)) else {
                    return false;
                };
                let Some(value) = a.child_by_field_name("value").map(|v| src.text_of(v)) else {
                    return false;
                };
                let appends = src.text_of(a)[name.len()..].starts_with("+=");
                let uses = reads_variable(value, name);
                uses >= 2 || (appends && uses >= 1)
            });
        if grows {
            self.out.effects.push(Effect {
                kind: EffectKind::MemoryLoop,
                span,
                detail: "a shell loop doubles a variable".into(),
            });
        }
    }

    /// An endless loop whose body starts background processes and never waits or sleeps is a
    /// fork bomb (`while :; do $0 & done`).
    fn spawn_loop_effect(&mut self, first: usize, span: Span) {
        let body = &self.out.commands[first..];
        let spawns = body.iter().any(|c| c.background && !c.argv.is_empty());
        let throttled = body.iter().any(|c| {
            !c.background
                && matches!(
                    c.name(),
                    "sleep" | "wait" | "read" | "usleep" | "inotifywait" | "timeout"
                )
        });
        if spawns && !throttled {
            self.out.effects.push(Effect {
                kind: EffectKind::ForkLoop,
                span,
                detail: "a shell loop".into(),
            });
        }
    }

    fn for_loop(&mut self, n: Node, src: &Source) {
        let var = n
            .child_by_field_name("variable")
            .map(|v| src.text_of(v).to_string());
        let mut values: Vec<Word> = Vec::new();
        let mut body = None;
        let mut enormous = false;
        for (field, c) in fields(n) {
            match field {
                Some("value") => {
                    enormous |= counts_enormously(src.text_of(c));
                    values.extend(self.words(c, src));
                }
                Some("body") => body = Some(c),
                _ => {}
            }
        }
        let Some(body) = body else { return };
        let values = self.with_written_matches(values);
        // `for i in $(seq 1 1000000); do sleep 1000 & done`: an enormous count of iterations that
        // each start a background process is a fork bomb, as an endless loop is.
        let first_body = self.out.commands.len();
        if enormous {
            self.statement(body, src);
            self.spawn_loop_effect(first_body, src.span_of(n));
            return;
        }
        // Nested loops multiply: unroll only while the product of the factors stays small, so
        // ten nested loops cannot turn into 8^10 walks of the body. A glob value (`for f in
        // /etc/*`) binds the variable to the glob, which stands for every file it matches.
        // Thirty or more rounds of doubling outgrow any memory (`for i in {1..40}; do s=$s$s; done`).
        if values.len() >= 30 {
            self.growth_loop_effect(body, src, src.span_of(n));
        }
        let literal = !values.is_empty()
            && values.len() <= MAX_LOOP_VALUES
            && self.unroll * values.len() <= MAX_UNROLL
            && values
                .iter()
                .all(|v| !v.dynamic || (v.subs.is_empty() && home_prefixed(&v.text)));
        match var {
            Some(var) if literal => {
                let saved = self.unroll;
                self.unroll *= values.len();
                for v in values {
                    self.vars.insert(var.clone(), v);
                    self.statement(body, src);
                }
                self.unroll = saved;
            }
            Some(var) => {
                self.loop_over_written_files(&var, &values, body, src);
                // `for c in $(xxd -p key | fold -w60)`: each value is unknown, but it comes from
                // those substitutions (what they read still reaches what the body does with it).
                let subs: Vec<usize> = values.iter().flat_map(|v| v.subs.iter().copied()).collect();
                if subs.is_empty() {
                    self.vars.remove(&var);
                } else {
                    let bound = Word {
                        text: format!("${var}"),
                        dynamic: true,
                        subs,
                        ..values[0].clone()
                    };
                    self.vars.insert(var.clone(), bound);
                }
                self.statement(body, src);
                self.vars.remove(&var);
            }
            None => self.statement(body, src),
        }
    }

    /// A loop too long to unroll whose list names files the input wrote (`for f in
    /// /tmp/s/*.sh; do . "$f"; done` over hundreds of them): the body runs once with each of
    /// those files, within a budget of files and bytes; past it the rest are reported as not
    /// analysed. Only outside other unrolled loops, so nesting cannot multiply the work.
    fn loop_over_written_files(&mut self, var: &str, values: &[Word], body: Node, src: &Source) {
        if self.unroll > 1 || self.files.is_empty() {
            return;
        }
        let written: Vec<(Word, usize)> = values
            .iter()
            .filter(|v| !v.dynamic && v.subs.is_empty())
            .filter_map(|v| {
                let size = self.lookup_file(&v.text)?.text.len();
                Some((v.clone(), size + 1))
            })
            .collect();
        let (mut files, mut bytes) = (0usize, 0usize);
        let saved = self.unroll;
        self.unroll = MAX_UNROLL;
        for (v, size) in written {
            files += 1;
            bytes += size;
            if files > MAX_WRITTEN_LOOP_FILES || bytes > MAX_WRITTEN_LOOP_BYTES {
                self.gap(
                    GapKind::DynamicCode,
                    "a loop runs more files written earlier than the analysis follows",
                    v.span,
                );
                break;
            }
            self.vars.insert(var.to_string(), v);
            self.statement(body, src);
        }
        self.unroll = saved;
        self.vars.remove(var);
    }

    /// The commands at the top level of substitution `id` (not those nested in their words).
    pub(crate) fn substitution_top(&self, id: usize) -> impl Iterator<Item = &Command> {
        let (start, end) = self
            .out
            .substitutions
            .get(id)
            .map_or((0, 0), |s| s.commands);
        self.out.commands[start..end.min(self.out.commands.len())]
            .iter()
            .filter(move |c| c.within.last() == Some(&id))
    }

    /// The names of the files written earlier in the input that match any of the glob
    /// `patterns`, sorted.
    pub(crate) fn written_matching(&self, patterns: &[&str]) -> Vec<String> {
        if self.files.is_empty() {
            return Vec::new();
        }
        // Each pattern with the literal text after its last wildcard: a name that does not end
        // with it cannot match, and that test is cheap (a long script writes thousands of files
        // and runs a test runner matching twenty patterns many times).
        let patterns: Vec<(&str, &str)> = patterns
            .iter()
            .map(|p| {
                let p = file_key(p);
                let tail = p.rsplit(['*', '?', ']', '}']).next().unwrap_or("");
                (p, if tail.contains('\\') { "" } else { tail })
            })
            .collect();
        let mut matched: Vec<String> = self
            .files
            .keys()
            .filter(|k| {
                patterns
                    .iter()
                    .any(|(p, tail)| k.ends_with(tail) && crate::text::glob::matches(p, k))
            })
            .cloned()
            .collect();
        matched.sort();
        matched
    }

    /// Loop values with every glob (`for f in s*.sh`) preceded by the files written earlier in
    /// the input that it matches, so the body sees their names (and their content when it runs
    /// them); the glob itself stays for the files the input did not write.
    fn with_written_matches(&self, values: Vec<Word>) -> Vec<Word> {
        if self.files.is_empty() {
            return values;
        }
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            // `for f in $(ls *.sh)`: the globs the listing names stand for it.
            let is_glob = is_glob_value(&v);
            let globs = if is_glob {
                vec![v.text.clone()]
            } else {
                self.listed_globs(&v)
            };
            for glob in &globs {
                let under_cwd = self.key_under_cwd(glob);
                let patterns: Vec<&str> = std::iter::once(glob.as_str())
                    .chain(under_cwd.as_deref())
                    .collect();
                let matched = self.written_matching(&patterns);
                out.extend(matched.into_iter().take(MAX_LOOP_VALUES).map(|k| Word {
                    text: k,
                    subs: Vec::new(),
                    dynamic: false,
                    ..v.clone()
                }));
            }
            if is_glob || globs.is_empty() {
                out.push(v);
            } else {
                out.extend(globs.into_iter().map(|g| Word {
                    text: g,
                    subs: Vec::new(),
                    dynamic: false,
                    ..v.clone()
                }));
            }
        }
        out
    }

    /// The glob operands of an `ls` that is the whole of a substitution (`$(ls *.sh)`, `$(ls
    /// -1 jobs/*.py)`).
    fn listed_globs(&self, v: &Word) -> Vec<String> {
        let [id] = v.subs.as_slice() else {
            return Vec::new();
        };
        let top: Vec<&Command> = self.substitution_top(*id).collect();
        match top.as_slice() {
            [c] if c.name() == "ls" => c
                .args()
                .iter()
                .filter(|a| !a.text.starts_with('-') && a.text.contains(['*', '?', '[']))
                .map(|a| a.text.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn command(&mut self, n: Node, src: &Source) {
        let mut argv: Vec<Word> = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut stdin_text = None;
        // Nodes with no blank between them form one shell word (tree-sitter sometimes splits one).
        let mut group: Vec<Node> = Vec::new();
        for (field, c) in fields(n) {
            let is_word = !matches!(
                c.kind(),
                "variable_assignment" | "file_redirect" | "herestring_redirect" | "comment"
            ) && (field == Some("name") || field == Some("argument") || c.is_named());
            if is_word {
                if group.last().is_some_and(|p| p.end_byte() != c.start_byte()) {
                    argv.extend(self.words_group(&group, src));
                    group.clear();
                }
                group.push(c);
                continue;
            }
            // `bash 3<<<'CODE'`: tree-sitter reads the glued `3` as an argument; it is the
            // descriptor the here-string feeds.
            let glued_fd = (c.kind() == "herestring_redirect"
                && group.len() == 1
                && group[0].kind() == "number"
                && group[0].end_byte() == c.start_byte())
            .then(|| src.text_of(group[0]).parse::<u32>().ok())
            .flatten();
            if glued_fd.is_some() {
                group.clear();
            }
            if !group.is_empty() {
                argv.extend(self.words_group(&group, src));
                group.clear();
            }
            match c.kind() {
                "herestring_redirect" => {
                    let text = self.herestring(c, src);
                    let fd = glued_fd.or_else(|| redirect_fd(c, src));
                    self.feed_input(fd, text, &mut stdin_text);
                }
                "variable_assignment" if argv.is_empty() => {
                    if let Some(a) = self.assignment(c, src, false) {
                        assignments.push(a);
                    }
                }
                "file_redirect" => {
                    match self.file_redirect(c, src) {
                        Some(r) if is_herestring_op(&r.op) => {
                            self.feed_input(r.fd, Some(r.target), &mut stdin_text)
                        }
                        r => redirects.extend(r),
                    }
                    argv.append(&mut self.redirect_args);
                }
                _ => {}
            }
        }
        // `sh 0</tmp/p`: tree-sitter-bash reads a `0` glued to the redirection after the command
        // as an argument; to bash it is the descriptor being redirected.
        let descriptor = group.len() == 1
            && group[0].kind() == "number"
            && following_redirect(n).is_some_and(|r| r.start_byte() == group[0].end_byte());
        if !group.is_empty() && !descriptor {
            argv.extend(self.words_group(&group, src));
        }
        if self
            .dropped_words
            .as_ref()
            .is_some_and(|(end, _)| *end == n.end_byte())
        {
            if let Some((_, words)) = self.dropped_words.take() {
                argv.extend(words);
            }
        }
        // A heredoc of the enclosing statement, or literal text printed into this pipeline stage.
        let mut stdin_text = stdin_text
            .or_else(|| self.redirected_input(&redirects))
            .or_else(|| self.pending_stdin.take())
            .or_else(|| self.piped.take());
        // (A descriptor whose text is known is read as that file: `remember_descriptor`.)
        let known = argv
            .iter()
            .skip(1)
            .any(|w| self.files.contains_key(&w.text));
        if self.track_state && redirects.is_empty() && !known {
            self.descriptor_file_as_stdin(&mut argv, &mut redirects);
        }
        self.exec_sets_stdin(&argv, stdin_text.as_ref(), &redirects);
        self.inherit_shell_stdin(&argv, &mut stdin_text, &mut redirects);
        let ctx = CmdCtx {
            assignments,
            redirects,
            stdin_text,
            span: src.span_of(n),
            background: self.background,
        };
        self.emit(argv, ctx);
    }

    /// Append one command to the IR and return its index.
    pub(crate) fn push_command(&mut self, mut argv: Vec<Word>, ctx: &CmdCtx) -> usize {
        // `$_` in the next command is this one's last word (`mkdir -p d && cd $_`).
        if let Some(last) = argv.last().filter(|_| self.track_state) {
            self.vars.insert("_".to_string(), last.clone());
        }
        let mut redirects = ctx.redirects.clone();
        if let Some(to) = self.state.stdout_to.clone() {
            let own = redirects
                .iter()
                .any(|r| r.writes() && r.fd.is_none_or(|f| f == 1));
            if !own && !argv.is_empty() {
                redirects.push(to);
            }
        }
        // `crontab <(echo …)`, `cp <(printf …) ~/.bashrc`: a process substitution with known
        // output is a file with that content (named like the descriptor bash passes).
        for w in argv.iter_mut().skip(1) {
            if let [id] = w.subs[..] {
                let process = self.out.substitutions[id].kind == SubstKind::ProcessIn;
                if process && w.text == "<(…)" {
                    if let Some(text) = self.literal_output(id) {
                        let key = format!("/dev/fd/{}", 63 + id);
                        let content = Word {
                            text: format!("{text}\n"),
                            span: w.span,
                            ..Word::default()
                        };
                        self.files.entry(key.clone()).or_insert(content);
                        w.text = key;
                    }
                }
            }
        }
        // `~+` is the working directory, `~-` the previous one.
        if self.track_state {
            for w in argv.iter_mut().skip(1) {
                for (tilde, dir) in [("~+", &self.state.cwd), ("~-", &self.state.oldpwd)] {
                    if let (Some(rest), Some(dir)) = (w.text.strip_prefix(tilde), dir) {
                        if rest.is_empty() || rest.starts_with('/') {
                            w.text = format!("{dir}{rest}");
                        }
                    }
                }
            }
        }
        // `exec 3< ~/.ssh/id_rsa; curl --data-binary @/dev/fd/3 …`: a descriptor opened on a
        // file names that file.
        if self.track_state && !self.state.read_fds.is_empty() {
            for w in argv.iter_mut().skip(1) {
                for (n, r) in &self.state.read_fds {
                    let plain = r.op == "<" && r.target.subs.is_empty() && !r.target.dynamic;
                    let path = format!("/dev/fd/{n}");
                    let named = w.text.ends_with(&path) && w.text.len() > path.len();
                    if plain && named && !self.files.contains_key(&r.target.text) {
                        w.text = w.text.replace(&path, &r.target.text);
                    }
                }
            }
        }
        // `/proc/self/root`, `/proc/$$/root`, `/proc/1/root` (and init's `/proc/1/cwd`) are the
        // root directory itself
        // (also after `KEY=`: `dd of=/proc/self/root/dev/sda`).
        for w in argv.iter_mut().skip(1) {
            let (key, path) = match w.text.split_once('=') {
                Some((k, v)) if v.starts_with("/proc/") => (Some(k), v),
                _ => (None, w.text.as_str()),
            };
            if let Some(rest) = proc_root_rest(path) {
                let path = if rest.is_empty() { "/" } else { rest };
                w.text = match key {
                    Some(k) => format!("{k}={path}"),
                    None => path.to_string(),
                };
            }
        }
        if !self.place.mounts.is_empty() || self.place.isolated {
            for w in argv.iter_mut().skip(1) {
                self.place.map_path(&mut w.text);
            }
            for r in &mut redirects {
                self.place.map_path(&mut r.target.text);
            }
        }
        // Relative paths against the working directory the line has set (kept in host terms, so
        // after container paths were mapped), then `..` collapsed.
        if let Some(cwd) = self
            .state
            .cwd
            .clone()
            .filter(|_| self.track_state && !argv.is_empty())
        {
            super::nested::resolve_paths(&mut argv, &cwd);
        }
        if !argv.is_empty() {
            super::options::expand_all(&mut argv);
            super::options::target_directory_last(&mut argv);
            super::nested::normalize_paths(&mut argv);
        }
        redirects.extend(super::outputs::option_redirects(&argv));
        self.resolve_redirect_targets(&mut redirects);
        // `ln -s /dev/sda /tmp/d; dd of=/tmp/d`: opening a link to a device opens the device.
        if !self.state.linked.is_empty() {
            for w in argv.iter_mut().skip(1) {
                let (prefix, path) = match w.text.split_once('=') {
                    Some((k, v)) if !k.starts_with('-') || v.starts_with('/') => {
                        (format!("{k}="), v.to_string())
                    }
                    _ => (String::new(), w.text.clone()),
                };
                if let Some(device) = self.linked_device(&path) {
                    w.text = format!("{prefix}{device}");
                }
            }
            // `ln -s ~/.ssh/authorized_keys x && echo KEY | tee -a x`: tee writes the target.
            if argv.first().is_some_and(|n| n.text == "tee") {
                for w in argv.iter_mut().skip(1).filter(|w| !w.text.starts_with('-')) {
                    if let Some(target) = self.linked_file(&w.text) {
                        w.text = target;
                    }
                }
            }
        }
        // `ln -s /etc e; find -L e -delete`: find started at a link it follows (`-L`, `-H`, or a
        // trailing slash) walks the link's target; started at a moved path, what was moved.
        if argv.first().is_some_and(|n| n.text == "find")
            && !(self.state.moved.is_empty() && self.state.linked.is_empty())
        {
            let follows = argv
                .iter()
                .skip(1)
                .take_while(|w| w.text.starts_with('-'))
                .any(|w| w.text == "-L" || w.text == "-H");
            let starts = argv
                .iter_mut()
                .skip(1)
                .skip_while(|w| matches!(w.text.as_str(), "-L" | "-H" | "-P"))
                .take_while(|w| !w.text.starts_with('-') && w.text != "(" && w.text != "!");
            for w in starts {
                let path = if follows {
                    format!("{}/", w.text.trim_end_matches('/'))
                } else {
                    w.text.clone()
                };
                if let Some(origin) = self.state.origin_of(&path) {
                    w.text = origin;
                }
            }
        }
        // `mv ~/.ssh /tmp/gone && rm -rf /tmp/gone`: deleting a moved path deletes what was moved.
        let deletes = argv
            .first()
            .is_some_and(|n| matches!(n.text.as_str(), "rm" | "shred" | "srm" | "wipe" | "unlink"));
        if deletes && !(self.state.moved.is_empty() && self.state.linked.is_empty()) {
            for w in argv.iter_mut().skip(1).filter(|w| !w.text.starts_with('-')) {
                if let Some(origin) = self.state.origin_of(&w.text) {
                    w.text = origin;
                }
            }
        }
        // `cp /bin/bash /tmp/.b && chmod u+s /tmp/.b`: the mode is set on a copy of the program.
        if argv.first().is_some_and(|n| n.text == "chmod") {
            for w in argv.iter_mut().skip(1) {
                if let Some(program) = self.state.program_copies.get(file_key(&w.text)) {
                    w.text = format!("/bin/{program}");
                }
            }
        }
        // Every command is kept to the end of the walk: no spare capacity (a script of short
        // commands is mostly argv vectors).
        argv.shrink_to_fit();
        self.out.commands.push(Command {
            argv,
            assignments: ctx.assignments.clone(),
            redirects,
            stdin_text: ctx.stdin_text.clone(),
            pipes: self.pipes.clone(),
            within: self.within.clone(),
            depth: self.depth,
            origin: self.origin,
            span: ctx.span,
            background: ctx.background,
            wrappers: Vec::new(),
            wrapped_by: None,
            in_function: self.in_function,
            via: self.via.clone(),
            invoked_as: None,
            cwd: self.state.cwd.clone().filter(|_| self.track_state),
        });
        self.out.commands.len() - 1
    }
}

impl Walker {
    /// Redirection targets as the file they open: `..` and `.` collapsed in absolute paths
    /// (`> /tmp/../dev/sda`), and a link the input made to a device replaced by the device.
    fn resolve_redirect_targets(&self, redirects: &mut [Redirect]) {
        for r in redirects {
            // bash opens the one file a glob target names (`> /etc/pass?d`).
            if r.target.glob {
                if let Some(n) = super::nested::expand_path_glob(&r.target.text) {
                    r.target.text = n;
                }
            }
            if let Some(n) = super::nested::normalize_absolute(&r.target.text) {
                r.target.text = n;
            }
            if let Some(target) = self.linked_file(&r.target.text) {
                r.target.text = target;
            }
        }
    }

    /// The absolute (or home) path a path is a symlink to, when the input linked it: writing
    /// through the link writes there (`ln -sf ~/.bashrc out.log && echo … >> out.log`).
    fn linked_file(&self, path: &str) -> Option<String> {
        if self.state.linked.is_empty() {
            return None;
        }
        self.state
            .linked
            .get(&super::state::normalize(path))
            .map(|(target, _)| target.clone())
            .filter(|t| t.starts_with('/') || t.starts_with("~/") || t.starts_with("$HOME/"))
    }

    /// The device or system file a path is a symlink to, when the input linked it (`ln -s /dev/sda
    /// d`, `ln -sf /etc/shadow /tmp/log` then `: > /tmp/log`).
    fn linked_device(&self, path: &str) -> Option<String> {
        self.linked_file(path)
            .filter(|t| t.starts_with("/dev/") || t.starts_with("/etc/"))
    }

    /// A bare `exec <<< TEXT` / `exec < SOURCE` (descriptor 0) replaces the shell's own stdin
    /// for the rest of the input.
    fn exec_sets_stdin(&mut self, argv: &[Word], stdin: Option<&Word>, redirects: &[Redirect]) {
        if !self.track_state || argv.len() != 1 || argv[0].text != "exec" {
            return;
        }
        let source = redirects
            .iter()
            .rev()
            .find(|r| r.op == "<" && matches!(r.fd, None | Some(0)));
        if stdin.is_none() && source.is_none() {
            return;
        }
        self.state.stdin = stdin.cloned();
        self.state.stdin_source = source.cloned();
    }

    /// A command that is not a later pipeline stage and has no input of its own reads the
    /// shell's stdin, which a bare `exec` may have replaced (`exec 0<<<CODE; bash`).
    fn inherit_shell_stdin(
        &self,
        argv: &[Word],
        stdin: &mut Option<Word>,
        redirects: &mut Vec<Redirect>,
    ) {
        let replaced = self.state.stdin.is_some() || self.state.stdin_source.is_some();
        if !replaced
            || argv.first().is_none_or(|w| w.text == "exec")
            || stdin.is_some()
            || self.pipes.last().is_some_and(|p| p.stage > 0)
            || redirects
                .iter()
                .any(|r| r.op.starts_with('<') && matches!(r.fd, None | Some(0)))
        {
            return;
        }
        match (&self.state.stdin, &self.state.stdin_source) {
            (Some(text), _) => *stdin = Some(text.clone()),
            (None, Some(source)) => redirects.push(source.clone()),
            (None, None) => {}
        }
    }

    /// `bash /dev/fd/3 3< SOURCE`, `source /dev/fd/3` after `exec 3< <(curl …)`: the script
    /// named by the descriptor is SOURCE, read like stdin.
    fn descriptor_file_as_stdin(&self, argv: &mut [Word], redirects: &mut Vec<Redirect>) {
        let fd_arg = argv.iter().enumerate().skip(1).find_map(|(p, w)| {
            let n = w
                .text
                .strip_prefix("/dev/fd/")
                .or_else(|| w.text.strip_prefix("/proc/self/fd/"))?
                .parse::<u32>()
                .ok()?;
            Some((p, n))
        });
        let Some((p, n)) = fd_arg.filter(|(_, n)| *n > 0) else {
            return;
        };
        let source = redirects
            .iter()
            .find(|r| r.fd == Some(n) && (r.op == "<" || r.op == "<<<"))
            .cloned()
            .or_else(|| self.state.read_fds.get(&n).cloned());
        if let Some(mut source) = source {
            source.fd = None;
            redirects.push(source);
            argv[p].text = "/dev/stdin".into();
        }
    }

    /// `exec 3< SOURCE` opens descriptor 3 on SOURCE for the rest of the input; a later
    /// `CMD <&3` (or `0<&3`) reads SOURCE on its stdin, and is recorded as `CMD < SOURCE` so the
    /// analyzers see where the input comes from (`exec 3< <(curl …); bash <&3`). Likewise
    /// `exec 3>> FILE` then `CMD >&3` is recorded as `CMD >> FILE`.
    fn follow_read_fds(&mut self, argv: &[Word], redirects: &mut [Redirect]) {
        if !self.track_state {
            return;
        }
        let bare_exec = argv.len() == 1 && argv[0].text == "exec";
        for r in redirects.iter_mut() {
            match (r.op.as_str(), r.fd) {
                ("<" | "<<<", Some(n)) if bare_exec && n > 2 => {
                    let mut source = r.clone();
                    source.fd = None;
                    self.state.read_fds.insert(n, source);
                }
                ("<&", None | Some(0)) => {
                    if let Some(source) = opened_fd(&self.state.read_fds, r) {
                        *r = source.clone();
                    }
                }
                // `exec 3>> ~/.bashrc`: descriptor 3 writes the file from now on.
                (">" | ">>" | ">|", Some(n)) if bare_exec && n > 2 => {
                    let mut target = r.clone();
                    target.fd = None;
                    // Later writes through the open descriptor add to what it already wrote.
                    target.op = ">>".into();
                    self.state.write_fds.insert(n, target);
                }
                // `echo x >&3` (or `1>&3`, `2>&3`) writes where descriptor 3 points.
                (">&", fd) if fd.is_none_or(|f| f <= 2) => {
                    if let Some(target) = opened_fd(&self.state.write_fds, r) {
                        let mut target = target.clone();
                        target.fd = r.fd;
                        *r = target;
                    }
                }
                _ => {}
            }
        }
    }
}

impl Walker {
    /// A redirection into a network connection: `/dev/tcp/…`, `/dev/udp/…`, or a process
    /// substitution running a network client (`>(nc HOST PORT)`).
    fn reaches_network(&self, r: &Redirect) -> bool {
        let t = &r.target.text;
        t.starts_with("/dev/tcp/")
            || t.starts_with("/dev/udp/")
            || r.target.subs.iter().any(|&s| {
                self.out.substitutions[s].kind == SubstKind::ProcessOut
                    && self.out.commands_within(s).any(|c| {
                        matches!(
                            c.name(),
                            "nc" | "ncat"
                                | "netcat"
                                | "socat"
                                | "telnet"
                                | "openssl"
                                | "curl"
                                | "ssh"
                        )
                    })
            })
    }
}

/// The redirection a descriptor duplication (`<&3`, `>&3`) stands for, when the input opened that
/// descriptor with a bare `exec`.
fn opened_fd<'a>(
    fds: &'a std::collections::HashMap<u32, Redirect>,
    dup: &Redirect,
) -> Option<&'a Redirect> {
    fds.get(&dup.target.text.parse::<u32>().ok()?)
}

/// What a plain `find START …` (no actions) prints, as one representative item: START itself
/// when nothing filters (find lists its start first), `START/*` with `-mindepth 1` alone, else
/// a path under START (`find / | xargs rm -rf` deletes `/`).
/// What `ls DIR…` (without `-d`) lists, as paths: every entry of each directory (`DIR/*`), so
/// `ls / | xargs rm -rf` is judged as `rm -rf /*`. `ls -d GLOB` lists what the glob matches.
fn ls_listing(cmd: &Command) -> Option<Word> {
    if cmd.name() != "ls" {
        return None;
    }
    let args = cmd.args();
    if args.iter().any(|a| !a.subs.is_empty()) {
        return None;
    }
    let dirs_only = args
        .iter()
        .any(|a| a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains('d'));
    let operands: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
    let first = operands.first().copied().or(cmd.argv.first())?;
    let text = if operands.is_empty() {
        "./*".to_string()
    } else if dirs_only {
        operands
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        // A glob names entries (`ls /dev/nvme*n1`), a directory lists its entries.
        operands
            .iter()
            .map(|a| {
                if a.glob || a.text.contains(['*', '?', '[']) {
                    a.text.clone()
                } else {
                    format!("{}/*", a.text.trim_end_matches('/'))
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some(Word {
        text,
        ..first.clone()
    })
}

/// `$(go env GOCACHE)`, `$(npm config get cache)`, `$(pip cache dir)`, `$(yarn cache dir)`,
/// `$(brew --cache)`, `$(pnpm store path)`: the tool's own cache directory, which is routinely
/// deleted. Stands for it as a path under `~/.cache/`.
fn cache_dir_query(cmds: &[Command]) -> Option<String> {
    let [only] = cmds else { return None };
    let args: Vec<&str> = only.args().iter().map(|a| a.text.as_str()).collect();
    let cache = match (only.name(), args.as_slice()) {
        ("go", ["env", v]) if matches!(*v, "GOCACHE" | "GOMODCACHE") => true,
        ("npm" | "pnpm", ["config", "get", "cache"]) => true,
        ("pnpm", ["store", "path"]) => true,
        ("pip" | "pip3", ["cache", "dir"]) => true,
        ("yarn", ["cache", "dir"]) => true,
        ("yarn", ["config", "get", "cacheFolder"]) => true,
        ("brew", ["--cache"]) => true,
        ("poetry", ["config", "cache-dir"]) => true,
        ("uv", ["cache", "dir"]) => true,
        ("composer", ["config", "cache-dir"]) => true,
        _ => false,
    };
    cache.then(|| format!("~/.cache/{}", only.name()))
}

/// Commands that print one plain word about this system, as vendors' install docs use them in
/// package-source lines and download URLs (`$(lsb_release -cs)`, `$(dpkg --print-architecture)`,
/// `$(. /etc/os-release && echo "$VERSION_CODENAME")`, `$(uname -m)`): a representative value,
/// so the line around it is read as the literal line it becomes.
fn system_fact(cmds: &[Command]) -> Option<&'static str> {
    let args = |c: &Command| -> Vec<String> { c.args().iter().map(|a| a.text.clone()).collect() };
    match cmds {
        [only] => {
            let a = args(only);
            let flags_within = |allowed: &str| {
                !a.is_empty()
                    && a.iter().all(|f| {
                        f.len() > 1
                            && f.starts_with('-')
                            && !f.starts_with("--")
                            && f[1..].chars().all(|c| allowed.contains(c))
                    })
            };
            match only.name() {
                "lsb_release" if flags_within("cs") => Some("jammy"),
                "lsb_release" if flags_within("is") => Some("Ubuntu"),
                "lsb_release" if flags_within("rs") => Some("22.04"),
                "dpkg" if a == ["--print-architecture"] => Some("amd64"),
                "uname" if flags_within("m") || flags_within("p") || flags_within("i") => {
                    Some("x86_64")
                }
                "uname" if flags_within("s") || a.is_empty() => Some("Linux"),
                "uname" if flags_within("r") => Some("6.8.0-generic"),
                "arch" if a.is_empty() => Some("x86_64"),
                "rpm" if a.len() == 2 && a[0] == "-E" && a[1].starts_with('%') => Some("40"),
                "getconf" if a == ["LONG_BIT"] => Some("64"),
                "nproc" if a.is_empty() => Some("8"),
                // Where a toolchain is installed (rc lines vendors document: `export
                // PATH="$(go env GOPATH)/bin:$PATH"`, `source $(brew --prefix)/share/…`).
                "go" if a.len() == 2 && a[0] == "env" && a[1].starts_with("GO") => Some("$HOME/go"),
                "brew" if a.first().is_some_and(|f| f == "--prefix") && a.len() <= 2 => {
                    Some("/opt/homebrew")
                }
                "java_home" if a.is_empty() || a.len() == 2 && a[0] == "-v" => {
                    Some("/Library/Java/JavaVirtualMachines/jdk/Contents/Home")
                }
                "pyenv" | "rbenv" | "nodenv" if a == ["root"] => Some("$HOME/.pyenv"),
                "npm" if a == ["prefix", "-g"] || a == ["config", "get", "prefix"] => {
                    Some("/usr/local")
                }
                "rustc" if a == ["--print", "sysroot"] => Some("$HOME/.rustup/toolchains/stable"),
                "xcode-select" if a == ["-p"] || a == ["--print-path"] => {
                    Some("/Applications/Xcode.app/Contents/Developer")
                }
                _ => None,
            }
        }
        // `. /etc/os-release && echo "$VERSION_CODENAME"` (or `$ID`, `$VERSION_ID`).
        [source, echo] => {
            let sourced =
                matches!(source.name(), "." | "source") && args(source) == ["/etc/os-release"];
            let field = match args(echo).as_slice() {
                [v] if echo.name() == "echo" => v.trim_start_matches('$').replace(['{', '}'], ""),
                _ => return None,
            };
            if !sourced {
                return None;
            }
            match field.as_str() {
                "VERSION_CODENAME" | "UBUNTU_CODENAME" => Some("jammy"),
                "ID" => Some("ubuntu"),
                "VERSION_ID" => Some("22.04"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Commands that print a path or the user's name computed from what they are given:
/// `$(dirname $HOME)` is the directory holding the homes, `$(realpath ~)` and
/// `$(getent passwd $(whoami) | cut -d: -f6)` are a home, `$(eval echo ~$USER)` is the home,
/// `$(whoami)` is the user's name (`/home/$(whoami)` is the home).
fn path_query(cmds: &[Command]) -> Option<String> {
    let (first, rest) = cmds.split_first()?;
    let operands: Vec<&Word> = first
        .args()
        .iter()
        .filter(|a| !a.text.starts_with('-'))
        .collect();
    let literal = |w: &Word| w.subs.is_empty() && !w.glob;
    // The sixth field of a passwd entry is that user's home directory (the user's name may
    // itself be a substitution, walked before this command).
    let getent = cmds.iter().any(|c| {
        (c.name() == "getent" && c.args().first().is_some_and(|a| a.text == "passwd"))
            || c.args().iter().any(|a| a.text == "/etc/passwd")
    });
    if getent {
        let sixth = cmds.iter().any(|c| {
            let args: Vec<&str> = c.args().iter().map(|a| a.text.as_str()).collect();
            match c.name() {
                "cut" => args.iter().any(|a| a.ends_with("-f6") || *a == "6"),
                "awk" | "gawk" | "mawk" => args.iter().any(|a| a.contains("$6")),
                _ => false,
            }
        });
        if sixth {
            return Some("~".to_string());
        }
    }
    // `eval echo ~$USER`: the tilde is expanded on the second reading (the echo it runs is
    // walked after it).
    if let ("eval", [echo, p]) = (first.name(), operands.as_slice()) {
        return (echo.text == "echo" && literal(p))
            .then(|| home_spelling(&p.text).map(str::to_string))
            .flatten();
    }
    if !rest.is_empty() {
        return None;
    }
    match (first.name(), operands.as_slice()) {
        ("echo", [p]) if literal(p) => home_spelling(&p.text).map(str::to_string),
        ("whoami" | "logname", []) => Some("$USER".into()),
        ("id", [])
            if first.args().iter().any(|a| a.text.contains('u'))
                && first.args().iter().any(|a| a.text.contains('n')) =>
        {
            Some("$USER".into())
        }
        ("printenv", [name]) if name.text == "HOME" => Some("~".into()),
        // `ls DIR` prints the names in DIR, whichever they are: `~/$(ls ~)` is every entry.
        ("ls", [p])
            if literal(p)
                && first.args().iter().all(|a| {
                    !a.text.starts_with('-') || a.text[1..].chars().all(|c| "1aA".contains(c))
                }) =>
        {
            Some("*".into())
        }
        // `compgen -G '/*'` prints the paths the pattern matches.
        ("compgen", _) => first
            .args()
            .windows(2)
            .find(|w| w[0].text == "-G" && w[1].subs.is_empty())
            .map(|w| w[1].text.clone()),
        // `ls` alone lists the working directory: every entry in it.
        ("ls", []) if first.args().is_empty() => Some("*".into()),
        // `$(true)`, `$(:)`: nothing.
        ("true" | ":" | "false", _) => Some(String::new()),
        // `$(seq 1 65535)`: the numbers, the first few of a long run standing for the rest.
        ("seq", [a, b]) => seq_output(&a.text, &b.text),
        ("seq", [b]) => seq_output("1", &b.text),
        // `$(pidof systemd)`: init is process 1.
        ("pidof" | "pgrep", [p]) if matches!(p.text.as_str(), "systemd" | "init") => {
            Some("1".into())
        }
        // `$(ps -o pid= -p 1)`: the process id asked for by number, printed alone.
        ("ps", _)
            if first
                .args()
                .iter()
                .any(|w| matches!(w.text.as_str(), "pid=" | "-opid=")) =>
        {
            let pids: Vec<_> = first
                .args()
                .windows(2)
                .filter(|w| matches!(w[0].text.as_str(), "-p" | "--pid" | "-q"))
                .map(|w| &w[1])
                .collect();
            match pids.as_slice() {
                [p] if p.text.chars().all(|c| c.is_ascii_digit()) && literal(p) => {
                    Some(p.text.clone())
                }
                _ => None,
            }
        }
        // `xdg-user-dir` with no name prints the home directory itself.
        ("xdg-user-dir", []) => Some("~".into()),
        // `$(command -v rm)`, `$(which rm)`, `$(type -P rm)`: where the program is installed.
        ("command" | "type", [p])
            if literal(p)
                && first
                    .args()
                    .iter()
                    .any(|a| matches!(a.text.as_str(), "-v" | "-P" | "-p")) =>
        {
            installed_path(&p.text)
        }
        ("which" | "whereis", [p]) if literal(p) => installed_path(&p.text),
        // `$(python3 -c 'import site; print(site.getusersitepackages())')`: the user's site
        // directory, where a `.pth` file runs at every Python start.
        (python, [code])
            if python.starts_with("python") && code.text.contains("getusersitepackages") =>
        {
            Some("~/.local/lib/python3/site-packages".into())
        }
        (python, [code])
            if python.starts_with("python")
                && (code.text.contains("getsitepackages") || code.text.contains("purelib")) =>
        {
            Some("/usr/lib/python3/dist-packages".into())
        }
        ("dirname", [p]) if literal(p) => {
            // `$(dirname "$HOME/.bashrc")` is the home directory.
            let path = super::state::home_relative(&p.text).unwrap_or_else(|| p.text.clone());
            (path.starts_with('/') || path.starts_with('~'))
                .then(|| super::state::normalize(&format!("{path}/..")))
        }
        ("realpath" | "readlink", [p]) if literal(p) => {
            let path = super::state::home_relative(&p.text).unwrap_or_else(|| p.text.clone());
            (path.starts_with('/') || path.starts_with('~')).then(|| super::state::normalize(&path))
        }
        _ => None,
    }
}

/// What `seq FIRST LAST` prints, up to 64 numbers.
/// A loop value that counts to at least ten thousand, or forever: `$(seq 1 1000000)`,
/// `$(seq inf)`, `{1..100000}`.
fn counts_enormously(value: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^(\$\(|`)\s*seq\s+(-\S+\s+)*(\S+\s+)*([0-9]{5,}|inf|infinity)\s*(\)|`)$|^\{-?[0-9]+\.\.[0-9]{5,}(\.\.[0-9]+)?\}$",
        )
        .expect("static regex")
    })
    .is_match(value.trim())
}

fn seq_output(first: &str, last: &str) -> Option<String> {
    let (a, b): (i64, i64) = (first.parse().ok()?, last.parse().ok()?);
    let nums: Vec<String> = (a..=b).take(64).map(|n| n.to_string()).collect();
    Some(nums.join("\n"))
}

/// The path an installed program is found at, for a plain program name.
fn installed_path(name: &str) -> Option<String> {
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c)))
    .then(|| format!("/usr/bin/{name}"))
}

/// `$HOME/*`, `${HOME}/.config`: a path under the home directory whose only unknown part is
/// the home directory itself (the analysis reads `$HOME` as the home).
fn home_prefixed(text: &str) -> bool {
    super::state::home_relative(text).is_some_and(|p| !p.contains('$'))
}

/// `~`, `$HOME`, `~$USER`, `~${LOGNAME}`: the home directory however it is spelled (a word whose
/// variables were left unresolved keeps them as text).
fn home_spelling(text: &str) -> Option<&'static str> {
    let t = text.trim_end_matches('/');
    let user = ["$USER", "${USER}", "$LOGNAME", "${LOGNAME}"];
    (matches!(t, "~" | "$HOME" | "${HOME}")
        || t.strip_prefix('~').is_some_and(|u| user.contains(&u)))
    .then_some("~")
}

/// `$(findmnt -no SOURCE /)`, `$(lsblk -ndpo NAME | head -1)`, `$(blkid -o device)`: what
/// these print is a block device, whichever one it is at run time. Stands for it as `/dev/sda`
/// (`sda` for `lsblk` names printed without `-p`), so a write to it is judged as a disk write.
fn device_listing(cmds: &[Command]) -> Option<String> {
    const FILTERS: &[&str] = &[
        "head", "tail", "grep", "egrep", "awk", "sed", "cut", "sort", "uniq", "tr", "xargs",
    ];
    let (first, rest) = cmds.split_first()?;
    if !rest.iter().all(|c| FILTERS.contains(&c.name())) {
        return None;
    }
    let args: Vec<&str> = first.args().iter().map(|a| a.text.as_str()).collect();
    let short_has = |c: char| {
        args.iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c))
    };
    match first.name() {
        "findmnt" => args
            .iter()
            .any(|a| a.contains("SOURCE") || *a == "-S" || a.starts_with("--source"))
            .then(|| "/dev/sda".to_string()),
        "blkid" | "df" => Some("/dev/sda".to_string()),
        // `ls /dev/nvme*n1`, `ls -1 /dev/sd?`: the disks the pattern names.
        "ls" => args
            .iter()
            .filter_map(|a| a.strip_prefix("/dev/"))
            .any(|d| {
                ["sd", "nvme", "vd", "hd", "xvd", "mmcblk", "disk/"]
                    .iter()
                    .any(|p| d.starts_with(p))
            })
            .then(|| "/dev/sda".to_string()),
        "lsblk" => {
            // A later stage may put the directory in front (`sed 's|^|/dev/|'`, `awk '{print "/dev/"$1}'`).
            let prefixed = rest
                .iter()
                .any(|c| c.args().iter().any(|a| a.text.contains("/dev/")));
            let paths = short_has('p')
                || prefixed
                || args.contains(&"--paths")
                || args.iter().any(|a| a.contains("PATH"));
            Some(if paths { "/dev/sda" } else { "sda" }.to_string())
        }
        _ => None,
    }
}

/// Whether a pipeline stage copies its standard input to its output unchanged (or a prefix of
/// it): `cat` and `cat -`, `tee FILE…`, `head`/`tail` without a file, `pv`, `dd` without `if=`.
fn passes_stdin_through(cmd: &Command) -> bool {
    let args = cmd.args();
    let operands = || {
        args.iter()
            .filter(|a| !a.text.starts_with('-') || a.text == "-")
    };
    match cmd.name() {
        "cat" => operands().all(|a| a.text == "-"),
        "tee" | "pv" | "buffer" => true,
        "head" | "tail" => {
            // `head -n 5`: the count is an option value, not a file.
            let mut files = 0;
            let mut skip = false;
            for a in args {
                if skip {
                    skip = false;
                } else if a.text.starts_with("-c") || a.text.starts_with("--bytes") {
                    return false;
                } else if matches!(a.text.as_str(), "-n" | "--lines") {
                    skip = true;
                } else if !a.text.starts_with('-') {
                    files += 1;
                }
            }
            files == 0
        }
        // `dd bs=1 skip=3`, `tail -c +4`: a byte range is modelled, not passed through.
        "dd" => !args.iter().any(|a| {
            a.text.starts_with("if=") || a.text.starts_with("skip=") || a.text.starts_with("iseek=")
        }),
        _ => false,
    }
}

fn find_listing(cmd: &Command) -> Option<Word> {
    if matches!(cmd.name(), "locate" | "plocate" | "mlocate" | "slocate") {
        return locate_listing(cmd);
    }
    if cmd.name() != "find" {
        return None;
    }
    let args = cmd.args();
    let acts = [
        "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-ls", "-printf", "-quit",
    ];
    if args.iter().any(|a| acts.contains(&a.text.as_str())) {
        return None;
    }
    let start = args
        .iter()
        .find(|a| !matches!(a.text.as_str(), "-L" | "-H" | "-P"))
        .filter(|a| !a.text.starts_with('-') && a.text != "(" && a.text != "!")?;
    let tests: Vec<&str> = args
        .iter()
        .map(|a| a.text.as_str())
        .filter(|a| {
            a.starts_with('-')
                && !matches!(
                    *a,
                    "-L" | "-H" | "-P" | "-print" | "-print0" | "-xdev" | "-mount" | "-depth"
                )
        })
        .collect();
    let text = match tests.as_slice() {
        // Every entry under an absolute or home start, at every depth (`START/{}`, as for
        // `-exec`); a relative start stays itself.
        [] if start.text.starts_with(['/', '~', '$']) => {
            format!("{}/{{}}", start.text.trim_end_matches('/'))
        }
        [] => start.text.clone(),
        ["-mindepth", ..] | ["-maxdepth", "-mindepth"] | ["-mindepth", "-maxdepth"]
            if args
                .windows(2)
                .any(|w| w[0].text == "-mindepth" && w[1].text == "1")
                && tests
                    .iter()
                    .all(|t| matches!(*t, "-mindepth" | "-maxdepth")) =>
        {
            format!("{}/*", start.text.trim_end_matches('/'))
        }
        _ => super::nested::find_match_placeholder(args),
    };
    Some(Word {
        text,
        ..start.clone()
    })
}

/// What `locate` prints, when its one pattern matches every path of the index (`locate '*'`,
/// `locate -r .`: `/{}`, every entry under the root) or every path under a directory given as a
/// path (`locate /home`, `locate ~`: `DIR/{}`); other patterns are not followed.
fn locate_listing(cmd: &Command) -> Option<Word> {
    let args = cmd.args();
    let regex = args
        .iter()
        .any(|a| matches!(a.text.as_str(), "-r" | "--regex" | "--regexp"));
    let value_options = ["-d", "--database", "-l", "--limit", "-n"];
    let mut patterns = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if value_options.contains(&a.text.as_str()) {
            i += 2;
            continue;
        }
        if !a.text.starts_with('-') {
            patterns.push(a);
        }
        i += 1;
    }
    let [pattern] = patterns.as_slice() else {
        return None;
    };
    let p = pattern.text.trim_end_matches('/');
    let every = if regex {
        matches!(
            pattern.text.as_str(),
            "." | ".*" | "^" | "^/" | "/" | "^.*" | ".+"
        )
    } else {
        matches!(pattern.text.as_str(), "*" | "/" | "/*" | "**" | "*/*")
    };
    let text = if every {
        "/{}".to_string()
    } else if !regex
        && (p.starts_with('~') || p.starts_with("$HOME") || p.starts_with('/'))
        && !p.contains(['*', '?', '['])
    {
        format!("{p}/{{}}")
    } else {
        return None;
    };
    Some(Word {
        text,
        ..(*pattern).clone()
    })
}

/// What `echo`/`printf` prints when every argument is a literal (escapes decoded).
pub fn printed_literal(cmd: &Command) -> Option<Word> {
    printed_text(cmd, false)
}

/// Plain words between a command and its heredoc that tree-sitter-bash left out of the tree
/// (`cat - <<EOF`, `curl -K - <<EOF`): `(end of the command, the words)`.
fn dropped_before_redirect(
    body: Node,
    statement: Node,
    src: &Source,
) -> Option<(usize, Vec<Word>)> {
    if body.kind() != "command" {
        return None;
    }
    let next = named_children(statement)
        .into_iter()
        .find(|c| c.start_byte() >= body.end_byte() && c.id() != body.id())?;
    let (start, end) = (body.end_byte(), next.start_byte());
    let gap = src.text.get(start..end)?;
    let plain = |w: &str| {
        w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
    };
    let words: Vec<Word> = gap
        .split_ascii_whitespace()
        .map(|w| {
            let at = start + gap.find(w).unwrap_or(0);
            Word::literal(w, src.map.span(at, at + w.len()))
        })
        .collect();
    (!words.is_empty() && words.iter().all(|w| plain(&w.text))).then_some((body.end_byte(), words))
}

/// What find's `-printf FORMAT` prints for the entry `path`: `%p` the path, `%f` its last
/// part, `%%` a percent sign, `\n`/`\t`/`\\` escapes; other directives print nothing here.
fn find_printf(format: &str, path: &str) -> String {
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let name = if name.is_empty() { path } else { name };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        match (c, c == '%' || c == '\\') {
            (_, false) => out.push(c),
            ('%', true) => match chars.next() {
                Some('p') => out.push_str(path),
                Some('f') => out.push_str(name),
                Some('%') => out.push('%'),
                _ => {}
            },
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            },
        }
    }
    out
}

/// What `echo`/`printf` prints; with `allow_dynamic`, unresolved variables are kept as `$NAME`
/// text (the result is then marked dynamic). Command substitutions and globs are never printed.
pub fn printed_text(cmd: &Command, allow_dynamic: bool) -> Option<Word> {
    printed(cmd, allow_dynamic, false)
}

/// What `echo`/`printf` prints with unresolved variables kept as `$NAME` and command
/// substitutions as `$(…)`: the shape of a line, for exemptions that accept a substitution in a
/// known place (`deb [arch=$(…)] https://vendor/ …`). Never a resolved value.
pub fn printed_shape(cmd: &Command) -> Option<Word> {
    printed(cmd, true, true)
}

fn printed(cmd: &Command, allow_dynamic: bool, keep_substitutions: bool) -> Option<Word> {
    let args = cmd.args();
    // A glob prints what it matches; every entry of / or of home (`echo /* | xargs rm -rf`) is
    // kept as the glob itself, which names the same set.
    // So are the entries of a system directory (`printf '%s\0' /etc/* | xargs -0 rm -rf`) and
    // device globs (`printf '%s\n' /dev/nvme*n1 | xargs -n1 blkdiscard`).
    let whole_dir_glob = |t: &str| {
        matches!(t, "/*" | "~/*" | "$HOME/*" | "${HOME}/*")
            || t.strip_suffix("/*").is_some_and(|d| {
                matches!(
                    d,
                    "/etc"
                        | "/usr"
                        | "/var"
                        | "/boot"
                        | "/bin"
                        | "/sbin"
                        | "/lib"
                        | "/lib64"
                        | "/home"
                        | "/root"
                        | "/opt"
                        | "/srv"
                        | "/usr/bin"
                        | "/usr/lib"
                )
            })
            || t.strip_prefix("/dev/").is_some_and(|d| !d.contains('/'))
    };
    if args.iter().any(|a| {
        // `$HOME` is printed as itself: whoever reads the text resolves it the same way.
        let home = a.subs.is_empty() && super::state::home_relative(&a.text).is_some();
        (a.dynamic && !allow_dynamic && !home)
            || (!a.subs.is_empty() && !keep_substitutions)
            || (a.glob && !whole_dir_glob(&a.text))
    }) {
        return None;
    }
    let (text, decode) = match cmd.name() {
        "echo" => {
            let mut decode = false;
            let mut rest = args;
            while let Some(first) = rest.first() {
                match first.text.as_str() {
                    "-n" | "-E" => {}
                    "-e" | "-ne" | "-en" => decode = true,
                    _ => break,
                }
                rest = &rest[1..];
            }
            let joined: Vec<&str> = rest.iter().map(|w| w.text.as_str()).collect();
            (joined.join(" "), decode)
        }
        // zsh and ksh `print [-rnlR] [--] ARGS`: like echo, one argument a line with `-l`.
        "print" => {
            let mut decode = true;
            let mut lines = false;
            let mut rest = args;
            while let Some(first) = rest.first() {
                let t = first.text.as_str();
                if t == "--" || t == "-" {
                    rest = &rest[1..];
                    break;
                }
                let Some(flags) = t.strip_prefix('-').filter(|f| !f.is_empty()) else {
                    break;
                };
                if !flags.chars().all(|c| "rnlRNe".contains(c)) {
                    return None;
                }
                decode &= !flags.contains(['r', 'R']);
                lines |= flags.contains('l');
                rest = &rest[1..];
            }
            let joined: Vec<&str> = rest.iter().map(|w| w.text.as_str()).collect();
            (joined.join(if lines { "\n" } else { " " }), decode)
        }
        // `ls -d PATHS` prints the paths it is given.
        "ls" if args.iter().any(|a| a.text == "-d") => {
            let paths: Vec<&str> = args
                .iter()
                .map(|a| a.text.as_str())
                .filter(|a| !a.starts_with('-'))
                .collect();
            if paths.is_empty() {
                return None;
            }
            (paths.join("\n"), false)
        }
        "printf" => {
            let mut rest = args;
            if rest.first().is_some_and(|a| a.text == "--") {
                rest = &rest[1..];
            }
            let format = rest.first()?;
            if format.text == "-v" {
                return None;
            }
            let values: Vec<&str> = rest[1..].iter().map(|w| w.text.as_str()).collect();
            (printf_format(&format.text, &values)?, false)
        }
        // `jq -rn '"rm -rf ~"'`, `jq -rn --arg u URL '"curl "+$u'`: with no input and raw output,
        // a filter built from constants prints its value (yq prints strings raw by default).
        "jq" | "gojq" | "jaq" | "yq" => {
            let mut vars: Vec<(String, String)> = Vec::new();
            let mut filters: Vec<&str> = Vec::new();
            let (mut null, mut raw) = (false, cmd.name() == "yq");
            let mut i = 0;
            while i < args.len() {
                let a = args[i].text.as_str();
                match a {
                    "--arg" => {
                        let (name, value) = (args.get(i + 1)?, args.get(i + 2)?);
                        vars.push((name.text.clone(), value.text.clone()));
                        i += 2;
                    }
                    "--null-input" => null = true,
                    "--raw-output" | "--join-output" => raw = true,
                    "e" | "eval" if cmd.name() == "yq" && filters.is_empty() => {}
                    _ if a.starts_with("--") => {}
                    _ if a.starts_with('-') && a.len() > 1 => {
                        null |= a.contains('n');
                        raw |= a.contains('r') || a.contains('j');
                    }
                    _ => filters.push(a),
                }
                i += 1;
            }
            let [filter] = filters.as_slice() else {
                return None;
            };
            if !(null && raw) {
                return None;
            }
            (super::transforms::jq_constant(filter, &vars)?, false)
        }
        // `find / -maxdepth 0 -printf 'rm -rf %p\n'`: the format, once per starting point
        // (deeper entries print the same way under them). `-fprintf FILE FORMAT` prints the same
        // into FILE (its output redirection, see `outputs`).
        "find" => {
            let format = match args.iter().position(|a| a.text == "-printf") {
                Some(at) => &args.get(at + 1)?.text,
                None => {
                    let at = args.iter().position(|a| a.text == "-fprintf")?;
                    &args.get(at + 2)?.text
                }
            };
            let roots: Vec<&str> = args
                .iter()
                .map(|a| a.text.as_str())
                .skip_while(|a| matches!(*a, "-H" | "-L" | "-P"))
                .take_while(|a| !a.starts_with('-') && !matches!(*a, "(" | "!" | ","))
                .collect();
            let roots = if roots.is_empty() { vec!["."] } else { roots };
            let text: String = roots.iter().map(|r| find_printf(format, r)).collect();
            (text, false)
        }
        // `ls /tmp/w.sh`: a file operand is printed as named. Only names with an extension
        // (a directory operand lists its entries instead).
        "ls" => {
            let file_like = |t: &str| {
                let base = t.rsplit('/').next().unwrap_or(t);
                base.contains('.') && !base.starts_with('.') && !t.contains(['*', '?', '['])
            };
            let mut names = Vec::new();
            for a in args {
                match a.text.as_str() {
                    "-1" | "-d" | "-1d" | "-d1" | "--" => {}
                    t if !t.starts_with('-') && file_like(t) => names.push(t),
                    _ => return None,
                }
            }
            if names.is_empty() {
                return None;
            }
            (names.iter().map(|n| format!("{n}\n")).collect(), false)
        }
        // `dc -e '[rm -rf ~]P'`: what the script prints.
        "dc" => {
            let script = match args {
                [flag, script] if matches!(flag.text.as_str(), "-e" | "--expression") => script,
                _ => return None,
            };
            (super::transforms::dc_printed(&script.text)?, false)
        }
        // `yes TEXT | head -1`: the text, one line of it.
        "yes" => {
            let words: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
            let line = if words.is_empty() {
                "y".to_string()
            } else {
                words.join(" ")
            };
            (format!("{line}\n"), false)
        }
        name => (interpreter_printed(name, args)?, false),
    };
    // `echo -e` writes octal escapes as `\0NNN`, as `%b` does.
    let text = if decode {
        super::escapes::decode_ansi_c(&b_octal(&text))
    } else {
        text
    };
    let span = match (args.first(), args.last()) {
        (Some(f), Some(l)) => (f.span.0, l.span.1),
        _ => cmd.span,
    };
    Some(Word {
        text,
        span,
        dynamic: args.iter().any(|a| a.dynamic),
        ..Word::default()
    })
}

/// What an interpreter one-liner prints when its code fixes the output (`python3 -c
/// 'print("…")'`, `perl -e 'print …'`, `awk 'BEGIN{printf …}'`).
fn interpreter_printed(name: &str, args: &[Word]) -> Option<String> {
    use crate::interp::{prints, Lang};
    if matches!(name, "awk" | "gawk" | "mawk" | "nawk") {
        // Only a program that reads no input: `awk 'BEGIN{…}'` with nothing after it.
        let program = args.iter().position(|a| !a.text.starts_with('-'))?;
        if program + 1 != args.len() || args[..program].iter().any(|a| a.text == "-f") {
            return None;
        }
        return prints::awk_printed(&args[program].text);
    }
    let (lang, flags): (Lang, &[&str]) = match name {
        n if n.starts_with("python") => (Lang::Python, &["-c"]),
        "node" | "nodejs" | "bun" => (Lang::JavaScript, &["-e", "--eval"]),
        "perl" => (Lang::Perl, &["-e", "-E", "-le", "-lE"]),
        "ruby" => (Lang::Ruby, &["-e"]),
        "php" => (Lang::Php, &["-r"]),
        n if n.starts_with("lua") => (Lang::Lua, &["-e"]),
        _ => return None,
    };
    let at = args.iter().position(|a| flags.contains(&a.text.as_str()))?;
    let code = args.get(at + 1)?;
    let mut text = prints::printed(lang, &code.text)?;
    // `perl -le`: every print ends with a newline.
    if args[at].text.starts_with("-l") && !text.ends_with('\n') {
        text.push('\n');
    }
    Some(text)
}

/// Where `mktemp` creates its file or directory: under `-p DIR`/`--tmpdir=DIR`, at an absolute
/// template, or in the temp directory.
fn mktemp_path(cmd: &Command) -> String {
    let args = cmd.args();
    let dir = args
        .windows(2)
        .find(|w| w[0].text == "-p" || w[0].text == "--tmpdir")
        .map(|w| w[1].text.clone())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.text.strip_prefix("--tmpdir=").map(str::to_string))
        });
    let template = args
        .iter()
        .rev()
        .find(|a| !a.text.starts_with('-'))
        .filter(|a| a.text.contains("XXX"))
        .map(|a| a.text.clone());
    match (dir, template) {
        (_, Some(t)) if t.starts_with('/') => t,
        (Some(d), Some(t)) => format!("{}/{t}", d.trim_end_matches('/')),
        (Some(d), None) => format!("{}/tmp.XXXXXXXXXX", d.trim_end_matches('/')),
        (None, Some(t)) => format!("/tmp/{t}"),
        (None, None) => "/tmp/tmp.XXXXXXXXXX".to_string(),
    }
}

/// Longest text `printf` is evaluated to (the format repeats while arguments remain).
const MAX_PRINTF_OUTPUT: usize = 64 * 1024;

/// `%b` writes octal escapes as `\0NNN` (`$'…'` as `\NNN`): drop the marker zero.
fn b_octal(value: &str) -> String {
    let b = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && b.get(i + 1) == Some(&b'0')
            && b.get(i + 2).is_some_and(|c| (b'0'..=b'7').contains(c))
        {
            out.push('\\');
            i += 2;
            continue;
        }
        let ch = value[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Evaluate a `printf` format with its arguments (`%s`, `%b`, `%d`, `%c`, `%q`, `%%`; widths and
/// flags are ignored). Returns `None` for conversions it does not model.
fn printf_format(format: &str, values: &[&str]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    loop {
        let mut chars = format.chars().peekable();
        let mut used_any = false;
        while let Some(c) = chars.next() {
            if c == '\\' {
                let mut esc = String::from("\\");
                if let Some(n) = chars.next() {
                    esc.push(n);
                    // `\x72`, `\162`, and bash's `\u0072` / `\U00000072`.
                    let max = match n {
                        'x' => 5,
                        'u' => 6,
                        'U' => 10,
                        _ if n.is_ascii_digit() => 5,
                        _ => 0,
                    };
                    while esc.len() < max && chars.peek().is_some_and(|d| d.is_ascii_hexdigit()) {
                        esc.push(chars.next().unwrap_or('0'));
                    }
                }
                // `\0` prints a NUL (the separator `xargs -0` splits on), which `$'…'` cannot hold.
                if esc.len() > 1 && esc[1..].chars().all(|d| d == '0') {
                    out.push('\0');
                } else {
                    out.push_str(&super::escapes::decode_ansi_c(&esc));
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            // Flags and width.
            while chars
                .peek()
                .is_some_and(|d| matches!(d, '-' | '+' | ' ' | '#' | '0'..='9' | '.'))
            {
                chars.next();
            }
            let conv = chars.next()?;
            let value = || values.get(next).copied().unwrap_or("");
            match conv {
                '%' => out.push('%'),
                's' | 'q' => out.push_str(value()),
                'b' => out.push_str(&super::escapes::decode_ansi_c(&b_octal(value()))),
                'd' | 'i' | 'u' => match printf_number(value()) {
                    Some(n) => out.push_str(&n.to_string()),
                    None => out.push_str(value()),
                },
                'o' => out.push_str(&format!("{:o}", printf_number(value())?)),
                'x' => out.push_str(&format!("{:x}", printf_number(value())?)),
                'X' => out.push_str(&format!("{:X}", printf_number(value())?)),
                'c' => out.extend(value().chars().next()),
                _ => return None,
            }
            if conv != '%' {
                next += 1;
                used_any = true;
            }
            if out.len() > MAX_PRINTF_OUTPUT {
                return None;
            }
        }
        if !used_any || next >= values.len() {
            return Some(out);
        }
    }
}

/// A `printf` numeric argument: decimal, `0x` hex, `0` octal, `'C` (the character's code);
/// empty is 0.
fn printf_number(v: &str) -> Option<i64> {
    let v = v.trim();
    if let Some(c) = v.strip_prefix(['\'', '"']) {
        return c.chars().next().map(|c| i64::from(u32::from(c)));
    }
    let (negative, digits) = match v.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let n = if digits.is_empty() {
        0
    } else if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if negative { -n } else { n })
}

/// Text made only of letters, digits, blanks and punctuation that cannot start shell syntax
/// (the prefilter's safe class).
fn is_plain_text(s: &str) -> bool {
    s.bytes().all(crate::prefilter::is_safe_byte)
}

/// All children of a node, named and anonymous.
pub(crate) fn all_children(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

/// Named children of a node.
/// The stages of a pipeline in order. tree-sitter-bash nests long pipelines
/// (`pipeline(pipeline(a, b), c)`); to bash `a | b | c` is one pipeline, and walking the nesting
/// would give every command one enclosing pipeline per stage before it (quadratic memory).
fn pipeline_stages(n: Node) -> Vec<Node> {
    let mut out = Vec::new();
    // Depth-first, children in order, without recursion (the nesting can be thousands deep).
    let mut stack: Vec<Node> = vec![n];
    while let Some(node) = stack.pop() {
        if node.kind() == "pipeline" {
            let kids = named_children(node);
            stack.extend(kids.into_iter().rev());
        } else if node.kind() != "comment" {
            out.push(node);
        }
    }
    out
}

pub(crate) fn named_children(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.named_children(&mut c).collect()
}

/// Children with their field names.
pub(crate) fn fields<'t>(n: Node<'t>) -> Vec<(Option<&'t str>, Node<'t>)> {
    let mut out = Vec::new();
    let mut c = n.walk();
    if c.goto_first_child() {
        loop {
            out.push((c.field_name(), c.node()));
            if !c.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// A shell variable name (`HOME`, `_x1`).
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The path inside `/proc/PID/root` when `path` goes through the root link of a process that
/// shares this one's root (`self`, `thread-self`, a number, `$$`, `$BASHPID`, `$PPID`): `""` for
/// the link itself, `"/etc"` for `/proc/self/root/etc`.
fn proc_root_rest(path: &str) -> Option<&str> {
    let after = path.strip_prefix("/proc/")?;
    // init's working directory is the root as well.
    if let Some(rest) = after
        .strip_prefix("1/cwd")
        .filter(|r| r.is_empty() || r.starts_with('/'))
    {
        return Some(rest);
    }
    let (pid, rest) = after
        .split_once("/root")
        .filter(|(_, r)| r.is_empty() || r.starts_with('/'))?;
    let shared = matches!(
        pid,
        "self"
            | "thread-self"
            | "$"
            | "$$"
            | "${$}"
            | "$BASHPID"
            | "${BASHPID}"
            | "$PPID"
            | "${PPID}"
    ) || (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
    shared.then_some(rest)
}

/// The descriptor a here-string or heredoc redirection names (`3<<<…`), if any.
fn redirect_fd(n: Node, src: &Source) -> Option<u32> {
    if let Some(d) = fields(n)
        .into_iter()
        .find(|(f, _)| *f == Some("descriptor"))
    {
        return src.text_of(d.1).parse().ok();
    }
    let text = src.text_of(n);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    text[..digits].parse().ok()
}

/// `<<<`, however tree-sitter split it between tokens and an ERROR node.
fn is_herestring_op(op: &str) -> bool {
    op.chars().filter(|c| !c.is_whitespace()).eq("<<<".chars())
}

/// How many times `value` (an assignment's source text) reads the variable `name`: `$name`,
/// `${name}`, `${name[@]}` and other braced forms of it.
fn reads_variable(value: &str, name: &str) -> usize {
    let mut count = 0;
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let braced = rest.strip_prefix('{');
        let after = braced.unwrap_or(rest);
        if let Some(tail) = after.strip_prefix(name) {
            let next = tail.chars().next();
            let whole = match braced {
                Some(_) => matches!(
                    next,
                    Some('}' | '[' | ':' | '#' | '%' | '/' | '^' | ',' | '@')
                ),
                None => !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'),
            };
            count += usize::from(whole);
        }
    }
    count
}

/// Every descendant of `n` of kind `kind`, outermost first (not looking inside a match).
pub(crate) fn descendants_of_kind<'t>(n: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = named_children(n);
    stack.reverse();
    while let Some(c) = stack.pop() {
        if c.kind() == kind {
            out.push(c);
        } else {
            let mut kids = named_children(c);
            kids.reverse();
            stack.extend(kids);
        }
    }
    out
}

/// The backtick command substitutions of an unquoted heredoc body: (offset of the code, code).
/// A backslash escapes a backtick; `$(…)` is left to the parser.
fn body_backticks(body: &str) -> Vec<(usize, &str)> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'`' => match open.take() {
                Some(start) => out.push((start, &body[start..i])),
                None => open = Some(i + 1),
            },
            _ => {}
        }
        i += 1;
    }
    out
}

/// A literal loop value that is a glob pattern (`s*.sh`, `/tmp/job-?`).
fn is_glob_value(v: &Word) -> bool {
    !v.dynamic && v.subs.is_empty() && v.text.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script a walk of `text` records.
    fn walk_text(text: &str) -> Script {
        let mut w = Walker::new(Some(Rc::from(text)));
        w.walk_source(text, SpanMap::Offset(0));
        w.out
    }

    /// Commands and their spans, for comparing two walks of the same text.
    fn walked(text: &str, whole: bool) -> Vec<(String, Span)> {
        let mut w = Walker::new(Some(Rc::from(text)));
        if whole {
            w.walk_whole(text, text, SpanMap::Offset(0));
        } else {
            w.walk_source(text, SpanMap::Offset(0));
        }
        let mut out: Vec<_> = w
            .out
            .commands
            .iter()
            .map(|c| (c.name().to_string(), c.span))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_chunk_with_its_own_error_is_read_alone_and_an_open_one_stops_the_chunking() {
        let reading = |text: &str| {
            let tree = parse_tree(text, Instant::now() + Duration::from_secs(5));
            match chunk_reading(tree, text) {
                ChunkReading::Clean(_) => "clean",
                ChunkReading::LocalError => "local",
                ChunkReading::Open => "open",
            }
        };
        assert_eq!(reading("ls -la\ngit status\n"), "clean");
        assert_eq!(reading("ls )\ngit status\nmake test\n"), "local");
        assert_eq!(reading("ls\nif true; then\n  echo a\n"), "open");
        assert_eq!(reading("ls\necho 'unclosed\nmake\n"), "open");
        assert_eq!(
            reading("ls | sort | head\nrm -rf build 2>/dev/null\n"),
            "local"
        );
    }

    #[test]
    fn a_long_script_with_a_stray_token_early_is_still_read_to_its_end() {
        // Past the chunking size, an error in the first chunk must not make the rest one text
        // (memory) nor hide what follows.
        let mut text = String::from("echo a )\n");
        while text.len() < 300 * 1024 {
            text.push_str("git status --short && cargo build --release\n");
        }
        text.push_str("rm -rf ~\n");
        let script = super::super::analyze(&text);
        let last = script.commands.last().expect("commands");
        assert_eq!(last.canonical(), "rm -rf ~");
    }

    #[test]
    fn words_after_a_redirection_target_are_arguments() {
        // tree-sitter-bash reads `-rf /` after `> /tmp/x` as more redirection targets.
        let argv = |text: &str| -> Vec<String> {
            let script = super::super::analyze(text);
            let cmd = &script.commands[0];
            cmd.argv.iter().map(|w| w.text.clone()).collect()
        };
        assert_eq!(argv("rm > /tmp/x -rf /"), ["rm", "-rf", "/"]);
        assert_eq!(argv("rm 2>/dev/null -rf ~ x"), ["rm", "-rf", "~", "x"]);
        assert_eq!(argv("tee < /dev/zero /dev/sda"), ["tee", "/dev/sda"]);
        // A descriptor glued to the next redirection stays a descriptor.
        assert_eq!(argv("cmd >&2 0>&1"), ["cmd"]);
        let script = super::super::analyze("rm > /tmp/x -rf /");
        assert_eq!(script.commands[0].redirects[0].target.text, "/tmp/x");
    }

    #[test]
    fn lines_the_grammar_joins_after_a_long_pipeline_are_separate_commands() {
        // tree-sitter-bash reads `head -5\nrm -rf ~` as one command when a three-stage
        // pipeline is followed by a line with a redirection or `&&`.
        let text = "ls | sort | head -5\n# note\nrm -rf ~ 2>/dev/null\nx | y | z # c\nid && id";
        let cmds = walked(text, false);
        let names: Vec<&str> = cmds.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            names,
            ["head", "id", "id", "ls", "rm", "sort", "x", "y", "z"]
        );
        // Spans still point into the input as typed.
        let rm = cmds.iter().find(|c| c.0 == "rm").unwrap();
        assert_eq!(&text[rm.1 .0..rm.1 .1], "rm -rf ~");
        let head = cmds.iter().find(|c| c.0 == "head").unwrap();
        assert_eq!(&text[head.1 .0..head.1 .1], "head -5");
        // A continued line and a heredoc are one command, as bash reads them.
        assert_eq!(
            misjoined_lines(
                parse_tree("a | b | c \\\n d > e", far())
                    .unwrap()
                    .root_node(),
                "a | b | c \\\n d > e"
            ),
            Vec::<usize>::new()
        );
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn a_line_starting_with_a_backslash_is_a_command_of_its_own() {
        let names = |text: &str| {
            let mut v: Vec<(String, Vec<String>)> = walk_text(text)
                .commands
                .iter()
                .map(|c| {
                    let args = c.args().iter().map(|a| a.text.clone()).collect();
                    (c.name().to_string(), args)
                })
                .collect();
            v.sort();
            v
        };
        let rm = ("rm".to_string(), vec!["-rf".to_string(), "~".to_string()]);
        let ls = ("ls".to_string(), vec!["-la".to_string()]);
        assert_eq!(names("ls -la\n\\rm -rf ~"), [ls.clone(), rm.clone()]);
        assert_eq!(names("ls -la\r\n\\rm -rf ~"), [ls, rm]);
        // A real continuation still joins the lines.
        assert_eq!(names("echo a \\\n\\b").len(), 1);
    }

    #[test]
    fn a_copied_value_keeps_its_blanks() {
        let resolved = |text: &str| {
            walk_text(text)
                .commands
                .last()
                .map(|c| c.canonical())
                .unwrap_or_default()
        };
        assert_eq!(resolved("sp=' '; s=$sp; rm -rf$s/x"), "rm -rf /x");
        assert_eq!(resolved("X=$IFS; rm${X}-rf${X}/x"), "rm -rf /x");
        assert_eq!(resolved("a=' '; a=$a$a; b=x$a; rm -rf$b/x"), "rm -rfx /x");
        // An append keeps the old value in front of the copy.
        assert_eq!(resolved("sp=' '; a=-rf; a+=$sp; rm $a/x"), "rm -rf /x");
    }

    #[test]
    fn device_paths_are_normalized_and_links_to_devices_followed() {
        let targets = |text: &str| {
            walk_text(text)
                .commands
                .iter()
                .flat_map(|c| {
                    c.redirects
                        .iter()
                        .map(|r| r.target.text.clone())
                        .chain(c.argv.iter().skip(1).map(|a| a.text.clone()))
                })
                .collect::<Vec<_>>()
        };
        let t = targets("echo x > /tmp/../dev/sda");
        assert!(t.contains(&"/dev/sda".to_string()), "{t:?}");
        assert!(
            targets("dd if=/dev/zero of=/var/./../dev/sdb").contains(&"of=/dev/sdb".to_string())
        );
        let linked = targets("ln -s /dev/nvme0n1 disk; cat /dev/urandom > disk; dd of=./disk");
        assert!(linked.contains(&"/dev/nvme0n1".to_string()), "{linked:?}");
        assert!(
            linked.contains(&"of=/dev/nvme0n1".to_string()),
            "{linked:?}"
        );
        // A link to an ordinary file changes nothing.
        assert!(targets("ln -s /tmp/a b; echo x > b").contains(&"b".to_string()));
    }

    #[test]
    fn long_scripts_walked_in_chunks_match_one_parse() {
        let line = "if [ -f x ]; then make && echo ok; fi\n";
        let script = line.repeat(8192);
        assert!(
            super::super::split::top_level_cuts(&script, FIRST_CHUNK_BYTES, CHUNK_BYTES).len() > 3
        );
        let chunked = walked(&script, false);
        assert_eq!(chunked.len(), 2 * 8192, "make and echo on every line");
        assert_eq!(chunked, walked(&script, true));
        // One compound command around everything: every cut is inside it, so the first chunk
        // fails and the whole text is parsed as one.
        let wrapped = format!("while true; do\n{script}done\n");
        assert_eq!(walked(&wrapped, false), walked(&wrapped, true));
        // A multi-line `if` straddling a later cut: that chunk fails and the rest is parsed as one.
        let tail = "if true\nthen\n".to_string() + &"make\n".repeat(40_000) + "fi\necho done\n";
        let mixed = format!("{script}{tail}");
        assert_eq!(walked(&mixed, false), walked(&mixed, true));
    }

    #[test]
    fn printf_numeric_conversions() {
        assert_eq!(printf_format("%o", &["101"]).as_deref(), Some("145"));
        assert_eq!(
            printf_format("%x%X", &["255", "0x1f"]).as_deref(),
            Some("ff1F")
        );
        assert_eq!(printf_format("%d", &["'A"]).as_deref(), Some("65"));
        assert_eq!(printf_format("%d", &["010"]).as_deref(), Some("8"));
        assert_eq!(printf_format("\\\\%o", &["101"]).as_deref(), Some("\\145"));
        // Not a number: no value, rather than a guess.
        assert_eq!(printf_format("%o", &["abc"]), None);
        assert_eq!(
            printf_format("%b", &["\\0162\\0155 -rf ~"]).as_deref(),
            Some("rm -rf ~")
        );
    }
}
