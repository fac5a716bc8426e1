//! A thin, safe layer over the parts of libvirt's C API the exporter uses
//! (through `virt-sys`). All `unsafe` code of the crate lives here.
//!
//! Ownership rules kept here: every list libvirt allocates is freed with the
//! matching libvirt call (`virDomainStatsRecordListFree` for bulk stats,
//! `virTypedParamsFree` for job stats, `free` for strings), and borrowed
//! domain handles never outlive the list that owns them.

use std::ffi::{CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::ptr;
use std::sync::Once;

use virt_sys as sys;

/// libvirt's `VIR_ERR_NO_SUPPORT`: the driver does not implement the call.
pub const ERR_NO_SUPPORT: i32 = 3;
/// libvirt's `VIR_ERR_INVALID_ARG`.
pub const ERR_INVALID_ARG: i32 = 8;

/// An error reported by libvirt: its error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibvirtError {
    /// libvirt's `virErrorNumber`.
    pub code: i32,
    /// libvirt's message, prefixed with the call that failed.
    pub message: String,
}

impl fmt::Display for LibvirtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LibvirtError {}

/// Takes libvirt's last error of this thread (and resets it).
fn last_error(call: &str) -> LibvirtError {
    // SAFETY: virGetLastError returns a thread-local error or null; its
    // message is a NUL-terminated string owned by libvirt until reset.
    unsafe {
        let e = sys::virGetLastError();
        let err = if e.is_null() {
            LibvirtError {
                code: -1,
                message: format!("{call}: unknown libvirt error"),
            }
        } else {
            let msg = if (*e).message.is_null() {
                "unknown libvirt error".into()
            } else {
                CStr::from_ptr((*e).message).to_string_lossy().into_owned()
            };
            LibvirtError {
                code: (*e).code,
                message: format!("{call}: {msg}"),
            }
        };
        sys::virResetLastError();
        err
    }
}

/// Converts a NUL-terminated string that libvirt allocated, and frees it.
///
/// # Safety
/// `p` must be null or a `malloc`ed NUL-terminated string we now own.
unsafe fn take_string(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    libc::free(p as *mut c_void);
    Some(s)
}

/// Converts a NUL-terminated string that libvirt keeps ownership of.
///
/// # Safety
/// `p` must be null or point to a valid NUL-terminated string.
unsafe fn borrowed_string(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

extern "C" fn ignore_error(_data: *mut c_void, _err: sys::virErrorPtr) {}

static INIT: Once = Once::new();

/// Prepares libvirt for the process, once: silences libvirt's default
/// printing of errors to stderr (errors are returned and logged instead),
/// registers libvirt's default event loop and runs it on a dedicated thread
/// (keepalive and domain events need it). Call before opening connections.
pub fn init() {
    INIT.call_once(|| {
        // SAFETY: plain libvirt calls with valid arguments.
        unsafe {
            sys::virSetErrorFunc(ptr::null_mut(), Some(ignore_error));
            if sys::virEventRegisterDefaultImpl() < 0 {
                tracing::warn!(err = %last_error("virEventRegisterDefaultImpl"), "no libvirt event loop: keepalive and cache invalidation by events are off");
                return;
            }
        }
        let spawned = std::thread::Builder::new()
            .name("libvirt-events".into())
            .spawn(|| loop {
                // SAFETY: the default implementation was registered above.
                if unsafe { sys::virEventRunDefaultImpl() } < 0 {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(err = %e, "cannot start the libvirt event thread");
        }
    });
}

/// Version of the libvirt client library this process runs with
/// (`major * 1_000_000 + minor * 1000 + release`).
pub fn library_version() -> Result<u64, LibvirtError> {
    let mut v: std::os::raw::c_ulong = 0;
    // SAFETY: valid out pointer; a null type asks for the library only.
    let r = unsafe { sys::virGetVersion(&mut v, ptr::null(), ptr::null_mut()) };
    if r < 0 {
        return Err(last_error("virGetVersion"));
    }
    Ok(v as u64)
}

/// Formats a libvirt version number as `major.minor.release`.
pub fn format_version(v: u64) -> String {
    format!("{}.{}.{}", v / 1_000_000, (v / 1000) % 1000, v % 1000)
}

/// One value of a libvirt typed parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// `VIR_TYPED_PARAM_INT` or `LLONG`.
    Int(i64),
    /// `VIR_TYPED_PARAM_UINT` or `ULLONG`.
    UInt(u64),
    /// `VIR_TYPED_PARAM_DOUBLE`.
    Double(f64),
    /// `VIR_TYPED_PARAM_BOOLEAN`.
    Bool(bool),
    /// `VIR_TYPED_PARAM_STRING`.
    Str(&'a str),
}

impl Value<'_> {
    /// The value as an unsigned integer, if it is a non-negative number.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::UInt(v) => Some(v),
            Value::Int(v) => u64::try_from(v).ok(),
            Value::Double(v) if v >= 0.0 && v.is_finite() => Some(v as u64),
            Value::Bool(b) => Some(b as u64),
            _ => None,
        }
    }

    /// The value as a signed integer, if it is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(v) => Some(v),
            Value::UInt(v) => i64::try_from(v).ok(),
            Value::Bool(b) => Some(b as i64),
            _ => None,
        }
    }

    /// The value as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Int(v) => Some(v as f64),
            Value::UInt(v) => Some(v as f64),
            Value::Double(v) => Some(v),
            Value::Bool(b) => Some(b as u8 as f64),
            Value::Str(_) => None,
        }
    }
}

/// Decodes one typed parameter; `None` for unknown types or non-UTF-8 names.
///
/// # Safety
/// `p` must be a valid typed parameter (string values NUL-terminated).
unsafe fn typed_param(p: &sys::virTypedParameter) -> Option<(&str, Value<'_>)> {
    let field = &*(&p.field as *const [c_char; 80] as *const [u8; 80]);
    let name = CStr::from_bytes_until_nul(field).ok()?.to_str().ok()?;
    let v = match p.type_ as c_uint {
        sys::VIR_TYPED_PARAM_INT => Value::Int(p.value.i as i64),
        sys::VIR_TYPED_PARAM_UINT => Value::UInt(p.value.ui as u64),
        sys::VIR_TYPED_PARAM_LLONG => Value::Int(p.value.l),
        sys::VIR_TYPED_PARAM_ULLONG => Value::UInt(p.value.ul),
        sys::VIR_TYPED_PARAM_DOUBLE => Value::Double(p.value.d),
        sys::VIR_TYPED_PARAM_BOOLEAN => Value::Bool(p.value.b != 0),
        sys::VIR_TYPED_PARAM_STRING => {
            if p.value.s.is_null() {
                return None;
            }
            Value::Str(CStr::from_ptr(p.value.s).to_str().ok()?)
        }
        _ => return None,
    };
    Some((name, v))
}

/// Host facts from `virNodeGetInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// Host memory in KiB.
    pub memory_kib: u64,
    /// Active CPUs.
    pub cpus: u32,
    /// Expected CPU frequency in MHz.
    pub mhz: u32,
    /// NUMA cells.
    pub nodes: u32,
    /// CPU sockets per NUMA cell.
    pub sockets: u32,
    /// Cores per socket.
    pub cores: u32,
    /// Threads per core.
    pub threads: u32,
    /// CPU model.
    pub model: String,
}

/// One storage pool from `virStoragePoolGetInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// Pool name.
    pub name: String,
    /// `virStoragePoolState` code.
    pub state: u32,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Allocation in bytes.
    pub allocation: u64,
    /// Available bytes.
    pub available: u64,
    /// Number of volumes (only for active pools).
    pub volumes: Option<u64>,
}

/// An open libvirt connection. Closed on drop.
pub struct Conn {
    ptr: sys::virConnectPtr,
    callbacks: Vec<c_int>,
}

// SAFETY: libvirt connections may be used from any thread (libvirt locks
// internally); the exporter uses each from one thread at a time anyway.
unsafe impl Send for Conn {}

impl Conn {
    /// Opens a read-only connection to `uri`.
    pub fn open_read_only(uri: &str) -> Result<Conn, LibvirtError> {
        let c = CString::new(uri).map_err(|_| LibvirtError {
            code: ERR_INVALID_ARG,
            message: format!("libvirt URI {uri:?} contains a NUL byte"),
        })?;
        // SAFETY: valid NUL-terminated URI.
        let ptr = unsafe { sys::virConnectOpenReadOnly(c.as_ptr()) };
        if ptr.is_null() {
            return Err(last_error(&format!("cannot connect to {uri}")));
        }
        Ok(Conn {
            ptr,
            callbacks: Vec::new(),
        })
    }

    /// Turns on keepalive (a probe every `interval` seconds, dead after
    /// `count` missed answers). `Ok(false)` when the driver has none
    /// (e.g. local `test:///`).
    pub fn set_keepalive(&self, interval: i32, count: u32) -> Result<bool, LibvirtError> {
        // SAFETY: valid connection.
        let r = unsafe { sys::virConnectSetKeepAlive(self.ptr, interval, count) };
        match r {
            0 => Ok(true),
            1 => Ok(false),
            _ => {
                let e = last_error("virConnectSetKeepAlive");
                if e.code == ERR_NO_SUPPORT {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// Whether the connection is still usable.
    pub fn is_alive(&self) -> bool {
        // SAFETY: valid connection.
        let r = unsafe { sys::virConnectIsAlive(self.ptr) };
        if r < 0 {
            let _ = last_error("virConnectIsAlive");
        }
        r == 1
    }

    /// The hypervisor driver's name (`QEMU`, `TEST`, ...).
    pub fn driver_type(&self) -> Result<String, LibvirtError> {
        // SAFETY: the returned string is static in libvirt.
        unsafe { borrowed_string(sys::virConnectGetType(self.ptr)) }
            .ok_or_else(|| last_error("virConnectGetType"))
    }

    /// Hypervisor version (0 when the driver does not know it).
    pub fn hypervisor_version(&self) -> Result<u64, LibvirtError> {
        let mut v: std::os::raw::c_ulong = 0;
        // SAFETY: valid connection and out pointer.
        if unsafe { sys::virConnectGetVersion(self.ptr, &mut v) } < 0 {
            return Err(last_error("virConnectGetVersion"));
        }
        Ok(v as u64)
    }

    /// Version of the libvirt daemon (or library, for local drivers).
    pub fn daemon_version(&self) -> Result<u64, LibvirtError> {
        let mut v: std::os::raw::c_ulong = 0;
        // SAFETY: valid connection and out pointer.
        if unsafe { sys::virConnectGetLibVersion(self.ptr, &mut v) } < 0 {
            return Err(last_error("virConnectGetLibVersion"));
        }
        Ok(v as u64)
    }

    /// Host CPUs and memory.
    pub fn node_info(&self) -> Result<NodeInfo, LibvirtError> {
        // SAFETY: zeroed plain-data struct as out parameter.
        unsafe {
            let mut info: sys::virNodeInfo = std::mem::zeroed();
            if sys::virNodeGetInfo(self.ptr, &mut info) < 0 {
                return Err(last_error("virNodeGetInfo"));
            }
            let model = &*(&info.model as *const [c_char; 32] as *const [u8; 32]);
            Ok(NodeInfo {
                memory_kib: info.memory as u64,
                cpus: info.cpus,
                mhz: info.mhz,
                nodes: info.nodes,
                sockets: info.sockets,
                cores: info.cores,
                threads: info.threads,
                model: CStr::from_bytes_until_nul(model)
                    .map(|c| c.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            })
        }
    }

    /// Free memory in bytes of NUMA cells `0..cells` (at most 1024).
    pub fn cells_free_memory(&self, cells: u32) -> Result<Vec<u64>, LibvirtError> {
        let n = cells.clamp(1, 1024) as usize;
        let mut buf = vec![0u64; n];
        // SAFETY: buf has room for n values.
        let r = unsafe {
            sys::virNodeGetCellsFreeMemory(
                self.ptr,
                buf.as_mut_ptr() as *mut std::os::raw::c_ulonglong,
                0,
                n as c_int,
            )
        };
        if r < 0 {
            return Err(last_error("virNodeGetCellsFreeMemory"));
        }
        buf.truncate(r as usize);
        Ok(buf)
    }

    /// All storage pools with their sizes.
    pub fn storage_pools(&self) -> Result<Vec<PoolInfo>, LibvirtError> {
        let mut list: *mut sys::virStoragePoolPtr = ptr::null_mut();
        // SAFETY: libvirt allocates the list; we free each pool and the list.
        unsafe {
            let n = sys::virConnectListAllStoragePools(self.ptr, &mut list, 0);
            if n < 0 {
                return Err(last_error("virConnectListAllStoragePools"));
            }
            let mut out = Vec::with_capacity(n as usize);
            let mut err = None;
            for i in 0..n as usize {
                let p = *list.add(i);
                if err.is_none() {
                    let mut info: sys::virStoragePoolInfo = std::mem::zeroed();
                    if sys::virStoragePoolGetInfo(p, &mut info) < 0 {
                        err = Some(last_error("virStoragePoolGetInfo"));
                    } else {
                        let name =
                            borrowed_string(sys::virStoragePoolGetName(p)).unwrap_or_default();
                        let volumes = if info.state == sys::VIR_STORAGE_POOL_RUNNING as c_int {
                            let v = sys::virStoragePoolNumOfVolumes(p);
                            if v < 0 {
                                let _ = last_error("virStoragePoolNumOfVolumes");
                                None
                            } else {
                                Some(v as u64)
                            }
                        } else {
                            None
                        };
                        out.push(PoolInfo {
                            name,
                            state: info.state as u32,
                            capacity: info.capacity,
                            allocation: info.allocation,
                            available: info.available,
                            volumes,
                        });
                    }
                }
                sys::virStoragePoolFree(p);
            }
            libc::free(list as *mut c_void);
            match err {
                Some(e) => Err(e),
                None => Ok(out),
            }
        }
    }

    /// Stats of all domains in one `virConnectGetAllDomainStats` call.
    /// `stats` is a mask of `VIR_DOMAIN_STATS_*` groups.
    pub fn all_domain_stats(&self, stats: u32, flags: u32) -> Result<StatsList, LibvirtError> {
        let mut records: *mut sys::virDomainStatsRecordPtr = ptr::null_mut();
        // SAFETY: libvirt allocates a NULL-terminated record list that
        // StatsList frees with virDomainStatsRecordListFree.
        let n = unsafe { sys::virConnectGetAllDomainStats(self.ptr, stats, &mut records, flags) };
        if n < 0 {
            return Err(last_error("virConnectGetAllDomainStats"));
        }
        Ok(StatsList {
            ptr: records,
            len: n as usize,
        })
    }

    /// Registers domain events that mean a domain's XML may have changed;
    /// `on_change(uuid)` runs on the event thread.
    pub fn watch_domain_changes(
        &mut self,
        on_change: std::sync::Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Result<(), LibvirtError> {
        for (id, cb) in [
            (
                sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                lifecycle_cb as *const (),
            ),
            (
                sys::VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                device_cb as *const (),
            ),
            (
                sys::VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                device_cb as *const (),
            ),
            (
                sys::VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                metadata_cb as *const (),
            ),
        ] {
            let opaque = Box::into_raw(Box::new(on_change.clone())) as *mut c_void;
            // SAFETY: each callback has the exact C signature libvirt uses
            // for its event id (VIR_DOMAIN_EVENT_CALLBACK casts them the same
            // way in C); libvirt frees `opaque` through free_opaque.
            let r = unsafe {
                let generic: sys::virConnectDomainEventGenericCallback =
                    Some(std::mem::transmute::<*const (), GenericCb>(cb));
                sys::virConnectDomainEventRegisterAny(
                    self.ptr,
                    ptr::null_mut(),
                    id as c_int,
                    generic,
                    opaque,
                    Some(free_opaque),
                )
            };
            if r < 0 {
                // SAFETY: libvirt did not take the opaque pointer.
                drop(unsafe { Box::from_raw(opaque as *mut ChangeFn) });
                return Err(last_error("virConnectDomainEventRegisterAny"));
            }
            self.callbacks.push(r);
        }
        Ok(())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // SAFETY: valid connection, closed once; errors are only logged.
        unsafe {
            for id in self.callbacks.drain(..) {
                if sys::virConnectDomainEventDeregisterAny(self.ptr, id) < 0 {
                    let _ = last_error("virConnectDomainEventDeregisterAny");
                }
            }
            if sys::virConnectClose(self.ptr) < 0 {
                tracing::debug!(err = %last_error("virConnectClose"), "closing libvirt connection");
            }
        }
    }
}

type ChangeFn = std::sync::Arc<dyn Fn(&str) + Send + Sync>;
type GenericCb = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);

unsafe fn notify(dom: sys::virDomainPtr, opaque: *mut c_void) {
    if dom.is_null() || opaque.is_null() {
        return;
    }
    let f = &*(opaque as *const ChangeFn);
    let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    if sys::virDomainGetUUIDString(dom, buf.as_mut_ptr()) == 0 {
        if let Ok(s) = CStr::from_ptr(buf.as_ptr()).to_str() {
            f(s);
        }
    }
}

unsafe extern "C" fn lifecycle_cb(
    _c: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) {
    notify(dom, opaque);
}

unsafe extern "C" fn device_cb(
    _c: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _alias: *const c_char,
    opaque: *mut c_void,
) {
    notify(dom, opaque);
}

unsafe extern "C" fn metadata_cb(
    _c: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _kind: c_int,
    _nsuri: *const c_char,
    opaque: *mut c_void,
) {
    notify(dom, opaque);
}

unsafe extern "C" fn free_opaque(opaque: *mut c_void) {
    if !opaque.is_null() {
        drop(Box::from_raw(opaque as *mut ChangeFn));
    }
}

/// The records of one bulk stats call; freed with
/// `virDomainStatsRecordListFree` on drop (records and their domains).
pub struct StatsList {
    ptr: *mut sys::virDomainStatsRecordPtr,
    len: usize,
}

impl StatsList {
    /// Number of records (domains).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The records, in libvirt's order.
    pub fn iter(&self) -> impl Iterator<Item = Record<'_>> + '_ {
        (0..self.len).filter_map(move |i| {
            // SAFETY: i < len entries of a list libvirt allocated.
            let rec = unsafe { *self.ptr.add(i) };
            if rec.is_null() {
                return None;
            }
            // SAFETY: the record stays valid while the list lives.
            let (dom, params, n) = unsafe { ((*rec).dom, (*rec).params, (*rec).nparams) };
            if dom.is_null() {
                return None;
            }
            let params: &[sys::virTypedParameter] = if params.is_null() || n <= 0 {
                &[]
            } else {
                // SAFETY: libvirt guarantees nparams entries.
                unsafe { std::slice::from_raw_parts(params, n as usize) }
            };
            Some(Record {
                dom: DomRef {
                    ptr: dom,
                    _list: PhantomData,
                },
                params,
            })
        })
    }
}

impl Drop for StatsList {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the list came from virConnectGetAllDomainStats.
            unsafe { sys::virDomainStatsRecordListFree(self.ptr) };
        }
    }
}

/// One domain's record of a bulk stats call.
pub struct Record<'a> {
    dom: DomRef<'a>,
    params: &'a [sys::virTypedParameter],
}

impl<'a> Record<'a> {
    /// The domain this record is about.
    pub fn domain(&self) -> DomRef<'a> {
        self.dom
    }

    /// The record's typed parameters (`state.state`, `cpu.time`, ...).
    pub fn params(&self) -> impl Iterator<Item = (&'a str, Value<'a>)> + 'a {
        let params = self.params;
        // SAFETY: parameters of a live record.
        params.iter().filter_map(|p| unsafe { typed_param(p) })
    }
}

/// A domain handle borrowed from a [`StatsList`].
#[derive(Clone, Copy)]
pub struct DomRef<'a> {
    ptr: sys::virDomainPtr,
    _list: PhantomData<&'a StatsList>,
}

/// Basic facts from `virDomainGetInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainInfo {
    /// `virDomainState` code.
    pub state: i32,
    /// Maximum memory in KiB.
    pub max_mem_kib: u64,
    /// Current memory in KiB.
    pub memory_kib: u64,
    /// Number of virtual CPUs.
    pub vcpus: u32,
    /// CPU time in nanoseconds.
    pub cpu_time_ns: u64,
}

/// Counters from `virDomainBlockStats` (-1 in libvirt becomes `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockStats {
    /// Read requests.
    pub rd_req: Option<u64>,
    /// Bytes read.
    pub rd_bytes: Option<u64>,
    /// Write requests.
    pub wr_req: Option<u64>,
    /// Bytes written.
    pub wr_bytes: Option<u64>,
    /// Errors.
    pub errs: Option<u64>,
}

/// Counters from `virDomainInterfaceStats` (-1 becomes `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IfaceStats {
    /// Received bytes, packets, errors, drops.
    pub rx: [Option<u64>; 4],
    /// Transmitted bytes, packets, errors, drops.
    pub tx: [Option<u64>; 4],
}

/// One virtual CPU from `virDomainGetVcpus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VcpuInfo {
    /// vCPU number.
    pub number: u32,
    /// `virVcpuState` code.
    pub state: i32,
    /// CPU time in nanoseconds.
    pub cpu_time_ns: u64,
}

fn opt(v: i64) -> Option<u64> {
    u64::try_from(v).ok()
}

impl DomRef<'_> {
    /// Domain name (local, no RPC).
    pub fn name(&self) -> String {
        // SAFETY: valid domain; the name is owned by the handle.
        unsafe { borrowed_string(sys::virDomainGetName(self.ptr)) }.unwrap_or_default()
    }

    /// Domain UUID as a string (local, no RPC).
    pub fn uuid(&self) -> String {
        let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
        // SAFETY: buffer of VIR_UUID_STRING_BUFLEN bytes.
        unsafe {
            if sys::virDomainGetUUIDString(self.ptr, buf.as_mut_ptr()) < 0 {
                let _ = last_error("virDomainGetUUIDString");
                return String::new();
            }
            CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned()
        }
    }

    /// Hypervisor id of a running domain (local, no RPC).
    pub fn id(&self) -> Option<u32> {
        // SAFETY: valid domain.
        let id = unsafe { sys::virDomainGetID(self.ptr) };
        (id != u32::MAX).then_some(id)
    }

    /// The domain's XML description.
    pub fn xml_desc(&self) -> Result<String, LibvirtError> {
        // SAFETY: libvirt returns a malloc'ed string we own.
        unsafe { take_string(sys::virDomainGetXMLDesc(self.ptr, 0)) }
            .ok_or_else(|| last_error("virDomainGetXMLDesc"))
    }

    /// Whether the domain has a persistent definition.
    pub fn is_persistent(&self) -> Result<bool, LibvirtError> {
        // SAFETY: valid domain.
        match unsafe { sys::virDomainIsPersistent(self.ptr) } {
            r if r < 0 => Err(last_error("virDomainIsPersistent")),
            r => Ok(r == 1),
        }
    }

    /// State, memory, vCPUs and CPU time.
    pub fn info(&self) -> Result<DomainInfo, LibvirtError> {
        // SAFETY: zeroed plain-data struct as out parameter.
        unsafe {
            let mut i: sys::virDomainInfo = std::mem::zeroed();
            if sys::virDomainGetInfo(self.ptr, &mut i) < 0 {
                return Err(last_error("virDomainGetInfo"));
            }
            Ok(DomainInfo {
                state: i.state as i32,
                max_mem_kib: i.maxMem as u64,
                memory_kib: i.memory as u64,
                vcpus: i.nrVirtCpu as u32,
                cpu_time_ns: i.cpuTime,
            })
        }
    }

    /// Block counters of the disk `dev` (target name or source path).
    pub fn block_stats(&self, dev: &str) -> Result<BlockStats, LibvirtError> {
        let c = CString::new(dev).map_err(|_| nul_error(dev))?;
        // SAFETY: zeroed plain-data struct of the size we pass.
        unsafe {
            let mut s: sys::virDomainBlockStatsStruct = std::mem::zeroed();
            if sys::virDomainBlockStats(
                self.ptr,
                c.as_ptr(),
                &mut s,
                std::mem::size_of::<sys::virDomainBlockStatsStruct>(),
            ) < 0
            {
                return Err(last_error("virDomainBlockStats"));
            }
            Ok(BlockStats {
                rd_req: opt(s.rd_req),
                rd_bytes: opt(s.rd_bytes),
                wr_req: opt(s.wr_req),
                wr_bytes: opt(s.wr_bytes),
                errs: opt(s.errs),
            })
        }
    }

    /// Capacity, allocation and physical size of the disk `dev`.
    pub fn block_info(&self, dev: &str) -> Result<(u64, u64, u64), LibvirtError> {
        let c = CString::new(dev).map_err(|_| nul_error(dev))?;
        // SAFETY: zeroed plain-data struct as out parameter.
        unsafe {
            let mut i: sys::virDomainBlockInfo = std::mem::zeroed();
            if sys::virDomainGetBlockInfo(self.ptr, c.as_ptr(), &mut i, 0) < 0 {
                return Err(last_error("virDomainGetBlockInfo"));
            }
            Ok((i.capacity, i.allocation, i.physical))
        }
    }

    /// Counters of the interface `dev` (target name or MAC address).
    pub fn interface_stats(&self, dev: &str) -> Result<IfaceStats, LibvirtError> {
        let c = CString::new(dev).map_err(|_| nul_error(dev))?;
        // SAFETY: zeroed plain-data struct of the size we pass.
        unsafe {
            let mut s: sys::virDomainInterfaceStatsStruct = std::mem::zeroed();
            if sys::virDomainInterfaceStats(
                self.ptr,
                c.as_ptr(),
                &mut s,
                std::mem::size_of::<sys::virDomainInterfaceStatsStruct>(),
            ) < 0
            {
                return Err(last_error("virDomainInterfaceStats"));
            }
            Ok(IfaceStats {
                rx: [
                    opt(s.rx_bytes),
                    opt(s.rx_packets),
                    opt(s.rx_errs),
                    opt(s.rx_drop),
                ],
                tx: [
                    opt(s.tx_bytes),
                    opt(s.tx_packets),
                    opt(s.tx_errs),
                    opt(s.tx_drop),
                ],
            })
        }
    }

    /// Balloon statistics as `(tag, value)` (`VIR_DOMAIN_MEMORY_STAT_*`).
    pub fn memory_stats(&self) -> Result<Vec<(i32, u64)>, LibvirtError> {
        const N: usize = sys::VIR_DOMAIN_MEMORY_STAT_NR as usize;
        // SAFETY: array of N plain-data structs.
        unsafe {
            let mut s: [sys::virDomainMemoryStatStruct; N] = std::mem::zeroed();
            let n = sys::virDomainMemoryStats(self.ptr, s.as_mut_ptr(), N as c_uint, 0);
            if n < 0 {
                return Err(last_error("virDomainMemoryStats"));
            }
            Ok(s[..(n as usize).min(N)]
                .iter()
                .map(|m| (m.tag, m.val))
                .collect())
        }
    }

    /// Per-vCPU state and time of a running domain (at most `max` vCPUs).
    pub fn vcpus(&self, max: u32) -> Result<Vec<VcpuInfo>, LibvirtError> {
        let n = max.clamp(1, 4096) as usize;
        // SAFETY: array of n plain-data structs; no CPU maps requested.
        unsafe {
            let mut v: Vec<sys::virVcpuInfo> = vec![std::mem::zeroed(); n];
            let r =
                sys::virDomainGetVcpus(self.ptr, v.as_mut_ptr(), n as c_int, ptr::null_mut(), 0);
            if r < 0 {
                return Err(last_error("virDomainGetVcpus"));
            }
            Ok(v[..(r as usize).min(n)]
                .iter()
                .map(|i| VcpuInfo {
                    number: i.number,
                    state: i.state,
                    cpu_time_ns: i.cpuTime,
                })
                .collect())
        }
    }

    /// Stats of the domain's current job: calls `each(key, value)` for
    /// every parameter and returns the `virDomainJobType`.
    pub fn job_stats(&self, mut each: impl FnMut(&str, Value<'_>)) -> Result<i32, LibvirtError> {
        let mut kind: c_int = 0;
        let mut params: sys::virTypedParameterPtr = ptr::null_mut();
        let mut n: c_int = 0;
        // SAFETY: libvirt allocates params; freed with virTypedParamsFree.
        unsafe {
            if sys::virDomainGetJobStats(self.ptr, &mut kind, &mut params, &mut n, 0) < 0 {
                return Err(last_error("virDomainGetJobStats"));
            }
            if !params.is_null() && n > 0 {
                for p in std::slice::from_raw_parts(params, n as usize) {
                    if let Some((k, v)) = typed_param(p) {
                        each(k, v);
                    }
                }
            }
            sys::virTypedParamsFree(params, n);
        }
        Ok(kind)
    }
}

fn nul_error(dev: &str) -> LibvirtError {
    LibvirtError {
        code: ERR_INVALID_ARG,
        message: format!("device name {dev:?} contains a NUL byte"),
    }
}
