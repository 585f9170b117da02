//! A clinic list: the first byte picks CSV or XLSX, the rest is the file.
#![no_main]

#[path = "harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    init: {
        let mut csv = vec![0];
        csv.extend(harness::sample("tests/fixtures/import/twenty-mistakes.csv"));
        let mut xlsx = vec![1];
        xlsx.extend(harness::sample("tests/fixtures/import/clinics.xlsx"));
        harness::warm_up(|| (harness::clinic_table(&csv), harness::clinic_table(&xlsx)));
    },
    |data: &[u8]| {
        harness::fresh_thread(|| harness::clinic_table(data));
    }
);
