//! What a build computes once and reuses for many clinics (speed) must give
//! every clinic exactly the bytes it would get alone.

mod common;

use std::path::Path;
use tebiki::render::pictures::{PictureCache, Pictures};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The base font names of a PDF's fonts.
fn font_names(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("parses");
    let mut names: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0"))
        .filter_map(|d| d.get(b"BaseFont").and_then(|n| n.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort();
    names
}

/// The bundled content, the default theme, its PDF fonts and the tests' date.
fn bundled() -> (
    tebiki::model::manual::Content,
    tebiki::render::theme::Theme,
    tebiki::render::pdf::Fonts,
    jiff::civil::Date,
) {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let theme = tebiki::render::theme::Theme::new(Some(&root().join("themes/default")));
    let fonts = theme.pdf_fonts().expect("fonts");
    let today = "2026-11-24".parse().expect("date");
    (content, theme, fonts, today)
}

/// The bundled content, the default theme's PDF fonts, the tests' date and
/// the word subsets a build of that content shares between handouts.
fn bundled_with_shared_words() -> (
    tebiki::model::manual::Content,
    tebiki::render::pdf::Fonts,
    jiff::civil::Date,
    tebiki::render::pdf::SharedWords,
) {
    let (content, _, fonts, today) = bundled();
    let generic = tebiki::eval::evaluate_generic(&content);
    let shared = tebiki::render::handout::shared_words(&content, &generic, today, &fonts)
        .expect("shared subsets");
    (content, fonts, today, shared)
}

/// The word subsets a build shares between handouts (one per face, from
/// the content's generic documents): every sample and unusual clinic's
/// handout embeds the same regular and bold word subsets, and reads and
/// looks exactly as with subsets of its own glyphs (same text extracted,
/// same pixels on every page).
#[test]
fn shared_word_subsets_change_neither_text_nor_pixels() {
    let (content, fonts, today, shared) = bundled_with_shared_words();
    let [regular, bold] = shared.glyph_counts();
    assert!(regular > 200 && bold > 100, "{regular} / {bold} glyphs");
    let clinics = samples_and_unusual(&content);
    let tmp = tempfile::tempdir().expect("tmp");
    let mut common_names: Option<Vec<String>> = None;
    for (i, c) in clinics.iter().enumerate() {
        let g = tebiki::eval::evaluate(&content, c, today);
        let p = Pictures::new(&g, &fonts).pdf();
        let own = tebiki::render::handout::render(&g, &fonts, &p).expect("pdf");
        let with =
            tebiki::render::handout::render_shared(&g, &fonts, &p, Some(&shared)).expect("pdf");
        assert_ne!(own.bytes, with.bytes, "{}: shared subsets not used", c.key);
        let names = font_names(&with.bytes);
        common_names = Some(match common_names {
            None => names,
            Some(n) => n.into_iter().filter(|x| names.contains(x)).collect(),
        });
        let (a, b) = (tmp.path().join("own.pdf"), tmp.path().join("with.pdf"));
        std::fs::write(&a, &own.bytes).expect("write");
        std::fs::write(&b, &with.bytes).expect("write");
        let text = |f: &Path| common::poppler("pdftotext", &[f.to_str().unwrap(), "-"]);
        assert_eq!(text(&a), text(&b), "{}: text differs", c.key);
        // Pixels: every page of two clinics (rasterising costs).
        if i < 2 {
            let png = |f: &Path, stem: &str| {
                let prefix = tmp.path().join(stem);
                common::poppler(
                    "pdftoppm",
                    &[
                        "-r",
                        "40",
                        "-gray",
                        f.to_str().unwrap(),
                        prefix.to_str().unwrap(),
                    ],
                );
            };
            png(&a, "own");
            png(&b, "with");
            let mut pages = 0;
            for e in std::fs::read_dir(tmp.path()).expect("dir").flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(rest) = name.strip_prefix("own")
                    && name.ends_with(".pgm")
                {
                    let other = tmp.path().join(format!("with{rest}"));
                    assert!(
                        std::fs::read(e.path()).expect("page")
                            == std::fs::read(&other).expect("page"),
                        "{}: page {rest} looks different",
                        c.key
                    );
                    pages += 1;
                }
            }
            assert_eq!(pages, own.pages, "{}", c.key);
            for e in std::fs::read_dir(tmp.path()).expect("dir").flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    // The two shared subsets are in every handout.
    let common_names = common_names.expect("clinics");
    assert!(
        common_names.iter().any(|n| n.ends_with("-Regular"))
            && common_names.iter().any(|n| n.ends_with("-Bold")),
        "{common_names:?}"
    );
}

/// The handouts' shared word subsets hold nearly every glyph a clinic's
/// handout shows in its words, those of the steps repeated per terminal
/// included: every sample and unusual clinic (each has terminals) shows at
/// most a tenth of its word glyphs (3–9 %; 19–25 % when the words of those
/// steps were not shared) from a subset of its own, which is built and
/// compressed again for every handout (docs/speed.md, "Speed, session 10").
#[test]
fn a_handout_shows_nearly_all_its_words_from_the_shared_subsets() {
    let (content, fonts, today, shared) = bundled_with_shared_words();
    let weights = [
        tebiki::render::pdf::Weight::Regular,
        tebiki::render::pdf::Weight::Bold,
    ];
    for c in samples_and_unusual(&content) {
        let g = tebiki::eval::evaluate(&content, &c, today);
        let p = Pictures::new(&g, &fonts).pdf();
        let words = tebiki::render::pdf::words(&tebiki::render::handout::document(&g, &p), &fonts);
        let (mut all, mut own) = (0, String::new());
        for (w, glyphs) in weights.into_iter().zip(&words) {
            all += glyphs.len();
            for (gid, t) in glyphs {
                if !shared.shows(w, *gid, t) {
                    own.push_str(t);
                }
            }
        }
        let n = own.chars().count();
        assert!(
            all > 300 && n * 10 <= all,
            "{}: {n} of {all} word glyphs not shared: {own}",
            c.key
        );
    }
}

/// Every sample and unusual clinic, twice through one cache (the second
/// time every picture more than one clinic shows comes from it): the SVG of
/// the HTML guide and the PDF handout are byte for byte those laid out
/// without a cache.
#[test]
fn pictures_reused_within_a_build_give_the_same_svg_and_handout() {
    let (content, _, fonts, today) = bundled();
    let clinics = samples_and_unusual(&content);
    let guides: Vec<_> = clinics
        .iter()
        .map(|c| tebiki::eval::evaluate(&content, c, today))
        .collect();
    let cache = PictureCache::default();
    let mut reused = 0;
    for round in 0..2 {
        for g in &guides {
            let alone = Pictures::new(g, &fonts);
            let cached = Pictures::cached(g, &fonts, &cache);
            assert_eq!(alone.svg(), cached.svg(), "{} round {round}", g.clinic_key);
            reused += cached.reused();
            if round == 1 {
                let a = tebiki::render::handout::render(g, &fonts, &alone.pdf()).expect("pdf");
                let b = tebiki::render::handout::render(g, &fonts, &cached.pdf()).expect("pdf");
                assert!(a.bytes == b.bytes, "{}: handout differs", g.clinic_key);
            }
        }
    }
    // The cache did serve pictures (the test is not vacuous).
    assert!(reused > guides.len() * 3, "only {reused} pictures reused");
}

/// Paragraphs of the content's own words set once per build (the fonts'
/// layout cache): every sample and unusual clinic, twice through one
/// cache, gets the handout and sheet it gets with fonts that keep nothing,
/// byte for byte and with the same warnings (a paragraph that meets a
/// missing character is never kept: unit test
/// `a_paragraph_with_a_missing_character_warns_in_every_document`).
#[test]
fn paragraphs_set_once_per_build_give_the_same_handout_and_sheet() {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let theme = tebiki::render::theme::Theme::new(Some(&root().join("themes/default")));
    let plain = theme.pdf_fonts().expect("fonts");
    let cached = theme.pdf_fonts().expect("fonts").with_layout_cache();
    assert_eq!(plain.layout_cache_counts(), None);
    let today = "2026-11-24".parse().expect("date");
    let clinics = samples_and_unusual(&content);
    for round in 0..2 {
        for c in &clinics {
            let g = tebiki::eval::evaluate(&content, c, today);
            let p = Pictures::new(&g, &plain).pdf();
            let a = tebiki::render::handout::render(&g, &plain, &p).expect("pdf");
            let b = tebiki::render::handout::render(&g, &cached, &p).expect("pdf");
            assert!(
                a.bytes == b.bytes,
                "{} round {round}: handout differs",
                c.key
            );
            assert_eq!(a.warnings, b.warnings, "{} round {round}", c.key);
            let a = tebiki::render::sheet::render(&g, &plain).expect("sheet");
            let b = tebiki::render::sheet::render(&g, &cached).expect("sheet");
            assert!(a.bytes == b.bytes, "{} round {round}: sheet differs", c.key);
            assert_eq!(a.warnings, b.warnings, "{} round {round}", c.key);
        }
    }
    // Not vacuous: the cache kept paragraphs and served them.
    let (kept, served) = cached.layout_cache_counts().expect("cache on");
    assert!(kept > 50 && served > kept, "{kept} kept, {served} served");
}

/// The guide's page as a build writes it (bytes rendered straight into a
/// buffer that starts as large as the largest page before) is the page
/// `HtmlRenderer::guide` renders as text, for every sample and unusual
/// clinic, in both orders (a buffer sized by a larger page, then a smaller).
#[test]
fn the_guide_written_as_bytes_is_the_guide_as_text() {
    let (content, theme, fonts, today) = bundled();
    let html = tebiki::render::html::HtmlRenderer::new(&theme).expect("templates");
    let mut clinics = samples_and_unusual(&content);
    let mut sizes = Vec::new();
    for round in 0..2 {
        for c in &clinics {
            let g = tebiki::eval::evaluate(&content, c, today);
            let p = Pictures::new(&g, &fonts);
            let text = html.guide(&g, &p.svg()).expect("html");
            let bytes = html
                .guide_pictures(&g, &p, tebiki::render::sheet::Layout::Regular)
                .expect("html");
            assert!(
                bytes == text.as_bytes(),
                "{} round {round}: page differs",
                c.key
            );
            sizes.push(bytes.len());
        }
        clinics.reverse();
    }
    // Not vacuous: pages of different sizes went through one renderer.
    sizes.sort_unstable();
    sizes.dedup();
    assert!(sizes.len() > 3, "{sizes:?}");
}

/// The sample clinics and the unusual fixtures that load (at least ten).
fn samples_and_unusual(
    content: &tebiki::model::manual::Content,
) -> Vec<tebiki::model::clinic::Clinic> {
    let mut clinics = tebiki::pipeline::load_clinics(&root().join("content/clinics"), content).0;
    clinics.extend(
        tebiki::pipeline::load_clinics(&root().join("tests/fixtures/unusual"), content)
            .0
            .into_iter()
            .filter(|c| c.load_errors.is_empty()),
    );
    assert!(clinics.len() >= 10, "{} clinics", clinics.len());
    clinics
}
