//! Table tests: each bad config names its line, column and reason.

use std::path::Path;
use std::time::Duration;

use super::*;

const MODULES: &str = "modules:
  web:
    prober: http
  db:
    prober: tcp
  hc:
    prober: health
    health: {checks: [database]}
";

fn check(text: &str) -> Result<Config, ConfigError> {
    parse(text, "sla.yml", Path::new("."))
}

fn first_problem(text: &str) -> String {
    let e = check(text).expect_err("config should be rejected");
    let p = &e.problems[0];
    format!("{}:{}: {}", p.line, p.column, p.message)
}

#[test]
fn valid_config_is_loaded_with_defaults_applied() {
    let text = format!(
        "defaults: {{interval: 10s, timeout: 2s}}
{MODULES}targets:
  - name: api
    target: http://127.0.0.1:8080/health
    module: hc
    interval: 1s
    labels: {{service: api, tier: critical}}
  - name: pg
    target: 127.0.0.1:5432
    module: db
    timeout: 1s
    buckets: [0.01, 0.1, 1]
"
    );
    let c = check(&text).unwrap();
    assert_eq!(c.targets.len(), 2);
    let api = &c.targets[0];
    assert_eq!(api.interval, Duration::from_secs(1));
    assert_eq!(
        api.timeout,
        Duration::from_secs(1),
        "default 2s clamped to the 1s interval"
    );
    assert_eq!(api.label_values(), ["api", "hc", "api", "", "critical"]);
    assert_eq!(api.buckets, metric_defs::sla::PROBE_BUCKETS);
    let pg = &c.targets[1];
    assert_eq!(pg.address, Address::HostPort("127.0.0.1".into(), 5432));
    assert_eq!(
        (pg.interval, pg.timeout),
        (Duration::from_secs(10), Duration::from_secs(1))
    );
    assert_eq!(pg.buckets, [0.01, 0.1, 1.0]);
    assert_eq!(c.default_timeout, Duration::from_secs(2));
}

#[test]
fn the_example_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/sla/example.yml");
    let c = load(&path).unwrap();
    assert!(c.targets.len() >= 5);
}

#[test]
fn errors_name_line_column_and_reason() {
    let t = |rest: &str| format!("{MODULES}targets:\n{rest}");
    let cases: &[(String, &str)] = &[
        (
            "modules:\n  a:\n    prober: http\n    htp: {}\n".into(),
            "4:5: unknown field `htp`, expected one of prober, http, tcp, health",
        ),
        (
            t("  - name: a\n    target: http://x/\n    module: web\n    labels: {owner: me}\n"),
            "13:14: unknown field `owner`, expected one of service, component, tier",
        ),
        (
            t("  - name: a\n    target: http://x/\n    module: nope\n"),
            "12:13: target \"a\": unknown module \"nope\"",
        ),
        (
            t("  - name: a\n    target: http://x/\n    module: web\n    interval: 2s\n    timeout: 3s\n"),
            "14:14: target \"a\": timeout 3s is longer than its interval 2s",
        ),
        (
            t("  - name: a\n    target: http://x/\n    module: web\n    interval: 500ms\n"),
            "13:15: interval 500ms is below the minimum of 1s",
        ),
        (
            t("  - name: a\n    target: http://x/\n    module: web\n    interval: 5 seconds\n"),
            "13:15: invalid duration \"5 seconds\": expected e.g. 500ms, 15s, 1m30s, 2h",
        ),
        (
            t("  - name: a\n    target: ftp://x/\n    module: web\n"),
            "11:13: target \"a\": \"ftp://x/\" does not start with http:// or https://",
        ),
        (
            t("  - name: a\n    target: http://x:5432\n    module: db\n"),
            "11:13: target \"a\": \"http://x:5432\" is not host:port",
        ),
        (
            t("  - name: a\n    target: x:1\n    module: db\n  - name: a\n    target: x:2\n    module: db\n"),
            "13:11: duplicate target name \"a\"",
        ),
        (
            t("  - name: a\n    target: x:1\n    module: db\n    buckets: [1, 0.5]\n"),
            "13:14: target \"a\": buckets must be positive, finite and strictly ascending",
        ),
        (
            "modules:\n  a:\n    prober: icmp\n".into(),
            "3:13: module \"a\": unknown prober \"icmp\"",
        ),
        (
            "modules:\n  a:\n    prober: http\n    http:\n      fail_if_body_matches_regexp: ['(']\n".into(),
            "5:37: invalid regex \"(\": unclosed group",
        ),
        (
            "modules:\n  a:\n    prober: http\n    http: {valid_status_codes: [200, 700]}\n".into(),
            "4:38: status code 700 is not between 100 and 599",
        ),
        (
            "modules:\n  a:\n    prober: http\n    http: {tls: {ca_file: /nonexistent/ca.pem}}\n".into(),
            "4:27: cannot read /nonexistent/ca.pem: No such file or directory (os error 2)",
        ),
        (
            "modules:\n  a:\n    prober: http\n    http: {tls: {cert_file: c.pem}}\n".into(),
            "4:29: cert_file and key_file must be given together",
        ),
        (
            "targets:\n  - name: \"a\n".into(),
            "3:1: invalid indentation in multiline quoted scalar",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = first_problem(text);
        if &got != want {
            wrong.push(format!("want {want}\n got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_problem_is_reported_in_file_order_rustc_style() {
    let text = format!(
        "{MODULES}targets:
  - name: a
    target: http://x/
    module: nope
  - name: b
    target: http://x/
    module: web
    timeout: soon
"
    );
    let e = check(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sla.yml:12:13: error: target \"a\": unknown module \"nope\"\n  \
         help: defined modules: db, hc, web\n\
         sla.yml:16:14: error: invalid duration \"soon\": expected e.g. 500ms, 15s, 1m30s, 2h"
    );
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.yml");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    let e = load(&p).unwrap_err();
    assert!(e.to_string().contains("more than the limit"), "{e}");
}
