//! Wiring: the loaded config, the scheduler, the collectors, `/probe` and
//! reloading, on top of the kit's [`Exporter`].

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use exporter_kit::health::Status;
use exporter_kit::http::Method;
use exporter_kit::live::{Gauge, Registry};
use exporter_kit::{Exporter, ExporterInfo};
use metric_defs::sla as defs;

use crate::config::{self, Config};
use crate::scheduler::{Scheduler, SelfMetrics};
use crate::state::ProbeMetrics;

/// Identity of `sla-exporter` for the kit.
pub const INFO: ExporterInfo = ExporterInfo {
    namespace: "sla_exporter",
    name: "SLA exporter",
    version: env!("CARGO_PKG_VERSION"),
    self_metrics: &defs::SELF,
    default_listen: ":9471",
};

/// A running prober: config, schedule and metrics.
pub struct App {
    config_file: PathBuf,
    current: RwLock<Arc<Config>>,
    /// The scheduler (exposed for tests).
    pub scheduler: Scheduler,
    probes: Arc<ProbeMetrics>,
    registry: Arc<Registry>,
    reload_ok: Gauge,
    reload_time: Gauge,
    health: exporter_kit::Health,
}

impl App {
    /// Starts probing `cfg` (loaded from `config_file`) on the current tokio
    /// runtime.
    pub fn start(cfg: Config, config_file: PathBuf, max_concurrency: usize) -> Arc<App> {
        let registry = Arc::new(Registry::new("exporter"));
        let metrics = SelfMetrics::register(&registry);
        let reload_ok = registry
            .gauge(&defs::CONFIG_RELOAD_OK)
            .with_labels(&[])
            .expect("label-free series cannot exceed the cap");
        let reload_time = registry
            .gauge(&defs::CONFIG_RELOAD_TIME)
            .with_labels(&[])
            .expect("label-free series cannot exceed the cap");
        let probes = Arc::new(ProbeMetrics::default());
        let scheduler = Scheduler::new(probes.clone(), metrics, max_concurrency);
        let app = Arc::new(App {
            config_file,
            current: RwLock::new(Arc::new(cfg.clone())),
            scheduler,
            probes,
            registry,
            reload_ok,
            reload_time,
            health: exporter_kit::Health::new(),
        });
        app.install(&cfg);
        app
    }

    fn install(&self, cfg: &Config) {
        self.scheduler.apply(cfg);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(cfg.clone());
        self.reload_ok.set(1.0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.reload_time.set(now);
        self.health.set(
            "config",
            Status::Healthy,
            format!(
                "{} targets, {} modules loaded",
                cfg.targets.len(),
                cfg.modules.len()
            ),
        );
    }

    /// The config in force.
    pub fn config(&self) -> Arc<Config> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Re-reads the config file; a bad file is rejected with its line and
    /// reason and the running config stays.
    pub fn reload(&self) -> Result<(), String> {
        match config::load(&self.config_file) {
            Ok(cfg) => {
                self.install(&cfg);
                tracing::info!(file = %self.config_file.display(), targets = cfg.targets.len(), "configuration loaded");
                Ok(())
            }
            Err(e) => {
                self.reload_ok.set(0.0);
                self.health.set_check(
                    "config",
                    Status::Degraded,
                    format!("last reload rejected: {e}"),
                    false,
                );
                Err(e.to_string())
            }
        }
    }

    /// The kit exporter serving this app: `/metrics`, `/probe`, health, reload.
    pub fn exporter(self: &Arc<Self>) -> Exporter {
        let mut ex = Exporter::new(INFO);
        ex.add_collector(self.probes.clone());
        ex.add_collector(self.registry.clone());
        let health = ex.health();
        let me = self.clone();
        // Mirror our config check into the kit's health endpoint.
        let mirror = move || {
            if let Some(c) = me.health.get("config") {
                health.set_check("config", c.status, c.message, c.readiness);
            }
        };
        mirror();
        let me = self.clone();
        ex.route(Method::GET, "/probe", move |req| {
            let cfg = me.config();
            async move { crate::blackbox::handle(&cfg, req).await }
        });
        let me = self.clone();
        ex.on_reload(move || {
            let r = me.reload();
            mirror();
            r
        });
        ex
    }
}
