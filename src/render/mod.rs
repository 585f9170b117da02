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
