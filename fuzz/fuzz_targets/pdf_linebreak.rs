//! The PDF line breaker (kinsoku, UAX #14, justification) through the
//! public PDF API: a paragraph of arbitrary text, set and written.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    init: {
        let sample = "\0回線種別は「光回線（NTT フレッツ）」を選んでください。".as_bytes();
        harness::warm_up(|| harness::pdf_linebreak(sample));
    },
    |data: &[u8]| {
        harness::fresh_thread(|| harness::pdf_linebreak(data));
    }
);
