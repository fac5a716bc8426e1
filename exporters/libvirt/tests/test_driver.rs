//! Against libvirt's test driver: `test:///default` (bulk stats return only
//! `state`, so the per-domain fallback fills the rest) and the 1,000-domain
//! node written by scripts/libvirt-setup.sh.

mod common;

use std::time::{Duration, Instant};

use common::*;
use libvirt_exporter::model::{G_BLOCK, G_CPU, G_NET};
use libvirt_exporter::poller::{Config, Poller};

const DEFAULT: &str = "test:///default";

#[test]
fn test_default_fills_groups_per_domain_and_matches_virsh() {
    let exp = Exporter::start(DEFAULT, &[]);
    let m = exp.scrape();
    let d = [("domain", "test")];
    assert_eq!(m.must("libvirt_up", &[]), 1.0);
    assert_eq!(m.must("libvirt_domain_stats_partial", &d), 0.0);
    assert_eq!(m.must("libvirt_domain_state_code", &d), 1.0);

    let info = virsh(DEFAULT, &["dominfo", "test"]);
    assert_eq!(
        m.must(
            "libvirt_domain_info",
            &[
                ("domain", "test"),
                ("uuid", &field(&info, "UUID")),
                ("os_type", "hvm"),
                ("arch", "i686"),
                ("machine", ""),
                ("virt_type", "test"),
                ("persistent", "true"),
            ]
        ),
        1.0
    );
    assert_eq!(
        m.must("libvirt_domain_memory_maximum_bytes", &d),
        number(&info, "Max memory") * 1024.0
    );
    assert_eq!(
        m.must("libvirt_domain_memory_current_bytes", &d),
        number(&info, "Used memory") * 1024.0
    );
    assert_eq!(
        m.must("libvirt_domain_vcpu_current", &d),
        number(&info, "CPU(s)")
    );
    assert!(m.must("libvirt_domain_cpu_time_seconds_total", &d) > 0.0);
    let vcpus = virsh(DEFAULT, &["vcpuinfo", "test"]);
    let n = vcpus.lines().filter(|l| l.starts_with("VCPU:")).count();
    assert_eq!(m.of("libvirt_domain_vcpu_time_seconds_total").len(), n);

    let blk = virsh(DEFAULT, &["domblkinfo", "test", "vda"]);
    let vda = [("domain", "test"), ("target_device", "vda")];
    assert_eq!(
        m.must("libvirt_domain_block_capacity_bytes", &vda),
        number(&blk, "Capacity")
    );
    assert!(m.must("libvirt_domain_block_read_requests_total", &vda) > 0.0);
    assert_eq!(
        m.must(
            "libvirt_domain_block_info",
            &[
                ("domain", "test"),
                ("target_device", "vda"),
                ("source", "/guest/diskimage1"),
                ("bus", "virtio"),
                ("driver_type", ""),
                ("device", "disk"),
            ]
        ),
        1.0
    );
    let iflist = virsh(DEFAULT, &["domiflist", "test"]);
    let nic: Vec<&str> = iflist.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(
        m.must(
            "libvirt_domain_interface_info",
            &[
                ("domain", "test"),
                ("target_device", nic[0]),
                ("mac", nic[4]),
                ("type", nic[1]),
                ("bridge", ""),
                ("network", nic[2]),
                ("model", ""),
            ]
        ),
        1.0
    );
    let net = [("domain", "test"), ("target_device", nic[0])];
    for dir in ["receive", "transmit"] {
        for what in ["bytes", "packets", "errors", "drops"] {
            assert!(m
                .get(
                    &format!("libvirt_domain_interface_{dir}_{what}_total"),
                    &net
                )
                .is_some());
        }
    }

    // Storage pools, compared with `virsh pool-info --bytes`.
    for pool in virsh(DEFAULT, &["pool-list", "--all", "--name"])
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let p = virsh(DEFAULT, &["pool-info", pool, "--bytes"]);
        let l = [("pool", pool)];
        assert_eq!(
            m.must("libvirt_storage_pool_capacity_bytes", &l),
            number(&p, "Capacity")
        );
        assert_eq!(
            m.must("libvirt_storage_pool_allocation_bytes", &l),
            number(&p, "Allocation")
        );
        assert_eq!(
            m.must("libvirt_storage_pool_available_bytes", &l),
            number(&p, "Available")
        );
        let running = field(&p, "State") == "running";
        assert_eq!(
            m.must("libvirt_storage_pool_state", &l),
            if running { 2.0 } else { 0.0 }
        );
        if running {
            let vols = virsh(DEFAULT, &["vol-list", pool]);
            let n = vols
                .lines()
                .skip(2)
                .filter(|l| !l.trim().is_empty())
                .count();
            assert_eq!(m.must("libvirt_storage_pool_volumes", &l), n as f64);
        }
    }
    let node = virsh(DEFAULT, &["nodeinfo"]);
    assert_eq!(m.must("libvirt_node_cpus", &[]), number(&node, "CPU(s)"));
    assert_eq!(
        m.must("libvirt_node_memory_bytes", &[]),
        number(&node, "Memory size") * 1024.0
    );
    // The test driver has no job stats: no job series, and no failure.
    assert!(m.of("libvirt_domain_job_type").is_empty());
    assert_eq!(
        m.must(
            "libvirt_exporter_scrape_collector_success",
            &[("collector", "jobs")]
        ),
        1.0
    );
}

#[test]
fn thousand_domain_node() {
    let uri = node_1000_uri();
    let exp = Exporter::start(&uri, &[]);
    exp.scrape();
    let m = exp.scrape();
    assert_eq!(m.must("libvirt_domains", &[("state", "running")]), 800.0);
    assert_eq!(m.must("libvirt_domains", &[("state", "paused")]), 100.0);
    assert_eq!(m.must("libvirt_domains", &[("state", "shutoff")]), 100.0);
    assert_eq!(m.of("libvirt_domain_info").len(), 1000);
    let partial = m.of("libvirt_domain_stats_partial");
    assert_eq!(partial.len(), 1000);
    assert!(partial.iter().all(|(_, v)| *v == 0.0));
    // Running and paused domains have CPU, disk and NIC values.
    assert_eq!(m.of("libvirt_domain_cpu_time_seconds_total").len(), 900);
    assert_eq!(m.of("libvirt_domain_block_read_bytes_total").len(), 900);
    assert_eq!(
        m.of("libvirt_domain_interface_receive_bytes_total").len(),
        900
    );
    assert_eq!(m.of("libvirt_domain_vcpu_state").len(), 1800);
    // Spot checks against virsh for one domain of each state.
    for (dom, code) in [
        ("lvx-test-0000", 5.0),
        ("lvx-test-0001", 3.0),
        ("lvx-test-0002", 1.0),
    ] {
        assert_eq!(
            m.must("libvirt_domain_state_code", &[("domain", dom)]),
            code
        );
        let info = virsh(&uri, &["dominfo", dom]);
        assert_eq!(
            m.must("libvirt_domain_memory_maximum_bytes", &[("domain", dom)]),
            number(&info, "Max memory") * 1024.0
        );
    }
    assert_eq!(
        m.must(
            "libvirt_storage_pool_capacity_bytes",
            &[("pool", "lvx-pool")]
        ),
        100.0 * (1u64 << 30) as f64
    );
    assert_eq!(m.must("libvirt_node_cpus", &[]), 8.0);
    assert_eq!(m.must("libvirt_node_domains_vcpus", &[]), 1800.0);
    assert!(
        m.families_with("libvirt_") >= 40,
        "{} families",
        m.families.len()
    );
}

#[test]
fn domain_xml_is_read_once_and_cached() {
    let mut p = Poller::new(Config::new(&node_1000_uri()));
    let far = || Instant::now() + Duration::from_secs(60);
    for _ in 0..3 {
        let s = p.poll(far());
        assert!(s.up);
        assert_eq!(s.domains.len(), 1000);
    }
    assert_eq!(p.xml_fetches(), 1000);
}

#[test]
fn past_the_deadline_domains_keep_last_good_values() {
    let mut p = Poller::new(Config::new(DEFAULT));
    let first = p.poll(Instant::now() + Duration::from_secs(60));
    let d0 = &first.domains[0];
    assert!(!d0.partial);
    assert_eq!(
        d0.stats.groups & (G_CPU | G_BLOCK | G_NET),
        G_CPU | G_BLOCK | G_NET
    );
    std::thread::sleep(Duration::from_millis(20));

    // Deadline already passed: no per-domain calls, last good values.
    let late = p.poll(Instant::now());
    let d1 = &late.domains[0];
    assert!(late.up);
    assert!(d1.partial);
    assert_eq!(d1.stats.cpu_time, d0.stats.cpu_time);
    assert_eq!(d1.stats.blocks, d0.stats.blocks);
    assert_eq!(d1.stats.nets, d0.stats.nets);

    // In time again: fresh values (the test driver's counters follow the clock).
    let fresh = p.poll(Instant::now() + Duration::from_secs(60));
    let d2 = &fresh.domains[0];
    assert!(!d2.partial);
    assert!(d2.stats.cpu_time > d0.stats.cpu_time);
}

#[test]
fn unreachable_libvirt_answers_with_up_0() {
    let exp = Exporter::start("qemu+unix:///system?socket=/nonexistent/libvirt-sock", &[]);
    for _ in 0..2 {
        let (status, body) = exp.get_metrics();
        assert_eq!(status, 200);
        let m = Metrics::parse(&body);
        assert_eq!(m.must("libvirt_up", &[]), 0.0);
        assert_eq!(m.must("libvirt_connection_reconnects_total", &[]), 0.0);
        assert!(m.of("libvirt_domain_info").is_empty());
        assert_eq!(m.of("libvirt_exporter_build_info").len(), 1);
    }
}
