//! The help site's pages assembled from the generic guide: the same
//! evaluated model the clinics' guides and handouts are rendered from
//! ([`crate::eval::evaluate_generic`]: every value a named blank 〈label〉,
//! every alternative with its condition in words), given URLs and anchors,
//! rules attached to their steps and rows, shaped for the `site_*.html`
//! templates and for the search index.
//!
//! Nothing here evaluates anything and nothing knows any clinic: the only
//! input is the generic [`Guide`].

use super::search::Doc;
use crate::eval::guide::{
    Alternative, Finding, Guide, GuideManual, GuidePart, GuideRow, GuideScreen, GuideStep, Shown,
};
use crate::model::manual::{Button, Control, ScreenKind};
use crate::model::rich::Rich;
use crate::model::rule::Severity;
use crate::model::strings::{Strings, fill_in};
use crate::render::rich_html::{escape, shown_text};
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
    /// Every alternative of the title with its condition in words (empty
    /// when it is the same for every clinic).
    pub title_variants: String,
    /// Content version.
    pub version: String,
    /// Which clinics the manual is for, in words (its `when:`).
    pub condition: Option<String>,
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
    /// When a clinic's guide shows this part, in words (`None`: always).
    pub condition: Option<String>,
    /// Repeated for each item of a list, in words.
    pub repeat: Option<String>,
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
    /// When a clinic's guide shows this step, in words (`None`: always).
    pub condition: Option<String>,
    /// Repeated for each item of a list, in words.
    pub repeat: Option<String>,
    /// Instruction.
    pub body: Text,
    /// The screen, as a table of rows.
    pub screen: Option<ScreenView>,
    /// The generic picture of the screen (inline SVG; placeholders, no clinic data).
    pub picture: Option<String>,
    /// The step's second picture (`figure:`, e.g. a letter the clinic
    /// receives), generic like `picture`.
    pub figure: Option<FigureView>,
    /// The step's `screenshot:` (a photo of a device's label) with its
    /// annotations, captioned with its `alt`.
    pub screenshot: Option<FigureView>,
    /// The screenshot comes before the screen (`first: true`).
    pub screenshot_first: bool,
    /// Notes (conditional ones with their condition).
    pub notes: Vec<NoteView>,
    /// Rules attached to this step, each with its condition in words.
    pub rules: Vec<RuleView>,
    /// Site-relative URL (part page + anchor).
    pub url: String,
}

/// A step's `figure:` picture with its caption.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// Inline SVG (placeholders, no clinic data).
    pub picture: String,
    /// The author's `alt:`, else the theme's picture caption.
    pub caption: String,
    /// What the picture says, for the search index as a screen's rows are
    /// (a letter's 「申請ID」 is a question a reader asks): its title and
    /// each row's label and callout as headings, its lead and foot as body
    /// (a row's value is a placeholder or a secret's blank here). Not
    /// rendered.
    #[serde(skip)]
    pub words: (Vec<String>, Vec<String>),
}

/// A screen of a step.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenView {
    /// Kind (form, menu, dialog, message).
    pub kind: ScreenKind,
    /// Japanese name of the kind.
    pub kind_label: String,
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
    /// How a button is named in words (the theme's `site_button`, 「{label}」ボタン).
    pub button_words: String,
    /// How a link among the buttons is named in words (the theme's
    /// `site_link`, 「{label}」のリンク).
    pub link_words: String,
    /// Said after a link's text for a screen reader (the theme's `link_mark`).
    pub link_mark: String,
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
    /// A menu's section heading (a `display` row of a menu), not a link.
    pub heading: bool,
    /// When a clinic's guide shows this row, in words (`None`: always).
    pub condition: Option<String>,
    /// What the row says instead for a clinic it does not concern.
    pub not_applicable: Option<Alternative>,
    /// What the row shows instead while the clinic's value is not settled.
    pub unsettled: Option<Alternative>,
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
    pub severity_label: String,
    /// Title (plain).
    pub title: String,
}

/// A note.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// info, caution, tip, next.
    pub kind: crate::model::manual::NoteKind,
    /// Japanese name of the kind.
    pub kind_label: String,
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
    pub severity_label: String,
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
    /// The theme's wording (page names of the site itself).
    #[serde(skip)]
    pub strings: std::sync::Arc<Strings>,
    /// Words to show as examples in the search boxes (content's
    /// `search.yaml` `examples:`; none: the boxes show no example).
    pub search_examples: Vec<String>,
    /// Who the manuals are for (content's `search.yaml` `audience:`).
    pub site_audience: Option<String>,
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
    /// Assembles the pages of the generic `guide` (pictures measured with
    /// `fonts`).
    pub fn new(guide: &Guide, fonts: &crate::render::pdf::Fonts) -> Self {
        let mut taken: BTreeSet<String> = ["assets", "clinics", "index", "search", "rules"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let pictures = crate::render::pictures::Pictures::new(guide, fonts).svg();
        let mut step_rules = Vec::new();
        let manuals: Vec<ManualView> = guide
            .manuals
            .iter()
            .map(|m| {
                let mslug = unique(slug(&m.id), &mut taken);
                let mv = manual_view(m, &mslug, &pictures, &guide.strings);
                for s in mv.parts.iter().flat_map(|p| &p.steps) {
                    step_rules.extend(s.rules.iter().cloned());
                }
                mv
            })
            .collect();
        // Rules shown at no step of the guide: the general warnings.
        let general_rules = guide
            .findings
            .iter()
            .filter(|f| f.step_key.is_none())
            .map(|f| rule_view(f, None, &guide.strings))
            .collect();
        SiteView {
            manuals,
            general_rules,
            step_rules,
            strings: guide.strings.clone(),
            search_examples: Vec::new(),
            site_audience: None,
        }
    }

    /// The searchable sections: each manual's overview, each part, each step
    /// (with its rules), and the general rules.
    pub fn search_docs(&self) -> Vec<Doc> {
        let mut docs = Vec::new();
        for m in &self.manuals {
            let mut body = vec![shown_text(&m.summary)];
            body.extend(m.checklist.iter().map(|c| shown_text(&c.text)));
            body.extend(m.dates.iter().map(|d| format!("{} {}", d.label, d.basis)));
            body.extend(m.contacts.iter().map(|c| {
                format!(
                    "{} {} {} {}",
                    c.name,
                    c.phone.as_deref().unwrap_or(""),
                    c.hours.as_deref().unwrap_or(""),
                    shown_text(&c.note)
                )
            }));
            body.push(shown_text(&m.closing));
            docs.push(Doc {
                t: m.title.clone(),
                u: m.url.clone(),
                c: self.strings.get("site_kind_manual").into(),
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
                    b: join_lines(vec![shown_text(&p.intro), shown_text(&p.outro)]),
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
                t: self.strings.get("site_general_rules").into(),
                u: format!("{RULES_PAGE}#general"),
                c: self.strings.get("site_rules").into(),
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

/// A figure's words (see [`FigureView::words`]): headings and body.
fn figure_words(fig: &GuideScreen) -> (Vec<String>, Vec<String>) {
    let mut heads = vec![fig.title.clone()];
    let body = vec![shown_text(&fig.lead), shown_text(&fig.foot)];
    for r in &fig.rows {
        heads.push(r.label.clone());
        if let Some(c) = &r.callout {
            heads.push(c.text.clone());
        }
    }
    (heads, body)
}

fn rule_text(r: &RuleView) -> String {
    join_lines(vec![
        r.applies_when.clone(),
        shown_text(&r.message),
        shown_text(&r.consequence),
    ])
}

fn step_doc(m: &ManualView, p: &PartView, s: &StepView) -> Doc {
    let mut heads = Vec::new();
    let mut body = vec![shown_text(&s.body)];
    if let Some(sc) = &s.screen {
        heads.push(sc.title.clone());
        body.push(shown_text(&sc.lead));
        for r in &sc.rows {
            heads.push(r.label.clone());
            body.push(r.enter_text.clone());
            body.extend(r.choices.iter().cloned());
            if let Some(c) = &r.callout {
                heads.push(c.text.clone());
                body.push(shown_text(&c.detail));
            }
            body.push(shown_text(&r.help));
        }
        // As the picture's description names them: 「申請」ボタン.
        body.extend(sc.buttons.iter().map(|b| {
            let words = if b.link {
                &sc.link_words
            } else {
                &sc.button_words
            };
            fill_in(words, &[("label", &b.label)])
        }));
    }
    // The step's other pictures, by their captions and words: a letter's
    // sample names what the clinic will hold (申請ID, 有効期限).
    for f in s.figure.iter().chain(&s.screenshot) {
        heads.extend(f.words.0.iter().cloned());
        body.push(f.caption.clone());
        body.extend(f.words.1.iter().cloned());
    }
    for n in &s.notes {
        if let Some(t) = &n.title {
            heads.push(t.clone());
        }
        body.push(shown_text(&n.body));
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

/// Escaped `text` with each named blank (the theme's `generic_value`:
/// 〈label〉) marked as a placeholder.
fn mark_placeholders(text: &str, t: &Strings) -> String {
    let (open, close) = t.split("generic_value", "label");
    let mut out = String::new();
    let mut rest = text;
    while !open.is_empty()
        && !close.is_empty()
        && let Some(start) = rest.find(open)
    {
        let Some(len) = rest[start + open.len()..].find(close) else {
            break;
        };
        out.push_str(&escape(&rest[..start]));
        let end = start + open.len() + len + close.len();
        out.push_str(&format!(
            "<span class=\"placeholder\">{}</span>",
            escape(&rest[start..end])
        ));
        rest = &rest[end..];
    }
    out.push_str(&escape(rest));
    out
}

fn manual_view(
    m: &GuideManual,
    mslug: &str,
    pictures: &std::collections::BTreeMap<String, String>,
    t: &Strings,
) -> ManualView {
    let mut files: BTreeSet<String> = ["index", "print"].iter().map(|s| s.to_string()).collect();
    let parts = m
        .parts
        .iter()
        .map(|p| {
            let file = unique(slug(&p.id), &mut files);
            part_view(p, &format!("{mslug}/{file}.html"), pictures, t)
        })
        .collect();
    ManualView {
        id: m.id.clone(),
        slug: mslug.to_string(),
        title: m.title.clone(),
        title_variants: m.title_variants.clone(),
        version: m.version.clone(),
        condition: m.when.clone(),
        summary: m.summary.clone(),
        checklist: m
            .checklist
            .iter()
            .enumerate()
            .map(|(i, text)| CondItem {
                text: text.clone(),
                condition: m.checklist_when.get(i).cloned().flatten(),
            })
            .collect(),
        dates: m
            .dates
            .iter()
            .map(|d| DateView {
                label: d.label.clone(),
                basis: d.basis.clone(),
                condition: d.when.clone(),
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
                note: c.note.clone(),
            })
            .collect(),
        closing: m.closing.clone(),
        parts,
        url: format!("{mslug}/index.html"),
        print_url: format!("{mslug}/print.html"),
    }
}

fn part_view(
    p: &GuidePart,
    url: &str,
    pictures: &std::collections::BTreeMap<String, String>,
    t: &Strings,
) -> PartView {
    PartView {
        id: p.id.clone(),
        anchor: format!("part-{}", slug(&p.id)),
        number: p.number.clone(),
        title: p.title.clone(),
        condition: p.when.clone(),
        repeat: p.repeat.clone(),
        intro: p.intro.clone(),
        outro: p.outro.clone(),
        steps: p
            .steps
            .iter()
            .map(|s| {
                let figure = s.figure.as_ref().and_then(|fig| {
                    let key = crate::render::pictures::figure_key(&s.key);
                    pictures.get(&key).map(|svg| FigureView {
                        picture: svg.clone(),
                        caption: crate::render::pictures::figure_caption(fig, t),
                        words: figure_words(fig),
                    })
                });
                // The screenshot (a photo) as the clinic's guide shows it:
                // it holds no clinic data.
                let screenshot = s.screenshot.as_ref().and_then(|shot| {
                    let key = crate::render::pictures::shot_key(&s.key);
                    pictures.get(&key).map(|svg| FigureView {
                        picture: svg.clone(),
                        caption: shot.alt.clone(),
                        words: Default::default(),
                    })
                });
                let step = step_view(s, url, pictures.get(&s.key).cloned(), figure, t);
                StepView {
                    screenshot,
                    screenshot_first: s.screenshot.as_ref().is_some_and(|x| x.first),
                    ..step
                }
            })
            .collect(),
        url: url.to_string(),
    }
}

fn step_view(
    s: &GuideStep,
    page: &str,
    picture: Option<String>,
    figure: Option<FigureView>,
    t: &Strings,
) -> StepView {
    let anchor = format!("step-{}", slug(&s.id));
    let url = format!("{page}#{anchor}");
    let rules: Vec<RuleView> = s
        .findings
        .iter()
        .map(|f| rule_view(f, Some((s, page)), t))
        .collect();
    let screen = s.screen.as_ref().map(|sc| ScreenView {
        kind: sc.kind,
        kind_label: t
            .get(crate::scene::build::screen_kind_key(sc.kind))
            .to_string(),
        title: sc.title.clone(),
        url: sc.url.clone(),
        lead: sc.lead.clone(),
        rows: sc.rows.iter().map(|r| row_view(r, s, &rules, t)).collect(),
        buttons: sc.buttons.clone(),
        button_words: t.get("site_button").to_string(),
        link_words: t.get("site_link").to_string(),
        link_mark: t.get("link_mark").to_string(),
    });
    StepView {
        id: s.id.clone(),
        anchor,
        number: s.number.clone(),
        title: s.title.clone(),
        condition: s.when.clone(),
        repeat: s.repeat.clone(),
        body: s.body.clone(),
        screen,
        picture,
        figure,
        screenshot: None,
        screenshot_first: false,
        notes: s
            .notes
            .iter()
            .map(|n| {
                use crate::model::manual::NoteKind;
                NoteView {
                    kind: n.kind,
                    kind_label: t
                        .get(match n.kind {
                            NoteKind::Info => "site_note_info",
                            NoteKind::Caution => "site_note_caution",
                            NoteKind::Tip => "site_note_tip",
                            NoteKind::Next => "site_note_next",
                        })
                        .to_string(),
                    title: n.title.clone(),
                    body: n.body.clone(),
                    condition: n.when.clone(),
                }
            })
            .collect(),
        rules,
        url,
    }
}

fn row_anchor(step: &GuideStep, row: &str) -> String {
    format!("row-{}-{}", slug(&step.id), slug(row))
}

fn row_view(r: &GuideRow, step: &GuideStep, rules: &[RuleView], t: &Strings) -> RowView {
    let (enter_html, enter_text) = enter(r, t);
    let choices = match &r.control {
        Control::Radio { options } | Control::Select { options } => {
            options.iter().map(|o| o.label.clone()).collect()
        }
        _ => Vec::new(),
    };
    let anchor = row_anchor(step, &r.id);
    RowView {
        id: r.id.clone(),
        label: r.label.clone(),
        required: r.required,
        prefilled: r.prefilled,
        highlight: r.highlight,
        heading: matches!(r.control, Control::Display),
        condition: r.when.clone(),
        not_applicable: r.not_applicable.clone(),
        unsettled: r.unsettled.clone(),
        enter_html,
        enter_text,
        choices,
        callout: r.callout.as_ref().map(|c| CalloutView {
            marker: c.marker,
            text: c.text.clone(),
            detail: c.detail.clone(),
        }),
        help: r.help.clone(),
        rules: rules
            .iter()
            .filter(|v| v.row_anchor.as_deref() == Some(anchor.as_str()))
            .map(|v| RuleRef {
                anchor: v.anchor.clone(),
                severity: v.severity,
                severity_label: v.severity_label.clone(),
                title: v.title.clone(),
            })
            .collect(),
        anchor,
    }
}

/// What to enter in a row, as (HTML, plain text): the guide's wording,
/// with the named blank 〈label〉 marked.
fn enter(r: &GuideRow, t: &Strings) -> (String, String) {
    let text = r.display.clone();
    match (&r.shown, &r.control) {
        (Shown::Secret { .. }, _) => (
            format!("<span class=\"secret\">{}</span>", escape(&text)),
            text,
        ),
        (Shown::Nothing, Control::Button { label }) => (
            format!("<span class=\"btn\">{}</span>", escape(label)),
            label.clone(),
        ),
        (Shown::Nothing, Control::Link) if r.highlight => {
            (format!("<strong>{}</strong>", escape(&text)), text)
        }
        (Shown::Nothing, _) if r.prefilled => (escape(&text), String::new()),
        (Shown::Nothing, _) => ("—".into(), String::new()),
        (Shown::Value { .. }, _) => (
            format!(
                "<span class=\"fixed\">{}</span>",
                mark_placeholders(&text, t)
            ),
            text,
        ),
        _ => (mark_placeholders(&text, t), text),
    }
}

/// A rule for the site; `at` is the step it is shown at and that step's page.
fn rule_view(f: &Finding, at: Option<(&GuideStep, &str)>, t: &Strings) -> RuleView {
    let row = at.and_then(|(s, _)| {
        let field = f.field.as_deref()?;
        s.screen.as_ref()?.rows.iter().find(|r| r.id == field)
    });
    RuleView {
        id: f.rule.clone(),
        anchor: format!("rule-{}", slug(&f.rule)),
        severity: f.severity,
        severity_label: t.get(f.severity.strings_key()).to_string(),
        applies_when: f.when.clone().unwrap_or_default(),
        title_html: mark_placeholders(&f.title, t),
        title: f.title.clone(),
        message: f.message.clone(),
        consequence: f.consequence.clone(),
        expect: f.expect.clone(),
        row_label: row.map(|r| r.label.clone()),
        row_anchor: at.zip(row).map(|((s, _), r)| row_anchor(s, &r.id)),
        at_label: at.map(|(s, _)| format!("{} {}", s.number, s.title)),
        at_url: at.map(|(_, page)| format!("{page}#rule-{}", slug(&f.rule))),
    }
}
