//! `hermes-scan hook AGENT`: the agent front door. Whatever happens, it answers in the agent's
//! protocol with exit 0 (a blocking answer when anything is wrong), because a crash or exit 1 does
//! not stop Claude Code or Hermes from running the command.

use crate::hooks::{self, Agent, Decision};
use crate::policy::approvals::ApprovalStore;
use std::io::Read;

/// Run the hook adapter and return the exit code.
pub fn run(agent: &str, policy: Option<&std::path::Path>) -> i32 {
    let Some(agent) = Agent::from_name(agent) else {
        crate::errln!("hermes-scan: unknown agent {agent:?} (claude-code, hermes, codex)");
        return super::EXIT_USAGE;
    };
    let mut payload = Vec::new();
    let limit = (hooks::MAX_PAYLOAD_BYTES + 1) as u64;
    let read = std::io::stdin().take(limit).read_to_end(&mut payload);
    let answer = match (read, super::scanner_for(policy)) {
        (Ok(_), Ok(scanner)) => {
            hooks::answer(agent, &payload, &scanner, &ApprovalStore::default_store())
        }
        (Err(e), _) => agent.render(
            Decision::Deny,
            &format!("hermes-scan: cannot read hook input ({e}); refusing to run it"),
        ),
        (_, Err(_)) => agent.render(
            Decision::Deny,
            "hermes-scan: the policy or rule packs could not be loaded; refusing to run it",
        ),
    };
    if let Some(out) = &answer.stdout {
        super::print(out);
    }
    if let Some(err) = &answer.stderr {
        crate::errln!("{err}");
    }
    answer.exit_code
}
