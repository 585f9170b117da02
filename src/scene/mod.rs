//! Illustrations: portal screen mock-ups as a backend-neutral scene.
//!
//! A [`Scene`] is a flat list of drawing primitives (rectangles with optional
//! rounded corners, circles, straight-segment paths and text runs at explicit
//! positions) in abstract units on a canvas of [`Scene::width`] ×
//! [`Scene::height`], y growing downwards. [`build`] turns an evaluated
//! screen into a scene; [`Scene::to_frame`] lays it out into a display-list
//! frame, which the SVG exporter draws for the HTML guide and the PDF
//! writer for the handout, so both show the same picture.
//!
//! Text is measured and broken once, while the scene is built, by the same
//! module that sets the handout's text ([`crate::render::pdf::Measure`]: the
//! font's real advances, JLREQ line breaking with kinsoku), so line breaks
//! are decided before drawing and are identical in both backends; every
//! line is a [`TextRun`] at an explicit position.

pub mod build;

pub use build::{SceneOptions, screen_alt, screen_scene};

use crate::render::frame::{self, Frame, Rgb};
use crate::render::pdf::{Fonts, Measure};

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

    /// The colour of the display list.
    pub fn rgb(self) -> Rgb {
        Rgb(
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
    fn frame(self) -> frame::Stroke {
        frame::Stroke {
            color: self.color.rgb(),
            width: self.width,
            dash: self.dash,
        }
    }

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
    /// A link: its text and the line under it, in the link colour, never a
    /// box (a menu's entry, a row's link, a link among the buttons).
    Link,
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
            Role::Link => "link",
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
    /// Advance width of the text, measured with the font it is set in
    /// ([`crate::render::pdf::Measure`]).
    pub width: f32,
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
    /// Left edge of the run.
    pub fn left(&self) -> f32 {
        let w = self.width;
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

    /// Lays the picture out into a frame of the display list (what the PDF
    /// and the SVG exporters draw): a white canvas, the screenshot, then
    /// every primitive, text as glyphs of `fonts` placed with the advances
    /// it was measured with. Each item carries its [`Role`] as its class.
    pub fn to_frame(&self, fonts: &Fonts) -> Frame {
        let m = Measure::new(fonts);
        let mut items = Vec::with_capacity(self.items.len() + 2);
        items.push(frame::Item::Rect {
            class: "",
            x: 0.0,
            y: 0.0,
            w: self.width,
            h: self.height,
            radius: 0.0,
            fill: Some(Color::hex(0xffffff).rgb()),
            stroke: None,
        });
        if let Some(img) = &self.image {
            items.push(frame::Item::Image {
                x: img.x,
                y: img.y,
                w: img.w,
                h: img.h,
                png: img.png.clone(),
            });
        }
        let paint = |s: &Style| (s.fill.map(Color::rgb), s.stroke.map(Stroke::frame));
        for item in &self.items {
            let class = item.role().as_str();
            items.push(match item {
                Item::Rect {
                    x,
                    y,
                    w,
                    h,
                    radius,
                    style,
                    ..
                } => {
                    let (fill, stroke) = paint(style);
                    frame::Item::Rect {
                        class,
                        x: *x,
                        y: *y,
                        w: *w,
                        h: *h,
                        radius: *radius,
                        fill,
                        stroke,
                    }
                }
                Item::Circle {
                    cx, cy, r, style, ..
                } => {
                    let (fill, stroke) = paint(style);
                    frame::Item::Circle {
                        class,
                        cx: *cx,
                        cy: *cy,
                        r: *r,
                        fill,
                        stroke,
                    }
                }
                Item::Path {
                    points,
                    closed,
                    style,
                    ..
                } => {
                    let (fill, stroke) = paint(style);
                    frame::Item::Path {
                        class,
                        rings: vec![points.clone()],
                        closed: *closed,
                        fill: fill.filter(|_| *closed),
                        stroke,
                    }
                }
                Item::Text(t) => frame::Item::Glyphs {
                    tag: 0,
                    class,
                    y: t.y,
                    size: t.size,
                    weight: if t.bold {
                        crate::render::pdf::Weight::Bold
                    } else {
                        crate::render::pdf::Weight::Regular
                    },
                    color: t.color.rgb(),
                    glyphs: m.glyphs(&t.text, t.size, t.bold, t.left(), t.role == Role::Value),
                },
            });
        }
        Frame {
            width: self.width,
            height: self.height,
            items,
        }
    }
}
