//! PDF layout engine: typesets a domain-neutral [`Document`] (blocks of
//! Japanese text, tables, callouts, checklists, drawings) into a printable A4
//! PDF with professional Japanese typesetting.
//!
//! * [`doc`] — the block model callers build.
//! * [`fonts`] — the regular/bold faces, parsed once and reused.
//! * `linebreak` — JLREQ line breaking (UAX #14 + kinsoku, oidashi,
//!   justification, punctuation compression).
//! * `layout` — block layout and pagination (keep-with-next, unsplittable
//!   rows and boxes, repeated table headers).
//! * `writer` — draws the pages' display list, subsets the fonts, writes
//!   images, structure tree, outline, `/Lang` and metadata.
//! * `content` — the compact content-stream encoder the writer draws with.
//! * `file` — stream compression (`libdeflater`) and a trailer `/ID` hashed from
//!   the content (same input, same bytes); `pdf-writer` writes the objects.
//! * `image` — lossless raster images, encoded once per process.
//! * `embed` — font reading (`skrifa`) and lossless subsetting (`skera`).
//! * `style` — page geometry, type scale and colours.
//!
//! Pages are A4 portrait with 18 mm side margins, a running header and a
//! footer with `N / M` page numbers; body text is 10 pt BIZ UDGothic with a
//! 1.6 line height. See `linebreak` for the JLREQ rules applied (kinsoku
//! with oidashi, justification, punctuation compression) and `layout` for
//! the pagination rules (keep-with-next headings, no orphan/widow lines,
//! unsplit table rows with repeated headers, unsplit callouts).
//!
//! Typical use: parse the fonts once per process with
//! [`Fonts::from_bytes`], then call [`render`] for each document:
//!
//! ```ignore
//! let fonts = Fonts::from_bytes(&regular_ttf, &bold_ttf)?;
//! let doc = Document {
//!     title: "オンライン資格確認 手引き".into(),
//!     blocks: vec![Block::Paragraph(vec![
//!         Span::normal("医療機関コードは"),
//!         Span::value("1234567", "clinic.code"),
//!         Span::normal("です。"),
//!     ])],
//!     ..Document::default()
//! };
//! let out = render(&doc, &fonts)?;
//! std::fs::write("guide.pdf", &out.bytes)?;
//! ```

mod content;
pub mod doc;
mod embed;
mod file;
pub mod fonts;
mod image;
mod layout;
mod linebreak;
mod structure;
mod style;
mod writer;

pub use doc::{Block, CalloutKind, Column, Document, Drawable, FramePlacement, Span, SpanStyle};
pub use embed::{GlyphText, SharedWords};
pub use fonts::{Fonts, REPLACEMENT_CHAR, Weight};
pub(crate) use image::is_jpeg;
pub use linebreak::{Measure, date_end, no_line_end, no_line_start, words_a_browser_splits};

/// Errors of the PDF engine. Layout itself never fails; only unusable fonts
/// and serialisation problems are errors.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font could not be parsed or lacks a table layout needs.
    #[error("font error: {0}")]
    Font(String),
    /// The PDF could not be serialised.
    #[error("cannot write PDF: {0}")]
    Write(String),
}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// SHA-256 of [`Rendered::bytes`], hashed while they were written (for
    /// the manifest).
    pub sha256: [u8; 32],
    /// Number of pages (at least 1).
    pub pages: usize,
    /// Problems worth telling the user about, e.g. characters the font
    /// cannot show (`「😀」(U+1F600) を表示できるフォントがありません（項目 name）…`).
    pub warnings: Vec<String>,
}

/// Typesets `doc` with `fonts` into an A4 PDF.
///
/// Never panics on any document content; an empty document yields one page
/// with the running header and footer.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Rendered, PdfError> {
    render_shared(doc, fonts, None)
}

/// Like [`render`], showing every glyph `shared` holds (with the same
/// text) from its subsets, built once per build (see [`SharedWords`]).
pub fn render_shared(
    doc: &Document,
    fonts: &Fonts,
    shared: Option<&SharedWords>,
) -> Result<Rendered, PdfError> {
    render_within(doc, fonts, shared, file::STRONGER_ABOVE, file::BUDGET)
}

/// Like [`render_shared`]: the document's own streams are compressed fast
/// ([`file::FAST`]), and a document that comes out larger than `above`
/// bytes is finished again with them compressed harder
/// ([`file::PER_DOCUMENT`]; docs/speed.md, "Speed, session 9"); one still larger
/// than `budget` bytes is finished a third time at the strongest level
/// ([`file::STRONGEST`]; docs/speed.md, "Speed, session 10"). The pages are
/// drawn once: finishing again compresses the document's own streams again
/// (docs/speed.md, "Speed, session 15"). A document still over budget is
/// drawn once more with one subset of its own per face, of exactly the
/// glyphs it shows ([`writer::Glyphs::Own`]), finished at the strongest
/// level, and the smaller file is kept before it is left over budget
/// (docs/speed.md, "Speed, session 16"). Same input, same bytes: the choice
/// depends only on the document.
fn render_within(
    doc: &Document,
    fonts: &Fonts,
    shared: Option<&SharedWords>,
    above: usize,
    budget: usize,
) -> Result<Rendered, PdfError> {
    let glyphs = shared.map_or(writer::Glyphs::Words, writer::Glyphs::Shared);
    let mut warnings = linebreak::Warnings::of(doc);
    let (total, written) = draw(doc, fonts, glyphs, &mut warnings)?;
    let (mut bytes, mut sha256) = written.finish(file::FAST);
    for (level, limit) in [(file::PER_DOCUMENT, above), (file::STRONGEST, budget)] {
        if bytes.len() <= limit {
            break;
        }
        (bytes, sha256) = written.finish(level);
    }
    if bytes.len() > budget {
        drop(written);
        let mut own_warnings = linebreak::Warnings::of(doc);
        let (_, own) = draw(doc, fonts, writer::Glyphs::Own, &mut own_warnings)?;
        let (own_bytes, own_sha256) = own.finish(file::STRONGEST);
        if own_bytes.len() < bytes.len() {
            (bytes, sha256, warnings) = (own_bytes, own_sha256, own_warnings);
        }
    }
    Ok(Rendered {
        bytes,
        sha256,
        pages: total,
        warnings: warnings.list,
    })
}

/// `doc` laid out and drawn with its glyphs from `glyphs`: its page count
/// and the file to finish.
fn draw(
    doc: &Document,
    fonts: &Fonts,
    glyphs: writer::Glyphs<'_>,
    warnings: &mut linebreak::Warnings,
) -> Result<(usize, writer::Written), PdfError> {
    let (mut pages, marks, nodes) = lay_out(doc, fonts, warnings);
    let total = pages.len();
    let written = writer::write(doc, fonts, &mut pages, &marks, &nodes, glyphs, warnings)?;
    Ok((total, written))
}

/// The pages of `doc` with their running heads, the outline's marks and
/// the structure nodes.
fn lay_out(
    doc: &Document,
    fonts: &Fonts,
    warnings: &mut linebreak::Warnings,
) -> (
    Vec<layout::PageOut>,
    Vec<layout::PlacedMark>,
    Vec<structure::Node>,
) {
    let (units, nodes) = layout::layout_document(doc, fonts, warnings);
    let layout::Paginated {
        mut pages, marks, ..
    } = layout::paginate(units, warnings);
    let total = pages.len();
    let heads = layout::running_heads(doc, total, fonts, warnings);
    for (page, number) in pages.iter_mut().zip(heads.number) {
        page.common = Some(heads.common.clone());
        page.cmds.extend(number);
    }
    (pages, marks, nodes)
}

/// Per face (regular, bold): the glyphs `doc` shows in its own words (not
/// data), laid out with `fonts`, and the text of each.
pub fn words(doc: &Document, fonts: &Fonts) -> [GlyphText; 2] {
    let (pages, ..) = lay_out(doc, fonts, &mut linebreak::Warnings::default());
    writer::words_of(fonts, &pages)
}

/// The default theme's fonts, parsed once, for unit tests.
#[cfg(test)]
pub(crate) fn test_fonts() -> &'static Fonts {
    static FONTS: std::sync::OnceLock<Fonts> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let regular = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Regular.ttf");
        let bold = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Bold.ttf");
        match Fonts::from_bytes(regular, bold) {
            Ok(f) => f,
            Err(e) => panic!("vendored fonts must parse: {e}"),
        }
    })
}

#[cfg(test)]
mod tests;
