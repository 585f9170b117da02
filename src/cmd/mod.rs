//! Subcommands. Each file is one command; they share option handling here.

mod build;
mod check;
mod import;
mod merge;
mod schema;
mod serve;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tebiki::config::Config;
use tebiki::diag::{Diagnostic, Diagnostics};

/// tebiki — per-clinic guides for the オンライン資格確認 applications.
#[derive(Parser, Debug)]
#[command(name = "tebiki", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build every clinic's HTML guide and PDF handout, the dashboard and the help site.
    Build(build::BuildArgs),
    /// Load and validate content and clinic data; writes nothing.
    Check(check::CheckArgs),
    /// Serve the help site and clinic guides on 127.0.0.1 with live reload.
    Serve(serve::ServeArgs),
    /// Convert a CSV/XLSX clinic list into one YAML file per clinic, for review.
    Import(import::ImportArgs),
    /// Print the JSON Schema of a clinic file (for editor completion).
    Schema(schema::SchemaArgs),
    /// Join the output folders of shards (`build --shard i/n`) into one.
    Merge(merge::MergeArgs),
}

/// Options shared by every command.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Project config file (optional).
    #[arg(long, default_value = "tebiki.yaml")]
    config: PathBuf,
    /// Content folder (manuals, rules, fields.yaml).
    #[arg(long)]
    content: Option<PathBuf>,
    /// Clinic data: a folder of YAML files, one clinic .yaml file, a .csv (UTF-8 or Shift_JIS) or an .xlsx file.
    #[arg(long)]
    clinics: Option<PathBuf>,
    /// Theme folder overriding the built-in theme.
    #[arg(long)]
    theme: Option<PathBuf>,
    /// Date to compute deadlines for (YYYY-MM-DD; default: today in Japan).
    #[arg(long, value_parser = parse_date)]
    today: Option<jiff::civil::Date>,
    /// Colour in terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

impl Common {
    fn config(&self) -> Result<Config, Diagnostic> {
        let mut cfg = Config::load(&self.config)?;
        if let Some(c) = &self.content {
            cfg.content = c.clone();
            if self.clinics.is_none() {
                cfg.clinics = c.join("clinics");
            }
        }
        if let Some(c) = &self.clinics {
            cfg.clinics = c.clone();
        }
        if let Some(t) = &self.theme {
            cfg.theme = t.clone();
        }
        Ok(cfg)
    }

    /// The config, or the exit code after printing why it cannot be read.
    fn config_or_report(&self, color: bool) -> Result<Config, ExitCode> {
        self.config().map_err(|d| {
            eprint!("{}", d.render(color));
            ExitCode::from(2)
        })
    }

    /// The project config file given (it may not exist).
    fn config_path(&self) -> PathBuf {
        self.config.clone()
    }

    fn today(&self) -> jiff::civil::Date {
        self.today
            .or_else(|| {
                std::env::var("TEBIKI_TODAY")
                    .ok()
                    .and_then(|s| s.parse().ok())
            })
            .unwrap_or_else(tebiki::eval::dates::today_jst)
    }

    fn color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        }
    }
}

/// How many messages `build`, `check` and `import` print without `-v`.
const MESSAGE_LIMIT: usize = 100;

/// No bound: content errors (few, and all needed to fix the content) and
/// `serve`, which shows every message (issue 11).
const ALL_MESSAGES: usize = usize::MAX;

/// The message bound for a command run with or without `-v`.
fn message_limit(verbose: bool) -> usize {
    if verbose { ALL_MESSAGES } else { MESSAGE_LIMIT }
}

/// Prints at most `limit` diagnostics to stderr, errors first, and says how
/// many more there are.
fn print_diagnostics(d: &Diagnostics, color: bool, limit: usize) {
    let mut all: Vec<&Diagnostic> = d.0.iter().collect();
    all.sort_by(|a, b| {
        (a.severity, &a.pos.file, a.pos.line, a.pos.column).cmp(&(
            b.severity,
            &b.pos.file,
            b.pos.line,
            b.pos.column,
        ))
    });
    for diag in all.iter().take(limit) {
        eprint!("{}", diag.render(color));
    }
    if all.len() > limit {
        eprintln!(
            "… and {} more message(s) not shown (run with -v to see all)",
            all.len() - limit
        );
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Import(a) => import::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Merge(a) => merge::run(a),
    }
}
