//! The two loopback endpoints and the transfers between them, over real TCP.
//!
//! Every connection starts with one kind byte:
//! - `1` raw: `u64 len`, then `len` bytes; the receiver answers `u64 len`.
//! - `2` delta: `u8 full`, `u64 image_len`, `u64 raw_len`, `u64 zstd_len`,
//!   then a zstd frame of `(u32 page, 4096 bytes)` records that the receiver
//!   writes into its copy of the image; it answers `u64 pages`.
//! - `3` control: 8-byte pings echoed until the sender closes.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::image::PAGE;

const RAW: u8 = 1;
const DELTA: u8 = 2;
const CONTROL: u8 = 3;
/// Largest image or frame an endpoint accepts (bounded memory).
const MAX_LEN: u64 = 16 << 30;
const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// A receiving endpoint on 127.0.0.1 holding its copy of the image.
pub struct Endpoint {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The receiver's image (the baseline for the next delta).
    pub image: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Starts listening on a free loopback port.
    pub fn start() -> io::Result<Endpoint> {
        let l = TcpListener::bind("127.0.0.1:0")?;
        let addr = l.local_addr()?;
        l.set_nonblocking(true)?;
        let image = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (img, s) = (image.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("loadgen-endpoint".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    match l.accept() {
                        Ok((conn, _)) => {
                            let img = img.clone();
                            std::thread::spawn(move || {
                                if let Err(e) = serve(conn, &img) {
                                    tracing::debug!(err = %e, "endpoint connection failed");
                                }
                            });
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        Err(e) => {
                            tracing::warn!(err = %e, "accept failed");
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                }
            })?;
        Ok(Endpoint {
            addr,
            image,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn bad(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn serve(mut c: TcpStream, image: &Mutex<Vec<u8>>) -> io::Result<()> {
    c.set_nonblocking(false)?;
    c.set_read_timeout(Some(IO_TIMEOUT))?;
    c.set_nodelay(true)?;
    let mut kind = [0u8; 1];
    c.read_exact(&mut kind)?;
    match kind[0] {
        RAW => {
            let len = read_u64(&mut c)?;
            if len > MAX_LEN {
                return Err(bad(format!("raw image of {len} bytes is too large")));
            }
            let mut buf = vec![0u8; len as usize];
            c.read_exact(&mut buf)?;
            c.write_all(&len.to_le_bytes())?;
        }
        DELTA => {
            let mut full = [0u8; 1];
            c.read_exact(&mut full)?;
            let image_len = read_u64(&mut c)?;
            let raw_len = read_u64(&mut c)?;
            let zlen = read_u64(&mut c)?;
            if image_len > MAX_LEN || raw_len > MAX_LEN || zlen > MAX_LEN {
                return Err(bad("delta frame too large".into()));
            }
            let mut z = vec![0u8; zlen as usize];
            c.read_exact(&mut z)?;
            let raw = zstd::bulk::decompress(&z, raw_len as usize)?;
            let mut pages = 0u64;
            {
                let mut img = image.lock().unwrap_or_else(|e| e.into_inner());
                if img.len() != image_len as usize {
                    if full[0] == 0 {
                        return Err(bad("delta against a missing baseline".into()));
                    }
                    img.clear();
                    img.resize(image_len as usize, 0);
                }
                for rec in raw.chunks(4 + PAGE) {
                    if rec.len() != 4 + PAGE {
                        return Err(bad("truncated page record".into()));
                    }
                    let p = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]) as usize;
                    let dst = img
                        .get_mut(p * PAGE..(p + 1) * PAGE)
                        .ok_or_else(|| bad(format!("page {p} out of range")))?;
                    dst.copy_from_slice(&rec[4..]);
                    pages += 1;
                }
            }
            c.write_all(&pages.to_le_bytes())?;
        }
        CONTROL => {
            let mut b = [0u8; 8];
            loop {
                match c.read_exact(&mut b) {
                    Ok(()) => c.write_all(&b)?,
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => return Err(e),
                }
            }
        }
        k => return Err(bad(format!("unknown connection kind {k}"))),
    }
    Ok(())
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let c = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    c.set_read_timeout(Some(IO_TIMEOUT))?;
    c.set_write_timeout(Some(IO_TIMEOUT))?;
    c.set_nodelay(true)?;
    Ok(c)
}

/// What one stream moved, as measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamStats {
    /// Bytes written, headers included.
    pub sent: u64,
    /// Bytes read (the acknowledgement).
    pub received: u64,
    /// From connect to acknowledgement.
    pub latency: Duration,
    /// Page bytes before compression (delta streams).
    pub original: u64,
    /// Bytes after compression (delta streams).
    pub compressed: u64,
    /// Time spent compressing (delta streams).
    pub encode: Duration,
}

/// Writes `data` at no more than `rate` bytes/s (unlimited when `None`),
/// emulating a WAN link on loopback.
fn paced_write(c: &mut TcpStream, data: &[u8], rate: Option<f64>) -> io::Result<()> {
    let Some(rate) = rate else {
        return c.write_all(data);
    };
    let start = Instant::now();
    let mut sent = 0usize;
    for chunk in data.chunks(64 * 1024) {
        c.write_all(chunk)?;
        sent += chunk.len();
        let due = Duration::from_secs_f64(sent as f64 / rate);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    Ok(())
}

/// Sends `data` raw on one stream (at most `rate` bytes/s); returns the measured stream.
pub fn send_raw(addr: SocketAddr, data: &[u8], rate: Option<f64>) -> io::Result<StreamStats> {
    let start = Instant::now();
    let mut c = connect(addr)?;
    c.write_all(&[RAW])?;
    c.write_all(&(data.len() as u64).to_le_bytes())?;
    paced_write(&mut c, data, rate)?;
    let ack = read_u64(&mut c)?;
    if ack != data.len() as u64 {
        return Err(bad(format!("receiver got {ack} of {} bytes", data.len())));
    }
    Ok(StreamStats {
        sent: 9 + data.len() as u64,
        received: 8,
        latency: start.elapsed(),
        ..Default::default()
    })
}

/// Sends the pages `pages` of `image` on one stream as a zstd-compressed
/// delta (`full` when the receiver has no baseline), at most `rate` bytes/s.
pub fn send_delta(
    addr: SocketAddr,
    image: &[u8],
    pages: &[u32],
    full: bool,
    level: i32,
    rate: Option<f64>,
) -> io::Result<StreamStats> {
    let start = Instant::now();
    let mut c = connect(addr)?;
    let enc = Instant::now();
    let mut raw = Vec::with_capacity(pages.len() * (4 + PAGE));
    for &p in pages {
        raw.extend_from_slice(&p.to_le_bytes());
        let p = p as usize;
        raw.extend_from_slice(&image[p * PAGE..(p + 1) * PAGE]);
    }
    let z = zstd::bulk::compress(&raw, level)?;
    let encode = enc.elapsed();
    let mut head = Vec::with_capacity(26);
    head.push(DELTA);
    head.push(full as u8);
    head.extend_from_slice(&(image.len() as u64).to_le_bytes());
    head.extend_from_slice(&(raw.len() as u64).to_le_bytes());
    head.extend_from_slice(&(z.len() as u64).to_le_bytes());
    c.write_all(&head)?;
    paced_write(&mut c, &z, rate)?;
    let applied = read_u64(&mut c)?;
    if applied != pages.len() as u64 {
        return Err(bad(format!(
            "receiver applied {applied} of {} pages",
            pages.len()
        )));
    }
    Ok(StreamStats {
        sent: (head.len() + z.len()) as u64,
        received: 8,
        latency: start.elapsed(),
        original: raw.len() as u64,
        compressed: z.len() as u64,
        encode,
    })
}

/// A long-lived control stream (kept open for the whole run).
pub struct Control(TcpStream);

impl Control {
    /// Opens it.
    pub fn open(addr: SocketAddr) -> io::Result<Control> {
        let mut c = connect(addr)?;
        c.write_all(&[CONTROL])?;
        Ok(Control(c))
    }

    /// One ping round trip; returns its measured latency.
    pub fn ping(&mut self) -> io::Result<Duration> {
        let start = Instant::now();
        let v = start.elapsed().as_nanos() as u64 ^ 0x5a5a;
        self.0.write_all(&v.to_le_bytes())?;
        let back = read_u64(&mut self.0)?;
        if back != v {
            return Err(bad("control echo mismatch".into()));
        }
        Ok(start.elapsed())
    }
}
