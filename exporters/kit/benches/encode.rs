//! Encoding 10,000 series (counters, gauges, histograms with 10 buckets,
//! 3 labels each) to the text format: the kit's live registry against the
//! `prometheus` crate, in the same run. Also reports heap allocations per
//! scrape, heap bytes per series, and gzip level 1 vs 6.
//!
//! Run: `cargo bench -p exporter-kit --bench encode`

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use exporter_kit::live::Registry;
use exporter_kit::{Collector, Format, MetricWriter};
use metric_defs::{MetricDef, Unit};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(l.size() as isize, Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE_BYTES.fetch_sub(l.size() as isize, Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(n as isize - l.size() as isize, Relaxed);
        System.realloc(p, l, n)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const LABELS: &[&str] = &["instance", "method", "code"];
static C: MetricDef = MetricDef::counter("bench_requests_total", "Requests.", LABELS, Unit::None);
static G: MetricDef = MetricDef::gauge("bench_inflight", "In flight.", LABELS, Unit::None);
static H: MetricDef = MetricDef::histogram(
    "bench_latency_seconds",
    "Latency.",
    LABELS,
    Unit::Seconds,
    &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
);
const COUNTERS: usize = 4_000;
const GAUGES: usize = 4_000;
const HISTOGRAMS: usize = 2_000;

/// Label values: `long` like a host:port label (26 bytes), otherwise like
/// an exporter's own labels (`vm-0042`, 7 bytes).
fn label_values(i: usize, long: bool) -> [String; 3] {
    [
        if long {
            format!("host-{:04}.example.org:9100", i / 20)
        } else {
            format!("vm-{:04}", i / 20)
        },
        ["GET", "POST", "PUT", "DELETE"][i % 4].to_string(),
        format!("{}", 200 + (i % 5)),
    ]
}

fn ours(long: bool) -> Registry {
    let r = Registry::new("bench");
    let (c, g, h) = (r.counter(&C), r.gauge(&G), r.histogram(&H));
    for i in 0..COUNTERS {
        let l = label_values(i, long);
        c.with_labels(&[&l[0], &l[1], &l[2]])
            .unwrap()
            .inc_by(i as u64 * 7);
    }
    for i in 0..GAUGES {
        let l = label_values(i, long);
        g.with_labels(&[&l[0], &l[1], &l[2]])
            .unwrap()
            .set(i as f64 / 3.0);
    }
    for i in 0..HISTOGRAMS {
        let l = label_values(i, long);
        let hh = h.with_labels(&[&l[0], &l[1], &l[2]]).unwrap();
        for k in 0..20 {
            hh.observe((i * 31 + k * 17) as f64 % 3000.0 / 1000.0);
        }
    }
    r
}

fn theirs(long: bool) -> prometheus::Registry {
    use prometheus::{HistogramOpts, Opts};
    let r = prometheus::Registry::new();
    let c = prometheus::IntCounterVec::new(Opts::new(C.name, C.help), LABELS).unwrap();
    let g = prometheus::GaugeVec::new(Opts::new(G.name, G.help), LABELS).unwrap();
    let h = prometheus::HistogramVec::new(
        HistogramOpts::new(H.name, H.help).buckets(H.buckets.to_vec()),
        LABELS,
    )
    .unwrap();
    r.register(Box::new(c.clone())).unwrap();
    r.register(Box::new(g.clone())).unwrap();
    r.register(Box::new(h.clone())).unwrap();
    for i in 0..COUNTERS {
        let l = label_values(i, long);
        c.with_label_values(&[&l[0], &l[1], &l[2]])
            .inc_by(i as u64 * 7);
    }
    for i in 0..GAUGES {
        let l = label_values(i, long);
        g.with_label_values(&[&l[0], &l[1], &l[2]])
            .set(i as f64 / 3.0);
    }
    for i in 0..HISTOGRAMS {
        let l = label_values(i, long);
        let hh = h.with_label_values(&[&l[0], &l[1], &l[2]]);
        for k in 0..20 {
            hh.observe((i * 31 + k * 17) as f64 % 3000.0 / 1000.0);
        }
    }
    r
}

fn encode_ours(r: &Registry, buf: Vec<u8>) -> Vec<u8> {
    let mut w = MetricWriter::new(Format::Text, buf);
    r.collect(&mut w).unwrap();
    w.into_inner()
}

fn encode_theirs(r: &prometheus::Registry, buf: &mut Vec<u8>) {
    use prometheus::Encoder;
    buf.clear();
    prometheus::TextEncoder::new()
        .encode(&r.gather(), buf)
        .unwrap();
}

/// Heap allocations made by `f`.
fn allocs(f: impl FnOnce()) -> usize {
    let before = ALLOCS.load(Relaxed);
    f();
    ALLOCS.load(Relaxed) - before
}

fn report(long: bool) {
    let series = COUNTERS + GAUGES + HISTOGRAMS;
    let before = LIVE_BYTES.load(Relaxed);
    let r = ours(long);
    let ours_bytes = LIVE_BYTES.load(Relaxed) - before;
    let before = LIVE_BYTES.load(Relaxed);
    let p = theirs(long);
    let theirs_bytes = LIVE_BYTES.load(Relaxed) - before;

    let mut buf = encode_ours(&r, Vec::new());
    let ours_allocs = allocs(|| buf = encode_ours(&r, std::mem::take(&mut buf)));
    let mut pbuf = Vec::new();
    encode_theirs(&p, &mut pbuf);
    let theirs_allocs = allocs(|| encode_theirs(&p, &mut pbuf));
    println!(
        "REPORT long_labels={long} series={series} output_bytes ours={} prometheus={}",
        buf.len(),
        pbuf.len()
    );
    println!("REPORT allocations_per_scrape ours={ours_allocs} prometheus={theirs_allocs}");
    println!(
        "REPORT heap_bytes_per_series ours={} prometheus={}",
        ours_bytes / series as isize,
        theirs_bytes / series as isize
    );
    for level in [1, 6] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        enc.write_all(&buf).unwrap();
        println!(
            "REPORT gzip_level_{level}_bytes={}",
            enc.finish().unwrap().len()
        );
    }
}

fn bench(c: &mut Criterion) {
    report(false);
    report(true);
    for long in [false, true] {
        encode_group(c, long);
    }
    gzip_group(c);
}

fn encode_group(c: &mut Criterion, long: bool) {
    let r = ours(long);
    let p = theirs(long);
    let name = if long {
        "encode_10k_series_text_long_labels"
    } else {
        "encode_10k_series_text"
    };
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(
        (COUNTERS + GAUGES + HISTOGRAMS) as u64,
    ));
    let mut buf = Vec::new();
    g.bench_function("exporter_kit", |b| {
        b.iter(|| {
            buf = encode_ours(&r, std::mem::take(&mut buf));
            black_box(buf.len())
        })
    });
    let mut pbuf = Vec::new();
    g.bench_function("prometheus_crate", |b| {
        b.iter(|| {
            encode_theirs(&p, &mut pbuf);
            black_box(pbuf.len())
        })
    });
    g.finish();
}

fn gzip_group(c: &mut Criterion) {
    let text = encode_ours(&ours(false), Vec::new());
    let mut g = c.benchmark_group("gzip_10k_series_text");
    for level in [1u32, 6] {
        let mut out = Vec::with_capacity(text.len());
        g.bench_function(format!("level_{level}"), |b| {
            b.iter(|| {
                out.clear();
                let mut enc = flate2::write::GzEncoder::new(
                    std::mem::take(&mut out),
                    flate2::Compression::new(level),
                );
                enc.write_all(&text).unwrap();
                out = enc.finish().unwrap();
                black_box(out.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
