//! The file: objects written with `pdf-writer`, assembled with an object
//! stream, and stream compression (`flate2` on the `zlib-rs` backend).
//!
//! `pdf-writer` writes every object (dictionaries, streams, all PDF syntax)
//! but has no object streams; without them each of a handout's hundreds of
//! structure elements is a plain uncompressed object, which costs about
//! 45 KB. So the dictionaries are collected in one chunk and packed into a
//! single compressed object stream here, and the cross-reference stream
//! that points into it is written here too. The trailer `/ID` is a hash of
//! everything written before it, so unchanged input gives a byte-identical
//! file.

use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::ops::{Deref, DerefMut};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Chunk, Filter, Name, Ref, Settings, Str};

fn settings() -> Settings {
    Settings { pretty: false }
}

/// A PDF under construction. Dictionaries and arrays are written into the
/// chunk it dereferences to; streams through [`PdfFile::stream`].
pub(crate) struct PdfFile {
    objects: Chunk,
    /// One chunk per stream object.
    streams: Vec<Chunk>,
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
        }
    }
}

impl PdfFile {
    /// Writes one stream object with `f` (which must write exactly one).
    pub(crate) fn stream(&mut self, f: impl FnOnce(&mut Chunk)) {
        let mut c = Chunk::with_settings(settings());
        f(&mut c);
        self.streams.push(c);
    }

    /// The file, with `root` as the catalog, `info` as the document
    /// information and `next` a free object number.
    pub(crate) fn finish(self, root: Ref, info: Ref, next: Ref) -> Vec<u8> {
        let packed = split_objects(&self.objects);
        let objstm_id = next;
        let xref_id = next.next();
        let size = xref_id.get() as usize + 1;
        let mut out: Vec<u8> = Vec::with_capacity(
            self.streams.iter().map(Chunk::len).sum::<usize>() + self.objects.len() / 3 + 1024,
        );
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        // (type, field 2, field 3) per object number; free by default.
        let mut xref: Vec<(u8, u64, u16)> = vec![(0, 0, 0xFFFF); size];
        for chunk in &self.streams {
            for r in chunk.refs() {
                if let Some(e) = xref.get_mut(r.get() as usize) {
                    *e = (1, out.len() as u64, 0);
                }
            }
            out.extend_from_slice(chunk.as_bytes());
        }
        match packed {
            Some(objects) if !objects.is_empty() => {
                let mut head = Vec::new();
                let mut body = Vec::new();
                for (i, (r, bytes)) in objects.iter().enumerate() {
                    let _ = write!(head, "{} {} ", r.get(), body.len());
                    body.extend_from_slice(bytes);
                    body.push(b'\n');
                    if let Some(e) = xref.get_mut(r.get() as usize) {
                        *e = (2, u64::from(objstm_id.get() as u32), i as u16);
                    }
                }
                let first = head.len();
                head.extend_from_slice(&body);
                let data = deflate(&head);
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
        let mut table = Vec::with_capacity(size * (3 + w2));
        for (t, f2, f3) in &xref {
            table.push(*t);
            table.extend_from_slice(&f2.to_be_bytes()[8 - w2..]);
            table.extend_from_slice(&f3.to_be_bytes());
        }
        let id = file_id(&out);
        let data = deflate(&table);
        let mut c = Chunk::with_settings(settings());
        {
            let mut s = c.stream(xref_id, &data);
            s.filter(Filter::FlateDecode)
                .pair(Name(b"Type"), Name(b"XRef"))
                .pair(Name(b"Size"), size as i32)
                .pair(Name(b"Root"), root)
                .pair(Name(b"Info"), info);
            s.insert(Name(b"W")).array().items([1, w2 as i32, 2]);
            s.insert(Name(b"ID")).array().items([Str(&id), Str(&id)]);
        }
        out.extend_from_slice(c.as_bytes());
        let _ = write!(out, "startxref\n{xref_at}\n%%EOF\n");
        out
    }
}

/// The objects of a chunk of non-stream objects, each as its body (what
/// stands between `N 0 obj` and `endobj`), in the order written; `None`
/// if the chunk is not laid out as `pdf-writer` writes compact objects.
fn split_objects(chunk: &Chunk) -> Option<Vec<(Ref, &[u8])>> {
    let bytes = chunk.as_bytes();
    let mut at = 0;
    let mut out = Vec::new();
    for r in chunk.refs() {
        let head = format!("{} 0 obj\n", r.get());
        if !bytes.get(at..)?.starts_with(head.as_bytes()) {
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
    chunk
        .refs()
        .filter_map(|r| {
            let head = format!("{} 0 obj\n", r.get());
            let at = from + find(bytes.get(from..)?, head.as_bytes())?;
            from = at + head.len();
            Some((r, at))
        })
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn zlib(raw: &[u8], level: u32) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(
        Vec::with_capacity(raw.len() / 3 + 64),
        Compression::new(level),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(raw);
    enc.finish().unwrap_or_default()
}

/// zlib stream of `raw` at the default level (content streams, per document).
pub(crate) fn deflate(raw: &[u8]) -> Vec<u8> {
    zlib(raw, 6)
}

/// zlib stream of `raw` at the best level (data encoded once and reused:
/// images, font programs).
pub(crate) fn deflate_best(raw: &[u8]) -> Vec<u8> {
    zlib(raw, 9)
}

/// 16 bytes identifying `data` (for the trailer `/ID`).
pub(crate) fn file_id(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for seed in [0x7465_6269_6b69_u64, 0x6775_6964_6570_6466] {
        // SipHash with fixed keys: the same bytes give the same id.
        let mut h = std::hash::DefaultHasher::new();
        seed.hash(&mut h);
        data.hash(&mut h);
        out.extend_from_slice(&h.finish().to_be_bytes());
    }
    out
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
            let data = deflate(&b"0 0 m 10 10 l S\n".repeat(50));
            f.stream(|c| {
                c.stream(content, &data).filter(Filter::FlateDecode);
            });
            f.finish(root, info, Ref::new(5))
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
    }

    #[test]
    fn round_trips_and_ids_are_stable() {
        let raw = b"0 0 m 10 10 l S\n".repeat(50);
        let z = deflate(&raw);
        assert!(z.len() < raw.len() / 5);
        let mut back = Vec::new();
        let mut d = flate2::read::ZlibDecoder::new(&z[..]);
        let _ = std::io::Read::read_to_end(&mut d, &mut back);
        assert_eq!(back, raw);
        assert_eq!(file_id(b"a"), file_id(b"a"));
        assert_ne!(file_id(b"a"), file_id(b"b"));
        assert_eq!(file_id(b"").len(), 16);
    }
}
