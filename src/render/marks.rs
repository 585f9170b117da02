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
    modules: Vec<Vec<bool>>,
    /// Width of the code in millimetres (quiet zone included).
    pub size_mm: f32,
    caption: String,
    alt: String,
}

/// Modules of quiet zone around a code (the standard asks for 4).
const QUIET: usize = 4;

impl QrMark {
    /// The code of `data` (medium error correction), `size_mm` wide, or
    /// `None` when the data does not fit a QR code.
    pub fn new(data: &str, size_mm: f32, caption: &str, alt: &str) -> Option<QrMark> {
        let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
        let w = code.width();
        let colors = code.to_colors();
        let modules = (0..w)
            .map(|y| {
                (0..w)
                    .map(|x| colors[y * w + x] == qrcode::Color::Dark)
                    .collect()
            })
            .collect();
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

/// Several drawables side by side in equal columns, top-aligned.
pub struct Row(pub Vec<Arc<dyn Drawable>>);

impl Row {
    fn col(&self, width_mm: f32) -> f32 {
        width_mm / self.0.len().max(1) as f32
    }
}

impl Drawable for Row {
    fn height(&self, width_mm: f32) -> f32 {
        let w = self.col(width_mm);
        self.0.iter().map(|d| d.height(w)).fold(0.0, f32::max)
    }

    fn draw(&self, ops: &mut Vec<Op>, origin: Point, width_mm: f32, fonts: &Fonts) {
        let w = self.col(width_mm);
        for (i, d) in self.0.iter().enumerate() {
            let at = Point {
                x: Pt(origin.x.0 + pt(w * i as f32)),
                y: origin.y,
            };
            d.draw(ops, at, w, fonts);
        }
    }

    fn images(&self, width_mm: f32) -> Vec<PlacedImage> {
        let w = self.col(width_mm);
        let mut out = Vec::new();
        for (i, d) in self.0.iter().enumerate() {
            for mut img in d.images(w) {
                img.x_mm += w * i as f32;
                out.push(img);
            }
        }
        out
    }

    fn alt(&self) -> Option<String> {
        let alts: Vec<String> = self.0.iter().filter_map(|d| d.alt()).collect();
        (!alts.is_empty()).then(|| alts.join(" / "))
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
