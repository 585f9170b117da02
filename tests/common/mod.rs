//! Helpers shared by the integration tests: run the real binary on
//! temporary copies of the bundled content.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The fixed date every test builds for, so deadlines are reproducible.
pub const TODAY: &str = "2026-11-24";

/// Path of the repository root: the project the binary runs in and whose
/// content the tests copy. `TEBIKI_ROOT` replaces it (with `TEBIKI_BIN`, to
/// run these tests against an older checkout, whose content that build reads).
pub fn root() -> PathBuf {
    std::env::var_os("TEBIKI_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The binary under test: `TEBIKI_BIN` when set (to run these tests against
/// another build, e.g. the code before a fix: SECURITY.md), else this build's.
pub fn bin() -> PathBuf {
    std::env::var_os("TEBIKI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tebiki")))
}

/// Runs `tebiki` with `args` in the repository root.
pub fn tebiki(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run tebiki")
}

/// Runs `tebiki check` for the test date with `flag path` (`--content` or
/// `--clinics`); returns whether it passed and its stderr.
pub fn check_with(flag: &str, path: &Path) -> (bool, String) {
    let o = tebiki(&["check", "--today", TODAY, flag, path.to_str().unwrap()]);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs `tebiki check --format json` for the test date with `flag path`;
/// returns its exit code and the parsed report.
pub fn check_json(flag: &str, path: &Path) -> (i32, serde_json::Value) {
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--format",
        "json",
        flag,
        path.to_str().unwrap(),
    ]);
    let v = serde_json::from_slice(&o.stdout).expect("json report");
    (o.status.code().unwrap_or(-1), v)
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A temporary copy of the bundled content.
pub fn content_copy() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("content");
    copy_dir(&root().join("content"), &c);
    (d, c)
}

/// A temporary copy of the bundled content whose step 2-5 also shows a real
/// screenshot (tests/fixtures/screenshot: the notice sample as a PNG with
/// redactions and annotations), for the tests of the image path.
pub fn content_with_screenshot() -> (tempfile::TempDir, PathBuf) {
    let (d, c) = content_copy();
    let fixture = root().join("tests/fixtures/screenshot");
    let manual = c.join("manuals/online-shikaku");
    std::fs::create_dir_all(manual.join("images")).unwrap();
    std::fs::copy(
        fixture.join("notice-sample.png"),
        manual.join("images/notice-sample.png"),
    )
    .unwrap();
    let text = read(&manual.join("manual.yaml"));
    let at = text
        .find("        figure:\n")
        .expect("step 2-5 has a figure");
    let block = read(&fixture.join("step.yaml"));
    std::fs::write(
        manual.join("manual.yaml"),
        format!("{}{block}{}", &text[..at], &text[at..]),
    )
    .unwrap();
    (d, c)
}

/// Builds the bundled sample into a temporary folder and returns it.
pub fn build_sample() -> (tempfile::TempDir, Output) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = tebiki(&["build", "--today", TODAY, "--out", out.to_str().unwrap()]);
    (d, o)
}

/// Builds into `out` for the test date, with `flag value` (e.g. `--theme DIR`).
pub fn build_with(flag: &str, value: &Path, out: &Path) -> Output {
    tebiki(&[
        "build",
        "--today",
        TODAY,
        flag,
        value.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// The clinics of `fixtures` (a folder under tests/fixtures/) built once, into
/// `name` under the test target's temporary folder, for all the tests of one
/// file that read them; the build must succeed.
pub fn built_once(cell: &'static OnceLock<PathBuf>, fixtures: &str, name: &str) -> &'static Path {
    cell.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&out);
        let clinics = root().join("tests/fixtures").join(fixtures);
        let o = build_with("--clinics", &clinics, &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    })
}

/// Builds the project in `project` (its own `content/`) into `out` for the
/// test date, run from that folder; the build must succeed.
pub fn build_project(project: &Path, out: &Path) {
    let o = Command::new(bin())
        .args(["build", "--today", TODAY, "--out"])
        .arg(out)
        .current_dir(project)
        .output()
        .expect("tebiki runs");
    assert!(
        o.status.success(),
        "{}: {}",
        project.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Builds `content` (with its `clinics/`) into `out` for the test date.
pub fn build_content(content: &Path, out: &Path) -> Output {
    build_with("--content", content, out)
}

/// Builds `content` (with its `clinics/`) into `out` for the date `today`,
/// with more arguments.
pub fn build_content_on(content: &Path, out: &Path, today: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--today",
        today,
        "--content",
        content.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    tebiki(&args)
}

/// Builds the clinics at `clinics` (a folder or one file) into `out`,
/// emptied first, for the date `today`: the build's exit code and stderr.
pub fn build_clinics_on(clinics: &Path, out: &Path, today: &str) -> (Option<i32>, String) {
    let _ = std::fs::remove_dir_all(out);
    let o = tebiki(&[
        "build",
        "--today",
        today,
        "--clinics",
        clinics.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts that a run of tebiki exited 0, showing its output if not.
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir`, at any depth.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Text of a file.
/// The help site of the bundled content, built in-process into a temporary
/// folder (kept alive by the returned guard); returns the site folder.
pub fn bundled_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_site_of(&root().join("content"), &site);
    (dir, site)
}

/// Builds the help site of the content folder `content` into `site`,
/// in-process.
pub fn build_site_of(content: &Path, site: &Path) {
    let cfg = tebiki::config::Config {
        content: content.to_path_buf(),
        clinics: content.join("clinics"),
        ..tebiki::config::Config::default()
    };
    let project = tebiki::pipeline::load_project(&cfg).expect("content loads");
    tebiki::site::build_site(
        &project.content,
        &cfg.site,
        &tebiki::render::theme::Theme::default(),
        site,
    )
    .expect("site builds");
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The output key and a few values unique to each bundled sample clinic.
pub const SAMPLES: &[(&str, &[&str])] = &[
    (
        "2610112340",
        &[
            "鴨川みなみ診療所",
            "CAF3051200478",
            "uketsuke@kamogawa-minami.example.jp",
        ],
    ),
    (
        "1430123455",
        &[
            "みなと歯科クリニック",
            "CAF1253000113",
            "info@minato-shika.example.jp",
        ],
    ),
    (
        "2740100181",
        &[
            "なにわ中央薬局",
            "COP48215537",
            "kanri@naniwa-yakkyoku.example.jp",
        ],
    ),
    (
        "0110113719",
        &[
            "北の森内科医院",
            "office@kitanomori-naika.example.jp",
            "森 健太",
        ],
    ),
    (
        "1311234566",
        &[
            "青空ファミリークリニック",
            "CAF0912345678",
            "iji@aozora-family.example.jp",
        ],
    ),
    (
        "1440100743",
        &["さくら通り薬局", "CAF2468013579", "sakura-dori@example.jp"],
    ),
];

/// Runs a poppler tool (pdfinfo, pdftotext, pdffonts …) and returns its stdout;
/// fails the test with its stderr when it fails.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not runnable ({e}); install poppler-utils"));
    assert!(
        o.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A running `tebiki serve`, stopped on drop.
pub struct Serve {
    child: Child,
    /// URL of the served site's root, ending in `/`.
    pub base: String,
    /// Its stdout and stderr, line by line, as they come.
    pub lines: Receiver<String>,
    /// The lines [`Serve::wait_line`] has read so far.
    seen: Vec<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Process id of the server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` it listens on.
    pub fn addr(&self) -> &str {
        let rest = self.base.strip_prefix("http://").unwrap_or(&self.base);
        rest.split('/').next().unwrap_or(rest)
    }

    /// The next line it prints that satisfies `f`, within `timeout`.
    pub fn wait_line(&mut self, timeout: Duration, f: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(l) = self.lines.recv_timeout(left) else {
                return None;
            };
            self.seen.push(l.clone());
            if f(&l) {
                return Some(l);
            }
        }
        None
    }

    /// Stops the server; every line it printed (stdout and stderr, each in order).
    pub fn stop(&mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut all = std::mem::take(&mut self.seen);
        all.extend(self.lines.iter());
        all
    }
}

/// Starts `tebiki serve --port 0 --exit-after 120 --today TODAY ARGS…` in
/// the repository root and returns once it says where it serves.
pub fn serve(args: &[&str]) -> Serve {
    let mut child = Command::new(bin())
        .args([
            "serve",
            "--port",
            "0",
            "--exit-after",
            "120",
            "--today",
            TODAY,
        ])
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tebiki serve");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    std::thread::spawn(move || {
        for l in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx2.send(l);
        }
    });
    let mut s = Serve {
        child,
        base: String::new(),
        lines: rx,
        seen: Vec::new(),
    };
    match s.wait_line(Duration::from_secs(60), |l| {
        l.starts_with("Serving the help site at ")
    }) {
        Some(l) => {
            let url = l.trim_start_matches("Serving the help site at ");
            s.base = url.trim_end_matches("index.html").to_string();
            s
        }
        None => panic!("tebiki serve did not start: {:?}", s.stop()),
    }
}

/// `GET path` from `addr` (`host:port`) with this `Host` header; returns the
/// status code and the whole response.
pub fn http_get_host(addr: &str, path: &str, host: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let code = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, out)
}

/// `GET` an `http://host:port/path` URL; returns the status code and the whole response.
pub fn http_get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    http_get_host(host, path, host)
}

pub mod webdriver;

/// A built clinic's HTML guide, handout and sheet, read as text
/// (tests/clinic_correctness.rs, tests/whole_handouts_2.rs).
pub mod docs {
    use super::{poppler, read};
    use std::path::Path;

    /// The three documents of one clinic, as text without whitespace.
    pub struct Docs {
        pub html: String,
        pub pdf: String,
        pub sheet: String,
    }

    impl Docs {
        pub fn in_dir(dir: &Path) -> Docs {
            let pdf = |f: &str| {
                squash(&poppler(
                    "pdftotext",
                    &["-enc", "UTF-8", dir.join(f).to_str().unwrap(), "-"],
                ))
            };
            Docs {
                html: squash(&html_text(&read(&dir.join("index.html")))),
                pdf: pdf("guide.pdf"),
                sheet: pdf("sheet.pdf"),
            }
        }

        /// Which of the three documents contain `s` (whitespace ignored).
        pub fn having(&self, s: &str) -> Vec<&'static str> {
            let s = squash(s);
            [
                ("html", &self.html),
                ("pdf", &self.pdf),
                ("sheet", &self.sheet),
            ]
            .into_iter()
            .filter(|(_, t)| t.contains(&s))
            .map(|(n, _)| n)
            .collect()
        }
    }

    pub fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The text of an HTML page: no tags, no scripts or styles, entities of
    /// clinic values decoded.
    pub fn html_text(html: &str) -> String {
        html_words(html, "")
    }

    /// [`html_text`] with `tag` where each tag was: words of two elements are
    /// told apart (a tag is no space between them).
    pub fn html_words(html: &str, tag: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            out.push_str(&rest[..i]);
            out.push_str(tag);
            rest = &rest[i..];
            let skip_to = ["<script", "<style"]
                .iter()
                .find(|t| rest.starts_with(**t))
                .map(|t| format!("</{}>", &t[1..]));
            let end = match skip_to {
                Some(close) => rest.find(&close).map(|j| j + close.len()),
                None => rest.find('>').map(|j| j + 1),
            };
            rest = &rest[end.unwrap_or(rest.len())..];
        }
        out.push_str(rest);
        out.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
    }
}

/// The text of some HTML (tags removed).
pub fn untagged(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where a test writes one sheet's XML into a workbook being built.
pub type SheetWriter = zip::ZipWriter<std::io::Cursor<Vec<u8>>>;

/// What writes one sheet's XML.
pub type WriteSheet = Box<dyn FnOnce(&mut SheetWriter)>;

/// A sheet's XML of inline-string cells (`(reference, text)`).
pub fn sheet_xml(cells: &[(&str, &str)], dimension: &str) -> String {
    let mut rows: std::collections::BTreeMap<u32, Vec<(&str, &str)>> = Default::default();
    for (r, t) in cells {
        let row: u32 = r
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        rows.entry(row).or_default().push((r, t));
    }
    let mut sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"{dimension}\"/><sheetData>"
    );
    for (row, cs) in rows {
        sheet.push_str(&format!("<row r=\"{row}\">"));
        for (r, t) in cs {
            sheet.push_str(&format!(
                "<c r=\"{r}\" t=\"inlineStr\"><is><t>{t}</t></is></c>"
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    sheet
}

/// A minimal XLSX workbook with the given sheets, in order: each a name and
/// what writes its XML (a whole sheet, or a stream of any size).
pub fn xlsx_workbook(sheets: Vec<(&str, WriteSheet)>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let ns = "http://schemas.openxmlformats.org";
    let mut types = String::new();
    let mut list = String::new();
    let mut rels = String::new();
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
        list.push_str(&format!(
            "<sheet name=\"{name}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>"
        ));
        rels.push_str(&format!("<Relationship Id=\"rId{n}\" Type=\"{ns}/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"));
    }
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"{ns}/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>{types}</Types>"
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{ns}/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{ns}/spreadsheetml/2006/main\" xmlns:r=\"{ns}/officeDocument/2006/relationships\"><sheets>{list}</sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{ns}/package/2006/relationships\">{rels}</Relationships>"
            ),
        ),
    ];
    for (name, body) in parts {
        w.start_file(name, opt).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    for (i, (_, write_sheet)) in sheets.into_iter().enumerate() {
        w.start_file(format!("xl/worksheets/sheet{}.xml", i + 1), opt)
            .unwrap();
        write_sheet(&mut w);
    }
    w.finish().unwrap().into_inner()
}

/// A PDF text string: UTF-16BE with its byte order mark, or PDFDocEncoding
/// (read as Latin-1, enough for ASCII).
pub fn pdf_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(units) => String::from_utf16_lossy(
            &units
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The text alternatives (`/Alt`) of a tagged PDF's figures, in the order of
/// its structure tree (the reading order).
pub fn pdf_alts(pdf: &Path) -> Vec<String> {
    use lopdf::Object;
    let doc = lopdf::Document::load(pdf).expect("the handout parses");
    fn walk(doc: &lopdf::Document, o: &Object, out: &mut Vec<String>, depth: usize) {
        assert!(depth < 64, "structure tree too deep");
        let o = match o {
            Object::Reference(r) => doc.get_object(*r).expect("reference resolves"),
            o => o,
        };
        match o {
            Object::Array(kids) => {
                for k in kids {
                    walk(doc, k, out, depth + 1);
                }
            }
            Object::Dictionary(d) => {
                let figure = d.get(b"S").and_then(Object::as_name).ok() == Some(&b"Figure"[..]);
                if figure && let Ok(Object::String(alt, _)) = d.get(b"Alt") {
                    out.push(pdf_string(alt));
                }
                if let Ok(k) = d.get(b"K") {
                    walk(doc, k, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"StructTreeRoot"))
        .expect("the handout is tagged")
        .clone();
    let mut out = Vec::new();
    walk(&doc, &root, &mut out, 0);
    out
}

/// The words of the text runs of `class` in an SVG of the display list
/// (`<text class="value" …>…</text>`), in drawing order: a picture's selected
/// options (`value`), its links (`link`, one run a line of a wrapped link).
pub fn svg_texts(svg: &str, class: &str) -> Vec<String> {
    svg.split(&format!("<text class=\"{class}\""))
        .skip(1)
        .filter_map(|t| {
            let t = &t[t.find('>')? + 1..];
            Some(t[..t.find("</text>")?].to_string())
        })
        .collect()
}
