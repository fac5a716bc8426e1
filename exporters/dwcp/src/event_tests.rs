use super::*;

fn ok(line: &str) -> Event<'_> {
    parse_line(line).unwrap().unwrap()
}

fn bad(line: &str) -> (Reason, String) {
    let e = parse_line(line).unwrap_err();
    (e.reason, e.message)
}

#[test]
fn every_event_parses_and_prints_back() {
    let lines = EXAMPLES;
    for l in lines {
        assert_eq!(ok(l).to_string(), l);
    }
}

#[test]
fn fields_in_any_order_and_defaults() {
    assert_eq!(
        ok("stream_data received=2 sent=1"),
        Event::StreamData {
            sent: 1,
            received: 2
        }
    );
    assert_eq!(
        ok("  stream_error kind=reset\r"),
        Event::StreamError {
            kind: "reset",
            count: 1
        }
    );
    assert_eq!(
        ok("feature_enabled feature=x enabled=true"),
        Event::FeatureEnabled {
            feature: "x",
            enabled: true
        }
    );
    assert_eq!(parse_line(""), Ok(None));
    assert_eq!(parse_line("# a comment"), Ok(None));
}

#[test]
fn errors_say_what_is_wrong() {
    let cases: &[(&str, Reason, &str)] = &[
        (
            "stream_dat sent=1",
            Reason::UnknownEvent,
            "unknown event `stream_dat` (expected one of: stream_start, stream_data, stream_error, stream_end, stream_latency, bandwidth_utilization, compression_complete, baseline_update, migration_complete, migration_speedup, federation_sync, component_health, feature_enabled, info)",
        ),
        (
            "stream_data sent=1",
            Reason::MissingField,
            "stream_data: missing field `received`",
        ),
        (
            "stream_data sent=1 received=2 extra=3",
            Reason::UnknownField,
            "stream_data: unknown field `extra` (fields: sent, received)",
        ),
        (
            "stream_start now",
            Reason::UnknownField,
            "stream_start: expected key=value, got `now`",
        ),
        (
            "stream_data sent=1 sent=2 received=0",
            Reason::UnknownField,
            "stream_data: field `sent` given twice",
        ),
        (
            "stream_data sent=-1 received=0",
            Reason::InvalidValue,
            "stream_data: `sent=-1`: expected a non-negative integer",
        ),
        (
            "stream_latency seconds=NaN",
            Reason::InvalidValue,
            "stream_latency: `seconds=NaN`: expected a finite number of seconds >= 0",
        ),
        (
            "bandwidth_utilization ratio=1.5",
            Reason::InvalidValue,
            "bandwidth_utilization: `ratio=1.5`: expected a number from 0 to 1",
        ),
        (
            "component_health component=a\"b healthy=1",
            Reason::InvalidValue,
            "component_health: `component=a\"b`: expected 1-128 characters of A-Z a-z 0-9 _ . : / -",
        ),
        (
            "component_health component=a healthy=yes",
            Reason::InvalidValue,
            "component_health: `healthy=yes`: expected 1, 0, true or false",
        ),
        (
            "migration_complete mode=fast vm_size=l result=success seconds=1",
            Reason::InvalidValue,
            "migration_complete: `mode=fast`: expected dwcp or standard",
        ),
        (
            "migration_speedup vm_size=l factor=0",
            Reason::InvalidValue,
            "migration_speedup: `factor=0`: expected a finite number > 0",
        ),
    ];
    for (line, reason, msg) in cases {
        assert_eq!(bad(line), (*reason, msg.to_string()), "{line}");
    }
    let long = format!("info version={}", "v".repeat(MAX_LINE));
    assert_eq!(
        bad(&long),
        (
            Reason::LineTooLong,
            format!("line of {} bytes exceeds the limit of 1024", long.len())
        )
    );
    let label = format!("info version={}", "v".repeat(MAX_LABEL + 1));
    assert_eq!(bad(&label).0, Reason::InvalidValue);
}
