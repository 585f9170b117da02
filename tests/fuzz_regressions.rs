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
        let pages = harness::pdf_linebreak(&input);
        assert!(pages.is_some_and(|p| p >= 1), "{}", path.display());
    }
}

/// Found by the clinic_table fuzzer (session 8, an out-of-memory: the input
/// `clinic_table/sixteen-sheets-of-one-name`, 5.8 KB, took 2.1 GB and 11 s).
/// Sheets are read by name, so a workbook naming fifteen sheets 名簿 read the
/// first 名簿 fifteen times, and the thousands of rows, all duplicates, each
/// got a message naming every other. Such a workbook is now refused, naming
/// the sheet (Excel itself refuses two sheets of one name).
#[test]
fn a_workbook_with_two_sheets_of_one_name_is_refused() {
    let text = "!名簿\n医療機関コード\t名称\n'1312345678\t東京クリニック\u{c}!名簿\n医療機関コード\t名称\n'1312345679\t横浜クリニック";
    harness::clinic_table(&prefixed(3, text.as_bytes()));
    let path = harness::scratch().join("list.xlsx");
    let (loaded, diags) = tebiki::load::table::load_file(&path, &harness::content().fields);
    let all: String = diags.0.iter().map(|d| d.render(false)).collect();
    assert!(all.contains("two sheets named 名簿"), "{all}");
    assert!(loaded.is_empty(), "{} clinics", loaded.len());
}

/// The clinic_table harness's built workbook (kind byte 3) is a real XLSX:
/// the same list read from it and from CSV gives the same clinics and
/// messages, and its cell types, positions and sheets arrive as written.
#[test]
fn the_built_workbook_is_read_like_the_csv() {
    let csv =
        std::fs::read_to_string(harness::root().join("tests/fixtures/import/twenty-mistakes.csv"))
            .unwrap();
    let tsv = csv.trim_end().replace(',', "\t");
    let from_csv = harness::clinic_table(&prefixed(0, csv.as_bytes()));
    let from_xlsx = harness::clinic_table(&prefixed(3, tsv.as_bytes()));
    assert!(from_csv.0 >= 2, "{from_csv:?}");
    assert_eq!(from_csv, from_xlsx);

    // An empty first sheet, then a sheet named 名簿 whose header row has an
    // unknown column at H, and one clinic at row 5.
    let text = "\u{c}!名簿\n医療機関コード\t名称\t@7|謎の列\n@5|'1312345678\t東京クリニック\t@7|x";
    let (clinics, _) = harness::clinic_table(&prefixed(3, text.as_bytes()));
    assert!(clinics >= 1);
    let path = harness::scratch().join("list.xlsx");
    let (loaded, diags) = tebiki::load::table::load_file(&path, &harness::content().fields);
    let all: String = diags.0.iter().map(|d| d.render(false)).collect();
    assert!(
        all.contains("sheet 名簿, row 1, column H (謎の列)"),
        "{all}"
    );
    assert!(
        loaded
            .iter()
            .any(|c| format!("{c:?}").contains("1312345678"))
    );
}
