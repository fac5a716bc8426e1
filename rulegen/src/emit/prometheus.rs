//! `prometheus/prometheus.yml`: global settings, scrape jobs, rule files,
//! Alertmanager targets, optional federation job and remote write.

use crate::check::job_interval;
use crate::decode::Dur;
use crate::emit::rules;
use crate::emit::yaml::Y;
use crate::model::Spec;

/// Prometheus's default scrape timeout.
const DEFAULT_TIMEOUT: Dur = Dur(10_000);

fn labels(map: &std::collections::BTreeMap<String, crate::decode::Sp<String>>) -> Y {
    Y::Map(map.iter().map(|(k, v)| (k.clone(), Y::s(&v.val))).collect())
}

/// The Prometheus configuration document.
pub fn config(spec: &Spec) -> Y {
    let mut global = Y::map()
        .with(
            "scrape_interval",
            Y::s(spec.global.scrape_interval.to_string()),
        )
        .with(
            "evaluation_interval",
            Y::s(spec.global.evaluation_interval.to_string()),
        );
    let global_timeout = spec
        .global
        .scrape_timeout
        .unwrap_or(DEFAULT_TIMEOUT)
        .min(spec.global.scrape_interval);
    global.put("scrape_timeout", Y::s(global_timeout.to_string()));
    if !spec.global.external_labels.is_empty() {
        global.put("external_labels", labels(&spec.global.external_labels));
    }
    let mut doc = Y::map().with("global", global);
    // rule files are relative to prometheus.yml's own directory
    let files: Vec<String> = rules::files(spec)
        .into_iter()
        .map(|(n, _)| format!("rules/{n}.yml"))
        .collect();
    doc.put("rule_files", Y::strs(files));
    if !spec.alertmanagers.is_empty() {
        doc.put(
            "alerting",
            Y::map().with(
                "alertmanagers",
                Y::Seq(vec![Y::map().with(
                    "static_configs",
                    Y::Seq(vec![Y::map().with(
                        "targets",
                        Y::strs(spec.alertmanagers.iter().map(|t| t.val.clone())),
                    )]),
                )]),
            ),
        );
    }
    let mut jobs = Vec::new();
    for job in &spec.jobs {
        let interval = job_interval(spec, job);
        let timeout = job
            .timeout
            .as_ref()
            .map(|t| t.val)
            .unwrap_or(global_timeout)
            .min(interval);
        let mut j = Y::map()
            .with("job_name", Y::s(&job.name.val))
            .with("scrape_interval", Y::s(interval.to_string()))
            .with("scrape_timeout", Y::s(timeout.to_string()));
        if let Some(p) = &job.metrics_path {
            j.put("metrics_path", Y::s(p));
        }
        if let Some(s) = &job.scheme {
            j.put("scheme", Y::s(s));
        }
        let mut sc = Y::map().with(
            "targets",
            Y::strs(job.targets.iter().map(|t| t.val.clone())),
        );
        if !job.labels.is_empty() {
            sc.put("labels", labels(&job.labels));
        }
        j.put("static_configs", Y::Seq(vec![sc]));
        jobs.push(j);
    }
    if let Some(f) = &spec.federation {
        let mut j = Y::map().with("job_name", Y::s(&f.name));
        if let Some(i) = f.interval {
            j.put("scrape_interval", Y::s(i.to_string()));
        }
        j.put("honor_labels", Y::Bool(true));
        j.put("metrics_path", Y::s("/federate"));
        j.put(
            "params",
            Y::map().with("match[]", Y::strs(f.matches.iter().map(|m| m.val.clone()))),
        );
        j.put(
            "static_configs",
            Y::Seq(vec![Y::map().with(
                "targets",
                Y::strs(f.targets.iter().map(|t| t.val.clone())),
            )]),
        );
        jobs.push(j);
    }
    doc.put("scrape_configs", Y::Seq(jobs));
    if !spec.remote_write.is_empty() {
        let rw = spec
            .remote_write
            .iter()
            .map(|r| {
                let mut m = Y::map().with("url", Y::s(&r.url.val));
                if let Some(n) = &r.name {
                    m.put("name", Y::s(n));
                }
                if let Some(f) = &r.bearer_token_file {
                    m.put("authorization", Y::map().with("credentials_file", Y::s(f)));
                }
                if let Some(k) = &r.keep_metrics {
                    m.put(
                        "write_relabel_configs",
                        Y::Seq(vec![Y::map()
                            .with("source_labels", Y::strs(["__name__"]))
                            .with("regex", Y::s(k))
                            .with("action", Y::s("keep"))]),
                    );
                }
                m
            })
            .collect();
        doc.put("remote_write", Y::Seq(rw));
    }
    doc
}
