//! The flags every Prometheus exporter has, and logging set up from them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `ts=... level=info msg="..." key=value`.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Minimum level that is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Everything, including debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Problems that do not stop the exporter.
    Warn,
    /// Failures.
    Error,
}

/// Web and logging flags, to `#[command(flatten)]` into an exporter's parser.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// Address to listen on for the web interface and telemetry; repeat for
    /// several (e.g. `:9470`, `127.0.0.1:9470`, `[::1]:9470`).
    #[arg(long = "web.listen-address", value_name = "ADDR")]
    pub listen_addresses: Vec<String>,

    /// Path under which to expose metrics.
    #[arg(
        long = "web.telemetry-path",
        value_name = "PATH",
        default_value = "/metrics"
    )]
    pub telemetry_path: String,

    /// Path to a web config file (exporter-toolkit format) enabling TLS,
    /// basic auth and extra response headers; re-read on change and SIGHUP.
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub config_file: Option<PathBuf>,

    /// Only log messages with the given severity or above.
    #[arg(long = "log.level", value_enum, default_value = "info")]
    pub log_level: LogLevel,

    /// Output format of log messages.
    #[arg(long = "log.format", value_enum, default_value = "logfmt")]
    pub log_format: LogFormat,
}

impl WebArgs {
    /// Arguments for tests and embedding: listen on `addr`, defaults otherwise.
    pub fn listen_on(addr: &str) -> Self {
        WebArgs {
            listen_addresses: vec![addr.to_string()],
            telemetry_path: "/metrics".into(),
            config_file: None,
            log_level: LogLevel::Info,
            log_format: LogFormat::Logfmt,
        }
    }
}

/// Installs the global logger per `--log.level` / `--log.format` (to
/// stderr). Safe to call more than once; later calls do nothing.
pub fn init_logging(args: &WebArgs) {
    use tracing_subscriber::fmt;
    let level = match args.log_level {
        LogLevel::Debug => tracing::Level::DEBUG,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Warn => tracing::Level::WARN,
        LogLevel::Error => tracing::Level::ERROR,
    };
    let builder = fmt().with_max_level(level).with_writer(std::io::stderr);
    let _ = match args.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Logfmt => builder.event_format(crate::logfmt::Logfmt).try_init(),
    };
}
