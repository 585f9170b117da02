//! `tebiki merge`: join the output folders of shards into one.

use super::Common;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tebiki::pipeline;

/// Arguments of `tebiki merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    #[command(flatten)]
    common: Common,
    /// Output folders of `tebiki build --shard INDEX/COUNT` (every shard once).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Folder to write the joined output into (a new folder, not a shard's).
    #[arg(long)]
    out: PathBuf,
}

/// Joins the shards; exit 1 when any clinic failed in its shard, 2 when
/// the folders cannot be joined.
pub fn run(args: MergeArgs) -> ExitCode {
    let color = args.common.color();
    let cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The dashboard's columns follow content's schema (fields.yaml: the
    // field marked `dashboard:`, a prefecture field).
    let content = tebiki::load::load_content(&cfg.content).0;
    match pipeline::merge(
        &args.dirs,
        &cfg.theme,
        &cfg.branding,
        &content.fields,
        &args.out,
    ) {
        Ok(r) => {
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            println!(
                "Merged {} folder(s) into {}: {} clinic(s), {} failed",
                args.dirs.len(),
                args.out.display(),
                r.clinics,
                r.failed
            );
            println!(
                "  files: {} written, {} unchanged, {} removed",
                r.changed, r.unchanged, r.removed
            );
            if r.failed > 0 {
                eprintln!(
                    "error: {} clinic(s) failed in their shard; see {}/clinics/index.html",
                    r.failed,
                    args.out.display()
                );
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
