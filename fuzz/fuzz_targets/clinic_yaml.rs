//! A clinic YAML file: read, checked, evaluated and its messages rendered.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::scratch().join("clinic.yaml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let content = common::content();
    let (clinic, diags) = tebiki::load::clinics::load_one(&path, &content.fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    let today = tebiki::eval::dates::parse_iso("2026-11-24").expect("date");
    let facts = tebiki::eval::facts::build(&clinic, content, today);
    let _ = tebiki::eval::evaluate_with_facts(content, &clinic, &facts);
});

