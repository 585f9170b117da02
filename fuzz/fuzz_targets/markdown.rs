//! Markdown bodies → rich text (block and inline).
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    init: {
        let sample = "# 見出し\n\n**太字** と [リンク][Ref] と `code`\n\n[ref]: https://example.jp/\n";
        harness::warm_up(|| harness::markdown(sample));
    },
    |text: &str| {
        harness::fresh_thread(|| harness::markdown(text));
    }
);
