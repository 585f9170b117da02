//! Small printed pieces shared by the handout and the sheet: the vendor's
//! brand line (logo, name, support phone), QR codes drawn as vector squares,
//! rows of them and short lines of text. Each is a [`Drawable`] that lays
//! itself out as a frame of the display list (in points), placed on the
//! page by the PDF engine like a picture.

use super::frame::{Frame, Item, Rgb};
use super::pdf::{self, Drawable, Fonts, FramePlacement, Measure, Weight};
use crate::branding::Branding;
use std::sync::Arc;

fn pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

/// Colour of the text of these pieces.
const INK: Rgb = Rgb::hex(0x222222);

/// A frame in points, `width_mm` wide and `height_mm` tall, placed at the
/// left of its area.
fn placed(width_mm: f32, height_mm: f32, items: Vec<Item>) -> FramePlacement {
    FramePlacement {
        frame: Arc::new(Frame {
            width: pt(width_mm),
            height: pt(height_mm),
            items,
        }),
        x_mm: 0.0,
        width_mm,
    }
}

/// One line of `text` set from `x` on the baseline `y` (points).
fn line(fonts: &Fonts, text: &str, w: Weight, size: f32, (x, y): (f32, f32)) -> Item {
    Item::Glyphs {
        tag: 0,
        class: "",
        y,
        size,
        weight: w,
        color: INK,
        glyphs: Measure::new(fonts).glyphs(text, size, w == Weight::Bold, x, false),
    }
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
    /// `phone_label` ("サポート窓口"), its parts apart by `gap` (the theme's
    /// `gap`); `None` when nothing is set.
    pub fn new(
        b: &Branding,
        label: &str,
        phone_label: &str,
        gap: &str,
        height_mm: f32,
    ) -> Option<BrandLine> {
        if b.is_empty() {
            return None;
        }
        let mut text = Vec::new();
        if !label.is_empty() && (b.name.is_some() || b.phone.is_some()) {
            text.push((format!("{label}{gap}"), Weight::Regular));
        }
        if let Some(n) = &b.name {
            text.push((n.clone(), Weight::Bold));
        }
        if let Some(p) = &b.phone {
            text.push((format!("{gap}{phone_label} {p}"), Weight::Regular));
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
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        let mut items = Vec::new();
        let mut x = 0.0;
        if let Some(png) = &self.logo {
            let w = self.logo_width(width_mm);
            let h = w * self.aspect;
            items.push(Item::Image {
                x: 0.0,
                y: pt((self.height_mm - h) / 2.0),
                w: pt(w),
                h: pt(h),
                png: png.clone(),
            });
            x += pt(w + 3.0);
        }
        let size = 9.5f32;
        let baseline = pt(self.height_mm / 2.0) + size * 0.35;
        for (t, w) in &self.text {
            items.push(line(fonts, t, *w, size, (x, baseline)));
            x += fonts.measure(*w, t, size);
        }
        placed(width_mm, self.height_mm, items)
    }

    fn alt(&self) -> Option<String> {
        Some(self.alt.clone())
    }
}

/// A QR code drawn as filled squares (no raster), with its quiet zone, and
/// a caption line under it.
pub struct QrMark {
    code: Arc<Code>,
    /// Width of the code in millimetres (quiet zone included).
    pub size_mm: f32,
    caption: String,
    alt: String,
}

/// A QR code's modules and what is drawn from them alone.
struct Code {
    /// The dark modules, row by row.
    modules: Vec<Vec<bool>>,
    /// Dark runs per row as (row, first column, length), in modules.
    runs: Vec<(usize, usize, usize)>,
    /// The runs as SVG path data, quiet zone included.
    path: String,
}

/// The QR code of `data`. Every sheet of a batch carries the same portal
/// address, and choosing a code's mask costs more than drawing the sheet,
/// so the last few codes are kept per process (only for identical data:
/// nothing of one clinic reaches another's sheet).
fn qr_code(data: &str) -> Option<Arc<Code>> {
    type Kept = Vec<(String, Arc<Code>)>;
    static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Vec::new());
    const KEEP: usize = 8;
    let lock = || KEPT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, m)) = lock().iter().find(|(d, _)| d == data) {
        return Some(m.clone());
    }
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let modules: Vec<Vec<bool>> = (0..w)
        .map(|y| {
            (0..w)
                .map(|x| colors[y * w + x] == qrcode::Color::Dark)
                .collect()
        })
        .collect();
    let runs = runs(&modules);
    let mut path = String::new();
    for (y, x, n) in &runs {
        use std::fmt::Write as _;
        let _ = write!(path, "M{} {}h{n}v1h-{n}z", x + QUIET, y + QUIET);
    }
    let code = Arc::new(Code {
        modules,
        runs,
        path,
    });
    let mut kept = lock();
    if kept.len() >= KEEP {
        kept.remove(0);
    }
    kept.push((data.to_string(), code.clone()));
    Some(code)
}

/// Dark runs per row of `modules` as (row, first column, length).
fn runs(modules: &[Vec<bool>]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (y, row) in modules.iter().enumerate() {
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

/// Modules of quiet zone around a code (the standard asks for 4).
const QUIET: usize = 4;

impl QrMark {
    /// The code of `data` (medium error correction), `size_mm` wide, or
    /// `None` when the data does not fit a QR code.
    pub fn new(data: &str, size_mm: f32, caption: &str, alt: &str) -> Option<QrMark> {
        let code = qr_code(data)?;
        Some(QrMark {
            code,
            size_mm,
            caption: caption.into(),
            alt: alt.into(),
        })
    }

    /// Dark runs per row as (row, first column, length), in modules.
    fn runs(&self) -> &[(usize, usize, usize)] {
        &self.code.runs
    }

    const CAPTION_PT: f32 = 8.0;

    /// The code as an inline SVG (black runs on white, quiet zone kept),
    /// labelled with its alt text, for the HTML guide's printed sheet.
    pub fn svg(&self) -> String {
        let w = self.code.modules.len() + 2 * QUIET;
        let d = &self.code.path;
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
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        let n = self.code.modules.len() + 2 * QUIET;
        let m = pt(self.size_mm) / n as f32;
        let x0 = pt((width_mm - self.size_mm).max(0.0) / 2.0);
        // Every dark run one ring of one filled path: no seams between them.
        let rings = self
            .runs()
            .iter()
            .map(|&(y, x, len)| {
                let l = x0 + (x + QUIET) as f32 * m;
                let r = l + len as f32 * m;
                let t = (y + QUIET) as f32 * m;
                let b = t + m;
                vec![(l, b), (r, b), (r, t), (l, t)]
            })
            .collect();
        let mut items = vec![Item::Path {
            class: "qr",
            rings,
            closed: true,
            fill: Some(Rgb(0.0, 0.0, 0.0)),
            stroke: None,
        }];
        if !self.caption.is_empty() {
            let size = Self::CAPTION_PT;
            let w = fonts.measure(Weight::Regular, &self.caption, size);
            let x = (pt(width_mm) - w).max(0.0) / 2.0;
            let baseline = pt(self.size_mm) + size * 1.05;
            items.push(line(
                fonts,
                &self.caption,
                Weight::Regular,
                size,
                (x, baseline),
            ));
        }
        let caption = if self.caption.is_empty() { 0.0 } else { 4.5 };
        placed(width_mm, self.size_mm + caption, items)
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
    /// The columns' frames side by side, top-aligned.
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        let mut items = Vec::new();
        let mut height = 0.0f32;
        for ((x, w), (_, d)) in self.cols(width_mm).iter().zip(&self.0) {
            let p = d.frame(*w, fonts);
            let scale = if p.frame.width > 0.0 {
                pt(p.width_mm) / p.frame.width
            } else {
                0.0
            };
            height = height.max(p.frame.height * scale);
            items.push(Item::Group {
                tag: 0,
                x: pt(x + p.x_mm),
                y: 0.0,
                scale,
                frame: p.frame,
            });
        }
        placed(width_mm, height * 25.4 / 72.0, items)
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
    /// Continuation lines start under the text after the first occurrence
    /// of this in their line (a hanging indent), when that leaves 40 % of
    /// the width.
    hang_after: Option<String>,
}

impl TextLines {
    /// Lines of (text, weight, size in points).
    pub fn new(lines: Vec<(String, Weight, f32)>) -> TextLines {
        TextLines {
            lines,
            hang_after: None,
        }
    }

    /// The same, a line too long for the width going on under its text
    /// after `sep` (「2026年12月6日（日）　電子証明書発行通知書が届く」 and
    /// 「見込み」 under 電子, not under the date).
    pub fn hanging_after(mut self, sep: &str) -> TextLines {
        self.hang_after = (!sep.is_empty()).then(|| sep.to_string());
        self
    }

    /// `text` broken into lines at most `width_pt` wide, by the engine's
    /// one line breaker (JLREQ; Latin words, numbers and addresses whole).
    fn wrap(fonts: &Fonts, text: &str, w: Weight, size: f32, width_pt: f32) -> Vec<String> {
        pdf::Measure::new(fonts).wrap_in(text, size, width_pt, w == Weight::Bold)
    }

    /// `text`'s lines with the x (pt) each starts at: continuation lines
    /// after the hang, when there is one.
    fn lines_of(
        &self,
        fonts: &Fonts,
        text: &str,
        w: Weight,
        size: f32,
        width_pt: f32,
    ) -> Vec<(f32, String)> {
        let lines = Self::wrap(fonts, text, w, size, width_pt);
        let hang = self.hang_after.as_deref().and_then(|sep| {
            let at = text.find(sep)? + sep.len();
            let hang = pdf::Measure::new(fonts).width_in(&text[..at], size, w == Weight::Bold);
            (hang < width_pt * 0.6).then_some(hang)
        });
        let (Some(hang), [first, _, ..]) = (hang, lines.as_slice()) else {
            return lines.into_iter().map(|l| (0.0, l)).collect();
        };
        // The broken lines hold no invisible character (a WORD JOINER
        // between the words of a problem): the first line is matched
        // without them.
        let Some(rest) = strip_visible_prefix(text, first) else {
            return lines.into_iter().map(|l| (0.0, l)).collect();
        };
        std::iter::once((0.0, first.clone()))
            .chain(
                Self::wrap(fonts, rest.trim_start(), w, size, width_pt - hang)
                    .into_iter()
                    .map(|l| (hang, l)),
            )
            .collect()
    }
}

/// `text` after the characters of `prefix`, invisible characters of `text`
/// (`pdf::fonts::is_invisible`) skipped; `None` when `text` does not start so.
fn strip_visible_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let mut want = prefix.chars().peekable();
    for (i, c) in text.char_indices() {
        match want.peek() {
            None => return Some(&text[i..]),
            Some(&w) if w == c => {
                want.next();
            }
            Some(_) if pdf::fonts::is_invisible(c) => {}
            Some(_) => return None,
        }
    }
    want.peek().is_none().then_some("")
}

impl Drawable for TextLines {
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        let mut items = Vec::new();
        let mut y = 0.0;
        for (t, w, size) in &self.lines {
            for (x, l) in self.lines_of(fonts, t, *w, *size, pt(width_mm)) {
                y += size * 1.1;
                items.push(line(fonts, &l, *w, *size, (x, y)));
                y += size * 0.35;
            }
        }
        placed(width_mm, y * 25.4 / 72.0, items)
    }

    fn alt(&self) -> Option<String> {
        Some(
            self.lines
                .iter()
                .map(|(t, _, _)| t.replace(pdf::fonts::is_invisible, ""))
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
        t.get("gap"),
        9.0,
    )
    .map(|b| pdf::Block::Custom(Arc::new(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_too_long_for_its_line_goes_on_under_its_event() {
        // The sheet set beside its contacts (ｻﾝｺﾞｼｮｳ薬局, ten terminals): 「見込み」
        // of 「2026年12月6日（日）　電子証明書発行通知書が届く見込み」 went on
        // under the dates, at the column's left edge.
        let fonts = crate::render::pdf::test_fonts();
        let text =
            "2026年12月6日（日）　電子証明書発行通知書が届く見込み（未申請の端末を申請した場合）";
        let lines = TextLines::new(vec![(text.into(), Weight::Regular, 9.0)]).hanging_after("　");
        let set = lines.lines_of(fonts, text, Weight::Regular, 9.0, 227.0);
        assert!(set.len() > 1, "{set:?}");
        let hang = Measure::new(fonts).width("2026年12月6日（日）　", 9.0);
        assert_eq!(set[0].0, 0.0);
        assert!(set[1..].iter().all(|(x, _)| *x == hang), "{set:?}");
        let words: String = set.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(words, text);
        // Without a hang (the contacts), every line at the left edge.
        let plain = TextLines::new(vec![]);
        assert!(
            plain
                .lines_of(fonts, text, Weight::Regular, 9.0, 227.0)
                .iter()
                .all(|(x, _)| *x == 0.0)
        );
    }

    #[test]
    fn a_hang_after_a_gap_of_several_characters_starts_after_all_of_them() {
        // An English theme's `gap` (「 – 」): the schedule's event goes on
        // under its first word, after the whole gap.
        let fonts = crate::render::pdf::test_fonts();
        let text =
            "Fri 4 December 2026 – The certificate notice should arrive by post at the clinic";
        let lines = TextLines::new(vec![]).hanging_after(" – ");
        let set = lines.lines_of(fonts, text, Weight::Regular, 9.0, 200.0);
        assert!(set.len() > 1, "{set:?}");
        let hang = Measure::new(fonts).width("Fri 4 December 2026 – ", 9.0);
        assert!(set[1..].iter().all(|(x, _)| *x == hang), "{set:?}");
        // No gap in the line: no hang.
        let none = lines.lines_of(
            fonts,
            "word ".repeat(30).trim(),
            Weight::Regular,
            9.0,
            200.0,
        );
        assert!(none.iter().all(|(x, _)| *x == 0.0), "{none:?}");
    }

    #[test]
    fn qr_runs_cover_every_dark_module() {
        let q = QrMark::new("https://example.jp/", 30.0, "", "").unwrap();
        let dark: usize = q.code.modules.iter().flatten().filter(|d| **d).count();
        let covered: usize = q.runs().iter().map(|r| r.2).sum();
        assert_eq!(dark, covered);
        assert!(q.code.modules.len() >= 21);
    }
}
