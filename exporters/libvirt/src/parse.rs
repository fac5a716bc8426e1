//! Turns the typed parameters of one bulk-stats record (`state.state`,
//! `block.0.rd.reqs`, ...) into a [`DomainStats`]. Unknown keys are ignored,
//! indexes are bounded, and nothing here can panic on odd input.

use crate::ffi::Value;
use crate::model::*;

/// Highest vCPU index accepted (libvirt's own limit is far lower).
const MAX_VCPUS: usize = 4096;
/// Highest disk or interface index accepted.
const MAX_DEVICES: usize = 1024;
/// Most perf events or I/O threads kept per domain.
const MAX_ENTRIES: usize = 256;

/// Parses a record's parameters.
pub fn parse_record<'a>(params: impl Iterator<Item = (&'a str, Value<'a>)>) -> DomainStats {
    let mut s = DomainStats::default();
    for (key, v) in params {
        apply(&mut s, key, v);
    }
    s
}

/// Returns `v[i]`, growing `v` up to `cap` entries; `None` past the cap.
fn slot<T: Default>(v: &mut Vec<T>, i: usize, cap: usize) -> Option<&mut T> {
    if i >= cap {
        return None;
    }
    if v.len() <= i {
        v.resize_with(i + 1, T::default);
    }
    v.get_mut(i)
}

/// Splits `"12.rest"` into `(12, "rest")`.
fn index(rest: &str) -> Option<(usize, &str)> {
    let (n, tail) = rest.split_once('.')?;
    Some((n.parse().ok()?, tail))
}

fn apply(s: &mut DomainStats, key: &str, v: Value<'_>) {
    let Some((group, rest)) = key.split_once('.') else {
        return;
    };
    match group {
        "state" => {
            s.groups |= G_STATE;
            match rest {
                "state" => s.state = v.as_i64(),
                "reason" => s.reason = v.as_i64(),
                _ => {}
            }
        }
        "cpu" => {
            s.groups |= G_CPU;
            match rest {
                "time" => s.cpu_time = v.as_u64(),
                "user" => s.cpu_user = v.as_u64(),
                "system" => s.cpu_system = v.as_u64(),
                "haltpoll.success.time" => s.haltpoll_success = v.as_u64(),
                "haltpoll.fail.time" => s.haltpoll_fail = v.as_u64(),
                _ => {}
            }
        }
        "balloon" => {
            s.groups |= G_BALLOON;
            let b = &mut s.balloon;
            let field = match rest {
                "current" => &mut b.current,
                "maximum" => &mut b.maximum,
                "swap_in" => &mut b.swap_in,
                "swap_out" => &mut b.swap_out,
                "major_fault" => &mut b.major_fault,
                "minor_fault" => &mut b.minor_fault,
                "unused" => &mut b.unused,
                "available" => &mut b.available,
                "usable" => &mut b.usable,
                "rss" => &mut b.rss,
                "disk_caches" => &mut b.disk_caches,
                "last-update" => &mut b.last_update,
                "hugetlb_pgalloc" => &mut b.hugetlb_pgalloc,
                "hugetlb_pgfail" => &mut b.hugetlb_pgfail,
                _ => return,
            };
            *field = v.as_u64();
        }
        "vcpu" => {
            s.groups |= G_VCPU;
            match rest {
                "current" => s.vcpu_current = v.as_u64(),
                "maximum" => s.vcpu_maximum = v.as_u64(),
                _ => {
                    let Some((i, field)) = index(rest) else {
                        return;
                    };
                    let Some(c) = slot(&mut s.vcpus, i, MAX_VCPUS) else {
                        return;
                    };
                    match field {
                        "state" => c.state = v.as_i64(),
                        "time" => c.time = v.as_u64(),
                        "wait" => c.wait = v.as_u64(),
                        "delay" => c.delay = v.as_u64(),
                        _ => {}
                    }
                }
            }
        }
        "net" => {
            s.groups |= G_NET;
            let Some((i, field)) = index(rest) else {
                return;
            };
            let Some(n) = slot(&mut s.nets, i, MAX_DEVICES) else {
                return;
            };
            let (dir, what) = field.split_once('.').unwrap_or((field, ""));
            let arr = match dir {
                "name" => {
                    if let Value::Str(name) = v {
                        n.name = name.to_string();
                    }
                    return;
                }
                "rx" => &mut n.rx,
                "tx" => &mut n.tx,
                _ => return,
            };
            let k = match what {
                "bytes" => 0,
                "pkts" => 1,
                "errs" => 2,
                "drop" => 3,
                _ => return,
            };
            arr[k] = v.as_u64();
        }
        "block" => {
            s.groups |= G_BLOCK;
            let Some((i, field)) = index(rest) else {
                return;
            };
            let Some(b) = slot(&mut s.blocks, i, MAX_DEVICES) else {
                return;
            };
            match field {
                "name" => {
                    if let Value::Str(name) = v {
                        b.name = name.to_string();
                    }
                }
                "path" => {
                    if let Value::Str(p) = v {
                        b.path = Some(p.to_string());
                    }
                }
                "rd.reqs" => b.rd[0] = v.as_u64(),
                "rd.bytes" => b.rd[1] = v.as_u64(),
                "rd.times" => b.rd[2] = v.as_u64(),
                "wr.reqs" => b.wr[0] = v.as_u64(),
                "wr.bytes" => b.wr[1] = v.as_u64(),
                "wr.times" => b.wr[2] = v.as_u64(),
                "fl.reqs" => b.fl[0] = v.as_u64(),
                "fl.times" => b.fl[1] = v.as_u64(),
                "errs" => b.errs = v.as_u64(),
                "allocation" => b.allocation = v.as_u64(),
                "capacity" => b.capacity = v.as_u64(),
                "physical" => b.physical = v.as_u64(),
                _ => {}
            }
        }
        "perf" => {
            s.groups |= G_PERF;
            if let Some(n) = v.as_u64() {
                if s.perf.len() < MAX_ENTRIES && !rest.contains('.') {
                    s.perf.push((rest.to_string(), n));
                }
            }
        }
        "iothread" => {
            s.groups |= G_IOTHREAD;
            if rest == "count" {
                s.iothread_count = v.as_u64();
                return;
            }
            let Some((id, field)) = rest.split_once('.') else {
                return;
            };
            let Ok(id) = id.parse::<u64>() else {
                return;
            };
            let t = match s.iothreads.iter().position(|t| t.id == id) {
                Some(p) => &mut s.iothreads[p],
                None if s.iothreads.len() < MAX_ENTRIES => {
                    s.iothreads.push(IoThread {
                        id,
                        ..Default::default()
                    });
                    let last = s.iothreads.len() - 1;
                    &mut s.iothreads[last]
                }
                None => return,
            };
            match field {
                "poll-max-ns" => t.poll_max_ns = v.as_u64(),
                "poll-grow" => t.poll_grow = v.as_u64(),
                "poll-shrink" => t.poll_shrink = v.as_u64(),
                _ => {}
            }
        }
        "dirtyrate" => {
            s.groups |= G_DIRTYRATE;
            match rest {
                "calc_status" => s.dirty.status = v.as_i64(),
                "calc_start_time" => s.dirty.start_time = v.as_i64(),
                "calc_period" => s.dirty.period = v.as_i64(),
                "megabytes_per_second" => s.dirty.mib_per_second = v.as_i64(),
                _ => {}
            }
        }
        _ => {}
    }
}

/// Applies one job-stats parameter (`time_elapsed`, `memory_bps`, ...).
pub fn apply_job(j: &mut Job, key: &str, v: Value<'_>) {
    let u = v.as_u64();
    match key {
        "operation" => j.operation = v.as_i64(),
        "time_elapsed" => j.elapsed_ms = u,
        "time_remaining" => j.remaining_ms = u,
        "downtime" => j.downtime_ms = u,
        "data_total" => j.data[0] = u,
        "data_processed" => j.data[1] = u,
        "data_remaining" => j.data[2] = u,
        "memory_total" => j.memory[0] = u,
        "memory_processed" => j.memory[1] = u,
        "memory_remaining" => j.memory[2] = u,
        "disk_total" => j.disk[0] = u,
        "disk_processed" => j.disk[1] = u,
        "disk_remaining" => j.disk[2] = u,
        "memory_bps" => j.memory_bps = u,
        "memory_dirty_rate" => j.memory_dirty_rate = u,
        "memory_page_size" => j.memory_page_size = u,
        "memory_iteration" => j.memory_iteration = u,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Value::*;

    fn parse(p: &[(&'static str, Value<'static>)]) -> DomainStats {
        parse_record(p.iter().copied())
    }

    #[test]
    fn parses_every_core_group() {
        let s = parse(&[
            ("state.state", Int(1)),
            ("state.reason", Int(1)),
            ("cpu.time", UInt(1_500_000_000)),
            ("cpu.user", UInt(1_000_000_000)),
            ("cpu.system", UInt(500_000_000)),
            ("cpu.haltpoll.fail.time", UInt(77)),
            ("balloon.current", UInt(32768)),
            ("balloon.maximum", UInt(65536)),
            ("balloon.rss", UInt(41212)),
            ("balloon.last-update", UInt(1_700_000_000)),
            ("vcpu.current", UInt(2)),
            ("vcpu.maximum", UInt(4)),
            ("vcpu.1.state", Int(1)),
            ("vcpu.1.time", UInt(42)),
            ("vcpu.1.delay", UInt(7)),
            ("net.count", UInt(1)),
            ("net.0.name", Str("vnet0")),
            ("net.0.rx.bytes", UInt(90)),
            ("net.0.tx.drop", UInt(3)),
            ("block.count", UInt(1)),
            ("block.0.name", Str("vda")),
            ("block.0.path", Str("/img/a.qcow2")),
            ("block.0.rd.reqs", UInt(1)),
            ("block.0.rd.times", UInt(53740)),
            ("block.0.fl.times", UInt(9)),
            ("block.0.capacity", UInt(67108864)),
        ]);
        assert_eq!(s.groups, CORE_GROUPS);
        assert_eq!((s.state, s.reason), (Some(1), Some(1)));
        assert_eq!(s.cpu_time, Some(1_500_000_000));
        assert_eq!((s.haltpoll_success, s.haltpoll_fail), (None, Some(77)));
        assert_eq!(s.balloon.rss, Some(41212));
        assert_eq!(s.balloon.last_update, Some(1_700_000_000));
        assert_eq!(s.balloon.unused, None);
        assert_eq!(s.vcpus.len(), 2);
        assert_eq!(s.vcpus[1].time, Some(42));
        assert_eq!(s.vcpus[0], Vcpu::default());
        assert_eq!(s.nets[0].name, "vnet0");
        assert_eq!(s.nets[0].rx[0], Some(90));
        assert_eq!(s.nets[0].tx[3], Some(3));
        assert_eq!(s.blocks[0].path.as_deref(), Some("/img/a.qcow2"));
        assert_eq!(s.blocks[0].rd, [Some(1), None, Some(53740)]);
        assert_eq!(s.blocks[0].fl, [None, Some(9)]);
        assert_eq!(s.blocks[0].capacity, Some(67108864));
    }

    #[test]
    fn hostile_indexes_and_types_are_ignored() {
        let s = parse(&[
            ("vcpu.99999999999.time", UInt(1)),
            ("vcpu.5000.time", UInt(1)),
            ("block.x.rd.reqs", UInt(1)),
            ("net.1025.rx.bytes", UInt(1)),
            ("cpu.time", Int(-5)),
            ("state.state", Str("running")),
            ("nodot", UInt(1)),
            ("block.0.name", UInt(3)),
        ]);
        assert!(s.vcpus.is_empty());
        assert!(s.nets.is_empty());
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].name, "");
        assert_eq!(s.cpu_time, None);
        assert_eq!(s.state, None);
    }

    #[test]
    fn optional_groups() {
        let s = parse(&[
            ("perf.cpu_cycles", UInt(100)),
            ("iothread.count", UInt(1)),
            ("iothread.3.poll-max-ns", UInt(32768)),
            ("iothread.3.poll-grow", UInt(2)),
            ("dirtyrate.calc_status", Int(2)),
            ("dirtyrate.megabytes_per_second", Int(5)),
        ]);
        assert_eq!(s.groups, G_PERF | G_IOTHREAD | G_DIRTYRATE);
        assert_eq!(s.perf, vec![("cpu_cycles".to_string(), 100)]);
        assert_eq!(s.iothreads[0].id, 3);
        assert_eq!(s.iothreads[0].poll_max_ns, Some(32768));
        assert_eq!(s.dirty.mib_per_second, Some(5));
    }

    #[test]
    fn copy_group_fills_only_that_group() {
        let old = parse(&[
            ("state.state", Int(1)),
            ("cpu.time", UInt(10)),
            ("block.0.name", Str("vda")),
        ]);
        let mut new = parse(&[("state.state", Int(1))]);
        new.copy_group(&old, G_BLOCK);
        assert_eq!(new.blocks[0].name, "vda");
        assert_eq!(new.cpu_time, None);
        assert_eq!(new.groups, G_STATE | G_BLOCK);
    }

    #[test]
    fn job_keys() {
        let mut j = Job::default();
        apply_job(&mut j, "time_elapsed", UInt(1500));
        apply_job(&mut j, "memory_remaining", UInt(4096));
        apply_job(&mut j, "operation", Int(3));
        apply_job(&mut j, "unknown", UInt(1));
        assert_eq!(j.elapsed_ms, Some(1500));
        assert_eq!(j.memory[2], Some(4096));
        assert_eq!(j.operation, Some(3));
    }
}
