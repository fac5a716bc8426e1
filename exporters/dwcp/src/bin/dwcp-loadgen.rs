//! `dwcp-loadgen`: see `dwcp_exporter::loadgen`.

use std::time::Duration;

use clap::Parser;
use dwcp_exporter::ingest::Ingest;
use dwcp_exporter::loadgen::{self, Args, Sink};
use dwcp_exporter::metrics::Dwcp;
use exporter_kit::{Exporter, ExporterInfo};

fn main() {
    let args = Args::parse();
    exporter_kit::init_logging(&args.web);
    if let Err(e) = run(&args) {
        eprintln!("dwcp-loadgen: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(url) = &args.exporter {
        let mut sink = Sink::http(url);
        return loadgen::run(args, &mut sink).map(|_| ());
    }
    // Serve our own /metrics through the library while the workload runs.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let dwcp = Dwcp::new();
    let mut exporter = Exporter::new(ExporterInfo {
        namespace: "dwcp_loadgen",
        name: "DWCP load generator",
        version: env!("CARGO_PKG_VERSION"),
        self_metrics: &metric_defs::dwcp::LOADGEN_SELF,
        default_listen: "127.0.0.1:9472",
    });
    exporter.add_collector(dwcp.registry());
    let running = rt.block_on(exporter.start(&args.web))?;
    for a in &running.addrs {
        println!("serving metrics on http://{a}{}", args.web.telemetry_path);
    }
    let mut sink = Sink::Local(Box::new(Ingest::new(dwcp, 1000, None)));
    let result = loadgen::run(args, &mut sink);
    if result.is_ok() && args.linger > 0.0 {
        std::thread::sleep(Duration::from_secs_f64(args.linger));
    }
    rt.block_on(running.shutdown());
    result.map(|_| ())
}
