//! TrueType subsetting and PDF font embedding.
//!
//! Each document embeds only the glyphs it uses, renumbered `0..n`
//! (`.notdef` first, composite glyph components included), as a
//! `CIDFontType2` font with `Identity-H` encoding, a `/W` widths array and a
//! `/ToUnicode` CMap so that text can be extracted and searched.
//!
//! TrueType hinting is dropped (glyph instructions and the `fpgm`, `prep`
//! and `cvt ` tables): it is about a quarter of the font data, PDF viewers
//! and printers rasterise CJK outlines fine without it, and the size budget
//! of a handout is tight.
//!
//! printpdf can subset too, but its path re-reads the whole 4 MB `glyf`
//! table, decodes outlines and re-parses the subset on every save: about a
//! third of the time to render a handout. This subsetter copies glyph
//! records byte for byte, so it costs a fraction of a millisecond.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::PdfError;

fn err(msg: impl Into<String>) -> PdfError {
    PdfError::Font(msg.into())
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, PdfError> {
    d.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| err(format!("font data truncated at {at}")))
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, PdfError> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| err(format!("font data truncated at {at}")))
}

fn i16_at(d: &[u8], at: usize) -> Result<i16, PdfError> {
    u16_at(d, at).map(|v| v as i16)
}

/// The parts of a TrueType font needed to subset and describe it.
pub(crate) struct FaceData {
    bytes: Vec<u8>,
    tables: Vec<([u8; 4], usize, usize)>,
    long_loca: bool,
    num_glyphs: u16,
    num_h_metrics: u16,
    pub units_per_em: u16,
    /// PostScript name, restricted to characters valid in a PDF name.
    pub ps_name: String,
    bbox: [i16; 4],
    ascent: i16,
    descent: i16,
    cap_height: i16,
}

/// A subset font program and the glyph renumbering it implies.
pub(crate) struct Subset {
    /// The TrueType program (`/FontFile2`).
    pub program: Vec<u8>,
    /// Original glyph id → subset glyph id.
    pub map: BTreeMap<u16, u16>,
    /// Advance widths in 1/1000 em, by subset glyph id.
    pub widths: Vec<i64>,
}

impl FaceData {
    /// Reads the table directory and the metrics the PDF font dictionaries
    /// need. Fails on anything that is not a TrueType (`glyf`) font.
    pub(crate) fn parse(bytes: &[u8]) -> Result<FaceData, PdfError> {
        let sfnt = u32_at(bytes, 0)?;
        if sfnt != 0x0001_0000 && sfnt != 0x7472_7565 {
            return Err(err(
                "not a TrueType font (OpenType/CFF and collections are not supported)",
            ));
        }
        let n = usize::from(u16_at(bytes, 4)?);
        let mut tables = Vec::with_capacity(n);
        for i in 0..n {
            let at = 12 + i * 16;
            let tag = bytes
                .get(at..at + 4)
                .and_then(|t| <[u8; 4]>::try_from(t).ok())
                .ok_or_else(|| err("table directory truncated"))?;
            let off = u32_at(bytes, at + 8)? as usize;
            let len = u32_at(bytes, at + 12)? as usize;
            if bytes.get(off..off.saturating_add(len)).is_none() {
                return Err(err(format!(
                    "table '{}' out of bounds",
                    String::from_utf8_lossy(&tag)
                )));
            }
            tables.push((tag, off, len));
        }
        let mut face = FaceData {
            bytes: bytes.to_vec(),
            tables,
            long_loca: false,
            num_glyphs: 0,
            num_h_metrics: 0,
            units_per_em: 1000,
            ps_name: String::new(),
            bbox: [0; 4],
            ascent: 0,
            descent: 0,
            cap_height: 0,
        };
        for required in [b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf"] {
            face.table(required)?;
        }
        let head = face.table(b"head")?.to_vec();
        let hhea = face.table(b"hhea")?.to_vec();
        let maxp = face.table(b"maxp")?.to_vec();
        face.units_per_em = u16_at(&head, 18)?.max(16);
        face.bbox = [
            i16_at(&head, 36)?,
            i16_at(&head, 38)?,
            i16_at(&head, 40)?,
            i16_at(&head, 42)?,
        ];
        face.long_loca = i16_at(&head, 50)? != 0;
        face.num_glyphs = u16_at(&maxp, 4)?;
        face.ascent = i16_at(&hhea, 4)?;
        face.descent = i16_at(&hhea, 6)?;
        face.num_h_metrics = u16_at(&hhea, 34)?;
        if face.num_h_metrics == 0 || face.num_glyphs == 0 {
            return Err(err("font has no glyphs or metrics"));
        }
        face.cap_height = face
            .table(b"OS/2")
            .ok()
            .filter(|t| t.len() >= 90)
            .and_then(|t| i16_at(t, 88).ok())
            .unwrap_or(face.ascent);
        face.ps_name = face.postscript_name().unwrap_or_else(|| "Font".to_string());
        Ok(face)
    }

    /// The bytes of table `tag`.
    pub(crate) fn table(&self, tag: &[u8; 4]) -> Result<&[u8], PdfError> {
        self.tables
            .iter()
            .find(|t| &t.0 == tag)
            .and_then(|&(_, off, len)| self.bytes.get(off..off + len))
            .ok_or_else(|| {
                err(format!(
                    "font has no '{}' table",
                    String::from_utf8_lossy(tag)
                ))
            })
    }

    fn postscript_name(&self) -> Option<String> {
        let name = self.table(b"name").ok()?;
        let count = usize::from(u16_at(name, 2).ok()?);
        let strings = usize::from(u16_at(name, 4).ok()?);
        let mut best: Option<String> = None;
        for i in 0..count {
            let r = 6 + i * 12;
            let platform = u16_at(name, r).ok()?;
            let name_id = u16_at(name, r + 6).ok()?;
            let len = usize::from(u16_at(name, r + 8).ok()?);
            let off = strings + usize::from(u16_at(name, r + 10).ok()?);
            if name_id != 6 {
                continue;
            }
            let raw = name.get(off..off + len)?;
            let s = if platform == 1 {
                raw.iter().map(|&b| char::from(b)).collect::<String>()
            } else {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            };
            let clean: String = s
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !clean.is_empty() {
                best = Some(clean);
                if platform == 3 {
                    break;
                }
            }
        }
        best
    }

    /// Byte range of glyph `gid` inside `glyf`.
    fn glyph_range(&self, gid: u16) -> Result<(usize, usize), PdfError> {
        let loca = self.table(b"loca")?;
        let i = usize::from(gid);
        let (a, b) = if self.long_loca {
            (
                u32_at(loca, i * 4)? as usize,
                u32_at(loca, i * 4 + 4)? as usize,
            )
        } else {
            (
                usize::from(u16_at(loca, i * 2)?) * 2,
                usize::from(u16_at(loca, i * 2 + 2)?) * 2,
            )
        };
        let glyf_len = self.table(b"glyf")?.len();
        if a > b || b > glyf_len {
            return Err(err(format!("bad loca entry for glyph {gid}")));
        }
        Ok((a, b))
    }

    fn metrics(&self, gid: u16) -> Result<(u16, i16), PdfError> {
        let hmtx = self.table(b"hmtx")?;
        let n = usize::from(self.num_h_metrics);
        let i = usize::from(gid);
        if i < n {
            Ok((u16_at(hmtx, i * 4)?, i16_at(hmtx, i * 4 + 2)?))
        } else {
            let adv = u16_at(hmtx, (n - 1) * 4)?;
            let lsb = i16_at(hmtx, n * 4 + (i - n) * 2).unwrap_or(0);
            Ok((adv, lsb))
        }
    }

    /// Builds a subset containing `used` (plus `.notdef` and composite
    /// components), renumbered in ascending original order.
    pub(crate) fn subset<I: IntoIterator<Item = u16>>(&self, used: I) -> Result<Subset, PdfError> {
        let glyf = self.table(b"glyf")?;
        let mut order: Vec<u16> = vec![0];
        let mut map: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
        let mut wanted: Vec<u16> = used
            .into_iter()
            .filter(|&g| g != 0 && g < self.num_glyphs)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for g in wanted {
            map.insert(g, order.len() as u16);
            order.push(g);
        }
        // Close over composite components (appended after the used glyphs).
        let mut k = 0;
        while k < order.len() {
            let (a, b) = self.glyph_range(order[k])?;
            for comp in components(&glyf[a..b]) {
                if comp < self.num_glyphs && !map.contains_key(&comp) {
                    map.insert(comp, order.len() as u16);
                    order.push(comp);
                }
            }
            k += 1;
        }
        // glyf + loca (long format), hmtx.
        let mut new_glyf = Vec::new();
        let mut new_loca = Vec::with_capacity((order.len() + 1) * 4);
        let mut new_hmtx = Vec::with_capacity(order.len() * 4);
        let mut widths = Vec::with_capacity(order.len());
        let upm = f32::from(self.units_per_em);
        for &g in &order {
            new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
            let (a, b) = self.glyph_range(g)?;
            let start = new_glyf.len();
            append_without_hints(&mut new_glyf, &glyf[a..b]);
            remap_components(&mut new_glyf[start..], &map);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
            let (adv, lsb) = self.metrics(g)?;
            new_hmtx.extend_from_slice(&adv.to_be_bytes());
            new_hmtx.extend_from_slice(&lsb.to_be_bytes());
            widths.push((f32::from(adv) * 1000.0 / upm).round() as i64);
        }
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let n = order.len() as u16;

        let mut head = self.table(b"head")?.to_vec();
        put_u32(&mut head, 8, 0);
        put_u16(&mut head, 50, 1);
        let mut hhea = self.table(b"hhea")?.to_vec();
        put_u16(&mut hhea, 34, n);
        let mut maxp = self.table(b"maxp")?.to_vec();
        put_u16(&mut maxp, 4, n);

        let mut out_tables: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"glyf", new_glyf),
            (*b"head", head),
            (*b"hhea", hhea),
            (*b"hmtx", new_hmtx),
            (*b"loca", new_loca),
            (*b"maxp", maxp),
        ];
        out_tables.sort_by_key(|t| t.0);
        Ok(Subset {
            program: assemble(out_tables),
            map,
            widths,
        })
    }

    /// `/FontDescriptor` numbers in 1/1000 em: bbox, ascent, descent, cap height.
    pub(crate) fn descriptor_metrics(&self) -> ([i64; 4], i64, i64, i64) {
        let s = |v: i16| (f32::from(v) * 1000.0 / f32::from(self.units_per_em)).round() as i64;
        (
            [
                s(self.bbox[0]),
                s(self.bbox[1]),
                s(self.bbox[2]),
                s(self.bbox[3]),
            ],
            s(self.ascent),
            s(self.descent),
            s(self.cap_height),
        )
    }
}

fn put_u16(d: &mut [u8], at: usize, v: u16) {
    if let Some(b) = d.get_mut(at..at + 2) {
        b.copy_from_slice(&v.to_be_bytes());
    }
}

fn put_u32(d: &mut [u8], at: usize, v: u32) {
    if let Some(b) = d.get_mut(at..at + 4) {
        b.copy_from_slice(&v.to_be_bytes());
    }
}

const ARG_WORDS: u16 = 0x0001;
const HAVE_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const HAVE_XY_SCALE: u16 = 0x0040;
const HAVE_2X2: u16 = 0x0080;

/// Offsets (within the glyph record) of the component glyph ids of a
/// composite glyph; empty for simple or malformed glyphs.
fn component_offsets(g: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let Ok(contours) = i16_at(g, 0) else {
        return out;
    };
    if contours >= 0 {
        return out;
    }
    let mut at = 10;
    while let Ok(flags) = u16_at(g, at) {
        if g.len() < at + 4 {
            break;
        }
        out.push(at + 2);
        at += 4;
        at += if flags & ARG_WORDS != 0 { 4 } else { 2 };
        if flags & HAVE_SCALE != 0 {
            at += 2;
        } else if flags & HAVE_XY_SCALE != 0 {
            at += 4;
        } else if flags & HAVE_2X2 != 0 {
            at += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    out
}

const HAVE_INSTRUCTIONS: u16 = 0x0100;

/// Appends glyph record `g` without its hinting instructions.
fn append_without_hints(out: &mut Vec<u8>, g: &[u8]) {
    let Ok(contours) = i16_at(g, 0) else {
        out.extend_from_slice(g);
        return;
    };
    if contours >= 0 {
        let at = 10 + 2 * contours as usize;
        let Ok(len) = u16_at(g, at) else {
            out.extend_from_slice(g);
            return;
        };
        let rest = at + 2 + usize::from(len);
        if rest > g.len() {
            out.extend_from_slice(g);
            return;
        }
        out.extend_from_slice(&g[..at]);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&g[rest..]);
        return;
    }
    // Composite: the instructions follow the last component.
    let offsets = component_offsets(g);
    let Some(&last) = offsets.last() else {
        out.extend_from_slice(g);
        return;
    };
    let flags_at = last - 2;
    let Ok(flags) = u16_at(g, flags_at) else {
        out.extend_from_slice(g);
        return;
    };
    let mut end = last + 2 + if flags & ARG_WORDS != 0 { 4 } else { 2 };
    if flags & HAVE_SCALE != 0 {
        end += 2;
    } else if flags & HAVE_XY_SCALE != 0 {
        end += 4;
    } else if flags & HAVE_2X2 != 0 {
        end += 8;
    }
    if end > g.len() {
        out.extend_from_slice(g);
        return;
    }
    let start = out.len();
    out.extend_from_slice(&g[..end]);
    put_u16(&mut out[start..], flags_at, flags & !HAVE_INSTRUCTIONS);
}

fn components(g: &[u8]) -> Vec<u16> {
    component_offsets(g)
        .into_iter()
        .filter_map(|at| u16_at(g, at).ok())
        .collect()
}

fn remap_components(g: &mut [u8], map: &BTreeMap<u16, u16>) {
    for at in component_offsets(g) {
        if let Ok(old) = u16_at(g, at) {
            put_u16(g, at, map.get(&old).copied().unwrap_or(0));
        }
    }
}

fn checksum(d: &[u8]) -> u32 {
    d.chunks(4).fold(0u32, |s, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        s.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Writes an sfnt with the given (tag-sorted) tables and fixes
/// `head.checkSumAdjustment`.
fn assemble(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let n = tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&(n * 16 - pow * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        put_u32(&mut out, h + 8, adj);
    }
    out
}

/// A `/ToUnicode` CMap for subset glyph ids → text. Runs of glyphs that
/// map to consecutive single characters are written as one `bfrange`.
pub(crate) fn to_unicode_cmap(entries: &BTreeMap<u16, String>) -> String {
    let mut s = String::from(
        "/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n\
         /CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n",
    );
    // (first gid, last gid, text of the first); a range only for single
    // BMP characters, within one high byte of the glyph id.
    let mut ranges: Vec<(u16, u16, &str)> = Vec::new();
    let single = |t: &str| {
        let mut u = t.encode_utf16();
        match (u.next(), u.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        }
    };
    for (&gid, text) in entries.iter().filter(|(_, t)| !t.is_empty()) {
        if let Some(last) = ranges.last_mut()
            && last.1.checked_add(1) == Some(gid)
            && last.0 >> 8 == gid >> 8
            && let (Some(a), Some(b)) = (single(last.2), single(text))
            && u32::from(a) + u32::from(gid - last.0) == u32::from(b)
            && (a & 0xFF) as u32 + u32::from(gid - last.0) <= 0xFF
        {
            last.1 = gid;
            continue;
        }
        ranges.push((gid, gid, text));
    }
    let (chars, spans): (Vec<_>, Vec<_>) = ranges.into_iter().partition(|r| r.0 == r.1);
    for chunk in chars.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, _, text) in chunk {
            let _ = write!(s, "<{gid:04X}><");
            for u in text.encode_utf16() {
                let _ = write!(s, "{u:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    for chunk in spans.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", chunk.len());
        for (a, b, text) in chunk {
            let _ = write!(s, "<{a:04X}><{b:04X}><");
            for u in text.encode_utf16() {
                let _ = write!(s, "{u:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict/CMap defineresource pop\nend\nend\n");
    s
}

/// `/DW` and `/W` of a CIDFont from advance widths by glyph id: the most
/// common width is the default, and only the others are listed, runs of
/// equal widths as `first last w`, mixed runs as `first [w …]`.
pub(crate) fn widths(widths: &[i64]) -> (i64, String) {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for w in widths {
        *counts.entry(*w).or_default() += 1;
    }
    let dw = counts
        .iter()
        .max_by_key(|(w, n)| (**n, std::cmp::Reverse(**w)))
        .map_or(1000, |(w, _)| *w);
    let mut out = String::from("[");
    let mut i = 0;
    while i < widths.len() {
        if widths[i] == dw {
            i += 1;
            continue;
        }
        // A run of non-default widths.
        let mut end = i;
        while end < widths.len() && widths[end] != dw {
            end += 1;
        }
        let run = &widths[i..end];
        if !out.ends_with('[') {
            out.push(' ');
        }
        if run.iter().all(|w| *w == run[0]) && run.len() > 1 {
            let _ = write!(out, "{i} {} {}", end - 1, run[0]);
        } else {
            let list: Vec<String> = run.iter().map(i64::to_string).collect();
            let _ = write!(out, "{i}[{}]", list.join(" "));
        }
        i = end;
    }
    out.push(']');
    (dw, out)
}

/// The six-letter tag in front of a subset's font name: derived from the
/// face's own tag and the glyphs in the subset, so different subsets get
/// different names (as the PDF specification asks) and the same subset the
/// same name.
pub(crate) fn subset_tag(face_tag: &str, subset: &Subset) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in face_tag.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    for g in subset.map.keys() {
        for b in g.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let mut tag = String::with_capacity(6);
    for _ in 0..6 {
        tag.push(char::from(b'A' + (h % 26) as u8));
        h /= 26;
    }
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> FaceData {
        let bytes = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Regular.ttf");
        match FaceData::parse(bytes) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn subset_is_a_valid_small_font() {
        let f = face();
        assert!(f.ps_name.starts_with("BIZUDGothic"), "{}", f.ps_name);
        let s = match f.subset([5u16, 100, 3000, 100]) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(s.map.get(&0), Some(&0));
        assert_eq!(s.map.get(&5), Some(&1));
        assert_eq!(s.map.get(&3000), Some(&3));
        assert!(s.program.len() < 40_000, "{}", s.program.len());
        // The subset parses back and keeps the glyph count and metrics.
        let back = match FaceData::parse(&s.program) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(usize::from(back.num_glyphs), s.map.len());
        assert_eq!(back.metrics(1).ok(), f.metrics(5).ok());
        assert_eq!(checksum(&s.program), 0xB1B0_AFBA);
    }

    #[test]
    fn hints_are_stripped() {
        // Simple glyph: 1 contour, 3 bytes of instructions, 2 bytes of data.
        let simple = [0, 1, 0, 0, 0, 0, 0, 9, 0, 9, 0, 2, 0, 3, 1, 2, 3, 7, 8];
        let mut out = Vec::new();
        append_without_hints(&mut out, &simple);
        assert_eq!(out, [0, 1, 0, 0, 0, 0, 0, 9, 0, 9, 0, 2, 0, 0, 7, 8]);
        // Composite: one component (words, no scale) with instructions.
        let flags = ARG_WORDS | HAVE_INSTRUCTIONS;
        let mut comp = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 9, 0, 9];
        comp.extend_from_slice(&flags.to_be_bytes());
        comp.extend_from_slice(&[0, 42, 0, 1, 0, 2, 0, 2, 0xAA, 0xBB]);
        let mut out = Vec::new();
        append_without_hints(&mut out, &comp);
        assert_eq!(out.len(), 10 + 8);
        assert_eq!(u16_at(&out, 10).ok(), Some(ARG_WORDS));
        assert_eq!(components(&out), [42]);
    }

    #[test]
    fn rejects_garbage() {
        assert!(FaceData::parse(b"").is_err());
        assert!(FaceData::parse(b"\0\x01\0\0\0\x09").is_err());
        assert!(FaceData::parse(b"OTTO\0\0\0\0\0\0\0\0").is_err());
    }

    #[test]
    fn cmap_lists_every_glyph() {
        let m = BTreeMap::from([(1u16, "あ".to_string()), (2, "𠮷".to_string())]);
        let c = to_unicode_cmap(&m);
        assert!(c.contains("<0001><3042>"));
        assert!(c.contains("<0002><D842DFB7>"));
        // Consecutive glyphs for consecutive characters become one range,
        // but never across a high byte of the glyph id.
        let m: BTreeMap<u16, String> = [
            (3u16, "A"),
            (4, "B"),
            (5, "C"),
            (6, "x"),
            (0xFF, "a"),
            (0x100, "b"),
        ]
        .into_iter()
        .map(|(g, t)| (g, t.to_string()))
        .collect();
        let c = to_unicode_cmap(&m);
        assert!(c.contains("<0003><0005><0041>"), "{c}");
        assert!(c.contains("<0006><0078>"), "{c}");
        assert!(c.contains("<00FF><0061>"), "{c}");
        assert!(c.contains("<0100><0062>"), "{c}");
    }

    #[test]
    fn widths_list_only_what_differs_from_the_default() {
        assert_eq!(
            widths(&[1000, 500, 500, 500, 1000, 1000, 300, 500, 1000, 1000]),
            (1000, "[1 3 500 6[300 500]]".to_string())
        );
        assert_eq!(widths(&[500]), (500, "[]".to_string()));
        assert_eq!(widths(&[]), (1000, "[]".to_string()));
    }
}
