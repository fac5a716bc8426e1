//! A table of broken specs: each must fail with exactly these messages at
//! exactly these lines and columns (and nothing else).

mod common;

use common::scratch_with;

const BASE: &str = r#"version: 1
scrape_jobs:
  - name: dwcp-exporter
    exposes: [dwcp-exporter]
    criticality: critical
    targets: ["127.0.0.1:9470"]
alerts:
  - group: g
    rules:
      - alert: StreamsHigh
        expr: dwcp_amst_streams_active > 100
        severity: warning
        component: dwcp
        summary: s
        description: d
        tests:
          - series:
              - series: 'dwcp_amst_streams_active{job="dwcp-exporter",instance="a"}'
                values: '200x5'
            at: 5m
            expect:
              - labels: {job: dwcp-exporter, instance: a}
"#;

const ROUTING: &str = r#"routing:
  receivers:
    - name: oncall
      webhook: [{url: "https://user:pw@hooks.example/x"}]
  route:
    receiver: oncal
"#;

/// `line:col: level: message [help]` for every diagnostic of `spec`.
fn diagnose(spec: &str) -> Vec<String> {
    let s = scratch_with("broken", &[("spec.yaml", spec)]);
    let c = rulegen::compile(&s.0.join("spec.yaml"));
    assert!(!c.ok(), "spec unexpectedly valid:\n{spec}");
    assert!(c.files.is_empty(), "files produced despite errors");
    c.diags
        .list
        .iter()
        .map(|d| {
            let level = match d.level {
                rulegen::diag::Level::Error => "error",
                rulegen::diag::Level::Warning => "warning",
            };
            match &d.help {
                Some(h) => format!("{}:{}: {level}: {} [{h}]", d.pos.line, d.pos.col, d.message),
                None => format!("{}:{}: {level}: {}", d.pos.line, d.pos.col, d.message),
            }
        })
        .collect()
}

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE lacks {from:?}");
    BASE.replacen(from, to, 1)
}

#[test]
fn base_spec_is_valid() {
    let s = scratch_with("base", &[("spec.yaml", BASE)]);
    let c = rulegen::compile(&s.0.join("spec.yaml"));
    assert!(c.ok(), "{}", c.diags.render(&c.sources));
    assert_eq!(
        c.files.len(),
        3,
        "prometheus.yml, one rule file, one test file"
    );
}

#[test]
fn broken_spec_table() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "misspelled key",
            edit("        summary: s", "        sumary: s"),
            vec![
                "10:16: error: alert `StreamsHigh` has no summary",
                "14:9: error: unknown key `sumary` in alert [did you mean `summary`?]",
            ],
        ),
        (
            "wrong type",
            edit("severity: warning", "severity: 3"),
            vec!["12:19: error: expected a string, found an integer"],
        ),
        (
            "missing required field",
            edit("        component: dwcp\n", ""),
            vec!["10:9: error: missing required field `component` in alert"],
        ),
        (
            "unknown severity",
            edit("severity: warning", "severity: warn"),
            vec!["12:19: error: unknown severity `warn` [did you mean `warning`?]"],
        ),
        (
            "unknown top-level section",
            edit("alerts:", "alert:"),
            vec!["7:1: error: unknown key `alert` in the spec [did you mean `alerts`?]"],
        ),
        (
            "PromQL: unknown function",
            edit("expr: dwcp_amst_streams_active > 100", "expr: rat(dwcp_amst_streams_active[5m]) > 100"),
            vec!["11:15: error: invalid PromQL: unknown function with name 'rat' [did you mean one of `rad`, `rate`?]"],
        ),
        (
            "PromQL: unclosed parenthesis",
            edit("expr: dwcp_amst_streams_active > 100", "expr: sum(dwcp_amst_streams_active > 100"),
            vec!["11:18: error: invalid PromQL: unclosed left parenthesis"],
        ),
        (
            "PromQL: truncated expression",
            edit("expr: dwcp_amst_streams_active > 100", "expr: dwcp_amst_streams_active >"),
            vec!["11:40: error: invalid PromQL: invalid promql query"],
        ),
        (
            "unknown metric",
            edit("expr: dwcp_amst_streams_active > 100", "expr: dwcp_amst_stream_active > 100"),
            vec!["11:15: error: unknown metric `dwcp_amst_stream_active` [did you mean `dwcp_amst_streams_active`?]"],
        ),
        (
            "unknown label of an exporter metric",
            edit(
                "expr: dwcp_amst_streams_active > 100",
                "expr: sum(rate(dwcp_amst_stream_errors_total{error_typ=\"reset\"}[1m])) > 100",
            ),
            vec!["11:54: error: metric `dwcp_amst_stream_errors_total` has no label `error_typ` [did you mean `error_type`?]"],
        ),
        (
            "grouping by a label no series has",
            edit(
                "expr: dwcp_amst_streams_active > 100",
                "expr: sum by (job, instnace) (rate(dwcp_amst_stream_errors_total[1m])) > 100",
            ),
            vec!["11:28: error: no series here has a label `instnace` to group by [did you mean `instance`?]"],
        ),
        (
            "rate over a gauge",
            edit("expr: dwcp_amst_streams_active > 100", "expr: rate(dwcp_amst_streams_active[1m]) > 100"),
            vec![
                "11:20: error: `rate` on `dwcp_amst_streams_active`, which is a gauge \
                 [`rate`/`increase` only make sense on counters; use `deriv()` or `delta()` for gauges]",
            ],
        ),
        (
            "range shorter than 4x the scrape interval",
            edit("expr: dwcp_amst_streams_active > 100", "expr: rate(dwcp_amst_sent_bytes_total[2s]) > 100"),
            vec![
                "11:47: error: range [2s] on `dwcp_amst_sent_bytes_total` is shorter than 4x the scrape interval \
                 of job `dwcp-exporter` (1s) [use at least [4s]]",
            ],
        ),
        (
            "no scrape job of that name",
            edit("expr: dwcp_amst_streams_active > 100", "expr: up{job=\"dwcp\"} == 0"),
            vec!["11:23: error: no scrape job named `dwcp` [did you mean `dwcp-exporter`?]"],
        ),
        (
            "alert without comparison",
            edit("expr: dwcp_amst_streams_active > 100", "expr: dwcp_amst_streams_active"),
            vec![
                "11:15: error: alert `StreamsHigh` has no comparison, so it always fires \
                 [compare against a threshold, e.g. `... > 0.05`, or use `absent()`]",
            ],
        ),
        (
            "$value in a label",
            edit("        summary: s\n", "        summary: s\n        labels: {value: \"{{ $value }}\"}\n"),
            vec![
                "15:25: error: label `value` of alert `StreamsHigh` uses the alert value \
                 [a label that changes with the value creates a new alert on every change; use an annotation]",
            ],
        ),
        (
            "alert name not CamelCase",
            edit("alert: StreamsHigh", "alert: streams_high"),
            vec!["10:16: error: alert name `streams_high` is not CamelCase [e.g. `StreamsHigh`]"],
        ),
        (
            "critical alert without runbook or for",
            edit("severity: warning", "severity: critical"),
            vec![
                "10:16: error: critical alert `StreamsHigh` has no `for` duration \
                 [a critical page should not fire on a single evaluation; add e.g. `for: 2m`]",
                "10:16: error: critical alert `StreamsHigh` has no runbook",
            ],
        ),
        (
            "invalid duration",
            edit("        severity: warning\n", "        for: 5x\n        severity: warning\n"),
            vec!["12:14: error: invalid duration `5x`: unknown unit `x` (use ms, s, m, h, d, w, y)"],
        ),
        (
            "alert without unit test",
            BASE[..BASE.find("        tests:").unwrap()].to_string(),
            vec![
                "10:16: error: alert `StreamsHigh` has no unit test case \
                 [add `tests:` with input series and the alerts expected at a given time]",
            ],
        ),
        (
            "annotation with $value but no expected value",
            edit("description: d", "description: \"now {{ $value }}\""),
            vec![
                "22:17: error: alert `StreamsHigh`: annotation `description`: template uses `$value`: \
                 give the expected `value` in the test case",
            ],
        ),
        (
            "invalid promtool series values",
            edit("values: '200x5'", "values: '200y5'"),
            vec![
                "19:25: error: invalid series value `200y5` (use promtool notation: `1 2 3`, `0+10x5`, `_x3`, `stale`)",
            ],
        ),
        (
            "duplicate alert",
            format!("{BASE}{}", &BASE[BASE.find("      - alert:").unwrap()..]),
            vec!["23:16: error: duplicate alert `StreamsHigh` with severity warning [first defined at line 10]"],
        ),
        (
            "recording rule name",
            format!(
                "{BASE}recording_rules:\n  - group: r\n    rules:\n      - record: dwcp_streams\n        expr: sum(dwcp_amst_streams_active)\n"
            ),
            vec![
                "26:17: error: recording rule name `dwcp_streams` does not follow `level:metric:operations` \
                 [e.g. `job:dwcp_amst_sent_bytes:rate5m`]",
            ],
        ),
        (
            "routing: unknown receiver and a secret in a URL",
            format!("{BASE}{ROUTING}"),
            vec![
                "25:13: warning: receiver `oncall` is not used by any route",
                "26:23: error: URL carries credentials or a query string; secrets must not appear in the spec \
                 [put the token in a file and use `credentials_file`]",
                "28:15: error: unknown receiver `oncal` [did you mean `oncall`?]",
            ],
        ),
        (
            "routing: invalid regex matcher",
            format!(
                "{BASE}routing:\n  receivers: [{{name: r, webhook: [{{url: \"http://127.0.0.1:5001/\"}}]}}]\n  route:\n    receiver: r\n    routes:\n      - {{match_re: {{component: \"dwcp(\"}}, receiver: r}}\n"
            ),
            vec!["28:32: error: invalid regex `dwcp(`: error: unclosed group"],
        ),
        (
            "YAML syntax error",
            edit("expr: dwcp_amst_streams_active > 100", "expr: [dwcp_amst_streams_active > 100"),
            vec!["12:17: error: invalid YAML: illegal placement of ':' indicator"],
        ),
    ];
    let mut failures = Vec::new();
    for (name, spec, expected) in &cases {
        let got = diagnose(spec);
        if got != *expected {
            failures.push(format!(
                "case `{name}`:\n  expected: {expected:#?}\n  got:      {got:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let spec = edit("        summary: s", "        sumary: s")
        .replacen("severity: warning", "severity: warn", 1)
        .replacen(
            "expr: dwcp_amst_streams_active > 100",
            "expr: dwcp_amst_stream_active > 100",
            1,
        )
        .replacen("exposes: [dwcp-exporter]", "exposes: [dwcp-exportr]", 1);
    let got = diagnose(&spec);
    assert_eq!(
        got,
        vec![
            "4:15: error: unknown metric catalog `dwcp-exportr` [did you mean `dwcp-exporter`?]",
            "12:19: error: unknown severity `warn` [did you mean `warning`?]",
            "14:9: error: unknown key `sumary` in alert [did you mean `summary`?]",
        ],
        "the alert with an invalid severity is dropped, the other problems are all reported"
    );
}

#[test]
fn rendering_is_rustc_style() {
    let s = scratch_with(
        "render",
        &[(
            "spec.yaml",
            &edit("        summary: s", "        sumary: s"),
        )],
    );
    let path = s.0.join("spec.yaml");
    let c = rulegen::compile(&path);
    let text = c.diags.render(&c.sources);
    let expected = format!(
        "{p}:10:16: error: alert `StreamsHigh` has no summary\n   |\n10 |       - alert: StreamsHigh\n   |                \
         ^^^^^^^^^^^\n\n{p}:14:9: error: unknown key `sumary` in alert\n   |\n14 |         sumary: s\n   |         ^^^^^^\n   \
         = help: did you mean `summary`?\n\nerror: spec has 2 errors\n",
        p = path.display()
    );
    assert_eq!(text, expected);
}

#[test]
fn hostile_input_is_rejected_without_panic() {
    // deep nesting
    let deep = format!(
        "version: 1\nscrape_jobs: {}{}\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let got = diagnose(&deep);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("2:") && got[0].contains("invalid YAML"),
        "{got:?}"
    );
    // a billion-laughs style alias bomb
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    let got = diagnose(&bomb);
    assert!(got.iter().any(|g| g.contains("invalid YAML")), "{got:?}");
    // a file above the size limit is refused before it is read
    let s = scratch_with("big", &[]);
    let path = s.0.join("big.yaml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(rulegen::load::MAX_FILE_BYTES + 1).unwrap();
    let c = rulegen::compile(&path);
    assert_eq!(c.diags.error_count(), 1);
    assert!(
        c.diags.list[0]
            .message
            .contains("above the 33554432 byte limit"),
        "{}",
        c.diags.list[0].message
    );
}
