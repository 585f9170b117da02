//! Dates: Japanese era formatting and calendar arithmetic.
//!
//! All arithmetic here counts calendar days (暦日). The era table covers
//! 平成 and 令和, which is all a clinic application can involve.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// Parses `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Option<Date> {
    s.trim().parse::<Date>().ok()
}

/// Weekday in Japanese (月 … 日).
pub fn weekday_ja(d: Date) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][d.weekday().to_monday_zero_offset() as usize]
}

/// Japanese era year: (era name, year within era) — 令和 from 2019-05-01.
pub fn era(d: Date) -> (&'static str, i16) {
    let reiwa = Date::constant(2019, 5, 1);
    let heisei = Date::constant(1989, 1, 8);
    if d >= reiwa {
        ("令和", d.year() - 2018)
    } else if d >= heisei {
        ("平成", d.year() - 1988)
    } else {
        ("昭和", d.year() - 1925)
    }
}

/// `令和8年11月24日（火）`; the first year is written 元年.
pub fn wareki(d: Date) -> String {
    let (name, y) = era(d);
    let year = if y == 1 {
        "元".to_string()
    } else {
        y.to_string()
    };
    format!(
        "{name}{year}年{}月{}日（{}）",
        d.month(),
        d.day(),
        weekday_ja(d)
    )
}

/// `2026年11月24日（火）`.
pub fn western(d: Date) -> String {
    format!(
        "{}年{}月{}日（{}）",
        d.year(),
        d.month(),
        d.day(),
        weekday_ja(d)
    )
}

/// `令和8年12月` for a year and month.
pub fn wareki_month(year: i16, month: i8) -> String {
    match Date::new(year, month, 1) {
        Ok(d) => {
            let (name, y) = era(Date::new(year, month, 28).unwrap_or(d));
            let yy = if y == 1 {
                "元".to_string()
            } else {
                y.to_string()
            };
            format!("{name}{yy}年{month}月")
        }
        Err(_) => format!("{year}年{month}月"),
    }
}

/// `d` plus `days` calendar days (saturating at the calendar's ends).
pub fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// `d` plus `months` months, clamped to the month's last day.
pub fn add_months(d: Date, months: i64) -> Date {
    d.checked_add(months.months()).unwrap_or(d)
}

/// Calendar days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    // Date::until defaults to days as the largest unit.
    a.until(b)
        .map(|s: Span| i64::from(s.get_days()))
        .unwrap_or(0)
}

/// Today's date in Japan (UTC+9, no daylight saving).
pub fn today_jst() -> Date {
    let secs = jiff::Timestamp::now().as_second() + 9 * 3600;
    add_days(Date::constant(1970, 1, 1), secs.div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_formatting() {
        assert_eq!(
            wareki(Date::constant(2026, 11, 24)),
            "令和8年11月24日（火）"
        );
        assert_eq!(wareki(Date::constant(2019, 5, 1)), "令和元年5月1日（水）");
        assert_eq!(wareki(Date::constant(2019, 4, 30)), "平成31年4月30日（火）");
        assert_eq!(wareki_month(2026, 12), "令和8年12月");
    }

    #[test]
    fn arithmetic() {
        let d = Date::constant(2026, 11, 24);
        assert_eq!(add_days(d, 7), Date::constant(2026, 12, 1));
        assert_eq!(days_between(d, Date::constant(2026, 12, 10)), 16);
        assert_eq!(days_between(Date::constant(2026, 12, 10), d), -16);
        assert_eq!(
            add_months(Date::constant(2026, 11, 30), 39),
            Date::constant(2030, 2, 28)
        );
    }
}
