//! A client sending a million distinct label values cannot grow the
//! exporter's memory: past the cap events are dropped and counted.

mod common;

use common::Proc;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_million_distinct_label_values_keep_memory_bounded() {
    let p = Proc::start(&[]);
    const BATCH: usize = 100_000;
    let mut rss_after_warmup = 0;
    for b in 0..10 {
        let body: String = (b * BATCH..(b + 1) * BATCH)
            .map(|i| format!("stream_error kind=k{i}\n"))
            .collect();
        let r = p.post(&body);
        assert_eq!(r.status, 200);
        if b == 0 {
            assert_eq!(r.body, r#"{"applied":1000,"dropped":99000}"#);
        } else {
            assert_eq!(r.body, r#"{"applied":0,"dropped":100000}"#);
        }
        if b == 1 {
            rss_after_warmup = rss_kib(p.pid());
        }
    }
    let rss_end = rss_kib(p.pid());
    let s = p.scrape();
    let series = s
        .keys()
        .filter(|k| k.starts_with("dwcp_amst_stream_errors_total{"))
        .count();
    assert_eq!(series, 1000);
    assert_eq!(
        s["dwcp_exporter_events_dropped_total{reason=\"cardinality\"}"],
        999_000.0
    );
    // 800,000 more distinct values after warm-up: storing them would take
    // hundreds of MiB; allow 16 MiB of allocator noise.
    let growth = rss_end.saturating_sub(rss_after_warmup);
    eprintln!("RSS after 200k distinct values: {rss_after_warmup} KiB, after 1M: {rss_end} KiB");
    assert!(
        growth < 16 * 1024,
        "RSS grew by {growth} KiB over 800k distinct label values ({rss_after_warmup} -> {rss_end} KiB)"
    );
}
