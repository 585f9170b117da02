//! Builds the [`Scene`] of one evaluated screen.
//!
//! The picture is laid out top to bottom: the frame's window title bar (when
//! it has one), an address bar (when the step gives a URL), the frame's
//! header with its one or two lines in the frame's colours (a screen without
//! a frame is a plain window: no header), the page title and lead text, then the body by screen kind — a two-column
//! form table, a menu of links, a modal dialog over a dimmed page, or a
//! message panel — and the buttons. Controls are drawn as the user sees them
//! with the clinic's values in them (secrets masked, never printed).
//!
//! Annotations go on top: a highlight box around the element to act on (red
//! with a green "正しくは…" label where a finding corrected the clinic's data:
//! the control already shows the value to enter, never the wrong one), and
//! callout bubbles placed in a margin column to the right of the
//! screen (so they never hide what they point at), joined to their rows by
//! leader lines and numbered markers. All sizes are in scene units; text is
//! never smaller than [`MIN_FONT_SIZE`].

use super::{Anchor, Color, ImageLayer, Item, MIN_FONT_SIZE, Role, Scene, Stroke, Style, TextRun};
use crate::eval::guide::{GuideRow, GuideScreen, Shown};
use crate::model::Severity;
use crate::model::manual::{
    Align, Annotation, Button, Choice, Control, Frame, FrameWords, ScreenKind, Screenshot,
};
use crate::model::strings::Strings;
use crate::render::pdf::{Fonts, Measure};
use std::sync::Arc;

/// Layout choices for [`screen_scene`].
#[derive(Debug, Clone, PartialEq)]
pub struct SceneOptions {
    /// Canvas width in units (default [`super::DEFAULT_WIDTH`], printed at
    /// 170 mm; at least 480).
    pub width: f32,
    /// Width of the right margin column that holds callout bubbles; only
    /// reserved when the screen has callouts.
    pub callout_width: f32,
    /// Most lines of portal help text drawn per row (0 hides help text).
    pub help_lines: usize,
    /// Draw each callout's longer explanation inside its bubble.
    pub callout_detail: bool,
    /// Draw highlights, callouts and corrections (false: the bare screen).
    pub annotate: bool,
    /// The tool's words drawn in pictures (the theme's strings: `picture_*`,
    /// `check`, `year_month`); the screens' own words come from their frame.
    /// Shared, not copied: a clinic's pictures take the guide's strings.
    pub strings: Arc<Strings>,
}

impl SceneOptions {
    /// Takes the words drawn in pictures from the theme's strings.
    pub fn worded(self, t: &Strings) -> Self {
        self.worded_shared(&Arc::new(t.clone()))
    }

    /// [`SceneOptions::worded`] with strings already shared (a guide's).
    pub fn worded_shared(mut self, t: &Arc<Strings>) -> Self {
        self.strings = Arc::clone(t);
        self
    }
}

/// The default strings, shared by every [`SceneOptions::default`].
static DEFAULT_STRINGS: std::sync::LazyLock<Arc<Strings>> =
    std::sync::LazyLock::new(|| Arc::new(Strings::default()));

impl Default for SceneOptions {
    fn default() -> Self {
        Self {
            width: super::DEFAULT_WIDTH,
            callout_width: 196.0,
            help_lines: 2,
            callout_detail: true,
            annotate: true,
            strings: DEFAULT_STRINGS.clone(),
        }
    }
}

// Palette: a plain government-portal look (white page, blue header, grey
// label cells), with warm orange for annotations.
const WHITE: Color = Color::hex(0xffffff);
const INK: Color = Color::hex(0x1f2328);
const MUTED: Color = Color::hex(0x5a6069);
const PLACEHOLDER: Color = Color::hex(0x656b74);
/// Text of a title bar or header dimmed behind a dialog (on its dark band).
const DIM_TEXT: Color = Color::hex(0x8e959e);
const FRAME: Color = Color::hex(0xaab1ba);
const ADDR_BG: Color = Color::hex(0xe6e9ed);
const ADDR_BORDER: Color = Color::hex(0xc2c7ce);
const TITLE_RULE: Color = Color::hex(0xd5dae0);
const LABEL_BG: Color = Color::hex(0xedf0f4);
const CELL_BORDER: Color = Color::hex(0xc6ccd4);
const REQUIRED: Color = Color::hex(0xc8102e);
const INPUT_BORDER: Color = Color::hex(0x878e97);
const PREFILLED_BG: Color = Color::hex(0xf1f3f5);
const LINK: Color = Color::hex(0x0b57b0);
const BUTTON_BG: Color = Color::hex(0xf4f5f7);
const HILITE: Color = Color::hex(0xc44100);
const CALLOUT_BG: Color = Color::hex(0xfff4e8);
const WRONG: Color = Color::hex(0xd50000);
const CORRECT: Color = Color::hex(0x146c2e);
const CORRECT_BG: Color = Color::hex(0xe6f4ea);
const WARN: Color = Color::hex(0xc77700);
const MESSAGE_BG: Color = Color::hex(0xeaf2fb);
const MESSAGE_BORDER: Color = Color::hex(0x9cbfe6);
const BACKDROP: Color = Color::hex(0x7c828a);
const SKELETON: Color = Color::hex(0x8e949c);
const SHADOW: Color = Color::hex(0x5b6067);

// Type sizes (units).
const BODY: f32 = 12.0;
const SMALL: f32 = MIN_FONT_SIZE;
const TITLE: f32 = 16.0;
const SITE_SUB: f32 = 11.0;
const SITE_MAIN: f32 = 14.0;
/// A paper document's title.
const DOC_TITLE: f32 = 18.0;

// Geometry (units).
/// Narrowest canvas the layout supports; narrower requests are widened.
const MIN_WIDTH: f32 = 480.0;
const GAP: f32 = 26.0;
const PAD: f32 = 16.0;
const CELL_PAD: f32 = 8.0;
const HILITE_W: f32 = 2.5;
const MARKER_R: f32 = 9.0;

/// Accent of a screen without a frame (page title mark, chosen options).
const PLAIN_ACCENT: Color = Color::hex(0x1d4e89);

/// `c` darkened, as under a dialog's dimmed backdrop.
fn dimmed(c: Color) -> Color {
    Color {
        r: (c.r as f32 * 0.55) as u8,
        g: (c.g as f32 * 0.55) as u8,
        b: (c.b as f32 * 0.55) as u8,
    }
}

/// Line height for text set at `size`.
fn lh(size: f32) -> f32 {
    (size * 1.5).round()
}

/// Baseline of a line of `size` text whose line box starts at `top`.
fn baseline(top: f32, size: f32) -> f32 {
    top + lh(size) / 2.0 + size * 0.37
}

/// Width of a button showing `label` (never narrower than 72 units).
fn button_width(m: Measure<'_>, label: &str) -> f32 {
    (m.width(label, BODY) + 36.0).max(72.0)
}

/// Width of the widest of `lines` at `size`.
fn widest(m: Measure<'_>, lines: &[String], size: f32) -> f32 {
    lines
        .iter()
        .map(|l| m.width(l, size))
        .fold(0.0f32, f32::max)
}

/// An axis-aligned box used while laying out.
#[derive(Debug, Clone, Copy)]
struct Bx {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Bx {
    fn right(self) -> f32 {
        self.x + self.w
    }
    fn bottom(self) -> f32 {
        self.y + self.h
    }
    fn union(self, o: Bx) -> Bx {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Bx {
            x,
            y,
            w: self.right().max(o.right()) - x,
            h: self.bottom().max(o.bottom()) - y,
        }
    }
    fn grow(self, d: f32) -> Bx {
        Bx {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }
}

/// The short form of a choice label for tags: "1: IP-VPN…" → "1".
fn short_choice(label: &str) -> &str {
    match label.split_once(':') {
        Some((v, _)) if !v.trim().is_empty() && v.trim().chars().count() <= 4 => v.trim(),
        _ => label,
    }
}

/// A callout waiting to be placed in the margin column.
struct Pending {
    /// Where the leader starts (right edge of the highlight box).
    tx: f32,
    ty: f32,
    marker: Option<u32>,
    text: String,
    detail: String,
}

/// Layout state.
struct Builder<'o> {
    opts: &'o SceneOptions,
    /// The one text measure (the handout's fonts and line breaking).
    m: Measure<'o>,
    items: Vec<Item>,
    /// Screen frame left and width.
    fx: f32,
    fw: f32,
    /// Callouts to place.
    pending: Vec<Pending>,
    /// Whether the page is dimmed (dialog backdrop).
    dim: bool,
    /// The frame's colour (page title mark, chosen options, primary buttons).
    accent: Color,
    /// The frame's words (required badge, select placeholder …).
    words: FrameWords,
    /// Drawing a paper document (a secret is blanked, not an input).
    paper: bool,
}

/// Builds the picture of `screen` as the clinic should see it, annotated.
pub fn screen_scene(screen: &GuideScreen, opts: &SceneOptions, fonts: &Fonts) -> Scene {
    let width = opts.width.max(MIN_WIDTH);
    let has_callouts = opts.annotate && screen.rows.iter().any(|r| r.callout.is_some());
    let margin = if has_callouts {
        opts.callout_width.clamp(120.0, width * 0.45)
    } else {
        0.0
    };
    let fw = if has_callouts {
        width - margin - GAP - 1.0
    } else {
        width - 2.0
    };
    let mut b = Builder {
        opts,
        m: Measure::new(fonts),
        items: Vec::new(),
        fx: 1.0,
        fw,
        pending: Vec::new(),
        dim: false,
        accent: PLAIN_ACCENT,
        words: FrameWords::default(),
        paper: false,
    };
    let bottom = b.screen(screen);
    let callout_bottom = b.place_callouts(width - margin, margin);
    Scene {
        width,
        height: (bottom.max(callout_bottom) + 2.0).ceil(),
        image: None,
        items: b.items,
    }
}

/// Builds the picture of a real screenshot: the (already redacted) image
/// scaled to the picture width, with its annotations drawn over it and its
/// callouts in a margin column beside it.
pub fn screenshot_scene(shot: &Screenshot, opts: &SceneOptions, fonts: &Fonts) -> Scene {
    let width = opts.width.max(MIN_WIDTH);
    let has_callouts = shot
        .annotations
        .iter()
        .any(|a| matches!(a, Annotation::Callout { .. }));
    let margin = if has_callouts {
        opts.callout_width.clamp(120.0, width * 0.45)
    } else {
        0.0
    };
    let iw = if has_callouts {
        width - margin - GAP - 1.0
    } else {
        width - 2.0
    };
    let k = iw / shot.width.max(1) as f32;
    let ih = shot.height as f32 * k;
    let mut b = Builder {
        opts,
        m: Measure::new(fonts),
        items: Vec::new(),
        fx: 1.0,
        fw: iw,
        pending: Vec::new(),
        dim: false,
        accent: PLAIN_ACCENT,
        words: FrameWords::default(),
        paper: false,
    };
    let at = |x: f32, y: f32| (1.0 + x * k, 1.0 + y * k);
    for a in &shot.annotations {
        match a {
            Annotation::Redact { x, y, w, h } => {
                let (px, py) = at(*x, *y);
                let bx = Bx {
                    x: px,
                    y: py,
                    w: w * k,
                    h: h * k,
                };
                b.rect(bx, 0.0, Style::fill(SHADOW), Role::Secret);
                let hidden = opts.strings.get("picture_hidden");
                if bx.w >= b.m.width(hidden, SMALL) + 4.0 && bx.h >= lh(SMALL) {
                    b.run(
                        bx.x + bx.w / 2.0,
                        baseline(bx.y + (bx.h - lh(SMALL)) / 2.0, SMALL),
                        hidden,
                        SMALL,
                        true,
                        WHITE,
                        Anchor::Middle,
                        Role::Secret,
                    );
                }
            }
            Annotation::Rect { x, y, w, h } => {
                let (px, py) = at(*x, *y);
                b.rect(
                    Bx {
                        x: px,
                        y: py,
                        w: w * k,
                        h: h * k,
                    },
                    3.0,
                    Style::stroke(Stroke::solid(HILITE, HILITE_W)),
                    Role::Highlight,
                );
            }
            Annotation::Arrow { from, to } => {
                let (x1, y1) = at(from.0, from.1);
                let (x2, y2) = at(to.0, to.1);
                b.path(
                    vec![(x1, y1), (x2, y2)],
                    false,
                    Style::stroke(Stroke::solid(HILITE, HILITE_W)),
                    Role::Leader,
                );
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(0.001);
                let (ux, uy) = (dx / len, dy / len);
                let head = 10.0;
                let back = (x2 - ux * head, y2 - uy * head);
                b.path(
                    vec![
                        (x2, y2),
                        (back.0 - uy * head * 0.5, back.1 + ux * head * 0.5),
                        (back.0 + uy * head * 0.5, back.1 - ux * head * 0.5),
                    ],
                    true,
                    Style::fill(HILITE),
                    Role::Leader,
                );
            }
            Annotation::Marker { x, y, number } => {
                let (px, py) = at(*x, *y);
                b.marker(px, py, *number);
            }
            Annotation::Callout { x, y, text } => {
                let (px, py) = at(*x, *y);
                b.pending.push(Pending {
                    tx: px,
                    ty: py,
                    marker: None,
                    text: text.clone(),
                    detail: String::new(),
                });
            }
        }
    }
    let callout_bottom = b.place_callouts(width - margin, margin);
    b.rect(
        Bx {
            x: 1.0,
            y: 1.0,
            w: iw,
            h: ih,
        },
        0.0,
        Style::stroke(Stroke::solid(FRAME, 1.0)),
        Role::Chrome,
    );
    Scene {
        width,
        height: (ih + 2.0).max(callout_bottom + 2.0).ceil(),
        image: Some(ImageLayer {
            x: 1.0,
            y: 1.0,
            w: iw,
            h: ih,
            px_width: shot.width,
            px_height: shot.height,
            png: shot.png.clone(),
        }),
        items: b.items,
    }
}

/// The text alternative of a picture (`alt`/`aria-label`, the tagged PDF's
/// `/Alt`): the screen, then what the picture shows this clinic on each row
/// in the screen's order (the row's label and [`GuideRow::display`], the
/// words every renderer shows: the value to enter or choose, a tick, a box
/// to leave empty, a secret's instruction), the element to act on and the
/// button to press. In the handout the picture is the only place most values
/// are printed, and a reader of the tagged PDF gets this text instead of the
/// picture, so it says everything the picture asks of the clinic. Never
/// contains secret values (a secret row's display is the theme's words).
/// Worded by the theme's `picture_alt*` strings and the screen kind's name
/// (`site_screen_*`, the help site's names).
pub fn screen_alt(screen: &GuideScreen, t: &Strings) -> String {
    let mut s = screen_named(screen, t);
    let mut targets = String::new();
    for r in &screen.rows {
        if matches!(r.shown, Shown::Nothing) {
            if r.highlight || r.callout.is_some() {
                // A link is named as one (「「…」のリンク」): the reader looks
                // for underlined text, not a box.
                let key = if r.control == Control::Link {
                    "site_link"
                } else {
                    "picture_alt_target"
                };
                targets.push_str(&t.fill(key, &[("label", &r.label)]));
            }
            continue;
        }
        s.push_str(&row_alt(r, t));
    }
    if !targets.is_empty() {
        s.push_str(&t.fill("picture_alt_shows", &[("targets", &targets)]));
    }
    s.push_str(&press(screen, t));
    s
}

/// The text alternative of a picture in an HTML page that sets the screen's
/// rows right under it (the guide's table; the help site's table, or list
/// for a menu; whenever the screen has rows): the screen, where its values
/// are (under it), and
/// the button to press. [`screen_alt`]'s rows again would be heard twice by a
/// screen reader, once in the picture and once in the table (WCAG G74: a
/// short alternative naming where the long description is). The tagged
/// handout, which prints most values only in the picture, keeps
/// [`screen_alt`]. `None` for a screen without rows (no table: the picture
/// says it all).
pub fn screen_alt_beside_table(screen: &GuideScreen, t: &Strings) -> Option<String> {
    if screen.rows.is_empty() {
        return None;
    }
    let mut s = screen_named(screen, t);
    s.push_str(t.get("picture_alt_table"));
    s.push_str(&press(screen, t));
    Some(s)
}

/// 「「…」の入力画面の図」: the screen's title and kind.
fn screen_named(screen: &GuideScreen, t: &Strings) -> String {
    let kind = t.get(screen_kind_key(screen.kind));
    t.fill("picture_alt", &[("title", &screen.title), ("kind", kind)])
}

/// 「。「確認画面へ進む」ボタンを押します」: the screen's primary button, if any
/// (a primary link: 「。「…」のリンクをクリックします」), then the other links
/// among the buttons (「。画面には「パスワードを忘れた方はこちら」のリンクもあります」):
/// a link is named as one, never as a button.
fn press(screen: &GuideScreen, t: &Strings) -> String {
    let named = |b: &Button| {
        let key = if b.link { "site_link" } else { "site_button" };
        t.fill(key, &[("label", &b.label)])
    };
    let mut s = screen
        .buttons
        .iter()
        .find(|b| b.primary)
        .map(|p| {
            if p.link {
                t.fill("picture_alt_click", &[("link", &named(p))])
            } else {
                t.fill("picture_alt_press", &[("button", &named(p))])
            }
        })
        .unwrap_or_default();
    // The links the picture draws besides the one to click, top to bottom:
    // under the lead, in the rows, among the buttons; each named once (a my
    // page's 「登録内容を確認する」 beside three entries is one link to look for).
    let mut words: Vec<&str> = Vec::new();
    let all = screen
        .links
        .iter()
        .chain(screen.rows.iter().flat_map(|r| r.links.iter()))
        .map(String::as_str)
        .chain(
            screen
                .buttons
                .iter()
                .filter(|b| b.link && !b.primary)
                .map(|b| b.label.as_str()),
        );
    for w in all {
        if !words.contains(&w) {
            words.push(w);
        }
    }
    let links: String = words
        .iter()
        .map(|w| t.fill("site_link", &[("label", w)]))
        .collect::<Vec<_>>()
        .join(t.get("picture_alt_links_joiner"));
    if !links.is_empty() {
        s.push_str(&t.fill("picture_alt_links", &[("links", &links)]));
    }
    s
}

/// The text alternative of a step's figure (a document such as the notice
/// sample): the author's `caption` (its `alt:`, which says what is blanked
/// and why), then the values the document prints for this clinic (its code,
/// the terminal of this step), in its order. Secrets are blanked on paper
/// and left to the caption.
pub fn figure_alt(fig: &GuideScreen, caption: &str, t: &Strings) -> String {
    let rows: String = fig
        .rows
        .iter()
        .filter(|r| {
            matches!(
                r.shown,
                Shown::Value { .. } | Shown::Choice { .. } | Shown::YearMonth { .. }
            )
        })
        .map(|r| row_alt(r, t))
        .collect();
    if rows.is_empty() {
        return caption.to_string();
    }
    // The caption's own full stop (「。」 or 「.」) ends the whole text: the
    // rows (`picture_alt_row` starts each with the theme's stop) go before it.
    let (bare, stop) = match caption.chars().next_back() {
        Some(c @ ('。' | '.')) => (&caption[..caption.len() - c.len_utf8()], c.to_string()),
        _ => (caption, String::new()),
    };
    format!("{bare}{rows}{stop}")
}

/// One row in a text alternative: its label (marked when the portal fills
/// it in) and what it shows, with a correction's, a callout's or a doubt's
/// words after it.
fn row_alt(r: &GuideRow, t: &Strings) -> String {
    let mut label = r.label.clone();
    if r.prefilled {
        label.push_str(&t.fill(
            "picture_alt_prefilled",
            &[("prefilled", t.get("prefilled"))],
        ));
    }
    let display = r.display.trim_end_matches('。');
    let mut s = t.fill(
        "picture_alt_row",
        &[("label", &label), ("display", display)],
    );
    if r.correction.is_some() {
        s.push_str(&t.fill("picture_alt_note", &[("text", t.get("corrected"))]));
    }
    // A callout the display already says adds nothing; one that names
    // the value says what to do with it (「「2」を選択してください」).
    if let Some(c) = &r.callout
        && !display.contains(c.text.as_str())
    {
        s.push_str(&t.fill("picture_alt_note", &[("text", &c.text)]));
    }
    // The picture frames a row a warning or an error doubts (dashed):
    // the words say so, as the sheet marks it.
    if crate::render::sheet::to_check(r) {
        let flag = t.fill("picture_alt_flag", &[("findings", t.get("findings"))]);
        s.push_str(&t.fill("picture_alt_note", &[("text", &flag)]));
    }
    s
}

/// The strings key of a screen kind's name (「入力画面」).
pub fn screen_kind_key(kind: ScreenKind) -> &'static str {
    match kind {
        ScreenKind::Form => "site_screen_form",
        ScreenKind::Menu => "site_screen_menu",
        ScreenKind::Dialog => "site_screen_dialog",
        ScreenKind::Message => "site_screen_message",
        ScreenKind::Document => "site_screen_document",
    }
}

impl Builder<'_> {
    // ---- primitive helpers -------------------------------------------------

    fn rect(&mut self, b: Bx, radius: f32, style: Style, role: Role) {
        self.items.push(Item::Rect {
            x: b.x,
            y: b.y,
            w: b.w,
            h: b.h,
            radius,
            style,
            role,
        });
    }

    fn circle(&mut self, cx: f32, cy: f32, r: f32, style: Style, role: Role) {
        self.items.push(Item::Circle {
            cx,
            cy,
            r,
            style,
            role,
        });
    }

    fn path(&mut self, points: Vec<(f32, f32)>, closed: bool, style: Style, role: Role) {
        self.items.push(Item::Path {
            points,
            closed,
            style,
            role,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        bold: bool,
        color: Color,
        anchor: Anchor,
        role: Role,
    ) {
        if text.is_empty() {
            return;
        }
        let size = size.max(MIN_FONT_SIZE);
        self.items.push(Item::Text(TextRun {
            x,
            width: self.m.width_in(text, size, bold),
            y,
            text: text.to_string(),
            size,
            bold,
            color,
            anchor,
            role,
        }));
    }

    /// Draws wrapped lines from `top`; returns the bottom.
    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        x: f32,
        top: f32,
        lines: &[String],
        size: f32,
        bold: bool,
        color: Color,
        role: Role,
    ) -> f32 {
        let mut y = top;
        for l in lines {
            self.run(
                x,
                baseline(y, size),
                l,
                size,
                bold,
                color,
                Anchor::Start,
                role,
            );
            y += lh(size);
        }
        y
    }

    /// Wraps and draws a paragraph; returns the bottom.
    #[allow(clippy::too_many_arguments)]
    fn para(
        &mut self,
        x: f32,
        top: f32,
        w: f32,
        text: &str,
        size: f32,
        bold: bool,
        color: Color,
        role: Role,
    ) -> f32 {
        let ls = self.m.wrap(text, size, w);
        self.lines(x, top, &ls, size, bold, color, role)
    }

    /// Draws paragraphs (one per line of `text`) with a gap between them,
    /// each line aligned as `align` says; returns the bottom.
    fn paragraphs(&mut self, x: f32, top: f32, w: f32, text: &str, align: Align) -> f32 {
        let (ax, anchor) = match align {
            Align::Left => (x, Anchor::Start),
            Align::Center => (x + w / 2.0, Anchor::Middle),
            Align::Right => (x + w, Anchor::End),
        };
        let mut y = top;
        for (i, p) in text.lines().filter(|p| !p.trim().is_empty()).enumerate() {
            if i > 0 {
                y += 2.0;
            }
            for l in self.m.wrap(p, BODY, w) {
                self.run(
                    ax,
                    baseline(y, BODY),
                    &l,
                    BODY,
                    false,
                    INK,
                    anchor,
                    Role::Table,
                );
                y += lh(BODY);
            }
        }
        y
    }

    /// A marker: a filled circle with the number in white.
    fn marker(&mut self, cx: f32, cy: f32, n: u32) {
        self.circle(
            cx,
            cy,
            MARKER_R,
            Style::both(HILITE, Stroke::solid(WHITE, 1.5)),
            Role::Marker,
        );
        let label = n.to_string();
        let size = if label.len() > 1 { SMALL } else { 12.0 };
        self.run(
            cx,
            cy + size * 0.36,
            &label,
            size,
            true,
            WHITE,
            Anchor::Middle,
            Role::Marker,
        );
    }

    /// Inserts items built later at an earlier drawing position.
    fn insert_at(&mut self, at: usize, items: Vec<Item>) {
        self.items.splice(at..at, items);
    }

    fn take_from(&mut self, at: usize) -> Vec<Item> {
        self.items.split_off(at)
    }

    // ---- the screen ----------------------------------------------------------

    fn screen(&mut self, s: &GuideScreen) -> f32 {
        if s.kind == ScreenKind::Document {
            return self.document(s);
        }
        let frame_at = self.items.len();
        self.dim = s.kind == ScreenKind::Dialog;
        self.accent = s
            .frame
            .as_ref()
            .map(|f| Color::hex(f.color))
            .unwrap_or(PLAIN_ACCENT);
        self.words = s
            .frame
            .as_ref()
            .map(|f| f.words.clone())
            .unwrap_or_default();
        let mut y = 1.0;
        if let Some(f) = &s.frame
            && let Some(t) = &f.title_bar
        {
            y = self.title_bar(y, t, Color::hex(f.title_bar_color));
        }
        if let Some(url) = &s.url {
            y = self.address_bar(y, url);
        }
        if let Some(f) = &s.frame
            && !f.header.is_empty()
        {
            y = self.header(y, f);
        }
        let bottom = match s.kind {
            ScreenKind::Dialog => self.dialog(s, y),
            _ => {
                let (top, foot): (Vec<Button>, Vec<Button>) =
                    s.buttons.iter().cloned().partition(|b| b.top);
                let title_end = self.page_title(y + PAD, &s.title, &top);
                let mut y = self.lead(s, title_end);
                if s.kind != ScreenKind::Message && !s.links.is_empty() {
                    // Right under the lead's words, as the portal's link
                    // follows its sentence (the lead ends 10 below them).
                    let from = if y > title_end { y - 8.0 } else { y };
                    y = self.screen_links(&s.links, self.fx + PAD, self.fw - 2.0 * PAD, from);
                }
                y = match s.kind {
                    ScreenKind::Menu => self.menu(&s.rows, y),
                    ScreenKind::Message => self.message(s, y),
                    _ => self.table(&s.rows, self.fx + PAD, self.fw - 2.0 * PAD, y),
                };
                if !foot.is_empty() {
                    y = self.buttons(&foot, self.fx + PAD, self.fw - 2.0 * PAD, y + 14.0, false);
                }
                y + PAD
            }
        };
        // The frame goes first so everything draws over the white page.
        self.backdrop(frame_at, bottom, 6.0, FRAME);
        // Outline again on top so cells and header never cover the border.
        self.rect(
            Bx {
                x: self.fx,
                y: 1.0,
                w: self.fw,
                h: bottom - 1.0,
            },
            6.0,
            Style::stroke(Stroke::solid(FRAME, 1.0)),
            Role::Chrome,
        );
        bottom
    }

    /// The white shape behind a whole screen or document, from the top of
    /// the frame to `bottom`, put before the items drawn from `at` on.
    fn backdrop(&mut self, at: usize, bottom: f32, radius: f32, outline: Color) {
        let shape = Item::Rect {
            x: self.fx,
            y: 1.0,
            w: self.fw,
            h: bottom - 1.0,
            radius,
            style: Style::both(WHITE, Stroke::solid(outline, 1.0)),
            role: Role::Chrome,
        };
        self.insert_at(at, vec![shape]);
    }

    /// A paper document: a sheet with square corners and no window (its
    /// frame is not drawn), the title centred in bold, the lead, the rows as
    /// a ruled table, the foot and any buttons.
    fn document(&mut self, s: &GuideScreen) -> f32 {
        let sheet_at = self.items.len();
        self.paper = true;
        let margin = PAD;
        let x = self.fx + margin;
        let w = self.fw - 2.0 * margin;
        let mut y = 1.0 + margin;
        for l in self.m.wrap_in(&s.title, DOC_TITLE, w, true) {
            self.run(
                self.fx + self.fw / 2.0,
                baseline(y, DOC_TITLE),
                &l,
                DOC_TITLE,
                true,
                INK,
                Anchor::Middle,
                Role::Chrome,
            );
            y += lh(DOC_TITLE);
        }
        y += 6.0;
        if !s.lead.is_empty() {
            y = self.paragraphs(x, y, w, &s.lead.plain_text(), s.align.lead) + 8.0;
        }
        y = self.screen_links(&s.links, x, w, y);
        y = self.table(&s.rows, x, w, y);
        if !s.foot.is_empty() {
            y = self.paragraphs(x, y + 8.0, w, &s.foot.plain_text(), s.align.foot);
        }
        if !s.buttons.is_empty() {
            y = self.buttons(&s.buttons, x, w, y + 14.0, false);
        }
        let bottom = y + margin;
        self.backdrop(sheet_at, bottom, 0.0, INK);
        bottom
    }

    /// A band across the top of the frame: rounded top corners when it is
    /// the first thing drawn, square lower corners.
    fn band(&mut self, y: f32, h: f32, color: Color) {
        let radius = if y <= 1.0 { 6.0 } else { 0.0 };
        let b = Bx {
            x: self.fx,
            y,
            w: self.fw,
            h,
        };
        self.rect(b, radius, Style::fill(color), Role::Chrome);
        if radius > 0.0 {
            self.rect(
                Bx {
                    y: y + h / 2.0,
                    h: h / 2.0,
                    ..b
                },
                0.0,
                Style::fill(color),
                Role::Chrome,
            );
        }
    }

    /// A window title bar (a device's or an application's window caption).
    fn title_bar(&mut self, y: f32, text: &str, color: Color) -> f32 {
        let h = 26.0;
        let color = if self.dim { dimmed(color) } else { color };
        self.band(y, h, color);
        let text = self.m.ellipsize(text, SMALL, self.fw - 2.0 * PAD);
        self.run(
            self.fx + PAD,
            baseline(y + (h - lh(SMALL)) / 2.0, SMALL),
            &text,
            SMALL,
            true,
            if self.dim { DIM_TEXT } else { WHITE },
            Anchor::Start,
            Role::Chrome,
        );
        y + h
    }

    fn address_bar(&mut self, y: f32, url: &str) -> f32 {
        let h = 32.0;
        self.band(y, h, ADDR_BG);
        let field = Bx {
            x: self.fx + 10.0,
            y: y + 6.0,
            w: self.fw - 20.0,
            h: h - 12.0,
        };
        self.rect(
            field,
            10.0,
            Style::both(WHITE, Stroke::solid(ADDR_BORDER, 1.0)),
            Role::Chrome,
        );
        let text = self.m.ellipsize(url, SMALL, field.w - 24.0);
        self.run(
            field.x + 12.0,
            field.y + field.h / 2.0 + SMALL * 0.36,
            &text,
            SMALL,
            false,
            INK,
            Anchor::Start,
            Role::Chrome,
        );
        y + h
    }

    /// The frame's header: its colour, a small line over a large bold one
    /// (or the large line alone).
    fn header(&mut self, y: f32, frame: &Frame) -> f32 {
        let two = frame.header.len() > 1;
        let h = if two { 48.0 } else { 36.0 };
        let color = Color::hex(frame.color);
        self.band(y, h, if self.dim { dimmed(color) } else { color });
        let text_color = if self.dim {
            DIM_TEXT
        } else {
            Color::hex(frame.text_color)
        };
        let x = self.fx + PAD;
        let w = self.fw - 2.0 * PAD;
        if let Some(sub) = frame.header.first().filter(|_| two) {
            let sub = self.m.ellipsize(sub, SITE_SUB, w);
            self.run(
                x,
                y + 19.0,
                &sub,
                SITE_SUB,
                false,
                text_color,
                Anchor::Start,
                Role::Chrome,
            );
        }
        if let Some(main) = frame.header.last() {
            let main = self.m.ellipsize(main, SITE_MAIN, w);
            self.run(
                x,
                if two { y + 38.0 } else { y + 23.0 },
                &main,
                SITE_MAIN,
                true,
                text_color,
                Anchor::Start,
                Role::Chrome,
            );
        }
        y + h
    }

    /// The page's title with its mark and rule; the buttons placed at the
    /// top of the page (`top: true`, the portal's ログアウト) right-aligned
    /// on its first line, the title wrapping short of them.
    fn page_title(&mut self, y: f32, title: &str, top: &[Button]) -> f32 {
        let x = self.fx + PAD;
        let w = self.fw - 2.0 * PAD;
        let mut reserved = 0.0;
        let mut buttons_bottom = y;
        if !top.is_empty() {
            // At most half the width: a wider set wraps in it.
            let half = w / 2.0;
            let sep = 16.0;
            let wanted: f32 = top
                .iter()
                .map(|b| {
                    if b.link {
                        self.m.width(&b.label, BODY)
                    } else {
                        button_width(self.m, &b.label)
                    }
                })
                .sum::<f32>()
                + sep * (top.len() as f32 - 1.0)
                + 12.0;
            reserved = wanted.min(half);
            // The buttons' line (30 high, drawn 6 below its top) centred on
            // the title's first line.
            let line_top = y + lh(TITLE) / 2.0 - 21.0;
            buttons_bottom = self.buttons(top, x + w - reserved, reserved, line_top, true) - 6.0;
        }
        let ls = self.m.wrap(title, TITLE, w - 12.0 - reserved - 8.0);
        let h = ls.len().max(1) as f32 * lh(TITLE);
        self.rect(
            Bx {
                x,
                y: y + 2.0,
                w: 4.0,
                h: h - 4.0,
            },
            0.0,
            Style::fill(self.accent),
            Role::Chrome,
        );
        let bottom = self
            .lines(x + 12.0, y, &ls, TITLE, true, INK, Role::Chrome)
            .max(buttons_bottom);
        self.path(
            vec![(x, bottom + 5.0), (x + w, bottom + 5.0)],
            false,
            Style::stroke(Stroke::solid(TITLE_RULE, 1.0)),
            Role::Chrome,
        );
        bottom + 14.0
    }

    fn lead(&mut self, s: &GuideScreen, y: f32) -> f32 {
        if s.lead.is_empty() || s.kind == ScreenKind::Message {
            return y;
        }
        let text = s.lead.plain_text();
        if s.align.lead != Align::Left {
            let w = self.fw - 2.0 * PAD;
            return self.paragraphs(self.fx + PAD, y, w, &text, s.align.lead) + 10.0;
        }
        self.para(
            self.fx + PAD,
            y,
            self.fw - 2.0 * PAD,
            &text,
            BODY,
            false,
            INK,
            Role::Table,
        ) + 10.0
    }

    // ---- form table ------------------------------------------------------------

    fn table(&mut self, rows: &[GuideRow], x: f32, w: f32, mut y: f32) -> f32 {
        if rows.is_empty() {
            return y;
        }
        let lw = if self.paper {
            // On paper the label column fits the longest label (within
            // reason), so no label breaks.
            let longest = rows
                .iter()
                .filter(|r| !r.joined)
                .map(|r| self.m.width_in(&r.label, BODY, true))
                .fold(0.0f32, f32::max);
            (longest + 2.0 * CELL_PAD + 1.0).clamp(90.0, w * 0.45)
        } else {
            (w * 0.3).clamp(90.0, 170.0)
        };
        let top = y;
        for row in rows {
            y = self.form_row(row, x, w, lw, y);
        }
        // Outer border over the cells.
        self.rect(
            Bx {
                x,
                y: top,
                w,
                h: y - top,
            },
            0.0,
            Style::stroke(Stroke::solid(CELL_BORDER, 1.0)),
            Role::Table,
        );
        y
    }

    fn form_row(&mut self, row: &GuideRow, x: f32, w: f32, lw: f32, y: f32) -> f32 {
        if row.joined {
            return self.joined_row(row, x, w, lw, y);
        }
        let at = self.items.len();
        // Label cell content.
        // The frame's required badge sits at the right of the first line, unless
        // that would cost the label an extra line; then it goes below the label.
        // A frame without a badge word draws none.
        let badge = self.words.required.clone().filter(|_| row.required);
        let bw = badge
            .as_deref()
            .map_or(30.0, |t| (self.m.width(t, SMALL) + 8.0).max(30.0));
        let full = lw - 2.0 * CELL_PAD;
        let beside = self.m.wrap(&row.label, BODY, full - bw - 4.0);
        let alone = self.m.wrap(&row.label, BODY, full);
        let badge_below = badge.is_some() && beside.len() > alone.len();
        let label_lines = if badge.is_some() && !badge_below {
            beside
        } else {
            alone
        };
        let mut label_bottom = self.lines(
            x + CELL_PAD,
            y + CELL_PAD,
            &label_lines,
            BODY,
            true,
            INK,
            Role::Table,
        );
        if let Some(badge) = &badge {
            let b = if badge_below {
                label_bottom += 20.0;
                Bx {
                    x: x + CELL_PAD,
                    y: label_bottom - 18.0,
                    w: bw,
                    h: 16.0,
                }
            } else {
                Bx {
                    x: x + lw - CELL_PAD - bw,
                    y: y + CELL_PAD + (lh(BODY) - 16.0) / 2.0,
                    w: bw,
                    h: 16.0,
                }
            };
            self.rect(b, 3.0, Style::fill(REQUIRED), Role::Required);
            self.run(
                b.x + b.w / 2.0,
                b.y + 8.0 + SMALL * 0.36,
                badge,
                SMALL,
                true,
                WHITE,
                Anchor::Middle,
                Role::Required,
            );
        }
        // Control cell content: help text, then the control.
        let cx = x + lw + CELL_PAD;
        let cw = w - lw - 2.0 * CELL_PAD;
        let mut cy = y + CELL_PAD;
        cy = self.help(row, cx, cw, cy);
        let (bottom, bbox) = self.linked_control(row, cx, cw, cy);
        let content_bottom = bottom.max(label_bottom);
        let row_h = content_bottom + CELL_PAD - y;
        // Cell backgrounds go under the content.
        let cells = vec![
            Item::Rect {
                x,
                y,
                w: lw,
                h: row_h,
                radius: 0.0,
                style: Style::both(LABEL_BG, Stroke::solid(CELL_BORDER, 1.0)),
                role: Role::Table,
            },
            Item::Rect {
                x: x + lw,
                y,
                w: w - lw,
                h: row_h,
                radius: 0.0,
                style: Style::both(WHITE, Stroke::solid(CELL_BORDER, 1.0)),
                role: Role::Table,
            },
        ];
        self.insert_at(at, cells);
        self.annotate_row(row, bbox, x + w);
        y + row_h
    }

    /// A row the portal puts in the cell of the row before it (`joined:`):
    /// its control under the previous one, no label, no badge, no rule
    /// between them.
    fn joined_row(&mut self, row: &GuideRow, x: f32, w: f32, lw: f32, y: f32) -> f32 {
        let at = self.items.len();
        let cx = x + lw + CELL_PAD;
        let cw = w - lw - 2.0 * CELL_PAD;
        // The row before ends CELL_PAD below its content: the control
        // starts right away.
        let cy = self.help(row, cx, cw, y);
        let (bottom, bbox) = self.linked_control(row, cx, cw, cy);
        let row_h = bottom + CELL_PAD - y;
        // The cells' backgrounds also cover the rule under the row before
        // (half a stroke above `y`); the column rule is drawn again over it.
        let top = y - 1.0;
        let cells = vec![
            Item::Rect {
                x,
                y: top,
                w: lw,
                h: row_h + 1.0,
                radius: 0.0,
                style: Style::fill(LABEL_BG),
                role: Role::Table,
            },
            Item::Rect {
                x: x + lw,
                y: top,
                w: w - lw,
                h: row_h + 1.0,
                radius: 0.0,
                style: Style::fill(WHITE),
                role: Role::Table,
            },
            Item::Path {
                points: vec![(x + lw, top), (x + lw, y + row_h)],
                closed: false,
                style: Style::stroke(Stroke::solid(CELL_BORDER, 1.0)),
                role: Role::Table,
            },
            Item::Path {
                points: vec![(x, y + row_h), (x + w, y + row_h)],
                closed: false,
                style: Style::stroke(Stroke::solid(CELL_BORDER, 1.0)),
                role: Role::Table,
            },
        ];
        self.insert_at(at, cells);
        self.annotate_row(row, bbox, x + w);
        y + row_h
    }

    /// Portal help text above a control, muted and cut to `help_lines`.
    fn help(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> f32 {
        if self.opts.help_lines == 0 || row.help.is_empty() {
            return y;
        }
        let mut ls = self.m.wrap(&row.help.plain_text(), SMALL, w);
        if ls.len() > self.opts.help_lines {
            ls.truncate(self.opts.help_lines);
            if let Some(last) = ls.last_mut() {
                let more = format!("{last}…");
                *last = if self.m.width(&more, SMALL) <= w {
                    more
                } else {
                    self.m.ellipsize(last, SMALL, w - SMALL)
                };
            }
        }
        self.lines(x, y, &ls, SMALL, false, MUTED, Role::Table) + 4.0
    }

    /// A form row's control with its links (`links:`, the portal's links
    /// that end the row's explanation; the explanation itself is in the
    /// 補足 table): beside a control of one line when they fit at its right
    /// (wrapping there; the row is no taller than its label and badge make
    /// it), else one a line above it. A row a callout points at has them
    /// above, so that its leader crosses no link. Returns the bottom and the
    /// control's box.
    fn linked_control(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        if row.links.is_empty() {
            return self.control(row, x, w, y);
        }
        let at = self.items.len();
        let (bottom, bbox) = self.control(row, x, w, y);
        let lx = bbox.right() + 16.0;
        let room = x + w - lx;
        if row.callout.is_none() && bbox.h <= 32.0 && room >= 120.0 {
            // The first line on the control's words (its first text run).
            let first = self.items[at..]
                .iter()
                .find_map(|i| match i {
                    Item::Text(t) => Some(t.y),
                    _ => None,
                })
                .unwrap_or(baseline(y, BODY));
            let mut top = first - lh(SMALL) / 2.0 - SMALL * 0.37;
            let mut end = bottom;
            for l in &row.links {
                let (e, _) = self.link_lines(l, lx, room, top, SMALL);
                end = end.max(e);
                top = e;
            }
            return (end, bbox);
        }
        self.items.truncate(at);
        let y = self.cell_links(row, x, w, y);
        self.control(row, x, w, y)
    }

    /// A form row's links, one a line above its control; returns the
    /// control's top, clear of the links by more than the box a framed
    /// control gets.
    fn cell_links(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> f32 {
        let framed = row.highlight
            || row.callout.is_some()
            || matches!(row.flag, Some(Severity::Error | Severity::Warning));
        // The small words start a little into the cell's top padding.
        let mut top = y - 3.0;
        for l in &row.links {
            top = self.link_lines(l, x, w, top, SMALL).0;
        }
        // The last line's underline (`link_lines`: 2.5 under the baseline,
        // 0.8 wide), then the frame's 6 and half its stroke, or a little air.
        let under = top - lh(SMALL) + baseline(0.0, SMALL) + 2.9;
        let control = under
            + if framed {
                6.0 + HILITE_W / 2.0 + 0.5
            } else {
                3.0
            };
        control.max(y)
    }

    /// A screen's links under its lead (`links:`), one a line in the small
    /// size (2-2's forty characters fit the line); returns the bottom (with
    /// the lead's gap after them).
    fn screen_links(&mut self, links: &[String], x: f32, w: f32, y: f32) -> f32 {
        if links.is_empty() {
            return y;
        }
        let mut y = y;
        for l in links {
            y = self.link_lines(l, x, w, y, SMALL).0 + 2.0;
        }
        y + 8.0
    }

    /// Highlight box, flag outline and pending callout for a row whose
    /// control occupies `bbox`. `limit` is the right edge of the row.
    fn annotate_row(&mut self, row: &GuideRow, bbox: Bx, limit: f32) {
        if !self.opts.annotate {
            return;
        }
        let mut b = bbox.grow(6.0);
        b.w = b.w.min(limit - 3.0 - b.x);
        let flagged = matches!(row.flag, Some(Severity::Error | Severity::Warning))
            && row.correction.is_none();
        if row.highlight || row.callout.is_some() {
            // A value corrected by an error finding is framed in red.
            let c = if row.flag == Some(Severity::Error) && row.correction.is_some() {
                WRONG
            } else {
                HILITE
            };
            self.rect(
                b,
                4.0,
                Style::stroke(Stroke::solid(c, HILITE_W)),
                Role::Highlight,
            );
        } else if flagged {
            let c = if row.flag == Some(Severity::Error) {
                WRONG
            } else {
                WARN
            };
            self.rect(
                b,
                4.0,
                Style::stroke(Stroke::dashed(c, 2.0, 5.0, 3.0)),
                Role::Highlight,
            );
        }
        if let Some(c) = &row.callout {
            let detail = if self.opts.callout_detail {
                c.detail.plain_text()
            } else {
                String::new()
            };
            self.pending.push(Pending {
                tx: b.right(),
                ty: b.y + b.h / 2.0,
                marker: c.marker,
                text: c.text.clone(),
                detail,
            });
        }
    }

    // ---- controls ------------------------------------------------------------

    /// Draws the control of `row` at (`x`, `y`) within `w`; returns its
    /// bottom and its bounding box.
    /// A row's control, and the seal box at the right of its cell when the
    /// row has one (`seal:`): the value keeps the rest of the cell.
    fn control(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let Some(word) = row.seal.as_deref() else {
            return self.bare_control(row, x, w, y);
        };
        let side = (self.m.width(word, SMALL) + 20.0).max(46.0).min(w / 2.0);
        let (bottom, bbox) = self.bare_control(row, x, w - side - 8.0, y);
        let b = Bx {
            x: x + w - side,
            y,
            w: side,
            h: side,
        };
        self.rect(b, 0.0, Style::stroke(Stroke::solid(INK, 1.0)), Role::Table);
        self.circle(
            b.x + side / 2.0,
            b.y + side / 2.0,
            side / 2.0 - 4.0,
            Style::stroke(Stroke::dashed(PLACEHOLDER, 1.0, 3.0, 3.0)),
            Role::Table,
        );
        self.run(
            b.x + side / 2.0,
            b.y + side / 2.0 + SMALL * 0.36,
            word,
            SMALL,
            false,
            PLACEHOLDER,
            Anchor::Middle,
            Role::Table,
        );
        (bottom.max(b.bottom()), bbox.union(b))
    }

    fn bare_control(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        // On paper a secret is blanked, as in a redacted sample.
        if self.paper
            && (matches!(row.control, Control::Secret { .. })
                || matches!(row.shown, Shown::Secret { .. }))
        {
            return self.blanked(x, w, y);
        }
        // A secret is masked whatever the control says.
        if let Control::Secret { digits, confirm } = &row.control {
            return self.secret(x, w, y, *digits, *confirm);
        }
        if let Shown::Secret { digits } = &row.shown {
            return self.secret(x, w, y, *digits, false);
        }
        // The row shows the value to enter, not the clinic's wrong data:
        // the tag says so without naming the wrong value again.
        let corrected = self.opts.annotate && row.correction.is_some();
        let wrong = false;
        let (bottom, bbox) = match &row.control {
            // A paper form has no input boxes: the value is written in the
            // ruled cell, and a choice is circled (「丸をつける」).
            // One character a box, as a form asks a number to be written.
            Control::Text if row.boxes.is_some() => {
                self.boxed(row, row.boxes.unwrap_or(1), x, w, y)
            }
            Control::Text | Control::Select { .. } | Control::YearMonth if self.paper => {
                self.written(row, x, w, y)
            }
            Control::Radio { options } if self.paper => self.circled(row, options, x, w, y),
            Control::Text => self.text_input(row, x, w, y),
            Control::Checkbox { label } => self.checkbox(row, label, x, w, y),
            Control::Radio { options } => self.radio(row, options, x, w, y, wrong),
            Control::Select { options } => self.select(row, options, x, w, y, wrong),
            Control::YearMonth => self.year_month(row, x, w, y),
            Control::Display => self.display(row, x, w, y),
            Control::Link => {
                let text = match &row.shown {
                    Shown::Value { text } => text.clone(),
                    _ => row.label.clone(),
                };
                self.link_text(&text, x, w, y)
            }
            Control::Button { label } => {
                let b = self.button(label, x, y, false);
                (b.bottom(), b)
            }
            Control::Secret { .. } => unreachable!("handled above"),
        };
        if corrected && let Some(c) = &row.correction {
            return self.correct_tag(
                &self.correct_words(short_choice(&c.enter)),
                x,
                w,
                bottom + 6.0,
                bbox,
            );
        }
        (bottom, bbox)
    }

    /// The text a row shows in an input, with its style.
    fn shown_text(&self, row: &GuideRow) -> (String, Color, Role) {
        let t = &self.opts.strings;
        match &row.shown {
            Shown::Nothing => (String::new(), INK, Role::Value),
            Shown::Value { text } => (text.clone(), INK, Role::Value),
            Shown::Choice { label, .. } => (label.clone(), INK, Role::Value),
            Shown::Checked => (t.get("check").to_string(), INK, Role::Value),
            Shown::YearMonth { year, month } => (
                t.fill(
                    "year_month",
                    &[("year", &year.to_string()), ("month", &month.to_string())],
                ),
                INK,
                Role::Value,
            ),
            Shown::Missing { label } => (self.missing_words(label), PLACEHOLDER, Role::Missing),
            Shown::Blank { .. } => (String::new(), INK, Role::Value),
            Shown::NotApplicable { text } => (text.clone(), PLACEHOLDER, Role::Control),
            Shown::Unchecked { reason, .. } => (reason.clone(), PLACEHOLDER, Role::Missing),
            Shown::Secret { .. } => (String::new(), INK, Role::Secret),
        }
    }

    fn text_input(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let (text, color, role) = self.shown_text(row);
        let inner = (w - 16.0).max(40.0);
        let ls = self.m.wrap(&text, BODY, inner);
        let widest = ls
            .iter()
            .map(|l| self.m.width(l, BODY))
            .fold(0.0f32, f32::max);
        let bw = (widest + 20.0).clamp(w.min(220.0), w);
        let bh = ls.len().max(1) as f32 * lh(BODY) + 8.0;
        let b = Bx { x, y, w: bw, h: bh };
        let fill = if row.prefilled { PREFILLED_BG } else { WHITE };
        let stroke = if role == Role::Missing {
            Stroke::dashed(INPUT_BORDER, 1.0, 4.0, 3.0)
        } else {
            Stroke::solid(INPUT_BORDER, 1.0)
        };
        self.rect(b, 3.0, Style::both(fill, stroke), Role::Control);
        self.lines(x + 10.0, y + 4.0, &ls, BODY, false, color, role);
        (b.bottom(), b)
    }

    /// A value written in a paper form's cell: the words alone, no input
    /// box (what a clinic writes there, or what to check before writing).
    fn written(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let (text, color, role) = match &row.shown {
            Shown::Blank { text } => (text.clone(), PLACEHOLDER, Role::Control),
            _ => self.shown_text(row),
        };
        let (_, b) = self.words_in_cell(&text, color, role, x, w, y);
        let h = b.h.max(lh(BODY));
        // An empty cell still has a place a callout can point at.
        let w = if b.w > 0.0 { b.w } else { w.min(120.0) };
        (y + h, Bx { w, h, ..b })
    }

    /// A value written one character a box (`boxes:`), the boxes as wide as
    /// the cell allows; characters past the last box are written after it,
    /// never dropped (the build warns of them). Words that are no value (a
    /// missing value's placeholder) go under the empty boxes.
    fn boxed(&mut self, row: &GuideRow, n: u8, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let (text, color, role) = match &row.shown {
            Shown::Blank { text } => (text.clone(), PLACEHOLDER, Role::Control),
            _ => self.shown_text(row),
        };
        let n = usize::from(n.max(1));
        let side = (lh(BODY) + 6.0).min(w / n as f32).max(BODY);
        let chars: Vec<char> = if role == Role::Value {
            text.chars().collect()
        } else {
            Vec::new()
        };
        let mut bbox = Bx {
            x,
            y,
            w: side * n as f32,
            h: side,
        };
        for i in 0..n {
            let b = Bx {
                x: x + side * i as f32,
                y,
                w: side,
                h: side,
            };
            self.rect(b, 0.0, Style::stroke(Stroke::solid(INK, 1.0)), Role::Table);
        }
        let base = y + side / 2.0 + BODY * 0.36;
        for (i, c) in chars.iter().take(n).enumerate() {
            let cx = x + side * i as f32 + side / 2.0;
            self.run(
                cx,
                base,
                &c.to_string(),
                BODY,
                true,
                color,
                Anchor::Middle,
                role,
            );
        }
        if chars.len() > n {
            let rest: String = chars[n..].iter().collect();
            let rx = bbox.right() + 4.0;
            self.run(rx, base, &rest, BODY, true, WRONG, Anchor::Start, role);
            bbox.w += 4.0 + self.m.width_in(&rest, BODY, true);
        }
        let mut bottom = y + side;
        if chars.is_empty() && !text.is_empty() {
            let (b, words) = self.words_in_cell(&text, color, role, x, w, bottom + 4.0);
            bottom = b;
            bbox = bbox.union(words);
        }
        (bottom, bbox)
    }

    /// A paper form's choice: every option's words in a line (wrapping as
    /// words do), the chosen one circled as a pen circles it; none circled
    /// when the clinic's value is not settled.
    fn circled(&mut self, row: &GuideRow, options: &[Choice], x: f32, w: f32, y: f32) -> (f32, Bx) {
        let chosen = Self::chosen(row, options);
        let pad = 6.0;
        let sep = 14.0;
        let h = lh(BODY);
        let (mut cx, mut cy) = (x, y + 2.0);
        let mut bbox: Option<Bx> = None;
        for o in options {
            let ow = self.m.width(&o.label, BODY).min(w - 2.0 * pad);
            if cx > x && cx + ow + 2.0 * pad > x + w {
                cx = x;
                cy += h + 6.0;
            }
            let is_chosen = chosen == Some(o);
            let ls = self.m.wrap(&o.label, BODY, ow.max(BODY));
            let role = if is_chosen {
                Role::Value
            } else {
                Role::Control
            };
            let lb = self.lines(cx + pad, cy, &ls, BODY, is_chosen, INK, role);
            let ob = Bx {
                x: cx,
                y: cy - 2.0,
                w: ow + 2.0 * pad,
                h: lb - cy + 4.0,
            };
            if is_chosen {
                self.rect(
                    ob,
                    ob.h / 2.0,
                    Style::stroke(Stroke::solid(self.accent, 1.5)),
                    Role::Value,
                );
            }
            bbox = Some(bbox.map_or(ob, |b| b.union(ob)));
            cx += ob.w + sep;
            if lb > cy + h {
                cx = x;
                cy = lb + 6.0;
            }
        }
        let b = bbox.unwrap_or(Bx { x, y, w: 0.0, h });
        (b.bottom(), b)
    }

    fn checkbox(&mut self, row: &GuideRow, label: &str, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let checked = match &row.shown {
            Shown::Checked | Shown::Choice { .. } => true,
            Shown::Value { text } => !matches!(text.as_str(), "" | "false" | "no" | "0"),
            _ => false,
        };
        let s = 14.0;
        let by = y + (lh(BODY) - s) / 2.0;
        let bx = Bx {
            x,
            y: by,
            w: s,
            h: s,
        };
        let (fill, border) = if checked {
            (self.accent, self.accent)
        } else {
            (WHITE, INPUT_BORDER)
        };
        self.rect(
            bx,
            2.0,
            Style::both(fill, Stroke::solid(border, 1.2)),
            Role::Control,
        );
        if checked {
            self.path(
                vec![
                    (x + 3.0, by + 7.5),
                    (x + 6.0, by + 10.5),
                    (x + 11.0, by + 3.8),
                ],
                false,
                Style::stroke(Stroke::solid(WHITE, 2.0)),
                Role::Value,
            );
        }
        let ls = self.m.wrap(label, BODY, w - s - 8.0);
        let mut bottom = self.lines(x + s + 8.0, y, &ls, BODY, false, INK, Role::Control);
        let mut widest = ls
            .iter()
            .map(|l| self.m.width(l, BODY))
            .fold(0.0f32, f32::max);
        // The box stays empty: say why beside a box without a caption, else
        // under its caption (the clinic cannot tick it yet, or its answer is no).
        if let Shown::Unchecked { reason, settled } = &row.shown {
            let (key, color, role) = if *settled {
                ("picture_leave_unchecked", INK, Role::Value)
            } else {
                ("picture_unchecked", PLACEHOLDER, Role::Missing)
            };
            let note = self.opts.strings.fill(key, &[("reason", reason)]);
            let note = self.m.wrap(&note, BODY, w - s - 8.0);
            let top = if ls.is_empty() { y } else { bottom + 2.0 };
            widest = note
                .iter()
                .map(|l| self.m.width(l, BODY))
                .fold(widest, f32::max);
            bottom = self.lines(x + s + 8.0, top, &note, BODY, false, color, role);
        }
        // A box without a caption is as tall as its line: the highlight and
        // a callout's marker frame the box, never a sliver above it.
        let bottom = bottom.max(y + lh(BODY));
        let text_w = if widest > 0.0 { 8.0 + widest } else { 0.0 };
        (
            bottom,
            Bx {
                x,
                y,
                w: s + text_w,
                h: bottom - y,
            },
        )
    }

    /// Which option the row shows as chosen.
    fn chosen<'c>(row: &GuideRow, options: &'c [Choice]) -> Option<&'c Choice> {
        match &row.shown {
            Shown::Choice { value, label } => options
                .iter()
                .find(|o| &o.value == value)
                .or_else(|| options.iter().find(|o| &o.label == label)),
            Shown::Value { text } => options
                .iter()
                .find(|o| &o.value == text || &o.label == text),
            _ => None,
        }
    }

    /// Option a wrong row should have, when the row is flagged as wrong.
    fn expected<'c>(row: &GuideRow, options: &'c [Choice], wrong: bool) -> Option<&'c Choice> {
        if !wrong {
            return None;
        }
        let v = &row.correction.as_ref()?.enter;
        options
            .iter()
            .find(|o| &o.value == v)
            .or_else(|| options.iter().find(|o| &o.label == v))
    }

    /// The label of the correction tag for `o`: its value when short.
    fn correct_label(&self, o: &Choice) -> String {
        if !o.value.is_empty() && o.value.chars().count() <= 4 {
            self.correct_words(&o.value)
        } else {
            self.correct_words(&o.label)
        }
    }

    /// The words of a correction tag (the theme's `picture_correct`).
    fn correct_words(&self, value: &str) -> String {
        self.opts
            .strings
            .fill("picture_correct", &[("value", value)])
    }

    /// What a row missing from the clinic's data shows (`picture_missing`).
    fn missing_words(&self, label: &str) -> String {
        self.opts
            .strings
            .fill("picture_missing", &[("label", label)])
    }

    /// A red ✕ centred at (`cx`, `cy`).
    fn cross(&mut self, cx: f32, cy: f32, r: f32) {
        let st = Style::stroke(Stroke::solid(WRONG, 2.6));
        self.path(
            vec![(cx - r, cy - r), (cx + r, cy + r)],
            false,
            st,
            Role::Wrong,
        );
        self.path(
            vec![(cx - r, cy + r), (cx + r, cy - r)],
            false,
            st,
            Role::Wrong,
        );
    }

    /// A green filled tag with `text`; returns its box.
    fn tag(&mut self, text: &str, x: f32, y: f32, max_w: f32) -> Bx {
        let t = self
            .m
            .ellipsize(text, SMALL, (max_w - 12.0).max(SMALL * 3.0));
        let b = Bx {
            x,
            y,
            w: self.m.width(&t, SMALL) + 12.0,
            h: 18.0,
        };
        self.rect(
            b,
            9.0,
            Style::both(CORRECT_BG, Stroke::solid(CORRECT, 1.2)),
            Role::Correct,
        );
        self.run(
            b.x + 6.0,
            b.y + 9.0 + SMALL * 0.36,
            &t,
            SMALL,
            true,
            CORRECT,
            Anchor::Start,
            Role::Correct,
        );
        b
    }

    /// A correction tag under a control whose options are not listed.
    fn correct_tag(&mut self, text: &str, x: f32, w: f32, y: f32, bbox: Bx) -> (f32, Bx) {
        let t = self.tag(text, x, y, w);
        (t.bottom(), bbox.union(t))
    }

    fn radio(
        &mut self,
        row: &GuideRow,
        options: &[Choice],
        x: f32,
        w: f32,
        y: f32,
        wrong: bool,
    ) -> (f32, Bx) {
        let chosen = Self::chosen(row, options);
        let expected = Self::expected(row, options, wrong);
        let misplaced = expected.is_some() && chosen != expected;
        let tag_text = expected.map(|o| self.correct_label(o));
        let tag_w = tag_text
            .as_ref()
            .map(|t| self.m.width(t, SMALL) + 12.0 + 10.0)
            .unwrap_or(0.0);
        let dot = 14.0;
        let gap = 6.0;
        let sep = 18.0;
        let one_line: f32 = options
            .iter()
            .map(|o| dot + gap + self.m.width(&o.label, BODY) + sep)
            .sum::<f32>()
            + if misplaced { tag_w } else { 0.0 };
        let inline = one_line <= w && options.len() <= 4;
        let mut bbox = Bx {
            x,
            y,
            w: 0.0,
            h: 0.0,
        };
        let mut cx = x;
        let mut cy = y;
        let mut bottom = y;
        for o in options {
            let is_chosen = chosen == Some(o);
            let is_expected = misplaced && expected == Some(o);
            let is_wrong = misplaced && is_chosen;
            let label_w = if inline {
                self.m.width(&o.label, BODY)
            } else {
                w - dot - gap
            };
            let mut ls = self.m.wrap(&o.label, BODY, label_w.max(BODY));
            if ls.is_empty() {
                ls.push(String::new());
            }
            let widest = ls
                .iter()
                .map(|l| self.m.width(l, BODY))
                .fold(0.0f32, f32::max);
            // The correction tag goes after the label when it fits.
            let last_w = ls.last().map(|l| self.m.width(l, BODY)).unwrap_or(0.0);
            let tag_inline = is_expected && (inline || dot + gap + last_w + tag_w <= w);
            let h = ls.len() as f32 * lh(BODY);
            let ccy = cy + lh(BODY) / 2.0;
            let ring = if is_chosen { self.accent } else { INPUT_BORDER };
            self.circle(
                cx + dot / 2.0,
                ccy,
                dot / 2.0 - 0.5,
                Style::both(WHITE, Stroke::solid(ring, 1.3)),
                Role::Control,
            );
            if is_chosen {
                self.circle(
                    cx + dot / 2.0,
                    ccy,
                    3.8,
                    Style::fill(self.accent),
                    Role::Value,
                );
            }
            let role = if is_chosen {
                Role::Value
            } else {
                Role::Control
            };
            let lb = self.lines(cx + dot + gap, cy, &ls, BODY, is_chosen, INK, role);
            let mut ob = Bx {
                x: cx,
                y: cy,
                w: dot + gap + widest,
                h,
            };
            if is_wrong {
                self.cross(cx + dot / 2.0, ccy, 7.5);
            }
            let mut next_bottom = lb;
            if is_expected {
                let outline = ob.grow(3.0);
                if let Some(t) = &tag_text {
                    let tb = if tag_inline {
                        let tx = cx + dot + gap + last_w + 10.0;
                        self.tag(t, tx, lb - lh(BODY) + (lh(BODY) - 18.0) / 2.0, w)
                    } else {
                        let tb = self.tag(t, cx + dot + gap, lb + 4.0, w - dot - gap);
                        next_bottom = tb.bottom();
                        tb
                    };
                    ob = ob.union(tb);
                }
                self.rect(
                    outline,
                    4.0,
                    Style::stroke(Stroke::solid(CORRECT, 1.8)),
                    Role::Correct,
                );
            }
            bbox = if bbox.w == 0.0 { ob } else { bbox.union(ob) };
            bottom = bottom.max(next_bottom);
            if inline {
                cx = ob.right() + sep;
            } else {
                cy = next_bottom + 4.0;
            }
        }
        if !inline {
            bottom -= 0.0;
        }
        if wrong
            && !misplaced
            && let Some(v) = row.correction.as_ref().map(|c| &c.enter)
            && expected.is_none()
        {
            return self.correct_tag(&self.correct_words(v), x, w, bottom + 6.0, bbox);
        }
        (bottom, bbox)
    }

    fn select(
        &mut self,
        row: &GuideRow,
        options: &[Choice],
        x: f32,
        w: f32,
        y: f32,
        wrong: bool,
    ) -> (f32, Bx) {
        let chosen = Self::chosen(row, options);
        let expected = Self::expected(row, options, wrong);
        let misplaced = expected.is_some() && chosen != expected;
        let (text, color, role) = match (chosen, &row.shown) {
            (Some(o), _) => (o.label.clone(), INK, Role::Value),
            (None, Shown::Missing { label }) => {
                (self.missing_words(label), PLACEHOLDER, Role::Missing)
            }
            (None, Shown::Choice { label, .. }) => (label.clone(), INK, Role::Value),
            _ => (
                self.words.select.clone().unwrap_or_default(),
                PLACEHOLDER,
                Role::Control,
            ),
        };
        let arrow_w = 24.0;
        let widest_opt = options
            .iter()
            .map(|o| self.m.width(&o.label, BODY))
            .fold(self.m.width(&text, BODY), f32::max);
        let bw = (widest_opt + 20.0 + arrow_w).clamp(w.min(180.0), w);
        let t = self.m.ellipsize(&text, BODY, bw - arrow_w - 16.0);
        let bh = lh(BODY) + 8.0;
        let b = Bx { x, y, w: bw, h: bh };
        let fill = if row.prefilled { PREFILLED_BG } else { WHITE };
        self.rect(
            b,
            3.0,
            Style::both(fill, Stroke::solid(INPUT_BORDER, 1.0)),
            Role::Control,
        );
        self.run(
            x + 10.0,
            baseline(y + 4.0, BODY),
            &t,
            BODY,
            false,
            color,
            Anchor::Start,
            role,
        );
        let ax = b.right() - arrow_w;
        self.path(
            vec![(ax, y + 4.0), (ax, b.bottom() - 4.0)],
            false,
            Style::stroke(Stroke::solid(CELL_BORDER, 1.0)),
            Role::Control,
        );
        let mx = ax + arrow_w / 2.0;
        let my = y + bh / 2.0;
        self.path(
            vec![(mx - 5.0, my - 3.0), (mx + 5.0, my - 3.0), (mx, my + 3.5)],
            true,
            Style::fill(MUTED),
            Role::Control,
        );
        if misplaced && let Some(e) = expected {
            // Strike the wrong value (still legible) and put a ✕ beside the box.
            self.path(
                vec![(x + 8.0, my), (x + 12.0 + self.m.width(&t, BODY), my)],
                false,
                Style::stroke(Stroke::solid(WRONG, 1.6)),
                Role::Wrong,
            );
            let cx = if x + w - b.right() >= 24.0 {
                b.right() + 14.0
            } else {
                mx
            };
            self.cross(cx, my, 7.5);
            let tag = self.correct_words(&e.label);
            let (bottom, bbox) = self.correct_tag(&tag, x, w, b.bottom() + 6.0, b);
            return (
                bottom,
                bbox.union(Bx {
                    x: cx - 8.0,
                    y: my - 8.0,
                    w: 16.0,
                    h: 16.0,
                }),
            );
        }
        if wrong
            && expected.is_none()
            && let Some(v) = row.correction.as_ref().map(|c| &c.enter)
        {
            return self.correct_tag(&self.correct_words(v), x, w, b.bottom() + 6.0, b);
        }
        (b.bottom(), b)
    }

    fn year_month(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let (year, month, color, role) = match &row.shown {
            Shown::YearMonth { year, month } => {
                (year.to_string(), month.to_string(), INK, Role::Value)
            }
            Shown::Missing { .. } => ("----".into(), "--".into(), PLACEHOLDER, Role::Missing),
            Shown::Value { .. } | Shown::Choice { .. } => {
                return self.text_input(row, x, w, y);
            }
            _ => ("----".into(), "--".into(), PLACEHOLDER, Role::Control),
        };
        let bh = lh(BODY) + 8.0;
        let fill = if row.prefilled { PREFILLED_BG } else { WHITE };
        let mut cx = x;
        let mut last = Bx {
            x,
            y,
            w: 0.0,
            h: bh,
        };
        let opts = self.opts;
        let units = [
            opts.strings.get("picture_year"),
            opts.strings.get("picture_month"),
        ];
        for ((value, unit), bw) in [year, month].into_iter().zip(units).zip([58.0, 40.0]) {
            let b = Bx {
                x: cx,
                y,
                w: bw,
                h: bh,
            };
            self.rect(
                b,
                3.0,
                Style::both(fill, Stroke::solid(INPUT_BORDER, 1.0)),
                Role::Control,
            );
            self.run(
                b.right() - 8.0,
                baseline(y + 4.0, BODY),
                &value,
                BODY,
                false,
                color,
                Anchor::End,
                role,
            );
            self.run(
                b.right() + 5.0,
                baseline(y + 4.0, BODY),
                unit,
                BODY,
                false,
                INK,
                Anchor::Start,
                Role::Control,
            );
            last = Bx {
                x: b.x,
                y,
                w: bw + 5.0 + BODY,
                h: bh,
            };
            cx = b.right() + 5.0 + BODY + 10.0;
        }
        let mut bbox = Bx {
            x,
            y,
            w: last.right() - x,
            h: bh,
        };
        let mut bottom = y + bh;
        if let Shown::Missing { label } = &row.shown {
            let note = self.missing_words(label);
            let room = x + w - (bbox.right() + 10.0);
            if self.m.width(&note, SMALL) <= room {
                self.run(
                    bbox.right() + 10.0,
                    baseline(y + 4.0, BODY),
                    &note,
                    SMALL,
                    false,
                    PLACEHOLDER,
                    Anchor::Start,
                    Role::Missing,
                );
                bbox.w += 10.0 + self.m.width(&note, SMALL);
            } else {
                bottom = self.para(
                    x,
                    bottom + 2.0,
                    w,
                    &note,
                    SMALL,
                    false,
                    PLACEHOLDER,
                    Role::Missing,
                );
            }
        }
        (bottom, bbox)
    }

    fn display(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let (text, color, role) = match &row.shown {
            Shown::Nothing => (row.display.clone(), PLACEHOLDER, Role::Control),
            // A shown value has no input box to stay empty: its words say
            // what the screen shows instead (`if_empty:`, `unsettled:`).
            Shown::Blank { text } => (text.clone(), PLACEHOLDER, Role::Control),
            // Nothing is typed into a shown value (a confirmation screen, a
            // printed label): its name alone, never 「…を確かめて入力」.
            Shown::Missing { label } => (
                self.opts
                    .strings
                    .fill("picture_missing_shown", &[("label", label)]),
                PLACEHOLDER,
                Role::Missing,
            ),
            _ => self.shown_text(row),
        };
        self.words_in_cell(&text, color, role, x, w, y)
    }

    /// `text` wrapped to `w` at (`x`, `y`): the bottom and the words' box.
    fn words_in_cell(
        &mut self,
        text: &str,
        color: Color,
        role: Role,
        x: f32,
        w: f32,
        y: f32,
    ) -> (f32, Bx) {
        let ls = self.m.wrap(text, BODY, w);
        let bottom = self.lines(x, y, &ls, BODY, false, color, role);
        let widest = ls
            .iter()
            .map(|l| self.m.width(l, BODY))
            .fold(0.0f32, f32::max);
        (
            bottom,
            Bx {
                x,
                y,
                w: widest,
                h: bottom - y,
            },
        )
    }

    /// Underlined link text; returns bottom and box.
    fn link_text(&mut self, text: &str, x: f32, w: f32, y: f32) -> (f32, Bx) {
        self.link_lines(text, x, w, y, BODY)
    }

    /// A link's words at `size`, wrapped in `w`, underlined in the link
    /// colour; returns its bottom and box.
    fn link_lines(&mut self, text: &str, x: f32, w: f32, y: f32, size: f32) -> (f32, Bx) {
        let ls = self.m.wrap(text, size, w);
        let mut ty = y;
        let mut widest = 0.0f32;
        for l in &ls {
            let lw = self.m.width(l, size);
            widest = widest.max(lw);
            let base = baseline(ty, size);
            self.run(x, base, l, size, false, LINK, Anchor::Start, Role::Link);
            self.path(
                vec![(x, base + 2.5), (x + lw, base + 2.5)],
                false,
                Style::stroke(Stroke::solid(LINK, 0.8)),
                Role::Link,
            );
            ty += lh(size);
        }
        (
            ty,
            Bx {
                x,
                y,
                w: widest,
                h: ty - y,
            },
        )
    }

    /// Masked boxes for a secret number, and a note that the clinic types its own.
    /// Masked boxes for a secret, with the theme's words beside them.
    fn secret(&mut self, x: f32, w: f32, y: f32, digits: Option<u8>, confirm: bool) -> (f32, Bx) {
        // A password (no digit count) shows eight dots, like a browser.
        let n = digits.unwrap_or(8).clamp(1, 16) as usize;
        let bh = lh(BODY) + 8.0;
        let bw = n as f32 * 16.0 + 20.0;
        let first = self.masked_box(x, y, bw, bh, n);
        let mut bbox = first;
        let mut bottom = first.bottom();
        // The note sits beside the first box when it fits, else below it.
        let t = &self.opts.strings;
        let note = t.get(if digits.is_some() {
            "picture_secret"
        } else {
            "picture_password"
        });
        let room = w - bw - 12.0;
        bottom = if room >= SMALL * 10.0 {
            let ls = self.m.wrap(note, SMALL, room);
            let top = y + ((bh - ls.len() as f32 * lh(SMALL)) / 2.0).max(0.0);
            let nb = self.lines(x + bw + 12.0, top, &ls, SMALL, false, MUTED, Role::Secret);
            bbox = bbox.union(Bx {
                x: x + bw + 12.0,
                y: top,
                w: widest(self.m, &ls, SMALL),
                h: nb - top,
            });
            bottom.max(nb)
        } else {
            let ls = self.m.wrap(note, SMALL, w);
            let nb = self.lines(x, bottom + 2.0, &ls, SMALL, false, MUTED, Role::Secret);
            bbox = bbox.union(Bx {
                x,
                y,
                w: widest(self.m, &ls, SMALL),
                h: nb - y,
            });
            nb
        };
        if confirm {
            let ls = self
                .m
                .wrap(self.words.confirm.as_deref().unwrap_or_default(), SMALL, w);
            let top = self.lines(x, bottom + 4.0, &ls, SMALL, false, MUTED, Role::Table);
            bbox = bbox.union(Bx {
                x,
                y,
                w: widest(self.m, &ls, SMALL),
                h: top - y,
            });
            let second = self.masked_box(x, top, bw, bh, n);
            bbox = bbox.union(second);
            bottom = second.bottom();
        }
        (bottom, bbox)
    }

    /// A value blanked on paper: a dark bar across the cell with the
    /// theme's `picture_hidden` word (as a screenshot's redacted area).
    fn blanked(&mut self, x: f32, w: f32, y: f32) -> (f32, Bx) {
        let b = Bx {
            x,
            y,
            w,
            h: lh(BODY),
        };
        self.rect(b, 0.0, Style::fill(SHADOW), Role::Secret);
        let hidden = self.opts.strings.get("picture_hidden").to_string();
        if w >= self.m.width(&hidden, SMALL) + 4.0 {
            self.run(
                x + w / 2.0,
                baseline(y + (b.h - lh(SMALL)) / 2.0, SMALL),
                &hidden,
                SMALL,
                true,
                WHITE,
                Anchor::Middle,
                Role::Secret,
            );
        }
        (b.bottom(), b)
    }

    /// One input box showing `n` mask dots.
    fn masked_box(&mut self, x: f32, y: f32, bw: f32, bh: f32, n: usize) -> Bx {
        let b = Bx { x, y, w: bw, h: bh };
        self.rect(
            b,
            3.0,
            Style::both(WHITE, Stroke::solid(INPUT_BORDER, 1.0)),
            Role::Control,
        );
        for d in 0..n {
            self.circle(
                x + 18.0 + d as f32 * 16.0,
                y + bh / 2.0,
                4.2,
                Style::fill(MUTED),
                Role::Secret,
            );
        }
        b
    }

    /// A button with `label` at (`x`, `y`); primary buttons are filled.
    fn button(&mut self, label: &str, x: f32, y: f32, primary: bool) -> Bx {
        let size = BODY;
        let b = Bx {
            x,
            y,
            w: button_width(self.m, label),
            h: 30.0,
        };
        let (fill, border, ink) = if primary {
            (self.accent, self.accent, WHITE)
        } else {
            (BUTTON_BG, INPUT_BORDER, INK)
        };
        self.rect(
            b,
            4.0,
            Style::both(fill, Stroke::solid(border, 1.0)),
            Role::Control,
        );
        self.run(
            b.x + b.w / 2.0,
            b.y + b.h / 2.0 + size * 0.36,
            label,
            size,
            primary,
            ink,
            Anchor::Middle,
            Role::Control,
        );
        b
    }

    /// The buttons of a screen, centred (or right-aligned), wrapping to
    /// further lines when they do not fit; returns the bottom. A link among
    /// them (`link: true`, the portal's 「パスワードを忘れた方はこちら」 after its
    /// login button) takes its place in the line like a button, centred on
    /// the buttons' height: underlined text in the link colour, no box, so
    /// the picture is no taller than with a button; highlighted like a
    /// button when it is the one to press.
    fn buttons(&mut self, buttons: &[Button], x: f32, w: f32, y: f32, right: bool) -> f32 {
        let sep = 16.0;
        let widths: Vec<f32> = buttons
            .iter()
            .map(|b| {
                if b.link {
                    self.m.width(&b.label, BODY).min(w - 20.0)
                } else {
                    button_width(self.m, &self.m.ellipsize(&b.label, BODY, w - 40.0))
                }
            })
            .collect();
        let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
        let mut lw = 0.0;
        for (i, bw) in widths.iter().enumerate() {
            let empty = lines.last().is_some_and(|l| l.is_empty());
            let need = if empty { *bw } else { lw + sep + bw };
            if !empty && need > w - 12.0 {
                lines.push(vec![i]);
                lw = *bw;
            } else {
                if let Some(l) = lines.last_mut() {
                    l.push(i);
                }
                lw = need;
            }
        }
        let mut y = y;
        for line in lines {
            let total: f32 =
                line.iter().map(|&i| widths[i]).sum::<f32>() + sep * (line.len() as f32 - 1.0);
            let mut bx = if right {
                x + w - total - 6.0
            } else {
                x + (w - total) / 2.0
            };
            // A button is 30 units high; a link's line sits at its middle
            // (a link longer than the line wraps below it).
            let mut bottom = y + 36.0;
            for i in line {
                let btn = &buttons[i];
                let b = if btn.link {
                    let top = y + 6.0 + (30.0 - lh(BODY)) / 2.0;
                    let (end, b) = self.link_text(&btn.label, bx, widths[i], top);
                    bottom = bottom.max(end);
                    b
                } else {
                    let label = self.m.ellipsize(&btn.label, BODY, w - 40.0);
                    self.button(&label, bx, y + 6.0, btn.primary)
                };
                if btn.primary && self.opts.annotate {
                    self.rect(
                        b.grow(5.0),
                        6.0,
                        Style::stroke(Stroke::solid(HILITE, HILITE_W)),
                        Role::Highlight,
                    );
                }
                bx = b.right() + sep;
            }
            y = bottom + 12.0;
        }
        y - 6.0
    }

    // ---- other screen kinds --------------------------------------------------

    fn menu(&mut self, rows: &[GuideRow], mut y: f32) -> f32 {
        let x = self.fx + PAD;
        let w = self.fw - 2.0 * PAD;
        let mut i = 0;
        while i < rows.len() {
            let row = &rows[i];
            match row.control {
                Control::Display => {
                    // A section heading band.
                    let ls = self.m.wrap(&row.label, BODY, w - 20.0);
                    let h = ls.len().max(1) as f32 * lh(BODY) + 8.0;
                    let band = Bx {
                        x,
                        y: y + 4.0,
                        w,
                        h,
                    };
                    self.rect(band, 0.0, Style::fill(LABEL_BG), Role::Table);
                    self.rect(
                        Bx {
                            x,
                            y: y + 4.0,
                            w: 4.0,
                            h,
                        },
                        0.0,
                        Style::fill(self.accent),
                        Role::Table,
                    );
                    self.lines(x + 12.0, y + 8.0, &ls, BODY, true, INK, Role::Table);
                    self.annotate_row(row, band.grow(-5.0), x + w);
                    y = band.bottom() + 4.0;
                    i += 1;
                }
                Control::Link | Control::Button { .. } => {
                    y = self.menu_link(row, x, w, y);
                    i += 1;
                }
                _ => {
                    // Any other control: a small form table of the run.
                    let start = i;
                    while i < rows.len()
                        && !matches!(
                            rows[i].control,
                            Control::Display | Control::Link | Control::Button { .. }
                        )
                    {
                        i += 1;
                    }
                    y = self.table(&rows[start..i], x, w, y + 4.0) + 4.0;
                }
            }
        }
        y
    }

    fn menu_link(&mut self, row: &GuideRow, x: f32, w: f32, y: f32) -> f32 {
        let top = y + 6.0;
        let ix = x + 14.0;
        // A small ▶ bullet.
        let by = top + lh(BODY) / 2.0;
        self.path(
            vec![(ix - 8.0, by - 4.0), (ix - 8.0, by + 4.0), (ix - 2.0, by)],
            true,
            Style::fill(LINK),
            Role::Control,
        );
        let (bottom, mut bbox) = match &row.control {
            Control::Button { label } => {
                self.run(
                    ix,
                    baseline(top, BODY),
                    &row.label,
                    BODY,
                    false,
                    INK,
                    Anchor::Start,
                    Role::Table,
                );
                let lx = ix + self.m.width(&row.label, BODY) + 12.0;
                let b = self.button(label, lx, top - 4.0, false);
                (b.bottom() - 4.0, b)
            }
            _ => self.link_text(&row.label, ix + 2.0, w - 20.0, top),
        };
        let mut bottom = bottom;
        if !row.links.is_empty() {
            bottom = self.menu_side_links(row, ix + 2.0, x + w - 4.0, bbox, bottom);
        }
        bbox.x = bbox.x.min(ix - 10.0);
        bbox.w += 12.0;
        if self.opts.help_lines > 0 && !row.help.is_empty() {
            bottom = self.help(row, ix + 2.0, w - 20.0, bottom + 2.0) - 4.0;
        }
        self.path(
            vec![(x, bottom + 6.0), (x + w, bottom + 6.0)],
            false,
            Style::stroke(Stroke::solid(TITLE_RULE, 0.8)),
            Role::Table,
        );
        self.annotate_row(row, bbox, x + w);
        bottom + 6.0
    }

    /// A menu entry's other links (`links:`, the portal's 「登録内容を確認する」
    /// after an entry): on the entry's last line after it, wrapping to lines
    /// of their own from `left`; below the entry when a callout points at
    /// it, so that its leader crosses no link. `entry` is the entry's box,
    /// `bottom` its bottom; returns the new bottom.
    fn menu_side_links(
        &mut self,
        row: &GuideRow,
        left: f32,
        right: f32,
        entry: Bx,
        bottom: f32,
    ) -> f32 {
        let sep = 16.0;
        let line = lh(BODY);
        let (mut lx, mut top) = if row.callout.is_some() {
            // Clear of the highlight box (6 units round the entry).
            (left, bottom + 8.0)
        } else if row.control != Control::Link {
            // After the entry's button, centred on it.
            (entry.right() + sep, entry.y + (entry.h - line) / 2.0)
        } else {
            // The entry's last line ends where its words end.
            let last = self
                .m
                .wrap(&row.label, BODY, right - left)
                .last()
                .map_or(0.0, |l| self.m.width(l, BODY));
            (entry.x + last + sep, bottom - line)
        };
        let mut bottom = bottom;
        for l in &row.links {
            let lw = self.m.width(l, BODY).min(right - left);
            if lx + lw > right && lx > left {
                lx = left;
                top += line;
            }
            let (end, b) = self.link_text(l, lx, right - lx, top);
            bottom = bottom.max(end);
            lx = b.right() + sep;
            top = end - line;
        }
        bottom
    }

    fn message(&mut self, s: &GuideScreen, y: f32) -> f32 {
        let x = self.fx + PAD;
        let w = self.fw - 2.0 * PAD;
        let mut y = y;
        if !s.lead.is_empty() {
            let at = self.items.len();
            let icon = 20.0;
            let text = s.lead.plain_text();
            let bottom = self.para(
                x + 16.0 + icon + 10.0,
                y + 14.0,
                w - 32.0 - icon - 10.0,
                &text,
                BODY,
                false,
                INK,
                Role::Table,
            );
            let panel = Bx {
                x,
                y,
                w,
                h: (bottom + 14.0 - y).max(icon + 28.0),
            };
            let icx = x + 16.0 + icon / 2.0;
            let icy = y + 14.0 + icon / 2.0;
            let mut bg = vec![
                Item::Rect {
                    x: panel.x,
                    y: panel.y,
                    w: panel.w,
                    h: panel.h,
                    radius: 6.0,
                    style: Style::both(MESSAGE_BG, Stroke::solid(MESSAGE_BORDER, 1.0)),
                    role: Role::Table,
                },
                Item::Circle {
                    cx: icx,
                    cy: icy,
                    r: icon / 2.0,
                    style: Style::fill(self.accent),
                    role: Role::Table,
                },
            ];
            // An "i" drawn as a dot and a bar.
            bg.push(Item::Circle {
                cx: icx,
                cy: icy - 4.5,
                r: 1.6,
                style: Style::fill(WHITE),
                role: Role::Table,
            });
            bg.push(Item::Path {
                points: vec![(icx, icy - 1.0), (icx, icy + 5.5)],
                closed: false,
                style: Style::stroke(Stroke::solid(WHITE, 2.4)),
                role: Role::Table,
            });
            self.insert_at(at, bg);
            y = panel.bottom() + 12.0;
        }
        let y = self.screen_links(&s.links, x, w, y);
        self.table(&s.rows, x, w, y)
    }

    fn dialog(&mut self, s: &GuideScreen, top: f32) -> f32 {
        let at = self.items.len();
        let mw = (self.fw * 0.78).max(260.0).min(self.fw - 24.0);
        let mx = self.fx + (self.fw - mw) / 2.0;
        let my = top + 40.0;
        let inner_x = mx + PAD;
        let inner_w = mw - 2.0 * PAD;
        // Title bar of the dialog.
        let tl = self.m.wrap(&s.title, 14.0, inner_w);
        let title_h = tl.len().max(1) as f32 * lh(14.0) + 16.0;
        self.lines(inner_x, my + 8.0, &tl, 14.0, true, INK, Role::Chrome);
        let mut y = my + title_h + 12.0;
        if !s.lead.is_empty() {
            y = self.para(
                inner_x,
                y,
                inner_w,
                &s.lead.plain_text(),
                BODY,
                false,
                INK,
                Role::Table,
            ) + 8.0;
        }
        y = self.screen_links(&s.links, inner_x, inner_w, y);
        y = self.table(&s.rows, inner_x, inner_w, y);
        if !s.buttons.is_empty() {
            y = self.buttons(&s.buttons, inner_x, inner_w, y + 8.0, true);
        }
        let mh = y + 10.0 - my;
        let bottom = my + mh + 40.0;
        let content = self.take_from(at);
        // Dimmed page with a hint of its content, then the modal box.
        let body = Bx {
            x: self.fx,
            y: top,
            w: self.fw,
            h: bottom - top,
        };
        // Rounded at the bottom like the frame, square under the header.
        self.rect(body, 6.0, Style::fill(BACKDROP), Role::Backdrop);
        self.rect(
            Bx {
                h: body.h - 8.0,
                ..body
            },
            0.0,
            Style::fill(BACKDROP),
            Role::Backdrop,
        );
        let sx = self.fx + PAD;
        let sw = self.fw - 2.0 * PAD;
        let mut ky = top + 14.0;
        let bars = [0.45, 1.0, 0.8, 1.0, 0.65, 1.0, 0.9];
        let mut k = 0;
        while ky + 12.0 < bottom - 8.0 {
            let f = bars[k % bars.len()];
            self.rect(
                Bx {
                    x: sx,
                    y: ky,
                    w: sw * f,
                    h: 12.0,
                },
                3.0,
                Style::fill(SKELETON),
                Role::Backdrop,
            );
            ky += 26.0;
            k += 1;
        }
        self.rect(
            Bx {
                x: mx + 3.0,
                y: my + 4.0,
                w: mw,
                h: mh,
            },
            8.0,
            Style::fill(SHADOW),
            Role::Backdrop,
        );
        self.rect(
            Bx {
                x: mx,
                y: my,
                w: mw,
                h: mh,
            },
            8.0,
            Style::both(WHITE, Stroke::solid(FRAME, 1.0)),
            Role::Chrome,
        );
        self.rect(
            Bx {
                x: mx + 1.0,
                y: my + 1.0,
                w: mw - 2.0,
                h: title_h - 1.0,
            },
            7.0,
            Style::fill(LABEL_BG),
            Role::Chrome,
        );
        self.rect(
            Bx {
                x: mx + 1.0,
                y: my + title_h / 2.0,
                w: mw - 2.0,
                h: title_h / 2.0,
            },
            0.0,
            Style::fill(LABEL_BG),
            Role::Chrome,
        );
        self.path(
            vec![(mx, my + title_h), (mx + mw, my + title_h)],
            false,
            Style::stroke(Stroke::solid(CELL_BORDER, 1.0)),
            Role::Chrome,
        );
        self.items.extend(content);
        bottom
    }

    // ---- callouts ------------------------------------------------------------

    /// Places pending callouts in the margin column at `x` (width `w`),
    /// stacked so they never overlap; returns the lowest bubble bottom.
    fn place_callouts(&mut self, x: f32, w: f32) -> f32 {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by(|a, b| a.ty.total_cmp(&b.ty));
        let pad = 8.0;
        let mut next_top = 1.0f32;
        let mut lowest = 0.0f32;
        let frame_right = self.fx + self.fw;
        let mut turns = 0usize;
        for p in pending {
            let mark_w = if p.marker.is_some() {
                2.0 * MARKER_R + 6.0
            } else {
                0.0
            };
            let tl = self.m.wrap(&p.text, BODY, w - 2.0 * pad - mark_w);
            let dl = if p.detail.is_empty() {
                Vec::new()
            } else {
                self.m.wrap(&p.detail, SMALL, w - 2.0 * pad)
            };
            let title_h = (tl.len() as f32 * lh(BODY)).max(if p.marker.is_some() {
                2.0 * MARKER_R
            } else {
                0.0
            });
            let detail_h = if dl.is_empty() {
                0.0
            } else {
                4.0 + dl.len() as f32 * lh(SMALL)
            };
            let h = pad + title_h + detail_h + pad;
            let top = (p.ty - title_h / 2.0 - pad).max(next_top);
            let b = Bx { x, y: top, w, h };
            self.rect(
                b,
                6.0,
                Style::both(CALLOUT_BG, Stroke::solid(HILITE, 1.6)),
                Role::Callout,
            );
            let mut ty = top + pad;
            if let Some(n) = p.marker {
                self.marker(x + pad + MARKER_R, ty + title_h.min(lh(BODY)) / 2.0, n);
            }
            if title_h > tl.len() as f32 * lh(BODY) {
                ty += (title_h - tl.len() as f32 * lh(BODY)) / 2.0;
            }
            self.lines(x + pad + mark_w, ty, &tl, BODY, true, INK, Role::Callout);
            if !dl.is_empty() {
                self.lines(
                    x + pad,
                    top + pad + title_h + 4.0,
                    &dl,
                    SMALL,
                    false,
                    INK,
                    Role::Callout,
                );
            }
            // Leader: straight across when the bubble is level with its row;
            // otherwise it turns in the gap between screen and margin, each
            // turning leader in its own lane so vertical runs never coincide.
            let by = p.ty.clamp(top + 10.0, top + h - 10.0);
            let st = Style::stroke(Stroke::solid(HILITE, 1.6));
            let mut pts = vec![(p.tx, p.ty)];
            if (by - p.ty).abs() > 0.5 {
                let lane = frame_right + 7.0 + 4.0 * (turns % 4) as f32;
                turns += 1;
                pts.push((lane, p.ty));
                pts.push((lane, by));
            }
            pts.push((x, by));
            self.path(pts, false, st, Role::Leader);
            match p.marker {
                Some(n) => self.marker(p.tx + MARKER_R + 1.0, p.ty, n),
                None => self.circle(p.tx, p.ty, 3.0, Style::fill(HILITE), Role::Leader),
            }
            next_top = b.bottom() + 8.0;
            lowest = lowest.max(b.bottom());
        }
        lowest
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::manual::Callout;
    use crate::model::{Block, Inline, Rich};

    /// A clinic's picture options share the guide's strings and the
    /// defaults share one parse (neither is copied per clinic), and the
    /// words drawn are the same either way.
    #[test]
    fn picture_options_share_their_strings() {
        let a = SceneOptions::default();
        let b = SceneOptions::default();
        assert!(Arc::ptr_eq(&a.strings, &b.strings));
        let guide_strings = Arc::new(Strings::default());
        let shared = SceneOptions::default().worded_shared(&guide_strings);
        assert!(Arc::ptr_eq(&shared.strings, &guide_strings));
        let copied = SceneOptions::default().worded(&guide_strings);
        assert_eq!(copied, shared);
        let s = usage_form();
        assert_eq!(
            screen_scene(&s, &shared).plain_text(),
            screen_scene(&s, &copied).plain_text()
        );
    }

    /// The scene of `screen` measured with the default theme's fonts.
    pub(crate) fn screen_scene(screen: &GuideScreen, opts: &SceneOptions) -> Scene {
        super::screen_scene(screen, opts, crate::render::pdf::test_fonts())
    }

    /// The mask dots a scene draws for secret values.
    fn secret_dots(sc: &Scene) -> usize {
        sc.items
            .iter()
            .filter(|i| {
                matches!(
                    i,
                    Item::Circle {
                        role: Role::Secret,
                        ..
                    }
                )
            })
            .count()
    }

    fn rich(s: &str) -> Rich {
        Rich(vec![Block::Paragraph {
            inlines: vec![Inline::Text { text: s.into() }],
        }])
    }

    fn row(id: &str, label: &str, control: Control, shown: Shown) -> GuideRow {
        let t = crate::model::strings::Strings::default();
        GuideRow {
            id: id.into(),
            label: label.into(),
            required: true,
            // The scene draws it for secrets and rows without a value.
            display: shown.display(&control, false, &t),
            control,
            help: Rich::default(),
            is_value: false,
            shown,
            prefilled: false,
            joined: false,
            links: Vec::new(),
            highlight: false,
            callout: None,
            flag: None,
            correction: None,
            when: None,
            not_applicable: None,
            unsettled: None,
            sheet_note: None,
            boxes: None,
            seal: None,
            per_item: false,
        }
    }

    fn choice(v: &str, l: &str) -> Choice {
        Choice {
            value: v.into(),
            label: l.into(),
            aliases: Vec::new(),
            name: None,
        }
    }

    /// The usage-application form of step 1-3, filled for a sample clinic.
    pub(crate) fn usage_form() -> GuideScreen {
        let line_options = vec![
            choice(
                "1",
                "1: IP-VPN回線事業者 (NTTなど、ただし、CTC・QNetを除く)",
            ),
            choice("2", "2: IP-VPN回線事業者 (CTC・QTnet)"),
            choice("3", "3: IPsec+IKE サービス提供事業者"),
        ];
        let mut line = row(
            "line_type",
            "電気通信回線種別",
            Control::Radio {
                options: line_options,
            },
            Shown::Choice {
                value: "1".into(),
                label: "1: IP-VPN回線事業者 (NTTなど、ただし、CTC・QNetを除く)".into(),
            },
        );
        line.help = rich(
            "利用する電気通信回線種別を選択してください。 電気通信回線種別とはこちらをクリック",
        );
        line.highlight = true;
        line.callout = Some(Callout {
            marker: Some(1),
            text: "1を選択してください".into(),
            detail: rich(
                "NTT フレッツもしくは NTT のコラボ回線をご利用中の方は、必ず1を選択してください。",
            ),
        });
        let mut id = row(
            "customer_id",
            "お客さまID",
            Control::Text,
            Shown::Value {
                text: "CAF1253000113".into(),
            },
        );
        id.help = rich(
            "回線契約時(光コラボレーション契約時)にNTT又は光コラボ事業者から送付されている「お客さまID」の種類を選択し入力してください。\n※ご注意 誤った「お客さまID」でご申請いただいた場合、オンライン資格確認等システムに接続できません。",
        );
        id.callout = Some(Callout {
            marker: Some(2),
            text: "開通のご案内を元に入力".into(),
            detail: Rich::default(),
        });
        let mut start = row(
            "start",
            "利用開始予定年月",
            Control::YearMonth,
            Shown::YearMonth {
                year: 2026,
                month: 12,
            },
        );
        start.callout = Some(Callout {
            marker: Some(3),
            text: "実際の開始日とずれても問題ありません".into(),
            detail: Rich::default(),
        });
        let mut test = row(
            "test",
            "テスト開始予定年月(※未定の方は入力不要)",
            Control::YearMonth,
            Shown::Nothing,
        );
        test.required = false;
        let mut secret = row(
            "secret",
            "秘密の番号",
            Control::Secret {
                digits: Some(4),
                confirm: true,
            },
            Shown::Secret { digits: Some(4) },
        );
        secret.help = rich(
            "オンライン資格確認のマスタアカウント(ログインID)のパスワードを再発行する際にご利用します。失念しないようご注意ください。\n任意の半角数字4文字を入力してください。",
        );
        secret.callout = Some(Callout {
            marker: Some(4),
            text: "好きな数字4桁で設定".into(),
            detail: Rich::default(),
        });
        let mut fee = row(
            "fee",
            "電子証明書発行料の支払方法",
            Control::Radio {
                options: vec![
                    choice("1", "1: 診療(調剤)報酬支払額から控除"),
                    choice("2", "2: 払込請求書による振込み"),
                ],
            },
            Shown::Choice {
                value: "1".into(),
                label: "1: 診療(調剤)報酬支払額から控除".into(),
            },
        );
        fee.callout = Some(Callout {
            marker: Some(5),
            text: "どちらかを選択".into(),
            detail: Rich::default(),
        });
        let agree = row(
            "agree",
            "利用規約への同意",
            Control::Checkbox {
                label: "同意する".into(),
            },
            Shown::Checked,
        );
        let mut kind = row(
            "kind",
            "申請区分",
            Control::Display,
            Shown::Value {
                text: "変更".into(),
            },
        );
        kind.required = false;
        kind.prefilled = true;
        GuideScreen {
            kind: ScreenKind::Form,
            frame: Some(portal_frame()),
            title: "オンライン資格確認利用開始・変更申請".into(),
            url: Some("https://shinsei.iryohokenjyoho-portalsite.jp/pc/enquete/online/".into()),
            lead: Rich::default(),
            rows: vec![kind, agree, line, id, start, test, secret, fee],
            links: Vec::new(),
            foot: Rich::default(),
            alt: None,
            align: Default::default(),
            buttons: vec![
                Button {
                    label: "この画面を開いた状態に戻す".into(),
                    primary: false,
                    link: false,
                    top: false,
                },
                Button {
                    label: "確認画面へ進む".into(),
                    primary: true,
                    link: false,
                    top: false,
                },
            ],
        }
    }

    /// The seed manual's portal frame, as content declares it.
    pub(crate) fn portal_frame() -> Frame {
        Frame {
            id: "portal".into(),
            title_bar: None,
            header: vec![
                "オンライン資格確認・医療情報化支援基金関係".into(),
                "医療機関等向けポータルサイト".into(),
            ],
            color: 0x1d4e89,
            text_color: 0xffffff,
            title_bar_color: 0x3c4043,
            words: FrameWords {
                required: Some("必須".into()),
                select: Some("選択してください".into()),
                confirm: Some("確認のため再度入力してください。".into()),
            },
            name: Some("ポータルサイト".into()),
        }
    }

    #[test]
    fn a_frames_words_are_the_screens_own() {
        // The portal's frame: its badge and its unchosen select.
        let mut s = usage_form();
        let text = screen_scene(&s, &SceneOptions::default()).plain_text();
        assert!(
            text.contains("必須") && text.contains("確認のため再度入力"),
            "{text}"
        );
        // A frame in English draws its own badge; no frame draws none.
        let mut f = portal_frame();
        f.words = FrameWords {
            required: Some("Required".into()),
            select: Some("Select…".into()),
            confirm: Some("Enter it again.".into()),
        };
        s.frame = Some(f);
        let text = screen_scene(&s, &SceneOptions::default()).plain_text();
        assert!(
            text.contains("Required") && text.contains("Enter it again."),
            "{text}"
        );
        assert!(!text.contains("必須") && !text.contains("確認のため再度入力"));
        s.frame = None;
        let sc = screen_scene(&s, &SceneOptions::default());
        assert!(!sc.plain_text().contains("必須"));
        assert!(!sc.items.iter().any(|i| matches!(
            i,
            Item::Rect {
                role: Role::Required,
                ..
            }
        )));
    }

    #[test]
    fn a_theme_key_changes_the_picture() {
        let s = usage_form();
        let mut o = std::collections::BTreeMap::new();
        o.insert("picture_secret".to_string(), "Your own digits".to_string());
        o.insert(
            "picture_alt".to_string(),
            "Picture of {title} ({kind})".to_string(),
        );
        o.insert("site_screen_form".to_string(), "form".to_string());
        let t = Strings::with_overrides(o).unwrap();
        let text = screen_scene(&s, &SceneOptions::default().worded(&t)).plain_text();
        assert!(text.contains("Your own digits"), "{text}");
        assert!(!text.contains("施設内で決めた数字"));
        let alt = screen_alt(&s, &t);
        assert!(
            alt.starts_with("Picture of オンライン資格確認利用開始・変更申請 (form)"),
            "{alt}"
        );
    }

    #[test]
    fn frames_come_from_the_screen() {
        // No frame: a plain window, no header text at all.
        let mut s = usage_form();
        s.frame = None;
        let plain = screen_scene(&s, &SceneOptions::default()).plain_text();
        assert!(!plain.contains("ポータルサイト"), "{plain}");
        assert!(plain.contains("オンライン資格確認利用開始・変更申請"));
        // Another frame: its title bar and its one header line, its colour.
        s.frame = Some(Frame {
            id: "device".into(),
            title_bar: Some("設定ツール".into()),
            header: vec!["カードリーダー管理".into()],
            color: 0x2e7d32,
            text_color: 0xffffff,
            title_bar_color: 0x333333,
            words: FrameWords::default(),
            name: None,
        });
        let sc = screen_scene(&s, &SceneOptions::default());
        let text = sc.plain_text();
        assert!(text.contains("設定ツール") && text.contains("カードリーダー管理"));
        assert!(!text.contains("ポータルサイト"));
        assert!(sc.items.iter().any(|i| matches!(i,
            Item::Rect { style, role: Role::Chrome, .. } if style.fill == Some(Color::hex(0x2e7d32)))));
    }

    /// The same form where the clinic's data chose line type 2 but must use 1.
    pub(crate) fn wrong_line_form() -> GuideScreen {
        let mut s = usage_form();
        let line = &mut s.rows[2];
        // The picture shows the value to enter; the data's "2" is named only
        // in the finding.
        line.shown = Shown::Choice {
            value: "1".into(),
            label: "1: IP-VPN回線事業者".into(),
        };
        line.flag = Some(Severity::Error);
        line.correction = Some(crate::eval::guide::Correction {
            data: "2: IP-VPN回線事業者 (CTC・QTnet)".into(),
            enter: "1: IP-VPN回線事業者".into(),
            rule: "line-type".into(),
        });
        s
    }

    #[test]
    fn form_shows_the_clinics_values() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let text = sc.plain_text();
        for want in [
            "オンライン資格確認・医療情報化支援基金関係",
            "医療機関等向けポータルサイト",
            "オンライン資格確認利用開始・変更申請",
            "CAF1253000113",
            "2026",
            "12",
            "必須",
            "確認画面へ進む",
            "1を選択してください",
            "同意する",
        ] {
            assert!(text.contains(want), "missing {want}");
        }
        assert!(sc.items.iter().any(|i| i.role() == Role::Highlight));
        assert!(sc.items.iter().any(|i| i.role() == Role::Leader));
        assert!(sc.items.iter().filter(|i| i.role() == Role::Marker).count() >= 10);
        assert!(!sc.items.iter().any(|i| i.role() == Role::Wrong));
        assert!(sc.height > 400.0);
    }

    /// A highlighted checkbox without a caption (bound to a yes/no setting),
    /// with a callout: the highlight frames the box and the words beside it,
    /// and the callout's marker sits right of them. The frame was a sliver
    /// above the box (the control's height was that of its empty caption)
    /// and the marker and its leader were drawn over 「未チェック（…）」.
    #[test]
    fn a_checkbox_without_a_caption_is_framed_whole() {
        for (shown, words) in [
            (Shown::Checked, None),
            (
                Shown::Unchecked {
                    reason: "使っていない".into(),
                    settled: true,
                },
                Some("チェックしない（使っていない）"),
            ),
            (
                Shown::Unchecked {
                    reason: "未契約".into(),
                    settled: false,
                },
                Some("未チェック（未契約）"),
            ),
        ] {
            let mut r = row(
                "dhcp",
                "DHCPサーバー機能を使う",
                Control::Checkbox {
                    label: String::new(),
                },
                shown,
            );
            r.highlight = true;
            r.callout = Some(Callout {
                marker: Some(1),
                text: "設定を変えずに確かめるだけです".into(),
                detail: Rich::default(),
            });
            let mut s = usage_form();
            s.rows = vec![r];
            let sc = screen_scene(&s, &SceneOptions::default());
            let rect = |want: Role, size: Option<f32>| {
                sc.items.iter().find_map(|i| match i {
                    Item::Rect {
                        x, y, w, h, role, ..
                    } if *role == want && size.is_none_or(|s| (*w - s).abs() < 0.01) => {
                        Some((*x, *y, *w, *h))
                    }
                    _ => None,
                })
            };
            let hl = rect(Role::Highlight, None).expect("highlight");
            let bx = rect(Role::Control, Some(14.0)).expect("the box");
            assert!(
                hl.1 <= bx.1 && hl.1 + hl.3 >= bx.1 + bx.3,
                "the frame {hl:?} holds the box {bx:?}"
            );
            let marker = sc
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Circle { cx, r, role, .. } if *role == Role::Marker => Some(cx - r),
                    _ => None,
                })
                .fold(f32::MAX, f32::min);
            assert!(marker >= hl.0 + hl.2 - 0.01, "marker {marker} in {hl:?}");
            if let Some(words) = words {
                let t = sc
                    .texts()
                    .find(|t| t.text == words)
                    .unwrap_or_else(|| panic!("no {words}: {}", sc.plain_text()));
                assert!(
                    hl.0 + hl.2 >= t.left() + t.width,
                    "{words} ends past the frame {hl:?}"
                );
                assert!((t.y - bx.1).abs() < lh(BODY), "{words} beside the box");
            }
        }
    }

    #[test]
    fn text_is_never_below_the_minimum_and_stays_inside() {
        for s in [usage_form(), wrong_line_form()] {
            let sc = screen_scene(&s, &SceneOptions::default());
            for t in sc.texts() {
                assert!(t.size >= MIN_FONT_SIZE, "{} at {}", t.text, t.size);
                let l = t.left();
                let r = l + t.width;
                assert!(
                    l >= 0.0 && r <= sc.width + 0.5,
                    "{} outside: {l}..{r}",
                    t.text
                );
                assert!(t.y <= sc.height, "{} below the canvas", t.text);
            }
        }
    }

    #[test]
    fn secret_is_masked() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let masked = secret_dots(&sc);
        assert_eq!(masked, 8, "four dots in each of the two boxes");
        for t in sc.texts().filter(|t| t.role == Role::Secret) {
            assert!(!t.text.chars().any(|c| c.is_ascii_digit()), "{}", t.text);
        }
    }

    /// A figure's text alternative: the author's caption, then the values
    /// the document prints for this clinic, in order; its secrets (blanked
    /// on paper) and the rows without a value are left to the caption.
    #[test]
    fn a_figures_alt_adds_the_values_the_document_prints() {
        let mut s = usage_form();
        s.kind = ScreenKind::Document;
        let t = Strings::default();
        let alt = figure_alt(&s, "通知書の見本。番号の欄は塗りつぶしてあります。", &t);
        assert!(
            alt.starts_with(
                "通知書の見本。番号の欄は塗りつぶしてあります。「申請区分（自動入力）」: 変更"
            ),
            "{alt}"
        );
        assert!(
            alt.contains("。「お客さまID」: CAF1253000113（開通のご案内を元に入力）。"),
            "{alt}"
        );
        assert!(alt.ends_with("。"), "{alt}");
        assert!(
            !alt.contains("秘密の番号") && !alt.contains("同意する"),
            "{alt}"
        );
        // Without a value, the caption alone.
        s.rows.retain(|r| matches!(r.shown, Shown::Secret { .. }));
        assert_eq!(figure_alt(&s, "見本", &t), "見本");
    }

    /// A paper document: no window or header even with a frame, the title
    /// centred, lead and foot drawn, a secret blanked with the theme's word
    /// (no input box, no mask dots), and the callout still placed.
    #[test]
    fn a_document_is_a_sheet_with_its_secrets_blanked() {
        let mut s = usage_form();
        s.kind = ScreenKind::Document;
        s.title = "通知書（見本）".into();
        s.lead = rich("○○○○クリニック　御中");
        s.foot = rich("大切に保管してください。");
        let opts = SceneOptions::default();
        let sc = screen_scene(&s, &opts);
        let texts: Vec<&TextRun> = sc.texts().collect();
        let has = |t: &str| texts.iter().any(|r| r.text == t);
        assert!(!has("医療機関等向けポータルサイト"), "no frame header");
        let title = texts.iter().find(|r| r.text == "通知書（見本）").unwrap();
        assert_eq!(title.anchor, Anchor::Middle);
        let Item::Rect { x, w, .. } = sc.items[0] else {
            panic!("the sheet first")
        };
        assert!((title.x - (x + w / 2.0)).abs() < 0.01, "title centred");
        assert!(has("○○○○クリニック　御中") && has("大切に保管してください。"));
        // Left by default; `align: { foot: right }` puts the foot's lines flush
        // right against the sheet's inner edge (a letter's sender).
        let foot = |sc: &Scene| {
            let r = sc
                .texts()
                .find(|r| r.text == "大切に保管してください。")
                .unwrap();
            (r.x, r.anchor)
        };
        assert_eq!(foot(&sc).1, Anchor::Start);
        s.align.foot = Align::Right;
        let right = screen_scene(&s, &opts);
        let (fx, anchor) = foot(&right);
        assert_eq!(anchor, Anchor::End);
        assert!(
            (fx - (x + w - PAD)).abs() < 0.01,
            "flush right: {fx} vs {}",
            x + w - PAD
        );
        let lead = right
            .texts()
            .find(|r| r.text == "○○○○クリニック　御中")
            .unwrap();
        assert_eq!(lead.anchor, Anchor::Start, "the lead stays left");
        let dots = secret_dots(&sc);
        assert_eq!(dots, 0, "a secret on paper is blanked, not masked");
        let hidden = opts.strings.get("picture_hidden");
        assert!(
            texts
                .iter()
                .any(|r| r.text == hidden && r.role == Role::Secret)
        );
        assert!(
            texts.iter().any(|r| r.role == Role::Callout),
            "callouts stay"
        );
        // The sheet is square, drawn first.
        assert!(matches!(
            sc.items[0],
            Item::Rect {
                radius: 0.0,
                role: Role::Chrome,
                ..
            }
        ));
    }

    #[test]
    fn corrected_line_type_shows_the_value_to_enter() {
        let sc = screen_scene(&wrong_line_form(), &SceneOptions::default());
        let crosses = sc.items.iter().filter(|i| i.role() == Role::Wrong).count();
        assert_eq!(crosses, 0, "the wrong data value is not drawn");
        assert!(
            sc.texts()
                .any(|t| t.role == Role::Correct && t.text == "正しくは「1」")
        );
        assert!(sc.items.iter().any(|i| matches!(
            i,
            Item::Rect {
                role: Role::Correct,
                ..
            }
        )));
    }

    #[test]
    fn callouts_do_not_overlap_and_sit_in_the_margin() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let bubbles: Vec<(f32, f32, f32)> = sc
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect {
                    x,
                    y,
                    h,
                    role: Role::Callout,
                    ..
                } => Some((*x, *y, *y + *h)),
                _ => None,
            })
            .collect();
        assert_eq!(bubbles.len(), 5);
        for w in bubbles.windows(2) {
            assert!(w[1].1 >= w[0].2, "bubbles overlap");
        }
        let frame_right = sc
            .items
            .iter()
            .find_map(|i| match i {
                Item::Rect {
                    x,
                    w,
                    role: Role::Chrome,
                    ..
                } => Some(x + w),
                _ => None,
            })
            .unwrap_or(0.0);
        assert!(bubbles.iter().all(|b| b.0 > frame_right));
    }

    #[test]
    fn no_callouts_means_no_margin() {
        let mut s = usage_form();
        for r in &mut s.rows {
            r.callout = None;
        }
        let sc = screen_scene(&s, &SceneOptions::default());
        assert!(!sc.items.iter().any(|i| i.role() == Role::Callout));
        let frame_w = sc
            .items
            .iter()
            .find_map(|i| match i {
                Item::Rect { w, .. } => Some(*w),
                _ => None,
            })
            .unwrap_or(0.0);
        assert!(frame_w > 650.0);
    }

    /// A link a step asks to click is a row (`control: link`, a menu's entry
    /// or a form's row): drawn as a link (class `link`, underlined, no box),
    /// framed and pointed at by its callout as a button row is, and named as
    /// a link in the text alternative.
    /// The link runs of `sc` whose words joined are `words` (a link that
    /// wraps is one run a line), each underlined; their boxes.
    fn link_runs<'s>(sc: &'s Scene, words: &str) -> Vec<&'s TextRun> {
        let runs: Vec<&TextRun> = sc
            .texts()
            .filter(|t| t.role == Role::Link && words.contains(t.text.as_str()))
            .collect();
        assert_eq!(
            runs.iter().map(|t| t.text.as_str()).collect::<String>(),
            words,
            "{words} drawn as a link"
        );
        for run in &runs {
            let under = |i: &Item| {
                matches!(i, Item::Path { role: Role::Link, points, .. }
                    if points.len() == 2 && (points[0].0 - run.left()).abs() < 0.5
                        && (points[1].0 - run.left() - run.width).abs() < 0.5
                        && points[0].1 > run.y && points[0].1 < run.y + 4.0)
            };
            assert!(sc.items.iter().any(under), "{} underlined", run.text);
        }
        runs
    }

    /// A screen's `links:` are drawn under its lead, a row's in its cell
    /// above its control (the portal's 「…はこちらをクリック」 that ends a row's
    /// explanation): underlined, in the link colour, inside the frame and
    /// the cell; the text alternative names each as a link, once.
    #[test]
    fn a_screens_and_a_rows_links_are_drawn_as_links_and_named() {
        let mut form = usage_form();
        form.lead = rich("申請の前に運用規程を確認してください。");
        let doc = "共通認証局運用規程（CP/CPS）のPDFを開く";
        form.links = vec![doc.into()];
        let help = "電気通信回線種別とはこちらをクリック";
        let at = form
            .rows
            .iter()
            .position(|r| r.id == "line_type")
            .expect("row");
        form.rows[at].links = vec![help.into()];
        let plain = screen_scene(&usage_form(), &SceneOptions::default());
        let sc = screen_scene(&form, &SceneOptions::default());
        let lead = sc
            .texts()
            .find(|t| t.text.starts_with("申請の前に"))
            .expect("the lead");
        let first_row = sc
            .texts()
            .find(|t| t.text == "申請区分")
            .expect("the first row's label");
        for run in link_runs(&sc, doc) {
            assert!(run.y > lead.y && run.y < first_row.y, "under the lead");
            assert!(run.left() >= 1.0 && run.left() + run.width <= 1.0 + sc.width);
        }
        // In the row's control cell, above its first option.
        let label = sc
            .texts()
            .find(|t| t.text == "電気通信回線種別")
            .expect("the row's label");
        let option = sc
            .texts()
            .find(|t| t.text.starts_with("1: IP-VPN"))
            .expect("the first option");
        for run in link_runs(&sc, help) {
            assert!(
                run.left() > label.left() + label.width,
                "in the control's cell"
            );
            assert!(run.y < option.y, "above the control");
            // The row is framed (highlighted, with a callout): its box is
            // under the link's line.
            let framed = sc.items.iter().find_map(|i| match i {
                Item::Rect {
                    role: Role::Highlight,
                    y,
                    ..
                } if *y > run.y - run.size && *y < option.y => Some(*y),
                _ => None,
            });
            assert!(
                framed.is_some_and(|y| y > run.y + 3.5),
                "the box crosses the link: {framed:?} {}",
                run.y
            );
        }
        assert!(sc.height > plain.height, "the picture makes room for them");
        let alt = screen_alt(&form, &Strings::default());
        for w in [doc, help] {
            assert_eq!(alt.matches(&format!("「{w}」のリンク")).count(), 1, "{alt}");
        }
        assert!(!alt.contains(&format!("「{help}」ボタン")));
        // Without them nothing names them.
        assert!(!screen_alt(&usage_form(), &Strings::default()).contains(help));
    }

    /// A form row's links sit at the right of a control of one line (a
    /// checkbox and its caption), on its words' line and wrapping there, when
    /// no callout points at the row: the row is no taller than its label
    /// and badge make it (1-3's 同意する and its terms link).
    #[test]
    fn a_rows_links_sit_beside_a_control_of_one_line() {
        let terms = "オンライン資格確認等システム利用規約はこちらをクリック";
        let mut form = usage_form();
        let at = form.rows.iter().position(|r| r.id == "agree").expect("row");
        form.rows[at].links = vec![terms.into()];
        let plain = screen_scene(&usage_form(), &SceneOptions::default());
        let sc = screen_scene(&form, &SceneOptions::default());
        let caption = sc
            .texts()
            .find(|t| t.text == "同意する")
            .expect("the box's caption")
            .clone();
        let runs = link_runs(&sc, terms);
        assert!(runs.len() > 1, "it wraps in the room at the right");
        assert!((runs[0].y - caption.y).abs() < 0.5, "on the caption's line");
        for run in &runs {
            assert!(run.left() > caption.left() + caption.width + 8.0, "beside");
        }
        assert_eq!(sc.height, plain.height, "no taller");
    }

    /// A menu entry's `links:` (the my page's 「登録内容を確認する」) follow it on
    /// its line; below it when a callout points at the entry, so that the
    /// leader and the highlight box cross no link. Named once in the text
    /// alternative however many entries have it.
    #[test]
    fn a_menu_entrys_links_follow_it_and_keep_clear_of_its_callout() {
        let mut menu = usage_form();
        menu.kind = ScreenKind::Menu;
        let check = "登録内容を確認する";
        let mut plain = row(
            "a",
            "顔認証付きカードリーダー申込",
            Control::Link,
            Shown::Nothing,
        );
        plain.links = vec![check.into()];
        let mut target = row(
            "b",
            "オンライン資格確認利用開始・変更申請",
            Control::Link,
            Shown::Nothing,
        );
        target.links = vec![check.into()];
        target.highlight = true;
        target.callout = Some(Callout {
            marker: None,
            text: "ここをクリック".into(),
            detail: Rich::default(),
        });
        menu.rows = vec![plain, target];
        let sc = screen_scene(&menu, &SceneOptions::default());
        let entry = |w: &str| {
            sc.texts()
                .find(|t| t.text == w && t.role == Role::Link)
                .expect("an entry")
                .clone()
        };
        let a = entry("顔認証付きカードリーダー申込");
        let b = entry("オンライン資格確認利用開始・変更申請");
        let links: Vec<&TextRun> = sc.texts().filter(|t| t.text == check).collect();
        assert_eq!(links.len(), 2);
        assert!(links.iter().all(|l| l.role == Role::Link));
        // Beside the first entry, on its line.
        assert!((links[0].y - a.y).abs() < 0.5 && links[0].left() > a.left() + a.width);
        // Under the second, clear of its highlight box and its leader.
        assert!(links[1].y > b.y + 10.0);
        let top = links[1].y - links[1].size;
        for i in &sc.items {
            match i {
                // The entry's box (the primary button's is at the foot).
                Item::Rect {
                    role: Role::Highlight,
                    y,
                    h,
                    ..
                } if *y < top => {
                    assert!(y + h < top, "the highlight box covers the link")
                }
                Item::Path {
                    role: Role::Leader,
                    points,
                    ..
                } => {
                    assert!(
                        points.iter().all(|p| p.1 < top),
                        "the leader crosses the link"
                    )
                }
                _ => {}
            }
        }
        let alt = screen_alt(&menu, &Strings::default());
        assert_eq!(
            alt.matches(&format!("「{check}」のリンク")).count(),
            1,
            "{alt}"
        ); // After an entry's button, on its line.
        let mut button = row(
            "c",
            "申込",
            Control::Button {
                label: "申し込む".into(),
            },
            Shown::Nothing,
        );
        button.links = vec![check.into()];
        menu.rows = vec![button];
        let sc = screen_scene(&menu, &SceneOptions::default());
        let face = sc
            .texts()
            .find(|t| t.text == "申し込む")
            .expect("the button")
            .clone();
        let link = sc.texts().find(|t| t.text == check).expect("the link");
        assert!(
            link.left() > face.left() + face.width + 8.0,
            "after the button"
        );
        assert!((link.y - face.y).abs() < 3.0, "on its line");
    }

    /// A button with `top: true` (the portal's ログアウト) is drawn at the top
    /// of the page, on the title's line at its right, not at the foot; the
    /// picture is no taller than with it at the foot.
    #[test]
    fn a_button_at_the_top_is_drawn_on_the_titles_line() {
        let mut menu = usage_form();
        menu.kind = ScreenKind::Menu;
        menu.title = "マイページ".into();
        menu.rows = vec![row(
            "a",
            "アカウント情報編集",
            Control::Link,
            Shown::Nothing,
        )];
        let logout = |top| Button {
            label: "ログアウト".into(),
            primary: false,
            link: false,
            top,
        };
        menu.buttons = vec![logout(false)];
        let foot = screen_scene(&menu, &SceneOptions::default());
        menu.buttons = vec![logout(true)];
        let sc = screen_scene(&menu, &SceneOptions::default());
        let find = |sc: &Scene, w: &str| sc.texts().find(|t| t.text == w).expect(w).clone();
        let title = find(&sc, "マイページ");
        let button = find(&sc, "ログアウト");
        let entry = find(&sc, "アカウント情報編集");
        assert_eq!(button.role, Role::Control);
        assert!((button.y - title.y).abs() < 4.0, "on the title's line");
        assert!(
            button.left() > title.left() + title.width + 20.0,
            "at the right"
        );
        assert!(button.y < entry.y, "above the menu");
        assert!(find(&foot, "ログアウト").y > find(&foot, "アカウント情報編集").y);
        assert!(sc.height <= foot.height, "{} > {}", sc.height, foot.height);
        // A title too long for the line wraps short of the button.
        menu.title =
            "とても長いページの名前がボタンの手前で折り返されるかを確かめるための題名".into();
        let sc = screen_scene(&menu, &SceneOptions::default());
        let button = find(&sc, "ログアウト");
        let bx = button.left() - 10.0;
        assert!(
            sc.texts()
                .filter(|t| t.role == Role::Chrome && t.size == TITLE)
                .all(|t| t.left() + t.width < bx),
            "the title runs under the button"
        );
    }

    #[test]
    fn a_link_row_is_drawn_as_a_link_and_takes_a_callout() {
        let mut form = usage_form();
        let mut link = row(
            "terms",
            "利用規約",
            Control::Link,
            Shown::Value {
                text: "オンライン資格確認等システム利用規約はこちらをクリック".into(),
            },
        );
        link.required = false;
        link.callout = Some(Callout {
            marker: Some(2),
            text: "規約を開いて読む".into(),
            detail: Rich::default(),
        });
        form.rows.insert(1, link);
        let sc = screen_scene(&form, &SceneOptions::default());
        let run = sc
            .texts()
            .find(|t| t.text.starts_with("オンライン資格確認等システム利用規約"))
            .expect("the link's text");
        assert_eq!(run.role, Role::Link);
        let under = |i: &Item| {
            matches!(i, Item::Path { role: Role::Link, points, .. }
                if points.len() == 2 && (points[0].0 - run.left()).abs() < 0.5 && points[0].1 > run.y)
        };
        assert!(sc.items.iter().any(under), "underlined");
        assert!(
            !sc.items.iter().any(|i| matches!(i, Item::Rect { role: Role::Control, x, y, w, h, .. }
                if *x <= run.left() && x + w >= run.left() + run.width && *y <= run.y && y + h >= run.y)),
            "no box around the link"
        );
        let framed = sc.items.iter().any(|i| {
            matches!(i, Item::Rect { role: Role::Highlight, x, y, w, h, .. }
                if *x < run.left() && x + w > run.left() + run.width && *y < run.y && y + h > run.y)
        });
        assert!(framed, "framed for its callout");
        assert!(
            sc.texts()
                .any(|t| t.role == Role::Callout && t.text.contains("規約を開いて読む"))
        );
        assert!(sc.items.iter().any(|i| i.role() == Role::Leader));

        // A menu entry to click is named as a link.
        let mut menu = usage_form();
        menu.kind = ScreenKind::Menu;
        let mut entry = row("a", "電子証明書発行申請", Control::Link, Shown::Nothing);
        entry.highlight = true;
        menu.rows = vec![entry];
        let alt = screen_alt(&menu, &Strings::default());
        assert!(
            alt.contains("「電子証明書発行申請」のリンクを示しています"),
            "{alt}"
        );
    }

    #[test]
    fn other_kinds_render() {
        let mut menu = usage_form();
        menu.kind = ScreenKind::Menu;
        menu.rows = vec![
            row(
                "h",
                "オンライン資格・オンライン請求利用申請",
                Control::Display,
                Shown::Nothing,
            ),
            row(
                "a",
                "オンライン資格確認利用開始・変更申請",
                Control::Link,
                Shown::Nothing,
            ),
            row("b", "電子証明書発行申請", Control::Link, Shown::Nothing),
        ];
        menu.rows[1].highlight = true;
        let sc = screen_scene(&menu, &SceneOptions::default());
        assert!(sc.plain_text().contains("電子証明書発行申請"));
        assert!(sc.items.iter().any(|i| i.role() == Role::Highlight));

        let mut dialog = usage_form();
        dialog.kind = ScreenKind::Dialog;
        dialog.title = "電子証明書の発行".into();
        dialog.lead = rich("電子証明書を発行します。よろしいですか？");
        dialog.rows.clear();
        dialog.buttons = vec![
            Button {
                label: "キャンセル".into(),
                primary: false,
                link: false,
                top: false,
            },
            Button {
                label: "OK".into(),
                primary: true,
                link: false,
                top: false,
            },
        ];
        let sc = screen_scene(&dialog, &SceneOptions::default());
        assert!(sc.items.iter().any(|i| i.role() == Role::Backdrop));
        assert!(sc.plain_text().contains("よろしいですか"));

        let mut msg = dialog.clone();
        msg.kind = ScreenKind::Message;
        msg.title = "発行申請成功".into();
        let sc = screen_scene(&msg, &SceneOptions::default());
        assert!(sc.plain_text().contains("よろしいですか"));
    }

    #[test]
    fn stacked_callouts_keep_clear_and_route_through_the_lane() {
        let mut s = usage_form();
        let long = rich(
            "とても長い説明文です。吹き出しが縦に積み重なっても、互いに重ならず、引き出し線が行とつながることを確かめます。",
        );
        for r in s.rows.iter_mut().take(3) {
            r.callout = Some(Callout {
                marker: Some(7),
                text: "ここを確認".into(),
                detail: long.clone(),
            });
        }
        let sc = screen_scene(&s, &SceneOptions::default());
        let bubbles: Vec<(f32, f32)> = sc
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect {
                    y,
                    h,
                    role: Role::Callout,
                    ..
                } => Some((*y, *y + *h)),
                _ => None,
            })
            .collect();
        for w in bubbles.windows(2) {
            assert!(w[1].0 >= w[0].1);
        }
        let last = bubbles.iter().map(|b| b.1).fold(0.0f32, f32::max);
        assert!(sc.height >= last);
        // A displaced bubble's leader turns in the lane between screen and margin.
        assert!(sc.items.iter().any(|i| matches!(
            i,
            Item::Path { points, role: Role::Leader, .. } if points.len() == 4
        )));
    }

    #[test]
    fn degenerate_screens_do_not_panic() {
        let empty = GuideScreen {
            kind: ScreenKind::Form,
            frame: None,
            title: String::new(),
            url: None,
            lead: Rich::default(),
            rows: Vec::new(),
            buttons: Vec::new(),
            links: Vec::new(),
            foot: Rich::default(),
            alt: None,
            align: Default::default(),
        };
        for kind in [
            ScreenKind::Form,
            ScreenKind::Menu,
            ScreenKind::Dialog,
            ScreenKind::Message,
            ScreenKind::Document,
        ] {
            let s = GuideScreen {
                kind,
                ..empty.clone()
            };
            let sc = screen_scene(&s, &SceneOptions::default());
            assert!(sc.height > 0.0 && sc.height.is_finite());
        }
        // Very long unbroken values and labels wrap inside the picture.
        let mut s = usage_form();
        s.rows[3].shown = Shown::Value {
            text: "X".repeat(300),
        };
        s.rows[3].label = "長".repeat(60);
        s.buttons[0].label = "ボタン".repeat(40);
        let sc = screen_scene(
            &s,
            &SceneOptions {
                width: 200.0,
                ..SceneOptions::default()
            },
        );
        assert_eq!(sc.width, MIN_WIDTH);
        for t in sc.texts() {
            assert!(t.left() >= 0.0 && t.left() + t.width <= sc.width + 0.5);
        }
        for i in &sc.items {
            if let Item::Rect { w, h, .. } = i {
                assert!(*w >= 0.0 && *h >= 0.0);
            }
        }
    }

    #[test]
    fn alt_text_names_screen_and_button() {
        let alt = screen_alt(&usage_form(), &Strings::default());
        assert!(alt.contains("オンライン資格確認利用開始・変更申請"));
        assert!(alt.contains("確認画面へ進む"));
    }

    /// In an HTML page the table under the picture says every row: the
    /// picture's alternative names the screen, where the values are and the
    /// button, and no value again (a screen reader heard each twice).
    #[test]
    fn alt_beside_a_table_names_the_screen_and_the_table_not_the_values() {
        let t = Strings::default();
        let s = usage_form();
        let short = screen_alt_beside_table(&s, &t).expect("a screen with rows");
        let full = screen_alt(&s, &t);
        assert!(short.starts_with(&screen_named(&s, &t)), "{short}");
        assert!(short.contains(t.get("picture_alt_table")), "{short}");
        assert!(
            short.ends_with("。「確認画面へ進む」ボタンを押します"),
            "{short}"
        );
        // (「変更」 is in the screen's title.)
        for r in s
            .rows
            .iter()
            .filter(|r| r.is_value && !s.title.contains(&r.display))
        {
            assert!(!short.contains(&r.display), "{short} says {}", r.display);
            assert!(full.contains(&r.display), "{full} lacks {}", r.display);
        }
        // No rows, no table: the picture's own alternative is the only one.
        let mut bare = s.clone();
        bare.rows.clear();
        assert_eq!(screen_alt_beside_table(&bare, &t), None);
    }

    /// A reader of the tagged PDF gets the alt text instead of the picture,
    /// and the handout prints most values only in the picture: the alt says
    /// what the picture asks of this clinic on each row, in the screen's
    /// order, in the words of the rows' display (never a secret).
    #[test]
    fn alt_text_says_what_the_clinic_enters_on_each_row() {
        let s = usage_form();
        let alt = screen_alt(&s, &Strings::default());
        let mut at = 0;
        for piece in [
            "「申請区分（自動入力）」: 変更",
            "「利用規約への同意」: チェックを入れる: 同意する",
            "「電気通信回線種別」: 1: IP-VPN回線事業者 (NTTなど、ただし、CTC・QNetを除く)（1を選択してください）",
            "「お客さまID」: CAF1253000113（開通のご案内を元に入力）",
            "「利用開始予定年月」: 2026年12月",
            "「秘密の番号」: 施設内で決めた4桁の数字を入力（確認のため2回）。この資料には記載しません（好きな数字4桁で設定）",
            "「電子証明書発行料の支払方法」: 1: 診療(調剤)報酬支払額から控除",
            "。「確認画面へ進む」ボタンを押します",
        ] {
            let i = alt[at..]
                .find(piece)
                .unwrap_or_else(|| panic!("«{piece}» not in order in «{alt}»"));
            at += i + piece.len();
        }
        // A callout naming the value says what to do with it.
        let mut other = s.clone();
        other.rows[2].shown = Shown::Choice {
            value: "2".into(),
            label: "2".into(),
        };
        other.rows[2].display = "2".into();
        other.rows[2].callout.as_mut().unwrap().text = "「2」を選択してください".into();
        let other = screen_alt(&other, &Strings::default());
        assert!(
            other.contains("「電気通信回線種別」: 2（「2」を選択してください）"),
            "{other}"
        );
        // A row without a value (テスト開始予定年月 here) is not listed.
        assert!(!alt.contains("テスト開始"), "{alt}");
        // A value a warning doubts says so, as its dashed frame does.
        let mut doubted = s.clone();
        doubted.rows[2].flag = Some(Severity::Warning);
        let alt = screen_alt(&doubted, &Strings::default());
        assert!(
            alt.contains("（1を選択してください）（確認が必要: 冒頭の「貴施設への重要なお知らせ」を参照）。「お客さまID」"),
            "{alt}"
        );
    }
}
