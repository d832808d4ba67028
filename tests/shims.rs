//! Package-manager shims against stub package managers that record their argv, and the `install`
//! lazy-install front door.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn setup(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = common::scratch(&format!("shims-{name}"));
    let (shims, stubs) = (root.join("shims"), root.join("stubs"));
    std::fs::create_dir_all(&stubs).unwrap();
    for m in ["npm", "pip", "cargo"] {
        let p = stubs.join(m);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > \"{}/{m}.argv\"\necho stub-{m}-ran\n",
                root.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
        .args(["shims", "install"])
        .arg(&shims)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (root, shims, stubs)
}

fn via_shim(root: &Path, path: &str, manager: &str, args: &[&str]) -> Output {
    Command::new(manager)
        .args(args)
        .env("PATH", path)
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .current_dir(root)
        .output()
        .unwrap()
}

fn recorded(root: &Path, manager: &str) -> Option<Vec<String>> {
    std::fs::read_to_string(root.join(format!("{manager}.argv")))
        .ok()
        .map(|t| t.lines().map(str::to_string).collect())
}

#[test]
fn shims_gate_installs_and_pass_everything_else_through() {
    let (root, shims, stubs) = setup("gate");
    let path = format!("{}:{}:/usr/bin:/bin", shims.display(), stubs.display());
    let npm = shims.join("npm");
    let npm = npm.to_str().unwrap();

    // A clean pinned install runs the real (stub) npm with the same argv.
    let out = via_shim(&root, &path, npm, &["install", "express@4.19.2", "--save"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        recorded(&root, "npm").unwrap()[1..],
        ["install", "express@4.19.2", "--save"]
    );

    // A known-malicious release never reaches npm.
    std::fs::remove_file(root.join("npm.argv")).unwrap();
    let out = via_shim(&root, &path, npm, &["install", "chalk@5.6.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        recorded(&root, "npm").is_none(),
        "npm ran for a malicious release"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("supply.malicious-package"));

    // A typosquat warns; with nobody present that is a refusal.
    let pip = shims.join("pip");
    let out = via_shim(
        &root,
        &path,
        pip.to_str().unwrap(),
        &["install", "reqeusts"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(recorded(&root, "pip").is_none());

    // Everything else passes through untouched (odd characters included).
    let out = via_shim(
        &root,
        &path,
        npm,
        &["run", "build", "--", "--flag=$HOME", "a b"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        recorded(&root, "npm").unwrap()[1..],
        ["run", "build", "--", "--flag=$HOME", "a b"]
    );
    let cargo = shims.join("cargo");
    let out = via_shim(
        &root,
        &path,
        cargo.to_str().unwrap(),
        &["build", "--release"],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("stub-cargo-ran"));
}

#[test]
fn shims_never_recurse_into_themselves() {
    let (root, shims, stubs) = setup("recurse");
    // The shim directory listed twice (and a copy of it elsewhere) before the real binary.
    let copy = root.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(shims.join("npm"), copy.join("npm")).unwrap();
    std::fs::set_permissions(copy.join("npm"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{0}:{0}:{1}:{2}:/usr/bin:/bin",
        shims.display(),
        copy.display(),
        stubs.display()
    );
    let out = via_shim(
        &root,
        &path,
        shims.join("npm").to_str().unwrap(),
        &["--version"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("stub-npm-ran"));
    // No real binary at all: a clear error, not a loop.
    let out = via_shim(
        &root,
        &format!("{}:/nonexistent", shims.display()),
        shims.join("pip").to_str().unwrap(),
        &["list"],
    );
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn install_front_door_vets_then_runs_the_installer() {
    let (root, _shims, stubs) = setup("install");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hermes-scan"))
            .arg("install")
            .args(args)
            .env("PATH", format!("{}:/usr/bin:/bin", stubs.display()))
            .env("XDG_DATA_HOME", root.join("data"))
            .output()
            .unwrap()
    };
    let out = run(&["pypi:requests==2.31.0", "pypi:urllib3==2.2.1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        recorded(&root, "pip").unwrap()[1..],
        ["install", "--", "requests==2.31.0", "urllib3==2.2.1"]
    );
    for bad in [
        "npm:chalk@5.6.1",
        "pypi:reqeusts==1.0.0",
        "npm:left-pad",
        "pypi:x;id",
        "npm:https://e.example/x.tgz",
        "pypi:--index-url=http://e.example",
    ] {
        let _ = std::fs::remove_file(root.join("npm.argv"));
        let out = run(&[bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(recorded(&root, "npm").is_none(), "{bad} reached npm");
    }
    let out = run(&["--dry-run", "crates:ripgrep@14.1.0"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "cargo install ripgrep@14.1.0"
    );
    let out = run(&["npm:left-pad@^1", "--allow-ranges"]);
    assert_eq!(out.status.code(), Some(0));
    // The same check is a library function.
    assert!(hermes_scan::supply::lazy::vet(&["npm:debug@4.4.2".to_string()], false).is_err());
    assert!(hermes_scan::supply::lazy::vet(&["npm:debug@4.4.3".to_string()], false).is_ok());
}
