//! Markdown bodies → rich text (block and inline).
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|text: &str| {
    harness::markdown(text);
});
