//! Tests of the PDF engine: line breaking (kinsoku, unsplittable words, soft
//! breaks), pagination rules and end-to-end rendering of awkward documents.

use std::sync::Arc;

use super::layout::{self, Item, PageOut, Unit};
use super::linebreak::{BaseStyle, Line, Warnings, layout_spans};
use super::style::{BODY_BOTTOM_MM, BODY_TOP_MM, TEXT, mm};
use super::*;

fn fonts() -> &'static Fonts {
    test_fonts()
}

fn base() -> BaseStyle {
    BaseStyle {
        size: 10.0,
        weight: Weight::Regular,
        color: TEXT,
    }
}

fn lines_of(spans: &[Span], width_em: f32) -> Vec<Line> {
    let mut w = Warnings::default();
    layout_spans(spans, &base(), width_em * 10.0, true, fonts(), &mut w).to_vec()
}

fn text_of(line: &Line) -> String {
    line.items.iter().map(|p| p.atom.orig).collect()
}

/// Deterministic pseudo-random generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Random Japanese-looking text mixing kanji, kana, small kana, long vowel
/// marks, punctuation, brackets, Latin words and numbers.
fn random_text(rng: &mut Rng, pieces: usize) -> String {
    let words = [
        "申請",
        "医療機関",
        "コード",
        "を",
        "入力",
        "して",
        "ください",
        "。",
        "、",
        "「",
        "」",
        "（",
        "）",
        "ポータル",
        "サイト",
        "ログイン",
        "ちょっと",
        "キャッシュ",
        "ー",
        "！",
        "？",
        "・",
        "CAF1253000113",
        "0800-0804583",
        "info@example.jp",
        "ID",
        "10桁",
        "…",
        "『",
        "』",
        "っ",
        "ャ",
        "ゃ",
        "：",
        "；",
        "ベンダー",
        "確認",
        "例えば",
        "【重要】",
        "〔注〕",
        " ",
        "Wi-Fi",
    ];
    let mut s = String::new();
    for _ in 0..pieces {
        s.push_str(rng.pick(&words));
    }
    s
}

#[test]
fn kinsoku_holds_for_generated_text() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0;
    for round in 0..400 {
        let text = random_text(&mut rng, 20 + round % 60);
        let width = 10.0 + (round % 23) as f32 * 1.5;
        let lines = lines_of(&[Span::normal(text.clone())], width);
        let joined: String = lines.iter().map(text_of).collect();
        assert_eq!(
            joined.replace(' ', ""),
            text.replace(' ', ""),
            "line breaking lost or duplicated characters"
        );
        for (i, line) in lines.iter().enumerate() {
            let t = text_of(line);
            let Some(first) = t.chars().next() else {
                continue;
            };
            let last = t.chars().last().unwrap_or(first);
            // Inside an e-mail address or URL longer than a line, a line
            // may start with its 「.」 (linebreak::address_breaks).
            let in_address = first == '.'
                && t.chars().nth(1).is_some_and(|c| c.is_ascii_alphanumeric())
                && text_of(&lines[i - usize::from(i > 0)])
                    .ends_with(|c: char| c.is_ascii_alphanumeric());
            if i > 0 && !in_address {
                assert!(
                    !no_line_start(first),
                    "line {i} starts with {first:?} at width {width}: {t:?} in {text:?}"
                );
            }
            if i + 1 < lines.len() {
                assert!(
                    !no_line_end(last),
                    "line {i} ends with {last:?} at width {width}: {t:?}"
                );
                assert!(
                    line.width <= width * 10.0 + 0.05,
                    "line {i} overflows: {} > {}",
                    line.width,
                    width * 10.0
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn codes_numbers_and_addresses_are_not_split() {
    for word in [
        "CAF1253000113",
        "0800-0804583",
        "info-desk@sakura-naika.example.jp",
    ] {
        let min = word.len() + 2;
        let spans = [
            Span::normal("受付番号は、窓口で確認した"),
            Span::value(word, "code"),
            Span::normal("です。お問い合わせの際に番号をお伝えください。"),
        ];
        assert_kept_whole(&spans, word, min..min + 60);
    }
}

/// Asserts that `word` is on one line of `spans` set at each width (half
/// ems) in `widths`.
fn assert_kept_whole(spans: &[Span], word: &str, widths: std::ops::Range<usize>) {
    for width in widths {
        let lines = lines_of(spans, width as f32 * 0.5);
        assert!(
            lines.iter().any(|l| text_of(l).contains(word)),
            "{word} split at width {width}: {:?}",
            lines.iter().map(text_of).collect::<Vec<_>>()
        );
    }
}

#[test]
fn full_width_latin_words_are_not_split() {
    for word in [
        "ノートＰＣ-04",
        "ＰＣ－０４",
        "ｖ１．２＿ＡＢ／ＣＤ",
        "ＣＡＦ１２５３",
    ] {
        let latin: String = word
            .chars()
            .skip_while(|c| matches!(c, 'ァ'..='ー'))
            .collect();
        // Half an em a step, from the first width the word fits on a line.
        let min = 2 * latin.chars().count() + 2;
        let spans = [
            Span::normal("受付のパソコンは"),
            Span::value(word, "terminal"),
            Span::normal("です。端末名をそのまま入力してください。"),
        ];
        assert_kept_whole(&spans, &latin, min..min + 40);
    }
    // Japanese text still breaks between characters, a joiner between
    // Japanese words too, and a full-width word longer than a line by
    // character.
    let lines = lines_of(
        &[Span::normal("はい／いいえのどちらかを選んでください")],
        3.0,
    );
    assert!(lines.len() > 3);
    assert!(lines.iter().all(|l| l.width <= 30.05));
    let word = "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰ０１２３４５６７８９";
    let lines = lines_of(&[Span::normal(word)], 8.0);
    assert!(lines.len() > 1);
    assert_eq!(lines.iter().map(text_of).collect::<String>(), word);
    assert!(lines.iter().all(|l| l.width <= 80.05));
}

#[test]
fn words_longer_than_a_line_break_by_character() {
    let word = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".repeat(3);
    let lines = lines_of(&[Span::normal(word.clone())], 12.0);
    assert!(lines.len() > 1);
    let joined: String = lines.iter().map(text_of).collect();
    assert_eq!(joined, word);
    for l in &lines {
        assert!(l.width <= 120.05, "overflow {}", l.width);
    }
}

#[test]
fn soft_breaks() {
    // A forced break.
    let lines = lines_of(&[Span::normal("一行目\n二行目")], 40.0);
    assert_eq!(
        lines.iter().map(text_of).collect::<Vec<_>>(),
        ["一行目", "二行目"]
    );
    // Blank lines are kept.
    let lines = lines_of(&[Span::normal("上\n\n下")], 40.0);
    assert_eq!(lines.len(), 3);
    // A zero-width space lets a long Latin run break there, invisibly.
    let lines = lines_of(
        &[Span::normal("AAAAAAAAAAAAAAAA\u{200B}BBBBBBBBBBBBBBBB")],
        10.0,
    );
    assert_eq!(
        lines.iter().map(text_of).collect::<Vec<_>>(),
        ["AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"]
    );
    // A soft hyphen shows a hyphen only where the line breaks.
    let lines = lines_of(&[Span::normal("Registrierungs\u{AD}formular")], 9.0);
    assert_eq!(
        lines.iter().map(text_of).collect::<Vec<_>>(),
        ["Registrierungs-", "formular"]
    );
    let lines = lines_of(&[Span::normal("Registrierungs\u{AD}formular")], 40.0);
    assert_eq!(text_of(&lines[0]), "Registrierungsformular");
}

#[test]
fn oidashi_and_justification() {
    // 20 full-width characters per line; the 21st is "。", which may not
    // start a line, so the 20th is pushed down with it (oidashi) and the
    // short first line is justified to the full measure.
    let text = "あいうえおかきくけこさしすせそたちつてと。なにぬねの";
    let lines = lines_of(&[Span::normal(text)], 20.0);
    assert_eq!(text_of(&lines[0]).chars().count(), 19);
    assert!(text_of(&lines[1]).starts_with("と。"));
    assert!(
        (lines[0].width - 200.0).abs() < 0.05,
        "not justified: {}",
        lines[0].width
    );
}

#[test]
fn punctuation_is_set_solid() {
    // Full-width marks keep a full em each, so extracted text stays on one line.
    let plain = lines_of(&[Span::normal("あ。あ")], 40.0)[0].width;
    let solid = lines_of(&[Span::normal("あ。「あ」")], 40.0)[0].width;
    assert!((plain - 30.0).abs() < 0.05);
    assert!((solid - 50.0).abs() < 0.05, "{solid}");
}

fn layout_doc(doc: &Document) -> (Vec<Unit>, layout::Paginated) {
    let mut w = Warnings::default();
    let (units, _) = layout::layout_document(doc, fonts(), &mut w);
    let kept = units.clone();
    (kept, layout::paginate(units, &mut w))
}

/// Page index of every strip unit, with its `keep` and heading flags.
fn strips(units: &[Unit]) -> Vec<(bool, bool)> {
    units
        .iter()
        .filter_map(|u| match u {
            Unit::Strip { keep, mark, .. } => Some((*keep, mark.is_some())),
            _ => None,
        })
        .collect()
}

fn para(n: usize) -> Block {
    Block::text(
        "オンライン資格確認の導入にあたり、医療機関等向けポータルサイトで申請を行います。"
            .repeat(n),
    )
}

#[test]
fn headings_are_never_last_on_a_page() {
    for filler in 0..30 {
        let mut blocks = Vec::new();
        for i in 0..filler {
            blocks.push(para(1 + i % 3));
        }
        for k in 0..8 {
            blocks.push(Block::Heading {
                level: 2,
                number: Some(format!("1-{k}")),
                text: "見出し".into(),
                bookmark: true,
            });
            blocks.push(para(2));
            blocks.push(Block::Heading {
                level: 3,
                number: None,
                text: "小見出し".into(),
                bookmark: false,
            });
            blocks.push(Block::Table {
                columns: vec![Column {
                    header: "項目".into(),
                    width: 1.0,
                }],
                rows: vec![vec![vec![Span::normal("値")]]; 3],
                highlight_col: None,
            });
        }
        let doc = Document {
            blocks,
            ..Document::default()
        };
        let (units, p) = layout_doc(&doc);
        let flags = strips(&units);
        assert_eq!(flags.len(), p.placements.len());
        for (i, (keep, _)) in flags.iter().enumerate() {
            if *keep && i + 1 < flags.len() {
                assert_eq!(
                    p.placements[i].page,
                    p.placements[i + 1].page,
                    "kept strip {i} separated from the next (filler {filler})"
                );
            }
        }
        for pl in &p.placements {
            assert!(
                pl.bottom <= mm(BODY_BOTTOM_MM) + 0.05,
                "strip runs past the body"
            );
            assert!(pl.top >= mm(BODY_TOP_MM) - 0.05);
        }
    }
}

/// A heading's lead of two lines stays, both lines, with what follows: the
/// part-2 heading of 神田すずらん薬局 and its two-line intro ended page 5,
/// its first step beginning page 6 (the second line was not kept).
#[test]
fn a_two_line_lead_under_a_heading_keeps_both_lines_with_what_follows() {
    let lead = para(2);
    let alone = Document {
        blocks: vec![lead.clone()],
        ..Document::default()
    };
    let n = strips(&layout_doc(&alone).0).len();
    assert_eq!(n, 2, "the lead is two lines");
    let doc = Document {
        blocks: vec![
            Block::Heading {
                level: 1,
                number: Some("2".into()),
                text: "電子証明書の発行申請".into(),
                bookmark: true,
            },
            lead,
            Block::Heading {
                level: 2,
                number: Some("2-1".into()),
                text: "見出し".into(),
                bookmark: true,
            },
            para(6),
        ],
        ..Document::default()
    };
    let flags = strips(&layout_doc(&doc).0);
    let body = Document {
        blocks: vec![para(6)],
        ..Document::default()
    };
    // The strips before the step's body (whose last lines are not kept):
    // the part heading, the lead's two lines and the step heading.
    let before_body = flags.len() - strips(&layout_doc(&body).0).len();
    for (i, (keep, _)) in flags.iter().enumerate().take(before_body) {
        assert!(*keep, "strip {i} of {flags:?}");
    }
}

fn page_text(page: &PageOut) -> String {
    page.cmds
        .iter()
        .filter_map(|c| match c {
            Item::Glyphs { glyphs, .. } => Some(glyphs.iter().map(|g| g.text).collect::<String>()),
            _ => None,
        })
        .collect()
}

#[test]
fn table_rows_are_not_split_and_headers_repeat() {
    let rows: Vec<Vec<Vec<Span>>> = (0..80)
        .map(|i| {
            vec![
                vec![Span::normal(format!("行{i}"))],
                vec![Span::normal("説明文が入ります。".repeat(1 + i % 5))],
            ]
        })
        .collect();
    let doc = Document {
        blocks: vec![
            para(3),
            Block::Table {
                columns: vec![
                    Column {
                        header: "見出し列".into(),
                        width: 1.0,
                    },
                    Column {
                        header: "説明列".into(),
                        width: 3.0,
                    },
                ],
                rows,
                highlight_col: Some(1),
            },
        ],
        ..Document::default()
    };
    let (_, p) = layout_doc(&doc);
    assert!(p.pages.len() >= 3);
    for (i, page) in p.pages.iter().enumerate() {
        let t = page_text(page);
        assert!(
            t.contains("見出し列説明列"),
            "page {i} lacks the table header"
        );
    }
    for pl in &p.placements {
        assert!(
            pl.bottom <= mm(BODY_BOTTOM_MM) + 0.05,
            "row split or overflow: {pl:?}"
        );
    }
}

#[test]
fn callouts_move_whole_to_the_next_page() {
    let doc = Document {
        blocks: vec![
            para(20),
            Block::Callout {
                kind: CalloutKind::Warning,
                title: Some("注意".into()),
                body: vec![para(4)],
            },
        ],
        ..Document::default()
    };
    let (units, p) = layout_doc(&doc);
    // Find the strips inside the box.
    let mut inside = Vec::new();
    let mut depth = 0;
    let mut k = 0;
    for u in &units {
        match u {
            Unit::BoxStart(_) => depth += 1,
            Unit::BoxEnd => depth -= 1,
            Unit::Strip { .. } => {
                if depth > 0 {
                    inside.push(k);
                }
                k += 1;
            }
            _ => {}
        }
    }
    let pages: Vec<usize> = inside.iter().map(|&i| p.placements[i].page).collect();
    assert!(!pages.is_empty());
    assert!(
        pages.iter().all(|&pg| pg == pages[0]),
        "callout split: {pages:?}"
    );
}

/// A drawing `height_mm` tall at any width, with one line of text.
fn drawn(width_mm: f32, height_mm: f32, text: &str, fonts: &Fonts) -> FramePlacement {
    use crate::render::frame::{Frame, Item as F};
    let items = if text.is_empty() {
        Vec::new()
    } else {
        vec![F::Glyphs {
            tag: 0,
            class: "",
            y: 12.0,
            size: 10.0,
            weight: Weight::Bold,
            color: TEXT,
            glyphs: Measure::new(fonts).glyphs(text, 10.0, true, 0.0, false),
        }]
    };
    FramePlacement {
        frame: Arc::new(Frame {
            width: mm(width_mm),
            height: mm(height_mm),
            items,
        }),
        x_mm: 0.0,
        width_mm,
    }
}

struct Frame;
impl Drawable for Frame {
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        drawn(width_mm, 30.0, "図の説明", fonts)
    }
    fn alt(&self) -> Option<String> {
        Some("申請画面の図".into())
    }
}

fn sample_doc() -> Document {
    Document {
        title: "テスト文書".into(),
        lang: "ja".into(),
        author: "tebiki".into(),
        header_left: "ヘッダー左".into(),
        header_right: "ヘッダー右".into(),
        footer_left: "作成 2026-11-24 ・ マニュアル v1.0".into(),
        missing_glyph: String::new(),
        missing_glyph_field: String::new(),
        blocks: vec![
            Block::Title {
                text: vec![Span::normal("オンライン資格確認の手引き")],
                subtitle: vec![Span::normal("テスト")],
            },
            Block::Heading {
                level: 1,
                number: Some("第1部".into()),
                text: "準備".into(),
                bookmark: true,
            },
            Block::Heading {
                level: 2,
                number: Some("1-1".into()),
                text: "アカウント".into(),
                bookmark: true,
            },
            Block::Paragraph(vec![
                Span::normal("コードは"),
                Span::value("CAF1253000113", "clinic.code"),
                Span::normal("です。"),
                Span::link("サイト", "https://example.jp/"),
                Span::code("ID-42"),
                Span::small("注記"),
                Span::bold("太字"),
            ]),
            Block::List {
                ordered: true,
                items: vec![vec![Block::text("一つ目")], vec![]],
            },
            Block::Checklist(vec![vec![Span::normal("確認")]]),
            Block::Callout {
                kind: CalloutKind::Info,
                title: None,
                body: vec![Block::text("補足")],
            },
            Block::Custom(Arc::new(Frame)),
            Block::Table {
                columns: vec![
                    Column {
                        header: "項目".into(),
                        width: 1.0,
                    },
                    Column {
                        header: "値".into(),
                        width: 2.0,
                    },
                ],
                rows: vec![vec![vec![Span::normal("氏名")], vec![Span::normal("青木")]]],
                highlight_col: None,
            },
            Block::Spacer(5.0),
            Block::PageBreak,
            Block::Heading {
                level: 2,
                number: Some("1-2".into()),
                text: "次".into(),
                bookmark: true,
            },
        ],
    }
}

/// The file followed by the decompressed data of every Flate stream in it
/// (dictionaries live in a compressed object stream).
fn with_streams_inflated(pdf: &[u8]) -> Vec<u8> {
    let mut all = pdf.to_vec();
    all.extend(inflated_streams(pdf).concat());
    all
}

/// The inflated data of each Flate stream, in file order.
fn inflated_streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let mut at = 0;
    while let Some(p) = find_from(pdf, b"stream\n", at) {
        let start = p + 7;
        if !(pdf[..p].ends_with(b">>\n") || pdf[..p].ends_with(b">>")) {
            at = start;
            continue;
        }
        let Some(end) = find_from(pdf, b"\nendstream", start) else {
            break;
        };
        let head_from = pdf[..p].iter().rposition(|&b| b == b'<').unwrap_or(0);
        if find_from(&pdf[..p], b"/FlateDecode", head_from.saturating_sub(200)).is_some() {
            let mut raw = Vec::new();
            let mut d = flate2::read::ZlibDecoder::new(&pdf[start..end]);
            if std::io::Read::read_to_end(&mut d, &mut raw).is_ok() {
                all.push(raw);
            }
        }
        at = end;
    }
    all
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[test]
fn same_document_same_bytes() {
    let render_once = || match render(&sample_doc(), fonts()) {
        Ok(o) => o.bytes,
        Err(e) => panic!("render failed: {e}"),
    };
    let a = render_once();
    // Other documents rendered in between must not change the next one.
    let mut other = sample_doc();
    other.title = "別の文書".into();
    let b = match render(&other, fonts()) {
        Ok(o) => o.bytes,
        Err(e) => panic!("render failed: {e}"),
    };
    assert_ne!(a, b);
    assert_eq!(a, render_once());
    // The trailer carries an /ID derived from the content.
    let all = with_streams_inflated(&a);
    let id_at = find_from(&all, b"/ID[<", 0).unwrap_or_else(|| panic!("no /ID"));
    assert!(all[id_at + 5..id_at + 37].iter().all(u8::is_ascii_hexdigit));
}

#[test]
fn the_id_and_the_hash_come_from_one_pass_over_the_file() {
    use sha2::{Digest, Sha256};
    let r = match render(&sample_doc(), fonts()) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    // The hash handed to the manifest is the whole file's.
    assert_eq!(r.sha256[..], Sha256::digest(&r.bytes)[..]);
    // The /ID is the first half of the hash of all before the xref stream.
    let text = String::from_utf8_lossy(&r.bytes);
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .and_then(|t| t.lines().next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no startxref"));
    let id: String = Sha256::digest(&r.bytes[..xref_at])[..16]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let tail = String::from_utf8_lossy(&r.bytes[xref_at..]).to_uppercase();
    assert!(
        tail.contains(&format!("/ID[<{id}><{id}>]")),
        "{id} not in {tail:.400}"
    );
}

/// FLEVEL (0 fastest … 3 strongest) of each Flate stream's zlib header.
fn zlib_levels(pdf: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(p) = find_from(pdf, b"stream\n", at) {
        at = p + 7;
        if (pdf[..p].ends_with(b">>\n") || pdf[..p].ends_with(b">>"))
            && let Some(&flg) = pdf.get(at + 1)
        {
            out.push(flg >> 6);
        }
    }
    out
}

#[test]
fn a_large_document_is_written_again_compressed_harder_and_warns_once() {
    let mut doc = sample_doc();
    doc.blocks.push(Block::Paragraph(vec![Span::value(
        "A\u{1F600}B",
        "clinic.name",
    )]));
    let render_at = |above| match render_within(&doc, fonts(), None, above, usize::MAX) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    let small = render_at(usize::MAX);
    let large = render_at(0);
    // The document's own streams: fast when small, level 6 when large (the
    // words' subsets are built once, at their own level, in both).
    let (a, b) = (zlib_levels(&small.bytes), zlib_levels(&large.bytes));
    assert!(a.contains(&0) && !a.contains(&2), "{a:?}");
    assert!(b.contains(&2) && !b.contains(&0), "{b:?}");
    assert_eq!(a.len(), b.len());
    assert!(large.bytes.len() < small.bytes.len());
    assert_eq!((small.pages, large.pages), (2, 2));
    assert_eq!(small.warnings.len(), 1, "{:?}", small.warnings);
    assert_eq!(large.warnings, small.warnings);
    // `render` decides by the real limit, and by the document alone.
    let plain = |d: &Document| match render(d, fonts()) {
        Ok(o) => o.bytes,
        Err(e) => panic!("render failed: {e}"),
    };
    assert_eq!(plain(&doc), small.bytes);
    assert!(small.bytes.len() <= file::STRONGER_ABOVE);
}

#[test]
fn a_document_finished_again_at_stronger_levels_is_drawn_once() {
    let doc = sample_doc();
    let drawn = |above, budget| {
        let before = writer::WRITES.with(std::cell::Cell::get);
        let out = match render_within(&doc, fonts(), None, above, budget) {
            Ok(o) => o,
            Err(e) => panic!("render failed: {e}"),
        };
        (out, writer::WRITES.with(std::cell::Cell::get) - before)
    };
    let (fast, n_fast) = drawn(usize::MAX, usize::MAX);
    let (level6, n_level6) = drawn(0, usize::MAX);
    // Over budget at level 6, within it at the strongest level.
    let (strongest, n_strongest) = drawn(0, level6.bytes.len() - 1);
    // Each drawn once, however often it is finished.
    assert_eq!((n_fast, n_level6, n_strongest), (1, 1, 1));
    assert!(strongest.bytes.len() < level6.bytes.len());
    assert!(level6.bytes.len() < fast.bytes.len());
    // The same pages at every level.
    let (mut a, mut b, mut c) = (
        inflated_streams(&fast.bytes),
        inflated_streams(&level6.bytes),
        inflated_streams(&strongest.bytes),
    );
    assert!(a.pop().is_some() && b.pop().is_some() && c.pop().is_some());
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn a_document_over_budget_at_level_6_is_written_at_the_strongest_level() {
    let mut doc = sample_doc();
    doc.blocks.push(Block::Paragraph(vec![Span::value(
        "A\u{1F600}B",
        "clinic.name",
    )]));
    let render_at = |above, budget| match render_within(&doc, fonts(), None, above, budget) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    // Always above `above`: written at level 6, then judged by the budget.
    let level6 = render_at(0, usize::MAX);
    let strongest = own_or_words(&doc, writer::Glyphs::Words);
    assert!(
        strongest.len() < level6.bytes.len(),
        "{} vs {}",
        strongest.len(),
        level6.bytes.len()
    );
    // A budget the level-6 file meets exactly keeps it.
    assert_eq!(render_at(0, level6.bytes.len()).bytes, level6.bytes);
    // One byte less: written again, and the strongest file fits.
    let budget = level6.bytes.len() - 1;
    let out = render_at(0, budget);
    assert!(out.bytes.len() <= budget, "{} > {budget}", out.bytes.len());
    assert_eq!(out.bytes, strongest);
    // The document's own streams say the strongest level (FLEVEL 3), none
    // level 6 (2) or fast (0).
    let levels = zlib_levels(&out.bytes);
    assert!(!levels.contains(&2) && !levels.contains(&0), "{levels:?}");
    assert_eq!(levels.len(), zlib_levels(&level6.bytes).len());
    assert_eq!(out.pages, level6.pages);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(out.warnings, level6.warnings);
    // The same text and drawing: every stream inflates to the same bytes
    // (but the cross-reference stream, last, whose offsets moved).
    let (mut a, mut b) = (
        inflated_streams(&out.bytes),
        inflated_streams(&level6.bytes),
    );
    assert!(a.pop().is_some() && b.pop().is_some());
    assert_eq!(a, b);
}

#[test]
fn renders_a_pdf() {
    let out = match render(&sample_doc(), fonts()) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    assert!(out.bytes.starts_with(b"%PDF-1.7"));
    assert_eq!(out.pages, 2);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let all = with_streams_inflated(&out.bytes);
    let find = |needle: &[u8]| all.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"/Outlines"));
    assert!(find(b"/Lang"));
    assert!(find(b"/FontFile2"));
    assert!(find(b"/ToUnicode"));
    assert!(out.bytes.len() < 150_000, "{} bytes", out.bytes.len());
}

#[test]
fn handouts_are_tagged_in_reading_order() {
    let out = match render(&sample_doc(), fonts()) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    let all = with_streams_inflated(&out.bytes);
    let text = String::from_utf8_lossy(&all);
    for want in [
        "/MarkInfo<</Marked true>>",
        "/StructTreeRoot",
        "/ParentTree",
        "/DisplayDocTitle true",
        "/Lang(ja)",
        "/S/Document",
        "/S/H1",
        "/S/H2",
        "/S/H3",
        "/S/P",
        "/S/L",
        "/S/LI",
        "/S/LBody",
        "/S/Table",
        "/S/TR",
        "/S/TH",
        "/S/TD",
        "/S/Div",
        "/S/Figure",
        "/Artifact BMC",
        "/Figure<</MCID",
    ] {
        assert!(text.contains(want), "missing {want}");
    }
    // The figure carries its alternative text (UTF-16BE of 申請画面の図).
    assert!(text.contains("/Alt<FEFF7533"), "figure /Alt");
    // Every marked-content id opened in a page is closed, and the page's
    // parent-tree array has one element per id.
    let bdc = text.matches("BDC").count();
    let bmc = text.matches("BMC").count();
    let emc = text.matches("EMC").count();
    assert_eq!(bdc + bmc, emc);
    // Structure elements come in reading order: the title's heading first,
    // the table after the figure.
    let pos = |s: &str| text.find(s).unwrap_or(usize::MAX);
    assert!(pos("/S/H1") < pos("/S/H2"));
    assert!(pos("/S/Figure") < pos("/S/Table"));
}

#[test]
fn awkward_documents_do_not_panic() {
    let long_title = "オンライン資格確認".repeat(34);
    let no_spaces = "医療機関等向けポータルサイト".repeat(143);
    let latin = "X".repeat(2000);
    let huge_cell = "とても長いセルの内容です。".repeat(400);
    let docs = vec![
        Document::default(),
        Document {
            title: long_title.clone(),
            header_left: long_title.clone(),
            header_right: long_title.clone(),
            footer_left: long_title.clone(),
            blocks: vec![
                Block::Title {
                    text: vec![Span::normal(long_title.clone())],
                    subtitle: vec![],
                },
                Block::Heading {
                    level: 1,
                    number: Some(long_title.clone()),
                    text: long_title.clone(),
                    bookmark: true,
                },
            ],
            ..Document::default()
        },
        Document {
            blocks: vec![Block::text(no_spaces), Block::text(latin)],
            ..Document::default()
        },
        Document {
            blocks: vec![Block::Table {
                columns: vec![],
                rows: vec![vec![vec![Span::normal(huge_cell)], vec![]], vec![]],
                highlight_col: Some(7),
            }],
            ..Document::default()
        },
        Document {
            blocks: vec![
                Block::Table {
                    columns: vec![Column {
                        header: String::new(),
                        width: f32::NAN,
                    }],
                    rows: vec![],
                    highlight_col: None,
                },
                Block::List {
                    ordered: false,
                    items: vec![],
                },
                Block::Checklist(vec![vec![]]),
                Block::Paragraph(vec![]),
                Block::Spacer(f32::INFINITY),
                Block::Spacer(-3.0),
                Block::Heading {
                    level: 9,
                    number: Some(String::new()),
                    text: String::new(),
                    bookmark: true,
                },
                Block::Callout {
                    kind: CalloutKind::Error,
                    title: Some(String::new()),
                    body: vec![],
                },
                Block::Paragraph(vec![Span::normal("\n\n\u{200B}\u{AD}\t\u{FEFF}")]),
                Block::PageBreak,
                Block::PageBreak,
            ],
            ..Document::default()
        },
    ];
    for doc in &docs {
        match render(doc, fonts()) {
            Ok(out) => {
                assert!(out.pages >= 1);
                assert!(out.bytes.starts_with(b"%PDF"));
            }
            Err(e) => panic!("render failed: {e}"),
        }
    }
}

#[test]
fn missing_glyphs_are_reported_and_replaced() {
    let doc = Document {
        blocks: vec![Block::Paragraph(vec![Span::value(
            "A\u{1F600}B",
            "clinic.name",
        )])],
        ..Document::default()
    };
    let out = match render(&doc, fonts()) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("U+1F600"));
    assert!(out.warnings[0].contains("clinic.name"));
    // The replacement mark is laid out in its place.
    let lines = lines_of(&[Span::normal("A\u{1F600}B")], 40.0);
    assert_eq!(
        lines[0]
            .items
            .iter()
            .map(|p| p.atom.text)
            .collect::<String>(),
        format!("A{REPLACEMENT_CHAR}B")
    );
    assert!(lines[0].items[1].atom.gid != 0);
}

#[test]
fn fonts_measure_with_hmtx() {
    let f = fonts();
    // BIZ UDGothic: full-width kana and kanji, half-width ASCII.
    assert!((f.measure(Weight::Regular, "あ漢", 10.0) - 20.0).abs() < 0.01);
    assert!((f.measure(Weight::Regular, "AB", 10.0) - 10.0).abs() < 0.01);
    assert!(f.has_char(Weight::Bold, 'ー'));
    assert!(!f.has_char(Weight::Regular, '\u{1F600}'));
}

#[test]
fn random_unicode_does_not_panic() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let ranges: [(u32, u32); 7] = [
        (0x0, 0x250),
        (0x300, 0x370),
        (0x590, 0x700),
        (0x2000, 0x2070),
        (0x3000, 0x3100),
        (0x4E00, 0x9FFF),
        (0x1F300, 0x1F700),
    ];
    let mut blocks = Vec::new();
    for _ in 0..30 {
        let mut s = String::new();
        for _ in 0..(rng.next() % 200) {
            let (lo, hi) = ranges[(rng.next() % ranges.len() as u64) as usize];
            if let Some(c) = char::from_u32(lo + (rng.next() % u64::from(hi - lo)) as u32) {
                s.push(c);
            }
        }
        blocks.push(Block::Paragraph(vec![
            Span::value(s.clone(), "random"),
            Span::link(s.clone(), s.clone()),
        ]));
        blocks.push(Block::Table {
            columns: vec![Column {
                header: s.clone(),
                width: 1.0,
            }],
            rows: vec![vec![vec![Span::code(s)]]],
            highlight_col: Some(0),
        });
    }
    let doc = Document {
        blocks,
        ..Document::default()
    };
    match render(&doc, fonts()) {
        Ok(out) => {
            assert!(out.pages >= 1);
            assert!(out.warnings.iter().any(|w| w.contains("（項目 random）")));
        }
        Err(e) => panic!("{e}"),
    }
}

// --- design rules (issue 13): units, short last lines, spaces, floats ------

#[test]
fn a_number_stays_with_its_unit() {
    for pad in 0..40 {
        let text = format!(
            "{}電子証明書は1枚、発行料は1,500円で、反映まで1週間ほどかかります。",
            "あ".repeat(pad)
        );
        for width in [12.0, 17.0, 23.0] {
            let lines = lines_of(&[Span::normal(text.clone())], width);
            for pair in lines.windows(2) {
                let (a, b) = (text_of(&pair[0]), text_of(&pair[1]));
                let split = a.chars().last().is_some_and(|c| c.is_ascii_digit())
                    && b.chars().next().is_some_and(|c| !c.is_ascii());
                assert!(!split, "number split from its unit: {a:?} / {b:?}");
            }
        }
    }
}

#[test]
fn a_date_stays_with_its_weekday() {
    let mut checked = 0;
    for pad in 0..30 {
        let text = format!(
            "{}通知書は（見込み2026年12月8日（火））に届き、設置日は2027年1月11日（月・祝）です。",
            "あ".repeat(pad)
        );
        for width in [12.0, 17.0, 23.0] {
            let lines = lines_of(&[Span::normal(text.clone())], width);
            for pair in lines.windows(2) {
                let (a, b) = (text_of(&pair[0]), text_of(&pair[1]));
                checked += 1;
                assert!(
                    !(a.ends_with('日') && b.starts_with('（')),
                    "date split from its weekday: {a:?} / {b:?}"
                );
            }
        }
    }
    assert!(checked > 100);
}

#[test]
fn a_date_is_never_split_across_lines() {
    // The handout broke 「見込みは2026年」/「12月7日（月）」 and
    // 「2026年12月」/「7日（月）」 (98 times in the fixtures' 116 handouts and
    // sheets built for 2026-11-30); the guide keeps a date whole.
    let dates = [
        "2026年12月8日",
        "2027年1月11日",
        "２０２７年１月",
        "2027年3月",
    ];
    let mut checked = 0;
    for pad in 0..30 {
        let text = format!(
            "{}通知書は見込み{}（火）に届き、設置日は{}（月・祝）、開始は{}、次は{}です。",
            "あ".repeat(pad),
            dates[0],
            dates[1],
            dates[2],
            dates[3]
        );
        for width in [12.0, 17.0, 23.0] {
            let lines = lines_of(&[Span::normal(text.clone())], width);
            let joined: Vec<String> = lines.iter().map(text_of).collect();
            for date in dates {
                checked += 1;
                assert!(
                    joined.iter().any(|l| l.contains(date)),
                    "«{date}» split: {joined:?}"
                );
            }
        }
    }
    assert!(checked > 300);
}

#[test]
fn no_paragraph_ends_with_a_one_or_two_character_line() {
    let sentence = "支払基金から、書留で電子証明書発行通知書が届きます。設置日に使うので、それまで大切に保管してください。";
    let mut checked = 0;
    for cut in 20..sentence.chars().count() {
        let text: String = sentence.chars().take(cut).collect();
        for width in [16.0, 21.0, 30.0] {
            let lines = lines_of(&[Span::normal(text.clone())], width);
            if lines.len() < 2 {
                continue;
            }
            checked += 1;
            let last = text_of(lines.last().unwrap_or(&Line::default()));
            assert!(
                last.chars().count() >= 3,
                "{cut}/{width}: last line {last:?} of {:?}",
                lines.iter().map(text_of).collect::<Vec<_>>()
            );
        }
    }
    assert!(checked > 50);
}

#[test]
fn values_are_not_padded_with_western_spaces() {
    let spans = [
        Span::normal("この医療機関の回線は "),
        Span::value("光コラボ", "line.carrier"),
        Span::normal(" です。お客さまID "),
        Span::value("CAF0912345678", "line.customer_id"),
        Span::normal(" を入力します。"),
    ];
    let lines = lines_of(&spans, 80.0);
    let text: String = lines.iter().map(text_of).collect();
    assert_eq!(
        text,
        "この医療機関の回線は光コラボです。お客さまID CAF0912345678を入力します。"
    );
}

/// A bold run facing Japanese text is set apart by its weight: no Western
/// space around it, as in the HTML guide (「場合は **必ず1**を選びます」 read
/// 「場合は 必ず1を選びます」 in the handout, 「場合は必ず1を選びます」 in the
/// guide); a bold Latin word keeps its space, as in the HTML.
#[test]
fn bold_runs_in_japanese_text_are_not_padded_with_western_spaces() {
    let spans = [
        Span::normal("場合は "),
        Span::bold("必ず1"),
        Span::normal("を選びます。反映まで "),
        Span::bold("1週間ほど"),
        Span::normal(" かかります。確認画面で "),
        Span::bold("OK"),
        Span::normal(" をクリック。"),
    ];
    let lines = lines_of(&spans, 120.0);
    let text: String = lines.iter().map(text_of).collect();
    assert_eq!(
        text,
        "場合は必ず1を選びます。反映まで1週間ほどかかります。確認画面で OK をクリック。"
    );
}

/// A bold run starting or ending with a number has no Western space beside
/// Japanese text, as in the HTML guide (the rule is `render::faces_as_japanese`):
/// 「施設内で決めた 4桁の秘密の番号」 kept the space before 4 in both. A
/// Latin word (「IPv6」) keeps its spaces.
#[test]
fn a_bold_run_with_a_number_facing_japanese_text_has_no_western_space() {
    let spans = [
        Span::normal("施設内で決めた "),
        Span::bold("4桁の秘密の番号"),
        Span::normal("（人に見せず）。"),
        Span::bold("手順 3"),
        Span::normal(" で、"),
        Span::bold("10:00"),
        Span::normal(" から。"),
        Span::bold("IPv6"),
        Span::normal(" の欄へ。"),
    ];
    let text: String = lines_of(&spans, 120.0).iter().map(text_of).collect();
    assert_eq!(
        text,
        "施設内で決めた4桁の秘密の番号（人に見せず）。手順 3で、10:00から。IPv6 の欄へ。"
    );
}

/// A dash keeps the spaces written around it on both sides, as in the HTML
/// guide: 「利用申請— 回線の種類」 lost only the space before it.
#[test]
fn a_dash_after_a_bold_run_keeps_its_spaces() {
    let spans = [
        Span::bold("利用申請"),
        Span::normal(" — 回線の種類を登録します。"),
    ];
    let text: String = lines_of(&spans, 120.0).iter().map(text_of).collect();
    assert_eq!(text, "利用申請 — 回線の種類を登録します。");
}

struct Tall(f32);
impl Drawable for Tall {
    fn frame(&self, width_mm: f32, fonts: &Fonts) -> FramePlacement {
        drawn(width_mm, self.0, "", fonts)
    }
}

fn heading2(n: &str) -> Block {
    Block::Heading {
        level: 2,
        number: Some(n.into()),
        text: format!("手順{n}"),
        bookmark: true,
    }
}

/// Kinds of the strips of `units` in order: `h` a bookmarked heading, `f`
/// a figure, `s` anything else (indexes into `Paginated::placements`).
fn kinds(units: &[Unit]) -> Vec<&'static str> {
    units
        .iter()
        .filter_map(|u| match u {
            Unit::Strip { mark: Some(_), .. } => Some("h"),
            Unit::Strip { .. } => Some("s"),
            Unit::Float(_) => Some("f"),
            _ => None,
        })
        .collect()
}

fn figure(height_mm: f32) -> Block {
    Block::Figure {
        drawing: Arc::new(Tall(height_mm)),
        caption: vec![Span::normal("画面「申請」")],
    }
}

#[test]
fn a_step_heading_and_its_lead_go_to_the_page_of_their_figure() {
    // The heading and its lead fit under the first page's text, the
    // picture does not: they ended page 1 and the picture topped page 2,
    // the text after it filling page 1 (a reader turning the page for the
    // step's picture could miss it).
    let doc = Document {
        blocks: vec![
            para(1),
            Block::Spacer(150.0),
            heading2("1-1"),
            para(1),
            figure(150.0),
            para(2),
            heading2("1-2"),
            para(1),
        ],
        ..Document::default()
    };
    let (units, p) = layout_doc(&doc);
    let k = kinds(&units);
    let heading = k.iter().position(|k| *k == "h").unwrap_or(0);
    let fig = k.iter().position(|k| *k == "f").unwrap_or(0);
    let at = |i: usize| p.placements[i];
    // Heading, lead and picture on page 2, the heading at its top …
    assert_eq!(at(heading).page, 1, "{:?}", p.placements);
    assert!(at(heading).top <= mm(BODY_TOP_MM) + 0.5);
    for i in heading..=fig {
        assert_eq!(at(i).page, 1, "strip {i}: {:?}", p.placements);
    }
    // … and the text after the picture follows it, in reading order.
    assert!(at(fig + 1).page > at(fig).page || at(fig + 1).top >= at(fig).bottom);
}

#[test]
fn a_figure_that_nearly_fits_keeps_its_heading_on_the_page() {
    // Heading, lead and a picture after filler of every height (quarter
    // millimetres) across the range where the picture fits the rest of page
    // 1 only set smaller: the heading is counted with the picture at its
    // smallest scale, so whenever the heading stays on page 1 the picture
    // does too (set smaller, never below 0.9, or 0.8 on a page the step
    // would leave more than half empty), and else both move on.
    let full = 150.0;
    let mut shrunk = 0;
    for q in 0..160 {
        let fill = 259.0 - full - 40.0 + q as f32 * 0.25;
        let doc = Document {
            blocks: vec![
                para(1),
                Block::Spacer(fill),
                heading2("1-1"),
                para(1),
                figure(full),
            ],
            ..Document::default()
        };
        let (units, p) = layout_doc(&doc);
        let k = kinds(&units);
        let heading = k.iter().position(|k| *k == "h").unwrap_or(0);
        let fig = k.iter().position(|k| *k == "f").unwrap_or(0);
        let at = p.placements[fig];
        assert_eq!(
            p.placements[heading].page, at.page,
            "fill {fill} mm: {:?}",
            p.placements
        );
        let Some(Unit::Float(strip)) = units.iter().find(|u| matches!(u, Unit::Float(_))) else {
            panic!("no figure");
        };
        let drawing = strip.drawing_h.unwrap_or(strip.h);
        let lost = strip.h - (at.bottom - at.top);
        // Down to 0.8 where the step starts a page's lower half would be
        // left empty by moving on (docs/pdf.md, "Page breaks"), else 0.9.
        let body = mm(BODY_BOTTOM_MM) - mm(BODY_TOP_MM);
        let upper_half = p.placements[heading].top - mm(BODY_TOP_MM) < body / 2.0 + 10.0;
        let least = if upper_half { 0.8 } else { 0.9 };
        assert!(
            lost <= drawing * (1.0 - least) + 0.6,
            "fill {fill} mm: {lost} pt lost"
        );
        if lost > 0.5 {
            shrunk += 1;
        }
    }
    assert!(shrunk > 0, "no filler made the picture shrink");
}

#[test]
fn a_part_heading_goes_with_the_step_under_it_to_the_page_of_its_figure() {
    let doc = Document {
        blocks: vec![
            para(1),
            Block::Spacer(150.0),
            Block::Heading {
                level: 1,
                number: Some("1".into()),
                text: "利用申請".into(),
                bookmark: true,
            },
            para(1),
            heading2("1-1"),
            para(1),
            figure(120.0),
        ],
        ..Document::default()
    };
    let (units, p) = layout_doc(&doc);
    let k = kinds(&units);
    let part = k.iter().position(|k| *k == "h").unwrap_or(0);
    let fig = k.iter().position(|k| *k == "f").unwrap_or(0);
    for i in part..=fig {
        assert_eq!(p.placements[i].page, 1, "strip {i}: {:?}", p.placements);
    }
}

#[test]
fn a_step_heading_and_its_text_stay_with_the_start_of_its_table() {
    let rows: Vec<Vec<Vec<Span>>> = (0..4)
        .map(|i| {
            vec![
                vec![Span::normal(format!("行{i}"))],
                vec![Span::normal("説明")],
            ]
        })
        .collect();
    for filler in 0..40 {
        let mut blocks: Vec<Block> = (0..filler).map(|i| para(1 + i % 3)).collect();
        blocks.extend([
            heading2("1-1"),
            para(1),
            para(1),
            para(1),
            Block::Table {
                columns: vec![],
                rows: rows.clone(),
                highlight_col: None,
            },
        ]);
        let doc = Document {
            blocks,
            ..Document::default()
        };
        let (units, p) = layout_doc(&doc);
        let k = kinds(&units);
        let heading = k.iter().position(|k| *k == "h").unwrap_or(0);
        // The table's first row: the strip after its `TableStart`.
        let start = units
            .iter()
            .position(|u| matches!(u, Unit::TableStart(_)))
            .unwrap_or(0);
        let first_row = kinds(&units[..start]).len();
        assert!(first_row > heading + 2 && first_row < k.len());
        assert_eq!(
            p.placements[heading].page, p.placements[first_row].page,
            "filler {filler}: {:?}",
            p.placements
        );
    }
}

#[test]
fn no_table_row_stands_alone_on_a_page() {
    let rows: Vec<Vec<Vec<Span>>> = (0..6)
        .map(|i| {
            vec![
                vec![Span::normal(format!("行{i}"))],
                vec![Span::normal("説明")],
            ]
        })
        .collect();
    for filler in 0..40 {
        let doc = Document {
            blocks: vec![
                Block::Spacer(filler as f32 * 6.0),
                Block::Table {
                    columns: vec![],
                    rows: rows.clone(),
                    highlight_col: None,
                },
            ],
            ..Document::default()
        };
        let (_, p) = layout_doc(&doc);
        // Strips: header, rows 0..6.
        let pages: Vec<usize> = p.placements.iter().map(|pl| pl.page).collect();
        for page in 0..p.pages.len() {
            let body_rows = pages[1..].iter().filter(|&&pg| pg == page).count();
            assert!(
                body_rows != 1,
                "filler {filler}: a lone row on page {page}: {pages:?}"
            );
        }
    }
}

/// Names of the fonts a PDF embeds (`/BaseFont` of its Type0 fonts).
/// The text `pdftotext` reads from `pdf`, if poppler-utils is installed.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(pdf)?;
            }
            child.wait_with_output()
        })
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn font_names(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("our PDF parses");
    let mut names: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0"))
        .filter_map(|d| d.get(b"BaseFont").and_then(|n| n.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_words_subset_is_shared_and_data_glyphs_are_embedded_apart() {
    let doc = |name: &str| Document {
        title: "手引き".into(),
        blocks: vec![Block::Paragraph(vec![
            Span::normal("医療機関名は"),
            Span::value(name, "clinic.name"),
            Span::normal("です。"),
        ])],
        ..Document::default()
    };
    let render_ok = |name: &str| match render(&doc(name), fonts()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let a = font_names(&render_ok("山田医院").bytes);
    let b = font_names(&render_ok("鈴木歯科").bytes);
    // Regular: the words, and the page number (data); Bold: the values.
    assert_eq!(a.len(), 3, "{a:?}");
    assert_eq!(b.len(), 3, "{b:?}");
    let shared: Vec<&String> = a.iter().filter(|n| b.contains(n)).collect();
    assert_eq!(
        shared.len(),
        2,
        "the words and the page number: {a:?} {b:?}"
    );
    assert!(shared.iter().all(|n| n.ends_with("-Regular")), "{shared:?}");
    // Only the values' subsets differ.
    assert!(a.iter().any(|n| n.ends_with("-Bold") && !b.contains(n)));
}

#[test]
fn glyphs_of_data_and_words_in_one_run_keep_their_positions() {
    // The running heads (data) and body (words) share glyphs; a run mixing
    // subsets switches fonts mid-line and the text still reads in order.
    let doc = Document {
        title: "手引き".into(),
        header_left: "山田医院 様".into(),
        blocks: vec![Block::Paragraph(vec![Span::normal("山田医院の申請")])],
        ..Document::default()
    };
    let out = match render(&doc, fonts()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    // The same glyphs in two subsets: the head's from the data subset, the
    // body's from the words' subset, and both /ToUnicode maps say 山田医院.
    assert_eq!(font_names(&out.bytes).len(), 2);
    let Some(text) = pdftotext(&out.bytes) else {
        // poppler-utils is installed by CI (.ci/run); nothing to read here.
        return;
    };
    assert!(text.contains("山田医院の申請"), "{text}");
    assert!(text.contains("山田医院 様"), "{text}");
}

#[test]
fn bold_text_in_the_fallback_font_is_set_in_synthetic_bold() {
    let path = std::path::Path::new(crate::config::DEFAULT_FALLBACK_FONT);
    if !path.is_file() {
        // fonts-noto-cjk is installed by CI (.ci/run), where this runs.
        assert!(
            std::env::var_os("CI").is_none(),
            "{} missing",
            path.display()
        );
        return;
    }
    let regular = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Regular.ttf");
    let bold = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Bold.ttf");
    let fonts = Fonts::from_bytes(regular, bold)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_fallback(path);
    // 𠮷 is outside BIZ UDGothic: set in the fallback, once bold, once not.
    let content = |span: Span| {
        let doc = Document {
            title: "手引き".into(),
            blocks: vec![Block::Paragraph(vec![Span::normal("氏名 "), span])],
            ..Document::default()
        };
        let out = render(&doc, &fonts).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        String::from_utf8_lossy(&with_streams_inflated(&out.bytes)).into_owned()
    };
    // A document the two faces can show never reads the fallback's file.
    let plain = content(Span::bold("吉野"));
    assert!(!plain.contains("/F "), "{plain}");
    assert!(fonts.fallback().is_some_and(|f| !f.is_loaded()));
    let bold = content(Span::bold("𠮷野"));
    assert!(
        fonts
            .fallback()
            .is_some_and(super::fonts::Fallback::is_loaded)
    );
    let regular = content(Span::normal("𠮷野"));
    // Fill and stroke (2 Tr) around the fallback's run, back to fill (0 Tr).
    let at = bold
        .find("2 Tr")
        .unwrap_or_else(|| panic!("no synthetic bold: {bold}"));
    assert!(
        bold[..at].contains("/F "),
        "the run is in the fallback: {bold}"
    );
    assert!(bold[at..].contains("0 Tr"), "{bold}");
    assert!(!regular.contains("2 Tr"), "regular stays filled only");
}

/// Pictures and pages share one measure and one line breaker: a label wrapped
/// for a picture breaks where the same text set on a page does, with no line
/// starting with a closing mark or ending with an opening one.
#[test]
fn pictures_break_lines_where_pages_do() {
    let m = Measure::new(fonts());
    let s = "回線契約時(光コラボレーション契約時)にNTT又は光コラボ事業者から送付されている「お客さまID」の種類を選択し、CAF1253000113のように入力してください。";
    for max in [60.0, 75.0, 90.0, 130.0, 200.0, 333.0, 2000.0] {
        let lines = m.wrap(s, 10.0, max);
        assert_eq!(lines.concat(), s, "no text lost at {max}");
        let page: Vec<String> = layout_spans(
            &[Span::normal(s)],
            &base(),
            max,
            false,
            fonts(),
            &mut Warnings::default(),
        )
        .iter()
        .map(|l| l.items.iter().map(|i| i.atom.orig).collect())
        .collect();
        assert_eq!(lines, page, "same breaks at {max}");
        for l in &lines {
            assert!(m.width(l, 10.0) <= max + 0.01, "{l} wider than {max}");
            let (first, last) = (l.chars().next().unwrap(), l.chars().last().unwrap());
            assert!(!no_line_start(first), "line starts with {first}: {l}");
            assert!(!no_line_end(last), "line ends with {last}: {l}");
        }
    }
    // Real advances: Latin is half an em in BIZ UDGothic, kana a full em.
    assert_eq!(m.width("CAF1253000113", 10.0), 65.0);
    assert_eq!(m.width("お客さまID", 10.0), 50.0);
    let cut = m.ellipsize(
        "https://shinsei.iryohokenjyoho-portalsite.jp/pc/",
        10.0,
        100.0,
    );
    assert!(cut.ends_with('…') && m.width(&cut, 10.0) <= 100.0);
    assert_eq!(
        m.wrap("あいう\n\n  えお ", 10.0, 100.0),
        vec!["あいう", "えお"]
    );
}

/// A drawing that is a frame of the display list (a picture).
struct FramePic(Arc<crate::render::frame::Frame>);

impl Drawable for FramePic {
    fn frame(&self, width_mm: f32, _fonts: &Fonts) -> FramePlacement {
        FramePlacement {
            frame: self.0.clone(),
            x_mm: 10.0,
            width_mm: width_mm - 20.0,
        }
    }

    fn alt(&self) -> Option<String> {
        Some("申請画面の図".into())
    }
}

/// A picture is a sub-frame of the page: placed and scaled where its area
/// is, tagged as one figure (its text inside the figure's marked content),
/// drawn by the page writer under one `cm` with the same glyph, path and
/// dash operators as the page.
#[test]
fn a_picture_is_a_sub_frame_placed_on_the_page() {
    use crate::render::frame::{Frame, Item as F, Rgb, Stroke as S};
    let m = Measure::new(fonts());
    let frame = Arc::new(Frame {
        width: 200.0,
        height: 100.0,
        items: vec![
            F::Rect {
                class: "chrome",
                x: 1.0,
                y: 1.0,
                w: 198.0,
                h: 98.0,
                radius: 6.0,
                fill: None,
                stroke: Some(S {
                    color: Rgb::hex(0xc77700),
                    width: 2.0,
                    dash: Some((5.0, 3.0)),
                }),
            },
            F::Glyphs {
                tag: 0,
                class: "value",
                y: 50.0,
                size: 12.0,
                weight: Weight::Regular,
                color: TEXT,
                glyphs: m.glyphs("CAF1253000113", 12.0, false, 20.0, true),
            },
        ],
    });
    let doc = Document {
        title: "図".into(),
        blocks: vec![Block::Custom(Arc::new(FramePic(frame.clone())))],
        ..Document::default()
    };
    let mut warnings = Warnings::default();
    let (units, nodes) = layout::layout_document(&doc, fonts(), &mut warnings);
    let p = layout::paginate(units, &mut warnings);
    let groups: Vec<_> = p.pages[0]
        .cmds
        .iter()
        .filter_map(|c| match c {
            Item::Group { tag, x, scale, .. } => Some((*tag, *x, *scale)),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 1);
    let (tag, x, scale) = groups[0];
    let node = &nodes[tag as usize - 1];
    assert_eq!(node.role, structure::Role::Figure);
    assert_eq!(node.alt.as_deref(), Some("申請画面の図"));
    assert!((x - layout::body_left() - mm(10.0)).abs() < 0.01);
    assert!((scale * 200.0 - (layout::body_width() - mm(20.0))).abs() < 0.01);

    let out = render(&doc, fonts()).expect("pdf");
    let lop = lopdf::Document::load_mem(&out.bytes).expect("parse");
    let page = *lop.get_pages().values().next().expect("a page");
    let content = String::from_utf8_lossy(&lop.get_page_content(page)).into_owned();
    let bdc = content.find("/Figure").expect("figure marked content");
    let bdc = content[bdc..].find("BDC").expect("opened") + bdc;
    let cm = content[bdc..].find(" cm").expect("one cm for the frame") + bdc;
    let dash = content[cm..].find(" d").expect("the dashed outline") + cm;
    let tj = content[cm..].find("Tj").expect("the glyph run") + cm;
    let emc = content[bdc..].find("EMC").expect("closed") + bdc;
    assert!(dash < emc && tj < emc, "drawn inside the figure: {content}");
    // No marked content of its own inside the figure.
    assert!(!content[bdc + 3..emc].contains("BDC") && !content[bdc + 3..emc].contains("BMC"));
}

/// The layout cache keeps a paragraph of the document's own words and
/// serves it again, but never one that met a character the fonts lack (its
/// warning belongs to every document that shows it), nor one with a value.
#[test]
fn a_paragraph_with_a_missing_character_warns_in_every_document() {
    let regular = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Regular.ttf");
    let bold = include_bytes!("../../../themes/default/fonts/BIZUDGothic-Bold.ttf");
    let cached = Fonts::from_bytes(regular, bold)
        .expect("fonts")
        .with_layout_cache();
    let set = |spans: &[Span]| {
        let mut w = Warnings::default();
        let lines = layout_spans(spans, &base(), 200.0, true, &cached, &mut w);
        let plain = layout_spans(
            spans,
            &base(),
            200.0,
            true,
            fonts(),
            &mut Warnings::default(),
        );
        let text = |l: &[Line]| l.iter().map(text_of).collect::<Vec<_>>();
        assert_eq!(text(&lines), text(&plain));
        w.list
    };
    let words = [Span::normal("電子証明書の発行を申請します。")];
    let missing = [Span::normal("絵文字😀は表示できません。")];
    let value = [
        Span::normal("医療機関コードは"),
        Span::value("1234567", "clinic.code"),
    ];
    for round in 0..2 {
        assert!(set(&words).is_empty());
        let w = set(&missing);
        assert_eq!(w.len(), 1, "round {round}: {w:?}");
        assert!(w[0].contains("U+1F600"), "{w:?}");
        assert!(set(&value).is_empty());
    }
    // Only the paragraph of words was kept, and served the second time.
    assert_eq!(cached.layout_cache_counts(), Some((1, 1)));
}

/// What a thread keeps between documents (the glyph tables, the room for
/// compressed streams) leaves nothing of one document in the next: a
/// document rendered after another with other words and values is byte
/// for byte the one rendered first on a fresh thread.
#[test]
fn a_document_is_the_same_after_any_other_on_the_same_thread() {
    let bytes = |doc: &Document| match render(doc, fonts()) {
        Ok(o) => o.bytes,
        Err(e) => panic!("render failed: {e}"),
    };
    let alone = std::thread::spawn(move || bytes(&sample_doc()))
        .join()
        .expect("thread");
    let after = std::thread::spawn(move || {
        let mut other = sample_doc();
        other.blocks.push(Block::Paragraph(vec![
            Span::value("鴨川みなみ診療所 Ω", "clinic.name"),
            Span::normal("別の言葉で書いた段落、記号「※」も。"),
            Span::bold("太字の見出し語"),
        ]));
        let first = bytes(&other);
        (first, bytes(&sample_doc()))
    })
    .join()
    .expect("thread");
    assert_ne!(after.0, alone);
    assert!(after.1 == alone, "the second document differs");
}

#[test]
fn an_address_longer_than_a_line_breaks_at_a_separator_never_inside_a_word() {
    // ｻﾝｺﾞｼｮｳ薬局's address in the registration table, the sheet and the
    // pictures broke by character: 「…address-for-the-pharma / cy@」
    // 「…naha.example.c / o.jp」 (the break before 「.」 was vetoed as a
    // line-starting full stop).
    let address = "very.long.address-for-the-pharmacy@sangosho-pharmacy-naha.example.co.jp";
    let lines = |em: f32| -> Vec<String> {
        lines_of(&[Span::value(address, "email")], em)
            .iter()
            .map(text_of)
            .collect()
    };
    for em in [12.0, 16.0, 20.0, 28.0] {
        let got = lines(em);
        assert_eq!(got.concat(), address, "{em}: {got:?}");
        for pair in got.windows(2) {
            let (end, start) = (pair[0].chars().last(), pair[1].chars().next());
            assert!(
                matches!(end, Some('@' | '/')) || matches!(start, Some('.' | '-')),
                "{em} em: broken inside a word: {got:?}"
            );
        }
    }
    // The local part and the domain apart when both fit a line.
    assert_eq!(
        lines(24.0),
        [
            "very.long.address-for-the-pharmacy@",
            "sangosho-pharmacy-naha.example.co.jp"
        ]
    );
    // An address that fits a line is never split: it moves down whole.
    let spans = [
        Span::normal("メールアドレスは"),
        Span::value("kanri@naniwa-yakkyoku.example.jp", "email"),
        Span::normal("です。"),
    ];
    let got: Vec<String> = lines_of(&spans, 20.0).iter().map(text_of).collect();
    assert!(
        got.iter()
            .any(|l| l.contains("kanri@naniwa-yakkyoku.example.jp")),
        "{got:?}"
    );
    // A URL breaks after a slash, never between the two of 「//」.
    let url = "https://shinsei.iryohokenjyoho-portalsite.jp/pc/enquete/online/";
    let got: Vec<String> = lines_of(&[Span::normal(url)], 16.0)
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(got.concat(), url);
    assert!(got.iter().all(|l| !l.ends_with("https:/")), "{got:?}");
    for pair in got.windows(2) {
        assert!(
            pair[0].ends_with('/') || pair[1].starts_with(['.', '-']),
            "{got:?}"
        );
    }
}

/// The glyph runs of the first page in drawing order: (x of the first
/// glyph, baseline y, text), spaces dropped.
fn runs(doc: &Document) -> Vec<(f32, f32, String)> {
    let (_, paginated) = layout_doc(doc);
    paginated.pages[0]
        .cmds
        .iter()
        .filter_map(|c| match c {
            Item::Glyphs { glyphs, y, .. } => {
                let first = glyphs.iter().find(|g| !g.text.is_whitespace())?;
                let text = glyphs.iter().map(|g| g.text).filter(|c| !c.is_whitespace());
                Some((first.x, *y, text.collect()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_terms_text_goes_on_under_itself_and_is_drawn_in_reading_order() {
    // A late date's problem over two lines (the sheet's 「今後の日程」):
    // its second line started at the margin, under the date, and pdftotext
    // read it before the first.
    let problem = "※ 設置予定日（2027年1月5日（火））より後です。間に合いません";
    let doc = Document {
        blocks: vec![Block::Terms(vec![
            (
                vec![Span::bold("2027年1月8日（金）")],
                vec![
                    Span::normal("電子証明書発行通知書が届く見込み"),
                    Span::bold(format!(" {}", problem.repeat(2))),
                ],
            ),
            (
                vec![Span::normal("2030年3月29日（金）")],
                vec![Span::normal("電子証明書の有効期限の目安")],
            ),
        ])],
        ..Document::default()
    };
    let runs = runs(&doc);
    let read: String = runs.iter().map(|(.., t)| t.as_str()).collect();
    let want = format!(
        "2027年1月8日（金）電子証明書発行通知書が届く見込み{}2030年3月29日（金）電子証明書の有効期限の目安",
        problem.repeat(2)
    )
    .replace(' ', "");
    assert_eq!(read, want, "{runs:?}");
    // Lines top to bottom; the term's text (every line of it) starts after
    // the term and a space, the next term at the margin again.
    let margin = runs[0].0;
    let hang = margin + fonts().measure(Weight::Bold, "2027年1月8日（金）", 10.0) + 10.0;
    let next = runs.iter().position(|r| r.2 == "2030年3月29日（金）");
    let Some(next) = next else { panic!("{runs:?}") };
    let text = &runs[1..next];
    assert!(text.len() >= 3, "{runs:?}");
    for (x, _, t) in text {
        assert!(*x >= hang - 0.01, "{t} at {x}, not under its text ({hang})");
    }
    assert!((runs[next].0 - margin).abs() < 0.01, "{runs:?}");
    assert!(runs.windows(2).all(|w| w[1].1 >= w[0].1), "{runs:?}");
}

/// `doc` drawn with its glyphs from `glyphs`, finished at the strongest
/// level.
fn own_or_words(doc: &Document, glyphs: writer::Glyphs<'_>) -> Vec<u8> {
    match super::draw(doc, fonts(), glyphs, &mut Default::default()) {
        Ok((_, w)) => w.finish(file::STRONGEST).0,
        Err(e) => panic!("render failed: {e}"),
    }
}

/// A document over budget with the shared subsets is drawn once more with
/// one subset of its own per face, of exactly the glyphs it shows, and that
/// file is kept when smaller; one within budget never is.
#[test]
fn a_document_over_budget_is_written_with_subsets_of_its_own_when_smaller() {
    let doc = sample_doc();
    // Shared words of a larger document: glyphs `doc` does not show.
    let mut wider = sample_doc();
    wider.blocks.push(Block::Paragraph(vec![Span::normal(
        "電子証明書発行通知書を紛失した場合は、御社の窓口で再発行を申し込みます。",
    )]));
    let shared = match SharedWords::build(fonts(), super::words(&wider, fonts())) {
        Ok(s) => s,
        Err(e) => panic!("shared words: {e}"),
    };
    let render_at = |budget| match render_within(&doc, fonts(), Some(&shared), 0, budget) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    let own = own_or_words(&doc, writer::Glyphs::Own);
    // Within budget at the strongest level: the shared subsets are kept.
    let strongest = own_or_words(&doc, writer::Glyphs::Shared(&shared));
    let within = render_at(strongest.len());
    assert_eq!(within.bytes, strongest);
    assert!(font_names(&strongest).len() >= 3, "words and data subsets");
    assert!(
        own.len() < strongest.len(),
        "{} vs {}",
        own.len(),
        strongest.len()
    );
    // One byte over: its own subsets, two fonts, the same pages and text.
    let out = render_at(strongest.len() - 1);
    assert_eq!(out.bytes, own);
    assert_eq!(font_names(&out.bytes).len(), 2);
    assert_eq!(out.pages, within.pages);
    assert_eq!(out.warnings, within.warnings);
    assert_eq!(pdftotext(&out.bytes), pdftotext(&strongest));
    // Without shared words, over budget, the same file.
    match render_within(&doc, fonts(), None, 0, 0) {
        Ok(o) => assert_eq!(o.bytes, own),
        Err(e) => panic!("render failed: {e}"),
    }
}

/// A document within the budget as its own streams are first compressed
/// (fast) is kept so, however near the budget: it is finished once, and
/// only a document over the budget is compressed again (docs/speed.md,
/// "Speed, session 16").
#[test]
fn a_document_within_budget_at_the_fast_level_is_finished_once() {
    // Lines of the bundled manual as paragraphs: as many as keep the file
    // within the budget at the fast level, found by bisection.
    let lines: Vec<String> = [
        include_str!("../../../content/manuals/online-shikaku/manual.yaml"),
        include_str!("../../../content/rules/usage-application.yaml"),
    ]
    .iter()
    .flat_map(|f| f.lines())
    .map(str::trim)
    .filter(|l| !l.is_empty())
    .enumerate()
    .map(|(i, l)| format!("{i} {l}"))
    .collect();
    let doc_of = |n: usize| {
        let mut doc = sample_doc();
        doc.blocks.extend(
            lines[..n]
                .iter()
                .map(|l| Block::Paragraph(vec![Span::normal(l.as_str())])),
        );
        doc
    };
    let fast_size =
        |n: usize| match render_within(&doc_of(n), fonts(), None, usize::MAX, usize::MAX) {
            Ok(o) => o.bytes.len(),
            Err(e) => panic!("render failed: {e}"),
        };
    let all = fast_size(lines.len());
    assert!(all > file::BUDGET, "the manual is long enough: {all}");
    let (mut lo, mut hi) = (0, lines.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fast_size(mid) <= file::BUDGET {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let doc = doc_of(lo);
    let fast = match render_within(&doc, fonts(), None, usize::MAX, usize::MAX) {
        Ok(o) => o.bytes,
        Err(e) => panic!("render failed: {e}"),
    };
    // Near the budget: above what was once the limit for compressing again
    // (145,000 B), within the budget.
    assert!(
        fast.len() > file::BUDGET - 5_000 && fast.len() <= file::BUDGET,
        "{}",
        fast.len()
    );
    let before = writer::WRITES.with(std::cell::Cell::get);
    let out = match render(&doc, fonts()) {
        Ok(o) => o,
        Err(e) => panic!("render failed: {e}"),
    };
    assert_eq!(writer::WRITES.with(std::cell::Cell::get) - before, 1);
    assert_eq!(out.bytes, fast, "kept as first compressed");
    let levels = zlib_levels(&out.bytes);
    assert!(!levels.contains(&2) && levels.contains(&0), "{levels:?}");
}

/// The running heads and feet but the page number are written once, as a
/// form XObject every page draws (about 100 bytes a page less; docs/pdf.md,
/// "PDF size"): artifacts only, no marked content of a structure element;
/// each page's stream draws it once and keeps its own number.
#[test]
fn what_every_page_draws_the_same_is_one_form_xobject() {
    let out = render(&sample_doc(), fonts()).expect("pdf");
    let lop = lopdf::Document::load_mem(&out.bytes).expect("parse");
    let forms: Vec<Vec<u8>> = lop
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Form"))
        .map(|s| s.decompressed_content().expect("inflates"))
        .collect();
    assert_eq!(forms.len(), 1, "one form");
    let form = String::from_utf8_lossy(&forms[0]).into_owned();
    assert!(form.contains("/Artifact BMC"), "{form}");
    assert!(!form.contains("BDC") && !form.contains("MCID"), "{form}");
    // The header, the foot and both rules: every colour and width is set
    // in the form itself (it is drawn in whatever state the page left).
    assert_eq!(form.matches("/Artifact BMC").count(), 3, "{form}");
    assert!(form.contains(" w\n") && form.contains(" sc\n") && form.contains(" Tf\n"));
    let pages = lop.get_pages();
    assert!(pages.len() >= 2, "{}", pages.len());
    for (n, id) in pages {
        let content = String::from_utf8_lossy(&lop.get_page_content(id)).into_owned();
        assert_eq!(content.matches("/H Do").count(), 1, "page {n}");
        // Only the page number is an artifact of the page's own.
        assert_eq!(content.matches("/Artifact BMC").count(), 1, "page {n}");
    }
    let text = String::from_utf8_lossy(&with_streams_inflated(&out.bytes)).into_owned();
    assert!(
        text.contains("/XObject<</H "),
        "the pages' resources name it"
    );
}
