//! One collection from libvirt over a persistent read-only connection.
//!
//! [`Poller::poll`] reconnects when needed, makes the one bulk
//! `virConnectGetAllDomainStats` call (NOWAIT, so a domain busy in a job does
//! not block it), reads each domain's XML only when its cache entry is
//! missing or invalidated (by a domain event or a new domain id), fills groups
//! the driver does not return with per-domain calls, and falls back to the
//! last good values (marking the domain partial) for whatever it could not
//! get before the deadline.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::ffi::{self, Conn, DomRef, LibvirtError};
use crate::meta::{parse_domain_xml, DomainMeta};
use crate::model::*;
use crate::parse::{apply_job, parse_record};

/// `VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT`.
const STATS_NOWAIT: u32 = 1 << 29;
/// Groups the per-domain fallback can fill.
const FALLBACK_GROUPS: u32 = G_CPU | G_BALLOON | G_VCPU | G_NET | G_BLOCK;

/// Which optional parts a collection reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    /// Job / migration stats of running domains.
    pub jobs: bool,
    /// Storage pools.
    pub pools: bool,
    /// Host facts.
    pub host: bool,
    /// Nova metadata (from the XML, nothing extra to fetch).
    pub nova: bool,
    /// Perf events.
    pub perf: bool,
    /// I/O threads.
    pub iothread: bool,
    /// Dirty rate.
    pub dirtyrate: bool,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            jobs: true,
            pools: true,
            host: true,
            nova: false,
            perf: false,
            iothread: false,
            dirtyrate: false,
        }
    }
}

impl Groups {
    /// The bulk-stats mask for these groups.
    pub fn stats_mask(&self) -> u32 {
        let mut m = CORE_GROUPS;
        if self.perf {
            m |= G_PERF;
        }
        if self.iothread {
            m |= G_IOTHREAD;
        }
        if self.dirtyrate {
            m |= G_DIRTYRATE;
        }
        m
    }
}

/// Settings of the libvirt side.
#[derive(Debug, Clone)]
pub struct Config {
    /// Connection URI, e.g. `qemu:///system`.
    pub uri: String,
    /// Scrape deadline.
    pub timeout: Duration,
    /// Optional parts.
    pub groups: Groups,
    /// Keepalive probe interval in seconds.
    pub keepalive_interval: i32,
    /// Missed keepalive answers before the connection counts as dead.
    pub keepalive_count: u32,
}

impl Config {
    /// Defaults for `uri`.
    pub fn new(uri: &str) -> Self {
        Config {
            uri: uri.to_string(),
            timeout: Duration::from_secs(8),
            groups: Groups::default(),
            keepalive_interval: 5,
            keepalive_count: 3,
        }
    }
}

struct CachedMeta {
    id: Option<u32>,
    meta: Arc<DomainMeta>,
}

struct LastGood {
    stats: Arc<DomainStats>,
    job: Option<Job>,
}

/// Owns the connection and the caches; used by one thread at a time.
pub struct Poller {
    cfg: Config,
    conn: Option<Conn>,
    connected_once: bool,
    reconnects: u64,
    versions: Option<Versions>,
    meta: HashMap<String, CachedMeta>,
    last: HashMap<String, LastGood>,
    invalid: Arc<Mutex<HashSet<String>>>,
    /// Groups the driver leaves out for active domains (decided once per
    /// connection, from the first collection that has an active domain).
    fallback: Option<u32>,
    jobs_supported: bool,
    down_logged: bool,
    xml_fetches: u64,
}

impl Poller {
    /// A poller that connects on its first [`Poller::poll`].
    pub fn new(cfg: Config) -> Self {
        ffi::init();
        Poller {
            cfg,
            conn: None,
            connected_once: false,
            reconnects: 0,
            versions: None,
            meta: HashMap::new(),
            last: HashMap::new(),
            invalid: Arc::new(Mutex::new(HashSet::new())),
            fallback: None,
            jobs_supported: true,
            down_logged: false,
            xml_fetches: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Domain XML documents fetched so far (cache misses).
    pub fn xml_fetches(&self) -> u64 {
        self.xml_fetches
    }

    /// Opens the connection if there is none or it died. True when usable.
    fn connect(&mut self) -> bool {
        if let Some(c) = &self.conn {
            if c.is_alive() {
                return true;
            }
            tracing::warn!(uri = %self.cfg.uri, "libvirt connection lost");
            self.conn = None;
        }
        let mut conn = match Conn::open_read_only(&self.cfg.uri) {
            Ok(c) => c,
            Err(e) => {
                if !self.down_logged {
                    tracing::warn!(err = %e, "libvirt unreachable; retrying at every scrape");
                    self.down_logged = true;
                }
                return false;
            }
        };
        match conn.set_keepalive(self.cfg.keepalive_interval, self.cfg.keepalive_count) {
            Ok(on) => tracing::debug!(keepalive = on, "keepalive"),
            Err(e) => tracing::debug!(err = %e, "keepalive not enabled"),
        }
        let invalid = self.invalid.clone();
        let on_change: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(move |uuid: &str| {
            invalid
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(uuid.to_string());
        });
        if let Err(e) = conn.watch_domain_changes(on_change) {
            tracing::debug!(err = %e, "no domain events; XML cache keyed by domain id only");
        }
        self.versions = Some(versions(&conn));
        if self.connected_once {
            self.reconnects += 1;
        }
        self.connected_once = true;
        self.down_logged = false;
        self.meta.clear();
        self.fallback = None;
        self.jobs_supported = true;
        tracing::info!(uri = %self.cfg.uri, "connected to libvirt");
        self.conn = Some(conn);
        true
    }

    fn bulk_stats(&mut self) -> Result<ffi::StatsList, LibvirtError> {
        let mask = self.cfg.groups.stats_mask();
        let conn = self.conn.as_ref().ok_or_else(|| LibvirtError {
            code: -1,
            message: "not connected".into(),
        })?;
        match conn.all_domain_stats(mask, STATS_NOWAIT) {
            Err(e) if e.code == ffi::ERR_INVALID_ARG => {
                // libvirt older than 4.5 has no NOWAIT flag.
                conn.all_domain_stats(mask, 0)
            }
            r => r,
        }
    }

    /// Collects everything once; see the module docs.
    pub fn poll(&mut self, deadline: Instant) -> Snapshot {
        let start = Instant::now();
        let mut snap = self.poll_inner(deadline);
        snap.reconnects = self.reconnects;
        snap.versions = self.versions.clone();
        snap.duration_seconds = start.elapsed().as_secs_f64();
        snap
    }

    fn poll_inner(&mut self, deadline: Instant) -> Snapshot {
        let mut snap = Snapshot::default();
        if !self.connect() {
            return snap;
        }
        let t0 = Instant::now();
        let list = match self.bulk_stats() {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(err = %e, "bulk domain stats failed");
                if !self.conn.as_ref().is_some_and(|c| c.is_alive()) {
                    self.conn = None;
                }
                return snap;
            }
        };
        snap.up = true;
        let t_bulk = t0.elapsed();
        let invalid: Vec<String> = self
            .invalid
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect();
        for uuid in invalid {
            self.meta.remove(&uuid);
        }

        let parsed: Vec<(DomRef<'_>, DomainStats)> = list
            .iter()
            .map(|r| (r.domain(), parse_record(r.params())))
            .collect();
        if self.fallback.is_none() {
            let active: Vec<&DomainStats> = parsed
                .iter()
                .map(|p| &p.1)
                .filter(|s| s.is_active())
                .collect();
            if !active.is_empty() {
                let seen = active.iter().fold(0, |m, s| m | s.groups);
                let fb = FALLBACK_GROUPS & !seen;
                if fb != 0 {
                    tracing::info!(
                        groups = fb,
                        "driver leaves stats groups out of the bulk call; using per-domain calls for them"
                    );
                }
                self.fallback = Some(fb);
            }
        }
        let fallback = self.fallback.unwrap_or(0);

        let old = std::mem::take(&mut self.last);
        let mut last = HashMap::with_capacity(parsed.len());
        let mut domains = Vec::with_capacity(parsed.len());
        for (dom, mut stats) in parsed {
            let uuid = dom.uuid();
            let name = dom.name();
            let id = dom.id();
            let prev = old.get(&uuid);
            let mut partial = false;

            let meta = match self.meta.get(&uuid) {
                Some(c) if c.id == id => Some(c.meta.clone()),
                _ => None,
            };
            let meta = match meta {
                Some(m) => m,
                None if Instant::now() < deadline => self.fetch_meta(dom, &uuid, id),
                None => {
                    partial = true;
                    Arc::new(DomainMeta::default())
                }
            };

            let late = Instant::now() >= deadline;
            let wanted = fallback & !stats.groups;
            if wanted != 0 {
                if late {
                    partial = true;
                } else {
                    crate::fallback::fill(dom, &meta, &mut stats, wanted);
                }
            }

            let mut job = None;
            if self.cfg.groups.jobs && self.jobs_supported && stats.is_active() {
                if late {
                    partial = true;
                    job = prev.and_then(|p| p.job.clone());
                } else {
                    job = self.job(dom);
                }
            }

            if let Some(p) = prev {
                if stats.is_active() && p.stats.is_active() {
                    let missing = p.stats.groups & !stats.groups;
                    let mut bit = 1u32;
                    while bit != 0 && bit <= missing {
                        if missing & bit != 0 {
                            stats.copy_group(&p.stats, bit);
                            partial = true;
                        }
                        bit <<= 1;
                    }
                }
            }
            stats.dedupe_devices();
            let stats = Arc::new(stats);
            last.insert(
                uuid.clone(),
                LastGood {
                    stats: stats.clone(),
                    job: job.clone(),
                },
            );
            domains.push(Domain {
                name,
                uuid,
                meta,
                stats,
                job,
                partial,
            });
        }
        drop(list);
        let t_domains = t0.elapsed();
        self.meta.retain(|k, _| last.contains_key(k));
        self.last = last;
        domains.sort_by(|a, b| a.name.cmp(&b.name));
        snap.domains = domains;

        if let Some(conn) = &self.conn {
            if self.cfg.groups.pools {
                snap.pools = Some(conn.storage_pools().map_err(|e| e.to_string()));
            }
            if self.cfg.groups.host {
                snap.host = Some(host(conn).map_err(|e| e.to_string()));
            }
        }
        tracing::debug!(
            domains = snap.domains.len(),
            bulk = ?t_bulk,
            per_domain = ?(t_domains - t_bulk),
            pools_host = ?(t0.elapsed() - t_domains),
            "collected"
        );
        snap
    }

    fn fetch_meta(&mut self, dom: DomRef<'_>, uuid: &str, id: Option<u32>) -> Arc<DomainMeta> {
        self.xml_fetches += 1;
        let mut meta = match dom.xml_desc() {
            Ok(xml) => parse_domain_xml(&xml),
            Err(e) => {
                tracing::debug!(err = %e, domain = uuid, "cannot read domain XML");
                return Arc::new(DomainMeta::default());
            }
        };
        meta.persistent = match dom.is_persistent() {
            Ok(p) => p.to_string(),
            Err(_) => String::new(),
        };
        meta.dedupe_devices();
        let meta = Arc::new(meta);
        self.meta.insert(
            uuid.to_string(),
            CachedMeta {
                id,
                meta: meta.clone(),
            },
        );
        meta
    }

    fn job(&mut self, dom: DomRef<'_>) -> Option<Job> {
        let mut job = Job::default();
        match dom.job_stats(|k, v| apply_job(&mut job, k, v)) {
            Ok(kind) => {
                job.kind = kind;
                Some(job)
            }
            Err(e) if e.code == ffi::ERR_NO_SUPPORT => {
                tracing::debug!(err = %e, "driver has no job stats; not asking again on this connection");
                self.jobs_supported = false;
                None
            }
            Err(e) => {
                tracing::debug!(err = %e, "job stats");
                None
            }
        }
    }
}

fn versions(conn: &Conn) -> Versions {
    let fmt = |r: Result<u64, LibvirtError>| r.map(ffi::format_version).unwrap_or_default();
    Versions {
        driver: conn.driver_type().unwrap_or_default(),
        hypervisor: fmt(conn.hypervisor_version()),
        daemon: fmt(conn.daemon_version()),
        library: fmt(ffi::library_version()),
    }
}

fn host(conn: &Conn) -> Result<Host, LibvirtError> {
    let n = conn.node_info()?;
    let cells_free = conn.cells_free_memory(n.nodes).unwrap_or_default();
    Ok(Host {
        cpus: n.cpus as u64,
        mhz: n.mhz as u64,
        memory_kib: n.memory_kib,
        cells_free,
        topology: [n.sockets, n.cores, n.threads, n.nodes],
        model: n.model,
    })
}
