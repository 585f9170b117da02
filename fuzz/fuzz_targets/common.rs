//! Shared by the fuzz targets: the bundled content, loaded once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tebiki::model::manual::Content;

/// The repository's content folder.
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// The bundled content (schema, manuals, rules).
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| tebiki::load::load_content(&content_dir()).0)
}

/// A scratch folder for inputs that are read from files.
pub fn scratch() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("temp dir")).path()
}
