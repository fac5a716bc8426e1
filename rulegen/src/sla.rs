//! The `sla:` section: probe modules and targets of `sla-exporter`, decoded and
//! checked against the shared contract (see `configs/sla/sla-exporter.yml`).

use std::collections::{BTreeMap, BTreeSet};

use crate::decode::{self, Dur, MapReader, Sp};
use crate::diag::{closest, did_you_mean, Diagnostic, Diags};
use crate::node::{Node, Val};

/// Probe kinds the SLA exporter has.
pub const PROBERS: &[&str] = &["http", "tcp", "health"];
/// Labels a target may set.
pub const TARGET_LABELS: &[&str] = &["service", "component", "tier"];

/// TLS settings of an HTTP module.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tls {
    /// Skip certificate verification.
    pub insecure_skip_verify: Option<bool>,
    /// CA bundle file.
    pub ca_file: Option<String>,
    /// Client certificate file.
    pub cert_file: Option<String>,
    /// Client key file.
    pub key_file: Option<String>,
}

/// HTTP (and health) probe settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpModule {
    /// Request method.
    pub method: Option<String>,
    /// Request headers.
    pub headers: BTreeMap<String, String>,
    /// Request body.
    pub body: Option<String>,
    /// Accepted status codes (empty: any 2xx).
    pub valid_status_codes: Vec<u64>,
    /// Fail when the body matches one of these.
    pub fail_if_body_matches_regexp: Vec<String>,
    /// Fail when the body matches none of these.
    pub fail_if_body_not_matches_regexp: Vec<String>,
    /// Follow redirects.
    pub follow_redirects: Option<bool>,
    /// TLS.
    pub tls: Option<Tls>,
}

/// A named probe module.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// Module name.
    pub name: Sp<String>,
    /// `http`, `tcp` or `health`.
    pub prober: String,
    /// HTTP settings (http and health probers).
    pub http: Option<HttpModule>,
    /// TCP: string to send.
    pub tcp_send: Option<String>,
    /// TCP: regex expected in the reply.
    pub tcp_expect: Option<String>,
    /// Health: checks that must be present and healthy.
    pub health_checks: Option<Vec<String>>,
}

/// A probe target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Unique name (label `target`).
    pub name: Sp<String>,
    /// URL or host:port.
    pub target: Sp<String>,
    /// Module name.
    pub module: Sp<String>,
    /// Probe interval.
    pub interval: Option<Dur>,
    /// Probe timeout.
    pub timeout: Option<Dur>,
    /// `service`, `component`, `tier`.
    pub labels: BTreeMap<String, String>,
    /// Latency buckets in seconds.
    pub buckets: Vec<f64>,
}

/// The `sla:` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sla {
    /// Default interval.
    pub interval: Option<Dur>,
    /// Default timeout.
    pub timeout: Option<Dur>,
    /// Modules by name.
    pub modules: Vec<Module>,
    /// Targets.
    pub targets: Vec<Target>,
}

fn opt_string(r: &mut MapReader, key: &'static str, d: &mut Diags) -> Option<String> {
    r.opt(key).and_then(|n| match n.val {
        Val::Null => None,
        _ => decode::string(n, d).map(|s| s.val),
    })
}

fn read_tls(n: &Node, d: &mut Diags) -> Option<Tls> {
    let mut r = MapReader::new(n, "tls settings", d)?;
    let tls = Tls {
        insecure_skip_verify: r
            .opt("insecure_skip_verify")
            .and_then(|n| decode::boolean(n, d)),
        ca_file: opt_string(&mut r, "ca_file", d),
        cert_file: opt_string(&mut r, "cert_file", d),
        key_file: opt_string(&mut r, "key_file", d),
    };
    r.finish(d);
    Some(tls)
}

fn read_http(n: &Node, d: &mut Diags) -> Option<HttpModule> {
    let mut r = MapReader::new(n, "http probe settings", d)?;
    let mut m = HttpModule {
        method: r.opt("method").and_then(|n| {
            decode::one_of(
                n,
                &["GET", "HEAD", "POST", "PUT", "OPTIONS"],
                "HTTP method",
                d,
            )
            .map(|s| s.val)
        }),
        body: opt_string(&mut r, "body", d),
        follow_redirects: r
            .opt("follow_redirects")
            .and_then(|n| decode::boolean(n, d)),
        ..HttpModule::default()
    };
    if let Some(h) = r.opt("headers") {
        match &h.val {
            Val::Map(entries) => {
                for (k, v) in entries {
                    if let Some(s) = decode::string(v, d) {
                        m.headers.insert(k.name.clone(), s.val);
                    }
                }
            }
            Val::Null => {}
            other => d.error(
                h.pos,
                1,
                format!("expected a mapping of headers, found {}", other.type_name()),
            ),
        }
    }
    if let Some(v) = r.opt("valid_status_codes") {
        for item in decode::list(v, "status codes", d).unwrap_or(&[]) {
            if let Some(code) = decode::uint(item, d) {
                if !(100..=599).contains(&code) {
                    d.error(item.pos, 3, format!("invalid HTTP status code {code}"));
                } else {
                    m.valid_status_codes.push(code);
                }
            }
        }
    }
    for (key, dest) in [
        (
            "fail_if_body_matches_regexp",
            &mut m.fail_if_body_matches_regexp,
        ),
        (
            "fail_if_body_not_matches_regexp",
            &mut m.fail_if_body_not_matches_regexp,
        ),
    ] {
        if let Some(v) = r.opt(key) {
            *dest = decode::string_list(v, d)
                .into_iter()
                .map(|s| s.val)
                .collect();
        }
    }
    m.tls = r.opt("tls").and_then(|n| read_tls(n, d));
    r.finish(d);
    Some(m)
}

fn read_module(name: Sp<String>, n: &Node, d: &mut Diags) -> Option<Module> {
    let mut r = MapReader::new(n, "probe module", d)?;
    let prober = r
        .req("prober", d)
        .and_then(|n| decode::one_of(n, PROBERS, "prober", d))?;
    let mut m = Module {
        name,
        prober: prober.val.clone(),
        http: None,
        tcp_send: None,
        tcp_expect: None,
        health_checks: None,
    };
    let http = r.opt("http");
    let tcp = r.opt("tcp");
    let health = r.opt("health");
    match prober.val.as_str() {
        "http" | "health" => {
            if let Some(h) = http {
                m.http = read_http(h, d);
            }
        }
        _ => {
            if let Some(h) = http {
                d.error(
                    h.pos,
                    1,
                    format!("`http` settings on a {} prober", prober.val),
                );
            }
        }
    }
    if let Some(t) = tcp {
        if prober.val != "tcp" {
            d.error(
                t.pos,
                1,
                format!("`tcp` settings on a {} prober", prober.val),
            );
        } else if let Some(mut tr) = MapReader::new(t, "tcp probe settings", d) {
            m.tcp_send = opt_string(&mut tr, "send", d);
            m.tcp_expect = opt_string(&mut tr, "expect", d);
            tr.finish(d);
        }
    }
    if let Some(h) = health {
        if prober.val != "health" {
            d.error(
                h.pos,
                1,
                format!("`health` settings on a {} prober", prober.val),
            );
        } else if let Some(mut hr) = MapReader::new(h, "health probe settings", d) {
            m.health_checks = hr.opt("checks").map(|n| {
                decode::string_list(n, d)
                    .into_iter()
                    .map(|s| s.val)
                    .collect()
            });
            hr.finish(d);
        }
    }
    r.finish(d);
    Some(m)
}

fn read_target(n: &Node, d: &mut Diags) -> Option<Target> {
    let mut r = MapReader::new(n, "probe target", d)?;
    let name = r.req("name", d).and_then(|n| decode::nonempty(n, d));
    let target = r.req("target", d).and_then(|n| decode::nonempty(n, d));
    let module = r.req("module", d).and_then(|n| decode::nonempty(n, d));
    let interval = r.opt("interval").and_then(|n| decode::duration(n, d));
    let timeout = r.opt("timeout").and_then(|n| decode::duration(n, d));
    let mut labels = BTreeMap::new();
    if let Some(l) = r.opt("labels") {
        for (k, v) in decode::label_map(l, d) {
            if !TARGET_LABELS.contains(&k.as_str()) {
                let key_pos = match &l.val {
                    Val::Map(e) => e.iter().find(|(kk, _)| kk.name == k).map(|(kk, _)| kk.pos),
                    _ => None,
                }
                .unwrap_or(l.pos);
                let mut diag = Diagnostic::error(
                    key_pos,
                    k.chars().count(),
                    format!("label `{k}` is not allowed on a probe target"),
                );
                diag.help = did_you_mean(&closest(&k, TARGET_LABELS.iter().copied(), 1))
                    .or_else(|| Some("allowed labels: service, component, tier".into()));
                d.push(diag);
            } else {
                labels.insert(k, v.val);
            }
        }
    }
    let mut buckets = Vec::new();
    if let Some(b) = r.opt("buckets") {
        for item in decode::list(b, "numbers", d).unwrap_or(&[]) {
            if let Some(v) = decode::number(item, d) {
                if v.val <= 0.0 {
                    d.error(item.pos, 1, "bucket bounds must be positive");
                } else if buckets.last().is_some_and(|last| *last >= v.val) {
                    d.error(item.pos, 1, "bucket bounds must be strictly increasing");
                } else {
                    buckets.push(v.val);
                }
            }
        }
    }
    r.finish(d);
    if let (Some(i), Some(t)) = (&interval, &timeout) {
        if t.val > i.val {
            d.error(
                t.pos,
                1,
                format!("timeout {} is longer than the interval {}", t.val, i.val),
            );
        }
    }
    if let Some(i) = &interval {
        if i.val < Dur(1000) {
            d.error(
                i.pos,
                1,
                format!("probe interval {} is below the 1s minimum", i.val),
            );
        }
    }
    Some(Target {
        name: name?,
        target: target?,
        module: module?,
        interval: interval.map(|i| i.val),
        timeout: timeout.map(|t| t.val),
        labels,
        buckets,
    })
}

/// Decodes and checks the `sla:` section.
pub fn read(n: &Node, d: &mut Diags) -> Option<Sla> {
    let mut r = MapReader::new(n, "the sla section", d)?;
    let mut sla = Sla::default();
    if let Some(def) = r.opt("defaults") {
        if let Some(mut dr) = MapReader::new(def, "sla defaults", d) {
            sla.interval = dr
                .opt("interval")
                .and_then(|n| decode::duration(n, d))
                .map(|s| s.val);
            sla.timeout = dr
                .opt("timeout")
                .and_then(|n| decode::duration(n, d))
                .map(|s| s.val);
            dr.finish(d);
        }
    }
    if let Some(mods) = r.opt("modules") {
        if let Val::Map(entries) = &mods.val {
            MapReader::new(mods, "sla modules", d); // duplicate-key check
            for (k, v) in entries {
                if let Some(m) = read_module(Sp::new(k.name.clone(), k.pos), v, d) {
                    sla.modules.push(m);
                }
            }
        } else if !matches!(mods.val, Val::Null) {
            d.error(
                mods.pos,
                1,
                format!(
                    "expected a mapping of module names, found {}",
                    mods.val.type_name()
                ),
            );
        }
    }
    if let Some(ts) = r.req("targets", d) {
        for t in decode::list(ts, "probe targets", d).unwrap_or(&[]) {
            if let Some(t) = read_target(t, d) {
                sla.targets.push(t);
            }
        }
    }
    r.finish(d);
    check(&sla, d);
    Some(sla)
}

fn check(sla: &Sla, d: &mut Diags) {
    let modules: BTreeMap<&str, &Module> = sla
        .modules
        .iter()
        .map(|m| (m.name.val.as_str(), m))
        .collect();
    let mut names = BTreeSet::new();
    for t in &sla.targets {
        if !names.insert(t.name.val.as_str()) {
            d.error(
                t.name.pos,
                t.name.val.len(),
                format!("duplicate probe target `{}`", t.name.val),
            );
        }
        match modules.get(t.module.val.as_str()) {
            None => {
                let mut diag = Diagnostic::error(
                    t.module.pos,
                    t.module.val.chars().count(),
                    format!("unknown probe module `{}`", t.module.val),
                );
                diag.help = did_you_mean(&closest(&t.module.val, modules.keys().copied(), 1));
                d.push(diag);
            }
            Some(m) => {
                let is_url =
                    t.target.val.starts_with("http://") || t.target.val.starts_with("https://");
                if m.prober == "tcp" && (is_url || !t.target.val.contains(':')) {
                    d.error(
                        t.target.pos,
                        t.target.val.chars().count(),
                        format!("tcp target `{}` must be host:port", t.target.val),
                    );
                } else if m.prober != "tcp" && !is_url {
                    d.error(
                        t.target.pos,
                        t.target.val.chars().count(),
                        format!(
                            "{} target `{}` must be an http:// or https:// URL",
                            m.prober, t.target.val
                        ),
                    );
                }
            }
        }
        let interval = t.interval.or(sla.interval).unwrap_or(Dur(15_000));
        let timeout = t
            .timeout
            .or(sla.timeout)
            .unwrap_or(Dur(5_000).min(interval));
        if timeout > interval && t.timeout.is_some() {
            d.error(
                t.name.pos,
                1,
                format!(
                    "target `{}`: timeout {timeout} is longer than its interval {interval}",
                    t.name.val
                ),
            );
        }
    }
}
