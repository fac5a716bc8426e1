//! Jobs, storage pools, host, and the optional groups (Nova metadata, perf
//! events, I/O threads, dirty rate).

use std::fmt::Write;
use std::sync::Arc;

use exporter_kit::{CollectError, Collector, MetricWriter};
use metric_defs::libvirt as m;
use metric_defs::MetricDef;

use super::{put, put_scaled, KIB, MS, NS};
use crate::model::{Domain, Job};
use crate::source::Source;

/// Domain job and migration progress.
pub struct JobsCollector(pub Arc<Source>);

fn job_family(
    w: &mut MetricWriter,
    ds: &[Domain],
    def: &MetricDef,
    scale: f64,
    get: impl Fn(&Job) -> Option<u64>,
) {
    let mut f = w.family(def);
    for d in ds {
        if let Some(j) = &d.job {
            if scale == 1.0 {
                put(&mut f, &[&d.name], get(j));
            } else {
                put_scaled(&mut f, &[&d.name], get(j), scale);
            }
        }
    }
}

impl Collector for JobsCollector {
    fn name(&self) -> &'static str {
        "jobs"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let ds = &view.snap.domains;
        job_family(w, ds, &m::DOMAIN_JOB_TYPE, 1.0, |j| {
            u64::try_from(j.kind).ok()
        });
        job_family(w, ds, &m::DOMAIN_JOB_OPERATION, 1.0, |j| {
            j.operation.and_then(|v| u64::try_from(v).ok())
        });
        job_family(w, ds, &m::DOMAIN_JOB_ELAPSED, MS, |j| j.elapsed_ms);
        job_family(w, ds, &m::DOMAIN_JOB_REMAINING, MS, |j| j.remaining_ms);
        job_family(w, ds, &m::DOMAIN_JOB_DOWNTIME, MS, |j| j.downtime_ms);
        job_family(w, ds, &m::DOMAIN_JOB_DATA_TOTAL, 1.0, |j| j.data[0]);
        job_family(w, ds, &m::DOMAIN_JOB_DATA_PROCESSED, 1.0, |j| j.data[1]);
        job_family(w, ds, &m::DOMAIN_JOB_DATA_REMAINING, 1.0, |j| j.data[2]);
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_TOTAL, 1.0, |j| j.memory[0]);
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_PROCESSED, 1.0, |j| j.memory[1]);
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_REMAINING, 1.0, |j| j.memory[2]);
        job_family(w, ds, &m::DOMAIN_JOB_DISK_TOTAL, 1.0, |j| j.disk[0]);
        job_family(w, ds, &m::DOMAIN_JOB_DISK_PROCESSED, 1.0, |j| j.disk[1]);
        job_family(w, ds, &m::DOMAIN_JOB_DISK_REMAINING, 1.0, |j| j.disk[2]);
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_TRANSFER_RATE, 1.0, |j| {
            j.memory_bps
        });
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_DIRTY_RATE, 1.0, |j| {
            let pages = j.memory_dirty_rate?;
            Some(pages.saturating_mul(j.memory_page_size.unwrap_or(4096)))
        });
        job_family(w, ds, &m::DOMAIN_JOB_MEMORY_ITERATIONS, 1.0, |j| {
            j.memory_iteration
        });
        Ok(())
    }
}

/// Reads one value of a storage pool.
type PoolField = fn(&crate::ffi::PoolInfo) -> Option<u64>;

/// Storage pool state and sizes.
pub struct PoolsCollector(pub Arc<Source>);

impl Collector for PoolsCollector {
    fn name(&self) -> &'static str {
        "pools"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let pools = match &view.snap.pools {
            None => return Ok(()),
            Some(Err(e)) => return Err(CollectError::new(e.clone())),
            Some(Ok(p)) => p,
        };
        let fams: [(&MetricDef, PoolField); 5] = [
            (&m::STORAGE_POOL_STATE, |p| Some(p.state as u64)),
            (&m::STORAGE_POOL_CAPACITY, |p| Some(p.capacity)),
            (&m::STORAGE_POOL_ALLOCATION, |p| Some(p.allocation)),
            (&m::STORAGE_POOL_AVAILABLE, |p| Some(p.available)),
            (&m::STORAGE_POOL_VOLUMES, |p| p.volumes),
        ];
        for (def, get) in fams {
            let mut f = w.family(def);
            for p in pools {
                put(&mut f, &[&p.name], get(p));
            }
        }
        Ok(())
    }
}

/// Host CPUs and memory, and what the active domains were given.
pub struct HostCollector(pub Arc<Source>);

impl Collector for HostCollector {
    fn name(&self) -> &'static str {
        "host"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let s = &view.snap;
        let h = match &s.host {
            None => return Ok(()),
            Some(Err(e)) => return Err(CollectError::new(e.clone())),
            Some(Ok(h)) => h,
        };
        let t = h.topology.map(|v| v.to_string());
        w.family(&m::NODE_INFO)
            .sample(&[&h.model, &t[0], &t[1], &t[2], &t[3]], 1.0);
        w.family(&m::NODE_CPUS).sample_u64(&[], h.cpus);
        w.family(&m::NODE_CPU_FREQUENCY)
            .sample_u64(&[], h.mhz.saturating_mul(1_000_000));
        w.family(&m::NODE_MEMORY)
            .sample_u64(&[], h.memory_kib.saturating_mul(KIB));
        let mut f = w.family(&m::NODE_NUMA_FREE_MEMORY);
        let mut cell = String::new();
        for (i, free) in h.cells_free.iter().enumerate() {
            cell.clear();
            let _ = write!(cell, "{i}");
            f.sample_u64(&[&cell], *free);
        }
        let active = s.domains.iter().filter(|d| d.stats.is_active());
        let (mut vcpus, mut mem) = (0u64, 0u64);
        for d in active {
            vcpus += d.stats.vcpu_current.unwrap_or(0);
            mem = mem.saturating_add(d.stats.balloon.current.unwrap_or(0).saturating_mul(KIB));
        }
        w.family(&m::NODE_DOMAINS_VCPUS).sample_u64(&[], vcpus);
        w.family(&m::NODE_DOMAINS_MEMORY).sample_u64(&[], mem);
        Ok(())
    }
}

/// OpenStack Nova metadata from the domain XML.
pub struct NovaCollector(pub Arc<Source>);

impl Collector for NovaCollector {
    fn name(&self) -> &'static str {
        "nova"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let mut f = w.family(&m::DOMAIN_OPENSTACK_INFO);
        for d in &view.snap.domains {
            if let Some(n) = &d.meta.nova {
                f.sample(
                    &[
                        &d.name,
                        &n.instance_name,
                        &n.flavor,
                        &n.project_name,
                        &n.project_uuid,
                        &n.user_name,
                        &n.user_uuid,
                        &n.root_type,
                        &n.root_uuid,
                    ],
                    1.0,
                );
            }
        }
        Ok(())
    }
}

/// Perf event counters (bandwidth and occupancy gauges excluded).
pub struct PerfCollector(pub Arc<Source>);

impl Collector for PerfCollector {
    fn name(&self) -> &'static str {
        "perf"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let mut f = w.family(&m::DOMAIN_PERF_EVENTS);
        for d in &view.snap.domains {
            for (event, v) in &d.stats.perf {
                // cmt is an occupancy and mbmt/mbml are bandwidths: not counts.
                if !matches!(event.as_str(), "cmt" | "mbmt" | "mbml") {
                    f.sample_u64(&[&d.name, event], *v);
                }
            }
        }
        Ok(())
    }
}

/// I/O thread count and polling settings.
pub struct IoThreadCollector(pub Arc<Source>);

impl Collector for IoThreadCollector {
    fn name(&self) -> &'static str {
        "iothread"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let ds = &view.snap.domains;
        let mut f = w.family(&m::DOMAIN_IOTHREADS);
        for d in ds {
            put(&mut f, &[&d.name], d.stats.iothread_count);
        }
        let mut id = String::new();
        for (def, k) in [
            (&m::DOMAIN_IOTHREAD_POLL_MAX, 0),
            (&m::DOMAIN_IOTHREAD_POLL_GROW, 1),
            (&m::DOMAIN_IOTHREAD_POLL_SHRINK, 2),
        ] {
            let mut f = w.family(def);
            for d in ds {
                for t in &d.stats.iothreads {
                    id.clear();
                    let _ = write!(id, "{}", t.id);
                    match k {
                        0 => put_scaled(&mut f, &[&d.name, &id], t.poll_max_ns, NS),
                        1 => put(&mut f, &[&d.name, &id], t.poll_grow),
                        _ => put(&mut f, &[&d.name, &id], t.poll_shrink),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Memory dirty rate from the last calculation.
pub struct DirtyRateCollector(pub Arc<Source>);

impl Collector for DirtyRateCollector {
    fn name(&self) -> &'static str {
        "dirtyrate"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let ds = &view.snap.domains;
        let nonneg = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        let mut f = w.family(&m::DOMAIN_DIRTY_RATE);
        for d in ds {
            let rate = nonneg(d.stats.dirty.mib_per_second).map(|v| v.saturating_mul(1 << 20));
            put(&mut f, &[&d.name], rate);
        }
        let mut f = w.family(&m::DOMAIN_DIRTY_RATE_CALC_STATUS);
        for d in ds {
            put(&mut f, &[&d.name], nonneg(d.stats.dirty.status));
        }
        let mut f = w.family(&m::DOMAIN_DIRTY_RATE_CALC_START);
        for d in ds {
            put(&mut f, &[&d.name], nonneg(d.stats.dirty.start_time));
        }
        let mut f = w.family(&m::DOMAIN_DIRTY_RATE_CALC_PERIOD);
        for d in ds {
            put(&mut f, &[&d.name], nonneg(d.stats.dirty.period));
        }
        Ok(())
    }
}
