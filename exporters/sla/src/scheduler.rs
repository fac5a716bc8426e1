//! The schedule: one task per target, each sleeping until its next due time
//! and running one probe bounded by the target's timeout, so a target that
//! hangs only ever delays itself. Due times are spread over the interval by
//! a hash of the target's name (stable across reloads and restarts).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use exporter_kit::live::{Counter, Gauge, Histogram, Registry};
use metric_defs::sla as defs;
use tokio::sync::Semaphore;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::config::{Config, Target};
use crate::probe;
use crate::state::{LastResult, ProbeMetrics, TargetState};

/// The exporter's own scheduling metrics.
#[derive(Clone)]
pub struct SelfMetrics {
    /// `sla_exporter_probes_in_flight`.
    pub in_flight: Gauge,
    /// `sla_exporter_probes_skipped_total`.
    pub skipped: Counter,
    /// `sla_exporter_schedule_delay_seconds`.
    pub delay: Histogram,
    /// `sla_exporter_targets`.
    pub targets: Gauge,
}

impl SelfMetrics {
    /// Registers the families in `reg`.
    pub fn register(reg: &Registry) -> Self {
        let label_free = "label-free series cannot exceed the cap";
        SelfMetrics {
            in_flight: reg
                .gauge(&defs::IN_FLIGHT)
                .with_labels(&[])
                .expect(label_free),
            skipped: reg
                .counter(&defs::SKIPPED)
                .with_labels(&[])
                .expect(label_free),
            delay: reg
                .histogram(&defs::SCHEDULE_DELAY)
                .with_labels(&[])
                .expect(label_free),
            targets: reg
                .gauge(&defs::TARGETS)
                .with_labels(&[])
                .expect(label_free),
        }
    }
}

struct Running {
    state: Arc<TargetState>,
    task: AbortHandle,
}

struct Shared {
    epoch: Instant,
    limit: Semaphore,
    metrics: SelfMetrics,
}

/// Runs every target of the current config; [`Scheduler::apply`] swaps configs.
pub struct Scheduler {
    handle: tokio::runtime::Handle,
    shared: Arc<Shared>,
    probes: Arc<ProbeMetrics>,
    running: Mutex<HashMap<String, Running>>,
}

impl Scheduler {
    /// A scheduler on the current tokio runtime, running at most
    /// `max_concurrency` probes at once.
    pub fn new(probes: Arc<ProbeMetrics>, metrics: SelfMetrics, max_concurrency: usize) -> Self {
        Scheduler {
            handle: tokio::runtime::Handle::current(),
            shared: Arc::new(Shared {
                epoch: Instant::now(),
                limit: Semaphore::new(max_concurrency.max(1)),
                metrics,
            }),
            probes,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Starts probing the targets of `cfg`, stopping those no longer in it.
    /// A target whose series are unchanged keeps its counters.
    pub fn apply(&self, cfg: &Config) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mut old = std::mem::take(&mut *running);
        let mut states = Vec::with_capacity(cfg.targets.len());
        for t in &cfg.targets {
            let state = match old.remove(&t.name) {
                Some(r) => {
                    r.task.abort();
                    if r.state.same_series(t) {
                        r.state
                    } else {
                        Arc::new(TargetState::new(t))
                    }
                }
                None => Arc::new(TargetState::new(t)),
            };
            let task = self
                .handle
                .spawn(run_target(t.clone(), state.clone(), self.shared.clone()))
                .abort_handle();
            states.push(state.clone());
            running.insert(t.name.clone(), Running { state, task });
        }
        for (_, r) in old {
            r.task.abort();
        }
        self.shared.metrics.targets.set(cfg.targets.len() as f64);
        self.probes.set_targets(states);
    }

    /// The state of a running target, by name.
    pub fn state(&self, name: &str) -> Option<Arc<TargetState>> {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .map(|r| r.state.clone())
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        for r in self
            .running
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            r.task.abort();
        }
    }
}

/// Counts a running probe in `sla_exporter_probes_in_flight`, also when the
/// task is aborted mid-probe by a reload.
struct InFlight<'a>(&'a Gauge);

impl<'a> InFlight<'a> {
    fn new(g: &'a Gauge) -> Self {
        g.inc();
        InFlight(g)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Offset of a target within its interval: FNV-1a of the name.
pub fn spread(name: &str, interval: Duration) -> Duration {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let ms = interval.as_millis().max(1) as u64;
    Duration::from_millis(h % ms)
}

/// The first due index `k` with `epoch + offset + k * interval >= now`.
fn next_index(shared: &Shared, offset: Duration, interval: Duration) -> u64 {
    let since = Instant::now().saturating_duration_since(shared.epoch + offset);
    let i = interval.as_nanos().max(1);
    since.as_nanos().div_ceil(i) as u64
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

async fn run_target(t: Arc<Target>, state: Arc<TargetState>, shared: Arc<Shared>) {
    let offset = spread(&t.name, t.interval);
    let mut k = next_index(&shared, offset, t.interval);
    let m = &shared.metrics;
    loop {
        let due = shared.epoch
            + offset
            + Duration::from_nanos((t.interval.as_nanos() as u64).saturating_mul(k));
        tokio::time::sleep_until(due).await;
        let permit = match tokio::time::timeout(t.timeout, shared.limit.acquire()).await {
            Ok(Ok(p)) => Some(p),
            Ok(Err(_)) => return,
            Err(_) => None,
        };
        if let Some(permit) = permit {
            m.delay
                .observe(Instant::now().saturating_duration_since(due).as_secs_f64());
            let in_flight = InFlight::new(&m.in_flight);
            // Boxed: the probe's (large) state machine exists only while it
            // runs, so 1,000 idle target tasks stay small.
            let o = Box::pin(probe::run(&t.module, &t.address, t.timeout)).await;
            drop(in_flight);
            drop(permit);
            let before = state.record(&o, unix_now());
            match (&o.failure, before) {
                (Some((reason, detail)), LastResult::Success | LastResult::None) => {
                    tracing::warn!(target_name = %t.name, reason = reason.as_str(), detail = %detail, "probe failed")
                }
                (Some((reason, detail)), LastResult::Failure) => {
                    tracing::debug!(target_name = %t.name, reason = reason.as_str(), detail = %detail, "probe failed")
                }
                (None, LastResult::Failure) => {
                    tracing::info!(target_name = %t.name, "probe succeeded again")
                }
                (None, _) => {}
            }
        } else {
            m.skipped.inc();
        }
        // A probe that used its whole timeout (<= interval) ends just after
        // the next due time: run that one late rather than skip it; skip only
        // due times more than one interval behind.
        let first_ahead = next_index(&shared, offset, t.interval);
        k = if first_ahead <= k + 2 {
            k + 1
        } else {
            first_ahead
        };
    }
}
