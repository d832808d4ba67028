//! `hermes-scan url [--json] [--no-resolve] URL…`: may an agent fetch these URLs? Exit 0 allow,
//! 2 warn, 1 block — the strictest verdict over all URLs, like `check`.

use crate::findings::Action;
use crate::web::{self, resolve};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `url`.
#[derive(Debug, Args)]
pub struct UrlArgs {
    /// Print one JSON object per URL (a JSON array).
    #[arg(long)]
    json: bool,
    /// Judge the URLs as written: no DNS lookups.
    #[arg(long)]
    no_resolve: bool,
    /// Policy file (TOML).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The URLs.
    #[arg(required = true)]
    urls: Vec<String>,
}

/// Run it.
pub fn run(args: UrlArgs) -> i32 {
    let scanner = match super::scanner_for(args.policy.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let settings = scanner.policy().web.clone();
    let resolver = resolve::System;
    let verdicts: Vec<web::UrlVerdict> = args
        .urls
        .iter()
        .map(|u| {
            let r: Option<&dyn resolve::Resolver> = if args.no_resolve {
                None
            } else {
                Some(&resolver)
            };
            web::judge(u, &scanner, &settings, r)
        })
        .collect();
    if args.json {
        super::print(&serde_json::to_string(&verdicts).unwrap_or_default());
    } else {
        let mut text = String::new();
        for v in &verdicts {
            let addrs = if v.addresses.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    v.addresses
                        .iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            text.push_str(&format!("{}: {}{addrs}\n", v.url, v.action.as_str()));
            for f in &v.findings {
                text.push_str(&format!("  [{}] {}: {}\n", f.rule_id, f.title, f.detail));
            }
        }
        super::print(text.trim_end());
    }
    verdicts
        .iter()
        .map(|v| v.action)
        .max()
        .unwrap_or(Action::Allow)
        .exit_code()
}
