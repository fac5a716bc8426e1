//! The event text protocol: one event per line, `NAME key=value ...`.
//!
//! ```text
//! stream_data sent=1048576 received=4096
//! compression_complete data_type=vm_memory original=4194304 compressed=1048576 delta_hit=1 seconds=0.0042
//! ```
//!
//! Keys may come in any order; each must appear once. Label values are
//! 1-128 bytes of `A-Z a-z 0-9 _ . : / -`. Empty lines and lines starting
//! with `#` are ignored. A line is at most [`MAX_LINE`] bytes. The full
//! list is in `docs/dwcp-exporter.md`.

use std::fmt;

use crate::metrics::{Mode, Outcome};

/// Longest accepted line, in bytes (without the newline).
pub const MAX_LINE: usize = 1024;
/// Longest accepted label value, in bytes.
pub const MAX_LABEL: usize = 128;

/// One example line of every event, in protocol order.
pub const EXAMPLES: [&str; 14] = [
    "stream_start",
    "stream_data sent=1048576 received=4096",
    "stream_error kind=timeout count=1",
    "stream_end",
    "stream_latency seconds=0.0125",
    "bandwidth_utilization ratio=0.75",
    "compression_complete data_type=vm_memory original=4194304 compressed=1048576 delta_hit=1 seconds=0.0042",
    "baseline_update data_type=vm_memory count=2",
    "migration_complete mode=dwcp vm_size=large result=success seconds=12.5",
    "migration_speedup vm_size=large factor=2.5",
    "federation_sync peer=cluster-b seconds=0.8 bytes_saved=100000",
    "component_health component=amst healthy=1",
    "feature_enabled feature=hde enabled=1",
    "info version=1.0.0",
];

/// One DWCP event, borrowing its label values from the input line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event<'a> {
    /// `stream_start`: an AMST stream opened.
    StreamStart,
    /// `stream_data sent=N received=N`: payload bytes moved.
    StreamData {
        /// Bytes sent.
        sent: u64,
        /// Bytes received.
        received: u64,
    },
    /// `stream_error kind=K [count=N]`: N (default 1) stream errors of kind K.
    StreamError {
        /// Error kind (`error_type` label).
        kind: &'a str,
        /// Number of errors; 0 only makes the series visible.
        count: u64,
    },
    /// `stream_end`: an AMST stream closed.
    StreamEnd,
    /// `stream_latency seconds=F`: one stream transfer's round trip.
    StreamLatency {
        /// Seconds.
        seconds: f64,
    },
    /// `bandwidth_utilization ratio=F`: link use, 0-1.
    BandwidthUtilization {
        /// Fraction 0-1.
        ratio: f64,
    },
    /// `compression_complete data_type=T original=N compressed=N delta_hit=B seconds=F`.
    CompressionComplete {
        /// `data_type` label.
        data_type: &'a str,
        /// Bytes before encoding.
        original: u64,
        /// Bytes after encoding.
        compressed: u64,
        /// Whether a baseline was found.
        delta_hit: bool,
        /// Encode time in seconds.
        seconds: f64,
    },
    /// `baseline_update data_type=T count=N`: baselines now held.
    BaselineUpdate {
        /// `data_type` label.
        data_type: &'a str,
        /// Baselines held.
        count: u64,
    },
    /// `migration_complete mode=dwcp|standard vm_size=S result=success|failure seconds=F`.
    MigrationComplete {
        /// Transfer mode.
        mode: Mode,
        /// VM size class.
        vm_size: &'a str,
        /// Result.
        result: Outcome,
        /// Duration in seconds.
        seconds: f64,
    },
    /// `migration_speedup vm_size=S factor=F`.
    MigrationSpeedup {
        /// VM size class.
        vm_size: &'a str,
        /// Standard time / DWCP time.
        factor: f64,
    },
    /// `federation_sync peer=P seconds=F bytes_saved=N`.
    FederationSync {
        /// Peer cluster.
        peer: &'a str,
        /// Duration in seconds.
        seconds: f64,
        /// Bytes not sent thanks to delta sync.
        bytes_saved: u64,
    },
    /// `component_health component=C healthy=B`.
    ComponentHealth {
        /// Component.
        component: &'a str,
        /// Healthy or not.
        healthy: bool,
    },
    /// `feature_enabled feature=F enabled=B`.
    FeatureEnabled {
        /// Feature.
        feature: &'a str,
        /// Enabled or not.
        enabled: bool,
    },
    /// `info version=V`: sets `dwcp_info{version}` to 1.
    Info {
        /// Protocol version.
        version: &'a str,
    },
}

/// Why a line was rejected; the value of `dwcp_exporter_events_rejected_total{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The first word is not an event name.
    UnknownEvent,
    /// A required key is absent.
    MissingField,
    /// A key the event does not have, a repeated key, or a word without `=`.
    UnknownField,
    /// A value that does not parse or is out of range.
    InvalidValue,
    /// A line longer than [`MAX_LINE`].
    LineTooLong,
    /// Bytes that are not UTF-8.
    NotUtf8,
    /// An HTTP batch over the size limit.
    BatchTooLarge,
}

impl Reason {
    /// Every reason, in label order.
    pub const ALL: [Reason; 7] = [
        Reason::UnknownEvent,
        Reason::MissingField,
        Reason::UnknownField,
        Reason::InvalidValue,
        Reason::LineTooLong,
        Reason::NotUtf8,
        Reason::BatchTooLarge,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnknownEvent => "unknown_event",
            Reason::MissingField => "missing_field",
            Reason::UnknownField => "unknown_field",
            Reason::InvalidValue => "invalid_value",
            Reason::LineTooLong => "line_too_long",
            Reason::NotUtf8 => "not_utf8",
            Reason::BatchTooLarge => "batch_too_large",
        }
    }
}

/// A rejected line: the reason (for the counter) and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Counter label.
    pub reason: Reason,
    /// What was wrong, e.g. ``stream_data: missing field `received` ``.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn err(reason: Reason, message: String) -> ParseError {
    ParseError { reason, message }
}

/// Event names with their keys (all required except `stream_error`'s `count`).
const SPECS: &[(&str, &[&str])] = &[
    ("stream_start", &[]),
    ("stream_data", &["sent", "received"]),
    ("stream_error", &["kind", "count"]),
    ("stream_end", &[]),
    ("stream_latency", &["seconds"]),
    ("bandwidth_utilization", &["ratio"]),
    (
        "compression_complete",
        &[
            "data_type",
            "original",
            "compressed",
            "delta_hit",
            "seconds",
        ],
    ),
    ("baseline_update", &["data_type", "count"]),
    (
        "migration_complete",
        &["mode", "vm_size", "result", "seconds"],
    ),
    ("migration_speedup", &["vm_size", "factor"]),
    ("federation_sync", &["peer", "seconds", "bytes_saved"]),
    ("component_health", &["component", "healthy"]),
    ("feature_enabled", &["feature", "enabled"]),
    ("info", &["version"]),
];

const MAX_KEYS: usize = 6;

/// The key=value pairs of one line, checked against the event's keys.
struct Fields<'a> {
    event: &'static str,
    keys: &'static [&'static str],
    vals: [Option<&'a str>; MAX_KEYS],
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.keys
            .iter()
            .position(|k| *k == key)
            .and_then(|i| self.vals[i])
    }

    fn req(&self, key: &str) -> Result<&'a str, ParseError> {
        self.get(key).ok_or_else(|| {
            err(
                Reason::MissingField,
                format!("{}: missing field `{key}`", self.event),
            )
        })
    }

    fn invalid(&self, key: &str, v: &str, want: &str) -> ParseError {
        err(
            Reason::InvalidValue,
            format!("{}: `{key}={v}`: expected {want}", self.event),
        )
    }

    fn u64(&self, key: &str) -> Result<u64, ParseError> {
        let v = self.req(key)?;
        v.parse()
            .map_err(|_| self.invalid(key, v, "a non-negative integer"))
    }

    fn seconds(&self, key: &str) -> Result<f64, ParseError> {
        let v = self.req(key)?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
            _ => Err(self.invalid(key, v, "a finite number of seconds >= 0")),
        }
    }

    fn bool(&self, key: &str) -> Result<bool, ParseError> {
        match self.req(key)? {
            "1" | "true" => Ok(true),
            "0" | "false" => Ok(false),
            v => Err(self.invalid(key, v, "1, 0, true or false")),
        }
    }

    fn label(&self, key: &str) -> Result<&'a str, ParseError> {
        let v = self.req(key)?;
        let ok = !v.is_empty()
            && v.len() <= MAX_LABEL
            && v.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'/' | b'-')
            });
        if ok {
            Ok(v)
        } else {
            Err(self.invalid(key, v, "1-128 characters of A-Z a-z 0-9 _ . : / -"))
        }
    }
}

/// The error for a line of `len` bytes, over [`MAX_LINE`].
pub fn line_too_long(len: usize) -> ParseError {
    err(
        Reason::LineTooLong,
        format!("line of {len} bytes exceeds the limit of {MAX_LINE}"),
    )
}

/// Parses one line. `Ok(None)` for blank lines and `#` comments.
pub fn parse_line(line: &str) -> Result<Option<Event<'_>>, ParseError> {
    if line.len() > MAX_LINE {
        return Err(line_too_long(line.len()));
    }
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut words = line.split_ascii_whitespace();
    let name = words.next().unwrap_or_default();
    let Some(&(event, keys)) = SPECS.iter().find(|s| s.0 == name) else {
        return Err(err(
            Reason::UnknownEvent,
            format!(
                "unknown event `{}` (expected one of: {})",
                truncate(name),
                SPECS.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let mut f = Fields {
        event,
        keys,
        vals: [None; MAX_KEYS],
    };
    for w in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(err(
                Reason::UnknownField,
                format!("{event}: expected key=value, got `{}`", truncate(w)),
            ));
        };
        let Some(i) = keys.iter().position(|x| *x == k) else {
            return Err(err(
                Reason::UnknownField,
                format!(
                    "{event}: unknown field `{}` (fields: {})",
                    truncate(k),
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
            ));
        };
        if f.vals[i].replace(v).is_some() {
            return Err(err(
                Reason::UnknownField,
                format!("{event}: field `{k}` given twice"),
            ));
        }
    }
    let e = match event {
        "stream_start" => Event::StreamStart,
        "stream_end" => Event::StreamEnd,
        "stream_data" => Event::StreamData {
            sent: f.u64("sent")?,
            received: f.u64("received")?,
        },
        "stream_error" => Event::StreamError {
            kind: f.label("kind")?,
            count: match f.get("count") {
                Some(_) => f.u64("count")?,
                None => 1,
            },
        },
        "stream_latency" => Event::StreamLatency {
            seconds: f.seconds("seconds")?,
        },
        "bandwidth_utilization" => {
            let v = f.req("ratio")?;
            match v.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Event::BandwidthUtilization { ratio: r },
                _ => return Err(f.invalid("ratio", v, "a number from 0 to 1")),
            }
        }
        "compression_complete" => Event::CompressionComplete {
            data_type: f.label("data_type")?,
            original: f.u64("original")?,
            compressed: f.u64("compressed")?,
            delta_hit: f.bool("delta_hit")?,
            seconds: f.seconds("seconds")?,
        },
        "baseline_update" => Event::BaselineUpdate {
            data_type: f.label("data_type")?,
            count: f.u64("count")?,
        },
        "migration_complete" => {
            let m = f.req("mode")?;
            let mode = Mode::parse(m).ok_or_else(|| f.invalid("mode", m, "dwcp or standard"))?;
            let vm_size = f.label("vm_size")?;
            let r = f.req("result")?;
            let result =
                Outcome::parse(r).ok_or_else(|| f.invalid("result", r, "success or failure"))?;
            Event::MigrationComplete {
                mode,
                vm_size,
                result,
                seconds: f.seconds("seconds")?,
            }
        }
        "migration_speedup" => {
            let vm_size = f.label("vm_size")?;
            let v = f.req("factor")?;
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 => Event::MigrationSpeedup { vm_size, factor: x },
                _ => return Err(f.invalid("factor", v, "a finite number > 0")),
            }
        }
        "federation_sync" => Event::FederationSync {
            peer: f.label("peer")?,
            seconds: f.seconds("seconds")?,
            bytes_saved: f.u64("bytes_saved")?,
        },
        "component_health" => Event::ComponentHealth {
            component: f.label("component")?,
            healthy: f.bool("healthy")?,
        },
        "feature_enabled" => Event::FeatureEnabled {
            feature: f.label("feature")?,
            enabled: f.bool("enabled")?,
        },
        _ => Event::Info {
            version: f.label("version")?,
        },
    };
    Ok(Some(e))
}

/// Cuts user input quoted in messages to 64 characters.
fn truncate(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl fmt::Display for Event<'_> {
    /// The event as one protocol line (no newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = |v: bool| if v { 1 } else { 0 };
        match *self {
            Event::StreamStart => write!(f, "stream_start"),
            Event::StreamEnd => write!(f, "stream_end"),
            Event::StreamData { sent, received } => {
                write!(f, "stream_data sent={sent} received={received}")
            }
            Event::StreamError { kind, count } => {
                write!(f, "stream_error kind={kind} count={count}")
            }
            Event::StreamLatency { seconds } => write!(f, "stream_latency seconds={seconds}"),
            Event::BandwidthUtilization { ratio } => {
                write!(f, "bandwidth_utilization ratio={ratio}")
            }
            Event::CompressionComplete {
                data_type,
                original,
                compressed,
                delta_hit,
                seconds,
            } => write!(
                f,
                "compression_complete data_type={data_type} original={original} compressed={compressed} delta_hit={} seconds={seconds}",
                b(delta_hit)
            ),
            Event::BaselineUpdate { data_type, count } => {
                write!(f, "baseline_update data_type={data_type} count={count}")
            }
            Event::MigrationComplete {
                mode,
                vm_size,
                result,
                seconds,
            } => write!(
                f,
                "migration_complete mode={} vm_size={vm_size} result={} seconds={seconds}",
                mode.as_str(),
                result.as_str()
            ),
            Event::MigrationSpeedup { vm_size, factor } => {
                write!(f, "migration_speedup vm_size={vm_size} factor={factor}")
            }
            Event::FederationSync {
                peer,
                seconds,
                bytes_saved,
            } => write!(
                f,
                "federation_sync peer={peer} seconds={seconds} bytes_saved={bytes_saved}"
            ),
            Event::ComponentHealth { component, healthy } => write!(
                f,
                "component_health component={component} healthy={}",
                b(healthy)
            ),
            Event::FeatureEnabled { feature, enabled } => {
                write!(f, "feature_enabled feature={feature} enabled={}", b(enabled))
            }
            Event::Info { version } => write!(f, "info version={version}"),
        }
    }
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
