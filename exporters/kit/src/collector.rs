//! The collector trait and the scrape that runs every collector in isolation.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use metric_defs::SelfMetrics;

use crate::encode::{Format, MetricWriter};
use crate::process::ProcessCollector;

/// Why a collector failed; logged and reported as
/// `<ns>_scrape_collector_success{collector} 0`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CollectError(pub String);

impl CollectError {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        CollectError(msg.into())
    }
}

/// A source of metrics, run once per scrape.
///
/// `collect` runs on a blocking thread, so it may make blocking calls. When
/// it returns an error, everything it wrote is discarded and the rest of the
/// scrape still answers.
pub trait Collector: Send + Sync + 'static {
    /// Name used in the `collector` label.
    fn name(&self) -> &'static str;
    /// Writes this collector's families.
    fn collect(&self, w: &mut MetricWriter) -> Result<(), CollectError>;
}

/// Build facts reported in `<ns>_build_info`.
#[derive(Debug, Clone)]
pub struct BuildInfo {
    /// Program version.
    pub version: &'static str,
    /// VCS revision the program was built from.
    pub revision: &'static str,
    /// Compiler version.
    pub rustc: &'static str,
}

impl BuildInfo {
    /// Build facts of this workspace for a program of the given version.
    pub fn current(version: &'static str) -> Self {
        BuildInfo {
            version,
            revision: env!("EXPORTER_KIT_REVISION"),
            rustc: env!("EXPORTER_KIT_RUSTC"),
        }
    }
}

struct Outcome {
    name: &'static str,
    seconds: f64,
    ok: bool,
}

/// Runs all collectors of an exporter and appends the exporter's own metrics.
pub struct Scraper {
    collectors: Vec<Arc<dyn Collector>>,
    self_metrics: &'static SelfMetrics,
    build: BuildInfo,
    process: ProcessCollector,
    /// Reused output buffers and outcome scratch, so steady-state scrapes
    /// reuse their memory.
    pool: Mutex<Vec<Vec<u8>>>,
}

impl Scraper {
    /// A scraper for these collectors.
    pub fn new(
        collectors: Vec<Arc<dyn Collector>>,
        self_metrics: &'static SelfMetrics,
        build: BuildInfo,
    ) -> Self {
        Scraper {
            collectors,
            self_metrics,
            build,
            process: ProcessCollector::new(),
            pool: Mutex::new(Vec::new()),
        }
    }

    /// Encodes one full scrape in `format`. Blocking: call it from a
    /// blocking thread. Return the buffer with [`Scraper::recycle`].
    pub fn scrape(&self, format: Format) -> Vec<u8> {
        let buf = self
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        let mut w = MetricWriter::new(format, buf);
        let mut outcomes = Vec::with_capacity(self.collectors.len());
        for c in &self.collectors {
            let mark = w.len();
            let start = Instant::now();
            let ok = match c.collect(&mut w) {
                Ok(()) => true,
                Err(e) => {
                    w.truncate(mark);
                    tracing::error!(collector = c.name(), err = %e, "collector failed");
                    false
                }
            };
            outcomes.push(Outcome {
                name: c.name(),
                seconds: start.elapsed().as_secs_f64(),
                ok,
            });
        }
        self.write_self(&mut w, &outcomes);
        w.finish();
        w.into_inner()
    }

    /// Gives a buffer back for reuse by later scrapes.
    pub fn recycle(&self, buf: Vec<u8>) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < 4 {
            pool.push(buf);
        }
    }

    fn write_self(&self, w: &mut MetricWriter, outcomes: &[Outcome]) {
        let s = self.self_metrics;
        w.family(&s.build_info).sample(
            &[self.build.version, self.build.revision, self.build.rustc],
            1.0,
        );
        let mut f = w.family(&s.collector_duration);
        for o in outcomes {
            f.sample(&[o.name], o.seconds);
        }
        let mut f = w.family(&s.collector_success);
        for o in outcomes {
            f.sample(&[o.name], if o.ok { 1.0 } else { 0.0 });
        }
        self.process.write(w);
    }
}
