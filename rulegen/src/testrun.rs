//! `rulegen test`: writes the generated files to a scratch directory and runs
//! `promtool test rules` on the generated unit tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emit::OutFile;

/// A scratch directory removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// Creates a fresh directory under the system temp dir.
    pub fn new(tag: &str) -> std::io::Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!("rulegen-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p)?;
        Ok(Scratch(p))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Output of a promtool run.
#[derive(Debug)]
pub struct RunResult {
    /// Whether promtool exited 0.
    pub success: bool,
    /// stdout and stderr.
    pub output: String,
}

/// Runs `promtool test rules` on every generated test file.
pub fn run(promtool: &Path, files: &[OutFile]) -> Result<RunResult, String> {
    let scratch = Scratch::new("test").map_err(|e| format!("cannot create scratch dir: {e}"))?;
    crate::output::write_all(&scratch.0, files)?;
    let tests: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.path.starts_with("prometheus/tests"))
        .map(|f| {
            f.path
                .strip_prefix("prometheus")
                .unwrap_or(&f.path)
                .to_path_buf()
        })
        .collect();
    if tests.is_empty() {
        return Err("the spec has no unit tests".into());
    }
    let out = Command::new(promtool)
        .arg("test")
        .arg("rules")
        .args(&tests)
        .current_dir(scratch.0.join("prometheus"))
        .output()
        .map_err(|e| {
            format!(
                "cannot run {}: {e} (install the `prometheus` package or pass --promtool)",
                promtool.display()
            )
        })?;
    Ok(RunResult {
        success: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    })
}
