//! UDP and unix-datagram receivers: each datagram holds one or more event
//! lines, applied line by line (bad lines are counted and skipped).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::ingest::{Ingest, Transport};

/// Largest datagram read; longer ones are truncated by the kernel and their
/// last line is then rejected as malformed or too long.
pub const MAX_DATAGRAM: usize = 65_536;
/// How often a receiver checks whether it should stop.
const POLL: Duration = Duration::from_millis(200);
/// Socket receive buffer requested, so bursts are not lost.
const RECV_BUFFER: usize = 8 << 20;

/// A running receiver thread; stops when dropped.
pub struct Receiver {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    unlink: Option<PathBuf>,
}

impl Receiver {
    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(p) = self.unlink.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Binds a UDP socket on `addr` (`host:port`, or `:port` for all interfaces)
/// and applies what arrives; returns the bound address.
pub fn udp(addr: &str, ingest: Arc<Ingest>) -> io::Result<(SocketAddr, Receiver)> {
    // `:9470` means every interface, as for --web.listen-address.
    let full = match addr.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => addr.to_string(),
    };
    let sa: SocketAddr = full
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("{addr}: {e}")))?;
    let sock = socket2::Socket::new(
        socket2::Domain::for_address(sa),
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    let _ = sock.set_recv_buffer_size(RECV_BUFFER);
    sock.bind(&sa.into())?;
    let sock: UdpSocket = sock.into();
    sock.set_read_timeout(Some(POLL))?;
    let local = sock.local_addr()?;
    let receiver = spawn(Transport::Udp, ingest, move |buf| sock.recv(buf), None)?;
    Ok((local, receiver))
}

/// Binds a unix datagram socket at `path` (replacing a stale socket file)
/// and applies what arrives. The file is removed when the receiver stops.
pub fn unix(path: &Path, ingest: Arc<Ingest>) -> io::Result<Receiver> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_socket() {
            std::fs::remove_file(path)?;
        } else {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a socket", path.display()),
            ));
        }
    }
    let sock = UnixDatagram::bind(path)?;
    let _ = socket2::SockRef::from(&sock).set_recv_buffer_size(RECV_BUFFER);
    sock.set_read_timeout(Some(POLL))?;
    spawn(
        Transport::Unix,
        ingest,
        move |buf| sock.recv(buf),
        Some(path.to_path_buf()),
    )
}

/// Runs `recv` on a thread, applying each datagram, until stopped.
fn spawn(
    transport: Transport,
    ingest: Arc<Ingest>,
    mut recv: impl FnMut(&mut [u8]) -> io::Result<usize> + Send + 'static,
    unlink: Option<PathBuf>,
) -> io::Result<Receiver> {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let thread = std::thread::Builder::new()
        .name(format!("ingest-{}", transport.as_str()))
        .spawn(move || {
            let mut buf = vec![0u8; MAX_DATAGRAM];
            while !s.load(Ordering::Relaxed) {
                match recv(&mut buf) {
                    Ok(n) => {
                        ingest.ingest_datagram(&buf[..n], transport);
                    }
                    Err(e) if is_timeout(&e) => {}
                    Err(e) => {
                        tracing::warn!(transport = transport.as_str(), err = %e, "receive failed");
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
            }
        })?;
    Ok(Receiver {
        stop,
        thread: Some(thread),
        unlink,
    })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}
