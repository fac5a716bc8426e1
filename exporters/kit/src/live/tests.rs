use metric_defs::{MetricDef, Unit};

use super::*;
use crate::encode::Format;

const C: MetricDef = MetricDef::counter("t_events_total", "Events.", &["kind"], Unit::None);
const G: MetricDef = MetricDef::gauge("t_level_ratio", "Level.", &[], Unit::Ratio);
const H: MetricDef = MetricDef::histogram(
    "t_wait_seconds",
    "Wait.",
    &["q"],
    Unit::Seconds,
    &[0.1, 1.0],
);

fn scrape(r: &Registry) -> String {
    let mut w = MetricWriter::new(Format::Text, Vec::new());
    r.collect(&mut w).unwrap();
    String::from_utf8(w.into_inner()).unwrap()
}

#[test]
fn handles_record_and_encode() {
    handles_record(Registry::new("t"));
    handles_record(Registry::sharded("t"));
}

fn handles_record(r: Registry) {
    let c = r.counter(&C);
    let a = c.with_labels(&["a"]).unwrap();
    a.inc();
    a.inc_by(4);
    c.with_labels(&["a"]).unwrap().inc();
    c.with_labels(&["b"]).unwrap().inc_by(2);
    let g = r.gauge(&G).with_labels(&[]).unwrap();
    g.set(0.5);
    g.add(0.25);
    let h = r.histogram(&H).with_labels(&["x"]).unwrap();
    for v in [0.05, 0.1, 0.5, 3.0] {
        h.observe(v);
    }
    assert_eq!(a.get(), 6);
    assert_eq!(h.count(), 4);
    assert_eq!(
        scrape(&r),
        "# HELP t_events_total Events.\n# TYPE t_events_total counter\n\
         t_events_total{kind=\"a\"} 6\nt_events_total{kind=\"b\"} 2\n\
         # HELP t_level_ratio Level.\n# TYPE t_level_ratio gauge\nt_level_ratio 0.75\n\
         # HELP t_wait_seconds Wait.\n# TYPE t_wait_seconds histogram\n\
         t_wait_seconds_bucket{q=\"x\",le=\"0.1\"} 2\nt_wait_seconds_bucket{q=\"x\",le=\"1.0\"} 3\n\
         t_wait_seconds_bucket{q=\"x\",le=\"+Inf\"} 4\nt_wait_seconds_sum{q=\"x\"} 3.65\n\
         t_wait_seconds_count{q=\"x\"} 4\n"
    );
}

#[test]
fn cardinality_cap_and_arity() {
    let r = Registry::new("t");
    let c = r.counter(&C);
    c.set_max_series(2);
    c.with_labels(&["a"]).unwrap();
    c.with_labels(&["b"]).unwrap();
    assert_eq!(
        c.with_labels(&["c"]).err(),
        Some(LabelError::Cardinality {
            metric: "t_events_total",
            max: 2
        })
    );
    // Existing series are still reachable past the cap.
    assert!(c.with_labels(&["a"]).is_ok());
    assert_eq!(
        c.with_labels(&[]).err(),
        Some(LabelError::Arity {
            metric: "t_events_total",
            expected: 1,
            got: 0
        })
    );
    assert!(c.remove(&["a"]));
    assert!(!c.remove(&["a"]));
    assert_eq!(c.len(), 1);
    c.with_labels(&["c"]).unwrap().inc();
    assert_eq!(r.series_count(), 2);
    assert!(scrape(&r).contains("t_events_total{kind=\"b\"} 0\nt_events_total{kind=\"c\"} 1\n"));
}

#[test]
fn concurrent_increments_are_not_lost() {
    concurrent_increments(Registry::new("t"));
    concurrent_increments(Registry::sharded("t"));
}

fn concurrent_increments(r: Registry) {
    let c = r.counter(&C).with_labels(&["a"]).unwrap();
    let h = r.histogram(&H).with_labels(&["x"]).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..100_000 {
                    c.inc();
                    h.observe(0.5);
                }
            });
        }
    });
    assert_eq!(c.get(), 400_000);
    assert_eq!(h.count(), 400_000);
    assert_eq!(h.sum(), 200_000.0);
}

#[test]
fn more_threads_than_shards_share_shards_without_losing_counts() {
    more_threads_than_shards(Registry::new("t"));
    more_threads_than_shards(Registry::sharded("t"));
}

fn more_threads_than_shards(r: Registry) {
    let c = r.counter(&C).with_labels(&["a"]).unwrap();
    let h = r.histogram(&H).with_labels(&["x"]).unwrap();
    let threads = 2 * super::cells::SHARDS;
    std::thread::scope(|s| {
        for i in 0..threads {
            let (c, h) = (c.clone(), h.clone());
            s.spawn(move || {
                for _ in 0..10_000 {
                    c.inc_by(2);
                    h.observe(if i % 2 == 0 { 0.0625 } else { 2.0 });
                }
            });
        }
    });
    let n = threads as u64 * 10_000;
    assert_eq!(c.get(), 2 * n);
    assert_eq!(h.count(), n);
    assert_eq!(h.sum(), (n / 2) as f64 * 0.0625 + (n / 2) as f64 * 2.0);
    let text = scrape(&r);
    assert!(text.contains(&format!("t_events_total{{kind=\"a\"}} {}\n", 2 * n)));
    assert!(text.contains(&format!(
        "t_wait_seconds_bucket{{q=\"x\",le=\"0.1\"}} {}\nt_wait_seconds_bucket{{q=\"x\",le=\"1.0\"}} {}\nt_wait_seconds_bucket{{q=\"x\",le=\"+Inf\"}} {n}\n",
        n / 2,
        n / 2
    )));
}
