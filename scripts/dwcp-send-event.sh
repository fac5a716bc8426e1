#!/usr/bin/env bash
# Sends DWCP events (one per line, see docs/dwcp-exporter.md) to a
# dwcp-exporter over HTTP (curl), UDP (bash's /dev/udp) or a unix datagram
# socket (OpenBSD nc).
#
#   dwcp-send-event.sh --http http://127.0.0.1:9470 'stream_data sent=4096 received=64'
#   printf 'stream_start\nstream_end\n' | dwcp-send-event.sh --udp 127.0.0.1:9470
#   dwcp-send-event.sh --unix /run/dwcp-exporter.sock 'component_health component=amst healthy=1'
#
# Events come from the arguments (one event each) or, without any, from stdin.
# HTTP sends them as one all-or-nothing batch and prints the exporter's answer;
# UDP and unix send one datagram per event (fire and forget).
set -euo pipefail

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 2 ] || usage
mode=$1 target=$2
shift 2

need() {
    command -v "$1" >/dev/null || { echo "dwcp-send-event.sh: '$1' is required (apt-get install $2)" >&2; exit 1; }
}

events() {
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi
}

case "$mode" in
--http)
    need curl curl
    events "$@" | curl -sS --fail-with-body -H 'Content-Type: text/plain' \
        --data-binary @- "${target%/}/api/v1/events"
    echo
    ;;
--udp)
    host=${target%:*} port=${target##*:}
    events "$@" | while IFS= read -r line; do
        printf '%s\n' "$line" >"/dev/udp/$host/$port"
    done
    ;;
--unix)
    need nc netcat-openbsd
    # -q0: quit once stdin is sent (-w0 can exit before sending).
    events "$@" | while IFS= read -r line; do
        printf '%s\n' "$line" | nc -U -u -q0 "$target"
    done
    ;;
*) usage ;;
esac
