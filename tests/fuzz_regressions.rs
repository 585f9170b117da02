//! Inputs the fuzzers (`fuzz/`) found, replayed through the same library
//! paths: each file under `tests/fixtures/fuzz/<target>/` must load (or be
//! refused) without a panic. Add a crash here before fixing it.

use std::path::{Path, PathBuf};
use tebiki::render::pdf::{Block, Document, Span, SpanStyle};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/fuzz").join(target))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn catalog() -> tebiki::model::clinic::FieldCatalog {
    tebiki::load::load_content(&root().join("content")).0.fields
}

#[test]
fn clinic_files_found_by_fuzzing() {
    let fields = catalog();
    let dir = tempfile::tempdir().unwrap();
    for input in inputs("clinic_yaml") {
        let path = dir.path().join("clinic.yaml");
        std::fs::copy(&input, &path).unwrap();
        let (_, diags) = tebiki::load::clinics::load_one(&path, &fields);
        for d in &diags.0 {
            let _ = d.render(false);
        }
    }
    for (target, name) in [("csv", "list.csv"), ("xlsx", "list.xlsx")] {
        for input in inputs(target) {
            let path = dir.path().join(name);
            std::fs::copy(&input, &path).unwrap();
            let (_, diags) = tebiki::load::table::load_file(Path::new(&path), &fields);
            assert!(
                !diags.0.is_empty() || input.to_string_lossy().contains("ok-"),
                "{}",
                input.display()
            );
        }
    }
}

#[test]
fn texts_found_by_fuzzing() {
    for input in inputs("markdown") {
        let text = String::from_utf8_lossy(&std::fs::read(&input).unwrap()).into_owned();
        let _ = tebiki::load::markdown::parse(&text);
        let _ = tebiki::load::markdown::parse_inline(&text);
    }
    let fonts = tebiki::render::theme::Theme::new(None).pdf_fonts().unwrap();
    for input in inputs("pdf_linebreak") {
        let text = String::from_utf8_lossy(&std::fs::read(&input).unwrap()).into_owned();
        let doc = Document {
            blocks: vec![Block::Paragraph(vec![Span {
                text,
                style: SpanStyle::Normal,
                origin: None,
            }])],
            ..Document::default()
        };
        // Refusing is fine; panicking is not.
        if let Ok(pdf) = tebiki::render::pdf::render(&doc, &fonts) {
            assert!(pdf.pages >= 1);
        }
    }
}
