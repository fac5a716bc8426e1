//! Instrumented metrics: families of series recorded through pre-resolved
//! handles.
//!
//! Label values are resolved once, when a handle is created
//! ([`CounterVec::with_labels`] and friends); recording through a handle is
//! one or two atomic operations, with no hashing, locking or allocation. A
//! [`Registry`] is a [`Collector`](crate::Collector): a scrape encodes a
//! snapshot of every series under a read lock, writing labels that were
//! rendered when the series was created.

mod cells;
mod family;

use std::sync::{Arc, RwLock};

pub use cells::{Counter, Gauge, Histogram};
use family::{AnyFamily, Family};
use metric_defs::{MetricDef, MetricType};

use crate::{CollectError, Collector, MetricWriter};

/// Default cap on the number of series (label sets) of one family.
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// Why a handle could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// The family already holds its maximum number of series.
    #[error("{metric}: cardinality cap of {max} series reached")]
    Cardinality {
        /// Metric name.
        metric: &'static str,
        /// The cap in force.
        max: usize,
    },
    /// The number of label values differs from the definition's label names.
    #[error("{metric}: expected {expected} label values, got {got}")]
    Arity {
        /// Metric name.
        metric: &'static str,
        /// Label names in the definition.
        expected: usize,
        /// Values given.
        got: usize,
    },
}

/// A set of instrumented metric families, encoded together at scrape time.
pub struct Registry {
    name: &'static str,
    shards: usize,
    families: RwLock<Vec<Arc<dyn AnyFamily>>>,
}

impl Registry {
    /// An empty registry of compact series (one atomic per counter, about
    /// 200 bytes per series in all): right for many series. `name` is its
    /// collector name in `<ns>_scrape_collector_success{collector}`.
    pub fn new(name: &'static str) -> Self {
        Registry {
            name,
            shards: 1,
            families: RwLock::new(Vec::new()),
        }
    }

    /// An empty registry whose counters and histograms keep per-thread
    /// shards on separate cache lines, so threads recording into the same
    /// handle do not contend (4x the cell memory): right for a few hot
    /// series of in-process instrumentation.
    pub fn sharded(name: &'static str) -> Self {
        Registry {
            shards: cells::SHARDS,
            ..Self::new(name)
        }
    }

    fn add<C: cells::Cell>(&self, fam: Family<C>) -> Arc<Family<C>> {
        let fam = Arc::new(fam);
        self.families
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(fam.clone());
        fam
    }

    /// Registers a counter family.
    pub fn counter(&self, def: &'static MetricDef) -> CounterVec {
        assert_eq!(
            def.kind,
            MetricType::Counter,
            "{} is not a counter",
            def.name
        );
        CounterVec(self.add(Family::new(def, (), self.shards)))
    }

    /// Registers a gauge family.
    pub fn gauge(&self, def: &'static MetricDef) -> GaugeVec {
        assert_eq!(def.kind, MetricType::Gauge, "{} is not a gauge", def.name);
        GaugeVec(self.add(Family::new(def, (), self.shards)))
    }

    /// Registers a histogram family with the definition's default buckets.
    pub fn histogram(&self, def: &'static MetricDef) -> HistogramVec {
        self.histogram_with_buckets(def, def.buckets)
    }

    /// Registers a histogram family with custom bucket bounds (ascending).
    pub fn histogram_with_buckets(&self, def: &'static MetricDef, bounds: &[f64]) -> HistogramVec {
        assert_eq!(
            def.kind,
            MetricType::Histogram,
            "{} is not a histogram",
            def.name
        );
        HistogramVec(self.add(Family::new(def, cells::Bounds::new(bounds), self.shards)))
    }

    /// Total number of series across all families.
    pub fn series_count(&self) -> usize {
        self.families
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|f| f.len())
            .sum()
    }
}

impl Collector for Registry {
    fn name(&self) -> &'static str {
        self.name
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        for f in self
            .families
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            f.encode(w);
        }
        Ok(())
    }
}

macro_rules! vec_type {
    ($vec:ident, $handle:ident, $what:literal) => {
        #[doc = concat!("A ", $what, " family; hands out [`", stringify!($handle), "`] handles per label set.")]
        #[derive(Clone)]
        pub struct $vec(Arc<Family<<$handle as cells::Handle>::Cell>>);

        impl $vec {
            /// The handle for these label values (in definition order),
            /// creating the series on first use.
            pub fn with_labels(&self, values: &[&str]) -> Result<$handle, LabelError> {
                self.0.get_or_create(values).map(<$handle as cells::Handle>::from_cell)
            }

            /// Removes the series with these label values; returns whether it existed.
            /// Handles already given out keep working but are no longer exported.
            pub fn remove(&self, values: &[&str]) -> bool {
                self.0.remove(values)
            }

            /// Sets the cardinality cap of this family.
            pub fn set_max_series(&self, max: usize) {
                self.0.set_max_series(max)
            }

            /// Number of series in this family.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether the family has no series.
            pub fn is_empty(&self) -> bool {
                self.0.len() == 0
            }

            /// The family's definition.
            pub fn def(&self) -> &'static MetricDef {
                self.0.def()
            }
        }
    };
}

vec_type!(CounterVec, Counter, "counter");
vec_type!(GaugeVec, Gauge, "gauge");
vec_type!(HistogramVec, Histogram, "histogram");

#[cfg(test)]
mod tests;
