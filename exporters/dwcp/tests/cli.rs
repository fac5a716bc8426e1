//! Command-line errors of both binaries are clear and exit non-zero, and
//! `dwcp-loadgen` without `--exporter` serves its own `/metrics`.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dwcp_exporter::client;

/// Runs `bin` expecting exit code `code`; returns its stderr.
fn fails_with(code: i32, bin: &str, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}");
    String::from_utf8(out.stderr).unwrap()
}

/// Startup errors exit 1.
fn fails(bin: &str, args: &[&str]) -> String {
    fails_with(1, bin, args)
}

/// Flag syntax errors (clap) exit 2.
fn rejected(bin: &str, args: &[&str]) -> String {
    fails_with(2, bin, args)
}

#[test]
fn bad_flags_say_what_is_wrong() {
    let exp = env!("CARGO_BIN_EXE_dwcp-exporter");
    let port = common::free_tcp_port();
    let listen = format!("--web.listen-address=127.0.0.1:{port}");
    assert_eq!(
        fails(exp, &[&listen, "--series.max-per-metric=0"]),
        "dwcp-exporter: --series.max-per-metric must be at least 1\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-socket");
    std::fs::write(&file, "x").unwrap();
    let flag = format!("--ingest.unix-socket={}", file.display());
    assert_eq!(
        fails(exp, &[&listen, &flag]),
        format!(
            "dwcp-exporter: --ingest.unix-socket {0}: {0} exists and is not a socket\n",
            file.display()
        )
    );
    assert!(rejected(exp, &[&listen, "--series.ttl=0s"]).contains(
        "invalid value '0s' for '--series.ttl <DURATION>': \"0s\": must be greater than zero"
    ));
    let lg = env!("CARGO_BIN_EXE_dwcp-loadgen");
    assert!(rejected(lg, &["--image-size=3T"])
        .contains("unknown unit \"T\" (use K, M, G, KiB, MiB, GiB)"));
    assert_eq!(
        fails(lg, &["--exporter=http://127.0.0.1:1", "--streams=0"]),
        "dwcp-loadgen: --streams must be between 1 and 256\n"
    );
}

#[test]
fn loadgen_without_an_exporter_serves_its_own_metrics() {
    let port = common::free_tcp_port();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _lg = Kill(
        Command::new(env!("CARGO_BIN_EXE_dwcp-loadgen"))
            .args([
                "--migrations=2",
                "--image-size=1MiB",
                "--state-size=64K",
                "--streams=2",
                "--linger=20",
                "--log.level=warn",
                &format!("--web.listen-address=127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}/metrics");
    let deadline = Instant::now() + Duration::from_secs(20);
    let s = loop {
        if let Ok(r) = client::get(&url, &[], Duration::from_secs(2)) {
            let s = common::parse_samples(&r.body);
            let key = "dwcp_migration_duration_seconds_count{mode=\"standard\",vm_size=\"small\",result=\"success\"}";
            if s.get(key) == Some(&2.0) && s.get("dwcp_amst_streams_active") == Some(&0.0) {
                break s;
            }
        }
        assert!(
            Instant::now() < deadline,
            "loadgen metrics not complete within 20s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // Two rounds of 2 streams plus one federation stream each, plus the control stream.
    assert_eq!(s["dwcp_amst_streams_opened_total"], 7.0);
    assert_eq!(
        s["dwcp_hde_delta_misses_total{data_type=\"vm_memory\"}"],
        2.0
    );
    assert_eq!(s["dwcp_hde_delta_hits_total{data_type=\"vm_memory\"}"], 2.0);
    assert_eq!(
        s["dwcp_federation_sync_duration_seconds_count{peer_cluster=\"loopback-peer\"}"],
        2.0
    );
    assert_eq!(s["dwcp_component_health{component=\"migration\"}"], 1.0);
    let build = s
        .iter()
        .find(|(k, _)| k.starts_with("dwcp_loadgen_build_info{version=\"0.1.0\","))
        .map(|(_, v)| *v);
    assert_eq!(build, Some(1.0));
}

#[test]
fn sigterm_stops_cleanly_and_removes_the_unix_socket() {
    let mut p = common::Proc::start_with_datagrams(&[]);
    let sock = p.unix.clone().unwrap();
    assert!(sock.exists());
    let status = p.terminate();
    assert!(status.success(), "exit status {status}");
    assert!(!sock.exists(), "{} left behind", sock.display());
}
