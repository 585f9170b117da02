//! Contact details and calendar values: Japanese telephone numbers, e-mail
//! addresses, year-months (利用開始予定年月) and dates, including 和暦
//! (令和, 平成). No I/O happens here.

use super::normalize::{Tidy, describe_chars, is_dash_like, quote};
use super::{Checked, Problem};

/// The expected form of a telephone number, for [`Problem::expected`].
const PHONE_EXPECTED: &str = "0 から始まる10桁 (固定電話など) または11桁 (携帯電話など) の番号 (例: 045-123-4567、090-1234-5678、0120-123-456)";
/// The expected form of an e-mail address, for [`Problem::expected`].
const EMAIL_EXPECTED: &str = "半角英数字のメールアドレス (例: clinic@example.jp)";
/// The expected form of a year-month, for [`Problem::expected`].
const YEAR_MONTH_EXPECTED: &str = "年と月 (例: 2026-12、2026/12、2026年12月、令和8年12月、R8.12)";
/// The expected form of a date, for [`Problem::expected`].
const DATE_EXPECTED: &str = "年月日 (例: 2026-12-10、2026/12/10、2026年12月10日、令和8年12月10日)";

// ---------------------------------------------------------------- phone --

/// What kind of number a digit string is, decided by its first digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhoneKind {
    /// 0120: 10 digits, 4-3-3.
    FreeDial,
    /// 0800: 11 digits, 4-3-4.
    FreeDial0800,
    /// 0570, 0180, 0990: 10 digits, 4-3-3.
    Special,
    /// 020, 050, 060, 070, 080, 090: 11 digits, 3-4-4.
    Mobile,
    /// Everything else: 10 digits; 市外局番 + 市内局番 = 6, 加入者番号 = 4.
    Fixed,
}

impl PhoneKind {
    /// The kind of `digits` (ASCII digits starting with 0).
    fn of(digits: &str) -> Self {
        if digits.starts_with("0120") {
            PhoneKind::FreeDial
        } else if digits.starts_with("0800") {
            PhoneKind::FreeDial0800
        } else if ["0570", "0180", "0990"]
            .iter()
            .any(|p| digits.starts_with(p))
        {
            PhoneKind::Special
        } else if ["020", "050", "060", "070", "080", "090"]
            .iter()
            .any(|p| digits.starts_with(p))
        {
            PhoneKind::Mobile
        } else {
            PhoneKind::Fixed
        }
    }

    /// How many digits a number of this kind has.
    fn length(self) -> usize {
        match self {
            PhoneKind::FreeDial | PhoneKind::Special | PhoneKind::Fixed => 10,
            PhoneKind::FreeDial0800 | PhoneKind::Mobile => 11,
        }
    }

    /// The fixed grouping, for kinds that have one.
    fn grouping(self) -> Option<&'static [usize]> {
        match self {
            PhoneKind::FreeDial | PhoneKind::Special => Some(&[4, 3, 3]),
            PhoneKind::FreeDial0800 => Some(&[4, 3, 4]),
            PhoneKind::Mobile => Some(&[3, 4, 4]),
            PhoneKind::Fixed => None,
        }
    }

    /// Names the kind for messages, e.g. `0120 のフリーダイヤル`.
    fn describe(self, digits: &str) -> String {
        let head: String = digits.chars().take(4).collect();
        match self {
            PhoneKind::FreeDial => "0120 のフリーダイヤル".to_string(),
            PhoneKind::FreeDial0800 => "0800 のフリーダイヤル".to_string(),
            PhoneKind::Special => format!("{head} の番号"),
            PhoneKind::Mobile => format!(
                "{} の番号 (携帯電話・IP電話など)",
                head.chars().take(3).collect::<String>()
            ),
            PhoneKind::Fixed => "固定電話の番号".to_string(),
        }
    }
}

/// Whether `c` may separate digit groups in a phone number.
fn is_phone_separator(c: char) -> bool {
    c.is_whitespace() || is_dash_like(c) || matches!(c, '(' | ')' | '.' | '/' | '・')
}

/// Checks a Japanese telephone number: once separators are removed it must
/// be 10 or 11 digits starting with 0 (0120 numbers 10, 0800 numbers 11,
/// 0X0 mobile/IP numbers 11). `+81` is turned into `0`.
///
/// The user's hyphenation is kept when it is valid (for fixed lines: the
/// last group has four digits and the first two together six); other
/// separators become hyphens; an impossible grouping is re-grouped when the
/// kind of number fixes it, else removed. A number written without any
/// separator is kept as it is.
pub fn check_phone(raw: &str) -> Checked<String> {
    check_phone_in(raw, crate::model::strings::Strings::builtin())
}

/// [`check_phone`] with several numbers in one value told in the words of
/// `t` (`data_phones`, `data_phones_expected`: which one the manual needs).
pub fn check_phone_in(raw: &str, t: &crate::model::strings::Strings) -> Checked<String> {
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    if text.is_empty() {
        problems.push(Problem::error("電話番号が空です").with_expected(PHONE_EXPECTED));
        return Checked::from_parts(None, problems);
    }
    // Two numbers in one cell (「03-1234-5678/03-1234-5679」): each part a
    // whole number of 10 or 11 digits.
    let parts: Vec<&str> = text
        .split(['/', '、', ',', ';', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).count();
    if parts.len() > 1 && parts.iter().all(|p| matches!(digits(p), 10 | 11)) {
        problems.push(
            Problem::error(t.fill(
                "data_phones",
                &[
                    ("n", &parts.len().to_string()),
                    ("values", &parts.join(t.get("data_several_joiner"))),
                ],
            ))
            .with_expected(t.get("data_phones_expected")),
        );
        return Checked::from_parts(None, problems);
    }

    let mut body = text.as_str();
    let mut international = false;
    if let Some(rest) = body.strip_prefix('+') {
        match rest.trim_start().strip_prefix("81") {
            Some(r) => {
                international = true;
                body = r;
                tidy.note("国番号 +81 を 0 に直しました");
            }
            None => {
                problems.push(
                    Problem::error(format!(
                        "{} は日本の電話番号ではないようです。0 から始まる国内の番号を書いてください",
                        quote(&text)
                    ))
                    .with_expected(PHONE_EXPECTED),
                );
                return Checked::from_parts(None, problems);
            }
        }
    }

    let mut groups: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut bad: Vec<char> = Vec::new();
    for c in body.chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if is_phone_separator(c) {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
        } else {
            bad.push(c);
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    if !bad.is_empty() {
        problems.push(
            Problem::error(format!(
                "電話番号に数字と区切り以外の文字 {} があります (内線や「代表」などは別に書いてください)",
                describe_chars(bad, t)
            ))
            .with_expected(PHONE_EXPECTED),
        );
        return Checked::from_parts(None, problems);
    }

    if international {
        // "+81 (0)45…" writes the trunk 0 as its own group; "+81 045…"
        // repeats it. Either way the number starts with exactly one 0.
        if groups.first().is_some_and(|g| g == "0") {
            groups.remove(0);
        }
        if let Some(first) = groups.first_mut() {
            let trimmed = first.trim_start_matches('0').to_string();
            *first = format!("0{trimmed}");
        }
    }

    let digits: String = groups.concat();
    if digits.is_empty() {
        problems.push(Problem::error("電話番号に数字がありません").with_expected(PHONE_EXPECTED));
        return Checked::from_parts(None, problems);
    }
    let n = digits.len();

    if !digits.starts_with('0') {
        let mut message = format!(
            "電話番号 {} が 0 から始まっていません。市外局番から書いてください",
            quote(&text)
        );
        if n == 9 || n == 10 {
            message.push_str(" (表計算ソフトで先頭の 0 が消えていませんか)");
        }
        problems.push(Problem::error(message).with_expected(PHONE_EXPECTED));
        return Checked::from_parts(None, problems);
    }
    if digits.starts_with("00") {
        problems.push(
            Problem::error(format!(
                "電話番号 {} が 00 から始まっています",
                quote(&text)
            ))
            .with_expected(PHONE_EXPECTED),
        );
        return Checked::from_parts(None, problems);
    }

    let kind = PhoneKind::of(&digits);
    if n != kind.length() {
        problems.push(
            Problem::error(format!(
                "電話番号の数字が {n} 桁あります。{}は {} 桁のはずです",
                kind.describe(&digits),
                kind.length()
            ))
            .with_expected(PHONE_EXPECTED),
        );
        return Checked::from_parts(None, problems);
    }

    let value = if groups.len() == 1 {
        digits
    } else {
        let lengths: Vec<usize> = groups.iter().map(String::len).collect();
        let valid = match kind.grouping() {
            Some(g) => lengths == g,
            None => fixed_grouping_is_valid(&lengths),
        };
        if valid {
            let joined = groups.join("-");
            if joined != body || international {
                tidy.note("区切りをハイフンにそろえました");
            }
            joined
        } else if let Some(g) = kind.grouping() {
            let regrouped = regroup(&digits, g);
            tidy.note(format!("区切り方を {} の形に直しました", shape_of(g)));
            regrouped
        } else {
            tidy.note("区切り方が「市外局番-市内局番-加入者番号」(最後が4桁) の形ではないため、区切りを外しました");
            digits
        }
    };
    tidy.report(&value, &mut problems);
    Checked::from_parts(Some(value), problems)
}

/// Fixed-line grouping: three groups, 市外局番 of 2–5 digits, 市外局番 +
/// 市内局番 = 6 digits, 加入者番号 = 4 digits.
fn fixed_grouping_is_valid(lengths: &[usize]) -> bool {
    matches!(lengths, [a, b, 4] if (2..=5).contains(a) && *b >= 1 && a + b == 6)
}

/// Splits `digits` (ASCII) into groups of the given lengths joined by `-`.
fn regroup(digits: &str, lengths: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut chars = digits.chars();
    for &len in lengths {
        let group: String = chars.by_ref().take(len).collect();
        if !group.is_empty() {
            out.push(group);
        }
    }
    let rest: String = chars.collect();
    if !rest.is_empty() {
        out.push(rest);
    }
    out.join("-")
}

/// `0000-000-000` style picture of a grouping.
fn shape_of(lengths: &[usize]) -> String {
    lengths
        .iter()
        .map(|n| "X".repeat(*n))
        .collect::<Vec<_>>()
        .join("-")
}

// ---------------------------------------------------------------- email --

/// Checks an e-mail address pragmatically: exactly one `@`, a non-empty
/// local part, a domain with a dot and only letters, digits, hyphens and
/// dots, no spaces and no full-width characters after normalisation.
///
/// `mailto:` and the Japanese full stop `。` typed for `.` are fixed with a
/// warning. Dots at the ends of the local part or doubled (old mobile
/// addresses) give a warning because some systems refuse them.
pub fn check_email(raw: &str) -> Checked<String> {
    check_email_in(raw, crate::model::strings::Strings::builtin())
}

/// [`check_email`] with several addresses in one value told in the words of
/// `t` (`data_emails`, `data_emails_expected`).
pub fn check_email_in(raw: &str, t: &crate::model::strings::Strings) -> Checked<String> {
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let mut address = text;
    if address.contains(['。', '｡']) {
        address = address.replace(['。', '｡'], ".");
        tidy.note("「。」を「.」に直しました");
    }
    if let Some(rest) = strip_prefix_ignore_case(&address, "mailto:") {
        address = rest.trim().to_string();
        tidy.note("mailto: を取り除きました");
    }
    tidy.report(&address, &mut problems);

    if address.is_empty() {
        problems.push(Problem::error("メールアドレスが空です").with_expected(EMAIL_EXPECTED));
        return Checked::from_parts(None, problems);
    }

    // Two addresses in one cell (「a@x.jp; b@x.jp」, 「a@x.jp/b@x.jp」):
    // the portal account of a code is registered with one.
    let parts: Vec<&str> = address
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '、' | '/' | '|'))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 && parts.iter().all(|p| p.matches('@').count() == 1) {
        problems.push(
            Problem::error(t.fill(
                "data_emails",
                &[
                    ("n", &parts.len().to_string()),
                    ("values", &parts.join(t.get("data_several_joiner"))),
                ],
            ))
            .with_expected(t.get("data_emails_expected")),
        );
        return Checked::from_parts(None, problems);
    }

    let mut errors: Vec<String> = Vec::new();
    if address.chars().any(char::is_whitespace) {
        errors.push("空白が含まれています".to_string());
    }
    let non_ascii: Vec<char> = address.chars().filter(|c| !c.is_ascii()).collect();
    if !non_ascii.is_empty() {
        errors.push(format!(
            "全角文字や日本語 {} は使えません",
            describe_chars(non_ascii, t)
        ));
    }

    let at_count = address.matches('@').count();
    match at_count {
        0 => errors.push("@ がありません".to_string()),
        1 => {}
        n => errors.push(format!("@ が {n} 個あります。1 個のはずです")),
    }

    if at_count == 1 {
        let (local, domain) = address.split_once('@').unwrap_or((address.as_str(), ""));
        if local.is_empty() {
            errors.push("@ の前 (ユーザー名) が空です".to_string());
        }
        let bad_local: Vec<char> = local
            .chars()
            .filter(|c| c.is_ascii() && (c.is_ascii_control() || "()<>[]\\,;:\"".contains(*c)))
            .collect();
        if !bad_local.is_empty() {
            errors.push(format!(
                "@ の前に使えない文字 {} があります",
                describe_chars(bad_local, crate::model::strings::Strings::builtin())
            ));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            problems.push(Problem::warning(format!(
                "{} は @ の前に「.」が続いたり端にあったりします。このアドレスを受け付けないシステムがあるので、届くかどうか確かめてください",
                quote(&address)
            )));
        }
        errors.extend(domain_errors(domain));
        if errors.is_empty()
            && let Some(hint) = domain_typo(domain)
        {
            problems.push(Problem::warning(format!(
                "ドメイン {} は {} の打ち間違いではありませんか",
                quote(domain),
                quote(&hint)
            )));
        }
    }

    for e in errors {
        problems.push(
            Problem::error(format!("メールアドレス {}: {e}", quote(&address)))
                .with_expected(EMAIL_EXPECTED),
        );
    }
    Checked::from_parts(Some(address), problems)
}

/// `s` without `prefix`, compared ASCII-case-insensitively.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// What is wrong with the domain part, as message tails.
fn domain_errors(domain: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if domain.is_empty() {
        errors.push("@ の後 (ドメイン) がありません".to_string());
        return errors;
    }
    if !domain.contains('.') {
        errors.push(format!("ドメイン {} に「.」がありません", quote(domain)));
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        errors.push(format!(
            "ドメイン {} の「.」の位置がおかしいです",
            quote(domain)
        ));
    }
    let bad: Vec<char> = domain
        .chars()
        .filter(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
        .collect();
    if !bad.is_empty() {
        errors.push(format!(
            "ドメインに使えない文字 {} があります",
            describe_chars(bad, crate::model::strings::Strings::builtin())
        ));
    }
    if domain
        .split('.')
        .any(|label| label.starts_with('-') || label.ends_with('-'))
    {
        errors.push("ドメインの区切りの端に「-」があります".to_string());
    }
    errors
}

/// A likely intended domain for a few common typing mistakes.
fn domain_typo(domain: &str) -> Option<String> {
    let lower = domain.to_ascii_lowercase();
    const ENDINGS: [(&str, &str); 7] = [
        (".con", ".com"),
        (".cmo", ".com"),
        (".co.jo", ".co.jp"),
        (".ne.jo", ".ne.jp"),
        (".or.jo", ".or.jp"),
        (".jpn", ".jp"),
        (".co.pj", ".co.jp"),
    ];
    for (wrong, right) in ENDINGS {
        if let Some(stem) = lower.strip_suffix(wrong) {
            return Some(format!("{stem}{right}"));
        }
    }
    const DOMAINS: [(&str, &str); 4] = [
        ("gmial.com", "gmail.com"),
        ("gmai.com", "gmail.com"),
        ("gmail.co", "gmail.com"),
        ("gmail.co.jp", "gmail.com"),
    ];
    DOMAINS
        .iter()
        .find(|(wrong, _)| *wrong == lower)
        .map(|(_, right)| (*right).to_string())
}

// ------------------------------------------------------- year and dates --

/// A (year, month, day) triple.
type Ymd = (i32, u8, u8);

/// A Japanese era accepted in dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    /// 令和: year 1 = 2019, from 2019-05-01.
    Reiwa,
    /// 平成: year 1 = 1989, 1989-01-08 to 2019-04-30.
    Heisei,
}

impl Era {
    /// The era's name, e.g. `令和`.
    fn name(self) -> &'static str {
        match self {
            Era::Reiwa => "令和",
            Era::Heisei => "平成",
        }
    }

    /// Added to an era year to get the Gregorian year.
    fn offset(self) -> i32 {
        match self {
            Era::Reiwa => 2018,
            Era::Heisei => 1988,
        }
    }

    /// First and last valid (year, month, day), inclusive.
    fn span(self) -> (Ymd, Option<Ymd>) {
        match self {
            Era::Reiwa => ((2019, 5, 1), None),
            Era::Heisei => ((1989, 1, 8), Some((2019, 4, 30))),
        }
    }
}

/// A date-like value split into its numbers.
#[derive(Debug)]
struct DateText {
    /// The era when written in 和暦.
    era: Option<Era>,
    /// Each number as written (ASCII digits only).
    numbers: Vec<String>,
    /// The weekday written in parentheses, 0 = Sunday.
    weekday: Option<u8>,
    /// The tidied text, for messages.
    shown: String,
}

/// Weekday names, 0 = Sunday.
const WEEKDAYS: [char; 7] = ['日', '月', '火', '水', '木', '金', '土'];

/// Splits a raw date or year-month into era and numbers, reporting tidying
/// and shape errors onto `problems`.
fn split_date(
    raw: &str,
    what: &str,
    expected: &str,
    problems: &mut Vec<Problem>,
) -> Option<DateText> {
    let (text, tidy) = Tidy::start(raw, crate::model::strings::Strings::builtin());
    tidy.report(&text, problems);
    let fail = |problems: &mut Vec<Problem>, message: String| {
        problems.push(Problem::error(message).with_expected(expected));
        None
    };
    if text.is_empty() {
        return fail(problems, format!("{what}が空です"));
    }

    // A trailing weekday: "(木)", "(木曜)", "(木曜日)".
    let mut rest = text.as_str();
    let mut weekday = None;
    if let Some(before) = rest.strip_suffix(')')
        && let Some((head, inner)) = before.rsplit_once('(')
    {
        let inner = inner.trim();
        let day = inner
            .strip_suffix("曜日")
            .or_else(|| inner.strip_suffix('曜'))
            .unwrap_or(inner);
        let mut chars = day.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && let Some(i) = WEEKDAYS.iter().position(|w| *w == c)
        {
            weekday = u8::try_from(i).ok();
            rest = head.trim_end();
        }
    }

    // The era, if any.
    let mut era = None;
    for (prefix, e) in [("令和", Era::Reiwa), ("平成", Era::Heisei)] {
        if let Some(r) = rest.strip_prefix(prefix) {
            era = Some(e);
            rest = r;
        }
    }
    if era.is_none() {
        let mut chars = rest.chars();
        let first = chars.next();
        let second = chars.next();
        let starts_number = second.is_some_and(|c| c.is_ascii_digit() || c == '元' || c == ' ');
        match first {
            Some('R' | 'r') if starts_number => {
                era = Some(Era::Reiwa);
                rest = chars_after_first(rest);
            }
            Some('H' | 'h') if starts_number => {
                era = Some(Era::Heisei);
                rest = chars_after_first(rest);
            }
            _ => {}
        }
    }
    let rest = rest.trim_start();
    let owned;
    let rest = match (era, rest.strip_prefix('元')) {
        (Some(_), Some(after)) => {
            owned = format!("1{after}");
            owned.as_str()
        }
        _ => rest,
    };

    // Tokens: numbers and separators; spaces next to other separators are
    // dropped, other spaces separate.
    #[derive(Debug, PartialEq)]
    enum Tok {
        Num(String),
        Sep(char),
    }
    let mut toks: Vec<Tok> = Vec::new();
    let mut bad: Vec<char> = Vec::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            if let Some(Tok::Num(s)) = toks.last_mut() {
                s.push(c);
            } else {
                toks.push(Tok::Num(c.to_string()));
            }
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日') {
            if toks.last() == Some(&Tok::Sep(' ')) {
                toks.pop();
            }
            toks.push(Tok::Sep(c));
        } else if c.is_whitespace() {
            if matches!(toks.last(), Some(Tok::Num(_))) {
                toks.push(Tok::Sep(' '));
            }
        } else {
            bad.push(c);
        }
    }
    if toks.last() == Some(&Tok::Sep(' ')) {
        toks.pop();
    }
    if !bad.is_empty() {
        return fail(
            problems,
            format!(
                "{what} {} に読めない文字 {} があります",
                quote(&text),
                describe_chars(bad, crate::model::strings::Strings::builtin())
            ),
        );
    }

    // Shape: Num (Sep Num)* [Sep], one separator kind.
    let mut numbers: Vec<String> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut expect_number = true;
    for tok in toks {
        match (tok, expect_number) {
            (Tok::Num(s), true) => {
                numbers.push(s);
                expect_number = false;
            }
            (Tok::Sep(c), false) => {
                seps.push(c);
                expect_number = true;
            }
            _ => {
                return fail(
                    problems,
                    format!("{what} {} の形が読めません", quote(&text)),
                );
            }
        }
    }
    if numbers.is_empty() {
        return fail(
            problems,
            format!("{what} {} に数字がありません", quote(&text)),
        );
    }
    let kanji = seps.iter().any(|c| matches!(c, '年' | '月' | '日'));
    let shape_ok = if kanji {
        seps.iter()
            .zip(['年', '月', '日'])
            .all(|(got, want)| *got == want)
            && seps.len() <= 3
    } else {
        // Same separator throughout and none after the last number.
        seps.len() < numbers.len() && seps.windows(2).all(|w| w.first() == w.get(1))
    };
    if !shape_ok {
        return fail(
            problems,
            format!(
                "{what} {} の書き方が読めません (区切りが混ざっているか、順番が違います)",
                quote(&text)
            ),
        );
    }

    // Compact YYYYMM / YYYYMMDD.
    if era.is_none()
        && let [only] = numbers.as_slice()
        && (only.len() == 6 || only.len() == 8)
    {
        let parts: Vec<String> = [(0, 4), (4, 6), (6, 8)]
            .iter()
            .filter_map(|(a, b)| only.get(*a..*b).map(str::to_string))
            .collect();
        numbers = parts;
    }

    Some(DateText {
        era,
        numbers,
        weekday,
        shown: text,
    })
}

/// The text after the first character.
fn chars_after_first(s: &str) -> &str {
    let mut chars = s.chars();
    chars.next();
    chars.as_str()
}

/// Resolves the year (西暦 or 和暦) and checks year, month and, when given,
/// day and era bounds.
fn resolve(
    d: &DateText,
    day: Option<&str>,
    what: &str,
    expected: &str,
    problems: &mut Vec<Problem>,
) -> Option<(i32, u8, Option<u8>)> {
    let mut fail = |message: String| {
        problems.push(Problem::error(message).with_expected(expected));
    };
    let shown = quote(&d.shown);
    let year_text = d.numbers.first()?;
    let month_text = d.numbers.get(1)?;

    let year = match (d.era, year_text.parse::<i32>()) {
        (None, Ok(y)) if year_text.len() == 4 => {
            if (1900..=2100).contains(&y) {
                Some(y)
            } else {
                fail(format!("{what} {shown} の年 {y} はありえない年です"));
                None
            }
        }
        (None, _) => {
            fail(format!(
                "{what} {shown} の年 {} は西暦4桁で書いてください (例: 2026)",
                quote(year_text)
            ));
            None
        }
        (Some(era), Ok(y)) if year_text.len() <= 2 && y >= 1 => Some(era.offset() + y),
        (Some(era), _) => {
            fail(format!(
                "{what} {shown} の{}の年 {} は 1 (元年) 以上の1〜2桁の数のはずです",
                era.name(),
                quote(year_text)
            ));
            None
        }
    };
    let month = match month_text.parse::<u8>() {
        Ok(m) if (1..=12).contains(&m) => Some(m),
        _ => {
            fail(format!(
                "{what} {shown} の月 {} は 1〜12 のはずです",
                quote(month_text)
            ));
            None
        }
    };
    let (year, month) = (year?, month?);

    let day = match day {
        None => None,
        Some(text) => {
            let last = days_in_month(year, month);
            match text.parse::<u8>() {
                Ok(dd) if dd >= 1 && dd <= last => Some(dd),
                Ok(dd) if (1..=31).contains(&dd) => {
                    fail(format!(
                        "{what} {shown} はありえない日付です: {year}年{month}月は{last}日までです"
                    ));
                    return None;
                }
                _ => {
                    fail(format!(
                        "{what} {shown} の日 {} は 1〜31 のはずです",
                        quote(text)
                    ));
                    return None;
                }
            }
        }
    };

    if let Some(era) = d.era {
        let ((fy, fm, fd), last) = era.span();
        let start_ok = match day {
            Some(dd) => (year, month, dd) >= (fy, fm, fd),
            None => (year, month) >= (fy, fm),
        };
        let end_ok = match (last, day) {
            (None, _) => true,
            (Some((ly, lm, ld)), Some(dd)) => (year, month, dd) <= (ly, lm, ld),
            (Some((ly, lm, _)), None) => (year, month) <= (ly, lm),
        };
        if !start_ok || !end_ok {
            let range = match last {
                Some((ly, lm, ld)) => format!("{fy}年{fm}月{fd}日から{ly}年{lm}月{ld}日まで"),
                None => format!("{fy}年{fm}月{fd}日から"),
            };
            fail(format!(
                "{what} {shown} は{}の期間にありません ({}は{range})",
                era.name(),
                era.name()
            ));
            return None;
        }
    }
    Some((year, month, day))
}

/// Days in `month` of `year` (Gregorian).
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day of the week, 0 = Sunday (Sakamoto's method).
fn weekday(year: i32, month: u8, day: u8) -> u8 {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let t = T
        .get(usize::from(month).saturating_sub(1))
        .copied()
        .unwrap_or(0);
    let w = (y + y / 4 - y / 100 + y / 400 + t + i32::from(day)).rem_euclid(7);
    u8::try_from(w).unwrap_or(0)
}

/// What a lone five-digit number means when it is an Excel day serial (a
/// date cell exported as a number: 46407 is 2027-01-20), or nothing. Never
/// read as that date: the number may be anything else mistyped.
fn excel_serial_hint(numbers: &[String], month_only: bool) -> String {
    let [n] = numbers else {
        return String::new();
    };
    let Ok(serial) = n.parse::<i64>() else {
        return String::new();
    };
    // 2000-01-01 ..= 2099-12-31: the dates of these lists.
    if n.len() != 5 || !(36_526..=73_050).contains(&serial) {
        return String::new();
    }
    let base = jiff::civil::Date::constant(1899, 12, 30);
    let Some(d) = crate::eval::dates::checked_add_days(base, serial) else {
        return String::new();
    };
    let (y, m, day) = (d.year(), d.month(), d.day());
    let (date, write) = if month_only {
        (format!("{y}年{m}月 ({y}年{m}月{day}日)"), "年と月")
    } else {
        (format!("{y}年{m}月{day}日"), "年月日")
    };
    format!(
        "。Excel の日付が数値のまま書き出されたもの (シリアル値) なら {date} です。セルの書式を日付にして保存し直すか、{write}を書いてください"
    )
}

/// Checks a year and month such as 利用開始予定年月: `2026-12`, `2026/12`,
/// `2026.12`, `2026年12月`, `令和8年12月`, `R8.12`, `令和元年5月`, `202612`.
/// A full date (as spreadsheets turn `2026/12` into `2026/12/01`) is
/// accepted with a warning that the day was ignored.
pub fn check_year_month(raw: &str) -> Checked<(i32, u8)> {
    let what = "年月";
    let mut problems = Vec::new();
    let Some(d) = split_date(raw, what, YEAR_MONTH_EXPECTED, &mut problems) else {
        return Checked::from_parts(None, problems);
    };
    match d.numbers.len() {
        2 => {}
        // The first of the month is how a spreadsheet keeps a year-month
        // (an Excel cell shown 「2027/1」 holds 2027-01-01): nothing to say.
        // Another day may be a date put in the wrong column.
        3 if d
            .numbers
            .get(2)
            .is_some_and(|n| n.trim_start_matches('0') == "1") => {}
        3 => problems.push(Problem::warning(format!(
            "{} には日も書かれていますが、年と月だけを使います",
            quote(&d.shown)
        ))),
        1 => {
            let message = format!(
                "{what} {} に月がありません{}",
                quote(&d.shown),
                excel_serial_hint(&d.numbers, true)
            );
            problems.push(Problem::error(message).with_expected(YEAR_MONTH_EXPECTED));
            return Checked::from_parts(None, problems);
        }
        _ => {
            problems.push(
                Problem::error(format!("{what} {} に数が多すぎます", quote(&d.shown)))
                    .with_expected(YEAR_MONTH_EXPECTED),
            );
            return Checked::from_parts(None, problems);
        }
    }
    let value = resolve(&d, None, what, YEAR_MONTH_EXPECTED, &mut problems).map(|(y, m, _)| (y, m));
    Checked::from_parts(value, problems)
}

/// Checks a date: `2026-12-10`, `2026/12/10`, `2026.12.10`,
/// `2026年12月10日`, `令和8年12月10日`, `R8.12.10`, `20261210`, optionally
/// followed by a weekday in parentheses (`(木)`), which is checked.
/// Impossible dates (2月30日, 令和元年4月) are errors.
pub fn check_date(raw: &str) -> Checked<(i32, u8, u8)> {
    let what = "日付";
    let mut problems = Vec::new();
    let Some(d) = split_date(raw, what, DATE_EXPECTED, &mut problems) else {
        return Checked::from_parts(None, problems);
    };
    let message = match d.numbers.len() {
        3 => None,
        2 => Some(format!("{what} {} に日がありません", quote(&d.shown))),
        1 => Some(format!(
            "{what} {} に月と日がありません{}",
            quote(&d.shown),
            excel_serial_hint(&d.numbers, false)
        )),
        _ => Some(format!("{what} {} に数が多すぎます", quote(&d.shown))),
    };
    if let Some(message) = message {
        problems.push(Problem::error(message).with_expected(DATE_EXPECTED));
        return Checked::from_parts(None, problems);
    }
    let day_text = d.numbers.get(2).cloned().unwrap_or_default();
    let value = resolve(&d, Some(&day_text), what, DATE_EXPECTED, &mut problems)
        .and_then(|(y, m, dd)| dd.map(|dd| (y, m, dd)));
    if let (Some((y, m, dd)), Some(written)) = (value, d.weekday) {
        let actual = weekday(y, m, dd);
        if actual != written {
            let name = |w: u8| WEEKDAYS.get(usize::from(w)).copied().unwrap_or('?');
            problems.push(Problem::warning(format!(
                "{y}年{m}月{dd}日は{}曜日です ({}曜日と書かれています)",
                name(actual),
                name(written)
            )));
        }
    }
    Checked::from_parts(value, problems)
}

/// Reads an IPv4 address (`192.168.10.50`): full-width digits and `。`
/// `．` typed for `.` are fixed with a warning; anything else (a number over
/// 255, three parts, a leading zero that some devices read as octal, two
/// addresses in one cell) is an error, never a guess typed into a device.
pub fn check_ip_address(raw: &str) -> Checked<String> {
    check_ip_address_in(raw, crate::model::strings::Strings::builtin())
}

/// [`check_ip_address`] with its problems in the words of `t` (`data_ip_*`).
pub fn check_ip_address_in(raw: &str, t: &crate::model::strings::Strings) -> Checked<String> {
    let expected = t.get("data_ip_expected");
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let mut text = text.trim().to_string();
    if text.contains(['。', '｡', '、']) {
        text = text.replace(['。', '｡', '、'], ".");
        tidy.note("区切りを「.」に直しました");
    }
    tidy.report(&text, &mut problems);
    if text.is_empty() {
        problems.push(Problem::error(t.get("data_ip_empty")).with_expected(expected));
        return Checked::from_parts(None, problems);
    }
    match text.parse::<std::net::Ipv4Addr>() {
        Ok(a) => Checked::from_parts(Some(a.to_string()), problems),
        Err(_) => {
            let parts = text.split('.').count();
            let why = if text
                .split([' ', '/', ';', ','])
                .filter(|p| !p.is_empty())
                .count()
                > 1
            {
                t.get("data_ip_several").to_string()
            } else if parts != 4 {
                t.fill("data_ip_parts", &[("n", &parts.to_string())])
            } else {
                t.get("data_ip_range").to_string()
            };
            problems.push(
                Problem::error(
                    t.fill("data_ip_unread", &[("value", &quote(&text)), ("why", &why)]),
                )
                .with_expected(expected),
            );
            Checked::from_parts(None, problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Level;
    use super::*;

    #[test]
    fn valid_phones() {
        let cases: &[(&str, &str, usize)] = &[
            ("045-123-4567", "045-123-4567", 0),
            ("03-1234-5678", "03-1234-5678", 0),
            ("0467-12-3456", "0467-12-3456", 0),
            ("01267-2-3456", "01267-2-3456", 0),
            ("0312345678", "0312345678", 0),
            ("090-1234-5678", "090-1234-5678", 0),
            ("09012345678", "09012345678", 0),
            ("050-1234-5678", "050-1234-5678", 0),
            ("0120-123-456", "0120-123-456", 0),
            ("0800-080-4583", "0800-080-4583", 0),
            ("0570-123-456", "0570-123-456", 0),
            // The call centre's number as the domain notes write it.
            ("0800-0804583", "0800-080-4583", 1),
            ("０４５－１２３－４５６７", "045-123-4567", 1),
            ("045 123 4567", "045-123-4567", 1),
            ("(045)123-4567", "045-123-4567", 1),
            ("045(123)4567", "045-123-4567", 1),
            ("045.123.4567", "045-123-4567", 1),
            ("045ー123ー4567", "045-123-4567", 1),
            ("+81 45-123-4567", "045-123-4567", 1),
            ("+81(0)45-123-4567", "045-123-4567", 1),
            ("+81-90-1234-5678", "090-1234-5678", 1),
            ("090-12-345678", "090-1234-5678", 1),
            ("0451-234-567", "0451234567", 1),
            ("  045-123-4567 ", "045-123-4567", 0),
        ];
        for (raw, want, warnings) in cases {
            let c = check_phone(raw);
            assert_eq!(c.value.as_deref(), Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
            assert!(c.problems.iter().all(|p| p.level == Level::Warning));
        }
    }

    #[test]
    fn invalid_phones() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("---", "数字がありません"),
            ("45-123-4567", "先頭の 0"),
            ("451234567", "0 から始まっていません"),
            ("045-123-456", "9 桁"),
            ("045-123-45678", "11 桁"),
            ("090-1234-567", "10 桁あります。090 の番号"),
            ("0120-123-4567", "0120 のフリーダイヤルは 10 桁"),
            ("0800-123-456", "0800 のフリーダイヤルは 11 桁"),
            ("0045-123-4567", "00 から"),
            ("045-123-4567 内線12", "'内' '線'"),
            ("045-123-4567(代表)", "'代' '表'"),
            ("TEL 045-123-4567", "'T' 'E' 'L'"),
            ("+1 212 555 0100", "日本の電話番号ではない"),
            ("😀", "'😀'"),
        ];
        for (raw, needle) in cases {
            let c = check_phone(raw);
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
    fn valid_emails() {
        let cases: &[(&str, &str, usize)] = &[
            ("clinic@example.jp", "clinic@example.jp", 0),
            (
                "yamada.taro+portal@mail.example.co.jp",
                "yamada.taro+portal@mail.example.co.jp",
                0,
            ),
            ("Info@Example.JP", "Info@Example.JP", 0),
            ("ｃｌｉｎｉｃ＠ｅｘａｍｐｌｅ．ｊｐ", "clinic@example.jp", 1),
            ("clinic@example。jp", "clinic@example.jp", 1),
            ("mailto:clinic@example.jp", "clinic@example.jp", 1),
            (
                "taro..yamada.@docomo.ne.jp",
                "taro..yamada.@docomo.ne.jp",
                1,
            ),
            ("clinic@example.con", "clinic@example.con", 1),
            ("clinic@gmial.com", "clinic@gmial.com", 1),
            (" clinic@example.jp\t", "clinic@example.jp", 0),
        ];
        for (raw, want, warnings) in cases {
            let c = check_email(raw);
            assert_eq!(c.value.as_deref(), Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
        }
        let c = check_email("clinic@example.co.jo");
        assert!(
            c.problems
                .iter()
                .any(|p| p.message.contains("'example.co.jp'"))
        );
    }

    #[test]
    fn invalid_emails() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("clinic.example.jp", "@ がありません"),
            ("clinic@@example.jp", "2 個"),
            ("a@b@example.jp", "2 個"),
            ("@example.jp", "ユーザー名"),
            ("clinic@", "ドメイン) がありません"),
            ("clinic@example", "「.」がありません"),
            ("clinic@example..jp", "位置"),
            ("clinic@.example.jp", "位置"),
            ("clinic@example.jp.", "位置"),
            ("clinic@exa mple.jp", "空白"),
            ("クリニック@example.jp", "全角文字や日本語"),
            ("clinic@例え.jp", "全角文字や日本語"),
            ("clinic@example,jp", "使えない文字 ','"),
            ("clinic@exam_ple.jp", "使えない文字 '_'"),
            ("clinic@-example.jp", "「-」"),
            ("cli,nic@example.jp", "@ の前に使えない文字"),
            ("😀@example.jp", "'😀'"),
        ];
        for (raw, needle) in cases {
            let c = check_email(raw);
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
    fn valid_year_months() {
        let cases: &[(&str, (i32, u8), usize)] = &[
            ("2026-12", (2026, 12), 0),
            ("2026/12", (2026, 12), 0),
            ("2026.12", (2026, 12), 0),
            ("2026-1", (2026, 1), 0),
            ("2026年12月", (2026, 12), 0),
            ("2026年 12月", (2026, 12), 0),
            ("2026年12", (2026, 12), 0),
            ("2022年2月", (2022, 2), 0),
            ("令和8年12月", (2026, 12), 0),
            ("令和元年5月", (2019, 5), 0),
            ("令和1年5月", (2019, 5), 0),
            ("R8.12", (2026, 12), 0),
            ("r8/12", (2026, 12), 0),
            ("R08.12", (2026, 12), 0),
            ("R元.5", (2019, 5), 0),
            ("平成31年4月", (2019, 4), 0),
            ("H30.4", (2018, 4), 0),
            ("202612", (2026, 12), 0),
            ("２０２６年１２月", (2026, 12), 1),
            ("Ｒ８．１２", (2026, 12), 1),
            // The first of the month is how a spreadsheet keeps a year-month
            // (ゼロ落ち内科's XLSX: every row warned 「'2027-01-01' には日も
            // 書かれていますが…」 about a day nobody typed); another day may
            // be a date in the wrong column and is still said.
            ("2026/12/01", (2026, 12), 0),
            ("2026-12-01", (2026, 12), 0),
            ("2026年12月1日", (2026, 12), 0),
            ("2026/12/15", (2026, 12), 1),
            ("令和8年12月20日", (2026, 12), 1),
        ];
        for (raw, want, warnings) in cases {
            let c = check_year_month(raw);
            assert_eq!(c.value, Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
        }
    }

    #[test]
    fn invalid_year_months() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("2026", "月がありません"),
            ("2026-13", "1〜12"),
            ("2026-0", "1〜12"),
            ("26/12", "西暦4桁"),
            ("12月", "順番が違います"),
            ("2026-12/01", "区切りが混ざって"),
            ("2026年12/1", "区切りが混ざって"),
            ("12月2026年", "区切りが混ざって"),
            ("2026--12", "形が読めません"),
            ("2026/12/", "区切りが混ざって"),
            ("令和0年5月", "1 (元年) 以上"),
            ("令和元年4月", "令和の期間にありません"),
            ("平成31年5月", "平成の期間にありません"),
            ("平成32年1月", "平成の期間にありません"),
            ("1800-01", "ありえない年"),
            ("来年12月", "読めない文字"),
            ("2026-12-01-01", "多すぎ"),
            ("99999999999-12", "西暦4桁"),
            ("😀", "読めない文字"),
        ];
        for (raw, needle) in cases {
            let c = check_year_month(raw);
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
    fn valid_dates() {
        let cases: &[(&str, (i32, u8, u8), usize)] = &[
            ("2026-12-10", (2026, 12, 10), 0),
            ("2026/12/10", (2026, 12, 10), 0),
            ("2026.12.10", (2026, 12, 10), 0),
            ("2026年12月10日", (2026, 12, 10), 0),
            ("令和8年12月10日", (2026, 12, 10), 0),
            ("R8.12.10", (2026, 12, 10), 0),
            ("令和元年5月1日", (2019, 5, 1), 0),
            ("平成31年4月30日", (2019, 4, 30), 0),
            ("平成元年1月8日", (1989, 1, 8), 0),
            ("2024-02-29", (2024, 2, 29), 0),
            ("2000-02-29", (2000, 2, 29), 0),
            ("20261210", (2026, 12, 10), 0),
            ("2026年12月10日(木)", (2026, 12, 10), 0),
            ("2026年12月10日（木曜日）", (2026, 12, 10), 1),
            ("2026/12/10 (木)", (2026, 12, 10), 0),
            ("2026年12月10日(金)", (2026, 12, 10), 1),
            ("２０２６－１２－１０", (2026, 12, 10), 1),
        ];
        for (raw, want, warnings) in cases {
            let c = check_date(raw);
            assert_eq!(c.value, Some(*want), "{raw}: {:?}", c.problems);
            assert_eq!(c.problems.len(), *warnings, "{raw}: {:?}", c.problems);
        }
        let c = check_date("2026年12月10日(金)");
        assert!(c.problems.iter().any(|p| p.message.contains("木曜日です")));
    }

    #[test]
    fn invalid_dates() {
        let cases: &[(&str, &str)] = &[
            ("", "空"),
            ("2026-02-30", "2月は28日まで"),
            ("2026年2月29日", "28日まで"),
            ("2100-02-29", "28日まで"),
            ("2024-02-30", "29日まで"),
            ("2026-04-31", "30日まで"),
            ("2026-12-32", "1〜31"),
            ("2026-12-00", "1〜31"),
            ("2026-12", "日がありません"),
            ("2026", "月と日がありません"),
            ("2026-13-01", "1〜12"),
            ("令和元年4月30日", "令和の期間にありません"),
            ("平成31年5月1日", "平成の期間にありません"),
            ("平成元年1月7日", "平成の期間にありません"),
            ("2026/12-10", "区切りが混ざって"),
            ("10/12/2026", "西暦4桁"),
            ("2026年12月10日(祝)", "読めない文字"),
            ("😀", "読めない文字"),
        ];
        for (raw, needle) in cases {
            let c = check_date(raw);
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
    fn two_numbers_in_one_cell_are_told_to_be_one() {
        // 電話3: 「03-1234-5678/03-1234-5679」 was told 「電話番号の数字が 20 桁
        // あります」, not that it holds two numbers.
        for raw in [
            "03-1234-5678/03-1234-5679",
            "03-1234-5678、090-1234-5678",
            "０３－１２３４－５６７８／０３－１２３４－５６７９",
        ] {
            let c = check_phone(raw);
            assert!(c.value.is_none(), "{raw}");
            assert!(
                c.errors()
                    .any(|p| p.message.starts_with("電話番号が 2 つ (")
                        && p.expected
                            .as_deref()
                            .is_some_and(|e| e.contains("一つだけ"))),
                "{raw}: {:?}",
                c.problems
            );
        }
        // One number with a slash in it is not two.
        let c = check_phone("03/1234/5678");
        assert!(
            !c.problems.iter().any(|p| p.message.contains("2 つ")),
            "{:?}",
            c.problems
        );
    }

    #[test]
    fn two_addresses_in_one_cell_are_told_to_be_one() {
        // メール12: 「info@example.jp; sub@example.jp」 was told 「空白が含まれています」
        // and 「@ が 2 個あります」, not that it holds two addresses of which
        // the portal account has one.
        for raw in [
            "info@example.jp; sub@example.jp",
            "info@example.jp/sub@example.jp",
            "info@example.jp　sub@example.jp",
            "info@example.jp、sub@example.jp",
        ] {
            let c = check_email(raw);
            assert!(c.value.is_none(), "{raw}");
            assert!(
                c.errors().any(|p| p
                    .message
                    .starts_with("メールアドレスが 2 つ (info@example.jp と sub@example.jp)")
                    && p.expected
                        .as_deref()
                        .is_some_and(|e| e.contains("一つだけ"))),
                "{raw}: {:?}",
                c.problems
            );
        }
        // One address with two @ is still that.
        let c = check_email("info@@example.jp");
        assert!(
            c.errors().any(|p| p.message.contains("@ が 2 個")),
            "{:?}",
            c.problems
        );
    }

    #[test]
    fn an_excel_serial_is_named_as_the_date_it_may_be_never_read_as_it() {
        // 日付シリアル歯科: a list exported from Excel with 設置日 46407 and
        // 利用開始予定年月 46388 was told only 「'46407' に月と日がありません」:
        // nothing said what the number was or how to fix the list.
        let c = check_date("46407");
        assert!(c.value.is_none());
        assert!(
            c.errors().any(|p| p.message.contains("シリアル値")
                && p.message.contains("2027年1月20日")
                && p.message.contains("セルの書式を日付に")),
            "{:?}",
            c.problems
        );
        let c = check_year_month("46388");
        assert!(c.value.is_none());
        assert!(
            c.errors().any(|p| p
                .message
                .contains("(シリアル値) なら 2027年1月 (2027年1月1日) です。セルの書式を日付にして保存し直すか、年と月を書いてください")),
            "{:?}",
            c.problems
        );
        // A year alone, or a number that is no date of these lists, is not.
        for raw in ["2026", "12345", "99999", "462"] {
            let c = check_date(raw);
            assert!(
                !c.problems.iter().any(|p| p.message.contains("シリアル値")),
                "{raw}: {:?}",
                c.problems
            );
        }
    }

    #[test]
    fn weekday_and_month_lengths() {
        assert_eq!(weekday(2026, 12, 10), 4); // Thursday
        assert_eq!(weekday(2019, 5, 1), 3); // Wednesday
        assert_eq!(weekday(2000, 1, 1), 6); // Saturday
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2026, 11), 30);
    }

    /// An IP address is read exactly or refused with why: a device given
    /// 「192.168.1.300」 or 「192.168.01.5」 (octal on some) would not work.
    #[test]
    fn ip_addresses_are_read_or_refused_with_why() {
        assert_eq!(
            check_ip_address(" 192.168.10.50 ").value.as_deref(),
            Some("192.168.10.50")
        );
        let c = check_ip_address("１９２．１６８．１０．５０");
        assert_eq!(c.value.as_deref(), Some("192.168.10.50"));
        assert!(c.problems.iter().all(|p| p.tidy), "{:?}", c.problems);
        for (raw, why) in [
            ("192.168.1.300", "0〜255"),
            ("192.168.01.5", "先頭に0"),
            ("192.168.1", "3つです"),
            ("192.168.1.2 192.168.1.3", "二つ以上"),
            ("ルーターの裏", "1つです"),
        ] {
            let c = check_ip_address(raw);
            assert!(c.value.is_none(), "{raw}");
            assert!(
                c.errors()
                    .any(|p| p.message.contains(why)
                        && p.message.contains("IPアドレスとして読めません")),
                "{raw}: {:?}",
                c.problems
            );
        }
    }
}
