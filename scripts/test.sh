#!/usr/bin/env bash
# The whole test suite: installs the system packages the tests need
# (scripts/deps.d/*.list), starts their fixtures (scripts/test-setup.d/*.sh,
# e.g. libvirtd with real QEMU guests), then runs unit, integration and
# end-to-end tests of every crate, and checks the generated configs are
# current. Run as root on Debian bookworm (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
for setup in scripts/test-setup.d/*.sh; do
    [ -e "$setup" ] || continue
    echo "test: fixture $setup"
    bash "$setup"
done

# `cargo test` runs test binaries one after another: tests that share a
# fixture (libvirtd, which one test restarts) serialise within their binary.
# The end-to-end tests in tests/ run the workspace's binaries.
cargo build --workspace --bins
cargo test --workspace --no-fail-fast

# The committed generated configs must be what the spec produces.
cargo run -q -p rulegen -- build --check
