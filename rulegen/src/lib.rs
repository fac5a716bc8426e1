//! `rulegen`: compiles one typed monitoring spec (`configs/monitoring.yaml`)
//! into Prometheus configuration, recording and alerting rules, promtool unit
//! tests, Alertmanager routing and the SLA exporter's probe targets.
//!
//! The pipeline is spec → typed model → checks → emitters:
//! [`load`] reads YAML/Jsonnet into positioned [`node`]s and decodes them
//! ([`read_spec`], [`sla`]) into the [`model`]; [`check`] validates it against
//! the metric [`catalog`]s and PromQL ([`promql`]); [`emit`] renders each output
//! file; [`output`] writes them atomically.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod check;
pub mod decode;
pub mod diag;
pub mod emit;
pub mod explain;
pub mod load;
pub mod model;
pub mod node;
pub mod output;
pub mod promql;
pub mod read_spec;
pub mod sla;
pub mod template;
pub mod testrun;

use std::path::Path;

use diag::{Diags, Sources};
use emit::OutFile;
use model::Spec;

/// The result of compiling a spec.
#[derive(Debug)]
pub struct Compiled {
    /// The typed spec (partial when there are errors).
    pub spec: Spec,
    /// Files read, for rendering diagnostics.
    pub sources: Sources,
    /// Every problem found.
    pub diags: Diags,
    /// The generated files; empty when there are errors.
    pub files: Vec<OutFile>,
}

impl Compiled {
    /// Whether the spec compiled without errors.
    pub fn ok(&self) -> bool {
        !self.diags.has_errors()
    }
}

/// Loads, checks and (when there is no error) renders the spec at `path`.
pub fn compile(path: &Path) -> Compiled {
    let loaded = load::load(path);
    let mut diags = loaded.diags;
    let spec = loaded.spec;
    let mut cats = catalog::Catalogs::builtin();
    cats.load_files(&loaded.dir, &spec.catalogs, &mut diags);
    if !loaded.sources.files.is_empty() {
        check::check(&spec, &mut cats, &loaded.sources, &mut diags);
    }
    diags.sort();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = if diags.has_errors() {
        Vec::new()
    } else {
        emit::all(&spec, &name)
    };
    Compiled {
        spec,
        sources: loaded.sources,
        diags,
        files,
    }
}
