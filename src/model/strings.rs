//! The wording of guides and handouts (headings, labels, what a row shows),
//! kept in the theme's `strings.yaml`: one source for the HTML guide, the PDF
//! handout, the pictures and the help site. Titles of manuals come from
//! content; everything a document says around them comes from here.

use serde::Serialize;
use std::collections::BTreeMap;

/// The default theme's strings, compiled in.
pub const DEFAULT_STRINGS: &str = include_str!("../../themes/default/strings.yaml");

/// Texts by key; `{name}` marks a value filled in by [`Strings::fill`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Strings(BTreeMap<String, String>);

impl Default for Strings {
    fn default() -> Self {
        Self::builtin().clone()
    }
}

impl Strings {
    /// The default theme's strings, parsed once per process. The
    /// compiled-in file is checked by a unit test; an empty map only shows
    /// keys instead of texts, it never fails.
    pub fn builtin() -> &'static Strings {
        static PARSED: std::sync::LazyLock<Strings> = std::sync::LazyLock::new(|| {
            Strings(serde_saphyr::from_str(DEFAULT_STRINGS).unwrap_or_default())
        });
        &PARSED
    }

    /// The default strings with `overrides` on top; the keys of `overrides`
    /// unknown to the default are returned as the error.
    pub fn with_overrides(overrides: BTreeMap<String, String>) -> Result<Self, Vec<String>> {
        let mut s = Self::default();
        let unknown: Vec<String> = overrides
            .keys()
            .filter(|k| !s.0.contains_key(*k))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        s.0.extend(overrides);
        Ok(s)
    }

    /// The text of `key` (the key itself when there is none, so a gap shows).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill_in(self.get(key), values)
    }

    /// These strings with `{name}` filled in every key that starts with
    /// `prefix` (the dashboard's keys take content's name of its date).
    pub fn filled(&self, prefix: &str, values: &[(&str, &str)]) -> Self {
        let mut s = self.clone();
        for (k, v) in s.0.iter_mut() {
            if k.starts_with(prefix) {
                *v = fill_in(v, values);
            }
        }
        s
    }

    /// The text of `key` split around `{name}`: (before, after). Used where the
    /// value is styled apart from the words (the clinic's name in a title).
    pub fn split<'a>(&'a self, key: &'a str, name: &str) -> (&'a str, &'a str) {
        let t = self.get(key);
        t.split_once(&format!("{{{name}}}")).unwrap_or(("", t))
    }
}

/// `text` with each `{name}` replaced by its value.
///
/// One name after the other, as `str::replace` does it (a value holding a
/// later `{name}` has it filled too); a name the text does not hold costs
/// neither a new pattern nor a new string.
pub fn fill_in(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    let mut pattern = String::new();
    for (name, value) in values {
        pattern.clear();
        pattern.push('{');
        pattern.push_str(name);
        pattern.push('}');
        if out.contains(pattern.as_str()) {
            out = out.replace(pattern.as_str(), value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names filled one after the other, as before: each occurrence, a
    /// name absent or repeated, a value holding a later name filled too.
    #[test]
    fn names_are_filled_in_order_like_replace() {
        let old = |text: &str, values: &[(&str, &str)]| {
            let mut out = text.to_string();
            for (name, value) in values {
                out = out.replace(&format!("{{{name}}}"), value);
            }
            out
        };
        for (text, values) in [
            ("{a} and {a}", &[("a", "x")][..]),
            ("{a}{b}", &[("b", "2"), ("a", "{b}")][..]),
            ("{a}{b}", &[("a", "{b}"), ("b", "2")][..]),
            ("no names", &[("a", "x")][..]),
            ("{}{a", &[("", "e"), ("a", "x")][..]),
            ("（手順{step}）", &[("step", "1-3"), ("none", "y")][..]),
        ] {
            assert_eq!(fill_in(text, values), old(text, values), "{text}");
        }
    }

    #[test]
    fn default_strings_parse_and_fill() {
        let s = Strings::default();
        assert!(s.0.len() > 40, "the default strings.yaml must parse");
        assert_eq!(s.fill("at_step", &[("step", "1-3")]), "（手順1-3）");
        assert_eq!(s.split("title", "clinic").1, " 様　{documents}");
        assert_eq!(s.get("no-such-key"), "no-such-key");
        let mut o = BTreeMap::new();
        o.insert("toc".to_string(), "もくじ".to_string());
        assert_eq!(Strings::with_overrides(o).unwrap().get("toc"), "もくじ");
        let mut bad = BTreeMap::new();
        bad.insert("tocc".to_string(), "x".to_string());
        assert_eq!(Strings::with_overrides(bad), Err(vec!["tocc".to_string()]));
    }
}
