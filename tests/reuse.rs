//! What a build computes once and reuses for many clinics (speed) must give
//! every clinic exactly the bytes it would get alone.

use std::path::Path;
use tebiki::render::pictures::{PictureCache, Pictures};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every sample and unusual clinic, twice through one cache (the second
/// time every picture more than one clinic shows comes from it): the SVG of
/// the HTML guide and the PDF handout are byte for byte those laid out
/// without a cache.
#[test]
fn pictures_reused_within_a_build_give_the_same_svg_and_handout() {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let theme = tebiki::render::theme::Theme::new(Some(&root().join("themes/default")));
    let fonts = theme.pdf_fonts().expect("fonts");
    let today = "2026-11-24".parse().expect("date");
    let mut clinics = tebiki::pipeline::load_clinics(&root().join("content/clinics"), &content).0;
    clinics.extend(
        tebiki::pipeline::load_clinics(&root().join("tests/fixtures/unusual"), &content)
            .0
            .into_iter()
            .filter(|c| c.load_errors.is_empty()),
    );
    assert!(clinics.len() >= 10, "{} clinics", clinics.len());
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
