//! Content streams: printpdf operations → compact PDF content-stream bytes.
//!
//! The engine and the drawings it hosts describe pages as printpdf [`Op`]s;
//! this encoder writes them the short way (they are most of a handout after
//! the fonts):
//!
//! * numbers in fixed point with only the digits that matter (1/100 pt for
//!   coordinates, 1/1000 for colour components), no trailing zeros, no
//!   leading `0` (`.5`), integers where possible;
//! * colours as entries of one `/Indexed` palette per document (`5 sc`
//!   instead of `.122 .306 .475 rg`; exact for 8-bit sRGB colours), device
//!   colours (`g` for greys) only for anything else;
//! * graphics and text state tracked across `q`/`Q`, so a colour, line width,
//!   dash, cap, join or font that is already in force is not set again;
//! * consecutive text sections merged into one `BT … ET` (`ET` is held back
//!   until something that cannot live inside a text object comes);
//! * text positioned with `Td` relative to the previous line where the text
//!   matrix allows it, and only when something is shown;
//! * glyph runs as one hex string (`<00120034>Tj`), kerning only where needed;
//! * zero-length lines and the redundant last edge of closed paths dropped,
//!   closing folded into the painting operator (`f`, `s`, `b`);
//! * consecutive stroked lines in the same state as one path with one `S`;
//! * character spacing (`Tc`) tracked, so justified lines need no kerning.
//!
//! Link annotations are collected for the page dictionary; raster images are
//! drawn with `Do` through names the caller resolves.

use printpdf::{
    Color, DictItem, FontId, LineCapStyle, LineJoinStyle, LinePoint, LinkAnnotation, Op, PaintMode,
    PdfFontHandle, TextItem, WindingOrder, XObjectId,
};

/// Decimals of coordinates (1/100 pt). One decimal would save about 1 KB
/// per handout, but rasterisers that snap rectangles to the pixel grid then
/// move some edges by a pixel on screen.
const COORD: u32 = 2;
/// Decimals of text positions (and of where a `cm` puts a drawing).
const TEXT_POS: u32 = 2;
/// Decimals of line widths, dash lengths and font sizes.
const SIZE: u32 = 2;
/// Decimals of colour components (finer than 8-bit steps of 1/255).
const COLOUR: u32 = 3;
/// Decimals of the linear part of `cm`/`Tm` matrices.
const MATRIX: u32 = 5;
/// Decimals of character spacing (it adds up over a line).
const SPACING: u32 = 5;

/// What a page's operations became.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    /// The content stream (not yet compressed).
    pub bytes: Vec<u8>,
    /// Link annotations met on the way, in order.
    pub links: Vec<LinkAnnotation>,
    /// Names of operations that have no PDF form here and were skipped.
    pub skipped: Vec<&'static str>,
}

/// Resolves resources named in operations.
pub(crate) trait Resources {
    /// Resource name (without `/`) of a font.
    fn font(&self, id: &FontId) -> Option<&str>;
    /// Resource name (without `/`) and pixel size of an image.
    fn image(&self, id: &XObjectId) -> Option<(&str, u32, u32)>;
}

/// Writes `v` in fixed point with at most `decimals` decimals.
pub(crate) fn num(out: &mut Vec<u8>, v: f64, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let n = if v.is_finite() {
        (v * scale as f64).round().clamp(-9e15, 9e15) as i64
    } else {
        0
    };
    fixed(out, n, decimals);
}

/// Writes `n / 10^decimals`.
fn fixed(out: &mut Vec<u8>, n: i64, decimals: u32) {
    if n < 0 {
        out.push(b'-');
    }
    let a = n.unsigned_abs();
    let scale = 10u64.pow(decimals);
    let (int, mut frac) = (a / scale, a % scale);
    if int != 0 || frac == 0 {
        int_to(out, int);
    }
    if frac != 0 {
        out.push(b'.');
        let mut digits = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let mut buf = [b'0'; 20];
        let mut i = digits as usize;
        while i > 0 {
            i -= 1;
            buf[i] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&buf[..digits as usize]);
    }
}

fn int_to(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A value in fixed point (`value * 10^decimals`), for exact comparisons.
fn q(v: f32, decimals: u32) -> i64 {
    let scale = 10f64.powi(decimals as i32);
    if v.is_finite() {
        (f64::from(v) * scale).round().clamp(-9e15, 9e15) as i64
    } else {
        0
    }
}

/// The document's colours as one `/Indexed` colour space: setting a colour
/// is then `5 sc` instead of `.122 .306 .475 rg`. Only colours that are
/// exact 8-bit sRGB values (all of the handout's) go in, up to 256; any other
/// is written as device colour.
#[derive(Debug, Default)]
pub(crate) struct Palette {
    colours: Vec<[u8; 3]>,
}

impl Palette {
    /// Resource name of the colour space.
    pub(crate) const NAME: &'static str = "P";

    fn index(&mut self, c: [u8; 3]) -> Option<u8> {
        if let Some(i) = self.colours.iter().position(|x| *x == c) {
            return u8::try_from(i).ok();
        }
        if self.colours.len() >= 256 {
            return None;
        }
        self.colours.push(c);
        u8::try_from(self.colours.len() - 1).ok()
    }

    /// The highest index and the lookup table of the `/Indexed` colour
    /// space, or `None` if no colour went in.
    pub(crate) fn lookup(&self) -> Option<(i32, Vec<u8>)> {
        if self.colours.is_empty() {
            return None;
        }
        Some((
            self.colours.len() as i32 - 1,
            self.colours.iter().flatten().copied().collect(),
        ))
    }
}

/// An 8-bit value if `v` (0–1) is one, allowing for the 1/1000 rounding
/// colours went through.
fn byte_of(v: f32) -> Option<u8> {
    let x = f64::from(v.clamp(0.0, 1.0)) * 255.0;
    let r = x.round();
    ((x - r).abs() < 0.15).then_some(r as u8)
}

/// A colour quantised to what is written.
#[derive(Debug, Clone, PartialEq)]
enum Col {
    /// An entry of the [`Palette`].
    Idx(u8),
    Gray(i64),
    Rgb(i64, i64, i64),
    Cmyk(i64, i64, i64, i64),
}

impl Col {
    fn of(c: &Color, palette: &mut Palette) -> Col {
        let k = |v: f32| q(v.clamp(0.0, 1.0), COLOUR);
        let rgb8 = match c {
            Color::Rgb(c) => byte_of(c.r).zip(byte_of(c.g)).zip(byte_of(c.b)),
            Color::Greyscale(g) => byte_of(g.percent).map(|v| ((v, v), v)),
            _ => None,
        };
        if let Some(((r, g), b)) = rgb8
            && let Some(i) = palette.index([r, g, b])
        {
            return Col::Idx(i);
        }
        match c {
            Color::Rgb(c) => {
                let (r, g, b) = (k(c.r), k(c.g), k(c.b));
                if r == g && g == b {
                    Col::Gray(r)
                } else {
                    Col::Rgb(r, g, b)
                }
            }
            Color::Greyscale(g) => Col::Gray(k(g.percent)),
            Color::Cmyk(c) => Col::Cmyk(k(c.c), k(c.m), k(c.y), k(c.k)),
            Color::SpotColor(c) => Col::Cmyk(k(c.c), k(c.m), k(c.y), k(c.k)),
        }
    }
}

/// Graphics state that operators set; `None` is "unknown" (always written).
#[derive(Debug, Clone, PartialEq)]
struct State {
    fill: Option<Col>,
    stroke: Option<Col>,
    /// Whether the fill / stroke colour space is the palette.
    fill_indexed: Option<bool>,
    stroke_indexed: Option<bool>,
    width: Option<i64>,
    dash: Option<(Vec<i64>, i64)>,
    cap: Option<i64>,
    join: Option<i64>,
    miter: Option<i64>,
    /// Font resource name and size.
    font: Option<(String, i64)>,
    char_spacing: Option<i64>,
}

impl State {
    const UNKNOWN: State = State {
        fill: None,
        stroke: None,
        fill_indexed: None,
        stroke_indexed: None,
        width: None,
        dash: None,
        cap: None,
        join: None,
        miter: None,
        font: None,
        char_spacing: None,
    };

    /// The state at the start of a page.
    fn initial() -> State {
        State {
            fill: Some(Col::Gray(0)),
            stroke: Some(Col::Gray(0)),
            fill_indexed: Some(false),
            stroke_indexed: Some(false),
            width: Some(q(1.0, SIZE)),
            dash: Some((Vec::new(), 0)),
            cap: Some(0),
            join: Some(0),
            miter: Some(q(10.0, SIZE)),
            font: None,
            char_spacing: Some(0),
        }
    }
}

/// A text matrix as written: linear part and translation in 1/100 pt.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TextPos {
    lin: [i64; 4],
    e: i64,
    f: i64,
}

impl TextPos {
    const ORIGIN: TextPos = TextPos {
        lin: [100_000, 0, 0, 100_000],
        e: 0,
        f: 0,
    };

    fn of(m: [f32; 6]) -> TextPos {
        TextPos {
            lin: [
                q(m[0], MATRIX),
                q(m[1], MATRIX),
                q(m[2], MATRIX),
                q(m[3], MATRIX),
            ],
            e: q(m[4], TEXT_POS),
            f: q(m[5], TEXT_POS),
        }
    }
}

struct Encoder<'a> {
    out: Vec<u8>,
    res: &'a dyn Resources,
    palette: &'a mut Palette,
    st: State,
    stack: Vec<State>,
    /// Inside a text object as written.
    in_text: bool,
    /// An `ET` was asked for and is held back.
    pending_et: bool,
    /// The line matrix as written (valid inside a text object).
    real: TextPos,
    /// The line matrix the operations asked for.
    want: TextPos,
    /// A positioning operation came since the last show.
    moved: bool,
    /// Current point of the path being built (in written units).
    cur: Option<(i64, i64)>,
    /// A stroked open path whose `S` is held back: the next open line with
    /// the same state joins the path as another subpath.
    pending_stroke: bool,
    links: Vec<LinkAnnotation>,
    skipped: Vec<&'static str>,
}

/// Encodes one page's operations; colours go into `palette` (shared by
/// the pages of a document, named [`Palette::NAME`] in their resources).
pub(crate) fn encode(ops: &[Op], res: &dyn Resources, palette: &mut Palette) -> Encoded {
    let mut e = Encoder {
        out: Vec::with_capacity(ops.len() * 24),
        res,
        palette,
        st: State::initial(),
        stack: Vec::new(),
        in_text: false,
        pending_et: false,
        real: TextPos::ORIGIN,
        want: TextPos::ORIGIN,
        moved: false,
        cur: None,
        pending_stroke: false,
        links: Vec::new(),
        skipped: Vec::new(),
    };
    for op in ops {
        if !matches!(op, Op::DrawLine { line } if !line.is_closed) {
            e.flush_stroke();
        }
        e.op(op);
    }
    e.flush_stroke();
    e.flush_et();
    Encoded {
        bytes: e.out,
        links: e.links,
        skipped: e.skipped,
    }
}

impl Encoder<'_> {
    fn sep(&mut self) {
        if let Some(&b) = self.out.last()
            && !matches!(b, b'\n' | b' ' | b'[' | b']' | b'<' | b'>' | b'(' | b')')
        {
            self.out.push(b' ');
        }
    }

    fn n(&mut self, v: f64, decimals: u32) {
        self.sep();
        num(&mut self.out, v, decimals);
    }

    fn fx(&mut self, v: i64, decimals: u32) {
        self.sep();
        fixed(&mut self.out, v, decimals);
    }

    fn operator(&mut self, name: &str) {
        self.sep();
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'\n');
    }

    fn name(&mut self, name: &str) {
        self.out.push(b'/');
        self.out.extend_from_slice(name.as_bytes());
    }

    /// Paints the held-back stroked path.
    fn flush_stroke(&mut self) {
        if self.pending_stroke {
            self.pending_stroke = false;
            self.operator("S");
        }
    }

    /// Writes the held-back `ET`, before an operator that cannot appear in a
    /// text object.
    fn flush_et(&mut self) {
        if self.pending_et {
            self.pending_et = false;
            self.in_text = false;
            self.operator("ET");
        }
    }

    fn col(&mut self, c: &Col, stroke: bool) {
        let indexed = if stroke {
            &mut self.st.stroke_indexed
        } else {
            &mut self.st.fill_indexed
        };
        let want = matches!(c, Col::Idx(_));
        let switch = *indexed != Some(true) && want;
        *indexed = Some(want);
        if switch {
            self.sep();
            self.name(Palette::NAME);
            self.operator(if stroke { "CS" } else { "cs" });
        }
        match c {
            Col::Idx(i) => {
                self.fx(i64::from(*i), 0);
                self.operator(if stroke { "SC" } else { "sc" });
            }
            Col::Gray(v) => {
                self.fx(*v, COLOUR);
                self.operator(if stroke { "G" } else { "g" });
            }
            Col::Rgb(r, g, b) => {
                for v in [r, g, b] {
                    self.fx(*v, COLOUR);
                }
                self.operator(if stroke { "RG" } else { "rg" });
            }
            Col::Cmyk(c, m, y, k) => {
                for v in [c, m, y, k] {
                    self.fx(*v, COLOUR);
                }
                self.operator(if stroke { "K" } else { "k" });
            }
        }
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::SaveGraphicsState => {
                self.flush_et();
                self.stack.push(self.st.clone());
                self.operator("q");
            }
            Op::RestoreGraphicsState => {
                self.flush_et();
                // An unbalanced `Q` restores something unknown.
                self.st = self.stack.pop().unwrap_or(State::UNKNOWN);
                self.operator("Q");
            }
            Op::StartTextSection => {
                if self.pending_et {
                    // Merge with the previous text object. BT would reset
                    // the text matrix; the operations expect that.
                    self.pending_et = false;
                } else {
                    self.operator("BT");
                    self.in_text = true;
                    self.real = TextPos::ORIGIN;
                }
                self.want = TextPos::ORIGIN;
                self.moved = true;
            }
            Op::EndTextSection => {
                if self.in_text {
                    self.pending_et = true;
                }
            }
            Op::SetFillColor { col } => {
                let c = Col::of(col, self.palette);
                if self.st.fill.as_ref() != Some(&c) {
                    self.col(&c, false);
                    self.st.fill = Some(c);
                }
            }
            Op::SetOutlineColor { col } => {
                let c = Col::of(col, self.palette);
                if self.st.stroke.as_ref() != Some(&c) {
                    self.col(&c, true);
                    self.st.stroke = Some(c);
                }
            }
            Op::SetOutlineThickness { pt } => {
                let w = q(pt.0.max(0.0), SIZE);
                if self.st.width != Some(w) {
                    self.fx(w, SIZE);
                    self.operator("w");
                    self.st.width = Some(w);
                }
            }
            Op::SetLineDashPattern { dash } => {
                let d = (
                    dash.pattern.iter().map(|v| q(*v, SIZE)).collect::<Vec<_>>(),
                    q(dash.offset, SIZE),
                );
                if self.st.dash.as_ref() != Some(&d) {
                    self.sep();
                    self.out.push(b'[');
                    for (i, v) in d.0.iter().enumerate() {
                        if i > 0 {
                            self.out.push(b' ');
                        }
                        fixed(&mut self.out, *v, SIZE);
                    }
                    self.out.push(b']');
                    self.fx(d.1, SIZE);
                    self.operator("d");
                    self.st.dash = Some(d);
                }
            }
            Op::SetLineCapStyle { cap } => {
                let id = cap_id(cap);
                if self.st.cap != Some(id) {
                    self.fx(id, 0);
                    self.operator("J");
                    self.st.cap = Some(id);
                }
            }
            Op::SetLineJoinStyle { join } => {
                let id = join_id(join);
                if self.st.join != Some(id) {
                    self.fx(id, 0);
                    self.operator("j");
                    self.st.join = Some(id);
                }
            }
            Op::SetMiterLimit { limit } => {
                let m = q(limit.0, SIZE);
                if self.st.miter != Some(m) {
                    self.fx(m, SIZE);
                    self.operator("M");
                    self.st.miter = Some(m);
                }
            }
            Op::SetFont { font, size } => {
                let PdfFontHandle::External(id) = font else {
                    self.skipped.push("built-in font");
                    return;
                };
                let Some(name) = self.res.font(id) else {
                    self.skipped.push("unknown font");
                    return;
                };
                let f = (name.to_string(), q(size.0, SIZE));
                if self.st.font.as_ref() != Some(&f) {
                    self.sep();
                    self.name(name);
                    self.fx(f.1, SIZE);
                    self.operator("Tf");
                    self.st.font = Some(f);
                }
            }
            Op::SetCharacterSpacing { multiplier } => {
                let c = q(*multiplier, SPACING);
                if self.st.char_spacing != Some(c) {
                    self.fx(c, SPACING);
                    self.operator("Tc");
                    self.st.char_spacing = Some(c);
                }
            }
            Op::SetTextMatrix { matrix } => {
                self.want = TextPos::of(matrix.as_array());
                self.moved = true;
            }
            Op::SetTextCursor { pos } => {
                // Td: relative to the line matrix.
                let w = &mut self.want;
                let (a, b, c, d) = (
                    w.lin[0] as f64 / 1e5,
                    w.lin[1] as f64 / 1e5,
                    w.lin[2] as f64 / 1e5,
                    w.lin[3] as f64 / 1e5,
                );
                let (tx, ty) = (f64::from(pos.x.0), f64::from(pos.y.0));
                let scale = 10f64.powi(TEXT_POS as i32);
                w.e += ((a * tx + c * ty) * scale).round() as i64;
                w.f += ((b * tx + d * ty) * scale).round() as i64;
                self.moved = true;
            }
            Op::ShowText { items } => self.show(items),
            Op::DrawLine { line } => {
                self.flush_et();
                self.path(&line.points, line.is_closed);
                if line.is_closed {
                    self.operator("s");
                } else {
                    self.pending_stroke = true;
                }
            }
            Op::DrawPolygon { polygon } => {
                self.flush_et();
                let n = polygon.rings.len();
                for (i, ring) in polygon.rings.iter().enumerate() {
                    self.path(&ring.points, true);
                    let stroked = matches!(polygon.mode, PaintMode::Stroke | PaintMode::FillStroke);
                    if i + 1 < n && stroked {
                        self.operator("h");
                    }
                }
                let eo = matches!(polygon.winding_order, WindingOrder::EvenOdd);
                self.operator(match (polygon.mode, eo) {
                    (PaintMode::Fill, false) => "f",
                    (PaintMode::Fill, true) => "f*",
                    (PaintMode::Stroke, _) => "s",
                    (PaintMode::FillStroke, false) => "b",
                    (PaintMode::FillStroke, true) => "b*",
                    (PaintMode::Clip, false) => "W n",
                    (PaintMode::Clip, true) => "W* n",
                });
            }
            Op::DrawRectangle { rectangle: r } => {
                self.flush_et();
                // Round the corners, not the size, so that rectangles that
                // touch still touch.
                let (x0, y0) = (q(r.x.0, COORD), q(r.y.0, COORD));
                let (x1, y1) = (q(r.x.0 + r.width.0, COORD), q(r.y.0 + r.height.0, COORD));
                for v in [x0, y0, x1 - x0, y1 - y0] {
                    self.fx(v, COORD);
                }
                self.operator("re");
                let eo = matches!(r.winding_order, Some(WindingOrder::EvenOdd));
                self.operator(match (r.mode.unwrap_or(PaintMode::Fill), eo) {
                    (PaintMode::Fill, false) => "f",
                    (PaintMode::Fill, true) => "f*",
                    (PaintMode::Stroke, _) => "S",
                    (PaintMode::FillStroke, false) => "B",
                    (PaintMode::FillStroke, true) => "B*",
                    (PaintMode::Clip, false) => "W n",
                    (PaintMode::Clip, true) => "W* n",
                });
            }
            Op::SetTransformationMatrix { matrix } => {
                self.flush_et();
                let m = matrix.as_array();
                self.matrix(m);
                self.operator("cm");
                // Widths and dashes are in user space: same numbers, but
                // keep tracking them (they are not changed by `cm`).
            }
            Op::UseXobject { id, transform } => {
                self.flush_et();
                let Some((name, pw, ph)) = self.res.image(id) else {
                    self.skipped.push("unknown XObject");
                    return;
                };
                let name = name.to_string();
                let plain = transform.translate_x.is_none()
                    && transform.translate_y.is_none()
                    && transform.scale_x.is_none()
                    && transform.scale_y.is_none()
                    && transform.dpi.is_none()
                    && transform.rotate.is_none();
                if plain {
                    self.sep();
                    self.name(&name);
                    self.operator("Do");
                } else {
                    if transform.rotate.is_some() {
                        self.skipped.push("image rotation");
                    }
                    // printpdf's reading: pixels at `dpi` (default 300),
                    // scaled, then translated.
                    let dpi = transform.dpi.unwrap_or(300.0).max(1e-3);
                    let w = pw as f32 * 72.0 / dpi * transform.scale_x.unwrap_or(1.0);
                    let h = ph as f32 * 72.0 / dpi * transform.scale_y.unwrap_or(1.0);
                    let tx = transform.translate_x.map_or(0.0, |p| p.0);
                    let ty = transform.translate_y.map_or(0.0, |p| p.0);
                    self.operator("q");
                    self.matrix([w, 0.0, 0.0, h, tx, ty]);
                    self.operator("cm");
                    self.sep();
                    self.name(&name);
                    self.operator("Do");
                    self.operator("Q");
                }
            }
            Op::LinkAnnotation { link } => self.links.push(link.clone()),
            Op::BeginMarkedContent { tag } => {
                if !self.in_text || self.pending_et {
                    self.flush_et();
                }
                self.sep();
                self.name(tag);
                self.operator("BMC");
            }
            Op::BeginMarkedContentWithProperties { tag, properties } => {
                // Marked content opened outside text must not start inside
                // a text object whose `ET` was held back.
                if !self.in_text || self.pending_et {
                    self.flush_et();
                }
                self.sep();
                self.name(tag);
                match properties {
                    // An integer stands for the marked-content id.
                    DictItem::Int(mcid) => {
                        self.out.extend_from_slice(b"<</MCID ");
                        int_to(&mut self.out, (*mcid).max(0) as u64);
                        self.out.extend_from_slice(b">>");
                    }
                    _ => self.out.extend_from_slice(b"<<>>"),
                }
                self.operator("BDC");
            }
            Op::EndMarkedContent => self.operator("EMC"),
            Op::SetTextRenderingMode { mode } => {
                self.fx(mode.id(), 0);
                self.operator("Tr");
            }
            Op::SetWordSpacing { pt } => {
                self.n(f64::from(pt.0), SIZE + 1);
                self.operator("Tw");
            }
            Op::SetHorizontalScaling { percent } => {
                self.n(f64::from(*percent), SIZE);
                self.operator("Tz");
            }
            Op::SetLineOffset { multiplier } => {
                self.n(f64::from(*multiplier), SIZE);
                self.operator("Ts");
            }
            Op::SetLineHeight { lh } => {
                self.n(f64::from(lh.0), SIZE);
                self.operator("TL");
            }
            other => self.skipped.push(op_name(other)),
        }
    }

    /// A `cm` matrix: where a drawing lands is kept as exactly as text.
    fn matrix(&mut self, m: [f32; 6]) {
        for v in &m[..4] {
            self.n(f64::from(*v), MATRIX);
        }
        for v in &m[4..] {
            self.n(f64::from(*v), TEXT_POS);
        }
    }

    /// Positions the text as the operations asked, then shows `items`.
    fn show(&mut self, items: &[TextItem]) {
        // Glyph ids and kerns, adjacent kerns summed.
        let mut glyphs: Vec<u16> = Vec::new();
        // (index of the glyph it follows, thousandths of an em)
        let mut kerns: Vec<(usize, i64)> = Vec::new();
        for item in items {
            match item {
                TextItem::GlyphIds(gs) => {
                    for g in gs {
                        glyphs.push(g.gid);
                        add_kern(&mut kerns, glyphs.len(), g.offset);
                    }
                }
                TextItem::Offset(o) => add_kern(&mut kerns, glyphs.len(), *o),
                TextItem::Text(_) => self.skipped.push("text without a known font"),
            }
        }
        kerns.retain(|k| k.1 != 0);
        if glyphs.is_empty() && kerns.is_empty() {
            return;
        }
        if !self.in_text {
            // Text outside BT/ET: open one (viewers would otherwise choke).
            self.operator("BT");
            self.in_text = true;
            self.real = TextPos::ORIGIN;
            self.moved = true;
        }
        if self.moved {
            self.position();
            self.moved = false;
        }
        let hex = |out: &mut Vec<u8>, gs: &[u16]| {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push(b'<');
            for g in gs {
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[usize::from((g >> shift) & 0xF)]);
                }
            }
            out.push(b'>');
        };
        if kerns.is_empty() {
            self.sep();
            hex(&mut self.out, &glyphs);
            self.operator("Tj");
            return;
        }
        self.sep();
        self.out.push(b'[');
        let mut from = 0;
        for (at, k) in kerns {
            if at > from {
                hex(&mut self.out, &glyphs[from..at]);
                from = at;
            }
            self.fx(k, 1);
        }
        if from < glyphs.len() {
            hex(&mut self.out, &glyphs[from..]);
        }
        self.out.push(b']');
        self.operator("TJ");
    }

    /// Moves the written line matrix to the wanted one: `Td` when only the
    /// translation differs and the linear part is ±1 on the diagonal, `Tm`
    /// otherwise.
    fn position(&mut self) {
        let (r, w) = (self.real, self.want);
        let unit = 100_000;
        let simple = r.lin == w.lin
            && r.lin[1] == 0
            && r.lin[2] == 0
            && r.lin[0].abs() == unit
            && r.lin[3].abs() == unit;
        if simple {
            let dx = (w.e - r.e) * r.lin[0].signum();
            let dy = (w.f - r.f) * r.lin[3].signum();
            self.fx(dx, TEXT_POS);
            self.fx(dy, TEXT_POS);
            self.operator("Td");
        } else {
            for v in w.lin {
                self.fx(v, MATRIX);
            }
            self.fx(w.e, TEXT_POS);
            self.fx(w.f, TEXT_POS);
            self.operator("Tm");
        }
        self.real = w;
    }

    /// Writes a path (`m`, `l`, `c`) in printpdf's point convention: a point
    /// flagged `bezier` followed by another flagged one and an end point is a
    /// cubic segment. For a `closed` path the last straight edge back to the
    /// start is left to the closing operator.
    fn path(&mut self, points: &[LinePoint], closed: bool) {
        let Some(first) = points.first() else {
            return;
        };
        let p = |lp: &LinePoint| (q(lp.p.x.0, COORD), q(lp.p.y.0, COORD));
        let start = p(first);
        self.fx(start.0, COORD);
        self.fx(start.1, COORD);
        self.operator("m");
        self.cur = Some(start);
        let mut i = 1;
        while i < points.len() {
            let cur = &points[i];
            if cur.bezier && i + 2 < points.len() && points[i + 1].bezier {
                for lp in &points[i..i + 3] {
                    let (x, y) = p(lp);
                    self.fx(x, COORD);
                    self.fx(y, COORD);
                }
                self.operator("c");
                self.cur = Some(p(&points[i + 2]));
                i += 3;
                continue;
            }
            let pt = p(cur);
            let last = i + 1 == points.len();
            if Some(pt) != self.cur && !(closed && last && pt == start) {
                self.fx(pt.0, COORD);
                self.fx(pt.1, COORD);
                self.operator("l");
                self.cur = Some(pt);
            }
            i += 1;
        }
    }
}

/// Adds a kern (thousandths of an em) after glyph `at`, summing adjacent ones.
fn add_kern(kerns: &mut Vec<(usize, i64)>, at: usize, k: f32) {
    let k = q(k, 1);
    if k == 0 {
        return;
    }
    match kerns.last_mut() {
        Some(last) if last.0 == at => last.1 += k,
        _ => kerns.push((at, k)),
    }
}

fn cap_id(c: &LineCapStyle) -> i64 {
    c.id()
}

fn join_id(j: &LineJoinStyle) -> i64 {
    j.id()
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Marker { .. } => "Marker",
        Op::SetColorSpaceStroke { .. } | Op::SetColorSpaceFill { .. } => "colour space",
        Op::BeginLayer { .. } | Op::EndLayer => "layer",
        Op::LoadGraphicsState { .. } => "ExtGState",
        Op::AddLineBreak => "AddLineBreak",
        Op::MoveTextCursorAndSetLeading { .. } => "MoveTextCursorAndSetLeading",
        Op::SetRenderingIntent { .. } => "SetRenderingIntent",
        Op::BeginInlineImage | Op::BeginInlineImageData | Op::EndInlineImage => "inline image",
        Op::DefineMarkedContentPoint { .. } | Op::EndMarkedContentWithProperties => {
            "marked content with properties"
        }
        Op::BeginOptionalContent { .. } | Op::EndOptionalContent => "optional content",
        Op::BeginCompatibilitySection | Op::EndCompatibilitySection => "compatibility section",
        Op::MoveToNextLineShowText { .. } | Op::SetSpacingMoveAndShowText { .. } => {
            "text shown by string"
        }
        Op::PaintShading { .. } => "shading",
        Op::Unknown { .. } => "unknown operation",
        _ => "operation",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use printpdf::{Codepoint, Line, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextMatrix};

    struct Res;
    impl Resources for Res {
        fn font(&self, id: &FontId) -> Option<&str> {
            (id.0 == "REG").then_some("R")
        }
        fn image(&self, _id: &XObjectId) -> Option<(&str, u32, u32)> {
            Some(("I1", 10, 20))
        }
    }

    fn enc(ops: &[Op]) -> String {
        String::from_utf8(encode(ops, &Res, &mut Palette::default()).bytes).unwrap_or_default()
    }

    fn num_s(v: f64, d: u32) -> String {
        let mut o = Vec::new();
        num(&mut o, v, d);
        String::from_utf8(o).unwrap_or_default()
    }

    fn rgb(r: f32, g: f32, b: f32) -> Color {
        Color::Rgb(Rgb::new(r, g, b, None))
    }

    fn text(x: f32, y: f32, gids: &[(u16, f32)]) -> Vec<Op> {
        vec![
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(FontId("REG".into())),
                size: Pt(10.0),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(y)),
            },
            Op::ShowText {
                items: vec![TextItem::GlyphIds(
                    gids.iter()
                        .map(|&(gid, offset)| Codepoint {
                            gid,
                            offset,
                            cid: None,
                        })
                        .collect(),
                )],
            },
            Op::EndTextSection,
        ]
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num_s(0.0, 2), "0");
        assert_eq!(num_s(-0.001, 2), "0");
        assert_eq!(num_s(0.5, 2), ".5");
        assert_eq!(num_s(-0.25, 2), "-.25");
        assert_eq!(num_s(12.0, 2), "12");
        assert_eq!(num_s(841.8898, 2), "841.89");
        assert_eq!(num_s(1.005_01, 2), "1.01");
        assert_eq!(num_s(0.133_333, 3), ".133");
        assert_eq!(num_s(-7.0, 0), "-7");
        assert_eq!(num_s(f64::NAN, 2), "0");
        assert_eq!(num_s(100.05, 1), "100.1");
    }

    #[test]
    fn text_sections_merge_and_state_is_not_repeated() {
        let mut ops = vec![Op::SetFillColor {
            col: rgb(0.2, 0.2, 0.2),
        }];
        ops.extend(text(50.0, 700.0, &[(1, 0.0), (2, 0.0)]));
        ops.extend(text(50.0, 686.5, &[(3, -2.0), (4, 0.0)]));
        let s = enc(&ops);
        assert_eq!(
            s,
            "/P cs\n0 sc\nBT\n/R 10 Tf\n50 700 Td\n<00010002>Tj\n0 -13.5 Td\n[<0003>-2<0004>]TJ\nET\n"
        );
    }

    #[test]
    fn colours_and_widths_survive_save_and_restore() {
        let red = rgb(1.0, 0.0, 0.0);
        let ops = vec![
            Op::SetFillColor { col: red.clone() },
            Op::SaveGraphicsState,
            Op::SetFillColor { col: red.clone() },
            Op::SetFillColor {
                col: rgb(0.0, 0.0, 1.0),
            },
            Op::SetOutlineThickness { pt: Pt(1.0) },
            Op::RestoreGraphicsState,
            Op::SetFillColor { col: red },
        ];
        assert_eq!(enc(&ops), "/P cs\n0 sc\nq\n1 sc\nQ\n");
    }

    #[test]
    fn palette_takes_exact_8_bit_colours_only() {
        let mut palette = Palette::default();
        let ops = vec![
            Op::SetFillColor {
                col: rgb(0x12 as f32 / 255.0, 0.0, 1.0),
            },
            Op::SetOutlineColor {
                col: rgb(0.123_456, 0.5, 0.5),
            },
            Op::SetFillColor {
                col: rgb(0.071, 0.0, 1.0),
            },
            Op::SetFillColor {
                col: rgb(0.3, 0.3, 0.3),
            },
        ];
        let out = String::from_utf8(encode(&ops, &Res, &mut palette).bytes).unwrap_or_default();
        // 0.071 is 0x12 after rounding to 1/1000: the same entry.
        assert_eq!(out, "/P cs\n0 sc\n.123 .5 .5 RG\n.3 g\n");
        assert_eq!(palette.lookup(), Some((0, vec![0x12, 0x00, 0xFF])));
    }

    #[test]
    fn paths_drop_redundant_points() {
        let lp = |x: f32, y: f32, bezier: bool| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier,
        };
        let ops = vec![
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: vec![
                            lp(0.0, 0.0, false),
                            lp(10.0, 0.0, false),
                            lp(10.0, 0.0, false),
                            lp(12.0, 0.0, true),
                            lp(12.0, 2.0, true),
                            lp(12.0, 3.0, false),
                            lp(0.0, 0.0, false),
                        ],
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
            Op::DrawLine {
                line: Line {
                    points: vec![lp(1.0, 1.0, false), lp(2.5, 1.0, false)],
                    is_closed: false,
                },
            },
            Op::DrawRectangle {
                rectangle: Rect::from_xywh(Pt(1.0), Pt(2.0), Pt(3.0), Pt(4.0)),
            },
        ];
        assert_eq!(
            enc(&ops),
            "0 0 m\n10 0 l\n12 0 12 2 12 3 c\nf\n1 1 m\n2.5 1 l\nS\n1 2 3 4 re\nf\n"
        );
    }

    #[test]
    fn flipped_text_uses_td_after_one_tm() {
        let ops = vec![
            Op::StartTextSection,
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([1.0, 0.0, 0.0, -1.0, 10.0, 20.0]),
            },
            Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint::new(5, 0.0)])],
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([1.0, 0.0, 0.0, -1.0, 15.0, 30.0]),
            },
            Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint::new(6, 0.0)])],
            },
            Op::EndTextSection,
        ];
        assert_eq!(
            enc(&ops),
            "BT\n1 0 0 -1 10 20 Tm\n<0005>Tj\n5 -10 Td\n<0006>Tj\nET\n"
        );
    }
}
