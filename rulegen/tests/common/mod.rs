//! Helpers shared by rulegen's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub use rulegen::testrun::Scratch;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The shipped spec.
pub fn shipped_spec() -> PathBuf {
    repo().join("configs/monitoring.yaml")
}

/// Writes `files` (relative path, text) into a fresh scratch dir.
pub fn scratch_with(tag: &str, files: &[(&str, &str)]) -> Scratch {
    let s = Scratch::new(tag).expect("scratch dir");
    for (p, text) in files {
        let path = s.0.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    s
}

/// Fails with a clear message when a required system binary is missing.
pub fn require(bin: &str, package: &str) -> PathBuf {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {bin}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{bin}` is required by this test: install the Debian package `{package}` (listed in scripts/deps.d/rulegen.list)"
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Runs a command and returns (success, stdout+stderr).
pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("spawn");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The rulegen binary.
pub fn rulegen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rulegen"))
}

/// Snapshot of every file under `dir` (relative path → bytes).
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push((
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
