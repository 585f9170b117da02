//! Writing outputs: one function, atomic and change-aware.
//!
//! A file is written to a temporary sibling, flushed and renamed over the
//! target, so a crash never leaves a half-written guide; unchanged files are
//! left untouched so their timestamps (and incremental tools) stay quiet.

use crate::error::{Error, Result};
use std::io::Write as _;
use std::path::Path;

/// What [`write_atomic`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Changed,
    /// The file already had these bytes.
    Unchanged,
}

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<Written> {
    if let Ok(existing) = std::fs::read(path)
        && existing == bytes
    {
        return Ok(Written::Unchanged);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("cannot write", path, e));
    }
    Ok(Written::Changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_skips_unchanged() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a/b/c.txt");
        assert_eq!(write_atomic(&p, b"x").unwrap(), Written::Changed);
        assert_eq!(write_atomic(&p, b"x").unwrap(), Written::Unchanged);
        assert_eq!(write_atomic(&p, b"y").unwrap(), Written::Changed);
        assert_eq!(std::fs::read(&p).unwrap(), b"y");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
