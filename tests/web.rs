//! The URL policy (`hermes-scan url`, `hermes_scan::web`, the WebFetch / web_extract hooks):
//! internal-address spellings, public URLs, DNS answers through an injected resolver, deny and
//! allow lists, redirects, and the hooks' answers.

use hermes_scan::web::{self, resolve::Fixed, WebSettings};
use hermes_scan::{Action, Scanner};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

/// `URL<TAB>label` lines of a corpus file.
fn corpus(name: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/web")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (u, label) = l.split_once('\t').unwrap_or((l, ""));
            (u.trim().to_string(), label.trim().to_string())
        })
        .collect()
}

#[test]
fn every_internal_spelling_blocks_and_every_public_url_passes() {
    let scanner = Scanner::global();
    let settings = WebSettings::default();
    let internal = corpus("internal.txt");
    assert!(internal.len() >= 150, "{}", internal.len());
    let mut missed = Vec::new();
    for (u, label) in &internal {
        let v = web::judge(u, scanner, &settings, None);
        if v.action != Action::Block {
            missed.push(format!(
                "{u} ({label}): {:?} {:?}",
                v.action,
                v.findings.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} internal URLs not blocked:\n{}",
        missed.len(),
        internal.len(),
        missed.join("\n")
    );
    let public = corpus("public.txt");
    assert!(public.len() >= 100, "{}", public.len());
    // Public hosts resolve to a public address here (no DNS in tests).
    let answers: Vec<(String, Vec<std::net::IpAddr>)> = public
        .iter()
        .filter_map(|(u, _)| url::Url::parse(u).ok()?.host_str().map(str::to_string))
        .map(|h| (h, vec!["93.184.216.34".parse().unwrap()]))
        .collect();
    let resolver = Fixed(answers);
    let mut flagged = Vec::new();
    for (u, label) in &public {
        let v = web::judge(u, scanner, &settings, Some(&resolver));
        if v.action != Action::Allow {
            flagged.push(format!(
                "{u} ({label}): {:?}",
                v.findings
                    .iter()
                    .map(|f| format!("{} {}", f.rule_id, f.detail))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        flagged.is_empty(),
        "{} of {} public URLs flagged:\n{}",
        flagged.len(),
        public.len(),
        flagged.join("\n")
    );
    // A public host behind a userinfo part warns: it reads like another host.
    for (u, label) in corpus("userinfo.txt") {
        let v = web::judge(&u, scanner, &settings, Some(&resolver));
        assert_eq!(v.action, Action::Warn, "{u} ({label}): {:?}", v.findings);
        assert!(
            v.findings.iter().any(|f| f.rule_id == "web.userinfo"),
            "{u}"
        );
    }
}

#[test]
fn dns_answers_decide_and_the_vetted_addresses_are_returned() {
    let scanner = Scanner::global();
    let settings = WebSettings::default();
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
    let resolver = Fixed(vec![
        (
            "good.example".into(),
            vec![
                ip("93.184.216.34"),
                ip("2606:2800:220:1:248:1893:25c8:1946"),
            ],
        ),
        ("rebind.example".into(), vec![ip("127.0.0.1")]),
        (
            "mixed.example".into(),
            vec![ip("93.184.216.34"), ip("10.0.0.7")],
        ),
        ("meta.example".into(), vec![ip("169.254.169.254")]),
        ("v6local.example".into(), vec![ip("::ffff:192.168.1.1")]),
    ]);
    let judge = |u: &str| web::judge(u, scanner, &settings, Some(&resolver));
    let v = judge("https://good.example/path?q=1");
    assert_eq!(v.action, Action::Allow);
    assert_eq!(v.addresses.len(), 2, "returned for pinning");
    for (u, rule) in [
        ("https://rebind.example/", "web.resolves-internal"),
        ("https://mixed.example/", "web.resolves-internal"),
        ("https://meta.example/", "web.metadata-endpoint"),
        ("https://v6local.example/", "web.resolves-internal"),
    ] {
        let v = judge(u);
        assert_eq!(v.action, Action::Block, "{u}");
        assert!(
            v.findings.iter().any(|f| f.rule_id == rule),
            "{u}: {:?}",
            v.findings
        );
    }
    let v = judge("https://nx.example/");
    assert_eq!(v.action, Action::Warn);
    assert_eq!(v.findings[0].rule_id, "web.unresolved");
    // The system resolver honours its timeout even when DNS is unavailable.
    let start = std::time::Instant::now();
    let mut quick = settings.clone();
    quick.resolve_timeout_ms = 300;
    let _ = web::judge(
        "https://does-not-exist.invalid/",
        scanner,
        &quick,
        Some(&web::resolve::System),
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
}

#[test]
fn lists_private_mode_redirects_and_lookalikes() {
    let scanner = Scanner::global();
    let mut settings = WebSettings {
        deny: vec!["*.pastebin.com".into()],
        ..WebSettings::default()
    };
    let judge = |u: &str, s: &WebSettings| web::judge(u, scanner, s, None);
    assert_eq!(
        judge("https://pastebin.com/raw/x", &settings).action,
        Action::Block
    );
    assert_eq!(
        judge("https://api.pastebin.com/x", &settings).action,
        Action::Block
    );
    assert_eq!(
        judge("https://notpastebin.com/x", &settings).action,
        Action::Allow
    );
    // Local development: private addresses allowed, metadata never.
    settings.allow_private = true;
    assert_eq!(
        judge("http://localhost:3000/api", &settings).action,
        Action::Allow
    );
    assert_eq!(
        judge("http://192.168.1.20:8080/", &settings).action,
        Action::Allow
    );
    assert_eq!(
        judge("http://169.254.169.254/latest/", &settings).action,
        Action::Block
    );
    settings.allow_private = false;
    // Redirect hops are judged against where they came from.
    let hop = |from: &str, to: &str| web::judge_redirect(from, to, scanner, &settings, None);
    assert_eq!(hop("https://example.com/a", "/b").action, Action::Allow);
    assert_eq!(
        hop("https://example.com/a", "http://169.254.169.254/latest/").action,
        Action::Block
    );
    assert_eq!(
        hop("https://example.com/a", "//127.0.0.1/x").action,
        Action::Block
    );
    assert_eq!(
        hop("https://example.com/a", "file:///etc/passwd").action,
        Action::Block
    );
    // The command scanner's homograph analysis applies; an allow-listed domain silences it.
    let v = judge("https://gооgle.com/", &settings);
    assert_eq!(v.action, Action::Block);
    assert!(v.findings.iter().any(|f| f.rule_id == "url.homograph"));
    settings.allow = vec!["xn--ggle-55da.com".into()];
    assert_eq!(
        judge("https://gооgle.com/", &settings).action,
        Action::Allow
    );
}

#[test]
fn cli_and_hooks() {
    let home = common::shared_scratch("web");
    let run = |args: &[&str]| common::bin_in(&home).args(args).output().unwrap();
    let out = run(&["url", "--no-resolve", "https://93.184.216.34/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&[
        "url",
        "--no-resolve",
        "https://93.184.216.34/",
        "http://user@example.com/",
        "http://0x7f.1/",
    ]);
    assert_eq!(out.status.code(), Some(1), "the strictest verdict");
    let out = run(&["url", "--no-resolve", "--json", "http://user@example.com/"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["action"], "warn");
    assert_eq!(v[0]["findings"][0]["rule_id"], "web.userinfo");
    assert_eq!(v[0]["host"], "example.com");
    // A config deny list reaches the CLI.
    let cfg = home.join("config/hermes-scan");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[web]\ndeny = [\"*.paste.example\"]\n",
    )
    .unwrap();
    assert_eq!(
        run(&["url", "--no-resolve", "https://x.paste.example/"])
            .status
            .code(),
        Some(1)
    );
    // Hooks: Claude Code's WebFetch and Hermes Agent's web_extract / browser_navigate.
    let hook = |agent: &str, payload: &str| {
        let mut child = common::bin_in(&home)
            .args(["hook", agent])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), payload.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = hook(
        "claude-code",
        r#"{"tool_name":"WebFetch","tool_input":{"url":"http://169.254.169.254/latest/meta-data/iam/","prompt":"read"}}"#,
    );
    assert_eq!(code, Some(0));
    assert!(
        text.contains("\"deny\"") && text.contains("web.metadata-endpoint"),
        "{text}"
    );
    let (_, text) = hook(
        "claude-code",
        r#"{"tool_name":"WebFetch","tool_input":{"url":"https://93.184.216.34/docs","prompt":"read"}}"#,
    );
    assert!(
        !text.contains("deny"),
        "a public address is fetched: {text}"
    );
    let (_, text) = hook(
        "claude-code",
        r#"{"tool_name":"WebFetch","tool_input":{"prompt":"no url"}}"#,
    );
    assert!(
        text.contains("\"deny\""),
        "a fetch without a URL is refused: {text}"
    );
    let (code, text) = hook(
        "hermes",
        r#"{"tool_name":"web_extract","tool_input":{"urls":["https://93.184.216.34/","http://[::ffff:127.0.0.1]:8080/admin"]}}"#,
    );
    assert_eq!(code, Some(0));
    assert!(
        text.contains("block") && text.contains("web.internal-address"),
        "{text}"
    );
    let (_, text) = hook(
        "hermes",
        r#"{"tool_name":"browser_navigate","tool_input":{"url":"file:///etc/shadow"}}"#,
    );
    assert!(text.contains("web.scheme"), "{text}");
    let (_, text) = hook(
        "hermes",
        r#"{"tool_name":"web_search","tool_input":{"query":"localhost 127.0.0.1"}}"#,
    );
    assert!(!text.contains("block"), "searches are not fetches: {text}");
    // Inside `check`, commands stay as they were: developers curl their own machine.
    let out = run(&["check", "--", "curl http://localhost:3000/health"]);
    assert_eq!(out.status.code(), Some(0));
    let _ = Command::new("true").status();
}
