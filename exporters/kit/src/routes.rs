//! Request routing: authentication, the built-in endpoints (metrics, health,
//! landing page, reload) and the exporter's extra routes.

use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use flate2::write::GzEncoder;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::encode::{header_accepts, Format};
use crate::server::{Body, Shared};

/// A response with a status, content type and body.
pub fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A plain-text response.
pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", body)
}

/// A JSON response.
pub fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<Body> {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    respond(status, "application/json", body)
}

/// Reads a request body, refusing more than `limit` bytes.
pub async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Bytes, Response<Body>> {
    if let Some(len) = req.headers().get(header::CONTENT_LENGTH) {
        let len = len.to_str().ok().and_then(|v| v.parse::<u64>().ok());
        match len {
            Some(n) if n > limit as u64 => {
                return Err(text(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("request body of {n} bytes exceeds the limit of {limit} bytes\n"),
                ))
            }
            None => return Err(text(StatusCode::BAD_REQUEST, "invalid Content-Length\n")),
            _ => {}
        }
    }
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body exceeds the limit of {limit} bytes\n"),
        )),
        Err(e) => Err(text(
            StatusCode::BAD_REQUEST,
            format!("cannot read request body: {e}\n"),
        )),
    }
}

fn accepts_gzip(req: &Request<Incoming>) -> bool {
    let Some(v) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    header_accepts(v, |c| c.eq_ignore_ascii_case("gzip") || c == "*")
}

const BUILTIN: &[&str] = &[
    "/",
    "/health",
    "/health/live",
    "/health/ready",
    "/-/healthy",
    "/-/ready",
    "/-/reload",
];

/// Handles one request; never panics on bad input.
pub(crate) async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let web = shared.web();
    let mut resp = if web.users.is_empty() {
        dispatch(&shared, req).await
    } else {
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|h| h.as_bytes().to_vec());
        let s = shared.clone();
        let w = web.clone();
        let ok = tokio::task::spawn_blocking(move || s.auth.check(&w, header.as_deref()))
            .await
            .unwrap_or(false);
        if ok {
            dispatch(&shared, req).await
        } else {
            let mut r = text(StatusCode::UNAUTHORIZED, "Unauthorized\n");
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"exporter\""),
            );
            r
        }
    };
    for (k, v) in &web.headers {
        resp.headers_mut().insert(k.clone(), v.clone());
    }
    resp
}

async fn dispatch(shared: &Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let get = method == Method::GET || method == Method::HEAD;

    if path == shared.telemetry_path {
        return if get {
            metrics(shared, req).await
        } else {
            not_allowed("GET, HEAD")
        };
    }
    if let Some((_, _, h)) = shared
        .routes
        .iter()
        .find(|(m, p, _)| *p == path && *m == method)
    {
        return h(req).await;
    }
    let extra: Vec<&str> = shared
        .routes
        .iter()
        .filter(|(_, p, _)| *p == path)
        .map(|(m, _, _)| m.as_str())
        .collect();
    if !extra.is_empty() {
        return not_allowed(&extra.join(", "));
    }
    if !BUILTIN.contains(&path.as_str()) {
        return text(
            StatusCode::NOT_FOUND,
            format!("404 page not found: {path}\n"),
        );
    }
    if path == "/-/reload" {
        if method != Method::POST && method != Method::PUT {
            return not_allowed("POST, PUT");
        }
        let s = shared.clone();
        return match tokio::task::spawn_blocking(move || s.reload_all()).await {
            Ok(Ok(())) => text(StatusCode::OK, "reloaded\n"),
            Ok(Err(e)) => text(
                StatusCode::BAD_REQUEST,
                format!("reload failed, previous configuration kept:\n{e}\n"),
            ),
            Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "reload failed\n"),
        };
    }
    if !get {
        return not_allowed("GET, HEAD");
    }
    match path.as_str() {
        "/" => landing(shared),
        "/health" => health(shared, req.uri().query()),
        "/health/live" => json(StatusCode::OK, &serde_json::json!({"status": "alive"})),
        "/-/healthy" => text(
            StatusCode::OK,
            format!("{} is Healthy.\n", shared.info.name),
        ),
        "/health/ready" | "/-/ready" => {
            let ready = shared.health.ready();
            let code = if ready {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            if path == "/-/ready" {
                let word = if ready { "Ready" } else { "Not Ready" };
                text(code, format!("{} is {word}.\n", shared.info.name))
            } else {
                json(
                    code,
                    &serde_json::json!({"status": if ready { "ready" } else { "not ready" }}),
                )
            }
        }
        _ => text(StatusCode::NOT_FOUND, "404 page not found\n"),
    }
}

fn not_allowed(allow: &str) -> Response<Body> {
    let mut r = text(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed; allowed: {allow}\n"),
    );
    if let Ok(v) = HeaderValue::from_str(allow) {
        r.headers_mut().insert(header::ALLOW, v);
    }
    r
}

fn health(shared: &Shared, query: Option<&str>) -> Response<Body> {
    let check = query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("check="))
            .map(|v| v.to_string())
    });
    match check {
        Some(name) => match shared.health.get(&name) {
            Some(c) => json(
                StatusCode::from_u16(c.status.http_code()).unwrap_or(StatusCode::OK),
                &c,
            ),
            None => json(
                StatusCode::NOT_FOUND,
                &serde_json::json!({"error": format!("no check named {name:?}")}),
            ),
        },
        None => {
            let r = shared.health.report();
            json(
                StatusCode::from_u16(r.status.http_code()).unwrap_or(StatusCode::OK),
                &r,
            )
        }
    }
}

async fn metrics(shared: &Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let format = Format::negotiate(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let gzip = accepts_gzip(&req);
    let s = shared.clone();
    let body = tokio::task::spawn_blocking(move || {
        let buf = s.scraper.scrape(format);
        let out = if gzip {
            let mut enc = GzEncoder::new(
                Vec::with_capacity(buf.len() / 4),
                flate2::Compression::fast(),
            );
            enc.write_all(&buf).and_then(|_| enc.finish()).ok()
        } else {
            Some(buf.clone())
        };
        s.scraper.recycle(buf);
        out
    })
    .await;
    match body {
        Ok(Some(b)) => {
            let mut r = respond(StatusCode::OK, format.content_type(), b);
            if gzip {
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            r.headers_mut().insert(
                header::VARY,
                HeaderValue::from_static("Accept, Accept-Encoding"),
            );
            r
        }
        _ => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "failed to encode metrics\n",
        ),
    }
}

fn landing(shared: &Shared) -> Response<Body> {
    let i = &shared.info;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut links = format!(
        "<li><a href=\"{0}\">{0}</a>: metrics</li>\n<li><a href=\"/health\">/health</a>: health checks (JSON)</li>\n",
        esc(&shared.telemetry_path)
    );
    for (m, p, _) in &shared.routes {
        if *m == Method::GET {
            links.push_str(&format!("<li><a href=\"{0}\">{0}</a></li>\n", esc(p)));
        }
    }
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{name}</title></head>\n<body>\n\
         <h1>{name}</h1>\n<p>Version {version}</p>\n<ul>\n{links}</ul>\n</body></html>\n",
        name = esc(i.name),
        version = esc(i.version),
    );
    respond(StatusCode::OK, "text/html; charset=utf-8", body)
}
