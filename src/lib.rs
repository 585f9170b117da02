//! tebiki (手引き): per-clinic illustrated guides and printable handouts for
//! the オンライン資格確認 applications, and an internal help site.
//!
//! Data flows one way through the stages, one module each:
//! [`load`] (files → model, with positions) → [`model`] (typed manuals,
//! rules, clinics) → [`eval`] (one clinic → one evaluated [`eval::guide::Guide`])
//! → [`render`] (HTML, PDF) → [`write`] (atomic output). [`pipeline`] wires
//! them for the CLI.

pub mod branding;
pub mod combined;
pub mod config;
pub mod diag;
pub mod error;
pub mod eval;
pub mod export;
pub mod load;
pub mod manifest;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod scene;
pub mod site;
pub mod validate;
pub mod write;

pub use error::{Error, Result};
