//! One PDF of many handouts, for a print shop: in the given order, a
//! bookmark per clinic, and a blank page after a clinic that ends on a
//! right-hand page, so that in duplex printing every clinic starts on a
//! front (right-hand, odd) page.
//!
//! Written handout by handout, so memory stays flat however many clinics
//! there are: each handout is parsed with `lopdf`, its objects renumbered
//! after the ones already written and serialised with `pdf-writer` straight
//! into the output; its pages are hung under one page tree (attributes a
//! page inherited from its own tree are copied onto it first). What is kept
//! until the end is small: each object's file offset (8 bytes), each page's
//! number and each clinic's bookmark title; the page tree, the outline, the
//! catalog and the cross-reference table are written last.

use crate::error::{Error, Result};
use lopdf::{Document, Object, ObjectId};
use pdf_writer::{Chunk, Name, Rect, Ref, Str, TextStr};
use std::io::Write;

/// What [`combine_to`] joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Combined {
    /// Handouts joined.
    pub clinics: usize,
    /// Pages in the file, blanks included.
    pub pages: usize,
    /// Blank pages inserted.
    pub blanks: usize,
}

/// Attributes a page may inherit from its page tree (ISO 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Resources", b"Rotate"];

/// A4 in points, for a blank page after a handout without a `MediaBox`.
fn a4() -> Rect {
    Rect::new(0.0, 0.0, 595.28, 841.89)
}

fn pdf_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Pdf(format!("combined PDF: {what}: {e}"))
}

/// The output file: objects are written as they come, their offsets kept
/// for the cross-reference table.
struct Sink<'w> {
    w: &'w mut dyn Write,
    pos: u64,
    /// File offset of object `i + 1`.
    offsets: Vec<u64>,
}

impl Sink<'_> {
    fn bytes(&mut self, b: &[u8]) -> Result<()> {
        self.w.write_all(b).map_err(|e| pdf_err("writing", e))?;
        self.pos += b.len() as u64;
        Ok(())
    }

    /// A new object number.
    fn alloc(&mut self) -> Ref {
        self.offsets.push(0);
        Ref::new(self.offsets.len() as i32)
    }

    /// Writes `chunk`, which holds the one object `id`.
    fn object(&mut self, id: Ref, chunk: &Chunk) -> Result<()> {
        self.offsets[id.get() as usize - 1] = self.pos;
        self.bytes(chunk.as_bytes())
    }
}

/// Joins `parts` (bookmark title, PDF bytes) into one PDF written to `out`,
/// one handout at a time.
pub fn combine_to<I>(parts: I, out: &mut dyn Write) -> Result<Combined>
where
    I: IntoIterator<Item = Result<(String, Vec<u8>)>>,
{
    let mut sink = Sink {
        w: out,
        pos: 0,
        offsets: Vec::new(),
    };
    sink.bytes(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
    let pages_id = sink.alloc();
    let mut kids: Vec<Ref> = Vec::new();
    let mut bookmarks: Vec<(String, Ref)> = Vec::new();
    let mut stats = Combined::default();
    for part in parts {
        let (title, bytes) = part?;
        let first = append(&mut sink, &title, &bytes, pages_id, &mut kids, &mut stats)?;
        bookmarks.push((title, first));
        stats.clinics += 1;
    }
    if stats.clinics == 0 {
        return Err(Error::Pdf(
            "combined PDF: no handout to join (no clinic was built)".into(),
        ));
    }
    let mut chunk = Chunk::new();
    chunk
        .pages(pages_id)
        .kids(kids.iter().copied())
        .count(count(kids.len()));
    sink.object(pages_id, &chunk)?;
    let outline = write_outline(&mut sink, &bookmarks)?;
    let catalog = sink.alloc();
    let mut chunk = Chunk::new();
    {
        let mut cat = chunk.indirect(catalog).dict();
        cat.pair(Name(b"Type"), Name(b"Catalog"));
        cat.pair(Name(b"Pages"), pages_id);
        cat.pair(Name(b"Outlines"), outline);
        cat.pair(Name(b"PageMode"), Name(b"UseOutlines"));
    }
    sink.object(catalog, &chunk)?;
    write_xref(&mut sink, catalog)?;
    Ok(stats)
}

/// Writes one handout's objects and pages (and a blank page when it has an
/// odd number of them); returns its first page.
fn append(
    sink: &mut Sink,
    title: &str,
    bytes: &[u8],
    pages_id: Ref,
    kids: &mut Vec<Ref>,
    stats: &mut Combined,
) -> Result<Ref> {
    let mut src = Document::load_mem(bytes).map_err(|e| pdf_err(title, e))?;
    // Every object keeps its number, shifted after the ones written so far;
    // the handout's catalog, page tree, outline root and object streams are
    // written as `null`, so references to them stay valid and lead nowhere.
    // Object numbers after the ones written so far, without gaps.
    let start = sink.offsets.len() as u32 + 1;
    src.renumber_objects_with(start);
    let pages: Vec<ObjectId> = src.get_pages().into_values().collect();
    let Some(&first) = pages.first() else {
        return Err(pdf_err(title, "the handout has no pages"));
    };
    let mut last_box = None;
    for &pid in &pages {
        let inherited = inherited_attributes(&src, pid);
        let page = src
            .get_object_mut(pid)
            .and_then(Object::as_dict_mut)
            .map_err(|e| pdf_err(title, e))?;
        for (k, v) in inherited {
            if !page.has(&k) {
                page.set(k, v);
            }
        }
        page.set("Parent", Object::Reference((pages_id.get() as u32, 0)));
        last_box = page.get(b"MediaBox").ok().cloned();
        kids.push(to_ref(pid));
    }
    let root = src.trailer.get(b"Root").and_then(Object::as_reference).ok();
    for ((n, g), obj) in std::mem::take(&mut src.objects) {
        // Renumbered from `start` without gaps; anything else is skipped.
        while (sink.offsets.len() as u32) < n.saturating_sub(1) {
            let gap = sink.alloc();
            null(sink, gap)?;
        }
        if n != sink.offsets.len() as u32 + 1 {
            continue;
        }
        let id = sink.alloc();
        if Some((n, g)) == root || is_structure(&obj) {
            null(sink, id)?;
        } else {
            let mut chunk = Chunk::new();
            put_indirect(&mut chunk, id, &obj);
            sink.object(id, &chunk)?;
        }
    }
    stats.pages += pages.len();
    if pages.len() % 2 == 1 {
        let content = sink.alloc();
        let mut chunk = Chunk::new();
        chunk.stream(content, &[]);
        sink.object(content, &chunk)?;
        let blank = sink.alloc();
        let mut chunk = Chunk::new();
        {
            let mut page = chunk.page(blank);
            page.parent(pages_id).contents(content);
            page.media_box(last_box.as_ref().and_then(rect).unwrap_or_else(a4));
            page.resources();
        }
        sink.object(blank, &chunk)?;
        kids.push(blank);
        stats.pages += 1;
        stats.blanks += 1;
    }
    Ok(to_ref(first))
}

/// Writes `null` as object `id`.
fn null(sink: &mut Sink, id: Ref) -> Result<()> {
    let mut chunk = Chunk::new();
    chunk.indirect(id).primitive(pdf_writer::Null);
    sink.object(id, &chunk)
}

/// True for the objects of a handout that the joined file replaces: its
/// page-tree nodes, outline root and catalog, and object or xref streams
/// (their objects were unpacked when it was read).
fn is_structure(obj: &Object) -> bool {
    let dict = match obj {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        _ => return false,
    };
    dict.get(b"Type")
        .and_then(Object::as_name)
        .is_ok_and(|n| matches!(n, b"Pages" | b"Catalog" | b"Outlines" | b"ObjStm" | b"XRef"))
}

fn to_ref(id: ObjectId) -> Ref {
    Ref::new(i32::try_from(id.0).unwrap_or(i32::MAX).max(1))
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A `MediaBox` array as a rectangle.
fn rect(o: &Object) -> Option<Rect> {
    let a = o.as_array().ok()?;
    let v: Vec<f32> = a.iter().filter_map(|x| x.as_float().ok()).collect();
    (v.len() == 4).then(|| Rect::new(v[0], v[1], v[2], v[3]))
}

/// One object of a handout as indirect object `id`.
fn put_indirect(chunk: &mut Chunk, id: Ref, obj: &Object) {
    match obj {
        Object::Stream(s) => {
            let mut stream = chunk.stream(id, &s.content);
            for (k, v) in s.dict.iter() {
                // pdf-writer writes the length of the data it was given.
                if k.as_slice() != b"Length" {
                    put(stream.insert(Name(k)), v);
                }
            }
        }
        other => put(chunk.indirect(id), other),
    }
}

/// A direct object, as lopdf read it.
fn put(w: pdf_writer::Obj<'_>, obj: &Object) {
    match obj {
        Object::Null | Object::Stream(_) => w.primitive(pdf_writer::Null),
        Object::Boolean(b) => w.primitive(*b),
        Object::Integer(i) => match i32::try_from(*i) {
            Ok(i) => w.primitive(i),
            Err(_) => w.primitive(*i as f32),
        },
        Object::Real(r) => w.primitive(*r),
        Object::Name(n) => w.primitive(Name(n)),
        Object::String(s, _) => w.primitive(Str(s)),
        Object::Reference(id) if id.0 > 0 && i32::try_from(id.0).is_ok() => {
            w.primitive(to_ref(*id))
        }
        Object::Reference(_) => w.primitive(pdf_writer::Null),
        Object::Array(items) => {
            let mut a = w.array();
            for x in items {
                put(a.push(), x);
            }
        }
        Object::Dictionary(d) => {
            let mut dict = w.dict();
            for (k, v) in d.iter() {
                put(dict.insert(Name(k)), v);
            }
        }
    }
}

/// The outline: one item per clinic, opening its first page; returns its root.
fn write_outline(sink: &mut Sink, bookmarks: &[(String, Ref)]) -> Result<Ref> {
    let root = sink.alloc();
    let items: Vec<Ref> = bookmarks.iter().map(|_| sink.alloc()).collect();
    let mut chunk = Chunk::new();
    chunk
        .outline(root)
        .first(items[0])
        .last(items[items.len() - 1])
        .count(count(items.len()));
    sink.object(root, &chunk)?;
    for (i, ((title, page), &id)) in bookmarks.iter().zip(&items).enumerate() {
        let mut chunk = Chunk::new();
        {
            let mut item = chunk.outline_item(id);
            item.title(TextStr(title)).parent(root);
            if i > 0 {
                item.prev(items[i - 1]);
            }
            if let Some(&next) = items.get(i + 1) {
                item.next(next);
            }
            item.dest().page(*page).fit();
        }
        sink.object(id, &chunk)?;
    }
    Ok(root)
}

/// The cross-reference table and trailer (ISO 32000-1, 7.5.4 and 7.5.5).
fn write_xref(sink: &mut Sink, catalog: Ref) -> Result<()> {
    let start = sink.pos;
    let size = sink.offsets.len() + 1;
    let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
    for i in 0..sink.offsets.len() {
        table.push_str(&format!("{:010} 00000 n\r\n", sink.offsets[i]));
        if table.len() > 1 << 16 {
            sink.bytes(table.as_bytes())?;
            table.clear();
        }
    }
    table.push_str(&format!(
        "trailer\n<< /Size {size} /Root {} 0 R >>\nstartxref\n{start}\n%%EOF\n",
        catalog.get()
    ));
    sink.bytes(table.as_bytes())
}

/// The inheritable attributes of page `pid` found on its ancestors.
fn inherited_attributes(doc: &Document, pid: ObjectId) -> Vec<(Vec<u8>, Object)> {
    let mut found: Vec<(Vec<u8>, Object)> = Vec::new();
    let mut node = doc
        .get_dictionary(pid)
        .ok()
        .and_then(|d| d.get(b"Parent").ok())
        .and_then(|p| p.as_reference().ok());
    let mut depth = 0;
    while let Some(id) = node {
        let Ok(dict) = doc.get_dictionary(id) else {
            break;
        };
        for key in INHERITED {
            if !found.iter().any(|(k, _)| k == key)
                && let Ok(v) = dict.get(key)
            {
                found.push((key.to_vec(), v.clone()));
            }
        }
        node = dict.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
        depth += 1;
        if depth > 64 {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, Stream};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A small PDF of `pages` pages with `label` on each.
    fn handout(label: &str, pages: usize) -> Vec<u8> {
        fn dict(pairs: Vec<(&str, Object)>) -> Object {
            let mut d = Dictionary::new();
            for (k, v) in pairs {
                d.set(k, v);
            }
            Object::Dictionary(d)
        }
        let name = |n: &str| Object::Name(n.as_bytes().to_vec());
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dict(vec![
            ("Type", name("Font")),
            ("Subtype", name("Type1")),
            ("BaseFont", name("Helvetica")),
        ]));
        let mut kids = Vec::new();
        for i in 0..pages {
            let text = format!("BT /F1 12 Tf 72 720 Td ({label} {i}) Tj ET");
            let content = doc.add_object(Stream::new(Dictionary::new(), text.into_bytes()));
            kids.push(Object::Reference(doc.add_object(dict(vec![
                ("Type", name("Page")),
                ("Parent", pages_id.into()),
                ("Contents", content.into()),
            ]))));
        }
        let resources = dict(vec![("Font", dict(vec![("F1", font.into())]))]);
        doc.objects.insert(
            pages_id,
            dict(vec![
                ("Type", name("Pages")),
                ("Count", (pages as i64).into()),
                ("Kids", Object::Array(kids)),
                (
                    "MediaBox",
                    Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
                ),
                ("Resources", resources),
            ]),
        );
        let catalog = doc.add_object(dict(vec![
            ("Type", name("Catalog")),
            ("Pages", pages_id.into()),
        ]));
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    /// Counts what reached the writer.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn joins_in_order_with_blanks_and_bookmarks() {
        let parts = vec![
            Ok(("a A".to_string(), handout("alpha", 3))),
            Ok(("b B".to_string(), handout("beta", 2))),
            Ok(("c C".to_string(), handout("gamma", 1))),
        ];
        let mut out = Vec::new();
        let stats = combine_to(parts, &mut out).unwrap();
        assert_eq!(
            stats,
            Combined {
                clinics: 3,
                pages: 8,
                blanks: 2
            }
        );
        let doc = Document::load_mem(&out).unwrap();
        assert_eq!(doc.get_pages().len(), 8);
        let toc = doc.get_toc().unwrap();
        let got: Vec<(String, usize)> = toc.toc.iter().map(|t| (t.title.clone(), t.page)).collect();
        assert_eq!(
            got,
            vec![("a A".into(), 1), ("b B".into(), 5), ("c C".into(), 7)]
        );
        // Inherited attributes moved onto the pages.
        for (_, pid) in doc.get_pages() {
            let page = doc.get_dictionary(pid).unwrap();
            assert!(page.has(b"MediaBox") && page.has(b"Resources"));
        }
        let text = doc.extract_text(&[5]).unwrap();
        assert!(text.contains("beta 0"), "{text}");
    }

    /// The first handout is in the output before the second is even read.
    #[test]
    fn writes_each_handout_before_reading_the_next() {
        let sink = Shared::default();
        let seen = sink.clone();
        let mut written_before_second = 0;
        let parts = (0..3).map(|i| {
            if i == 1 {
                written_before_second = seen.0.borrow().len();
            }
            Ok((format!("k{i}"), handout(&format!("h{i}"), 1)))
        });
        let mut w = sink.clone();
        combine_to(parts, &mut w).unwrap();
        let one = handout("h0", 1).len();
        assert!(
            written_before_second >= one / 2,
            "{written_before_second} bytes written before the second handout (one is {one})"
        );
    }

    #[test]
    fn nothing_to_join_is_an_error() {
        let mut out = Vec::new();
        let e = combine_to(Vec::new(), &mut out).unwrap_err();
        assert!(e.to_string().contains("no handout"), "{e}");
    }
}
