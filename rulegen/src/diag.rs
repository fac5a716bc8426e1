//! Diagnostics in rustc's style: `file:line:col: error: message`, the source
//! line with the offending span underlined, and an optional `help:` line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A position in one of the loaded spec files (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Index into [`Sources`].
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown in messages.
    pub path: PathBuf,
    /// Full text.
    pub text: String,
}

/// Every file the spec was loaded from, so diagnostics can quote them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The files, indexed by [`Pos::file`].
    pub files: Vec<SourceFile>,
}

impl Sources {
    /// Registers a file and returns its index.
    pub fn add(&mut self, path: &Path, text: String) -> u32 {
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
        });
        (self.files.len() - 1) as u32
    }

    /// The path of file `id`.
    pub fn path(&self, id: u32) -> &Path {
        self.files
            .get(id as usize)
            .map(|f| f.path.as_path())
            .unwrap_or(Path::new("<unknown>"))
    }

    /// The text of line `line` (1-based) of file `id`.
    pub fn line(&self, id: u32, line: u32) -> Option<&str> {
        let f = self.files.get(id as usize)?;
        f.text.lines().nth(line.checked_sub(1)? as usize)
    }
}

/// Severity of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Fails `check` and `build`.
    Error,
    /// Reported, does not fail.
    Warning,
}

/// One problem found in the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// Where.
    pub pos: Pos,
    /// Length of the underlined span in characters (at least 1 is drawn).
    pub len: u32,
    /// What is wrong.
    pub message: String,
    /// The likely fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `pos` spanning `len` characters.
    pub fn error(pos: Pos, len: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            pos,
            len: len.min(u32::MAX as usize) as u32,
            message: message.into(),
            help: None,
        }
    }

    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The first line: `file:line:col: error: message`.
    pub fn headline(&self, sources: &Sources) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        format!(
            "{}:{}:{}: {}: {}",
            sources.path(self.pos.file).display(),
            self.pos.line,
            self.pos.col,
            level,
            self.message
        )
    }

    /// The full rustc-style rendering, with the source line and underline.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = self.headline(sources);
        out.push('\n');
        if let Some(text) = sources.line(self.pos.file, self.pos.line) {
            let num = self.pos.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {text}");
            let width = text.chars().count() as u32;
            let start = self.pos.col.saturating_sub(1);
            let len = self.len.max(1).min(width.saturating_sub(start).max(1));
            let lead: String = text
                .chars()
                .take(start as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(len as usize));
            if let Some(h) = &self.help {
                let _ = writeln!(out, "{pad} = help: {h}");
            }
        } else if let Some(h) = &self.help {
            let _ = writeln!(out, "  = help: {h}");
        }
        out
    }
}

/// Collects diagnostics from every stage.
#[derive(Debug, Default, Clone)]
pub struct Diags {
    /// All diagnostics so far, in discovery order.
    pub list: Vec<Diagnostic>,
}

impl Diags {
    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Records an error.
    pub fn error(&mut self, pos: Pos, len: usize, message: impl Into<String>) {
        self.push(Diagnostic::error(pos, len, message));
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.level == Level::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.level == Level::Error).count()
    }

    /// Sorts by file and position, dropping exact duplicates.
    pub fn sort(&mut self) {
        self.list
            .sort_by(|a, b| (a.pos, a.level, &a.message).cmp(&(b.pos, b.level, &b.message)));
        self.list.dedup();
    }

    /// Renders all diagnostics plus a summary line.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for d in &self.list {
            out.push_str(&d.render(sources));
            out.push('\n');
        }
        let n = self.error_count();
        if n > 0 {
            let _ = writeln!(
                out,
                "error: spec has {n} error{}",
                if n == 1 { "" } else { "s" }
            );
        }
        out
    }
}

/// Edit distance between two short strings, for "did you mean" hints.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The known names closest to `name` (at most `max`), nearest first; only
/// names within a distance that makes a typo plausible.
pub fn closest<'a, I>(name: &str, known: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            // a prefix of a longer known name is a likely abbreviation
            let prefix = name.len() >= 3 && (k.starts_with(name) || name.starts_with(k));
            let d = levenshtein(name, k);
            (d <= limit || prefix).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(max).map(|(_, k)| k).collect()
}

/// `did you mean `a`?` or `did you mean one of `a`, `b`?`, if any.
pub fn did_you_mean(candidates: &[&str]) -> Option<String> {
    match candidates {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("sumary", "summary"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_ranks_by_distance() {
        let known = ["summary", "severity", "description"];
        assert_eq!(closest("sumary", known, 3), vec!["summary"]);
        assert!(closest("zzzzzz", known, 3).is_empty());
    }
}
