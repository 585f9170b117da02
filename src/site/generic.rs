//! The *generic* reading of content for the help site: no clinic, so every
//! clinic value is shown as its named placeholder 〈label〉 and every
//! condition is said in words.
//!
//! This is the help site's counterpart of [`crate::eval::resolve_rich`]: it
//! never looks at clinic data, only at the content (field labels, option
//! labels, the manuals' date labels).

use crate::model::manual::Content;
use crate::model::rich::{Inline, Rich};
use crate::model::rule::{Condition, Op};
use crate::render::rich_html::escape;
use std::collections::BTreeMap;

/// Names of every value a placeholder may refer to, taken from content.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    by_path: BTreeMap<String, String>,
}

impl Labels {
    /// Collects the label of every fact content names, through
    /// [`Content::fact_label`] (fields, derived facts, built-ins, dates).
    pub fn new(content: &Content) -> Self {
        let paths = content
            .fields
            .fields
            .iter()
            .map(|f| f.path.as_str())
            .chain(content.derived.iter().map(|d| d.name.as_str()))
            .chain(crate::model::facts::BUILT_IN.iter().map(|(p, _, _)| *p))
            .chain(
                content
                    .manuals
                    .iter()
                    .flat_map(|m| m.dates.iter().map(|d| d.fact.as_str())),
            );
        let by_path = paths
            .filter_map(|p| Some((p.to_string(), content.fact_label(p)?.to_string())))
            .collect();
        Self { by_path }
    }

    /// The human name of `path` (the path itself when content names it nowhere);
    /// `path | unit` names the same fact.
    pub fn label<'a>(&'a self, path: &'a str) -> &'a str {
        let path = crate::model::facts::FactRef::parse(path).path;
        self.by_path.get(path).map(String::as_str).unwrap_or(path)
    }
}

/// Replaces every placeholder by a named blank (`Inline::Missing`), rendered
/// as `〈label〉` with the `placeholder` class.
pub fn resolve_generic(r: &Rich, labels: &Labels) -> Rich {
    r.map_inlines(&mut |i| match i {
        Inline::Placeholder { path } => Some(Inline::Missing {
            path: crate::model::facts::FactRef::parse(path).path.to_string(),
            label: labels.label(path).to_string(),
        }),
        // A resolved value can never reach the site, but be safe anyway.
        Inline::Value { path, .. } => Some(Inline::Missing {
            path: path.clone(),
            label: labels.label(path).to_string(),
        }),
        _ => None,
    })
}

/// One piece of a one-line text with `{{ }}` placeholders.
enum Piece<'a> {
    Text(&'a str),
    Field(&'a str),
}

fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push(Piece::Text(&rest[..start]));
        let expr = rest[start + 2..start + 2 + len].trim();
        out.push(Piece::Field(crate::model::facts::FactRef::parse(expr).path));
        rest = &rest[start + 4 + len..];
    }
    out.push(Piece::Text(rest));
    out
}

/// A one-line text (a title) with placeholders as plain `〈label〉`.
pub fn line_text(s: &str, labels: &Labels) -> String {
    let mut out = String::new();
    for p in pieces(s) {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Field(f) => {
                out.push('〈');
                out.push_str(labels.label(f));
                out.push('〉');
            }
        }
    }
    out
}

/// A one-line text as escaped HTML, placeholders as `placeholder` spans.
pub fn line_html(s: &str, labels: &Labels) -> String {
    let mut out = String::new();
    for p in pieces(s) {
        match p {
            Piece::Text(t) => out.push_str(&escape(t)),
            Piece::Field(f) => out.push_str(&placeholder_html(f, labels.label(f))),
        }
    }
    out
}

/// The HTML of a named blank, the same markup rich text uses.
pub fn placeholder_html(path: &str, label: &str) -> String {
    format!(
        "<span class=\"placeholder\" data-field=\"{}\">〈{}〉</span>",
        escape(path),
        escape(label)
    )
}

/// Says a condition in words, for the generic site ("回線事業者が「NTT東日本
/// フレッツ光」「NTT西日本 フレッツ光」のいずれか").
pub fn describe_condition(c: &Condition, content: &Content, labels: &Labels) -> String {
    let value_label = |fact: &str, v: &str| -> String {
        content
            .fields
            .get(fact)
            .and_then(|f| f.options.iter().find(|o| o.value == v))
            .map(|o| o.label.clone())
            .unwrap_or_else(|| v.to_string())
    };
    match c {
        Condition::Always => "常に".into(),
        Condition::All { of } => join(of, "、かつ", content, labels),
        Condition::Any { of } => join(of, "、または", content, labels),
        Condition::Not { of } => format!(
            "次に当てはまらない（{}）",
            describe_condition(of, content, labels)
        ),
        Condition::Present { fact } => format!("〈{}〉が登録されている", labels.label(fact)),
        Condition::Absent { fact } => format!("〈{}〉が登録されていない", labels.label(fact)),
        Condition::Invalid { fact } => format!("〈{}〉の形式が正しくない", labels.label(fact)),
        Condition::In { fact, values } => {
            let list: String = values
                .iter()
                .map(|v| format!("「{}」", value_label(fact, v)))
                .collect();
            if values.len() == 1 {
                format!("〈{}〉が{list}", labels.label(fact))
            } else {
                format!("〈{}〉が{list}のいずれか", labels.label(fact))
            }
        }
        Condition::Compare { fact, op, value } => {
            let v = match crate::model::rule::fact_ref(value) {
                Some(other) => format!("〈{}〉", labels.label(other)),
                None => value_label(fact, value),
            };
            let tail = match op {
                Op::Eq => format!("「{v}」"),
                Op::Ne => format!("「{v}」以外"),
                Op::Lt => format!("{v} 未満"),
                Op::Le => format!("{v} 以下"),
                Op::Gt => format!("{v} より大きい"),
                Op::Ge => format!("{v} 以上"),
            };
            format!("〈{}〉が{tail}", labels.label(fact))
        }
    }
}

fn join(of: &[Condition], sep: &str, content: &Content, labels: &Labels) -> String {
    let parts: Vec<String> = of
        .iter()
        .map(|c| {
            let s = describe_condition(c, content, labels);
            if matches!(c, Condition::All { .. } | Condition::Any { .. }) && of.len() > 1 {
                format!("（{s}）")
            } else {
                s
            }
        })
        .collect();
    parts.join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown::parse;

    fn content() -> Content {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load_content(&dir).0
    }

    #[test]
    fn placeholders_become_named_blanks() {
        let c = content();
        let labels = Labels::new(&c);
        let r = resolve_generic(&parse("ID は {{ line.customer_id }} です"), &labels);
        assert!(r.placeholders().is_empty());
        let html = crate::render::rich_html::to_html(&r);
        assert!(html.contains("〈お客さまID〉"), "{html}");
        assert!(html.contains("class=\"placeholder\""));
        assert_eq!(
            line_text("{{ certificates }}（{{ zzz }}）", &labels),
            "〈電子証明書の枚数〉（〈zzz〉）"
        );
        assert!(line_html("<b>{{ email }}", &labels).starts_with("&lt;b&gt;<span"));
    }

    #[test]
    fn conditions_in_words() {
        let c = content();
        let labels = Labels::new(&c);
        let cond = Condition::All {
            of: vec![
                Condition::In {
                    fact: "line.carrier".into(),
                    values: vec!["ntt-east".into(), "ntt-west".into()],
                },
                Condition::Compare {
                    fact: "line.type".into(),
                    op: Op::Ne,
                    value: "1".into(),
                },
            ],
        };
        let s = describe_condition(&cond, &c, &labels);
        assert!(
            s.contains("〈回線事業者〉が「NTT東日本 フレッツ光」"),
            "{s}"
        );
        assert!(
            s.contains("のいずれか、かつ〈電気通信回線種別〉が「1: IP-VPN"),
            "{s}"
        );
        assert!(s.ends_with("以外"), "{s}");
    }
}
