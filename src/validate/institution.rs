//! 医療機関コード: reading the 7- and 10-digit forms and verifying the
//! 検証番号 (check digit).
//!
//! The 7-digit code is 郡市区番号 (2) + 医療機関等番号 (4) + 検証番号 (1);
//! the 10-digit form prefixes 都道府県番号 (2) and 点数表番号 (1). The check
//! digit is a modulus-10, weights-2-1 (Luhn) digit whose *body* depends on
//! the prefecture:
//!
//! - outside 11 埼玉, 12 千葉, 13 東京, 14 神奈川: 都道府県 (2) + 点数表 (1)
//!   + the first six digits of the code (nine digits);
//! - in 11–14: the first six digits of the code only;
//! - 歯科 (3) and 訪問看護 (6) codes in 11–14 are accepted under either rule,
//!   because no public list confirmed which one they use.
//!
//! No I/O happens here.

use super::codes::{
    FeeSchedule, describe_fee_schedule_in, describe_prefecture_in, fee_schedule_name,
    prefecture_name,
};
use super::normalize::{Tidy, describe_chars, is_dash_like};
use super::{Checked, Problem};
use crate::model::strings::Strings;

/// How to fix a 10-digit code whose prefecture or 点数表 disagrees with
/// the separately given one: the default theme's `data_code_mismatch_fix`,
/// which the tests compare with.
#[cfg(test)]
const MISMATCH_FIX: &str = "届出の書類やレセプトで正しいほうを確かめ、10桁のコードか都道府県・点数表の欄を直す (7桁のコードだけを書けば欄の値で確かめます)";

/// A 医療機関コード that passed (or could not be refuted by) the checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstitutionCode {
    /// 都道府県番号 (1–47), when known from the 10-digit form or given
    /// separately.
    pub prefecture: Option<u8>,
    /// 点数表番号 (1, 3, 4 or 6), when known.
    pub fee_schedule: Option<u8>,
    /// The seven digits 郡市区番号 + 医療機関等番号 + 検証番号.
    pub code7: String,
}

impl InstitutionCode {
    /// The 10-digit form (都道府県 + 点数表 + 7 digits), when both the
    /// prefecture and the 点数表 are known.
    pub fn ten_digit(&self) -> Option<String> {
        match (self.prefecture, self.fee_schedule) {
            (Some(p), Some(t)) => Some(format!("{p:02}{t}{}", self.code7)),
            _ => None,
        }
    }

    /// The code for display: the 10-digit form when known, else the seven
    /// digits.
    pub fn display(&self) -> String {
        self.ten_digit().unwrap_or_else(|| self.code7.clone())
    }
}

/// Computes a check digit: starting from the last digit of `body`, multiply
/// alternately by 2 and 1, add the digits of each product, and return
/// `(10 - sum % 10) % 10`. Every element of `body` must be 0–9 (larger
/// values are reduced modulo 10).
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d % 10);
            let p = if i % 2 == 0 { d * 2 } else { d };
            p / 10 + p % 10
        })
        .sum();
    // `sum % 10` is at most 9, so the result is 0–9 and fits in u8.
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// Whether a prefecture uses the six-digit rule (埼玉, 千葉, 東京, 神奈川).
pub fn uses_six_digit_rule(prefecture: u8) -> bool {
    (11..=14).contains(&prefecture)
}

/// The check digit under the six-digit rule.
fn six_rule(first6: &[u8; 6]) -> u8 {
    check_digit(first6)
}

/// The check digit under the nine-digit rule (都道府県 + 点数表 + six).
fn nine_rule(prefecture: u8, fee_schedule: u8, first6: &[u8; 6]) -> u8 {
    let mut body = [0u8; 9];
    body[0] = prefecture / 10 % 10;
    body[1] = prefecture % 10;
    body[2] = fee_schedule % 10;
    body[3..].copy_from_slice(first6);
    check_digit(&body)
}

/// Whether `c` is a separator that spreadsheets or people put inside codes.
fn is_code_separator(c: char) -> bool {
    c.is_whitespace()
        || is_dash_like(c)
        || matches!(
            c,
            ',' | '.' | '、' | '。' | '・' | '･' | '/' | '_' | '\'' | '"' | '`' | '’' | '‘'
        )
}

/// A code as [`check_code`] reads it, also one it refuses: half-width,
/// separators removed, any other character kept (`１２３４５６7` →
/// `1234567`, `12-345O7` → `12345O7`).
pub fn as_read(raw: &str) -> String {
    let (text, _) = super::normalize::to_half_width(raw);
    text.chars().filter(|&c| !is_code_separator(c)).collect()
}

/// Checks a 医療機関コード typed by hand.
///
/// `prefecture` and `fee_schedule` are the separately given 都道府県番号
/// and 点数表番号 (already checked, e.g. by [`super::codes`]), if any. The
/// raw value may be the 7-digit or 10-digit form, with full-width digits and
/// spreadsheet separators (`01,5026,8`, `01-0102-2`, `010,074.3`,
/// `01・4015・9`); what was tidied is reported as one warning. A 10-digit
/// form whose prefecture or 点数表 disagrees with the separate fields is an
/// error. The 検証番号 is verified as far as the known fields allow; when
/// it cannot be fully verified an info says why. `schedules` are the
/// 点数表 content lists (their numbers and names).
pub fn check_code(
    raw: &str,
    prefecture: Option<u8>,
    fee_schedule: Option<u8>,
    schedules: &[FeeSchedule],
) -> Checked<InstitutionCode> {
    check_code_in(raw, prefecture, fee_schedule, schedules, Strings::builtin())
}

/// [`check_code`] told in the words of `t` (`data_code_*`, and
/// `data_two_codes`, `data_two_codes_expected` for two codes in one value).
pub fn check_code_in(
    raw: &str,
    prefecture: Option<u8>,
    fee_schedule: Option<u8>,
    schedules: &[FeeSchedule],
    t: &Strings,
) -> Checked<InstitutionCode> {
    let expected_form = t.get("data_code_expected");
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let digits_text = tidy.strip(&text, is_code_separator);
    tidy.report(&digits_text, &mut problems);

    if digits_text.is_empty() {
        problems.push(Problem::error(t.get("data_code_empty")).with_expected(expected_form));
        return Checked::from_parts(None, problems);
    }

    let bad: Vec<char> = digits_text
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    if !bad.is_empty() {
        let hint = if bad.iter().any(|c| matches!(c, 'O' | 'o')) {
            t.get("data_hint_digit_zero")
        } else if bad.iter().any(|c| matches!(c, 'l' | 'I' | '|')) {
            t.get("data_hint_digit_one")
        } else {
            ""
        };
        let message = t.fill(
            "data_code_not_digits",
            &[
                ("hint", hint),
                ("chars", &describe_chars(bad.iter().copied(), t)),
            ],
        );
        problems.push(Problem::error(message).with_expected(expected_form));
        return Checked::from_parts(None, problems);
    }

    // Only ASCII digits are left, so every byte is one digit.
    let digits: Vec<u8> = digits_text.bytes().map(|b| b - b'0').collect();

    let given_pref = accept_given(
        prefecture,
        prefecture_name(prefecture.unwrap_or(0)).is_some(),
        "data_code_given_prefecture",
        t,
        &mut problems,
    );
    let given_table = accept_given(
        fee_schedule,
        fee_schedule_name(schedules, fee_schedule.unwrap_or(0)).is_some(),
        "data_code_given_fee_schedule",
        t,
        &mut problems,
    );

    let (code7, pref, table) = match digits.len() {
        7 => {
            let Ok(code7) = <[u8; 7]>::try_from(digits.as_slice()) else {
                return Checked::from_parts(None, problems);
            };
            (code7, given_pref, given_table)
        }
        10 => {
            let Ok(all) = <[u8; 10]>::try_from(digits.as_slice()) else {
                return Checked::from_parts(None, problems);
            };
            let pref = all[0] * 10 + all[1];
            let table = all[2];
            let mut code7 = [0u8; 7];
            code7.copy_from_slice(&all[3..]);
            let mut parts_ok = true;
            if prefecture_name(pref).is_none() {
                problems.push(
                    Problem::error(t.fill(
                        "data_code_ten_prefecture",
                        &[("number", &format!("{pref:02}"))],
                    ))
                    .with_expected(expected_form),
                );
                parts_ok = false;
            }
            // Content that lists no 点数表 (no `fee_schedule` field) leaves
            // the digit unchecked: there is no list to check it against.
            if !schedules.is_empty() && fee_schedule_name(schedules, table).is_none() {
                let each: Vec<String> = schedules
                    .iter()
                    .map(|f| describe_fee_schedule_in(schedules, f.number, t))
                    .collect();
                problems.push(
                    Problem::error(t.fill(
                        "data_code_ten_fee_schedule",
                        &[
                            ("number", &table.to_string()),
                            ("schedules", &each.join(t.get("list_joiner"))),
                        ],
                    ))
                    .with_expected(expected_form),
                );
                parts_ok = false;
            }
            if let Some(p) = given_pref
                && prefecture_name(pref).is_some()
                && p != pref
            {
                problems.push(
                    Problem::error(t.fill(
                        "data_code_prefecture_differs",
                        &[
                            ("in_code", &describe_prefecture_in(pref, t)),
                            ("given", &describe_prefecture_in(p, t)),
                        ],
                    ))
                    .with_expected(t.get("data_code_mismatch_fix")),
                );
            }
            if let Some(given) = given_table
                && fee_schedule_name(schedules, table).is_some()
                && given != table
            {
                problems.push(
                    Problem::error(t.fill(
                        "data_code_fee_schedule_differs",
                        &[
                            ("in_code", &describe_fee_schedule_in(schedules, table, t)),
                            ("given", &describe_fee_schedule_in(schedules, given, t)),
                        ],
                    ))
                    .with_expected(t.get("data_code_mismatch_fix")),
                );
            }
            if !parts_ok {
                return Checked::from_parts(None, problems);
            }
            (code7, Some(pref), Some(table))
        }
        n => {
            let key = if n == 6 || n == 9 {
                "data_code_length_lost_zero"
            } else {
                "data_code_length"
            };
            let mut message = t.fill(key, &[("n", &n.to_string())]);
            if let Some(codes) = two_codes(&text, &digits_text) {
                // Two codes in one cell (a clinic with 医科 and 歯科): the
                // separators between them were no typing noise, so the
                // tidy warning that joined them is dropped.
                problems.retain(|p| p.level != super::Level::Warning);
                message = t.fill(
                    "data_two_codes",
                    &[("values", &codes.join(t.get("data_several_joiner")))],
                );
                problems
                    .push(Problem::error(message).with_expected(t.get("data_two_codes_expected")));
                return Checked::from_parts(None, problems);
            }
            problems.push(Problem::error(message).with_expected(expected_form));
            return Checked::from_parts(None, problems);
        }
    };

    verify(&code7, pref, table, schedules, t, &mut problems);

    let code7_text: String = code7.iter().map(|d| char::from(b'0' + d)).collect();
    let value = InstitutionCode {
        prefecture: pref,
        fee_schedule: table,
        code7: code7_text,
    };
    Checked::from_parts(Some(value), problems)
}

/// The two codes of a cell that holds two (`3012348/3012344`,
/// `3012348、2733012344`): digits that make two codes of 7 or 10 digits,
/// split where the cell separates them by something other than a digit.
/// `None` for one code written with separators (`01,5026,8`).
fn two_codes(text: &str, digits: &str) -> Option<Vec<String>> {
    if !matches!(digits.len(), 14 | 17 | 20) {
        return None;
    }
    // The digits before each separator run: a split point of the cell.
    let mut splits = Vec::new();
    let mut count = 0;
    let mut after_digit = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            count += 1;
            after_digit = true;
        } else if after_digit {
            splits.push(count);
            after_digit = false;
        }
    }
    splits.into_iter().find_map(|at| {
        let (a, b) = digits.split_at(at);
        (matches!(a.len(), 7 | 10) && matches!(b.len(), 7 | 10))
            .then(|| vec![a.to_string(), b.to_string()])
    })
}

/// Keeps a separately given field when it is valid; otherwise ignores it
/// with an info.
/// `key` is the info's text (`data_code_given_prefecture` or
/// `data_code_given_fee_schedule`).
fn accept_given(
    given: Option<u8>,
    valid: bool,
    key: &str,
    t: &Strings,
    problems: &mut Vec<Problem>,
) -> Option<u8> {
    match given {
        Some(v) if valid => Some(v),
        Some(v) => {
            problems.push(Problem::info(t.fill(key, &[("value", &v.to_string())])));
            None
        }
        None => None,
    }
}

/// Verifies the 検証番号 of `code7` as far as `pref` and `table` allow,
/// pushing an error, a warning or an info in the words of `t` onto
/// `problems`.
fn verify(
    code7: &[u8; 7],
    pref: Option<u8>,
    table: Option<u8>,
    schedules: &[FeeSchedule],
    t: &Strings,
    problems: &mut Vec<Problem>,
) {
    let numbers: Vec<u8> = schedules.iter().map(|f| f.number).collect();
    let check = code7[6];
    let mut first6 = [0u8; 6];
    first6.copy_from_slice(&code7[..6]);
    let six = six_rule(&first6);
    let typo_hint = t.get("data_code_typo");
    let expected = |digits: &str| t.fill("data_code_check_expected", &[("digits", digits)]);

    match (pref, table) {
        (Some(p), Some(f)) if uses_six_digit_rule(p) && matches!(f, 3 | 6) => {
            let nine = nine_rule(p, f, &first6);
            if check != six && check != nine {
                let (six, nine) = (six.to_string(), nine.to_string());
                problems.push(
                    Problem::error(t.fill(
                        "data_code_check_either",
                        &[("six", &six), ("nine", &nine), ("hint", typo_hint)],
                    ))
                    .with_expected(t.fill(
                        "data_code_check_either_expected",
                        &[("six", &six), ("nine", &nine)],
                    )),
                );
            }
        }
        (Some(p), _) if uses_six_digit_rule(p) => {
            if check == six {
                return;
            }
            let dental: Vec<u8> = [3u8, 6]
                .into_iter()
                .filter(|&f| nine_rule(p, f, &first6) == check)
                .collect();
            if table.is_none() && !dental.is_empty() {
                let names: Vec<String> = dental
                    .iter()
                    .map(|f| describe_fee_schedule_in(schedules, *f, t))
                    .collect();
                problems.push(Problem::warning(t.fill(
                    "data_code_check_metro_schedule",
                    &[
                        ("prefecture", &describe_prefecture_in(p, t)),
                        ("digit", &six.to_string()),
                        ("schedules", &names.join(t.get("data_or_joiner"))),
                    ],
                )));
            } else {
                problems.push(
                    Problem::error(t.fill(
                        "data_code_check_six",
                        &[
                            ("digit", &six.to_string()),
                            ("prefecture", &describe_prefecture_in(p, t)),
                            ("hint", typo_hint),
                        ],
                    ))
                    .with_expected(expected(&six.to_string())),
                );
            }
        }
        (Some(p), Some(f)) => {
            let nine = nine_rule(p, f, &first6);
            if check != nine {
                // A code that checks itself (the six-digit rule) is likely
                // one of 11–14 given another prefecture: say so rather than
                // only suspect a typo.
                let hint = if check == six {
                    t.get("data_code_check_metro_hint")
                } else {
                    typo_hint
                };
                problems.push(
                    Problem::error(t.fill(
                        "data_code_check_nine",
                        &[
                            ("digit", &nine.to_string()),
                            ("prefecture", &describe_prefecture_in(p, t)),
                            ("schedule", &describe_fee_schedule_in(schedules, f, t)),
                            ("hint", hint),
                        ],
                    ))
                    .with_expected(expected(&nine.to_string())),
                );
            }
        }
        (Some(p), None) => {
            let passing: Vec<u8> = numbers
                .iter()
                .copied()
                .filter(|&f| nine_rule(p, f, &first6) == check)
                .collect();
            if passing.is_empty() {
                let each: Vec<String> = numbers
                    .iter()
                    .copied()
                    .map(|f| {
                        t.fill(
                            "data_code_check_if",
                            &[
                                ("digit", &nine_rule(p, f, &first6).to_string()),
                                ("name", fee_schedule_name(schedules, f).unwrap_or_default()),
                            ],
                        )
                    })
                    .collect();
                let each = each.join(t.get("list_joiner"));
                problems.push(
                    Problem::error(t.fill(
                        "data_code_check_no_schedule",
                        &[
                            ("prefecture", &describe_prefecture_in(p, t)),
                            ("digits", &each),
                            ("hint", typo_hint),
                        ],
                    ))
                    .with_expected(expected(&each)),
                );
            } else {
                let names: Vec<String> = passing
                    .iter()
                    .map(|f| describe_fee_schedule_in(schedules, *f, t))
                    .collect();
                problems.push(Problem::info(t.fill(
                    "data_code_partial_schedule",
                    &[("schedules", &names.join(t.get("data_or_joiner")))],
                )));
            }
        }
        (None, _) => {
            if check == six {
                problems.push(Problem::info(t.get("data_code_partial_metro")));
                return;
            }
            let tables: Vec<u8> = match table {
                Some(f) => vec![f],
                None => numbers.clone(),
            };
            let any_fits = (1..=47u8).any(|p| {
                tables.iter().any(|&f| {
                    let nine_allowed = !uses_six_digit_rule(p) || matches!(f, 3 | 6);
                    nine_allowed && nine_rule(p, f, &first6) == check
                })
            });
            if any_fits {
                problems.push(Problem::info(t.get("data_code_unchecked")));
            } else {
                let digit = six.to_string();
                problems.push(
                    Problem::error(t.fill(
                        "data_code_check_no_prefecture",
                        &[("digit", &digit), ("hint", typo_hint)],
                    ))
                    .with_expected(t.fill("data_code_check_metro_expected", &[("digit", &digit)])),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Level;
    use super::*;

    /// [`super::check_code`] with the bundled content's 点数表.
    fn check_code(
        raw: &str,
        prefecture: Option<u8>,
        fee_schedule: Option<u8>,
    ) -> Checked<InstitutionCode> {
        super::check_code(
            raw,
            prefecture,
            fee_schedule,
            &crate::validate::codes::test_fee_schedules(),
        )
    }

    fn code(s: &str) -> [u8; 7] {
        let v: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        <[u8; 7]>::try_from(v.as_slice()).unwrap_or([0; 7])
    }

    #[test]
    fn luhn_arithmetic_matches_worked_examples() {
        // 0110113719 北海道 医科: body 011011371 → sum 21 → 9.
        assert_eq!(check_digit(&[0, 1, 1, 0, 1, 1, 3, 7, 1]), 9);
        // 2740100181 大阪 薬局: body 274010018 → sum 29 → 1.
        assert_eq!(check_digit(&[2, 7, 4, 0, 1, 0, 0, 1, 8]), 1);
        // 1310110049 東京 医科: six digits 011004 → sum 11 → 9.
        assert_eq!(check_digit(&[0, 1, 1, 0, 0, 4]), 9);
        // 1440100743 神奈川 薬局: six digits 010074 → sum 17 → 3.
        assert_eq!(check_digit(&[0, 1, 0, 0, 7, 4]), 3);
        // 3410712362: the ministry's example (nine-digit rule) → 2.
        assert_eq!(check_digit(&[3, 4, 1, 0, 7, 1, 2, 3, 6]), 2);
        // A sum ending in 0 gives 0.
        assert_eq!(check_digit(&[1, 9]), 0);
        assert_eq!(check_digit(&[]), 0);
    }

    #[test]
    fn the_other_rule_would_fail_for_metro_examples() {
        let tokyo = code("0110049");
        let mut first6 = [0u8; 6];
        first6.copy_from_slice(&tokyo[..6]);
        assert_eq!(nine_rule(13, 1, &first6), 2);
        let kanagawa = code("0100743");
        first6.copy_from_slice(&kanagawa[..6]);
        assert_eq!(nine_rule(14, 4, &first6), 9);
    }

    /// Real codes in the 10-digit form: every one must pass, with nothing
    /// reported.
    const REAL: [(&str, u8, u8, &str); 5] = [
        ("0110113719", 1, 1, "0113719"),
        ("2740100181", 27, 4, "0100181"),
        ("1310110049", 13, 1, "0110049"),
        ("1440100743", 14, 4, "0100743"),
        ("3410712362", 34, 1, "0712362"),
    ];

    #[test]
    fn real_ten_digit_codes_pass_cleanly() {
        for (raw, pref, table, code7) in REAL {
            for (p, t) in [
                (None, None),
                (Some(pref), None),
                (None, Some(table)),
                (Some(pref), Some(table)),
            ] {
                let c = check_code(raw, p, t);
                assert!(c.is_clean(), "{raw} {p:?} {t:?}: {:?}", c.problems);
                let v = c.value.unwrap_or_else(|| InstitutionCode {
                    prefecture: None,
                    fee_schedule: None,
                    code7: String::new(),
                });
                assert_eq!(v.code7, code7);
                assert_eq!(v.prefecture, Some(pref));
                assert_eq!(v.fee_schedule, Some(table));
                assert_eq!(v.ten_digit().as_deref(), Some(raw));
                assert_eq!(v.display(), raw);
            }
        }
    }

    #[test]
    fn real_seven_digit_codes_pass_with_fields() {
        for (ten, pref, table, code7) in REAL {
            let c = check_code(code7, Some(pref), Some(table));
            assert!(c.is_clean(), "{code7}: {:?}", c.problems);
            assert_eq!(c.value.and_then(|v| v.ten_digit()).as_deref(), Some(ten));
        }
    }

    #[test]
    fn seven_digits_without_fields_explain_partial_check() {
        // Tokyo code without prefecture: the six-digit rule passes → info.
        let c = check_code("0110049", None, None);
        assert!(c.value.is_some());
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].level, Level::Info);
        assert!(c.problems[0].message.contains("完全には確かめられません"));
        let v = c.value.unwrap_or_else(unreachable_code);
        assert_eq!(v.ten_digit(), None);
        assert_eq!(v.display(), "0110049");

        // Hokkaido code without prefecture: cannot be checked → info.
        let c = check_code("0113719", None, Some(1));
        assert!(c.value.is_some(), "{:?}", c.problems);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].level, Level::Info);

        // Hokkaido code with prefecture but no table: 医科 fits.
        let c = check_code("0113719", Some(1), None);
        assert!(c.value.is_some(), "{:?}", c.problems);
        assert!(
            c.problems
                .iter()
                .any(|p| p.level == Level::Info && p.message.contains("1 (医科)"))
        );
    }

    fn unreachable_code() -> InstitutionCode {
        InstitutionCode {
            prefecture: None,
            fee_schedule: None,
            code7: String::new(),
        }
    }

    #[test]
    fn spreadsheet_shapes_are_normalised_with_a_warning() {
        let cases: &[(&str, &str, Option<u8>, Option<u8>)] = &[
            ("01,1371,9", "0113719", Some(1), Some(1)),
            ("01-1371-9", "0113719", Some(1), Some(1)),
            ("011,371.9", "0113719", Some(1), Some(1)),
            ("01・1371・9", "0113719", Some(1), Some(1)),
            ("01 1371 9", "0113719", Some(1), Some(1)),
            ("'0113719", "0113719", Some(1), Some(1)),
            ("０１１３７１９", "0113719", Some(1), Some(1)),
            ("０１－１３７１－９", "0113719", Some(1), Some(1)),
            ("01-0074-3", "0100743", Some(14), Some(4)),
            ("010,074.3", "0100743", Some(14), Some(4)),
            ("14,4,0100743", "0100743", None, None),
            ("14-4-01-0074-3", "0100743", None, None),
            ("１３１０１１００４９", "0110049", None, None),
        ];
        for (raw, code7, p, t) in cases {
            let c = check_code(raw, *p, *t);
            let warnings: Vec<&Problem> = c
                .problems
                .iter()
                .filter(|p| p.level == Level::Warning)
                .collect();
            assert!(!c.has_errors(), "{raw}: {:?}", c.problems);
            assert_eq!(
                c.value.as_ref().map(|v| v.code7.as_str()),
                Some(*code7),
                "{raw}"
            );
            assert_eq!(warnings.len(), 1, "{raw}: {:?}", c.problems);
            assert!(
                warnings[0].message.contains(code7) || warnings[0].message.contains("→"),
                "{raw}"
            );
        }
        let c = check_code("01,1371,9", Some(1), Some(1));
        assert_eq!(
            c.problems[0].message,
            "区切りの ',' を取り除きました: '01,1371,9' → '0113719'"
        );
        let c = check_code("０１・１３７１・９", Some(1), Some(1));
        assert_eq!(
            c.problems[0].message,
            "全角文字を半角に直しました。区切りの '・' を取り除きました: '０１・１３７１・９' → '0113719'"
        );
    }

    #[test]
    fn trailing_spaces_alone_are_silent() {
        let c = check_code(" 0113719  ", Some(1), Some(1));
        assert!(c.is_clean(), "{:?}", c.problems);
    }

    #[test]
    fn wrong_check_digit_says_what_was_expected() {
        let c = check_code("0113718", Some(1), Some(1));
        assert!(c.value.is_none());
        assert!(
            c.errors().any(|p| p
                .message
                .starts_with("検証番号が合いません: 末尾は 9 のはずです")),
            "{:?}",
            c.problems
        );
        let c = check_code("0110040", Some(13), Some(1));
        assert!(
            c.errors().any(|p| p
                .message
                .starts_with("検証番号が合いません: 末尾は 9 のはずです")),
            "{:?}",
            c.problems
        );
        // A Hokkaido code given as Tokyo: the six-digit rule rejects it.
        let c = check_code("0113719", Some(13), Some(1));
        assert!(c.has_errors(), "{:?}", c.problems);
        // A Tokyo code given as Hokkaido: the nine-digit rule rejects it.
        let c = check_code("0110049", Some(1), Some(1));
        assert!(c.has_errors(), "{:?}", c.problems);
        // The wrong 点数表 outside 11–14 breaks the check too.
        let c = check_code("0113719", Some(1), Some(4));
        assert!(c.has_errors(), "{:?}", c.problems);
    }

    /// Every single-digit change and every adjacent swap (of different
    /// digits, except the 0↔9 pair Luhn cannot see) of each real code must
    /// be rejected.
    #[test]
    fn near_miss_typos_are_rejected() {
        for (ten, pref, table, code7) in REAL {
            let digits: Vec<u8> = code7.bytes().map(|b| b - b'0').collect();
            let as_text = |d: &[u8]| d.iter().map(|x| char::from(b'0' + x)).collect::<String>();
            for i in 0..7 {
                for new in 0..10u8 {
                    if new == digits[i] {
                        continue;
                    }
                    let mut d = digits.clone();
                    d[i] = new;
                    let typo = as_text(&d);
                    let c = check_code(&typo, Some(pref), Some(table));
                    assert!(c.has_errors(), "{ten}: typo {typo} accepted");
                }
            }
            for i in 0..6 {
                let (a, b) = (digits[i], digits[i + 1]);
                if a == b || (a.min(b) == 0 && a.max(b) == 9) {
                    continue;
                }
                let mut d = digits.clone();
                d.swap(i, i + 1);
                let typo = as_text(&d);
                let c = check_code(&typo, Some(pref), Some(table));
                assert!(c.has_errors(), "{ten}: swap {typo} accepted");
            }
            // The same typos inside the 10-digit form.
            let mut d: Vec<u8> = ten.bytes().map(|b| b - b'0').collect();
            d[9] = (d[9] + 1) % 10;
            let c = check_code(&as_text(&d), None, None);
            assert!(c.has_errors(), "{ten}: last digit changed");
        }
    }

    #[test]
    fn wrong_prefecture_or_table_in_ten_digit_form_is_rejected() {
        // Changing the prefecture of a nine-digit-rule code breaks the check.
        let c = check_code("0210113719", None, None);
        assert!(c.has_errors(), "{:?}", c.problems);
        // Disagreement with the separately given fields.
        let c = check_code("1440100743", Some(13), None);
        assert!(
            c.errors()
                .any(|p| p.message.contains("都道府県") && p.message.contains("一致しません")),
            "{:?}",
            c.problems
        );
        let c = check_code("1440100743", Some(14), Some(1));
        assert!(
            c.errors()
                .any(|p| p.message.contains("点数表") && p.message.contains("一致しません")),
            "{:?}",
            c.problems
        );
        let c = check_code("1440100743", Some(13), Some(1));
        assert_eq!(
            c.errors()
                .filter(|p| p.message.contains("一致しません"))
                .count(),
            2
        );
        // Each says how to fix it (十桁県違い薬局: the message said what was
        // wrong and nothing of what to do).
        assert!(
            c.errors()
                .filter(|p| p.message.contains("一致しません"))
                .all(|p| p.expected.as_deref() == Some(MISMATCH_FIX)),
            "{:?}",
            c.problems
        );
        // Impossible parts.
        let c = check_code("4810113719", None, None);
        assert!(
            c.errors().any(|p| p.message.contains("01〜47")),
            "{:?}",
            c.problems
        );
        let c = check_code("0120113719", None, None);
        assert!(
            c.errors().any(|p| p.message.contains("点数表番号) が 2")),
            "{:?}",
            c.problems
        );
        let c = check_code("0000113719", None, None);
        assert!(c.has_errors());
    }

    #[test]
    fn shape_errors() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("   ", "空"),
            (",-.", "空"),
            ("011371", "6 桁"),
            ("011371", "先頭の 0"),
            ("01137190", "8 桁"),
            ("011011371", "先頭の 0"),
            ("01101137190", "11 桁"),
            ("0113719O", "数字以外"),
            ("O113719", "数字の 0"),
            ("0ll3719", "数字の 1"),
            ("ABC1234", "'A' 'B' 'C'"),
            ("0113719😀", "'😀'"),
            ("〇一一三七一九", "数字以外"),
        ];
        for (raw, needle) in cases {
            let c = check_code(raw, Some(1), Some(1));
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
    fn dental_codes_in_metro_accept_either_rule() {
        let first6 = [0u8, 1, 2, 3, 4, 5];
        let six = six_rule(&first6);
        let nine = nine_rule(13, 3, &first6);
        assert_ne!(six, nine);
        let with = |c: u8| format!("012345{c}");
        for check in [six, nine] {
            let c = check_code(&with(check), Some(13), Some(3));
            assert!(c.is_clean(), "{check}: {:?}", c.problems);
        }
        // For 医科 only the six-digit rule holds.
        assert!(check_code(&with(nine), Some(13), Some(1)).has_errors());
        // Neither: error naming both digits.
        let other = (0..10u8).find(|d| *d != six && *d != nine).unwrap_or(0);
        let c = check_code(&with(other), Some(13), Some(3));
        assert!(
            c.errors().any(|p| p
                .message
                .contains(&format!("{six} (6桁の規則) または {nine} (9桁の規則)"))),
            "{:?}",
            c.problems
        );
        // 点数表 unknown: the nine-digit digit gets a warning asking for it.
        let c = check_code(&with(nine), Some(13), None);
        assert!(c.value.is_some(), "{:?}", c.problems);
        assert!(
            c.problems
                .iter()
                .any(|p| p.level == Level::Warning && p.message.contains("3 (歯科)"))
        );
    }

    #[test]
    fn invalid_given_fields_are_ignored_with_info() {
        let c = check_code("0110049", Some(99), Some(2));
        assert!(c.value.is_some(), "{:?}", c.problems);
        assert_eq!(
            c.problems
                .iter()
                .filter(|p| p.message.contains("使えない値"))
                .count(),
            2
        );
        let v = c.value.unwrap_or_else(unreachable_code);
        assert_eq!(v.prefecture, None);
        assert_eq!(v.fee_schedule, None);
    }

    #[test]
    fn a_code_that_checks_itself_outside_11_to_14_asks_whether_the_prefecture_is_wrong() {
        // 札幌ろっかく医院: 0106070 passes the six-digit rule (the 11–14
        // one) but not 北海道's; the error only suspected a typo.
        let c = check_code("0106070", Some(1), Some(1));
        let e: Vec<&str> = c.errors().map(|p| p.message.as_str()).collect();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("末尾は 7 のはず"), "{e:?}");
        assert!(e[0].contains("都道府県の指定が違っていませんか"), "{e:?}");
        assert!(!e[0].contains("打ち間違い"), "{e:?}");
        // Passing neither rule: a typo is still what it suspects.
        let c = check_code("0106071", Some(1), Some(1));
        let e: Vec<&str> = c.errors().map(|p| p.message.as_str()).collect();
        assert!(e[0].contains("打ち間違い"), "{e:?}");
        assert!(!e[0].contains("都道府県の指定が違っていませんか"), "{e:?}");
    }

    #[test]
    fn two_codes_in_one_cell_are_told_to_be_two_rows() {
        // 難波医科歯科クリニック: 医科 3012348 and 歯科 3012344 in one cell
        // were joined into 「30123483012344」 with a warning that the '/' was
        // removed, then refused as 14 digits: two codes were never named.
        for (raw, a, b) in [
            ("3012348/3012344", "3012348", "3012344"),
            ("3012348、3012344", "3012348", "3012344"),
            ("301-234-8 ／ 301-234-4", "3012348", "3012344"),
            ("2713012348\n2733012344", "2713012348", "2733012344"),
            ("3012348 2733012344", "3012348", "2733012344"),
        ] {
            let c = check_code(raw, Some(27), Some(1));
            assert!(c.value.is_none(), "{raw}");
            let named = format!("二つ ({a} と {b})");
            assert!(
                c.errors().any(|p| p.message.contains(&named)
                    && p.expected.as_deref().is_some_and(|e| e.contains("別の行"))),
                "{raw}: {:?}",
                c.problems
            );
            // No warning that the separator between them was noise.
            assert!(
                !c.problems.iter().any(|p| p.level == Level::Warning),
                "{raw}: {:?}",
                c.problems
            );
        }
        // One code with separators, and 14 digits with none, stay as before.
        let c = check_code("30123483012344", Some(27), Some(1));
        assert!(
            c.errors().any(|p| p.message.contains("14 桁")),
            "{:?}",
            c.problems
        );
    }

    /// The English test theme's strings.
    use crate::validate::test_words::english;

    /// Whether `c` is a Japanese character (kana, CJK, full-width forms).
    use crate::validate::test_words::is_japanese as japanese;

    /// A `{name}` left unfilled in `text`.
    fn placeholder(text: &str) -> Option<&str> {
        text.match_indices('{').find_map(|(i, _)| {
            let rest = &text[i + 1..];
            let end = rest.find('}')?;
            let name = &rest[..end];
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then_some(name)
        })
    }

    /// Every message of the institution code, prefecture, 点数表 and
    /// customer ID checks in an English theme's words: no Japanese but the
    /// clinic's own value, no `{placeholder}` left, and each key said.
    #[test]
    fn every_message_speaks_the_themes_language() {
        use crate::validate::codes::{check_fee_schedule_in, check_prefecture_in};
        use crate::validate::customer_id::{IdFormat, check_in};
        let t = english();
        let schedule = |number: u8, name: &str| FeeSchedule {
            number,
            name: name.to_string(),
            names: Vec::new(),
        };
        let schedules = vec![
            schedule(1, "medical"),
            schedule(3, "dental"),
            schedule(4, "pharmacy"),
            schedule(6, "home-nursing"),
        ];
        let mut said: Vec<(String, Problem)> = Vec::new();
        let mut keep = |raw: &str, problems: Vec<Problem>| {
            assert!(!problems.is_empty(), "{raw}: nothing said");
            said.extend(problems.into_iter().map(|p| (raw.to_string(), p)));
        };

        // 医療機関コード.
        let first6 = [0u8, 1, 2, 3, 4, 5];
        let (six, nine) = (six_rule(&first6), nine_rule(13, 3, &first6));
        let neither = (0..10u8).find(|d| *d != six && *d != nine).unwrap_or(0);
        let hokkaido: Vec<u8> = [1u8, 3, 4, 6]
            .iter()
            .map(|&f| nine_rule(1, f, &first6))
            .collect();
        let no_schedule = (0..10u8).find(|d| !hokkaido.contains(d)).unwrap_or(0);
        let not_six = (0..10u8).find(|d| *d != six).unwrap_or(0);
        let with = |c: u8| format!("012345{c}");
        /// A code, the prefecture and 点数表 given, the 点数表 content lists.
        type Case<'a> = (String, Option<u8>, Option<u8>, &'a [FeeSchedule]);
        let codes: Vec<Case> = vec![
            (String::new(), None, None, &schedules),
            ("O113719".into(), None, None, &schedules),
            ("0ll3719".into(), None, None, &schedules),
            ("ABC1234".into(), None, None, &schedules),
            ("01137190".into(), None, None, &schedules),
            ("011371".into(), None, None, &schedules),
            ("3012348/3012344".into(), None, None, &schedules),
            ("０１１３７１９".into(), Some(1), Some(1), &schedules),
            ("0110049".into(), Some(99), Some(2), &schedules),
            ("4810113719".into(), None, None, &schedules),
            ("0120113719".into(), None, None, &schedules),
            ("1440100743".into(), Some(13), Some(1), &schedules),
            (with(neither), Some(13), Some(3), &schedules),
            (with(nine), Some(13), None, &schedules),
            ("0110040".into(), Some(13), Some(1), &schedules),
            ("0113718".into(), Some(1), Some(1), &schedules),
            ("0106070".into(), Some(1), Some(1), &schedules),
            (with(no_schedule), Some(1), None, &schedules),
            ("0113719".into(), Some(1), None, &schedules),
            ("0110049".into(), None, None, &schedules),
            ("0113719".into(), None, Some(1), &schedules),
            (with(not_six), None, None, &[]),
        ];
        for (raw, p, f, table) in codes {
            keep(&raw, check_code_in(&raw, p, f, table, &t).problems);
        }

        // 都道府県 and 点数表.
        for raw in [
            "",
            "--",
            "48",
            "Kanagawa",
            "神奈川県横浜市",
            "14:東京都",
            "１４",
        ] {
            keep(raw, check_prefecture_in(raw, &t).problems);
        }
        for raw in ["", ":", "2", "5", "medical/dental", "eye", "x9", "1:dental"] {
            keep(raw, check_fee_schedule_in(raw, &schedules, &t).problems);
        }
        keep("", check_fee_schedule_in("", &[], &t).problems);

        // お客さまID.
        let ntt = vec!["ntt-east".to_string()];
        let formats = vec![
            IdFormat {
                prefix: "CAF".into(),
                digits: 10,
                carriers: ntt.clone(),
            },
            IdFormat {
                prefix: "COP".into(),
                digits: 8,
                carriers: ntt,
            },
        ];
        for raw in [
            "",
            "caf1253000113",
            "CAF125300011",
            "F1234567890",
            "C0P12345678",
            "1234X",
            "1253000113",
            "CAF12530O0113",
            "CAF12530I0113",
            "CAF12530X0113",
            "CAF",
            "XYZ12345678",
            "CDP12345678",
        ] {
            keep(raw, check_in(raw, &formats, None, &t).problems);
        }
        keep(
            "CAF1253000113",
            check_in("CAF1253000113", &formats, Some(("other", "Other line")), &t).problems,
        );
        keep("", check_in("", &[], None, &t).problems);

        let texts: Vec<&str> = said
            .iter()
            .flat_map(|(_, p)| std::iter::once(p.message.as_str()).chain(p.expected.as_deref()))
            .collect();
        for (raw, p) in &said {
            for text in std::iter::once(&p.message).chain(&p.expected) {
                let odd: String = text
                    .chars()
                    .filter(|&c| japanese(c) && !raw.contains(c))
                    .collect();
                assert!(odd.is_empty(), "{raw}: {text:?} has {odd:?}");
                assert_eq!(placeholder(text), None, "{raw}: {text:?}");
            }
        }
        // Each key's words were said: the longest part of its English text
        // between placeholders.
        let english = english();
        let keys = [
            "data_hint_digit_zero",
            "data_hint_digit_one",
            "data_code_expected",
            "data_code_empty",
            "data_code_not_digits",
            "data_code_length",
            "data_code_length_lost_zero",
            "data_code_given_prefecture",
            "data_code_given_fee_schedule",
            "data_code_ten_prefecture",
            "data_code_ten_fee_schedule",
            "data_code_prefecture_differs",
            "data_code_fee_schedule_differs",
            "data_code_mismatch_fix",
            "data_code_typo",
            "data_code_check_metro_hint",
            "data_code_check_either",
            "data_code_check_either_expected",
            "data_code_check_six",
            "data_code_check_nine",
            "data_code_check_expected",
            "data_code_check_if",
            "data_code_check_no_schedule",
            "data_code_partial_schedule",
            "data_code_check_metro_schedule",
            "data_code_partial_metro",
            "data_code_unchecked",
            "data_code_check_no_prefecture",
            "data_code_check_metro_expected",
            "data_prefecture_expected",
            "data_prefecture_empty",
            "data_prefecture_no_number_or_name",
            "data_prefecture_out_of_range",
            "data_prefecture_unknown",
            "data_prefecture_address",
            "data_prefecture_mismatch",
            "data_fee_schedule_expected",
            "data_fee_schedule_expected_bare",
            "data_fee_schedule_empty",
            "data_fee_schedule_no_number_or_name",
            "data_fee_schedule_category",
            "data_fee_schedule_no_number",
            "data_fee_schedule_several",
            "data_fee_schedule_unknown",
            "data_fee_schedule_unknown_digits",
            "data_fee_schedule_mismatch",
            "data_id_format",
            "data_id_expected_any",
            "data_id_upper_cased",
            "data_id_where",
            "data_id_empty",
            "data_id_count",
            "data_id_unused",
            "data_id_approval",
            "data_id_prefix_digits",
            "data_id_no_letters",
            "data_id_no_letters_count",
            "data_id_not_digits",
            "data_id_no_digits",
            "data_id_unknown",
            "data_id_unknown_close",
        ];
        for key in keys {
            let text = english.get(key);
            let words = text
                .split(['{', '}'])
                .step_by(2)
                .max_by_key(|w| w.len())
                .unwrap_or(text);
            assert!(
                texts.iter().any(|s| s.contains(words)),
                "{key}: {words:?} never said"
            );
        }
        // The prefectures by their English names, the 点数表 by content's.
        assert!(texts.iter().any(|s| s.contains("14 (Kanagawa)")));
        assert!(
            texts
                .iter()
                .any(|s| s.contains("if the fee schedule is 3 (dental)"))
        );
    }
}
