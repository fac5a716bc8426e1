//! Every metric name rulegen knows: the project's own metric definitions
//! (`metric-defs`), external catalogs kept as data files (node-exporter,
//! cAdvisor, Prometheus itself), and the spec's recording rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use metric_defs::MetricType;

use crate::decode::Sp;
use crate::diag::Diags;

/// The kind of a series as far as `rate()` is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monotonic: `rate`/`increase` apply.
    Counter,
    /// Not monotonic.
    Gauge,
    /// Unknown (untyped or recording rule output).
    Unknown,
}

/// What is known about one series name.
#[derive(Debug, Clone)]
pub struct Known {
    /// Counter, gauge or unknown.
    pub kind: Kind,
    /// Catalogs (or `recording rule`) that declare it.
    pub catalogs: BTreeSet<String>,
    /// Label names, when the catalog declares them (metric-defs only).
    pub labels: Option<Vec<String>>,
}

/// Name → what is known.
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    /// Every known series name.
    pub names: BTreeMap<String, Known>,
    /// Catalog names that were loaded.
    pub loaded: BTreeSet<String>,
}

/// Series Prometheus synthesizes for every scrape target.
pub const SCRAPE_SERIES: &[&str] = &[
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
];

impl Catalogs {
    fn add(&mut self, name: &str, kind: Kind, catalog: &str, labels: Option<Vec<String>>) {
        let e = self.names.entry(name.to_string()).or_insert(Known {
            kind,
            catalogs: BTreeSet::new(),
            labels: labels.clone(),
        });
        e.catalogs.insert(catalog.to_string());
        if e.kind == Kind::Unknown {
            e.kind = kind;
        }
        if let (Some(have), Some(new)) = (&mut e.labels, labels) {
            for l in new {
                if !have.contains(&l) {
                    have.push(l);
                }
            }
        }
    }

    fn add_def(&mut self, def: &metric_defs::MetricDef, catalog: &str) {
        let labels: Vec<String> = def.labels.iter().map(|s| s.to_string()).collect();
        match def.kind {
            MetricType::Counter => self.add(def.name, Kind::Counter, catalog, Some(labels)),
            MetricType::Gauge => self.add(def.name, Kind::Gauge, catalog, Some(labels)),
            MetricType::Histogram => {
                let mut with_le = labels.clone();
                with_le.push("le".into());
                self.add(
                    &format!("{}_bucket", def.name),
                    Kind::Counter,
                    catalog,
                    Some(with_le),
                );
                self.add(
                    &format!("{}_sum", def.name),
                    Kind::Counter,
                    catalog,
                    Some(labels.clone()),
                );
                self.add(
                    &format!("{}_count", def.name),
                    Kind::Counter,
                    catalog,
                    Some(labels),
                );
            }
        }
    }

    /// The project's own catalogs, read from `metric-defs`.
    pub fn builtin() -> Catalogs {
        let mut c = Catalogs::default();
        let mut all = metric_defs::catalogs();
        all.push(metric_defs::process::CATALOG);
        for cat in all {
            for def in cat.metrics {
                c.add_def(def, cat.program);
            }
            c.loaded.insert(cat.program.to_string());
        }
        for s in SCRAPE_SERIES {
            c.add(s, Kind::Gauge, "scrape", None);
        }
        c.add(
            "ALERTS",
            Kind::Gauge,
            "scrape",
            Some(vec!["alertname".into(), "alertstate".into()]),
        );
        c.add("ALERTS_FOR_STATE", Kind::Gauge, "scrape", None);
        c.loaded.insert("scrape".into());
        c
    }

    /// Parses an external catalog in exposition format (`# TYPE name kind` lines).
    pub fn add_text(&mut self, catalog: &str, text: &str) -> usize {
        let mut n = 0;
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("# TYPE ") else {
                continue;
            };
            let mut parts = rest.split_whitespace();
            let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
                continue;
            };
            n += 1;
            match kind {
                "counter" => self.add(name, Kind::Counter, catalog, None),
                "gauge" => self.add(name, Kind::Gauge, catalog, None),
                "histogram" | "gaugehistogram" => {
                    self.add(&format!("{name}_bucket"), Kind::Counter, catalog, None);
                    self.add(&format!("{name}_sum"), Kind::Counter, catalog, None);
                    self.add(&format!("{name}_count"), Kind::Counter, catalog, None);
                }
                "summary" => {
                    self.add(name, Kind::Gauge, catalog, None);
                    self.add(&format!("{name}_sum"), Kind::Counter, catalog, None);
                    self.add(&format!("{name}_count"), Kind::Counter, catalog, None);
                }
                _ => self.add(name, Kind::Unknown, catalog, None),
            }
        }
        self.loaded.insert(catalog.to_string());
        n
    }

    /// Loads the spec's external catalog files (relative to `dir`).
    pub fn load_files(&mut self, dir: &Path, files: &[Sp<String>], d: &mut Diags) {
        for f in files {
            let path = dir.join(&f.val);
            let name = Path::new(&f.val)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match std::fs::metadata(&path).and_then(|m| {
                if m.len() > crate::load::MAX_FILE_BYTES {
                    Err(std::io::Error::other("file too large"))
                } else {
                    std::fs::read_to_string(&path)
                }
            }) {
                Ok(text) => {
                    if self.add_text(&name, &text) == 0 {
                        d.error(
                            f.pos,
                            f.val.chars().count(),
                            format!(
                            "catalog `{}` declares no metrics (expected `# TYPE name kind` lines)",
                            f.val
                        ),
                        );
                    }
                }
                Err(e) => d.error(
                    f.pos,
                    f.val.chars().count(),
                    format!("cannot read catalog {}: {e}", path.display()),
                ),
            }
        }
    }

    /// Adds a recording rule's output series.
    pub fn add_record(&mut self, name: &str) {
        self.add(name, Kind::Unknown, "recording rule", None);
    }

    /// Looks a name up.
    pub fn get(&self, name: &str) -> Option<&Known> {
        self.names.get(name)
    }
}
