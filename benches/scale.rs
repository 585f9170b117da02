//! Batch scale, end to end through the real binary: clinics/s of a cold
//! build, the CPU of an unchanged rebuild relative to the cold build, a
//! one-record change, and peak RSS (from `/usr/bin/time -v`'s counterpart
//! `-f %M`). Also the rebuild behind `tebiki serve`'s reload after a content
//! edit (timings live here, not in tests).
//!
//! ```sh
//! cargo bench --bench scale                         # N = 1,000 and 10,000
//! TEBIKI_SCALE_N=1000,10000,100000 cargo bench --bench scale
//! ```
//!
//! Clinic lists come from `../shared/bench/scale/gen.py N FILE` (or
//! `TEBIKI_SCALE_GEN=path/to/gen.py`). Its random 6-digit codes repeat at
//! large N (tebiki fails both clinics of a repeated code, so the build would
//! exit 1): the bench asks it for a few more rows, drops every row whose
//! output key (prefecture, fee schedule, code) was already seen and keeps the
//! first N, so each list has N distinct, valid clinics. Each figure is the
//! median of `TEBIKI_SCALE_RUNS` runs (default 3 for N ≤ 1,000, else 1).
//! Lists and outputs go to `TEBIKI_SCALE_DIR` (default: the temp folder);
//! 100,000 handouts need about 25 GB there. It is removed at the end.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-24";

/// One measured run: wall seconds, CPU seconds (user + system), peak RSS in KB.
#[derive(Clone, Copy, Debug)]
struct Run {
    wall: f64,
    cpu: f64,
    rss_kb: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn median_run(runs: &[Run]) -> Run {
    Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: median(runs.iter().map(|r| r.cpu).collect()),
        rss_kb: median(runs.iter().map(|r| r.rss_kb as f64).collect()) as u64,
    }
}

/// Runs `tebiki build` under `/usr/bin/time` and parses its figures.
fn timed_build(csv: &Path, out: &Path, extra: &[&str]) -> Run {
    let o = Command::new("/usr/bin/time")
        .args(["-f", "TIME %e %U %S %M"])
        .arg(env!("CARGO_BIN_EXE_tebiki"))
        .args(["build", "--today", TODAY, "--clinics"])
        .arg(csv)
        .arg("--out")
        .arg(out)
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run /usr/bin/time (Debian package `time`)");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("TIME "))
        .unwrap_or_else(|| panic!("no timing in:\n{stderr}"));
    let f: Vec<f64> = line[5..]
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    assert!(
        o.status.code() == Some(0),
        "build failed:\n{}\n{stderr}",
        String::from_utf8_lossy(&o.stdout)
    );
    Run {
        wall: f[0],
        cpu: f[1] + f[2],
        rss_kb: f[3] as u64,
    }
}

fn generate(n: usize, dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::env::var_os("TEBIKI_SCALE_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/bench/scale/gen.py"));
    let raw = dir.join(format!("c{n}-raw.csv"));
    let ok = Command::new("python3")
        .arg(&script)
        .arg((n + n / 50 + 10).to_string())
        .arg(&raw)
        .stdout(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "cannot run {} (set TEBIKI_SCALE_GEN)", script.display());
    let text = std::fs::read_to_string(&raw).expect("generated list");
    let _ = std::fs::remove_file(&raw);
    let (rows, dropped) = distinct_rows(&text, n);
    assert_eq!(
        rows.len(),
        n + 1,
        "the generator gave too few distinct codes"
    );
    if dropped > 0 {
        eprintln!("N = {n}: dropped {dropped} generated row(s) with a repeated code");
    }
    let csv = dir.join(format!("c{n}.csv"));
    std::fs::write(&csv, rows.join("\n") + "\n").expect("write list");
    csv
}

/// The header and the first `n` rows whose output key (code, prefecture,
/// fee schedule: the first three columns) is new; how many rows were dropped.
fn distinct_rows(text: &str, n: usize) -> (Vec<&str>, usize) {
    let mut lines = text.lines();
    let mut rows: Vec<&str> = lines.next().into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    let mut dropped = 0;
    for l in lines {
        if rows.len() > n {
            break;
        }
        let key: Vec<&str> = l.splitn(4, ',').take(3).collect();
        if seen.insert(key) {
            rows.push(l);
        } else {
            dropped += 1;
        }
    }
    (rows, dropped)
}

/// Changes one clinic's name (the last row) in place.
fn change_one_record(csv: &Path) {
    let text = std::fs::read_to_string(csv).expect("csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines.last_mut().expect("rows");
    let mut cells: Vec<String> = last.split(',').map(str::to_string).collect();
    cells[4].push_str("本院");
    *last = cells.join(",");
    std::fs::write(csv, lines.join("\n") + "\n").expect("write csv");
}

fn main() {
    let ns: Vec<usize> = std::env::var("TEBIKI_SCALE_N")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let tmp = std::env::var_os("TEBIKI_SCALE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("tebiki-scale-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");
    println!(
        "| N | load | cold: wall | clinics/s | CPU | CPU per clinic | clinics/s on 2 idle cores (est.) | peak RSS | unchanged rebuild: wall | CPU | CPU ratio | one record changed: wall | CPU | peak RSS (max) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    // (N, cold build's peak RSS in KB): memory must not grow with N.
    let mut rss: Vec<(usize, u64)> = Vec::new();
    for n in ns {
        let csv = generate(n, &tmp);
        let load = load_average();
        let runs: usize = std::env::var("TEBIKI_SCALE_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(if n <= 1000 { 3 } else { 1 });
        let (mut cold, mut again, mut one) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            let out = tmp.join(format!("out-{n}-{i}"));
            cold.push(timed_build(&csv, &out, &[]));
            again.push(timed_build(&csv, &out, &[]));
            let changed = tmp.join(format!("c{n}-changed.csv"));
            std::fs::copy(&csv, &changed).expect("copy");
            change_one_record(&changed);
            // Same file name as the cold build's source is not needed: the
            // record's values and key decide its hash, the file path is the
            // same for every record of a run.
            let _ = std::fs::remove_file(&csv);
            std::fs::rename(&changed, &csv).expect("rename");
            one.push(timed_build(&csv, &out, &[]));
            let _ = std::fs::remove_dir_all(&out);
            let _ = generate(n, &tmp);
        }
        let (c, a, o) = (median_run(&cold), median_run(&again), median_run(&one));
        rss.push((n, c.rss_kb));
        let peak = cold
            .iter()
            .chain(&again)
            .chain(&one)
            .map(|r| r.rss_kb)
            .max()
            .unwrap_or(0);
        // The machine is shared: CPU time is the load-robust figure, and two
        // idle cores would give 2 s of CPU per second of wall time.
        let cpu_ms = c.cpu * 1000.0 / n as f64;
        println!(
            "| {n} | {load} → {} | {:.1} s | {:.0} | {:.1} s | {cpu_ms:.2} ms | {:.0} | {} MB | {:.2} s | {:.2} s | {:.3} | {:.2} s | {:.2} s | {} MB |",
            load_average(),
            c.wall,
            n as f64 / c.wall,
            c.cpu,
            2000.0 / cpu_ms,
            c.rss_kb / 1024,
            a.wall,
            a.cpu,
            a.cpu / c.cpu,
            o.wall,
            o.cpu,
            peak / 1024
        );
    }
    if let (Some(&(n0, r0)), Some(&(n1, r1))) = (rss.first(), rss.last())
        && n1 > n0
    {
        println!(
            "peak RSS of the cold build grows {:.2} KB per clinic from N = {n0} to {n1} ({} → {} MB)",
            (r1 as f64 - r0 as f64) / (n1 - n0) as f64,
            r0 / 1024,
            r1 / 1024
        );
    }
    serve_rebuild();
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The 1-minute load average (`/proc/loadavg`), `?` where there is none.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// What `tebiki serve` does between a content edit and telling open pages
/// to reload: a full build of the sample (every clinic renders again, since
/// the content changed) with the help site. Median of 5.
fn serve_rebuild() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("tebiki-serve-bench-{}", std::process::id()));
    let content = tmp.join("content");
    copy_dir(&root.join("content"), &content);
    let mut cfg = tebiki::config::Config::load(&root.join("tebiki.yaml")).unwrap_or_default();
    cfg.content = content.clone();
    cfg.clinics = content.join("clinics");
    cfg.theme = root.join("themes/default");
    cfg.out = tmp.join("out");
    let opts = tebiki::pipeline::BuildOptions {
        today: TODAY.parse().expect("date"),
    };
    tebiki::pipeline::build(&cfg, &opts).expect("first build");
    let constants = content.join("constants.yaml");
    let base = std::fs::read_to_string(&constants).expect("constants");
    let mut times: Vec<Duration> = Vec::new();
    for i in 0..5 {
        std::fs::write(&constants, format!("{base}\n# edit {i}\n")).expect("edit");
        let t = Instant::now();
        tebiki::pipeline::build(&cfg, &opts).expect("rebuild");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "\nserve: rebuild after a content edit (5 sample clinics + help site), median of 5: {:.0} ms",
        times[2].as_secs_f64() * 1000.0
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}
