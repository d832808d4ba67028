//! Code written into a file that a build, a test run or CI executes later (`echo 'RUN curl … |
//! sh' >> Dockerfile`, `cat > conftest.py`, a step appended to `.github/workflows/ci.yml`).
//! Nothing runs now, so the file's code is analysed as if it ran, and a blocking finding inside
//! it becomes one approval-tier finding on the write: the next `make`, `pytest`, `docker build`
//! or CI run executes it without anyone looking again.

use super::OwnedHit;
use crate::findings::Action;
use crate::interp::Lang;
use crate::rules::RuleSet;
use crate::shell::sinks::{self, Extract, Format};
use crate::shell::Script;

/// Build, test and CI files that are not read by a sink of the table, with how their code runs.
const EXTRA_FILES: &[(&str, Format)] = &[
    ("Makefile", Format::Make),
    ("makefile", Format::Make),
    ("GNUmakefile", Format::Make),
    ("setup.py", Format::Code(Lang::Python)),
    ("__init__.py", Format::Code(Lang::Python)),
    ("sitecustomize.py", Format::Code(Lang::Python)),
    ("build.gradle", Format::Strings),
    ("build.gradle.kts", Format::Strings),
    ("Jenkinsfile", Format::Strings),
    (".gitlab-ci.yml", Format::Lines),
    (".travis.yml", Format::Lines),
    ("azure-pipelines.yml", Format::Lines),
    ("bitbucket-pipelines.yml", Format::Lines),
    (".pre-commit-config.yaml", Format::Lines),
];

/// At most this many build files of one input are analysed (each is a scan of its own).
const MAX_PLANTED_FILES: usize = 16;

/// How the code of a file at `path` runs, if it is a build, test or CI file.
fn format_of(path: &str) -> Option<Format> {
    let base = path.rsplit('/').next().unwrap_or(path);
    if path.contains(".github/workflows/") || path.contains(".circleci/") {
        return Some(Format::Lines);
    }
    if let Some((_, f)) = EXTRA_FILES.iter().find(|(name, _)| *name == base) {
        return Some(*f);
    }
    sinks::table()
        .sinks()
        .filter(|s| s.extract == Extract::ReadsFiles)
        .find(|s| s.read_files.iter().any(|f| f == path || f == base))
        .map(|s| Format::parse(s.file_format.as_deref()))
}

/// The file's code as shell input (interpreter code is fed to its interpreter on stdin).
fn as_shell(format: Format, content: &str) -> Option<String> {
    let interp = |lang: Lang| match lang {
        Lang::Python => Some("python3"),
        Lang::JavaScript => Some("node"),
        Lang::Ruby => Some("ruby"),
        Lang::Perl => Some("perl"),
        Lang::Php => Some("php"),
        _ => None,
    };
    match format {
        Format::Code(Lang::Shell) => Some(content.to_string()),
        Format::Code(lang) => {
            let program = interp(lang)?;
            Some(format!(
                "{program} - <<'HERMES_PLANTED_EOF'\n{content}\nHERMES_PLANTED_EOF\n"
            ))
        }
        Format::Make => Some(sinks::makefile_recipes(content)),
        Format::Sed | Format::Awk => None,
        _ => format.command_lines(content),
    }
}

/// One finding per build, test or CI file written with code that would be blocked if it ran.
/// `analyze_code` is the analysis of a script without this step (no planted files in planted
/// files).
pub fn analyze(
    script: &Script,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Vec<OwnedHit> {
    let mut paths: Vec<&String> = script.files.keys().collect();
    paths.sort();
    let mut out = Vec::new();
    let planted = paths.into_iter().filter_map(|p| Some((p, format_of(p)?)));
    for (path, format) in planted.take(MAX_PLANTED_FILES) {
        let content = &script.files[path];
        // `echo 'all:\n\tcurl …' > Makefile`: zsh's echo (and `echo -e`) turn the escapes into
        // the lines the attacker meant.
        let one_line = content.text.trim_end_matches('\n');
        let text = if !one_line.contains('\n') && one_line.contains("\\n") {
            one_line.replace("\\n", "\n").replace("\\t", "\t")
        } else {
            content.text.clone()
        };
        let Some(code) = as_shell(format, &text).filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        // Dockerfiles and CI steps install tools with their vendors' `curl … | sh` one-liners
        // as a matter of course; elsewhere (a Makefile, setup.py, a test fixture) fetch-and-run
        // at build time is itself the finding.
        let installers_expected = matches!(format, Format::Dockerfile | Format::Lines);
        if let Some(detail) = blocking_finding(&code, installers_expected, rules, analyze_code) {
            out.push(OwnedHit {
                rule_id: "supply.build-file-payload".into(),
                span: content.span,
                detail: Some(format!(
                    "{path} would run: {detail}; it runs at the next build, test or CI run"
                )),
            });
        }
    }
    // In-place edits of a build or CI file (`sed -i '/^build:/a \tcurl … | sh' Makefile`, `yq -i
    // '.jobs.b.steps += [{"run": "curl … | sh"}]' ci.yml`): the text they add, judged as the
    // commands it will be.
    for cmd in &script.commands {
        let Some((files, added)) = in_place_edit(cmd) else {
            continue;
        };
        for path in files {
            let Some(format) = format_of(&path) else {
                continue;
            };
            let installers_expected = matches!(format, Format::Dockerfile | Format::Lines);
            if let Some(detail) = blocking_finding(&added, installers_expected, rules, analyze_code)
            {
                out.push(OwnedHit {
                    rule_id: "supply.build-file-payload".into(),
                    span: cmd.span,
                    detail: Some(format!(
                        "the edit of {path} adds: {detail}; it runs at the next build, test or CI run"
                    )),
                });
                break;
            }
        }
    }
    out
}

/// The files an in-place edit rewrites and the text it adds, one command per line: `sed -i` and
/// `perl -pi` (see [`sinks::edit_in_place`]) or `yq -i` (the string values of its expression).
fn in_place_edit(cmd: &crate::shell::Command) -> Option<(Vec<String>, String)> {
    if let Some(edit) = sinks::edit_in_place(cmd) {
        let added = edit
            .added
            .iter()
            .map(|t| {
                t.replace("\\|", "|")
                    .replace("\\&", "&")
                    .replace("\\t", "\t")
            })
            .collect::<Vec<_>>()
            .join("\n");
        return Some((edit.files, added));
    }
    if cmd.name() != "yq"
        || !cmd
            .args()
            .iter()
            .any(|a| a.text == "-i" || a.text == "--inplace")
    {
        return None;
    }
    let operands: Vec<&str> = cmd
        .args()
        .iter()
        .map(|a| a.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let (expr, files) = operands.split_first()?;
    let strings: Vec<&str> = expr.split('"').skip(1).step_by(2).collect();
    Some((
        files.iter().map(|f| f.to_string()).collect(),
        strings.join("\n"),
    ))
}

/// The title and id of the first finding that would block if `code` ran now.
pub(super) fn blocking_finding(
    code: &str,
    installers_expected: bool,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Option<String> {
    finding_at_least(
        code,
        installers_expected,
        Action::Block,
        rules,
        analyze_code,
    )
}

/// The first finding of `code` whose rule blocks or, with `at_least` = warn, warns (the scanner's
/// own `core.*` notes about the text — parse errors, dynamic words — do not count: the text is
/// prose around a command).
pub(super) fn finding_at_least(
    code: &str,
    installers_expected: bool,
    at_least: Action,
    rules: &RuleSet,
    analyze_code: fn(&Script, &RuleSet) -> Vec<OwnedHit>,
) -> Option<String> {
    let inner = crate::shell::analyze(code);
    // A vendor's installer is expected only from a well-known host; `curl … | sh` from anywhere
    // else in a Dockerfile or CI step is the payload itself.
    let installers_expected = installers_expected
        && super::urls::hosts(&inner)
            .iter()
            .all(|(_, host)| super::domains::popular().contains_host(host));
    let blocking = analyze_code(&inner, rules).into_iter().find(|h| {
        let fetch_and_run = matches!(
            h.rule_id.as_str(),
            "remote.pipe-to-shell" | "remote.download-exec"
        );
        let tolerated = installers_expected && fetch_and_run;
        !(tolerated || h.rule_id.starts_with("core."))
            && rules.get(&h.rule_id).is_some_and(|r| {
                r.action() == Action::Block
                    || (at_least == Action::Warn && r.action() == Action::Warn)
            })
    });
    blocking.map(|h| {
        let title = rules.get(&h.rule_id).map_or("", |r| r.spec.title.as_str());
        format!("{title} [{}]", h.rule_id)
    })
}
