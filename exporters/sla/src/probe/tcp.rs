//! The `tcp` prober: connect, then optionally send a string and wait for a
//! reply matching a regex.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{net, Failure, Reason};
use crate::config::TcpModule;

/// Most reply bytes kept while waiting for `expect` to match.
const REPLY_LIMIT: usize = 64 * 1024;

pub(super) async fn probe(m: &TcpModule, host: &str, port: u16) -> Result<(), Failure> {
    let mut s = net::connect(host, port).await?;
    if let Some(send) = &m.send {
        s.write_all(send)
            .await
            .map_err(|e| (Reason::Connect, format!("send: {e}")))?;
    }
    let Some(expect) = &m.expect else {
        return Ok(());
    };
    let mut reply = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s
            .read(&mut chunk)
            .await
            .map_err(|e| (Reason::Body, format!("read: {e}")))?;
        if n == 0 {
            return Err((
                Reason::Body,
                format!(
                    "connection closed before the reply matched {:?}",
                    expect.as_str()
                ),
            ));
        }
        reply.extend_from_slice(&chunk[..n]);
        if reply.len() > REPLY_LIMIT {
            let cut = reply.len() - REPLY_LIMIT;
            reply.drain(..cut);
        }
        if expect.is_match(&String::from_utf8_lossy(&reply)) {
            return Ok(());
        }
    }
}
