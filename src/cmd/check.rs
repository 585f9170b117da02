//! `tebiki check`: load and validate everything, write nothing.

use super::{Common, message_limit, print_diagnostics};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use tebiki::Error;
use tebiki::diag::Diagnostics;
use tebiki::eval;
use tebiki::pipeline;

/// Arguments of `tebiki check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print every message (without it, the first 100; JSON always has all).
    #[arg(short, long)]
    verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Human,
    Json,
}

/// Exit 0 when clean or only warnings, 1 on errors, 2 when nothing could be loaded.
pub fn run(args: CheckArgs) -> ExitCode {
    let color = args.common.color();
    let cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let today = args.common.today();
    let (diags, clinics) = match pipeline::load_project(&cfg) {
        Ok(p) => {
            let mut d = p.diagnostics;
            // A file that could not be read has said why; no field-by-field noise.
            for c in p.clinics.iter().filter(|c| !c.values.is_empty()) {
                let facts = eval::facts::build(c, &p.content, today);
                for issue in &facts.issues {
                    d.push(pipeline::issue_diagnostic(issue, c));
                }
            }
            (d, p.clinics.len())
        }
        Err(Error::Invalid(d)) => (d, 0),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    report(&diags, clinics, args.format, color, args.verbose)
}

fn report(d: &Diagnostics, clinics: usize, format: Format, color: bool, verbose: bool) -> ExitCode {
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "clinics": clinics,
                "errors": d.error_count(),
                "diagnostics": d,
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Human => {
            print_diagnostics(d, color, message_limit(verbose));
            let warnings = d.0.len() - d.error_count();
            eprintln!(
                "checked {clinics} clinic(s): {} error(s), {warnings} warning(s)",
                d.error_count()
            );
        }
    }
    if d.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
