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

    /// The parts of `now` that differ from these (the last build's): why
    /// every clinic is rendered again.
    pub fn changed(&self, now: &Inputs) -> Vec<&'static str> {
        [
            ("tebiki version", &self.tebiki, &now.tebiki),
            ("tebiki program", &self.program, &now.program),
            ("content", &self.content, &now.content),
            ("theme", &self.theme, &now.theme),
            ("settings", &self.config, &now.config),
            ("date (--today)", &self.today, &now.today),
        ]
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, _, _)| name)
        .collect()
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

/// A remark on one value of the clinic's data, as in the handout's
/// データの確認事項 (a value normalised, an ID the line does not use …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataNote {
    /// warning or info (a data error leaves the clinic without a guide).
    pub severity: Severity,
    /// Field path (`line.customer_id`).
    pub field: String,
    /// What the handout says about it.
    pub message: String,
    /// Only how the value was written was tidied (full-width digits,
    /// separators): read right, nothing to do.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tidy: bool,
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

    /// The entry for a file of `len` bytes at `path` whose SHA-256 its
    /// writer computed already (a PDF hashes itself as it is written).
    pub fn hashed(path: String, len: usize, sha256: &[u8; 32]) -> FileEntry {
        FileEntry {
            path,
            bytes: len as u64,
            sha256: hex(sha256),
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
    /// Institution code as printed (as read, for a code the check refused).
    pub code: String,
    /// A refused institution code as typed, when that differs from `code`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code_typed: String,
    /// Prefecture.
    pub prefecture: String,
    /// The documents the clinic's guide holds (its title's `{documents}`),
    /// when content has a manual for only some clinics (`when:`); else
    /// empty: every clinic gets every manual.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub documents: String,
    /// Installation date, if known.
    pub installation: String,
    /// The installation date as `YYYY-MM-DD` (for sorting by days left).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installation_date: String,
    /// An installation date that could not be read, as typed (`installation`
    /// is then empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installation_typed: String,
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
    /// Remarks on the data, counted in `errors`/`warnings` like findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataNote>,
    /// Warnings of the PDF typesetter, repeated on later builds that skip it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// SHA-256 over [`Inputs::hash`] and the clinic's own record.
    pub input_hash: String,
    /// Files written for this clinic.
    pub files: Vec<FileEntry>,
    /// What changed since the last build into the same folder (empty on a
    /// first build and when nothing did), for the dashboard.
    #[serde(default, skip_serializing_if = "Since::is_empty")]
    pub since: Since,
}

/// What changed for one clinic since the last build into the same output
/// folder: the vendor fixes a value, builds again and sees on the dashboard
/// that the warning is gone and the handout was written again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Since {
    /// The last build had no record of this clinic.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first: bool,
    /// Whether the last build wrote its guide, when that differs from this
    /// build (`false`: it got a guide now, `true`: it has none now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_built: Option<bool>,
    /// Its guide, handout or sheet is not the last build's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub updated: bool,
    /// Errors and warnings (rules and data) of the last build that this
    /// one no longer has; a data remark's `rule` is its field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<Finding>,
    /// Errors and warnings this build has and the last did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new: Vec<Finding>,
}

impl Since {
    /// Nothing changed (or there was no last build).
    pub fn is_empty(&self) -> bool {
        *self == Since::default()
    }

    /// What changed from `prev` (the last build's record of the clinic, or
    /// `None` when it had none) to `now`. `unread`: this build could not read
    /// the clinic's record at all (a syntax error), so none of the last
    /// build's findings is known to be resolved; only the errors are new.
    pub fn between(prev: Option<&PrevClinic>, now: &ClinicEntry, unread: bool) -> Since {
        let Some(prev) = prev else {
            return Since {
                first: true,
                ..Since::default()
            };
        };
        let built = now.status == Status::Built;
        let marks = Mark::of(now);
        let missing = |from: &[Mark], to: &[Mark]| -> Vec<Finding> {
            from.iter()
                .filter(|m| !to.iter().any(|t| t.same(m)))
                .map(Mark::finding)
                .collect()
        };
        Since {
            first: false,
            was_built: (prev.built != built).then_some(prev.built),
            updated: built
                && (now.files.len() != prev.files.len()
                    || now.files.iter().any(|f| {
                        !prev
                            .files
                            .iter()
                            .any(|p| *p.path == *f.path && p.sha256 == unhex32(&f.sha256))
                    })),
            resolved: if unread {
                Vec::new()
            } else {
                missing(&prev.marks, &marks)
            },
            new: missing(&marks, &prev.marks),
        }
    }
}

/// An error or warning of one build, as the next build compares it: a
/// rule's finding by its rule, a data remark by its field and words (a
/// remark about another value is another remark).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    severity: Severity,
    /// Rule id, or the data remark's field.
    id: Box<str>,
    /// The data remark's words (empty for a rule).
    words: Box<str>,
    /// The headline shown.
    title: Box<str>,
}

/// One error or warning of a [`ClinicEntry`] that asks for something: a
/// rule's finding or a remark on the data (not a routine note, not a value
/// only tidied).
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// error or warning.
    pub severity: Severity,
    /// Rule id, or the data remark's field.
    pub id: &'a str,
    /// The headline (a data remark's words).
    pub title: &'a str,
    /// A remark on the data (else a rule's finding).
    pub data: bool,
}

impl ClinicEntry {
    /// Its errors and warnings that ask for something: the rules' findings
    /// in guide order, then the data's remarks.
    pub fn asks(&self) -> impl Iterator<Item = Ask<'_>> {
        let rules = self
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| Ask {
                severity: f.severity,
                id: &f.rule,
                title: &f.title,
                data: false,
            });
        let data = self
            .data
            .iter()
            .filter(|d| d.severity != Severity::Info && !d.tidy)
            .map(|d| Ask {
                severity: d.severity,
                id: &d.field,
                title: &d.message,
                data: true,
            });
        rules.chain(data)
    }
}

impl Mark {
    /// The errors and warnings of `e` (its routine notes and the values
    /// only tidied are not compared: they ask for nothing).
    fn of(e: &ClinicEntry) -> Vec<Mark> {
        e.asks()
            .map(|a| Mark {
                severity: a.severity,
                id: a.id.into(),
                words: if a.data { a.title } else { "" }.into(),
                title: a.title.into(),
            })
            .collect()
    }

    fn same(&self, other: &Mark) -> bool {
        self.severity == other.severity && self.id == other.id && self.words == other.words
    }

    fn finding(&self) -> Finding {
        Finding {
            severity: self.severity,
            rule: self.id.to_string(),
            title: self.title.to_string(),
        }
    }
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

/// What an incremental build needs of the last build, read from its
/// manifest without holding the manifest in memory: the shared files, the
/// inputs and, per clinic, a compact record ([`PrevClinic`]). Clinics the
/// caller wants whole (those `--only` leaves as they were) are handed to it
/// while reading.
#[derive(Debug, Default)]
pub struct PrevBuild {
    /// What the last build's guides were computed from.
    pub inputs: Option<Inputs>,
    /// Files not belonging to one clinic (dashboard, help site).
    pub files: Vec<FileEntry>,
    /// Every clinic not taken whole by the caller, by key.
    pub clinics: std::collections::HashMap<Box<str>, PrevClinic>,
}

/// One clinic of the last build, compact: about 300 bytes plus its name
/// and the headlines of its errors and warnings (what the next build's
/// `since` compares), so that the record of 100,000 clinics stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct PrevClinic {
    /// Its guide and handout were written.
    pub built: bool,
    /// SHA-256 of its inputs (all zero when the manifest's was not hex).
    pub input_hash: [u8; 32],
    /// Files written for it.
    pub files: Box<[PrevFile]>,
    /// Warnings of the PDF typesetter.
    pub notes: Box<[String]>,
    /// Its name and institution code (named on the dashboard when the
    /// clinic is gone from this build).
    pub name: Box<str>,
    /// Institution code as printed.
    pub code: Box<str>,
    /// Its errors and warnings (what this build's are compared with).
    pub marks: Box<[Mark]>,
    /// Where its record was read (`file:line:column`): a record that is a
    /// whole file (`…:1:1`) keeps its history when its key changes (a file
    /// that could not be read is keyed by its name, not its code).
    pub source: Box<str>,
}

/// A file of [`PrevClinic`].
#[derive(Debug, Clone, PartialEq)]
pub struct PrevFile {
    /// Path relative to the output folder.
    pub path: Box<str>,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the bytes.
    pub sha256: [u8; 32],
}

impl PrevFile {
    /// The manifest entry again.
    pub fn entry(&self) -> FileEntry {
        FileEntry {
            path: self.path.to_string(),
            bytes: self.bytes,
            sha256: hex(&self.sha256),
        }
    }
}

impl PrevClinic {
    fn of(e: ClinicEntry) -> PrevClinic {
        PrevClinic {
            marks: Mark::of(&e).into_boxed_slice(),
            source: e.source.into_boxed_str(),
            name: e.name.into_boxed_str(),
            code: e.code.into_boxed_str(),
            built: e.status == Status::Built,
            input_hash: unhex32(&e.input_hash),
            files: e
                .files
                .into_iter()
                .map(|f| PrevFile {
                    path: f.path.into_boxed_str(),
                    bytes: f.bytes,
                    sha256: unhex32(&f.sha256),
                })
                .collect(),
            notes: e.notes.into_boxed_slice(),
        }
    }

    /// True when `hash` (lower-case hex, as in [`ClinicEntry::input_hash`])
    /// is this clinic's input hash.
    pub fn same_inputs(&self, hash: &str) -> bool {
        self.input_hash != [0; 32] && unhex32(hash) == self.input_hash
    }
}

impl PrevBuild {
    /// Reads the manifest at `path` ([`PrevBuild::read`]): `Ok(None)` when
    /// there is none, `Err` with the reason when it cannot be used (not a
    /// regular file, larger than `limit` bytes, not JSON of this format).
    pub fn open(
        path: &std::path::Path,
        limit: u64,
        take: &mut dyn FnMut(ClinicEntry) -> Option<ClinicEntry>,
    ) -> Result<Option<PrevBuild>, String> {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return Ok(None);
        };
        if !meta.is_file() {
            return Err("not a regular file".into());
        }
        if meta.len() > limit {
            return Err(format!(
                "it is too large: {} bytes, the limit is {limit} bytes",
                meta.len()
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        PrevBuild::read(file, limit, take).map(Some)
    }

    /// Reads a manifest from `r` (of at most `limit` bytes), clinic by
    /// clinic: each is offered to `take` first, and kept compact when
    /// `take` gives it back. The error says why the manifest cannot be used.
    pub fn read(
        r: impl std::io::Read,
        limit: u64,
        take: &mut dyn FnMut(ClinicEntry) -> Option<ClinicEntry>,
    ) -> Result<PrevBuild, String> {
        let reader = std::io::BufReader::with_capacity(1 << 16, r.take(limit + 1));
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut prev = PrevBuild::default();
        serde::de::DeserializeSeed::deserialize(
            TopSeed {
                prev: &mut prev,
                take,
            },
            &mut de,
        )
        .map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(prev)
    }

    /// Every file path the last build recorded.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.path.as_str()).chain(
            self.clinics
                .values()
                .flat_map(|c| c.files.iter().map(|f| &*f.path)),
        )
    }

    /// True when the last build wrote `path` (relative, `/`-separated).
    pub fn records(&self, path: &str) -> bool {
        if self.files.iter().any(|f| f.path == path) {
            return true;
        }
        let key = path
            .strip_prefix("clinics/")
            .and_then(|rest| rest.split_once('/'))
            .map(|(k, _)| k);
        key.and_then(|k| self.clinics.get(k))
            .is_some_and(|c| c.files.iter().any(|f| &*f.path == path))
    }
}

/// The whole manifest, fields in any order; the format is checked as soon
/// as it is read (the writer puts it first).
struct TopSeed<'a> {
    prev: &'a mut PrevBuild,
    take: &'a mut dyn FnMut(ClinicEntry) -> Option<ClinicEntry>,
}

impl<'de> serde::de::DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for TopSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a tebiki manifest (a JSON object)")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let mut format = None;
        let mut clinics = false;
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "format" => {
                    let f: Option<u32> = map.next_value()?;
                    if f != Some(FORMAT) {
                        return Err(A::Error::custom(format!(
                            "format {f:?}, this tebiki reads format {FORMAT}"
                        )));
                    }
                    format = f;
                }
                "inputs" => self.prev.inputs = Some(map.next_value()?),
                "shard" => {
                    let _: Option<Shard> = map.next_value()?;
                }
                "files" => self.prev.files = map.next_value()?,
                "clinics" => {
                    map.next_value_seed(ClinicsSeed {
                        prev: &mut *self.prev,
                        take: &mut *self.take,
                    })?;
                    clinics = true;
                }
                other => return Err(A::Error::unknown_field(other, FIELDS)),
            }
        }
        if format.is_none() {
            return Err(A::Error::missing_field("format"));
        }
        if self.prev.inputs.is_none() {
            return Err(A::Error::missing_field("inputs"));
        }
        if !clinics {
            return Err(A::Error::missing_field("clinics"));
        }
        Ok(())
    }
}

const FIELDS: &[&str] = &["format", "inputs", "shard", "clinics", "files"];

struct ClinicsSeed<'a> {
    prev: &'a mut PrevBuild,
    take: &'a mut dyn FnMut(ClinicEntry) -> Option<ClinicEntry>,
}

impl<'de> serde::de::DeserializeSeed<'de> for ClinicsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ClinicsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of clinics")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(e) = seq.next_element::<ClinicEntry>()? {
            if let Some(e) = (self.take)(e) {
                let key = e.key.clone().into_boxed_str();
                self.prev.clinics.insert(key, PrevClinic::of(e));
            }
        }
        Ok(())
    }
}

/// The 32 bytes of a 64-digit hex string; all zero when it is not one.
fn unhex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let b = s.as_bytes();
    if b.len() != 64 {
        return [0; 32];
    }
    for (i, pair) in b.chunks_exact(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => out[i] = (h * 16 + l) as u8,
            _ => return [0; 32],
        }
    }
    out
}

/// The clinic entries of a running build, spooled to a temporary file in
/// the output folder as they arrive, so that memory does not grow with the
/// number of clinics: in memory only a small [`Slot`] per clinic (key, where
/// its line is, what the dashboard sorts by). The file is removed when the
/// spool is dropped (and by the next build's sweep if the process died).
#[derive(Debug)]
pub struct Spool {
    path: std::path::PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    end: u64,
    /// One per clinic, in the order they were pushed (or as last sorted).
    pub slots: Vec<Slot>,
}

/// Where one clinic's entry is in the [`Spool`], and what sorts it.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Output key.
    pub key: Box<str>,
    off: u64,
    len: u32,
    /// Its guide is in the folder.
    pub built: bool,
    /// Dashboard order: 0 no guide, 1 errors, 2 warnings, 3 nothing to do.
    pub rank: u8,
    /// Days left to installation, if known.
    pub days: Option<i64>,
    /// Institution code as printed.
    pub code: Box<str>,
    /// Something changed since the last build ([`ClinicEntry::since`]).
    pub changed: bool,
}

impl Spool {
    /// A new spool in `dir` (a temporary file named like the writer's).
    pub fn create(dir: &std::path::Path) -> std::io::Result<Spool> {
        let path = dir.join(format!(".manifest-clinics.tmp-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(Spool {
            path,
            file: std::io::BufWriter::with_capacity(1 << 16, file),
            end: 0,
            slots: Vec::new(),
        })
    }

    /// Appends `e` (as one line of HTML-safe JSON) with its dashboard order.
    pub fn push(&mut self, e: &ClinicEntry, rank: u8, days: Option<i64>) -> std::io::Result<()> {
        use std::io::Write as _;
        let line = json(e)?;
        let len = u32::try_from(line.len()).map_err(std::io::Error::other)?;
        self.file.write_all(&line)?;
        self.slots.push(Slot {
            key: e.key.as_str().into(),
            off: self.end,
            len,
            built: e.status == Status::Built,
            rank,
            days,
            code: e.code.as_str().into(),
            changed: !e.since.is_empty(),
        });
        self.end += u64::from(len);
        Ok(())
    }

    /// Forgets every entry pushed so far.
    pub fn clear(&mut self) -> std::io::Result<()> {
        use std::io::{Seek as _, Write as _};
        self.file.flush()?;
        self.file.get_mut().set_len(0)?;
        self.file.get_mut().seek(std::io::SeekFrom::Start(0))?;
        self.slots.clear();
        self.end = 0;
        Ok(())
    }

    /// The JSON line of `slot` (as written: HTML-safe, without newline).
    pub fn line(&mut self, slot: &Slot) -> std::io::Result<Vec<u8>> {
        use std::io::Write as _;
        self.file.flush()?;
        let mut buf = vec![0; slot.len as usize];
        read_at(self.file.get_ref(), &mut buf, slot.off, self.end)?;
        Ok(buf)
    }

    /// The entry of `slot`, read back.
    pub fn entry(&mut self, slot: &Slot) -> std::io::Result<ClinicEntry> {
        serde_json::from_slice(&self.line(slot)?).map_err(std::io::Error::other)
    }

    /// Sorts the slots by key (the manifest's order).
    pub fn sort_by_key(&mut self) {
        self.slots.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// The slot of `key` once sorted by key.
    pub fn find(&self, key: &str) -> Option<&Slot> {
        self.slots
            .binary_search_by(|s| (*s.key).cmp(key))
            .ok()
            .map(|i| &self.slots[i])
    }
}

/// Fills `buf` from `f` at `off`, leaving the file's position at `end`
/// (where the spool appends): one positioned read on Unix (the dashboard
/// and the manifest read every clinic's line, at the end of the build, on
/// one thread), a seek there and back elsewhere.
#[cfg(unix)]
fn read_at(f: &std::fs::File, buf: &mut [u8], off: u64, _end: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}

#[cfg(not(unix))]
fn read_at(mut f: &std::fs::File, buf: &mut [u8], off: u64, end: u64) -> std::io::Result<()> {
    use std::io::{Read as _, Seek as _};
    f.seek(std::io::SeekFrom::Start(off))?;
    f.read_exact(buf)?;
    f.seek(std::io::SeekFrom::Start(end))?;
    Ok(())
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Writes a manifest to `w`: compact JSON with one clinic per line
/// (diffable, greppable) and still one JSON document of the documented
/// shape. `clinics` yields each clinic's line as made by [`entry_line`] (or
/// [`Spool::line`]), sorted by key.
pub fn write_to(
    w: &mut dyn std::io::Write,
    inputs: &Inputs,
    shard: Option<Shard>,
    clinics: &mut dyn Iterator<Item = std::io::Result<Vec<u8>>>,
    files: &[FileEntry],
) -> std::io::Result<()> {
    w.write_all(format!("{{\n  \"format\": {FORMAT},\n  \"inputs\": ").as_bytes())?;
    w.write_all(&json(inputs)?)?;
    if let Some(s) = shard {
        w.write_all(b",\n  \"shard\": ")?;
        w.write_all(&json(&s)?)?;
    }
    w.write_all(b",\n  \"clinics\": [")?;
    let mut first = true;
    for line in clinics {
        w.write_all(if first { b"\n    " } else { b",\n    " })?;
        w.write_all(&line?)?;
        first = false;
    }
    w.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    w.write_all(b"  \"files\": [")?;
    for (i, f) in files.iter().enumerate() {
        w.write_all(b"\n    ")?;
        w.write_all(&json(f)?)?;
        if i + 1 < files.len() {
            w.write_all(b",")?;
        }
    }
    w.write_all(if files.is_empty() { b"]" } else { b"\n  ]" })?;
    w.write_all(b"\n}\n")
}

/// One clinic's line of the manifest (HTML-safe JSON).
pub fn entry_line(e: &ClinicEntry) -> std::io::Result<Vec<u8>> {
    json(e)
}

fn json<T: Serialize>(v: &T) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec(v)
        .map(html_safe_json)
        .map_err(std::io::Error::other)
}

/// Escapes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`: clinic names
/// are untrusted, and a JSON file sniffed or embedded as HTML must not carry
/// markup. JSON syntax never uses these bytes outside strings, so the
/// replacement keeps the document's meaning.
pub fn html_safe_json(buf: Vec<u8>) -> Vec<u8> {
    if !buf.iter().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return buf;
    }
    let mut out = Vec::with_capacity(buf.len() + 64);
    for b in buf {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
    out
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

    #[test]
    fn manifest_json_carries_no_markup_and_keeps_its_meaning() {
        let v = serde_json::json!({"name": "<script>&\"x\"</script>"});
        let safe = html_safe_json(serde_json::to_vec(&v).unwrap());
        let text = String::from_utf8(safe.clone()).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back, v);
    }

    fn entry(key: &str, hash_byte: u8) -> ClinicEntry {
        ClinicEntry {
            key: key.into(),
            name: format!("<b>{key}</b> & co"),
            code: key.into(),
            code_typed: String::new(),
            prefecture: "東京都".into(),
            documents: String::new(),
            installation: String::new(),
            installation_date: String::new(),
            installation_typed: String::new(),
            source: "c.csv:2".into(),
            status: Status::Built,
            failure: String::new(),
            errors: 0,
            warnings: 0,
            findings: Vec::new(),
            data: Vec::new(),
            notes: vec!["a note".into()],
            input_hash: hex(&[hash_byte; 32]),
            files: vec![FileEntry::of(format!("clinics/{key}/guide.pdf"), b"%PDF")],
            since: Since::default(),
        }
    }

    /// Entries read back between pushes (the dashboard reads while the
    /// spool is still appended to, as `--only` keeps do) are the entries
    /// pushed, and a push after a read lands after the last entry.
    #[test]
    fn a_spool_reads_back_between_pushes_and_appends_at_its_end() {
        let d = tempfile::tempdir().unwrap();
        let mut spool = Spool::create(d.path()).unwrap();
        spool.push(&entry("b", 2), 3, Some(5)).unwrap();
        let first = spool.slots[0].clone();
        assert_eq!(spool.entry(&first).unwrap().key, "b");
        spool.push(&entry("a", 1), 1, None).unwrap();
        assert_eq!(spool.entry(&first).unwrap().key, "b");
        spool.push(&entry("c", 3), 4, None).unwrap();
        spool.sort_by_key();
        let keys: Vec<String> = spool
            .slots
            .clone()
            .iter()
            .map(|s| spool.entry(s).unwrap().key)
            .collect();
        assert_eq!(keys, ["a", "b", "c"]);
        let c = spool.find("c").unwrap().clone();
        assert_eq!(spool.line(&c).unwrap(), entry_line(&entry("c", 3)).unwrap());
    }

    fn sample() -> (Inputs, Vec<u8>) {
        let inputs = Inputs {
            tebiki: "0.1.0".into(),
            program: "p".into(),
            content: "c".into(),
            theme: "t".into(),
            config: "s".into(),
            today: "2026-11-24".into(),
            hash: String::new(),
        }
        .seal();
        let clinics = [entry("a", 1), entry("b", 2), entry("c", 3)];
        let mut lines = clinics.iter().map(entry_line);
        let files = [FileEntry::of("clinics/index.html".into(), b"<html>")];
        let mut buf = Vec::new();
        write_to(&mut buf, &inputs, None, &mut lines, &files).unwrap();
        (inputs, buf)
    }

    #[test]
    fn the_last_build_is_read_compactly_and_whole_where_asked() {
        let (inputs, buf) = sample();
        // The written manifest is the documented document, markup escaped.
        let whole = Manifest::parse(std::str::from_utf8(&buf).unwrap()).unwrap();
        assert_eq!(whole.clinics.len(), 3);
        assert!(!String::from_utf8_lossy(&buf).contains('<'));
        let mut taken = Vec::new();
        let prev = PrevBuild::read(&buf[..], 1 << 20, &mut |e| {
            if e.key == "b" {
                taken.push(e);
                None
            } else {
                Some(e)
            }
        })
        .unwrap();
        assert_eq!(prev.inputs.as_ref(), Some(&inputs));
        assert_eq!(taken, vec![whole.clinics[1].clone()], "b handed over whole");
        assert_eq!(prev.clinics.len(), 2);
        let a = &prev.clinics["a"];
        assert!(a.built && a.same_inputs(&hex(&[1; 32])) && !a.same_inputs(&hex(&[2; 32])));
        assert_eq!(a.files[0].entry(), whole.clinics[0].files[0]);
        assert_eq!(&*a.notes, &["a note".to_string()]);
        assert!(prev.records("clinics/a/guide.pdf") && prev.records("clinics/index.html"));
        assert!(
            !prev.records("clinics/b/guide.pdf"),
            "taken whole: not recorded here"
        );
        assert!(!prev.records("clinics/a/other.pdf"));
    }

    #[test]
    fn an_unusable_last_manifest_says_why() {
        let (_, buf) = sample();
        let read = |bytes: &[u8], limit| PrevBuild::read(bytes, limit, &mut Some).map(|_| ());
        assert!(read(&buf[..buf.len() / 2], 1 << 20).is_err(), "truncated");
        // Read no further than the limit: a longer file is cut, so it fails.
        assert!(read(&buf, 100).is_err());
        let other = String::from_utf8(buf.clone())
            .unwrap()
            .replace("\"format\": 1", "\"format\": 7");
        assert!(
            read(other.as_bytes(), 1 << 20)
                .unwrap_err()
                .contains("format Some(7)")
        );
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(MANIFEST_FILE);
        assert!(
            PrevBuild::open(&path, 1 << 20, &mut Some)
                .unwrap()
                .is_none(),
            "none yet"
        );
        std::fs::write(&path, &buf).unwrap();
        assert!(
            PrevBuild::open(&path, 1 << 20, &mut Some)
                .unwrap()
                .is_some()
        );
        let e = PrevBuild::open(&path, 64, &mut Some).unwrap_err();
        assert!(
            e.contains("too large") && e.contains("limit is 64 bytes"),
            "{e}"
        );
    }

    #[test]
    fn changed_inputs_are_named() {
        let (inputs, _) = sample();
        let mut now = inputs.clone();
        now.theme = "t2".into();
        now.today = "2026-11-25".into();
        assert_eq!(inputs.changed(&now), vec!["theme", "date (--today)"]);
        assert!(inputs.changed(&inputs).is_empty());
    }
}
