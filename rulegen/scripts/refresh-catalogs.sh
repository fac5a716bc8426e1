#!/usr/bin/env bash
# Regenerates configs/catalogs/{node-exporter,prometheus,alertmanager}.prom from the
# real programs' /metrics (Debian packages prometheus-node-exporter, prometheus and
# prometheus-alertmanager).
# Keeps only the `# HELP` and `# TYPE` lines: rulegen needs names and types.
# cAdvisor is not packaged here; configs/catalogs/cadvisor.prom is maintained
# by hand from cAdvisor's documentation (see its header).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/configs/catalogs"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url, tries (100 ms each)
  for _ in $(seq 1 "$2"); do curl -fsS "$1" -o /dev/null 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}
header() { # name, source
  printf '# Metric catalog of %s for rulegen (names and types only).\n' "$1"
  printf '# Taken from the real %s /metrics by rulegen/scripts/refresh-catalogs.sh; version: %s\n' "$1" "$2"
}

np=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$np" >"$tmp/ne.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$np/metrics" 100
ver=$(prometheus-node-exporter --version 2>&1 | head -1)
{ header node-exporter "$ver"; curl -fsS "http://127.0.0.1:$np/metrics" | grep -E '^# (HELP|TYPE) ' ; } >"$out/node-exporter.prom"

pp=$(free_port)
# a rule group and an Alertmanager target so the per-group and notifier
# families have children (a family without children is not exposed)
cat >"$tmp/rules.yml" <<CFG
groups:
  - name: catalog
    interval: 1s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: CatalogAlert
        expr: up == 0
CFG
cat >"$tmp/prom.yml" <<CFG
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$tmp/rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:1"]}]}]
scrape_configs:
  - job_name: self
    static_configs: [{targets: ["127.0.0.1:$pp"]}]
CFG
prometheus --config.file="$tmp/prom.yml" --web.listen-address="127.0.0.1:$pp" --storage.tsdb.path="$tmp/data" >"$tmp/prom.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$pp/-/ready" 200
# wait (bounded) until the synthetic per-target series are queryable
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$pp/api/v1/label/__name__/values" | grep -q '"up"' && break
  sleep 0.2
done
ver=$(prometheus --version 2>&1 | head -1)
{
  header prometheus "$ver"
  curl -fsS "http://127.0.0.1:$pp/metrics" | grep -E '^# (HELP|TYPE) '
  echo '# Series Prometheus synthesizes for each target, as listed by /api/v1/label/__name__/values:'
  curl -fsS "http://127.0.0.1:$pp/api/v1/label/__name__/values" \
    | python3 -c 'import json,sys; [print(f"# TYPE {n} gauge") for n in json.load(sys.stdin)["data"] if n=="up" or n.startswith("scrape_")]'
} >"$out/prometheus.prom"
ap=$(free_port); cp_=$(free_port)
cat >"$tmp/am.yml" <<CFG
route: {receiver: "null"}
receivers: [{name: "null"}]
CFG
prometheus-alertmanager --config.file="$tmp/am.yml" --web.listen-address="127.0.0.1:$ap" \
  --cluster.listen-address="127.0.0.1:$cp_" --storage.path="$tmp/am-data" >"$tmp/am.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$ap/-/ready" 200
ver=$(prometheus-alertmanager --version 2>&1 | head -1)
{ header alertmanager "$ver"; curl -fsS "http://127.0.0.1:$ap/metrics" | grep -E '^# (HELP|TYPE) ' ; } >"$out/alertmanager.prom"

wc -l "$out"/*.prom
