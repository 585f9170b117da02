//! Render stage: evaluated guides → HTML (Tera themes) and PDF (our own
//! layout, written with `pdf-writer`). Renderers read the evaluated model
//! only.

pub mod frame;
pub mod handout;
pub mod html;
pub mod key;
pub mod marks;
pub mod pdf;
pub mod pictures;
pub mod rich_html;
pub mod sheet;
pub mod svg;
pub mod theme;

/// A dash written with a Western space on each side (「**利用申請** — 回線の
/// 種類…」): the spaces are the writer's and stay on both sides, never only
/// after it. The HTML's [`rich_html`] padding rule and the handout's
/// line breaker both ask this.
pub(crate) fn spaced_dash(c: char) -> bool {
    matches!(c, '—' | '―' | '–')
}

/// Japanese text (not Latin, not a digit, not a space, not a control
/// character), for the padding rule of [`faces_as_japanese`].
pub(crate) fn japanese(c: char) -> bool {
    !(c.is_ascii() || c.is_whitespace() || (c.is_alphanumeric() && u32::from(c) < 0x2E80))
}

/// Whether a bold or linked run whose text is `text` faces Japanese text at
/// its start (`start`) or end as part of the Japanese sentence, so that a
/// Western space between them is padding its weight or colour makes
/// needless: its character there is Japanese (「場合は **必ず1**」), or the
/// word there is a number (「施設内で決めた **4桁の秘密の番号**」, 「**手順 3**
/// で」): in running Japanese text no space stands between Japanese and a
/// number (JLREQ; the seed manual writes 「土曜日8：00」「1枚当たり」). A
/// Latin word (「**OK** を」「**IPv6** の」) keeps its space. The HTML's
/// `rich_html` padding and the handout's `tidy_spaces` both ask this.
pub(crate) fn faces_as_japanese(text: &str, start: bool) -> bool {
    let mut chars: Box<dyn Iterator<Item = char> + '_> = if start {
        Box::new(text.chars())
    } else {
        Box::new(text.chars().rev())
    };
    let Some(first) = chars.next() else {
        return false;
    };
    if japanese(first) {
        return true;
    }
    let word: Vec<char> = std::iter::once(first)
        .chain(chars)
        .take_while(|&c| !japanese(c) && !c.is_whitespace())
        .collect();
    word.iter().any(char::is_ascii_digit)
        && word
            .iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, ',' | '.' | ':' | '/' | '-' | '%'))
}
