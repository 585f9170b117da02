//! Illustrations of a guide: one scene per screen, drawn by both renderers.
//!
//! Scenes are built once per clinic from the evaluated screens; the HTML
//! guide gets them as inline SVG, the PDF handout as vector drawings of the
//! same geometry.

use super::pdf::{self, Drawable, Weight};
use crate::eval::guide::Guide;
use crate::scene::{self, Scene, SceneOptions};
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

/// The scenes of every step that has a screen, by step id.
pub struct Pictures {
    scenes: BTreeMap<String, (Arc<Scene>, String)>,
}

impl Pictures {
    /// Builds the scenes of `guide`, measuring text with `fonts` (the
    /// handout's faces and line breaking).
    pub fn new(guide: &Guide, fonts: &pdf::Fonts) -> Self {
        let opts = options().worded(&guide.strings);
        let mut scenes = BTreeMap::new();
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
                        scenes.insert(
                            s.key.clone(),
                            (
                                Arc::new(scene::build::screen_scene(screen, &opts, fonts)),
                                alt,
                            ),
                        );
                    }
                    if let Some(shot) = &s.screenshot {
                        let alt = guide.strings.fill(
                            "picture_alt_shot",
                            &[("step", &s.number), ("alt", &shot.alt)],
                        );
                        let scene = scene::build::screenshot_scene(shot, &opts, fonts);
                        scenes.insert(shot_key(&s.key), (Arc::new(scene), alt));
                    }
                }
            }
        }
        Self { scenes }
    }

    /// Inline SVG per step id, for the HTML guide.
    pub fn svg(&self) -> BTreeMap<String, String> {
        self.scenes
            .iter()
            .map(|(id, (scene, alt))| (id.clone(), scene::svg::to_svg(scene, alt)))
            .collect()
    }

    /// Drawables per step id, for the PDF handout.
    pub fn pdf(&self) -> BTreeMap<String, Arc<dyn Drawable>> {
        self.scenes
            .iter()
            .map(|(id, (scene, alt))| {
                let d: Arc<dyn Drawable> = Arc::new(ScenePicture {
                    scene: scene.clone(),
                    alt: alt.clone(),
                });
                (id.clone(), d)
            })
            .collect()
    }
}

/// A scene as a PDF drawable.
struct ScenePicture {
    scene: Arc<Scene>,
    alt: String,
}

/// Printed pictures are at most this wide (mm): a full form still fits on a
/// page with its step text, and the smallest scene text (11 of 680 units)
/// stays at 11 / 680 × 155 mm ≈ 2.51 mm ≈ 7.1 pt, above the 7 pt minimum.
pub const MAX_PRINT_WIDTH_MM: f32 = 155.0;

impl ScenePicture {
    fn width(width_mm: f32) -> f32 {
        width_mm.min(MAX_PRINT_WIDTH_MM)
    }
}

impl Drawable for ScenePicture {
    fn height(&self, width_mm: f32) -> f32 {
        scene::pdf::scene_height_mm(&self.scene, Self::width(width_mm))
    }

    fn draw(
        &self,
        ops: &mut Vec<printpdf::Op>,
        origin: printpdf::Point,
        width_mm: f32,
        fonts: &pdf::Fonts,
    ) {
        let f = scene::pdf::PdfFonts {
            regular: fonts.font_id(Weight::Regular).clone(),
            bold: fonts.font_id(Weight::Bold).clone(),
            regular_data: fonts.data_font_id(Weight::Regular).clone(),
            bold_data: fonts.data_font_id(Weight::Bold).clone(),
        };
        let w = Self::width(width_mm);
        // Centre the picture in the column.
        let shift = printpdf::Mm((width_mm - w) / 2.0).into_pt();
        let at = printpdf::Point {
            x: printpdf::Pt(origin.x.0 + shift.0),
            y: origin.y,
        };
        ops.extend(scene::pdf::to_pdf_ops_at(&self.scene, at, w, &f));
    }

    fn alt(&self) -> Option<String> {
        Some(self.alt.clone())
    }

    fn images(&self, width_mm: f32) -> Vec<pdf::PlacedImage> {
        let Some(img) = &self.scene.image else {
            return Vec::new();
        };
        let w = Self::width(width_mm);
        let k = if self.scene.width > 0.0 {
            w / self.scene.width
        } else {
            0.0
        };
        vec![pdf::PlacedImage {
            png: img.png.clone(),
            x_mm: (width_mm - w) / 2.0 + img.x * k,
            y_mm: img.y * k,
            w_mm: img.w * k,
            h_mm: img.h * k,
        }]
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
}
