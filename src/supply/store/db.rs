//! The on-disk advisory index: one file (`store.hsdb`) holding every imported entry, grouped by
//! package. Layout (little-endian):
//!
//! ```text
//! "HSDB0002" | fst offset u64 | fst length u64 | entries u64 | packages u64 | sources offset u64
//! package blocks: u32 length, u8 coding (0 raw, 1 deflate), JSON array of entries   (key order)
//! sources: JSON array of source names (entries carry `"source": "#N"`, an index into it)
//! fst map: "ECOSYSTEM canonical-name" → offset of the package block
//! ```
//!
//! Blocks under 1 KiB are stored raw: inflating a few hundred bytes costs more than it saves.
//!
//! The file is memory-mapped: a lookup walks the fst (a few hundred bytes touched) and inflates one
//! block, so cost does not grow with the store. Writers build a new file beside the old one and
//! rename it over, so readers see either the old or the new store, never a mix.

use crate::supply::osv::Entry;
use crate::supply::Ecosystem;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use memmap2::Mmap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// File name of the index inside the store directory.
pub const FILE_NAME: &str = "store.hsdb";
const MAGIC: &[u8; 8] = b"HSDB0002";
/// Blocks at least this large are deflated.
const COMPRESS_FROM: usize = 1024;
const HEADER: usize = 48;

/// The fst's bytes inside the mapping.
struct Section {
    map: Arc<Mmap>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Section {
    fn as_ref(&self) -> &[u8] {
        &self.map[self.start..self.end]
    }
}

/// An open, memory-mapped index.
pub struct Db {
    map: Arc<Mmap>,
    index: fst::Map<Section>,
    /// Entries in the store.
    pub entries: u64,
    /// Packages in the store.
    pub packages: u64,
    /// Source names, indexed by the `#N` the entries carry.
    sources: Vec<String>,
}

/// The index key of a package.
pub fn key(eco: Ecosystem, canonical_name: &str) -> String {
    format!("{} {canonical_name}", eco.as_str())
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl Db {
    /// Open `path`; `Ok(None)` when there is no store yet.
    pub fn open(path: &Path) -> Result<Option<Db>, String> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        // SAFETY: the store file is never written in place — writers rename a new file over it —
        // so the mapped bytes cannot change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| format!("{}: {e}", path.display()))?;
        let bad = |why: &str| format!("{}: not a hermes-scan store ({why})", path.display());
        if map.len() < HEADER || &map[..8] != MAGIC {
            return Err(bad("bad header"));
        }
        let (start, len) = (u64_at(&map, 8) as usize, u64_at(&map, 16) as usize);
        if start < HEADER || start.checked_add(len) != Some(map.len()) {
            return Err(bad("bad index bounds"));
        }
        let (entries, packages) = (u64_at(&map, 24), u64_at(&map, 32));
        let sources_at = u64_at(&map, 40) as usize;
        if sources_at < HEADER || sources_at > start {
            return Err(bad("bad source table bounds"));
        }
        let sources: Vec<String> =
            serde_json::from_slice(&map[sources_at..start]).map_err(|e| bad(&e.to_string()))?;
        let map = Arc::new(map);
        let section = Section {
            map: map.clone(),
            start,
            end: start + len,
        };
        let index = fst::Map::new(section).map_err(|e| bad(&e.to_string()))?;
        Ok(Some(Db {
            map,
            index,
            entries,
            packages,
            sources,
        }))
    }

    /// Entries of one package (by index key).
    pub fn get(&self, key: &str) -> Vec<Entry> {
        match self.index.get(key) {
            Some(offset) => self.block(offset as usize).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    fn block(&self, at: usize) -> Option<Vec<Entry>> {
        let len = u32::from_le_bytes(self.map.get(at..at + 4)?.try_into().ok()?) as usize;
        let coding = *self.map.get(at + 4)?;
        let bytes = self.map.get(at + 5..at + 5 + len)?;
        let mut entries: Vec<Entry> = match coding {
            0 => serde_json::from_slice(bytes).ok()?,
            1 => {
                let mut json = Vec::new();
                DeflateDecoder::new(bytes).read_to_end(&mut json).ok()?;
                serde_json::from_slice(&json).ok()?
            }
            _ => return None,
        };
        for e in &mut entries {
            if let Some(i) = e
                .source
                .strip_prefix('#')
                .and_then(|n| n.parse::<usize>().ok())
            {
                e.source = self.sources.get(i).cloned().unwrap_or_default();
            }
        }
        Some(entries)
    }

    /// Every package key, in order.
    pub fn keys(&self) -> Vec<String> {
        use fst::Streamer;
        let mut out = Vec::new();
        let mut stream = self.index.keys();
        while let Some(k) = stream.next() {
            out.push(String::from_utf8_lossy(k).into_owned());
        }
        out
    }

    /// Every (key, entries) in key order.
    pub fn for_each(&self, mut f: impl FnMut(&str, Vec<Entry>)) {
        use fst::Streamer;
        let mut stream = self.index.stream();
        while let Some((k, offset)) = stream.next() {
            let key = String::from_utf8_lossy(k).into_owned();
            f(&key, self.block(offset as usize).unwrap_or_default());
        }
    }
}

/// Collects entries in a spill file (bounded memory: only keys and offsets stay in RAM), then
/// writes the index sorted by package.
pub struct Builder {
    spill: std::io::BufWriter<std::fs::File>,
    spill_path: PathBuf,
    at: u64,
    /// (package key, hash of the advisory id, spill offset, length).
    items: Vec<(String, u64, u64, u32)>,
    /// Source names; entries are spilled with `#N` instead of the name.
    sources: Vec<String>,
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every run.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Builder {
    /// A builder spilling into `dir`.
    pub fn new(dir: &Path) -> Result<Builder, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let spill_path = dir.join(format!(".spill-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&spill_path)
            .map_err(|e| format!("{}: {e}", spill_path.display()))?;
        Ok(Builder {
            spill: std::io::BufWriter::with_capacity(1 << 20, file),
            spill_path,
            at: 0,
            items: Vec::new(),
            sources: Vec::new(),
        })
    }

    /// Add one entry. Earlier additions win over later ones with the same id and package.
    pub fn add(&mut self, e: &Entry) -> Result<(), String> {
        let index = match self.sources.iter().position(|s| *s == e.source) {
            Some(i) => i,
            None => {
                self.sources.push(e.source.clone());
                self.sources.len() - 1
            }
        };
        let mut compact = e.clone();
        compact.source = format!("#{index}");
        let json = serde_json::to_vec(&compact).map_err(|e| e.to_string())?;
        self.spill.write_all(&json).map_err(|e| e.to_string())?;
        self.items.push((
            key(e.ecosystem, &e.package),
            id_hash(&e.id),
            self.at,
            json.len() as u32,
        ));
        self.at += json.len() as u64;
        Ok(())
    }

    /// Entries added so far.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Nothing added yet?
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Write the index to `dest` (atomically: a temp file renamed over it).
    pub fn finish(mut self, dest: &Path) -> Result<(u64, u64), String> {
        let result = self.write(dest);
        let _ = std::fs::remove_file(&self.spill_path);
        result
    }

    fn write(&mut self, dest: &Path) -> Result<(u64, u64), String> {
        let io = |e: std::io::Error| format!("{}: {e}", dest.display());
        self.spill.flush().map_err(io)?;
        let spill = self.spill.get_mut();
        self.items.sort_by(|a, b| a.0.cmp(&b.0));
        let tmp = dest.with_extension(format!("tmp-{}", std::process::id()));
        let mut out =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).map_err(io)?);
        out.write_all(&[0u8; HEADER]).map_err(io)?;
        let mut offset = HEADER as u64;
        let mut index = fst::MapBuilder::memory();
        let (mut entries, mut packages) = (0u64, 0u64);
        let mut i = 0;
        let mut buf = Vec::new();
        while i < self.items.len() {
            let k = self.items[i].0.clone();
            let mut seen: Vec<u64> = Vec::new();
            let mut json = b"[".to_vec();
            while i < self.items.len() && self.items[i].0 == k {
                let (_, id, at, len) = self.items[i];
                i += 1;
                // Dedup by id: the first addition wins.
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                buf.resize(len as usize, 0);
                spill.seek(SeekFrom::Start(at)).map_err(io)?;
                spill.read_exact(&mut buf).map_err(io)?;
                if json.len() > 1 {
                    json.push(b',');
                }
                json.extend_from_slice(&buf);
                entries += 1;
            }
            json.push(b']');
            let (coding, block) = if json.len() >= COMPRESS_FROM {
                let mut enc = DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                enc.write_all(&json).map_err(io)?;
                (1u8, enc.finish().map_err(io)?)
            } else {
                (0u8, json)
            };
            out.write_all(&(block.len() as u32).to_le_bytes())
                .map_err(io)?;
            out.write_all(&[coding]).map_err(io)?;
            out.write_all(&block).map_err(io)?;
            index
                .insert(k.as_bytes(), offset)
                .map_err(|e| e.to_string())?;
            offset += 5 + block.len() as u64;
            packages += 1;
        }
        let sources_at = offset;
        let table = serde_json::to_vec(&self.sources).map_err(|e| e.to_string())?;
        out.write_all(&table).map_err(io)?;
        offset += table.len() as u64;
        let fst_bytes = index.into_inner().map_err(|e| e.to_string())?;
        out.write_all(&fst_bytes).map_err(io)?;
        let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        for v in [
            offset,
            fst_bytes.len() as u64,
            entries,
            packages,
            sources_at,
        ] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, dest).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        })?;
        Ok((entries, packages))
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.spill_path);
    }
}
