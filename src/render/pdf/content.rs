//! Content streams: the page writer's drawing operations → compact PDF
//! content-stream bytes.
//!
//! The page writer draws the display list ([`crate::render::frame`]) through
//! [`Encoder`], whose methods are the PDF operators it needs; the encoder
//! writes them the short way (content streams are most of a handout after
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
//! * glyph runs as one literal string of two-byte glyph ids (`(\0\x12\0\x34)Tj`,
//!   escaped where PDF asks), kerning only where needed;
//! * filled upright rectangles as `re` (a QR code's runs);
//! * zero-length lines and the redundant last edge of closed paths dropped,
//!   closing folded into the painting operator (`f`, `s`, `b`);
//! * consecutive stroked lines in the same state as one path with one `S`;
//! * every shape, and every group of lines stroked together, written
//!   relative to its first point under a translation (`q 1 0 0 1 x y cm …
//!   Q`), so shapes of one size are the same bytes wherever they stand;
//! * character spacing (`Tc`) tracked, so justified lines need no kerning.
//!
//! Link annotations are collected for the page dictionary; raster images are
//! drawn with `Do` under the resource names the caller gives.
//!
//! Why not `pdf_writer::Content`: it writes each operator as asked, so the
//! state tracking, text-object merging, `Td` and kerning above would sit on
//! top of it anyway, and what it would replace — writing an operand and an
//! operator name — is a few lines here; its numbers are `f32` in shortest
//! round-trip form (`0.5`, `841.89`), ours fixed point with a leading `0`
//! dropped.

use super::style::Rgb;

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

/// What a page's drawing became.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    /// The content stream (not yet compressed).
    pub bytes: Vec<u8>,
    /// Link annotations met on the way, in order.
    pub links: Vec<Link>,
}

/// A clickable area of a page (PDF units, y up) and where it leads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    /// Lower-left corner.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub url: String,
}

/// A point of a path (PDF units, y up). A point flagged `curve` followed by
/// another flagged one and an end point is a cubic Bézier segment (its two
/// control points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PathPoint {
    pub x: f32,
    pub y: f32,
    pub curve: bool,
}

/// How a path is painted (non-zero winding).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Paint {
    Fill,
    Stroke,
    FillStroke,
}

/// One glyph of a shown run: its id in the font, and the adjustment after
/// it (thousandths of an em, as in `TJ`: positive moves the next glyph left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub gid: u16,
    pub kern: f32,
}

/// Round line caps and joins (`1 J`, `1 j`).
pub(crate) const ROUND: i64 = 1;
/// Text rendering modes (`Tr`): fill, and fill then stroke.
pub(crate) const FILL: i64 = 0;
pub(crate) const FILL_STROKE: i64 = 2;

/// `v.round()` (halves away from zero), bit for bit, without the call
/// into libm that `f64::round` is on the baseline x86-64 target (no
/// SSE4.1): the content encoder rounds every number it writes, and the
/// calls were 1.5 % of a build's CPU.
#[inline]
pub(crate) fn round(v: f64) -> f64 {
    if v.is_nan() || v.abs() >= 4.5e15 {
        return v.round();
    }
    // Truncation (exact here), with the sign of `v` kept on a zero.
    let t = (v as i64 as f64).copysign(v);
    // The fraction, exact: `t` is `v` with its fraction bits cleared.
    let d = v - t;
    if d >= 0.5 {
        t + 1.0
    } else if d <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// [`round`] for `f32`: exact through `f64` (every `f32` is an `f64`, and
/// every whole `f32` below 2^24 comes back unchanged).
#[inline]
pub(crate) fn round32(v: f32) -> f32 {
    round(f64::from(v)) as f32
}

/// Writes `v` in fixed point with at most `decimals` decimals.
pub(crate) fn num(out: &mut Vec<u8>, v: f64, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let n = if v.is_finite() {
        round(v * scale as f64).clamp(-9e15, 9e15) as i64
    } else {
        0
    };
    fixed(out, n, decimals);
}

/// Writes `n / 10^decimals` (`decimals` at most 19, the digits of a
/// `u64`): no trailing zeros in the fraction, no leading zero before a
/// point (`-.5`, `12`, `3.25`, `0`). Set right to left in one buffer and
/// appended once: the content encoder writes about 13,000 numbers a
/// handout, and the two appends and the division by a power of ten set at
/// run time cost more than the digits (docs/speed.md, "Speed, session 15").
fn fixed(out: &mut Vec<u8>, n: i64, decimals: u32) {
    let mut buf = [0u8; 44];
    let mut i = buf.len();
    let mut a = n.unsigned_abs();
    let mut fraction = false;
    for _ in 0..decimals.min(19) {
        let digit = (a % 10) as u8;
        a /= 10;
        if fraction || digit != 0 {
            i -= 1;
            buf[i] = b'0' + digit;
            fraction = true;
        }
    }
    if fraction {
        i -= 1;
        buf[i] = b'.';
    }
    if a != 0 || !fraction {
        loop {
            i -= 1;
            buf[i] = b'0' + (a % 10) as u8;
            a /= 10;
            if a == 0 {
                break;
            }
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    out.extend_from_slice(&buf[i..]);
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
        round(f64::from(v) * scale).clamp(-9e15, 9e15) as i64
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
    /// The two colours last asked for and what they are written as: most
    /// fills and strokes ask for one asked for just before, and a colour's
    /// [`Col`] never changes (the palette only grows).
    recent: [Option<(Rgb, Col)>; 2],
}

impl Palette {
    /// Resource name of the colour space.
    pub(crate) const NAME: &'static str = "P";

    /// [`Col::of`] `c`, from [`Palette::recent`] when it is there.
    fn col(&mut self, c: Rgb) -> Col {
        if let Some((_, col)) = self.recent.iter().flatten().find(|(rgb, _)| *rgb == c) {
            return col.clone();
        }
        let col = Col::of(c, self);
        self.recent = [Some((c, col.clone())), self.recent[0].take()];
        col
    }

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
    let r = round(x);
    ((x - r).abs() < 0.15).then_some(r as u8)
}

/// A colour quantised to what is written.
#[derive(Debug, Clone, PartialEq)]
enum Col {
    /// An entry of the [`Palette`].
    Idx(u8),
    Gray(i64),
    Rgb(i64, i64, i64),
}

impl Col {
    fn of(c: Rgb, palette: &mut Palette) -> Col {
        if let (Some(r), Some(g), Some(b)) = (byte_of(c.0), byte_of(c.1), byte_of(c.2))
            && let Some(i) = palette.index([r, g, b])
        {
            return Col::Idx(i);
        }
        let k = |v: f32| q(v.clamp(0.0, 1.0), COLOUR);
        let (r, g, b) = (k(c.0), k(c.1), k(c.2));
        if r == g && g == b {
            Col::Gray(r)
        } else {
            Col::Rgb(r, g, b)
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
    /// The dash pattern in force: `Some(None)` for solid lines.
    dash: Option<Option<[i64; 2]>>,
    cap: Option<i64>,
    join: Option<i64>,
    /// Font resource name and size.
    font: Option<(&'static str, i64)>,
    char_spacing: Option<i64>,
    /// The outline colour and width last asked for (`None`: the initial
    /// black and 1 pt), which synthetic bold restores after its run.
    stroke_asked: Option<Rgb>,
    width_asked: Option<f32>,
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
        font: None,
        char_spacing: None,
        stroke_asked: None,
        width_asked: None,
    };

    /// The state at the start of a page.
    fn initial() -> State {
        State {
            fill: Some(Col::Gray(0)),
            stroke: Some(Col::Gray(0)),
            fill_indexed: Some(false),
            stroke_indexed: Some(false),
            width: Some(q(1.0, SIZE)),
            dash: Some(None),
            cap: Some(0),
            join: Some(0),
            font: None,
            char_spacing: Some(0),
            stroke_asked: None,
            width_asked: None,
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

/// Writes one page's content stream. Colours go into `palette` (shared by
/// the pages of a document, named [`Palette::NAME`] in their resources).
pub(crate) struct Encoder<'a> {
    out: Vec<u8>,
    palette: &'a mut Palette,
    st: State,
    stack: Vec<State>,
    /// Inside a text object as written.
    in_text: bool,
    /// An `ET` was asked for and is held back.
    pending_et: bool,
    /// The line matrix as written (valid inside a text object).
    real: TextPos,
    /// The line matrix asked for.
    want: TextPos,
    /// A positioning operation came since the last show.
    moved: bool,
    /// Current point of the path being built (in written units).
    cur: Option<(i64, i64)>,
    /// A stroked open path whose `S` is held back: the next open line with
    /// the same state joins the path as another subpath.
    pending_stroke: bool,
    /// Where the held-back stroked path is drawn relative to (its first
    /// point, moved there by a `cm` inside `q`; `(0, 0)`: absolute).
    stroke_origin: (i64, i64),
    links: Vec<Link>,
    /// Room for a shown run's adjustments ([`Encoder::show`]).
    kerns: Vec<(usize, i64)>,
}

impl<'a> Encoder<'a> {
    /// A page; `capacity` is a guess of its size in bytes.
    #[cfg(test)]
    pub(crate) fn new(palette: &'a mut Palette, capacity: usize) -> Encoder<'a> {
        Encoder::reusing(palette, Vec::with_capacity(capacity))
    }

    /// A page written into `buffer` (cleared first): a document's pages
    /// reuse one buffer instead of growing a new one each.
    pub(crate) fn reusing(palette: &'a mut Palette, mut buffer: Vec<u8>) -> Encoder<'a> {
        buffer.clear();
        Encoder {
            out: buffer,
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
            stroke_origin: (0, 0),
            links: Vec::new(),
            kerns: Vec::new(),
        }
    }

    /// A form XObject's content written into `buffer` (cleared first): it
    /// is drawn in whatever state the page has set, so nothing is taken
    /// as set (every colour, width, font and spacing is written before its
    /// first use).
    pub(crate) fn form(palette: &'a mut Palette, buffer: Vec<u8>) -> Encoder<'a> {
        let mut e = Encoder::reusing(palette, buffer);
        e.st = State::UNKNOWN;
        e
    }

    /// Draws form XObject `name` (`/name Do`; the form saves and restores
    /// the graphics state itself).
    pub(crate) fn draw_form(&mut self, name: &str) {
        self.flush_stroke();
        self.flush_et();
        self.name(name);
        self.operator("Do");
    }

    /// The page's bytes and links.
    pub(crate) fn finish(mut self) -> Encoded {
        self.flush_stroke();
        self.flush_et();
        Encoded {
            bytes: self.out,
            links: self.links,
        }
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
        // Byte by byte: an operator is one to three bytes, less than the
        // call into `memcpy` that `extend_from_slice` makes.
        self.out.extend(name.bytes());
        self.out.push(b'\n');
    }

    fn name(&mut self, name: &str) {
        self.out.push(b'/');
        self.out.extend_from_slice(name.as_bytes());
    }

    /// Paints the held-back stroked path: before any operator but another
    /// open line, and before any change of state (it would change how the
    /// held-back path is painted).
    fn flush_stroke(&mut self) {
        if self.pending_stroke {
            self.pending_stroke = false;
            self.operator("S");
            self.end_relative(self.stroke_origin);
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
        }
    }

    /// `q`.
    pub(crate) fn save(&mut self) {
        self.flush_stroke();
        self.flush_et();
        self.stack.push(self.st.clone());
        self.operator("q");
    }

    /// `Q`.
    pub(crate) fn restore(&mut self) {
        self.flush_stroke();
        self.flush_et();
        // An unbalanced `Q` restores something unknown.
        self.st = self.stack.pop().unwrap_or(State::UNKNOWN);
        self.operator("Q");
    }

    /// Starts a text section (`BT`, or the held-back text object goes on;
    /// either way the text matrix starts at the origin).
    pub(crate) fn begin_text(&mut self) {
        self.flush_stroke();
        if self.pending_et {
            // Merge with the previous text object. BT would reset the text
            // matrix; what follows expects that.
            self.pending_et = false;
        } else {
            self.operator("BT");
            self.in_text = true;
            self.real = TextPos::ORIGIN;
        }
        self.want = TextPos::ORIGIN;
        self.moved = true;
    }

    /// Ends a text section (its `ET` is held back).
    pub(crate) fn end_text(&mut self) {
        self.flush_stroke();
        if self.in_text {
            self.pending_et = true;
        }
    }

    /// The fill colour.
    pub(crate) fn fill(&mut self, colour: Rgb) {
        let c = self.palette.col(colour);
        if self.st.fill.as_ref() != Some(&c) {
            self.flush_stroke();
            self.col(&c, false);
            self.st.fill = Some(c);
        }
    }

    /// The outline colour.
    pub(crate) fn stroke(&mut self, colour: Rgb) {
        self.st.stroke_asked = Some(colour);
        let c = self.palette.col(colour);
        if self.st.stroke.as_ref() != Some(&c) {
            self.flush_stroke();
            self.col(&c, true);
            self.st.stroke = Some(c);
        }
    }

    /// The line width.
    pub(crate) fn line_width(&mut self, pt: f32) {
        self.st.width_asked = Some(pt);
        let w = q(pt.max(0.0), SIZE);
        if self.st.width != Some(w) {
            self.flush_stroke();
            self.fx(w, SIZE);
            self.operator("w");
            self.st.width = Some(w);
        }
    }

    /// Dashes (dash and gap length, from the start of each subpath) or a
    /// solid line.
    pub(crate) fn dash(&mut self, dash: Option<(f32, f32)>) {
        let d = dash.map(|(on, off)| [q(on, SIZE), q(off, SIZE)]);
        if self.st.dash != Some(d) {
            self.flush_stroke();
            self.sep();
            self.out.push(b'[');
            if let Some([on, off]) = d {
                fixed(&mut self.out, on, SIZE);
                self.out.push(b' ');
                fixed(&mut self.out, off, SIZE);
            }
            self.out.push(b']');
            self.fx(0, SIZE);
            self.operator("d");
            self.st.dash = Some(d);
        }
    }

    /// The line cap style (`J`).
    pub(crate) fn cap(&mut self, id: i64) {
        if self.st.cap != Some(id) {
            self.flush_stroke();
            self.fx(id, 0);
            self.operator("J");
            self.st.cap = Some(id);
        }
    }

    /// The line join style (`j`).
    pub(crate) fn join(&mut self, id: i64) {
        if self.st.join != Some(id) {
            self.flush_stroke();
            self.fx(id, 0);
            self.operator("j");
            self.st.join = Some(id);
        }
    }

    /// The font (resource name without `/`) and size.
    pub(crate) fn font(&mut self, name: &'static str, size: f32) {
        let f = (name, q(size, SIZE));
        if self.st.font != Some(f) {
            self.flush_stroke();
            self.sep();
            self.name(name);
            self.fx(f.1, SIZE);
            self.operator("Tf");
            self.st.font = Some(f);
        }
    }

    /// Character spacing (`Tc`, in unscaled text space units).
    pub(crate) fn char_spacing(&mut self, v: f32) {
        let c = q(v, SPACING);
        if self.st.char_spacing != Some(c) {
            self.flush_stroke();
            self.fx(c, SPACING);
            self.operator("Tc");
            self.st.char_spacing = Some(c);
        }
    }

    /// The text (and line) matrix; written when something is shown.
    pub(crate) fn text_matrix(&mut self, m: [f32; 6]) {
        self.flush_stroke();
        self.want = TextPos::of(m);
        self.moved = true;
    }

    /// The text rendering mode (`Tr`).
    pub(crate) fn render_mode(&mut self, mode: i64) {
        self.flush_stroke();
        self.fx(mode, 0);
        self.operator("Tr");
    }

    /// The outline colour and width last asked for: what synthetic bold
    /// restores after its run.
    pub(crate) fn stroke_asked(&self) -> (Option<Rgb>, Option<f32>) {
        (self.st.stroke_asked, self.st.width_asked)
    }

    /// Opens marked content: `/tag <</MCID n>> BDC` for content of a
    /// structure element, `/tag BMC` without an id (an artifact).
    pub(crate) fn begin_marked(&mut self, tag: &str, mcid: Option<u32>) {
        self.flush_stroke();
        // Marked content opened outside text must not start inside a text
        // object whose `ET` was held back.
        if !self.in_text || self.pending_et {
            self.flush_et();
        }
        self.sep();
        self.name(tag);
        match mcid {
            Some(id) => {
                self.out.extend_from_slice(b"<</MCID ");
                int_to(&mut self.out, u64::from(id));
                self.out.extend_from_slice(b">>");
                self.operator("BDC");
            }
            None => self.operator("BMC"),
        }
    }

    /// `EMC`.
    pub(crate) fn end_marked(&mut self) {
        self.flush_stroke();
        self.operator("EMC");
    }

    /// Concatenates `m` to the current transformation matrix (`cm`).
    pub(crate) fn transform(&mut self, m: [f32; 6]) {
        self.flush_stroke();
        self.flush_et();
        self.matrix(m);
        self.operator("cm");
    }

    /// Draws image resource `name` into the box with lower-left corner
    /// (`x`, `y`), `w` × `h`.
    pub(crate) fn image(&mut self, name: &str, (x, y, w, h): (f32, f32, f32, f32)) {
        self.flush_stroke();
        self.flush_et();
        self.operator("q");
        self.matrix([w, 0.0, 0.0, h, x, y]);
        self.operator("cm");
        self.sep();
        self.name(name);
        self.operator("Do");
        self.operator("Q");
    }

    /// A link annotation of the page.
    pub(crate) fn link(&mut self, link: Link) {
        self.flush_stroke();
        self.links.push(link);
    }

    /// An open polyline or Bézier path, stroked (consecutive ones in the
    /// same state share one `S`).
    pub(crate) fn line(&mut self, points: &[PathPoint]) {
        self.flush_et();
        let Some(first) = points.first() else {
            return;
        };
        if !self.pending_stroke {
            // The lines stroked together are drawn relative to the first
            // one's start, as shapes are (see [`Encoder::polygon`]).
            self.stroke_origin = self.begin_relative(Some(first));
        }
        self.path(points, false, self.stroke_origin);
        self.pending_stroke = true;
    }

    /// Opens `q` and moves the origin to `at` (rounded as points are
    /// written), unless it is the origin already; returns the offset the
    /// path's points are written less.
    fn begin_relative(&mut self, at: Option<&PathPoint>) -> (i64, i64) {
        let Some((x, y)) = at
            .map(|p| (q(p.x, COORD), q(p.y, COORD)))
            .filter(|&o| o != (0, 0))
        else {
            return (0, 0);
        };
        self.operator("q");
        self.out.extend_from_slice(b"1 0 0 1");
        self.fx(x, COORD);
        self.fx(y, COORD);
        self.operator("cm");
        (x, y)
    }

    /// Closes what [`Encoder::begin_relative`] opened.
    fn end_relative(&mut self, origin: (i64, i64)) {
        if origin != (0, 0) {
            self.operator("Q");
            // The current point is gone with the path.
            self.cur = None;
        }
    }

    /// Closed rings (one subpath each), painted together.
    ///
    /// A shape (rounded boxes, circles, markers, arrow heads) with three
    /// points or more is written
    /// relative to its first point, moved there by a translation
    /// (`q 1 0 0 1 x y cm … Q`): shapes of one size then have the same bytes
    /// wherever they stand, which DEFLATE stores as a back-reference
    /// (−3.2 to −3.8 KB a handout, lines −0.7 KB more; docs/pdf.md, "PDF size"). Points are rounded
    /// to the written precision before they are made relative, so every
    /// point lands exactly where the absolute form puts it.
    pub(crate) fn polygon(&mut self, rings: &[Vec<PathPoint>], paint: Paint) {
        self.flush_stroke();
        self.flush_et();
        let first = rings.iter().find(|r| r.len() >= 3).and(rings.first());
        let origin = self.begin_relative(first.and_then(|r| r.first()));
        let n = rings.len();
        for (i, ring) in rings.iter().enumerate() {
            // A filled ring that is an upright rectangle drawn as `re`
            // draws it (same corners, same start and direction) in a third
            // of the bytes: a QR code is hundreds of them.
            if paint == Paint::Fill
                && let Some((x, y, w, h)) = upright_rect(ring, origin)
            {
                for v in [x, y, w, h] {
                    self.fx(v, COORD);
                }
                self.operator("re");
                self.cur = Some((x, y));
                continue;
            }
            self.path(ring, true, origin);
            if i + 1 < n && paint != Paint::Fill {
                self.operator("h");
            }
        }
        self.operator(match paint {
            Paint::Fill => "f",
            Paint::Stroke => "s",
            Paint::FillStroke => "b",
        });
        self.end_relative(origin);
    }

    /// A rectangle with lower-left corner (`x`, `y`).
    pub(crate) fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), paint: Paint) {
        self.flush_stroke();
        self.flush_et();
        // Round the corners, not the size, so that rectangles that touch
        // still touch.
        let (x0, y0) = (q(x, COORD), q(y, COORD));
        let (x1, y1) = (q(x + w, COORD), q(y + h, COORD));
        for v in [x0, y0, x1 - x0, y1 - y0] {
            self.fx(v, COORD);
        }
        self.operator("re");
        self.operator(match paint {
            Paint::Fill => "f",
            Paint::Stroke => "S",
            Paint::FillStroke => "B",
        });
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

    /// Positions the text as asked, then shows `glyphs` in the current font.
    pub(crate) fn show(&mut self, glyphs: &[Glyph]) {
        let mut kerns = std::mem::take(&mut self.kerns);
        self.show_with(glyphs, &mut kerns);
        self.kerns = kerns;
    }

    /// [`Encoder::show`] with `kerns` as room for the adjustments (kept
    /// from run to run).
    fn show_with(&mut self, glyphs: &[Glyph], kerns: &mut Vec<(usize, i64)>) {
        self.flush_stroke();
        // (index of the glyph it follows, thousandths of an em)
        kerns.clear();
        for (i, g) in glyphs.iter().enumerate() {
            add_kern(kerns, i + 1, g.kern);
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
        // Each glyph id as its two bytes in a literal string: half the
        // bytes of a hex string to encode and compress, and a little
        // smaller compressed. Only the delimiters, the escape and a carriage
        // return (which a reader would take for an end of line) are escaped.
        let string = |out: &mut Vec<u8>, gs: &[Glyph]| {
            out.push(b'(');
            for g in gs {
                for b in g.gid.to_be_bytes() {
                    match b {
                        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        _ => out.push(b),
                    }
                }
            }
            out.push(b')');
        };
        if kerns.is_empty() {
            self.sep();
            string(&mut self.out, glyphs);
            self.operator("Tj");
            return;
        }
        self.sep();
        self.out.push(b'[');
        let mut from = 0;
        for &(at, k) in kerns.iter() {
            if at > from {
                string(&mut self.out, &glyphs[from..at]);
                from = at;
            }
            self.fx(k, 1);
        }
        if from < glyphs.len() {
            string(&mut self.out, &glyphs[from..]);
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

    /// Writes a path (`m`, `l`, `c`), see [`PathPoint`]. For a `closed`
    /// path the last straight edge back to the start is left to the closing
    /// operator.
    /// Writes a path with its points less `origin` (in written units).
    fn path(&mut self, points: &[PathPoint], closed: bool, origin: (i64, i64)) {
        let Some(first) = points.first() else {
            return;
        };
        let p = |pp: &PathPoint| (q(pp.x, COORD) - origin.0, q(pp.y, COORD) - origin.1);
        let start = p(first);
        self.fx(start.0, COORD);
        self.fx(start.1, COORD);
        self.operator("m");
        self.cur = Some(start);
        let mut i = 1;
        while i < points.len() {
            let cur = &points[i];
            if cur.curve && i + 2 < points.len() && points[i + 1].curve {
                for pp in &points[i..i + 3] {
                    let (x, y) = p(pp);
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

/// The ring as `re` operands (lower-left corner, width, height; relative
/// to `origin`) when it is the path `re` draws: four straight points from
/// the lower-left corner, counter-clockwise (right, up, left).
fn upright_rect(ring: &[PathPoint], origin: (i64, i64)) -> Option<(i64, i64, i64, i64)> {
    let [a, b, c, d] = ring else {
        return None;
    };
    if ring.iter().any(|p| p.curve) {
        return None;
    }
    let p = |pp: &PathPoint| (q(pp.x, COORD) - origin.0, q(pp.y, COORD) - origin.1);
    let [a, b, c, d] = [a, b, c, d].map(p);
    (a.1 == b.1 && b.0 == c.0 && c.1 == d.1 && d.0 == a.0 && b.0 > a.0 && c.1 > b.1).then_some((
        a.0,
        a.1,
        b.0 - a.0,
        c.1 - b.1,
    ))
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

#[cfg(test)]
mod tests {
    #[test]
    fn round_is_std_round_bit_for_bit() {
        let mut edge: Vec<f64> = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4.5e15,
            -4.5e15,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Every 1/1000 step from -2,000 to 2,000 (coordinates, colours),
        // the halves around them, and values with scattered fractions.
        for i in -2_000_000i64..=2_000_000 {
            edge.push(i as f64 / 1000.0);
            edge.push(i as f64 + 0.5);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            edge.push(v);
            edge.push((x % 2_000_000_000) as f64 / 997.0 - 1_000_000.0);
        }
        for v in edge {
            if v.is_nan() {
                continue;
            }
            assert_eq!(super::round(v).to_bits(), v.round().to_bits(), "{v:e}");
            let f = v as f32;
            assert_eq!(super::round32(f).to_bits(), f.round().to_bits(), "{f:e}");
        }
    }

    use super::*;

    fn enc(f: impl FnOnce(&mut Encoder<'_>)) -> String {
        let mut palette = Palette::default();
        let mut e = Encoder::new(&mut palette, 0);
        f(&mut e);
        String::from_utf8(e.finish().bytes).unwrap_or_default()
    }

    fn num_s(v: f64, d: u32) -> String {
        let mut o = Vec::new();
        num(&mut o, v, d);
        String::from_utf8(o).unwrap_or_default()
    }

    fn text(e: &mut Encoder<'_>, x: f32, y: f32, gids: &[(u16, f32)]) {
        e.begin_text();
        e.font("R", 10.0);
        e.text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
        let glyphs: Vec<Glyph> = gids
            .iter()
            .map(|&(gid, kern)| Glyph { gid, kern })
            .collect();
        e.show(&glyphs);
        e.end_text();
    }

    fn pp(x: f32, y: f32, curve: bool) -> PathPoint {
        PathPoint { x, y, curve }
    }

    /// The encoder's numbers as written up to session 14 (integer part,
    /// then the fraction by division), to compare [`fixed`] with.
    fn fixed_before(out: &mut Vec<u8>, n: i64, decimals: u32) {
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

    #[test]
    fn fixed_writes_every_number_as_before() {
        let mut values = vec![0i64, 1, -1, 9, 10, 99, 100, 101, 12_345, 100_000, 1_000_001];
        values.extend([i64::MAX, i64::MIN, i64::MIN + 1, 9_000_000_000_000_000]);
        for k in 0..19 {
            let p = 10i64.pow(k);
            values.extend([p, p - 1, p + 1, 5 * p, p * 3 + 7]);
        }
        // A spread of others (a fixed linear congruential sequence).
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let v = (x >> (x % 50)) as i64;
            values.push(if x & 1 == 0 { v } else { -v });
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for &v in &values {
            for d in 0..=19 {
                a.clear();
                b.clear();
                // Something before, as in a content stream.
                a.extend_from_slice(b"x ");
                b.extend_from_slice(b"x ");
                fixed(&mut a, v, d);
                fixed_before(&mut b, v, d);
                assert_eq!(a, b, "{v} with {d} decimals");
            }
        }
    }

    #[test]
    fn a_colour_asked_again_is_written_as_when_looked_up_anew() {
        // Repeats next to each other and a step apart, equal values of
        // other bits (-0.0, 0.0), NaN, colours off the 8-bit grid, and more
        // than the palette's 256 entries.
        let mut x: u32 = 12_345;
        let mut asked = vec![
            Rgb(-0.0, 0.0, 0.0),
            Rgb(0.0, -0.0, 0.0),
            Rgb(f32::NAN, 0.5, 0.5),
        ];
        for i in 0..3_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let v = |k: u32| ((x >> k) % 300) as f32 / 255.0;
            let c = Rgb(v(3), v(11), if i % 7 == 0 { 0.333 } else { v(19) });
            asked.push(c);
            if i % 3 == 0 {
                asked.push(c);
            }
            if i % 5 == 0 && asked.len() > 3 {
                asked.push(asked[asked.len() - 3]);
            }
        }
        let (mut memo, mut fresh) = (Palette::default(), Palette::default());
        for &c in &asked {
            assert_eq!(memo.col(c), Col::of(c, &mut fresh), "{c:?}");
        }
        assert_eq!(memo.colours, fresh.colours);
        assert_eq!(memo.colours.len(), 256);
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
        let s = enc(|e| {
            e.fill(Rgb(0.2, 0.2, 0.2));
            text(e, 50.0, 700.0, &[(1, 0.0), (2, 0.0)]);
            text(e, 50.0, 686.5, &[(3, -2.0), (4, 0.0)]);
        });
        assert_eq!(
            s,
            "/P cs\n0 sc\nBT\n/R 10 Tf\n50 700 Td\n(\0\x01\0\x02)Tj\n0 -13.5 Td\n[(\0\x03)-2(\0\x04)]TJ\nET\n"
        );
    }

    #[test]
    fn colours_and_widths_survive_save_and_restore() {
        let red = Rgb(1.0, 0.0, 0.0);
        let s = enc(|e| {
            e.fill(red);
            e.save();
            e.fill(red);
            e.fill(Rgb(0.0, 0.0, 1.0));
            e.line_width(1.0);
            e.restore();
            e.fill(red);
        });
        assert_eq!(s, "/P cs\n0 sc\nq\n1 sc\nQ\n");
    }

    #[test]
    fn palette_takes_exact_8_bit_colours_only() {
        let mut palette = Palette::default();
        let mut e = Encoder::new(&mut palette, 0);
        e.fill(Rgb(0x12 as f32 / 255.0, 0.0, 1.0));
        e.stroke(Rgb(0.123_456, 0.5, 0.5));
        e.fill(Rgb(0.071, 0.0, 1.0));
        e.fill(Rgb(0.3, 0.3, 0.3));
        let out = String::from_utf8(e.finish().bytes).unwrap_or_default();
        // 0.071 is 0x12 after rounding to 1/1000: the same entry.
        assert_eq!(out, "/P cs\n0 sc\n.123 .5 .5 RG\n.3 g\n");
        assert_eq!(palette.lookup(), Some((0, vec![0x12, 0x00, 0xFF])));
    }

    #[test]
    fn a_shape_is_written_relative_to_its_first_point() {
        let ring = |x: f32, y: f32| {
            vec![
                pp(x, y, false),
                pp(x + 4.0, y, true),
                pp(x + 5.0, y + 1.0, true),
                pp(x + 5.0, y + 2.5, false),
            ]
        };
        let s = enc(|e| {
            e.polygon(&[ring(10.0, 20.0)], Paint::Fill);
            e.polygon(&[ring(110.25, 7.5)], Paint::Fill);
            e.polygon(&[ring(0.0, 0.0)], Paint::Fill);
        });
        // The same bytes for the same shape wherever it stands; none needed
        // at the origin.
        let shape = "0 0 m\n4 0 5 1 5 2.5 c\nf\n";
        assert_eq!(
            s,
            format!("q\n1 0 0 1 10 20 cm\n{shape}Q\nq\n1 0 0 1 110.25 7.5 cm\n{shape}Q\n{shape}")
        );
    }

    #[test]
    fn filled_upright_rectangles_are_written_as_re() {
        let rect = |x: f32, y: f32, w: f32, h: f32| {
            vec![
                pp(x, y, false),
                pp(x + w, y, false),
                pp(x + w, y + h, false),
                pp(x, y + h, false),
            ]
        };
        let s = enc(|e| {
            // Two runs of a QR code in one path, then a ring that starts
            // elsewhere (clockwise), a stroked rectangle and a slanted one.
            e.polygon(
                &[rect(10.0, 20.0, 3.0, 1.5), rect(15.0, 20.0, 1.5, 1.5)],
                Paint::Fill,
            );
            let mut clockwise = rect(0.0, 0.0, 2.0, 2.0);
            clockwise.reverse();
            e.polygon(&[clockwise], Paint::Fill);
            e.polygon(&[rect(0.0, 0.0, 2.0, 2.0)], Paint::Stroke);
            let mut slanted = rect(0.0, 0.0, 2.0, 2.0);
            slanted[2].x += 0.5;
            e.polygon(&[slanted], Paint::Fill);
        });
        assert_eq!(
            s,
            "q\n1 0 0 1 10 20 cm\n0 0 3 1.5 re\n5 0 1.5 1.5 re\nf\nQ\n\
             q\n1 0 0 1 0 2 cm\n0 0 m\n2 0 l\n2 -2 l\n0 -2 l\nf\nQ\n\
             0 0 m\n2 0 l\n2 2 l\n0 2 l\ns\n\
             0 0 m\n2 0 l\n2.5 2 l\n0 2 l\nf\n"
        );
    }

    #[test]
    fn paths_drop_redundant_points() {
        let s = enc(|e| {
            e.polygon(
                &[vec![
                    pp(0.0, 0.0, false),
                    pp(10.0, 0.0, false),
                    pp(10.0, 0.0, false),
                    pp(12.0, 0.0, true),
                    pp(12.0, 2.0, true),
                    pp(12.0, 3.0, false),
                    pp(0.0, 0.0, false),
                ]],
                Paint::Fill,
            );
            e.line(&[pp(1.0, 1.0, false), pp(2.5, 1.0, false)]);
            e.rect((1.0, 2.0, 3.0, 4.0), Paint::Fill);
        });
        assert_eq!(
            s,
            "0 0 m\n10 0 l\n12 0 12 2 12 3 c\nf\nq\n1 0 0 1 1 1 cm\n0 0 m\n1.5 0 l\nS\nQ\n1 2 3 4 re\nf\n"
        );
    }

    #[test]
    fn open_lines_in_one_state_share_one_stroke() {
        let s = enc(|e| {
            e.stroke(Rgb(0.0, 0.0, 0.0));
            e.line(&[pp(0.0, 0.0, false), pp(5.0, 0.0, false)]);
            // Asking again for what is in force changes nothing.
            e.stroke(Rgb(0.0, 0.0, 0.0));
            e.line_width(1.0);
            e.line(&[pp(0.0, 2.0, false), pp(5.0, 2.0, false)]);
            e.line_width(2.0);
            e.line(&[pp(0.0, 4.0, false), pp(5.0, 4.0, false)]);
        });
        assert_eq!(
            s,
            // Each group of lines relative to its first point.
            "/P CS\n0 SC\n0 0 m\n5 0 l\n0 2 m\n5 2 l\nS\n2 w\nq\n1 0 0 1 0 4 cm\n0 0 m\n5 0 l\nS\nQ\n"
        );
    }

    #[test]
    fn marked_content_opens_inside_merged_text_and_after_held_back_et() {
        let s = enc(|e| {
            e.begin_text();
            e.begin_marked("P", Some(0));
            e.font("R", 10.0);
            e.text_matrix([1.0, 0.0, 0.0, 1.0, 10.0, 20.0]);
            e.show(&[Glyph { gid: 1, kern: 0.0 }]);
            e.end_marked();
            e.end_text();
            e.begin_marked("Artifact", None);
            e.rect((0.0, 0.0, 1.0, 1.0), Paint::Fill);
            e.end_marked();
        });
        assert_eq!(
            s,
            "BT\n/P<</MCID 0>>BDC\n/R 10 Tf\n10 20 Td\n(\0\x01)Tj\nEMC\nET\n/Artifact BMC\n0 0 1 1 re\nf\nEMC\n"
        );
    }

    #[test]
    fn flipped_text_uses_td_after_one_tm() {
        let s = enc(|e| {
            e.begin_text();
            e.text_matrix([1.0, 0.0, 0.0, -1.0, 10.0, 20.0]);
            e.show(&[Glyph { gid: 5, kern: 0.0 }]);
            e.text_matrix([1.0, 0.0, 0.0, -1.0, 15.0, 30.0]);
            e.show(&[Glyph { gid: 6, kern: 0.0 }]);
            e.end_text();
        });
        assert_eq!(
            s,
            "BT\n1 0 0 -1 10 20 Tm\n(\0\x05)Tj\n5 -10 Td\n(\0\x06)Tj\nET\n"
        );
    }

    /// Glyph ids whose bytes are a string delimiter, the escape or a
    /// carriage return are escaped, and a PDF reader gets every id back.
    #[test]
    fn glyph_strings_escape_what_a_reader_would_misread() {
        let gids = [0x2829u16, 0x5C0D, 0x0A0D, 0x0D0A, 0x4142, 0x0000, 0xFFFF];
        let glyphs: Vec<Glyph> = gids.iter().map(|&gid| Glyph { gid, kern: 0.0 }).collect();
        let mut palette = Palette::default();
        let mut e = Encoder::new(&mut palette, 0);
        e.begin_text();
        e.show(&glyphs);
        e.end_text();
        let bytes = e.finish().bytes;
        let at = bytes.iter().position(|&b| b == b'(').expect("a string");
        assert_eq!(
            &bytes[at..at + 22],
            b"(\\(\\)\\\\\\r\n\\r\\r\nAB\0\0\xFF\xFF)",
        );
        // Read back as a reader does (lopdf's content parser).
        let ops = lopdf::content::Content::decode(&bytes)
            .expect("parses")
            .operations;
        let tj = ops.iter().find(|o| o.operator == "Tj").expect("Tj");
        let read = tj.operands[0].as_str().expect("a string");
        let back: Vec<u16> = read
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(back, gids);
    }
}
