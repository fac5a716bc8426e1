//! In-process ingestion throughput on one core: parsing and applying event
//! lines (a 10,000-line batch mixing every event type), and the per-datagram
//! path (one line, one lock).
//!
//! Run: `cargo bench -p dwcp-exporter --bench ingest`

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dwcp_exporter::event::{parse_line, EXAMPLES as LINES};
use dwcp_exporter::ingest::{Ingest, Transport};
use dwcp_exporter::metrics::Dwcp;

fn batch(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        // Vary label values over 50 series so lookups are not all one key.
        let l = LINES[i % LINES.len()];
        let l = l
            .replace("vm_memory", &format!("type{}", i % 50))
            .replace("cluster-b", &format!("peer{}", i % 50));
        s.push_str(&l);
        s.push('\n');
    }
    s
}

fn benches(c: &mut Criterion) {
    const N: usize = 10_000;
    let body = batch(N);
    let ingest = Ingest::new(Dwcp::new(), 1000, None);
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("parse_only", |b| {
        b.iter(|| {
            for l in body.lines() {
                black_box(parse_line(l).unwrap());
            }
        })
    });
    g.bench_function("parse_and_apply_batch", |b| {
        b.iter(|| {
            let a = ingest
                .ingest_batch(body.as_bytes(), Transport::Http, 20)
                .unwrap();
            assert_eq!(a.applied, N as u64);
        })
    });
    g.bench_function("parse_and_apply_per_datagram", |b| {
        b.iter(|| {
            for l in body.lines() {
                ingest.ingest_datagram(l.as_bytes(), Transport::Udp);
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = ingest;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = benches
}
criterion_main!(ingest);
