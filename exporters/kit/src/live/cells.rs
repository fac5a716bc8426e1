//! The atomic cells behind each series and the handles that record into them.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

use crate::encode::{render_le, FamilyWriter};

/// Storage of one series, and how to encode it.
pub(crate) trait Cell: Send + Sync + 'static {
    /// Per-family data shared by all series (histogram bounds).
    type Extra: Send + Sync + 'static;
    /// A zeroed cell; `shards` is 1 (compact) or [`SHARDS`] (contended).
    fn new(extra: &Self::Extra, shards: usize) -> Self;
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], extra: &Self::Extra);
}

/// A recording handle built from a cell.
pub(crate) trait Handle {
    type Cell: Cell;
    fn from_cell(cell: Arc<Self::Cell>) -> Self;
}

/// Number of per-thread shards of a counter or histogram (a power of two).
///
/// Each thread adds into the shard picked for it on first use (round
/// robin), so two threads hammering one handle touch different cache lines;
/// readers sum the shards at scrape time.
pub(crate) const SHARDS: usize = 4;

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SHARD: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// The shard of the calling thread, in `0..SHARDS`.
#[inline]
fn shard() -> usize {
    SHARD.with(|s| {
        let v = s.get();
        if v < SHARDS {
            v
        } else {
            let v = NEXT_SHARD.fetch_add(1, Relaxed) & (SHARDS - 1);
            s.set(v);
            v
        }
    })
}

/// One cache line of atomics, so neighbouring shards do not false-share.
#[repr(align(64))]
#[derive(Default)]
pub(crate) struct Line([AtomicU64; 8]);

/// One counter: a single atomic (compact: 8 bytes, for high-cardinality
/// families) or per-thread shards each on its own cache line (for handles
/// that several threads hammer).
pub(crate) enum CounterCell {
    Compact(AtomicU64),
    Sharded(Box<[Line; SHARDS]>),
}

impl CounterCell {
    #[inline]
    fn add(&self, n: u64) {
        match self {
            CounterCell::Compact(a) => a.fetch_add(n, Relaxed),
            CounterCell::Sharded(lines) => lines[shard()].0[0].fetch_add(n, Relaxed),
        };
    }

    fn value(&self) -> u64 {
        match self {
            CounterCell::Compact(a) => a.load(Relaxed),
            CounterCell::Sharded(lines) => lines
                .iter()
                .fold(0u64, |acc, l| acc.wrapping_add(l.0[0].load(Relaxed))),
        }
    }
}

impl Cell for CounterCell {
    type Extra = ();
    fn new(_: &(), shards: usize) -> Self {
        if shards > 1 {
            CounterCell::Sharded(Box::default())
        } else {
            CounterCell::Compact(AtomicU64::new(0))
        }
    }
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], _: &()) {
        f.sample_prerendered_u64(labels, self.value());
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
        self.0.add(1);
    }

    /// Adds `n`.
    #[inline]
    pub fn inc_by(&self, n: u64) {
        self.0.add(n);
    }

    /// The current value.
    pub fn get(&self) -> u64 {
        self.0.value()
    }
}

/// One gauge: a single atomic holding the bits of an `f64`.
#[derive(Default)]
pub(crate) struct GaugeCell(AtomicU64);

impl Cell for GaugeCell {
    type Extra = ();
    fn new(_: &(), _shards: usize) -> Self {
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

/// One histogram, in one or [`SHARDS`] per-thread shards. Shard `k` owns the cache lines
/// `k * stride .. (k + 1) * stride`: its non-cumulative bucket counts (the
/// last one is the `+Inf` overflow bucket) followed by the bit pattern of
/// its sum.
pub(crate) struct HistogramCell {
    bounds: Arc<[f64]>,
    lines: Box<[Line]>,
    /// Cache lines per shard.
    stride: usize,
    /// Number of shards (1 or [`SHARDS`]).
    shards: usize,
}

impl HistogramCell {
    /// Slot `i` of shard `k`.
    #[inline]
    fn slot(&self, k: usize, i: usize) -> &AtomicU64 {
        &self.lines[k * self.stride + i / 8].0[i % 8]
    }

    /// Index of the sum slot (after the buckets).
    #[inline]
    fn sum_slot(&self) -> usize {
        self.bounds.len() + 1
    }

    fn bucket_count(&self, i: usize) -> u64 {
        (0..self.shards).fold(0u64, |acc, k| {
            acc.wrapping_add(self.slot(k, i).load(Relaxed))
        })
    }

    fn total_sum(&self) -> f64 {
        let at = self.sum_slot();
        (0..self.shards)
            .map(|k| f64::from_bits(self.slot(k, at).load(Relaxed)))
            .sum()
    }
}

impl Cell for HistogramCell {
    type Extra = Bounds;
    fn new(extra: &Bounds, shards: usize) -> Self {
        // Buckets, the +Inf bucket and the sum, rounded up to whole lines.
        let stride = (extra.bounds.len() + 2).div_ceil(8);
        HistogramCell {
            bounds: extra.bounds.clone(),
            lines: (0..shards * stride).map(|_| Line::default()).collect(),
            stride,
            shards,
        }
    }
    fn encode(&self, f: &mut FamilyWriter<'_>, labels: &[u8], extra: &Bounds) {
        // Read without a lock: an observation in flight may show in its
        // bucket before its sum, as in every lock-free client.
        let sum = self.total_sum();
        f.histogram_prerendered(
            labels,
            &extra.les,
            (0..=self.bounds.len()).map(|i| self.bucket_count(i)),
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
        let k = if c.shards > 1 { shard() } else { 0 };
        c.slot(k, idx).fetch_add(1, Relaxed);
        add_f64(c.slot(k, c.sum_slot()), v);
    }

    /// Number of observations so far.
    pub fn count(&self) -> u64 {
        (0..=self.0.bounds.len()).fold(0u64, |acc, i| acc.wrapping_add(self.0.bucket_count(i)))
    }

    /// Sum of observations so far.
    pub fn sum(&self) -> f64 {
        self.0.total_sum()
    }
}
