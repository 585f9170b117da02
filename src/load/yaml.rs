//! YAML reading with positions.
//!
//! Content files (manuals, rules, fields) are read into typed structs with
//! serde-saphyr, whose errors carry line and column. Clinic files are read
//! into a [`Node`] tree straight from the YAML event stream, so every scalar
//! keeps its exact text (a code such as `0110113719` keeps its leading zero)
//! and its position.

use crate::diag::Diagnostic;
use crate::model::SourcePos;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
use std::path::PathBuf;
use std::sync::Arc;

/// Deserializes `text` (from `file`) into `T`, turning a failure into a located diagnostic.
pub fn from_str<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &Arc<PathBuf>,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((0, 0));
        let (message, help) = match plain_words(&e, text, line, column) {
            Some((message, help)) => (message, help),
            None => {
                let message = first_line(&e.to_string());
                let help = did_you_mean(&message)
                    .or_else(|| syntax_help(&message).map(str::to_string))
                    .unwrap_or_else(|| STRUCTURE_HELP.to_string());
                (message, help)
            }
        };
        Diagnostic::error(SourcePos::new(file.clone(), line, column), message).with_help(help)
    })
}

/// The help of a content error the reader's own words do not cover.
const STRUCTURE_HELP: &str = "see docs/content-format.md for the expected structure";

/// A content author's words for the failures of the reader a content file
/// meets most (a value of the wrong shape, a number or a yes/no that is not
/// one, a key written twice), with how to fix it: serde-saphyr's own
/// (「expected string scalar」「invalid i64」「…, set DuplicateKeyPolicy in
/// Options if acceptable」) speak of the reader's types and options. What
/// was found is read from the text at the error's place. `None`: the
/// reader's message is kept.
fn plain_words(
    e: &serde_saphyr::Error,
    text: &str,
    line: u32,
    column: u32,
) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    let mut e = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = e {
        e = error;
    }
    let found = || Found::at(text, line, column);
    match e {
        E::DuplicateMappingKey { key: Some(key), .. } => Some((
            format!("`{key}` is written twice in this mapping"),
            "keep one of the two (a key may appear once in each mapping)".to_string(),
        )),
        E::InvalidScalar { ty, .. } => {
            let found = found();
            let range = int_range(ty);
            let (what, example) = match *ty {
                "bool" | "boolean" => ("yes or no (true or false)", "true"),
                t if t.starts_with('f') => ("a number", "1.5"),
                _ if range.is_some() => ("a whole number", "3"),
                _ => return None,
            };
            let mut shown = found.describe();
            if let Found::Value(v) = &found {
                let int = v.replace('_', "").parse::<i128>().ok();
                // A whole number the key's type cannot hold (negative, or
                // too big) is in the wrong range, not of the wrong kind.
                if let (Some((lo, hi)), Some(n)) = (range, int)
                    && !(lo..=hi).contains(&n)
                {
                    return Some((
                        format!("`{v}` is out of range here"),
                        format!("write a whole number from {lo} to {hi}"),
                    ));
                }
                // What the line holds would do: the value goes on past it
                // (a line indented under it continues a plain value).
                let fits = match *ty {
                    "bool" | "boolean" => matches!(v.as_str(), "true" | "false"),
                    t if t.starts_with('f') => v.parse::<f64>().is_ok(),
                    _ => int.is_some(),
                };
                if fits {
                    shown = "this value (it goes on past this line)".into();
                }
            }
            Some((
                format!("{shown} is not {what}"),
                format!("write {what} here, such as {example}, on the line of its key"),
            ))
        }
        E::MultipleDocuments { .. } => Some((
            "a second YAML document (after a `---` line) starts here".into(),
            "a content file holds one document: remove the `---` line, or move what follows it into a file of its own".into(),
        )),
        E::Unexpected { expected, .. } => {
            let (what, how) = match *expected {
                "string scalar" | "scalar" => (
                    "one value",
                    "write one value on the line of its key (put it in quotes if it holds `: ` or starts with `[`, `{`, `-`, `&`, `*`, `!`)",
                ),
                "sequence start" => (
                    "a list",
                    "write a list as `[a, b]`, or as lines starting with `- ` indented under its key",
                ),
                "mapping start" | "mapping" => (
                    "a mapping",
                    "write `key: value` lines indented under its key, or `{ key: value }`",
                ),
                _ => return None,
            };
            Some((
                format!("expected {what} here, found {}", found().describe()),
                how.to_string(),
            ))
        }
        _ => None,
    }
}

/// How to mend the YAML syntax errors an author meets most, told by the
/// parser's message (「while scanning a plain scalar, found a tab」 …).
fn syntax_help(message: &str) -> Option<&'static str> {
    const HELPS: &[(&str, &str)] = &[
        (
            "tab",
            "indent with spaces: YAML does not allow a tab character here",
        ),
        (
            "did not find expected key",
            "check this line's indentation: the keys of one mapping start in the same column, and a list item (`- `) goes under a key",
        ),
        (
            "mapping values are not allowed",
            "a value that holds `: ` must be in quotes (`\"a: b\"`)",
        ),
        (
            "quoted scalar",
            "check the quotes on this line: a quoted value ends with its own quote, and only a comment may follow it",
        ),
        (
            "unknown anchor",
            "an alias `*name` needs an anchor `&name` earlier in the same file",
        ),
    ];
    HELPS
        .iter()
        .find(|(says, _)| message.contains(says))
        .map(|(_, help)| *help)
}

/// For serde's 「unknown field `titel`, expected one of `id`, `title`, …」
/// (or `expected `id``, or the list without quotes): the known key nearest
/// in spelling.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known = rest
        .strip_prefix(", expected one of ")
        .or_else(|| rest.strip_prefix(", expected "))?;
    let known: Vec<&str> = known
        .split(", ")
        .map(|k| k.trim().trim_matches('`'))
        .filter(|k| !k.is_empty())
        .collect();
    super::nearest(key, known.into_iter())
        .map(|k| format!("did you mean `{k}`? ({STRUCTURE_HELP})"))
}

/// The whole numbers an integer type of the reader (「u32」) holds.
fn int_range(ty: &str) -> Option<(i128, i128)> {
    let (lo, hi): (i128, i128) = match ty {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    };
    Some((lo, hi))
}

/// What the text holds at a place a content error names.
enum Found {
    List,
    Mapping,
    Value(String),
    Nothing,
}

impl Found {
    /// Reads the node starting at `line:column` (1-based; column in
    /// characters) of `text`.
    fn at(text: &str, line: u32, column: u32) -> Found {
        let Some(l) = (line as usize)
            .checked_sub(1)
            .and_then(|i| text.lines().nth(i))
        else {
            return Found::Nothing;
        };
        let rest: String = l
            .chars()
            .skip((column as usize).saturating_sub(1))
            .collect();
        let rest = rest.trim();
        // A comment is no value.
        let rest = rest.find(" #").map_or(rest, |i| rest[..i].trim_end());
        if rest.is_empty() || rest.starts_with('#') {
            return Found::Nothing;
        }
        if rest.starts_with('[') || rest == "-" || rest.starts_with("- ") {
            return Found::List;
        }
        if rest.starts_with('{') {
            return Found::Mapping;
        }
        // `key: value` (or `key:` ending the line) starts a block mapping;
        // a quoted value may hold `: ` itself.
        let quoted = rest.starts_with(['"', '\'']);
        if !quoted && (rest.contains(": ") || rest.ends_with(':')) {
            return Found::Mapping;
        }
        let value = rest.trim_end_matches([',', ']', '}']).trim_end();
        Found::Value(value.chars().take(60).collect())
    }

    fn describe(&self) -> String {
        match self {
            Found::List => "a list".into(),
            Found::Mapping => "a mapping".into(),
            Found::Value(v) => format!("`{v}`"),
            Found::Nothing => "nothing".into(),
        }
    }
}

/// serde-saphyr's Display may append a snippet; we print our own, so keep the
/// message. Its `error: line 7 column 5: ` prefix is dropped too: the
/// diagnostic prints its severity and its `file:line:column` itself.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let located = line.strip_prefix("line ").and_then(|rest| {
        let (l, rest) = rest.split_once(" column ")?;
        let (c, rest) = rest.split_once(": ")?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        (digits(l) && digits(c)).then_some(rest)
    });
    located.unwrap_or(line).to_string()
}

/// Converts a serde-saphyr location into a [`SourcePos`].
pub fn pos(file: &Arc<PathBuf>, loc: &serde_saphyr::Location) -> SourcePos {
    SourcePos::new(file.clone(), loc.line() as u32, loc.column() as u32)
}

/// A YAML node with its position (and where it ends, for masking).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar exactly as written (`quoted` tells whether it was quoted).
    Scalar {
        /// Text.
        text: String,
        /// Written in quotes.
        quoted: bool,
        /// Position.
        pos: SourcePos,
        /// Where it ends (exclusive).
        end: SourcePos,
    },
    /// A sequence.
    Seq {
        /// Items.
        items: Vec<Node>,
        /// Position.
        pos: SourcePos,
        /// Where it ends (exclusive).
        end: SourcePos,
    },
    /// A mapping, in document order (duplicate keys are reported by the reader).
    Map {
        /// Key position, key text and value.
        entries: Vec<(SourcePos, String, Node)>,
        /// Position.
        pos: SourcePos,
        /// Where it ends (exclusive).
        end: SourcePos,
    },
}

impl Node {
    /// Position of the node.
    pub fn pos(&self) -> &SourcePos {
        match self {
            Node::Scalar { pos, .. } | Node::Seq { pos, .. } | Node::Map { pos, .. } => pos,
        }
    }

    /// Where the node ends (exclusive).
    pub fn end(&self) -> &SourcePos {
        match self {
            Node::Scalar { end, .. } | Node::Seq { end, .. } | Node::Map { end, .. } => end,
        }
    }

    /// True for a null scalar (`~`, `null`, or nothing).
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, quoted: false, .. } if text.is_empty() || text == "~" || text == "null")
    }
}

/// A mapping being read: its entries, the pending key and the keys seen
/// (ordered, not hashed: the same file always takes the same steps).
struct OpenMap {
    key: Option<(SourcePos, String)>,
    seen: std::collections::BTreeSet<String>,
}

/// Reads one YAML document into a [`Node`] tree. A second document, an
/// alias, a non-text key, a duplicate key or nesting deeper than
/// [`MAX_YAML_DEPTH`](super::limits::MAX_YAML_DEPTH) is an error.
pub fn read_tree(text: &str, file: &Arc<PathBuf>) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    // Pending key and keys seen for each open collection (None for a sequence).
    let mut maps: Vec<Option<OpenMap>> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mk = |line: usize, col: usize| SourcePos::new(file.clone(), line as u32, col as u32 + 1);
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| {
            let m = e.marker();
            Diagnostic::error(mk(m.line(), m.col()), format!("YAML syntax error: {e}"))
                .with_help("check indentation and quoting on this line")
        })?;
        let here = mk(span.start.line(), span.start.col());
        let end = mk(span.end.line(), span.end.col());
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(Diagnostic::error(
                        here,
                        "a second YAML document (`---`): a clinic file holds exactly one clinic",
                    )
                    .with_help("move the next clinic into a file of its own"));
                }
                continue;
            }
            Event::Scalar(value, style, _, _) => Node::Scalar {
                text: value.to_string(),
                quoted: !matches!(style, ScalarStyle::Plain),
                pos: here,
                end,
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= super::limits::MAX_YAML_DEPTH {
                    return Err(Diagnostic::error(
                        here,
                        format!(
                            "nested too deeply (more than {} levels)",
                            super::limits::MAX_YAML_DEPTH
                        ),
                    )
                    .with_help("clinic data is a flat list of fields with a few groups"));
                }
                if matches!(event, Event::MappingStart(..)) {
                    stack.push(Node::Map {
                        entries: Vec::new(),
                        pos: here,
                        end,
                    });
                    maps.push(Some(OpenMap {
                        key: None,
                        seen: Default::default(),
                    }));
                } else {
                    stack.push(Node::Seq {
                        items: Vec::new(),
                        pos: here,
                        end,
                    });
                    maps.push(None);
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                maps.pop();
                match stack.pop() {
                    Some(mut n) => {
                        if let Node::Seq { end: e, .. } | Node::Map { end: e, .. } = &mut n {
                            *e = end;
                        }
                        n
                    }
                    None => continue,
                }
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return Err(Diagnostic::error(
                    here,
                    "YAML aliases (*name) are not supported in clinic data",
                )
                .with_help("write the value out in full"));
            }
            _ => continue,
        };
        // Attach the finished node to its parent.
        match (stack.last_mut(), maps.last_mut()) {
            (None, _) if root.is_none() => root = Some(node),
            (Some(Node::Seq { items, .. }), _) => items.push(node),
            (Some(Node::Map { entries, .. }), Some(Some(open))) => match open.key.take() {
                None => {
                    let Node::Scalar { text, pos, .. } = node else {
                        return Err(Diagnostic::error(
                            node.pos().clone(),
                            "a mapping key must be plain text",
                        ));
                    };
                    if !open.seen.insert(text.clone()) {
                        return Err(Diagnostic::error(pos, format!("duplicate key `{text}`"))
                            .with_help("each field may appear only once; remove one of them"));
                    }
                    open.key = Some((pos, text));
                }
                Some((kpos, key)) => entries.push((kpos, key, node)),
            },
            _ => {}
        }
    }
    let start = SourcePos::new(file.clone(), 1, 1);
    Ok(root.unwrap_or(Node::Map {
        entries: Vec::new(),
        pos: start.clone(),
        end: start,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<PathBuf> {
        Arc::new(PathBuf::from("t.yaml"))
    }

    #[test]
    fn keeps_leading_zeros_and_positions() {
        let t = read_tree("a: 0110113719\nb:\n  c: 'x'\n  d: [1, 2]\n", &file()).unwrap();
        let Node::Map { entries, .. } = t else {
            panic!()
        };
        assert_eq!(entries[0].1, "a");
        assert!(matches!(&entries[0].2, Node::Scalar { text, .. } if text == "0110113719"));
        assert_eq!(entries[0].2.pos().line, 1);
        assert_eq!(entries[0].2.pos().column, 4);
        let Node::Map { entries: inner, .. } = &entries[1].2 else {
            panic!()
        };
        assert_eq!(inner[0].2.pos().line, 3);
        assert!(matches!(&inner[1].2, Node::Seq { items, .. } if items.len() == 2));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = read_tree("a: 1\na: 2\n", &file()).unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("duplicate"));
    }

    #[test]
    fn one_document_only_and_bounded_depth() {
        let e = read_tree("a: 1\n---\nb: 2\n", &file()).unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("second YAML document"), "{}", e.message);
        assert!(read_tree("---\na: 1\n", &file()).is_ok());
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(
            read_tree(&deep, &file())
                .unwrap_err()
                .message
                .contains("nested too deeply")
        );
    }

    #[test]
    fn ends_are_kept() {
        let t = read_tree("a: {b: 1}\nc: x\n", &file()).unwrap();
        let Node::Map { entries, .. } = t else {
            panic!()
        };
        assert_eq!(
            (entries[0].2.end().line, entries[0].2.end().column),
            (1, 10)
        );
        assert_eq!((entries[1].2.end().line, entries[1].2.end().column), (2, 5));
    }

    /// The reader's failures a content author meets most are told in the
    /// author's words, with what was found and how to write it. Before:
    /// 「expected string scalar」, 「invalid i64」, 「duplicate mapping key:
    /// order, set DuplicateKeyPolicy in Options if acceptable」.
    #[test]
    fn a_value_of_the_wrong_shape_says_what_was_found_and_how_to_write_it() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            order: Option<u32>,
            #[serde(default)]
            shown: Option<bool>,
            #[serde(default)]
            words: Option<Vec<String>>,
            #[serde(default)]
            map: Option<std::collections::BTreeMap<String, String>>,
        }
        for (yaml, at, says, help) in [
            (
                "order: 1\norder: 2\n",
                (2, 1),
                "`order` is written twice in this mapping",
                "keep one",
            ),
            (
                "order: one\n",
                (1, 8),
                "`one` is not a whole number",
                "such as 3",
            ),
            (
                "order: 2.5 # half\n",
                (1, 8),
                "`2.5` is not a whole number",
                "such as 3",
            ),
            (
                "order: -1\n",
                (1, 8),
                "`-1` is out of range here",
                "from 0 to 4294967295",
            ),
            (
                "order: 1\n  more: 2\n",
                (1, 8),
                "this value (it goes on past this line) is not a whole number",
                "on the line of its key",
            ),
            (
                "name: a\n---\nname: b\n",
                (3, 1),
                "a second YAML document (after a `---` line) starts here",
                "remove the `---` line",
            ),
            (
                "shown: perhaps\n",
                (1, 8),
                "`perhaps` is not yes or no (true or false)",
                "such as true",
            ),
            (
                "name: [a, b]\n",
                (1, 7),
                "expected one value here, found a list",
                "in quotes",
            ),
            (
                "name:\n  first: a\n",
                (2, 3),
                "expected one value here, found a mapping",
                "in quotes",
            ),
            (
                "name: {a: 1}\n",
                (1, 7),
                "expected one value here, found a mapping",
                "in quotes",
            ),
            (
                "words: 受付\n",
                (1, 8),
                "expected a list here, found `受付`",
                "`- `",
            ),
            (
                "words:\n  a: b\n",
                (2, 3),
                "expected a list here, found a mapping",
                "`[a, b]`",
            ),
            (
                "map: [x]\n",
                (1, 6),
                "expected a mapping here, found a list",
                "`key: value`",
            ),
        ] {
            let d = from_str::<Doc>(yaml, &file()).unwrap_err();
            assert_eq!((d.pos.line, d.pos.column), at, "{yaml}");
            assert_eq!(d.message, says, "{yaml}");
            assert!(
                d.help.as_deref().is_some_and(|h| h.contains(help)),
                "{yaml}: {:?}",
                d.help
            );
        }
        // A key that is none keeps the reader's words, with the key nearest
        // in spelling when one is near enough.
        let d = from_str::<Doc>("nmae: x\n", &file()).unwrap_err();
        assert!(
            d.message.starts_with("unknown field `nmae`"),
            "{}",
            d.message
        );
        assert_eq!(
            d.help.as_deref(),
            Some(format!("did you mean `name`? ({STRUCTURE_HELP})").as_str())
        );
        let d = from_str::<Doc>("colour: x\n", &file()).unwrap_err();
        assert_eq!(d.help.as_deref(), Some(STRUCTURE_HELP));
        // Syntax errors keep the parser's words, with how to mend them.
        for (yaml, help) in [
            ("name: a\n\torder: 1\n", "indent with spaces"),
            ("name: a\n- b\n", "indentation"),
            ("name: a: b\n", "in quotes"),
            ("name: \"a\" b\n", "check the quotes"),
            ("name: *nowhere\n", "an anchor `&name`"),
        ] {
            let d = from_str::<Doc>(yaml, &file()).unwrap_err();
            assert!(
                d.help.as_deref().is_some_and(|h| h.contains(help)),
                "{yaml}: {} / {:?}",
                d.message,
                d.help
            );
        }
    }

    #[test]
    fn the_parsers_own_location_is_not_repeated_in_the_message() {
        assert_eq!(
            first_line("error: line 7 column 5: \"-\" is only valid inside a block\n 7 | - x"),
            "\"-\" is only valid inside a block"
        );
        assert_eq!(first_line("invalid i64"), "invalid i64");
        assert_eq!(first_line("line x column 5: kept"), "line x column 5: kept");
        let e = from_str::<std::collections::BTreeMap<String, Vec<i64>>>("a: [1\n", &file())
            .unwrap_err();
        assert!(
            e.pos.line >= 1 && !e.message.starts_with("error"),
            "{}",
            e.message
        );
        assert!(!e.message.contains(" column "), "{}", e.message);
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = read_tree("a: [1, 2\nb: 3\n", &file()).unwrap_err();
        assert!(e.pos.line >= 1);
    }
}
