//! The HTML guide, the PDF handout and the one-page sheet say the same
//! (brief: "the PDF and the HTML come from the same evaluated model, so they
//! never disagree"). For every sample clinic and every unusual fixture
//! clinic, built once: every finding (title, message, consequence), every
//! checklist item, every date of the schedule (date, event, problem, basis),
//! every step's text and notes (a later repetition in brief too), each
//! part's text and each manual's closing words, and every personalised value
//! of a screen's rows is in the HTML guide and in the handout, in the same
//! order; every row of every kind (a tick, a box to leave empty or that
//! cannot be ticked yet, one that does not concern the clinic, a secret's
//! instruction) is in the guide's table and in its picture's text
//! alternative, the same in the guide and in the tagged handout; the HTML's
//! printed sheet and sheet.pdf list the same findings, dates and values to
//! type, in the same order.
//!
//! What to compare comes from the evaluated model (`tebiki::eval::evaluate`,
//! the one every renderer reads), never from strings spelled here; the texts
//! are compared without whitespace (the PDF breaks lines where the HTML does
//! not). The HTML is read without its pictures (inline SVG), so a value must
//! be in its table, as a reader without the picture sees it.
//! Needs poppler-utils (pdftotext); `.ci/run` installs it.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tebiki::eval::guide::{Guide, GuideRow, KeyDate, Shown};

/// One clinic's guide as evaluated and the folder its documents were built in.
struct Built {
    guide: Guide,
    dir: PathBuf,
}

/// Builds the clinics of `clinics` (a folder) once into `name` and evaluates
/// each as the build did; returns those that got documents.
fn build_and_evaluate(name: &str, clinics: &Path) -> Vec<Built> {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&out);
    let o = build_with("--clinics", clinics, &out);
    // Exit 1: a clinic with an error in its data (the unusual 那覇みなと医院)
    // gets no documents; the others are built.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cfg = tebiki::config::Config {
        content: root().join("content"),
        clinics: clinics.to_path_buf(),
        theme: root().join("themes/default"),
        ..tebiki::config::Config::default()
    };
    let project = tebiki::pipeline::load_project(&cfg).expect("content loads");
    let today = TODAY.parse().unwrap();
    let built: Vec<Built> = project
        .clinics
        .iter()
        .filter_map(|c| {
            let dir = out.join("clinics").join(&c.key);
            dir.join("index.html").is_file().then(|| Built {
                guide: tebiki::eval::evaluate(&project.content, c, today),
                dir,
            })
        })
        .collect();
    // Every clinic folder the build wrote is compared.
    let written = std::fs::read_dir(out.join("clinics"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
        .count();
    assert_eq!(
        built.len(),
        written,
        "{name}: clinics built but not compared"
    );
    built
}

fn samples() -> &'static [Built] {
    static B: OnceLock<Vec<Built>> = OnceLock::new();
    B.get_or_init(|| build_and_evaluate("parity-samples", &root().join("content/clinics")))
}

fn unusual() -> &'static [Built] {
    static B: OnceLock<Vec<Built>> = OnceLock::new();
    B.get_or_init(|| {
        build_and_evaluate(
            "parity-unusual",
            &root().join("tests/fixtures/unusual/clinics"),
        )
    })
}

/// Text without whitespace.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `html` without the elements that start with `open` (through their
/// closing `</tag>`, not nested in themselves).
fn without(html: &str, open: &str) -> String {
    let tag = open[1..].split([' ', '>']).next().unwrap_or_default();
    let close = format!("</{tag}>");
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        rest = match rest.find(&close) {
            Some(j) => &rest[j + close.len()..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The element that starts with `open`, through its closing tag.
fn element<'a>(html: &'a str, open: &str) -> &'a str {
    let tag = open[1..].split([' ', '>']).next().unwrap_or_default();
    let close = format!("</{tag}>");
    let Some(i) = html.find(open) else {
        return "";
    };
    let end = html[i..].find(&close).map_or(html.len(), |j| i + j);
    &html[i..end]
}

/// The text of some HTML: no tags, scripts, styles or pictures (inline SVG),
/// entities decoded; without whitespace.
fn html_text(html: &str) -> String {
    let mut html = html.to_string();
    for open in ["<script", "<style", "<svg"] {
        html = without(&html, open);
    }
    squash(&unescape(&untagged(&html)))
}

/// The text of a PDF without its page headers and footers (the running
/// head and foot the model's strings make, and the page number), without
/// whitespace: a sentence a page break cuts reads whole.
fn pdf_text(pdf: &Path, g: &Guide) -> String {
    let t = &*g.strings;
    let generated = tebiki::eval::dates::western(g.generated.parse().unwrap());
    let versions = g.versions();
    let clinic = [
        ("clinic", g.clinic_name.as_str()),
        ("code", g.institution_code.as_str()),
        ("date", generated.as_str()),
        ("versions", versions.as_str()),
    ];
    let running: Vec<String> = ["header_left", "header_right", "footer_left"]
        .iter()
        .map(|k| squash(&t.fill(k, &clinic)))
        .collect();
    let page_number = |l: &str| {
        l.split_once('/').is_some_and(|(a, b)| {
            a.trim().parse::<u32>().is_ok() && b.trim().parse::<u32>().is_ok()
        })
    };
    let text = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let mut out = String::new();
    for page in text.split('\u{c}') {
        let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let running_line = |l: &&&str| running.contains(&squash(l)) || page_number(l);
        let start = lines.iter().take_while(running_line).count();
        let end = lines.len() - lines[start..].iter().rev().take_while(running_line).count();
        for l in &lines[start..end] {
            out.push_str(&squash(l));
        }
    }
    out
}

/// The line under a document's title, from the model (`Guide::subtitle`:
/// the theme's string with the code's label, a part without value left out).
fn subtitle(g: &Guide) -> String {
    g.subtitle(&tebiki::eval::dates::western(g.generated.parse().unwrap()))
}

/// Each line of a text, without whitespace, empty lines left out.
fn pieces(text: &str) -> Vec<String> {
    text.lines().map(squash).filter(|l| !l.is_empty()).collect()
}

/// A document read front to back: each thing looked for must come after the
/// last one found.
struct Reader<'a> {
    what: &'static str,
    text: &'a str,
    at: usize,
    failures: &'a mut Vec<String>,
    clinic: String,
}

impl<'a> Reader<'a> {
    fn new(what: &'static str, text: &'a str, failures: &'a mut Vec<String>, clinic: &str) -> Self {
        Reader {
            what,
            text,
            at: 0,
            failures,
            clinic: clinic.to_string(),
        }
    }

    /// A date of the schedule: the date, its event, its problem if any and,
    /// with `basis`, how it was computed.
    fn date(&mut self, d: &KeyDate, basis: bool) {
        let date = tebiki::eval::dates::western(d.iso.parse().unwrap());
        let why = format!("date {}", d.iso);
        self.next(&squash(&date), &why, usize::MAX);
        self.next(&squash(&d.label), &why, usize::MAX);
        if let Some(p) = &d.problem {
            self.next(&squash(p), &why, usize::MAX);
        }
        if basis {
            self.next(&squash(&d.basis), &why, usize::MAX);
        }
    }

    /// Finds `piece` (whitespace-free) after the last find, before `limit`
    /// (a byte offset); on failure records where it was expected and whether
    /// it is there at all.
    fn next(&mut self, piece: &str, why: &str, limit: usize) -> Option<usize> {
        if piece.is_empty() {
            return Some(self.at);
        }
        let limit = limit.min(self.text.len()).max(self.at);
        match self.text[self.at..limit].find(piece) {
            Some(i) => {
                self.at += i + piece.len();
                Some(self.at - piece.len())
            }
            None => {
                let elsewhere = if self.text.contains(piece) {
                    "out of order or in the wrong place"
                } else {
                    "missing"
                };
                let context: String = self.text[self.at..].chars().take(60).collect();
                self.failures.push(format!(
                    "{}: {} «{piece}» ({why}) {elsewhere}; after the last find: «{context}…»",
                    self.clinic, self.what
                ));
                None
            }
        }
    }
}

/// A row whose value the handout's text prints as the model words it: a
/// value to enter or a choice, or the name of a value its data lacks. The
/// other kinds are drawn (a tick, an empty box, a blanked secret) or worded
/// for the picture (「未チェック（未契約）」), so the handout says them in the
/// picture's text alternative, compared with the guide's in
/// [`compare_pictures`].
fn personal(r: &GuideRow) -> bool {
    matches!(
        &r.shown,
        Shown::Value { .. }
            | Shown::Choice { .. }
            | Shown::YearMonth { .. }
            | Shown::Missing { .. }
    )
}

/// Findings, checklist, dates and step values of one clinic, in the HTML
/// guide and in the handout, in order.
fn compare_guide_and_handout(b: &Built, failures: &mut Vec<String>) {
    let g = &b.guide;
    let html = read(&b.dir.join("index.html"));
    // The guide's body: not its header, table of contents or printed sheet
    // (compared with sheet.pdf on its own).
    let body = without(
        &without(
            &without(&html, "<header class=\"guide-header\""),
            "<nav class=\"toc",
        ),
        "<section class=\"sheet",
    );
    let header = html_text(element(&html, "<header class=\"guide-header\""));
    let html = html_text(&body);
    let pdf = pdf_text(&b.dir.join("guide.pdf"), g);
    let clinic = format!("{} ({})", g.clinic_key, g.clinic_name);
    // The line under the title in the same words.
    let line = squash(&subtitle(g));
    for (what, text) in [("guide header", &header), ("handout", &pdf)] {
        if !text.contains(&line) {
            failures.push(format!("{clinic}: {what} lacks the subtitle «{line}»"));
        }
    }
    for (what, text) in [("guide", html.as_str()), ("handout", pdf.as_str())] {
        let mut r = Reader::new(what, text, failures, &clinic);
        let end = usize::MAX;
        for f in &g.findings {
            let why = format!("finding {}", f.rule);
            r.next(&squash(&f.title), &why, end);
            for p in pieces(&f.message.plain_text()) {
                r.next(&p, &why, end);
            }
            for p in pieces(&f.consequence.plain_text()) {
                r.next(&p, &why, end);
            }
        }
        for i in &g.issues {
            r.next(&squash(&i.message), "data remark", end);
        }
        for m in &g.manuals {
            for c in &m.checklist {
                for p in pieces(&c.plain_text()) {
                    r.next(&p, "checklist", end);
                }
            }
            for d in &m.dates {
                r.date(d, true);
            }
            // Each step's values between its title and the next step's.
            let steps: Vec<_> = m.parts.iter().flat_map(|p| &p.steps).collect();
            let mut starts = Vec::new();
            for s in &steps {
                let why = format!("step {}", s.number);
                starts.push(r.next(&squash(&s.title), &why, end));
            }
            for (i, s) in steps.iter().enumerate() {
                let Some(start) = starts[i] else { continue };
                let limit = starts[i + 1..]
                    .iter()
                    .flatten()
                    .next()
                    .copied()
                    .unwrap_or(end);
                // The step's text (a later repetition in brief: unless the
                // same as the first's) and its notes, in order: the values
                // its words name (a brief repetition's terminal name and
                // contact, the notice's expected date).
                r.at = start;
                let why = format!("step {} text", s.number);
                if !s.brief_of.as_ref().is_some_and(|f| f.same_text) {
                    for p in pieces(&s.body.plain_text()) {
                        r.next(&p, &why, limit);
                    }
                }
                for n in &s.notes {
                    let why = format!("step {} note", s.number);
                    if let Some(title) = &n.title {
                        r.next(&squash(title), &why, limit);
                    }
                    for p in pieces(&n.body.plain_text()) {
                        r.next(&p, &why, limit);
                    }
                }
                // A later repetition in brief shows no table and no picture.
                if s.brief_of.is_some() {
                    continue;
                }
                let Some(sc) = &s.screen else { continue };
                // Within the step in any order: the picture shows most
                // values, the table under it those the picture cannot. The
                // guide's table has a line for every row with something to
                // say, of every kind (a tick, a box to leave empty, a secret's
                // instruction: the theme's words); the handout's text has
                // the values, the picture's text alternative all of them
                // (`compare_pictures`).
                let says = |row: &&GuideRow| {
                    if what == "guide" {
                        // (A link or button to act on: 「このリンクをクリック」.)
                        !matches!(row.shown, Shown::Nothing)
                            || row.highlight
                            || row.callout.is_some()
                    } else {
                        personal(row)
                    }
                };
                for row in sc.rows.iter().filter(says) {
                    r.at = start;
                    let why = format!("step {} row {}", s.number, row.id);
                    r.next(&squash(&row.display), &why, limit);
                }
            }
            r.at = starts.iter().flatten().last().copied().unwrap_or(r.at);
        }
        // Each part's title, text before and after its steps, and each
        // manual's closing words, in order.
        let mut r = Reader::new(what, text, failures, &clinic);
        for m in &g.manuals {
            for p in &m.parts {
                let why = format!("part {} text", p.number);
                r.next(&squash(&p.title), &why, end);
                for piece in pieces(&p.intro.plain_text()) {
                    r.next(&piece, &why, end);
                }
                for s in &p.steps {
                    r.next(&squash(&s.title), &why, end);
                }
                for piece in pieces(&p.outro.plain_text()) {
                    r.next(&piece, &why, end);
                }
            }
            for piece in pieces(&m.closing.plain_text()) {
                r.next(&piece, "closing", end);
            }
        }
    }
}

/// Findings, dates and values to type of one clinic, in the HTML guide's
/// printed sheet and in sheet.pdf, in order.
fn compare_sheets(b: &Built, failures: &mut Vec<String>) {
    let g = &b.guide;
    let html = read(&b.dir.join("index.html"));
    let html = html_text(element(&html, "<section class=\"sheet"));
    let pdf = pdf_text(&b.dir.join("sheet.pdf"), g);
    let clinic = format!("{} ({})", g.clinic_key, g.clinic_name);
    // The values in sheet.pdf's order: the same row of a repeated step is
    // one line (a tick box per value) where its first value is.
    let values = tebiki::render::sheet::typed_values(g);
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (i, (s, r)) in values.iter().enumerate() {
        let first = values
            .iter()
            .position(|(s2, r2)| s2.number == s.number && r2.id == r.id)
            .unwrap_or(i);
        order.push((first, i));
    }
    order.sort();
    for (what, text) in [("sheet (html)", html.as_str()), ("sheet.pdf", pdf.as_str())] {
        let mut r = Reader::new(what, text, failures, &clinic);
        let end = usize::MAX;
        // The line under the title: code, prefecture, date, in the same words.
        r.next(&squash(&subtitle(g)), "subtitle", end);
        for f in &g.findings {
            r.next(&squash(&f.title), &format!("finding {}", f.rule), end);
        }
        for d in g.manuals.iter().flat_map(|m| &m.dates) {
            r.date(d, false);
        }
        let mut group = usize::MAX;
        for &(first, i) in &order {
            let (s, row) = values[i];
            let why = format!("step {} row {}", s.number, row.id);
            // The row's note (`sheet_note:`, what the handout says of the
            // values: only for a terminal not applied for yet): in sheet.pdf
            // once a group, under the label when it holds several values,
            // else after the value; after each value in the HTML's.
            let many = order.iter().filter(|(f, _)| *f == first).count() > 1;
            let note = |r: &mut Reader| {
                if let Some(n) = &row.sheet_note {
                    r.next(&squash(&format!("（{n}）")), &format!("{why} note"), end);
                }
            };
            // The label once a group in sheet.pdf.
            if first != group || what == "sheet (html)" {
                r.next(&squash(&row.label), &why, end);
                if many && what == "sheet.pdf" {
                    note(&mut r);
                }
            }
            group = first;
            r.next(&squash(&row.display), &why, end);
            if !many || what == "sheet (html)" {
                note(&mut r);
            }
        }
    }
}

/// `s` with the entities the templates and the SVG writer use decoded.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text alternatives of the pictures (inline SVG) in some HTML, in order.
fn html_alts(html: &str) -> Vec<String> {
    html.match_indices("<svg ")
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>')?];
            let (_, rest) = tag.split_once(" aria-label=\"")?;
            Some(unescape(&rest[..rest.find('"')?]))
        })
        .collect()
}

/// Each screen's picture says, for every row of every kind, what this clinic
/// does there: in the handout in its text alternative, in the HTML guide in
/// the table under it, each said once.
///
/// The handout prints most values only in its pictures (the table under a
/// picture adds only what it cannot show), and a reader of the tagged PDF
/// (a screen reader, a copy as text) gets the picture's `/Alt` instead of
/// it. The HTML guide sets every row in a table right under the picture, so
/// there the picture's `aria-label` is short (the screen, where the values
/// are, the button: `scene::build::screen_alt_beside_table`) and a screen
/// reader hears the values once, in the table. For every picture of the
/// guide: the handout has it, in the same order, with the same text
/// alternative or, beside a table, the full one of its screen; or (a short
/// screen the handout puts in words) says each row's label and display in
/// its text within the step. For every step with a screen: the handout's
/// text alternative and the guide's table each name each row showing
/// anything (not only values: a tick 「チェックを入れる: 同意する」, a box to
/// leave empty, one the clinic cannot tick yet, one that does not concern
/// it, a secret's instruction) with the row's display, in the screen's
/// order, and that a value a warning doubts (framed dashed) is to be
/// checked; the guide's picture names none of them. (A tick is drawn, not
/// written: the frame drawn in both is one,
/// `pictures::the_handout_and_the_svg_draw_the_same_frame`.)
fn compare_pictures(b: &Built, failures: &mut Vec<String>) {
    let g = &b.guide;
    let html = read(&b.dir.join("index.html"));
    let pdf = pdf_alts(&b.dir.join("guide.pdf"));
    // Read only when a screen is put in words.
    let text = std::cell::OnceCell::new();
    let clinic = format!("{} ({})", g.clinic_key, g.clinic_name);
    let mut at = 0;
    for m in &g.manuals {
        for s in m.parts.iter().flat_map(|p| &p.steps) {
            let open = format!("id=\"step-{}-{}\"", m.id, s.id);
            let Some(i) = html.find(&open) else {
                failures.push(format!("{clinic}: guide lacks step {}", s.number));
                continue;
            };
            let step = &html[i..i + html[i..].find("</article>").unwrap_or(0)];
            let alts = html_alts(step);
            let in_step = |alt: &str| {
                g.strings
                    .fill("picture_alt_step", &[("step", &s.number), ("alt", alt)])
            };
            let screen_prefix = in_step("");
            // The screen's picture beside its table: short in the guide, the
            // full text alternative in the handout.
            let beside = s.screen.as_ref().and_then(|sc| {
                let short = tebiki::scene::build::screen_alt_beside_table(sc, &g.strings)?;
                Some((
                    in_step(&short),
                    in_step(&tebiki::scene::screen_alt(sc, &g.strings)),
                ))
            });
            let mut handout_alt = None;
            for alt in &alts {
                let expected = match &beside {
                    Some((short, full)) if short == alt => full,
                    _ => alt,
                };
                match pdf[at..].iter().position(|a| a == expected) {
                    Some(j) => {
                        at += j + 1;
                        if expected.starts_with(&screen_prefix) {
                            handout_alt = Some(expected.clone());
                        }
                    }
                    None if alt.starts_with(&screen_prefix) => {
                        // Put in words: each row's label and display.
                        let sc = s.screen.as_ref().expect("a screen's picture");
                        let text = text.get_or_init(|| pdf_text(&b.dir.join("guide.pdf"), g));
                        let mut r = Reader::new("handout (in words)", text, failures, &clinic);
                        r.next(&squash(&s.title), &format!("step {}", s.number), usize::MAX);
                        for row in &sc.rows {
                            let why = format!("step {} row {} (no picture)", s.number, row.id);
                            r.next(&squash(&row.label), &why, usize::MAX);
                            r.next(&squash(&row.display), &why, usize::MAX);
                        }
                    }
                    None => failures.push(format!(
                        "{clinic}: step {}: the guide's picture «{alt}» is not in the handout with the text alternative «{expected}»{}",
                        s.number,
                        if pdf.contains(expected) { " in this order" } else { "" }
                    )),
                }
            }
            if s.brief_of.is_some() {
                continue;
            }
            // A figure (the notice sample): its author's caption, then each
            // value the document prints for this clinic (its code, the
            // terminal of this step), in order.
            if let Some(fig) = &s.figure {
                let caption = tebiki::render::pictures::figure_caption(fig, &g.strings);
                let caption = squash(caption.trim_end_matches('。'));
                match alts
                    .iter()
                    .map(|a| squash(a))
                    .find(|a| a.contains(&caption))
                {
                    None => failures.push(format!(
                        "{clinic}: step {}: the guide has no picture of its figure «{caption}»",
                        s.number
                    )),
                    Some(alt) => {
                        let mut r =
                            Reader::new("figure's text alternative", &alt, failures, &clinic);
                        r.next(&caption, &format!("step {} figure", s.number), usize::MAX);
                        for row in fig.rows.iter().filter(|r| {
                            matches!(
                                r.shown,
                                Shown::Value { .. }
                                    | Shown::Choice { .. }
                                    | Shown::YearMonth { .. }
                            )
                        }) {
                            let why = format!("step {} figure row {}", s.number, row.id);
                            r.next(&squash(&row.label), &why, usize::MAX);
                            r.next(&squash(&row.display), &why, usize::MAX);
                        }
                    }
                }
            }
            let Some(sc) = &s.screen else { continue };
            let Some(alt) = alts.iter().find(|a| a.starts_with(&screen_prefix)) else {
                failures.push(format!(
                    "{clinic}: step {}: the guide has no picture of its screen",
                    s.number
                ));
                continue;
            };
            // Where a reader hears the rows: the handout's text alternative
            // (unless put in words, read above); in the guide the table
            // under a picture beside one, else its picture.
            let mut heard = Vec::new();
            if let Some(a) = &handout_alt {
                heard.push(("handout's text alternative", squash(a)));
            }
            if let Some((short, _)) = &beside {
                let table = step.find("<table class=\"form").map_or("", |t| {
                    &step[t..t + step[t..].find("</table>").unwrap_or(0)]
                });
                heard.push((
                    "guide's table under the picture",
                    squash(&unescape(&untagged(table))),
                ));
                // The picture itself names the screen and where its values
                // are, not the values again.
                if alt != short {
                    failures.push(format!(
                        "{clinic}: step {}: the guide's picture beside its table reads «{alt}», not «{short}»",
                        s.number
                    ));
                }
            } else {
                heard.push(("guide's picture", squash(alt)));
            }
            for (what, text) in &heard {
                let mut r = Reader::new(what, text, failures, &clinic);
                for row in sc
                    .rows
                    .iter()
                    .filter(|r| !matches!(r.shown, Shown::Nothing))
                {
                    let why = format!("step {} row {} ({})", s.number, row.id, kind(&row.shown));
                    r.next(&squash(&row.label), &why, usize::MAX);
                    r.next(
                        squash(&row.display).trim_end_matches('。'),
                        &why,
                        usize::MAX,
                    );
                    // A value a warning doubts (drawn dashed) is said to be checked.
                    if tebiki::render::sheet::to_check(row) {
                        let flag = g.strings.fill(
                            "picture_alt_flag",
                            &[("findings", g.strings.get("findings"))],
                        );
                        r.next(&squash(&flag), &why, usize::MAX);
                    }
                }
                // Then the rows without a value it points at (a link to
                // click); in the table, in the screen's order among the rest.
                let mut r = Reader::new(what, text, failures, &clinic);
                for row in sc.rows.iter().filter(|r| {
                    matches!(r.shown, Shown::Nothing) && (r.highlight || r.callout.is_some())
                }) {
                    let why = format!("step {} row {} (to act on)", s.number, row.id);
                    r.next(&squash(&row.label), &why, usize::MAX);
                }
            }
        }
    }
}

/// The name of a row's kind, for messages.
fn kind(s: &Shown) -> &'static str {
    match s {
        Shown::Nothing => "nothing",
        Shown::Value { .. } => "value",
        Shown::Choice { .. } => "choice",
        Shown::Checked => "tick",
        Shown::Unchecked { .. } => "cannot tick yet",
        Shown::YearMonth { .. } => "year-month",
        Shown::Missing { .. } => "missing",
        Shown::Blank { .. } => "left empty",
        Shown::NotApplicable { .. } => "does not concern the clinic",
        Shown::Secret { .. } => "secret",
    }
}

fn check(clinics: &[Built]) {
    let mut failures = Vec::new();
    for b in clinics {
        compare_guide_and_handout(b, &mut failures);
        compare_sheets(b, &mut failures);
        compare_pictures(b, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_sample_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    assert_eq!(samples().len(), SAMPLES.len());
    check(samples());
}

#[test]
fn the_unusual_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    assert!(unusual().len() >= 12, "{}", unusual().len());
    check(unusual());
}

/// The four clinics review24 read whole (a pharmacy on a line not NTT's, a
/// 変更 clinic, two around holidays): their sheets' notes (「（…だけ）」) too.
#[test]
fn the_whole_handouts_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    let built = build_and_evaluate(
        "parity-whole",
        &root().join("tests/fixtures/whole-handouts"),
    );
    assert_eq!(built.len(), 4);
    // The clinics whose sheets have notes: the 変更 clinic's two 2-2 rows and
    // the pharmacy's line type. All four are compared: the two around
    // holidays too, whose late notice date's problem pdftotext read after
    // its own second line until the sheet set it under its event.
    let noted: Vec<&Built> = built
        .iter()
        .filter(|b| {
            tebiki::render::sheet::typed_values(&b.guide)
                .iter()
                .any(|(_, r)| r.sheet_note.is_some())
        })
        .collect();
    let notes: usize = noted
        .iter()
        .map(|b| {
            tebiki::render::sheet::typed_values(&b.guide)
                .iter()
                .filter(|(_, r)| r.sheet_note.is_some())
                .count()
        })
        .sum();
    assert_eq!((noted.len(), notes), (2, 3));
    // And the two around holidays have such a problem.
    let late = built
        .iter()
        .filter(|b| {
            b.guide
                .manuals
                .iter()
                .any(|m| m.dates.iter().any(|d| d.problem.is_some()))
        })
        .count();
    assert_eq!(late, 2);
    // The printed sheet sets a problem apart from its event as sheet.pdf
    // does (「…見込み ※ 設置予定日…」, not 「見込み※設置予定日」).
    for b in &built {
        let html = read(&b.dir.join("index.html"));
        let sheet = unescape(&untagged(element(&html, "<section class=\"sheet")));
        let sheet = sheet.split_whitespace().collect::<Vec<_>>().join(" ");
        for d in b.guide.manuals.iter().flat_map(|m| &m.dates) {
            if let Some(p) = &d.problem {
                let want = format!("{} ※ {p}", d.label);
                assert!(sheet.contains(&want), "{want}\n{sheet}");
            }
        }
    }
    check(&built);
}

/// The clinics review26 read whole (values not decided yet, a hospital with
/// seven terminals paying by slip, three days before the installation) and
/// the CSV's two (full-width values, 「－」 and 「未定」 in cells): a value
/// read as blank is missing alike in the three documents.
#[test]
fn the_whole_handouts_2_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    let dir = root().join("tests/fixtures/whole-handouts-2");
    let built = build_and_evaluate("parity-whole-2", &dir);
    assert_eq!(built.len(), 3);
    check(&built);
    let csv = build_and_evaluate("parity-whole-2-csv", &dir.join("b-hiroshima-fullwidth.csv"));
    assert_eq!(csv.len(), 2);
    check(&csv);
}

/// The clinics review30 read whole (a pharmacy on ドコモ光 with a terminal
/// named in Latin, a dental clinic on a line not NTT's, the usual clinic, a
/// 45-character name with 旧字): each row's help that is the clinic's own
/// case (申請区分, line type, test month, fee) is alike in the three.
#[test]
fn the_whole_handouts_5_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    let built = build_and_evaluate(
        "parity-whole-5",
        &root().join("tests/fixtures/whole-handouts-5"),
    );
    assert_eq!(built.len(), 4);
    check(&built);
}

/// Review32's clinics (a 変更 clinic with two terminals of one name, one of
/// them applied for; a hospital of eight terminals paying by slip; a last
/// safe day on a Saturday of 年末年始): the guide and the handout read whole
/// side by side.
#[test]
fn the_whole_handouts_6_clinics_guide_handout_and_sheet_say_the_same_in_the_same_order() {
    let built = build_and_evaluate(
        "parity-whole-6",
        &root().join("tests/fixtures/whole-handouts-6"),
    );
    assert_eq!(built.len(), 3);
    check(&built);
}
