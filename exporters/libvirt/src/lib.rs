//! `libvirt-exporter`: Prometheus metrics of a libvirt host's domains.
//!
//! One persistent read-only connection (keepalive, reconnect), one
//! `virConnectGetAllDomainStats` call per scrape on a dedicated thread,
//! domain XML cached until a domain event invalidates it, per-domain calls
//! only for stats groups the driver leaves out, and a scrape deadline past
//! which domains keep their last good values.
//!
//! Layers: [`ffi`] (libvirt's C API) → [`parse`]/[`meta`]/[`fallback`] →
//! [`poller`] (one collection) → [`source`] (worker thread and deadline) →
//! [`collectors`] (kit collectors writing the metric families).

pub mod cli;
pub mod collectors;
pub mod dedupe;
pub mod fallback;
pub mod ffi;
pub mod meta;
pub mod model;
pub mod parse;
pub mod poller;
pub mod source;

use std::sync::Arc;

use exporter_kit::{Exporter, ExporterInfo};

/// Identity of this exporter for the kit.
pub const INFO: ExporterInfo = ExporterInfo {
    namespace: "libvirt_exporter",
    name: "libvirt exporter",
    version: env!("CARGO_PKG_VERSION"),
    self_metrics: &metric_defs::libvirt::SELF,
    default_listen: ":9177",
};

/// An exporter with every collector the configuration enables.
pub fn build(cfg: poller::Config) -> std::io::Result<Exporter> {
    let source = Arc::new(source::Source::start(cfg)?);
    let mut exporter = Exporter::new(INFO);
    for c in collectors::all(source, exporter.health()) {
        exporter.add_collector(c);
    }
    Ok(exporter)
}
