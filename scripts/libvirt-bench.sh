#!/usr/bin/env bash
# Benchmark: libvirt-exporter against Debian's prometheus-libvirt-exporter on
# the same libvirt URIs in the same run (real QEMU guests and the 1,000-domain
# test-driver node): scrape latency (wrk, one keep-alive connection), metric
# families and series per scrape, exporter RSS afterwards.
# Needs the fixtures of scripts/libvirt-setup.sh (run as root).
# Usage: scripts/libvirt-bench.sh [SECONDS_PER_RUN] (default 20)
set -euo pipefail
secs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${LIBVIRT_TEST_DIR:-/var/lib/libvirt-exporter-test}
target=${CARGO_TARGET_DIR:-$root/target}
ours=$target/release/libvirt-exporter
peer=$(command -v prometheus-libvirt-exporter) || { echo "install prometheus-libvirt-exporter" >&2; exit 1; }
command -v wrk >/dev/null || { echo "install wrk" >&2; exit 1; }
(cd "$root" && cargo build --release -q -p libvirt-exporter)

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

wait_port() {
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2
    exit 1
}

# measure NAME PORT PID: one row of the table.
measure() {
    local name=$1 port=$2 pid=$3 body lat p50 p99 rps fam lfam series rss
    body=$tmp/$port.txt
    curl -sf "http://127.0.0.1:$port/metrics" >"$body"
    curl -sf "http://127.0.0.1:$port/metrics" >"$body"
    fam=$(grep -c '^# TYPE ' "$body")
    lfam=$(grep '^# TYPE libvirt_' "$body" | grep -vc '^# TYPE libvirt_exporter_' || true)
    series=$(grep -vc '^#' "$body")
    wrk -t1 -c1 -d"${secs}s" --latency --timeout 30s "http://127.0.0.1:$port/metrics" >"$tmp/$port.wrk"
    lat=$(awk '/Latency/ && !/Distribution/ {print $2; exit}' "$tmp/$port.wrk")
    p50=$(awk '$1=="50%" {print $2}' "$tmp/$port.wrk")
    p99=$(awk '$1=="99%" {print $2}' "$tmp/$port.wrk")
    rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/$port.wrk")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s MiB |\n' \
        "$name" "$lat" "$p50" "$p99" "$rps" "$lfam" "$fam" "$series" "$((rss / 1024))"
}

bench_uri() {
    local label=$1 uri=$2
    "$ours" --web.listen-address 127.0.0.1:19377 --libvirt.uri "$uri" --scrape.timeout 30s \
        --log.level warn 2>"$tmp/ours.log" &
    local op=$!
    pids+=("$op")
    "$ours" --web.listen-address 127.0.0.1:19379 --libvirt.uri "$uri" --scrape.timeout 30s \
        --log.level warn --collector.nova --collector.perf --collector.iothread --collector.dirtyrate \
        2>"$tmp/ours-all.log" &
    local ap=$!
    pids+=("$ap")
    "$peer" --web.listen-address=127.0.0.1:19378 --libvirt.uri="$uri" 2>"$tmp/peer.log" &
    local pp=$!
    pids+=("$pp")
    wait_port 19377
    wait_port 19378
    wait_port 19379
    echo
    echo "### $label ($uri), ${secs} s per exporter, one connection"
    echo
    echo "| exporter | mean latency | p50 | p99 | scrapes/s | libvirt families | all families | series | RSS after |"
    echo "|---|---|---|---|---|---|---|---|---|"
    measure "libvirt-exporter (default collectors)" 19377 "$op"
    measure "libvirt-exporter (all collectors)" 19379 "$ap"
    measure prometheus-libvirt-exporter 19378 "$pp"
    kill "$op" "$ap" "$pp"
    wait "$op" "$ap" "$pp" 2>/dev/null || true
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo); libvirt $(virsh version --daemon | awk '/daemon/ {print $NF}'); $(date -u +%Y-%m-%dT%H:%MZ)"
bench_uri "Real QEMU guests" qemu:///system
bench_uri "1,000-domain test node" "test://$dir/node-1000.xml"
