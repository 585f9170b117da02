//! What each fuzz target runs on one input, shared by the targets
//! (`fuzz/fuzz_targets/*.rs`) and by `tests/fuzz_regressions.rs`, which
//! replays saved inputs through exactly these functions.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tebiki::model::manual::Content;
use tebiki::render::pdf::{Block, Document, Fonts, Span, SpanStyle};

/// The repository root (this file is compiled from `fuzz/` and from the
/// root's tests).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("content").is_dir() {
        here.to_path_buf()
    } else {
        here.join("..")
    }
}

/// The bundled content (schema, manuals, rules), loaded once.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| tebiki::load::load_content(&root().join("content")).0)
}

/// A scratch folder for inputs that are read from files.
pub fn scratch() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// The bundled fonts, parsed once.
pub fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        tebiki::render::theme::Theme::new(None)
            .pdf_fonts()
            .expect("bundled fonts")
    })
}

fn write_scratch(name: &str, data: &[u8]) -> Option<PathBuf> {
    let path = scratch().join(name);
    std::fs::write(&path, data).ok()?;
    Some(path)
}

/// A clinic YAML file: read, checked, evaluated, its messages rendered.
/// Returns the number of messages.
pub fn clinic_yaml(data: &[u8]) -> usize {
    let Some(path) = write_scratch("clinic.yaml", data) else {
        return 0;
    };
    let content = content();
    let (clinic, diags) = tebiki::load::clinics::load_one(&path, &content.fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    let today = tebiki::eval::dates::parse_iso("2026-11-24").expect("date");
    let facts = tebiki::eval::facts::build(&clinic, content, today);
    let _ = tebiki::eval::evaluate_with_facts(content, &clinic, &facts);
    diags.0.len()
}

/// A clinic list: the first byte picks CSV (even) or XLSX (odd), the rest
/// is the file. Returns (clinics, messages).
pub fn clinic_table(data: &[u8]) -> (usize, usize) {
    let Some((&kind, body)) = data.split_first() else {
        return (0, 0);
    };
    let name = if kind % 2 == 0 {
        "list.csv"
    } else {
        "list.xlsx"
    };
    let Some(path) = write_scratch(name, body) else {
        return (0, 0);
    };
    let (clinics, diags) = tebiki::load::table::load_file(&path, &content().fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    (clinics.len(), diags.0.len())
}

/// A copy of the bundled content whose first manual [`manual`] replaces.
fn content_copy() -> &'static PathBuf {
    static C: OnceLock<PathBuf> = OnceLock::new();
    C.get_or_init(|| {
        let to = scratch().join("content");
        copy_dir(&root().join("content"), &to);
        to
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read content").flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

/// A `manual.yaml` in a copy of the bundled content: loaded and checked,
/// messages rendered. Returns the number of messages.
pub fn manual(data: &[u8]) -> usize {
    let dir = content_copy();
    let manual = dir.join("manuals/online-shikaku/manual.yaml");
    if std::fs::write(&manual, data).is_err() {
        return 0;
    }
    let (_content, diags) = tebiki::load::load_content(dir);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    diags.0.len()
}

/// Markdown, as a block body and as inline text.
pub fn markdown(text: &str) {
    let _ = tebiki::load::markdown::parse(text);
    let _ = tebiki::load::markdown::parse_inline(text);
}

/// A paragraph set by the PDF line breaker and written: the first byte
/// picks the span style, the rest is the text (UTF-8, else skipped).
/// Returns the page count of the written PDF.
pub fn pdf_linebreak(data: &[u8]) -> Option<usize> {
    let (&style, rest) = data.split_first()?;
    let text = std::str::from_utf8(rest).ok()?;
    let style = match style % 4 {
        0 => SpanStyle::Normal,
        1 => SpanStyle::Bold,
        2 => SpanStyle::Value,
        _ => SpanStyle::Code,
    };
    let doc = Document {
        blocks: vec![Block::Paragraph(vec![Span {
            text: text.to_string(),
            style,
            origin: None,
        }])],
        ..Document::default()
    };
    tebiki::render::pdf::render(&doc, fonts())
        .ok()
        .map(|r| r.pages)
}
