//! Font programs for embedding: reading a face with `skrifa` and subsetting
//! it with `skera` (the Rust port of HarfBuzz's subsetter).
//!
//! Outlines are kept exactly as the font has them (no rescaling); what the
//! subset drops is what a PDF does not read: the `cmap` (the PDF's own
//! Identity-H encoding and `/ToUnicode` map replace it), layout tables,
//! `OS/2`, `name`, `post`, and TrueType hinting (the `fpgm`, `prep` and
//! `cvt ` programs and per-glyph instructions, about a fifth of a CJK
//! subset: viewers and printers rasterise CJK outlines well without them).
//! CFF-flavoured OpenType fonts are subset as CFF.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use skera::{Plan, SubsetFlags, subset_font};
use skrifa::raw::FontRef;
use skrifa::raw::collections::IntSet;
use skrifa::raw::types::{NameId, Tag};
use skrifa::{GlyphId, MetadataProvider, instance::Size, string::StringId};

use super::PdfError;

fn err(msg: impl Into<String>) -> PdfError {
    PdfError::Font(msg.into())
}

/// Tables a PDF font program does not need.
const DROP: [&[u8; 4]; 27] = [
    b"cmap", b"GSUB", b"GPOS", b"GDEF", b"BASE", b"JSTF", b"MATH", b"OS/2", b"name", b"post",
    b"vhea", b"vmtx", b"VORG", b"gasp", b"hdmx", b"LTSH", b"VDMX", b"kern", b"DSIG", b"meta",
    b"fpgm", b"prep", b"cvt ", b"STAT", b"morx", b"kerx", b"PCLT",
];

/// The parts of a font needed to subset and describe it.
pub(crate) struct FaceData {
    bytes: Arc<Vec<u8>>,
    index: u32,
    /// For TrueType outlines: the face as a font of its own without the
    /// tables in [`DROP`], built once. `skera` plans a subset by walking the
    /// whole character map (tens of thousands of entries in a CJK font)
    /// even when given glyph ids; without a `cmap` that walk is empty, and
    /// the subset is the same, as the `cmap` is dropped from it anyway.
    stripped: Option<Vec<u8>>,
    num_glyphs: u16,
    pub units_per_em: u16,
    /// Whether the outlines are CFF (embedded as `/FontFile3` `OpenType`).
    pub cff: bool,
    /// PostScript name, restricted to characters valid in a PDF name.
    pub ps_name: String,
    bbox: [f32; 4],
    ascent: f32,
    descent: f32,
    cap_height: f32,
}

/// A subset font program and the glyph renumbering it implies.
pub(crate) struct Subset {
    /// The font program (`/FontFile2`, or `/FontFile3` for CFF).
    pub program: Vec<u8>,
    /// Original glyph id → subset glyph id.
    pub map: BTreeMap<u16, u16>,
    /// Advance widths in 1/1000 em, by subset glyph id.
    pub widths: Vec<f32>,
}

impl FaceData {
    /// Reads face `index` of `bytes` (a font file or collection).
    pub(crate) fn parse(bytes: Arc<Vec<u8>>, index: u32) -> Result<FaceData, PdfError> {
        let font = FontRef::from_index(&bytes, index).map_err(|e| err(format!("{e}")))?;
        let cff = font.table_data(Tag::new(b"CFF ")).is_some();
        if !cff && font.table_data(Tag::new(b"glyf")).is_none() {
            return Err(err("font has neither TrueType nor CFF outlines"));
        }
        let m = font.metrics(Size::unscaled(), skrifa::instance::LocationRef::default());
        let num_glyphs = u16::try_from(m.glyph_count).unwrap_or(u16::MAX);
        if num_glyphs == 0 {
            return Err(err("font has no glyphs"));
        }
        let ps_name: String = font
            .localized_strings(StringId::POSTSCRIPT_NAME)
            .english_or_first()
            .map(|s| s.chars().collect::<String>())
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let bbox = m.bounds.map_or([0.0, -120.0, 1000.0, 880.0], |b| {
            [b.x_min, b.y_min, b.x_max, b.y_max]
        });
        let stripped = (!cff).then(|| strip(&font));
        Ok(FaceData {
            stripped,
            num_glyphs,
            units_per_em: m.units_per_em.max(16),
            cff,
            ps_name: if ps_name.is_empty() {
                "Font".into()
            } else {
                ps_name
            },
            bbox,
            ascent: m.ascent,
            descent: m.descent,
            cap_height: m.cap_height.unwrap_or(m.ascent),
            bytes,
            index,
        })
    }

    pub(crate) fn font(&self) -> Result<FontRef<'_>, PdfError> {
        FontRef::from_index(&self.bytes, self.index).map_err(|e| err(format!("{e}")))
    }

    pub(crate) fn num_glyphs(&self) -> u16 {
        self.num_glyphs
    }

    /// Builds a subset containing `used` (plus `.notdef` and any composite
    /// components), numbered in the order of the original glyph ids.
    pub(crate) fn subset<I: IntoIterator<Item = u16>>(&self, used: I) -> Result<Subset, PdfError> {
        let font = match &self.stripped {
            Some(bytes) => FontRef::new(bytes).map_err(|e| err(format!("{e}")))?,
            None => self.font()?,
        };
        let mut glyphs: Vec<u16> = used.into_iter().filter(|g| *g < self.num_glyphs).collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        let (program, map) = if self.cff {
            // skera has no CFF subsetter; `subsetter` (typst's) has.
            let mut remapper = subsetter::GlyphRemapper::new();
            let map: BTreeMap<u16, u16> = std::iter::once(0)
                .chain(glyphs.iter().copied())
                .map(|g| (g, remapper.remap(g)))
                .collect();
            let program = subsetter::subset(&self.bytes, self.index, &remapper)
                .map_err(|e| err(format!("subsetting: {e}")))?;
            (program, map)
        } else {
            self.subset_glyf(&font, &glyphs)?
        };
        let metrics =
            font.glyph_metrics(Size::unscaled(), skrifa::instance::LocationRef::default());
        let n = map.values().map(|v| usize::from(*v) + 1).max().unwrap_or(1);
        let mut widths = vec![0.0; n];
        let k = 1000.0 / f32::from(self.units_per_em);
        for (&old, &new) in &map {
            let adv = metrics
                .advance_width(GlyphId::new(u32::from(old)))
                .unwrap_or(0.0);
            widths[usize::from(new)] = (adv * k).round();
        }
        Ok(Subset {
            program,
            map,
            widths,
        })
    }

    /// A TrueType subset with `skera`: the program and old → new glyph ids.
    fn subset_glyf(
        &self,
        font: &FontRef<'_>,
        glyphs: &[u16],
    ) -> Result<(Vec<u8>, BTreeMap<u16, u16>), PdfError> {
        let mut gids = IntSet::empty();
        gids.insert(GlyphId::new(0));
        for g in glyphs {
            gids.insert(GlyphId::new(u32::from(*g)));
        }
        let mut drop = IntSet::empty();
        for t in DROP {
            drop.insert(Tag::new(t));
        }
        let plan = Plan::new(
            &gids,
            &IntSet::empty(),
            font,
            SubsetFlags::SUBSET_FLAGS_NO_HINTING | SubsetFlags::SUBSET_FLAGS_NO_LAYOUT_CLOSURE,
            &drop,
            &IntSet::empty(),
            &IntSet::empty(),
            &IntSet::<NameId>::empty(),
            &IntSet::empty(),
        );
        let program = subset_font(font, &plan).map_err(|e| err(format!("subsetting: {e}")))?;
        let map: BTreeMap<u16, u16> = plan
            .old_to_new_glyph_mapping()
            .filter_map(|(o, n)| {
                Some((
                    u16::try_from(o.to_u32()).ok()?,
                    u16::try_from(n.to_u32()).ok()?,
                ))
            })
            .collect();
        Ok((program, map))
    }

    /// `/FontDescriptor` numbers in 1/1000 em: bbox, ascent, descent, cap height.
    pub(crate) fn descriptor_metrics(&self) -> ([f32; 4], f32, f32, f32) {
        let s = |v: f32| (v * 1000.0 / f32::from(self.units_per_em)).round();
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

/// The tables of `font` a PDF font program keeps (all but [`DROP`]), as a
/// font file of their own.
fn strip(font: &FontRef<'_>) -> Vec<u8> {
    let mut b = write_fonts::FontBuilder::new();
    for record in font.table_directory.table_records() {
        let tag = record.tag();
        if DROP.iter().any(|t| Tag::new(t) == tag) {
            continue;
        }
        if let Some(data) = font.table_data(tag) {
            b.add_raw(tag, data.as_bytes().to_vec());
        }
    }
    b.build()
}

/// A compression of a font's streams.
type Deflate = fn(&[u8]) -> Vec<u8>;

/// Glyph id → the text it shows (what `/ToUnicode` maps it back to).
pub type GlyphText = BTreeMap<u16, String>;

/// A subset ready to embed: everything of a font's PDF objects that depends
/// only on the glyphs and their text, with the streams compressed once and
/// kept (a subset shared by documents) or left to the document to compress
/// at its level (a document's own).
pub(crate) struct Embedded {
    /// Original glyph id → subset glyph id.
    pub map: BTreeMap<u16, u16>,
    /// The font program, zlib-compressed if [`Embedded::deflated`].
    pub program: Vec<u8>,
    /// Uncompressed length of the program (`/Length1`).
    pub program_len: usize,
    /// The `/ToUnicode` CMap, zlib-compressed if [`Embedded::deflated`].
    pub to_unicode: Vec<u8>,
    /// Whether `program` and `to_unicode` are compressed already.
    pub deflated: bool,
    /// `/DW` and the runs of other widths for `/W`.
    pub widths: (f32, Vec<(u16, Vec<f32>)>),
    /// `ABCDEF+PostScriptName`.
    pub base_font: String,
    /// For a subset shared by a build: subset glyph id + 1 by original
    /// glyph id (0: not in the subset), so that drawing looks a glyph up
    /// by index rather than in `map`.
    pub dense: Vec<u16>,
}

impl Embedded {
    /// The subset glyph id of original glyph `gid`, if the subset has it.
    pub(crate) fn new_id(&self, gid: u16) -> Option<u16> {
        if self.dense.is_empty() {
            self.map.get(&gid).copied()
        } else {
            match self.dense.get(usize::from(gid)) {
                Some(0) | None => None,
                Some(n) => Some(n - 1),
            }
        }
    }
}

impl Embedded {
    /// Subsets `face` to the glyphs of `text`: compressed at the shared
    /// level when `shared` (built once, embedded by many documents), else
    /// left for the document to compress when it is finished, at its level.
    pub(crate) fn build(
        face: &FaceData,
        face_tag: &str,
        text: &GlyphText,
        shared: bool,
    ) -> Result<Embedded, PdfError> {
        let deflate = shared.then_some(super::file::deflate_shared as Deflate);
        Embedded::build_with(face, face_tag, text, deflate)
    }

    /// Like [`Embedded::build`], compressing the streams with `deflate`
    /// (`None`: not compressed).
    fn build_with(
        face: &FaceData,
        face_tag: &str,
        text: &GlyphText,
        deflate: Option<Deflate>,
    ) -> Result<Embedded, PdfError> {
        let deflated = deflate.is_some();
        let deflate = deflate.unwrap_or(<[u8]>::to_vec);
        let subset = face.subset(text.keys().copied())?;
        let pairs = text
            .iter()
            .filter_map(|(gid, t)| Some((*subset.map.get(gid)?, t.as_str())));
        let to_unicode = deflate(&to_unicode_cmap(pairs));
        Ok(Embedded {
            base_font: format!("{}+{}", subset_tag(face_tag, &subset), face.ps_name),
            program: deflate(&subset.program),
            program_len: subset.program.len(),
            to_unicode,
            deflated,
            widths: width_runs(&subset.widths),
            map: subset.map,
            dense: Vec::new(),
        })
    }
}

/// The `/ToUnicode` CMap of `pairs` (subset glyph id → its text, in
/// ascending glyph order): a glyph whose text is one UTF-16 unit following
/// the previous glyph's (digits, kana, Latin letters, kanji the font orders
/// by code) extends a `bfrange` of it, every other glyph is a `bfchar`.
/// Only what a reader needs (ISO 32000-1 9.10.3: the CMap's procedure, its
/// `CIDSystemInfo`, name and type, one code-space range, the mappings), no
/// PostScript resource comments: 0.6–0.8 KB less a handout than
/// `pdf_writer`'s map of one `bfchar` a glyph (docs/pdf.md, "PDF size").
pub(crate) fn to_unicode_cmap<'a>(pairs: impl IntoIterator<Item = (u16, &'a str)>) -> Vec<u8> {
    use std::fmt::Write as _;
    // (first glyph, last glyph, UTF-16 of the first glyph's text).
    let mut runs: Vec<(u16, u16, Vec<u16>)> = Vec::new();
    for (gid, t) in pairs {
        let units: Vec<u16> = t.encode_utf16().collect();
        if let (Some(last), [u]) = (runs.last_mut(), units.as_slice())
            && let [first] = last.2.as_slice()
            // A range varies only the last byte of its codes and of its
            // text (ISO 32000-1 9.10.3).
            && gid == last.1.wrapping_add(1)
            && gid >> 8 == last.0 >> 8
            && u32::from(*u) == u32::from(*first) + u32::from(gid - last.0)
            && u >> 8 == first >> 8
        {
            last.1 = gid;
            continue;
        }
        runs.push((gid, gid, units));
    }
    // Four upper-case hex digits a unit, as `{:04X}` writes them, without
    // the formatting machinery (two a glyph, every document).
    let hex = |out: &mut String, units: &[u16]| {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        out.push('<');
        for u in units {
            for shift in [12, 8, 4, 0] {
                out.push(char::from(DIGITS[usize::from((u >> shift) & 0xF)]));
            }
        }
        out.push('>');
    };
    let mut out = String::from(
        "/CIDInit/ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n\
         /CMapName/Adobe-Identity-UCS def/CMapType 2 def\n\
         1 begincodespacerange<0000><FFFF>endcodespacerange\n",
    );
    let (chars, ranges): (Vec<_>, Vec<_>) = runs.iter().partition(|r| r.0 == r.1);
    // At most 100 mappings a section (ISO 32000-1 9.10.3).
    for section in chars.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", section.len());
        for (gid, _, units) in section {
            hex(&mut out, &[*gid]);
            hex(&mut out, units);
            out.push('\n');
        }
        out.push_str("endbfchar\n");
    }
    for section in ranges.chunks(100) {
        let _ = writeln!(out, "{} beginbfrange", section.len());
        for (first, last, units) in section {
            hex(&mut out, &[*first]);
            hex(&mut out, &[*last]);
            hex(&mut out, units);
            out.push('\n');
        }
        out.push_str("endbfrange\n");
    }
    out.push_str("endcmap CMapName currentdict/CMap defineresource pop end end\n");
    out.into_bytes()
}

/// One subset per face built once for a whole build and embedded, as the
/// same bytes, by every document of that build: the glyphs a kind of
/// document (the handout, the sheet) can show in the manual's own words,
/// found by laying out the content's generic document (every alternative
/// kept, see `eval::evaluate_generic`). A document's glyphs outside it
/// (clinic data, a word the generic document lacks) go to the document's
/// own small subset.
///
/// Derived from content, theme and fonts only, never from the clinics of
/// the batch: a clinic's file is the same whichever clinics are built with
/// it.
#[derive(Default)]
pub struct SharedWords {
    faces: [Option<SharedFace>; 2],
}

/// The shared subset of one face and the text of each of its glyphs.
pub(crate) struct SharedFace {
    pub text: GlyphText,
    pub embedded: Arc<Embedded>,
}

impl SharedWords {
    /// Subsets `fonts` to `words` (per face: regular, bold), compressed at
    /// the strongest level (paid once per build). A face with no words gets
    /// no shared subset: each document embeds its own.
    pub fn build(fonts: &super::Fonts, words: [GlyphText; 2]) -> Result<SharedWords, PdfError> {
        let mut faces: [Option<SharedFace>; 2] = [None, None];
        for ((slot, text), weight) in faces
            .iter_mut()
            .zip(words)
            .zip([super::Weight::Regular, super::Weight::Bold])
        {
            if text.is_empty() {
                continue;
            }
            let face = fonts.face(weight);
            let mut e = Embedded::build_with(
                &face.data,
                &face.id().0,
                &text,
                Some(super::file::deflate_best),
            )?;
            e.program.shrink_to_fit();
            e.to_unicode.shrink_to_fit();
            let top = e.map.keys().last().map_or(0, |g| usize::from(*g) + 1);
            e.dense = vec![0; top];
            for (&old, &new) in &e.map {
                e.dense[usize::from(old)] = new.saturating_add(1);
            }
            *slot = Some(SharedFace {
                text,
                embedded: Arc::new(e),
            });
        }
        Ok(SharedWords { faces })
    }

    /// The shared subset of `weight`, if any.
    pub(crate) fn face(&self, weight: super::Weight) -> Option<&SharedFace> {
        self.faces[weight as usize].as_ref()
    }

    /// Whether the shared subset of `weight` shows glyph `gid` (of the
    /// face) with `text`.
    pub fn shows(&self, weight: super::Weight, gid: u16, text: &str) -> bool {
        self.face(weight)
            .is_some_and(|f| f.text.get(&gid).is_some_and(|t| t == text))
    }

    /// Glyphs in the shared subsets (regular, bold).
    pub fn glyph_counts(&self) -> [usize; 2] {
        self.faces
            .each_ref()
            .map(|f| f.as_ref().map_or(0, |f| f.text.len()))
    }
}

impl std::fmt::Debug for SharedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedWords")
            .field("glyphs", &self.glyph_counts())
            .finish()
    }
}

/// Subsets already built in this process, by glyph set and text: the
/// handouts of one build show mostly the same words, so the font program
/// for those glyphs is subset and compressed once, not once per document.
///
/// A subset is kept only when its glyph set comes a second time: a set seen
/// once (every document of the fuzzer, or of a batch whose words all
/// differ) gains nothing from being kept, and each kept subset pins far
/// more of the heap than its own bytes (the documents' temporary memory
/// around it cannot be reused): 256 one-off subsets of 1,300 kanji per
/// face took the `pdf_linebreak` fuzzer to 568 MB. Kept subsets are also
/// bounded in count and bytes.
pub(crate) struct EmbedCache {
    entries: Mutex<Entries>,
    /// Most subsets kept.
    max_count: usize,
    /// Most bytes kept (see [`Embedded::weight`]).
    max_bytes: usize,
}

impl Default for EmbedCache {
    fn default() -> Self {
        EmbedCache::with_limits(CACHE_SIZE, CACHE_BYTES)
    }
}

/// Subsets kept per face. A handout's words make a font program of about
/// 60 KB; the words vary with the warnings and steps that apply to a clinic,
/// a few dozen sets in a batch.
const CACHE_SIZE: usize = 256;
/// Bytes kept per face. A subset grows with its glyphs (a paragraph of
/// 1,300 different kanji makes one of about 140 KB).
const CACHE_BYTES: usize = 32 << 20;

/// A kept subset. The key is the glyph text in one allocation (see
/// [`key`]), not a map of a thousand small strings.
struct Entry {
    hash: u64,
    key: Box<[u8]>,
    subset: Arc<Embedded>,
    /// Bytes held (see [`Embedded::weight`]).
    weight: usize,
}

/// Kept subsets, oldest first, and the sum of their weights.
#[derive(Default)]
struct Entries {
    list: Vec<Entry>,
    bytes: usize,
    /// Hashes of the keys of glyph sets built once and not kept, newest
    /// last (at most [`SEEN`]).
    seen: std::collections::VecDeque<u64>,
}

/// Glyph sets remembered (by hash) as seen once.
const SEEN: usize = 4096;

/// The glyph text as one byte string: each glyph id, the length of its
/// text and the text.
fn key(text: &GlyphText) -> Box<[u8]> {
    let mut k = Vec::with_capacity(text.len() * 6);
    for (gid, t) in text {
        k.extend_from_slice(&gid.to_le_bytes());
        k.extend_from_slice(&(t.len() as u32).to_le_bytes());
        k.extend_from_slice(t.as_bytes());
    }
    k.into_boxed_slice()
}

impl Embedded {
    /// Bytes this subset holds on the heap (streams at their capacity plus
    /// a few dozen bytes per glyph for the map) with its `key`.
    fn weight(&self, key: &[u8]) -> usize {
        self.program.capacity()
            + self.to_unicode.capacity()
            + self.base_font.capacity()
            + self.map.len() * 32
            + self
                .widths
                .1
                .iter()
                .map(|(_, w)| 32 + 4 * w.capacity())
                .sum::<usize>()
            + key.len()
    }
}

impl EmbedCache {
    /// A cache keeping at most `max_count` subsets and `max_bytes` bytes.
    pub(crate) fn with_limits(max_count: usize, max_bytes: usize) -> Self {
        EmbedCache {
            entries: Mutex::default(),
            max_count,
            max_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// (subsets, bytes) kept now.
    #[cfg(test)]
    pub(crate) fn held(&self) -> (usize, usize) {
        let e = self.lock();
        (e.list.len(), e.bytes)
    }

    /// The subset of `face` for `text`, from the cache or built. A built
    /// subset is kept when its glyph set was built before (the oldest going
    /// first when it would exceed the limits; one larger than all the room
    /// is never kept).
    pub(crate) fn get(
        &self,
        face: &FaceData,
        face_tag: &str,
        text: &GlyphText,
    ) -> Result<Arc<Embedded>, PdfError> {
        let key = key(text);
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            key.hash(&mut h);
            h.finish()
        };
        let find = |entries: &Entries| {
            entries
                .list
                .iter()
                .rposition(|e| e.hash == hash && e.key == key)
        };
        {
            let mut entries = self.lock();
            if let Some(i) = find(&entries) {
                // Most recently used last; the oldest goes first.
                let hit = entries.list.remove(i);
                let subset = hit.subset.clone();
                entries.list.push(hit);
                return Ok(subset);
            }
        }
        // Built outside the lock: two workers may build the same subset at
        // once, which costs time but never changes the result.
        let mut built = Embedded::build(face, face_tag, text, true)?;
        built.program.shrink_to_fit();
        built.to_unicode.shrink_to_fit();
        let built = Arc::new(built);
        let weight = built.weight(&key);
        let mut entries = self.lock();
        let again = match entries.seen.iter().rposition(|h| *h == hash) {
            Some(i) => {
                entries.seen.remove(i);
                true
            }
            None => {
                if entries.seen.len() >= SEEN {
                    entries.seen.pop_front();
                }
                entries.seen.push_back(hash);
                false
            }
        };
        if again && weight <= self.max_bytes && find(&entries).is_none() {
            while !entries.list.is_empty()
                && (entries.list.len() >= self.max_count || entries.bytes + weight > self.max_bytes)
            {
                let old = entries.list.remove(0);
                entries.bytes -= old.weight;
            }
            entries.bytes += weight;
            entries.list.push(Entry {
                hash,
                key,
                subset: built.clone(),
                weight,
            });
        }
        Ok(built)
    }
}

/// `/DW` and the runs of other widths for `/W`: the most common width is
/// the default, and only runs of glyphs with other widths are listed.
pub(crate) fn width_runs(widths: &[f32]) -> (f32, Vec<(u16, Vec<f32>)>) {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for w in widths {
        *counts.entry(*w as i64).or_default() += 1;
    }
    let dw = counts
        .iter()
        .max_by_key(|(w, n)| (**n, std::cmp::Reverse(**w)))
        .map_or(1000, |(w, _)| *w) as f32;
    let mut runs: Vec<(u16, Vec<f32>)> = Vec::new();
    for (i, w) in widths.iter().enumerate() {
        if *w == dw {
            continue;
        }
        let i = i as u16;
        match runs.last_mut() {
            Some((first, ws)) if usize::from(*first) + ws.len() == usize::from(i) => ws.push(*w),
            _ => runs.push((i, vec![*w])),
        }
    }
    (dw, runs)
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

    /// Runs of consecutive glyphs showing consecutive characters are one
    /// `bfrange` each, never across a last byte's end (of the code or the
    /// text); other glyphs, and text of more than one unit, are `bfchar`s;
    /// the map holds no PostScript resource comments.
    /// Codes and texts are written as `{:04X}` writes them (four
    /// upper-case hex digits a UTF-16 unit) for every nibble value.
    #[test]
    fn to_unicode_codes_are_four_upper_case_hex_digits_a_unit() {
        let texts: Vec<(u16, String)> = [0x0009u16, 0x00AF, 0x0B2C, 0x3D4E, 0xA5F0, 0xD7FF, 0xFFEF]
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let c = char::from_u32(u32::from(*u)).unwrap();
                (
                    0x1234 + 2 * u16::try_from(i).unwrap() * 0x0F1F,
                    c.to_string(),
                )
            })
            .collect();
        let map = to_unicode_cmap(texts.iter().map(|(g, t)| (*g, t.as_str())));
        let map = String::from_utf8(map).unwrap();
        for (g, t) in &texts {
            let u = t.encode_utf16().next().unwrap();
            let line = format!("<{g:04X}><{u:04X}>");
            assert!(map.lines().any(|l| l == line), "{line} in {map}");
        }
    }

    #[test]
    fn the_to_unicode_map_joins_runs_into_ranges() {
        let pairs = [
            (1, "0"),
            (2, "1"),
            (3, "2"),
            (4, "ぁ"),
            (5, "あ"),
            (7, "う"),
            (8, "ff"),
            (9, "\u{20BB7}"),
            (0xFE, "\u{30FF}"),
            (0xFF, "\u{3100}"),
            (0x100, "\u{3101}"),
            (0x101, "\u{3102}"),
        ];
        let map = String::from_utf8(to_unicode_cmap(pairs)).unwrap();
        assert!(!map.contains('%'), "{map}");
        assert!(map.contains("/CMapType 2 def"), "{map}");
        assert!(map.contains("1 begincodespacerange<0000><FFFF>endcodespacerange"));
        let section = |kind: &str| {
            let start = map.find(&format!("begin{kind}")).unwrap() + 6 + kind.len();
            let end = map.find(&format!("end{kind}")).unwrap();
            map[start..end].trim().lines().collect::<Vec<_>>()
        };
        assert_eq!(
            section("bfrange"),
            [
                "<0001><0003><0030>",
                "<0004><0005><3041>",
                "<0100><0101><3101>",
            ]
        );
        assert_eq!(
            section("bfchar"),
            [
                "<0007><3046>",
                "<0008><00660066>",
                "<0009><D842DFB7>",
                "<00FE><30FF>",
                "<00FF><3100>",
            ]
        );
        assert!(map.contains("3 beginbfrange") && map.contains("5 beginbfchar"));
        // A section holds at most 100 mappings.
        let many: Vec<(u16, String)> = (0..250u16)
            .map(|g| {
                (
                    2 * g,
                    char::from_u32(0x4E00 + 3 * u32::from(g))
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        let map = to_unicode_cmap(many.iter().map(|(g, t)| (*g, t.as_str())));
        let map = String::from_utf8(map).unwrap();
        assert_eq!(map.matches("100 beginbfchar").count(), 2, "{map}");
        assert_eq!(map.matches("50 beginbfchar").count(), 1);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(FaceData::parse(Arc::new(b"not a font".to_vec()), 0).is_err());
    }

    /// Glyphs `from..from + n`, each standing for one kanji.
    fn glyphs(from: u16, n: u16) -> GlyphText {
        (from..from + n)
            .map(|g| {
                (
                    g,
                    char::from_u32(0x4E00 + u32::from(g)).unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_subset_cache_keeps_repeated_sets_only_and_is_bounded_in_bytes() {
        let fonts = crate::render::theme::Theme::new(None).pdf_fonts().unwrap();
        let face = fonts.face(crate::render::pdf::Weight::Regular);
        let tag = face.id().0.clone();
        let one = Embedded::build(&face.data, &tag, &glyphs(1000, 300), true).unwrap();
        let one = one.weight(&key(&glyphs(1000, 300)));
        // Room for about three subsets of 300 glyphs, and for many by count.
        let cache = EmbedCache::with_limits(256, 3 * one + one / 2);
        let mut last = None;
        for i in 0..8 {
            let text = glyphs(1000 + i * 310, 300);
            // Built once: not kept. Built again: kept.
            let before = cache.held();
            cache.get(&face.data, &tag, &text).unwrap();
            assert_eq!(cache.held(), before, "kept after one build ({i})");
            last = Some((text.clone(), cache.get(&face.data, &tag, &text).unwrap()));
            assert_ne!(cache.held(), before, "not kept after two builds ({i})");
            let (_, bytes) = cache.held();
            assert!(bytes <= 3 * one + one / 2, "{bytes} bytes after {i}");
        }
        // The oldest went to make room.
        assert!(cache.held().0 < 6, "{:?}", cache.held());
        // The newest is kept (a hit returns the same subset) ...
        let (text, built) = last.unwrap();
        assert!(Arc::ptr_eq(
            &built,
            &cache.get(&face.data, &tag, &text).unwrap()
        ));
        // ... and one larger than all the room is built but not kept.
        let big = glyphs(5000, 1500);
        let before = cache.held();
        for _ in 0..2 {
            assert!(
                !cache
                    .get(&face.data, &tag, &big)
                    .unwrap()
                    .program
                    .is_empty()
            );
        }
        assert_eq!(cache.held(), before);
    }

    #[test]
    fn subsetting_the_stripped_face_gives_the_same_program() {
        let bytes = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Bold.ttf");
        let face = FaceData::parse(Arc::new(bytes.to_vec()), 0).expect("parses");
        let stripped = face.stripped.as_deref().expect("TrueType");
        let stripped_font = FontRef::new(stripped).expect("a font");
        assert!(stripped_font.table_data(Tag::new(b"cmap")).is_none());
        assert!(stripped_font.table_data(Tag::new(b"glyf")).is_some());
        let glyphs = [5u16, 17, 300, 1200, 4000];
        let via_stripped = face.subset(glyphs).expect("subset");
        let whole = face.font().expect("font");
        let (program, map) = face.subset_glyf(&whole, &glyphs).expect("subset");
        assert_eq!(via_stripped.program, program);
        assert_eq!(via_stripped.map, map);
        assert_eq!(map.len(), glyphs.len() + 1, "with .notdef");
    }
}
