//! Real UDP on loopback: a sender thread paces one-event datagrams at a
//! target rate into the exporter's UDP receiver (in-process, same code as
//! the binary); reports the achieved send rate, the received rate and the
//! loss. Also batches of 20 lines per datagram.
//!
//! Run: `cargo bench -p dwcp-exporter --bench udp_loopback`

use std::net::UdpSocket;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dwcp_exporter::datagram;
use dwcp_exporter::ingest::{Ingest, Transport};
use dwcp_exporter::metrics::Dwcp;

fn received(ingest: &Ingest) -> u64 {
    let mut w = exporter_kit::MetricWriter::new(exporter_kit::Format::Text, Vec::new());
    exporter_kit::Collector::collect(&*ingest.registry(), &mut w).unwrap();
    let text = String::from_utf8(w.into_inner()).unwrap();
    let key = format!(
        "dwcp_exporter_events_received_total{{transport=\"{}\"}} ",
        Transport::Udp.as_str()
    );
    text.lines()
        .find_map(|l| l.strip_prefix(key.as_str()))
        .unwrap()
        .parse()
        .unwrap()
}

/// Sends `count` datagrams of `lines_per` events at `rate` datagrams/s
/// (0 = as fast as possible) from each of `senders` threads; returns
/// (seconds, events sent, events received).
fn run(
    ingest: &Ingest,
    to: std::net::SocketAddr,
    count: u64,
    lines_per: usize,
    rate: f64,
    senders: u64,
) -> (f64, u64, u64) {
    let one = "stream_data sent=4096 received=64\n";
    let payload = one.repeat(lines_per);
    let before = received(ingest);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..senders {
            s.spawn(|| {
                let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
                for i in 0..count {
                    if rate > 0.0 {
                        let due = Duration::from_secs_f64(i as f64 / rate);
                        while start.elapsed() < due {
                            std::hint::spin_loop();
                        }
                    }
                    let _ = sock.send_to(payload.as_bytes(), to);
                }
            });
        }
    });
    let secs = start.elapsed().as_secs_f64();
    let sent = senders * count * lines_per as u64;
    // Wait until the receiver is quiet.
    let mut last = received(ingest);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = received(ingest);
        if now == last {
            break;
        }
        last = now;
    }
    (secs, sent, last - before)
}

fn main() {
    let ingest = Arc::new(Ingest::new(Dwcp::new(), 1000, None));
    let (addr, _rx) = datagram::udp("127.0.0.1:0", ingest.clone()).unwrap();
    println!("| senders | datagrams/s per sender | events/datagram | sent events/s | received events/s | loss |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (senders, rate, lines, count) in [
        (1, 50_000.0, 1, 250_000u64),
        (1, 100_000.0, 1, 500_000),
        (1, 0.0, 1, 1_000_000),
        (2, 0.0, 1, 500_000),
        (1, 50_000.0, 20, 100_000),
        (1, 0.0, 20, 100_000),
        (2, 0.0, 20, 50_000),
    ] {
        let (secs, sent, got) = run(&ingest, addr, count, lines, rate, senders);
        let target = if rate > 0.0 {
            format!("{rate:.0}")
        } else {
            "unpaced".into()
        };
        println!(
            "| {senders} | {target} | {lines} | {:.0} | {:.0} | {:.2}% |",
            sent as f64 / secs,
            got as f64 / secs,
            100.0 * (sent - got.min(sent)) as f64 / sent as f64
        );
    }
}
