//! Kills and freezes the real libvirtd under a running exporter. Holds the
//! exclusive daemon lock, and always leaves libvirtd running again.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn libvirtd_pid() -> Option<i32> {
    let pid: i32 = std::fs::read_to_string("/run/libvirtd.pid")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    (comm.trim() == "libvirtd").then_some(pid)
}

/// Starts the daemons again (idempotent) through the setup script.
fn start_daemons() {
    let out = std::process::Command::new("bash")
        .arg(scripts_dir().join("libvirt-setup.sh"))
        .env("LIBVIRT_NO_GUESTS", "1")
        .env("LIBVIRT_SKIP_APT", "1")
        .output()
        .expect("run libvirt-setup.sh");
    assert!(
        out.status.success(),
        "libvirt-setup.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Restores libvirtd when the test ends, even on failure.
struct Restore(Option<i32>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            // SAFETY: signalling the libvirtd we stopped.
            unsafe { libc::kill(pid, libc::SIGCONT) };
        }
        if libvirtd_pid().is_none() {
            start_daemons();
        }
    }
}

#[test]
fn exporter_survives_libvirtd_kill_and_reconnects() {
    let _lock = DaemonLock::exclusive();
    require_guests();
    let exp = Exporter::start(QEMU, &[]);
    let m = exp.scrape();
    assert_eq!(m.must("libvirt_up", &[]), 1.0);
    assert_eq!(m.must("libvirt_connection_reconnects_total", &[]), 0.0);
    assert_eq!(m.of("libvirt_domain_info").len(), 3);

    let pid = libvirtd_pid().expect("libvirtd is not running: run scripts/libvirt-setup.sh");
    let _restore = Restore(None);
    // SAFETY: signalling libvirtd (started by the setup script).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let gone = wait_for(Duration::from_secs(30), || {
        (!std::path::Path::new(&format!("/proc/{pid}")).exists()).then_some(())
    });
    assert!(gone.is_some(), "libvirtd did not exit within 30 s");

    for _ in 0..3 {
        let (status, body) = exp.get_metrics();
        let (hstatus, health) = http_get(exp.addr, "/health");
        assert_eq!(hstatus, 200, "{health}");
        assert!(health.contains("libvirt is unreachable"), "{health}");
        assert_eq!(status, 200, "{body}");
        let m = Metrics::parse(&body);
        assert_eq!(m.must("libvirt_up", &[]), 0.0);
        assert!(m.of("libvirt_domain_info").is_empty());
        assert_eq!(m.of("libvirt_exporter_build_info").len(), 1);
        assert_eq!(
            m.must(
                "libvirt_exporter_scrape_collector_success",
                &[("collector", "libvirt")]
            ),
            1.0
        );
    }

    start_daemons();
    let m = wait_for(Duration::from_secs(30), || {
        let (status, body) = exp.get_metrics();
        assert_eq!(status, 200, "{body}");
        let m = Metrics::parse(&body);
        (m.must("libvirt_up", &[]) == 1.0).then_some(m)
    })
    .expect("exporter did not reconnect within 30 s of libvirtd's restart");
    assert_eq!(m.must("libvirt_connection_reconnects_total", &[]), 1.0);
    assert_eq!(m.of("libvirt_domain_info").len(), 3);
    let (_, health) = http_get(exp.addr, "/health");
    assert!(health.contains("libvirt answers"), "{health}");
    for dom in RUNNING {
        assert!(m.must("libvirt_domain_cpu_time_seconds_total", &[("domain", dom)]) > 0.0);
    }
}

#[test]
fn frozen_libvirtd_hits_the_deadline_and_serves_last_good_values() {
    let _lock = DaemonLock::exclusive();
    require_guests();
    let exp = Exporter::start(QEMU, &["--scrape.timeout", "1s"]);
    exp.scrape();
    let before = exp.scrape();
    assert_eq!(before.must("libvirt_up", &[]), 1.0);
    let cpu = |m: &Metrics, dom: &str| {
        m.must("libvirt_domain_cpu_time_seconds_total", &[("domain", dom)])
    };

    let pid = libvirtd_pid().expect("libvirtd is not running: run scripts/libvirt-setup.sh");
    // SAFETY: freezing libvirtd; Restore sends SIGCONT even if we fail.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    let restore = Restore(Some(pid));
    let start = Instant::now();
    let (status, body) = exp.get_metrics();
    let took = start.elapsed();
    drop(restore);
    assert_eq!(status, 200, "{body}");
    assert!(took < Duration::from_secs(10), "scrape took {took:?}");
    let m = Metrics::parse(&body);
    assert_eq!(m.must("libvirt_up", &[]), 0.0);
    for dom in RUNNING.iter().chain([&SHUTOFF]) {
        assert_eq!(
            m.must("libvirt_domain_stats_partial", &[("domain", dom)]),
            1.0
        );
    }
    for dom in RUNNING {
        assert_eq!(
            cpu(&m, dom),
            cpu(&before, dom),
            "{dom}: not the last good value"
        );
    }

    let fresh = wait_for(Duration::from_secs(20), || {
        let m = exp.scrape();
        let ok = m.must("libvirt_up", &[]) == 1.0
            && m.must("libvirt_domain_stats_partial", &[("domain", "lvx-alpha")]) == 0.0;
        ok.then_some(m)
    })
    .expect("exporter did not recover after libvirtd was resumed");
    assert!(cpu(&fresh, "lvx-alpha") > cpu(&before, "lvx-alpha"));
    assert_eq!(fresh.must("libvirt_connection_reconnects_total", &[]), 0.0);
}
