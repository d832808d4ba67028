//! The approval store: commands a person approved for a session or for good.
//!
//! An approval records the exact canonical command *and* the rule ids it was approved for, so
//! approving `git reset --hard HEAD~1` approves neither `git reset --hard origin/main` nor the same
//! command if it later trips a different rule. The file is JSON under the data dir, written
//! atomically (temp file + rename) with mode 0600 while holding an exclusive lock, so concurrent
//! writers lose nothing and a crash mid-write leaves the previous file intact.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a session approval lives at most.
const SESSION_TTL_SECS: u64 = 24 * 3600;

/// How far an approval reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Scope {
    /// Until removed with `hermes-scan allow remove`.
    Always,
    /// For one shell or agent run.
    Session {
        /// The session id (`HERMES_SCAN_SESSION`, or the agent's session id).
        id: String,
    },
}

/// One approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The canonical command line.
    pub command: String,
    /// The rule ids it was approved for (sorted).
    pub rules: Vec<String>,
    /// Its reach.
    pub scope: Scope,
    /// Seconds since the epoch when it was given.
    pub created: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    version: u32,
    approvals: Vec<Approval>,
}

/// The store at one path.
#[derive(Debug, Clone)]
pub struct ApprovalStore {
    path: PathBuf,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl ApprovalStore {
    /// The default store, `$XDG_DATA_HOME/hermes-scan/approvals.json`.
    pub fn default_store() -> Self {
        Self::at(super::load::data_dir().join("approvals.json"))
    }

    /// A store at an explicit path.
    pub fn at(path: PathBuf) -> Self {
        ApprovalStore { path }
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every approval (a missing file is an empty store; a corrupt one is an error).
    pub fn load(&self) -> Result<Vec<Approval>, String> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice::<StoreFile>(&bytes)
                .map(|f| f.approvals)
                .map_err(|e| format!("{}: {e}", self.path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("{}: {e}", self.path.display())),
        }
    }

    /// Does an approval cover this command with these (warn-level) rule ids?
    pub fn covers(&self, command: &str, rules: &[String], session: Option<&str>) -> bool {
        let Ok(all) = self.load() else {
            return false;
        };
        let t = now();
        all.iter().any(|a| {
            let in_scope = match &a.scope {
                Scope::Always => true,
                Scope::Session { id } => {
                    session == Some(id.as_str()) && t.saturating_sub(a.created) < SESSION_TTL_SECS
                }
            };
            in_scope && a.command == command && rules.iter().all(|r| a.rules.contains(r))
        })
    }

    /// Record an approval (idempotent).
    pub fn add(&self, command: &str, rules: &[String], scope: Scope) -> Result<(), String> {
        let mut rules: Vec<String> = rules.to_vec();
        rules.sort();
        rules.dedup();
        let entry = Approval {
            command: command.to_string(),
            rules,
            scope,
            created: now(),
        };
        self.update(|list| {
            let t = now();
            list.retain(|a| match a.scope {
                Scope::Session { .. } => t.saturating_sub(a.created) < SESSION_TTL_SECS,
                Scope::Always => true,
            });
            if !list.iter().any(|a| {
                a.command == entry.command && a.rules == entry.rules && a.scope == entry.scope
            }) {
                list.push(entry.clone());
            }
        })
    }

    /// Remove every approval of exactly this command; returns how many were removed.
    pub fn remove(&self, command: &str) -> Result<usize, String> {
        let mut removed = 0;
        self.update(|list| {
            let before = list.len();
            list.retain(|a| a.command != command);
            removed = before - list.len();
        })?;
        Ok(removed)
    }

    /// Read-modify-write under an exclusive lock, replacing the file atomically.
    fn update(&self, change: impl FnOnce(&mut Vec<Approval>)) -> Result<(), String> {
        let err = |e: std::io::Error| format!("{}: {e}", self.path.display());
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err)?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        let lock_path = self.path.with_extension("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(err)?;
        lock.lock().map_err(err)?;
        clean_stale_temps(dir, &self.path);
        let mut list = self.load()?;
        change(&mut list);
        let file = StoreFile {
            version: 1,
            approvals: list,
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
        let tmp = dir.join(format!(
            ".{}.tmp.{}",
            self.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("approvals"),
            std::process::id()
        ));
        let result = write_new(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, &self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(err)?;
        drop(lock);
        Ok(())
    }
}

/// Temp files of writers that were killed before their rename (`.NAME.tmp.PID` whose process is
/// gone). Called under the lock, so no live writer of this store is mid-write.
fn clean_stale_temps(dir: &Path, store: &Path) {
    let Some(name) = store.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.tmp.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let alive = pid == std::process::id() as i32 || unsafe { libc::kill(pid, 0) } == 0;
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Write a fresh owner-only file and flush it to disk.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f: File = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in a fresh scratch directory, and a guard that removes the directory when the
    /// test ends.
    fn temp_store(name: &str) -> (ApprovalStore, Scratch) {
        let dir = std::env::temp_dir().join(format!("hs-approvals-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        (ApprovalStore::at(dir.join("approvals.json")), Scratch(dir))
    }

    struct Scratch(std::path::PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn always_is_exact_command_and_rules() {
        let (s, _scratch) = temp_store("exact");
        let rules = vec!["git.reset-hard".to_string()];
        s.add("git reset --hard HEAD~1", &rules, Scope::Always)
            .unwrap();
        assert!(s.covers("git reset --hard HEAD~1", &rules, None));
        assert!(!s.covers("git reset --hard origin/main", &rules, None));
        let more = vec!["git.reset-hard".to_string(), "fs.rm-recursive".to_string()];
        assert!(!s.covers("git reset --hard HEAD~1", &more, None));
        let mode = std::fs::metadata(s.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn session_approvals_stay_in_their_session() {
        let (s, _scratch) = temp_store("session");
        let rules = vec!["git.push-force".to_string()];
        s.add("git push -f", &rules, Scope::Session { id: "a".into() })
            .unwrap();
        assert!(s.covers("git push -f", &rules, Some("a")));
        assert!(!s.covers("git push -f", &rules, Some("b")));
        assert!(!s.covers("git push -f", &rules, None));
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let (s, _scratch) = temp_store("concurrent");
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for j in 0..10 {
                        s.add(&format!("cmd {i} {j}"), &["r.x".to_string()], Scope::Always)
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(s.load().unwrap().len(), 160);
    }

    #[test]
    fn temp_files_of_killed_writers_are_cleaned_up() {
        let (store, _scratch) = temp_store("stale");
        let dir = store.path().parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&dir).unwrap();
        let name = store
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        // pid_max is at most 2^22: this pid cannot be a running process.
        let stale = dir.join(format!(".{name}.tmp.99999999"));
        let unrelated = dir.join("notes.txt");
        std::fs::write(&stale, b"{torn").unwrap();
        std::fs::write(&unrelated, b"keep").unwrap();
        store.add("ls", &[], Scope::Always).unwrap();
        assert!(!stale.exists(), "stale temp file left behind");
        assert!(unrelated.exists());
    }

    #[test]
    fn a_torn_temp_file_does_not_corrupt_the_store() {
        let (s, _scratch) = temp_store("torn");
        s.add("ls -la", &[], Scope::Always).unwrap();
        // A crash mid-write leaves a partial temp file next to the store; the store is intact.
        let dir = s.path().parent().unwrap();
        std::fs::write(
            dir.join(".approvals.json.tmp.999999"),
            b"{\"version\":1,\"appro",
        )
        .unwrap();
        assert_eq!(s.load().unwrap().len(), 1);
        s.add("ls", &[], Scope::Always).unwrap();
        assert_eq!(s.load().unwrap().len(), 2);
        assert_eq!(s.remove("ls -la").unwrap(), 1);
        assert_eq!(s.load().unwrap().len(), 1);
    }
}
