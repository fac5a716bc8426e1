//! Golden files: `tests/golden/in-full.yaml` (every section of the spec) must
//! produce exactly the files under `tests/golden/out-full/`, and the Jsonnet
//! variant must produce the same files. Regenerate with
//! `RULEGEN_UPDATE_GOLDEN=1 cargo test -p rulegen --test golden`.

mod common;

use std::path::PathBuf;

fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn without_header(text: &str) -> &str {
    text.split_once('\n').map(|(_, rest)| rest).unwrap_or(text)
}

#[test]
fn full_spec_matches_golden_files() {
    let c = rulegen::compile(&golden().join("in-full.yaml"));
    assert!(c.ok(), "{}", c.diags.render(&c.sources));
    let out = golden().join("out-full");
    if std::env::var_os("RULEGEN_UPDATE_GOLDEN").is_some() {
        rulegen::output::write_all(&out, &c.files).unwrap();
    }
    let problems = rulegen::output::diff(&out, &c.files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let names: Vec<String> = c
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "alertmanager/alertmanager.yml",
            "prometheus/prometheus.yml",
            "prometheus/rules/golden-alerts.yml",
            "prometheus/rules/golden-recording.yml",
            "prometheus/tests/golden-alerts.yml",
            "sla/sla-exporter.yml",
        ]
    );
}

#[test]
fn jsonnet_spec_produces_the_same_files() {
    let y = rulegen::compile(&golden().join("in-full.yaml"));
    let j = rulegen::compile(&golden().join("in-full.jsonnet"));
    assert!(j.ok(), "{}", j.diags.render(&j.sources));
    assert_eq!(y.files.len(), j.files.len());
    for (a, b) in y.files.iter().zip(&j.files) {
        assert_eq!(a.path, b.path);
        assert_eq!(
            without_header(&a.text),
            without_header(&b.text),
            "{}",
            a.path.display()
        );
    }
}

#[test]
fn jsonnet_errors_point_into_the_manifested_json() {
    let s = common::scratch_with(
        "jsonnet",
        &[(
            "bad.jsonnet",
            "{ version: 1, scrape_jobs: [{ name: 'x', targets: ['127.0.0.1:1'], exposez: [] }] }\n",
        )],
    );
    let c = rulegen::compile(&s.0.join("bad.jsonnet"));
    let heads: Vec<String> = c
        .diags
        .list
        .iter()
        .map(|d| d.headline(&c.sources))
        .collect();
    assert_eq!(
        heads,
        [format!(
            "{}.json:4:7: error: unknown key `exposez` in scrape job",
            s.0.join("bad.jsonnet").display()
        )]
    );
    let s = common::scratch_with("jsonnet2", &[("syntax.jsonnet", "{ version: 1, \n")]);
    let c = rulegen::compile(&s.0.join("syntax.jsonnet"));
    assert_eq!(c.diags.error_count(), 1);
    assert!(
        c.diags.list[0].message.contains("syntax.jsonnet"),
        "{}",
        c.diags.list[0].message
    );
}
