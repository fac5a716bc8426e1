//! The whole pipeline on loopback with real programs: dwcp-exporter receives
//! events, Debian's Prometheus scrapes it and evaluates every rule file that
//! rulegen generated, and an alert built on a generated recording rule goes
//! through Debian's Alertmanager to a webhook receiver run by the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use e2e_tests::{free_port, get_json, http, repo_root, system_bin, wait_for, workspace_bin, Proc};

/// A webhook receiver: stores every POSTed body.
fn webhook_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let store = bodies.clone();
    std::thread::spawn(move || {
        for stream in l.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut r = BufReader::new(stream);
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len.min(1 << 20)];
            if r.read_exact(&mut body).is_ok() {
                store
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = r
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, bodies)
}

/// Rule groups in the generated rule files, by name.
fn generated_groups() -> (Vec<String>, Vec<String>) {
    let dir = repo_root().join("configs/prometheus/rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut groups = Vec::new();
    for f in &files {
        let v: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for g in v["groups"].as_array().unwrap() {
            groups.push(g["name"].as_str().unwrap().to_string());
        }
    }
    groups.sort();
    (
        files.iter().map(|f| f.display().to_string()).collect(),
        groups,
    )
}

#[test]
fn events_to_prometheus_rules_to_alertmanager_to_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (sink_port, received) = webhook_sink();
    let (dwcp_port, prom_port, am_port) = (free_port(), free_port(), free_port());

    let mut dwcp = Proc::start(
        "dwcp-exporter",
        Command::new(workspace_bin("dwcp-exporter"))
            .arg(format!("--web.listen-address=127.0.0.1:{dwcp_port}")),
        d,
    );

    std::fs::write(
        d.join("alertmanager.yml"),
        format!(
            "route:\n  receiver: sink\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n\
             receivers:\n- name: sink\n  webhook_configs:\n  - url: http://127.0.0.1:{sink_port}/alerts\n    send_resolved: false\n"
        ),
    )
    .unwrap();
    let _am = Proc::start(
        "alertmanager",
        Command::new(system_bin(
            "prometheus-alertmanager",
            "prometheus-alertmanager",
        ))
        .args([
            format!("--config.file={}", d.join("alertmanager.yml").display()),
            format!("--storage.path={}", d.join("am-data").display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".to_string(),
        ]),
        d,
    );

    // A test-only alert on top of a generated recording rule: it fires as
    // soon as the recording rule has data, so delivery can be checked
    // without waiting for the shipped alerts' `for` durations.
    std::fs::write(
        d.join("e2e.yml"),
        "groups:\n- name: e2e\n  rules:\n  - alert: E2EDwcpStreamsOpening\n    \
         expr: job:dwcp_amst_streams_opened:rate5m > 0\n    labels:\n      severity: info\n",
    )
    .unwrap();
    let (rule_files, groups) = generated_groups();
    let mut rules_yaml = String::new();
    for f in rule_files
        .iter()
        .chain([d.join("e2e.yml").display().to_string()].iter())
    {
        rules_yaml.push_str(&format!("- {f}\n"));
    }
    std::fs::write(
        d.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n{rules_yaml}\
             alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:{am_port}']\n\
             scrape_configs:\n- job_name: dwcp-exporter\n  static_configs:\n  - targets: ['127.0.0.1:{dwcp_port}']\n"
        ),
    )
    .unwrap();
    let mut prom = Proc::start(
        "prometheus",
        Command::new(system_bin("prometheus", "prometheus")).args([
            format!("--config.file={}", d.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", d.join("prom-data").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
        ]),
        d,
    );

    let c = http();
    let dwcp_url = format!("http://127.0.0.1:{dwcp_port}");
    wait_for("dwcp-exporter ready", Duration::from_secs(30), || {
        dwcp.assert_running();
        c.get(format!("{dwcp_url}/-/ready"))
            .send()
            .map_err(|e| e.to_string())
            .map(|_| ())
    });

    // Real events through the HTTP ingestion API, every second for a while.
    let feeder_url = format!("{dwcp_url}/api/v1/events");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let feeder_stop = stop.clone();
    let feeder = std::thread::spawn(move || {
        let c = http();
        let mut sent = 0u32;
        while !feeder_stop.load(std::sync::atomic::Ordering::Relaxed) && sent < 120 {
            let batch = "stream_start\nstream_data sent=1048576 received=4096\nstream_end\n";
            let r = c.post(&feeder_url).body(batch).send().expect("POST events");
            assert!(
                r.status().is_success(),
                "events rejected: {}",
                r.text().unwrap_or_default()
            );
            sent += 1;
            std::thread::sleep(Duration::from_millis(500));
        }
    });

    let prom_url = format!("http://127.0.0.1:{prom_port}");
    // Every generated group is loaded, and after evaluations with real data no
    // rule reports an error.
    let loaded = wait_for(
        "Prometheus to evaluate every rule group",
        Duration::from_secs(60),
        || {
            prom.assert_running();
            let v = get_json(&c, &format!("{prom_url}/api/v1/rules"))?;
            let gs = v["data"]["groups"].as_array().ok_or("no groups")?;
            let mut names: Vec<String> = gs
                .iter()
                .map(|g| g["name"].as_str().unwrap_or("").to_string())
                .collect();
            let evaluated = gs.iter().all(|g| {
                g["lastEvaluation"]
                    .as_str()
                    .is_some_and(|t| !t.starts_with("0001"))
            });
            if !evaluated {
                return Err("not every group evaluated yet".into());
            }
            for g in gs {
                for r in g["rules"].as_array().into_iter().flatten() {
                    if r["health"] == "err" {
                        panic!(
                            "rule {} in group {} fails: {}",
                            r["name"], g["name"], r["lastError"]
                        );
                    }
                }
            }
            names.retain(|n| n != "e2e");
            names.sort();
            Ok(names)
        },
    );
    assert_eq!(
        loaded, groups,
        "Prometheus loaded exactly the generated groups"
    );

    // The recording rule computes the real byte rate from the exporter.
    let rate = wait_for(
        "job:dwcp_amst_sent_bytes:rate1m",
        Duration::from_secs(60),
        || {
            let v = get_json(
                &c,
                &format!("{prom_url}/api/v1/query?query=job:dwcp_amst_sent_bytes:rate1m"),
            )?;
            let res = v["data"]["result"].as_array().cloned().unwrap_or_default();
            let s = res.first().ok_or("no result yet")?;
            let val: f64 = s["value"][1]
                .as_str()
                .unwrap_or("0")
                .parse()
                .map_err(|e| format!("{e}"))?;
            if val > 0.0 {
                Ok((s["metric"]["job"].as_str().unwrap_or("").to_string(), val))
            } else {
                Err(format!("rate {val}"))
            }
        },
    );
    assert_eq!(rate.0, "dwcp-exporter");
    // At most 2 batches of 1 MiB per second are sent; rate() extrapolates
    // over short windows, so allow 2x on top, which still catches unit
    // mistakes (bits, per-minute).
    assert!(rate.1 < 4.0 * 1_048_576.0, "rate {}", rate.1);
    // The scraped counter is exact: whole batches of 1 MiB.
    let total = wait_for(
        "dwcp_amst_sent_bytes_total",
        Duration::from_secs(30),
        || {
            let v = get_json(
                &c,
                &format!("{prom_url}/api/v1/query?query=dwcp_amst_sent_bytes_total"),
            )?;
            let s = v["data"]["result"]
                .as_array()
                .and_then(|r| r.first().cloned())
                .ok_or("no result")?;
            s["value"][1]
                .as_str()
                .unwrap_or("")
                .parse::<f64>()
                .map_err(|e| e.to_string())
        },
    );
    assert!(
        total >= 1_048_576.0 && total % 1_048_576.0 == 0.0,
        "total {total}"
    );

    // The alert reaches Alertmanager and then the receiver.
    let body = wait_for(
        "the alert at the webhook receiver",
        Duration::from_secs(90),
        || {
            let got = received.lock().unwrap();
            got.iter()
                .find(|b| b.contains("E2EDwcpStreamsOpening"))
                .cloned()
                .ok_or_else(|| format!("{} posts", got.len()))
        },
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "firing");
    assert_eq!(v["commonLabels"]["alertname"], "E2EDwcpStreamsOpening");
    assert_eq!(v["commonLabels"]["job"], "dwcp-exporter");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    feeder.join().unwrap();
}

#[test]
fn compose_file_is_valid_and_complete() {
    let root = repo_root();
    let out = Command::new(system_bin("docker-compose", "docker-compose"))
        .args([
            "-f",
            "docker-compose.monitoring.yml",
            "config",
            "--services",
        ])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut services: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            "alertmanager",
            "cadvisor",
            "dwcp-exporter",
            "grafana",
            "libvirt-exporter",
            "node-exporter",
            "prometheus",
            "sla-exporter"
        ]
    );
}
