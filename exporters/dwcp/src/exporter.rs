//! The `dwcp-exporter` command line and startup: HTTP (metrics, health,
//! `POST /api/v1/events`), UDP and unix-datagram ingestion, series TTL.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use exporter_kit::http::Method;
use exporter_kit::{Exporter, ExporterInfo, Status, WebArgs};

use crate::datagram;
use crate::ingest::{Ingest, Ttl};
use crate::metrics::Dwcp;

/// Default HTTP listen address (the project's port for dwcp-exporter).
pub const DEFAULT_LISTEN: &str = ":9470";

/// `dwcp-exporter` flags.
#[derive(Debug, Parser)]
#[command(
    name = "dwcp-exporter",
    version,
    about = "Prometheus exporter for DWCP: receives DWCP events over HTTP, UDP and a unix datagram socket and exposes the 21 DWCP metrics."
)]
pub struct Args {
    /// Web and logging flags.
    #[command(flatten)]
    pub web: WebArgs,

    /// UDP address to receive events on (e.g. 127.0.0.1:9470); off when not given.
    #[arg(long = "ingest.udp-address", value_name = "ADDR")]
    pub udp_address: Option<String>,

    /// Unix datagram socket path to receive events on; off when not given.
    #[arg(long = "ingest.unix-socket", value_name = "PATH")]
    pub unix_socket: Option<PathBuf>,

    /// Largest accepted HTTP batch, in bytes.
    #[arg(long = "ingest.max-batch-bytes", value_name = "BYTES", default_value_t = 4 << 20)]
    pub max_batch_bytes: usize,

    /// Cap on label sets per metric; events that would create more are
    /// dropped and counted in dwcp_exporter_events_dropped_total{reason="cardinality"}.
    #[arg(
        long = "series.max-per-metric",
        value_name = "N",
        default_value_t = 1000
    )]
    pub max_series: usize,

    /// Remove labeled gauge and histogram series not updated for this long
    /// (e.g. 10m); off when not given.
    #[arg(long = "series.ttl", value_name = "DURATION", value_parser = parse_duration)]
    pub ttl: Option<Duration>,

    /// Let --series.ttl expire labeled counters too.
    #[arg(long = "series.ttl-counters", requires = "ttl")]
    pub ttl_counters: bool,
}

/// Parses `500ms`, `30s`, `10m`, `2h` (one number, one unit).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let at = s
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{s:?}: missing unit (ms, s, m or h)"))?;
    let (n, unit) = s.split_at(at);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?}: expected a whole number then ms, s, m or h"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    if d.is_zero() {
        return Err(format!("{s:?}: must be greater than zero"));
    }
    Ok(d)
}

/// Starts everything and serves until SIGTERM/SIGINT.
pub async fn run(args: Args) -> Result<(), String> {
    exporter_kit::init_logging(&args.web);
    if args.max_series == 0 {
        return Err("--series.max-per-metric must be at least 1".into());
    }
    let dwcp = Dwcp::new();
    let ttl = args.ttl.map(|ttl| Ttl {
        ttl,
        counters: args.ttl_counters,
    });
    let ingest = Arc::new(Ingest::new(dwcp.clone(), args.max_series, ttl));
    let mut exporter = Exporter::new(ExporterInfo {
        namespace: "dwcp_exporter",
        name: "DWCP exporter",
        version: env!("CARGO_PKG_VERSION"),
        self_metrics: &metric_defs::dwcp::SELF,
        default_listen: DEFAULT_LISTEN,
    });
    exporter.add_collector(dwcp.registry());
    exporter.add_collector(ingest.registry());
    let health = exporter.health();
    let (i, max) = (ingest.clone(), args.max_batch_bytes);
    exporter.route(Method::POST, crate::http::EVENTS_PATH, move |req| {
        crate::http::handle(i.clone(), max, req)
    });

    let mut receivers = Vec::new();
    if let Some(addr) = &args.udp_address {
        let (bound, r) = datagram::udp(addr, ingest.clone())
            .map_err(|e| format!("--ingest.udp-address {addr}: {e}"))?;
        tracing::info!(address = %bound, "receiving events over UDP");
        receivers.push(r);
    }
    if let Some(path) = &args.unix_socket {
        let r = datagram::unix(path, ingest.clone())
            .map_err(|e| format!("--ingest.unix-socket {}: {e}", path.display()))?;
        tracing::info!(path = %path.display(), "receiving events on a unix datagram socket");
        receivers.push(r);
    }
    health.set("ingest", Status::Healthy, "accepting events");

    let sweeper = ttl.map(|t| {
        let i = ingest.clone();
        let every = (t.ttl / 4).clamp(Duration::from_millis(100), Duration::from_secs(10));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let n = i.expire();
                if n > 0 {
                    tracing::debug!(expired = n, "expired idle series");
                }
            }
        })
    });
    let result = exporter.run(&args.web).await;
    if let Some(s) = sweeper {
        s.abort();
    }
    for r in receivers {
        r.stop();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(
            parse_duration("10"),
            Err("\"10\": missing unit (ms, s, m or h)".to_string())
        );
        assert_eq!(
            parse_duration("3d"),
            Err("\"3d\": unknown unit \"d\" (use ms, s, m or h)".to_string())
        );
        assert_eq!(
            parse_duration("0s"),
            Err("\"0s\": must be greater than zero".to_string())
        );
    }
}
