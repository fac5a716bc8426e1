//! Cost of the hot paths at 1,000 targets: recording one probe outcome, and
//! encoding a full scrape of every target's SLI families.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use exporter_kit::{Collector, Format, MetricWriter};
use sla_exporter::config;
use sla_exporter::probe::{Outcome, Reason};
use sla_exporter::state::{ProbeMetrics, TargetState};

fn setup() -> (ProbeMetrics, Vec<Arc<TargetState>>) {
    let mut text = String::from(
        "modules:\n  http_2xx: {prober: http}\n  health: {prober: health}\ntargets:\n",
    );
    for i in 0..1000 {
        let (m, path) = if i % 5 == 0 {
            ("health", "/health")
        } else {
            ("http_2xx", "/ok")
        };
        text.push_str(&format!(
            "  - {{name: t{i}, target: 'http://127.0.0.1:8080{path}', module: {m}, interval: 1s, labels: {{service: s{}, tier: critical}}}}\n",
            i % 10
        ));
    }
    let cfg = config::parse(&text, "bench.yml", Path::new(".")).unwrap();
    let states: Vec<_> = cfg
        .targets
        .iter()
        .map(|t| Arc::new(TargetState::new(t)))
        .collect();
    let ok = Outcome {
        duration: Duration::from_millis(3),
        checks: vec![("database".into(), 1.0), ("cache".into(), 0.5)],
        ..Default::default()
    };
    for (i, s) in states.iter().enumerate() {
        s.record(&ok, 1.7e9 + i as f64);
    }
    let m = ProbeMetrics::default();
    m.set_targets(states.clone());
    (m, states)
}

fn bench(c: &mut Criterion) {
    let (metrics, states) = setup();
    let mut buf = Vec::new();
    c.bench_function("scrape_1000_targets", |b| {
        b.iter(|| {
            let mut w = MetricWriter::new(Format::Text, std::mem::take(&mut buf));
            metrics.collect(&mut w).unwrap();
            buf = w.into_inner();
            buf.len()
        })
    });
    let ok = Outcome {
        duration: Duration::from_millis(3),
        ..Default::default()
    };
    let failed = Outcome {
        failure: Some((Reason::Timeout, String::new())),
        duration: Duration::from_millis(500),
        ..Default::default()
    };
    let http = &states[1];
    c.bench_function("record_success", |b| b.iter(|| http.record(&ok, 1.7e9)));
    c.bench_function("record_failure", |b| b.iter(|| http.record(&failed, 1.7e9)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
