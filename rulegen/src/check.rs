//! Validation and lints over the typed spec: PromQL parses, metric names
//! exist, `rate()` only over counters, ranges long enough for the scrape
//! interval, naming rules, alert hygiene, tests present, routing consistent.

use std::collections::{BTreeMap, BTreeSet};

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr as Ast, VectorSelector};

use crate::catalog::{Catalogs, Kind};
use crate::decode::{is_label_name, Dur};
use crate::diag::{closest, did_you_mean, Diagnostic, Diags, Pos, Sources};
use crate::model::{Alert, Expr, Spec};
use crate::promql::{self, PORTABLE_AGGREGATIONS, PORTABLE_FUNCTIONS};
use crate::template;

/// Labels every scraped series has besides its own.
const TARGET_LABELS: &[&str] = &["job", "instance", "__name__"];

/// Context for expression checks.
struct Ctx<'a> {
    spec: &'a Spec,
    cat: &'a Catalogs,
    sources: &'a Sources,
    /// Scrape interval of each job.
    job_interval: BTreeMap<&'a str, Dur>,
    /// Jobs scraping each catalog.
    catalog_jobs: BTreeMap<&'a str, Vec<&'a str>>,
    /// Extra labels any series may carry (static job labels, external labels).
    extra_labels: BTreeSet<String>,
}

/// The scrape interval of a job: explicit, else its criticality class, else global.
pub fn job_interval(spec: &Spec, job: &crate::model::Job) -> Dur {
    job.interval
        .as_ref()
        .map(|i| i.val)
        .or_else(|| {
            job.criticality
                .as_ref()
                .and_then(|c| spec.criticality.get(&c.val).copied())
        })
        .unwrap_or(spec.global.scrape_interval)
}

/// Runs every check; `cat` must already hold external catalogs.
pub fn check(spec: &Spec, cat: &mut Catalogs, sources: &Sources, d: &mut Diags) {
    for g in &spec.recording {
        for r in &g.rules {
            cat.add_record(&r.record.val);
        }
    }
    let cat: &Catalogs = cat;
    let mut ctx = Ctx {
        spec,
        cat,
        sources,
        job_interval: BTreeMap::new(),
        catalog_jobs: BTreeMap::new(),
        extra_labels: BTreeSet::new(),
    };
    check_jobs(&mut ctx, d);
    for l in spec.global.external_labels.keys() {
        ctx.extra_labels.insert(l.clone());
    }
    check_records(&ctx, d);
    check_alerts(&ctx, d);
    for e in &spec.dashboard_exprs {
        let expr = Expr {
            text: e.val.clone(),
            origin: e.clone(),
            offset: 0,
        };
        check_expr(&ctx, &expr, d);
    }
    if let Some(r) = &spec.routing {
        check_routing(r, d);
    }
    if let Some(sla) = &spec.sla {
        if !spec
            .jobs
            .iter()
            .any(|j| j.exposes.iter().any(|e| e.val == "sla-exporter"))
            && !sla.targets.is_empty()
        {
            d.error(
                sla.targets[0].name.pos,
                1,
                "SLA probe targets are defined but no scrape job exposes `sla-exporter`",
            );
        }
    }
}

fn check_jobs<'a>(ctx: &mut Ctx<'a>, d: &mut Diags) {
    let spec = ctx.spec;
    let mut seen: BTreeMap<&str, Pos> = BTreeMap::new();
    for job in &spec.jobs {
        if let Some(first) = seen.insert(&job.name.val, job.name.pos) {
            d.push(
                Diagnostic::error(
                    job.name.pos,
                    job.name.val.chars().count(),
                    format!("duplicate scrape job `{}`", job.name.val),
                )
                .with_help(format!("first defined at line {}", first.line)),
            );
        }
        let interval = job_interval(spec, job);
        ctx.job_interval.insert(&job.name.val, interval);
        for e in &job.exposes {
            if !ctx.cat.loaded.contains(&e.val) {
                let mut diag = Diagnostic::error(
                    e.pos,
                    e.val.chars().count(),
                    format!("unknown metric catalog `{}`", e.val),
                );
                diag.help = did_you_mean(&closest(
                    &e.val,
                    ctx.cat.loaded.iter().map(String::as_str),
                    2,
                ))
                .or_else(|| {
                    Some(
                        "declare it under `catalogs:` or use a program name from metric-defs"
                            .into(),
                    )
                });
                d.push(diag);
            }
            ctx.catalog_jobs
                .entry(&e.val)
                .or_default()
                .push(&job.name.val);
        }
        ctx.catalog_jobs
            .entry("scrape")
            .or_default()
            .push(&job.name.val);
        for t in &job.targets {
            let ok = t
                .val
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
            if !ok {
                d.error(
                    t.pos,
                    t.val.chars().count(),
                    format!("target `{}` is not host:port", t.val),
                );
            }
        }
        if job.targets.is_empty() {
            d.error(
                job.pos,
                1,
                format!("scrape job `{}` has no targets", job.name.val),
            );
        }
        for l in job.labels.keys() {
            ctx.extra_labels.insert(l.clone());
        }
    }
    if let Some(f) = &spec.federation {
        for m in &f.matches {
            let e = Expr {
                text: m.val.clone(),
                origin: m.clone(),
                offset: 0,
            };
            if let Err(diag) = promql::parse(&e, ctx.sources) {
                d.push(diag);
            }
        }
    }
}

/// A recording rule's identity: its name and static labels.
type RecordKey<'a> = (&'a str, Vec<(&'a String, &'a String)>);

fn check_records(ctx: &Ctx, d: &mut Diags) {
    let mut seen: BTreeMap<RecordKey, Pos> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Pos> = BTreeMap::new();
    for g in ctx
        .spec
        .recording
        .iter()
        .map(|g| &g.name)
        .chain(ctx.spec.alerts.iter().map(|g| &g.name))
    {
        if let Some(first) = groups.insert(&g.val, g.pos) {
            d.push(
                Diagnostic::error(
                    g.pos,
                    g.val.chars().count(),
                    format!("duplicate rule group `{}`", g.val),
                )
                .with_help(format!("first defined at line {}", first.line)),
            );
        }
    }
    for g in &ctx.spec.recording {
        for r in &g.rules {
            let name = &r.record.val;
            let parts: Vec<&str> = name.split(':').collect();
            if parts.len() != 3
                || parts.iter().any(|p| p.is_empty())
                || !crate::decode::is_metric_name(name)
            {
                d.push(
                    Diagnostic::error(
                        r.record.pos,
                        name.chars().count(),
                        format!(
                        "recording rule name `{name}` does not follow `level:metric:operations`"
                    ),
                    )
                    .with_help("e.g. `job:dwcp_amst_sent_bytes:rate5m`"),
                );
            }
            let labels: Vec<(&String, &String)> =
                r.labels.iter().map(|(k, v)| (k, &v.val)).collect();
            if let Some(first) = seen.insert((name.as_str(), labels), r.record.pos) {
                d.push(
                    Diagnostic::error(
                        r.record.pos,
                        name.chars().count(),
                        format!("duplicate recording rule `{name}`"),
                    )
                    .with_help(format!("first defined at line {}", first.line)),
                );
            }
            check_expr(ctx, &r.expr, d);
        }
    }
}

fn is_camel_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn check_alerts(ctx: &Ctx, d: &mut Diags) {
    let mut seen: BTreeMap<(&str, &str), Pos> = BTreeMap::new();
    for g in &ctx.spec.alerts {
        for a in &g.rules {
            let name = &a.name.val;
            if !is_camel_case(name) {
                d.push(
                    Diagnostic::error(
                        a.name.pos,
                        name.chars().count(),
                        format!("alert name `{name}` is not CamelCase"),
                    )
                    .with_help(format!("e.g. `{}`", to_camel(name))),
                );
            }
            if let Some(first) = seen.insert((name, &a.severity.val), a.name.pos) {
                d.push(
                    Diagnostic::error(
                        a.name.pos,
                        name.chars().count(),
                        format!("duplicate alert `{name}` with severity {}", a.severity.val),
                    )
                    .with_help(format!("first defined at line {}", first.line)),
                );
            }
            if a.summary.is_none() {
                d.error(
                    a.name.pos,
                    name.chars().count(),
                    format!("alert `{name}` has no summary"),
                );
            }
            if a.description.is_none() {
                d.error(
                    a.name.pos,
                    name.chars().count(),
                    format!("alert `{name}` has no description"),
                );
            }
            if a.severity.val == "critical" {
                if a.runbook.is_none() {
                    d.error(
                        a.name.pos,
                        name.chars().count(),
                        format!("critical alert `{name}` has no runbook"),
                    );
                }
                if a.for_.is_none() {
                    d.push(Diagnostic::error(a.name.pos, name.chars().count(), format!("critical alert `{name}` has no `for` duration"))
                        .with_help("a critical page should not fire on a single evaluation; add e.g. `for: 2m`"));
                }
            }
            for (k, v) in &a.labels {
                if v.val.contains("$value") || v.val.contains(".Value") {
                    d.push(Diagnostic::error(v.pos, v.val.chars().count(), format!(
                        "label `{k}` of alert `{name}` uses the alert value"
                    ))
                    .with_help("a label that changes with the value creates a new alert on every change; use an annotation"));
                }
                if !is_label_name(k) {
                    d.error(v.pos, 1, format!("invalid label name `{k}`"));
                }
            }
            let ast = check_expr(ctx, &a.expr, d);
            if let Some(ast) = &ast {
                if !promql::filters(ast) {
                    d.push(
                        Diagnostic::error(
                            a.expr.origin.pos,
                            a.expr.origin.val.chars().count().min(80),
                            format!("alert `{name}` has no comparison, so it always fires"),
                        )
                        .with_help(
                            "compare against a threshold, e.g. `... > 0.05`, or use `absent()`",
                        ),
                    );
                }
            }
            if a.tests.is_empty() {
                d.push(
                    Diagnostic::error(
                        a.name.pos,
                        name.chars().count(),
                        format!("alert `{name}` has no unit test case"),
                    )
                    .with_help(
                        "add `tests:` with input series and the alerts expected at a given time",
                    ),
                );
            }
            check_tests(ctx, a, d);
        }
    }
}

fn to_camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The alert an expectation refers to: `a` itself, or its sibling of the
/// same name with the expectation's `severity`.
pub fn expected_alert<'s>(
    spec: &'s Spec,
    a: &'s Alert,
    exp: &crate::model::ExpectedAlert,
) -> Option<&'s Alert> {
    match &exp.severity {
        None => Some(a),
        Some(sev) => spec
            .alerts
            .iter()
            .flat_map(|g| g.rules.iter())
            .find(|x| x.name.val == a.name.val && x.severity.val == sev.val),
    }
}

/// Expected annotations of one expected alert, rendered or given.
pub fn expected_annotations(
    spec: &Spec,
    a: &Alert,
    exp: &crate::model::ExpectedAlert,
) -> Result<BTreeMap<String, String>, (Pos, String)> {
    if let Some(given) = &exp.annotations {
        return Ok(given
            .iter()
            .map(|(k, v)| (k.clone(), v.val.clone()))
            .collect());
    }
    let Some(a) = expected_alert(spec, a, exp) else {
        return Err((exp.pos, "no sibling alert with that severity".into()));
    };
    let mut labels: BTreeMap<String, String> = exp
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.val.clone()))
        .collect();
    labels.extend(a.all_labels());
    let external: BTreeMap<String, String> = spec
        .global
        .external_labels
        .iter()
        .map(|(k, v)| (k.clone(), v.val.clone()))
        .collect();
    let scope = template::Scope {
        labels: &labels,
        external: &external,
        value: exp.value,
    };
    let mut out = BTreeMap::new();
    for (k, tpl) in a.annotations() {
        match template::render(&tpl.val, &scope) {
            Ok(s) => {
                out.insert(k, s);
            }
            Err(e) => return Err((exp.pos, format!("annotation `{k}`: {e}"))),
        }
    }
    Ok(out)
}

fn check_tests(ctx: &Ctx, a: &Alert, d: &mut Diags) {
    for tc in &a.tests {
        for s in &tc.series {
            let e = Expr {
                text: s.series.val.clone(),
                origin: s.series.clone(),
                offset: 0,
            };
            match promql::parse(&e, ctx.sources) {
                Ok(Ast::VectorSelector(vs)) => {
                    if vs.name.is_none() {
                        d.error(s.series.pos, 1, "input series needs a metric name");
                    } else {
                        check_selector(ctx, &e, &vs, d);
                    }
                }
                Ok(_) => d.error(
                    s.series.pos,
                    s.series.val.chars().count(),
                    "input series must be a plain series selector like `up{job=\"x\"}`",
                ),
                Err(diag) => d.push(diag),
            }
        }
        for exp in &tc.expect {
            if let Err((pos, msg)) = expected_annotations(ctx.spec, a, exp) {
                d.error(pos, 1, format!("alert `{}`: {msg}", a.name.val));
            }
            for k in ["alertname", "severity", "component", "team"] {
                if let Some(v) = exp.labels.get(k) {
                    d.error(
                        v.pos,
                        1,
                        format!("expected label `{k}` is added by rulegen; leave it out"),
                    );
                }
            }
        }
    }
}

/// Parses and checks one expression; returns the AST when it parsed.
fn check_expr(ctx: &Ctx, e: &Expr, d: &mut Diags) -> Option<Ast> {
    let ast = match promql::parse(e, ctx.sources) {
        Ok(a) => a,
        Err(diag) => {
            d.push(diag);
            return None;
        }
    };
    walk(ctx, e, &ast, d);
    Some(ast)
}

fn selector_name(vs: &VectorSelector) -> Option<String> {
    vs.name.clone().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.clone())
    })
}

fn report_at(ctx: &Ctx, e: &Expr, word: &str) -> (Pos, usize) {
    match promql::find_word(&e.text, word) {
        Some(at) => (promql::position(e, at, ctx.sources), word.chars().count()),
        None => (promql::position(e, 0, ctx.sources), 1),
    }
}

fn check_selector(ctx: &Ctx, e: &Expr, vs: &VectorSelector, d: &mut Diags) {
    let Some(name) = selector_name(vs) else {
        return;
    };
    if !crate::decode::is_metric_name(&name) {
        let (pos, len) = report_at(ctx, e, &name);
        d.error(
            pos,
            len,
            format!(
                "metric name `{name}` is not portable to Prometheus 2.42 (UTF-8 names need 3.x)"
            ),
        );
        return;
    }
    let Some(known) = ctx.cat.get(&name) else {
        let (pos, len) = report_at(ctx, e, &name);
        let near = closest(&name, ctx.cat.names.keys().map(String::as_str), 3);
        let mut diag = Diagnostic::error(pos, len, format!("unknown metric `{name}`"));
        diag.help = did_you_mean(&near).or_else(|| {
            Some("not in metric-defs, a declared catalog, or a recording rule of this spec".into())
        });
        d.push(diag);
        return;
    };
    for m in &vs.matchers.matchers {
        if m.name == "job"
            && matches!(m.op, MatchOp::Equal)
            && !ctx.job_interval.contains_key(m.value.as_str())
        {
            let (pos, len) = report_at(ctx, e, &m.value);
            let mut diag =
                Diagnostic::error(pos, len, format!("no scrape job named `{}`", m.value));
            diag.help = did_you_mean(&closest(&m.value, ctx.job_interval.keys().copied(), 2));
            d.push(diag);
        }
        if let Some(labels) = &known.labels {
            if !labels.contains(&m.name)
                && !TARGET_LABELS.contains(&m.name.as_str())
                && !ctx.extra_labels.contains(&m.name)
            {
                let (pos, len) = report_at(ctx, e, &m.name);
                let mut all: Vec<&str> = labels.iter().map(String::as_str).collect();
                all.extend(TARGET_LABELS.iter().copied().filter(|l| *l != "__name__"));
                let mut diag = Diagnostic::error(
                    pos,
                    len,
                    format!("metric `{name}` has no label `{}`", m.name),
                );
                diag.help = did_you_mean(&closest(&m.name, all.iter().copied(), 2))
                    .or_else(|| Some(format!("its labels are: {}", all.join(", "))));
                d.push(diag);
            }
        }
    }
}

/// The slowest scrape interval among the jobs that produce `name`.
fn series_interval(ctx: &Ctx, vs: &VectorSelector, name: &str) -> Option<(Dur, String)> {
    let known = ctx.cat.get(name)?;
    if known.catalogs.contains("recording rule") {
        let g = ctx
            .spec
            .recording
            .iter()
            .find(|g| g.rules.iter().any(|r| r.record.val == name))?;
        let i = g.interval.unwrap_or(ctx.spec.global.evaluation_interval);
        return Some((
            i,
            format!("the evaluation interval of group `{}`", g.name.val),
        ));
    }
    let job_filter = vs
        .matchers
        .matchers
        .iter()
        .find(|m| m.name == "job" && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.as_str());
    let mut best: Option<(Dur, &str)> = None;
    for c in &known.catalogs {
        for job in ctx.catalog_jobs.get(c.as_str()).into_iter().flatten() {
            if job_filter.is_some_and(|j| j != *job) {
                continue;
            }
            if let Some(i) = ctx.job_interval.get(job) {
                if best.is_none_or(|(b, _)| *i > b) {
                    best = Some((*i, job));
                }
            }
        }
    }
    best.map(|(i, j)| (i, format!("the scrape interval of job `{j}`")))
}

const COUNTER_FUNCS: &[&str] = &["rate", "irate", "increase", "resets"];

/// Labels the series of `ast` can carry, when every selector in it has
/// declared labels (our own exporters); `None` when any is unknown.
fn possible_labels(ctx: &Ctx, ast: &Ast, out: &mut BTreeSet<String>) -> bool {
    match ast {
        Ast::VectorSelector(vs) => selector_labels(ctx, vs, out),
        Ast::MatrixSelector(ms) => selector_labels(ctx, &ms.vs, out),
        Ast::Call(c) => {
            if matches!(c.func.name, "label_replace" | "label_join") {
                if let Some(Ast::StringLiteral(dst)) = c.args.args.get(1).map(|b| b.as_ref()) {
                    out.insert(dst.val.clone());
                }
            }
            c.args.args.iter().all(|a| possible_labels(ctx, a, out))
        }
        Ast::Aggregate(a) => {
            let mut inner = BTreeSet::new();
            let known = possible_labels(ctx, &a.expr, &mut inner);
            match &a.modifier {
                Some(promql_parser::parser::LabelModifier::Include(l)) => {
                    out.extend(l.labels.iter().cloned());
                }
                _ => out.extend(inner),
            }
            known
        }
        Ast::Binary(b) => possible_labels(ctx, &b.lhs, out) & possible_labels(ctx, &b.rhs, out),
        Ast::Paren(p) => possible_labels(ctx, &p.expr, out),
        Ast::Unary(u) => possible_labels(ctx, &u.expr, out),
        Ast::Subquery(sq) => possible_labels(ctx, &sq.expr, out),
        Ast::NumberLiteral(_) | Ast::StringLiteral(_) => true,
        _ => false,
    }
}

fn selector_labels(ctx: &Ctx, vs: &VectorSelector, out: &mut BTreeSet<String>) -> bool {
    let Some(labels) = selector_name(vs)
        .and_then(|n| ctx.cat.get(&n))
        .and_then(|k| k.labels.as_ref())
    else {
        return false;
    };
    out.extend(labels.iter().cloned());
    out.extend(["job", "instance"].map(String::from));
    out.extend(ctx.extra_labels.iter().cloned());
    true
}

/// `sum by (x)` where no series inside can carry `x` is almost always a typo.
fn check_grouping(ctx: &Ctx, e: &Expr, a: &promql_parser::parser::AggregateExpr, d: &mut Diags) {
    let Some(promql_parser::parser::LabelModifier::Include(by)) = &a.modifier else {
        return;
    };
    let mut possible = BTreeSet::new();
    if !possible_labels(ctx, &a.expr, &mut possible) {
        return;
    }
    for l in &by.labels {
        if !possible.contains(l) {
            let (pos, len) = report_at(ctx, e, l);
            let mut diag = Diagnostic::error(
                pos,
                len,
                format!("no series here has a label `{l}` to group by"),
            );
            diag.help =
                did_you_mean(&closest(l, possible.iter().map(String::as_str), 2)).or_else(|| {
                    Some(format!(
                        "labels available: {}",
                        possible.iter().cloned().collect::<Vec<_>>().join(", ")
                    ))
                });
            d.push(diag);
        }
    }
}

fn walk(ctx: &Ctx, e: &Expr, ast: &Ast, d: &mut Diags) {
    match ast {
        Ast::VectorSelector(vs) => check_selector(ctx, e, vs, d),
        Ast::MatrixSelector(ms) => {
            check_selector(ctx, e, &ms.vs, d);
            if let Some(name) = selector_name(&ms.vs) {
                if let Some((interval, from)) = series_interval(ctx, &ms.vs, &name) {
                    let range = ms.range.as_millis() as u64;
                    if range < interval.millis().saturating_mul(4) {
                        let range_txt = Dur(range).to_string();
                        let (pos, len) = match e.text.find(&format!("[{range_txt}")) {
                            Some(at) => (promql::position(e, at + 1, ctx.sources), range_txt.len()),
                            None => report_at(ctx, e, &name),
                        };
                        d.push(
                            Diagnostic::error(
                                pos,
                                len,
                                format!(
                            "range [{range_txt}] on `{name}` is shorter than 4x {from} ({interval})"
                        ),
                            )
                            .with_help(format!("use at least [{}]", Dur(interval.millis() * 4))),
                        );
                    }
                }
            }
        }
        Ast::Call(c) => {
            let fname = c.func.name;
            if !PORTABLE_FUNCTIONS.contains(&fname) {
                let (pos, len) = report_at(ctx, e, fname);
                d.error(
                    pos,
                    len,
                    format!("function `{fname}` is not available in both Prometheus 2.42 and 3.x"),
                );
            }
            if COUNTER_FUNCS.contains(&fname) {
                if let Some(Ast::MatrixSelector(ms)) = c.args.args.first().map(|b| b.as_ref()) {
                    if let Some(name) = selector_name(&ms.vs) {
                        if ctx.cat.get(&name).is_some_and(|k| k.kind == Kind::Gauge) {
                            let (pos, len) = report_at(ctx, e, &name);
                            d.push(Diagnostic::error(pos, len, format!("`{fname}` on `{name}`, which is a gauge"))
                                .with_help("`rate`/`increase` only make sense on counters; use `deriv()` or `delta()` for gauges"));
                        }
                    }
                }
            }
            for a in &c.args.args {
                walk(ctx, e, a, d);
            }
        }
        Ast::Aggregate(a) => {
            check_grouping(ctx, e, a, d);
            let op = a.op.to_string();
            if !PORTABLE_AGGREGATIONS.contains(&op.as_str()) {
                let (pos, len) = report_at(ctx, e, &op);
                d.error(
                    pos,
                    len,
                    format!("aggregation `{op}` is not available in both Prometheus 2.42 and 3.x"),
                );
            }
            walk(ctx, e, &a.expr, d);
            if let Some(p) = &a.param {
                walk(ctx, e, p, d);
            }
        }
        Ast::Binary(b) => {
            walk(ctx, e, &b.lhs, d);
            walk(ctx, e, &b.rhs, d);
        }
        Ast::Paren(p) => walk(ctx, e, &p.expr, d),
        Ast::Unary(u) => walk(ctx, e, &u.expr, d),
        Ast::Subquery(s) => walk(ctx, e, &s.expr, d),
        _ => {}
    }
}

fn check_routing(r: &crate::model::Routing, d: &mut Diags) {
    let mut names: BTreeMap<&str, Pos> = BTreeMap::new();
    for rc in &r.receivers {
        if let Some(first) = names.insert(&rc.name.val, rc.name.pos) {
            d.push(
                Diagnostic::error(
                    rc.name.pos,
                    rc.name.val.chars().count(),
                    format!("duplicate receiver `{}`", rc.name.val),
                )
                .with_help(format!("first defined at line {}", first.line)),
            );
        }
        if rc
            .integrations
            .iter()
            .any(|i| matches!(i, crate::model::Integration::Email { .. }))
            && r.smtp.is_none()
        {
            d.error(
                rc.name.pos,
                rc.name.val.chars().count(),
                format!(
                    "receiver `{}` sends email but `routing.smtp` is not set",
                    rc.name.val
                ),
            );
        }
    }
    if r.route.receiver.is_none() {
        d.error(
            r.route.pos,
            1,
            "the root route needs a `receiver` (the default for unmatched alerts)",
        );
    }
    if !r.route.matchers.is_empty() || !r.route.matchers_re.is_empty() {
        d.error(r.route.pos, 1, "the root route must not have matchers");
    }
    let mut used = BTreeSet::new();
    check_route(&r.route, &names, &mut used, d);
    for (n, pos) in &names {
        if !used.contains(n) {
            d.push(Diagnostic {
                level: crate::diag::Level::Warning,
                pos: *pos,
                len: n.chars().count() as u32,
                message: format!("receiver `{n}` is not used by any route"),
                help: None,
            });
        }
    }
    for inh in &r.inhibit {
        for l in &inh.equal {
            if !is_label_name(&l.val) {
                d.error(
                    l.pos,
                    l.val.chars().count(),
                    format!("invalid label name `{}`", l.val),
                );
            }
        }
    }
}

fn check_route<'a>(
    route: &'a crate::model::Route,
    names: &BTreeMap<&str, Pos>,
    used: &mut BTreeSet<&'a str>,
    d: &mut Diags,
) {
    if let Some(rc) = &route.receiver {
        if !names.contains_key(rc.val.as_str()) {
            let mut diag = Diagnostic::error(
                rc.pos,
                rc.val.chars().count(),
                format!("unknown receiver `{}`", rc.val),
            );
            diag.help = did_you_mean(&closest(&rc.val, names.keys().copied(), 2));
            d.push(diag);
        }
        used.insert(rc.val.as_str());
    }
    for g in &route.group_by {
        if g.val != "..." && !is_label_name(&g.val) {
            d.error(
                g.pos,
                g.val.chars().count(),
                format!("invalid label name `{}` in group_by", g.val),
            );
        }
    }
    for v in route.matchers_re.values() {
        if let Err(e) = regex::Regex::new(&format!("^(?:{})$", v.val)) {
            let first = e
                .to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string();
            d.error(
                v.pos,
                v.val.chars().count(),
                format!("invalid regex `{}`: {first}", v.val),
            );
        }
    }
    for c in &route.routes {
        check_route(c, names, used, d);
    }
}
