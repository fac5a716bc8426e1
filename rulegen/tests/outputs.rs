//! Output properties: the committed configs match the spec, output is
//! deterministic, `build --check` catches hand edits and stale files, and
//! nothing is written when the spec has errors.

mod common;

use common::{repo, rulegen, run, shipped_spec, snapshot, Scratch};

#[test]
fn committed_configs_match_the_shipped_spec() {
    let c = rulegen::compile(&shipped_spec());
    assert!(c.ok(), "{}", c.diags.render(&c.sources));
    let problems = rulegen::output::diff(&repo().join("configs"), &c.files);
    assert!(
        problems.is_empty(),
        "run `rulegen build`:\n{}",
        problems.join("\n")
    );
}

#[test]
fn shipped_spec_covers_the_design() {
    let c = rulegen::compile(&shipped_spec());
    assert!(c.ok(), "{}", c.diags.render(&c.sources));
    let alerts: Vec<&rulegen::model::Alert> =
        c.spec.alerts.iter().flat_map(|g| g.rules.iter()).collect();
    let dwcp = alerts
        .iter()
        .filter(|a| a.name.val.starts_with("Dwcp") && a.name.val != "DwcpExporterDown")
        .count();
    let records: usize = c.spec.recording.iter().map(|g| g.rules.len()).sum();
    assert!(dwcp >= 17, "{dwcp} DWCP alerts");
    assert!(records >= 25, "{records} recording rules");
    for sev in ["critical", "warning", "info"] {
        assert!(
            alerts
                .iter()
                .any(|a| a.name.val.starts_with("Dwcp") && a.severity.val == sev),
            "no DWCP {sev} alert"
        );
    }
    // one `up == 0` alert per scrape job
    for job in &c.spec.jobs {
        let want = format!("up{{job=\"{}\"}} == 0", job.name.val);
        assert!(
            alerts.iter().any(|a| a.expr.text == want),
            "no service-down alert for job {}",
            job.name.val
        );
    }
    assert!(alerts.iter().all(|a| !a.tests.is_empty()));
}

#[test]
fn output_is_deterministic() {
    let a = rulegen::compile(&shipped_spec());
    let b = rulegen::compile(&shipped_spec());
    assert_eq!(a.files, b.files);
    let (d1, d2) = (Scratch::new("det1").unwrap(), Scratch::new("det2").unwrap());
    for d in [&d1, &d2] {
        let (ok, out) = run(rulegen()
            .arg("--spec")
            .arg(shipped_spec())
            .arg("--out")
            .arg(&d.0)
            .arg("build"));
        assert!(ok, "{out}");
    }
    let (s1, s2) = (snapshot(&d1.0), snapshot(&d2.0));
    assert_eq!(s1.len(), a.files.len());
    assert_eq!(s1, s2, "two builds differ");
}

#[test]
fn build_check_detects_hand_edits_and_stale_files() {
    let out = Scratch::new("check").unwrap();
    let spec = shipped_spec();
    let build = |check: bool| {
        let mut cmd = rulegen();
        cmd.arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(&out.0)
            .arg("build");
        if check {
            cmd.arg("--check");
        }
        run(&mut cmd)
    };
    let (ok, msg) = build(true);
    assert!(!ok, "check passed on an empty directory");
    assert!(msg.contains("prometheus/prometheus.yml: missing"), "{msg}");
    assert!(build(false).0);
    let (ok, msg) = build(true);
    assert!(ok, "{msg}");
    // a hand edit on line 3 of the alertmanager config
    let am = out.0.join("alertmanager/alertmanager.yml");
    let text = std::fs::read_to_string(&am).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "  resolve_timeout: 1m";
    std::fs::write(&am, lines.join("\n") + "\n").unwrap();
    let (ok, msg) = build(true);
    assert!(!ok);
    assert!(
        msg.contains(&format!(
            "{}:3: differs from what the spec produces",
            am.display()
        )),
        "{msg}"
    );
    // a stale rule file left behind
    std::fs::write(out.0.join("prometheus/rules/old.yml"), "groups: []\n").unwrap();
    let (_, msg) = build(true);
    assert!(
        msg.contains("prometheus/rules/old.yml: not produced by the spec"),
        "{msg}"
    );
    // build repairs both
    assert!(build(false).0);
    assert!(!out.0.join("prometheus/rules/old.yml").exists());
    let (ok, msg) = build(true);
    assert!(ok, "{msg}");
}

/// Copies the shipped spec, its includes and catalogs into a scratch dir.
fn copy_spec(tag: &str) -> Scratch {
    let s = Scratch::new(tag).unwrap();
    let src = repo().join("configs");
    for sub in ["spec", "catalogs"] {
        std::fs::create_dir_all(s.0.join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap().flatten() {
            std::fs::copy(e.path(), s.0.join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::copy(src.join("monitoring.yaml"), s.0.join("monitoring.yaml")).unwrap();
    s
}

#[test]
fn nothing_is_written_on_error() {
    let s = copy_spec("nowrite");
    let spec = s.0.join("monitoring.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    assert!(text.contains("criticality: critical"));
    std::fs::write(
        &spec,
        text.replacen("criticality: critical", "criticality: critcal", 1),
    )
    .unwrap();
    // an existing output must stay byte-identical, and no other file may appear
    let out = s.0.join("out");
    std::fs::create_dir_all(out.join("prometheus")).unwrap();
    std::fs::write(out.join("prometheus/prometheus.yml"), "old\n").unwrap();
    let before = snapshot(&out);
    let (ok, msg) = run(rulegen()
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("build"));
    assert!(!ok);
    assert!(
        msg.contains("error: unknown criticality `critcal`"),
        "{msg}"
    );
    assert_eq!(snapshot(&out), before, "files changed despite errors");
}

#[test]
fn write_failure_leaves_no_partial_output() {
    let c = rulegen::compile(&shipped_spec());
    let s = Scratch::new("partial").unwrap();
    // `alertmanager` is a file, so the alertmanager directory cannot be created
    std::fs::write(s.0.join("alertmanager"), "x").unwrap();
    let err = rulegen::output::write_all(&s.0, &c.files).unwrap_err();
    assert!(err.contains("cannot write"), "{err}");
    let left: Vec<_> = snapshot(&s.0).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        left,
        vec![std::path::PathBuf::from("alertmanager")],
        "partial output left behind"
    );
}

#[test]
fn explain_shows_rule_origin_and_route() {
    let (ok, out) = run(rulegen()
        .arg("--spec")
        .arg(shipped_spec())
        .arg("explain")
        .arg("DwcpHighStreamErrorRate"));
    assert!(ok, "{out}");
    assert!(
        out.contains("alert DwcpHighStreamErrorRate (severity critical) from "),
        "{out}"
    );
    assert!(out.contains("spec/dwcp-alerts.yaml:9:9, group `dwcp-critical`, file prometheus/rules/dwcp-critical.yml"), "{out}");
    assert!(
        out.contains("expr: job:dwcp_amst_stream_error_ratio:rate5m > 0.05"),
        "{out}"
    );
    assert!(out.contains("routed to: oncall-critical"), "{out}");
    assert!(
        out.contains("(severity warning)") && out.contains("routed to: team-warning"),
        "{out}"
    );
    let (ok, out) = run(rulegen()
        .arg("--spec")
        .arg(shipped_spec())
        .arg("explain")
        .arg("DwcpHighStreamErrorRat"));
    assert!(!ok);
    assert!(
        out.contains("no alert named `DwcpHighStreamErrorRat`")
            && out.contains("did you mean `DwcpHighStreamErrorRate`?"),
        "{out}"
    );
}
