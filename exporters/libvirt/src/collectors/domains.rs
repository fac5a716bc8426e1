//! Domain state, info, CPU, vCPU, memory, disk and interface families.

use std::sync::Arc;

use exporter_kit::{CollectError, Collector, MetricWriter};
use metric_defs::libvirt as m;
use metric_defs::MetricDef;

use super::{put, put_scaled, KIB, NS};
use crate::model::{Block, Domain, DomainStats, Net};
use crate::source::Source;

/// libvirt's domain state names, by `virDomainState` code.
pub const STATE_NAMES: [&str; 8] = [
    "nostate",
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shutoff",
    "crashed",
    "pmsuspended",
];

/// Writes the per-domain families.
pub struct DomainsCollector(pub Arc<Source>);

impl Collector for DomainsCollector {
    fn name(&self) -> &'static str {
        "domains"
    }

    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        let view = self.0.current();
        let s = &view.snap;
        // Nothing known yet (or libvirt was down at the last good
        // collection): write no domain families at all.
        if !s.up {
            return Ok(());
        }
        let ds = &s.domains;

        let mut counts = [0u64; 8];
        for d in ds {
            if let Some(st) = d.stats.state {
                if let Some(c) = usize::try_from(st).ok().and_then(|i| counts.get_mut(i)) {
                    *c += 1;
                }
            }
        }
        let mut f = w.family(&m::DOMAINS);
        for (name, n) in STATE_NAMES.iter().zip(counts) {
            f.sample_u64(&[name], n);
        }

        let mut f = w.family(&m::DOMAIN_INFO);
        for d in ds {
            let mt = &d.meta;
            f.sample(
                &[
                    &d.name,
                    &d.uuid,
                    &mt.os_type,
                    &mt.arch,
                    &mt.machine,
                    &mt.virt_type,
                    &mt.persistent,
                ],
                1.0,
            );
        }
        let mut f = w.family(&m::DOMAIN_STATS_PARTIAL);
        for d in ds {
            f.sample_u64(&[&d.name], (d.partial || view.stale) as u64);
        }
        scalar(w, ds, &m::DOMAIN_STATE_CODE, |s| {
            s.state.and_then(|v| u64::try_from(v).ok())
        });
        scalar(w, ds, &m::DOMAIN_STATE_REASON_CODE, |s| {
            s.reason.and_then(|v| u64::try_from(v).ok())
        });

        scaled(w, ds, &m::DOMAIN_CPU_TIME, NS, |s| s.cpu_time);
        scaled(w, ds, &m::DOMAIN_CPU_USER, NS, |s| s.cpu_user);
        scaled(w, ds, &m::DOMAIN_CPU_SYSTEM, NS, |s| s.cpu_system);
        scaled(w, ds, &m::DOMAIN_CPU_HALTPOLL_SUCCESS, NS, |s| {
            s.haltpoll_success
        });
        scaled(w, ds, &m::DOMAIN_CPU_HALTPOLL_FAIL, NS, |s| s.haltpoll_fail);
        scalar(w, ds, &m::DOMAIN_VCPU_CURRENT, |s| s.vcpu_current);
        scalar(w, ds, &m::DOMAIN_VCPU_MAXIMUM, |s| s.vcpu_maximum);
        vcpus(w, ds);

        let kib = |v: Option<u64>| v.map(|v| v.saturating_mul(KIB));
        scalar(w, ds, &m::DOMAIN_MEMORY_CURRENT, |s| kib(s.balloon.current));
        scalar(w, ds, &m::DOMAIN_MEMORY_MAXIMUM, |s| kib(s.balloon.maximum));
        scalar(w, ds, &m::DOMAIN_MEMORY_UNUSED, |s| kib(s.balloon.unused));
        scalar(w, ds, &m::DOMAIN_MEMORY_AVAILABLE, |s| {
            kib(s.balloon.available)
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_USABLE, |s| kib(s.balloon.usable));
        scalar(w, ds, &m::DOMAIN_MEMORY_RSS, |s| kib(s.balloon.rss));
        scalar(w, ds, &m::DOMAIN_MEMORY_DISK_CACHES, |s| {
            kib(s.balloon.disk_caches)
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_SWAP_IN, |s| kib(s.balloon.swap_in));
        scalar(w, ds, &m::DOMAIN_MEMORY_SWAP_OUT, |s| {
            kib(s.balloon.swap_out)
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_MAJOR_FAULTS, |s| {
            s.balloon.major_fault
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_MINOR_FAULTS, |s| {
            s.balloon.minor_fault
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_HUGETLB_ALLOCATIONS, |s| {
            s.balloon.hugetlb_pgalloc
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_HUGETLB_FAILURES, |s| {
            s.balloon.hugetlb_pgfail
        });
        scalar(w, ds, &m::DOMAIN_MEMORY_STATS_LAST_UPDATE, |s| {
            s.balloon.last_update.filter(|&t| t > 0)
        });

        let mut f = w.family(&m::DOMAIN_BLOCK_INFO);
        for d in ds {
            for k in &d.meta.disks {
                f.sample(
                    &[
                        &d.name,
                        &k.target,
                        &k.source,
                        &k.bus,
                        &k.driver_type,
                        &k.device,
                    ],
                    1.0,
                );
            }
        }
        block(w, ds, &m::DOMAIN_BLOCK_READ_REQUESTS, |b| b.rd[0], 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_READ_BYTES, |b| b.rd[1], 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_READ_TIME, |b| b.rd[2], NS);
        block(w, ds, &m::DOMAIN_BLOCK_WRITE_REQUESTS, |b| b.wr[0], 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_WRITE_BYTES, |b| b.wr[1], 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_WRITE_TIME, |b| b.wr[2], NS);
        block(w, ds, &m::DOMAIN_BLOCK_FLUSH_REQUESTS, |b| b.fl[0], 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_FLUSH_TIME, |b| b.fl[1], NS);
        block(w, ds, &m::DOMAIN_BLOCK_ERRORS, |b| b.errs, 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_ALLOCATION, |b| b.allocation, 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_CAPACITY, |b| b.capacity, 1.0);
        block(w, ds, &m::DOMAIN_BLOCK_PHYSICAL, |b| b.physical, 1.0);

        let mut f = w.family(&m::DOMAIN_INTERFACE_INFO);
        for d in ds {
            for n in &d.meta.interfaces {
                f.sample(
                    &[
                        &d.name, &n.target, &n.mac, &n.kind, &n.bridge, &n.network, &n.model,
                    ],
                    1.0,
                );
            }
        }
        net(w, ds, &m::DOMAIN_INTERFACE_RECEIVE_BYTES, |n| n.rx[0]);
        net(w, ds, &m::DOMAIN_INTERFACE_RECEIVE_PACKETS, |n| n.rx[1]);
        net(w, ds, &m::DOMAIN_INTERFACE_RECEIVE_ERRORS, |n| n.rx[2]);
        net(w, ds, &m::DOMAIN_INTERFACE_RECEIVE_DROPS, |n| n.rx[3]);
        net(w, ds, &m::DOMAIN_INTERFACE_TRANSMIT_BYTES, |n| n.tx[0]);
        net(w, ds, &m::DOMAIN_INTERFACE_TRANSMIT_PACKETS, |n| n.tx[1]);
        net(w, ds, &m::DOMAIN_INTERFACE_TRANSMIT_ERRORS, |n| n.tx[2]);
        net(w, ds, &m::DOMAIN_INTERFACE_TRANSMIT_DROPS, |n| n.tx[3]);
        Ok(())
    }
}

/// One `{domain}` sample per domain that has the value.
fn scalar(
    w: &mut MetricWriter,
    ds: &[Domain],
    def: &MetricDef,
    get: impl Fn(&DomainStats) -> Option<u64>,
) {
    let mut f = w.family(def);
    for d in ds {
        put(&mut f, &[&d.name], get(&d.stats));
    }
}

/// As [`scalar`], multiplied by `scale` (unit conversion).
fn scaled(
    w: &mut MetricWriter,
    ds: &[Domain],
    def: &MetricDef,
    scale: f64,
    get: impl Fn(&DomainStats) -> Option<u64>,
) {
    let mut f = w.family(def);
    for d in ds {
        put_scaled(&mut f, &[&d.name], get(&d.stats), scale);
    }
}

fn block(
    w: &mut MetricWriter,
    ds: &[Domain],
    def: &MetricDef,
    get: impl Fn(&Block) -> Option<u64>,
    scale: f64,
) {
    let mut f = w.family(def);
    for d in ds {
        for b in &d.stats.blocks {
            if scale == 1.0 {
                put(&mut f, &[&d.name, &b.name], get(b));
            } else {
                put_scaled(&mut f, &[&d.name, &b.name], get(b), scale);
            }
        }
    }
}

fn net(w: &mut MetricWriter, ds: &[Domain], def: &MetricDef, get: impl Fn(&Net) -> Option<u64>) {
    let mut f = w.family(def);
    for d in ds {
        for n in &d.stats.nets {
            put(&mut f, &[&d.name, &n.name], get(n));
        }
    }
}

/// Reads one value of a vCPU.
type VcpuField = fn(&crate::model::Vcpu) -> Option<u64>;

fn vcpus(w: &mut MetricWriter, ds: &[Domain]) {
    let mut label = String::new();
    let defs: [(&MetricDef, VcpuField); 4] = [
        (&m::DOMAIN_VCPU_STATE, |c| {
            c.state.and_then(|v| u64::try_from(v).ok())
        }),
        (&m::DOMAIN_VCPU_TIME, |c| c.time),
        (&m::DOMAIN_VCPU_WAIT, |c| c.wait),
        (&m::DOMAIN_VCPU_DELAY, |c| c.delay),
    ];
    for (i, (def, get)) in defs.into_iter().enumerate() {
        let mut f = w.family(def);
        for d in ds {
            for (n, c) in d.stats.vcpus.iter().enumerate() {
                let Some(v) = get(c) else { continue };
                label.clear();
                use std::fmt::Write;
                let _ = write!(label, "{n}");
                if i == 0 {
                    f.sample_u64(&[&d.name, &label], v);
                } else {
                    f.sample(&[&d.name, &label], v as f64 * NS);
                }
            }
        }
    }
}
