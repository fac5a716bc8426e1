//! HTTP batch ingestion against the real binary.

mod common;

use common::{diff, Proc};

#[test]
fn each_event_changes_exactly_its_series() {
    let p = Proc::start(&[]);
    common::check_all_cases(&p, "http", |line| {
        let r = p.post(line);
        assert_eq!(r.status, 200, "{line}: {}", r.body);
        assert_eq!(r.body, r#"{"applied":1,"dropped":0}"#);
    });
}

#[test]
fn a_bad_batch_is_rejected_whole_naming_its_lines() {
    let p = Proc::start(&[]);
    let before = p.scrape();
    let batch = "stream_start\n\
                 stream_data sent=10 received=5\n\
                 stream_data sent=10\n\
                 # comment\n\
                 component_health component=amst healthy=maybe\n\
                 stream_end\n";
    let r = p.post(batch);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        "batch rejected, nothing applied: 2 invalid line(s)\n\
         line 3: stream_data: missing field `received`\n\
         line 5: component_health: `healthy=maybe`: expected 1, 0, true or false\n"
    );
    let after = p.scrape();
    assert_eq!(
        diff(&before, &after).len(),
        0,
        "nothing of a rejected batch is applied"
    );
    let rej = |r: &str| after[&format!("dwcp_exporter_events_rejected_total{{reason=\"{r}\"}}")];
    assert_eq!(rej("missing_field"), 1.0);
    assert_eq!(rej("invalid_value"), 1.0);
    assert_eq!(rej("unknown_event"), 0.0);
    assert_eq!(
        after["dwcp_exporter_events_received_total{transport=\"http\"}"],
        0.0
    );

    // The same batch fixed is applied in full.
    let fixed = batch
        .replace("sent=10\n", "sent=10 received=0\n")
        .replace("maybe", "1");
    let r = p.post(&fixed);
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"applied":5,"dropped":0}"#)
    );
    let s = p.scrape();
    assert_eq!(s["dwcp_amst_streams_opened_total"], 1.0);
    assert_eq!(s["dwcp_amst_streams_active"], 0.0);
    assert_eq!(s["dwcp_amst_sent_bytes_total"], 20.0);
    assert_eq!(s["dwcp_amst_received_bytes_total"], 5.0);
    assert_eq!(s["dwcp_component_health{component=\"amst\"}"], 1.0);
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"http\"}"],
        5.0
    );
}

#[test]
fn many_bad_lines_are_all_counted_and_the_first_20_listed() {
    let p = Proc::start(&[]);
    let batch: String = (0..30).map(|i| format!("bogus_{i}\n")).collect();
    let r = p.post(&batch);
    assert_eq!(r.status, 400);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines[0],
        "batch rejected, nothing applied: 30 invalid line(s)"
    );
    assert!(lines[1].starts_with("line 1: unknown event `bogus_0` (expected one of: stream_start,"));
    assert_eq!(lines.len(), 22);
    assert_eq!(lines[21], "... and 10 more");
    let s = p.scrape();
    assert_eq!(
        s["dwcp_exporter_events_rejected_total{reason=\"unknown_event\"}"],
        30.0
    );
}

#[test]
fn an_oversized_batch_gets_413_and_is_counted() {
    let p = Proc::start(&["--ingest.max-batch-bytes=1000"]);
    let batch = "stream_start\n".repeat(100);
    let r = p.post(&batch);
    assert_eq!(r.status, 413);
    assert_eq!(
        r.body,
        "request body of 1300 bytes exceeds the limit of 1000 bytes\n"
    );
    let s = p.scrape();
    assert_eq!(
        s["dwcp_exporter_events_rejected_total{reason=\"batch_too_large\"}"],
        1.0
    );
    assert_eq!(s.get("dwcp_amst_streams_opened_total"), Some(&0.0));
    let r = p.get_status("/api/v1/events");
    assert_eq!(r, 405);
}

#[test]
fn the_cardinality_cap_drops_and_counts_new_label_sets() {
    let p = Proc::start(&["--series.max-per-metric=3"]);
    let batch: String = (0..5)
        .map(|i| format!("component_health component=c{i} healthy=1\n"))
        .collect();
    let r = p.post(&batch);
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"applied":3,"dropped":2}"#)
    );
    // Existing label sets keep working past the cap.
    let r = p
        .post("component_health component=c0 healthy=0\ncomponent_health component=c9 healthy=1\n");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"applied":1,"dropped":1}"#)
    );
    let s = p.scrape();
    let series: Vec<_> = s
        .keys()
        .filter(|k| k.starts_with("dwcp_component_health{"))
        .collect();
    assert_eq!(
        series,
        [
            "dwcp_component_health{component=\"c0\"}",
            "dwcp_component_health{component=\"c1\"}",
            "dwcp_component_health{component=\"c2\"}"
        ]
    );
    assert_eq!(s["dwcp_component_health{component=\"c0\"}"], 0.0);
    assert_eq!(
        s["dwcp_exporter_events_dropped_total{reason=\"cardinality\"}"],
        3.0
    );
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"http\"}"],
        4.0
    );
}
