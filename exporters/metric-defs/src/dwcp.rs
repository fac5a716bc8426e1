//! Metrics of the DWCP instrumentation library and `dwcp-exporter`.
//!
//! DWCP is the platform's WAN transfer protocol: AMST (adaptive multi-stream
//! TCP transport), HDE (hierarchical delta encoding), VM migration over DWCP
//! and cross-cluster federation sync.

use crate::{Catalog, MetricDef, SelfMetrics, Unit};

/// The exporter's own metrics (`dwcp_exporter_build_info`, ...).
pub const SELF: SelfMetrics = crate::self_metrics!("dwcp_exporter");

/// The own metrics of `dwcp-loadgen` when it serves `/metrics` itself.
pub const LOADGEN_SELF: SelfMetrics = crate::self_metrics!("dwcp_loadgen");

/// Buckets for per-stream and per-chunk latencies (100 µs ... 10 s).
pub const FAST_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];
/// Buckets for migrations and federation syncs (10 ms ... 30 min).
pub const SLOW_BUCKETS: &[f64] = &[
    0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
];

// ---- AMST: adaptive multi-stream transport ----

/// `dwcp_amst_streams_active`.
pub const AMST_STREAMS_ACTIVE: MetricDef = MetricDef::gauge(
    "dwcp_amst_streams_active",
    "AMST transport streams currently open.",
    &[],
    Unit::None,
);
/// `dwcp_amst_streams_opened_total`.
pub const AMST_STREAMS_OPENED: MetricDef = MetricDef::counter(
    "dwcp_amst_streams_opened_total",
    "AMST transport streams opened since start.",
    &[],
    Unit::None,
);
/// `dwcp_amst_sent_bytes_total`.
pub const AMST_SENT_BYTES: MetricDef = MetricDef::counter(
    "dwcp_amst_sent_bytes_total",
    "Payload bytes sent over AMST streams.",
    &[],
    Unit::Bytes,
);
/// `dwcp_amst_received_bytes_total`.
pub const AMST_RECEIVED_BYTES: MetricDef = MetricDef::counter(
    "dwcp_amst_received_bytes_total",
    "Payload bytes received over AMST streams.",
    &[],
    Unit::Bytes,
);
/// `dwcp_amst_stream_errors_total{error_type}`.
pub const AMST_STREAM_ERRORS: MetricDef = MetricDef::counter(
    "dwcp_amst_stream_errors_total",
    "AMST stream errors, by kind of error.",
    &["error_type"],
    Unit::None,
);
/// `dwcp_amst_stream_latency_seconds`.
pub const AMST_STREAM_LATENCY: MetricDef = MetricDef::histogram(
    "dwcp_amst_stream_latency_seconds",
    "Round-trip latency of AMST stream transfers, in seconds.",
    &[],
    Unit::Seconds,
    FAST_BUCKETS,
);
/// `dwcp_amst_bandwidth_utilization_ratio`.
pub const AMST_BANDWIDTH_UTILIZATION: MetricDef = MetricDef::gauge(
    "dwcp_amst_bandwidth_utilization_ratio",
    "Fraction (0-1) of the available link bandwidth AMST currently uses.",
    &[],
    Unit::Ratio,
);

// ---- HDE: hierarchical delta encoding ----

/// `dwcp_hde_original_bytes_total{data_type}`.
pub const HDE_ORIGINAL_BYTES: MetricDef = MetricDef::counter(
    "dwcp_hde_original_bytes_total",
    "Bytes given to the HDE encoder before compression, by data type.",
    &["data_type"],
    Unit::Bytes,
);
/// `dwcp_hde_compressed_bytes_total{data_type}`.
pub const HDE_COMPRESSED_BYTES: MetricDef = MetricDef::counter(
    "dwcp_hde_compressed_bytes_total",
    "Bytes produced by the HDE encoder after delta encoding and compression, by data type.",
    &["data_type"],
    Unit::Bytes,
);
/// `dwcp_hde_compression_ratio{data_type}`.
pub const HDE_COMPRESSION_RATIO: MetricDef = MetricDef::gauge(
    "dwcp_hde_compression_ratio",
    "Original bytes divided by compressed bytes of the last HDE encode, by data type.",
    &["data_type"],
    Unit::None,
);
/// `dwcp_hde_delta_hits_total{data_type}`.
pub const HDE_DELTA_HITS: MetricDef = MetricDef::counter(
    "dwcp_hde_delta_hits_total",
    "HDE encodes that found a baseline and sent a delta, by data type.",
    &["data_type"],
    Unit::None,
);
/// `dwcp_hde_delta_misses_total{data_type}`.
pub const HDE_DELTA_MISSES: MetricDef = MetricDef::counter(
    "dwcp_hde_delta_misses_total",
    "HDE encodes with no usable baseline (sent in full), by data type.",
    &["data_type"],
    Unit::None,
);
/// `dwcp_hde_baselines{data_type}`.
pub const HDE_BASELINES: MetricDef = MetricDef::gauge(
    "dwcp_hde_baselines",
    "HDE baselines currently held for delta encoding, by data type.",
    &["data_type"],
    Unit::None,
);
/// `dwcp_hde_encode_duration_seconds{data_type}`.
pub const HDE_ENCODE_DURATION: MetricDef = MetricDef::histogram(
    "dwcp_hde_encode_duration_seconds",
    "Time to delta-encode and compress one HDE payload, in seconds, by data type.",
    &["data_type"],
    Unit::Seconds,
    FAST_BUCKETS,
);

// ---- Migration ----

/// `dwcp_migration_duration_seconds{mode,vm_size,result}`.
pub const MIGRATION_DURATION: MetricDef = MetricDef::histogram(
    "dwcp_migration_duration_seconds",
    "VM migration wall-clock duration, in seconds, by transfer mode (dwcp|standard), VM size class and result.",
    &["mode", "vm_size", "result"],
    Unit::Seconds,
    SLOW_BUCKETS,
);
/// `dwcp_migration_speedup_factor{vm_size}`.
pub const MIGRATION_SPEEDUP: MetricDef = MetricDef::gauge(
    "dwcp_migration_speedup_factor",
    "Standard migration time divided by DWCP migration time for the last measured pair, by VM size class.",
    &["vm_size"],
    Unit::None,
);

// ---- Federation ----

/// `dwcp_federation_sync_duration_seconds{peer_cluster}`.
pub const FEDERATION_SYNC_DURATION: MetricDef = MetricDef::histogram(
    "dwcp_federation_sync_duration_seconds",
    "Duration of one cross-cluster federation state sync, in seconds, by peer cluster.",
    &["peer_cluster"],
    Unit::Seconds,
    SLOW_BUCKETS,
);
/// `dwcp_federation_bandwidth_saved_bytes_total{peer_cluster}`.
pub const FEDERATION_BANDWIDTH_SAVED: MetricDef = MetricDef::counter(
    "dwcp_federation_bandwidth_saved_bytes_total",
    "Bytes not sent to a peer cluster thanks to delta sync, by peer cluster.",
    &["peer_cluster"],
    Unit::Bytes,
);

// ---- System ----

/// `dwcp_component_health{component}`.
pub const COMPONENT_HEALTH: MetricDef = MetricDef::gauge(
    "dwcp_component_health",
    "Whether a DWCP component is healthy (1) or not (0).",
    &["component"],
    Unit::None,
);
/// `dwcp_feature_enabled{feature}`.
pub const FEATURE_ENABLED: MetricDef = MetricDef::gauge(
    "dwcp_feature_enabled",
    "Whether a DWCP feature is enabled (1) or not (0).",
    &["feature"],
    Unit::None,
);
/// `dwcp_info{version}`.
pub const INFO: MetricDef = MetricDef::gauge(
    "dwcp_info",
    "Constant 1, labeled with the DWCP protocol version in use.",
    &["version"],
    Unit::None,
);

/// Expands to a slice of the 21 DWCP protocol families followed by `$extra`,
/// so the list is written once for [`PROTOCOL`] and [`CATALOG`].
macro_rules! protocol_families {
    ($($extra:expr),* $(,)?) => {
        &[
            &AMST_STREAMS_ACTIVE,
            &AMST_STREAMS_OPENED,
            &AMST_SENT_BYTES,
            &AMST_RECEIVED_BYTES,
            &AMST_STREAM_ERRORS,
            &AMST_STREAM_LATENCY,
            &AMST_BANDWIDTH_UTILIZATION,
            &HDE_ORIGINAL_BYTES,
            &HDE_COMPRESSED_BYTES,
            &HDE_COMPRESSION_RATIO,
            &HDE_DELTA_HITS,
            &HDE_DELTA_MISSES,
            &HDE_BASELINES,
            &HDE_ENCODE_DURATION,
            &MIGRATION_DURATION,
            &MIGRATION_SPEEDUP,
            &FEDERATION_SYNC_DURATION,
            &FEDERATION_BANDWIDTH_SAVED,
            &COMPONENT_HEALTH,
            &FEATURE_ENABLED,
            &INFO,
            $($extra,)*
        ]
    };
}

/// The 21 DWCP protocol families (library and exporter alike).
pub const PROTOCOL: &[&MetricDef] = protocol_families!();

/// `dwcp_exporter_events_received_total{transport}`.
pub const EVENTS_RECEIVED: MetricDef = MetricDef::counter(
    "dwcp_exporter_events_received_total",
    "Events accepted and applied by the exporter, by transport (http, udp, unix).",
    &["transport"],
    Unit::None,
);
/// `dwcp_exporter_events_rejected_total{reason}`.
pub const EVENTS_REJECTED: MetricDef = MetricDef::counter(
    "dwcp_exporter_events_rejected_total",
    "Events rejected as malformed, by reason.",
    &["reason"],
    Unit::None,
);
/// `dwcp_exporter_events_dropped_total{reason}`.
pub const EVENTS_DROPPED: MetricDef = MetricDef::counter(
    "dwcp_exporter_events_dropped_total",
    "Well-formed events dropped (e.g. over the cardinality cap), by reason.",
    &["reason"],
    Unit::None,
);

/// Every family of `dwcp-exporter`.
pub const CATALOG: Catalog = Catalog {
    program: "dwcp-exporter",
    metrics: protocol_families!(
        &EVENTS_RECEIVED,
        &EVENTS_REJECTED,
        &EVENTS_DROPPED,
        &SELF.build_info,
        &SELF.collector_duration,
        &SELF.collector_success,
    ),
};

#[cfg(test)]
mod tests {
    #[test]
    fn protocol_has_the_21_families() {
        assert_eq!(super::PROTOCOL.len(), 21);
        for m in super::PROTOCOL {
            assert!(super::CATALOG.get(m.name).is_some());
        }
    }
}
