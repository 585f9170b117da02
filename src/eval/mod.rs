//! Evaluate stage: one manual + one clinic → one [`Guide`].
//!
//! Validates the clinic's values, fires the content's rules, resolves
//! placeholders and works out the dates. The result is the only thing
//! renderers see. Nothing here reads files or formats HTML/PDF.

pub mod dates;
pub mod facts;
pub mod guide;

use crate::model::clinic::Clinic;
use crate::model::manual::{Content, Control, Manual, Row, ValueSource};
use crate::model::rich::{Inline, Rich};
use crate::model::rule::{Condition, Op};
use facts::Facts;
use guide::*;
use jiff::civil::Date;

/// Evaluates every manual of `content` for `clinic` as of `today`.
pub fn evaluate(content: &Content, clinic: &Clinic, today: Date) -> Guide {
    let facts = facts::build(clinic, content, today);
    evaluate_with_facts(content, clinic, &facts)
}

/// Like [`evaluate`] with the facts computed beforehand.
pub fn evaluate_with_facts(content: &Content, clinic: &Clinic, facts: &Facts) -> Guide {
    let resolve = |r: &Rich| resolve_rich(r, facts, content);
    let mut findings: Vec<Finding> = content
        .rules
        .iter()
        .filter(|r| holds(&r.when, facts))
        .filter(|r| {
            r.step
                .as_ref()
                .is_none_or(|s| content.manuals.iter().any(|m| manual_has_step(m, s)))
        })
        .map(|r| Finding {
            rule: r.id.clone(),
            severity: r.severity,
            title: resolve_line(&r.title, facts),
            message: resolve(&r.message),
            consequence: resolve(&r.consequence),
            step: r.step.clone(),
            step_number: r
                .step
                .as_ref()
                .and_then(|id| find_step(content, id))
                .map(|(_, s)| s.number.clone()),
            step_key: r
                .step
                .as_ref()
                .and_then(|id| find_step(content, id))
                .map(|(m, s)| format!("{}/{}", m.id, s.id)),
            field: r.field.clone(),
            expect: r.expect.clone(),
        })
        .collect();
    findings.sort_by_key(|f| f.severity);
    let manuals = content
        .manuals
        .iter()
        .map(|m| eval_manual(m, content, facts, &findings))
        .collect();
    let text = |p: &str| facts.get(p).map(|f| f.display.clone()).unwrap_or_default();
    let fact_rows = content
        .fields
        .fields
        .iter()
        .filter_map(|f| {
            facts.get(&f.path).map(|v| Fact {
                path: f.path.clone(),
                label: f.label.clone(),
                text: v.display.clone(),
            })
        })
        .collect();
    let today = facts.today.unwrap_or_else(dates::today_jst);
    let mut issues = facts.issues.clone();
    issues.sort_by_key(|i| i.severity);
    let documents: Vec<&str> = content
        .manuals
        .iter()
        .map(|m| m.guide_title.as_str())
        .collect();
    let t = &content.strings;
    let documents = documents.join(t.get("title_joiner"));
    Guide {
        title: t.fill(
            "title",
            &[("clinic", &text("name")), ("documents", &documents)],
        ),
        documents,
        strings: content.strings.clone(),
        clinic_key: clinic.key.clone(),
        clinic_name: text("name"),
        institution_code: facts
            .get("institution_code_10")
            .or_else(|| facts.get("institution_code"))
            .map(|f| f.display.clone())
            .unwrap_or_default(),
        prefecture: text("prefecture"),
        generated: today.to_string(),
        generated_wareki: dates::wareki(today),
        facts: fact_rows,
        findings,
        issues,
        manuals,
    }
}

fn eval_manual(
    manual: &Manual,
    content: &Content,
    facts: &Facts,
    findings: &[Finding],
) -> GuideManual {
    let resolve = |r: &Rich| resolve_rich(r, facts, content);
    let parts = manual
        .parts
        .iter()
        .map(|p| GuidePart {
            id: p.id.clone(),
            number: p.number.clone(),
            title: p.title.clone(),
            intro: resolve(&p.intro),
            outro: resolve(&p.outro),
            steps: p
                .steps
                .iter()
                .map(|s| {
                    let step_findings: Vec<Finding> = findings
                        .iter()
                        .filter(|f| f.step.as_deref() == Some(s.id.as_str()))
                        .cloned()
                        .collect();
                    GuideStep {
                        id: s.id.clone(),
                        key: format!("{}/{}", manual.id, s.id),
                        number: s.number.clone(),
                        title: s.title.clone(),
                        body: resolve(&s.body),
                        screen: s.screen.as_ref().map(|sc| GuideScreen {
                            kind: sc.kind,
                            frame: sc.frame.clone(),
                            title: sc.title.clone(),
                            url: sc.url.clone(),
                            lead: resolve(&sc.lead),
                            rows: sc
                                .rows
                                .iter()
                                .map(|r| eval_row(r, facts, content, &step_findings))
                                .collect(),
                            buttons: sc.buttons.clone(),
                        }),
                        screenshot: s.screenshot.clone(),
                        notes: s
                            .notes
                            .iter()
                            .filter(|n| n.when.as_ref().is_none_or(|w| holds(w, facts)))
                            .map(|n| GuideNote {
                                kind: n.kind,
                                title: n.title.clone(),
                                body: resolve(&n.body),
                            })
                            .collect(),
                        findings: step_findings,
                    }
                })
                .collect(),
        })
        .collect();
    GuideManual {
        id: manual.id.clone(),
        title: manual.title.clone(),
        version: manual.version.clone(),
        summary: resolve(&manual.summary),
        checklist: manual
            .checklist
            .iter()
            .filter(|c| c.when.as_ref().is_none_or(|w| holds(w, facts)))
            .map(|c| resolve(&c.text))
            .collect(),
        dates: key_dates(manual, facts),
        parts,
        closing: resolve(&manual.closing),
        contacts: manual
            .contacts
            .iter()
            .map(|c| crate::model::manual::Contact {
                note: resolve(&c.note),
                ..c.clone()
            })
            .collect(),
    }
}

/// The manual and step a rule's `step:` names.
fn find_step<'c>(content: &'c Content, id: &str) -> Option<(&'c Manual, &'c crate::model::Step)> {
    content.manuals.iter().find_map(|m| {
        m.parts
            .iter()
            .flat_map(|p| p.steps.iter())
            .find(|s| s.id == id)
            .map(|s| (m, s))
    })
}

fn manual_has_step(manual: &Manual, id: &str) -> bool {
    manual
        .parts
        .iter()
        .any(|p| p.steps.iter().any(|s| s.id == id))
}

/// Evaluates a condition against the facts. Missing facts make comparisons false.
pub fn holds(c: &Condition, facts: &Facts) -> bool {
    match c {
        Condition::Always => true,
        Condition::All { of } => of.iter().all(|c| holds(c, facts)),
        Condition::Any { of } => of.iter().any(|c| holds(c, facts)),
        Condition::Not { of } => !holds(of, facts),
        Condition::Present { fact } => facts.get(fact).is_some(),
        Condition::Absent { fact } => facts.get(fact).is_none(),
        Condition::Invalid { fact } => facts.invalid.iter().any(|f| f == fact),
        Condition::In { fact, values } => {
            facts.get(fact).is_some_and(|f| values.contains(&f.value))
        }
        Condition::Compare { fact, op, value } => facts
            .get(fact)
            .is_some_and(|f| compare(&f.value, *op, value)),
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

/// Replaces placeholders by the clinic's values (or a visible "missing" mark).
pub fn resolve_rich(r: &Rich, facts: &Facts, content: &crate::model::manual::Content) -> Rich {
    r.map_inlines(&mut |i| match i {
        Inline::Placeholder { path } => Some(match facts.get(path) {
            Some(f) => Inline::Value {
                path: path.clone(),
                text: f.display.clone(),
            },
            None => Inline::Missing {
                path: path.clone(),
                label: content.fields.label(path).to_string(),
            },
        }),
        _ => None,
    })
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
        match facts.get(path) {
            Some(f) => out.push_str(&f.display),
            None => out.push_str(&rest[start..start + 4 + len]),
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

fn eval_row(row: &Row, facts: &Facts, content: &Content, findings: &[Finding]) -> GuideRow {
    let attached: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.field.as_deref() == Some(row.id.as_str()))
        .collect();
    let flag = attached.iter().map(|f| f.severity).min();
    let expect = attached.iter().find_map(|f| f.expect.clone());
    let shown = match (&row.control, &row.value) {
        (Control::Secret { digits, .. }, _) => Shown::Secret { digits: *digits },
        (Control::Link | Control::Button { .. }, _) | (_, ValueSource::None) => Shown::Nothing,
        (Control::Checkbox { .. }, ValueSource::Fixed { .. }) => Shown::Checked,
        (_, ValueSource::Fixed { text }) => Shown::Value { text: text.clone() },
        (control, ValueSource::Field { path }) => match facts.get(path) {
            None => Shown::Missing {
                label: content.fields.label(path).to_string(),
            },
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
                    if matches!(
                        f.value.as_str(),
                        "true" | "yes" | "contracted" | "planned" | "1"
                    ) {
                        Shown::Checked
                    } else {
                        // The clinic cannot tick it yet (e.g. v6 option not contracted).
                        Shown::Unchecked {
                            reason: f.display.clone(),
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
                _ => Shown::Value {
                    text: f.display.clone(),
                },
            },
        },
    };
    GuideRow {
        display: if row.prefilled && shown == Shown::Nothing {
            content.strings.get("shown_by_screen").to_string()
        } else {
            shown.display(&row.control, row.highlight, &content.strings)
        },
        is_value: shown.is_value(),
        id: row.id.clone(),
        label: row.label.clone(),
        required: row.required,
        control: row.control.clone(),
        help: resolve_rich(&row.help, facts, content),
        shown,
        prefilled: row.prefilled,
        highlight: row.highlight,
        callout: row.callout.clone(),
        flag,
        expect,
    }
}

fn key_dates(manual: &Manual, facts: &Facts) -> Vec<KeyDate> {
    let mut out: Vec<KeyDate> = manual
        .dates
        .iter()
        .filter(|d| d.when.as_ref().is_none_or(|w| holds(w, facts)))
        .filter_map(|d| {
            let date = facts.date(&d.fact)?;
            Some(KeyDate {
                label: d.label.clone(),
                iso: date.to_string(),
                wareki: dates::wareki(date),
                basis: d.basis.clone(),
                severity: d.severity,
            })
        })
        .collect();
    out.sort_by(|a, b| a.iso.cmp(&b.iso));
    out
}
