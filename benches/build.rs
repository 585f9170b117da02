//! Speed of the stages that run per clinic, of HTML + PDF per clinic side by
//! side with Typst, and of a whole batch.
//!
//! ```sh
//! cargo bench --bench build
//! ```
//!
//! Prints medians. Timings live here, never in tests. Per-clinic figures run
//! on one thread with the fonts parsed once, as a batch's workers do, and
//! are CPU time of that thread (the machine is shared; CPU time is steadier
//! than wall time). The side-by-side figure renders `TEBIKI_BENCH_N`
//! (default 300) synthetic clinics from `../shared/bench/scale/gen.py` (or
//! `TEBIKI_SCALE_GEN`), each a different clinic, so nothing per clinic can
//! be served from a cache; then, when the Python package `typst` is
//! installed, runs `../shared/bench/typst/run.py 60` (or `TEBIKI_TYPST_DIR`)
//! in the same sitting and prints the ratio.
//!
//! `TEBIKI_BENCH_QUICK=1` measures only the per-clinic figures (no
//! compression table, no per-document-subset variant, no batch): for A/B
//! runs of two builds alternating in the same minutes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tebiki::eval;
use tebiki::render::{handout, html::HtmlRenderer, theme::Theme};

// The allocator the `tebiki` binary uses (src/main.rs), so the figures here
// are the binary's: a global allocator is the final program's choice, not
// the library's (docs/speed.md, "Speed, session 8").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<R>(runs: usize, mut f: impl FnMut() -> R) -> Duration {
    // Warm-up, then measured runs.
    for _ in 0..runs.min(3) {
        std::hint::black_box(f());
    }
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// CPU time of the calling thread (Linux `/proc/thread-self/schedstat`).
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn shared(var: &str, rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/bench").join(rel))
}

/// Typst per document, measured by its own bench script in this sitting.
struct Typst {
    /// Median wall time per document as `run.py` prints it (ms).
    wall_ms: f64,
    /// CPU time (user + sys, every thread of the Python process) per
    /// document (ms): the difference between a run of `CPU_LONG` and one of
    /// `CPU_SHORT` documents, over the difference in documents, so Python's
    /// start, the import, font loading and the first (cold) compile cancel
    /// out. The median of `CPU_REPEATS` such pairs.
    cpu_ms: Option<f64>,
}

const CPU_SHORT: usize = 10;
const CPU_LONG: usize = 70;
const CPU_REPEATS: usize = 3;

/// Runs `run.py N` unchanged inside a Python that then prints its own
/// `resource.getrusage(RUSAGE_SELF)` user + sys seconds on the last line.
fn run_typst(dir: &Path, n: usize) -> Result<(String, Option<f64>), String> {
    const WRAP: &str = "import resource, runpy, sys\n\
        sys.argv = ['run.py', sys.argv[1]]\n\
        runpy.run_path('run.py', run_name='__main__')\n\
        r = resource.getrusage(resource.RUSAGE_SELF)\n\
        print(f'cpu_s={r.ru_utime + r.ru_stime:.6f}')\n";
    let o = Command::new("python3")
        .args(["-c", WRAP, &n.to_string()])
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_string());
    }
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let cpu = out
        .split_whitespace()
        .find_map(|w| w.strip_prefix("cpu_s="))
        .and_then(|v| v.parse().ok());
    Ok((out, cpu))
}

/// Typst's wall and CPU time per document, if its bench script can run.
fn typst() -> Option<Typst> {
    let dir = shared("TEBIKI_TYPST_DIR", "typst");
    if !dir.join("run.py").is_file() {
        println!("typst: no {}/run.py; skipped", dir.display());
        return None;
    }
    let (out, _) = match run_typst(&dir, 60) {
        Ok(r) => r,
        Err(e) => {
            println!("typst: not run ({e}); `pip install typst` to compare");
            return None;
        }
    };
    let line = out.lines().find(|l| l.starts_with("typst")).unwrap_or("");
    println!("typst: {line}");
    let wall_ms = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("median="))
        .and_then(|m| m.trim_end_matches("ms/doc").parse().ok())?;
    let mut per_doc: Vec<f64> = (0..CPU_REPEATS)
        .filter_map(|_| {
            let short = run_typst(&dir, CPU_SHORT).ok()?.1?;
            let long = run_typst(&dir, CPU_LONG).ok()?.1?;
            Some((long - short) * 1000.0 / (CPU_LONG - CPU_SHORT) as f64)
        })
        .collect();
    per_doc.sort_by(f64::total_cmp);
    let cpu_ms = per_doc.get(per_doc.len() / 2).copied();
    if let Some(c) = cpu_ms {
        println!(
            "typst: {c:.1} ms CPU per document (user + sys of its process, runs of {CPU_LONG} minus {CPU_SHORT} documents, median of {})",
            per_doc.len()
        );
    }
    Some(Typst { wall_ms, cpu_ms })
}

/// The machine's load average as `uptime` prints it (the sitting's context).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let today: jiff::civil::Date = "2026-11-24".parse().expect("date");
    let (content, d) = tebiki::load::load_content(&root.join("content"));
    assert!(!d.has_errors());
    let (clinics, _) = tebiki::pipeline::load_clinics(&root.join("content/clinics"), &content);
    let theme = Theme::new(Some(&root.join("themes/default")));

    let t = Instant::now();
    // As in a build: paragraphs of the content's own words set once.
    let fonts = theme.pdf_fonts().expect("fonts").with_layout_cache();
    println!("font parsing (once per process):       {}", ms(t.elapsed()));
    let html = HtmlRenderer::new(&theme).expect("templates");

    let clinic = clinics
        .iter()
        .find(|c| c.key == "1311234566")
        .expect("sample");
    let guide = eval::evaluate(&content, clinic, today);
    let pictures = tebiki::render::pictures::Pictures::new(&guide, &fonts);
    let svg = pictures.svg();
    let drawings = pictures.pdf();
    let pdf = handout::render(&guide, &fonts, &drawings).expect("pdf");
    println!(
        "typical handout: {} pages, {} bytes",
        pdf.pages,
        pdf.bytes.len()
    );

    // As in a build: the word subsets every handout and sheet share, built
    // once from the content's generic documents.
    let t = Instant::now();
    let generic = eval::evaluate_generic(&content);
    let handout_words =
        handout::shared_words(&content, &generic, today, &fonts).expect("shared words");
    let sheet_words = tebiki::render::sheet::shared_words(&generic, &fonts).expect("shared words");
    println!(
        "shared word subsets (once per build): {} ({:?} glyphs in the handout's, {:?} in the sheet's)",
        ms(t.elapsed()),
        handout_words.glyph_counts(),
        sheet_words.glyph_counts()
    );
    // The streams' compression, measured on the handout as a build writes
    // it (with the build's shared word subsets).
    let typical =
        handout::render_shared(&guide, &fonts, &drawings, Some(&handout_words)).expect("pdf");
    let quick = std::env::var_os("TEBIKI_BENCH_QUICK").is_some();
    if !quick {
        compression_candidates(&typical.bytes);
    }

    println!(
        "load content (manual, rules, schema):  {}",
        ms(time(50, || tebiki::load::load_content(
            &root.join("content")
        )))
    );
    println!(
        "evaluate one clinic:                    {}",
        ms(time(200, || eval::evaluate(&content, clinic, today)))
    );
    println!(
        "  of which facts ({} derived, declared in content): {}",
        content.derived.len(),
        ms(time(500, || eval::facts::build(clinic, &content, today)))
    );
    println!(
        "illustrations (scenes, SVG + PDF drawables): {}",
        ms(time(100, || {
            let p = tebiki::render::pictures::Pictures::new(&guide, &fonts);
            (p.svg(), p.pdf())
        }))
    );
    println!(
        "HTML guide, one clinic:                 {}",
        ms(time(200, || html.guide(&guide, &svg)))
    );
    println!(
        "PDF handout, layout + write:            {}",
        ms(time(100, || handout::render(&guide, &fonts, &drawings)))
    );

    let tmp = std::env::temp_dir().join(format!("tebiki-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");

    // HTML + PDF per clinic, each clinic different (synthetic list).
    let n: usize = std::env::var("TEBIKI_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let script = shared("TEBIKI_SCALE_GEN", "scale/gen.py");
    let csv = tmp.join("clinics.csv");
    let generated = script.is_file()
        && Command::new("python3")
            .arg(&script)
            .arg(n.to_string())
            .arg(&csv)
            .output()
            .is_ok_and(|o| o.status.success());
    let list = if generated {
        tebiki::pipeline::load_clinics(&csv, &content).0
    } else {
        println!("no {}: the six samples stand in", script.display());
        clinics.clone()
    };
    let mut per: Vec<Duration> = Vec::with_capacity(list.len());
    let mut wall: Vec<Duration> = Vec::with_capacity(list.len());
    let mut sheets: Vec<Duration> = Vec::with_capacity(list.len());
    let mut bytes = 0usize;
    // As in a build: pictures more than one clinic shows are laid out once
    // (nothing of a clinic's own values is reused).
    let cache = tebiki::render::pictures::PictureCache::default();
    let mut sizes: Vec<usize> = Vec::with_capacity(list.len());
    let mut sheet_sizes: Vec<usize> = Vec::with_capacity(list.len());
    for c in &list {
        let (t0, w0) = (thread_cpu(), Instant::now());
        let guide = eval::evaluate(&content, c, today);
        let p = tebiki::render::pictures::Pictures::cached(&guide, &fonts, &cache);
        let page = html
            .guide_pictures(&guide, &p, tebiki::render::sheet::Layout::Regular)
            .expect("html");
        let pdf =
            handout::render_shared(&guide, &fonts, &p.pdf(), Some(&handout_words)).expect("pdf");
        bytes += page.len() + pdf.bytes.len();
        sizes.push(pdf.bytes.len());
        wall.push(w0.elapsed());
        let t1 = thread_cpu();
        if let (Some(a), Some(b)) = (t0, t1) {
            per.push(b - a);
        }
        // The one-page sheet a build also writes (not in the comparison).
        let sheet = tebiki::render::sheet::render_shared(&guide, &fonts, Some(&sheet_words))
            .expect("sheet");
        sheet_sizes.push(sheet.bytes.len());
        if let (Some(a), Some(b)) = (t1, thread_cpu()) {
            sheets.push(b - a);
        }
    }
    if let Some((kept, served)) = fonts.layout_cache_counts() {
        println!(
            "  paragraphs of the content's own words set once: {kept} kept, served {served} times"
        );
    }
    print_sizes("handout, shared word subsets", &mut sizes);
    print_sizes("sheet, shared word subsets", &mut sheet_sizes);
    // The same clinics with one word subset per document's glyph set
    // (cached by set, as before shared subsets): size and CPU.
    if !quick {
        let (mut sizes, mut sheet_sizes) = (Vec::new(), Vec::new());
        let mut cpu = Duration::ZERO;
        for c in &list {
            let t0 = thread_cpu();
            let guide = eval::evaluate(&content, c, today);
            let p = tebiki::render::pictures::Pictures::cached(&guide, &fonts, &cache);
            std::hint::black_box(
                html.guide_pictures(&guide, &p, tebiki::render::sheet::Layout::Regular)
                    .expect("html"),
            );
            sizes.push(
                handout::render(&guide, &fonts, &p.pdf())
                    .expect("pdf")
                    .bytes
                    .len(),
            );
            if let (Some(a), Some(b)) = (t0, thread_cpu()) {
                cpu += b - a;
            }
            sheet_sizes.push(
                tebiki::render::sheet::render(&guide, &fonts)
                    .expect("sheet")
                    .bytes
                    .len(),
            );
        }
        println!(
            "  per-document word subsets instead: evaluate + HTML + PDF mean {} CPU",
            ms(cpu / list.len() as u32)
        );
        print_sizes("handout, per-document word subsets", &mut sizes);
        print_sizes("sheet, per-document word subsets", &mut sheet_sizes);
    }
    std::hint::black_box(bytes);
    // The thread's CPU clock ticks coarsely, so CPU is the mean over the
    // whole list; wall time is the median.
    let cpu = (per.len() == list.len() && !per.is_empty())
        .then(|| per.iter().sum::<Duration>() / per.len() as u32);
    println!(
        "per clinic, evaluate + HTML + PDF, {} different clinics, one thread: mean {} CPU, median {} wall",
        list.len(),
        cpu.map_or("?".into(), ms),
        ms(median(wall.clone()))
    );
    if sheets.len() == list.len() && !sheets.is_empty() {
        println!(
            "  plus the sheet (sheet.pdf), per clinic: mean {} CPU",
            ms(sheets.iter().sum::<Duration>() / sheets.len() as u32)
        );
    }
    println!("load average before Typst: {}", load_average());
    if let (Some(t), Some(cpu)) = (typst(), cpu) {
        let ours = cpu.as_secs_f64() * 1000.0;
        let wall_ours = median(wall).as_secs_f64() * 1000.0;
        if let Some(tc) = t.cpu_ms {
            println!(
                "side by side, CPU: tebiki {ours:.2} ms per clinic (HTML + PDF) vs Typst {tc:.1} ms per document: {:.1}x (target: 5x)",
                tc / ours
            );
        }
        println!(
            "side by side, wall (depends on load): tebiki median {wall_ours:.2} ms vs Typst median {:.1} ms: {:.1}x",
            t.wall_ms,
            t.wall_ms / wall_ours
        );
    }
    println!("load average after Typst: {}", load_average());
    if quick {
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    }

    // A region's batch: 240 clinics (the samples repeated under new keys),
    // end to end into a fresh folder each time (an unchanged rebuild would
    // skip the rendering).
    let data = tmp.join("clinics");
    std::fs::create_dir_all(&data).expect("tmp");
    let mut n = 0;
    for i in 0..40 {
        for entry in std::fs::read_dir(root.join("content/clinics"))
            .expect("samples")
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let text = text.replace("name: ", &format!("name: 第{i}"));
            std::fs::write(
                data.join(format!("c{i}-{}", entry.file_name().to_string_lossy())),
                text,
            )
            .expect("write");
            n += 1;
        }
    }
    // Same institution codes repeat across copies; keys get -2, -3 … suffixes,
    // which the build reports as errors but still renders: fine for timing.
    let mut cfg = tebiki::config::Config::load(&root.join("tebiki.yaml")).unwrap_or_default();
    cfg.content = root.join("content");
    cfg.clinics = data.clone();
    cfg.theme = root.join("themes/default");
    let opts = tebiki::pipeline::BuildOptions { today };
    let mut run = 0;
    let batch = time(3, || {
        run += 1;
        cfg.out = tmp.join(format!("out{run}"));
        let r = tebiki::pipeline::build(&cfg, &opts).map(|r| r.clinic_count);
        let _ = std::fs::remove_dir_all(&cfg.out);
        r
    });
    println!(
        "batch of {n} clinics (HTML + PDF + dashboard, all cores, fresh output): {} ({:.1} ms per clinic)",
        ms(batch),
        batch.as_secs_f64() * 1000.0 / n as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Prints the smallest, median and largest of `sizes` (bytes).
fn print_sizes(what: &str, sizes: &mut [usize]) {
    sizes.sort_unstable();
    if let (Some(min), Some(max)) = (sizes.first(), sizes.last()) {
        println!(
            "  {what}: {:.1} / {:.1} / {:.1} KB (smallest / median / largest)",
            *min as f64 / 1000.0,
            sizes[sizes.len() / 2] as f64 / 1000.0,
            *max as f64 / 1000.0
        );
    }
}

/// The streams of a handout by kind, uncompressed: page content, font
/// programs and `/ToUnicode` maps (the build's shared word subsets apart
/// from the document's own: those are compressed once per build), images,
/// object and cross-reference streams.
fn streams_by_kind(pdf: &[u8]) -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let Ok(doc) = lopdf::Document::load_mem(pdf) else {
        return Vec::new();
    };
    let pages = doc.get_pages();
    let contents: std::collections::BTreeSet<lopdf::ObjectId> = pages
        .values()
        .flat_map(|p| doc.get_page_contents(*p))
        .collect();
    // Streams of the shared word subsets (resources `/R` and `/B`).
    let mut shared = std::collections::BTreeSet::new();
    // The fonts are resources of the page tree's root (every page's).
    let fonts = doc
        .catalog()
        .and_then(|c| c.get_deref(b"Pages", &doc))
        .and_then(lopdf::Object::as_dict)
        .and_then(|p| p.get_deref(b"Resources", &doc))
        .and_then(lopdf::Object::as_dict)
        .and_then(|r| r.get_deref(b"Font", &doc))
        .and_then(lopdf::Object::as_dict);
    if let Ok(fonts) = fonts {
        for (name, font) in fonts.iter() {
            if name != b"R" && name != b"B" {
                continue;
            }
            let Ok(font) = doc.dereference(font).and_then(|(_, f)| f.as_dict()) else {
                continue;
            };
            if let Ok(id) = font.get(b"ToUnicode").and_then(lopdf::Object::as_reference) {
                shared.insert(id);
            }
            let descriptor = font
                .get_deref(b"DescendantFonts", &doc)
                .and_then(lopdf::Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|d| doc.dereference(d).ok())
                .and_then(|(_, d)| d.as_dict().ok())
                .and_then(|d| d.get_deref(b"FontDescriptor", &doc).ok())
                .and_then(|d| d.as_dict().ok());
            if let Some(d) = descriptor {
                for key in [&b"FontFile2"[..], b"FontFile3"] {
                    if let Ok(id) = d.get(key).and_then(lopdf::Object::as_reference) {
                        shared.insert(id);
                    }
                }
            }
        }
    }
    let mut kinds: Vec<(&'static str, Vec<Vec<u8>>)> = [
        "page content (per document)",
        "font programs, document's own subsets (per document)",
        "ToUnicode, document's own subsets (per document)",
        "object + cross-reference streams (per document)",
        "font programs, shared word subsets (once per build)",
        "ToUnicode, shared word subsets (once per build)",
        "images (once per process)",
    ]
    .into_iter()
    .map(|k| (k, Vec::new()))
    .collect();
    for (id, obj) in &doc.objects {
        let Ok(s) = obj.as_stream() else { continue };
        let Ok(raw) = s.decompressed_content() else {
            continue;
        };
        let name = |k: &[u8]| s.dict.get(k).and_then(|v| v.as_name()).ok();
        let once = shared.contains(id);
        let kind = if contents.contains(id) {
            0
        } else if s.dict.has(b"Length1") || name(b"Subtype") == Some(b"OpenType") {
            if once { 4 } else { 1 }
        } else if name(b"Subtype") == Some(b"Image") {
            6
        } else if raw.windows(9).any(|w| w == b"begincmap") {
            if once { 5 } else { 2 }
        } else {
            3
        };
        kinds[kind].1.push(raw);
    }
    kinds
}

/// Compressed size and time of each kind of stream of `pdf` at the levels
/// of `flate2` (zlib-rs) and `libdeflater`: the measurement behind the
/// level chosen per stream (README, "The PDF stack").
fn compression_candidates(pdf: &[u8]) {
    use std::io::Write as _;
    type Codec = (String, Box<dyn Fn(&[u8]) -> usize>);
    let mut codecs: Vec<Codec> = Vec::new();
    for level in 1..=9 {
        codecs.push((
            format!("flate2 zlib-rs {level}"),
            Box::new(move |raw: &[u8]| {
                let mut e =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
                let _ = e.write_all(raw);
                e.finish().map_or(0, |v| v.len())
            }),
        ));
    }
    for level in 1..=12 {
        codecs.push((
            format!("libdeflater {level}"),
            Box::new(move |raw: &[u8]| {
                let lvl = libdeflater::CompressionLvl::new(level).expect("level");
                let mut c = libdeflater::Compressor::new(lvl);
                let mut out = vec![0; c.zlib_compress_bound(raw.len())];
                c.zlib_compress(raw, &mut out).unwrap_or(0)
            }),
        ));
    }
    println!("compression of the typical handout's streams (size, median time):");
    for (kind, streams) in streams_by_kind(pdf) {
        if streams.is_empty() {
            continue;
        }
        let raw: usize = streams.iter().map(Vec::len).sum();
        println!(
            "  {kind}: {} streams, {:.1} KB raw",
            streams.len(),
            raw as f64 / 1024.0
        );
        for (name, f) in &codecs {
            let size: usize = streams.iter().map(|s| f(s)).sum();
            let t = time(20, || streams.iter().map(|s| f(s)).sum::<usize>());
            println!(
                "    {name:<18} {:>7.1} KB {:>9}",
                size as f64 / 1024.0,
                ms(t)
            );
        }
    }
}
