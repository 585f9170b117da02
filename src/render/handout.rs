//! The printable handout: an evaluated [`Guide`] laid out as a
//! [`pdf::Document`]. Same model, same words as the HTML guide; only the
//! medium differs. Illustrations arrive as ready drawables per step.

use super::pdf::{self, Block, CalloutKind, Column, Document, Drawable, Span};
use crate::eval::guide::{Finding, Guide, GuideNote, GuideRow, GuideStep, Shown};
use crate::model::Severity;
use crate::model::manual::NoteKind;
use crate::model::rich::{Block as RBlock, Inline, Rich};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Builds the handout document of one clinic.
pub fn document(guide: &Guide, pictures: &BTreeMap<String, Arc<dyn Drawable>>) -> Document {
    let mut b: Vec<Block> = Vec::new();
    b.push(Block::Title {
        text: vec![
            Span::value(guide.clinic_name.clone(), "name"),
            Span::bold(" 様　オンライン資格確認 申請手順書"),
        ],
        subtitle: vec![Span::normal(format!(
            "医療機関コード {} ・ {} ・ {} 作成",
            guide.institution_code, guide.prefecture, guide.generated_wareki
        ))],
    });
    if !guide.findings.is_empty() {
        b.push(Block::Heading {
            level: 1,
            number: None,
            text: "この医療機関への重要なお知らせ".into(),
            bookmark: true,
        });
        for f in &guide.findings {
            b.push(finding(f, true));
        }
    }
    let data_notes: Vec<Vec<Block>> = guide
        .issues
        .iter()
        .map(|i| {
            let mut t = i.message.clone();
            if let Some(e) = &i.expected {
                t.push_str(&format!("（正しい形式: {e}）"));
            }
            vec![Block::Paragraph(vec![Span::normal(t)])]
        })
        .collect();
    if !data_notes.is_empty() {
        b.push(Block::Callout {
            kind: CalloutKind::Note,
            title: Some("データの確認事項（ベンダー向け）".into()),
            body: vec![Block::List {
                ordered: false,
                items: data_notes,
            }],
        });
    }
    for m in &guide.manuals {
        b.push(Block::Heading {
            level: 1,
            number: None,
            text: format!("始める前に — {}", m.title),
            bookmark: true,
        });
        b.extend(rich(&m.summary));
        b.push(Block::Heading {
            level: 3,
            number: None,
            text: "手元にご用意ください".into(),
            bookmark: false,
        });
        b.push(Block::Checklist(
            m.checklist.iter().map(inline_spans).collect(),
        ));
        b.push(Block::Heading {
            level: 3,
            number: None,
            text: "この医療機関の登録内容".into(),
            bookmark: false,
        });
        b.push(Block::Table {
            columns: vec![col("項目", 1.0), col("この医療機関の値", 2.0)],
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
        b.push(Block::Heading {
            level: 3,
            number: None,
            text: "今後の日程".into(),
            bookmark: false,
        });
        b.push(Block::Table {
            columns: vec![col("日付", 1.3), col("できごと", 1.6), col("根拠", 2.0)],
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
                        vec![Span::normal(d.label.clone())],
                        vec![Span::small(d.basis.clone())],
                    ]
                })
                .collect(),
            highlight_col: None,
        });
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
                step(&mut b, s, pictures);
            }
            b.extend(rich(&part.outro));
        }
        b.push(Block::Spacer(4.0));
        b.extend(rich(&m.closing));
        if !m.contacts.is_empty() {
            b.push(Block::Heading {
                level: 3,
                number: None,
                text: "お問い合わせ先".into(),
                bookmark: false,
            });
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
    Document {
        title: format!("{} 様 オンライン資格確認 申請手順書", guide.clinic_name),
        lang: "ja".into(),
        author: "tebiki".into(),
        header_left: format!("{} 様", guide.clinic_name),
        header_right: format!("医療機関コード {}", guide.institution_code),
        footer_left: format!("作成 {} ・ {}", guide.generated, versions),
        blocks: b,
    }
}

fn col(header: &str, width: f32) -> Column {
    Column {
        header: header.into(),
        width,
    }
}

fn step(b: &mut Vec<Block>, s: &GuideStep, pictures: &BTreeMap<String, Arc<dyn Drawable>>) {
    b.push(Block::Heading {
        level: 2,
        number: Some(s.number.clone()),
        text: s.title.clone(),
        bookmark: true,
    });
    b.extend(rich(&s.body));
    for f in &s.findings {
        b.push(finding(f, false));
    }
    if let Some(sc) = &s.screen {
        if let Some(pic) = pictures.get(&s.id) {
            b.push(Block::Custom(pic.clone()));
        }
        let mut caption = vec![Span::bold(format!("画面「{}」", sc.title))];
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
            .map(row)
            .collect();
        if !rows.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    col("項目", 1.1),
                    col("入力・確認する内容", 1.6),
                    col("補足", 1.8),
                ],
                rows,
                highlight_col: Some(1),
            });
        }
        if !sc.buttons.is_empty() {
            let mut spans = vec![Span::small("ボタン: ")];
            for (i, btn) in sc.buttons.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::small("　"));
                }
                spans.push(if btn.primary {
                    Span::bold(format!("［{}］← クリック", btn.label))
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
        && let Some(pic) = pictures.get(&super::pictures::shot_key(&s.id))
    {
        b.push(Block::Custom(pic.clone()));
        b.push(Block::Paragraph(vec![Span::small(shot.alt.clone())]));
    }
}

/// The same rows as the HTML table: values, highlighted rows and annotated rows.
fn shown_in_table(r: &GuideRow) -> bool {
    r.shown != Shown::Nothing || r.highlight || r.callout.is_some()
}

fn row(r: &GuideRow) -> Vec<Vec<Span>> {
    let mut label = vec![Span::normal(r.label.clone())];
    if r.required {
        label.push(Span::small(" 必須"));
    }
    if r.prefilled {
        label.push(Span::small(" 自動入力"));
    }
    let mut value = vec![if r.is_value {
        Span::value(r.display.clone(), r.id.clone())
    } else if r.highlight {
        Span::bold(r.display.clone())
    } else {
        Span::small(r.display.clone())
    }];
    if r.correction.is_some() {
        value.push(Span::bold(
            "\nデータから訂正した値です（重要なお知らせを参照）",
        ));
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

fn finding(f: &Finding, with_step: bool) -> Block {
    let kind = match f.severity {
        Severity::Error => CalloutKind::Error,
        Severity::Warning => CalloutKind::Warning,
        Severity::Info => CalloutKind::Info,
    };
    let mut title = format!("{}: {}", f.severity.label_ja(), f.title);
    if with_step && let Some(s) = &f.step {
        title.push_str(&format!("（手順 {s}）"));
    }
    let mut body = rich(&f.message);
    if !f.consequence.is_empty() {
        let mut spans = vec![Span::bold("守らないと: ")];
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
