//! The blackbox-compatible `/probe?target=...&module=...` endpoint: one probe
//! per request, answered with the same core `probe_*` families as
//! blackbox_exporter, for people moving over.

use std::time::Duration;

use exporter_kit::encode::{Format, MetricWriter};
use exporter_kit::http::{header, Request, StatusCode};
use exporter_kit::routes;
use exporter_kit::Body;
use hyper::Response;
use metric_defs::sla as defs;

use crate::config::{parse_host_port, parse_url, Address, Config, Prober};
use crate::probe::{self, Outcome};

/// Seconds subtracted from Prometheus' scrape timeout, as blackbox does.
const TIMEOUT_OFFSET: f64 = 0.5;

/// Decodes `%XX` escapes and `+` in a query component.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| percent_decode(v))
    })
}

/// Handles one `/probe` request against the modules of `cfg`.
pub async fn handle<B>(cfg: &Config, req: Request<B>) -> Response<Body> {
    let query = req.uri().query().unwrap_or("");
    let Some(target) = param(query, "target").filter(|t| !t.is_empty()) else {
        return routes::text(StatusCode::BAD_REQUEST, "Target parameter is missing\n");
    };
    let module_name = param(query, "module").unwrap_or_else(|| "http_2xx".into());
    let Some(module) = cfg.modules.get(&module_name) else {
        return routes::text(
            StatusCode::BAD_REQUEST,
            format!("Unknown module {module_name:?}\n"),
        );
    };
    let address = match module.prober {
        Prober::Tcp(_) => parse_host_port(&target).map(|(h, p)| Address::HostPort(h, p)),
        _ => {
            let full = if target.contains("://") {
                target.clone()
            } else {
                format!("http://{target}")
            };
            parse_url(&full).ok().map(Address::Url)
        }
    };
    let Some(address) = address else {
        return routes::text(
            StatusCode::BAD_REQUEST,
            format!("Invalid target {target:?} for module {module_name:?}\n"),
        );
    };
    let scrape_timeout = req
        .headers()
        .get("X-Prometheus-Scrape-Timeout-Seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0);
    let timeout = match scrape_timeout {
        Some(s) => Duration::from_secs_f64((s - TIMEOUT_OFFSET).clamp(0.1, 120.0)),
        None => cfg.default_timeout,
    };
    let o = probe::run(module, &address, timeout).await;
    if let Some((reason, detail)) = &o.failure {
        tracing::debug!(target_url = %target, module = %module_name, reason = reason.as_str(), %detail, "probe failed");
    }
    let format = Format::negotiate(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let body = encode(&o, &module.prober, format);
    routes::respond(StatusCode::OK, format.content_type(), body)
}

/// Encodes one probe's result as blackbox_exporter would.
pub fn encode(o: &Outcome, prober: &Prober, format: Format) -> Vec<u8> {
    let mut w = MetricWriter::new(format, Vec::with_capacity(1024));
    w.family(&defs::BB_DURATION)
        .sample(&[], o.duration.as_secs_f64());
    w.family(&defs::BB_SUCCESS)
        .sample_u64(&[], u64::from(o.success()));
    if !matches!(prober, Prober::Tcp(_)) {
        w.family(&defs::BB_HTTP_STATUS)
            .sample_u64(&[], u64::from(o.status_code));
        w.family(&defs::BB_REDIRECTS)
            .sample_u64(&[], u64::from(o.redirects));
        w.family(&defs::BB_FAILED_REGEX)
            .sample_u64(&[], u64::from(o.failed_due_to_regex));
    }
    if let Some(t) = o.cert_expiry {
        w.family(&defs::BB_CERT_EXPIRY).sample(&[], t as f64);
    }
    w.finish();
    w.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_values() {
        assert_eq!(
            percent_decode("http%3A%2F%2F127.0.0.1%3A8080%2Fx+y"),
            "http://127.0.0.1:8080/x y"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(
            param("module=tcp&target=a%3A1", "target").as_deref(),
            Some("a:1")
        );
    }
}
