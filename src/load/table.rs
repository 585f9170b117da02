//! Clinic lists from spreadsheets: CSV (UTF-8 with or without BOM, or
//! Shift_JIS/CP932 as Excel writes it in Japan) and XLSX.
//!
//! Column headers are mapped to fields by the `headers` of the clinic schema
//! (plus each field's path and label). Unknown columns are reported, never
//! silently dropped; secret columns are refused and their cells discarded.
//! Every value remembers its sheet, row and column.

use super::clinics::make_clinic;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::clinic::{Clinic, FieldCatalog, RawValue};
use crate::model::{Located, SourcePos};
use crate::validate::normalize::to_half_width;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A worksheet's name (none for CSV) and its rows of cells.
type Sheet = (Option<String>, Vec<Vec<Cell>>);

/// One cell with its location.
struct Cell {
    text: String,
    pos: SourcePos,
}

/// Reads clinics from a `.csv` or `.xlsx` file.
pub fn load_file(path: &Path, catalog: &FieldCatalog) -> (Vec<Clinic>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let file = Arc::new(path.to_path_buf());
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let sheets = match ext.as_deref() {
        Some("csv") => read_csv(path, &file).map(|rows| vec![(None, rows)]),
        Some("xlsx" | "xlsm" | "xls" | "ods") => read_xlsx(path, &file),
        _ => Err(Diagnostic::error(
            SourcePos::new(file.clone(), 0, 0),
            "unsupported clinic data file",
        )
        .with_help("use a folder of YAML files, a .csv or an .xlsx file")),
    };
    let sheets = match sheets {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return (Vec::new(), diags);
        }
    };
    let mut clinics = Vec::new();
    for (sheet, rows) in sheets {
        clinics.extend(rows_to_clinics(
            rows,
            sheet.as_deref(),
            &file,
            catalog,
            &mut diags,
        ));
    }
    super::clinics::dedupe_keys(&mut clinics, &mut diags);
    (clinics, diags)
}

/// Spreadsheet column letters: 0 → A, 26 → AA.
pub fn column_letter(col: usize) -> String {
    crate::model::source::column_letter(col as u32 + 1)
}

fn cell_name(sheet: Option<&str>, row: usize, col: usize, header: &str) -> String {
    let place = format!("row {}, column {} ({header})", row + 1, column_letter(col));
    match sheet {
        Some(s) => format!("sheet {s}, {place}"),
        None => place,
    }
}

fn rows_to_clinics(
    rows: Vec<Vec<Cell>>,
    sheet: Option<&str>,
    file: &Arc<PathBuf>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> Vec<Clinic> {
    let mut it = rows
        .into_iter()
        .enumerate()
        .skip_while(|(_, r)| r.iter().all(|c| c.text.trim().is_empty()));
    let Some((header_row, header)) = it.next() else {
        return Vec::new();
    };
    // Map each column to a field path (or None when unknown/secret).
    let mut columns: Vec<Option<String>> = Vec::new();
    for (col, h) in header.iter().enumerate() {
        let name = h.text.trim();
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        let mut d = |msg: String, help: &str, err: bool| {
            let mut diag = if err {
                Diagnostic::error(h.pos.clone(), msg)
            } else {
                Diagnostic::warning(h.pos.clone(), msg)
            };
            diag.cell = Some(cell_name(sheet, header_row, col, name));
            diags.push(diag.with_help(help.to_string()));
        };
        if crate::validate::secret::looks_like_secret_key(name)
            || catalog.forbidden.iter().any(|f| f == name)
        {
            d(
                format!(
                    "column `{name}` looks like a password or secret number; its cells are ignored"
                ),
                "delete the column: secrets never belong in clinic lists, and tebiki never prints them",
                true,
            );
            columns.push(None);
            continue;
        }
        match header_to_path(name, catalog) {
            Some(p) => columns.push(Some(p)),
            None => {
                d(
                    format!("unknown column `{name}` (ignored)"),
                    "rename it to a header listed in content/fields.yaml, or add the header there",
                    false,
                );
                columns.push(None);
            }
        }
    }
    let mut clinics = Vec::new();
    for (row_idx, row) in it {
        if row.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        let mut values: BTreeMap<String, Located<RawValue>> = BTreeMap::new();
        for (col, cell) in row.into_iter().enumerate() {
            let Some(Some(path)) = columns.get(col) else {
                continue;
            };
            if cell.text.trim().is_empty() {
                continue;
            }
            values.insert(
                path.clone(),
                Located::new(RawValue::Text(cell.text), cell.pos),
            );
        }
        let source = match sheet {
            Some(s) => SourcePos::cell(file.clone(), s, row_idx as u32 + 1, 1),
            None => SourcePos::new(file.clone(), row_idx as u32 + 1, 1),
        };
        let mut local = Diagnostics::default();
        let clinic = make_clinic(values, source, catalog, &mut local);
        diags.extend(local);
        clinics.push(clinic);
    }
    clinics
}

/// Finds the field a column header means (schema headers, path or label;
/// compared after width folding, trimming and lower-casing).
pub fn header_to_path(header: &str, catalog: &FieldCatalog) -> Option<String> {
    let norm = |s: &str| {
        to_half_width(s)
            .0
            .trim()
            .to_lowercase()
            .replace([' ', '　'], "")
    };
    let h = norm(header);
    catalog
        .fields
        .iter()
        .find(|f| {
            norm(&f.path) == h || norm(&f.label) == h || f.headers.iter().any(|x| norm(x) == h)
        })
        .map(|f| f.path.clone())
}

/// Decodes CSV bytes: UTF-8 (BOM stripped) or, if not valid UTF-8, CP932.
pub fn decode_csv(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::SHIFT_JIS.decode(bytes);
            (text.into_owned(), "Shift_JIS/CP932")
        }
    }
}

fn read_csv(path: &Path, file: &Arc<PathBuf>) -> Result<Vec<Vec<Cell>>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            SourcePos::new(file.clone(), 0, 0),
            format!("cannot read CSV: {e}"),
        )
    })?;
    let (text, _) = decode_csv(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut counted_to = 0usize;
    let mut line = 1u32;
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as u32).unwrap_or(0);
                return Err(Diagnostic::error(
                    SourcePos::new(file.clone(), line, 0),
                    format!("CSV error: {e}"),
                )
                .with_help(
                    "check quotes: a cell containing commas or line breaks must be quoted",
                ));
            }
        }
        // The line where the record starts, counted from its byte offset (the csv
        // crate's own line counter lags behind with CRLF endings).
        let mut start = rec
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(counted_to);
        // The reported offset may sit on the previous record's line ending.
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if let Some(skipped) = text.get(counted_to..start) {
            line += skipped.matches('\n').count() as u32;
        }
        counted_to = start;
        // Column numbers count characters up to each field, so carets point at the cell.
        let mut column = 1u32;
        let mut cells = Vec::new();
        for t in rec.iter() {
            cells.push(Cell {
                text: t.to_string(),
                pos: SourcePos::new(file.clone(), line, column),
            });
            column += t.chars().count() as u32 + 1;
        }
        rows.push(cells);
    }
    Ok(rows)
}

fn read_xlsx(path: &Path, file: &Arc<PathBuf>) -> Result<Vec<Sheet>, Diagnostic> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| {
        Diagnostic::error(
            SourcePos::new(file.clone(), 0, 0),
            format!("cannot open spreadsheet: {e}"),
        )
        .with_help("save it as .xlsx (Excel 2007 or later) or export it as CSV")
    })?;
    let mut out = Vec::new();
    for (name, range) in wb.worksheets() {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (ri, row) in range.rows().enumerate() {
            let mut cells = Vec::new();
            for (ci, d) in row.iter().enumerate() {
                let text = match d {
                    Data::Empty | Data::Error(_) => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::Float(f) => {
                        if f.fract() == 0.0 && f.abs() < 1e15 {
                            format!("{}", *f as i64)
                        } else {
                            f.to_string()
                        }
                    }
                    Data::DateTime(dt) => excel_serial_to_iso(dt.as_f64()),
                };
                let row_no = r0 as usize + ri;
                let col_no = c0 as usize + ci;
                cells.push(Cell {
                    text,
                    pos: SourcePos::cell(file.clone(), &name, row_no as u32 + 1, col_no as u32 + 1),
                });
            }
            rows.push(cells);
        }
        // Positions in XLSX are (row, column) of the sheet; keep the sheet in `cell`.
        out.push((Some(name), rows));
    }
    Ok(out)
}

/// Excel's day serial (1900 system) → `YYYY-MM-DD`.
fn excel_serial_to_iso(serial: f64) -> String {
    let base = jiff::civil::Date::constant(1899, 12, 30);
    crate::eval::dates::add_days(base, serial.floor() as i64).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn decodes_cp932_and_bom() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("医療機関コード,名称\n");
        assert_eq!(decode_csv(&sjis).0, "医療機関コード,名称\n");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("名称".as_bytes());
        assert_eq!(decode_csv(&bom), ("名称".to_string(), "UTF-8 (BOM)"));
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_serial_to_iso(46374.0), "2026-12-18");
    }
}
