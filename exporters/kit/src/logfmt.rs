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
        writeln!(
            w,
            "ts={}.{:03} level={} target={}{}",
            now.as_secs(),
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
