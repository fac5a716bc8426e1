//! Probes against real loopback servers with controlled behaviour: each
//! failure phase reports its reason, and after N probes with a known failure
//! pattern the counters and histogram buckets hold exactly the expected values.

mod common;

use std::path::Path;
use std::time::Duration;

use exporter_kit::{Collector, Format, MetricWriter};
use sla_exporter::config::{self, Config};
use sla_exporter::probe::{self, Outcome, Reason};
use sla_exporter::state::{ProbeMetrics, TargetState};
use std::sync::Arc;

const MODULES: &str = r#"
modules:
  http_2xx:
    prober: http
  no_redirects:
    prober: http
    http: {follow_redirects: false}
  only_404:
    prober: http
    http: {valid_status_codes: [404]}
  body_has_version:
    prober: http
    http: {fail_if_body_not_matches_regexp: ['version \d+\.\d+']}
  body_no_hello:
    prober: http
    http: {fail_if_body_matches_regexp: ['hello']}
  post_json:
    prober: http
    http: {method: POST, body: '{"a":1}', headers: {Content-Type: application/json}}
  tls_verify:
    prober: http
  tls_insecure:
    prober: http
    http: {tls: {insecure_skip_verify: true}}
  tcp_connect:
    prober: tcp
  tcp_http_ok:
    prober: tcp
    tcp: {send: "GET /ok HTTP/1.0\r\n\r\n", expect: "^HTTP/1.1 200"}
  tcp_http_404:
    prober: tcp
    tcp: {send: "GET /ok HTTP/1.0\r\n\r\n", expect: "^HTTP/1.1 404"}
  health_all:
    prober: health
  health_db:
    prober: health
    health: {checks: [database]}
"#;

/// A config with one target per `(name, url, module, extra)` row.
fn config(rows: &[(&str, String, &str, &str)]) -> Config {
    let mut text = format!("{MODULES}targets:\n");
    for (name, url, module, extra) in rows {
        // 1 s unless the row sets its own timeout.
        let timeout = if extra.contains("timeout") {
            ""
        } else {
            ", timeout: 1s"
        };
        text.push_str(&format!(
            "  - {{name: {name}, target: \"{url}\", module: {module}{timeout}{extra}}}\n"
        ));
    }
    config::parse(&text, "test.yml", Path::new(".")).unwrap_or_else(|e| panic!("{e}"))
}

async fn probe_once(cfg: &Config, i: usize) -> Outcome {
    let t = &cfg.targets[i];
    probe::run(&t.module, &t.address, t.timeout).await
}

fn reason(o: &Outcome) -> Option<Reason> {
    o.failure.as_ref().map(|f| f.0)
}

fn scrape(m: &ProbeMetrics) -> String {
    let mut w = MetricWriter::new(Format::Text, Vec::new());
    m.collect(&mut w).unwrap();
    String::from_utf8(w.into_inner()).unwrap()
}

#[tokio::test]
async fn each_phase_reports_its_own_reason() {
    let srv = common::start().await;
    let tls = common::start_with(Some(common::tls_server((2031, 7, 15)))).await;
    let https = |p: &str| format!("https://127.0.0.1:{}{p}", tls.addr.port());
    let closed = common::closed_port();
    let cases: Vec<(&str, String, &str, Option<Reason>)> = vec![
        ("ok", srv.url("/ok"), "http_2xx", None),
        ("redirect followed", srv.url("/redirect"), "http_2xx", None),
        (
            "redirect not followed",
            srv.url("/redirect"),
            "no_redirects",
            Some(Reason::Status),
        ),
        (
            "redirect loop",
            srv.url("/redirect-loop"),
            "http_2xx",
            Some(Reason::Status),
        ),
        (
            "500",
            srv.url("/status/500"),
            "http_2xx",
            Some(Reason::Status),
        ),
        ("404 expected", srv.url("/status/404"), "only_404", None),
        (
            "200 not expected",
            srv.url("/ok"),
            "only_404",
            Some(Reason::Status),
        ),
        (
            "body must match",
            srv.url("/body"),
            "body_has_version",
            None,
        ),
        (
            "body must match, does not",
            srv.url("/ok"),
            "body_has_version",
            Some(Reason::Body),
        ),
        (
            "body must not match, does",
            srv.url("/body"),
            "body_no_hello",
            Some(Reason::Body),
        ),
        ("post", srv.url("/ok"), "post_json", None),
        ("hang", srv.url("/hang"), "http_2xx", Some(Reason::Timeout)),
        (
            "refused",
            format!("http://127.0.0.1:{closed}/"),
            "http_2xx",
            Some(Reason::Connect),
        ),
        (
            "reset before response",
            srv.url("/reset"),
            "http_2xx",
            Some(Reason::Connect),
        ),
        (
            "reset mid-body",
            srv.url("/reset-body"),
            "http_2xx",
            Some(Reason::Body),
        ),
        (
            "dns",
            "http://no-such-host.invalid/".into(),
            "http_2xx",
            Some(Reason::Dns),
        ),
        (
            "self-signed, verified",
            https("/ok"),
            "tls_verify",
            Some(Reason::Tls),
        ),
        ("self-signed, insecure", https("/ok"), "tls_insecure", None),
        (
            "plain http to tls port",
            format!("http://127.0.0.1:{}/ok", tls.addr.port()),
            "http_2xx",
            Some(Reason::Connect),
        ),
        ("tcp connect", srv.addr.to_string(), "tcp_connect", None),
        (
            "tcp refused",
            format!("127.0.0.1:{closed}"),
            "tcp_connect",
            Some(Reason::Connect),
        ),
        ("tcp expect", srv.addr.to_string(), "tcp_http_ok", None),
        (
            "tcp expect mismatch",
            srv.addr.to_string(),
            "tcp_http_404",
            Some(Reason::Body),
        ),
    ];
    let rows: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(i, (what, url, m, _))| {
            let name: &str = Box::leak(format!("t{i}").into_boxed_str());
            // A slow resolver must still answer "dns", not "timeout".
            let extra = if *what == "dns" {
                ", interval: 5s, timeout: 5s"
            } else {
                ""
            };
            (name, url.clone(), *m, extra)
        })
        .collect();
    let cfg = config(&rows);
    // All at once: the hanging one must not hold up the others.
    let outcomes = futures_join_all(
        cfg.targets
            .iter()
            .cloned()
            .map(|t| async move { probe::run(&t.module, &t.address, t.timeout).await }),
    )
    .await;
    let mut wrong = Vec::new();
    for ((name, _, _, want), o) in cases.iter().zip(&outcomes) {
        if reason(o) != *want {
            wrong.push(format!("{name}: want {want:?}, got {:?}", o.failure));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let insecure = &outcomes[17];
    assert_eq!(
        insecure.cert_expiry,
        Some(1_941_840_000),
        "2031-07-15T00:00:00Z"
    );
    assert_eq!(insecure.status_code, 200);
    assert_eq!(outcomes[1].redirects, 1);
    assert_eq!(outcomes[3].redirects, 10);
    assert!(outcomes[8].failed_due_to_regex && outcomes[9].failed_due_to_regex);
    let hang = &outcomes[11];
    assert!(
        hang.duration >= Duration::from_secs(1),
        "{:?}",
        hang.duration
    );
    assert_eq!(srv.state.hits("/hang").len(), 1);
}

/// `join_all` without pulling in the futures crate.
async fn futures_join_all<F: std::future::Future<Output = Outcome> + Send + 'static>(
    it: impl Iterator<Item = F>,
) -> Vec<Outcome> {
    let handles: Vec<_> = it.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn failure_pattern_gives_exact_counters_and_buckets() {
    let srv = common::start().await;
    let cfg = config(&[(
        "seq",
        srv.url("/seq"),
        "http_2xx",
        ", labels: {service: api, tier: critical}, buckets: [0.1, 0.25, 1]",
    )]);
    let t = &cfg.targets[0];
    let state = Arc::new(TargetState::new(t));
    let metrics = ProbeMetrics::default();
    metrics.set_targets(vec![state.clone()]);
    // 10 probes; per 5: 500, slow (150 ms) 200, then three fast 200s.
    let mut slow_sum = 0.0;
    for i in 0..10 {
        let o = probe_once(&cfg, 0).await;
        if i % 5 == 1 {
            slow_sum += o.duration.as_secs_f64();
        }
        state.record(&o, 1_700_000_000.0 + i as f64);
    }
    assert_eq!(state.probes(), 10);
    assert_eq!(state.failures(Reason::Status), 2);
    assert_eq!(state.cumulative_buckets(), [6, 8, 8, 8]);
    let text = scrape(&metrics);
    let l = r#"target="seq",module="http_2xx",service="api",component="",tier="critical""#;
    assert_eq!(
        common::lines_with(&text, "sla_probes_total"),
        [format!("sla_probes_total{{{l}}} 10")]
    );
    assert_eq!(
        common::lines_with(&text, "sla_probe_failures_total"),
        ["timeout", "dns", "connect", "tls", "status", "body"]
            .iter()
            .map(|r| format!(
                "sla_probe_failures_total{{{l},reason=\"{r}\"}} {}",
                if *r == "status" { 2 } else { 0 }
            ))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        common::lines_with(&text, "sla_probe_duration_seconds_bucket"),
        [
            format!("sla_probe_duration_seconds_bucket{{{l},le=\"0.1\"}} 6"),
            format!("sla_probe_duration_seconds_bucket{{{l},le=\"0.25\"}} 8"),
            format!("sla_probe_duration_seconds_bucket{{{l},le=\"1.0\"}} 8"),
            format!("sla_probe_duration_seconds_bucket{{{l},le=\"+Inf\"}} 8"),
        ]
    );
    assert_eq!(
        common::lines_with(&text, "sla_probe_duration_seconds_count"),
        [format!("sla_probe_duration_seconds_count{{{l}}} 8")]
    );
    let sum: f64 = common::lines_with(&text, "sla_probe_duration_seconds_sum")[0]
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        sum >= slow_sum && sum >= 0.3,
        "sum {sum} covers the two slow probes"
    );
    // The last probe (#9) succeeded at t0+9; #5 failed.
    assert_eq!(
        common::lines_with(&text, "sla_probe_success"),
        [format!("sla_probe_success{{{l}}} 1")]
    );
    assert_eq!(
        common::lines_with(&text, "sla_probe_last_success_timestamp_seconds"),
        [format!(
            "sla_probe_last_success_timestamp_seconds{{{l}}} 1700000009"
        )]
    );
    assert_eq!(srv.state.seq.load(std::sync::atomic::Ordering::SeqCst), 10);
}

#[tokio::test]
async fn health_checks_are_exported_per_check() {
    let srv = common::start().await;
    let cfg = config(&[
        ("all", srv.url("/health"), "health_all", ""),
        ("db", srv.url("/health"), "health_db", ""),
    ]);
    let states: Vec<_> = cfg
        .targets
        .iter()
        .map(|t| Arc::new(TargetState::new(t)))
        .collect();
    let metrics = ProbeMetrics::default();
    metrics.set_targets(states.clone());
    let run = |i: usize| {
        let cfg = cfg.clone();
        let st = states[i].clone();
        async move {
            let o = probe_once(&cfg, i).await;
            st.record(&o, 1.0);
            o
        }
    };
    // 1: all healthy. 2: cache degraded (503 as the kit answers degraded? no: 200).
    // 3: database unhealthy with 503. 4: unreachable body.
    let bodies = [
        (
            200,
            r#"{"status":"healthy","checks":{"database":{"status":"healthy"},"cache":{"status":"healthy"}}}"#,
        ),
        (
            200,
            r#"{"status":"degraded","checks":{"database":{"status":"healthy"},"cache":{"status":"degraded"}}}"#,
        ),
        (
            503,
            r#"{"status":"unhealthy","checks":{"database":{"status":"unhealthy"},"cache":{"status":"healthy"}}}"#,
        ),
        (500, "<html>oops</html>"),
    ];
    let mut verdicts = Vec::new();
    for (code, body) in bodies {
        srv.state.set_health(code, body);
        verdicts.push((reason(&run(0).await), reason(&run(1).await)));
    }
    assert_eq!(
        verdicts,
        [
            (None, None),
            (Some(Reason::Check), None),
            (Some(Reason::Check), Some(Reason::Check)),
            (Some(Reason::Status), Some(Reason::Status)),
        ]
    );
    assert_eq!(states[0].failures(Reason::Check), 2);
    assert_eq!(states[1].failures(Reason::Check), 1);
    // After the third body, checks as reported; then the 500 leaves only the
    // named check of `db`, at 0.
    srv.state.set_health(200, bodies[1].1);
    run(0).await;
    run(1).await;
    let text = scrape(&metrics);
    let l =
        |t: &str, m: &str| format!(r#"target="{t}",module="{m}",service="",component="",tier="""#);
    assert_eq!(
        common::lines_with(&text, "sla_health_check_status"),
        [
            format!(
                "sla_health_check_status{{{},check=\"cache\"}} 0.5",
                l("all", "health_all")
            ),
            format!(
                "sla_health_check_status{{{},check=\"database\"}} 1",
                l("all", "health_all")
            ),
            format!(
                "sla_health_check_status{{{},check=\"database\"}} 1",
                l("db", "health_db")
            ),
        ]
    );
    srv.state.set_health(500, "nope");
    run(1).await;
    let text = scrape(&metrics);
    assert!(text.contains(&format!(
        "sla_health_check_status{{{},check=\"database\"}} 0\n",
        l("db", "health_db")
    )));
}

#[tokio::test]
async fn tls_expiry_is_exported_for_https_targets() {
    let tls = common::start_with(Some(common::tls_server((2030, 1, 2)))).await;
    let cfg = config(&[(
        "secure",
        format!("https://localhost:{}/ok", tls.addr.port()),
        "tls_insecure",
        "",
    )]);
    let st = Arc::new(TargetState::new(&cfg.targets[0]));
    let m = ProbeMetrics::default();
    m.set_targets(vec![st.clone()]);
    let o = probe_once(&cfg, 0).await;
    assert!(o.success(), "{:?}", o.failure);
    st.record(&o, 1.0);
    assert_eq!(
        common::lines_with(&scrape(&m), "sla_tls_cert_expiry_timestamp_seconds"),
        [
            r#"sla_tls_cert_expiry_timestamp_seconds{target="secure",module="tls_insecure",service="",component="",tier=""} 1893542400"#
        ]
    );
}
