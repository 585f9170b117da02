//! PDF output: draws laid-out pages (the display list, `render::frame`)
//! straight into content streams through `content`, subsets and embeds the
//! fonts, and writes the file itself: objects through `file` (one object
//! stream, a cross-reference stream), with a structure tree, a hierarchical
//! outline, `/Lang` and metadata.
//!
//! Text is always emitted as glyph ids; the characters they stand for go into
//! each font's `/ToUnicode` map, so the text is extractable and searchable.
//! The glyphs shown are collected first (one walk over the pages), `embed`
//! subsets the faces to them, and the pages are then written with the
//! subsets' glyph ids.
//!
//! Nothing in the output depends on anything but the input: the same
//! document gives byte-identical bytes (the trailer `/ID` is a hash of the
//! file), so unchanged handouts are not rewritten.

use std::collections::BTreeMap;
use std::sync::Arc;

use pdf_writer::types::{ActionType, AnnotationType, CidFontType, FontFlags, PageMode, SystemInfo};
use pdf_writer::writers::ColorSpace;
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Filter, Finish, Name, Rect as PdfRect, Ref, Str, TextStr};

use super::PdfError;
use super::content::{
    Encoder, FILL, FILL_STROKE, Glyph, Link, Paint, Palette, PathPoint, ROUND, round32,
};
use super::doc::{CalloutKind, Document};
use super::embed::{Embedded, GlyphText, SharedWords};
use super::file::PdfFile;
use super::fonts::{Face, Fallback};
use super::fonts::{Fonts, Weight};
use super::image;
use super::layout::{GlyphPos, Item, PageOut, PlacedMark, Stroke, callout_colors};
use super::linebreak::Warnings;
use super::structure::Node;
use super::style::{PAGE_H_MM, PAGE_W_MM, Rgb, WHITE, mm};

fn page_h() -> f32 {
    mm(PAGE_H_MM)
}

/// Rounds a coordinate to 1/100 pt: invisible, and it keeps the content
/// streams short (they are most of what gets deflated).
fn r2(v: f32) -> f32 {
    round32(v * 100.0) / 100.0
}

/// The point `(x, y_down)` of a page (`flip` = the page height) or of a
/// frame drawn under its own `cm` (`flip` = 0).
fn at(flip: f32, x: f32, y_down: f32) -> PathPoint {
    PathPoint {
        x: r2(x),
        y: r2(flip - y_down),
        curve: false,
    }
}

/// Like [`at`], a control point of a Bézier segment.
fn ctl(flip: f32, x: f32, y_down: f32) -> PathPoint {
    PathPoint {
        curve: true,
        ..at(flip, x, y_down)
    }
}

/// Draws the display list into one page's content stream.
struct Pen<'a, 'p> {
    enc: Encoder<'p>,
    fonts: &'a Fonts,
    /// The subsets of each face (regular, bold).
    subsets: &'a [FaceSubsets<'a>],
    /// Raster images by the address of their shared bytes: resource name
    /// and pixel size.
    images: &'a BTreeMap<usize, (String, u32, u32)>,
    /// y of the coordinate system's top edge: the page height, or 0 inside
    /// a frame drawn under its own `cm`.
    flip: f32,
    /// Inside a sub-frame: its content belongs to the frame's structure
    /// element, so glyph runs open no marked content of their own.
    nested: bool,
    /// The document's structure elements.
    nodes: &'a [Node],
    /// Per marked-content id on this page: its structure element.
    mcids: Vec<u32>,
    /// A glyph run's glyphs and its sorted gaps ([`glyph_items`]): kept
    /// from run to run and page to page.
    items: Vec<Glyph>,
    gaps: Vec<i64>,
}

impl<'a, 'p> Pen<'a, 'p> {
    /// A pen drawing a page (or what every page draws) with `enc`, reusing
    /// the glyph runs' buffers `runs`.
    fn page(
        enc: Encoder<'p>,
        fonts: &'a Fonts,
        subsets: &'a [FaceSubsets<'a>],
        images: &'a BTreeMap<usize, (String, u32, u32)>,
        nodes: &'a [Node],
        (items, gaps): (Vec<Glyph>, Vec<i64>),
    ) -> Self {
        Pen {
            enc,
            fonts,
            subsets,
            images,
            flip: page_h(),
            nested: false,
            nodes,
            mcids: Vec::new(),
            items,
            gaps,
        }
    }
}

impl Pen<'_, '_> {
    fn pt(&self, x: f32, y_down: f32) -> PathPoint {
        at(self.flip, x, y_down)
    }

    /// Opens the marked content of structure element `tag` (an artifact
    /// when 0).
    fn begin_tag(&mut self, tag: u32) {
        let role = usize::try_from(tag)
            .ok()
            .and_then(|t| t.checked_sub(1))
            .and_then(|i| self.nodes.get(i));
        match role {
            Some(node) => {
                let mcid = u32::try_from(self.mcids.len()).unwrap_or(u32::MAX);
                self.enc.begin_marked(node.role.tag(), Some(mcid));
                self.mcids.push(tag);
            }
            None => self.enc.begin_marked("Artifact", None),
        }
    }

    fn stroke(&mut self, c: Rgb, w: f32) {
        self.outline(&Stroke::solid(c, w));
    }

    fn outline(&mut self, s: &Stroke) {
        self.enc.stroke(s.color);
        self.enc.line_width(r2(s.width));
        self.enc.dash(s.dash);
    }

    /// Sets fill and outline; the painting mode, if anything is painted.
    fn paint(&mut self, fill: Option<Rgb>, stroke: Option<&Stroke>) -> Option<Paint> {
        match (fill, stroke) {
            (Some(f), Some(s)) => {
                self.enc.fill(f);
                self.outline(s);
                Some(Paint::FillStroke)
            }
            (Some(f), None) => {
                self.enc.fill(f);
                Some(Paint::Fill)
            }
            (None, Some(s)) => {
                self.outline(s);
                Some(Paint::Stroke)
            }
            (None, None) => None,
        }
    }

    fn fill_shape(&mut self, points: Vec<PathPoint>, color: Rgb) {
        self.enc.fill(color);
        self.enc.polygon(&[points], Paint::Fill);
    }

    fn stroke_line(&mut self, points: &[PathPoint], color: Rgb, width: f32) {
        self.stroke(color, width);
        self.enc.line(points);
    }
}

/// Bézier constant for quarter circles.
const KAPPA: f32 = 0.552_284_8;

/// Closed outline of a rounded rectangle (y down, see [`at`]). It starts
/// where the top edge ends, so the closing operator draws that edge; or,
/// with `top_first`, where the top edge starts (a dashed outline's pattern
/// starts there).
fn rounded_rect(
    flip: f32,
    (x, y, w, h): (f32, f32, f32, f32),
    r: f32,
    top_first: bool,
) -> Vec<PathPoint> {
    let pt = |x, y| at(flip, x, y);
    let c = |x, y| ctl(flip, x, y);
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.01 {
        return vec![pt(x, y), pt(x + w, y), pt(x + w, y + h), pt(x, y + h)];
    }
    let k = r * KAPPA;
    let mut pts = Vec::with_capacity(17);
    if top_first {
        pts.push(pt(x + r, y));
    }
    pts.extend([
        pt(x + w - r, y),
        c(x + w - r + k, y),
        c(x + w, y + r - k),
        pt(x + w, y + r),
        pt(x + w, y + h - r),
        c(x + w, y + h - r + k),
        c(x + w - r + k, y + h),
        pt(x + w - r, y + h),
        pt(x + r, y + h),
        c(x + r - k, y + h),
        c(x, y + h - r + k),
        pt(x, y + h - r),
        pt(x, y + r),
        c(x, y + r - k),
        c(x + r - k, y),
        pt(x + r, y),
    ]);
    pts
}

/// Closed outline of a circle as four Bézier quarters (y down, see [`at`]).
fn circle(flip: f32, cx: f32, cy: f32, r: f32) -> Vec<PathPoint> {
    let pt = |x, y| at(flip, x, y);
    let c = |x, y| ctl(flip, x, y);
    let k = r * KAPPA;
    vec![
        pt(cx + r, cy),
        c(cx + r, cy + k),
        c(cx + k, cy + r),
        pt(cx, cy + r),
        c(cx - k, cy + r),
        c(cx - r, cy + k),
        pt(cx - r, cy),
        c(cx - r, cy - k),
        c(cx - k, cy - r),
        pt(cx, cy - r),
        c(cx + k, cy - r),
        c(cx + r, cy - k),
        pt(cx + r, cy),
    ]
}

/// Draws a callout icon into the `s`×`s` square with top-left (x, y), with
/// paths only (no glyphs).
fn icon(pen: &mut Pen<'_, '_>, kind: CalloutKind, x: f32, y: f32, s: f32) {
    let (_, color, _) = callout_colors(kind);
    let (cx, cy, r) = (x + s / 2.0, y + s / 2.0, s / 2.0);
    pen.enc.save();
    pen.enc.cap(ROUND);
    pen.enc.join(ROUND);
    match kind {
        CalloutKind::Warning => {
            // Rounded-looking triangle: fill plus a round-joined stroke.
            let tri = vec![
                pen.pt(cx, y + s * 0.06),
                pen.pt(x + s * 0.98, y + s * 0.92),
                pen.pt(x + s * 0.02, y + s * 0.92),
            ];
            pen.stroke(color, s * 0.08);
            pen.enc.fill(color);
            pen.enc.polygon(&[tri], Paint::FillStroke);
            pen.stroke_line(
                &[pen.pt(cx, y + s * 0.36), pen.pt(cx, y + s * 0.62)],
                WHITE,
                s * 0.11,
            );
            pen.fill_shape(circle(pen.flip, cx, y + s * 0.77, s * 0.065), WHITE);
        }
        CalloutKind::Info => {
            pen.fill_shape(circle(pen.flip, cx, cy, r), color);
            pen.fill_shape(circle(pen.flip, cx, y + s * 0.28, s * 0.07), WHITE);
            pen.stroke_line(
                &[pen.pt(cx, y + s * 0.45), pen.pt(cx, y + s * 0.74)],
                WHITE,
                s * 0.12,
            );
        }
        CalloutKind::Error => {
            pen.fill_shape(circle(pen.flip, cx, cy, r), color);
            let d = s * 0.19;
            pen.stroke_line(
                &[pen.pt(cx - d, cy - d), pen.pt(cx + d, cy + d)],
                WHITE,
                s * 0.11,
            );
            pen.stroke_line(
                &[pen.pt(cx - d, cy + d), pen.pt(cx + d, cy - d)],
                WHITE,
                s * 0.11,
            );
        }
        CalloutKind::Success => {
            pen.fill_shape(circle(pen.flip, cx, cy, r), color);
            pen.stroke_line(
                &[
                    pen.pt(x + s * 0.28, y + s * 0.52),
                    pen.pt(x + s * 0.44, y + s * 0.68),
                    pen.pt(x + s * 0.73, y + s * 0.36),
                ],
                WHITE,
                s * 0.11,
            );
        }
        CalloutKind::Note => {
            pen.fill_shape(
                rounded_rect(
                    pen.flip,
                    (x + s * 0.1, y + s * 0.04, s * 0.8, s * 0.92),
                    s * 0.12,
                    false,
                ),
                color,
            );
            for k in 0..3 {
                let ly = y + s * (0.3 + 0.2 * k as f32);
                let right = if k == 2 { 0.55 } else { 0.7 };
                pen.stroke_line(
                    &[pen.pt(x + s * 0.3, ly), pen.pt(x + s * right, ly)],
                    WHITE,
                    s * 0.08,
                );
            }
        }
    }
    pen.enc.restore();
}

/// Glyph ids with TJ adjustments that put every glyph at its laid-out
/// position, and the character spacing (`Tc`, in pt) they assume.
///
/// A justified line spreads its slack evenly over most gaps; that common
/// gap becomes the character spacing, so only the other gaps (inside Latin
/// words, around boxed values) need an adjustment. Adjustments are whole
/// thousandths of an em; the rounding error is carried forward so it never
/// accumulates beyond half a unit.
///
/// The glyphs go into `items` and the gaps are sorted in `gaps` (both
/// cleared first): buffers a document's glyph runs reuse instead of
/// allocating two vectors each.
fn glyph_items(glyphs: &[GlyphPos], size: f32, items: &mut Vec<Glyph>, gaps: &mut Vec<i64>) -> f32 {
    items.clear();
    let Some(first) = glyphs.first() else {
        return 0.0;
    };
    let unit = size / 1000.0;
    // The most common non-zero gap between glyphs (at least three times),
    // in 1/100 of a unit; of gaps as common, the smallest (the later of
    // two as small).
    let mut best: Option<(usize, std::cmp::Reverse<i64>, i64)> = None;
    if glyphs.len() >= 4 {
        gaps.clear();
        gaps.extend(glyphs.windows(2).map(|w| {
            let gap = (w[1].x - w[0].x - w[0].adv) / unit;
            round32(gap * 100.0) as i64
        }));
        gaps.sort_unstable();
        for run in gaps.chunk_by(|a, b| a == b) {
            let (k, n) = (run[0], run.len());
            let key = (n, std::cmp::Reverse(k.abs()));
            if k != 0 && n >= 3 && best.as_ref().is_none_or(|b| key >= (b.0, b.1)) {
                best = Some((key.0, key.1, k));
            }
        }
    }
    let spacing = best.map_or(0.0, |(.., k)| {
        // As written: 1/100000 pt.
        round32((k as f32 / 100.0 * unit) * 1e5) / 1e5
    });
    let mut pen = 0.0f32;
    items.extend(glyphs.iter().enumerate().map(|(i, g)| {
        pen += (g.adv + spacing) / unit;
        let kern = match glyphs.get(i + 1) {
            Some(next) => {
                let target = (next.x - first.x) / unit;
                let n = round32(pen - target);
                pen -= n;
                n
            }
            None => 0.0,
        };
        Glyph { gid: g.gid, kern }
    }));
    spacing
}

/// The PDF exporter of the display list: draws one item.
fn draw(pen: &mut Pen<'_, '_>, cmd: &Item) {
    match cmd {
        Item::Glyphs {
            tag,
            y,
            size,
            weight,
            color,
            glyphs,
            ..
        } => {
            let Some(first) = glyphs.first() else { return };
            if *size <= 0.0 {
                return;
            }
            let mut items = std::mem::take(&mut pen.items);
            let spacing = glyph_items(glyphs, *size, &mut items, &mut pen.gaps);
            pen.enc.begin_text();
            if !pen.nested {
                pen.begin_tag(*tag);
            }
            pen.enc.fill(*color);
            pen.enc.char_spacing(spacing);
            pen.enc
                .text_matrix([1.0, 0.0, 0.0, 1.0, r2(first.x), r2(pen.flip - y)]);
            if let Some(s) = pen.subsets.iter().find(|s| s.weight == *weight) {
                show_run(&mut pen.enc, &mut items, s, *size, pen.fonts, *color);
            }
            pen.items = items;
            if !pen.nested {
                pen.enc.end_marked();
            }
            pen.enc.end_text();
        }
        Item::Rect {
            x,
            y,
            w,
            h,
            radius,
            fill,
            stroke,
            ..
        } => {
            if *w <= 0.0 || *h <= 0.0 {
                return;
            }
            let r = radius.min(w / 2.0).min(h / 2.0);
            if let (Some(f), None) = (fill, stroke)
                && r > 0.01
                && w - 2.0 * r >= 0.5
                && h - 2.0 * r >= 0.5
            {
                // A filled rounded rectangle is its core (inset by the
                // radius) filled and stroked 2r wide in the same colour with
                // round joins: exact circular corners in a few bytes instead
                // of four Bézier curves.
                pen.enc.fill(*f);
                pen.enc.save();
                pen.enc.stroke(*f);
                pen.enc.line_width(2.0 * r);
                pen.enc.join(ROUND);
                let (x1, y1, x2, y2) = (x + r, y + r, x + w - r, y + h - r);
                let points = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
                    .into_iter()
                    .map(|(a, b)| pen.pt(a, b))
                    .collect();
                pen.enc.polygon(&[points], Paint::FillStroke);
                pen.enc.restore();
                return;
            }
            let Some(mode) = pen.paint(*fill, stroke.as_ref()) else {
                return;
            };
            if *radius <= 0.01 {
                let bottom = r2(pen.flip - y - h);
                pen.enc.rect((r2(*x), bottom, r2(*w), r2(*h)), mode);
            } else {
                let dashed = stroke.is_some_and(|s| s.dash.is_some());
                let points = rounded_rect(pen.flip, (*x, *y, *w, *h), *radius, dashed);
                pen.enc.polygon(&[points], mode);
            }
        }
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
        } => {
            let points = [pen.pt(*x1, *y1), pen.pt(*x2, *y2)];
            pen.stroke_line(&points, *color, *width);
        }
        Item::Circle {
            cx,
            cy,
            r,
            fill,
            stroke,
            ..
        } => {
            if let Some(mode) = pen.paint(*fill, stroke.as_ref()) {
                let points = circle(pen.flip, *cx, *cy, *r);
                pen.enc.polygon(&[points], mode);
            }
        }
        Item::Path {
            rings,
            closed,
            fill,
            stroke,
            ..
        } => {
            let rings: Vec<Vec<PathPoint>> = rings
                .iter()
                .filter(|r| r.len() >= 2)
                .map(|r| r.iter().map(|(x, y)| pen.pt(*x, *y)).collect())
                .collect();
            if rings.is_empty() {
                return;
            }
            if *closed {
                if let Some(mode) = pen.paint(*fill, stroke.as_ref()) {
                    pen.enc.polygon(&rings, mode);
                }
            } else if let Some(s) = stroke {
                pen.outline(s);
                for points in &rings {
                    pen.enc.line(points);
                }
            }
        }
        Item::Icon { kind, x, y, size } => icon(pen, *kind, *x, *y, *size),
        Item::Link { x, y, w, h, url } => pen.enc.link(Link {
            x: r2(*x),
            y: r2(pen.flip - y - h),
            w: r2(*w),
            h: r2(*h),
            url: url.clone(),
        }),
        Item::Image { x, y, w, h, png } => {
            if let Some((name, pw, ph)) = pen.images.get(&(Arc::as_ptr(png) as usize)) {
                let bottom_left = pen.pt(*x, y + h);
                // The image's unit square scaled to the box.
                let sw = *pw as f32 * (w / (*pw).max(1) as f32);
                let sh = *ph as f32 * (h / (*ph).max(1) as f32);
                pen.enc.image(name, (bottom_left.x, bottom_left.y, sw, sh));
            }
        }
        Item::Group {
            tag,
            x,
            y,
            scale,
            frame,
        } => {
            let nested = pen.nested;
            if !nested {
                pen.begin_tag(*tag);
            }
            pen.enc.save();
            // Frame units, y down from the frame's top-left corner (points
            // are written with `flip` 0, so y is negated, and glyphs stay
            // upright).
            pen.enc
                .transform([*scale, 0.0, 0.0, *scale, r2(*x), r2(pen.flip - y)]);
            pen.enc.cap(ROUND);
            pen.enc.join(ROUND);
            let flip = pen.flip;
            pen.flip = 0.0;
            pen.nested = true;
            for item in &frame.items {
                draw(pen, item);
            }
            pen.flip = flip;
            pen.nested = nested;
            pen.enc.restore();
            if !nested {
                pen.enc.end_marked();
            }
        }
    }
}

/// Records the glyphs an item shows (sub-frames included), in drawing
/// order.
fn mark_glyphs(usage: &mut Usage, item: &Item) {
    match item {
        Item::Glyphs {
            size,
            weight,
            glyphs,
            ..
        } => {
            if *size <= 0.0 {
                return;
            }
            for g in glyphs {
                usage.mark(*weight, g.gid, g.text, !g.data);
            }
        }
        Item::Group { frame, .. } => {
            for i in &frame.items {
                mark_glyphs(usage, i);
            }
        }
        _ => {}
    }
}

/// The glyphs the pages show, in drawing order (the first text a glyph
/// shows is the one `/ToUnicode` maps it to).
fn usage_of(fonts: &Fonts, pages: &[PageOut]) -> Usage {
    let mut usage = Usage::new(fonts);
    for page in pages {
        for c in page.under.iter().map(|(_, c)| c).chain(&page.cmds) {
            mark_glyphs(&mut usage, c);
        }
    }
    for c in common_of(pages).iter().flat_map(|c| c.iter()) {
        mark_glyphs(&mut usage, c);
    }
    usage
}

/// What every page of `pages` draws the same after its own ([`PageOut::common`]),
/// if the pages have it (all share one list).
fn common_of(pages: &[PageOut]) -> Option<Arc<Vec<Item>>> {
    pages.iter().find_map(|p| p.common.clone())
}

/// Resource name of the form XObject of what every page draws the same.
const COMMON_RESOURCE: &str = "H";

/// Per face (regular, bold): the glyphs the pages show in the document's
/// own words (not data, not the fallback font) and their text.
pub(crate) fn words_of(fonts: &Fonts, pages: &[PageOut]) -> [GlyphText; 2] {
    usage_of(fonts, pages).split().0.map(|(words, _)| words)
}

/// Decodes and encodes every distinct raster image of the pages and their
/// frames once (lossless), keyed by the address of its shared bytes, with
/// its resource name.
fn collect_images(
    pages: &[PageOut],
    warnings: &mut Warnings,
) -> BTreeMap<usize, (String, Arc<image::Encoded>)> {
    let mut out = BTreeMap::new();
    let mut add = |png: &Arc<Vec<u8>>, warnings: &mut Warnings| {
        let key = Arc::as_ptr(png) as usize;
        if out.contains_key(&key) {
            return;
        }
        match image::encode(png) {
            Ok(enc) => {
                let name = format!("I{}", out.len() + 1);
                out.insert(key, (name, enc));
            }
            Err(e) => warnings.push(format!("image not embedded: {e}")),
        }
    };
    let common = common_of(pages);
    let drawn = pages
        .iter()
        .flat_map(|p| p.cmds.iter().chain(p.under.iter().map(|(_, c)| c)))
        .chain(common.iter().flat_map(|c| c.iter()));
    for c in drawn {
        match c {
            Item::Image { png, .. } => add(png, warnings),
            Item::Group { frame, .. } => frame.walk(&mut |i| {
                if let Item::Image { png, .. } = i {
                    add(png, warnings);
                }
            }),
            _ => {}
        }
    }
    out
}

/// Resource name of the fallback font's subset.
const FALLBACK_RESOURCE: &str = "F";

/// Resource name of a face's subset (of the words' glyphs, or of the
/// glyphs only data shows) in the page font dictionary.
fn font_resource(w: Weight, data: bool) -> &'static str {
    match (w, data) {
        (Weight::Regular, false) => "R",
        (Weight::Bold, false) => "B",
        (Weight::Regular, true) => "RD",
        (Weight::Bold, true) => "BD",
    }
}

/// Object numbers handed out in order.
struct Ids(i32);

impl Ids {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// A PDF whose every object is written, its own streams not yet
/// compressed: finished at a level, and again at another if need be,
/// without drawing a page again.
pub(crate) struct Written {
    pdf: PdfFile,
    catalog: Ref,
    info: Ref,
    next: Ref,
}

impl Written {
    /// The file with the document's own streams compressed at `level`, and
    /// its SHA-256.
    pub(crate) fn finish(&self, level: i32) -> (Vec<u8>, [u8; 32]) {
        self.pdf
            .finish_hashed(self.catalog, self.info, self.next, level)
    }
}

#[cfg(test)]
thread_local! {
    /// How many documents [`write`] drew on this thread (tests only).
    pub(crate) static WRITES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Where a document's glyphs are embedded from.
#[derive(Clone, Copy)]
pub(crate) enum Glyphs<'a> {
    /// The subsets of `shared` words built once per build, and the
    /// document's own subset for every other glyph.
    Shared(&'a SharedWords),
    /// The subset of the document's words built once per process for the
    /// same words, and its own subset for the glyphs only data shows.
    Words,
    /// One subset per face of the document's own, of exactly the glyphs it
    /// shows, words and data: no glyph it does not show, one font program,
    /// `/ToUnicode` and font dictionary per face instead of two, compressed
    /// at the level the file is finished at. For a document over budget
    /// (docs/speed.md, "Speed, session 16").
    Own,
}

/// Builds the PDF from laid-out pages (running heads already included).
pub(crate) fn write(
    doc: &Document,
    fonts: &Fonts,
    pages: &mut [PageOut],
    marks: &[PlacedMark],
    nodes: &[Node],
    glyphs: Glyphs<'_>,
    warnings: &mut Warnings,
) -> Result<Written, PdfError> {
    #[cfg(test)]
    WRITES.with(|n| n.set(n.get() + 1));
    let images = collect_images(pages, warnings);
    let image_names: BTreeMap<usize, (String, u32, u32)> = images
        .iter()
        .map(|(k, (name, e))| (*k, (name.clone(), e.width, e.height)))
        .collect();
    for page in pages.iter_mut() {
        page.under.sort_by_key(|(depth, _)| *depth);
    }
    // Subset the faces to the glyphs actually shown; the pages are then
    // written with the subsets' glyph ids. The glyphs of the document's own
    // words make one subset per face, which every document showing the same
    // words shares (built once per process); glyphs only data shows make a
    // second, small one. With `shared` subsets (built once per build), a
    // glyph they hold with the same text is shown from them, data or not,
    // and every other glyph goes to the document's own subset.
    let mut subsets: Vec<FaceSubsets> = Vec::new();
    let (faces, stand_ins) = usage_of(fonts, pages).split();
    // The fallback font's glyphs (rare): one subset for this document.
    // Only a document with stand-ins looks at the face: asking for it
    // otherwise would read the file (19 MB for Noto Sans CJK) into every
    // build, needed or not.
    let fallback = match fonts
        .fallback()
        .filter(|_| !stand_ins.is_empty())
        .and_then(|f| Some((f, f.get()?)))
    {
        Some((f, loaded)) => {
            let real: GlyphText = stand_ins
                .iter()
                .filter_map(|(id, t)| Some((f.real_id(*id)?, t.clone())))
                .collect();
            let e = Embedded::build(&loaded.face.data, &loaded.face.id().0, &real, false)?;
            Some((f, loaded, e))
        }
        _ => None,
    };
    for (weight, (words, mut data)) in [Weight::Regular, Weight::Bold].into_iter().zip(faces) {
        let face = fonts.face(weight);
        let shared = match glyphs {
            Glyphs::Shared(s) => s.face(weight),
            Glyphs::Words | Glyphs::Own => None,
        };
        let words = match shared {
            Some(sh) => {
                let mut any = false;
                for (gid, t) in words.into_iter().chain(std::mem::take(&mut data)) {
                    if sh.text.get(&gid) == Some(&t) {
                        any = true;
                    } else {
                        data.insert(gid, t);
                    }
                }
                any.then(|| sh.embedded.clone())
            }
            None if matches!(glyphs, Glyphs::Own) => {
                data.extend(words);
                None
            }
            None if words.is_empty() => None,
            None => Some(face.cache.get(&face.data, &face.id().0, &words)?),
        };
        let data = if data.is_empty() {
            None
        } else {
            Some(Arc::new(Embedded::build(
                &face.data,
                &face.id().0,
                &data,
                false,
            )?))
        };
        let mut in_data = Vec::new();
        if let Some(d) = &data {
            let last = d.map.keys().next_back().copied().unwrap_or(0);
            in_data = vec![0u64; usize::from(last / 64) + 1];
            for &gid in d.map.keys() {
                in_data[usize::from(gid / 64)] |= 1 << (gid % 64);
            }
        }
        subsets.push(FaceSubsets {
            weight,
            words,
            data,
            in_data,
            fallback: fallback.as_ref().map(|(f, _, e)| (*f, e)),
        });
    }

    let mut pdf = PdfFile::default();
    let mut ids = Ids(0);
    let catalog_id = ids.next();
    let pages_id = ids.next();
    let page_ids: Vec<Ref> = pages.iter().map(|_| ids.next()).collect();

    let mut font_refs: Vec<(&'static str, Ref)> = Vec::new();
    if let Some((_, loaded, e)) = &fallback {
        let id = font_objects(&mut pdf, &mut ids, &loaded.face, e);
        font_refs.push((FALLBACK_RESOURCE, id));
    }
    for s in &subsets {
        for (data, e) in [(false, &s.words), (true, &s.data)] {
            if let Some(e) = e {
                let id = font_objects(&mut pdf, &mut ids, fonts.face(s.weight), e);
                font_refs.push((font_resource(s.weight, data), id));
            }
        }
    }
    let mut image_refs: Vec<(String, Ref)> = Vec::new();
    for (name, enc) in images.values() {
        let img_id = ids.next();
        enc.write(&mut pdf, img_id, || ids.next());
        image_refs.push((name.clone(), img_id));
    }

    let mut palette = Palette::default();
    // Per page, per marked-content id: the structure element.
    let mut page_mcids: Vec<Vec<u32>> = Vec::with_capacity(pages.len());
    // One buffer for every page's content stream (about 14 KB a page).
    let mut buffer: Vec<u8> = Vec::with_capacity(16 << 10);
    // The glyph runs' buffers, likewise.
    let (mut items, mut gaps) = (Vec::new(), Vec::new());
    // What every page draws the same (the running heads but the page
    // number): written once, as a form XObject each page draws, rather
    // than again in every page's stream (about 100 bytes a page
    // compressed; docs/pdf.md, "PDF size"). Only artifacts: a structure
    // element's marked content must be on its page; and without links,
    // which are a page's annotations.
    let common = common_of(pages).and_then(|common| {
        let enc = Encoder::form(&mut palette, Vec::new());
        let mut pen = Pen::page(
            enc,
            fonts,
            &subsets,
            &image_names,
            nodes,
            (Vec::new(), Vec::new()),
        );
        for c in common.iter() {
            draw(&mut pen, c);
        }
        let mcids = std::mem::take(&mut pen.mcids);
        let enc = pen.enc.finish();
        (mcids.is_empty() && enc.links.is_empty()).then(|| (ids.next(), enc.bytes))
    });
    for (page_index, (page, &page_id)) in pages.iter().zip(&page_ids).enumerate() {
        let enc = Encoder::reusing(&mut palette, std::mem::take(&mut buffer));
        let runs = (std::mem::take(&mut items), std::mem::take(&mut gaps));
        let mut pen = Pen::page(enc, fonts, &subsets, &image_names, nodes, runs);
        for (_, c) in &page.under {
            draw(&mut pen, c);
        }
        for c in &page.cmds {
            draw(&mut pen, c);
        }
        match (&page.common, &common) {
            (Some(_), Some(_)) => pen.enc.draw_form(COMMON_RESOURCE),
            (Some(items), None) => {
                for c in items.iter() {
                    draw(&mut pen, c);
                }
            }
            (None, _) => {}
        }
        page_mcids.push(std::mem::take(&mut pen.mcids));
        (items, gaps) = (
            std::mem::take(&mut pen.items),
            std::mem::take(&mut pen.gaps),
        );
        let enc = pen.enc.finish();
        let contents = ids.next();
        pdf.stream_of(&enc.bytes, false, move |c, data| {
            c.stream(contents, data).filter(Filter::FlateDecode);
        });
        buffer = enc.bytes;
        let annots: Vec<Ref> = enc.links.iter().map(|_| ids.next()).collect();
        for (link, &id) in enc.links.iter().zip(&annots) {
            link_annotation(&mut pdf, id, link);
        }
        let mut page = pdf.page(page_id);
        page.parent(pages_id)
            .contents(contents)
            .struct_parents(page_index as i32);
        if !annots.is_empty() {
            page.annotations(annots);
        }
    }
    let lookup = palette.lookup();
    let mut x_objects = image_refs;
    // With the form, the pages and the form share one resource dictionary
    // (the palette's colour table is not written twice).
    let shared_resources = common.as_ref().map(|(form, bytes)| {
        let (form, res_id) = (*form, ids.next());
        x_objects.push((COMMON_RESOURCE.to_string(), form));
        pdf.stream_of(bytes, false, move |c, data| {
            let mut x = c.form_xobject(form, data);
            x.bbox(PdfRect::new(0.0, 0.0, fine(mm(PAGE_W_MM)), fine(page_h())));
            x.filter(Filter::FlateDecode);
            x.pair(Name(b"Resources"), res_id);
        });
        res_id
    });
    {
        let mut tree = pdf.pages(pages_id);
        tree.kids(page_ids.iter().copied())
            .count(page_ids.len() as i32)
            // Exact to 1/10000 pt: text lands on the same device pixels as
            // in a viewer computing A4 from millimetres.
            .media_box(PdfRect::new(0.0, 0.0, fine(mm(PAGE_W_MM)), fine(page_h())));
        // Resources shared by every page (inherited from the page tree).
        match shared_resources {
            Some(id) => {
                tree.pair(Name(b"Resources"), id);
            }
            None => resources(
                &mut tree.resources(),
                &font_refs,
                &x_objects,
                lookup.as_ref(),
            ),
        }
    }
    if let Some(id) = shared_resources {
        let mut res = pdf.indirect(id).start::<pdf_writer::writers::Resources>();
        resources(&mut res, &font_refs, &x_objects, lookup.as_ref());
    }

    let outline = (!marks.is_empty()).then(|| build_outline(&mut pdf, &mut ids, marks, &page_ids));

    let lang = if doc.lang.trim().is_empty() {
        "ja"
    } else {
        doc.lang.trim()
    };
    let tree = super::structure::write(&mut pdf, &mut || ids.next(), nodes, &page_mcids, &page_ids);
    {
        let mut catalog = pdf.indirect(catalog_id).start::<Catalog>();
        catalog.pages(pages_id).lang(TextStr(lang));
        catalog.viewer_preferences().display_doc_title(true);
        catalog.mark_info().marked(true);
        catalog.pair(Name(b"StructTreeRoot"), tree);
        match outline {
            Some(id) => {
                catalog.outlines(id).page_mode(PageMode::UseOutlines);
            }
            None => {
                catalog.page_mode(PageMode::UseNone);
            }
        }
    }
    let info_id = ids.next();
    {
        let mut info = pdf.indirect(info_id).start::<DocumentInfo>();
        info.title(TextStr(&doc.title));
        if !doc.author.is_empty() {
            info.author(TextStr(&doc.author));
        }
        info.creator(TextStr("tebiki")).producer(TextStr("tebiki"));
    }
    Ok(Written {
        pdf,
        catalog: catalog_id,
        info: info_id,
        next: ids.next(),
    })
}

/// Writes the fonts, XObjects and palette colour space of a resource
/// dictionary (the pages', or a form XObject's).
fn resources(
    res: &mut pdf_writer::writers::Resources<'_>,
    font_refs: &[(&'static str, Ref)],
    x_objects: &[(String, Ref)],
    lookup: Option<&(i32, Vec<u8>)>,
) {
    if !font_refs.is_empty() {
        let mut f = res.fonts();
        for (name, id) in font_refs {
            f.pair(Name(name.as_bytes()), *id);
        }
    }
    if !x_objects.is_empty() {
        let mut x = res.x_objects();
        for (name, id) in x_objects {
            x.pair(Name(name.as_bytes()), *id);
        }
    }
    if let Some((hival, lookup)) = lookup {
        res.color_spaces()
            .insert(Name(Palette::NAME.as_bytes()))
            .start::<ColorSpace>()
            .indexed(Name(b"DeviceRGB"), *hival, lookup);
    }
}

/// A number to 1/10000.
fn fine(v: f32) -> f32 {
    (v * 10_000.0).round() / 10_000.0
}

/// Writes a link annotation (no border, URI action).
fn link_annotation(pdf: &mut PdfFile, id: Ref, link: &Link) {
    let mut a = pdf.annotation(id);
    a.subtype(AnnotationType::Link)
        .rect(PdfRect::new(
            r2(link.x),
            r2(link.y),
            r2(link.x + link.w),
            r2(link.y + link.h),
        ))
        .border(0.0, 0.0, 0.0, None);
    a.action()
        .action_type(ActionType::Uri)
        .uri(Str(&uri_bytes(&link.url)));
}

/// A URI as 7-bit ASCII: anything else percent-encoded as UTF-8.
fn uri_bytes(uri: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(uri.len());
    for &b in uri.as_bytes() {
        if (0x21..0x7F).contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

/// The glyphs shown in one face and the text each stands for.
struct FaceUsage {
    /// Per glyph id: the character (0 = not shown).
    chars: Vec<u32>,
    /// Per glyph id: shown by the document's own words (not only by data).
    words: Vec<bool>,
    /// The glyph ids given a character, in the order first shown.
    shown: Vec<u16>,
    /// Glyph ids marked as words but given no character (yet).
    blank: Vec<u16>,
}

/// The glyphs shown in each face, and those of the fallback font (by
/// stand-in id, see `Fallback`).
struct Usage([FaceUsage; 2], GlyphText);

thread_local! {
    /// Tables of a face's glyphs left by the last document on this thread,
    /// all zero again: a new table (one entry per glyph of the face, about
    /// 90 KB a document) would be allocated and zeroed per document.
    static SPARE_USAGE: std::cell::RefCell<Vec<FaceUsage>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Usage {
    fn new(fonts: &Fonts) -> Usage {
        let face = |w| {
            let n = usize::from(fonts.face(w).data.num_glyphs());
            let spare = SPARE_USAGE.with(|s| {
                let mut s = s.borrow_mut();
                let at = s.iter().position(|f| f.chars.len() == n)?;
                Some(s.swap_remove(at))
            });
            spare.unwrap_or_else(|| FaceUsage {
                chars: vec![0; n],
                words: vec![false; n],
                shown: Vec::with_capacity(512),
                blank: Vec::new(),
            })
        };
        Usage(
            [face(Weight::Regular), face(Weight::Bold)],
            GlyphText::new(),
        )
    }

    /// Records glyph `gid` of `w` as showing `c` (the first text wins),
    /// and as part of the document's words when `words`.
    fn mark(&mut self, w: Weight, gid: u16, c: char, words: bool) {
        let f = &mut self.0[w as usize];
        let i = usize::from(gid);
        let Some(slot) = f.chars.get_mut(i) else {
            // A stand-in id of the fallback font.
            self.1.entry(gid).or_insert_with(|| c.to_string());
            return;
        };
        if *slot == 0 && c != '\0' {
            *slot = u32::from(c);
            f.shown.push(gid);
        }
        if words {
            if *slot == 0 && !f.words[i] {
                f.blank.push(gid);
            }
            f.words[i] = true;
        }
    }

    /// Per face: glyph id → text of the glyphs the document's words show,
    /// and of those only data shows; and the fallback font's glyphs.
    fn split(self) -> ([(GlyphText, GlyphText); 2], GlyphText) {
        let faces = self.0.map(|mut f| {
            f.shown.sort_unstable();
            let mut words = GlyphText::new();
            let mut data = GlyphText::new();
            for &gid in &f.shown {
                let i = usize::from(gid);
                if let Some(c) = char::from_u32(f.chars[i]) {
                    if f.words[i] {
                        words.insert(gid, c.to_string());
                    } else {
                        data.insert(gid, c.to_string());
                    }
                }
            }
            // All zero again for the next document.
            for &gid in f.shown.iter().chain(&f.blank) {
                f.chars[usize::from(gid)] = 0;
                f.words[usize::from(gid)] = false;
            }
            f.shown.clear();
            f.blank.clear();
            SPARE_USAGE.with(|s| {
                let mut s = s.borrow_mut();
                if s.len() < 2 {
                    s.push(f);
                }
            });
            (words, data)
        });
        (faces, self.1)
    }
}

/// The subsets of one face in a document.
struct FaceSubsets<'a> {
    weight: Weight,
    /// Glyphs of the document's words (shared between documents).
    words: Option<Arc<Embedded>>,
    /// Glyphs only data shows.
    data: Option<Arc<Embedded>>,
    /// One bit per glyph id of the face: in `data` (most glyphs are not,
    /// and a bit is cheaper to test than the map to search, per glyph).
    in_data: Vec<u64>,
    /// The fallback font and its subset, when the document uses it.
    fallback: Option<(&'a Fallback, &'a Embedded)>,
}

/// Which subset a glyph is set in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Words,
    Data,
    Fallback,
}

impl FaceSubsets<'_> {
    /// The subset showing `gid` and the glyph's id in it.
    fn locate(&self, gid: u16) -> (Target, u16) {
        // Data first: with shared subsets, a glyph of the shared one shown
        // with another text is in the document's own subset.
        let maybe_data = self
            .in_data
            .get(usize::from(gid / 64))
            .is_some_and(|w| w & (1 << (gid % 64)) != 0);
        if maybe_data && let Some(n) = self.data.as_ref().and_then(|e| e.map.get(&gid)) {
            return (Target::Data, *n);
        }
        if let Some(n) = self.words.as_ref().and_then(|e| e.new_id(gid)) {
            return (Target::Words, n);
        }
        if let Some((f, e)) = self.fallback
            && f.owns(gid)
        {
            let n = f.real_id(gid).and_then(|r| e.map.get(&r)).copied();
            return (Target::Fallback, n.unwrap_or(0));
        }
        let target = if self.words.is_some() {
            Target::Words
        } else {
            Target::Data
        };
        (target, 0)
    }
}

/// Stroke width of synthetic bold, in em: the fallback font has one
/// weight, so bold text set in it is filled and stroked in its own colour.
const SYNTHETIC_BOLD_EM: f32 = 0.035;

/// Shows one glyph run (glyph ids of the face) as runs per subset, each
/// after its `Tf`, with the subsets' glyph ids: a run mixing words and data
/// glyphs switches fonts in the middle (positions are unchanged, as both
/// subsets have the face's advances). A bold run's glyphs in the fallback
/// font (which has one weight) are set in synthetic bold: filled and
/// outlined in the fill colour.
fn show_run(
    enc: &mut Encoder<'_>,
    glyphs: &mut [Glyph],
    s: &FaceSubsets,
    size: f32,
    fonts: &Fonts,
    colour: Rgb,
) {
    // A stand-in glyph exists only once the face was loaded for it.
    let fallback_loaded = fonts.fallback().is_some_and(Fallback::is_loaded);
    let flush = |enc: &mut Encoder<'_>, run: &[Glyph], target: Target| {
        if run.is_empty() {
            return;
        }
        enc.font(
            match target {
                Target::Fallback if fallback_loaded => FALLBACK_RESOURCE,
                Target::Data => font_resource(s.weight, true),
                _ => font_resource(s.weight, false),
            },
            size,
        );
        let bold = s.weight == Weight::Bold && target == Target::Fallback;
        let before = enc.stroke_asked();
        if bold {
            text_stroke(enc, FILL_STROKE, colour, r2(size * SYNTHETIC_BOLD_EM));
        }
        enc.show(run);
        if bold {
            // Back to what the content around the run expects.
            let black = Rgb(0.0, 0.0, 0.0);
            text_stroke(
                enc,
                FILL,
                before.0.unwrap_or(black),
                before.1.unwrap_or(1.0),
            );
        }
    };
    // The glyphs take their subsets' ids in place; each stretch in one
    // subset is shown after its `Tf`.
    let mut target = Target::Words;
    let mut from = 0;
    for i in 0..glyphs.len() {
        let (t, gid) = s.locate(glyphs[i].gid);
        if i > from && t != target {
            flush(enc, &glyphs[from..i], target);
            from = i;
        }
        target = t;
        glyphs[i].gid = gid;
    }
    flush(enc, &glyphs[from..], target);
}

/// Adds the objects of one embedded font and returns the Type0 font's id.
fn font_objects(pdf: &mut PdfFile, ids: &mut Ids, face: &Face, e: &Embedded) -> Ref {
    let name = Name(e.base_font.as_bytes());
    let (bbox, ascent, descent, cap) = face.data.descriptor_metrics();
    let (type0, cid, descriptor, program, cmap) =
        (ids.next(), ids.next(), ids.next(), ids.next(), ids.next());
    let (cff, program_len) = (face.data.cff, e.program_len as i32);
    pdf.stream_of(&e.program, e.deflated, move |c, data| {
        let mut stream = c.stream(program, data);
        stream.filter(Filter::FlateDecode);
        if cff {
            stream.pair(Name(b"Subtype"), Name(b"OpenType"));
        } else {
            stream.pair(Name(b"Length1"), program_len);
        }
    });
    pdf.stream_of(&e.to_unicode, e.deflated, move |c, data| {
        c.cmap(cmap, data).filter(Filter::FlateDecode);
    });
    let mut d = pdf.font_descriptor(descriptor);
    d.name(name)
        .flags(FontFlags::SYMBOLIC)
        .bbox(PdfRect::new(bbox[0], bbox[1], bbox[2], bbox[3]))
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap)
        .stem_v(80.0);
    if face.data.cff {
        d.font_file3(program);
    } else {
        d.font_file2(program);
    }
    d.finish();
    let (dw, runs) = &e.widths;
    let mut c = pdf.cid_font(cid);
    c.subtype(if face.data.cff {
        CidFontType::Type0
    } else {
        CidFontType::Type2
    })
    .base_font(name)
    .system_info(SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    })
    .font_descriptor(descriptor)
    .default_width(*dw);
    if !runs.is_empty() {
        let mut w = c.widths();
        for (first, ws) in runs {
            if ws.len() > 1 && ws.iter().all(|x| *x == ws[0]) {
                w.same(*first, first + ws.len() as u16 - 1, ws[0]);
            } else {
                w.consecutive(*first, ws.iter().copied());
            }
        }
    }
    if !face.data.cff {
        c.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    c.finish();
    pdf.type0_font(type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    type0
}

struct OutlineNode {
    mark: usize,
    children: Vec<OutlineNode>,
}

/// Writes the outline tree (level 2 nested under the preceding level 1) and
/// returns the id of the `/Outlines` dictionary.
fn build_outline(pdf: &mut PdfFile, ids: &mut Ids, marks: &[PlacedMark], page_ids: &[Ref]) -> Ref {
    let mut roots: Vec<OutlineNode> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        let node = OutlineNode {
            mark: i,
            children: Vec::new(),
        };
        match roots.last_mut() {
            Some(parent) if m.level >= 2 && marks[parent.mark].level == 1 => {
                parent.children.push(node)
            }
            _ => roots.push(node),
        }
    }
    let root_id = ids.next();
    let (count, first, last) = write_level(pdf, ids, &roots, root_id, marks, page_ids);
    let mut o = pdf.outline(root_id);
    o.count(count as i32);
    if let (Some(f), Some(l)) = (first, last) {
        o.first(f).last(l);
    }
    root_id
}

/// Writes sibling outline items under `parent`; returns (visible item count,
/// first id, last id).
fn write_level(
    pdf: &mut PdfFile,
    ids: &mut Ids,
    nodes: &[OutlineNode],
    parent: Ref,
    marks: &[PlacedMark],
    page_ids: &[Ref],
) -> (usize, Option<Ref>, Option<Ref>) {
    let own: Vec<Ref> = nodes.iter().map(|_| ids.next()).collect();
    let mut total = 0;
    for (i, node) in nodes.iter().enumerate() {
        let m = &marks[node.mark];
        let (count, first, last) = write_level(pdf, ids, &node.children, own[i], marks, page_ids);
        let mut item = pdf.outline_item(own[i]);
        item.title(TextStr(&m.title)).parent(parent);
        if i > 0 {
            item.prev(own[i - 1]);
        }
        if let Some(next) = own.get(i + 1) {
            item.next(*next);
        }
        if let (Some(f), Some(l)) = (first, last) {
            item.first(f).last(l).count(count as i32);
        }
        if let Some(page) = page_ids.get(m.page).or(page_ids.last()) {
            let top = (page_h() - m.y + 6.0).min(page_h());
            item.dest().page(*page).xyz(0.0, r2(top), None);
        }
        total += 1 + count;
    }
    (total, own.first().copied(), own.last().copied())
}

/// Text rendering mode with the outline colour and width it strokes
/// with: synthetic bold sets it around a run, then restores it.
fn text_stroke(enc: &mut Encoder<'_>, mode: i64, colour: Rgb, width: f32) {
    enc.render_mode(mode);
    enc.stroke(colour);
    enc.line_width(width);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(xs: &[(f32, f32)]) -> Vec<GlyphPos> {
        xs.iter()
            .enumerate()
            .map(|(i, &(x, adv))| GlyphPos {
                gid: i as u16 + 3,
                x,
                adv,
                text: 'あ',
                data: false,
            })
            .collect()
    }

    #[test]
    fn glyph_runs_set_in_kept_buffers_are_set_as_in_new_ones() {
        // A justified line (one common gap), a line with no common gap,
        // a short one and an empty one, in an order that leaves each
        // buffer longer than the next run needs.
        let runs = [
            glyphs(&[
                (0.0, 10.0),
                (10.5, 10.0),
                (21.0, 10.0),
                (31.5, 10.0),
                (42.0, 9.0),
                (51.7, 10.0),
            ]),
            glyphs(&[
                (0.0, 10.0),
                (10.0, 5.0),
                (15.2, 7.0),
                (23.0, 10.0),
                (33.9, 1.0),
            ]),
            glyphs(&[(5.0, 10.0), (15.0, 10.0)]),
            Vec::new(),
            glyphs(&[(0.0, 10.0), (10.25, 10.0), (20.5, 10.0), (30.75, 10.0)]),
        ];
        let (mut items, mut gaps) = (Vec::new(), Vec::new());
        for run in &runs {
            let spacing = glyph_items(run, 10.0, &mut items, &mut gaps);
            let (mut fresh, mut fresh_gaps) = (Vec::new(), Vec::new());
            let fresh_spacing = glyph_items(run, 10.0, &mut fresh, &mut fresh_gaps);
            assert_eq!((spacing, &items), (fresh_spacing, &fresh));
            assert_eq!(items.len(), run.len());
        }
    }
}
