//! The checked configuration: what the scheduler and the probers run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Uri};
use regex::Regex;

/// A loaded, valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Modules by name.
    pub modules: BTreeMap<String, Arc<Module>>,
    /// Targets, in file order.
    pub targets: Vec<Arc<Target>>,
    /// Default timeout, for `/probe` requests.
    pub default_timeout: Duration,
}

/// A named probing module.
#[derive(Debug)]
pub struct Module {
    /// Its name in `modules:`.
    pub name: String,
    /// How it probes.
    pub prober: Prober,
}

/// The kind of probe a module runs.
#[derive(Debug)]
pub enum Prober {
    /// An HTTP(S) request judged by status and body.
    Http(HttpModule),
    /// A TCP connection, optionally with a send/expect exchange.
    Tcp(TcpModule),
    /// An HTTP(S) GET of a `/health`-style endpoint judged by its JSON.
    Health(HttpModule, HealthModule),
}

impl Prober {
    /// The prober's name as written in the config.
    pub fn kind(&self) -> &'static str {
        match self {
            Prober::Http(_) => "http",
            Prober::Tcp(_) => "tcp",
            Prober::Health(..) => "health",
        }
    }
}

/// Request and checks of an `http` (or `health`) module.
#[derive(Debug, Clone)]
pub struct HttpModule {
    /// Request method.
    pub method: Method,
    /// Extra request headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Request body (empty for none).
    pub body: Bytes,
    /// Accepted status codes; empty means any 2xx.
    pub valid_status_codes: Vec<u16>,
    /// The probe fails when the body matches any of these.
    pub fail_if_body_matches: Vec<Regex>,
    /// The probe fails when the body does not match each of these.
    pub fail_if_body_not_matches: Vec<Regex>,
    /// Whether 3xx responses are followed (up to 10 hops).
    pub follow_redirects: bool,
    /// TLS client settings for https targets.
    pub tls: Arc<rustls::ClientConfig>,
}

/// Settings of a `tcp` module.
#[derive(Debug, Clone, Default)]
pub struct TcpModule {
    /// Bytes sent after connecting.
    pub send: Option<Bytes>,
    /// Regex the reply must match.
    pub expect: Option<Regex>,
}

/// Settings of a `health` module.
#[derive(Debug, Clone, Default)]
pub struct HealthModule {
    /// Checks that must be present and healthy; empty means all reported checks.
    pub checks: Vec<String>,
}

/// Where a target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// An http(s) URL.
    Url(Uri),
    /// A TCP `host:port`.
    HostPort(String, u16),
}

/// One probed target.
#[derive(Debug)]
pub struct Target {
    /// Unique name, the `target` label.
    pub name: String,
    /// Where to probe.
    pub address: Address,
    /// The module's name, the `module` label.
    pub module_name: String,
    /// The module.
    pub module: Arc<Module>,
    /// Probe period.
    pub interval: Duration,
    /// Per-probe time limit (`<= interval`).
    pub timeout: Duration,
    /// `service` label value ("" when unset).
    pub service: String,
    /// `component` label value ("" when unset).
    pub component: String,
    /// `tier` label value ("" when unset).
    pub tier: String,
    /// Latency histogram bucket bounds.
    pub buckets: Vec<f64>,
}

impl Target {
    /// The fixed label values, in `metric_defs::sla::TARGET_LABELS` order.
    pub fn label_values(&self) -> [&str; 5] {
        [
            &self.name,
            &self.module_name,
            &self.service,
            &self.component,
            &self.tier,
        ]
    }
}
