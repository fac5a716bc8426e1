#!/usr/bin/env bash
# Prepares a host for libvirt-exporter's tests, benchmark and demo (run as root):
#   - installs libvirt, QEMU and the peer exporter (skipped when already installed),
#   - creates the kvm / libvirt-qemu groups and the libvirt-qemu system user,
#   - starts virtlogd and libvirtd in the background when they are not running,
#   - starts two tiny QEMU guests (lvx-alpha, lvx-beta) and defines a third one
#     that stays shut off (lvx-gamma), with an I/O thread and software perf
#     events each; defines a directory storage pool lvx-pool with one volume,
#   - writes a libvirt test-driver node with 1,000 domains (for test:///PATH).
# Idempotent: re-running it starts only what is missing and never duplicates a guest.
#
# Environment:
#   LIBVIRT_TEST_DIR   where disk images and the test node live
#                      (default /var/lib/libvirt-exporter-test)
#   LIBVIRT_SKIP_APT=1 never call apt-get (fail if something is missing)
#   LIBVIRT_NO_GUESTS=1 start the daemons but no guests
set -euo pipefail

DIR=${LIBVIRT_TEST_DIR:-/var/lib/libvirt-exporter-test}
URI=qemu:///system
# Bump when the guests' XML changes: guests of an older version are recreated.
FIXTURE=lvx-fixture-v2
HERE=$(cd "$(dirname "$0")" && pwd)

log() { echo "libvirt-setup: $*" >&2; }
die() { echo "libvirt-setup: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it starts libvirtd and creates users)"

install_packages() {
    # One package per line; `pkg/release` pins a release (a newer qemu-utils
    # from backports conflicts with bookworm's QEMU), as scripts/install-deps.sh.
    local missing=() pins=() line pkg
    while read -r line; do
        line=${line%%#*}
        pkg=$(echo "$line" | awk '{print $1}')
        [ -z "$pkg" ] && continue
        if [[ $pkg == */* ]]; then
            pins+=("$pkg")
            pkg=${pkg%%/*}
        fi
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done <"$HERE/deps.d/libvirt.list"
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "${LIBVIRT_SKIP_APT:-0}" = 1 ] && die "missing packages: ${missing[*]}"
    local args=() p q pinned
    for p in "${missing[@]}"; do
        pinned=
        for q in "${pins[@]}"; do [ "${q%%/*}" = "$p" ] && pinned=1; done
        [ -z "$pinned" ] && args+=("$p")
    done
    args+=("${pins[@]}")
    log "installing ${args[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades "${args[@]}"
}

ensure_users() {
    getent group kvm >/dev/null || groupadd --system kvm
    getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
    getent group libvirt >/dev/null || groupadd --system libvirt
    if ! getent passwd libvirt-qemu >/dev/null; then
        useradd --system --gid libvirt-qemu --groups kvm --home-dir /var/lib/libvirt \
            --no-create-home --shell /usr/sbin/nologin libvirt-qemu
    fi
}

# True when the pid in file $1 is alive and is the program $2.
pid_alive() {
    local pid
    [ -r "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ]
}

start_daemons() {
    # As udev does on a normal host: /dev/kvm belongs to group kvm. Without it
    # libvirt sees KVM when probing QEMU (as root) but not when validating its
    # cache (as libvirt-qemu), and re-probes QEMU on every call (~40 s each).
    if [ -c /dev/kvm ] && [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
    fi
    mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt
    if ! pid_alive /run/virtlogd.pid virtlogd; then
        log "starting virtlogd"
        virtlogd -d
    fi
    if ! pid_alive /run/libvirtd.pid libvirtd; then
        log "starting libvirtd"
        libvirtd -d
    fi
    local i
    for i in $(seq 1 150); do
        virsh -c "$URI" version >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    die "libvirtd did not answer on $URI within 30 s"
}

# guest_xml NAME UUID DISKS NICS: a 32 MiB, 1-vCPU software-emulated guest
# without graphics, with DISKS qcow2 disks and the virtio NICs listed in NICS
# (words 'tap:DEV' or 'user').
guest_xml() {
    local name=$1 uuid=$2 disks=$3 nics=$4 i nic letters=(a b c d)
    cat <<EOF
<domain type='qemu'>
  <name>$name</name>
  <uuid>$uuid</uuid>
  <metadata>
    <lvx:test xmlns:lvx="https://example.invalid/libvirt-exporter-test">$FIXTURE</lvx:test>
  </metadata>
  <memory unit='MiB'>32</memory>
  <currentMemory unit='MiB'>32</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <iothreads>1</iothreads>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <perf>
    <event name='cpu_clock' enabled='yes'/>
    <event name='task_clock' enabled='yes'/>
    <event name='context_switches' enabled='yes'/>
  </perf>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
EOF
    for ((i = 0; i < disks; i++)); do
        cat <<EOF
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$DIR/$name-$i.qcow2'/>
      <target dev='vd${letters[$i]}' bus='virtio'/>
    </disk>
EOF
    done
    i=0
    for nic in $nics; do
        # tap:DEV is a libvirt-managed tap device named DEV (real interface
        # counters); user is a user-mode NIC, which has no host-side name.
        echo "    <interface type='$([ "$nic" = user ] && echo user || echo ethernet)'>"
        echo "      <mac address='52:54:00:7e:${uuid: -2}:$(printf '%02x' "$i")'/>"
        [ "$nic" != user ] && echo "      <target dev='${nic#tap:}' managed='yes'/>"
        echo "      <model type='virtio'/>"
        echo "    </interface>"
        i=$((i + 1))
    done
    cat <<EOF
    <memballoon model='virtio'>
      <stats period='2'/>
    </memballoon>
  </devices>
</domain>
EOF
}

make_disks() {
    local name=$1 disks=$2 i
    for ((i = 0; i < disks; i++)); do
        [ -f "$DIR/$name-$i.qcow2" ] || qemu-img create -q -f qcow2 "$DIR/$name-$i.qcow2" $((64 * (i + 1)))M
    done
}

dom_state() {
    local out
    out=$(virsh -c "$URI" domstate "$1" 2>/dev/null) || true
    echo "${out%%$'\n'*}"
}

# current NAME: true when the guest exists and was made by this version.
current() {
    local xml
    xml=$(virsh -c "$URI" dumpxml --inactive "$1" 2>/dev/null) || return 1
    grep -q "$FIXTURE" <<<"$xml"
}

# ensure_running NAME UUID DISKS NICS: start a transient guest unless it runs.
ensure_running() {
    local name=$1 state
    state=$(dom_state "$name")
    if [ -n "$state" ] && ! current "$name"; then
        log "recreating guest $name (older fixture)"
        [ "$state" = "shut off" ] || virsh -c "$URI" destroy "$name" >/dev/null
        state=$(dom_state "$name")
    fi
    case "$state" in
    running | paused | idle) return 0 ;;
    "") ;;
    *) virsh -c "$URI" undefine "$name" >/dev/null ;;  # defined but shut off: recreate as transient
    esac
    make_disks "$name" "$3"
    guest_xml "$@" >"$DIR/$name.xml"
    log "starting guest $name"
    virsh -c "$URI" create "$DIR/$name.xml" >/dev/null
}

# ensure_defined NAME UUID DISKS NICS: a persistent guest that stays shut off.
ensure_defined() {
    local name=$1 state
    state=$(dom_state "$name")
    if [ -n "$state" ] && ! current "$name"; then
        log "redefining guest $name (older fixture)"
        [ "$state" = "shut off" ] || virsh -c "$URI" destroy "$name" >/dev/null
        virsh -c "$URI" undefine "$name" >/dev/null
        state=
    fi
    [ -n "$state" ] && return 0
    make_disks "$name" "$3"
    guest_xml "$@" >"$DIR/$name.xml"
    log "defining guest $name (shut off)"
    virsh -c "$URI" define "$DIR/$name.xml" >/dev/null
}

# ensure_pool: a directory storage pool with one small volume.
ensure_pool() {
    local v=(virsh -c "$URI")
    if ! "${v[@]}" pool-info lvx-pool >/dev/null 2>&1; then
        mkdir -p "$DIR/pool"
        log "defining storage pool lvx-pool"
        "${v[@]}" pool-define-as lvx-pool dir --target "$DIR/pool" >/dev/null
    fi
    local info
    info=$("${v[@]}" pool-info lvx-pool)
    if ! grep -q 'State: *running' <<<"$info"; then
        "${v[@]}" pool-start lvx-pool >/dev/null
    fi
    if ! "${v[@]}" vol-info --pool lvx-pool lvx-vol0 >/dev/null 2>&1; then
        "${v[@]}" vol-create-as lvx-pool lvx-vol0 1M >/dev/null
    fi
}

install_packages
ensure_users
mkdir -p "$DIR"
chmod 755 "$DIR"
start_daemons
if [ "${LIBVIRT_NO_GUESTS:-0}" != 1 ]; then
    ensure_running lvx-alpha 6f1c0a52-7a3e-4d55-9a51-000000000001 1 'tap:lvxalpha0'
    ensure_running lvx-beta 6f1c0a52-7a3e-4d55-9a51-000000000002 2 'tap:lvxbeta0 user'
    ensure_defined lvx-gamma 6f1c0a52-7a3e-4d55-9a51-000000000003 1 user
    ensure_pool
fi
if [ ! -s "$DIR/node-1000.xml" ] || [ "$HERE/libvirt-test-node.sh" -nt "$DIR/node-1000.xml" ]; then
    "$HERE/libvirt-test-node.sh" 1000 >"$DIR/node-1000.xml.tmp"
    mv "$DIR/node-1000.xml.tmp" "$DIR/node-1000.xml"
fi
log "ready: $URI ($(virsh -c "$URI" list --all --name | grep -c .) domains), test:///$DIR/node-1000.xml"
