//! Where `dwcp-loadgen` reports: in-process through the library, or as
//! event batches to a dwcp-exporter's HTTP ingestion.

use std::fmt::Write as _;
use std::time::Duration;

use crate::client;
use crate::event::Event;
use crate::ingest::{Ingest, Transport};

/// Destination of the workload's events.
pub enum Sink {
    /// Applied in-process to the library's handles.
    Local(Box<Ingest>),
    /// Buffered and posted to `url` on [`Sink::flush`].
    Http {
        /// The exporter's `/api/v1/events` URL.
        url: String,
        /// Lines not yet sent.
        buf: String,
    },
}

impl Sink {
    /// Posts to the exporter at `base` (`http://host:port`, with or without the path).
    pub fn http(base: &str) -> Self {
        let base = base.trim_end_matches('/');
        let url = if base.ends_with(crate::http::EVENTS_PATH) {
            base.to_string()
        } else {
            format!("{base}{}", crate::http::EVENTS_PATH)
        };
        Sink::Http {
            url,
            buf: String::new(),
        }
    }

    /// Records one event.
    pub fn emit(&mut self, e: Event<'_>) {
        match self {
            Sink::Local(i) => {
                i.apply(&e, Transport::Local);
            }
            Sink::Http { buf, .. } => {
                let _ = writeln!(buf, "{e}");
            }
        }
    }

    /// Sends buffered events (HTTP); an error says what the exporter answered.
    pub fn flush(&mut self) -> Result<(), String> {
        let Sink::Http { url, buf } = self else {
            return Ok(());
        };
        if buf.is_empty() {
            return Ok(());
        }
        let r = client::post(url, buf.as_bytes(), Duration::from_secs(10))
            .map_err(|e| format!("POST {url}: {e}"))?;
        if r.status != 200 {
            return Err(format!(
                "POST {url}: HTTP {}: {}",
                r.status,
                r.body.trim_end()
            ));
        }
        buf.clear();
        Ok(())
    }
}
