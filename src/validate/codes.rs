//! 都道府県番号 (JIS X 0401) and 点数表番号: names, and checks of
//! hand-typed values such as `14`, `14:神奈川県`, `神奈川`, `３:歯科`.
//!
//! The prefectures are fixed by JIS X 0401, so they live in code; the
//! 点数表 and their names are content (the `fee_schedule` field's options in
//! `content/fields.yaml`) and are passed in as a [`FeeSchedule`] table.
//! No I/O happens here.

use super::normalize::{Tidy, describe_chars, quote};
use super::{Checked, Problem};
use crate::model::strings::Strings;

/// The 47 prefectures in JIS X 0401 order: index 0 is code 01 (北海道).
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// A 点数表 as content lists it (the options of the `fee_schedule` field in
/// `content/fields.yaml`): its number, its short name in words and the
/// other names a clinic's data may give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSchedule {
    /// 点数表番号 (one digit: it is the third digit of the 10-digit code).
    pub number: u8,
    /// The kind in words (`歯科`), for messages.
    pub name: String,
    /// Other names (`3:医療機関（歯科）`, `医療機関(歯科)`, `薬局`): compared
    /// ignoring width and blanks, and also without a leading `number:`.
    pub names: Vec<String>,
}

/// The 点数表 a `fee_schedule` field's options list (the loader checked
/// that each value is one digit and has a name).
pub fn fee_schedules_of(options: &[crate::model::manual::Choice]) -> Vec<FeeSchedule> {
    options
        .iter()
        .filter_map(|o| {
            Some(FeeSchedule {
                number: o.value.parse().ok()?,
                name: o.name.clone().unwrap_or_else(|| o.label.clone()),
                names: std::iter::once(&o.label)
                    .chain(&o.aliases)
                    .cloned()
                    .collect(),
            })
        })
        .collect()
}

/// The 点数表 of the bundled content, for unit tests of the checks.
#[cfg(test)]
pub(crate) fn test_fee_schedules() -> Vec<FeeSchedule> {
    let t = |number: u8, name: &str, names: &[&str]| FeeSchedule {
        number,
        name: name.to_string(),
        names: names.iter().map(|n| n.to_string()).collect(),
    };
    vec![
        t(1, "医科", &["医療機関(医科)", "保険医療機関(医科)"]),
        t(3, "歯科", &["3:医療機関（歯科）", "保険医療機関(歯科)"]),
        t(4, "調剤", &["薬局", "保険薬局", "調剤薬局"]),
        t(6, "訪問看護", &["訪問看護ステーション"]),
    ]
}

/// The expected form of a 点数表, for [`Problem::expected`]: `点数表番号
/// 1 (医科)、3 (歯科)… のどれか、またはその名前 (例: 3、3:歯科、歯科)`.
pub fn fee_schedule_expected(table: &[FeeSchedule]) -> String {
    fee_schedule_expected_in(table, Strings::builtin())
}

/// [`fee_schedule_expected`] in the words of `t` (`data_fee_schedule_expected`,
/// `data_fee_schedule_expected_bare`, each 点数表 as `data_fee_schedule_named`
/// joined by `list_joiner`).
pub fn fee_schedule_expected_in(table: &[FeeSchedule], t: &Strings) -> String {
    let each: Vec<String> = table
        .iter()
        .map(|f| named(t, "data_fee_schedule_named", &f.number.to_string(), &f.name))
        .collect();
    let schedules = each.join(t.get("list_joiner"));
    match table.first() {
        Some(f) => t.fill(
            "data_fee_schedule_expected",
            &[
                ("schedules", &schedules),
                ("number", &f.number.to_string()),
                ("name", &f.name),
            ],
        ),
        None => t.fill(
            "data_fee_schedule_expected_bare",
            &[("schedules", &schedules)],
        ),
    }
}

/// A number with its name in the words of `t` (`key` is
/// `data_prefecture_named` or `data_fee_schedule_named`).
fn named(t: &Strings, key: &str, number: &str, name: &str) -> String {
    t.fill(key, &[("number", number), ("name", name)])
}

/// The name of prefecture `code` (1–47), e.g. `prefecture_name(14)` is
/// `Some("神奈川県")`.
pub fn prefecture_name(code: u8) -> Option<&'static str> {
    usize::from(code)
        .checked_sub(1)
        .and_then(|i| PREFECTURES.get(i))
        .copied()
}

/// The code of a prefecture given by its full name (`神奈川県`) or by its
/// name without 都/府/県 (`神奈川`, `東京`, `京都`).
pub fn prefecture_by_name(name: &str) -> Option<u8> {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if name.is_empty() {
        return None;
    }
    PREFECTURES
        .iter()
        .position(|full| *full == name || short_prefecture_name(full) == name)
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// `神奈川県` → `神奈川`, `東京都` → `東京`, `京都府` → `京都`; `北海道` is kept.
fn short_prefecture_name(full: &str) -> &str {
    full.strip_suffix('県')
        .or_else(|| full.strip_suffix('府'))
        .or_else(|| full.strip_suffix('都'))
        .unwrap_or(full)
}

/// `14 (神奈川県)`, or just the number when it is not a prefecture.
pub fn describe_prefecture(code: u8) -> String {
    describe_prefecture_in(code, Strings::builtin())
}

/// [`describe_prefecture`] in the words of `t`: `data_prefecture_named`
/// with the name from `data_prefecture_names` (`14 (Kanagawa)`).
pub fn describe_prefecture_in(code: u8, t: &Strings) -> String {
    match prefecture_name_in(code, t) {
        Some(name) => named(t, "data_prefecture_named", &format!("{code:02}"), &name),
        None => format!("{code:02}"),
    }
}

/// The name of prefecture `code` (1–47) as the messages of `t` print it:
/// the `code`-th word of `data_prefecture_names`, or the JIS name when the
/// theme does not list 47 names.
pub fn prefecture_name_in(code: u8, t: &Strings) -> Option<String> {
    let jis = prefecture_name(code)?;
    let names: Vec<&str> = t.get("data_prefecture_names").split_whitespace().collect();
    let name = match names.len() {
        47 => names.get(usize::from(code) - 1).copied().unwrap_or(jis),
        _ => jis,
    };
    Some(name.to_string())
}

/// The name of 点数表 `code` in `table` (`歯科` for 3 in the bundled content).
pub fn fee_schedule_name(table: &[FeeSchedule], code: u8) -> Option<&str> {
    table
        .iter()
        .find(|t| t.number == code)
        .map(|t| t.name.as_str())
}

/// The 点数表 named `name` (医科, 歯科, 調剤, 薬局, 訪問看護, and forms
/// such as `医療機関（歯科）` when content lists them), compared ignoring
/// width, case and blanks.
pub fn fee_schedule_by_name(table: &[FeeSchedule], name: &str) -> Option<u8> {
    use super::normalize::choice_key;
    let key = choice_key(name);
    if key.is_empty() {
        return None;
    }
    table
        .iter()
        .find(|t| {
            let number = t.number.to_string();
            std::iter::once(&t.name).chain(&t.names).any(|n| {
                let k = choice_key(n);
                k == key
                    || k.strip_prefix(number.as_str())
                        .and_then(|r| r.strip_prefix(':'))
                        .is_some_and(|r| r == key)
            })
        })
        .map(|t| t.number)
}

/// The 点数表 whose names a text holds as separate words (`医科・歯科`,
/// `医科/歯科`), in table order: a cell that gives a clinic's two kinds.
fn fee_schedules_named_in(table: &[FeeSchedule], text: &str) -> Vec<u8> {
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '・' | '･' | '/' | '、' | ',' | '，' | '＆' | '&' | '+' | '＋' | 'と'
                )
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<u8> = words
        .iter()
        .filter_map(|w| fee_schedule_by_name(table, w))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// `3 (歯科)`, or just the number when it is not a 点数表.
pub fn describe_fee_schedule(table: &[FeeSchedule], code: u8) -> String {
    describe_fee_schedule_in(table, code, Strings::builtin())
}

/// [`describe_fee_schedule`] in the words of `t` (`data_fee_schedule_named`).
pub fn describe_fee_schedule_in(table: &[FeeSchedule], code: u8, t: &Strings) -> String {
    match fee_schedule_name(table, code) {
        Some(name) => named(t, "data_fee_schedule_named", &code.to_string(), name),
        None => code.to_string(),
    }
}

/// Checks a prefecture written as a number (`14`, `１４`, `1`), a name
/// (`神奈川県`, `神奈川`) or both (`14:神奈川県`, `14 神奈川県`).
pub fn check_prefecture(raw: &str) -> Checked<u8> {
    check_prefecture_in(raw, Strings::builtin())
}

/// [`check_prefecture`] told in the words of `t` (`data_prefecture_*`).
pub fn check_prefecture_in(raw: &str, t: &Strings) -> Checked<u8> {
    let expected = t.get("data_prefecture_expected");
    let (text, tidy) = Tidy::start(raw, t);
    let mut problems = Vec::new();
    tidy.report(&text, &mut problems);
    if text.is_empty() {
        problems.push(Problem::error(t.get("data_prefecture_empty")).with_expected(expected));
        return Checked::from_parts(None, problems);
    }
    let (digits, name) = split_number_and_name(&text);
    if digits.is_none() && name.is_empty() {
        problems.push(
            Problem::error(t.fill(
                "data_prefecture_no_number_or_name",
                &[("value", &quote(&text))],
            ))
            .with_expected(expected),
        );
        return Checked::from_parts(None, problems);
    }

    let from_number = match digits {
        Some(d) => match d.parse::<u8>() {
            Ok(n) if d.len() <= 2 && prefecture_name(n).is_some() => Some(n),
            _ => {
                problems.push(
                    Problem::error(t.fill("data_prefecture_out_of_range", &[("value", &quote(d))]))
                        .with_expected(expected),
                );
                None
            }
        },
        None => None,
    };

    let from_name = if name.is_empty() {
        None
    } else {
        match prefecture_by_name(name) {
            Some(code) => Some(code),
            None => {
                problems.push(unknown_prefecture_name(name, t));
                None
            }
        }
    };

    let value = match (digits, from_number, from_name) {
        (Some(_), Some(n), Some(m)) if n != m => {
            problems.push(
                Problem::error(t.fill(
                    "data_prefecture_mismatch",
                    &[
                        ("number", &describe_prefecture_in(n, t)),
                        ("name", &prefecture_name_in(m, t).unwrap_or_default()),
                        ("code", &format!("{m:02}")),
                    ],
                ))
                .with_expected(expected),
            );
            None
        }
        (_, Some(n), _) => Some(n),
        (None, None, Some(m)) => Some(m),
        _ => None,
    };
    Checked::from_parts(value, problems)
}

/// The error for a name that is not a prefecture, with a hint when it looks
/// like an address.
fn unknown_prefecture_name(name: &str, t: &Strings) -> Problem {
    let address_of = PREFECTURES
        .iter()
        .position(|full| name.starts_with(full))
        .and_then(|i| u8::try_from(i + 1).ok());
    let message = match address_of {
        Some(code) => t.fill(
            "data_prefecture_address",
            &[
                ("prefecture", &describe_prefecture_in(code, t)),
                ("value", &quote(name)),
            ],
        ),
        None => t.fill("data_prefecture_unknown", &[("value", &quote(name))]),
    };
    Problem::error(message).with_expected(t.get("data_prefecture_expected"))
}

/// Checks a 点数表 written as a number (`1`, `3`, `4`, `6`), a name (`医科`,
/// `歯科`, `調剤`, `薬局`, `訪問看護`) or both (`3:歯科`,
/// `3:医療機関（歯科）`).
pub fn check_fee_schedule(raw: &str, table: &[FeeSchedule]) -> Checked<u8> {
    check_fee_schedule_in(raw, table, Strings::builtin())
}

/// [`check_fee_schedule`] told in the words of `t` (`data_fee_schedule_*`).
pub fn check_fee_schedule_in(raw: &str, table: &[FeeSchedule], t: &Strings) -> Checked<u8> {
    let expected = fee_schedule_expected_in(table, t);
    let (text, tidy) = Tidy::start(raw, t);
    let mut problems = Vec::new();
    tidy.report(&text, &mut problems);
    if text.is_empty() {
        problems
            .push(Problem::error(t.get("data_fee_schedule_empty")).with_expected(expected.clone()));
        return Checked::from_parts(None, problems);
    }
    let (digits, name) = split_number_and_name(&text);
    if digits.is_none() && name.is_empty() {
        problems.push(
            Problem::error(t.fill(
                "data_fee_schedule_no_number_or_name",
                &[("value", &quote(&text))],
            ))
            .with_expected(expected.clone()),
        );
        return Checked::from_parts(None, problems);
    }

    let from_number = match digits {
        Some(d) => match d.parse::<u8>() {
            Ok(n) if d.len() <= 2 && fee_schedule_name(table, n).is_some() => Some(n),
            Ok(2) => {
                problems.push(
                    Problem::error(t.get("data_fee_schedule_category"))
                        .with_expected(expected.clone()),
                );
                None
            }
            _ => {
                problems.push(
                    Problem::error(t.fill("data_fee_schedule_no_number", &[("value", &quote(d))]))
                        .with_expected(expected.clone()),
                );
                None
            }
        },
        None => None,
    };

    let from_name = if name.is_empty() {
        None
    } else {
        match fee_schedule_by_name(table, name) {
            Some(code) => Some(code),
            None => {
                let odd: Vec<char> = name.chars().filter(|c| c.is_ascii_digit()).collect();
                let named = fee_schedules_named_in(table, name);
                let message = if named.len() > 1 {
                    let each: Vec<String> = named
                        .iter()
                        .map(|&n| describe_fee_schedule_in(table, n, t))
                        .collect();
                    t.fill(
                        "data_fee_schedule_several",
                        &[
                            ("n", &named.len().to_string()),
                            ("schedules", &each.join(t.get("list_joiner"))),
                            ("value", &quote(name)),
                        ],
                    )
                } else if odd.is_empty() {
                    t.fill("data_fee_schedule_unknown", &[("value", &quote(name))])
                } else {
                    t.fill(
                        "data_fee_schedule_unknown_digits",
                        &[("chars", &describe_chars(odd, t)), ("value", &quote(name))],
                    )
                };
                problems.push(Problem::error(message).with_expected(expected.clone()));
                None
            }
        }
    };

    let value = match (digits, from_number, from_name) {
        (Some(_), Some(n), Some(m)) if n != m => {
            problems.push(
                Problem::error(t.fill(
                    "data_fee_schedule_mismatch",
                    &[
                        ("number", &describe_fee_schedule_in(table, n, t)),
                        ("name", &describe_fee_schedule_in(table, m, t)),
                    ],
                ))
                .with_expected(expected.clone()),
            );
            None
        }
        (_, Some(n), _) => Some(n),
        (None, None, Some(m)) => Some(m),
        _ => None,
    };
    Checked::from_parts(value, problems)
}

/// Splits `14:神奈川県` into `Some("14")` and `神奈川県`. Separators between
/// the number and the name (`:` `.` `,` `、` `-` `_` spaces) are dropped.
fn split_number_and_name(text: &str) -> (Option<&str>, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, rest) = text.split_at_checked(end).unwrap_or((text, ""));
    let rest = rest
        .trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '.' | ',' | '、' | '-' | '_' | '=')
        })
        .trim_end();
    let digits = if digits.is_empty() {
        None
    } else {
        Some(digits)
    };
    (digits, rest)
}

#[cfg(test)]
mod tests {
    use super::super::Level;
    use super::*;

    #[test]
    fn prefecture_table_matches_jis() {
        assert_eq!(prefecture_name(1), Some("北海道"));
        assert_eq!(prefecture_name(13), Some("東京都"));
        assert_eq!(prefecture_name(14), Some("神奈川県"));
        assert_eq!(prefecture_name(26), Some("京都府"));
        assert_eq!(prefecture_name(27), Some("大阪府"));
        assert_eq!(prefecture_name(47), Some("沖縄県"));
        assert_eq!(prefecture_name(0), None);
        assert_eq!(prefecture_name(48), None);
        assert_eq!(prefecture_name(255), None);
        for code in 1..=47u8 {
            let name = prefecture_name(code).unwrap_or_default();
            assert_eq!(prefecture_by_name(name), Some(code), "{name}");
            assert_eq!(
                prefecture_by_name(short_prefecture_name(name)),
                Some(code),
                "{name}"
            );
        }
    }

    #[test]
    fn short_names_do_not_collide() {
        assert_eq!(prefecture_by_name("京都"), Some(26));
        assert_eq!(prefecture_by_name("東京"), Some(13));
        assert_eq!(prefecture_by_name("北海道"), Some(1));
        assert_eq!(prefecture_by_name("北海"), None);
        assert_eq!(prefecture_by_name(""), None);
    }

    #[test]
    fn accepted_prefectures() {
        let cases: &[(&str, u8, usize)] = &[
            ("14", 14, 0),
            ("01", 1, 0),
            ("1", 1, 0),
            ("47", 47, 0),
            ("14:神奈川県", 14, 0),
            ("14：神奈川県", 14, 1),
            ("14 神奈川県", 14, 0),
            ("14.神奈川", 14, 0),
            ("神奈川県", 14, 0),
            ("神奈川", 14, 0),
            (" 東京都 ", 13, 0),
            ("１４", 14, 1),
            ("１３：東京都", 13, 1),
            ("大阪", 27, 0),
            ("27 大阪府", 27, 0),
        ];
        for (raw, want, warnings) in cases {
            let c = check_prefecture(raw);
            assert_eq!(c.value, Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
            assert!(c.problems.iter().all(|p| p.level == Level::Warning));
        }
    }

    #[test]
    fn rejected_prefectures() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("0", "範囲"),
            ("00", "範囲"),
            ("48", "範囲"),
            ("99", "範囲"),
            ("014", "範囲"),
            ("256", "範囲"),
            ("14:東京都", "合いません"),
            ("13:神奈川県", "合いません"),
            ("神奈川県横浜市", "住所"),
            ("カナガワ", "ありません"),
            ("Kanagawa", "ありません"),
            ("😀", "ありません"),
            ("--", "番号も名前もありません"),
        ];
        for (raw, needle) in cases {
            let c = check_prefecture(raw);
            assert_eq!(c.value, None, "{raw}");
            assert!(
                c.errors().any(|p| p.message.contains(needle)),
                "{raw}: {:?}",
                c.problems
            );
            assert!(c.errors().all(|p| p.expected.is_some()));
        }
    }

    #[test]
    fn fee_schedule_names() {
        let t = test_fee_schedules();
        assert_eq!(fee_schedule_name(&t, 1), Some("医科"));
        assert_eq!(fee_schedule_name(&t, 3), Some("歯科"));
        assert_eq!(fee_schedule_name(&t, 4), Some("調剤"));
        assert_eq!(fee_schedule_name(&t, 6), Some("訪問看護"));
        for n in [0, 2, 5, 7, 9, 255] {
            assert_eq!(fee_schedule_name(&t, n), None);
        }
        assert_eq!(describe_fee_schedule(&t, 3), "3 (歯科)");
        assert_eq!(
            fee_schedule_expected(&t),
            "点数表番号 1 (医科)、3 (歯科)、4 (調剤)、6 (訪問看護) のどれか、またはその名前 (例: 1、1:医科、医科)"
        );
        // A name is read ignoring width and blanks, and a listed
        // `number:label` also answers to the label alone.
        assert_eq!(fee_schedule_by_name(&t, "医療機関（歯科）"), Some(3));
        assert_eq!(fee_schedule_by_name(&t, "医療機関 (歯科)"), Some(3));
        assert_eq!(fee_schedule_by_name(&t, "保険 薬局"), Some(4));
        assert_eq!(fee_schedule_by_name(&t, ""), None);
        assert_eq!(fee_schedule_by_name(&[], "歯科"), None);
        assert_eq!(describe_prefecture(1), "01 (北海道)");
    }

    #[test]
    fn accepted_fee_schedules() {
        let cases: &[(&str, u8)] = &[
            ("1", 1),
            ("3", 3),
            ("4", 4),
            ("6", 6),
            ("医科", 1),
            ("歯科", 3),
            ("調剤", 4),
            ("薬局", 4),
            ("保険薬局", 4),
            ("訪問看護", 6),
            ("3:歯科", 3),
            ("3:医療機関（歯科）", 3),
            ("1 医科", 1),
            ("４", 4),
            ("６：訪問看護", 6),
            ("３:歯科", 3),
            ("医療機関(医科)", 1),
            ("1:医療機関（医科）", 1),
        ];
        let t = test_fee_schedules();
        for (raw, want) in cases {
            let c = check_fee_schedule(raw, &t);
            assert_eq!(c.value, Some(*want), "{raw}: {:?}", c.problems);
            assert!(!c.has_errors());
        }
    }

    #[test]
    fn rejected_fee_schedules() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("2", "分類"),
            ("5", "ありません"),
            ("0", "ありません"),
            ("13", "ありません"),
            ("眼科", "ありません"),
            ("1:歯科", "合いません"),
            ("3:医科", "合いません"),
            ("x", "ありません"),
            (":", "番号も名前もありません"),
        ];
        let t = test_fee_schedules();
        for (raw, needle) in cases {
            let c = check_fee_schedule(raw, &t);
            assert_eq!(c.value, None, "{raw}");
            assert!(
                c.errors().any(|p| p.message.contains(needle)),
                "{raw}: {:?}",
                c.problems
            );
        }
    }

    #[test]
    fn two_fee_schedules_in_one_cell_are_told_to_be_two_rows() {
        // 難波医科歯科クリニック: one row with 点数表 「医科・歯科」 was told only
        // that no such 点数表 exists, not that its two kinds need two rows.
        let t = test_fee_schedules();
        for raw in ["医科・歯科", "医科／歯科", "医科と歯科", "歯科 医科"] {
            let c = check_fee_schedule(raw, &t);
            assert_eq!(c.value, None, "{raw}");
            assert!(
                c.errors()
                    .any(|p| p.message.contains("点数表が 2 つ (1 (医科)、3 (歯科))")
                        && p.message.contains("コードごとに一行に分けてください")),
                "{raw}: {:?}",
                c.problems
            );
        }
        // One unknown name is still just unknown.
        let c = check_fee_schedule("眼科・内科", &t);
        assert!(
            !c.errors().any(|p| p.message.contains("つ (")),
            "{:?}",
            c.problems
        );
    }
}
