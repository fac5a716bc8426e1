//! The `rulegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Compiles the monitoring spec into Prometheus, Alertmanager, promtool and SLA exporter files.
#[derive(Parser)]
#[command(name = "rulegen", version, about)]
struct Cli {
    /// The spec (YAML, or Jsonnet with a .jsonnet extension).
    #[arg(long, global = true, default_value = "configs/monitoring.yaml")]
    spec: PathBuf,
    /// Output directory (generated files go to prometheus/, alertmanager/, sla/ under it).
    #[arg(long, global = true, default_value = "configs")]
    out: PathBuf,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Report every problem in the spec.
    Check,
    /// Write the generated files (or, with --check, verify they are up to date).
    Build {
        /// Fail if the files on disk differ from what the spec produces.
        #[arg(long)]
        check: bool,
    },
    /// Run `promtool test rules` on the generated unit tests.
    Test {
        /// The promtool binary.
        #[arg(long, default_value = "promtool")]
        promtool: PathBuf,
    },
    /// Show the compiled rule, its origin in the spec and its route.
    Explain {
        /// Alert name.
        alert: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let c = rulegen::compile(&cli.spec);
    if !c.diags.list.is_empty() {
        eprint!("{}", c.diags.render(&c.sources));
    }
    if !c.ok() {
        return ExitCode::FAILURE;
    }
    match cli.cmd {
        Cmd::Check => {
            let alerts: usize = c.spec.alerts.iter().map(|g| g.rules.len()).sum();
            let records: usize = c.spec.recording.iter().map(|g| g.rules.len()).sum();
            println!(
                "{}: ok ({} scrape jobs, {records} recording rules, {alerts} alerts, {} files)",
                cli.spec.display(),
                c.spec.jobs.len(),
                c.files.len()
            );
            ExitCode::SUCCESS
        }
        Cmd::Build { check: true } => {
            let problems = rulegen::output::diff(&cli.out, &c.files);
            if problems.is_empty() {
                println!("{} generated files are up to date", c.files.len());
                ExitCode::SUCCESS
            } else {
                for p in problems {
                    eprintln!("error: {p}");
                }
                ExitCode::FAILURE
            }
        }
        Cmd::Build { check: false } => match rulegen::output::write_all(&cli.out, &c.files) {
            Ok(changed) => {
                for p in &changed {
                    println!("wrote {}", cli.out.join(p).display());
                }
                println!("{} files, {} changed", c.files.len(), changed.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Cmd::Test { promtool } => match rulegen::testrun::run(&promtool, &c.files) {
            Ok(r) => {
                print!("{}", r.output);
                if r.success {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Cmd::Explain { alert } => match rulegen::explain::explain(&c, &alert) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                let names: Vec<&str> = c
                    .spec
                    .alerts
                    .iter()
                    .flat_map(|g| g.rules.iter().map(|a| a.name.val.as_str()))
                    .collect();
                let near = rulegen::diag::closest(&alert, names, 3);
                eprintln!("error: no alert named `{alert}`");
                if let Some(h) = rulegen::diag::did_you_mean(&near) {
                    eprintln!("  = help: {h}");
                }
                ExitCode::FAILURE
            }
        },
    }
}
