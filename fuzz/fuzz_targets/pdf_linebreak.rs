//! The PDF line breaker (kinsoku, UAX #14, justification) through the
//! public PDF API: a paragraph of arbitrary text, set and written.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::pdf_linebreak(data);
});
