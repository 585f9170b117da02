//! The orchestrator: load → evaluate → render → write, for every clinic.
//!
//! Content errors stop the run (nothing sensible can be rendered); a clinic
//! whose data has errors gets no handout (a wrong handout must not be
//! printed) but the batch goes on and the report says what failed.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::eval::{self, guide::Guide};
use crate::load;
use crate::load::limits::MAX_MANIFEST_FILE;
use crate::manifest::{
    ClinicEntry, DataNote, FileEntry, Finding, Inputs, MANIFEST_FILE, Manifest, PartHasher,
    PrevBuild, PrevClinic, PrevFile, Shard, Spool, Status,
};
use crate::model::clinic::{Clinic, RawValue};
use crate::model::manual::Content;
use crate::model::{Severity, SourcePos};
use crate::render::html::{DashboardRow, Headline, HtmlRenderer};
use crate::render::theme::Theme;
use crate::write::{OutDir, Removed, Staged, Written};
use jiff::civil::Date;
use sha2::Digest as _;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

/// Everything loaded for a run.
pub struct Project {
    /// Manuals, rules, schema.
    pub content: Content,
    /// Clinics that could be read.
    pub clinics: Vec<Clinic>,
    /// Problems found while loading.
    pub diagnostics: Diagnostics,
}

/// Loads content and clinic data. Content errors are returned as [`Error::Invalid`].
pub fn load_project(cfg: &Config) -> Result<Project> {
    let (content, mut diagnostics) = load_checked_content(cfg)?;
    let (clinics, clinic_diags) = load_clinics(&cfg.clinics, &content);
    diagnostics.extend(clinic_diags);
    Ok(Project {
        content,
        clinics,
        diagnostics,
    })
}

/// Loads the content (with the theme's strings and the config's column
/// headers). Content errors are returned as [`Error::Invalid`].
pub fn load_checked_content(cfg: &Config) -> Result<(Content, Diagnostics)> {
    if !cfg.content.is_dir() {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(
                SourcePos::new(std::sync::Arc::new(cfg.content.clone()), 0, 0),
                "content folder not found",
            )
            .with_help("run tebiki from the project folder or pass --content DIR"),
        );
        return Err(Error::Invalid(d));
    }
    let (mut content, mut diagnostics) = load::load_content(&cfg.content);
    content.strings = std::sync::Arc::new(Theme::new(Some(&cfg.theme)).strings()?);
    content.branding = cfg.branding.clone();
    apply_header_mapping(&mut content, cfg, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(Error::Invalid(diagnostics));
    }
    Ok((content, diagnostics))
}

/// Reads clinic data like [`load_clinics`] but hands each clinic to `emit`
/// as soon as it is read (keys not yet de-duplicated); `false` when the
/// data was not found at all (the reason is in `diags`).
pub fn stream_clinics(
    path: &Path,
    content: &Content,
    diags: &mut Diagnostics,
    emit: &mut dyn FnMut(Clinic),
) -> bool {
    if path.is_dir() {
        load::clinics::stream_dir(path, &content.fields, diags, emit);
        return true;
    }
    if load::clinics::is_yaml(path) && path.symlink_metadata().is_ok() {
        load::clinics::stream_file(path, &content.fields, diags, emit);
        return true;
    }
    if path.is_file() {
        load::table::stream_file(path, &content.fields, diags, emit);
        return true;
    }
    diags.push(not_found(path));
    false
}

fn not_found(path: &Path) -> Diagnostic {
    Diagnostic::error(
        SourcePos::new(std::sync::Arc::new(path.to_path_buf()), 0, 0),
        "clinic data not found",
    )
    .with_help("pass --clinics with a folder of clinic YAML files, one clinic .yaml file, a .csv or an .xlsx file")
}

/// Adds the config's column headers to the clinic schema (unknown fields are
/// errors). Without a schema (content/fields.yaml did not load, and says
/// why) nothing is checked: every header would be one more follow-on error.
pub fn apply_header_mapping(content: &mut Content, cfg: &Config, diags: &mut Diagnostics) {
    if content.fields.fields.is_empty() {
        return;
    }
    for (header, path) in &cfg.headers {
        match content.fields.fields.iter_mut().find(|f| &f.path == path) {
            Some(f) => f.headers.push(header.clone()),
            None => diags.push(
                Diagnostic::error(
                    SourcePos::new(std::sync::Arc::new(PathBuf::from("tebiki.yaml")), 0, 0),
                    format!("headers: column `{header}` maps to unknown field `{path}`"),
                )
                .with_help("use a field path from content/fields.yaml"),
            ),
        }
    }
}

/// Reads clinic data from a folder of YAML files, one clinic YAML file, a CSV or an XLSX file.
pub fn load_clinics(path: &Path, content: &Content) -> (Vec<Clinic>, Diagnostics) {
    if path.is_dir() {
        return load::clinics::load_dir(path, &content.fields);
    }
    if load::clinics::is_yaml(path) && path.symlink_metadata().is_ok() {
        let mut clinics = Vec::new();
        let mut d = Diagnostics::default();
        load::clinics::stream_file(path, &content.fields, &mut d, &mut |c| clinics.push(c));
        return (clinics, d);
    }
    if path.is_file() {
        return load::table::load_file(path, &content.fields);
    }
    let mut d = Diagnostics::default();
    d.push(not_found(path));
    (Vec::new(), d)
}

/// What a build did with one clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Rendered and written in this run.
    Rendered,
    /// Inputs unchanged since the last build: not rendered, files kept.
    Unchanged,
    /// Not selected by `--only`: the last build's result is kept as it was.
    Kept,
    /// No handout: the data has errors, or rendering failed.
    Failed,
}

/// Clinics counted by what this run did with them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// Rendered and written in this run.
    pub rendered: usize,
    /// Not rendered: inputs unchanged.
    pub unchanged: usize,
    /// Not selected by `--only`: kept as they were.
    pub kept: usize,
    /// No handout written in this run (data errors or rendering failed).
    pub failed: usize,
    /// Without a guide in the folder (failed now, or kept from a failed build).
    pub without_guide: usize,
}

/// How many clinics a rule applied to, with the rule's generic title (the
/// title without any clinic's values: a console line must be right for
/// every clinic it counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    /// error, warning or info.
    pub severity: Severity,
    /// Rule id.
    pub rule: String,
    /// The rule's title as on the help site (clinic values as placeholders).
    pub title: String,
    /// Clinics it applies to.
    pub clinics: usize,
}

/// A clinic without a guide, for the closing summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedClinic {
    /// Output key.
    pub key: String,
    /// Clinic name (or file name when unreadable).
    pub name: String,
    /// Why (the messages joined by " / ").
    pub failure: String,
}

/// Failed clinics kept in [`BuildReport::failures`]; the dashboard and the
/// manifest list them all.
pub const FAILURES_KEPT: usize = 1000;

/// Result of a build. Nothing in it grows with the number of clinics
/// (beyond the messages of clinics with problems): the full record is
/// `OUT/manifest.json`.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// All diagnostics (loading and data validation).
    pub diagnostics: Diagnostics,
    /// Clinics by what this run did with them.
    pub outcomes: OutcomeCounts,
    /// Clinics in the folder's manifest now.
    pub clinic_count: usize,
    /// Findings by rule over every clinic in the folder, most severe first.
    pub rules: Vec<RuleCount>,
    /// The first [`FAILURES_KEPT`] clinics without a guide, by key.
    pub failures: Vec<FailedClinic>,
    /// Why every clinic was rendered again although a last manifest was
    /// read: the inputs that changed (`theme`, `content`, …).
    pub inputs_changed: Vec<&'static str>,
    /// Why the last build's manifest could not be used (everything is then
    /// rendered again); also a warning in `diagnostics`.
    pub manifest_unusable: Option<String>,
    /// Files written or replaced.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files of an earlier build removed (their clinic is gone or failed).
    pub removed: usize,
    /// Temporary files of a killed run removed.
    pub temp_removed: usize,
    /// Keys of the clinics of the last build's manifest that this build no
    /// longer has (gone from the data, or outside this shard): their files
    /// were deleted and their dashboard row is gone, so the summary names them.
    pub removed_clinics: Vec<String>,
    /// Files in the folder that tebiki did not write (left alone).
    pub foreign: Vec<String>,
    /// What changed since the last build into this folder (each clinic's
    /// [`crate::manifest::Since`], added up): clinics that changed at all,
    /// clinics new to it, errors and warnings resolved and new.
    pub since: SinceTally,
    /// The help site was rendered (false: its inputs had not changed).
    pub site_rendered: bool,
    /// `--only` keys that match no clinic.
    pub unknown_only: Vec<String>,
    /// What went into the combined PDF, when one was asked for.
    pub combined: Option<crate::combined::Combined>,
    /// Output folder.
    pub out: PathBuf,
}

impl BuildReport {
    /// True when any clinic failed or any error was reported.
    pub fn failed(&self) -> bool {
        self.diagnostics.has_errors() || self.outcomes.without_guide > 0
    }

    /// Number of clinics with the given outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        match outcome {
            Outcome::Rendered => self.outcomes.rendered,
            Outcome::Unchanged => self.outcomes.unchanged,
            Outcome::Kept => self.outcomes.kept,
            Outcome::Failed => self.outcomes.failed,
        }
    }

    /// Counts one clinic of the folder (findings, failure, outcome).
    fn tally(&mut self, e: &ClinicEntry, outcome: Outcome, titles: &HashMap<String, String>) {
        match outcome {
            Outcome::Rendered => self.outcomes.rendered += 1,
            Outcome::Unchanged => self.outcomes.unchanged += 1,
            Outcome::Kept => self.outcomes.kept += 1,
            Outcome::Failed => self.outcomes.failed += 1,
        }
        self.clinic_count += 1;
        if e.status == Status::Failed {
            self.outcomes.without_guide += 1;
            if self.failures.len() < FAILURES_KEPT {
                self.failures.push(FailedClinic {
                    key: e.key.clone(),
                    name: e.name.clone(),
                    failure: e.failure.clone(),
                });
            }
        }
        // Rule counts are over the clinics that got a guide: a failed
        // clinic is listed among the failures instead.
        let counted = if e.status == Status::Failed {
            &[][..]
        } else {
            &e.findings[..]
        };
        for f in counted {
            match self
                .rules
                .iter_mut()
                .find(|r| r.rule == f.rule && r.severity == f.severity)
            {
                Some(r) => r.clinics += 1,
                None => self.rules.push(RuleCount {
                    severity: f.severity,
                    rule: f.rule.clone(),
                    title: titles.get(&f.rule).unwrap_or(&f.title).clone(),
                    clinics: 1,
                }),
            }
        }
    }
}

/// Options of a build beyond the config.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The date the guides are computed for.
    pub today: Date,
}

/// Options of large batches: incremental, selection, progress.
#[derive(Clone, Default)]
pub struct BatchOptions {
    /// Render every clinic, even those whose inputs did not change.
    pub force: bool,
    /// Build only these keys (empty: all); the others keep their last result.
    pub only: Vec<String>,
    /// Build only the clinics of this shard; the folder then holds just them.
    pub shard: Option<Shard>,
    /// Told about every clinic as it finishes.
    pub progress: Option<Arc<dyn Progress>>,
    /// Also join every handout of the folder into this one PDF (data order,
    /// a bookmark per clinic, each clinic starting on a right-hand page).
    pub combined: Option<PathBuf>,
    /// Join each clinic's one-page sheet (`sheet.pdf`) instead of its handout.
    pub combined_sheets: bool,
}

/// Receives progress events (on the thread that called [`build_batch`]).
pub trait Progress: Send + Sync {
    /// The number of clinics to process, once known.
    fn total(&self, _clinics: usize) {}
    /// One clinic is done.
    fn clinic(&self, _entry: &ClinicEntry, _outcome: Outcome) {}
}

/// What one clinic produced; merged into the report.
struct ClinicResult {
    entry: ClinicEntry,
    outcome: Outcome,
    diagnostics: Vec<Diagnostic>,
    changed: usize,
    unchanged: usize,
    removed: usize,
    /// Where the clinic's record is (for a failed commit's diagnostic).
    source: SourcePos,
    /// Its new files, written but not yet flushed and in place: the thread
    /// that collects results commits them a chunk at a time.
    staged: Vec<Staged>,
}

/// Everything needed to render, shared read-only by the worker threads.
struct Renderers {
    html: HtmlRenderer,
    fonts: crate::render::pdf::Fonts,
    /// Pictures laid out in this build that more than one clinic shows.
    pictures: crate::render::pictures::PictureCache,
    /// The word subsets every handout and every sheet of this build embed,
    /// built from the content's generic documents when the first clinic is
    /// rendered (an unchanged rebuild renders none); `None` when they could
    /// not be built, and each document then embeds its own.
    words: std::sync::OnceLock<SharedWords>,
}

/// The shared word subsets of the handouts and of the sheets.
type SharedWords = (
    Option<crate::render::pdf::SharedWords>,
    Option<crate::render::pdf::SharedWords>,
);

/// Each clinic's changes since the last build, added up for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SinceTally {
    /// Clinics with any change.
    pub clinics: usize,
    /// Clinics the last build had no record of.
    pub first: usize,
    /// Errors and warnings gone.
    pub resolved: usize,
    /// Errors and warnings new.
    pub new: usize,
}

impl SinceTally {
    fn add(&mut self, s: &crate::manifest::Since) {
        self.clinics += usize::from(!s.is_empty());
        self.first += usize::from(s.first);
        self.resolved += s.resolved.len();
        self.new += s.new.len();
    }
}

/// Shared state of the workers.
struct Ctx<'a> {
    content: &'a Content,
    renderers: &'a Renderers,
    today: Date,
    out: &'a OutDir,
    inputs: &'a Inputs,
    force: bool,
    /// Clinics of the last build not yet claimed by a clinic of this one.
    prev: &'a Mutex<HashMap<Box<str>, PrevClinic>>,
    /// A last build's manifest was read: each clinic says what changed.
    had_prev: bool,
}

/// Builds every clinic guide and the dashboard (all clinics, incremental).
pub fn build(cfg: &Config, opts: &BuildOptions) -> Result<BuildReport> {
    build_batch(cfg, opts, &BatchOptions::default())
}

/// Builds the selected clinics' guides, the dashboard, the help site and
/// the manifest into the locked output folder.
///
/// A clinic whose input hash equals the one in the last manifest (and whose
/// files are still there) is evaluated but not rendered. Clinics are
/// processed in parallel (one worker per core) and fed through a bounded
/// queue; results are sorted by key, so output does not depend on timing.
/// Only files recorded in the last manifest are ever deleted.
///
/// Memory does not grow with the number of clinics beyond a few hundred
/// bytes each: the last manifest is read compactly, each finished clinic's
/// entry goes to a spool file, and the dashboard and manifest are written
/// from it piece by piece.
pub fn build_batch(cfg: &Config, opts: &BuildOptions, batch: &BatchOptions) -> Result<BuildReport> {
    let (content, content_diags) = load_checked_content(cfg)?;
    let theme = Theme::new(Some(&cfg.theme));
    let renderers = Renderers {
        html: HtmlRenderer::new(&theme)?
            .with_branding(cfg.branding.clone())
            .with_dashboard_columns(&content.fields),
        fonts: theme
            .pdf_fonts()?
            .with_fallback(&cfg.fallback_font)
            .with_layout_cache(),
        pictures: Default::default(),
        words: Default::default(),
    };
    let out = OutDir::open(&cfg.out)?;
    let mut report = BuildReport {
        diagnostics: content_diags,
        out: cfg.out.clone(),
        ..BuildReport::default()
    };
    let inputs = inputs_of(cfg, opts.today);
    let today = opts.today.to_string();
    // The summary counts findings under the rule's generic title.
    let titles: HashMap<String, String> = eval::evaluate_generic(&content)
        .findings
        .into_iter()
        .map(|f| (f.rule, f.title))
        .collect();

    // Pass 1: every record's key (clinics are not kept), so that duplicate
    // institution codes are found before any clinic is built.
    let only: BTreeSet<&str> = batch.only.iter().map(String::as_str).collect();
    let mut keys: Vec<Clinic> = Vec::new();
    let mut addresses: Vec<Vec<crate::load::clinics::Address>> = Vec::new();
    let mut pass1 = Diagnostics::default();
    let found = stream_clinics(&cfg.clinics, &content, &mut pass1, &mut |c| {
        addresses.push(crate::load::clinics::addresses(&c, &content.fields));
        keys.push(Clinic {
            key: c.key,
            source: c.source,
            values: Default::default(),
            load_errors: Vec::new(),
            list_remarks: Vec::new(),
            keys: Default::default(),
        })
    });
    let mut dedupe = Diagnostics::default();
    crate::load::clinics::dedupe_keys(&mut keys, &content.fields, &mut dedupe);
    crate::load::clinics::shared_addresses(&mut keys, &addresses);
    drop(addresses);
    // Without any record, pass 2 reads nothing new: pass 1's messages
    // (a file that cannot be read at all) are reported once, from here.
    let no_records = keys.is_empty();
    if no_records {
        report.diagnostics.extend(pass1);
        if found && !report.diagnostics.has_errors() {
            report.diagnostics.push(if cfg.clinics.is_dir() {
                crate::load::clinics::no_files(&cfg.clinics)
            } else {
                crate::load::table::no_rows(&cfg.clinics)
            });
        }
    }
    report.diagnostics.extend(dedupe);
    // In this shard, in data order (for the combined PDF); selected to build,
    // or kept as the last build left them (--only).
    let mut order: Vec<u32> = Vec::new();
    let mut selected = vec![false; keys.len()];
    let mut kept: HashSet<&str> = HashSet::new();
    {
        let mut found: BTreeSet<&str> = BTreeSet::new();
        for (i, c) in keys.iter().enumerate() {
            if only.contains(c.key.as_str()) {
                found.insert(c.key.as_str());
            }
            if !batch.shard.is_none_or(|s| s.contains(&c.key)) {
                continue;
            }
            order.push(i as u32);
            if only.is_empty() || only.contains(c.key.as_str()) {
                selected[i] = true;
            } else {
                kept.insert(c.key.as_str());
            }
        }
        report.unknown_only = only
            .iter()
            .filter(|k| !found.contains(**k))
            .map(|k| k.to_string())
            .collect();
    }

    // The last build: compact; clinics --only keeps go straight to the spool.
    let mut spool =
        Spool::create(out.root()).map_err(|e| Error::io("cannot write", out.root(), e))?;
    let mut spool_error: Option<std::io::Error> = None;
    let mut kept_report = BuildReport::default();
    let prev = read_manifest(&out, MAX_MANIFEST_FILE, &mut |e| {
        if !kept.contains(e.key.as_str()) {
            return Some(e);
        }
        // Left as it was by --only: nothing changed for it in this build.
        let e = ClinicEntry {
            since: Default::default(),
            ..e
        };
        let (rank, days) = urgency(&e, &today);
        if let Err(err) = spool.push(&e, rank, days) {
            spool_error.get_or_insert(err);
        }
        kept_report.tally(&e, Outcome::Kept, &titles);
        None
    });
    let prev = match prev {
        Ok(p) => p,
        Err(reason) => {
            spool
                .clear()
                .map_err(|e| Error::io("cannot write", out.root(), e))?;
            kept_report = BuildReport::default();
            report.diagnostics.push(
                Diagnostic::warning(
                    SourcePos::new(Arc::new(out.root().join(MANIFEST_FILE)), 0, 0),
                    format!(
                        "the last build's manifest cannot be used ({reason}); rendering everything"
                    ),
                )
                .with_help("files of earlier builds that are not in a manifest are left alone"),
            );
            report.manifest_unusable = Some(reason);
            None
        }
    };
    report.outcomes = kept_report.outcomes;
    report.clinic_count = kept_report.clinic_count;
    report.rules = kept_report.rules;
    report.failures = kept_report.failures;
    if let Some(p) = prev.as_ref().filter(|_| !batch.force) {
        report.inputs_changed = p.inputs.as_ref().map_or(Vec::new(), |i| i.changed(&inputs));
    }
    // Files the last build did not write (left alone, and listed).
    let sweep = out.sweep_where(|rel| !prev.as_ref().is_some_and(|p| p.records(rel)));
    report.temp_removed = sweep.temp_removed;
    let had_prev = prev.is_some();
    let (prev_files, prev_clinics) = match prev {
        Some(p) => (p.files, p.clinics),
        None => Default::default(),
    };

    // The help site depends on content, theme and settings only.
    let same_inputs = report.manifest_unusable.is_none()
        && report.inputs_changed.is_empty()
        && !prev_files.is_empty();
    let site_prev: Vec<FileEntry> = prev_files
        .iter()
        .filter(|f| f.path.starts_with("site/"))
        .cloned()
        .collect();
    let mut files: Vec<FileEntry> = if !batch.force
        && same_inputs
        && !site_prev.is_empty()
        && site_prev
            .iter()
            .all(|f| out.file_len(&f.path) == Some(f.bytes))
    {
        report.unchanged += site_prev.len();
        site_prev
    } else {
        report.site_rendered = true;
        let (_, site) = crate::site::render_site(&content, &cfg.site, &theme)?;
        let mut entries = Vec::new();
        let mut staged = Vec::new();
        for (rel, bytes) in site {
            let rel = format!("site/{rel}");
            match out.stage(&rel, &bytes)? {
                Some(s) => staged.push(s),
                None => report.unchanged += 1,
            }
            entries.push(FileEntry::of(rel, &bytes));
        }
        report.changed += staged.len();
        out.commit(staged)
            .into_iter()
            .collect::<Result<Vec<()>>>()?;
        entries
    };

    let total = selected.iter().filter(|s| **s).count();
    if let Some(p) = &batch.progress {
        p.total(total);
    }
    let mut prev_clinics = prev_clinics;
    follow_renamed_files(&mut prev_clinics, &keys, &selected);
    let prev_lock = Mutex::new(prev_clinics);
    let ctx = Ctx {
        content: &content,
        renderers: &renderers,
        today: opts.today,
        out: &out,
        inputs: &inputs,
        force: batch.force,
        prev: &prev_lock,
        had_prev,
    };
    // Pass 2: read again, each clinic straight into the bounded queue.
    let produce = |emit: &mut dyn FnMut(Clinic)| {
        let mut diags = Diagnostics::default();
        let mut i = 0usize;
        stream_clinics(&cfg.clinics, &content, &mut diags, &mut |mut c| {
            let n = i;
            i += 1;
            let Some(k) = keys.get(n) else { return };
            if !selected[n] {
                return;
            }
            c.key.clone_from(&k.key);
            c.load_errors.extend(k.load_errors.iter().cloned());
            c.list_remarks.extend(k.list_remarks.iter().cloned());
            emit(c);
        });
        diags
    };
    let load_diags = run_workers(produce, &ctx, |r| {
        if let Some(p) = &batch.progress {
            p.clinic(&r.entry, r.outcome);
        }
        report.diagnostics.0.extend(r.diagnostics);
        report.changed += r.changed;
        report.unchanged += r.unchanged;
        report.removed += r.removed;
        report.since.add(&r.entry.since);
        report.tally(&r.entry, r.outcome, &titles);
        let (rank, days) = urgency(&r.entry, &today);
        if let Err(err) = spool.push(&r.entry, rank, days) {
            spool_error.get_or_insert(err);
        }
    });
    if !no_records {
        report.diagnostics.extend(load_diags);
    }
    if let Some(e) = spool_error {
        return Err(Error::io("cannot write", out.root(), e));
    }
    // Clinics gone from the data (or from this shard, or kept by --only
    // without a last result): their guides would be handed out by mistake.
    // Only files the last build recorded are deleted.
    let prev_left = prev_lock.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut gone = Vec::new();
    for (key, c) in prev_left {
        for f in &c.files {
            report.removed += usize::from(out.remove(&f.path) == Removed::Removed);
        }
        gone.push((c.code.to_string(), key.to_string(), c.name.to_string()));
        report.removed_clinics.push(key.to_string());
    }
    report.removed_clinics.sort();
    gone.sort();
    report.failures.sort_by(|a, b| a.key.cmp(&b.key));
    report
        .rules
        .sort_by(|a, b| (a.severity, &a.rule).cmp(&(b.severity, &b.rule)));

    let dash = write_dashboard(&out, &renderers.html, &mut spool, &today, &gone)?;
    count(&mut report, dash.0);
    files.push(dash.1);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in &prev_files {
        if !files.iter().any(|n| n.path == f.path) {
            report.removed += usize::from(out.remove(&f.path) == Removed::Removed);
        }
    }
    spool.sort_by_key();
    write_spooled_manifest(&out, &inputs, batch.shard, &mut spool, &files)?;
    report.foreign = sweep
        .files
        .into_iter()
        .filter(|f| !files.iter().any(|n| &n.path == f) && !spool_has_file(&mut spool, f))
        .collect();
    if let Some(path) = &batch.combined {
        let file = if batch.combined_sheets {
            "sheet.pdf"
        } else {
            "guide.pdf"
        };
        let order = order
            .iter()
            .filter_map(|i| keys.get(*i as usize))
            .map(|c| c.key.as_str());
        report.combined = Some(write_combined(&out, &mut spool, order, path, file)?);
    }
    Ok(report)
}

/// True when the spooled entry of the clinic that `path`
/// (`clinics/KEY/NAME`) belongs to lists it.
fn spool_has_file(spool: &mut Spool, path: &str) -> bool {
    let Some(key) = path
        .strip_prefix("clinics/")
        .and_then(|r| r.split_once('/'))
        .map(|(k, _)| k)
    else {
        return false;
    };
    let Some(slot) = spool.find(key).cloned() else {
        return false;
    };
    spool
        .entry(&slot)
        .is_ok_and(|e| e.files.iter().any(|f| f.path == path))
}

/// Joins `file` (`guide.pdf` or `sheet.pdf`) of every built clinic, in data
/// order (`order`, keys), into `path`. The spool is sorted by key.
fn write_combined<'k>(
    out: &OutDir,
    spool: &mut Spool,
    order: impl Iterator<Item = &'k str>,
    path: &Path,
    file: &str,
) -> Result<crate::combined::Combined> {
    let parts = order.filter_map(|k| {
        let slot = spool.find(k).filter(|s| s.built)?.clone();
        let c = match spool.entry(&slot) {
            Ok(c) => c,
            Err(e) => return Some(Err(Error::io("cannot read", out.root(), e))),
        };
        let f = c
            .files
            .iter()
            .find(|f| f.path.rsplit('/').next() == Some(file))?;
        let at = out.root().join(&f.path);
        Some(
            std::fs::read(&at)
                .map_err(|e| Error::io("cannot read", &at, e))
                .map(|bytes| (format!("{} {}", c.key, c.name), bytes)),
        )
    });
    let mut stats = None;
    crate::write::write_atomic_streamed(path, |w| {
        stats = Some(crate::combined::combine_to(parts, w)?);
        Ok(())
    })?;
    Ok(stats.unwrap_or_default())
}

/// Rows of the dashboard drawn at a time.
const DASHBOARD_CHUNK: usize = 500;

/// Writes the dashboard from the spooled entries, most urgent first, a few
/// hundred rows at a time; returns what was written and its manifest entry.
fn write_dashboard(
    out: &OutDir,
    html: &HtmlRenderer,
    spool: &mut Spool,
    today: &str,
    gone: &[(String, String, String)],
) -> Result<(Written, FileEntry)> {
    spool.slots.sort_by(|a, b| {
        dashboard_order(a.rank, a.days, &a.code, &a.key)
            .cmp(&dashboard_order(b.rank, b.days, &b.code, &b.key))
    });
    let mut counts = crate::render::html::DashboardCounts {
        total: spool.slots.len(),
        gone: gone
            .iter()
            .take(crate::render::html::DashboardCounts::GONE_SHOWN)
            .map(|(code, _, name)| crate::render::html::GoneClinic {
                name: name.clone(),
                code: code.clone(),
            })
            .collect(),
        gone_total: gone.len(),
        ..Default::default()
    };
    for s in &spool.slots {
        counts.changed += usize::from(s.changed);
        match s.rank {
            0 => counts.failed += 1,
            1 => counts.error += 1,
            2 => counts.warning += 1,
            3 => counts.tidied += 1,
            _ => counts.ok += 1,
        }
    }
    let slots = spool.slots.clone();
    let mut chunks = slots.chunks(DASHBOARD_CHUNK);
    let mut next = || -> Result<Option<Vec<DashboardRow>>> {
        let Some(chunk) = chunks.next() else {
            return Ok(None);
        };
        let mut entries = Vec::with_capacity(chunk.len());
        for s in chunk {
            entries.push(
                spool
                    .entry(s)
                    .map_err(|e| Error::io("cannot read", out.root(), e))?,
            );
        }
        Ok(Some(dashboard_rows(&entries, today)))
    };
    let mut hasher = Sha256Writer::default();
    let written = out.write_streamed(DASHBOARD, |w| {
        let mut both = Tee(w, &mut hasher);
        html.dashboard_to(&counts, today, &mut next, &mut both)
    })?;
    Ok((written, hasher.entry(DASHBOARD.to_string())))
}

/// Writes the manifest from the spool (sorted by key), streamed.
fn write_spooled_manifest(
    out: &OutDir,
    inputs: &Inputs,
    shard: Option<Shard>,
    spool: &mut Spool,
    files: &[FileEntry],
) -> Result<()> {
    let slots = std::mem::take(&mut spool.slots);
    let result = out.write_streamed(MANIFEST_FILE, |w| {
        let mut lines = slots.iter().map(|s| spool.line(s));
        crate::manifest::write_to(w, inputs, shard, &mut lines, files)
            .map_err(|e| Error::io("cannot write", MANIFEST_FILE, e))
    });
    spool.slots = slots;
    result.map(|_| ())
}

/// A writer that hashes what passes through it (size and SHA-256).
#[derive(Default)]
struct Sha256Writer {
    hash: sha2::Sha256,
    bytes: u64,
}

impl Sha256Writer {
    fn entry(self, path: String) -> FileEntry {
        FileEntry {
            path,
            bytes: self.bytes,
            sha256: crate::manifest::hex(&self.hash.finalize()),
        }
    }
}

impl std::io::Write for Sha256Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hash.update(buf);
        self.bytes += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes to both.
struct Tee<'a>(&'a mut dyn std::io::Write, &'a mut Sha256Writer);

impl std::io::Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        std::io::Write::write_all(self.1, &buf[..n])?;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Path of the dashboard in the output folder.
pub const DASHBOARD: &str = "clinics/index.html";

/// Reads the last build's manifest compactly ([`PrevBuild::open`]).
fn read_manifest(
    out: &OutDir,
    limit: u64,
    take: &mut dyn FnMut(ClinicEntry) -> Option<ClinicEntry>,
) -> std::result::Result<Option<PrevBuild>, String> {
    PrevBuild::open(&out.root().join(MANIFEST_FILE), limit, take)
}

/// Writes the manifest (compact JSON, one clinic per line) atomically.
pub fn write_manifest(out: &OutDir, m: &Manifest) -> Result<()> {
    out.write_streamed(MANIFEST_FILE, |w| {
        let mut lines = m.clinics.iter().map(crate::manifest::entry_line);
        crate::manifest::write_to(w, &m.inputs, m.shard, &mut lines, &m.files)
            .map_err(|e| Error::io("cannot write", MANIFEST_FILE, e))
    })?;
    Ok(())
}

/// The states of the dashboard, by rank: no guide, errors, warnings that
/// ask for something, values only tidied (read right, nothing to do),
/// nothing at all.
const STATES: [&str; 5] = ["failed", "error", "warning", "tidied", "ok"];

/// How many of `e`'s warnings ask for something: all but the data notes
/// that only say how a value was tidied.
fn action_warnings(e: &ClinicEntry) -> usize {
    let tidied = e
        .data
        .iter()
        .filter(|d| d.tidy && d.severity == Severity::Warning)
        .count();
    e.warnings.saturating_sub(tidied)
}

/// Dashboard order of a clinic: rank (0 no guide, 1 errors, 2 warnings
/// that ask for something, 3 values only tidied, 4 nothing to do) and days
/// left to installation as of `today`.
fn urgency(e: &ClinicEntry, today: &str) -> (u8, Option<i64>) {
    let rank = if e.status != Status::Built {
        0
    } else if e.errors > 0 {
        1
    } else if action_warnings(e) > 0 || !e.notes.is_empty() {
        // Notes: what the PDF could not print (a character no font has).
        2
    } else if e.data.iter().any(|d| d.tidy) {
        3
    } else {
        4
    };
    let days = eval::dates::parse_iso(&e.installation_date)
        .zip(eval::dates::parse_iso(today))
        .map(|(install, today)| eval::dates::days_between(today, install));
    (rank, days)
}

/// The dashboard's rows, from manifest entries (so `tebiki merge` draws
/// the same dashboard from joined manifests), most urgent first: clinics
/// without a guide, then errors, then warnings, each by days left to
/// installation (unknown last), then by code. `today` (`YYYY-MM-DD`) is the
/// build's date.
pub fn dashboard_rows(entries: &[ClinicEntry], today: &str) -> Vec<DashboardRow> {
    let mut rows: Vec<DashboardRow> = entries
        .iter()
        .map(|e| {
            let ok = e.status == Status::Built;
            let (rank, days) = urgency(e, today);
            let state = STATES[usize::from(rank.min(4))];
            // The data's remarks are counted in `warnings`: each is named. A
            // clinic without a guide leads with why (`failure`: the data's
            // errors, each with its expected form); its findings (a deadline
            // at risk) and other remarks are named after it.
            let mut headlines: Vec<Headline> = e
                .asks()
                .filter(|a| ok || !a.data || a.severity != Severity::Error)
                .map(|a| Headline {
                    severity: a.severity,
                    title: a.title.to_string(),
                })
                .collect();
            headlines.extend(e.notes.iter().map(|n| Headline {
                severity: Severity::Warning,
                title: n.clone(),
            }));
            headlines.sort_by_key(|h| h.severity);
            DashboardRow {
                key: e.key.clone(),
                name: e.name.clone(),
                code: e.code.clone(),
                code_typed: e.code_typed.clone(),
                prefecture: e.prefecture.clone(),
                documents: e.documents.clone(),
                installation: e.installation.clone(),
                installation_date: e.installation_date.clone(),
                installation_typed: e.installation_typed.clone(),
                days,
                state,
                rank,
                errors: e.errors,
                warnings: action_warnings(e) + e.notes.len(),
                headlines,
                routine: e
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Info)
                    .map(|f| f.title.clone())
                    .chain(
                        e.data
                            .iter()
                            .filter(|d| d.severity == Severity::Info)
                            .map(|d| d.message.clone()),
                    )
                    .collect(),
                tidied: e
                    .data
                    .iter()
                    .filter(|d| d.tidy)
                    .map(|d| d.message.clone())
                    .collect(),
                ok,
                failure: e.failure.clone(),
                has_pdf: e.files.iter().any(|f| f.path.ends_with("/guide.pdf")),
                has_sheet: e.files.iter().any(|f| f.path.ends_with("/sheet.pdf")),
                since: crate::render::html::SinceRow::of(&e.since),
                changed: !e.since.is_empty(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        dashboard_order(a.rank, a.days, &a.code, &a.key)
            .cmp(&dashboard_order(b.rank, b.days, &b.code, &b.key))
    });
    rows
}

/// The dashboard's sort key: rank, then days left (unknown last), code, key.
fn dashboard_order<'a>(
    rank: u8,
    days: Option<i64>,
    code: &'a str,
    key: &'a str,
) -> (u8, bool, Option<i64>, &'a str, &'a str) {
    (rank, days.is_none(), days, code, key)
}

/// Hashes of everything besides the clinic records that outputs depend on.
pub fn inputs_of(cfg: &Config, today: Date) -> Inputs {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::read(p).ok())
        .map(|b| crate::manifest::hex(&sha2::Sha256::digest(&b)))
        .unwrap_or_default();
    let config = {
        let mut h = PartHasher::default();
        h.part(
            serde_json::to_string(&cfg.site)
                .unwrap_or_default()
                .as_bytes(),
        );
        for (k, v) in &cfg.headers {
            h.part(k.as_bytes()).part(v.as_bytes());
        }
        for p in cfg.branding.digest_parts() {
            h.part(&p);
        }
        // The fallback font prints characters the theme's fonts lack: a
        // different file (or the same path changed) must render again. Its
        // size and time stamp stand for its bytes, so an unchanged build
        // does not read tens of megabytes it may never need.
        h.part(cfg.fallback_font.to_string_lossy().as_bytes());
        match std::fs::metadata(&cfg.fallback_font) {
            Ok(m) => {
                let stamp = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                h.part(&m.len().to_le_bytes()).part(&stamp.to_le_bytes());
            }
            Err(_) => {
                h.part(b"\0missing");
            }
        }
        h.finish()
    };
    Inputs {
        tebiki: env!("CARGO_PKG_VERSION").to_string(),
        program,
        content: tree_hash(&cfg.content, Some(&cfg.clinics)),
        theme: tree_hash(&cfg.theme, None),
        config,
        today: today.to_string(),
        hash: String::new(),
    }
    .seal()
}

/// SHA-256 over every file below `dir` (relative path and bytes, in path
/// order), leaving out `skip` (clinic data inside the content folder).
fn tree_hash(dir: &Path, skip: Option<&Path>) -> String {
    let mut h = PartHasher::default();
    let skip = skip.map(|s| s.canonicalize().unwrap_or_else(|_| s.to_path_buf()));
    let mut walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(Ok(e)) = walk.next() {
        let canon = e.path().canonicalize().ok();
        if skip.is_some() && canon.as_deref() == skip.as_deref() {
            if e.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
        h.part(rel.to_string_lossy().as_bytes());
        match std::fs::read(e.path()) {
            Ok(b) => h.part(&b),
            Err(_) => h.part(b"\0unreadable"),
        };
    }
    h.finish()
}

/// SHA-256 over the inputs hash and the clinic's own record (key, source
/// file, every value; not line numbers, so inserting a row above does not
/// re-render the rows below).
fn clinic_hash(inputs: &Inputs, clinic: &Clinic) -> String {
    let mut h = PartHasher::default();
    h.part(inputs.hash.as_bytes())
        .part(clinic.key.as_bytes())
        .part(clinic.source.file.to_string_lossy().as_bytes());
    for e in &clinic.load_errors {
        h.part(b"e").part(e.as_bytes());
    }
    // What the other clinics of the list make of this one.
    for r in &clinic.list_remarks {
        h.part(b"r").part(r.message.as_bytes());
    }
    for (path, v) in &clinic.values {
        h.part(path.as_bytes());
        match &v.value {
            RawValue::Text(t) => {
                h.part(b"t").part(t.as_bytes());
            }
            RawValue::List(items) => {
                h.part(b"l").part(&(items.len() as u64).to_le_bytes());
                for i in items {
                    h.part(i.value.as_bytes());
                }
            }
        }
    }
    h.finish()
}

/// Runs `produce` on its own thread, feeding the clinics it emits through a
/// bounded queue to one worker per core, and hands each result to `done` on
/// this thread as it arrives; returns what `produce` returns. At most a few
/// clinics per worker are in memory at a time.
fn run_workers<P>(produce: P, ctx: &Ctx, mut done: impl FnMut(ClinicResult)) -> Diagnostics
where
    P: FnOnce(&mut dyn FnMut(Clinic)) -> Diagnostics + Send,
{
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let (job_tx, job_rx) = mpsc::sync_channel::<Clinic>(workers * 2);
    let job_rx = Mutex::new(job_rx);
    // Room for the results that arrive while a chunk is being committed.
    let (res_tx, res_rx) = mpsc::sync_channel::<ClinicResult>(workers * 2 + COMMIT_CLINICS);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            produce(&mut |c| {
                let _ = job_tx.send(c);
            })
        });
        for _ in 0..workers {
            let res_tx = res_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(clinic) = job else { break };
                    let r = process_guarded(clinic, ctx);
                    if res_tx.send(r).is_err() {
                        break;
                    }
                }
            });
        }
        drop(res_tx);
        let mut chunk: Vec<ClinicResult> = Vec::new();
        for r in res_rx {
            chunk.push(r);
            if chunk.len() >= COMMIT_CLINICS {
                commit_chunk(ctx.out, &mut chunk, &mut done);
            }
        }
        commit_chunk(ctx.out, &mut chunk, &mut done);
        producer
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// Clinics whose files are flushed together ([`OutDir::commit`]): one
/// `syncfs` for about a hundred files instead of an `fsync` each.
const COMMIT_CLINICS: usize = 32;

/// Commits the staged files of the `chunk`'s clinics, then hands each result
/// to `done`. A clinic any of whose files could not be put in place fails as
/// if its write had failed: none of its files stays (a handout must not be
/// left beside a guide of another state), and the report says why.
fn commit_chunk(out: &OutDir, chunk: &mut Vec<ClinicResult>, done: &mut impl FnMut(ClinicResult)) {
    let mut owners = Vec::new();
    let mut staged = Vec::new();
    for (i, r) in chunk.iter_mut().enumerate() {
        owners.extend(std::iter::repeat_n(i, r.staged.len()));
        staged.append(&mut r.staged);
    }
    let mut failed: Vec<Option<Error>> = (0..chunk.len()).map(|_| None).collect();
    for (i, result) in owners.into_iter().zip(out.commit(staged)) {
        if let Err(e) = result {
            failed[i].get_or_insert(e);
        }
    }
    for (mut r, error) in chunk.drain(..).zip(failed) {
        if let Some(e) = error {
            for f in std::mem::take(&mut r.entry.files) {
                r.removed += usize::from(out.remove(&f.path) == Removed::Removed);
            }
            r.entry.notes.clear();
            r.entry.status = Status::Failed;
            r.entry.failure = e.to_string();
            r.outcome = Outcome::Failed;
            r.changed = 0;
            r.unchanged = 0;
            r.diagnostics.push(Diagnostic::error(
                r.source.clone(),
                format!("guide not written: {e}"),
            ));
        }
        done(r);
    }
}

/// [`process_clinic`], turning a panic (a bug in tebiki) into a failed
/// clinic with a message instead of a silently missing one.
fn process_guarded(clinic: Clinic, ctx: &Ctx) -> ClinicResult {
    let key = clinic.key.clone();
    let source = clinic.source.clone();
    let clinic_source = clinic.source.clone();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_clinic(clinic, ctx))) {
        Ok(r) => r,
        Err(_) => {
            let failure = ctx.content.strings.get("dashboard_internal_error");
            ClinicResult {
                entry: ClinicEntry {
                    key: key.clone(),
                    name: String::new(),
                    code: String::new(),
                    code_typed: String::new(),
                    prefecture: String::new(),
                    documents: String::new(),
                    installation: String::new(),
                    installation_date: String::new(),
                    installation_typed: String::new(),
                    source: source.to_string(),
                    status: Status::Failed,
                    failure: failure.into(),
                    errors: 1,
                    warnings: 0,
                    findings: Vec::new(),
                    data: Vec::new(),
                    notes: Vec::new(),
                    input_hash: String::new(),
                    files: Vec::new(),
                    since: Default::default(),
                },
                outcome: Outcome::Failed,
                diagnostics: vec![Diagnostic::error(
                    source,
                    format!(
                        "clinic {key}: internal error while building its guide (a bug in tebiki)"
                    ),
                )],
                changed: 0,
                unchanged: 0,
                removed: 0,
                source: clinic_source,
                staged: Vec::new(),
            }
        }
    }
}

fn process_clinic(clinic: Clinic, ctx: &Ctx) -> ClinicResult {
    let facts = eval::facts::build(&clinic, ctx.content, ctx.today);
    let guide = eval::evaluate_with_facts(ctx.content, &clinic, &facts);
    // A file that could not be read at all has no values: its load errors say
    // why; "required field missing" for every field would only bury them.
    let unreadable = clinic.values.is_empty() && !clinic.load_errors.is_empty();
    let issues = if unreadable {
        &[][..]
    } else {
        &guide.issues[..]
    };
    let mut diagnostics: Vec<Diagnostic> = issues
        .iter()
        .map(|issue| issue_diagnostic(issue, &clinic))
        .collect();
    // Each with its expected form, as the handout's data notes say it: the
    // dashboard is where the vendor reads what to fix.
    let data_errors: Vec<String> =
        clinic
            .load_errors
            .iter()
            .cloned()
            .chain(issues.iter().filter(|i| i.severity == Severity::Error).map(
                |i| match &i.expected {
                    Some(e) => {
                        let form = ctx
                            .content
                            .strings
                            .fill("expected_form", &[("expected", e)]);
                        format!("{}{form}", i.message)
                    }
                    None => i.message.clone(),
                },
            ))
            .collect();
    let input_hash = clinic_hash(ctx.inputs, &clinic);
    let date_field = ctx.content.fields.dashboard_date().map(|(p, _)| p);
    let mut entry = entry_of(&guide, &clinic, input_hash, date_field);
    if unreadable {
        // Not 「端末が登録されていません」 and a missing value for every field
        // on the dashboard: the file was not read, its load errors say why.
        entry.findings.clear();
        entry.data.clear();
        entry.errors = 0;
        entry.warnings = 0;
    }
    // What kept the record from being read (a syntax error, a cell that
    // cannot be read) is a remark on the data like any other: counted, and
    // compared by the next build's `since` (a fixed syntax error is resolved).
    entry.data.splice(
        0..0,
        clinic.load_errors.iter().map(|m| DataNote {
            severity: Severity::Error,
            field: String::new(),
            message: m.clone(),
            tidy: false,
        }),
    );
    entry.errors += clinic.load_errors.len();
    // Which manuals the clinic got, when that differs between clinics.
    if ctx.content.manuals.iter().any(|m| m.when.is_some()) {
        entry.documents = guide.documents.clone();
    }
    if let Some((d, shown)) = date_field.and_then(|p| facts.earliest_date(p)) {
        entry.installation_date = d.to_string();
        // A list of dates: its earliest item, not every item.
        if date_field
            .and_then(|p| facts.get(p))
            .is_some_and(|f| !f.items.is_empty())
        {
            entry.installation = shown;
        }
    } else if !entry.installation.is_empty() {
        // Not read as a date (「46407」, an Excel serial): shown as typed and
        // said to be unread, never in the column of dates as if it were one.
        entry.installation_typed = std::mem::take(&mut entry.installation);
    }
    let prev = ctx
        .prev
        .lock()
        .ok()
        .and_then(|mut m| m.remove(clinic.key.as_str()));
    let mut r = ClinicResult {
        entry,
        outcome: Outcome::Failed,
        diagnostics: Vec::new(),
        changed: 0,
        unchanged: 0,
        removed: 0,
        source: clinic.source.clone(),
        staged: Vec::new(),
    };
    if data_errors.is_empty() {
        let reusable = prev.as_ref().filter(|p| {
            !ctx.force
                && p.built
                && p.same_inputs(&r.entry.input_hash)
                && !p.files.is_empty()
                && p.files
                    .iter()
                    .all(|f| ctx.out.file_len(&f.path) == Some(f.bytes))
        });
        if let Some(p) = reusable {
            r.entry.files = p.files.iter().map(PrevFile::entry).collect();
            r.entry.notes = p.notes.to_vec();
            r.unchanged = p.files.len();
            r.outcome = Outcome::Unchanged;
        } else {
            match write_clinic(ctx, &guide, &clinic.key) {
                Ok((files, notes, staged)) => {
                    r.changed = staged.len();
                    r.unchanged = files.len() - staged.len();
                    r.staged = staged;
                    r.entry.files = files;
                    r.entry.notes = notes;
                    r.outcome = Outcome::Rendered;
                }
                Err(e) => {
                    r.entry.status = Status::Failed;
                    r.entry.failure = e.to_string();
                    diagnostics.push(Diagnostic::error(
                        clinic.source.clone(),
                        format!("guide not written: {e}"),
                    ));
                }
            }
        }
        for note in &r.entry.notes {
            diagnostics.push(Diagnostic::warning(
                clinic.source.clone(),
                format!("PDF of {} ({}): {note}", guide.clinic_name, clinic.key),
            ));
        }
    } else {
        r.entry.status = Status::Failed;
        r.entry.failure = ctx.content.strings.fill(
            "dashboard_data_errors",
            &[
                ("count", &data_errors.len().to_string()),
                ("errors", &data_errors.join(" / ")),
            ],
        );
    }
    if ctx.had_prev {
        r.entry.since = crate::manifest::Since::between(prev.as_ref(), &r.entry, unreadable);
    }
    // Files of the last build this one did not write again (a wrong handout
    // must not be left behind when the data is now wrong).
    if let Some(p) = prev {
        for f in &p.files {
            if !r.entry.files.iter().any(|n| *n.path == *f.path) {
                r.removed += usize::from(ctx.out.remove(&f.path) == Removed::Removed);
            }
        }
    }
    r.diagnostics = diagnostics;
    r
}

/// A clinic file read under one key by the last build and under another by
/// this one (it cannot be read now, so it is keyed by its file name; or it
/// was fixed and is keyed by its code again): its last record moves to the
/// new key, so that the dashboard says the clinic now fails (or is built
/// again) instead of naming it gone and a new one. Only records that are a
/// whole file (`…:1:1`), one clinic to the file in both builds, whose old
/// key no record of this build has.
fn follow_renamed_files(
    prev: &mut HashMap<Box<str>, PrevClinic>,
    now: &[Clinic],
    selected: &[bool],
) {
    const WHOLE_FILE: &str = ":1:1";
    if prev.is_empty() {
        return;
    }
    let current: HashSet<&str> = now.iter().map(|c| c.key.as_str()).collect();
    // The last build's records by file: `None` when the file held several.
    let mut by_file: HashMap<Box<str>, Option<Box<str>>> = HashMap::new();
    for (key, p) in prev.iter() {
        if p.source.ends_with(WHOLE_FILE) && !current.contains(&**key) {
            by_file
                .entry(p.source.clone())
                .and_modify(|k| *k = None)
                .or_insert_with(|| Some(key.clone()));
        }
    }
    if by_file.is_empty() {
        return;
    }
    let mut sources: HashMap<String, usize> = HashMap::new();
    for c in now {
        *sources.entry(c.source.to_string()).or_default() += 1;
    }
    for (c, _) in now.iter().zip(selected).filter(|(_, s)| **s) {
        let source = c.source.to_string();
        if !source.ends_with(WHOLE_FILE)
            || sources.get(&source) != Some(&1)
            || prev.contains_key(c.key.as_str())
        {
            continue;
        }
        if let Some(Some(old)) = by_file.remove(source.as_str())
            && let Some(record) = prev.remove(&old)
        {
            prev.insert(c.key.as_str().into(), record);
        }
    }
}

fn count(report: &mut BuildReport, w: Written) {
    match w {
        Written::Changed => report.changed += 1,
        Written::Unchanged => report.unchanged += 1,
    }
}

/// Renders the clinic's HTML guide, PDF handout and sheet and stages them
/// ([`OutDir::stage`]); returns the files, the PDF's warnings and the staged
/// files (those that changed), which the caller commits.
fn write_clinic(
    ctx: &Ctx,
    guide: &Guide,
    key: &str,
) -> Result<(Vec<FileEntry>, Vec<String>, Vec<Staged>)> {
    let r = ctx.renderers;
    let pictures = crate::render::pictures::Pictures::cached(guide, &r.fonts, &r.pictures);
    let (handout_words, sheet_words) = r.words.get_or_init(|| {
        let generic = eval::evaluate_generic(ctx.content);
        (
            crate::render::handout::shared_words(ctx.content, &generic, ctx.today, &r.fonts).ok(),
            crate::render::sheet::shared_words(&generic, &r.fonts).ok(),
        )
    });
    let pdf = crate::render::handout::render_shared(
        guide,
        &r.fonts,
        &pictures.pdf(),
        handout_words.as_ref(),
    )
    .map_err(|e| Error::Pdf(e.to_string()))?;
    let (layout, sheet) =
        crate::render::sheet::render_chosen(guide, &r.fonts, sheet_words.as_ref())
            .map_err(|e| Error::Pdf(e.to_string()))?;
    // The guide prints the sheet as densely as sheet.pdf needed.
    let page = ctx
        .renderers
        .html
        .guide_pictures(guide, &pictures, layout)?;
    let mut files = Vec::new();
    for (name, bytes, sha256) in [
        ("index.html", &page[..], None),
        ("guide.pdf", &pdf.bytes[..], Some(&pdf.sha256)),
        ("sheet.pdf", &sheet.bytes[..], Some(&sheet.sha256)),
    ] {
        let rel = format!("clinics/{key}/{name}");
        files.push(match sha256 {
            Some(h) => FileEntry::hashed(rel, bytes.len(), h),
            None => FileEntry::of(rel, bytes),
        });
    }
    // One check of the clinic's folder for its three files.
    let staged = ctx
        .out
        .stage_all(files.iter().map(|f| f.path.as_str()).zip([
            &page[..],
            &pdf.bytes[..],
            &sheet.bytes[..],
        ]))?;
    Ok((files, pdf.warnings, staged))
}

/// A data issue of `clinic` as a located diagnostic.
pub fn issue_diagnostic(issue: &eval::guide::DataIssue, clinic: &Clinic) -> Diagnostic {
    // A list item's own problem (`items: ip_address`) at the item's line.
    let item = match clinic.values.get(&issue.field).map(|v| &v.value) {
        Some(crate::model::clinic::RawValue::List(items)) => items
            .iter()
            .find(|i| i.pos.to_string() == issue.location)
            .map(|i| i.pos.clone()),
        _ => None,
    };
    let pos = item.unwrap_or_else(|| clinic.pos_of(&issue.field));
    Diagnostic {
        severity: issue.severity,
        pos,
        cell: None,
        message: issue.message.clone(),
        help: issue.expected.clone().map(|e| format!("expected: {e}")),
        redact: false,
    }
}

/// `date_field`: the field the dashboard counts down to (content's
/// `dashboard:`), if any.
fn entry_of(
    guide: &Guide,
    clinic: &Clinic,
    input_hash: String,
    date_field: Option<&str>,
) -> ClinicEntry {
    ClinicEntry {
        key: clinic.key.clone(),
        name: if guide.clinic_name.is_empty() {
            clinic.source.file.display().to_string()
        } else {
            guide.clinic_name.clone()
        },
        code: guide.institution_code.clone(),
        code_typed: guide.institution_code_typed.clone(),
        prefecture: guide.prefecture.clone(),
        documents: String::new(),
        installation: guide
            .facts
            .iter()
            .find(|f| Some(f.path.as_str()) == date_field)
            .map(|f| f.text.clone())
            .unwrap_or_default(),
        installation_date: String::new(),
        installation_typed: String::new(),
        source: clinic.source.to_string(),
        status: Status::Built,
        failure: String::new(),
        errors: guide.count(Severity::Error),
        warnings: guide.count(Severity::Warning),
        findings: guide
            .findings
            .iter()
            .map(|f| Finding {
                severity: f.severity,
                rule: f.rule.clone(),
                title: f.title.clone(),
            })
            .collect(),
        data: guide
            .issues
            .iter()
            .map(|i| DataNote {
                severity: i.severity,
                field: i.field.clone(),
                message: i.message.clone(),
                tidy: i.tidy,
            })
            .collect(),
        notes: Vec::new(),
        input_hash,
        files: Vec::new(),
        since: Default::default(),
    }
}

/// What [`merge`] did.
#[derive(Debug, Default)]
pub struct MergeReport {
    /// Clinics in the joined folder.
    pub clinics: usize,
    /// Clinics without a guide (failed in their shard).
    pub failed: usize,
    /// Files written or replaced.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files of an earlier merge removed.
    pub removed: usize,
    /// Problems that did not stop the merge.
    pub warnings: Vec<String>,
    /// The joined manifest.
    pub manifest: Option<Manifest>,
}

/// Joins the output folders of shards (`tebiki build --shard i/n`) into
/// `out`: every clinic's files (checked against their recorded size and
/// SHA-256), the help site, one manifest and one dashboard drawn from it.
///
/// Refuses folders built from different inputs (content, theme, settings,
/// date, tebiki version), a key present in two folders, and an incomplete
/// set of shards.
pub fn merge(
    dirs: &[PathBuf],
    theme_dir: &Path,
    branding: &std::sync::Arc<crate::branding::Branding>,
    fields: &crate::model::clinic::FieldCatalog,
    out_dir: &Path,
) -> Result<MergeReport> {
    let fail =
        |path: &Path, msg: String| Error::io("cannot merge", path, std::io::Error::other(msg));
    let mut manifests = Vec::new();
    for d in dirs {
        let path = d.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            fail(
                &path,
                format!("{e}; pass folders written by `tebiki build --shard`"),
            )
        })?;
        let m = Manifest::parse(&text).map_err(|e| fail(&path, e))?;
        manifests.push((d.clone(), m));
    }
    let Some((first_dir, first_inputs)) = manifests
        .first()
        .map(|(d, m)| (d.clone(), m.inputs.clone()))
    else {
        return Err(fail(out_dir, "no folders to merge".into()));
    };
    let mut report = MergeReport::default();
    for (d, m) in &manifests[1..] {
        if !m.inputs.compatible(&first_inputs) {
            return Err(fail(
                d,
                format!(
                    "built from other inputs than {} (content, theme, settings, --today or tebiki version differ); rebuild the shards from the same inputs",
                    first_dir.display()
                ),
            ));
        }
        if m.inputs.program != first_inputs.program {
            report.warnings.push(format!(
                "{} was built by another build of tebiki {} than {}",
                d.display(),
                m.inputs.tebiki,
                first_dir.display()
            ));
        }
    }
    // Shards: all of one count, each index once, none missing.
    let shards: Vec<Option<Shard>> = manifests.iter().map(|(_, m)| m.shard).collect();
    if let Some(Some(s0)) = shards.first() {
        let mut seen = vec![false; s0.count as usize];
        for ((d, _), s) in manifests.iter().zip(&shards) {
            match s {
                Some(s) if s.count == s0.count => {
                    if std::mem::replace(&mut seen[s.index as usize], true) {
                        return Err(fail(
                            d,
                            format!("shard {}/{} given twice", s.index, s.count),
                        ));
                    }
                }
                _ => {
                    return Err(fail(
                        d,
                        format!(
                            "not a shard of {} (others are INDEX/{})",
                            s0.count, s0.count
                        ),
                    ));
                }
            }
        }
        let missing: Vec<String> = seen
            .iter()
            .enumerate()
            .filter(|(_, s)| !**s)
            .map(|(i, _)| format!("{i}/{}", s0.count))
            .collect();
        if !missing.is_empty() {
            return Err(fail(
                out_dir,
                format!(
                    "shard(s) {} missing; pass every shard folder",
                    missing.join(", ")
                ),
            ));
        }
    }
    let out = OutDir::open(out_dir)?;
    if dirs.iter().any(|d| same_dir(d, out_dir)) {
        return Err(fail(
            out_dir,
            "--out must be a new folder, not one of the shards".into(),
        ));
    }
    // An unusable last manifest: nothing of the last merge is deleted.
    let prev = read_manifest(&out, MAX_MANIFEST_FILE, &mut Some).unwrap_or_default();
    let copy = |from: &Path, f: &FileEntry, report: &mut MergeReport| -> Result<()> {
        let src = from.join(&f.path);
        let bytes = std::fs::read(&src).map_err(|e| Error::io("cannot read", &src, e))?;
        let got = FileEntry::of(f.path.clone(), &bytes);
        if &got != f {
            return Err(fail(
                &src,
                "differs from its manifest (size or SHA-256); rebuild this shard".into(),
            ));
        }
        count_merge(report, out.write(&f.path, &bytes)?);
        Ok(())
    };
    let mut clinics: Vec<ClinicEntry> = Vec::new();
    let mut owner: HashMap<String, PathBuf> = HashMap::new();
    let mut shared: Vec<FileEntry> = Vec::new();
    for (d, m) in &manifests {
        for f in &m.files {
            if f.path == DASHBOARD {
                continue;
            }
            match shared.iter().find(|s| s.path == f.path) {
                Some(s) if s == f => {}
                Some(_) => {
                    return Err(fail(d, format!("{} differs between shards", f.path)));
                }
                None => {
                    copy(d, f, &mut report)?;
                    shared.push(f.clone());
                }
            }
        }
    }
    for (d, m) in manifests {
        for c in m.clinics {
            if let Some(other) = owner.insert(c.key.clone(), d.clone()) {
                return Err(fail(
                    &d,
                    format!(
                        "clinic {} is also in {}; shards must be disjoint",
                        c.key,
                        other.display()
                    ),
                ));
            }
            for f in &c.files {
                copy(&d, f, &mut report)?;
            }
            clinics.push(c);
        }
    }
    clinics.sort_by(|a, b| a.key.cmp(&b.key));
    let theme = Theme::new(Some(theme_dir));
    let html = HtmlRenderer::new(&theme)?
        .with_branding(branding.clone())
        .with_dashboard_columns(fields);
    let inputs = first_inputs;
    if tree_hash(theme_dir, None) != inputs.theme {
        report.warnings.push(format!(
            "the theme {} differs from the one the shards were built with; the dashboard is drawn with it",
            theme_dir.display()
        ));
    }
    let dash = html.dashboard(&dashboard_rows(&clinics, &inputs.today), &inputs.today)?;
    count_merge(&mut report, out.write(DASHBOARD, dash.as_bytes())?);
    shared.push(FileEntry::of(DASHBOARD.to_string(), dash.as_bytes()));
    shared.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        format: crate::manifest::FORMAT,
        inputs,
        shard: None,
        clinics,
        files: shared,
    };
    if let Some(p) = prev {
        let now: HashSet<&str> = manifest.paths().collect();
        for path in p.paths() {
            if !now.contains(path) {
                report.removed += usize::from(out.remove(path) == Removed::Removed);
            }
        }
    }
    write_manifest(&out, &manifest)?;
    report.clinics = manifest.clinics.len();
    report.failed = manifest
        .clinics
        .iter()
        .filter(|c| c.status == Status::Failed)
        .count();
    report.manifest = Some(manifest);
    Ok(report)
}

fn count_merge(report: &mut MergeReport, w: Written) {
    match w {
        Written::Changed => report.changed += 1,
        Written::Unchanged => report.unchanged += 1,
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fallback_font_change_changes_the_inputs_hash() {
        let dir = tempfile::tempdir().unwrap();
        let font = dir.path().join("fallback.ttf");
        std::fs::write(&font, b"one").unwrap();
        let today: Date = "2026-11-24".parse().unwrap();
        let mut cfg = Config {
            content: dir.path().join("content"),
            theme: dir.path().join("theme"),
            fallback_font: font.clone(),
            ..Config::default()
        };
        let first = inputs_of(&cfg, today).config;
        assert_eq!(inputs_of(&cfg, today).config, first, "stable");
        // Same path, other bytes (a font package update).
        std::fs::write(&font, b"other font").unwrap();
        let updated = inputs_of(&cfg, today).config;
        assert_ne!(updated, first);
        // Another file.
        cfg.fallback_font = dir.path().join("missing.ttc");
        assert_ne!(inputs_of(&cfg, today).config, updated);
    }
}
