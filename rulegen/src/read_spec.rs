//! Decoding the spec tree into the typed [`Spec`], section by section.

use std::collections::BTreeMap;

use crate::decode::{self, Dur, MapReader, Sp};
use crate::diag::Diags;
use crate::model::*;
use crate::node::{Node, Val};

/// Criticality classes and their default scrape intervals.
pub const CRITICALITY: &[(&str, u64)] = &[("critical", 1_000), ("high", 5_000), ("normal", 15_000)];

/// Reads the root file's sections into `spec`; returns the `include:` list.
pub fn read_root(n: &Node, spec: &mut Spec, d: &mut Diags) -> Vec<Sp<String>> {
    let Some(mut r) = MapReader::new(n, "the spec", d) else {
        return Vec::new();
    };
    if let Some(v) = r.opt("version") {
        if decode::uint(v, d).is_some_and(|v| v != 1) {
            d.error(
                v.pos,
                1,
                "unsupported spec version (this rulegen reads version 1)",
            );
        }
    }
    let includes = r
        .opt("include")
        .map(|n| decode::string_list(n, d))
        .unwrap_or_default();
    if let Some(g) = r.opt("global") {
        spec.global = read_global(g, d);
    }
    for (name, ms) in CRITICALITY {
        spec.criticality.insert(name.to_string(), Dur(*ms));
    }
    if let Some(c) = r.opt("criticality") {
        if let Some(mut cr) = MapReader::new(c, "criticality intervals", d) {
            for (name, _) in CRITICALITY {
                if let Some(v) = cr.opt(name).and_then(|n| decode::duration(n, d)) {
                    spec.criticality.insert(name.to_string(), v.val);
                }
            }
            cr.finish(d);
        }
    }
    if let Some(a) = r.opt("alerting") {
        if let Some(mut ar) = MapReader::new(a, "alerting", d) {
            if let Some(t) = ar.req("alertmanagers", d) {
                spec.alertmanagers = decode::string_list(t, d);
            }
            ar.finish(d);
        }
    }
    if let Some(f) = r.opt("federation") {
        spec.federation = read_federation(f, d);
    }
    if let Some(rw) = r.opt("remote_write") {
        for item in decode::list(rw, "remote write endpoints", d).unwrap_or(&[]) {
            if let Some(x) = read_remote_write(item, d) {
                spec.remote_write.push(x);
            }
        }
    }
    if let Some(rt) = r.opt("routing") {
        spec.routing = read_routing(rt, d);
    }
    if let Some(s) = r.opt("sla") {
        spec.sla = crate::sla::read(s, d);
    }
    read_lists(&mut r, spec, d);
    r.finish(d);
    includes
}

/// Reads an included file: only list sections are allowed there.
pub fn read_include(n: &Node, spec: &mut Spec, d: &mut Diags) {
    let Some(mut r) = MapReader::new(n, "an included spec file", d) else {
        return;
    };
    read_lists(&mut r, spec, d);
    r.finish(d);
}

fn read_lists(r: &mut MapReader, spec: &mut Spec, d: &mut Diags) {
    if let Some(c) = r.opt("catalogs") {
        spec.catalogs.extend(decode::string_list(c, d));
    }
    if let Some(j) = r.opt("scrape_jobs") {
        for item in decode::list(j, "scrape jobs", d).unwrap_or(&[]) {
            if let Some(job) = read_job(item, d) {
                spec.jobs.push(job);
            }
        }
    }
    if let Some(g) = r.opt("recording_rules") {
        for item in decode::list(g, "recording rule groups", d).unwrap_or(&[]) {
            if let Some(g) = read_group(item, "recording rule group", read_record, d) {
                spec.recording.push(g);
            }
        }
    }
    if let Some(g) = r.opt("alerts") {
        for item in decode::list(g, "alert groups", d).unwrap_or(&[]) {
            if let Some(g) = read_group(item, "alert group", read_alert, d) {
                spec.alerts.push(g);
            }
        }
    }
    if let Some(db) = r.opt("dashboards") {
        collect_exprs(db, &mut spec.dashboard_exprs, d);
    }
}

/// Dashboards belong to a later stage: any structure is accepted, and every
/// `expr` string inside is checked like a rule expression.
fn collect_exprs(n: &Node, out: &mut Vec<Sp<String>>, d: &mut Diags) {
    match &n.val {
        Val::Map(entries) => {
            for (k, v) in entries {
                if k.name == "expr" {
                    if let Some(s) = decode::nonempty(v, d) {
                        out.push(s);
                    }
                } else {
                    collect_exprs(v, out, d);
                }
            }
        }
        Val::Seq(items) => items.iter().for_each(|i| collect_exprs(i, out, d)),
        _ => {}
    }
}

fn read_global(n: &Node, d: &mut Diags) -> Global {
    let mut g = Global::default();
    let Some(mut r) = MapReader::new(n, "global", d) else {
        return g;
    };
    if let Some(v) = r
        .opt("scrape_interval")
        .and_then(|n| decode::duration(n, d))
    {
        g.scrape_interval = v.val;
    }
    g.scrape_timeout = r
        .opt("scrape_timeout")
        .and_then(|n| decode::duration(n, d))
        .map(|v| v.val);
    if let Some(v) = r
        .opt("evaluation_interval")
        .and_then(|n| decode::duration(n, d))
    {
        g.evaluation_interval = v.val;
    }
    if let Some(l) = r.opt("external_labels") {
        g.external_labels = decode::label_map(l, d);
    }
    r.finish(d);
    g
}

fn read_job(n: &Node, d: &mut Diags) -> Option<Job> {
    let mut r = MapReader::new(n, "scrape job", d)?;
    let name = r.req("name", d).and_then(|n| decode::nonempty(n, d));
    let exposes = r
        .opt("exposes")
        .map(|n| decode::string_list(n, d))
        .unwrap_or_default();
    let criticality = r.opt("criticality").and_then(|n| {
        let names: Vec<&'static str> = CRITICALITY.iter().map(|(n, _)| *n).collect();
        decode::one_of(n, &names, "criticality", d)
    });
    let interval = r
        .opt("scrape_interval")
        .and_then(|n| decode::duration(n, d));
    let timeout = r.opt("scrape_timeout").and_then(|n| decode::duration(n, d));
    let metrics_path = r
        .opt("metrics_path")
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val);
    let scheme = r
        .opt("scheme")
        .and_then(|n| decode::one_of(n, &["http", "https"], "scheme", d))
        .map(|s| s.val);
    let targets = r
        .req("targets", d)
        .map(|n| decode::string_list(n, d))
        .unwrap_or_default();
    let labels = r
        .opt("labels")
        .map(|n| decode::label_map(n, d))
        .unwrap_or_default();
    r.finish(d);
    if let (Some(i), Some(t)) = (&interval, &timeout) {
        if t.val > i.val {
            d.error(
                t.pos,
                1,
                format!(
                    "scrape_timeout {} is longer than scrape_interval {}",
                    t.val, i.val
                ),
            );
        }
    }
    Some(Job {
        name: name?,
        exposes,
        criticality,
        interval,
        timeout,
        metrics_path,
        scheme,
        targets,
        labels,
        pos: n.pos,
    })
}

fn read_federation(n: &Node, d: &mut Diags) -> Option<Federation> {
    let mut r = MapReader::new(n, "federation", d)?;
    let name = r
        .opt("job_name")
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val)
        .unwrap_or_else(|| "federate".to_string());
    let targets = r
        .req("targets", d)
        .map(|n| decode::string_list(n, d))
        .unwrap_or_default();
    let matches = r
        .req("match", d)
        .map(|n| decode::string_list(n, d))
        .unwrap_or_default();
    let interval = r
        .opt("scrape_interval")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    r.finish(d);
    Some(Federation {
        name,
        targets,
        matches,
        interval,
    })
}

fn read_remote_write(n: &Node, d: &mut Diags) -> Option<RemoteWrite> {
    let mut r = MapReader::new(n, "remote write endpoint", d)?;
    let url = r.req("url", d).and_then(|n| decode::nonempty(n, d));
    let name = r
        .opt("name")
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val);
    let bearer_token_file = r
        .opt("bearer_token_file")
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val);
    let keep_metrics = r
        .opt("keep_metrics")
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val);
    r.finish(d);
    let url = url?;
    check_url_has_no_secret(&url, d);
    Some(RemoteWrite {
        name,
        url,
        bearer_token_file,
        keep_metrics,
    })
}

/// URLs must not carry credentials: secrets live in `*_file` fields only.
pub fn check_url_has_no_secret(url: &Sp<String>, d: &mut Diags) {
    let u = &url.val;
    if !(u.starts_with("http://") || u.starts_with("https://")) {
        d.error(
            url.pos,
            u.chars().count(),
            format!("`{u}` is not an http:// or https:// URL"),
        );
        return;
    }
    let rest = u.split_once("://").map(|x| x.1).unwrap_or("");
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') || u.contains('?') {
        d.push(
            crate::diag::Diagnostic::error(
                url.pos,
                u.chars().count(),
                "URL carries credentials or a query string; secrets must not appear in the spec",
            )
            .with_help("put the token in a file and use `credentials_file`"),
        );
    }
}

fn read_group<R>(
    n: &Node,
    what: &'static str,
    read_rule: fn(&Node, &mut Diags) -> Option<R>,
    d: &mut Diags,
) -> Option<Group<R>> {
    let mut r = MapReader::new(n, what, d)?;
    let name = r.req("group", d).and_then(|n| decode::nonempty(n, d));
    if let Some(name) = &name {
        if !name
            .val
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            d.error(name.pos, name.val.chars().count(), format!(
                "group name `{}` may only contain letters, digits, `-` and `_` (it names the output file)",
                name.val
            ));
        }
    }
    let interval = r
        .opt("interval")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    let mut rules = Vec::new();
    if let Some(list) = r.req("rules", d) {
        for item in decode::list(list, "rules", d).unwrap_or(&[]) {
            if let Some(rule) = read_rule(item, d) {
                rules.push(rule);
            }
        }
    }
    r.finish(d);
    Some(Group {
        name: name?,
        interval,
        rules,
    })
}

fn read_expr(n: &Node, d: &mut Diags) -> Option<Expr> {
    let s = decode::nonempty(n, d)?;
    Some(Expr {
        text: s.val.clone(),
        origin: s,
        offset: 0,
    })
}

fn read_record(n: &Node, d: &mut Diags) -> Option<Record> {
    let mut r = MapReader::new(n, "recording rule", d)?;
    let record = r.req("record", d).and_then(|n| decode::nonempty(n, d));
    let expr = r.req("expr", d).and_then(|n| read_expr(n, d));
    let labels = r
        .opt("labels")
        .map(|n| decode::label_map(n, d))
        .unwrap_or_default();
    r.finish(d);
    Some(Record {
        record: record?,
        expr: expr?,
        labels,
    })
}

const OPS: &[&str] = &[">", ">=", "<", "<=", "==", "!="];

/// Whether `s` needs parentheses before a comparison is appended.
fn needs_parens(s: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            c if depth == 0 && (c.is_whitespace() || "+-*/%^<>=!".contains(c)) => return true,
            _ => {}
        }
    }
    false
}

fn read_threshold(n: &Node, d: &mut Diags) -> Option<Expr> {
    let mut r = MapReader::new(n, "threshold", d)?;
    let metric = r.opt("metric").and_then(|n| decode::nonempty(n, d));
    let expr = r.opt("expr").and_then(|n| decode::nonempty(n, d));
    let op = r
        .req("op", d)
        .and_then(|n| decode::one_of(n, OPS, "comparison operator", d));
    let value = r.req("value", d).and_then(|n| decode::number(n, d));
    r.finish(d);
    let origin = match (metric, expr) {
        (Some(m), None) => {
            if !decode::is_metric_name(&m.val) {
                d.error(
                    m.pos,
                    m.val.chars().count(),
                    format!("`{}` is not a metric name", m.val),
                );
                return None;
            }
            m
        }
        (None, Some(e)) => e,
        (Some(m), Some(_)) => {
            d.error(
                m.pos,
                6,
                "a threshold takes either `metric` or `expr`, not both",
            );
            return None;
        }
        (None, None) => {
            d.error(n.pos, 1, "a threshold needs `metric` or `expr`");
            return None;
        }
    };
    let (op, value) = (op?, value?);
    let wrap = needs_parens(&origin.val);
    let lhs = if wrap {
        format!("({})", origin.val)
    } else {
        origin.val.clone()
    };
    Some(Expr {
        text: format!("{lhs} {} {}", op.val, crate::emit::yaml::float(value.val)),
        offset: usize::from(wrap),
        origin,
    })
}

fn read_alert(n: &Node, d: &mut Diags) -> Option<Alert> {
    let mut r = MapReader::new(n, "alert", d)?;
    let name = r.req("alert", d).and_then(|n| decode::nonempty(n, d));
    let raw = r.opt("expr");
    let thr = r.opt("threshold");
    let (expr, from_threshold) = match (raw, thr) {
        (Some(e), None) => (read_expr(e, d), false),
        (None, Some(t)) => (read_threshold(t, d), true),
        (Some(_), Some(t)) => {
            d.error(
                r.key_pos("threshold").unwrap_or(t.pos),
                9,
                "an alert takes either `expr` or `threshold`, not both",
            );
            (None, false)
        }
        (None, None) => {
            d.error(
                n.pos,
                1,
                "missing required field `expr` (or `threshold`) in alert",
            );
            (None, false)
        }
    };
    let for_ = r.opt("for").and_then(|n| decode::duration(n, d));
    let severity = r
        .req("severity", d)
        .and_then(|n| decode::one_of(n, SEVERITIES, "severity", d));
    let component = r.req("component", d).and_then(|n| decode::nonempty(n, d));
    let team = r.opt("team").and_then(|n| decode::nonempty(n, d));
    let summary = r.opt("summary").and_then(|n| decode::nonempty(n, d));
    let description = r.opt("description").and_then(|n| decode::nonempty(n, d));
    let runbook = r.opt("runbook").and_then(|n| decode::nonempty(n, d));
    let labels = r
        .opt("labels")
        .map(|n| decode::label_map(n, d))
        .unwrap_or_default();
    for reserved in ["severity", "component", "team", "alertname"] {
        if let Some(v) = labels.get(reserved) {
            d.error(
                v.pos,
                1,
                format!("label `{reserved}` is set by its own field, not under `labels`"),
            );
        }
    }
    let mut tests = Vec::new();
    if let Some(t) = r.opt("tests") {
        for item in decode::list(t, "test cases", d).unwrap_or(&[]) {
            if let Some(tc) = read_test(item, d) {
                tests.push(tc);
            }
        }
    }
    r.finish(d);
    Some(Alert {
        name: name?,
        expr: expr?,
        from_threshold,
        for_,
        severity: severity?,
        component: component?,
        team,
        summary,
        description,
        runbook,
        labels,
        tests,
        pos: n.pos,
    })
}

fn read_test(n: &Node, d: &mut Diags) -> Option<TestCase> {
    let mut r = MapReader::new(n, "test case", d)?;
    let interval = r
        .opt("interval")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val)
        .unwrap_or(Dur(60_000));
    let mut series = Vec::new();
    if let Some(s) = r.req("series", d) {
        for item in decode::list(s, "input series", d).unwrap_or(&[]) {
            let Some(mut sr) = MapReader::new(item, "input series", d) else {
                continue;
            };
            let sel = sr.req("series", d).and_then(|n| decode::nonempty(n, d));
            let values = sr.req("values", d).and_then(|n| decode::nonempty(n, d));
            sr.finish(d);
            if let (Some(series_sel), Some(values)) = (sel, values) {
                check_values(&values, d);
                series.push(InputSeries {
                    series: series_sel,
                    values,
                });
            }
        }
    }
    let at = r.req("at", d).and_then(|n| decode::duration(n, d));
    let mut expect = Vec::new();
    if let Some(e) = r.req("expect", d) {
        for item in decode::list(e, "expected alerts", d).unwrap_or(&[]) {
            let Some(mut er) = MapReader::new(item, "expected alert", d) else {
                continue;
            };
            let labels = er
                .opt("labels")
                .map(|n| decode::label_map(n, d))
                .unwrap_or_default();
            let value = er
                .opt("value")
                .and_then(|n| decode::number(n, d))
                .map(|s| s.val);
            let severity = er
                .opt("severity")
                .and_then(|n| decode::one_of(n, SEVERITIES, "severity", d));
            let annotations = er.opt("annotations").map(|n| decode::label_map(n, d));
            er.finish(d);
            expect.push(ExpectedAlert {
                labels,
                value,
                severity,
                annotations,
                pos: item.pos,
            });
        }
    }
    r.finish(d);
    Some(TestCase {
        interval,
        series,
        at: at?,
        expect,
        pos: n.pos,
    })
}

/// Checks promtool's expanding series notation: `1 2 3`, `0+10x5`, `1-1x3`, `_`, `_x3`, `stale`.
fn check_values(v: &Sp<String>, d: &mut Diags) {
    for tok in v.val.split_whitespace() {
        if tok == "_" || tok == "stale" {
            continue;
        }
        let ok = if let Some((head, times)) = tok.split_once('x') {
            let times_ok = times.parse::<u64>().is_ok();
            let head_ok = head == "_" || head.parse::<f64>().is_ok() || {
                let body = head.strip_prefix('-').unwrap_or(head);
                match body.find(['+', '-']) {
                    Some(i) => {
                        let (a, b) = (&head[..i + head.len() - body.len()], &body[i + 1..]);
                        a.parse::<f64>().is_ok() && b.parse::<f64>().is_ok()
                    }
                    None => false,
                }
            };
            times_ok && head_ok
        } else {
            tok.parse::<f64>().is_ok() || tok == "Inf" || tok == "-Inf" || tok == "NaN"
        };
        if !ok {
            d.error(
                v.pos,
                v.val.chars().count(),
                format!("invalid series value `{tok}` (use promtool notation: `1 2 3`, `0+10x5`, `_x3`, `stale`)"),
            );
            return;
        }
    }
}

fn read_matchers(n: &Node, d: &mut Diags) -> BTreeMap<String, Sp<String>> {
    decode::label_map(n, d)
}

fn read_route(n: &Node, d: &mut Diags) -> Option<Route> {
    let mut r = MapReader::new(n, "route", d)?;
    let mut route = Route {
        pos: n.pos,
        receiver: r.opt("receiver").and_then(|n| decode::nonempty(n, d)),
        ..Route::default()
    };
    if let Some(m) = r.opt("match") {
        route.matchers = read_matchers(m, d);
    }
    if let Some(m) = r.opt("match_re") {
        route.matchers_re = read_matchers(m, d);
    }
    if let Some(g) = r.opt("group_by") {
        route.group_by = decode::string_list(g, d);
    }
    route.group_wait = r
        .opt("group_wait")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    route.group_interval = r
        .opt("group_interval")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    route.repeat_interval = r
        .opt("repeat_interval")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    route.continue_ = r
        .opt("continue")
        .and_then(|n| decode::boolean(n, d))
        .unwrap_or(false);
    if let Some(children) = r.opt("routes") {
        for c in decode::list(children, "routes", d).unwrap_or(&[]) {
            if let Some(c) = read_route(c, d) {
                route.routes.push(c);
            }
        }
    }
    r.finish(d);
    Some(route)
}

fn file_field(r: &mut MapReader, key: &'static str, d: &mut Diags) -> Option<String> {
    r.req(key, d)
        .and_then(|n| decode::nonempty(n, d))
        .map(|s| s.val)
}

fn read_receiver(n: &Node, d: &mut Diags) -> Option<Receiver> {
    let mut r = MapReader::new(n, "receiver", d)?;
    let name = r.req("name", d).and_then(|n| decode::nonempty(n, d));
    let send_resolved = r
        .opt("send_resolved")
        .and_then(|n| decode::boolean(n, d))
        .unwrap_or(true);
    let mut integrations = Vec::new();
    let kinds: [(&'static str, &'static str); 5] = [
        ("email", "email integration"),
        ("slack", "slack integration"),
        ("pagerduty", "pagerduty integration"),
        ("webhook", "webhook integration"),
        ("sms", "sms integration"),
    ];
    for (kind, what) in kinds {
        let Some(list) = r.opt(kind) else { continue };
        for item in decode::list(list, what, d).unwrap_or(&[]) {
            let Some(mut ir) = MapReader::new(item, what, d) else {
                continue;
            };
            let integ = match kind {
                "email" => file_field(&mut ir, "to", d).map(|to| Integration::Email { to }),
                "slack" => {
                    let channel = file_field(&mut ir, "channel", d);
                    let api_url_file = file_field(&mut ir, "api_url_file", d);
                    channel
                        .zip(api_url_file)
                        .map(|(channel, api_url_file)| Integration::Slack {
                            channel,
                            api_url_file,
                        })
                }
                "pagerduty" => file_field(&mut ir, "routing_key_file", d)
                    .map(|routing_key_file| Integration::PagerDuty { routing_key_file }),
                _ => {
                    let url = ir.req("url", d).and_then(|n| decode::nonempty(n, d));
                    let credentials_file = ir
                        .opt("credentials_file")
                        .and_then(|n| decode::nonempty(n, d))
                        .map(|s| s.val);
                    url.map(|url| {
                        check_url_has_no_secret(&url, d);
                        if kind == "sms" {
                            Integration::Sms {
                                url,
                                credentials_file,
                            }
                        } else {
                            Integration::Webhook {
                                url,
                                credentials_file,
                            }
                        }
                    })
                }
            };
            ir.finish(d);
            integrations.extend(integ);
        }
    }
    r.finish(d);
    Some(Receiver {
        name: name?,
        integrations,
        send_resolved,
    })
}

fn read_routing(n: &Node, d: &mut Diags) -> Option<Routing> {
    let mut r = MapReader::new(n, "routing", d)?;
    let resolve_timeout = r
        .opt("resolve_timeout")
        .and_then(|n| decode::duration(n, d))
        .map(|s| s.val);
    let smtp = r.opt("smtp").and_then(|n| {
        let mut sr = MapReader::new(n, "smtp settings", d)?;
        let smarthost = file_field(&mut sr, "smarthost", d);
        let from = file_field(&mut sr, "from", d);
        let auth_username = sr
            .opt("auth_username")
            .and_then(|n| decode::nonempty(n, d))
            .map(|s| s.val);
        let auth_password_file = sr
            .opt("auth_password_file")
            .and_then(|n| decode::nonempty(n, d))
            .map(|s| s.val);
        let require_tls = sr
            .opt("require_tls")
            .and_then(|n| decode::boolean(n, d))
            .unwrap_or(true);
        sr.finish(d);
        Some(Smtp {
            smarthost: smarthost?,
            from: from?,
            auth_username,
            auth_password_file,
            require_tls,
        })
    });
    let mut receivers = Vec::new();
    if let Some(list) = r.req("receivers", d) {
        for item in decode::list(list, "receivers", d).unwrap_or(&[]) {
            if let Some(rc) = read_receiver(item, d) {
                receivers.push(rc);
            }
        }
    }
    let route = r.req("route", d).and_then(|n| read_route(n, d));
    let mut inhibit = Vec::new();
    if let Some(list) = r.opt("inhibit") {
        for item in decode::list(list, "inhibition rules", d).unwrap_or(&[]) {
            let Some(mut ir) = MapReader::new(item, "inhibition rule", d) else {
                continue;
            };
            let source = ir
                .req("source", d)
                .map(|n| read_matchers(n, d))
                .unwrap_or_default();
            let target = ir
                .req("target", d)
                .map(|n| read_matchers(n, d))
                .unwrap_or_default();
            let equal = ir
                .opt("equal")
                .map(|n| decode::string_list(n, d))
                .unwrap_or_default();
            ir.finish(d);
            inhibit.push(Inhibit {
                source,
                target,
                equal,
            });
        }
    }
    r.finish(d);
    Some(Routing {
        resolve_timeout,
        smtp,
        receivers,
        route: route?,
        inhibit,
    })
}
