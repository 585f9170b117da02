//! Illustrations: portal screen mock-ups as a backend-neutral scene.
//!
//! A [`Scene`] is a flat list of drawing primitives (rectangles with optional
//! rounded corners, circles, straight-segment paths and text runs at explicit
//! positions) in abstract units on a canvas of [`Scene::width`] ×
//! [`Scene::height`], y growing downwards. [`build`] turns an evaluated
//! screen into a scene; [`svg`] and [`pdf`] draw the same scene as inline SVG
//! for the HTML guide and as printpdf vector operations for the handout, so
//! both show the same picture.
//!
//! Text is measured here, once, with the metrics of BIZ UDGothic (a
//! fixed-pitch font: East-Asian-wide characters advance one em, half-width
//! characters half an em), so line breaks are decided before drawing and are
//! identical in both backends. [`wrap`] breaks Japanese lines with simple
//! kinsoku rules (no line starts with 、。）」 and the like, none ends with
//! an opening bracket).

pub mod build;
pub mod pdf;
pub mod svg;

pub use build::{SceneOptions, screen_alt, screen_scene};
pub use pdf::{PdfFonts, scene_height_mm, to_pdf_ops, to_pdf_ops_at};
pub use svg::to_svg;

/// Default canvas width in units: 680 units printed at 170 mm, so one unit is
/// a quarter millimetre and 11 units are about 7.8 pt.
pub const DEFAULT_WIDTH: f32 = 680.0;

/// Smallest font size (units) the builder uses for any text.
pub const MIN_FONT_SIZE: f32 = 11.0;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Color {
    /// A colour from its 0xRRGGBB value.
    pub const fn hex(v: u32) -> Self {
        Self {
            r: ((v >> 16) & 0xff) as u8,
            g: ((v >> 8) & 0xff) as u8,
            b: (v & 0xff) as u8,
        }
    }

    /// `#rrggbb`, for SVG attributes.
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Components in 0.0–1.0, for PDF colour operators.
    pub fn unit(self) -> (f32, f32, f32) {
        (
            f32::from(self.r) / 255.0,
            f32::from(self.g) / 255.0,
            f32::from(self.b) / 255.0,
        )
    }
}

/// How an outline is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// Line colour.
    pub color: Color,
    /// Line width in units.
    pub width: f32,
    /// Dash and gap lengths in units; `None` for a solid line.
    pub dash: Option<(f32, f32)>,
}

impl Stroke {
    /// A solid line.
    pub const fn solid(color: Color, width: f32) -> Self {
        Self {
            color,
            width,
            dash: None,
        }
    }

    /// A dashed line.
    pub const fn dashed(color: Color, width: f32, dash: f32, gap: f32) -> Self {
        Self {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
}

/// Fill and outline of a shape; either may be absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Fill colour.
    pub fill: Option<Color>,
    /// Outline.
    pub stroke: Option<Stroke>,
}

impl Style {
    /// Filled, no outline.
    pub const fn fill(c: Color) -> Self {
        Self {
            fill: Some(c),
            stroke: None,
        }
    }

    /// Outlined, not filled.
    pub const fn stroke(s: Stroke) -> Self {
        Self {
            fill: None,
            stroke: Some(s),
        }
    }

    /// Filled and outlined.
    pub const fn both(c: Color, s: Stroke) -> Self {
        Self {
            fill: Some(c),
            stroke: Some(s),
        }
    }
}

/// What a primitive depicts; lets tests and stylesheets find parts of a
/// picture (SVG output carries it as a `class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Browser and portal chrome: frame, address bar, header, title.
    Chrome,
    /// The form table: cells, labels, help text.
    Table,
    /// The 必須 badge.
    Required,
    /// A form control (input box, checkbox, radio, select, button).
    Control,
    /// A value the clinic enters or checks.
    Value,
    /// A value the clinic's data lacks.
    Missing,
    /// The masked boxes of a secret number and its note.
    Secret,
    /// The box marking the element to act on.
    Highlight,
    /// A numbered marker (①).
    Marker,
    /// A callout bubble and its text.
    Callout,
    /// The leader line from a callout to its row.
    Leader,
    /// The ✕ over a wrong choice.
    Wrong,
    /// The outline and label pointing at the right choice.
    Correct,
    /// The dimmed page behind a dialog.
    Backdrop,
}

impl Role {
    /// Lower-case name, used as the SVG class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Chrome => "chrome",
            Role::Table => "table",
            Role::Required => "required",
            Role::Control => "control",
            Role::Value => "value",
            Role::Missing => "missing",
            Role::Secret => "secret",
            Role::Highlight => "highlight",
            Role::Marker => "marker",
            Role::Callout => "callout",
            Role::Leader => "leader",
            Role::Wrong => "wrong",
            Role::Correct => "correct",
            Role::Backdrop => "backdrop",
        }
    }
}

/// Horizontal alignment of a text run relative to its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anchor {
    /// `x` is the left edge.
    #[default]
    Start,
    /// `x` is the centre.
    Middle,
    /// `x` is the right edge.
    End,
}

/// One line of text at an explicit position (never wrapped by a backend).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Anchor point, x.
    pub x: f32,
    /// Baseline, y.
    pub y: f32,
    /// The text, one line, unescaped.
    pub text: String,
    /// Font size in units (em).
    pub size: f32,
    /// Bold face.
    pub bold: bool,
    /// Colour.
    pub color: Color,
    /// Alignment relative to `x`.
    pub anchor: Anchor,
    /// What it depicts.
    pub role: Role,
}

impl TextRun {
    /// Left edge of the run, using [`text_width`].
    pub fn left(&self) -> f32 {
        let w = text_width(&self.text, self.size);
        match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - w / 2.0,
            Anchor::End => self.x - w,
        }
    }
}

/// A drawing primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A rectangle, with rounded corners when `radius > 0`.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Corner radius.
        radius: f32,
        /// Fill and outline.
        style: Style,
        /// What it depicts.
        role: Role,
    },
    /// A circle.
    Circle {
        /// Centre x.
        cx: f32,
        /// Centre y.
        cy: f32,
        /// Radius.
        r: f32,
        /// Fill and outline.
        style: Style,
        /// What it depicts.
        role: Role,
    },
    /// Straight segments through `points`; filled only when `closed`.
    Path {
        /// Vertices.
        points: Vec<(f32, f32)>,
        /// Joins the last point to the first.
        closed: bool,
        /// Fill and outline.
        style: Style,
        /// What it depicts.
        role: Role,
    },
    /// A line of text.
    Text(TextRun),
}

impl Item {
    /// What the item depicts.
    pub fn role(&self) -> Role {
        match self {
            Item::Rect { role, .. } | Item::Circle { role, .. } | Item::Path { role, .. } => *role,
            Item::Text(t) => t.role,
        }
    }
}

/// A raster image placed on the canvas (a real screenshot), drawn before
/// every primitive so annotations sit on top of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageLayer {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width on the canvas.
    pub w: f32,
    /// Height on the canvas.
    pub h: f32,
    /// Pixel width of the image.
    pub px_width: u32,
    /// Pixel height of the image.
    pub px_height: u32,
    /// The (already redacted) image, PNG-encoded.
    pub png: std::sync::Arc<Vec<u8>>,
}

/// A picture: primitives drawn in order on a white canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Canvas width in units.
    pub width: f32,
    /// Canvas height in units, computed from the content.
    pub height: f32,
    /// A screenshot under the primitives, if any.
    pub image: Option<ImageLayer>,
    /// Primitives, back to front.
    pub items: Vec<Item>,
}

impl Scene {
    /// Every text run, in drawing order.
    pub fn texts(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }

    /// All text of the picture joined by newlines (for tests and search).
    pub fn plain_text(&self) -> String {
        self.texts()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Advance of one character in em, following BIZ UDGothic: half-width for
/// ASCII, most Latin-1/Latin Extended-A letters, a few punctuation marks
/// and half-width katakana; a full em for everything else.
pub fn char_em(c: char) -> f32 {
    let cp = u32::from(c);
    let half = match cp {
        0x00..=0x1f => return 0.0,
        0x20..=0x7e => true,
        0xa7 | 0xa8 | 0xb0 | 0xb1 | 0xb4 | 0xb6 | 0xd7 | 0xf7 => false,
        0xa0..=0x17f => true,
        0x2013 | 0x2014 | 0x2022 | 0x20ac | 0x2122 => true,
        0xff61..=0xff9f => true,
        _ => false,
    };
    if half { 0.5 } else { 1.0 }
}

/// Width of `s` set at `size` units (fixed-pitch measure, see [`char_em`]).
pub fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(char_em).sum::<f32>() * size
}

/// Characters that must not start a line (simple kinsoku).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | ','
            | '.'
            | '）'
            | ')'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | ']'
            | '｝'
            | '}'
            | '”'
            | '’'
            | 'ー'
            | '…'
            | '‥'
            | '・'
            | '：'
            | ':'
            | '；'
            | ';'
            | '？'
            | '?'
            | '！'
            | '!'
            | '々'
            | '〜'
            | '～'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '％'
            | '%'
    )
}

/// Characters that must not end a line.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '「' | '『' | '【' | '〔' | '〈' | '《' | '［' | '[' | '｛' | '{' | '“' | '‘'
    )
}

/// Splits a paragraph into unbreakable pieces: runs of half-width
/// non-space characters (words, numbers, URLs) and single other characters.
/// Spaces are their own pieces (break opportunities, dropped at line ends).
fn atoms(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in s.chars() {
        let c = if c == '\t' { ' ' } else { c };
        if c != ' ' && char_em(c) < 1.0 && !no_line_end(c) && !no_line_start(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        out.push(c.to_string());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or(' ')
}

fn last_char(s: &str) -> char {
    s.chars().next_back().unwrap_or(' ')
}

/// Breaks an over-long piece into pieces no wider than `max`.
fn split_long(atom: &str, size: f32, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in atom.chars() {
        if !cur.is_empty() && text_width(&cur, size) + char_em(c) * size > max {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Wraps `text` into lines no wider than `max` units at `size` (a line may
/// exceed `max` only when a single character is wider than it). Explicit
/// newlines start new lines; blank lines are dropped. Japanese breaks between
/// any two characters except where kinsoku forbids; half-width words are
/// kept whole unless longer than a line.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        let mut pieces: Vec<String> = Vec::new();
        for a in atoms(para) {
            if text_width(&a, size) > max {
                pieces.extend(split_long(&a, size, max));
            } else {
                pieces.push(a);
            }
        }
        let mut cur: Vec<String> = Vec::new();
        let mut cur_w = 0.0f32;
        for p in pieces {
            let w = text_width(&p, size);
            if p == " " && cur.is_empty() {
                continue;
            }
            if cur.is_empty() || cur_w + w <= max + 0.01 || p == " " {
                cur_w += w;
                cur.push(p);
                continue;
            }
            // Break before `p`; move pieces from the end of the line along
            // while the break would start a line with a closing mark or end
            // one with an opening mark.
            let mut carry: Vec<String> = vec![p];
            while cur.len() > 1 {
                let last = cur.last().map(String::as_str).unwrap_or(" ");
                let bad_start = no_line_start(first_char(&carry[0]));
                let bad_end = no_line_end(last_char(last));
                if !(bad_start || bad_end) {
                    break;
                }
                if let Some(x) = cur.pop() {
                    carry.insert(0, x);
                }
            }
            push_line(&mut lines, &cur);
            cur = carry
                .into_iter()
                .skip_while(|s| s == " ")
                .collect::<Vec<_>>();
            cur_w = cur.iter().map(|s| text_width(s, size)).sum();
            // A carried run can itself be too long (many closing marks).
            while cur_w > max + 0.01 && cur.len() > 1 {
                let mut head = Vec::new();
                let mut hw = 0.0;
                while let Some(x) = cur.first() {
                    let xw = text_width(x, size);
                    if !head.is_empty() && hw + xw > max + 0.01 {
                        break;
                    }
                    hw += xw;
                    head.push(cur.remove(0));
                }
                push_line(&mut lines, &head);
                cur_w = cur.iter().map(|s| text_width(s, size)).sum();
            }
        }
        push_line(&mut lines, &cur);
    }
    lines
}

fn push_line(lines: &mut Vec<String>, pieces: &[String]) {
    let s: String = pieces.concat();
    let s = s.trim_end().to_string();
    if !s.is_empty() {
        lines.push(s);
    }
}

/// `text` cut to fit `max` units at `size`, ending with … when cut.
pub fn ellipsize(text: &str, size: f32, max: f32) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let budget = max - text_width("…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = char_em(c) * size;
        if w + cw > budget {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_fixed_pitch_font() {
        assert_eq!(text_width("CAF1253000113", 10.0), 65.0);
        assert_eq!(text_width("お客さまID", 10.0), 40.0 + 10.0);
        assert_eq!(text_width("※○●①…×", 10.0), 60.0);
        assert_eq!(text_width("é—", 10.0), 10.0);
        assert_eq!(text_width("ｱｲ", 10.0), 10.0);
    }

    #[test]
    fn wrap_respects_width_and_kinsoku() {
        let s = "回線契約時(光コラボレーション契約時)にNTT又は光コラボ事業者から送付されている「お客さまID」の種類を選択し入力してください。";
        for max in [60.0, 75.0, 90.0, 130.0, 200.0, 333.0] {
            let lines = wrap(s, 10.0, max);
            assert_eq!(lines.concat(), s, "no text lost at {max}");
            for l in &lines {
                assert!(text_width(l, 10.0) <= max + 0.01, "{l} wider than {max}");
                assert!(
                    !no_line_start(first_char(l)),
                    "line starts with closing mark: {l}"
                );
                assert!(
                    !no_line_end(last_char(l)),
                    "line ends with opening mark: {l}"
                );
            }
        }
    }

    #[test]
    fn wrap_keeps_ascii_words_and_drops_break_spaces() {
        let lines = wrap("https://example.jp/a/b and more words here", 10.0, 100.0);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
        );
        assert!(lines.iter().any(|l| l.contains("words")));
        let lines = wrap("1253000113", 10.0, 30.0);
        assert_eq!(lines.concat(), "1253000113");
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 30.0));
    }

    #[test]
    fn wrap_of_kinsoku_run_never_starts_with_period() {
        let lines = wrap("あいうえお。", 10.0, 50.0);
        assert_eq!(lines, vec!["あいうえ", "お。"]);
        let lines = wrap("あいう「えお", 10.0, 40.0);
        assert_eq!(lines, vec!["あいう", "「えお"]);
    }

    #[test]
    fn ellipsize_fits() {
        let s = ellipsize(
            "https://shinsei.iryohokenjyoho-portalsite.jp/pc/enquete/online/",
            10.0,
            100.0,
        );
        assert!(s.ends_with('…'));
        assert!(text_width(&s, 10.0) <= 100.0);
        assert_eq!(ellipsize("短い", 10.0, 100.0), "短い");
    }
}
