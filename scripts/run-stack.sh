#!/usr/bin/env bash
# The monitoring stack on this machine, without docker.
#
#   scripts/run-stack.sh          install what is missing, build, generate the
#                                 configs, start everything on loopback, print
#                                 where to look (processes keep running)
#   scripts/run-stack.sh stop     stop everything this script started
#   scripts/run-stack.sh status   show what is running
#
# Started, each on 127.0.0.1: node-exporter :9100, libvirt-exporter :9177
# (against qemu:///system with tiny QEMU guests), dwcp-exporter :9470 fed by
# dwcp-loadgen (real transfers over loopback), sla-exporter :9471 (probing the
# stack itself), Alertmanager :9093 and Prometheus :9090 with the rules and
# routing rulegen generates from configs/monitoring.yaml.
#
# Environment: STACK_NO_LIBVIRT=1 skips libvirtd and the guests;
# STACK_LOADGEN_SECONDS (default 3600) bounds the workload generator.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$ROOT/.run
BIN=$ROOT/target/release
SECRETS=/etc/alertmanager/secrets
cd "$ROOT"

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# name port ready-path
COMPONENTS=(
    "node-exporter 9100 /metrics"
    "libvirt-exporter 9177 /-/healthy"
    "dwcp-exporter 9470 /-/healthy"
    "sla-exporter 9471 /-/healthy"
    "alertmanager 9093 /-/ready"
    "prometheus 9090 /-/ready"
)

pid_of() { [ -f "$RUN/$1.pid" ] && cat "$RUN/$1.pid"; }
alive() { local p; p=$(pid_of "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

stop_one() {
    local name=$1 p
    alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
    p=$(pid_of "$name")
    kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    rm -f "$RUN/$name.pid"
    log "stopped $name"
}

stop_all() {
    stop_one dwcp-loadgen
    for c in "${COMPONENTS[@]}"; do stop_one "${c%% *}"; done
}

status() {
    for n in dwcp-loadgen "${COMPONENTS[@]}"; do
        n=${n%% *}
        if alive "$n"; then echo "running  $n (pid $(pid_of "$n"))"; else echo "stopped  $n"; fi
    done
}

# start NAME PORT -- command...
start_one() {
    local name=$1 port=$2; shift 3
    alive "$name" && { log "$name already running"; return 0; }
    if [ -n "$port" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port (for $name) is taken by another process; stop it or run '$0 stop'"
    fi
    nohup "$@" >"$RUN/logs/$name.log" 2>&1 &
    echo $! >"$RUN/$name.pid"
    log "started $name (pid $!, log .run/logs/$name.log)"
}

wait_ready() {
    local name=$1 port=$2 path=$3
    for _ in $(seq 120); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port$path" 2>/dev/null && return 0
        alive "$name" || die "$name exited; see .run/logs/$name.log:
$(tail -n 20 "$RUN/logs/$name.log")"
        sleep 0.5
    done
    die "$name not ready on :$port$path after 60s; see .run/logs/$name.log"
}

placeholder_secrets() {
    # Alertmanager reads receiver credentials from files (never from the
    # spec). Create unconfigured placeholders so the demo starts; replace them
    # with real credentials to deliver notifications.
    $SUDO mkdir -p "$SECRETS"
    local f
    for f in smtp-password slack-webhook-url pagerduty-routing-key sms-token; do
        [ -e "$SECRETS/$f" ] && continue
        case $f in
            slack-webhook-url) echo "http://127.0.0.1:9099/slack-placeholder" | $SUDO tee "$SECRETS/$f" >/dev/null ;;
            *) echo "unconfigured" | $SUDO tee "$SECRETS/$f" >/dev/null ;;
        esac
        $SUDO chmod 600 "$SECRETS/$f"
    done
}

start_all() {
    mkdir -p "$RUN/logs" "$RUN/prometheus-data" "$RUN/alertmanager-data"
    log "installing missing Debian packages"
    $SUDO "$ROOT/scripts/install-deps.sh"
    local libvirt_uri=qemu:///system
    if [ "${STACK_NO_LIBVIRT:-0}" != 1 ]; then
        log "starting libvirtd and the demo guests"
        $SUDO "$ROOT/scripts/libvirt-setup.sh" || log "libvirt setup failed; libvirt-exporter will report libvirt_up 0"
    fi
    log "building (release)"
    cargo build --release -q -p dwcp-exporter -p libvirt-exporter -p sla-exporter -p rulegen
    log "generating configs from configs/monitoring.yaml"
    "$BIN/rulegen" build
    placeholder_secrets

    start_one node-exporter 9100 -- /usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:9100
    start_one libvirt-exporter 9177 -- "$BIN/libvirt-exporter" --web.listen-address=127.0.0.1:9177 --libvirt.uri="$libvirt_uri"
    start_one dwcp-exporter 9470 -- "$BIN/dwcp-exporter" --web.listen-address=127.0.0.1:9470
    start_one sla-exporter 9471 -- "$BIN/sla-exporter" --web.listen-address=127.0.0.1:9471 --config.file="$ROOT/configs/sla/sla-exporter.yml"
    start_one alertmanager 9093 -- /usr/bin/prometheus-alertmanager \
        --config.file="$ROOT/configs/alertmanager/alertmanager.yml" \
        --storage.path="$RUN/alertmanager-data" --web.listen-address=127.0.0.1:9093 \
        --cluster.listen-address=
    start_one prometheus 9090 -- /usr/bin/prometheus \
        --config.file="$ROOT/configs/prometheus/prometheus.yml" \
        --storage.tsdb.path="$RUN/prometheus-data" --web.listen-address=127.0.0.1:9090 \
        --web.enable-lifecycle
    for c in "${COMPONENTS[@]}"; do
        # shellcheck disable=SC2086
        wait_ready $c
    done
    # A 100 MiB/s link, as between sites: paces the transfers and shows the
    # speedup DWCP gets where bandwidth, not CPU, is the limit.
    start_one dwcp-loadgen "" -- "$BIN/dwcp-loadgen" --exporter http://127.0.0.1:9470 --link-rate 100MiB \
        --duration "${STACK_LOADGEN_SECONDS:-3600}"

    cat <<EOF

The stack is up (logs in .run/logs/, stop with: scripts/run-stack.sh stop)
  Prometheus     http://127.0.0.1:9090/targets   rules: /rules   alerts: /alerts
  Alertmanager   http://127.0.0.1:9093/#/alerts
  dwcp-exporter  http://127.0.0.1:9470/metrics   (dwcp-loadgen feeds it real loopback transfers)
  sla-exporter   http://127.0.0.1:9471/metrics
  libvirt        http://127.0.0.1:9177/metrics   (virsh -c qemu:///system list --all)
  node-exporter  http://127.0.0.1:9100/metrics
Try: curl -s 'http://127.0.0.1:9090/api/v1/query?query=up' ; curl -s http://127.0.0.1:9093/api/v2/alerts
EOF
}

case ${1:-start} in
    start) start_all ;;
    stop) stop_all ;;
    status) status ;;
    *) die "usage: $0 [start|stop|status]" ;;
esac
