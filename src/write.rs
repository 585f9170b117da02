//! Writing outputs: atomic, change-aware, and confined to the output folder.
//!
//! A file is written to a temporary sibling, flushed and renamed over the
//! target, so a crash never leaves a half-written guide; unchanged files are
//! left untouched so their timestamps (and incremental tools) stay quiet.
//! Many files at once ([`OutDir::stage`], [`OutDir::commit`]) are written to
//! their temporary siblings first, flushed together (one `syncfs` on Linux
//! instead of one `fsync` each), and only then renamed: the promise is the
//! same, a file is either its old bytes or its new bytes, never torn.
//!
//! [`OutDir`] is how a build writes: it holds a lock on the folder (two
//! builds into one folder would interleave their files), removes temporary
//! files that a killed run left behind, and never writes or deletes through
//! a symbolic link: every folder between the output root and a file must be a
//! real folder, and a symlink where a file goes is refused, not followed.

use crate::error::{Error, Result};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

/// What [`write_atomic`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Changed,
    /// The file already had these bytes.
    Unchanged,
}

/// A file written to its temporary sibling by [`OutDir::stage`], waiting
/// for [`OutDir::commit`] to flush it and rename it into place. Dropped
/// without a commit, it removes the temporary file (a killed build leaves it
/// to the next build's sweep).
#[derive(Debug)]
pub struct Staged {
    /// Empty once renamed into place.
    tmp: PathBuf,
    path: PathBuf,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Staged {
    /// The file it will replace.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Marker in the names of temporary files: `.NAME.tmp-PID`.
const TMP_MARK: &str = ".tmp-";

/// Name of the lock file in the output folder.
pub const LOCK_FILE: &str = ".tebiki.lock";

/// Writes `bytes` to `path` atomically, creating parent folders.
///
/// Refuses to replace a symbolic link. Prefer [`OutDir::write`], which also
/// refuses symlinked folders between the output root and the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<Written> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
    replace_file(path, bytes)
}

/// Writes `bytes` over `path` (its folder exists) via a temporary sibling.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<Written> {
    if holds(path, bytes)? {
        return Ok(Written::Unchanged);
    }
    via_temp(path, |f| {
        f.write_all(bytes)
            .map_err(|e| Error::io("cannot write", path, e))
    })?;
    Ok(Written::Changed)
}

/// Writes `path` (its folder is created) atomically from `fill`, which
/// writes the content piece by piece: for files too large to hold in memory,
/// such as a combined PDF of thousands of handouts. Refuses to replace a
/// symbolic link; never compares with the old content.
pub fn write_atomic_streamed(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
    refuse_symlink(path)?;
    via_temp(path, |f| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io("cannot write", path, e))
    })
}

/// True when `path` is a regular file holding exactly `bytes`; an error
/// when it is a symbolic link (tebiki replaces files, never links).
fn holds(path: &Path, bytes: &[u8]) -> Result<bool> {
    Ok(match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            refuse_symlink(path)?;
            false
        }
        Ok(m) => {
            m.is_file()
                && m.len() == bytes.len() as u64
                && std::fs::read(path).is_ok_and(|existing| existing == bytes)
        }
        Err(_) => false,
    })
}

/// The temporary sibling of `path` this process writes (`.NAME.tmp-PID`).
fn temp_of(path: &Path) -> PathBuf {
    // The process id, asked of the system once (a system call each time
    // otherwise, three per clinic).
    static PID: std::sync::LazyLock<u32> = std::sync::LazyLock::new(std::process::id);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    dir.join(format!(".{name}{TMP_MARK}{}", *PID))
}

/// Stages `bytes` for `path`, whose folders are checked: `None` when it
/// already holds them, else its temporary sibling written (not flushed).
fn stage_at(path: PathBuf, bytes: &[u8]) -> Result<Option<Staged>> {
    if holds(&path, bytes)? {
        return Ok(None);
    }
    let tmp = temp_of(&path);
    write_new(&tmp, &path, bytes)?;
    Ok(Some(Staged { tmp, path }))
}

/// Creates `tmp` (never through a symlink planted there: `create_new`) and
/// writes `bytes` into it, not flushed; on failure nothing is left.
fn write_new(tmp: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    // A leftover of this very process id (a killed run with a recycled id).
    let _ = std::fs::remove_file(tmp);
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| Error::io("cannot write", path, e));
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// An error when `path` is a symbolic link (tebiki replaces files, never links).
fn refuse_symlink(path: &Path) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::io(
            "refusing to write through a symbolic link",
            path,
            std::io::Error::other("remove the link; tebiki writes real files only"),
        ));
    }
    Ok(())
}

/// Runs `fill` on a new temporary sibling of `path`, then syncs it and
/// renames it over `path`; on any failure the temporary file is removed.
fn via_temp(path: &Path, fill: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    via_temp_if(path, |f, _| fill(f).map(|()| true))
}

/// [`via_temp`], where `fill` also gets the temporary file's path and says
/// whether to keep the result (`false`: the temporary file is removed and
/// `path` left as it was).
fn via_temp_if(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File, &Path) -> Result<bool>,
) -> Result<()> {
    let tmp = temp_of(path);
    // A leftover of this very process id (a killed run with a recycled id).
    let _ = std::fs::remove_file(&tmp);
    // create_new never follows a symlink planted at the temporary name.
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| Error::io("cannot write", path, e))
        .and_then(|mut f| {
            let keep = fill(&mut f, &tmp)?;
            if keep {
                f.sync_all()
                    .map_err(|e| Error::io("cannot write", path, e))?;
            }
            Ok(keep)
        })
        .and_then(|keep| {
            if keep {
                std::fs::rename(&tmp, path).map_err(|e| Error::io("cannot write", path, e))
            } else {
                let _ = std::fs::remove_file(&tmp);
                Ok(())
            }
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// True when the regular files `a` and `b` have the same bytes (compared
/// piece by piece).
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read as _;
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    match (fa.metadata(), std::fs::symlink_metadata(b)) {
        (Ok(ma), Ok(mb)) if mb.is_file() && ma.len() == mb.len() => {}
        _ => return false,
    }
    let mut ra = std::io::BufReader::with_capacity(1 << 16, fa);
    let mut rb = std::io::BufReader::with_capacity(1 << 16, fb);
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return rb.read(&mut bb[..1]).is_ok_and(|m| m == 0);
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// True for the name of a temporary file [`write_atomic`] creates.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(TMP_MARK)
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// The output folder of one build, locked for its lifetime.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    /// Held (and locked) until the build ends; the OS releases the lock
    /// when the process dies, so a killed build never blocks the next.
    _lock: std::fs::File,
}

impl OutDir {
    /// Creates (if needed) and locks `root`. Fails with a clear message when
    /// another build holds the lock or `root` is not a folder.
    pub fn open(root: &Path) -> Result<OutDir> {
        // A file in the way: say so, not 「File exists」 from create_dir_all.
        if root.exists() && !root.is_dir() {
            return Err(Error::io(
                "output is not a folder",
                root,
                std::io::Error::other(
                    "a file of that name is in the way; pass --out with a folder (it is created when missing)",
                ),
            ));
        }
        std::fs::create_dir_all(root).map_err(|e| Error::io("cannot create folder", root, e))?;
        if !root.is_dir() {
            return Err(Error::io(
                "output is not a folder",
                root,
                std::io::Error::other("pass --out with a folder"),
            ));
        }
        let lock_path = root.join(LOCK_FILE);
        if std::fs::symlink_metadata(&lock_path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::io(
                "refusing a symbolic link as lock file",
                &lock_path,
                std::io::Error::other("remove it"),
            ));
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("cannot create lock file", &lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Locked(root.to_path_buf()));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io("cannot lock", &lock_path, e));
            }
        }
        Ok(OutDir {
            root: root.to_path_buf(),
            _lock: lock,
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root/rel` after checking `rel` is a plain relative path (`a/b/c`).
    fn path_of(&self, rel: &str) -> Result<PathBuf> {
        let p = Path::new(rel);
        let plain = !rel.is_empty()
            && p.components().all(|c| matches!(c, Component::Normal(_)))
            && !rel.contains('\\');
        if !plain {
            return Err(Error::io(
                "refusing a path outside the output folder",
                p,
                std::io::Error::other("output paths are relative, without `..`"),
            ));
        }
        Ok(self.root.join(p))
    }

    /// Makes sure every folder of `rel`'s parent exists below the root as a
    /// real folder (not a symlink); creates missing ones.
    fn ensure_parents(&self, rel: &str) -> Result<()> {
        let mut dir = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::io(
                        "a file is in the way of an output folder",
                        &dir,
                        std::io::Error::other("move it away"),
                    ));
                }
                Err(_) => match std::fs::create_dir(&dir) {
                    Ok(()) => {}
                    // Another worker made it in the meantime.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink())
                        {
                            return Err(Error::Symlink(dir));
                        }
                    }
                    Err(e) => return Err(Error::io("cannot create folder", &dir, e)),
                },
            }
        }
        Ok(())
    }

    /// Writes `bytes` to `root/rel` atomically; never through a symlink.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<Written> {
        let path = self.path_of(rel)?;
        self.ensure_parents(rel)?;
        replace_file(&path, bytes)
    }

    /// Writes `bytes` to a temporary sibling of `root/rel`, not yet flushed
    /// nor in place: [`OutDir::commit`] does both for many files at once.
    /// `None` when the file already holds these bytes (nothing to do).
    /// Refuses what [`OutDir::write`] refuses. Until the commit, `root/rel`
    /// keeps its old bytes; a killed build leaves the temporary file, which
    /// the next build removes.
    pub fn stage(&self, rel: &str, bytes: &[u8]) -> Result<Option<Staged>> {
        let path = self.path_of(rel)?;
        self.ensure_parents(rel)?;
        stage_at(path, bytes)
    }

    /// [`OutDir::stage`] of several files, in order; the folders of files
    /// in the same folder as the file before are checked (and made) once
    /// (a clinic's three files: one check of `clinics/KEY/` instead of
    /// three). Stops at the first error; the files staged before it are
    /// dropped with it (their temporary files removed).
    pub fn stage_all<'b>(
        &self,
        files: impl IntoIterator<Item = (&'b str, &'b [u8])>,
    ) -> Result<Vec<Staged>> {
        let mut staged = Vec::new();
        let mut checked: Option<&str> = None;
        for (rel, bytes) in files {
            let path = self.path_of(rel)?;
            let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
            if checked != Some(folder) {
                self.ensure_parents(rel)?;
                checked = Some(folder);
            }
            staged.extend(stage_at(path, bytes)?);
        }
        Ok(staged)
    }

    /// Makes the staged files durable together, then renames each over its
    /// target: one `syncfs` of the output's file system on Linux (elsewhere
    /// an `fsync` of each). Returns one result per staged file, in order. When
    /// the flush fails, nothing is renamed and every temporary file is
    /// removed, so every target keeps its old bytes; a failed rename leaves
    /// that target as it was and the others renamed.
    pub fn commit(&self, staged: Vec<Staged>) -> Vec<Result<()>> {
        if staged.is_empty() {
            return Vec::new();
        }
        if let Err(e) = self.flush(&staged) {
            // Dropping them removes the temporary files.
            return staged
                .iter()
                .map(|s| {
                    let e = std::io::Error::new(e.kind(), e.to_string());
                    Err(Error::io("cannot write", &s.path, e))
                })
                .collect();
        }
        staged
            .into_iter()
            .map(|mut s| {
                std::fs::rename(&s.tmp, &s.path)
                    .map_err(|e| Error::io("cannot write", &s.path, e))?;
                s.tmp = PathBuf::new();
                Ok(())
            })
            .collect()
    }

    /// Puts the staged files' bytes on the disk before any is renamed.
    #[cfg(target_os = "linux")]
    fn flush(&self, _staged: &[Staged]) -> std::io::Result<()> {
        // The lock file is on the output's file system: its syncfs flushes
        // every staged file (and their folders) with one request.
        rustix::fs::syncfs(&self._lock).map_err(std::io::Error::from)
    }

    /// Puts the staged files' bytes on the disk before any is renamed.
    #[cfg(not(target_os = "linux"))]
    fn flush(&self, staged: &[Staged]) -> std::io::Result<()> {
        staged
            .iter()
            .try_for_each(|s| std::fs::File::open(&s.tmp)?.sync_all())
    }

    /// Writes `root/rel` atomically from `fill`, which writes the content
    /// piece by piece (a dashboard or manifest of 100,000 clinics need not be
    /// held in memory). When the new content equals the file's, the file is
    /// left untouched ([`Written::Unchanged`]); never through a symlink.
    pub fn write_streamed(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<Written> {
        let path = self.path_of(rel)?;
        self.ensure_parents(rel)?;
        refuse_symlink(&path)?;
        let mut same = false;
        via_temp_if(&path, |f, tmp| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut *f);
            fill(&mut w)?;
            w.flush().map_err(|e| Error::io("cannot write", &path, e))?;
            drop(w);
            same = same_bytes(tmp, &path);
            Ok(!same)
        })?;
        Ok(if same {
            Written::Unchanged
        } else {
            Written::Changed
        })
    }

    /// Size of the regular file `root/rel`, if it is one and no folder on
    /// the way is a symlink.
    pub fn file_len(&self, rel: &str) -> Option<u64> {
        let path = self.path_of(rel).ok()?;
        if !self.parents_are_real(rel) {
            return None;
        }
        let m = std::fs::symlink_metadata(path).ok()?;
        m.is_file().then_some(m.len())
    }

    fn parents_are_real(&self, rel: &str) -> bool {
        let mut dir = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        parts[..parts.len().saturating_sub(1)].iter().all(|part| {
            dir.push(part);
            std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir())
        })
    }

    /// Removes the regular file `root/rel` (a file tebiki wrote earlier).
    /// A symlink, or a file reached through a symlinked folder, is left
    /// alone. Empty folders on the way up are removed too.
    pub fn remove(&self, rel: &str) -> Removed {
        let Ok(path) = self.path_of(rel) else {
            return Removed::Refused;
        };
        if !self.parents_are_real(rel) {
            return Removed::Refused;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Removed::Refused,
            Err(_) => return Removed::Missing,
        }
        if std::fs::remove_file(&path).is_err() {
            return Removed::Refused;
        }
        let mut dir = path.parent().map(Path::to_path_buf);
        while let Some(d) = dir {
            // Fails (and is meant to) when the folder is not empty.
            if d == self.root || std::fs::remove_dir(&d).is_err() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Removed::Removed
    }

    /// Walks the folder without following links: removes temporary files of
    /// killed runs and returns every other file's relative path (`a/b`),
    /// except the lock and the manifest.
    pub fn sweep(&self) -> Sweep {
        self.sweep_where(|_| true)
    }

    /// [`OutDir::sweep`], returning only the files `keep` accepts (a build
    /// keeps those its last manifest does not record, not 300,000 paths).
    /// Temporary files of this very process (a build's spool) stay.
    pub fn sweep_where(&self, keep: impl Fn(&str) -> bool) -> Sweep {
        let own = format!("{TMP_MARK}{}", std::process::id());
        let mut sweep = Sweep::default();
        for e in walkdir::WalkDir::new(&self.root)
            .min_depth(1)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if e.file_type().is_dir() {
                continue;
            }
            let Some(rel) = rel_slash_path(&self.root, e.path()) else {
                continue;
            };
            let name = e.file_name().to_string_lossy();
            if e.file_type().is_file() && is_temp_name(&name) {
                if name.ends_with(&own) {
                    continue;
                }
                if std::fs::remove_file(e.path()).is_ok() {
                    sweep.temp_removed += 1;
                }
                continue;
            }
            if rel == LOCK_FILE || rel == crate::manifest::MANIFEST_FILE || !keep(&rel) {
                continue;
            }
            sweep.files.push(rel);
        }
        sweep.files.sort();
        sweep
    }
}

/// `path` relative to `root` with `/` between its parts (`clinics/a/index.html`),
/// as manifests and site file maps name files; `None` when `path` is not under `root`.
pub fn rel_slash_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// What [`OutDir::remove`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// Deleted.
    Removed,
    /// Already gone.
    Missing,
    /// Left alone: a symlink, not a regular file, or behind a symlink.
    Refused,
}

/// What [`OutDir::sweep`] found.
#[derive(Debug, Clone, Default)]
pub struct Sweep {
    /// Temporary files of killed runs that were removed.
    pub temp_removed: usize,
    /// Every other file (relative, `/`-separated, sorted).
    pub files: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_slashes_and_stay_under_the_root() {
        let root = Path::new("/o");
        assert_eq!(
            rel_slash_path(root, Path::new("/o/clinics/a/index.html")).as_deref(),
            Some("clinics/a/index.html")
        );
        assert_eq!(rel_slash_path(root, Path::new("/other/x")), None);
    }

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

    #[test]
    fn temp_names() {
        assert!(is_temp_name(".index.html.tmp-123"));
        assert!(!is_temp_name("index.html.tmp-123"));
        assert!(!is_temp_name(".index.html.tmp-"));
        assert!(!is_temp_name(".notes.tmp-abc"));
    }

    #[test]
    fn refuses_paths_outside_and_symlinked_folders() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let out = OutDir::open(&d.path().join("out")).unwrap();
        assert!(out.write("../escape.txt", b"x").is_err());
        assert!(out.write("/etc/escape.txt", b"x").is_err());
        std::os::unix::fs::symlink(&outside, out.root().join("linked")).unwrap();
        let err = out.write("linked/f.txt", b"x").unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!outside.join("f.txt").exists());
        // A symlink where a file goes is refused too, and its target kept.
        std::fs::write(outside.join("target.txt"), b"keep").unwrap();
        std::os::unix::fs::symlink(outside.join("target.txt"), out.root().join("f.txt")).unwrap();
        assert!(out.write("f.txt", b"new").is_err());
        assert_eq!(out.remove("f.txt"), Removed::Refused);
        assert_eq!(out.remove("linked/target.txt"), Removed::Refused);
        assert_eq!(std::fs::read(outside.join("target.txt")).unwrap(), b"keep");
    }

    /// A clinic's files staged together: their folder made once, each file
    /// staged (not yet in place), one holding its bytes already skipped,
    /// and a file in another folder behind a symbolic link refused as
    /// [`OutDir::stage`] refuses it, the temporary files staged before it
    /// removed.
    #[test]
    fn files_staged_together_check_each_folder_and_refuse_a_symlinked_one() {
        let d = tempfile::tempdir().unwrap();
        let out = OutDir::open(&d.path().join("out")).unwrap();
        out.write("clinics/k/sheet.pdf", b"same").unwrap();
        let staged = out
            .stage_all([
                ("clinics/k/index.html", &b"page"[..]),
                ("clinics/k/guide.pdf", &b"pdf"[..]),
                ("clinics/k/sheet.pdf", &b"same"[..]),
            ])
            .unwrap();
        assert_eq!(staged.len(), 2);
        assert!(!out.root().join("clinics/k/index.html").exists());
        assert_eq!(temps(out.root()).len(), 2);
        for r in out.commit(staged) {
            r.unwrap();
        }
        assert_eq!(
            std::fs::read(out.root().join("clinics/k/guide.pdf")).unwrap(),
            b"pdf"
        );
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, out.root().join("clinics/linked")).unwrap();
        let err = out
            .stage_all([
                ("clinics/new/index.html", &b"page"[..]),
                ("clinics/linked/guide.pdf", &b"pdf"[..]),
            ])
            .unwrap_err()
            .to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(std::fs::read_dir(&outside).unwrap().next().is_none());
        assert!(temps(out.root()).is_empty());
        // A path out of the folder is refused as by `stage`.
        assert!(out.stage_all([("../x.pdf", &b"x"[..])]).is_err());
    }

    #[test]
    fn second_lock_is_refused_until_released() {
        let d = tempfile::tempdir().unwrap();
        let first = OutDir::open(d.path()).unwrap();
        let err = OutDir::open(d.path()).unwrap_err().to_string();
        assert!(err.contains("another tebiki build"), "{err}");
        drop(first);
        assert!(OutDir::open(d.path()).is_ok());
    }

    /// Every temporary file below `dir`.
    fn temps(dir: &Path) -> Vec<PathBuf> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| is_temp_name(&e.file_name().to_string_lossy()))
            .map(|e| e.path().to_path_buf())
            .collect()
    }

    #[test]
    fn a_chunk_is_in_place_only_after_its_commit_and_a_failed_file_spares_the_rest() {
        let d = tempfile::tempdir().unwrap();
        let out = OutDir::open(d.path()).unwrap();
        out.write("a/one.pdf", b"old one").unwrap();
        out.write("b/two.pdf", b"old two").unwrap();
        out.write("c/three.pdf", b"old three").unwrap();
        let outside = d.path().join("outside.txt");
        std::fs::write(&outside, b"keep").unwrap();
        std::os::unix::fs::symlink(&outside, d.path().join("c/link.pdf")).unwrap();

        let mut staged = Vec::new();
        staged.extend(out.stage("a/one.pdf", b"new one").unwrap());
        staged.extend(out.stage("b/two.pdf", b"new two").unwrap());
        staged.extend(out.stage("c/three.pdf", b"new three").unwrap());
        staged.extend(out.stage("d/four.pdf", b"new four").unwrap());
        // A file that already holds its bytes is not staged at all.
        assert!(out.stage("a/one.pdf", b"old one").unwrap().is_none());
        // A write that fails while staging (a symlink where the file goes)
        // leaves the staged ones alone.
        assert!(out.stage("c/link.pdf", b"x").is_err());
        assert_eq!(staged.len(), 4);
        // Nothing is in place before the commit.
        assert_eq!(
            std::fs::read(d.path().join("a/one.pdf")).unwrap(),
            b"old one"
        );
        assert!(!d.path().join("d/four.pdf").exists());
        assert_eq!(temps(d.path()).len(), 4);
        // One file's write is lost before the commit (its rename fails).
        std::fs::remove_file(&staged[2].tmp).unwrap();

        let results = out.commit(staged);
        assert!(results[0].is_ok() && results[1].is_ok() && results[3].is_ok());
        let err = results[2].as_ref().unwrap_err().to_string();
        assert!(err.contains("three.pdf"), "{err}");
        assert_eq!(
            std::fs::read(d.path().join("a/one.pdf")).unwrap(),
            b"new one"
        );
        assert_eq!(
            std::fs::read(d.path().join("b/two.pdf")).unwrap(),
            b"new two"
        );
        assert_eq!(
            std::fs::read(d.path().join("d/four.pdf")).unwrap(),
            b"new four"
        );
        // The failed file keeps its old bytes, whole.
        assert_eq!(
            std::fs::read(d.path().join("c/three.pdf")).unwrap(),
            b"old three"
        );
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
        assert!(temps(d.path()).is_empty(), "{:?}", temps(d.path()));
    }

    #[test]
    fn a_staged_file_never_committed_leaves_the_old_file_and_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let out = OutDir::open(d.path()).unwrap();
        out.write("a/one.pdf", b"old").unwrap();
        let staged = out.stage("a/one.pdf", b"new").unwrap().unwrap();
        assert_eq!(staged.path(), d.path().join("a/one.pdf"));
        drop(staged);
        assert_eq!(std::fs::read(d.path().join("a/one.pdf")).unwrap(), b"old");
        assert!(temps(d.path()).is_empty());
        assert!(out.commit(Vec::new()).is_empty());
    }

    #[test]
    fn sweep_removes_temp_files_only() {
        let d = tempfile::tempdir().unwrap();
        let out = OutDir::open(d.path()).unwrap();
        out.write("clinics/a/index.html", b"x").unwrap();
        std::fs::write(d.path().join("clinics/a/.index.html.tmp-99999"), b"half").unwrap();
        std::fs::write(d.path().join("notes.txt"), b"mine").unwrap();
        let s = out.sweep();
        assert_eq!(s.temp_removed, 1);
        assert_eq!(s.files, vec!["clinics/a/index.html", "notes.txt"]);
    }
}
