//! Fonts: parsing the two faces (regular and bold) once per process, fast
//! character → glyph lookup and advance widths for line breaking.
//!
//! Each face is read with `skrifa` once per process; its character map and
//! advance widths are then copied into flat tables, so the per-character
//! lookups of line breaking cost an array index. The `embed` module subsets
//! and embeds the faces. Text is always emitted as glyph ids with the
//! source character attached, which becomes the `/ToUnicode` map.

use std::fmt;

use std::sync::Arc;

use skrifa::instance::{LocationRef, Size};
use skrifa::{GlyphId, MetadataProvider};

use super::PdfError;
use super::embed::{EmbedCache, FaceData};

/// Character drawn in place of a character the font cannot show: the "geta"
/// mark, the Japanese typesetting convention for a missing glyph.
pub const REPLACEMENT_CHAR: char = '\u{3013}';
/// Fallback replacement when the font lacks even the geta mark.
const REPLACEMENT_FALLBACK: char = '?';

/// Which of the two faces to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// The regular face.
    Regular,
    /// The bold face.
    Bold,
}

/// The pair of faces a document is set in (BIZ UDGothic Regular and Bold in
/// the default theme). Parse once with [`Fonts::from_bytes`] and reuse it for
/// every document: it is immutable and `Sync`.
pub struct Fonts {
    regular: Face,
    bold: Face,
    /// The regular face's family name (「BIZ UDGothic」), as a browser
    /// knows the font.
    family: String,
    /// Paragraphs of the documents' own words, set once per build (off
    /// unless asked for: see [`Fonts::with_layout_cache`]).
    pub(crate) layouts: Option<super::linebreak::LayoutCache>,
}

/// A second font for characters the two faces lack (rare kanji such as 𠮷,
/// symbols): read from disk the first time a document needs it, never when
/// no document does. One face serves both weights.
///
/// Its glyphs reach layout under stand-in glyph ids above every id of the
/// two faces (handed out in the order characters are first met); the writer
/// sends them to the fallback's own subset, so the ids never reach a file.
pub(crate) struct Fallback {
    path: std::path::PathBuf,
    /// Stand-in ids start here.
    first_id: u16,
    loaded: std::sync::OnceLock<Option<Loaded>>,
}

pub(crate) struct Loaded {
    pub(crate) face: Face,
    /// Stand-in id − `first_id` → the fallback's glyph id, and back.
    ids: std::sync::Mutex<(Vec<u16>, std::collections::HashMap<u16, u16>)>,
}

impl Fallback {
    /// The loaded face, or `None` when the file cannot be read or parsed.
    pub(crate) fn get(&self) -> Option<&Loaded> {
        self.loaded
            .get_or_init(|| {
                let bytes = std::fs::read(&self.path).ok()?;
                let index = japanese_face(&bytes);
                let face = Face::parse_index(&bytes, index, 0x4641_4C4C).ok()?;
                Some(Loaded {
                    face,
                    ids: std::sync::Mutex::new((Vec::new(), std::collections::HashMap::new())),
                })
            })
            .as_ref()
    }

    /// Whether the face has been loaded (some document needed it): unlike
    /// [`Fallback::get`], never reads the file.
    pub(crate) fn is_loaded(&self) -> bool {
        self.loaded.get().is_some_and(Option::is_some)
    }

    /// Whether `gid` is a stand-in id of this fallback.
    pub(crate) fn owns(&self, gid: u16) -> bool {
        gid >= self.first_id
    }

    /// The fallback's own glyph id behind stand-in `gid`.
    pub(crate) fn real_id(&self, gid: u16) -> Option<u16> {
        let loaded = self.loaded.get()?.as_ref()?;
        let ids = loaded.ids.lock().unwrap_or_else(|p| p.into_inner());
        ids.0
            .get(usize::from(gid.checked_sub(self.first_id)?))
            .copied()
    }

    /// Resolves `c` in the fallback: a stand-in id and its advance in em.
    fn resolve(&self, c: char) -> Option<(u16, f32)> {
        let loaded = self.get()?;
        let real = loaded.face.lookup(c)?;
        let advance = loaded.face.advance_em(real);
        let mut ids = loaded.ids.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&k) = ids.1.get(&real) {
            return Some((self.first_id + k, advance));
        }
        let k = u16::try_from(ids.0.len()).ok()?;
        let id = self.first_id.checked_add(k).filter(|id| *id < u16::MAX)?;
        ids.0.push(real);
        ids.1.insert(real, k);
        Some((id, advance))
    }
}

/// The family name of the font file `bytes` (its first face), as a browser
/// knows it: the English name where the font has one, the typographic
/// family (which groups more than four styles) before the family; empty
/// when the bytes are no font or name none.
pub fn family_of(bytes: &[u8]) -> String {
    skrifa::FontRef::new(bytes)
        .map(|f| family_name(&f))
        .unwrap_or_default()
}

fn family_name(font: &skrifa::FontRef<'_>) -> String {
    [
        skrifa::string::StringId::TYPOGRAPHIC_FAMILY_NAME,
        skrifa::string::StringId::FAMILY_NAME,
    ]
    .into_iter()
    .find_map(|id| {
        let name: String = font
            .localized_strings(id)
            .english_or_first()?
            .chars()
            .collect();
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_string())
    })
    .unwrap_or_default()
}

/// In a font collection, the index of the Japanese face (its PostScript
/// name says `JP`, as Noto Sans CJK's does), else 0.
fn japanese_face(bytes: &[u8]) -> u32 {
    let Ok(skrifa::raw::FileRef::Collection(c)) = skrifa::raw::FileRef::new(bytes) else {
        return 0;
    };
    (0..c.len())
        .find(|&i| {
            c.get(i).is_ok_and(|f| {
                f.localized_strings(skrifa::string::StringId::POSTSCRIPT_NAME)
                    .english_or_first()
                    .is_some_and(|n| n.chars().collect::<String>().contains("JP"))
            })
        })
        .unwrap_or(0)
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("regular", &self.regular.data.ps_name)
            .field("bold", &self.bold.data.ps_name)
            .finish()
    }
}

/// One face: the font data (for embedding) plus lookup tables (for layout).
pub(crate) struct Face {
    pub(crate) data: FaceData,
    id: FontId,
    units_per_em: f32,
    cmap: Cmap,
    advances: Vec<u16>,
    replacement: Option<(char, u16)>,
    /// Subsets of this face built for earlier documents.
    pub(crate) cache: EmbedCache,
    /// Where characters this face lacks are looked up next.
    fallback: Option<Arc<Fallback>>,
}

/// A glyph resolved for drawing: its id, the text it stands for (what
/// `/ToUnicode` maps it back to) and its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResolvedGlyph {
    pub gid: u16,
    pub advance_em: f32,
    /// `false` when the character was missing and the replacement is used.
    pub found: bool,
}

impl Fonts {
    /// Parses the regular and bold faces from TrueType/OpenType bytes.
    ///
    /// Fails with [`PdfError::Font`] when either face cannot be parsed or lacks
    /// the tables layout needs (`head`, `hhea`, `hmtx`, a Unicode `cmap`).
    pub fn from_bytes(regular: &[u8], bold: &[u8]) -> Result<Fonts, PdfError> {
        let regular = Face::parse(regular, 0x5245_4755)?;
        let family = regular.family();
        Ok(Fonts {
            regular,
            bold: Face::parse(bold, 0x424F_4C44)?,
            family,
            layouts: None,
        })
    }

    /// The regular face's family name, as a browser knows the font
    /// (「BIZ UDGothic」; empty when the font names none).
    pub fn family(&self) -> &str {
        &self.family
    }

    /// Adds a fallback font file (TrueType/OpenType, or a collection, where
    /// the Japanese face is used) for characters the two faces lack. The
    /// file is read only when a document first needs it; if it cannot be
    /// read, those characters stay missing (drawn as 〓 with a warning).
    pub fn with_fallback(mut self, path: impl Into<std::path::PathBuf>) -> Fonts {
        let first_id = self
            .regular
            .data
            .num_glyphs()
            .max(self.bold.data.num_glyphs());
        let fallback = Arc::new(Fallback {
            path: path.into(),
            first_id,
            loaded: std::sync::OnceLock::new(),
        });
        self.regular.fallback = Some(fallback.clone());
        self.bold.fallback = Some(fallback);
        self
    }

    /// Keeps the lines of every paragraph of the documents' own words (no
    /// value, nothing from data) set with these fonts, so each is set once
    /// for all the documents rendered with them: same output, less work
    /// per document (a build's renderers use it). Off by default, so a
    /// program that sets each input once (a fuzzer) takes the same path
    /// every time.
    pub fn with_layout_cache(mut self) -> Fonts {
        self.layouts = Some(Default::default());
        self
    }

    /// With [`Fonts::with_layout_cache`]: the paragraphs kept, and how
    /// many times one was served instead of being set again.
    pub fn layout_cache_counts(&self) -> Option<(usize, usize)> {
        self.layouts.as_ref().map(|c| c.counts())
    }

    /// The fallback font, if one is configured.
    pub(crate) fn fallback(&self) -> Option<&Fallback> {
        self.regular.fallback.as_deref()
    }

    pub(crate) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Whether `weight` has a glyph for `c`.
    pub fn has_char(&self, weight: Weight, c: char) -> bool {
        self.face(weight).lookup(c).is_some()
    }

    /// Advance width of `text` set in `weight` at `size_pt`, in points.
    /// Characters the font lacks are measured as the replacement mark drawn
    /// for them.
    pub fn measure(&self, weight: Weight, text: &str, size_pt: f32) -> f32 {
        let face = self.face(weight);
        text.chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| face.resolve(c).advance_em)
            .sum::<f32>()
            * size_pt
    }
}

/// Characters that take no room and draw nothing: controls, zero-width
/// spaces and joiners, soft hyphens (drawn only at a line end), variation
/// selectors and the BOM.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        | '\u{AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{E0100}'..='\u{E01EF}')
}

impl Face {
    fn parse(bytes: &[u8], seed: u32) -> Result<Face, PdfError> {
        Face::parse_index(bytes, 0, seed)
    }

    /// The face's family name ([`family_of`]).
    fn family(&self) -> String {
        self.data
            .font()
            .map(|f| family_name(&f))
            .unwrap_or_default()
    }

    fn parse_index(bytes: &[u8], index: u32, seed: u32) -> Result<Face, PdfError> {
        let data = FaceData::parse(Arc::new(bytes.to_vec()), index)?;
        let font = data.font()?;
        let units_per_em = f32::from(data.units_per_em);
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let advances: Vec<u16> = (0..u32::from(data.num_glyphs()))
            .map(|g| {
                metrics
                    .advance_width(GlyphId::new(g))
                    .map_or(0, |a| a.round().clamp(0.0, 65535.0) as u16)
            })
            .collect();
        let cmap = Cmap::new(&font.charmap());
        if cmap.is_empty() {
            return Err(PdfError::Font("font has no Unicode cmap".into()));
        }
        let mut face = Face {
            data,
            id: FontId(subset_tag(bytes, seed)),
            units_per_em,
            cmap,
            advances,
            replacement: None,
            cache: EmbedCache::default(),
            fallback: None,
        };
        face.replacement = [REPLACEMENT_CHAR, REPLACEMENT_FALLBACK]
            .into_iter()
            .find_map(|c| face.lookup(c).map(|g| (c, g)));
        Ok(face)
    }

    /// The subset tag of this face.
    pub(crate) fn id(&self) -> &FontId {
        &self.id
    }

    /// Glyph id for `c`, if the font maps it to a real glyph.
    pub(crate) fn lookup(&self, c: char) -> Option<u16> {
        match self.cmap.lookup(u32::from(c)) {
            Some(0) | None => None,
            Some(g) => Some(g),
        }
    }

    /// Advance of glyph `gid` in em.
    pub(crate) fn advance_em(&self, gid: u16) -> f32 {
        let i = usize::from(gid);
        let adv = self
            .advances
            .get(i)
            .or(self.advances.last())
            .copied()
            .unwrap_or(0);
        f32::from(adv) / self.units_per_em
    }

    fn replacement_char(&self) -> char {
        self.replacement.map_or(REPLACEMENT_FALLBACK, |r| r.0)
    }

    /// Resolves `c` in this face, then in the fallback font, and failing
    /// both to the replacement mark (or `.notdef`).
    pub(crate) fn resolve(&self, c: char) -> ResolvedGlyph {
        let fallback = || self.fallback.as_ref().and_then(|f| f.resolve(c));
        match self.lookup(c) {
            Some(gid) => ResolvedGlyph {
                gid,
                advance_em: self.advance_em(gid),
                found: true,
            },
            None => match fallback() {
                Some((gid, advance_em)) => ResolvedGlyph {
                    gid,
                    advance_em,
                    found: true,
                },
                None => self.replacement_glyph(),
            },
        }
    }

    /// The replacement mark as a glyph not found.
    fn replacement_glyph(&self) -> ResolvedGlyph {
        let gid = self.replacement.map_or(0, |r| r.1);
        ResolvedGlyph {
            gid,
            advance_em: self.advance_em(gid).max(0.5),
            found: false,
        }
    }

    /// Text that the replacement glyph maps back to in extracted text.
    pub(crate) fn replacement_text(&self) -> char {
        self.replacement_char()
    }
}

/// The subset tag of a face (`ABCDEF` in `ABCDEF+BIZUDGothic-Regular`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FontId(pub(crate) String);

/// Six uppercase letters derived from the font bytes: the subset tag put in
/// front of the font name (`ABCDEF+BIZUDGothic-Regular`). Fixed per face, so
/// output is deterministic and the two faces never collide.
fn subset_tag(bytes: &[u8], seed: u32) -> String {
    // FNV-1a over the length and a sample of the bytes (the whole file is
    // several MB; a strided sample is plenty to tell faces apart).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(seed);
    let step = (bytes.len() / 4096).max(1);
    for b in (bytes.len() as u64).to_le_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    for b in bytes.iter().step_by(step) {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut tag = String::with_capacity(6);
    for _ in 0..6 {
        tag.push(char::from(b'A' + (h % 26) as u8));
        h /= 26;
    }
    tag
}

/// Character → glyph, read once from the font's `cmap` (through `skrifa`):
/// a direct table for the Basic Multilingual Plane, a sorted list beyond.
struct Cmap {
    bmp: Vec<u16>,
    astral: Vec<(u32, u16)>,
}

impl Cmap {
    fn new(charmap: &skrifa::charmap::Charmap<'_>) -> Cmap {
        let mut bmp = vec![0u16; 0x1_0000];
        let mut astral = Vec::new();
        for (c, g) in charmap.mappings() {
            let Ok(g) = u16::try_from(g.to_u32()) else {
                continue;
            };
            match usize::try_from(c) {
                Ok(i) if i < bmp.len() => bmp[i] = g,
                _ => astral.push((c, g)),
            }
        }
        astral.sort_unstable();
        Cmap { bmp, astral }
    }

    fn is_empty(&self) -> bool {
        self.astral.is_empty() && self.bmp.iter().all(|g| *g == 0)
    }

    fn lookup(&self, c: u32) -> Option<u16> {
        match self.bmp.get(c as usize) {
            Some(g) => Some(*g),
            None => self
                .astral
                .binary_search_by_key(&c, |e| e.0)
                .ok()
                .map(|i| self.astral[i].1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Fonts::from_bytes(b"not a font", b"").is_err());
    }

    #[test]
    fn subset_tags_are_six_uppercase_letters() {
        let a = subset_tag(b"abc", 1);
        let b = subset_tag(b"abc", 2);
        assert_eq!(a.len(), 6);
        assert!(a.chars().all(|c| c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
