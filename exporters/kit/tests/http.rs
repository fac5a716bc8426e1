//! An exporter built on the kit, served on a free loopback port and checked
//! over real HTTP(S): formats, gzip, health, landing page, build info, TLS,
//! client certificates, basic auth and web-config reloads.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use exporter_kit::live::Registry;
use exporter_kit::{
    CollectError, Collector, Exporter, ExporterInfo, MetricWriter, Status, WebArgs,
};
use metric_defs::{MetricDef, SelfMetrics, Unit};
use openmetrics_parser::{MetricNumber, OpenMetricsValue, PrometheusValue};
use reqwest::StatusCode;

static SELF: SelfMetrics = metric_defs::self_metrics!("demo_exporter");
static EVENTS: MetricDef =
    MetricDef::counter("demo_events_total", "Events seen.", &["kind"], Unit::None);
static LAT: MetricDef = MetricDef::histogram(
    "demo_latency_seconds",
    "Latency.",
    &["kind"],
    Unit::Seconds,
    &[0.1, 0.5, 1.0],
);
static BROKEN: MetricDef = MetricDef::gauge("demo_broken", "Never shown.", &[], Unit::None);

static DEMO: ExporterInfo = ExporterInfo {
    namespace: "demo_exporter",
    name: "Demo exporter",
    version: "1.2.3",
    self_metrics: &SELF,
    default_listen: "127.0.0.1:0",
};

/// A collector that writes a sample and then fails: its output must vanish.
struct Failing;
impl Collector for Failing {
    fn name(&self) -> &'static str {
        "failing"
    }
    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        w.family(&BROKEN).sample(&[], 1.0);
        Err(CollectError::new("backend unreachable"))
    }
}

struct Demo {
    running: exporter_kit::Running,
    health: exporter_kit::Health,
    base: String,
}

async fn start(config: Option<&Path>) -> Demo {
    let reg = Registry::new("demo");
    let events = reg.counter(&EVENTS);
    events.with_labels(&["read"]).unwrap().inc_by(42);
    events.with_labels(&["we\"ird\\"]).unwrap().inc();
    let lat = reg.histogram(&LAT).with_labels(&["read"]).unwrap();
    for v in [0.05, 0.2, 0.7, 3.0] {
        lat.observe(v);
    }
    let mut e = Exporter::new(DEMO);
    e.add_collector(Arc::new(reg));
    e.add_collector(Arc::new(Failing));
    let health = e.health();
    health.set("backend", Status::Healthy, "connected");
    let mut args = WebArgs::listen_on("127.0.0.1:0");
    args.config_file = config.map(Path::to_path_buf);
    let running = e.start(&args).await.expect("exporter starts");
    let base = format!("127.0.0.1:{}", running.addrs[0].port());
    Demo {
        running,
        health,
        base,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn num(n: &MetricNumber) -> f64 {
    n.as_f64()
}

fn labels(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn text_openmetrics_gzip_and_collector_isolation() {
    let d = start(None).await;
    let c = client();
    let url = format!("http://{}/metrics", d.base);

    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let body = r.text().await.unwrap();
    let parsed =
        openmetrics_parser::prometheus::parse_prometheus(&body).expect("valid text format");
    let ev = &parsed.families["demo_events_total"];
    match &ev
        .get_sample_by_label_values(&labels(&["read"]))
        .unwrap()
        .value
    {
        PrometheusValue::Counter(c) => assert_eq!(num(&c.value), 42.0),
        v => panic!("not a counter: {v:?}"),
    }
    // The parser keeps label values as escaped on the wire.
    match &ev
        .get_sample_by_label_values(&labels(&[r#"we\"ird\\"#]))
        .unwrap()
        .value
    {
        PrometheusValue::Counter(c) => assert_eq!(num(&c.value), 1.0),
        v => panic!("not a counter: {v:?}"),
    }
    match &parsed.families["demo_latency_seconds"]
        .get_sample_by_label_values(&labels(&["read"]))
        .unwrap()
        .value
    {
        PrometheusValue::Histogram(h) => {
            let counts: Vec<f64> = h.buckets.iter().map(|b| num(&b.count)).collect();
            assert_eq!(counts, [1.0, 2.0, 3.0, 4.0]);
            assert_eq!(h.sum.as_ref().map(num), Some(3.95));
        }
        v => panic!("not a histogram: {v:?}"),
    }
    assert!(
        body.contains("demo_exporter_build_info{version=\"1.2.3\",revision=\""),
        "{body}"
    );
    assert!(body.contains("demo_exporter_scrape_collector_success{collector=\"demo\"} 1\n"));
    assert!(body.contains("demo_exporter_scrape_collector_success{collector=\"failing\"} 0\n"));
    assert!(
        !body.contains("demo_broken"),
        "a failed collector's output is discarded"
    );
    for f in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        assert!(parsed.families.contains_key(f), "missing {f}");
    }

    let r = c
        .get(&url)
        .header(
            "Accept",
            "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let om = r.text().await.unwrap();
    assert!(om.ends_with("# EOF\n"));
    let parsed =
        openmetrics_parser::openmetrics::parse_openmetrics(&om).expect("valid OpenMetrics");
    let ev = &parsed.families["demo_events"];
    match &ev
        .get_sample_by_label_values(&labels(&["read"]))
        .unwrap()
        .value
    {
        OpenMetricsValue::Counter(c) => assert_eq!(num(&c.value), 42.0),
        v => panic!("not a counter: {v:?}"),
    }
    assert_eq!(
        parsed.families["process_resident_memory_bytes"].unit,
        "bytes"
    );
    match &parsed.families["demo_latency_seconds"]
        .get_sample_by_label_values(&labels(&["read"]))
        .unwrap()
        .value
    {
        OpenMetricsValue::Histogram(h) => assert_eq!(h.count, Some(4)),
        v => panic!("not a histogram: {v:?}"),
    }

    let r = c
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz = r.bytes().await.unwrap();
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert!(plain.contains("demo_events_total{kind=\"read\"} 42\n"));
    assert!(gz.len() < plain.len());
    d.running.shutdown().await;
}

#[tokio::test]
async fn health_landing_and_bad_requests() {
    let d = start(None).await;
    let c = client();
    let get = |p: &str| c.get(format!("http://{}{p}", d.base)).send();

    let r = get("/health").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["status"], "healthy");
    assert_eq!(j["checks"]["backend"]["message"], "connected");
    assert_eq!(get("/health/live").await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/health/ready").await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/-/healthy").await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        get("/-/ready").await.unwrap().text().await.unwrap(),
        "Demo exporter is Ready.\n"
    );

    d.health
        .set("backend", Status::Unhealthy, "connection refused");
    d.health.set_check("cache", Status::Degraded, "slow", false);
    let r = get("/health").await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["status"], "unhealthy");
    assert_eq!(j["checks"]["cache"]["status"], "degraded");
    assert_eq!(
        get("/health/ready").await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        get("/-/ready").await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get("/health/live").await.unwrap().status(), StatusCode::OK);
    let r = get("/health?check=cache").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "degraded"
    );
    assert_eq!(
        get("/health?check=backend").await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        get("/health?check=nope").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let r = get("/").await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Demo exporter</h1>") && html.contains("Version 1.2.3"));
    assert!(html.contains("<a href=\"/metrics\">"));

    assert_eq!(get("/nope").await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = c
        .post(format!("http://{}/metrics", d.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["allow"], "GET, HEAD");
    assert_eq!(
        c.delete(format!("http://{}/health", d.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::METHOD_NOT_ALLOWED
    );

    // A malformed request line gets a 400 from the server, not a crash.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(&d.base).await.unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 400"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    assert_eq!(
        get("/metrics").await.unwrap().status(),
        StatusCode::OK,
        "still serving"
    );
    d.running.shutdown().await;
}

struct Pki {
    dir: tempfile::TempDir,
    ca_pem: String,
    client_pem: String,
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate.
fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
    let dir = tempfile::tempdir().unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let srv_key = KeyPair::generate().unwrap();
    let mut srv = CertificateParams::new(Vec::<String>::new()).unwrap();
    srv.subject_alt_names = vec![SanType::IpAddress("127.0.0.1".parse().unwrap())];
    let srv = srv.signed_by(&srv_key, &ca, &ca_key).unwrap();
    let cli_key = KeyPair::generate().unwrap();
    let cli = CertificateParams::new(vec!["client".to_string()])
        .unwrap()
        .signed_by(&cli_key, &ca, &ca_key)
        .unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.path().join("server.pem"), srv.pem()).unwrap();
    std::fs::write(dir.path().join("server.key"), srv_key.serialize_pem()).unwrap();
    Pki {
        ca_pem: ca.pem(),
        client_pem: format!("{}{}", cli.pem(), cli_key.serialize_pem()),
        dir,
    }
}

fn tls_client(p: &Pki, identity: bool) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(p.ca_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(10));
    if identity {
        b = b.identity(reqwest::Identity::from_pem(p.client_pem.as_bytes()).unwrap());
    }
    b.build().unwrap()
}

#[tokio::test]
async fn tls_and_client_certificates() {
    let p = pki();
    let cfg = p.dir.path().join("web.yml");
    // Relative paths resolve against the config file's directory.
    std::fs::write(&cfg, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS12\n").unwrap();
    let d = start(Some(&cfg)).await;
    let https = format!("https://{}/metrics", d.base);
    let r = tls_client(&p, false).get(&https).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("demo_events_total{kind=\"read\"} 42"));
    assert!(
        client()
            .get(format!("http://{}/metrics", d.base))
            .send()
            .await
            .is_err(),
        "plain HTTP is refused"
    );

    std::fs::write(
        &cfg,
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n",
    )
    .unwrap();
    d.running.reload().expect("valid config reloads");
    assert!(
        tls_client(&p, false).get(&https).send().await.is_err(),
        "no client certificate: refused"
    );
    assert_eq!(
        tls_client(&p, true)
            .get(&https)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    d.running.shutdown().await;
}

#[tokio::test]
async fn basic_auth_and_bad_config_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("web.yml");
    let hash = bcrypt::hash("opensesame", 4).unwrap();
    std::fs::write(
        &cfg,
        format!("basic_auth_users:\n  prom: {hash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"),
    )
    .unwrap();
    let d = start(Some(&cfg)).await;
    let c = client();
    let url = format!("http://{}/metrics", d.base);
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"exporter\"");
    assert_eq!(
        c.get(&url)
            .basic_auth("prom", Some("wrong"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let r = c
        .get(&url)
        .basic_auth("prom", Some("opensesame"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-frame-options"], "deny");

    // A broken file (unknown key) is rejected on SIGHUP-style reload and by
    // the file watcher; the previous config stays in force.
    std::fs::write(&cfg, "basic_auth_users:\n  prom: notahash\n").unwrap();
    let err = d.running.reload().unwrap_err();
    assert!(
        err.contains("basic_auth_users.prom: not a bcrypt hash"),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        c.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.get(&url)
            .basic_auth("prom", Some("opensesame"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // A good change is picked up by the file watcher without a signal.
    std::fs::write(&cfg, "").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if c.get(&url).send().await.unwrap().status() == StatusCode::OK {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "watcher never reloaded the config"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    d.running.shutdown().await;
}

/// A collector that takes a while, to have a scrape in flight.
struct Slow;
impl Collector for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }
    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError> {
        std::thread::sleep(Duration::from_millis(1500));
        w.family(&BROKEN).sample(&[], 7.0);
        Ok(())
    }
}

#[tokio::test]
async fn shutdown_finishes_in_flight_scrapes() {
    let mut e = Exporter::new(DEMO);
    e.add_collector(Arc::new(Slow));
    let running = e.start(&WebArgs::listen_on("127.0.0.1:0")).await.unwrap();
    let url = format!("http://{}/metrics", running.addrs[0]);
    let scrape = tokio::spawn(async move {
        client()
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let addr = running.addrs[0];
    let started = std::time::Instant::now();
    running.shutdown().await;
    let body = scrape.await.unwrap();
    assert!(
        body.contains("demo_broken 7\n"),
        "the in-flight scrape completed: {body}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "shutdown waited for it"
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
