//! PDF output: turns laid-out pages into printpdf operations, lets printpdf
//! build the document structure, then (on the `lopdf` document printpdf
//! produces) embeds the subset fonts, writes a hierarchical outline,
//! `/Lang` and metadata, and deflates the streams.
//!
//! Text is always emitted as glyph ids; the characters they stand for go into
//! each font's `/ToUnicode` map, so the text is extractable and searchable.
//! The faces are not registered with printpdf (its subsetting re-reads the
//! whole font on every save): `embed` subsets them and they are added to the
//! pages' font dictionary here. printpdf's own bookmarks are flat and sorted
//! by name within a page, so the outline is built here too. lopdf objects are
//! created through printpdf's public `DictItem` → `lopdf::Object` conversion.

use std::collections::BTreeMap;
use std::sync::Arc;

use printpdf::{
    Actions, BorderArray, Codepoint, ColorArray, DictItem, ExternalStream, Line, LineCapStyle,
    LineDashPattern, LineJoinStyle, LinePoint, LinkAnnotation, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon, PolygonRing, Pt,
    Rect, TextItem, TextMatrix, WindingOrder, XObjectId, XObjectTransform,
};

use super::doc::{CalloutKind, Document};
use super::embed::{self, Subset};
use super::fonts::Face;
use super::fonts::{Fonts, Weight, rgb};
use super::layout::{Cmd, GlyphPos, PageOut, PlacedMark, callout_colors};
use super::linebreak::Warnings;
use super::style::{PAGE_H_MM, PAGE_W_MM, Rgb, TEXT, WHITE, mm, to_mm};
use super::{PdfError, deflate};

fn page_h() -> f32 {
    mm(PAGE_H_MM)
}

/// Rounds a coordinate to 1/100 pt: invisible, and it keeps the content
/// streams short (they are most of what gets deflated).
fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn col(c: Rgb) -> printpdf::Color {
    let r3 = |v: f32| (v * 1000.0).round() / 1000.0;
    rgb(r3(c.0), r3(c.1), r3(c.2))
}

fn pt(x: f32, y_down: f32) -> Point {
    Point {
        x: Pt(r2(x)),
        y: Pt(r2(page_h() - y_down)),
    }
}

fn lp(p: Point, bezier: bool) -> LinePoint {
    LinePoint { p, bezier }
}

/// Emits operations, skipping colour, line width and font changes that
/// would not change anything.
struct Pen<'a> {
    ops: &'a mut Vec<Op>,
    fonts: &'a Fonts,
    /// Embedded raster images by the address of their shared bytes.
    images: &'a BTreeMap<usize, (XObjectId, u32, u32)>,
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
    font: Option<(Weight, f32)>,
}

impl Pen<'_> {
    fn fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: col(c) });
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, c: Rgb, w: f32) {
        if self.stroke != Some(c) {
            self.ops.push(Op::SetOutlineColor { col: col(c) });
            self.stroke = Some(c);
        }
        let w = r2(w);
        if self.width != Some(w) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(w) });
            self.width = Some(w);
        }
    }

    fn font(&mut self, weight: Weight, size: f32) {
        if self.font != Some((weight, size)) {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.fonts.font_id(weight).clone()),
                size: Pt(size),
            });
            self.font = Some((weight, size));
        }
    }

    fn save(&mut self) {
        self.ops.push(Op::SaveGraphicsState);
    }

    /// Restores the graphics state; what it restores is not tracked, so
    /// everything is re-emitted next time.
    fn restore(&mut self) {
        self.ops.push(Op::RestoreGraphicsState);
        self.fill = None;
        self.stroke = None;
        self.width = None;
        self.font = None;
    }

    fn fill_shape(&mut self, points: Vec<LinePoint>, color: Rgb) {
        self.fill(color);
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    fn stroke_line(&mut self, points: Vec<Point>, color: Rgb, width: f32) {
        self.stroke(color, width);
        self.ops.push(Op::DrawLine {
            line: Line {
                points: points.into_iter().map(|p| lp(p, false)).collect(),
                is_closed: false,
            },
        });
    }
}

/// Bézier constant for quarter circles.
const KAPPA: f32 = 0.552_284_8;

/// Closed outline of a rounded rectangle (page coordinates, y down).
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<LinePoint> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.01 {
        return vec![
            lp(pt(x, y), false),
            lp(pt(x + w, y), false),
            lp(pt(x + w, y + h), false),
            lp(pt(x, y + h), false),
        ];
    }
    let k = r * KAPPA;
    vec![
        lp(pt(x + r, y), false),
        lp(pt(x + w - r, y), false),
        lp(pt(x + w - r + k, y), true),
        lp(pt(x + w, y + r - k), true),
        lp(pt(x + w, y + r), false),
        lp(pt(x + w, y + h - r), false),
        lp(pt(x + w, y + h - r + k), true),
        lp(pt(x + w - r + k, y + h), true),
        lp(pt(x + w - r, y + h), false),
        lp(pt(x + r, y + h), false),
        lp(pt(x + r - k, y + h), true),
        lp(pt(x, y + h - r + k), true),
        lp(pt(x, y + h - r), false),
        lp(pt(x, y + r), false),
        lp(pt(x, y + r - k), true),
        lp(pt(x + r - k, y), true),
        lp(pt(x + r, y), false),
    ]
}

fn circle(cx: f32, cy: f32, r: f32) -> Vec<LinePoint> {
    let k = r * KAPPA;
    vec![
        lp(pt(cx + r, cy), false),
        lp(pt(cx + r, cy + k), true),
        lp(pt(cx + k, cy + r), true),
        lp(pt(cx, cy + r), false),
        lp(pt(cx - k, cy + r), true),
        lp(pt(cx - r, cy + k), true),
        lp(pt(cx - r, cy), false),
        lp(pt(cx - r, cy - k), true),
        lp(pt(cx - k, cy - r), true),
        lp(pt(cx, cy - r), false),
        lp(pt(cx + k, cy - r), true),
        lp(pt(cx + r, cy - k), true),
        lp(pt(cx + r, cy), false),
    ]
}

/// Draws a callout icon into the `s`×`s` square with top-left (x, y), with
/// paths only (no glyphs).
fn icon(pen: &mut Pen<'_>, kind: CalloutKind, x: f32, y: f32, s: f32) {
    let (_, color, _) = callout_colors(kind);
    let (cx, cy, r) = (x + s / 2.0, y + s / 2.0, s / 2.0);
    pen.save();
    pen.ops.push(Op::SetLineCapStyle {
        cap: LineCapStyle::Round,
    });
    pen.ops.push(Op::SetLineJoinStyle {
        join: LineJoinStyle::Round,
    });
    match kind {
        CalloutKind::Warning => {
            // Rounded-looking triangle: fill plus a round-joined stroke.
            let tri = vec![
                lp(pt(cx, y + s * 0.06), false),
                lp(pt(x + s * 0.98, y + s * 0.92), false),
                lp(pt(x + s * 0.02, y + s * 0.92), false),
            ];
            pen.stroke(color, s * 0.08);
            pen.fill(color);
            pen.ops.push(Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing { points: tri }],
                    mode: PaintMode::FillStroke,
                    winding_order: WindingOrder::NonZero,
                },
            });
            pen.stroke_line(
                vec![pt(cx, y + s * 0.36), pt(cx, y + s * 0.62)],
                WHITE,
                s * 0.11,
            );
            pen.fill_shape(circle(cx, y + s * 0.77, s * 0.065), WHITE);
        }
        CalloutKind::Info => {
            pen.fill_shape(circle(cx, cy, r), color);
            pen.fill_shape(circle(cx, y + s * 0.28, s * 0.07), WHITE);
            pen.stroke_line(
                vec![pt(cx, y + s * 0.45), pt(cx, y + s * 0.74)],
                WHITE,
                s * 0.12,
            );
        }
        CalloutKind::Error => {
            pen.fill_shape(circle(cx, cy, r), color);
            let d = s * 0.19;
            pen.stroke_line(
                vec![pt(cx - d, cy - d), pt(cx + d, cy + d)],
                WHITE,
                s * 0.11,
            );
            pen.stroke_line(
                vec![pt(cx - d, cy + d), pt(cx + d, cy - d)],
                WHITE,
                s * 0.11,
            );
        }
        CalloutKind::Success => {
            pen.fill_shape(circle(cx, cy, r), color);
            pen.stroke_line(
                vec![
                    pt(x + s * 0.28, y + s * 0.52),
                    pt(x + s * 0.44, y + s * 0.68),
                    pt(x + s * 0.73, y + s * 0.36),
                ],
                WHITE,
                s * 0.11,
            );
        }
        CalloutKind::Note => {
            pen.fill_shape(
                rounded_rect(x + s * 0.1, y + s * 0.04, s * 0.8, s * 0.92, s * 0.12),
                color,
            );
            for k in 0..3 {
                let ly = y + s * (0.3 + 0.2 * k as f32);
                let right = if k == 2 { 0.55 } else { 0.7 };
                pen.stroke_line(
                    vec![pt(x + s * 0.3, ly), pt(x + s * right, ly)],
                    WHITE,
                    s * 0.08,
                );
            }
        }
    }
    pen.restore();
}

/// Glyph ids with TJ adjustments that put every glyph at its laid-out
/// position. Adjustments are whole thousandths of an em; the rounding error
/// is carried forward so it never accumulates beyond half a unit.
fn glyph_items(glyphs: &[GlyphPos], size: f32) -> Vec<Codepoint> {
    let Some(first) = glyphs.first() else {
        return Vec::new();
    };
    let unit = size / 1000.0;
    let mut pen = 0.0f32;
    glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| {
            pen += g.adv / unit;
            let offset = match glyphs.get(i + 1) {
                Some(next) => {
                    let target = (next.x - first.x) / unit;
                    let n = (pen - target).round();
                    pen -= n;
                    n
                }
                None => 0.0,
            };
            Codepoint {
                gid: g.gid,
                offset: if offset == 0.0 { 0.0 } else { offset },
                cid: Some(g.text.to_string()),
            }
        })
        .collect()
}

/// Converts one command to printpdf operations.
fn cmd_ops(pen: &mut Pen<'_>, cmd: &Cmd) {
    match cmd {
        Cmd::Glyphs {
            y,
            size,
            weight,
            color,
            glyphs,
        } => {
            let Some(first) = glyphs.first() else { return };
            if *size <= 0.0 {
                return;
            }
            let items = glyph_items(glyphs, *size);
            pen.ops.push(Op::StartTextSection);
            pen.fill(*color);
            pen.font(*weight, *size);
            pen.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(r2(first.x)), Pt(r2(page_h() - y))),
            });
            pen.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(items)],
            });
            pen.ops.push(Op::EndTextSection);
        }
        Cmd::Rect {
            x,
            y,
            w,
            h,
            radius,
            fill,
            stroke,
        } => {
            if *w <= 0.0 || *h <= 0.0 {
                return;
            }
            let mode = match (fill, stroke) {
                (Some(f), Some((s, sw))) => {
                    pen.fill(*f);
                    pen.stroke(*s, *sw);
                    PaintMode::FillStroke
                }
                (Some(f), None) => {
                    pen.fill(*f);
                    PaintMode::Fill
                }
                (None, Some((s, sw))) => {
                    pen.stroke(*s, *sw);
                    PaintMode::Stroke
                }
                (None, None) => return,
            };
            if *radius <= 0.01 {
                let mut r =
                    Rect::from_xywh(Pt(r2(*x)), Pt(r2(page_h() - y - h)), Pt(r2(*w)), Pt(r2(*h)));
                r.mode = Some(mode);
                pen.ops.push(Op::DrawRectangle { rectangle: r });
            } else {
                pen.ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: rounded_rect(*x, *y, *w, *h, *radius),
                        }],
                        mode,
                        winding_order: WindingOrder::NonZero,
                    },
                });
            }
        }
        Cmd::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
        } => pen.stroke_line(vec![pt(*x1, *y1), pt(*x2, *y2)], *color, *width),
        Cmd::Disc { cx, cy, r, color } => pen.fill_shape(circle(*cx, *cy, *r), *color),
        Cmd::Icon { kind, x, y, size } => icon(pen, *kind, *x, *y, *size),
        Cmd::Link { x, y, w, h, url } => pen.ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                Rect::from_xywh(Pt(r2(*x)), Pt(r2(page_h() - y - h)), Pt(r2(*w)), Pt(r2(*h))),
                Actions::Uri(url.clone()),
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                Some(ColorArray::Transparent),
                None,
            ),
        }),
        Cmd::Custom { drawable, x, y, w } => {
            // Hand the drawing a clean, predictable state.
            pen.save();
            pen.ops.push(Op::SetFillColor { col: col(TEXT) });
            pen.ops.push(Op::SetOutlineColor { col: col(TEXT) });
            pen.ops.push(Op::SetOutlineThickness { pt: Pt(1.0) });
            pen.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::solid(),
            });
            pen.ops.push(Op::SetLineCapStyle {
                cap: LineCapStyle::Butt,
            });
            pen.ops.push(Op::SetLineJoinStyle {
                join: LineJoinStyle::Miter,
            });
            let fonts = pen.fonts;
            // Images first, so the drawing's annotations sit on top.
            for img in drawable.images(to_mm(*w)) {
                let Some((id, pw, ph)) = pen.images.get(&(Arc::as_ptr(&img.png) as usize)) else {
                    continue;
                };
                let (wpt, hpt) = (mm(img.w_mm), mm(img.h_mm));
                let bottom_left = pt(*x + mm(img.x_mm), *y + mm(img.y_mm) + hpt);
                pen.ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(bottom_left.x),
                        translate_y: Some(bottom_left.y),
                        scale_x: Some(wpt / (*pw).max(1) as f32),
                        scale_y: Some(hpt / (*ph).max(1) as f32),
                        dpi: Some(72.0),
                        ..XObjectTransform::default()
                    },
                });
            }
            drawable.draw(pen.ops, pt(*x, *y), to_mm(*w), fonts);
            pen.restore();
        }
    }
}

/// Embeds every distinct raster image of the custom drawings once (lossless:
/// printpdf keeps decoded pixels and the save options forbid recompression).
fn register_images(
    pdf: &mut PdfDocument,
    pages: &[PageOut],
    warnings: &mut Warnings,
) -> BTreeMap<usize, (XObjectId, u32, u32)> {
    let mut out = BTreeMap::new();
    for page in pages {
        for c in page.cmds.iter().chain(page.under.iter().map(|(_, c)| c)) {
            let Cmd::Custom { drawable, w, .. } = c else {
                continue;
            };
            for img in drawable.images(to_mm(*w)) {
                let key = Arc::as_ptr(&img.png) as usize;
                if out.contains_key(&key) {
                    continue;
                }
                let mut pw = Vec::new();
                match printpdf::RawImage::decode_from_bytes(&img.png, &mut pw) {
                    Ok(raw) => {
                        let (iw, ih) = (raw.width as u32, raw.height as u32);
                        out.insert(key, (pdf.add_image(&raw), iw, ih));
                    }
                    Err(e) => warnings.push(format!("image not embedded: {e}")),
                }
            }
        }
    }
    out
}

/// Builds the PDF from laid-out pages (running heads already included).
pub(crate) fn write(
    doc: &Document,
    fonts: &Fonts,
    pages: Vec<PageOut>,
    marks: &[PlacedMark],
    warnings: &mut Warnings,
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = PdfDocument::new(&doc.title);
    pdf.metadata.info.author = doc.author.clone();
    pdf.metadata.info.creator = "tebiki".into();
    pdf.metadata.info.producer = "tebiki (printpdf)".into();
    let images = register_images(&mut pdf, &pages, warnings);
    let mut out_pages = Vec::with_capacity(pages.len());
    for mut page in pages {
        let mut ops = Vec::with_capacity(page.cmds.len() * 4 + 16);
        page.under.sort_by_key(|(depth, _)| *depth);
        let mut pen = Pen {
            ops: &mut ops,
            fonts,
            images: &images,
            fill: None,
            stroke: None,
            width: None,
            font: None,
        };
        for (_, c) in &page.under {
            cmd_ops(&mut pen, c);
        }
        for c in &page.cmds {
            cmd_ops(&mut pen, c);
        }
        out_pages.push(PdfPage::new(Mm(PAGE_W_MM), Mm(PAGE_H_MM), ops));
    }
    // Subset the faces to the glyphs actually shown (including any a custom
    // drawing emitted) and renumber the glyph ids in the content.
    let usage = glyph_usage(&mut out_pages, fonts);
    let mut subsets: Vec<(Weight, Subset, BTreeMap<u16, String>)> = Vec::new();
    for weight in [Weight::Regular, Weight::Bold] {
        let used = &usage[weight as usize];
        if used.is_empty() {
            continue;
        }
        let subset = fonts.face(weight).data.subset(used.keys().copied())?;
        let text: BTreeMap<u16, String> = used
            .iter()
            .filter_map(|(g, t)| subset.map.get(g).map(|n| (*n, t.clone())))
            .collect();
        subsets.push((weight, subset, text));
    }
    remap_glyphs(&mut out_pages, fonts, &subsets);
    pdf.with_pages(out_pages);

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        // There are no raster images in the block model; should one ever be
        // added, it must stay lossless, so printpdf may not recompress it.
        image_optimization: None,
    };
    let mut pw = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut pw);
    for w in pw {
        if w.severity == PdfParseErrorSeverity::Error {
            warnings.push(format!("printpdf: {}", w.msg));
        }
    }
    lo.version = "1.7".into();
    let lopdf_err = |e: &dyn std::fmt::Display| PdfError::Write(e.to_string());

    // Outline.
    let page_ids: Vec<(u32, u16)> = lo.get_pages().values().copied().collect();
    let outline_root = if marks.is_empty() {
        None
    } else {
        let mut new_id = || lo.new_object_id();
        let (root, objects) = build_outline(marks, &page_ids, &mut new_id);
        for (id, obj) in objects {
            lo.set_object(id, obj.to_lopdf());
        }
        Some(root)
    };

    // Embed the subset fonts and list them in the (shared) page font dict.
    let font_dict = page_ids
        .first()
        .and_then(|p| lo.get_dictionary(*p).ok())
        .and_then(|d| d.get(b"Resources").ok())
        .and_then(|r| r.as_reference().ok())
        .and_then(|r| lo.get_dictionary(r).ok())
        .and_then(|d| d.get(b"Font").ok())
        .and_then(|f| f.as_reference().ok());
    for (weight, subset, text) in &subsets {
        let face = fonts.face(*weight);
        let objects = font_objects(face, subset, text);
        let mut ids = Vec::with_capacity(objects.len());
        for obj in objects {
            let obj = resolve_refs(obj, &ids);
            ids.push(lo.add_object(obj.to_lopdf()));
        }
        let (Some(font_ref), Some(dict_id)) = (ids.last(), font_dict) else {
            return Err(PdfError::Write(
                "page resources have no font dictionary".into(),
            ));
        };
        let font_ref = DictItem::Ref {
            obj: font_ref.0,
            r#gen: font_ref.1,
        };
        lo.get_dictionary_mut(dict_id)
            .map_err(|e| lopdf_err(&e))?
            .set(face.id().0.as_str(), font_ref.to_lopdf());
    }

    let lang = if doc.lang.trim().is_empty() {
        "ja"
    } else {
        doc.lang.trim()
    };
    {
        let catalog = lo.catalog_mut().map_err(|e| lopdf_err(&e))?;
        let lang_item = if lang.is_ascii() {
            DictItem::String {
                data: lang.as_bytes().to_vec(),
                literal: true,
            }
        } else {
            text_string(lang)
        };
        catalog.set("Lang", lang_item.to_lopdf());
        catalog.set(
            "ViewerPreferences",
            DictItem::Dict {
                map: BTreeMap::from([("DisplayDocTitle".to_string(), DictItem::Bool(true))]),
            }
            .to_lopdf(),
        );
        match outline_root {
            Some((obj, gen_)) => {
                catalog.set("Outlines", DictItem::Ref { obj, r#gen: gen_ }.to_lopdf());
                catalog.set(
                    "PageMode",
                    DictItem::Name(b"UseOutlines".to_vec()).to_lopdf(),
                );
            }
            None => {
                catalog.set("PageMode", DictItem::Name(b"UseNone".to_vec()).to_lopdf());
            }
        }
    }
    // Drop placeholder metadata printpdf always writes (epoch dates, empty
    // fields, a PDF/X version this file does not claim).
    if let Ok(info_id) = lo.trailer.get(b"Info").and_then(|o| o.as_reference())
        && let Ok(info) = lo.get_dictionary_mut(info_id)
    {
        for key in [
            &b"CreationDate"[..],
            b"ModDate",
            b"GTS_PDFXVersion",
            b"Identifier",
            b"Keywords",
            b"Subject",
            b"Trapped",
        ] {
            info.remove(key);
        }
        if doc.author.is_empty() {
            info.remove(b"Author");
        }
    }
    // Deflate every stream that is not encoded yet (content streams, font
    // programs, `/ToUnicode` maps) with the fast encoder in `deflate`
    // instead of lopdf's level-9 `compress()`.
    let flate = DictItem::Name(b"FlateDecode".to_vec()).to_lopdf();
    for obj in lo.objects.values_mut() {
        if let Ok(st) = obj.as_stream_mut()
            && (st.allows_compression
                || st.dict.get(b"Subtype").and_then(|s| s.as_name()).ok()
                    == Some(b"Image".as_slice()))
            && st.dict.get(b"Filter").is_err()
            && !st.content.is_empty()
        {
            let z = deflate::zlib(&st.content);
            if z.len() + 19 < st.content.len() {
                st.dict.set("Filter", flate.clone());
                st.set_content(z);
            }
        }
    }
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| lopdf_err(&e))?;
    Ok(bytes)
}

/// Collects the glyphs shown in each face (glyph id → text it stands for),
/// converting any plain-text items under our fonts to glyph ids first.
fn glyph_usage(pages: &mut [PdfPage], fonts: &Fonts) -> [BTreeMap<u16, String>; 2] {
    let mut usage: [BTreeMap<u16, String>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for page in pages {
        let mut current: Option<Weight> = None;
        for op in &mut page.ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => current = fonts.weight_of(id),
                Op::SetFont { .. } => current = None,
                Op::ShowText { items } => {
                    let Some(w) = current else { continue };
                    let face = fonts.face(w);
                    for item in items.iter_mut() {
                        if let TextItem::Text(t) = item {
                            let glyphs = t
                                .chars()
                                .map(|c| {
                                    let g = face.resolve(c);
                                    let text = if g.found { c } else { face.replacement_text() };
                                    Codepoint {
                                        gid: g.gid,
                                        offset: 0.0,
                                        cid: Some(text.to_string()),
                                    }
                                })
                                .collect();
                            *item = TextItem::GlyphIds(glyphs);
                        }
                        if let TextItem::GlyphIds(glyphs) = item {
                            for g in glyphs.iter() {
                                usage[w as usize]
                                    .entry(g.gid)
                                    .or_insert_with(|| g.cid.clone().unwrap_or_default());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    usage
}

/// Rewrites glyph ids in the content to the subsets' numbering.
fn remap_glyphs(
    pages: &mut [PdfPage],
    fonts: &Fonts,
    subsets: &[(Weight, Subset, BTreeMap<u16, String>)],
) {
    for page in pages {
        let mut map: Option<&BTreeMap<u16, u16>> = None;
        for op in &mut page.ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => {
                    map = fonts
                        .weight_of(id)
                        .and_then(|w| subsets.iter().find(|s| s.0 == w))
                        .map(|s| &s.1.map);
                }
                Op::SetFont { .. } => map = None,
                Op::ShowText { items } => {
                    let Some(m) = map else { continue };
                    for item in items.iter_mut() {
                        if let TextItem::GlyphIds(glyphs) = item {
                            for g in glyphs.iter_mut() {
                                g.gid = m.get(&g.gid).copied().unwrap_or(0);
                                // The content no longer needs the text; it
                                // lives in the font's /ToUnicode map.
                                g.cid = None;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Placeholder reference to the `n`-th object of a [`font_objects`] list,
/// resolved by [`resolve_refs`] once that object has an id.
fn local_ref(n: u32) -> DictItem {
    DictItem::Ref {
        obj: u32::MAX - n,
        r#gen: u16::MAX,
    }
}

fn resolve_refs(item: DictItem, ids: &[(u32, u16)]) -> DictItem {
    match item {
        DictItem::Ref { obj, r#gen } if r#gen == u16::MAX => {
            let n = (u32::MAX - obj) as usize;
            match ids.get(n) {
                Some(id) => DictItem::Ref {
                    obj: id.0,
                    r#gen: id.1,
                },
                None => DictItem::Null,
            }
        }
        DictItem::Array(v) => {
            DictItem::Array(v.into_iter().map(|i| resolve_refs(i, ids)).collect())
        }
        DictItem::Dict { map } => DictItem::Dict {
            map: map
                .into_iter()
                .map(|(k, v)| (k, resolve_refs(v, ids)))
                .collect(),
        },
        other => other,
    }
}

/// The objects of one embedded font, in dependency order (each may refer
/// to earlier ones with [`local_ref`]); the last is the Type0 font.
fn font_objects(face: &Face, subset: &Subset, text: &BTreeMap<u16, String>) -> Vec<DictItem> {
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let int = DictItem::Int;
    let base_font = format!("{}+{}", face.id().0, face.data.ps_name);
    let (bbox, ascent, descent, cap) = face.data.descriptor_metrics();
    let program = DictItem::Stream {
        stream: ExternalStream {
            dict: BTreeMap::from([("Length1".to_string(), int(subset.program.len() as i64))]),
            content: subset.program.clone(),
            compress: true,
        },
    };
    let cmap = DictItem::Stream {
        stream: ExternalStream {
            dict: BTreeMap::new(),
            content: embed::to_unicode_cmap(text).into_bytes(),
            compress: true,
        },
    };
    let descriptor = DictItem::Dict {
        map: BTreeMap::from([
            ("Type".to_string(), name("FontDescriptor")),
            ("FontName".to_string(), name(&base_font)),
            ("Flags".to_string(), int(4)),
            (
                "FontBBox".to_string(),
                DictItem::Array(bbox.iter().map(|v| int(*v)).collect()),
            ),
            ("ItalicAngle".to_string(), int(0)),
            ("Ascent".to_string(), int(ascent)),
            ("Descent".to_string(), int(descent)),
            ("CapHeight".to_string(), int(cap)),
            ("StemV".to_string(), int(80)),
            ("FontFile2".to_string(), local_ref(0)),
        ]),
    };
    let widths = DictItem::Array(vec![
        int(0),
        DictItem::Array(subset.widths.iter().map(|w| int(*w)).collect()),
    ]);
    let cid_font = DictItem::Dict {
        map: BTreeMap::from([
            ("Type".to_string(), name("Font")),
            ("Subtype".to_string(), name("CIDFontType2")),
            ("BaseFont".to_string(), name(&base_font)),
            (
                "CIDSystemInfo".to_string(),
                DictItem::Dict {
                    map: BTreeMap::from([
                        (
                            "Registry".to_string(),
                            DictItem::String {
                                data: b"Adobe".to_vec(),
                                literal: true,
                            },
                        ),
                        (
                            "Ordering".to_string(),
                            DictItem::String {
                                data: b"Identity".to_vec(),
                                literal: true,
                            },
                        ),
                        ("Supplement".to_string(), int(0)),
                    ]),
                },
            ),
            ("FontDescriptor".to_string(), local_ref(2)),
            ("DW".to_string(), int(1000)),
            ("W".to_string(), widths),
            ("CIDToGIDMap".to_string(), name("Identity")),
        ]),
    };
    let type0 = DictItem::Dict {
        map: BTreeMap::from([
            ("Type".to_string(), name("Font")),
            ("Subtype".to_string(), name("Type0")),
            ("BaseFont".to_string(), name(&base_font)),
            ("Encoding".to_string(), name("Identity-H")),
            (
                "DescendantFonts".to_string(),
                DictItem::Array(vec![local_ref(3)]),
            ),
            ("ToUnicode".to_string(), local_ref(1)),
        ]),
    };
    vec![program, cmap, descriptor, cid_font, type0]
}

/// A PDF object id (number, generation).
type ObjId = (u32, u16);

/// A PDF text string (UTF-16BE with BOM), written as hex.
fn text_string(s: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        data.extend_from_slice(&u.to_be_bytes());
    }
    DictItem::String {
        data,
        literal: false,
    }
}

struct OutlineNode {
    mark: usize,
    children: Vec<OutlineNode>,
}

/// Writes the outline tree (level 2 nested under the preceding level 1) and
/// returns the id of the `/Outlines` dictionary.
/// Object ids are allocated through `new_id`; the objects are returned for
/// the caller to store.
fn build_outline(
    marks: &[PlacedMark],
    page_ids: &[(u32, u16)],
    new_id: &mut dyn FnMut() -> (u32, u16),
) -> (ObjId, Vec<(ObjId, DictItem)>) {
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
    let root_id = new_id();
    let mut objects = Vec::new();
    let count = write_level(&mut objects, new_id, &roots, root_id, marks, page_ids);
    let (first, last) = (count.1, count.2);
    let mut map = BTreeMap::from([
        ("Type".to_string(), DictItem::Name(b"Outlines".to_vec())),
        ("Count".to_string(), DictItem::Int(count.0 as i64)),
    ]);
    if let (Some(f), Some(l)) = (first, last) {
        map.insert(
            "First".into(),
            DictItem::Ref {
                obj: f.0,
                r#gen: f.1,
            },
        );
        map.insert(
            "Last".into(),
            DictItem::Ref {
                obj: l.0,
                r#gen: l.1,
            },
        );
    }
    objects.push((root_id, DictItem::Dict { map }));
    (root_id, objects)
}

/// Writes sibling outline items under `parent`; returns (visible item count,
/// first id, last id).
fn write_level(
    objects: &mut Vec<((u32, u16), DictItem)>,
    new_id: &mut dyn FnMut() -> (u32, u16),
    nodes: &[OutlineNode],
    parent: (u32, u16),
    marks: &[PlacedMark],
    page_ids: &[(u32, u16)],
) -> (usize, Option<ObjId>, Option<ObjId>) {
    let ids: Vec<(u32, u16)> = nodes.iter().map(|_| new_id()).collect();
    let mut total = 0;
    for (i, node) in nodes.iter().enumerate() {
        let m = &marks[node.mark];
        let r = |id: (u32, u16)| DictItem::Ref {
            obj: id.0,
            r#gen: id.1,
        };
        let mut map = BTreeMap::from([
            ("Title".to_string(), text_string(&m.title)),
            ("Parent".to_string(), r(parent)),
        ]);
        if let Some(page) = page_ids.get(m.page).or(page_ids.last()) {
            let top = (page_h() - m.y + 6.0).min(page_h());
            map.insert(
                "Dest".into(),
                DictItem::Array(vec![
                    r(*page),
                    DictItem::Name(b"XYZ".to_vec()),
                    DictItem::Null,
                    DictItem::Real(top),
                    DictItem::Null,
                ]),
            );
        }
        if i > 0 {
            map.insert("Prev".into(), r(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            map.insert("Next".into(), r(*next));
        }
        let (count, first, last) =
            write_level(objects, new_id, &node.children, ids[i], marks, page_ids);
        if let (Some(f), Some(l)) = (first, last) {
            map.insert("First".into(), r(f));
            map.insert("Last".into(), r(l));
            map.insert("Count".into(), DictItem::Int(count as i64));
        }
        objects.push((ids[i], DictItem::Dict { map }));
        total += 1 + count;
    }
    (total, ids.first().copied(), ids.last().copied())
}
