//! Inputs the fuzzers (`fuzz/`) found, replayed through the very functions
//! the fuzz targets run (`fuzz/fuzz_targets/harness.rs`): each file under
//! `tests/fixtures/fuzz/<target>/` must be loaded (or refused with a
//! message) without a panic, in bounded time and memory. Add a crash here
//! before fixing it.
//!
//! Files are raw fuzzer inputs, except where the folder says otherwise:
//! `csv/` and `xlsx/` hold plain files (the harness's leading kind byte is
//! added here), and `.txt` files under `pdf_linebreak/` are plain text (set
//! in the normal style).

#[path = "../fuzz/fuzz_targets/harness.rs"]
mod harness;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = harness::root().join("tests/fixtures/fuzz").join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v.into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn prefixed(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(body);
    v
}

#[test]
fn clinic_files_found_by_fuzzing() {
    let found = inputs("clinic_yaml");
    assert!(!found.is_empty());
    for (_, bytes) in found {
        harness::clinic_yaml(&bytes);
    }
}

#[test]
fn clinic_lists_found_by_fuzzing() {
    for (target, kind) in [("csv", 0), ("xlsx", 1), ("clinic_table", 255)] {
        for (path, bytes) in inputs(target) {
            let input = if kind == 255 {
                bytes
            } else {
                prefixed(kind, &bytes)
            };
            let (clinics, messages) = harness::clinic_table(&input);
            // A broken list says why (only files named ok-* may load
            // without a message); a raw fuzzer input need only not panic.
            let name = path.file_name().unwrap().to_string_lossy();
            assert!(
                messages > 0 || name.starts_with("ok-") || kind == 255,
                "{}: {clinics} clinics and no message",
                path.display()
            );
        }
    }
}

#[test]
fn manuals_found_by_fuzzing() {
    for (path, bytes) in inputs("manual") {
        // A manual that is not the bundled one always gets at least a
        // message, unless it is a valid manual (named ok-*).
        let messages = harness::manual(&bytes);
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            messages > 0 || name.starts_with("ok-"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn texts_found_by_fuzzing() {
    for (_, bytes) in inputs("markdown") {
        harness::markdown(&String::from_utf8_lossy(&bytes));
    }
    for (path, bytes) in inputs("pdf_linebreak") {
        let input = if path.extension().is_some_and(|e| e == "txt") {
            prefixed(0, &bytes)
        } else {
            bytes
        };
        if std::str::from_utf8(&input[1..]).is_ok() {
            let pages = harness::pdf_linebreak(&input);
            assert!(pages.is_some_and(|p| p >= 1), "{}", path.display());
        }
    }
}
