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
    FeeSchedule, describe_fee_schedule, describe_prefecture, fee_schedule_name, prefecture_name,
};
use super::normalize::{Tidy, describe_chars, is_dash_like};
use super::{Checked, Problem};

/// The expected form, shown with errors about the shape of the code.
pub const EXPECTED_FORM: &str =
    "7桁の数字 (郡市区2 + 番号4 + 検証番号1)、または10桁の数字 (都道府県2 + 点数表1 + 7桁のコード)";

/// How to fix a 10-digit code whose prefecture or 点数表 disagrees with
/// the separately given one.
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
    check_code_in(
        raw,
        prefecture,
        fee_schedule,
        schedules,
        crate::model::strings::Strings::builtin(),
    )
}

/// [`check_code`] with two codes in one value told in the words of `t`
/// (`data_two_codes`, `data_two_codes_expected`).
pub fn check_code_in(
    raw: &str,
    prefecture: Option<u8>,
    fee_schedule: Option<u8>,
    schedules: &[FeeSchedule],
    t: &crate::model::strings::Strings,
) -> Checked<InstitutionCode> {
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let digits_text = tidy.strip(&text, is_code_separator);
    tidy.report(&digits_text, &mut problems);

    if digits_text.is_empty() {
        problems.push(Problem::error("医療機関コードが空です").with_expected(EXPECTED_FORM));
        return Checked::from_parts(None, problems);
    }

    let bad: Vec<char> = digits_text
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    if !bad.is_empty() {
        let mut message = format!(
            "医療機関コードに数字以外の文字 {} が含まれています",
            describe_chars(bad.iter().copied(), t)
        );
        if bad.iter().any(|c| matches!(c, 'O' | 'o')) {
            message.push_str(" (英字の O ではなく数字の 0 ではありませんか)");
        } else if bad.iter().any(|c| matches!(c, 'l' | 'I' | '|')) {
            message.push_str(" (数字の 1 ではありませんか)");
        }
        problems.push(Problem::error(message).with_expected(EXPECTED_FORM));
        return Checked::from_parts(None, problems);
    }

    // Only ASCII digits are left, so every byte is one digit.
    let digits: Vec<u8> = digits_text.bytes().map(|b| b - b'0').collect();

    let given_pref = accept_given(
        prefecture,
        prefecture_name(prefecture.unwrap_or(0)).is_some(),
        "都道府県番号",
        &mut problems,
    );
    let given_table = accept_given(
        fee_schedule,
        fee_schedule_name(schedules, fee_schedule.unwrap_or(0)).is_some(),
        "点数表番号",
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
                    Problem::error(format!(
                        "10桁のコードの先頭2桁 (都道府県番号) が {pref:02} です。01〜47 のはずです"
                    ))
                    .with_expected(EXPECTED_FORM),
                );
                parts_ok = false;
            }
            // Content that lists no 点数表 (no `fee_schedule` field) leaves
            // the digit unchecked: there is no list to check it against.
            if !schedules.is_empty() && fee_schedule_name(schedules, table).is_none() {
                let each: Vec<String> = schedules
                    .iter()
                    .map(|t| describe_fee_schedule(schedules, t.number))
                    .collect();
                problems.push(
                    Problem::error(format!(
                        "10桁のコードの3桁目 (点数表番号) が {table} です。{} のどれかのはずです",
                        each.join("、")
                    ))
                    .with_expected(EXPECTED_FORM),
                );
                parts_ok = false;
            }
            if let Some(p) = given_pref
                && prefecture_name(pref).is_some()
                && p != pref
            {
                problems.push(
                    Problem::error(format!(
                        "10桁のコードの都道府県番号 {} が、別に指定された都道府県 {} と一致しません",
                        describe_prefecture(pref),
                        describe_prefecture(p)
                    ))
                    .with_expected(MISMATCH_FIX),
                );
            }
            if let Some(t) = given_table
                && fee_schedule_name(schedules, table).is_some()
                && t != table
            {
                problems.push(
                    Problem::error(format!(
                        "10桁のコードの点数表番号 {} が、別に指定された点数表 {} と一致しません",
                        describe_fee_schedule(schedules, table),
                        describe_fee_schedule(schedules, t)
                    ))
                    .with_expected(MISMATCH_FIX),
                );
            }
            if !parts_ok {
                return Checked::from_parts(None, problems);
            }
            (code7, Some(pref), Some(table))
        }
        n => {
            let mut message = format!(
                "医療機関コードの桁数が違います: 数字が {n} 桁あります。7桁または10桁のはずです"
            );
            if n == 6 || n == 9 {
                message.push_str(" (表計算ソフトで先頭の 0 が消えていませんか)");
            }
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
            problems.push(Problem::error(message).with_expected(EXPECTED_FORM));
            return Checked::from_parts(None, problems);
        }
    };

    verify(&code7, pref, table, schedules, &mut problems);

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
fn accept_given(
    given: Option<u8>,
    valid: bool,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<u8> {
    match given {
        Some(v) if valid => Some(v),
        Some(v) => {
            problems.push(Problem::info(format!(
                "指定された{what} {v} は使えない値なので、検証番号の確認には使いませんでした"
            )));
            None
        }
        None => None,
    }
}

/// Verifies the 検証番号 of `code7` as far as `pref` and `table` allow,
/// pushing an error, a warning or an info onto `problems`.
fn verify(
    code7: &[u8; 7],
    pref: Option<u8>,
    table: Option<u8>,
    schedules: &[FeeSchedule],
    problems: &mut Vec<Problem>,
) {
    let numbers: Vec<u8> = schedules.iter().map(|t| t.number).collect();
    let check = code7[6];
    let mut first6 = [0u8; 6];
    first6.copy_from_slice(&code7[..6]);
    let six = six_rule(&first6);
    let typo_hint = "どこかの桁の打ち間違いかもしれません。届出の書類やレセプトで確かめてください";

    match (pref, table) {
        (Some(p), Some(t)) if uses_six_digit_rule(p) && matches!(t, 3 | 6) => {
            let nine = nine_rule(p, t, &first6);
            if check != six && check != nine {
                problems.push(
                    Problem::error(format!(
                        "検証番号が合いません: 末尾は {six} (6桁の規則) または {nine} (9桁の規則) のはずです。{typo_hint}"
                    ))
                    .with_expected(format!("末尾の検証番号が {six} または {nine}")),
                );
            }
        }
        (Some(p), _) if uses_six_digit_rule(p) => {
            if check == six {
                return;
            }
            let dental: Vec<u8> = [3u8, 6]
                .into_iter()
                .filter(|&t| nine_rule(p, t, &first6) == check)
                .collect();
            if table.is_none() && !dental.is_empty() {
                let names: Vec<String> = dental
                    .iter()
                    .map(|t| describe_fee_schedule(schedules, *t))
                    .collect();
                problems.push(Problem::warning(format!(
                    "{}の医科・調剤のコードなら末尾は {six} のはずです。点数表が {} なら合っています。点数表を指定してください",
                    describe_prefecture(p),
                    names.join(" か ")
                )));
            } else {
                problems.push(
                    Problem::error(format!(
                        "検証番号が合いません: 末尾は {six} のはずです ({}のコードは、コードの先頭6桁だけから計算します)。{typo_hint}",
                        describe_prefecture(p)
                    ))
                    .with_expected(format!("末尾の検証番号が {six}")),
                );
            }
        }
        (Some(p), Some(t)) => {
            let nine = nine_rule(p, t, &first6);
            if check != nine {
                // A code that checks itself (the six-digit rule) is likely
                // one of 11–14 given another prefecture: say so rather than
                // only suspect a typo.
                let hint = if check == six {
                    "末尾は、埼玉・千葉・東京・神奈川の方式 (コードの先頭6桁だけから計算) では合っています。都道府県の指定が違っていませんか".to_string()
                } else {
                    typo_hint.to_string()
                };
                problems.push(
                    Problem::error(format!(
                        "検証番号が合いません: 末尾は {nine} のはずです (都道府県 {}・点数表 {} として計算。都道府県や点数表の指定が違っていると、正しいコードでも合いません)。{hint}",
                        describe_prefecture(p),
                        describe_fee_schedule(schedules, t)
                    ))
                    .with_expected(format!("末尾の検証番号が {nine}")),
                );
            }
        }
        (Some(p), None) => {
            let passing: Vec<u8> = numbers
                .iter()
                .copied()
                .filter(|&t| nine_rule(p, t, &first6) == check)
                .collect();
            if passing.is_empty() {
                let each: Vec<String> = numbers
                    .iter()
                    .copied()
                    .map(|t| {
                        format!(
                            "{}なら {}",
                            fee_schedule_name(schedules, t).unwrap_or_default(),
                            nine_rule(p, t, &first6)
                        )
                    })
                    .collect();
                problems.push(
                    Problem::error(format!(
                        "検証番号が合いません: {}のコードとして、どの点数表でも合いません (末尾は {} のはずです)。{typo_hint}",
                        describe_prefecture(p),
                        each.join("、")
                    ))
                    .with_expected(format!("末尾の検証番号が {}", each.join("、"))),
                );
            } else {
                let names: Vec<String> = passing
                    .iter()
                    .map(|t| describe_fee_schedule(schedules, *t))
                    .collect();
                problems.push(Problem::info(format!(
                    "点数表が分からないため、検証番号を完全には確かめられません (点数表 {} なら正しい検証番号です)",
                    names.join(" か ")
                )));
            }
        }
        (None, _) => {
            if check == six {
                problems.push(Problem::info(
                    "都道府県が分からないため、検証番号を完全には確かめられません (埼玉・千葉・東京・神奈川のコードとしては正しい検証番号です)",
                ));
                return;
            }
            let tables: Vec<u8> = match table {
                Some(t) => vec![t],
                None => numbers.clone(),
            };
            let any_fits = (1..=47u8).any(|p| {
                tables.iter().any(|&t| {
                    let nine_allowed = !uses_six_digit_rule(p) || matches!(t, 3 | 6);
                    nine_allowed && nine_rule(p, t, &first6) == check
                })
            });
            if any_fits {
                problems.push(Problem::info(
                    "都道府県が分からないため、検証番号を確かめられません (埼玉・千葉・東京・神奈川以外では、検証番号に都道府県番号と点数表番号も使われます)",
                ));
            } else {
                problems.push(
                    Problem::error(format!(
                        "検証番号が合いません: どの都道府県のコードとしても合いません (埼玉・千葉・東京・神奈川なら末尾は {six} のはずです)。{typo_hint}"
                    ))
                    .with_expected(format!("末尾の検証番号が {six} (埼玉・千葉・東京・神奈川の場合)")),
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
}
