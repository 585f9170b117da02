//! Japanese line breaking (JLREQ) for inline text.
//!
//! Spans are turned into *atoms* (one visible character each, measured with
//! the real font's `hmtx` advances at the size used). Break opportunities come
//! from UAX #14 (`unicode-linebreak`) and are then tailored:
//!
//! * **Kinsoku shori** (JLREQ §3.1.7): no line starts with a closing bracket,
//!   a comma or full stop, a middle dot or colon, `ー`, a small kana, an
//!   iteration mark, `！？…‥` and similar ([`no_line_start`]); no line ends
//!   with an opening bracket ([`no_line_end`]).
//! * **Words stay whole**: no break between two Latin "word" characters (ASCII
//!   letters, digits and symbols, Latin letters, full-width Latin letters and
//!   digits with the joiners `－．＿／` between them), so codes such as
//!   `CAF1253000113`, phone numbers such as `0800-0804583`, e-mail addresses
//!   and URLs are never split — unless one is longer than a whole line, in
//!   which case an address is broken at a separator ([`address_breaks`]: after
//!   `@` or `/`, else before `.`, else before `-`) and anything else by
//!   character.
//! * `'\n'` is a forced break; U+200B (zero-width space) an invisible break
//!   opportunity; U+00AD (soft hyphen) an opportunity that shows a hyphen when
//!   taken.
//!
//! Lines are filled greedily. When the character that would start the next
//! line may not start a line, the break moves back to the previous allowed
//! opportunity: this engine uses **oidashi** (追い出し, pushing the preceding
//! character down to the next line) and never oikomi (squeezing the
//! character into the line). The short line this leaves is then justified by
//! spreading the slack evenly over the inter-character gaps (両端揃え),
//! except in the last line of a paragraph or before a forced break.
//!
//! Adjacent full-width punctuation is set solid (ベタ組み, each mark a full
//! em), which JLREQ allows. Compressing `。」` to 1.5 em overlaps the glyph
//! boxes, and text extractors (poppler's pdftotext) then split the line at
//! the overlap; searchable, correctly ordered text matters more here.

use std::collections::BTreeSet;

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::doc::{Span, SpanStyle};
use super::fonts::{Fonts, Weight, is_invisible};
use super::style::{BODY_SIZE, LINK, MIN_TEXT_SIZE, MUTED, Rgb, SMALL_SIZE, TEXT};

/// Characters that must not start a line (JLREQ cl-02 closing brackets,
/// cl-03 hyphens, cl-04 dividing punctuation, cl-05 middle dots, cl-06 full
/// stops, cl-07 commas, cl-08 inseparables, cl-09 iteration marks, cl-10
/// prolonged sound mark, cl-11 small kana) plus their ASCII counterparts.
pub fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | ',' | '.' | '､' | '｡'
            | '」' | '』' | '）' | '】' | '〕' | '〉' | '》' | '］' | '｝' | '〙' | '〗' | '〟'
            | '’' | '”' | ')' | ']' | '}' | '｠' | '»' | '｣'
            | '・' | '：' | '；' | ':' | ';' | '･'
            | 'ー' | 'ｰ' | '〜' | '～' | '‐' | '゠' | '–'
            | '！' | '？' | '!' | '?' | '‼' | '⁇' | '⁈' | '⁉'
            | '…' | '‥'
            | 'ヽ' | 'ヾ' | 'ゝ' | 'ゞ' | '々' | '〻'
            | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ'
            | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
            | 'ㇰ'..='ㇿ'
            | 'ｧ'..='ｯ'
    )
}

/// Characters that must not end a line (JLREQ cl-01 opening brackets).
pub fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '「' | '『'
            | '（'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '［'
            | '｛'
            | '〘'
            | '〖'
            | '〝'
            | '‘'
            | '“'
            | '('
            | '['
            | '{'
            | '｟'
            | '«'
            | '｢'
    )
}

/// Latin "word" characters between which no break is made: ASCII letters,
/// digits and symbols, Latin letters, and full-width Latin letters and
/// digits (「ノートＰＣ-04」 is a name the receptionist types, as
/// 「ノートPC-04」 is).
fn word_char(c: char) -> bool {
    // The cheap bound first: Japanese text never reaches the Unicode table.
    c.is_ascii_graphic() || (u32::from(c) < 0x2E80 && c.is_alphanumeric()) || fullwidth_alnum(c)
}

/// A full-width Latin letter or digit (Ａ–Ｚ, ａ–ｚ, ０–９).
fn fullwidth_alnum(c: char) -> bool {
    matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９')
}

/// Full-width joiners that belong to a word between two of its characters
/// (「ＰＣ－０４」「ｖ１．２」「ＡＢ／ＣＤ」), as `-` `.` `_` `/` do in ASCII.
/// Elsewhere (「はい／いいえ」) they are Japanese punctuation.
fn fullwidth_joiner(c: char) -> bool {
    matches!(c, '－' | '．' | '＿' | '／')
}

/// Whether atom `k` is part of a Latin word (see [`word_at`]).
fn in_word(atoms: &[Atom], k: usize) -> bool {
    let prev = k.checked_sub(1).map(|p| atoms[p].orig);
    word_at(prev, atoms[k].orig, atoms.get(k + 1).map(|a| a.orig))
}

/// Whether `c`, between `prev` and `next`, is part of a Latin word: a
/// [`word_char`], or a full-width joiner with a word character on either
/// side. The one definition of a word for the handout's line breaker and
/// the HTML guide ([`words_a_browser_splits`]).
fn word_at(prev: Option<char>, c: char, next: Option<char>) -> bool {
    word_char(c)
        || (fullwidth_joiner(c) && prev.is_some_and(word_char) && next.is_some_and(word_char))
}

/// Byte ranges of the words of `s` (runs of [`word_at`], the runs the
/// handout never breaks) that a browser would split: a run holding a
/// full-width letter or digit (a browser breaks between those as between
/// kanji: 「ノートＰ」/「Ｃ-04」), or an ASCII `-` or `/` inside the word
/// (Chrome breaks after it, before a letter or a digit alike: 「PC-」/「AB」,
/// 「03-1234-」/「5678」, 「（手順2-」/「2）」), so the HTML guide marks these
/// runs to be kept whole. Other ASCII words are left alone: a browser does not break
/// between ASCII letters or digits.
pub fn words_a_browser_splits(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    // Every full-width letter and digit is U+FF10..U+FF5A, encoded from
    // 0xEF; most text has neither them nor an ASCII sign a browser breaks
    // after, and costs one scan of its bytes.
    let bytes = s.as_bytes();
    let wide_text = bytes.contains(&0xEF) && s.chars().any(fullwidth_alnum);
    if !wide_text && !bytes.windows(2).any(|w| breaks_after(w[0], w[1])) {
        return runs;
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut start: Option<usize> = None;
    let mut split = false;
    for (k, &(at, c)) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(k + 1).map(|n| n.1);
        if word_at(prev, c, next) {
            let first = start.is_none();
            start.get_or_insert(k);
            split |= fullwidth_alnum(c)
                || (!first
                    && c.is_ascii()
                    && next.is_some_and(|n| n.is_ascii() && breaks_after(c as u8, n as u8)));
            continue;
        }
        if let Some(from) = start.take()
            && split
            && k - from > 1
        {
            runs.push(chars[from].0..at);
        }
        split = false;
    }
    if let Some(from) = start
        && split
        && chars.len() - from > 1
    {
        runs.push(chars[from].0..s.len());
    }
    runs
}

/// Whether a browser may break between ASCII `a` and `b` inside a word:
/// after a hyphen or a slash before a letter or a digit. (Unicode's rules
/// keep a hyphen with the number after it, but Chrome at 390 px broke
/// 「（手順2-」/「2）」 and 「03-1234-」/「5678」 in Japanese text.)
fn breaks_after(a: u8, b: u8) -> bool {
    matches!(a, b'-' | b'/') && b.is_ascii_alphanumeric()
}

/// A digit (ASCII or full-width).
fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Japanese text (not Latin, not a space), for the number–unit and the
/// space rules.
fn japanese(c: char) -> bool {
    !word_char(c) && !c.is_whitespace()
}

/// Whether atom `i` opens the weekday of a date, 「日」 then 「（火）」 or
/// 「（月・祝）」: a date stays with its weekday (「12月8日」/「（火））」 read as
/// two things).
fn weekday_at(atoms: &[Atom], i: usize) -> bool {
    let at = |k: usize| atoms.get(k).map(|a| a.orig);
    i > 0
        && at(i - 1) == Some('日')
        && at(i) == Some('（')
        && at(i + 1).is_some_and(|c| "月火水木金土日".contains(c))
        && matches!(at(i + 2), Some('）' | '・'))
}

/// Where a date that starts at `k` ends: digits 年 digits 月, then digits
/// 日 if they follow (ASCII or full-width digits), `at(i)` being the text's
/// i-th character; `None` when no date starts there. The one pattern of a
/// date in running text: the handout's line breaker keeps it on one line
/// ([`prepare`]) and the guide in one `span.date` (`rich_html`).
pub fn date_end(at: impl Fn(usize) -> Option<char>, k: usize) -> Option<usize> {
    // Digits from `k` then `unit`: the index after the unit.
    let digits_then = |k: usize, unit: char| {
        let mut j = k;
        while at(j).is_some_and(digit) {
            j += 1;
        }
        (j > k && at(j) == Some(unit)).then_some(j + 1)
    };
    let month = digits_then(k, '年').and_then(|j| digits_then(j, '月'))?;
    Some(digits_then(month, '日').unwrap_or(month))
}

/// For each atom, whether it continues a date begun before it
/// ([`date_end`]). No line breaks inside 「2026年12月8日」: the handout broke
/// 「見込みは2026年」/「12月7日（月）」 where the guide keeps a date whole.
/// The weekday after it is [`weekday_at`]'s. Empty when no atom is a digit.
fn date_interiors(atoms: &[Atom]) -> Vec<bool> {
    if !atoms.iter().any(|a| digit(a.orig)) {
        return Vec::new();
    }
    let at = |k: usize| atoms.get(k).map(|a| a.orig);
    let mut inside = vec![false; atoms.len()];
    let mut k = 0;
    while k < atoms.len() {
        let starts = digit(atoms[k].orig) && (k == 0 || !digit(atoms[k - 1].orig));
        match starts.then(|| date_end(at, k)).flatten() {
            Some(end) => {
                inside[k + 1..end].fill(true);
                k = end;
            }
            None => k += 1,
        }
    }
    inside
}

/// Characters that must not be separated from a neighbour of the same kind.
fn inseparable(a: char, b: char) -> bool {
    a == b && matches!(a, '…' | '‥' | '—' | '―')
}

/// Collects warnings, reporting each character once (under the origin it
/// was first seen with).
#[derive(Debug, Default, Clone)]
pub(crate) struct Warnings {
    pub list: Vec<String>,
    seen: BTreeSet<char>,
    /// Missing characters met, reported or not (a paragraph that met one
    /// is not kept by the layout cache: its warning must come again).
    missing_met: usize,
    /// The document's words for a missing character and its field
    /// ([`Document::missing_glyph`](super::Document::missing_glyph); empty:
    /// the default theme's).
    words: (String, String),
}

impl Warnings {
    /// Warnings worded as `doc` says.
    pub fn of(doc: &super::Document) -> Warnings {
        Warnings {
            words: (doc.missing_glyph.clone(), doc.missing_glyph_field.clone()),
            ..Warnings::default()
        }
    }

    /// Reports a character the font cannot show.
    pub fn missing(&mut self, origin: Option<&str>, c: char, replacement: char) {
        use crate::model::strings::{Strings, fill_in};
        self.missing_met += 1;
        // The same character again (a running head repeating a value, the
        // same value under a step's row id or a derived fact such as
        // `each.item`) adds nothing to the report that named its field first
        // (the registration table's data field).
        if self.seen.insert(c) {
            let word = |own: &str, key: &'static str| {
                if own.is_empty() {
                    Strings::builtin().get(key).to_string()
                } else {
                    own.to_string()
                }
            };
            let field = origin.map_or(String::new(), |o| {
                fill_in(
                    &word(&self.words.1, "pdf_missing_glyph_field"),
                    &[("field", o)],
                )
            });
            self.list.push(fill_in(
                &word(&self.words.0, "pdf_missing_glyph"),
                &[
                    ("char", &c.escape_debug().to_string()),
                    ("code", &format!("{:04X}", u32::from(c))),
                    ("field", &field),
                    ("replacement", &replacement.to_string()),
                ],
            ));
        }
    }

    /// Adds a free-form warning.
    pub fn push(&mut self, msg: String) {
        self.list.push(msg);
    }
}

/// Base style of a block of inline text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseStyle {
    /// Font size in points.
    pub size: f32,
    /// Face used for `Normal` spans.
    pub weight: Weight,
    /// Colour of `Normal` spans.
    pub color: Rgb,
}

/// One visible character, measured.
#[derive(Debug, Clone)]
pub(crate) struct Atom {
    /// The character as written (used for break decisions).
    pub orig: char,
    /// The text the drawn glyph maps back to (the replacement mark if the
    /// font lacks `orig`).
    pub text: char,
    pub gid: u16,
    /// Room before the glyph (padding of a boxed span), in pt.
    pub lead: f32,
    /// Glyph advance in pt.
    pub advance: f32,
    /// Room after the glyph (padding of a boxed span), in pt.
    pub trail: f32,
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
    /// Index of the span this atom came from.
    pub span: usize,
}

impl Atom {
    fn width(&self) -> f32 {
        self.lead + self.advance + self.trail
    }

    fn is_space(&self) -> bool {
        self.orig == ' ' || self.orig == '\u{3000}' || self.orig == '\u{A0}'
    }
}

/// An atom placed on a line.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    /// Left edge of the atom's box (including its `lead`), relative to the
    /// line start.
    pub x: f32,
    /// Total width of the atom's box on this line (lead + advance + trail,
    /// adjusted by justification).
    pub w: f32,
    pub atom: Atom,
}

/// A finished line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub items: Vec<Placed>,
    /// Width of the set line.
    pub width: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Brk {
    No,
    Allowed,
    /// Allowed at a soft hyphen: a hyphen is shown when taken.
    Soft,
    /// Forced, with the number of line feeds.
    Mandatory(u16),
}

/// Room (em) added on each side of `Value` and `Code` spans. Kept below
/// 0.1 em so that text extraction does not see a word gap there.
pub(crate) const BOX_PAD_EM: f32 = 0.07;
/// How far (em) the tinted box of a `Value`/`Code` span reaches beyond that
/// room, into the neighbouring glyphs' side bearings.
pub(crate) const BOX_BLEED_EM: f32 = 0.05;
/// Largest justification gap (em) before a line is left ragged instead.
const MAX_JUSTIFY_EM: f32 = 0.09;

/// Style of an atom from its span.
fn span_look(style: &SpanStyle, base: &BaseStyle) -> (Weight, f32, Rgb, bool) {
    match style {
        SpanStyle::Normal => (base.weight, base.size, base.color, false),
        SpanStyle::Bold => (Weight::Bold, base.size, base.color, false),
        SpanStyle::Value => (Weight::Bold, base.size, Rgb::hex(0x111111), true),
        SpanStyle::Code => (base.weight, base.size, TEXT, true),
        SpanStyle::Link { .. } => (base.weight, base.size, LINK, false),
        SpanStyle::Small => (
            base.weight,
            (base.size * SMALL_SIZE / BODY_SIZE)
                .max(MIN_TEXT_SIZE)
                .min(base.size),
            MUTED,
            false,
        ),
    }
}

fn boxed(style: &SpanStyle) -> bool {
    matches!(style, SpanStyle::Value | SpanStyle::Code)
}

/// A bold or linked run facing the space (with its start when `start`,
/// else its end) as part of the Japanese sentence: Japanese or a number
/// (`render::faces_as_japanese`, the HTML's rule too). Its weight sets it
/// apart as the HTML's `<strong>` does, so a Western space between it and
/// Japanese text is padding (「場合は **必ず1**」 is set 「場合は必ず1」,
/// 「決めた **4桁の…**」 「決めた4桁の…」).
fn marked(s: &Span, start: bool) -> bool {
    matches!(s.style, SpanStyle::Bold | SpanStyle::Link { .. })
        && crate::render::faces_as_japanese(&s.text, start)
}

/// Drops Western spaces between Japanese text and a value or code span:
/// the tinted box already sets the value apart (「回線は 光コラボ です」 is
/// set 「回線は光コラボです」 with 光コラボ on its box); likewise between
/// Japanese text and a bold run facing it with Japanese ([`marked`]), as
/// the HTML guide sets them. Spaces next to Latin text (「お客さまID CAF…」)
/// stay.
fn tidy_spaces(spans: &[Span]) -> std::borrow::Cow<'_, [Span]> {
    let before = |w: &[Span]| {
        w[0].text.ends_with(' ')
            && (boxed(&w[1].style) || (w[0].style == SpanStyle::Normal && marked(&w[1], true)))
    };
    let after = |w: &[Span]| {
        w[1].text.starts_with(' ')
            && (boxed(&w[0].style) || (w[1].style == SpanStyle::Normal && marked(&w[0], false)))
    };
    if !spans.windows(2).any(|w| before(w) || after(w)) {
        return std::borrow::Cow::Borrowed(spans);
    }
    let mut out = spans.to_vec();
    for i in 0..out.len() {
        let boxed_i = boxed(&out[i].style);
        if !boxed_i && !matches!(out[i].style, SpanStyle::Bold | SpanStyle::Link { .. }) {
            continue;
        }
        // A boxed span trims any neighbour that is not boxed; a bold run a
        // plain neighbour, when it faces it with Japanese.
        let trims = |n: &Span, start: bool, me: &Span| {
            if boxed_i {
                !boxed(&n.style)
            } else {
                n.style == SpanStyle::Normal && marked(me, start)
            }
        };
        if i > 0 && trims(&out[i - 1], true, &out[i]) {
            let t = out[i - 1].text.trim_end_matches(' ');
            if t.len() < out[i - 1].text.len()
                && t.chars()
                    .next_back()
                    .is_some_and(|c| crate::render::japanese(c) && !crate::render::spaced_dash(c))
            {
                out[i - 1].text = t.to_string();
            }
        }
        if i + 1 < out.len() && trims(&out[i + 1], false, &out[i]) {
            let t = out[i + 1].text.trim_start_matches(' ');
            if t.len() < out[i + 1].text.len()
                && t.chars()
                    .next()
                    .is_some_and(|c| crate::render::japanese(c) && !crate::render::spaced_dash(c))
            {
                out[i + 1].text = t.to_string();
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prepared paragraph: atoms plus break classes between them.
pub(crate) struct Prepared {
    atoms: Vec<Atom>,
    /// `brk[i]`: may a line start at atom `i`? (`brk[0]` is unused.)
    brk: Vec<Brk>,
    /// Forced line feeds before the first atom.
    leading_breaks: u16,
    /// `addr[i]`: how good a place atom `i` is to start a line inside an
    /// e-mail address or URL longer than a whole line (0: none), the last
    /// resort before breaking by character ([`address_breaks`]).
    addr: Vec<u8>,
}

/// Where an e-mail address or URL too long for a whole line (a narrow table
/// cell, a picture's field) may break, ranked: after `@` or `/` (3), before
/// `.` (2), before `-` (1), as a reader splits it and the Chicago Manual
/// breaks it; 0 elsewhere. Without these it broke by character, inside a
/// word (「…pharma / cy@」「…example.c / o.jp」). A run of ASCII text counts as
/// an address when it holds `@` or `://`. Kinsoku is not asked: a `.` opening
/// the next line is how a broken address shows it goes on.
fn address_breaks(atoms: &[Atom]) -> Vec<u8> {
    let mut addr = vec![0u8; atoms.len() + 1];
    let mut s = 0;
    while s < atoms.len() {
        let mut e = s;
        while e < atoms.len() && atoms[e].orig.is_ascii_graphic() {
            e += 1;
        }
        if e == s {
            s += 1;
            continue;
        }
        let run: Vec<char> = atoms[s..e].iter().map(|a| a.orig).collect();
        let address = run.contains(&'@') || run.windows(3).any(|w| w == [':', '/', '/']);
        for k in (1..run.len()).filter(|_| address) {
            let (prev, c) = (run[k - 1], run[k]);
            let word_follows = run.get(k + 1).is_some_and(char::is_ascii_alphanumeric);
            addr[s + k] = if matches!(prev, '@' | '/') && !matches!(c, '/') && !no_line_start(c) {
                3
            } else if c == '.' && word_follows && prev.is_ascii_alphanumeric() {
                2
            } else if c == '-' && word_follows && prev.is_ascii_alphanumeric() {
                1
            } else {
                0
            };
        }
        s = e;
    }
    addr
}

/// Turns spans into atoms and computes the tailored break opportunities.
pub(crate) fn prepare(
    spans: &[Span],
    base: &BaseStyle,
    fonts: &Fonts,
    warnings: &mut Warnings,
) -> Prepared {
    let spans = &*tidy_spaces(spans);
    // Sized once: growing these by doubling was about 0.7 % of a build.
    let bytes: usize = spans.iter().map(|s| s.text.len()).sum();
    let chars: usize = spans.iter().map(|s| s.text.chars().count()).sum();
    let mut full = String::with_capacity(bytes);
    let mut atoms: Vec<Atom> = Vec::with_capacity(chars);
    // (byte offset, index of the next atom) for every char of `full`.
    let mut at_byte: Vec<(usize, usize)> = Vec::with_capacity(chars);
    let mut explicit: Vec<(usize, Brk)> = Vec::new();
    let mut newlines: Vec<(usize, u16)> = Vec::new();

    for (si, span) in spans.iter().enumerate() {
        let (weight, size, color, boxed) = span_look(&span.style, base);
        let face = fonts.face(weight);
        let first_atom = atoms.len();
        for c in span.text.chars() {
            at_byte.push((full.len(), atoms.len()));
            full.push(c);
            match c {
                '\n' | '\u{2028}' | '\u{2029}' => {
                    match newlines.last_mut() {
                        Some((i, n)) if *i == atoms.len() => *n = n.saturating_add(1),
                        _ => newlines.push((atoms.len(), 1)),
                    }
                    continue;
                }
                '\u{200B}' => {
                    explicit.push((atoms.len(), Brk::Allowed));
                    continue;
                }
                '\u{AD}' => {
                    explicit.push((atoms.len(), Brk::Soft));
                    continue;
                }
                _ => {}
            }
            let c = if c == '\t' { ' ' } else { c };
            if is_invisible(c) {
                continue;
            }
            let g = face.resolve(c);
            let text = if g.found {
                c
            } else {
                warnings.missing(span.origin.as_deref(), c, face.replacement_text());
                face.replacement_text()
            };
            atoms.push(Atom {
                orig: c,
                text,
                gid: g.gid,
                lead: 0.0,
                advance: g.advance_em * size,
                trail: 0.0,
                size,
                weight,
                color,
                span: si,
            });
        }
        if boxed && atoms.len() > first_atom {
            let pad = BOX_PAD_EM * size;
            atoms[first_atom].lead += pad;
            if let Some(last) = atoms.last_mut() {
                last.trail += pad;
            }
        }
    }

    let n = atoms.len();
    let mut brk = vec![Brk::No; n + 1];
    // UAX #14 opportunities, mapped from byte offsets to atom indices.
    let mut k = 0;
    for (byte, op) in linebreaks(&full) {
        while k < at_byte.len() && at_byte[k].0 < byte {
            k += 1;
        }
        let ai = at_byte.get(k).map_or(n, |p| p.1);
        if ai == 0 || ai >= n {
            continue;
        }
        if matches!(op, BreakOpportunity::Allowed | BreakOpportunity::Mandatory)
            && !(in_word(&atoms, ai - 1) && in_word(&atoms, ai))
        {
            brk[ai] = Brk::Allowed;
        }
    }
    for (ai, b) in explicit {
        if ai > 0 && ai < n {
            brk[ai] = b;
        }
    }
    // Kinsoku: veto opportunities that would start a line with a forbidden
    // character or end one with an opening bracket.
    let dates = date_interiors(&atoms);
    for i in 1..n {
        if !matches!(brk[i], Brk::Allowed | Brk::Soft) {
            continue;
        }
        let mut p = i - 1;
        while p > 0 && atoms[p].is_space() {
            p -= 1;
        }
        // A number stays with its unit or counter: 「1枚」「1,500円」「3年」.
        let unit = digit(atoms[i - 1].orig) && japanese(atoms[i].orig);
        if unit
            || weekday_at(&atoms, i)
            || dates.get(i) == Some(&true)
            || no_line_start(atoms[i].orig)
            || no_line_end(atoms[p].orig)
            || inseparable(atoms[i - 1].orig, atoms[i].orig)
        {
            brk[i] = Brk::No;
        }
    }
    let mut leading_breaks = 0;
    for (ai, count) in newlines {
        if ai == 0 {
            leading_breaks = count;
        } else if ai < n {
            brk[ai] = Brk::Mandatory(count);
        }
    }

    Prepared {
        addr: address_breaks(&atoms),
        atoms,
        brk,
        leading_breaks,
    }
}

/// Breaks prepared text into lines no wider than `width` (in pt), then
/// justifies all lines but the last of each paragraph (or before a forced
/// break) when `justify` is set.
///
/// A paragraph whose last line would hold only one or two characters
/// (「くださ／い」) is broken again slightly narrower, up to a few ems, so
/// that at least three characters go down with them; the lines are then
/// justified to the full width as usual.
pub(crate) fn break_lines(p: &Prepared, width: f32, justify: bool, fonts: &Fonts) -> Vec<Line> {
    let atoms = &p.atoms;
    let n = atoms.len();
    let width = if width.is_finite() {
        width.max(1.0)
    } else {
        f32::MAX
    };
    let mut lines: Vec<Line> = (0..p.leading_breaks.saturating_sub(1))
        .map(|_| Line::default())
        .collect();
    let mut s = 0;
    while s < n {
        let mut seg = greedy(p, s, width, fonts);
        if short_last_line(atoms, &seg) && width < f32::MAX {
            let em = atoms[s].size;
            for k in 1..=SHORT_LINE_MAX_EM {
                let narrower = width - k as f32 * em;
                if narrower < 6.0 * em {
                    break;
                }
                let again = greedy(p, s, narrower, fonts);
                if again.len() == seg.len() && !short_last_line(atoms, &again) {
                    seg = again;
                    break;
                }
            }
        }
        let count = seg.len();
        for (i, &(ls, le, kind)) in seg.iter().enumerate() {
            let mut line = set_line(atoms, ls, le, kind == Brk::Soft, fonts);
            if justify && i + 1 < count {
                justify_line(&mut line, width);
            }
            lines.push(line);
            if let Brk::Mandatory(c) = kind
                && le < n
            {
                for _ in 1..c {
                    lines.push(Line::default());
                }
            }
            s = le.max(ls + 1);
        }
        if count == 0 {
            break;
        }
    }
    lines
}

/// Most ems a paragraph is narrowed by to avoid a one- or two-character
/// last line.
const SHORT_LINE_MAX_EM: usize = 4;

/// Whether the last of several lines holds fewer than three characters,
/// not counting closing punctuation (「さい。」 and 「す）。」 are short).
fn short_last_line(atoms: &[Atom], seg: &[(usize, usize, Brk)]) -> bool {
    if seg.len() < 2 {
        return false;
    }
    let &(s, e, _) = &seg[seg.len() - 1];
    let visible = atoms
        .get(s..e)
        .unwrap_or_default()
        .iter()
        .filter(|a| {
            !a.is_space() && !matches!(a.orig, '。' | '、' | '）' | '」' | '』' | '．' | '，')
        })
        .count();
    visible < 3
}

/// Greedy breaking of one paragraph (up to and including the next forced
/// break) starting at atom `s`: the `(start, end, kind)` of each line.
fn greedy(p: &Prepared, mut s: usize, width: f32, fonts: &Fonts) -> Vec<(usize, usize, Brk)> {
    let atoms = &p.atoms;
    let n = atoms.len();
    let mut out = Vec::new();
    let mut first = true;
    while s < n {
        if !first {
            while s < n && atoms[s].is_space() {
                s += 1;
            }
            if s >= n {
                break;
            }
        }
        first = false;
        // Grow the line while it fits, remembering the last opportunity.
        let mut w = 0.0f32;
        let mut best: Option<usize> = None;
        let mut j = s;
        let mut end: Option<(usize, Brk)> = None;
        // The last address break that fits, by rank.
        let mut addr: [Option<usize>; 3] = [None; 3];
        while j < n {
            let content = w + atoms[j].width();
            if j > s && !atoms[j].is_space() && content > width + 0.01 {
                break;
            }
            w = content;
            j += 1;
            if j == n {
                end = Some((n, Brk::Mandatory(1)));
                break;
            }
            match p.brk[j] {
                Brk::Mandatory(c) => {
                    end = Some((j, Brk::Mandatory(c)));
                    break;
                }
                Brk::Allowed => best = Some(j),
                Brk::Soft => {
                    let hy = hyphen_width(&atoms[j - 1], fonts);
                    if content + hy <= width + 0.01 {
                        best = Some(j);
                    }
                }
                Brk::No => {}
            }
            if let Some(r) = p.addr[j].checked_sub(1) {
                addr[usize::from(r)] = Some(j);
            }
        }
        let (e, kind) = match end {
            Some(x) => x,
            None => match best {
                Some(b) => (b, p.brk[b]),
                None => match addr.iter().rev().flatten().next() {
                    Some(&a) => (a, Brk::Allowed),
                    None => (emergency(atoms, s, j), Brk::No),
                },
            },
        };
        out.push((s, e, kind));
        if matches!(kind, Brk::Mandatory(_)) {
            break;
        }
        s = e.max(s + 1);
    }
    out
}

/// Break position when no opportunity fits: by character, at the last atom
/// that fits, moved back (oidashi) while it would violate kinsoku. Spaces
/// around the break are skipped when checking, as they vanish at a break.
fn emergency(atoms: &[Atom], s: usize, j: usize) -> usize {
    let j = j.max(s + 1);
    let bad = |k: usize| {
        let mut f = k;
        while f < atoms.len() && atoms[f].is_space() {
            f += 1;
        }
        let mut p = k - 1;
        while p > s && atoms[p].is_space() {
            p -= 1;
        }
        (f < atoms.len() && no_line_start(atoms[f].orig)) || no_line_end(atoms[p].orig)
    };
    let mut k = j;
    while k > s + 1 && k < atoms.len() && bad(k) {
        k -= 1;
    }
    if k < atoms.len() && bad(k) { j } else { k }
}

fn hyphen_width(a: &Atom, fonts: &Fonts) -> f32 {
    fonts.face(a.weight).resolve('-').advance_em * a.size
}

/// Places atoms `s..e` on a line (trailing spaces dropped, optional hyphen).
fn set_line(atoms: &[Atom], s: usize, e: usize, hyphen: bool, fonts: &Fonts) -> Line {
    let mut e_trim = e;
    while e_trim > s && atoms[e_trim - 1].is_space() {
        e_trim -= 1;
    }
    let mut items = Vec::with_capacity(e_trim - s + 1);
    let mut x = 0.0;
    for a in atoms.get(s..e_trim).unwrap_or_default() {
        let w = a.width();
        items.push(Placed {
            x,
            w,
            atom: a.clone(),
        });
        x += w;
    }
    if hyphen && let Some(prev) = items.last() {
        let face = fonts.face(prev.atom.weight);
        let g = face.resolve('-');
        let mut atom = prev.atom.clone();
        atom.orig = '-';
        atom.text = '-';
        atom.gid = g.gid;
        atom.lead = 0.0;
        atom.trail = 0.0;
        atom.advance = g.advance_em * atom.size;
        let w = atom.advance;
        items.push(Placed { x, w, atom });
        x += w;
    }
    Line { items, width: x }
}

/// Spreads the slack of a line over its expandable gaps.
fn justify_line(line: &mut Line, width: f32) {
    let n = line.items.len();
    if n < 2 || line.width >= width {
        return;
    }
    let slack = width - line.width;
    let expandable = |a: &Atom, b: &Atom| {
        !(inseparable(a.orig, b.orig) || (word_char(a.orig) && word_char(b.orig)))
    };
    let gaps = (0..n - 1)
        .filter(|&i| expandable(&line.items[i].atom, &line.items[i + 1].atom))
        .count();
    if gaps == 0 {
        return;
    }
    let per = slack / gaps as f32;
    let size = line.items[0].atom.size;
    if per > MAX_JUSTIFY_EM * size {
        return;
    }
    let mut shift = 0.0;
    for i in 0..n {
        line.items[i].x += shift;
        if i + 1 < n && expandable(&line.items[i].atom, &line.items[i + 1].atom) {
            line.items[i].w += per;
            shift += per;
        }
    }
    line.width += shift;
}

/// The lines of a paragraph, shared with the layout cache.
pub(crate) type Lines = std::sync::Arc<Vec<Line>>;

/// Convenience: prepare and break in one go. A paragraph of the
/// document's own words (no value, no span from data) is kept in the
/// fonts' [`LayoutCache`] and set once per build.
pub(crate) fn layout_spans(
    spans: &[Span],
    base: &BaseStyle,
    width: f32,
    justify: bool,
    fonts: &Fonts,
    warnings: &mut Warnings,
) -> Lines {
    let cache = fonts.layouts.as_ref().filter(|_| {
        !spans
            .iter()
            .any(|s| s.style == SpanStyle::Value || s.origin.is_some())
    });
    let key = cache.map(|c| (c, LayoutKey::hash(spans, base, width, justify)));
    if let Some(lines) = key.and_then(|(c, k)| c.get(k, spans, base, width, justify)) {
        return lines;
    }
    let met = warnings.missing_met;
    let p = prepare(spans, base, fonts, warnings);
    let lines = Lines::new(break_lines(&p, width, justify, fonts));
    if let Some((c, k)) = key
        && warnings.missing_met == met
    {
        c.put(k, spans, base, width, justify, &lines);
    }
    lines
}

/// What a set paragraph depends on besides the fonts.
struct LayoutKey {
    spans: Vec<Span>,
    size: u32,
    weight: Weight,
    color: [u32; 3],
    width: u32,
    justify: bool,
}

impl LayoutKey {
    fn hash(spans: &[Span], base: &BaseStyle, width: f32, justify: bool) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = KeyHasher(0);
        spans.hash(&mut h);
        base.size.to_bits().hash(&mut h);
        base.weight.hash(&mut h);
        width.to_bits().hash(&mut h);
        justify.hash(&mut h);
        h.finish()
    }

    fn is(&self, spans: &[Span], base: &BaseStyle, width: f32, justify: bool) -> bool {
        self.spans == spans
            && self.size == base.size.to_bits()
            && self.weight == base.weight
            && self.color == [base.color.0, base.color.1, base.color.2].map(f32::to_bits)
            && self.width == width.to_bits()
            && self.justify == justify
    }
}

/// A fast hash of a layout key (the key itself is compared on a match,
/// so a collision costs a comparison, never a wrong paragraph).
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Paragraphs of the documents' own words, set once per build (a build's
/// fonts are shared by its documents): the lines of the same spans at the
/// same style and width are the same in every document. Nothing from data
/// is kept (see [`layout_spans`]), and no paragraph that met a missing
/// character (its warning belongs to each document).
#[derive(Default)]
pub(crate) struct LayoutCache {
    kept: std::sync::Mutex<LayoutKept>,
}

#[derive(Default)]
struct LayoutKept {
    /// By the hash of their key.
    map: std::collections::HashMap<u64, Vec<(LayoutKey, Lines)>>,
    /// Placed glyphs kept, to bound the memory.
    glyphs: usize,
    /// Paragraphs kept, and how often one was served.
    kept: usize,
    served: usize,
}

/// At most this many placed glyphs are kept (about 64 bytes each): far
/// more than the content's own words at the few widths they are set in.
const LAYOUT_CACHE_GLYPHS: usize = 200_000;

impl LayoutCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, LayoutKept> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(
        &self,
        hash: u64,
        spans: &[Span],
        base: &BaseStyle,
        width: f32,
        justify: bool,
    ) -> Option<Lines> {
        let mut kept = self.lock();
        let lines = kept
            .map
            .get(&hash)?
            .iter()
            .find(|(k, _)| k.is(spans, base, width, justify))?
            .1
            .clone();
        kept.served += 1;
        Some(lines)
    }

    /// Paragraphs kept, and how many times one was served.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.kept, kept.served)
    }

    fn put(
        &self,
        hash: u64,
        spans: &[Span],
        base: &BaseStyle,
        width: f32,
        justify: bool,
        lines: &Lines,
    ) {
        let n: usize = lines.iter().map(|l| l.items.len()).sum();
        let mut kept = self.lock();
        if kept.glyphs + n > LAYOUT_CACHE_GLYPHS {
            return;
        }
        let entry = kept.map.entry(hash).or_default();
        if entry.iter().any(|(k, _)| k.is(spans, base, width, justify)) {
            return;
        }
        entry.push((
            LayoutKey {
                spans: spans.to_vec(),
                size: base.size.to_bits(),
                weight: base.weight,
                color: [base.color.0, base.color.1, base.color.2].map(f32::to_bits),
                width: width.to_bits(),
                justify,
            },
            lines.clone(),
        ));
        kept.glyphs += n;
        kept.kept += 1;
    }
}

/// The one text measure of pages and pictures: plain text measured with the
/// faces' real advances (`hmtx`) and broken into lines by this module's
/// JLREQ rules (UAX #14, kinsoku with oidashi, words kept whole), never
/// justified. Picture layout ([`crate::scene`]) sets every label with it, so
/// a picture breaks its lines where the handout's text would, and the PDF
/// and the SVG of a picture show the same lines.
#[derive(Clone, Copy)]
pub struct Measure<'a> {
    fonts: &'a Fonts,
}

impl std::fmt::Debug for Measure<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Measure").field(self.fonts).finish()
    }
}

impl<'a> Measure<'a> {
    /// Measures with `fonts`.
    pub fn new(fonts: &'a Fonts) -> Self {
        Self { fonts }
    }

    /// The faces measured with.
    pub fn fonts(&self) -> &'a Fonts {
        self.fonts
    }

    /// Advance width of `text` on one line at `size` (any unit: the result
    /// is in the unit of `size`), in the regular face.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.width_in(text, size, false)
    }

    /// Like [`Measure::width`], in the bold face when `bold`.
    pub fn width_in(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.fonts.measure(weight(bold), text, size)
    }

    /// Breaks `text` into lines no wider than `max` at `size`: explicit
    /// newlines start new lines, blank lines are dropped, each line is
    /// trimmed. A line is wider than `max` only when one character is.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        self.wrap_in(text, size, max, false)
    }

    /// Like [`Measure::wrap`], in the bold face when `bold`.
    pub fn wrap_in(&self, text: &str, size: f32, max: f32, bold: bool) -> Vec<String> {
        let base = BaseStyle {
            size,
            weight: weight(bold),
            color: TEXT,
        };
        let mut warnings = Warnings::default();
        let mut out = Vec::new();
        for para in text.split('\n') {
            let para = para.trim();
            if para.is_empty() {
                continue;
            }
            // Most labels fit: one line, as the breaker would set it.
            let plain = !para
                .chars()
                .any(|c| matches!(c, '\t' | '\u{2028}' | '\u{2029}') || is_invisible(c));
            if plain && self.width_in(para, size, bold) <= max + 0.01 {
                out.push(para.to_string());
                continue;
            }
            let spans = [Span::normal(para)];
            let p = prepare(&spans, &base, self.fonts, &mut warnings);
            for line in break_lines(&p, max, false, self.fonts) {
                let s: String = line.items.iter().map(|i| i.atom.orig).collect();
                let s = s.trim();
                if !s.is_empty() {
                    out.push(s.to_string());
                }
            }
        }
        out
    }

    /// `text` cut to fit `max` at `size`, ending with … when cut.
    pub fn ellipsize(&self, text: &str, size: f32, max: f32) -> String {
        if self.width(text, size) <= max {
            return text.to_string();
        }
        let face = self.fonts.face(Weight::Regular);
        let budget = max - self.width("…", size);
        let mut out = String::new();
        let mut w = 0.0;
        for c in text.chars() {
            let cw = if is_invisible(c) {
                0.0
            } else {
                face.resolve(c).advance_em * size
            };
            if w + cw > budget {
                break;
            }
            w += cw;
            out.push(c);
        }
        out.push('…');
        out
    }
}

impl Measure<'_> {
    /// `text` set on one line from `x` at `size`: the glyphs of the face
    /// (the replacement mark for characters no font has) at their natural
    /// advances. `data`: the text shows the clinic's data.
    pub(crate) fn glyphs(
        &self,
        text: &str,
        size: f32,
        bold: bool,
        x: f32,
        data: bool,
    ) -> Vec<crate::render::frame::GlyphPos> {
        let face = self.fonts.face(weight(bold));
        let mut x = x;
        text.chars()
            .filter(|c| !is_invisible(*c) && *c != '\n')
            .map(|c| {
                let g = face.resolve(c);
                let adv = g.advance_em * size;
                let pos = crate::render::frame::GlyphPos {
                    gid: g.gid,
                    text: if g.found { c } else { face.replacement_text() },
                    x,
                    adv,
                    data,
                };
                x += adv;
                pos
            })
            .collect()
    }
}

fn weight(bold: bool) -> Weight {
    if bold { Weight::Bold } else { Weight::Regular }
}

#[cfg(test)]
mod warnings_tests {
    use super::Warnings;

    #[test]
    fn a_missing_character_is_reported_once_under_the_field_it_was_first_seen_in() {
        let mut w = Warnings::default();
        w.missing(Some("name"), '𠀋', '〓');
        w.missing(Some("contact.person"), '𠀋', '〓');
        w.missing(None, '𠀋', '〓');
        w.missing(None, '丂', '〓');
        w.missing(Some("name"), '丂', '〓');
        assert_eq!(w.list.len(), 2, "{:?}", w.list);
        assert!(w.list[0].contains("U+2000B") && w.list[0].contains("（項目 name）"));
        assert!(w.list[1].contains("U+4E02") && !w.list[1].contains("項目"));
    }
}
