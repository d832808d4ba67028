//! Resource limits (`setrlimit`) applied to a command before it starts: CPU seconds, address
//! space, open files, processes and file size. The kernel does not apply the process limit to
//! root (nor to processes with CAP_SYS_RESOURCE): as root, a sandbox is the containment.

use serde::{Deserialize, Serialize};

/// `[exec.limits]`; 0 means "leave as inherited".
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// CPU seconds.
    pub cpu_secs: u64,
    /// Address space in MiB.
    pub memory_mb: u64,
    /// Open file descriptors.
    pub open_files: u64,
    /// Processes of the user (RLIMIT_NPROC).
    pub processes: u64,
    /// Largest file the command may write, in MiB.
    pub file_size_mb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_secs: 3600,
            // Address-space caps break V8 and the JVM, which reserve far more than they use;
            // left unset by default (docker's --memory caps real memory instead).
            memory_mb: 0,
            open_files: 4096,
            processes: 4096,
            file_size_mb: 16384,
        }
    }
}

impl Limits {
    /// (resource, value) pairs to set.
    pub fn pairs(&self) -> Vec<(libc::__rlimit_resource_t, u64)> {
        [
            (libc::RLIMIT_CPU, self.cpu_secs),
            (libc::RLIMIT_AS, self.memory_mb.saturating_mul(1 << 20)),
            (libc::RLIMIT_NOFILE, self.open_files),
            (libc::RLIMIT_NPROC, self.processes),
            (
                libc::RLIMIT_FSIZE,
                self.file_size_mb.saturating_mul(1 << 20),
            ),
        ]
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .collect()
    }

    /// Apply in the child between fork and exec (async-signal-safe: setrlimit only).
    pub fn apply_in_child(pairs: &[(libc::__rlimit_resource_t, u64)]) -> std::io::Result<()> {
        for (resource, value) in pairs {
            let mut cur = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit with a valid pointer to a local struct.
            if unsafe { libc::getrlimit(*resource, &mut cur) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Never above the inherited hard limit (raising it needs privileges).
            let v = if cur.rlim_max == libc::RLIM_INFINITY {
                *value
            } else {
                (*value).min(cur.rlim_max)
            };
            let lim = libc::rlimit {
                rlim_cur: v,
                rlim_max: v,
            };
            // SAFETY: setrlimit with a valid pointer to a local struct.
            if unsafe { libc::setrlimit(*resource, &lim) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}
