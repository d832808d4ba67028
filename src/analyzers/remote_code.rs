//! Remote and decoded code: content fetched from the network or decoded from an opaque blob that
//! flows into something that executes it — through a pipe, a process or command substitution, a
//! here-string, `sh -c`, `eval`, or a file downloaded and then run.

use super::vocab::{executes_stdin, is_code_runner, is_decoder, is_fetcher};
use super::Hit;
use crate::shell::ir::{Command, Script, SubstKind, Word};
use crate::shell::nested::{shell_invocation, ShellInvocation};

/// What a source of data is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Taint {
    Decoded,
    Fetched,
}

/// Run the analyzer.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    pipes_into_interpreters(script, &mut hits);
    substitutions_into_code(script, &mut hits);
    download_then_run(script, &mut hits);
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
    if matches!(cmd.name(), "echo" | "printf" | "cat" | "tee") || cmd.stdin_text.is_some() {
        return from_words;
    }
    None
}

/// Taint carried by a word through its substitutions.
fn word_taint(script: &Script, w: &Word) -> Option<Taint> {
    w.subs.iter().filter_map(|&s| subst_taint(script, s)).max()
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

fn rule_for(t: Taint, fetched: &'static str) -> &'static str {
    match t {
        Taint::Fetched => fetched,
        Taint::Decoded => "remote.decode-to-shell",
    }
}

/// `curl … | sh`, `base64 -d | bash`, with any stages in between.
fn pipes_into_interpreters(script: &Script, hits: &mut Vec<Hit>) {
    for (pid, pipeline) in script.pipelines.iter().enumerate() {
        let mut upstream: Vec<Taint> = Vec::new();
        for stage in 0..pipeline.stages {
            let cmds: Vec<&Command> = script.stage(pid, stage).collect();
            if !upstream.is_empty() {
                if let Some(sink) = cmds.iter().find(|c| executes_stdin(c)) {
                    for &t in &upstream {
                        hits.push(Hit {
                            rule_id: rule_for(t, "remote.pipe-to-shell"),
                            span: pipeline.span,
                            detail: Some(format!(
                                "{} output is piped into `{}`",
                                if t == Taint::Fetched {
                                    "downloaded"
                                } else {
                                    "decoded"
                                },
                                sink.name()
                            )),
                        });
                    }
                    break;
                }
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
                        if t == Taint::Fetched {
                            "downloaded"
                        } else {
                            "decoded"
                        },
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
        Some(ShellInvocation::Stdin) => {
            out.extend(cmd.stdin_text.iter());
            out.extend(
                cmd.redirects
                    .iter()
                    .filter(|r| r.op == "<")
                    .map(|r| &r.target),
            );
        }
        None => {}
    }
    match cmd.name() {
        "eval" | "source" | "." => out.extend(cmd.args()),
        name if is_code_runner(name) && shell_invocation(cmd).is_none() => {
            // Interpreters: inline code and script-file arguments, stdin when it reads code.
            out.extend(cmd.args().iter().filter(|a| !a.subs.is_empty()));
            if executes_stdin(cmd) {
                out.extend(cmd.stdin_text.iter());
                out.extend(
                    cmd.redirects
                        .iter()
                        .filter(|r| r.op == "<")
                        .map(|r| &r.target),
                );
            }
        }
        _ => {}
    }
    out
}

/// `curl -o x.sh URL && sh x.sh`, `wget URL; bash install.sh`, `curl -O …/i.sh; chmod +x i.sh; ./i.sh`.
fn download_then_run(script: &Script, hits: &mut Vec<Hit>) {
    let mut downloaded: Vec<(String, usize)> = Vec::new();
    for (i, cmd) in script.commands.iter().enumerate() {
        if is_fetcher(cmd) {
            downloaded.extend(download_targets(cmd).into_iter().map(|f| (f, i)));
            continue;
        }
        if downloaded.is_empty() {
            continue;
        }
        let run_target: Option<&str> = match shell_invocation(cmd) {
            Some(ShellInvocation::Script(w)) => Some(w.text.as_str()),
            _ if is_code_runner(cmd.name()) => cmd
                .args()
                .iter()
                .find(|a| !a.text.starts_with('-'))
                .map(|a| a.text.as_str()),
            _ => cmd
                .wrapped_by
                .is_none()
                .then(|| script_path_of(cmd))
                .flatten(),
        };
        let Some(target) = run_target else { continue };
        if let Some((_, from)) = downloaded.iter().find(|(f, _)| same_file(f, target)) {
            let start = script.commands[*from].span.0.min(cmd.span.0);
            let end = script.commands[*from].span.1.max(cmd.span.1);
            hits.push(Hit {
                rule_id: "remote.download-exec",
                span: (start, end),
                detail: Some(format!("`{target}` is downloaded and then executed")),
            });
        }
    }
}

/// When a command's name is itself a path (`./install.sh`), that path.
fn script_path_of(cmd: &Command) -> Option<&str> {
    None.or_else(|| {
        let raw = cmd.argv.first()?;
        (raw.text.ends_with(".sh") || raw.text.ends_with(".py")).then_some(raw.text.as_str())
    })
}

/// Files a fetch command writes.
fn download_targets(cmd: &Command) -> Vec<String> {
    let args = cmd.args();
    let mut out = Vec::new();
    let url_base = args
        .iter()
        .find(|a| a.text.contains("://"))
        .and_then(|u| u.text.rsplit('/').next())
        .filter(|b| !b.is_empty())
        .map(|b| b.split('?').next().unwrap_or(b).to_string());
    let mut remote_name = cmd.name() == "wget";
    for (i, a) in args.iter().enumerate() {
        let t = a.text.as_str();
        match t {
            "-o" | "--output" | "-O" | "--output-document" if cmd.name() != "curl" || t != "-O" => {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.text.clone());
                }
                remote_name = false;
            }
            "-O" | "--remote-name" => remote_name = true,
            _ => {
                if let Some(v) = t
                    .strip_prefix("--output=")
                    .or_else(|| t.strip_prefix("--output-document="))
                {
                    out.push(v.to_string());
                    remote_name = false;
                }
            }
        }
    }
    if remote_name {
        out.extend(url_base);
    }
    out.extend(
        cmd.redirects
            .iter()
            .filter(|r| r.writes() && r.fd.unwrap_or(1) == 1)
            .map(|r| r.target.text.clone()),
    );
    out
}

fn same_file(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches("./").to_string();
    norm(a) == norm(b)
}
