//! A logfmt event formatter: `ts=... level=info msg="..." key=value`.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Formats events as logfmt lines, as Prometheus's own tools log.
pub struct Logfmt;

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.bytes()
            .any(|b| b <= b' ' || b == b'=' || b == b'"' || b >= 0x7f)
}

fn push_value(out: &mut String, v: &str) {
    if needs_quotes(v) {
        out.push('"');
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// UTC calendar date and time of a Unix timestamp (days-from-civil inverse).
fn civil(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3_600, rem % 3_600 / 60, rem % 60)
}

struct Fields(String);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        let name = if field.name() == "message" {
            "msg"
        } else {
            field.name()
        };
        self.0.push(' ');
        self.0.push_str(name);
        self.0.push('=');
        push_value(&mut self.0, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        self.record_str(field, &s);
    }
}

impl<S, N> FormatEvent<S, N> for Logfmt
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let meta = event.metadata();
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let (y, mo, d, h, mi, sec) = civil(now.as_secs());
        writeln!(
            w,
            "ts={y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{:03}Z level={} target={}{}",
            now.subsec_millis(),
            meta.level().as_str().to_ascii_lowercase(),
            meta.target(),
            fields.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(951_782_400), (2000, 2, 29, 0, 0, 0));
        assert_eq!(civil(1_795_268_096), (2026, 11, 21, 13, 34, 56));
    }

    #[test]
    fn quoting() {
        let mut s = String::new();
        push_value(&mut s, "plain");
        s.push(' ');
        push_value(&mut s, "two words \"q\"");
        s.push(' ');
        push_value(&mut s, "");
        assert_eq!(s, r#"plain "two words \"q\"" """#);
    }
}
