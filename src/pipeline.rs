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
use std::collections::BTreeMap;
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
    let (content, mut diagnostics) = load::load_content(&cfg.content);
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

/// Builds every clinic guide and the dashboard.
pub fn build(cfg: &Config, opts: &BuildOptions) -> Result<BuildReport> {
    let project = load_project(cfg)?;
    let theme = Theme::new(Some(&cfg.theme));
    let html = HtmlRenderer::new(&theme)?;
    let fonts = theme.pdf_fonts()?;
    let mut report = BuildReport {
        diagnostics: project.diagnostics,
        out: cfg.out.clone(),
        ..BuildReport::default()
    };
    let mut rows = Vec::new();
    let clinics_dir = cfg.out.join("clinics");
    for clinic in &project.clinics {
        let facts = eval::facts::build(clinic, &project.content, opts.today);
        let guide = eval::evaluate_with_facts(&project.content, clinic, &facts);
        let data_errors: Vec<_> = guide
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .collect();
        for issue in &guide.issues {
            report.diagnostics.push(issue_diagnostic(issue, clinic));
        }
        let dir = clinics_dir.join(&clinic.key);
        let mut row = dashboard_row(&guide, clinic);
        let outcome = if data_errors.is_empty() {
            match write_clinic(&html, &fonts, &guide, &dir, &mut report) {
                Ok(warnings) => {
                    for w in warnings {
                        report.diagnostics.push(Diagnostic::warning(
                            clinic.source.clone(),
                            format!("PDF: {w}"),
                        ));
                    }
                    row.ok = true;
                    row.has_pdf = true;
                    true
                }
                Err(e) => {
                    row.failure = e.to_string();
                    report.diagnostics.push(Diagnostic::error(
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
                data_errors
                    .iter()
                    .map(|i| i.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" / ")
            );
            false
        };
        report.clinics.push(ClinicOutcome {
            key: clinic.key.clone(),
            name: guide.clinic_name.clone(),
            ok: outcome,
            findings: guide
                .findings
                .iter()
                .map(|f| (f.severity, f.rule.clone(), f.title.clone()))
                .collect(),
        });
        rows.push(row);
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    let dash = html.dashboard(&rows, &opts.today.to_string())?;
    count(
        &mut report,
        write_atomic(&clinics_dir.join("index.html"), dash.as_bytes())?,
    );
    Ok(report)
}

fn count(report: &mut BuildReport, w: Written) {
    match w {
        Written::Changed => report.changed += 1,
        Written::Unchanged => report.unchanged += 1,
    }
}

/// Writes the clinic's HTML guide and PDF handout; returns the PDF's warnings.
fn write_clinic(
    html: &HtmlRenderer,
    fonts: &crate::render::pdf::Fonts,
    guide: &Guide,
    dir: &Path,
    report: &mut BuildReport,
) -> Result<Vec<String>> {
    let pics = BTreeMap::new();
    let page = html.guide(guide, &pics)?;
    let pdf = crate::render::handout::render(guide, fonts, &BTreeMap::new())
        .map_err(|e| Error::Pdf(e.to_string()))?;
    count(
        report,
        write_atomic(&dir.join("index.html"), page.as_bytes())?,
    );
    count(report, write_atomic(&dir.join("guide.pdf"), &pdf.bytes)?);
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
