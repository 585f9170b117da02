//! A manual.yaml in a copy of the bundled content: loaded and checked.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::manual(data);
});
