//! Rich text: Markdown parsed once at load time into a small tree that every
//! renderer (HTML, PDF, help site) walks the same way.
//!
//! Clinic values never pass through Markdown: content refers to them with
//! `{{ field.path }}` placeholders, kept here as [`Inline::Placeholder`] and
//! replaced by [`Inline::Value`] during evaluation. Renderers escape values as
//! plain text, so clinic data cannot inject markup.

use serde::Serialize;

/// A sequence of blocks.
///
/// Serialized (for templates and JSON) as `{ "html": …, "text": … }`: the
/// escaped HTML from [`crate::render::rich_html`] and the plain text; for a
/// serializer that is not human-readable (a cache key), as its tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Rich(pub Vec<Block>);

impl Serialize for Rich {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A compact form (a cache key, `render::key`) takes the tree itself,
        // of which the HTML and the text are functions: nothing rendered.
        if !s.is_human_readable() {
            return self.0.serialize(s);
        }
        // A guide's template context: the value made for an equal text
        // before, when the text holds no clinic value.
        if let Some(v) = crate::render::rich_html::memoised_value(self) {
            return v.serialize(s);
        }
        Rendered(self).serialize(s)
    }
}

/// What templates and JSON see of a rich text: `html`, `inline`, `text`
/// and `empty`, rendered from its tree.
pub(crate) struct Rendered<'a>(pub(crate) &'a Rich);

impl Serialize for Rendered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rich", 4)?;
        let (html, inline) = crate::render::rich_html::html_and_inline(self.0);
        st.serialize_field("html", &html)?;
        st.serialize_field("inline", &inline)?;
        st.serialize_field("text", &self.0.plain_text())?;
        st.serialize_field("empty", &self.0.is_empty())?;
        st.end()
    }
}

impl Rich {
    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every placeholder path used, in order of appearance.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for b in &self.0 {
            b.collect_placeholders(&mut out);
        }
        out
    }

    /// True when a clinic's value is in the text ([`Inline::Value`]).
    pub fn holds_values(&self) -> bool {
        self.0.iter().any(Block::holds_values)
    }

    /// Plain text of the whole tree (for search, alt text and tests).
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for b in &self.0 {
            b.push_plain(&mut s);
            s.push('\n');
        }
        s.trim_end().to_string()
    }

    /// The `{{ }}` placeholders in the body rows of the text's tables (not
    /// their headers): a row naming `each.<list>` is repeated once an item.
    pub fn row_placeholders(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for b in &self.0 {
            if let Block::Table { rows, .. } = b {
                for cell in rows.iter().flatten() {
                    collect_inline_placeholders(cell, &mut out);
                }
            }
        }
        out
    }

    /// A copy whose tables' body rows are each replaced by what `f` gives
    /// for them (`None`: kept as they are).
    pub fn expand_rows(&self, f: &mut RowExpander<'_>) -> Rich {
        Rich(
            self.0
                .iter()
                .map(|b| match b {
                    Block::Table { head, rows } => Block::Table {
                        head: head.clone(),
                        rows: rows
                            .iter()
                            .flat_map(|row| f(row).unwrap_or_else(|| vec![row.clone()]))
                            .collect(),
                    },
                    other => other.clone(),
                })
                .collect(),
        )
    }

    /// Returns a copy with every inline rewritten by `f` (used to resolve placeholders).
    pub fn map_inlines(&self, f: &mut dyn FnMut(&Inline) -> Option<Inline>) -> Rich {
        Rich(self.0.iter().map(|b| b.map_inlines(f)).collect())
    }
}

/// A table row: its cells, each one line of inline content.
pub type Row = Vec<Vec<Inline>>;

/// What a table row becomes ([`Rich::expand_rows`]): rows in its place, or
/// `None` to keep it.
pub type RowExpander<'a> = dyn FnMut(&[Vec<Inline>]) -> Option<Vec<Row>> + 'a;

/// The `{{ }}` placeholders of some inline content (a table row's cells).
pub fn placeholders_in(cells: &[Vec<Inline>]) -> Vec<&str> {
    let mut out = Vec::new();
    for c in cells {
        collect_inline_placeholders(c, &mut out);
    }
    out
}

/// Rewrites inline content by `f` (see [`Rich::map_inlines`]).
pub fn map_inlines_in(
    inlines: &[Inline],
    f: &mut dyn FnMut(&Inline) -> Option<Inline>,
) -> Vec<Inline> {
    map_inline_vec(inlines, f)
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of inline content.
    Paragraph {
        /// The paragraph's content.
        inlines: Vec<Inline>,
    },
    /// A heading inside a body (level 1–6).
    Heading {
        /// Heading level.
        level: u8,
        /// Heading content.
        inlines: Vec<Inline>,
    },
    /// A bulleted or numbered list; each item is a list of blocks.
    List {
        /// Numbered when true.
        ordered: bool,
        /// First number of an ordered list.
        start: u64,
        /// The items.
        items: Vec<Vec<Block>>,
    },
    /// A quotation or aside.
    Quote {
        /// Quoted blocks.
        blocks: Vec<Block>,
    },
    /// A table (Markdown's pipe table): a header row and rows of cells,
    /// each cell one line of inline content.
    Table {
        /// The header cells.
        head: Vec<Vec<Inline>>,
        /// The rows, each a list of cells.
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

impl Block {
    /// Every cell of a table, header first (nothing for other blocks).
    fn cells(&self) -> impl Iterator<Item = &Vec<Inline>> {
        let (head, rows): (&[Vec<Inline>], &[Vec<Vec<Inline>>]) = match self {
            Block::Table { head, rows } => (head, rows),
            _ => (&[], &[]),
        };
        head.iter().chain(rows.iter().flatten())
    }
}

/// An inline element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// Strong emphasis (bold).
    Strong {
        /// Emphasised content.
        inlines: Vec<Inline>,
    },
    /// Emphasis.
    Emph {
        /// Emphasised content.
        inlines: Vec<Inline>,
    },
    /// Inline code or a literal to type exactly.
    Code {
        /// The literal.
        text: String,
    },
    /// A hyperlink.
    Link {
        /// Target URL (content-authored, never clinic data).
        url: String,
        /// Link text.
        inlines: Vec<Inline>,
    },
    /// A reference to a clinic value, not yet resolved.
    Placeholder {
        /// Field path such as `line.customer_id`.
        path: String,
    },
    /// A resolved clinic value (plain text, shown highlighted).
    Value {
        /// The field path it came from.
        path: String,
        /// The clinic's value, as plain text.
        text: String,
    },
    /// A value that the clinic data does not provide.
    Missing {
        /// The field path.
        path: String,
        /// The field's label as the theme names a value it lacks
        /// (`generic_value`: 〈電子証明書の枚数〉), shown as it is.
        label: String,
        /// The fact's unit when `{{ fact | unit }}` asked for it (shown after
        /// the label: 〈電子証明書の枚数〉枚).
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// A line break that Japanese text should not turn into a space.
    SoftBreak,
    /// A forced line break.
    HardBreak,
}

impl Block {
    fn holds_values(&self) -> bool {
        match self {
            Block::Paragraph { inlines } | Block::Heading { inlines, .. } => {
                inlines_hold_values(inlines)
            }
            Block::List { items, .. } => items.iter().flatten().any(Block::holds_values),
            Block::Quote { blocks } => blocks.iter().any(Block::holds_values),
            Block::Table { .. } => self.cells().any(|c| inlines_hold_values(c)),
        }
    }

    fn collect_placeholders<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Block::Paragraph { inlines } | Block::Heading { inlines, .. } => {
                collect_inline_placeholders(inlines, out)
            }
            Block::List { items, .. } => {
                for item in items {
                    for b in item {
                        b.collect_placeholders(out);
                    }
                }
            }
            Block::Quote { blocks } => {
                for b in blocks {
                    b.collect_placeholders(out);
                }
            }
            Block::Table { .. } => {
                for cell in self.cells() {
                    collect_inline_placeholders(cell, out);
                }
            }
        }
    }

    fn push_plain(&self, s: &mut String) {
        match self {
            Block::Paragraph { inlines } | Block::Heading { inlines, .. } => {
                s.push_str(&inlines_plain_text(inlines))
            }
            Block::List { items, .. } => {
                for item in items {
                    for b in item {
                        b.push_plain(s);
                        s.push('\n');
                    }
                }
            }
            Block::Quote { blocks } => {
                for b in blocks {
                    b.push_plain(s);
                    s.push('\n');
                }
            }
            Block::Table { head, rows } => {
                for row in std::iter::once(head).chain(rows) {
                    let cells: Vec<String> = row.iter().map(|c| inlines_plain_text(c)).collect();
                    s.push_str(&cells.join(" "));
                    s.push('\n');
                }
            }
        }
    }

    fn map_inlines(&self, f: &mut dyn FnMut(&Inline) -> Option<Inline>) -> Block {
        match self {
            Block::Paragraph { inlines } => Block::Paragraph {
                inlines: map_inline_vec(inlines, f),
            },
            Block::Heading { level, inlines } => Block::Heading {
                level: *level,
                inlines: map_inline_vec(inlines, f),
            },
            Block::List {
                ordered,
                start,
                items,
            } => Block::List {
                ordered: *ordered,
                start: *start,
                items: items
                    .iter()
                    .map(|item| item.iter().map(|b| b.map_inlines(f)).collect())
                    .collect(),
            },
            Block::Quote { blocks } => Block::Quote {
                blocks: blocks.iter().map(|b| b.map_inlines(f)).collect(),
            },
            Block::Table { head, rows } => Block::Table {
                head: head.iter().map(|c| map_inline_vec(c, f)).collect(),
                rows: rows
                    .iter()
                    .map(|row| row.iter().map(|c| map_inline_vec(c, f)).collect())
                    .collect(),
            },
        }
    }
}

fn inlines_hold_values(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Value { .. } => true,
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            inlines_hold_values(inlines)
        }
        _ => false,
    })
}

fn collect_inline_placeholders<'a>(inlines: &'a [Inline], out: &mut Vec<&'a str>) {
    for i in inlines {
        match i {
            Inline::Placeholder { path } => out.push(path),
            Inline::Strong { inlines }
            | Inline::Emph { inlines }
            | Inline::Link { inlines, .. } => collect_inline_placeholders(inlines, out),
            _ => {}
        }
    }
}

fn map_inline_vec(inlines: &[Inline], f: &mut dyn FnMut(&Inline) -> Option<Inline>) -> Vec<Inline> {
    inlines
        .iter()
        .map(|i| {
            if let Some(new) = f(i) {
                return new;
            }
            match i {
                Inline::Strong { inlines } => Inline::Strong {
                    inlines: map_inline_vec(inlines, f),
                },
                Inline::Emph { inlines } => Inline::Emph {
                    inlines: map_inline_vec(inlines, f),
                },
                Inline::Link { url, inlines } => Inline::Link {
                    url: url.clone(),
                    inlines: map_inline_vec(inlines, f),
                },
                other => other.clone(),
            }
        })
        .collect()
}

/// Plain text of a run of inlines; soft breaks vanish (Japanese has no spaces).
pub fn inlines_plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text { text } | Inline::Code { text } | Inline::Value { text, .. } => {
                s.push_str(text)
            }
            Inline::Strong { inlines }
            | Inline::Emph { inlines }
            | Inline::Link { inlines, .. } => s.push_str(&inlines_plain_text(inlines)),
            Inline::Placeholder { path } => {
                s.push_str("{{");
                s.push_str(path);
                s.push_str("}}");
            }
            Inline::Missing { label, unit, .. } => {
                s.push_str(label);
                s.push_str(unit.as_deref().unwrap_or_default());
            }
            Inline::SoftBreak => {}
            Inline::HardBreak => s.push('\n'),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table whose cell holds a clinic's value is never serialised once
    /// for every clinic (the HTML guide's memo of texts without values).
    #[test]
    fn a_table_holds_a_value_when_a_cell_does() {
        let text = |t: &str| vec![Inline::Text { text: t.into() }];
        let table = |cell: Vec<Inline>| {
            Rich(vec![Block::Table {
                head: vec![text("項目"), text("値")],
                rows: vec![vec![text("医院名"), cell]],
            }])
        };
        assert!(!table(text("なし")).holds_values());
        let valued = table(vec![Inline::Value {
            path: "name".into(),
            text: "北の森内科医院".into(),
        }]);
        assert!(valued.holds_values());
    }
}
