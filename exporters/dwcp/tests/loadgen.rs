//! `dwcp-loadgen` against a real `dwcp-exporter`: every one of the 21 DWCP
//! families gets series, all non-zero except the error counter.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Proc;
use metric_defs::{dwcp as defs, MetricType};

#[test]
fn loadgen_fills_all_21_families_with_measured_values() {
    let p = Proc::start(&[]);
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut lg = Kill(
        Command::new(env!("CARGO_BIN_EXE_dwcp-loadgen"))
            .args([
                "--exporter",
                &p.base,
                "--duration",
                "20",
                "--image-size",
                "2MiB",
                "--state-size",
                "256K",
                "--streams",
                "3",
                "--log.level",
                "warn",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );

    // While the run goes on (its control stream is open), every family must
    // have series; wait for two completed rounds (delta hits need a baseline).
    let deadline = Instant::now() + Duration::from_secs(30);
    let s = loop {
        let s = p.scrape();
        let rounds = s
            .get("dwcp_migration_duration_seconds_count{mode=\"dwcp\",vm_size=\"small\",result=\"success\"}")
            .copied()
            .unwrap_or(0.0);
        if rounds >= 2.0 {
            break s;
        }
        assert!(Instant::now() < deadline, "loadgen made no 2 rounds in 30s");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(lg.0.try_wait().unwrap().is_none(), "loadgen exited early");
    for def in defs::PROTOCOL {
        let prefix = match def.kind {
            MetricType::Histogram => format!("{}_count", def.name),
            _ => def.name.to_string(),
        };
        let series: Vec<(&String, &f64)> = s
            .iter()
            .filter(|(k, _)| *k == &prefix || k.starts_with(&format!("{prefix}{{")))
            .collect();
        assert!(!series.is_empty(), "{} has no series", def.name);
        if def.name != defs::AMST_STREAM_ERRORS.name {
            for (k, v) in series {
                assert!(*v > 0.0, "{k} is {v}, expected a measured non-zero value");
            }
        }
    }
    assert_eq!(s["dwcp_amst_stream_errors_total{error_type=\"io\"}"], 0.0);
    assert_eq!(
        s["dwcp_amst_stream_errors_total{error_type=\"verify\"}"],
        0.0
    );
    // The control stream stays open for the whole run.
    assert!(s["dwcp_amst_streams_active"] >= 1.0);
    let ratio = s["dwcp_hde_compression_ratio{data_type=\"vm_memory\"}"];
    assert!(ratio > 1.0, "compression ratio {ratio}");
    assert!(s["dwcp_hde_delta_hits_total{data_type=\"vm_memory\"}"] >= 3.0);
    assert_eq!(
        s["dwcp_hde_delta_misses_total{data_type=\"vm_memory\"}"],
        3.0
    );
    assert_eq!(
        s["dwcp_exporter_events_rejected_total{reason=\"unknown_event\"}"],
        0.0
    );
}
