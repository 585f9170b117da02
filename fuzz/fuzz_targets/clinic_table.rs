//! A clinic list: the first byte picks CSV or XLSX, the rest is the file.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    let name = if kind % 2 == 0 { "list.csv" } else { "list.xlsx" };
    let path = common::scratch().join(name);
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let (clinics, diags) = tebiki::load::table::load_file(&path, &common::content().fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    drop(clinics);
});
