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
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/targets/sla}"
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
tck = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck

def rss(pid):
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"):
            return int(l.split()[1]) / 1024.0
    return 0.0

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
