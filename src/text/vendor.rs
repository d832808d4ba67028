//! Which vendor a credential variable belongs to, by its name (`GITHUB_TOKEN` → github): a
//! vendor's own key sent to that vendor's host is ordinary use, not exfiltration.

/// Whether the variable's name names the vendor that runs `host` (`TELEGRAM_BOT_TOKEN` and
/// api.telegram.org, `MAPBOX_TOKEN` and api.mapbox.com).
pub fn vendor_of_variable(var: &str, host: &str) -> bool {
    const GENERIC: &[&str] = &[
        "api", "key", "keys", "token", "tokens", "secret", "access", "auth", "client", "private",
        "password", "pass", "app", "bot", "the", "prod", "dev", "test", "my", "id", "account",
        "service", "user", "session", "bearer", "oauth", "webhook", "maps", "public", "pat",
    ];
    const ALIASES: &[(&str, &str)] = &[
        ("gemini", "googleapis"),
        ("gcp", "googleapis"),
        ("youtube", "googleapis"),
        ("firebase", "googleapis"),
        ("gmail", "googleapis"),
        ("gh", "github"),
        ("fb", "facebook"),
        ("hf", "huggingface"),
        ("tg", "telegram"),
        ("anthropic", "anthropic"),
        ("claude", "anthropic"),
        ("dd", "datadog"),
        ("gl", "gitlab"),
        ("owm", "openweathermap"),
        ("dockerhub", "docker"),
        ("pd", "pagerduty"),
        ("ci", "gitlab"),
    ];
    let name = var.trim_start_matches(['$', '{']).trim_end_matches('}');
    name.split('_')
        .map(|t| t.to_ascii_lowercase())
        .filter(|t| t.len() >= 2 && !GENERIC.contains(&t.as_str()))
        .any(|t| {
            let vendor = ALIASES
                .iter()
                .find(|(a, _)| *a == t)
                .map(|(_, v)| v.to_string())
                .unwrap_or(t);
            vendor.len() >= 3 && host.contains(&vendor)
        })
}

/// Whether the variable's name names a well-known service (`OPENAI_API_KEY`, `AWS_SECRET_ACCESS_KEY`,
/// `STRIPE_SECRET_KEY`): such a key belongs to that service's API only, while a generic name
/// (`API_TOKEN`, `DEPLOY_TOKEN`) may be meant for any host.
pub fn names_known_vendor(var: &str) -> bool {
    const VENDORS: &[&str] = &[
        "openai",
        "anthropic",
        "claude",
        "aws",
        "github",
        "gh",
        "gitlab",
        "stripe",
        "slack",
        "google",
        "gcp",
        "gemini",
        "azure",
        "huggingface",
        "hf",
        "npm",
        "pypi",
        "dockerhub",
        "twilio",
        "sendgrid",
        "cloudflare",
        "heroku",
        "vercel",
        "netlify",
        "datadog",
        "sentry",
        "digitalocean",
        "telegram",
        "discord",
        "mistral",
        "cohere",
        "groq",
        "replicate",
        "supabase",
        "firebase",
        "mailgun",
        "shopify",
        "okta",
        "pagerduty",
        "linear",
        "notion",
        "circleci",
    ];
    let name = var.trim_start_matches(['$', '{']).trim_end_matches('}');
    name.split('_')
        .any(|t| VENDORS.contains(&t.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_their_vendor_hosts_only() {
        assert!(vendor_of_variable("GITHUB_TOKEN", "api.github.com"));
        assert!(vendor_of_variable("OPENAI_API_KEY", "api.openai.com"));
        assert!(vendor_of_variable("GH_TOKEN", "api.github.com"));
        assert!(vendor_of_variable("YOUTUBE_API_KEY", "www.googleapis.com"));
        assert!(!vendor_of_variable("GITHUB_TOKEN", "evil.example.com"));
        assert!(!vendor_of_variable("API_TOKEN", "api.example.com"));
        assert!(vendor_of_variable("DD_API_KEY", "api.datadoghq.com"));
        assert!(vendor_of_variable("GL_PAT", "gitlab.com"));
        assert!(vendor_of_variable("OWM_API_KEY", "api.openweathermap.org"));
        assert!(vendor_of_variable("NPM_TOKEN", "registry.npmjs.org"));
        assert!(vendor_of_variable("DOCKERHUB_TOKEN", "hub.docker.com"));
        assert!(
            names_known_vendor("OPENAI_API_KEY") && names_known_vendor("$AWS_SECRET_ACCESS_KEY")
        );
        assert!(!names_known_vendor("API_TOKEN") && !names_known_vendor("DEPLOY_TOKEN"));
    }
}
