//! `dwcp-loadgen`: a real loopback workload that reports measured DWCP
//! metrics.
//!
//! Each round migrates a synthetic VM memory image between two endpoints on
//! 127.0.0.1, once the standard way (one TCP stream, raw bytes) and once the
//! DWCP way (N parallel TCP streams, zstd, only the pages that changed since
//! the receiver's baseline), verifies what arrived, then syncs a federation
//! state snapshot to a peer endpoint as a delta. Every number reported (bytes,
//! durations, compression ratios, speedup, utilization) is measured.

pub mod image;
pub mod report;
pub mod wire;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Parser;
use exporter_kit::WebArgs;

use crate::event::Event;
use crate::metrics::{Mode, Outcome};
use image::{changed_pages, digest, dirty, generate, Rng, PAGE};
pub use report::Sink;
use wire::{Control, Endpoint, StreamStats};

/// `dwcp-loadgen` flags.
#[derive(Debug, Parser)]
#[command(
    name = "dwcp-loadgen",
    version,
    about = "Moves a synthetic VM image over loopback TCP the standard way and the DWCP way (parallel streams, zstd, delta) and reports the measured DWCP metrics."
)]
pub struct Args {
    /// Base URL of a dwcp-exporter (e.g. http://127.0.0.1:9470) to send events
    /// to; without it, serve /metrics here through the library.
    #[arg(long, value_name = "URL")]
    pub exporter: Option<String>,

    /// Run for this many seconds (at least one round).
    #[arg(long, value_name = "SECONDS", conflicts_with = "migrations")]
    pub duration: Option<f64>,

    /// Run this many rounds (default 3 when --duration is not given).
    #[arg(long, value_name = "N")]
    pub migrations: Option<u64>,

    /// Parallel TCP streams of a DWCP migration.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub streams: usize,

    /// Size of the VM memory image (bytes; K, M, G, KiB, MiB, GiB suffixes).
    #[arg(long = "image-size", value_name = "BYTES", default_value = "64MiB", value_parser = parse_size)]
    pub image_size: u64,

    /// Fraction of the image's pages rewritten between rounds.
    #[arg(long = "dirty-fraction", value_name = "F", default_value_t = 0.05)]
    pub dirty_fraction: f64,

    /// Size of the federation state snapshot.
    #[arg(long = "state-size", value_name = "BYTES", default_value = "4MiB", value_parser = parse_size)]
    pub state_size: u64,

    /// zstd level of DWCP transfers.
    #[arg(long = "zstd-level", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(i32).range(1..=22))]
    pub zstd_level: i32,

    /// VM size class label (default: small < 256 MiB <= medium < 4 GiB <= large).
    #[arg(long = "vm-size", value_name = "CLASS")]
    pub vm_size: Option<String>,

    /// Peer cluster label of the federation sync.
    #[arg(
        long = "peer-cluster",
        value_name = "NAME",
        default_value = "loopback-peer"
    )]
    pub peer_cluster: String,

    /// Without --exporter: keep serving /metrics this many seconds after the workload.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    pub linger: f64,

    /// Emulate a WAN link of this many bytes/s (shared by the DWCP streams);
    /// unlimited loopback when not given.
    #[arg(long = "link-rate", value_name = "BYTES_PER_SEC", value_parser = parse_size)]
    pub link_rate: Option<u64>,

    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Web and logging flags (used when serving /metrics without --exporter).
    #[command(flatten)]
    pub web: WebArgs,
}

/// Parses `1048576`, `64MiB`, `64M`, `2G`, `512K` (binary multiples).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let at = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(at);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?}: expected a number of bytes, e.g. 64MiB"))?;
    let mult: u64 = match unit {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?} (use K, M, G, KiB, MiB, GiB)"
            ))
        }
    };
    n.checked_mul(mult)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?}: must be between 1 byte and 16 EiB"))
}

/// The size class of an image.
pub fn size_class(bytes: u64) -> &'static str {
    match bytes {
        b if b < 256 << 20 => "small",
        b if b < 4 << 30 => "medium",
        _ => "large",
    }
}

/// Measured figures of one round.
#[derive(Debug, Clone, Default)]
pub struct Round {
    /// Standard migration time.
    pub standard: Duration,
    /// DWCP migration time (delta, compression, transfer, apply).
    pub dwcp: Duration,
    /// Pages sent by DWCP.
    pub pages_sent: usize,
    /// Bytes DWCP put on the wire.
    pub dwcp_wire: u64,
    /// Page bytes DWCP compressed.
    pub dwcp_original: u64,
    /// Federation sync time.
    pub federation: Duration,
    /// Federation bytes saved.
    pub federation_saved: u64,
    /// Whether every transfer arrived intact.
    pub ok: bool,
}

impl Round {
    /// Standard time / DWCP time.
    pub fn speedup(&self) -> f64 {
        self.standard.as_secs_f64() / self.dwcp.as_secs_f64().max(1e-9)
    }
}

const VM_MEMORY: &str = "vm_memory";
const FEDERATION_STATE: &str = "federation_state";
/// Error kinds reported (created at zero so the series exist from the start).
const ERROR_KINDS: [&str; 2] = ["io", "verify"];
const COMPONENTS: [&str; 4] = ["amst", "hde", "migration", "federation"];
const FEATURES: [&str; 4] = ["amst", "hde", "delta_encoding", "federation"];

/// Runs the workload, reporting into `sink`; returns the measured rounds.
pub fn run(args: &Args, sink: &mut Sink) -> Result<Vec<Round>, String> {
    if args.streams == 0 || args.streams > 256 {
        return Err("--streams must be between 1 and 256".into());
    }
    if !(0.0..=1.0).contains(&args.dirty_fraction) {
        return Err("--dirty-fraction must be between 0 and 1".into());
    }
    let seconds_ok = |v: f64| v.is_finite() && v >= 0.0;
    if matches!(args.duration, Some(d) if !seconds_ok(d)) {
        return Err("--duration must be a number of seconds >= 0".into());
    }
    if !seconds_ok(args.linger) {
        return Err("--linger must be a number of seconds >= 0".into());
    }
    let pages = (args.image_size as usize).div_ceil(PAGE);
    let state_pages = (args.state_size as usize).div_ceil(PAGE);
    let vm_size = args
        .vm_size
        .clone()
        .unwrap_or_else(|| size_class(args.image_size).to_string());
    let migr = Endpoint::start().map_err(|e| format!("migration endpoint: {e}"))?;
    let peer = Endpoint::start().map_err(|e| format!("peer endpoint: {e}"))?;

    sink.emit(Event::Info {
        version: env!("CARGO_PKG_VERSION"),
    });
    for f in FEATURES {
        sink.emit(Event::FeatureEnabled {
            feature: f,
            enabled: true,
        });
    }
    for k in ERROR_KINDS {
        sink.emit(Event::StreamError { kind: k, count: 0 });
    }
    sink.flush()?;

    let mut rng = Rng::new(args.seed);
    let mut image = generate(pages, &mut rng);
    let mut state = generate(state_pages, &mut rng);
    let mut baseline: Option<Vec<u8>> = None;
    let mut state_baseline: Option<Vec<u8>> = None;

    let mut control = Control::open(peer.addr).map_err(|e| format!("control stream: {e}"))?;
    sink.emit(Event::StreamStart);

    let start = Instant::now();
    let mut rounds = Vec::new();
    loop {
        let i = rounds.len() as u64;
        let more = match (args.duration, args.migrations) {
            (Some(d), _) => i == 0 || start.elapsed().as_secs_f64() < d,
            (None, Some(n)) => i < n,
            (None, None) => i < 3,
        };
        if !more {
            break;
        }
        if i > 0 {
            dirty(&mut image, args.dirty_fraction, &mut rng);
            dirty(&mut state, args.dirty_fraction, &mut rng);
        }
        let r = round(
            args,
            sink,
            &vm_size,
            &migr,
            &peer,
            (&image, &mut baseline),
            (&state, &mut state_baseline),
        );
        match control.ping() {
            Ok(rtt) => {
                sink.emit(Event::StreamData {
                    sent: 8,
                    received: 8,
                });
                sink.emit(Event::StreamLatency {
                    seconds: rtt.as_secs_f64(),
                });
            }
            Err(e) => {
                tracing::warn!(err = %e, "control ping failed");
                sink.emit(Event::StreamError {
                    kind: "io",
                    count: 1,
                });
            }
        }
        sink.flush()?;
        println!(
            "round {}: standard {:.4}s, dwcp {:.4}s ({} of {pages} pages, {} wire bytes, ratio {:.2}), speedup {:.2}x, federation {:.4}s saved {} bytes{}",
            i + 1,
            r.standard.as_secs_f64(),
            r.dwcp.as_secs_f64(),
            r.pages_sent,
            r.dwcp_wire,
            r.dwcp_original as f64 / r.dwcp_wire.max(1) as f64,
            r.speedup(),
            r.federation.as_secs_f64(),
            r.federation_saved,
            if r.ok { "" } else { " (FAILED)" }
        );
        rounds.push(r);
    }
    drop(control);
    sink.emit(Event::StreamEnd);
    sink.flush()?;
    Ok(rounds)
}

/// Splits `pages` into `n` contiguous parts.
fn split(pages: &[u32], n: usize) -> Vec<&[u32]> {
    let per = pages.len().div_ceil(n).max(1);
    let mut parts: Vec<&[u32]> = pages.chunks(per).collect();
    while parts.len() < n {
        parts.push(&[]);
    }
    parts
}

/// Reports one stream's measured figures.
fn report_stream(sink: &mut Sink, data_type: &str, full: bool, r: &std::io::Result<StreamStats>) {
    sink.emit(Event::StreamStart);
    match r {
        Ok(s) => {
            sink.emit(Event::StreamData {
                sent: s.sent,
                received: s.received,
            });
            sink.emit(Event::StreamLatency {
                seconds: s.latency.as_secs_f64(),
            });
            sink.emit(Event::CompressionComplete {
                data_type,
                original: s.original,
                compressed: s.compressed,
                delta_hit: !full,
                seconds: s.encode.as_secs_f64(),
            });
        }
        Err(e) => {
            tracing::warn!(err = %e, "stream failed");
            sink.emit(Event::StreamError {
                kind: "io",
                count: 1,
            });
        }
    }
    sink.emit(Event::StreamEnd);
}

#[allow(clippy::too_many_arguments)]
fn round(
    args: &Args,
    sink: &mut Sink,
    vm_size: &str,
    migr: &Endpoint,
    peer: &Endpoint,
    (image, baseline): (&Vec<u8>, &mut Option<Vec<u8>>),
    (state, state_baseline): (&Vec<u8>, &mut Option<Vec<u8>>),
) -> Round {
    let mut out = Round::default();
    let rate = args.link_rate.map(|r| r as f64);

    // Standard: one stream, raw.
    let t = Instant::now();
    let std_result = wire::send_raw(migr.addr, image, rate);
    out.standard = t.elapsed();
    let std_ok = std_result.is_ok();
    if let Err(e) = &std_result {
        tracing::warn!(err = %e, "standard migration failed");
    }
    sink.emit(Event::MigrationComplete {
        mode: Mode::Standard,
        vm_size,
        result: if std_ok {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        seconds: out.standard.as_secs_f64(),
    });

    // DWCP: parallel streams, delta against the receiver's baseline, zstd.
    let t = Instant::now();
    let full = baseline.is_none();
    let changed = changed_pages(image, baseline.as_deref());
    let parts = split(&changed, args.streams);
    let per_stream = rate.map(|r| r / parts.len() as f64);
    let results: Vec<std::io::Result<StreamStats>> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| {
                let addr: SocketAddr = migr.addr;
                s.spawn(move || {
                    wire::send_delta(addr, image, part, full, args.zstd_level, per_stream)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("stream thread panicked")))
            })
            .collect()
    });
    // Every stream is acknowledged after the receiver applied its pages:
    // the migration is complete. Verification below is not timed.
    out.dwcp = t.elapsed();
    let streams_ok = results.iter().all(|r| r.is_ok());
    let verified = streams_ok && {
        let got = migr.image.lock().unwrap_or_else(|e| e.into_inner());
        digest(&got) == digest(image)
    };
    out.pages_sent = changed.len();
    for r in &results {
        report_stream(sink, VM_MEMORY, full, r);
        if let Ok(s) = r {
            out.dwcp_wire += s.sent;
            out.dwcp_original += s.original;
        }
    }
    if streams_ok && !verified {
        sink.emit(Event::StreamError {
            kind: "verify",
            count: 1,
        });
    }
    if verified {
        *baseline = Some(image.clone());
    } else {
        *baseline = None;
    }
    sink.emit(Event::BaselineUpdate {
        data_type: VM_MEMORY,
        count: baseline.is_some() as u64 + state_baseline.is_some() as u64,
    });
    sink.emit(Event::MigrationComplete {
        mode: Mode::Dwcp,
        vm_size,
        result: if verified {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        seconds: out.dwcp.as_secs_f64(),
    });
    if std_ok && verified {
        sink.emit(Event::MigrationSpeedup {
            vm_size,
            factor: out.speedup(),
        });
        // Utilization: DWCP's wire throughput against the link capacity the
        // raw single-stream transfer just measured.
        let capacity = (image.len() as f64 + 9.0) / out.standard.as_secs_f64().max(1e-9);
        let used = out.dwcp_wire as f64 / out.dwcp.as_secs_f64().max(1e-9);
        sink.emit(Event::BandwidthUtilization {
            ratio: (used / capacity).clamp(0.0, 1.0),
        });
    }

    // Federation: the state snapshot as a delta to the peer cluster.
    let t = Instant::now();
    let sfull = state_baseline.is_none();
    let schanged = changed_pages(state, state_baseline.as_deref());
    let fr = wire::send_delta(peer.addr, state, &schanged, sfull, args.zstd_level, rate);
    out.federation = t.elapsed();
    let fed_ok = fr.is_ok() && {
        let got = peer.image.lock().unwrap_or_else(|e| e.into_inner());
        digest(&got) == digest(state)
    };
    report_stream(sink, FEDERATION_STATE, sfull, &fr);
    if let Ok(s) = &fr {
        out.federation_saved = (state.len() as u64).saturating_sub(s.sent);
    }
    *state_baseline = if fed_ok { Some(state.clone()) } else { None };
    if fed_ok {
        sink.emit(Event::FederationSync {
            peer: &args.peer_cluster,
            seconds: out.federation.as_secs_f64(),
            bytes_saved: out.federation_saved,
        });
    } else if fr.is_ok() {
        sink.emit(Event::StreamError {
            kind: "verify",
            count: 1,
        });
    }
    sink.emit(Event::BaselineUpdate {
        data_type: FEDERATION_STATE,
        count: state_baseline.is_some() as u64,
    });

    for (c, healthy) in COMPONENTS
        .iter()
        .zip([streams_ok, verified, std_ok && verified, fed_ok])
    {
        sink.emit(Event::ComponentHealth {
            component: c,
            healthy,
        });
    }
    out.ok = std_ok && verified && fed_ok;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_classes() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(
            parse_size("3T"),
            Err("\"3T\": unknown unit \"T\" (use K, M, G, KiB, MiB, GiB)".into())
        );
        assert_eq!(size_class(64 << 20), "small");
        assert_eq!(size_class(1 << 30), "medium");
        assert_eq!(size_class(8 << 30), "large");
    }

    #[test]
    fn split_covers_every_page_once() {
        let pages: Vec<u32> = (0..10).collect();
        let parts = split(&pages, 4);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts.concat(), pages);
        assert_eq!(split(&[], 3), vec![&[] as &[u32]; 3]);
    }
}
