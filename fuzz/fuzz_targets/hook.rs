//! Hook payloads as each agent sends them: the first byte picks the agent, the rest is the JSON.
#![no_main]
use hermes_scan::hooks::{answer, Agent};
use hermes_scan::policy::approvals::ApprovalStore;
use hermes_scan::Scanner;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn store() -> &'static ApprovalStore {
    static STORE: OnceLock<ApprovalStore> = OnceLock::new();
    STORE.get_or_init(|| ApprovalStore::at("/nonexistent/hermes-scan-fuzz/approvals.json".into()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, payload)) = data.split_first() else {
        return;
    };
    let agent = [Agent::ClaudeCode, Agent::Hermes, Agent::Codex][pick as usize % 3];
    let reply = answer(agent, payload, Scanner::global(), store());
    // Every payload gets an answer in the agent's protocol: allow (0) or block (2), never a crash
    // or another status, which the agents read as "not blocking".
    assert!(reply.exit_code == 0 || reply.exit_code == 2, "{reply:?}");
});
