//! Less common ways interpreter code names the home directory or the filesystem root, rewritten
//! to the literals `"~"` and `"/"` before the code is read, so a recursive delete or a walk of
//! them is judged like `shutil.rmtree(os.path.expanduser("~"))` or `rmSync("/")`.
//!
//! The everyday spellings (`Path.home()`, `os.homedir()`, `$ENV{HOME}`, `Dir.home`) are part of
//! the vocabulary; these are the account-database and path-parsing routes to the same place.

use std::borrow::Cow;
use std::sync::OnceLock;

/// `code` with account-database home lookups written as `"~"` and root lookups as `"/"`.
pub(crate) fn canonical_paths(code: &str) -> Cow<'_, str> {
    // Cheap gate: every pattern below names one of these.
    if !["getpw", "userInfo", "anchor", ".root", "expanduser"]
        .iter()
        .any(|k| code.contains(k))
    {
        return Cow::Borrowed(code);
    }
    static HOME: OnceLock<regex::Regex> = OnceLock::new();
    let home = HOME.get_or_init(|| {
        regex::Regex::new(concat!(
            // Python: `pwd.getpwuid(os.getuid()).pw_dir`, `pwd.getpwnam(getpass.getuser())[5]`.
            r"\bpwd\.getpw(uid|nam)\((\([^()]*\)|[^()])*\)(\.pw_dir\b|\[\s*5\s*\])",
            // Python: `os.path.expanduser('~' + os.environ['USER'])` (the user's own home).
            r#"|(\bos\.path\.)?\bexpanduser\(\s*['"]~['"]\s*\+\s*(os\.environ\[[^\]]+\]|os\.getenv\([^()]*\)|getpass\.getuser\(\)|os\.getlogin\(\))\s*\)"#,
            // Perl: `(getpwuid $<)[7]`, `(getpwuid($>))[7]`, `(getpwnam(getlogin))[7]`.
            r"|\(\s*getpw(uid|nam)\b(\([^()]*\)|[^()])*\)\s*\[\s*7\s*\]",
            // Ruby: `Etc.getpwuid(Process.uid).dir`, `Etc.getpwnam(Etc.getlogin).dir`.
            r"|\bEtc\.getpw(uid|nam)(\((\([^()]*\)|[^()])*\))?\.dir\b",
            // PHP: `posix_getpwuid(posix_getuid())['dir']`.
            r#"|\bposix_getpw(uid|nam)\((\([^()]*\)|[^()])*\)\[\s*['"]dir['"]\s*\]"#,
            // Node: `os.userInfo().homedir`, `require('os').userInfo().homedir`.
            r#"|(require\(\s*['"](node:)?os['"]\s*\)\.|\bos\.)?\buserInfo\(\s*\)\.homedir\b"#,
        ))
        .expect("static regex")
    });
    static ROOT: OnceLock<regex::Regex> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        regex::Regex::new(concat!(
            // Python: `Path.cwd().anchor`, `pathlib.Path.home().root`, `Path('/x').anchor`.
            r"(\bpathlib\.)?\bPath\.(cwd|home)\(\s*\)\.(anchor|root)\b",
            r#"|\bPath\(\s*['"]/[^'"]*['"]\s*\)\.(anchor|root)\b"#,
            // Node: `path.parse(process.cwd()).root`, `require('path').parse(__dirname).root`.
            r#"|(\bpath|require\(\s*['"](node:)?path['"]\s*\))\.parse\((\([^()]*\)|[^()])*\)\.root\b"#,
            // The same through another name for the module, given a path of this machine.
            r"|\b[A-Za-z_$][\w$]*\.parse\(\s*(__dirname|__filename|process\.cwd\(\s*\)|os\.homedir\(\s*\))\s*\)\.root\b",
        ))
        .expect("static regex")
    });
    let code = home.replace_all(code, "\"~\"");
    match root.replace_all(&code, "\"/\"") {
        Cow::Borrowed(_) => code,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_paths;

    #[test]
    fn account_database_homes_and_parsed_roots_become_literals() {
        let cases = [
            (
                "shutil.rmtree(pwd.getpwuid(os.getuid()).pw_dir)",
                "shutil.rmtree(\"~\")",
            ),
            (
                "shutil.rmtree(os.path.expanduser('~' + os.environ['USER']))",
                "shutil.rmtree(\"~\")",
            ),
            ("rmtree((getpwuid $<)[7])", "rmtree(\"~\")"),
            ("rmtree((getpwnam(getlogin))[7])", "rmtree(\"~\")"),
            (
                "FileUtils.rm_rf(Etc.getpwuid(Process.uid).dir)",
                "FileUtils.rm_rf(\"~\")",
            ),
            ("rm(os.userInfo().homedir)", "rm(\"~\")"),
            ("fs.rmSync(p.parse(__dirname).root)", "fs.rmSync(\"/\")"),
            (
                "shutil.rmtree(pathlib.Path.cwd().anchor)",
                "shutil.rmtree(\"/\")",
            ),
            (
                "fs.rmSync(require('path').parse(process.cwd()).root, {recursive: true})",
                "fs.rmSync(\"/\", {recursive: true})",
            ),
        ];
        for (code, want) in cases {
            assert_eq!(canonical_paths(code), want, "{code}");
        }
        // Other fields of the same records, and ordinary parsing, stay as written.
        for code in [
            "print(pwd.getpwuid(os.getuid()).pw_shell)",
            "my $name = (getpwuid $<)[0];",
            "JSON.parse(text).root",
            "os.path.expanduser('~/.cache/pip')",
            "print(Path.cwd().name)",
        ] {
            assert_eq!(canonical_paths(code), code);
        }
    }
}
