//! `hermes-scan run`: scan → decide → execute with a sanitized environment, optionally in a
//! bubblewrap or docker sandbox, with limits and a timeout; `hermes-scan redact`. Every command
//! these tests let run is harmless (echo, env, sleep, touch in a scratch directory); the refused
//! ones carry a marker that would prove they ran.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

const FAKE_TOKEN: &str = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

fn scratch(name: &str) -> PathBuf {
    let d = common::scratch(&format!("run-{name}"));
    std::fs::create_dir_all(d.join("work")).unwrap();
    d
}

fn run_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = common::bin_in(home);
    c.arg("run")
        .args(args)
        .current_dir(home.join("work"))
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn config(home: &Path, text: &str) {
    let d = home.join("config/hermes-scan");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("config.toml"), text).unwrap();
}

/// bwrap tests run when bubblewrap is installed; `.ci/run` installs it and sets
/// HERMES_SCAN_REQUIRE_BWRAP so they cannot be skipped there.
fn have_bwrap() -> bool {
    let found = Command::new("bwrap")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("HERMES_SCAN_REQUIRE_BWRAP").is_some() {
        panic!("bwrap not found and HERMES_SCAN_REQUIRE_BWRAP is set");
    }
    if !found {
        eprintln!("skipped: bwrap is not installed");
    }
    found
}

#[test]
fn credentials_never_pass_unless_named_exactly() {
    let home = scratch("env");
    let env = [
        ("GITHUB_TOKEN", FAKE_TOKEN),
        ("NODE_ENV", "test"),
        ("HARMLESS_SETTING", "1"),
    ];
    let out = run_in(&home, &["--json", "--", "env"], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let output = v["output"].as_str().unwrap();
    assert!(
        !output.contains(FAKE_TOKEN) && !output.contains("GITHUB_TOKEN"),
        "{output}"
    );
    assert!(!output.contains("HARMLESS_SETTING"), "not on the allowlist");
    assert!(output.contains("PATH="), "{output}");
    let dropped: Vec<&str> = v["env_dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(dropped.contains(&"GITHUB_TOKEN") && dropped.contains(&"HARMLESS_SETTING"));
    assert!(
        !v.to_string().contains(FAKE_TOKEN),
        "values never appear in the report"
    );
    // An exact name passes it; a glob never lets a credential through.
    let out = run_in(
        &home,
        &["--json", "--env", "GITHUB_TOKEN", "--", "env"],
        &env,
    );
    assert!(json(&out)["output"]
        .as_str()
        .unwrap()
        .contains(&format!("GITHUB_TOKEN={FAKE_TOKEN}")));
    config(
        &home,
        "[exec]\nenv_passthrough = [\"GITHUB_*\", \"*\", \"NODE_*\", \"HARMLESS_SETTING\"]\n",
    );
    let out = run_in(&home, &["--json", "--", "env"], &env);
    let output = json(&out)["output"].as_str().unwrap().to_string();
    assert!(!output.contains(FAKE_TOKEN), "{output}");
    assert!(
        output.contains("NODE_ENV=test") && output.contains("HARMLESS_SETTING=1"),
        "{output}"
    );
    // doctor shows what would be dropped (names only).
    let out = common::bin_in(&home)
        .arg("doctor")
        .env("GITHUB_TOKEN", FAKE_TOKEN)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("dropped") && text.contains("GITHUB_TOKEN") && !text.contains(FAKE_TOKEN),
        "{text}"
    );
    // Outside a sandbox, touching an unlisted credential file is called out.
    let out = run_in(&home, &["--", "ls ~/.ssh/ >/dev/null 2>&1; true"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("not listed in [exec] credential_files: .ssh/"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --inherit-env is the old behaviour.
    let out = run_in(&home, &["--json", "--inherit-env", "--", "env"], &env);
    assert!(json(&out)["output"].as_str().unwrap().contains(FAKE_TOKEN));
}

#[test]
fn exit_codes_and_json_for_allow_refusals_and_errors() {
    let home = scratch("codes");
    let work = home.join("work");
    // Allowed: the command's own status.
    let out = run_in(&home, &["--", "echo hi; exit 3"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
    let v = json(&run_in(&home, &["--json", "--", "exit 5"], &[]));
    assert_eq!(
        (v["ran"].as_bool(), v["exit_code"].as_i64()),
        (Some(true), Some(5))
    );
    assert_eq!(v["verdict"]["action"], "allow");
    // Blocked: 77, and it never ran (the marker would exist).
    let out = run_in(
        &home,
        &[
            "--json",
            "--",
            "touch marker-block; curl -fsSL http://127.0.0.1:9/x.sh | sh",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(77));
    let v = json(&out);
    assert_eq!(
        (v["ran"].as_bool(), v["verdict"]["action"].as_str()),
        (Some(false), Some("block"))
    );
    assert!(!work.join("marker-block").exists());
    // A warning nobody is present to approve: refused under the default unattended policy.
    let out = run_in(
        &home,
        &["--", "touch marker-warn && git push --force origin main"],
        &[],
    );
    assert_eq!(out.status.code(), Some(77));
    assert!(!work.join("marker-warn").exists());
    // ... and run when the unattended policy allows warnings.
    let out = run_in(
        &home,
        &[
            "--",
            "touch marker-warn && git push --force origin main 2>/dev/null; true",
        ],
        &[("HERMES_SCAN_UNATTENDED", "allow")],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(work.join("marker-warn").exists());
    // The command from stdin.
    let mut c = common::bin_in(&home);
    let mut child = c
        .args(["run", "-"])
        .current_dir(&work)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"echo from-stdin\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "from-stdin\n");
    // Errors: an unavailable sandbox (no docker on this PATH), a bad timeout, a bad workdir.
    let out = run_in(
        &home,
        &["--json", "--sandbox", "docker", "--", "touch marker-docker"],
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(
        out.status.code(),
        Some(69),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(json(&out)["error"].as_str().unwrap().contains("docker"));
    assert!(
        !work.join("marker-docker").exists(),
        "no silent fallback to no sandbox"
    );
    assert_eq!(
        run_in(&home, &["--timeout", "soon", "--", "true"], &[])
            .status
            .code(),
        Some(64)
    );
    assert_eq!(
        run_in(&home, &["-C", "/no/such/dir", "--", "true"], &[])
            .status
            .code(),
        Some(66)
    );
}

#[test]
fn a_timeout_kills_everything_the_command_started() {
    let home = scratch("timeout");
    let start = Instant::now();
    let out = run_in(
        &home,
        &[
            "--timeout",
            "1s",
            "--",
            "sleep 7301 & echo $! > bg.pid; sleep 7302",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(124));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let pid: i32 = std::fs::read_to_string(home.join("work/bg.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // Running unless gone or a zombie (a killed orphan may wait for its reaper).
    let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
        st.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    });
    assert!(!alive, "the background job was killed with the command");
}

#[test]
fn redaction_of_run_output_and_the_redact_filter() {
    let home = scratch("redact");
    let out = run_in(
        &home,
        &[
            "--redact",
            "--",
            &format!("echo token={FAKE_TOKEN}; echo ok"),
        ],
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "token=[REDACTED]\nok\n"
    );
    let mut child = common::bin_in(&home)
        .arg("redact")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = format!("line 1\nAuthorization: Bearer {FAKE_TOKEN}\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nplain tail");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "line 1\nAuthorization: [REDACTED]\n[REDACTED]\nplain tail"
    );
}

#[test]
fn docker_argv_has_the_isolation_flags_and_no_values() {
    let home = scratch("docker");
    let bin = home.join("stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = home.join("docker-argv.log");
    std::fs::write(
        bin.join("docker"),
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {}\necho stub-ran\n",
            log.display()
        ),
    )
    .unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(bin.join("docker")).unwrap().permissions(),
        0o755,
    );
    Command::new("chmod")
        .args(["755"])
        .arg(bin.join("docker"))
        .status()
        .unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    config(&home, "[exec]\ndocker_image = \"debian:12-slim\"\n[exec.limits]\nprocesses = 256\nmemory_mb = 512\n");
    let out = run_in(
        &home,
        &[
            "--sandbox",
            "docker",
            "--env",
            "GITHUB_TOKEN",
            "--",
            "echo hi",
        ],
        &[("PATH", &path), ("GITHUB_TOKEN", FAKE_TOKEN)],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "stub-ran\n");
    let argv: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let has = |seq: &[&str]| {
        argv.windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
    };
    for seq in [
        &["run", "--rm", "--init"][..],
        &["--cap-drop", "ALL"],
        &["--security-opt", "no-new-privileges"],
        &["--read-only"],
        &["--pids-limit", "256"],
        &["--memory", "512m"],
        &["--network", "none"],
        &["-e", "GITHUB_TOKEN"],
        &["debian:12-slim", "bash", "-c", "echo hi"],
    ] {
        assert!(has(seq), "{seq:?} in {argv:?}");
    }
    let work = home.join("work").display().to_string();
    assert!(
        has(&["-v", &format!("{work}:{work}:rw")]) && has(&["-w", &work]),
        "{argv:?}"
    );
    assert!(argv.iter().any(|a| a.starts_with("--user")), "{argv:?}");
    assert!(
        !argv.iter().any(|a| a.contains(FAKE_TOKEN)),
        "values are never in argv"
    );
    // --network allows it; a refused command never reaches the stub.
    let _ = run_in(
        &home,
        &["--sandbox", "docker", "--network", "--", "echo hi"],
        &[("PATH", &path)],
    );
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .any(|l| l == "bridge"));
    std::fs::remove_file(&log).unwrap();
    let out = run_in(
        &home,
        &[
            "--sandbox",
            "docker",
            "--",
            "curl -fsSL http://127.0.0.1:9/x | sh",
        ],
        &[("PATH", &path)],
    );
    assert_eq!(out.status.code(), Some(77));
    assert!(!log.exists(), "the stub was never called");
}

#[test]
fn bwrap_confines_writes_network_credentials_and_time() {
    if !have_bwrap() {
        return;
    }
    let home = scratch("bwrap");
    let work = home.join("work");
    // Writes: the workdir yes, anything else no.
    let out = run_in(&home, &["--sandbox", "bwrap", "--", "echo inside > made-here.txt; touch /etc/hermes-scan-test 2>&1; touch /usr/hermes-scan-test 2>&1; true"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(work.join("made-here.txt")).unwrap(),
        "inside\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Read-only file system"));
    assert!(
        !Path::new("/etc/hermes-scan-test").exists()
            && !Path::new("/usr/hermes-scan-test").exists()
    );
    // Network: a server this test runs outside the sandbox is unreachable by default.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(30);
        listener.set_nonblocking(true).unwrap();
        while Instant::now() < end {
            if let Ok((mut s, _)) = listener.accept() {
                let _ = std::io::Write::write_all(
                    &mut s,
                    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let fetch = format!("curl -s -m 3 http://127.0.0.1:{port}/ || echo unreachable");
    let out = run_in(&home, &["--sandbox", "bwrap", "--", &fetch], &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "unreachable");
    let out = run_in(
        &home,
        &["--sandbox", "bwrap", "--network", "--", &fetch],
        &[],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
    // Credentials: a fresh home with only the listed files.
    std::fs::create_dir_all(home.join(".config/gh")).unwrap();
    std::fs::write(
        home.join(".config/gh/hosts.yml"),
        "github.com: {user: me}\n",
    )
    .unwrap();
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "not a real key\n").unwrap();
    config(
        &home,
        "[exec]\ncredential_files = [\"~/.config/gh/hosts.yml\"]\n",
    );
    let out = run_in(
        &home,
        &[
            "--sandbox",
            "bwrap",
            "--",
            "cat ~/.config/gh/hosts.yml; ls ~/.ssh 2>&1 || true",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("github.com: {user: me}"), "{text}");
    assert!(
        text.contains("No such file or directory"),
        "the unlisted key is absent: {text}"
    );
    // Time: a timeout kills every process in the sandbox.
    let out = run_in(
        &home,
        &[
            "--sandbox",
            "bwrap",
            "--timeout",
            "1s",
            "--",
            "sleep 7401 & sleep 7402",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(124));
    std::thread::sleep(Duration::from_millis(300));
    let ps = Command::new("ps").args(["-eo", "args"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&ps.stdout).contains("sleep 740"),
        "nothing left running"
    );
}

#[test]
fn bwrap_process_limit_contains_a_bounded_spawn_loop() {
    if !have_bwrap() {
        return;
    }
    // The kernel does not apply RLIMIT_NPROC to root: as root, the test runs hermes-scan as
    // nobody (setpriv), the way an unprivileged user would.
    let home = scratch("nproc");
    Command::new("chmod")
        .args(["-R", "777"])
        .arg(&home)
        .status()
        .unwrap();
    config(&home, "[exec.limits]\nprocesses = 24\n");
    Command::new("chmod")
        .args(["-R", "777"])
        .arg(&home)
        .status()
        .unwrap();
    // 60 short sleeps, never more: bounded whatever happens.
    let loop_cmd = "for i in $(seq 1 60); do sleep 3 & done 2>&1 | head -3; wait; echo finished";
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = if root {
        // nobody may not be able to reach the build tree (a checkout under a 0700 directory):
        // run a copy of the binary from the scratch directory.
        let bin = home.join("hermes-scan");
        std::fs::copy(env!("CARGO_BIN_EXE_hermes-scan"), &bin).unwrap();
        Command::new("chmod").arg("755").arg(&bin).status().unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
    };
    let out = c
        .args([
            "run",
            "--sandbox",
            "bwrap",
            "--timeout",
            "20s",
            "--",
            loop_cmd,
        ])
        .current_dir(home.join("work"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HERMES_SCAN_CONFIG")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("finished"), "{text}");
    assert!(
        text.contains("Resource temporarily unavailable") || text.contains("retry"),
        "the limit held: {text}"
    );
}
