//! Metrics of `sla-exporter`: per-target probe counters and histograms
//! (`sla_*`), the blackbox-compatible `/probe` families (`probe_*`) and the
//! exporter's own metrics (`sla_exporter_*`).
//!
//! Every per-target family carries the fixed label set [`TARGET_LABELS`]
//! (`target`, `module`, `service`, `component`, `tier`; empty string when a
//! label is not set), plus `reason` on failures and `check` on health checks,
//! so `rulegen` can check selectors against it.

use crate::{Catalog, MetricDef, SelfMetrics, Unit};

/// The exporter's own metrics (`sla_exporter_build_info`, ...).
pub const SELF: SelfMetrics = crate::self_metrics!("sla_exporter");

/// Labels of every per-target family, in recording order.
pub const TARGET_LABELS: &[&str] = &["target", "module", "service", "component", "tier"];

/// Values of the `reason` label of [`PROBE_FAILURES`].
pub const FAILURE_REASONS: &[&str] = &[
    "timeout", "dns", "connect", "tls", "status", "body", "check",
];

/// Default buckets of [`PROBE_DURATION`]: the usual latency objectives
/// (100 ms, 250 ms, 500 ms, 1 s, 2.5 s, ...) sit exactly on a boundary.
pub const PROBE_BUCKETS: &[f64] = crate::LATENCY_BUCKETS;

/// Buckets of [`SCHEDULE_DELAY`] (0.5 ms ... 1 s), fine around the 50 ms
/// jitter objective.
pub const DELAY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0,
];

// ---- Per-target SLI families ----

/// `sla_probes_total`.
pub const PROBES: MetricDef = MetricDef::counter(
    "sla_probes_total",
    "Probes run against the target since the exporter started.",
    &["target", "module", "service", "component", "tier"],
    Unit::None,
);
/// `sla_probe_failures_total{reason}`.
pub const PROBE_FAILURES: MetricDef = MetricDef::counter(
    "sla_probe_failures_total",
    "Failed probes, by the phase that failed (timeout, dns, connect, tls, status, body, check).",
    &["target", "module", "service", "component", "tier", "reason"],
    Unit::None,
);
/// `sla_probe_duration_seconds`.
pub const PROBE_DURATION: MetricDef = MetricDef::histogram(
    "sla_probe_duration_seconds",
    "Duration of successful probes, in seconds (failed probes are only counted in sla_probe_failures_total).",
    &["target", "module", "service", "component", "tier"],
    Unit::Seconds,
    PROBE_BUCKETS,
);
/// `sla_probe_success`.
pub const PROBE_SUCCESS: MetricDef = MetricDef::gauge(
    "sla_probe_success",
    "Whether the last probe of the target succeeded (1) or failed (0).",
    &["target", "module", "service", "component", "tier"],
    Unit::None,
);
/// `sla_probe_last_success_timestamp_seconds`.
pub const LAST_SUCCESS: MetricDef = MetricDef::gauge(
    "sla_probe_last_success_timestamp_seconds",
    "Unix time at which the last successful probe of the target ended.",
    &["target", "module", "service", "component", "tier"],
    Unit::TimestampSeconds,
);
/// `sla_health_check_status{check}`.
pub const HEALTH_CHECK_STATUS: MetricDef = MetricDef::gauge(
    "sla_health_check_status",
    "Status of one check reported by a health target at the last probe: 1 healthy, 0.5 degraded, 0 unhealthy or missing.",
    &["target", "module", "service", "component", "tier", "check"],
    Unit::None,
);
/// `sla_tls_cert_expiry_timestamp_seconds`.
pub const TLS_CERT_EXPIRY: MetricDef = MetricDef::gauge(
    "sla_tls_cert_expiry_timestamp_seconds",
    "Unix time at which the earliest-expiring certificate the https target presented at the last handshake expires.",
    &["target", "module", "service", "component", "tier"],
    Unit::TimestampSeconds,
);

// ---- Blackbox-compatible /probe families (no labels, one probe per request) ----

/// `probe_success`.
pub const BB_SUCCESS: MetricDef = MetricDef::gauge(
    "probe_success",
    "Displays whether or not the probe was a success.",
    &[],
    Unit::None,
);
/// `probe_duration_seconds`.
pub const BB_DURATION: MetricDef = MetricDef::gauge(
    "probe_duration_seconds",
    "Returns how long the probe took to complete in seconds.",
    &[],
    Unit::Seconds,
);
/// `probe_http_status_code`.
pub const BB_HTTP_STATUS: MetricDef = MetricDef::gauge(
    "probe_http_status_code",
    "Response HTTP status code (0 when no response was received).",
    &[],
    Unit::None,
);
/// `probe_ssl_earliest_cert_expiry`.
pub const BB_CERT_EXPIRY: MetricDef = MetricDef::gauge(
    "probe_ssl_earliest_cert_expiry",
    "Returns last SSL chain expiry in unixtime.",
    &[],
    Unit::None,
);
/// `probe_failed_due_to_regex`.
pub const BB_FAILED_REGEX: MetricDef = MetricDef::gauge(
    "probe_failed_due_to_regex",
    "Indicates if probe failed due to regex.",
    &[],
    Unit::None,
);
/// `probe_http_redirects`.
pub const BB_REDIRECTS: MetricDef = MetricDef::gauge(
    "probe_http_redirects",
    "The number of redirects.",
    &[],
    Unit::None,
);

// ---- The exporter's own metrics ----

/// `sla_exporter_targets`.
pub const TARGETS: MetricDef = MetricDef::gauge(
    "sla_exporter_targets",
    "Targets in the loaded configuration.",
    &[],
    Unit::None,
);
/// `sla_exporter_config_last_reload_successful`.
pub const CONFIG_RELOAD_OK: MetricDef = MetricDef::gauge(
    "sla_exporter_config_last_reload_successful",
    "Whether the last configuration (re)load succeeded (1) or was rejected (0).",
    &[],
    Unit::None,
);
/// `sla_exporter_config_last_reload_success_timestamp_seconds`.
pub const CONFIG_RELOAD_TIME: MetricDef = MetricDef::gauge(
    "sla_exporter_config_last_reload_success_timestamp_seconds",
    "Unix time of the last successful configuration (re)load.",
    &[],
    Unit::TimestampSeconds,
);
/// `sla_exporter_probes_in_flight`.
pub const IN_FLIGHT: MetricDef = MetricDef::gauge(
    "sla_exporter_probes_in_flight",
    "Scheduled probes running right now.",
    &[],
    Unit::None,
);
/// `sla_exporter_probes_skipped_total`.
pub const SKIPPED: MetricDef = MetricDef::counter(
    "sla_exporter_probes_skipped_total",
    "Scheduled probes not run because the concurrency limit stayed reached for the whole probe timeout.",
    &[],
    Unit::None,
);
/// `sla_exporter_schedule_delay_seconds`.
pub const SCHEDULE_DELAY: MetricDef = MetricDef::histogram(
    "sla_exporter_schedule_delay_seconds",
    "How late probes started relative to their due time (including any wait for the concurrency limit), in seconds: the scheduling jitter.",
    &[],
    Unit::Seconds,
    DELAY_BUCKETS,
);

/// Every family of `sla-exporter`.
pub const CATALOG: Catalog = Catalog {
    program: "sla-exporter",
    metrics: &[
        &SELF.build_info,
        &SELF.collector_duration,
        &SELF.collector_success,
        &PROBES,
        &PROBE_FAILURES,
        &PROBE_DURATION,
        &PROBE_SUCCESS,
        &LAST_SUCCESS,
        &HEALTH_CHECK_STATUS,
        &TLS_CERT_EXPIRY,
        &BB_SUCCESS,
        &BB_DURATION,
        &BB_HTTP_STATUS,
        &BB_CERT_EXPIRY,
        &BB_FAILED_REGEX,
        &BB_REDIRECTS,
        &TARGETS,
        &CONFIG_RELOAD_OK,
        &CONFIG_RELOAD_TIME,
        &IN_FLIGHT,
        &SKIPPED,
        &SCHEDULE_DELAY,
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_target_families_share_the_fixed_label_set() {
        for m in [
            &PROBES,
            &PROBE_DURATION,
            &PROBE_SUCCESS,
            &LAST_SUCCESS,
            &TLS_CERT_EXPIRY,
        ] {
            assert_eq!(m.labels, TARGET_LABELS, "{}", m.name);
        }
        assert_eq!(&PROBE_FAILURES.labels[..5], TARGET_LABELS);
        assert_eq!(PROBE_FAILURES.labels[5], "reason");
        assert_eq!(&HEALTH_CHECK_STATUS.labels[..5], TARGET_LABELS);
        assert_eq!(HEALTH_CHECK_STATUS.labels[5], "check");
    }

    #[test]
    fn objectives_sit_on_bucket_boundaries() {
        for objective in [0.1, 0.25, 0.5, 1.0] {
            assert!(PROBE_BUCKETS.contains(&objective), "{objective}");
        }
    }
}
