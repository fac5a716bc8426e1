//! UDP and unix-datagram ingestion against the real binary.

mod common;

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;

use common::Proc;

#[test]
fn udp_events_change_exactly_their_series() {
    let p = Proc::start_with_datagrams(&[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = p.udp.clone().unwrap();
    common::check_all_cases(&p, "udp", |line| {
        sock.send_to(line.as_bytes(), &to).unwrap();
    });
}

#[test]
fn unix_socket_events_change_exactly_their_series() {
    let p = Proc::start_with_datagrams(&[]);
    let sock = UnixDatagram::unbound().unwrap();
    let to = p.unix.clone().unwrap();
    common::check_all_cases(&p, "unix", |line| {
        sock.send_to(line.as_bytes(), &to).unwrap();
    });
}

#[test]
fn bad_datagram_lines_are_counted_and_good_ones_applied() {
    let p = Proc::start_with_datagrams(&[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = p.udp.clone().unwrap();
    // One datagram, several lines: the bad ones are skipped, not the rest.
    sock.send_to(
        b"stream_data sent=7 received=1\nstream_data sent=x received=1\nnope\nstream_data sent=3 received=0\n",
        &to,
    )
    .unwrap();
    sock.send_to(b"info version=\xff\xfe", &to).unwrap();
    let long = format!("info version={}", "a".repeat(2000));
    sock.send_to(long.as_bytes(), &to).unwrap();
    let s = p.wait_for("three rejections", |s| {
        s.get("dwcp_exporter_events_rejected_total{reason=\"line_too_long\"}") == Some(&1.0)
            && s.get("dwcp_exporter_events_rejected_total{reason=\"not_utf8\"}") == Some(&1.0)
    });
    assert_eq!(s["dwcp_amst_sent_bytes_total"], 10.0);
    assert_eq!(s["dwcp_amst_received_bytes_total"], 1.0);
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"udp\"}"],
        2.0
    );
    assert_eq!(
        s["dwcp_exporter_events_rejected_total{reason=\"invalid_value\"}"],
        1.0
    );
    assert_eq!(
        s["dwcp_exporter_events_rejected_total{reason=\"unknown_event\"}"],
        1.0
    );
    assert!(!s.keys().any(|k| k.starts_with("dwcp_info{")));
}
