//! The printable handout: an evaluated [`Guide`] laid out as a
//! [`pdf::Document`]. Same model, same words as the HTML guide; only the
//! medium differs. Illustrations arrive as ready drawables per step.

use super::pdf::{self, Block, CalloutKind, Column, Document, Drawable, Span};
use crate::eval::guide::{Finding, Guide, GuideNote, GuideRow, GuideStep, Shown};
use crate::model::Severity;
use crate::model::manual::NoteKind;
use crate::model::rich::{Block as RBlock, Inline, Rich};
use crate::model::strings::{Strings, fill_in};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Builds the handout document of one clinic.
pub fn document(guide: &Guide, pictures: &BTreeMap<String, Arc<dyn Drawable>>) -> Document {
    let t = &*guide.strings;
    let mut b: Vec<Block> = Vec::new();
    // The same title as the HTML guide's: the clinic's name as a value span,
    // the words around it from the theme's `title`.
    let (before, after) = t.split("title", "clinic");
    let docs = [("documents", guide.documents.as_str())];
    let mut title = Vec::new();
    if !before.is_empty() {
        title.push(Span::bold(fill_in(before, &docs)));
    }
    title.push(Span::value(guide.clinic_name.clone(), "name"));
    if !after.is_empty() {
        title.push(Span::bold(fill_in(after, &docs)));
    }
    b.push(Block::Title {
        text: title,
        subtitle: vec![Span::normal(t.fill(
            "subtitle",
            &[
                ("code", &guide.institution_code),
                ("prefecture", &guide.prefecture),
                ("date", &guide.generated_wareki),
            ],
        ))],
    });
    if !guide.findings.is_empty() {
        b.push(Block::Heading {
            level: 1,
            number: None,
            text: t.get("findings").into(),
            bookmark: true,
        });
        for f in &guide.findings {
            b.push(finding(f, at_step(guide, f).as_deref(), t));
        }
    }
    let data_notes: Vec<Vec<Block>> = guide
        .issues
        .iter()
        .map(|i| {
            let mut t = i.message.clone();
            if let Some(e) = &i.expected {
                t.push_str(&guide.strings.fill("expected_form", &[("expected", e)]));
            }
            vec![Block::Paragraph(vec![Span::normal(t)])]
        })
        .collect();
    if !data_notes.is_empty() {
        b.push(Block::Callout {
            kind: CalloutKind::Note,
            title: Some(t.get("issues").into()),
            body: vec![Block::List {
                ordered: false,
                items: data_notes,
            }],
        });
    }
    for (i, m) in guide.manuals.iter().enumerate() {
        b.push(Block::Heading {
            level: 1,
            number: None,
            text: t.fill("before_manual", &[("manual", &m.title)]),
            bookmark: true,
        });
        b.extend(rich(&m.summary));
        if !m.checklist.is_empty() {
            b.push(heading3(t.get("checklist")));
            b.push(Block::Checklist(
                m.checklist.iter().map(inline_spans).collect(),
            ));
        }
        // The clinic's registration is one table, in the first manual's
        // "before you start", however many manuals the guide has.
        if i == 0 && !guide.facts.is_empty() {
            b.push(heading3(t.get("facts")));
            b.push(Block::Table {
                columns: vec![
                    col(t.get("facts_item"), 1.0),
                    col(t.get("facts_value"), 2.0),
                ],
                rows: guide
                    .facts
                    .iter()
                    .map(|f| {
                        vec![
                            vec![Span::normal(f.label.clone())],
                            vec![Span::value(f.text.clone(), f.path.clone())],
                        ]
                    })
                    .collect(),
                highlight_col: Some(1),
            });
        }
        if !m.dates.is_empty() {
            b.push(heading3(t.get("dates")));
            b.push(Block::Table {
                columns: vec![
                    col(t.get("date"), 1.3),
                    col(t.get("event"), 1.6),
                    col(t.get("basis"), 2.0),
                ],
                rows: m
                    .dates
                    .iter()
                    .map(|d| {
                        let when = if d.severity == Some(Severity::Error) {
                            Span::bold(d.wareki.clone())
                        } else {
                            Span::normal(d.wareki.clone())
                        };
                        vec![
                            vec![when],
                            match &d.problem {
                                Some(p) => vec![
                                    Span::normal(d.label.clone()),
                                    Span::bold(format!("\n※ {p}")),
                                ],
                                None => vec![Span::normal(d.label.clone())],
                            },
                            vec![Span::small(d.basis.clone())],
                        ]
                    })
                    .collect(),
                highlight_col: None,
            });
        }
        for part in &m.parts {
            b.push(Block::PageBreak);
            b.push(Block::Heading {
                level: 1,
                number: Some(part.number.clone()),
                text: part.title.clone(),
                bookmark: true,
            });
            b.extend(rich(&part.intro));
            for s in &part.steps {
                step(&mut b, s, pictures, t);
            }
            b.extend(rich(&part.outro));
        }
        b.push(Block::Spacer(4.0));
        b.extend(rich(&m.closing));
        if !m.contacts.is_empty() {
            b.push(heading3(t.get("contacts")));
            for c in &m.contacts {
                let mut spans = vec![Span::bold(c.name.clone())];
                if let Some(p) = &c.phone {
                    spans.push(Span::normal(" "));
                    spans.push(Span::link(p.clone(), format!("tel:{p}")));
                }
                if let Some(h) = &c.hours {
                    spans.push(Span::normal(format!("\n{h}")));
                }
                b.push(Block::Paragraph(spans));
                b.extend(rich(&c.note));
            }
        }
    }
    let versions = guide.versions();
    let clinic = [
        ("clinic", guide.clinic_name.as_str()),
        ("code", guide.institution_code.as_str()),
        ("date", guide.generated.as_str()),
        ("versions", versions.as_str()),
    ];
    Document {
        title: guide.title.clone(),
        lang: "ja".into(),
        author: "tebiki".into(),
        header_left: t.fill("header_left", &clinic),
        header_right: t.fill("header_right", &clinic),
        footer_left: t.fill("footer_left", &clinic),
        blocks: b,
    }
}

fn heading3(text: &str) -> Block {
    Block::Heading {
        level: 3,
        number: None,
        text: text.into(),
        bookmark: false,
    }
}

fn col(header: &str, width: f32) -> Column {
    Column {
        header: header.into(),
        width,
    }
}

fn step(
    b: &mut Vec<Block>,
    s: &GuideStep,
    pictures: &BTreeMap<String, Arc<dyn Drawable>>,
    t: &Strings,
) {
    b.push(Block::Heading {
        level: 2,
        number: Some(s.number.clone()),
        text: s.title.clone(),
        bookmark: true,
    });
    b.extend(rich(&s.body));
    for f in &s.findings {
        b.push(finding(f, None, t));
    }
    if let Some(sc) = &s.screen {
        if let Some(pic) = pictures.get(&s.key) {
            b.push(Block::Custom(pic.clone()));
        }
        let mut caption = vec![Span::bold(
            t.fill("screen_caption", &[("title", &sc.title)]),
        )];
        if let Some(u) = &sc.url {
            caption.push(Span::normal(" "));
            caption.push(Span::link(u.clone(), u.clone()));
        }
        b.push(Block::Paragraph(caption));
        b.extend(rich(&sc.lead));
        let rows: Vec<Vec<Vec<Span>>> = sc
            .rows
            .iter()
            .filter(|r| shown_in_table(r))
            .map(|r| row(r, t))
            .collect();
        if !rows.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    col(t.get("row_item"), 1.1),
                    col(t.get("row_enter"), 1.6),
                    col(t.get("row_note"), 1.8),
                ],
                rows,
                highlight_col: Some(1),
            });
        }
        if !sc.buttons.is_empty() {
            let mut spans = vec![Span::small(t.get("buttons").to_string())];
            for (i, btn) in sc.buttons.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::small("　"));
                }
                spans.push(if btn.primary {
                    Span::bold(t.fill("primary_button", &[("label", &btn.label)]))
                } else {
                    Span::small(format!("［{}］", btn.label))
                });
            }
            b.push(Block::Paragraph(spans));
        }
    }
    for n in &s.notes {
        b.push(note(n));
    }
    if let Some(shot) = &s.screenshot
        && let Some(pic) = pictures.get(&super::pictures::shot_key(&s.key))
    {
        b.push(Block::Custom(pic.clone()));
        b.push(Block::Paragraph(vec![Span::small(shot.alt.clone())]));
    }
}

/// The same rows as the HTML table: values, highlighted rows and annotated rows.
fn shown_in_table(r: &GuideRow) -> bool {
    r.shown != Shown::Nothing || r.highlight || r.callout.is_some()
}

fn row(r: &GuideRow, t: &Strings) -> Vec<Vec<Span>> {
    let mut label = vec![Span::normal(r.label.clone())];
    if r.required {
        label.push(Span::small(format!(" {}", t.get("required"))));
    }
    if r.prefilled {
        label.push(Span::small(format!(" {}", t.get("prefilled"))));
    }
    let mut value = vec![if r.is_value {
        Span::value(r.display.clone(), r.id.clone())
    } else if r.highlight {
        Span::bold(r.display.clone())
    } else {
        Span::small(r.display.clone())
    }];
    if r.correction.is_some() {
        value.push(Span::bold(format!("\n{}", t.get("corrected"))));
    }
    let mut note = Vec::new();
    if let Some(c) = &r.callout {
        let marker = c.marker.map(circled).unwrap_or_default();
        note.push(Span::bold(format!("{marker}{}", c.text)));
        if !c.detail.is_empty() {
            note.push(Span::normal("\n"));
            note.extend(inline_spans(&c.detail));
        }
    }
    let help = r.help.plain_text();
    if !help.is_empty() {
        if !note.is_empty() {
            note.push(Span::small("\n"));
        }
        note.push(Span::small(help));
    }
    vec![label, value, note]
}

/// ① … ⑳ for markers (plain digits beyond).
pub fn circled(n: u32) -> String {
    match n {
        1..=20 => char::from_u32(0x2460 + n - 1)
            .map(String::from)
            .unwrap_or_default(),
        _ => format!("({n})"),
    }
}

/// Where a finding is shown, in words: 「（手順 1-2）」, or with several
/// manuals 「（顔認証付きカードリーダーの初期設定 手順 1-2）」.
fn at_step(guide: &Guide, f: &Finding) -> Option<String> {
    let t = &guide.strings;
    let number = f.step_number.as_deref()?;
    if guide.manuals.len() < 2 {
        return Some(t.fill("at_step", &[("step", number)]));
    }
    let manual = f.step_key.as_deref()?.split('/').next()?;
    let title = guide
        .manuals
        .iter()
        .find(|m| m.id == manual)?
        .title
        .as_str();
    Some(t.fill("at_step_in", &[("step", number), ("manual", title)]))
}

fn finding(f: &Finding, at: Option<&str>, t: &Strings) -> Block {
    let kind = match f.severity {
        Severity::Error => CalloutKind::Error,
        Severity::Warning => CalloutKind::Warning,
        Severity::Info => CalloutKind::Info,
    };
    let severity = match f.severity {
        Severity::Error => "severity_error",
        Severity::Warning => "severity_warning",
        Severity::Info => "severity_info",
    };
    let mut title = format!("{}: {}", t.get(severity), f.title);
    if let Some(at) = at {
        title.push_str(at);
    }
    let mut body = rich(&f.message);
    if !f.consequence.is_empty() {
        let mut spans = vec![Span::bold(format!("{} ", t.get("consequence")))];
        spans.extend(inline_spans(&f.consequence));
        body.push(Block::Paragraph(spans));
    }
    Block::Callout {
        kind,
        title: Some(title),
        body,
    }
}

fn note(n: &GuideNote) -> Block {
    let kind = match n.kind {
        NoteKind::Info => CalloutKind::Info,
        NoteKind::Caution => CalloutKind::Warning,
        NoteKind::Tip => CalloutKind::Note,
        NoteKind::Next => CalloutKind::Success,
    };
    Block::Callout {
        kind,
        title: n.title.clone(),
        body: rich(&n.body),
    }
}

/// Rich text → PDF blocks.
pub fn rich(r: &Rich) -> Vec<Block> {
    r.0.iter().map(block).collect()
}

fn block(b: &RBlock) -> Block {
    match b {
        RBlock::Paragraph { inlines } => Block::Paragraph(spans(inlines, false)),
        RBlock::Heading { inlines, .. } => Block::Heading {
            level: 3,
            number: None,
            text: crate::model::rich::inlines_plain_text(inlines),
            bookmark: false,
        },
        RBlock::List { ordered, items, .. } => Block::List {
            ordered: *ordered,
            items: items
                .iter()
                .map(|i| i.iter().map(block).collect())
                .collect(),
        },
        RBlock::Quote { blocks } => Block::Callout {
            kind: CalloutKind::Note,
            title: None,
            body: blocks.iter().map(block).collect(),
        },
    }
}

/// Inline content of a one-paragraph rich text (checklist items, consequences).
fn inline_spans(r: &Rich) -> Vec<Span> {
    let mut out = Vec::new();
    for (i, b) in r.0.iter().enumerate() {
        if i > 0 {
            out.push(Span::normal("\n"));
        }
        if let RBlock::Paragraph { inlines } = b {
            out.extend(spans(inlines, false));
        } else {
            out.push(Span::normal(r.plain_text()));
        }
    }
    out
}

fn spans(inlines: &[Inline], bold: bool) -> Vec<Span> {
    let mut out = Vec::new();
    for i in inlines {
        match i {
            Inline::Text { text } => out.push(if bold {
                Span::bold(text.clone())
            } else {
                Span::normal(text.clone())
            }),
            Inline::Strong { inlines } => out.extend(spans(inlines, true)),
            Inline::Emph { inlines } => out.extend(spans(inlines, bold)),
            Inline::Code { text } => out.push(Span::code(text.clone())),
            Inline::Link { url, inlines } => {
                let text = crate::model::rich::inlines_plain_text(inlines);
                if super::rich_html::safe_url(url) {
                    out.push(Span::link(text, url.clone()));
                } else {
                    out.push(Span::normal(text));
                }
            }
            Inline::Value { path, text } => out.push(Span::value(text.clone(), path.clone())),
            Inline::Placeholder { path } => out.push(Span::bold(format!("〈{path}〉"))),
            Inline::Missing { label, .. } => out.push(Span::bold(format!("〈{label}〉"))),
            Inline::SoftBreak => {}
            Inline::HardBreak => out.push(Span::normal("\n")),
        }
    }
    out
}

/// Renders the handout PDF of `guide`.
pub fn render(
    guide: &Guide,
    fonts: &pdf::Fonts,
    pictures: &BTreeMap<String, Arc<dyn Drawable>>,
) -> Result<pdf::Rendered, pdf::PdfError> {
    pdf::render(&document(guide, pictures), fonts)
}
