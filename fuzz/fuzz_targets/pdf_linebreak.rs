//! The PDF line breaker (kinsoku, UAX #14, justification) through the
//! public PDF API: a paragraph of arbitrary text, set and written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tebiki::render::pdf::{Block, Document, Fonts, Span, SpanStyle};

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        tebiki::render::theme::Theme::new(None)
            .pdf_fonts()
            .expect("bundled fonts")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&style, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
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
    let _ = tebiki::render::pdf::render(&doc, fonts());
});
