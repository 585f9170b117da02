//! The help site's view model: content read generically (placeholders as
//! 〈label〉, conditions in words, rules attached to their steps and rows),
//! shaped for the `site_*.html` templates and for the search index.
//!
//! Nothing here knows any clinic: the only input is [`Content`].

use super::generic::{Labels, describe_condition, line_html, line_text, placeholder_html};
use super::search::Doc;
use crate::model::manual::{
    Button, Content, Control, Manual, Part, Row, ScreenKind, Step, ValueSource,
};
use crate::model::rich::Rich;
use crate::model::rule::{Rule, Severity};
use crate::render::rich_html::escape;
use serde::Serialize;
use std::collections::BTreeSet;

/// A rich text as the templates use it (already generic).
pub type Text = Rich;

/// A manual with its pages' URLs.
#[derive(Debug, Clone, Serialize)]
pub struct ManualView {
    /// Content id.
    pub id: String,
    /// Folder name on the site.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Content version.
    pub version: String,
    /// Summary.
    pub summary: Text,
    /// What to have at hand, with the condition of conditional items.
    pub checklist: Vec<CondItem>,
    /// The schedule: what happens when, and how it is computed.
    pub dates: Vec<DateView>,
    /// Contacts.
    pub contacts: Vec<ContactView>,
    /// Closing text.
    pub closing: Text,
    /// The parts.
    pub parts: Vec<PartView>,
    /// Site-relative URL of the overview page.
    pub url: String,
    /// Site-relative URL of the print view.
    pub print_url: String,
}

/// A conditional line (checklist item).
#[derive(Debug, Clone, Serialize)]
pub struct CondItem {
    /// The text.
    pub text: Text,
    /// When it applies, in words (`None`: always).
    pub condition: Option<String>,
}

/// A date of the schedule, generically.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// What happens.
    pub label: String,
    /// How the date is computed.
    pub basis: String,
    /// When it is shown, in words.
    pub condition: Option<String>,
    /// Marked with this severity in guides.
    pub severity: Option<Severity>,
}

/// A contact.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// Who.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// `tel:` link target (digits and `+` only).
    pub tel: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// What about.
    pub note: Text,
}

/// A part: one page of the site.
#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    /// Content id.
    pub id: String,
    /// Heading anchor.
    pub anchor: String,
    /// Number as printed.
    pub number: String,
    /// Title.
    pub title: String,
    /// Text before the steps.
    pub intro: Text,
    /// Text after the steps.
    pub outro: Text,
    /// The steps.
    pub steps: Vec<StepView>,
    /// Site-relative URL of the part's page.
    pub url: String,
}

/// A step, generically.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    /// Content id.
    pub id: String,
    /// Heading anchor.
    pub anchor: String,
    /// Number as printed.
    pub number: String,
    /// Title.
    pub title: String,
    /// Instruction.
    pub body: Text,
    /// The screen, as a table of rows.
    pub screen: Option<ScreenView>,
    /// The generic picture of the screen (inline SVG; placeholders, no clinic data).
    pub picture: Option<String>,
    /// Notes (conditional ones with their condition).
    pub notes: Vec<NoteView>,
    /// Rules attached to this step, each with its condition in words.
    pub rules: Vec<RuleView>,
    /// Site-relative URL (part page + anchor).
    pub url: String,
}

/// A screen of a step.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenView {
    /// Kind (form, menu, dialog, message).
    pub kind: ScreenKind,
    /// Japanese name of the kind.
    pub kind_label: &'static str,
    /// Title shown in the screen.
    pub title: String,
    /// Address of the page.
    pub url: Option<String>,
    /// Text at the top.
    pub lead: Text,
    /// Rows.
    pub rows: Vec<RowView>,
    /// Buttons.
    pub buttons: Vec<Button>,
}

/// One row of a screen table.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Content id.
    pub id: String,
    /// Anchor of the table row.
    pub anchor: String,
    /// Label as on the portal.
    pub label: String,
    /// 必須.
    pub required: bool,
    /// The portal fills it in.
    pub prefilled: bool,
    /// The element to act on.
    pub highlight: bool,
    /// What to enter, as escaped HTML (〈label〉, the fixed value, a secret's rule).
    pub enter_html: String,
    /// The same as plain text (search).
    pub enter_text: String,
    /// Choices of a radio group or select.
    pub choices: Vec<String>,
    /// Annotation.
    pub callout: Option<CalloutView>,
    /// The portal's help text.
    pub help: Text,
    /// Rules pointing at this row.
    pub rules: Vec<RuleRef>,
}

/// An annotation of a row.
#[derive(Debug, Clone, Serialize)]
pub struct CalloutView {
    /// ① number.
    pub marker: Option<u32>,
    /// Short text.
    pub text: String,
    /// Longer explanation.
    pub detail: Text,
}

/// A link from a row to a rule shown below the screen.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRef {
    /// The rule's anchor.
    pub anchor: String,
    /// Severity.
    pub severity: Severity,
    /// 重要 / 注意 / お知らせ.
    pub severity_label: &'static str,
    /// Title (plain).
    pub title: String,
}

/// A note.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// info, caution, tip, next.
    pub kind: crate::model::manual::NoteKind,
    /// Japanese name of the kind.
    pub kind_label: &'static str,
    /// Heading.
    pub title: Option<String>,
    /// Text.
    pub body: Text,
    /// When it is shown in guides, in words.
    pub condition: Option<String>,
}

/// A rule, generically: condition in words, message with 〈label〉s.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// Content id.
    pub id: String,
    /// Anchor.
    pub anchor: String,
    /// Severity.
    pub severity: Severity,
    /// 重要 / 注意 / お知らせ.
    pub severity_label: &'static str,
    /// The condition in words (`applies_when`, or derived from `when`).
    pub applies_when: String,
    /// Title as HTML with placeholders.
    pub title_html: String,
    /// Title as plain text.
    pub title: String,
    /// Explanation.
    pub message: Text,
    /// What happens if ignored.
    pub consequence: Text,
    /// The value the row should have.
    pub expect: Option<String>,
    /// Label of the row it points at.
    pub row_label: Option<String>,
    /// Anchor of that row (on the step's page).
    pub row_anchor: Option<String>,
    /// The step it is shown at ("1-3 …"), for the rules page.
    pub at_label: Option<String>,
    /// Site-relative URL of the rule where that step shows it.
    pub at_url: Option<String>,
}

/// Every view of the site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Manuals in order.
    pub manuals: Vec<ManualView>,
    /// Rules not shown at any step (general warnings).
    pub general_rules: Vec<RuleView>,
    /// Rules shown at steps, for the rules page's list.
    pub step_rules: Vec<RuleView>,
}

/// Makes `s` safe as an id or a file name: ASCII letters, digits, `-`, `_`
/// stay; anything else becomes `_` and its hexadecimal code.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}", c as u32));
        }
    }
    if out.is_empty() { "_".into() } else { out }
}

fn unique(base: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Site-relative file of the rules page.
pub const RULES_PAGE: &str = "rules.html";

impl SiteView {
    /// Reads `content` generically.
    pub fn new(content: &Content) -> Self {
        let labels = Labels::new(content);
        let mut taken: BTreeSet<String> = ["assets", "clinics", "index", "search", "rules"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut attached: BTreeSet<String> = BTreeSet::new();
        let mut step_rules = Vec::new();
        let manuals: Vec<ManualView> = content
            .manuals
            .iter()
            .map(|m| {
                let mslug = unique(slug(&m.id), &mut taken);
                let mv = manual_view(m, &mslug, content, &labels);
                for p in &mv.parts {
                    for s in &p.steps {
                        for r in &s.rules {
                            attached.insert(r.id.clone());
                            step_rules.push(r.clone());
                        }
                    }
                }
                mv
            })
            .collect();
        let general_rules = content
            .rules
            .iter()
            .filter(|r| !attached.contains(&r.id))
            .map(|r| rule_view(r, None, content, &labels))
            .collect();
        let mut manuals = manuals;
        let pictures = generic_pictures(content);
        for m in manuals.iter_mut() {
            for s in m.parts.iter_mut().flat_map(|p| p.steps.iter_mut()) {
                s.picture = pictures.get(&format!("{}/{}", m.id, s.id)).cloned();
            }
        }
        SiteView {
            manuals,
            general_rules,
            step_rules,
        }
    }

    /// The searchable sections: each manual's overview, each part, each step
    /// (with its rules), and the general rules.
    pub fn search_docs(&self) -> Vec<Doc> {
        let mut docs = Vec::new();
        for m in &self.manuals {
            let mut body = vec![m.summary.plain_text()];
            body.extend(m.checklist.iter().map(|c| c.text.plain_text()));
            body.extend(m.dates.iter().map(|d| format!("{} {}", d.label, d.basis)));
            body.extend(m.contacts.iter().map(|c| {
                format!(
                    "{} {} {} {}",
                    c.name,
                    c.phone.as_deref().unwrap_or(""),
                    c.hours.as_deref().unwrap_or(""),
                    c.note.plain_text()
                )
            }));
            body.push(m.closing.plain_text());
            docs.push(Doc {
                t: m.title.clone(),
                u: m.url.clone(),
                c: "手順書".into(),
                h: m.parts
                    .iter()
                    .map(|p| format!("{} {}", p.number, p.title))
                    .collect::<Vec<_>>()
                    .join("\n"),
                b: join_lines(body),
            });
            for p in &m.parts {
                // A part's steps are sections of their own: the part's
                // section is its title and its own text, so it never
                // outranks the step that has the answer.
                docs.push(Doc {
                    t: format!("{} {}", p.number, p.title),
                    u: p.url.clone(),
                    c: m.title.clone(),
                    h: String::new(),
                    b: join_lines(vec![p.intro.plain_text(), p.outro.plain_text()]),
                });
                for s in &p.steps {
                    docs.push(step_doc(m, p, s));
                }
            }
        }
        if !self.general_rules.is_empty() {
            let mut heads = Vec::new();
            let mut body = Vec::new();
            for r in &self.general_rules {
                heads.push(r.title.clone());
                body.push(rule_text(r));
            }
            docs.push(Doc {
                t: "全般の注意事項".into(),
                u: format!("{RULES_PAGE}#general"),
                c: "注意事項一覧".into(),
                h: heads.join("\n"),
                b: join_lines(body),
            });
        }
        docs
    }
}

fn join_lines(parts: Vec<String>) -> String {
    parts
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn rule_text(r: &RuleView) -> String {
    join_lines(vec![
        r.applies_when.clone(),
        r.message.plain_text(),
        r.consequence.plain_text(),
    ])
}

fn step_doc(m: &ManualView, p: &PartView, s: &StepView) -> Doc {
    let mut heads = Vec::new();
    let mut body = vec![s.body.plain_text()];
    if let Some(sc) = &s.screen {
        heads.push(sc.title.clone());
        body.push(sc.lead.plain_text());
        for r in &sc.rows {
            heads.push(r.label.clone());
            body.push(r.enter_text.clone());
            body.extend(r.choices.iter().cloned());
            if let Some(c) = &r.callout {
                heads.push(c.text.clone());
                body.push(c.detail.plain_text());
            }
            body.push(r.help.plain_text());
        }
        for b in &sc.buttons {
            body.push(b.label.clone());
        }
    }
    for n in &s.notes {
        if let Some(t) = &n.title {
            heads.push(t.clone());
        }
        body.push(n.body.plain_text());
    }
    for r in &s.rules {
        heads.push(r.title.clone());
        body.push(rule_text(r));
    }
    Doc {
        t: format!("{} {}", s.number, s.title),
        u: s.url.clone(),
        c: format!("{} › {} {}", m.title, p.number, p.title),
        h: heads.join("\n"),
        b: join_lines(body),
    }
}

fn manual_view(m: &Manual, mslug: &str, content: &Content, labels: &Labels) -> ManualView {
    let g = |r: &Rich| super::generic::resolve_generic(r, labels);
    let cond = |c: &Option<crate::model::rule::Condition>| {
        c.as_ref().map(|c| describe_condition(c, content, labels))
    };
    let mut files: BTreeSet<String> = ["index", "print"].iter().map(|s| s.to_string()).collect();
    let parts = m
        .parts
        .iter()
        .map(|p| {
            let file = unique(slug(&p.id), &mut files);
            part_view(p, &m.id, &format!("{mslug}/{file}.html"), content, labels)
        })
        .collect();
    ManualView {
        id: m.id.clone(),
        slug: mslug.to_string(),
        title: m.title.clone(),
        version: m.version.clone(),
        summary: g(&m.summary),
        checklist: m
            .checklist
            .iter()
            .map(|c| CondItem {
                text: g(&c.text.flatten(&|w| describe_condition(w, content, labels))),
                condition: cond(&c.when),
            })
            .collect(),
        dates: m
            .dates
            .iter()
            .map(|d| DateView {
                label: d.label.clone(),
                basis: d.basis.clone(),
                condition: cond(&d.when),
                severity: d.severity,
            })
            .collect(),
        contacts: m
            .contacts
            .iter()
            .map(|c| ContactView {
                name: c.name.clone(),
                phone: c.phone.clone(),
                tel: c.phone.as_ref().map(|p| {
                    p.chars()
                        .filter(|c| c.is_ascii_digit() || *c == '+')
                        .collect()
                }),
                hours: c.hours.clone(),
                note: g(&c.note),
            })
            .collect(),
        closing: g(&m.closing),
        parts,
        url: format!("{mslug}/index.html"),
        print_url: format!("{mslug}/print.html"),
    }
}

fn part_view(p: &Part, manual: &str, url: &str, content: &Content, labels: &Labels) -> PartView {
    let g = |r: &Rich| super::generic::resolve_generic(r, labels);
    PartView {
        id: p.id.clone(),
        anchor: format!("part-{}", slug(&p.id)),
        number: p.number.clone(),
        title: p.title.clone(),
        intro: g(&p.intro.flatten(&|w| describe_condition(w, content, labels))),
        outro: g(&p.outro),
        steps: p
            .steps
            .iter()
            .map(|s| step_view(s, manual, url, content, labels))
            .collect(),
        url: url.to_string(),
    }
}

/// The pictures of every screen for no clinic at all: the same scenes the
/// guides draw, with every value shown as its 〈label〉 placeholder.
fn generic_pictures(content: &Content) -> std::collections::BTreeMap<String, String> {
    let nobody = crate::model::clinic::Clinic {
        key: "generic".into(),
        source: crate::model::SourcePos::default(),
        values: Default::default(),
        load_errors: Vec::new(),
    };
    let facts = crate::eval::facts::Facts::default();
    let guide = crate::eval::evaluate_with_facts(content, &nobody, &facts);
    crate::render::pictures::Pictures::new(&guide).svg()
}

fn step_view(s: &Step, manual: &str, page: &str, content: &Content, labels: &Labels) -> StepView {
    let g = |r: &Rich| super::generic::resolve_generic(r, labels);
    let anchor = format!("step-{}", slug(&s.id));
    let url = format!("{page}#{anchor}");
    let row_ids: Vec<&str> = s
        .screen
        .iter()
        .flat_map(|sc| sc.rows.iter().map(|r| r.id.as_str()))
        .collect();
    let rules: Vec<RuleView> = content
        .rules
        .iter()
        .filter(|r| r.step.as_deref() == Some(format!("{manual}/{}", s.id).as_str()))
        .map(|r| {
            let mut v = rule_view(r, Some((s, page)), content, labels);
            if r.field.as_deref().is_none_or(|f| !row_ids.contains(&f)) {
                v.row_label = None;
                v.row_anchor = None;
            }
            v
        })
        .collect();
    let screen = s.screen.as_ref().map(|sc| ScreenView {
        kind: sc.kind,
        kind_label: match sc.kind {
            ScreenKind::Form => "入力画面",
            ScreenKind::Menu => "メニュー",
            ScreenKind::Dialog => "確認ダイアログ",
            ScreenKind::Message => "メッセージ画面",
        },
        title: sc.title.clone(),
        url: sc.url.clone(),
        lead: g(&sc.lead),
        rows: sc
            .rows
            .iter()
            .map(|r| row_view(r, s, &rules, content, labels, &content.strings))
            .collect(),
        buttons: sc.buttons.clone(),
    });
    StepView {
        id: s.id.clone(),
        anchor,
        number: s.number.clone(),
        title: s.title.clone(),
        body: g(&s.body.flatten(&|w| describe_condition(w, content, labels))),
        screen,
        picture: None,
        notes: s
            .notes
            .iter()
            .map(|n| {
                use crate::model::manual::NoteKind;
                NoteView {
                    kind: n.kind,
                    kind_label: match n.kind {
                        NoteKind::Info => "補足",
                        NoteKind::Caution => "注意",
                        NoteKind::Tip => "ヒント",
                        NoteKind::Next => "このあと",
                    },
                    title: n.title.clone(),
                    body: g(&n.body.flatten(&|w| describe_condition(w, content, labels))),
                    condition: n
                        .when
                        .as_ref()
                        .map(|c| describe_condition(c, content, labels)),
                }
            })
            .collect(),
        rules,
        url,
    }
}

fn row_anchor(step: &Step, row: &str) -> String {
    format!("row-{}-{}", slug(&step.id), slug(row))
}

fn row_view(
    r: &Row,
    step: &Step,
    rules: &[RuleView],
    content: &Content,
    labels: &Labels,
    t: &crate::model::strings::Strings,
) -> RowView {
    let describe = |w: &crate::model::Condition| describe_condition(w, content, labels);
    let (enter_html, enter_text) = enter(r, labels, t);
    let choices = match &r.control {
        Control::Radio { options } | Control::Select { options } => {
            options.iter().map(|o| o.label.clone()).collect()
        }
        _ => Vec::new(),
    };
    RowView {
        id: r.id.clone(),
        anchor: row_anchor(step, &r.id),
        label: r.label.clone(),
        required: r.required,
        prefilled: r.prefilled,
        highlight: r.highlight,
        enter_html,
        enter_text,
        choices,
        // Every alternative of the callout, each with its condition in words.
        callout: r.callout.generic().map(|c| CalloutView {
            marker: c.marker,
            text: if r.callout.has_cases() {
                r.callout
                    .alternatives()
                    .map(|(w, c)| match w {
                        Some(w) => format!("{}の場合: {}", describe(w), line_text(&c.text, labels)),
                        None => format!("それ以外の場合: {}", line_text(&c.text, labels)),
                    })
                    .collect::<Vec<_>>()
                    .join(" ／ ")
            } else {
                line_text(&c.text, labels)
            },
            detail: super::generic::resolve_generic(&c.detail, labels),
        }),
        help: super::generic::resolve_generic(&r.help.flatten(&describe), labels),
        rules: rules
            .iter()
            .filter(|v| v.row_anchor.as_deref() == Some(row_anchor(step, &r.id).as_str()))
            .map(|v| RuleRef {
                anchor: v.anchor.clone(),
                severity: v.severity,
                severity_label: v.severity_label,
                title: v.title.clone(),
            })
            .collect(),
    }
}

/// What to enter in a row, generically: (HTML, plain text).
fn enter(r: &Row, labels: &Labels, t: &crate::model::strings::Strings) -> (String, String) {
    let field = |path: &str| {
        let label = labels.label(path);
        (placeholder_html(path, label), format!("〈{label}〉"))
    };
    match (&r.control, &r.value) {
        (Control::Secret { digits, .. }, _) => {
            // The same words as the guides' (the theme's strings).
            let t =
                crate::eval::guide::Shown::Secret { digits: *digits }.display(&r.control, false, t);
            (format!("<span class=\"secret\">{}</span>", escape(&t)), t)
        }
        (Control::Link, _) => {
            if r.highlight {
                (
                    "<strong>ここをクリック</strong>".into(),
                    "ここをクリック".into(),
                )
            } else {
                ("—".into(), String::new())
            }
        }
        (Control::Button { label }, _) => (
            format!("<span class=\"btn\">{}</span>", escape(label)),
            label.clone(),
        ),
        (Control::Checkbox { label }, ValueSource::Fixed { .. }) => {
            let t = format!("☑ {label}");
            (escape(&t), t)
        }
        (Control::Checkbox { label }, ValueSource::Field { path }) => {
            let (h, t) = field(path);
            (
                format!("{h} に応じて「{}」にチェック", escape(label)),
                format!("{t} に応じて「{label}」にチェック"),
            )
        }
        (_, ValueSource::Fixed { text }) => (
            format!("<span class=\"fixed\">{}</span>", escape(text)),
            text.clone(),
        ),
        (Control::YearMonth, ValueSource::Field { path }) => {
            let (h, t) = field(path);
            (
                format!("{h}（年・月を選択）"),
                format!("{t}（年・月を選択）"),
            )
        }
        (Control::Radio { .. } | Control::Select { .. }, ValueSource::Field { path }) => {
            let (h, t) = field(path);
            (format!("{h} を選択"), format!("{t} を選択"))
        }
        (_, ValueSource::Field { path }) => field(path),
        (_, ValueSource::None) => {
            if r.prefilled {
                (escape(t.get("shown_by_screen")), String::new())
            } else {
                ("—".into(), String::new())
            }
        }
    }
}

/// A rule for the site; `at` is the step it is shown at and that step's page.
fn rule_view(r: &Rule, at: Option<(&Step, &str)>, content: &Content, labels: &Labels) -> RuleView {
    let g = |x: &Rich| super::generic::resolve_generic(x, labels);
    let applies_when = if r.applies_when.trim().is_empty() {
        format!("{}の場合", describe_condition(&r.when, content, labels))
    } else {
        r.applies_when.trim().to_string()
    };
    let row_label = at.and_then(|(s, _)| {
        let f = r.field.as_deref()?;
        s.screen
            .as_ref()?
            .rows
            .iter()
            .find(|row| row.id == f)
            .map(|row| row.label.clone())
    });
    RuleView {
        id: r.id.clone(),
        anchor: format!("rule-{}", slug(&r.id)),
        severity: r.severity,
        severity_label: r.severity.label_ja(),
        applies_when,
        title_html: line_html(&r.title, labels),
        title: line_text(&r.title, labels),
        message: g(&r
            .message
            .flatten(&|w| describe_condition(w, content, labels))),
        consequence: g(&r
            .consequence
            .flatten(&|w| describe_condition(w, content, labels))),
        expect: r.expect.as_ref().map(|e| line_text(e, labels)),
        row_anchor: match (at, &r.field) {
            (Some((s, _)), Some(f)) if row_label.is_some() => Some(row_anchor(s, f)),
            _ => None,
        },
        row_label,
        at_label: at.map(|(s, _)| format!("{} {}", s.number, s.title)),
        at_url: at.map(|(_, page)| format!("{page}#rule-{}", slug(&r.id))),
    }
}
