//! Shared helpers of the integration tests: the fixtures of
//! `scripts/libvirt-setup.sh`, a spawned exporter (killed on drop), a tiny
//! HTTP client, an exposition parser that refuses duplicate series, and a
//! `virsh domstats --raw` parser.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The real-guest URI the setup script prepares.
pub const QEMU: &str = "qemu:///system";
/// Guests the setup script starts (running) and defines (shut off).
pub const RUNNING: [&str; 2] = ["lvx-alpha", "lvx-beta"];
/// The shut-off guest.
pub const SHUTOFF: &str = "lvx-gamma";

/// Directory of the fixtures (`LIBVIRT_TEST_DIR` or the script's default).
pub fn fixture_dir() -> PathBuf {
    std::env::var_os("LIBVIRT_TEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/libvirt-exporter-test"))
}

/// `test:///...` URI of the 1,000-domain node.
pub fn node_1000_uri() -> String {
    let p = fixture_dir().join("node-1000.xml");
    assert!(
        p.exists(),
        "{} missing: run `sudo scripts/libvirt-setup.sh` first",
        p.display()
    );
    format!("test://{}", p.display())
}

/// The repository's `scripts/` directory.
pub fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}

/// Runs a command, returning stdout; panics with stderr on failure.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd} (is it installed?): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `virsh -c URI ARGS...`.
pub fn virsh(uri: &str, args: &[&str]) -> String {
    let mut a = vec!["-c", uri];
    a.extend_from_slice(args);
    run("virsh", &a)
}

/// Fails clearly unless the real guests of the setup script are there.
pub fn require_guests() {
    let out = Command::new("virsh")
        .args(["-c", QEMU, "list", "--all", "--name"])
        .output()
        .unwrap_or_else(|e| panic!("virsh not found ({e}): install libvirt-clients"));
    let list = String::from_utf8_lossy(&out.stdout);
    for g in RUNNING.iter().chain([&SHUTOFF]) {
        assert!(
            out.status.success() && list.lines().any(|l| l.trim() == *g),
            "guest {g} missing on {QEMU}: run `sudo scripts/libvirt-setup.sh` (or scripts/test-setup.d/libvirt.sh) first; virsh said: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A shared/exclusive lock on libvirtd across test processes: tests that
/// stop or kill libvirtd take it exclusively, the others shared.
pub struct DaemonLock(std::fs::File);

impl DaemonLock {
    fn take(op: i32) -> DaemonLock {
        use std::os::unix::io::AsRawFd;
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(std::env::temp_dir().join("libvirt-exporter-tests.lock"))
            .expect("lock file");
        // SAFETY: flock on a valid descriptor we own.
        let r = unsafe { libc::flock(f.as_raw_fd(), op) };
        assert_eq!(r, 0, "flock failed");
        DaemonLock(f)
    }

    /// For tests that only read from libvirtd.
    pub fn shared() -> DaemonLock {
        Self::take(libc::LOCK_SH)
    }

    /// For tests that stop or kill libvirtd.
    pub fn exclusive() -> DaemonLock {
        Self::take(libc::LOCK_EX)
    }
}

/// A running `libvirt-exporter`; killed on drop.
pub struct Exporter {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    logs: mpsc::Receiver<String>,
}

impl Exporter {
    /// Starts the exporter on a free loopback port with extra flags.
    pub fn start(uri: &str, extra: &[&str]) -> Exporter {
        let mut child = Command::new(env!("CARGO_BIN_EXE_libvirt-exporter"))
            .args(["--web.listen-address", "127.0.0.1:0", "--libvirt.uri", uri])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn libvirt-exporter");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .expect("exporter did not log its listen address within 10 s");
            if let Some(a) = line.split("address=").nth(1) {
                let a = a.split_whitespace().next().unwrap_or("");
                break a.parse().expect("listen address");
            }
        };
        Exporter {
            child,
            addr,
            logs: rx,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Log lines so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.try_iter().collect()
    }

    /// `GET /metrics`: status and body.
    pub fn get_metrics(&self) -> (u16, String) {
        http_get(self.addr, "/metrics")
    }

    /// `GET /metrics`, asserting 200, parsed.
    pub fn scrape(&self) -> Metrics {
        let (status, body) = self.get_metrics();
        assert_eq!(status, 200, "scrape failed: {body}");
        Metrics::parse(&body)
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 GET (connection closed after the answer).
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("HTTP head");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// One scrape: series (`name{a="x",b="y"}` exactly as written) → value.
pub struct Metrics {
    /// Every series.
    pub series: HashMap<String, f64>,
    /// Families that have a `# TYPE` line.
    pub families: Vec<String>,
}

impl Metrics {
    /// Parses text format 0.0.4; panics on a duplicate series.
    pub fn parse(body: &str) -> Metrics {
        let mut series = HashMap::new();
        let mut families = Vec::new();
        for line in body.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split_whitespace().next().unwrap_or("").to_string();
                assert!(!families.contains(&name), "family {name} twice");
                families.push(name);
                continue;
            }
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let (key, value) = line.rsplit_once(' ').expect("sample line");
            let v: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                v => v.parse().unwrap_or_else(|_| panic!("bad value in {line}")),
            };
            assert!(
                series.insert(key.to_string(), v).is_none(),
                "duplicate series {key}"
            );
        }
        Metrics { series, families }
    }

    /// The value of `name{labels}` (labels in definition order).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.series.get(&key(name, labels)).copied()
    }

    /// As [`Metrics::get`], panicking when the series is missing.
    pub fn must(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels)
            .unwrap_or_else(|| panic!("series {} missing", key(name, labels)))
    }

    /// Series of one family.
    pub fn of(&self, name: &str) -> Vec<(&str, f64)> {
        let mut v: Vec<(&str, f64)> = self
            .series
            .iter()
            .filter(|(k, _)| k.as_str() == name || k.starts_with(&format!("{name}{{")))
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Families whose name starts with `prefix`.
    pub fn families_with(&self, prefix: &str) -> usize {
        self.families
            .iter()
            .filter(|f| f.starts_with(prefix))
            .count()
    }
}

/// Formats a series key as the exporter writes it.
pub fn key(name: &str, labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{name}{{{}}}", inner.join(","))
}

/// `virsh domstats --raw` output: domain → key → value.
pub fn domstats(uri: &str, extra: &[&str]) -> HashMap<String, HashMap<String, String>> {
    let mut args = vec!["domstats", "--raw"];
    args.extend_from_slice(extra);
    let out = virsh(uri, &args);
    let mut all = HashMap::new();
    let mut cur: Option<String> = None;
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("Domain: '") {
            let name = rest.trim_end_matches('\'').to_string();
            all.insert(name.clone(), HashMap::new());
            cur = Some(name);
        } else if let (Some(d), Some((k, v))) = (&cur, line.trim().split_once('=')) {
            all.get_mut(d).unwrap().insert(k.to_string(), v.to_string());
        }
    }
    all
}

/// Polls `f` every 100 ms until it returns `Some`, for at most `limit`.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text after `name:` on the first line of `text` that starts with
/// `name` (virsh's `dominfo`, `nodeinfo`, `pool-info` layout).
pub fn field(text: &str, name: &str) -> String {
    text.lines()
        .find(|l| l.trim_start().starts_with(name))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| panic!("{name} not in {text}"))
}

/// The first number of [`field`].
pub fn number(text: &str, name: &str) -> f64 {
    let v = field(text, name);
    v.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name}: no number in {v:?}"))
}
