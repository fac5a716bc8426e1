//! Judging a `/health`-style JSON body: the overall `status` and each
//! check, so a degraded dependency shows up per check.
//!
//! Accepted shapes: `{"status": "healthy", "checks": {"db": {"status":
//! "healthy"}, ...}}` (as the kit's `/health` answers), checks given as
//! plain strings (`{"db": "ok"}`), or as a list (`[{"name": "db", "status":
//! "ok"}]`).

use serde_json::Value;

use super::{Failure, Reason};

/// Checks kept per probe (names come from the target: bounded cardinality).
pub const MAX_CHECKS: usize = 64;
/// Longest check name kept.
pub const MAX_CHECK_NAME: usize = 128;

/// The result of judging one health body.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Checks to export: (name, 1 healthy / 0.5 degraded / 0 unhealthy or missing).
    pub checks: Vec<(String, f64)>,
    /// Why the probe fails, if it does.
    pub failure: Option<Failure>,
}

/// The value of a status word: 1 healthy, 0.5 degraded, 0 anything else.
pub fn score(status: &str) -> f64 {
    match status.to_ascii_lowercase().as_str() {
        "healthy" | "ok" | "pass" | "up" | "green" => 1.0,
        "degraded" | "warn" | "warning" | "yellow" => 0.5,
        _ => 0.0,
    }
}

fn status_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("status").and_then(Value::as_str),
        _ => None,
    }
}

fn clip(name: &str) -> String {
    let mut end = name.len().min(MAX_CHECK_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// Judges `body`. With `required` empty, the overall status and every
/// reported check must be healthy; otherwise each required check must be
/// present and healthy and the overall status must not be unhealthy.
pub fn judge(body: &[u8], required: &[String]) -> Verdict {
    let fail = |reason, msg: String| Verdict {
        checks: Vec::new(),
        failure: Some((reason, msg)),
    };
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return fail(Reason::Body, "health body is not JSON".into());
    };
    let Some(overall) = doc.get("status").and_then(Value::as_str) else {
        return fail(Reason::Body, "health body has no \"status\" string".into());
    };
    let mut reported: Vec<(String, f64)> = Vec::new();
    match doc.get("checks") {
        Some(Value::Object(map)) => {
            for (name, v) in map.iter().take(MAX_CHECKS) {
                reported.push((clip(name), status_of(v).map_or(0.0, score)));
            }
        }
        Some(Value::Array(list)) => {
            for v in list.iter().take(MAX_CHECKS) {
                if let Some(name) = v.get("name").and_then(Value::as_str) {
                    reported.push((clip(name), status_of(v).map_or(0.0, score)));
                }
            }
        }
        _ => {}
    }
    let overall_score = score(overall);
    let mut failure = None;
    let checks = if required.is_empty() {
        if overall_score < 1.0 {
            failure = Some((Reason::Check, format!("overall status is {overall:?}")));
        } else if let Some((n, _)) = reported.iter().find(|(_, s)| *s < 1.0) {
            failure = Some((Reason::Check, format!("check {n:?} is not healthy")));
        }
        reported
    } else {
        let mut out = Vec::with_capacity(required.len());
        for name in required {
            let s = reported.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
            if failure.is_none() {
                match s {
                    None => failure = Some((Reason::Check, format!("check {name:?} is missing"))),
                    Some(v) if v < 1.0 => {
                        failure = Some((Reason::Check, format!("check {name:?} is not healthy")))
                    }
                    _ => {}
                }
            }
            out.push((name.clone(), s.unwrap_or(0.0)));
        }
        if failure.is_none() && overall_score == 0.0 {
            failure = Some((Reason::Check, format!("overall status is {overall:?}")));
        }
        out
    };
    Verdict { checks, failure }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn all_checks_judged_when_none_named() {
        let body = br#"{"status":"degraded","checks":{"db":{"status":"healthy"},"cache":{"status":"degraded"}}}"#;
        let v = judge(body, &[]);
        assert_eq!(v.checks, vec![("cache".into(), 0.5), ("db".into(), 1.0)]);
        assert_eq!(v.failure.unwrap().0, Reason::Check);
        let ok = judge(
            br#"{"status":"ok","checks":[{"name":"db","status":"pass"}]}"#,
            &[],
        );
        assert_eq!(ok.checks, vec![("db".into(), 1.0)]);
        assert!(ok.failure.is_none());
    }

    #[test]
    fn named_checks_must_be_present_and_healthy() {
        let body = br#"{"status":"degraded","checks":{"db":"ok","cache":"degraded"}}"#;
        let v = judge(body, &names(&["db"]));
        assert_eq!(v.checks, vec![("db".into(), 1.0)]);
        assert!(
            v.failure.is_none(),
            "a degraded, unnamed check does not fail"
        );
        let v = judge(body, &names(&["db", "queue"]));
        assert_eq!(v.checks, vec![("db".into(), 1.0), ("queue".into(), 0.0)]);
        assert_eq!(v.failure.unwrap().1, "check \"queue\" is missing");
        let v = judge(
            br#"{"status":"unhealthy","checks":{"db":"ok"}}"#,
            &names(&["db"]),
        );
        assert_eq!(v.failure.unwrap().1, "overall status is \"unhealthy\"");
    }

    #[test]
    fn bad_bodies_fail_with_body() {
        for b in [&b"<html>"[..], b"{}", b"[1]", br#"{"status":1}"#] {
            assert_eq!(judge(b, &[]).failure.unwrap().0, Reason::Body, "{b:?}");
        }
    }

    #[test]
    fn hostile_check_lists_are_capped() {
        let many: Vec<String> = (0..500).map(|i| format!("\"c{i}\":\"ok\"")).collect();
        let body = format!("{{\"status\":\"ok\",\"checks\":{{{}}}}}", many.join(","));
        assert_eq!(judge(body.as_bytes(), &[]).checks.len(), MAX_CHECKS);
    }
}
