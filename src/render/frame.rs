//! The display list: what every page and every picture is laid out into,
//! and what the exporters draw.
//!
//! Page layout (`render::pdf`) sets each page into [`Item`]s in points;
//! picture layout ([`crate::scene`]) sets each picture into a [`Frame`] in
//! its own units, and a picture on a page is a [`Item::Group`]: the frame
//! placed and scaled. One PDF exporter (the engine's page writer) and one
//! SVG exporter ([`crate::render::svg`]) draw frames, so the handout and the
//! HTML guide show the same picture with the same line breaks (text is
//! measured and broken once, by [`crate::render::pdf::Measure`]).
//!
//! Coordinates have the y axis pointing down, from the top-left corner of
//! the page or frame. Text is positioned glyphs (ids of the document's
//! faces, with the characters they stand for), never re-measured by an
//! exporter.

use std::sync::Arc;

use crate::render::pdf::{CalloutKind, Weight};

/// An sRGB colour, components 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// From 0xRRGGBB.
    pub const fn hex(v: u32) -> Rgb {
        Rgb(
            ((v >> 16) & 0xFF) as f32 / 255.0,
            ((v >> 8) & 0xFF) as f32 / 255.0,
            (v & 0xFF) as f32 / 255.0,
        )
    }

    /// `#rrggbb`.
    pub fn css(self) -> Css {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'#'; 7];
        for (i, b) in [c(self.0), c(self.1), c(self.2)].into_iter().enumerate() {
            out[1 + 2 * i] = HEX[usize::from(b >> 4)];
            out[2 + 2 * i] = HEX[usize::from(b & 15)];
        }
        Css(out)
    }
}

/// A colour as CSS writes it, `#rrggbb` (lower-case hex), on the stack:
/// pictures print one for most of their items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Css([u8; 7]);

impl Css {
    /// The colour's text, `#rrggbb`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Css {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an outline is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// Line colour.
    pub color: Rgb,
    /// Line width.
    pub width: f32,
    /// Dash and gap lengths; `None` for a solid line.
    pub dash: Option<(f32, f32)>,
}

impl Stroke {
    /// A solid line.
    pub const fn solid(color: Rgb, width: f32) -> Self {
        Self {
            color,
            width,
            dash: None,
        }
    }
}

/// One glyph positioned on a baseline.
#[derive(Debug, Clone, Copy)]
pub struct GlyphPos {
    /// Glyph id in the face of the run.
    pub gid: u16,
    /// The text the glyph stands for (for `/ToUnicode` and the SVG).
    pub text: char,
    /// Absolute x of the glyph origin.
    pub x: f32,
    /// Natural advance.
    pub adv: f32,
    /// Shows data (a value filled in, the clinic's name in a running head)
    /// rather than the document's own words; the PDF writer embeds such
    /// glyphs apart from the shared subset of the words.
    pub data: bool,
}

/// A drawing command. Positions are absolute x and y relative to the top of
/// the strip, page or frame the item belongs to.
#[derive(Debug, Clone)]
pub enum Item {
    /// A run of glyphs in one face, size and colour.
    Glyphs {
        /// Structure element (0: an artifact).
        tag: u32,
        /// What it depicts (the SVG `class`; empty for none).
        class: &'static str,
        /// Baseline.
        y: f32,
        /// Font size.
        size: f32,
        /// Face.
        weight: Weight,
        /// Colour.
        color: Rgb,
        /// The glyphs, left to right.
        glyphs: Vec<GlyphPos>,
    },
    /// A rectangle, optionally rounded, filled and/or stroked.
    Rect {
        /// What it depicts (the SVG `class`; empty for none).
        class: &'static str,
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
        /// Fill.
        fill: Option<Rgb>,
        /// Outline.
        stroke: Option<Stroke>,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f32,
        /// Start y.
        y1: f32,
        /// End x.
        x2: f32,
        /// End y.
        y2: f32,
        /// Colour.
        color: Rgb,
        /// Width.
        width: f32,
    },
    /// A circle, filled and/or stroked.
    Circle {
        /// What it depicts (the SVG `class`; empty for none).
        class: &'static str,
        /// Centre x.
        cx: f32,
        /// Centre y.
        cy: f32,
        /// Radius.
        r: f32,
        /// Fill.
        fill: Option<Rgb>,
        /// Outline.
        stroke: Option<Stroke>,
    },
    /// Straight segments through the points of each ring (one subpath per
    /// ring, so rings filled together leave no seams); filled only when
    /// `closed`.
    Path {
        /// What it depicts (the SVG `class`; empty for none).
        class: &'static str,
        /// Vertices, per ring.
        rings: Vec<Vec<(f32, f32)>>,
        /// Joins the last point to the first.
        closed: bool,
        /// Fill (closed paths only).
        fill: Option<Rgb>,
        /// Outline.
        stroke: Option<Stroke>,
    },
    /// A callout icon whose top-left corner is at (x, y).
    Icon {
        /// Which icon.
        kind: CalloutKind,
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width and height.
        size: f32,
    },
    /// A clickable area.
    Link {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Target.
        url: String,
    },
    /// A raster image (PNG), stretched to the box.
    Image {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// The PNG bytes, or a photo's JPEG bytes (shared: embedded once
        /// per document).
        png: Arc<Vec<u8>>,
    },
    /// A sub-frame (a picture) with its top-left corner at (x, y), each of
    /// its units `scale` long here.
    Group {
        /// Structure element (0: an artifact).
        tag: u32,
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Length here of one unit of the frame.
        scale: f32,
        /// The frame.
        frame: Arc<Frame>,
    },
}

impl Item {
    /// Moves the item down by `dy`.
    pub fn shift(&mut self, dy: f32) {
        match self {
            Item::Glyphs { y, .. }
            | Item::Rect { y, .. }
            | Item::Icon { y, .. }
            | Item::Link { y, .. }
            | Item::Image { y, .. }
            | Item::Group { y, .. } => *y += dy,
            Item::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
            Item::Circle { cy, .. } => *cy += dy,
            Item::Path { rings, .. } => {
                for p in rings.iter_mut().flatten() {
                    p.1 += dy;
                }
            }
        }
    }

    /// The text a glyph run shows.
    pub fn text(&self) -> Option<String> {
        match self {
            Item::Glyphs { glyphs, .. } => Some(glyphs.iter().map(|g| g.text).collect()),
            _ => None,
        }
    }
}

/// A laid-out picture: items drawn in order on a canvas `width` × `height`.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Canvas width in the frame's units.
    pub width: f32,
    /// Canvas height in the frame's units.
    pub height: f32,
    /// Back to front.
    pub items: Vec<Item>,
}

impl Frame {
    /// Calls `f` with every item, sub-frames' items included.
    pub fn walk(&self, f: &mut dyn FnMut(&Item)) {
        for item in &self.items {
            f(item);
            if let Item::Group { frame, .. } = item {
                frame.walk(f);
            }
        }
    }

    /// The text of every glyph run, one per line (tests and search).
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        self.walk(&mut |i| out.extend(i.text()));
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::Rgb;

    #[test]
    fn css_colours_are_the_formatters_hex() {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        let mut vals: Vec<f32> = vec![0.0, 1.0, -0.5, 2.0, 0.5, 1.0 / 255.0, f32::NAN];
        vals.extend((0..=255).map(|i| i as f32 / 255.0));
        vals.extend((0..1000).map(|i| i as f32 / 999.0));
        for (i, &r) in vals.iter().enumerate() {
            let (g, b) = (vals[(i * 7) % vals.len()], vals[(i * 13) % vals.len()]);
            let colour = Rgb(r, g, b);
            let old = format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b));
            assert_eq!(colour.css().to_string(), old, "{colour:?}");
        }
    }
}
