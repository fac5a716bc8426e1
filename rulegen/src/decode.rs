//! Reading typed values out of a [`Node`] tree, collecting every problem.
//!
//! Each reader returns `None` after recording a diagnostic, so one pass over
//! the spec reports all unknown keys, wrong types and missing fields.

use std::collections::BTreeMap;
use std::fmt;

use crate::diag::{closest, did_you_mean, Diagnostic, Diags, Pos};
use crate::node::{Key, Node, Val};

/// A value with the position it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub val: T,
    /// Where it was written.
    pub pos: Pos,
}

impl<T> Sp<T> {
    /// Wraps a value with a position.
    pub fn new(val: T, pos: Pos) -> Self {
        Sp { val, pos }
    }
}

/// Reads a mapping key by key and, at the end, reports keys nobody asked for.
pub struct MapReader<'n> {
    /// The mapping node.
    pub node: &'n Node,
    entries: &'n [(Key, Node)],
    used: Vec<bool>,
    asked: Vec<&'static str>,
    what: &'static str,
}

impl<'n> MapReader<'n> {
    /// Starts reading `node` as the mapping `what`; records an error if it is not one.
    pub fn new(node: &'n Node, what: &'static str, d: &mut Diags) -> Option<Self> {
        match &node.val {
            Val::Map(entries) => {
                let mut seen: BTreeMap<&str, Pos> = BTreeMap::new();
                for (k, _) in entries {
                    if let Some(first) = seen.insert(&k.name, k.pos) {
                        d.push(
                            Diagnostic::error(
                                k.pos,
                                k.name.chars().count(),
                                format!("duplicate key `{}` in {what}", k.name),
                            )
                            .with_help(format!(
                                "first defined at line {}, column {}",
                                first.line, first.col
                            )),
                        );
                    }
                }
                Some(MapReader {
                    node,
                    entries,
                    used: vec![false; entries.len()],
                    asked: Vec::new(),
                    what,
                })
            }
            Val::Null => {
                static EMPTY: [(Key, Node); 0] = [];
                Some(MapReader {
                    node,
                    entries: &EMPTY,
                    used: Vec::new(),
                    asked: Vec::new(),
                    what,
                })
            }
            other => {
                d.error(
                    node.pos,
                    1,
                    format!("expected a mapping for {what}, found {}", other.type_name()),
                );
                None
            }
        }
    }

    /// The value of `key`, if present.
    pub fn opt(&mut self, key: &'static str) -> Option<&'n Node> {
        self.asked.push(key);
        let entries = self.entries;
        for (i, (k, v)) in entries.iter().enumerate() {
            if k.name == key {
                self.used[i] = true;
                return Some(v);
            }
        }
        None
    }

    /// The key node of `key`, if present (for positions).
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k.pos)
    }

    /// The value of `key`; records "missing required field" when absent.
    pub fn req(&mut self, key: &'static str, d: &mut Diags) -> Option<&'n Node> {
        let v = self.opt(key);
        if v.is_none() {
            d.error(
                self.node.pos,
                1,
                format!("missing required field `{key}` in {}", self.what),
            );
        }
        v
    }

    /// Reports every key that was not asked for, with a "did you mean".
    pub fn finish(self, d: &mut Diags) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let near = closest(&k.name, self.asked.iter().copied(), 1);
            let mut diag = Diagnostic::error(
                k.pos,
                k.name.chars().count(),
                format!("unknown key `{}` in {}", k.name, self.what),
            );
            diag.help = did_you_mean(&near).or_else(|| {
                let mut known: Vec<&str> = self.asked.clone();
                known.sort();
                known.dedup();
                Some(format!("expected one of: {}", known.join(", ")))
            });
            d.push(diag);
        }
    }
}

fn wrong(d: &mut Diags, n: &Node, expected: &str) {
    d.error(
        n.pos,
        1,
        format!("expected {expected}, found {}", n.val.type_name()),
    );
}

/// A string (numbers and booleans are not silently converted).
pub fn string(n: &Node, d: &mut Diags) -> Option<Sp<String>> {
    match &n.val {
        Val::Str(s) => Some(Sp::new(s.clone(), n.pos)),
        _ => {
            wrong(d, n, "a string");
            None
        }
    }
}

/// A non-empty string.
pub fn nonempty(n: &Node, d: &mut Diags) -> Option<Sp<String>> {
    let s = string(n, d)?;
    if s.val.trim().is_empty() {
        d.error(n.pos, 1, "expected a non-empty string");
        return None;
    }
    Some(s)
}

/// A number (integer or float).
pub fn number(n: &Node, d: &mut Diags) -> Option<Sp<f64>> {
    match &n.val {
        Val::Int(i) => Some(Sp::new(*i as f64, n.pos)),
        Val::Float(f) if f.is_finite() => Some(Sp::new(*f, n.pos)),
        _ => {
            wrong(d, n, "a finite number");
            None
        }
    }
}

/// A non-negative integer.
pub fn uint(n: &Node, d: &mut Diags) -> Option<u64> {
    match &n.val {
        Val::Int(i) if *i >= 0 => Some(*i as u64),
        _ => {
            wrong(d, n, "a non-negative integer");
            None
        }
    }
}

/// A boolean.
pub fn boolean(n: &Node, d: &mut Diags) -> Option<bool> {
    match &n.val {
        Val::Bool(b) => Some(*b),
        _ => {
            wrong(d, n, "a boolean");
            None
        }
    }
}

/// The items of a list (null counts as empty).
pub fn list<'n>(n: &'n Node, what: &str, d: &mut Diags) -> Option<&'n [Node]> {
    match &n.val {
        Val::Seq(items) => Some(items),
        Val::Null => Some(&[]),
        _ => {
            wrong(d, n, &format!("a list of {what}"));
            None
        }
    }
}

/// A list of strings.
pub fn string_list(n: &Node, d: &mut Diags) -> Vec<Sp<String>> {
    list(n, "strings", d)
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| string(i, d))
        .collect()
}

/// A mapping of label names to string values; names are checked.
pub fn label_map(n: &Node, d: &mut Diags) -> BTreeMap<String, Sp<String>> {
    let mut out = BTreeMap::new();
    match &n.val {
        Val::Map(entries) => {
            for (k, v) in entries {
                if !is_label_name(&k.name) {
                    d.error(
                        k.pos,
                        k.name.chars().count(),
                        format!("invalid label name `{}`", k.name),
                    );
                    continue;
                }
                let val = match &v.val {
                    Val::Str(s) => s.clone(),
                    Val::Int(i) => i.to_string(),
                    Val::Bool(b) => b.to_string(),
                    _ => {
                        wrong(d, v, "a string label value");
                        continue;
                    }
                };
                if out.insert(k.name.clone(), Sp::new(val, v.pos)).is_some() {
                    d.error(
                        k.pos,
                        k.name.chars().count(),
                        format!("duplicate label `{}`", k.name),
                    );
                }
            }
        }
        Val::Null => {}
        _ => wrong(d, n, "a mapping of label names to values"),
    }
    out
}

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A Prometheus duration (`500ms`, `15s`, `1m30s`, `2h`, `1d`, `1w`, `1y`), in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

impl Dur {
    /// Parses Prometheus duration syntax; units must descend and not repeat.
    pub fn parse(s: &str) -> Result<Dur, String> {
        if s == "0" {
            return Ok(Dur(0));
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut total: u64 = 0;
        let mut last_unit = usize::MAX;
        if bytes.is_empty() {
            return Err("empty duration".into());
        }
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(format!("invalid duration `{s}`: expected a number"));
            }
            let num: u64 = s[start..i]
                .parse()
                .map_err(|_| format!("invalid duration `{s}`: number too large"))?;
            let ustart = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &s[ustart..i];
            let Some(idx) = UNITS.iter().position(|(u, _)| *u == unit) else {
                return Err(format!(
                    "invalid duration `{s}`: unknown unit `{unit}` (use ms, s, m, h, d, w, y)"
                ));
            };
            if last_unit != usize::MAX && idx <= last_unit {
                return Err(format!(
                    "invalid duration `{s}`: units must go from largest to smallest"
                ));
            }
            last_unit = idx;
            total = num
                .checked_mul(UNITS[idx].1)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("invalid duration `{s}`: too large"))?;
        }
        Ok(Dur(total))
    }

    /// Milliseconds.
    pub fn millis(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (u, ms) in UNITS {
            if rest >= ms {
                write!(f, "{}{}", rest / ms, u)?;
                rest %= ms;
            }
        }
        Ok(())
    }
}

/// A duration written as a string.
pub fn duration(n: &Node, d: &mut Diags) -> Option<Sp<Dur>> {
    let s = string(n, d)?;
    match Dur::parse(&s.val) {
        Ok(v) => Some(Sp::new(v, n.pos)),
        Err(e) => {
            d.error(n.pos, s.val.chars().count(), e);
            None
        }
    }
}

/// One of a fixed set of words.
pub fn one_of(n: &Node, allowed: &[&'static str], what: &str, d: &mut Diags) -> Option<Sp<String>> {
    let s = string(n, d)?;
    if allowed.contains(&s.val.as_str()) {
        return Some(s);
    }
    let mut diag = Diagnostic::error(
        n.pos,
        s.val.chars().count(),
        format!("unknown {what} `{}`", s.val),
    );
    diag.help = did_you_mean(&closest(&s.val, allowed.iter().copied(), 1))
        .or_else(|| Some(format!("expected one of: {}", allowed.join(", "))));
    d.push(diag);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_canonically() {
        assert_eq!(Dur::parse("1m30s"), Ok(Dur(90_000)));
        assert_eq!(Dur::parse("500ms"), Ok(Dur(500)));
        assert_eq!(Dur(90_000).to_string(), "1m30s");
        assert_eq!(Dur(3_600_000).to_string(), "1h");
        assert!(Dur::parse("5x").unwrap_err().contains("unknown unit `x`"));
        assert!(Dur::parse("30s1m")
            .unwrap_err()
            .contains("largest to smallest"));
        assert!(Dur::parse("m").is_err());
    }

    #[test]
    fn names() {
        assert!(is_metric_name("job:up:sum"));
        assert!(!is_label_name("job:x"));
        assert!(!is_label_name("1abc"));
    }
}
