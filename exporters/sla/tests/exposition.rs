//! Our `/metrics` and `/probe` output, with every family populated, passes
//! Prometheus' own linter (`promtool check metrics`).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

const PROMTOOL: &str = "/usr/bin/promtool";

fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new(PROMTOOL)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), msg)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_pass_promtool_check_metrics() {
    assert!(
        std::path::Path::new(PROMTOOL).exists(),
        "{PROMTOOL} is missing: install the Debian package prometheus (listed in scripts/deps.d/sla.list)"
    );
    let srv = common::start().await;
    let tls = common::start_with(Some(common::tls_server((2031, 7, 15)))).await;
    srv.state.set_health(
        200,
        r#"{"status":"degraded","checks":{"database":{"status":"healthy"},"cache":{"status":"degraded"}}}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sla.yml");
    std::fs::write(
        &file,
        format!(
            "modules:
  http_2xx: {{prober: http}}
  tls: {{prober: http, http: {{tls: {{insecure_skip_verify: true}}}}}}
  health: {{prober: health}}
  tcp: {{prober: tcp}}
targets:
  - {{name: ok, target: \"{ok}\", module: http_2xx, interval: 1s, labels: {{service: a, component: b, tier: c}}}}
  - {{name: bad, target: \"{bad}\", module: http_2xx, interval: 1s, buckets: [0.1, 1]}}
  - {{name: tls, target: \"https://127.0.0.1:{tls}/ok\", module: tls, interval: 1s}}
  - {{name: health, target: \"{health}\", module: health, interval: 1s}}
  - {{name: tcp, target: \"{tcp}\", module: tcp, interval: 1s}}
",
            ok = srv.url("/ok"),
            bad = srv.url("/status/500"),
            tls = tls.addr.port(),
            health = srv.url("/health"),
            tcp = srv.addr,
        ),
    )
    .unwrap();
    let (_app, running, addr) = common::serve_app(&file, 16).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (code, m) = common::http(addr, "GET", "/metrics").await;
    assert_eq!(code, 200);
    // Every SLI family is present.
    for family in metric_defs::sla::CATALOG.metrics {
        if family.name.starts_with("probe_") {
            continue;
        }
        let name = family.series_names()[0].clone();
        assert!(m.contains(&format!("\n{name}")), "{name} missing:\n{m}");
    }
    let (ok, msg) = promtool_check(&m);
    assert!(ok && msg.trim().is_empty(), "promtool: {msg}");

    let enc = srv.url("/ok").replace(':', "%3A").replace('/', "%2F");
    let (_, p) = common::http(addr, "GET", &format!("/probe?target={enc}")).await;
    let (ok, msg) = promtool_check(&p);
    assert!(ok && msg.trim().is_empty(), "promtool on /probe: {msg}");
    running.shutdown().await;
}
