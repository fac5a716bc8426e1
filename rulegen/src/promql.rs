//! PromQL parsing with errors mapped back to the spec's line and column.
//!
//! `promql-parser` reports errors without positions, so rulegen maps an
//! offset inside the expression string to the line and column of the YAML
//! scalar it came from, and guesses the offending token from the message.

use promql_parser::parser::{self, Expr as Ast};

use crate::diag::{Diagnostic, Pos, Sources};
use crate::model::Expr;

/// Functions Prometheus 2.42 and 3.x both have (3.x dropped `holt_winters`;
/// newer and experimental functions are missing from 2.42).
pub const PORTABLE_FUNCTIONS: &[&str] = &[
    "abs",
    "absent",
    "absent_over_time",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "avg_over_time",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "cos",
    "cosh",
    "count_over_time",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "deg",
    "delta",
    "deriv",
    "exp",
    "floor",
    "histogram_count",
    "histogram_fraction",
    "histogram_quantile",
    "histogram_sum",
    "hour",
    "idelta",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "last_over_time",
    "ln",
    "log10",
    "log2",
    "max_over_time",
    "min_over_time",
    "minute",
    "month",
    "pi",
    "predict_linear",
    "present_over_time",
    "quantile_over_time",
    "rad",
    "rate",
    "resets",
    "round",
    "scalar",
    "sgn",
    "sin",
    "sinh",
    "sort",
    "sort_desc",
    "sqrt",
    "stddev_over_time",
    "stdvar_over_time",
    "sum_over_time",
    "tan",
    "tanh",
    "time",
    "timestamp",
    "vector",
    "year",
];

/// Aggregations both versions have.
pub const PORTABLE_AGGREGATIONS: &[&str] = &[
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "group",
];

/// Maps a byte offset in the expression text to a position in the spec.
pub fn position(expr: &Expr, byte: usize, sources: &Sources) -> Pos {
    let origin = &expr.origin;
    let inner = byte.saturating_sub(expr.offset).min(origin.val.len());
    let mut inner = inner;
    while !origin.val.is_char_boundary(inner) {
        inner -= 1;
    }
    let prefix = &origin.val[..inner];
    let base = origin.pos;
    let line_text = sources.line(base.file, base.line).unwrap_or("");
    let first = line_text.chars().nth(base.col.saturating_sub(1) as usize);
    match first {
        Some('|') | Some('>') => {
            // block scalar: content starts on the next line at its indentation
            let newlines = prefix.matches('\n').count() as u32;
            let line = base.line + 1 + newlines;
            let indent = (base.line + 1..base.line + 50)
                .filter_map(|l| sources.line(base.file, l))
                .find(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .unwrap_or(0) as u32;
            let col_in = prefix.rsplit('\n').next().unwrap_or("").chars().count() as u32;
            Pos {
                file: base.file,
                line,
                col: indent + col_in + 1,
            }
        }
        Some('"') | Some('\'') => {
            let q = first.unwrap_or('"');
            let extra: u32 = if q == '"' {
                prefix.chars().filter(|c| matches!(c, '"' | '\\')).count() as u32
            } else {
                prefix.matches('\'').count() as u32
            };
            Pos {
                col: base.col + 1 + prefix.chars().count() as u32 + extra,
                ..base
            }
        }
        _ => Pos {
            col: base.col + prefix.chars().count() as u32,
            ..base
        },
    }
}

/// Finds `word` in `text` as a whole identifier (not part of a longer name).
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut start = 0;
    while let Some(i) = text[start..].find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return Some(at);
        }
        start = at + word.len();
    }
    None
}

/// Byte offset of the first unmatched opening bracket of kind `open`.
fn unclosed(text: &str, open: char, close: char) -> Option<usize> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' || c == '\'' || c == '`' {
            quote = Some(c);
        } else if c == open {
            stack.push(i);
        } else if c == close {
            stack.pop();
        }
    }
    stack.first().copied()
}

/// Guesses where in `text` the parse error `msg` is.
fn locate(text: &str, msg: &str) -> (usize, usize) {
    let quoted = |m: &str| -> Option<String> {
        for q in ['\'', '"'] {
            if let Some(s) = m.find(q) {
                if let Some(e) = m[s + 1..].find(q) {
                    return Some(m[s + 1..s + 1 + e].to_string());
                }
            }
        }
        None
    };
    if msg.contains("unknown function") {
        if let Some(name) = quoted(msg) {
            if let Some(at) = find_word(text, &name) {
                return (at, name.len());
            }
        }
    }
    if msg.contains("unexpected character") || msg.contains("unknown escape") {
        if let Some(ch) = quoted(msg) {
            if let Some(at) = text.find(ch.as_str()) {
                return (at, ch.len().max(1));
            }
        }
    }
    if msg.contains("unclosed") || msg.contains("unterminated") || msg == "invalid promql query" {
        for (o, c) in [('(', ')'), ('{', '}'), ('[', ']')] {
            if let Some(at) = unclosed(text, o, c) {
                return (at, 1);
            }
        }
    }
    if msg == "invalid promql query" {
        // most often an expression cut short: point at its last token
        let trimmed = text.trim_end();
        if let Some(last) = trimmed.split_whitespace().next_back() {
            let at = trimmed.len() - last.len();
            return (at, last.len());
        }
    }
    if let Some(tok) = quoted(msg) {
        if !tok.is_empty() {
            if let Some(at) = text.find(tok.as_str()) {
                return (at, tok.len());
            }
        }
    }
    (
        0,
        text.len().min(text.find('\n').unwrap_or(text.len())).max(1),
    )
}

/// Parses an expression; on error, a diagnostic at the spec position.
pub fn parse(expr: &Expr, sources: &Sources) -> Result<Ast, Diagnostic> {
    parser::parse(&expr.text).map_err(|msg| {
        let (at, len) = locate(&expr.text, &msg);
        let pos = position(expr, at, sources);
        let first = msg.lines().next().unwrap_or("").trim().to_string();
        let mut d = Diagnostic::error(pos, len, format!("invalid PromQL: {first}"));
        if msg.contains("unknown function") {
            let word = expr.text.get(at..at + len).unwrap_or("");
            d.help = crate::diag::did_you_mean(&crate::diag::closest(
                word,
                PORTABLE_FUNCTIONS.iter().copied(),
                2,
            ));
        }
        d
    })
}

/// Whether an alert expression can return nothing (it filters); an
/// expression without a comparison or `absent()` always fires.
pub fn filters(e: &Ast) -> bool {
    match e {
        Ast::Paren(p) => filters(&p.expr),
        Ast::Binary(b) => {
            let op = b.op.to_string();
            if b.op.is_comparison_operator() {
                !b.modifier.as_ref().is_some_and(|m| m.return_bool)
            } else if op == "and" || op == "unless" {
                true
            } else if op == "or" {
                filters(&b.lhs) && filters(&b.rhs)
            } else {
                false
            }
        }
        Ast::Call(c) => {
            matches!(c.func.name, "absent" | "absent_over_time")
                || (matches!(
                    c.func.name,
                    "label_replace" | "label_join" | "sort" | "sort_desc"
                ) && c.args.args.first().is_some_and(|a| filters(a)))
        }
        Ast::Aggregate(a) => {
            matches!(a.op.to_string().as_str(), "topk" | "bottomk") || filters(&a.expr)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Sp;

    fn expr(text: &str, line: &str) -> (Expr, Sources) {
        let mut s = Sources::default();
        let id = s.add(std::path::Path::new("t.yaml"), line.to_string());
        let col = line.find(text).map(|i| i + 1).unwrap_or(1) as u32;
        let col = if line.contains('"') { col - 1 } else { col };
        let e = Expr {
            text: text.to_string(),
            origin: Sp::new(
                text.to_string(),
                Pos {
                    file: id,
                    line: 1,
                    col,
                },
            ),
            offset: 0,
        };
        (e, s)
    }

    #[test]
    fn maps_unknown_function_to_its_column() {
        let (e, s) = expr("rat(x[5m]) > 1", "    expr: rat(x[5m]) > 1");
        let d = parse(&e, &s).unwrap_err();
        assert_eq!((d.pos.line, d.pos.col), (1, 11));
        assert!(d.message.contains("unknown function"), "{}", d.message);
    }

    #[test]
    fn maps_unclosed_paren_in_quoted_scalar() {
        let (e, s) = expr("sum(rate(x[5m])", "    expr: \"sum(rate(x[5m])\"");
        let d = parse(&e, &s).unwrap_err();
        assert_eq!((d.pos.line, d.pos.col), (1, 15));
    }

    #[test]
    fn comparison_detection() {
        let p = |s: &str| parser::parse(s).unwrap();
        assert!(filters(&p("up == 0")));
        assert!(filters(&p("(rate(x[5m]) > 1) and on() vector(1)")));
        assert!(filters(&p("absent(up)")));
        assert!(!filters(&p("rate(x[5m])")));
        assert!(!filters(&p("up == bool 0")));
    }
}
