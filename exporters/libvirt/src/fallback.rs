//! Per-domain APIs for drivers whose bulk stats call leaves groups out
//! (libvirt's `test:///` driver returns only `state`): CPU, memory and vCPUs
//! from `virDomainGetInfo`/`virDomainMemoryStats`/`virDomainGetVcpus`,
//! disks and interfaces one by one from the devices in the domain's XML.
//! A device that fails is skipped; the rest of the domain still counts.

use crate::ffi::DomRef;
use crate::meta::DomainMeta;
use crate::model::*;

/// `VIR_DOMAIN_MEMORY_STAT_*` tags.
mod tag {
    pub const SWAP_IN: i32 = 0;
    pub const SWAP_OUT: i32 = 1;
    pub const MAJOR_FAULT: i32 = 2;
    pub const MINOR_FAULT: i32 = 3;
    pub const UNUSED: i32 = 4;
    pub const AVAILABLE: i32 = 5;
    pub const ACTUAL_BALLOON: i32 = 6;
    pub const RSS: i32 = 7;
    pub const USABLE: i32 = 8;
    pub const LAST_UPDATE: i32 = 9;
    pub const DISK_CACHES: i32 = 10;
    pub const HUGETLB_PGALLOC: i32 = 11;
    pub const HUGETLB_PGFAIL: i32 = 12;
}

/// Fills the groups in `groups` (mask of `G_*`) of `s` with per-domain calls.
pub fn fill(dom: DomRef<'_>, meta: &DomainMeta, s: &mut DomainStats, groups: u32) {
    let Ok(info) = dom.info() else {
        return;
    };
    if s.state.is_none() {
        s.state = Some(info.state as i64);
    }
    let active = s.is_active();
    if groups & G_CPU != 0 && active {
        s.cpu_time = Some(info.cpu_time_ns);
        s.groups |= G_CPU;
    }
    if groups & G_BALLOON != 0 {
        s.balloon.current = Some(info.memory_kib);
        s.balloon.maximum = Some(info.max_mem_kib);
        if active {
            if let Ok(stats) = dom.memory_stats() {
                apply_memory_stats(&mut s.balloon, &stats);
            }
        }
        s.groups |= G_BALLOON;
    }
    if groups & G_VCPU != 0 {
        s.vcpu_current = Some(info.vcpus as u64);
        if active {
            if let Ok(vcpus) = dom.vcpus(info.vcpus) {
                for v in vcpus {
                    let i = v.number as usize;
                    if i >= 4096 {
                        continue;
                    }
                    if s.vcpus.len() <= i {
                        s.vcpus.resize_with(i + 1, Vcpu::default);
                    }
                    s.vcpus[i].state = Some(v.state as i64);
                    s.vcpus[i].time = Some(v.cpu_time_ns);
                }
            }
        }
        s.groups |= G_VCPU;
    }
    if !active {
        return;
    }
    if groups & G_BLOCK != 0 {
        for d in meta.disks.iter().filter(|d| !d.target.is_empty()) {
            let Ok(st) = dom.block_stats(&d.target) else {
                continue;
            };
            let mut b = Block {
                name: d.target.clone(),
                path: (!d.source.is_empty()).then(|| d.source.clone()),
                rd: [st.rd_req, st.rd_bytes, None],
                wr: [st.wr_req, st.wr_bytes, None],
                errs: st.errs,
                ..Default::default()
            };
            if let Ok((cap, alloc, phys)) = dom.block_info(&d.target) {
                b.capacity = Some(cap);
                b.allocation = Some(alloc);
                b.physical = Some(phys);
            }
            s.blocks.push(b);
        }
        s.groups |= G_BLOCK;
    }
    if groups & G_NET != 0 {
        for n in &meta.interfaces {
            let dev = if n.target.is_empty() {
                &n.mac
            } else {
                &n.target
            };
            if dev.is_empty() {
                continue;
            }
            let Ok(st) = dom.interface_stats(dev) else {
                continue;
            };
            s.nets.push(Net {
                name: dev.clone(),
                rx: st.rx,
                tx: st.tx,
            });
        }
        s.groups |= G_NET;
    }
}

/// Maps `virDomainMemoryStats` tags onto balloon fields.
pub fn apply_memory_stats(b: &mut Balloon, stats: &[(i32, u64)]) {
    for &(t, v) in stats {
        let f = match t {
            tag::SWAP_IN => &mut b.swap_in,
            tag::SWAP_OUT => &mut b.swap_out,
            tag::MAJOR_FAULT => &mut b.major_fault,
            tag::MINOR_FAULT => &mut b.minor_fault,
            tag::UNUSED => &mut b.unused,
            tag::AVAILABLE => &mut b.available,
            tag::ACTUAL_BALLOON => &mut b.current,
            tag::RSS => &mut b.rss,
            tag::USABLE => &mut b.usable,
            tag::LAST_UPDATE => &mut b.last_update,
            tag::DISK_CACHES => &mut b.disk_caches,
            tag::HUGETLB_PGALLOC => &mut b.hugetlb_pgalloc,
            tag::HUGETLB_PGFAIL => &mut b.hugetlb_pgfail,
            _ => continue,
        };
        *f = Some(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stat_tags_map_to_fields() {
        let mut b = Balloon::default();
        apply_memory_stats(&mut b, &[(6, 1024), (7, 512), (9, 1700000000), (99, 1)]);
        assert_eq!(b.current, Some(1024));
        assert_eq!(b.rss, Some(512));
        assert_eq!(b.last_update, Some(1700000000));
        assert_eq!(b.unused, None);
    }
}
