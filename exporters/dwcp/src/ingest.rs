//! Applying protocol events to the DWCP metrics, with bounded cardinality,
//! the ingestion counters and the optional series TTL.
//!
//! Handles are resolved once per label set and cached, so applying an event
//! for a series that already exists is a hash lookup plus the handle's
//! atomics, without heap allocation. New label sets past the per-metric cap
//! are dropped and counted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use exporter_kit::live::{Counter, LabelError, Registry};
use metric_defs::dwcp as defs;

use crate::event::{parse_line, Event, ParseError, Reason};
use crate::metrics::{
    Amst, Dwcp, FederationPeer, Flag, Hde, MigrationOutcome, Speedup, StreamErrorKind,
};

/// Events applied per lock acquisition by [`Ingest::apply_all`].
pub const APPLY_CHUNK: usize = 1024;

/// Where events came from (`transport` label of `events_received_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `POST /api/v1/events`.
    Http,
    /// UDP datagrams.
    Udp,
    /// Unix datagram socket.
    Unix,
    /// Applied in-process (e.g. by `dwcp-loadgen` without `--exporter`).
    Local,
}

impl Transport {
    const ALL: [Transport; 4] = [
        Transport::Http,
        Transport::Udp,
        Transport::Unix,
        Transport::Local,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Udp => "udp",
            Transport::Unix => "unix",
            Transport::Local => "local",
        }
    }
}

/// Series expiry: label sets not updated for `ttl` are removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    /// Idle time after which a series is removed.
    pub ttl: Duration,
    /// Whether counters expire too (off by default: a counter that
    /// disappears and comes back looks like a reset).
    pub counters: bool,
}

/// Outcome of an accepted batch or datagram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events applied.
    pub applied: u64,
    /// Well-formed events dropped (cardinality cap).
    pub dropped: u64,
    /// Malformed lines (datagrams only; a batch with any is rejected whole).
    pub rejected: u64,
}

/// One rejected line of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub error: ParseError,
}

struct Entry<H> {
    h: H,
    seen: u64,
}

type Map<H> = HashMap<Box<str>, Entry<H>>;

/// Cached handles per label set (keys join label values with `\x1f`).
#[derive(Default)]
struct Cache {
    errors: Map<StreamErrorKind>,
    hde: Map<Hde>,
    migration: Map<MigrationOutcome>,
    speedup: Map<Speedup>,
    federation: Map<FederationPeer>,
    health: Map<Flag>,
    features: Map<Flag>,
    info: Map<Flag>,
    scratch: String,
}

/// Records `ev` through the cached handle for `key`, creating it on first use.
fn with<H>(
    map: &mut Map<H>,
    key: &str,
    now: u64,
    create: impl FnOnce() -> Result<H, LabelError>,
    record: impl FnOnce(&H),
) -> Result<(), LabelError> {
    if let Some(e) = map.get_mut(key) {
        e.seen = now;
        record(&e.h);
        return Ok(());
    }
    let h = create()?;
    record(&h);
    map.insert(key.into(), Entry { h, seen: now });
    Ok(())
}

/// Applies events to a [`Dwcp`] and counts what it received, rejected and dropped.
pub struct Ingest {
    dwcp: Dwcp,
    amst: Amst,
    cache: Mutex<Cache>,
    registry: Arc<Registry>,
    received: [Counter; 4],
    rejected: [Counter; 7],
    dropped_cardinality: Counter,
    epoch: Instant,
    ttl: Option<Ttl>,
    last_log: AtomicU64,
    suppressed: AtomicU64,
}

impl Ingest {
    /// Ingestion into `dwcp`, capping every family at `max_series` label sets.
    pub fn new(dwcp: Dwcp, max_series: usize, ttl: Option<Ttl>) -> Self {
        dwcp.set_max_series_per_metric(max_series);
        let registry = Arc::new(Registry::new("ingest"));
        let rec = registry.counter(&defs::EVENTS_RECEIVED);
        let rej = registry.counter(&defs::EVENTS_REJECTED);
        let drop = registry.counter(&defs::EVENTS_DROPPED);
        let fixed = "fixed label set";
        Ingest {
            amst: dwcp.amst(),
            dwcp,
            cache: Mutex::new(Cache::default()),
            received: Transport::ALL.map(|t| rec.with_labels(&[t.as_str()]).expect(fixed)),
            rejected: Reason::ALL.map(|r| rej.with_labels(&[r.as_str()]).expect(fixed)),
            dropped_cardinality: drop.with_labels(&["cardinality"]).expect(fixed),
            registry,
            epoch: Instant::now(),
            ttl,
            last_log: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// The metrics events are applied to.
    pub fn dwcp(&self) -> &Dwcp {
        &self.dwcp
    }

    /// The registry of the ingestion counters (`dwcp_exporter_events_*`).
    pub fn registry(&self) -> Arc<Registry> {
        self.registry.clone()
    }

    /// Counts a rejection not tied to a parsed line (e.g. an oversized batch).
    pub fn count_rejected(&self, reason: Reason) {
        self.rejected[reason as usize].inc();
    }

    /// Parses a whole batch, then applies it only if every line is valid.
    /// On error nothing is applied and up to `max_errors` bad lines are returned.
    pub fn ingest_batch(
        &self,
        body: &[u8],
        transport: Transport,
        max_errors: usize,
    ) -> Result<Applied, (usize, Vec<LineError>)> {
        let mut events = Vec::new();
        let mut errors = Vec::new();
        let mut bad = 0usize;
        for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
            match parse_bytes(raw) {
                Ok(Some(e)) => events.push(e),
                Ok(None) => {}
                Err(error) => {
                    self.count_rejected(error.reason);
                    bad += 1;
                    if errors.len() < max_errors {
                        errors.push(LineError { line: i + 1, error });
                    }
                }
            }
        }
        if bad > 0 {
            return Err((bad, errors));
        }
        Ok(self.apply_all(&events, transport))
    }

    /// Applies every valid line of a datagram; bad lines are counted and
    /// logged (at most once a second).
    pub fn ingest_datagram(&self, bytes: &[u8], transport: Transport) -> Applied {
        let mut out = Applied::default();
        let now = self.now();
        let mut cache = self.lock();
        for raw in bytes.split(|b| *b == b'\n') {
            match parse_bytes(raw) {
                Ok(Some(e)) => {
                    if self.apply_locked(&mut cache, &e, now) {
                        out.applied += 1;
                    } else {
                        out.dropped += 1;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    out.rejected += 1;
                    self.count_rejected(e.reason);
                    self.log_rejected(transport, &e);
                }
            }
        }
        drop(cache);
        self.received[transport as usize].inc_by(out.applied);
        out
    }

    /// Applies parsed events; returns how many were applied and dropped.
    ///
    /// The lock is taken per chunk of [`APPLY_CHUNK`] events, so a large
    /// batch does not stall the datagram receivers.
    pub fn apply_all(&self, events: &[Event<'_>], transport: Transport) -> Applied {
        let mut out = Applied::default();
        let now = self.now();
        for chunk in events.chunks(APPLY_CHUNK) {
            let mut cache = self.lock();
            for e in chunk {
                if self.apply_locked(&mut cache, e, now) {
                    out.applied += 1;
                } else {
                    out.dropped += 1;
                }
            }
        }
        self.received[transport as usize].inc_by(out.applied);
        out
    }

    /// Applies one event; `false` if it was dropped by the cardinality cap.
    pub fn apply(&self, e: &Event<'_>, transport: Transport) -> bool {
        let ok = self.apply_locked(&mut self.lock(), e, self.now());
        if ok {
            self.received[transport as usize].inc();
        }
        ok
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Milliseconds since start when a TTL is set (0 otherwise: no clock read).
    fn now(&self) -> u64 {
        if self.ttl.is_some() {
            self.epoch.elapsed().as_millis() as u64
        } else {
            0
        }
    }

    fn apply_locked(&self, c: &mut Cache, e: &Event<'_>, now: u64) -> bool {
        let d = &self.dwcp;
        let r = match *e {
            Event::StreamStart => {
                self.amst.stream_start();
                Ok(())
            }
            Event::StreamEnd => {
                self.amst.stream_end();
                Ok(())
            }
            Event::StreamData { sent, received } => {
                self.amst.stream_data(sent, received);
                Ok(())
            }
            Event::StreamLatency { seconds } => {
                self.amst.stream_latency_secs(seconds);
                Ok(())
            }
            Event::BandwidthUtilization { ratio } => {
                self.amst.bandwidth_utilization(ratio);
                Ok(())
            }
            Event::StreamError { kind, count } => with(
                &mut c.errors,
                kind,
                now,
                || d.stream_error_kind(kind),
                |h| h.add(count),
            ),
            Event::CompressionComplete {
                data_type,
                original,
                compressed,
                delta_hit,
                seconds,
            } => with(
                &mut c.hde,
                data_type,
                now,
                || d.hde(data_type),
                |h| h.compression_complete_secs(original, compressed, delta_hit, seconds),
            ),
            Event::BaselineUpdate { data_type, count } => with(
                &mut c.hde,
                data_type,
                now,
                || d.hde(data_type),
                |h| h.baseline_update(count),
            ),
            Event::MigrationComplete {
                mode,
                vm_size,
                result,
                seconds,
            } => {
                let mut key = std::mem::take(&mut c.scratch);
                key.clear();
                key.push_str(mode.as_str());
                key.push('\x1f');
                key.push_str(vm_size);
                key.push('\x1f');
                key.push_str(result.as_str());
                let r = with(
                    &mut c.migration,
                    &key,
                    now,
                    || d.migration(mode, vm_size, result),
                    |h| h.observe_secs(seconds),
                );
                c.scratch = key;
                r
            }
            Event::MigrationSpeedup { vm_size, factor } => with(
                &mut c.speedup,
                vm_size,
                now,
                || d.speedup(vm_size),
                |h| h.set(factor),
            ),
            Event::FederationSync {
                peer,
                seconds,
                bytes_saved,
            } => with(
                &mut c.federation,
                peer,
                now,
                || d.federation_peer(peer),
                |h| h.sync_complete_secs(seconds, bytes_saved),
            ),
            Event::ComponentHealth { component, healthy } => with(
                &mut c.health,
                component,
                now,
                || d.component(component),
                |h| h.set(healthy),
            ),
            Event::FeatureEnabled { feature, enabled } => with(
                &mut c.features,
                feature,
                now,
                || d.feature(feature),
                |h| h.set(enabled),
            ),
            Event::Info { version } => with(
                &mut c.info,
                version,
                now,
                || d.info_flag(version),
                |h| h.set(true),
            ),
        };
        match r {
            Ok(()) => true,
            Err(_) => {
                self.dropped_cardinality.inc();
                false
            }
        }
    }

    fn log_rejected(&self, transport: Transport, e: &ParseError) {
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        let last = self.last_log.load(Relaxed);
        if (last == 0 || now.saturating_sub(last) >= 1000)
            && self
                .last_log
                .compare_exchange(last, now, Relaxed, Relaxed)
                .is_ok()
        {
            let suppressed = self.suppressed.swap(0, Relaxed);
            tracing::warn!(
                transport = transport.as_str(),
                reason = e.reason.as_str(),
                suppressed,
                "rejected event: {e}"
            );
        } else {
            self.suppressed.fetch_add(1, Relaxed);
        }
    }

    /// Removes series idle for longer than the TTL (no-op without one);
    /// returns how many label sets were expired.
    pub fn expire(&self) -> usize {
        let Some(ttl) = self.ttl else { return 0 };
        let now = self.now();
        let limit = ttl.ttl.as_millis() as u64;
        let stale = |seen: u64| now.saturating_sub(seen) > limit;
        let f = &self.dwcp.f;
        let mut c = self.lock();
        let mut n = 0;
        n += expire_map(&mut c.health, &stale, |v| {
            f.component_health.remove(v);
        });
        n += expire_map(&mut c.features, &stale, |v| {
            f.feature_enabled.remove(v);
        });
        n += expire_map(&mut c.info, &stale, |v| {
            f.info.remove(v);
        });
        n += expire_map(&mut c.speedup, &stale, |v| {
            f.migration_speedup.remove(v);
        });
        n += expire_map(&mut c.migration, &stale, |v| {
            f.migration_duration.remove(v);
        });
        n += expire_map(&mut c.hde, &stale, |v| {
            f.hde_ratio.remove(v);
            f.hde_baselines.remove(v);
            f.hde_duration.remove(v);
            if ttl.counters {
                f.hde_original.remove(v);
                f.hde_compressed.remove(v);
                f.hde_hits.remove(v);
                f.hde_misses.remove(v);
            }
        });
        n += expire_map(&mut c.federation, &stale, |v| {
            f.federation_duration.remove(v);
            if ttl.counters {
                f.federation_saved.remove(v);
            }
        });
        if ttl.counters {
            n += expire_map(&mut c.errors, &stale, |v| {
                f.stream_errors.remove(v);
            });
        }
        n
    }
}

/// Removes stale entries of `map`, calling `remove` with each one's label values.
fn expire_map<H>(map: &mut Map<H>, stale: &dyn Fn(u64) -> bool, remove: impl Fn(&[&str])) -> usize {
    let before = map.len();
    map.retain(|k, e| {
        if stale(e.seen) {
            let mut vals = [""; 3];
            let mut n = 0;
            for (i, part) in k.split('\x1f').take(3).enumerate() {
                vals[i] = part;
                n = i + 1;
            }
            remove(&vals[..n]);
            false
        } else {
            true
        }
    });
    before - map.len()
}

/// Parses one raw line of a batch or datagram.
fn parse_bytes(raw: &[u8]) -> Result<Option<Event<'_>>, ParseError> {
    if raw.len() > crate::event::MAX_LINE + 1 {
        return Err(crate::event::line_too_long(raw.len()));
    }
    match std::str::from_utf8(raw) {
        Ok(s) => parse_line(s.strip_suffix('\r').unwrap_or(s)),
        Err(e) => Err(ParseError {
            reason: Reason::NotUtf8,
            message: format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1),
        }),
    }
}
