//! The on-disk rule pack format (`rules/*.toml`).

use crate::findings::{Action, Severity};
use serde::Deserialize;

/// A rule pack file: a list of rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The rules in this pack.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// One rule as written in a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, `namespace.name`.
    pub id: String,
    /// Rule family.
    pub category: String,
    /// Default severity.
    pub severity: Severity,
    /// Default action.
    pub action: Action,
    /// Hardline rule: cannot be lowered by policy.
    #[serde(default)]
    pub floor: bool,
    /// One-line title.
    pub title: String,
    /// Why it is dangerous.
    pub description: String,
    /// What to do instead.
    pub remediation: String,
    /// Extra prefilter keywords (command names from `match` are added automatically).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Emitted by an analyzer in code rather than by `match` blocks.
    #[serde(default)]
    pub structural: bool,
    /// Silent on a command whose path operands are all files the same input wrote earlier (a
    /// CI step deleting the `~/.npmrc` it wrote for `npm publish`).
    #[serde(default)]
    pub spares_own_files: bool,
    /// Alternative matchers; the rule fires when any one matches.
    #[serde(default, rename = "match")]
    pub matchers: Vec<MatchSpec>,
    /// Commands that must and must not trigger the rule.
    pub examples: Examples,
}

/// Proof that a rule does what it says.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Inputs that must produce this rule id.
    #[serde(rename = "match", default)]
    pub matches: Vec<String>,
    /// Inputs that must not produce this rule id.
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// One matcher over a canonical command. All given conditions must hold.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchSpec {
    /// Program names (canonical base names); a trailing `*` matches a prefix.
    #[serde(default)]
    pub command: Vec<String>,
    /// The program name is none of these (`""` is a bare redirection such as `< /dev/tcp/h/p`).
    #[serde(default)]
    pub command_not: Vec<String>,
    /// Options of the program whose value is the next argument (so it is not a positional).
    #[serde(default)]
    pub value_flags: Vec<String>,
    /// The first positional argument must be one of these.
    #[serde(default)]
    pub subcommand: Vec<String>,
    /// At least one of these flags is present (`-r` also matches inside `-rf`).
    #[serde(default)]
    pub flags_any: Vec<String>,
    /// All of these flags are present.
    #[serde(default)]
    pub flags_all: Vec<String>,
    /// None of these flags is present.
    #[serde(default)]
    pub flags_none: Vec<String>,
    /// Some positional argument matches this regex.
    pub arg: Option<String>,
    /// With `arg` (or `assign`): the positional (or assignment) that matches must not match this
    /// regex (exemptions such as `/tmp/…` inside "any absolute path").
    pub arg_except: Option<String>,
    /// Some positional argument does not match this regex.
    pub any_arg_not: Option<String>,
    /// No positional argument matches this regex.
    pub no_arg: Option<String>,
    /// The last positional argument matches this regex.
    pub last_arg: Option<String>,
    /// The arguments joined by single spaces match this regex.
    pub argv: Option<String>,
    /// The arguments joined by single spaces do not match this regex.
    pub argv_not: Option<String>,
    /// Some write redirection targets a path matching this regex.
    pub redirect: Option<String>,
    /// Some truncating write redirection (`>`, `>|`, `&>`, not `>>`) targets a path matching this
    /// regex.
    pub overwrite: Option<String>,
    /// Some redirection of any direction (`<`, `>`, `<>`, `>&`) targets a path matching this regex.
    pub redirect_any: Option<String>,
    /// With `redirect` or `redirect_any`: the redirection that matches must not match this regex
    /// (exemptions such as loopback addresses in `/dev/tcp/127.0.0.1/6379`).
    pub redirect_except: Option<String>,
    /// Text fed on stdin (heredoc, here-string) matches this regex.
    pub stdin: Option<String>,
    /// No text fed on stdin, or text that does not match this regex (an exemption: a heredoc
    /// that writes the official value).
    pub stdin_not: Option<String>,
    /// Some `NAME=value` assignment of the command matches this regex.
    pub assign: Option<String>,
    /// Inline program text (`python -c CODE`, `node -e CODE`, `perl -e`, `php -r`, or a heredoc
    /// fed to the interpreter) matches this regex.
    pub inline_code: Option<String>,
    /// An exemption by content: the text the command writes is known (`echo`/`printf` output,
    /// a heredoc or here-string) and every non-blank line of it matches this regex (harmless
    /// settings such as `save-exact=true` appended to `.npmrc`).
    pub content_except: Option<String>,
    /// The text the command writes is known (as for `content_except`) and some line of it
    /// matches this regex (`echo 'pkg @ git+https://…' >> requirements.txt`).
    pub content: Option<String>,
    /// The directory the input moved to before the command (`cd ~/.ssh && …`) is known and
    /// matches this regex.
    pub cwd: Option<String>,
    /// An exemption by what the pipeline feeds the command: the earlier stages, each written
    /// as its commands' canonical text (`;` between commands of one stage) and joined by
    /// ` | `, match this regex (`crontab -l | grep -v old-job | crontab -` only removes lines).
    pub piped_from_not: Option<String>,
}

impl MatchSpec {
    /// What a command must have for this block to match ([`super::gate`] bits).
    pub fn needs(&self) -> u8 {
        super::gate::needs(|k| match k {
            "redirect" => self.redirect.is_some(),
            "overwrite" => self.overwrite.is_some(),
            "redirect_any" => self.redirect_any.is_some(),
            "stdin" => self.stdin.is_some(),
            "assign" => self.assign.is_some(),
            _ => false,
        })
    }
}
