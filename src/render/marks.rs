//! Small printed pieces shared by the handout and the sheet: the vendor's
//! brand line (logo, name, support phone) and QR codes drawn as vector
//! squares. Both are [`Drawable`]s laid out by the PDF engine like pictures.

use super::pdf::{self, Drawable, Fonts, PlacedImage, TextStyle, Weight};
use crate::branding::Branding;
use printpdf::{
    Color as PdfColor, LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt, Rgb, WindingOrder,
};
use std::sync::Arc;

fn pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

fn fill(ops: &mut Vec<Op>, r: f32, g: f32, b: f32) {
    ops.push(Op::SetFillColor {
        col: PdfColor::Rgb(Rgb::new(r, g, b, None)),
    });
}

/// The vendor's line: logo on the left, then name (bold) and support phone,
/// all on one line `height_mm` tall.
pub struct BrandLine {
    logo: Option<Arc<Vec<u8>>>,
    aspect: f32,
    text: Vec<(String, Weight)>,
    alt: String,
    height_mm: f32,
}

impl BrandLine {
    /// The brand line of `b` worded with `label` ("導入・サポート") and
    /// `phone_label` ("サポート窓口"); `None` when nothing is set.
    pub fn new(b: &Branding, label: &str, phone_label: &str, height_mm: f32) -> Option<BrandLine> {
        if b.is_empty() {
            return None;
        }
        let mut text = Vec::new();
        if !label.is_empty() && (b.name.is_some() || b.phone.is_some()) {
            text.push((format!("{label}　"), Weight::Regular));
        }
        if let Some(n) = &b.name {
            text.push((n.clone(), Weight::Bold));
        }
        if let Some(p) = &b.phone {
            text.push((format!("　{phone_label} {p}"), Weight::Regular));
        }
        let alt: String = text.iter().map(|(t, _)| t.as_str()).collect();
        Some(BrandLine {
            logo: b.logo.as_ref().map(|l| l.png.clone()),
            aspect: b.logo.as_ref().map(|l| l.aspect()).unwrap_or(1.0),
            alt: if alt.trim().is_empty() {
                b.name.clone().unwrap_or_default()
            } else {
                alt.trim().to_string()
            },
            text,
            height_mm,
        })
    }

    fn logo_width(&self, width_mm: f32) -> f32 {
        (self.height_mm / self.aspect.max(0.05)).min(width_mm * 0.4)
    }
}

impl Drawable for BrandLine {
    fn height(&self, _width_mm: f32) -> f32 {
        self.height_mm
    }

    fn draw(&self, ops: &mut Vec<Op>, origin: Point, width_mm: f32, fonts: &Fonts) {
        let mut x = origin.x.0;
        if self.logo.is_some() {
            x += pt(self.logo_width(width_mm) + 3.0);
        }
        let size = 9.5f32;
        let baseline = origin.y.0 - pt(self.height_mm / 2.0) - size * 0.35;
        for (t, w) in &self.text {
            let style = TextStyle::new(*w, size);
            fonts.text_ops(ops, x, baseline, &style, t);
            x += fonts.measure(*w, t, size);
        }
    }

    fn images(&self, width_mm: f32) -> Vec<PlacedImage> {
        let Some(png) = &self.logo else {
            return Vec::new();
        };
        let w = self.logo_width(width_mm);
        let h = w * self.aspect;
        vec![PlacedImage {
            png: png.clone(),
            x_mm: 0.0,
            y_mm: (self.height_mm - h) / 2.0,
            w_mm: w,
            h_mm: h,
        }]
    }

    fn alt(&self) -> Option<String> {
        Some(self.alt.clone())
    }
}

/// A QR code drawn as filled squares (no raster), with its quiet zone, and
/// a caption line under it.
pub struct QrMark {
    modules: Arc<Vec<Vec<bool>>>,
    /// Width of the code in millimetres (quiet zone included).
    pub size_mm: f32,
    caption: String,
    alt: String,
}

/// The dark modules of the QR code of `data`, row by row. Every sheet of a
/// batch carries the same portal address, and choosing a code's mask costs
/// more than drawing the sheet, so the last few codes are kept per process
/// (only for identical data: nothing of one clinic reaches another's sheet).
fn qr_modules(data: &str) -> Option<Arc<Vec<Vec<bool>>>> {
    type Kept = Vec<(String, Arc<Vec<Vec<bool>>>)>;
    static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Vec::new());
    const KEEP: usize = 8;
    let lock = || KEPT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, m)) = lock().iter().find(|(d, _)| d == data) {
        return Some(m.clone());
    }
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let modules: Arc<Vec<Vec<bool>>> = Arc::new(
        (0..w)
            .map(|y| {
                (0..w)
                    .map(|x| colors[y * w + x] == qrcode::Color::Dark)
                    .collect()
            })
            .collect(),
    );
    let mut kept = lock();
    if kept.len() >= KEEP {
        kept.remove(0);
    }
    kept.push((data.to_string(), modules.clone()));
    Some(modules)
}

/// Modules of quiet zone around a code (the standard asks for 4).
const QUIET: usize = 4;

impl QrMark {
    /// The code of `data` (medium error correction), `size_mm` wide, or
    /// `None` when the data does not fit a QR code.
    pub fn new(data: &str, size_mm: f32, caption: &str, alt: &str) -> Option<QrMark> {
        let modules = qr_modules(data)?;
        Some(QrMark {
            modules,
            size_mm,
            caption: caption.into(),
            alt: alt.into(),
        })
    }

    /// Dark runs per row as (row, first column, length), in modules.
    fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (y, row) in self.modules.iter().enumerate() {
            let mut x = 0;
            while x < row.len() {
                if row[x] {
                    let start = x;
                    while x < row.len() && row[x] {
                        x += 1;
                    }
                    out.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        out
    }

    const CAPTION_PT: f32 = 8.0;

    /// The code as an inline SVG (black runs on white, quiet zone kept),
    /// labelled with its alt text, for the HTML guide's printed sheet.
    pub fn svg(&self) -> String {
        use std::fmt::Write as _;
        let w = self.modules.len() + 2 * QUIET;
        let mut d = String::new();
        for (y, x, n) in self.runs() {
            let _ = write!(d, "M{} {}h{n}v1h-{n}z", x + QUIET, y + QUIET);
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {w} {w}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{w}\" height=\"{w}\" fill=\"#ffffff\"/><path d=\"{d}\" fill=\"#000000\"/></svg>",
            super::rich_html::escape(&self.alt)
        )
    }

    /// The caption under the code.
    pub fn caption(&self) -> &str {
        &self.caption
    }
}

impl Drawable for QrMark {
    fn height(&self, _width_mm: f32) -> f32 {
        let caption = if self.caption.is_empty() { 0.0 } else { 4.5 };
        self.size_mm + caption
    }

    fn draw(&self, ops: &mut Vec<Op>, origin: Point, width_mm: f32, fonts: &Fonts) {
        let n = self.modules.len() + 2 * QUIET;
        let m = pt(self.size_mm) / n as f32;
        let x0 = origin.x.0 + pt((width_mm - self.size_mm).max(0.0) / 2.0);
        let y0 = origin.y.0;
        ops.push(Op::SaveGraphicsState);
        fill(ops, 0.0, 0.0, 0.0);
        let rings = self
            .runs()
            .into_iter()
            .map(|(y, x, len)| {
                let l = x0 + (x + QUIET) as f32 * m;
                let r = l + len as f32 * m;
                let t = y0 - (y + QUIET) as f32 * m;
                let b = t - m;
                let p = |x: f32, y: f32| LinePoint {
                    p: Point { x: Pt(x), y: Pt(y) },
                    bezier: false,
                };
                PolygonRing {
                    points: vec![p(l, b), p(r, b), p(r, t), p(l, t)],
                }
            })
            .collect();
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        ops.push(Op::RestoreGraphicsState);
        if !self.caption.is_empty() {
            let size = Self::CAPTION_PT;
            let w = fonts.measure(Weight::Regular, &self.caption, size);
            let x = origin.x.0 + (pt(width_mm) - w).max(0.0) / 2.0;
            let baseline = y0 - pt(self.size_mm) - size * 1.05;
            fonts.text_ops(
                ops,
                x,
                baseline,
                &TextStyle::new(Weight::Regular, size),
                &self.caption,
            );
        }
    }

    fn alt(&self) -> Option<String> {
        Some(self.alt.clone())
    }
}

/// Several drawables side by side, top-aligned, each with a relative width.
pub struct Row(pub Vec<(f32, Arc<dyn Drawable>)>);

impl Row {
    /// Left edge and width of each column.
    fn cols(&self, width_mm: f32) -> Vec<(f32, f32)> {
        let total: f32 = self
            .0
            .iter()
            .map(|(w, _)| w.max(0.0))
            .sum::<f32>()
            .max(0.01);
        let mut x = 0.0;
        self.0
            .iter()
            .map(|(w, _)| {
                let cw = width_mm * w.max(0.0) / total;
                let c = (x, cw);
                x += cw;
                c
            })
            .collect()
    }
}

impl Drawable for Row {
    fn height(&self, width_mm: f32) -> f32 {
        self.cols(width_mm)
            .iter()
            .zip(&self.0)
            .map(|((_, w), (_, d))| d.height(*w))
            .fold(0.0, f32::max)
    }

    fn draw(&self, ops: &mut Vec<Op>, origin: Point, width_mm: f32, fonts: &Fonts) {
        for ((x, w), (_, d)) in self.cols(width_mm).iter().zip(&self.0) {
            let at = Point {
                x: Pt(origin.x.0 + pt(*x)),
                y: origin.y,
            };
            d.draw(ops, at, *w, fonts);
        }
    }

    fn images(&self, width_mm: f32) -> Vec<PlacedImage> {
        let mut out = Vec::new();
        for ((x, w), (_, d)) in self.cols(width_mm).iter().zip(&self.0) {
            for mut img in d.images(*w) {
                img.x_mm += x;
                out.push(img);
            }
        }
        out
    }

    fn alt(&self) -> Option<String> {
        let alts: Vec<String> = self.0.iter().filter_map(|(_, d)| d.alt()).collect();
        (!alts.is_empty()).then(|| alts.join(" / "))
    }
}

/// Short lines of text (contacts beside the QR codes), each wrapped to the
/// width where Japanese allows a break (never before 。、）」 and the like,
/// never after （「, never inside a run of Latin letters and digits).
pub struct TextLines {
    lines: Vec<(String, Weight, f32)>,
}

impl TextLines {
    /// Lines of (text, weight, size in points).
    pub fn new(lines: Vec<(String, Weight, f32)>) -> TextLines {
        TextLines { lines }
    }

    /// `text` broken into lines at most `width_pt` wide.
    fn wrap(fonts: &Fonts, text: &str, w: Weight, size: f32, width_pt: f32) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let mut end = chars.len();
            let measure = |a: usize, b: usize| {
                fonts.measure(w, &chars[a..b].iter().collect::<String>(), size)
            };
            if measure(start, end) > width_pt {
                // The longest fitting prefix, then back to a break opportunity.
                let mut fit = start + 1;
                while fit < chars.len() && measure(start, fit + 1) <= width_pt {
                    fit += 1;
                }
                let ok = |i: usize| {
                    let (a, b) = (chars[i - 1], chars[i]);
                    let joins = |c: char| matches!(c, ':' | ',' | '.' | '-');
                    let in_word = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
                    !in_word
                        && !joins(a)
                        && !joins(b)
                        && !pdf::no_line_start(b)
                        && !pdf::no_line_end(a)
                };
                end = (start + 1..=fit).rev().find(|&i| ok(i)).unwrap_or(fit);
            }
            out.push(chars[start..end].iter().collect());
            start = end;
        }
        out
    }
}

/// Lines `text` takes at `size_pt` in `width_mm`, estimated without the
/// font (full width 1 em, ASCII half; a tenth of the width spare for breaks).
fn rows_of(text: &str, size_pt: f32, width_mm: f32) -> usize {
    let em: f32 = text
        .chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum();
    let need = em * size_pt / 72.0 * 25.4;
    ((need / (width_mm * 0.9).max(1.0)).ceil() as usize).max(1)
}

impl Drawable for TextLines {
    fn height(&self, width_mm: f32) -> f32 {
        self.lines
            .iter()
            .map(|(t, _, size)| rows_of(t, *size, width_mm) as f32 * size * 1.45 / 72.0 * 25.4)
            .sum()
    }

    fn draw(&self, ops: &mut Vec<Op>, origin: Point, width_mm: f32, fonts: &Fonts) {
        let mut y = origin.y.0;
        for (t, w, size) in &self.lines {
            // Never more lines than reserved: the estimate is generous.
            let rows = rows_of(t, *size, width_mm);
            for l in Self::wrap(fonts, t, *w, *size, pt(width_mm))
                .into_iter()
                .take(rows)
            {
                y -= size * 1.1;
                fonts.text_ops(ops, origin.x.0, y, &TextStyle::new(*w, *size), &l);
                y -= size * 0.35;
            }
        }
    }

    fn alt(&self) -> Option<String> {
        Some(
            self.lines
                .iter()
                .map(|(t, _, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

/// The brand line of the guide's vendor as a block, if any branding is set.
pub fn brand_block(guide: &crate::eval::guide::Guide) -> Option<pdf::Block> {
    let t = &guide.strings;
    BrandLine::new(
        &guide.branding,
        t.get("vendor_label"),
        t.get("vendor_phone"),
        9.0,
    )
    .map(|b| pdf::Block::Custom(Arc::new(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_runs_cover_every_dark_module() {
        let q = QrMark::new("https://example.jp/", 30.0, "", "").unwrap();
        let dark: usize = q.modules.iter().flatten().filter(|d| **d).count();
        let covered: usize = q.runs().iter().map(|r| r.2).sum();
        assert_eq!(dark, covered);
        assert!(q.modules.len() >= 21);
    }
}
