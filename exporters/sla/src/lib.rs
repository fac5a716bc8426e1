//! `sla-exporter`: probes HTTP, TCP and `/health` targets on its own
//! schedule and exports SLO-ready counters and latency histograms
//! (`sla_probes_total`, `sla_probe_failures_total{reason}`,
//! `sla_probe_duration_seconds`, ...), plus a blackbox-compatible `/probe`.
//!
//! Stages: [`config`] loads and checks the YAML, [`scheduler`] runs one task
//! per target, [`probe`] runs one probe and says which phase failed,
//! [`state`] counts and encodes, [`blackbox`] answers `/probe`, [`app`] wires
//! them onto the kit's server.

#![forbid(unsafe_code)]

pub mod app;
pub mod blackbox;
pub mod config;
pub mod probe;
pub mod scheduler;
pub mod state;

/// `User-Agent` of probe requests.
pub const USER_AGENT: &str = concat!("sla-exporter/", env!("CARGO_PKG_VERSION"));
