//! `rulegen explain ALERT`: the compiled rule, where it came from, and its route.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::emit::{alertmanager, rules, yaml};
use crate::Compiled;

/// Explains every alert named `name`; `None` when there is none.
pub fn explain(c: &Compiled, name: &str) -> Option<String> {
    let mut out = String::new();
    for g in &c.spec.alerts {
        for a in &g.rules {
            if a.name.val != name {
                continue;
            }
            let _ = writeln!(
                out,
                "alert {} (severity {}) from {}:{}:{}, group `{}`, file prometheus/rules/{}.yml",
                a.name.val,
                a.severity.val,
                c.sources.path(a.pos.file).display(),
                a.pos.line,
                a.pos.col,
                g.name.val,
                g.name.val
            );
            if a.from_threshold {
                let _ = writeln!(out, "  compiled from a structured threshold");
            }
            for line in yaml::to_string(&yaml::Y::Seq(vec![rules::alert(a)])).lines() {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "  unit test cases: {}", a.tests.len());
            if let Some(r) = &c.spec.routing {
                let mut labels: BTreeMap<String, String> = a.all_labels();
                labels.insert("alertname".into(), a.name.val.clone());
                let recv = alertmanager::receivers_for(r, &labels);
                let _ = writeln!(out, "  routed to: {}", recv.join(", "));
            }
            out.push('\n');
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}
