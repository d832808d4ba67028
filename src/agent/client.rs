//! Model clients: an OpenAI-compatible chat-completions client (reqwest, blocking, rustls) with
//! timeouts and retries, and a replay client that serves scripted responses from a file.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// Why a model call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// 401/403: the key is missing or wrong.
    Auth(String),
    /// The server answered with something that is not a chat completion.
    Malformed(String),
    /// Network failure, timeout or server error after the retries.
    Unavailable(String),
    /// The replay script ran out.
    Exhausted,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::Auth(m) => write!(f, "authentication failed: {m}"),
            ModelError::Malformed(m) => write!(f, "malformed model response: {m}"),
            ModelError::Unavailable(m) => write!(f, "model unavailable: {m}"),
            ModelError::Exhausted => write!(f, "the replay script has no more responses"),
        }
    }
}

/// Something that answers chat messages (with optional tools) with an assistant message.
pub trait Model {
    /// One completion: returns the assistant message object (`role`, `content`, `tool_calls`).
    fn complete(&mut self, messages: &[Value], tools: Option<&Value>) -> Result<Value, ModelError>;
}

/// The assistant message of a chat-completion response body.
pub fn message_of(body: &Value) -> Result<Value, ModelError> {
    if body.get("role").is_some() && body.get("choices").is_none() {
        return Ok(body.clone());
    }
    body.pointer("/choices/0/message")
        .filter(|m| m.is_object())
        .cloned()
        .ok_or_else(|| ModelError::Malformed("no choices[0].message".into()))
}

/// An OpenAI-compatible HTTP endpoint.
pub struct HttpModel {
    client: reqwest::blocking::Client,
    url: String,
    model: String,
    api_key: Option<String>,
    retries: u32,
    backoff: Duration,
}

impl HttpModel {
    /// A client for `{base_url}/v1/chat/completions`.
    pub fn new(
        base_url: &str,
        model: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(HttpModel {
            client,
            url: format!("{}/v1/chat/completions", base_url.trim_end_matches('/')),
            model: model.to_string(),
            api_key,
            retries: 3,
            backoff: Duration::from_millis(250),
        })
    }

    /// Retry policy (tests shorten it).
    pub fn with_retries(mut self, retries: u32, backoff: Duration) -> Self {
        self.retries = retries;
        self.backoff = backoff;
        self
    }
}

impl Model for HttpModel {
    fn complete(&mut self, messages: &[Value], tools: Option<&Value>) -> Result<Value, ModelError> {
        let mut body = json!({ "model": self.model, "messages": messages });
        if let Some(t) = tools {
            body["tools"] = t.clone();
            body["tool_choice"] = json!("auto");
        }
        let mut last = String::new();
        for attempt in 0..=self.retries {
            if attempt > 0 {
                std::thread::sleep(self.backoff * 2u32.pow(attempt - 1));
            }
            let mut req = self.client.post(&self.url).json(&body);
            if let Some(k) = &self.api_key {
                req = req.bearer_auth(k);
            }
            let resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let status = resp.status();
            let text = resp.text().unwrap_or_default();
            if status.as_u16() == 401 || status.as_u16() == 403 {
                return Err(ModelError::Auth(format!(
                    "HTTP {status}: {}",
                    snippet(&text)
                )));
            }
            if status.as_u16() == 429 || status.is_server_error() {
                last = format!("HTTP {status}: {}", snippet(&text));
                continue;
            }
            if !status.is_success() {
                return Err(ModelError::Unavailable(format!(
                    "HTTP {status}: {}",
                    snippet(&text)
                )));
            }
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| ModelError::Malformed(format!("{e}: {}", snippet(&text))))?;
            return message_of(&value);
        }
        Err(ModelError::Unavailable(format!(
            "{} attempts failed; last: {last}",
            self.retries + 1
        )))
    }
}

fn snippet(s: &str) -> String {
    s.chars().take(200).collect()
}

/// Scripted responses, one JSON value per line (a full chat completion or an assistant message).
pub struct ReplayModel {
    responses: VecDeque<Value>,
}

impl ReplayModel {
    /// Load a replay file.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = crate::files::read_limited_string(path, crate::files::CONFIG_LIMIT)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut responses = VecDeque::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?;
            responses.push_back(v);
        }
        Ok(ReplayModel { responses })
    }
}

impl Model for ReplayModel {
    fn complete(
        &mut self,
        _messages: &[Value],
        _tools: Option<&Value>,
    ) -> Result<Value, ModelError> {
        let next = self.responses.pop_front().ok_or(ModelError::Exhausted)?;
        message_of(&next)
    }
}
