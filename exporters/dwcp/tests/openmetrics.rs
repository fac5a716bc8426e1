//! The OpenMetrics output with every DWCP family populated parses.

mod common;

use common::{Proc, TIMEOUT};
use dwcp_exporter::client;

#[test]
fn openmetrics_output_parses_with_all_families() {
    let p = Proc::start(&[]);
    let batch: String = common::cases()
        .iter()
        .map(|(l, _)| format!("{l}\n"))
        .collect();
    assert_eq!(p.post(&batch).status, 200);
    let r = client::get(
        &format!("{}/metrics", p.base),
        &[("Accept", "application/openmetrics-text; version=1.0.0")],
        TIMEOUT,
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.ends_with("# EOF\n"));
    let parsed = openmetrics_parser::openmetrics::parse_openmetrics(&r.body)
        .unwrap_or_else(|e| panic!("OpenMetrics output does not parse: {e:?}"));
    for def in metric_defs::dwcp::PROTOCOL {
        let family = match def.kind {
            metric_defs::MetricType::Counter => def.name.strip_suffix("_total").unwrap(),
            _ => def.name,
        };
        let f = parsed
            .families
            .get(family)
            .unwrap_or_else(|| panic!("{family} missing"));
        assert!(f.iter_samples().next().is_some(), "{family} has no samples");
    }
}
