//! Illustrations of a guide: one frame per screen, drawn by both exporters.
//!
//! Pictures are laid out once per clinic from the evaluated screens into
//! frames of the display list (text measured and broken with the handout's
//! fonts); the HTML guide gets each frame as inline SVG, the PDF handout
//! places the same frame on its page.

use super::frame::Frame;
use super::pdf::{self, Drawable, FramePlacement};
use crate::eval::guide::{Guide, GuideScreen};
use crate::model::strings::Strings;
use crate::scene::{self, SceneOptions};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// Key of a step's screenshot picture (its screen picture is keyed by the
/// step's `manual/step` key).
pub fn shot_key(step_id: &str) -> String {
    format!("{step_id}#screenshot")
}

/// Key of a step's figure picture (`figure:`).
pub fn figure_key(step_id: &str) -> String {
    format!("{step_id}#figure")
}

/// The caption of a step's figure: the author's `alt:`, or the theme's
/// `picture_caption` with its title (as a screen's picture is captioned).
pub fn figure_caption(fig: &GuideScreen, t: &Strings) -> String {
    fig.alt
        .clone()
        .unwrap_or_else(|| t.fill("picture_caption", &[("title", &fig.title)]))
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
    frames: BTreeMap<String, Laid>,
}

/// One picture: its frame, its text alternative and, when it came from a
/// [`PictureCache`], its SVG already written (as the template value the HTML
/// guide inlines: a shared string, so no clinic's page copies it again).
struct Laid {
    frame: Arc<Frame>,
    alt: String,
    svg: Option<tera::Value>,
    /// Taken from the cache (not laid out for this guide).
    reused: bool,
}

/// Pictures already laid out in one build, by everything they are drawn
/// from: most screens show no clinic value (every clinic's 1-2 picture is
/// the same picture), so laying them out and writing their SVG once per
/// build instead of once per clinic changes no byte of any output.
///
/// The key is the evaluated screen in the byte form of [`super::key`]
/// (every value a picture draws) with the picture's text alternative; a screenshot adds the address and
/// length of its image, which the build's content holds unchanged for the
/// cache's whole life. The options and fonts are not in the key: a cache
/// belongs to one build (one content, theme and set of fonts) and must not
/// outlive it.
///
/// Like the font subset cache, a picture is kept only when it comes a
/// second time (a picture showing one clinic's values never does), within
/// [`PICTURES_KEPT`] pictures and [`PICTURE_BYTES`] bytes.
#[derive(Default)]
pub struct PictureCache {
    inner: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// Kept pictures by the hash of their key.
    map: HashMap<u64, Vec<KeptPicture>>,
    count: usize,
    bytes: usize,
    /// Hashes of keys laid out once and not kept.
    seen: HashSet<u64>,
}

/// A kept picture: its key, frame and SVG (a template value, shared).
type KeptPicture = (Box<[u8]>, Arc<Frame>, tera::Value);

/// Most pictures a [`PictureCache`] keeps.
pub const PICTURES_KEPT: usize = 512;
/// Most bytes (keys and SVG) a [`PictureCache`] keeps.
pub const PICTURE_BYTES: usize = 24 << 20;
/// Hashes remembered as seen once before the memory is cleared.
const SEEN_MAX: usize = 1 << 16;

impl PictureCache {
    /// The picture for `key`, laid out by `lay` unless kept.
    fn get(
        &self,
        key: Vec<u8>,
        alt: &str,
        lay: impl FnOnce() -> Frame,
    ) -> (Arc<Frame>, Option<tera::Value>, bool) {
        let hash = {
            let mut h = std::hash::DefaultHasher::new();
            key.hash(&mut h);
            h.finish()
        };
        let lock = || self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = lock().map.get(&hash)
            && let Some((_, frame, svg)) = list.iter().find(|(k, ..)| **k == *key)
        {
            return (frame.clone(), Some(svg.clone()), true);
        }
        let frame = Arc::new(lay());
        let mut kept = lock();
        if !kept.seen.remove(&hash) {
            if kept.seen.len() >= SEEN_MAX {
                kept.seen.clear();
            }
            kept.seen.insert(hash);
            return (frame, None, false);
        }
        let svg = super::svg::to_svg(&frame, alt);
        let weight = key.len() + svg.len();
        let svg = tera::Value::from(svg);
        if kept.count < PICTURES_KEPT && kept.bytes + weight <= PICTURE_BYTES {
            kept.count += 1;
            kept.bytes += weight;
            kept.map.entry(hash).or_default().push((
                key.into_boxed_slice(),
                frame.clone(),
                svg.clone(),
            ));
        }
        (frame, Some(svg), false)
    }
}

/// What a picture is drawn from, as bytes: its kind, the evaluated screen
/// (or screenshot and the identity of its image) and its text alternative.
fn picture_key(
    kind: u8,
    drawn: &impl serde::Serialize,
    image: Option<&Arc<Vec<u8>>>,
    alt: &str,
) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(4 << 10);
    key.push(kind);
    super::key::write(&mut key, drawn).ok()?;
    if let Some(png) = image {
        key.extend_from_slice(&(Arc::as_ptr(png) as usize).to_le_bytes());
        key.extend_from_slice(&png.len().to_le_bytes());
    }
    key.push(0);
    key.extend_from_slice(alt.as_bytes());
    Some(key)
}

impl Pictures {
    /// Lays out the pictures of `guide`, measuring text with `fonts` (the
    /// handout's faces and line breaking).
    pub fn new(guide: &Guide, fonts: &pdf::Fonts) -> Self {
        Self::laid_out(guide, fonts, None)
    }

    /// [`Pictures::new`], taking the pictures `cache` holds from it and
    /// leaving those that come again in it (`cache` belongs to this build:
    /// same content, theme and fonts).
    pub fn cached(guide: &Guide, fonts: &pdf::Fonts, cache: &PictureCache) -> Self {
        Self::laid_out(guide, fonts, Some(cache))
    }

    fn laid_out(guide: &Guide, fonts: &pdf::Fonts, cache: Option<&PictureCache>) -> Self {
        let mut opts: Option<SceneOptions> = None;
        let mut frames = BTreeMap::new();
        let mut lay = |key: Option<Vec<u8>>,
                       alt: String,
                       scene: &dyn Fn(&SceneOptions) -> Frame| {
            let mut fresh = || scene(opts.get_or_insert_with(|| options().worded(&guide.strings)));
            let (frame, svg, reused) = match (cache, key) {
                (Some(cache), Some(key)) => cache.get(key, &alt, fresh),
                _ => (Arc::new(fresh()), None, false),
            };
            Laid {
                frame,
                alt,
                svg,
                reused,
            }
        };
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
                        let key = cache.and_then(|_| picture_key(b's', screen, None, &alt));
                        let laid = lay(key, alt, &|o| {
                            scene::build::screen_scene(screen, o, fonts).to_frame(fonts)
                        });
                        frames.insert(s.key.clone(), laid);
                    }
                    if let Some(shot) = &s.screenshot {
                        let alt = guide.strings.fill(
                            "picture_alt_shot",
                            &[("step", &s.number), ("alt", &shot.alt)],
                        );
                        let key =
                            cache.and_then(|_| picture_key(b'i', shot, Some(&shot.png), &alt));
                        let laid = lay(key, alt, &|o| {
                            scene::build::screenshot_scene(shot, o, fonts).to_frame(fonts)
                        });
                        frames.insert(shot_key(&s.key), laid);
                    }
                    if let Some(fig) = &s.figure {
                        let caption = figure_caption(fig, &guide.strings);
                        let alt = guide.strings.fill(
                            "picture_alt_shot",
                            &[
                                ("step", &s.number),
                                (
                                    "alt",
                                    &scene::build::figure_alt(fig, &caption, &guide.strings),
                                ),
                            ],
                        );
                        let key = cache.and_then(|_| picture_key(b'f', fig, None, &alt));
                        let laid = lay(key, alt, &|o| {
                            scene::build::screen_scene(fig, o, fonts).to_frame(fonts)
                        });
                        frames.insert(figure_key(&s.key), laid);
                    }
                }
            }
        }
        Self { frames }
    }

    /// How many pictures came from the cache.
    pub fn reused(&self) -> usize {
        self.frames.values().filter(|l| l.reused).count()
    }

    /// Inline SVG per step id, for the HTML guide.
    pub fn svg(&self) -> BTreeMap<String, String> {
        self.frames
            .iter()
            .map(|(id, l)| {
                let svg = match &l.svg {
                    Some(s) => s.as_str().unwrap_or_default().to_string(),
                    None => super::svg::to_svg(&l.frame, &l.alt),
                };
                (id.clone(), svg)
            })
            .collect()
    }

    /// [`Pictures::svg`] as the template value the HTML guide takes: a
    /// picture from the cache is its kept value (a shared string, not
    /// copied per clinic), the others are written now.
    pub fn svg_value(&self) -> tera::Value {
        let map: BTreeMap<String, tera::Value> = self
            .frames
            .iter()
            .map(|(id, l)| {
                let svg = match &l.svg {
                    Some(v) => v.clone(),
                    None => super::svg::to_svg(&l.frame, &l.alt).into(),
                };
                (id.clone(), svg)
            })
            .collect();
        map.into()
    }

    /// Drawables per step id, for the PDF handout.
    pub fn pdf(&self) -> BTreeMap<String, Arc<dyn Drawable>> {
        self.frames
            .iter()
            .map(|(id, l)| {
                let d: Arc<dyn Drawable> = Arc::new(Picture {
                    frame: l.frame.clone(),
                    alt: l.alt.clone(),
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
