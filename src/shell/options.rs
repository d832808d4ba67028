//! GNU long-option abbreviations: `getopt_long` accepts any unambiguous prefix of a long option
//! (`rm --rec --forc /` is `rm --recursive --force /`), so the canonical command spells each one
//! out before rules and analyzers look at it.

/// The complete long-option lists of programs whose options decide a verdict (coreutils and
/// util-linux manuals). A list must be complete: an abbreviation is expanded only when exactly
/// one option of the program starts with it, as `getopt_long` does.
const LONG_OPTIONS: &[(&str, &[&str])] = &[
    (
        "rm",
        &[
            "force",
            "interactive",
            "one-file-system",
            "no-preserve-root",
            "preserve-root",
            "recursive",
            "dir",
            "verbose",
            "help",
            "version",
        ],
    ),
    (
        "rmdir",
        &[
            "ignore-fail-on-non-empty",
            "parents",
            "verbose",
            "help",
            "version",
        ],
    ),
    (
        "chmod",
        &[
            "changes",
            "no-preserve-root",
            "preserve-root",
            "quiet",
            "silent",
            "verbose",
            "reference",
            "recursive",
            "help",
            "version",
        ],
    ),
    (
        "chown",
        &[
            "changes",
            "dereference",
            "no-dereference",
            "from",
            "no-preserve-root",
            "preserve-root",
            "quiet",
            "silent",
            "reference",
            "verbose",
            "recursive",
            "help",
            "version",
        ],
    ),
    (
        "chgrp",
        &[
            "changes",
            "dereference",
            "no-dereference",
            "no-preserve-root",
            "preserve-root",
            "quiet",
            "silent",
            "reference",
            "verbose",
            "recursive",
            "help",
            "version",
        ],
    ),
    (
        "shred",
        &[
            "force",
            "iterations",
            "random-source",
            "size",
            "remove",
            "verbose",
            "exact",
            "zero",
            "help",
            "version",
        ],
    ),
    (
        "wipefs",
        &[
            "all",
            "backup",
            "force",
            "noheadings",
            "json",
            "lock",
            "no-act",
            "offset",
            "output",
            "parsable",
            "quiet",
            "types",
            "help",
            "version",
        ],
    ),
    (
        "truncate",
        &[
            "no-create",
            "io-blocks",
            "reference",
            "size",
            "help",
            "version",
        ],
    ),
    (
        "setfacl",
        &[
            "modify",
            "remove",
            "set",
            "modify-file",
            "remove-file",
            "set-file",
            "remove-all",
            "remove-default",
            "default",
            "no-mask",
            "mask",
            "recursive",
            "logical",
            "physical",
            "restore",
            "test",
            "version",
            "help",
        ],
    ),
    (
        "sed",
        &[
            "quiet",
            "silent",
            "debug",
            "expression",
            "file",
            "follow-symlinks",
            "in-place",
            "line-length",
            "null-data",
            "zero-terminated",
            "posix",
            "regexp-extended",
            "separate",
            "sandbox",
            "unbuffered",
            "binary",
            "help",
            "version",
        ],
    ),
    (
        "xargs",
        &[
            "null",
            "arg-file",
            "delimiter",
            "eof",
            "replace",
            "max-lines",
            "max-args",
            "max-procs",
            "interactive",
            "process-slot-var",
            "no-run-if-empty",
            "max-chars",
            "show-limits",
            "verbose",
            "exit",
            "open-tty",
            "help",
            "version",
        ],
    ),
];

/// git's subcommands parse options the same way (`git push --del origin main` is `--delete`).
/// The lists are the subcommands' complete long options, negated forms included, so that an
/// ambiguous prefix (`git push --forc`: force, force-with-lease, force-if-includes) stays as it is.
const GIT_LONG_OPTIONS: &[(&str, &[&str])] = &[
    (
        "push",
        &[
            "all",
            "branches",
            "mirror",
            "tags",
            "no-tags",
            "follow-tags",
            "no-follow-tags",
            "atomic",
            "no-atomic",
            "dry-run",
            "porcelain",
            "delete",
            "prune",
            "verbose",
            "quiet",
            "repo",
            "set-upstream",
            "progress",
            "no-progress",
            "receive-pack",
            "exec",
            "force-with-lease",
            "no-force-with-lease",
            "force-if-includes",
            "no-force-if-includes",
            "force",
            "no-force",
            "recurse-submodules",
            "no-recurse-submodules",
            "thin",
            "no-thin",
            "signed",
            "no-signed",
            "push-option",
            "ipv4",
            "ipv6",
            "verify",
            "no-verify",
        ],
    ),
    (
        "reset",
        &[
            "mixed",
            "soft",
            "hard",
            "merge",
            "keep",
            "quiet",
            "no-quiet",
            "refresh",
            "no-refresh",
            "recurse-submodules",
            "no-recurse-submodules",
            "patch",
            "intent-to-add",
            "pathspec-from-file",
            "pathspec-file-nul",
        ],
    ),
    (
        "checkout",
        &[
            "quiet",
            "progress",
            "no-progress",
            "force",
            "ours",
            "theirs",
            "track",
            "no-track",
            "guess",
            "no-guess",
            "detach",
            "orphan",
            "ignore-skip-worktree-bits",
            "merge",
            "conflict",
            "patch",
            "ignore-other-worktrees",
            "overwrite-ignore",
            "no-overwrite-ignore",
            "recurse-submodules",
            "no-recurse-submodules",
            "overlay",
            "no-overlay",
            "pathspec-from-file",
            "pathspec-file-nul",
        ],
    ),
    (
        "switch",
        &[
            "create",
            "force-create",
            "detach",
            "guess",
            "no-guess",
            "discard-changes",
            "force",
            "merge",
            "conflict",
            "quiet",
            "progress",
            "no-progress",
            "track",
            "no-track",
            "orphan",
            "ignore-other-worktrees",
            "recurse-submodules",
            "no-recurse-submodules",
        ],
    ),
    (
        "restore",
        &[
            "source",
            "staged",
            "worktree",
            "ignore-unmerged",
            "overlay",
            "no-overlay",
            "quiet",
            "recurse-submodules",
            "no-recurse-submodules",
            "progress",
            "no-progress",
            "merge",
            "conflict",
            "ours",
            "theirs",
            "patch",
            "ignore-skip-worktree-bits",
            "pathspec-from-file",
            "pathspec-file-nul",
        ],
    ),
    (
        "clean",
        &["quiet", "dry-run", "force", "interactive", "exclude"],
    ),
    (
        "branch",
        &[
            "delete",
            "create-reflog",
            "force",
            "move",
            "copy",
            "color",
            "no-color",
            "list",
            "show-current",
            "verbose",
            "quiet",
            "abbrev",
            "no-abbrev",
            "column",
            "no-column",
            "sort",
            "merged",
            "no-merged",
            "contains",
            "no-contains",
            "points-at",
            "format",
            "remotes",
            "all",
            "edit-description",
            "track",
            "no-track",
            "set-upstream-to",
            "unset-upstream",
            "ignore-case",
            "omit-empty",
            "recurse-submodules",
        ],
    ),
    (
        "worktree",
        &[
            "force",
            "detach",
            "checkout",
            "no-checkout",
            "guess-remote",
            "no-guess-remote",
            "track",
            "no-track",
            "lock",
            "reason",
            "orphan",
            "quiet",
            "verbose",
            "porcelain",
            "expire",
            "dry-run",
            "relative-paths",
            "no-relative-paths",
            "z",
        ],
    ),
    (
        "reflog",
        &[
            "expire",
            "expire-unreachable",
            "all",
            "single-worktree",
            "rewrite",
            "updateref",
            "stale-fix",
            "dry-run",
            "verbose",
        ],
    ),
];

/// The full option an abbreviated `--PREFIX[=VALUE]` argument of `program` stands for, or
/// `None` when it is not an abbreviation (already complete, ambiguous, unknown, or a program
/// without a list).
pub fn expand(program: &str, arg: &str) -> Option<String> {
    let (_, options) = LONG_OPTIONS.iter().find(|(p, _)| *p == program)?;
    expand_in(options, arg)
}

/// The full option an abbreviated `--PREFIX[=VALUE]` stands for among `options`.
fn expand_in(options: &[&str], arg: &str) -> Option<String> {
    let body = arg.strip_prefix("--")?;
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    if name.is_empty() || options.contains(&name) {
        return None;
    }
    let mut hits = options.iter().filter(|o| o.starts_with(name));
    let full = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(match value {
        Some(v) => format!("--{full}={v}"),
        None => format!("--{full}"),
    })
}

/// Spell out abbreviated long options of a command (before `--`).
pub(crate) fn expand_all(argv: &mut [super::Word]) {
    let Some((first, rest)) = argv.split_first_mut() else {
        return;
    };
    if first.text == "git" {
        expand_git(rest);
        return;
    }
    if first.text == "wget" {
        expand_wget_execute(rest);
    }
    if !LONG_OPTIONS.iter().any(|(p, _)| *p == first.text) {
        return;
    }
    for w in rest {
        if w.text == "--" {
            break;
        }
        if let Some(full) = expand(&first.text, &w.text) {
            w.text = full;
        }
    }
}

/// `cp -t DIR SRC…`, `mv --target-directory=DIR SRC`, `install -t DIR SRC`: the destination
/// written last, as the usual spelling has it: `DIR/NAME` for one source (the file written),
/// `DIR` for several. Rules and analyzers then read the destination as the last argument.
pub(crate) fn target_directory_last(argv: &mut Vec<super::Word>) {
    if !argv.first().is_some_and(|n| {
        matches!(
            n.text.as_str(),
            "cp" | "mv" | "install" | "ln" | "gcp" | "gmv"
        )
    }) {
        return;
    }
    let mut dir: Option<(usize, usize, String)> = None;
    for (i, w) in argv.iter().enumerate().skip(1) {
        let t = w.text.as_str();
        if t == "--" {
            break;
        }
        if t == "-t" || t == "--target-directory" {
            if let Some(v) = argv.get(i + 1) {
                dir = Some((i, 2, v.text.clone()));
            }
            break;
        }
        if let Some(v) = t.strip_prefix("--target-directory=").or_else(|| {
            t.strip_prefix("-t")
                .filter(|v| !v.is_empty() && !t.starts_with("--"))
        }) {
            dir = Some((i, 1, v.to_string()));
            break;
        }
    }
    let Some((at, len, dir)) = dir else {
        return;
    };
    let template = argv[at].clone();
    argv.drain(at..at + len);
    let sources: Vec<&str> = argv
        .iter()
        .skip(1)
        .map(|w| w.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let dest = match sources.as_slice() {
        [one] => format!(
            "{}/{}",
            dir.trim_end_matches('/'),
            one.trim_end_matches('/').rsplit('/').next().unwrap_or(one)
        ),
        _ => dir,
    };
    argv.push(super::Word {
        text: dest,
        ..template
    });
}

/// `wget -e 'output_document = F'` (a wgetrc command) is `wget --output-document F`: the
/// commands that name what wget writes or sends are written as the options they stand for.
fn expand_wget_execute(args: &mut [super::Word]) {
    const COMMANDS: &[(&str, &str)] = &[
        ("outputdocument", "--output-document"),
        ("postfile", "--post-file"),
        ("postdata", "--post-data"),
        ("bodyfile", "--body-file"),
        ("bodydata", "--body-data"),
        ("dirprefix", "--directory-prefix"),
        ("input", "--input-file"),
        ("header", "--header"),
        ("useaskpass", "--use-askpass"),
    ];
    let option = |cmd: &str| -> Option<(&'static str, String)> {
        let (name, value) = cmd.split_once('=')?;
        let key: String = name
            .trim()
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let (_, long) = COMMANDS.iter().find(|(k, _)| *k == key)?;
        Some((long, value.trim().to_string()))
    };
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.clone();
        if t == "-e" || t == "--execute" {
            if let Some((long, value)) = args.get(i + 1).and_then(|v| option(&v.text)) {
                args[i].text = long.to_string();
                args[i + 1].text = value;
            }
            i += 2;
            continue;
        }
        let inline = t
            .strip_prefix("--execute=")
            .or_else(|| t.strip_prefix("-e"));
        if let Some((long, value)) = inline.and_then(option) {
            args[i].text = format!("{long}={value}");
        }
        i += 1;
    }
}

/// Whether git's own option `opt` (before the subcommand) takes the next word as its value.
pub(crate) fn git_global_takes_value(opt: &str) -> bool {
    matches!(
        opt,
        "-C" | "-c"
            | "--git-dir"
            | "--work-tree"
            | "--namespace"
            | "--config-env"
            | "--super-prefix"
    )
}

/// Index of the git subcommand in `args` (the words after `git`): past git's own options.
pub(crate) fn git_subcommand_index(args: &[super::Word]) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        if git_global_takes_value(t) {
            i += 2;
        } else if t.starts_with('-') {
            i += 1;
        } else {
            return Some(i);
        }
    }
    None
}

/// Spell out abbreviated long options of a git subcommand: `args` follow `git`, and git's own
/// options (`-C DIR`, `-c KEY=VALUE`, `--git-dir=…`) come before the subcommand.
fn expand_git(args: &mut [super::Word]) {
    let Some(i) = git_subcommand_index(args) else {
        return;
    };
    let Some((sub, rest)) = args.get_mut(i..).and_then(|a| a.split_first_mut()) else {
        return;
    };
    let Some((_, options)) = GIT_LONG_OPTIONS.iter().find(|(p, _)| *p == sub.text) else {
        return;
    };
    for w in rest {
        if w.text == "--" {
            break;
        }
        if let Some(full) = expand_in(options, &w.text) {
            w.text = full;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{expand, expand_git};
    use crate::shell::Word;

    fn git(args: &[&str]) -> Vec<String> {
        let mut words: Vec<Word> = args.iter().map(|a| Word::literal(*a, (0, 0))).collect();
        expand_git(&mut words);
        words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn git_subcommand_prefixes_expand_when_unambiguous() {
        assert_eq!(git(&["push", "--del", "origin", "main"])[1], "--delete");
        assert_eq!(git(&["-C", "x", "push", "--mirr", "o"])[3], "--mirror");
        assert_eq!(git(&["reset", "--har", "HEAD~2"])[1], "--hard");
        assert_eq!(git(&["checkout", "--forc", "main"])[1], "--force");
        assert_eq!(
            git(&["switch", "--discard", "main"])[1],
            "--discard-changes"
        );
        assert_eq!(git(&["clean", "--forc", "-dx"])[1], "--force");
        // Ambiguous in git itself: left alone (git refuses to run it).
        assert_eq!(git(&["push", "--forc", "origin"])[1], "--forc");
        assert_eq!(git(&["switch", "--forc", "main"])[1], "--forc");
        // Not options of that subcommand, or after `--`.
        assert_eq!(git(&["log", "--har"])[1], "--har");
        assert_eq!(git(&["checkout", "--", "--forc"])[2], "--forc");
    }

    #[test]
    fn unambiguous_prefixes_expand() {
        assert_eq!(expand("rm", "--rec").as_deref(), Some("--recursive"));
        assert_eq!(expand("rm", "--forc").as_deref(), Some("--force"));
        assert_eq!(
            expand("rm", "--no-pres").as_deref(),
            Some("--no-preserve-root")
        );
        assert_eq!(expand("wipefs", "--al").as_deref(), Some("--all"));
        assert_eq!(
            expand("sed", "--expr=s/a/b/").as_deref(),
            Some("--expression=s/a/b/")
        );
        assert_eq!(expand("chmod", "--recur").as_deref(), Some("--recursive"));
    }

    #[test]
    fn complete_ambiguous_and_unknown_options_stay() {
        assert_eq!(expand("rm", "--recursive"), None);
        // For chmod `--re` is --reference or --recursive: getopt_long refuses it.
        assert_eq!(expand("chmod", "--re"), None);
        assert_eq!(expand("rm", "--bogus"), None);
        assert_eq!(expand("ls", "--rec"), None);
        assert_eq!(expand("rm", "-rf"), None);
        assert_eq!(expand("sed", "--s"), None);
    }
}

#[cfg(test)]
mod target_directory_tests {
    #[test]
    fn the_target_directory_is_written_last() {
        let argv = |line: &str| -> Vec<String> {
            crate::shell::analyze(line).commands[0]
                .argv
                .iter()
                .map(|w| w.text.clone())
                .collect()
        };
        assert_eq!(
            argv("cp -t /etc /tmp/passwd"),
            ["cp", "/tmp/passwd", "/etc/passwd"]
        );
        assert_eq!(
            argv("mv --target-directory=/etc/sudoers.d x"),
            ["mv", "x", "/etc/sudoers.d/x"]
        );
        assert_eq!(argv("cp -t dist a.js b.js"), ["cp", "a.js", "b.js", "dist"]);
        assert_eq!(argv("cp a b"), ["cp", "a", "b"]);
    }
}
