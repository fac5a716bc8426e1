#!/usr/bin/env bash
# Test fixtures for libvirt-exporter: libvirtd plus tiny QEMU guests and the
# 1,000-domain test-driver node (see scripts/libvirt-setup.sh). Run as root.
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/libvirt-setup.sh"
