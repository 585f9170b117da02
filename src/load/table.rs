//! Clinic lists from spreadsheets: CSV (UTF-8 with or without BOM, or
//! Shift_JIS/CP932 as Excel writes it in Japan) and XLSX.
//!
//! Column headers are mapped to fields by the `headers` of the clinic schema
//! (plus each field's path and label). Unknown columns are reported, never
//! silently dropped; secret columns are refused and their cells discarded.
//! Every value remembers its sheet, row and column.

use super::clinics::make_clinic;
use super::limits::{self, Encoding};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::clinic::{Clinic, FieldCatalog, FieldKind, RawValue};
use crate::model::{Located, SourcePos};
use crate::validate::normalize::to_half_width;
use crate::validate::secret::{KeyClass, classify_header};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Receives each row as it is read: sheet (none for CSV), 0-based row, cells.
type OnRow<'a> = dyn FnMut(Option<&str>, usize, Vec<Cell>) + 'a;

/// One cell: 0-based column, text and location.
struct Cell {
    col: usize,
    text: String,
    pos: SourcePos,
}

/// Reads clinics from a `.csv` or `.xlsx` file. Every row with data is a
/// clinic; an error of the list as a whole (a secret column) fails each of
/// them, an error in a row fails that row.
pub fn load_file(path: &Path, catalog: &FieldCatalog) -> (Vec<Clinic>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut clinics = Vec::new();
    stream_file(path, catalog, &mut diags, &mut |c| clinics.push(c));
    super::clinics::dedupe_keys(&mut clinics, catalog, &mut diags);
    super::clinics::mark_shared_addresses(&mut clinics, catalog);
    if clinics.is_empty() {
        diags.push(no_rows(path));
    }
    (clinics, diags)
}

/// The error of a list without clinic rows.
pub fn no_rows(path: &Path) -> Diagnostic {
    Diagnostic::error(
        SourcePos::new(Arc::new(path.to_path_buf()), 0, 0),
        "the list has no clinic rows",
    )
    .with_help("put one row of column headers first, then one row per clinic")
}

/// Reads clinics from a `.csv` or `.xlsx` file and hands each to `emit` in
/// list order as soon as its row is read, so a long list is never held as
/// clinics all at once. Keys are not de-duplicated here (see
/// [`super::clinics::dedupe_keys`]).
pub fn stream_file(
    path: &Path,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    emit: &mut dyn FnMut(Clinic),
) {
    let file = Arc::new(path.to_path_buf());
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut mappers: Vec<RowMapper> = Vec::new();
    let mut local = Diagnostics::default();
    let mut on_row = |sheet: Option<&str>, row_idx: usize, row: Vec<Cell>| {
        if mappers.last().is_none_or(|m| m.sheet.as_deref() != sheet) {
            mappers.push(RowMapper {
                sheet: sheet.map(str::to_string),
                header: None,
                title_rows: Vec::new(),
            });
        }
        if let Some(m) = mappers.last_mut()
            && let Some(c) = m.row(row_idx, row, &file, catalog, &mut local)
        {
            emit(c);
        }
    };
    let read = match ext.as_deref() {
        Some("csv") => read_csv(path, &file, catalog, diags, &mut on_row),
        Some("xlsx" | "xlsm") => read_xlsx(path, &file, &mut on_row),
        Some("xls" | "ods") => Err(Diagnostic::error(
            SourcePos::new(file.clone(), 0, 0),
            "old Excel (.xls) and OpenDocument (.ods) workbooks are not read",
        )
        .with_help("save it as .xlsx (Excel 2007 or later) or export it as CSV")),
        _ => Err(Diagnostic::error(
            SourcePos::new(file.clone(), 0, 0),
            "unsupported clinic data file",
        )
        .with_help(
            "use a folder of clinic YAML files, one clinic .yaml file, a .csv or an .xlsx file",
        )),
    };
    // A sheet that ended before any row named a column.
    // (One with MAX_TITLE_ROWS of them was reported at the last.)
    for m in &mappers {
        if m.header.is_none()
            && m.title_rows.len() < MAX_TITLE_ROWS
            && let Some((row_idx, row)) = m.title_rows.first()
        {
            local.push(no_schema_column(m.sheet.as_deref(), *row_idx, row, catalog));
        }
    }
    diags.extend(local);
    if let Err(d) = read {
        diags.push(d);
    }
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

/// Maps the header row to field paths by column, reporting secret and
/// unknown columns (whose cells are then never read or shown). Returns the
/// columns and the errors that concern every row.
fn map_header(
    header: &[Cell],
    header_row: usize,
    sheet: Option<&str>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> (Columns, Vec<String>) {
    let mut columns = BTreeMap::new();
    let mut list_errors = Vec::new();
    for h in header {
        let name = h.text.trim();
        if name.is_empty() {
            continue;
        }
        let mut d = |msg: String, help: &str, err: bool| {
            let mut diag = if err {
                list_errors.push(msg.clone());
                Diagnostic::error(h.pos.clone(), msg)
            } else {
                Diagnostic::warning(h.pos.clone(), msg)
            };
            diag.cell = Some(cell_name(sheet, header_row, h.col, name));
            diags.push(diag.with_help(help.to_string()));
        };
        match classify_header(name, catalog, |x| header_to_path(x, catalog)) {
            KeyClass::Secret => d(
                format!(
                    "column `{name}` looks like a password or secret number; its cells are ignored"
                ),
                "delete the column: secrets never belong in clinic lists, and tebiki never prints them",
                true,
            ),
            KeyClass::Unknown => d(
                format!("unknown column `{name}` (ignored)"),
                "rename it to a header listed in content/fields.yaml, or add the header there",
                false,
            ),
            KeyClass::Field(p) => {
                let single = catalog
                    .fields
                    .iter()
                    .any(|f| f.path == p && f.kind != FieldKind::List);
                if let Some((col, (_, first))) =
                    columns.iter().find(|(_, (q, _))| single && *q == p)
                {
                    let first = format!("{} ({first})", column_letter(*col));
                    d(
                        format!(
                            "columns {first} and {} ({name}) both mean `{p}`; a row where they differ is an error",
                            column_letter(h.col)
                        ),
                        "keep one of the two columns",
                        false,
                    );
                }
                columns.insert(h.col, (p, name.to_string()));
            }
        }
    }
    (columns, list_errors)
}

/// The first column header of the schema's institution-code field and of
/// the field that names the clinic, as examples of the columns a list needs
/// (「医療機関コード, 医療機関名, …」).
fn example_headers(catalog: &FieldCatalog) -> String {
    let code = catalog
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::InstitutionCode);
    let name = catalog.name_field();
    let mut names: Vec<&str> = [code, name]
        .into_iter()
        .flatten()
        .filter_map(|f| f.headers.first().map(String::as_str))
        .collect();
    names.push("…");
    names.join(", ")
}

/// The warning for a sheet (or CSV) none of whose first rows names a field
/// of the clinic schema: its rows are skipped, not read as clinics missing
/// every value.
fn no_schema_column(
    sheet: Option<&str>,
    row_idx: usize,
    row: &[Cell],
    catalog: &FieldCatalog,
) -> Diagnostic {
    let first = row.iter().find(|c| !c.text.trim().is_empty());
    let what = match sheet {
        Some(s) => format!("sheet {s}"),
        None => "the list".to_string(),
    };
    let mut d = Diagnostic::warning(
        first.map(|c| c.pos.clone()).unwrap_or_default(),
        format!(
            "{what}: none of its first rows (from row {}) names a column of the clinic schema, so its rows are not read as clinics",
            row_idx + 1
        ),
    )
    .with_help(format!("if it lists clinics, name its columns with the headers in content/fields.yaml ({}); a sheet of notes can stay as it is", example_headers(catalog)));
    if let Some(c) = first {
        d.cell = Some(cell_name(sheet, row_idx, c.col, c.text.trim()));
    }
    d
}

/// The warning for a row below the header with at most one value in the
/// schema's columns (`filled`): it is skipped, not read as a clinic. The
/// value is not quoted (it may be a clinic's name): its cell is named.
fn not_a_clinic(
    sheet: Option<&str>,
    row_idx: usize,
    filled: Option<&Cell>,
    row: &[Cell],
    columns: &Columns,
    catalog: &FieldCatalog,
) -> Diagnostic {
    let at = filled.or_else(|| row.iter().find(|c| !c.text.trim().is_empty()));
    let what = match filled.and_then(|c| columns.get(&c.col)) {
        Some((_, header)) => format!("only column {header} has a value"),
        None => "no column of the clinic schema has a value".to_string(),
    };
    let mut d = Diagnostic::warning(
        at.map(|c| c.pos.clone()).unwrap_or_default(),
        format!(
            "row {}: {what}, so the row is not read as a clinic (a total or a note?)",
            row_idx + 1
        ),
    )
    .with_help(format!(
        "if the row is a clinic, fill in its other columns ({}); a total or a note can stay",
        example_headers(catalog)
    ));
    if let Some(c) = at {
        let header = columns.get(&c.col).map_or("", |(_, h)| h.as_str());
        d.cell = Some(cell_name(sheet, row_idx, c.col, header));
    }
    d
}

/// Column → (field path, header as written).
type Columns = BTreeMap<usize, (String, String)>;

/// Turns the rows of one sheet into clinics: the first non-empty row is
/// the header, every later non-empty row a clinic.
struct RowMapper {
    sheet: Option<String>,
    /// Column → (field path, header as written), and the errors that concern
    /// every row.
    header: Option<(Columns, Vec<String>)>,
    /// Rows before the header that name no field (a title, a date, a
    /// note), each with its row number; the first is where a sheet without
    /// any header is reported.
    title_rows: Vec<(usize, Vec<Cell>)>,
}

/// How many rows above the header a sheet may have (a title, the date it
/// was made, a blank line, a note) before it is taken for a sheet of notes.
const MAX_TITLE_ROWS: usize = 10;

impl RowMapper {
    fn row(
        &mut self,
        row_idx: usize,
        row: Vec<Cell>,
        file: &Arc<PathBuf>,
        catalog: &FieldCatalog,
        diags: &mut Diagnostics,
    ) -> Option<Clinic> {
        if row.iter().all(|c| c.text.trim().is_empty()) {
            return None;
        }
        let sheet = self.sheet.as_deref();
        let Some((columns, list_errors)) = &self.header else {
            if self.title_rows.len() >= MAX_TITLE_ROWS {
                return None;
            }
            let mut local = Diagnostics::default();
            let header = map_header(&row, row_idx, sheet, catalog, &mut local);
            if !header.0.is_empty() {
                diags.extend(local);
                self.header = Some(header);
                return None;
            }
            // A title row's words are no unknown columns; a secret-looking
            // one is still an error.
            for d in local.0 {
                if d.severity == crate::model::Severity::Error {
                    diags.push(d);
                }
            }
            self.title_rows.push((row_idx, row));
            if self.title_rows.len() == MAX_TITLE_ROWS {
                let (first_idx, first) = &self.title_rows[0];
                diags.push(no_schema_column(sheet, *first_idx, first, catalog));
            }
            return None;
        };
        // A row with at most one value in the schema's columns (a total
        // 「合計20件」, a note) is no clinic: read as one, it was a clinic
        // missing every value, counted on the dashboard and imported.
        let mut filled = row
            .iter()
            .filter(|c| columns.contains_key(&c.col) && !c.text.trim().is_empty());
        if let (first, None) = (filled.next(), filled.next()) {
            diags.push(not_a_clinic(sheet, row_idx, first, &row, columns, catalog));
            return None;
        }
        let mut values: BTreeMap<String, Located<RawValue>> = BTreeMap::new();
        let mut row_errors: Vec<Diagnostic> = Vec::new();
        // Each field's cell in this row, also when empty (a missing value is
        // reported there, with its header).
        let cell_pos = |col: usize| match sheet {
            Some(s) => SourcePos::cell(file.clone(), s, row_idx as u32 + 1, col as u32 + 1),
            None => SourcePos::new(file.clone(), row_idx as u32 + 1, col as u32 + 1),
        };
        // A list kept one item per column (端末名称1, 端末名称2, …) is
        // located at its first column: a missing list is to be filled there.
        let mut keys: BTreeMap<String, Located<String>> = BTreeMap::new();
        let mut first_col: BTreeMap<&str, usize> = BTreeMap::new();
        for (col, (path, header)) in columns {
            if !keys.contains_key(path) {
                keys.insert(path.clone(), Located::new(header.clone(), cell_pos(*col)));
                first_col.insert(path, *col);
            }
        }
        for cell in row {
            let Some((path, header)) = columns.get(&cell.col) else {
                continue;
            };
            // A CSV cell's column counts characters of the shown line.
            if first_col.get(path.as_str()) == Some(&cell.col) {
                keys.insert(path.clone(), Located::new(header.clone(), cell.pos.clone()));
            }
            if cell.text.trim().is_empty() {
                continue;
            }
            let Some(earlier) = values.get_mut(path) else {
                values.insert(
                    path.clone(),
                    Located::new(RawValue::Text(cell.text), cell.pos),
                );
                continue;
            };
            let RawValue::Text(first) = &mut earlier.value else {
                continue;
            };
            let list = catalog
                .fields
                .iter()
                .any(|f| &f.path == path && f.kind == FieldKind::List);
            if list {
                // The items of every column of the list, in column order.
                first.push('\n');
                first.push_str(&cell.text);
            } else if first.trim() != cell.text.trim() {
                let label = catalog
                    .fields
                    .iter()
                    .find(|f| &f.path == path)
                    .map_or(path.as_str(), |f| f.label.as_str());
                let msg = format!(
                    "two columns mean {label} (`{path}`) and differ in this row (the other at {}); which is right is not for tebiki to guess",
                    earlier.pos
                );
                let mut diag = Diagnostic::error(cell.pos.clone(), msg)
                    .with_help("correct the row or keep one of the two columns");
                diag.cell = Some(cell_name(sheet, row_idx, cell.col, header));
                row_errors.push(diag);
            }
        }
        let source = match sheet {
            Some(s) => SourcePos::cell(file.clone(), s, row_idx as u32 + 1, 1),
            None => SourcePos::new(file.clone(), row_idx as u32 + 1, 1),
        };
        let mut local = Diagnostics::default();
        local.0.extend(row_errors);
        let mut clinic = make_clinic(values, source, catalog, &mut local);
        clinic.keys = keys;
        clinic.load_errors.extend(list_errors.iter().cloned());
        clinic.load_errors.extend(
            local
                .0
                .iter()
                .filter(|d| d.severity == crate::model::Severity::Error)
                .map(|d| d.message.clone()),
        );
        diags.extend(local);
        Some(clinic)
    }
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
    let find = |h: &str| {
        catalog.fields.iter().find(|f| {
            norm(&f.path) == h || norm(&f.label) == h || f.headers.iter().any(|x| norm(x) == h)
        })
    };
    if let Some(f) = find(&h) {
        return Some(f.path.clone());
    }
    // A list kept one item per column: 端末名称1, 端末名称2, 端末(3), 端末③.
    let base = h.trim_end_matches(|c: char| {
        c.is_ascii_digit() || ('①'..='⑳').contains(&c) || "()（）-_#".contains(c)
    });
    let numbered = h[base.len()..]
        .chars()
        .any(|c| c.is_ascii_digit() || ('①'..='⑳').contains(&c));
    find(base)
        .filter(|f| numbered && !base.is_empty() && f.kind == FieldKind::List)
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

/// Reads a CSV list (bounded in size; the encoding guessed, with a warning
/// when it is neither UTF-8 nor Shift_JIS) and registers the lines that
/// messages may echo, with every cell outside a schema column masked.
fn read_csv(
    path: &Path,
    file: &Arc<PathBuf>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    on_row: &mut OnRow,
) -> Result<(), Diagnostic> {
    let whole = SourcePos::new(file.clone(), 0, 0);
    // Nothing of this file is echoed until its columns are known.
    crate::diag::register_source(path, Vec::new());
    let bytes = limits::read_limited(path, limits::MAX_CSV_FILE)
        .map_err(|e| Diagnostic::error(whole.clone(), format!("cannot read CSV: {e}")))?;
    let Some((text, enc)) = limits::decode_guess_owned(bytes) else {
        return Err(Diagnostic::error(
            whole,
            "cannot tell the text encoding of this CSV (not UTF-8, UTF-16, Shift_JIS or EUC-JP)",
        )
        .with_help(limits::save_as_utf8_hint()));
    };
    if !matches!(enc, Encoding::Utf8 | Encoding::ShiftJis) {
        diags.push(
            Diagnostic::warning(whole.clone(), format!("read as {} text", enc.name()))
                .with_help(limits::save_as_utf8_hint()),
        );
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = 0usize;
    let mut header_seen = false;
    let mut title_rows = 0usize;
    let mut visible: std::collections::BTreeSet<usize> = Default::default();
    let mut shown = vec![String::new(); text.lines().count() + 1];
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
        if rec.len() > limits::MAX_COLUMNS as usize || records >= limits::MAX_ROWS as usize {
            return Err(Diagnostic::error(
                SourcePos::new(file.clone(), line, 0),
                format!(
                    "the list is larger than tebiki reads ({} rows, {} columns at most)",
                    limits::MAX_ROWS,
                    limits::MAX_COLUMNS
                ),
            )
            .with_help("split the list into several files"));
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
        records += 1;
        // Which columns may be shown: those the header maps to schema fields.
        // The header is the first row naming a schema column (title rows
        // above it are never shown).
        let looking = !header_seen && title_rows < MAX_TITLE_ROWS;
        let is_header = looking && {
            visible = rec
                .iter()
                .enumerate()
                .filter(|(_, name)| {
                    matches!(
                        classify_header(name.trim(), catalog, |x| header_to_path(x, catalog)),
                        KeyClass::Field(_)
                    )
                })
                .map(|(i, _)| i)
                .collect();
            !visible.is_empty()
        };
        if is_header {
            header_seen = true;
        } else if looking && rec.iter().any(|c| !c.trim().is_empty()) {
            title_rows += 1;
        }
        // Column numbers count characters of the shown line, so carets point at the cell.
        let mut column = 1u32;
        let mut out = Vec::new();
        let mut text_line = String::new();
        for (col, t) in rec.iter().enumerate() {
            let show = if is_header || visible.contains(&col) {
                t.replace(['\r', '\n'], "⏎")
            } else {
                "****".to_string()
            };
            if col > 0 {
                text_line.push(',');
            }
            text_line.push_str(&show);
            out.push(Cell {
                col,
                text: t.to_string(),
                pos: SourcePos::new(file.clone(), line, column),
            });
            column += show.chars().count() as u32 + 1;
        }
        let index = line as usize - 1;
        if index >= shown.len() {
            shown.resize(index + 1, String::new());
        }
        shown[index] = text_line;
        on_row(None, index, out);
    }
    crate::diag::register_source(path, shown);
    Ok(())
}

/// Checks every part of a workbook by decompressing it (declared sizes can
/// lie) against [`limits::MAX_XLSX_PART`] and [`limits::MAX_XLSX_TOTAL`]
/// before anything else reads it.
fn check_zip(bytes: &[u8], file: &Arc<PathBuf>) -> Result<(), Diagnostic> {
    let whole = SourcePos::new(file.clone(), 0, 0);
    let bad = |msg: String| {
        Diagnostic::error(whole.clone(), msg)
            .with_help("save the workbook again from Excel, or export the sheet as CSV")
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("cannot open spreadsheet: {e}")))?;
    if zip.len() > limits::MAX_XLSX_ENTRIES {
        return Err(bad(format!(
            "the workbook has {} parts; the limit is {}",
            zip.len(),
            limits::MAX_XLSX_ENTRIES
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| bad(format!("cannot open spreadsheet: {e}")))?;
        let name = part
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("#{i}"));
        let limit = limits::MAX_XLSX_PART.min(limits::MAX_XLSX_TOTAL - total);
        if part.size() > limit {
            return Err(bad(too_large_part(&name, part.size(), limit)));
        }
        let mut counted = Counted {
            inner: (&mut part).take(limit + 1),
            read: 0,
        };
        if name.starts_with("xl/worksheets/")
            && name.ends_with(".xml")
            && let Some(reference) = reference_beyond_u32(&mut counted)
        {
            return Err(bad(format!(
                "sheet part {name} names the cell {reference}, far beyond the area tebiki reads ({} rows × {} columns)",
                limits::MAX_ROWS,
                limits::MAX_COLUMNS
            )));
        }
        std::io::copy(&mut counted, &mut std::io::sink())
            .map_err(|e| bad(format!("cannot read spreadsheet part {name}: {e}")))?;
        let n = counted.read;
        if n > limit {
            return Err(bad(too_large_part(&name, n, limit)));
        }
        total += n;
    }
    Ok(())
}

/// A reader that counts the bytes read through it (a part's unpacked size).
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The first cell reference (`r` or `ref` attribute) in a sheet's XML whose
/// row or column does not fit 32 bits. The spreadsheet reader computes those
/// numbers in 32 bits: such a reference would wrap around to a wrong cell
/// (or overflow), so it is refused before the reader sees it. References
/// that fit are left to the reader and the located check of each cell.
/// XML the scan cannot parse is left to the reader, which reports it.
fn reference_beyond_u32(part: impl std::io::Read) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                for a in e.attributes().flatten() {
                    if matches!(a.key.as_ref(), "r" | "ref")
                        && a.value
                            .split([':', ' '])
                            .any(|r| reference_overflows(r.as_bytes()))
                    {
                        let shown: String = a.value.chars().take(40).collect();
                        return Some(shown);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// Whether one `A1`-style reference has a column or row beyond 32 bits.
fn reference_overflows(reference: &[u8]) -> bool {
    let (mut col, mut row) = (0u64, 0u64);
    for b in reference {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' => {
                let letter = u64::from(b.to_ascii_uppercase() - b'A') + 1;
                col = col.saturating_mul(26).saturating_add(letter);
            }
            b'0'..=b'9' => row = row.saturating_mul(10).saturating_add(u64::from(b - b'0')),
            _ => {}
        }
    }
    col > u64::from(u32::MAX) || row > u64::from(u32::MAX)
}

fn too_large_part(name: &str, size: u64, limit: u64) -> String {
    format!(
        "spreadsheet part {name} unpacks to more than {limit} bytes ({size} or more); the limit on unpacked workbook parts is {} bytes each, {} in all",
        limits::MAX_XLSX_PART,
        limits::MAX_XLSX_TOTAL
    )
}

fn read_xlsx(path: &Path, file: &Arc<PathBuf>, on_row: &mut OnRow) -> Result<(), Diagnostic> {
    use calamine::{DataRef, Reader};
    let whole = SourcePos::new(file.clone(), 0, 0);
    let bytes = limits::read_limited(path, limits::MAX_XLSX_FILE)
        .map_err(|e| Diagnostic::error(whole.clone(), format!("cannot read spreadsheet: {e}")))?;
    check_zip(&bytes, file)?;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| {
            Diagnostic::error(whole.clone(), format!("cannot open spreadsheet: {e}"))
                .with_help("save it as .xlsx (Excel 2007 or later) or export it as CSV")
        })?;
    let mut cells_read = 0usize;
    let names = wb.sheet_names();
    // Sheets are read by name: a second sheet of the same name would be the
    // first one read again (Excel refuses such a workbook; other programs
    // may write one).
    let mut seen = std::collections::BTreeSet::new();
    for name in &names {
        if !seen.insert(name) {
            return Err(Diagnostic::error(
                whole.clone(),
                format!("the workbook has two sheets named {name}"),
            )
            .with_help("rename one of them, or copy the list into a new workbook"));
        }
    }
    for name in names {
        let sheet_err = |e: calamine::XlsxError| {
            Diagnostic::error(whole.clone(), format!("cannot read sheet {name}: {e}"))
        };
        let mut reader = wb.worksheet_cells_reader(&name).map_err(sheet_err)?;
        // Rows arrive in order (the sheet's XML is written row by row); a
        // row is handed on when the next one starts. Cells of an earlier row
        // arriving late are kept and handed on at the end of the sheet.
        let mut current: Option<(usize, Vec<Cell>)> = None;
        let mut late: BTreeMap<usize, Vec<Cell>> = BTreeMap::new();
        let mut done_up_to: Option<usize> = None;
        while let Some(cell) = reader.next_cell().map_err(sheet_err)? {
            let (r, c) = cell.get_position();
            let text = match cell.get_value() {
                DataRef::Empty | DataRef::Error(_) => continue,
                DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
                DataRef::SharedString(s) => s.to_string(),
                DataRef::Int(i) => i.to_string(),
                DataRef::Bool(b) => b.to_string(),
                DataRef::Float(f) => {
                    if f.fract() == 0.0 && f.abs() < 1e15 {
                        format!("{}", *f as i64)
                    } else {
                        f.to_string()
                    }
                }
                DataRef::DateTime(dt) => excel_serial_to_iso(dt.as_f64()),
            };
            let pos = SourcePos::cell(file.clone(), &name, r + 1, c + 1);
            if r >= limits::MAX_ROWS || c >= limits::MAX_COLUMNS {
                let mut d = Diagnostic::error(
                    pos,
                    format!(
                        "a cell lies beyond the area tebiki reads ({} rows × {} columns, up to {}{})",
                        limits::MAX_ROWS,
                        limits::MAX_COLUMNS,
                        column_letter(limits::MAX_COLUMNS as usize - 1),
                        limits::MAX_ROWS
                    ),
                )
                .with_help("delete the stray cell (Ctrl+End in Excel jumps to the last used cell)");
                d.cell = Some(format!(
                    "sheet {name}, cell {}{}",
                    column_letter(c as usize),
                    r + 1
                ));
                return Err(d);
            }
            cells_read += 1;
            if cells_read > limits::MAX_CELLS {
                return Err(Diagnostic::error(
                    whole.clone(),
                    format!(
                        "the workbook has more than {} filled cells",
                        limits::MAX_CELLS
                    ),
                )
                .with_help("split the list into several files"));
            }
            let cell = Cell {
                col: c as usize,
                text,
                pos,
            };
            let r = r as usize;
            match &mut current {
                Some((cr, cells)) if *cr == r => cells.push(cell),
                _ if done_up_to.is_some_and(|d| r <= d) => late.entry(r).or_default().push(cell),
                _ => {
                    if let Some((cr, cells)) = current.take() {
                        done_up_to = Some(cr);
                        on_row(Some(&name), cr, cells);
                    }
                    current = Some((r, vec![cell]));
                }
            }
        }
        if let Some((cr, cells)) = current.take() {
            on_row(Some(&name), cr, cells);
        }
        // Positions in XLSX are (row, column) of the sheet; keep the sheet in `cell`.
        for (r, cells) in late {
            on_row(Some(&name), r, cells);
        }
    }
    Ok(())
}

/// Excel's day serial (1900 system) → `YYYY-MM-DD`; a serial beyond the
/// calendar (years up to 9999) stays a number, which the field's check
/// then reports as not a date.
fn excel_serial_to_iso(serial: f64) -> String {
    let base = jiff::civil::Date::constant(1899, 12, 30);
    let day = serial.floor();
    if day.is_finite()
        && let Some(d) = crate::eval::dates::checked_add_days(base, day as i64)
    {
        return d.to_string();
    }
    serial.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_beyond_32_bits_are_found_before_the_reader() {
        assert!(!super::reference_overflows(b"XFD1048576"));
        assert!(!super::reference_overflows(b"A4294967295"));
        assert!(super::reference_overflows(b"A4294967296"));
        assert!(super::reference_overflows(b"AAAAAAAA1"));
        let sheet = br#"<worksheet><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"/></row>
            <row r="4294967296"><c r="B4294967296" t="s"/></row></sheetData></worksheet>"#;
        assert_eq!(
            super::reference_beyond_u32(&sheet[..]).as_deref(),
            Some("4294967296")
        );
        let fine =
            br#"<worksheet><sheetData><row r="2"><c r="Z1048576"/></row></sheetData></worksheet>"#;
        assert_eq!(super::reference_beyond_u32(&fine[..]), None);
    }

    use super::*;

    #[test]
    fn date_serials_beyond_the_calendar_stay_numbers() {
        assert_eq!(excel_serial_to_iso(45000.0), "2023-03-15");
        assert_eq!(excel_serial_to_iso(45000.75), "2023-03-15");
        // Found by the clinic_table fuzzer (it panicked in jiff).
        assert_eq!(excel_serial_to_iso(7890789.0), "7890789");
        assert_eq!(excel_serial_to_iso(f64::NAN), "NaN");
        assert_eq!(excel_serial_to_iso(-1e300), (-1e300f64).to_string());
    }

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
