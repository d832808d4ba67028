//! Walking a project tree for the files a front door reads (lockfiles and MCP configs for
//! `deps`, agent context files for `context`): one walk, the same directories skipped.

use std::path::{Path, PathBuf};

/// Directories never descended into: dependencies, build output, VCS data, virtualenvs.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    ".git",
    ".venv",
    "venv",
    "dist",
    "build",
    "__pycache__",
];

/// Files under `root` that `wanted` accepts, sorted (a file given as `root` is taken as is),
/// at most 8 directories deep.
pub fn discover(root: &Path, wanted: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                let name = e.file_name();
                let skip = SKIPPED_DIRS.iter().any(|s| name == *s);
                if !skip && depth < 8 {
                    stack.push((p, depth + 1));
                }
            } else if wanted(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
