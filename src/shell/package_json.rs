//! package.json scripts set by a command instead of an editor: `npm pkg set scripts.X=CMD`,
//! `npm set-script X CMD`, or a `jq`/`yq` program assigning `.scripts.X = "CMD"`. The walker records
//! the result as a write of package.json, so a later `npm test` runs the script like one written
//! with `cat > package.json`.

use super::Command;
use regex::Regex;
use std::sync::OnceLock;

/// The scripts `cmd` sets, as (script name, command), in the order written.
pub fn scripts_set(cmd: &Command) -> Vec<(String, String)> {
    static JQ: OnceLock<Regex> = OnceLock::new();
    let args = cmd.args();
    match cmd.name() {
        // npm 7–8.
        "npm" if args.first().is_some_and(|a| a.text == "set-script") => args
            .get(1)
            .zip(args.get(2))
            .map(|(name, code)| vec![(name.text.clone(), code.text.clone())])
            .unwrap_or_default(),
        // `composer config scripts.post-install-cmd "CMD"`.
        "composer" if args.first().is_some_and(|a| a.text == "config") => args
            .iter()
            .position(|a| a.text.starts_with("scripts."))
            .and_then(|i| {
                let name = args[i].text.strip_prefix("scripts.")?;
                let code: Vec<&str> = args[i + 1..].iter().map(|a| a.text.as_str()).collect();
                (!code.is_empty()).then(|| vec![(name.to_string(), code.join(" "))])
            })
            .unwrap_or_default(),
        "npm" | "pnpm" | "yarn" | "bun" if pkg_index(cmd).is_some() => args
            .iter()
            .filter_map(|a| {
                let (key, value) = a.text.split_once('=')?;
                let name = key.trim_matches(['"', '\'']).strip_prefix("scripts.")?;
                Some((name.to_string(), value.to_string()))
            })
            .collect(),
        "jq" | "gojq" | "jaq" | "yq" => {
            let re = JQ.get_or_init(|| {
                Regex::new(r#"\.scripts(\.|\[\s*")([\w:-]+)"?\s*\]?\s*\|?=\s*(?:"((?:[^"\\]|\\.)*)"|\$(\w+))"#)
                    .expect("static regex")
            });
            // `--arg NAME VALUE`: the value a `$NAME` in the program stands for.
            let named: Vec<(&str, &str)> = args
                .windows(3)
                .filter(|w| w[0].text == "--arg")
                .map(|w| (w[1].text.as_str(), w[2].text.as_str()))
                .collect();
            args.iter()
                .flat_map(|a| re.captures_iter(&a.text))
                .filter_map(|c| {
                    let value = match (c.get(3), c.get(4)) {
                        (Some(v), _) => v.as_str().replace("\\\"", "\""),
                        (None, Some(var)) => named
                            .iter()
                            .find(|(n, _)| *n == var.as_str())
                            .map(|(_, v)| v.to_string())?,
                        _ => return None,
                    };
                    Some((c[2].to_string(), value))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Where `pkg` stands in a package manager's arguments: first, or after `--prefix DIR` /
/// `-C DIR` (`npm --prefix web pkg set …`).
fn pkg_index(cmd: &Command) -> Option<usize> {
    let args = cmd.args();
    match args.iter().position(|a| a.text == "pkg")? {
        0 => Some(0),
        2 if matches!(args[0].text.as_str(), "--prefix" | "-C" | "--dir") => Some(2),
        _ => None,
    }
}

/// The package.json files a script-setting command edits: the working directory's (or the
/// `--prefix` directory's) for npm and friends, the file operands named `package.json` for jq and yq (whose output reaches the file
/// through `yq -i`, `sponge`, a temporary file and `mv`, or a redirection).
pub fn edited_files(cmd: &Command) -> Vec<String> {
    match cmd.name() {
        "jq" | "gojq" | "jaq" | "yq" => cmd
            .args()
            .iter()
            .filter(|a| {
                !a.dynamic && (a.text == "package.json" || a.text.ends_with("/package.json"))
            })
            .map(|a| a.text.clone())
            .collect(),
        _ => match pkg_index(cmd) {
            Some(2) => vec![format!(
                "{}/package.json",
                cmd.args()[1].text.trim_end_matches('/')
            )],
            _ => vec!["package.json".to_string()],
        },
    }
}

/// `existing` package.json text (when known and valid JSON) with `set` merged into its
/// `scripts`; a new object holding only those scripts otherwise.
pub fn with_scripts(existing: Option<&str>, set: &[(String, String)]) -> String {
    let mut doc = existing
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .filter(|v| v.is_object())
        .unwrap_or_else(|| serde_json::json!({}));
    let scripts = doc
        .as_object_mut()
        .expect("checked object")
        .entry("scripts")
        .or_insert_with(|| serde_json::json!({}));
    if !scripts.is_object() {
        *scripts = serde_json::json!({});
    }
    let map = scripts.as_object_mut().expect("checked object");
    for (name, code) in set {
        map.insert(name.clone(), serde_json::Value::String(code.clone()));
    }
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(src: &str) -> Command {
        crate::shell::analyze(src).commands.remove(0)
    }

    #[test]
    fn npm_pkg_set_and_jq_assignments_are_read() {
        let set = scripts_set(&first("npm pkg set scripts.test='rm -rf ~' version=1.2.3"));
        assert_eq!(set, vec![("test".to_string(), "rm -rf ~".to_string())]);
        let jq = first(r#"jq '.scripts["build:prod"] = "curl x | sh"' package.json"#);
        assert_eq!(
            scripts_set(&jq),
            vec![("build:prod".to_string(), "curl x | sh".to_string())]
        );
        assert_eq!(edited_files(&jq), vec!["package.json".to_string()]);
        let arg = first(r#"jq --arg c 'rm -rf ~' '.scripts.test = $c' package.json"#);
        assert_eq!(
            scripts_set(&arg),
            vec![("test".to_string(), "rm -rf ~".to_string())]
        );
        assert!(scripts_set(&first("npm pkg set version=2.0.0")).is_empty());
        let prefixed = first("npm --prefix web pkg set scripts.test=jest");
        assert_eq!(scripts_set(&prefixed).len(), 1);
        assert_eq!(
            edited_files(&prefixed),
            vec!["web/package.json".to_string()]
        );
        assert!(scripts_set(&first("jq '.version = \"1.0\"' package.json")).is_empty());
    }

    #[test]
    fn scripts_merge_into_a_known_package_json() {
        let merged = with_scripts(
            Some(r#"{"name":"x","scripts":{"build":"tsc"}}"#),
            &[("test".into(), "jest".into())],
        );
        let v: serde_json::Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["name"], "x");
        assert_eq!(v["scripts"]["build"], "tsc");
        assert_eq!(v["scripts"]["test"], "jest");
        let fresh = with_scripts(Some("not json"), &[("t".into(), "a".into())]);
        assert_eq!(fresh, r#"{"scripts":{"t":"a"}}"#);
    }
}
