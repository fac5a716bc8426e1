//! The generated files pass the real tools: `promtool check config`,
//! `promtool check rules`, `promtool test rules` (through `rulegen test`),
//! `amtool check-config`, and `amtool config routes test` for the routing.

mod common;

use std::process::Command;

use common::{require, rulegen, run, shipped_spec, Scratch};

/// Builds the shipped spec into a scratch directory.
fn built() -> Scratch {
    let s = Scratch::new("tools").unwrap();
    let (ok, out) = run(rulegen()
        .arg("--spec")
        .arg(shipped_spec())
        .arg("--out")
        .arg(&s.0)
        .arg("build"));
    assert!(ok, "{out}");
    s
}

#[test]
fn promtool_accepts_config_and_rules() {
    let promtool = require("promtool", "prometheus");
    let s = built();
    let (ok, out) = run(Command::new(&promtool)
        .arg("check")
        .arg("config")
        .arg(s.0.join("prometheus/prometheus.yml")));
    assert!(ok, "{out}");
    // check config also resolves and checks every rule file, relative to prometheus.yml
    assert!(out.contains("SUCCESS: 15 rule files found"), "{out}");
    let rules: Vec<_> = std::fs::read_dir(s.0.join("prometheus/rules"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(rules.len(), 15);
    let (ok, out) = run(Command::new(&promtool)
        .arg("check")
        .arg("rules")
        .args(&rules));
    assert!(ok, "{out}");
    assert_eq!(out.matches("SUCCESS").count(), 15, "{out}");
}

#[test]
fn rulegen_test_runs_promtool_unit_tests() {
    require("promtool", "prometheus");
    let (ok, out) = run(rulegen().arg("--spec").arg(shipped_spec()).arg("test"));
    assert!(ok, "{out}");
    assert_eq!(
        out.matches("SUCCESS").count(),
        8,
        "one SUCCESS per alert group:\n{out}"
    );
    assert!(!out.contains("FAILED"), "{out}");
}

#[test]
fn rulegen_test_fails_when_an_expectation_is_wrong() {
    require("promtool", "prometheus");
    let spec = r#"version: 1
scrape_jobs:
  - name: dwcp-exporter
    exposes: [dwcp-exporter]
    targets: ["127.0.0.1:9470"]
alerts:
  - group: g
    rules:
      - alert: StreamsHigh
        expr: dwcp_amst_streams_active > 100
        severity: warning
        component: dwcp
        summary: "{{ $value }} streams"
        description: d
        tests:
          - series:
              - series: 'dwcp_amst_streams_active{job="dwcp-exporter",instance="a"}'
                values: '200x5'
            at: 5m
            expect:
              - labels: {job: dwcp-exporter, instance: a}
                value: 150
"#;
    let s = common::scratch_with("wrongexp", &[("spec.yaml", spec)]);
    let (ok, out) = run(rulegen()
        .arg("--spec")
        .arg(s.0.join("spec.yaml"))
        .arg("test"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("FAILED")
            && out.contains(r#"summary="150 streams""#)
            && out.contains(r#"summary="200 streams""#),
        "{out}"
    );
    let fixed = spec.replace("value: 150", "value: 200");
    std::fs::write(s.0.join("spec.yaml"), fixed).unwrap();
    let (ok, out) = run(rulegen()
        .arg("--spec")
        .arg(s.0.join("spec.yaml"))
        .arg("test"));
    assert!(ok, "{out}");
}

#[test]
fn amtool_accepts_alertmanager_config() {
    let amtool = require("amtool", "prometheus-alertmanager");
    let s = built();
    let (ok, out) = run(Command::new(&amtool)
        .arg("check-config")
        .arg(s.0.join("alertmanager/alertmanager.yml")));
    assert!(ok, "{out}");
    assert!(
        out.contains(" - 6 receivers") && out.contains(" - 1 inhibit rules"),
        "{out}"
    );
}

#[test]
fn shipped_routing_reaches_the_right_receivers() {
    let amtool = require("amtool", "prometheus-alertmanager");
    let s = built();
    let config = s.0.join("alertmanager/alertmanager.yml");
    let c = rulegen::compile(&shipped_spec());
    let routing = c.spec.routing.as_ref().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["severity=critical", "component=security"],
            "security-team,oncall-critical",
        ),
        (
            &["severity=warning", "component=security"],
            "security-team,team-warning",
        ),
        (
            &["severity=critical", "component=dwcp-amst"],
            "oncall-critical",
        ),
        (&["severity=warning", "component=dwcp-hde"], "team-warning"),
        (&["severity=info", "component=dwcp"], "team-info"),
        (&["severity=critical", "component=sla"], "executive-all"),
        (&["severity=warning", "component=sla"], "executive-all"),
        (&["alertname=Unrouted"], "default"),
    ];
    for (labels, want) in cases {
        let (ok, out) = run(Command::new(&amtool)
            .arg("config")
            .arg("routes")
            .arg("test")
            .arg(format!("--config.file={}", config.display()))
            .args(labels.iter()));
        assert!(ok, "{out}");
        let got = out
            .lines()
            .find(|l| !l.starts_with("Warning:"))
            .unwrap_or("")
            .trim();
        assert_eq!(got, *want, "labels {labels:?}");
        // rulegen's own route walk (used by `explain`) agrees with amtool
        let map = labels.iter().map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        });
        assert_eq!(
            rulegen::emit::alertmanager::receivers_for(routing, &map.collect()).join(","),
            *want
        );
    }
    // what each receiver notifies: critical → PagerDuty + Slack + SMS, warning → email + Slack
    let text = std::fs::read_to_string(&config).unwrap();
    let block = |name: &str| -> String {
        let start = text.find(&format!("- name: {name}\n")).unwrap();
        let rest = &text[start + 2..];
        rest[..rest.find("\n- name:").unwrap_or(rest.len())].to_string()
    };
    let oncall = block("oncall-critical");
    assert!(
        oncall.contains("pagerduty_configs")
            && oncall.contains("slack_configs")
            && oncall.contains("url: http://127.0.0.1:9099/sms"),
        "{oncall}"
    );
    let warning = block("team-warning");
    assert!(
        warning.contains("email_configs")
            && warning.contains("slack_configs")
            && !warning.contains("pagerduty"),
        "{warning}"
    );
    let exec = block("executive-all");
    for kind in [
        "email_configs",
        "pagerduty_configs",
        "slack_configs",
        "webhook_configs",
    ] {
        assert!(exec.contains(kind), "executive-all lacks {kind}");
    }
}

#[test]
fn no_secret_in_generated_alertmanager_config() {
    let s = built();
    let text = std::fs::read_to_string(s.0.join("alertmanager/alertmanager.yml")).unwrap();
    for field in [
        "api_url:",
        "routing_key:",
        "service_key:",
        "auth_password:",
        "smtp_auth_password:",
        "credentials:",
    ] {
        assert!(!text.contains(field), "inline secret field {field}");
    }
    assert!(text.contains("routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key"));
    assert!(text.contains("smtp_auth_password_file: /etc/alertmanager/secrets/smtp-password"));
}

#[test]
fn regex_routes_agree_with_amtool() {
    let amtool = require("amtool", "prometheus-alertmanager");
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/in-full.yaml");
    let c = rulegen::compile(&spec);
    assert!(c.ok(), "{}", c.diags.render(&c.sources));
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/out-full/alertmanager/alertmanager.yml");
    let routing = c.spec.routing.as_ref().unwrap();
    for (labels, want) in [
        (["severity=critical", "component=dwcp"], "pager"),
        (["severity=critical", "component=sla"], "pager"),
        (["severity=critical", "component=dwcpx"], "default"),
        (["severity=warning", "component=dwcp"], "default"),
    ] {
        let (ok, out) = run(Command::new(&amtool)
            .arg("config")
            .arg("routes")
            .arg("test")
            .arg(format!("--config.file={}", config.display()))
            .args(labels));
        assert!(ok, "{out}");
        let got = out
            .lines()
            .find(|l| !l.starts_with("Warning:"))
            .unwrap_or("")
            .trim()
            .to_string();
        assert_eq!(got, want, "amtool, labels {labels:?}");
        let map = labels.iter().map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        });
        assert_eq!(
            rulegen::emit::alertmanager::receivers_for(routing, &map.collect()).join(","),
            want,
            "rulegen, labels {labels:?}"
        );
    }
}
