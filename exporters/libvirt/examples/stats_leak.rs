//! Measures what happens to resident memory over many bulk-stats calls:
//! this crate's `ffi::Conn::all_domain_stats` (records freed with
//! `virDomainStatsRecordListFree`) against the `virt` 0.5 crate's
//! `Connect::all_domain_stats` (frees only the array), on the same URI in
//! the same process.
//!
//! `cargo run --release -p libvirt-exporter --example stats_leak -- URI [CALLS]`

use std::time::Instant;

use libvirt_exporter::ffi;
use libvirt_exporter::model::CORE_GROUPS;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let uri = args.next().ok_or("usage: stats_leak URI [CALLS]")?;
    let calls: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10_000);
    ffi::init();

    let conn = ffi::Conn::open_read_only(&uri)?;
    let mut records = 0usize;
    for _ in 0..100 {
        records = conn.all_domain_stats(CORE_GROUPS, 0)?.len();
    }
    let (before, t) = (rss_kib(), Instant::now());
    for _ in 0..calls {
        let list = conn.all_domain_stats(CORE_GROUPS, 0)?;
        std::hint::black_box(list.iter().map(|r| r.params().count()).sum::<usize>());
    }
    let ours = (rss_kib() - before, t.elapsed());
    drop(conn);

    let vconn = virt::connect::Connect::open_read_only(Some(&uri))?;
    for _ in 0..100 {
        std::hint::black_box(vconn.all_domain_stats(CORE_GROUPS, 0)?.len());
    }
    let (before, t) = (rss_kib(), Instant::now());
    for _ in 0..calls {
        std::hint::black_box(vconn.all_domain_stats(CORE_GROUPS, 0)?.len());
    }
    let theirs = (rss_kib().saturating_sub(before), t.elapsed());

    println!("{uri}: {records} domains, {calls} bulk-stats calls after 100 warm-up calls");
    println!(
        "  ffi::Conn::all_domain_stats (virDomainStatsRecordListFree): RSS +{} KiB in {:.1?}",
        ours.0, ours.1
    );
    println!(
        "  virt 0.5 Connect::all_domain_stats:                         RSS +{} KiB in {:.1?}",
        theirs.0, theirs.1
    );
    Ok(())
}
