#!/bin/sh
# Side-by-side verdicts of sla-exporter's /probe and Debian's
# prometheus-blackbox-exporter on the same loopback targets (21 cases:
# status codes, redirects, body regexes, hang, refused, resets, TLS verify
# on/off, tcp connect and send/expect). Prints the table and fails if any
# verdict or status code differs.
set -eu
cd "$(dirname "$0")/.."
command -v prometheus-blackbox-exporter >/dev/null || {
    echo "prometheus-blackbox-exporter is not installed (apt-get install prometheus-blackbox-exporter)" >&2
    exit 1
}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
exec cargo test -q -p sla-exporter --test blackbox_compare -- --nocapture
