//! A cheap loopback HTTP target for the 1,000-target load run
//! (`scripts/sla-load.sh`): answers `/health...` with a healthy JSON body and
//! every other path with `200 ok`, one request per connection. It also
//! measures the probes' timing as the targets see it: `GET /stats/reset`
//! starts a window, `GET /stats` answers the spread of the intervals between
//! consecutive requests to the same path, as `|gap - 1 s|` percentiles in ms.
//!
//! Usage: `load_target [ADDR]` (default `127.0.0.1:0`); prints the bound
//! address on stdout.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const HEALTH: &str = r#"{"status":"healthy","checks":{"database":{"status":"healthy"},"cache":{"status":"healthy"}}}"#;

type Arrivals = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

fn stats(arrivals: &Arrivals) -> String {
    let map = arrivals.lock().unwrap_or_else(|e| e.into_inner());
    let mut dev: Vec<f64> = map
        .values()
        .flat_map(|v| {
            v.windows(2)
                .map(|w| ((w[1] - w[0]).as_secs_f64() - 1.0).abs() * 1000.0)
        })
        .collect();
    dev.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if dev.is_empty() {
            0.0
        } else {
            dev[((dev.len() - 1) as f64 * p).round() as usize]
        }
    };
    format!(
        "{{\"paths\":{},\"gaps\":{},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"p999_ms\":{:.2},\"max_ms\":{:.2}}}",
        map.len(),
        dev.len(),
        q(0.5),
        q(0.99),
        q(0.999),
        dev.last().copied().unwrap_or(0.0)
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let l = TcpListener::bind(&addr).await?;
    println!("{}", l.local_addr()?);
    std::io::stdout().flush()?;
    let arrivals: Arrivals = Arc::default();
    loop {
        let Ok((mut s, _)) = l.accept().await else {
            continue;
        };
        let arrivals = arrivals.clone();
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
            let now = Instant::now();
            let head = String::from_utf8_lossy(&buf[..len]);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let body = if path == "/stats" {
                stats(&arrivals)
            } else {
                let mut map = arrivals.lock().unwrap_or_else(|e| e.into_inner());
                if path == "/stats/reset" {
                    map.clear();
                } else {
                    map.entry(path.clone()).or_default().push(now);
                }
                drop(map);
                if path.starts_with("/health") {
                    HEALTH.to_string()
                } else {
                    "ok\n".to_string()
                }
            };
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(resp.as_bytes()).await;
            let _ = s.shutdown().await;
        });
    }
}
