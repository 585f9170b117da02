//! The typed model: what a manual, a rule and a clinic *are*, independent of
//! where they were read from and of how they are shown.
//!
//! The load stage builds these types from YAML and Markdown; the evaluate
//! stage combines a manual with one clinic; renderers only ever see the
//! evaluated result. Nothing here performs I/O.

pub mod clinic;
pub mod facts;
pub mod manual;
pub mod rich;
pub mod rule;
pub mod source;
pub mod strings;

pub use clinic::Clinic;
pub use manual::{Manual, Part, Screen, Step};
pub use rich::{Block, Inline, Rich};
pub use rule::{Condition, Rule, Severity};
pub use source::{Located, SourcePos};
