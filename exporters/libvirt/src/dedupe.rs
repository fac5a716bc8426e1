//! Unique, non-empty device names, so that no series is emitted twice.

use std::collections::HashSet;

/// Gives every item a unique, non-empty name: an empty name becomes
/// `fallback(item)` when that is non-empty, else `<prefix><index>`; an item
/// whose name an earlier item already has is dropped.
pub fn unique_names<T>(
    items: &mut Vec<T>,
    prefix: &str,
    name: impl Fn(&mut T) -> &mut String,
    fallback: impl Fn(&T) -> Option<String>,
) {
    let mut seen = HashSet::new();
    let mut i = 0;
    items.retain_mut(|item| {
        if name(item).is_empty() {
            let fb = fallback(item).filter(|s| !s.is_empty());
            *name(item) = fb.unwrap_or_else(|| format!("{prefix}{i}"));
        }
        i += 1;
        seen.insert(name(item).clone())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_empty_names_and_drops_duplicates() {
        let mut v: Vec<(String, String)> = ["a", "", "a", "", ""]
            .iter()
            .zip(["", "/img", "", "", "/img"])
            .map(|(n, f)| (n.to_string(), f.to_string()))
            .collect();
        unique_names(&mut v, "dev", |x| &mut x.0, |x| Some(x.1.clone()));
        let names: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["a", "/img", "dev3"]);
    }
}
