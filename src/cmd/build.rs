//! `tebiki build`: guides, handouts, dashboard, help site and manifest.
//!
//! Progress goes to stderr: a bar with rate and ETA on a terminal, a plain
//! line every few seconds otherwise. Per-clinic lines only with `-v`. The
//! closing summary goes to stdout. None of it carries clinic values beyond
//! what the dashboard shows (key, name, findings): never a secret.

use super::{ALL_MESSAGES, Common, message_limit, print_diagnostics};
use clap::Args;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tebiki::Error;
use tebiki::manifest::{ClinicEntry, Shard};
use tebiki::model::Severity;
use tebiki::pipeline::{self, BatchOptions, BuildOptions, BuildReport, Outcome, Progress};

/// Arguments of `tebiki build`.
#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    common: Common,
    /// Output folder (default ./output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Render every clinic, even those whose inputs did not change since the last build.
    #[arg(long)]
    force: bool,
    /// Build only these clinic keys (space- or comma-separated); the others keep their last result.
    #[arg(long, num_args = 1.., value_delimiter = ',', value_name = "KEY")]
    only: Vec<String>,
    /// Build one shard of the clinics, INDEX/COUNT with INDEX from 0 (e.g. 0/4 … 3/4);
    /// join the shard folders with `tebiki merge`.
    #[arg(long, value_parser = Shard::parse, value_name = "INDEX/COUNT")]
    shard: Option<Shard>,
    /// Also join every handout into this one PDF for printing: in the order of the
    /// clinic data, a bookmark per clinic, each clinic starting on a right-hand page.
    #[arg(long, value_name = "FILE.pdf")]
    combined: Option<PathBuf>,
    /// With --combined: join each clinic's one-page sheet (sheet.pdf) instead of its handout.
    #[arg(long, requires = "combined")]
    combined_sheets: bool,
    /// Print a line per clinic (with its findings) and every message.
    #[arg(short, long)]
    verbose: bool,
}

/// Failed clinics listed in the summary without `-v`.
const FAILED_LIMIT: usize = 20;

/// Runs the build and prints a summary; exit code 1 when anything failed.
pub fn run(args: BuildArgs) -> ExitCode {
    let started = Instant::now();
    let color = args.common.color();
    let mut cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(o) = args.out {
        cfg.out = o;
    }
    let opts = BuildOptions {
        today: args.common.today(),
    };
    // Severity names as the guides print them (「重要」…), from the theme.
    let tags = Tags::load(&cfg.theme);
    let progress = Arc::new(Reporter::new(args.verbose, tags.clone()));
    let batch = BatchOptions {
        force: args.force,
        only: args.only.clone(),
        shard: args.shard,
        progress: Some(progress.clone()),
        combined: args.combined.clone(),
        combined_sheets: args.combined_sheets,
    };
    let result = pipeline::build_batch(&cfg, &opts, &batch);
    progress.finish();
    let report = match result {
        Ok(r) => r,
        Err(Error::Invalid(d)) => {
            print_diagnostics(&d, color, ALL_MESSAGES);
            eprintln!("error: {}; nothing was built", whose_errors(&d, &cfg.theme));
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print_diagnostics(&report.diagnostics, color, message_limit(args.verbose));
    print_summary(
        &report,
        args.verbose,
        started.elapsed(),
        args.combined.as_ref(),
        &tags,
    );
    for k in &report.unknown_only {
        eprintln!("warning: --only {k}: no clinic has this key");
    }
    if report.failed() {
        let n = report.outcomes.without_guide;
        if n == 0 && report.clinic_count == 0 {
            eprintln!("error: no clinic could be read; see the messages above");
        } else if n == 0 {
            eprintln!(
                "error: the clinic data has errors; see the messages above and {}/clinics/index.html",
                report.out.display()
            );
        } else {
            eprintln!(
                "error: {n} clinic(s) failed; see the messages above and {}/clinics/index.html",
                report.out.display()
            );
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The closing summary (stdout).
fn print_summary(
    report: &BuildReport,
    verbose: bool,
    elapsed: Duration,
    combined: Option<&PathBuf>,
    tags: &Tags,
) {
    let failed = report.outcomes.without_guide;
    let built = report.clinic_count - failed;
    println!(
        "Built {built} clinic guide(s) into {} in {:.1} s",
        report.out.display(),
        elapsed.as_secs_f64()
    );
    println!(
        "  clinics: {} rendered, {} unchanged, {} kept, {failed} failed",
        report.count(Outcome::Rendered),
        report.count(Outcome::Unchanged),
        report.count(Outcome::Kept),
    );
    if let Some(reason) = &report.manifest_unusable {
        println!("  every clinic rendered: the last build's manifest cannot be used ({reason})");
    } else if !report.inputs_changed.is_empty() {
        println!(
            "  every clinic rendered: changed since the last build: {}",
            report.inputs_changed.join(", ")
        );
    }
    let shown = if verbose {
        report.failures.len()
    } else {
        FAILED_LIMIT
    };
    for e in report.failures.iter().take(shown) {
        println!("  FAILED {} {}: {}", e.key, e.name, first_error(&e.failure));
    }
    if failed > shown.min(report.failures.len()) {
        println!(
            "  … and {} more failed clinic(s): see {}/clinics/index.html",
            failed - shown.min(report.failures.len()),
            report.out.display()
        );
    }
    // Findings by rule over every clinic in the folder, each under the
    // rule's generic title (one clinic's values would be wrong for others).
    let data_warnings = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if !report.rules.is_empty() || data_warnings > 0 {
        println!("  findings by rule (clinics with a guide):");
        for r in &report.rules {
            println!(
                "    [{}] {} ×{}: {}",
                tags.of(r.severity),
                r.rule,
                r.clinics,
                r.title
            );
        }
        if data_warnings > 0 {
            println!("    data warnings ×{data_warnings} (messages above)");
        }
    }
    println!(
        "  files: {} written, {} unchanged, {} removed{}",
        report.changed,
        report.unchanged,
        report.removed,
        if report.site_rendered {
            ""
        } else {
            " (help site unchanged, not rendered)"
        }
    );
    if report.since.clinics > 0 {
        let s = report.since;
        println!(
            "  since the last build into this folder: {} clinic(s) changed ({} new to it), {} finding(s) resolved, {} new (the dashboard says which)",
            s.clinics, s.first, s.resolved, s.new
        );
    }
    if !report.removed_clinics.is_empty() {
        let list: Vec<&str> = report
            .removed_clinics
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        println!(
            "  no longer in this build, their guides deleted and their dashboard rows gone: {} clinic(s): {}{}",
            report.removed_clinics.len(),
            list.join(", "),
            if report.removed_clinics.len() > list.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    if let (Some(c), Some(path)) = (&report.combined, combined) {
        println!(
            "  combined PDF {}: {} clinic(s), {} page(s) ({} blank so each clinic starts on a right-hand page)",
            path.display(),
            c.clinics,
            c.pages,
            c.blanks
        );
    }
    if report.temp_removed > 0 {
        println!(
            "  removed {} temporary file(s) left by an interrupted build",
            report.temp_removed
        );
    }
    if !report.foreign.is_empty() {
        let list: Vec<&str> = report.foreign.iter().take(5).map(String::as_str).collect();
        println!(
            "  left alone {} file(s) in {} that tebiki did not write: {}{}",
            report.foreign.len(),
            report.out.display(),
            list.join(", "),
            if report.foreign.len() > 5 {
                ", …"
            } else {
                ""
            }
        );
    }
}

/// The first of the " / "-joined messages of a failure.
fn first_error(failure: &str) -> &str {
    failure.split(" / ").next().unwrap_or(failure)
}

/// The names of the severities, from the theme's `strings.yaml`
/// (`severity_error` …), as the guides print them.
#[derive(Clone)]
struct Tags([String; 3]);

impl Tags {
    fn load(theme: &std::path::Path) -> Tags {
        let strings = tebiki::render::theme::Theme::new(Some(theme))
            .strings()
            .unwrap_or_default();
        Tags(
            [Severity::Error, Severity::Warning, Severity::Info]
                .map(|s| strings.get(s.strings_key()).to_string()),
        )
    }

    fn of(&self, sev: Severity) -> &str {
        let i = match sev {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        &self.0[i]
    }
}

/// Progress on stderr: an indicatif bar on a terminal, plain periodic
/// lines otherwise; per-clinic lines on stdout with `-v`.
struct Reporter {
    verbose: bool,
    tags: Tags,
    bar: Option<indicatif::ProgressBar>,
    plain: Mutex<Plain>,
}

struct Plain {
    total: usize,
    done: usize,
    started: Instant,
    last: Instant,
}

/// Seconds between plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

impl Reporter {
    fn new(verbose: bool, tags: Tags) -> Reporter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} clinics  {per_sec}  ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Reporter {
            verbose,
            tags,
            bar,
            plain: Mutex::new(Plain {
                total: 0,
                done: 0,
                started: now,
                last: now,
            }),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| println!("{text}")),
            None => println!("{text}"),
        }
    }
}

impl Progress for Reporter {
    fn total(&self, clinics: usize) {
        if let Some(b) = &self.bar {
            b.set_length(clinics as u64);
        }
        if let Ok(mut p) = self.plain.lock() {
            p.total = clinics;
            p.started = Instant::now();
            p.last = p.started;
        }
    }

    fn clinic(&self, e: &ClinicEntry, outcome: Outcome) {
        if self.verbose {
            let mark = match outcome {
                Outcome::Rendered => "ok       ",
                Outcome::Unchanged => "unchanged",
                Outcome::Kept => "kept     ",
                Outcome::Failed => "FAILED   ",
            };
            let mut text = format!("  {mark} {} {}", e.key, e.name);
            for f in &e.findings {
                text.push_str(&format!(
                    "\n            [{}] {} ({})",
                    self.tags.of(f.severity),
                    f.title,
                    f.rule
                ));
            }
            self.line(&text);
        }
        if let Some(b) = &self.bar {
            b.inc(1);
            return;
        }
        let Ok(mut p) = self.plain.lock() else { return };
        p.done += 1;
        let now = Instant::now();
        if now.duration_since(p.last) >= PLAIN_EVERY && p.done < p.total {
            p.last = now;
            let secs = now.duration_since(p.started).as_secs_f64().max(1e-3);
            let rate = p.done as f64 / secs;
            let eta = (p.total - p.done) as f64 / rate.max(1e-9);
            eprintln!(
                "progress: {}/{} clinics ({}%), {rate:.0}/s, ETA {}",
                p.done,
                p.total,
                p.done * 100 / p.total.max(1),
                human_secs(eta)
            );
        }
    }
}

fn human_secs(s: f64) -> String {
    let s = s.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Says whose errors stopped the build: content's, the theme's (a file under
/// `theme`, e.g. a bad key or font of its strings.yaml), or both.
fn whose_errors(d: &tebiki::diag::Diagnostics, theme: &std::path::Path) -> String {
    let (in_theme, in_content) =
        d.0.iter()
            .filter(|x| x.severity == Severity::Error)
            .fold((0, 0), |(t, c), x| {
                if x.pos.file.starts_with(theme) {
                    (t + 1, c)
                } else {
                    (t, c + 1)
                }
            });
    match (in_content, in_theme) {
        (c, 0) => format!("content has {c} error(s)"),
        (0, t) => format!("the theme has {t} error(s)"),
        (c, t) => format!("content has {c} error(s) and the theme {t}"),
    }
}
