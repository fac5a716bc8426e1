//! `dwcp-exporter`: see `dwcp_exporter::exporter`.

use clap::Parser;

#[tokio::main]
async fn main() {
    let args = dwcp_exporter::exporter::Args::parse();
    if let Err(e) = dwcp_exporter::exporter::run(args).await {
        eprintln!("dwcp-exporter: {e}");
        std::process::exit(1);
    }
}
