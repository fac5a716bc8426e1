//! `sla-exporter`: see the library crate and `docs/sla-exporter.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use exporter_kit::WebArgs;
use sla_exporter::{app::App, config};

/// Probes targets on its own schedule and exports SLO-ready counters and
/// latency histograms.
#[derive(Parser)]
#[command(name = "sla-exporter", version)]
struct Cli {
    /// The SLA config file (targets and modules).
    #[arg(
        long = "config.file",
        value_name = "FILE",
        default_value = "sla-exporter.yml"
    )]
    sla_config: PathBuf,

    /// Validate the config file and exit (0 when valid).
    #[arg(long = "config.check")]
    config_check: bool,

    /// Most probes running at the same time.
    #[arg(
        long = "probe.max-concurrency",
        value_name = "N",
        default_value_t = 512
    )]
    max_concurrency: usize,

    #[command(flatten)]
    web: WebArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let cfg = match config::load(&cli.sla_config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if cli.config_check {
        println!(
            "{}: OK ({} modules, {} targets)",
            cli.sla_config.display(),
            cfg.modules.len(),
            cfg.targets.len()
        );
        return ExitCode::SUCCESS;
    }
    exporter_kit::init_logging(&cli.web);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        tracing::info!(file = %cli.sla_config.display(), targets = cfg.targets.len(), "starting");
        let app = App::start(cfg, cli.sla_config.clone(), cli.max_concurrency);
        app.exporter().run(&cli.web).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sla-exporter: {e}");
            ExitCode::FAILURE
        }
    }
}
