//! Per-target SLI state (atomics written by the target's probe task) and the
//! collector that encodes every target at scrape time.
//!
//! Each target keeps its own histogram bounds, so targets with custom
//! `buckets` share one `sla_probe_duration_seconds` family (the kit's live
//! registry keeps bounds per family).

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};

use exporter_kit::encode::{render_labels, render_le};
use exporter_kit::{CollectError, Collector, MetricWriter};
use metric_defs::sla as defs;

use crate::config::{Prober, Target};
use crate::probe::{Outcome, Reason};

const NO_CERT: i64 = i64::MIN;

/// What the last probe of a target found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastResult {
    /// Not probed yet.
    None,
    /// The last probe succeeded.
    Success,
    /// The last probe failed.
    Failure,
}

/// The counters, histogram and gauges of one target.
pub struct TargetState {
    values: [String; 5],
    labels: Box<[u8]>,
    /// (reason index, pre-rendered labels) for the reasons the prober can report.
    reason_labels: Vec<(usize, Box<[u8]>)>,
    probes: AtomicU64,
    failures: [AtomicU64; 7],
    bounds: Box<[f64]>,
    les: Box<[Box<[u8]>]>,
    /// Non-cumulative; the last entry is the `+Inf` overflow.
    buckets: Box<[AtomicU64]>,
    sum: AtomicU64,
    last: AtomicU8,
    last_success: AtomicU64,
    cert_expiry: AtomicI64,
    checks: Mutex<Vec<(Box<[u8]>, f64)>>,
    is_health: bool,
}

impl TargetState {
    /// Zeroed state for a target.
    pub fn new(t: &Target) -> Self {
        let values = t.label_values().map(str::to_string);
        let names = defs::TARGET_LABELS;
        let reason_labels = Reason::possible(&t.module.prober)
            .iter()
            .map(|r| {
                let mut v: Vec<&str> = values.iter().map(String::as_str).collect();
                v.push(r.as_str());
                (
                    r.index(),
                    render_labels(defs::PROBE_FAILURES.labels, &v).into(),
                )
            })
            .collect();
        TargetState {
            labels: render_labels(names, &values.each_ref().map(String::as_str)).into(),
            values,
            reason_labels,
            probes: AtomicU64::new(0),
            failures: Default::default(),
            bounds: t.buckets.clone().into(),
            les: t.buckets.iter().map(|b| render_le(*b)).collect(),
            buckets: (0..=t.buckets.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0f64.to_bits()),
            last: AtomicU8::new(0),
            last_success: AtomicU64::new(0),
            cert_expiry: AtomicI64::new(NO_CERT),
            checks: Mutex::new(Vec::new()),
            is_health: matches!(t.module.prober, Prober::Health(..)),
        }
    }

    /// Whether `t` produces exactly the series of this state (same labels,
    /// buckets and prober), so a reload can keep counting into it.
    pub fn same_series(&self, t: &Target) -> bool {
        let v = t.label_values();
        self.values.iter().zip(v).all(|(a, b)| a == b)
            && *self.bounds == *t.buckets
            && self.reason_labels.len() == Reason::possible(&t.module.prober).len()
    }

    /// Records one probe. Returns the previous [`LastResult`].
    pub fn record(&self, o: &Outcome, now_unix: f64) -> LastResult {
        self.probes.fetch_add(1, Relaxed);
        match &o.failure {
            Some((reason, _)) => {
                self.failures[reason.index()].fetch_add(1, Relaxed);
            }
            None => {
                let secs = o.duration.as_secs_f64();
                let idx = self
                    .bounds
                    .iter()
                    .position(|b| secs <= *b)
                    .unwrap_or(self.bounds.len());
                self.buckets[idx].fetch_add(1, Relaxed);
                // One writer per target (its probe task): load + store is enough.
                let sum = f64::from_bits(self.sum.load(Relaxed)) + secs;
                self.sum.store(sum.to_bits(), Relaxed);
                self.last_success.store(now_unix.to_bits(), Relaxed);
            }
        }
        if let Some(t) = o.cert_expiry {
            self.cert_expiry.store(t, Relaxed);
        }
        if self.is_health {
            let mut v: Vec<&str> = self.values.iter().map(String::as_str).collect();
            let rendered: Vec<(Box<[u8]>, f64)> = o
                .checks
                .iter()
                .map(|(name, s)| {
                    v.push(name);
                    let l = render_labels(defs::HEALTH_CHECK_STATUS.labels, &v).into();
                    v.pop();
                    (l, *s)
                })
                .collect();
            *self.checks.lock().unwrap_or_else(|e| e.into_inner()) = rendered;
        }
        let now = if o.success() {
            LastResult::Success
        } else {
            LastResult::Failure
        };
        match self.last.swap(now as u8, Relaxed) {
            1 => LastResult::Success,
            2 => LastResult::Failure,
            _ => LastResult::None,
        }
    }

    /// Probes recorded.
    pub fn probes(&self) -> u64 {
        self.probes.load(Relaxed)
    }

    /// Failures recorded for `reason`.
    pub fn failures(&self, reason: Reason) -> u64 {
        self.failures[reason.index()].load(Relaxed)
    }

    /// Cumulative bucket counts, `+Inf` last.
    pub fn cumulative_buckets(&self) -> Vec<u64> {
        let mut acc = 0;
        self.buckets
            .iter()
            .map(|b| {
                acc += b.load(Relaxed);
                acc
            })
            .collect()
    }
}

/// The `probes` collector: every target's SLI families.
#[derive(Default)]
pub struct ProbeMetrics {
    targets: RwLock<Arc<Vec<Arc<TargetState>>>>,
}

impl ProbeMetrics {
    /// Replaces the set of exported targets (after a reload).
    pub fn set_targets(&self, t: Vec<Arc<TargetState>>) {
        *self.targets.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(t);
    }

    fn snapshot(&self) -> Arc<Vec<Arc<TargetState>>> {
        self.targets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Collector for ProbeMetrics {
    fn name(&self) -> &'static str {
        "probes"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let ts = self.snapshot();
        let mut f = w.family(&defs::PROBES);
        for t in ts.iter() {
            f.sample_prerendered_u64(&t.labels, t.probes.load(Relaxed));
        }
        let mut f = w.family(&defs::PROBE_FAILURES);
        for t in ts.iter() {
            for (i, l) in &t.reason_labels {
                f.sample_prerendered_u64(l, t.failures[*i].load(Relaxed));
            }
        }
        let mut f = w.family(&defs::PROBE_DURATION);
        for t in ts.iter() {
            let sum = f64::from_bits(t.sum.load(Relaxed));
            f.histogram_prerendered(
                &t.labels,
                &t.les,
                t.buckets.iter().map(|b| b.load(Relaxed)),
                sum,
            );
        }
        let mut f = w.family(&defs::PROBE_SUCCESS);
        for t in ts.iter() {
            match t.last.load(Relaxed) {
                1 => f.sample_prerendered_u64(&t.labels, 1),
                2 => f.sample_prerendered_u64(&t.labels, 0),
                _ => {}
            }
        }
        let mut f = w.family(&defs::LAST_SUCCESS);
        for t in ts.iter() {
            let v = f64::from_bits(t.last_success.load(Relaxed));
            if v > 0.0 {
                f.sample_prerendered(&t.labels, v);
            }
        }
        let mut f = w.family(&defs::HEALTH_CHECK_STATUS);
        for t in ts.iter() {
            for (l, v) in t.checks.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                f.sample_prerendered(l, *v);
            }
        }
        let mut f = w.family(&defs::TLS_CERT_EXPIRY);
        for t in ts.iter() {
            let v = t.cert_expiry.load(Relaxed);
            if v != NO_CERT {
                f.sample_prerendered(&t.labels, v as f64);
            }
        }
        Ok(())
    }
}
