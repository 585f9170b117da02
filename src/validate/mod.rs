//! Validation and normalisation of hand-typed clinic data.
//!
//! Clinic data arrives as raw text from spreadsheets and YAML files typed by
//! people: full-width digits, separators added by spreadsheet formatting,
//! prefecture names instead of numbers, dates in 和暦, and so on. The
//! functions in this module turn one such raw value into a normalised value
//! and a list of [`Problem`]s describing everything that is wrong with it (or
//! that had to be tidied up to read it).
//!
//! This module is pure: it performs no I/O, keeps no state, and never panics
//! on odd input (empty strings, emoji, full-width text). It knows nothing
//! about where a value came from; the evaluation stage attaches source
//! positions when it turns problems into diagnostics.
//!
//! Submodules:
//! - [`normalize`]: full-width → half-width conversion and trimming;
//! - [`institution`]: 医療機関コード (7- and 10-digit forms, 検証番号);
//! - [`codes`]: 都道府県番号 and 点数表番号;
//! - [`customer_id`]: NTT お客さまID against formats supplied by content;
//! - [`contact`]: telephone numbers, e-mail addresses, year-months and dates;
//! - [`secret`]: recognising field names whose values must never be stored.

use std::fmt;

pub mod codes;
pub mod contact;
pub mod customer_id;
pub mod institution;
pub mod normalize;
pub mod secret;

pub use customer_id::IdFormat;
pub use institution::InstitutionCode;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// The value cannot be used as written; [`Checked::value`] is `None`.
    Error,
    /// The value was usable but had to be tidied, or looks suspicious.
    Warning,
    /// Something the reader may want to know (e.g. a check that could not be
    /// completed because another field is missing).
    Info,
}

impl Level {
    /// A short Japanese label for the level ("エラー", "警告", "情報").
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "エラー",
            Level::Warning => "警告",
            Level::Info => "情報",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One thing wrong (or normalised) about one raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// How serious the finding is.
    pub level: Level,
    /// What is wrong, in Japanese (quoting the offending text where useful).
    pub message: String,
    /// The expected form, when that helps the reader fix the value
    /// (e.g. "7桁の数字 (郡市区2 + 番号4 + 検証番号1)").
    pub expected: Option<String>,
    /// Only a tidying of how the value was written (full-width digits made
    /// half-width, separators removed …): the value was read right and asks
    /// nothing of anyone. Always of level [`Level::Warning`].
    pub tidy: bool,
}

impl Problem {
    /// A problem of the given level with no expected form.
    pub fn new(level: Level, message: impl Into<String>) -> Self {
        Self {
            level,
            message: message.into(),
            expected: None,
            tidy: false,
        }
    }

    /// A warning that only says how the value was tidied ([`Problem::tidy`]).
    pub fn tidied(message: impl Into<String>) -> Self {
        Self {
            tidy: true,
            ..Self::warning(message)
        }
    }

    /// An [`Level::Error`] problem.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Level::Error, message)
    }

    /// A [`Level::Warning`] problem.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Level::Warning, message)
    }

    /// An [`Level::Info`] problem.
    pub fn info(message: impl Into<String>) -> Self {
        Self::new(Level::Info, message)
    }

    /// The same problem with `expected` set to the expected form.
    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Whether this problem is an error.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.level, self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (正しい形: {expected})")?;
        }
        Ok(())
    }
}

/// A checked value: the normalised value if usable, plus every problem found
/// (not only the first).
///
/// Invariant kept by every validator in this module: `value` is `None`
/// exactly when at least one problem has [`Level::Error`]. Warnings and
/// infos never suppress the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<T> {
    /// The normalised value, or `None` when the raw value cannot be used.
    pub value: Option<T>,
    /// Everything found, in the order it was found.
    pub problems: Vec<Problem>,
}

impl<T> Checked<T> {
    /// A value with no problems.
    pub fn ok(value: T) -> Self {
        Self {
            value: Some(value),
            problems: Vec::new(),
        }
    }

    /// Builds a result from a candidate value and the problems found; the
    /// value is dropped when any problem is an error, so that the invariant
    /// documented on [`Checked`] holds.
    pub fn from_parts(value: Option<T>, problems: Vec<Problem>) -> Self {
        let value = if problems.iter().any(Problem::is_error) {
            None
        } else {
            value
        };
        Self { value, problems }
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// Whether the value is usable and nothing at all was reported.
    pub fn is_clean(&self) -> bool {
        self.value.is_some() && self.problems.is_empty()
    }

    /// The problems of level [`Level::Error`].
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    /// Transforms the value, keeping the problems.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Checked<U> {
        Checked {
            value: self.value.map(f),
            problems: self.problems,
        }
    }
}

/// What the validators' tests of a theme's wording share.
#[cfg(test)]
pub(crate) mod test_words {
    use crate::model::strings::Strings;

    /// An English theme's strings (the test theme of anymanual8).
    pub(crate) fn english() -> Strings {
        let map: std::collections::BTreeMap<String, String> = serde_saphyr::from_str(include_str!(
            "../../tests/fixtures/anymanual8/theme/strings.yaml"
        ))
        .expect("the English strings parse");
        Strings::with_overrides(map).expect("the English strings are known keys")
    }

    /// Whether `c` is Japanese (kana, CJK ideographs and punctuation,
    /// full-width forms).
    pub(crate) fn is_japanese(c: char) -> bool {
        matches!(c, '\u{3000}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_parts_drops_value_on_error() {
        let c = Checked::from_parts(Some(1), vec![Problem::warning("w")]);
        assert_eq!(c.value, Some(1));
        assert!(!c.has_errors());
        assert!(!c.is_clean());
        let c = Checked::from_parts(Some(1), vec![Problem::warning("w"), Problem::error("e")]);
        assert_eq!(c.value, None);
        assert!(c.has_errors());
        assert_eq!(c.errors().count(), 1);
    }

    #[test]
    fn ok_is_clean_and_map_keeps_problems() {
        assert!(Checked::ok("x").is_clean());
        let c = Checked::from_parts(Some(2), vec![Problem::info("i")]).map(|v| v * 10);
        assert_eq!(c.value, Some(20));
        assert_eq!(c.problems.len(), 1);
    }

    /// Runs every validator on `raw` and checks the invariant of
    /// [`Checked`]: no value exactly when there is an error.
    fn run_all(raw: &str) {
        fn invariant<T: std::fmt::Debug>(raw: &str, c: &Checked<T>) {
            assert_eq!(c.value.is_none(), c.has_errors(), "{raw:?}: {c:?}");
        }
        let formats = [IdFormat {
            prefix: "CAF".into(),
            digits: 10,
            carriers: vec!["ntt-east".into()],
        }];
        invariant(raw, &normalize::checked(raw));
        for (p, t) in [
            (None, None),
            (Some(1), Some(1)),
            (Some(13), Some(3)),
            (Some(200), Some(9)),
        ] {
            invariant(
                raw,
                &institution::check_code(raw, p, t, &codes::test_fee_schedules()),
            );
        }
        invariant(raw, &codes::check_prefecture(raw));
        invariant(
            raw,
            &codes::check_fee_schedule(raw, &codes::test_fee_schedules()),
        );
        invariant(
            raw,
            &customer_id::check(raw, &formats, Some(("ntt-east", "NTT東日本"))),
        );
        invariant(raw, &customer_id::check(raw, &[], None));
        invariant(raw, &contact::check_phone(raw));
        invariant(raw, &contact::check_email(raw));
        invariant(raw, &contact::check_year_month(raw));
        invariant(raw, &contact::check_date(raw));
        let _ = secret::looks_like_secret_key(raw);
    }

    #[test]
    fn odd_input_never_panics() {
        let fixed = [
            "",
            " ",
            "\u{3000}",
            "\u{FEFF}",
            "\0",
            "\n\r\t",
            "😀",
            "👨‍👩‍👧",
            "e\u{301}",
            "ｰｰｰ",
            "ーーー",
            "---",
            "()",
            "(",
            ")",
            "(木)",
            "令和",
            "R",
            "元",
            "令和元",
            "年月日",
            "@",
            "@@",
            ".",
            "+",
            "+81",
            "+81(0)",
            "0",
            "00000000000000000000000000",
            "9999999999999999999999",
            "CAF",
            "F",
            "T",
            "14:",
            ":神奈川県",
            "２０２６年２月３０日",
            "R99.99.99",
            "H0.0",
            "平成元年元月",
            "2026年12月10日(木",
        ];
        for raw in fixed {
            run_all(raw);
        }
        let long = "１".repeat(5000);
        run_all(&long);

        // A small deterministic generator over characters that matter to
        // the parsers.
        let pool: Vec<char> = "0123456789０１２３４５６７８９-－ー‐/.,・年月日令和平成元RHCAFOPTcf@＠。 　()（）:：+内線😀"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 16) as usize;
            let mut s = String::new();
            let mut x = state;
            for _ in 0..len {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if let Some(c) = pool.get((x >> 33) as usize % pool.len()) {
                    s.push(*c);
                }
            }
            run_all(&s);
        }
    }

    #[test]
    fn problem_display_includes_level_and_expected() {
        let p = Problem::error("桁数が違います").with_expected("7桁の数字");
        assert_eq!(
            p.to_string(),
            "[エラー] 桁数が違います (正しい形: 7桁の数字)"
        );
        assert_eq!(Problem::info("x").to_string(), "[情報] x");
    }
}
