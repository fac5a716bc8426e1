//! Loopback servers whose behaviour the tests control, and helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// What the server has seen and what `/health` answers.
#[derive(Default)]
pub struct ServerState {
    /// Arrival times of requests, by path.
    pub hits: Mutex<HashMap<String, Vec<Instant>>>,
    /// `(status, body)` answered on `/health`.
    pub health: Mutex<(u16, String)>,
    /// Requests seen on `/seq`.
    pub seq: AtomicU64,
}

impl ServerState {
    pub fn hits(&self, path: &str) -> Vec<Instant> {
        self.hits
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    pub fn set_health(&self, status: u16, body: &str) {
        *self.health.lock().unwrap() = (status, body.to_string());
    }
}

/// An HTTP/1 server on 127.0.0.1:0 (optionally TLS); stopped on drop.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<ServerState>,
    tasks: Arc<Mutex<JoinSet<()>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
        self.tasks.lock().unwrap().abort_all();
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        let scheme = "http";
        format!("{scheme}://{}{path}", self.addr)
    }
}

/// Starts a plain HTTP test server.
pub async fn start() -> TestServer {
    start_with(None).await
}

/// Starts a test server, with TLS when `tls` is given.
pub async fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let state = Arc::new(ServerState::default());
    state.set_health(200, r#"{"status":"healthy","checks":{}}"#);
    let tasks = Arc::new(Mutex::new(JoinSet::new()));
    let (st, ts) = (state.clone(), tasks.clone());
    let accept = tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else {
                continue;
            };
            let st = st.clone();
            let tls = tls.clone();
            ts.lock().unwrap().spawn(async move {
                match tls {
                    Some(cfg) => {
                        let acc = tokio_rustls::TlsAcceptor::from(cfg);
                        if let Ok(Ok(s)) =
                            tokio::time::timeout(Duration::from_secs(5), acc.accept(s)).await
                        {
                            serve(s, None, st).await;
                        }
                    }
                    None => {
                        // Keep a handle on the raw socket for resets.
                        let raw = s;
                        serve_plain(raw, st).await;
                    }
                }
            });
        }
    });
    TestServer {
        addr,
        state,
        tasks,
        accept,
    }
}

async fn serve_plain(s: TcpStream, st: Arc<ServerState>) {
    serve(s, Some(()), st).await
}

async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 || buf.len() > 16384 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let path = head.split_whitespace().nth(1)?.to_string();
    Some(path)
}

async fn respond<S: AsyncWrite + Unpin>(s: &mut S, status: u16, extra: &str, body: &str) {
    let msg = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let _ = s.write_all(msg.as_bytes()).await;
    let _ = s.shutdown().await;
}

async fn serve<S>(mut s: S, plain: Option<()>, st: Arc<ServerState>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static + MaybeTcp,
{
    let Some(path) = read_head(&mut s).await else {
        return;
    };
    st.hits
        .lock()
        .unwrap()
        .entry(path.clone())
        .or_default()
        .push(Instant::now());
    let p = path.as_str();
    if let Some(code) = p.strip_prefix("/status/") {
        respond(&mut s, code.parse().unwrap_or(500), "", "status\n").await;
    } else if let Some(ms) = p.strip_prefix("/slow/") {
        tokio::time::sleep(Duration::from_millis(ms.parse().unwrap_or(0))).await;
        respond(&mut s, 200, "", "slow\n").await;
    } else if p == "/hang" {
        tokio::time::sleep(Duration::from_secs(600)).await;
    } else if p == "/reset" && plain.is_some() {
        s.reset();
    } else if p == "/reset-body" && plain.is_some() {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
            .await;
        let _ = s.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        s.reset();
    } else if p == "/seq" {
        // Pattern over each 5 requests: 500, slow 200 (150 ms), 200, 200, 200.
        let n = st.seq.fetch_add(1, Ordering::SeqCst);
        match n % 5 {
            0 => respond(&mut s, 500, "", "boom\n").await,
            1 => {
                tokio::time::sleep(Duration::from_millis(150)).await;
                respond(&mut s, 200, "", "ok\n").await
            }
            _ => respond(&mut s, 200, "", "ok\n").await,
        }
    } else if p == "/health" {
        let (code, body) = st.health.lock().unwrap().clone();
        respond(&mut s, code, "Content-Type: application/json\r\n", &body).await;
    } else if p == "/redirect" {
        respond(&mut s, 302, "Location: /ok\r\n", "").await;
    } else if p == "/redirect-loop" {
        respond(&mut s, 302, "Location: /redirect-loop\r\n", "").await;
    } else if p == "/body" {
        respond(&mut s, 200, "", "hello world, version 1.2.3\n").await;
    } else if p == "/ok" || p == "/" {
        respond(&mut s, 200, "", "ok\n").await;
    } else {
        respond(&mut s, 404, "", "not found\n").await;
    }
}

/// Streams that can be reset (plain TCP) or not (TLS: just dropped).
pub trait MaybeTcp {
    fn reset(self);
}

impl MaybeTcp for TcpStream {
    fn reset(self) {
        let _ = self.set_zero_linger();
        drop(self);
    }
}

impl MaybeTcp for tokio_rustls::server::TlsStream<TcpStream> {
    fn reset(self) {
        drop(self);
    }
}

/// A port with nothing listening.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A self-signed certificate for 127.0.0.1/localhost expiring at
/// `not_after` (Unix seconds), as a server config.
pub fn tls_server(not_after_ymd: (i32, u8, u8)) -> Arc<rustls::ServerConfig> {
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    params.not_after = rcgen::date_time_ymd(not_after_ymd.0, not_after_ymd.1, not_after_ymd.2);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], der)
    .unwrap();
    Arc::new(cfg)
}

/// A minimal HTTP/1.0 client for talking to the exporter under test.
pub async fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .expect("exporter answered in time")
        .unwrap();
    let text = String::from_utf8_lossy(&out).to_string();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

/// Sample lines of `text` starting with `prefix` (exposition format).
pub fn lines_with(text: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Starts the app on `config_file` and serves it on a free loopback port.
pub async fn serve_app(
    config_file: &std::path::Path,
    max_concurrency: usize,
) -> (
    Arc<sla_exporter::app::App>,
    exporter_kit::Running,
    SocketAddr,
) {
    let cfg = sla_exporter::config::load(config_file).unwrap_or_else(|e| panic!("{e}"));
    let app = sla_exporter::app::App::start(cfg, config_file.to_path_buf(), max_concurrency);
    let running = app
        .exporter()
        .start(&exporter_kit::WebArgs::listen_on("127.0.0.1:0"))
        .await
        .unwrap();
    let addr = running.addrs[0];
    (app, running, addr)
}
