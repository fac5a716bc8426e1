//! `prometheus/tests/<group>.yml`: promtool unit tests generated from the
//! test cases of each alert group.

use std::collections::BTreeMap;

use crate::check::expected_annotations;
use crate::emit::rules;
use crate::emit::yaml::Y;
use crate::model::{Alert, Spec};

fn test_group(spec: &Spec, a: &Alert, tc: &crate::model::TestCase) -> Y {
    let series = tc
        .series
        .iter()
        .map(|s| {
            Y::map()
                .with("series", Y::s(&s.series.val))
                .with("values", Y::s(&s.values.val))
        })
        .collect();
    let exp: Vec<Y> = tc
        .expect
        .iter()
        .map(|e| {
            let mut labels: BTreeMap<String, String> = e
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.val.clone()))
                .collect();
            labels.extend(
                crate::check::expected_alert(spec, a, e)
                    .unwrap_or(a)
                    .all_labels(),
            );
            let ann = expected_annotations(spec, a, e).unwrap_or_default();
            Y::map()
                .with("exp_labels", Y::str_map(labels.iter()))
                .with("exp_annotations", Y::str_map(ann.iter()))
        })
        .collect();
    let mut g = Y::map().with("interval", Y::s(tc.interval.to_string()));
    if !spec.global.external_labels.is_empty() {
        g.put(
            "external_labels",
            Y::Map(
                spec.global
                    .external_labels
                    .iter()
                    .map(|(k, v)| (k.clone(), Y::s(&v.val)))
                    .collect(),
            ),
        );
    }
    g.put("input_series", Y::Seq(series));
    g.put(
        "alert_rule_test",
        Y::Seq(vec![Y::map()
            .with("eval_time", Y::s(tc.at.val.to_string()))
            .with("alertname", Y::s(&a.name.val))
            .with("exp_alerts", Y::Seq(exp))]),
    );
    g
}

/// `(file stem, document)` for every alert group that has test cases.
pub fn files(spec: &Spec) -> Vec<(String, Y)> {
    // every test loads every rule file: alerts may read recording rules, and
    // promtool compares all alerts of a name (warning and critical siblings)
    let rule_files: Vec<String> = rules::files(spec)
        .into_iter()
        .map(|(n, _)| format!("../rules/{n}.yml"))
        .collect();
    let mut out = Vec::new();
    for g in &spec.alerts {
        let mut cases = Vec::new();
        for a in &g.rules {
            for tc in &a.tests {
                cases.push(test_group(spec, a, tc));
            }
        }
        if cases.is_empty() {
            continue;
        }
        let doc = Y::map()
            .with("rule_files", Y::strs(rule_files.clone()))
            .with(
                "evaluation_interval",
                Y::s(spec.global.evaluation_interval.to_string()),
            )
            .with("tests", Y::Seq(cases));
        out.push((g.name.val.clone(), doc));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
