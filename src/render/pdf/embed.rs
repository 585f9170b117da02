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
use std::sync::OnceLock;

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
    /// Glyph records rescaled to [`OUTLINE_UPM`], made when a document first
    /// needs them and kept for the next ones (with the new `xMin` of simple
    /// glyphs); `None` inside when a record cannot be rescaled.
    scaled: Vec<OnceLock<Option<Scaled>>>,
}

/// A glyph record rescaled to [`OUTLINE_UPM`], without instructions.
struct Scaled {
    record: Vec<u8>,
    /// `xMin` of a simple glyph (its new left side bearing).
    x_min: Option<i16>,
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
            scaled: Vec::new(),
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
        face.scaled = (0..face.num_glyphs).map(|_| OnceLock::new()).collect();
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

    /// Number of glyphs in the face.
    pub(crate) fn num_glyphs(&self) -> u16 {
        self.num_glyphs
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

    /// Builds a subset containing `used` (plus `.notdef` first and composite
    /// components last), numbered in the order given (repeats ignored).
    pub(crate) fn subset<I: IntoIterator<Item = u16>>(&self, used: I) -> Result<Subset, PdfError> {
        let glyf = self.table(b"glyf")?;
        let mut order: Vec<u16> = vec![0];
        let mut map: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
        for g in used {
            if g != 0 && g < self.num_glyphs && !map.contains_key(&g) {
                map.insert(g, order.len() as u16);
                order.push(g);
            }
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
        let upm = f32::from(self.units_per_em);
        let mut widths = Vec::with_capacity(order.len());
        for &g in &order {
            let (adv, _) = self.metrics(g)?;
            widths.push((f32::from(adv) * 1000.0 / upm).round() as i64);
        }
        // Outlines at OUTLINE_UPM units per em; should a glyph not parse,
        // the whole subset keeps the original units.
        let scale = (self.units_per_em > OUTLINE_UPM).then(|| f32::from(OUTLINE_UPM) / upm);
        let program = match scale.and_then(|s| self.program(&order, &map, Some(s)).transpose()) {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(e),
            None => self
                .program(&order, &map, None)?
                .ok_or_else(|| err("cannot subset font"))?,
        };
        Ok(Subset {
            program,
            map,
            widths,
        })
    }

    /// The subset font program for glyphs `order` (renumbered by `map`),
    /// with coordinates scaled by `scale` (units per em with them). `None`
    /// when a glyph cannot be scaled.
    fn program(
        &self,
        order: &[u16],
        map: &BTreeMap<u16, u16>,
        scale: Option<f32>,
    ) -> Result<Option<Vec<u8>>, PdfError> {
        let glyf = self.table(b"glyf")?;
        let sc = |v: i16| -> i16 {
            match scale {
                Some(s) => (f32::from(v) * s).round() as i16,
                None => v,
            }
        };
        // glyf (records 2-byte aligned) + loca, hmtx.
        let mut new_glyf = Vec::new();
        let mut offsets: Vec<u32> = Vec::with_capacity(order.len() + 1);
        let mut new_hmtx = Vec::with_capacity(order.len() * 4);
        for &g in order {
            offsets.push(new_glyf.len() as u32);
            let (a, b) = self.glyph_range(g)?;
            let rec = &glyf[a..b];
            let start = new_glyf.len();
            let (adv, lsb) = self.metrics(g)?;
            let mut new_lsb = sc(lsb);
            match (scale, self.scaled.get(usize::from(g))) {
                (Some(s), Some(slot)) if !rec.is_empty() => {
                    let cached = slot.get_or_init(|| scale_record(rec, s));
                    let Some(scaled) = cached else {
                        return Ok(None);
                    };
                    new_glyf.extend_from_slice(&scaled.record);
                    if let Some(x_min) = scaled.x_min {
                        new_lsb = x_min;
                    }
                }
                _ => append_without_hints(&mut new_glyf, rec),
            }
            remap_components(&mut new_glyf[start..], map);
            if new_glyf.len() % 2 != 0 {
                new_glyf.push(0);
            }
            let adv = match scale {
                Some(s) => (f32::from(adv) * s).round() as u16,
                None => adv,
            };
            new_hmtx.extend_from_slice(&adv.to_be_bytes());
            new_hmtx.extend_from_slice(&new_lsb.to_be_bytes());
        }
        offsets.push(new_glyf.len() as u32);
        // The short loca format (offset / 2 in 16 bits) whenever it fits:
        // half the size of the long one.
        let short = new_glyf.len() < 0x2_0000;
        let mut new_loca = Vec::with_capacity(offsets.len() * if short { 2 } else { 4 });
        for o in &offsets {
            if short {
                new_loca.extend_from_slice(&((o / 2) as u16).to_be_bytes());
            } else {
                new_loca.extend_from_slice(&o.to_be_bytes());
            }
        }
        let n = order.len() as u16;

        let mut head = self.table(b"head")?.to_vec();
        put_u32(&mut head, 8, 0);
        put_u16(&mut head, 50, u16::from(!short));
        let mut hhea = self.table(b"hhea")?.to_vec();
        put_u16(&mut hhea, 34, n);
        if scale.is_some() {
            put_u16(&mut head, 18, OUTLINE_UPM);
            for at in [36, 38, 40, 42] {
                let v = sc(i16_at(&head, at)?);
                put_u16(&mut head, at, v as u16);
            }
            // ascender, descender, lineGap, advanceWidthMax, minLeftSideBearing,
            // minRightSideBearing, xMaxExtent, caretOffset.
            for at in [4, 6, 8, 10, 12, 14, 16, 22] {
                let v = if at == 10 {
                    (f32::from(u16_at(&hhea, at)?) * scale.unwrap_or(1.0)).round() as u16
                } else {
                    sc(i16_at(&hhea, at)?) as u16
                };
                put_u16(&mut hhea, at, v);
            }
        }
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
        Ok(Some(assemble(out_tables)))
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

/// Units per em of the embedded outlines (the faces have 2048). Smaller
/// coordinates make the glyph data a fifth smaller once compressed, which is
/// what keeps a handout within its size budget. A coordinate moves by at
/// most 1/1024 em: 0.02 pt (0.007 mm) at the 20 pt title, 0.01 pt at 10 pt
/// body text, a third of a device pixel at 1200 dpi; pages rendered at
/// 1200 dpi show no difference to the eye. Advance widths (whole 1/4 and 1/2
/// em) are exact.
pub(crate) const OUTLINE_UPM: u16 = 512;

const ON_CURVE: u8 = 0x01;
const X_SHORT: u8 = 0x02;
const Y_SHORT: u8 = 0x04;
const REPEAT: u8 = 0x08;
const X_SAME_OR_POSITIVE: u8 = 0x10;
const Y_SAME_OR_POSITIVE: u8 = 0x20;
const OVERLAP_SIMPLE: u8 = 0x40;

/// A glyph record (not empty) rescaled by `s`, without instructions.
fn scale_record(rec: &[u8], s: f32) -> Option<Scaled> {
    let mut record = Vec::with_capacity(rec.len());
    let contours = i16_at(rec, 0).ok()?;
    if contours == 0 {
        // No outline: an empty record says the same.
        return Some(Scaled {
            record,
            x_min: None,
        });
    }
    if contours > 0 {
        let x_min = scale_simple(rec, s, &mut record)?;
        return Some(Scaled {
            record,
            x_min: Some(x_min),
        });
    }
    append_without_hints(&mut record, rec);
    scale_composite(&mut record, s).then_some(Scaled {
        record,
        x_min: None,
    })
}

/// A simple glyph's outline: contour end points, flags and absolute
/// coordinates.
struct Outline {
    ends: Vec<u16>,
    flags: Vec<u8>,
    xs: Vec<i32>,
    ys: Vec<i32>,
}

/// Decodes simple glyph record `g`; `None` if it is malformed.
fn decode_simple(g: &[u8]) -> Option<Outline> {
    let contours = usize::try_from(i16_at(g, 0).ok()?).ok()?;
    let mut ends = Vec::with_capacity(contours);
    for i in 0..contours {
        let e = u16_at(g, 10 + 2 * i).ok()?;
        if ends.last().is_some_and(|&l| e < l) {
            return None;
        }
        ends.push(e);
    }
    let points = usize::from(*ends.last()?) + 1;
    let mut p = 10 + 2 * contours;
    p += 2 + usize::from(u16_at(g, p).ok()?);
    let mut flags = Vec::with_capacity(points);
    while flags.len() < points {
        let f = *g.get(p)?;
        p += 1;
        flags.push(f);
        if f & REPEAT != 0 {
            let r = *g.get(p)?;
            p += 1;
            for _ in 0..r {
                flags.push(f);
            }
        }
    }
    flags.truncate(points);
    let mut read = |short: u8, same: u8| -> Option<Vec<i32>> {
        let mut v = 0i32;
        let mut all = Vec::with_capacity(points);
        for &f in &flags {
            let d = if f & short != 0 {
                let b = i32::from(*g.get(p)?);
                p += 1;
                if f & same != 0 { b } else { -b }
            } else if f & same != 0 {
                0
            } else {
                let d = i32::from(i16_at(g, p).ok()?);
                p += 2;
                d
            };
            v += d;
            all.push(v);
        }
        Some(all)
    };
    let xs = read(X_SHORT, X_SAME_OR_POSITIVE)?;
    let ys = read(Y_SHORT, Y_SAME_OR_POSITIVE)?;
    Some(Outline {
        ends,
        flags,
        xs,
        ys,
    })
}

/// Re-encodes simple glyph `g` with its coordinates scaled by `s`, without
/// instructions, in the most compact encoding. Returns the new `xMin`, or
/// `None` for a malformed record (nothing appended then).
fn scale_simple(g: &[u8], s: f32, out: &mut Vec<u8>) -> Option<i16> {
    let Outline {
        ends,
        flags,
        mut xs,
        mut ys,
    } = decode_simple(g)?;
    for v in xs.iter_mut().chain(ys.iter_mut()) {
        *v = (*v as f32 * s).round() as i32;
    }
    let fits = |v: &i32| i16::try_from(*v).is_ok();
    if !xs.iter().all(fits) || !ys.iter().all(fits) {
        return None;
    }
    let bbox = [
        *xs.iter().min()?,
        *ys.iter().min()?,
        *xs.iter().max()?,
        *ys.iter().max()?,
    ];
    let points = flags.len();
    let mut new_flags = Vec::with_capacity(points);
    let mut xb = Vec::with_capacity(points);
    let mut yb = Vec::with_capacity(points);
    let (mut px, mut py) = (0, 0);
    for (i, ((&f, &x), &y)) in flags.iter().zip(&xs).zip(&ys).enumerate() {
        let mut nf = f & ON_CURVE;
        if i == 0 {
            nf |= f & OVERLAP_SIMPLE;
        }
        for (d, short, same, bytes) in [
            (x - px, X_SHORT, X_SAME_OR_POSITIVE, &mut xb),
            (y - py, Y_SHORT, Y_SAME_OR_POSITIVE, &mut yb),
        ] {
            if d == 0 {
                nf |= same;
            } else if d.abs() <= 255 {
                nf |= short;
                if d > 0 {
                    nf |= same;
                }
                bytes.push(d.unsigned_abs() as u8);
            } else {
                bytes.extend_from_slice(&(d as i16).to_be_bytes());
            }
        }
        (px, py) = (x, y);
        new_flags.push(nf);
    }
    out.extend_from_slice(&(ends.len() as i16).to_be_bytes());
    for v in bbox {
        out.extend_from_slice(&(v as i16).to_be_bytes());
    }
    for e in &ends {
        out.extend_from_slice(&e.to_be_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    let mut i = 0;
    while i < new_flags.len() {
        let f = new_flags[i];
        let mut run = 0;
        while run < 255 && new_flags.get(i + 1 + run) == Some(&f) {
            run += 1;
        }
        if run > 0 {
            out.extend_from_slice(&[f | REPEAT, run as u8]);
        } else {
            out.push(f);
        }
        i += 1 + run;
    }
    out.extend_from_slice(&xb);
    out.extend_from_slice(&yb);
    Some(bbox[0] as i16)
}

/// Scales a composite glyph record (already without instructions) in place:
/// its bounding box and the offsets of components placed by x/y values.
/// `false` for a malformed record.
fn scale_composite(g: &mut [u8], s: f32) -> bool {
    const XY_VALUES: u16 = 0x0002;
    let sc = |v: i32| (v as f32 * s).round() as i32;
    for at in [2, 4, 6, 8] {
        let Ok(v) = i16_at(g, at) else { return false };
        put_u16(g, at, sc(i32::from(v)) as i16 as u16);
    }
    for gid_at in component_offsets(g) {
        let flags_at = gid_at - 2;
        let Ok(flags) = u16_at(g, flags_at) else {
            return false;
        };
        if flags & XY_VALUES == 0 {
            continue;
        }
        let args = gid_at + 2;
        if flags & ARG_WORDS != 0 {
            for at in [args, args + 2] {
                let Ok(v) = i16_at(g, at) else { return false };
                put_u16(g, at, sc(i32::from(v)) as i16 as u16);
            }
        } else {
            for at in [args, args + 1] {
                let Some(b) = g.get_mut(at) else { return false };
                *b = sc(i32::from(*b as i8)) as i8 as u8;
            }
        }
    }
    true
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
    // Other glyphs with consecutive ids (again within one high byte) share
    // a `bfrange` with an array of destinations.
    let mut lists: Vec<(u16, Vec<&str>)> = Vec::new();
    let mut spans: Vec<(u16, u16, &str)> = Vec::new();
    for (a, b, text) in ranges {
        if a != b {
            spans.push((a, b, text));
            continue;
        }
        if let Some((start, texts)) = lists.last_mut()
            && usize::from(*start) + texts.len() == usize::from(a)
            && *start >> 8 == a >> 8
        {
            texts.push(text);
            continue;
        }
        lists.push((a, vec![text]));
    }
    let hex = |s: &mut String, text: &str| {
        s.push('<');
        for u in text.encode_utf16() {
            let _ = write!(s, "{u:04X}");
        }
        s.push('>');
    };
    let (chars, arrays): (Vec<_>, Vec<_>) = lists.into_iter().partition(|l| l.1.len() == 1);
    for chunk in chars.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, texts) in chunk {
            let _ = write!(s, "<{gid:04X}>");
            hex(&mut s, texts[0]);
            s.push('\n');
        }
        s.push_str("endbfchar\n");
    }
    let lines: Vec<String> = spans
        .iter()
        .map(|(a, b, text)| {
            let mut l = format!("<{a:04X}><{b:04X}>");
            hex(&mut l, text);
            l
        })
        .chain(arrays.iter().map(|(a, texts)| {
            let mut l = format!("<{a:04X}><{:04X}>[", usize::from(*a) + texts.len() - 1);
            for t in texts {
                hex(&mut l, t);
            }
            l.push(']');
            l
        }))
        .collect();
    for chunk in lines.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", chunk.len());
        for l in chunk {
            s.push_str(l);
            s.push('\n');
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
        // Outlines at OUTLINE_UPM: metrics and every point scaled.
        let k = f32::from(OUTLINE_UPM) / f32::from(f.units_per_em);
        assert_eq!(back.units_per_em, OUTLINE_UPM);
        let (adv, _) = f.metrics(5).unwrap_or((0, 0));
        assert_eq!(
            back.metrics(1).ok().map(|m| m.0),
            Some((f32::from(adv) * k).round() as u16)
        );
        // Short loca, and every glyph record is found where loca says.
        assert!(!back.long_loca);
        let glyph = |face: &FaceData, gid: u16| {
            let (a, b) = face.glyph_range(gid).unwrap_or((0, 0));
            face.table(b"glyf").unwrap_or_default()[a..b].to_vec()
        };
        for (orig, new) in [(100u16, 2u16), (3000, 3)] {
            let (Some(o), Some(n)) = (
                decode_simple(&glyph(&f, orig)),
                decode_simple(&glyph(&back, new)),
            ) else {
                panic!("glyph {orig} does not decode");
            };
            assert_eq!(o.ends, n.ends);
            assert_eq!(o.flags.len(), n.flags.len());
            for (a, b) in o.flags.iter().zip(&n.flags) {
                assert_eq!(a & ON_CURVE, b & ON_CURVE);
            }
            for (a, b) in o.xs.iter().chain(&o.ys).zip(n.xs.iter().chain(&n.ys)) {
                assert!((*a as f32 * k - *b as f32).abs() <= 0.5, "{a} -> {b}");
            }
            // Records stay 2-byte aligned.
            assert_eq!(glyph(&back, new).len() % 2, 0);
        }
        assert_eq!(checksum(&s.program), 0xB1B0_AFBA);
    }

    #[test]
    fn composite_glyphs_scale_their_box_and_offsets() {
        // Two components: word offsets (x/y values), byte offsets (x/y values).
        const XY: u16 = 0x0002;
        let mut g = vec![0xFF, 0xFF, 0, 10, 0xFF, 0xF6, 0x03, 0xE8, 0x07, 0xD0];
        g.extend_from_slice(&(ARG_WORDS | XY | MORE_COMPONENTS).to_be_bytes());
        g.extend_from_slice(&[0, 7, 0x01, 0x00, 0xFF, 0x00]);
        g.extend_from_slice(&XY.to_be_bytes());
        g.extend_from_slice(&[0, 8, 100, 0xF0]);
        assert!(scale_composite(&mut g, 0.25));
        assert_eq!(i16_at(&g, 2).ok(), Some(3)); // 10 / 4, rounded
        assert_eq!(i16_at(&g, 4).ok(), Some(-3)); // -10 / 4
        assert_eq!(i16_at(&g, 6).ok(), Some(250));
        assert_eq!(i16_at(&g, 8).ok(), Some(500));
        assert_eq!(i16_at(&g, 14).ok(), Some(64)); // 256 / 4
        assert_eq!(i16_at(&g, 16).ok(), Some(-64)); // -256 / 4
        assert_eq!(g[22], 25);
        assert_eq!(g[23] as i8, -4);
        assert_eq!(components(&g), [7, 8]);
        // Truncated records are refused, not panicked on.
        assert!(!scale_composite(&mut [0xFF, 0xFF, 0], 0.5));
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
        assert!(c.contains("<0001><0002>[<3042><D842DFB7>]"), "{c}");
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
        // Other consecutive glyphs share a range with a list of texts.
        let m: BTreeMap<u16, String> = [(7u16, "z"), (8, "a"), (9, "ff")]
            .into_iter()
            .map(|(g, t)| (g, t.to_string()))
            .collect();
        let c = to_unicode_cmap(&m);
        assert!(c.contains("<0007><0009>[<007A><0061><00660066>]"), "{c}");
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
