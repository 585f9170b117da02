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
