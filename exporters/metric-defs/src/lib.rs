//! Metric definitions shared by the exporters and `rulegen`.
//!
//! Every metric an exporter of this project emits is declared exactly once
//! here, as plain `'static` data: its name, type, help text, label names and
//! unit. The exporters register these definitions; `rulegen` reads the same
//! definitions to check that every metric a rule or a dashboard selects really
//! exists and has the type the rule assumes (for example, `rate()` only over
//! counters).
//!
//! This crate has no dependencies on purpose, so `rulegen` builds without
//! tokio, hyper or libvirt.

#![forbid(unsafe_code)]

pub mod dwcp;
pub mod libvirt;
pub mod process;
pub mod sla;

/// The Prometheus type of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// A monotonically increasing value; the name ends in `_total`.
    Counter,
    /// A value that can go up and down.
    Gauge,
    /// Cumulative buckets plus `_sum` and `_count` series.
    Histogram,
}

impl MetricType {
    /// The name used on `# TYPE` lines.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
        }
    }
}

/// The base unit of a metric's value, per the Prometheus naming guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A plain count or a state code: no unit.
    None,
    /// Seconds.
    Seconds,
    /// Bytes.
    Bytes,
    /// A ratio between 0 and 1.
    Ratio,
    /// A Unix timestamp in seconds.
    TimestampSeconds,
}

impl Unit {
    /// The OpenMetrics `# UNIT` value, or `None` when the metric has no unit.
    pub const fn openmetrics(self) -> Option<&'static str> {
        match self {
            Unit::Seconds | Unit::TimestampSeconds => Some("seconds"),
            Unit::Bytes => Some("bytes"),
            Unit::Ratio => Some("ratio"),
            Unit::None => None,
        }
    }
}

/// One metric family, declared once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    /// Full metric name, e.g. `dwcp_amst_sent_bytes_total`.
    pub name: &'static str,
    /// Prometheus type.
    pub kind: MetricType,
    /// HELP text: what is measured and in which unit.
    pub help: &'static str,
    /// Label names, in the order values are given when recording.
    pub labels: &'static [&'static str],
    /// Base unit of the value.
    pub unit: Unit,
    /// Default histogram bucket upper bounds (ascending, without `+Inf`).
    /// Empty for counters and gauges.
    pub buckets: &'static [f64],
}

impl MetricDef {
    /// A counter definition.
    pub const fn counter(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        unit: Unit,
    ) -> Self {
        MetricDef {
            name,
            kind: MetricType::Counter,
            help,
            labels,
            unit,
            buckets: &[],
        }
    }

    /// A gauge definition.
    pub const fn gauge(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        unit: Unit,
    ) -> Self {
        MetricDef {
            name,
            kind: MetricType::Gauge,
            help,
            labels,
            unit,
            buckets: &[],
        }
    }

    /// A histogram definition with its default buckets.
    pub const fn histogram(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        unit: Unit,
        buckets: &'static [f64],
    ) -> Self {
        MetricDef {
            name,
            kind: MetricType::Histogram,
            help,
            labels,
            unit,
            buckets,
        }
    }

    /// The names of the series this family produces, as a PromQL selector
    /// would see them (`_bucket`, `_sum`, `_count` for histograms).
    pub fn series_names(&self) -> Vec<String> {
        match self.kind {
            MetricType::Histogram => ["_bucket", "_sum", "_count"]
                .iter()
                .map(|s| format!("{}{}", self.name, s))
                .collect(),
            _ => vec![self.name.to_string()],
        }
    }
}

/// All metrics one program emits, for `rulegen`'s name checks and docs.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    /// Job-facing program name, e.g. `dwcp-exporter`.
    pub program: &'static str,
    /// Every metric family the program can emit.
    pub metrics: &'static [&'static MetricDef],
}

impl Catalog {
    /// Finds a family by its exact name.
    pub fn get(&self, name: &str) -> Option<&'static MetricDef> {
        self.metrics.iter().copied().find(|m| m.name == name)
    }
}

/// The families every exporter built on the kit emits about itself,
/// named after the exporter's namespace (`<namespace>_build_info`, ...).
#[derive(Debug, Clone, Copy)]
pub struct SelfMetrics {
    /// `<ns>_build_info{version,revision,rustc}` = 1.
    pub build_info: MetricDef,
    /// `<ns>_scrape_collector_duration_seconds{collector}`.
    pub collector_duration: MetricDef,
    /// `<ns>_scrape_collector_success{collector}`.
    pub collector_success: MetricDef,
}

/// Declares the [`SelfMetrics`] of an exporter namespace at compile time, so
/// the names are `'static` and typed once.
#[macro_export]
macro_rules! self_metrics {
    ($ns:literal) => {
        $crate::SelfMetrics {
            build_info: $crate::MetricDef::gauge(
                concat!($ns, "_build_info"),
                concat!(
                    "A metric with a constant '1' value labeled by version, revision and rustc ",
                    "version from which ",
                    $ns,
                    " was built."
                ),
                &["version", "revision", "rustc"],
                $crate::Unit::None,
            ),
            collector_duration: $crate::MetricDef::gauge(
                concat!($ns, "_scrape_collector_duration_seconds"),
                concat!($ns, ": duration of a collector scrape, in seconds."),
                &["collector"],
                $crate::Unit::Seconds,
            ),
            collector_success: $crate::MetricDef::gauge(
                concat!($ns, "_scrape_collector_success"),
                concat!($ns, ": whether a collector succeeded (1) or failed (0)."),
                &["collector"],
                $crate::Unit::None,
            ),
        }
    };
}

/// Every catalog of this project's programs, for `rulegen`.
pub fn catalogs() -> Vec<Catalog> {
    vec![dwcp::CATALOG, libvirt::CATALOG, sla::CATALOG]
}

/// Latency buckets (seconds) on which the usual objectives (5 ms ... 10 s,
/// including 100 ms, 250 ms, 500 ms, 1 s, 2 s) sit exactly on a boundary.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_catalog(c: &Catalog) {
        let mut seen = std::collections::HashSet::new();
        for m in c.metrics {
            assert!(seen.insert(m.name), "{}: duplicate {}", c.program, m.name);
            assert!(
                m.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "bad name {}",
                m.name
            );
            assert!(!m.help.is_empty(), "{} has no help", m.name);
            match m.kind {
                MetricType::Counter => assert!(m.name.ends_with("_total"), "{}", m.name),
                _ => assert!(!m.name.ends_with("_total"), "{}", m.name),
            }
            if m.kind == MetricType::Histogram {
                assert!(!m.buckets.is_empty(), "{}", m.name);
                assert!(m.buckets.windows(2).all(|w| w[0] < w[1]), "{}", m.name);
            }
            match m.unit {
                Unit::Seconds => assert!(
                    m.name.contains("_seconds"),
                    "{} has unit seconds but not in its name",
                    m.name
                ),
                Unit::Bytes => assert!(m.name.contains("_bytes"), "{}", m.name),
                _ => {}
            }
            for l in m.labels {
                assert!(!l.starts_with("__"), "{}: reserved label {}", m.name, l);
                assert!(*l != "le" || m.kind != MetricType::Histogram);
            }
        }
    }

    #[test]
    fn catalogs_follow_naming_guide() {
        for c in catalogs() {
            check_catalog(&c);
        }
        check_catalog(&process::CATALOG);
    }

    #[test]
    fn self_metrics_names() {
        const S: SelfMetrics = self_metrics!("demo_exporter");
        assert_eq!(S.build_info.name, "demo_exporter_build_info");
        assert_eq!(
            S.collector_duration.name,
            "demo_exporter_scrape_collector_duration_seconds"
        );
        assert_eq!(S.collector_success.labels, &["collector"]);
    }

    #[test]
    fn histogram_series_names() {
        let h = MetricDef::histogram("x_seconds", "h", &[], Unit::Seconds, LATENCY_BUCKETS);
        assert_eq!(
            h.series_names(),
            ["x_seconds_bucket", "x_seconds_sum", "x_seconds_count"]
        );
    }
}
