//! Facts: a clinic's validated values plus the values derived from them.
//!
//! Every field of the schema is checked by the validator of its kind; the
//! normalised value becomes a fact that rules and placeholders read. Problems
//! become located [`DataIssue`]s. Derived facts (dates, counts, fees) are
//! declared in content ([`crate::model::facts`]) and computed here from the
//! fields and content constants, never from numbers written in Rust.

use super::dates;
use super::guide::DataIssue;
use crate::model::clinic::{Clinic, FieldDef, FieldKind, RawValue};
use crate::model::facts::{FactRef, Function};
use crate::model::manual::{Content, ValueSource};
use crate::model::{Located, Severity, SourcePos};
use crate::validate::{self, Checked, Level};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// One fact: its value for comparisons and its text for people.
#[derive(Debug, Clone, PartialEq)]
pub struct FactValue {
    /// Normalised value (numbers as digits, dates ISO, choices their value).
    pub value: String,
    /// Text shown to people.
    pub display: String,
    /// Items of a list fact, as shown (「2026年11月20日（金）」, an option's label).
    pub items: Vec<String>,
    /// The items' normalised values where they differ from what is shown
    /// (dates ISO, an option's value: what conditions compare); empty when
    /// they are the items themselves.
    pub item_values: Vec<String>,
    /// The places (0-based, as written) of the items left out as not known
    /// yet (「未定」) or blank, in order: a list read beside another item by
    /// item keeps each item at its place (the third terminal's date stays
    /// the third terminal's when the second's is 未定).
    pub gaps: Vec<usize>,
    /// False when validation found an error.
    pub valid: bool,
    /// Unit shown by `{{ fact | unit }}` (derived facts that declare one).
    pub unit: Option<String>,
    /// A choice as the data wrote it, when those words are not the option's
    /// value nor part of its label (「ドコモ光」 read as 光コラボレーション):
    /// shown by `{{ fact | as_written }}`.
    pub written: Option<String>,
}

impl FactValue {
    /// A valid scalar fact.
    pub fn plain(value: impl Into<String>, display: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            display: display.into(),
            items: Vec::new(),
            item_values: Vec::new(),
            gaps: Vec::new(),
            valid: true,
            unit: None,
            written: None,
        }
    }

    /// The normalised value of item `i` (what a condition compares), or
    /// `None` past the end.
    pub fn item_value(&self, i: usize) -> Option<&str> {
        self.item_values
            .get(i)
            .or_else(|| self.items.get(i))
            .map(String::as_str)
    }

    /// Item `i` of a list as a single fact: its value and how it is shown.
    pub fn item(&self, i: usize) -> Option<FactValue> {
        let shown = self.items.get(i)?;
        Some(Self::plain(self.item_value(i)?, shown.clone()))
    }

    /// The place as written (0-based, counting the gaps) of item `i`.
    pub fn place(&self, i: usize) -> usize {
        let mut place = i;
        for g in &self.gaps {
            if *g <= place {
                place += 1;
            }
        }
        place
    }

    /// The item written at `place` (counting the gaps), `None` for a gap or
    /// past the end: what a list read beside another has at that item.
    pub fn item_at(&self, place: usize) -> Option<FactValue> {
        if self.gaps.contains(&place) {
            return None;
        }
        let before = self.gaps.iter().filter(|g| **g < place).count();
        self.item(place - before)
    }

    /// How many places the list has as written: its items and its gaps.
    pub fn places(&self) -> usize {
        self.items.len() + self.gaps.len()
    }
}

/// All facts of one clinic plus the issues found while building them.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Facts by path.
    pub map: BTreeMap<String, FactValue>,
    /// Paths whose raw value failed validation.
    pub invalid: Vec<String>,
    /// Problems in the data.
    pub issues: Vec<DataIssue>,
    /// Today (or the date given with `--today`).
    pub today: Option<Date>,
    /// The theme's words for the placeholders' filters.
    pub words: FilterWords,
}

/// The theme's words the `{{ }}` filters put around a value (strings.yaml):
/// `as_written` (`{value}`, `{written}`) and `days_left` (today, tomorrow,
/// `{n}` days).
#[derive(Debug, Clone, Default)]
pub struct FilterWords {
    /// A choice with the data's own words: `{written}（{value}）`.
    pub as_written: String,
    /// 0 days: 「今日」.
    pub today: String,
    /// 1 day: 「明日」.
    pub tomorrow: String,
    /// More: 「あと{n}日」.
    pub days: String,
    /// How dates, year-months and lists are written.
    pub dates: dates::DateWords,
    /// A yes/no derived fact (`test:`) shown: 「はい」, 「いいえ」.
    pub yes: String,
    pub no: String,
}

impl FilterWords {
    /// The words of `strings`.
    pub fn of(strings: &crate::model::strings::Strings) -> Self {
        Self {
            as_written: strings.get("fact_as_written").to_string(),
            today: strings.get("days_left_today").to_string(),
            tomorrow: strings.get("days_left_tomorrow").to_string(),
            days: strings.get("days_left").to_string(),
            dates: dates::DateWords::of(strings),
            yes: strings.get("fact_yes").to_string(),
            no: strings.get("fact_no").to_string(),
        }
    }

    /// `value` shown with the data's own words for it, if it has any apart.
    pub fn with_written(&self, v: &FactValue) -> String {
        match &v.written {
            Some(w) if !self.as_written.is_empty() => crate::model::strings::fill_in(
                &self.as_written,
                &[("value", &v.display), ("written", w)],
            ),
            _ => v.display.clone(),
        }
    }
}

impl Facts {
    /// The fact at `path`.
    pub fn get(&self, path: &str) -> Option<&FactValue> {
        self.map.get(path)
    }

    /// A date fact.
    pub fn date(&self, path: &str) -> Option<Date> {
        self.get(path).and_then(|f| dates::parse_iso(&f.value))
    }

    /// The date at `path`, or the earliest item of a list of dates there
    /// (the certificate that expires first), with how it is shown.
    pub fn earliest_date(&self, path: &str) -> Option<(Date, String)> {
        let f = self.get(path)?;
        if let Some(d) = dates::parse_iso(&f.value) {
            return Some((d, f.display.clone()));
        }
        (0..f.items.len())
            .filter_map(|i| Some((dates::parse_iso(f.item_value(i)?)?, f.items[i].clone())))
            .min_by_key(|(d, _)| *d)
    }

    /// The text a `{{ }}` placeholder shows: `path` alone, or `path | unit`
    /// with the fact's unit after its value.
    pub fn text(&self, expr: &str) -> Option<String> {
        let r = FactRef::parse(expr);
        let f = self.get(r.path)?;
        if r.as_written {
            return Some(self.words.with_written(f));
        }
        if r.days_left
            && let Ok(n) = f.value.parse::<i64>()
            && n >= 0
        {
            return Some(match n {
                0 => self.words.today.clone(),
                1 => self.words.tomorrow.clone(),
                _ => crate::model::strings::fill_in(&self.words.days, &[("n", &n.to_string())]),
            });
        }
        Some(match (&f.unit, r.unit) {
            (Some(u), true) => format!("{}{u}", f.display),
            _ => f.display.clone(),
        })
    }
}

/// Validates every field of `clinic` and computes the derived facts.
pub fn build(clinic: &Clinic, content: &Content, today: Date) -> Facts {
    let mut facts = Facts {
        today: Some(today),
        words: FilterWords::of(&content.strings),
        ..Facts::default()
    };
    // Prefecture and 点数表 first: the institution code check needs them.
    let mut pref: Option<u8> = None;
    let mut table: Option<u8> = None;
    let order = |f: &&FieldDef| match f.kind {
        FieldKind::Prefecture | FieldKind::FeeSchedule => 0,
        FieldKind::Choice => 1,
        _ => 2,
    };
    let mut fields: Vec<&FieldDef> = content.fields.fields.iter().collect();
    fields.sort_by_key(order);
    let schedules = fee_schedules(content);
    // A schema with neither a prefecture nor a 点数表 field has no other
    // place for the code's first three digits: its code field shows the
    // code as typed with them (the 10 digits), never the bare seven a
    // clinic would copy onto a form as its number.
    let whole_code = !content
        .fields
        .fields
        .iter()
        .any(|f| matches!(f.kind, FieldKind::Prefecture | FieldKind::FeeSchedule));
    for def in fields {
        // A key written with an empty text (`person: ""`) is as missing as an
        // absent one; an empty list (`terminals: []`) is a value.
        let written = clinic
            .values
            .get(&def.path)
            .filter(|v| !matches!(&v.value, RawValue::Text(t) if free_text(t).is_empty()));
        // A value that says only that it is not known yet (`未定`, `確認中`:
        // content's `undecided:` words) is as missing as a blank one, with a
        // warning: a handout told the clinic to type 「未定」 as its contact's
        // name. A field with options reads its own names first (`不明` is a
        // carrier, `なし` a v6 option not contracted).
        let mut undecided_word = None;
        let written = written.filter(|v| match &v.value {
            RawValue::Text(t)
                if def.kind != FieldKind::List
                    && content.fields.is_undecided(t)
                    && !names_an_option(def, t) =>
            {
                push_issue(&mut facts, def, &v.pos, undecided(t, &content.strings));
                undecided_word = Some(free_text(t));
                false
            }
            _ => true,
        });
        let Some(located) = written else {
            if def.required {
                let t = &content.strings;
                let mut place = clinic.missing(&def.path, &def.label, t);
                if let Some(word) = &undecided_word {
                    place.hint = t.fill(
                        "data_required_undecided",
                        &[("word", word), ("label", &def.label)],
                    );
                }
                facts.issues.push(DataIssue {
                    severity: Severity::Error,
                    field: def.path.clone(),
                    label: def.label.clone(),
                    message: t.fill(
                        "data_required",
                        &[
                            ("label", &def.label),
                            ("path", &def.path),
                            ("hint", &place.hint),
                        ],
                    ),
                    expected: (!def.help.is_empty()).then(|| def.help.clone()),
                    location: place.pos.to_string(),
                    tidy: false,
                });
                facts.invalid.push(def.path.clone());
            }
            continue;
        };
        let pos = &located.pos;
        // A list written in one text (a CSV cell 「受付、診察室」) is read item
        // by item like a list, so that each item is checked alike.
        let split;
        let value = match &located.value {
            RawValue::Text(raw) if def.kind == FieldKind::List => {
                split = RawValue::List(
                    list_items(raw)
                        .map(|t| Located::new(t, pos.clone()))
                        .collect(),
                );
                &split
            }
            v => v,
        };
        let fact = match value {
            RawValue::List(items) => {
                let mut names = Vec::new();
                let mut at = Vec::new();
                let mut gaps = Vec::new();
                for (place, it) in items.iter().enumerate() {
                    // Free names (terminals): typed on the portal as the
                    // clinic wrote them, full-width characters included.
                    let t = free_text(&it.value);
                    if content.fields.is_undecided(&t) {
                        push_issue(&mut facts, def, &it.pos, undecided(&t, &content.strings));
                        gaps.push(place);
                    } else if !t.is_empty() {
                        names.push(t);
                        at.push(&it.pos);
                    } else {
                        gaps.push(place);
                    }
                }
                // Gaps at the end hold no later item in place.
                while gaps
                    .last()
                    .is_some_and(|g| *g + 1 == names.len() + gaps.len())
                {
                    gaps.pop();
                }
                // Items of a kind (`items: ip_address`), each reported at
                // its own line; one refused, the list is not a value to type.
                let (problems, values) =
                    check_items(def, &mut names, &facts.words.dates, &content.strings);
                let bad = problems
                    .iter()
                    .any(|(_, p)| p.level == validate::Level::Error);
                for (n, p) in problems {
                    push_issue(&mut facts, def, at[n], p);
                }
                if bad {
                    facts.invalid.push(def.path.clone());
                    continue;
                }
                if def.kind != FieldKind::List {
                    push_issue(
                        &mut facts,
                        def,
                        pos,
                        validate::Problem::error(
                            content
                                .strings
                                .fill("data_not_a_list", &[("label", &def.label)]),
                        ),
                    );
                    continue;
                }
                FactValue {
                    value: names.len().to_string(),
                    display: facts.words.dates.join(&names),
                    items: names,
                    item_values: values,
                    gaps,
                    valid: true,
                    unit: None,
                    written: None,
                }
            }
            RawValue::Text(raw) => match check_scalar(
                def,
                raw,
                Code {
                    pref,
                    table,
                    whole: whole_code,
                },
                &schedules,
                // A carrier that is not one of its options says nothing
                // about whether the line uses an ID.
                def.carrier
                    .as_deref()
                    .and_then(|c| facts.map.get(c))
                    .filter(|f| f.valid)
                    .map(|f| (f.value.as_str(), f.display.as_str())),
                &facts.words.dates,
                &content.strings,
            ) {
                Some((checked, fv)) => {
                    let bad = checked.has_errors();
                    for p in checked.problems {
                        push_issue(&mut facts, def, pos, p);
                    }
                    if def.kind == FieldKind::Prefecture {
                        pref = fv.value.parse().ok();
                    }
                    if def.kind == FieldKind::FeeSchedule {
                        table = fv.value.parse().ok();
                    }
                    if bad {
                        facts.invalid.push(def.path.clone());
                        FactValue { valid: false, ..fv }
                    } else {
                        fv
                    }
                }
                None => continue,
            },
        };
        facts.map.insert(
            def.path.clone(),
            FactValue {
                unit: unit_for(&def.unit, &def.unit_one, &fact.value),
                ..fact
            },
        );
    }
    for r in &clinic.list_remarks {
        let label = content
            .fields
            .get(&r.field)
            .map_or_else(|| r.field.clone(), |d| d.label.clone());
        facts.issues.push(DataIssue {
            severity: Severity::Warning,
            field: r.field.clone(),
            message: format!("{label}: {}", r.message),
            label,
            expected: None,
            location: r.pos.to_string(),
            tidy: false,
        });
    }
    unequal_pairs(&mut facts, clinic, content);
    items_outside(&mut facts, clinic, content);
    derive(&mut facts, content, today);
    overfull_boxes(&mut facts, clinic, content);
    facts
}

/// A value longer than the boxes a form has for it (`boxes:` on a row bound
/// to it): a warning at the value, naming the boxes and what is past them.
/// The picture writes those characters after the last box, never drops them.
fn overfull_boxes(facts: &mut Facts, clinic: &Clinic, content: &Content) {
    let rows = content
        .manuals
        .iter()
        .flat_map(|m| m.parts.iter().flat_map(|p| p.steps.iter()))
        .flat_map(|s| s.screen.iter().chain(s.figure.iter()))
        .flat_map(|sc| sc.rows.iter());
    let mut told: Vec<&str> = Vec::new();
    for r in rows {
        let (Some(n), ValueSource::Field { path }) = (r.boxes, &r.value) else {
            continue;
        };
        let Some(f) = facts.get(path).filter(|f| f.valid) else {
            continue;
        };
        let len = f.display.chars().count();
        if len <= usize::from(n) || told.contains(&path.as_str()) {
            continue;
        }
        told.push(path);
        let label = content
            .fields
            .get(path)
            .map_or_else(|| r.label.clone(), |d| d.label.clone());
        let past: String = f.display.chars().skip(usize::from(n)).collect();
        let location = clinic
            .values
            .get(path)
            .map_or_else(|| clinic.source.to_string(), |v| v.pos.to_string());
        facts.issues.push(DataIssue {
            severity: Severity::Warning,
            field: path.clone(),
            label: label.clone(),
            message: content.strings.fill(
                "data_boxes",
                &[
                    ("label", &label),
                    ("value", &f.display),
                    ("len", &len.to_string()),
                    ("row", &r.label),
                    ("n", &n.to_string()),
                    ("past", &past),
                ],
            ),
            expected: None,
            location,
            tidy: false,
        });
    }
}

/// Lists a repetition pairs item by item (each room and its reader's
/// address) but of different lengths: a warning at the paired list, naming
/// the items without a partner. The guide is still made (a room past the
/// end has no address and says so), but the pairing may be shifted, so the
/// vendor is told. A paired list the clinic leaves out is the content's to
/// judge (it may not be needed): no warning.
fn unequal_pairs(facts: &mut Facts, clinic: &Clinic, content: &Content) {
    for pair in &content.pairs {
        let (Some(with), Some(at)) = (facts.get(&pair.with), clinic.values.get(&pair.with)) else {
            continue;
        };
        let list = facts.get(&pair.list);
        let items = list.map_or(&[][..], |f| &f.items[..]);
        // Counted as written: an item 「未定」 keeps its place (and is warned
        // about by itself).
        let (n, m) = (list.map_or(0, FactValue::places), with.places());
        if m == 0 || n == m || facts.invalid.contains(&pair.list) {
            continue;
        }
        let label = |p: &str| {
            content
                .fields
                .get(p)
                .map_or_else(|| p.to_string(), |d| d.label.clone())
        };
        let (list_label, with_label) = (label(&pair.list), label(&pair.with));
        let t = &content.strings;
        let item = |i: usize, x: &str| {
            t.fill(
                "data_pairs_item",
                &[("n", &(i + 1).to_string()), ("item", x)],
            )
        };
        let joiner = &facts.words.dates.list_joiner;
        let which = if n > m {
            let place = |i: usize| list.map_or(i, |l| l.place(i));
            let without: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| place(*i) >= m)
                .map(|(i, x)| item(place(i), x))
                .collect();
            t.fill(
                "data_pairs_without",
                &[
                    ("list", &list_label),
                    ("items", &without.join(joiner)),
                    ("with", &with_label),
                ],
            )
        } else {
            let extra: Vec<String> = with
                .items
                .iter()
                .enumerate()
                .filter(|(i, _)| with.place(*i) >= n)
                .map(|(i, x)| item(with.place(i), x))
                .collect();
            t.fill(
                "data_pairs_extra",
                &[("items", &extra.join(joiner)), ("list", &list_label)],
            )
        };
        facts.issues.push(DataIssue {
            severity: Severity::Warning,
            field: pair.with.clone(),
            label: with_label.clone(),
            message: t.fill(
                "data_pairs",
                &[
                    ("with", &with_label),
                    ("m", &m.to_string()),
                    ("list", &list_label),
                    ("n", &n.to_string()),
                    ("which", &which),
                ],
            ),
            expected: None,
            location: at.pos.to_string(),
            tidy: false,
        });
    }
}

/// A list whose items name items of another list (`within:`): an item
/// that names none of them is a warning at its own line (a CSV cell's: the
/// cell), in content's words.
fn items_outside(facts: &mut Facts, clinic: &Clinic, content: &Content) {
    for def in &content.fields.fields {
        let Some(w) = &def.within else { continue };
        let (Some(raw), Some(other)) = (clinic.values.get(&def.path), facts.get(&w.list)) else {
            continue;
        };
        if facts.invalid.contains(&def.path) || facts.invalid.contains(&w.list) {
            continue;
        }
        let names: Vec<String> = other.items.iter().map(|i| same_name(i)).collect();
        let shown = other.display.clone();
        let items: Vec<(String, SourcePos)> = match &raw.value {
            RawValue::List(items) => items
                .iter()
                .map(|it| (free_text(&it.value), it.pos.clone()))
                .collect(),
            RawValue::Text(t) => list_items(t).map(|i| (i, raw.pos.clone())).collect(),
        };
        let named = |n: &str, of: &[String]| of.iter().filter(|x| x.as_str() == n).count();
        let own: Vec<String> = items.iter().map(|(i, _)| same_name(i)).collect();
        let mut told: Vec<String> = Vec::new();
        for (item, at) in items {
            if item.is_empty() || content.fields.is_undecided(&item) {
                continue;
            }
            let name = same_name(&item);
            let message = if names.contains(&name) {
                // Named, but fewer times than the other list has the name:
                // which of its items is meant cannot be told (said once).
                let count = named(&name, &names);
                match &w.ambiguous {
                    Some(a) if count > named(&name, &own) && !told.contains(&name) => {
                        told.push(name);
                        a.replace("{item}", &item)
                            .replace("{list}", &shown)
                            .replace("{count}", &count.to_string())
                    }
                    _ => continue,
                }
            } else {
                w.remark.replace("{item}", &item).replace("{list}", &shown)
            };
            facts.issues.push(DataIssue {
                severity: Severity::Warning,
                field: def.path.clone(),
                label: def.label.clone(),
                message: format!("{}: {message}", def.label),
                expected: None,
                location: at.to_string(),
                tidy: false,
            });
        }
    }
}

fn push_issue(facts: &mut Facts, def: &FieldDef, pos: &SourcePos, p: validate::Problem) {
    facts.issues.push(DataIssue {
        severity: match p.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        },
        field: def.path.clone(),
        label: def.label.clone(),
        message: format!("{}: {}", def.label, p.message),
        expected: p.expected,
        location: pos.to_string(),
        tidy: p.tidy,
    });
}

/// The items of a list written in one text; the separators are read in
/// either width. A blank between two items (「2026-11-20、、2028-03-31」) is
/// kept, as an empty item, so that the items after it keep their places;
/// blanks before the first item and after the last are dropped.
fn list_items(raw: &str) -> impl Iterator<Item = String> + '_ {
    let items: Vec<String> = raw
        .split(['、', ',', '，', ';', '；', '\n'])
        .map(free_text)
        .collect();
    let first = items
        .iter()
        .position(|s| !s.is_empty())
        .unwrap_or(items.len());
    let last = items
        .iter()
        .rposition(|s| !s.is_empty())
        .map_or(first, |i| i + 1);
    items.into_iter().take(last).skip(first)
}

/// Whether `text` is one of the names of an option of `def` (its value,
/// label or an alias).
fn names_an_option(def: &FieldDef, text: &str) -> bool {
    let key = validate::normalize::choice_key(text);
    def.options
        .iter()
        .any(|o| validate::normalize::choice_keys(o).contains(&key))
}

/// The warning for a value that says only that it is not known yet: it is
/// read as blank, never shown as a value to type.
fn undecided(text: &str, t: &crate::model::strings::Strings) -> validate::Problem {
    validate::Problem::warning(t.fill("data_undecided", &[("word", &free_text(text))]))
}

/// A free text as the clinic wrote it, without surrounding blanks.
fn free_text(raw: &str) -> String {
    raw.trim_matches(validate::normalize::is_blank).to_string()
}

/// The 点数表 content lists: the options of its `fee_schedule` field (the
/// loader checked that each is one digit and has a name).
pub fn fee_schedules(content: &Content) -> Vec<validate::codes::FeeSchedule> {
    content
        .fields
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::FeeSchedule)
        .flat_map(|f| validate::codes::fee_schedules_of(&f.options))
        .collect()
}

/// Reads each item of a list whose field says `items: KIND` as a value of
/// that kind, in place (「１９２．１６８．１．２０」 → 「192.168.1.20」); returns
/// the problems, each with the index of its item and naming it by its
/// number (「2件目: …」), and the items' normalised values when any differs
/// from what is shown (a date's ISO form, a choice's value), else none.
/// Free names (no `items:`) are left as written.
fn check_items(
    def: &FieldDef,
    items: &mut [String],
    shown: &dates::DateWords,
    t: &crate::model::strings::Strings,
) -> (Vec<(usize, validate::Problem)>, Vec<String>) {
    let Some(kind) = def.items.filter(|k| *k != FieldKind::Text) else {
        return (Vec::new(), Vec::new());
    };
    let one = FieldDef {
        kind,
        items: None,
        ..def.clone()
    };
    let mut out = Vec::new();
    let mut values = Vec::with_capacity(items.len());
    for (n, item) in items.iter_mut().enumerate() {
        let Some((c, v)) = check_scalar(&one, item, Code::default(), &[], None, shown, t) else {
            values.push(item.clone());
            continue;
        };
        out.extend(c.problems.into_iter().map(|mut p| {
            p.message = t.fill(
                "data_item",
                &[("n", &(n + 1).to_string()), ("message", &p.message)],
            );
            (n, p)
        }));
        *item = v.display;
        values.push(v.value);
    }
    if values.iter().zip(items.iter()).all(|(v, i)| v == i) {
        values.clear();
    }
    (out, values)
}

/// What an institution code is read with: the prefecture and 点数表 read
/// before it, and whether the schema shows it whole (no field holds its
/// first three digits).
#[derive(Default, Clone, Copy)]
struct Code {
    pref: Option<u8>,
    table: Option<u8>,
    whole: bool,
}

/// Checks one scalar; `None` when the value is empty.
fn check_scalar(
    def: &FieldDef,
    raw: &str,
    code: Code,
    schedules: &[validate::codes::FeeSchedule],
    carrier: Option<(&str, &str)>,
    shown: &dates::DateWords,
    t: &crate::model::strings::Strings,
) -> Option<(Checked<()>, FactValue)> {
    if raw.trim().is_empty() {
        return None;
    }
    let done = |c: Checked<FactValue>| {
        let problems = c.problems;
        let fv = c.value.unwrap_or_else(|| FactValue {
            value: raw.trim().to_string(),
            display: raw.trim().to_string(),
            items: Vec::new(),
            item_values: Vec::new(),
            gaps: Vec::new(),
            valid: false,
            unit: None,
            written: None,
        });
        (Checked::from_parts(Some(()), problems), fv)
    };
    let out = match def.kind {
        // Free text (names, the contact): kept as written. Nothing in the
        // portal's pages asks for half-width there, and the handout says
        // what to type: a silent change would make it differ from the
        // clinic's own records and labels. A list never comes here: its
        // text is split into items before (see `build`), each item read
        // by `check_items`.
        FieldKind::Text | FieldKind::List => {
            let s = free_text(raw);
            Checked::from_parts(Some(FactValue::plain(s.clone(), s)), Vec::new())
        }
        FieldKind::InstitutionCode => validate::institution::check_code_in(
            raw, code.pref, code.table, schedules, t,
        )
        .map(|c| {
            let shown = if code.whole {
                c.display()
            } else {
                c.code7.clone()
            };
            FactValue::plain(shown.clone(), shown)
        }),
        FieldKind::Prefecture => validate::codes::check_prefecture_in(raw, t).map(|n| {
            // The theme's name (`data_prefecture_names`; the JIS name by default).
            let name = validate::codes::prefecture_name_in(n, t).unwrap_or_default();
            FactValue::plain(format!("{n:02}"), format!("{n:02}:{name}"))
        }),
        // Shown as the option's label: the portal's own when content
        // confirms it (`3:医療機関（歯科）`), else content's true wording.
        FieldKind::FeeSchedule => {
            validate::codes::check_fee_schedule_in(raw, schedules, t).map(|n| {
                let value = n.to_string();
                let shown = def
                    .options
                    .iter()
                    .find(|o| o.value == value)
                    .map_or_else(|| value.clone(), |o| o.label.clone());
                FactValue::plain(value, shown)
            })
        }
        FieldKind::Choice => {
            let c = validate::normalize::checked_in(raw, t);
            let norm = c.value.clone().unwrap_or_default();
            match validate::normalize::find_choice(&def.options, &norm) {
                Some(o) => Checked::from_parts(
                    Some(FactValue {
                        written: written_apart(o, &norm),
                        ..FactValue::plain(o.value.clone(), o.label.clone())
                    }),
                    c.problems,
                ),
                None => {
                    let list = validate::normalize::choice_list_in(
                        &def.options,
                        |value, label| t.fill("data_option", &[("value", value), ("label", label)]),
                        &shown.list_joiner,
                    );
                    let mut problems = c.problems;
                    problems.push(
                        validate::Problem::error(t.fill("data_not_an_option", &[("value", &norm)]))
                            .with_expected(t.fill("data_options", &[("options", &list)])),
                    );
                    Checked::from_parts(None, problems)
                }
            }
        }
        FieldKind::CustomerId => {
            let formats: Vec<validate::customer_id::IdFormat> =
                def.formats.iter().map(Into::into).collect();
            validate::customer_id::check_in(raw, &formats, carrier, t)
                .map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::Phone => {
            validate::contact::check_phone_in(raw, t).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::Email => {
            validate::contact::check_email_in(raw, t).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::IpAddress => {
            validate::contact::check_ip_address_in(raw, t).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::YearMonth => validate::contact::check_year_month_in(raw, t).map(|(y, m)| {
            let shown = i16::try_from(y)
                .ok()
                .zip(i8::try_from(m).ok())
                .map_or_else(|| format!("{y:04}-{m:02}"), |(y, m)| shown.month(y, m));
            FactValue::plain(format!("{y:04}-{m:02}"), shown)
        }),
        FieldKind::Date => validate::contact::check_date_in(raw, t).map(|(y, m, d)| {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            let display = dates::parse_iso(&iso)
                .map(|d| shown.date(d))
                .unwrap_or_else(|| iso.clone());
            FactValue::plain(iso, display)
        }),
        FieldKind::Integer => {
            let c = validate::normalize::checked_in(raw, t);
            let v = c.value.clone().unwrap_or_default();
            match v.parse::<i64>() {
                Ok(n) => Checked::from_parts(
                    Some(FactValue::plain(n.to_string(), n.to_string())),
                    c.problems,
                ),
                Err(_) => {
                    let mut problems = c.problems;
                    problems.push(
                        validate::Problem::error(t.fill("data_not_an_integer", &[("value", &v)]))
                            .with_expected(t.get("data_integer")),
                    );
                    Checked::from_parts(None, problems)
                }
            }
        }
    };
    let (checked, mut fv) = done(out);
    if def.kind == FieldKind::InstitutionCode && !fv.valid {
        // A refused code: its value is the code as read (the dashboard
        // shows it beside the other rows' codes), its display as typed.
        fv.value = validate::institution::as_read(raw);
    }
    Some((checked, fv))
}

/// The unit shown after `value`: `unit_one` after the number 1 (an English
/// 「1 port」, 「2 ports」), else `unit`.
fn unit_for(unit: &Option<String>, one: &Option<String>, value: &str) -> Option<String> {
    match one {
        Some(one) if value == "1" => Some(one.clone()),
        _ => unit.clone(),
    }
}

/// Recomputes the derived facts after some values were replaced (a
/// correction): dates and flags then follow the value to enter.
pub fn rederive(facts: &mut Facts, content: &Content) {
    let today = facts.today.unwrap_or_else(dates::today_jst);
    derive(facts, content, today);
}

/// Computes the derived facts content declares, in their load order (each
/// after the facts it reads). A fact whose `when` does not hold, or whose
/// inputs are absent or invalid, is absent.
fn derive(facts: &mut Facts, content: &Content, today: Date) {
    for d in &content.derived {
        facts.map.remove(&d.name);
    }
    for d in &content.derived {
        if d.when.as_ref().is_some_and(|w| !super::holds(w, facts)) {
            continue;
        }
        if let Some(mut v) = compute(&d.function, facts, content, today) {
            v.unit = unit_for(&d.unit, &d.unit_one, &v.value);
            facts.map.insert(d.name.clone(), v);
        }
    }
}

/// The data's words for a choice when a reader would not find them in what
/// the option shows: neither its value nor a part of its label, compared as
/// options are matched (width, case, spaces, kana folded). 「ドコモ光」 for
/// 光コラボレーション is kept; 「NTT東日本」, 「その他」 or 「ntt-east」 are not.
fn written_apart(option: &crate::model::manual::Choice, written: &str) -> Option<String> {
    let key = validate::normalize::choice_key(written);
    let label = validate::normalize::choice_key(&option.label);
    (!key.is_empty()
        && key != validate::normalize::choice_key(&option.value)
        && !label.contains(&key))
    .then(|| written.trim().to_string())
}

/// An item of a list as compared with another (`count_distinct`,
/// `without`): names that differ only in width (「PC1」「ＰＣ１」) are one.
pub fn same_name(item: &str) -> String {
    validate::normalize::to_half_width(item).0
}

/// A date fact, or the first day of a year-month fact.
fn day_of(f: &FactValue) -> Option<Date> {
    dates::parse_iso(&f.value).or_else(|| dates::parse_iso(&format!("{}-01", f.value)))
}

/// A number as a fact: digits as the value, with thousands separators shown.
fn number(n: f64) -> FactValue {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        FactValue::plain(format!("{n:.0}"), thousands(n as i64))
    } else {
        FactValue::plain(n.to_string(), n.to_string())
    }
}

fn date(d: Date, shown: &dates::DateWords) -> FactValue {
    FactValue::plain(d.to_string(), shown.date(d))
}

/// A derived list as a fact: its items as shown and, where they differ,
/// their normalised values (empty: the items themselves); its value is its
/// number of items, as a list field's.
fn list_fact(items: Vec<String>, item_values: Vec<String>, shown: &dates::DateWords) -> FactValue {
    FactValue {
        value: items.len().to_string(),
        display: shown.join(&items),
        items,
        item_values,
        gaps: Vec::new(),
        valid: true,
        unit: None,
        written: None,
    }
}

/// A list of dates as a list fact: each shown as a date (「2026年12月31日（木）」),
/// compared by its ISO form.
fn date_list(days: &[Date], shown: &dates::DateWords) -> FactValue {
    list_fact(
        days.iter().map(|d| shown.date(*d)).collect(),
        days.iter().map(|d| d.to_string()).collect(),
        shown,
    )
}

fn month(d: Date, shown: &dates::DateWords) -> FactValue {
    FactValue::plain(
        format!("{:04}-{:02}", d.year(), d.month()),
        shown.month(d.year(), d.month()),
    )
}

/// One function over the facts computed so far.
fn compute(f: &Function, facts: &Facts, content: &Content, today: Date) -> Option<FactValue> {
    let get = |p: &str| facts.get(p).filter(|v| v.valid);
    let shown = &facts.words.dates;
    Some(match f {
        Function::Today => date(today, shown),
        // A list the clinic does not have has no items.
        Function::Count { list } => number(get(list).map_or(0, |v| v.items.len()) as f64),
        Function::CountDistinct { list } => {
            let items = get(list).map(|v| v.items.as_slice()).unwrap_or_default();
            // Names that differ only in width (「PC1」「ＰＣ１」) look the
            // same on a label: one name.
            let distinct: std::collections::BTreeSet<String> =
                items.iter().map(|i| same_name(i)).collect();
            number(distinct.len() as f64)
        }
        Function::Without { list, remove } => {
            let from = get(list)?;
            // One removed name takes away one item: two terminals of one
            // name, one applied for, leave one to apply for.
            let mut left: Vec<String> = get(remove)
                .map(|v| v.items.iter().map(|i| same_name(i)).collect())
                .unwrap_or_default();
            let kept: Vec<usize> = (0..from.items.len())
                .filter(
                    |&i| match left.iter().position(|r| *r == same_name(&from.items[i])) {
                        Some(n) => {
                            left.remove(n);
                            false
                        }
                        None => true,
                    },
                )
                .collect();
            // The kept items' own values, where the list has them; a list
            // with items taken away is no longer read beside another item by
            // item: no places kept.
            let item_values = if from.item_values.is_empty() {
                Vec::new()
            } else {
                kept.iter()
                    .filter_map(|&i| from.item_values.get(i).cloned())
                    .collect()
            };
            list_fact(
                kept.iter().map(|&i| from.items[i].clone()).collect(),
                item_values,
                shown,
            )
        }
        Function::Occurrences { list, among } => {
            let from = get(list)?;
            let names: Vec<String> = get(among)
                .map(|v| v.items.iter().map(|i| same_name(i)).collect())
                .unwrap_or_default();
            let counts: Vec<usize> = from
                .items
                .iter()
                .map(|item| {
                    let name = same_name(item);
                    names.iter().filter(|n| **n == name).count()
                })
                .collect();
            list_fact(
                counts.iter().map(|&n| thousands(n as i64)).collect(),
                counts.iter().map(|n| n.to_string()).collect(),
                shown,
            )
        }
        Function::Times { fact, by } => number(get(fact)?.value.parse::<f64>().ok()? * by.value),
        Function::DateShift {
            date: from,
            months,
            days,
            business_days,
            minus,
            skip,
            extend,
        } => {
            let sign = if *minus { -1 } else { 1 };
            let shift = |mut d: Date| {
                d = dates::add_months(d, sign * months.value.round() as i64);
                let n = sign * days.value.round() as i64;
                d = if *extend && *minus {
                    // Back: the latest day whose count forward lands by `d`
                    // (the inverse of the forward count, not the closed days
                    // of the span counted backwards).
                    dates::latest_before_over_closed(d, days.value.round() as i64, skip)
                } else if *extend {
                    dates::add_days_over_closed(d, n, skip)
                } else {
                    dates::add_days(d, n)
                };
                if business_days.value != 0.0 {
                    d = dates::add_open_days(d, sign * business_days.value.round() as i64, skip);
                }
                d
            };
            let v = get(from)?;
            if content.fact_type(from) == Some(crate::model::facts::FactType::List) {
                // A list of dates (each terminal's expiry): each item moved,
                // a list in the same order (each terminal's day to renew by).
                let moved: Option<Vec<Date>> = (0..v.items.len())
                    .map(|i| v.item_value(i).and_then(dates::parse_iso).map(shift))
                    .collect();
                // Each item at its place: the gaps of the list stay gaps.
                return Some(FactValue {
                    gaps: v.gaps.clone(),
                    ..date_list(&moved?, shown)
                });
            }
            date(shift(day_of(v)?), shown)
        }
        Function::ClosedBetween { from, to, skip } => {
            let days = dates::closed_weekdays_between(day_of(get(from)?)?, day_of(get(to)?)?, skip);
            if days.is_empty() {
                return None;
            }
            date_list(&days, shown)
        }
        Function::DaysBetween { from, to } => {
            number(dates::days_between(day_of(get(from)?)?, day_of(get(to)?)?) as f64)
        }
        Function::PeriodEnd { date: from, months } => date(
            dates::months_period_end(day_of(get(from)?)?, months.value.round() as i64),
            shown,
        ),
        Function::MonthOf { date: from, months } => month(
            dates::add_months(day_of(get(from)?)?, months.value.round() as i64),
            shown,
        ),
        Function::Test { condition } => {
            let yes = super::holds(condition, facts);
            let word = if yes {
                &facts.words.yes
            } else {
                &facts.words.no
            };
            FactValue::plain(yes.to_string(), word.clone())
        }
        Function::LabelOf { fact } => {
            let v = get(fact)?;
            let def = content.fields.get(fact)?;
            let name = match def.kind {
                FieldKind::Prefecture => {
                    validate::codes::prefecture_name_in(v.value.parse().ok()?, &content.strings)?
                }
                FieldKind::FeeSchedule => {
                    let o = def.options.iter().find(|o| o.value == v.value)?;
                    o.name.clone().unwrap_or_else(|| o.label.clone())
                }
                _ => def
                    .options
                    .iter()
                    .find(|o| o.value == v.value)?
                    .label
                    .clone(),
            };
            FactValue::plain(name.clone(), name)
        }
        Function::Map { fact, to, values } => {
            let v = get(fact)?;
            let (_, target) = values.iter().find(|(k, _)| *k == v.value)?;
            let o = content
                .fields
                .get(to)?
                .options
                .iter()
                .find(|o| o.value == *target)?;
            FactValue::plain(o.value.clone(), o.label.clone())
        }
        Function::Join { facts: list, with } => {
            let parts: Vec<&str> = list
                .iter()
                .filter_map(|p| get(p).map(|v| v.display.as_str()))
                .collect();
            if parts.is_empty() {
                return None;
            }
            let t = parts.join(with);
            FactValue::plain(t.clone(), t)
        }
        Function::Concat { facts: list } => {
            let mut t = String::new();
            for p in list {
                t.push_str(&get(p)?.value);
            }
            FactValue::plain(t.clone(), t)
        }
        Function::First { facts: list } => {
            let v = list.iter().find_map(|p| get(p))?;
            FactValue {
                unit: None,
                ..v.clone()
            }
        }
        Function::IdKind { fact } | Function::IdNumber { fact } => {
            let id = &get(fact)?.value;
            let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
            let (kind, digits) = id.split_at(split);
            let part = if matches!(f, Function::IdKind { .. }) {
                kind
            } else {
                digits
            };
            FactValue::plain(part, part)
        }
    })
}

/// `12345` → `12,345`.
pub fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::derived::tests::load;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// Every function once, over the small schema of the load tests.
    const FACTS: &str = "facts:
  - { name: today, label: 今日, today: true }
  - { name: count, label: 枚数, unit: 枚, count: terminals }
  - { name: names, label: 名前の数, count_distinct: terminals }
  - { name: uses, label: 同じ名前の数, occurrences: { list: terminals, in: terminals } }
  - { name: fee, label: 発行料, unit: 円, times: { fact: count, by: fee } }
  - { name: arrive, label: 届く日, date_plus: { date: start, days: mail } }
  - { name: until, label: 期限, date_plus: { date: start, months: 39, days: -1 } }
  - { name: valid, label: 有効期限, period_end: { date: start, months: 39 } }
  - { name: fix, label: 反映, date_plus: { date: start, business_days: 5 } }
  - { name: latest, label: 最終日, date_minus: { date: start, days: [mail, margin] } }
  - { name: days, label: 日数, unit: 日, days_between: { from: today, to: start } }
  - { name: to_month, label: 月まで, days_between: { from: today, to: month } }
  - { name: this_month, label: 今月, month_of: today }
  - { name: next_month, label: 翌月, month_of: { date: today, months: 1 } }
  - { name: past, label: 過ぎた, when: { fact: month, present: true }, test: { fact: month, lt: \"{{ this_month }}\" } }
  - { name: plan_name, label: 契約名, label_of: plan }
  - { name: pref_name, label: 県名, label_of: pref }
  - { name: table_name, label: 点数表名, label_of: table }
  - { name: plan_by_table, label: 点数表の契約, map: { fact: table, to: plan, values: { 3: signed, \"1\": none } } }
  - { name: contact, label: 担当, join: { facts: [dept, person], with: \" \" } }
  - { name: code, label: コード, concat: [pref, table, n] }
  - { name: day, label: 申請日, first: [start, today] }
  - { name: kind, label: 種類, id_kind: id }
  - { name: number, label: 数字, id_number: id }
";

    fn facts_of(clinic: &str) -> Facts {
        let (content, errors) = load(FACTS, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        let file = Arc::new(PathBuf::from("c.yaml"));
        let tree = crate::load::yaml::read_tree(clinic, &file).expect("yaml");
        let mut d = crate::diag::Diagnostics::default();
        let clinic =
            crate::load::clinics::from_tree(&tree, &file, &content.fields, &mut d).expect("clinic");
        build(&clinic, &content, "2026-11-28".parse().expect("date"))
    }

    fn shown(f: &Facts, p: &str) -> Option<(String, String)> {
        f.get(p).map(|v| (v.value.clone(), v.display.clone()))
    }

    fn pair(v: &str, d: &str) -> Option<(String, String)> {
        Some((v.into(), d.into()))
    }

    const FULL: &str = "terminals: [受付, 診察室]
start: 2027-01-04
month: 2026-10
plan: signed
pref: 14
table: 3
id: CAF1253000113
n: 1234567
dept: 受付
person: 港 花子
";

    #[test]
    fn every_function_computes_its_value_and_display() {
        let f = facts_of(FULL);
        assert_eq!(
            shown(&f, "today"),
            pair("2026-11-28", "2026年11月28日（土）")
        );
        assert_eq!(shown(&f, "count"), pair("2", "2"));
        assert_eq!(f.text("count | unit").as_deref(), Some("2枚"));
        assert_eq!(f.text("count").as_deref(), Some("2"));
        assert_eq!(shown(&f, "names"), pair("2", "2"));
        // Names alike (spaces around them aside) count once.
        let alike = facts_of("terminals: [受付, \" 受付 \", 診察室]\n");
        assert_eq!(shown(&alike, "count"), pair("3", "3"));
        assert_eq!(shown(&alike, "names"), pair("2", "2"));
        // Per item, how many have its name: a list of numbers, read item by
        // item (each.uses); names that differ in width or spaces are one.
        let uses = alike.get("uses").expect("uses");
        assert_eq!(uses.items, ["2", "2", "1"]);
        assert_eq!(uses.item(2).map(|x| x.value), Some("1".to_string()));
        let width = facts_of("terminals: [PC1, ＰＣ１, PC2]\n");
        assert_eq!(width.get("uses").expect("uses").items, ["2", "2", "1"]);
        assert!(facts_of("dept: 受付\n").get("uses").is_none());
        assert_eq!(shown(&f, "fee"), pair("3000", "3,000"));
        assert_eq!(f.text("fee|unit").as_deref(), Some("3,000円"));
        assert_eq!(
            shown(&f, "arrive"),
            pair("2027-01-11", "2027年1月11日（月・祝）")
        );
        // 39 months on, less a day.
        assert_eq!(shown(&f, "until"), pair("2030-04-03", "2030年4月3日（水）"));
        assert_eq!(shown(&f, "valid"), pair("2030-04-03", "2030年4月3日（水）"));
        // 5 business days from Mon 2027-01-04: 1/11 is 成人の日, so Tue 1/12.
        assert_eq!(shown(&f, "fix"), pair("2027-01-12", "2027年1月12日（火）"));
        assert_eq!(
            shown(&f, "latest"),
            pair("2026-12-25", "2026年12月25日（金）")
        );
        assert_eq!(shown(&f, "days"), pair("37", "37"));
        assert_eq!(f.text("days | unit").as_deref(), Some("37日"));
        // A year-month counts from its first day.
        assert_eq!(shown(&f, "to_month"), pair("-58", "-58"));
        assert_eq!(shown(&f, "this_month"), pair("2026-11", "2026年11月"));
        assert_eq!(shown(&f, "next_month"), pair("2026-12", "2026年12月"));
        assert_eq!(shown(&f, "past"), pair("true", "はい"));
        assert_eq!(shown(&f, "plan_name"), pair("契約済み", "契約済み"));
        assert_eq!(shown(&f, "pref_name"), pair("神奈川県", "神奈川県"));
        assert_eq!(shown(&f, "table_name").map(|x| x.0), Some("歯科".into()));
        // map: the option its table pairs with the value, shown by its label.
        assert_eq!(shown(&f, "plan_by_table"), pair("signed", "契約済み"));
        assert_eq!(shown(&f, "contact"), pair("受付 港 花子", "受付 港 花子"));
        assert_eq!(shown(&f, "code"), pair("1431234567", "1431234567"));
        assert_eq!(shown(&f, "day"), pair("2027-01-04", "2027年1月4日（月）"));
        assert_eq!(shown(&f, "kind"), pair("CAF", "CAF"));
        assert_eq!(shown(&f, "number"), pair("1253000113", "1253000113"));
    }

    #[test]
    fn free_names_in_one_cell_are_kept_as_written() {
        // A CSV/XLSX cell: items split at separators of either width, each
        // kept as written (full-width parentheses and letters included).
        let f = facts_of("terminals: \"受付（1階）パソコン，ＰＣ１；PC1、診察室\"\n");
        let items = &f.get("terminals").expect("terminals").items;
        assert_eq!(items, &["受付（1階）パソコン", "ＰＣ１", "PC1", "診察室"]);
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        // 「ＰＣ１」 and 「PC1」 differ only in width: one name.
        assert_eq!(shown(&f, "names"), pair("3", "3"));
        // A blank between two items keeps the later one in its place (the
        // third terminal's); blanks at the ends are no places.
        let f = facts_of("terminals: \"、受付、、事務室、\"\n");
        let t = f.get("terminals").expect("terminals");
        assert_eq!(t.items, ["受付", "事務室"]);
        assert_eq!(t.gaps, [1]);
        assert_eq!(t.item_at(2).map(|x| x.display), Some("事務室".to_string()));
        assert!(t.item_at(1).is_none());
    }

    #[test]
    fn absent_or_invalid_inputs_leave_a_fact_absent() {
        let f = facts_of("person: 港 花子\nid: CAF12\n");
        // A list the clinic does not have has no items.
        assert_eq!(shown(&f, "count"), pair("0", "0"));
        assert_eq!(shown(&f, "fee"), pair("0", "0"));
        for absent in [
            "arrive",
            "days",
            "past",
            "plan_name",
            "code",
            "kind",
            "number",
        ] {
            assert!(f.get(absent).is_none(), "{absent} should be absent");
        }
        // join skips what is absent; first takes the next one.
        assert_eq!(shown(&f, "contact"), pair("港 花子", "港 花子"));
        assert_eq!(shown(&f, "day"), pair("2026-11-28", "2026年11月28日（土）"));
        // `when` not holding: absent; a month ahead is not past.
        let f = facts_of("month: 2027-02\n");
        assert_eq!(shown(&f, "past"), pair("false", "いいえ"));
        assert!(facts_of("n: 1\n").get("past").is_none());
    }

    #[test]
    fn a_correction_recomputes_what_depends_on_it() {
        let (content, _) = load(FACTS, &[]);
        let mut f = facts_of("start: 2027-01-04\n");
        assert_eq!(shown(&f, "arrive").map(|x| x.0), Some("2027-01-11".into()));
        f.map.insert(
            "start".into(),
            FactValue::plain("2027-02-01", "2027年2月1日"),
        );
        rederive(&mut f, &content);
        assert_eq!(shown(&f, "arrive").map(|x| x.0), Some("2027-02-08".into()));
        f.map.remove("start");
        rederive(&mut f, &content);
        assert!(
            f.get("arrive").is_none(),
            "a fact whose input went away goes too"
        );
    }

    #[test]
    fn without_takes_one_item_away_per_name_and_within_warns_at_a_name_of_no_item() {
        let fields = "fields:
  - { path: terminals, label: 端末名称, kind: list }
  - path: done
    label: 申請済みの端末
    kind: list
    within: { list: terminals, remark: \"「{item}」は端末名称（{list}）にありません\" }
";
        let facts = "facts:
  - { name: left, label: 残り, without: { list: terminals, remove: done } }
  - { name: unknown, label: 名前違い, without: { list: done, remove: terminals } }
";
        let (content, d) = crate::load::derived::test_content(&[
            ("fields.yaml", fields),
            ("constants.yaml", crate::load::derived::tests::CONSTANTS),
            ("facts.yaml", facts),
        ]);
        assert!(d.0.is_empty(), "{:?}", d.0);
        let of = |text: &str| {
            let file = Arc::new(PathBuf::from("c.yaml"));
            let tree = crate::load::yaml::read_tree(text, &file).expect("yaml");
            let mut d = crate::diag::Diagnostics::default();
            let clinic = crate::load::clinics::from_tree(&tree, &file, &content.fields, &mut d)
                .expect("clinic");
            build(&clinic, &content, "2026-11-28".parse().expect("date"))
        };
        // Two terminals of one name, one applied for: one left; a name in the
        // other width is the same name; 「待合」 names no terminal.
        let f = of("terminals: [受付, 受付, 診察室, ＰＣ１]\ndone:\n  - 受付\n  - PC1\n  - 待合\n");
        assert_eq!(
            f.get("left").map(|v| v.items.clone()),
            Some(vec!["受付".to_string(), "診察室".into()])
        );
        assert_eq!(shown(&f, "unknown"), pair("1", "待合"));
        let warned: Vec<(String, String)> = f
            .issues
            .iter()
            .map(|i| (i.message.clone(), i.location.clone()))
            .collect();
        assert_eq!(
            warned,
            [(
                "申請済みの端末: 「待合」は端末名称（受付、受付、診察室、ＰＣ１）にありません"
                    .to_string(),
                "c.yaml:5:5".to_string()
            )]
        );
        // Nothing applied for: every terminal is left; nothing left is an
        // empty list, not an absent one.
        let f = of("terminals: [受付, 診察室]\n");
        assert_eq!(shown(&f, "left"), pair("2", "受付、診察室"));
        assert!(f.get("unknown").is_none());
        let f = of("terminals: [受付]\ndone: [受付]\n");
        assert_eq!(shown(&f, "left"), pair("0", ""));
        assert!(f.issues.is_empty(), "{:?}", f.issues);
    }
}
