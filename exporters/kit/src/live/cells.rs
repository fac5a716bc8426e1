//! The atomic cells behind each series and the handles that record into them.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use crate::encode::{render_le, FamilyWriter};

/// Storage of one series, and how to encode it.
pub(crate) trait Cell: Send + Sync + 'static {
    /// Per-family data shared by all series (histogram bounds).
    type Extra: Send + Sync + 'static;
    fn new(extra: &Self::Extra) -> Self;
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], extra: &Self::Extra);
}

/// A recording handle built from a cell.
pub(crate) trait Handle {
    type Cell: Cell;
    fn from_cell(cell: Arc<Self::Cell>) -> Self;
}

/// Cache-line aligned so handles of neighbouring series do not false-share.
#[repr(align(64))]
#[derive(Default)]
pub(crate) struct CounterCell(AtomicU64);

impl Cell for CounterCell {
    type Extra = ();
    fn new(_: &()) -> Self {
        Self::default()
    }
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], _: &()) {
        f.sample_prerendered_u64(labels, self.0.load(Relaxed));
    }
}

/// A handle to one counter series: cheap to clone, lock-free to update.
#[derive(Clone)]
pub struct Counter(Arc<CounterCell>);

impl Handle for Counter {
    type Cell = CounterCell;
    fn from_cell(cell: Arc<CounterCell>) -> Self {
        Counter(cell)
    }
}

impl Counter {
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.0 .0.fetch_add(1, Relaxed);
    }

    /// Adds `n`.
    #[inline]
    pub fn inc_by(&self, n: u64) {
        self.0 .0.fetch_add(n, Relaxed);
    }

    /// The current value.
    pub fn get(&self) -> u64 {
        self.0 .0.load(Relaxed)
    }
}

#[repr(align(64))]
#[derive(Default)]
pub(crate) struct GaugeCell(AtomicU64);

impl Cell for GaugeCell {
    type Extra = ();
    fn new(_: &()) -> Self {
        Self::default()
    }
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], _: &()) {
        f.sample_prerendered(labels, f64::from_bits(self.0.load(Relaxed)));
    }
}

/// A handle to one gauge series.
#[derive(Clone)]
pub struct Gauge(Arc<GaugeCell>);

impl Handle for Gauge {
    type Cell = GaugeCell;
    fn from_cell(cell: Arc<GaugeCell>) -> Self {
        Gauge(cell)
    }
}

impl Gauge {
    /// Sets the value.
    #[inline]
    pub fn set(&self, v: f64) {
        self.0 .0.store(v.to_bits(), Relaxed);
    }

    /// Adds `d` (may be negative).
    #[inline]
    pub fn add(&self, d: f64) {
        add_f64(&self.0 .0, d);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1.0)
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.add(-1.0)
    }

    /// The current value.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0 .0.load(Relaxed))
    }
}

#[inline]
fn add_f64(cell: &AtomicU64, d: f64) {
    let mut cur = cell.load(Relaxed);
    loop {
        let new = (f64::from_bits(cur) + d).to_bits();
        match cell.compare_exchange_weak(cur, new, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(seen) => cur = seen,
        }
    }
}

/// Bucket bounds of a histogram family, with their `le` labels pre-rendered.
pub(crate) struct Bounds {
    bounds: Arc<[f64]>,
    les: Box<[Box<[u8]>]>,
}

impl Bounds {
    pub(crate) fn new(bounds: &[f64]) -> Self {
        assert!(
            bounds.windows(2).all(|w| w[0] < w[1]) && bounds.iter().all(|b| b.is_finite()),
            "histogram bounds must be finite and strictly ascending"
        );
        Bounds {
            bounds: bounds.into(),
            les: bounds.iter().map(|b| render_le(*b)).collect(),
        }
    }
}

pub(crate) struct HistogramCell {
    bounds: Arc<[f64]>,
    /// Non-cumulative counts; the last one is the `+Inf` overflow bucket.
    buckets: Box<[AtomicU64]>,
    sum: AtomicU64,
}

impl Cell for HistogramCell {
    type Extra = Bounds;
    fn new(extra: &Bounds) -> Self {
        HistogramCell {
            bounds: extra.bounds.clone(),
            buckets: (0..=extra.bounds.len())
                .map(|_| AtomicU64::new(0))
                .collect(),
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], extra: &Bounds) {
        // Read without a lock: an observation in flight may show in its
        // bucket before its sum, as in every lock-free client.
        let sum = f64::from_bits(self.sum.load(Relaxed));
        f.histogram_prerendered(
            labels,
            &extra.les,
            self.buckets.iter().map(|b| b.load(Relaxed)),
            sum,
        );
    }
}

/// A handle to one histogram series.
#[derive(Clone)]
pub struct Histogram(Arc<HistogramCell>);

impl Handle for Histogram {
    type Cell = HistogramCell;
    fn from_cell(cell: Arc<HistogramCell>) -> Self {
        Histogram(cell)
    }
}

impl Histogram {
    /// Records one observation.
    #[inline]
    pub fn observe(&self, v: f64) {
        let c = &*self.0;
        let idx = c
            .bounds
            .iter()
            .position(|b| v <= *b)
            .unwrap_or(c.bounds.len());
        c.buckets[idx].fetch_add(1, Relaxed);
        add_f64(&c.sum, v);
    }

    /// Number of observations so far.
    pub fn count(&self) -> u64 {
        self.0.buckets.iter().map(|b| b.load(Relaxed)).sum()
    }

    /// Sum of observations so far.
    pub fn sum(&self) -> f64 {
        f64::from_bits(self.0.sum.load(Relaxed))
    }
}
