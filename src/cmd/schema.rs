//! `tebiki schema`: the JSON Schema of a clinic file, for editor completion.

use super::{ALL_MESSAGES, Common, print_diagnostics};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `tebiki schema`.
#[derive(Args, Debug)]
pub struct SchemaArgs {
    #[command(flatten)]
    common: Common,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Prints or writes the schema generated from content/fields.yaml.
pub fn run(args: SchemaArgs) -> ExitCode {
    let color = args.common.color();
    let cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (content, d) = tebiki::load::load_content(&cfg.content);
    if d.has_errors() {
        print_diagnostics(&d, color, ALL_MESSAGES);
        return ExitCode::from(2);
    }
    let schema = tebiki::export::clinic_json_schema(&content.fields);
    let text = match serde_json::to_string_pretty(&schema) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match args.output {
        Some(p) => match tebiki::write::write_atomic(&p, text.as_bytes()) {
            Ok(_) => {
                eprintln!("wrote {}", p.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}
