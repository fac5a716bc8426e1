//! The `sla-exporter` binary's command-line contract.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sla-exporter");

/// Runs `sla-exporter --config.check --config.file FILE`.
fn config_check(file: impl AsRef<std::ffi::OsStr>) -> std::process::Output {
    Command::new(BIN)
        .args(["--config.check", "--config.file"])
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn config_check_exits_zero_on_a_valid_file_and_names_the_line_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yml");
    std::fs::write(
        &good,
        "modules:\n  tcp:\n    prober: tcp\ntargets:\n  - {name: db, target: \"127.0.0.1:5432\", module: tcp}\n",
    )
    .unwrap();
    let out = config_check(&good);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}: OK (1 modules, 1 targets)\n", good.display())
    );

    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "modules:\n  tcp:\n    prober: tcp\ntargets:\n  - name: db\n    target: \"127.0.0.1\"\n    module: tcp\n",
    )
    .unwrap();
    let out = config_check(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}:6:13: error: target \"db\": \"127.0.0.1\" is not host:port\n  \
             help: tcp targets look like 127.0.0.1:5432 or db.example:5432\n",
            bad.display()
        )
    );

    let out = config_check("/nonexistent/sla.yml");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("/nonexistent/sla.yml: error: cannot read: "));
}

#[test]
fn the_example_config_passes_the_check() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs/sla/example.yml");
    let out = config_check(example);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_rulegen_generated_config_passes_the_check() {
    let generated = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../configs/sla/sla-exporter.yml"
    );
    let out = config_check(generated);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Kills the child process when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// Polls `/metrics` until `line` shows up (at most 15 s).
fn wait_for_line(addr: &str, line: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(m) = get(addr, "/metrics") {
            if m.lines().any(|l| l == line) {
                return m;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {line:?} on /metrics"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn binary_serves_metrics_and_reloads_on_sighup() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp = listener.local_addr().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sla.yml");
    let target = |name: &str| {
        format!("  - {{name: {name}, target: \"{tcp}\", module: tcp, interval: 1s}}\n")
    };
    let head = "modules:\n  tcp:\n    prober: tcp\ntargets:\n";
    std::fs::write(&file, format!("{head}{}", target("a"))).unwrap();
    let mut child = Killed(
        Command::new(BIN)
            .arg("--config.file")
            .arg(&file)
            .args(["--web.listen-address", &addr, "--log.level", "error"])
            .spawn()
            .unwrap(),
    );
    let m = wait_for_line(&addr, "sla_exporter_targets 1");
    assert!(m.contains("\nprocess_start_time_seconds "), "{m}");
    wait_for_line(
        &addr,
        "sla_probe_success{target=\"a\",module=\"tcp\",service=\"\",component=\"\",tier=\"\"} 1",
    );
    let hup = |c: &Killed| {
        let ok = Command::new("kill")
            .args(["-HUP", &c.0.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    std::fs::write(&file, format!("{head}{}{}", target("a"), target("b"))).unwrap();
    hup(&child);
    wait_for_line(&addr, "sla_exporter_targets 2");
    std::fs::write(&file, format!("{head}  - {{name: c}}\n")).unwrap();
    hup(&child);
    let m = wait_for_line(&addr, "sla_exporter_config_last_reload_successful 0");
    assert!(
        m.lines().any(|l| l == "sla_exporter_targets 2"),
        "old config kept"
    );
    // SIGTERM: graceful exit with status 0.
    let ok = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no exit after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    drop(listener);
}
