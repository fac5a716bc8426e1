//! A cheap loopback HTTP target for the 1,000-target load run
//! (`scripts/sla-load.sh`): answers `/health` with a healthy JSON body and
//! every other path with `200 ok`, one request per connection.
//!
//! Usage: `load_target [ADDR]` (default `127.0.0.1:0`); prints the bound
//! address on stdout.

use std::io::Write;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const HEALTH: &str = r#"{"status":"healthy","checks":{"database":{"status":"healthy"},"cache":{"status":"healthy"}}}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let l = TcpListener::bind(&addr).await?;
    println!("{}", l.local_addr()?);
    std::io::stdout().flush()?;
    loop {
        let Ok((mut s, _)) = l.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            let mut len = 0;
            while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf[len..]).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => len += n,
                }
                if len == buf.len() {
                    return;
                }
            }
            let health = buf[..len].starts_with(b"GET /health ");
            let body = if health { HEALTH } else { "ok\n" };
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(resp.as_bytes()).await;
            let _ = s.shutdown().await;
        });
    }
}
