//! The shipped shell client (`scripts/dwcp-send-event.sh`: curl, /dev/udp, nc)
//! against the real exporter, over HTTP, UDP and the unix socket.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Proc;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/dwcp-send-event.sh")
}

fn send(args: &[&str]) -> String {
    for tool in ["curl", "nc"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(found, "{tool} is required (scripts/deps.d/dwcp.list)");
    }
    let out = Command::new("bash")
        .arg(script())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_shell_client_reaches_every_transport() {
    let p = Proc::start_with_datagrams(&[]);
    let out = send(&[
        "--http",
        &p.base,
        "stream_data sent=100 received=1",
        "component_health component=amst healthy=1",
    ]);
    assert_eq!(out, "{\"applied\":2,\"dropped\":0}\n");
    send(&[
        "--udp",
        p.udp.as_deref().unwrap(),
        "stream_data sent=20 received=2",
    ]);
    let unix = p.unix.clone().unwrap();
    send(&[
        "--unix",
        unix.to_str().unwrap(),
        "stream_data sent=3 received=3",
    ]);
    let s = p.wait_for("UDP and unix events", |s| {
        s.get("dwcp_amst_sent_bytes_total") == Some(&123.0)
    });
    assert_eq!(s["dwcp_amst_received_bytes_total"], 6.0);
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"http\"}"],
        2.0
    );
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"udp\"}"],
        1.0
    );
    assert_eq!(
        s["dwcp_exporter_events_received_total{transport=\"unix\"}"],
        1.0
    );
}
