//! Configuration-management one-liners read as the shell commands they amount to: an ansible
//! ad-hoc `file` module with `state=absent` is `rm -rf PATH`, `salt '*' disk.wipe DEV` is
//! `wipefs -a DEV`, `puppet apply -e "file { '/etc': ensure => absent }"` is `rm -rf /etc`. The
//! walker scans the result like any nested code, so the floor applies by effect.

use super::ir::Word;

/// The shell commands a configuration-management call amounts to (empty when unknown).
pub fn equivalent_commands(name: &str, args: &[Word]) -> Vec<String> {
    let text: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    match name {
        "ansible" => ansible(&text),
        "salt" | "salt-call" | "salt-ssh" => salt(&text),
        "puppet" => puppet(&text),
        "pyinfra" => pyinfra(&text),
        _ => Vec::new(),
    }
}

/// A path or device as a shell word: `~` and `$HOME` stay expandable, anything else is quoted.
fn shell_word(value: &str) -> String {
    let v = value.trim_matches(['\'', '"']);
    // `{{ lookup('env','HOME') }}`, `{{ ansible_env.HOME }}`: the home directory.
    let v = if v.starts_with("{{") && v.contains("HOME") {
        "$HOME"
    } else {
        v
    };
    if v.bytes().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~' | b'$' | b'*')
    }) {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

/// `key=value` pairs of a module argument string (`path=/etc state=absent`, `line='a b'`): a
/// quoted value keeps its spaces.
fn pairs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let Some(eq) = rest[..word_end].find('=') else {
            rest = rest[word_end..].trim_start();
            continue;
        };
        let key = rest[..eq].to_ascii_lowercase();
        let after = &rest[eq + 1..];
        let (value, next) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => match after[1..].find(q) {
                Some(close) => (&after[1..1 + close], &after[close + 2..]),
                None => (&after[1..], ""),
            },
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.push((key, value.to_string()));
        rest = next.trim_start();
    }
    out
}

/// A value as one single-quoted shell word.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The home directory of `user` on the managed host.
fn home_of(user: &str) -> String {
    if user == "root" {
        "/root".into()
    } else {
        format!("/home/{user}")
    }
}

fn get<'a>(pairs: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| keys.contains(&k.as_str()))
        .map(|(_, v)| v.as_str())
}

fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1" | "on"))
}

/// `ansible HOSTS -m MODULE -a ARGS`.
fn ansible(text: &[&str]) -> Vec<String> {
    let value = |opts: &[&str]| {
        text.windows(2)
            .find(|w| opts.contains(&w[0]))
            .map(|w| w[1])
            .or_else(|| {
                text.iter()
                    .find_map(|t| opts.iter().find_map(|o| t.strip_prefix(&format!("{o}="))))
            })
    };
    let Some(module) = value(&["-m", "--module-name"]) else {
        return Vec::new();
    };
    let module = module.rsplit('.').next().unwrap_or(module);
    let p = pairs(value(&["-a", "--args"]).unwrap_or(""));
    module_commands(module, &p)
}

/// What one module call does, by module name and arguments.
fn module_commands(module: &str, p: &[(String, String)]) -> Vec<String> {
    let path = get(p, &["path", "dest", "name"]);
    match module {
        "file" => {
            let Some(path) = path.map(shell_word) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if get(p, &["state"]) == Some("absent") {
                out.push(format!("rm -rf {path}"));
            }
            let r = if truthy(get(p, &["recurse"])) {
                "-R "
            } else {
                ""
            };
            if let Some(mode) = get(p, &["mode"]) {
                out.push(format!("chmod {r}{} {path}", shell_word(mode)));
            }
            if let Some(owner) = get(p, &["owner"]) {
                out.push(format!("chown {r}{} {path}", shell_word(owner)));
            }
            out
        }
        "filesystem" => get(p, &["dev"])
            .map(|d| {
                vec![format!(
                    "mkfs.{} {}",
                    get(p, &["fstype"]).unwrap_or("ext4"),
                    shell_word(d)
                )]
            })
            .unwrap_or_default(),
        // Content written into a file: the same judgement as `printf … > FILE`.
        "copy" => match (get(p, &["content"]), get(p, &["dest"])) {
            (Some(content), Some(dest)) => vec![format!(
                "printf '%s\\n' {} > {}",
                quoted(content),
                shell_word(dest)
            )],
            _ => Vec::new(),
        },
        "lineinfile" | "blockinfile" if get(p, &["state"]) != Some("absent") => {
            match (get(p, &["line", "block"]), get(p, &["path", "dest"])) {
                (Some(line), Some(path)) => vec![format!(
                    "printf '%s\\n' {} >> {}",
                    quoted(line),
                    shell_word(path)
                )],
                _ => Vec::new(),
            }
        }
        "authorized_key" if get(p, &["state"]) != Some("absent") => {
            match (get(p, &["user"]), get(p, &["key"])) {
                (Some(user), Some(key)) => vec![format!(
                    "printf '%s\\n' {} >> {}/.ssh/authorized_keys",
                    quoted(key),
                    shell_word(&home_of(user))
                )],
                _ => Vec::new(),
            }
        }
        "service" | "systemd" | "systemd_service" => {
            let Some(name) = get(p, &["name"]).map(shell_word) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if get(p, &["state"]) == Some("stopped") {
                out.push(format!("systemctl stop {name}"));
            }
            if get(p, &["enabled"]).is_some_and(|v| matches!(v, "no" | "false" | "False")) {
                out.push(format!("systemctl disable {name}"));
            }
            out
        }
        "user" => {
            let Some(name) = get(p, &["name"]).map(shell_word) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if get(p, &["uid"]) == Some("0") {
                out.push(format!("useradd -o -u 0 {name}"));
            }
            if let Some(groups) = get(p, &["groups"]) {
                out.push(format!("usermod -aG {} {name}", shell_word(groups)));
            }
            out
        }
        "parted" if get(p, &["state"]) == Some("absent") => get(p, &["device"])
            .map(|d| vec![format!("parted -s {} rm 1", shell_word(d))])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Modules whose tasks [`module_commands`] reads.
const TASK_MODULES: &[&str] = &[
    "file",
    "filesystem",
    "copy",
    "lineinfile",
    "blockinfile",
    "authorized_key",
    "service",
    "systemd",
    "systemd_service",
    "user",
    "parted",
];

/// The shell commands the module tasks of an Ansible playbook amount to: `file: path=/etc
/// state=absent` (arguments inline) or `ansible.builtin.file:` with `path:` and `state:` on
/// the lines below.
pub fn playbook_task_commands(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let body = line.trim_start().trim_start_matches("- ").trim_start();
        let indent = line.len() - line.trim_start().len();
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        let module = key.rsplit('.').next().unwrap_or(key);
        if !TASK_MODULES.contains(&module) || (key.contains('.') && !key.starts_with("ansible.")) {
            continue;
        }
        let value = value.trim();
        let p = if value.is_empty() {
            // Arguments as a mapping on the deeper lines.
            let mut p = Vec::new();
            while let Some(l) = lines.get(i) {
                let lead = l.len() - l.trim_start().len();
                if !l.trim().is_empty() && lead <= indent {
                    break;
                }
                i += 1;
                if let Some((k, v)) = l.trim().split_once(':') {
                    let v = v.trim().trim_matches(['"', '\'']);
                    p.push((k.trim().to_ascii_lowercase(), v.to_string()));
                }
            }
            p
        } else {
            pairs(value)
        };
        out.extend(module_commands(module, &p));
    }
    out
}

/// `salt TARGET FUNCTION ARGS…`, `salt-call [--local] FUNCTION ARGS…`.
fn salt(text: &[&str]) -> Vec<String> {
    let positional: Vec<&str> = text
        .iter()
        .copied()
        .filter(|t| !t.starts_with('-'))
        .collect();
    let Some(at) = positional.iter().position(|t| {
        t.contains('.')
            && t.split('.').count() == 2
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
    }) else {
        return Vec::new();
    };
    let func = positional[at];
    let rest = &positional[at + 1..];
    let first = rest
        .iter()
        .find(|a| !a.contains('='))
        .map(|a| shell_word(a));
    match (func, first) {
        ("file.remove" | "file.rmdir" | "file.delete", Some(p)) => vec![format!("rm -rf {p}")],
        ("disk.wipe" | "disk.format", Some(d)) => vec![format!("wipefs -a {d}")],
        ("partition.rm" | "partition.mklabel", Some(d)) => {
            vec![format!("parted -s {d} mklabel gpt")]
        }
        ("cmd.run" | "cmd.shell" | "cmd.exec_code", _) => rest
            .iter()
            .find(|a| !a.contains('=') || a.contains(' '))
            .map(|c| vec![c.trim_matches(['\'', '"']).to_string()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `puppet apply -e MANIFEST`: `file { 'P': ensure => absent }` and `exec { …: command => 'C' }`.
fn puppet(text: &[&str]) -> Vec<String> {
    let Some(manifest) = text
        .windows(2)
        .find(|w| matches!(w[0], "-e" | "--execute"))
        .map(|w| w[1])
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let resource = puppet_resources(manifest);
    for (kind, title, attrs) in resource {
        let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        match kind.as_str() {
            "file" if attr("ensure") == Some("absent") => out.push(format!(
                "rm -rf {}",
                shell_word(attr("path").unwrap_or(&title))
            )),
            "exec" => out.extend(attr("command").map(str::to_string)),
            _ => {}
        }
    }
    out
}

/// One Puppet resource: its type, its title and its `attr => value` pairs.
type Resource = (String, String, Vec<(String, String)>);

/// Resources of a one-line Puppet manifest: `TYPE { 'TITLE': attr => 'value', … }`.
fn puppet_resources(manifest: &str) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut rest = manifest;
    while let Some(open) = rest.find('{') {
        let kind = rest[..open]
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_string();
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let body = &rest[open + 1..open + close];
        let (title, attrs) = body.split_once(':').unwrap_or(("", body));
        let title = title.trim().trim_matches(['\'', '"']).to_string();
        let attrs = attrs
            .split(',')
            .filter_map(|a| a.split_once("=>"))
            .map(|(k, v)| {
                (
                    k.trim().to_string(),
                    v.trim().trim_matches(['\'', '"']).to_string(),
                )
            })
            .collect();
        out.push((kind, title, attrs));
        rest = &rest[open + close + 1..];
    }
    out
}

/// `pyinfra INVENTORY exec -- CMD…`, `pyinfra INVENTORY files.directory path=P present=False`.
fn pyinfra(text: &[&str]) -> Vec<String> {
    if let Some(at) = text.iter().position(|t| *t == "exec") {
        let cmd: Vec<&str> = text[at + 1..]
            .iter()
            .copied()
            .skip_while(|t| *t == "--")
            .collect();
        return if cmd.is_empty() {
            Vec::new()
        } else {
            vec![cmd.join(" ")]
        };
    }
    let Some(at) = text.iter().position(|t| t.starts_with("files.")) else {
        return Vec::new();
    };
    let p = pairs(&text[at + 1..].join(" "));
    let absent = get(&p, &["present"]).is_some_and(|v| v.eq_ignore_ascii_case("false"));
    match (text[at], get(&p, &["path"])) {
        ("files.directory" | "files.file", Some(path)) if absent => {
            vec![format!("rm -rf {}", shell_word(path))]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<Word> {
        s.iter()
            .map(|t| Word {
                text: t.to_string(),
                ..Word::default()
            })
            .collect()
    }

    #[test]
    fn quoted_module_arguments_keep_their_spaces() {
        let p = pairs(r#"content="* * * * * root id" dest=/etc/cron.d/x mode='0644'"#);
        assert_eq!(get(&p, &["content"]), Some("* * * * * root id"));
        assert_eq!(get(&p, &["dest"]), Some("/etc/cron.d/x"));
        assert_eq!(get(&p, &["mode"]), Some("0644"));
        let key = "user=root key='ssh-rsa AAAA x'";
        assert_eq!(
            ansible(&["all", "-m", "authorized_key", "-a", key]),
            ["printf '%s\\n' 'ssh-rsa AAAA x' >> /root/.ssh/authorized_keys"]
        );
        assert_eq!(
            ansible(&[
                "all",
                "-m",
                "service",
                "-a",
                "name=auditd state=stopped enabled=no"
            ]),
            ["systemctl stop auditd", "systemctl disable auditd"]
        );
        assert_eq!(
            ansible(&["all", "-m", "user", "-a", "name=b uid=0"]),
            ["useradd -o -u 0 b"]
        );
        assert!(ansible(&["all", "-m", "copy", "-a", "src=a dest=/tmp/a"]).is_empty());
    }

    #[test]
    fn modules_read_as_their_commands() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "ansible",
                &["all", "-m", "file", "-a", "path=/ state=absent"],
                "rm -rf /",
            ),
            (
                "ansible",
                &[
                    "localhost",
                    "-m",
                    "ansible.builtin.file",
                    "-a",
                    "path=/usr state=absent",
                ],
                "rm -rf /usr",
            ),
            (
                "ansible",
                &[
                    "localhost",
                    "-m",
                    "file",
                    "-a",
                    "path=/ recurse=yes mode=0000",
                ],
                "chmod -R 0000 /",
            ),
            ("salt", &["*", "file.remove", "/etc"], "rm -rf /etc"),
            (
                "salt-call",
                &["--local", "disk.wipe", "/dev/sda"],
                "wipefs -a /dev/sda",
            ),
            (
                "puppet",
                &[
                    "apply",
                    "-e",
                    "file { '/etc': ensure => absent, force => true }",
                ],
                "rm -rf /etc",
            ),
            (
                "puppet",
                &["apply", "-e", "exec { 'x': command => '/bin/rm -rf /', }"],
                "/bin/rm -rf /",
            ),
            (
                "pyinfra",
                &["@local", "files.directory", "path=/etc", "present=False"],
                "rm -rf /etc",
            ),
            (
                "pyinfra",
                &["inventory.py", "exec", "--", "rm", "-rf", "/"],
                "rm -rf /",
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(
                equivalent_commands(name, &words(args)),
                vec![want.to_string()],
                "{name} {args:?}"
            );
        }
    }

    #[test]
    fn playbook_tasks_read_as_their_commands() {
        let inline = "- hosts: all\n  tasks:\n  - file: path=/ state=absent\n";
        assert_eq!(playbook_task_commands(inline), ["rm -rf /"]);
        let block = "- hosts: all\n  tasks:\n    - name: clean\n      ansible.builtin.file:\n        path: /etc\n        state: absent\n    - name: next\n      debug: msg=hi\n";
        assert_eq!(playbook_task_commands(block), ["rm -rf /etc"]);
        let harmless =
            "- hosts: all\n  tasks:\n  - file:\n      path: /srv/app\n      state: directory\n";
        assert!(playbook_task_commands(harmless).is_empty());
    }

    #[test]
    fn ordinary_calls_amount_to_nothing() {
        for (name, args) in [
            ("ansible", &["all", "-m", "ping"][..]),
            // A rolling fleet reboot is orchestration, not the floor's power-off of this machine.
            ("ansible", &["web", "-b", "-m", "reboot"][..]),
            (
                "ansible",
                &["web", "-m", "file", "-a", "path=/srv/app state=directory"][..],
            ),
            ("salt", &["*", "test.ping"][..]),
            ("puppet", &["apply", "site.pp"][..]),
            ("pyinfra", &["inventory.py", "deploy.py"][..]),
        ] {
            assert!(
                equivalent_commands(name, &words(args)).is_empty(),
                "{name} {args:?}"
            );
        }
    }
}
