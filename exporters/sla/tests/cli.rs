//! The `sla-exporter` binary's command-line contract.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sla-exporter");

#[test]
fn config_check_exits_zero_on_a_valid_file_and_names_the_line_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yml");
    std::fs::write(
        &good,
        "modules:\n  tcp:\n    prober: tcp\ntargets:\n  - {name: db, target: \"127.0.0.1:5432\", module: tcp}\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--config.check", "--config.file"])
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}: OK (1 modules, 1 targets)\n", good.display())
    );

    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "modules:\n  tcp:\n    prober: tcp\ntargets:\n  - name: db\n    target: \"127.0.0.1\"\n    module: tcp\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--config.check", "--config.file"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}:6:13: error: target \"db\": \"127.0.0.1\" is not host:port\n  \
             help: tcp targets look like 127.0.0.1:5432 or db.example:5432\n",
            bad.display()
        )
    );

    let out = Command::new(BIN)
        .args(["--config.check", "--config.file", "/nonexistent/sla.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("/nonexistent/sla.yml: error: cannot read: "));
}

#[test]
fn the_example_config_passes_the_check() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs/sla/example.yml");
    let out = Command::new(BIN)
        .args(["--config.check", "--config.file", example])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
