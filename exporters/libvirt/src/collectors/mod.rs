//! The kit collectors: each writes one part of the scrape's snapshot.
//!
//! `libvirt` runs first and asks the [`Source`] for a fresh collection; the
//! others (domains, jobs, pools, host and the optional groups) write parts
//! of that same snapshot, so the kit reports each part's success and time
//! separately, node_exporter style.

mod domains;
mod extra;

use std::sync::Arc;

use exporter_kit::{CollectError, Collector, FamilyWriter, Health, MetricWriter, Status};
use metric_defs::libvirt as m;

use crate::source::Source;

pub use domains::DomainsCollector;
pub use extra::{
    DirtyRateCollector, HostCollector, IoThreadCollector, JobsCollector, NovaCollector,
    PerfCollector, PoolsCollector,
};

/// The optional collector groups with their default, as
/// `--collector.NAME` / `--no-collector.NAME` flags.
pub const OPTIONAL: &[(&str, bool, &str)] = &[
    ("jobs", true, "job and migration stats of running domains"),
    ("pools", true, "storage pools"),
    ("host", true, "host CPUs and memory as libvirt sees them"),
    ("nova", false, "OpenStack Nova metadata of domains"),
    ("perf", false, "perf event counters of domains"),
    ("iothread", false, "I/O thread polling settings of domains"),
    ("dirtyrate", false, "memory dirty rate of domains"),
];

/// Every collector for these groups, `libvirt` first; it reports the
/// connection as the `libvirt` check of `health`.
pub fn all(source: Arc<Source>, health: Health) -> Vec<Arc<dyn Collector>> {
    let g = source.groups();
    let mut v: Vec<Arc<dyn Collector>> = vec![
        Arc::new(LibvirtCollector {
            source: source.clone(),
            health,
        }),
        Arc::new(DomainsCollector(source.clone())),
    ];
    if g.jobs {
        v.push(Arc::new(JobsCollector(source.clone())));
    }
    if g.pools {
        v.push(Arc::new(PoolsCollector(source.clone())));
    }
    if g.host {
        v.push(Arc::new(HostCollector(source.clone())));
    }
    if g.nova {
        v.push(Arc::new(NovaCollector(source.clone())));
    }
    if g.perf {
        v.push(Arc::new(PerfCollector(source.clone())));
    }
    if g.iothread {
        v.push(Arc::new(IoThreadCollector(source.clone())));
    }
    if g.dirtyrate {
        v.push(Arc::new(DirtyRateCollector(source)));
    }
    v
}

/// Refreshes the snapshot, writes the connection's own metrics and updates
/// the `libvirt` health check (degraded, never failing readiness, while
/// libvirt is down: the exporter itself still answers).
pub struct LibvirtCollector {
    /// The libvirt worker.
    pub source: Arc<Source>,
    /// Where the `libvirt` check goes.
    pub health: Health,
}

impl Collector for LibvirtCollector {
    fn name(&self) -> &'static str {
        "libvirt"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.source.refresh();
        let s = &view.snap;
        let up = s.up && !view.stale;
        let (status, msg) = if up {
            (Status::Healthy, "libvirt answers")
        } else if s.up {
            (
                Status::Degraded,
                "libvirt did not answer before the scrape deadline",
            )
        } else {
            (Status::Degraded, "libvirt is unreachable")
        };
        self.health.set_check("libvirt", status, msg, false);
        w.family(&m::UP).sample_u64(&[], up as u64);
        w.family(&m::SCRAPE_DURATION)
            .sample(&[], s.duration_seconds);
        w.family(&m::CONNECTION_RECONNECTS)
            .sample_u64(&[], s.reconnects);
        if let Some(v) = &s.versions {
            w.family(&m::VERSIONS_INFO)
                .sample(&[&v.driver, &v.hypervisor, &v.daemon, &v.library], 1.0);
        }
        Ok(())
    }
}

/// Writes `v` when libvirt reported it.
pub(crate) fn put(f: &mut FamilyWriter<'_>, labels: &[&str], v: Option<u64>) {
    if let Some(v) = v {
        f.sample_u64(labels, v);
    }
}

/// Writes `v * scale` when libvirt reported `v`.
pub(crate) fn put_scaled(f: &mut FamilyWriter<'_>, labels: &[&str], v: Option<u64>, scale: f64) {
    if let Some(v) = v {
        f.sample(labels, v as f64 * scale);
    }
}

/// Nanoseconds to seconds.
pub(crate) const NS: f64 = 1e-9;
/// Milliseconds to seconds.
pub(crate) const MS: f64 = 1e-3;
/// KiB to bytes.
pub(crate) const KIB: u64 = 1024;
