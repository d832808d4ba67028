//! The transcript: one JSON object per line for every model turn, tool call, verdict, approval
//! decision and (redacted) result.

use serde_json::{json, Value};
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Where transcript events go (nowhere when no file was given).
pub struct Transcript {
    file: Option<File>,
}

impl Transcript {
    /// Open (create or truncate) a transcript file; `None` writes nothing.
    pub fn open(path: Option<&Path>) -> std::io::Result<Self> {
        let file = match path {
            Some(p) => Some(File::create(p)?),
            None => None,
        };
        Ok(Transcript { file })
    }

    /// Record one event: `{"event": kind, ...fields}`.
    pub fn record(&mut self, kind: &str, fields: Value) {
        let Some(f) = self.file.as_mut() else { return };
        let mut obj = json!({ "event": kind });
        if let (Some(o), Some(extra)) = (obj.as_object_mut(), fields.as_object()) {
            for (k, v) in extra {
                o.insert(k.clone(), v.clone());
            }
        }
        let _ = writeln!(f, "{obj}");
        let _ = f.flush();
    }
}
