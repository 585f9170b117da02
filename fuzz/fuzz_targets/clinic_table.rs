//! A clinic list: the first byte picks CSV or XLSX, the rest is the file.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::clinic_table(data);
});
