//! Side by side with Debian's `prometheus-blackbox-exporter`: the same
//! targets (loopback servers with controlled behaviour), the same modules,
//! the same success/failure verdicts from both `/probe` endpoints.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BLACKBOX: &str = "/usr/bin/prometheus-blackbox-exporter";

const BLACKBOX_YML: &str = r#"
modules:
  http_2xx: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4}}
  no_redirects: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4, follow_redirects: false}}
  only_404: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4, valid_status_codes: [404]}}
  body_has_version: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4, fail_if_body_not_matches_regexp: ['version \d+\.\d+']}}
  body_no_hello: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4, fail_if_body_matches_regexp: ['hello']}}
  tls_verify: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4}}
  tls_insecure: {prober: http, timeout: 1s, http: {preferred_ip_protocol: ip4, tls_config: {insecure_skip_verify: true}}}
  tcp_connect: {prober: tcp, timeout: 1s, tcp: {preferred_ip_protocol: ip4}}
  tcp_http_ok: {prober: tcp, timeout: 1s, tcp: {preferred_ip_protocol: ip4, query_response: [{send: "GET /ok HTTP/1.0\r\n\r"}, {expect: "^HTTP/1.1 200"}]}}
  tcp_http_404: {prober: tcp, timeout: 1s, tcp: {preferred_ip_protocol: ip4, query_response: [{send: "GET /ok HTTP/1.0\r\n\r"}, {expect: "^HTTP/1.1 404"}]}}
"#;

const SLA_YML: &str = r#"
defaults: {timeout: 1s}
modules:
  http_2xx: {prober: http}
  no_redirects: {prober: http, http: {follow_redirects: false}}
  only_404: {prober: http, http: {valid_status_codes: [404]}}
  body_has_version: {prober: http, http: {fail_if_body_not_matches_regexp: ['version \d+\.\d+']}}
  body_no_hello: {prober: http, http: {fail_if_body_matches_regexp: ['hello']}}
  tls_verify: {prober: http}
  tls_insecure: {prober: http, http: {tls: {insecure_skip_verify: true}}}
  tcp_connect: {prober: tcp}
  tcp_http_ok: {prober: tcp, tcp: {send: "GET /ok HTTP/1.0\r\n\r\n", expect: "^HTTP/1.1 200"}}
  tcp_http_404: {prober: tcp, tcp: {send: "GET /ok HTTP/1.0\r\n\r\n", expect: "^HTTP/1.1 404"}}
targets: []
"#;

/// Kills the child process when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn value(text: &str, metric: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(metric) && l[metric.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn enc(s: &str) -> String {
    s.replace('%', "%25")
        .replace(':', "%3A")
        .replace('/', "%2F")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_verdicts_as_blackbox_exporter() {
    assert!(
        std::path::Path::new(BLACKBOX).exists(),
        "{BLACKBOX} is missing: install the Debian package prometheus-blackbox-exporter \
         (listed in scripts/deps.d/sla.list)"
    );
    let dir = tempfile::tempdir().unwrap();
    let bb_yml = dir.path().join("blackbox.yml");
    std::fs::write(&bb_yml, BLACKBOX_YML).unwrap();
    let bb_addr = free_addr();
    let _bb = Killed(
        Command::new(BLACKBOX)
            .arg(format!("--config.file={}", bb_yml.display()))
            .arg(format!("--web.listen-address={bb_addr}"))
            .arg("--log.level=error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start blackbox exporter"),
    );

    let sla_yml = dir.path().join("sla.yml");
    std::fs::write(&sla_yml, SLA_YML).unwrap();
    let (_app, running, sla_addr) = common::serve_app(&sla_yml, 64).await;

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let up = tokio::net::TcpStream::connect(bb_addr).await.is_ok();
        if up {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "blackbox exporter did not start on {bb_addr}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let srv = common::start().await;
    let tls = common::start_with(Some(common::tls_server((2031, 7, 15)))).await;
    let https = format!("https://127.0.0.1:{}/ok", tls.addr.port());
    let closed = common::closed_port();
    let tcp = srv.addr.to_string();
    let cases: Vec<(String, &str, u8)> = vec![
        (srv.url("/ok"), "http_2xx", 1),
        (srv.url("/redirect"), "http_2xx", 1),
        (srv.url("/redirect"), "no_redirects", 0),
        (srv.url("/redirect-loop"), "http_2xx", 0),
        (srv.url("/status/500"), "http_2xx", 0),
        (srv.url("/status/404"), "only_404", 1),
        (srv.url("/ok"), "only_404", 0),
        (srv.url("/body"), "body_has_version", 1),
        (srv.url("/ok"), "body_has_version", 0),
        (srv.url("/body"), "body_no_hello", 0),
        (srv.url("/ok"), "body_no_hello", 1),
        (srv.url("/hang"), "http_2xx", 0),
        (format!("http://127.0.0.1:{closed}/"), "http_2xx", 0),
        (srv.url("/reset"), "http_2xx", 0),
        (srv.url("/reset-body"), "http_2xx", 0),
        (https.clone(), "tls_verify", 0),
        (https.clone(), "tls_insecure", 1),
        (tcp.clone(), "tcp_connect", 1),
        (format!("127.0.0.1:{closed}"), "tcp_connect", 0),
        (tcp.clone(), "tcp_http_ok", 1),
        (tcp.clone(), "tcp_http_404", 0),
    ];
    println!(
        "{:<48} {:<17} {:>8} {:>8} {:>7} {:>7}",
        "target", "module", "blackbox", "sla", "bb code", "sla code"
    );
    let mut differ = Vec::new();
    for (target, module, want) in &cases {
        let path = format!("/probe?module={module}&target={}", enc(target));
        let (bb_code, bb) = common::http(bb_addr, "GET", &path).await;
        let (sla_code, sla) = common::http(sla_addr, "GET", &path).await;
        assert_eq!((bb_code, sla_code), (200, 200), "{path}\n{bb}\n{sla}");
        let b = value(&bb, "probe_success");
        let s = value(&sla, "probe_success");
        let (bs, ss) = (
            value(&bb, "probe_http_status_code"),
            value(&sla, "probe_http_status_code"),
        );
        println!(
            "{target:<48} {module:<17} {:>8} {:>8} {:>7} {:>7}",
            b.map_or("-".into(), |v| v.to_string()),
            s.map_or("-".into(), |v| v.to_string()),
            bs.map_or("-".into(), |v| v.to_string()),
            ss.map_or("-".into(), |v| v.to_string()),
        );
        if b != s || s != Some(f64::from(*want)) || bs != ss {
            differ.push(format!(
                "{module} {target}: blackbox {b:?} (status {bs:?}), sla {s:?} (status {ss:?}), expected {want}"
            ));
        }
    }
    assert!(differ.is_empty(), "verdicts differ:\n{}", differ.join("\n"));
    // TLS expiry agrees too.
    let path = format!("/probe?module=tls_insecure&target={}", enc(&https));
    let (_, bb) = common::http(bb_addr, "GET", &path).await;
    let (_, sla) = common::http(sla_addr, "GET", &path).await;
    assert_eq!(
        value(&sla, "probe_ssl_earliest_cert_expiry"),
        Some(1_941_840_000.0)
    );
    assert_eq!(
        value(&bb, "probe_ssl_earliest_cert_expiry"),
        value(&sla, "probe_ssl_earliest_cert_expiry")
    );
    running.shutdown().await;
}
