//! `libvirt-exporter` binary: parses flags and runs the exporter.

use std::process::ExitCode;

use clap::Parser;
use libvirt_exporter::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    exporter_kit::init_logging(&cli.web);
    let exporter = match libvirt_exporter::build(cli.config()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("libvirt-exporter: cannot start the libvirt worker: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("libvirt-exporter: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(exporter.run(&cli.web)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("libvirt-exporter: {e}");
            ExitCode::FAILURE
        }
    }
}
