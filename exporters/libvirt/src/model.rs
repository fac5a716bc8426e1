//! The typed snapshot one collection produces and the collectors encode.
//!
//! Values keep libvirt's units here (nanoseconds, KiB, milliseconds); the
//! collectors convert to base units when they write. A value libvirt did not
//! report is `None` and is not exported (never a made-up zero).

use std::sync::Arc;

use crate::meta::DomainMeta;

/// `VIR_DOMAIN_STATS_STATE`.
pub const G_STATE: u32 = 1;
/// `VIR_DOMAIN_STATS_CPU_TOTAL`.
pub const G_CPU: u32 = 2;
/// `VIR_DOMAIN_STATS_BALLOON`.
pub const G_BALLOON: u32 = 4;
/// `VIR_DOMAIN_STATS_VCPU`.
pub const G_VCPU: u32 = 8;
/// `VIR_DOMAIN_STATS_INTERFACE`.
pub const G_NET: u32 = 16;
/// `VIR_DOMAIN_STATS_BLOCK`.
pub const G_BLOCK: u32 = 32;
/// `VIR_DOMAIN_STATS_PERF`.
pub const G_PERF: u32 = 64;
/// `VIR_DOMAIN_STATS_IOTHREAD`.
pub const G_IOTHREAD: u32 = 128;
/// `VIR_DOMAIN_STATS_DIRTYRATE`.
pub const G_DIRTYRATE: u32 = 512;

/// The groups every scrape asks for.
pub const CORE_GROUPS: u32 = G_STATE | G_CPU | G_BALLOON | G_VCPU | G_NET | G_BLOCK;

/// Balloon (memory) statistics, in KiB unless noted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balloon {
    /// Current balloon size.
    pub current: Option<u64>,
    /// Maximum memory.
    pub maximum: Option<u64>,
    /// Swapped in.
    pub swap_in: Option<u64>,
    /// Swapped out.
    pub swap_out: Option<u64>,
    /// Major faults (count).
    pub major_fault: Option<u64>,
    /// Minor faults (count).
    pub minor_fault: Option<u64>,
    /// Unused memory.
    pub unused: Option<u64>,
    /// Available memory.
    pub available: Option<u64>,
    /// Usable memory.
    pub usable: Option<u64>,
    /// Resident set size on the host.
    pub rss: Option<u64>,
    /// Disk caches.
    pub disk_caches: Option<u64>,
    /// Last update, Unix seconds.
    pub last_update: Option<u64>,
    /// Huge page allocations (count).
    pub hugetlb_pgalloc: Option<u64>,
    /// Failed huge page allocations (count).
    pub hugetlb_pgfail: Option<u64>,
}

/// One virtual CPU; times in nanoseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vcpu {
    /// `virVcpuState`.
    pub state: Option<i64>,
    /// CPU time.
    pub time: Option<u64>,
    /// I/O wait time.
    pub wait: Option<u64>,
    /// Steal (runnable, not running) time.
    pub delay: Option<u64>,
}

/// One network interface's counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Net {
    /// Host-side name (may be empty before dedupe).
    pub name: String,
    /// Received bytes, packets, errors, drops.
    pub rx: [Option<u64>; 4],
    /// Transmitted bytes, packets, errors, drops.
    pub tx: [Option<u64>; 4],
}

/// One disk; times in nanoseconds, sizes in bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    /// Target name (`vda`), may be empty before dedupe.
    pub name: String,
    /// Source path, if any.
    pub path: Option<String>,
    /// Read requests, bytes, time.
    pub rd: [Option<u64>; 3],
    /// Write requests, bytes, time.
    pub wr: [Option<u64>; 3],
    /// Flush requests, time.
    pub fl: [Option<u64>; 2],
    /// Errors.
    pub errs: Option<u64>,
    /// Allocation.
    pub allocation: Option<u64>,
    /// Capacity.
    pub capacity: Option<u64>,
    /// Physical size.
    pub physical: Option<u64>,
}

/// One I/O thread; polling time in nanoseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IoThread {
    /// I/O thread id.
    pub id: u64,
    /// Maximum polling time.
    pub poll_max_ns: Option<u64>,
    /// Polling growth factor.
    pub poll_grow: Option<u64>,
    /// Polling shrink divisor.
    pub poll_shrink: Option<u64>,
}

/// Dirty-rate calculation results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirtyRate {
    /// Calculation status.
    pub status: Option<i64>,
    /// Start, Unix seconds.
    pub start_time: Option<i64>,
    /// Period in seconds.
    pub period: Option<i64>,
    /// Rate in MiB/s.
    pub mib_per_second: Option<i64>,
}

/// Everything libvirt reported about one domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainStats {
    /// Stats groups present (mask of `G_*`).
    pub groups: u32,
    /// `virDomainState`.
    pub state: Option<i64>,
    /// State reason.
    pub reason: Option<i64>,
    /// Total CPU time (ns).
    pub cpu_time: Option<u64>,
    /// User CPU time (ns).
    pub cpu_user: Option<u64>,
    /// System CPU time (ns).
    pub cpu_system: Option<u64>,
    /// Successful halt-polling time (ns).
    pub haltpoll_success: Option<u64>,
    /// Failed halt-polling time (ns).
    pub haltpoll_fail: Option<u64>,
    /// Balloon.
    pub balloon: Balloon,
    /// Online vCPUs.
    pub vcpu_current: Option<u64>,
    /// Maximum vCPUs.
    pub vcpu_maximum: Option<u64>,
    /// Per-vCPU values, by vCPU number.
    pub vcpus: Vec<Vcpu>,
    /// Interfaces.
    pub nets: Vec<Net>,
    /// Disks.
    pub blocks: Vec<Block>,
    /// Perf event counters.
    pub perf: Vec<(String, u64)>,
    /// Number of I/O threads.
    pub iothread_count: Option<u64>,
    /// I/O threads.
    pub iothreads: Vec<IoThread>,
    /// Dirty rate.
    pub dirty: DirtyRate,
}

impl DomainStats {
    /// Whether the domain runs (running, blocked, paused, pmsuspended).
    pub fn is_active(&self) -> bool {
        matches!(self.state, Some(1 | 2 | 3 | 7))
    }

    /// Gives every disk and interface a unique, non-empty name: a nameless
    /// disk is named after its source path or `block<N>`, a nameless
    /// interface `net<N>`; a later device with a name already used is
    /// dropped, so no series is ever emitted twice.
    pub fn dedupe_devices(&mut self) {
        use crate::dedupe::unique_names;
        unique_names(
            &mut self.blocks,
            "block",
            |b| &mut b.name,
            |b| b.path.clone(),
        );
        unique_names(&mut self.nets, "net", |n| &mut n.name, |_| None);
    }

    /// Copies group `g` (one `G_*` bit) from `from`.
    pub fn copy_group(&mut self, from: &DomainStats, g: u32) {
        match g {
            G_CPU => {
                self.cpu_time = from.cpu_time;
                self.cpu_user = from.cpu_user;
                self.cpu_system = from.cpu_system;
                self.haltpoll_success = from.haltpoll_success;
                self.haltpoll_fail = from.haltpoll_fail;
            }
            G_BALLOON => self.balloon = from.balloon.clone(),
            G_VCPU => {
                self.vcpu_current = from.vcpu_current;
                self.vcpu_maximum = from.vcpu_maximum;
                self.vcpus = from.vcpus.clone();
            }
            G_NET => self.nets = from.nets.clone(),
            G_BLOCK => self.blocks = from.blocks.clone(),
            G_PERF => self.perf = from.perf.clone(),
            G_IOTHREAD => {
                self.iothread_count = from.iothread_count;
                self.iothreads = from.iothreads.clone();
            }
            G_DIRTYRATE => self.dirty = from.dirty.clone(),
            _ => return,
        }
        self.groups |= g & from.groups;
    }
}

/// A domain's current job (migration, save, ...); times in ms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Job {
    /// `virDomainJobType`.
    pub kind: i32,
    /// `virDomainJobOperation`.
    pub operation: Option<i64>,
    /// Elapsed time.
    pub elapsed_ms: Option<u64>,
    /// Remaining time.
    pub remaining_ms: Option<u64>,
    /// Downtime.
    pub downtime_ms: Option<u64>,
    /// Data total, processed, remaining.
    pub data: [Option<u64>; 3],
    /// Memory total, processed, remaining.
    pub memory: [Option<u64>; 3],
    /// Disk total, processed, remaining.
    pub disk: [Option<u64>; 3],
    /// Memory transfer rate, bytes/s.
    pub memory_bps: Option<u64>,
    /// Dirty rate, pages/s.
    pub memory_dirty_rate: Option<u64>,
    /// Page size, bytes.
    pub memory_page_size: Option<u64>,
    /// Memory iterations.
    pub memory_iteration: Option<u64>,
}

/// One domain in a snapshot.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Domain name.
    pub name: String,
    /// Domain UUID.
    pub uuid: String,
    /// Metadata from the domain's XML (cached).
    pub meta: Arc<DomainMeta>,
    /// Statistics.
    pub stats: Arc<DomainStats>,
    /// Current job, when jobs are collected and the domain runs.
    pub job: Option<Job>,
    /// Some values are last-good ones.
    pub partial: bool,
}

/// Versions of libvirt and the hypervisor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    /// Driver name (`QEMU`).
    pub driver: String,
    /// Hypervisor version.
    pub hypervisor: String,
    /// Daemon version.
    pub daemon: String,
    /// Client library version.
    pub library: String,
}

/// Host facts as libvirt reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Host {
    /// Active CPUs.
    pub cpus: u64,
    /// CPU frequency, MHz.
    pub mhz: u64,
    /// Memory, KiB.
    pub memory_kib: u64,
    /// Free bytes per NUMA cell.
    pub cells_free: Vec<u64>,
    /// CPU model.
    pub model: String,
    /// Sockets, cores per socket, threads per core, NUMA cells.
    pub topology: [u32; 4],
}

/// What one collection from libvirt produced.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// libvirt answered.
    pub up: bool,
    /// How long the collection took, seconds.
    pub duration_seconds: f64,
    /// Reconnections so far.
    pub reconnects: u64,
    /// Versions (known once connected).
    pub versions: Option<Versions>,
    /// Domains, sorted by name.
    pub domains: Vec<Domain>,
    /// Storage pools, or why they could not be read (`None` when disabled
    /// or libvirt is down).
    pub pools: Option<Result<Vec<crate::ffi::PoolInfo>, String>>,
    /// Host facts, or why they could not be read.
    pub host: Option<Result<Host, String>>,
}
