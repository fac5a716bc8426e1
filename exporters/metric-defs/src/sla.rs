//! Metrics of `sla-exporter` (owned by the SLA exporter work).

use crate::{Catalog, MetricDef, SelfMetrics, Unit};

/// The exporter's own metrics (`sla_exporter_build_info`, ...).
pub const SELF: SelfMetrics = crate::self_metrics!("sla_exporter");

/// `sla_probes_total`.
pub const PROBES: MetricDef = MetricDef::counter(
    "sla_probes_total",
    "Probes run against the target since the exporter started.",
    &["target", "module"],
    Unit::None,
);

/// Every family of `sla-exporter`.
pub const CATALOG: Catalog = Catalog {
    program: "sla-exporter",
    metrics: &[
        &SELF.build_info,
        &SELF.collector_duration,
        &SELF.collector_success,
        &PROBES,
    ],
};
