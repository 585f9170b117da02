//! Markdown → [`Rich`] with `{{ field.path }}` placeholders.
//!
//! Runs once per content text at load time. Soft line breaks between two
//! Japanese characters disappear (Japanese does not separate words with
//! spaces); elsewhere they become one space.

use crate::model::rich::{Block, Inline, Rich};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Parses Markdown into rich text.
pub fn parse(md: &str) -> Rich {
    let md = escape_filter_bars(md);
    let mut stack: Vec<Frame> = vec![Frame::Root(Vec::new())];
    for ev in Parser::new_ext(&md, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES) {
        match ev {
            Event::Start(tag) => stack.push(match tag {
                Tag::Paragraph => Frame::Para(Vec::new()),
                Tag::Heading { level, .. } => Frame::Heading(level as u8, Vec::new()),
                Tag::BlockQuote(_) => Frame::Quote(Vec::new()),
                Tag::List(start) => Frame::List(start, Vec::new()),
                Tag::Item => Frame::Item(Vec::new(), Vec::new()),
                Tag::Strong => Frame::Strong(Vec::new()),
                Tag::Emphasis | Tag::Strikethrough => Frame::Emph(Vec::new()),
                Tag::Link { dest_url, .. } => Frame::Link(dest_url.to_string(), Vec::new()),
                Tag::Table(_) => Frame::Table(Vec::new(), Vec::new()),
                Tag::TableHead | Tag::TableRow => Frame::Row(Vec::new()),
                Tag::TableCell => Frame::Cell(Vec::new()),
                _ => Frame::Other(Vec::new()),
            }),
            Event::End(end) => {
                let Some(frame) = stack.pop() else { continue };
                close(&mut stack, frame, end);
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => push_inline(
                &mut stack,
                Inline::Text {
                    text: t.to_string(),
                },
            ),
            Event::Code(t) => push_inline(
                &mut stack,
                Inline::Code {
                    text: t.to_string(),
                },
            ),
            Event::SoftBreak => push_inline(&mut stack, Inline::SoftBreak),
            Event::HardBreak => push_inline(&mut stack, Inline::HardBreak),
            _ => {}
        }
    }
    let mut blocks = Vec::new();
    while let Some(frame) = stack.pop() {
        if let Frame::Root(b) = frame {
            blocks = b;
        }
    }
    Rich(blocks)
}

/// `md` with the `|` of every `{{ fact | unit }}` escaped (`\|`, read back
/// as `|`): in a table row it would otherwise end the cell.
fn escape_filter_bars(md: &str) -> std::borrow::Cow<'_, str> {
    if !md.contains('|') || !md.contains("{{") {
        return std::borrow::Cow::Borrowed(md);
    }
    let mut out = String::with_capacity(md.len() + 8);
    let mut rest = md;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = &rest[start..start + len];
        out.push_str(&rest[..start]);
        if inner.contains('\n') {
            out.push_str(inner);
        } else {
            out.push_str(&inner.replace("\\|", "|").replace('|', "\\|"));
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Parses a one-line label (no block structure) into inlines.
pub fn parse_inline(md: &str) -> Vec<Inline> {
    match parse(md).0.into_iter().next() {
        Some(Block::Paragraph { inlines }) => inlines,
        _ => Vec::new(),
    }
}

enum Frame {
    Root(Vec<Block>),
    Para(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Quote(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Item(Vec<Block>, Vec<Inline>),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    Link(String, Vec<Inline>),
    Other(Vec<Inline>),
    /// A table: its header cells and its rows.
    Table(Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>),
    /// A table's row (or its header): its cells.
    Row(Vec<Vec<Inline>>),
    Cell(Vec<Inline>),
}

fn push_inline(stack: &mut [Frame], inline: Inline) {
    if let Some(
        Frame::Para(v)
        | Frame::Heading(_, v)
        | Frame::Item(_, v)
        | Frame::Strong(v)
        | Frame::Emph(v)
        | Frame::Link(_, v)
        | Frame::Other(v)
        | Frame::Cell(v),
    ) = stack.last_mut()
    {
        v.push(inline);
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    match stack.last_mut() {
        Some(Frame::Root(v) | Frame::Quote(v)) => v.push(block),
        Some(Frame::Item(blocks, pending)) => {
            if !pending.is_empty() {
                let inlines = finish_inlines(std::mem::take(pending));
                blocks.push(Block::Paragraph { inlines });
            }
            blocks.push(block);
        }
        _ => {}
    }
}

fn close(stack: &mut [Frame], frame: Frame, end: TagEnd) {
    match frame {
        Frame::Cell(v) => {
            if let Some(Frame::Row(cells)) = stack.last_mut() {
                cells.push(finish_inlines(v));
            }
        }
        Frame::Row(cells) => {
            if let Some(Frame::Table(head, rows)) = stack.last_mut() {
                if end == TagEnd::TableHead {
                    *head = cells;
                } else {
                    rows.push(cells);
                }
            }
        }
        Frame::Table(head, rows) => push_block(stack, Block::Table { head, rows }),
        Frame::Para(v) => push_block(
            stack,
            Block::Paragraph {
                inlines: finish_inlines(v),
            },
        ),
        Frame::Heading(level, v) => push_block(
            stack,
            Block::Heading {
                level,
                inlines: finish_inlines(v),
            },
        ),
        Frame::Quote(blocks) => push_block(stack, Block::Quote { blocks }),
        Frame::List(start, items) => push_block(
            stack,
            Block::List {
                ordered: start.is_some(),
                start: start.unwrap_or(1),
                items,
            },
        ),
        Frame::Item(mut blocks, pending) => {
            if !pending.is_empty() {
                blocks.push(Block::Paragraph {
                    inlines: finish_inlines(pending),
                });
            }
            if let Some(Frame::List(_, items)) = stack.last_mut() {
                items.push(blocks);
            }
        }
        Frame::Strong(v) => push_inline(
            stack,
            Inline::Strong {
                inlines: finish_inlines(v),
            },
        ),
        Frame::Emph(v) => push_inline(
            stack,
            Inline::Emph {
                inlines: finish_inlines(v),
            },
        ),
        Frame::Link(url, v) => push_inline(
            stack,
            Inline::Link {
                url,
                inlines: finish_inlines(v),
            },
        ),
        Frame::Other(v) => {
            for i in v {
                push_inline(stack, i);
            }
        }
        Frame::Root(_) => {}
    }
}

/// Merges adjacent text, resolves soft breaks and splits out placeholders.
fn finish_inlines(v: Vec<Inline>) -> Vec<Inline> {
    // 1. merge text and decide soft breaks with both neighbours known.
    let mut merged: Vec<Inline> = Vec::new();
    let n = v.len();
    for idx in 0..n {
        match &v[idx] {
            Inline::SoftBreak => {
                let before = merged.last().and_then(last_char);
                let after = v.get(idx + 1).and_then(first_char);
                let joiner = match (before, after) {
                    (Some(a), Some(b)) if is_cjk(a) || is_cjk(b) => "",
                    _ => " ",
                };
                push_text(&mut merged, joiner);
            }
            Inline::Text { text } => push_text(&mut merged, text),
            other => merged.push(other.clone()),
        }
    }
    // 2. split placeholders out of text.
    let mut out = Vec::new();
    for i in merged {
        match i {
            Inline::Text { text } => split_placeholders(&text, &mut out),
            other => out.push(other),
        }
    }
    out
}

fn push_text(v: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text { text }) = v.last_mut() {
        text.push_str(s);
    } else {
        v.push(Inline::Text {
            text: s.to_string(),
        });
    }
}

fn split_placeholders(text: &str, out: &mut Vec<Inline>) {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let path = rest[start + 2..start + 2 + len].trim();
        if path.is_empty()
            || !path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|' | ' '))
        {
            break;
        }
        if start > 0 {
            out.push(Inline::Text {
                text: rest[..start].to_string(),
            });
        }
        out.push(Inline::Placeholder {
            path: path.to_string(),
        });
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text {
            text: rest.to_string(),
        });
    }
}

fn last_char(i: &Inline) -> Option<char> {
    match i {
        Inline::Text { text } | Inline::Code { text } => text.chars().last(),
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            inlines.last().and_then(last_char)
        }
        _ => None,
    }
}

fn first_char(i: &Inline) -> Option<char> {
    match i {
        Inline::Text { text } | Inline::Code { text } => text.chars().next(),
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            inlines.first().and_then(first_char)
        }
        _ => None,
    }
}

/// True for characters of Japanese (and other CJK) text and full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_break_between_japanese_vanishes() {
        let r = parse("これは\n日本語です。\nThis is\nEnglish.");
        assert_eq!(r.plain_text(), "これは日本語です。This is English.");
    }

    #[test]
    fn placeholders_are_split_out() {
        let r = parse("お客さまIDは **{{ line.customer_id }}** です。{{name}}");
        assert_eq!(r.placeholders(), vec!["line.customer_id", "name"]);
    }

    #[test]
    fn lists_and_strong() {
        let r = parse("- 一つ目\n- **二つ目**\n\n1. A\n2. B\n");
        assert_eq!(r.0.len(), 2);
        assert!(matches!(&r.0[1], Block::List { ordered: true, .. }));
    }

    #[test]
    fn unterminated_braces_stay_text() {
        let r = parse("{{ oops");
        assert!(r.placeholders().is_empty());
        assert_eq!(r.plain_text(), "{{ oops");
    }

    #[test]
    fn a_pipe_table_is_a_table_of_inline_cells() {
        let r = parse(
            "持ち物:\n\n| もの | 数 |\n| --- | --- |\n| **LANケーブル** | {{ n | unit }} |\n| 延長コード | 1本 |\n",
        );
        let Block::Table { head, rows } = &r.0[1] else {
            panic!("{r:?}");
        };
        assert_eq!(head.len(), 2);
        assert_eq!(rows.len(), 2);
        assert!(matches!(&rows[0][0][0], Inline::Strong { .. }));
        assert!(matches!(&rows[0][1][0], Inline::Placeholder { path } if path == "n | unit"));
        assert_eq!(r.plain_text().lines().nth(1), Some("もの 数"));
        assert_eq!(r.placeholders(), vec!["n | unit"]);
    }

    /// Bars, braces and table rows in any mix parse without a panic, and a
    /// `{{ }}` keeps its bar outside tables too.
    #[test]
    fn bars_and_braces_in_any_mix_parse() {
        for md in [
            "{{|}}",
            "| {{ a |",
            "{{",
            "}} {{ | }}",
            "| a |\n| - |\n| {{ x \\| unit }} |",
            "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |",
            "値は {{ c | unit }} です",
            "{{ a\n| b }}",
        ] {
            let r = parse(md);
            let _ = r.plain_text();
        }
        assert_eq!(
            parse("値は {{ c | unit }} です").placeholders(),
            vec!["c | unit"]
        );
        // A deterministic scramble of the characters that matter here.
        let alphabet: Vec<char> = "|{} -\n:a\\*`".chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut md = String::new();
            for _ in 0..40 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                md.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let _ = parse(&md).plain_text();
        }
    }
}
