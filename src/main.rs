//! The `hermes-scan` binary: a thin shell around [`hermes_scan::cli`].

fn main() {
    std::process::exit(hermes_scan::cli::run());
}
