//! Commands carried inside documents handed to an API or an orchestrator: a Kubernetes patch
//! whose container `command` is `["sh","-c","…"]`, a Docker Engine API `containers/create` body
//! with `Cmd` and `Binds`, `gh workflow run -f cmd='…'`, `terraform -var 'user_data=…'`, a pod or
//! a build config fed on stdin. The sink table names the programs, the options holding the
//! document and the `fields` that hold code; this module reads JSON, `KEY=VALUE` and the plain
//! YAML/HCL lines such documents are written in.

use super::ir::Word;
use super::sinks::{key_values, option_at, part, subcommand_ok, Code, Place, SinkSpec};
use crate::interp::Lang;

/// Most nested JSON levels searched.
const MAX_DEPTH: usize = 16;
/// Most code items taken from one document.
const MAX_ITEMS: usize = 64;

/// What a document asks the other side to run.
#[derive(Debug, Default, PartialEq)]
struct Found {
    /// Command lines or program text.
    code: Vec<String>,
    /// Argument vectors (`"Cmd": ["rm", "-rf", "/host"]`).
    argvs: Vec<Vec<String>>,
    /// Docker bind mounts, `(container path, host path)`.
    mounts: Vec<(String, String)>,
}

impl Found {
    fn full(&self) -> bool {
        self.code.len() + self.argvs.len() >= MAX_ITEMS
    }

    /// A list of strings under a code field: a shell's `-c` script, or an argv.
    fn list(&mut self, key: &str, items: Vec<String>) {
        if items.is_empty() {
            return;
        }
        if key.eq_ignore_ascii_case("commands") || key.eq_ignore_ascii_case("script") {
            // Lists of lines (`aws ssm` commands, CI `script:` steps).
            self.code.extend(items);
            return;
        }
        if let Some(i) = items.iter().position(|s| s == "-c") {
            let shell_before = i == 0 || super::nested::SHELLS.contains(&base(&items[i - 1]));
            if shell_before {
                if let Some(code) = items.get(i + 1) {
                    self.code.push(code.clone());
                    return;
                }
            }
        }
        if !items[0].starts_with('-') {
            self.argvs.push(items);
        }
    }
}

fn base(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

fn is_field(fields: &[String], key: &str) -> bool {
    // `client_payload[cmd]`, `inputs.cmd`: the last component names the field.
    let key = key.trim_end_matches(']');
    let key = key.rsplit(['[', '.']).next().unwrap_or(key);
    fields.iter().any(|f| f.eq_ignore_ascii_case(key))
}

/// Search a JSON document for code fields and Docker `Binds`.
fn json(v: &serde_json::Value, fields: &[String], depth: usize, out: &mut Found) {
    use serde_json::Value;
    if depth > MAX_DEPTH || out.full() {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "Binds" {
                    for b in v.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        let mut parts = b.split(':');
                        if let (Some(host), Some(inside)) = (parts.next(), parts.next()) {
                            out.mounts.push((inside.to_string(), host.to_string()));
                        }
                    }
                } else if is_field(fields, k) {
                    match v {
                        Value::String(s) => out.code.push(s.clone()),
                        Value::Array(items) => {
                            let items = items
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect();
                            out.list(k, items);
                        }
                        other => json(other, fields, depth + 1, out),
                    }
                } else {
                    json(v, fields, depth + 1, out);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                json(v, fields, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// A value as a list of strings, if it is a JSON list or a YAML flow sequence (items quoted
/// either way or not at all: `[sh, -c, 'sleep 1']`).
pub(super) fn as_list(v: &str) -> Option<Vec<String>> {
    let v = v.trim();
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    if let Ok(list) = serde_json::from_str(v) {
        return Some(list);
    }
    // Split at the commas outside quotes.
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | ']' | '{' | '}') => return None,
            (None, ',') => items.push(std::mem::take(&mut cur).trim().to_string()),
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        return None;
    }
    items.push(cur.trim().to_string());
    Some(items.into_iter().filter(|i| !i.is_empty()).collect())
}

/// A value without one pair of surrounding quotes (`"…"` or `'…'`), blanks trimmed.
pub(super) fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// One argument or option value: a JSON document, `KEY=VALUE` (the key may be a path such as
/// `client_payload[cmd]`), or several `KEY=VALUE` words in one string.
fn value(text: &str, fields: &[String], out: &mut Found) {
    let t = text.trim();
    if t.starts_with(['{', '[']) {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(t) {
            json(&doc, fields, 0, out);
            out.mounts
                .extend(super::manifest_mounts::json_host_mounts(&doc));
        }
        return;
    }
    if let Some((key, v)) = t.split_once('=') {
        let simple = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
        if simple && is_field(fields, key) {
            let v = unquote(v);
            match as_list(v) {
                Some(items) => out.list(key, items),
                None if v.trim_start().starts_with('{') => value(v, fields, out),
                None => out.code.push(v.to_string()),
            }
            return;
        }
        if simple && v.trim_start().starts_with(['{', '[']) {
            value(v, fields, out);
            return;
        }
    }
    for (k, v) in key_values(t) {
        if is_field(fields, &k) {
            match as_list(&v) {
                Some(items) => out.list(&k, items),
                None => out.code.push(v),
            }
        }
    }
}

/// A YAML or HCL document: `KEY: VALUE`, `KEY = VALUE`, flow lists, block lists and block
/// scalars under a code field. Not a full parser: what such documents hold commands in.
fn document(text: &str, fields: &[String], out: &mut Found) {
    if text.trim_start().starts_with(['{', '[']) {
        value(text, fields, out);
        return;
    }
    out.mounts
        .extend(super::manifest_mounts::document_mounts(text));
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() && !out.full() {
        let line = lines[i];
        i += 1;
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start().trim_start_matches("- ").trim_start();
        let Some((key, v)) = body.split_once(':').or_else(|| body.split_once('=')) else {
            continue;
        };
        let key = unquote(key.trim());
        if !is_field(fields, key) {
            continue;
        }
        let v = v.trim();
        if let Some(items) = as_list(v) {
            out.list(key, items);
        } else if v.is_empty() || v.starts_with(['|', '>']) {
            // A block: list items or a scalar, indented deeper than the key.
            let mut items = Vec::new();
            let mut scalar = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                let lead = l.len() - l.trim_start().len();
                if !l.trim().is_empty() && lead <= indent && !l.trim_start().starts_with("- ") {
                    break;
                }
                if !l.trim().is_empty() && lead < indent {
                    break;
                }
                i += 1;
                match l.trim_start().strip_prefix("- ") {
                    Some(item) if !v.starts_with(['|', '>']) => {
                        items.push(unquote(item).to_string())
                    }
                    _ => scalar.push(l.trim()),
                }
            }
            if !items.is_empty() {
                out.list(key, items);
            }
            if !scalar.is_empty() {
                out.code.push(scalar.join("\n"));
            }
        } else {
            out.code.push(unquote(v).to_string());
        }
    }
}

/// Extract the code of a `payload` sink: the values of its `options` (every positional
/// argument when it has none), and a document read from stdin when an argument names stdin.
pub(super) fn payload(
    spec: &SinkSpec,
    args: &[Word],
    input: Option<&Word>,
    push: &mut dyn FnMut(Code, Place),
) {
    let Some(start) = subcommand_ok(spec, args) else {
        return;
    };
    if !spec.reaches_api(args) {
        return;
    }
    let mut docs: Vec<Word> = Vec::new();
    let mut i = start;
    while i < args.len() {
        let mut used = 1;
        if spec.options.is_empty() {
            if !args[i].text.starts_with('-') {
                docs.push(args[i].clone());
            }
        } else {
            for opt in &spec.options {
                if let Some((v, n)) = option_at(opt, args, i) {
                    docs.push(v);
                    used = n;
                    break;
                }
            }
        }
        i += used;
    }
    // `-f -`, `--config=/dev/stdin`; a `-` right before a heredoc can reach us as a dangling
    // `-f` (or nothing at all after the subcommand).
    let reads_stdin = args.iter().any(|a| {
        let t = a.text.as_str();
        t == "-" || t.ends_with("=-") || t.ends_with("/dev/stdin")
    }) || args
        .last()
        .is_some_and(|a| a.text == "-f" || a.text == "--filename")
        || (spec.options.is_empty() && docs.is_empty());
    let lang = Lang::parse(spec.lang.as_deref());
    let mut emit = |w: &Word, found: Found| {
        let mut label = spec.runs.clone();
        if let (Some(l), Some(root)) = (&mut label, found.mounts.iter().find(|(_, h)| h == "/")) {
            l.push_str(&format!(" with the host's / mounted at {}", root.0));
        }
        let place = Place {
            label,
            isolated: !found.mounts.is_empty(),
            mounts: found.mounts,
            detached: true,
            ..Place::default()
        };
        for code in found.code {
            push(Code::Text(lang, part(w, &code)), place.clone());
        }
        for argv in found.argvs {
            push(
                Code::Argv(argv.iter().map(|a| part(w, a)).collect()),
                place.clone(),
            );
        }
    };
    for w in &docs {
        let mut found = Found::default();
        value(&w.text, &spec.fields, &mut found);
        emit(w, found);
    }
    if let Some(w) = input.filter(|_| reads_stdin) {
        let mut found = Found::default();
        document(&w.text, &spec.fields, &mut found);
        emit(w, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn json_code_argv_and_binds() {
        let mut f = Found::default();
        value(
            r#"{"Image":"alpine","Cmd":["sh","-c","rm -rf /host/*"],"HostConfig":{"Binds":["/:/host"]}}"#,
            &fields(&["Cmd"]),
            &mut f,
        );
        assert_eq!(f.code, ["rm -rf /host/*"]);
        assert_eq!(f.mounts, [("/host".to_string(), "/".to_string())]);
        let mut f = Found::default();
        value(
            r#"{"spec":{"containers":[{"name":"a","command":["nsenter","-t","1","sh"]}]}}"#,
            &fields(&["command"]),
            &mut f,
        );
        assert_eq!(f.argvs, [vec!["nsenter", "-t", "1", "sh"]]);
        // Options alone are not an argv; an unrelated list is not code.
        let mut f = Found::default();
        value(
            r#"{"args":["--port","80"],"tags":["rm","x"]}"#,
            &fields(&["args"]),
            &mut f,
        );
        assert_eq!(f, Found::default());
    }

    #[test]
    fn key_value_forms() {
        let f1 = fields(&["cmd", "user_data"]);
        let mut f = Found::default();
        value("client_payload[cmd]=curl x | sh", &f1, &mut f);
        value("user_data=\"rm -rf /\"", &f1, &mut f);
        value("ref=main", &f1, &mut f);
        value("a=1 cmd='id -u'", &f1, &mut f);
        assert_eq!(f.code, ["curl x | sh", "rm -rf /", "id -u"]);
    }

    #[test]
    fn yaml_and_hcl_documents() {
        let f1 = fields(&["command", "args"]);
        let mut f = Found::default();
        document(
            "spec:\n  containers:\n  - name: x\n    command: [\"sh\", \"-c\", \"curl x | sh\"]\n",
            &f1,
            &mut f,
        );
        document(
            "steps:\n- name: gcr.io/x\n  args:\n  - -c\n  - rm -rf /\n",
            &f1,
            &mut f,
        );
        document(
            "task \"t\" {\n  config {\n    command = \"/bin/sh\"\n    args = [\"-c\", \"id\"]\n  }\n}\n",
            &f1,
            &mut f,
        );
        document(
            "command: |\n  apt-get update\n  make\nother: 1\n",
            &f1,
            &mut f,
        );
        assert_eq!(
            f.code,
            [
                "curl x | sh",
                "rm -rf /",
                "/bin/sh",
                "id",
                "apt-get update\nmake"
            ]
        );
    }
}
