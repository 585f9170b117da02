//! The one-page sheet of a clinic (`sheet.pdf`): every value the clinic
//! will type, in screen order, with a tick box each; the dates; each
//! finding in one line; the contacts; QR codes to the portal and (when the
//! vendor sets a public URL) to the clinic's guide.
//!
//! Built from the same evaluated [`Guide`] as the handout and laid out by
//! the same engine, so the two never disagree; the words come from the
//! theme's strings and the content.

use super::marks::{QrMark, Row, TextLines};
use super::pdf::{self, Block, Column, Document, Drawable, Span, Weight};
use crate::eval::guide::{Guide, GuideRow, GuideStep, Shown};
use crate::model::Severity;
use crate::model::manual::Control;
use std::sync::Arc;

/// Width of a printed QR code (quiet zone included), in millimetres.
const QR_MM: f32 = 22.0;
/// The size of the dense sheet's findings and dates: the handout's
/// smallest running text, never less ([`pdf::MIN_TEXT_SIZE`]).
const DENSE_PT: f32 = 9.0;

/// How the sheet is set: [`render_shared`] tries each in this order and
/// keeps the first that fits one page (by measuring, never by clinic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The findings, the dates, the values, then the contacts beside the
    /// QR codes.
    Regular,
    /// The dates beside the contacts and QR codes (one block instead of
    /// two): a long clinic name over two title lines, ten terminals.
    Compact,
    /// The QR codes beside the findings (whose lines leave the page's
    /// right side empty), the contacts alone at the foot; the findings and
    /// dates at the smallest running size (9 pt, one line each as in
    /// `Regular`); the values table with a narrow step column and wider
    /// labels (a label over two lines was most of a long table's extra
    /// height): eleven findings and three terminals.
    Dense,
}

impl Layout {
    /// Every layout, in the order they are tried.
    pub const ALL: [Layout; 3] = [Layout::Regular, Layout::Compact, Layout::Dense];
}

/// The rows of a step the clinic types or chooses something in (not the
/// portal's own display, links or prefilled values; nothing for rows that
/// do not concern it).
fn typed_rows(s: &GuideStep) -> impl Iterator<Item = &GuideRow> {
    let shown = |r: &&GuideRow| {
        !r.prefilled && !matches!(r.shown, Shown::Nothing | Shown::NotApplicable { .. })
    };
    let screen = s
        .screen
        .iter()
        .flat_map(|sc| sc.rows.iter())
        .filter(|r| !matches!(r.control, Control::Display | Control::Link))
        .filter(shown);
    // A figure's rows the clinic fills in (a paper form: written in its
    // boxes, circled): never a paper's printed words or a blanked secret.
    let figure = s
        .figure
        .iter()
        .flat_map(|sc| sc.rows.iter())
        .filter(|r| {
            matches!(
                r.control,
                Control::Text
                    | Control::Radio { .. }
                    | Control::Select { .. }
                    | Control::Checkbox { .. }
                    | Control::YearMonth
            ) && !matches!(r.shown, Shown::Secret { .. })
        })
        .filter(shown);
    screen.chain(figure)
}

/// The manual a step belongs to (its key is `manual/step`): two manuals may
/// number their steps alike.
pub fn manual_of(s: &GuideStep) -> &str {
    s.key.split('/').next().unwrap_or_default()
}

/// Every value the clinic types or chooses, in screen order, with its step;
/// a value already listed for an earlier repetition (the same contact for
/// each terminal) once, but the item a repetition is for (its terminal name)
/// in every repetition, even when two items read the same. The PDF sheet and
/// the HTML guide's printed sheet both list these.
pub fn typed_values(guide: &Guide) -> Vec<(&GuideStep, &GuideRow)> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, &str)> = Vec::new();
    for m in &guide.manuals {
        for s in m.parts.iter().flat_map(|p| p.steps.iter()) {
            for r in typed_rows(s) {
                let per_item = r.per_item || s.item.as_deref() == Some(r.display.as_str());
                let step = if per_item { &s.id } else { &s.number };
                let k = (format!("{}/{step}/{}", m.id, r.id), r.display.as_str());
                if !seen.contains(&k) {
                    seen.push(k);
                    out.push((s, r));
                }
            }
        }
    }
    out
}

/// The theme key of the heading over the sheet's values, by where they
/// come from: a screen's rows (`sheet_values`: typed in the order of the
/// screens), a paper's (`sheet_values_paper`: written on the form), or
/// both (`sheet_values_both`). The theme words each; a paper form's values
/// were headed 「画面の順」.
pub fn values_heading<'g>(values: &[(&'g GuideStep, &'g GuideRow)]) -> &'static str {
    let on_paper = |(s, r): &&(&GuideStep, &GuideRow)| {
        s.figure
            .iter()
            .flat_map(|f| f.rows.iter())
            .any(|f| std::ptr::eq(f, *r))
    };
    let paper = values.iter().filter(on_paper).count();
    if paper == 0 {
        "sheet_values"
    } else if paper == values.len() {
        "sheet_values_paper"
    } else {
        "sheet_values_both"
    }
}

/// The dates of every manual of the guide in one schedule, in date order
/// (each manual's own are; two manuals' were listed one after the other).
pub fn sheet_dates(guide: &Guide) -> Vec<&crate::eval::guide::KeyDate> {
    let mut dates: Vec<_> = guide.manuals.iter().flat_map(|m| m.dates.iter()).collect();
    dates.sort_by(|a, b| a.iso.cmp(&b.iso));
    dates
}

/// The sheet's values come from steps of several manuals, which may
/// number their steps alike (both have a 「1」): each manual's values are
/// then headed by its title. With one manual's values, no heading.
pub struct ManualHeading<'g> {
    guide: &'g Guide,
    several: bool,
    last: Option<&'g str>,
}

impl<'g> ManualHeading<'g> {
    /// For the values of `steps`, in the order they are listed.
    pub fn new(guide: &'g Guide, steps: impl Iterator<Item = &'g GuideStep>) -> Self {
        let mut ids: Vec<&str> = steps.map(manual_of).collect();
        ids.dedup();
        ids.sort_unstable();
        ids.dedup();
        ManualHeading {
            guide,
            several: ids.len() > 1,
            last: None,
        }
    }

    /// The title to head `s`'s value with: the first of its manual's.
    pub fn before(&mut self, s: &'g GuideStep) -> Option<&'g str> {
        let m = manual_of(s);
        if !self.several || self.last == Some(m) {
            return None;
        }
        self.last = Some(m);
        self.guide
            .manuals
            .iter()
            .find(|x| x.id == m)
            .map(|x| x.title.as_str())
    }
}

/// A value a warning or an error asks to check before typing it (and that
/// no correction replaced): the sheet marks it, so it never reads as settled
/// (e.g. the line type of a clinic whose carrier is not known yet). Rows
/// whose words already say so (missing, blank, cannot tick yet) are not.
pub fn to_check(r: &GuideRow) -> bool {
    matches!(r.flag, Some(Severity::Error | Severity::Warning))
        && r.correction.is_none()
        && !matches!(
            r.shown,
            Shown::Missing { .. } | Shown::Blank { .. } | Shown::Unchecked { settled: false, .. }
        )
}

/// For each of `values` ([`typed_values`]), the item of the repetition it
/// belongs to, worded with the theme's `sheet_for_item` (「受付: 」), when
/// the same row of that step holds another value for another item (each
/// room's address): listed under one label, the values said nothing of
/// which is whose. Not for the row that is the item itself (its name).
pub fn items_of(values: &[(&GuideStep, &GuideRow)], guide: &Guide) -> Vec<Option<String>> {
    values
        .iter()
        .map(|(s, r)| {
            let item = s.item.as_deref().filter(|i| *i != r.display)?;
            let several = values.iter().any(|(s2, r2)| {
                s2.number == s.number
                    && manual_of(s2) == manual_of(s)
                    && r2.id == r.id
                    && !std::ptr::eq(*r2, *r)
            });
            several.then(|| guide.strings.fill("sheet_for_item", &[("item", item)]))
        })
        .collect()
}

/// The sheet's document.
pub fn document(guide: &Guide) -> Document {
    document_laid_out(guide, Layout::Regular)
}

/// The sheet's document set in `layout`.
pub fn document_laid_out(guide: &Guide, layout: Layout) -> Document {
    let compact = layout == Layout::Compact;
    let dense = layout == Layout::Dense;
    let t = &*guide.strings;
    let mut b: Vec<Block> = Vec::new();
    b.extend(super::handout::title_blocks(guide, "sheet_title"));
    let generated = super::handout::date_shown(&guide.generated, &guide.strings);

    // The QR codes; moved beside the findings on the dense sheet.
    let mut qrs = qr_codes(guide);
    // Each finding in one line, worst first; a notice (not a warning) not
    // in bold.
    let findings: Vec<(String, bool)> = guide
        .findings
        .iter()
        .map(|f| {
            let sev = t.get(super::handout::severity_key(f.severity));
            let at = f
                .step_number
                .as_deref()
                .map(|n| t.fill("at_step", &[("step", n)]))
                .unwrap_or_default();
            (
                format!("{sev}: {}{at}", f.title),
                f.severity != Severity::Info,
            )
        })
        .collect();
    if !findings.is_empty() {
        b.push(heading(guide.sheet_findings_heading()));
    }
    if !findings.is_empty() && dense {
        let lines = findings
            .into_iter()
            .map(|(line, bold)| {
                let weight = if bold { Weight::Bold } else { Weight::Regular };
                (line, weight, DENSE_PT)
            })
            .collect();
        let findings = TextLines::new(lines).hanging_after(":");
        if qrs.is_empty() {
            b.push(Block::Custom(Arc::new(findings)));
        } else {
            // Beside the findings, whose lines leave the right side empty.
            let mut row: Vec<(f32, Arc<dyn Drawable>)> = vec![(5.0, Arc::new(findings))];
            for q in qrs.drain(..) {
                row.push((1.0, Arc::new(q)));
            }
            b.push(Block::Custom(Arc::new(Row(row))));
        }
    } else if !findings.is_empty() {
        let mut spans = Vec::new();
        for (i, (line, bold)) in findings.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::normal("\n"));
            }
            spans.push(if bold {
                Span::bold(line)
            } else {
                Span::normal(line)
            });
        }
        b.push(Block::Paragraph(spans));
    }

    // The dates.
    let dates = sheet_dates(guide);
    // One line a date, bold when it is a problem, continued under its
    // event. The problem follows its event after a half-width space: after
    // an ideographic one, pdftotext (and so a screen reader's extraction)
    // read the problem as a column of its own, after its second line.
    let date_lines = || {
        let lines = dates
            .iter()
            .map(|d| {
                let mut line = format!(
                    "{}{}{}",
                    super::handout::date_shown(&d.iso, &guide.strings),
                    t.get("gap"),
                    d.label
                );
                if let Some(p) = &d.problem {
                    line.push_str(&format!(" ※ {}", super::handout::phrase_words(p)));
                }
                let bold = d.severity == Some(Severity::Error) || d.problem.is_some();
                let weight = if bold { Weight::Bold } else { Weight::Regular };
                (line, weight, DENSE_PT)
            })
            .collect();
        TextLines::new(lines).hanging_after(t.get("gap"))
    };
    if !dates.is_empty() && dense {
        b.push(heading(t.get("dates")));
        b.push(Block::Custom(Arc::new(date_lines())));
    } else if !dates.is_empty() && !compact {
        b.push(heading(t.get("dates")));
        // One line per date, like the findings; the event and its problem
        // (after a half-width space, as in the dense sheet) continued under
        // the event, never at the margin under the date.
        let terms = dates
            .iter()
            .map(|d| {
                let when = super::handout::date_shown(&d.iso, &guide.strings);
                let when = if d.severity == Some(Severity::Error) {
                    Span::bold(when)
                } else {
                    Span::normal(when)
                };
                let mut what = vec![Span::normal(d.label.clone())];
                if let Some(p) = &d.problem {
                    what.push(Span::bold(format!(
                        " ※ {}",
                        super::handout::phrase_words(p)
                    )));
                }
                (vec![when], what)
            })
            .collect();
        b.push(Block::Terms(terms));
    }

    // Every value to type, in screen order. The same row of a repeated step
    // (a terminal name per terminal) is one table row with a tick box per
    // value, so ten terminals still fit the page.
    let values = typed_values(guide);
    let values_key = values_heading(&values);
    let items = items_of(&values, guide);
    // A value with whose it is (「受付: 」), grouped by step and row.
    type Owned<'g> = (&'g GuideRow, Option<String>);
    let mut groups: Vec<(&GuideStep, Vec<Owned>)> = Vec::new();
    for ((s, r), item) in values.into_iter().zip(items) {
        match groups.iter_mut().find(|(gs, g)| {
            gs.number == s.number && manual_of(gs) == manual_of(s) && g[0].0.id == r.id
        }) {
            Some((_, g)) => g.push((r, item)),
            None => groups.push((s, vec![(r, item)])),
        }
    }
    let mut rows: Vec<Vec<Vec<Span>>> = Vec::new();
    let mut manual_heading = ManualHeading::new(guide, groups.iter().map(|(s, _)| *s));
    for (s, g) in groups {
        if let Some(title) = manual_heading.before(s) {
            rows.push(vec![
                Vec::new(),
                Vec::new(),
                vec![Span::bold(title.to_string())],
                Vec::new(),
            ]);
        }
        let many = g.len() > 1;
        let mut value = Vec::new();
        for (i, (r, item)) in g.iter().enumerate() {
            if many {
                // One value a line: a name is never broken between two.
                value.push(Span::normal(if i == 0 { "□ " } else { "\n□ " }));
            }
            if let Some(item) = item {
                value.push(Span::small(item.clone()));
            }
            value.push(if r.is_value {
                Span::value(r.display.clone(), r.id.clone())
            } else if r.correction.is_some() || matches!(r.shown, Shown::Missing { .. }) {
                Span::bold(r.display.clone())
            } else {
                Span::normal(r.display.clone())
            });
            if r.correction.is_some() {
                value.push(Span::small(
                    t.fill("aside", &[("text", t.get("sheet_corrected"))]),
                ));
            }
        }
        // A warning on the row (its first repetition carries it) marks all:
        // under the label when the row holds several values, since after the
        // last one it would read as about that one (the one name of five
        // terminals that was no duplicate).
        // The row's own note (`sheet_note:`, the same for every value of
        // it) likewise: what the handout says of the values (entered only
        // for a terminal not applied for yet).
        let mut label = vec![Span::normal(g[0].0.label.clone())];
        let check = g
            .iter()
            .any(|(r, _)| to_check(r))
            .then(|| t.get("sheet_check").to_string());
        for mark in [check, g[0].0.sheet_note.clone()].into_iter().flatten() {
            let mark = Span::small(t.fill("aside", &[("text", &mark)]));
            if many {
                label.push(Span::normal("\n"));
                label.push(mark);
            } else {
                value.push(mark);
            }
        }
        rows.push(vec![
            vec![Span::normal(if many { "" } else { "□" })],
            vec![Span::small(s.number.clone())],
            label,
            value,
        ]);
    }
    if !rows.is_empty() {
        b.push(heading(t.get(values_key)));
        // Dense: the step column as wide as 「1-3」 (and its heading) needs,
        // the rest to the labels.
        let (tick_w, step_w, label_w) = if dense {
            (0.2, 0.32, 1.75)
        } else {
            (0.22, 0.45, 1.45)
        };
        b.push(Block::Table {
            columns: vec![
                col("", tick_w),
                col(t.get("sheet_step"), step_w),
                col(t.get("row_item"), label_w),
                col(t.get("row_enter"), 3.5),
            ],
            rows,
            highlight_col: None,
        });
    }

    // Contacts beside the QR codes.
    let mut contact: Vec<(String, Weight, f32)> = Vec::new();
    if let Some(name) = guide.branding.name.as_deref() {
        contact.push((
            t.fill("vendor_contact", &[("vendor", name)]),
            Weight::Bold,
            9.0,
        ));
        if let Some(p) = &guide.branding.phone
            && let Some(last) = contact.last_mut()
        {
            last.0.push_str(&format!("{}{p}", t.get("gap")));
        }
    }
    for c in guide.manuals.iter().flat_map(|m| m.contacts.iter()) {
        match &c.phone {
            Some(p) => contact.push((format!("{}{}{p}", c.name, t.get("gap")), Weight::Bold, 9.0)),
            None => contact.push((c.name.clone(), Weight::Bold, 9.0)),
        }
        if let Some(h) = &c.hours {
            contact.push((h.clone(), Weight::Regular, 9.0));
        }
    }
    let mut row: Vec<(f32, Arc<dyn Drawable>)> = Vec::new();
    if compact && !dates.is_empty() {
        // The dates beside the contacts.
        b.push(heading(t.get("dates")));
        row.push((2.6, Arc::new(date_lines())));
    }
    if !contact.is_empty() {
        row.push((2.2, Arc::new(TextLines::new(contact))));
    }
    for q in qrs {
        row.push((1.0, Arc::new(q)));
    }
    if !row.is_empty() {
        if !dense {
            b.push(Block::Spacer(1.0));
        }
        b.push(Block::Custom(Arc::new(Row(row))));
    }

    let versions = guide.versions();
    let clinic = [
        ("clinic", guide.clinic_name.as_str()),
        ("code", guide.institution_code.as_str()),
        ("code_label", guide.code_label.as_str()),
        ("date", generated.as_str()),
        ("versions", versions.as_str()),
    ];
    Document {
        title: t.fill("sheet_title", &[("clinic", &guide.clinic_name)]),
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

/// The sheet's QR codes: the first screen address the guide shows (named
/// by its frame's `name:`, the seed's 「ポータルサイト」, else the theme's
/// `sheet_qr_portal`) and, when the vendor sets a public URL, the clinic's
/// guide.
pub fn qr_codes(guide: &Guide) -> Vec<QrMark> {
    let t = &*guide.strings;
    let site = portal_url(guide).map(|(url, name)| (name.unwrap_or(t.get("sheet_qr_portal")), url));
    let own = guide
        .branding
        .guide_url(&guide.clinic_key)
        .map(|url| (t.get("sheet_qr_guide"), url));
    [site, own]
        .into_iter()
        .flatten()
        .filter_map(|(what, url)| {
            QrMark::new(
                &url,
                QR_MM,
                what,
                &t.fill("sheet_qr_alt", &[("what", what), ("url", &url)]),
            )
        })
        .collect()
}

/// The first screen address the guide shows, with the name of its
/// screen's frame (`frames: - name:`), when it has one.
pub fn portal_url(guide: &Guide) -> Option<(String, Option<&str>)> {
    guide
        .manuals
        .iter()
        .flat_map(|m| m.parts.iter())
        .flat_map(|p| p.steps.iter())
        .find_map(|s| {
            let sc = s.screen.as_ref()?;
            let url = sc.url.clone()?;
            Some((url, sc.frame.as_ref().and_then(|f| f.name.as_deref())))
        })
        .filter(|(u, _)| super::rich_html::safe_url(u))
}

fn heading(text: &str) -> Block {
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

/// Renders the sheet PDF of `guide`.
pub fn render(guide: &Guide, fonts: &pdf::Fonts) -> Result<pdf::Rendered, pdf::PdfError> {
    render_shared(guide, fonts, None)
}

/// Renders the sheet PDF of `guide` with a build's shared word subsets
/// (see [`shared_words`]).
pub fn render_shared(
    guide: &Guide,
    fonts: &pdf::Fonts,
    shared: Option<&pdf::SharedWords>,
) -> Result<pdf::Rendered, pdf::PdfError> {
    Ok(render_chosen(guide, fonts, shared)?.1)
}

/// The sheet of `guide` in the first [`Layout`] that fits one page (else
/// the one with the fewest pages, the earlier on a tie), with that layout.
pub fn render_chosen(
    guide: &Guide,
    fonts: &pdf::Fonts,
    shared: Option<&pdf::SharedWords>,
) -> Result<(Layout, pdf::Rendered), pdf::PdfError> {
    let [first, rest @ ..] = Layout::ALL;
    let mut best = (
        first,
        pdf::render_shared(&document_laid_out(guide, first), fonts, shared)?,
    );
    for layout in rest {
        if best.1.pages <= 1 {
            break;
        }
        let sheet = pdf::render_shared(&document_laid_out(guide, layout), fonts, shared)?;
        if sheet.pages < best.1.pages {
            best = (layout, sheet);
        }
    }
    Ok(best)
}

/// The word subset every sheet of a build shares: the regular glyphs of
/// the sheet of `generic` (`eval::evaluate_generic`), subset and compressed
/// once. Bold is left to each sheet: the generic sheet sets every finding's
/// title and every value's name in bold, nearly three times the bold
/// glyphs of a clinic's sheet (docs/speed.md).
pub fn shared_words(
    generic: &Guide,
    fonts: &pdf::Fonts,
) -> Result<pdf::SharedWords, pdf::PdfError> {
    let mut words = pdf::words(&document(generic), fonts);
    super::handout::add_words(
        &mut words,
        pdf::words(&super::handout::dates_probe(), fonts),
    );
    words[pdf::Weight::Bold as usize].clear();
    pdf::SharedWords::build(fonts, words)
}
