//! A clinic YAML file: read, checked, evaluated and its messages rendered.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    init: {
        let sample = harness::sample("content/clinics/hokkaido-clinic.yaml");
        harness::warm_up(|| harness::clinic_yaml(&sample));
    },
    |data: &[u8]| {
        harness::fresh_thread(|| harness::clinic_yaml(data));
    }
);
