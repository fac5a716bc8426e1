#!/bin/bash
# 1,000 targets at a 1 s interval on loopback: CPU, resident memory and
# scheduling jitter of sla-exporter, with the idle exporter (0 targets)
# measured in the same run as the baseline.
#
# Usage: scripts/sla-load.sh [SECONDS]   (measurement window, default 60)
# Targets: 700 http (GET /ok), 200 health (GET /health, JSON judged),
# 100 tcp (connect), all served by the load_target example on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
WINDOW="${1:-60}"
WARMUP=10
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q --release -p sla-exporter --bin sla-exporter --example load_target
BIN="$CARGO_TARGET_DIR/release/sla-exporter"
TARGET_BIN="$CARGO_TARGET_DIR/release/examples/load_target"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# CPU seconds and RSS (MiB) of a process, read from /proc; shared by both
# measurement snippets below.
cat > "$WORK/procstat.py" <<'PY'
import os

tck = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck

def rss(pid):
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"):
            return int(l.split()[1]) / 1024.0
    return 0.0
PY
export WORK

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

"$TARGET_BIN" 127.0.0.1:0 > "$WORK/target.addr" &
PIDS+=($!); TARGET_PID=$!
for _ in $(seq 100); do [ -s "$WORK/target.addr" ] && break; sleep 0.1; done
TARGET="$(head -1 "$WORK/target.addr")"

python3 - "$TARGET" > "$WORK/load.yml" <<'PY'
import sys
t = sys.argv[1]
print("defaults: {interval: 1s, timeout: 500ms}")
print("modules:\n  http_2xx: {prober: http}\n  health: {prober: health}\n  tcp: {prober: tcp}")
print("targets:")
for i in range(1000):
    if i < 700:
        print(f"  - {{name: web{i}, target: 'http://{t}/ok/{i}', module: http_2xx, labels: {{service: web, tier: critical}}}}")
    elif i < 900:
        print(f"  - {{name: api{i}, target: 'http://{t}/health/{i}', module: health, labels: {{service: api}}}}")
    else:
        print(f"  - {{name: db{i}, target: '{t}', module: tcp, labels: {{service: db}}}}")
PY
printf 'modules:\n  http_2xx: {prober: http}\ntargets: []\n' > "$WORK/idle.yml"

IDLE_PORT="$(free_port)"; LOAD_PORT="$(free_port)"
"$BIN" --config.file "$WORK/idle.yml" --web.listen-address "127.0.0.1:$IDLE_PORT" --log.level warn &
PIDS+=($!); IDLE_PID=$!
"$BIN" --config.file "$WORK/load.yml" --web.listen-address "127.0.0.1:$LOAD_PORT" --log.level warn &
PIDS+=($!); LOAD_PID=$!

python3 - "$LOAD_PID" "$IDLE_PID" "$TARGET_PID" "$LOAD_PORT" "$WARMUP" "$WINDOW" "$TARGET" <<'PY'
import json, os, re, sys, time, urllib.request
load, idle, target, port, warmup, window, target_addr = sys.argv[1:]
warmup, window = int(warmup), int(window)
sys.path.insert(0, os.environ["WORK"])
from procstat import cpu, rss

def metrics():
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    buckets, sums = {}, {}
    for l in text.splitlines():
        m = re.match(r'sla_exporter_schedule_delay_seconds_bucket\{le="([^"]+)"\} (\d+)', l)
        if m:
            buckets[m.group(1)] = int(m.group(2))
        for name in ("sla_probes_total", "sla_probe_failures_total"):
            if l.startswith(name + "{"):
                sums[name] = sums.get(name, 0) + float(l.rsplit(" ", 1)[1])
    return buckets, sums

def target_get(path):
    return urllib.request.urlopen(f"http://{target_addr}{path}", timeout=10).read().decode()

time.sleep(warmup)
target_get("/stats/reset")
b0, s0 = metrics()
c0 = {p: cpu(p) for p in (load, idle, target)}
t0 = time.time()
peak = {load: 0.0, idle: 0.0}
while time.time() - t0 < window:
    time.sleep(1)
    for p in peak:
        peak[p] = max(peak[p], rss(p))
elapsed = time.time() - t0
c1 = {p: cpu(p) for p in (load, idle, target)}
for p in peak:
    peak[p] = max(peak[p], rss(p))
b1, s1 = metrics()
seen = json.loads(target_get("/stats"))
for p in peak:
    peak[p] = max(peak[p], rss(p))
pct = {p: 100.0 * (c1[p] - c0[p]) / elapsed for p in c0}
probes = s1.get("sla_probes_total", 0) - s0.get("sla_probes_total", 0)
fails = s1.get("sla_probe_failures_total", 0) - s0.get("sla_probe_failures_total", 0)
total = b1["+Inf"] - b0["+Inf"]
def quant(q):
    for le in sorted((k for k in b1 if k != "+Inf"), key=float):
        if b1[le] - b0[le] >= q * total:
            return f"<= {float(le) * 1000:g} ms"
    return "> 1000 ms"
print(f"window: {elapsed:.1f} s after {warmup} s warm-up; machine: {os.cpu_count()} cores")
print(f"probes: {probes:.0f} ({probes / elapsed:.1f}/s), failures: {fails:.0f}")
print(f"sla-exporter, 1000 targets @1s: CPU {pct[load]:.1f}% of one core, RSS max {peak[load]:.1f} MB (sampled every second and after each scrape)")
print(f"sla-exporter, idle (0 targets): CPU {pct[idle]:.1f}% of one core, RSS max {peak[idle]:.1f} MB")
la = open("/proc/loadavg").read().split()[:3]
print(f"load average during the run (other processes share the machine): {' '.join(la)}")
print(f"load target (the probed server): CPU {pct[target]:.1f}% of one core")
print(f"schedule delay (start minus due time, exporter histogram) over {total} scheduled probes: p50 {quant(0.5)}, p99 {quant(0.99)}, p99.9 {quant(0.999)}")
print(f"interval jitter seen by the {seen['paths']} http/health targets, |gap - 1 s| over {seen['gaps']} gaps: "
      f"p50 {seen['p50_ms']:.2f} ms, p99 {seen['p99_ms']:.2f} ms, p99.9 {seen['p999_ms']:.2f} ms, max {seen['max_ms']:.2f} ms")
PY

# ---- Phase 2: blackbox_exporter doing the same 1,000 probes per second ----
# blackbox only probes when asked, so a second sla-exporter drives it: 1,000
# targets, each a /probe URL of blackbox for one of the same loopback targets,
# every second (the body must say probe_success 1). Measured: blackbox's CPU
# and RSS, in the same invocation, same machine, same probed server.
command -v prometheus-blackbox-exporter >/dev/null || { echo "prometheus-blackbox-exporter missing: phase 2 skipped" >&2; exit 1; }
kill "$LOAD_PID" "$IDLE_PID" 2>/dev/null || true
BB_PORT="$(free_port)"; DRIVER_PORT="$(free_port)"
cat > "$WORK/blackbox.yml" <<'YML'
modules:
  http_2xx: {prober: http, timeout: 500ms, http: {preferred_ip_protocol: ip4}}
  health: {prober: http, timeout: 500ms, http: {preferred_ip_protocol: ip4, fail_if_body_not_matches_regexp: ['"status":"healthy"']}}
  tcp: {prober: tcp, timeout: 500ms, tcp: {preferred_ip_protocol: ip4}}
YML
python3 - "$TARGET" "$BB_PORT" > "$WORK/driver.yml" <<'PY'
import sys, urllib.parse
t, bb = sys.argv[1:]
print("defaults: {interval: 1s, timeout: 900ms}")
print("modules:\n  bb: {prober: http, http: {fail_if_body_not_matches_regexp: ['(?m)^probe_success 1$']}}")
print("targets:")
for i in range(1000):
    if i < 700:
        m, u = "http_2xx", f"http://{t}/ok/{i}"
    elif i < 900:
        m, u = "health", f"http://{t}/health/{i}"
    else:
        m, u = "tcp", t
    q = urllib.parse.urlencode({"module": m, "target": u})
    print(f"  - {{name: bb{i}, target: 'http://127.0.0.1:{bb}/probe?{q}', module: bb}}")
PY
prometheus-blackbox-exporter --config.file="$WORK/blackbox.yml" --web.listen-address="127.0.0.1:$BB_PORT" --log.level=error &
PIDS+=($!); BB_PID=$!
sleep 1
"$BIN" --config.file "$WORK/driver.yml" --web.listen-address "127.0.0.1:$DRIVER_PORT" --log.level error &
PIDS+=($!); DRIVER_PID=$!

python3 - "$BB_PID" "$DRIVER_PID" "$TARGET_PID" "$DRIVER_PORT" "$WARMUP" "$WINDOW" <<'PY'
import os, sys, time, urllib.request
bb, driver, target, port, warmup, window = sys.argv[1:]
warmup, window = int(warmup), int(window)
sys.path.insert(0, os.environ["WORK"])
from procstat import cpu, rss

def sums():
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    s = {}
    for l in text.splitlines():
        for name in ("sla_probes_total", "sla_probe_failures_total"):
            if l.startswith(name + "{"):
                s[name] = s.get(name, 0) + float(l.rsplit(" ", 1)[1])
    return s

time.sleep(warmup)
s0 = sums()
c0 = {p: cpu(p) for p in (bb, driver, target)}
t0 = time.time()
peak = 0.0
while time.time() - t0 < window:
    time.sleep(1)
    peak = max(peak, rss(bb))
elapsed = time.time() - t0
c1 = {p: cpu(p) for p in (bb, driver, target)}
s1 = sums()
pct = {p: 100.0 * (c1[p] - c0[p]) / elapsed for p in c0}
n = s1.get("sla_probes_total", 0) - s0.get("sla_probes_total", 0)
f = s1.get("sla_probe_failures_total", 0) - s0.get("sla_probe_failures_total", 0)
la = open("/proc/loadavg").read().split()[:3]
print(f"--- blackbox_exporter, same 1000 probes/s via /probe (window {elapsed:.1f} s) ---")
print(f"/probe requests: {n:.0f} ({n / elapsed:.1f}/s), not probe_success 1: {f:.0f}")
print(f"blackbox_exporter: CPU {pct[bb]:.1f}% of one core, RSS max {peak:.1f} MB")
print(f"driver (sla-exporter requesting /probe): CPU {pct[driver]:.1f}% of one core")
print(f"load target: CPU {pct[target]:.1f}% of one core; load average {' '.join(la)}")
PY
