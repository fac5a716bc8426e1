//! Metrics of `libvirt-exporter`: every family it can emit, declared once.
//!
//! Value series carry `domain` (the libvirt domain name) plus
//! `target_device` (disks, interfaces) or `vcpu` where needed; metadata is in
//! `_info` series. Units are base units: libvirt's nanoseconds, milliseconds
//! and KiB are converted to seconds and bytes.

use crate::{Catalog, MetricDef, SelfMetrics, Unit};

/// The exporter's own metrics (`libvirt_exporter_build_info`, ...).
pub const SELF: SelfMetrics = crate::self_metrics!("libvirt_exporter");

// ---- libvirt and the exporter's connection ----

/// `libvirt_up`.
pub const UP: MetricDef = MetricDef::gauge(
    "libvirt_up",
    "Whether libvirt answered this scrape over the exporter's connection before the scrape deadline (1) or not (0).",
    &[],
    Unit::None,
);
/// `libvirt_scrape_duration_seconds`.
pub const SCRAPE_DURATION: MetricDef = MetricDef::gauge(
    "libvirt_scrape_duration_seconds",
    "Time the last collection from libvirt took, in seconds.",
    &[],
    Unit::Seconds,
);
/// `libvirt_versions_info{driver,hypervisor_version,daemon_version,library_version}`.
pub const VERSIONS_INFO: MetricDef = MetricDef::gauge(
    "libvirt_versions_info",
    "Constant 1, labeled with the hypervisor driver and the versions of the hypervisor, the libvirt daemon and the client library.",
    &["driver", "hypervisor_version", "daemon_version", "library_version"],
    Unit::None,
);
/// `libvirt_connection_reconnects_total`.
pub const CONNECTION_RECONNECTS: MetricDef = MetricDef::counter(
    "libvirt_connection_reconnects_total",
    "Times the exporter re-opened its libvirt connection after losing it.",
    &[],
    Unit::None,
);
/// `libvirt_domain_stats_partial{domain}`.
pub const DOMAIN_STATS_PARTIAL: MetricDef = MetricDef::gauge(
    "libvirt_domain_stats_partial",
    "1 when some of this domain's values are the last good ones because it did not answer in time (busy in a job or past the scrape deadline), else 0.",
    &["domain"],
    Unit::None,
);

// ---- Domains ----

/// `libvirt_domains{state}`.
pub const DOMAINS: MetricDef = MetricDef::gauge(
    "libvirt_domains",
    "Domains known to libvirt, by state (running, blocked, paused, shutdown, shutoff, crashed, pmsuspended, nostate).",
    &["state"],
    Unit::None,
);
/// `libvirt_domain_info{domain,uuid,os_type,arch,machine,virt_type,persistent}`.
pub const DOMAIN_INFO: MetricDef = MetricDef::gauge(
    "libvirt_domain_info",
    "Constant 1, labeled with the domain's UUID, OS type, architecture, machine type, virtualization type and whether it is persistent.",
    &["domain", "uuid", "os_type", "arch", "machine", "virt_type", "persistent"],
    Unit::None,
);
/// `libvirt_domain_state_code{domain}`.
pub const DOMAIN_STATE_CODE: MetricDef = MetricDef::gauge(
    "libvirt_domain_state_code",
    "Domain state as libvirt's virDomainState code (0 nostate, 1 running, 2 blocked, 3 paused, 4 shutdown, 5 shutoff, 6 crashed, 7 pmsuspended).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_state_reason_code{domain}`.
pub const DOMAIN_STATE_REASON_CODE: MetricDef = MetricDef::gauge(
    "libvirt_domain_state_reason_code",
    "Reason for the domain's state, as libvirt's per-state reason code (e.g. virDomainShutoffReason for shut-off domains).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_openstack_info{domain,instance_name,flavor,project_name,project_uuid,user_name,user_uuid,root_type,root_uuid}`.
pub const DOMAIN_OPENSTACK_INFO: MetricDef = MetricDef::gauge(
    "libvirt_domain_openstack_info",
    "Constant 1, labeled with the OpenStack Nova metadata of the domain (only with --collector.nova).",
    &["domain", "instance_name", "flavor", "project_name", "project_uuid", "user_name", "user_uuid", "root_type", "root_uuid"],
    Unit::None,
);

// ---- CPU ----

/// `libvirt_domain_cpu_time_seconds_total{domain}`.
pub const DOMAIN_CPU_TIME: MetricDef = MetricDef::counter(
    "libvirt_domain_cpu_time_seconds_total",
    "CPU time used by the domain (all vCPUs and emulator threads), in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_cpu_user_seconds_total{domain}`.
pub const DOMAIN_CPU_USER: MetricDef = MetricDef::counter(
    "libvirt_domain_cpu_user_seconds_total",
    "User-mode CPU time used by the domain, in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_cpu_system_seconds_total{domain}`.
pub const DOMAIN_CPU_SYSTEM: MetricDef = MetricDef::counter(
    "libvirt_domain_cpu_system_seconds_total",
    "Kernel-mode CPU time used by the domain, in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_cpu_haltpoll_success_seconds_total{domain}`.
pub const DOMAIN_CPU_HALTPOLL_SUCCESS: MetricDef = MetricDef::counter(
    "libvirt_domain_cpu_haltpoll_success_seconds_total",
    "Host CPU time the domain's vCPUs spent halt-polling until an interrupt arrived, in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_cpu_haltpoll_fail_seconds_total{domain}`.
pub const DOMAIN_CPU_HALTPOLL_FAIL: MetricDef = MetricDef::counter(
    "libvirt_domain_cpu_haltpoll_fail_seconds_total",
    "Host CPU time the domain's vCPUs spent halt-polling in vain (no interrupt before the poll timeout), in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_vcpu_current{domain}`.
pub const DOMAIN_VCPU_CURRENT: MetricDef = MetricDef::gauge(
    "libvirt_domain_vcpu_current",
    "Virtual CPUs currently online in the domain.",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_vcpu_maximum{domain}`.
pub const DOMAIN_VCPU_MAXIMUM: MetricDef = MetricDef::gauge(
    "libvirt_domain_vcpu_maximum",
    "Maximum virtual CPUs the domain can have.",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_vcpu_state{domain,vcpu}`.
pub const DOMAIN_VCPU_STATE: MetricDef = MetricDef::gauge(
    "libvirt_domain_vcpu_state",
    "State of a virtual CPU as libvirt's virVcpuState code (0 offline, 1 running, 2 blocked).",
    &["domain", "vcpu"],
    Unit::None,
);
/// `libvirt_domain_vcpu_time_seconds_total{domain,vcpu}`.
pub const DOMAIN_VCPU_TIME: MetricDef = MetricDef::counter(
    "libvirt_domain_vcpu_time_seconds_total",
    "CPU time used by a virtual CPU, in seconds.",
    &["domain", "vcpu"],
    Unit::Seconds,
);
/// `libvirt_domain_vcpu_wait_seconds_total{domain,vcpu}`.
pub const DOMAIN_VCPU_WAIT: MetricDef = MetricDef::counter(
    "libvirt_domain_vcpu_wait_seconds_total",
    "Time a virtual CPU spent waiting on I/O, in seconds.",
    &["domain", "vcpu"],
    Unit::Seconds,
);
/// `libvirt_domain_vcpu_delay_seconds_total{domain,vcpu}`.
pub const DOMAIN_VCPU_DELAY: MetricDef = MetricDef::counter(
    "libvirt_domain_vcpu_delay_seconds_total",
    "Time a virtual CPU was runnable but waiting for a host CPU (steal), in seconds.",
    &["domain", "vcpu"],
    Unit::Seconds,
);

// ---- Memory (balloon) ----

/// `libvirt_domain_memory_current_bytes{domain}`.
pub const DOMAIN_MEMORY_CURRENT: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_current_bytes",
    "Memory currently given to the domain by the balloon, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_maximum_bytes{domain}`.
pub const DOMAIN_MEMORY_MAXIMUM: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_maximum_bytes",
    "Maximum memory the domain may use, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_unused_bytes{domain}`.
pub const DOMAIN_MEMORY_UNUSED: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_unused_bytes",
    "Memory the guest OS leaves completely unused, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_available_bytes{domain}`.
pub const DOMAIN_MEMORY_AVAILABLE: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_available_bytes",
    "Memory the guest OS sees as usable in total, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_usable_bytes{domain}`.
pub const DOMAIN_MEMORY_USABLE: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_usable_bytes",
    "Memory the guest could use without swapping, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_rss_bytes{domain}`.
pub const DOMAIN_MEMORY_RSS: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_rss_bytes",
    "Resident set size of the domain's process on the host, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_disk_caches_bytes{domain}`.
pub const DOMAIN_MEMORY_DISK_CACHES: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_disk_caches_bytes",
    "Guest memory used for disk caches that can be reclaimed, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_swap_in_bytes_total{domain}`.
pub const DOMAIN_MEMORY_SWAP_IN: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_swap_in_bytes_total",
    "Memory the guest read from swap, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_swap_out_bytes_total{domain}`.
pub const DOMAIN_MEMORY_SWAP_OUT: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_swap_out_bytes_total",
    "Memory the guest wrote to swap, in bytes (balloon driver).",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_memory_major_faults_total{domain}`.
pub const DOMAIN_MEMORY_MAJOR_FAULTS: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_major_faults_total",
    "Page faults in the guest that needed disk I/O (balloon driver).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_memory_minor_faults_total{domain}`.
pub const DOMAIN_MEMORY_MINOR_FAULTS: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_minor_faults_total",
    "Page faults in the guest served without disk I/O (balloon driver).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_memory_hugetlb_allocations_total{domain}`.
pub const DOMAIN_MEMORY_HUGETLB_ALLOCATIONS: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_hugetlb_allocations_total",
    "Successful huge page allocations in the guest (balloon driver).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_memory_hugetlb_failures_total{domain}`.
pub const DOMAIN_MEMORY_HUGETLB_FAILURES: MetricDef = MetricDef::counter(
    "libvirt_domain_memory_hugetlb_failures_total",
    "Failed huge page allocations in the guest (balloon driver).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_memory_stats_last_update_timestamp_seconds{domain}`.
pub const DOMAIN_MEMORY_STATS_LAST_UPDATE: MetricDef = MetricDef::gauge(
    "libvirt_domain_memory_stats_last_update_timestamp_seconds",
    "When the guest's balloon driver last updated its memory statistics, as a Unix timestamp.",
    &["domain"],
    Unit::TimestampSeconds,
);

// ---- Block devices ----

/// `libvirt_domain_block_info{domain,target_device,source,bus,driver_type,device}`.
pub const DOMAIN_BLOCK_INFO: MetricDef = MetricDef::gauge(
    "libvirt_domain_block_info",
    "Constant 1, labeled with a disk's source, bus, image format and device kind.",
    &[
        "domain",
        "target_device",
        "source",
        "bus",
        "driver_type",
        "device",
    ],
    Unit::None,
);
/// `libvirt_domain_block_read_requests_total{domain,target_device}`.
pub const DOMAIN_BLOCK_READ_REQUESTS: MetricDef = MetricDef::counter(
    "libvirt_domain_block_read_requests_total",
    "Read requests completed on a disk.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_block_read_bytes_total{domain,target_device}`.
pub const DOMAIN_BLOCK_READ_BYTES: MetricDef = MetricDef::counter(
    "libvirt_domain_block_read_bytes_total",
    "Bytes read from a disk.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_block_read_time_seconds_total{domain,target_device}`.
pub const DOMAIN_BLOCK_READ_TIME: MetricDef = MetricDef::counter(
    "libvirt_domain_block_read_time_seconds_total",
    "Time spent on read requests of a disk, in seconds (latency = rate(time) / rate(requests)).",
    &["domain", "target_device"],
    Unit::Seconds,
);
/// `libvirt_domain_block_write_requests_total{domain,target_device}`.
pub const DOMAIN_BLOCK_WRITE_REQUESTS: MetricDef = MetricDef::counter(
    "libvirt_domain_block_write_requests_total",
    "Write requests completed on a disk.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_block_write_bytes_total{domain,target_device}`.
pub const DOMAIN_BLOCK_WRITE_BYTES: MetricDef = MetricDef::counter(
    "libvirt_domain_block_write_bytes_total",
    "Bytes written to a disk.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_block_write_time_seconds_total{domain,target_device}`.
pub const DOMAIN_BLOCK_WRITE_TIME: MetricDef = MetricDef::counter(
    "libvirt_domain_block_write_time_seconds_total",
    "Time spent on write requests of a disk, in seconds.",
    &["domain", "target_device"],
    Unit::Seconds,
);
/// `libvirt_domain_block_flush_requests_total{domain,target_device}`.
pub const DOMAIN_BLOCK_FLUSH_REQUESTS: MetricDef = MetricDef::counter(
    "libvirt_domain_block_flush_requests_total",
    "Flush requests completed on a disk.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_block_flush_time_seconds_total{domain,target_device}`.
pub const DOMAIN_BLOCK_FLUSH_TIME: MetricDef = MetricDef::counter(
    "libvirt_domain_block_flush_time_seconds_total",
    "Time spent on flush requests of a disk, in seconds.",
    &["domain", "target_device"],
    Unit::Seconds,
);
/// `libvirt_domain_block_errors_total{domain,target_device}`.
pub const DOMAIN_BLOCK_ERRORS: MetricDef = MetricDef::counter(
    "libvirt_domain_block_errors_total",
    "I/O errors on a disk (reported by drivers that count them).",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_block_allocation_bytes{domain,target_device}`.
pub const DOMAIN_BLOCK_ALLOCATION: MetricDef = MetricDef::gauge(
    "libvirt_domain_block_allocation_bytes",
    "Highest allocated offset of a disk's image on the host, in bytes.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_block_capacity_bytes{domain,target_device}`.
pub const DOMAIN_BLOCK_CAPACITY: MetricDef = MetricDef::gauge(
    "libvirt_domain_block_capacity_bytes",
    "Logical size of a disk as the guest sees it, in bytes.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_block_physical_bytes{domain,target_device}`.
pub const DOMAIN_BLOCK_PHYSICAL: MetricDef = MetricDef::gauge(
    "libvirt_domain_block_physical_bytes",
    "Physical size of a disk's image on the host, in bytes.",
    &["domain", "target_device"],
    Unit::Bytes,
);

// ---- Network interfaces ----

/// `libvirt_domain_interface_info{domain,target_device,mac,type,bridge,network,model}`.
pub const DOMAIN_INTERFACE_INFO: MetricDef = MetricDef::gauge(
    "libvirt_domain_interface_info",
    "Constant 1, labeled with a network interface's MAC address, type, bridge, network and model. target_device is the host-side name, or the MAC address when it has none.",
    &["domain", "target_device", "mac", "type", "bridge", "network", "model"],
    Unit::None,
);
/// `libvirt_domain_interface_receive_bytes_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_RECEIVE_BYTES: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_receive_bytes_total",
    "Bytes received by the domain on an interface.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_interface_receive_packets_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_RECEIVE_PACKETS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_receive_packets_total",
    "Packets received by the domain on an interface.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_interface_receive_errors_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_RECEIVE_ERRORS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_receive_errors_total",
    "Receive errors on an interface.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_interface_receive_drops_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_RECEIVE_DROPS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_receive_drops_total",
    "Received packets dropped on an interface.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_interface_transmit_bytes_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_TRANSMIT_BYTES: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_transmit_bytes_total",
    "Bytes sent by the domain on an interface.",
    &["domain", "target_device"],
    Unit::Bytes,
);
/// `libvirt_domain_interface_transmit_packets_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_TRANSMIT_PACKETS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_transmit_packets_total",
    "Packets sent by the domain on an interface.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_interface_transmit_errors_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_TRANSMIT_ERRORS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_transmit_errors_total",
    "Transmit errors on an interface.",
    &["domain", "target_device"],
    Unit::None,
);
/// `libvirt_domain_interface_transmit_drops_total{domain,target_device}`.
pub const DOMAIN_INTERFACE_TRANSMIT_DROPS: MetricDef = MetricDef::counter(
    "libvirt_domain_interface_transmit_drops_total",
    "Sent packets dropped on an interface.",
    &["domain", "target_device"],
    Unit::None,
);

// ---- Jobs and migration ----

/// `libvirt_domain_job_type{domain}`.
pub const DOMAIN_JOB_TYPE: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_type",
    "Type of the domain's current job as libvirt's virDomainJobType code (0 none, 1 bounded, 2 unbounded, 3 completed, 4 failed, 5 cancelled).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_job_operation{domain}`.
pub const DOMAIN_JOB_OPERATION: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_operation",
    "Operation of the domain's current job as libvirt's virDomainJobOperation code (e.g. 3 migration out, 2 migration in, 6 snapshot).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_job_elapsed_seconds{domain}`.
pub const DOMAIN_JOB_ELAPSED: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_elapsed_seconds",
    "Time since the domain's current job started, in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_job_remaining_seconds{domain}`.
pub const DOMAIN_JOB_REMAINING: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_remaining_seconds",
    "Estimated time until the domain's current job ends, in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_job_downtime_seconds{domain}`.
pub const DOMAIN_JOB_DOWNTIME: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_downtime_seconds",
    "Downtime of the domain's migration (expected while running, real when completed), in seconds.",
    &["domain"],
    Unit::Seconds,
);
/// `libvirt_domain_job_data_total_bytes{domain}`.
pub const DOMAIN_JOB_DATA_TOTAL: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_data_total_bytes",
    "Bytes the domain's current job has to transfer in total.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_data_processed_bytes{domain}`.
pub const DOMAIN_JOB_DATA_PROCESSED: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_data_processed_bytes",
    "Bytes the domain's current job has transferred.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_data_remaining_bytes{domain}`.
pub const DOMAIN_JOB_DATA_REMAINING: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_data_remaining_bytes",
    "Bytes the domain's current job still has to transfer.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_memory_total_bytes{domain}`.
pub const DOMAIN_JOB_MEMORY_TOTAL: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_total_bytes",
    "Guest memory the domain's current job has to transfer in total, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_memory_processed_bytes{domain}`.
pub const DOMAIN_JOB_MEMORY_PROCESSED: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_processed_bytes",
    "Guest memory the domain's current job has transferred, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_memory_remaining_bytes{domain}`.
pub const DOMAIN_JOB_MEMORY_REMAINING: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_remaining_bytes",
    "Guest memory the domain's current job still has to transfer, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_disk_total_bytes{domain}`.
pub const DOMAIN_JOB_DISK_TOTAL: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_disk_total_bytes",
    "Disk data the domain's current job has to transfer in total, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_disk_processed_bytes{domain}`.
pub const DOMAIN_JOB_DISK_PROCESSED: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_disk_processed_bytes",
    "Disk data the domain's current job has transferred, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_disk_remaining_bytes{domain}`.
pub const DOMAIN_JOB_DISK_REMAINING: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_disk_remaining_bytes",
    "Disk data the domain's current job still has to transfer, in bytes.",
    &["domain"],
    Unit::Bytes,
);
/// `libvirt_domain_job_memory_transfer_rate_bytes_per_second{domain}`.
pub const DOMAIN_JOB_MEMORY_TRANSFER_RATE: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_transfer_rate_bytes_per_second",
    "Rate at which the domain's migration transfers memory, in bytes per second.",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_job_memory_dirty_rate_bytes_per_second{domain}`.
pub const DOMAIN_JOB_MEMORY_DIRTY_RATE: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_dirty_rate_bytes_per_second",
    "Rate at which the guest dirties memory during migration, in bytes per second (pages per second times page size).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_job_memory_iterations{domain}`.
pub const DOMAIN_JOB_MEMORY_ITERATIONS: MetricDef = MetricDef::gauge(
    "libvirt_domain_job_memory_iterations",
    "Memory copy passes the domain's migration has made.",
    &["domain"],
    Unit::None,
);

// ---- Storage pools ----

/// `libvirt_storage_pool_state{pool}`.
pub const STORAGE_POOL_STATE: MetricDef = MetricDef::gauge(
    "libvirt_storage_pool_state",
    "State of a storage pool as libvirt's virStoragePoolState code (0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible).",
    &["pool"],
    Unit::None,
);
/// `libvirt_storage_pool_capacity_bytes{pool}`.
pub const STORAGE_POOL_CAPACITY: MetricDef = MetricDef::gauge(
    "libvirt_storage_pool_capacity_bytes",
    "Logical size of a storage pool, in bytes.",
    &["pool"],
    Unit::Bytes,
);
/// `libvirt_storage_pool_allocation_bytes{pool}`.
pub const STORAGE_POOL_ALLOCATION: MetricDef = MetricDef::gauge(
    "libvirt_storage_pool_allocation_bytes",
    "Bytes allocated in a storage pool.",
    &["pool"],
    Unit::Bytes,
);
/// `libvirt_storage_pool_available_bytes{pool}`.
pub const STORAGE_POOL_AVAILABLE: MetricDef = MetricDef::gauge(
    "libvirt_storage_pool_available_bytes",
    "Bytes still free in a storage pool.",
    &["pool"],
    Unit::Bytes,
);
/// `libvirt_storage_pool_volumes{pool}`.
pub const STORAGE_POOL_VOLUMES: MetricDef = MetricDef::gauge(
    "libvirt_storage_pool_volumes",
    "Volumes in an active storage pool.",
    &["pool"],
    Unit::None,
);

// ---- Host, as libvirt sees it ----

/// `libvirt_node_info{cpu_model,sockets,cores_per_socket,threads_per_core,numa_cells}`.
pub const NODE_INFO: MetricDef = MetricDef::gauge(
    "libvirt_node_info",
    "Constant 1, labeled with the host CPU model and topology as libvirt reports them.",
    &[
        "cpu_model",
        "sockets",
        "cores_per_socket",
        "threads_per_core",
        "numa_cells",
    ],
    Unit::None,
);
/// `libvirt_node_cpus`.
pub const NODE_CPUS: MetricDef = MetricDef::gauge(
    "libvirt_node_cpus",
    "Active host CPUs, as libvirt reports them.",
    &[],
    Unit::None,
);
/// `libvirt_node_cpu_frequency_hertz`.
pub const NODE_CPU_FREQUENCY: MetricDef = MetricDef::gauge(
    "libvirt_node_cpu_frequency_hertz",
    "Expected host CPU frequency, in hertz.",
    &[],
    Unit::None,
);
/// `libvirt_node_memory_bytes`.
pub const NODE_MEMORY: MetricDef = MetricDef::gauge(
    "libvirt_node_memory_bytes",
    "Host memory, in bytes.",
    &[],
    Unit::Bytes,
);
/// `libvirt_node_numa_free_memory_bytes{cell}`.
pub const NODE_NUMA_FREE_MEMORY: MetricDef = MetricDef::gauge(
    "libvirt_node_numa_free_memory_bytes",
    "Free memory of a host NUMA cell, in bytes.",
    &["cell"],
    Unit::Bytes,
);
/// `libvirt_node_domains_vcpus`.
pub const NODE_DOMAINS_VCPUS: MetricDef = MetricDef::gauge(
    "libvirt_node_domains_vcpus",
    "Virtual CPUs of all active domains together (compare with libvirt_node_cpus for overcommit).",
    &[],
    Unit::None,
);
/// `libvirt_node_domains_memory_bytes`.
pub const NODE_DOMAINS_MEMORY: MetricDef = MetricDef::gauge(
    "libvirt_node_domains_memory_bytes",
    "Memory given to all active domains together, in bytes (compare with libvirt_node_memory_bytes for overcommit).",
    &[],
    Unit::Bytes,
);

// ---- Optional: perf events (--collector.perf) ----

/// `libvirt_domain_perf_events_total{domain,event}`.
pub const DOMAIN_PERF_EVENTS: MetricDef = MetricDef::counter(
    "libvirt_domain_perf_events_total",
    "Hardware and software perf events counted for the domain, by event (cpu_cycles, instructions, cache_misses, ...).",
    &["domain", "event"],
    Unit::None,
);

// ---- Optional: I/O threads (--collector.iothread) ----

/// `libvirt_domain_iothreads{domain}`.
pub const DOMAIN_IOTHREADS: MetricDef = MetricDef::gauge(
    "libvirt_domain_iothreads",
    "I/O threads of the domain.",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_iothread_poll_max_seconds{domain,iothread}`.
pub const DOMAIN_IOTHREAD_POLL_MAX: MetricDef = MetricDef::gauge(
    "libvirt_domain_iothread_poll_max_seconds",
    "Maximum polling time of an I/O thread, in seconds (0 = polling disabled).",
    &["domain", "iothread"],
    Unit::Seconds,
);
/// `libvirt_domain_iothread_poll_grow{domain,iothread}`.
pub const DOMAIN_IOTHREAD_POLL_GROW: MetricDef = MetricDef::gauge(
    "libvirt_domain_iothread_poll_grow",
    "Factor by which an I/O thread's polling time grows (0 = hypervisor default).",
    &["domain", "iothread"],
    Unit::None,
);
/// `libvirt_domain_iothread_poll_shrink{domain,iothread}`.
pub const DOMAIN_IOTHREAD_POLL_SHRINK: MetricDef = MetricDef::gauge(
    "libvirt_domain_iothread_poll_shrink",
    "Divisor by which an I/O thread's polling time shrinks (0 = hypervisor default).",
    &["domain", "iothread"],
    Unit::None,
);

// ---- Optional: memory dirty rate (--collector.dirtyrate) ----

/// `libvirt_domain_dirty_rate_bytes_per_second{domain}`.
pub const DOMAIN_DIRTY_RATE: MetricDef = MetricDef::gauge(
    "libvirt_domain_dirty_rate_bytes_per_second",
    "Memory dirty rate of the domain from the last calculation, in bytes per second.",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_dirty_rate_calc_status{domain}`.
pub const DOMAIN_DIRTY_RATE_CALC_STATUS: MetricDef = MetricDef::gauge(
    "libvirt_domain_dirty_rate_calc_status",
    "Status of the domain's dirty rate calculation (0 unstarted, 1 measuring, 2 measured).",
    &["domain"],
    Unit::None,
);
/// `libvirt_domain_dirty_rate_calc_start_timestamp_seconds{domain}`.
pub const DOMAIN_DIRTY_RATE_CALC_START: MetricDef = MetricDef::gauge(
    "libvirt_domain_dirty_rate_calc_start_timestamp_seconds",
    "When the domain's last dirty rate calculation started, as a Unix timestamp.",
    &["domain"],
    Unit::TimestampSeconds,
);
/// `libvirt_domain_dirty_rate_calc_period_seconds{domain}`.
pub const DOMAIN_DIRTY_RATE_CALC_PERIOD: MetricDef = MetricDef::gauge(
    "libvirt_domain_dirty_rate_calc_period_seconds",
    "Length of the domain's last dirty rate calculation, in seconds.",
    &["domain"],
    Unit::Seconds,
);

/// Every family of `libvirt-exporter`.
pub const CATALOG: Catalog = Catalog {
    program: "libvirt-exporter",
    metrics: &[
        &UP,
        &SCRAPE_DURATION,
        &VERSIONS_INFO,
        &CONNECTION_RECONNECTS,
        &DOMAIN_STATS_PARTIAL,
        &DOMAINS,
        &DOMAIN_INFO,
        &DOMAIN_STATE_CODE,
        &DOMAIN_STATE_REASON_CODE,
        &DOMAIN_OPENSTACK_INFO,
        &DOMAIN_CPU_TIME,
        &DOMAIN_CPU_USER,
        &DOMAIN_CPU_SYSTEM,
        &DOMAIN_CPU_HALTPOLL_SUCCESS,
        &DOMAIN_CPU_HALTPOLL_FAIL,
        &DOMAIN_VCPU_CURRENT,
        &DOMAIN_VCPU_MAXIMUM,
        &DOMAIN_VCPU_STATE,
        &DOMAIN_VCPU_TIME,
        &DOMAIN_VCPU_WAIT,
        &DOMAIN_VCPU_DELAY,
        &DOMAIN_MEMORY_CURRENT,
        &DOMAIN_MEMORY_MAXIMUM,
        &DOMAIN_MEMORY_UNUSED,
        &DOMAIN_MEMORY_AVAILABLE,
        &DOMAIN_MEMORY_USABLE,
        &DOMAIN_MEMORY_RSS,
        &DOMAIN_MEMORY_DISK_CACHES,
        &DOMAIN_MEMORY_SWAP_IN,
        &DOMAIN_MEMORY_SWAP_OUT,
        &DOMAIN_MEMORY_MAJOR_FAULTS,
        &DOMAIN_MEMORY_MINOR_FAULTS,
        &DOMAIN_MEMORY_HUGETLB_ALLOCATIONS,
        &DOMAIN_MEMORY_HUGETLB_FAILURES,
        &DOMAIN_MEMORY_STATS_LAST_UPDATE,
        &DOMAIN_BLOCK_INFO,
        &DOMAIN_BLOCK_READ_REQUESTS,
        &DOMAIN_BLOCK_READ_BYTES,
        &DOMAIN_BLOCK_READ_TIME,
        &DOMAIN_BLOCK_WRITE_REQUESTS,
        &DOMAIN_BLOCK_WRITE_BYTES,
        &DOMAIN_BLOCK_WRITE_TIME,
        &DOMAIN_BLOCK_FLUSH_REQUESTS,
        &DOMAIN_BLOCK_FLUSH_TIME,
        &DOMAIN_BLOCK_ERRORS,
        &DOMAIN_BLOCK_ALLOCATION,
        &DOMAIN_BLOCK_CAPACITY,
        &DOMAIN_BLOCK_PHYSICAL,
        &DOMAIN_INTERFACE_INFO,
        &DOMAIN_INTERFACE_RECEIVE_BYTES,
        &DOMAIN_INTERFACE_RECEIVE_PACKETS,
        &DOMAIN_INTERFACE_RECEIVE_ERRORS,
        &DOMAIN_INTERFACE_RECEIVE_DROPS,
        &DOMAIN_INTERFACE_TRANSMIT_BYTES,
        &DOMAIN_INTERFACE_TRANSMIT_PACKETS,
        &DOMAIN_INTERFACE_TRANSMIT_ERRORS,
        &DOMAIN_INTERFACE_TRANSMIT_DROPS,
        &DOMAIN_JOB_TYPE,
        &DOMAIN_JOB_OPERATION,
        &DOMAIN_JOB_ELAPSED,
        &DOMAIN_JOB_REMAINING,
        &DOMAIN_JOB_DOWNTIME,
        &DOMAIN_JOB_DATA_TOTAL,
        &DOMAIN_JOB_DATA_PROCESSED,
        &DOMAIN_JOB_DATA_REMAINING,
        &DOMAIN_JOB_MEMORY_TOTAL,
        &DOMAIN_JOB_MEMORY_PROCESSED,
        &DOMAIN_JOB_MEMORY_REMAINING,
        &DOMAIN_JOB_DISK_TOTAL,
        &DOMAIN_JOB_DISK_PROCESSED,
        &DOMAIN_JOB_DISK_REMAINING,
        &DOMAIN_JOB_MEMORY_TRANSFER_RATE,
        &DOMAIN_JOB_MEMORY_DIRTY_RATE,
        &DOMAIN_JOB_MEMORY_ITERATIONS,
        &STORAGE_POOL_STATE,
        &STORAGE_POOL_CAPACITY,
        &STORAGE_POOL_ALLOCATION,
        &STORAGE_POOL_AVAILABLE,
        &STORAGE_POOL_VOLUMES,
        &NODE_INFO,
        &NODE_CPUS,
        &NODE_CPU_FREQUENCY,
        &NODE_MEMORY,
        &NODE_NUMA_FREE_MEMORY,
        &NODE_DOMAINS_VCPUS,
        &NODE_DOMAINS_MEMORY,
        &DOMAIN_PERF_EVENTS,
        &DOMAIN_IOTHREADS,
        &DOMAIN_IOTHREAD_POLL_MAX,
        &DOMAIN_IOTHREAD_POLL_GROW,
        &DOMAIN_IOTHREAD_POLL_SHRINK,
        &DOMAIN_DIRTY_RATE,
        &DOMAIN_DIRTY_RATE_CALC_STATUS,
        &DOMAIN_DIRTY_RATE_CALC_START,
        &DOMAIN_DIRTY_RATE_CALC_PERIOD,
        &SELF.build_info,
        &SELF.collector_duration,
        &SELF.collector_success,
    ],
};
