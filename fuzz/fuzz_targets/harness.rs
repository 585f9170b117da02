//! What each fuzz target runs on one input, shared by the targets
//! (`fuzz/fuzz_targets/*.rs`) and by `tests/fuzz_regressions.rs`, which
//! replays saved inputs through exactly these functions.
#![allow(dead_code)]
// `fuzzing` is set by cargo-fuzz; tests/fuzz_regressions.rs builds without it.
#![allow(unexpected_cfgs)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tebiki::model::manual::Content;
use tebiki::render::pdf::{Block, CalloutKind, Column, Document, Fonts, Span, SpanStyle};

/// The repository root (this file is compiled from `fuzz/` and from the
/// root's tests).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("content").is_dir() {
        here.to_path_buf()
    } else {
        here.join("..")
    }
}

/// The bundled content (schema, manuals, rules), loaded once. The fuzz
/// binaries read `content/` of the checkout they were built in when they
/// start, so a binary older than the content (main merged since the build)
/// may not understand it and would fuzz a content that failed to load:
/// that is refused here, before any input runs.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| {
        let (content, diags) = tebiki::load::load_content(&root().join("content"));
        assert!(
            !diags.has_errors(),
            "the bundled content does not load with this build (rebuild the fuzz targets):\n{}",
            diags
                .0
                .iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n")
        );
        content
    })
}

/// A scratch folder for inputs that are read from files.
pub fn scratch() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// The bundled fonts, parsed once.
pub fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        tebiki::render::theme::Theme::new(None)
            .pdf_fonts()
            .expect("bundled fonts")
    })
}

/// Runs one input on a fresh thread (with the main thread's 8 MB of stack),
/// so that every execution of the same input takes the same paths. std's
/// `HashMap` draws its hash keys once per thread and then changes them for
/// every new map, so on one long-lived thread the same input meets
/// different keys each time: which keys of pulldown-cmark's link
/// references, serde-saphyr's duplicate-key check, calamine's relationships
/// or zip's entry index collide (and call `eq`, e.g. unicase's case folding)
/// changes from one execution to the next, and libFuzzer counts that as new
/// coverage forever. A fresh thread starts from the same keys, because fuzz
/// builds fix them ([`getrandom`]); per-thread caches (the PDF writer's
/// compressors) start empty for every input too. A panic on the thread
/// still aborts the process (libFuzzer's panic hook), so crashes are saved
/// as before.
pub fn fresh_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(s, f)
            .expect("a thread")
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Fuzz builds only (`cargo fuzz` sets `--cfg fuzzing`): the C library's
/// `getrandom`, which std calls once per thread for its hash keys, replaced
/// by fixed bytes, so that [`fresh_thread`] gives every input the same keys.
/// (std looks `getrandom` up as a weak symbol; this definition wins at link
/// time.) Nothing else in the fuzz targets needs randomness: the scratch
/// folder's name only has to be free, and `tempfile` retries until it is.
/// (`tests/fuzz_regressions.rs` compiles this file without `fuzzing`.)
#[cfg(fuzzing)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getrandom(buf: *mut u8, len: usize, _flags: u32) -> isize {
    for i in 0..len {
        // SAFETY: the caller passes a buffer of `len` writable bytes.
        unsafe { *buf.add(i) = (i as u8).wrapping_mul(0x9d) ^ 0x5a };
    }
    len as isize
}

/// Before fuzzing: runs the target's function three times on one input, on
/// fresh threads, so that everything built once per process (the content,
/// the fonts, the scratch folder, the PDF subset cache's first and second
/// sight of a glyph set) is built before the first input is measured.
pub fn warm_up<R: Send>(f: impl Fn() -> R + Send + Sync) {
    for _ in 0..3 {
        fresh_thread(&f);
    }
}

/// A sample input for [`warm_up`]: a file of the repository.
pub fn sample(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_default()
}

fn write_scratch(name: &str, data: &[u8]) -> Option<PathBuf> {
    let path = scratch().join(name);
    std::fs::write(&path, data).ok()?;
    Some(path)
}

/// A clinic YAML file: read, checked, evaluated, its messages rendered.
/// Returns the number of messages.
pub fn clinic_yaml(data: &[u8]) -> usize {
    let Some(path) = write_scratch("clinic.yaml", data) else {
        return 0;
    };
    let content = content();
    let (clinic, diags) = tebiki::load::clinics::load_one(&path, &content.fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    let today = tebiki::eval::dates::parse_iso("2026-11-24").expect("date");
    let facts = tebiki::eval::facts::build(&clinic, content, today);
    let _ = tebiki::eval::evaluate_with_facts(content, &clinic, &facts);
    diags.0.len()
}

/// A clinic list. The first byte picks the file: 0 and 2 (mod 4) a CSV
/// file, 1 a raw XLSX file, 3 an XLSX workbook built from the rest as text
/// ([`xlsx_from_text`]), so that the fuzzer reaches the reading of cells,
/// rows and sheets and not only the ZIP and XML parsers. Returns (clinics,
/// messages).
pub fn clinic_table(data: &[u8]) -> (usize, usize) {
    let Some((&kind, body)) = data.split_first() else {
        return (0, 0);
    };
    let built;
    let (name, body) = match kind % 4 {
        1 => ("list.xlsx", body),
        3 => {
            built = xlsx_from_text(&String::from_utf8_lossy(body));
            ("list.xlsx", &built[..])
        }
        _ => ("list.csv", body),
    };
    let Some(path) = write_scratch(name, body) else {
        return (0, 0);
    };
    let (clinics, diags) = tebiki::load::table::load_file(&path, &content().fields);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    (clinics.len(), diags.0.len())
}

/// A valid XLSX workbook (stored, not compressed) from text: sheets are
/// separated by form feeds (U+000C), a sheet that starts with `!NAME` and a
/// newline is named NAME, rows are lines, cells are separated by tabs. A row
/// that starts with `@N|` is row N (1-based; otherwise the row after the
/// previous one), a cell that starts with `@N|` is column N (0-based;
/// otherwise the next column). Then a cell's first character picks its
/// type: `#` a number (the rest, unchecked), `=` a number with a date
/// format, `?` a boolean, `!` an error, `'` an inline string; any other
/// text is a shared string.
pub fn xlsx_from_text(text: &str) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    fn esc(s: &str) -> String {
        s.chars()
            .filter(|&c| {
                matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
            })
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                c => c.to_string(),
            })
            .collect()
    }
    fn at(s: &str) -> (Option<u64>, &str) {
        if let Some(rest) = s.strip_prefix('@')
            && let Some((n, rest)) = rest.split_once('|')
            && let Ok(n) = n.parse::<u64>()
        {
            return (Some(n), rest);
        }
        (None, s)
    }
    let mut shared: Vec<String> = Vec::new();
    let mut sheets: Vec<(String, String)> = Vec::new();
    for (i, sheet) in text.split('\u{c}').enumerate() {
        let (name, body) = match sheet.strip_prefix('!').and_then(|s| s.split_once('\n')) {
            Some((name, body)) => (name.to_string(), body),
            None => (format!("Sheet{}", i + 1), sheet),
        };
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        let mut row = 0u64;
        for line in body.split('\n') {
            let (n, line) = at(line);
            row = n.unwrap_or(row + 1);
            let _ = write!(xml, r#"<row r="{row}">"#);
            let mut col = 0u64;
            for (j, cell) in line.split('\t').enumerate() {
                let (n, cell) = at(cell);
                col = n.unwrap_or(if j == 0 { 0 } else { col + 1 });
                let r = format!(
                    "{}{row}",
                    tebiki::load::table::column_letter(col.min(1 << 20) as usize)
                );
                let mut chars = cell.chars();
                let _ = match chars.next() {
                    Some('#') => write!(xml, r#"<c r="{r}"><v>{}</v></c>"#, esc(chars.as_str())),
                    Some('=') => write!(
                        xml,
                        r#"<c r="{r}" s="1"><v>{}</v></c>"#,
                        esc(chars.as_str())
                    ),
                    Some('?') => write!(
                        xml,
                        r#"<c r="{r}" t="b"><v>{}</v></c>"#,
                        esc(chars.as_str())
                    ),
                    Some('!') => write!(
                        xml,
                        r#"<c r="{r}" t="e"><v>{}</v></c>"#,
                        esc(chars.as_str())
                    ),
                    Some('\'') => write!(
                        xml,
                        r#"<c r="{r}" t="inlineStr"><is><t>{}</t></is></c>"#,
                        esc(chars.as_str())
                    ),
                    None => Ok(()),
                    Some(_) => {
                        shared.push(esc(cell));
                        write!(xml, r#"<c r="{r}" t="s"><v>{}</v></c>"#, shared.len() - 1)
                    }
                };
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        sheets.push((esc(&name), xml));
    }
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        shared.len()
    );
    for s in &shared {
        let _ = write!(sst, r#"<si><t xml:space="preserve">{s}</t></si>"#);
    }
    sst.push_str("</sst>");
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    );
    let mut workbook = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    );
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        let _ = write!(
            workbook,
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        );
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
    }
    types.push_str("</Types>");
    workbook.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let styles = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), types),
        ("_rels/.rels".into(), root_rels.into()),
        ("xl/workbook.xml".into(), workbook),
        ("xl/_rels/workbook.xml.rels".into(), rels),
        ("xl/sharedStrings.xml".into(), sst),
        ("xl/styles.xml".into(), styles.into()),
    ];
    for (i, (_, xml)) in sheets.into_iter().enumerate() {
        parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), xml));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in parts {
        zip.start_file(name, stored).expect("zip entry");
        zip.write_all(body.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// A copy of the bundled content whose first manual [`manual`] replaces.
fn content_copy() -> &'static PathBuf {
    static C: OnceLock<PathBuf> = OnceLock::new();
    C.get_or_init(|| {
        let to = scratch().join("content");
        copy_dir(&root().join("content"), &to);
        to
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read content").flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

/// A `manual.yaml` in a copy of the bundled content: loaded and checked,
/// messages rendered. Returns the number of messages.
///
/// The content is loaded as `load_content` does, every file read, checked
/// and converted with this manual, but the parsed YAML of the files that
/// never change here (fields, constants, facts, rules) is taken from a
/// [`tebiki::load::ParseCache`] filled by the warm-up: parsing them again
/// for every input was about 45 % of an execution, and covers nothing the
/// first parse did not. The manual itself is parsed every time.
pub fn manual(data: &[u8]) -> usize {
    static CACHE: OnceLock<std::sync::Mutex<tebiki::load::ParseCache>> = OnceLock::new();
    let dir = content_copy();
    let manual = dir.join("manuals/online-shikaku/manual.yaml");
    if std::fs::write(&manual, data).is_err() {
        return 0;
    }
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let (_content, diags) = tebiki::load::load_content_reusing(dir, &mut cache);
    drop(cache);
    for d in &diags.0 {
        let _ = d.render(false);
    }
    diags.0.len()
}

/// Markdown, as a block body and as inline text.
pub fn markdown(text: &str) {
    let _ = tebiki::load::markdown::parse(text);
    let _ = tebiki::load::markdown::parse_inline(text);
}

/// Text set by the PDF line breaker and written. The first byte picks the
/// first span's style (bits 0–2: normal, bold, value, code, small, link,
/// normal, bold) and the block the text is set in (bits 3–4: a paragraph, a
/// list item, the narrow middle column of a table, a callout); the rest is
/// the text (invalid UTF-8 replaced), where each byte 0x01–0x06 starts a new
/// span in style 0–5. Returns the page count of the written PDF.
pub fn pdf_linebreak(data: &[u8]) -> Option<usize> {
    let (&head, rest) = data.split_first()?;
    let text = String::from_utf8_lossy(rest);
    let style = |n: u8| match n % 8 {
        1 | 7 => SpanStyle::Bold,
        2 => SpanStyle::Value,
        3 => SpanStyle::Code,
        4 => SpanStyle::Small,
        5 => SpanStyle::Link {
            url: "https://example.jp/".into(),
        },
        _ => SpanStyle::Normal,
    };
    let mut spans = vec![Span::new(String::new(), style(head))];
    for c in text.chars() {
        match c {
            '\u{1}'..='\u{6}' => spans.push(Span::new(String::new(), style(c as u8 - 1))),
            c => spans.last_mut().expect("a span").text.push(c),
        }
    }
    let block = match (head >> 3) % 4 {
        0 => Block::Paragraph(spans),
        1 => Block::List {
            ordered: head & 0x20 != 0,
            items: vec![vec![Block::Paragraph(spans)]],
        },
        2 => Block::Table {
            columns: ["項目", "入力する値", "備考"]
                .map(|h| Column {
                    header: h.into(),
                    width: if h == "入力する値" { 0.5 } else { 2.0 },
                })
                .to_vec(),
            rows: vec![vec![vec![Span::normal("回線種別")], spans, vec![]]],
            highlight_col: Some(1),
        },
        _ => Block::Callout {
            kind: CalloutKind::Warning,
            title: Some("注意".into()),
            body: vec![Block::Paragraph(spans)],
        },
    };
    let doc = Document {
        blocks: vec![block],
        ..Document::default()
    };
    tebiki::render::pdf::render(&doc, fonts())
        .ok()
        .map(|r| r.pages)
}
