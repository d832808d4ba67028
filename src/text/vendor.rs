//! Which vendor a credential variable belongs to, by its name (`GITHUB_TOKEN` → github): a
//! vendor's own key sent to that vendor's host is ordinary use, not exfiltration.

/// Whether the variable's name names the vendor that runs `host` (`TELEGRAM_BOT_TOKEN` and
/// api.telegram.org, `MAPBOX_TOKEN` and api.mapbox.com).
pub fn vendor_of_variable(var: &str, host: &str) -> bool {
    matching_labels(var, host, false)
}

/// Whether `host` puts the whole domain of the vendor the variable names in front of someone
/// else's (`api.openai.com.evil.example` for `OPENAI_API_KEY`): a look-alike, not a gateway.
pub fn imitates_vendor(var: &str, host: &str) -> bool {
    matching_labels(var, host, true)
}

/// Whether a label of `host` names the variable's vendor: as the vendor's own (`imitated`
/// false) or as a vendor domain followed by more labels (`imitated` true).
fn matching_labels(var: &str, host: &str, imitated: bool) -> bool {
    const GENERIC: &[&str] = &[
        "api", "key", "keys", "token", "tokens", "secret", "access", "auth", "client", "private",
        "password", "pass", "app", "bot", "the", "prod", "dev", "test", "my", "id", "account",
        "service", "user", "session", "bearer", "oauth", "webhook", "maps", "public", "pat",
        "registry", "publish", "upload", "deploy", "release", "password", "login",
    ];
    // Hosts whose names do not spell their vendor: a registry run by that vendor.
    const HOST_VENDORS: &[(&str, &str)] = &[
        ("ghcr.io", "github"),
        ("crates.io", "cargo"),
        ("docker.io", "docker"),
        ("gcr.io", "googleapis"),
        ("pkg.dev", "googleapis"),
        ("azurecr.io", "azure"),
        ("amazonaws.com", "aws"),
        ("pythonhosted.org", "pypi"),
        ("npmjs.org", "npm"),
        ("npmjs.com", "npm"),
        ("sonatype.org", "ossrh"),
        ("rubygems.org", "gem"),
        ("open-vsx.org", "ovsx vsce"),
    ];
    let owners: String = HOST_VENDORS
        .iter()
        .filter(|(h, _)| host == *h || host.ends_with(&format!(".{h}")))
        .map(|(_, v)| *v)
        .collect::<Vec<_>>()
        .join(" ");
    let site = format!("{} {owners}", registrable(host));
    let host = format!("{host} {owners}");
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
        ("crates", "cargo"),
        ("gcloud", "googleapis"),
        ("rubygems", "gem"),
        ("twine", "pypi"),
    ];
    const REGISTRIES: &[&str] = &[
        "npm", "pypi", "cargo", "gem", "nuget", "ovsx", "vsce", "quay", "anaconda",
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
            // A package registry must own the site, not merely name a subdomain
            // (`npm.evil.example`); services that companies host themselves
            // (`gitlab.acme.io`) are named anywhere in the host.
            let within = if REGISTRIES.contains(&vendor.as_str()) {
                &site
            } else {
                &host
            };
            // A vendor's whole domain followed by more labels (`api.openai.com.evil.example`) is
            // a look-alike under someone else's domain, not the vendor.
            let embedded = |labels: &[&str], i: usize| {
                i + 2 < labels.len()
                    && matches!(
                        labels[i + 1],
                        "com" | "net" | "org" | "io" | "ai" | "dev" | "co" | "app" | "cloud"
                    )
            };
            vendor.len() >= 3
                && within.split(' ').any(|part| {
                    let labels: Vec<&str> = part.split('.').collect();
                    labels.iter().enumerate().any(|(i, label)| {
                        label
                            .strip_prefix(vendor.as_str())
                            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_alphanumeric()))
                            && embedded(&labels, i) == imitated
                    })
                })
        })
}

/// The part of a host name its owner registered: the last two labels, or three under a
/// two-letter or short second-level suffix (`evil.co.uk`). Addresses stay whole. Deliberately
/// not the public-suffix list of `analyzers::domain_forms::registrable`: its private suffixes
/// (`github.io`, `herokuapp.com`) would make `npm.github.io` — anyone's site — count as a site
/// named `npm`, and the text layer does not import the analyzers.
fn registrable(host: &str) -> &str {
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') || host.contains(':') {
        return host;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 2].len() <= 3 && labels[n - 1].len() == 2 {
        3
    } else {
        2
    };
    if n <= keep {
        return host;
    }
    let cut: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &host[cut..]
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
        "cargo",
        "crates",
        "rubygems",
        "nuget",
        "quay",
        "ossrh",
        "anaconda",
        "ovsx",
        "vsce",
        "twine",
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
        // A vendor's domain inside someone else's is a look-alike; a self-hosted service
        // named after its vendor is not.
        assert!(!vendor_of_variable(
            "OPENAI_API_KEY",
            "api.openai.com.attacker.example"
        ));
        assert!(!vendor_of_variable(
            "GITHUB_TOKEN",
            "api.github.com.evil.io"
        ));
        assert!(vendor_of_variable("GITLAB_TOKEN", "gitlab.acme.io"));
        assert!(imitates_vendor(
            "OPENAI_API_KEY",
            "api.openai.com.attacker.example"
        ));
        assert!(!imitates_vendor("OPENAI_API_KEY", "api.openai.com"));
        assert!(!imitates_vendor("GITLAB_TOKEN", "gitlab.acme.io"));
        assert!(
            names_known_vendor("OPENAI_API_KEY") && names_known_vendor("$AWS_SECRET_ACCESS_KEY")
        );
        assert!(!names_known_vendor("API_TOKEN") && !names_known_vendor("DEPLOY_TOKEN"));
    }
}
