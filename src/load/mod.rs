//! Load stage: reads content and clinic data from disk into the typed model.
//!
//! Everything read keeps its file and line. This stage reports problems as
//! diagnostics (all of them) and never renders or writes anything.

pub mod clinics;
pub mod content;
pub mod derived;
pub mod limits;
pub mod markdown;
pub mod screenshot;
pub mod table;
pub mod yaml;

pub use content::{ParseCache, load_content, load_content_reusing};
