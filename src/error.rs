//! The library's error type.

use crate::diag::Diagnostics;
use std::path::PathBuf;

/// Everything that can stop a stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot read").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Content or data has located problems (all of them, not only the first).
    #[error("{} error(s) in content or data", .0.error_count())]
    Invalid(Diagnostics),
    /// A template failed to load or render.
    #[error("template {name}: {message}")]
    Template {
        /// Template name.
        name: String,
        /// Tera's message, with location.
        message: String,
    },
    /// The PDF could not be produced.
    #[error("PDF: {0}")]
    Pdf(String),
}

impl Error {
    /// Wraps an I/O error with what was being done to which file.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
