//! `POST /api/v1/events`: a newline-delimited batch, applied all or nothing.

use std::fmt::Write as _;
use std::sync::Arc;

use exporter_kit::http::{Incoming, Request, Response, StatusCode};
use exporter_kit::routes::{json, read_body, text};
use exporter_kit::Body;

use crate::event::Reason;
use crate::ingest::{Ingest, Transport};

/// Path of the batch endpoint.
pub const EVENTS_PATH: &str = "/api/v1/events";
/// Bad lines listed in a 400 answer (all of them are counted).
const MAX_LISTED: usize = 20;

/// Handles one batch: 200 with `{"applied","dropped"}` when every line is
/// valid, 400 naming the bad lines (nothing applied), 413 when over `max_bytes`.
pub async fn handle(
    ingest: Arc<Ingest>,
    max_bytes: usize,
    req: Request<Incoming>,
) -> Response<Body> {
    let body = match read_body(req, max_bytes).await {
        Ok(b) => b,
        Err(resp) => {
            if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ingest.count_rejected(Reason::BatchTooLarge);
            }
            return resp;
        }
    };
    let work = tokio::task::spawn_blocking(move || {
        ingest.ingest_batch(&body, Transport::Http, MAX_LISTED)
    })
    .await;
    match work {
        Ok(Ok(a)) => json(
            StatusCode::OK,
            &serde_json::json!({"applied": a.applied, "dropped": a.dropped}),
        ),
        Ok(Err((bad, errors))) => {
            let mut msg = format!("batch rejected, nothing applied: {bad} invalid line(s)\n");
            for e in &errors {
                let _ = writeln!(msg, "line {}: {}", e.line, e.error);
            }
            if bad > errors.len() {
                let _ = writeln!(msg, "... and {} more", bad - errors.len());
            }
            text(StatusCode::BAD_REQUEST, msg)
        }
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "batch processing failed\n",
        ),
    }
}
