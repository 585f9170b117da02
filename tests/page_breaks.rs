//! Where the handout's pages break, read back from the PDF's structure tree:
//! a step's heading and the text under it stay on the page where its picture
//! or table starts (the HTML guide's print CSS keeps them together too), and
//! no heading is the last thing on a page.
//!
//! Every sample and fixture manual's clinics are built and each handout's
//! structure tree is walked in reading order; each element is given the pages
//! its marked content is on.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lopdf::{Document, Object, ObjectId};

/// A top-level element of the handout (a child of `Document`): its role and
/// the pages (0-based) its content is on.
#[derive(Debug)]
struct Element {
    role: String,
    pages: BTreeSet<usize>,
}

impl Element {
    fn first(&self) -> usize {
        self.pages.first().copied().unwrap_or(0)
    }
    fn last(&self) -> usize {
        self.pages.last().copied().unwrap_or(0)
    }
    fn heading(&self) -> bool {
        matches!(self.role.as_str(), "H2" | "H3" | "H4")
    }
    /// The start of a step's body: its picture or its table.
    fn body(&self) -> bool {
        matches!(self.role.as_str(), "Figure" | "Table")
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => doc.get_object(*r).expect("reference resolves"),
        o => o,
    }
}

/// The pages of the marked content under `o`, a kid of an element whose page
/// is `pg`.
fn pages_of(
    doc: &Document,
    o: &Object,
    pg: Option<ObjectId>,
    index: &dyn Fn(ObjectId) -> usize,
    out: &mut BTreeSet<usize>,
    depth: usize,
) {
    assert!(depth < 64, "structure tree too deep");
    match resolve(doc, o) {
        Object::Integer(_) => {
            if let Some(p) = pg {
                out.insert(index(p));
            }
        }
        Object::Array(kids) => {
            for k in kids {
                pages_of(doc, k, pg, index, out, depth + 1);
            }
        }
        Object::Dictionary(d) => {
            let pg = match d.get(b"Pg") {
                Ok(Object::Reference(r)) => Some(*r),
                _ => pg,
            };
            if d.get(b"Type").and_then(Object::as_name).ok() == Some(&b"MCR"[..]) {
                if let Some(p) = pg {
                    out.insert(index(p));
                }
            } else if let Ok(k) = d.get(b"K") {
                pages_of(doc, k, pg, index, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The handout's top-level elements in reading order.
fn elements(pdf: &Path) -> Vec<Element> {
    let doc = Document::load(pdf).expect("the handout parses");
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let index = |id: ObjectId| pages.iter().position(|p| *p == id).unwrap_or(usize::MAX);
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"StructTreeRoot"))
        .expect("the handout is tagged");
    let root = resolve(&doc, root).as_dict().expect("a dictionary");
    let document = resolve(&doc, root.get(b"K").expect("the root has a kid"));
    let document = match document {
        Object::Array(a) => resolve(&doc, &a[0]),
        o => o,
    };
    let document = document.as_dict().expect("the Document element");
    let kids = match resolve(&doc, document.get(b"K").expect("Document has kids")) {
        Object::Array(a) => a.clone(),
        o => vec![o.clone()],
    };
    let mut out = Vec::new();
    for k in &kids {
        let Ok(d) = resolve(&doc, k).as_dict() else {
            continue;
        };
        let role = d
            .get(b"S")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let mut p = BTreeSet::new();
        pages_of(&doc, k, None, &index, &mut p, 0);
        if !p.is_empty() {
            out.push(Element { role, pages: p });
        }
    }
    out
}

/// What is wrong with where `elements`' pages break, one line each: a
/// heading whose next element starts on a later page (alone at the page's
/// bottom), or a heading that with everything up to its picture or table
/// ends a page while the picture or table starts on the next one.
fn stranded(elements: &[Element]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, h) in elements.iter().enumerate() {
        if !h.heading() {
            continue;
        }
        let p = h.last();
        let rest: Vec<&Element> = elements[i + 1..]
            .iter()
            .take_while(|e| !e.heading())
            .collect();
        let Some(next) = rest.first() else {
            continue;
        };
        if next.first() > p {
            out.push(format!(
                "element {i} ({}) ends page {}, alone: what follows starts on page {}",
                h.role,
                p + 1,
                next.first() + 1
            ));
            continue;
        }
        if let Some(b) = rest.iter().position(|e| e.body()) {
            let body = rest[b];
            let lead_on_page = rest[..b].iter().all(|e| e.last() == p);
            if lead_on_page && body.first() > p {
                out.push(format!(
                    "element {i} ({}) and its {b} block(s) of text end page {}: its {} starts on page {}",
                    h.role,
                    p + 1,
                    body.role,
                    body.first() + 1
                ));
            }
        }
    }
    out
}

/// Every `guide.pdf` under `dir`, sorted.
fn handouts(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = all_files(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "guide.pdf"))
        .collect();
    v.sort();
    v
}

/// Builds the sample, the unusual clinics, the contradictions, the many
/// findings and the fixture manuals that are projects of their own (the
/// fifth from its CSV) into `out`.
fn build_all(out: &Path) {
    let r = root();
    // (output folder, `--clinics` folder; none for the sample)
    let runs = [
        ("sample", None),
        ("unusual", Some("tests/fixtures/unusual/clinics")),
        ("contradictions", Some("tests/fixtures/contradictions")),
        ("many-findings", Some("tests/fixtures/many-findings")),
    ];
    for (name, clinics) in runs {
        let dest = out.join(name);
        let mut args = vec![
            "build".to_string(),
            "--today".into(),
            TODAY.into(),
            "--out".into(),
            dest.display().to_string(),
        ];
        if let Some(c) = clinics {
            args.push("--clinics".into());
            args.push(r.join(c).display().to_string());
        }
        let o = std::process::Command::new(bin())
            .args(&args)
            .current_dir(&r)
            .output()
            .expect("tebiki runs");
        assert!(
            dest.join("clinics").is_dir(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for f in ["anymanual2", "anymanual3", "anymanual7"] {
        let proj = out.join(format!("project-{f}"));
        copy_dir(&r.join("tests/fixtures").join(f), &proj.join("content"));
        build_project(&proj, &out.join(f));
    }
    // The fifth: its clinics in the vendor's CSV, two manuals.
    let proj = out.join("project-anymanual5");
    copy_dir(&r.join("tests/fixtures/anymanual5"), &proj.join("content"));
    let o = std::process::Command::new(bin())
        .args([
            "build",
            "--today",
            TODAY,
            "--clinics",
            "content/lists/clinics.csv",
        ])
        .arg("--out")
        .arg(out.join("anymanual5"))
        .current_dir(&proj)
        .output()
        .expect("tebiki runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Pages and stranded headings of every handout under `dir`, printed as a
/// table (`cargo test --test page_breaks -- --nocapture`).
fn survey(dir: &Path) -> Vec<(String, usize, Vec<String>)> {
    let mut rows = Vec::new();
    for pdf in handouts(dir) {
        let els = elements(&pdf);
        let pages = Document::load(&pdf)
            .expect("the handout parses")
            .get_pages()
            .len();
        let name = pdf.strip_prefix(dir).unwrap_or(&pdf).display().to_string();
        let s = stranded(&els);
        println!("{name}\t{pages} pages\t{} stranded", s.len());
        for l in &s {
            println!("    {l}");
        }
        rows.push((name, pages, s));
    }
    rows
}

#[test]
fn no_step_heading_or_its_lead_ends_a_page_apart_from_its_picture() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page_breaks");
    let _ = std::fs::remove_dir_all(&out);
    build_all(&out);
    let rows = survey(&out);
    assert!(rows.len() >= 30, "{} handouts built", rows.len());
    let bad: Vec<String> = rows
        .iter()
        .filter(|(_, _, s)| !s.is_empty())
        .map(|(n, _, s)| format!("{n}: {}", s.join("; ")))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Surveys an existing build (`PAGE_BREAKS_DIR=/path cargo test --test
/// page_breaks survey_a_build -- --ignored --nocapture`): for measuring
/// before and after a layout change.
#[test]
#[ignore]
fn survey_a_build() {
    let dir = std::env::var("PAGE_BREAKS_DIR").expect("PAGE_BREAKS_DIR names a build");
    survey(Path::new(&dir));
}
