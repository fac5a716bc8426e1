//! The kit every exporter of this project is built on.
//!
//! It serves `/metrics` (Prometheus text 0.0.4, or OpenMetrics 1.0.0 when
//! asked, gzip when accepted), `/health` and friends, a landing page, and
//! the exporter's own `<ns>_build_info`, per-collector duration/success and
//! `process_*` metrics; it takes the flags and the `--web.config.file`
//! (TLS, basic auth, headers) of the Prometheus exporter-toolkit, reloads on
//! change and SIGHUP, and shuts down gracefully on SIGTERM/SIGINT.
//!
//! An exporter implements [`Collector`] for what it reads at scrape time, or
//! records into a [`live::Registry`] through pre-resolved handles, and hands
//! both to an [`Exporter`].

pub mod args;
pub mod auth;
pub mod collector;
pub mod encode;
pub mod health;
pub mod live;
mod logfmt;
pub mod process;
pub mod routes;
pub mod server;
pub mod webconfig;

pub use args::{init_logging, LogFormat, LogLevel, WebArgs};
pub use collector::{BuildInfo, CollectError, Collector, Scraper};
pub use encode::{FamilyWriter, Format, MetricWriter};
pub use health::{Health, Status};
pub use metric_defs;
pub use server::{Body, Exporter, ExporterInfo, Running};

/// Re-exports for writing extra routes without naming hyper's crates.
pub mod http {
    pub use bytes::Bytes;
    pub use hyper::body::Incoming;
    pub use hyper::{header, Method, Request, Response, StatusCode};
}
