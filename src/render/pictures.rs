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
    /// The SVG's font stack: the faces the frames were measured with first.
    stack: String,
}

/// One picture: its frame, its text alternative and, when it came from a
/// [`PictureCache`], its SVG already written (as the template value the HTML
/// guide inlines: a shared string, so no clinic's page copies it again).
struct Laid {
    frame: Arc<Frame>,
    alt: String,
    /// The SVG's text alternative when an HTML page says the rows in a
    /// table under the picture ([`scene::build::screen_alt_beside_table`]);
    /// else `alt`.
    svg_alt: Option<String>,
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

/// A kept picture: its key, frame, SVG (a template value, shared) and
/// text alternatives (the handout's and, if other, the SVG's).
type KeptPicture = (Box<[u8]>, Arc<Frame>, tera::Value, Texts);

/// A picture's text alternative and, when the HTML page's differs, the
/// SVG's ([`Laid::svg_alt`]).
type Texts = (String, Option<String>);

/// A kept picture as [`PictureCache::get`] returns it: frame, SVG (`None`:
/// laid out now and not kept), text alternatives, taken from the cache.
type Got = (Arc<Frame>, Option<tera::Value>, Texts, bool);

/// Most pictures a [`PictureCache`] keeps.
pub const PICTURES_KEPT: usize = 512;
/// Most bytes (keys and SVG) a [`PictureCache`] keeps.
pub const PICTURE_BYTES: usize = 24 << 20;
/// Hashes remembered as seen once before the memory is cleared.
const SEEN_MAX: usize = 1 << 16;

impl PictureCache {
    /// The picture for `key`, laid out by `lay` and worded by `texts`
    /// unless kept (`key` decides both: a kept picture's texts are its own).
    fn get(
        &self,
        key: Vec<u8>,
        stack: &str,
        texts: impl FnOnce() -> Texts,
        lay: impl FnOnce() -> Frame,
    ) -> Got {
        let hash = {
            let mut h = std::hash::DefaultHasher::new();
            key.hash(&mut h);
            h.finish()
        };
        let lock = || self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = lock().map.get(&hash)
            && let Some((_, frame, svg, texts)) = list.iter().find(|(k, ..)| **k == *key)
        {
            return (frame.clone(), Some(svg.clone()), texts.clone(), true);
        }
        let texts = texts();
        let frame = Arc::new(lay());
        let mut kept = lock();
        if !kept.seen.remove(&hash) {
            if kept.seen.len() >= SEEN_MAX {
                kept.seen.clear();
            }
            kept.seen.insert(hash);
            return (frame, None, texts, false);
        }
        let svg = super::svg::to_svg_in(&frame, texts.1.as_deref().unwrap_or(&texts.0), stack);
        let weight = key.len() + svg.len();
        let svg = tera::Value::from(svg);
        if kept.count < PICTURES_KEPT && kept.bytes + weight <= PICTURE_BYTES {
            kept.count += 1;
            kept.bytes += weight;
            kept.map.entry(hash).or_default().push((
                key.into_boxed_slice(),
                frame.clone(),
                svg.clone(),
                texts.clone(),
            ));
        }
        (frame, Some(svg), texts, false)
    }
}

/// What a picture is drawn from, as bytes: its kind, the evaluated screen
/// (or screenshot and the identity of its image) and what else its text
/// alternatives are worded from (`worded`: the step's number, or the
/// alternative itself), with the build's strings.
fn picture_key(
    kind: u8,
    drawn: &impl serde::Serialize,
    image: Option<&Arc<Vec<u8>>>,
    worded: &str,
) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(4 << 10);
    key.push(kind);
    super::key::write(&mut key, drawn).ok()?;
    if let Some(png) = image {
        key.extend_from_slice(&(Arc::as_ptr(png) as usize).to_le_bytes());
        key.extend_from_slice(&png.len().to_le_bytes());
    }
    key.push(0);
    key.extend_from_slice(worded.as_bytes());
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
        let stack = super::svg::font_stack(fonts.family());
        let mut lay = |key: Option<Vec<u8>>,
                       texts: &dyn Fn() -> Texts,
                       scene: &dyn Fn(&SceneOptions) -> Frame| {
            let mut fresh =
                || scene(opts.get_or_insert_with(|| options().worded_shared(&guide.strings)));
            let (frame, svg, (alt, svg_alt), reused) = match (cache, key) {
                (Some(cache), Some(key)) => cache.get(key, &stack, texts, fresh),
                _ => (Arc::new(fresh()), None, texts(), false),
            };
            Laid {
                frame,
                alt,
                svg_alt,
                svg,
                reused,
            }
        };
        for m in &guide.manuals {
            for p in &m.parts {
                for s in &p.steps {
                    if let Some(screen) = &s.screen {
                        // Worded from the screen and the step's number (and
                        // the build's strings): a picture the cache keeps
                        // has its texts kept with it, not worded again.
                        let texts = || {
                            let alt = guide.strings.fill(
                                "picture_alt_step",
                                &[
                                    ("step", &s.number),
                                    ("alt", &scene::build::screen_alt(screen, &guide.strings)),
                                ],
                            );
                            let svg_alt = scene::build::screen_alt_beside_table(
                                screen,
                                &guide.strings,
                            )
                            .map(|a| {
                                guide
                                    .strings
                                    .fill("picture_alt_step", &[("step", &s.number), ("alt", &a)])
                            });
                            (alt, svg_alt)
                        };
                        let key = cache.and_then(|_| picture_key(b's', screen, None, &s.number));
                        let laid = lay(key, &texts, &|o| {
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
                        let laid = lay(key, &|| (alt.clone(), None), &|o| {
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
                        let laid = lay(key, &|| (alt.clone(), None), &|o| {
                            scene::build::screen_scene(fig, o, fonts).to_frame(fonts)
                        });
                        frames.insert(figure_key(&s.key), laid);
                    }
                }
            }
        }
        Self { frames, stack }
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
                    None => super::svg::to_svg_in(
                        &l.frame,
                        l.svg_alt.as_deref().unwrap_or(&l.alt),
                        &self.stack,
                    ),
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
                    None => super::svg::to_svg_in(
                        &l.frame,
                        l.svg_alt.as_deref().unwrap_or(&l.alt),
                        &self.stack,
                    )
                    .into(),
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

    /// A picture the cache keeps comes with the texts it was worded with
    /// the time it was kept: the key decides them, so they are not worded
    /// again (nor the picture laid out again) for the next clinic.
    #[test]
    fn a_kept_picture_comes_with_its_texts_without_wording_them_again() {
        let cache = PictureCache::default();
        let key = || b"s-screen-1-2".to_vec();
        let texts = || ("alt 1-2".to_string(), Some("svg alt 1-2".to_string()));
        let frame = Frame {
            width: 10.0,
            height: 5.0,
            items: Vec::new(),
        };
        // Seen once (not kept), then kept.
        for kept in [false, true] {
            let (_, svg, t, reused) = cache.get(key(), "sans-serif", texts, || frame.clone());
            assert_eq!(svg.is_some(), kept);
            assert_eq!(t, texts());
            assert!(!reused);
        }
        let (f, svg, t, reused) = cache.get(
            key(),
            "sans-serif",
            || panic!("worded again"),
            || panic!("laid out again"),
        );
        assert!(reused && svg.is_some());
        assert_eq!(t, texts());
        assert_eq!(f.width, 10.0);
        // The SVG kept was written with the SVG's own alternative.
        let svg = svg.unwrap();
        assert!(svg.as_str().unwrap().contains("svg alt 1-2"), "{svg}");
        // Another key is laid out and worded anew.
        let (_, _, t, reused) = cache.get(
            b"s-screen-1-3".to_vec(),
            "sans-serif",
            || ("alt 1-3".to_string(), None),
            || frame.clone(),
        );
        assert!(!reused);
        assert_eq!(t.0, "alt 1-3");
    }

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

    /// A link among a screen's buttons (the portal's 「パスワードを忘れた方は
    /// こちら」 under its login button) is drawn as a link, in the one frame
    /// both exporters draw: its text in the link colour with a line under
    /// it, no box around it (it was a grey button). The SVG marks both
    /// `link`; the PDF sets the link colour for the text and the line and
    /// never paints a button's face. The text alternative names it as a
    /// link.
    #[test]
    fn a_link_among_the_buttons_is_drawn_as_a_link_in_the_svg_and_the_pdf() {
        use crate::model::manual::Button;
        use crate::render::frame::Item as F;
        let fonts = pdf::test_fonts();
        let label = "パスワードを忘れた方はこちら";
        let mut login = crate::scene::build::tests::usage_form();
        login.buttons = vec![
            Button {
                label: "ログイン".into(),
                primary: true,
                link: false,
                top: false,
            },
            Button {
                label: label.into(),
                primary: false,
                link: true,
                top: false,
            },
        ];
        let sc = crate::scene::build::tests::screen_scene(&login, &options());
        let frame = Arc::new(sc.to_frame(fonts));
        let (y, x0, x1) = frame
            .items
            .iter()
            .find_map(|i| match i {
                F::Glyphs {
                    class, glyphs, y, ..
                } if glyphs.iter().map(|g| g.text).collect::<String>() == label => {
                    assert_eq!(*class, "link");
                    let last = glyphs.last().expect("glyphs");
                    Some((*y, glyphs[0].x, last.x + last.adv))
                }
                _ => None,
            })
            .expect("the link's text is drawn");
        // Underlined along its whole width, just under the baseline.
        assert!(
            frame.items.iter().any(|i| matches!(i,
                F::Path { class: "link", rings, .. }
                    if rings[0].len() == 2
                        && (rings[0][0].0 - x0).abs() < 0.5
                        && (rings[0][1].0 - x1).abs() < 0.5
                        && rings[0][0].1 > y && rings[0][0].1 < y + 4.0)),
            "underlined"
        );
        // No box drawn around it: no control's face or outline holds it.
        let boxed = frame.items.iter().any(|i| {
            matches!(i, F::Rect { class: "control", x, y: top, w, h, .. }
                if *x <= x0 && x + w >= x1 && *top <= y && top + h >= y)
        });
        assert!(!boxed, "the link is drawn in a button's box");

        let svg = super::super::svg::to_svg(&frame, "alt");
        assert!(
            svg.contains(&format!(">{label}</text>"))
                && svg
                    .split("<text")
                    .any(|t| t.starts_with(" class=\"link\"") && t.contains(label)),
            "{svg}"
        );
        assert!(svg.contains("<path class=\"link\""));

        // The PDF: the page writer draws the same frame; the link's colour
        // is set for its text (sc) and its line (SC), a button's face never.
        let t = Strings::default();
        let doc = pdf::Document {
            title: "図".into(),
            blocks: vec![pdf::Block::Custom(Arc::new(Picture {
                frame: frame.clone(),
                alt: scene::screen_alt(&login, &t),
            }))],
            ..pdf::Document::default()
        };
        let out = pdf::render(&doc, fonts).expect("pdf");
        let lop = lopdf::Document::load_mem(&out.bytes).expect("parse");
        fn indexed(lop: &lopdf::Document, o: &lopdf::Object) -> Option<Vec<u8>> {
            match o {
                lopdf::Object::Array(a) => {
                    if a.first().and_then(|n| n.as_name().ok()) == Some(b"Indexed".as_slice()) {
                        return match a.get(3)? {
                            lopdf::Object::String(b, _) => Some(b.clone()),
                            lopdf::Object::Reference(r) => {
                                let st = lop.get_object(*r).ok()?.as_stream().ok()?;
                                Some(
                                    st.decompressed_content()
                                        .unwrap_or_else(|_| st.content.clone()),
                                )
                            }
                            _ => None,
                        };
                    }
                    a.iter().find_map(|x| indexed(lop, x))
                }
                lopdf::Object::Dictionary(d) => d.iter().find_map(|(_, x)| indexed(lop, x)),
                lopdf::Object::Stream(st) => st.dict.iter().find_map(|(_, x)| indexed(lop, x)),
                _ => None,
            }
        }
        let palette: Vec<[u8; 3]> = lop
            .objects
            .values()
            .find_map(|o| indexed(&lop, o))
            .map(|b| {
                b.chunks(3)
                    .filter(|c| c.len() == 3)
                    .map(|c| [c[0], c[1], c[2]])
                    .collect()
            })
            .expect("the document's palette");
        let index = |hex: u32| {
            let c = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8];
            palette.iter().position(|p| *p == c)
        };
        let page = *lop.get_pages().values().next().expect("a page");
        let content = String::from_utf8_lossy(&lop.get_page_content(page)).into_owned();
        let link = index(0x0b57b0).expect("the link colour is used");
        assert!(
            content.contains(&format!(" {link} sc")) || content.contains(&format!("\n{link} sc"))
        );
        assert!(
            content.contains(&format!(" {link} SC")) || content.contains(&format!("\n{link} SC"))
        );
        assert_eq!(index(0xf4f5f7), None, "a button's face is painted");

        // Named as a link, in the tagged PDF's /Alt and the guide's label.
        let alt = scene::screen_alt(&login, &t);
        assert!(
            alt.contains("「ログイン」ボタンを押します。画面には「パスワードを忘れた方はこちら」のリンクもあります"),
            "{alt}"
        );
        assert!(!alt.contains("「パスワードを忘れた方はこちら」ボタン"));
        let short = scene::build::screen_alt_beside_table(&login, &t).expect("rows");
        assert!(
            short.contains("「パスワードを忘れた方はこちら」のリンク"),
            "{short}"
        );

        // The link to click in a step (`primary: true`) is framed as a
        // primary button is, and the words say to click it.
        login.buttons[0].primary = false;
        login.buttons[1].primary = true;
        let sc = crate::scene::build::tests::screen_scene(&login, &options());
        let run = sc.texts().find(|r| r.text == label).expect("the link");
        let framed = sc.items.iter().any(|i| {
            matches!(i, crate::scene::Item::Rect { role: crate::scene::Role::Highlight, x, y, w, h, .. }
                if *x < run.left() && x + w > run.left() + run.width && *y < run.y && y + h > run.y)
        });
        assert!(framed, "the primary link is framed");
        let alt = scene::screen_alt(&login, &t);
        assert!(
            alt.ends_with("。「パスワードを忘れた方はこちら」のリンクをクリックします"),
            "{alt}"
        );
    }
}
