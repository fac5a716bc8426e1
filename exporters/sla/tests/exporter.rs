//! The exporter end to end on loopback: the schedule (a hanging target does
//! not delay a healthy one), `/metrics`, the blackbox-compatible `/probe`,
//! and reloading (a bad config is rejected with its line; the old one stays).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sla_exporter::app::App;
use sla_exporter::config;
use sla_exporter::probe::Reason;

const MODULES: &str = "modules:
  http_2xx:
    prober: http
  health_json:
    prober: health
";

fn write(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_targets_do_not_delay_a_healthy_one() {
    let srv = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sla.yml");
    let mut text = format!(
        "{MODULES}targets:\n  - {{name: healthy, target: \"{}\", module: http_2xx, interval: 1s, timeout: 1s}}\n",
        srv.url("/ok")
    );
    for i in 0..20 {
        text.push_str(&format!(
            "  - {{name: hang{i}, target: \"{}\", module: http_2xx, interval: 1s, timeout: 1s}}\n",
            srv.url("/hang")
        ));
    }
    write(&file, &text);
    let cfg = config::load(&file).unwrap();
    let app = App::start(cfg, file.clone(), 512);
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let healthy = app.scheduler.state("healthy").unwrap();
    let hits = srv.state.hits("/ok");
    let gaps: Vec<f64> = hits
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect();
    let worst = gaps.iter().map(|g| (g - 1.0).abs()).fold(0.0, f64::max);
    println!(
        "healthy target: {} probes, gaps {gaps:?}, worst deviation from 1 s: {:.1} ms",
        hits.len(),
        worst * 1000.0
    );
    // Four due times fall within 4.5 s whatever the name's offset (< 1 s).
    assert!(
        hits.len() >= 4,
        "healthy target probed {} times",
        hits.len()
    );
    assert_eq!(healthy.failures(Reason::Timeout), 0);
    assert_eq!(
        healthy.probes(),
        hits.len() as u64,
        "every request became one counted, successful probe"
    );
    // A healthy probe held behind a hanging one (1 s timeout) would show a
    // gap of 2 s or more.
    assert!(gaps.iter().all(|g| *g < 1.5), "gaps {gaps:?}");
    let mut hang_probes = 0;
    for i in 0..20 {
        let s = app.scheduler.state(&format!("hang{i}")).unwrap();
        assert_eq!(s.failures(Reason::Timeout), s.probes(), "hang{i}");
        hang_probes += s.probes();
    }
    assert!(
        hang_probes >= 20 * 3,
        "every hanging target timed out on schedule: {hang_probes}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_metrics_and_probe_and_reloads_safely() {
    let srv = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sla.yml");
    let one = format!(
        "{MODULES}targets:\n  - {{name: web, target: \"{}\", module: http_2xx, interval: 1s, labels: {{service: web}}}}\n",
        srv.url("/ok")
    );
    write(&file, &one);
    let (app, running, addr) = common::serve_app(&file, 64).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;

    let (code, m) = common::http(addr, "GET", "/metrics").await;
    assert_eq!(code, 200);
    assert_eq!(
        common::lines_with(&m, "sla_exporter_targets "),
        ["sla_exporter_targets 1"]
    );
    assert_eq!(
        common::lines_with(&m, "sla_exporter_config_last_reload_successful "),
        ["sla_exporter_config_last_reload_successful 1"]
    );
    assert!(m.contains("sla_exporter_build_info{"), "{m}");
    assert!(m.contains("\nprocess_start_time_seconds "), "{m}");
    assert!(m.contains(
        "sla_probe_success{target=\"web\",module=\"http_2xx\",service=\"web\",component=\"\",tier=\"\"} 1\n"
    ), "{m}");

    // Blackbox-compatible /probe.
    let enc = |u: String| u.replace(':', "%3A").replace('/', "%2F");
    let (code, p) = common::http(
        addr,
        "GET",
        &format!("/probe?module=http_2xx&target={}", enc(srv.url("/ok"))),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        common::lines_with(&p, "probe_success "),
        ["probe_success 1"]
    );
    assert_eq!(
        common::lines_with(&p, "probe_http_status_code "),
        ["probe_http_status_code 200"]
    );
    let (_, p) = common::http(
        addr,
        "GET",
        &format!("/probe?target={}", enc(srv.url("/status/500"))),
    )
    .await;
    assert_eq!(
        common::lines_with(&p, "probe_success "),
        ["probe_success 0"]
    );
    assert_eq!(
        common::lines_with(&p, "probe_http_status_code "),
        ["probe_http_status_code 500"]
    );
    let (code, p) = common::http(addr, "GET", "/probe?module=http_2xx").await;
    assert_eq!((code, p.as_str()), (400, "Target parameter is missing\n"));
    let (code, p) = common::http(addr, "GET", "/probe?module=nope&target=x").await;
    assert_eq!((code, p.as_str()), (400, "Unknown module \"nope\"\n"));

    // A bad config is rejected with its line; the running one stays.
    let web_state = app.scheduler.state("web").unwrap();
    write(
        &file,
        &format!(
            "{MODULES}targets:\n  - {{name: web, target: x, module: http_2xx, interval: 100ms}}\n"
        ),
    );
    let (code, body) = common::http(addr, "POST", "/-/reload").await;
    assert_eq!(code, 400);
    let f = file.display();
    assert_eq!(
        body,
        format!(
            "reload failed, previous configuration kept:\n\
             {f}:7:25: error: target \"web\": \"x\" does not start with http:// or https://\n  \
             help: http and health targets are URLs like http://127.0.0.1:8080/health\n\
             {f}:7:56: error: interval 100ms is below the minimum of 1s\n"
        )
    );
    let (_, m) = common::http(addr, "GET", "/metrics").await;
    assert_eq!(
        common::lines_with(&m, "sla_exporter_config_last_reload_successful "),
        ["sla_exporter_config_last_reload_successful 0"]
    );
    assert_eq!(
        common::lines_with(&m, "sla_exporter_targets "),
        ["sla_exporter_targets 1"]
    );
    assert_eq!(app.config().targets[0].name, "web");

    // A good config: the unchanged target keeps its counters, the new one starts.
    let two = format!(
        "{one}  - {{name: health, target: \"{}\", module: health_json, interval: 1s}}\n",
        srv.url("/health")
    );
    write(&file, &two);
    let (code, body) = common::http(addr, "POST", "/-/reload").await;
    assert_eq!((code, body.as_str()), (200, "reloaded\n"));
    assert!(Arc::ptr_eq(
        &web_state,
        &app.scheduler.state("web").unwrap()
    ));
    let (_, m) = common::http(addr, "GET", "/metrics").await;
    assert_eq!(
        common::lines_with(&m, "sla_exporter_targets "),
        ["sla_exporter_targets 2"]
    );
    assert_eq!(
        common::lines_with(&m, "sla_exporter_config_last_reload_successful "),
        ["sla_exporter_config_last_reload_successful 1"]
    );
    running.shutdown().await;
}

fn sum_of(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_beyond_the_concurrency_limit_are_skipped_and_counted() {
    let srv = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sla.yml");
    let mut text = format!("{MODULES}targets:\n");
    for i in 0..3 {
        text.push_str(&format!(
            "  - {{name: hang{i}, target: \"{}\", module: http_2xx, interval: 1s, timeout: 1s}}\n",
            srv.url("/hang")
        ));
    }
    write(&file, &text);
    // One probe at a time; each hangs for its whole 1 s timeout.
    let (_app, running, addr) = common::serve_app(&file, 1).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let (_, m) = common::http(addr, "GET", "/metrics").await;
    let probes = sum_of(&m, "sla_probes_total");
    let skipped = sum_of(&m, "sla_exporter_probes_skipped_total");
    let in_flight = sum_of(&m, "sla_exporter_probes_in_flight");
    println!("probes {probes}, skipped {skipped}, in flight {in_flight}");
    assert!(
        probes <= 4.0,
        "one permit allows one 1 s probe at a time: {probes}"
    );
    assert_eq!(
        probes,
        sum_of(&m, "sla_probe_failures_total"),
        "all timed out"
    );
    assert!(skipped >= 2.0, "{skipped}");
    assert!(in_flight <= 1.0, "{in_flight}");
    assert!(srv.state.hits("/hang").len() <= 4);
    running.shutdown().await;
}
