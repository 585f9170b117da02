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
    /// Another build holds the output folder's lock.
    #[error(
        "another tebiki build is writing into {} (its lock {}/.tebiki.lock is held); wait for it to finish or pass another --out",
        .0.display(),
        .0.display()
    )]
    Locked(PathBuf),
    /// A symbolic link where tebiki would write.
    #[error(
        "refusing to write through the symbolic link {}: tebiki writes only inside the output folder; replace the link by a real folder or remove it",
        .0.display()
    )]
    Symlink(PathBuf),
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
