//! The drawn sample of the notice the clinic receives by post
//! (電子証明書発行通知書, step 2-5's `figure:`) names this clinic: a sample
//! carrying another institution's code reads as a misprint of the clinic's.

mod common;

use common::*;

/// The handout page that shows the notice sample, as text.
fn notice_page(pdf: &std::path::Path) -> String {
    let pages: usize = poppler("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    (1..=pages)
        .map(|p| {
            let p = p.to_string();
            poppler(
                "pdftotext",
                &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
            )
        })
        .find(|t| t.contains("電子証明書発行通知書（見本）"))
        .expect("a page with the notice sample")
}

#[test]
fn the_notice_sample_carries_this_clinics_name_code_and_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    // (clinic file, key, name, the code as the portal shows it, first terminal)
    for (file, key, name, code, terminal) in [
        (
            "content/clinics/kyoto-three-terminals.yaml",
            "2610112340",
            "鴨川みなみ診療所",
            "0112340",
            "オンライン資格確認パソコン",
        ),
        (
            "tests/fixtures/unusual/clinics/h-chiba-same-terminal-names.yaml",
            "1213000171",
            "幕張ひかりクリニック",
            "3000171",
            "受付パソコン",
        ),
    ] {
        let out = tmp.path().join(key);
        let o = build_with("--clinics", &root().join(file), &out);
        assert!(
            out.join(format!("clinics/{key}/guide.pdf")).exists(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let html = read(&out.join(format!("clinics/{key}/index.html")));
        let page = notice_page(&out.join(format!("clinics/{key}/guide.pdf")));
        for text in [&page, &html] {
            let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(flat.contains(&format!("{name}御中")), "{key}: {text}");
            assert!(text.contains(code), "{key}: {code}");
            assert!(text.contains(terminal), "{key}: {terminal}");
            assert!(!text.contains("14,3,012345,5"), "{key}: another code");
            assert!(!text.contains("○○○○○○"), "{key}: a blank addressee");
        }
    }
}
