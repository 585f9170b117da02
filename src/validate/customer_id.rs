//! NTT お客さまID (customer ID), checked against formats supplied by
//! content.
//!
//! The ID is printed on the 開通のご案内 (or お申込内容のご案内) the clinic
//! received when its line was opened. Which prefixes exist, how many digits
//! follow, and on which lines they are used are *not* hard-coded here: the
//! content pack supplies them as [`IdFormat`]s, so a wrong assumption can be
//! fixed without a release. Which NTT company issues which prefix is not
//! known for sure, so nothing here pairs a prefix with NTT East or West:
//! every format is accepted on every line its `carriers` list. The one shape this module knows by itself is
//! that of the 事業者変更承諾番号 / 転用承諾番号 (F or T + 10 digits), a
//! typical mistake in this field. No I/O happens here.

use super::normalize::{Tidy, describe_chars, is_dash_like, quote};
use super::{Checked, Problem};
use crate::model::strings::Strings;

/// One accepted shape of お客さまID, supplied by content: `prefix` letters
/// followed by exactly `digits` digits, used on the lines of `carriers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdFormat {
    /// The leading letters, e.g. `CAF` (compared case-insensitively).
    pub prefix: String,
    /// How many digits follow the prefix.
    pub digits: usize,
    /// Carrier identifiers in content whose lines use this format, e.g.
    /// `[ntt-east, ntt-west, hikari-collabo]`; empty: any line.
    pub carriers: Vec<String>,
}

impl From<&crate::model::clinic::IdFormat> for IdFormat {
    /// The format content declares for a `customer_id` field.
    fn from(f: &crate::model::clinic::IdFormat) -> Self {
        IdFormat {
            prefix: f.prefix.clone(),
            digits: f.digits,
            carriers: f.carriers.clone(),
        }
    }
}

impl IdFormat {
    /// `CAF + 10桁の数字`.
    pub fn describe(&self) -> String {
        self.describe_in(Strings::builtin())
    }

    /// [`IdFormat::describe`] in the words of `t` (`data_id_format`).
    pub fn describe_in(&self, t: &Strings) -> String {
        t.fill(
            "data_id_format",
            &[
                ("prefix", &self.prefix.to_ascii_uppercase()),
                ("n", &self.digits.to_string()),
            ],
        )
    }

    fn used_on(&self, carrier: &str) -> bool {
        self.carriers.is_empty()
            || self
                .carriers
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(carrier))
    }
}

/// Describes all formats for [`Problem::expected`].
#[cfg(test)]
fn expected(formats: &[IdFormat]) -> String {
    expected_in(formats, Strings::builtin())
}

/// [`expected`] in the words of `t` (`data_id_format` each, joined by
/// `list_joiner`; `data_id_expected_any` when content lists none).
fn expected_in(formats: &[IdFormat], t: &Strings) -> String {
    if formats.is_empty() {
        return t.get("data_id_expected_any").to_string();
    }
    formats
        .iter()
        .map(|f| f.describe_in(t))
        .collect::<Vec<_>>()
        .join(t.get("list_joiner"))
}

/// Whether `c` is a separator people put inside IDs.
fn is_id_separator(c: char) -> bool {
    c.is_whitespace() || is_dash_like(c) || matches!(c, '_' | '.' | '・' | '･' | ',' | '/')
}

/// Checks an お客さまID typed by hand.
///
/// The value is normalised (full-width → half-width, letters upper-cased,
/// spaces and hyphens inside removed; reported as one warning) and must then
/// match one of `formats`. `carrier`, when given, is the clinic's line
/// carrier (its value and the label people read, 「その他の回線（NTT以外）」):
/// an ID on a line that uses no such format is worth a warning (the ID or the
/// carrier may be out of date), never an error.
/// The value returned is the compact form, e.g. `CAF1253000113`.
pub fn check(raw: &str, formats: &[IdFormat], carrier: Option<(&str, &str)>) -> Checked<String> {
    check_in(raw, formats, carrier, Strings::builtin())
}

/// [`check`] told in the words of `t` (`data_id_*`).
pub fn check_in(
    raw: &str,
    formats: &[IdFormat],
    carrier: Option<(&str, &str)>,
    t: &Strings,
) -> Checked<String> {
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let compact = tidy.strip(&text, is_id_separator);
    if compact.chars().any(|c| c.is_ascii_lowercase()) {
        tidy.note(t.get("data_id_upper_cased"));
    }
    let id = compact.to_ascii_uppercase();
    tidy.report(&id, &mut problems);
    let expected = expected_in(formats, t);

    if id.is_empty() {
        problems.push(Problem::error(t.get("data_id_empty")).with_expected(expected));
        return Checked::from_parts(None, problems);
    }

    // A line whose carrier uses no format does not use the ID at all: its
    // shape must not stop the clinic's handout. Said once, as a warning.
    let carrier = carrier.filter(|(c, _)| !c.trim().is_empty());
    if let Some((c, label)) = carrier
        && !formats.is_empty()
        && !formats.iter().any(|f| f.used_on(c.trim()))
    {
        problems.push(unused_on(&id, label, t));
        return Checked::from_parts(Some(id.clone()), problems);
    }

    // Split into leading letters and the rest.
    let split = id
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(id.len());
    let (prefix, rest) = id.split_at_checked(split).unwrap_or((id.as_str(), ""));

    // Exact match first: content may legitimately define any shape.
    let by_prefix: Vec<&IdFormat> = formats
        .iter()
        .filter(|f| f.prefix.eq_ignore_ascii_case(prefix))
        .collect();
    let rest_is_digits = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());

    if !rest_is_digits || by_prefix.is_empty() {
        problems.push(shape_error(&id, prefix, rest, formats, t).with_expected(expected));
        return Checked::from_parts(None, problems);
    }

    let n = rest.chars().count();
    let matching: Vec<&IdFormat> = by_prefix
        .iter()
        .copied()
        .filter(|f| f.digits == n)
        .collect();
    if matching.is_empty() {
        let mut counts: Vec<usize> = by_prefix.iter().map(|f| f.digits).collect();
        counts.sort_unstable();
        counts.dedup();
        let counts: Vec<String> = counts
            .iter()
            .map(|c| t.fill("data_id_digits", &[("n", &c.to_string())]))
            .collect();
        problems.push(
            Problem::error(t.fill(
                "data_id_count",
                &[
                    ("prefix", prefix),
                    ("n", &n.to_string()),
                    ("counts", &counts.join(t.get("data_id_count_joiner"))),
                    ("where", t.get("data_id_where")),
                ],
            ))
            .with_expected(expected),
        );
        return Checked::from_parts(None, problems);
    }

    if let Some((carrier, label)) = carrier
        && !matching.iter().any(|f| f.used_on(carrier.trim()))
    {
        problems.push(unused_on(&id, label, t));
    }

    Checked::from_parts(Some(id.clone()), problems)
}

/// The warning for an ID on a line that does not use it.
fn unused_on(id: &str, carrier_label: &str, t: &Strings) -> Problem {
    Problem::warning(t.fill("data_id_unused", &[("id", id), ("carrier", carrier_label)]))
}

/// The error for a value that matches no format's prefix or has non-digits
/// after the letters.
fn shape_error(id: &str, prefix: &str, rest: &str, formats: &[IdFormat], t: &Strings) -> Problem {
    let where_to_find = t.get("data_id_where");
    // 事業者変更承諾番号 / 転用承諾番号: F or T + 10 digits.
    let rest_digits = rest.chars().count() == 10 && rest.chars().all(|c| c.is_ascii_digit());
    if matches!(prefix, "F" | "T") && rest_digits {
        return Problem::error(t.fill(
            "data_id_approval",
            &[("where", where_to_find), ("value", &quote(id))],
        ));
    }

    // The letter O typed as the digit 0 (or I as 1) inside a prefix.
    for f in formats {
        let want = f.prefix.to_ascii_uppercase();
        let len = want.chars().count();
        let head: String = id.chars().take(len).collect();
        let fixed: String = head
            .chars()
            .map(|c| match c {
                '0' => 'O',
                '1' => 'I',
                _ => c,
            })
            .collect();
        if head != want && fixed == want {
            return Problem::error(t.fill(
                "data_id_prefix_digits",
                &[("value", &quote(id)), ("prefix", &want)],
            ));
        }
    }

    if prefix.is_empty() {
        let n = id.chars().filter(|c| c.is_ascii_digit()).count();
        let by_count: Vec<String> = formats
            .iter()
            .filter(|f| f.digits == n)
            .map(|f| f.prefix.to_ascii_uppercase())
            .collect();
        let all: Vec<String> = formats
            .iter()
            .map(|f| f.prefix.to_ascii_uppercase())
            .collect();
        let value = quote(id);
        let prefixes = all.join(t.get("data_id_prefix_joiner"));
        let message = if id.chars().all(|c| c.is_ascii_digit()) && !by_count.is_empty() {
            t.fill(
                "data_id_no_letters_count",
                &[
                    ("prefixes", &prefixes),
                    ("n", &n.to_string()),
                    ("candidates", &by_count.join(t.get("data_or_joiner"))),
                    ("value", &value),
                ],
            )
        } else {
            t.fill(
                "data_id_no_letters",
                &[("prefixes", &prefixes), ("value", &value)],
            )
        };
        return Problem::error(message);
    }

    if !rest.chars().all(|c| c.is_ascii_digit()) {
        let bad: Vec<char> = rest.chars().filter(|c| !c.is_ascii_digit()).collect();
        let hint = if bad.contains(&'O') {
            t.get("data_hint_digit_zero")
        } else if bad.iter().any(|c| matches!(c, 'I' | 'L')) {
            t.get("data_hint_digit_one")
        } else {
            ""
        };
        return Problem::error(t.fill(
            "data_id_not_digits",
            &[
                ("hint", hint),
                ("chars", &describe_chars(bad, t)),
                ("value", &quote(id)),
            ],
        ));
    }

    if rest.is_empty() {
        return Problem::error(t.fill("data_id_no_digits", &[("value", &quote(id))]));
    }

    let close: Vec<String> = formats
        .iter()
        .map(|f| f.prefix.to_ascii_uppercase())
        .filter(|p| differs_by_one_letter(p, prefix))
        .collect();
    let message = match close.first() {
        Some(p) => t.fill(
            "data_id_unknown_close",
            &[("prefix", prefix), ("close", p), ("where", where_to_find)],
        ),
        None => t.fill(
            "data_id_unknown",
            &[("prefix", prefix), ("where", where_to_find)],
        ),
    };
    Problem::error(message)
}

/// Same length and exactly one position differs.
fn differs_by_one_letter(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() == 1
}

#[cfg(test)]
mod tests {
    use super::super::Level;
    use super::*;

    fn ntt() -> Vec<String> {
        vec![
            "ntt-east".into(),
            "ntt-west".into(),
            "hikari-collabo".into(),
        ]
    }

    fn formats() -> Vec<IdFormat> {
        vec![
            IdFormat {
                prefix: "CAF".into(),
                digits: 10,
                carriers: ntt(),
            },
            IdFormat {
                prefix: "cop".into(),
                digits: 8,
                carriers: ntt(),
            },
        ]
    }

    #[test]
    fn valid_ids() {
        let f = formats();
        let cases: &[(&str, Option<&str>, &str, usize)] = &[
            ("CAF1253000113", None, "CAF1253000113", 0),
            ("CAF1253000113", Some("ntt-east"), "CAF1253000113", 0),
            ("CAF1253000113", Some("NTT-East"), "CAF1253000113", 0),
            ("COP12345678", Some("ntt-west"), "COP12345678", 0),
            // Whether CAF/COP follow NTT East/West is unconfirmed: both are
            // accepted on every NTT-based line.
            ("COP12345678", Some("ntt-east"), "COP12345678", 0),
            ("CAF1253000113", Some("ntt-west"), "CAF1253000113", 0),
            ("CAF1253000113", Some("hikari-collabo"), "CAF1253000113", 0),
            ("COP12345678", Some("hikari-collabo"), "COP12345678", 0),
            ("CAF 1253000113", None, "CAF1253000113", 1),
            ("CAF-1253-000-113", None, "CAF1253000113", 1),
            ("caf1253000113", None, "CAF1253000113", 1),
            ("ＣＡＦ１２５３０００１１３", None, "CAF1253000113", 1),
            (
                "ｃｏｐ　１２３４５６７８",
                Some("ntt-west"),
                "COP12345678",
                1,
            ),
            ("  COP12345678 ", None, "COP12345678", 0),
        ];
        for (raw, carrier, want, warnings) in cases {
            let c = check(raw, &f, carrier.map(|c| (c, c)));
            assert_eq!(c.value.as_deref(), Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
        }
        let c = check("ｃａｆ 1253000113", &f, None);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].level, Level::Warning);
        assert!(c.problems[0].message.contains("大文字"));
        assert!(c.problems[0].message.contains("全角"));
    }

    #[test]
    fn invalid_ids() {
        let f = formats();
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("", None, "空"),
            (" - ", None, "空"),
            (
                "CAF125300011",
                None,
                "CAF の後の数字が 9 桁あります。10 桁のはずです",
            ),
            ("CAF12530001134", None, "11 桁あります"),
            ("COP1234567", None, "7 桁あります。8 桁のはずです"),
            ("COP1253000113", None, "10 桁あります。8 桁"),
            ("CDP12345678", None, "COP の打ち間違い"),
            ("CAE1253000113", None, "CAF の打ち間違い"),
            ("XYZ12345678", None, "知られていません"),
            ("C0P12345678", None, "英字の O を数字の 0"),
            (
                "CAF12530O0113",
                None,
                "数字以外の文字 'O' があります (英字の O",
            ),
            ("1253000113", None, "CAF で始まる"),
            ("CAF", None, "数字がありません"),
            ("F1234567890", None, "事業者変更承諾番号"),
            ("T1234567890", None, "転用承諾番号"),
            ("ｆ１２３４５６７８９０", None, "開通のご案内"),
            ("😀", None, "英字"),
            ("CAF１２５３０００１１３😀", None, "'😀'"),
        ];
        for (raw, carrier, needle) in cases {
            let c = check(raw, &f, carrier.map(|c| (c, c)));
            assert!(c.value.is_none(), "{raw}");
            assert!(
                c.errors()
                    .any(|p| p.message.contains(needle) && p.expected.is_some()),
                "{raw}: {:?}",
                c.problems
            );
        }
    }

    #[test]
    fn approval_number_only_flagged_when_content_does_not_define_it() {
        let mut f = formats();
        f.push(IdFormat {
            prefix: "F".into(),
            digits: 10,
            carriers: vec!["other".into()],
        });
        let c = check("F1234567890", &f, None);
        assert_eq!(c.value.as_deref(), Some("F1234567890"));
    }

    #[test]
    fn an_id_on_a_line_without_ids_is_a_warning_only() {
        let c = check(
            "CAF1253000113",
            &formats(),
            Some(("other", "その他の回線（NTT以外）")),
        );
        assert_eq!(c.value.as_deref(), Some("CAF1253000113"));
        assert!(!c.has_errors());
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].level, Level::Warning);
        assert!(!c.problems[0].message.contains("東日本"));
        // The carrier as people read it, never its code.
        let m = &c.problems[0].message;
        assert!(
            m.contains("回線事業者が「その他の回線（NTT以外）」の回線") && !m.contains("other"),
            "{m}"
        );
    }

    /// Whatever an unused ID holds, it does not stop the handout of a
    /// clinic whose line does not use IDs; on a line that may (a carrier
    /// still being checked, listed with the formats), it is checked.
    #[test]
    fn a_malformed_id_matters_only_on_a_line_that_may_use_it() {
        let mut f = formats();
        for x in &mut f {
            x.carriers.push("unknown".into());
        }
        for raw in ["12-3456", "CAF12345", "COP 1234", "お客さまID未確認"] {
            let c = check(raw, &f, Some(("other", "その他の回線（NTT以外）")));
            assert!(!c.has_errors(), "{raw}: {:?}", c.problems);
            let warnings: Vec<_> = c
                .problems
                .iter()
                .filter(|p| p.message.contains("お客さまIDを使いません"))
                .collect();
            assert_eq!(warnings.len(), 1, "{raw}: {:?}", c.problems);
            let c = check(raw, &f, Some(("unknown", "不明（回線事業者に確認中）")));
            assert!(c.has_errors(), "{raw} on a line being checked");
        }
        // A well-formed ID on a line still being checked: nothing to say.
        let c = check("CAF1253000113", &f, Some(("unknown", "不明")));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn no_formats_means_nothing_matches() {
        let c = check("CAF1253000113", &[], None);
        assert!(c.has_errors());
        assert!(c.errors().all(|p| p.expected.is_some()));
    }

    #[test]
    fn formats_describe_themselves() {
        let f = formats();
        assert_eq!(expected(&f), "CAF + 10桁の数字、COP + 8桁の数字");
    }
}
