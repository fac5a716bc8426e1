//! Writing generated files atomically, and comparing them with what is on disk.

use std::path::{Path, PathBuf};

use crate::emit::{OutFile, OWNED_DIRS};

fn tmp_path(p: &Path) -> PathBuf {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    p.with_file_name(format!(".{name}.rulegen-tmp-{}", std::process::id()))
}

/// Generated files in owned directories that the spec no longer produces.
pub fn stale(out: &Path, files: &[OutFile]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for dir in OWNED_DIRS {
        let Ok(rd) = std::fs::read_dir(out.join(dir)) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let is_yml = p.extension().is_some_and(|e| e == "yml");
            let rel = p
                .strip_prefix(out)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.clone());
            if is_yml && !files.iter().any(|f| f.path == rel) {
                stale.push(rel);
            }
        }
    }
    stale
}

/// Writes every file (temp file then rename), removes stale generated files,
/// and returns the paths that changed. Nothing is renamed into place unless
/// every temporary file was written.
pub fn write_all(out: &Path, files: &[OutFile]) -> Result<Vec<PathBuf>, String> {
    let mut pending = Vec::new();
    let mut fail = None;
    for f in files {
        let dest = out.join(&f.path);
        if std::fs::read(&dest).is_ok_and(|b| b == f.text.as_bytes()) {
            continue;
        }
        let tmp = tmp_path(&dest);
        let res = dest
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&tmp, &f.text));
        match res {
            Ok(()) => pending.push((tmp, dest, f.path.clone())),
            Err(e) => {
                fail = Some(format!("cannot write {}: {e}", dest.display()));
                break;
            }
        }
    }
    if let Some(e) = fail {
        for (tmp, _, _) in &pending {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    let mut changed = Vec::new();
    for (tmp, dest, rel) in pending {
        std::fs::rename(&tmp, &dest)
            .map_err(|e| format!("cannot rename into {}: {e}", dest.display()))?;
        changed.push(rel);
    }
    for rel in stale(out, files) {
        std::fs::remove_file(out.join(&rel))
            .map_err(|e| format!("cannot remove stale {}: {e}", rel.display()))?;
        changed.push(rel);
    }
    Ok(changed)
}

/// Differences between `files` and the disk, one message each.
pub fn diff(out: &Path, files: &[OutFile]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files {
        let dest = out.join(&f.path);
        match std::fs::read_to_string(&dest) {
            Err(_) => problems.push(format!("{}: missing (run `rulegen build`)", dest.display())),
            Ok(have) if have != f.text => {
                let line = have
                    .lines()
                    .zip(f.text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| have.lines().count().min(f.text.lines().count()))
                    + 1;
                problems.push(format!(
                    "{}:{line}: differs from what the spec produces (edited by hand? run `rulegen build`)",
                    dest.display()
                ));
            }
            Ok(_) => {}
        }
    }
    for rel in stale(out, files) {
        problems.push(format!(
            "{}: not produced by the spec (stale; `rulegen build` removes it)",
            out.join(rel).display()
        ));
    }
    problems
}
