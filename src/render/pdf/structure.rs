//! The logical structure of a document, for tagged PDF: which element
//! (heading, paragraph, list item, table cell, figure …) each glyph run and
//! drawing belongs to. Layout builds the element tree in reading order and
//! marks the commands it emits with their element; the writer turns that
//! into marked content and the `/StructTreeRoot`. Commands without an
//! element (running heads, rules, tints, icons) are artifacts.

use pdf_writer::types::StructRole;

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

    pub(crate) fn pdf(self) -> StructRole {
        match self {
            Role::H1 => StructRole::H1,
            Role::H2 => StructRole::H2,
            Role::H3 => StructRole::H3,
            Role::H4 => StructRole::H4,
            Role::P => StructRole::P,
            Role::L => StructRole::L,
            Role::LI => StructRole::LI,
            Role::LBody => StructRole::LBody,
            Role::Table => StructRole::Table,
            Role::TR => StructRole::TR,
            Role::TH => StructRole::TH,
            Role::TD => StructRole::TD,
            Role::Figure => StructRole::Figure,
            Role::Div => StructRole::Div,
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
