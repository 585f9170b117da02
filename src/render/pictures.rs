//! Illustrations of a guide: one frame per screen, drawn by both exporters.
//!
//! Pictures are laid out once per clinic from the evaluated screens into
//! frames of the display list (text measured and broken with the handout's
//! fonts); the HTML guide gets each frame as inline SVG, the PDF handout
//! places the same frame on its page.

use super::frame::Frame;
use super::pdf::{self, Drawable, FramePlacement};
use crate::eval::guide::Guide;
use crate::scene::{self, SceneOptions};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Key of a step's screenshot picture (its screen picture is keyed by the
/// step's `manual/step` key).
pub fn shot_key(step_id: &str) -> String {
    format!("{step_id}#screenshot")
}

/// Options shared by both renderers, so the pictures are the same picture.
pub fn options() -> SceneOptions {
    SceneOptions {
        // The 補足 table under the picture carries the help and callout texts in full.
        help_lines: 0,
        callout_detail: false,
        ..SceneOptions::default()
    }
}

/// The pictures of every step that has a screen, by step id.
pub struct Pictures {
    frames: BTreeMap<String, (Arc<Frame>, String)>,
}

impl Pictures {
    /// Lays out the pictures of `guide`, measuring text with `fonts` (the
    /// handout's faces and line breaking).
    pub fn new(guide: &Guide, fonts: &pdf::Fonts) -> Self {
        let opts = options().worded(&guide.strings);
        let mut frames = BTreeMap::new();
        for m in &guide.manuals {
            for p in &m.parts {
                for s in &p.steps {
                    if let Some(screen) = &s.screen {
                        let alt = guide.strings.fill(
                            "picture_alt_step",
                            &[
                                ("step", &s.number),
                                ("alt", &scene::build::screen_alt(screen, &guide.strings)),
                            ],
                        );
                        let scene = scene::build::screen_scene(screen, &opts, fonts);
                        frames.insert(s.key.clone(), (Arc::new(scene.to_frame(fonts)), alt));
                    }
                    if let Some(shot) = &s.screenshot {
                        let alt = guide.strings.fill(
                            "picture_alt_shot",
                            &[("step", &s.number), ("alt", &shot.alt)],
                        );
                        let scene = scene::build::screenshot_scene(shot, &opts, fonts);
                        frames.insert(shot_key(&s.key), (Arc::new(scene.to_frame(fonts)), alt));
                    }
                }
            }
        }
        Self { frames }
    }

    /// Inline SVG per step id, for the HTML guide.
    pub fn svg(&self) -> BTreeMap<String, String> {
        self.frames
            .iter()
            .map(|(id, (frame, alt))| (id.clone(), super::svg::to_svg(frame, alt)))
            .collect()
    }

    /// Drawables per step id, for the PDF handout.
    pub fn pdf(&self) -> BTreeMap<String, Arc<dyn Drawable>> {
        self.frames
            .iter()
            .map(|(id, (frame, alt))| {
                let d: Arc<dyn Drawable> = Arc::new(Picture {
                    frame: frame.clone(),
                    alt: alt.clone(),
                });
                (id.clone(), d)
            })
            .collect()
    }
}

/// A picture's frame placed in the handout.
struct Picture {
    frame: Arc<Frame>,
    alt: String,
}

/// Printed pictures are at most this wide (mm): a full form still fits on a
/// page with its step text, and the smallest scene text (11 of 680 units)
/// stays at 11 / 680 × 155 mm ≈ 2.51 mm ≈ 7.1 pt, above the 7 pt minimum.
pub const MAX_PRINT_WIDTH_MM: f32 = 155.0;

impl Picture {
    fn width(width_mm: f32) -> f32 {
        width_mm.min(MAX_PRINT_WIDTH_MM)
    }
}

impl Drawable for Picture {
    fn frame(&self, width_mm: f32, _fonts: &pdf::Fonts) -> FramePlacement {
        let w = Self::width(width_mm);
        FramePlacement {
            frame: self.frame.clone(),
            // Centred in the column.
            x_mm: (width_mm - w) / 2.0,
            width_mm: w,
        }
    }

    fn alt(&self) -> Option<String> {
        Some(self.alt.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_scene_text_is_at_least_7pt() {
        let min_mm = scene::MIN_FONT_SIZE / scene::DEFAULT_WIDTH * MAX_PRINT_WIDTH_MM;
        let pt = min_mm / 25.4 * 72.0;
        assert!(pt >= 7.0, "{pt} pt");
    }

    /// A picture is one frame: the handout places it (centred, at most
    /// 155 mm wide) and the SVG draws the same glyph runs at the same
    /// positions (the page side: `pdf::tests`).
    #[test]
    fn the_handout_and_the_svg_draw_the_same_frame() {
        let fonts = pdf::test_fonts();
        let sc = crate::scene::build::tests::screen_scene(
            &crate::scene::build::tests::usage_form(),
            &options(),
        );
        let frame = Arc::new(sc.to_frame(fonts));
        // Every text run became a glyph run of the same text and width.
        let runs: Vec<_> = frame
            .items
            .iter()
            .filter_map(|i| match i {
                crate::render::frame::Item::Glyphs { glyphs, class, .. } => {
                    Some((glyphs.clone(), *class))
                }
                _ => None,
            })
            .collect();
        assert_eq!(runs.len(), sc.texts().count());
        for ((glyphs, class), t) in runs.iter().zip(sc.texts()) {
            let text: String = glyphs.iter().map(|g| g.text).collect();
            assert_eq!(text, t.text.replace('\t', " "));
            assert_eq!(*class, t.role.as_str());
            let w: f32 = glyphs.iter().map(|g| g.adv).sum();
            assert!((w - t.width).abs() < 0.01, "{text}: {w} vs {}", t.width);
            assert!((glyphs[0].x - t.left()).abs() < 0.01);
        }
        let svg = super::super::svg::to_svg(&frame, "alt");
        let (glyphs, _) = &runs[runs.len() / 2];
        assert!(svg.contains(&format!(
            " x=\"{}\"",
            format!("{:.2}", glyphs[0].x)
                .trim_end_matches('0')
                .trim_end_matches('.')
        )));

        let pic: Arc<dyn Drawable> = Arc::new(Picture {
            frame: frame.clone(),
            alt: "利用申請の画面".into(),
        });
        let placed = pic.frame(180.0, fonts);
        assert!((placed.x_mm - 12.5).abs() < 0.01 && placed.width_mm == MAX_PRINT_WIDTH_MM);
        assert!(Arc::ptr_eq(&placed.frame, &frame));
    }
}
