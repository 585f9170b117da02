//! Visual regression of the printed pages (issue 13 item 9): every sample
//! handout page and sheet is rendered small (`pdftoppm -r 20`, grey, 16
//! levels) and compared with the reference image stored in `tests/visual/`.
//! A page fails when more than [`MAX_CHANGED`] of its pixels differ by more
//! than [`PIXEL_TOLERANCE`] grey levels, or when the page count changes; the
//! message names the file, the page and the share of pixels changed, and
//! the new and diff images are written to `target/visual-diff/` to look at.
//!
//! A layout change is then a reviewed change: look at the new images, and
//! if they are right, regenerate the references with
//!
//! ```text
//! TEBIKI_UPDATE_VISUAL=1 cargo test --test visual
//! ```
//!
//! and commit `tests/visual/` with the change. Needs poppler-utils.

mod common;
use common::*;
use image::{GrayImage, Luma};
use std::path::{Path, PathBuf};

/// Grey levels two pixels may differ by and still count as the same.
const PIXEL_TOLERANCE: u8 = 48;
/// Share of a page's pixels that may change (antialiasing, font hinting of
/// another poppler) before the page counts as changed.
const MAX_CHANGED: f64 = 0.01;
/// Rendering resolution: 166 × 234 pixels per A4 page, a few KB per image.
const DPI: &str = "20";

fn references() -> PathBuf {
    root().join("tests/visual")
}

fn updating() -> bool {
    std::env::var_os("TEBIKI_UPDATE_VISUAL").is_some_and(|v| v != "0" && !v.is_empty())
}

/// The pages of `pdf` as small grey images with 16 levels.
fn render(pdf: &Path, dir: &Path, name: &str) -> Vec<GrayImage> {
    let prefix = dir.join(name);
    poppler(
        "pdftoppm",
        &[
            "-r",
            DPI,
            "-gray",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let f = p.file_name()?.to_str()?.to_string();
            (f.starts_with(&format!("{name}-")) && f.ends_with(".png")).then_some(p)
        })
        .collect();
    // pdftoppm numbers pages 1…9 or 01…NN: sort by the number.
    files.sort_by_key(|p| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('-').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    files
        .iter()
        .map(|p| {
            let mut g = image::open(p).unwrap().to_luma8();
            for px in g.pixels_mut() {
                px.0[0] = (px.0[0] >> 4) * 17;
            }
            g
        })
        .collect()
}

/// Writes a 16-level grey image as a 4-bit PNG (a few KB per page).
fn save_4bit(img: &GrayImage, path: &Path) {
    let (w, h) = img.dimensions();
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Four);
    enc.set_compression(png::Compression::High);
    let mut data = Vec::with_capacity(((w as usize).div_ceil(2)) * h as usize);
    for y in 0..h {
        for x in (0..w).step_by(2) {
            let hi = img.get_pixel(x, y).0[0] >> 4;
            let lo = if x + 1 < w {
                img.get_pixel(x + 1, y).0[0] >> 4
            } else {
                0
            };
            data.push(hi << 4 | lo);
        }
    }
    enc.write_header().unwrap().write_image_data(&data).unwrap();
}

/// Share of pixels that differ by more than the tolerance, and the diff
/// image (changed pixels black on a faint copy of the new page).
fn compare(want: &GrayImage, got: &GrayImage) -> (f64, GrayImage) {
    if want.dimensions() != got.dimensions() {
        return (1.0, got.clone());
    }
    let mut diff = GrayImage::new(got.width(), got.height());
    let mut changed = 0usize;
    for (x, y, g) in got.enumerate_pixels() {
        let w = want.get_pixel(x, y);
        let d = g.0[0].abs_diff(w.0[0]);
        if d > PIXEL_TOLERANCE {
            changed += 1;
            diff.put_pixel(x, y, Luma([0]));
        } else {
            diff.put_pixel(x, y, Luma([200 + g.0[0] / 5]));
        }
    }
    (
        changed as f64 / (got.width() * got.height()).max(1) as f64,
        diff,
    )
}

#[test]
fn printed_pages_match_their_references() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = tebiki(&["build", "--today", TODAY, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The sheet with the vendor's logo and both QR codes too.
    let branded = d.path().join("branded");
    let o = build_with(
        "--config",
        &root().join("tests/fixtures/branding/tebiki.yaml"),
        &branded,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut docs: Vec<(String, PathBuf)> = Vec::new();
    for (key, _) in SAMPLES {
        for doc in ["guide", "sheet"] {
            docs.push((
                format!("{key}-{doc}"),
                out.join(format!("clinics/{key}/{doc}.pdf")),
            ));
        }
    }
    docs.push((
        "branded-2610112340-sheet".into(),
        branded.join("clinics/2610112340/sheet.pdf"),
    ));

    let refs = references();
    let diffs = root().join("target/visual-diff");
    let work = d.path().join("png");
    std::fs::create_dir_all(&work).unwrap();
    let mut failures = Vec::new();
    for (name, pdf) in &docs {
        let pages = render(pdf, &work, name);
        assert!(!pages.is_empty(), "{name}: no pages rendered");
        if updating() {
            std::fs::create_dir_all(&refs).unwrap();
            // Drop references of pages that no longer exist.
            for n in pages.len() + 1..=40 {
                let _ = std::fs::remove_file(refs.join(format!("{name}-{n}.png")));
            }
            for (i, p) in pages.iter().enumerate() {
                save_4bit(p, &refs.join(format!("{name}-{}.png", i + 1)));
            }
            continue;
        }
        let stored = (1..)
            .map(|n| refs.join(format!("{name}-{n}.png")))
            .take_while(|p| p.is_file())
            .count();
        if stored != pages.len() {
            failures.push(format!(
                "{name}: {} pages, the references have {stored}",
                pages.len()
            ));
        }
        for (i, got) in pages.iter().enumerate() {
            let r = refs.join(format!("{name}-{}.png", i + 1));
            let Ok(want) = image::open(&r) else {
                continue;
            };
            let (share, diff) = compare(&want.to_luma8(), got);
            if share > MAX_CHANGED {
                std::fs::create_dir_all(&diffs).unwrap();
                got.save(diffs.join(format!("{name}-{}-new.png", i + 1)))
                    .unwrap();
                diff.save(diffs.join(format!("{name}-{}-diff.png", i + 1)))
                    .unwrap();
                failures.push(format!(
                    "{name} page {}: {:.1}% of pixels changed (see target/visual-diff/{name}-{}-diff.png)",
                    i + 1,
                    share * 100.0,
                    i + 1
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the printed pages changed:\n{}\nIf the change is intended, look at the new images and run \
         TEBIKI_UPDATE_VISUAL=1 cargo test --test visual, then commit tests/visual/.",
        failures.join("\n")
    );
}

/// The comparison itself: the same page passes, a changed one fails with
/// its share of changed pixels.
#[test]
fn comparison_counts_changed_pixels() {
    let a = GrayImage::from_pixel(10, 10, Luma([255]));
    let mut b = a.clone();
    assert_eq!(compare(&a, &b).0, 0.0);
    for x in 0..10 {
        b.put_pixel(x, 0, Luma([0]));
    }
    b.put_pixel(0, 1, Luma([230])); // within the tolerance
    let (share, _) = compare(&a, &b);
    assert!((share - 0.1).abs() < 1e-9, "{share}");
    assert_eq!(compare(&a, &GrayImage::new(5, 5)).0, 1.0);
}
