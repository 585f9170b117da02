//! Derived facts declared in content: `content/facts.yaml` and a manual's
//! `facts:` list → [`DerivedFact`]s, checked and ordered.
//!
//! Every problem is a load error at its file:line:column with a fix: an
//! unknown constant or fact, a name used twice, a function given a value of
//! the wrong type, facts that read each other in a cycle, `| unit` on a fact
//! without a unit.

use super::content::{Ctx, RawCond};
use super::yaml::pos;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::SourcePos;
use crate::model::clinic::FieldKind;
use crate::model::facts::{Amount, BUILT_IN, DerivedFact, FactRef, FactType, Function};
use crate::model::manual::{Cased, Content, Manual};
use crate::model::rich::Rich;
use crate::model::rule::Condition;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// `content/facts.yaml`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFactsFile {
    pub facts: Vec<RawDerived>,
}

/// One declaration: name, label, unit, `when`, and exactly one function key.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDerived {
    name: Spanned<String>,
    label: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    unit_one: Option<String>,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    today: Option<bool>,
    #[serde(default)]
    count: Option<Spanned<String>>,
    #[serde(default)]
    count_distinct: Option<Spanned<String>>,
    #[serde(default)]
    without: Option<RawWithout>,
    #[serde(default)]
    occurrences: Option<RawOccurrences>,
    #[serde(default)]
    times: Option<RawTimes>,
    #[serde(default)]
    date_plus: Option<RawShift>,
    #[serde(default)]
    date_minus: Option<RawShift>,
    #[serde(default)]
    days_between: Option<RawBetween>,
    #[serde(default)]
    closed_between: Option<RawClosedBetween>,
    #[serde(default)]
    month_of: Option<Spanned<RawMonthOf>>,
    #[serde(default)]
    period_end: Option<RawPeriod>,
    #[serde(default)]
    test: Option<RawCond>,
    #[serde(default)]
    label_of: Option<Spanned<String>>,
    #[serde(default)]
    map: Option<RawMap>,
    #[serde(default)]
    join: Option<RawJoin>,
    #[serde(default)]
    concat: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    first: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    id_kind: Option<Spanned<String>>,
    #[serde(default)]
    id_number: Option<Spanned<String>>,
}

/// `without: { list: F, remove: G }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWithout {
    list: Spanned<String>,
    remove: Spanned<String>,
}

/// `occurrences: { list: F, in: G }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOccurrences {
    list: Spanned<String>,
    #[serde(rename = "in")]
    among: Spanned<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimes {
    fact: Spanned<String>,
    by: Spanned<RawAmount>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShift {
    date: Spanned<String>,
    #[serde(default)]
    months: Option<Spanned<RawAmount>>,
    #[serde(default)]
    days: Option<Spanned<RawAmount>>,
    #[serde(default)]
    business_days: Option<Spanned<RawAmount>>,
    /// Closed periods (`closed_days:` of constants.yaml) skipped besides
    /// weekends and holidays.
    #[serde(default)]
    skip: Vec<Spanned<String>>,
    /// The calendar days reach over closed weekdays.
    #[serde(default)]
    extend: bool,
}

/// `closed_between: { from: F, to: G, skip: [NAME] }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosedBetween {
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    skip: Vec<Spanned<String>>,
}

/// `period_end: { date: F, months: N }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    date: Spanned<String>,
    months: Spanned<RawAmount>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBetween {
    from: Spanned<String>,
    to: Spanned<String>,
}

#[derive(Clone, Deserialize)]
#[serde(untagged)]
enum RawMonthOf {
    Fact(Spanned<String>),
    Full {
        date: Spanned<String>,
        #[serde(default)]
        months: Option<RawAmount>,
    },
}

/// `map: { fact: F, to: CHOICE_FIELD, values: { "3": "2", … } }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    fact: Spanned<String>,
    to: Spanned<String>,
    values: BTreeMap<String, String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJoin {
    facts: Vec<Spanned<String>>,
    #[serde(default)]
    with: String,
}

/// A number: a constant's name, a literal, or a list of them (summed).
#[derive(Clone, Deserialize)]
#[serde(untagged)]
enum RawAmount {
    One(RawTerm),
    Many(Vec<RawTerm>),
}

#[derive(Clone, Deserialize)]
#[serde(untagged)]
enum RawTerm {
    Number(f64),
    Constant(Spanned<String>),
}

/// The function names, for messages.
const FUNCTIONS: &str = "today, count, count_distinct, without, occurrences, times, date_plus, date_minus, days_between, closed_between, month_of, period_end, test, label_of, map, join, concat, first, id_kind, id_number";

/// A declaration converted but not yet checked for types and cycles.
struct Pending {
    fact: DerivedFact,
    /// Each fact the function reads, with where it is written.
    refs: Vec<(String, SourcePos)>,
    /// Facts its `when` reads.
    when_refs: Vec<String>,
}

/// Converts, checks and orders every declaration (each with its file).
pub(crate) fn convert(
    declared: Vec<(RawDerived, Arc<PathBuf>)>,
    content: &Content,
    diags: &mut Diagnostics,
) -> Vec<DerivedFact> {
    let mut names: BTreeMap<String, SourcePos> = BTreeMap::new();
    for (raw, file) in &declared {
        let at = pos(file, &raw.name.referenced);
        let name = &raw.name.value;
        let clash = if content.fields.get(name).is_some() {
            Some("is a field of content/fields.yaml")
        } else if BUILT_IN.iter().any(|(p, _, _)| p == name) || name.starts_with("finding.") {
            Some("is built in")
        } else if names.contains_key(name) {
            Some("is declared twice")
        } else {
            None
        };
        if let Some(why) = clash {
            diags.push(
                Diagnostic::error(at, format!("derived fact `{name}` {why}"))
                    .with_help("give the derived fact a name of its own"),
            );
            continue;
        }
        names.insert(name.clone(), at);
    }
    let known = |f: &str| content.fields.get(f).is_some() || names.contains_key(f);
    // Only the fields are typed yet: a derived fact's type is known once
    // the declarations are ordered.
    let types = |f: &str| {
        content
            .fields
            .get(f)
            .map(|d| crate::model::facts::FactType::of_field(d.kind))
    };
    let mut pending: Vec<Pending> = Vec::new();
    for (raw, file) in declared {
        let at = pos(&file, &raw.name.referenced);
        if names.get(&raw.name.value) != Some(&at) {
            continue; // a clash, reported above
        }
        let mut ctx = Ctx {
            file: file.clone(),
            diags,
            types: &types,
        };
        if let Some(p) = ctx.function(&raw, &at, content, &known) {
            pending.push(p);
        }
    }
    order_and_type(pending, content, diags)
}

impl Ctx<'_> {
    /// A `map`'s table names options that exist: each result an option of
    /// its `to` field (a choice field), each key an option of `fact` when
    /// that is a field with options.
    fn check_map(&mut self, m: &RawMap, content: &Content) {
        let at = pos(&self.file, &m.to.referenced);
        let Some(to) = content
            .fields
            .get(&m.to.value)
            .filter(|d| d.kind == FieldKind::Choice)
        else {
            self.diags.push(
                Diagnostic::error(
                    at,
                    format!(
                        "`map` needs a choice field as `to`, but `{}` is not one",
                        m.to.value
                    ),
                )
                .with_help(
                    "name a field of kind choice in content/fields.yaml (its option is the result)",
                ),
            );
            return;
        };
        let from = content
            .fields
            .get(&m.fact.value)
            .filter(|d| !d.options.is_empty());
        for (k, v) in &m.values {
            if !to.options.iter().any(|o| o.value == *v) {
                self.diags.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "`map` gives `{v}` for `{k}`, but `{}` has no option `{v}`",
                            m.to.value
                        ),
                    )
                    .with_help("give an option value of the `to` field"),
                );
            }
            if let Some(f) = from
                && !f.options.iter().any(|o| o.value == *k)
            {
                self.diags.push(
                    Diagnostic::error(
                        pos(&self.file, &m.fact.referenced),
                        format!(
                            "`map` pairs `{k}`, but `{}` has no option `{k}`",
                            m.fact.value
                        ),
                    )
                    .with_help("use option values of the looked-up field as the keys of `values`"),
                );
            }
        }
    }

    /// The one function of a declaration, with the facts it reads.
    fn function(
        &mut self,
        raw: &RawDerived,
        at: &SourcePos,
        content: &Content,
        known: super::content::FactCheck,
    ) -> Option<Pending> {
        let mut refs: Vec<(String, SourcePos)> = Vec::new();
        let file = self.file.clone();
        // Inside an untagged shape (`month_of: F`) a value has no position
        // of its own: the enclosing one stands in.
        let located = |p: SourcePos, near: &SourcePos| if p.line == 0 { near.clone() } else { p };
        let r = |s: &Spanned<String>, refs: &mut Vec<(String, SourcePos)>| {
            refs.push((s.value.clone(), located(pos(&file, &s.referenced), at)));
            s.value.clone()
        };
        let mut found: Vec<Function> = Vec::new();
        if raw.today == Some(true) {
            found.push(Function::Today);
        }
        if let Some(l) = &raw.count {
            found.push(Function::Count {
                list: r(l, &mut refs),
            });
        }
        if let Some(l) = &raw.count_distinct {
            found.push(Function::CountDistinct {
                list: r(l, &mut refs),
            });
        }
        if let Some(w) = &raw.without {
            found.push(Function::Without {
                list: r(&w.list, &mut refs),
                remove: r(&w.remove, &mut refs),
            });
        }
        if let Some(o) = &raw.occurrences {
            found.push(Function::Occurrences {
                list: r(&o.list, &mut refs),
                among: r(&o.among, &mut refs),
            });
        }
        if let Some(t) = &raw.times {
            found.push(Function::Times {
                fact: r(&t.fact, &mut refs),
                by: Amount::default(),
            });
        }
        for (shift, minus) in [(&raw.date_plus, false), (&raw.date_minus, true)] {
            if let Some(s) = shift {
                found.push(Function::DateShift {
                    date: r(&s.date, &mut refs),
                    months: Amount::default(),
                    days: Amount::default(),
                    business_days: Amount::default(),
                    minus,
                    skip: Vec::new(),
                    extend: s.extend,
                });
            }
        }
        if let Some(p) = &raw.period_end {
            found.push(Function::PeriodEnd {
                date: r(&p.date, &mut refs),
                months: Amount::default(),
            });
        }
        if let Some(b) = &raw.days_between {
            found.push(Function::DaysBetween {
                from: r(&b.from, &mut refs),
                to: r(&b.to, &mut refs),
            });
        }
        if let Some(b) = &raw.closed_between {
            found.push(Function::ClosedBetween {
                from: r(&b.from, &mut refs),
                to: r(&b.to, &mut refs),
                skip: Vec::new(),
            });
        }
        if let Some(m) = &raw.month_of {
            let date = match &m.value {
                RawMonthOf::Fact(d) | RawMonthOf::Full { date: d, .. } => d,
            };
            let near = pos(&file, &m.referenced);
            r(date, &mut refs);
            if let Some(last) = refs.last_mut() {
                last.1 = if last.1 == *at { near } else { last.1.clone() };
            }
            found.push(Function::MonthOf {
                date: date.value.clone(),
                months: Amount::default(),
            });
        }
        if raw.test.is_some() {
            found.push(Function::Test {
                condition: Condition::Always,
            });
        }
        for (f, make) in [
            (
                &raw.label_of,
                (|fact| Function::LabelOf { fact }) as fn(String) -> Function,
            ),
            (&raw.id_kind, |fact| Function::IdKind { fact }),
            (&raw.id_number, |fact| Function::IdNumber { fact }),
        ] {
            if let Some(f) = f {
                found.push(make(r(f, &mut refs)));
            }
        }
        if let Some(m) = &raw.map {
            let fact = r(&m.fact, &mut refs);
            self.check_map(m, content);
            found.push(Function::Map {
                fact,
                to: m.to.value.clone(),
                values: m
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            });
        }
        if let Some(j) = &raw.join {
            found.push(Function::Join {
                facts: j.facts.iter().map(|f| r(f, &mut refs)).collect(),
                with: j.with.clone(),
            });
        }
        for (list, make) in [
            (
                &raw.concat,
                (|facts| Function::Concat { facts }) as fn(Vec<String>) -> Function,
            ),
            (&raw.first, |facts| Function::First { facts }),
        ] {
            if let Some(l) = list {
                if l.is_empty() {
                    self.diags.push(
                        Diagnostic::error(
                            at.clone(),
                            format!("derived fact `{}` lists no facts", raw.name.value),
                        )
                        .with_help("name at least one fact"),
                    );
                }
                found.push(make(l.iter().map(|f| r(f, &mut refs)).collect()));
            }
        }
        let mut function = match found.len() {
            1 => found.remove(0),
            0 => {
                self.diags.push(
                    Diagnostic::error(
                        at.clone(),
                        format!("derived fact `{}` has no function", raw.name.value),
                    )
                    .with_help(format!(
                        "add one of: {FUNCTIONS} (see docs/content-format.md)"
                    )),
                );
                return None;
            }
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "derived fact `{}` has more than one function",
                            raw.name.value
                        ),
                    )
                    .with_help(
                        "a derived fact computes one thing: declare another fact for the rest",
                    ),
                );
                return None;
            }
        };
        for (name, p) in &refs {
            if !known(name) {
                self.diags.push(
                    Diagnostic::error(p.clone(), format!("unknown fact `{name}`"))
                        .with_help("use a field path from content/fields.yaml or another derived fact (each.* and finding.* do not exist outside a guide)"),
                );
            }
        }
        // Amounts and conditions, now that the function is known.
        match &mut function {
            Function::Times { by, .. } => {
                if let Some(t) = &raw.times {
                    *by = self.amount(&t.by, at, content);
                }
            }
            Function::ClosedBetween { skip, .. } => {
                if let Some(b) = &raw.closed_between {
                    *skip = self.closed_periods(&b.skip, at, content);
                }
            }
            Function::DateShift {
                months,
                days,
                business_days,
                skip,
                ..
            } => {
                if let Some(s) = raw.date_plus.as_ref().or(raw.date_minus.as_ref()) {
                    *skip = self.closed_periods(&s.skip, at, content);
                    let mut one = |a: &Option<Spanned<RawAmount>>| {
                        a.as_ref()
                            .map(|a| self.amount(a, at, content))
                            .unwrap_or_default()
                    };
                    *months = one(&s.months);
                    *days = one(&s.days);
                    *business_days = one(&s.business_days);
                    if s.months.is_none() && s.days.is_none() && s.business_days.is_none() {
                        self.diags.push(
                            Diagnostic::error(at.clone(), format!("derived fact `{}` moves its date by nothing", raw.name.value))
                                .with_help("add `months:`, `days:` or `business_days:` (a constant's name or a number)"),
                        );
                    }
                }
            }
            Function::PeriodEnd { months, .. } => {
                if let Some(p) = &raw.period_end {
                    *months = self.amount(&p.months, at, content);
                }
            }
            Function::MonthOf { months, .. } => {
                if let Some(m) = &raw.month_of
                    && let RawMonthOf::Full {
                        months: Some(n), ..
                    } = &m.value
                {
                    let near = pos(&self.file, &m.referenced);
                    *months = self.amount_of(n, &near, content);
                }
            }
            Function::Test { condition } => {
                if let Some(c) = &raw.test {
                    *condition = self.cond(c, at, known);
                }
            }
            _ => {}
        }
        let when = raw.when.as_ref().map(|w| self.cond(w, at, known));
        let when_refs = when
            .as_ref()
            .map(|w| {
                crate::model::facts::condition_facts(w)
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        if let Function::Test { condition } = &function {
            for f in crate::model::facts::condition_facts(condition) {
                refs.push((f.to_string(), at.clone()));
            }
        }
        if raw.unit_one.is_some() && raw.unit.as_deref().is_none_or(str::is_empty) {
            self.diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("`unit_one:` of derived fact `{}` needs a `unit:` beside it", raw.name.value),
                )
                .with_help("`unit_one:` is the unit after the number 1 (`unit: \" readers\"`, `unit_one: \" reader\"`)"),
            );
        }
        Some(Pending {
            fact: DerivedFact {
                name: raw.name.value.clone(),
                label: raw.label.clone(),
                unit: raw.unit.clone().filter(|u| !u.is_empty()),
                unit_one: raw.unit_one.clone().filter(|u| !u.is_empty()),
                kind: FactType::Text,
                function,
                when,
                pos: at.clone(),
            },
            refs,
            when_refs,
        })
    }

    /// A number from constants and literals; an unknown constant is an error.
    /// The closed periods `names` names (`skip:`), each one declared under
    /// `closed_days:` in constants.yaml; an unknown name is an error at it.
    fn closed_periods(
        &mut self,
        names: &[Spanned<String>],
        at: &SourcePos,
        content: &Content,
    ) -> Vec<crate::model::facts::ClosedPeriod> {
        let mut out = Vec::new();
        for n in names {
            match content.closed_days.iter().find(|c| c.name == n.value) {
                Some(c) => out.push(c.clone()),
                None => {
                    let p = pos(&self.file, &n.referenced);
                    let known: Vec<&str> = content
                        .closed_days
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    self.diags.push(unknown_name(
                        if p.line == 0 { at.clone() } else { p },
                        format!("unknown closed period `{}`", n.value),
                        "declare it under `closed_days:` in content/constants.yaml",
                        &known,
                    ));
                }
            }
        }
        out
    }

    fn amount(&mut self, a: &Spanned<RawAmount>, at: &SourcePos, content: &Content) -> Amount {
        let p = pos(&self.file, &a.referenced);
        let near = if p.line == 0 { at.clone() } else { p };
        self.amount_of(&a.value, &near, content)
    }

    fn amount_of(&mut self, a: &RawAmount, at: &SourcePos, content: &Content) -> Amount {
        let terms: Vec<&RawTerm> = match a {
            RawAmount::One(t) => vec![t],
            RawAmount::Many(v) => v.iter().collect(),
        };
        let mut out = Amount::default();
        let mut written = Vec::new();
        for t in terms {
            match t {
                RawTerm::Number(n) => {
                    out.value += n;
                    written.push(n.to_string());
                }
                RawTerm::Constant(c) => {
                    written.push(c.value.clone());
                    match content.constants.get(&c.value) {
                        Some(v) => out.value += v,
                        None => {
                            let p = pos(&self.file, &c.referenced);
                            let known: Vec<&str> =
                                content.constants.keys().map(String::as_str).collect();
                            self.diags.push(unknown_name(
                                if p.line == 0 { at.clone() } else { p },
                                format!("unknown constant `{}`", c.value),
                                "add it to content/constants.yaml",
                                &known,
                            ));
                        }
                    }
                }
            }
        }
        out.written = written.join(" + ");
        out
    }
}

/// Orders the declarations so that each comes after what it reads, reports
/// cycles, and works out and checks every type.
/// An unknown name's error, its help listing the names that are known.
fn unknown_name(at: SourcePos, message: String, fix: &str, known: &[&str]) -> Diagnostic {
    let known = if known.is_empty() {
        "(none declared)".to_string()
    } else {
        known.join(", ")
    };
    Diagnostic::error(at, message).with_help(format!("{fix} or use one of: {known}"))
}

fn order_and_type(
    pending: Vec<Pending>,
    content: &Content,
    diags: &mut Diagnostics,
) -> Vec<DerivedFact> {
    let index: BTreeMap<String, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fact.name.clone(), i))
        .collect();
    // 0 = not visited, 1 = on the path, 2 = done.
    let mut state = vec![0u8; pending.len()];
    let mut order = Vec::new();
    let mut in_cycle = BTreeSet::new();
    fn visit(
        i: usize,
        pending: &[Pending],
        index: &BTreeMap<String, usize>,
        state: &mut [u8],
        path: &mut Vec<usize>,
        order: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        match state[i] {
            2 => return,
            1 => {
                let start = path.iter().position(|&x| x == i).unwrap_or(0);
                cycles.push(path[start..].to_vec());
                return;
            }
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        let p = &pending[i];
        let deps = p
            .refs
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(p.when_refs.iter().map(String::as_str));
        for d in deps {
            if let Some(&j) = index.get(d) {
                visit(j, pending, index, state, path, order, cycles);
            }
        }
        path.pop();
        state[i] = 2;
        order.push(i);
    }
    let mut cycles = Vec::new();
    for i in 0..pending.len() {
        visit(
            i,
            &pending,
            &index,
            &mut state,
            &mut Vec::new(),
            &mut order,
            &mut cycles,
        );
    }
    for c in cycles {
        let names: Vec<&str> = c.iter().map(|&i| pending[i].fact.name.as_str()).collect();
        let first = &pending[c[0]].fact;
        diags.push(
            Diagnostic::error(
                first.pos.clone(),
                format!(
                    "derived facts read each other in a cycle: {} → {}",
                    names.join(" → "),
                    names[0]
                ),
            )
            .with_help("a derived fact cannot depend on itself, directly or through others: compute one of them from fields"),
        );
        in_cycle.extend(c);
    }
    let mut done: Vec<DerivedFact> = Vec::new();
    let mut slots: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    for i in order {
        if in_cycle.contains(&i) {
            continue;
        }
        let Some(mut p) = slots[i].take() else {
            continue;
        };
        let type_of = |name: &str| -> Option<FactType> {
            content
                .fields
                .get(name)
                .map(|f| FactType::of_field(f.kind))
                .or_else(|| done.iter().find(|d| d.name == name).map(|d| d.kind))
        };
        // The type of a list's items: a field's `items:`, or the dates of a
        // derived list of dates.
        let item_of = |name: &str| -> Option<FactType> {
            content
                .fields
                .get(name)
                .and_then(|f| f.items)
                .map(FactType::of_field)
                .or_else(|| {
                    done.iter()
                        .find(|d| d.name == name)
                        .and_then(crate::model::facts::DerivedFact::item_type)
                })
        };
        p.fact.kind = check_types(&p, &type_of, &item_of, content, diags);
        done.push(p.fact);
    }
    done
}

/// The result type of a function, reporting arguments of the wrong type.
fn check_types(
    p: &Pending,
    type_of: &dyn Fn(&str) -> Option<FactType>,
    item_of: &dyn Fn(&str) -> Option<FactType>,
    content: &Content,
    diags: &mut Diagnostics,
) -> FactType {
    let f = &p.fact;
    let at = |name: &str| {
        p.refs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, q)| q.clone())
            .unwrap_or_else(|| f.pos.clone())
    };
    let mut need = |name: &str, ok: &[FactType], what: &str, hint: &str| {
        if let Some(t) = type_of(name)
            && !ok.contains(&t)
        {
            diags.push(
                Diagnostic::error(
                    at(name),
                    format!(
                        "`{}` of derived fact `{}` needs {what}, but `{name}` is a {}",
                        fn_name(&f.function),
                        f.name,
                        t.name()
                    ),
                )
                .with_help(hint.to_string()),
            );
        }
    };
    use FactType as T;
    match &f.function {
        Function::Today => T::Date,
        Function::Count { list } | Function::CountDistinct { list } => {
            need(
                list,
                &[T::List],
                "a list",
                "name a field of kind `list` (e.g. terminals)",
            );
            T::Number
        }
        Function::Without { list, remove }
        | Function::Occurrences {
            list,
            among: remove,
        } => {
            for l in [list, remove] {
                need(
                    l,
                    &[T::List],
                    "a list",
                    "name a field of kind `list` or a derived list (e.g. terminals)",
                );
            }
            T::List
        }
        Function::Times { fact, .. } => {
            need(
                fact,
                &[T::Number],
                "a number",
                "name an integer field or a derived number (e.g. a count)",
            );
            T::Number
        }
        // A list of dates moves item by item: a list of dates in the same
        // order (each terminal's expiry → each terminal's day to renew by).
        Function::DateShift { date, .. }
            if type_of(date) == Some(T::List) && item_of(date) == Some(T::Date) =>
        {
            T::List
        }
        Function::DateShift { date, .. } | Function::PeriodEnd { date, .. } => {
            need(
                date,
                &[T::Date],
                "a date",
                "name a date field or a derived date (e.g. today)",
            );
            T::Date
        }
        Function::ClosedBetween { from, to, .. } => {
            for d in [from, to] {
                need(
                    d,
                    &[T::Date],
                    "a date",
                    "name a date field or a derived date",
                );
            }
            T::List
        }
        Function::DaysBetween { from, to } => {
            for d in [from, to] {
                need(
                    d,
                    &[T::Date, T::YearMonth],
                    "a date or a year-month",
                    "name a date or year_month field or a derived date",
                );
            }
            T::Number
        }
        Function::MonthOf { date, .. } => {
            need(
                date,
                &[T::Date],
                "a date",
                "name a date field or a derived date (e.g. today)",
            );
            T::YearMonth
        }
        Function::Test { .. } => T::YesNo,
        Function::LabelOf { fact } => {
            let ok = content.fields.get(fact).is_some_and(|d| {
                matches!(
                    d.kind,
                    FieldKind::Choice | FieldKind::Prefecture | FieldKind::FeeSchedule
                )
            });
            if !ok && type_of(fact).is_some() {
                diags.push(
                    Diagnostic::error(at(fact), format!("`label_of` of derived fact `{}` needs a choice, prefecture or fee_schedule field, but `{fact}` is not one", f.name))
                        .with_help("name a field of kind choice, prefecture or fee_schedule"),
                );
            }
            T::Text
        }
        Function::Map { .. } => T::Text,
        Function::IdKind { fact } | Function::IdNumber { fact } => {
            let ok = content
                .fields
                .get(fact)
                .is_some_and(|d| d.kind == FieldKind::CustomerId);
            if !ok && type_of(fact).is_some() {
                diags.push(
                    Diagnostic::error(at(fact), format!("`{}` of derived fact `{}` needs a customer_id field, but `{fact}` is not one", fn_name(&f.function), f.name))
                        .with_help("name a field of kind customer_id (e.g. line.customer_id)"),
                );
            }
            T::Text
        }
        Function::Join { facts, .. } => {
            for x in facts {
                need(
                    x,
                    &[T::Text, T::Number, T::Date, T::YearMonth, T::YesNo],
                    "a single value",
                    "a list cannot be joined: name its count or use the list itself in {{ }}",
                );
            }
            T::Text
        }
        Function::Concat { facts } => {
            for x in facts {
                need(
                    x,
                    &[T::Text, T::Number, T::Date, T::YearMonth, T::YesNo],
                    "a single value",
                    "a list cannot be run together: name a single-valued fact",
                );
            }
            T::Text
        }
        Function::First { facts } => {
            let first = facts.first().and_then(|x| type_of(x)).unwrap_or(T::Text);
            for x in facts.iter().skip(1) {
                if let Some(t) = type_of(x)
                    && t != first
                {
                    diags.push(
                        Diagnostic::error(
                            at(x),
                            format!(
                                "`first` of derived fact `{}` mixes a {} and a {} (`{x}`)",
                                f.name,
                                first.name(),
                                t.name()
                            ),
                        )
                        .with_help("every candidate of `first` must have the same type"),
                    );
                }
            }
            first
        }
    }
}

fn fn_name(f: &Function) -> &'static str {
    match f {
        Function::Today => "today",
        Function::Count { .. } => "count",
        Function::CountDistinct { .. } => "count_distinct",
        Function::Without { .. } => "without",
        Function::Occurrences { .. } => "occurrences",
        Function::Times { .. } => "times",
        Function::DateShift { minus: false, .. } => "date_plus",
        Function::DateShift { minus: true, .. } => "date_minus",
        Function::DaysBetween { .. } => "days_between",
        Function::ClosedBetween { .. } => "closed_between",
        Function::MonthOf { .. } => "month_of",
        Function::PeriodEnd { .. } => "period_end",
        Function::Test { .. } => "test",
        Function::LabelOf { .. } => "label_of",
        Function::Map { .. } => "map",
        Function::Join { .. } => "join",
        Function::Concat { .. } => "concat",
        Function::First { .. } => "first",
        Function::IdKind { .. } => "id_kind",
        Function::IdNumber { .. } => "id_number",
    }
}

// ------------------------------------------------------------ uses of facts

/// A fact named somewhere: as written, where, whether it is a `{{ }}`
/// placeholder (other uses report unknown facts where they are read), and
/// whether it is read inside a repetition (`for_each`: `each.*` exist there).
pub(crate) type Use<'a> = (&'a str, &'a SourcePos, bool, bool);

/// Marks the uses from `start` on as read inside a repetition.
fn repeated(out: &mut [Use<'_>], start: usize, yes: bool) {
    for u in &mut out[start..] {
        u.3 |= yes;
    }
}

/// Every fact reference of a manual: `(placeholder or path, where)`. Placeholders
/// keep their `| unit`.
pub(crate) fn manual_refs(m: &Manual) -> Vec<Use<'_>> {
    let mut out: Vec<Use<'_>> = Vec::new();
    let at = &m.pos;
    cond(m.when.as_ref(), at, &mut out);
    cased(&m.summary, at, &mut out);
    cased(&m.closing, at, &mut out);
    for c in &m.contacts {
        rich(&c.note, at, &mut out);
    }
    for c in &m.checklist {
        cond(c.when.as_ref(), &c.pos, &mut out);
        cased(&c.text, &c.pos, &mut out);
    }
    for d in &m.dates {
        if let Some(list) = &d.for_each {
            out.push(named(list, &d.pos));
        }
        let start = out.len();
        date_refs(d, &mut out);
        repeated(&mut out, start, d.for_each.is_some());
    }
    for p in &m.parts {
        cond(p.when.as_ref(), &p.pos, &mut out);
        if let Some(fe) = &p.for_each {
            out.push(named(&fe.list, &p.pos));
        }
        let part_start = out.len();
        part_refs(p, &mut out);
        repeated(&mut out, part_start, p.for_each.is_some());
    }
    out
}

/// The fact references of a schedule line.
fn date_refs<'a>(d: &'a crate::model::manual::DateItem, out: &mut Vec<Use<'a>>) {
    out.push(named(&d.fact, &d.pos));
    line(&d.label, &d.pos, out);
    line(&d.basis, &d.pos, out);
    for dl in [&d.deadline, &d.not_before].into_iter().flatten() {
        out.push(named(dl, &d.pos));
    }
    cond(d.when.as_ref(), &d.pos, out);
}

/// A schedule line shows one date: a list of dates (each terminal's
/// expiry) is shown one line an item with `for_each:`, and a `for_each:`
/// names a list. Before, a list of dates was no date and its line silently
/// left out of the schedule.
pub(crate) fn check_date_lines(content: &Content, diags: &mut Diagnostics) {
    for d in content.manuals.iter().flat_map(|m| &m.dates) {
        if let Some(list) = &d.for_each
            && content.fact_type(list) != Some(FactType::List)
        {
            diags.push(
                Diagnostic::error(
                    d.pos.clone(),
                    format!("`for_each: {list}` of the date line `{}` does not name a list", d.fact),
                )
                .with_help("name a list field or a derived list: the line is shown once for each of its items"),
            );
            continue;
        }
        let t = content.fact_type(&d.fact);
        if t == Some(FactType::List) {
            let paired = format!("each.{}", d.fact);
            diags.push(
                Diagnostic::error(
                    d.pos.clone(),
                    format!("the date line `{}` names a list: a line shows one date", d.fact),
                )
                .with_help(format!(
                    "show one line an item: `{{ fact: {paired}, for_each: LIST, label: \"{{{{ each.item }}}}の…\" }}`, LIST the list that names the items"
                )),
            );
        } else if t.is_some_and(|t| t != FactType::Date) {
            diags.push(
                Diagnostic::error(
                    d.pos.clone(),
                    format!(
                        "the date line `{}` is a {}, not a date",
                        d.fact,
                        t.map_or("", FactType::name)
                    ),
                )
                .with_help("name a date field or a derived date"),
            );
        }
    }
}

/// The fact references inside a part: its label, texts and steps.
fn part_refs<'a>(p: &'a crate::model::manual::Part, out: &mut Vec<Use<'a>>) {
    if let Some(l) = p.for_each.as_ref().and_then(|fe| fe.label.as_ref()) {
        line(l, &p.pos, out);
    }
    cased(&p.intro, &p.pos, out);
    rich(&p.outro, &p.pos, out);
    for s in &p.steps {
        cond(s.when.as_ref(), &s.pos, out);
        let step_start = out.len();
        step_refs(s, out);
        repeated(out, step_start, s.for_each.is_some());
    }
}

/// The fact references inside a step: its repetition, texts and screens.
fn step_refs<'a>(s: &'a crate::model::Step, out: &mut Vec<Use<'a>>) {
    let at = &s.pos;
    if let Some(fe) = &s.for_each {
        out.push(named(&fe.list, at));
        if let Some(l) = &fe.label {
            line(l, at, out);
        }
    }
    cased(&s.body, at, out);
    for n in &s.notes {
        cond(n.when.as_ref(), &n.pos, out);
        if let Some(t) = &n.title {
            line(t, &n.pos, out);
        }
        cased(&n.body, &n.pos, out);
    }
    for sc in s.screen.iter().chain(&s.figure) {
        screen_refs(sc, out);
    }
}

/// The lists paired inside a repetition: a part (or step) repeated over one
/// list that reads `each.<other list>` takes the other list's item at the
/// same number, so the two are meant to be as long as each other.
pub(crate) fn list_pairs(content: &Content) -> Vec<crate::model::manual::ListPair> {
    let mut out: Vec<crate::model::manual::ListPair> = Vec::new();
    let mut add = |list: &str, refs: Vec<Use<'_>>| {
        for (expr, _, _, _) in refs {
            let Some(with) = content.paired_list(FactRef::parse(expr).path) else {
                continue;
            };
            if with != list && !out.iter().any(|p| p.list == list && p.with == with) {
                out.push(crate::model::manual::ListPair {
                    list: list.to_string(),
                    with: with.to_string(),
                });
            }
        }
    };
    for r in &content.rules {
        if let Some(list) = &r.for_each {
            add(list, rule_refs(r));
        }
    }
    for d in content.manuals.iter().flat_map(|m| &m.dates) {
        if let Some(list) = &d.for_each {
            let mut refs = Vec::new();
            date_refs(d, &mut refs);
            add(list, refs);
        }
    }
    for m in &content.manuals {
        for p in &m.parts {
            if let Some(fe) = &p.for_each {
                let mut refs = Vec::new();
                part_refs(p, &mut refs);
                add(&fe.list, refs);
                continue;
            }
            for s in &p.steps {
                if let Some(fe) = &s.for_each {
                    let mut refs = Vec::new();
                    step_refs(s, &mut refs);
                    add(&fe.list, refs);
                }
            }
        }
    }
    out
}

fn screen_refs<'a>(sc: &'a crate::model::manual::Screen, out: &mut Vec<Use<'a>>) {
    rich(&sc.lead, &sc.pos, out);
    rich(&sc.foot, &sc.pos, out);
    if let Some(alt) = &sc.alt {
        line(alt, &sc.pos, out);
    }
    for r in &sc.rows {
        let at = &r.pos;
        cond(r.when.as_ref(), at, out);
        cond(r.applies.as_ref(), at, out);
        cond(r.value_when.as_ref(), at, out);
        if let Some(t) = &r.not_applicable {
            line(t, at, out);
        }
        if let Some(t) = &r.unsettled {
            line(t, at, out);
        }
        if let Some(t) = &r.if_empty {
            line(t, at, out);
        }
        match &r.value {
            crate::model::manual::ValueSource::Field { path: f } => out.push(named(f, at)),
            crate::model::manual::ValueSource::Fixed { text } => line(text, at, out),
            crate::model::manual::ValueSource::None => {}
        }
        cased(&r.help, at, out);
        cased(&r.sheet_note, at, out);
        for (w, c) in r.callout.alternatives() {
            cond(w, at, out);
            line(&c.text, at, out);
            rich(&c.detail, at, out);
        }
    }
}

/// Every fact reference of a rule.
pub(crate) fn rule_refs(r: &crate::model::rule::Rule) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    let at = &r.pos;
    cond(Some(&r.when), at, &mut out);
    line(&r.title, at, &mut out);
    if let Some(e) = &r.expect {
        line(e, at, &mut out);
    }
    cased(&r.message, at, &mut out);
    cased(&r.consequence, at, &mut out);
    // A rule read per item (`for_each:`) has `each.*` as a repeated part has.
    repeated(&mut out, 0, r.for_each.is_some());
    out
}

fn named<'a>(p: &'a str, at: &'a SourcePos) -> Use<'a> {
    (p, at, false, false)
}

fn rich<'a>(r: &'a Rich, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    // In a table's body row, `each.<list>` and `each.number` are an item's:
    // the row is repeated once an item.
    let rows = r.row_placeholders();
    let in_row = |p: &str| {
        rows.iter().any(|q| std::ptr::eq(*q, p))
            && (p.trim() == "each.number"
                || FactRef::parse(p)
                    .path
                    .strip_prefix("each.")
                    .is_some_and(|l| !matches!(l, "item" | "number" | "count")))
    };
    out.extend(
        r.placeholders()
            .into_iter()
            .map(|p| (p, at, true, in_row(p))),
    );
}

fn line<'a>(s: &'a str, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    out.extend(
        crate::model::facts::line_placeholders(s)
            .into_iter()
            .map(|p| (p, at, true, false)),
    );
}

fn cased<'a>(c: &'a Cased<Rich>, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    for (w, r) in c.alternatives() {
        cond(w, at, out);
        rich(r, at, out);
    }
}

fn cond<'a>(c: Option<&'a Condition>, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    if let Some(c) = c {
        out.extend(
            crate::model::facts::condition_facts(c)
                .into_iter()
                .map(|p| (p, at, false, false)),
        );
    }
}

/// Checks the references of manuals and rules (unknown facts in `{{ }}`, a
/// `| unit` on a fact without one) and returns the fields they use, directly
/// or through derived facts.
pub(crate) fn check_uses(content: &Content, diags: &mut Diagnostics) -> BTreeSet<String> {
    let mut refs: Vec<Use<'_>> = Vec::new();
    for m in &content.manuals {
        refs.extend(manual_refs(m));
    }
    for r in &content.rules {
        refs.extend(rule_refs(r));
    }
    let rule_ids: BTreeSet<&str> = content.rules.iter().map(|r| r.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = Vec::new();
    for (expr, at, placeholder, in_repetition) in refs {
        let r = FactRef::parse(expr);
        let path = r.path;
        if !in_repetition && path.starts_with("each.") {
            diags.push(
                Diagnostic::error(at.clone(), format!("`{path}` is used outside a repetition"))
                    .with_help("each.item, each.number, each.count and each.<list> exist only inside a part or step with `for_each:` (and in its label)"),
            );
            continue;
        }
        let known = content.fact_type(path).is_some()
            || path
                .strip_prefix("finding.")
                .is_some_and(|id| rule_ids.contains(id));
        if !known {
            // Conditions, rows and dates report their unknown facts as they
            // are read; this catches `{{ }}` in texts.
            if placeholder && seen.insert((path.to_string(), at.to_string())) {
                diags.push(
                    Diagnostic::error(at.clone(), format!("unknown value `{{{{ {path} }}}}`"))
                        .with_help("use a field path from content/fields.yaml or a derived fact (content/facts.yaml or the manual's `facts:`)"),
                );
            }
            continue;
        }
        if let Some(f) = r.unknown_filter {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("unknown filter `{f}` in `{{{{ {expr} }}}}`"),
                )
                .with_help("the filters are `unit` (`{{ certificates | unit }}`), `as_written` (a choice with the data's own words, `{{ line.carrier | as_written }}`) and `days_left` (a number of days in words, `{{ days_until_installation | days_left }}`)"),
            );
        }
        if r.as_written
            && content
                .fields
                .get(path)
                .is_none_or(|f| f.kind != crate::model::clinic::FieldKind::Choice)
        {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("`{path}` is not a choice field, but `{{{{ {expr} }}}}` asks for its words as written"),
                )
                .with_help(format!("`as_written` shows a choice field's option with the data's own words for it; write `{{{{ {path} }}}}`")),
            );
        }
        if r.days_left && content.fact_type(path) != Some(crate::model::facts::FactType::Number) {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("`{path}` is not a number of days, but `{{{{ {expr} }}}}` says it in words"),
                )
                .with_help("`days_left` says a number fact of days (`days_between`) as 「今日」「明日」「あと3日」"),
            );
        }
        if r.unit && content.fact_unit(path).is_none() {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("`{path}` has no unit, but `{{{{ {expr} }}}}` asks for it"),
                )
                .with_help(format!(
                    "write `{{{{ {path} }}}}`, or give the derived fact a `unit:`"
                )),
            );
        }
        todo.push(path);
    }
    // Expand derived facts into the fields they read.
    let mut used = BTreeSet::new();
    let mut visited = BTreeSet::new();
    while let Some(p) = todo.pop() {
        if !visited.insert(p.to_string()) {
            continue;
        }
        if content.fields.get(p).is_some() {
            used.insert(p.to_string());
        }
        if let Some(list) = content.paired_list(p) {
            todo.push(list);
        }
        if let Some(d) = content.derived(p) {
            todo.extend(d.function.inputs());
            if let Some(w) = &d.when {
                todo.extend(crate::model::facts::condition_facts(w));
            }
        }
    }
    used
}

/// A content folder written from `files` (name, text) and loaded, for tests
/// here and in `eval::facts`.
#[cfg(test)]
pub(crate) fn test_content(files: &[(&str, &str)]) -> (Content, Diagnostics) {
    let d = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    }
    super::load_content(d.path())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small schema with one field of each kind the functions read.
    pub(crate) const FIELDS: &str = "\
fields:
  - { path: terminals, label: 端末名称, kind: list }
  - { path: start, label: 開始日, kind: date }
  - { path: month, label: 開始月, kind: year_month }
  - path: plan
    label: 契約
    kind: choice
    options:
      - { value: signed, label: 契約済み, checked: true }
      - { value: none, label: 未契約 }
  - { path: pref, label: 都道府県, kind: prefecture }
  - path: table
    label: 点数表
    kind: fee_schedule
    options:
      - { value: 1, name: 医科, label: \"1:医療機関（医科）\", confirmed: false, shown: 1（医科） }
      - { value: 3, name: 歯科, label: \"3:医療機関（歯科）\", confirmed: true }
  - path: id
    label: お客さまID
    kind: customer_id
    formats: [{ prefix: CAF, digits: 10 }]
  - { path: n, label: 台数, kind: integer }
  - { path: dept, label: 部署, kind: text }
  - { path: person, label: 担当者, kind: text }
";
    pub(crate) const CONSTANTS: &str = "constants:\n  fee: 1500\n  mail: 7\n  margin: 3\n";

    /// Loads `facts` (the text of facts.yaml) with the small schema, plus
    /// any other files; returns the content and its error messages with
    /// `file:line:column`.
    pub(crate) fn load(facts: &str, more: &[(&str, &str)]) -> (Content, Vec<(String, String)>) {
        let mut files = vec![
            ("fields.yaml", FIELDS),
            ("constants.yaml", CONSTANTS),
            ("facts.yaml", facts),
        ];
        files.extend_from_slice(more);
        let (c, d) = test_content(&files);
        let errs =
            d.0.iter()
                .map(|x| {
                    let file = x.pos.file.file_name().unwrap_or_default().to_string_lossy();
                    (
                        format!("{} | {}", x.message, x.help.clone().unwrap_or_default()),
                        format!("{file}:{}:{}", x.pos.line, x.pos.column),
                    )
                })
                .collect();
        (c, errs)
    }

    /// The single error of `facts`: (message with help, location).
    fn error(facts: &str) -> (String, String) {
        let (_, e) = load(facts, &[]);
        assert_eq!(e.len(), 1, "{e:?}");
        e.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn declarations_load_in_dependency_order_with_types() {
        let (c, e) = load(
            "facts:
  - { name: fee_total, label: 合計, unit: 円, times: { fact: count, by: fee } }
  - { name: count, label: 枚数, unit: 枚, count: terminals }
  - { name: today, label: 今日, today: true }
",
            &[],
        );
        assert!(e.is_empty(), "{e:?}");
        let names: Vec<&str> = c.derived.iter().map(|d| d.name.as_str()).collect();
        let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(at("count") < at("fee_total"), "{names:?}");
        assert_eq!(c.fact_type("fee_total"), Some(FactType::Number));
        assert_eq!(c.fact_type("today"), Some(FactType::Date));
        assert_eq!(c.fact_label("count | unit"), Some("枚数"));
        assert_eq!(c.fact_unit("fee_total"), Some("円"));
        assert_eq!(c.fact_label("terminals"), Some("端末名称"));
        assert_eq!(c.fact_label("each.item"), Some("その回の項目"));
        assert_eq!(c.fact_label("nothing"), None);
        match &c
            .derived(c.derived[at("fee_total")].name.as_str())
            .unwrap()
            .function
        {
            Function::Times { by, .. } => {
                assert_eq!((by.value, by.written.as_str()), (1500.0, "fee"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_constant_is_located_and_lists_the_known_ones() {
        let (m, at) = error(
            "facts:
  - name: total
    label: 合計
    times: { fact: n, by: fee_yen }
",
        );
        assert!(m.contains("unknown constant `fee_yen`"), "{m}");
        assert!(m.contains("fee, mail, margin"), "{m}");
        assert_eq!(at, "facts.yaml:4:27");
    }

    #[test]
    fn an_unknown_fact_is_located() {
        let (m, at) = error("facts:\n  - { name: c, label: 数, count: terminal }\n");
        assert!(m.contains("unknown fact `terminal`"), "{m}");
        assert_eq!(at, "facts.yaml:2:33");
    }

    #[test]
    fn a_name_is_declared_once_and_never_a_fields() {
        let (m, _) = error(
            "facts:\n  - { name: c, label: 数, count: terminals }\n  - { name: c, label: 数, count: terminals }\n",
        );
        assert!(m.contains("derived fact `c` is declared twice"), "{m}");
        let (m, at) = error("facts:\n  - { name: start, label: 数, count: terminals }\n");
        assert!(m.contains("`start` is a field"), "{m}");
        assert_eq!(at, "facts.yaml:2:13");
        let (m, _) = error("facts:\n  - { name: each.item, label: x, count: terminals }\n");
        assert!(m.contains("is built in"), "{m}");
    }

    #[test]
    fn exactly_one_function() {
        let (m, _) = error("facts:\n  - { name: c, label: 数 }\n");
        assert!(
            m.contains("has no function")
                && m.contains("count, count_distinct, without, occurrences, times"),
            "{m}"
        );
        let (m, _) = error("facts:\n  - { name: c, label: 数, count: terminals, today: true }\n");
        assert!(m.contains("more than one function"), "{m}");
        let (m, _) = error("facts:\n  - { name: d, label: 日, date_plus: { date: start } }\n");
        assert!(m.contains("moves its date by nothing"), "{m}");
        let (m, _) = error("facts:\n  - { name: d, label: 日, first: [] }\n");
        assert!(m.contains("lists no facts"), "{m}");
    }

    #[test]
    fn a_function_given_the_wrong_type_is_a_located_error() {
        for (decl, want) in [
            (
                "count: start",
                "`count` of derived fact `x` needs a list, but `start` is a date",
            ),
            (
                "times: { fact: start, by: fee }",
                "needs a number, but `start` is a date",
            ),
            (
                "date_plus: { date: n, days: 1 }",
                "needs a date, but `n` is a number",
            ),
            (
                "days_between: { from: start, to: terminals }",
                "needs a date or a year-month, but `terminals` is a list",
            ),
            (
                "month_of: month",
                "needs a date, but `month` is a year-month",
            ),
            (
                "label_of: dept",
                "needs a choice, prefecture or fee_schedule field",
            ),
            ("id_kind: dept", "needs a customer_id field"),
            (
                "map: { fact: table, to: dept, values: { 3: signed } }",
                "`map` needs a choice field as `to`, but `dept` is not one",
            ),
            (
                "map: { fact: table, to: plan, values: { 3: maybe } }",
                "`map` gives `maybe` for `3`, but `plan` has no option `maybe`",
            ),
            (
                "map: { fact: table, to: plan, values: { 2: signed } }",
                "`map` pairs `2`, but `table` has no option `2`",
            ),
            ("first: [start, month]", "mixes a date and a year-month"),
            (
                "join: { facts: [dept, terminals] }",
                "needs a single value, but `terminals` is a list",
            ),
            ("concat: [terminals]", "needs a single value"),
        ] {
            let (m, at) = error(&format!("facts:\n  - name: x\n    label: x\n    {decl}\n"));
            assert!(m.contains(want), "{decl}: {m}");
            assert!(at.starts_with("facts.yaml:4:"), "{decl}: {at}");
        }
    }

    #[test]
    fn facts_reading_each_other_in_a_cycle_are_an_error() {
        let (m, at) = error(
            "facts:
  - { name: a, label: a, first: [b] }
  - { name: b, label: b, first: [c] }
  - { name: c, label: c, first: [a] }
  - { name: ok, label: ok, count: terminals }
",
        );
        assert!(m.contains("cycle: a → b → c → a"), "{m}");
        assert!(m.contains("cannot depend on itself"), "{m}");
        assert_eq!(at, "facts.yaml:2:13");
        // Through a condition too.
        let (m, _) = error("facts:\n  - { name: a, label: a, test: { fact: a, present: true } }\n");
        assert!(m.contains("cycle: a → a"), "{m}");
    }

    #[test]
    fn conditions_in_declarations_are_checked() {
        let (m, _) = error(
            "facts:\n  - { name: a, label: a, when: { fact: nope, present: true }, count: terminals }\n",
        );
        assert!(m.contains("unknown fact `nope`"), "{m}");
        let (m, _) =
            error("facts:\n  - { name: a, label: a, test: { fact: each.number, eq: 1 } }\n");
        assert!(m.contains("unknown fact `each.number`"), "{m}");
    }

    const RULE: &str = "rules:
  - id: r
    severity: info
    when: { fact: n, ge: 1 }
    title: \"{{ TITLE }}\"
    message: x
    applies_when: x
";

    #[test]
    fn a_unit_is_asked_only_of_a_fact_that_has_one() {
        let facts = "facts:\n  - { name: c, label: 数, unit: 枚, count: terminals }\n  - { name: t, label: 今日, today: true }\n";
        let rule = |t: &str| RULE.replace("TITLE", t);
        let (_, e) = load(facts, &[("rules/r.yaml", &rule("c | unit"))]);
        assert!(e.is_empty(), "{e:?}");
        let (_, e) = load(facts, &[("rules/r.yaml", &rule("t | unit"))]);
        assert!(e[0].0.contains("`t` has no unit"), "{e:?}");
        assert_eq!(e[0].1, "r.yaml:2:9");
        let (_, e) = load(facts, &[("rules/r.yaml", &rule("c | upper"))]);
        assert!(e[0].0.contains("unknown filter `upper`"), "{e:?}");
        let (_, e) = load(facts, &[("rules/r.yaml", &rule("nope"))]);
        assert!(e[0].0.contains("unknown value `{{ nope }}`"), "{e:?}");
    }

    fn manual(rows: &str) -> String {
        format!(
            "id: m
title: M
parts:
  - id: p
    number: \"1\"
    title: P
    steps:
      - id: \"1-1\"
        title: S
        body: \"{{{{ c | unit }}}} / {{{{ dept }}}}\"
        screen:
          kind: form
          title: F
          rows:
{rows}"
        )
    }

    #[test]
    fn rows_bound_to_values_are_checked() {
        let facts = "facts:\n  - { name: c, label: 数, unit: 枚, count: terminals }\n  - { name: yes, label: 数がある, test: { fact: c, ge: 1 } }\n";
        let load_rows = |rows: &str| load(facts, &[("manuals/m/manual.yaml", &manual(rows))]);
        // A derived fact, a ticking choice, a yes/no: fine.
        let (c, e) = load_rows(
            "            - { id: a, label: A, control: text, field: c }
            - { id: b, label: B, control: checkbox, field: plan }
            - { id: d, label: D, control: checkbox, field: yes }
",
        );
        assert!(e.is_empty(), "{e:?}");
        assert!(c.ticks("plan", "signed") && !c.ticks("plan", "none"));
        assert!(c.ticks("yes", "true") && !c.ticks("yes", "false"));
        // A select on a list field says what to do.
        let (_, e) =
            load_rows("            - { id: a, label: A, control: select, field: terminals }\n");
        assert!(
            e[0].0
                .contains("select row `a` is bound to the list field `terminals`"),
            "{e:?}"
        );
        assert!(e[0].0.contains("for_each: terminals") && e[0].0.contains("control: text"));
        assert_eq!(e[0].1, "manual.yaml:15:43");
        // A checkbox nothing ticks.
        let (_, e) =
            load_rows("            - { id: a, label: A, control: checkbox, field: dept }\n");
        assert!(
            e[0].0.contains("which no value ticks") && e[0].0.contains("checked: true"),
            "{e:?}"
        );
        // `checked` belongs to fields.yaml.
        let (_, e) = load_rows(
            "            - { id: a, label: A, control: radio, options: [{ value: 1, label: x, checked: true }] }\n",
        );
        assert!(
            e[0].0.contains("`checked` belongs to a field's options"),
            "{e:?}"
        );
    }

    #[test]
    fn each_values_exist_only_inside_a_repetition() {
        let facts = "facts:\n  - { name: c, label: 数, unit: 枚, count: terminals }\n";
        let body = |m: String, text: &str| m.replace("{{ c | unit }} / {{ dept }}", text);
        let rows = "            - { id: a, label: A, control: text, field: each.item }\n";
        // Outside: the row and the body are errors.
        let (_, e) = load(
            facts,
            &[(
                "manuals/m/manual.yaml",
                &body(manual(rows), "{{ each.number }}"),
            )],
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e.iter()
                .all(|x| x.0.contains("is used outside a repetition")),
            "{e:?}"
        );
        // The same inside a step that repeats per terminal: fine.
        let inside = body(manual(rows), "{{ each.number }}").replace(
            "        title: S\n",
            "        title: S\n        for_each: { list: terminals, label: \"{{ each.item }}\" }\n",
        );
        let (_, e) = load(facts, &[("manuals/m/manual.yaml", &inside)]);
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn a_manual_declares_its_own_facts_and_the_table_lists_what_is_used() {
        let m = manual("            - { id: a, label: A, control: text, field: c }\n").replace(
            "title: M\n",
            "title: M\nfacts:\n  - { name: c, label: 数, unit: 枚, count: terminals }\n",
        );
        let (c, e) = load("facts: []\n", &[("manuals/m/manual.yaml", &m)]);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.fact_unit("c"), Some("枚"));
        // Used: terminals (through c) and dept ({{ }}); not the others.
        let used: Vec<&str> = c
            .fields
            .fields
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| c.shows_field(p))
            .collect();
        assert_eq!(used, vec!["terminals", "dept"]);
    }
}
