//! Derived facts: values computed per clinic from its fields and the
//! content's constants, declared in content (`content/facts.yaml` or a
//! manual's `facts:`), never in Rust.
//!
//! Each derived fact has a name, a label, an optional unit and one function
//! from a small closed set ([`Function`]). The load stage checks names,
//! constants, types and cycles and orders the declarations so that each one
//! comes after the facts it reads; evaluation runs them in that order.

use super::SourcePos;
use super::clinic::FieldKind;
use super::manual::Content;
use super::rule::Condition;
use serde::Serialize;

/// The type of a fact's value: what a function accepts and returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// Free text (names, codes, choices).
    Text,
    /// A whole or decimal number.
    Number,
    /// A calendar date (ISO `2026-12-10`).
    Date,
    /// A year and month (`2026-12`).
    YearMonth,
    /// Yes or no (`true` / `false`, shown as はい / いいえ).
    YesNo,
    /// A list of names.
    List,
}

impl FactType {
    /// The type of a clinic field of `kind`.
    pub fn of_field(kind: FieldKind) -> Self {
        match kind {
            FieldKind::Integer => Self::Number,
            FieldKind::Date => Self::Date,
            FieldKind::YearMonth => Self::YearMonth,
            FieldKind::List => Self::List,
            _ => Self::Text,
        }
    }

    /// How the type is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::YearMonth => "year-month",
            Self::YesNo => "yes/no",
            Self::List => "list",
        }
    }
}

/// A number written in content: constants (by name) and literals, summed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Amount {
    /// The sum, resolved from `constants.yaml` at load.
    pub value: f64,
    /// As written (`notice_mail_days + safety_margin_days`), for people.
    pub written: String,
}

/// The closed set of functions a derived fact may use.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "function", rename_all = "snake_case")]
pub enum Function {
    /// The day the guide is made (`--today`).
    Today,
    /// How many items a list has (0 when the clinic has none).
    Count {
        /// A list fact.
        list: String,
    },
    /// How many different items a list has (items that differ only in
    /// surrounding spaces count once).
    CountDistinct {
        /// A list fact.
        list: String,
    },
    /// The items of a list less those of another, one for one (an item
    /// named twice in `remove` takes away two); items compared as
    /// `CountDistinct` compares them. A `remove` the clinic does not have
    /// takes nothing away; absent when `list` is.
    Without {
        /// A list fact.
        list: String,
        /// A list fact: the items to leave out.
        remove: String,
    },
    /// For each item of `list`, how many items of `among` have its name
    /// (names compared as `CountDistinct` compares them): a list of
    /// numbers in `list`'s order, read per item as `each.<name>` (2 for
    /// each of two terminals named 「受付」). Absent when `list` is; an
    /// `among` the clinic does not have counts 0.
    Occurrences {
        /// A list fact: the items counted.
        list: String,
        /// A list fact: where they are counted.
        among: String,
    },
    /// A number times a constant.
    Times {
        /// A number fact.
        fact: String,
        /// The factor.
        by: Amount,
    },
    /// A date moved by months, calendar days and business days (土日祝を除く),
    /// in that order; `minus` moves back.
    DateShift {
        /// A date fact.
        date: String,
        /// Months.
        months: Amount,
        /// Calendar days.
        days: Amount,
        /// Business days (weekends and Japanese public holidays skipped).
        business_days: Amount,
        /// Move backwards.
        minus: bool,
        /// Days closed besides weekends and holidays (`skip:`, the
        /// constants' `closed_days`): business days skip them too, and with
        /// `extend` the calendar days also reach over them.
        skip: Vec<ClosedPeriod>,
        /// `extend: true`: the calendar days are lengthened by one for each
        /// weekday in their span that is a holiday or skipped (a week of
        /// post counted from an office that is closed some of its days).
        extend: bool,
    },
    /// The weekdays from one date (exclusive) to another (inclusive) that are
    /// public holidays or in a `skip`ped period: what a count of business
    /// days left out, or an `extend`ed span reached over. A list of dates,
    /// absent when there is none.
    ClosedBetween {
        /// The first date (not itself listed).
        from: String,
        /// The last date.
        to: String,
        /// Closed periods besides the holidays.
        skip: Vec<ClosedPeriod>,
    },
    /// The last day of a period of months that starts on a date (民法
    /// 第143条): the day before the same day of the month `months` on, or
    /// that month's last day when it has no such day.
    PeriodEnd {
        /// A date fact: the period's first day.
        date: String,
        /// Months.
        months: Amount,
    },
    /// Calendar days from one date (or month's first day) to another.
    DaysBetween {
        /// Start (date or year-month).
        from: String,
        /// End (date or year-month).
        to: String,
    },
    /// The year and month of a date, optionally some months later.
    MonthOf {
        /// A date fact.
        date: String,
        /// Months to add.
        months: Amount,
    },
    /// Whether a condition holds (yes/no).
    Test {
        /// The condition.
        condition: Condition,
    },
    /// The name of a choice (its option's label), a prefecture or a 点数表,
    /// without its number.
    LabelOf {
        /// A choice, prefecture or fee_schedule field.
        fact: String,
    },
    /// The shown texts of the present facts, joined; absent when none is.
    Join {
        /// Facts in order.
        facts: Vec<String>,
        /// Put between two texts.
        with: String,
    },
    /// The values of the facts run together; absent unless all are present.
    Concat {
        /// Facts in order.
        facts: Vec<String>,
    },
    /// The first of the facts that is present.
    First {
        /// Candidates in order.
        facts: Vec<String>,
    },
    /// The option of a choice field that a table in content pairs with a
    /// fact's value (the 分類 that a 点数表 makes); absent when the table
    /// has no row for the value.
    Map {
        /// The fact looked up.
        fact: String,
        /// The choice field whose option is the result (shown by its label).
        to: String,
        /// Pairs of a value of `fact` and an option value of `to`.
        values: Vec<(String, String)>,
    },
    /// The letters of a customer_id (`CAF`).
    IdKind {
        /// A customer_id field.
        fact: String,
    },
    /// The digits of a customer_id (`1253000113`).
    IdNumber {
        /// A customer_id field.
        fact: String,
    },
}

impl Function {
    /// The facts this function reads (its dependencies).
    pub fn inputs(&self) -> Vec<&str> {
        match self {
            Self::Today => Vec::new(),
            Self::Count { list: f }
            | Self::CountDistinct { list: f }
            | Self::Times { fact: f, .. }
            | Self::DateShift { date: f, .. }
            | Self::PeriodEnd { date: f, .. }
            | Self::MonthOf { date: f, .. }
            | Self::LabelOf { fact: f }
            | Self::Map { fact: f, .. }
            | Self::IdKind { fact: f }
            | Self::IdNumber { fact: f } => vec![f.as_str()],
            Self::Without { list, remove }
            | Self::Occurrences {
                list,
                among: remove,
            } => vec![list.as_str(), remove.as_str()],
            Self::DaysBetween { from, to } | Self::ClosedBetween { from, to, .. } => {
                vec![from.as_str(), to.as_str()]
            }
            Self::Test { condition } => condition_facts(condition),
            Self::Join { facts, .. } | Self::Concat { facts } | Self::First { facts } => {
                facts.iter().map(String::as_str).collect()
            }
        }
    }
}

/// Days a counting of business days also skips, besides weekends and public
/// holidays: a period of the year by month and day (`closed_days:` in
/// `content/constants.yaml`, 年末年始 12-29 to 01-03), ending in the next
/// year when `to` comes before `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedPeriod {
    /// Its name, as `skip:` names it.
    pub name: String,
    /// First day (month, day).
    pub from: (i8, i8),
    /// Last day (month, day), inclusive.
    pub to: (i8, i8),
}

impl ClosedPeriod {
    /// Whether `d` falls in the period.
    pub fn contains(&self, d: jiff::civil::Date) -> bool {
        let md = (d.month(), d.day());
        if self.from <= self.to {
            self.from <= md && md <= self.to
        } else {
            md >= self.from || md <= self.to
        }
    }
}

/// One derived fact as declared in content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DerivedFact {
    /// Its name, used in `{{ }}`, conditions and `field:`.
    pub name: String,
    /// Its human name (the 〈label〉 on the help site).
    pub label: String,
    /// Unit shown by `{{ name | unit }}` (`枚`, `円`, `日`).
    pub unit: Option<String>,
    /// The unit after the number 1, when the language says it otherwise
    /// (`unit: " readers"`, `unit_one: " reader"`).
    pub unit_one: Option<String>,
    /// The type of its value.
    pub kind: FactType,
    /// How it is computed.
    pub function: Function,
    /// Computed only when this holds (else absent).
    pub when: Option<Condition>,
    /// Where it was declared.
    #[serde(skip)]
    pub pos: SourcePos,
}

impl DerivedFact {
    /// The type of the items of a derived list: dates for the weekdays
    /// `closed_between` lists and for a list of dates moved item by item;
    /// `None` for a fact that is not a list.
    pub fn item_type(&self) -> Option<FactType> {
        (self.kind == FactType::List).then_some(match self.function {
            Function::ClosedBetween { .. } | Function::DateShift { .. } => FactType::Date,
            Function::Occurrences { .. } => FactType::Number,
            _ => FactType::Text,
        })
    }
}

/// Facts every guide has without declaring them: `today`'s companions inside
/// a repetition. Their labels come from the theme's strings.
pub const BUILT_IN: &[(&str, FactType, &str)] = &[
    ("each.item", FactType::Text, "fact_each_item"),
    ("each.number", FactType::Number, "fact_each_number"),
    ("each.count", FactType::Number, "fact_each_count"),
];

/// A `{{ }}` placeholder's reference: a fact path and the filter written
/// after `|`, if any (`{{ certificates | unit }}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactRef<'a> {
    /// The fact's path.
    pub path: &'a str,
    /// `| unit` was written: the value with its fact's unit (「2枚」).
    pub unit: bool,
    /// `| as_written`: a choice as shown, with the data's own words for it
    /// when they are not the option's (「ドコモ光（光コラボレーション…）」).
    pub as_written: bool,
    /// `| days_left`: a number of days from today in words (「今日」, 「明日」,
    /// 「あと3日」, the theme's `days_left_*`).
    pub days_left: bool,
    /// A filter other than these (an error at load).
    pub unknown_filter: Option<&'a str>,
}

/// The filters a placeholder may name.
pub const FILTERS: &[&str] = &["unit", "as_written", "days_left"];

impl<'a> FactRef<'a> {
    /// Reads `path` or `path | filter` (spaces optional).
    pub fn parse(expr: &'a str) -> Self {
        let (path, filter) = match expr.split_once('|') {
            None => (expr.trim(), None),
            Some((p, f)) => (p.trim(), Some(f.trim())),
        };
        Self {
            path,
            unit: filter == Some("unit"),
            as_written: filter == Some("as_written"),
            days_left: filter == Some("days_left"),
            unknown_filter: filter.filter(|f| !FILTERS.contains(f)),
        }
    }
}

/// Every fact a condition reads, including `{{ fact }}` compared values.
pub fn condition_facts(c: &Condition) -> Vec<&str> {
    let mut out = Vec::new();
    collect_condition_facts(c, &mut out);
    out
}

fn collect_condition_facts<'a>(c: &'a Condition, out: &mut Vec<&'a str>) {
    match c {
        Condition::Always => {}
        Condition::All { of } | Condition::Any { of } => {
            for x in of {
                collect_condition_facts(x, out);
            }
        }
        Condition::Not { of } | Condition::Said { of, .. } => collect_condition_facts(of, out),
        Condition::Present { fact }
        | Condition::Absent { fact }
        | Condition::Invalid { fact }
        | Condition::Contains { fact, .. }
        | Condition::In { fact, .. } => out.push(fact),
        Condition::Compare { fact, value, .. }
        | Condition::Count {
            list: fact, value, ..
        } => {
            out.push(fact);
            if let Some(other) = super::rule::fact_ref(value) {
                out.push(other);
            }
        }
    }
}

/// The `{{ }}` references in a one-line text (titles, callouts).
pub fn line_placeholders(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push(rest[start + 2..start + 2 + len].trim());
        rest = &rest[start + 4 + len..];
    }
    out
}

impl Content {
    /// The declared derived fact `name`.
    pub fn derived(&self, name: &str) -> Option<&DerivedFact> {
        self.derived.iter().find(|d| d.name == name)
    }

    /// The human name of any fact a guide may show: a field of fields.yaml, a
    /// declared derived fact, a built-in (`each.item` …) or a date a manual
    /// lists. `path` may carry `| unit`. `None` when content names it nowhere.
    pub fn fact_label(&self, path: &str) -> Option<&str> {
        let path = FactRef::parse(path).path;
        if let Some(f) = self.fields.get(path) {
            return Some(&f.label);
        }
        if let Some(d) = self.derived(path) {
            return Some(&d.label);
        }
        if let Some((_, _, key)) = BUILT_IN.iter().find(|(p, _, _)| *p == path) {
            return Some(self.strings.get(key));
        }
        if let Some(list) = self.paired_list(path) {
            return self.fact_label(list);
        }
        self.manuals
            .iter()
            .flat_map(|m| m.dates.iter())
            .find(|d| d.fact == path)
            .map(|d| d.label.as_str())
    }

    /// The unit of a fact (`枚` for `certificates`), when it has one.
    pub fn fact_unit(&self, path: &str) -> Option<&str> {
        let path = FactRef::parse(path).path;
        if let Some(f) = self.fields.get(path) {
            return f.unit.as_deref();
        }
        self.derived(path).and_then(|d| d.unit.as_deref())
    }

    /// The type of a fact's value, when the fact is known.
    pub fn fact_type(&self, path: &str) -> Option<FactType> {
        let path = FactRef::parse(path).path;
        if let Some(f) = self.fields.get(path) {
            return Some(FactType::of_field(f.kind));
        }
        if let Some(d) = self.derived(path) {
            return Some(d.kind);
        }
        if let Some(list) = self.paired_list(path) {
            // The item of a list at the repetition's number: a date of a
            // list of dates compares and moves as a date.
            return Some(self.item_type(list).unwrap_or(FactType::Text));
        }
        BUILT_IN
            .iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, t, _)| *t)
    }

    /// The type of the items of a list fact: a field's `items:` kind (a
    /// choice's item is its value, text), a derived list's items; `None`
    /// when `path` is no list.
    pub fn item_type(&self, path: &str) -> Option<FactType> {
        let path = FactRef::parse(path).path;
        if let Some(f) = self.fields.get(path) {
            return (f.kind == FieldKind::List)
                .then(|| f.items.map_or(FactType::Text, FactType::of_field));
        }
        self.derived(path).and_then(DerivedFact::item_type)
    }

    /// The list whose item `path` names inside a repetition: `each.<list>`
    /// is the item of another list at the repetition's number (in a part
    /// repeated over `install.rooms`, `each.network.reader_ips` is the
    /// address of that room), absent when that list is shorter.
    pub fn paired_list<'p>(&self, path: &'p str) -> Option<&'p str> {
        let list = path.strip_prefix("each.")?;
        (self.fact_type(list) == Some(FactType::List)).then_some(list)
    }

    /// Whether a checkbox bound to `path` is ticked by `value`: an option of
    /// the choice field that says `checked: true`, or a yes/no fact that is yes.
    pub fn ticks(&self, path: &str, value: &str) -> bool {
        if let Some(f) = self.fields.get(path) {
            return f.checked.iter().any(|v| v == value);
        }
        self.fact_type(path) == Some(FactType::YesNo) && value == "true"
    }

    /// Whether `value` leaves a checkbox bound to `path` empty as a settled
    /// answer (「チェックを入れない」), not one the clinic cannot tick yet:
    /// an option that says `checked: false`, or a yes/no fact that is no.
    pub fn leaves_unticked(&self, path: &str, value: &str) -> bool {
        if let Some(f) = self.fields.get(path) {
            return f.unchecked.iter().any(|v| v == value);
        }
        self.fact_type(path) == Some(FactType::YesNo) && value == "false"
    }

    /// Whether the registration table shows the field `path`: only fields the
    /// manuals (and rules) use, directly or through a derived fact.
    pub fn shows_field(&self, path: &str) -> bool {
        self.used_fields.as_ref().is_none_or(|u| u.contains(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_reads_its_unit_filter() {
        let r = FactRef::parse("certificates | unit");
        assert_eq!(
            (r.path, r.unit, r.unknown_filter),
            ("certificates", true, None)
        );
        let r = FactRef::parse("certificates");
        assert_eq!((r.path, r.unit), ("certificates", false));
        let r = FactRef::parse("certificates|upper");
        assert_eq!(r.unknown_filter, Some("upper"));
        let r = FactRef::parse("line.carrier | as_written");
        assert_eq!(
            (r.path, r.as_written, r.unit, r.unknown_filter),
            ("line.carrier", true, false, None)
        );
        let r = FactRef::parse("days_until_installation|days_left");
        assert_eq!((r.days_left, r.unknown_filter), (true, None));
    }

    #[test]
    fn a_condition_names_the_facts_it_reads() {
        let c = Condition::All {
            of: vec![
                Condition::Present { fact: "a".into() },
                Condition::Compare {
                    fact: "b".into(),
                    op: crate::model::rule::Op::Lt,
                    value: "{{ c }}".into(),
                },
            ],
        };
        assert_eq!(condition_facts(&c), vec!["a", "b", "c"]);
    }

    #[test]
    fn line_placeholders_are_found_in_titles() {
        assert_eq!(
            line_placeholders("電子証明書は {{ certificates | unit }}（{{fee}}）"),
            vec!["certificates | unit", "fee"]
        );
    }
}
