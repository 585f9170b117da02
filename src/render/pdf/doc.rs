//! The block model: a small, domain-neutral description of a printable
//! document (title, headings, paragraphs, lists, tables, callouts,
//! checklists, custom drawings) that [`render`](super::render) typesets.
//!
//! Callers build a [`Document`] from whatever they render (here: an evaluated
//! clinic guide) and hand it over; nothing in this module knows about clinics.
//! Inline text is a list of [`Span`]s, each with a [`SpanStyle`] and an
//! optional `origin` naming the data field it came from, so that a character
//! the font cannot show can be reported against its source.

use std::fmt;
use std::sync::Arc;

use super::fonts::Fonts;

/// A whole document: metadata, running header/footer texts and the blocks.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Document title (PDF metadata `/Title`, shown by viewers).
    pub title: String,
    /// BCP 47 language tag written to the catalog's `/Lang` (e.g. `"ja"`).
    /// Empty means `"ja"`.
    pub lang: String,
    /// Author (PDF metadata `/Author`).
    pub author: String,
    /// Running header, left side (every page).
    pub header_left: String,
    /// Running header, right side (every page).
    pub header_right: String,
    /// Running footer, left side, e.g. `"作成 2026-11-24 ・ マニュアル v1.0"`.
    /// The right side always shows `N / M` page numbers.
    pub footer_left: String,
    /// The warning for a character the fonts lack (the theme's
    /// `pdf_missing_glyph`, with `{char}`, `{code}`, `{field}` and
    /// `{replacement}`); empty: the default theme's.
    pub missing_glyph: String,
    /// Its `{field}` when the character is in a value of the data (the
    /// theme's `pdf_missing_glyph_field`, with `{field}`); empty: the
    /// default theme's.
    pub missing_glyph_field: String,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// A block-level element.
#[derive(Debug, Clone)]
pub enum Block {
    /// The document title with an optional subtitle (may be empty).
    Title {
        /// Main title text.
        text: Vec<Span>,
        /// Subtitle shown below in a smaller, lighter style.
        subtitle: Vec<Span>,
    },
    /// A heading. Headings are never left at the bottom of a page: they are
    /// kept together with the start of the following block.
    Heading {
        /// 1 = part, 2 = step, 3 = minor heading (other values are treated as 3).
        level: u8,
        /// Optional number shown in front (e.g. `"1-3"`); drawn as a badge for
        /// level 2.
        number: Option<String>,
        /// Heading text.
        text: String,
        /// Whether to add an entry to the PDF outline (levels 1 and 2 only;
        /// level 2 entries nest under the preceding level 1).
        bookmark: bool,
    },
    /// A paragraph of inline text. `'\n'` inside a span forces a line break.
    Paragraph(Vec<Span>),
    /// Lines of a term and its text (a date and what happens then), one
    /// paragraph: each text after its term and an ideographic space, a
    /// text too long for its line going on under itself (a hanging
    /// indent), never under the term. Each line is drawn, and so read,
    /// term first, then its text's lines in order. A term wider than 40 %
    /// of the width is set in one run with its text instead.
    Terms(Vec<(Vec<Span>, Vec<Span>)>),
    /// A bulleted (`ordered == false`) or numbered list; each item is a
    /// sequence of blocks set with a hanging indent.
    List {
        /// Numbered (`1.`, `2.`, …) instead of bulleted.
        ordered: bool,
        /// The items; each is one or more blocks.
        items: Vec<Vec<Block>>,
    },
    /// A table with a header row. Rows are never split across pages (unless
    /// a single row is taller than a page); the header is repeated on every
    /// page the table continues on.
    Table {
        /// Column headers and relative widths.
        columns: Vec<Column>,
        /// Rows of cells; each cell is inline text. Missing cells are blank,
        /// extra cells are ignored.
        rows: Vec<Vec<Vec<Span>>>,
        /// Column to tint as highlighted (e.g. the clinic's own values).
        highlight_col: Option<usize>,
    },
    /// A tinted box with an icon, an optional title and a body. Kept on one
    /// page unless it is taller than a page.
    Callout {
        /// Colour scheme and icon.
        kind: CalloutKind,
        /// Optional bold title next to the icon.
        title: Option<String>,
        /// Body blocks.
        body: Vec<Block>,
    },
    /// Checklist items, each drawn with an empty square tick box.
    Checklist(Vec<Vec<Span>>),
    /// Vertical space in millimetres (dropped at the top of a page).
    Spacer(f32),
    /// Forces the next block onto a new page.
    PageBreak,
    /// A drawing supplied by another module (e.g. a vector illustration of a
    /// screen). Never split across pages.
    Custom(Arc<dyn Drawable>),
    /// A drawing with a caption line under it, kept together. When it does
    /// not fit on the rest of the page, the text that follows it (up to the
    /// next numbered heading) fills the page and the figure moves to the top
    /// of the next one (a float), instead of leaving the page part-empty.
    Figure {
        /// The picture.
        drawing: Arc<dyn Drawable>,
        /// Caption set under the picture (may be empty).
        caption: Vec<Span>,
    },
}

/// A table column: header text and relative width (any positive scale;
/// widths are normalised to the available width).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header cell text.
    pub header: String,
    /// Relative width; non-positive or non-finite values count as 1.
    pub width: f32,
}

/// Colour scheme and icon of a [`Block::Callout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalloutKind {
    /// Red, circle with a cross.
    Error,
    /// Amber, triangle with an exclamation mark.
    Warning,
    /// Blue, circle with an "i".
    Info,
    /// Grey, note sheet.
    Note,
    /// Green, circle with a tick.
    Success,
}

/// A run of inline text in one style.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The text. `'\n'` is a forced line break; U+200B marks an invisible
    /// break opportunity; U+00AD a soft hyphen (shown only when broken there).
    pub text: String,
    /// How the run is set.
    pub style: SpanStyle,
    /// Which source field the text came from, used in missing-glyph warnings.
    pub origin: Option<String>,
}

/// Inline style of a [`Span`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SpanStyle {
    /// Body text.
    Normal,
    /// Bold face.
    Bold,
    /// A value filled in from data (e.g. the clinic's code): bold on a tinted
    /// box so the reader can spot what is specific to them.
    Value,
    /// Code, identifiers or literal input: on a light grey box.
    Code,
    /// A hyperlink: blue, underlined, clickable.
    Link {
        /// Target URI.
        url: String,
    },
    /// Smaller, lighter text (notes, captions).
    Small,
}

impl Span {
    /// A span in `style` without origin.
    pub fn new(text: impl Into<String>, style: SpanStyle) -> Span {
        Span {
            text: text.into(),
            style,
            origin: None,
        }
    }

    /// Plain body text.
    pub fn normal(text: impl Into<String>) -> Span {
        Span::new(text, SpanStyle::Normal)
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Span {
        Span::new(text, SpanStyle::Bold)
    }

    /// A data value, tagged with the field it came from.
    pub fn value(text: impl Into<String>, origin: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            style: SpanStyle::Value,
            origin: Some(origin.into()),
        }
    }

    /// Code / literal text.
    pub fn code(text: impl Into<String>) -> Span {
        Span::new(text, SpanStyle::Code)
    }

    /// A hyperlink showing `text` and pointing to `url`.
    pub fn link(text: impl Into<String>, url: impl Into<String>) -> Span {
        Span::new(text, SpanStyle::Link { url: url.into() })
    }

    /// Small text.
    pub fn small(text: impl Into<String>) -> Span {
        Span::new(text, SpanStyle::Small)
    }

    /// Sets the origin (builder style).
    pub fn with_origin(mut self, origin: impl Into<String>) -> Span {
        self.origin = Some(origin.into());
        self
    }
}

impl Block {
    /// A paragraph of one plain span.
    pub fn text(text: impl Into<String>) -> Block {
        Block::Paragraph(vec![Span::normal(text)])
    }
}

/// A drawing placed in the document flow (a picture, a QR code, the brand
/// line): it lays itself out as a frame of the display list at the width the
/// engine has; the engine reserves the frame's height (moving it to a new
/// page if needed) and draws it with the exporter that draws the pages.
pub trait Drawable: Send + Sync {
    /// The drawing laid out `width_mm` wide, text measured and set with
    /// `fonts` (the one measure and line breaker of pages and pictures).
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement;

    /// Alternative text of the drawing (the figure's `/Alt` in tagged PDF:
    /// what a screen reader says instead of the picture).
    fn alt(&self) -> Option<String> {
        None
    }
}

/// Where a [`Drawable`]'s frame goes in its reserved area.
#[derive(Debug, Clone)]
pub struct FramePlacement {
    /// The laid-out drawing.
    pub frame: Arc<crate::render::frame::Frame>,
    /// Its left edge, in millimetres from the area's left edge.
    pub x_mm: f32,
    /// Its printed width in millimetres (the frame's `width` units span it;
    /// its height follows at the same scale).
    pub width_mm: f32,
}

impl fmt::Debug for dyn Drawable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Drawable")
    }
}
