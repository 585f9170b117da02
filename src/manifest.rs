//! `OUT/manifest.json`: the record of what a build wrote.
//!
//! Every clinic with its key, status, findings, the hash of its inputs and
//! the files written for it (size and SHA-256); and the shared files
//! (dashboard, help site). The next build reads it to skip clinics whose
//! inputs did not change, to delete only files tebiki itself wrote, and
//! `tebiki merge` joins the manifests of shards. The format is documented by
//! `schema/manifest.schema.json`; [`FORMAT`] changes when it changes
//! incompatibly (a manifest of another format is ignored, never misread).
//!
//! Clinic values are not stored: only what the dashboard shows (name, code,
//! prefecture, installation date, findings) and hashes. Secrets never reach
//! a clinic value, so they cannot reach the manifest either.

use crate::model::Severity;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// File name, relative to the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Version of the format; bumped on incompatible changes.
pub const FORMAT: u32 = 1;

/// The whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`] (described by `schema/manifest.schema.json`).
    pub format: u32,
    /// What the guides were computed from.
    pub inputs: Inputs,
    /// The shard this folder holds, if the build was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Every clinic, sorted by key.
    pub clinics: Vec<ClinicEntry>,
    /// Files not belonging to one clinic (dashboard, help site), sorted by path.
    pub files: Vec<FileEntry>,
}

/// Hashes of everything a clinic's outputs depend on besides its own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// tebiki's version (`tebiki --version`).
    pub tebiki: String,
    /// SHA-256 of the tebiki program itself (a rebuilt program re-renders).
    pub program: String,
    /// SHA-256 over the content folder (manuals, rules, fields, pictures;
    /// clinic data excluded).
    pub content: String,
    /// SHA-256 over the theme folder (templates, styles, fonts).
    pub theme: String,
    /// SHA-256 of the settings that change outputs (help site, headers).
    pub config: String,
    /// The date deadlines were computed for (YYYY-MM-DD).
    pub today: String,
    /// SHA-256 of all of the above: part of every clinic's input hash.
    pub hash: String,
}

impl Inputs {
    /// Fills [`Inputs::hash`] from the other fields.
    pub fn seal(mut self) -> Self {
        let mut h = Sha256::new();
        for part in [
            &self.tebiki,
            &self.program,
            &self.content,
            &self.theme,
            &self.config,
            &self.today,
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        self.hash = hex(&h.finalize());
        self
    }

    /// Same inputs apart from the program's own build (merging shards built
    /// by identical versions on different machines).
    pub fn compatible(&self, other: &Inputs) -> bool {
        (
            &self.tebiki,
            &self.content,
            &self.theme,
            &self.config,
            &self.today,
        ) == (
            &other.tebiki,
            &other.content,
            &other.theme,
            &other.config,
            &other.today,
        )
    }
}

/// One shard of a split build: clinics whose key hashes to `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// 0-based index (Kubernetes' `JOB_COMPLETION_INDEX`).
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `i/n` (0 ≤ i < n).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad =
            || format!("`{s}` is not a shard; write INDEX/COUNT, e.g. 0/4 (indexes count from 0)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 {
            return Err(format!("`{s}`: the number of shards must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "`{s}`: shard indexes count from 0, so the last of {count} is {}/{count}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// True when `key` belongs to this shard (a stable hash: the same on
    /// every machine and in every version of this format).
    pub fn contains(&self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }
}

/// The shard (0-based) of `key` among `count`: the first 8 bytes of the
/// key's SHA-256, big-endian, modulo `count`.
pub fn shard_of(key: &str, count: u32) -> u32 {
    let d = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// What happened to a clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Guide and handout are in the folder.
    Built,
    /// No handout: the data has errors (or rendering failed); see `failure`.
    Failed,
}

/// One finding of a rule, as on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// error, warning or info.
    pub severity: Severity,
    /// Rule id (`content/rules/*.yaml`).
    pub rule: String,
    /// Headline.
    pub title: String,
}

/// A file tebiki wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

impl FileEntry {
    /// The entry for `bytes` written at `path`.
    pub fn of(path: String, bytes: &[u8]) -> FileEntry {
        FileEntry {
            path,
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }
    }
}

/// One clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicEntry {
    /// Output key (folder name under `clinics/`).
    pub key: String,
    /// Clinic name (or the file name when the name is missing).
    pub name: String,
    /// Institution code as printed.
    pub code: String,
    /// Prefecture.
    pub prefecture: String,
    /// Installation date, if known.
    pub installation: String,
    /// The installation date as `YYYY-MM-DD` (for sorting by days left).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installation_date: String,
    /// Where the record was read (file:line).
    pub source: String,
    /// Built or failed.
    pub status: Status,
    /// Why it failed (empty when built).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub failure: String,
    /// Number of errors (rules and data).
    pub errors: usize,
    /// Number of warnings (rules and data).
    pub warnings: usize,
    /// Rule findings, in guide order.
    pub findings: Vec<Finding>,
    /// Warnings of the PDF typesetter, repeated on later builds that skip it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// SHA-256 over [`Inputs::hash`] and the clinic's own record.
    pub input_hash: String,
    /// Files written for this clinic.
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// Reads `text`; `None` with the reason when it is not a manifest of
    /// this format.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        #[derive(Deserialize)]
        struct Probe {
            format: Option<u32>,
        }
        let probe: Probe = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if probe.format != Some(FORMAT) {
            return Err(format!(
                "format {:?}, this tebiki reads format {FORMAT}",
                probe.format
            ));
        }
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Every file path the manifest records.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .chain(self.clinics.iter().flat_map(|c| c.files.iter()))
            .map(|f| f.path.as_str())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// An incremental SHA-256 over length-prefixed parts (so `ab`+`c` and
/// `a`+`bc` differ).
#[derive(Default, Clone)]
pub struct PartHasher(Sha256);

impl PartHasher {
    /// Adds one part.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The hex digest.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_complete() {
        let keys: Vec<String> = (0..1000).map(|i| format!("13{i:08}")).collect();
        for count in [1, 2, 3, 7] {
            let mut seen = 0;
            for index in 0..count {
                let s = Shard { index, count };
                seen += keys.iter().filter(|k| s.contains(k)).count();
            }
            assert_eq!(seen, keys.len());
        }
        // Stable across runs and machines: a fixed key has a fixed shard.
        assert_eq!(shard_of("1311234566", 4), shard_of("1311234566", 4));
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
        assert!(Shard::parse("4/4").unwrap_err().contains("3/4"));
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("a").is_err());
    }

    #[test]
    fn parts_are_length_prefixed() {
        let mut a = PartHasher::default();
        a.part(b"ab").part(b"c");
        let mut b = PartHasher::default();
        b.part(b"a").part(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn other_formats_are_not_misread() {
        assert!(
            Manifest::parse(r#"{"format": 99}"#)
                .unwrap_err()
                .contains("99")
        );
        assert!(Manifest::parse("not json").is_err());
    }
}
