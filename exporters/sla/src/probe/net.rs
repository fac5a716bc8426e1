//! Name resolution and TCP connect, each reported as its own phase.

use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpStream;

use super::{Failure, Reason};

/// Resolves `host` (an IP literal skips DNS) and connects to the first
/// address that accepts.
pub(super) async fn connect(host: &str, port: u16) -> Result<TcpStream, Failure> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| (Reason::Dns, format!("resolve {host}: {e}")))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err((Reason::Dns, format!("resolve {host}: no addresses")));
    }
    let mut last = None;
    for a in addrs {
        match TcpStream::connect(a).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(format!("connect {a}: {e}")),
        }
    }
    Err((Reason::Connect, last.unwrap_or_default()))
}
