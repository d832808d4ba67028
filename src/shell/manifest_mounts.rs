//! Host paths a container document mounts: compose `volumes:` (`- /:/host`, the long
//! `type: bind` form) and Kubernetes `hostPath` volumes joined to their `volumeMounts` by name.
//! The commands of such a document run with those paths mapped back to the host, so
//! `rm -rf /host/*` under `- /:/host` deletes the host's root, as `docker run -v /:/host` does.
//!
//! Read line by line, as the rest of the sink formats are: list items (`- …`, flow mappings
//! `{name: r, mountPath: /r}`) collect their keys, nested keys included.

use super::payload::unquote;
use super::transforms::split_top_level;
use std::collections::HashMap;

/// Most items remembered from one document.
const MAX_ITEMS: usize = 4096;

/// One list item's keys (`name`, `mountPath`, `path`, `source`, `target`, `hostPath`) or its
/// scalar value (`/:/host:ro`).
#[derive(Debug, Default)]
struct Item {
    keys: HashMap<String, String>,
    scalar: Option<String>,
}

impl Item {
    fn get(&self, key: &str) -> Option<&str> {
        self.keys.get(key).map(String::as_str)
    }

    /// Record the `k: v` pairs of a flow mapping's inside (`name: r, hostPath: {path: /}`),
    /// nested mappings' keys included.
    fn flow_pairs(&mut self, inside: &str) {
        for pair in split_top_level(inside, ',') {
            let Some((k, v)) = pair.split_once(':') else {
                continue;
            };
            match v.trim().strip_prefix('{') {
                Some(nested) => {
                    self.set(k, "");
                    self.flow_pairs(nested.strip_suffix('}').unwrap_or(nested));
                }
                None => self.set(k, v),
            }
        }
    }

    fn set(&mut self, key: &str, value: &str) {
        let key = unquote(key.trim());
        if key.is_empty() {
            return;
        }
        self.keys
            .entry(key.to_string())
            .or_insert_with(|| unquote(value.trim()).to_string());
    }
}

/// The inside of a flow collection written on one line (`[a, b]` → `a, b`).
fn inside(v: &str, open: char, close: char) -> Option<&str> {
    let v = v.trim();
    v.strip_prefix(open)?.strip_suffix(close)
}

/// A host path a mount may name: absolute, the home directory, or `$HOME`/`${HOME}`.
fn host_path(p: &str) -> bool {
    p.starts_with(['/', '~']) || p.starts_with("$HOME") || p.starts_with("${HOME}")
}

/// Whether the document's commands run in containers of their own (a compose file, a pod
/// spec): it names images and is not a CI workflow or a playbook, whose steps run on the host.
pub(crate) fn runs_in_containers(text: &str) -> bool {
    let key = |k: &str| {
        text.lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(k))
    };
    // A container given the host's processes, devices or root is not a place of its own.
    let escapes = [
        "privileged: true",
        "hostPID: true",
        "pid: host",
        "nsenter",
        "chroot",
    ]
    .iter()
    .any(|e| text.contains(e));
    key("image:")
        && !escapes
        && !key("steps:")
        && !key("jobs:")
        && !key("tasks:")
        && !key("script:")
}

/// `(path inside, host path)` of every host directory the document mounts into a container.
pub(crate) fn document_mounts(text: &str) -> Vec<(String, String)> {
    let items = list_items(text);
    let mut mounts = Vec::new();
    // Kubernetes: hostPath volumes by name, then the mounts naming them.
    let host_volumes: HashMap<&str, &str> = items
        .iter()
        .filter(|i| i.keys.contains_key("hostPath"))
        .filter_map(|i| Some((i.get("name")?, i.get("path")?)))
        .collect();
    for item in &items {
        if let (Some(name), Some(inside)) = (item.get("name"), item.get("mountPath")) {
            if let Some(host) = host_volumes.get(name).filter(|h| host_path(h)) {
                mounts.push((inside.to_string(), host.to_string()));
            }
        }
        // Compose's long form: `type: bind`, `source:`, `target:`.
        if let (Some(src), Some(dst)) = (item.get("source"), item.get("target")) {
            if host_path(src) && dst.starts_with('/') && item.get("type") != Some("volume") {
                mounts.push((dst.to_string(), src.to_string()));
            }
        }
        // Compose's short form: `- /:/host`, `- "${HOME}:/h:rw"`.
        if let Some(s) = &item.scalar {
            let mut parts = s.split(':');
            if let (Some(src), Some(dst)) = (parts.next(), parts.next()) {
                // `${HOME}:/h` splits inside the braces only when written `${HOME:-…}`.
                if host_path(src) && dst.starts_with('/') && !dst.contains(' ') {
                    mounts.push((dst.to_string(), src.to_string()));
                }
            }
        }
    }
    mounts.sort();
    mounts.dedup();
    mounts
}

/// `(path inside, host path)` of the `hostPath` volumes a Kubernetes JSON document (a pod
/// spec, `kubectl run --overrides`) mounts, joined to its `volumeMounts` by name.
pub(crate) fn json_host_mounts(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut volumes: HashMap<String, String> = HashMap::new();
    let mut mounts: Vec<(String, String)> = Vec::new();
    let mut stack = vec![(doc, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > 32 || volumes.len() + mounts.len() > MAX_ITEMS {
            break;
        }
        match v {
            serde_json::Value::Object(map) => {
                let name = map.get("name").and_then(|n| n.as_str());
                let host = map
                    .get("hostPath")
                    .and_then(|h| h.get("path"))
                    .and_then(|p| p.as_str());
                if let (Some(n), Some(h)) = (name, host) {
                    volumes.insert(n.to_string(), h.to_string());
                }
                let inside = map.get("mountPath").and_then(|p| p.as_str());
                if let (Some(n), Some(i)) = (name, inside) {
                    mounts.push((n.to_string(), i.to_string()));
                }
                stack.extend(map.values().map(|c| (c, depth + 1)));
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    let mut out: Vec<(String, String)> = mounts
        .into_iter()
        .filter_map(|(name, inside)| {
            let host = volumes.get(&name).filter(|h| host_path(h))?;
            Some((inside, host.clone()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every list item of a YAML document with the keys written under it.
fn list_items(text: &str) -> Vec<Item> {
    // Open items, innermost last, with the column their keys start at.
    let mut open: Vec<(usize, Item)> = Vec::new();
    let mut done: Vec<Item> = Vec::new();
    for line in text.lines() {
        if done.len() >= MAX_ITEMS {
            break;
        }
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let (dash, content) = match body.strip_prefix("- ").or(body.strip_prefix('-')) {
            Some(rest) if body == "-" || body.starts_with("- ") => (true, rest.trim_start()),
            _ => (false, body),
        };
        // Items whose keys sit deeper than this line are finished.
        while open.last().is_some_and(|(col, _)| *col > indent) {
            done.extend(open.pop().map(|(_, i)| i));
        }
        if dash {
            let col = indent + (body.len() - content.len());
            open.push((col, Item::default()));
        }
        let pair = content
            .split_once(':')
            .filter(|(k, _)| !k.contains(['/', '{', '"', '\'', '$', '~']));
        // `volumeMounts: [{name: root, mountPath: /r}]`, `volumes: ["/:/host"]`: finished items
        // of their own, under any key (inside a list item or not).
        if let Some(list) = pair.and_then(|(_, v)| inside(v, '[', ']')) {
            for one in split_top_level(list, ',') {
                let mut inner = Item::default();
                match inside(one, '{', '}') {
                    Some(pairs) => inner.flow_pairs(pairs),
                    None => inner.scalar = Some(unquote(one).to_string()),
                }
                done.push(inner);
            }
            continue;
        }
        let Some((_, item)) = open.last_mut() else {
            continue;
        };
        match pair {
            // `- {name: root, mountPath: /r}`
            None if content.starts_with('{') => {
                item.flow_pairs(inside(content, '{', '}').unwrap_or(content));
            }
            // `hostPath: {path: /, type: Directory}`
            Some((k, v)) if inside(v, '{', '}').is_some() => {
                item.set(k, "");
                item.flow_pairs(inside(v, '{', '}').unwrap_or(""));
            }
            Some((k, v)) => item.set(k, v),
            None if dash => item.scalar = Some(unquote(content).to_string()),
            None => {}
        }
    }
    done.extend(open.into_iter().map(|(_, i)| i));
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn compose_short_and_long_forms() {
        let short = "services:\n  x:\n    volumes:\n      - \"/:/host:rw\"\n      - ./src:/src\n      - data:/data\n    ports:\n      - \"8080:80\"\n";
        assert_eq!(document_mounts(short), pairs(&[("/host", "/")]));
        let long = "services:\n  x:\n    volumes:\n      - type: bind\n        source: ~/\n        target: /h\n      - type: volume\n        source: /named\n        target: /v\n";
        assert_eq!(document_mounts(long), pairs(&[("/h", "~/")]));
    }

    #[test]
    fn kubernetes_host_path_volumes_by_name() {
        let pod = "spec:\n  containers:\n  - name: c\n    volumeMounts:\n    - name: h\n      mountPath: /host\n    - name: tmp\n      mountPath: /tmp\n  volumes:\n  - name: h\n    hostPath:\n      path: /\n  - name: tmp\n    emptyDir: {}\n";
        assert_eq!(document_mounts(pod), pairs(&[("/host", "/")]));
        let flow = "spec:\n  volumes:\n  - name: root\n    hostPath: {path: /etc, type: Directory}\n  containers:\n  - name: c\n    volumeMounts: [{name: root, mountPath: /r}]\n";
        assert_eq!(document_mounts(flow), pairs(&[("/r", "/etc")]));
        let nested = "spec:\n  containers:\n  - name: w\n    volumeMounts: [{name: r, mountPath: /rootfs}]\n  volumes: [{name: r, hostPath: {path: /}}]\n";
        assert_eq!(document_mounts(nested), pairs(&[("/rootfs", "/")]));
        let compose = "services:\n  x:\n    volumes: [\"/:/host\", \"./a:/a\"]\n";
        assert_eq!(document_mounts(compose), pairs(&[("/host", "/")]));
    }

    #[test]
    fn kubernetes_json_overrides() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"spec":{"volumes":[{"name":"h","hostPath":{"path":"/"}},{"name":"e","emptyDir":{}}],"containers":[{"name":"c","volumeMounts":[{"name":"h","mountPath":"/host"},{"name":"e","mountPath":"/e"}]}]}}"#,
        )
        .unwrap();
        assert_eq!(json_host_mounts(&doc), pairs(&[("/host", "/")]));
    }

    #[test]
    fn container_documents_but_not_workflows() {
        assert!(runs_in_containers(
            "services:\n  x:\n    image: alpine\n    command: rm -rf /\n"
        ));
        assert!(!runs_in_containers("jobs:\n  b:\n    services:\n      db:\n        image: postgres\n    steps:\n    - run: make\n"));
        assert!(!runs_in_containers(
            "- hosts: all\n  tasks:\n  - shell: id\n"
        ));
    }

    #[test]
    fn documents_without_host_mounts() {
        let pod = "spec:\n  containers:\n  - name: c\n    volumeMounts:\n    - name: cache\n      mountPath: /cache\n  volumes:\n  - name: cache\n    emptyDir: {}\n";
        assert!(document_mounts(pod).is_empty());
        assert!(document_mounts("- hosts: all\n  tasks:\n  - shell: ls /:/x\n").is_empty());
    }
}
