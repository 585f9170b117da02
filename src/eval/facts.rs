//! Facts: a clinic's validated values plus the values derived from them.
//!
//! Every field of the schema is checked by the validator of its kind; the
//! normalised value becomes a fact that rules and placeholders read. Problems
//! become located [`DataIssue`]s. Derived facts (dates, counts, fees) are
//! computed from content constants, never from numbers written in Rust.

use super::dates;
use super::guide::DataIssue;
use crate::model::clinic::{Clinic, FieldDef, FieldKind, RawValue};
use crate::model::manual::Content;
use crate::model::{Severity, SourcePos};
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
    /// Items of a list fact.
    pub items: Vec<String>,
    /// False when validation found an error.
    pub valid: bool,
}

impl FactValue {
    /// A valid scalar fact.
    pub fn plain(value: impl Into<String>, display: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            display: display.into(),
            items: Vec::new(),
            valid: true,
        }
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
}

/// Validates every field of `clinic` and computes the derived facts.
pub fn build(clinic: &Clinic, content: &Content, today: Date) -> Facts {
    let mut facts = Facts {
        today: Some(today),
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
    for def in fields {
        let Some(located) = clinic.values.get(&def.path) else {
            if def.required {
                facts.issues.push(DataIssue {
                    severity: Severity::Error,
                    field: def.path.clone(),
                    label: def.label.clone(),
                    message: format!("必須項目「{}」({}) がありません", def.label, def.path),
                    expected: (!def.help.is_empty()).then(|| def.help.clone()),
                    location: clinic.source.to_string(),
                });
                facts.invalid.push(def.path.clone());
            }
            continue;
        };
        let pos = &located.pos;
        let fact = match &located.value {
            RawValue::List(items) => {
                let mut names = Vec::new();
                for it in items {
                    let (t, changed) = validate::normalize::to_half_width(&it.value);
                    if changed && t != it.value.trim() {
                        push_issue(
                            &mut facts,
                            def,
                            &it.pos,
                            validate::normalize::width_warning(&it.value, &t),
                        );
                    }
                    if !t.is_empty() {
                        names.push(t);
                    }
                }
                if def.kind != FieldKind::List {
                    push_issue(
                        &mut facts,
                        def,
                        pos,
                        validate::Problem::error(format!(
                            "「{}」には一つの値を書いてください（リストは使えません）",
                            def.label
                        )),
                    );
                    continue;
                }
                FactValue {
                    value: names.len().to_string(),
                    display: names.join("、"),
                    items: names,
                    valid: true,
                }
            }
            RawValue::Text(raw) => match check_scalar(
                def,
                raw,
                pref,
                table,
                facts.map.get("line.carrier").map(|f| f.value.as_str()),
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
        facts.map.insert(def.path.clone(), fact);
    }
    derive(&mut facts, content, today);
    facts
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
    });
}

/// Checks one scalar; `None` when the value is empty.
fn check_scalar(
    def: &FieldDef,
    raw: &str,
    pref: Option<u8>,
    table: Option<u8>,
    carrier: Option<&str>,
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
            valid: false,
        });
        (Checked::from_parts(Some(()), problems), fv)
    };
    let out = match def.kind {
        FieldKind::Text => {
            validate::normalize::checked(raw).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::InstitutionCode => {
            validate::institution::check_code(raw, pref, table).map(|c| {
                let shown = c.code7.clone();
                FactValue::plain(c.code7.clone(), shown)
            })
        }
        FieldKind::Prefecture => validate::codes::check_prefecture(raw).map(|n| {
            let name = validate::codes::prefecture_name(n).unwrap_or("");
            FactValue::plain(format!("{n:02}"), format!("{n:02}:{name}"))
        }),
        FieldKind::FeeSchedule => validate::codes::check_fee_schedule(raw).map(|n| {
            let name = validate::codes::fee_schedule_name(n).unwrap_or("");
            FactValue::plain(n.to_string(), format!("{n}:{name}"))
        }),
        FieldKind::Choice => {
            let c = validate::normalize::checked(raw);
            let norm = c.value.clone().unwrap_or_default();
            let found = def
                .options
                .iter()
                .find(|o| o.value == norm || o.label == norm)
                .cloned();
            match found {
                Some(o) => {
                    Checked::from_parts(Some(FactValue::plain(o.value, o.label)), c.problems)
                }
                None => {
                    let list = def
                        .options
                        .iter()
                        .map(|o| o.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mut problems = c.problems;
                    problems.push(
                        validate::Problem::error(format!("「{norm}」は選択肢にありません"))
                            .with_expected(format!("次のいずれか: {list}")),
                    );
                    Checked::from_parts(None, problems)
                }
            }
        }
        FieldKind::CustomerId => {
            let formats: Vec<validate::customer_id::IdFormat> = def
                .formats
                .iter()
                .map(|f| validate::customer_id::IdFormat {
                    prefix: f.prefix.clone(),
                    digits: f.digits,
                    carriers: f.carriers.clone(),
                })
                .collect();
            validate::customer_id::check(raw, &formats, carrier)
                .map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::Phone => {
            validate::contact::check_phone(raw).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::Email => {
            validate::contact::check_email(raw).map(|s| FactValue::plain(s.clone(), s))
        }
        FieldKind::YearMonth => validate::contact::check_year_month(raw)
            .map(|(y, m)| FactValue::plain(format!("{y:04}-{m:02}"), format!("{y}年{m}月"))),
        FieldKind::Date => validate::contact::check_date(raw).map(|(y, m, d)| {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            let display = dates::parse_iso(&iso)
                .map(dates::western)
                .unwrap_or_else(|| iso.clone());
            FactValue::plain(iso, display)
        }),
        FieldKind::Integer => {
            let c = validate::normalize::checked(raw);
            let v = c.value.clone().unwrap_or_default();
            match v.parse::<i64>() {
                Ok(n) => Checked::from_parts(
                    Some(FactValue::plain(n.to_string(), n.to_string())),
                    c.problems,
                ),
                Err(_) => {
                    let mut problems = c.problems;
                    problems.push(
                        validate::Problem::error(format!("「{v}」は整数ではありません"))
                            .with_expected("半角数字"),
                    );
                    Checked::from_parts(None, problems)
                }
            }
        }
        FieldKind::List => {
            let c = validate::normalize::checked(raw);
            let items: Vec<String> = c
                .value
                .clone()
                .unwrap_or_default()
                .split(['、', ',', ';', '\n'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Checked::from_parts(
                Some(FactValue {
                    value: items.len().to_string(),
                    display: items.join("、"),
                    items,
                    valid: true,
                }),
                c.problems,
            )
        }
    };
    Some(done(out))
}

fn constant(content: &Content, name: &str, default: f64) -> f64 {
    content.constants.get(name).copied().unwrap_or(default)
}

/// Recomputes the derived facts after some values were replaced (a
/// correction): dates and flags then follow the value to enter.
pub fn rederive(facts: &mut Facts, content: &Content) {
    let today = facts.today.unwrap_or_else(dates::today_jst);
    derive(facts, content, today);
}

/// Computes derived facts from validated ones and content constants.
fn derive(facts: &mut Facts, content: &Content, today: Date) {
    let c = |n: &str, d: f64| constant(content, n, d);
    let put = |facts: &mut Facts, k: &str, v: String, d: String| {
        facts.map.insert(k.to_string(), FactValue::plain(v, d));
    };
    let date_fact = |facts: &mut Facts, k: &str, d: Date| {
        facts.map.insert(
            k.to_string(),
            FactValue::plain(d.to_string(), dates::western(d)),
        );
    };
    date_fact(facts, "today", today);
    let applied = facts.date("application_date").unwrap_or(today);

    let certificates = facts.get("terminals").map(|t| t.items.len()).unwrap_or(0);
    put(
        facts,
        "certificates",
        certificates.to_string(),
        format!("{certificates}枚"),
    );
    let fee = certificates as f64 * c("certificate_fee_yen", 1500.0);
    put(
        facts,
        "certificate_fee",
        format!("{fee:.0}"),
        format!("{}円", thousands(fee as i64)),
    );

    let notice = dates::add_days(applied, c("notice_mail_days", 7.0) as i64);
    date_fact(facts, "notice_arrival_date", notice);
    // A correction is processed on business days (土日祝を除く).
    let fix = dates::add_business_days(today, c("line_type_fix_business_days", 5.0) as i64);
    date_fact(facts, "line_fix_date", fix);
    let valid_until = dates::add_days(
        dates::add_months(applied, c("certificate_valid_months", 39.0) as i64),
        -1,
    );
    date_fact(facts, "certificate_valid_until", valid_until);

    if let Some(install) = facts.date("installation_date") {
        let days = dates::days_between(today, install);
        put(
            facts,
            "days_until_installation",
            days.to_string(),
            format!("{days}日"),
        );
        let lead = c("notice_mail_days", 7.0) + c("safety_margin_days", 3.0);
        let latest = dates::add_days(install, -(lead as i64));
        date_fact(facts, "latest_safe_application_date", latest);
    }
    if let Some(start) = facts.get("start_month").map(|f| f.value.clone()) {
        let this_month = format!("{:04}-{:02}", today.year(), today.month());
        let past = start.as_str() < this_month.as_str();
        put(
            facts,
            "start_month_past",
            past.to_string(),
            if past { "はい" } else { "いいえ" }.into(),
        );
        if let Some(first) = dates::parse_iso(&format!("{start}-01")) {
            let d = dates::days_between(today, first);
            put(
                facts,
                "days_until_start_month",
                d.to_string(),
                format!("{d}日"),
            );
        }
    }
    // An ID entered as a kind (its letters, chosen on the portal) and a
    // number: `<path>_kind` and `<path>_number` for every customer_id field.
    for def in content
        .fields
        .fields
        .iter()
        .filter(|d| d.kind == FieldKind::CustomerId)
    {
        let Some(id) = facts
            .get(&def.path)
            .filter(|f| f.valid)
            .map(|f| f.value.clone())
        else {
            continue;
        };
        let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
        let (kind, number) = id.split_at(split);
        put(
            facts,
            &format!("{}_kind", def.path),
            kind.into(),
            kind.into(),
        );
        put(
            facts,
            &format!("{}_number", def.path),
            number.into(),
            number.into(),
        );
    }
    // 担当部署/担当者名: the department and the person, as typed into one box.
    let contact: Vec<String> = ["contact.department", "contact.person"]
        .iter()
        .filter_map(|p| facts.get(p).map(|f| f.display.clone()))
        .collect();
    if !contact.is_empty() {
        let t = contact.join(" ");
        put(facts, "contact.full", t.clone(), t);
    }
    // A start month to enter instead of a past one: the installation month
    // when it is still ahead, else next month.
    let this_month = (today.year(), today.month());
    let install_month = facts
        .date("installation_date")
        .map(|d| (d.year(), d.month()))
        .filter(|m| *m >= this_month);
    let (y, m) = install_month.unwrap_or_else(|| {
        let next = dates::add_months(today.first_of_month(), 1);
        (next.year(), next.month())
    });
    put(
        facts,
        "suggested_start_month",
        format!("{y:04}-{m:02}"),
        format!("{y}年{m}月"),
    );
    let pref = facts.get("prefecture").map(|f| f.value.clone());
    let table = facts.get("fee_schedule").map(|f| f.value.clone());
    let code = facts.get("institution_code").map(|f| f.value.clone());
    if let Some(p) = &pref
        && let Ok(n) = p.parse::<u8>()
        && let Some(name) = validate::codes::prefecture_name(n)
    {
        put(facts, "prefecture_name", name.to_string(), name.to_string());
    }
    if let (Some(p), Some(t), Some(code)) = (pref, table, code)
        && code.len() == 7
    {
        let ten = format!("{p}{t}{code}");
        put(facts, "institution_code_10", ten.clone(), ten);
    }
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
