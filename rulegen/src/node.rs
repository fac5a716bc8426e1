//! A YAML document as a tree of positioned nodes.
//!
//! The spec is first parsed into this generic tree (every value and every key
//! knows its line and column), then [`crate::decode`] reads the typed model out
//! of it. Going through a tree instead of `#[derive(Deserialize)]` lets rulegen
//! report every unknown key, wrong type and missing field at once instead of
//! stopping at the first one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Pos};

/// A positioned value.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub val: Val,
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where the key starts.
    pub pos: Pos,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `null` or `~` or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

impl Val {
    /// The YAML type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a number",
            Val::Str(_) => "a string",
            Val::Seq(_) => "a list",
            Val::Map(_) => "a mapping",
        }
    }
}

/// Raw tree as deserialized by serde-saphyr, before file ids are attached.
#[derive(Debug)]
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v)
            .map(Raw::Int)
            .unwrap_or(Raw::Float(v as f64)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v)
            .map(Raw::Int)
            .unwrap_or(Raw::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v)
            .map(Raw::Int)
            .unwrap_or(Raw::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some((k, v)) = map.next_entry::<Spanned<Raw>, Spanned<Raw>>()? {
            items.push((k, v));
        }
        Ok(Raw::Map(items))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

fn pos_of<T>(s: &Spanned<T>, file: u32) -> Pos {
    Pos {
        file,
        line: s.referenced.line().min(u32::MAX as u64) as u32,
        col: s.referenced.column().min(u32::MAX as u64) as u32,
    }
}

fn convert(s: Spanned<Raw>, file: u32) -> Node {
    let pos = pos_of(&s, file);
    let val = match s.value {
        Raw::Null => Val::Null,
        Raw::Bool(b) => Val::Bool(b),
        Raw::Int(i) => Val::Int(i),
        Raw::Float(f) => Val::Float(f),
        Raw::Str(st) => Val::Str(st),
        Raw::Seq(items) => Val::Seq(items.into_iter().map(|i| convert(i, file)).collect()),
        Raw::Map(items) => Val::Map(
            items
                .into_iter()
                .map(|(k, v)| {
                    let kpos = pos_of(&k, file);
                    let name = match k.value {
                        Raw::Str(s) => s,
                        Raw::Int(i) => i.to_string(),
                        Raw::Float(f) => f.to_string(),
                        Raw::Bool(b) => b.to_string(),
                        Raw::Null => "null".to_string(),
                        Raw::Seq(_) | Raw::Map(_) => "<complex key>".to_string(),
                    };
                    (Key { name, pos: kpos }, convert(v, file))
                })
                .collect(),
        ),
    };
    Node { pos, val }
}

/// Most YAML nodes (mappings, sequences, scalars) one spec file may hold.
pub const MAX_NODES: usize = 2_000_000;

/// Parses one YAML (or JSON) document of file `file` into a tree.
pub fn parse(text: &str, file: u32) -> Result<Node, Diagnostic> {
    // Bounded memory on hostile input: at most MAX_NODES nodes (a 10,000-alert
    // spec with tests has about 300,000), one document, nesting depth 64.
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = 2 * MAX_NODES;
    budget.max_documents = 1;
    let options = serde_saphyr::options! {
        with_snippet: false,
        budget: Some(budget),
    };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(root) => Ok(convert(root, file)),
        Err(e) => {
            let (line, col) = e
                .location()
                .map(|l| (l.line() as u32, l.column() as u32))
                .unwrap_or((1, 1));
            let msg = e.without_snippet().to_string();
            let msg = msg
                .split(" at line ")
                .next()
                .unwrap_or(&msg)
                .trim()
                .to_string();
            Err(Diagnostic::error(
                Pos {
                    file,
                    line: line.max(1),
                    col: col.max(1),
                },
                1,
                format!("invalid YAML: {msg}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_carry_positions() {
        let n = parse("a: 1\nb:\n  - x\n  - {c: true}\n", 0).unwrap();
        let Val::Map(m) = &n.val else { panic!() };
        assert_eq!(m[0].0.name, "a");
        assert_eq!((m[0].0.pos.line, m[0].0.pos.col), (1, 1));
        assert_eq!((m[0].1.pos.line, m[0].1.pos.col), (1, 4));
        let Val::Seq(s) = &m[1].1.val else { panic!() };
        assert_eq!((s[0].pos.line, s[0].pos.col), (3, 5));
        let Val::Map(inner) = &s[1].val else { panic!() };
        assert_eq!(inner[0].0.name, "c");
        assert_eq!(inner[0].1.val, Val::Bool(true));
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse("a: [1, 2\nb: 3\n", 0).unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(e.pos.line >= 1);
    }
}
