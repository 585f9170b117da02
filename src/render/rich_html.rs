//! Rich text → HTML. The only place content text becomes markup.
//!
//! Every string is escaped; clinic values arrive as [`Inline::Value`] and are
//! written as escaped text inside `<mark>`. Link targets are limited to
//! safe schemes.

use crate::model::rich::{Block, Inline, Rich};
use std::fmt::Write as _;

/// Escapes text for HTML/XML element content and attribute values (both
/// quote kinds); characters XML 1.0 forbids are dropped, so the same text is
/// safe in HTML pages and in inline SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`] appending to `out` (no string of its own).
pub fn escape_into(out: &mut String, s: &str) {
    // Runs of characters that need nothing are copied whole.
    let mut from = 0;
    for (at, c) in s.char_indices() {
        let with = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => "",
            '\u{fffe}' | '\u{ffff}' => "",
            _ => continue,
        };
        out.push_str(&s[from..at]);
        out.push_str(with);
        from = at + c.len_utf8();
    }
    out.push_str(&s[from..]);
}

/// [`escape`] for element content: each word the handout keeps whole and a
/// browser would split (「ＰＣ－０４ＡＢ」, see
/// [`crate::render::pdf::words_a_browser_splits`]) is wrapped in
/// `<span class="word">`, which the stylesheet keeps on one line unless it is
/// longer than the line. The text itself is unchanged (no invisible joiner:
/// what a receptionist copies is the clinic's value). Not for attributes.
pub fn escape_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_words_into(&mut out, s);
    out
}

/// [`escape_words`] appending to `out`. A date (「2026年12月1日（火）」,
/// 「2027年1月」) is also kept on one line, in `<span class="date">`: a
/// browser breaks between the digits and 年, and a phone's subtitle read
/// 「2026」/「年12月1日」 (review30).
/// A number and the unit or counter after it (「3,000円」「1週間」「2回」) are
/// kept together too, in `<span class="qty">`, as the handout keeps them
/// (`pdf::linebreak`: no break between a digit and the Japanese after it):
/// Chrome broke 「発行料3,000」/「円）」 and 「約1」/「週間」 at 390 px (review32).
pub fn escape_words_into(out: &mut String, s: &str) {
    spans(out, s, date_runs(s), escape_word_runs, escape_word_runs);
}

/// `s` into `out`: each of `runs` (in order) in a `<span>` of its class,
/// written by `inside`, and the text between them by `between`.
fn spans(
    out: &mut String,
    s: &str,
    runs: Vec<(std::ops::Range<usize>, &str)>,
    inside: fn(&mut String, &str),
    between: fn(&mut String, &str),
) {
    let mut from = 0;
    for (run, class) in runs {
        between(out, &s[from..run.start]);
        out.push_str("<span class=\"");
        out.push_str(class);
        out.push_str("\">");
        inside(out, &s[run.clone()]);
        out.push_str("</span>");
        from = run.end;
    }
    between(out, &s[from..]);
}

/// Kana or a kanji (the unit or counter after a number: 円, 枚, 週, か, 日).
fn kana_or_kanji(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}' | '々' | '\u{F900}'..='\u{FAFF}')
}

/// The dates in `s`: digits 年 digits 月, then digits 日 and a weekday in
/// brackets (「（火）」, 「（金・祝）」) if they follow; ASCII or full-width digits
/// (class `date`). Else a number (digits, with 「,」 or 「.」 between two) and
/// the kana or kanji right after it (class `qty`), unless the number follows
/// a letter or a sign (「2-5の」, 「PC2台」: a word of its own).
fn date_runs(s: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    // Most texts hold no digit, hence no date and no number: one scan of
    // their bytes, no list of their characters (docs/speed.md, session 19).
    if !has_digit(s) {
        return Vec::new();
    }
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|c| c.1);
    let end_of = |k: usize| chars.get(k).map_or(s.len(), |c| c.0);
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let starts = digit(chars[k].1) && (k == 0 || !digit(chars[k - 1].1));
        let date = starts
            .then(|| crate::render::pdf::date_end(at, k))
            .flatten();
        let Some(mut end) = date else {
            // A number and its unit: digits, 「,」 or 「.」 only between two.
            let after_word = k > 0
                && !kana_or_kanji(chars[k - 1].1)
                && !chars[k - 1].1.is_whitespace()
                && !matches!(
                    chars[k - 1].1,
                    '（' | '「' | '、' | '。' | '・' | '(' | '：' | '…'
                );
            if starts && !after_word {
                let mut j = k;
                while at(j).is_some_and(digit)
                    || (matches!(at(j), Some(',' | '.' | '，' | '．'))
                        && j > k
                        && at(j + 1).is_some_and(digit))
                {
                    j += 1;
                }
                if at(j).is_some_and(kana_or_kanji) {
                    // An opening bracket before it goes with it: Chrome
                    // breaks between 「 and the span (「…「」/「1台目」).
                    let mut from = k;
                    while from > 0
                        && matches!(chars[from - 1].1, '「' | '（' | '『' | '【' | '〔' | '(')
                        && out
                            .last()
                            .is_none_or(|(r, _): &(std::ops::Range<usize>, &str)| {
                                r.end <= chars[from - 1].0
                            })
                    {
                        from -= 1;
                    }
                    out.push((chars[from].0..end_of(j + 1), "qty"));
                    k = j + 1;
                    continue;
                }
            }
            k += 1;
            continue;
        };
        if at(end - 1) == Some('日') {
            // A weekday: a few characters in brackets.
            if at(end) == Some('（')
                && let Some(close) =
                    (end + 1..(end + 5).min(chars.len())).find(|&i| at(i) == Some('）'))
            {
                end = close + 1;
            }
        }
        out.push((chars[k].0..end_of(end), "date"));
        k = end;
    }
    out
}

/// Whether `s` holds a digit, ASCII or full-width (U+FF10..U+FF19, encoded
/// EF BC 90..99 in UTF-8): what a date or a number in [`date_runs`] starts
/// with.
fn has_digit(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().any(u8::is_ascii_digit) || b.windows(3).any(|w| matches!(w, [0xEF, 0xBC, 0x90..=0x99]))
}

/// [`escape_words_into`] without the dates and numbers.
fn escape_word_runs(out: &mut String, s: &str) {
    spans(
        out,
        s,
        crate::render::pdf::words_a_browser_splits(s)
            .into_iter()
            .map(|r| (r, "word"))
            .collect(),
        word_into,
        escape_into,
    );
}

/// One word's text: a browser keeps its letters and digits together
/// (`word-break: keep-all`) but still breaks beside a joiner or other
/// sign (「ＰＣ－」/「０４ＡＢ」), so each sign goes with the characters on
/// either side into a `<span class="keep">` that does not wrap.
fn word_into(out: &mut String, w: &str) {
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    let end_of = |k: usize| chars.get(k + 1).map_or(w.len(), |n| n.0);
    let mut done = 0; // bytes of `w` written
    let mut k = 0;
    while k < chars.len() {
        if chars[k].1.is_alphanumeric() {
            k += 1;
            continue;
        }
        // From the character before the sign to the one after it, through
        // a chain of signs (「Ａ－Ｂ－Ｃ」 is one piece).
        let first = k.saturating_sub(1);
        let mut last = k;
        while last + 1 < chars.len() {
            last += 1;
            let sign_next = chars.get(last + 1).is_some_and(|n| !n.1.is_alphanumeric());
            if chars[last].1.is_alphanumeric() && !sign_next {
                break;
            }
        }
        let start = chars[first].0.max(done);
        escape_into(out, &w[done..start]);
        out.push_str("<span class=\"keep\">");
        escape_into(out, &w[start..end_of(last)]);
        out.push_str("</span>");
        done = end_of(last);
        k = last + 1;
    }
    escape_into(out, &w[done..]);
}

/// Renders blocks to HTML.
pub fn to_html(r: &Rich) -> String {
    let mut s = String::new();
    for b in &r.0 {
        block(&mut s, b);
    }
    s
}

/// Renders a single paragraph's inlines without the `<p>` (for one-line texts).
pub fn inline_html(r: &Rich) -> String {
    match r.0.as_slice() {
        [Block::Paragraph { inlines }] => {
            let mut s = String::new();
            inlines_html(&mut s, inlines);
            s
        }
        _ => to_html(r),
    }
}

/// The text a reader sees of `r` on a page: [`to_html`]'s words without
/// the tags, one line a paragraph, list item or line break. Unlike
/// [`Rich::plain_text`] it drops what the page drops, the Western spaces
/// padding a marked word in Japanese text (「場合は **必ず1**」 reads
/// 「場合は必ず1」), so a search result quotes the page as it reads.
pub fn shown_text(r: &Rich) -> String {
    let html = to_html(r);
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |j| j + 1);
            let tag = &rest[..end];
            // A block ends (an inline element's end is no break).
            let inline = ["strong", "em", "code", "a", "mark", "span"];
            let closes = tag.strip_prefix("</").is_some_and(|t| {
                !inline
                    .iter()
                    .any(|i| t.strip_prefix(i).is_some_and(|r| r.starts_with('>')))
            });
            if closes || tag == "<br>" {
                out.push('\n');
            }
            rest = &rest[end..];
        } else {
            let (c, len) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
            ]
            .iter()
            .find(|(e, _)| rest.starts_with(e))
            .map_or(('&', 1), |(e, c)| (*c, e.len()));
            out.push(c);
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// Rich texts kept in a thread's memo at most (content's texts: a manual has
/// a few hundred; the bound only guards memory).
const MEMO_CAP: usize = 4096;

thread_local! {
    /// True while [`with_memo`] runs on this thread.
    static MEMO_ON: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The template value of each rich text serialised under [`with_memo`]
    /// on this thread that holds no clinic value, by its tree.
    static MEMO: std::cell::RefCell<std::collections::HashMap<Rich, tera::Value>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs `f` (which serialises a guide into template values) with rich texts
/// memoised: every guide of a build carries the content's texts, most of them
/// without a clinic's value, and each would be rendered to HTML, inline HTML
/// and plain text again for each clinic. A text equal to one seen before on
/// this thread (the whole tree compared) gets the value made for it then (a
/// shared value: no copy); a text holding a clinic's value is rendered anew
/// and not kept. Only for Tera's serializer: the value is passed through it.
pub(crate) fn with_memo<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            MEMO_ON.set(self.0);
        }
    }
    let _reset = Reset(MEMO_ON.replace(true));
    f()
}

/// The template value of `r` under [`with_memo`] (`None` outside it, or when
/// `r` holds a clinic's value: then it is serialised as usual).
pub(crate) fn memoised_value(r: &Rich) -> Option<tera::Value> {
    if !MEMO_ON.get() || r.holds_values() {
        return None;
    }
    if let Some(v) = MEMO.with_borrow(|m| m.get(r).cloned()) {
        return Some(v);
    }
    let v = tera::Value::try_from_serializable(&crate::model::rich::Rendered(r)).ok()?;
    MEMO.with_borrow_mut(|m| {
        if m.len() < MEMO_CAP {
            m.insert(r.clone(), v.clone());
        }
    });
    Some(v)
}

/// The number of rich texts in this thread's memo (tests).
#[cfg(test)]
pub(crate) fn memo_len() -> usize {
    MEMO.with_borrow(std::collections::HashMap::len)
}

/// [`to_html`] and [`inline_html`] of `r` at once, from one rendering (the
/// inline form of a single paragraph is its HTML without the `<p>`).
pub fn html_and_inline(r: &Rich) -> (String, String) {
    let html = to_html(r);
    let inline = match r.0.as_slice() {
        [Block::Paragraph { .. }] => html
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>\n"))
            .map_or_else(|| inline_html(r), str::to_string),
        _ => html.clone(),
    };
    (html, inline)
}

fn block(s: &mut String, b: &Block) {
    match b {
        Block::Paragraph { inlines } => {
            s.push_str("<p>");
            inlines_html(s, inlines);
            s.push_str("</p>\n");
        }
        Block::Heading { level, inlines } => {
            // Body headings sit below step headings (h3), so start at h4.
            let l = (*level + 3).min(6);
            let _ = write!(s, "<h{l}>");
            inlines_html(s, inlines);
            let _ = writeln!(s, "</h{l}>");
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            if *ordered {
                if *start != 1 {
                    let _ = write!(s, "<ol start=\"{start}\">");
                } else {
                    s.push_str("<ol>");
                }
            } else {
                s.push_str("<ul>");
            }
            for item in items {
                s.push_str("<li>");
                // A one-paragraph item is written without <p> for tight lists.
                match item.as_slice() {
                    [Block::Paragraph { inlines }] => inlines_html(s, inlines),
                    _ => {
                        for b in item {
                            block(s, b);
                        }
                    }
                }
                s.push_str("</li>");
            }
            s.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
        }
        Block::Quote { blocks } => {
            s.push_str("<blockquote>");
            for b in blocks {
                block(s, b);
            }
            s.push_str("</blockquote>\n");
        }
        Block::Table { head, rows } => {
            s.push_str("<table class=\"md-table\"><thead><tr>");
            for c in head {
                s.push_str("<th scope=\"col\">");
                inlines_html(s, c);
                s.push_str("</th>");
            }
            s.push_str("</tr></thead><tbody>");
            for row in rows {
                s.push_str("<tr>");
                for c in row {
                    s.push_str("<td>");
                    inlines_html(s, c);
                    s.push_str("</td>");
                }
                s.push_str("</tr>");
            }
            s.push_str("</tbody></table>\n");
        }
    }
}

use super::japanese;

/// The first (`first`) or last visible character of an inline.
fn edge(i: &Inline, first: bool) -> Option<char> {
    let pick = |t: &str| {
        if first {
            t.chars().next()
        } else {
            t.chars().next_back()
        }
    };
    match i {
        Inline::Text { text }
        | Inline::Code { text }
        | Inline::Value { text, .. }
        | Inline::Missing { label: text, .. } => pick(text),
        Inline::Placeholder { .. } => Some(if first { '〈' } else { '〉' }),
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            if first {
                inlines.iter().find_map(|i| edge(i, true))
            } else {
                inlines.iter().rev().find_map(|i| edge(i, false))
            }
        }
        Inline::SoftBreak | Inline::HardBreak => None,
    }
}

/// Values and codes sit on a tinted box that already sets them apart; so
/// does bold or emphasised text that starts (`first`) or ends with one.
fn boxed(i: &Inline, first: bool) -> bool {
    match i {
        Inline::Value { .. }
        | Inline::Code { .. }
        | Inline::Missing { .. }
        | Inline::Placeholder { .. } => true,
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            let edge = if first {
                inlines.first()
            } else {
                inlines.last()
            };
            edge.is_some_and(|e| boxed(e, first))
        }
        _ => false,
    }
}

/// The text of an inline's first (`first`) or last visible leaf.
fn edge_text(i: &Inline, first: bool) -> Option<&str> {
    match i {
        Inline::Text { text } | Inline::Code { text } | Inline::Value { text, .. } => {
            Some(text.as_str()).filter(|t| !t.is_empty())
        }
        Inline::Strong { inlines } | Inline::Emph { inlines } | Inline::Link { inlines, .. } => {
            if first {
                inlines.iter().find_map(|i| edge_text(i, true))
            } else {
                inlines.iter().rev().find_map(|i| edge_text(i, false))
            }
        }
        _ => None,
    }
}

/// Whether a Western space between `text_side` (a character of plain text)
/// and the element `other` (facing it with its start when `first`) is
/// padding that Japanese typesetting drops: 「回線は 光コラボ です」 is
/// written 「回線は光コラボです」 with 光コラボ marked by its background; a
/// bold run facing it with Japanese or a number likewise
/// ([`super::faces_as_japanese`], the handout's rule too). Spaces next to
/// Latin text (「お客さまID CAF…」) stay.
fn padding(text_side: Option<char>, other: &Inline, first: bool) -> bool {
    text_side.is_some_and(|c| japanese(c) && !super::spaced_dash(c))
        && !matches!(
            other,
            Inline::Text { .. } | Inline::SoftBreak | Inline::HardBreak
        )
        && (boxed(other, first)
            || edge_text(other, first).is_some_and(|t| super::faces_as_japanese(t, first)))
}

fn inlines_html(s: &mut String, inlines: &[Inline]) {
    // A value ending in a digit whose unit is the text after it
    // (「**{{ each.count }}回**」): the two are held in one `qty` span, closed
    // after the unit.
    let mut unit_open = false;
    for (n, i) in inlines.iter().enumerate() {
        let prev = n.checked_sub(1).and_then(|p| inlines.get(p));
        let next = inlines.get(n + 1);
        match i {
            Inline::Text { text } if unit_open => {
                unit_open = false;
                let cut = text.chars().next().map_or(0, char::len_utf8);
                escape_into(s, &text[..cut]);
                s.push_str("</span>");
                escape_words_into(s, &text[cut..]);
            }
            Inline::Text { text } => {
                let mut t = text.as_str();
                if let Some(p) = prev {
                    let rest = t.trim_start_matches(' ');
                    if rest.len() < t.len() && padding(rest.chars().next(), p, false) {
                        t = rest;
                    }
                }
                if let Some(q) = next {
                    let rest = t.trim_end_matches(' ');
                    if rest.len() < t.len() && padding(rest.chars().next_back(), q, true) {
                        t = rest;
                    }
                }
                escape_words_into(s, t)
            }
            Inline::Strong { inlines } => {
                s.push_str("<strong>");
                inlines_html(s, inlines);
                s.push_str("</strong>");
            }
            Inline::Emph { inlines } => {
                s.push_str("<em>");
                inlines_html(s, inlines);
                s.push_str("</em>");
            }
            Inline::Code { text } => {
                s.push_str("<code>");
                escape_words_into(s, text);
                s.push_str("</code>");
            }
            Inline::Link { url, inlines } => {
                if safe_url(url) {
                    s.push_str("<a href=\"");
                    escape_into(s, url);
                    s.push_str("\">");
                    inlines_html(s, inlines);
                    s.push_str("</a>");
                } else {
                    inlines_html(s, inlines);
                }
            }
            Inline::Placeholder { path } => {
                s.push_str("<span class=\"placeholder\">〈");
                escape_into(s, path);
                s.push_str("〉</span>");
            }
            Inline::Value { path, text } => {
                unit_open = text.chars().next_back().is_some_and(|c| c.is_ascii_digit())
                    && matches!(next, Some(Inline::Text { text: t })
                        if t.chars().next().is_some_and(kana_or_kanji));
                if unit_open {
                    s.push_str("<span class=\"qty\">");
                }
                s.push_str("<mark class=\"value\" data-field=\"");
                escape_into(s, path);
                s.push_str("\">");
                escape_words_into(s, text);
                s.push_str("</mark>");
            }
            Inline::Missing { path, label, unit } => {
                s.push_str("<span class=\"placeholder\" data-field=\"");
                escape_into(s, path);
                s.push_str("\">");
                escape_into(s, label);
                s.push_str("</span>");
                escape_into(s, unit.as_deref().unwrap_or_default());
            }
            // A line break in the source is a space only between Latin words.
            Inline::SoftBreak => {
                let before = prev.and_then(|p| edge(p, false));
                let after = next.and_then(|q| edge(q, true));
                if !(before.is_some_and(japanese) || after.is_some_and(japanese)) {
                    s.push(' ');
                }
            }
            Inline::HardBreak => s.push_str("<br>"),
        }
    }
}

/// Only web, mail, telephone, in-page and relative links are written as links.
pub fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        if !lower[..colon].contains('/') {
            return matches!(scheme, "http" | "https" | "mailto" | "tel");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit scan that lets a text without one skip the search for
    /// dates and numbers sees every digit the search would start at, ASCII
    /// and full-width, and no other full-width character (「（」, 「Ａ」 share
    /// its first two bytes); without a digit no span is found.
    #[test]
    fn a_text_without_a_digit_has_no_date_or_number_span() {
        let texts = [
            "",
            "申請します",
            "（手順）ＡＢＣ：＿",
            "２０２６年１２月１日（火）",
            "発行料3,000円",
            "ＰＣ－０４ＡＢ",
            "０",
            "９台",
            "\u{FF0F}\u{FF1A}",
            "「1台目」",
        ];
        for t in texts {
            let any = t
                .chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
            assert_eq!(has_digit(t), any, "{t}");
            if !any {
                assert!(date_runs(t).is_empty(), "{t}");
            }
        }
        assert_eq!(date_runs("2026年12月1日（火）").len(), 1);
    }
    use crate::load::markdown::parse;

    #[test]
    fn memoised_texts_serialise_as_rendered_and_clinic_values_are_not_kept() {
        #[derive(serde::Serialize)]
        struct Page<'a> {
            a: &'a Rich,
            b: &'a Rich,
        }
        let content = parse("画面の **ログイン** を押します。\n\n- `A&B` と書く\n- 二つ目");
        let valued = Rich(vec![Block::Paragraph {
            inlines: vec![
                Inline::Text {
                    text: "医院名: ".into(),
                },
                Inline::Value {
                    path: "clinic.name".into(),
                    text: "<b>北の森</b>".into(),
                },
            ],
        }]);
        let texts = [content.clone(), valued.clone(), Rich::default()];
        let before = memo_len();
        for r in &texts {
            let page = Page { a: r, b: r };
            let plain = tera::Value::from_serializable(&page);
            let first = with_memo(|| tera::Value::from_serializable(&page));
            let again = with_memo(|| tera::Value::from_serializable(&page));
            assert!(plain == first && first == again, "{r:?}");
        }
        // The content's text and the empty one are kept, once each; the
        // one with a clinic's value never.
        assert_eq!(memo_len(), before + 2);
        // Outside the memo (JSON, other templates) nothing is looked up.
        let json = serde_json::to_string(&content).unwrap();
        assert!(json.contains("\"html\""), "{json}");
        assert_eq!(memo_len(), before + 2);
        // A changed text is a new entry, never the old value.
        let mut changed = content.clone();
        if let Block::Paragraph { inlines } = &mut changed.0[0] {
            inlines.push(Inline::Text { text: "!".into() });
        }
        let v = with_memo(|| tera::Value::from_serializable(&changed));
        assert!(v == tera::Value::from_serializable(&changed));
        assert!(v != tera::Value::from_serializable(&content));
        assert_eq!(memo_len(), before + 3);
    }

    #[test]
    fn values_are_escaped() {
        let r = Rich(vec![Block::Paragraph {
            inlines: vec![Inline::Value {
                path: "name".into(),
                text: "<script>alert('x')</script>".into(),
            }],
        }]);
        let h = to_html(&r);
        assert!(!h.contains("<script>"));
        // (The value is one word a browser could split after its `/`: kept
        // whole by spans around its signs, its text escaped between them.)
        let bare = h
            .replace("<span class=\"word\">", "")
            .replace("<span class=\"keep\">", "")
            .replace("</span>", "");
        assert!(
            bare.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            "{h}"
        );
    }

    #[test]
    fn shown_text_is_the_pages_words_without_padding() {
        let r = parse(
            "回線なら **必ず1**です。場合は **1週間ほど** かかります。\n\n- `A&B` と書く\n- 二つ目",
        );
        assert_eq!(
            shown_text(&r),
            "回線なら必ず1です。場合は1週間ほどかかります。\nA&Bと書く\n二つ目"
        );
        // The same words as the HTML, tags and entities aside (no space
        // before a number in Japanese text; one before a Latin word stays).
        let html = to_html(&r);
        assert!(
            html.contains("場合は<strong><span class=\"qty\">1週</span>間ほど</strong>かかります"),
            "{html}"
        );
    }

    #[test]
    fn html_and_inline_are_to_html_and_inline_html() {
        for md in [
            "",
            "ひとつの段落 **太字** `code` [リンク](https://example.jp/)",
            "段落1\n\n段落2",
            "- 項目1\n- 項目2",
            "> 引用",
            "# 見出し",
        ] {
            let r = parse(md);
            assert_eq!(html_and_inline(&r), (to_html(&r), inline_html(&r)), "{md}");
        }
    }

    #[test]
    fn escape_replaces_each_special_character_and_drops_forbidden_ones() {
        assert_eq!(
            escape("a&b<c>d\"e'f\u{1}g\th\u{fffe}i\u{ffff}受付&"),
            "a&amp;b&lt;c&gt;d&quot;e&#39;fg\thi受付&amp;"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("受付パソコン"), "受付パソコン");
        let mut s = String::from("<p>");
        escape_into(&mut s, "<x>");
        assert_eq!(s, "<p>&lt;x&gt;");
    }

    /// The words the handout keeps whole are wrapped for the browser to keep
    /// them whole too; the text is the clinic's, escaped as by [`escape`].
    #[test]
    fn a_date_is_kept_on_one_line() {
        let d = |s: &str| format!("<span class=\"date\">{s}</span>");
        assert_eq!(
            escape_words("医療機関コード 2610509180 ・ 京都府 ・ 2026年12月1日 作成"),
            format!(
                "医療機関コード 2610509180 ・ 京都府 ・ {} 作成",
                d("2026年12月1日")
            )
        );
        assert_eq!(
            escape_words("見込みは2027年1月8日（金・祝）、開始は2027年1月から"),
            format!(
                "見込みは{}、開始は{}から",
                d("2027年1月8日（金・祝）"),
                d("2027年1月")
            )
        );
        // Not a date: no month after 年 (each number kept with its unit).
        assert_eq!(
            escape_words("2026年度と12月"),
            "<span class=\"qty\">2026年</span>度と<span class=\"qty\">12月</span>"
        );
        // Full-width digits are words inside it, as elsewhere.
        let w = |s: &str| format!("<span class=\"word\">{s}</span>");
        assert_eq!(
            escape_words("２０２６年１２月１日<b>"),
            format!(
                "{}&lt;b&gt;",
                d(&format!("{}年{}月１日", w("２０２６"), w("１２")))
            )
        );
    }

    /// A number stays with its unit or counter, as in the handout (Chrome
    /// broke 「発行料3,000」/「円）」 at 390 px); not a number inside a word.
    #[test]
    fn a_number_is_kept_with_its_unit() {
        let n = |s: &str| format!("<span class=\"qty\">{s}</span>");
        assert_eq!(
            escape_words("電子証明書は2枚（発行料3,000円）、約1週間、3年3か月"),
            format!(
                "電子証明書は{}（発行料{}）、約{}間、{}{}月",
                n("2枚"),
                n("3,000円"),
                n("1週"),
                n("3年"),
                n("3か")
            )
        );
        // No unit, a sign or letter before it, a comma at its end: as before.
        assert_eq!(escape_words("手順2、合計 12"), format!("手順2、合計 12"));
        assert!(!escape_words("手順2-5の見本").contains("qty"));
        assert!(!escape_words("PC2台").contains("qty"));
        assert_eq!(escape_words("1,と"), "1,と");
        // An opening bracket goes with it.
        assert_eq!(
            escape_words("見出しの「1台目」"),
            format!("見出しの{}目」", n("「1台"))
        );
        // A value and the unit after it (「**{{ each.count }}回**」).
        let mut inl = String::new();
        inlines_html(
            &mut inl,
            &[
                Inline::Value {
                    path: "each.count".into(),
                    text: "2".into(),
                },
                Inline::Text {
                    text: "回申請".into(),
                },
            ],
        );
        assert_eq!(
            inl,
            "<span class=\"qty\"><mark class=\"value\" data-field=\"each.count\">2</mark>回</span>申請"
        );
        // A date is still a date.
        assert_eq!(
            escape_words("2027年1月8日"),
            "<span class=\"date\">2027年1月8日</span>"
        );
    }

    #[test]
    fn full_width_words_are_wrapped_and_still_escaped() {
        let w = |s: &str| format!("<span class=\"word\">{s}</span>");
        let k = |s: &str| format!("<span class=\"keep\">{s}</span>");
        assert_eq!(
            escape_words("受付カウンター左側ノートＰＣ－０４ＡＢ"),
            format!(
                "受付カウンター左側ノート{}",
                w(&format!("Ｐ{}４ＡＢ", k("Ｃ－０")))
            )
        );
        assert_eq!(
            escape_words("診察室ＰＣ-04と受付ＰＣ"),
            format!(
                "診察室{}と受付{}",
                w(&format!("Ｐ{}4", k("Ｃ-0"))),
                w("ＰＣ")
            )
        );
        assert_eq!(
            escape_words("ｖ１．２＿ＡＢ／ＣＤ"),
            w(&format!("ｖ{}{}Ｄ", k("１．２＿Ａ"), k("Ｂ／Ｃ")))
        );
        // Hostile text stays escaped, inside a word and outside it: without
        // the two spans the page's text is exactly `escape`'s.
        let bare = |h: String| {
            h.replace("<span class=\"word\">", "")
                .replace("<span class=\"keep\">", "")
                .replace("</span>", "")
        };
        for s in [
            "<b>&\"ＰＣ<i>\"'&",
            "端末<ＡＢ> & 「Ｃ」",
            "ＡＢ--&&ＣＤ",
            "(ＰＣ)",
            "Ａ－Ｂ－Ｃ",
            "ＰＣ-",
        ] {
            let h = escape_words(s);
            assert!(h.contains("class=\"word\""), "{s}: {h}");
            assert_eq!(bare(h.clone()), escape(s), "{s}: {h}");
            assert!(!h.contains("<b>") && !h.contains("<i>"), "{h}");
        }
        assert_eq!(
            escape_words("端末<ＡＢ> & 「Ｃ」"),
            format!(
                "端末{} &amp; 「Ｃ」",
                w(&format!("{}{}", k("&lt;Ａ"), k("Ｂ&gt;")))
            )
        );
        // An ASCII word a browser would break after its hyphen or slash
        // (before a letter) is kept whole like a full-width one.
        assert_eq!(
            escape_words("受付ノートPC-AB"),
            format!("受付ノート{}", w(&format!("P{}B", k("C-A"))))
        );
        assert_eq!(
            escape_words("端末 PC/AB-3 と <PC-AB>"),
            format!(
                "端末 {} と {}",
                w(&format!("P{}{}", k("C/A"), k("B-3"))),
                w(&format!("{}{}{}", k("&lt;P"), k("C-A"), k("B&gt;")))
            )
        );
        // A hyphen before a digit too: Chrome broke 「（手順2-」/「2）」 and
        // 「03-1234-」/「5678」.
        assert_eq!(
            escape_words("（手順1-3）"),
            format!("（手順{}）", w(&k("1-3")))
        );
        assert_eq!(
            escape_words("電話03-1234-5678"),
            format!("電話{}", w(&format!("0{}23{}678", k("3-1"), k("4-5"))))
        );
        assert_eq!(
            escape_words("ノートPC-04"),
            format!("ノート{}", w(&format!("P{}4", k("C-0"))))
        );
        // A joiner between Japanese words is punctuation; ASCII words a
        // browser does not split and text without a full-width letter are
        // only escaped.
        for s in [
            "はい／いいえ",
            "2026.12.04",
            "a-",
            "-a",
            "受付パソコン",
            "a<b",
            "",
            "Ａ",
        ] {
            assert_eq!(escape_words(s), escape(s), "{s}");
        }
        assert_eq!(
            escape_words("ＰＣ／いいえ"),
            format!("{}／いいえ", w("ＰＣ"))
        );
        // Values and text in rich text, as the guide prints them.
        let r = Rich(vec![Block::Paragraph {
            inlines: vec![
                Inline::Text {
                    text: "端末名「".into(),
                },
                Inline::Value {
                    path: "terminals".into(),
                    text: "診察室ＰＣＰＣ&".into(),
                },
                Inline::Text { text: "」".into() },
            ],
        }]);
        assert_eq!(
            inline_html(&r),
            format!(
                "端末名「<mark class=\"value\" data-field=\"terminals\">診察室{}</mark>」",
                w(&format!("ＰＣＰ{}", k("Ｃ&amp;")))
            )
        );
    }

    #[test]
    fn no_western_spaces_around_values_in_japanese_text() {
        let v = |t: &str| Inline::Value {
            path: "x".into(),
            text: t.into(),
        };
        let txt = |t: &str| Inline::Text { text: t.into() };
        let r = Rich(vec![Block::Paragraph {
            inlines: vec![
                txt("回線は "),
                v("光コラボ"),
                txt(" です。お客さまID "),
                v("CAF0912345678"),
                txt(" が載っています。"),
            ],
        }]);
        assert_eq!(
            to_html(&r),
            "<p>回線は<mark class=\"value\" data-field=\"x\">光コラボ</mark>です。お客さまID <mark class=\"value\" data-field=\"x\">CAF0912345678</mark>が載っています。</p>\n"
        );
        // Bold Japanese text loses its padding too; a line break inside
        // Japanese text is no space, between Latin words it is one.
        let bold_value = Rich(vec![Block::Paragraph {
            inlines: vec![
                txt("メールアドレスは "),
                Inline::Strong {
                    inlines: vec![v("iji@example.jp")],
                },
                txt(" です。"),
            ],
        }]);
        assert_eq!(
            to_html(&bold_value),
            "<p>メールアドレスは<strong><mark class=\"value\" data-field=\"x\">iji@example.jp</mark></strong>です。</p>\n"
        );
        let h = to_html(&parse(
            "必ず **「1」** を選びます。改行\nしても続きます。\nIP-VPN\nline",
        ));
        assert_eq!(
            h,
            "<p>必ず<strong>「1」</strong>を選びます。改行しても続きます。<span class=\"word\">I<span class=\"keep\">P-V</span>PN</span> line</p>\n"
        );
        // A bold run starting or ending with a number is Japanese text's
        // neighbour with no space (JLREQ): 「施設内で決めた 4桁の秘密の番号」
        // kept the one before 4. A Latin word keeps its spaces.
        assert_eq!(
            to_html(&parse(
                "施設内で決めた **4桁の秘密の番号**（人に見せず）。**手順 3** で、**10:00** から。確認画面で **OK** を押し **IPv6** の欄へ。"
            )),
            "<p>施設内で決めた<strong><span class=\"qty\">4桁</span>の秘密の番号</strong>（人に見せず）。<strong>手順 3</strong>で、<strong>10:00</strong>から。確認画面で <strong>OK</strong> を押し <strong>IPv6</strong> の欄へ。</p>\n"
        );
        // A dash keeps the spaces written around it on both sides: it read
        // 「利用申請</strong>— 回線の種類」, the space before it dropped.
        assert_eq!(
            to_html(&parse("1. **オンライン資格確認の利用申請** — 回線の種類")),
            "<ol><li><strong>オンライン資格確認の利用申請</strong> — 回線の種類</li></ol>\n"
        );
    }

    #[test]
    fn javascript_links_are_dropped() {
        let h = to_html(&parse("[x](javascript:alert(1)) [y](https://example.jp/)"));
        assert!(!h.contains("javascript"));
        assert!(h.contains("href=\"https://example.jp/\""));
    }
}
