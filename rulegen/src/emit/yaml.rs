//! A small, deterministic YAML writer for the generated files.
//!
//! Mappings keep insertion order; strings are written plain when that is
//! unambiguous, double-quoted otherwise, and as literal blocks when they span
//! lines (PromQL, descriptions).

use std::fmt::Write as _;

/// A YAML value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float, written in shortest round-trip form.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Y>),
    /// A mapping in insertion order.
    Map(Vec<(String, Y)>),
}

impl Y {
    /// A string value.
    pub fn s(v: impl Into<String>) -> Y {
        Y::Str(v.into())
    }

    /// An empty mapping.
    pub fn map() -> Y {
        Y::Map(Vec::new())
    }

    /// Appends a key (on a mapping; a no-op otherwise) and returns self.
    pub fn with(mut self, k: &str, v: Y) -> Y {
        self.put(k, v);
        self
    }

    /// Appends a key to a mapping.
    pub fn put(&mut self, k: &str, v: Y) {
        if let Y::Map(m) = self {
            m.push((k.to_string(), v));
        }
    }

    /// Appends a key only when `v` is `Some`.
    pub fn put_opt(&mut self, k: &str, v: Option<Y>) {
        if let Some(v) = v {
            self.put(k, v);
        }
    }

    /// A list of strings.
    pub fn strs<I, S>(items: I) -> Y
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Y::Seq(items.into_iter().map(|s| Y::Str(s.into())).collect())
    }

    /// A mapping of strings.
    pub fn str_map<'a, I>(items: I) -> Y
    where
        I: IntoIterator<Item = (&'a String, &'a String)>,
    {
        Y::Map(
            items
                .into_iter()
                .map(|(k, v)| (k.clone(), Y::Str(v.clone())))
                .collect(),
        )
    }

    /// Whether this is an empty list or mapping.
    fn is_empty_collection(&self) -> bool {
        matches!(self, Y::Seq(v) if v.is_empty()) || matches!(self, Y::Map(v) if v.is_empty())
    }
}

/// Renders a document (always ends with a newline).
pub fn to_string(doc: &Y) -> String {
    let mut out = String::new();
    match doc {
        Y::Map(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Y::Seq(s) if !s.is_empty() => write_seq(&mut out, s, 0),
        other => {
            write_scalar(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, m: &[(String, Y)], indent: usize) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        write_key(out, k);
        write_value_after_key(out, v, indent);
    }
}

fn write_value_after_key(out: &mut String, v: &Y, indent: usize) {
    match v {
        Y::Map(m) if !m.is_empty() => {
            out.push_str(":\n");
            write_map(out, m, indent + 2);
        }
        Y::Seq(s) if !s.is_empty() => {
            out.push_str(":\n");
            write_seq(out, s, indent);
        }
        other => {
            out.push_str(": ");
            write_scalar(out, other, indent + 2);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, s: &[Y], indent: usize) {
    for item in s {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Y::Map(m) if !m.is_empty() => {
                // first key on the dash line, the rest indented under it
                let (k0, v0) = &m[0];
                write_key(out, k0);
                write_value_after_key(out, v0, indent + 2);
                write_map(out, &m[1..], indent + 2);
            }
            Y::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            other => {
                write_scalar(out, other, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn write_key(out: &mut String, k: &str) {
    if plain_ok(k) {
        out.push_str(k);
    } else {
        quote(out, k);
    }
}

fn write_scalar(out: &mut String, v: &Y, indent: usize) {
    match v {
        Y::Null => out.push_str("null"),
        Y::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Y::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Y::Float(f) => out.push_str(&float(*f)),
        Y::Str(s) => write_str(out, s, indent),
        Y::Seq(_) | Y::Map(_) => {
            debug_assert!(v.is_empty_collection());
            out.push_str(if matches!(v, Y::Seq(_)) { "[]" } else { "{}" });
        }
    }
}

/// Formats a float the way YAML and Prometheus both read back exactly.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if f == f.trunc() && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn write_str(out: &mut String, s: &str, indent: usize) {
    if s.contains('\n') && !s.contains('\r') && !s.contains('\t') && literal_ok(s) {
        // literal block; keep a final newline exactly as in the string
        out.push_str(if s.ends_with('\n') { "|" } else { "|-" });
        for line in s.trim_end_matches('\n').split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&" ".repeat(indent));
                out.push_str(line);
            }
        }
    } else if plain_ok(s) {
        out.push_str(s);
    } else {
        quote(out, s);
    }
}

fn literal_ok(s: &str) -> bool {
    // a literal block cannot start with spaces on the first line (indent indicator
    // would be needed) nor carry trailing newlines beyond one
    !s.starts_with(' ') && !s.ends_with("\n\n") && s.chars().all(|c| c == '\n' || !c.is_control())
}

fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null"
            | "~"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".nan"
            | ".inf"
            | "-.inf"
            | "+.inf"
    ) {
        return false;
    }
    if s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-' || c == '.')
    {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    s.chars()
        .all(|c| !c.is_control() && c != '"' && c != '\'' && c != '\\')
        && !s.contains(['{', '}', '[', ']', ','])
}

fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_documents() {
        let doc = Y::map()
            .with(
                "groups",
                Y::Seq(vec![Y::map().with("name", Y::s("g")).with(
                    "rules",
                    Y::Seq(vec![Y::map()
                        .with("alert", Y::s("A"))
                        .with("expr", Y::s("up == 0"))
                        .with("labels", Y::map().with("severity", Y::s("critical")))]),
                )]),
            )
            .with("empty", Y::Seq(vec![]))
            .with("ratio", Y::Float(0.5));
        assert_eq!(
            to_string(&doc),
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    labels:\n      severity: critical\nempty: []\nratio: 0.5\n"
        );
    }

    #[test]
    fn quotes_when_needed() {
        let doc = Y::map()
            .with("a", Y::s("{{ $labels.x }}"))
            .with("b", Y::s("yes"))
            .with("c", Y::s("5m"))
            .with("d", Y::s("x: y"))
            .with("e", Y::s("line1\nline2"));
        assert_eq!(
            to_string(&doc),
            "a: \"{{ $labels.x }}\"\nb: \"yes\"\nc: \"5m\"\nd: \"x: y\"\ne: |-\n  line1\n  line2\n"
        );
    }
}
