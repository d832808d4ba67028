//! Wrapper commands that run another command (`sudo rm …`, `env X=1 rm …`, `timeout 5 rm …`).
//!
//! Each wrapper is described by data: which options take a value and how many positional
//! arguments come before the wrapped command. The walker strips wrappers one by one, so
//! `sudo -u root env -i nice -n 5 rm -rf /` is analysed as `rm -rf /`.

use super::ir::Word;

/// How one wrapper's argv is laid out.
struct Spec {
    names: &'static [&'static str],
    /// Options (short `-u` or long `--user`) whose value is the next argument.
    value_opts: &'static [&'static str],
    /// Positional arguments before the wrapped command (e.g. `timeout DURATION`).
    leading: usize,
    /// Accepts `NAME=value` assignments before the command (`env`, `sudo`).
    assignments: bool,
    /// A verb that must come first (`uv run CMD`, `bundle exec CMD`); empty for none. With no
    /// leading positionals the verb is itself the wrapped program (`k3s kubectl …`).
    verbs: &'static [&'static str],
    /// Options followed by two values (`bwrap --bind SRC DEST`).
    pair_opts: &'static [&'static str],
}

const SPECS: &[Spec] = &[
    Spec {
        // zsh precommand modifiers (`noglob rm …`, `nocorrect rm …`) and fish's `and`/`or`/`not`
        // (`true; and rm …`): the rest of the line is the command.
        names: &["noglob", "nocorrect", "and", "or", "not"],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // zsh `repeat N CMD`.
        names: &["repeat"],
        value_opts: &[],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // Container init processes: `tini -- CMD`, `dumb-init CMD`; `shx rm -rf X` is rm,
        // `entr CMD` runs CMD when a file changes.
        names: &["tini", "dumb-init", "shx", "entr"],
        value_opts: &["-e", "-p", "-r", "--rewrite"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // Secret injectors: `dotenv -e .env -- CMD`, `op run --env-file F -- CMD`,
        // `aws-vault exec PROFILE -- CMD`, `doppler run -- CMD`, `infisical run -- CMD`.
        names: &["dotenv", "dotenvx"],
        value_opts: &["-e", "-v", "-c", "-f", "--env-file"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["op", "doppler", "infisical", "chamber"],
        value_opts: &[
            "--env-file",
            "--account",
            "--config",
            "-p",
            "--project",
            "-c",
            "--env",
        ],
        leading: 1,
        assignments: false,
        verbs: &["run"],
        pair_opts: &[],
    },
    Spec {
        names: &["aws-vault"],
        value_opts: &[
            "-d",
            "--duration",
            "--region",
            "-t",
            "--mfa-token",
            "--backend",
        ],
        leading: 2,
        assignments: false,
        verbs: &["exec"],
        pair_opts: &[],
    },
    Spec {
        // `watchexec -w src -- CMD`; `perf record -o F -- CMD`, `perf stat CMD`.
        names: &["watchexec"],
        value_opts: &[
            "-w",
            "--watch",
            "-e",
            "--exts",
            "-i",
            "--ignore",
            "-d",
            "--debounce",
            "-s",
            "--signal",
            "--shell",
            "-f",
            "--filter",
            "--on-busy-update",
            "--delay-run",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["perf"],
        value_opts: &[
            "-o",
            "--output",
            "-e",
            "--event",
            "-F",
            "--freq",
            "-c",
            "--count",
            "-C",
            "--cpu",
            "-r",
            "--repeat",
            "-x",
            "--field-separator",
            "-p",
            "--pid",
            "-t",
            "--tid",
            "-u",
            "--uid",
            "-G",
            "--cgroup",
            "-m",
            "--mmap-pages",
            "--call-graph",
        ],
        leading: 1,
        assignments: false,
        verbs: &["record", "stat", "trace"],
        pair_opts: &[],
    },
    Spec {
        names: &["sudo", "sudo-rs"],
        value_opts: &[
            "-u",
            "-g",
            "-p",
            "-C",
            "-h",
            "-D",
            "-r",
            "-t",
            "-T",
            "-U",
            "--user",
            "--group",
            "--prompt",
            "--close-from",
            "--host",
            "--chdir",
            "--role",
            "--type",
            "--command-timeout",
            "--other-user",
            "-R",
            "--chroot",
        ],
        leading: 0,
        assignments: true,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["doas"],
        value_opts: &["-u", "-C"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["env"],
        value_opts: &["-u", "-C", "--unset", "--chdir"],
        leading: 0,
        assignments: true,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &[
            "command",
            "builtin",
            "nohup",
            "busybox",
            "toybox",
            "unbuffer",
            "torsocks",
            "proxychains",
            "proxychains4",
            "chronic",
            "ifne",
            "nocache",
            // The dynamic loader run as a program runs the program it is given (and so
            // around a noexec mount): `/lib64/ld-linux-x86-64.so.2 /tmp/.x`.
            "ld-linux-x86-64.so.2",
            "ld-linux-aarch64.so.1",
            "ld-linux-armhf.so.3",
            "ld-linux.so.2",
            "ld-musl-x86_64.so.1",
            "ld-musl-aarch64.so.1",
            "ld.so",
        ],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &[
            "coproc",
            "eatmydata",
            "fakeroot",
            "catchsegv",
            "caffeinate",
            "firejail",
            "proot",
            "valgrind",
            "systemd-inhibit",
            "pkexec",
            "runcon",
        ],
        value_opts: &[
            "--user", "--what", "--who", "--why", "--mode", "-t", "-u", "-r", "-l",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["unshare", "nsenter"],
        value_opts: &[
            "-t",
            "--target",
            "-S",
            "--setuid",
            "-G",
            "--setgid",
            "-R",
            "--root",
            "-w",
            "--wd",
            "--map-user",
            "--map-group",
            "--propagation",
            "--setgroups",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // Distributions that bundle the Kubernetes tools: `k3s kubectl exec …`.
        names: &["k3s", "microk8s", "k0s"],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &["kubectl", "ctr", "crictl"],
        pair_opts: &[],
    },
    Spec {
        // `-e` reads the password from $SSHPASS (a variable name can only be attached: `-eVAR`).
        names: &["sshpass"],
        value_opts: &["-p", "-f", "-d", "-P"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["faketime", "sg"],
        value_opts: &["-g", "-f"],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &[
            "uv",
            "poetry",
            "pipenv",
            "pdm",
            "hatch",
            "rye",
            "pixi",
            "conda",
            "mamba",
            "micromamba",
        ],
        value_opts: &[
            "--with",
            "--python",
            "-p",
            "--from",
            "--project",
            "--directory",
            "--env-file",
            "--group",
            "--extra",
            "--package",
            "-n",
            "--name",
            "--prefix",
            "-e",
            "--environment",
            "--manifest-path",
        ],
        leading: 1,
        assignments: false,
        verbs: &["run", "exec"],
        pair_opts: &[],
    },
    Spec {
        // systemd's `run0 [OPTIONS] CMD` (sudo without setuid).
        names: &["run0"],
        value_opts: &[
            "-u",
            "--user",
            "-g",
            "--group",
            "--unit",
            "--property",
            "--description",
            "--slice",
            "--nice",
            "-D",
            "--chdir",
            "--setenv",
            "--machine",
            "--background",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // `direnv exec DIR CMD`.
        names: &["direnv"],
        value_opts: &[],
        leading: 2,
        assignments: false,
        verbs: &["exec"],
        pair_opts: &[],
    },
    Spec {
        // `devbox run CMD`, `devenv shell CMD`, `flox activate -- CMD`: a project environment.
        names: &["devbox", "devenv", "flox"],
        value_opts: &["-c", "--config", "-d", "--dir", "-e", "--environment"],
        leading: 1,
        assignments: false,
        verbs: &["run", "shell", "activate"],
        pair_opts: &[],
    },
    Spec {
        // A task queue and a retry loop run their command later or again: `pueue add -- CMD`,
        // `retry -t 3 -- CMD`; `rtk CMD` (an output-compressing proxy for agents) runs CMD.
        names: &["retry", "rtk"],
        value_opts: &[
            "-t",
            "--times",
            "--tries",
            "-d",
            "--delay",
            "--until",
            "-w",
            "--working-directory",
            "-g",
            "--group",
            "-l",
            "--label",
            "-a",
            "--after",
            "--priority",
            "-o",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["pueue"],
        value_opts: &[
            "-w",
            "--working-directory",
            "-g",
            "--group",
            "-l",
            "--label",
            "-a",
            "--after",
            "-o",
            "--priority",
            "-d",
            "--delay",
        ],
        leading: 1,
        assignments: false,
        verbs: &["add"],
        pair_opts: &[],
    },
    Spec {
        // `mise exec [TOOL@VER…] -- CMD`, `asdf exec CMD`, `rtx x -- CMD`.
        names: &["mise", "rtx", "asdf"],
        value_opts: &["-C", "--cd", "-j", "--jobs", "-E", "--env"],
        leading: 1,
        assignments: false,
        verbs: &["exec", "x"],
        pair_opts: &[],
    },
    Spec {
        // runit's `chpst -u USER CMD`, daemontools' `setuidgid USER CMD`, `softlimit -m N CMD`.
        names: &["chpst"],
        value_opts: &[
            "-u", "-U", "-b", "-e", "-/", "-C", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f",
            "-c", "-r", "-t",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // daemontools' `setuidgid USER CMD`; `gosu USER CMD` and `su-exec USER CMD` in images.
        names: &["setuidgid", "envuidgid", "gosu", "su-exec"],
        value_opts: &[],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["bundle", "bundler"],
        value_opts: &["--gemfile"],
        leading: 1,
        assignments: false,
        verbs: &["exec"],
        pair_opts: &[],
    },
    Spec {
        names: &["linux32", "linux64", "numactl"],
        value_opts: &[
            "-C",
            "-N",
            "-m",
            "-i",
            "-p",
            "--cpunodebind",
            "--membind",
            "--interleave",
            "--physcpubind",
            "--preferred",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    // The architecture-named links of setarch (`linux32 bash`, `x86_64 -R sh -c …`).
    Spec {
        names: &["linux32", "linux64", "i386", "x86_64", "uname26"],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["setarch"],
        value_opts: &[],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["exec"],
        value_opts: &["-a"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["setsid"],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["time"],
        value_opts: &["-f", "-o", "--format", "--output"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    // Task spooler queues the command; AppArmor's aa-exec runs it under a profile.
    Spec {
        names: &["tsp"],
        value_opts: &["-L", "-N", "-D", "-W", "-E"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["aa-exec"],
        value_opts: &["-p", "--profile", "-n", "--namespace"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["nice"],
        value_opts: &["-n", "--adjustment"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["timeout"],
        value_opts: &["-s", "-k", "--signal", "--kill-after"],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["stdbuf"],
        value_opts: &["-i", "-o", "-e", "--input", "--output", "--error"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["ionice"],
        value_opts: &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["chrt"],
        value_opts: &[],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["taskset"],
        value_opts: &[],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["chroot", "arch-chroot"],
        value_opts: &["--userspec", "--groups"],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["flock"],
        value_opts: &["-w", "-E", "--timeout", "--conflict-exit-code"],
        leading: 1,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["xargs"],
        value_opts: &[
            "-I",
            "-n",
            "-L",
            "-P",
            "-d",
            "-E",
            "-s",
            "-a",
            "--max-args",
            "--max-lines",
            "--max-procs",
            "--delimiter",
            "--eof",
            "--max-chars",
            "--arg-file",
            "--replace",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["strace", "ltrace"],
        value_opts: &["-o", "-e", "-p", "-s", "-u", "-E"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["parallel"],
        value_opts: &[
            "-j",
            "-S",
            "--jobs",
            "--sshlogin",
            "--joblog",
            "-a",
            "--arg-file",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["cgexec"],
        value_opts: &["-g"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["setpriv"],
        value_opts: &[
            "--reuid",
            "--regid",
            "--ruid",
            "--rgid",
            "--euid",
            "--egid",
            "--groups",
            "--inh-caps",
            "--ambient-caps",
            "--bounding-set",
            "--securebits",
            "--pdeathsig",
            "--selinux-label",
            "--apparmor-profile",
            "--landlock-access",
            "--landlock-rule",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // Session and daemon launchers: `ssh-agent CMD`, `dtach -n SOCK CMD`, `abduco -n NAME
        // CMD`, `daemonize CMD`, `flatpak-spawn --host CMD`, `schroot -c CHROOT -- CMD`,
        // `cpulimit -l 10 -- CMD`, `rlwrap CMD`.
        names: &["ssh-agent"],
        value_opts: &["-a", "-E", "-P", "-t", "-O"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["dtach", "abduco"],
        value_opts: &["-n", "-A", "-c", "-a", "-r", "-e"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["daemonize"],
        value_opts: &["-c", "-e", "-E", "-o", "-p", "-l", "-u"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["flatpak-spawn"],
        value_opts: &[],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["schroot"],
        value_opts: &[
            "-c",
            "--chroot",
            "-u",
            "--user",
            "-d",
            "--directory",
            "-n",
            "--session-name",
            "-o",
            "--option",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["cpulimit"],
        value_opts: &["-l", "--limit", "-c", "--cpu"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["rlwrap"],
        value_opts: &[
            "-b", "-C", "-D", "-e", "-f", "-F", "-g", "-H", "-l", "-m", "-M", "-O", "-p", "-P",
            "-q", "-s", "-S", "-t", "-w", "-z",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["sem"],
        value_opts: &[
            "-j",
            "--jobs",
            "--id",
            "--semaphorename",
            "--semaphoretimeout",
            "--st",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["bwrap"],
        value_opts: &[
            "--chdir",
            "--uid",
            "--gid",
            "--hostname",
            "--tmpfs",
            "--proc",
            "--dev",
            "--dir",
            "--remount-ro",
            "--unsetenv",
            "--lock-file",
            "--sync-fd",
            "--info-fd",
            "--seccomp",
            "--exec-label",
            "--file-label",
            "--userns",
            "--pidns",
            "--cap-add",
            "--cap-drop",
            "--argv0",
            "--chmod",
            "--perms",
            "--size",
            "--block-fd",
            "--userns-block-fd",
            "--json-status-fd",
            "--add-seccomp-fd",
            "--mqueue",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[
            "--bind",
            "--bind-try",
            "--dev-bind",
            "--dev-bind-try",
            "--ro-bind",
            "--ro-bind-try",
            "--symlink",
            "--setenv",
            "--file",
            "--bind-data",
            "--ro-bind-data",
            "--overlay-src",
            "--chmod",
        ],
    },
    Spec {
        names: &["prlimit"],
        value_opts: &["-p", "--pid"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["trickle"],
        value_opts: &["-d", "-u", "-w", "-t", "-l", "-n", "-L"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["dbus-run-session", "dbus-launch"],
        value_opts: &["--config-file", "--dbus-daemon"],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        names: &["xvfb-run"],
        value_opts: &[
            "-n",
            "-s",
            "-f",
            "-e",
            "-p",
            "-w",
            "--server-num",
            "--server-args",
            "--auth-file",
            "--error-file",
            "--xauth-protocol",
            "--wait",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
    Spec {
        // `runuser -u USER -- CMD` (`-c CODE` is a code sink: the value is taken here so the
        // wrapper yields nothing and the sink reads it).
        names: &["runuser"],
        value_opts: &[
            "-u",
            "--user",
            "-g",
            "--group",
            "-G",
            "--supp-group",
            "-s",
            "--shell",
            "-c",
            "--command",
            "-w",
            "--whitelist-environment",
        ],
        leading: 0,
        assignments: false,
        verbs: &[],
        pair_opts: &[],
    },
];

/// The result of trying to strip one wrapper.
pub(crate) enum Unwrap {
    /// Not a wrapper (or a wrapper used without a command).
    None,
    /// argv[..wrapper_len] is the wrapper; the wrapped command starts at `inner`.
    Inner {
        wrapper_len: usize,
        inner: usize,
        inner_end: usize,
        assignments: Vec<(String, Word)>,
    },
    /// The wrapper runs a string as a command line (`env -S`).
    Code { wrapper_len: usize, code: Word },
}

fn spec_for(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.names.contains(&name))
}

/// Programs that are another program under a package's name: `rimraf X` (and `del-cli`,
/// `premove`) deletes X recursively like `rm -rf X`.
pub(crate) fn equivalent(argv: &[Word]) -> Option<Vec<Word>> {
    let program: &[&str] = match argv.first()?.text.as_str() {
        "rimraf" | "del-cli" | "premove" => &["rm", "-rf"],
        _ => return None,
    };
    let head = &argv[0];
    let mut out: Vec<Word> = program
        .iter()
        .map(|p| Word {
            text: p.to_string(),
            ..head.clone()
        })
        .collect();
    out.extend(argv[1..].iter().cloned());
    Some(out)
}

/// Launchers whose argv names the program they start somewhere other than first:
/// `capsh -- -c CMD` (bash), `start-stop-daemon --start --exec PROGRAM -- ARGS`. The argv of
/// what they start.
pub(crate) fn launched(argv: &[Word]) -> Option<Vec<Word>> {
    match argv.first()?.text.as_str() {
        "capsh" => capsh_shell(argv),
        "start-stop-daemon" => daemon_started(argv),
        "coreutils" => coreutils_program(argv),
        "uv" | "pdm" | "rye" => python_script_run(argv),
        _ => None,
    }
}

/// `uv run [OPTIONS] x.py ARGS…` (and pdm's, rye's): a Python file is run by the project's
/// interpreter, as `python3 x.py ARGS…` (not by its path as a program).
fn python_script_run(argv: &[Word]) -> Option<Vec<Word>> {
    let Unwrap::Inner {
        inner, inner_end, ..
    } = unwrap(argv)
    else {
        return None;
    };
    let script = argv.get(inner)?;
    if !script.text.ends_with(".py") || script.text.contains("://") {
        return None;
    }
    let python = Word {
        text: "python3".into(),
        ..argv[0].clone()
    };
    Some(
        std::iter::once(python)
            .chain(argv[inner..inner_end].iter().cloned())
            .collect(),
    )
}

/// The multi-call binary of GNU coreutils: `coreutils --coreutils-prog=rm ARGS…` and
/// `coreutils rm ARGS…` run `rm ARGS…`.
fn coreutils_program(argv: &[Word]) -> Option<Vec<Word>> {
    let first = argv.get(1)?;
    let (name, rest) = match first.text.strip_prefix("--coreutils-prog=") {
        Some(name) => (name.to_string(), 2),
        None if !first.text.starts_with('-') => (first.text.clone(), 2),
        None => return None,
    };
    let mut out = vec![Word {
        text: name,
        ..first.clone()
    }];
    out.extend(argv[rest..].iter().cloned());
    Some(out)
}

/// `capsh [OPTIONS] -- ARGS…` runs `/bin/bash ARGS…` (`capsh -- -c 'CMD'`).
fn capsh_shell(argv: &[Word]) -> Option<Vec<Word>> {
    let dd = argv.iter().position(|w| w.text == "--")?;
    let mut out = vec![Word {
        text: "bash".into(),
        ..argv[dd].clone()
    }];
    out.extend(argv[dd + 1..].iter().cloned());
    Some(out)
}

/// `start-stop-daemon --start --exec PROGRAM [--startas PATH] -- ARGS…` starts PROGRAM (or
/// the `--startas` path) with ARGS.
fn daemon_started(argv: &[Word]) -> Option<Vec<Word>> {
    let mut program = None;
    let mut start = false;
    let mut args_from = argv.len();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].text.as_str();
        match a {
            "--" => {
                args_from = i + 1;
                break;
            }
            "-S" | "--start" => start = true,
            "-x" | "--exec" | "-a" | "--startas" => {
                // `--startas` names what is run when both are given.
                if program.is_none() || matches!(a, "-a" | "--startas") {
                    program = argv.get(i + 1).cloned();
                }
                i += 1;
            }
            _ => {
                for opt in ["--exec=", "--startas="] {
                    if let Some(v) = a.strip_prefix(opt) {
                        if program.is_none() || opt == "--startas=" {
                            let mut w = argv[i].clone();
                            w.text = v.to_string();
                            program = Some(w);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    if !start {
        return None;
    }
    let mut out = vec![program?];
    out.extend(argv[args_from..].iter().cloned());
    Some(out)
}

/// True when `name` is a wrapper that this module knows how to strip.
pub fn is_wrapper(name: &str) -> bool {
    spec_for(name).is_some()
}

/// Options of wrapper `name` whose value is the next argument (`sudo -u USER`).
pub(crate) fn value_options(name: &str) -> &'static [&'static str] {
    spec_for(name).map_or(&[], |s| s.value_opts)
}

/// Every wrapper name (used by the prefilter).
pub fn wrapper_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().flat_map(|s| s.names.iter().copied())
}

/// Wrapper invocations that run no command: `command -v x` only looks x up, `taskset -p MASK
/// PID` changes a running process.
fn runs_nothing(name: &str, argv: &[Word]) -> bool {
    let flags = argv.iter().skip(1).map(|a| a.text.as_str());
    match name {
        "command" => flags.into_iter().any(|a| a == "-v" || a == "-V"),
        "cpulimit" => flags.take_while(|a| *a != "--").any(|a| {
            matches!(a, "-p" | "--pid" | "-e" | "--exe")
                || a.starts_with("--pid=")
                || a.starts_with("--exe=")
        }),
        "taskset" => flags
            .take_while(|a| a.starts_with('-'))
            .any(|a| a == "--pid" || (!a.starts_with("--") && a.contains('p'))),
        _ => false,
    }
}

/// Try to strip the wrapper at argv[0] (already a canonical base name).
pub(crate) fn unwrap(argv: &[Word]) -> Unwrap {
    let name = argv[0].text.as_str();
    let Some(spec) = spec_for(name) else {
        return Unwrap::None;
    };
    if runs_nothing(name, argv) {
        return Unwrap::None;
    }
    let mut assignments = Vec::new();
    let mut leading_left = spec.leading;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i].text;
        if a == "--" {
            i += 1;
            continue;
        }
        if name == "env" {
            if let Some(code) = split_string(argv, i) {
                return Unwrap::Code {
                    wrapper_len: i,
                    code,
                };
            }
        }
        // `env -` is `env -i`.
        if name == "env" && a == "-" {
            i += 1;
            continue;
        }
        // Options come before the leading positionals — and, for verb wrappers (`uv run
        // --with X CMD`, `conda run -n ENV CMD`), after the verb too.
        // setarch takes its flags after the architecture as well (`setarch x86_64 -R CMD`).
        if a.starts_with('-')
            && a.len() > 1
            && (leading_left == spec.leading || !spec.verbs.is_empty() || name == "setarch")
        {
            if a.starts_with("--") {
                if spec.pair_opts.contains(&a.as_str()) {
                    i += 2;
                } else if !a.contains('=') && spec.value_opts.contains(&a.as_str()) {
                    i += 1;
                }
            } else if takes_value(spec, a) {
                i += 1;
            }
            i += 1;
            continue;
        }
        if spec.assignments && is_assignment(a) {
            let (k, v) = a.split_once('=').unwrap_or((a, ""));
            let mut w = argv[i].clone();
            w.text = v.to_string();
            assignments.push((k.to_string(), w));
            i += 1;
            continue;
        }
        if leading_left > 0 {
            if leading_left == spec.leading
                && !spec.verbs.is_empty()
                && !spec.verbs.contains(&a.as_str())
            {
                return Unwrap::None; // `uv pip install`, `poetry add`: not a wrapped command
            }
            leading_left -= 1;
            i += 1;
            continue;
        }
        break;
    }
    // `mise exec node@20 -- CMD`: tool specs stand between the verb and `--`.
    if matches!(name, "mise" | "rtx") {
        if let Some(dd) = argv[i..].iter().position(|w| w.text == "--") {
            i += dd + 1;
        }
    }
    if i >= argv.len() {
        return Unwrap::None;
    }
    if spec.leading == 0 && !spec.verbs.is_empty() && !spec.verbs.contains(&argv[i].text.as_str()) {
        return Unwrap::None;
    }
    let inner_end = if name == "parallel" {
        argv.iter()
            .skip(i)
            .position(|w| w.text.starts_with(":::"))
            .map(|p| p + i)
            .unwrap_or(argv.len())
    } else {
        argv.len()
    };
    Unwrap::Inner {
        wrapper_len: i,
        inner: i,
        inner_end,
        assignments,
    }
}

/// Does this short-option bundle end with an option that takes the next argument as its value?
fn takes_value(spec: &Spec, arg: &str) -> bool {
    let chars: Vec<char> = arg.chars().skip(1).collect();
    for (j, c) in chars.iter().enumerate() {
        // Past the letters, the rest is an attached value (`nsenter -m/proc/1/ns/mnt`).
        if !c.is_ascii_alphanumeric() {
            return false;
        }
        let opt = format!("-{c}");
        if spec.value_opts.contains(&opt.as_str()) {
            return j + 1 == chars.len();
        }
    }
    false
}

/// `env -S STRING`, `env -SSTRING`, `env --split-string=STRING`, `env --split-string STRING`.
fn split_string(argv: &[Word], i: usize) -> Option<Word> {
    let a = &argv[i].text;
    let mut code = if a == "-S" || a == "--split-string" {
        argv.get(i + 1)?.clone()
    } else if let Some(rest) = a.strip_prefix("--split-string=") {
        let mut w = argv[i].clone();
        w.text = rest.to_string();
        w
    } else if a.starts_with("-S") || (a.starts_with('-') && !a.starts_with("--") && a.contains('S'))
    {
        let pos = a.find('S')?;
        let rest = &a[pos + 1..];
        if rest.is_empty() {
            argv.get(i + 1)?.clone()
        } else {
            let mut w = argv[i].clone();
            w.text = rest.to_string();
            w
        }
    } else {
        return None;
    };
    let consumed = if a == "-S" || a == "--split-string" || a.ends_with('S') {
        i + 2
    } else {
        i + 1
    };
    // The words after the string stay the words they are (`env -S "bash -c" 'rm -rf ~'`).
    for w in argv.iter().skip(consumed) {
        code.text.push(' ');
        let plain = !w.text.is_empty()
            && w.text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%~".contains(c));
        if plain {
            code.text.push_str(&w.text);
        } else {
            code.text.push_str(&super::ir::single_quoted(&w.text));
        }
        code.span.1 = w.span.1;
        code.dynamic |= w.dynamic;
    }
    Some(code)
}

/// `NAME=value` with a valid shell identifier as NAME.
fn is_assignment(a: &str) -> bool {
    match a.split_once('=') {
        Some((k, _)) => {
            // `env 'BASH_FUNC_ls%%=() { …; }' bash`: an exported function, by its environment name.
            let k = k
                .strip_prefix("BASH_FUNC_")
                .and_then(|f| f.strip_suffix("%%").or_else(|| f.strip_suffix("()")))
                .unwrap_or(k);
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.chars().next().is_some_and(|c| c.is_ascii_digit())
        }
        None => false,
    }
}
