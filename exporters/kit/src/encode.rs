//! Exposition-format writers: Prometheus text 0.0.4 and OpenMetrics 1.0.0.
//!
//! A [`MetricWriter`] appends to a caller-owned, reused buffer; numbers are
//! written with `itoa`/`ryu`, so a scrape in steady state allocates nothing.

use metric_defs::{MetricDef, MetricType};

/// The exposition format a scrape asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.0 text.
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// Picks the format from an `Accept` header: OpenMetrics when the client
    /// lists `application/openmetrics-text` with a non-zero quality.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let om = |m: &str| m.eq_ignore_ascii_case("application/openmetrics-text");
        if accept.is_some_and(|a| header_accepts(a, om)) {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

/// Whether a comma-separated `Accept`-style header lists a value for which
/// `matches` holds without `q=0` (used for `Accept` and `Accept-Encoding`).
pub(crate) fn header_accepts(header: &str, matches: impl Fn(&str) -> bool) -> bool {
    header.split(',').any(|part| {
        let mut params = part.split(';');
        let value = params.next().unwrap_or("").trim();
        let zero_q = params.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().ok() == Some(0.0))
        });
        matches(value) && !zero_q
    })
}

/// Appends metric families to a byte buffer in one exposition format.
#[derive(Debug)]
pub struct MetricWriter {
    buf: Vec<u8>,
    format: Format,
}

impl MetricWriter {
    /// A writer that appends to `buf` (cleared first) in `format`.
    pub fn new(format: Format, mut buf: Vec<u8>) -> Self {
        buf.clear();
        MetricWriter { buf, format }
    }

    /// The format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Drops everything written after `len` (used to discard the output of a
    /// failed collector).
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// Writes the OpenMetrics `# EOF` terminator (no-op for text format).
    pub fn finish(&mut self) {
        if self.format == Format::OpenMetrics {
            self.buf.extend_from_slice(b"# EOF\n");
        }
    }

    /// The buffer, to send or to reuse.
    pub fn into_inner(self) -> Vec<u8> {
        self.buf
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Starts a metric family. Its `# HELP`/`# TYPE` header is written with
    /// the first sample, so a family without samples leaves no trace.
    pub fn family<'w>(&'w mut self, def: &'w MetricDef) -> FamilyWriter<'w> {
        FamilyWriter {
            w: self,
            def,
            header_written: false,
        }
    }

    fn write_header(&mut self, def: &MetricDef) {
        let family = match (self.format, def.kind) {
            (Format::OpenMetrics, MetricType::Counter) => {
                def.name.strip_suffix("_total").unwrap_or(def.name)
            }
            _ => def.name,
        };
        let b = &mut self.buf;
        b.extend_from_slice(b"# HELP ");
        b.extend_from_slice(family.as_bytes());
        b.push(b' ');
        escape_help(b, def.help, self.format == Format::OpenMetrics);
        b.extend_from_slice(b"\n# TYPE ");
        b.extend_from_slice(family.as_bytes());
        b.push(b' ');
        b.extend_from_slice(def.kind.as_str().as_bytes());
        b.push(b'\n');
        // UNIT only on counters and gauges: strict parsers (openmetrics-parser)
        // refuse it on histograms, and the unit is in the name anyway.
        if self.format == Format::OpenMetrics && def.kind != MetricType::Histogram {
            if let Some(unit) = def.unit.openmetrics() {
                if family.strip_suffix(unit).is_some_and(|s| s.ends_with('_')) {
                    b.extend_from_slice(b"# UNIT ");
                    b.extend_from_slice(family.as_bytes());
                    b.push(b' ');
                    b.extend_from_slice(unit.as_bytes());
                    b.push(b'\n');
                }
            }
        }
    }
}

/// Writes the samples of one family; see [`MetricWriter::family`].
pub struct FamilyWriter<'w> {
    w: &'w mut MetricWriter,
    def: &'w MetricDef,
    header_written: bool,
}

impl FamilyWriter<'_> {
    fn header(&mut self) {
        if !self.header_written {
            self.w.write_header(self.def);
            self.header_written = true;
        }
    }

    /// Writes one counter or gauge sample with a float value. `values` are
    /// the label values, in the order of the definition's label names.
    pub fn sample(&mut self, values: &[&str], value: f64) {
        self.header();
        let b = &mut self.w.buf;
        b.extend_from_slice(self.def.name.as_bytes());
        write_labels(b, self.def.labels, values, None);
        b.push(b' ');
        write_f64(b, value);
        b.push(b'\n');
    }

    /// Writes one counter or gauge sample with an integer value.
    pub fn sample_u64(&mut self, values: &[&str], value: u64) {
        self.header();
        let b = &mut self.w.buf;
        b.extend_from_slice(self.def.name.as_bytes());
        write_labels(b, self.def.labels, values, None);
        b.push(b' ');
        write_u64(b, value);
        b.push(b'\n');
    }

    /// Writes one histogram: `cumulative[i]` observations were `<= bounds[i]`;
    /// `count` is the total (the `+Inf` bucket) and `sum` their sum.
    pub fn histogram(
        &mut self,
        values: &[&str],
        bounds: &[f64],
        cumulative: &[u64],
        count: u64,
        sum: f64,
    ) {
        self.header();
        let b = &mut self.w.buf;
        let name = self.def.name.as_bytes();
        for (bound, n) in bounds.iter().zip(cumulative) {
            b.extend_from_slice(name);
            b.extend_from_slice(b"_bucket");
            write_labels(b, self.def.labels, values, Some(*bound));
            b.push(b' ');
            write_u64(b, *n);
            b.push(b'\n');
        }
        b.extend_from_slice(name);
        b.extend_from_slice(b"_bucket");
        write_labels(b, self.def.labels, values, Some(f64::INFINITY));
        b.push(b' ');
        write_u64(b, count);
        b.push(b'\n');
        self.sum_count(
            |b| write_labels(b, self.def.labels, values, None),
            count,
            sum,
        );
    }

    /// Writes a counter/gauge sample whose labels were rendered ahead of time
    /// by [`render_labels`] (`a="x",b="y"`, no braces).
    pub fn sample_prerendered_u64(&mut self, labels: &[u8], value: u64) {
        self.header();
        let b = &mut self.w.buf;
        b.extend_from_slice(self.def.name.as_bytes());
        braces(b, labels);
        b.push(b' ');
        write_u64(b, value);
        b.push(b'\n');
    }

    /// As [`Self::sample_prerendered_u64`] with a float value.
    pub fn sample_prerendered(&mut self, labels: &[u8], value: f64) {
        self.header();
        let b = &mut self.w.buf;
        b.extend_from_slice(self.def.name.as_bytes());
        braces(b, labels);
        b.push(b' ');
        write_f64(b, value);
        b.push(b'\n');
    }

    /// A histogram whose labels were pre-rendered; `le_labels[i]` is the
    /// pre-rendered end of bucket `i`'s label set (see [`render_le`]), and
    /// `per_bucket[i]` the non-cumulative count of bucket `i`, with one more
    /// entry for the `+Inf` overflow bucket.
    pub fn histogram_prerendered(
        &mut self,
        labels: &[u8],
        le_labels: &[Box<[u8]>],
        per_bucket: impl Iterator<Item = u64>,
        sum: f64,
    ) {
        self.header();
        let b = &mut self.w.buf;
        // `name_bucket{labels,` is the same on every bucket line: write it
        // once, then copy it from the buffer (one copy instead of four).
        let start = b.len();
        b.extend_from_slice(self.def.name.as_bytes());
        b.extend_from_slice(b"_bucket{");
        if !labels.is_empty() {
            b.extend_from_slice(labels);
            b.push(b',');
        }
        let prefix = start..b.len();
        let mut cumulative = 0u64;
        let mut les = le_labels.iter();
        for (i, n) in per_bucket.enumerate() {
            cumulative += n;
            if i > 0 {
                put_within(b, prefix.clone());
            }
            match les.next() {
                Some(le) => put(b, le),
                None => put(b, b"le=\"+Inf\"} "),
            }
            write_u64(b, cumulative);
            b.push(b'\n');
        }
        self.sum_count(|b| braces(b, labels), cumulative, sum);
    }

    fn sum_count(&mut self, labels: impl Fn(&mut Vec<u8>), count: u64, sum: f64) {
        let b = &mut self.w.buf;
        let name = self.def.name.as_bytes();
        b.extend_from_slice(name);
        b.extend_from_slice(b"_sum");
        labels(b);
        b.push(b' ');
        write_f64(b, sum);
        b.push(b'\n');
        b.extend_from_slice(name);
        b.extend_from_slice(b"_count");
        labels(b);
        b.push(b' ');
        write_u64(b, count);
        b.push(b'\n');
    }
}

/// Appends `s`. Short slices (8 to 64 bytes: label-set ends, line
/// prefixes) are copied with a few unaligned word moves instead of a call
/// to `memcpy`, which dominates when a scrape writes tens of thousands of
/// them.
#[inline(always)]
fn put(b: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    if !(8..=64).contains(&n) {
        b.extend_from_slice(s);
        return;
    }
    b.reserve(n);
    let len = b.len();
    // SAFETY: `n` bytes of capacity are reserved after `len`; every read is
    // within `s` (n >= 8), every write within the reserved tail, and `s`
    // cannot overlap the uninitialised tail of `b`.
    unsafe {
        copy_short(s.as_ptr(), b.as_mut_ptr().add(len), n);
        b.set_len(len + n);
    }
}

/// Appends a copy of `b[range]` to `b`, like `extend_from_within`.
#[inline(always)]
fn put_within(b: &mut Vec<u8>, range: std::ops::Range<usize>) {
    let n = range.len();
    if !(8..=64).contains(&n) {
        b.extend_from_within(range);
        return;
    }
    b.reserve(n);
    let len = b.len();
    // SAFETY: as in `put`; the source range lies before `len`, so it does
    // not overlap the destination.
    unsafe {
        let base = b.as_mut_ptr();
        copy_short(base.add(range.start), base.add(len), n);
        b.set_len(len + n);
    }
}

/// Copies `n` (8..=64) bytes with overlapping unaligned 8- or 16-byte moves.
///
/// # Safety
/// `src` must be readable and `dst` writable for `n` bytes; they must not overlap.
#[inline(always)]
unsafe fn copy_short(src: *const u8, dst: *mut u8, n: usize) {
    use std::ptr::{read_unaligned as rd, write_unaligned as wr};
    if n < 16 {
        wr(dst.cast::<u64>(), rd(src.cast::<u64>()));
        wr(
            dst.add(n - 8).cast::<u64>(),
            rd(src.add(n - 8).cast::<u64>()),
        );
        return;
    }
    let mut i = 0;
    while i + 16 < n {
        wr(dst.add(i).cast::<u128>(), rd(src.add(i).cast::<u128>()));
        i += 16;
    }
    wr(
        dst.add(n - 16).cast::<u128>(),
        rd(src.add(n - 16).cast::<u128>()),
    );
}

fn braces(b: &mut Vec<u8>, labels: &[u8]) {
    if !labels.is_empty() {
        b.push(b'{');
        b.extend_from_slice(labels);
        b.push(b'}');
    }
}

/// Renders `name="value",...` (no braces) with values escaped, for series
/// whose labels are fixed when the series is created.
pub fn render_labels(names: &[&str], values: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (n, v)) in names.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_label_value(&mut out, v);
        out.push(b'"');
    }
    out
}

/// Renders the end of a bucket line's label set, `le="<bound>"} `, for
/// [`FamilyWriter::histogram_prerendered`].
pub fn render_le(bound: f64) -> Box<[u8]> {
    let mut out = b"le=\"".to_vec();
    write_le(&mut out, bound);
    out.extend_from_slice(b"\"} ");
    out.into_boxed_slice()
}

fn write_labels(b: &mut Vec<u8>, names: &[&str], values: &[&str], le: Option<f64>) {
    debug_assert_eq!(
        names.len(),
        values.len(),
        "label values do not match the definition"
    );
    if names.is_empty() && le.is_none() {
        return;
    }
    b.push(b'{');
    let mut first = true;
    for (n, v) in names.iter().zip(values) {
        if !first {
            b.push(b',');
        }
        first = false;
        b.extend_from_slice(n.as_bytes());
        b.extend_from_slice(b"=\"");
        escape_label_value(b, v);
        b.push(b'"');
    }
    if let Some(bound) = le {
        if !first {
            b.push(b',');
        }
        b.extend_from_slice(b"le=\"");
        write_le(b, bound);
        b.push(b'"');
    }
    b.push(b'}');
}

fn write_le(b: &mut Vec<u8>, bound: f64) {
    if bound == f64::INFINITY {
        b.extend_from_slice(b"+Inf");
    } else {
        // Canonical float form ("1.0", "0.25") as OpenMetrics expects; the
        // text format accepts it too.
        let mut r = ryu::Buffer::new();
        b.extend_from_slice(r.format(bound).as_bytes());
    }
}

/// Escapes a label value: backslash, double quote and newline.
pub fn escape_label_value(b: &mut Vec<u8>, v: &str) {
    for &c in v.as_bytes() {
        match c {
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'"' => b.extend_from_slice(b"\\\""),
            b'\n' => b.extend_from_slice(b"\\n"),
            _ => b.push(c),
        }
    }
}

fn escape_help(b: &mut Vec<u8>, v: &str, quote: bool) {
    for &c in v.as_bytes() {
        match c {
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'\n' => b.extend_from_slice(b"\\n"),
            b'"' if quote => b.extend_from_slice(b"\\\""),
            _ => b.push(c),
        }
    }
}

/// Writes an unsigned integer sample value.
pub fn write_u64(b: &mut Vec<u8>, v: u64) {
    // Digits go straight into the buffer's spare capacity, right to left:
    // no intermediate buffer and no `memcpy` call for a few bytes.
    let digits = if v == 0 { 1 } else { v.ilog10() as usize + 1 };
    b.reserve(digits);
    let len = b.len();
    let spare = &mut b.spare_capacity_mut()[..digits];
    let mut n = v;
    for slot in spare.iter_mut().rev() {
        slot.write(b'0' + (n % 10) as u8);
        n /= 10;
    }
    // SAFETY: the `digits` bytes after `len` were just initialised.
    unsafe { b.set_len(len + digits) };
}

/// Writes a float sample value: integers without a fraction, `NaN`,
/// `+Inf`/`-Inf`, otherwise the shortest round-tripping form.
pub fn write_f64(b: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        b.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        b.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        let mut i = itoa::Buffer::new();
        b.extend_from_slice(i.format(v as i64).as_bytes());
    } else {
        let mut r = ryu::Buffer::new();
        b.extend_from_slice(r.format(v).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metric_defs::Unit;

    const C: MetricDef =
        MetricDef::counter("x_sent_bytes_total", "Sent \"x\"\\n.", &["a"], Unit::Bytes);
    const H: MetricDef = MetricDef::histogram(
        "x_latency_seconds",
        "Lat.",
        &["a"],
        Unit::Seconds,
        &[0.1, 1.0],
    );

    fn render(format: Format, f: impl Fn(&mut MetricWriter)) -> String {
        let mut w = MetricWriter::new(format, Vec::new());
        f(&mut w);
        w.finish();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn text_counter_escapes() {
        let out = render(Format::Text, |w| w.family(&C).sample_u64(&["q\"\\\nz"], 7));
        assert_eq!(
            out,
            "# HELP x_sent_bytes_total Sent \"x\"\\\\n.\n# TYPE x_sent_bytes_total counter\n\
             x_sent_bytes_total{a=\"q\\\"\\\\\\nz\"} 7\n"
        );
    }

    #[test]
    fn openmetrics_counter_family_unit_and_eof() {
        let out = render(Format::OpenMetrics, |w| w.family(&C).sample(&["v"], 1.5));
        assert_eq!(
            out,
            "# HELP x_sent_bytes Sent \\\"x\\\"\\\\n.\n# TYPE x_sent_bytes counter\n\
             # UNIT x_sent_bytes bytes\nx_sent_bytes_total{a=\"v\"} 1.5\n# EOF\n"
        );
    }

    #[test]
    fn histogram_both_paths_agree() {
        let direct = render(Format::Text, |w| {
            w.family(&H)
                .histogram(&["v"], &[0.1, 1.0], &[1, 3], 4, 5.25)
        });
        let labels = render_labels(&["a"], &["v"]);
        let les: Vec<_> = [0.1, 1.0].iter().map(|b| render_le(*b)).collect();
        let pre = render(Format::Text, |w| {
            w.family(&H)
                .histogram_prerendered(&labels, &les, [1, 2, 1].into_iter(), 5.25)
        });
        assert_eq!(direct, pre);
        assert!(direct.contains("x_latency_seconds_bucket{a=\"v\",le=\"1.0\"} 3\n"));
        assert!(direct.contains("x_latency_seconds_bucket{a=\"v\",le=\"+Inf\"} 4\n"));
        assert!(direct.ends_with(
            "x_latency_seconds_sum{a=\"v\"} 5.25\nx_latency_seconds_count{a=\"v\"} 4\n"
        ));
    }

    #[test]
    fn empty_family_writes_nothing() {
        assert_eq!(
            render(Format::Text, |w| {
                w.family(&C);
            }),
            ""
        );
    }

    #[test]
    fn floats() {
        let mut b = Vec::new();
        for v in [
            0.0,
            3.0,
            -2.0,
            0.25,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
        ] {
            write_f64(&mut b, v);
            b.push(b' ');
        }
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "0 3 -2 0.25 NaN +Inf -Inf 1e300 "
        );
    }

    #[test]
    fn short_copies_are_exact() {
        let src: Vec<u8> = (0..100u8).collect();
        for n in 0..=80 {
            let mut b = b"head".to_vec();
            put(&mut b, &src[..n]);
            assert_eq!(&b[..4], b"head");
            assert_eq!(&b[4..], &src[..n], "put {n}");
            let mut c = src.clone();
            put_within(&mut c, 3..3 + n);
            assert_eq!(&c[..100], &src[..]);
            assert_eq!(&c[100..], &src[3..3 + n], "put_within {n}");
        }
    }

    #[test]
    fn integers_match_std_formatting() {
        let mut cases = vec![0u64, 1, 9, 10, 11, 99, 100, 12_345, u64::MAX, u64::MAX - 1];
        cases.extend((0..20).map(|e| 10u64.pow(e)));
        cases.extend((1..20).map(|e| 10u64.pow(e) - 1));
        for v in cases {
            let mut b = b"x".to_vec();
            write_u64(&mut b, v);
            assert_eq!(b, format!("x{v}").into_bytes());
        }
    }

    #[test]
    fn header_lists_respect_zero_quality() {
        let gzip = |c: &str| c.eq_ignore_ascii_case("gzip") || c == "*";
        assert!(header_accepts("deflate, GZIP;q=0.5", gzip));
        assert!(header_accepts("*", gzip));
        assert!(!header_accepts("gzip;q=0, identity", gzip));
        assert!(!header_accepts("identity", gzip));
    }

    #[test]
    fn negotiation() {
        assert_eq!(Format::negotiate(None), Format::Text);
        assert_eq!(Format::negotiate(Some("text/plain")), Format::Text);
        assert_eq!(
            Format::negotiate(Some(
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
            )),
            Format::OpenMetrics
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=0, text/plain")),
            Format::Text
        );
    }
}
