//! The SLA config file (`configs/sla/sla-exporter.yml`, written by `rulegen`
//! or by hand): loading, validation with line-precise errors, and the checked
//! model the scheduler runs.

mod check;
pub mod duration;
mod error;
mod model;
pub(crate) mod raw;

use std::path::Path;
use std::time::Duration;

pub use error::{ConfigError, Problem};
use hyper::Uri;
pub use model::{Address, Config, HealthModule, HttpModule, Module, Prober, Target, TcpModule};
use raw::RawConfig;

/// Largest config file accepted (bounded memory under hostile input).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Smallest probe interval allowed.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Interval when neither the target nor `defaults` set one.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);
/// Timeout when neither the target nor `defaults` set one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let file = path.display().to_string();
    let whole = |message: String| ConfigError {
        file: file.clone(),
        problems: vec![Problem {
            line: 0,
            column: 0,
            message,
            help: None,
        }],
    };
    let meta = std::fs::metadata(path).map_err(|e| whole(format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(whole(format!(
            "file is {} bytes, more than the limit of {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| whole(format!("cannot read: {e}")))?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, &file, base)
}

/// Validates config text; `file` names it in errors and `base` resolves
/// relative TLS file paths.
pub fn parse(text: &str, file: &str, base: &Path) -> Result<Config, ConfigError> {
    let raw: RawConfig = serde_saphyr::from_str(text).map_err(|e| {
        let loc = e.location();
        ConfigError {
            file: file.to_string(),
            problems: vec![Problem {
                line: loc.map_or(0, |l| l.line()),
                column: loc.map_or(0, |l| l.column()),
                message: first_line(&e.to_string()),
                help: None,
            }],
        }
    })?;
    let mut c = check::Checker::new(base);
    let config = c.config(raw);
    if c.problems.is_empty() {
        Ok(config)
    } else {
        c.problems.sort_by_key(|p| (p.line, p.column));
        Err(ConfigError {
            file: file.to_string(),
            problems: c.problems,
        })
    }
}

/// serde-saphyr's message, without the `error: line N column M:` prefix or
/// the location suffix (we print our own position).
fn first_line(msg: &str) -> String {
    let mut line = msg.lines().next().unwrap_or(msg).trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    if line.starts_with("line ") {
        if let Some((_, rest)) = line.split_once(": ") {
            line = rest;
        }
    }
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

/// Parses an absolute `http://` or `https://` URL with a host.
pub fn parse_url(s: &str) -> Result<Uri, String> {
    let u: Uri = s.parse().map_err(|_| format!("{s:?} is not a valid URL"))?;
    match u.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(format!("{s:?} does not start with http:// or https://")),
    }
    if u.host().is_none_or(str::is_empty) {
        return Err(format!("{s:?} has no host"));
    }
    Ok(u)
}

/// Parses `host:port` or `[v6]:port`.
pub fn parse_host_port(s: &str) -> Option<(String, u16)> {
    let (host, port) = s.rsplit_once(':')?;
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() || host.contains(['/', ' ']) {
        return None;
    }
    Some((host.to_string(), port))
}

#[cfg(test)]
mod tests;
