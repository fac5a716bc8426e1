//! Renders the small subset of Prometheus alert templates that unit tests
//! need to state the expected annotations: `$labels.x`, `$externalLabels.x`,
//! `$value` (optionally through `humanize`, `humanizePercentage` or
//! `printf "%.Nf"`). Anything else must be spelled out in the test case.

use std::collections::BTreeMap;

/// Values available to a template.
pub struct Scope<'a> {
    /// Alert labels.
    pub labels: &'a BTreeMap<String, String>,
    /// External labels.
    pub external: &'a BTreeMap<String, String>,
    /// The alert's value, if the test case gave one.
    pub value: Option<f64>,
}

/// Renders `tpl`; `Err` names the action that cannot be rendered offline.
pub fn render(tpl: &str, scope: &Scope) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = tpl;
    while let Some(start) = rest.find("{{") {
        let mut text = &rest[..start];
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "unclosed `{{` in template".to_string())?;
        let mut action = &after[..end];
        if action.starts_with('-') {
            text = text.trim_end();
            action = &action[1..];
        }
        let mut trim_after = false;
        if action.ends_with('-') {
            trim_after = true;
            action = &action[..action.len() - 1];
        }
        out.push_str(text);
        out.push_str(&eval(action.trim(), scope)?);
        rest = &after[end + 2..];
        if trim_after {
            rest = rest.trim_start();
        }
    }
    if rest.contains("}}") {
        return Err("unmatched `}}` in template".into());
    }
    out.push_str(rest);
    Ok(out)
}

fn value(scope: &Scope, action: &str) -> Result<f64, String> {
    scope.value.ok_or_else(|| {
        format!("template uses `{action}`: give the expected `value` in the test case")
    })
}

fn eval(action: &str, scope: &Scope) -> Result<String, String> {
    let lookup =
        |map: &BTreeMap<String, String>, key: &str| map.get(key).cloned().unwrap_or_default();
    if let Some(k) = action
        .strip_prefix("$labels.")
        .or_else(|| action.strip_prefix(".Labels."))
    {
        if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Ok(lookup(scope.labels, k));
        }
    }
    if let Some(k) = action
        .strip_prefix("$externalLabels.")
        .or_else(|| action.strip_prefix(".ExternalLabels."))
    {
        if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Ok(lookup(scope.external, k));
        }
    }
    let compact: String = action.split_whitespace().collect::<Vec<_>>().join(" ");
    match compact.as_str() {
        "$value" | ".Value" => return Ok(go_value(value(scope, action)?)),
        "$value | humanizePercentage" | ".Value | humanizePercentage" => {
            return Ok(format!("{}%", go_g(value(scope, action)? * 100.0, 4)))
        }
        "$value | humanize" | ".Value | humanize" => return Ok(humanize(value(scope, action)?)),
        _ => {}
    }
    if let Some(rest) = compact.strip_prefix("printf \"%.") {
        if let Some((digits, tail)) = rest.split_once("f\" ") {
            if let (Ok(prec), "$value" | ".Value") = (digits.parse::<usize>(), tail) {
                return Ok(format!("{:.*}", prec, value(scope, action)?));
            }
        }
    }
    Err(format!(
        "template action `{{{{ {action} }}}}` cannot be rendered offline: give `annotations` in the test case"
    ))
}

/// Go's `%v` for a float64.
pub fn go_value(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if v == 0.0 {
        return "0".into();
    }
    let sci = format!("{v:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..21).contains(&exp) {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        format!("{v}")
    }
}

/// Go's `%.{prec}g`.
pub fn go_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return go_value(v);
    }
    let sci = format!("{:.*e}", prec.saturating_sub(1), v);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let strip = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= prec as i32 {
        format!(
            "{}e{}{:02}",
            strip(mant),
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        strip(&format!("{:.*}", decimals, v))
    }
}

/// Prometheus's `humanize`.
pub fn humanize(mut v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return go_g(v, 4);
    }
    let mut prefix = "";
    if v.abs() >= 1.0 {
        for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
            if v.abs() < 1000.0 {
                break;
            }
            prefix = p;
            v /= 1000.0;
        }
    } else {
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if v.abs() >= 1.0 {
                break;
            }
            prefix = p;
            v *= 1000.0;
        }
    }
    format!("{}{}", go_g(v, 4), prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_labels_and_values() {
        let labels = BTreeMap::from([("instance".to_string(), "a:1".to_string())]);
        let ext = BTreeMap::new();
        let s = Scope {
            labels: &labels,
            external: &ext,
            value: Some(0.0512),
        };
        assert_eq!(
            render(
                "{{ $labels.instance }} at {{ $value | humanizePercentage }}",
                &s
            )
            .unwrap(),
            "a:1 at 5.12%"
        );
        assert_eq!(render("{{ printf \"%.2f\" $value }}", &s).unwrap(), "0.05");
        assert_eq!(render("v={{ $value }}", &s).unwrap(), "v=0.0512");
        assert!(render("{{ $value | humanizeDuration }}", &s).is_err());
    }

    #[test]
    fn go_formats() {
        assert_eq!(go_value(1e-5), "1e-05");
        assert_eq!(go_value(100.0), "100");
        assert_eq!(go_g(12.5, 4), "12.5");
        assert_eq!(go_g(33.333333, 4), "33.33");
        assert_eq!(humanize(1_500_000.0), "1.5M");
        assert_eq!(humanize(0.25), "250m");
    }
}
