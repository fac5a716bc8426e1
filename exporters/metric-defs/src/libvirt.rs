//! Metrics of `libvirt-exporter` (owned by the libvirt exporter work).

use crate::{Catalog, MetricDef, SelfMetrics, Unit};

/// The exporter's own metrics (`libvirt_exporter_build_info`, ...).
pub const SELF: SelfMetrics = crate::self_metrics!("libvirt_exporter");

/// `libvirt_up`: whether the last connection attempt to libvirt succeeded.
pub const UP: MetricDef = MetricDef::gauge(
    "libvirt_up",
    "Whether libvirt was reachable at the last scrape (1) or not (0).",
    &[],
    Unit::None,
);

/// Every family of `libvirt-exporter`.
pub const CATALOG: Catalog = Catalog {
    program: "libvirt-exporter",
    metrics: &[
        &SELF.build_info,
        &SELF.collector_duration,
        &SELF.collector_success,
        &UP,
    ],
};
