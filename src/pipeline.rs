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
use crate::model::clinic::Clinic;
use crate::model::manual::Content;
use crate::model::{Severity, SourcePos};
use crate::render::html::{DashboardRow, HtmlRenderer};
use crate::render::theme::Theme;
use crate::write::{Written, write_atomic};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

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
    apply_header_mapping(&mut content, cfg, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(Error::Invalid(diagnostics));
    }
    let (clinics, clinic_diags) = load_clinics(&cfg.clinics, &content);
    diagnostics.extend(clinic_diags);
    Ok(Project {
        content,
        clinics,
        diagnostics,
    })
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
    d.push(
        Diagnostic::error(
            SourcePos::new(std::sync::Arc::new(path.to_path_buf()), 0, 0),
            "clinic data not found",
        )
        .with_help("pass --clinics with a folder of clinic YAML files, a .csv or an .xlsx file"),
    );
    (Vec::new(), d)
}

/// Outcome for one clinic.
#[derive(Debug, Clone)]
pub struct ClinicOutcome {
    /// Output key.
    pub key: String,
    /// Clinic name (or file name when unreadable).
    pub name: String,
    /// Guide written.
    pub ok: bool,
    /// Rule findings: (severity, rule id, title).
    pub findings: Vec<(Severity, String, String)>,
}

/// Result of a build.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// All diagnostics (loading and data validation).
    pub diagnostics: Diagnostics,
    /// Per-clinic outcomes, in key order.
    pub clinics: Vec<ClinicOutcome>,
    /// Files written or replaced.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Output folder.
    pub out: PathBuf,
}

impl BuildReport {
    /// True when any clinic failed or any error was reported.
    pub fn failed(&self) -> bool {
        self.diagnostics.has_errors() || self.clinics.iter().any(|c| !c.ok)
    }
}

/// Options of a build beyond the config.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The date the guides are computed for.
    pub today: Date,
}

/// What one clinic produced; merged into the report in clinic order.
struct ClinicResult {
    outcome: ClinicOutcome,
    row: DashboardRow,
    diagnostics: Vec<Diagnostic>,
    written: Vec<Written>,
}

/// Everything needed to render, shared read-only by the worker threads.
struct Renderers {
    html: HtmlRenderer,
    fonts: crate::render::pdf::Fonts,
}

/// Builds every clinic guide and the dashboard.
///
/// Clinics are processed in parallel (one worker per core); results are
/// merged in clinic order, so output and messages do not depend on timing.
pub fn build(cfg: &Config, opts: &BuildOptions) -> Result<BuildReport> {
    let project = load_project(cfg)?;
    let theme = Theme::new(Some(&cfg.theme));
    let site = crate::site::build_site(&project.content, &cfg.site, &theme, &cfg.out.join("site"))?;
    let renderers = Renderers {
        html: HtmlRenderer::new(&theme)?,
        fonts: theme.pdf_fonts()?,
    };
    let mut report = BuildReport {
        diagnostics: project.diagnostics,
        out: cfg.out.clone(),
        ..BuildReport::default()
    };
    report.changed += site.changed;
    report.unchanged += site.unchanged;
    let clinics_dir = cfg.out.join("clinics");
    let results = parallel_map(&project.clinics, |clinic| {
        process_clinic(
            clinic,
            &project.content,
            &renderers,
            opts.today,
            &clinics_dir,
        )
    });
    let mut rows = Vec::new();
    for r in results {
        report.diagnostics.0.extend(r.diagnostics);
        for w in r.written {
            count(&mut report, w);
        }
        report.clinics.push(r.outcome);
        rows.push(r.row);
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    // Guides of clinics no longer in the data would be handed out by mistake.
    let keys: std::collections::BTreeSet<&str> =
        project.clinics.iter().map(|c| c.key.as_str()).collect();
    if let Ok(entries) = std::fs::read_dir(&clinics_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && !keys.contains(name.as_str()) {
                remove_stale(&e.path());
                let _ = std::fs::remove_dir(e.path()); // only when nothing else is inside
            }
        }
    }
    let dash = renderers.html.dashboard(&rows, &opts.today.to_string())?;
    count(
        &mut report,
        write_atomic(&clinics_dir.join("index.html"), dash.as_bytes())?,
    );
    Ok(report)
}

/// Maps `f` over `items` on all cores, keeping the input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    if workers <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    // A worker that panicked lost its results: redo those items here, so a
    // bug surfaces as a panic in this thread instead of a silently missing clinic.
    let done: std::collections::BTreeSet<usize> = slots.iter().map(|(i, _)| *i).collect();
    for (i, item) in items.iter().enumerate() {
        if !done.contains(&i) {
            slots.push((i, f(item)));
        }
    }
    slots.sort_by_key(|(i, _)| *i);
    slots.into_iter().map(|(_, r)| r).collect()
}

fn process_clinic(
    clinic: &Clinic,
    content: &Content,
    renderers: &Renderers,
    today: Date,
    clinics_dir: &Path,
) -> ClinicResult {
    let facts = eval::facts::build(clinic, content, today);
    let guide = eval::evaluate_with_facts(content, clinic, &facts);
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
        .map(|issue| issue_diagnostic(issue, clinic))
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
    let dir = clinics_dir.join(&clinic.key);
    let mut row = dashboard_row(&guide, clinic);
    let mut written = Vec::new();
    let ok = if data_errors.is_empty() {
        match write_clinic(renderers, &guide, &dir, &mut written) {
            Ok(warnings) => {
                for w in warnings {
                    diagnostics.push(Diagnostic::warning(
                        clinic.source.clone(),
                        format!("PDF of {} ({}): {w}", guide.clinic_name, clinic.key),
                    ));
                }
                row.ok = true;
                row.has_pdf = true;
                true
            }
            Err(e) => {
                row.failure = e.to_string();
                diagnostics.push(Diagnostic::error(
                    clinic.source.clone(),
                    format!("guide not written: {e}"),
                ));
                false
            }
        }
    } else {
        // Never leave an old handout of a clinic whose data is now wrong.
        remove_stale(&dir);
        row.failure = format!(
            "データの誤り {} 件のため手順書を作成していません: {}",
            data_errors.len(),
            data_errors.join(" / ")
        );
        false
    };
    ClinicResult {
        outcome: ClinicOutcome {
            key: clinic.key.clone(),
            name: guide.clinic_name.clone(),
            ok,
            findings: guide
                .findings
                .iter()
                .map(|f| (f.severity, f.rule.clone(), f.title.clone()))
                .collect(),
        },
        row,
        diagnostics,
        written,
    }
}

fn count(report: &mut BuildReport, w: Written) {
    match w {
        Written::Changed => report.changed += 1,
        Written::Unchanged => report.unchanged += 1,
    }
}

/// Writes the clinic's HTML guide and PDF handout; returns the PDF's warnings.
fn write_clinic(
    renderers: &Renderers,
    guide: &Guide,
    dir: &Path,
    written: &mut Vec<Written>,
) -> Result<Vec<String>> {
    let pictures = crate::render::pictures::Pictures::new(guide);
    let page = renderers.html.guide(guide, &pictures.svg())?;
    let pdf = crate::render::handout::render(guide, &renderers.fonts, &pictures.pdf())
        .map_err(|e| Error::Pdf(e.to_string()))?;
    written.push(write_atomic(&dir.join("index.html"), page.as_bytes())?);
    written.push(write_atomic(&dir.join("guide.pdf"), &pdf.bytes)?);
    Ok(pdf.warnings)
}

fn remove_stale(dir: &Path) {
    for name in ["index.html", "guide.pdf"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
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

fn dashboard_row(guide: &Guide, clinic: &Clinic) -> DashboardRow {
    DashboardRow {
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
        errors: guide.count(Severity::Error),
        warnings: guide.count(Severity::Warning),
        headlines: guide.findings.iter().map(|f| f.title.clone()).collect(),
        ok: false,
        failure: String::new(),
        has_pdf: false,
    }
}
