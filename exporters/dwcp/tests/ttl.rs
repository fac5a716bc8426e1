//! `--series.ttl` expires idle gauge and histogram series, not counters.

mod common;

use std::time::{Duration, Instant};

use common::Proc;

#[test]
fn idle_series_expire_but_counters_stay() {
    let p = Proc::start(&["--series.ttl=1s"]);
    let batch = "component_health component=gone healthy=1\n\
                 federation_sync peer=old seconds=0.5 bytes_saved=10\n";
    // Taken before the events are applied: they cannot expire before start + TTL.
    let start = Instant::now();
    assert_eq!(p.post(batch).status, 200);
    let s = p.scrape();
    assert_eq!(s["dwcp_component_health{component=\"gone\"}"], 1.0);
    assert_eq!(
        s["dwcp_federation_sync_duration_seconds_count{peer_cluster=\"old\"}"],
        1.0
    );
    // Keep one label set alive by updating it.
    let s = loop {
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            p.post("component_health component=alive healthy=1\n")
                .status,
            200
        );
        let s = p.scrape();
        if !s.contains_key("dwcp_component_health{component=\"gone\"}") {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "series never expired"
        );
    };
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "expired before the TTL"
    );
    assert_eq!(s["dwcp_component_health{component=\"alive\"}"], 1.0);
    assert!(!s.contains_key("dwcp_federation_sync_duration_seconds_count{peer_cluster=\"old\"}"));
    assert_eq!(
        s["dwcp_federation_bandwidth_saved_bytes_total{peer_cluster=\"old\"}"],
        10.0
    );
}
