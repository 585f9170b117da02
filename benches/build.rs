//! Speed of the stages that run per clinic, and of a whole batch.
//!
//! `cargo bench --bench build` prints medians. Timings live here, never in
//! tests. Per-handout figures run on one core with the fonts parsed once,
//! as a batch does.

use std::path::Path;
use std::time::{Duration, Instant};
use tebiki::eval;
use tebiki::render::{handout, html::HtmlRenderer, theme::Theme};

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

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let today: jiff::civil::Date = "2026-11-24".parse().expect("date");
    let (content, d) = tebiki::load::load_content(&root.join("content"));
    assert!(!d.has_errors());
    let (clinics, _) = tebiki::pipeline::load_clinics(&root.join("content/clinics"), &content);
    let theme = Theme::new(Some(&root.join("themes/default")));

    let t = Instant::now();
    let fonts = theme.pdf_fonts().expect("fonts");
    println!("font parsing (once per process):       {}", ms(t.elapsed()));
    let html = HtmlRenderer::new(&theme).expect("templates");

    let clinic = clinics
        .iter()
        .find(|c| c.key == "1311234566")
        .expect("sample");
    let guide = eval::evaluate(&content, clinic, today);
    let pictures = tebiki::render::pictures::Pictures::new(&guide);
    let svg = pictures.svg();
    let drawings = pictures.pdf();
    let pdf = handout::render(&guide, &fonts, &drawings).expect("pdf");
    println!(
        "typical handout: {} pages, {} bytes",
        pdf.pages,
        pdf.bytes.len()
    );

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
        "illustrations (10 scenes, SVG + PDF drawables): {}",
        ms(time(100, || {
            let p = tebiki::render::pictures::Pictures::new(&guide);
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

    // A region's batch: 200 clinics (the samples repeated under new keys), end to end.
    let tmp = std::env::temp_dir().join(format!("tebiki-bench-{}", std::process::id()));
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
    cfg.out = tmp.join("out");
    let opts = tebiki::pipeline::BuildOptions { today };
    let batch = time(3, || {
        tebiki::pipeline::build(&cfg, &opts).map(|r| r.clinics.len())
    });
    println!(
        "batch of {n} clinics (HTML + PDF + dashboard, all cores): {} ({:.1} ms per clinic)",
        ms(batch),
        batch.as_secs_f64() * 1000.0 / n as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
