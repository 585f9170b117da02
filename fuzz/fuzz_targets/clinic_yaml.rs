//! A clinic YAML file: read, checked, evaluated and its messages rendered.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::clinic_yaml(data);
});
