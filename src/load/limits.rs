//! Bounds on every input and the guessing of text encodings.
//!
//! Clinic data comes from outside: a file may be huge, deeply nested, a zip
//! bomb or in the wrong encoding. Every reader checks its input against a
//! limit here before it allocates, and says which limit was hit.

use std::io::Read;
use std::path::Path;

/// Largest clinic YAML file.
pub const MAX_CLINIC_FILE: u64 = 1024 * 1024;
/// Largest CSV clinic list (a national list of about 230,000 institutions
/// is about 50 MB).
pub const MAX_CSV_FILE: u64 = 64 * 1024 * 1024;
/// Largest XLSX workbook on disk.
pub const MAX_XLSX_FILE: u64 = 32 * 1024 * 1024;
/// Largest decompressed part of a workbook (a sheet, the shared strings).
pub const MAX_XLSX_PART: u64 = 64 * 1024 * 1024;
/// Largest sum of the decompressed parts of a workbook.
pub const MAX_XLSX_TOTAL: u64 = 128 * 1024 * 1024;
/// Most parts (files) in a workbook.
pub const MAX_XLSX_ENTRIES: usize = 1000;
/// Most rows of a sheet (one clinic per row; a national roll-out covers
/// about 230,000 institutions).
pub const MAX_ROWS: u32 = 250_000;
/// Most columns of a sheet.
pub const MAX_COLUMNS: u32 = 1_000;
/// Most non-empty cells of a workbook.
pub const MAX_CELLS: usize = 2_000_000;
/// Largest content file (manual, rules, fields, Markdown).
pub const MAX_CONTENT_FILE: u64 = 4 * 1024 * 1024;
/// Largest manifest of an earlier build (`OUT/manifest.json`, about 0.9 KB
/// per clinic: 230,000 clinics make about 210 MB). It is read clinic by
/// clinic, so its size does not set the memory used.
pub const MAX_MANIFEST_FILE: u64 = 2 * 1024 * 1024 * 1024;
/// Deepest nesting of a YAML document.
pub const MAX_YAML_DEPTH: usize = 32;
/// Most diagnostics kept for one input file; the rest are counted.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 50;

/// Reads `path` if it is at most `limit` bytes; the error says why not.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read the file: {e}"))?
        .len();
    if len > limit {
        return Err(too_big(len, limit));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_big(len: u64, limit: u64) -> String {
    format!(
        "the file is too large ({} bytes; the limit is {} bytes)",
        len, limit
    )
}

/// Reads a file that content names relative to the YAML file naming it
/// (`{ file: steps/1-1.md }`, screenshots): the path must stay below that
/// YAML file's folder (no `..`, not absolute), no part of it may be a
/// symbolic link, and the file is at most [`MAX_CONTENT_FILE`] bytes.
/// Returns the path and the bytes.
pub fn content_file(yaml_file: &Path, rel: &str) -> Result<(std::path::PathBuf, Vec<u8>), String> {
    use std::path::Component;
    let base = yaml_file.parent().unwrap_or(Path::new("."));
    let mut path = base.to_path_buf();
    let mut any = false;
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(n) => {
                path.push(n);
                any = true;
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(format!(
                        "`{rel}` goes through a symbolic link; content files must be real files inside content/"
                    ));
                }
            }
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "`{rel}` leaves the content folder; name a file next to or below this YAML file"
                ));
            }
        }
    }
    if !any {
        return Err("the file name is empty".into());
    }
    let bytes = read_limited(&path, MAX_CONTENT_FILE)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((path, bytes))
}

/// An encoding told apart from UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a BOM, if any, is dropped).
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// Shift_JIS / CP932, as Excel saves CSV in Japan.
    ShiftJis,
    /// EUC-JP, from old Unix tools.
    EucJp,
}

impl Encoding {
    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 (little-endian)",
            Encoding::Utf16Be => "UTF-16 (big-endian)",
            Encoding::ShiftJis => "Shift_JIS/CP932",
            Encoding::EucJp => "EUC-JP",
        }
    }
}

/// Decodes text whose encoding is not declared: UTF-8 (with or without
/// BOM), UTF-16 (with a BOM, or told by its zero bytes), else whichever of
/// Shift_JIS and EUC-JP decodes without errors. `None` when none fits.
pub fn decode_guess(bytes: &[u8]) -> Option<(String, Encoding)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .ok()
            .map(|s| (s.to_string(), Encoding::Utf8));
    }
    if let Some(enc) = utf16_kind(bytes) {
        let codec = match enc {
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            _ => encoding_rs::UTF_16BE,
        };
        let body = bytes
            .strip_prefix(&[0xFF, 0xFE])
            .or_else(|| bytes.strip_prefix(&[0xFE, 0xFF]))
            .unwrap_or(bytes);
        let (text, had_errors) = codec.decode_without_bom_handling(body);
        return (!had_errors).then(|| (text.into_owned(), enc));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), Encoding::Utf8));
    }
    // EUC-JP often decodes as Shift_JIS without errors, as half-width ｶﾅ
    // mojibake; of the clean decodings keep the one with the fewest
    // half-width kana and private-use characters.
    [
        (encoding_rs::SHIFT_JIS, Encoding::ShiftJis),
        (encoding_rs::EUC_JP, Encoding::EucJp),
    ]
    .into_iter()
    .filter_map(|(codec, enc)| {
        let (text, had_errors) = codec.decode_without_bom_handling(bytes);
        (!had_errors).then(|| (text.into_owned(), enc))
    })
    .min_by_key(|(text, _)| {
        text.chars()
            .filter(|c| matches!(*c as u32, 0xFF61..=0xFF9F | 0xE000..=0xF8FF))
            .count()
    })
}

/// [`decode_guess`] taking the bytes: UTF-8 text (the usual case) keeps
/// its buffer instead of being copied, so a large clinic list is held once,
/// not twice.
pub fn decode_guess_owned(bytes: Vec<u8>) -> Option<(String, Encoding)> {
    if !bytes.starts_with(&[0xEF, 0xBB, 0xBF]) && utf16_kind(&bytes).is_none() {
        match String::from_utf8(bytes) {
            Ok(s) => return Some((s, Encoding::Utf8)),
            Err(e) => return decode_guess(e.as_bytes()),
        }
    }
    decode_guess(&bytes)
}

/// UTF-16 by its BOM, or by zero bytes in every other position (Japanese
/// and ASCII text in UTF-16 has them; UTF-8 and Shift_JIS text has none).
fn utf16_kind(bytes: &[u8]) -> Option<Encoding> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(Encoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(Encoding::Utf16Be);
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let zeros = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let half = sample.len() / 2;
    if odd * 4 >= half && even * 10 < half {
        Some(Encoding::Utf16Le)
    } else if even * 4 >= half && odd * 10 < half {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// How to fix a file that is not UTF-8, for a hint.
pub fn save_as_utf8_hint() -> &'static str {
    "save the file as UTF-8 (in Excel: 名前を付けて保存 → CSV UTF-8; in an editor: 文字コード UTF-8)"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_files_stay_inside() {
        let d = tempfile::tempdir().unwrap();
        let yaml = d.path().join("m/manual.yaml");
        std::fs::create_dir_all(d.path().join("m/steps")).unwrap();
        std::fs::write(d.path().join("m/steps/a.md"), "hi").unwrap();
        assert_eq!(content_file(&yaml, "steps/a.md").unwrap().1, b"hi");
        assert_eq!(content_file(&yaml, "./steps/a.md").unwrap().1, b"hi");
        for bad in ["../../etc/passwd", "/etc/passwd", "steps/../../x", ""] {
            assert!(content_file(&yaml, bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", d.path().join("m/etc")).unwrap();
            assert!(
                content_file(&yaml, "etc/passwd")
                    .unwrap_err()
                    .contains("symbolic link")
            );
        }
    }

    #[test]
    fn guesses_encodings() {
        let text = "医療機関コード,名称\n1430123455,みなと歯科\n";
        assert_eq!(decode_guess(text.as_bytes()).unwrap().1, Encoding::Utf8);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert_eq!(
            decode_guess(&sjis).unwrap(),
            (text.into(), Encoding::ShiftJis)
        );
        assert_eq!(
            decode_guess_owned(sjis.to_vec()).unwrap(),
            (text.into(), Encoding::ShiftJis)
        );
        assert_eq!(
            decode_guess_owned(text.as_bytes().to_vec()).unwrap(),
            (text.into(), Encoding::Utf8)
        );
        let (euc, _, _) = encoding_rs::EUC_JP.encode(text);
        assert_eq!(decode_guess(&euc).unwrap(), (text.into(), Encoding::EucJp));
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_guess(&le).unwrap(), (text.into(), Encoding::Utf16Le));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_guess(&be).unwrap(), (text.into(), Encoding::Utf16Be));
    }
}
