//! The HTTP server every exporter runs: listeners (plain or TLS), graceful
//! shutdown, signal handling and web-config reloading. Routing is in
//! [`crate::routes`].

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use metric_defs::SelfMetrics;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::auth::BasicAuth;
use crate::collector::{BuildInfo, Collector, Scraper};
use crate::health::Health;
use crate::routes;
use crate::webconfig::WebConfig;
use crate::WebArgs;

/// A response body.
pub type Body = Full<Bytes>;
/// The future an extra route's handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;
/// An extra route's handler.
pub type Handler = Arc<dyn Fn(Request<Incoming>) -> HandlerFuture + Send + Sync>;
/// A reload hook: re-reads the exporter's own config; `Err` keeps the old one.
pub type ReloadHook = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

/// Identity of an exporter, for the landing page and `<ns>_build_info`.
#[derive(Debug, Clone, Copy)]
pub struct ExporterInfo {
    /// Metric namespace of the exporter's own metrics, e.g. `dwcp_exporter`.
    pub namespace: &'static str,
    /// Display name, e.g. `DWCP exporter`.
    pub name: &'static str,
    /// Program version.
    pub version: &'static str,
    /// The exporter's own metric definitions.
    pub self_metrics: &'static SelfMetrics,
    /// Listen address when `--web.listen-address` is not given.
    pub default_listen: &'static str,
}

/// Builds and runs an exporter: collectors, health checks, extra routes.
pub struct Exporter {
    info: ExporterInfo,
    collectors: Vec<Arc<dyn Collector>>,
    health: Health,
    routes: Vec<(Method, String, Handler)>,
    reload_hooks: Vec<ReloadHook>,
}

/// State shared by all connections.
pub(crate) struct Shared {
    pub(crate) info: ExporterInfo,
    pub(crate) scraper: Scraper,
    pub(crate) health: Health,
    pub(crate) telemetry_path: String,
    pub(crate) routes: Vec<(Method, String, Handler)>,
    pub(crate) web: RwLock<Arc<WebConfig>>,
    pub(crate) web_file: Option<PathBuf>,
    pub(crate) auth: BasicAuth,
    pub(crate) reload_hooks: Vec<ReloadHook>,
}

impl Shared {
    pub(crate) fn web(&self) -> Arc<WebConfig> {
        self.web.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Re-reads the web config file; on error the old config stays.
    pub(crate) fn reload_web(&self) -> Result<bool, String> {
        let Some(path) = &self.web_file else {
            return Ok(false);
        };
        match WebConfig::load(path) {
            Ok(cfg) => {
                *self.web.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(cfg);
                tracing::info!(file = %path.display(), "web config loaded");
                Ok(true)
            }
            Err(e) => {
                tracing::error!(err = %e, "web config rejected; keeping the previous one");
                Err(e.to_string())
            }
        }
    }

    /// Runs the web-config reload and every reload hook; all errors joined.
    pub(crate) fn reload_all(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        if let Err(e) = self.reload_web() {
            errors.push(e);
        }
        for hook in &self.reload_hooks {
            if let Err(e) = hook() {
                tracing::error!(err = %e, "config reload failed; keeping the previous one");
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }
}

/// A started server: its bound addresses and a way to stop it.
pub struct Running {
    /// The addresses actually bound (useful with port 0).
    pub addrs: Vec<SocketAddr>,
    shutdown: watch::Sender<bool>,
    done: tokio::task::JoinHandle<()>,
    shared: Arc<Shared>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish (up to 10 s), returns.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.done.await;
    }

    /// Re-reads configs as SIGHUP would.
    pub fn reload(&self) -> Result<(), String> {
        self.shared.reload_all()
    }
}

impl Exporter {
    /// A new exporter with no collectors.
    pub fn new(info: ExporterInfo) -> Self {
        Exporter {
            info,
            collectors: Vec::new(),
            health: Health::new(),
            routes: Vec::new(),
            reload_hooks: Vec::new(),
        }
    }

    /// Adds a collector, run on every scrape in the order added.
    pub fn add_collector(&mut self, c: Arc<dyn Collector>) -> &mut Self {
        self.collectors.push(c);
        self
    }

    /// The exporter's health checks (shared; update them any time).
    pub fn health(&self) -> Health {
        self.health.clone()
    }

    /// Serves `method path` with `handler` (in addition to the built-in routes).
    pub fn route<F, Fut>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<Body>> + Send + 'static,
    {
        let h: Handler = Arc::new(move |req| Box::pin(handler(req)));
        self.routes.push((method, path.to_string(), h));
        self
    }

    /// Registers a hook run on SIGHUP and `POST /-/reload`.
    pub fn on_reload(
        &mut self,
        hook: impl Fn() -> Result<(), String> + Send + Sync + 'static,
    ) -> &mut Self {
        self.reload_hooks.push(Arc::new(hook));
        self
    }

    /// Binds every listen address and starts serving in the background.
    pub async fn start(self, args: &WebArgs) -> Result<Running, String> {
        if !args.telemetry_path.starts_with('/') {
            return Err(format!(
                "--web.telemetry-path must start with '/': {:?}",
                args.telemetry_path
            ));
        }
        let web = match &args.config_file {
            Some(p) => WebConfig::load(p).map_err(|e| e.to_string())?,
            None => WebConfig::default(),
        };
        let addrs: Vec<String> = if args.listen_addresses.is_empty() {
            vec![self.info.default_listen.to_string()]
        } else {
            args.listen_addresses.clone()
        };
        let mut listeners = Vec::new();
        for a in &addrs {
            let sa = resolve_listen(a).await?;
            let l = TcpListener::bind(sa)
                .await
                .map_err(|e| format!("--web.listen-address {a}: {e}"))?;
            listeners.push(l);
        }
        let bound: Vec<SocketAddr> = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let shared = Arc::new(Shared {
            info: self.info,
            scraper: Scraper::new(
                self.collectors,
                self.info.self_metrics,
                BuildInfo::current(self.info.version),
            ),
            health: self.health,
            telemetry_path: args.telemetry_path.clone(),
            routes: self.routes,
            web: RwLock::new(Arc::new(web)),
            web_file: args.config_file.clone(),
            auth: BasicAuth::new(),
            reload_hooks: self.reload_hooks,
        });
        let (tx, rx) = watch::channel(false);
        let graceful = Arc::new(GracefulShutdown::new());
        let mut tasks = Vec::new();
        for l in listeners {
            tasks.push(tokio::spawn(accept_loop(
                l,
                shared.clone(),
                graceful.clone(),
                rx.clone(),
            )));
        }
        if shared.web_file.is_some() {
            tokio::spawn(watch_web_file(shared.clone(), rx.clone()));
        }
        for a in &bound {
            tracing::info!(address = %a, tls = shared.web().tls.is_some(), "listening");
        }
        let mut stop = rx;
        let done = tokio::spawn(async move {
            let _ = stop.wait_for(|s| *s).await;
            for t in tasks {
                let _ = t.await;
            }
            // The accept loops are gone, so this is the last reference.
            let Ok(graceful) = Arc::try_unwrap(graceful) else {
                return;
            };
            if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
                .await
                .is_err()
            {
                tracing::warn!("in-flight requests did not finish within 10s");
            }
        });
        Ok(Running {
            addrs: bound,
            shutdown: tx,
            done,
            shared,
        })
    }

    /// Serves until SIGTERM or SIGINT, reloading configs on SIGHUP.
    pub async fn run(self, args: &WebArgs) -> Result<(), String> {
        use tokio::signal::unix::{signal, SignalKind};
        let running = self.start(args).await?;
        let sig = |k| signal(k).map_err(|e| format!("cannot install signal handler: {e}"));
        let (mut term, mut int, mut hup) = (
            sig(SignalKind::terminate())?,
            sig(SignalKind::interrupt())?,
            sig(SignalKind::hangup())?,
        );
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => {
                    tracing::info!("SIGHUP: reloading configuration");
                    let _ = running.reload();
                }
            }
        }
        tracing::info!("shutting down");
        running.shutdown().await;
        Ok(())
    }
}

/// Resolves `:port`, `host:port` or `[v6]:port`.
async fn resolve_listen(a: &str) -> Result<SocketAddr, String> {
    let full = if a.starts_with(':') {
        format!("0.0.0.0{a}")
    } else {
        a.to_string()
    };
    let mut addrs = tokio::net::lookup_host(full.as_str())
        .await
        .map_err(|e| format!("--web.listen-address {a}: {e}"))?;
    addrs
        .next()
        .ok_or_else(|| format!("--web.listen-address {a}: no address"))
}

async fn accept_loop(
    l: TcpListener,
    shared: Arc<Shared>,
    graceful: Arc<GracefulShutdown>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let (stream, peer) = tokio::select! {
            r = l.accept() => match r {
                Ok(s) => s,
                Err(e) => {
                    // Out of fds and the like: back off instead of spinning.
                    tracing::warn!(err = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let graceful = graceful.watcher();
        tokio::spawn(async move { serve_conn(stream, peer, shared, graceful).await });
    }
}

async fn serve_conn(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    graceful: hyper_util::server::graceful::Watcher,
) {
    let tls = shared.web().tls.clone();
    let svc_shared = shared.clone();
    let svc = hyper::service::service_fn(move |req| {
        let s = svc_shared.clone();
        async move { Ok::<_, std::convert::Infallible>(routes::handle(s, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .max_buf_size(64 * 1024);
    let result = match tls {
        Some(cfg) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
            match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                Ok(Ok(tls_stream)) => {
                    let conn = builder.serve_connection(TokioIo::new(tls_stream), svc);
                    graceful.watch(conn).await
                }
                Ok(Err(e)) => {
                    tracing::debug!(%peer, err = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            }
        }
        None => {
            graceful
                .watch(builder.serve_connection(TokioIo::new(stream), svc))
                .await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, err = %e, "connection error");
    }
}

/// Polls the web config file once a second and reloads it when it changed.
async fn watch_web_file(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let Some(path) = shared.web_file.clone() else {
        return;
    };
    let stamp = |p: &PathBuf| -> Option<(SystemTime, u64)> {
        let m = std::fs::metadata(p).ok()?;
        Some((m.modified().ok()?, m.len()))
    };
    let mut last = stamp(&path);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
        let now = stamp(&path);
        if now != last {
            last = now;
            let _ = shared.reload_web();
        }
    }
}
