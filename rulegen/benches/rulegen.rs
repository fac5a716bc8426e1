//! Criterion benches: check + build of the shipped spec and of a generated
//! 10,000-alert spec, with `promtool check rules` on the same generated rules
//! as the reference, and Jsonnet evaluation of a 1,000-alert spec.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/monitoring.yaml")
}

/// A spec with `n` alerts (each with a unit test) over the DWCP metrics.
fn generated_spec(n: usize) -> String {
    let mut s = String::from(
        "version: 1\nscrape_jobs:\n  - name: dwcp-exporter\n    exposes: [dwcp-exporter]\n    criticality: critical\n    targets: [\"127.0.0.1:9470\"]\nalerts:\n",
    );
    for g in 0..n.div_ceil(100) {
        let _ = write!(s, "  - group: gen-{g}\n    rules:\n");
        for i in g * 100..((g + 1) * 100).min(n) {
            let _ = write!(
                s,
                "      - alert: GeneratedAlert{i}\n        expr: sum by (job) (rate(dwcp_amst_stream_errors_total{{error_type=\"e{i}\"}}[1m])) > {i}\n        for: 5m\n        severity: warning\n        component: dwcp\n        summary: \"alert {i} on {{{{ $labels.job }}}}\"\n        description: \"rate {{{{ $value }}}}\"\n        tests:\n          - series:\n              - series: 'dwcp_amst_stream_errors_total{{job=\"dwcp-exporter\",error_type=\"e{i}\"}}'\n                values: '0+60x10'\n            at: 10m\n            expect: []\n"
            );
        }
    }
    s
}

fn jsonnet_spec(n: usize) -> String {
    format!(
        r#"local alert(i) = {{
  alert: 'GeneratedAlert%d' % i,
  expr: 'sum by (job) (rate(dwcp_amst_stream_errors_total{{error_type="e%d"}}[1m])) > %d' % [i, i],
  'for': '5m', severity: 'warning', component: 'dwcp',
  summary: 'alert %d' % i, description: 'rate {{{{ $value }}}}',
  tests: [{{ series: [{{ series: 'dwcp_amst_stream_errors_total{{job="dwcp-exporter",error_type="e%d"}}' % i, values: '0+60x10' }}], at: '10m', expect: [] }}],
}};
{{
  version: 1,
  scrape_jobs: [{{ name: 'dwcp-exporter', exposes: ['dwcp-exporter'], criticality: 'critical', targets: ['127.0.0.1:9470'] }}],
  alerts: [{{ group: 'gen-%d' % g, rules: [alert(i) for i in std.range(g * 100, std.min(g * 100 + 99, {last}))] }} for g in std.range(0, {groups})],
}}
"#,
        last = n - 1,
        groups = n.div_ceil(100) - 1
    )
}

fn benches(c: &mut Criterion) {
    let dir = rulegen::testrun::Scratch::new("bench").expect("scratch");
    let spec10k = dir.0.join("alerts-10000.yaml");
    std::fs::write(&spec10k, generated_spec(10_000)).unwrap();
    let jsonnet1k = dir.0.join("alerts-1000.jsonnet");
    std::fs::write(&jsonnet1k, jsonnet_spec(1_000)).unwrap();

    let shipped = shipped();
    let check = rulegen::compile(&shipped);
    assert!(check.ok(), "{}", check.diags.render(&check.sources));
    let big = rulegen::compile(&spec10k);
    assert!(big.ok(), "{}", big.diags.render(&big.sources));
    let j = rulegen::compile(&jsonnet1k);
    assert!(j.ok(), "{}", j.diags.render(&j.sources));

    let mut g = c.benchmark_group("rulegen");
    g.bench_function("check_build_shipped_spec", |b| {
        b.iter(|| {
            let c = rulegen::compile(black_box(&shipped));
            assert!(c.ok());
            c.files.len()
        })
    });
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("check_build_10000_alerts", |b| {
        b.iter(|| {
            let c = rulegen::compile(black_box(&spec10k));
            assert!(c.ok());
            c.files.len()
        })
    });
    g.bench_function("jsonnet_eval_1000_alerts", |b| {
        b.iter(|| {
            rulegen::load::eval_jsonnet(black_box(&jsonnet1k))
                .unwrap()
                .len()
        })
    });
    // reference: promtool checks the same 10,000 generated rules
    let out = dir.0.join("out");
    rulegen::output::write_all(&out, &big.files).unwrap();
    let rules: Vec<PathBuf> = std::fs::read_dir(out.join("prometheus/rules"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    if Command::new("promtool").arg("--version").output().is_ok() {
        g.bench_function("promtool_check_rules_10000_alerts", |b| {
            b.iter(|| {
                let st = Command::new("promtool")
                    .arg("check")
                    .arg("rules")
                    .args(&rules)
                    .output()
                    .unwrap();
                assert!(st.status.success());
            })
        });
    } else {
        eprintln!("promtool not installed: reference bench skipped");
    }
    g.finish();
}

criterion_group!(rulegen_benches, benches);
criterion_main!(rulegen_benches);
