//! Vendor branding (tebiki.yaml `vendor:`, issue 13 item 7): the name, phone
//! and logo reach the handout; a bad logo or phone is a located error that
//! stops the build before anything is written.
//! Needs poppler-utils (pdftotext, pdfimages); `.ci/run` installs it.

mod common;
use common::*;

fn fixture() -> std::path::PathBuf {
    root().join("tests/fixtures/branding/tebiki.yaml")
}

#[test]
fn vendor_name_phone_and_logo_are_printed_on_the_handout() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = build_with("--config", &fixture(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = out.join("clinics/2610112340/guide.pdf");
    let p = pdf.to_str().unwrap();
    let first = poppler(
        "pdftotext",
        &["-enc", "UTF-8", "-f", "1", "-l", "1", p, "-"],
    );
    assert!(
        first.contains("株式会社さくらメディカルシステム"),
        "{first}"
    );
    assert!(first.contains("03-1234-5678"), "{first}");
    let all = poppler("pdftotext", &["-enc", "UTF-8", p, "-"]);
    assert!(
        all.contains("株式会社さくらメディカルシステム（導入業者）"),
        "contacts: {all}"
    );
    // The SVG logo is printed as an image on page 1.
    let images = poppler("pdfimages", &["-list", "-f", "1", "-l", "1", p]);
    assert!(
        images.lines().count() > 2,
        "no logo image on page 1: {images}"
    );
}

#[test]
fn bad_branding_is_a_located_error() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("logo.png"), b"this is not a PNG").unwrap();
    let root = root();
    let cfg = d.path().join("tebiki.yaml");
    let write = |vendor: &str| {
        std::fs::write(
            &cfg,
            format!(
                "content: {0}/content\nclinics: {0}/content/clinics\nvendor:\n{vendor}",
                root.display()
            ),
        )
        .unwrap()
    };
    for (vendor, want, line) in [
        ("  name: さくら\n  logo: logo.png\n", "readable PNG", ":5:"),
        ("  phone: \"<script>\"\n", "not a phone number", ":4:"),
    ] {
        write(vendor);
        let out = d.path().join("out");
        let o = build_with("--config", &cfg, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{vendor}: built anyway");
        assert!(err.contains(want), "{vendor}: {err}");
        assert!(
            err.contains(&format!("tebiki.yaml{line}")),
            "{vendor}: {err}"
        );
        assert!(!out.join("clinics").exists(), "{vendor}: wrote output");
    }
}
