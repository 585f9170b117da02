//! The logical structure of a document, for tagged PDF: which element
//! (heading, paragraph, list item, table cell, figure …) each glyph run and
//! drawing belongs to. Layout builds the element tree in reading order and
//! marks the commands it emits with their element; the writer turns that
//! into marked content and the `/StructTreeRoot`. Commands without an
//! element (running heads, rules, tints, icons) are artifacts.

use pdf_writer::{Finish, Name, Obj, Ref, TextStr};

use super::file::PdfFile;

use super::layout::{Item, Unit};

/// The kind of a structure element (standard PDF 1.7 structure types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    H1,
    H2,
    H3,
    H4,
    P,
    L,
    LI,
    LBody,
    Table,
    TR,
    TH,
    TD,
    Figure,
    Div,
}

impl Role {
    /// A heading of `level` (1 = part) under the document title (`H1`).
    pub(crate) fn heading(level: u8) -> Role {
        match level {
            1 => Role::H2,
            2 => Role::H3,
            _ => Role::H4,
        }
    }

    /// The marked-content tag of content belonging to this element.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Role::Figure => "Figure",
            Role::H1 | Role::H2 | Role::H3 | Role::H4 => "H",
            _ => "P",
        }
    }
}

/// One structure element; its id is its index + 1 (0 means "no element").
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub role: Role,
    pub parent: u32,
    /// Alternative text (figures).
    pub alt: Option<String>,
}

/// The element tree under construction: elements in reading order and the
/// chain of open ones.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    open: Vec<u32>,
}

impl Tree {
    /// Adds an element under the innermost open one and opens it.
    pub(crate) fn open(&mut self, role: Role, alt: Option<String>) -> u32 {
        let id = self.add(role, alt);
        self.open.push(id);
        id
    }

    /// Adds an element under the innermost open one without opening it.
    pub(crate) fn add(&mut self, role: Role, alt: Option<String>) -> u32 {
        let parent = self.open.last().copied().unwrap_or(0);
        self.nodes.push(Node { role, parent, alt });
        self.nodes.len() as u32
    }

    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        self.open.pop();
    }
}

/// Gives every not yet tagged glyph run and drawing in `cmds` to `id`.
pub(crate) fn claim(cmds: &mut [Item], id: u32) {
    for c in cmds {
        match c {
            Item::Glyphs { tag, .. } | Item::Group { tag, .. } if *tag == 0 => *tag = id,
            _ => {}
        }
    }
}

/// [`claim`] over the strips of `units`.
pub(crate) fn claim_units(units: &mut [Unit], id: u32) {
    for u in units {
        if let Unit::Strip { strip, .. } | Unit::Float(strip) = u {
            claim(&mut strip.cmds, id);
        }
    }
}

/// Makes every command of `cmds` an artifact (a repeated table header).
pub(crate) fn release(cmds: &mut [Item]) {
    for c in cmds {
        if let Item::Glyphs { tag, .. } | Item::Group { tag, .. } = c {
            *tag = 0;
        }
    }
}

impl Role {
    /// The standard structure type's name (`/S`).
    fn name(self) -> &'static [u8] {
        match self {
            Role::H1 => b"H1",
            Role::H2 => b"H2",
            Role::H3 => b"H3",
            Role::H4 => b"H4",
            Role::P => b"P",
            Role::L => b"L",
            Role::LI => b"LI",
            Role::LBody => b"LBody",
            Role::Table => b"Table",
            Role::TR => b"TR",
            Role::TH => b"TH",
            Role::TD => b"TD",
            Role::Figure => b"Figure",
            Role::Div => b"Div",
        }
    }
}

/// Writes the structure tree: the `/StructTreeRoot` (returned, for the
/// catalog), one `/Document` element holding the elements of `nodes` in
/// reading order, and the parent tree (per page, the element of each
/// marked-content id of `page_mcids`). `next` hands out object numbers.
///
/// Written compactly, as PDF 1.7 allows and readers expect: an element
/// names its page once (`/Pg`, the page of its first marked content) and
/// lists the marked content on that page as bare ids; only content on
/// another page (an element split over a page break) takes a marked-content
/// reference with its own `/Pg`. A single kid is not wrapped in an array,
/// and the optional `/Type /StructElem` is left out. The tree is the same
/// tree either way (tested by reading it back).
pub(crate) fn write(
    pdf: &mut PdfFile,
    next: &mut impl FnMut() -> Ref,
    nodes: &[Node],
    page_mcids: &[Vec<u32>],
    page_ids: &[Ref],
) -> Ref {
    let root = next();
    let document = next();
    let refs: Vec<Ref> = nodes.iter().map(|_| next()).collect();
    let node_ref = |tag: u32| {
        usize::try_from(tag)
            .ok()
            .and_then(|t| t.checked_sub(1))
            .and_then(|i| refs.get(i))
            .copied()
    };
    // Marked content of each element, (page, mcid), in reading order.
    let mut content: Vec<Vec<(usize, i32)>> = vec![Vec::new(); nodes.len()];
    for (page, mcids) in page_mcids.iter().enumerate() {
        for (mcid, &tag) in mcids.iter().enumerate() {
            if let Some(list) = usize::try_from(tag)
                .ok()
                .and_then(|t| t.checked_sub(1))
                .and_then(|i| content.get_mut(i))
            {
                list.push((page, mcid as i32));
            }
        }
    }
    let mut children: Vec<Vec<Ref>> = vec![Vec::new(); nodes.len() + 1];
    for (i, n) in nodes.iter().enumerate() {
        children[n.parent as usize].push(refs[i]);
    }
    element(
        pdf,
        document,
        b"Document",
        root,
        None,
        None,
        &[],
        &children[0],
    );
    for (i, n) in nodes.iter().enumerate() {
        let mcrs: Vec<(Option<Ref>, i32)> = content[i]
            .iter()
            .map(|&(page, mcid)| (page_ids.get(page).copied(), mcid))
            .collect();
        element(
            pdf,
            refs[i],
            n.role.name(),
            node_ref(n.parent).unwrap_or(document),
            n.alt.as_deref(),
            mcrs.first().and_then(|m| m.0),
            &mcrs,
            &children[i + 1],
        );
    }
    let parents: Vec<Ref> = page_mcids
        .iter()
        .map(|mcids| {
            let id = next();
            pdf.indirect(id)
                .array()
                .items(mcids.iter().map(|&t| node_ref(t).unwrap_or(document)));
            id
        })
        .collect();
    let mut r = pdf.indirect(root).dict();
    r.pair(Name(b"Type"), Name(b"StructTreeRoot"))
        .pair(Name(b"K"), document);
    let mut nums = r.insert(Name(b"ParentTree")).dict();
    let mut nums = nums.insert(Name(b"Nums")).array();
    for (page, id) in parents.iter().enumerate() {
        nums.item(page as i32).item(*id);
    }
    nums.finish();
    root
}

/// One structure element: kind `role` under `parent`, its marked content
/// (page, id) — bare ids for content on `page`, references elsewhere —
/// then its child elements.
#[allow(clippy::too_many_arguments)]
fn element(
    pdf: &mut PdfFile,
    id: Ref,
    role: &[u8],
    parent: Ref,
    alt: Option<&str>,
    page: Option<Ref>,
    mcrs: &[(Option<Ref>, i32)],
    kids: &[Ref],
) {
    let mut e = pdf.indirect(id).dict();
    e.pair(Name(b"S"), Name(role)).pair(Name(b"P"), parent);
    if let Some(p) = page {
        e.pair(Name(b"Pg"), p);
    }
    if let Some(alt) = alt {
        e.pair(Name(b"Alt"), TextStr(alt));
    }
    let kid = |k: Obj<'_>, i: usize| {
        if let Some(&(pg, mcid)) = mcrs.get(i) {
            if pg == page {
                k.primitive(mcid);
            } else {
                let mut m = k.dict();
                m.pair(Name(b"Type"), Name(b"MCR"))
                    .pair(Name(b"MCID"), mcid);
                if let Some(pg) = pg {
                    m.pair(Name(b"Pg"), pg);
                }
            }
        } else if let Some(r) = kids.get(i - mcrs.len()) {
            k.primitive(*r);
        }
    };
    match mcrs.len() + kids.len() {
        0 => {}
        1 => kid(e.insert(Name(b"K")), 0),
        n => {
            let mut k = e.insert(Name(b"K")).array();
            for i in 0..n {
                kid(k.push(), i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Object;

    /// A paragraph split over two pages and a figure: read back, every
    /// element has its parent, page and marked content, and the parent
    /// tree points each id at its element.
    #[test]
    fn the_compact_tree_reads_back_as_written() {
        let nodes = vec![
            Node {
                role: Role::P,
                parent: 0,
                alt: None,
            },
            Node {
                role: Role::Figure,
                parent: 0,
                alt: Some("図".into()),
            },
        ];
        // Page 1: ids 0, 1 of the paragraph; page 2: id 0 of the
        // paragraph, id 1 of the figure.
        let page_mcids = vec![vec![1, 1], vec![1, 2]];
        let mut file = PdfFile::default();
        let (catalog, pages) = (Ref::new(1), Ref::new(2));
        let page_ids = [Ref::new(3), Ref::new(4)];
        let mut n = 4;
        let root = write(
            &mut file,
            &mut || {
                n += 1;
                Ref::new(n)
            },
            &nodes,
            &page_mcids,
            &page_ids,
        );
        file.pages(pages).kids(page_ids).count(2);
        for p in page_ids {
            file.page(p).parent(pages);
        }
        file.indirect(catalog)
            .dict()
            .pair(Name(b"Type"), Name(b"Catalog"))
            .pair(Name(b"Pages"), pages)
            .pair(Name(b"StructTreeRoot"), root);
        let info = Ref::new(n + 1);
        file.indirect(info)
            .dict()
            .pair(Name(b"Title"), TextStr("t"));
        let bytes = file.finish_at(
            catalog,
            info,
            Ref::new(n + 2),
            crate::render::pdf::file::PER_DOCUMENT,
        );
        let doc = lopdf::Document::load_mem(&bytes).expect("parses");
        let dict = |r: Ref| doc.get_dictionary((r.get() as u32, 0)).expect("dict");
        let reference = |o: &Object| {
            let (n, _) = o.as_reference().expect("reference");
            Ref::new(n as i32)
        };
        let r = dict(root);
        assert_eq!(
            r.get(b"Type").unwrap().as_name().unwrap(),
            b"StructTreeRoot"
        );
        let document = reference(r.get(b"K").unwrap());
        let d = dict(document);
        assert_eq!(d.get(b"S").unwrap().as_name().unwrap(), b"Document");
        assert_eq!(reference(d.get(b"P").unwrap()), root);
        let kids = d.get(b"K").unwrap().as_array().unwrap();
        let (p, fig) = (reference(&kids[0]), reference(&kids[1]));
        let p = dict(p);
        assert_eq!(p.get(b"S").unwrap().as_name().unwrap(), b"P");
        assert_eq!(reference(p.get(b"P").unwrap()), document);
        assert_eq!(reference(p.get(b"Pg").unwrap()), page_ids[0]);
        let k = p.get(b"K").unwrap().as_array().unwrap();
        assert_eq!(k[0].as_i64().unwrap(), 0);
        assert_eq!(k[1].as_i64().unwrap(), 1);
        // The part on the second page: a reference naming its page.
        let mcr = k[2].as_dict().unwrap();
        assert_eq!(mcr.get(b"MCID").unwrap().as_i64().unwrap(), 0);
        assert_eq!(reference(mcr.get(b"Pg").unwrap()), page_ids[1]);
        // One kid: no array.
        let f = dict(fig);
        assert_eq!(f.get(b"K").unwrap().as_i64().unwrap(), 1);
        assert_eq!(reference(f.get(b"Pg").unwrap()), page_ids[1]);
        assert!(f.get(b"Alt").is_ok());
        // Parent tree: page 2's ids 0 and 1 belong to the paragraph and
        // the figure.
        let tree = r.get(b"ParentTree").unwrap().as_dict().unwrap();
        let nums = tree.get(b"Nums").unwrap().as_array().unwrap();
        assert_eq!(nums.len(), 4);
        let second = doc
            .get_object(nums[3].as_reference().unwrap())
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(reference(&second[0]), reference(&kids[0]));
        assert_eq!(reference(&second[1]), fig);
    }
}
