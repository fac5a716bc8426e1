//! Config errors that say where and why, rustc style.

use std::fmt;

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is an obvious fix.
    pub help: Option<String>,
}

/// Every problem found in one config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as given.
    pub file: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if p.line > 0 {
                write!(
                    f,
                    "{}:{}:{}: error: {}",
                    self.file, p.line, p.column, p.message
                )?;
            } else {
                write!(f, "{}: error: {}", self.file, p.message)?;
            }
            if let Some(h) = &p.help {
                write!(f, "\n  help: {h}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
