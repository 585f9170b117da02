//! `tebiki build`: guides, handouts, dashboard and help site.

use super::{Common, print_diagnostics};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tebiki::Error;
use tebiki::model::Severity;
use tebiki::pipeline::{self, BuildOptions};

/// Arguments of `tebiki build`.
#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    common: Common,
    /// Output folder (default ./output).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the build and prints a summary; exit code 1 when anything failed.
pub fn run(args: BuildArgs) -> ExitCode {
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
    let report = match pipeline::build(&cfg, &opts) {
        Ok(r) => r,
        Err(Error::Invalid(d)) => {
            print_diagnostics(&d, color);
            eprintln!(
                "error: content has {} error(s); nothing was built",
                d.error_count()
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print_diagnostics(&report.diagnostics, color);
    println!(
        "Built {} clinic guide(s) into {}",
        report.clinics.iter().filter(|c| c.ok).count(),
        report.out.display()
    );
    for c in &report.clinics {
        let mark = if c.ok { "ok    " } else { "FAILED" };
        println!("  {mark} {} {}", c.key, c.name);
        for (sev, id, title) in &c.findings {
            let tag = match sev {
                Severity::Error => "重要",
                Severity::Warning => "注意",
                Severity::Info => "情報",
            };
            println!("         [{tag}] {title} ({id})");
        }
    }
    println!(
        "  files: {} written, {} unchanged",
        report.changed, report.unchanged
    );
    if report.failed() {
        let n = report.clinics.iter().filter(|c| !c.ok).count();
        eprintln!(
            "error: {n} clinic(s) failed; see the messages above and {}/clinics/index.html",
            report.out.display()
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
