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

/// The full option an abbreviated `--PREFIX[=VALUE]` argument of `program` stands for, or
/// `None` when it is not an abbreviation (already complete, ambiguous, unknown, or a program
/// without a list).
pub fn expand(program: &str, arg: &str) -> Option<String> {
    let (_, options) = LONG_OPTIONS.iter().find(|(p, _)| *p == program)?;
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

#[cfg(test)]
mod tests {
    use super::expand;

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
