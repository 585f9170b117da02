//! Page geometry, type scale and colours: every visual constant of the
//! handout in one place. Lengths are in points unless the name says `_MM`.

/// Millimetres to points.
pub(crate) fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// Points to millimetres.
pub(crate) fn to_mm(v: f32) -> f32 {
    v * 25.4 / 72.0
}

// --- page -------------------------------------------------------------------

/// A4 portrait.
pub(crate) const PAGE_W_MM: f32 = 210.0;
pub(crate) const PAGE_H_MM: f32 = 297.0;
/// Left/right margin.
pub(crate) const MARGIN_X_MM: f32 = 15.0;
/// Top of the body area (below the running header).
pub(crate) const BODY_TOP_MM: f32 = 20.0;
/// Bottom of the body area (above the running footer).
pub(crate) const BODY_BOTTOM_MM: f32 = 297.0 - 18.0;
/// Baseline of the running header text.
pub(crate) const HEADER_BASELINE_MM: f32 = 11.0;
/// Running header rule.
pub(crate) const HEADER_RULE_MM: f32 = 13.0;
/// Running footer rule.
pub(crate) const FOOTER_RULE_MM: f32 = 297.0 - 13.0;
/// Baseline of the running footer text.
pub(crate) const FOOTER_BASELINE_MM: f32 = 297.0 - 8.5;

// --- type scale ---------------------------------------------------------------

pub(crate) const TITLE_SIZE: f32 = 18.0;
pub(crate) const SUBTITLE_SIZE: f32 = 11.0;
pub(crate) const H1_SIZE: f32 = 15.0;
pub(crate) const H2_SIZE: f32 = 12.5;
pub(crate) const H3_SIZE: f32 = 11.0;
pub(crate) const BODY_SIZE: f32 = 10.0;
pub(crate) const SMALL_SIZE: f32 = 9.0;
/// No running text (notes, table cells, captions) is set smaller than this.
pub(crate) const MIN_TEXT_SIZE: f32 = 9.0;
pub(crate) const HEADER_SIZE: f32 = 8.0;
pub(crate) const TABLE_SIZE: f32 = 9.0;
/// Line height of running Japanese text, as a multiple of the font size.
pub(crate) const BODY_LEADING: f32 = 1.5;
/// Line height of headings and table cells.
pub(crate) const TIGHT_LEADING: f32 = 1.4;

/// Space between consecutive body blocks.
pub(crate) const BLOCK_GAP: f32 = 5.0;

// --- colours -------------------------------------------------------------------

pub use crate::render::frame::Rgb;

pub(crate) const TEXT: Rgb = Rgb::hex(0x222222);
pub(crate) const MUTED: Rgb = Rgb::hex(0x5f6368);
pub(crate) const ACCENT: Rgb = Rgb::hex(0x1f4e79);
pub(crate) const ACCENT_LIGHT: Rgb = Rgb::hex(0xdbe6f2);
pub(crate) const RULE: Rgb = Rgb::hex(0x9aa5b1);
pub(crate) const WHITE: Rgb = Rgb::hex(0xffffff);
pub(crate) const LINK: Rgb = Rgb::hex(0x0b57d0);
/// Tint behind clinic values (same idea as the HTML's highlighted values).
pub(crate) const VALUE_BG: Rgb = Rgb::hex(0xfff0b3);
pub(crate) const VALUE_RULE: Rgb = Rgb::hex(0xe0b100);
pub(crate) const CODE_BG: Rgb = Rgb::hex(0xeceff1);
pub(crate) const TABLE_HEAD_BG: Rgb = Rgb::hex(0xdbe6f2);
pub(crate) const TABLE_HIGHLIGHT_BG: Rgb = Rgb::hex(0xfff7d6);
pub(crate) const TABLE_HIGHLIGHT_HEAD_BG: Rgb = Rgb::hex(0xffe9a8);
pub(crate) const TABLE_RULE: Rgb = Rgb::hex(0xb0bac5);
