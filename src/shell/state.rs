//! Shell state within one input, tracked the way bash would (conservatively): the working
//! directory (`cd`, `pushd`, `popd`, `cd -`, bare `cd`), positional parameters (`set --`, `shift`,
//! function arguments), arrays (`a=(…)`, `a+=(…)`, `mapfile`, `readarray`), values set by
//! `printf -v` and `read`, a custom `IFS`, and parameter operations on known values
//! (`${x/a/b}`, `${x#p}`, `${x%%p}`, `${x,,}`, `${x:1:2}`, `${#x}`).
//!
//! The walker consults it; a value the input fixes is resolved, anything else stays unknown and
//! the usual `core.dynamic-*` findings apply.

use super::ir::{Command, Word};
use std::collections::HashMap;

/// Programs whose path arguments are resolved against a known working directory.
pub const PATH_PROGRAMS: &[&str] = &[
    "rm",
    "rmdir",
    "find",
    "chmod",
    "chown",
    "chgrp",
    "chattr",
    "shred",
    "mv",
    "cp",
    "rsync",
    "truncate",
    "unlink",
    "srm",
    "wipe",
    "ln",
    "tee",
    "dd",
    "install",
    "mkfs",
    "mkfs.ext4",
    "mkfs.ext3",
    "mkfs.ext2",
    "mkfs.xfs",
    "mkfs.btrfs",
    "mkfs.vfat",
    "mkfs.fat",
    "mkfs.ntfs",
    "mkswap",
    "wipefs",
    "blkdiscard",
    "sort",
    "uniq",
    "sed",
    "gzip",
    "bzip2",
    "xz",
    "mount",
];

/// The state a line builds up.
#[derive(Debug, Clone, Default)]
pub struct ShellState {
    /// The working directory when the input fixes it (`/`, `~`, `/tmp/x`).
    /// Shared, not copied: every command keeps the directory it ran in.
    pub cwd: Option<std::sync::Arc<str>>,
    /// `$OLDPWD`, for `cd -`.
    pub oldpwd: Option<std::sync::Arc<str>>,
    /// `pushd` stack.
    pub dirs: Vec<Option<std::sync::Arc<str>>>,
    /// Positional parameters when known (`set -- a b`, inside a called function).
    pub positional: Option<Vec<Word>>,
    /// `$0` when known (`sh -c CODE NAME`).
    pub arg0: Option<Word>,
    /// Indexed arrays with known elements.
    pub arrays: HashMap<String, Vec<Word>>,
    /// A literal `IFS` set in the input.
    pub ifs: Option<String>,
    /// Copies and links of installed programs made by the input (`ln -s /bin/rm /tmp/q`,
    /// `cp /usr/bin/rm ./x`): the new path → the program's name.
    pub program_copies: HashMap<String, String>,
    /// Paths moved by the input (`mv ~/.ssh /tmp/x`, `rsync --remove-source-files ~/ /tmp/h/`):
    /// the new path → where the data came from, so deleting the new path deletes that data.
    pub moved: HashMap<String, String>,
    /// Symbolic links and bind mounts made by the input (`ln -s / r`, `mount --bind ~ ./build`):
    /// the link → its target, and whether the link itself stands for the target (a mount point
    /// does; deleting a symlink by its own name removes only the link).
    pub linked: HashMap<String, (String, bool)>,
    /// Descriptors opened for reading by a bare `exec N< SOURCE` (`exec 3< <(curl …)`), so a
    /// later `<&3` reads from SOURCE.
    pub read_fds: HashMap<u32, super::ir::Redirect>,
    /// What a bare `exec < SOURCE` / `exec <<< TEXT` made the shell's own stdin: later commands
    /// with no input of their own read it (`exec 0<<<CODE; bash`). The text when known, else the
    /// redirection.
    pub stdin: Option<Word>,
    /// The redirection of a bare `exec < SOURCE` whose text is not known (`exec < <(curl …)`).
    pub stdin_source: Option<super::ir::Redirect>,
    /// Descriptors opened for writing by a bare `exec N> FILE` / `exec N>> FILE`, so a later
    /// `>&N` writes FILE.
    pub write_fds: HashMap<u32, super::ir::Redirect>,
    /// A bare `exec > >(bash)` sent the input's standard output into a shell: whatever later
    /// commands print is code.
    pub stdout_into_shell: bool,
    /// The input names `coproc` (the compound form's keyword is blanked before parsing).
    pub mentions_coproc: bool,
    /// A coprocess runs a shell reading its stdin (`coproc bash`, `coproc S { sh; }`): text
    /// written to its descriptor (`>&"${COPROC[1]}"`) is code.
    pub coproc_shell: bool,
    /// Variables given the integer attribute (`declare -i n`): bash evaluates every value
    /// assigned to them as arithmetic.
    pub integers: std::collections::HashSet<String>,
    /// Where a bare `exec > TARGET` sent the standard output of later commands, when TARGET is a
    /// network connection (`exec > >(nc HOST PORT)`).
    pub stdout_to: Option<super::ir::Redirect>,
}

/// The longest working directory tracked (a quarter of PATH_MAX); every command keeps it, so
/// `cd src; cd src; …` must not grow it without bound.
const MAX_CWD_BYTES: usize = 1024;

/// Stands for the components cut from a working directory past [`MAX_CWD_BYTES`]: an unknown
/// directory deeper down, which `..` leaves like any other.
const DEEPER: &str = "…";

/// Where the working directory goes for `cd ARGS` (`None`: unknown afterwards).
pub fn cd_target(args: &[Word], state: &ShellState) -> Option<std::sync::Arc<str>> {
    let operand = args
        .iter()
        .find(|a| !a.text.starts_with('-') || a.text == "-");
    if operand.is_some_and(|op| op.text == "-") {
        return state.oldpwd.clone();
    }
    cd_target_unbounded(operand, state).map(|dir| std::sync::Arc::from(bounded_dir(dir)))
}

/// A directory past [`MAX_CWD_BYTES`] keeps its leading components that fit and ends in
/// [`DEEPER`]: `cd /; cd <1 KiB of names>; cd ../../..; rm -rf *` must still climb back to `/`
/// (a `cd` into a directory that does not exist fails and leaves the shell where it was).
fn bounded_dir(dir: String) -> String {
    if dir.len() <= MAX_CWD_BYTES {
        return dir;
    }
    let mut cut = MAX_CWD_BYTES - DEEPER.len() - 1;
    while !dir.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = dir[..cut].rfind('/').map_or("", |slash| &dir[..slash]);
    match head {
        "" if dir.starts_with('/') => format!("/{DEEPER}"),
        "" => DEEPER.to_string(),
        head => format!("{head}/{DEEPER}"),
    }
}

/// Where `cd OPERAND` goes (no operand: home), before [`bounded_dir`].
fn cd_target_unbounded(operand: Option<&Word>, state: &ShellState) -> Option<String> {
    let Some(op) = operand else {
        return Some("~".into());
    };
    if !op.subs.is_empty() {
        return None;
    }
    let t = op.text.as_str();
    if let Some(home) = home_relative(t) {
        return Some(home);
    }
    if op.dynamic || t.contains('$') {
        // `cd "$REPO_ROOT/build"`: an unknown root with literal directories under it stays as
        // written, so `rm -rf *` there reads `$REPO_ROOT/build/*`.
        return under_unknown_root(t).map(normalize);
    }
    if t.starts_with('/') {
        return Some(normalize(t));
    }
    // Relative to an unknown start: keep it relative (`cd build` then `rm -rf *` is `build/*`).
    match state.cwd.as_ref() {
        Some(base) => Some(normalize(&format!("{base}/{t}"))),
        None => Some(normalize(t)),
    }
}

/// `$VAR/dir…` or `${VAR}/dir…`: one variable, then literal directory names (no `..`, no
/// globs, no further expansions).
fn under_unknown_root(t: &str) -> Option<&str> {
    let rest = t.strip_prefix('$')?;
    let (var, tail) = rest.split_once('/')?;
    // (`${WORKSPACE:?}` fails instead of expanding empty: the same root.)
    let var = var
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .map(|v| v.trim_end_matches(":?").trim_end_matches('?'))
        .unwrap_or(var);
    let name_ok = !var.is_empty()
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !var.starts_with(|c: char| c.is_ascii_digit());
    let tail_ok = !tail.is_empty()
        && tail.split('/').all(|c| {
            c.is_empty() || (c != ".." && c != "." && !c.contains(['$', '`', '*', '?', '[', '{']))
        });
    (name_ok && tail_ok && tail.split('/').any(|c| !c.is_empty())).then_some(t)
}

/// `~`, `$HOME` and `${HOME}` (alone or followed by `/…`) as a normalized `~` path.
pub(crate) fn home_relative(t: &str) -> Option<String> {
    let rest = ["${HOME}", "$HOME", "~"]
        .iter()
        .find_map(|h| t.strip_prefix(h))
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))?;
    Some(normalize(&format!("~{rest}")))
}

/// Resolve a relative path argument against the working directory.
pub fn resolve(cwd: &str, arg: &str) -> String {
    if arg.starts_with('/') || arg.starts_with('~') || arg.starts_with('$') || arg.starts_with('-')
    {
        return arg.to_string();
    }
    let joined = if arg == "." {
        cwd.to_string()
    } else {
        format!("{}/{arg}", cwd.trim_end_matches('/'))
    };
    normalize(&joined)
}

/// Collapse `.`, `..` and repeated slashes (`/a/./b/../c//` → `/a/c`), keeping a leading `~`.
pub fn normalize(path: &str) -> String {
    // `~root/..`, `~bob/x`: another user's home is an absolute path.
    let of_user;
    let path = match path
        .strip_prefix('~')
        .map(|r| r.split_once('/').unwrap_or((r, "")))
    {
        Some((user, tail))
            if !user.is_empty()
                && user
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                && !user.starts_with(['-', '.']) =>
        {
            let home = if user == "root" {
                "/root".to_string()
            } else {
                format!("/home/{user}")
            };
            of_user = format!("{home}/{tail}");
            of_user.as_str()
        }
        _ => path,
    };
    let (root, rest) = if let Some(r) = path.strip_prefix('~') {
        ("~", r)
    } else if let Some(r) = path.strip_prefix('/') {
        ("/", r)
    } else {
        ("", path)
    };
    let mut parts: Vec<&str> = Vec::new();
    let components: Vec<&str> = rest.split('/').collect();
    for (i, p) in components.iter().copied().enumerate() {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if root == "~" {
                    // `~/..` leaves the home directory for the directory of every home.
                    return normalize(&format!("/home/{}", components[i + 1..].join("/")));
                } else if root.is_empty() {
                    parts.push(".."); // a relative path above the start stays above it
                }
            }
            _ => parts.push(p),
        }
    }
    let body = parts.join("/");
    match root {
        "~" if body.is_empty() => "~".into(),
        "~" => format!("~/{body}"),
        "/" => format!("/{body}"),
        _ if body.is_empty() => ".".into(),
        _ => body,
    }
}

impl ShellState {
    /// Update the state after `cmd` runs (only builtins that change it matter here).
    pub fn observe(&mut self, cmd: &Command, vars: &mut HashMap<String, Word>) {
        let args = cmd.args();
        match cmd.name() {
            "ln" | "cp" | "install" | "mv" | "link" => {
                if cmd.name() == "mv" {
                    self.record_move(args);
                }
                let symbolic = args.iter().any(|a| {
                    a.text == "--symbolic"
                        || (a.text.starts_with('-')
                            && !a.text.starts_with("--")
                            && a.text.contains('s'))
                });
                if cmd.name() == "ln" && symbolic {
                    self.record_link(args, false);
                }
                let positional: Vec<&str> = args
                    .iter()
                    .map(|a| a.text.as_str())
                    .filter(|a| !a.starts_with('-'))
                    .collect();
                if let [src, dest] = positional[..] {
                    let in_bin_dir = ["/bin/", "/sbin/"].iter().any(|d| src.contains(d));
                    let program = src.rsplit('/').next().unwrap_or("");
                    if in_bin_dir && !program.is_empty() {
                        let dest = if dest.ends_with('/') {
                            format!("{dest}{program}")
                        } else {
                            dest.to_string()
                        };
                        let dest = dest.trim_start_matches("./").to_string();
                        self.program_copies.insert(dest, program.to_string());
                    }
                }
            }
            "rsync" if args.iter().any(|a| a.text == "--remove-source-files") => {
                self.record_move(args);
            }
            "mount"
                if args.iter().any(|a| {
                    matches!(a.text.as_str(), "--bind" | "--rbind" | "-B" | "-R")
                        || a.text.split(',').any(|o| o == "bind" || o == "rbind")
                }) =>
            {
                self.record_link(args, true);
            }
            // `losetup /dev/loop7 /dev/sda`: the loop device now is that disk.
            "losetup" => {
                let positional: Vec<&Word> =
                    args.iter().filter(|a| !a.text.starts_with('-')).collect();
                if let [lo, dev] = positional[..] {
                    if lo.text.starts_with("/dev/") && dev.text.starts_with("/dev/") {
                        self.linked
                            .insert(normalize(&lo.text), (normalize(&dev.text), true));
                    }
                }
            }
            // `hash -p /bin/rm ls`: the name `ls` now runs rm.
            "hash" => {
                if let [flag, path, name, ..] = args {
                    if flag.text == "-p" && !name.text.contains('/') {
                        if let Some(program) =
                            path.text.rsplit('/').next().filter(|p| !p.is_empty())
                        {
                            self.program_copies
                                .insert(name.text.clone(), program.to_string());
                        }
                    }
                }
            }
            "cd" | "chdir" => {
                // `CDPATH=/; cd etc`: a bare relative name is looked up under CDPATH first.
                let cdpath = vars.get("CDPATH").filter(|v| !v.dynamic).and_then(|v| {
                    v.text
                        .split(':')
                        .find(|d| !d.is_empty())
                        .map(str::to_string)
                });
                let mut args = args.to_vec();
                if let (Some(base), Some(op)) =
                    (cdpath, args.iter_mut().find(|a| !a.text.starts_with('-')))
                {
                    let bare = !op.text.starts_with(['/', '.', '~', '$']) && !op.dynamic;
                    if bare {
                        op.text = format!("{}/{}", base.trim_end_matches('/'), op.text);
                    }
                }
                let next = cd_target(&args, self);
                self.oldpwd = self.cwd.take();
                self.cwd = next;
            }
            "pushd" => {
                if args.is_empty() {
                    return;
                }
                let next = cd_target(args, self);
                self.dirs.push(self.cwd.take());
                self.cwd = next;
            }
            "popd" => {
                self.cwd = self.dirs.pop().flatten();
            }
            "set" => {
                if let Some(p) = args.iter().position(|a| a.text == "--") {
                    self.positional = Some(args[p + 1..].to_vec());
                } else if args
                    .first()
                    .is_some_and(|a| !a.text.starts_with(['-', '+']))
                {
                    self.positional = Some(args.to_vec());
                }
            }
            "shift" => {
                let n: usize = args.first().and_then(|a| a.text.parse().ok()).unwrap_or(1);
                if let Some(p) = &mut self.positional {
                    let n = n.min(p.len());
                    p.drain(..n);
                }
            }
            "printf" => {
                // `printf -v NAME FORMAT ARGS…`
                if let [flag, name, rest @ ..] = args {
                    if flag.text == "-v" && !rest.is_empty() {
                        let mut fake = cmd.clone();
                        fake.argv = std::iter::once(cmd.argv[0].clone())
                            .chain(rest.iter().cloned())
                            .collect();
                        match super::walk::printed_text(&fake, true) {
                            Some(w) => {
                                vars.insert(name.text.clone(), w);
                            }
                            None => {
                                vars.remove(&name.text);
                            }
                        }
                    }
                }
            }
            "read" => {
                let (options, names) = builtin_options(args, "adinNptu");
                let array = options
                    .iter()
                    .rev()
                    .find(|(l, _)| *l == 'a')
                    .and_then(|(_, v)| v.clone());
                let input = cmd.stdin_text.as_ref().filter(|w| w.subs.is_empty());
                let line = input.map(|w| w.text.lines().next().unwrap_or("").to_string());
                let fields = line.map(|l| self.split_fields(&l));
                if let Some(a) = array {
                    match &fields {
                        Some(f) => {
                            let words = f.iter().map(|t| word_like(input, t)).collect();
                            self.arrays.insert(a, words);
                        }
                        None => {
                            self.arrays.remove(&a);
                        }
                    }
                    return;
                }
                for (i, n) in names.iter().enumerate() {
                    let value = fields.as_ref().map(|f| {
                        if i + 1 == names.len() {
                            f[i.min(f.len())..].join(" ")
                        } else {
                            f.get(i).cloned().unwrap_or_default()
                        }
                    });
                    match value {
                        Some(v) => {
                            vars.insert(n.text.clone(), word_like(input, &v));
                        }
                        None => {
                            vars.remove(&n.text);
                        }
                    }
                }
            }
            // `getopts a: o -a /etc`: the first option's letter and argument.
            "getopts" => {
                if let [spec, name, rest @ ..] = args {
                    let given: Vec<Word> = if rest.is_empty() {
                        self.positional.clone().unwrap_or_default()
                    } else {
                        rest.to_vec()
                    };
                    let letter = given
                        .first()
                        .and_then(|a| a.text.strip_prefix('-'))
                        .and_then(|t| t.chars().next());
                    vars.remove("OPTARG");
                    match letter {
                        Some(l) if spec.text.contains(l) => {
                            vars.insert(
                                name.text.clone(),
                                word_like(given.first(), &l.to_string()),
                            );
                            let takes_value = spec.text.contains(&format!("{l}:"));
                            let attached = &given[0].text[1 + l.len_utf8()..];
                            if takes_value && !attached.is_empty() {
                                vars.insert("OPTARG".into(), word_like(given.first(), attached));
                            } else if let Some(v) = given.get(1).filter(|_| takes_value) {
                                vars.insert("OPTARG".into(), v.clone());
                            }
                        }
                        _ => {
                            vars.remove(&name.text);
                        }
                    }
                }
            }
            // `let i=1 j=i+1`: arithmetic assignments with literal operands.
            "let" => {
                for a in args {
                    if let Some((name, expr)) = a.text.split_once('=') {
                        match super::words::eval_arithmetic(expr).filter(|_| !a.dynamic) {
                            Some(v) => {
                                vars.insert(name.to_string(), word_like(Some(a), &v.to_string()));
                            }
                            None => {
                                vars.remove(name);
                            }
                        }
                    }
                }
            }
            "mapfile" | "readarray" => {
                let (_, names) = builtin_options(args, "dnOsuCc");
                let name = names
                    .first()
                    .map(|w| w.text.clone())
                    .unwrap_or_else(|| "MAPFILE".into());
                match cmd.stdin_text.as_ref().filter(|w| w.subs.is_empty()) {
                    Some(w) => {
                        let lines = w.text.lines().map(|l| word_like(Some(w), l)).collect();
                        self.arrays.insert(name, lines);
                    }
                    None => {
                        self.arrays.remove(&name);
                    }
                }
            }
            _ => {}
        }
    }

    /// Remember `SRC DEST` of a move (a destination ending in `/` receives SRC's name).
    fn record_move(&mut self, args: &[Word]) {
        let positional: Vec<&Word> = args.iter().filter(|a| !a.text.starts_with('-')).collect();
        if let [src, dest] = positional[..] {
            if src.dynamic || !src.subs.is_empty() || dest.dynamic || src.glob {
                return;
            }
            let from = normalize(&src.text);
            let to = if dest.text.ends_with('/') && !src.text.ends_with('/') {
                let name = from.rsplit('/').next().unwrap_or("");
                normalize(&format!("{}/{name}", dest.text))
            } else {
                normalize(&dest.text)
            };
            if from != to {
                self.moved.insert(to, from);
            }
        }
    }

    /// Remember `TARGET LINK` of a symlink or `SRC DEST` of a bind mount.
    fn record_link(&mut self, args: &[Word], whole: bool) {
        let positional: Vec<&Word> = args
            .iter()
            .filter(|a| !a.text.starts_with('-') && !a.text.contains(','))
            .collect();
        if let [target, link] = positional[..] {
            let home = home_relative(&target.text).filter(|_| target.subs.is_empty());
            if (target.dynamic && home.is_none()) || link.dynamic || !target.subs.is_empty() {
                return;
            }
            let to = home.unwrap_or_else(|| normalize(&target.text));
            let at = if link.text.ends_with('/') && !whole {
                let name = to.rsplit('/').next().unwrap_or("");
                normalize(&format!("{}/{name}", link.text))
            } else {
                normalize(&link.text)
            };
            if at != to {
                self.linked.insert(at, (to, whole));
            }
        }
    }

    /// The data a path holds after the moves so far (`/tmp/gone/x` after `mv ~/.ssh /tmp/gone`
    /// is `~/.ssh/x`).
    pub fn origin_of(&self, path: &str) -> Option<String> {
        let p = normalize(path);
        // A trailing slash follows a symlink (`rm -rf link/` empties the target).
        let through = path.ends_with('/') && p != "/";
        self.moved
            .iter()
            .find_map(|(to, from)| {
                let rest = p.strip_prefix(to.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then(|| format!("{from}{rest}"))
            })
            .or_else(|| {
                self.linked.iter().find_map(|(link, (target, whole))| {
                    let rest = p.strip_prefix(link.as_str())?;
                    let inside = rest.starts_with('/') || (rest.is_empty() && (*whole || through));
                    inside.then(|| normalize(&format!("{}/{rest}", target.trim_end_matches('/'))))
                })
            })
    }

    /// Split a value into fields on the current `IFS` (default blanks).
    pub fn split_fields(&self, s: &str) -> Vec<String> {
        match &self.ifs {
            Some(ifs) if !ifs.is_empty() => s
                .split(|c: char| ifs.contains(c))
                .filter(|f| !f.is_empty() || !ifs.chars().all(char::is_whitespace))
                .map(str::to_string)
                .collect(),
            _ => s.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// A builtin's options and operands parsed as bash's own getopt does: bundled letters (`-ra c`),
/// values attached or in the next word (`-d,` / `-d ,`) for the letters in `valued`, and options
/// ending at `--` or at the first word that is not one.
pub(crate) fn builtin_options<'a>(
    args: &'a [Word],
    valued: &str,
) -> (Vec<(char, Option<String>)>, Vec<&'a Word>) {
    let mut options = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        let Some(letters) = t.strip_prefix('-').filter(|l| !l.is_empty()) else {
            break;
        };
        i += 1;
        for (at, letter) in letters.char_indices() {
            if !valued.contains(letter) {
                options.push((letter, None));
                continue;
            }
            let attached = &letters[at + letter.len_utf8()..];
            let value = if attached.is_empty() {
                i += 1;
                args.get(i - 1).map(|w| w.text.clone())
            } else {
                Some(attached.to_string())
            };
            options.push((letter, value));
            break;
        }
    }
    (options, args[i.min(args.len())..].iter().collect())
}

/// Operands after options (skipping the values of `value_opts`).
pub(crate) fn option_operands<'a>(args: &'a [Word], value_opts: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if value_opts.contains(&t) {
            i += 2;
            continue;
        }
        if t.starts_with('-') {
            i += 1;
            continue;
        }
        out.push(&args[i]);
        i += 1;
    }
    out
}

/// A word carrying `text`, with the flags of the word it came from.
fn word_like(from: Option<&Word>, text: &str) -> Word {
    Word {
        text: text.to_string(),
        span: from.map(|w| w.span).unwrap_or_default(),
        dynamic: from.is_some_and(|w| w.dynamic),
        ..Word::default()
    }
}

/// Apply a parameter operation (`/a/b`, `//a/b`, `#p`, `##p`, `%p`, `%%p`, `,,`, `^^`, `,`, `^`,
/// `:off`, `:off:len`) to a known value; `None` for operations it does not model.
pub fn param_op(value: &str, op: &str) -> Option<String> {
    // `${x@E}`: the value with its backslash escapes expanded, as `$'…'` would.
    if op == "@E" {
        return Some(super::escapes::decode_ansi_c(value));
    }
    if let Some(rest) = op.strip_prefix("//") {
        let (pat, rep) = rest.split_once('/').unwrap_or((rest, ""));
        return literal_pattern(pat).map(|p| value.replace(&p, rep));
    }
    if let Some(rest) = op.strip_prefix('/') {
        let (pat, rep) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(p) = pat.strip_prefix('#') {
            let p = literal_pattern(p)?;
            return Some(match value.strip_prefix(p.as_str()) {
                Some(r) => format!("{rep}{r}"),
                None => value.to_string(),
            });
        }
        if let Some(p) = pat.strip_prefix('%') {
            let p = literal_pattern(p)?;
            return Some(match value.strip_suffix(p.as_str()) {
                Some(r) => format!("{r}{rep}"),
                None => value.to_string(),
            });
        }
        let p = literal_pattern(pat)?;
        return Some(value.replacen(&p, rep, 1));
    }
    if let Some(p) = op.strip_prefix("##") {
        return Some(strip_prefix_glob(value, p, true));
    }
    if let Some(p) = op.strip_prefix('#') {
        return Some(strip_prefix_glob(value, p, false));
    }
    if let Some(p) = op.strip_prefix("%%") {
        return Some(strip_suffix_glob(value, p, true));
    }
    if let Some(p) = op.strip_prefix('%') {
        return Some(strip_suffix_glob(value, p, false));
    }
    match op {
        // `${x@P}` / `${x@E}` expand prompt sequences or escapes, which a path does not hold.
        "@P" | "@E" if !value.contains('\\') => return Some(value.to_string()),
        "@L" => return Some(value.to_lowercase()),
        "@U" => return Some(value.to_uppercase()),
        ",," => return Some(value.to_lowercase()),
        "^^" => return Some(value.to_uppercase()),
        "," => {
            let mut c = value.chars();
            return Some(
                c.next()
                    .map(|f| f.to_lowercase().chain(c).collect())
                    .unwrap_or_default(),
            );
        }
        "^" => {
            let mut c = value.chars();
            return Some(
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default(),
            );
        }
        _ => {}
    }
    if let Some(rest) = op.strip_prefix(':') {
        if rest.starts_with(['-', '=', '?', '+']) {
            return None;
        }
        let (off, len) = match rest.split_once(':') {
            Some((o, l)) => (o, Some(l)),
            None => (rest, None),
        };
        let chars: Vec<char> = value.chars().collect();
        let off: i64 = off.trim().trim_matches(['(', ')']).parse().ok()?;
        let start = if off < 0 {
            chars.len().saturating_sub(off.unsigned_abs() as usize)
        } else {
            (off as usize).min(chars.len())
        };
        let end = match len {
            Some(l) => {
                let l: i64 = l.trim().parse().ok()?;
                if l < 0 {
                    chars
                        .len()
                        .saturating_sub(l.unsigned_abs() as usize)
                        .max(start)
                } else {
                    (start + l as usize).min(chars.len())
                }
            }
            None => chars.len(),
        };
        return Some(chars[start..end].iter().collect());
    }
    None
}

/// A pattern without glob characters, unescaped.
fn literal_pattern(p: &str) -> Option<String> {
    if p.contains(['*', '?', '[']) {
        return None;
    }
    Some(p.replace('\\', ""))
}

/// Does `s` match the glob `pat` (`*`, `?`, literal characters)? Linear-space dynamic
/// programming, so patterns full of `*` cannot make it exponential.
fn glob_match(pat: &[char], s: &[char]) -> bool {
    // prev[j]: pat[..i] matches s[..j]
    let mut prev = vec![false; s.len() + 1];
    prev[0] = true;
    for &p in pat {
        let mut cur = vec![false; s.len() + 1];
        if p == '*' {
            let mut any = false;
            for j in 0..=s.len() {
                any |= prev[j];
                cur[j] = any;
            }
        } else {
            for j in 1..=s.len() {
                cur[j] = prev[j - 1] && (p == '?' || p == s[j - 1]);
            }
        }
        prev = cur;
    }
    prev[s.len()]
}

/// Longest pattern we evaluate (bounds the matcher's work on hostile input).
const MAX_PATTERN: usize = 64;

/// Longest value the prefix/suffix operations scan (each is O(value × pattern) per cut).
const MAX_SCANNED: usize = 256;

fn strip_prefix_glob(value: &str, pat: &str, longest: bool) -> String {
    let p: Vec<char> = pat.replace('\\', "").chars().collect();
    let v: Vec<char> = value.chars().collect();
    if p.len() > MAX_PATTERN || v.len() > MAX_SCANNED {
        return value.to_string();
    }
    let mut lens: Vec<usize> = (0..=v.len()).collect();
    if longest {
        lens.reverse();
    }
    for n in lens {
        if glob_match(&p, &v[..n]) {
            return v[n..].iter().collect();
        }
    }
    value.to_string()
}

fn strip_suffix_glob(value: &str, pat: &str, longest: bool) -> String {
    let p: Vec<char> = pat.replace('\\', "").chars().collect();
    let v: Vec<char> = value.chars().collect();
    if p.len() > MAX_PATTERN || v.len() > MAX_SCANNED {
        return value.to_string();
    }
    let mut starts: Vec<usize> = (0..=v.len()).collect();
    if !longest {
        starts.reverse();
    }
    for s in starts {
        if glob_match(&p, &v[s..]) {
            return v[..s].iter().collect();
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str) -> Word {
        Word {
            text: t.into(),
            ..Word::default()
        }
    }

    #[test]
    fn a_working_directory_past_the_bound_keeps_its_head_and_climbs_back() {
        let long = format!(
            "/{}/{}/{}/{}",
            "a".repeat(300),
            "b".repeat(300),
            "c".repeat(300),
            "d".repeat(300)
        );
        let bounded = bounded_dir(long.clone());
        assert!(bounded.len() <= MAX_CWD_BYTES);
        assert_eq!(
            bounded,
            format!(
                "/{}/{}/{}/{DEEPER}",
                "a".repeat(300),
                "b".repeat(300),
                "c".repeat(300)
            )
        );
        let mut state = ShellState::default();
        state.cwd = cd_target(&[w("/")], &state);
        state.cwd = cd_target(&[w(&long[1..])], &state);
        assert!(state
            .cwd
            .as_deref()
            .is_some_and(|d| d.len() <= MAX_CWD_BYTES));
        state.cwd = cd_target(&[w("../../../..")], &state);
        assert_eq!(state.cwd.as_deref(), Some("/"));
        assert_eq!(bounded_dir("x".repeat(2000)), DEEPER);
        assert_eq!(
            bounded_dir(format!("/{}", "x".repeat(2000))),
            format!("/{DEEPER}")
        );
        assert_eq!(bounded_dir("/srv/app".into()), "/srv/app");
    }

    #[test]
    fn builtin_options_bundle_and_take_values_like_getopt() {
        let args: Vec<Word> = ["-ra", "c", "x"].map(w).to_vec();
        let (opts, rest) = builtin_options(&args, "adinNptu");
        assert_eq!(opts, vec![('r', None), ('a', Some("c".into()))]);
        assert_eq!(
            rest.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["x"]
        );
        let args: Vec<Word> = ["-d,", "-r", "--", "-n"].map(w).to_vec();
        let (opts, rest) = builtin_options(&args, "adinNptu");
        assert_eq!(opts, vec![('d', Some(",".into())), ('r', None)]);
        assert_eq!(
            rest.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["-n"]
        );
        let args: Vec<Word> = ["-p"].map(w).to_vec();
        let (opts, rest) = builtin_options(&args, "p");
        assert_eq!(opts, vec![('p', None)]);
        assert!(rest.is_empty());
    }

    #[test]
    fn cd_forms() {
        let mut s = ShellState::default();
        assert_eq!(cd_target(&[], &s).as_deref(), Some("~"));
        assert_eq!(cd_target(&[w("/")], &s).as_deref(), Some("/"));
        assert_eq!(
            cd_target(&[w("-P"), w("/usr/")], &s).as_deref(),
            Some("/usr")
        );
        assert_eq!(cd_target(&[w("build")], &s).as_deref(), Some("build"));
        assert_eq!(cd_target(&[w("../..")], &s).as_deref(), Some("../.."));
        s.cwd = Some("/tmp".into());
        assert_eq!(cd_target(&[w("build/../x")], &s).as_deref(), Some("/tmp/x"));
        assert_eq!(cd_target(&[w("$HOME")], &s).as_deref(), Some("~"));
        s.oldpwd = Some("/etc".into());
        assert_eq!(cd_target(&[w("-")], &s).as_deref(), Some("/etc"));
    }

    #[test]
    fn resolve_and_normalize() {
        assert_eq!(resolve("/", "*"), "/*");
        assert_eq!(resolve("/", "."), "/");
        assert_eq!(resolve("~", "./*"), "~/*");
        assert_eq!(resolve("/tmp", "../etc"), "/etc");
        assert_eq!(resolve("/tmp", "/x"), "/x");
        assert_eq!(resolve("/tmp", "-rf"), "-rf");
        assert_eq!(normalize("/a/./b/../c//"), "/a/c");
        assert_eq!(normalize("/.."), "/");
        // Above the home directory is the directory of every home.
        assert_eq!(normalize("~/.."), "/home");
        assert_eq!(normalize("~/a/../../bob/x"), "/home/bob/x");
        assert_eq!(normalize("~/../.."), "/");
        assert_eq!(normalize("~/./a/.."), "~");
        assert_eq!(normalize("~root/.."), "/");
        assert_eq!(normalize("~bob/src/../x"), "/home/bob/x");
        // `~+` (the working directory) and `~-` are not user names.
        assert!(!normalize("~+/x").starts_with("/home"));
        assert!(!normalize("~-/x").starts_with("/home"));
        assert_eq!(resolve("..", "*"), "../*");
        assert_eq!(resolve("build", "*"), "build/*");
    }

    #[test]
    fn parameter_operations() {
        assert_eq!(param_op("/tmp", "/tmp/").as_deref(), Some("/"));
        assert_eq!(param_op("aXbXc", "//X/-").as_deref(), Some("a-b-c"));
        assert_eq!(param_op("/home/me", "%%home*").as_deref(), Some("/"));
        assert_eq!(param_op("/boot", "#/boot").as_deref(), Some(""));
        assert_eq!(param_op("a.b.c", "##*.").as_deref(), Some("c"));
        assert_eq!(param_op("a.b.c", "%.*").as_deref(), Some("a.b"));
        assert_eq!(param_op("RM", ",,").as_deref(), Some("rm"));
        assert_eq!(param_op("xrm -rf /", ":1").as_deref(), Some("rm -rf /"));
        assert_eq!(param_op("abcdef", ":1:2").as_deref(), Some("bc"));
        assert_eq!(param_op("abcdef", ":-2").as_deref(), None);
        assert_eq!(param_op("abcdef", ": -2").as_deref(), Some("ef"));
    }

    #[test]
    fn fields_follow_ifs() {
        let mut s = ShellState::default();
        assert_eq!(s.split_fields(" a  b "), ["a", "b"]);
        s.ifs = Some(",".into());
        assert_eq!(s.split_fields("rm,-rf,/"), ["rm", "-rf", "/"]);
    }
}
