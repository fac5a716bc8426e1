//! Process metrics every exporter reports about itself (Linux `/proc`).

use crate::{Catalog, MetricDef, Unit};

/// `process_cpu_seconds_total`.
pub const CPU_SECONDS: MetricDef = MetricDef::counter(
    "process_cpu_seconds_total",
    "Total user and system CPU time spent by the process, in seconds.",
    &[],
    Unit::Seconds,
);
/// `process_resident_memory_bytes`.
pub const RESIDENT_MEMORY: MetricDef = MetricDef::gauge(
    "process_resident_memory_bytes",
    "Resident memory size of the process, in bytes.",
    &[],
    Unit::Bytes,
);
/// `process_virtual_memory_bytes`.
pub const VIRTUAL_MEMORY: MetricDef = MetricDef::gauge(
    "process_virtual_memory_bytes",
    "Virtual memory size of the process, in bytes.",
    &[],
    Unit::Bytes,
);
/// `process_open_fds`.
pub const OPEN_FDS: MetricDef = MetricDef::gauge(
    "process_open_fds",
    "Number of open file descriptors of the process.",
    &[],
    Unit::None,
);
/// `process_max_fds`.
pub const MAX_FDS: MetricDef = MetricDef::gauge(
    "process_max_fds",
    "Limit on open file descriptors of the process.",
    &[],
    Unit::None,
);
/// `process_start_time_seconds`.
pub const START_TIME: MetricDef = MetricDef::gauge(
    "process_start_time_seconds",
    "Start time of the process since the Unix epoch, in seconds.",
    &[],
    Unit::TimestampSeconds,
);

/// The process metric families.
pub const CATALOG: Catalog = Catalog {
    program: "process",
    metrics: &[
        &CPU_SECONDS,
        &RESIDENT_MEMORY,
        &VIRTUAL_MEMORY,
        &OPEN_FDS,
        &MAX_FDS,
        &START_TIME,
    ],
};
