//! `sla/sla-exporter.yml`: the SLA exporter's probe modules and targets, in
//! the shared contract's schema.

use crate::emit::yaml::Y;
use crate::sla::Sla;

/// The SLA exporter configuration document.
pub fn config(s: &Sla) -> Y {
    let mut doc = Y::map();
    if s.interval.is_some() || s.timeout.is_some() {
        let mut d = Y::map();
        if let Some(i) = s.interval {
            d.put("interval", Y::s(i.to_string()));
        }
        if let Some(t) = s.timeout {
            d.put("timeout", Y::s(t.to_string()));
        }
        doc.put("defaults", d);
    }
    let mut modules = Y::map();
    let mut sorted: Vec<_> = s.modules.iter().collect();
    sorted.sort_by(|a, b| a.name.val.cmp(&b.name.val));
    for m in sorted {
        let mut y = Y::map().with("prober", Y::s(&m.prober));
        if let Some(h) = &m.http {
            let mut hy = Y::map();
            if let Some(v) = &h.method {
                hy.put("method", Y::s(v));
            }
            if !h.headers.is_empty() {
                hy.put("headers", Y::str_map(h.headers.iter()));
            }
            if let Some(b) = &h.body {
                hy.put("body", Y::s(b));
            }
            if !h.valid_status_codes.is_empty() {
                hy.put(
                    "valid_status_codes",
                    Y::Seq(
                        h.valid_status_codes
                            .iter()
                            .map(|c| Y::Int(*c as i64))
                            .collect(),
                    ),
                );
            }
            if !h.fail_if_body_matches_regexp.is_empty() {
                hy.put(
                    "fail_if_body_matches_regexp",
                    Y::strs(h.fail_if_body_matches_regexp.clone()),
                );
            }
            if !h.fail_if_body_not_matches_regexp.is_empty() {
                hy.put(
                    "fail_if_body_not_matches_regexp",
                    Y::strs(h.fail_if_body_not_matches_regexp.clone()),
                );
            }
            if let Some(f) = h.follow_redirects {
                hy.put("follow_redirects", Y::Bool(f));
            }
            if let Some(t) = &h.tls {
                let mut ty = Y::map();
                if let Some(v) = t.insecure_skip_verify {
                    ty.put("insecure_skip_verify", Y::Bool(v));
                }
                for (k, v) in [
                    ("ca_file", &t.ca_file),
                    ("cert_file", &t.cert_file),
                    ("key_file", &t.key_file),
                ] {
                    if let Some(v) = v {
                        ty.put(k, Y::s(v));
                    }
                }
                hy.put("tls", ty);
            }
            y.put("http", hy);
        }
        if m.prober == "tcp" && (m.tcp_send.is_some() || m.tcp_expect.is_some()) {
            let mut t = Y::map();
            if let Some(v) = &m.tcp_send {
                t.put("send", Y::s(v));
            }
            if let Some(v) = &m.tcp_expect {
                t.put("expect", Y::s(v));
            }
            y.put("tcp", t);
        }
        if let Some(c) = &m.health_checks {
            y.put("health", Y::map().with("checks", Y::strs(c.clone())));
        }
        modules.put(&m.name.val, y);
    }
    doc.put("modules", modules);
    let targets = s
        .targets
        .iter()
        .map(|t| {
            let mut y = Y::map()
                .with("name", Y::s(&t.name.val))
                .with("target", Y::s(&t.target.val))
                .with("module", Y::s(&t.module.val));
            if let Some(i) = t.interval {
                y.put("interval", Y::s(i.to_string()));
            }
            if let Some(i) = t.timeout {
                y.put("timeout", Y::s(i.to_string()));
            }
            if !t.labels.is_empty() {
                y.put("labels", Y::str_map(t.labels.iter()));
            }
            if !t.buckets.is_empty() {
                y.put(
                    "buckets",
                    Y::Seq(t.buckets.iter().map(|b| Y::Float(*b)).collect()),
                );
            }
            y
        })
        .collect();
    doc.put("targets", Y::Seq(targets));
    doc
}
