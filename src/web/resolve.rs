//! DNS for the URL policy: A and AAAA answers within a timeout, behind a trait so tests (and
//! callers with their own resolver) can inject answers.

use std::net::IpAddr;
use std::time::Duration;

/// Something that turns a host name into addresses.
pub trait Resolver: Sync {
    /// Every A and AAAA answer for `host`, or why there is none.
    fn resolve(&self, host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String>;
}

/// The system resolver (`getaddrinfo`), run on a helper thread so a slow server cannot hold the
/// caller past the timeout.
pub struct System;

impl Resolver for System {
    fn resolve(&self, host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String> {
        use std::net::ToSocketAddrs;
        let (tx, rx) = std::sync::mpsc::channel();
        let name = host.to_string();
        std::thread::spawn(move || {
            let answer = (name.as_str(), 0u16)
                .to_socket_addrs()
                .map(|a| a.map(|s| s.ip()).collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            let _ = tx.send(answer);
        });
        match rx.recv_timeout(timeout) {
            Ok(Ok(mut ips)) => {
                ips.sort();
                ips.dedup();
                Ok(ips)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
        }
    }
}

/// Fixed answers (tests, pinned environments): `host → addresses`; anything else fails.
pub struct Fixed(pub Vec<(String, Vec<IpAddr>)>);

impl Resolver for Fixed {
    fn resolve(&self, host: &str, _: Duration) -> Result<Vec<IpAddr>, String> {
        self.0
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(host.trim_end_matches('.')))
            .map(|(_, ips)| ips.clone())
            .ok_or_else(|| format!("{host}: no such host"))
    }
}
