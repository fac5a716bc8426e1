//! Against real QEMU guests (scripts/libvirt-setup.sh): every stats group
//! libvirt reports for them must come out of /metrics with the same values
//! `virsh domstats` shows.

mod common;

use std::time::Duration;

use common::*;

/// How a `virsh domstats` value must relate to the exported one.
#[derive(Clone, Copy, Debug)]
enum Check {
    /// Equal (state codes, sizes that do not move).
    Exact,
    /// A counter: between the reading before and after the scrape.
    Monotonic,
    /// A gauge that may move a little (RSS): within 25% of either reading.
    Loose,
}

/// Maps a `domstats` key (with `N` for an index) to a metric, its
/// per-index label, a unit scale and a check. `None`: deliberately not
/// exported (documented in docs/libvirt-exporter.md).
fn mapping(key: &str) -> Option<(&'static str, Option<&'static str>, f64, Check)> {
    use Check::*;
    let generic: String = key
        .split('.')
        .map(|p| if p.parse::<u64>().is_ok() { "N" } else { p })
        .collect::<Vec<_>>()
        .join(".");
    let r = match generic.as_str() {
        "state.state" => ("libvirt_domain_state_code", None, 1.0, Exact),
        "state.reason" => ("libvirt_domain_state_reason_code", None, 1.0, Exact),
        "cpu.time" => (
            "libvirt_domain_cpu_time_seconds_total",
            None,
            1e-9,
            Monotonic,
        ),
        "cpu.user" => (
            "libvirt_domain_cpu_user_seconds_total",
            None,
            1e-9,
            Monotonic,
        ),
        "cpu.system" => (
            "libvirt_domain_cpu_system_seconds_total",
            None,
            1e-9,
            Monotonic,
        ),
        "cpu.haltpoll.success.time" => (
            "libvirt_domain_cpu_haltpoll_success_seconds_total",
            None,
            1e-9,
            Monotonic,
        ),
        "cpu.haltpoll.fail.time" => (
            "libvirt_domain_cpu_haltpoll_fail_seconds_total",
            None,
            1e-9,
            Monotonic,
        ),
        "balloon.current" => ("libvirt_domain_memory_current_bytes", None, 1024.0, Exact),
        "balloon.maximum" => ("libvirt_domain_memory_maximum_bytes", None, 1024.0, Exact),
        "balloon.rss" => ("libvirt_domain_memory_rss_bytes", None, 1024.0, Loose),
        "balloon.unused" => ("libvirt_domain_memory_unused_bytes", None, 1024.0, Loose),
        "balloon.available" => ("libvirt_domain_memory_available_bytes", None, 1024.0, Loose),
        "balloon.usable" => ("libvirt_domain_memory_usable_bytes", None, 1024.0, Loose),
        "balloon.disk_caches" => (
            "libvirt_domain_memory_disk_caches_bytes",
            None,
            1024.0,
            Loose,
        ),
        "balloon.swap_in" => (
            "libvirt_domain_memory_swap_in_bytes_total",
            None,
            1024.0,
            Monotonic,
        ),
        "balloon.swap_out" => (
            "libvirt_domain_memory_swap_out_bytes_total",
            None,
            1024.0,
            Monotonic,
        ),
        "balloon.major_fault" => (
            "libvirt_domain_memory_major_faults_total",
            None,
            1.0,
            Monotonic,
        ),
        "balloon.minor_fault" => (
            "libvirt_domain_memory_minor_faults_total",
            None,
            1.0,
            Monotonic,
        ),
        "vcpu.current" => ("libvirt_domain_vcpu_current", None, 1.0, Exact),
        "vcpu.maximum" => ("libvirt_domain_vcpu_maximum", None, 1.0, Exact),
        "vcpu.N.state" => ("libvirt_domain_vcpu_state", Some("vcpu"), 1.0, Exact),
        "vcpu.N.time" => (
            "libvirt_domain_vcpu_time_seconds_total",
            Some("vcpu"),
            1e-9,
            Monotonic,
        ),
        "vcpu.N.wait" => (
            "libvirt_domain_vcpu_wait_seconds_total",
            Some("vcpu"),
            1e-9,
            Monotonic,
        ),
        "vcpu.N.delay" => (
            "libvirt_domain_vcpu_delay_seconds_total",
            Some("vcpu"),
            1e-9,
            Monotonic,
        ),
        "net.N.rx.bytes" => (
            "libvirt_domain_interface_receive_bytes_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.rx.pkts" => (
            "libvirt_domain_interface_receive_packets_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.rx.errs" => (
            "libvirt_domain_interface_receive_errors_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.rx.drop" => (
            "libvirt_domain_interface_receive_drops_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.tx.bytes" => (
            "libvirt_domain_interface_transmit_bytes_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.tx.pkts" => (
            "libvirt_domain_interface_transmit_packets_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.tx.errs" => (
            "libvirt_domain_interface_transmit_errors_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "net.N.tx.drop" => (
            "libvirt_domain_interface_transmit_drops_total",
            Some("net"),
            1.0,
            Monotonic,
        ),
        "block.N.rd.reqs" => (
            "libvirt_domain_block_read_requests_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.rd.bytes" => (
            "libvirt_domain_block_read_bytes_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.rd.times" => (
            "libvirt_domain_block_read_time_seconds_total",
            Some("block"),
            1e-9,
            Monotonic,
        ),
        "block.N.wr.reqs" => (
            "libvirt_domain_block_write_requests_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.wr.bytes" => (
            "libvirt_domain_block_write_bytes_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.wr.times" => (
            "libvirt_domain_block_write_time_seconds_total",
            Some("block"),
            1e-9,
            Monotonic,
        ),
        "block.N.fl.reqs" => (
            "libvirt_domain_block_flush_requests_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.fl.times" => (
            "libvirt_domain_block_flush_time_seconds_total",
            Some("block"),
            1e-9,
            Monotonic,
        ),
        "block.N.errs" => (
            "libvirt_domain_block_errors_total",
            Some("block"),
            1.0,
            Monotonic,
        ),
        "block.N.allocation" => (
            "libvirt_domain_block_allocation_bytes",
            Some("block"),
            1.0,
            Loose,
        ),
        "block.N.capacity" => (
            "libvirt_domain_block_capacity_bytes",
            Some("block"),
            1.0,
            Exact,
        ),
        "block.N.physical" => (
            "libvirt_domain_block_physical_bytes",
            Some("block"),
            1.0,
            Loose,
        ),
        _ => return None,
    };
    Some(r)
}

/// Keys `virsh domstats` shows that are not compared here: counts, names
/// and paths (labels), QEMU-internal extras, and the optional groups
/// (compared by `optional_collectors_follow_their_flags`).
fn is_label_or_extra(key: &str) -> bool {
    key.ends_with(".count")
        || key.ends_with(".name")
        || key.ends_with(".path")
        || key.ends_with(".backingIndex")
        || key.starts_with("cpu.cache.")
        || key.starts_with("dirtyrate.") // optional groups: see
        || key.starts_with("perf.") //    optional_collectors_follow_their_flags
        || key.starts_with("iothread.")
        || key == "balloon.last-update"
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

#[test]
fn every_group_matches_virsh_domstats() {
    let _lock = DaemonLock::shared();
    require_guests();
    let exp = Exporter::start(QEMU, &[]);
    exp.scrape(); // first scrape connects and fills the XML cache
    let before = domstats(QEMU, &[]);
    let m = exp.scrape();
    let after = domstats(QEMU, &[]);
    assert_eq!(m.must("libvirt_up", &[]), 1.0);

    let mut checked = 0;
    let mut groups_seen = std::collections::BTreeSet::new();
    for dom in RUNNING.iter().chain([&SHUTOFF]) {
        let b = &before[*dom];
        let a = &after[*dom];
        assert_eq!(
            m.must("libvirt_domain_stats_partial", &[("domain", dom)]),
            0.0
        );
        for (k, vb) in b {
            if is_label_or_extra(k) {
                continue;
            }
            let (metric, index, scale, check) =
                mapping(k).unwrap_or_else(|| panic!("{dom}: virsh key {k} not exported"));
            groups_seen.insert(k.split('.').next().unwrap().to_string());
            let labels: Vec<(&str, String)> = match index {
                None => vec![("domain", dom.to_string())],
                Some("vcpu") => vec![
                    ("domain", dom.to_string()),
                    ("vcpu", k.split('.').nth(1).unwrap().to_string()),
                ],
                Some(group) => {
                    let i = k.split('.').nth(1).unwrap();
                    let name = &b[&format!("{group}.{i}.name")];
                    vec![("domain", dom.to_string()), ("target_device", name.clone())]
                }
            };
            let labels: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let ours = m.must(metric, &labels);
            let (lo, hi) = {
                let x = num(vb) * scale;
                let y = num(a.get(k).map(String::as_str).unwrap_or(vb)) * scale;
                (x.min(y), x.max(y))
            };
            let ok = match check {
                Check::Exact => (ours - lo).abs() <= lo.abs() * 1e-12 && lo == hi,
                Check::Monotonic => ours >= lo * (1.0 - 1e-12) && ours <= hi * (1.0 + 1e-12),
                Check::Loose => ours >= lo * 0.75 && ours <= hi * 1.25,
            };
            assert!(
                ok,
                "{dom} {k}: virsh {lo}..{hi}, exporter {metric}{labels:?} = {ours} ({check:?})"
            );
            checked += 1;
        }
    }
    for g in ["state", "cpu", "balloon", "vcpu", "net", "block"] {
        assert!(groups_seen.contains(g), "group {g} not compared");
    }
    assert!(checked > 80, "only {checked} values compared");
}

#[test]
fn info_series_match_the_domain_xml() {
    let _lock = DaemonLock::shared();
    require_guests();
    let exp = Exporter::start(QEMU, &[]);
    let m = exp.scrape();
    for (dom, uuid, persistent) in [
        ("lvx-alpha", "6f1c0a52-7a3e-4d55-9a51-000000000001", "false"),
        ("lvx-beta", "6f1c0a52-7a3e-4d55-9a51-000000000002", "false"),
        ("lvx-gamma", "6f1c0a52-7a3e-4d55-9a51-000000000003", "true"),
    ] {
        let xml = virsh(QEMU, &["dumpxml", dom]);
        let machine = xml
            .split("machine='")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("machine in XML");
        assert_eq!(
            m.must(
                "libvirt_domain_info",
                &[
                    ("domain", dom),
                    ("uuid", uuid),
                    ("os_type", "hvm"),
                    ("arch", "x86_64"),
                    ("machine", machine),
                    ("virt_type", "qemu"),
                    ("persistent", persistent),
                ]
            ),
            1.0
        );
        // Disks: `virsh domblklist --details`: Type Device Target Source.
        for line in virsh(QEMU, &["domblklist", dom, "--details"])
            .lines()
            .skip(2)
        {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 4 {
                continue;
            }
            assert_eq!(
                m.must(
                    "libvirt_domain_block_info",
                    &[
                        ("domain", dom),
                        ("target_device", f[2]),
                        ("source", f[3]),
                        ("bus", "virtio"),
                        ("driver_type", "qcow2"),
                        ("device", f[1]),
                    ]
                ),
                1.0
            );
        }
        // NICs: `virsh domiflist`: Interface Type Source Model MAC; a NIC
        // without a host-side name is labeled with its MAC address.
        let mut nics = 0;
        for line in virsh(QEMU, &["domiflist", dom]).lines().skip(2) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 5 {
                continue;
            }
            let target = if f[0] == "-" { f[4] } else { f[0] };
            assert_eq!(
                m.must(
                    "libvirt_domain_interface_info",
                    &[
                        ("domain", dom),
                        ("target_device", target),
                        ("mac", f[4]),
                        ("type", f[1]),
                        ("bridge", ""),
                        ("network", ""),
                        ("model", f[3]),
                    ]
                ),
                1.0
            );
            nics += 1;
        }
        assert!(nics >= 1, "{dom} has no NIC in domiflist");
    }
}

#[test]
fn domain_counts_jobs_and_host_match_virsh() {
    let _lock = DaemonLock::shared();
    require_guests();
    let exp = Exporter::start(QEMU, &[]);
    let m = exp.scrape();
    let count = |flag: &str| {
        virsh(QEMU, &["list", flag, "--name"])
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count() as f64
    };
    assert_eq!(
        m.must("libvirt_domains", &[("state", "running")]),
        count("--state-running")
    );
    assert_eq!(
        m.must("libvirt_domains", &[("state", "shutoff")]),
        count("--state-shutoff")
    );
    assert_eq!(
        m.must("libvirt_domains", &[("state", "paused")]),
        count("--state-paused")
    );

    for dom in RUNNING {
        let info = virsh(QEMU, &["domjobinfo", dom]);
        assert!(
            info.contains("None"),
            "{dom} unexpectedly has a job: {info}"
        );
        assert_eq!(m.must("libvirt_domain_job_type", &[("domain", dom)]), 0.0);
    }
    assert_eq!(
        m.get("libvirt_domain_job_type", &[("domain", SHUTOFF)]),
        None
    );

    // The setup script's storage pool, against `virsh pool-info --bytes`.
    let pool = virsh(QEMU, &["pool-info", "lvx-pool", "--bytes"]);
    let p = [("pool", "lvx-pool")];
    assert_eq!(m.must("libvirt_storage_pool_state", &p), 2.0);
    assert_eq!(
        m.must("libvirt_storage_pool_capacity_bytes", &p),
        number(&pool, "Capacity")
    );
    assert_eq!(m.must("libvirt_storage_pool_volumes", &p), 1.0);
    let alloc = m.must("libvirt_storage_pool_allocation_bytes", &p);
    let avail = m.must("libvirt_storage_pool_available_bytes", &p);
    // Used space of a live filesystem moves: allow 1 GiB of drift.
    assert!(
        (alloc - number(&pool, "Allocation")).abs() < 1e9,
        "allocation {alloc}"
    );
    assert!(
        (avail - number(&pool, "Available")).abs() < 1e9,
        "available {avail}"
    );

    let node = virsh(QEMU, &["nodeinfo"]);
    assert_eq!(m.must("libvirt_node_cpus", &[]), number(&node, "CPU(s)"));
    let model = node
        .lines()
        .find(|l| l.starts_with("CPU model"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .expect("CPU model");
    assert_eq!(
        m.must(
            "libvirt_node_info",
            &[
                ("cpu_model", model),
                ("sockets", &number(&node, "CPU socket(s)").to_string()),
                (
                    "cores_per_socket",
                    &number(&node, "Core(s) per socket").to_string()
                ),
                (
                    "threads_per_core",
                    &number(&node, "Thread(s) per core").to_string()
                ),
                ("numa_cells", &number(&node, "NUMA cell(s)").to_string()),
            ]
        ),
        1.0
    );
    assert_eq!(
        m.must("libvirt_node_memory_bytes", &[]),
        number(&node, "Memory size") * 1024.0
    );
    assert_eq!(
        m.must("libvirt_node_cpu_frequency_hertz", &[]),
        number(&node, "CPU frequency") * 1e6
    );
    // Overcommit view: the running guests' vCPUs and memory added up.
    let stats = domstats(QEMU, &["--list-running"]);
    let vcpus: f64 = stats.values().map(|s| num(&s["vcpu.current"])).sum();
    let mem: f64 = stats
        .values()
        .map(|s| num(&s["balloon.current"]) * 1024.0)
        .sum();
    assert_eq!(m.must("libvirt_node_domains_vcpus", &[]), vcpus);
    assert_eq!(m.must("libvirt_node_domains_memory_bytes", &[]), mem);
    let ver = virsh(QEMU, &["version", "--daemon"]);
    let last_word = |prefix: &str| {
        ver.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .unwrap_or_else(|| panic!("{prefix} not in virsh version: {ver}"))
            .to_string()
    };
    let lib = last_word("Using library");
    let expected = key(
        "libvirt_versions_info",
        &[
            ("driver", "QEMU"),
            ("hypervisor_version", &last_word("Running hypervisor")),
            ("daemon_version", &last_word("Running against daemon")),
            ("library_version", &lib),
        ],
    );
    assert_eq!(
        m.series.get(&expected),
        Some(&1.0),
        "{:?}",
        m.of("libvirt_versions_info")
    );
}

#[test]
fn optional_collectors_follow_their_flags() {
    let _lock = DaemonLock::shared();
    require_guests();
    let exp = Exporter::start(
        QEMU,
        &[
            "--no-collector.jobs",
            "--no-collector.host",
            "--collector.dirtyrate",
            "--collector.perf",
            "--collector.iothread",
        ],
    );
    exp.scrape();
    let flags = ["--dirtyrate", "--perf", "--iothread", "--list-running"];
    let before = domstats(QEMU, &flags);
    let m = exp.scrape();
    let after = domstats(QEMU, &flags);
    assert!(m.of("libvirt_domain_job_type").is_empty());
    assert!(m.of("libvirt_node_cpus").is_empty());
    let collectors: Vec<&str> = m
        .of("libvirt_exporter_scrape_collector_success")
        .iter()
        .map(|(k, _)| k.split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        collectors,
        [
            "dirtyrate",
            "domains",
            "iothread",
            "libvirt",
            "perf",
            "pools"
        ]
    );
    for dom in RUNNING {
        let (b, a) = (&before[dom], &after[dom]);
        let d = [("domain", dom)];
        assert_eq!(
            m.must("libvirt_domain_dirty_rate_calc_status", &d),
            num(&b["dirtyrate.calc_status"])
        );
        assert_eq!(
            m.must("libvirt_domain_dirty_rate_calc_period_seconds", &d),
            num(&b["dirtyrate.calc_period"])
        );
        assert_eq!(
            m.must("libvirt_domain_iothreads", &d),
            num(&b["iothread.count"])
        );
        let mut perf = 0;
        for (k, v) in b {
            if let Some(event) = k.strip_prefix("perf.") {
                let ours = m.must(
                    "libvirt_domain_perf_events_total",
                    &[("domain", dom), ("event", event)],
                );
                assert!(
                    ours >= num(v) && ours <= num(&a[k]),
                    "{dom} {k}: virsh {v}..{}, exporter {ours}",
                    a[k]
                );
                perf += 1;
            }
            let Some(rest) = k.strip_prefix("iothread.") else {
                continue;
            };
            let Some((id, field)) = rest.split_once('.') else {
                continue;
            };
            let labels = [("domain", dom), ("iothread", id)];
            let (metric, scale) = match field {
                "poll-max-ns" => ("libvirt_domain_iothread_poll_max_seconds", 1e-9),
                "poll-grow" => ("libvirt_domain_iothread_poll_grow", 1.0),
                "poll-shrink" => ("libvirt_domain_iothread_poll_shrink", 1.0),
                _ => panic!("unexpected iothread key {k}"),
            };
            assert_eq!(m.must(metric, &labels), num(v) * scale, "{dom} {k}");
        }
        assert_eq!(perf, 3, "{dom}: perf events enabled by the setup script");
    }
}

/// A transient guest of the test's own; destroyed on drop.
struct Guest(&'static str);

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = std::process::Command::new("virsh")
            .args(["-c", QEMU, "destroy", self.0])
            .output();
    }
}

#[test]
fn nics_without_target_names_never_duplicate_series() {
    // Exclusive: the other tests count domains, and this one adds one.
    let _lock = DaemonLock::exclusive();
    require_guests();
    let name = "lvx-nic-test";
    let _ = std::process::Command::new("virsh")
        .args(["-c", QEMU, "destroy", name])
        .output();
    let dir = tempdir();
    let xml = dir.join("nic-test.xml");
    // Two user-mode NICs have no host-side name; libvirt gives them MACs.
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory>\
             <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>\
             <features><acpi/></features><devices>\
             <interface type='user'><model type='virtio'/></interface>\
             <interface type='user'><model type='e1000'/></interface>\
             <memballoon model='none'/></devices></domain>"
        ),
    )
    .unwrap();
    virsh(QEMU, &["create", xml.to_str().unwrap()]);
    let _guest = Guest(name);
    let exp = Exporter::start(QEMU, &[]);
    let m = exp.scrape(); // Metrics::parse panics on any duplicate series
    let nics: Vec<(String, String)> = virsh(QEMU, &["domiflist", name])
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 5).then(|| (f[4].to_string(), f[3].to_string()))
        })
        .collect();
    assert_eq!(nics.len(), 2);
    let infos = m
        .of("libvirt_domain_interface_info")
        .into_iter()
        .filter(|(k, _)| k.contains(&format!("domain=\"{name}\"")))
        .count();
    assert_eq!(infos, 2);
    for (mac, model) in &nics {
        assert_eq!(
            m.get(
                "libvirt_domain_interface_info",
                &[
                    ("domain", name),
                    ("target_device", mac),
                    ("mac", mac),
                    ("type", "user"),
                    ("bridge", ""),
                    ("network", ""),
                    ("model", model),
                ]
            ),
            Some(1.0),
            "{mac}"
        );
    }
    // Hot-plugging a NIC fires a device event: the cached XML is dropped
    // and the next scrapes show the new NIC.
    let nic = dir.join("nic.xml");
    std::fs::write(
        &nic,
        "<interface type='user'><model type='virtio'/></interface>",
    )
    .unwrap();
    virsh(
        QEMU,
        &["attach-device", name, nic.to_str().unwrap(), "--live"],
    );
    let seen = wait_for(Duration::from_secs(10), || {
        let m = exp.scrape();
        let n = m
            .of("libvirt_domain_interface_info")
            .into_iter()
            .filter(|(k, _)| k.contains(&format!("domain=\"{name}\"")))
            .count();
        (n == 3).then_some(())
    });
    assert!(seen.is_some(), "hot-plugged NIC never showed up");
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("lvx-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

/// One keep-alive connection, many scrapes: only the body length is read.
fn scrape_many(addr: std::net::SocketAddr, n: usize) {
    use std::io::{BufRead, BufReader, Read, Write};
    let s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut body = Vec::new();
    for _ in 0..n {
        write!(w, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut len = None;
        let mut status = String::new();
        r.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "{status}");
        loop {
            let mut h = String::new();
            r.read_line(&mut h).unwrap();
            if h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse::<usize>().ok();
            }
        }
        let len = len.expect("content-length");
        body.resize(len, 0);
        r.read_exact(&mut body).unwrap();
    }
}

/// A test-driver node with `n` domains, written by the setup script's
/// generator into a temporary file.
fn small_node(n: usize) -> String {
    let out = run(
        scripts_dir().join("libvirt-test-node.sh").to_str().unwrap(),
        &[&n.to_string()],
    );
    let path = tempdir().join(format!("node-{n}.xml"));
    std::fs::write(&path, out).unwrap();
    format!("test://{}", path.display())
}

#[test]
fn rss_stays_flat_over_10000_scrapes() {
    // 50 domains through the bulk call and the per-domain fallback, with
    // every optional group on; in-process, so 10,000 scrapes take seconds.
    let uri = small_node(50);
    let exp = Exporter::start(
        &uri,
        &[
            "--collector.perf",
            "--collector.iothread",
            "--collector.dirtyrate",
            "--collector.nova",
        ],
    );
    scrape_many(exp.addr, 1000);
    let warm = rss_kib(exp.pid());
    scrape_many(exp.addr, 9000);
    let end = rss_kib(exp.pid());
    eprintln!("RSS after 1,000 scrapes: {warm} KiB; after 10,000: {end} KiB");
    // Leaking each scrape's stats records (what virt 0.5's all_domain_stats
    // does: about 1 KiB per domain and scrape here) would add ~400 MiB.
    assert!(
        end <= warm + 2048,
        "RSS grew from {warm} KiB to {end} KiB over 9,000 scrapes"
    );
    let m = exp.scrape();
    assert_eq!(m.must("libvirt_up", &[]), 1.0);
    assert_eq!(m.of("libvirt_domain_info").len(), 50);
}
