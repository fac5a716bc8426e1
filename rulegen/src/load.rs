//! Loading the spec: the root file (YAML or Jsonnet), its `include:` files,
//! and decoding everything into one [`Spec`].

use std::path::{Path, PathBuf};

use crate::decode::Sp;
use crate::diag::{Diagnostic, Diags, Pos, Sources};
use crate::model::Spec;
use crate::node;
use crate::read_spec;

/// Largest spec file read (bounded memory on hostile input).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A loaded spec with the sources and problems found while loading.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The typed spec (partial when there are errors).
    pub spec: Spec,
    /// Files read, for diagnostics.
    pub sources: Sources,
    /// Problems so far.
    pub diags: Diags,
    /// Directory of the root spec (catalog paths are relative to it).
    pub dir: PathBuf,
}

fn read_text(path: &Path) -> Result<String, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is {} bytes, above the {} byte limit",
            path.display(),
            meta.len(),
            MAX_FILE_BYTES
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Evaluates a Jsonnet file to JSON text with jrsonnet.
pub fn eval_jsonnet(path: &Path) -> Result<String, String> {
    use jrsonnet_evaluator::{
        manifest::JsonFormat, trace::PathResolver, FileImportResolver, State,
    };
    let mut b = State::builder();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    b.import_resolver(FileImportResolver::new(vec![dir]));
    b.context_initializer(jrsonnet_stdlib::ContextInitializer::new(
        PathResolver::new_cwd_fallback(),
    ));
    let state = b.build();
    // imports inside the evaluation resolve through the entered state
    let _guard = state
        .try_enter()
        .ok_or_else(|| "a Jsonnet evaluation is already running on this thread".to_string())?;
    let val = state.import(path).map_err(|e| e.to_string())?;
    val.manifest(JsonFormat::cli(2)).map_err(|e| e.to_string())
}

/// Parses one file (YAML, JSON or Jsonnet) into a node tree.
fn parse_file(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diags,
    at: Option<Pos>,
) -> Option<node::Node> {
    let is_jsonnet = path
        .extension()
        .is_some_and(|e| e == "jsonnet" || e == "libsonnet");
    let text = if is_jsonnet {
        read_text(path).and_then(|_| eval_jsonnet(path))
    } else {
        read_text(path)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            match at {
                Some(p) => diags.error(p, 1, e),
                None => {
                    let id = sources.add(path, String::new());
                    diags.error(
                        Pos {
                            file: id,
                            line: 1,
                            col: 1,
                        },
                        1,
                        e,
                    );
                }
            }
            return None;
        }
    };
    // Jsonnet positions refer to the manifested JSON, shown as `<file>.json`.
    let shown = if is_jsonnet {
        PathBuf::from(format!("{}.json", path.display()))
    } else {
        path.to_path_buf()
    };
    let id = sources.add(&shown, text);
    match node::parse(&sources.files[id as usize].text, id) {
        Ok(n) => Some(n),
        Err(e) => {
            diags.push(e);
            None
        }
    }
}

/// Loads the spec at `path` and everything it includes.
pub fn load(path: &Path) -> Loaded {
    let mut l = Loaded {
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        ..Loaded::default()
    };
    let Some(root) = parse_file(path, &mut l.sources, &mut l.diags, None) else {
        return l;
    };
    let includes: Vec<Sp<String>> = read_spec::read_root(&root, &mut l.spec, &mut l.diags);
    let mut seen = vec![path.to_path_buf()];
    for inc in includes {
        let p = l.dir.join(&inc.val);
        if seen.contains(&p) {
            l.diags.push(Diagnostic::error(
                inc.pos,
                inc.val.chars().count(),
                format!("`{}` is included twice", inc.val),
            ));
            continue;
        }
        seen.push(p.clone());
        if let Some(n) = parse_file(&p, &mut l.sources, &mut l.diags, Some(inc.pos)) {
            read_spec::read_include(&n, &mut l.spec, &mut l.diags);
        }
    }
    l
}
