//! `prometheus/rules/<group>.yml`: one file per recording or alert group.

use crate::emit::yaml::Y;
use crate::model::{Alert, Group, Record, Spec};

fn record(r: &Record) -> Y {
    let mut m = Y::map()
        .with("record", Y::s(&r.record.val))
        .with("expr", Y::s(&r.expr.text));
    if !r.labels.is_empty() {
        m.put(
            "labels",
            Y::Map(
                r.labels
                    .iter()
                    .map(|(k, v)| (k.clone(), Y::s(&v.val)))
                    .collect(),
            ),
        );
    }
    m
}

/// One alerting rule as it appears in a rule file.
pub fn alert(a: &Alert) -> Y {
    let mut m = Y::map()
        .with("alert", Y::s(&a.name.val))
        .with("expr", Y::s(&a.expr.text));
    if let Some(f) = &a.for_ {
        m.put("for", Y::s(f.val.to_string()));
    }
    m.put("labels", Y::str_map(a.all_labels().iter()));
    m.put(
        "annotations",
        Y::Map(
            a.annotations()
                .into_iter()
                .map(|(k, v)| (k, Y::s(v.val)))
                .collect(),
        ),
    );
    m
}

fn group<R>(g: &Group<R>, f: fn(&R) -> Y) -> Y {
    let mut m = Y::map().with("name", Y::s(&g.name.val));
    if let Some(i) = g.interval {
        m.put("interval", Y::s(i.to_string()));
    }
    m.put("rules", Y::Seq(g.rules.iter().map(f).collect()));
    Y::map().with("groups", Y::Seq(vec![m]))
}

/// `(file stem, document)` for every rule group, recording groups first.
pub fn files(spec: &Spec) -> Vec<(String, Y)> {
    let mut out: Vec<(String, Y)> = Vec::new();
    for g in &spec.recording {
        out.push((g.name.val.clone(), group(g, record)));
    }
    for g in &spec.alerts {
        out.push((g.name.val.clone(), group(g, alert)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
