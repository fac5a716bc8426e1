//! The `http` prober (and the request half of `health`): one fresh
//! connection per request, so every phase (dns, connect, tls, status, body)
//! is measured and reported on its own, as blackbox_exporter does.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONNECTION, HOST, LOCATION, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;

use super::{cert, net, Failure, Outcome, Reason};
use crate::config::HttpModule;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: u32 = 10;
/// Body bytes kept for the regex and health rules (the rest is read and dropped).
pub const BODY_LIMIT: usize = 1 << 20;

struct Response {
    status: u16,
    location: Option<String>,
    body: Bytes,
}

/// Fetches the URL (following redirects when enabled) and checks the status.
pub(super) async fn fetch(m: &HttpModule, url: &Uri, out: &mut Outcome) -> Result<Bytes, Failure> {
    let r = follow(m, url, out).await?;
    let ok = if m.valid_status_codes.is_empty() {
        (200..300).contains(&r.status)
    } else {
        m.valid_status_codes.contains(&r.status)
    };
    if !ok {
        return Err((Reason::Status, format!("unexpected status {}", r.status)));
    }
    Ok(r.body)
}

/// As [`fetch`] for a health endpoint: 503 is expected from an unhealthy
/// service and still carries the JSON to judge.
pub(super) async fn fetch_health(
    m: &HttpModule,
    url: &Uri,
    out: &mut Outcome,
) -> Result<Bytes, Failure> {
    let r = follow(m, url, out).await?;
    let ok = if m.valid_status_codes.is_empty() {
        (200..300).contains(&r.status) || r.status == 503
    } else {
        m.valid_status_codes.contains(&r.status)
    };
    if !ok {
        return Err((Reason::Status, format!("unexpected status {}", r.status)));
    }
    Ok(r.body)
}

/// Applies the body regex rules.
pub(super) fn check_body(m: &HttpModule, body: &[u8], out: &mut Outcome) -> Result<(), Failure> {
    if m.fail_if_body_matches.is_empty() && m.fail_if_body_not_matches.is_empty() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(body);
    for r in &m.fail_if_body_matches {
        if r.is_match(&text) {
            out.failed_due_to_regex = true;
            return Err((Reason::Body, format!("body matched {:?}", r.as_str())));
        }
    }
    for r in &m.fail_if_body_not_matches {
        if !r.is_match(&text) {
            out.failed_due_to_regex = true;
            return Err((Reason::Body, format!("body did not match {:?}", r.as_str())));
        }
    }
    Ok(())
}

async fn follow(m: &HttpModule, url: &Uri, out: &mut Outcome) -> Result<Response, Failure> {
    let mut url = url.clone();
    let mut method = m.method.clone();
    loop {
        let r = request(m, &method, &url, out).await?;
        let redirect = matches!(r.status, 301 | 302 | 303 | 307 | 308);
        let (true, true, Some(loc)) = (m.follow_redirects, redirect, &r.location) else {
            return Ok(r);
        };
        if out.redirects >= MAX_REDIRECTS {
            return Err((
                Reason::Status,
                format!("more than {MAX_REDIRECTS} redirects"),
            ));
        }
        out.redirects += 1;
        url = resolve(&url, loc).ok_or_else(|| {
            (
                Reason::Status,
                format!("redirect to an invalid location {loc:?}"),
            )
        })?;
        if r.status == 303 {
            method = Method::GET;
        }
    }
}

/// Resolves a `Location` header against the URL that returned it.
fn resolve(base: &Uri, loc: &str) -> Option<Uri> {
    if loc.starts_with("http://") || loc.starts_with("https://") {
        return crate::config::parse_url(loc).ok();
    }
    let scheme = base.scheme_str()?;
    let auth = base.authority()?.as_str();
    let path = if loc.starts_with('/') {
        loc.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{loc}")
    };
    format!("{scheme}://{auth}{path}").parse().ok()
}

async fn request(
    m: &HttpModule,
    method: &Method,
    url: &Uri,
    out: &mut Outcome,
) -> Result<Response, Failure> {
    let https = url.scheme_str() == Some("https");
    let host = url.host().unwrap_or_default();
    let port = url.port_u16().unwrap_or(if https { 443 } else { 80 });
    let tcp = net::connect(host, port).await?;
    let req = build(m, method, url)?;
    if !https {
        return exchange(TokioIo::new(tcp), req, out).await;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let name = ServerName::try_from(bare.to_string())
        .map_err(|e| (Reason::Tls, format!("server name {bare:?}: {e}")))?;
    let tls = tokio_rustls::TlsConnector::from(m.tls.clone())
        .connect(name, tcp)
        .await
        .map_err(|e| (Reason::Tls, format!("TLS handshake: {e}")))?;
    out.cert_expiry = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.iter().filter_map(|c| cert::not_after(c)).min());
    exchange(TokioIo::new(tls), req, out).await
}

fn build(m: &HttpModule, method: &Method, url: &Uri) -> Result<Request<Full<Bytes>>, Failure> {
    let path = url.path_and_query().map_or("/", |p| p.as_str());
    let body = if *method == Method::GET && m.method != Method::GET {
        Bytes::new()
    } else {
        m.body.clone()
    };
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .body(Full::new(body))
        .map_err(|e| (Reason::Connect, format!("cannot build request: {e}")))?;
    let h = req.headers_mut();
    if let Some(a) = url.authority() {
        if let Ok(v) = HeaderValue::from_str(a.as_str()) {
            h.insert(HOST, v);
        }
    }
    h.insert(USER_AGENT, HeaderValue::from_static(crate::USER_AGENT));
    h.insert(CONNECTION, HeaderValue::from_static("close"));
    for (k, v) in &m.headers {
        h.insert(k.clone(), v.clone());
    }
    Ok(req)
}

async fn exchange<T>(
    io: T,
    req: Request<Full<Bytes>>,
    out: &mut Outcome,
) -> Result<Response, Failure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| (Reason::Connect, format!("HTTP handshake: {e}")))?;
    let work = async {
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| (phase(&e, Reason::Connect), format!("no response: {e}")))?;
        let status = resp.status().as_u16();
        out.status_code = status;
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = resp.into_body();
        let mut kept = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| (phase(&e, Reason::Body), format!("reading body: {e}")))?;
            if let Ok(data) = frame.into_data() {
                let room = BODY_LIMIT.saturating_sub(kept.len());
                kept.extend_from_slice(&data[..data.len().min(room)]);
            }
        }
        Ok(Response {
            status,
            location,
            body: Bytes::from(kept),
        })
    };
    // Drive the connection and the exchange together in this future (no
    // spawned task outlives the probe when it is dropped on timeout).
    let mut work = std::pin::pin!(work);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        biased;
        r = &mut work => r,
        _ = &mut conn => work.await,
    }
}

/// `tls` when a TLS alert or error is behind `e` (with TLS 1.3 a rejected
/// client certificate only shows after the handshake), else `otherwise`.
fn phase(e: &hyper::Error, otherwise: Reason) -> Reason {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return Reason::Tls;
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if inner.is::<rustls::Error>() {
                return Reason::Tls;
            }
        }
        cur = err.source();
    }
    otherwise
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn resolves_locations() {
        let base: hyper::Uri = "http://127.0.0.1:8080/a/b?x=1".parse().unwrap();
        assert_eq!(
            resolve(&base, "/c").unwrap().to_string(),
            "http://127.0.0.1:8080/c"
        );
        assert_eq!(
            resolve(&base, "c").unwrap().to_string(),
            "http://127.0.0.1:8080/a/c"
        );
        assert_eq!(
            resolve(&base, "https://example.org/z").unwrap().to_string(),
            "https://example.org/z"
        );
        assert!(resolve(&base, "http://").is_none());
    }
}
