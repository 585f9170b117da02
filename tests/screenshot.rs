//! Real screenshots: drawn in both the HTML and the PDF, redacted in the
//! pixels that are written out, not only covered by a shape. The bundled
//! manual draws its notice sample as a figure; these tests add the same
//! notice as a PNG screenshot (tests/fixtures/screenshot).

mod common;
use base64::Engine as _;
use common::*;
use std::process::Command;

/// A pixel inside the redacted 申請ID cell of the bundled notice sample.
const REDACTED: (u32, u32) = (500, 325);

fn assert_blanked(img: &image::RgbImage, what: &str) {
    let (w, h) = img.dimensions();
    let x = REDACTED.0 * w / 800;
    let y = REDACTED.1 * h / 560;
    assert_eq!(
        img.get_pixel(x, y).0,
        [96, 96, 96],
        "{what}: redacted area not blanked"
    );
    // And somewhere not redacted keeps its content (the white value cell of 端末名称等).
    let (x2, y2) = (500 * w / 800, 265 * h / 560);
    assert_ne!(
        img.get_pixel(x2, y2).0,
        [96, 96, 96],
        "{what}: too much blanked"
    );
}

/// Builds the bundled content with the screenshot added.
fn build_sample() -> (tempfile::TempDir, std::process::Output) {
    let (dir, content) = content_with_screenshot();
    let o = build_content(&content, &dir.path().join("out"));
    (dir, o)
}

#[test]
fn html_embeds_the_redacted_image_with_its_annotations() {
    let (dir, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&dir.path().join("out/clinics/1430123455/index.html"));
    let start = html
        .find("class=\"screenshot\"")
        .expect("screenshot image in the guide");
    let data_at = html[start..].find("base64,").unwrap() + start + 7;
    let end = html[data_at..].find('"').unwrap() + data_at;
    let png = base64::engine::general_purpose::STANDARD
        .decode(&html[data_at..end])
        .unwrap();
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_blanked(&img, "HTML");
    assert!(
        html.contains("設置日に電子証明書を取り込むと"),
        "callout text"
    );
    assert!(html.contains("電子証明書発行通知書の見本"), "alt text");
}

#[test]
fn pdf_embeds_the_same_redacted_image() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let pdf = dir.path().join("out/clinics/1430123455/guide.pdf");
    let prefix = dir.path().join("img");
    let st = Command::new("pdfimages")
        .args(["-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()])
        .status()
        .expect("pdfimages (poppler-utils)");
    assert!(st.success());
    let first = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("img"))
        .expect("an image in the PDF");
    let img = image::open(&first).unwrap().to_rgb8();
    assert_eq!(
        img.dimensions(),
        (800, 560),
        "embedded at full resolution (lossless)"
    );
    assert_blanked(&img, "PDF");
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("設置日に電子証明書を取り込むと"));
}
