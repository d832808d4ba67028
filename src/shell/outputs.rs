//! Options that name the file a program writes its output to (`sort -o FILE`, `find -fprint
//! FILE`): read as an output redirection of the command, so every rule about writing a file
//! (`~/.ssh/authorized_keys`, `~/.bashrc`, `/etc/cron.d/…`) sees them. `gpg -o` and `openssl
//! -out` are left out: they write keyrings and certificates into system directories every day.

use super::ir::{Redirect, Word};

/// How one program names its output file.
struct OutputOption {
    /// Canonical program names.
    programs: &'static [&'static str],
    /// The option words whose next argument (or `=VALUE`, or attached value for a one-letter
    /// option) is the file.
    options: &'static [&'static str],
    /// The file takes the place of standard output (`sort -o`); otherwise it is written beside
    /// it (`find -fprint` still prints nothing to stdout, but a pipeline after it is unchanged).
    replaces_stdout: bool,
}

const OUTPUT_OPTIONS: &[OutputOption] = &[
    OutputOption {
        programs: &["sort", "shuf", "iconv", "patch", "pandoc"],
        options: &["-o", "--output"],
        replaces_stdout: true,
    },
    OutputOption {
        programs: &["find", "gfind", "bfs"],
        options: &["-fprint", "-fprint0", "-fprintf", "-fls"],
        replaces_stdout: false,
    },
];

/// The files `argv` names as its output, as redirections (`>`; descriptor 3 when the file is
/// written beside standard output rather than instead of it).
pub fn option_redirects(argv: &[Word]) -> Vec<Redirect> {
    let Some(name) = argv.first().map(|w| w.text.as_str()) else {
        return Vec::new();
    };
    let Some(spec) = OUTPUT_OPTIONS.iter().find(|o| o.programs.contains(&name)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let t = argv[i].text.as_str();
        if t == "--" {
            break;
        }
        let target = if spec.options.contains(&t) {
            i += 1;
            argv.get(i).cloned()
        } else if let Some((opt, value)) = t.split_once('=') {
            spec.options
                .contains(&opt)
                .then(|| super::sinks::part(&argv[i], value))
        } else {
            // `sort -oFILE`: a one-letter option with its value attached.
            spec.options
                .iter()
                .filter(|o| o.len() == 2)
                .find_map(|o| t.strip_prefix(o).filter(|v| !v.is_empty()))
                .map(|v| super::sinks::part(&argv[i], v))
        };
        if let Some(target) = target.filter(|w| !w.text.is_empty() && w.text != "-") {
            out.push(Redirect {
                op: ">".into(),
                fd: (!spec.replaces_stdout).then_some(3),
                target,
            });
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<Word> {
        words
            .iter()
            .map(|w| Word::literal(*w, Default::default()))
            .collect()
    }

    fn targets(words: &[&str]) -> Vec<(String, Option<u32>)> {
        option_redirects(&argv(words))
            .into_iter()
            .map(|r| (r.target.text, r.fd))
            .collect()
    }

    #[test]
    fn output_options_become_redirections() {
        assert_eq!(
            targets(&["sort", "-u", "-o", "~/.ssh/authorized_keys", "k.pub"]),
            [("~/.ssh/authorized_keys".to_string(), None)]
        );
        assert_eq!(
            targets(&["sort", "-o~/.bashrc", "x"]),
            [("~/.bashrc".to_string(), None)]
        );
        assert_eq!(
            targets(&["sort", "--output=/etc/cron.d/x", "x"]),
            [("/etc/cron.d/x".to_string(), None)]
        );
        assert_eq!(
            targets(&[
                "find",
                ".",
                "-maxdepth",
                "0",
                "-fprintf",
                "/etc/cron.d/x",
                "%p"
            ]),
            [("/etc/cron.d/x".to_string(), Some(3))]
        );
        assert_eq!(
            targets(&["iconv", "-f", "latin1", "-t", "utf-8", "-o", "out.csv", "in.csv"]),
            [("out.csv".to_string(), None)]
        );
    }

    #[test]
    fn other_options_and_programs_write_nothing() {
        assert!(targets(&["sort", "-n", "numbers.txt"]).is_empty());
        assert!(targets(&["sort", "-o", "-"]).is_empty());
        assert!(targets(&["find", ".", "-name", "*.o", "-print"]).is_empty());
        assert!(targets(&["ls", "-o", "x"]).is_empty());
        assert!(targets(&["gpg", "--dearmor", "-o", "/etc/apt/keyrings/k.gpg"]).is_empty());
        assert!(targets(&["sort", "--", "-o", "x"]).is_empty());
    }
}
