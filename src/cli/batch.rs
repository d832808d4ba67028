//! `check --batch`: one JSON verdict per input line, in input order, for any amount of input.
//!
//! The front door reads stdin in bounded chunks and hands them to a worker process (this binary
//! again, under [`supervise`] limits). The worker scans a chunk on all cores and streams the
//! verdicts back in order as they complete. When the worker dies or stops making progress, the
//! line it was stuck on is re-run alone in a fresh worker with its own deadline — and answered
//! fail-closed (`core.analysis-timeout`, a block) when that fails too — and the rest of the
//! chunk goes on in a new worker. Blank lines get no verdict but are counted in `line`.
//!
//! Between front door and worker: each line is framed as `<line number>\t<bytes>\n`, a chunk ends
//! with an empty line; the worker answers one JSON line per framed line and then `=<exit code>`
//! (the chunk's worst verdict).

use super::supervise::{self, Limits};
use super::{EXIT_CONFIG, EXIT_NOINPUT};
use crate::findings::Action;
use crate::Scanner;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Lines scanned together on all cores (bounds memory for any input size).
const CHUNK_LINES: usize = 8192;
/// Bytes of input held at once (a chunk ends early past it).
const CHUNK_BYTES: usize = 64 * 1024 * 1024;
/// Bytes read from stdin at once: a chunk holds what one read brought in.
const READ_BUFFER: usize = 1024 * 1024;
/// How long the in-order stream of verdicts may stall before the worker is presumed stuck (each
/// line has its own 3 s analysis budget; this is the backstop for anything that ignores it).
const STALL: Duration = Duration::from_secs(6);

/// How often the worker's writer collects finished verdicts.
const POLL: Duration = Duration::from_micros(500);

/// Run the batch front door (or, in a worker, the batch engine).
pub fn run(jsonl: bool, policy: Option<&Path>) -> i32 {
    if supervise::is_worker() {
        let scanner = match super::scanner_for(policy) {
            Ok(s) => s,
            Err(code) => return code,
        };
        return worker(&scanner, jsonl);
    }
    let mut args = super::global_flags();
    args.extend(["check".into(), "--batch".into()]);
    if jsonl {
        args.push("--jsonl".into());
    }
    if let Some(p) = policy {
        args.extend(["--policy".into(), p.as_os_str().to_owned()]);
    }
    Supervisor {
        args,
        jsonl,
        worker: None,
        worst: Action::Allow,
    }
    .run()
}

/// One input line: its number and bytes.
type Line = (usize, Vec<u8>);

/// Read up to one chunk of non-blank lines; `Ok(None)` at end of input. The chunk also ends
/// when no more input is waiting, so a client that writes one line and waits for its verdict
/// (a co-process) gets it at once.
fn read_chunk<R: std::io::Read>(
    reader: &mut std::io::BufReader<R>,
    line_no: &mut usize,
) -> std::io::Result<Option<Vec<Line>>> {
    let mut chunk = Vec::new();
    let mut bytes = 0;
    let limit = crate::text::MAX_INPUT_BYTES as u64 + 1;
    while chunk.len() < CHUNK_LINES && bytes < CHUNK_BYTES {
        let mut buf = Vec::new();
        // A line longer than the input limit is cut there (the rest of it is skipped).
        if reader.take(limit).read_until(b'\n', &mut buf)? == 0 {
            return Ok((!chunk.is_empty()).then_some(chunk));
        }
        let too_long = buf.last() != Some(&b'\n') && buf.len() as u64 == limit;
        if too_long {
            skip_line(reader)?;
        }
        *line_no += 1;
        // A line cut at the limit keeps its last bytes, so it still reads as too large.
        while !too_long && (buf.last() == Some(&b'\n') || buf.last() == Some(&b'\r')) {
            buf.pop();
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        bytes += buf.len();
        chunk.push((*line_no, buf));
        if reader.buffer().is_empty() {
            break;
        }
    }
    Ok(Some(chunk))
}

/// Skip the rest of the current line without keeping it (a line of a gigabyte costs a buffer).
fn skip_line<R: Read>(reader: &mut std::io::BufReader<R>) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// A line's answer before its line number is added: the same bytes always get the same one.
#[derive(Clone)]
struct Answer {
    /// The verdict's JSON object without its closing brace.
    head: String,
    /// The input's `id` (JSON Lines), as JSON.
    id: Option<String>,
    action: Action,
}

impl Answer {
    fn new(verdict: &crate::Verdict, id: Option<serde_json::Value>) -> Self {
        let mut head = serde_json::to_string(verdict).unwrap_or_else(|_| "{}".into());
        // A verdict is a JSON object: reopen it before its closing brace.
        head.pop();
        Answer {
            head,
            id: id.map(|v| v.to_string()),
            action: verdict.action,
        }
    }

    /// The verdict line for input line `n`.
    fn render(&self, n: usize) -> String {
        let comma = if self.head.len() > 1 { "," } else { "" };
        match &self.id {
            Some(id) => format!("{}{comma}\"line\":{n},\"id\":{id}}}", self.head),
            None => format!("{}{comma}\"line\":{n}}}", self.head),
        }
    }
}

/// Scan one input line.
fn answer(scanner: &Scanner, bytes: &[u8], jsonl: bool) -> Answer {
    // A line that panics the engine is refused alone: its neighbours in flight on the other
    // threads keep their own verdicts.
    let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        supervise::inject_fault(bytes);
        scan_line(scanner, bytes, jsonl)
    }));
    scanned.unwrap_or_else(|_| {
        crate::interp::forget_deadline();
        let text = String::from_utf8_lossy(bytes);
        let id = parse_line(&text, jsonl).id;
        let v = scanner.verdict_for(
            &text,
            "core.analysis-timeout",
            "the analysis of this line failed with an internal error",
        );
        Answer::new(&v, id)
    })
}

fn scan_line(scanner: &Scanner, bytes: &[u8], jsonl: bool) -> Answer {
    match std::str::from_utf8(bytes) {
        Ok(line) => {
            let item = parse_line(line, jsonl);
            let v = match &item.command {
                Ok(c) => scanner.scan(c),
                Err(e) => scanner.verdict_for(line, "core.invalid-input", e),
            };
            Answer::new(&v, item.id)
        }
        // Not UTF-8: scanned as bytes (core.invalid-utf8), never silently replaced.
        Err(_) if !jsonl => Answer::new(&scanner.scan_bytes(bytes), None),
        // A JSON line with raw bad bytes: its command and id are still read (bad bytes become
        // U+FFFD) and the command is judged with core.invalid-utf8.
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            let item = parse_line(&lossy, jsonl);
            let v = match &item.command {
                Ok(c) => {
                    let at = c.find('\u{FFFD}').unwrap_or(0);
                    scanner.scan_decoded(c, at)
                }
                Err(_) => scanner.scan_decoded(&lossy, e.valid_up_to()),
            };
            Answer::new(&v, item.id)
        }
    }
}

/// One line of a batch, parsed.
struct BatchItem {
    id: Option<serde_json::Value>,
    command: Result<String, String>,
}

fn parse_line(line: &str, jsonl: bool) -> BatchItem {
    if !jsonl {
        return BatchItem {
            id: None,
            command: Ok(line.to_string()),
        };
    }
    match crate::text::json::parse_unique(line.trim_start().as_bytes()) {
        Ok(v) => {
            let id = v.get("id").cloned();
            let command = v
                .get("command")
                .and_then(|c| c.as_str())
                .map(str::to_string)
                .ok_or_else(|| "JSON line has no string \"command\" field".to_string());
            BatchItem { id, command }
        }
        Err(e) => BatchItem {
            id: leading_id(line),
            command: Err(format!("invalid JSON line: {e}")),
        },
    }
}

/// The `"id"` of a JSON line that does not parse whole (cut at the size limit, or broken after
/// its start), when it is the object's first member: the caller can still match the answer.
fn leading_id(line: &str) -> Option<serde_json::Value> {
    let rest = line
        .trim_start()
        .strip_prefix('{')?
        .trim_start()
        .strip_prefix("\"id\"")?
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    values
        .next()?
        .ok()
        .filter(|v| v.is_string() || v.is_number())
}

/// The worker: framed chunks in, verdicts out in input order as soon as each is ready.
fn worker(scanner: &Scanner, jsonl: bool) -> i32 {
    let stdin = std::io::stdin();
    let mut reader = std::io::BufReader::new(stdin.lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut memo = Memo::default();
    loop {
        let mut chunk: Vec<Line> = Vec::new();
        let mut eof = false;
        loop {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {}
                Err(_) => return EXIT_NOINPUT,
            }
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            if buf.is_empty() {
                break;
            }
            let tab = buf.iter().position(|b| *b == b'\t').unwrap_or(0);
            let n = std::str::from_utf8(&buf[..tab])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            chunk.push((n, buf[tab + 1..].to_vec()));
        }
        let mut worst = Action::Allow;
        if !chunk.is_empty() {
            worst = scan_chunk(scanner, jsonl, &chunk, &mut memo, &mut out);
        }
        if !chunk.is_empty() || !eof {
            let _ = writeln!(out, "={}", worst.exit_code());
            let _ = out.flush();
        }
        if eof {
            return 0;
        }
    }
}

/// Answers of lines already scanned, by their bytes: a shell history or a CI log repeats the
/// same commands, and a verdict depends on nothing but the line and the configuration.
#[derive(Default)]
struct Memo {
    answers: HashMap<Vec<u8>, Answer>,
    bytes: usize,
}

/// Lines the memo holds at most (it starts over when full).
const MEMO_LINES: usize = 32 * 1024;
/// Bytes of lines and answers the memo holds at most.
const MEMO_BYTES: usize = 32 * 1024 * 1024;

impl Memo {
    fn keep(&mut self, line: &[u8], answer: Answer) {
        let size = line.len() + answer.head.len();
        if self.answers.len() >= MEMO_LINES || self.bytes + size > MEMO_BYTES {
            self.answers.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        self.answers.insert(line.to_vec(), answer);
    }
}

/// Scan one chunk on all cores, each distinct line once, and write the verdicts in input order
/// as soon as each is ready; the chunk's worst action.
fn scan_chunk(
    scanner: &Scanner,
    jsonl: bool,
    chunk: &[Line],
    memo: &mut Memo,
    out: &mut impl Write,
) -> Action {
    // For each line: the chunk index of the line whose scan answers it (`None`: the memo does).
    let mut first: HashMap<&[u8], usize> = HashMap::new();
    let mut todo = Vec::new();
    let source: Vec<Option<usize>> = chunk
        .iter()
        .enumerate()
        .map(|(i, (_, bytes))| {
            if memo.answers.contains_key(bytes.as_slice()) {
                return None;
            }
            Some(*first.entry(bytes.as_slice()).or_insert_with(|| {
                todo.push(i);
                i
            }))
        })
        .collect();
    let mut worst = Action::Allow;
    let mut done: HashMap<usize, Answer> = HashMap::new();
    let (tx, rx) = mpsc::channel::<(usize, Answer)>();
    std::thread::scope(|s| {
        s.spawn(|| {
            todo.par_iter().for_each_with(tx, |tx, &i| {
                let _ = tx.send((i, answer(scanner, &chunk[i].1, jsonl)));
            });
        });
        let mut next = 0;
        let mut open = true;
        while open {
            // Poll instead of blocking on every result: a parked receiver costs one futex
            // wake-up per line; this writes and flushes once per burst.
            loop {
                match rx.try_recv() {
                    Ok((i, a)) => {
                        done.insert(i, a);
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        open = false;
                        break;
                    }
                }
            }
            let before = next;
            while next < chunk.len() {
                let bytes = chunk[next].1.as_slice();
                let a = match source[next] {
                    None => memo.answers.get(bytes),
                    Some(i) => done.get(&i),
                };
                let Some(a) = a else { break };
                worst = worst.max(a.action);
                let _ = writeln!(out, "{}", a.render(chunk[next].0));
                next += 1;
            }
            if next != before {
                let _ = out.flush();
            }
            if open {
                std::thread::sleep(POLL);
            }
        }
    });
    for (i, a) in done {
        memo.keep(&chunk[i].1, a);
    }
    worst
}

/// A running worker.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    /// Output lines, in bursts.
    lines: mpsc::Receiver<Vec<Vec<u8>>>,
}

/// The front door's state across chunks.
struct Supervisor {
    args: Vec<OsString>,
    jsonl: bool,
    worker: Option<Worker>,
    worst: Action,
}

/// How a worker's turn on a chunk ended.
enum Turn {
    /// Every line answered.
    Done,
    /// Stopped after this many answers (died or could not be started): the next line may be
    /// innocent (another line in flight can kill the worker), so it is retried alone.
    Failed(usize, String),
    /// The next line ran past the stall deadline itself (verdicts stream in order, so nothing
    /// else can hold it up): refused without a retry.
    Stalled(usize, String),
    /// The worker refused its configuration (exit 78): nothing will work.
    Config,
}

impl Supervisor {
    fn run(mut self) -> i32 {
        let stdin = std::io::stdin();
        let mut reader = std::io::BufReader::with_capacity(READ_BUFFER, stdin.lock());
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut line_no = 0;
        loop {
            let chunk = match read_chunk(&mut reader, &mut line_no) {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    crate::errln!("hermes-scan: cannot read stdin: {e}");
                    return EXIT_NOINPUT;
                }
            };
            let mut rest: &[Line] = &chunk;
            while !rest.is_empty() {
                match self.turn(rest, &mut out) {
                    Turn::Done => break,
                    Turn::Config => return EXIT_CONFIG,
                    Turn::Failed(answered, why) => {
                        self.stop_worker();
                        self.isolated(&rest[answered], &why, &mut out);
                        rest = &rest[answered + 1..];
                    }
                    Turn::Stalled(answered, why) => {
                        self.stop_worker();
                        self.refuse(&rest[answered], &why, &mut out);
                        rest = &rest[answered + 1..];
                    }
                }
            }
            let _ = out.flush();
        }
        self.stop_worker();
        self.worst.exit_code()
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let mut child = supervise::worker_command(&self.args, &Limits::with_deadline(STALL))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::with_capacity(256 * 1024, stdout);
            loop {
                // Every complete line already read goes in one message (one wake-up per pipe
                // read, not per line).
                let mut lines = Vec::new();
                loop {
                    let mut buf = Vec::new();
                    match r.read_until(b'\n', &mut buf) {
                        Ok(0) | Err(_) => {
                            if !lines.is_empty() {
                                let _ = tx.send(lines);
                            }
                            return;
                        }
                        Ok(_) => lines.push(buf),
                    }
                    if r.buffer().is_empty() || lines.len() >= 4096 {
                        break;
                    }
                }
                if tx.send(lines).is_err() {
                    return;
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            lines,
        })
    }

    fn stop_worker(&mut self) {
        if let Some(mut w) = self.worker.take() {
            let _ = w.child.kill();
            let _ = w.child.wait();
        }
    }

    /// Send `lines` to the worker and relay its answers.
    fn turn(&mut self, lines: &[Line], out: &mut impl Write) -> Turn {
        if self.worker.is_none() {
            match self.spawn() {
                Ok(w) => self.worker = Some(w),
                Err(e) => {
                    return Turn::Failed(
                        0,
                        format!("the analysis process could not be started ({e})"),
                    )
                }
            }
        }
        let w = self.worker.as_mut().expect("worker just started");
        // The worker reads a whole chunk before it answers, so writing all of it first cannot
        // deadlock on a full pipe.
        let mut frames = Vec::new();
        for (n, bytes) in lines {
            frames.extend_from_slice(n.to_string().as_bytes());
            frames.push(b'\t');
            frames.extend_from_slice(bytes);
            frames.push(b'\n');
        }
        frames.push(b'\n');
        let sent = w.stdin.write_all(&frames).and_then(|_| w.stdin.flush());
        let mut answered = 0;
        loop {
            let burst = match w.lines.recv_timeout(STALL) {
                Ok(burst) => burst,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Turn::Stalled(
                        answered,
                        format!("the analysis made no progress for {}s", STALL.as_secs()),
                    );
                }
                Err(mpsc::RecvTimeoutError::Disconnected) if answered == lines.len() => {
                    // Every line answered, but the chunk's summary is missing: fail closed on
                    // the exit status only.
                    self.worst = Action::Block;
                    return Turn::Done;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = w.child.wait().ok();
                    if status.and_then(|s| s.code()) == Some(EXIT_CONFIG) && answered == 0 {
                        return Turn::Config;
                    }
                    let why = match (&sent, status) {
                        (Err(e), _) => format!("the analysis process stopped reading ({e})"),
                        (_, Some(s)) => format!("the analysis process died ({s})"),
                        _ => "the analysis process died".into(),
                    };
                    return Turn::Failed(answered, why);
                }
            };
            for line in burst {
                if line.first() == Some(&b'=') {
                    let code: i32 = std::str::from_utf8(&line[1..])
                        .ok()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1);
                    self.worst = self.worst.max(action_of(code));
                    return if answered == lines.len() {
                        Turn::Done
                    } else {
                        Turn::Failed(answered, "the analysis lost track of a line".into())
                    };
                }
                // More answers than lines would be a broken worker: extra ones are dropped.
                if answered < lines.len() {
                    let _ = out.write_all(&line);
                    answered += 1;
                }
            }
            // Each burst reaches the reader at once: a consumer waiting on the first verdicts of
            // a long chunk (or one slow line) is not held back until the chunk ends.
            let _ = out.flush();
        }
    }

    /// Re-run one line alone with its own deadline; fail closed when that fails too.
    fn isolated(&mut self, line: &Line, why: &str, out: &mut impl Write) {
        let (n, bytes) = line;
        let mut frame = format!("{n}\t").into_bytes();
        frame.extend_from_slice(bytes);
        frame.extend_from_slice(b"\n\n");
        let limits = Limits::with_deadline(STALL);
        if let Ok(done) = supervise::run(&self.args, &frame, &limits) {
            let mut answer = done.stdout.split(|b| *b == b'\n');
            if let (Some(json), Some(end)) = (answer.next(), answer.next()) {
                if json.first() == Some(&b'{') && end.first() == Some(&b'=') {
                    let code = std::str::from_utf8(&end[1..])
                        .ok()
                        .and_then(|s| s.parse().ok());
                    self.worst = self.worst.max(action_of(code.unwrap_or(1)));
                    let _ = out.write_all(json);
                    let _ = out.write_all(b"\n");
                    return;
                }
            }
        }
        self.refuse(line, &format!("{why}; this line alone failed again"), out);
    }

    /// Answer one line fail-closed.
    fn refuse(&mut self, line: &Line, why: &str, out: &mut impl Write) {
        let (n, bytes) = line;
        let text = String::from_utf8_lossy(bytes);
        let id = if self.jsonl {
            parse_line(&text, true).id
        } else {
            None
        };
        let verdict = Scanner::global().verdict_for(
            &text,
            "core.analysis-timeout",
            &format!("{why}, so it is refused"),
        );
        self.worst = self.worst.max(verdict.action);
        let _ = writeln!(out, "{}", Answer::new(&verdict, id).render(*n));
    }
}

fn action_of(code: i32) -> Action {
    match code {
        0 => Action::Allow,
        2 => Action::Warn,
        _ => Action::Block,
    }
}

#[cfg(test)]
mod tests {
    use super::{leading_id, parse_line};

    #[test]
    fn a_cut_json_line_keeps_its_leading_id() {
        assert_eq!(leading_id(r#"{"id":"x1","command":"ls"#), Some("x1".into()));
        assert_eq!(
            leading_id(r#" { "id" : 42 , "command": "rm -"#),
            Some(42.into())
        );
        assert_eq!(leading_id(r#"{"command":"ls","id":"late"#), None);
        let item = parse_line(r#"{"id":"big","command":"aaaa"#, true);
        assert!(item.command.is_err());
        assert_eq!(item.id, Some("big".into()));
    }

    #[test]
    fn a_json_line_naming_a_key_twice_is_invalid_input() {
        let item = parse_line(r#"{"id":1,"command":"rm -rf ~","command":"ls"}"#, true);
        assert!(item.command.is_err());
    }
}
