//! Markdown bodies → rich text → HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let rich = tebiki::load::markdown::parse(text);
    let _ = tebiki::load::markdown::parse_inline(text);
    drop(rich);
});
