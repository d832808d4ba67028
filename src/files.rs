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
/// at most 32 directories deep; only regular files, and directory links are not followed.
pub fn discover(root: &Path, wanted: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    /// How deep below the root files are looked for (monorepos nest packages deeply).
    const MAX_DEPTH: usize = 32;
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
            // Directories are entered only as themselves: a symbolic link to a directory may lead
            // out of the tree (`up -> ..`) or round in a loop.
            let Ok(kind) = e.file_type() else {
                continue;
            };
            if kind.is_dir() {
                let name = e.file_name();
                let skip = SKIPPED_DIRS.iter().any(|s| name == *s);
                if !skip && depth < MAX_DEPTH {
                    stack.push((p, depth + 1));
                }
            } else if wanted(&p) && std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
                // Only regular files (a link to one included): a FIFO named like a lockfile would
                // block the reader forever.
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The bytes of `path`, read with a size limit: a file larger than `limit` (or a device that
/// never ends, like `/dev/zero`) is an error, never read whole.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the {limit}-byte limit for this kind of file"),
        ));
    }
    Ok(buf)
}

/// [`read_limited`] as UTF-8 text.
pub fn read_limited_string(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, limit)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Size limit for configuration files (policy, rule packs, agent settings).
pub const CONFIG_LIMIT: u64 = 8 * 1024 * 1024;
/// Size limit for lockfiles and MCP configs.
pub const PROJECT_FILE_LIMIT: u64 = 256 * 1024 * 1024;
/// Size limit for agent context files (instructions an agent reads: kilobytes, not megabytes).
pub const CONTEXT_FILE_LIMIT: u64 = 4 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_capped() {
        let dir = std::env::temp_dir().join(format!("hs-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("x");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_limited(&f, 5).unwrap(), b"12345");
        assert!(read_limited(&f, 4).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        // A device that never ends is refused after the limit, not read forever.
        if Path::new("/dev/zero").exists() {
            assert!(read_limited(Path::new("/dev/zero"), 1024).is_err());
        }
    }
}
