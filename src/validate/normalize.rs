//! Width normalisation of hand-typed values.
//!
//! Japanese input methods make it easy to type full-width digits and letters
//! (`０１２`, `ＣＡＦ`), full-width spaces and a zoo of dash-like characters
//! (`－ ー ‐ −`). Everything else in [`crate::validate`](super) starts by
//! passing the raw value through [`to_half_width`]. No I/O happens here.

use super::{Checked, Problem};
use crate::model::manual::Choice;
use crate::model::strings::Strings;

/// Converts full-width ASCII (digits, letters, punctuation) and the
/// full-width space to their half-width forms, turns dash-like characters
/// between half-width letters/digits (at least one of them a digit) into
/// `-`, and trims surrounding whitespace (including U+3000, zero-width space
/// and the byte-order mark).
///
/// Returns the converted text and whether any character was converted.
/// Trimming alone does not count as a change: a trailing space is not worth
/// a warning.
pub fn to_half_width(raw: &str) -> (String, bool) {
    let trimmed = raw.trim_matches(is_blank);
    let mut changed = false;
    let mapped: Vec<char> = trimmed
        .chars()
        .map(|c| {
            let h = half_width_char(c);
            if h != c {
                changed = true;
            }
            h
        })
        .collect();

    let mut out = String::with_capacity(trimmed.len());
    for (i, &c) in mapped.iter().enumerate() {
        if is_dash_like(c) && c != '-' {
            let before = i.checked_sub(1).and_then(|j| mapped.get(j)).copied();
            let after = mapped.get(i + 1).copied();
            if numeric_context(before, after) {
                out.push('-');
                changed = true;
                continue;
            }
        }
        out.push(c);
    }
    (out, changed)
}

/// The warning reported for a value that needed width normalisation, in the
/// words of `t` (`data_width_tidied`), e.g.
/// `全角文字を半角に直しました: 'ＣＡＦ１２３' → 'CAF123'`.
pub fn width_warning(raw: &str, normalized: &str, t: &Strings) -> Problem {
    Problem::tidied(t.fill(
        "data_width_tidied",
        &[
            ("from", &quote(raw.trim_matches(is_blank))),
            ("to", &quote(normalized)),
        ],
    ))
}

/// [`to_half_width`] as a [`Checked`] value: always usable, with a warning
/// when something was converted.
pub fn checked(raw: &str) -> Checked<String> {
    checked_in(raw, Strings::builtin())
}

/// [`checked`] in the words of `t`.
pub fn checked_in(raw: &str, t: &Strings) -> Checked<String> {
    let (text, changed) = to_half_width(raw);
    let problems = if changed {
        vec![width_warning(raw, &text, t)]
    } else {
        Vec::new()
    };
    Checked::from_parts(Some(text), problems)
}

/// Whether `c` is a hyphen, dash, minus or long-vowel mark that people type
/// in place of `-` (including `-` itself).
pub fn is_dash_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}' // ‐ ‑ ‒ – — ―
            | '\u{2043}' // ⁃
            | '\u{2212}' // −
            | '\u{2500}' // ─ (box drawing, picked by some IMEs)
            | '\u{30FC}' // ー
            | '\u{FE63}' // ﹣
            | '\u{FF0D}' // －
            | '\u{FF70}' // ｰ
    )
}

/// Whether `c` is blank for trimming purposes: Unicode whitespace (which
/// includes U+3000) plus the zero-width space and the byte-order mark that
/// copy-and-paste leaves behind.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Folds a key or header for matching: Unicode NFKC (full-width letters
/// and digits become ASCII, half-width ｶﾅ becomes full-width カナ), hiragana
/// becomes katakana, letters are lower-cased.
pub fn fold_for_match(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Folds a choice's value, label or alias, or a clinic's value, for
/// matching one to the other: [`fold_for_match`] without any blank.
pub fn choice_key(s: &str) -> String {
    fold_for_match(s)
        .chars()
        .filter(|&c| !is_blank(c))
        .collect()
}

/// Every folded name of `option`: its value, its label, the label without
/// a leading `value:` (`1: 診療(調剤)報酬支払額から控除` also answers to
/// `診療(調剤)報酬支払額から控除`), and its aliases.
pub fn choice_keys(option: &Choice) -> Vec<String> {
    let value = choice_key(&option.value);
    let label = choice_key(&option.label);
    let mut keys = vec![value.clone()];
    if let Some(rest) = label
        .strip_prefix(value.as_str())
        .and_then(|r| r.strip_prefix(':'))
        .filter(|r| !r.is_empty())
    {
        keys.push(rest.to_string());
    }
    keys.push(label);
    keys.extend(option.aliases.iter().map(|a| choice_key(a)));
    keys.retain(|k| !k.is_empty());
    keys.dedup();
    keys
}

/// The option that `raw` names by its value, label or an alias, compared
/// [folded](choice_key): `ｎｔｔ西日本` and `NTT 西日本` name the option whose
/// alias is `NTT西日本`.
pub fn find_choice<'a>(options: &'a [Choice], raw: &str) -> Option<&'a Choice> {
    let key = choice_key(raw);
    if key.is_empty() {
        return None;
    }
    options.iter().find(|o| choice_keys(o).contains(&key))
}

/// How an error lists the options: `ntt-west（NTT西日本 フレッツ光）`, or the
/// label alone when it starts with the value (`1: 診療(調剤)報酬…`).
pub fn choice_list(options: &[Choice]) -> String {
    choice_list_in(options, |value, label| format!("{value}（{label}）"), "、")
}

/// The same in a theme's words: `option` writes a value with its label,
/// `joiner` goes between the options.
pub fn choice_list_in(
    options: &[Choice],
    option: impl Fn(&str, &str) -> String,
    joiner: &str,
) -> String {
    options
        .iter()
        .map(|o| {
            let label = o.label.trim();
            if label.is_empty() || label == o.value {
                o.value.clone()
            } else if label.starts_with(&format!("{}:", o.value)) {
                label.to_string()
            } else {
                option(&o.value, label)
            }
        })
        .collect::<Vec<_>>()
        .join(joiner)
}

/// Characters that change how text looks without being seen: bidi
/// embeddings, overrides and isolates, zero-width characters, the BOM, soft
/// hyphen and control characters (tab and line breaks excepted). Clinic
/// values must not carry them: `U+202E` can make `1430` read as `0341`.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}' | '\u{000B}' | '\u{000C}' | '\u{000E}'..='\u{001F}'
        | '\u{007F}'..='\u{009F}'
        | '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Removes [invisible](is_invisible) characters; returns the cleaned text
/// and the removed characters (each once, in order of appearance).
pub fn strip_invisible(s: &str) -> (String, Vec<char>) {
    let mut removed = Vec::new();
    let out = s
        .chars()
        .filter(|&c| {
            if is_invisible(c) {
                if !removed.contains(&c) {
                    removed.push(c);
                }
                false
            } else {
                true
            }
        })
        .collect();
    (out, removed)
}

/// Maps one character: full-width ASCII block and the ideographic space.
fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A dash is numeric when both neighbours are half-width letters or digits
/// and at least one of them is a digit (so `ＣＡＦー１２３` becomes
/// `CAF-123` while `センター` keeps its long-vowel mark).
fn numeric_context(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(b), Some(a)) => {
            b.is_ascii_alphanumeric()
                && a.is_ascii_alphanumeric()
                && (b.is_ascii_digit() || a.is_ascii_digit())
        }
        _ => false,
    }
}

/// Quotes a raw value for a message: single quotes, control characters
/// escaped, long values shortened with `…`.
pub(crate) fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut out = String::from("'");
    for (i, c) in s.chars().enumerate() {
        if i >= MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Collects what was done to a raw value while reading it, and reports it as
/// a single warning, in the words of the theme's strings it was started with.
#[derive(Debug)]
pub(crate) struct Tidy<'t> {
    /// The words of every note and of the warning.
    t: &'t Strings,
    /// The raw value as shown in the warning (trimmed).
    shown_raw: String,
    /// What was done, in order.
    notes: Vec<String>,
}

impl<'t> Tidy<'t> {
    /// Starts from `raw`: converts its width and records the conversion.
    /// Returns the converted text.
    pub(crate) fn start(raw: &str, t: &'t Strings) -> (String, Tidy<'t>) {
        let (text, changed) = to_half_width(raw);
        let mut tidy = Tidy {
            t,
            shown_raw: raw.trim_matches(is_blank).to_string(),
            notes: Vec::new(),
        };
        if changed {
            tidy.note(t.get("data_tidy_width"));
        }
        (text, tidy)
    }

    /// Records one thing that was done (duplicates are ignored).
    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Removes every character matching `is_sep` from `text`, recording
    /// which characters were removed.
    pub(crate) fn strip(&mut self, text: &str, is_sep: impl Fn(char) -> bool) -> String {
        let mut removed: Vec<char> = Vec::new();
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if is_sep(c) {
                if !removed.contains(&c) {
                    removed.push(c);
                }
            } else {
                out.push(c);
            }
        }
        if !removed.is_empty() {
            let shown = describe_chars(removed, self.t);
            self.note(self.t.fill("data_tidy_removed", &[("chars", &shown)]));
        }
        out
    }

    /// The warning describing everything that was done, if anything was.
    pub(crate) fn warning(&self, result: &str) -> Option<Problem> {
        if self.notes.is_empty() {
            return None;
        }
        Some(Problem::tidied(self.t.fill(
            "data_tidy",
            &[
                ("notes", &self.notes.join(self.t.get("data_tidy_joiner"))),
                ("from", &quote(&self.shown_raw)),
                ("to", &quote(result)),
            ],
        )))
    }

    /// Pushes [`Tidy::warning`] onto `problems` when there is one.
    pub(crate) fn report(&self, result: &str, problems: &mut Vec<Problem>) {
        if let Some(p) = self.warning(result) {
            problems.push(p);
        }
    }
}

/// Shows one character in a message; spaces get a name (`data_char_space`,
/// `data_char_tab` of `t`) because a quoted space is invisible.
pub(crate) fn describe_char(c: char, t: &Strings) -> String {
    match c {
        ' ' => t.get("data_char_space").to_string(),
        '\t' => t.get("data_char_tab").to_string(),
        _ if c.is_control() => c.escape_default().collect(),
        _ => format!("'{c}'"),
    }
}

/// Lists distinct characters for a message, e.g. `'O' 'あ'`.
pub(crate) fn describe_chars(chars: impl IntoIterator<Item = char>, t: &Strings) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in chars {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.iter()
        .map(|c| describe_char(*c, t))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::Level;
    use super::*;

    #[test]
    fn an_option_is_found_by_its_value_label_or_alias_in_any_width_case_or_kana() {
        let opt = |value: &str, label: &str, aliases: &[&str]| Choice {
            value: value.into(),
            label: label.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            name: None,
        };
        let options = [
            opt("ntt-west", "NTT西日本 フレッツ光", &["NTT西日本"]),
            opt("contracted", "契約済み", &["あり"]),
            opt("2", "2: 払込請求書による振込み", &[]),
        ];
        let found = |raw: &str| find_choice(&options, raw).map(|o| o.value.as_str());
        for (raw, want) in [
            ("ntt-west", Some("ntt-west")),
            ("NTT-West", Some("ntt-west")),
            ("NTT西日本 フレッツ光", Some("ntt-west")),
            ("ＮＴＴ　西日本", Some("ntt-west")),
            ("ﾅｼ", None),
            ("アリ", Some("contracted")),
            (" あり ", Some("contracted")),
            ("2", Some("2")),
            ("払込請求書による振込み", Some("2")),
            ("2：払込請求書による振込み", Some("2")),
            // Part of a name is not the name.
            ("西日本", None),
            ("払込", None),
            ("", None),
            ("  ", None),
        ] {
            assert_eq!(found(raw), want, "{raw:?}");
        }
        assert_eq!(
            choice_list(&options),
            "ntt-west（NTT西日本 フレッツ光）、contracted（契約済み）、2: 払込請求書による振込み"
        );
    }

    #[test]
    fn converts_width_and_reports_change() {
        let cases: &[(&str, &str, bool)] = &[
            ("ＣＡＦ１２３", "CAF123", true),
            ("CAF123", "CAF123", false),
            ("  CAF123 \t", "CAF123", false),
            ("\u{3000}０１２\u{3000}", "012", true),
            ("\u{FEFF}0110113\u{200B}", "0110113", false),
            ("０３－１２３４－５６７８", "03-1234-5678", true),
            ("03ー1234ー5678", "03-1234-5678", true),
            ("03‐1234−5678", "03-1234-5678", true),
            ("045–123—4567", "045-123-4567", true),
            ("ＣＡＦー１２５３", "CAF-1253", true),
            ("ｃａｆ", "caf", true),
            ("山田\u{3000}太郎", "山田 太郎", true),
            ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp", true),
            ("１４：神奈川県", "14:神奈川県", true),
            ("", "", false),
            ("\u{3000}", "", false),
            ("😀", "😀", false),
        ];
        for (raw, want, want_changed) in cases {
            let (got, changed) = to_half_width(raw);
            assert_eq!(&got, want, "raw {raw:?}");
            assert_eq!(changed, *want_changed, "raw {raw:?}");
        }
    }

    #[test]
    fn long_vowel_mark_outside_numbers_is_kept() {
        for raw in ["センター", "コールセンター1", "ー1", "1ー", "AーB", "ーー"] {
            let (got, _) = to_half_width(raw);
            assert_eq!(got, raw, "raw {raw:?}");
        }
    }

    #[test]
    fn width_warning_message() {
        let p = width_warning("ＣＡＦ１２３", "CAF123", Strings::builtin());
        assert_eq!(p.level, Level::Warning);
        assert_eq!(
            p.message,
            "全角文字を半角に直しました: 'ＣＡＦ１２３' → 'CAF123'"
        );
    }

    #[test]
    fn checked_warns_only_when_changed() {
        let c = checked("ＡＢＣ");
        assert_eq!(c.value.as_deref(), Some("ABC"));
        assert_eq!(c.problems.len(), 1);
        assert!(checked(" ABC ").is_clean());
    }

    #[test]
    fn quote_escapes_and_shortens() {
        assert_eq!(quote("a\nb"), "'a\\nb'");
        let long = "あ".repeat(50);
        let q = quote(&long);
        assert!(q.ends_with("…'"));
        assert_eq!(q.chars().count(), 40 + 3);
    }

    #[test]
    fn tidy_combines_notes() {
        let (text, mut tidy) = Tidy::start("０１，５０２６，８", Strings::builtin());
        let text = tidy.strip(&text, |c| c == ',');
        assert_eq!(text, "0150268");
        let w = tidy.warning(&text).map(|p| p.message);
        assert_eq!(
            w.as_deref(),
            Some(
                "全角文字を半角に直しました。区切りの ',' を取り除きました: '０１，５０２６，８' → '0150268'"
            )
        );
        let (text, tidy) = Tidy::start("0150268", Strings::builtin());
        assert!(tidy.warning(&text).is_none());
    }

    #[test]
    fn describes_chars() {
        assert_eq!(
            describe_chars("a a".chars(), Strings::builtin()),
            "'a' 空白"
        );
    }
}
