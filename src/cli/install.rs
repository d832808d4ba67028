//! `hermes-scan install ECOSYSTEM:SPEC… [--installer …] [--dry-run] [--yes]`: vet, then install.

use crate::supply::lazy;
use clap::Args;

/// Arguments of `install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Packages as ECOSYSTEM:SPEC (pypi:requests==2.31.0, npm:left-pad@1.3.0, crates:ripgrep@14.1.0).
    #[arg(required = true)]
    specs: Vec<String>,
    /// pip, uv, npm or cargo (default: from the ecosystem).
    #[arg(long)]
    installer: Option<String>,
    /// Vet and print the installer command, but do not run it.
    #[arg(long)]
    dry_run: bool,
    /// Accept version ranges (judged by the newest known release they admit).
    #[arg(long)]
    allow_ranges: bool,
}

/// Run it: exit 1 when anything is refused, otherwise the installer's exit code.
pub fn run(args: InstallArgs) -> i32 {
    let intents = match lazy::vet(&args.specs, args.allow_ranges) {
        Ok(i) => i,
        Err(refusals) => {
            for r in &refusals {
                crate::errln!("hermes-scan: refused {}: [{}] {}", r.spec, r.rule, r.reason);
            }
            // Only usage mistakes (no known ecosystem): a usage status, not a block.
            if refusals.iter().all(|r| r.rule == "usage") {
                return super::EXIT_USAGE;
            }
            return 1;
        }
    };
    let ecos: std::collections::BTreeSet<_> = intents.iter().map(|i| i.ecosystem).collect();
    if ecos.len() > 1 {
        crate::errln!("hermes-scan: install one ecosystem at a time");
        return super::EXIT_USAGE;
    }
    let installer = args.installer.clone().unwrap_or_else(|| {
        match intents[0].ecosystem {
            crate::supply::Ecosystem::Npm => "npm",
            crate::supply::Ecosystem::Crates => "cargo",
            _ => "pip",
        }
        .to_string()
    });
    let argv = match lazy::installer_argv(&installer, &intents) {
        Ok(a) => a,
        Err(e) => {
            crate::errln!("hermes-scan: {e}");
            return super::EXIT_USAGE;
        }
    };
    if args.dry_run {
        super::print(&argv.join(" "));
        return 0;
    }
    match std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .status()
    {
        Ok(s) => s.code().unwrap_or(1),
        Err(e) => {
            crate::errln!("hermes-scan: cannot run {}: {e}", argv[0]);
            super::EXIT_NOINPUT
        }
    }
}
