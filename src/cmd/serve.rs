//! `tebiki serve`: build, serve the help site and the clinic guides on a
//! loopback address, and rebuild + reload open pages when content, clinic
//! data or the theme change. A broken build is shown in the terminal and
//! over the page; the server keeps running.

use super::{ALL_MESSAGES, Common, print_diagnostics};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use tebiki::Error;
use tebiki::config::Config;
use tebiki::pipeline::{self, BuildOptions};
use tebiki::render::theme::Theme;
use tebiki::site::serve::{self as live, Area, LiveState, Mount, Server};

/// Quiet time after a change before rebuilding (an editor's save is several events).
const SETTLE: Duration = Duration::from_millis(80);

/// Arguments of `tebiki serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Folder to build into (default: a new folder only you can read, in the
    /// system's temp folder, removed when serve stops).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to listen on; loopback only (127.0.0.1, ::1, localhost).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Stop by itself after this many seconds.
    #[arg(long, default_value_t = 8 * 3600)]
    exit_after: u64,
}

/// Builds, serves and watches until stopped (Ctrl-C) or `--exit-after`.
pub fn run(args: ServeArgs) -> ExitCode {
    let color = args.common.color();
    let mut cfg = match args.common.config_or_report(color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ip = match live::loopback_host(&args.host) {
        Ok(ip) => ip,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // The guides hold customer IDs: a folder tebiki picks is private (0700)
    // and unpredictable, and removed when serve stops.
    let _private = match &args.out {
        Some(out) => {
            cfg.out = out.clone();
            None
        }
        None => match private_dir() {
            Ok(d) => {
                cfg.out = d.path().to_path_buf();
                Some(d)
            }
            Err(e) => {
                eprintln!("error: cannot create a folder to build into: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let today = args.common.today();
    let state = LiveState::new();
    let stop = Arc::new(AtomicBool::new(false));
    let site_prefix = live::site_prefix(&cfg.site.base_url);
    let mut mounts = vec![Mount {
        prefix: site_prefix.clone(),
        dir: cfg.out.join("site"),
        area: Area::Site,
    }];
    if site_prefix != "/clinics/" {
        mounts.push(Mount {
            prefix: "/clinics/".into(),
            dir: cfg.out.join("clinics"),
            area: Area::Clinics,
        });
    }
    let home = format!("{site_prefix}index.html");
    let server = match Server::bind(
        ip,
        args.port,
        mounts,
        home.clone(),
        state.clone(),
        stop.clone(),
    ) {
        // What the server itself says (the build-error box, an address not
        // built yet): the theme's words as it starts.
        Ok(s) => match Theme::new(Some(&cfg.theme)).strings() {
            Ok(t) => s.with_words(tebiki::site::serve::ServeWords::of(&t)),
            Err(_) => s,
        },
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(addr) = server.local_addr() else {
        eprintln!("error: cannot read the listening address");
        return ExitCode::from(2);
    };

    // Watch before the first build and before the server answers: an edit
    // made as soon as a page is open must not fall before the watch starts
    // (tests/site.rs edits right after the first live-reload event).
    let mut watched = vec![
        cfg.content.clone(),
        cfg.theme.clone(),
        args.common.config_path(),
    ];
    if !cfg.clinics.starts_with(&cfg.content) {
        watched.push(cfg.clinics.clone());
    }
    let watch = match live::Watch::new(&watched, vec![cfg.out.clone()]) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    rebuild(&cfg, today, &state, color);
    let server_thread = std::thread::spawn(move || server.run());
    let host = match addr {
        std::net::SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        std::net::SocketAddr::V4(a) => a.to_string(),
    };
    println!("Serving the help site at http://{host}{home}");
    println!("  clinic guides: http://{host}/clinics/index.html");
    println!("  building into {}", cfg.out.display());
    println!(
        "  watching {} and {} (Ctrl-C to stop)",
        cfg.content.display(),
        cfg.theme.display()
    );

    let deadline = Instant::now() + Duration::from_secs(args.exit_after);
    while watch.wait(deadline, SETTLE) {
        rebuild(&cfg, today, &state, color);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = server_thread.join();
    println!("stopped after {} s", args.exit_after);
    ExitCode::SUCCESS
}

/// Builds the site, then the clinic guides; reports errors to the terminal
/// and to the open pages.
fn rebuild(cfg: &Config, today: jiff::civil::Date, state: &LiveState, color: bool) {
    let started = Instant::now();
    let project = match pipeline::load_project(cfg) {
        Ok(p) => p,
        Err(e) => {
            report_error(&e, state, color);
            return;
        }
    };
    let theme = Theme::new(Some(&cfg.theme));
    match tebiki::site::build_site(&project.content, &cfg.site, &theme, &cfg.out.join("site")) {
        Ok(r) => {
            state.set_error(None);
            if r.changed > 0 || r.removed > 0 {
                state.bump(Area::Site);
            }
            println!(
                "site: {} file(s) changed in {} ms",
                r.changed + r.removed,
                started.elapsed().as_millis()
            );
        }
        Err(e) => {
            report_error(&e, state, color);
            return;
        }
    }
    match pipeline::build(cfg, &BuildOptions { today }) {
        Ok(r) => {
            if r.changed > 0 {
                state.bump(Area::Clinics);
            }
            // Every message, in the terminal and on the open pages.
            print_diagnostics(&r.diagnostics, color, ALL_MESSAGES);
            let failed = r.outcomes.without_guide;
            let mut all: Vec<_> = r.diagnostics.0.iter().collect();
            all.sort_by_key(|d| d.severity);
            let text: String = all.iter().map(|d| d.render(false)).collect();
            if r.failed() {
                let head = format!(
                    "{failed} clinic(s) failed (no guide written); see {}/clinics/index.html\n\n",
                    cfg.out.display()
                );
                state.set_notes(None);
                state.set_error(Some(head + &text));
            } else {
                state.set_error(None);
                state.set_notes((!text.is_empty()).then_some(text));
            }
            println!(
                "clinics: {} guide(s), {} failed, {} file(s) changed in {} ms",
                r.clinic_count - failed,
                failed,
                r.changed,
                started.elapsed().as_millis()
            );
        }
        Err(e) => report_error(&e, state, color),
    }
}

fn report_error(e: &Error, state: &LiveState, color: bool) {
    let text = match e {
        Error::Invalid(d) => {
            print_diagnostics(d, color, ALL_MESSAGES);
            let mut all: Vec<_> = d.0.iter().collect();
            all.sort_by_key(|d| d.severity);
            all.iter().map(|d| d.render(false)).collect::<String>()
        }
        other => {
            eprintln!("error: {other}");
            other.to_string()
        }
    };
    eprintln!("build failed; still serving the last good build");
    state.set_error(Some(text));
}

/// A new folder in the system's temp folder, created readable by the user only.
fn private_dir() -> std::io::Result<tempfile::TempDir> {
    let mut b = tempfile::Builder::new();
    b.prefix("tebiki-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o700));
    }
    b.tempdir()
}
