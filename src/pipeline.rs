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
use crate::manifest::{
    ClinicEntry, FileEntry, Finding, Inputs, MANIFEST_FILE, Manifest, PartHasher, Shard, Status,
};
use crate::model::clinic::{Clinic, RawValue};
use crate::model::manual::Content;
use crate::model::{Severity, SourcePos};
use crate::render::html::{DashboardRow, Headline, HtmlRenderer};
use crate::render::theme::Theme;
use crate::write::{OutDir, Removed, Written};
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
    .with_help("pass --clinics with a folder of clinic YAML files, a .csv or an .xlsx file")
}

/// Adds the config's column headers to the clinic schema (unknown fields are errors).
pub fn apply_header_mapping(content: &mut Content, cfg: &Config, diags: &mut Diagnostics) {
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

/// Reads clinic data from a folder of YAML files, a CSV or an XLSX file.
pub fn load_clinics(path: &Path, content: &Content) -> (Vec<Clinic>, Diagnostics) {
    if path.is_dir() {
        return load::clinics::load_dir(path, &content.fields);
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

/// Outcome for one clinic.
#[derive(Debug, Clone)]
pub struct ClinicOutcome {
    /// Output key.
    pub key: String,
    /// Clinic name (or file name when unreadable).
    pub name: String,
    /// A guide is in the folder for it.
    pub ok: bool,
    /// What this run did.
    pub outcome: Outcome,
}

/// Result of a build.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// All diagnostics (loading and data validation).
    pub diagnostics: Diagnostics,
    /// Per-clinic outcomes, in key order.
    pub clinics: Vec<ClinicOutcome>,
    /// What is now in the folder (also written to `OUT/manifest.json`).
    pub manifest: Option<Manifest>,
    /// Files written or replaced.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files of an earlier build removed (their clinic is gone or failed).
    pub removed: usize,
    /// Temporary files of a killed run removed.
    pub temp_removed: usize,
    /// Files in the folder that tebiki did not write (left alone).
    pub foreign: Vec<String>,
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
        self.diagnostics.has_errors() || self.clinics.iter().any(|c| !c.ok)
    }

    /// Number of clinics with the given outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.clinics.iter().filter(|c| c.outcome == outcome).count()
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
}

/// Everything needed to render, shared read-only by the worker threads.
struct Renderers {
    html: HtmlRenderer,
    fonts: crate::render::pdf::Fonts,
}

/// Shared state of the workers.
struct Ctx<'a> {
    content: &'a Content,
    renderers: &'a Renderers,
    today: Date,
    out: &'a OutDir,
    inputs: &'a Inputs,
    force: bool,
    /// Entries of the last build not yet claimed by a clinic of this one.
    prev: &'a Mutex<HashMap<String, ClinicEntry>>,
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
pub fn build_batch(cfg: &Config, opts: &BuildOptions, batch: &BatchOptions) -> Result<BuildReport> {
    let (content, content_diags) = load_checked_content(cfg)?;
    let theme = Theme::new(Some(&cfg.theme));
    let renderers = Renderers {
        html: HtmlRenderer::new(&theme)?.with_branding(cfg.branding.clone()),
        fonts: theme.pdf_fonts()?.with_fallback(&cfg.fallback_font),
    };
    let out = OutDir::open(&cfg.out)?;
    let sweep = out.sweep();
    let mut report = BuildReport {
        diagnostics: content_diags,
        out: cfg.out.clone(),
        temp_removed: sweep.temp_removed,
        ..BuildReport::default()
    };
    let prev = read_manifest(&out, &mut report.diagnostics);
    let recorded: HashSet<String> = prev
        .as_ref()
        .map(|m| m.paths().map(str::to_string).collect())
        .unwrap_or_default();
    let inputs = inputs_of(cfg, opts.today);

    // The help site depends on content, theme and settings only.
    let prev_files = prev.as_ref().map(|m| m.files.clone()).unwrap_or_default();
    let same_inputs = prev.as_ref().is_some_and(|m| m.inputs == inputs);
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
        for (rel, bytes) in site {
            let rel = format!("site/{rel}");
            count(&mut report, out.write(&rel, &bytes)?);
            entries.push(FileEntry::of(rel, &bytes));
        }
        entries
    };

    // Clinics: selection, then the workers.
    let only: BTreeSet<&str> = batch.only.iter().map(String::as_str).collect();
    let mut prev_map: HashMap<String, ClinicEntry> = HashMap::new();
    if let Some(m) = prev {
        prev_map.extend(m.clinics.into_iter().map(|c| (c.key.clone(), c)));
    }
    // Pass 1: every record's key (clinics are not kept), so that duplicate
    // institution codes are found before any clinic is built.
    let mut keys: Vec<Clinic> = Vec::new();
    let mut pass1 = Diagnostics::default();
    let found = stream_clinics(&cfg.clinics, &content, &mut pass1, &mut |c| {
        keys.push(Clinic {
            key: c.key,
            source: c.source,
            values: Default::default(),
            load_errors: Vec::new(),
        })
    });
    let mut dedupe = Diagnostics::default();
    crate::load::clinics::dedupe_keys(&mut keys, &mut dedupe);
    if keys.is_empty() {
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
    let mut order: Vec<String> = Vec::new();
    let mut kept_keys: Vec<String> = Vec::new();
    let mut selected = vec![false; keys.len()];
    {
        let mut found: BTreeSet<&str> = BTreeSet::new();
        for (i, c) in keys.iter().enumerate() {
            if only.contains(c.key.as_str()) {
                found.insert(c.key.as_str());
            }
            if !batch.shard.is_none_or(|s| s.contains(&c.key)) {
                continue;
            }
            order.push(c.key.clone());
            if only.is_empty() || only.contains(c.key.as_str()) {
                selected[i] = true;
            } else {
                kept_keys.push(c.key.clone());
            }
        }
        report.unknown_only = only
            .iter()
            .filter(|k| !found.contains(**k))
            .map(|k| k.to_string())
            .collect();
    }
    let total = selected.iter().filter(|s| **s).count();
    if let Some(p) = &batch.progress {
        p.total(total);
    }
    let prev_lock = Mutex::new(prev_map);
    let ctx = Ctx {
        content: &content,
        renderers: &renderers,
        today: opts.today,
        out: &out,
        inputs: &inputs,
        force: batch.force,
        prev: &prev_lock,
    };
    let mut entries: Vec<ClinicEntry> = Vec::new();
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
        report.clinics.push(ClinicOutcome {
            key: r.entry.key.clone(),
            name: r.entry.name.clone(),
            ok: r.entry.status == Status::Built,
            outcome: r.outcome,
        });
        entries.push(r.entry);
    });
    report.diagnostics.extend(load_diags);
    let mut prev_left = prev_lock.into_inner().unwrap_or_else(|e| e.into_inner());
    // Not selected by --only: the last build's result stays as it was.
    for key in kept_keys {
        if let Some(e) = prev_left.remove(&key) {
            report.clinics.push(ClinicOutcome {
                key: e.key.clone(),
                name: e.name.clone(),
                ok: e.status == Status::Built,
                outcome: Outcome::Kept,
            });
            entries.push(e);
        }
    }
    // Clinics gone from the data (or from this shard): their guides would be
    // handed out by mistake. Only files the last build recorded are deleted.
    for e in prev_left.into_values() {
        for f in &e.files {
            report.removed += usize::from(out.remove(&f.path) == Removed::Removed);
        }
    }
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    report.clinics.sort_by(|a, b| a.key.cmp(&b.key));

    let dash = renderers.html.dashboard(
        &dashboard_rows(&entries, &opts.today.to_string()),
        &opts.today.to_string(),
    )?;
    count(&mut report, out.write(DASHBOARD, dash.as_bytes())?);
    files.push(FileEntry::of(DASHBOARD.to_string(), dash.as_bytes()));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in &prev_files {
        if !files.iter().any(|n| n.path == f.path) {
            report.removed += usize::from(out.remove(&f.path) == Removed::Removed);
        }
    }
    let manifest = Manifest {
        format: crate::manifest::FORMAT,
        inputs,
        shard: batch.shard,
        clinics: entries,
        files,
    };
    let ours: HashSet<&str> = manifest.paths().collect();
    report.foreign = sweep
        .files
        .into_iter()
        .filter(|f| !ours.contains(f.as_str()) && !recorded.contains(f))
        .collect();
    write_manifest(&out, &manifest)?;
    if let Some(path) = &batch.combined {
        let file = if batch.combined_sheets {
            "sheet.pdf"
        } else {
            "guide.pdf"
        };
        report.combined = Some(write_combined(&out, &manifest, &order, path, file)?);
    }
    report.manifest = Some(manifest);
    Ok(report)
}

/// Joins `file` (`guide.pdf` or `sheet.pdf`) of every built clinic, in data
/// order, into `path`.
fn write_combined(
    out: &OutDir,
    manifest: &Manifest,
    order: &[String],
    path: &Path,
    file: &str,
) -> Result<crate::combined::Combined> {
    let by_key: HashMap<&str, &ClinicEntry> = manifest
        .clinics
        .iter()
        .map(|c| (c.key.as_str(), c))
        .collect();
    let parts = order
        .iter()
        .filter_map(|k| by_key.get(k.as_str()))
        .filter(|c| c.status == Status::Built)
        .filter_map(|c| {
            let f = c
                .files
                .iter()
                .find(|f| f.path.rsplit('/').next() == Some(file))?;
            Some((c, out.root().join(&f.path)))
        })
        .map(|(c, file)| {
            let bytes = std::fs::read(&file).map_err(|e| Error::io("cannot read", &file, e))?;
            Ok((format!("{} {}", c.key, c.name), bytes))
        });
    let mut stats = None;
    crate::write::write_atomic_streamed(path, |w| {
        stats = Some(crate::combined::combine_to(parts, w)?);
        Ok(())
    })?;
    Ok(stats.unwrap_or_default())
}

/// Path of the dashboard in the output folder.
pub const DASHBOARD: &str = "clinics/index.html";

/// Reads the last build's manifest; a broken one is reported and ignored
/// (everything is rendered again, nothing of it deleted).
fn read_manifest(out: &OutDir, diags: &mut Diagnostics) -> Option<Manifest> {
    let path = out.root().join(MANIFEST_FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    let text = if meta.is_file() {
        std::fs::read_to_string(&path).map_err(|e| e.to_string())
    } else {
        Err("not a regular file".to_string())
    };
    match text.and_then(|t| Manifest::parse(&t)) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    SourcePos::new(Arc::new(path), 0, 0),
                    format!("the last build's manifest cannot be used ({e}); rendering everything"),
                )
                .with_help("files of earlier builds that are not in a manifest are left alone"),
            );
            None
        }
    }
}

/// Writes the manifest (compact JSON, one clinic per line) atomically.
pub fn write_manifest(out: &OutDir, m: &Manifest) -> Result<()> {
    let mut buf = Vec::new();
    let io =
        |e: serde_json::Error| Error::io("cannot write", MANIFEST_FILE, std::io::Error::other(e));
    let head = serde_json::json!({
        "format": m.format,
        "inputs": m.inputs,
        "shard": m.shard,
    });
    // Hand-joined so that each clinic is one line (diffable, greppable) and
    // the whole file is still one JSON document of the documented shape.
    buf.extend_from_slice(b"{\n");
    if let serde_json::Value::Object(map) = head {
        for (k, v) in map {
            if v.is_null() {
                continue;
            }
            buf.extend_from_slice(format!("  {}: ", serde_json::Value::String(k)).as_bytes());
            serde_json::to_writer(&mut buf, &v).map_err(io)?;
            buf.extend_from_slice(b",\n");
        }
    }
    for (name, items) in [
        ("clinics", ManifestItems::Clinics(&m.clinics)),
        ("files", ManifestItems::Files(&m.files)),
    ] {
        buf.extend_from_slice(format!("  \"{name}\": [").as_bytes());
        let n = items.len();
        for i in 0..n {
            buf.extend_from_slice(b"\n    ");
            items.write(i, &mut buf).map_err(io)?;
            if i + 1 < n {
                buf.push(b',');
            }
        }
        buf.extend_from_slice(if n == 0 { b"]" } else { b"\n  ]" });
        buf.extend_from_slice(if name == "files" { b"\n" } else { b",\n" });
    }
    buf.extend_from_slice(b"}\n");
    out.write(MANIFEST_FILE, &html_safe_json(buf))?;
    Ok(())
}

/// Escapes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`: clinic names
/// are untrusted, and a JSON file sniffed or embedded as HTML must not carry
/// markup. JSON syntax never uses these bytes outside strings, so the
/// replacement keeps the document's meaning.
fn html_safe_json(buf: Vec<u8>) -> Vec<u8> {
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

enum ManifestItems<'a> {
    Clinics(&'a [ClinicEntry]),
    Files(&'a [FileEntry]),
}

impl ManifestItems<'_> {
    fn len(&self) -> usize {
        match self {
            ManifestItems::Clinics(c) => c.len(),
            ManifestItems::Files(f) => f.len(),
        }
    }
    fn write(&self, i: usize, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        match self {
            ManifestItems::Clinics(c) => serde_json::to_writer(buf, &c[i]),
            ManifestItems::Files(f) => serde_json::to_writer(buf, &f[i]),
        }
    }
}

/// The dashboard's rows, from manifest entries (so `tebiki merge` draws
/// the same dashboard from joined manifests), most urgent first: clinics
/// without a guide, then errors, then warnings, each by days left to
/// installation (unknown last), then by code. `today` (`YYYY-MM-DD`) is the
/// build's date.
pub fn dashboard_rows(entries: &[ClinicEntry], today: &str) -> Vec<DashboardRow> {
    let today = eval::dates::parse_iso(today);
    let mut rows: Vec<DashboardRow> = entries
        .iter()
        .map(|e| {
            let ok = e.status == Status::Built;
            let (state, rank) = if !ok {
                ("failed", 0)
            } else if e.errors > 0 {
                ("error", 1)
            } else if e.warnings > 0 || !e.notes.is_empty() {
                // Notes: what the PDF could not print (a character no font has).
                ("warning", 2)
            } else {
                ("ok", 3)
            };
            let mut headlines: Vec<Headline> = e
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| Headline {
                    severity: f.severity,
                    title: f.title.clone(),
                })
                .collect();
            headlines.extend(e.notes.iter().map(|n| Headline {
                severity: Severity::Warning,
                title: n.clone(),
            }));
            headlines.sort_by_key(|h| h.severity);
            let days = eval::dates::parse_iso(&e.installation_date)
                .zip(today)
                .map(|(install, today)| eval::dates::days_between(today, install));
            DashboardRow {
                key: e.key.clone(),
                name: e.name.clone(),
                code: e.code.clone(),
                prefecture: e.prefecture.clone(),
                installation: e.installation.clone(),
                installation_date: e.installation_date.clone(),
                days,
                state,
                rank,
                errors: e.errors,
                warnings: e.warnings + e.notes.len(),
                headlines,
                routine: e
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Info)
                    .map(|f| f.title.clone())
                    .collect(),
                ok,
                failure: e.failure.clone(),
                has_pdf: e.files.iter().any(|f| f.path.ends_with("/guide.pdf")),
                has_sheet: e.files.iter().any(|f| f.path.ends_with("/sheet.pdf")),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.rank, a.days.is_none(), a.days, &a.code, &a.key).cmp(&(
            b.rank,
            b.days.is_none(),
            b.days,
            &b.code,
            &b.key,
        ))
    });
    rows
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
    let (res_tx, res_rx) = mpsc::sync_channel::<ClinicResult>(workers * 2);
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
        for r in res_rx {
            done(r);
        }
        producer
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// [`process_clinic`], turning a panic (a bug in tebiki) into a failed
/// clinic with a message instead of a silently missing one.
fn process_guarded(clinic: Clinic, ctx: &Ctx) -> ClinicResult {
    let key = clinic.key.clone();
    let source = clinic.source.clone();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_clinic(clinic, ctx))) {
        Ok(r) => r,
        Err(_) => {
            let failure = ctx.content.strings.get("dashboard_internal_error");
            ClinicResult {
                entry: ClinicEntry {
                    key: key.clone(),
                    name: String::new(),
                    code: String::new(),
                    prefecture: String::new(),
                    installation: String::new(),
                    installation_date: String::new(),
                    source: source.to_string(),
                    status: Status::Failed,
                    failure: failure.into(),
                    errors: 1,
                    warnings: 0,
                    findings: Vec::new(),
                    notes: Vec::new(),
                    input_hash: String::new(),
                    files: Vec::new(),
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
    let data_errors: Vec<&str> = clinic
        .load_errors
        .iter()
        .map(String::as_str)
        .chain(
            issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .map(|i| i.message.as_str()),
        )
        .collect();
    let input_hash = clinic_hash(ctx.inputs, &clinic);
    let mut entry = entry_of(&guide, &clinic, input_hash);
    if let Some(d) = facts.date("installation_date") {
        entry.installation_date = d.to_string();
    }
    let prev = ctx.prev.lock().ok().and_then(|mut m| m.remove(&clinic.key));
    let mut r = ClinicResult {
        entry,
        outcome: Outcome::Failed,
        diagnostics: Vec::new(),
        changed: 0,
        unchanged: 0,
        removed: 0,
    };
    if data_errors.is_empty() {
        let reusable = prev.as_ref().filter(|p| {
            !ctx.force
                && p.status == Status::Built
                && p.input_hash == r.entry.input_hash
                && !p.files.is_empty()
                && p.files
                    .iter()
                    .all(|f| ctx.out.file_len(&f.path) == Some(f.bytes))
        });
        if let Some(p) = reusable {
            r.entry.files = p.files.clone();
            r.entry.notes = p.notes.clone();
            r.unchanged = p.files.len();
            r.outcome = Outcome::Unchanged;
        } else {
            match write_clinic(ctx, &guide, &clinic.key) {
                Ok((files, notes, changed)) => {
                    r.changed = changed;
                    r.unchanged = files.len() - changed;
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
    // Files of the last build this one did not write again (a wrong handout
    // must not be left behind when the data is now wrong).
    if let Some(p) = prev {
        for f in &p.files {
            if !r.entry.files.iter().any(|n| n.path == f.path) {
                r.removed += usize::from(ctx.out.remove(&f.path) == Removed::Removed);
            }
        }
    }
    r.diagnostics = diagnostics;
    r
}

fn count(report: &mut BuildReport, w: Written) {
    match w {
        Written::Changed => report.changed += 1,
        Written::Unchanged => report.unchanged += 1,
    }
}

/// Renders and writes the clinic's HTML guide and PDF handout; returns the
/// files, the PDF's warnings and how many files changed.
fn write_clinic(
    ctx: &Ctx,
    guide: &Guide,
    key: &str,
) -> Result<(Vec<FileEntry>, Vec<String>, usize)> {
    let pictures = crate::render::pictures::Pictures::new(guide);
    let page = ctx.renderers.html.guide(guide, &pictures.svg())?;
    let pdf = crate::render::handout::render(guide, &ctx.renderers.fonts, &pictures.pdf())
        .map_err(|e| Error::Pdf(e.to_string()))?;
    let sheet = crate::render::sheet::render(guide, &ctx.renderers.fonts)
        .map_err(|e| Error::Pdf(e.to_string()))?;
    let mut files = Vec::new();
    let mut changed = 0;
    for (name, bytes) in [
        ("index.html", page.as_bytes()),
        ("guide.pdf", &pdf.bytes[..]),
        ("sheet.pdf", &sheet.bytes[..]),
    ] {
        let rel = format!("clinics/{key}/{name}");
        if ctx.out.write(&rel, bytes)? == Written::Changed {
            changed += 1;
        }
        files.push(FileEntry::of(rel, bytes));
    }
    Ok((files, pdf.warnings, changed))
}

/// A data issue of `clinic` as a located diagnostic.
pub fn issue_diagnostic(issue: &eval::guide::DataIssue, clinic: &Clinic) -> Diagnostic {
    let pos = clinic
        .values
        .get(&issue.field)
        .map(|v| v.pos.clone())
        .unwrap_or_else(|| clinic.source.clone());
    Diagnostic {
        severity: issue.severity,
        pos,
        cell: None,
        message: issue.message.clone(),
        help: issue.expected.clone().map(|e| format!("expected: {e}")),
        redact: false,
    }
}

fn entry_of(guide: &Guide, clinic: &Clinic, input_hash: String) -> ClinicEntry {
    ClinicEntry {
        key: clinic.key.clone(),
        name: if guide.clinic_name.is_empty() {
            clinic.source.file.display().to_string()
        } else {
            guide.clinic_name.clone()
        },
        code: guide.institution_code.clone(),
        prefecture: guide.prefecture.clone(),
        installation: guide
            .facts
            .iter()
            .find(|f| f.path == "installation_date")
            .map(|f| f.text.clone())
            .unwrap_or_default(),
        installation_date: String::new(),
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
        notes: Vec::new(),
        input_hash,
        files: Vec::new(),
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
    let prev = read_manifest(&out, &mut Diagnostics::default());
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
    let html = HtmlRenderer::new(&theme)?.with_branding(branding.clone());
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
    fn manifest_json_carries_no_markup_and_keeps_its_meaning() {
        let v = serde_json::json!({"name": "<script>&\"x\"</script>"});
        let safe = html_safe_json(serde_json::to_vec(&v).unwrap());
        let text = String::from_utf8(safe.clone()).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back, v);
    }

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
