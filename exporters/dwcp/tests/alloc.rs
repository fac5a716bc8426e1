//! Recording through handles allocates nothing: a counting global
//! allocator (this test binary only) sees zero allocations per event after
//! the handles were created, in the library and in event ingestion.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use dwcp_exporter::event::{parse_line, EXAMPLES};
use dwcp_exporter::ingest::{Ingest, Transport};
use dwcp_exporter::metrics::{Dwcp, MigrationTimer, Mode, Outcome};

struct Counting;

thread_local! {
    /// Allocations by this thread (tests run on parallel threads).
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        System.realloc(p, l, n)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made while running `f`.
fn allocs(f: impl FnOnce()) -> u64 {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

#[test]
fn recording_through_handles_does_not_allocate() {
    let dwcp = Dwcp::new();
    let amst = dwcp.amst();
    let timeout = dwcp.stream_error_kind("timeout").unwrap();
    let hde = dwcp.hde("vm_memory").unwrap();
    let mig = dwcp
        .migration(Mode::Dwcp, "large", Outcome::Success)
        .unwrap();
    let speedup = dwcp.speedup("large").unwrap();
    let peer = dwcp.federation_peer("cluster-b").unwrap();
    let health = dwcp.component("amst").unwrap();
    let feature = dwcp.feature("hde").unwrap();
    // Warm up thread-local state (shard index) outside the measurement.
    amst.stream_start();
    const N: u64 = 100_000;
    let n = allocs(|| {
        for i in 0..N {
            amst.stream_start();
            amst.stream_data(4096, 64);
            amst.stream_error(&timeout);
            amst.stream_latency(Duration::from_micros(i % 5000));
            amst.bandwidth_utilization(0.5);
            amst.stream_end();
            hde.compression_complete(4096, 1024, i % 2 == 0, Duration::from_micros(80));
            hde.baseline_update(i);
            let t = MigrationTimer::start();
            mig.complete(t);
            speedup.set(2.0);
            peer.sync_complete(Duration::from_millis(3), 1000);
            health.set(true);
            feature.set(i % 2 == 0);
        }
    });
    assert_eq!(n, 0, "{n} allocations over {N} rounds of every event");
    assert_eq!(timeout_count(&dwcp), N);
}

fn timeout_count(d: &Dwcp) -> u64 {
    // Reading back through a fresh handle (allowed to allocate).
    let mut w = exporter_kit::MetricWriter::new(exporter_kit::Format::Text, Vec::new());
    exporter_kit::Collector::collect(&*d.registry(), &mut w).unwrap();
    let text = String::from_utf8(w.into_inner()).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("dwcp_amst_stream_errors_total{error_type=\"timeout\"} "))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn applying_parsed_events_to_existing_series_does_not_allocate() {
    let ingest = Ingest::new(Dwcp::new(), 1000, None);
    let lines = EXAMPLES;
    let events: Vec<_> = lines
        .iter()
        .map(|l| parse_line(l).unwrap().unwrap())
        .collect();
    // First application creates the series and caches the handles.
    assert_eq!(ingest.apply_all(&events, Transport::Local).applied, 14);
    let n = allocs(|| {
        for _ in 0..10_000 {
            for l in &lines {
                let e = parse_line(l).unwrap().unwrap();
                assert!(ingest.apply(&e, Transport::Local));
            }
        }
    });
    assert_eq!(
        n, 0,
        "{n} allocations over 140,000 parsed and applied events"
    );
}
