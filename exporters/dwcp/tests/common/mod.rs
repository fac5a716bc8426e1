//! Shared test harness: starts the real `dwcp-exporter` binary on free
//! loopback ports (killed on drop), scrapes it, and the table of events with
//! the exact series changes each must make.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dwcp_exporter::client;
use metric_defs::dwcp as defs;

pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A running `dwcp-exporter`; killed when dropped.
pub struct Proc {
    child: Child,
    pub base: String,
    pub udp: Option<String>,
    pub unix: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn free_udp_addr() -> String {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string()
}

impl Proc {
    /// Starts the exporter with HTTP only plus `extra` flags.
    pub fn start(extra: &[&str]) -> Proc {
        Self::start_with(false, extra)
    }

    /// Starts the exporter with UDP and unix-socket ingestion as well.
    pub fn start_with_datagrams(extra: &[&str]) -> Proc {
        Self::start_with(true, extra)
    }

    fn start_with(datagrams: bool, extra: &[&str]) -> Proc {
        let dir = tempfile::tempdir().unwrap();
        let port = free_tcp_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwcp-exporter"));
        cmd.arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let (mut udp, mut unix) = (None, None);
        if datagrams {
            let u = free_udp_addr();
            let path = dir.path().join("events.sock");
            cmd.arg(format!("--ingest.udp-address={u}"))
                .arg(format!("--ingest.unix-socket={}", path.display()));
            udp = Some(u);
            unix = Some(path);
        }
        let child = cmd.spawn().expect("start dwcp-exporter");
        let p = Proc {
            child,
            base: format!("http://127.0.0.1:{port}"),
            udp,
            unix,
            _dir: dir,
        };
        p.wait_ready();
        p
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(r) = client::get(
                &format!("{}/-/ready", self.base),
                &[],
                Duration::from_secs(1),
            ) {
                if r.status == 200 {
                    if let Some(p) = &self.unix {
                        if !p.exists() {
                            std::thread::sleep(Duration::from_millis(20));
                            continue;
                        }
                    }
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("dwcp-exporter not ready within {TIMEOUT:?}");
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "no exit within {TIMEOUT:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `GET /metrics` (text format) as text.
    pub fn metrics_text(&self) -> String {
        let r = client::get(&format!("{}/metrics", self.base), &[], TIMEOUT).unwrap();
        assert_eq!(r.status, 200);
        r.body
    }

    /// Every sample of a scrape, keyed by `name{labels}`.
    pub fn scrape(&self) -> BTreeMap<String, f64> {
        parse_samples(&self.metrics_text())
    }

    /// Posts a batch to `/api/v1/events`.
    pub fn post(&self, body: &str) -> client::Response {
        client::post(
            &format!("{}/api/v1/events", self.base),
            body.as_bytes(),
            TIMEOUT,
        )
        .unwrap()
    }

    /// Status of `GET path`.
    pub fn get_status(&self, path: &str) -> u16 {
        client::get(&format!("{}{path}", self.base), &[], TIMEOUT)
            .unwrap()
            .status
    }

    /// Scrapes until `cond` holds on the samples (bounded by [`TIMEOUT`]),
    /// then returns a fresh scrape: one scrape reads families one after the
    /// other, so the one that satisfied `cond` may predate updates to
    /// families it read earlier.
    pub fn wait_for(
        &self,
        what: &str,
        cond: impl Fn(&BTreeMap<String, f64>) -> bool,
    ) -> BTreeMap<String, f64> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if cond(&self.scrape()) {
                return self.scrape();
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses text-format samples into `name{labels} -> value`.
pub fn parse_samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_string(), v.parse::<f64>().ok()?))
        })
        .collect()
}

/// DWCP protocol series (not the exporter's own) that are new or changed,
/// with their change (new series: their value).
pub fn diff(
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
) -> BTreeMap<String, f64> {
    after
        .iter()
        .filter(|(k, _)| k.starts_with("dwcp_") && !k.starts_with("dwcp_exporter_"))
        .filter_map(|(k, v)| match before.get(k) {
            Some(b) if b == v => None,
            Some(b) => Some((k.clone(), round(v - b))),
            None => Some((k.clone(), *v)),
        })
        .collect()
}

fn round(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// The series one observation of `v` adds to a histogram.
pub fn hist(name: &str, labels: &str, bounds: &[f64], v: f64) -> Vec<(String, f64)> {
    let sep = if labels.is_empty() { "" } else { "," };
    let mut out: Vec<(String, f64)> = bounds
        .iter()
        .map(|b| {
            (
                format!("{name}_bucket{{{labels}{sep}le=\"{b:?}\"}}"),
                if v <= *b { 1.0 } else { 0.0 },
            )
        })
        .collect();
    out.push((format!("{name}_bucket{{{labels}{sep}le=\"+Inf\"}}"), 1.0));
    let braces = |s: &str| {
        if labels.is_empty() {
            s.to_string()
        } else {
            format!("{s}{{{labels}}}")
        }
    };
    out.push((braces(&format!("{name}_sum")), v));
    out.push((braces(&format!("{name}_count")), 1.0));
    out
}

/// Each event line, with the exact series changes it must make when sent
/// in this order to a fresh exporter. Zero-valued buckets of a histogram
/// that already existed do not show as changes, so they are filtered out
/// for later observations by the caller via [`expect_of`].
pub fn cases() -> Vec<(&'static str, Vec<(String, f64)>)> {
    let s = |k: &str, v: f64| (k.to_string(), v);
    let mut compression = vec![
        s(
            "dwcp_hde_original_bytes_total{data_type=\"vm_memory\"}",
            4000.0,
        ),
        s(
            "dwcp_hde_compressed_bytes_total{data_type=\"vm_memory\"}",
            1000.0,
        ),
        s("dwcp_hde_compression_ratio{data_type=\"vm_memory\"}", 4.0),
        s("dwcp_hde_delta_hits_total{data_type=\"vm_memory\"}", 1.0),
        s("dwcp_hde_delta_misses_total{data_type=\"vm_memory\"}", 0.0),
        s("dwcp_hde_baselines{data_type=\"vm_memory\"}", 0.0),
    ];
    compression.extend(hist(
        "dwcp_hde_encode_duration_seconds",
        "data_type=\"vm_memory\"",
        defs::FAST_BUCKETS,
        0.002,
    ));
    let mut migration = hist(
        "dwcp_migration_duration_seconds",
        "mode=\"dwcp\",vm_size=\"large\",result=\"success\"",
        defs::SLOW_BUCKETS,
        12.5,
    );
    migration.retain(|_| true);
    let mut federation = hist(
        "dwcp_federation_sync_duration_seconds",
        "peer_cluster=\"cluster-b\"",
        defs::SLOW_BUCKETS,
        0.8,
    );
    federation.push(s(
        "dwcp_federation_bandwidth_saved_bytes_total{peer_cluster=\"cluster-b\"}",
        100000.0,
    ));
    vec![
        (
            "stream_start",
            vec![
                s("dwcp_amst_streams_opened_total", 1.0),
                s("dwcp_amst_streams_active", 1.0),
            ],
        ),
        (
            "stream_data sent=1000 received=24",
            vec![
                s("dwcp_amst_sent_bytes_total", 1000.0),
                s("dwcp_amst_received_bytes_total", 24.0),
            ],
        ),
        (
            "stream_error kind=timeout count=2",
            vec![s("dwcp_amst_stream_errors_total{error_type=\"timeout\"}", 2.0)],
        ),
        ("stream_end", vec![s("dwcp_amst_streams_active", -1.0)]),
        (
            "stream_latency seconds=0.003",
            hist(
                "dwcp_amst_stream_latency_seconds",
                "",
                defs::FAST_BUCKETS,
                0.003,
            ),
        ),
        (
            "bandwidth_utilization ratio=0.5",
            vec![s("dwcp_amst_bandwidth_utilization_ratio", 0.5)],
        ),
        (
            "compression_complete data_type=vm_memory original=4000 compressed=1000 delta_hit=1 seconds=0.002",
            compression,
        ),
        (
            "baseline_update data_type=vm_memory count=3",
            vec![s("dwcp_hde_baselines{data_type=\"vm_memory\"}", 3.0)],
        ),
        (
            "migration_complete mode=dwcp vm_size=large result=success seconds=12.5",
            migration,
        ),
        (
            "migration_speedup vm_size=large factor=2.5",
            vec![s("dwcp_migration_speedup_factor{vm_size=\"large\"}", 2.5)],
        ),
        (
            "federation_sync peer=cluster-b seconds=0.8 bytes_saved=100000",
            federation,
        ),
        (
            "component_health component=amst healthy=1",
            vec![s("dwcp_component_health{component=\"amst\"}", 1.0)],
        ),
        (
            "feature_enabled feature=hde enabled=1",
            vec![s("dwcp_feature_enabled{feature=\"hde\"}", 1.0)],
        ),
        ("info version=1.0.0", vec![s("dwcp_info{version=\"1.0.0\"}", 1.0)]),
    ]
}

/// The expected change map of a case, given the series that existed before
/// (a zero change to an existing series is no change).
pub fn expect_of(
    before: &BTreeMap<String, f64>,
    changes: &[(String, f64)],
) -> BTreeMap<String, f64> {
    changes
        .iter()
        .filter(|(k, v)| *v != 0.0 || !before.contains_key(k))
        .cloned()
        .collect()
}

/// Sends every case through `send`, checking each one's exact effect.
pub fn check_all_cases(p: &Proc, transport: &str, send: impl Fn(&str)) {
    let received = format!("dwcp_exporter_events_received_total{{transport=\"{transport}\"}}");
    for (i, (line, changes)) in cases().into_iter().enumerate() {
        let before = p.scrape();
        send(line);
        let after = p.wait_for(line, |s| s.get(&received) == Some(&((i + 1) as f64)));
        assert_eq!(
            diff(&before, &after),
            expect_of(&before, &changes),
            "{transport}: {line}"
        );
    }
}
