//! Recording cost of the DWCP handles against the `prometheus` crate, in
//! the same run: counter increment, histogram observe, `stream_data`, with
//! one thread and with two threads hammering the same handle.
//!
//! Run: `cargo bench -p dwcp-exporter --bench hot_path`

use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use dwcp_exporter::metrics::Dwcp;
use metric_defs::dwcp as defs;
use prometheus::{Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts};

/// Runs `op` `iters` times on each of two threads started together; returns
/// the slower thread's time (per-thread time per op = result / iters).
fn two_threads(iters: u64, op: &(dyn Fn() + Sync)) -> Duration {
    let barrier = Barrier::new(2);
    std::thread::scope(|s| {
        let run = || {
            barrier.wait();
            let t = Instant::now();
            for _ in 0..iters {
                op();
            }
            t.elapsed()
        };
        let a = s.spawn(run);
        let b = s.spawn(run);
        a.join().unwrap().max(b.join().unwrap())
    })
}

fn benches(c: &mut Criterion) {
    let dwcp = Dwcp::new();
    let amst = dwcp.amst();
    let kind = dwcp.stream_error_kind("timeout").unwrap();
    let hde = dwcp.hde("vm_memory").unwrap();
    let reg = dwcp.registry();
    let counter = reg.counter(&BENCH_COUNTER).with_labels(&[]).unwrap();
    let hist = reg.histogram(&BENCH_HIST).with_labels(&[]).unwrap();

    let p_counter = IntCounter::new("p_total", "c").unwrap();
    let p_sent = IntCounter::new("p_sent_total", "c").unwrap();
    let p_recv = IntCounter::new("p_recv_total", "c").unwrap();
    let p_vec = IntCounterVec::new(Opts::new("p_err_total", "c"), &["error_type"]).unwrap();
    let p_hist = Histogram::with_opts(
        HistogramOpts::new("p_seconds", "h").buckets(defs::FAST_BUCKETS.to_vec()),
    )
    .unwrap();
    let p_hvec = HistogramVec::new(
        HistogramOpts::new("p_enc_seconds", "h").buckets(defs::FAST_BUCKETS.to_vec()),
        &["data_type"],
    )
    .unwrap();
    let v = 0.003;

    let mut g = c.benchmark_group("counter_inc");
    g.bench_function("dwcp_handle", |b| b.iter(|| counter.inc()));
    g.bench_function("dwcp_stream_error", |b| b.iter(|| amst.stream_error(&kind)));
    g.bench_function("prometheus_int_counter", |b| b.iter(|| p_counter.inc()));
    g.bench_function("prometheus_with_label_values", |b| {
        b.iter(|| p_vec.with_label_values(&[black_box("timeout")]).inc())
    });
    g.finish();

    let mut g = c.benchmark_group("histogram_observe");
    g.bench_function("dwcp_handle", |b| b.iter(|| hist.observe(black_box(v))));
    g.bench_function("prometheus_histogram", |b| {
        b.iter(|| p_hist.observe(black_box(v)))
    });
    g.bench_function("prometheus_with_label_values", |b| {
        b.iter(|| {
            p_hvec
                .with_label_values(&[black_box("vm_memory")])
                .observe(black_box(v))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("stream_data");
    g.bench_function("dwcp_amst", |b| {
        b.iter(|| amst.stream_data(black_box(4096), black_box(64)))
    });
    g.bench_function("prometheus_two_int_counters", |b| {
        b.iter(|| {
            p_sent.inc_by(black_box(4096));
            p_recv.inc_by(black_box(64));
        })
    });
    g.bench_function("dwcp_compression_complete", |b| {
        b.iter(|| {
            hde.compression_complete_secs(black_box(4096), black_box(1024), true, black_box(v))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("two_threads_same_handle");
    g.bench_function("dwcp_counter_inc", |b| {
        b.iter_custom(|n| two_threads(n, &|| counter.inc()))
    });
    g.bench_function("prometheus_int_counter_inc", |b| {
        b.iter_custom(|n| two_threads(n, &|| p_counter.inc()))
    });
    g.bench_function("dwcp_histogram_observe", |b| {
        b.iter_custom(|n| two_threads(n, &|| hist.observe(black_box(v))))
    });
    g.bench_function("prometheus_histogram_observe", |b| {
        b.iter_custom(|n| two_threads(n, &|| p_hist.observe(black_box(v))))
    });
    g.bench_function("dwcp_stream_data", |b| {
        b.iter_custom(|n| two_threads(n, &|| amst.stream_data(black_box(4096), black_box(64))))
    });
    g.bench_function("prometheus_two_int_counters", |b| {
        b.iter_custom(|n| {
            two_threads(n, &|| {
                p_sent.inc_by(black_box(4096));
                p_recv.inc_by(black_box(64));
            })
        })
    });
    g.finish();
}

const BENCH_COUNTER: metric_defs::MetricDef = metric_defs::MetricDef::counter(
    "bench_ops_total",
    "Operations of the benchmark.",
    &[],
    metric_defs::Unit::None,
);
const BENCH_HIST: metric_defs::MetricDef = metric_defs::MetricDef::histogram(
    "bench_latency_seconds",
    "Latency of the benchmark, in seconds.",
    &[],
    metric_defs::Unit::Seconds,
    defs::FAST_BUCKETS,
);

criterion_group! {
    name = hot_path;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40);
    targets = benches
}
criterion_main!(hot_path);
