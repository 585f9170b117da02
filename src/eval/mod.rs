//! Evaluate stage: one manual + one clinic → one [`Guide`].
//!
//! Validates the clinic's values, fires the content's rules, resolves
//! placeholders and works out the dates. The result is the only thing
//! renderers see. Nothing here reads files or formats HTML/PDF.

pub mod dates;
pub mod facts;
pub mod generic;
pub mod guide;

use crate::model::clinic::{Clinic, FieldKind};
use crate::model::manual::{Callout, Cased, Content, Control, Manual, Row, ValueSource};
use crate::model::rich::{Inline, Rich};
use crate::model::rule::{Condition, Op};
use facts::Facts;
use generic::Generic;
use guide::*;
use jiff::civil::Date;

/// How conditions and placeholders are read: for one clinic (its facts), or
/// generically for no clinic (the help site), where every alternative is
/// kept with its condition in words and every value is named by its label.
#[derive(Clone, Copy)]
struct Ev<'a> {
    content: &'a Content,
    generic: Option<&'a Generic<'a>>,
}

impl<'a> Ev<'a> {
    /// In a generic guide, the generic evaluation inside a repetition over
    /// `for_each`'s list (its item named by the list's label).
    fn repeating(&self, for_each: Option<&crate::model::manual::ForEach>) -> Option<Generic<'a>> {
        self.generic
            .zip(for_each)
            .map(|(g, f)| g.repeating(&f.list))
    }

    /// This evaluation with `generic` in place of its own, when given.
    fn within<'b>(&self, generic: Option<&'b Generic<'a>>) -> Ev<'b>
    where
        'a: 'b,
    {
        Ev {
            content: self.content,
            generic: generic.or(self.generic),
        }
    }

    /// Whether something conditional is shown, and when: `None` = not for
    /// this clinic; `Some(None)` = shown; `Some(Some(words))` = the generic
    /// guide keeps it with its condition in words.
    fn show(&self, c: Option<&Condition>, facts: &Facts) -> Option<Option<String>> {
        match (c, self.generic) {
            (None, _) => Some(None),
            (Some(c), Some(g)) => Some(Some(g.case(c))),
            (Some(c), None) => holds(c, facts).then_some(None),
        }
    }

    fn rich(&self, r: &Rich, facts: &Facts) -> Rich {
        match self.generic {
            Some(g) => g.resolve(r),
            None => resolve_rich(r, facts, self.content),
        }
    }

    fn line(&self, s: &str, facts: &Facts) -> String {
        match self.generic {
            Some(g) => g.line(s),
            None => resolve_line(s, facts),
        }
    }

    /// The alternative that applies (generic: every alternative, each
    /// headed by its condition); `None` when nothing is defined for the case.
    fn pick_opt(&self, c: &Cased<Rich>, facts: &Facts) -> Option<Rich> {
        match self.generic {
            Some(g) => (!c.is_none()).then(|| g.all(c)),
            None => c
                .pick(|w| holds(w, facts))
                .map(|r| resolve_rich(r, facts, self.content)),
        }
    }

    fn pick(&self, c: &Cased<Rich>, facts: &Facts) -> Rich {
        self.pick_opt(c, facts).unwrap_or_default()
    }

    /// The one-line text (a title) that applies; generic: the text for no
    /// clinic in particular (`otherwise`), its alternatives told apart by
    /// [`Self::line_variants`].
    fn pick_line(&self, c: &Cased<String>, facts: &Facts) -> String {
        let chosen = match self.generic {
            Some(_) => c.generic(),
            None => c.pick(|w| holds(w, facts)),
        };
        chosen.map(|s| self.line(s, facts)).unwrap_or_default()
    }

    /// Generic only: every alternative of a one-line text with its
    /// condition in words (empty for a clinic, or without alternatives).
    fn line_variants(&self, c: &Cased<String>) -> String {
        match self.generic {
            Some(g) if c.has_cases() => g.all_lines(c, |s| s.as_str()),
            _ => String::new(),
        }
    }
}

/// Evaluates every manual of `content` for `clinic` as of `today`.
pub fn evaluate(content: &Content, clinic: &Clinic, today: Date) -> Guide {
    let facts = facts::build(clinic, content, today);
    evaluate_with_facts(content, clinic, &facts)
}

/// Like [`evaluate`] with the facts computed beforehand.
///
/// Findings are worded with the clinic's data. When a finding says which
/// value to enter instead (a rule's `expect`), every other part of the
/// guide — rows, pictures, confirmations, placeholders, dates — is
/// evaluated with the value to enter; the wrong value is named only in the
/// finding.
pub fn evaluate_with_facts(content: &Content, clinic: &Clinic, data: &Facts) -> Guide {
    let ev = Ev {
        content,
        generic: None,
    };
    build_guide(ev, &clinic.key, data)
}

/// Evaluates every manual of `content` for no clinic at all: the guide the
/// help site renders. No condition can be decided, so every alternative
/// (cases and otherwise, `applies`/`not_applicable`, `when`, rules) is kept
/// and labelled with its condition in words; `for_each` shows once; every
/// value is a named blank 〈label〉 ([`Shown::Missing`] in rows).
pub fn evaluate_generic(content: &Content) -> Guide {
    let g = Generic::new(content);
    let ev = Ev {
        content,
        generic: Some(&g),
    };
    build_guide(ev, "", &Facts::default())
}

/// The institution code as read, in the form every guide shows it (the
/// 10-digit form when its prefecture and 点数表 were read too), and as
/// typed when the check refused it and typing differs from reading
/// (`１２３４５６7`): a failed clinic's row on the dashboard is then
/// `1311234567` like the others, the typed form beside it to find the row.
fn institution_code(content: &Content, facts: &Facts, clinic_key: &str) -> (String, String) {
    let of_kind = |kind: FieldKind| {
        content
            .fields
            .fields
            .iter()
            .find(|f| f.kind == kind)
            .and_then(|f| facts.get(&f.path))
    };
    let Some(code) = of_kind(FieldKind::InstitutionCode) else {
        return (String::new(), String::new());
    };
    let seven = code.value.len() == 7 && code.value.bytes().all(|b| b.is_ascii_digit());
    let valid = |kind| of_kind(kind).filter(|f| f.valid);
    let read = match (valid(FieldKind::Prefecture), valid(FieldKind::FeeSchedule)) {
        (Some(p), Some(t)) if seven => format!("{}{}{}", p.value, t.value, code.value),
        // Typed with its 10 digits (no prefecture or 点数表 field): the
        // clinic's key is that code as read.
        _ if code.valid
            && clinic_key.len() == 10
            && clinic_key.bytes().all(|b| b.is_ascii_digit()) =>
        {
            clinic_key.to_string()
        }
        _ if code.valid => code.display.clone(),
        _ => code.value.clone(),
    };
    if code.valid {
        return (read, String::new());
    }
    let typed = if code.display == code.value {
        String::new()
    } else {
        code.display.clone()
    };
    (read, typed)
}

/// A rule's finding worded with `facts` (an item's, for a rule read per
/// item: `each` is its list and number).
fn finding(
    r: &crate::model::rule::Rule,
    ev: Ev,
    facts: &Facts,
    each: Option<(String, usize)>,
) -> Finding {
    let at = r.step.as_ref().and_then(|id| find_step(ev.content, id));
    let anchor = match &each {
        Some((_, n)) if *n > 1 => format!("{}-n{n}", r.id),
        _ => r.id.clone(),
    };
    Finding {
        rule: r.id.clone(),
        anchor,
        each,
        severity: r.severity,
        title: ev.line(&r.title, facts),
        message: ev.pick(&r.message, facts),
        consequence: ev.pick(&r.consequence, facts),
        step: r.step.clone(),
        step_number: at.map(|(_, s)| s.number.clone()),
        step_key: at.map(|(m, s)| format!("{}/{}", m.id, s.id)),
        field: r.field.clone(),
        expect: r.expect.as_ref().map(|e| match ev.generic {
            Some(g) => g.line(e),
            None => expected_value(e, facts).1,
        }),
        when: ev.generic.map(|g| {
            let said = r.applies_when.trim();
            if said.is_empty() {
                g.case(&r.when)
            } else {
                said.to_string()
            }
        }),
    }
}

fn build_guide(ev: Ev, clinic_key: &str, data: &Facts) -> Guide {
    let content = ev.content;
    let mut findings: Vec<Finding> = Vec::new();
    for r in content.rules.iter().filter(|r| {
        r.step
            .as_ref()
            .is_none_or(|s| find_step(content, s).is_some())
    }) {
        // A rule read per item (`for_each:`): once for each item, with
        // `each.*` set; the generic guide keeps it once, its values named.
        let per_item = r.for_each.as_deref().filter(|_| ev.generic.is_none());
        let Some(list) = per_item else {
            if ev.generic.is_some() || holds(&r.when, data) {
                let g = ev
                    .generic
                    .and_then(|g| r.for_each.as_deref().map(|l| g.repeating(l)));
                findings.push(finding(r, ev.within(g.as_ref()), data, None));
            }
            continue;
        };
        let count = data.get(list).map_or(0, |l| l.items.len());
        for i in 0..count {
            let f = item_facts(data, list, i, count);
            if holds(&r.when, &f) {
                findings.push(finding(r, ev, &f, Some((list.to_string(), i + 1))));
            }
        }
    }
    let (mut facts, corrections) = if ev.generic.is_some() {
        // Content order: the help site lists every rule as written.
        (data.clone(), Corrections::new())
    } else {
        findings.sort_by_key(|f| f.severity);
        corrected_facts(content, data, &findings)
    };
    // `finding.<rule id>`: conditions can ask whether a rule fired (its
    // condition read the data, which corrections have since replaced).
    for f in findings.iter().filter(|_| ev.generic.is_none()) {
        facts.map.insert(
            format!("finding.{}", f.rule),
            facts::FactValue::plain("true", facts.words.yes.clone()),
        );
    }
    let facts = &facts;
    // A manual whose `when:` does not hold for the clinic is not its: not
    // in its guide, its title, its schedule or its sheet.
    let manuals: Vec<GuideManual> = content
        .manuals
        .iter()
        .filter_map(|m| {
            let when = ev.show(m.when.as_ref(), facts)?;
            Some(GuideManual {
                when,
                ..eval_manual(m, ev, facts, &findings, &corrections)
            })
        })
        .collect();
    // A finding names its step only where this guide shows that step (with
    // no terminal, no certificate step is shown: 「（手順 2-2）」 pointed at
    // nothing).
    for f in &mut findings {
        // A finding of a rule read per item links to its item's repetition
        // of the step (`2-1-n2`), where it is shown.
        if f.each.is_some() {
            let at = manuals
                .iter()
                .flat_map(|m| m.parts.iter().flat_map(|p| p.steps.iter()))
                .find(|s| s.findings.iter().any(|x| x.anchor == f.anchor));
            if let Some(s) = at {
                f.step_key = Some(s.key.clone());
            }
        }
        let shown = f.step_key.as_deref().is_none_or(|k| {
            manuals
                .iter()
                .flat_map(|m| m.parts.iter().flat_map(|p| p.steps.iter()))
                .any(|s| s.key == k)
        });
        if !shown {
            f.step_number = None;
            f.step_key = None;
        }
    }
    // The clinic's name and prefecture: the field content marks
    // `names_clinic: true` (else its first text field) and its prefecture
    // field, whatever their paths.
    let name_field = content.fields.name_field().map(|f| f.path.as_str());
    let prefecture_field = content
        .fields
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::Prefecture)
        .map(|f| f.path.as_str());
    let text = |p: Option<&str>| match ev.generic {
        Some(_) => content.strings.get("generic_clinic").to_string(),
        None => p
            .and_then(|p| facts.get(p))
            .map(|f| f.display.clone())
            .unwrap_or_default(),
    };
    let unsettled = unsettled_fields(content, facts);
    let fact_rows = content
        .fields
        .fields
        .iter()
        .filter(|f| content.shows_field(&f.path))
        .filter_map(|f| {
            // An empty list (`terminals: []`) has no value to show: a blank,
            // highlighted cell would read as a value to enter (a finding
            // says what is missing).
            facts
                .get(&f.path)
                .filter(|v| !v.display.is_empty())
                .map(|v| {
                    let corrected = corrections.contains_key(&f.path);
                    Fact {
                        path: f.path.clone(),
                        label: f.label.clone(),
                        text: if corrected {
                            content
                                .strings
                                .fill("facts_corrected", &[("value", &v.display)])
                        } else if let Some(u) = unsettled.get(f.path.as_str()) {
                            // The data holds it, but it may be wrong (a guess):
                            // what to do instead, never the guess to copy.
                            u.clone()
                        } else {
                            // A count with its unit (「2口」), as a row bound to it shows;
                            // a choice content marks `as_written` with the data's own
                            // words for it (「ドコモ光」, which the clinic knows its line by).
                            let shown = if f.as_written {
                                facts.words.with_written(v)
                            } else {
                                paired_items(content, facts, &f.path, v)
                                    .unwrap_or_else(|| v.display.clone())
                            };
                            format!("{shown}{}", f.unit.as_deref().unwrap_or_default())
                        },
                        corrected,
                    }
                })
        })
        .collect();
    let today = facts.today.unwrap_or_else(dates::today_jst);
    let mut issues = facts.issues.clone();
    let documents: Vec<String> = content
        .manuals
        .iter()
        .filter(|m| ev.show(m.when.as_ref(), facts).is_some())
        .map(|m| ev.pick_line(&m.guide_title, facts))
        .collect();
    // A value a manual's `when:` reads that failed validation has its own
    // error, and the condition cannot be decided on it: "no manual is for
    // this clinic" would only repeat it, wrongly worded.
    let undecided = content
        .manuals
        .iter()
        .filter_map(|m| m.when.as_ref())
        .flat_map(|w| w.facts())
        .any(|f| facts.invalid.iter().any(|i| i == f));
    if manuals.is_empty() && !content.manuals.is_empty() && !undecided {
        // Every manual's `when:` is false: nothing to give the clinic. Its
        // handout fails (the batch goes on), saying which manuals there are
        // and each one's condition in words, as the help site's 表示条件.
        let g = Generic::new(content);
        let names: Vec<String> = content
            .manuals
            .iter()
            .map(|m| {
                let name = ev.pick_line(&m.guide_title, facts);
                match &m.when {
                    Some(w) => content.strings.fill(
                        "data_no_manual_when",
                        &[("name", &name), ("when", &g.case(w))],
                    ),
                    None => content
                        .strings
                        .fill("data_no_manual_name", &[("name", &name)]),
                }
            })
            .collect();
        issues.push(DataIssue {
            severity: crate::model::Severity::Error,
            field: String::new(),
            label: String::new(),
            message: content.strings.fill(
                "data_no_manual",
                &[(
                    "manuals",
                    &names.join(content.strings.get("data_no_manual_joiner")),
                )],
            ),
            expected: None,
            location: String::new(),
            tidy: false,
        });
    }
    issues.sort_by_key(|i| i.severity);
    let t = &content.strings;
    let documents = documents.join(t.get("title_joiner"));
    let (institution_code, institution_code_typed) = institution_code(content, facts, clinic_key);
    Guide {
        title: t.fill(
            "title",
            &[("clinic", &text(name_field)), ("documents", &documents)],
        ),
        documents,
        strings: content.strings.clone(),
        branding: content.branding.clone(),
        clinic_key: clinic_key.to_string(),
        clinic_name: text(name_field),
        institution_code,
        institution_code_typed,
        prefecture: text(prefecture_field),
        code_label: content
            .fields
            .fields
            .iter()
            .find(|f| f.kind == FieldKind::InstitutionCode)
            .map(|f| f.label.clone())
            .unwrap_or_default(),
        generated: today.to_string(),
        generated_wareki: dates::wareki(today),
        facts: fact_rows,
        corrections: corrections.into_iter().collect(),
        findings_info_only: !findings.is_empty()
            && findings
                .iter()
                .all(|f| f.severity == crate::model::Severity::Info),
        findings,
        issues,
        manuals,
        generic: ev.generic.is_some(),
    }
}

/// The value a rule's `expect` names: a literal, or `{{ fact }}` for a
/// computed one. Returns (value, display).
fn expected_value(expect: &str, facts: &Facts) -> (String, String) {
    match crate::model::rule::fact_ref(expect).and_then(|f| facts.get(f)) {
        Some(f) => (f.value.clone(), f.display.clone()),
        None => (expect.to_string(), resolve_line(expect, facts)),
    }
}

/// The facts with every value a finding corrects replaced by the value to
/// enter, and the corrections by field path.
fn corrected_facts(
    content: &Content,
    data: &Facts,
    findings: &[Finding],
) -> (Facts, std::collections::BTreeMap<String, Correction>) {
    let mut facts = data.clone();
    let mut out = std::collections::BTreeMap::new();
    for f in findings {
        let (Some(step), Some(row), Some(_)) = (&f.step, &f.field, &f.expect) else {
            continue;
        };
        let Some(rule) = content.rules.iter().find(|r| r.id == f.rule) else {
            continue;
        };
        let Some(expect) = &rule.expect else { continue };
        let Some(path) = find_step(content, step)
            .map(|(_, s)| s)
            .into_iter()
            .filter_map(|s| s.screen.as_ref())
            .flat_map(|sc| sc.rows.iter())
            .find(|r| &r.id == row)
            .and_then(|r| match &r.value {
                ValueSource::Field { path } => Some(path.clone()),
                _ => None,
            })
        else {
            continue;
        };
        if out.contains_key(&path) {
            continue;
        }
        let (value, mut display) = expected_value(expect, data);
        if let Some(o) = content
            .fields
            .get(&path)
            .and_then(|d| d.options.iter().find(|o| o.value == value))
        {
            display = o.label.clone();
        }
        let old = data
            .get(&path)
            .map(|v| v.display.clone())
            .unwrap_or_default();
        if data.get(&path).is_some_and(|v| v.value == value) {
            continue;
        }
        out.insert(
            path.clone(),
            Correction {
                data: old,
                enter: display.clone(),
                rule: f.rule.clone(),
            },
        );
        let mut fv = facts::FactValue::plain(value, display);
        fv.items = Vec::new();
        facts.map.insert(path.clone(), fv);
        facts.invalid.retain(|p| p != &path);
    }
    if !out.is_empty() {
        facts::rederive(&mut facts, content);
    }
    (facts, out)
}

type Corrections = std::collections::BTreeMap<String, Correction>;

/// One repetition of a part or step: the facts with `each.*` set, the id
/// suffix and the heading prefix. A part or step that is not repeated
/// borrows the facts it is shown with (no copy per part and step).
struct Rep<'f> {
    facts: std::borrow::Cow<'f, Facts>,
    suffix: String,
    prefix: String,
    /// The heading label alone (「1台目（受付パソコン）」).
    label: String,
    item: Option<String>,
    /// The list repeated over and the item's number (1, 2 …); `None` when
    /// not repeated.
    each: Option<(String, usize)>,
}

fn repetitions<'f>(
    for_each: Option<&crate::model::manual::ForEach>,
    facts: &'f Facts,
    ev: Ev,
) -> Vec<Rep<'f>> {
    // The generic guide shows a repeated part or step once, its values named.
    let Some(fe) = for_each.filter(|_| ev.generic.is_none()) else {
        return vec![Rep {
            facts: std::borrow::Cow::Borrowed(facts),
            suffix: String::new(),
            prefix: String::new(),
            label: String::new(),
            item: None,
            each: None,
        }];
    };
    let items = facts
        .get(&fe.list)
        .map(|f| f.items.clone())
        .unwrap_or_default();
    let count = items.len();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let f = item_facts(facts, &fe.list, i, count);
            let label = resolve_line(each_label(fe, ev.content), &f);
            let prefix = if count > 1 {
                format!("{label}: ")
            } else {
                String::new()
            };
            Rep {
                facts: std::borrow::Cow::Owned(f),
                suffix: if n > 1 {
                    format!("-n{n}")
                } else {
                    String::new()
                },
                prefix,
                label,
                item: Some(item),
                each: Some((fe.list.clone(), n)),
            }
        })
        .collect()
}

/// The facts with `each.*` set for item `i` (0-based) of `list`, which has
/// `count` items: `each.item`, `each.number`, `each.count` and `each.<list>`
/// (the item of every other list at the same number, absent past its end).
/// An item is compared by its normalised value (a date's ISO form, a
/// choice's value) and shown as written.
fn item_facts(facts: &Facts, list: &str, i: usize, count: usize) -> Facts {
    let n = i + 1;
    let mut f = facts.clone();
    let of_list = facts.get(list);
    if let Some(item) = of_list.and_then(|l| l.item(i)) {
        f.map.insert("each.item".into(), item);
    }
    // The other lists' items at the place this item is written at (a list
    // with an item 「未定」 before it keeps its later items in place).
    let place = of_list.map_or(i, |l| l.place(i));
    f.map.insert(
        "each.number".into(),
        facts::FactValue::plain(n.to_string(), n.to_string()),
    );
    f.map.insert(
        "each.count".into(),
        facts::FactValue::plain(count.to_string(), count.to_string()),
    );
    for (path, v) in &facts.map {
        if let Some(x) = v.item_at(place).filter(|_| !path.starts_with("each.")) {
            f.map.insert(format!("each.{path}"), x);
        }
    }
    f
}

fn eval_manual(
    manual: &Manual,
    ev: Ev,
    facts: &Facts,
    findings: &[Finding],
    corrections: &Corrections,
) -> GuideManual {
    let mut parts = Vec::new();
    for p in &manual.parts {
        // The help site names a repetition's item by its list's label.
        let part_g = ev.repeating(p.for_each.as_ref());
        let ev = ev.within(part_g.as_ref());
        let Some(part_when) = ev.show(p.when.as_ref(), facts) else {
            continue;
        };
        // Steps already shown in full in an earlier repetition of the part
        // (`repeat_in_full`): later ones refer back to them.
        let in_full = p.for_each.as_ref().and_then(|f| f.repeat_in_full.as_ref());
        let mut shown_in_full: std::collections::BTreeMap<&str, (BriefOf, String)> =
            Default::default();
        for rep in repetitions(p.for_each.as_ref(), facts, ev) {
            let pf: &Facts = &rep.facts;
            let mut steps = Vec::new();
            for s in &p.steps {
                let step_g = ev.repeating(s.for_each.as_ref());
                let ev = ev.within(step_g.as_ref());
                let Some(step_when) = ev.show(s.when.as_ref(), pf) else {
                    continue;
                };
                for srep in repetitions(s.for_each.as_ref(), pf, ev) {
                    let id = format!("{}{}{}", s.id, rep.suffix, srep.suffix);
                    // Findings attach to a step's first repetition only; a
                    // finding of a rule read per item to the repetition of
                    // its item when the part or step repeats over its list.
                    let first = rep.suffix.is_empty() && srep.suffix.is_empty();
                    // Borrowed: `eval_step` copies only its step's own.
                    let here: Vec<&Finding> = findings
                        .iter()
                        .filter(|f| match &f.each {
                            Some(e)
                                if [&rep.each, &srep.each]
                                    .iter()
                                    .any(|r| r.as_ref().is_some_and(|(l, _)| *l == e.0)) =>
                            {
                                [&rep.each, &srep.each]
                                    .iter()
                                    .any(|r| r.as_ref() == Some(e))
                            }
                            _ => first,
                        })
                        .collect();
                    steps.push(eval_step(
                        s,
                        &manual.id,
                        id,
                        format!("{}{}{}", rep.prefix, srep.prefix, s.title),
                        srep.item.clone().or(rep.item.clone()),
                        &srep.facts,
                        ev,
                        &here,
                        corrections,
                        step_when.clone(),
                    ));
                    if let Some(last) = steps.last_mut() {
                        last.repeat = repeat_words(s.for_each.as_ref(), ev);
                        if let Some(in_full) = in_full
                            && !in_full.contains(&s.id)
                        {
                            match shown_in_full.get(s.id.as_str()) {
                                Some((first, text)) => {
                                    last.brief_of = Some(BriefOf {
                                        same_text: *text == last.body.plain_text(),
                                        ..first.clone()
                                    })
                                }
                                None => {
                                    shown_in_full.insert(
                                        &s.id,
                                        (
                                            BriefOf {
                                                key: last.key.clone(),
                                                label: rep.label.clone(),
                                                number: last.number.clone(),
                                                same_text: false,
                                            },
                                            last.body.plain_text(),
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            parts.push(GuidePart {
                id: format!("{}{}", p.id, rep.suffix),
                number: p.number.clone(),
                title: format!("{}{}", rep.prefix, p.title),
                intro: ev.pick(&p.intro, pf),
                outro: ev.rich(&p.outro, pf),
                steps,
                item: rep.item.clone(),
                when: part_when.clone(),
                repeat: repeat_words(p.for_each.as_ref(), ev),
            });
        }
    }
    let mut checklist = Vec::new();
    let mut checklist_when = Vec::new();
    for c in &manual.checklist {
        let Some(when) = ev.show(c.when.as_ref(), facts) else {
            continue;
        };
        if let Some(text) = ev.pick_opt(&c.text, facts) {
            checklist.push(text);
            checklist_when.push(when);
        }
    }
    GuideManual {
        id: manual.id.clone(),
        title: ev.pick_line(&manual.title, facts),
        title_variants: ev.line_variants(&manual.title),
        version: manual.version.clone(),
        when: None,
        summary: ev.pick(&manual.summary, facts),
        checklist,
        checklist_when,
        dates: key_dates(manual, facts, ev),
        parts,
        closing: ev.pick(&manual.closing, facts),
        contacts: manual
            .contacts
            .iter()
            .map(|c| crate::model::manual::Contact {
                note: ev.rich(&c.note, facts),
                ..c.clone()
            })
            .collect(),
    }
}

/// The findings of the step `key` (「manual/step」), copied: the step's
/// key written once, not once a finding.
fn findings_of_step(findings: &[&Finding], key: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.step.as_deref() == Some(key))
        .map(|f| (*f).clone())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn eval_step(
    s: &crate::model::manual::Step,
    manual_id: &str,
    id: String,
    title: String,
    item: Option<String>,
    facts: &Facts,
    ev: Ev,
    findings: &[&Finding],
    corrections: &Corrections,
    when: Option<String>,
) -> GuideStep {
    let step_findings = findings_of_step(findings, &format!("{manual_id}/{}", s.id));
    let screen = |sc: &crate::model::manual::Screen| GuideScreen {
        kind: sc.kind,
        frame: sc.frame.clone(),
        title: sc.title.clone(),
        url: sc.url.clone(),
        lead: ev.rich(&sc.lead, facts),
        rows: sc
            .rows
            .iter()
            .filter_map(|r| {
                let when = ev.show(r.when.as_ref(), facts)?;
                Some(match ev.generic {
                    Some(g) => generic_row(r, g, ev.content, when),
                    None => eval_row(r, facts, ev.content, &step_findings, corrections),
                })
            })
            .collect(),
        buttons: sc.buttons.clone(),
        links: sc.links.clone(),
        foot: ev.rich(&sc.foot, facts),
        alt: sc.alt.as_ref().map(|a| ev.line(a, facts)),
        align: sc.align,
    };
    let notes: Vec<GuideNote> = s
        .notes
        .iter()
        .filter_map(|n| {
            let when = ev.show(n.when.as_ref(), facts)?;
            let body = ev.pick_opt(&n.body, facts)?;
            Some(GuideNote {
                kind: n.kind,
                title: n.title.as_ref().map(|t| ev.line(t, facts)),
                body,
                when,
            })
        })
        .collect();
    GuideStep {
        order: StepBlock::order(
            s.screen.is_some(),
            s.screenshot.is_some(),
            s.screenshot.as_ref().is_some_and(|x| x.first),
            !notes.is_empty(),
            s.figure.is_some(),
        ),
        key: format!("{manual_id}/{id}"),
        id,
        number: s.number.clone(),
        title,
        body: ev.pick(&s.body, facts),
        screen: s.screen.as_ref().map(&screen),
        figure: s.figure.as_ref().map(&screen),
        brief_of: None,
        screenshot: s.screenshot.clone(),
        notes,
        findings: step_findings,
        item,
        when,
        repeat: None,
    }
}

/// In the generic guide, a `for_each` in words (「〈端末名称〉の一つずつについて
/// 繰り返します」); `None` in a clinic's guide, where it is repeated instead.
fn repeat_words(for_each: Option<&crate::model::manual::ForEach>, ev: Ev) -> Option<String> {
    let (fe, g) = (for_each?, ev.generic?);
    Some(
        ev.content
            .strings
            .fill("generic_repeat", &[("list", &g.named(&fe.list))]),
    )
}

/// The manual and step a rule's `step:` names (`manual/step`, resolved at load).
fn find_step<'c>(content: &'c Content, key: &str) -> Option<(&'c Manual, &'c crate::model::Step)> {
    crate::load::content::step_by_key(content, key)
}

/// Evaluates a condition against the facts. Missing facts make comparisons false.
pub fn holds(c: &Condition, facts: &Facts) -> bool {
    // A value that failed validation is compared as a missing one: its text
    // (「2026-02-30」) is no date, number or option to compare.
    let value = |fact: &str| facts.get(fact).filter(|f| f.valid);
    match c {
        Condition::Always => true,
        Condition::All { of } => of.iter().all(|c| holds(c, facts)),
        Condition::Any { of } => of.iter().any(|c| holds(c, facts)),
        Condition::Not { of } => !holds(of, facts),
        Condition::Said { of, .. } => holds(of, facts),
        Condition::Present { fact } => facts.get(fact).is_some(),
        Condition::Absent { fact } => facts.get(fact).is_none(),
        Condition::Invalid { fact } => facts.invalid.iter().any(|f| f == fact),
        Condition::In { fact, values } => value(fact).is_some_and(|f| values.contains(&f.value)),
        Condition::Contains { fact, values } => value(fact).is_some_and(|f| {
            let key = crate::validate::normalize::choice_key;
            let wanted: Vec<String> = values.iter().map(|v| key(v)).collect();
            let has = |text: &str| {
                let t = key(text);
                wanted
                    .iter()
                    .any(|w| !w.is_empty() && t.contains(w.as_str()))
            };
            if f.items.is_empty() {
                has(&f.display)
            } else {
                f.items.iter().any(|i| has(i))
            }
        }),
        Condition::Count {
            list,
            op,
            value,
            counted,
        } => {
            // A list refused at validation is not counted as empty.
            if facts.invalid.iter().any(|f| f == list) {
                return false;
            }
            let count = |path: &str| facts.get(path).map_or(0, |f| f.items.len());
            let right = match crate::model::rule::fact_ref(value) {
                Some(other) if *counted => {
                    if facts.invalid.iter().any(|f| f == other) {
                        return false;
                    }
                    count(other).to_string()
                }
                Some(other) => match facts.get(other).filter(|o| o.valid) {
                    Some(o) => o.value.clone(),
                    None => return false,
                },
                None => value.clone(),
            };
            compare(&count(list).to_string(), *op, &right)
        }
        Condition::Compare { fact, op, value } => {
            let right = match crate::model::rule::fact_ref(value) {
                Some(other) => match facts.get(other).filter(|o| o.valid) {
                    Some(o) => o.value.as_str(),
                    None => return false,
                },
                None => value.as_str(),
            };
            facts
                .get(fact)
                .filter(|f| f.valid)
                .is_some_and(|f| compare(&f.value, *op, right))
        }
    }
}

fn compare(left: &str, op: Op, right: &str) -> bool {
    use std::cmp::Ordering;
    let ord = match (left.parse::<f64>(), right.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        // ISO dates and year-months compare correctly as text.
        _ => left.cmp(right),
    };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
    }
}

/// The unit `{{ fact | unit }}` asks for, when the fact has one; also for
/// `| days_left`, whose blank on the help site reads 〈…までの日数〉日.
pub(crate) fn unit_of(expr: &str, content: &crate::model::manual::Content) -> Option<String> {
    let r = crate::model::facts::FactRef::parse(expr);
    (r.unit || r.days_left)
        .then(|| content.fact_unit(r.path))
        .flatten()
        .map(str::to_string)
}

/// Replaces placeholders by the clinic's values (or a visible "missing" mark).
/// Outside a repetition, a table row naming `each.<list>` is repeated once
/// for each item of the longest list it names, each row with that item
/// (one row a terminal: its name, its expiry, its day to renew by).
pub fn resolve_rich(r: &Rich, facts: &Facts, content: &crate::model::manual::Content) -> Rich {
    let expanded;
    let r = if facts.get("each.number").is_none() && !r.row_placeholders().is_empty() {
        expanded = r.expand_rows(&mut |row| {
            let lists: Vec<&str> = crate::model::rich::placeholders_in(row)
                .into_iter()
                .filter_map(|p| content.paired_list(crate::model::facts::FactRef::parse(p).path))
                .collect();
            let n = lists
                .iter()
                .map(|l| facts.get(l).map_or(0, |v| v.items.len()))
                .max()
                .filter(|n| *n > 0)?;
            Some(
                (0..n)
                    .map(|i| {
                        let f = item_facts(facts, lists[0], i, n);
                        row.iter()
                            .map(|cell| {
                                crate::model::rich::map_inlines_in(cell, &mut |x| {
                                    resolve_inline(x, &f, content)
                                })
                            })
                            .collect()
                    })
                    .collect(),
            )
        });
        &expanded
    } else {
        r
    };
    r.map_inlines(&mut |i| resolve_inline(i, facts, content))
}

/// A placeholder as the clinic's value (or a visible "missing" mark).
fn resolve_inline(
    i: &Inline,
    facts: &Facts,
    content: &crate::model::manual::Content,
) -> Option<Inline> {
    match i {
        Inline::Placeholder { path: expr } => {
            let path = crate::model::facts::FactRef::parse(expr).path.to_string();
            Some(match facts.text(expr) {
                Some(text) => Inline::Value { path, text },
                None => Inline::Missing {
                    label: content.strings.fill(
                        "generic_value",
                        &[("label", content.fact_label(&path).unwrap_or(&path))],
                    ),
                    unit: unit_of(expr, content),
                    path,
                },
            })
        }
        _ => None,
    }
}

/// Resolves placeholders in a one-line plain string (titles).
pub fn resolve_line(s: &str, facts: &Facts) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let path = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        match facts.text(path) {
            Some(t) => out.push_str(&t),
            None => out.push_str(&rest[start..start + 4 + len]),
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

/// The label of each repetition: the content's, else the theme's `each_label`.
fn each_label<'a>(fe: &'a crate::model::manual::ForEach, content: &'a Content) -> &'a str {
    fe.label
        .as_deref()
        .unwrap_or_else(|| content.strings.get("each_label"))
}

/// Fields whose value a row marks as not settled for this clinic
/// (`value_when:` false), with the row's `unsettled` words.
fn unsettled_fields<'a>(
    content: &'a Content,
    facts: &Facts,
) -> std::collections::BTreeMap<&'a str, String> {
    let rows = content
        .manuals
        .iter()
        .flat_map(|m| m.parts.iter())
        .flat_map(|p| p.steps.iter())
        .filter_map(|s| s.screen.as_ref())
        .flat_map(|sc| sc.rows.iter());
    let mut out = std::collections::BTreeMap::new();
    for r in rows {
        if let (Some(w), ValueSource::Field { path }) = (&r.value_when, &r.value)
            && !holds(w, facts)
        {
            let text = resolve_line(r.unsettled.as_deref().unwrap_or_default(), facts);
            out.entry(path.as_str()).or_insert(text);
        }
    }
    out
}

/// What a row that does not concern the clinic shows: the content's words,
/// else the theme's `not_applicable`.
fn not_applicable<'a>(row: &'a Row, content: &'a Content) -> &'a str {
    row.not_applicable
        .as_deref()
        .unwrap_or_else(|| content.strings.get("not_applicable"))
}

fn eval_row(
    row: &Row,
    facts: &Facts,
    content: &Content,
    findings: &[Finding],
    corrections: &Corrections,
) -> GuideRow {
    let attached: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.field.as_deref() == Some(row.id.as_str()))
        .collect();
    let flag = attached.iter().map(|f| f.severity).min();
    let applies = row.applies.as_ref().is_none_or(|w| holds(w, facts));
    let settled = row.value_when.as_ref().is_none_or(|w| holds(w, facts));
    let correction = match &row.value {
        ValueSource::Field { path } if applies && settled => corrections.get(path).cloned(),
        _ => None,
    };
    let shown = match (&row.control, &row.value) {
        _ if !applies => Shown::NotApplicable {
            text: resolve_line(not_applicable(row, content), facts),
        },
        // The data's value is not to be copied yet: drawn empty, with its words.
        (_, ValueSource::Field { .. }) if !settled => Shown::Blank {
            text: resolve_line(row.unsettled.as_deref().unwrap_or_default(), facts),
        },
        (Control::Secret { digits, .. }, _) => Shown::Secret { digits: *digits },
        (Control::Link | Control::Button { .. }, _) | (_, ValueSource::None) => Shown::Nothing,
        (Control::Checkbox { .. }, ValueSource::Fixed { .. }) => Shown::Checked,
        (_, ValueSource::Fixed { text }) => Shown::Value {
            text: resolve_line(text, facts),
        },
        (control, ValueSource::Field { path }) => match facts.get(path) {
            None => {
                let optional =
                    !row.required && content.fields.get(path).is_none_or(|d| !d.required);
                // A warning or an error points at the empty row: it is never
                // one to leave blank (the theme's 「空欄のままで構いません」
                // beside a finding asking for the value). The row's own
                // `if_empty:` words stand: they say what to do (the seed's
                // v6 option: 「契約済みか…を確かめてからチェック」).
                let asked = matches!(
                    flag,
                    Some(crate::model::Severity::Error | crate::model::Severity::Warning)
                );
                match &row.if_empty {
                    Some(t) => Shown::Blank {
                        text: resolve_line(t, facts),
                    },
                    None if asked => Shown::Missing {
                        label: content.fact_label(path).unwrap_or(path).to_string(),
                    },
                    // The screen shows it (`prefilled`): never one to leave blank.
                    None if optional && row.prefilled => Shown::Blank {
                        text: content.strings.get("if_empty_prefilled").to_string(),
                    },
                    None if optional => Shown::Blank {
                        text: content.strings.get("if_empty").to_string(),
                    },
                    None => Shown::Missing {
                        label: content.fact_label(path).unwrap_or(path).to_string(),
                    },
                }
            }
            Some(f) => match control {
                Control::Radio { options } | Control::Select { options } => {
                    match options.iter().find(|o| o.value == f.value) {
                        Some(o) => Shown::Choice {
                            value: o.value.clone(),
                            label: o.label.clone(),
                        },
                        None => Shown::Value {
                            text: f.display.clone(),
                        },
                    }
                }
                Control::Checkbox { .. } => {
                    // Which values tick it is content: options with `checked: true`.
                    if content.ticks(path, &f.value) {
                        Shown::Checked
                    } else {
                        // The clinic leaves it empty: its settled answer
                        // (`checked: false`), or one it cannot tick yet
                        // (e.g. v6 option not contracted).
                        Shown::Unchecked {
                            reason: f.display.clone(),
                            settled: content.leaves_unticked(path, &f.value),
                        }
                    }
                }
                Control::YearMonth => {
                    let mut it = f.value.split('-');
                    match (
                        it.next().and_then(|y| y.parse().ok()),
                        it.next().and_then(|m| m.parse().ok()),
                    ) {
                        (Some(year), Some(month)) => Shown::YearMonth { year, month },
                        _ => Shown::Value {
                            text: f.display.clone(),
                        },
                    }
                }
                // A clinic field's count shows its unit (「1口」, not 「1」),
                // as `{{ field | unit }}` does in text. A derived fact's
                // value is shown alone, as typed into a box (「2」 for
                // `reader_terminals`, whose text says 「2台」).
                _ => Shown::Value {
                    text: format!(
                        "{}{}",
                        f.display,
                        content
                            .fields
                            .get(path)
                            .and_then(|d| d.unit.as_deref())
                            .unwrap_or_default()
                    ),
                },
            },
        },
    };
    // A row that does not concern the clinic carries no instruction.
    let callout = if applies {
        row.callout.pick(|w| holds(w, facts)).map(|c| Callout {
            marker: c.marker,
            text: resolve_line(&c.text, facts),
            detail: resolve_rich(&c.detail, facts, content),
        })
    } else {
        None
    };
    let help = row
        .help
        .pick(|w| holds(w, facts))
        .filter(|_| applies)
        .map(|h| resolve_rich(h, facts, content))
        .unwrap_or_default();
    // Only for a row that concerns the clinic, as its help.
    let sheet_note = row
        .sheet_note
        .pick(|w| holds(w, facts))
        .filter(|_| applies)
        .map(|n| {
            resolve_rich(n, facts, content)
                .plain_text()
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty());
    GuideRow {
        display: if row.prefilled && shown == Shown::Nothing {
            content.strings.get("shown_by_screen").to_string()
        } else {
            shown.display(&row.control, row.highlight && applies, &content.strings)
        },
        is_value: shown.is_value(),
        id: row.id.clone(),
        label: row.label.clone(),
        required: row.required && applies,
        control: row.control.clone(),
        help,
        shown,
        prefilled: row.prefilled,
        joined: row.joined,
        links: row.links.clone(),
        highlight: row.highlight && applies,
        callout,
        flag,
        correction,
        when: None,
        not_applicable: None,
        unsettled: None,
        sheet_note,
        boxes: row.boxes,
        seal: row.seal.clone(),
        per_item: matches!(&row.value, ValueSource::Field { path } if path.starts_with("each.")),
    }
}

/// A row of the generic guide: its value named by its label (a named blank,
/// worded for the control: 〈…〉 を選択), every callout and help alternative
/// with its condition, and what it says for a clinic it does not concern.
fn generic_row(row: &Row, g: &Generic, content: &Content, when: Option<String>) -> GuideRow {
    let t = &content.strings;
    let shown = match (&row.control, &row.value) {
        (Control::Secret { digits, .. }, _) => Shown::Secret { digits: *digits },
        (Control::Link | Control::Button { .. }, _) | (_, ValueSource::None) => Shown::Nothing,
        (Control::Checkbox { .. }, ValueSource::Fixed { .. }) => Shown::Checked,
        (_, ValueSource::Fixed { text }) => Shown::Value { text: g.line(text) },
        (_, ValueSource::Field { path }) => Shown::Missing {
            label: g.label(path).to_string(),
        },
    };
    let display = match (&shown, &row.control) {
        (Shown::Missing { label }, Control::Radio { .. } | Control::Select { .. }) => {
            t.fill("generic_choose", &[("label", label)])
        }
        (Shown::Missing { label }, Control::YearMonth) => {
            t.fill("generic_year_month", &[("label", label)])
        }
        // A box without a caption is named by its row (「」 said nothing).
        (Shown::Missing { label }, Control::Checkbox { label: check }) => {
            let check = if check.is_empty() { &row.label } else { check };
            t.fill("generic_check", &[("label", label), ("check", check)])
        }
        (Shown::Missing { label }, _) => t.fill("generic_value", &[("label", label)]),
        (Shown::Nothing, _) if row.prefilled => t.get("shown_by_screen").to_string(),
        _ => shown.display(&row.control, row.highlight, t),
    };
    GuideRow {
        id: row.id.clone(),
        label: row.label.clone(),
        required: row.required,
        control: row.control.clone(),
        help: g.all(&row.help),
        is_value: shown.is_value(),
        shown,
        display,
        prefilled: row.prefilled,
        joined: row.joined,
        links: row.links.clone(),
        highlight: row.highlight,
        callout: row.callout.generic().map(|c| Callout {
            marker: c.marker,
            text: g.all_lines(&row.callout, |c| c.text.as_str()),
            detail: g.resolve(&c.detail),
        }),
        flag: None,
        correction: None,
        when,
        not_applicable: row.applies.as_ref().map(|a| Alternative {
            when: g.case(&Condition::Not {
                of: Box::new(a.clone()),
            }),
            text: g.line(not_applicable(row, content)),
        }),
        unsettled: row.value_when.as_ref().map(|w| Alternative {
            when: g.case(&Condition::Not {
                of: Box::new(w.clone()),
            }),
            text: g.line(row.unsettled.as_deref().unwrap_or_default()),
        }),
        // The help site prints no sheet.
        sheet_note: None,
        boxes: row.boxes,
        seal: row.seal.clone(),
        per_item: false,
    }
}

/// A list that a repetition pairs with another (each terminal's expiry,
/// read per terminal), of more than one item, with each item named by the
/// item of the list repeated over (「受付PC: 2026年11月20日（金）、診察室PC: …」,
/// the theme's `sheet_for_item`); `None` for any other value. The
/// registration table listed the two lists in rows of their own, leaving
/// the clinic to count which date is whose.
fn paired_items(
    content: &Content,
    facts: &Facts,
    path: &str,
    v: &facts::FactValue,
) -> Option<String> {
    let pair = content.pairs.iter().find(|p| p.with == path)?;
    let names = facts.get(&pair.list)?;
    (v.places() > 1).then(|| {
        v.items
            .iter()
            .enumerate()
            .map(|(i, x)| match names.item_at(v.place(i)) {
                Some(n) => format!(
                    "{}{x}",
                    content
                        .strings
                        .fill("sheet_for_item", &[("item", &n.display)])
                ),
                None => x.clone(),
            })
            .collect::<Vec<_>>()
            .join(&facts.words.dates.list_joiner)
    })
}

/// One schedule line of a clinic, `None` when its date is absent.
fn key_date(
    d: &crate::model::manual::DateItem,
    manual: &Manual,
    facts: &Facts,
    ev: Ev,
) -> Option<KeyDate> {
    let date = facts.date(&d.fact)?;
    // A date on or after its deadline (e.g. the installation day)
    // is a problem: what it brings is not there before the day.
    let late = d
        .deadline
        .as_ref()
        .and_then(|dl| facts.date(dl).map(|x| (dl, x)))
        .filter(|(_, x)| date >= *x);
    let label_of = |dl: &String| {
        manual
            .dates
            .iter()
            .find(|o| &o.fact == dl)
            .map(|o| resolve_line(&o.label, facts))
            .unwrap_or_else(|| ev.content.fact_label(dl).unwrap_or(dl).to_string())
    };
    // A date before the one it must not precede (e.g. today): passed.
    let passed = d
        .not_before
        .as_ref()
        .and_then(|nb| facts.date(nb).map(|x| (nb, x)))
        .filter(|(_, x)| date < *x)
        .map(|(nb, _)| {
            ev.content
                .strings
                .fill("date_passed", &[("reference", &label_of(nb))])
        });
    let today = facts.today;
    let problem = late.map(|(dl, x)| {
        let label = label_of(dl);
        let t = &ev.content.strings;
        if today.is_some_and(|today| x < today) {
            // The deadline itself has passed (a finding says so and
            // asks for a new one): this date bounds the new one.
            t.fill(
                "date_after_passed_deadline",
                &[("deadline", &label), ("date", &facts.words.dates.date(x))],
            )
        } else if date == x {
            t.fill("date_on_deadline", &[("deadline", &label)])
        } else {
            t.fill(
                "date_after_deadline",
                &[("deadline", &label), ("date", &facts.words.dates.date(x))],
            )
        }
    });
    let problem = match (passed, problem) {
        (Some(a), Some(b)) => Some(
            ev.content
                .strings
                .fill("date_problems", &[("passed", &a), ("late", &b)]),
        ),
        (a, b) => a.or(b),
    };
    Some(KeyDate {
        label: resolve_line(&d.label, facts),
        iso: date.to_string(),
        wareki: dates::wareki(date),
        basis: resolve_line(&d.basis, facts),
        severity: if problem.is_some() {
            Some(crate::model::Severity::Error)
        } else {
            d.severity
        },
        problem,
        when: None,
    })
}

fn key_dates(manual: &Manual, facts: &Facts, ev: Ev) -> Vec<KeyDate> {
    if let Some(g) = ev.generic {
        // No dates without a clinic: what happens, how it is computed, when.
        return manual
            .dates
            .iter()
            .map(|d| {
                let r = d.for_each.as_deref().map(|l| g.repeating(l));
                let g = r.as_ref().unwrap_or(g);
                KeyDate {
                    label: g.line(&d.label),
                    iso: String::new(),
                    wareki: g.named(&d.fact),
                    basis: g.line(&d.basis),
                    severity: d.severity,
                    problem: None,
                    when: d.when.as_ref().map(|w| g.case(w)),
                }
            })
            .collect();
    }
    // A line per item (`for_each:`): each terminal's expiry, its label
    // and basis worded with the item.
    let mut out: Vec<KeyDate> = Vec::new();
    for d in &manual.dates {
        match &d.for_each {
            None => out.extend(
                Some(facts)
                    .filter(|f| d.when.as_ref().is_none_or(|w| holds(w, f)))
                    .and_then(|f| key_date(d, manual, f, ev)),
            ),
            Some(list) => {
                let count = facts.get(list).map_or(0, |l| l.items.len());
                for i in 0..count {
                    let f = item_facts(facts, list, i, count);
                    if d.when.as_ref().is_none_or(|w| holds(w, &f)) {
                        out.extend(key_date(d, manual, &f, ev));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.iso.cmp(&b.iso));
    // Two events of one day with the same note (the notice and the line
    // type's correction, both after a passed installation day: 「新しい設置日は
    // この日より後にしてください」): the note is said once, on the day's last
    // row; the earlier rows stay marked.
    for i in 1..out.len() {
        if out[i].iso == out[i - 1].iso
            && out[i].problem.is_some()
            && out[i].problem == out[i - 1].problem
        {
            out[i - 1].problem = None;
        }
    }
    out
}

#[cfg(test)]
mod step_findings_tests {
    use super::*;

    fn finding(rule: &str, step: Option<&str>) -> Finding {
        Finding {
            rule: rule.into(),
            anchor: rule.into(),
            each: None,
            severity: crate::model::Severity::Warning,
            title: rule.into(),
            message: Rich::default(),
            consequence: Rich::default(),
            step: step.map(str::to_string),
            step_number: None,
            step_key: None,
            field: None,
            expect: None,
            when: None,
        }
    }

    /// A step copies the findings on it, in order, from the borrowed ones
    /// its repetition was given; a finding on another step (or on none)
    /// stays out.
    #[test]
    fn a_step_copies_only_its_own_findings_from_borrowed_ones() {
        let all = [
            finding("a", Some("m/s1")),
            finding("b", Some("m/s2")),
            finding("c", None),
            finding("d", Some("m/s1")),
        ];
        let here: Vec<&Finding> = all.iter().collect();
        let got = findings_of_step(&here, "m/s1");
        let rules: Vec<&str> = got.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["a", "d"]);
        assert!(findings_of_step(&here, "m/s3").is_empty());
        assert!(findings_of_step(&[], "m/s1").is_empty());
    }
}
