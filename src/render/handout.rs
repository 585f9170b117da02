//! The printable handout: an evaluated [`Guide`] laid out as a
//! [`pdf::Document`]. Same model, same words as the HTML guide; only the
//! medium differs. Illustrations arrive as ready drawables per step.

use super::pdf::{self, Block, CalloutKind, Column, Document, Drawable, Span};
use crate::eval::guide::{Finding, Guide, GuideNote, GuideRow, GuideStep, StepBlock};
use crate::model::Severity;
use crate::model::manual::{Control, NoteKind, ScreenKind};
use crate::model::rich::{Block as RBlock, Inline, Rich};
use crate::model::strings::{Strings, fill_in};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The title (the clinic's name as a value span, the words around it from
/// the theme's `key`), its subtitle and the vendor's brand line: the top of
/// the handout and of the sheet.
pub(super) fn title_blocks(guide: &Guide, key: &str) -> Vec<Block> {
    let t = &*guide.strings;
    let (before, after) = t.split(key, "clinic");
    let docs = [("documents", guide.documents.as_str())];
    let mut title = Vec::new();
    if !before.is_empty() {
        title.push(Span::bold(whole_words(&fill_in(before, &docs))));
    }
    title.push(Span::value(guide.clinic_name.clone(), "name"));
    if !after.is_empty() {
        // The honorific stays with the name: no line starts with 「様」 (the
        // Western space before it is not set next to the name's box anyway).
        title.push(Span::bold(format!(
            "\u{2060}{}",
            whole_words(&fill_in(after.trim_start_matches(' '), &docs))
        )));
    }
    let mut b = vec![Block::Title {
        text: title,
        subtitle: vec![Span::normal(
            guide.subtitle(&date_shown(&guide.generated, &guide.strings)),
        )],
    }];
    b.extend(super::marks::brand_block(guide));
    b
}

/// The words around the clinic's name in a title (the honorific, the
/// document's name from content's `guide_title`) break only where the text
/// has a space or after a list mark (・、), never inside a word:
/// 「オンライン資格確認 申請手順書」 breaks only between its two words. Each
/// other gap gets a WORD JOINER (U+2060), which the line breaker honours
/// (UAX #14) and which is not drawn; a word longer than a whole line is
/// still broken by character.
fn whole_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if let Some(p) = prev
            && !p.is_whitespace()
            && !c.is_whitespace()
            && !matches!(p, '・' | '、' | '，' | ',')
        {
            out.push('\u{2060}');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// A schedule line's problem (「設置予定日（2026年11月29日（日））より後です。間に合いません」)
/// breaks only between its phrases: at a space, after 、。・, before a bracket
/// that opens at the outer level and after the one that closes it. A date
/// in brackets, 「この資料の作成日」 or 「すでに過ぎています」 stays whole (a
/// narrow column of the sheet read 「設置予定日（2026年」「11月29日（日））」 and
/// 「※ こ」「の資料の作成日より前です。す」「でに過ぎています」). Each other
/// gap gets a WORD JOINER, as in [`whole_words`]; a phrase longer than a
/// whole line is still broken by character. 「※ 」 before it may end a line:
/// joined to the first phrase, 「※ この資料の作成日より前です。」 was longer
/// than the compact sheet's column and broke 「前で」「す。」.
pub(super) fn phrase_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev: Option<char> = None;
    let mut depth = 0u32;
    for c in text.chars() {
        if let Some(p) = prev {
            let between = p.is_whitespace()
                || c.is_whitespace()
                || matches!(p, '・' | '、' | '，' | ',' | '。')
                || (depth == 0 && (c == '（' || p == '）'));
            if !between {
                out.push('\u{2060}');
            }
        }
        match c {
            '（' => depth += 1,
            '）' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Builds the handout document of one clinic.
pub fn document(guide: &Guide, pictures: &BTreeMap<String, Arc<dyn Drawable>>) -> Document {
    let t = &*guide.strings;
    let mut b: Vec<Block> = Vec::new();
    // The same title as the HTML guide's.
    b.extend(title_blocks(guide, "title"));
    if !guide.findings.is_empty() {
        b.push(Block::Heading {
            level: 1,
            number: None,
            text: guide.findings_heading().into(),
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
            // Two facts per row: half as many rows on the first pages.
            let cells: Vec<[Vec<Span>; 2]> = guide
                .facts
                .iter()
                .map(|f| {
                    [
                        vec![Span::normal(f.label.clone())],
                        vec![Span::value(f.text.clone(), f.path.clone())],
                    ]
                })
                .collect();
            let (item, value) = (t.get("facts_item"), t.get("facts_value"));
            b.push(Block::Table {
                columns: vec![
                    col(item, 1.0),
                    col(value, 1.5),
                    col(item, 1.0),
                    col(value, 1.5),
                ],
                rows: cells
                    .chunks(2)
                    .map(|pair| pair.iter().flat_map(|c| c.iter().cloned()).collect())
                    .collect(),
                highlight_col: None,
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
                            Span::bold(date_shown(&d.iso, &guide.strings))
                        } else {
                            Span::normal(date_shown(&d.iso, &guide.strings))
                        };
                        vec![
                            vec![when],
                            match &d.problem {
                                Some(p) => vec![
                                    Span::normal(d.label.clone()),
                                    Span::bold(format!("\n※ {}", phrase_words(p))),
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
        // Parts follow on from each other; headings keep with what follows
        // and figures float, so no page is left half empty.
        for part in &m.parts {
            b.push(Block::Heading {
                level: 1,
                number: Some(part.number.clone()),
                text: part.title.clone(),
                bookmark: true,
            });
            b.extend(rich(&part.intro));
            let mut steps = part.steps.iter().peekable();
            while let Some(s) = steps.next() {
                // Later repetitions' steps that say nothing beyond their
                // title (a dialog's OK, the 申請 button) are one list, not a
                // heading each: later terminals stay compact.
                if title_only(s) {
                    let mut lines = vec![Span::bold(format!("{} {}", s.number, s.title))];
                    while let Some(next) = steps.next_if(|n| title_only(n)) {
                        lines.push(Span::bold(format!("\n{} {}", next.number, next.title)));
                    }
                    b.push(Block::Paragraph(lines));
                    continue;
                }
                step(&mut b, s, pictures, t, guide.findings_heading());
            }
            b.extend(rich(&part.outro));
        }
        // The closing under its own heading: a figure of the last step
        // waiting for the next page does not slip past it.
        if !m.closing.0.is_empty() {
            b.push(heading3(t.get("closing")));
            b.extend(rich(&m.closing));
        }
        if !m.contacts.is_empty() {
            b.push(heading3(t.get("contacts")));
            if let Some(v) = vendor_contact(guide) {
                b.push(v);
            }
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
    let generated = date_shown(&guide.generated, &guide.strings);
    let clinic = [
        ("clinic", guide.clinic_name.as_str()),
        ("code", guide.institution_code.as_str()),
        ("code_label", guide.code_label.as_str()),
        ("date", generated.as_str()),
        ("versions", versions.as_str()),
    ];
    Document {
        title: guide.title.clone(),
        lang: t.get("lang").to_string(),
        author: "tebiki".into(),
        header_left: t.fill("header_left", &clinic),
        header_right: t.fill("header_right", &clinic),
        footer_left: t.fill("footer_left", &clinic),
        missing_glyph: t.get("pdf_missing_glyph").to_string(),
        missing_glyph_field: t.get("pdf_missing_glyph_field").to_string(),
        blocks: b,
    }
}

/// The vendor as the first contact (tebiki.yaml `vendor:`), if set.
fn vendor_contact(guide: &Guide) -> Option<Block> {
    let v = &guide.branding;
    let name = v.name.as_deref()?;
    let mut spans = vec![Span::bold(
        guide.strings.fill("vendor_contact", &[("vendor", name)]),
    )];
    if let Some(p) = &v.phone {
        spans.push(Span::normal(guide.strings.get("gap")));
        spans.push(Span::link(p.clone(), format!("tel:{p}")));
    }
    Some(Block::Paragraph(spans))
}

fn heading3(text: &str) -> Block {
    Block::Heading {
        level: 3,
        number: None,
        text: text.into(),
        bookmark: false,
    }
}

/// One date style per document, the one the findings' messages use: the
/// theme's `date_format` (`2026年12月1日（火）`).
pub(crate) fn date_shown(iso: &str, strings: &crate::model::strings::Strings) -> String {
    crate::eval::dates::parse_iso(iso)
        .map(|d| crate::eval::dates::DateWords::of(strings).date(d))
        .unwrap_or_else(|| iso.to_string())
}

fn col(header: &str, width: f32) -> Column {
    Column {
        header: header.into(),
        width,
    }
}

/// A later repetition shown in brief with nothing but its title: the same
/// text as the first time, no picture left out (a screen put in words), no
/// finding, no note.
fn title_only(s: &GuideStep) -> bool {
    s.brief_of.as_ref().is_some_and(|f| f.same_text)
        && s.screen.as_ref().is_none_or(in_words)
        && s.findings.is_empty()
        && s.notes.is_empty()
}

/// `findings` is the heading of the findings a step's pointer names
/// ([`Guide::findings_heading`]).
fn step(
    b: &mut Vec<Block>,
    s: &GuideStep,
    pictures: &BTreeMap<String, Arc<dyn Drawable>>,
    t: &Strings,
    findings: &str,
) {
    // A later repetition in brief: number and title in bold with where its
    // picture is (one paragraph, not a heading: later terminals stay
    // compact), then its text if it differs from the first's; no picture,
    // no table.
    if let Some(first) = &s.brief_of {
        let mut lines = vec![Span::bold(format!("{} {}", s.number, s.title))];
        // Only a picture is left out; a screen put in words has none.
        if s.screen.as_ref().is_some_and(|sc| !in_words(sc)) {
            lines.push(Span::normal("\n"));
            lines.push(Span::small(t.fill(
                "brief_same_screen",
                &[("label", &first.label), ("step", &first.number)],
            )));
        }
        // Its text's first paragraph goes with the title (never split from it).
        let mut body = if first.same_text {
            Vec::new()
        } else {
            rich(&s.body)
        };
        if let Some(Block::Paragraph(spans)) = body.first_mut() {
            lines.push(Span::normal("\n"));
            lines.append(spans);
            body.remove(0);
        }
        b.push(Block::Paragraph(lines));
        b.extend(body);
        if let Some(r) = finding_references(&s.findings, t, findings) {
            b.push(r);
        }
        for n in &s.notes {
            b.push(note(n));
        }
        return;
    }
    b.push(Block::Heading {
        level: 2,
        number: Some(s.number.clone()),
        text: s.title.clone(),
        bookmark: true,
    });
    b.extend(rich(&s.body));
    if let Some(r) = finding_references(&s.findings, t, findings) {
        b.push(r);
    }
    // In the model's order (the HTML guide follows the same list).
    for part in &s.order {
        match part {
            StepBlock::Screen => {
                if let Some(sc) = &s.screen {
                    screen(b, s, sc, pictures, t);
                }
            }
            StepBlock::Notes => b.extend(s.notes.iter().map(note)),
            StepBlock::Screenshot => {
                if let Some(shot) = &s.screenshot
                    && let Some(pic) = pictures.get(&super::pictures::shot_key(&s.key))
                {
                    b.push(Block::Figure {
                        drawing: pic.clone(),
                        caption: vec![Span::small(shot.alt.clone())],
                    });
                }
            }
            StepBlock::Figure => {
                if let Some(fig) = &s.figure
                    && let Some(pic) = pictures.get(&super::pictures::figure_key(&s.key))
                {
                    b.push(Block::Figure {
                        drawing: pic.clone(),
                        caption: vec![Span::small(super::pictures::figure_caption(fig, t))],
                    });
                }
            }
        }
    }
}

/// A step's screen: its picture (or, on paper, its words) and its table.
fn screen(
    b: &mut Vec<Block>,
    s: &GuideStep,
    sc: &crate::eval::guide::GuideScreen,
    pictures: &BTreeMap<String, Arc<dyn Drawable>>,
    t: &Strings,
) {
    // One line under the picture: which screen, where, what to press.
    let mut caption = vec![Span::bold(
        t.fill("screen_caption", &[("title", &sc.title)]),
    )];
    if let Some(u) = &sc.url {
        caption.push(Span::normal(t.get("gap")));
        caption.push(Span::link(u.clone(), u.clone()));
    }
    if !sc.buttons.is_empty() {
        caption.push(Span::small(format!(
            "{}{}",
            t.get("gap"),
            t.get("buttons").trim_end()
        )));
        for (i, btn) in sc.buttons.iter().enumerate() {
            // An invisible break opportunity between buttons; a space
            // before a link, which has no ［］ of its own to set it apart.
            caption.push(Span::small(match (i > 0, btn.link) {
                (false, _) => "",
                (true, false) => "\u{200B}",
                (true, true) => t.get("gap"),
            }));
            // A link is named as one (「「…」のリンク」), never boxed in ［］.
            caption.push(match (btn.primary, btn.link) {
                (true, false) => Span::bold(t.fill("primary_button", &[("label", &btn.label)])),
                (true, true) => Span::bold(t.fill("primary_link", &[("label", &btn.label)])),
                (false, true) => Span::small(t.fill("site_link", &[("label", &btn.label)])),
                (false, false) => Span::small(t.fill("button", &[("label", &btn.label)])),
            });
        }
    }
    // A screen with nothing to fill in (a message, a dialog) is put in
    // words on paper: its title, text and the button to press.
    let trivial = in_words(sc);
    match pictures.get(&s.key).filter(|_| !trivial) {
        Some(pic) => b.push(Block::Figure {
            drawing: pic.clone(),
            caption,
        }),
        None if trivial => {
            let mut body = rich(&sc.lead);
            // A short confirmation: the values it shows, one per line.
            let mut shown = Vec::new();
            for (i, r) in sc.rows.iter().enumerate() {
                if i > 0 {
                    shown.push(Span::normal("\n"));
                }
                shown.push(Span::normal(format!("{}{}", r.label, t.get("gap"))));
                shown.push(if r.is_value {
                    Span::value(r.display.clone(), r.id.clone())
                } else {
                    Span::normal(r.display.clone())
                });
            }
            if !shown.is_empty() {
                body.push(Block::Paragraph(shown));
            }
            body.push(Block::Paragraph(caption));
            b.push(Block::Callout {
                kind: CalloutKind::Note,
                title: None,
                body,
            });
        }
        None => {
            // Without a picture the lead is text.
            b.push(Block::Paragraph(caption));
            b.extend(rich(&sc.lead));
        }
    }
    let rows: Vec<Vec<Vec<Span>>> = sc
        .rows
        .iter()
        .filter(|r| shown_in_table(r))
        .map(|r| row(r, t))
        .collect();
    if !rows.is_empty() {
        b.push(Block::Table {
            columns: vec![col(t.get("row_item"), 1.0), col(t.get("row_note"), 3.2)],
            rows,
            highlight_col: None,
        });
    }
}

/// Whether a screen is put in words on paper instead of a picture: a
/// message or dialog with nothing to fill in, or a short confirmation (at
/// most three values shown, none marked). Its words say all the picture would.
pub(crate) fn in_words(sc: &crate::eval::guide::GuideScreen) -> bool {
    match sc.kind {
        ScreenKind::Dialog | ScreenKind::Message => sc.rows.is_empty(),
        ScreenKind::Form => {
            !sc.rows.is_empty()
                && sc.rows.len() <= 3
                && sc.rows.iter().all(|r| {
                    matches!(r.control, Control::Display)
                        && r.callout.is_none()
                        && r.correction.is_none()
                        && r.flag.is_none()
                })
        }
        ScreenKind::Menu | ScreenKind::Document => false,
    }
}

/// Rows the table under a picture adds something for: a 補足 the picture
/// cannot show in full (help text, a callout's detail), a corrected value,
/// or why a choice does not concern the clinic (a picture shows a text box's
/// reason in the box, but not a radio group's or a checkbox's), or that the
/// clinic's data lacks the value (the picture says only what to do).
/// Values, labels and short callouts are legible in the picture itself.
fn shown_in_table(r: &GuideRow) -> bool {
    !r.help.plain_text().trim().is_empty()
        || matches!(r.shown, crate::eval::guide::Shown::Missing { .. })
        || r.correction.is_some()
        || r.callout.as_ref().is_some_and(|c| !c.detail.is_empty())
        || not_applicable_choice(r).is_some()
}

/// Why a radio group, select or checkbox does not concern the clinic.
/// The same for a choice left empty with words (`unsettled:` while the
/// clinic's value is not known yet, `if_empty:`): the picture selects
/// nothing and cannot say why.
fn not_applicable_choice(r: &GuideRow) -> Option<&str> {
    use crate::eval::guide::Shown;
    match (&r.shown, &r.control) {
        (
            Shown::NotApplicable { text } | Shown::Blank { text },
            Control::Radio { .. } | Control::Select { .. } | Control::Checkbox { .. },
        ) if !text.is_empty() => Some(text),
        _ => None,
    }
}

/// A row of the 補足 table: the item as labelled on the screen, and what the
/// picture cannot show: the correction, the callout's detail, the help text.
fn row(r: &GuideRow, t: &Strings) -> Vec<Vec<Span>> {
    let mut label = vec![Span::normal(r.label.clone())];
    if r.required {
        label.push(Span::small(t.fill("aside", &[("text", t.get("required"))])));
    }
    let mut note = Vec::new();
    if r.correction.is_some() {
        note.push(Span::bold(t.get("corrected").to_string()));
    }
    // A value the data lacks: the picture says what to do in its box
    // (`picture_missing`), the table that it is missing, as the HTML's does.
    if matches!(r.shown, crate::eval::guide::Shown::Missing { .. }) {
        note.push(Span::bold(r.display.clone()));
    }
    // (Not twice when the callout says the same.)
    if let Some(why) = not_applicable_choice(r)
        && r.callout.as_ref().is_none_or(|c| c.text != why)
    {
        note.push(Span::bold(why.to_string()));
    }
    if let Some(c) = &r.callout
        && !c.detail.is_empty()
    {
        if !note.is_empty() {
            note.push(Span::normal("\n"));
        }
        let marker = c.marker.map(circled).unwrap_or_default();
        note.push(Span::bold(format!("{marker}{}", c.text)));
        note.push(Span::normal("\n"));
        note.extend(inline_spans(&c.detail));
    }
    let help = r.help.plain_text();
    if !help.trim().is_empty() {
        if !note.is_empty() {
            note.push(Span::normal("\n"));
        }
        note.push(Span::normal(help.trim().to_string()));
    }
    vec![label, note]
}

/// The mark a picture draws for a callout's marker (a filled circle with the
/// number in white), as a character: ❶ … ❿, ⓫ … ⓴ (plain digits beyond).
/// Text that names a marker (a table's note, a step's words) shows this one.
pub fn circled(n: u32) -> String {
    let c = match n {
        1..=10 => char::from_u32(0x2776 + n - 1),
        11..=20 => char::from_u32(0x24EB + n - 11),
        _ => None,
    };
    c.map(String::from).unwrap_or_else(|| format!("({n})"))
}

/// Where a finding is shown, in words: 「（手順1-2）」, or with several
/// manuals 「（顔認証付きカードリーダーの初期設定の手順1-2）」.
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

fn severity_kind(s: Severity) -> CalloutKind {
    match s {
        Severity::Error => CalloutKind::Error,
        Severity::Warning => CalloutKind::Warning,
        Severity::Info => CalloutKind::Info,
    }
}

pub(crate) fn severity_key(s: Severity) -> &'static str {
    s.strings_key()
}

/// The findings of a step, one line each, pointing to their full text at
/// the top of the handout (each finding is printed in full only once).
fn finding_references(findings: &[Finding], t: &Strings, heading: &str) -> Option<Block> {
    // Severity orders Error first.
    let worst = findings.iter().map(|f| f.severity).min()?;
    let mut spans = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            spans.push(Span::normal("\n"));
        }
        spans.push(Span::bold(format!(
            "{}: {}",
            t.get(severity_key(f.severity)),
            f.title
        )));
    }
    spans.push(Span::small(format!(
        "\n{}",
        t.fill("finding_see_top", &[("findings", heading)])
    )));
    Some(Block::Callout {
        kind: severity_kind(worst),
        title: None,
        body: vec![Block::Paragraph(spans)],
    })
}

fn finding(f: &Finding, at: Option<&str>, t: &Strings) -> Block {
    let kind = severity_kind(f.severity);
    let mut title = format!("{}: {}", t.get(severity_key(f.severity)), f.title);
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
        // Columns as wide as their longest cell (capped, so that one long
        // cell wraps rather than squeezing the others).
        RBlock::Table { head, rows } => {
            let plain = crate::model::rich::inlines_plain_text;
            let width = |i: usize| {
                std::iter::once(head)
                    .chain(rows)
                    .filter_map(|r| r.get(i))
                    .map(|c| plain(c).chars().count())
                    .max()
                    .unwrap_or(1)
                    .clamp(2, 30) as f32
            };
            Block::Table {
                columns: head
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Column {
                        header: plain(c),
                        width: width(i),
                    })
                    .collect(),
                rows: rows
                    .iter()
                    .map(|r| r.iter().map(|c| spans(c, false)).collect())
                    .collect(),
                highlight_col: None,
            }
        }
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
            Inline::Missing { label, unit, .. } => {
                out.push(Span::bold(label.clone()));
                if let Some(u) = unit {
                    out.push(Span::normal(u.clone()));
                }
            }
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
    render_shared(guide, fonts, pictures, None)
}

/// Renders the handout PDF of `guide` with a build's shared word subsets
/// (see [`shared_words`]).
pub fn render_shared(
    guide: &Guide,
    fonts: &pdf::Fonts,
    pictures: &BTreeMap<String, Arc<dyn Drawable>>,
    shared: Option<&pdf::SharedWords>,
) -> Result<pdf::Rendered, pdf::PdfError> {
    pdf::render_shared(&document(guide, pictures), fonts, shared)
}

/// The word subsets every handout of a build shares, subset and
/// compressed once: per face, the glyphs that the handout of the generic
/// guide (`eval::evaluate_generic`: every alternative kept) shows in its
/// words and that the handout of a clinic with no data (each condition
/// decided without data) shows too, or that of such a clinic with one or
/// with two items in each list (the steps repeated per terminal); and
/// every character of a date. The first alone would add glyphs no clinic
/// prints (each alternative's wording, values named 〈label〉), the others
/// alone words only an empty clinic gets (its missing values); what both
/// show is what nearly every handout shows. Without the probes with
/// items, the words of the steps repeated per item (every clinic has a
/// terminal) were subset and compressed again in every handout (docs/speed.md,
/// "Speed, session 10").
pub fn shared_words(
    content: &crate::model::manual::Content,
    generic: &Guide,
    today: jiff::civil::Date,
    fonts: &pdf::Fonts,
) -> Result<pdf::SharedWords, pdf::PdfError> {
    let doc = |g: &Guide| {
        let pictures = super::pictures::Pictures::new(g, fonts);
        pdf::words(&document(g, &pictures.pdf()), fonts)
    };
    let probe = |items: usize| {
        let mut nobody = crate::model::clinic::Clinic {
            key: String::new(),
            source: Default::default(),
            values: Default::default(),
            load_errors: Vec::new(),
            list_remarks: Vec::new(),
            keys: Default::default(),
        };
        for f in &content.fields.fields {
            if f.kind == crate::model::clinic::FieldKind::List && items > 0 {
                let list = (1..=items)
                    .map(|n| {
                        crate::model::source::Located::new(
                            format!("{}{n}", f.label),
                            Default::default(),
                        )
                    })
                    .collect();
                nobody.values.insert(
                    f.path.clone(),
                    crate::model::source::Located::new(
                        crate::model::clinic::RawValue::List(list),
                        Default::default(),
                    ),
                );
            }
        }
        doc(&crate::eval::evaluate(content, &nobody, today))
    };
    let mut probes = probe(0);
    for items in [1, 2] {
        add_words(&mut probes, probe(items));
    }
    let mut words = doc(generic);
    for (w, p) in words.iter_mut().zip(probes) {
        w.retain(|gid, t| p.get(gid) == Some(t));
    }
    add_words(&mut words, pdf::words(&dates_probe(), fonts));
    pdf::SharedWords::build(fonts, words)
}

/// Adds the glyphs of `more` to `words` (a glyph keeps its first text).
pub(crate) fn add_words(words: &mut [pdf::GlyphText; 2], more: [pdf::GlyphText; 2]) {
    for (w, m) in words.iter_mut().zip(more) {
        for (gid, t) in m {
            w.entry(gid).or_insert(t);
        }
    }
}

/// A document of the characters every date prints (the ten digits and
/// the characters each date of a week shows in the form the documents
/// use: 年 月 日 （ ）), in both faces: the generic document names dates,
/// a clinic's shows them. A weekday (水, 金 …), the holiday mark (・祝) and
/// an era (令和) are shown by some handouts only: shared, each cost every
/// handout not showing it about 130 bytes of outline (of the 70 handouts
/// of the bundled content's fixtures, 水 木 金 土 祝 in bold were shown by
/// 12–17, 令和 by 1–3; docs/pdf.md, "PDF size"); one a handout shows goes into
/// its own subset.
pub(crate) fn dates_probe() -> Document {
    let mut d = jiff::civil::Date::constant(2026, 11, 23);
    let mut every: Option<Vec<char>> = None;
    for _ in 0..7 {
        let shown = crate::eval::dates::western(d);
        every = Some(match every {
            None => shown.chars().collect(),
            Some(mut e) => {
                e.retain(|c| shown.contains(*c));
                e
            }
        });
        d = d.tomorrow().unwrap_or(d);
    }
    let mut text = String::from("0123456789");
    text.extend(every.unwrap_or_default());
    Document {
        blocks: vec![Block::Paragraph(vec![
            Span::normal(text.clone()),
            Span::bold(text),
        ])],
        ..Document::default()
    }
}

#[cfg(test)]
mod tests {
    use super::phrase_words;

    /// The breaks [`phrase_words`] leaves, as 「|」.
    fn breaks(text: &str) -> String {
        let mut out = String::new();
        let mut joined = false;
        for c in phrase_words(text).chars() {
            if c == '\u{2060}' {
                joined = true;
                continue;
            }
            if !out.is_empty() && !joined {
                out.push('|');
            }
            out.push(c);
            joined = false;
        }
        out
    }

    /// The shared subsets take from dates only what every date prints: a
    /// weekday, the holiday mark or an era goes into the subset of a
    /// handout that shows it.
    #[test]
    fn the_dates_probe_holds_what_every_date_prints_only() {
        let doc = super::dates_probe();
        let [super::Block::Paragraph(spans)] = doc.blocks.as_slice() else {
            panic!("one paragraph: {:?}", doc.blocks.len());
        };
        assert_eq!(spans.len(), 2, "regular and bold");
        for s in spans {
            for c in "0123456789年月日（）".chars() {
                assert!(s.text.contains(c), "{c} in {}", s.text);
            }
            for c in "火水木金土・祝令和".chars() {
                assert!(!s.text.contains(c), "{c} in {}", s.text);
            }
        }
    }

    #[test]
    fn a_problem_breaks_only_between_its_phrases() {
        assert_eq!(
            breaks("設置予定日（2026年11月29日（日））より後です。間に合いません"),
            "設置予定日|（2026年11月29日（日））|より後です。|間に合いません"
        );
        assert_eq!(
            breaks("この資料の作成日より前です。すでに過ぎています"),
            "この資料の作成日より前です。|すでに過ぎています"
        );
        // A space breaks on both sides.
        assert_eq!(breaks("A B"), "A| |B");
    }
}
