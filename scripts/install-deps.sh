#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/deps.d/*.list that are
# missing. One package per line; `pkg/release` pins a release (installed with
# --allow-downgrades whenever anything is installed). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t wanted < <(sed 's/#.*//' scripts/deps.d/*.list | awk 'NF { print $1 }' | sort -u)
declare -A pinned=()
for p in "${wanted[@]}"; do
    [[ $p == */* ]] && pinned[${p%%/*}]=$p
done

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${wanted[@]}"; do
    [[ $p == */* ]] && continue
    installed "$p" || missing+=("$p")
done
# A pinned package only matters when its dependants are being installed.
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#wanted[@]} packages present"
    exit 0
fi
args=()
for p in "${missing[@]}"; do
    [ -n "${pinned[$p]:-}" ] || args+=("$p")
done
args+=("${pinned[@]}")

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${args[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --allow-downgrades "${args[@]}"
