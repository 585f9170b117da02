//! A manual.yaml in a copy of the bundled content: loaded and checked.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    init: {
        let sample = harness::sample("content/manuals/online-shikaku/manual.yaml");
        harness::warm_up(|| harness::manual(&sample));
    },
    |data: &[u8]| {
        harness::fresh_thread(|| harness::manual(data));
    }
);
