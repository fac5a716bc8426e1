//! Probers: one probe of one target, with the phase that failed.
//!
//! A probe is a single future bounded by the target's timeout; dropping it
//! (on timeout or reload) closes its sockets. Nothing here is shared between
//! targets, so a target that hangs only ever holds up its own probe.

pub mod cert;
pub mod health;
mod http;
mod net;
mod tcp;
pub mod tls;

use std::time::{Duration, Instant};

use crate::config::{Address, Module, Prober};

/// Why a probe failed: the `reason` label of `sla_probe_failures_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The probe did not finish within the timeout.
    Timeout,
    /// The host name did not resolve.
    Dns,
    /// TCP connect failed, or the connection broke before a response.
    Connect,
    /// The TLS handshake failed (bad or untrusted certificate, protocol).
    Tls,
    /// The HTTP status was not an accepted one (or a redirect went wrong).
    Status,
    /// The body could not be read or did not satisfy the regex rules.
    Body,
    /// A health check (or the overall health status) was not healthy.
    Check,
}

impl Reason {
    /// All reasons, in `metric_defs::sla::FAILURE_REASONS` order.
    pub const ALL: [Reason; 7] = [
        Reason::Timeout,
        Reason::Dns,
        Reason::Connect,
        Reason::Tls,
        Reason::Status,
        Reason::Body,
        Reason::Check,
    ];

    /// Position in [`Reason::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The label value.
    pub fn as_str(self) -> &'static str {
        metric_defs::sla::FAILURE_REASONS[self.index()]
    }

    /// The reasons a prober can report (the series pre-created at zero).
    pub fn possible(p: &Prober) -> &'static [Reason] {
        use Reason::*;
        match p {
            Prober::Http(_) => &[Timeout, Dns, Connect, Tls, Status, Body],
            Prober::Health(..) => &[Timeout, Dns, Connect, Tls, Status, Body, Check],
            Prober::Tcp(_) => &[Timeout, Dns, Connect, Body],
        }
    }
}

/// A failure: the phase and a human-readable detail (for logs).
pub type Failure = (Reason, String);

/// What one probe found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// `None` on success.
    pub failure: Option<Failure>,
    /// Wall-clock duration of the probe.
    pub duration: Duration,
    /// Last HTTP status received (0 if none).
    pub status_code: u16,
    /// Earliest `notAfter` (Unix seconds) of the last TLS handshake.
    pub cert_expiry: Option<i64>,
    /// Whether a body regex rule failed the probe.
    pub failed_due_to_regex: bool,
    /// Redirects followed.
    pub redirects: u32,
    /// Health checks reported (name, 1 / 0.5 / 0), for `health` modules.
    pub checks: Vec<(String, f64)>,
}

impl Outcome {
    /// Whether the probe succeeded.
    pub fn success(&self) -> bool {
        self.failure.is_none()
    }
}

/// Probes `address` with `module`, giving up after `timeout`.
pub async fn run(module: &Module, address: &Address, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let mut out = Outcome::default();
    let result = tokio::time::timeout(timeout, probe(module, address, &mut out)).await;
    out.failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(f)) => Some(f),
        Err(_) => Some((
            Reason::Timeout,
            format!(
                "no result within {}",
                crate::config::duration::format(timeout)
            ),
        )),
    };
    out.duration = start.elapsed();
    if let (Some(_), Prober::Health(_, h)) = (&out.failure, &module.prober) {
        if out.checks.is_empty() {
            // Nothing judged (unreachable, timeout, bad body): every named
            // check counts as unhealthy.
            out.checks = h.checks.iter().map(|c| (c.clone(), 0.0)).collect();
        }
    }
    out
}

async fn probe(module: &Module, address: &Address, out: &mut Outcome) -> Result<(), Failure> {
    match (&module.prober, address) {
        (Prober::Tcp(t), Address::HostPort(host, port)) => tcp::probe(t, host, *port).await,
        (Prober::Http(h), Address::Url(u)) => {
            let body = http::fetch(h, u, out).await?;
            http::check_body(h, &body, out)
        }
        (Prober::Health(h, checks), Address::Url(u)) => {
            let body = http::fetch_health(h, u, out).await?;
            let verdict = health::judge(&body, &checks.checks);
            out.checks = verdict.checks;
            match verdict.failure {
                Some(f) => Err(f),
                None => Ok(()),
            }
        }
        (p, a) => Err((
            Reason::Connect,
            format!("a {} module cannot probe {a:?}", p.kind()),
        )),
    }
}
