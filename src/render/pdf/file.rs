//! The file: objects written with `pdf-writer`, assembled with an object
//! stream, and stream compression (`libdeflater`, chosen by measurement:
//! README, "The PDF stack").
//!
//! `pdf-writer` writes every object (dictionaries, streams, all PDF syntax)
//! but has no object streams; without them each of a handout's hundreds of
//! structure elements is a plain uncompressed object, which costs about
//! 45 KB. So the dictionaries are collected in one chunk and packed into a
//! single compressed object stream here, and the cross-reference stream
//! that points into it is written here too. The trailer `/ID` is the first
//! half of the SHA-256 of everything written before it, so unchanged input
//! gives a byte-identical file; the same pass hashes the whole file for the
//! manifest.

use std::cell::RefCell;
use std::io::Write as _;
use std::ops::{Deref, DerefMut};

use libdeflater::{CompressionLvl, Compressor};
use pdf_writer::{Chunk, Filter, Name, Ref, Settings, Str};

fn settings() -> Settings {
    Settings { pretty: false }
}

/// A PDF under construction. Dictionaries and arrays are written into the
/// chunk it dereferences to; streams through [`PdfFile::stream`] and
/// [`PdfFile::stream_of`].
pub(crate) struct PdfFile {
    objects: Chunk,
    /// The stream objects, in the order written.
    streams: Vec<Stream>,
    /// The uncompressed bytes of the [`Stream::Deflate`] streams, one after
    /// the other: one buffer a document, kept per thread between documents
    /// ([`RAW`]), rather than a buffer a stream.
    raw: Vec<u8>,
}

thread_local! {
    /// The last finished document's [`PdfFile::raw`], cleared, for the next
    /// document on this thread.
    static RAW: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Largest [`PdfFile::raw`] kept for the next document (a handout's own
/// streams are about 150 KB).
const RAW_KEPT: usize = 1 << 20;

/// One stream object of a [`PdfFile`].
enum Stream {
    /// Written whole: its data needs no compression or was compressed
    /// once at a fixed level and kept (images, the words' font subsets).
    Written(Chunk),
    /// The document's own data, compressed only when the file is finished,
    /// at the level it is finished at: a document written again at a
    /// stronger level compresses these again, and draws nothing again.
    Deflate {
        /// Where its bytes are in [`PdfFile::raw`].
        raw: std::ops::Range<usize>,
        write: WriteStream,
    },
}

/// Writes a stream object given its compressed data.
type WriteStream = Box<dyn Fn(&mut Chunk, &[u8])>;

impl Stream {
    /// The stream as written when the file is finished at `level` (`raw`:
    /// the file's [`PdfFile::raw`]).
    fn chunk<'a>(&'a self, raw: &[u8], level: i32) -> std::borrow::Cow<'a, Chunk> {
        match self {
            Stream::Written(c) => std::borrow::Cow::Borrowed(c),
            Stream::Deflate { raw: at, write } => {
                let data = zlib(&raw[at.clone()], level);
                // Room for the data and its dictionary: grown by doubling
                // otherwise (copying the data again).
                let mut c = Chunk::with_settings_and_capacity(settings(), data.len() + 512);
                write(&mut c, &data);
                std::borrow::Cow::Owned(c)
            }
        }
    }
}

impl Deref for PdfFile {
    type Target = Chunk;
    fn deref(&self) -> &Chunk {
        &self.objects
    }
}

impl DerefMut for PdfFile {
    fn deref_mut(&mut self) -> &mut Chunk {
        &mut self.objects
    }
}

impl Default for PdfFile {
    fn default() -> Self {
        PdfFile {
            objects: Chunk::with_settings(settings()),
            streams: Vec::new(),
            raw: RAW
                .try_with(|r| r.try_borrow_mut().map(|mut r| std::mem::take(&mut *r)))
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default(),
        }
    }
}

impl Drop for PdfFile {
    fn drop(&mut self) {
        let mut raw = std::mem::take(&mut self.raw);
        if raw.capacity() <= RAW_KEPT {
            raw.clear();
            let _ = RAW.try_with(|r| r.try_borrow_mut().map(|mut r| *r = raw));
        }
    }
}

impl PdfFile {
    /// Writes one stream object with `f` (which must write exactly one).
    pub(crate) fn stream(&mut self, f: impl FnOnce(&mut Chunk)) {
        let mut c = Chunk::with_settings(settings());
        f(&mut c);
        self.streams.push(Stream::Written(c));
    }

    /// Writes one stream object of `data` with `write` (which must write
    /// exactly one, with `/FlateDecode`, given the compressed bytes):
    /// `data` as it is when `deflated` (compressed once and kept), else
    /// `data` compressed when the file is finished, at its level.
    pub(crate) fn stream_of(
        &mut self,
        data: &[u8],
        deflated: bool,
        write: impl Fn(&mut Chunk, &[u8]) + 'static,
    ) {
        if deflated {
            self.stream(|c| write(c, data));
        } else {
            let at = self.raw.len();
            self.raw.extend_from_slice(data);
            self.streams.push(Stream::Deflate {
                raw: at..self.raw.len(),
                write: Box::new(write),
            });
        }
    }

    /// The file, with `root` as the catalog, `info` as the document
    /// information and `next` a free object number, its own streams
    /// compressed at `level`.
    #[cfg(test)]
    pub(crate) fn finish_at(&self, root: Ref, info: Ref, next: Ref, level: i32) -> Vec<u8> {
        self.finish_hashed(root, info, next, level).0
    }

    /// [`PdfFile::finish_at`] with the file's SHA-256, hashed as it is
    /// written: the trailer `/ID` is the first half of the hash of
    /// everything before the cross-reference stream, and the same pass
    /// goes on over the rest (the manifest records the whole file's hash,
    /// so no byte is hashed twice). The file is left as it was, so that it
    /// can be finished again at another level.
    pub(crate) fn finish_hashed(
        &self,
        root: Ref,
        info: Ref,
        next: Ref,
        level: i32,
    ) -> (Vec<u8>, [u8; 32]) {
        use sha2::{Digest, Sha256};
        let packed = split_objects(&self.objects);
        let objstm_id = next;
        let xref_id = next.next();
        let size = xref_id.get() as usize + 1;
        let streams: Vec<_> = self
            .streams
            .iter()
            .map(|s| s.chunk(&self.raw, level))
            .collect();
        let mut out: Vec<u8> = Vec::with_capacity(
            streams.iter().map(|c| c.len()).sum::<usize>() + self.objects.len() / 3 + 1024,
        );
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        // (type, field 2, field 3) per object number; free by default.
        let mut xref: Vec<(u8, u64, u16)> = vec![(0, 0, 0xFFFF); size];
        for chunk in &streams {
            for r in chunk.refs() {
                if let Some(e) = xref.get_mut(r.get() as usize) {
                    *e = (1, out.len() as u64, 0);
                }
            }
            out.extend_from_slice(chunk.as_bytes());
        }
        match packed {
            Some(objects) if !objects.is_empty() => {
                // Sized once: the body is the objects without their heads.
                let mut head = Vec::with_capacity(self.objects.len() + objects.len() * 12);
                let mut body = Vec::with_capacity(self.objects.len());
                for (i, (r, bytes)) in objects.iter().enumerate() {
                    let mut n = itoa::Buffer::new();
                    head.extend_from_slice(n.format(r.get()).as_bytes());
                    head.push(b' ');
                    head.extend_from_slice(n.format(body.len()).as_bytes());
                    head.push(b' ');
                    body.extend_from_slice(bytes);
                    body.push(b'\n');
                    if let Some(e) = xref.get_mut(r.get() as usize) {
                        *e = (2, u64::from(objstm_id.get() as u32), i as u16);
                    }
                }
                let first = head.len();
                head.extend_from_slice(&body);
                let data = zlib(&head, level);
                xref[objstm_id.get() as usize] = (1, out.len() as u64, 0);
                let mut c = Chunk::with_settings(settings());
                c.stream(objstm_id, &data)
                    .filter(Filter::FlateDecode)
                    .pair(Name(b"Type"), Name(b"ObjStm"))
                    .pair(Name(b"N"), objects.len() as i32)
                    .pair(Name(b"First"), first as i32);
                out.extend_from_slice(c.as_bytes());
            }
            _ => {
                // Not in the expected layout: the objects stay top-level.
                let base = out.len() as u64;
                for (r, at) in object_offsets(&self.objects) {
                    if let Some(e) = xref.get_mut(r.get() as usize) {
                        *e = (1, base + at as u64, 0);
                    }
                }
                out.extend_from_slice(self.objects.as_bytes());
            }
        }
        let xref_at = out.len() as u64;
        xref[xref_id.get() as usize] = (1, xref_at, 0);
        let max = xref.iter().map(|e| e.1).max().unwrap_or(0);
        let w2 = (1..=8).find(|&b| max < 1u64 << (8 * b)).unwrap_or(8);
        // Each row as the difference to the row above (the PNG "Up"
        // predictor): offsets grow slowly and types repeat, so the rows
        // become mostly zeros and the stream a third of its size.
        let columns = 3 + w2;
        let mut table = Vec::with_capacity(size * (1 + columns));
        let mut above = vec![0u8; columns];
        let mut row = Vec::with_capacity(columns);
        for (t, f2, f3) in &xref {
            row.clear();
            row.push(*t);
            row.extend_from_slice(&f2.to_be_bytes()[8 - w2..]);
            row.extend_from_slice(&f3.to_be_bytes());
            table.push(2);
            table.extend(row.iter().zip(&above).map(|(b, a)| b.wrapping_sub(*a)));
            std::mem::swap(&mut above, &mut row);
        }
        let mut hash = Sha256::new();
        hash.update(&out);
        let id = hash.clone().finalize()[..16].to_vec();
        let head = out.len();
        let data = zlib(&table, level);
        let mut c = Chunk::with_settings(settings());
        {
            let mut s = c.stream(xref_id, &data);
            s.filter(Filter::FlateDecode)
                .pair(Name(b"Type"), Name(b"XRef"))
                .pair(Name(b"Size"), size as i32)
                .pair(Name(b"Root"), root)
                .pair(Name(b"Info"), info);
            s.insert(Name(b"W")).array().items([1, w2 as i32, 2]);
            s.insert(Name(b"DecodeParms"))
                .dict()
                .pair(Name(b"Predictor"), 12)
                .pair(Name(b"Columns"), columns as i32);
            s.insert(Name(b"ID")).array().items([Str(&id), Str(&id)]);
        }
        out.extend_from_slice(c.as_bytes());
        let _ = write!(out, "startxref\n{xref_at}\n%%EOF\n");
        hash.update(&out[head..]);
        (out, hash.finalize().into())
    }
}

/// The objects of a chunk of non-stream objects, each as its body (what
/// stands between `N 0 obj` and `endobj`), in the order written; `None`
/// if the chunk is not laid out as `pdf-writer` writes compact objects.
fn split_objects(chunk: &Chunk) -> Option<Vec<(Ref, &[u8])>> {
    let bytes = chunk.as_bytes();
    let mut at = 0;
    let mut out = Vec::new();
    let mut head = Vec::with_capacity(24);
    for r in chunk.refs() {
        object_head(&mut head, r);
        if !bytes.get(at..)?.starts_with(&head) {
            return None;
        }
        let start = at + head.len();
        // Strings and names escape line feeds, so the first "\nendobj\n"
        // ends the object.
        let len = find(bytes.get(start..)?, b"\nendobj\n")?;
        out.push((r, &bytes[start..start + len]));
        at = start + len + b"\nendobj\n".len();
        while bytes.get(at) == Some(&b'\n') {
            at += 1;
        }
    }
    (at == bytes.len()).then_some(out)
}

/// Offsets of the objects of a chunk (for writing them unpacked).
fn object_offsets(chunk: &Chunk) -> Vec<(Ref, usize)> {
    let bytes = chunk.as_bytes();
    let mut from = 0;
    let mut head = Vec::with_capacity(24);
    chunk
        .refs()
        .filter_map(|r| {
            object_head(&mut head, r);
            let at = from + find(bytes.get(from..)?, &head)?;
            from = at + head.len();
            Some((r, at))
        })
        .collect()
}

/// `N 0 obj` and a line feed, as `pdf-writer` starts object `r`, into
/// `out` (cleared first).
fn object_head(out: &mut Vec<u8>, r: Ref) {
    out.clear();
    out.extend_from_slice(itoa::Buffer::new().format(r.get()).as_bytes());
    out.extend_from_slice(b" 0 obj\n");
}

/// Where `needle` first occurs in `hay`: candidates are found by its first
/// byte, and only they are compared whole (comparing every window cost a
/// call each).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        at += hay[at..=hay.len() - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        if hay[at + 1..at + needle.len()] == *rest {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// zlib stream of `raw` at `level` (1–12) with `libdeflater`. The
/// compressors of the levels used per document are kept, one per level and
/// thread (setting one up costs more than compressing a page); the
/// strongest level's, large and used once per process, is not.
fn zlib(raw: &[u8], level: i32) -> Vec<u8> {
    thread_local! {
        static COMPRESSORS: RefCell<Vec<(i32, Compressor)>> = const { RefCell::new(Vec::new()) };
        /// Room for the compressed bytes of a per-document stream, kept
        /// per thread: a new buffer of the bound's size (more than the
        /// stream itself) would be zeroed, and often faulted in, for
        /// every stream.
        static ROOM: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let run = |c: &mut Compressor, out: &mut Vec<u8>| {
        let bound = c.zlib_compress_bound(raw.len());
        if out.len() < bound {
            out.resize(bound, 0);
        }
        match c.zlib_compress(raw, &mut out[..bound]) {
            Ok(n) => out[..n].to_vec(),
            // Cannot happen (the buffer has the bound's size); still a
            // valid stream rather than a panic.
            Err(_) => stored(raw),
        }
    };
    let new = || Compressor::new(CompressionLvl::new(level).unwrap_or_default());
    if level > SHARED {
        return run(&mut new(), &mut Vec::new());
    }
    COMPRESSORS.with(|cell| {
        let mut list = cell.borrow_mut();
        let at = match list.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                list.push((level, new()));
                list.len() - 1
            }
        };
        let c = &mut list[at].1;
        if level <= PER_DOCUMENT && raw.len() <= ROOM_LIMIT {
            ROOM.with(|room| run(c, &mut room.borrow_mut()))
        } else {
            run(c, &mut Vec::new())
        }
    })
}

/// Largest stream compressed in the per-thread room (a page's content is
/// about 20 KB, a document's own font subset under 64 KB).
const ROOM_LIMIT: usize = 256 << 10;

/// `raw` as a zlib stream of stored (uncompressed) blocks.
fn stored(raw: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut chunks = raw.chunks(0xFFFF).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(c) = chunks.next() {
        let len = c.len() as u16;
        out.push(u8::from(chunks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&adler32(raw).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// Level for streams compressed anew in every document (page content, the
/// small per-document font subsets, the object and cross-reference
/// streams) when the document would otherwise be large (see [`FAST`]):
/// measured on the sample handout (README, "The PDF stack"), level 6 is
/// as fast as zlib-rs at 6 and 2 % smaller; higher levels cost a third
/// more time for under 1 %.
pub(crate) const PER_DOCUMENT: i32 = 6;

/// Level a document's own streams are compressed at first. A document
/// that comes out larger than [`STRONGER_ABOVE`] is written again at
/// [`PER_DOCUMENT`] (docs/speed.md, "Speed, session 9").
pub(crate) const FAST: i32 = 1;

/// Size (bytes) above which a document written at [`FAST`] is written
/// again at [`PER_DOCUMENT`]: the handouts' budget. Until session 16 it
/// was 145,000 B, a margin from before the stronger finishes existed; a
/// document within the budget as first compressed is kept as it is, so
/// that a handout is compressed once unless it must be smaller
/// (docs/speed.md, "Speed, session 16": a quarter of the `gen.py`
/// handouts came out 145,001–150,000 B and were compressed twice).
pub(crate) const STRONGER_ABOVE: usize = BUDGET;

/// The handouts' size budget (issue 12: 150 KB, KB = 1,000 bytes). A
/// document still larger at [`PER_DOCUMENT`] is written once more at
/// [`STRONGEST`] before it is left over budget.
pub(crate) const BUDGET: usize = 150_000;

/// `libdeflate`'s strongest level: for images, encoded once per process,
/// and for the rare document over [`BUDGET`] at [`PER_DOCUMENT`].
pub(crate) const STRONGEST: i32 = 12;

/// Level for font subsets built once per process and shared by the
/// documents showing the same words: as small as zlib-rs at 9 in a seventh
/// of its time; 12 saves another 0.6 % at fifteen times the cost, paid
/// for each of the few dozen sets of words of a batch.
const SHARED: i32 = 9;

/// Level for images, encoded once per process: the strongest (3 % smaller
/// than level 9 for the screenshot, paid once).
const ONCE: i32 = STRONGEST;

/// zlib stream of `raw` built once per process and shared by documents
/// (font subsets of the words).
pub(crate) fn deflate_shared(raw: &[u8]) -> Vec<u8> {
    let mut z = zlib(raw, SHARED);
    // Kept for the whole build: no room for the worst case.
    z.shrink_to_fit();
    z
}

/// zlib stream of `raw` encoded once per process at the strongest level
/// (images).
pub(crate) fn deflate_best(raw: &[u8]) -> Vec<u8> {
    let mut z = zlib(raw, ONCE);
    z.shrink_to_fit();
    z
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdf_writer::TextStr;

    #[test]
    fn objects_are_packed_and_the_xref_points_at_them() {
        let build = || {
            let mut f = PdfFile::default();
            let (root, pages, info, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
            f.pages(pages).count(0);
            f.indirect(root)
                .dict()
                .pair(Name(b"Type"), Name(b"Catalog"))
                .pair(Name(b"Pages"), pages);
            f.indirect(info)
                .dict()
                .pair(Name(b"Title"), TextStr("a\nendobj\n(x)"));
            f.stream_of(&b"0 0 m 10 10 l S\n".repeat(50), false, move |c, data| {
                c.stream(content, data).filter(Filter::FlateDecode);
            });
            f.finish_at(root, info, Ref::new(5), PER_DOCUMENT)
        };
        let a = build();
        assert_eq!(a, build());
        assert!(a.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("/Type/ObjStm/N 3/First"), "{text}");
        let at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        assert!(
            a[at..].starts_with(b"6 0 obj\n<<"),
            "{}",
            &text[at.min(text.len())..]
        );
        // A reader finds every object through the predicted xref rows.
        let doc = lopdf::Document::load_mem(&a).expect("parses");
        let catalog = doc.catalog().expect("catalog");
        assert_eq!(
            catalog.get(b"Pages").unwrap().as_reference().unwrap(),
            (2, 0)
        );
        let info = doc.get_dictionary((3, 0)).expect("info");
        assert!(info.has(b"Title"));
        let content = doc.get_object((4, 0)).unwrap().as_stream().unwrap();
        assert_eq!(
            content.decompressed_content().unwrap(),
            b"0 0 m 10 10 l S\n".repeat(50)
        );
    }

    /// Object heads as `pdf-writer` writes them (`N 0 obj`), written
    /// without `format!`, for numbers of every width.
    #[test]
    fn object_heads_are_written_as_pdf_writer_writes_them() {
        let mut head = Vec::new();
        for n in [1, 9, 10, 99, 100, 12_345, 999_999, i32::MAX] {
            object_head(&mut head, Ref::new(n));
            assert_eq!(head, format!("{n} 0 obj\n").as_bytes());
            let mut c = Chunk::new();
            c.indirect(Ref::new(n)).primitive(1);
            assert!(c.as_bytes().starts_with(&head), "{n}");
        }
    }

    #[test]
    fn find_finds_the_first_occurrence_only_where_it_is_whole() {
        let naive = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
        let hay = b"1 0 obj\n<<>>\nendobj\n12 0 obj\n(\nendob)\nendobj\n\nendobj";
        for needle in [
            &b"\nendobj\n"[..],
            b"12 0 obj\n",
            b"2 0 obj\n",
            b"j",
            b"\nendobj",
            b"endobj\n\nendobj",
            b"x",
            b"obj\n(",
        ] {
            for from in 0..hay.len() {
                assert_eq!(
                    find(&hay[from..], needle),
                    naive(&hay[from..], needle),
                    "{:?} from {from}",
                    String::from_utf8_lossy(needle)
                );
            }
        }
        assert_eq!(find(b"ab", b"abc"), None);
        assert_eq!(find(b"", b"a"), None);
        assert_eq!(find(b"abc", b""), None);
    }

    #[test]
    fn round_trips_and_ids_are_stable() {
        let raw = b"0 0 m 10 10 l S\n".repeat(50);
        let z = zlib(&raw, PER_DOCUMENT);
        assert!(z.len() < raw.len() / 5);
        let mut back = Vec::new();
        let mut d = flate2::read::ZlibDecoder::new(&z[..]);
        let _ = std::io::Read::read_to_end(&mut d, &mut back);
        assert_eq!(back, raw);
        for data in [&b""[..], b"abc", &[7u8; 70_000][..]] {
            let mut back = Vec::new();
            let s = stored(data);
            let mut d = flate2::read::ZlibDecoder::new(&s[..]);
            std::io::Read::read_to_end(&mut d, &mut back).expect("a valid stream");
            assert_eq!(back, data);
            let best = deflate_best(data);
            let mut back = Vec::new();
            let mut d = flate2::read::ZlibDecoder::new(&best[..]);
            std::io::Read::read_to_end(&mut d, &mut back).expect("a valid stream");
            assert_eq!(back, data);
        }
    }

    /// The level a zlib header announces (FLEVEL: 0 fastest … 3 strongest).
    fn flevel(z: &[u8]) -> u8 {
        z[1] >> 6
    }

    #[test]
    fn own_streams_are_compressed_at_the_level_the_file_is_finished_at() {
        let raw: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{} {} l\n", i % 97, i % 13).into_bytes())
            .collect();
        let kept = deflate_shared(&raw[..5_000]);
        let (root, info, own, shared) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
        let objects = |f: &mut PdfFile| {
            f.indirect(root)
                .dict()
                .pair(Name(b"Type"), Name(b"Catalog"));
            f.indirect(info).dict().pair(Name(b"Title"), TextStr("t"));
        };
        let mut f = PdfFile::default();
        objects(&mut f);
        f.stream_of(&raw, false, move |c, data| {
            c.stream(own, data).filter(Filter::FlateDecode);
        });
        f.stream_of(&kept, true, move |c, data| {
            c.stream(shared, data).filter(Filter::FlateDecode);
        });
        // The same file with its streams compressed as it is written.
        let direct = |level: i32| {
            let mut d = PdfFile::default();
            objects(&mut d);
            let own_data = zlib(&raw, level);
            d.stream(|c| {
                c.stream(own, &own_data).filter(Filter::FlateDecode);
            });
            d.stream(|c| {
                c.stream(shared, &kept).filter(Filter::FlateDecode);
            });
            d.finish_at(root, info, Ref::new(5), level)
        };
        let streams = |pdf: &[u8]| {
            let doc = lopdf::Document::load_mem(pdf).expect("parses");
            [own, shared].map(|r| {
                let s = doc
                    .get_object((r.get() as u32, 0))
                    .unwrap()
                    .as_stream()
                    .unwrap();
                (flevel(&s.content), s.decompressed_content().unwrap())
            })
        };
        let fast = f.finish_at(root, info, Ref::new(5), FAST);
        let harder = f.finish_at(root, info, Ref::new(5), PER_DOCUMENT);
        // Finishing leaves the file as it was: again, the same bytes.
        assert_eq!(f.finish_at(root, info, Ref::new(5), FAST), fast);
        assert_eq!(fast, direct(FAST));
        assert_eq!(harder, direct(PER_DOCUMENT));
        assert!(harder.len() < fast.len());
        let ([(l0, a0), (k0, b0)], [(l1, a1), (k1, b1)]) = (streams(&fast), streams(&harder));
        assert_eq!((l0, l1), (0, 2));
        // The kept stream is the same bytes at either level.
        assert_eq!((k0, k1), (flevel(&kept), flevel(&kept)));
        assert_eq!((a0, a1), (raw.clone(), raw.clone()));
        assert_eq!((b0, b1), (raw[..5_000].to_vec(), raw[..5_000].to_vec()));
        // The next document on this thread takes the buffer of the own
        // streams' bytes, empty, and writes the same file with it.
        let room = f.raw.capacity();
        drop(f);
        let mut g = PdfFile::default();
        assert!(g.raw.is_empty() && g.raw.capacity() == room && room >= raw.len());
        objects(&mut g);
        g.stream_of(&raw, false, move |c, data| {
            c.stream(own, data).filter(Filter::FlateDecode);
        });
        g.stream_of(&kept, true, move |c, data| {
            c.stream(shared, data).filter(Filter::FlateDecode);
        });
        assert_eq!(g.finish_at(root, info, Ref::new(5), FAST), fast);
    }
}
