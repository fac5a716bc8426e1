//! A synthetic VM memory image made of 4 KiB pages (zero pages, compressible
//! text-like pages and random pages), dirtied between migrations, and the
//! page-level delta against a baseline.

/// Page size of the image.
pub const PAGE: usize = 4096;

/// A small, fast PRNG (xorshift64*), seeded for reproducible images.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Fills one page: 30% zero, 45% text-like (compressible), 25% random.
fn fill_page(page: &mut [u8], rng: &mut Rng) {
    match rng.below(100) {
        0..=29 => page.fill(0),
        30..=74 => {
            const WORDS: [&[u8]; 8] = [
                b"kernel ",
                b"page ",
                b"0000 ",
                b"cache ",
                b"vm ",
                b"dwcp ",
                b"\x00\x00\x00\x00",
                b"ffff ",
            ];
            let mut i = 0;
            while i < page.len() {
                let w = WORDS[rng.below(8) as usize];
                let n = w.len().min(page.len() - i);
                page[i..i + n].copy_from_slice(&w[..n]);
                i += n;
            }
        }
        _ => {
            for c in page.chunks_mut(8) {
                let v = rng.next_u64().to_le_bytes();
                c.copy_from_slice(&v[..c.len()]);
            }
        }
    }
}

/// A new image of `pages` pages.
pub fn generate(pages: usize, rng: &mut Rng) -> Vec<u8> {
    let mut img = vec![0u8; pages * PAGE];
    for p in img.chunks_mut(PAGE) {
        fill_page(p, rng);
    }
    img
}

/// Rewrites about `fraction` of the pages (as a running VM would); returns
/// how many pages were rewritten.
pub fn dirty(img: &mut [u8], fraction: f64, rng: &mut Rng) -> usize {
    let pages = img.len() / PAGE;
    let n = ((pages as f64) * fraction.clamp(0.0, 1.0)).round() as usize;
    for _ in 0..n {
        let p = rng.below(pages as u64) as usize;
        fill_page(&mut img[p * PAGE..(p + 1) * PAGE], rng);
    }
    n
}

/// Indices of the pages of `img` that differ from `baseline` (all pages
/// when there is no baseline of the same size).
pub fn changed_pages(img: &[u8], baseline: Option<&[u8]>) -> Vec<u32> {
    let pages = img.len() / PAGE;
    match baseline {
        Some(b) if b.len() == img.len() => (0..pages)
            .filter(|&p| img[p * PAGE..(p + 1) * PAGE] != b[p * PAGE..(p + 1) * PAGE])
            .map(|p| p as u32)
            .collect(),
        _ => (0..pages as u32).collect(),
    }
}

/// A 64-bit FNV-1a style digest over 8-byte words, to verify transfers.
pub fn digest(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = data.chunks_exact(8);
    for c in &mut words {
        h ^= u64::from_le_bytes(c.try_into().unwrap_or_default());
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    for &b in words.remainder() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_finds_exactly_the_rewritten_pages() {
        let mut rng = Rng::new(7);
        let base = generate(64, &mut rng);
        let mut img = base.clone();
        assert_eq!(changed_pages(&img, Some(&base)), Vec::<u32>::new());
        img[5 * PAGE + 10] ^= 1;
        img[40 * PAGE] ^= 1;
        assert_eq!(changed_pages(&img, Some(&base)), vec![5, 40]);
        assert_eq!(changed_pages(&img, None).len(), 64);
        assert_ne!(digest(&img), digest(&base));
    }
}
