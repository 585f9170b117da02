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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFactsFile {
    pub facts: Vec<RawDerived>,
}

/// One declaration: name, label, unit, `when`, and exactly one function key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDerived {
    name: Spanned<String>,
    label: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    today: Option<bool>,
    #[serde(default)]
    count: Option<Spanned<String>>,
    #[serde(default)]
    times: Option<RawTimes>,
    #[serde(default)]
    date_plus: Option<RawShift>,
    #[serde(default)]
    date_minus: Option<RawShift>,
    #[serde(default)]
    days_between: Option<RawBetween>,
    #[serde(default)]
    month_of: Option<RawMonthOf>,
    #[serde(default)]
    test: Option<RawCond>,
    #[serde(default)]
    label_of: Option<Spanned<String>>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimes {
    fact: Spanned<String>,
    by: RawAmount,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShift {
    date: Spanned<String>,
    #[serde(default)]
    months: Option<RawAmount>,
    #[serde(default)]
    days: Option<RawAmount>,
    #[serde(default)]
    business_days: Option<RawAmount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBetween {
    from: Spanned<String>,
    to: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawMonthOf {
    Fact(Spanned<String>),
    Full {
        date: Spanned<String>,
        #[serde(default)]
        months: Option<RawAmount>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJoin {
    facts: Vec<Spanned<String>>,
    #[serde(default)]
    with: String,
}

/// A number: a constant's name, a literal, or a list of them (summed).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawAmount {
    One(RawTerm),
    Many(Vec<RawTerm>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTerm {
    Number(f64),
    Constant(Spanned<String>),
}

/// The function names, for messages.
const FUNCTIONS: &str = "today, count, times, date_plus, date_minus, days_between, month_of, test, label_of, join, concat, first, id_kind, id_number";

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
    let mut pending: Vec<Pending> = Vec::new();
    for (raw, file) in declared {
        let at = pos(&file, &raw.name.referenced);
        if names.get(&raw.name.value) != Some(&at) {
            continue; // a clash, reported above
        }
        let mut ctx = Ctx {
            file: file.clone(),
            diags,
        };
        if let Some(p) = ctx.function(&raw, &at, content, &known) {
            pending.push(p);
        }
    }
    order_and_type(pending, content, diags)
}

impl Ctx<'_> {
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
        let r = |s: &Spanned<String>, refs: &mut Vec<(String, SourcePos)>| {
            refs.push((s.value.clone(), pos(&file, &s.referenced)));
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
                });
            }
        }
        if let Some(b) = &raw.days_between {
            found.push(Function::DaysBetween {
                from: r(&b.from, &mut refs),
                to: r(&b.to, &mut refs),
            });
        }
        if let Some(m) = &raw.month_of {
            let date = match m {
                RawMonthOf::Fact(d) | RawMonthOf::Full { date: d, .. } => d,
            };
            found.push(Function::MonthOf {
                date: r(date, &mut refs),
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
            Function::DateShift {
                months,
                days,
                business_days,
                ..
            } => {
                if let Some(s) = raw.date_plus.as_ref().or(raw.date_minus.as_ref()) {
                    let mut one = |a: &Option<RawAmount>| {
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
            Function::MonthOf { months, .. } => {
                if let Some(RawMonthOf::Full {
                    months: Some(m), ..
                }) = &raw.month_of
                {
                    *months = self.amount(m, at, content);
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
        Some(Pending {
            fact: DerivedFact {
                name: raw.name.value.clone(),
                label: raw.label.clone(),
                unit: raw.unit.clone().filter(|u| !u.is_empty()),
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
    fn amount(&mut self, a: &RawAmount, at: &SourcePos, content: &Content) -> Amount {
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
                            self.diags.push(
                                Diagnostic::error(
                                    if p.line == 0 { at.clone() } else { p },
                                    format!("unknown constant `{}`", c.value),
                                )
                                .with_help(format!(
                                    "add it to content/constants.yaml or use one of: {}",
                                    if known.is_empty() {
                                        "(none declared)".to_string()
                                    } else {
                                        known.join(", ")
                                    }
                                )),
                            );
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
        p.fact.kind = check_types(&p, &type_of, content, diags);
        done.push(p.fact);
    }
    done
}

/// The result type of a function, reporting arguments of the wrong type.
fn check_types(
    p: &Pending,
    type_of: &dyn Fn(&str) -> Option<FactType>,
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
        Function::Count { list } => {
            need(
                list,
                &[T::List],
                "a list",
                "name a field of kind `list` (e.g. terminals)",
            );
            T::Number
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
        Function::DateShift { date, .. } => {
            need(
                date,
                &[T::Date],
                "a date",
                "name a date field or a derived date (e.g. today)",
            );
            T::Date
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
        Function::Times { .. } => "times",
        Function::DateShift { minus: false, .. } => "date_plus",
        Function::DateShift { minus: true, .. } => "date_minus",
        Function::DaysBetween { .. } => "days_between",
        Function::MonthOf { .. } => "month_of",
        Function::Test { .. } => "test",
        Function::LabelOf { .. } => "label_of",
        Function::Join { .. } => "join",
        Function::Concat { .. } => "concat",
        Function::First { .. } => "first",
        Function::IdKind { .. } => "id_kind",
        Function::IdNumber { .. } => "id_number",
    }
}

// ------------------------------------------------------------ uses of facts

/// A fact named somewhere: as written, where, and whether it is a `{{ }}`
/// placeholder (other uses report unknown facts where they are read).
pub(crate) type Use<'a> = (&'a str, &'a SourcePos, bool);

/// Every fact reference of a manual: `(placeholder or path, where)`. Placeholders
/// keep their `| unit`.
pub(crate) fn manual_refs(m: &Manual) -> Vec<Use<'_>> {
    let mut out: Vec<Use<'_>> = Vec::new();
    let at = &m.pos;
    rich(&m.summary, at, &mut out);
    rich(&m.closing, at, &mut out);
    for c in &m.contacts {
        rich(&c.note, at, &mut out);
    }
    for c in &m.checklist {
        cond(c.when.as_ref(), &c.pos, &mut out);
        cased(&c.text, &c.pos, &mut out);
    }
    for d in &m.dates {
        out.push(named(&d.fact, &d.pos));
        if let Some(dl) = &d.deadline {
            out.push(named(dl, &d.pos));
        }
        cond(d.when.as_ref(), &d.pos, &mut out);
    }
    for p in &m.parts {
        cond(p.when.as_ref(), &p.pos, &mut out);
        if let Some(fe) = &p.for_each {
            out.push(named(&fe.list, &p.pos));
            line(&fe.label, &p.pos, &mut out);
        }
        cased(&p.intro, &p.pos, &mut out);
        rich(&p.outro, &p.pos, &mut out);
        for s in &p.steps {
            let at = &s.pos;
            cond(s.when.as_ref(), at, &mut out);
            if let Some(fe) = &s.for_each {
                out.push(named(&fe.list, at));
                line(&fe.label, at, &mut out);
            }
            cased(&s.body, at, &mut out);
            for n in &s.notes {
                cond(n.when.as_ref(), &n.pos, &mut out);
                if let Some(t) = &n.title {
                    line(t, &n.pos, &mut out);
                }
                cased(&n.body, &n.pos, &mut out);
            }
            let Some(sc) = &s.screen else { continue };
            rich(&sc.lead, &sc.pos, &mut out);
            for r in &sc.rows {
                let at = &r.pos;
                cond(r.when.as_ref(), at, &mut out);
                cond(r.applies.as_ref(), at, &mut out);
                line(&r.not_applicable, at, &mut out);
                if let Some(t) = &r.if_empty {
                    line(t, at, &mut out);
                }
                match &r.value {
                    crate::model::manual::ValueSource::Field { path: f } => out.push(named(f, at)),
                    crate::model::manual::ValueSource::Fixed { text } => line(text, at, &mut out),
                    crate::model::manual::ValueSource::None => {}
                }
                cased(&r.help, at, &mut out);
                for (w, c) in r.callout.alternatives() {
                    cond(w, at, &mut out);
                    line(&c.text, at, &mut out);
                    rich(&c.detail, at, &mut out);
                }
            }
        }
    }
    out
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
    out
}

fn named<'a>(p: &'a str, at: &'a SourcePos) -> Use<'a> {
    (p, at, false)
}

fn rich<'a>(r: &'a Rich, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    out.extend(r.placeholders().into_iter().map(|p| (p, at, true)));
}

fn line<'a>(s: &'a str, at: &'a SourcePos, out: &mut Vec<Use<'a>>) {
    out.extend(
        crate::model::facts::line_placeholders(s)
            .into_iter()
            .map(|p| (p, at, true)),
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
                .map(|p| (p, at, false)),
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
    for (expr, at, placeholder) in refs {
        let r = FactRef::parse(expr);
        let path = r.path;
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
                .with_help("the only filter is `unit`: `{{ certificates | unit }}`"),
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
        if let Some(d) = content.derived(p) {
            todo.extend(d.function.inputs());
            if let Some(w) = &d.when {
                todo.extend(crate::model::facts::condition_facts(w));
            }
        }
    }
    used
}
