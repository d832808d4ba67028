//! Remote and decoded code: content fetched from the network or decoded from an opaque blob that
//! flows into something that executes it — through a pipe, a process or command substitution, a
//! here-string, `sh -c`, `eval`, or a file downloaded and then run.

use super::urls::HostIndex;
use super::vocab::{
    executes_stdin, is_bucket_object, is_code_runner, is_decoder, is_fetcher, is_interpreter,
    module_args, transfer_operands,
};
use super::Hit;
use crate::findings::Span;
use crate::shell::ir::{Command, EffectKind, Script, SubstKind, Word};
use crate::shell::nested::{shell_invocation, ShellInvocation, SHELLS};

/// What a source of data is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Taint {
    Decoded,
    Fetched,
}

impl Taint {
    /// How the text came to be, for a finding's detail.
    fn origin(self) -> &'static str {
        match self {
            Taint::Fetched => "downloaded",
            Taint::Decoded => "decoded",
        }
    }
}

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    pipes_into_interpreters(script, &mut hits);
    substitutions_into_code(script, &mut hits);
    read_loop_from_substitution(script, &mut hits);
    download_then_run(script, &mut hits);
    output_into_shell(script, &mut hits);
    coprocess_into_shell(script, &mut hits);
    for e in &script.effects {
        if e.kind == EffectKind::FetchExec {
            hits.push(Hit {
                rule_id: "remote.inline-decode-exec",
                span: e.span,
                detail: Some(format!("{} downloads code and executes it", e.detail)),
            });
        }
    }
    hits
}

/// Taint of a command's own output: it fetches, decodes, or prints a fetched substitution.
fn command_taint(script: &Script, cmd: &Command) -> Option<Taint> {
    if is_fetcher(cmd) {
        return Some(Taint::Fetched);
    }
    let from_words = cmd
        .argv
        .iter()
        .chain(cmd.stdin_text.iter())
        .filter_map(|w| word_taint(script, w))
        .max();
    if is_decoder(cmd) {
        return Some(from_words.unwrap_or(Taint::Decoded).max(Taint::Decoded));
    }
    if matches!(cmd.name(), "echo" | "printf" | "print" | "cat" | "tee") || cmd.stdin_text.is_some()
    {
        return from_words;
    }
    None
}

/// Taint carried by a word through its substitutions — also those whose output the walker
/// resolved to known text (`eval "$(echo Y3Vy… | base64 -d)"` still runs decoded text), found
/// by where they sit in the word.
fn word_taint(script: &Script, w: &Word) -> Option<Taint> {
    let resolved = script
        .substitutions
        .iter()
        .enumerate()
        .filter(|(_, s)| w.span.1 > w.span.0 && s.span.0 >= w.span.0 && s.span.1 <= w.span.1)
        .map(|(id, _)| id);
    w.subs
        .iter()
        .copied()
        .chain(resolved)
        .filter_map(|s| subst_taint(script, s))
        .max()
}

/// Taint of a substitution's output: the strongest taint of a command inside it that writes to it.
fn subst_taint(script: &Script, id: usize) -> Option<Taint> {
    script
        .commands_within(id)
        .filter_map(|c| {
            if is_fetcher(c) {
                Some(Taint::Fetched)
            } else if is_decoder(c) {
                Some(Taint::Decoded)
            } else {
                None
            }
        })
        .max()
}

/// From the command at `from` (where a file was written) to `cmd` (where it is used): the span
/// a finding about the pair covers.
fn spanning(script: &Script, from: usize, cmd: &Command) -> Span {
    let written = script.commands[from].span;
    (written.0.min(cmd.span.0), written.1.max(cmd.span.1))
}

fn rule_for(t: Taint, fetched: &'static str) -> &'static str {
    match t {
        Taint::Fetched => fetched,
        Taint::Decoded => "remote.decode-to-shell",
    }
}

/// `… | while read -r l; do eval "$l"; done`: a loop that runs each line it reads as code.
fn read_eval_loop<'a>(cmds: &[&'a Command]) -> Option<&'a Command> {
    let names: Vec<&str> = cmds
        .iter()
        .filter(|c| c.name() == "read")
        .flat_map(|c| c.args().iter())
        .map(|a| a.text.as_str())
        .filter(|a| !a.starts_with('-') && !a.is_empty())
        .collect();
    if names.is_empty() {
        return None;
    }
    let names_var = |t: &str| {
        names
            .iter()
            .any(|n| t.contains(&format!("${n}")) || t.contains(&format!("${{{n}}}")))
    };
    cmds.iter().copied().find(|c| {
        let runs_code =
            c.name() == "eval" || matches!(shell_invocation(c), Some(ShellInvocation::Code(_)));
        // `do $l; done`: the line itself in command position is run as a command.
        let named = c
            .argv
            .first()
            .is_some_and(|w| w.dynamic && names_var(&w.text));
        named || runs_code && c.args().iter().any(|a| names_var(&a.text))
    })
}

/// `while read -r l; do eval "$l"; done < <(curl …)`: a loop that runs the lines it reads,
/// fed by a process substitution whose output is downloaded or decoded text. Every command of
/// the loop carries the loop's input redirection, so the loop is the commands sharing it.
fn read_loop_from_substitution(script: &Script, hits: &mut Vec<Hit>) {
    // Keyed by the redirection's span, in input order: one lookup per redirection (a linear
    // search made 30,000 `cat < <(…)` quadratic).
    let mut loops: std::collections::BTreeMap<Span, (&Word, Vec<&Command>)> = Default::default();
    for cmd in &script.commands {
        for r in cmd
            .redirects
            .iter()
            .filter(|r| r.op == "<" && !r.target.subs.is_empty())
        {
            loops
                .entry(r.target.span)
                .or_insert_with(|| (&r.target, Vec::new()))
                .1
                .push(cmd);
        }
    }
    for (input, cmds) in loops.into_values() {
        // The loop first: the taint looks through every substitution of the script.
        let Some(sink) = read_eval_loop(&cmds) else {
            continue;
        };
        let Some(t) = word_taint(script, input) else {
            continue;
        };
        hits.push(Hit {
            rule_id: rule_for(t, "remote.pipe-to-shell"),
            span: sink.span,
            detail: Some(format!(
                "a loop runs each line it reads with `{}`, and its input is {} text (process substitution)",
                sink.name(),
                t.origin()
            )),
        });
    }
}

/// `curl … | sh`, `base64 -d | bash`, with any stages in between.
fn pipes_into_interpreters(script: &Script, hits: &mut Vec<Hit>) {
    for (pid, pipeline) in script.pipelines.iter().enumerate() {
        let mut upstream: Vec<Taint> = Vec::new();
        // A program's computed output (`python3 -c "print(…)" | sh`, `awk '{print …}' | sh`).
        let mut computed: Option<String> = None;
        for stage in 0..pipeline.stages {
            let cmds: Vec<&Command> = script.stage(pid, stage).collect();
            if upstream.is_empty() {
                if let (Some(program), Some(sink)) =
                    (&computed, cmds.iter().find(|c| executes_stdin(c)))
                {
                    hits.push(Hit {
                        rule_id: "core.dynamic-code",
                        span: pipeline.span,
                        detail: Some(format!(
                            "what `{program}` prints is run by `{}`: the commands are computed at run time",
                            sink.name()
                        )),
                    });
                    break;
                }
            }
            if !upstream.is_empty() {
                if let Some(sink) = cmds
                    .iter()
                    .copied()
                    .find(|c| executes_stdin(c))
                    .or_else(|| read_eval_loop(&cmds))
                {
                    for &t in &upstream {
                        hits.push(Hit {
                            rule_id: rule_for(t, "remote.pipe-to-shell"),
                            span: pipeline.span,
                            detail: Some(format!(
                                "{} output is piped into `{}`",
                                t.origin(),
                                sink.name()
                            )),
                        });
                    }
                    break;
                }
            }
            if let Some(c) = cmds.iter().rev().find(|c| {
                let n = c.name().to_ascii_lowercase();
                (super::vocab::is_interpreter(&n)
                    && c.args().iter().any(|a| {
                        matches!(
                            a.text.as_str(),
                            "-c" | "-e" | "-E" | "-r" | "--eval" | "-p" | "--print"
                        )
                    }))
                    || matches!(n.as_str(), "awk" | "gawk" | "mawk" | "nawk")
            }) {
                computed = Some(c.name().to_string());
            } else if !cmds.is_empty()
                && !cmds
                    .iter()
                    .any(|c| matches!(c.name(), "cat" | "tee" | "head" | "tail" | "pv"))
            {
                computed = None;
            }
            for c in &cmds {
                if is_decoder(c) && !upstream.contains(&Taint::Decoded) {
                    upstream.push(Taint::Decoded);
                }
                if let Some(t) = command_taint(script, c) {
                    if !upstream.contains(&t) {
                        upstream.push(t);
                    }
                }
            }
        }
    }
}

/// `curl … > >(sh)`, `curl … | tee >(bash)`: fetched output written into a process
/// substitution that runs a shell.
fn output_into_shell(script: &Script, hits: &mut Vec<Hit>) {
    for cmd in &script.commands {
        let feeds_process = cmd
            .args()
            .iter()
            .chain(cmd.redirects.iter().map(|r| &r.target))
            .any(|w| {
                w.subs
                    .iter()
                    .any(|&s| script.substitutions[s].kind == SubstKind::ProcessOut)
            });
        if !feeds_process {
            continue;
        }
        let taint = if is_fetcher(cmd) {
            Some(Taint::Fetched)
        } else {
            pipeline_taint(script, cmd)
        };
        let Some(t) = taint else { continue };
        let words = cmd
            .args()
            .iter()
            .chain(cmd.redirects.iter().map(|r| &r.target));
        for w in words {
            for &s in &w.subs {
                if script.substitutions[s].kind != SubstKind::ProcessOut {
                    continue;
                }
                if let Some(sink) = script.commands_within(s).find(|c| executes_stdin(c)) {
                    hits.push(Hit {
                        rule_id: rule_for(t, "remote.pipe-to-shell"),
                        span: cmd.span,
                        detail: Some(format!(
                            "output of `{}` is written into `{}` through a process substitution",
                            cmd.name(),
                            sink.name()
                        )),
                    });
                }
            }
        }
    }
}

/// `coproc curl URL; bash <&${COPROC[0]}`: a shell whose input is a descriptor named by a variable
/// (a coprocess's, or one opened with `exec {fd}<…`) in the same input as a download that writes
/// to its standard output — the download's text is what the shell reads.
fn coprocess_into_shell(script: &Script, hits: &mut Vec<Hit>) {
    let Some(fetch) = script
        .commands
        .iter()
        .find(|c| is_fetcher(c) && !c.redirects.iter().any(|r| r.writes()) && c.pipes.is_empty())
    else {
        return;
    };
    for cmd in &script.commands {
        let reads_variable_fd = cmd.redirects.iter().any(|r| {
            r.op == "<&" && r.fd.is_none_or(|fd| fd == 0) && r.target.text.starts_with('$')
        });
        if reads_variable_fd && executes_stdin(cmd) {
            hits.push(Hit {
                rule_id: "remote.pipe-to-shell",
                span: cmd.span,
                detail: Some(format!(
                    "`{}` reads the output of `{}` through a coprocess descriptor",
                    cmd.name(),
                    fetch.name()
                )),
            });
        }
    }
}

/// `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(… | base64 -d)"`, `sh <<< "$(curl …)"`.
fn substitutions_into_code(script: &Script, hits: &mut Vec<Hit>) {
    for cmd in &script.commands {
        for w in code_sinks(cmd) {
            if let Some(t) = word_taint(script, w) {
                let via_process = w
                    .subs
                    .iter()
                    .any(|&s| script.substitutions[s].kind == SubstKind::ProcessIn);
                hits.push(Hit {
                    rule_id: rule_for(t, "remote.subst-to-shell"),
                    span: cmd.span,
                    detail: Some(format!(
                        "`{}` runs code that is {} at run time{}",
                        cmd.name(),
                        t.origin(),
                        if via_process {
                            " (process substitution)"
                        } else {
                            ""
                        }
                    )),
                });
            }
        }
    }
}

/// Words of a command whose content becomes code.
pub(crate) fn code_sinks(cmd: &Command) -> Vec<&Word> {
    let mut out = Vec::new();
    match shell_invocation(cmd) {
        Some(ShellInvocation::Code(w)) | Some(ShellInvocation::Script(w)) => out.push(w),
        Some(ShellInvocation::Stdin) => out.extend(stdin_words(cmd)),
        None => {}
    }
    match cmd.name() {
        "eval" | "source" | "." => out.extend(cmd.args()),
        name if is_code_runner(name) && shell_invocation(cmd).is_none() => {
            // Interpreters: inline code and script-file arguments, stdin when it reads code.
            // An inline program whose substitution was resolved to its text (`python3 -c
            // "$(echo aW1w… | base64 -d)"`) has no substitution left but still ran one.
            let args = cmd.args();
            let inline = |i: usize| {
                i > 0
                    && matches!(
                        args[i - 1].text.as_str(),
                        "-c" | "-e" | "-E" | "-r" | "-p" | "--eval" | "--print" | "-Command"
                    )
            };
            out.extend(
                args.iter()
                    .enumerate()
                    .filter(|(i, a)| !a.subs.is_empty() || inline(*i))
                    .map(|(_, a)| a),
            );
            if executes_stdin(cmd) {
                out.extend(stdin_words(cmd));
            }
        }
        _ => {}
    }
    // `make -f <(curl …)`, `sed -f <(…)`, `at -f "$(…)"`.
    out.extend(crate::shell::sinks::code_file_words(cmd));
    // `su -c "$(curl …)"`, `flock /tmp/l -c "$(…)"`.
    out.extend(crate::shell::sinks::code_option_words(cmd));
    // `$(echo cm0gLXJmIH4= | base64 -d)`: a substitution in command position runs its output as
    // a command line.
    if let Some(first) = cmd.argv.first().filter(|w| !w.subs.is_empty()) {
        out.push(first);
    }
    // Anything else that runs its stdin (`. /dev/stdin <<< "$(curl …)"`, `ssh h sh < <(curl …)`).
    if shell_invocation(cmd).is_none() && !is_code_runner(cmd.name()) && executes_stdin(cmd)
        || matches!(cmd.name(), "source" | ".")
    {
        out.extend(stdin_words(cmd));
    }
    // A tool that runs the lines it reads (`awk '{print | "sh"}'`, `sed e`, `perl -ne 'system
    // $_'`) runs its file operands too: `awk '{system($0)}' <(curl …)`.
    if crate::shell::sinks::executes_input(cmd) {
        out.extend(cmd.args().iter().filter(|a| !a.subs.is_empty()));
    }
    out
}

/// What a command reads on stdin: its heredoc or here-string, and files redirected in with `<`.
fn stdin_words(cmd: &Command) -> impl Iterator<Item = &Word> {
    cmd.stdin_text.iter().chain(
        cmd.redirects
            .iter()
            .filter(|r| r.op == "<")
            .map(|r| &r.target),
    )
}

/// The script's hosts, indexed on first use (most inputs download nothing).
type Hosts = std::cell::OnceCell<HostIndex>;

/// `curl -o x.sh URL && sh x.sh`, `wget -P d URL; sh d/x.sh`, `curl -o p.tgz URL && tar xzf p.tgz
/// -C d && d/install.sh`, `base64 -d > x; ./x`, `deno run https://…`.
fn download_then_run(script: &Script, hits: &mut Vec<Hit>) {
    // (path, is a directory, where it was written, taint)
    let mut written: Vec<(String, bool, usize, Taint)> = Vec::new();
    // The archive each directory entry of `written` was unpacked from, when it had a name.
    let mut unpacked_from: Vec<(usize, String)> = Vec::new();
    // Pipelines with a download in an earlier stage (stages come in order).
    let mut fetching: std::collections::HashSet<usize> = Default::default();
    let host_index: Hosts = Default::default();
    for (i, cmd) in script.commands.iter().enumerate() {
        if let Some(url) = url_runner(cmd) {
            hits.push(Hit {
                rule_id: "remote.download-exec",
                span: cmd.span,
                detail: Some(format!("`{}` runs code straight from {url}", cmd.name())),
            });
            continue;
        }
        if let Some(files) = copied_from_remote(cmd) {
            written.extend(files.into_iter().map(|f| (f, false, i, Taint::Fetched)));
            continue;
        }
        // `git clone URL [DIR]`: the checkout is downloaded code like an unpacked archive.
        if let Some((_, dir)) = git_clone(cmd) {
            written.push((dir, true, i, Taint::Fetched));
            continue;
        }
        if is_fetcher(cmd) || is_release_download(cmd) {
            fetching.extend(cmd.pipes.last().map(|p| p.pipeline));
            let (files, dirs) = download_targets(cmd);
            written.extend(files.into_iter().map(|f| (f, false, i, Taint::Fetched)));
            written.extend(dirs.into_iter().map(|d| (d, true, i, Taint::Fetched)));
            continue;
        }
        let writes_stdout = cmd
            .redirects
            .iter()
            .any(|r| r.writes() && r.fd.unwrap_or(1) == 1);
        let after_fetch = cmd
            .pipes
            .last()
            .is_some_and(|p| fetching.contains(&p.pipeline));
        // `xxd -r -p payload.hex > f`, `base64 -d > f <<EOF`: a decoded file, run later; after a
        // download in the same pipeline (`curl URL | base64 -d > f`) it is the download.
        if writes_stdout && is_decoder(cmd) && cmd.name() != "tr" && cmd.name() != "rev" {
            let taint = if after_fetch {
                Taint::Fetched
            } else {
                Taint::Decoded
            };
            for r in cmd
                .redirects
                .iter()
                .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1)
            {
                written.push((r.target.text.clone(), false, i, taint));
            }
            continue;
        }
        // `curl URL | tee FILE`, `curl URL | install -m755 /dev/stdin FILE`.
        let stdin_copy = cmd.name() == "tee"
            || matches!(cmd.name(), "install" | "cp")
                && cmd.args().iter().any(|a| a.text == "/dev/stdin");
        if stdin_copy && after_fetch {
            if let Some(t) = pipeline_taint(script, cmd) {
                let operands: Vec<&str> = cmd
                    .args()
                    .iter()
                    .map(|a| a.text.as_str())
                    .filter(|a| !a.starts_with('-') && *a != "/dev/stdin")
                    .collect();
                let files: Vec<&str> = if cmd.name() == "tee" {
                    operands
                } else {
                    operands.last().copied().into_iter().collect()
                };
                written.extend(files.into_iter().map(|f| (f.to_string(), false, i, t)));
                continue;
            }
        }
        // `curl … | tar xz --to-command=sh`, `tar xf x.tgz --to-command='sh -c …'`: every member
        // of a downloaded archive is fed to a program as its input.
        if member_runs_code(cmd) {
            let piped = (!cmd.pipes.is_empty())
                .then(|| pipeline_taint(script, cmd))
                .flatten()
                .map(|t| (i, t));
            let from_file = extraction(cmd).and_then(|(archive, _)| {
                written
                    .iter()
                    .find(|(f, is_dir, _, _)| !is_dir && same_file(f, &archive))
                    .map(|&(_, _, from, t)| (from, t))
            });
            if let Some((from, t)) = piped.or(from_file) {
                hits.push(Hit {
                    rule_id: match t {
                        Taint::Fetched => "remote.download-exec",
                        Taint::Decoded => "remote.decode-to-shell",
                    },
                    span: (script.commands[from].span.0.min(cmd.span.0), cmd.span.1),
                    detail: Some(
                        "every member of the archive is fed to a program that runs its input (tar --to-command)"
                            .into(),
                    ),
                });
                continue;
            }
        }
        let extracts = extraction_dir(cmd);
        if (writes_stdout || extracts.is_some()) && !cmd.pipes.is_empty() {
            if let Some(t) = pipeline_taint(script, cmd) {
                for r in cmd
                    .redirects
                    .iter()
                    .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1)
                {
                    written.push((r.target.text.clone(), false, i, t));
                }
                // `curl -sL …/p.tgz | tar xz -C /tmp/p`: extracted straight from a download.
                if let Some(dir) = extracts {
                    written.push((dir, true, i, t));
                    continue;
                }
            }
        }
        if let Some((archive, dir)) = extraction(cmd) {
            // `bsdtar -xf <(curl -sL …/t.tgz) -C /tmp/t`: the archive is a download read
            // through a process substitution.
            let from_process = cmd
                .args()
                .iter()
                .filter(|w| {
                    w.subs
                        .iter()
                        .any(|&s| script.substitutions[s].kind == SubstKind::ProcessIn)
                })
                .find_map(|w| word_taint(script, w));
            if let Some(t) = from_process {
                written.push((dir, true, i, t));
                continue;
            }
            if let Some(&(_, _, from, t)) = written
                .iter()
                .find(|(f, is_dir, _, _)| !is_dir && same_file(f, &archive))
            {
                unpacked_from.push((written.len(), archive));
                written.push((dir, true, from, t));
            }
            continue;
        }
        if written.is_empty() {
            continue;
        }
        // `cp|mv|install|ln f DEST`: the copy is the download too.
        if let Some(copies) = local_copies(cmd) {
            let mut relayed = Vec::new();
            for (src, dest) in copies {
                if let Some(&(_, _, from, t)) = written
                    .iter()
                    .find(|(f, is_dir, _, _)| !is_dir && same_file(f, &src))
                {
                    relayed.push((dest, false, from, t));
                }
            }
            written.extend(relayed);
            continue;
        }
        // `bash < f`, `python3 - < f`, `cat f | sh`: the file's text is the program read on stdin.
        if let Some((file, from, t)) = fed_to_stdin_code(script, cmd, &written) {
            hits.push(Hit {
                rule_id: rule_for(t, "remote.download-exec"),
                span: spanning(script, from, cmd),
                detail: Some(format!(
                    "`{file}` is {} and then fed to a program that runs its input",
                    if t == Taint::Fetched {
                        "downloaded"
                    } else {
                        "decoded from an opaque blob"
                    }
                )),
            });
            continue;
        }
        // `curl -o conftest.py URL && pytest`, `curl -o site.yml URL && ansible-playbook site.yml`:
        // a project or script file the tool reads and runs as code.
        if let Some((file, from, t)) = read_as_code(cmd, &written) {
            let source = download_source(script, from, &host_index);
            let own = matches!(
                source,
                Source::Vendor | Source::Loopback | Source::OwnInfrastructure
            );
            if t == Taint::Decoded || !own {
                let fetched = match source {
                    Source::Release => "remote.download-checked",
                    _ => "remote.download-exec",
                };
                hits.push(Hit {
                    rule_id: rule_for(t, fetched),
                    span: spanning(script, from, cmd),
                    detail: Some(format!(
                        "`{file}` is {} and then read as code by `{}`",
                        t.origin(),
                        cmd.name()
                    )),
                });
                continue;
            }
        }
        // A download saved into a directory on PATH and then run by its name
        // (`curl -o /usr/local/bin/helper URL && helper`).
        let by_name = written.iter().find(|(f, is_dir, _, _)| {
            !is_dir
                && cmd.invoked_as.is_none()
                && f.rsplit_once('/').is_some_and(|(dir, base)| {
                    base == cmd.name() && PATH_DIRS.contains(&dir.trim_end_matches('/'))
                })
        });
        let made = made_in(cmd);
        let Some(target) = run_target(cmd)
            .or(made.as_deref())
            .or(by_name.map(|_| cmd.name()))
        else {
            continue;
        };
        // Matched only by inference (a relative `cd`, a bare script name, `make -C`): judged for
        // downloads from anywhere but a vendor's site or a project's release page.
        let inferred = std::cell::Cell::new(made.as_deref() == Some(target));
        let hit = by_name.or_else(|| {
            let archive_of = |k: usize| {
                unpacked_from
                    .iter()
                    .find(|(at, _)| *at == k)
                    .map(|(_, a)| a.as_str())
            };
            written.iter().enumerate().find_map(|(k, entry)| {
                let (f, is_dir, from, _) = entry;
                // After a `cd` the working directory is another one.
                let moved = || {
                    script
                        .commands
                        .get(*from + 1..i)
                        .unwrap_or_default()
                        .iter()
                        .any(|c| matches!(c.name(), "cd" | "pushd" | "popd"))
                };
                if *is_dir && (f == "." || f == "./") && target.starts_with("./") && moved() {
                    // `tar xzf t.tgz; cd t && ./run.sh`: a relative `cd` stays inside what was
                    // unpacked; an absolute one leaves it.
                    let inside = cmd.cwd.as_deref().is_some_and(|d| {
                        !d.starts_with(['/', '~', '$']) && !d.starts_with("..") && d != "."
                    });
                    inferred.set(inside);
                    inside
                } else if *is_dir && (f == "." || f == "./") && is_shell_script_run(cmd, target) {
                    // `unzip -o x.zip && bash install.sh`: a shell script handed to a shell
                    // right after a download was unpacked here.
                    inferred.set(true);
                    true
                } else if *is_dir && (f == "." || f == "./") {
                    // Unpacked into the working directory: a program run by its path there
                    // (`./install`) or inside one of the unpacked directories (`./x/run`; after
                    // `cd x` the walker cannot tell). A bare script name given to an
                    // interpreter (`python3 train.py`) is more likely the project's own, and so
                    // is a path in a directory unrelated to a named archive (`tar xzf
                    // aclImdb_v1.tar.gz; python scripts/prep.py`).
                    let relative = target.trim_start_matches("./");
                    let by_itself = cmd.argv.first().is_some_and(|a| a.text == target);
                    !target.starts_with(['/', '~', '$'])
                        && (target.starts_with("./") && !relative.contains('/')
                            || by_itself && target.contains('/')
                            || relative.contains('/')
                                && archive_of(k).is_none_or(|a| unpacks_into(a, relative)))
                } else if *is_dir {
                    // `cd d && ./run.sh`, `cd d; bash setup.sh`: a relative program path after
                    // a `cd` is inside the directory the walker followed.
                    let d = format!("{}/", f.trim_end_matches('/').trim_start_matches("./"));
                    let here = cmd
                        .cwd
                        .as_deref()
                        .filter(|_| !target.starts_with(['/', '~', '$']))
                        .map(|cwd| crate::shell::state::resolve(cwd, target));
                    target.trim_start_matches("./").starts_with(&d)
                        || here.is_some_and(|p| p.trim_start_matches("./").starts_with(&d))
                } else {
                    same_file(f, target)
                }
                .then_some(entry)
            })
        });
        if let Some((_, _, from, t)) = hit {
            let source = download_source(script, *from, &host_index);
            let cloned = git_clone(&script.commands[*from]).is_some();
            // After a clone, a script run by its path or handed to a shell is its author's
            // installer (`./install.sh`, `bash x/setup.sh`); building the checkout the standard
            // way (`make`, `pip install .`, `npm i`, `./configure`, `./gradlew`) is not reported.
            let script_run = cmd.invoked_as.is_some()
                || matches!(shell_invocation(cmd), Some(ShellInvocation::Script(_)))
                || matches!(cmd.name(), "source" | ".");
            // A checkout from a forge or the user's own server is how tools are installed
            // every day (`git clone …/fzf ~/.fzf && ~/.fzf/install`); from an unknown host, it
            // is a download run like any other.
            if cloned && (!script_run || is_build_entry_point(target) || source != Source::Other) {
                continue;
            }
            if inferred.get()
                && matches!(source, Source::Vendor | Source::Release | Source::Loopback)
            {
                continue;
            }
            // A program run as itself (`./kubectl`, `kubectl` from PATH) rather than a script
            // handed to a shell or an interpreter (`bash get-docker.sh`, `python3 get-pip.py`).
            let runs_itself = by_name.is_some()
                || cmd
                    .invoked_as
                    .as_deref()
                    .is_some_and(|p| same_file(p, target));
            let binary = runs_itself
                && shell_invocation(cmd).is_none()
                && ![".sh", ".bash", ".py", ".pl", ".rb", ".ps1", ".js"]
                    .iter()
                    .any(|e| target.ends_with(e));
            // A vendor's binary from its own download site, run where it was saved or installed
            // onto PATH (`curl -LO https://dl.k8s.io/…/kubectl && ./kubectl version`): the
            // documented install of that tool. A file from this machine's own server (`curl
            // localhost:8000/app -o app && ./app`) is the user's build.
            if *t == Taint::Fetched
                && (source == Source::Loopback || source == Source::Vendor && binary)
            {
                continue;
            }
            let span = spanning(script, *from, cmd);
            let between = script.commands.get(*from + 1..i).unwrap_or_default();
            let (rule, how) = match t {
                Taint::Fetched if cloned => (
                    "remote.download-exec",
                    "in a repository cloned from an unknown host and",
                ),
                Taint::Fetched if between.iter().any(verifies_download) => (
                    "remote.download-checked",
                    "downloaded, checked against a hash or signature,",
                ),
                Taint::Fetched if installs_package(cmd) && all_popular(&download_hosts(script, *from, &host_index)) => (
                    "remote.download-checked",
                    "downloaded from a well-known host and installed as a package:",
                ),
                Taint::Fetched if source == Source::Vendor => (
                    "remote.download-checked",
                    "an install script from the vendor's own site, run unread:",
                ),
                Taint::Fetched
                    if source == Source::Release
                        && (binary || pinned_release(&script.commands[*from])) =>
                (
                    "remote.download-checked",
                    "a release download from a public forge or file host (anyone can publish there, so check whose it is)",
                ),
                Taint::Fetched if source == Source::OwnInfrastructure => (
                    "remote.download-checked",
                    "copied from another machine or an internal server",
                ),
                Taint::Fetched => ("remote.download-exec", "downloaded"),
                Taint::Decoded => ("remote.decode-to-shell", "decoded from an opaque blob"),
            };
            hits.push(Hit {
                rule_id: rule,
                span,
                detail: Some(format!("`{target}` is {how} and then executed")),
            });
        }
    }
}

/// `cp SRC… DEST`, `mv`, `install [-m MODE] SRC DEST`, `install -t DIR SRC…`, `ln [-s] SRC
/// DEST`: each source with the path it is copied (or linked) to. `None` for other commands.
fn local_copies(cmd: &Command) -> Option<Vec<(String, String)>> {
    if !matches!(cmd.name(), "cp" | "mv" | "install" | "ln" | "ditto") {
        return None;
    }
    let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
    let mut operands = Vec::new();
    let mut target_dir = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if matches!(a, "-t" | "--target-directory") {
            target_dir = args.get(i + 1).copied();
            i += 2;
            continue;
        }
        if let Some(d) = a.strip_prefix("--target-directory=") {
            target_dir = Some(d);
        } else if cmd.name() == "install"
            && matches!(a, "-m" | "-o" | "-g" | "--mode" | "--owner" | "--group")
        {
            i += 1;
        } else if !a.starts_with('-') || a == "-" {
            operands.push(a);
        }
        i += 1;
    }
    let (dest, sources) = match target_dir {
        Some(d) => (format!("{}/", d.trim_end_matches('/')), operands.as_slice()),
        None => {
            let (dest, sources) = operands.split_last()?;
            // A directory on PATH is a directory even without its trailing slash.
            let dest = if PATH_DIRS.contains(&dest.trim_end_matches('/')) {
                format!("{}/", dest.trim_end_matches('/'))
            } else {
                dest.to_string()
            };
            (dest, sources)
        }
    };
    if sources.is_empty() {
        return None;
    }
    let dests = copy_destinations(&dest, sources, sources.iter().copied());
    Some(sources.iter().map(|s| s.to_string()).zip(dests).collect())
}

/// A written file that `cmd` reads as code through a sink of the table (a project file such
/// as `conftest.py`, a playbook, a notebook, a script named by an option). The file, where it
/// was written, and how.
fn read_as_code(
    cmd: &Command,
    written: &[(String, bool, usize, Taint)],
) -> Option<(String, usize, Taint)> {
    use crate::shell::sinks::Code;
    // The program's own script (`python3 get-pip.py`) is judged with the rest of the runs.
    let runs = run_target(cmd);
    crate::shell::sinks::extract(cmd, None)
        .into_iter()
        .find_map(|found| {
            let Code::File(w, _) = found.code else {
                return None;
            };
            if runs.is_some_and(|r| same_file(r, &w.text)) {
                return None;
            }
            written
                .iter()
                .find(|(f, is_dir, _, _)| !is_dir && names_file(&w.text, f))
                .map(|(f, _, from, t)| (f.clone(), *from, *t))
        })
}

/// Whether `pattern` (a path, or a base name with one `*` after a prefix, as in `test_*.py`)
/// names `file`.
fn names_file(pattern: &str, file: &str) -> bool {
    let base = file.rsplit('/').next().unwrap_or(file);
    match pattern.split_once('*') {
        // A whole kind of file (`*.py`: any module a Python program may import) is too wide
        // to call one download code; a named kind (`test_*.py`) is what the tool runs.
        Some(("", _)) => false,
        Some((head, tail)) if !pattern.contains('/') => {
            base.len() >= head.len() + tail.len() && base.starts_with(head) && base.ends_with(tail)
        }
        Some(_) => false,
        // (The base names first: most pairs differ there, without building two paths.)
        None => pattern.rsplit('/').next() == Some(base) && same_file(pattern, file),
    }
}

/// A written file whose text reaches a program that runs what it reads on stdin: redirected
/// into it (`bash < f`, `python3 - < f`) or printed into it by an earlier pipeline stage (`cat f
/// | sh`). The file, where it was written, and how.
fn fed_to_stdin_code(
    script: &Script,
    cmd: &Command,
    written: &[(String, bool, usize, Taint)],
) -> Option<(String, usize, Taint)> {
    let find = |p: &str| {
        written
            .iter()
            .find(|(f, is_dir, _, _)| !is_dir && same_file(f, p))
            .map(|(f, _, from, t)| (f.clone(), *from, *t))
    };
    if executes_stdin(cmd) {
        if let Some(r) = cmd
            .redirects
            .iter()
            .find(|r| r.op == "<" && r.fd.unwrap_or(0) == 0)
        {
            return find(&r.target.text);
        }
    }
    // `unzip -p x.zip | sh`, `tar -xOf x.tgz | sh`: the members printed to stdout.
    let prints_members = match cmd.name() {
        "unzip" => cmd.args().iter().any(|a| a.text == "-p"),
        "tar" | "bsdtar" | "gtar" => cmd
            .args()
            .iter()
            .any(|a| a.text == "--to-stdout" || !a.text.starts_with("--") && a.text.contains('O')),
        _ => false,
    };
    if !prints_members && !matches!(cmd.name(), "cat" | "tac" | "head" | "tail" | "dd" | "pv") {
        return None;
    }
    let pos = cmd.pipes.last()?;
    let stages = script.pipelines.get(pos.pipeline)?.stages;
    let runs = (pos.stage + 1..stages).any(|s| script.stage(pos.pipeline, s).any(executes_stdin));
    if !runs {
        return None;
    }
    cmd.args()
        .iter()
        .map(|a| a.text.strip_prefix("if=").unwrap_or(&a.text))
        .find_map(find)
}

/// A checksum or signature check (`sha256sum -c`, `shasum -a 256 -c`, `gpg --verify`,
/// `cosign verify-blob`, `minisign -V`) between a download and its execution.
fn verifies_download(cmd: &Command) -> bool {
    let args = cmd.args();
    let has = |f: &str| args.iter().any(|a| a.text == f);
    match cmd.name() {
        "sha256sum" | "sha512sum" | "sha1sum" | "md5sum" | "b2sum" | "shasum" => {
            has("-c") || has("--check") || args.iter().any(|a| a.text.starts_with("--check"))
        }
        "gpg" | "gpg2" | "gpgv" => cmd.name() == "gpgv" || has("--verify"),
        "cosign" => args.first().is_some_and(|a| a.text.starts_with("verify")),
        "minisign" => has("-V"),
        "signify" | "signify-openbsd" => has("-V"),
        "openssl" => has("dgst") && has("-verify"),
        _ => false,
    }
}

/// The hosts the download command at `idx` fetched from (for a stage of a pipeline, the whole
/// pipeline's: `curl -L URL | tar xz`), lowercased.
fn download_hosts(script: &Script, idx: usize, index: &Hosts) -> Vec<String> {
    let cmd = &script.commands[idx];
    let span = cmd
        .pipes
        .last()
        .and_then(|p| script.pipelines.get(p.pipeline))
        .map_or(cmd.span, |p| p.span);
    index
        .get_or_init(|| HostIndex::new(script))
        .within(span)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Every URL the download command names is pinned to a release (`.../releases/download/...`,
/// the owner's latest release `.../releases/latest/download/...`,
/// a version segment such as `/v0.39.7/`), not a moving branch (`/main/`, `/master/`).
fn pinned_release(cmd: &Command) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"/(releases/(latest/)?download|v?\d+\.\d+[\w.+-]*)/")
            .expect("static regex")
    });
    let urls: Vec<&str> = cmd
        .args()
        .iter()
        .map(|a| a.text.as_str())
        .filter(|a| a.contains("://"))
        .collect();
    !urls.is_empty() && urls.iter().all(|u| re.is_match(u))
}

/// Every host is well known (a GitHub release, a vendor's download site).
fn all_popular(hosts: &[String]) -> bool {
    !hosts.is_empty()
        && hosts
            .iter()
            .all(|h| super::domains::popular().contains_host(h))
}

/// Hosts where anyone can publish files (a code forge, its release and raw-content hosts, a
/// shared bucket or page host): well known, but not the vendor's own site.
const OPEN_HOSTS: &[&str] = &[
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "sourceforge.net",
    "storage.googleapis.com",
    "amazonaws.com",
    "dropbox.com",
    "dropboxusercontent.com",
    "googleusercontent.com",
    "pages.dev",
    "netlify.app",
    "vercel.app",
    "github.io",
];

/// Vendors' own download hosts under a domain where anyone can publish (`awscli.amazonaws.com`
/// is AWS's; `BUCKET.s3.amazonaws.com` is anyone's).
const VENDOR_HOSTS_ON_OPEN_DOMAINS: &[&str] = &["awscli.amazonaws.com"];

/// Where a downloaded file came from, which sets how much running it is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A well-known vendor's own download site (not a host where anyone can publish).
    Vendor,
    /// This machine (`localhost`, `127.0.0.1`).
    Loopback,
    /// A release asset on a code forge or a well-known shared file host (`github.com/O/R/
    /// releases/download/…`, `gh release download`): attributable, but anyone can publish.
    Release,
    /// The user's own machines and storage: a copy from another host (`scp`, `rsync`, `aws s3
    /// cp`, `gsutil cp`) or a download from an internal name (`nexus.acme.internal`, `build01`).
    OwnInfrastructure,
    /// Anywhere else.
    Other,
}

/// Classify the download command at `idx` (see [`Source`]).
fn download_source(script: &Script, idx: usize, index: &Hosts) -> Source {
    let cmd = &script.commands[idx];
    if is_release_download(cmd) {
        return Source::Release;
    }
    if copied_from_remote(cmd).is_some() {
        // `scp build01:/artifacts/app .`: one of the user's own machines; an address, a
        // public name or a bucket may be anyone's.
        let own = matches!(cmd.name(), "scp" | "rsync" | "sftp")
            && cmd
                .args()
                .iter()
                .filter(|a| !a.text.starts_with('-') && a.text.contains(':'))
                .all(|a| !a.text.starts_with("rsync://") && super::exfil::to_own_machine(&a.text));
        return if own {
            Source::OwnInfrastructure
        } else {
            Source::Other
        };
    }
    let hosts = match git_clone(cmd) {
        Some((host, _)) => host.into_iter().collect(),
        None => download_hosts(script, idx, index),
    };
    // A paste bin or file drop is anyone's, however popular.
    if hosts.is_empty() || hosts.iter().any(|h| super::exfil::is_drop_site(h)) {
        Source::Other
    } else if hosts.iter().all(|h| super::exfil::is_loopback(h)) {
        Source::Loopback
    } else if all_popular(&hosts) {
        let open = |h: &String| {
            OPEN_HOSTS.iter().any(|o| crate::text::dotted_tail(h, o))
                && !VENDOR_HOSTS_ON_OPEN_DOMAINS.contains(&h.as_str())
        };
        if hosts.iter().any(open) {
            Source::Release
        } else {
            Source::Vendor
        }
    } else if hosts
        .iter()
        .all(|h| h.contains('.') && super::exfil::to_own_machine(h))
    {
        Source::OwnInfrastructure
    } else {
        Source::Other
    }
}

/// A package manager installing a local package file (`dpkg -i x.deb`, `apt install ./x.deb`,
/// `rpm -i x.rpm`): its scripts run as root, as a package would from a repository.
fn installs_package(cmd: &Command) -> bool {
    let args = cmd.args();
    let has = |f: &str| args.iter().any(|a| a.text == f);
    match cmd.name() {
        "dpkg" => has("-i") || has("--install"),
        "apt" | "apt-get" | "dnf" | "yum" | "zypper" => {
            (has("install") || has("localinstall"))
                && args
                    .iter()
                    .any(|a| a.text.ends_with(".deb") || a.text.ends_with(".rpm"))
        }
        "rpm" => args.iter().any(|a| {
            a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains(['i', 'U'])
        }),
        "installer" => has("-pkg"),
        _ => false,
    }
}

/// Directories commonly on PATH, where a saved program is found by its name.
const PATH_DIRS: &[&str] = &[
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/bin",
    "/sbin",
    "/opt/homebrew/bin",
    "~/.local/bin",
    "~/bin",
    "$HOME/.local/bin",
    "$HOME/bin",
];

/// Local files a copy from another machine writes: `scp HOST:PATH DEST`, `rsync HOST:PATH DEST`
/// (also `rsync://`), `tftp HOST -c get REMOTE [LOCAL]`. `None` when the command is no such copy.
fn copied_from_remote(cmd: &Command) -> Option<Vec<String>> {
    let operands: Vec<&str> = cmd
        .args()
        .iter()
        .map(|a| a.text.as_str())
        .filter(|a| !a.starts_with('-'))
        .collect();
    match cmd.name() {
        "scp" | "rsync" | "sftp" => {
            // Option values are not operands (`scp -P 2222 -i key h:/x /tmp/x`).
            let operands = transfer_operands(cmd.name(), cmd.args());
            let (dest, sources) = operands.split_last()?;
            let remote = |s: &&str| {
                s.starts_with("rsync://")
                    || s.split_once(':').is_some_and(|(host, _)| {
                        !host.is_empty() && !host.contains('/') && !s.starts_with("./")
                    })
            };
            if !sources.iter().any(remote) || remote(dest) {
                return None;
            }
            Some(copy_destinations(
                dest,
                sources,
                sources.iter().copied().filter(|s| remote(s)),
            ))
        }
        // `aws s3 cp s3://b/x.sh /tmp/x.sh`, `gsutil cp gs://b/x .`, `rclone copy r:x ./d`.
        "aws" | "gsutil" | "rclone" | "s3cmd" | "mc" => {
            let ops: &[&str] = match operands.as_slice() {
                ["s3", "cp" | "mv", rest @ ..] => rest,
                ["cp" | "mv" | "copy" | "copyto" | "get", rest @ ..] => rest,
                _ => return None,
            };
            let (dest, sources) = ops.split_last()?;
            let bucket = |s: &&str| is_bucket_object(cmd.name(), s);
            if *dest == "-" || bucket(dest) || !sources.iter().any(bucket) {
                return None;
            }
            Some(copy_destinations(dest, sources, sources.iter().copied()))
        }
        "tftp" | "atftp" => {
            let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
            // busybox's and atftp's `-g -r REMOTE -l LOCAL HOST`.
            if args.contains(&"-g") || args.contains(&"--get") {
                let local = value_after(&args, &["-l", "--local-file"]);
                let remote = value_after(&args, &["-r", "--remote-file"]);
                return local.or_else(|| remote.map(|r| base(&r))).map(|f| vec![f]);
            }
            let at = args
                .windows(2)
                .position(|w| w[0] == "-c" && w[1] == "get")?;
            let remote = args.get(at + 2)?;
            Some(vec![args
                .get(at + 3)
                .map_or_else(|| base(remote), |l| l.to_string())])
        }
        // `svn export URL [PATH]`, `svn checkout URL [DIR]`: a file or a tree from the server.
        "svn" => match operands.as_slice() {
            ["export" | "checkout" | "co", url, rest @ ..] if url.contains("://") => {
                Some(vec![rest
                    .first()
                    .map_or_else(|| base(url), |p| p.to_string())])
            }
            _ => None,
        },
        // `lftp -c 'open URL; get x.sh -o /tmp/x.sh'`, `smbclient //h/s -c 'get s.sh /tmp/s.sh'`:
        // the files their `get` commands save.
        "lftp" | "smbclient" => {
            let args: Vec<&str> = cmd.args().iter().map(|a| a.text.as_str()).collect();
            let script = value_after(&args, &["-c", "--command", "-e"])?;
            let files = client_gets(&script);
            (!files.is_empty()).then_some(files)
        }
        _ => None,
    }
}

/// The local files the `get` commands of an ftp-style client script save (`get R`, `get R L`,
/// `get R -o L`, `mget`, `pget`), separated by `;` or new lines.
fn client_gets(script: &str) -> Vec<String> {
    script
        .split([';', '\n'])
        .filter_map(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            match words.as_slice() {
                ["get" | "pget" | "mget" | "recv", _, "-o", local, ..] => Some(local.to_string()),
                ["get" | "pget" | "recv", _, local, ..] if !local.starts_with('-') => {
                    Some(local.to_string())
                }
                ["get" | "pget" | "mget" | "recv", remote, ..] => Some(base(remote)),
                _ => None,
            }
        })
        .collect()
}

/// The file name a remote path (`host:dir/f`, `s3://b/f`) is copied to.
fn base(p: &str) -> String {
    p.rsplit(['/', ':']).next().unwrap_or(p).to_string()
}

/// Where a copy to `dest` puts each of `copied` (some of `sources`): into `dest` as a directory
/// (`dest/`, `.`, or several sources), else `dest` itself.
fn copy_destinations<'a>(
    dest: &str,
    sources: &[&str],
    copied: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let into_dir = dest.ends_with('/') || dest == "." || sources.len() > 1;
    copied
        .map(|s| {
            if into_dir {
                format!("{}/{}", dest.trim_end_matches('/'), base(s))
            } else {
                dest.to_string()
            }
        })
        .collect()
}

/// The file a command executes: a shell's script, a sourced file, an interpreter's script, or
/// the program itself when it was invoked by path.
fn run_target(cmd: &Command) -> Option<&str> {
    // `LD_PRELOAD=/tmp/l.so ls`: the library is loaded into the program and runs first.
    if let Some((_, lib)) = cmd
        .assignments
        .iter()
        .find(|(k, _)| matches!(k.as_str(), "LD_PRELOAD" | "DYLD_INSERT_LIBRARIES"))
    {
        return Some(lib.text.as_str());
    }
    match shell_invocation(cmd) {
        Some(ShellInvocation::Script(w)) => return Some(w.text.as_str()),
        Some(_) => return None,
        // `bash -n FILE` only checks the syntax.
        None if SHELLS.contains(&cmd.name()) => return None,
        None => {}
    }
    // Installing a package file runs its maintainer scripts; a language package file runs its
    // build or install hooks (`setup.py`, npm lifecycle scripts, gem extensions): `pip install
    // ./x.tar.gz`, `npm i -g ./x.tgz`.
    let language_install = match cmd.name() {
        "pip" | "pip3" | "gem" | "apk" | "brew" => cmd
            .args()
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "install" | "add")),
        "npm" | "pnpm" | "yarn" | "bun" => cmd
            .args()
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "install" | "i" | "add")),
        _ => false,
    };
    let installs = language_install
        || match cmd.name() {
            "dpkg" => cmd
                .args()
                .iter()
                .any(|a| a.text == "-i" || a.text == "--install"),
            "rpm" => cmd
                .args()
                .iter()
                .any(|a| a.text.starts_with("-i") || a.text.starts_with("-U")),
            "apt" | "apt-get" | "yum" | "dnf" | "zypper" | "pacman" | "installer" => true,
            _ => false,
        };
    if installs {
        // The package file itself first (`installer -pkg x.pkg -target /`), else a path.
        let args = cmd.args();
        let package = |a: &&crate::shell::Word| {
            [
                ".deb", ".rpm", ".pkg", ".apk", ".zst", ".xz", ".whl", ".tgz", ".tar.gz", ".gem",
                ".rb",
            ]
            .iter()
            .any(|x| a.text.ends_with(x))
        };
        let found = args
            .iter()
            .rev()
            .find(package)
            .or_else(|| {
                args.iter()
                    .rev()
                    .find(|a| !a.text.starts_with('-') && a.text.contains('/') && a.text != "/")
            })
            .map(|a| a.text.as_str());
        // (`pip install .` is judged below, by the setup script it runs.)
        if found.is_some() || !language_install {
            return found;
        }
    }
    if let Some(file) = loaded_file(cmd) {
        return Some(file);
    }
    // `python3 -m runpy FILE`: the standard library's runner of a file.
    if is_interpreter(cmd.name()) {
        if let Some(rest) = module_args(cmd, "runpy") {
            return rest.first().map(|a| a.text.as_str());
        }
    }
    if is_code_runner(cmd.name()) || matches!(cmd.name(), "source" | ".") {
        return cmd
            .args()
            .iter()
            .find(|a| !a.text.starts_with('-'))
            .map(|a| a.text.as_str());
    }
    if cmd.wrapped_by.is_some() && cmd.invoked_as.is_none() {
        return None;
    }
    cmd.invoked_as.as_deref()
}

/// Programs that load a file they are given and run the code in it without a shell: a Java
/// archive, a kernel module, a Go source file, a Windows program under Wine, a package file
/// pip installs, or the `Makefile` a bare `make` reads.
fn loaded_file(cmd: &Command) -> Option<&str> {
    // A makefile, an awk program, a gdb command file or a vim script named by an option.
    if let Some(file) = program_file_option(cmd) {
        return Some(file);
    }
    let args = cmd.args();
    let operand = |from: usize| {
        args.iter()
            .skip(from)
            .find(|a| !a.text.starts_with('-'))
            .map(|a| a.text.as_str())
    };
    match cmd.name() {
        // `java -jar x.jar`, or a single source file (`java Main.java`).
        "java" => args
            .iter()
            .position(|a| a.text == "-jar")
            .and_then(|i| args.get(i + 1))
            .map(|a| a.text.as_str())
            .or_else(|| operand(0).filter(|f| f.ends_with(".java"))),
        "insmod" | "wine" | "wine64" | "mono" | "wasmtime" | "wasmer" | "Rscript" | "jshell" => {
            operand(0)
        }
        // `deno run -A a.ts`, `bun run x.ts`: the first operand after the subcommand.
        "deno" | "bun" if args.first().is_some_and(|a| a.text == "run") => operand(1),
        "go" if args.first().is_some_and(|a| a.text == "run") => {
            operand(1).filter(|f| f.ends_with(".go"))
        }
        "dotnet" => operand(0).filter(|f| f.ends_with(".dll")),
        "pip" | "pip3" | "uv" | "pipx" => args
            .iter()
            .find(|a| {
                [".whl", ".tar.gz", ".zip", ".tgz"]
                    .iter()
                    .any(|x| a.text.ends_with(x))
                    && !a.text.contains("://")
            })
            .map(|a| a.text.as_str())
            // `pip install .` runs the project's setup.py.
            .or_else(|| {
                args.iter()
                    .any(|a| a.text == "." || a.text == "./")
                    .then_some("setup.py")
            }),
        n if is_code_runner(n) => {
            // `python3 -c "exec(open('/tmp/a.py').read())"`, `node -e 'require("/tmp/m.js")'`,
            // `ruby -e 'load "/tmp/m.rb"'`, `perl -e 'do "/tmp/m.pl"'`: the one-liner runs a file.
            let at = args
                .iter()
                .position(|a| matches!(a.text.as_str(), "-c" | "-e" | "-E" | "-r" | "--eval"))?;
            let code = args.get(at + 1)?.text.as_str();
            file_loader_re()
                .captures(code)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
                // `require("./data.json")` reads data.
                .filter(|p| {
                    ![".json", ".txt", ".csv", ".yaml", ".yml", ".toml"]
                        .iter()
                        .any(|x| p.ends_with(x))
                })
        }
        "make" | "gmake"
            if !args.iter().any(|a| {
                a.text.starts_with("-f") || a.text.starts_with("--file") || a.text.starts_with("-C")
            }) =>
        {
            Some("Makefile")
        }
        _ => None,
    }
}

/// The program file an option names: `make -f FILE`, `awk -f FILE`, `gdb -x FILE`, `vim -S FILE`.
fn program_file_option(cmd: &Command) -> Option<&str> {
    let opts: &[&str] = match cmd.name() {
        "make" | "gmake" => &["-f", "--file", "--makefile"],
        "awk" | "gawk" | "mawk" | "nawk" => &["-f", "--file"],
        "gdb" => &["-x", "--command", "-ix", "--init-command"],
        "vim" | "nvim" | "vi" => &["-S"],
        _ => return None,
    };
    let args = cmd.args();
    args.iter().enumerate().find_map(|(k, a)| {
        let t = a.text.as_str();
        if opts.contains(&t) {
            return args.get(k + 1).map(|v| v.text.as_str());
        }
        // `-fFILE`, `--file=FILE`.
        opts.iter().find_map(|o| {
            let v = t.strip_prefix(o)?;
            let v = if o.starts_with("--") {
                v.strip_prefix('=')?
            } else {
                v
            };
            (!v.is_empty()).then_some(v)
        })
    })
}

/// A call that runs the code of a file named by a literal path, in interpreter one-liners.
fn file_loader_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?:\bexec\(\s*(?:compile\(\s*)?open\(|\bexecfile\(|runpy\.run_path\(|\brequire\(|\bimport\(|\brequire_relative\s*\(?|\bload\s*\(?|\bdo\s*\(?|\binclude(?:_once)?\s*\(?|\bdofile\s*\(?)\s*["']([^"']+)["']"#,
        )
        .expect("static regex")
    })
}

/// Deno's own standard library (`https://deno.land/std@0.224.0/…`), which its documentation
/// runs by address; third-party modules (`deno.land/x/…`) are not it.
fn is_deno_standard_library(url: &str) -> bool {
    url.strip_prefix("https://deno.land/std")
        .is_some_and(|rest| rest.starts_with('@') || rest.starts_with('/'))
        && !url.contains("/../")
}

/// `deno run URL`, `bun run URL`, `npx URL`: code run straight from the network. Only the
/// program itself counts (the first operand, or the value of `--spec`/`--from`/`--package`):
/// a URL after it is the program's own argument (`npx lighthouse https://…`, `deno run
/// main.ts https://…`).
fn url_runner(cmd: &Command) -> Option<&str> {
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    let rest: &[&str] = match cmd.name() {
        "deno" => match args.first() {
            Some(&("run" | "install" | "eval" | "x")) => &args[1..],
            _ => return None,
        },
        "bun" => match args.first() {
            Some(&("run" | "x")) => &args[1..],
            _ => &args,
        },
        "pipx" => &args[args.iter().position(|a| *a == "run")? + 1..],
        // `uv run https://…/script.py` runs a script from the address; `uv tool run` is uvx.
        "uv" => match (args.first(), args.get(1)) {
            (Some(&"run"), _) => &args[1..],
            (Some(&"tool"), Some(&"run")) => &args[2..],
            _ => return None,
        },
        "npx" | "bunx" | "uvx" | "pnpx" | "jbang" => &args,
        // `papermill URL out.ipynb` executes the notebook at the address.
        "papermill" => &args,
        // `java https://…/Main.java`, `jshell URL`, `dotnet script URL`: source run from the address.
        "java" | "jshell" => &args,
        "dotnet" if args.first() == Some(&"script") => &args[1..],
        // `uv run URL` is unwrapped like `uv run CMD`: the program left is the address itself.
        _ => {
            let written = cmd.invoked_as.as_deref()?;
            let remote = written.starts_with("https://") || written.starts_with("http://");
            return (remote && cmd.wrappers.iter().any(|w| w == "uv")).then_some(written);
        }
    };
    // A forge's repository given to a package runner is a source reference (supply warns);
    // deno, bun, `uv run` and jbang run the file at the address itself.
    let script_runner = matches!(
        cmd.name(),
        "deno" | "bun" | "jbang" | "java" | "jshell" | "dotnet" | "papermill"
    ) || (cmd.name() == "uv" && args.first() == Some(&"run"));
    let packages = !script_runner;
    let url = |a: &str| {
        let a = a.strip_prefix("git+").unwrap_or(a);
        (a.starts_with("https://") || a.starts_with("http://"))
            && !(packages && on_forge(a))
            && !(cmd.name() == "deno" && is_deno_standard_library(a))
    };
    program_operands(rest).into_iter().find(|a| url(a))
}

/// The operands of a package runner's command line that name the program it fetches: the
/// values of `--spec`, `--from`, `--package`/`-p` (also `=` forms), and the first operand.
fn program_operands<'a>(args: &[&'a str]) -> Vec<&'a str> {
    const SPEC: &[&str] = &["--spec", "--from", "--package", "-p", "--with"];
    const VALUE: &[&str] = &[
        "-c",
        "--call",
        "--python",
        "--pip-args",
        "--config",
        "--import-map",
        "--cert",
        "--location",
        "--seed",
        "--index-url",
        "--cwd",
        "--shell",
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if let Some((flag, value)) = a.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if SPEC.contains(&flag) {
                out.push(value);
            }
        } else if SPEC.contains(&a) {
            if let Some(v) = args.get(i + 1) {
                out.push(v);
            }
            i += 1;
        } else if VALUE.contains(&a) {
            i += 1;
        } else if a == "--" {
            if let Some(v) = args.get(i + 1) {
                out.push(v);
            }
            break;
        } else if !a.starts_with('-') {
            out.push(a);
            break;
        }
        i += 1;
    }
    out
}

/// A URL on a code forge (a repository reference, judged by the supply-chain rules).
fn on_forge(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':', '@'])
        .next()
        .unwrap_or("");
    ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"].contains(&host)
}

/// Taint of what flows into this command's stdin from earlier pipeline stages.
fn pipeline_taint(script: &Script, cmd: &Command) -> Option<Taint> {
    let pos = cmd.pipes.last()?;
    (0..pos.stage)
        .flat_map(|s| script.stage(pos.pipeline, s))
        .filter_map(|c| {
            command_taint(script, c).or_else(|| is_decoder(c).then_some(Taint::Decoded))
        })
        .max()
        .or_else(|| is_decoder(cmd).then_some(Taint::Decoded))
}

/// The directory a `tar x…` reading its archive from stdin extracts into (`-C DIR`, or the
/// working directory).
fn extraction_dir(cmd: &Command) -> Option<String> {
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    match cmd.name() {
        // `cpio -idm` unpacks its stdin into the working directory (`-D DIR` elsewhere).
        "cpio" => {
            let extracts = args.iter().any(|a| {
                *a == "--extract" || a.starts_with('-') && !a.starts_with("--") && a.contains('i')
            });
            return extracts
                .then(|| value_after(&args, &["-D", "--directory"]).unwrap_or_else(|| ".".into()));
        }
        // `unzip - -d DIR` (busybox reads the archive from stdin).
        "unzip" if args.first() == Some(&"-") => {
            return Some(value_after(&args, &["-d"]).unwrap_or_else(|| ".".into()));
        }
        "tar" | "bsdtar" | "gtar" => {}
        _ => return None,
    }
    let bundle = args.first().filter(|a| !a.starts_with("--"))?;
    let reads_stdin = !bundle.contains('f')
        || (bundle.ends_with('f') && args.get(1) == Some(&"-"))
        || args.windows(2).any(|w| w[0] == "-f" && w[1] == "-");
    if !bundle.contains('x') || !reads_stdin {
        return None;
    }
    // Without -C it unpacks into the working directory.
    Some(
        args.windows(2)
            .find(|w| w[0] == "-C" || w[0] == "--directory")
            .map_or_else(|| ".".to_string(), |w| w[1].to_string()),
    )
}

/// The value after the first of the options `names` (`-C DIR`, `--dir D`).
fn value_after(args: &[&str], names: &[&str]) -> Option<String> {
    args.windows(2)
        .find(|w| names.contains(&w[0]))
        .map(|w| w[1].to_string())
}

/// `gh release download …`: fetches a release's assets to files.
fn is_release_download(cmd: &Command) -> bool {
    let args = cmd.args();
    cmd.name() == "gh"
        && args.first().is_some_and(|a| a.text == "release")
        && args.get(1).is_some_and(|a| a.text == "download")
}

/// Could `path` (relative, with a directory) be inside what `archive` unpacks? Archives
/// conventionally hold one top directory named like the archive (`node-v20.1.0-linux-x64.tar.xz`
/// holds `node-v20.1.0-linux-x64/`, `p.tgz` holds `p/`): the path's first directory and the
/// archive's name share their first word.
fn unpacks_into(archive: &str, path: &str) -> bool {
    let base = archive.rsplit('/').next().unwrap_or(archive);
    let first_word = |s: &str| {
        s.split(['-', '_', '.'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let top = path.split('/').next().unwrap_or("");
    // An archive named by a variable or a substitution: anything may be inside.
    base.contains('$') || !top.is_empty() && first_word(base) == first_word(top)
}

/// `tar x… -f ARCHIVE -C DIR`, `unzip ARCHIVE -d DIR`: (archive, directory).
fn extraction(cmd: &Command) -> Option<(String, String)> {
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    let value = |names: &[&str]| value_after(&args, names);
    match cmd.name() {
        "tar" | "bsdtar" | "gtar" => {
            let bundle = args.first().filter(|a| !a.starts_with("--"))?;
            // `x` extracts; `O`/`--to-stdout` prints the members instead of writing them.
            if !bundle.contains('x') || bundle.contains('O') || args.contains(&"--to-stdout") {
                return None;
            }
            let archive = value(&["-f", "--file"]).or_else(|| {
                bundle
                    .ends_with('f')
                    .then(|| args.get(1).map(|s| s.to_string()))
                    .flatten()
            })?;
            // Without -C the archive unpacks into the working directory.
            let dir = value(&["-C", "--directory"]).unwrap_or_else(|| ".".into());
            Some((archive, dir))
        }
        "unzip" if !args.contains(&"-p") => {
            // The archive is the first operand; `-d DIR`, `-P PASSWORD`, `-x NAMES` take values.
            let archive = args
                .iter()
                .enumerate()
                .find(|&(k, a)| {
                    !a.starts_with('-') && (k == 0 || !matches!(args[k - 1], "-d" | "-P" | "-x"))
                })?
                .1
                .to_string();
            Some((archive, value(&["-d"]).unwrap_or_else(|| ".".into())))
        }
        // `7z x ARCHIVE [-oDIR]`.
        "7z" | "7za" | "7zz" | "7zr" if args.first().is_some_and(|a| *a == "x" || *a == "e") => {
            let archive = args
                .iter()
                .skip(1)
                .find(|a| !a.starts_with('-'))?
                .to_string();
            let dir = args
                .iter()
                .find_map(|a| a.strip_prefix("-o").filter(|d| !d.is_empty()))
                .unwrap_or(".");
            Some((archive, dir.to_string()))
        }
        // `unrar x ARCHIVE [DIR]`.
        "unrar" if args.first().is_some_and(|a| *a == "x" || *a == "e") => {
            let mut operands = args.iter().skip(1).filter(|a| !a.starts_with('-'));
            let archive = operands.next()?.to_string();
            Some((
                archive,
                operands.next().map_or(".".into(), |d| d.to_string()),
            ))
        }
        // `python3 -m zipfile -e ARCHIVE DIR`, `python3 -m tarfile -e ARCHIVE DIR`.
        n if n.starts_with("python") => match args.as_slice() {
            ["-m", "zipfile" | "tarfile", "-e" | "--extract", archive, dir, ..] => {
                Some((archive.to_string(), dir.to_string()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `tar --to-command=CMD` where CMD runs its input as code (`sh`, `bash -s`, `python3 -`): each
/// member of the archive is a program run.
fn member_runs_code(cmd: &Command) -> bool {
    if !matches!(cmd.name(), "tar" | "gtar") {
        return false;
    }
    let args = cmd.args();
    let value = args.iter().enumerate().find_map(|(k, a)| {
        a.text
            .strip_prefix("--to-command=")
            .map(str::to_string)
            .or_else(|| {
                (a.text == "--to-command")
                    .then(|| args.get(k + 1).map(|v| v.text.clone()))
                    .flatten()
            })
    });
    let Some(value) = value else {
        return false;
    };
    let mut words = value
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']));
    let program = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    let reads_code = |flags: &[&str]| rest.iter().all(|w| flags.contains(w));
    SHELLS.contains(&program) && reads_code(&["-s", "-", "-e", "-x", "-u"])
        || is_code_runner(program) && reads_code(&["-", "-u"])
}

/// `make -C DIR …`: the makefile of that directory is what runs.
fn made_in(cmd: &Command) -> Option<String> {
    if !matches!(cmd.name(), "make" | "gmake") {
        return None;
    }
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    let dir = value_after(&args, &["-C", "--directory"]).or_else(|| {
        args.iter().find_map(|a| {
            a.strip_prefix("-C")
                .filter(|d| !d.is_empty())
                .map(str::to_string)
        })
    })?;
    Some(format!("{}/Makefile", dir.trim_end_matches('/')))
}

/// `git clone [OPTIONS] REPO [DIR]`: the repository's host (`https://HOST/…`, `USER@HOST:…`)
/// and the directory the checkout is written to (by default the repository's last path segment
/// without `.git`).
fn git_clone(cmd: &Command) -> Option<(Option<String>, String)> {
    if cmd.name() != "git" {
        return None;
    }
    let args = cmd.args();
    let sub = crate::shell::options::git_subcommand_index(args)?;
    if args[sub].text != "clone" {
        return None;
    }
    const VALUED: &[&str] = &[
        "-b",
        "--branch",
        "-o",
        "--origin",
        "--depth",
        "-c",
        "--config",
        "--reference",
        "--separate-git-dir",
        "-j",
        "--jobs",
        "--filter",
        "-u",
        "--upload-pack",
        "--template",
        "--shallow-since",
        "--shallow-exclude",
        "--bundle-uri",
        "--server-option",
    ];
    let mut operands = Vec::new();
    let mut k = sub + 1;
    while let Some(w) = args.get(k) {
        let t = w.text.as_str();
        if VALUED.contains(&t) {
            k += 1;
        } else if t == "--" {
            operands.extend(args[k + 1..].iter().map(|w| w.text.as_str()));
            break;
        } else if !t.starts_with('-') {
            operands.push(t);
        }
        k += 1;
    }
    let repo = *operands.first()?;
    let host = match repo.split_once("://") {
        Some((_, rest)) => rest.split(['/', ':']).next(),
        None => repo.split_once(':').map(|(h, _)| h),
    }
    .map(|h| h.rsplit('@').next().unwrap_or(h).to_ascii_lowercase())
    .filter(|h| !h.is_empty());
    let dir = match operands.get(1) {
        Some(d) => d.to_string(),
        None => {
            let last = repo.trim_end_matches('/').rsplit(['/', ':']).next()?;
            last.strip_suffix(".git").unwrap_or(last).to_string()
        }
    };
    Some((host, dir))
}

/// The standard way a checkout is built rather than an installer of its author's: autotools'
/// `configure`/`autogen.sh`/`bootstrap`, the Gradle and Maven wrappers, Rust's `x.py`.
fn is_build_entry_point(target: &str) -> bool {
    let base = target.rsplit('/').next().unwrap_or(target);
    matches!(
        base,
        "configure"
            | "autogen.sh"
            | "bootstrap"
            | "bootstrap.sh"
            | "gradlew"
            | "mvnw"
            | "x.py"
            | "x"
    )
}

/// A shell script (`*.sh`, or any file a shell is told to run) named without a directory and
/// handed to a shell: `bash install.sh`, `sh setup.sh`.
fn is_shell_script_run(cmd: &Command, target: &str) -> bool {
    !target.contains('/') && matches!(shell_invocation(cmd), Some(ShellInvocation::Script(_)))
        || matches!(cmd.name(), "source" | ".") && !target.contains('/') && target.ends_with(".sh")
}

/// Files and directories a fetch command writes.
fn download_targets(cmd: &Command) -> (Vec<String>, Vec<String>) {
    let args = cmd.args();
    let mut files = Vec::new();
    // `lwp-download URL FILE`.
    if cmd.name() == "lwp-download" {
        if let [_, file] = args
            .iter()
            .filter(|a| !a.text.starts_with('-'))
            .collect::<Vec<_>>()[..]
        {
            files.push(file.text.clone());
        }
    }
    let mut dirs = Vec::new();
    // `gh release download TAG -p NAME [-D DIR]` / `-O FILE`: the release assets.
    if is_release_download(cmd) {
        let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
        let dir = value_after(&texts, &["-D", "--dir"]);
        if let Some(f) = value_after(&texts, &["-O", "--output"]).filter(|f| f != "-") {
            files.push(f);
        } else if let Some(p) = value_after(&texts, &["-p", "--pattern"]) {
            match (&dir, p.contains(['*', '?', '['])) {
                (Some(d), false) => files.push(format!("{}/{p}", d.trim_end_matches('/'))),
                (None, false) => files.push(p),
                (Some(d), true) => dirs.push(d.clone()),
                (None, true) => dirs.push(".".into()),
            }
        } else {
            dirs.push(dir.unwrap_or_else(|| ".".into()));
        }
        return (files, dirs);
    }
    // httpie's `--download` and FreeBSD's `fetch` save under the URL's last name; their URLs
    // may have no scheme (`https --download get.example.io/setup.sh`).
    let httpie_download = matches!(cmd.name(), "http" | "https" | "xh" | "xhs")
        && args
            .iter()
            .any(|a| a.text == "--download" || a.text == "-d");
    let url_base = args
        .iter()
        .find(|a| a.text.contains("://"))
        .or_else(|| {
            (httpie_download || cmd.name() == "fetch").then(|| {
                args.iter().find(|a| {
                    !a.text.starts_with('-') && a.text.contains('.') && a.text.contains('/')
                })
            })?
        })
        .and_then(|u| u.text.rsplit('/').next())
        .filter(|b| !b.is_empty())
        .map(|b| b.split('?').next().unwrap_or(b).to_string());
    let curl = cmd.name() == "curl";
    let mut remote_name =
        matches!(cmd.name(), "wget" | "wget2" | "fetch" | "aria2c") || httpie_download;
    let mut dir: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        let next = args.get(i + 1).map(|w| w.text.clone());
        let short = t.len() > 1 && t.starts_with('-') && !t.starts_with("--");
        let bundle = if short { &t[1..] } else { "" };
        if let Some(v) = t
            .strip_prefix("--output=")
            .or_else(|| t.strip_prefix("--output-document="))
        {
            files.push(v.to_string());
            remote_name = false;
        } else if let Some(v) = t
            .strip_prefix("--output-dir=")
            .or_else(|| t.strip_prefix("--directory-prefix="))
        {
            dir = Some(v.to_string());
        } else if matches!(t, "--output" | "--output-document") {
            files.extend(next);
            remote_name = false;
            i += 1;
        } else if matches!(t, "--output-dir" | "--directory-prefix") {
            dir = next;
            i += 1;
        } else if t == "--remote-name" || t == "--remote-name-all" {
            remote_name = true;
        } else if short && bundle.chars().all(|c| c.is_ascii_alphanumeric()) {
            // Bundled short options: the last one may take the next argument.
            let last = bundle.chars().last().unwrap_or(' ');
            let (file_opt, dir_opt) = match cmd.name() {
                "curl" => ('o', ' '),
                "wget" | "wget2" => ('O', 'P'),
                "aria2c" => ('o', 'd'),
                _ => ('o', ' '),
            };
            if curl && bundle.contains('O') {
                remote_name = true;
            }
            if last == file_opt {
                if next.as_deref() != Some("-") {
                    files.extend(next.clone());
                }
                remote_name = false;
                i += 1;
            } else if last == dir_opt {
                dir = next;
                i += 1;
            }
        }
        i += 1;
    }
    if remote_name {
        if let Some(b) = url_base {
            match &dir {
                Some(d) => files.push(format!("{}/{b}", d.trim_end_matches('/'))),
                None => files.push(b),
            }
        }
    } else if let Some(d) = dir {
        dirs.push(d);
    }
    files.extend(
        cmd.redirects
            .iter()
            .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1)
            .map(|r| r.target.text.clone()),
    );
    (files, dirs)
}

/// The same path as written twice: `./f` and `f`, `$HOME/f`, `${HOME}/f` and `~/f`.
fn same_file(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim_start_matches("./");
        match s
            .strip_prefix("$HOME")
            .or_else(|| s.strip_prefix("${HOME}"))
            .filter(|r| r.is_empty() || r.starts_with('/'))
        {
            Some(rest) => format!("~{rest}"),
            None => s.to_string(),
        }
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_path_written_two_ways_is_one_file() {
        assert!(same_file("$HOME/i.sh", "~/i.sh"));
        assert!(same_file("${HOME}/bin/x", "~/bin/x"));
        assert!(same_file("./i.sh", "i.sh"));
        assert!(!same_file("$HOMEX/i.sh", "~/i.sh"));
        assert!(!same_file("/tmp/a", "/tmp/b"));
    }

    #[test]
    fn program_files_named_by_options() {
        let cmd = |s: &str| crate::shell::analyze(s).commands.remove(0);
        let c = cmd("make -f build.mk install");
        assert_eq!(program_file_option(&c), Some("build.mk"));
        let c = cmd("gawk --file=t.awk /etc/passwd");
        assert_eq!(program_file_option(&c), Some("t.awk"));
        let c = cmd("gdb -batch -x /tmp/g");
        assert_eq!(program_file_option(&c), Some("/tmp/g"));
        let c = cmd("vim -S /tmp/x.vim -c q");
        assert_eq!(program_file_option(&c), Some("/tmp/x.vim"));
        assert_eq!(program_file_option(&cmd("make -j4")), None);
        assert_eq!(program_file_option(&cmd("awk '{print $1}' f")), None);
    }
}
