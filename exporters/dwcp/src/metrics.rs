//! The typed instrumentation API: one wrapper per DWCP component.
//!
//! Label values are resolved once, into handles ([`Hde`], [`FederationPeer`],
//! [`MigrationOutcome`], ...); recording through a handle is a few relaxed
//! atomic operations, with no hashing, locking or heap allocation.
//!
//! ```
//! use dwcp_exporter::metrics::{Dwcp, Mode, Outcome};
//! let dwcp = Dwcp::new();
//! let amst = dwcp.amst();
//! amst.stream_start();
//! amst.stream_data(4096, 512);
//! amst.stream_end();
//! let vm = dwcp.hde("vm_memory").unwrap();
//! vm.compression_complete(4096, 1024, true, std::time::Duration::from_micros(80));
//! let done = dwcp.migration(Mode::Dwcp, "large", Outcome::Success).unwrap();
//! let timer = dwcp_exporter::metrics::MigrationTimer::start();
//! let took = done.complete(timer);
//! assert!(took.as_secs_f64() >= 0.0);
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use exporter_kit::live::{
    Counter, CounterVec, Gauge, GaugeVec, Histogram, HistogramVec, LabelError, Registry,
};
use metric_defs::dwcp as defs;

/// The 21 DWCP metric families, registered in one [`Registry`].
#[derive(Clone)]
pub struct Dwcp {
    registry: Arc<Registry>,
    pub(crate) f: Families,
}

/// Every family's vector, for code that resolves handles by label values.
#[derive(Clone)]
pub(crate) struct Families {
    pub(crate) streams_active: GaugeVec,
    pub(crate) streams_opened: CounterVec,
    pub(crate) sent_bytes: CounterVec,
    pub(crate) received_bytes: CounterVec,
    pub(crate) stream_errors: CounterVec,
    pub(crate) stream_latency: HistogramVec,
    pub(crate) bandwidth_utilization: GaugeVec,
    pub(crate) hde_original: CounterVec,
    pub(crate) hde_compressed: CounterVec,
    pub(crate) hde_ratio: GaugeVec,
    pub(crate) hde_hits: CounterVec,
    pub(crate) hde_misses: CounterVec,
    pub(crate) hde_baselines: GaugeVec,
    pub(crate) hde_duration: HistogramVec,
    pub(crate) migration_duration: HistogramVec,
    pub(crate) migration_speedup: GaugeVec,
    pub(crate) federation_duration: HistogramVec,
    pub(crate) federation_saved: CounterVec,
    pub(crate) component_health: GaugeVec,
    pub(crate) feature_enabled: GaugeVec,
    pub(crate) info: GaugeVec,
}

impl Families {
    fn register(r: &Registry) -> Self {
        Families {
            streams_active: r.gauge(&defs::AMST_STREAMS_ACTIVE),
            streams_opened: r.counter(&defs::AMST_STREAMS_OPENED),
            sent_bytes: r.counter(&defs::AMST_SENT_BYTES),
            received_bytes: r.counter(&defs::AMST_RECEIVED_BYTES),
            stream_errors: r.counter(&defs::AMST_STREAM_ERRORS),
            stream_latency: r.histogram(&defs::AMST_STREAM_LATENCY),
            bandwidth_utilization: r.gauge(&defs::AMST_BANDWIDTH_UTILIZATION),
            hde_original: r.counter(&defs::HDE_ORIGINAL_BYTES),
            hde_compressed: r.counter(&defs::HDE_COMPRESSED_BYTES),
            hde_ratio: r.gauge(&defs::HDE_COMPRESSION_RATIO),
            hde_hits: r.counter(&defs::HDE_DELTA_HITS),
            hde_misses: r.counter(&defs::HDE_DELTA_MISSES),
            hde_baselines: r.gauge(&defs::HDE_BASELINES),
            hde_duration: r.histogram(&defs::HDE_ENCODE_DURATION),
            migration_duration: r.histogram(&defs::MIGRATION_DURATION),
            migration_speedup: r.gauge(&defs::MIGRATION_SPEEDUP),
            federation_duration: r.histogram(&defs::FEDERATION_SYNC_DURATION),
            federation_saved: r.counter(&defs::FEDERATION_BANDWIDTH_SAVED),
            component_health: r.gauge(&defs::COMPONENT_HEALTH),
            feature_enabled: r.gauge(&defs::FEATURE_ENABLED),
            info: r.gauge(&defs::INFO),
        }
    }

    /// Sets the cardinality cap of every family.
    fn set_max_series(&self, max: usize) {
        for v in [
            &self.streams_opened,
            &self.sent_bytes,
            &self.received_bytes,
            &self.stream_errors,
            &self.hde_original,
            &self.hde_compressed,
            &self.hde_hits,
            &self.hde_misses,
            &self.federation_saved,
        ] {
            v.set_max_series(max);
        }
        for v in [
            &self.streams_active,
            &self.bandwidth_utilization,
            &self.hde_ratio,
            &self.hde_baselines,
            &self.migration_speedup,
            &self.component_health,
            &self.feature_enabled,
            &self.info,
        ] {
            v.set_max_series(max);
        }
        for v in [
            &self.stream_latency,
            &self.hde_duration,
            &self.migration_duration,
            &self.federation_duration,
        ] {
            v.set_max_series(max);
        }
    }
}

impl Default for Dwcp {
    fn default() -> Self {
        Self::new()
    }
}

impl Dwcp {
    /// All 21 families in a new registry (collector name `dwcp`).
    pub fn new() -> Self {
        Self::in_registry(Arc::new(Registry::sharded("dwcp")))
    }

    /// All 21 families registered in `registry`.
    pub fn in_registry(registry: Arc<Registry>) -> Self {
        let f = Families::register(&registry);
        Dwcp { registry, f }
    }

    /// The registry to hand to an [`exporter_kit::Exporter`] (it is a collector).
    pub fn registry(&self) -> Arc<Registry> {
        self.registry.clone()
    }

    /// Caps the number of label sets (series) of every family.
    pub fn set_max_series_per_metric(&self, max: usize) {
        self.f.set_max_series(max);
    }

    /// The AMST transport's handles (its metrics have no labels).
    pub fn amst(&self) -> Amst {
        let one = |v: &CounterVec| v.with_labels(&[]).expect("unlabeled series");
        Amst {
            active: self
                .f
                .streams_active
                .with_labels(&[])
                .expect("unlabeled series"),
            opened: one(&self.f.streams_opened),
            sent: one(&self.f.sent_bytes),
            received: one(&self.f.received_bytes),
            latency: self
                .f
                .stream_latency
                .with_labels(&[])
                .expect("unlabeled series"),
            utilization: self
                .f
                .bandwidth_utilization
                .with_labels(&[])
                .expect("unlabeled series"),
        }
    }

    /// The handle counting AMST stream errors of one kind (`error_type`).
    pub fn stream_error_kind(&self, kind: &str) -> Result<StreamErrorKind, LabelError> {
        self.f
            .stream_errors
            .with_labels(&[kind])
            .map(StreamErrorKind)
    }

    /// The HDE encoder's handles for one data type (`data_type`).
    pub fn hde(&self, data_type: &str) -> Result<Hde, LabelError> {
        let l = &[data_type];
        Ok(Hde {
            original: self.f.hde_original.with_labels(l)?,
            compressed: self.f.hde_compressed.with_labels(l)?,
            ratio: self.f.hde_ratio.with_labels(l)?,
            hits: self.f.hde_hits.with_labels(l)?,
            misses: self.f.hde_misses.with_labels(l)?,
            baselines: self.f.hde_baselines.with_labels(l)?,
            duration: self.f.hde_duration.with_labels(l)?,
        })
    }

    /// The handle recording migrations with this mode, VM size class and result.
    pub fn migration(
        &self,
        mode: Mode,
        vm_size: &str,
        outcome: Outcome,
    ) -> Result<MigrationOutcome, LabelError> {
        self.f
            .migration_duration
            .with_labels(&[mode.as_str(), vm_size, outcome.as_str()])
            .map(MigrationOutcome)
    }

    /// The gauge holding the measured DWCP speedup for a VM size class.
    pub fn speedup(&self, vm_size: &str) -> Result<Speedup, LabelError> {
        self.f
            .migration_speedup
            .with_labels(&[vm_size])
            .map(Speedup)
    }

    /// The federation handles for one peer cluster (`peer_cluster`).
    pub fn federation_peer(&self, peer: &str) -> Result<FederationPeer, LabelError> {
        let l = &[peer];
        Ok(FederationPeer {
            duration: self.f.federation_duration.with_labels(l)?,
            saved: self.f.federation_saved.with_labels(l)?,
        })
    }

    /// The health flag of one component (`component`).
    pub fn component(&self, component: &str) -> Result<Flag, LabelError> {
        self.f.component_health.with_labels(&[component]).map(Flag)
    }

    /// The enabled flag of one feature (`feature`).
    pub fn feature(&self, feature: &str) -> Result<Flag, LabelError> {
        self.f.feature_enabled.with_labels(&[feature]).map(Flag)
    }

    /// Sets `dwcp_info{version}` to 1 for `version`.
    pub fn set_info(&self, version: &str) -> Result<(), LabelError> {
        self.info_flag(version).map(|g| g.set(true))
    }

    /// The `dwcp_info{version}` series as a flag.
    pub fn info_flag(&self, version: &str) -> Result<Flag, LabelError> {
        self.f.info.with_labels(&[version]).map(Flag)
    }
}

/// AMST transport: streams, bytes, latency and link utilization.
#[derive(Clone)]
pub struct Amst {
    active: Gauge,
    opened: Counter,
    sent: Counter,
    received: Counter,
    latency: Histogram,
    utilization: Gauge,
}

impl Amst {
    /// A stream was opened.
    #[inline]
    pub fn stream_start(&self) {
        self.opened.inc();
        self.active.inc();
    }

    /// Payload bytes moved on a stream.
    #[inline]
    pub fn stream_data(&self, sent: u64, received: u64) {
        self.sent.inc_by(sent);
        self.received.inc_by(received);
    }

    /// A stream failed with an error of kind `kind`.
    #[inline]
    pub fn stream_error(&self, kind: &StreamErrorKind) {
        kind.0.inc();
    }

    /// A stream was closed.
    #[inline]
    pub fn stream_end(&self) {
        self.active.dec();
    }

    /// The round-trip latency of one stream transfer.
    #[inline]
    pub fn stream_latency(&self, latency: Duration) {
        self.latency.observe(latency.as_secs_f64());
    }

    /// As [`Amst::stream_latency`] in seconds.
    #[inline]
    pub fn stream_latency_secs(&self, seconds: f64) {
        self.latency.observe(seconds);
    }

    /// The fraction (0-1) of the link bandwidth in use; clamped to 0-1.
    #[inline]
    pub fn bandwidth_utilization(&self, ratio: f64) {
        self.utilization.set(ratio.clamp(0.0, 1.0));
    }

    /// Streams open now.
    pub fn active(&self) -> f64 {
        self.active.get()
    }
}

/// The error counter of one kind of AMST stream error.
#[derive(Clone)]
pub struct StreamErrorKind(Counter);

impl StreamErrorKind {
    /// Adds `n` errors of this kind (0 only makes the series visible).
    #[inline]
    pub fn add(&self, n: u64) {
        self.0.inc_by(n);
    }
}

/// HDE encoder handles for one data type.
#[derive(Clone)]
pub struct Hde {
    original: Counter,
    compressed: Counter,
    ratio: Gauge,
    hits: Counter,
    misses: Counter,
    baselines: Gauge,
    duration: Histogram,
}

impl Hde {
    /// One payload was encoded: `original` bytes in, `compressed` bytes out,
    /// against a baseline (`delta_hit`) or not, taking `duration`.
    #[inline]
    pub fn compression_complete(
        &self,
        original: u64,
        compressed: u64,
        delta_hit: bool,
        duration: Duration,
    ) {
        self.compression_complete_secs(original, compressed, delta_hit, duration.as_secs_f64())
    }

    /// As [`Hde::compression_complete`] with the duration in seconds.
    #[inline]
    pub fn compression_complete_secs(
        &self,
        original: u64,
        compressed: u64,
        delta_hit: bool,
        seconds: f64,
    ) {
        self.original.inc_by(original);
        self.compressed.inc_by(compressed);
        if compressed > 0 {
            self.ratio.set(original as f64 / compressed as f64);
        }
        if delta_hit {
            self.hits.inc();
        } else {
            self.misses.inc();
        }
        self.duration.observe(seconds);
    }

    /// The encoder now holds `count` baselines of this data type.
    #[inline]
    pub fn baseline_update(&self, count: u64) {
        self.baselines.set(count as f64);
    }
}

/// Transfer mode of a migration (`mode` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Over DWCP (AMST + HDE).
    Dwcp,
    /// The standard way (one raw stream).
    Standard,
}

impl Mode {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Dwcp => "dwcp",
            Mode::Standard => "standard",
        }
    }

    /// Parses a label value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dwcp" => Some(Mode::Dwcp),
            "standard" => Some(Mode::Standard),
            _ => None,
        }
    }
}

/// Result of a migration (`result` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The VM runs on the destination.
    Success,
    /// The migration failed or was aborted.
    Failure,
}

impl Outcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }

    /// Parses a label value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Outcome::Success),
            "failure" => Some(Outcome::Failure),
            _ => None,
        }
    }
}

/// When a migration started; [`MigrationOutcome::complete`] measures from it.
#[derive(Debug, Clone, Copy)]
pub struct MigrationTimer(Instant);

impl MigrationTimer {
    /// A migration starts now.
    pub fn start() -> Self {
        MigrationTimer(Instant::now())
    }
}

/// The duration histogram of one (mode, VM size, result).
#[derive(Clone)]
pub struct MigrationOutcome(Histogram);

impl MigrationOutcome {
    /// Records the migration started at `timer` as finished now; returns its duration.
    pub fn complete(&self, timer: MigrationTimer) -> Duration {
        let d = timer.0.elapsed();
        self.0.observe(d.as_secs_f64());
        d
    }

    /// Records a migration that took `seconds` (measured elsewhere).
    #[inline]
    pub fn observe_secs(&self, seconds: f64) {
        self.0.observe(seconds);
    }
}

/// The speedup gauge of one VM size class.
#[derive(Clone)]
pub struct Speedup(Gauge);

impl Speedup {
    /// Standard migration time divided by DWCP migration time.
    #[inline]
    pub fn set(&self, factor: f64) {
        self.0.set(factor);
    }
}

/// Federation handles for one peer cluster.
#[derive(Clone)]
pub struct FederationPeer {
    duration: Histogram,
    saved: Counter,
}

impl FederationPeer {
    /// One state sync finished, taking `duration` and saving `bytes_saved`.
    #[inline]
    pub fn sync_complete(&self, duration: Duration, bytes_saved: u64) {
        self.sync_complete_secs(duration.as_secs_f64(), bytes_saved)
    }

    /// As [`FederationPeer::sync_complete`] with the duration in seconds.
    #[inline]
    pub fn sync_complete_secs(&self, seconds: f64, bytes_saved: u64) {
        self.duration.observe(seconds);
        self.saved.inc_by(bytes_saved);
    }
}

/// A 1/0 gauge: component health or feature enabled.
#[derive(Clone)]
pub struct Flag(Gauge);

impl Flag {
    /// Sets 1 for `true`, 0 for `false`.
    #[inline]
    pub fn set(&self, on: bool) {
        self.0.set(if on { 1.0 } else { 0.0 });
    }
}
