//! `tebiki import FILE --out DIR`: a CSV/XLSX clinic list → one YAML file per clinic, for review.

use super::{ALL_MESSAGES, Common, message_limit, print_diagnostics};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tebiki::Error;
use tebiki::export::clinic_yaml;
use tebiki::write::write_atomic;

/// Arguments of `tebiki import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    common: Common,
    /// The clinic list (.csv in UTF-8 or Shift_JIS, or .xlsx).
    file: PathBuf,
    /// Folder to write the YAML files into.
    #[arg(long)]
    out: PathBuf,
    /// Print every message (without it, the first 100).
    #[arg(short, long)]
    verbose: bool,
}

/// Writes `<key>.yaml` per clinic; exit 1 when any row had an error.
pub fn run(args: ImportArgs) -> ExitCode {
    let color = args.common.color();
    let cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (mut content, mut d) = tebiki::load::load_content(&cfg.content);
    // The theme's words: the data's problems and the files' comments.
    match tebiki::render::theme::Theme::new(Some(&cfg.theme)).strings() {
        Ok(s) => content.strings = std::sync::Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    tebiki::pipeline::apply_header_mapping(&mut content, &cfg, &mut d);
    if d.has_errors() {
        print_diagnostics(&d, color, ALL_MESSAGES);
        return ExitCode::from(2);
    }
    let (clinics, mut diags) = tebiki::pipeline::load_clinics(&args.file, &content);
    let today = args.common.today();
    let schema_ref = std::path::Path::new("..").join("schema/clinic.schema.json");
    let mut written = 0;
    for c in &clinics {
        let facts = tebiki::eval::facts::build(c, &content, today);
        for issue in &facts.issues {
            diags.push(tebiki::pipeline::issue_diagnostic(issue, c));
        }
        if !c.load_errors.is_empty() {
            // Its row has an error of its own (reported above): no file to review.
            continue;
        }
        let path = args.out.join(format!("{}.yaml", c.key));
        match write_atomic(
            &path,
            clinic_yaml(
                c,
                &content.fields,
                &schema_ref.display().to_string(),
                &content.strings,
            )
            .as_bytes(),
        ) {
            Ok(_) => written += 1,
            Err(Error::Io { path, source, .. }) => {
                eprintln!("error: cannot write {}: {source}", path.display())
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
    print_diagnostics(&diags, color, message_limit(args.verbose));
    eprintln!(
        "imported {written} clinic(s) into {} ({} error(s), {} warning(s))",
        args.out.display(),
        diags.error_count(),
        diags.0.len() - diags.error_count()
    );
    if diags.has_errors() || written < clinics.len() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
