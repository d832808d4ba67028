//! The OSV API (`POST /v1/querybatch`, `GET /v1/vulns/ID`) with a configurable base URL,
//! timeouts, batches of at most 1000 queries, pagination, and an on-disk TTL cache (failures are
//! never cached). Fetched records go into the local store, so later offline checks see them.

use super::lockfiles::Locked;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The public OSV API.
pub const DEFAULT_URL: &str = "https://api.osv.dev";

/// Most queries per `querybatch` request (the API's limit).
pub const MAX_BATCH: usize = 1000;

/// An OSV API client.
pub struct OsvClient {
    http: reqwest::blocking::Client,
    base: String,
    cache: Option<PathBuf>,
    ttl: Duration,
    deadline: Option<std::time::Instant>,
}

impl OsvClient {
    /// A client for `base_url` (e.g. `https://api.osv.dev`).
    pub fn new(
        base_url: &str,
        timeout: Duration,
        cache: Option<PathBuf>,
        ttl: Duration,
    ) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(OsvClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            cache,
            ttl,
            deadline: None,
        })
    }

    /// Every request after this must end by `deadline` (a total budget across requests).
    pub fn with_deadline(mut self, deadline: std::time::Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Per-request timeout left under the deadline; an error once it has passed.
    fn remaining(&self) -> Result<Option<Duration>, String> {
        match self.deadline {
            None => Ok(None),
            Some(d) => {
                let left = d.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    Err("the time budget for online lookups ran out".into())
                } else {
                    Ok(Some(left))
                }
            }
        }
    }

    fn cache_file(&self, key: &str) -> Option<PathBuf> {
        let safe: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.cache.as_ref().map(|d| d.join(safe))
    }

    fn cached(&self, key: &str) -> Option<Value> {
        let v: Value = serde_json::from_slice(&std::fs::read(self.cache_file(key)?).ok()?).ok()?;
        let age = super::unix_now().saturating_sub(v["fetched_at"].as_u64()?);
        (age < self.ttl.as_secs()).then(|| v["value"].clone())
    }

    fn store_cache(&self, key: &str, value: &Value) {
        if let Some(p) = self.cache_file(key) {
            if let Some(d) = p.parent() {
                let _ = std::fs::create_dir_all(d);
            }
            let _ = std::fs::write(
                p,
                json!({"fetched_at": super::unix_now(), "value": value}).to_string(),
            );
        }
    }

    fn post(&self, body: &Value) -> Result<Value, String> {
        let url = format!("{}/v1/querybatch", self.base);
        let mut req = self.http.post(&url).json(body);
        if let Some(left) = self.remaining()? {
            req = req.timeout(left);
        }
        let resp = req.send().map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status();
        let text = resp.text().map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{url}: HTTP {status}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("{url}: malformed response ({e})"))
    }

    /// Advisory ids per package (same order as `packages`).
    pub fn query(&self, packages: &[Locked]) -> Result<Vec<BTreeSet<String>>, String> {
        let mut out: Vec<BTreeSet<String>> = vec![BTreeSet::new(); packages.len()];
        let key = |p: &Locked| format!("q-{}-{}-{}", p.ecosystem.as_str(), p.name, p.version);
        let mut todo: Vec<usize> = Vec::new();
        for (i, p) in packages.iter().enumerate() {
            match self.cached(&key(p)) {
                Some(v) => {
                    out[i] = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                }
                None => todo.push(i),
            }
        }
        for chunk in todo.chunks(MAX_BATCH) {
            let query = |p: &Locked, token: Option<&str>| {
                let mut q = json!({"package": {"name": p.name, "ecosystem": p.ecosystem.as_str()}});
                if !p.version.is_empty() {
                    q["version"] = json!(p.version);
                }
                if let Some(t) = token {
                    q["page_token"] = json!(t);
                }
                q
            };
            let body = json!({"queries": chunk.iter().map(|&i| query(&packages[i], None)).collect::<Vec<_>>()});
            let resp = self.post(&body)?;
            let results = resp["results"]
                .as_array()
                .ok_or("querybatch response has no results array")?;
            if results.len() != chunk.len() {
                return Err(format!(
                    "querybatch answered {} results for {} queries",
                    results.len(),
                    chunk.len()
                ));
            }
            for (k, r) in results.iter().enumerate() {
                let i = chunk[k];
                let mut r = r.clone();
                let mut pages = 0;
                loop {
                    for v in r["vulns"].as_array().into_iter().flatten() {
                        if let Some(id) = v["id"].as_str() {
                            out[i].insert(id.to_string());
                        }
                    }
                    let Some(token) = r["next_page_token"]
                        .as_str()
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                    else {
                        break;
                    };
                    pages += 1;
                    if pages > 100 {
                        return Err("too many result pages".into());
                    }
                    let page =
                        self.post(&json!({"queries": [query(&packages[i], Some(&token))]}))?;
                    r = page["results"][0].clone();
                }
                self.store_cache(
                    &key(&packages[i]),
                    &json!(out[i].iter().collect::<Vec<_>>()),
                );
            }
        }
        Ok(out)
    }

    /// The full record of one advisory.
    pub fn vuln(&self, id: &str) -> Result<Value, String> {
        let key = format!("v-{id}");
        if let Some(v) = self.cached(&key) {
            return Ok(v);
        }
        let url = format!("{}/v1/vulns/{id}", self.base);
        let mut req = self.http.get(&url);
        if let Some(left) = self.remaining()? {
            req = req.timeout(left);
        }
        let resp = req.send().map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!("{url}: HTTP {status}"));
        }
        let v: Value = resp
            .json()
            .map_err(|e| format!("{url}: malformed response ({e})"))?;
        if v["id"].as_str() != Some(id) {
            return Err(format!("{url}: response is not the record {id}"));
        }
        self.store_cache(&key, &v);
        Ok(v)
    }
}

/// Query the API for `packages`, fetch every new record, and import them into `store_dir`.
/// Returns how many records were imported.
pub fn refresh(client: &OsvClient, packages: &[Locked], store_dir: &Path) -> Result<usize, String> {
    let ids: BTreeSet<String> = client.query(packages)?.into_iter().flatten().collect();
    let tmp = std::env::temp_dir().join(format!(
        "hermes-scan-osv-{}-{}",
        std::process::id(),
        super::unix_now()
    ));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    // The fetched records are removed whether the import succeeds or a request fails midway.
    let imported = (|| -> Result<usize, String> {
        let mut fetched = HashMap::new();
        for id in &ids {
            let v = client.vuln(id)?;
            std::fs::write(tmp.join(format!("{id}.json")), v.to_string())
                .map_err(|e| e.to_string())?;
            fetched.insert(id.clone(), ());
        }
        if !fetched.is_empty() {
            super::store::import_as(
                &tmp,
                store_dir,
                super::store::ONLINE_SOURCE,
                super::store::Mode::Merge,
            )?;
        }
        Ok(fetched.len())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    imported
}

/// Advisory entries the OSV API knows for each `(ecosystem, name, version)` (version `None`:
/// any release — then only malware records are fetched, since every old vulnerability of a
/// package says nothing about its newest release). Same order as `packages`.
pub fn entries_for(
    client: &OsvClient,
    packages: &[(super::Ecosystem, String, Option<String>)],
) -> Result<Vec<Vec<super::osv::Entry>>, String> {
    let locked: Vec<Locked> = packages
        .iter()
        .map(|(eco, name, version)| Locked {
            ecosystem: *eco,
            name: name.clone(),
            version: version.clone().unwrap_or_default(),
            file: PathBuf::new(),
            line: 0,
        })
        .collect();
    let ids = client.query(&locked)?;
    let mut out = Vec::with_capacity(packages.len());
    for ((eco, name, version), ids) in packages.iter().zip(ids) {
        let mut entries = Vec::new();
        for id in ids
            .iter()
            .filter(|id| version.is_some() || id.starts_with("MAL-"))
        {
            let record = client.vuln(id)?;
            let canonical = eco.normalize(name);
            entries.extend(
                super::osv::entries(&record)
                    .into_iter()
                    .filter(|e| e.ecosystem == *eco && e.package == canonical)
                    .map(|mut e| {
                        e.source = super::store::ONLINE_SOURCE.to_string();
                        e
                    }),
            );
        }
        out.push(entries);
    }
    Ok(out)
}
