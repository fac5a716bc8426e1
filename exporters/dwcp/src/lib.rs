//! DWCP metrics: the in-process instrumentation library, the event protocol
//! other processes use to report to `dwcp-exporter`, and the pieces of the
//! `dwcp-exporter` and `dwcp-loadgen` binaries.
//!
//! - [`metrics`]: typed handles per DWCP component (AMST, HDE, migration,
//!   federation, system); recording is a few atomics, no allocation.
//! - [`event`]: the one-event-per-line text protocol.
//! - [`ingest`]: applies events with a cardinality cap, TTL and counters.
//! - [`http`], [`datagram`]: the HTTP batch endpoint and UDP/unix receivers.
//! - [`exporter`]: the `dwcp-exporter` command line and startup.
//! - [`client`]: a small HTTP client for posting event batches.
//! - [`loadgen`]: the loopback workload of `dwcp-loadgen`.

#![warn(missing_docs)]

pub mod client;
pub mod datagram;
pub mod event;
pub mod exporter;
pub mod http;
pub mod ingest;
pub mod loadgen;
pub mod metrics;
