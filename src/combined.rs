//! One PDF of many handouts, for a print shop: in the given order, a
//! bookmark per clinic, and a blank page after a clinic that ends on a
//! right-hand page, so that in duplex printing every clinic starts on a
//! front (right-hand, odd) page.
//!
//! The handouts are joined with `lopdf` (a maintained PDF object library,
//! already in the build through the PDF stack): each is parsed, its objects
//! renumbered into the joined file, its pages hung under one page tree
//! (attributes a page inherited from its own tree are copied onto it first).
//! The whole joined file is held in memory while it is written: for a
//! national run, join per shard or per region (`--shard`, `--only`).

use crate::error::{Error, Result};
use lopdf::{Bookmark, Dictionary, Document, Object, ObjectId, Stream};

/// What [`combine`] joined.
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

fn pdf_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Pdf(format!("combined PDF: {what}: {e}"))
}

/// Joins `parts` (bookmark title, PDF bytes) into one PDF.
pub fn combine<I>(parts: I) -> Result<(Vec<u8>, Combined)>
where
    I: IntoIterator<Item = Result<(String, Vec<u8>)>>,
{
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    let mut stats = Combined::default();
    for part in parts {
        let (title, bytes) = part?;
        let mut src = Document::load_mem(&bytes).map_err(|e| pdf_err(&title, e))?;
        src.renumber_objects_with(doc.max_id + 1);
        let pages: Vec<ObjectId> = src.get_pages().into_values().collect();
        let Some(&first) = pages.first() else {
            return Err(pdf_err(&title, "the handout has no pages"));
        };
        let mut last_box = None;
        for &pid in &pages {
            let inherited = inherited_attributes(&src, pid);
            let page = src
                .get_object_mut(pid)
                .and_then(Object::as_dict_mut)
                .map_err(|e| pdf_err(&title, e))?;
            for (k, v) in inherited {
                if !page.has(&k) {
                    page.set(k, v);
                }
            }
            page.set("Parent", pages_id);
            last_box = page.get(b"MediaBox").ok().cloned();
            kids.push(pid.into());
        }
        // Move every object but the source's catalog and page-tree nodes.
        let root = src.trailer.get(b"Root").and_then(Object::as_reference).ok();
        for (id, obj) in std::mem::take(&mut src.objects) {
            let is_tree = obj
                .as_dict()
                .ok()
                .and_then(|d| d.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                .is_some_and(|n| n == b"Pages" || n == b"Catalog" || n == b"Outlines");
            if Some(id) == root || is_tree {
                continue;
            }
            doc.objects.insert(id, obj);
        }
        doc.max_id = doc.max_id.max(src.max_id);
        doc.add_bookmark(Bookmark::new(title, [0.0, 0.0, 0.0], 0, first), None);
        stats.clinics += 1;
        stats.pages += pages.len();
        if pages.len() % 2 == 1 {
            let media = last_box.unwrap_or_else(|| {
                // A4 in points.
                Object::Array(vec![0.into(), 0.into(), 595.28.into(), 841.89.into()])
            });
            let content = doc.add_object(Stream::new(Dictionary::new(), Vec::new()));
            let mut blank = Dictionary::new();
            blank.set("Type", Object::Name(b"Page".to_vec()));
            blank.set("Parent", pages_id);
            blank.set("MediaBox", media);
            blank.set("Resources", Dictionary::new());
            blank.set("Contents", content);
            kids.push(doc.add_object(blank).into());
            stats.pages += 1;
            stats.blanks += 1;
        }
    }
    if stats.clinics == 0 {
        return Err(Error::Pdf(
            "combined PDF: no handout to join (no clinic was built)".into(),
        ));
    }
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", stats.pages as i64);
    pages.set("Kids", kids);
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", pages_id);
    if let Some(outline) = doc.build_outline() {
        catalog.set("Outlines", outline);
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| pdf_err("writing", e))?;
    Ok((out, stats))
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
