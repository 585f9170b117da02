//! Contact details and calendar values: Japanese telephone numbers, e-mail
//! addresses, year-months (利用開始予定年月) and dates, including 和暦
//! (令和, 平成). No I/O happens here.
//!
//! Every message is worded by the theme's strings (`data_phone_*`,
//! `data_email_*`, `data_date_*`, `data_year_month_*`, `data_ip_*`).

use super::normalize::{Tidy, describe_chars, is_dash_like, quote};
use super::{Checked, Problem};
use crate::model::strings::Strings;

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

    /// Names the kind for messages in the words of `t`
    /// (`data_phone_kind_*`), e.g. `0120 のフリーダイヤル`.
    fn describe(self, digits: &str, t: &Strings) -> String {
        let head = |n: usize| digits.chars().take(n).collect::<String>();
        match self {
            PhoneKind::FreeDial => t.get("data_phone_kind_free_dial").to_string(),
            PhoneKind::FreeDial0800 => t.get("data_phone_kind_free_dial_0800").to_string(),
            PhoneKind::Special => t.fill("data_phone_kind_special", &[("head", &head(4))]),
            PhoneKind::Mobile => t.fill("data_phone_kind_mobile", &[("head", &head(3))]),
            PhoneKind::Fixed => t.get("data_phone_kind_fixed").to_string(),
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
    check_phone_in(raw, Strings::builtin())
}

/// [`check_phone`] with its problems in the words of `t` (`data_phone_*`;
/// several numbers in one value: `data_phones`, `data_phones_expected`,
/// which one the manual needs).
pub fn check_phone_in(raw: &str, t: &Strings) -> Checked<String> {
    let expected = t.get("data_phone_expected");
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    if text.is_empty() {
        problems.push(Problem::error(t.get("data_phone_empty")).with_expected(expected));
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
                tidy.note(t.get("data_phone_tidy_country_code"));
            }
            None => {
                problems.push(
                    Problem::error(t.fill("data_phone_foreign", &[("value", &quote(&text))]))
                        .with_expected(expected),
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
            Problem::error(t.fill(
                "data_phone_bad_chars",
                &[("chars", &describe_chars(bad, t))],
            ))
            .with_expected(expected),
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
        problems.push(Problem::error(t.get("data_phone_no_digits")).with_expected(expected));
        return Checked::from_parts(None, problems);
    }
    let n = digits.len();

    if !digits.starts_with('0') {
        // 9 or 10 digits: a spreadsheet may have dropped the leading 0.
        let key = if n == 9 || n == 10 {
            "data_phone_no_zero_lost"
        } else {
            "data_phone_no_zero"
        };
        let message = t.fill(key, &[("value", &quote(&text))]);
        problems.push(Problem::error(message).with_expected(expected));
        return Checked::from_parts(None, problems);
    }
    if digits.starts_with("00") {
        problems.push(
            Problem::error(t.fill("data_phone_double_zero", &[("value", &quote(&text))]))
                .with_expected(expected),
        );
        return Checked::from_parts(None, problems);
    }

    let kind = PhoneKind::of(&digits);
    if n != kind.length() {
        problems.push(
            Problem::error(t.fill(
                "data_phone_length",
                &[
                    ("n", &n.to_string()),
                    ("kind", &kind.describe(&digits, t)),
                    ("length", &kind.length().to_string()),
                ],
            ))
            .with_expected(expected),
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
                tidy.note(t.get("data_phone_tidy_hyphens"));
            }
            joined
        } else if let Some(g) = kind.grouping() {
            let regrouped = regroup(&digits, g);
            tidy.note(t.fill("data_phone_tidy_regrouped", &[("shape", &shape_of(g))]));
            regrouped
        } else {
            tidy.note(t.get("data_phone_tidy_ungrouped"));
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
    check_email_in(raw, Strings::builtin())
}

/// [`check_email`] with its problems in the words of `t` (`data_email_*`;
/// several addresses in one value: `data_emails`, `data_emails_expected`).
pub fn check_email_in(raw: &str, t: &Strings) -> Checked<String> {
    let expected = t.get("data_email_expected");
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let mut address = text;
    if address.contains(['。', '｡']) {
        address = address.replace(['。', '｡'], ".");
        tidy.note(t.get("data_email_tidy_dot"));
    }
    if let Some(rest) = strip_prefix_ignore_case(&address, "mailto:") {
        address = rest.trim().to_string();
        tidy.note(t.get("data_email_tidy_mailto"));
    }
    tidy.report(&address, &mut problems);

    if address.is_empty() {
        problems.push(Problem::error(t.get("data_email_empty")).with_expected(expected));
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
        errors.push(t.get("data_email_space").to_string());
    }
    let non_ascii: Vec<char> = address.chars().filter(|c| !c.is_ascii()).collect();
    if !non_ascii.is_empty() {
        errors.push(t.fill(
            "data_email_non_ascii",
            &[("chars", &describe_chars(non_ascii, t))],
        ));
    }

    let at_count = address.matches('@').count();
    match at_count {
        0 => errors.push(t.get("data_email_no_at").to_string()),
        1 => {}
        n => errors.push(t.fill("data_email_many_at", &[("n", &n.to_string())])),
    }

    if at_count == 1 {
        let (local, domain) = address.split_once('@').unwrap_or((address.as_str(), ""));
        if local.is_empty() {
            errors.push(t.get("data_email_no_local").to_string());
        }
        let bad_local: Vec<char> = local
            .chars()
            .filter(|c| c.is_ascii() && (c.is_ascii_control() || "()<>[]\\,;:\"".contains(*c)))
            .collect();
        if !bad_local.is_empty() {
            errors.push(t.fill(
                "data_email_bad_local",
                &[("chars", &describe_chars(bad_local, t))],
            ));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            problems.push(Problem::warning(
                t.fill("data_email_local_dots", &[("value", &quote(&address))]),
            ));
        }
        errors.extend(domain_errors(domain, t));
        if errors.is_empty()
            && let Some(hint) = domain_typo(domain)
        {
            problems.push(Problem::warning(t.fill(
                "data_email_typo",
                &[("domain", &quote(domain)), ("hint", &quote(&hint))],
            )));
        }
    }

    for e in errors {
        problems.push(
            Problem::error(t.fill(
                "data_email_error",
                &[("value", &quote(&address)), ("why", &e)],
            ))
            .with_expected(expected),
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

/// What is wrong with the domain part, as message tails (the `{why}` of
/// `data_email_error`) in the words of `t`.
fn domain_errors(domain: &str, t: &Strings) -> Vec<String> {
    let mut errors = Vec::new();
    if domain.is_empty() {
        errors.push(t.get("data_email_no_domain").to_string());
        return errors;
    }
    let shown = quote(domain);
    if !domain.contains('.') {
        errors.push(t.fill("data_email_domain_no_dot", &[("domain", &shown)]));
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        errors.push(t.fill("data_email_domain_dots", &[("domain", &shown)]));
    }
    let bad: Vec<char> = domain
        .chars()
        .filter(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
        .collect();
    if !bad.is_empty() {
        errors.push(t.fill(
            "data_email_domain_bad_chars",
            &[("chars", &describe_chars(bad, t))],
        ));
    }
    if domain
        .split('.')
        .any(|label| label.starts_with('-') || label.ends_with('-'))
    {
        errors.push(t.get("data_email_domain_hyphen").to_string());
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
    /// The era's name in messages, in the words of `t` (`data_era_*`),
    /// e.g. `令和`.
    fn name(self, t: &Strings) -> &str {
        match self {
            Era::Reiwa => t.get("data_era_reiwa"),
            Era::Heisei => t.get("data_era_heisei"),
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

/// Weekday names as written in a date (read, never printed), 0 = Sunday.
const WEEKDAYS: [char; 7] = ['日', '月', '火', '水', '木', '金', '土'];

/// The keys of the weekday names printed in messages, 0 = Sunday.
const WEEKDAY_KEYS: [&str; 7] = [
    "data_weekday_sun",
    "data_weekday_mon",
    "data_weekday_tue",
    "data_weekday_wed",
    "data_weekday_thu",
    "data_weekday_fri",
    "data_weekday_sat",
];

/// How the messages of a date or a year-month word it.
#[derive(Clone, Copy)]
struct DateWords<'t> {
    /// The theme's strings.
    t: &'t Strings,
    /// What the value is (`data_date_what`, `data_year_month_what`).
    what: &'t str,
    /// The expected form (`data_date_expected`, `data_year_month_expected`).
    expected: &'t str,
}

impl DateWords<'_> {
    /// An error filled from `key` with `{what}`, `{value}` (the quoted
    /// `shown`) and `values`, with the expected form.
    fn error(self, key: &str, shown: &str, values: &[(&str, &str)]) -> Problem {
        let value = quote(shown);
        let mut all: Vec<(&str, &str)> = vec![("what", self.what), ("value", &value)];
        all.extend_from_slice(values);
        Problem::error(self.t.fill(key, &all)).with_expected(self.expected)
    }

    /// A day written in messages (`data_date_ymd`: `{year}`, `{month}`,
    /// `{day}`, and `{mm}`, `{dd}` with two digits).
    fn ymd(self, (year, month, day): Ymd) -> String {
        self.t.fill(
            "data_date_ymd",
            &[
                ("year", &year.to_string()),
                ("month", &month.to_string()),
                ("day", &day.to_string()),
                ("mm", &format!("{month:02}")),
                ("dd", &format!("{day:02}")),
            ],
        )
    }

    /// A year-month written in messages (`data_date_ym`: `{year}`,
    /// `{month}`, and `{mm}` with two digits).
    fn ym(self, year: i32, month: u8) -> String {
        self.t.fill(
            "data_date_ym",
            &[
                ("year", &year.to_string()),
                ("month", &month.to_string()),
                ("mm", &format!("{month:02}")),
            ],
        )
    }
}

/// Splits a raw date or year-month into era and numbers, reporting tidying
/// and shape errors onto `problems` in the words of `w`.
fn split_date(raw: &str, w: DateWords, problems: &mut Vec<Problem>) -> Option<DateText> {
    let (text, tidy) = Tidy::start(raw, w.t);
    tidy.report(&text, problems);
    let fail = |problems: &mut Vec<Problem>, key: &str, values: &[(&str, &str)]| {
        problems.push(w.error(key, &text, values));
        None
    };
    if text.is_empty() {
        return fail(problems, "data_date_empty", &[]);
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
            "data_date_bad_chars",
            &[("chars", &describe_chars(bad, w.t))],
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
                return fail(problems, "data_date_unread", &[]);
            }
        }
    }
    if numbers.is_empty() {
        return fail(problems, "data_date_no_digits", &[]);
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
        return fail(problems, "data_date_mixed", &[]);
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
/// day and era bounds, in the words of `w`.
fn resolve(
    d: &DateText,
    day: Option<&str>,
    w: DateWords,
    problems: &mut Vec<Problem>,
) -> Option<(i32, u8, Option<u8>)> {
    let mut fail = |key: &str, values: &[(&str, &str)]| {
        problems.push(w.error(key, &d.shown, values));
    };
    let year_text = d.numbers.first()?;
    let month_text = d.numbers.get(1)?;

    let year = match (d.era, year_text.parse::<i32>()) {
        (None, Ok(y)) if year_text.len() == 4 => {
            if (1900..=2100).contains(&y) {
                Some(y)
            } else {
                fail("data_date_year_range", &[("year", &y.to_string())]);
                None
            }
        }
        (None, _) => {
            fail("data_date_year_digits", &[("year", &quote(year_text))]);
            None
        }
        (Some(era), Ok(y)) if year_text.len() <= 2 && y >= 1 => Some(era.offset() + y),
        (Some(era), _) => {
            fail(
                "data_date_era_year",
                &[("era", era.name(w.t)), ("year", &quote(year_text))],
            );
            None
        }
    };
    let month = match month_text.parse::<u8>() {
        Ok(m) if (1..=12).contains(&m) => Some(m),
        _ => {
            fail("data_date_month_range", &[("month", &quote(month_text))]);
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
                    fail(
                        "data_date_no_such_day",
                        &[
                            ("year", &year.to_string()),
                            ("month", &month.to_string()),
                            ("last", &last.to_string()),
                        ],
                    );
                    return None;
                }
                _ => {
                    fail("data_date_day_range", &[("day", &quote(text))]);
                    return None;
                }
            }
        }
    };

    if let Some(era) = d.era {
        let (first, last) = era.span();
        let (fy, fm, fd) = first;
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
            let from = w.ymd(first);
            match last {
                Some(last) => fail(
                    "data_date_era_span",
                    &[
                        ("era", era.name(w.t)),
                        ("from", &from),
                        ("to", &w.ymd(last)),
                    ],
                ),
                None => fail(
                    "data_date_era_span_open",
                    &[("era", era.name(w.t)), ("from", &from)],
                ),
            }
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

/// The date a lone five-digit number is when it is an Excel day serial (a
/// date cell exported as a number: 46407 is 2027-01-20), or nothing. Never
/// read as that date: the number may be anything else mistyped.
fn excel_serial(numbers: &[String]) -> Option<Ymd> {
    let [n] = numbers else {
        return None;
    };
    let serial = n.parse::<i64>().ok()?;
    // 2000-01-01 ..= 2099-12-31: the dates of these lists.
    if n.len() != 5 || !(36_526..=73_050).contains(&serial) {
        return None;
    }
    let base = jiff::civil::Date::constant(1899, 12, 30);
    let d = crate::eval::dates::checked_add_days(base, serial)?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    Some((i32::from(d.year()), month, day))
}

/// Checks a year and month such as 利用開始予定年月: `2026-12`, `2026/12`,
/// `2026.12`, `2026年12月`, `令和8年12月`, `R8.12`, `令和元年5月`, `202612`.
/// A full date (as spreadsheets turn `2026/12` into `2026/12/01`) is
/// accepted with a warning that the day was ignored.
pub fn check_year_month(raw: &str) -> Checked<(i32, u8)> {
    check_year_month_in(raw, Strings::builtin())
}

/// [`check_year_month`] with its problems in the words of `t`
/// (`data_year_month_*`, `data_date_*`).
pub fn check_year_month_in(raw: &str, t: &Strings) -> Checked<(i32, u8)> {
    let w = DateWords {
        t,
        what: t.get("data_year_month_what"),
        expected: t.get("data_year_month_expected"),
    };
    let mut problems = Vec::new();
    let Some(d) = split_date(raw, w, &mut problems) else {
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
        3 => problems.push(Problem::warning(t.fill(
            "data_year_month_day_ignored",
            &[("value", &quote(&d.shown))],
        ))),
        1 => {
            let problem = match excel_serial(&d.numbers) {
                Some((y, m, dd)) => w.error(
                    "data_year_month_no_month_serial",
                    &d.shown,
                    &[("year_month", &w.ym(y, m)), ("date", &w.ymd((y, m, dd)))],
                ),
                None => w.error("data_year_month_no_month", &d.shown, &[]),
            };
            problems.push(problem);
            return Checked::from_parts(None, problems);
        }
        _ => {
            problems.push(w.error("data_date_too_many", &d.shown, &[]));
            return Checked::from_parts(None, problems);
        }
    }
    let value = resolve(&d, None, w, &mut problems).map(|(y, m, _)| (y, m));
    Checked::from_parts(value, problems)
}

/// Checks a date: `2026-12-10`, `2026/12/10`, `2026.12.10`,
/// `2026年12月10日`, `令和8年12月10日`, `R8.12.10`, `20261210`, optionally
/// followed by a weekday in parentheses (`(木)`), which is checked.
/// Impossible dates (2月30日, 令和元年4月) are errors.
pub fn check_date(raw: &str) -> Checked<(i32, u8, u8)> {
    check_date_in(raw, Strings::builtin())
}

/// [`check_date`] with its problems in the words of `t` (`data_date_*`,
/// `data_weekday_*`).
pub fn check_date_in(raw: &str, t: &Strings) -> Checked<(i32, u8, u8)> {
    let w = DateWords {
        t,
        what: t.get("data_date_what"),
        expected: t.get("data_date_expected"),
    };
    let mut problems = Vec::new();
    let Some(d) = split_date(raw, w, &mut problems) else {
        return Checked::from_parts(None, problems);
    };
    let problem = match d.numbers.len() {
        3 => None,
        2 => Some(w.error("data_date_no_day", &d.shown, &[])),
        1 => Some(match excel_serial(&d.numbers) {
            Some(serial) => w.error(
                "data_date_no_month_day_serial",
                &d.shown,
                &[("date", &w.ymd(serial))],
            ),
            None => w.error("data_date_no_month_day", &d.shown, &[]),
        }),
        _ => Some(w.error("data_date_too_many", &d.shown, &[])),
    };
    if let Some(problem) = problem {
        problems.push(problem);
        return Checked::from_parts(None, problems);
    }
    let day_text = d.numbers.get(2).cloned().unwrap_or_default();
    let value = resolve(&d, Some(&day_text), w, &mut problems)
        .and_then(|(y, m, dd)| dd.map(|dd| (y, m, dd)));
    if let (Some((y, m, dd)), Some(written)) = (value, d.weekday) {
        let actual = weekday(y, m, dd);
        if actual != written {
            let name = |wd: u8| {
                WEEKDAY_KEYS
                    .get(usize::from(wd))
                    .map_or("?", |key| t.get(key))
            };
            problems.push(Problem::warning(t.fill(
                "data_date_weekday",
                &[
                    ("date", &w.ymd((y, m, dd))),
                    ("actual", name(actual)),
                    ("written", name(written)),
                ],
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
    check_ip_address_in(raw, Strings::builtin())
}

/// [`check_ip_address`] with its problems in the words of `t` (`data_ip_*`).
pub fn check_ip_address_in(raw: &str, t: &Strings) -> Checked<String> {
    let expected = t.get("data_ip_expected");
    let mut problems = Vec::new();
    let (text, mut tidy) = Tidy::start(raw, t);
    let mut text = text.trim().to_string();
    if text.contains(['。', '｡', '、']) {
        text = text.replace(['。', '｡', '、'], ".");
        tidy.note(t.get("data_ip_tidy_dots"));
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

    use crate::validate::test_words::{english, is_japanese};

    /// `text` without what is between single quotes: the clinic's value as
    /// [`quote`] and [`describe_chars`] show it.
    fn unquoted(text: &str) -> String {
        let mut inside = false;
        text.chars()
            .filter(|&c| {
                if c == '\'' {
                    inside = !inside;
                    return false;
                }
                !inside
            })
            .collect()
    }

    /// With an English theme every message and expected form of these
    /// checks is English: no Japanese outside the quoted clinic value, no
    /// `{placeholder}` left.
    #[test]
    fn an_english_theme_gets_english_messages() {
        let t = english();
        let mut problems: Vec<(String, Problem)> = Vec::new();
        let mut add = |raw: &str, found: Vec<Problem>| {
            assert!(!found.is_empty(), "{raw}: no problem");
            problems.extend(found.into_iter().map(|p| (raw.to_string(), p)));
        };
        for raw in [
            "",
            "+1 212 555 0100",
            "045-123-4567 内線12",
            "---",
            "45-123-4567",
            "4512345",
            "0045-123-4567",
            "0120-123-4567",
            "0800-123-456",
            "0570-123-4567",
            "090-1234-567",
            "045-123-456",
            "+81 45 123 4567",
            "090-12-345678",
            "0451-234-567",
            "03-1234-5678/03-1234-5679",
            "０４５－１２３－４５６７",
        ] {
            add(raw, check_phone_in(raw, &t).problems);
        }
        for raw in [
            "",
            "clinic@exa mple.jp",
            "クリニック@example.jp",
            "clinic.example.jp",
            "a@b@example.jp",
            "@example.jp",
            "cli,nic@example.jp",
            "clinic@",
            "clinic@example",
            "clinic@example..jp",
            "clinic@exam_ple.jp",
            "clinic@-example.jp",
            "taro..yamada.@docomo.ne.jp",
            "clinic@gmial.com",
            "clinic@example。jp",
            "mailto:clinic@example.jp",
            "a@example.jp; b@example.jp",
        ] {
            add(raw, check_email_in(raw, &t).problems);
        }
        for raw in [
            "",
            "192。168。1。2",
            "192.168.1.300",
            "192.168.1",
            "192.168.1.2 192.168.1.3",
        ] {
            add(raw, check_ip_address_in(raw, &t).problems);
        }
        for raw in [
            "",
            "来年12月",
            "2026--12",
            "令和",
            "2026-12/01",
            "2026-12-01-01",
            "2026",
            "46388",
            "1800-01",
            "26/12",
            "令和0年5月",
            "2026-13",
            "令和元年4月",
            "平成32年1月",
            "2026/12/15",
        ] {
            add(raw, check_year_month_in(raw, &t).problems);
        }
        for raw in [
            "",
            "2026-12",
            "2026",
            "46407",
            "2026-02-30",
            "2026-12-32",
            "2026-12-10-1",
            "2026年12月10日(金)",
            "２０２６－１２－１０",
        ] {
            add(raw, check_date_in(raw, &t).problems);
        }
        for (raw, p) in &problems {
            for text in std::iter::once(&p.message).chain(p.expected.as_ref()) {
                let bare = unquoted(text);
                assert!(
                    !bare.chars().any(is_japanese),
                    "{raw}: Japanese in {text:?}"
                );
                assert!(!bare.contains('{'), "{raw}: a placeholder in {text:?}");
            }
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
