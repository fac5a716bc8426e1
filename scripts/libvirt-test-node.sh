#!/usr/bin/env bash
# Prints a node XML for libvirt's test driver (use as test:///ABSOLUTE/PATH.xml)
# with N domains (default 1000): named lvx-test-0000 ..., every 10th shut off,
# every 10th+1 paused, the rest running; each with 2 vCPUs, 1 disk, 1 NIC, and
# one storage pool. Usage: libvirt-test-node.sh [N] > node.xml
set -euo pipefail
n=${1:-1000}
case "$n" in '' | *[!0-9]*) echo "libvirt-test-node.sh: N must be a number, got '$n'" >&2; exit 2 ;; esac
cat <<'HEAD'
<?xml version="1.0"?>
<node>
  <cpu>
    <mhz>2400</mhz>
    <model>x86_64</model>
    <active>8</active>
    <nodes>1</nodes>
    <sockets>1</sockets>
    <cores>4</cores>
    <threads>2</threads>
  </cpu>
  <memory>33554432</memory>
HEAD
for ((i = 0; i < n; i++)); do
    state=1
    case $((i % 10)) in 0) state=5 ;; 1) state=3 ;; esac
    printf '  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>lvx-test-%04d</name>
    <uuid>00000000-0000-4000-8000-%012x</uuid>
    <memory unit="KiB">65536</memory>
    <currentMemory unit="KiB">65536</currentMemory>
    <vcpu>2</vcpu>
    <os><type arch="x86_64">hvm</type></os>
    <devices>
      <disk type="file" device="disk">
        <source file="/var/lib/lvx-test/disk-%04d.img"/>
        <target dev="vda" bus="virtio"/>
      </disk>
      <interface type="network">
        <mac address="52:54:00:%02x:%02x:%02x"/>
        <source network="default"/>
        <target dev="vnet%d"/>
        <model type="virtio"/>
      </interface>
    </devices>
    <test:runstate>%d</test:runstate>
  </domain>
' "$i" "$((i + 1))" "$i" $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) "$i" "$state"
done
cat <<'TAIL'
  <network>
    <name>default</name>
    <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
    <bridge name="virbr0"/>
    <forward/>
    <ip address="192.168.122.1" netmask="255.255.255.0"/>
  </network>
  <pool type="dir">
    <name>lvx-pool</name>
    <uuid>35bb2ad9-388a-cdfe-461a-b8907f6e53fe</uuid>
    <capacity unit="GiB">100</capacity>
    <allocation unit="GiB">10</allocation>
    <available unit="GiB">90</available>
    <target><path>/var/lib/lvx-test</path></target>
  </pool>
</node>
TAIL
