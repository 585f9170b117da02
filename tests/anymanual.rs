//! A manual of another kind (tests/fixtures/anymanual: a card reader's own
//! setting screens, with its own frame, steps numbered 1-1 …, a rule and
//! derived facts) comes out as itself: alone, and beside the seed manual in
//! one guide — title on page 1 of the handout, its frame and never the
//! portal's in its pictures, its steps on the help site and in search.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const READER_TITLE: &str = "顔認証付きカードリーダー 設定手順書";
const PORTAL: &str = "医療機関等向けポータルサイト";
const READER_FRAME: &str = "顔認証付きカードリーダー 設定ツール";

fn fixture() -> PathBuf {
    root().join("tests/fixtures/anymanual")
}

/// Content with only the fixture manual (the clinic schema and constants
/// are the project's), and the fixture clinic.
fn alone() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("content");
    copy_dir(&fixture(), &c);
    for f in ["fields.yaml", "constants.yaml", "facts.yaml"] {
        std::fs::copy(root().join("content").join(f), c.join(f)).unwrap();
    }
    (d, c)
}

/// The bundled content with the fixture manual and its rule added.
fn beside() -> (tempfile::TempDir, PathBuf) {
    let (d, c) = content_copy();
    copy_dir(
        &fixture().join("manuals/card-reader"),
        &c.join("manuals/card-reader"),
    );
    std::fs::copy(
        fixture().join("rules/card-reader.yaml"),
        c.join("rules/card-reader.yaml"),
    )
    .unwrap();
    (d, c)
}

fn build_ok(content: &Path, out: &Path) {
    let o = build_content(content, out);
    assert!(
        o.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn pdf_text(pdf: &Path, first: u32, last: u32) -> String {
    let o = std::process::Command::new("pdftotext")
        .args([
            "-raw",
            "-f",
            &first.to_string(),
            "-l",
            &last.to_string(),
            pdf.to_str().unwrap(),
            "-",
        ])
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// `s` without any white space (a long title wraps onto two lines).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_title(pdf: &Path) -> String {
    let o = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn html_title(html: &str) -> String {
    let a = html.find("<title>").unwrap() + 7;
    let b = html[a..].find("</title>").unwrap();
    html[a..a + b].to_string()
}

/// Every `id="…"` of a page, with how often it occurs.
fn ids(html: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (i, _) in html.match_indices(" id=\"") {
        let rest = &html[i + 5..];
        let id = &rest[..rest.find('"').unwrap()];
        *m.entry(id.to_string()).or_insert(0) += 1;
    }
    m
}

/// The `<article>` of a step in a guide.
fn article<'a>(html: &'a str, id: &str) -> &'a str {
    let a = html
        .find(&format!("<article class=\"step\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no step {id}"));
    let b = html[a..].find("</article>").unwrap();
    &html[a..a + b]
}

/// Top hits (url) of a query against the built site's search index.
fn search(site: &Path, q: &str) -> Vec<String> {
    let js = read(&site.join("assets/search-index.js"));
    let index = tebiki::site::search::SearchIndex::from_js(&js).expect("index parses");
    let s = tebiki::site::search::Searcher::new(&index);
    s.search(q)
        .into_iter()
        .map(|h| index.docs[h.doc].u.clone())
        .collect()
}

#[test]
fn the_fixture_manual_alone_comes_out_as_itself() {
    let (d, c) = alone();
    let out = d.path().join("out");
    build_ok(&c, &out);
    let key = "1430123455";
    let html = read(&out.join(format!("clinics/{key}/index.html")));
    let pdf = out.join(format!("clinics/{key}/guide.pdf"));

    // Its title, on page 1 of the handout and in the HTML: the same title.
    let page1 = pdf_text(&pdf, 1, 1);
    assert!(
        squash(&page1).contains(&squash(&format!("港南ひかり歯科 様　{READER_TITLE}"))),
        "page 1:\n{page1}"
    );
    let title = html_title(&html);
    assert_eq!(
        title,
        "港南ひかり歯科 様　顔認証付きカードリーダー 設定手順書"
    );
    assert_eq!(pdf_title(&pdf), title);

    // Nothing of the seed manual: not its portal, not its title.
    let all_pdf = pdf_text(&pdf, 1, 99);
    for text in [&html, &all_pdf] {
        assert!(!text.contains(PORTAL));
        assert!(!text.contains("オンライン資格確認 申請手順書"));
        assert!(!text.contains("オンライン資格確認"), "seed wording leaked");
    }
    // Its own frame in its pictures (HTML SVG and PDF vectors alike).
    assert!(article(&html, "step-card-reader-1-1").contains(READER_FRAME));
    assert!(all_pdf.contains(READER_FRAME));
    // Its frame's words, not the portal's: its own required badge.
    let form = article(&html, "step-card-reader-1-2");
    assert!(
        form.contains(">要入力</text>"),
        "the frame's badge is missing"
    );
    assert!(!form.contains(">必須</text>"));
    assert!(all_pdf.contains("要入力"));
    for portal_word in ["選択してください", "確認のため再度入力"] {
        assert!(!html.contains(portal_word) && !all_pdf.contains(portal_word));
    }
    // Steps numbered as the manual numbers them; the rule fired (two terminals)
    // and names the step by its number, never its id.
    assert!(html.contains("<span class=\"num\">1-2</span>"));
    assert!(html.contains("接続する端末が複数あります"));
    assert!(html.contains("（手順1-2）"));
    assert!(!html.contains("手順 card-reader") && !all_pdf.contains("card-reader/1-2"));
    assert!(all_pdf.contains("（手順1-2）"));
    // Derived facts in its text.
    assert!(html.contains("1430123455"));
    // No schedule section for a manual without dates.
    assert!(!html.contains("今後の日程") && !all_pdf.contains("今後の日程"));

    // The help site: its steps, found by search.
    let site = out.join("site");
    let manual = read(&site.join("card-reader/index.html"));
    assert!(manual.contains("顔認証付きカードリーダーの初期設定"));
    let hits = search(&site, "テスト読み取り");
    assert!(
        hits.first().is_some_and(|u| u.starts_with("card-reader/")),
        "{hits:?}"
    );
    let hits = search(&site, "管理者パスワード");
    assert!(
        hits.first()
            .is_some_and(|u| u.starts_with("card-reader/") && u.ends_with("#step-1-1")),
        "{hits:?}"
    );
}

#[test]
fn beside_the_seed_manual_one_well_formed_guide() {
    let (d, c) = beside();
    let out = d.path().join("out");
    build_ok(&c, &out);
    // さくら通り薬局 has two terminals: the card reader's rule fires there.
    let key = "1440100743";
    let html = read(&out.join(format!("clinics/{key}/index.html")));
    let pdf = out.join(format!("clinics/{key}/guide.pdf"));

    // One title naming both documents, in declared order; HTML = PDF.
    let title = html_title(&html);
    assert_eq!(
        title,
        "さくら通り薬局 様　オンライン資格確認 申請手順書・顔認証付きカードリーダー 設定手順書"
    );
    assert_eq!(pdf_title(&pdf), title);
    let page1 = pdf_text(&pdf, 1, 1);
    assert!(squash(&page1).contains(&squash(&title)), "page 1:\n{page1}");

    // Well-formed: every id once, one registration table, manuals in order.
    let dup: Vec<_> = ids(&html).into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(dup.is_empty(), "repeated ids: {dup:?}");
    // (The seed's text also says 「…この医療機関の登録内容と…」: count headings.)
    assert_eq!(html.matches(">貴施設の登録内容</h").count(), 1);
    assert_eq!(html.matches("<table class=\"facts\">").count(), 1);
    let all_pdf = pdf_text(&pdf, 1, 99);
    assert_eq!(
        all_pdf
            .lines()
            .filter(|l| l.trim() == "貴施設の登録内容")
            .count(),
        1
    );
    // The seed has dates, the reader none: one schedule.
    assert_eq!(html.matches("<h2 id=\"dates-h-").count(), 1);
    let seed_at = html.find("id=\"part-online-shikaku-usage\"").unwrap();
    let reader_at = html.find("id=\"part-card-reader-connect\"").unwrap();
    assert!(seed_at < reader_at);

    // Each manual's pictures in its own frame.
    let reader = article(&html, "step-card-reader-1-2");
    assert!(reader.contains("<svg") && reader.contains(READER_FRAME));
    assert!(
        !reader.contains(PORTAL),
        "portal frame in the reader's picture"
    );
    let seed = article(&html, "step-online-shikaku-1-3");
    assert!(seed.contains(PORTAL) && !seed.contains(READER_FRAME));
    // Both manuals have a step 1-2: a finding says which manual's.
    let at = "（顔認証付きカードリーダーの初期設定の手順1-2）";
    assert!(html.contains(at), "finding names the manual");
    assert!(squash(&all_pdf).contains(&squash(at)));

    // The help site has both manuals; search finds the reader's steps.
    let site = out.join("site");
    assert!(site.join("card-reader/index.html").is_file());
    assert!(site.join("online-shikaku/index.html").is_file());
    let hits = search(&site, "カードリーダー 医療機関コード 端末");
    assert!(
        hits.first().is_some_and(|u| u.starts_with("card-reader/")),
        "{hits:?}"
    );
}

#[test]
fn a_step_id_both_manuals_have_must_be_named_with_its_manual() {
    let (_d, c) = beside();
    let r = c.join("rules/card-reader.yaml");
    std::fs::write(
        &r,
        read(&r).replace("step: card-reader/1-2", "step: \"1-2\""),
    )
    .unwrap();
    let o = tebiki(&["check", "--content", c.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!o.status.success());
    assert!(err.contains("names step `1-2`, which manuals"), "{err}");
    assert!(
        err.contains("step: online-shikaku/1-2") || err.contains("step: card-reader/1-2"),
        "{err}"
    );
    // Alone, the bare id is enough.
    let (_d2, c2) = alone();
    let r = c2.join("rules/card-reader.yaml");
    std::fs::write(
        &r,
        read(&r).replace("step: card-reader/1-2", "step: \"1-2\""),
    )
    .unwrap();
    let o = tebiki(&["check", "--content", c2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_frame_name_that_is_not_declared_is_a_located_error() {
    let (_d, c) = alone();
    let m = c.join("manuals/card-reader/manual.yaml");
    let text = read(&m).replace("frame: reader-tool", "frame: reader-tol");
    std::fs::write(&m, text).unwrap();
    let o = tebiki(&["check", "--content", c.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success());
    assert!(err.contains("unknown frame `reader-tol`"), "{err}");
    assert!(err.contains("manual.yaml:14:"), "{err}");
    assert!(
        err.contains("reader-tool"),
        "the help names the declared frames: {err}"
    );
}

#[test]
fn the_theme_strings_word_html_and_pdf_alike() {
    let (d, c) = alone();
    let theme = d.path().join("theme");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("strings.yaml"),
        "title: \"{documents}（{clinic} 御中）\"\nfacts: 登録いただいた内容\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = tebiki(&[
        "build",
        "--today",
        TODAY,
        "--content",
        c.to_str().unwrap(),
        "--theme",
        theme.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&out.join("clinics/1430123455/index.html"));
    let pdf = out.join("clinics/1430123455/guide.pdf");
    let want = "顔認証付きカードリーダー 設定手順書（港南ひかり歯科 御中）";
    assert_eq!(html_title(&html), want);
    assert_eq!(pdf_title(&pdf), want);
    assert!(squash(&pdf_text(&pdf, 1, 1)).contains(&squash(want)));
    assert!(html.contains("登録いただいた内容"));
    assert!(pdf_text(&pdf, 1, 99).contains("登録いただいた内容"));

    // A key the theme does not know is an error with its line.
    std::fs::write(theme.join("strings.yaml"), "toc: 目次\nfindngs: x\n").unwrap();
    let o = tebiki(&[
        "check",
        "--content",
        c.to_str().unwrap(),
        "--theme",
        theme.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!o.status.success());
    assert!(err.contains("unknown string key `findngs`"), "{err}");
    assert!(err.contains("strings.yaml:2"), "{err}");
}

/// The fixture manual declares derived facts of its own (`facts:` in its
/// manual.yaml): `reader_terminals` (count of terminals, unit 台) and
/// `reader_setup_by` (the day before installation). They work in `field:`, in
/// `{{ }}` with and without unit, and in conditions (a note and the rule), in
/// the HTML guide and in the PDF handout alike.
#[test]
fn the_manuals_own_derived_facts_work_in_fields_text_and_conditions() {
    let (d, c) = alone();
    let out = d.path().join("out");
    build_ok(&c, &out);
    let key = "1430123455";
    let html = read(&out.join(format!("clinics/{key}/index.html")));
    let pdf = squash(&pdf_text(
        &out.join(format!("clinics/{key}/guide.pdf")),
        1,
        99,
    ));
    let step = article(&html, "step-card-reader-1-2");

    // `{{ reader_terminals | unit }}` → 「2台」; `{{ reader_terminals }}` → 「2」.
    assert!(
        step.contains("data-field=\"reader_terminals\"><span class=\"qty\">2台</span></mark>")
            && squash(&untagged(step)).contains("電子証明書を入れた端末2台の名称"),
        "{step}"
    );
    assert!(pdf.contains("端末2台の名称"), "{pdf}");
    assert!(!pdf.contains("2枚"), "a count of terminals is not in 枚");
    // A date computed by the manual's own function (installation 12/18 − 1 day).
    assert!(pdf.contains("設置日の前日（2026年12月17日"), "{pdf}");
    // `field:` bound to derived facts: the 10-digit code and the count (no unit).
    assert!(step.contains("接続する端末の数"));
    let row_value = |label: &str| -> String {
        // The label's text (a number and its unit are held in a span).
        let at = step
            .match_indices("<th scope=\"row\">")
            .map(|(i, _)| i)
            .find(|&i| {
                let th = &step[i..];
                squash(&untagged(&th[..th.find("</th>").unwrap_or(th.len())]))
                    .starts_with(&squash(label))
            })
            .unwrap_or_else(|| panic!("no row {label}"));
        let rest = &step[at..];
        let td = rest.find("<td").unwrap();
        let end = rest[td..].find("</td>").unwrap();
        rest[td..td + end].to_string()
    };
    assert!(
        row_value("医療機関コード（10桁）").contains("1430123455"),
        "{step}"
    );
    let count = row_value("接続する端末の数");
    assert!(count.contains(">2<") && !count.contains("台"), "{count}");
    assert!(pdf.contains("接続する端末の数2"), "{pdf}");
    // Conditions on the manual's own fact: the note and the rule (2 terminals).
    assert!(
        squash(&untagged(step)).contains("端末が2台あるので"),
        "{step}"
    );
    assert!(pdf.contains("端末が2台あるので"));
    assert!(
        html.contains(
            "data-field=\"reader_terminals\"><span class=\"qty\">2台</span></mark>です。"
        )
    );
    assert!(pdf.contains("の2台です。"), "{pdf}");

    // The registration table lists only the fields this manual uses (directly
    // or through its derived facts), not every clinic field.
    let table = {
        let a = html
            .find("<table class=\"facts\">")
            .expect("registration table");
        &html[a..a + html[a..].find("</table>").unwrap()]
    };
    for used in [
        "医療機関コード",
        "都道府県",
        "点数表",
        "端末名称",
        "設置予定日",
    ] {
        assert!(
            table.contains(&format!("<th scope=\"row\">{used}</th>")),
            "{used}: {table}"
        );
    }
    assert_eq!(table.matches("<tr>").count(), 6, "{table}");
    for unused in [
        "メールアドレス",
        "回線事業者",
        "電気通信回線種別",
        "利用開始予定年月",
        "担当者名",
        "電話番号",
    ] {
        assert!(!table.contains(unused), "{unused} listed in the HTML");
        assert!(!pdf.contains(unused), "{unused} listed in the PDF");
    }

    // The help site names them by their labels (Content::fact_label), never
    // by name, with or without `| unit`.
    let site = read(&out.join("site/card-reader/connect.html"));
    assert!(
        site.contains("〈カードリーダーにつなぐ端末の台数〉"),
        "{site}"
    );
    assert!(!site.contains("reader_terminals |") && !site.contains("〈reader_"));

    // One terminal: the conditions do not hold; the values follow.
    let clinic = c.join("clinics/two-terminals.yaml");
    std::fs::write(
        &clinic,
        read(&clinic).replace(
            "terminals: [受付パソコン, 診察室パソコン]",
            "terminals: [受付パソコン]",
        ),
    )
    .unwrap();
    let out = d.path().join("out1");
    build_ok(&c, &out);
    let html = read(&out.join(format!("clinics/{key}/index.html")));
    let pdf = squash(&pdf_text(
        &out.join(format!("clinics/{key}/guide.pdf")),
        1,
        99,
    ));
    assert!(pdf.contains("端末1台の名称"), "{pdf}");
    assert!(!html.contains("台あるので") && !pdf.contains("台あるので"));
    assert!(!html.contains("接続する端末が複数あります"));
}

/// A manual's own derived fact with an unknown constant, a wrong type or a
/// cycle does not load: `tebiki check` names the file, line and column and
/// says how to fix it.
#[test]
fn a_broken_derived_fact_is_a_located_load_error() {
    let check = |from: &str, to: &str| -> String {
        let (_d, c) = alone();
        let m = c.join("manuals/card-reader/manual.yaml");
        let text = read(&m);
        assert!(text.contains(from), "{from}");
        std::fs::write(&m, text.replace(from, to)).unwrap();
        let o = tebiki(&["check", "--content", c.to_str().unwrap()]);
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let err = check("days: 1 }", "days: reader_days }");
    assert!(err.contains("unknown constant `reader_days`"), "{err}");
    assert!(err.contains("manual.yaml:33:"), "{err}");
    assert!(
        err.contains("add it to content/constants.yaml or use one of: certificate_download_days, certificate_download_margin_days, certificate_fee_yen"),
        "{err}"
    );
    let err = check("count: terminals", "count: installation_date");
    assert!(err.contains("`count` of derived fact `reader_terminals` needs a list, but `installation_date` is a date"), "{err}");
    assert!(err.contains("manual.yaml:30:12"), "{err}");
    let err = check(
        "date: installation_date, days: 1",
        "date: reader_setup_by, days: 1",
    );
    assert!(
        err.contains("cycle: reader_setup_by → reader_setup_by"),
        "{err}"
    );
    let err = check(
        "{{ reader_terminals | unit }}の名称",
        "{{ reader_setup_by | unit }}の名称",
    );
    assert!(err.contains("`reader_setup_by` has no unit"), "{err}");
}

// ---------------------------------------------------------------------------
// A third manual of a clearly different shape (tests/fixtures/anymanual2): a
// pharmacy's preparation for a vendor's installation visit, mostly text and
// checklists, one screen of the vendor's own booking site, a printed work
// order; with its own clinic schema (no line, no certificate, no prefecture:
// a 薬局コード typed with its 10 digits, the shop's name at `shop.name`, a
// visit date, a number with a unit, a yes/no, a choice of eight), its own
// constants, derived facts, rules of three severities, dates and search words.

/// The third fixture as a project of its own: `content/` in a folder with no
/// tebiki.yaml (the bundled project's `headers:` name the seed's fields).
fn third() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("tests/fixtures/anymanual2"),
        &d.path().join("content"),
    );
    d
}

/// Runs tebiki in `dir` for the test date.
fn tebiki_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec![args[0], "--today", TODAY];
    all.extend_from_slice(&args[1..]);
    std::process::Command::new(bin())
        .args(&all)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tebiki")
}

/// Words of the seed manual and its schema that the third fixture never
/// uses: none may reach any of its outputs.
const SEED_WORDS: &[&str] = &[
    "オンライン資格確認",
    "ポータル",
    "電子証明書",
    "医療機関コード",
    "お客さまID",
    "回線",
    "端末",
    "秘密の番号",
    "設置",
    "申請",
    "利用開始",
    "点数表",
    "都道府県",
    "通知書",
    "コールセンター",
    "書留",
    "歯科",
    "医科",
];

/// What a reader can see or hear of an HTML page: everything but its
/// scripts and stylesheet (tags and attributes kept: a placeholder or an
/// aria-label is read too).
fn visible(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close) else { break };
            s.replace_range(a..a + b + close.len(), " ");
        }
    }
    s
}

/// The vendor's dashboard, the help site's home, search and rules pages,
/// the pages of `manual` (`pages`: its overview, parts and print page) and
/// the search index of a built project, as (name, what a reader gets).
fn shared_outputs(out: &Path, manual: &str, pages: &[&str]) -> Vec<(String, String)> {
    let mut texts = vec![(
        "dashboard".to_string(),
        visible(&read(&out.join("clinics/index.html"))),
    )];
    let pages = ["index.html", "search.html", "rules.html"]
        .into_iter()
        .map(String::from)
        .chain(pages.iter().map(|p| format!("{manual}/{p}")));
    for page in pages {
        let text = visible(&read(&out.join("site").join(&page)));
        texts.push((page, text));
    }
    texts.push((
        "search index".into(),
        read(&out.join("site/assets/search-index.js")),
    ));
    texts
}

/// Neither the fixture's files nor any of `texts` holds one of `words`.
fn assert_none_say(fixture: &str, texts: &[(String, String)], words: &[&str]) {
    let files: Vec<String> = all_files(&root().join("tests/fixtures").join(fixture))
        .iter()
        .map(|f| read(f))
        .collect();
    for w in words {
        assert!(!files.iter().any(|f| f.contains(w)), "the fixture uses {w}");
        for (name, text) in texts {
            assert!(!text.contains(w), "{name} says {w}");
        }
    }
}

#[test]
fn a_manual_with_its_own_schema_speaks_only_its_own_words_everywhere() {
    let d = third();
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let out = d.path().join("out");
    let keys = ["1340112342", "1340154328"];
    let mut texts: Vec<(String, String)> = Vec::new();
    for k in keys {
        let dir = out.join("clinics").join(k);
        texts.push((
            format!("{k}/index.html"),
            visible(&read(&dir.join("index.html"))),
        ));
        for pdf in ["guide.pdf", "sheet.pdf"] {
            texts.push((format!("{k}/{pdf}"), pdf_text(&dir.join(pdf), 1, 99)));
        }
    }
    texts.extend(shared_outputs(
        &out,
        "site-prep",
        &["index.html", "prepare.html", "book.html", "print.html"],
    ));
    // The fixture itself never uses the words the test looks for.
    assert_none_say("anymanual2", &texts, SEED_WORDS);
    let text = |name: &str| &texts.iter().find(|(n, _)| n == name).unwrap().1;

    // The title line names the code by its own label, and leaves out the
    // prefecture it has no field for (no 「・  ・」).
    let guide = squash(text("1340112342/guide.pdf"));
    assert!(
        guide.contains("薬局コード1340112342・2026年11月24日（火）作成"),
        "{guide}"
    );
    assert!(
        squash(&untagged(text("1340112342/index.html")))
            .contains("薬局コード1340112342・2026年11月24日（火）作成")
    );
    // The shop's name (`names_clinic: true` on `shop.name`) heads it.
    assert!(
        guide.contains("かえで台薬局様訪問工事事前準備のご案内"),
        "{guide}"
    );
    // A number field with its unit; the business days counted back from the
    // visit (Thursday 12-10, 3 business days: Monday 12-07, not 12-10).
    assert!(
        guide.contains("空いているコンセントが1口しかない場合"),
        "{guide}"
    );
    assert!(guide.contains("2026年12月7日（月）までに済ませ"), "{guide}");
    // A Markdown table, its values filled in (a `{{ f | unit }}` in a cell),
    // in the HTML guide, the handout and, named, on the help site.
    assert!(
        guide.contains("もの数置き場所空いているコンセント1口机の近く"),
        "{guide}"
    );
    let html = read(&out.join("clinics/1340112342/index.html"));
    assert!(html.contains("<table class=\"md-table\"><thead><tr><th scope=\"col\">もの</th>"));
    assert!(
        html.contains("<td><mark class=\"value\" data-field=\"power_outlets\"><span class=\"qty\">1口</span></mark></td>")
    );
    let part = read(&out.join("site/site-prep/prepare.html"));
    assert!(
        part.contains("〈空いているコンセントの数〉</span>口</td>"),
        "{part}"
    );
    // Its three severities, by the theme's names.
    assert!(guide.contains("注意:空いているコンセントが足りません"));
    assert!(guide.contains("お知らせ:ルーターの製造元は当日確かめます"));
    assert!(squash(text("1340154328/guide.pdf")).contains("重要:工事訪問日まで1日しかありません"));
    // Two shops of one chain share the head office's address: content asks
    // for no remark about it (`shared_remark` is the seed's, on its e-mail).
    assert!(!text("1340112342/index.html").contains("この一覧のほか"));

    // The sheet's QR code is named by the booking frame's `name:`.
    let sheet = text("1340112342/sheet.pdf");
    assert!(sheet.contains("訪問予約サイト"), "{sheet}");

    // The dashboard counts down to the field marked `dashboard: 訪問日`;
    // no prefecture column for a schema without one; the build's date stays.
    let dash = read(&out.join("clinics/index.html"));
    assert!(
        dash.contains(">訪問日まで</th>") && dash.contains(">訪問日</th>"),
        "{dash}"
    );
    assert!(!dash.contains("data-sort=\"pref\""));
    assert!(dash.contains("2026年11月24日（火）作成・全2件"));
    assert!(dash.contains("2026年11月25日（水）"));

    // The help site's search boxes give content's examples.
    let home = read(&out.join("site/index.html"));
    assert!(
        home.contains("例: コンセント、LANケーブル、訪問日"),
        "{home}"
    );
    assert!(home.contains("〈施設名〉"));
    // A repetition's item is named on the help site by its list's label
    // (「〈立ち会う人〉さん」), not the theme's words for any item.
    let part = read(&out.join("site/site-prep/prepare.html"));
    assert!(
        part.contains("data-field=\"each.item\">〈立ち会う人〉</span>さんに"),
        "{part}"
    );
    assert!(!part.contains("その回の項目"));
    let hits = search(&out.join("site"), "てーぶるたっぷ");
    assert!(
        hits.first().is_some_and(|u| u.starts_with("site-prep/")),
        "{hits:?}"
    );
}

/// A screen row bound to a field with `unit: 口` shows the count with its
/// unit (「1口」, as `{{ power_outlets | unit }}` in text), in the HTML
/// guide's row table and its picture, the handout's picture and its text
/// alternative, and the sheet alike: they all show the one evaluated
/// row. It showed 「1」.
#[test]
fn a_row_bound_to_a_count_shows_its_unit() {
    let d = third();
    build_in(d.path());
    let dir = d.path().join("out/clinics/1340112342");
    let html = read(&dir.join("index.html"));
    assert!(
        html.contains("空きコンセント</th><td class=\"val\"><mark class=\"value\"><span class=\"qty\">1口</span></mark></td>"),
        "row table"
    );
    // The guide's picture beside its table names where the values are; the
    // handout's picture, the only place it prints them, says them.
    assert!(
        !html.contains("「空きコンセント」: 1口。"),
        "said once, in the table"
    );
    let alts = pdf_alts(&dir.join("guide.pdf"));
    assert!(
        alts.iter().any(|a| a.contains("「空きコンセント」: 1口。")),
        "alt text: {alts:?}"
    );
    assert!(html.contains("fill=\"#1f2328\">1口</text>"), "picture");
    let guide = squash(&pdf_text(&dir.join("guide.pdf"), 1, 99));
    assert!(
        guide.contains("空きコンセント入力してください1口"),
        "{guide}"
    );
    let sheet = squash(&pdf_text(&dir.join("sheet.pdf"), 1, 99));
    assert!(sheet.contains("B1空きコンセント1口□"), "{sheet}");
}

/// The seed content says through content what Rust used to spell: its
/// sheet's QR code 「ポータルサイト」 (the portal frame's `name:`), the
/// dashboard's 設置日 (`dashboard: 設置日` on `installation_date`).
#[test]
fn the_seed_says_its_own_site_and_date_through_content() {
    let (d, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = d.path().join("out");
    let sheet = pdf_text(&out.join("clinics/1430123455/sheet.pdf"), 1, 1);
    assert!(sheet.contains("ポータルサイト"), "{sheet}");
    let dash = read(&out.join("clinics/index.html"));
    assert!(dash.contains(">設置日まで</th>") && dash.contains(">設置日</th>"));
    assert!(dash.contains("data-sort=\"pref\""));
    let home = read(&out.join("site/index.html"));
    assert!(home.contains("例: 電子証明書、お客さまID、書留"));
    // Its terminal, repeated per terminal, named by the list's label.
    let part = read(&out.join("site/online-shikaku/certificate.html"));
    assert!(
        part.contains("data-field=\"each.item\">〈端末名称〉</span>"),
        "{part}"
    );
}

/// The customer ID's carrier is the field content names (`carrier:`), not
/// a path spelled in Rust: renamed `line.provider`, an ID on a line that
/// uses none is still told so.
#[test]
fn the_customer_ids_carrier_is_the_field_content_names() {
    let (d, c) = content_copy();
    for f in all_files(&c) {
        if f.extension().is_some_and(|x| x == "yaml" || x == "md") {
            std::fs::write(&f, read(&f).replace("line.carrier", "line.provider")).unwrap();
        }
    }
    let clinic = d.path().join("other-line.yaml");
    std::fs::write(
        &clinic,
        read(&c.join("clinics/kanagawa-dental.yaml"))
            .replace("carrier: ntt-east", "provider: other")
            .replace("carrier: ntt-west", "provider: other"),
    )
    .unwrap();
    assert!(read(&clinic).contains("provider: other"));
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--content",
        c.to_str().unwrap(),
        "--clinics",
        clinic.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("回線ではお客さまIDを使いません"), "{err}");
}

/// The schema's new keys are checked where they are written.
#[test]
fn the_schemas_own_keys_are_checked_at_their_line() {
    let check = |from: &str, to: &str| -> String {
        let d = third();
        let f = d.path().join("content/fields.yaml");
        let text = read(&f);
        assert!(text.contains(from), "{from}");
        std::fs::write(&f, text.replacen(from, to, 1)).unwrap();
        let o = tebiki_in(d.path(), &["check", "--content", "content"]);
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let err = check("    kind: phone\n", "    kind: phone\n    unit: 番\n");
    assert!(
        err.contains("`unit:` of field `shop.phone` needs a field of kind integer"),
        "{err}"
    );
    assert!(err.contains("fields.yaml:28:"), "{err}");
    let err = check(
        "    dashboard: 訪問日",
        "    dashboard: 訪問日\n    names_clinic: true",
    );
    assert!(
        err.contains("`names_clinic:` field `visit_date` must be of kind text"),
        "{err}"
    );
    assert!(
        err.contains("also says `names_clinic: true`, like `shop.name`"),
        "{err}"
    );
    let err = check(
        "    kind: integer\n",
        "    kind: integer\n    dashboard: 数\n",
    );
    assert!(
        err.contains("`dashboard:` of field `power_outlets` needs a date field"),
        "{err}"
    );
    let err = check(
        "    kind: phone\n",
        "    kind: phone\n    carrier: parking\n",
    );
    assert!(
        err.contains("`carrier:` of field `shop.phone` is only for a customer_id field"),
        "{err}"
    );
}

/// A deadline already past is told as such whatever content calls the day
/// the guide is made: Rust read the derived fact `today` by name, so a
/// schema calling it `made_on` lost 「…はすでに過ぎています」.
#[test]
fn a_past_deadline_is_told_whatever_the_build_day_is_called() {
    let d = third();
    let c = d.path().join("content");
    for f in all_files(&c) {
        let t = read(&f)
            .replace("name: today", "name: made_on")
            .replace("from: today", "from: made_on")
            .replace("not_before: today", "not_before: made_on");
        std::fs::write(&f, t).unwrap();
    }
    let m = c.join("manuals/site-prep/manual.yaml");
    let text = read(&m).replace(
        "  - { fact: visit_date, label: 工事訪問日,",
        "  - { fact: made_on, label: この資料の作成日, basis: 作成した日, deadline: visit_date }\n  - { fact: visit_date, label: 工事訪問日,",
    );
    std::fs::write(&m, text).unwrap();
    let shop = c.join("clinics/kaede.yaml");
    std::fs::write(
        &shop,
        read(&shop).replace("visit_date: 2026-12-10", "visit_date: 2026-11-20"),
    )
    .unwrap();
    build_in(d.path());
    let html = read(&d.path().join("out/clinics/1340112342/index.html"));
    assert!(
        squash(&untagged(&html)).contains("工事訪問日（2026年11月20日（金））はすでに過ぎています。新しい工事訪問日はこの日より後にしてください"),
        "{}",
        untagged(&html)
    );
}

/// A list that names none of the schema's columns is told which columns it
/// needs in the schema's own headers (「薬局コード, 店舗名, …」), not the
/// seed's 「医療機関コード, 医療機関名」.
#[test]
fn a_list_without_the_schemas_columns_is_told_its_own_headers() {
    let d = third();
    let list = d.path().join("notes.csv");
    std::fs::write(&list, "メモ,備考\n訪問の前に,電話する\n").unwrap();
    let o = tebiki_in(
        d.path(),
        &["check", "--content", "content", "--clinics", "notes.csv"],
    );
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("(薬局コード, 店舗名, …)"), "{err}");
    assert!(!err.contains("医療機関"), "{err}");
}

/// `tebiki import` of a list in the third schema writes each value as
/// tebiki reads it, a number typed in full width included (「２」 → 2; the
/// seed's schema has no integer field, and it was kept as typed).
#[test]
fn import_reads_the_schemas_own_values() {
    let d = third();
    std::fs::write(
        d.path().join("list.csv"),
        "薬局コード,店舗名,管理薬剤師,店舗電話,訪問日,コンセント数,有線LAN,ルーター,駐車場,立会者\n\
         1340112342,かえで台薬局,楓 一郎,042-555-0101,令和8年12月10日,２,有,不明,近くのコインパーキング,楓 一郎\n",
    )
    .unwrap();
    let o = tebiki_in(
        d.path(),
        &["import", "list.csv", "--out", "imp", "--content", "content"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = read(&d.path().join("imp/1340112342.yaml"));
    for line in [
        "power_outlets: \"2\"",
        "visit_date: \"2026-12-10\"",
        "wired_lan: \"yes\"",
        "router_maker: \"other\"",
    ] {
        assert!(yaml.contains(line), "{line}:\n{yaml}");
    }
}

// ---- A fourth kind: the installation day ------------------------------------
//
// tests/fixtures/anymanual3 was written as a new author would, from
// docs/content-format.md and the other fixtures only: a vendor's manual for
// the day its engineer sets up the face-recognition card readers (its own
// schema: a room list, a start time, a router model, IP addresses, a yes/no
// DHCP, a count of free hub ports; three windows of its own; parts 第1部…;
// a schedule of its own dates; rules that fire per clinic) and three clinics
// that differ.

const INSTALL_TITLE: &str = "カードリーダー 設置日のご案内";
const SAKURA: &str = "1310123455"; // DHCP on, two readers, nothing to warn
const MINATO: &str = "2710345675"; // DHCP off, no IP yet, LAN work late, few ports
const AOBA: &str = "1430567891"; // DHCP off with its IP, no UPS, no staff named

/// The fourth fixture as a project of its own.
fn fourth() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("tests/fixtures/anymanual3"),
        &d.path().join("content"),
    );
    d
}

/// Builds the fourth fixture; returns its folder and the output folder.
fn build_fourth() -> (tempfile::TempDir, PathBuf) {
    let d = fourth();
    let out = build_in(d.path());
    (d, out)
}

/// `tebiki build --out out` in `dir`, which must succeed; the output folder.
fn build_in(dir: &Path) -> PathBuf {
    let o = tebiki_in(dir, &["build", "--out", "out"]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    dir.join("out")
}

/// A clinic's HTML guide (what a reader sees), handout and sheet, without
/// white space.
fn documents(out: &Path, key: &str) -> [(String, String); 3] {
    let dir = out.join("clinics").join(key);
    [
        (
            "html".into(),
            squash(&untagged(&visible(&read(&dir.join("index.html"))))),
        ),
        (
            "guide.pdf".into(),
            squash(&pdf_text(&dir.join("guide.pdf"), 1, 99)),
        ),
        (
            "sheet.pdf".into(),
            squash(&pdf_text(&dir.join("sheet.pdf"), 1, 99)),
        ),
    ]
}

/// Words of the seed manual, its schema and its theme that the fourth
/// fixture never uses (「医療機関」 and 「薬局」 were the help site's lead).
const SEED_WORDS_4: &[&str] = &[
    "オンライン資格確認",
    "ポータル",
    "電子証明書",
    "医療機関",
    "薬局",
    "訪問看護",
    "お客さまID",
    "回線",
    "端末",
    "秘密の番号",
    "申請",
    "利用開始",
    "点数表",
    "都道府県",
    "通知書",
    "コールセンター",
    "支払基金",
    "書留",
    "発行料",
    "2026年12月18日",
];

#[test]
fn an_installation_day_manual_speaks_only_its_own_words_everywhere() {
    let (_d, out) = build_fourth();
    let mut texts: Vec<(String, String)> = Vec::new();
    for k in [SAKURA, MINATO, AOBA] {
        for (name, text) in documents(&out, k) {
            texts.push((format!("{k}/{name}"), text));
        }
    }
    texts.extend(shared_outputs(
        &out,
        "install-day",
        &[
            "index.html",
            "before.html",
            "day.html",
            "first-check.html",
            "print.html",
        ],
    ));
    assert_none_say("anymanual3", &texts, SEED_WORDS_4);
    let text = |name: &str| &texts.iter().find(|(n, _)| n == name).unwrap().1;

    // Its title, its code label, its parts and step numbers.
    let minato = text(&format!("{MINATO}/guide.pdf"));
    assert!(
        minato.contains(&squash(&format!("みなと眼科様　{INSTALL_TITLE}"))),
        "{minato}"
    );
    assert!(minato.contains("施設コード2710345675"), "{minato}");
    assert!(minato.contains("第1部設置日の前までに"), "{minato}");
    assert!(
        minato.contains("第2部1台目（受付）:設置日の作業"),
        "{minato}"
    );

    // Fields of kinds the seed has not: a start time, rooms, a router
    // model, an IP address, a count with its unit (the registration table
    // says 「2口」 as a row bound to it would), a yes/no.
    let aoba = text(&format!("{AOBA}/html"));
    for want in [
        "作業の開始時刻18:30",
        "カードリーダーを置く場所受付",
        "ルーターの機種NECUNIVERGEIX2215",
        "カードリーダーのIPアドレス192.168.10.50",
        "ハブの空きポート1口",
        "院内LANのDHCP使っていない",
        "無停電電源装置ない",
    ] {
        assert!(aoba.contains(want), "{want}: {aoba}");
    }
    assert!(text(&format!("{MINATO}/html")).contains("ハブの空きポート2口"));

    // Rules per clinic: みなと gets three, 青葉 the note, さくら nothing.
    let html = |k: &str| read(&out.join("clinics").join(k).join("index.html"));
    for (k, fired, not) in [
        (
            MINATO,
            &[
                "院内LAN工事の完了が設置日に近すぎます",
                "カードリーダーのIPアドレスが決まっていません",
                "ハブの空きポートが足りません",
            ][..],
            &["無停電電源装置はなくても設置できます"][..],
        ),
        (
            AOBA,
            &["無停電電源装置はなくても設置できます"][..],
            &[
                "院内LAN工事の完了が設置日に近すぎます",
                "カードリーダーのIPアドレスが決まっていません",
            ][..],
        ),
        (
            SAKURA,
            &[][..],
            &[
                "院内LAN工事の完了が設置日に近すぎます",
                "カードリーダーのIPアドレスが決まっていません",
                "ハブの空きポートが足りません",
                "無停電電源装置はなくても設置できます",
            ][..],
        ),
    ] {
        let h = html(k);
        for f in fired {
            assert!(h.contains(f), "{k} lacks {f}");
        }
        for f in not {
            assert!(!h.contains(f), "{k} says {f}");
        }
    }
    assert!(
        minato.contains("院内LAN工事の完了（2026年12月3日（木））から設置日まで1日しかありません"),
        "{minato}"
    );
    // Its own schedule: 3 business days before Friday 12-04 is Tuesday
    // 12-01; the LAN work after it is a problem in the schedule.
    assert!(
        minato.contains("2026年12月1日（火）院内LAN工事を終えておく日設置日の3営業日前"),
        "{minato}"
    );
    assert!(
        minato
            .contains("院内LAN工事を終えておく日（2026年12月1日（火））より後です。間に合いません"),
        "{minato}"
    );
    // A part repeated per room; a room's label sample says what it will
    // carry while its address is not decided (the row's `if_empty:`).
    assert!(
        text(&format!("{MINATO}/html"))
            .contains("設置ラベル（見本）設置場所処置室IPアドレス決まりしだい担当者が記入します")
    );
    // No staff named: the alternative, never a 〈…〉 blank.
    assert!(aoba.contains("立ち会う方を一人決めて"), "{aoba}");
    assert!(!aoba.contains("〈"), "{aoba}");

    // The sheet's QR code is the router frame's `name:`.
    assert!(text(&format!("{SAKURA}/sheet.pdf")).contains("ルーターの管理画面"));

    // The dashboard counts down to 設置日 (`dashboard:`), most urgent first.
    let dash = read(&out.join("clinics/index.html"));
    assert!(dash.contains(">設置日まで</th>"), "{dash}");
    let (m, a) = (
        dash.find("みなと眼科").unwrap(),
        dash.find("青葉歯科医院").unwrap(),
    );
    assert!(m < a, "the clinic with an error first");

    // The help site: its examples, its words found by search, its rules.
    let site = out.join("site");
    let home = read(&site.join("index.html"));
    assert!(
        home.contains("例: IPアドレス、空きポート、初回の資格確認"),
        "{home}"
    );
    // Its home page speaks of 施設 (no `audience:` in its search.yaml).
    assert!(home.contains("施設ごとに配る手順書の内容を"), "{home}");
    for q in [
        "空きポート",
        "かおにんしょう",
        "設置ラベル",
        "資格情報を取得しました",
    ] {
        let hits = search(&site, q);
        assert!(
            hits.first().is_some_and(|u| u.starts_with("install-day/")),
            "{q}: {hits:?}"
        );
    }
    // Another word for 無停電電源装置 finds the warning about it, shown
    // at the top of a guide (no step): the rules page's general part.
    let hits = search(&site, "ゆーぴーえす");
    assert_eq!(hits.first().map(String::as_str), Some("rules.html#general"));
    let rules = read(&site.join("rules.html"));
    assert!(rules.contains("DHCPを使っておらず、カードリーダーのIPアドレスが登録されていない場合"));
    // A checkbox without a caption is named by its row on the help site
    // (「〈院内LANのDHCP〉 に応じて「」にチェック」 said nothing).
    let before = untagged(&read(&site.join("install-day/before.html")));
    assert!(
        before.contains("に応じて「DHCPサーバー機能を使う」にチェック"),
        "{before}"
    );
    assert!(!before.contains("「」にチェック"));
    // A value the label sample only prints is named, not 「…を確かめて
    // 入力」 (nothing is typed on paper); the setup screen's box still says so.
    let day = read(&site.join("install-day/day.html"));
    assert!(day.contains(">〈施設名〉</text>"), "{day}");
    assert!(!day.contains("〈施設名〉を確かめて入力"), "{day}");
    assert!(day.contains(">〈カードリーダーを置く場所〉を確かめて入力</text>"));
}

/// A checkbox bound to a yes/no setting whose answer is no (`checked:
/// false` on the option): the clinic leaves it empty, and every document
/// says so. It said 「まだチェックできません（使っていない）— 確認してから
/// 入力」, the seed's words for a v6 option not contracted yet, telling a
/// clinic without DHCP to tick it once it can.
#[test]
fn a_checkbox_the_clinic_leaves_empty_as_its_answer_says_so() {
    let (_d, out) = build_fourth();
    for (name, text) in documents(&out, MINATO) {
        assert!(!text.contains("まだチェックできません"), "{name}: {text}");
        assert!(!text.contains("未チェック"), "{name}: {text}");
    }
    let [(_, html), (_, pdf), (_, sheet)] = documents(&out, MINATO);
    assert!(
        html.contains("DHCPサーバー機能を使うチェックを入れない（使っていない）"),
        "{html}"
    );
    // The picture (drawn words of the handout) and its text alternative.
    assert!(pdf.contains("チェックしない（使っていない）"), "{pdf}");
    let alts = pdf_alts(&out.join("clinics").join(MINATO).join("guide.pdf"));
    assert!(
        alts.iter()
            .any(|a| a.contains("「DHCPサーバー機能を使う」: チェックを入れない（使っていない）")),
        "{alts:?}"
    );
    assert!(
        sheet.contains("DHCPサーバー機能を使うチェックを入れない（使っていない）"),
        "{sheet}"
    );
    // A clinic with DHCP ticks it.
    let [(_, html), ..] = documents(&out, SAKURA);
    assert!(
        html.contains("DHCPサーバー機能を使うチェックを入れる"),
        "{html}"
    );
    // The pharmacy fixture's shop without a LAN port, likewise.
    let d = third();
    build_in(d.path());
    let [(_, html), ..] = documents(&d.path().join("out"), "1340154328");
    assert!(
        html.contains("有線LANの差込口があるチェックを入れない（ない）"),
        "{html}"
    );
}

/// A row a warning points at because its value is missing is never one to
/// leave blank: みなと眼科 (DHCP off, no address yet) was told
/// 「空欄のままで構いません」 beside the warning asking for the address, in
/// the guide's table and on the sheet.
#[test]
fn a_row_a_warning_asks_for_is_never_one_to_leave_blank() {
    let (_d, out) = build_fourth();
    for (name, text) in documents(&out, MINATO) {
        assert!(!text.contains("空欄のままで構いません"), "{name}: {text}");
    }
    let [html, _, sheet] = documents(&out, MINATO);
    for (name, text) in [html, sheet] {
        assert!(
            text.contains(
                "固定で割り当てるアドレス〈カードリーダーのIPアドレス〉未登録—確認してください"
            ),
            "{name}: {text}"
        );
    }
    // Without the warning the row's own words stand: an optional row left
    // empty may still be left blank (the fixture's rule removed).
    let d = fourth();
    let rules = d.path().join("content/rules/install-day.yaml");
    let text = read(&rules);
    let a = text.find("  - id: reader-ip-missing").unwrap();
    let b = text.find("  - id: lan-work-too-close").unwrap();
    std::fs::write(&rules, format!("{}{}", &text[..a], &text[b..])).unwrap();
    build_in(d.path());
    let [(_, html), ..] = documents(&d.path().join("out"), MINATO);
    assert!(
        html.contains("固定で割り当てるアドレス空欄のままで構いません"),
        "{html}"
    );
}

/// A schedule line's `label:` and `basis:` take `{{ }}` values as any
/// one-line text does: 「設置日（作業開始 {{ install.start_time }}）」 was
/// printed with its braces in the guide, handout, sheet and help site. An
/// unknown fact there is a load error at its line.
#[test]
fn a_schedule_line_takes_the_clinics_values() {
    let (_d, out) = build_fourth();
    for (name, text) in documents(&out, AOBA) {
        assert!(!text.contains("{{"), "{name}: {text}");
        assert!(text.contains("設置日（作業開始18:30）"), "{name}: {text}");
    }
    let site = untagged(&read(&out.join("site/install-day/index.html")));
    assert!(
        site.contains("設置日（作業開始 〈作業の開始時刻〉）"),
        "{site}"
    );

    let d = fourth();
    let m = d.path().join("content/manuals/install-day/manual.yaml");
    let text = read(&m);
    std::fs::write(
        &m,
        text.replace(
            "作業開始 {{ install.start_time }}",
            "作業開始 {{ install.start }}",
        ),
    )
    .unwrap();
    let o = tebiki_in(d.path(), &["check", "--content", "content"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("install.start"), "{err}");
    assert!(err.contains("manual.yaml:54:"), "{err}");
}

/// The fourth fixture with みなと眼科's `reader_ips:` written as `value`
/// (after the key); returns its folder and the clinic's file.
fn minato_with_addresses(value: &str) -> (tempfile::TempDir, PathBuf) {
    let d = fourth();
    let clinic = d.path().join("content/clinics/minato-ganka.yaml");
    let text = read(&clinic).replace(
        "  dhcp: なし\n",
        &format!("  dhcp: なし\n  reader_ips:{value}\n"),
    );
    std::fs::write(&clinic, text).unwrap();
    (d, clinic)
}

/// Inside a part repeated over one list, `each.<list>` is the item of
/// another list at the same number: each room's reader gets its own
/// address (`field: each.network.reader_ips`), in the picture, the table,
/// the label sample and the sheet; a room past the end of the addresses
/// is told its address is missing, never given another room's. Before,
/// a row could only show every address (「192.168.1.21、192.168.1.22」)
/// on each reader's screen. A name that is not a list, or one used outside
/// a repetition, is a load error at its line.
#[test]
fn a_repeated_part_pairs_each_item_with_the_same_item_of_another_list() {
    let (d, _) = minato_with_addresses(" [192.168.1.21, 192.168.1.22]");
    build_in(d.path());
    let out = d.path().join("out");
    let html = read(&out.join("clinics").join(MINATO).join("index.html"));
    for (step, room, ip) in [
        ("step-install-day-4", "受付", Some("192.168.1.21")),
        ("step-install-day-4-n2", "検査室", Some("192.168.1.22")),
        ("step-install-day-4-n3", "処置室", None),
    ] {
        let a = squash(&untagged(article(&html, step)));
        assert!(a.contains(&format!("設置場所の名前必須{room}")), "{a}");
        match ip {
            Some(ip) => {
                assert!(a.contains(&format!("IPアドレス必須{ip}")), "{a}");
                assert!(!a.contains("192.168.1.21、"), "one address a reader: {a}");
            }
            None => assert!(
                a.contains("IPアドレス必須〈カードリーダーのIPアドレス〉未登録"),
                "{a}"
            ),
        }
    }
    // The label sample of the second room, drawn in the handout.
    let pdf = squash(&pdf_text(
        &out.join("clinics").join(MINATO).join("guide.pdf"),
        1,
        99,
    ));
    assert!(
        pdf.contains("設置場所検査室IPアドレス192.168.1.22"),
        "{pdf}"
    );
    let sheet = squash(&pdf_text(
        &out.join("clinics").join(MINATO).join("sheet.pdf"),
        1,
        99,
    ));
    // The sheet lists a repeated row's values in the rooms' order, each
    // with its room (they read 「□192.168.1.21□192.168.1.22□…」 under one
    // label), in sheet.pdf and the guide's printed sheet alike.
    assert!(
        sheet.contains("4設置場所の名前□受付□検査室□処置室"),
        "{sheet}"
    );
    assert!(
        sheet.contains(
            "4IPアドレス□受付:192.168.1.21□検査室:192.168.1.22□処置室:〈カードリーダーのIPアドレス〉未登録"
        ),
        "{sheet}"
    );
    let printed = squash(&untagged(&html[..html.find("</table>").unwrap()]));
    assert!(
        printed.contains("4IPアドレス検査室:192.168.1.22"),
        "{printed}"
    );
    // The count of addresses differs from the rooms: the rule says so.
    assert!(html.contains("IPアドレスの数がカードリーダーの台数と合いません"));
    // The help site names it by the paired list's label.
    let day = read(&out.join("site/install-day/day.html"));
    assert!(day.contains("〈カードリーダーのIPアドレス〉"), "{day}");
    assert!(!day.contains("each.network"), "{day}");

    for (from, to, want) in [
        (
            "field: each.network.reader_ips     #",
            "field: each.network.dhcp     #",
            "unknown clinic field `each.network.dhcp`",
        ),
        (
            "院内LANの準備は{{ lan_done_by }}までに",
            "院内LANの準備は{{ each.network.reader_ips }}までに",
            "`each.network.reader_ips` is used outside a repetition",
        ),
    ] {
        let d = fourth();
        let m = d.path().join("content/manuals/install-day/manual.yaml");
        let text = read(&m);
        assert!(text.contains(from), "{from}");
        std::fs::write(&m, text.replacen(from, to, 1)).unwrap();
        let o = tebiki_in(d.path(), &["check", "--content", "content"]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(err.contains(want), "{want}: {err}");
        assert!(err.contains("manual.yaml:"), "{err}");
    }
}

/// Two lists a repetition pairs (each room and its reader's address) of
/// different lengths get a warning at the paired list's line, naming what
/// has no partner; the guide is still made and the batch goes on. Before,
/// nothing but the fixture's own rule noticed, and a manual without one
/// said nothing: an address left out in the middle shifts every later
/// room's. Equal lists, or a paired list left out (DHCP on), say nothing.
#[test]
fn paired_lists_of_different_lengths_are_warned_at_the_paired_list() {
    for (value, want) in [
        (
            " [192.168.1.21, 192.168.1.22]",
            "カードリーダーのIPアドレス: 2件で、カードリーダーを置く場所の3件と数が合いません。カードリーダーを置く場所の3件目（処置室）にはカードリーダーのIPアドレスがありません",
        ),
        (
            " [192.168.1.21, 192.168.1.22, 192.168.1.23, 192.168.1.24]",
            "カードリーダーのIPアドレス: 4件で、カードリーダーを置く場所の3件と数が合いません。4件目（192.168.1.24）はどのカードリーダーを置く場所にも使われません",
        ),
    ] {
        let (d, clinic) = minato_with_addresses(value);
        let line = read(&clinic)
            .lines()
            .position(|l| l.contains("reader_ips:"))
            .unwrap()
            + 1;
        let o = tebiki_in(d.path(), &["build", "--out", "out"]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "a warning: {err}");
        assert!(err.contains(want), "{err}");
        assert!(
            err.contains(&format!("minato-ganka.yaml:{line}:")),
            "at line {line}: {err}"
        );
        // Every clinic got its guide; the remark is in the handout too.
        let out = d.path().join("out/clinics");
        for key in [SAKURA, MINATO, AOBA] {
            assert!(out.join(key).join("guide.pdf").exists(), "{key}");
        }
        let pdf = squash(&pdf_text(&out.join(MINATO).join("guide.pdf"), 1, 99));
        let head: String = want.chars().take(40).collect();
        assert!(pdf.contains(&squash(&head)), "{pdf}");
        let dashboard = read(&out.join("index.html"));
        assert!(dashboard.contains("数が合いません"), "on the dashboard");
    }
    let (d, _) = minato_with_addresses(" [192.168.1.21, 192.168.1.22, 192.168.1.23]");
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{err}");
    // さくら内科 (DHCP on, two rooms, no addresses) is not warned either.
    assert!(!err.contains("数が合いません"), "{err}");
}

/// An address typed into a device is read exactly or refused at its line:
/// a list field says `items: ip_address` and each item is an IPv4 address
/// (full-width digits tidied with a warning; 「192.168.1.300」 an error
/// that stops that clinic's guide, naming the item). Before, any text was
/// an address, and a handout told the clinic to type 192.168.1.300. The
/// key is checked where it is written.
#[test]
fn an_address_is_read_as_one_or_refused_at_its_line() {
    let (d, clinic) =
        minato_with_addresses("\n    - １９２．１６８．１．２１\n    - 192.168.1.300");
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "the clinic failed, not the batch");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains(
            "カードリーダーのIPアドレス: 2件目: '192.168.1.300'はIPアドレスとして読めません"
        ),
        "{err}"
    );
    assert!(err.contains("minato-ganka.yaml:15:"), "{err}");
    assert!(
        err.contains(
            "1件目: 全角文字を半角に直しました: '１９２．１６８．１．２１' → '192.168.1.21'"
        ),
        "{err}"
    );
    assert!(err.contains("minato-ganka.yaml:14:"), "{err}");
    assert!(
        !d.path()
            .join("out/clinics")
            .join(MINATO)
            .join("guide.pdf")
            .exists()
    );

    // Read, the tidied address is the one every document shows.
    std::fs::write(
        &clinic,
        read(&clinic).replace("192.168.1.300", "192.168.1.22"),
    )
    .unwrap();
    build_in(d.path());
    let [(_, html), ..] = documents(&d.path().join("out"), MINATO);
    assert!(html.contains("IPアドレス必須192.168.1.21"), "{html}");
    assert!(!html.contains("IPアドレス必須１９２"), "{html}");

    let d = fourth();
    let f = d.path().join("content/fields.yaml");
    std::fs::write(
        &f,
        read(&f).replacen(
            "    kind: text\n",
            "    kind: text\n    items: ip_address\n",
            1,
        ),
    )
    .unwrap();
    let o = tebiki_in(d.path(), &["check", "--content", "content"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("`items:` of field `facility.name` needs a list field"),
        "{err}"
    );
    assert!(err.contains("fields.yaml:16:"), "{err}");
}

// ---- A fifth kind: a paper form, two manuals, the vendor's spreadsheet -----
//
// tests/fixtures/anymanual5 was written by a new author from
// docs/content-format.md and the other fixtures: the paper maintenance
// contract form (保守契約申込書) a clinic fills in and posts by a day counted
// back from the start of its maintenance, and beside it in the same folder a
// second manual only for the clinics that make home visits (the tablets lent
// for them). The clinics come from the vendor's own spreadsheet, a CSV and a
// workbook under different Japanese headers (content/lists/).

/// Home visits, two tablets, maintenance from 2027-01-06 (over 年末年始).
const SAKURA5: &str = "1310123455";
/// No home visits, ベーシック (its posting day, 2026-11-25, passed on 11-30).
const MINATO5: &str = "2710345675";
/// Home visits without a number of tablets, プレミアム.
const AOBA5: &str = "1430567891";
const KEIYAKU: &str = "保守契約 申込書の書き方";
const TABLET: &str = "訪問診療用タブレット 受け取りの手引き";
const TABLET_TITLE: &str = "訪問診療用タブレットの受け取りと初期設定";
const LISTS: [&str; 2] = ["content/lists/clinics.csv", "content/lists/clinics.xlsx"];

/// The fixture as a project of its own (`content/`, no tebiki.yaml).
fn fifth() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("tests/fixtures/anymanual5"),
        &d.path().join("content"),
    );
    d
}

/// Builds the clinics of `list` into `dir/out`, which must succeed.
fn build_list(dir: &Path, list: &str, out: &str) -> PathBuf {
    let o = tebiki_in(dir, &["build", "--clinics", list, "--out", out]);
    assert!(
        o.status.success(),
        "{list}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    dir.join(out)
}

/// A clinic's guide page, handout text and sheet text.
fn outputs5(out: &Path, key: &str) -> (String, String, String) {
    let dir = out.join("clinics").join(key);
    (
        read(&dir.join("index.html")),
        pdf_text(&dir.join("guide.pdf"), 1, 99),
        pdf_text(&dir.join("sheet.pdf"), 1, 99),
    )
}

/// Each clinic gets the manuals whose `when:` holds for it, in `order:`
/// (the contract first, though its id sorts after the tablets'), from the
/// CSV and from the workbook alike: みなと眼科 makes no home visits and
/// gets nothing of the tablets' manual, in its title, guide, handout,
/// schedule or sheet. Before, `when:` on a manual was an unknown key, and
/// without it every clinic got both. The dashboard names each clinic's
/// documents under its name (and the manifest keeps them).
#[test]
fn each_clinic_gets_the_manuals_for_it_in_content_order_from_the_csv_and_the_workbook() {
    let d = fifth();
    let mut handouts: Vec<Vec<String>> = Vec::new();
    for (n, list) in LISTS.iter().enumerate() {
        let out = build_list(d.path(), list, &format!("out{n}"));
        let mut texts = Vec::new();
        for (key, name, tablets) in [
            (SAKURA5, "さくら内科クリニック", true),
            (MINATO5, "みなと眼科", false),
            (AOBA5, "あおば歯科", true),
        ] {
            let title = if tablets {
                format!("{name} 様　{KEIYAKU}・{TABLET}")
            } else {
                format!("{name} 様　{KEIYAKU}")
            };
            let dir = out.join("clinics").join(key);
            assert_eq!(pdf_title(&dir.join("guide.pdf")), title, "{list}");
            let (html, pdf, sheet) = outputs5(&out, key);
            assert_eq!(html_title(&html), title, "{list}");
            for (what, text) in [("html", &html), ("guide.pdf", &pdf), ("sheet.pdf", &sheet)] {
                let text = squash(text);
                assert_eq!(
                    text.contains("タブレット"),
                    tablets,
                    "{list} {key} {what}: {text}"
                );
                assert!(text.contains("申込書を投函する日"), "{list} {key} {what}");
            }
            // The contract's 始める前に before the tablets'.
            let pdf = squash(&pdf);
            let keiyaku = pdf.find("始める前に—保守契約申込書の記入と郵送").unwrap();
            if tablets {
                let tablet = pdf.find(&format!("始める前に—{TABLET_TITLE}")).unwrap();
                assert!(keiyaku < tablet, "{list} {key}");
            }
            texts.push(pdf);
        }
        handouts.push(texts);
    }
    // The workbook's headers (施設No, お客様名, 〒, プラン, 往診・訪問診療 …)
    // are the CSV's (施設番号, 施設名称, 郵便番号, 保守プラン, 訪問診療 …) by
    // content's `headers:`: every handout reads the same.
    assert_eq!(handouts[0], handouts[1]);
    // The dashboard and the manifest say which documents each clinic got.
    let out = d.path().join("out0");
    let dashboard = read(&out.join("clinics/index.html"));
    let manifest = read(&out.join("manifest.json"));
    for (name, documents) in [
        ("さくら内科クリニック", format!("{KEIYAKU}・{TABLET}")),
        ("みなと眼科", KEIYAKU.to_string()),
    ] {
        assert!(
            dashboard.contains(&format!(
                "<td class=\"clinic\">{name}<small class=\"documents\">{documents}</small></td>"
            )),
            "{name}"
        );
        assert!(
            manifest.contains(&format!("\"documents\":\"{documents}\"")),
            "{manifest}"
        );
    }
    // Without a manual for only some clinics, nothing to say.
    let m = d.path().join("content/manuals/homon-tablet/manual.yaml");
    std::fs::write(&m, read(&m).replace("\nwhen: {", "\n# when: {")).unwrap();
    let out = build_list(d.path(), LISTS[0], "out-all");
    assert!(!read(&out.join("clinics/index.html")).contains("class=\"documents\""));
    assert!(!read(&out.join("manifest.json")).contains("\"documents\""));
}

#[test]
fn none_of_the_bundled_manuals_words_reach_any_output() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    let mut texts: Vec<(String, String)> = Vec::new();
    for k in [SAKURA5, MINATO5, AOBA5] {
        let (html, pdf, sheet) = outputs5(&out, k);
        texts.push((format!("{k}/index.html"), untagged(&html)));
        texts.push((format!("{k}/guide.pdf"), squash(&pdf)));
        texts.push((format!("{k}/sheet.pdf"), squash(&sheet)));
    }
    texts.push(("dashboard".into(), read(&out.join("clinics/index.html"))));
    for page in [
        "index.html",
        "search.html",
        "rules.html",
        "hoshu-keiyaku/index.html",
        "hoshu-keiyaku/fill.html",
        "hoshu-keiyaku/post.html",
        "hoshu-keiyaku/print.html",
        "homon-tablet/index.html",
        "homon-tablet/setup.html",
        "homon-tablet/print.html",
        "assets/search-index.js",
    ] {
        texts.push((page.into(), read(&out.join("site").join(page))));
    }
    let files: Vec<String> = all_files(&root().join("tests/fixtures/anymanual5"))
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "csv"))
        .map(|f| read(f))
        .collect();
    assert!(files.len() >= 8, "{}", files.len());
    for w in SEED_WORDS_4.iter().chain(&["設置"]) {
        assert!(!files.iter().any(|f| f.contains(w)), "the fixture uses {w}");
        for (name, text) in &texts {
            assert!(!text.contains(w), "{name} says {w}");
        }
    }
}

/// A schema with neither a prefecture nor a 点数表 field: the code typed
/// with its 10 digits is the clinic's number everywhere. Its field showed
/// the bare seven (「施設番号 0123455」 in the registration table, in the
/// paper form's box and on the sheet) while the running head said
/// 1310123455: the clinic would have written a wrong number on the form.
#[test]
fn a_code_without_prefecture_or_fee_schedule_fields_is_shown_with_its_ten_digits() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    for (key, seven) in [
        (SAKURA5, "0123455"),
        (MINATO5, "0345675"),
        (AOBA5, "0567891"),
    ] {
        let (html, pdf, sheet) = outputs5(&out, key);
        let pdf = squash(&pdf);
        let sheet = squash(&sheet);
        // The registration table, the paper form's first row, the sheet.
        assert!(pdf.contains(&format!("施設番号{key}施設名")), "{pdf}");
        assert!(sheet.contains(&format!("□1施設番号{key}")), "{sheet}");
        assert!(
            digits_in_boxes(figure_svg(&html, "保守契約申込書（記入例）"), key),
            "{key}: the form's boxes"
        );
        for (what, text) in [("html", &html), ("guide.pdf", &pdf), ("sheet.pdf", &sheet)] {
            assert!(
                !text.contains(&format!("施設番号{seven}"))
                    && !text.contains(&format!(">{seven}<")),
                "{key} {what} shows the seven digits"
            );
        }
    }
}

/// The `<svg>` of a figure titled `title` in a guide page.
fn figure_svg<'a>(html: &'a str, title: &str) -> &'a str {
    let at = html.find(&format!(">{title}</text>")).unwrap();
    let a = html[..at].rfind("<svg").unwrap();
    let b = at + html[at..].find("</svg>").unwrap();
    &html[a..b]
}

/// The paper form (`figure:`, `kind: document`) is drawn as paper: each
/// value written in its ruled cell, no input box; a choice's options in a
/// line with the clinic's one circled, as its text says (「丸をつける」),
/// never a web page's radio buttons. Before, the form had rounded input
/// boxes (a long address ran to the box's edge) and radio dots.
#[test]
fn a_paper_form_writes_the_values_in_its_cells_and_circles_the_choice() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    for (key, plan, payment) in [
        (SAKURA5, "スタンダード", "口座振替"),
        (MINATO5, "ベーシック", "請求書払い"),
        (AOBA5, "プレミアム", "口座振替"),
    ] {
        let html = read(&out.join("clinics").join(key).join("index.html"));
        for title in [
            "保守契約申込書（記入例）",
            "保守契約申込書（記入例・下半分）",
        ] {
            let svg = figure_svg(&html, title);
            assert!(
                !svg.contains("<circle class=\"control\"")
                    && !svg.contains("<circle class=\"value\""),
                "{key} {title}: a radio button"
            );
            assert!(
                !svg.contains("<rect class=\"control\""),
                "{key} {title}: an input box"
            );
        }
        let svg = figure_svg(&html, "保守契約申込書（記入例・下半分）");
        for (chosen, others) in [
            (plan, &["ベーシック", "スタンダード", "プレミアム"][..]),
            (payment, &["口座振替", "請求書払い"][..]),
        ] {
            // The chosen words, then the ring around them.
            let at = svg
                .find(&format!(
                    "font-weight=\"700\">{chosen}</text><rect class=\"value\""
                ))
                .unwrap_or_else(|| panic!("{key}: {chosen} not circled"));
            assert!(svg[at..].split("/>").next().unwrap().contains(" rx="));
            for o in others.iter().filter(|o| **o != chosen) {
                let at = svg.find(&format!(">{o}</text>")).unwrap();
                let text = &svg[svg[..at].rfind("<text").unwrap()..at];
                assert!(text.starts_with("<text class=\"control\""), "{key}: {o}");
                assert!(
                    !svg.contains(&format!("{o}</text><rect class=\"value\"")),
                    "{key}: {o} circled too"
                );
            }
        }
    }
}

/// The sheet lists what the clinic writes on the paper form (a figure's
/// rows it fills in), and, with two manuals that both number a step 「1」,
/// each manual's values under its title, the same row of both kept (the
/// number typed in the tablet's app as well as written on the form). Its
/// schedule is one list in date order. Before: only screens' rows (the
/// form's twelve values were missing), a row of the second manual with the
/// same step number, row id and value was dropped as a repeat, and the
/// dates came manual by manual (2027-01-06 before 2027-01-04).
#[test]
fn the_sheet_lists_the_paper_forms_values_under_each_manuals_title() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    let (html, _, sheet) = outputs5(&out, SAKURA5);
    let sheet = squash(&sheet);
    let keiyaku = sheet
        .find("保守契約申込書の記入と郵送□1施設番号1310123455")
        .unwrap();
    let tablet = sheet
        .find("訪問診療用タブレットの受け取りと初期設定□1施設番号1310123455")
        .unwrap();
    assert!(keiyaku < tablet, "{sheet}");
    for row in [
        "□1所在地東京都新宿区西新宿1-2-3さくらビル2階",
        "□2保守プランスタンダード",
        "□2お支払い方法口座振替",
        "□1受け取った台数2台",
    ] {
        assert!(sheet.contains(row), "{row}: {sheet}");
    }
    let dates = [
        "2026年12月22日（火）申込書を投函する日",
        "2026年12月24日（木）申込書が当社に届く期限",
        "2027年1月4日（月）タブレットを届ける日",
        "2027年1月6日（水）保守開始日",
    ];
    let at: Vec<usize> = dates.iter().map(|d| sheet.find(d).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{sheet}");
    // The guide's printed sheet likewise: two headings, one schedule.
    assert_eq!(html.matches("<tr class=\"sheet-manual\">").count(), 2);
    let printed = &html[html.find("class=\"sheet").unwrap()..];
    let printed = untagged(printed);
    let at: Vec<usize> = ["2026年12月22日", "2027年1月4日", "2027年1月6日"]
        .iter()
        .map(|d| printed.find(d).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{printed}");
    // One manual's values: no heading.
    let (html, _, sheet) = outputs5(&out, MINATO5);
    assert!(!squash(&sheet).contains("保守契約申込書の記入と郵送□"));
    assert!(!html.contains("sheet-manual"));
}

/// The help site keeps every manual and says which clinics one is for.
#[test]
fn the_help_site_says_which_clinics_a_manual_is_for() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    let tablet = read(&out.join("site/homon-tablet/index.html"));
    assert!(
        tablet.contains("表示条件: 訪問診療を行っている場合"),
        "{}",
        untagged(&tablet)
    );
    let keiyaku = read(&out.join("site/hoshu-keiyaku/index.html"));
    assert!(!keiyaku.contains("訪問診療を行っている場合"));
    let home = read(&out.join("site/index.html"));
    assert!(home.contains(TABLET_TITLE) && home.contains("保守契約申込書の記入と郵送"));
    // The search finds each manual's words in its pages, the fixture's
    // other words too (とうかん is 投函).
    let site = out.join("site");
    for (q, manual) in [
        ("とうかん", "hoshu-keiyaku/"),
        ("保守プラン", "hoshu-keiyaku/"),
        ("受け取った台数", "homon-tablet/"),
    ] {
        let hits = search(&site, q);
        assert!(
            hits.first().is_some_and(|u| u.starts_with(manual)),
            "{q}: {hits:?}"
        );
    }
}

/// A clinic none of whose manuals is for it fails alone, told why at its
/// row; the batch goes on for the others.
#[test]
fn a_clinic_no_manual_is_for_fails_alone_and_says_why() {
    let d = fifth();
    let m = d.path().join("content/manuals/hoshu-keiyaku/manual.yaml");
    let text = read(&m).replace(
        "order: 1\n",
        "order: 1\nwhen: { fact: plan, ne: basic, says: 保守プランがベーシック以外 }\n",
    );
    std::fs::write(&m, text).unwrap();
    let o = tebiki_in(d.path(), &["build", "--clinics", LISTS[0], "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("この施設に当てはまる手順書がありません: 「保守契約 申込書の書き方」（保守プランがベーシック以外の場合）・「訪問診療用タブレット 受け取りの手引き」（訪問診療を行っている場合）のどれも"),
        "{err}"
    );
    // みなと眼科 is the list's second clinic, on line 3.
    assert!(err.contains("content/lists/clinics.csv:3:1"), "{err}");
    let clinics = d.path().join("out/clinics");
    assert!(!clinics.join(MINATO5).join("guide.pdf").exists());
    for k in [SAKURA5, AOBA5] {
        assert!(clinics.join(k).join("guide.pdf").is_file(), "{k}");
    }
}

/// A manual's `when:` is read as any condition: an unknown fact is a load
/// error at its line.
#[test]
fn a_manuals_condition_naming_no_fact_is_a_located_error() {
    let d = fifth();
    let m = d.path().join("content/manuals/homon-tablet/manual.yaml");
    std::fs::write(
        &m,
        read(&m).replace("when: { fact: homon,", "when: { fact: homom,"),
    )
    .unwrap();
    let o = tebiki_in(d.path(), &["check", "--clinics", LISTS[0]]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("unknown fact `homom`"), "{err}");
    assert!(
        err.contains("content/manuals/homon-tablet/manual.yaml:8:15"),
        "{err}"
    );
}

/// A valid 施設番号 of 東京 (six-digit check rule), the `n`th.
fn code(n: u32) -> String {
    let first6 = format!("0100{n:02}");
    let digits: Vec<u32> = first6.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let p = if i % 2 == 0 { d * 2 } else { d };
            p / 10 + p % 10
        })
        .sum();
    format!("131{first6}{}", (10 - sum % 10) % 10)
}

/// The vendor's own list: 16 clinics under its headers, a column the
/// schema does not know, a plan that is none of the options in row 17.
/// The wrong value is told at its line and column with the options; the
/// unknown column is named with what to do; the other 15 clinics get their
/// handouts. In a workbook the same value is told by sheet, row and column.
/// A list without a required column is told the header to add.
#[test]
fn the_vendors_list_is_read_by_contents_headers_and_told_its_mistakes_where_they_are() {
    let d = fifth();
    let mut csv = String::from(
        "施設番号,施設名称,郵便番号,所在地,電話,代表者氏名,ご担当者,保守プラン,保守開始希望日,機器1,お支払い方法,訪問診療,タブレット台数,備考欄\n",
    );
    for n in 0..16 {
        let plan = if n == 15 {
            "ゴールド"
        } else {
            "スタンダード"
        };
        csv.push_str(&format!(
            "{},テスト内科{},160-0023,東京都新宿区1-{},03-5555-01{n:02},院長 {},,{plan},2027/1/6,受付パソコン,口座振替,なし,,\n",
            code(n),
            n + 1,
            n + 1,
            n + 1
        ));
    }
    std::fs::write(d.path().join("rows.csv"), csv).unwrap();
    let o = tebiki_in(
        d.path(),
        &["build", "--clinics", "rows.csv", "--out", "out"],
    );
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("保守プラン: 「ゴールド」は選択肢にありません"),
        "{err}"
    );
    assert!(err.contains("rows.csv:17:"), "{err}");
    assert!(
        err.contains("basic（ベーシック）、standard（スタンダード）、premium（プレミアム）"),
        "{err}"
    );
    assert!(err.contains("unknown column `備考欄`"), "{err}");
    assert!(err.contains("column N (備考欄)"), "{err}");
    let built = std::fs::read_dir(d.path().join("out/clinics"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("guide.pdf").is_file())
        .count();
    assert_eq!(built, 15, "{err}");

    // The workbook: row 5 (its header is row 3, under a title).
    let cells = [
        ("A3", "施設No"),
        ("B3", "お客様名"),
        ("C3", "〒"),
        ("D3", "住所"),
        ("E3", "TEL"),
        ("F3", "院長名"),
        ("G3", "プラン"),
        ("H3", "開始日"),
        ("I3", "対象機器1"),
        ("J3", "支払方法"),
        ("K3", "往診・訪問診療"),
        ("A1", "保守契約 顧客一覧"),
        ("A4", "1310123455"),
        ("B4", "さくら内科クリニック"),
        ("C4", "160-0023"),
        ("D4", "東京都新宿区西新宿1-2-3"),
        ("E4", "03-5555-0101"),
        ("F4", "桜 太郎"),
        ("G4", "S"),
        ("H4", "2027-01-06"),
        ("I4", "受付パソコン"),
        ("J4", "振替"),
        ("K4", "有"),
        ("A5", "2710345675"),
        ("B5", "みなと眼科"),
        ("C5", "530-0001"),
        ("D5", "大阪府大阪市北区梅田2-3-4"),
        ("E5", "06-5555-0202"),
        ("F5", "港 一郎"),
        ("G5", "基本"),
        ("H5", "2026-12-04"),
        ("I5", "受付パソコン"),
        ("J5", "請求書"),
        ("K5", "たまに"),
    ];
    let xml = sheet_xml(&cells, "A1:K5");
    let book = xlsx_workbook(vec![(
        "保守契約",
        Box::new(move |w: &mut SheetWriter| w.write_all(xml.as_bytes()).unwrap()),
    )]);
    std::fs::write(d.path().join("book.xlsx"), book).unwrap();
    let o = tebiki_in(d.path(), &["check", "--clinics", "book.xlsx"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("訪問診療: 「たまに」は選択肢にありません"),
        "{err}"
    );
    assert!(
        err.contains("book.xlsx [sheet 保守契約, row 5, column K]"),
        "{err}"
    );
    assert!(
        err.contains("ari（行っている）、nashi（行っていない）"),
        "{err}"
    );
    assert!(err.contains("checked 2 clinic(s): 1 error(s)"), "{err}");

    // A list without the 代表者 column.
    std::fs::write(
        d.path().join("missing.csv"),
        "施設番号,施設名称,郵便番号,所在地,電話,保守プラン,保守開始希望日,機器1,お支払い方法,訪問診療\n\
         1310123455,さくら内科クリニック,160-0023,東京都,03-5555-0101,S,2027/1/6,PC,振替,あり\n",
    )
    .unwrap();
    let o = tebiki_in(d.path(), &["check", "--clinics", "missing.csv"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("この表には代表者氏名の列がありません。見出しが「代表者氏名」の列を足して"),
        "{err}"
    );
    assert!(err.contains("missing.csv:2:1"), "{err}");
}

// ---- The fifth kind, its gaps closed (anymanual6) ----------------------------

/// Whether `svg` writes `value` one character a text element, in order (a
/// form's boxes: `boxes:`).
fn digits_in_boxes(svg: &str, value: &str) -> bool {
    let mut at = 0;
    for c in value.chars() {
        match svg[at..].find(&format!("font-weight=\"700\">{c}</text>")) {
            Some(i) => at += i + 1,
            None => return false,
        }
    }
    !svg.contains(&format!(">{value}</text>"))
}

/// The sheet's heading over the values says where they come from, in the
/// theme's words: a paper form's (みなと眼科: the contract form alone)
/// 「記入する値（用紙の順…）」, a form's and a screen's (さくら内科: the
/// form and the tablet's app) 「入力・記入する値（手順の順…）」; in the PDF
/// sheet and the guide's printed sheet alike. Before, every sheet said
/// 「入力・選択する値（画面の順…）」, the seed's words for screens.
#[test]
fn the_sheets_heading_over_the_values_says_whether_they_are_written_on_paper_or_typed() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    for (key, heading) in [
        (MINATO5, "記入する値（用紙の順。記入したら □ に✓）"),
        (SAKURA5, "入力・記入する値（手順の順。済んだら □ に✓）"),
    ] {
        let (html, _, sheet) = outputs5(&out, key);
        assert!(
            html.contains(&format!("<h3>{heading}</h3>")),
            "{key}: {}",
            untagged(&html)
        );
        let squashed = squash(&sheet);
        assert!(squashed.contains(&squash(heading)), "{key}: {sheet}");
        assert!(
            !sheet.contains("画面の順") && !html.contains("画面の順"),
            "{key}"
        );
    }
}

/// A paper form's row can be written one character a box (`boxes: 10`: the
/// 施設番号 one digit a box, as Japanese forms have it) and can have a seal
/// box at the right of its cell (`seal: 代表者印`), in the HTML picture and
/// the handout alike (one display list). Before, neither could be drawn:
/// the number was one run of text and the 代表者印 had no place.
#[test]
fn a_paper_form_writes_a_number_one_digit_a_box_and_has_a_seal_box() {
    let d = fifth();
    let out = build_list(d.path(), LISTS[0], "out");
    for key in [SAKURA5, MINATO5, AOBA5] {
        let (html, pdf, _) = outputs5(&out, key);
        let svg = figure_svg(&html, "保守契約申込書（記入例）");
        assert!(digits_in_boxes(svg, key), "{key}: {svg}");
        // Ten boxes at least, the seal's square and its word.
        assert!(svg.matches("<rect class=\"table\"").count() >= 11, "{key}");
        assert!(svg.contains(">代表者印</text>"), "{key}");
        // The handout: the digits one by one, the seal's word.
        let pdf = squash(&pdf);
        assert!(pdf.contains("代表者印"), "{key}: {pdf}");
        assert!(pdf.contains(key), "{key}: {pdf}");
    }
}

/// A value longer than its boxes is told at the value's place in the list,
/// naming the boxes and what is past them; the picture still writes every
/// character (after the last box), never cuts it silently.
#[test]
fn a_value_longer_than_its_boxes_is_a_located_warning_and_is_not_cut() {
    let d = fifth();
    let m = d.path().join("content/manuals/hoshu-keiyaku/manual.yaml");
    std::fs::write(&m, read(&m).replace("boxes: 10", "boxes: 8")).unwrap();
    let o = tebiki_in(d.path(), &["build", "--clinics", LISTS[0], "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("施設番号: 「1310123455」は10文字で、用紙の「施設番号」の8マスに収まりません（「55」がはみ出します）"),
        "{err}"
    );
    assert!(err.contains("content/lists/clinics.csv:2:"), "{err}");
    let html = read(
        &d.path()
            .join("out/clinics")
            .join(SAKURA5)
            .join("index.html"),
    );
    let svg = figure_svg(&html, "保守契約申込書（記入例）");
    assert!(digits_in_boxes(svg, "13101234"), "{svg}");
    assert!(svg.contains(">55</text>"), "{svg}");
}

/// `boxes:` is for a text row with one box or more; `seal:` has words: any
/// other is a load error at its line.
#[test]
fn boxes_on_a_choice_or_none_and_an_empty_seal_are_located_errors() {
    for (from, to, says) in [
        ("boxes: 10", "boxes: 0", "`boxes: 0` on row `code`"),
        (
            "control: radio\n              field: plan\n",
            "control: radio\n              boxes: 3\n              field: plan\n",
            "`boxes: 3` on row `plan`",
        ),
        (
            "seal: 代表者印",
            "seal: \"\"",
            "`seal:` of row `daihyo` is empty",
        ),
    ] {
        let d = fifth();
        let m = d.path().join("content/manuals/hoshu-keiyaku/manual.yaml");
        let text = read(&m);
        assert!(text.contains(from), "{from}");
        std::fs::write(&m, text.replacen(from, to, 1)).unwrap();
        let o = tebiki_in(d.path(), &["check", "--clinics", LISTS[0]]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(
            err.contains("content/manuals/hoshu-keiyaku/manual.yaml:"),
            "{err}"
        );
    }
}

// ---- A sixth kind: a notice per terminal, each with its own date ----------
//
// tests/fixtures/anymanual7 was written by a new author from
// docs/content-format.md, the README and the other fixtures: the notice a
// vendor sends before the electronic certificates of a clinic's terminals
// expire. Each terminal has its own expiry date and may have a
// face-recognition card reader (three lists in the same order), so the
// manual is repeated per terminal, says per terminal when to renew and warns
// per terminal; a photo of the reader's label and a troubleshooting table.
// Built on TODAY (2026-11-24): さくら内科クリニック's 受付PC expired on
// 2026-11-20, its 診察室PC expires on 2026-12-20 (within 30 days), its
// 事務室PC on 2028-03-31 (fine).

const SAKURA6: &str = "1310123455"; // three terminals: expired, soon, fine
const MINATO6: &str = "2710345675"; // one terminal, fine, a reader
const AOBA6: &str = "1430567891"; // two terminals: fine, soon

/// The sixth fixture as a project of its own.
fn sixth() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("tests/fixtures/anymanual7"),
        &d.path().join("content"),
    );
    d
}

/// Replaces `from` (which must be there) by `to` in the sixth fixture's
/// file `rel` under content/.
fn edit6(d: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
    let p = d.path().join("content").join(rel);
    let text = read(&p);
    assert!(text.contains(from), "{rel}: {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// `tebiki check` of the sixth fixture, which must fail; its messages.
fn check6_fails(d: &tempfile::TempDir) -> String {
    let o = tebiki_in(d.path(), &["check", "--content", "content"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!o.status.success(), "{err}");
    err
}

/// `tebiki build` of the sixth fixture, in which clinic `failed` alone
/// must fail (no guide; `built` got its own, the batch went on): the
/// build's messages.
fn build6_fails_for(d: &tempfile::TempDir, failed: &str, built: &str) -> String {
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "the clinic failed, not the batch");
    let guide = |k: &str| d.path().join("out/clinics").join(k).join("guide.pdf");
    assert!(!guide(failed).exists());
    assert!(guide(built).exists());
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// `text` holds each of `parts`, in that order.
fn assert_in_order(text: &str, parts: &[&str]) {
    let mut at = 0;
    for part in parts {
        let i = text[at..]
            .find(part)
            .unwrap_or_else(|| panic!("{part}: {text}"));
        at += i + part.len();
    }
}

/// Each edit `(from, to, says)` of the sixth fixture's file `rel`, alone,
/// makes `tebiki check` fail saying `says` at `at` (a file and line).
fn each_edit6_fails(rel: &str, edits: &[(&str, &str, &str)], at: &str) {
    for (from, to, says) in edits {
        let d = sixth();
        edit6(&d, rel, from, to);
        let err = check6_fails(&d);
        assert!(err.contains(says), "{err}");
        assert!(err.contains(at), "{err}");
    }
}

/// Each item of a list of dates is compared as a date, and a derived date
/// of a list of dates is computed item by item: the caution of a terminal
/// whose certificate expired is in that terminal's step and no other's, the
/// tip of one that expires within 30 days in its own, and each terminal is
/// told its own day to renew by. Before, an item of `items: date` was
/// compared as the text 「2026年11月20日（金）」, which sorts after every ISO
/// date: no terminal was ever expired or close (`lt: "{{ today }}"` never
/// held), and `date_minus` of the list was a load error.
#[test]
fn each_terminals_own_date_is_compared_as_a_date_and_moved_as_one() {
    let d = sixth();
    let out = build_in(d.path());
    let html = read(&out.join("clinics").join(SAKURA6).join("index.html"));
    let step = |id: &str| squash(&untagged(article(&html, id)));
    let expired = "有効期限が切れています。今日のうちに更新してください";
    let soon = "有効期限まで30日を切っています";
    for (id, terminal, is_expired, is_soon) in [
        ("step-cert-renewal-2-1", "受付PC", true, false),
        ("step-cert-renewal-2-1-n2", "診察室PC", false, true),
        ("step-cert-renewal-2-1-n3", "事務室PC", false, false),
    ] {
        let a = step(id);
        assert!(a.contains(terminal), "{a}");
        assert_eq!(a.contains(expired), is_expired, "{terminal}: {a}");
        assert_eq!(a.contains(soon), is_soon, "{terminal}: {a}");
    }
    // Each terminal's day to renew by: its own expiry less 10 business
    // days (weekends, holidays and 年末年始 skipped).
    let pdf = squash(&pdf_text(
        &out.join("clinics").join(SAKURA6).join("guide.pdf"),
        1,
        99,
    ));
    for (terminal, expiry, by) in [
        ("受付PC", "2026年11月20日（金）", "2026年11月6日（金）"),
        ("診察室PC", "2026年12月20日（日）", "2026年12月7日（月）"),
        ("事務室PC", "2028年3月31日（金）", "2028年3月16日（木）"),
    ] {
        let intro = format!(
            "{terminal}の電子証明書の有効期限は{expiry}です。{by}までに更新の申請を済ませてください。"
        );
        assert!(pdf.contains(&intro), "{intro}: {pdf}");
    }
    // The list of choices: the step for a reader only where one is
    // connected (受付PC), each shown by its option's label.
    assert!(html.contains("id=\"step-cert-renewal-2-3\""));
    assert!(!html.contains("id=\"step-cert-renewal-2-3-n2\""));
    assert!(!html.contains("id=\"step-cert-renewal-2-3-n3\""));
    assert!(
        pdf.contains("受付PC:つながっている") && pdf.contains("事務室PC:つながっていない"),
        "{pdf}"
    );

    // A derived date of a list that is not of dates stays a load error.
    let d = sixth();
    edit6(
        &d,
        "facts.yaml",
        "date: terminals.expiry,",
        "date: terminals.names,",
    );
    let err = check6_fails(&d);
    assert!(
        err.contains(
            "`date_minus` of derived fact `renew_by` needs a date, but `terminals.names` is a list"
        ),
        "{err}"
    );
    assert!(err.contains("facts.yaml:15:"), "{err}");
}

/// A list of choices (`items: choice` with the field's `options:`) reads each
/// item by an option's value, label or alias; an item that names no option is
/// an error at its own line, naming the item and the options. `options:` on
/// a field no choice reads is a located error (it was ignored), as is
/// `items: choice` without options. Before, `items: choice` was a load error
/// and a per-terminal choice could only be free text.
#[test]
fn a_list_of_choices_reads_each_item_by_the_options_or_refuses_it_at_its_line() {
    let d = sixth();
    edit6(
        &d,
        "clinics/aoba-shika.yaml",
        "reader: [なし, あり]",
        "reader:\n    - なし\n    - たぶん",
    );
    let err = build6_fails_for(&d, AOBA6, SAKURA6);
    assert!(
        err.contains("顔認証付きカードリーダーの接続: 2件目:"),
        "{err}"
    );
    assert!(err.contains("たぶん"), "{err}");
    assert!(err.contains("つながっていない"), "the options: {err}");
    assert!(err.contains("aoba-shika.yaml:11:"), "{err}");

    each_edit6_fails(
        "fields.yaml",
        &[
            (
                "    kind: list            # one a terminal: あり / なし\n    items: choice\n",
                "    kind: text\n",
                "field `terminals.reader` has `options:`, which only a choice field",
            ),
            (
                "    items: choice\n    options:\n      - { value: ari, label: つながっている, aliases: [あり, 有, ○] }\n      - { value: nashi, label: つながっていない, aliases: [なし, 無, ×] }\n",
                "    items: choice\n",
                "list field `terminals.reader` of choices has no options",
            ),
        ],
        "fields.yaml:47:",
    );
}

/// A date that is no date, as one item of a list of dates, is an error at
/// that item's line naming its number; the clinic gets no guide, the batch
/// goes on.
#[test]
fn a_per_item_date_that_is_no_date_is_refused_at_its_line() {
    let d = sixth();
    edit6(
        &d,
        "clinics/sakura-naika.yaml",
        "  expiry: [2026-11-20, 2026-12-20, 2028-03-31]   # expired, soon, fine (on 2026-11-30)\n",
        "  expiry:\n    - 2026-11-20\n    - 2026-02-30\n    - 2028-03-31\n",
    );
    let err = build6_fails_for(&d, SAKURA6, MINATO6);
    assert!(err.contains("電子証明書の有効期限: 2件目:"), "{err}");
    assert!(err.contains("sakura-naika.yaml:10:"), "{err}");
}

/// A rule read once for each item (`for_each:` on the rule) warns each
/// terminal by name: さくら内科クリニック gets 重要 for 受付PC and 注意 for
/// 診察室PC, nothing for 事務室PC, in the notices, at that terminal's
/// repetition of the step (linked there), on the sheet, in the manifest and
/// the dashboard; みなと眼科 gets nothing. Each finding's anchor is unique.
/// The help site lists the rule once, its values named. Before, a rule could
/// not read `each.*` (「`each.terminals.expiry` is used outside a
/// repetition」) and `for_each:` was an unknown key: an expired terminal
/// could only be a note inside its step, never a notice the clinic or the
/// vendor sees first.
#[test]
fn a_rule_read_per_item_warns_each_terminal_at_its_own_step() {
    let d = sixth();
    let out = build_in(d.path());
    let html = read(&out.join("clinics").join(SAKURA6).join("index.html"));
    let from = html.find("id=\"findings\"").unwrap();
    let to = from + html[from..].find("</section>").unwrap();
    let notices = squash(&untagged(&html[from..to]));
    assert!(
        notices.contains("重要受付PCの電子証明書は有効期限が切れています"),
        "{notices}"
    );
    assert!(
        notices.contains("注意診察室PCの電子証明書は有効期限が近づいています"),
        "{notices}"
    );
    assert!(
        notices.contains(
            "診察室PCの電子証明書の有効期限は2026年12月20日（日）です。2026年12月7日（月）までに"
        ),
        "{notices}"
    );
    assert!(!notices.contains("事務室PC"), "{notices}");
    // Each at its terminal's repetition of step 2-1, linked there.
    assert!(
        article(&html, "step-cert-renewal-2-1")
            .contains("受付PCの電子証明書は有効期限が切れています")
    );
    let second = article(&html, "step-cert-renewal-2-1-n2");
    assert!(
        second.contains("診察室PCの電子証明書は有効期限が近づいています"),
        "{second}"
    );
    assert!(!second.contains("受付PCの電子証明書は"), "{second}");
    assert!(!article(&html, "step-cert-renewal-2-1-n3").contains("class=\"badge"));
    assert!(
        html.contains("href=\"#step-cert-renewal-2-1-n2\""),
        "linked to its repetition"
    );
    for (id, n) in ids(&html) {
        assert_eq!(n, 1, "id {id} repeats");
    }
    let sheet = squash(&pdf_text(
        &out.join("clinics").join(SAKURA6).join("sheet.pdf"),
        1,
        9,
    ));
    assert!(
        sheet.contains("重要:受付PCの電子証明書は有効期限が切れています"),
        "{sheet}"
    );
    assert!(
        sheet.contains("注意:診察室PCの電子証明書は有効期限が近づいています"),
        "{sheet}"
    );
    let manifest = read(&out.join("manifest.json"));
    assert!(manifest.contains("受付PCの電子証明書は有効期限が切れています"));
    assert!(manifest.contains("診察室PCの電子証明書は有効期限が近づいています"));
    let dashboard = read(&out.join("clinics/index.html"));
    assert!(dashboard.contains("受付PCの電子証明書は有効期限が切れています"));
    let minato = read(&out.join("clinics").join(MINATO6).join("index.html"));
    assert!(!minato.contains("id=\"findings\""), "nothing to warn");
    let aoba = read(&out.join("clinics").join(AOBA6).join("index.html"));
    assert!(aoba.contains("院長室の電子証明書は有効期限が近づいています"));
    assert!(!aoba.contains("受付の電子証明書は有効期限"));
    // The help site: the rule once, its values named by their lists.
    let rules = squash(&untagged(&read(&out.join("site/rules.html"))));
    assert_eq!(
        rules
            .matches("の電子証明書は有効期限が切れています")
            .count(),
        1,
        "{rules}"
    );
    assert!(
        rules.contains("〈端末の名前〉の電子証明書は有効期限が切れています"),
        "{rules}"
    );
    assert!(!rules.contains("each."), "{rules}");

    // `for_each:` of a rule names a list; `expect:` does not go with it.
    each_edit6_fails(
        "rules/renewal.yaml",
        &[
            (
                "for_each: terminals.names\n    when: { fact: each.terminals.expiry, lt:",
                "for_each: kikan.name\n    when: { fact: each.terminals.expiry, lt:",
                "`for_each: kikan.name` of rule `cert-expired` does not name a list",
            ),
            (
                "    field: expiry\n    title: \"{{ each.item }}の電子証明書は有効期限が切れています\"",
                "    field: expiry\n    expect: \"2027-01-01\"\n    title: \"{{ each.item }}の電子証明書は有効期限が切れています\"",
                "rule `cert-expired` is read per item (`for_each:`) and has `expect:`",
            ),
            (
                "    for_each: terminals.names\n    when: { fact: each.terminals.expiry, lt:",
                "    when: { fact: each.terminals.expiry, lt:",
                "`each.terminals.expiry` is used outside a repetition",
            ),
        ],
        "rules/renewal.yaml:",
    );
}

/// A schedule line per item (`for_each:` on a date line): every terminal's
/// expiry and day to renew by in 今後の日程, each named by its terminal and
/// marked when passed, in date order, on the guide and the sheet. A date line
/// that names a list of dates without it is a load error at its line (it
/// was left out of the schedule without a word), as is a line whose fact is
/// no date.
#[test]
fn a_schedule_line_per_item_and_a_list_named_as_one_date_is_a_located_error() {
    let d = sixth();
    let out = build_in(d.path());
    let sheet = squash(&pdf_text(
        &out.join("clinics").join(SAKURA6).join("sheet.pdf"),
        1,
        9,
    ));
    let order = [
        "2026年11月6日（金）受付PCの更新の申請を済ませる日※この資料の作成日より前です。すでに過ぎています",
        "2026年11月20日（金）受付PCの電子証明書の有効期限※この資料の作成日より前です。すでに過ぎています",
        "2026年12月7日（月）診察室PCの更新の申請を済ませる日",
        "2026年12月20日（日）診察室PCの電子証明書の有効期限",
        "2028年3月16日（木）事務室PCの更新の申請を済ませる日",
        "2028年3月31日（金）事務室PCの電子証明書の有効期限",
    ];
    assert_in_order(&sheet, &order);
    let html = squash(&untagged(&read(
        &out.join("clinics").join(MINATO6).join("index.html"),
    )));
    assert!(
        html.contains("2027年9月30日（木）受付パソコンの電子証明書の有効期限"),
        "{html}"
    );
    // The help site names the line by its list.
    let site = squash(&untagged(&read(&out.join("site/cert-renewal/index.html"))));
    assert!(
        site.contains("〈端末の名前〉の電子証明書の有効期限"),
        "{site}"
    );

    each_edit6_fails(
        "manuals/cert-renewal/manual.yaml",
        &[
            (
                "  - fact: each.terminals.expiry\n    for_each: terminals.names\n",
                "  - fact: terminals.expiry\n",
                "the date line `terminals.expiry` names a list: a line shows one date",
            ),
            (
                "  - fact: each.renew_by\n    for_each: terminals.names\n",
                "  - fact: terminal_count\n",
                "the date line `terminal_count` is a number, not a date",
            ),
            (
                "  - fact: each.renew_by\n    for_each: terminals.names\n",
                "  - fact: each.renew_by\n    for_each: kikan.name\n",
                "`for_each: kikan.name` of the date line `each.renew_by` does not name a list",
            ),
        ],
        "manual.yaml:",
    );
}

/// A Markdown table row that names `each.<list>` is one row an item, each
/// with that item of every list it names: one row a terminal with its own
/// expiry, day to renew by and reader, in the HTML guide and the handout;
/// the help site shows the row once, its values named. Before, such a row
/// was a load error (「used outside a repetition」), and a row of the lists
/// themselves put every terminal in one cell and every date in the next
/// (「受付PC、診察室PC、事務室PC | 2026年11月20日（金）、2026年12月20日（日）、…」),
/// leaving the clinic to count which date is whose.
#[test]
fn a_table_row_naming_each_list_is_one_row_an_item() {
    let d = sixth();
    let out = build_in(d.path());
    let rows = [
        "受付PC2026年11月20日（金）2026年11月6日（金）つながっている",
        "診察室PC2026年12月20日（日）2026年12月7日（月）つながっていない",
        "事務室PC2028年3月31日（金）2028年3月16日（木）つながっていない",
    ];
    let pdf = squash(&pdf_text(
        &out.join("clinics").join(SAKURA6).join("guide.pdf"),
        1,
        99,
    ));
    let html = read(&out.join("clinics").join(SAKURA6).join("index.html"));
    let step = article(&html, "step-cert-renewal-1");
    assert_eq!(
        step.matches("<tr>").count(),
        4,
        "a header and three rows: {step}"
    );
    let step = squash(&untagged(step));
    for text in [&pdf, &step] {
        assert_in_order(text, &rows);
    }
    let site = squash(&untagged(&read(&out.join("site/cert-renewal/check.html"))));
    assert!(
        site.contains("〈端末の名前〉〈電子証明書の有効期限〉〈更新の申請を済ませる日〉〈顔認証付きカードリーダーの接続〉"),
        "{site}"
    );
    // `each.item` names no list: outside a repetition it stays an error.
    each_edit6_fails(
        "manuals/cert-renewal/manual.yaml",
        &[(
            "| {{ each.terminals.names }} |",
            "| {{ each.item }} |",
            "`each.item` is used outside a repetition",
        )],
        "manual.yaml:",
    );
}

/// `dashboard:` on a list of dates (each terminal's expiry): the vendor's
/// dashboard counts down to the earliest item, the one the vendor must act
/// on first (さくら内科クリニック's 受付PC, past; 青葉歯科医院's second terminal,
/// 院長室), and sorts by it. Before, `dashboard:` took a date field only: the
/// notice's dashboard had no days column, and a `dashboard:` on the list was
/// a load error. On a list of other items it still is.
#[test]
fn the_dashboard_counts_down_to_the_earliest_date_of_a_list() {
    let d = sixth();
    let out = build_in(d.path());
    let manifest = read(&out.join("manifest.json"));
    for (key, iso) in [
        (SAKURA6, "2026-11-20"),
        (AOBA6, "2026-12-05"),
        (MINATO6, "2027-09-30"),
    ] {
        let at = manifest.find(&format!("\"key\":\"{key}\"")).unwrap();
        let entry = &manifest[at..at + manifest[at..].find('}').unwrap()];
        assert!(
            entry.contains(&format!("\"installation_date\":\"{iso}\"")),
            "{entry}"
        );
    }
    let dashboard = squash(&untagged(&visible(&read(&out.join("clinics/index.html")))));
    assert_in_order(
        &dashboard,
        &[
            "有効期限まで",
            "2026年11月20日（金）さくら内科クリニック",
            "2026年12月5日（土）青葉歯科医院",
            "2027年9月30日（木）みなと眼科",
        ],
    );
    each_edit6_fails(
        "fields.yaml",
        &[(
            "    required: true\n    headers: [端末名]",
            "    required: true\n    dashboard: 端末\n    headers: [端末名]",
            "`dashboard:` of field `terminals.names` needs a date field (or a list with `items: date`)",
        )],
        "fields.yaml:",
    );
}

/// The registration table names each item of a list read per item by the
/// item of the list repeated over (「受付PC: 2026年11月20日（金）、診察室PC: …」),
/// as the sheet does for a repeated row's values; a list of one item is
/// shown alone. Before, the expiry dates and the readers were rows of their
/// own beside the terminals' names, in the same order, which the clinic had
/// to count to pair.
#[test]
fn the_registration_table_names_each_item_of_a_paired_list_by_its_item() {
    let d = sixth();
    let out = build_in(d.path());
    let html = squash(&untagged(&read(
        &out.join("clinics").join(SAKURA6).join("index.html"),
    )));
    for row in [
        "電子証明書の有効期限受付PC:2026年11月20日（金）、診察室PC:2026年12月20日（日）、事務室PC:2028年3月31日（金）",
        "顔認証付きカードリーダーの接続受付PC:つながっている、診察室PC:つながっていない、事務室PC:つながっていない",
        "端末の名前受付PC、診察室PC、事務室PC",
    ] {
        assert!(html.contains(row), "{row}: {html}");
    }
    let minato = squash(&untagged(&read(
        &out.join("clinics").join(MINATO6).join("index.html"),
    )));
    assert!(
        minato.contains("電子証明書の有効期限2027年9月30日（木）"),
        "{minato}"
    );
}

/// A photo given as a JPEG (`screenshot:` of the reader's label) stays a
/// JPEG: the handout embeds it with `/DCTDecode` and the HTML guide as
/// `data:image/jpeg`, re-encoded from its pixels, so nothing of the file
/// but its pixels travels on (a phone's EXIF location here). Before, it was
/// stored as PNG and embedded as lossless samples: 92.2 KB in each handout
/// for an 18 KB photo (みなと眼科's 4 pages 157,975 B; now 99,163 B).
#[test]
fn a_photo_stays_a_jpeg_and_keeps_nothing_but_its_pixels() {
    let d = sixth();
    let photo = d
        .path()
        .join("content/manuals/cert-renewal/images/reader-label.jpg");
    let jpeg = std::fs::read(&photo).unwrap();
    let secret = b"GPS 35.681236N 139.767125E";
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(secret);
    let mut tagged = jpeg[..2].to_vec();
    tagged.extend_from_slice(&[0xFF, 0xE1]);
    tagged.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
    tagged.extend_from_slice(&segment);
    tagged.extend_from_slice(&jpeg[2..]);
    std::fs::write(&photo, &tagged).unwrap();
    let out = build_in(d.path());
    let dir = out.join("clinics").join(MINATO6);
    let list = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(dir.join("guide.pdf"))
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(list.contains(" jpeg "), "{list}");
    let pdf = std::fs::read(dir.join("guide.pdf")).unwrap();
    let has = |hay: &[u8]| hay.windows(secret.len()).any(|w| w == secret);
    assert!(!has(&pdf), "the photo's metadata in the handout");
    let html = read(&dir.join("index.html"));
    let at = html
        .find("data:image/jpeg;base64,")
        .expect("a JPEG in the guide")
        + 23;
    let end = at + html[at..].find('"').unwrap();
    use base64::Engine as _;
    let shown = base64::engine::general_purpose::STANDARD
        .decode(&html[at..end])
        .unwrap();
    assert!(shown.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!has(&shown), "the photo's metadata in the guide");
    assert!(!has(html.as_bytes()));
    assert!(
        pdf.len() < 120_000,
        "{} B: the photo embedded as lossless samples?",
        pdf.len()
    );
}

/// The help site shows a step's photo (`screenshot:`) where the clinic's
/// guide does (here before its screen), captioned with its `alt`; and says a condition
/// on an item of a list of choices by the option's label (「〈顔認証付きカード
/// リーダーの接続〉が「つながっている」の場合」). Before, the help site had no
/// screenshot at all, and named the option by its value (「ari」).
#[test]
fn the_help_site_shows_the_photo_and_names_an_items_choice_by_its_label() {
    let d = sixth();
    let out = build_in(d.path());
    let page = read(&out.join("site/cert-renewal/renew.html"));
    let step = &page[page.find("2-3").unwrap()..];
    let shot = step.find("data:image/jpeg;base64,").expect("the photo");
    let screen = step.find("カードリーダーとの連携").unwrap();
    assert!(shot < screen, "before its screen (`first: true`)");
    assert!(step.contains("顔認証付きカードリーダーの裏のラベルの写真。"));
    let words = squash(&untagged(&page));
    assert!(
        words.contains("表示条件:〈顔認証付きカードリーダーの接続〉が「つながっている」の場合"),
        "{words}"
    );
    assert!(!words.contains("「ari」"), "{words}");
}

/// A screenshot with `first: true` (the label to read before typing its
/// number) comes before the step's screen in the HTML guide and the
/// handout; without it, after, as before. Before, a step always showed its
/// screen first, so the clinic met the box to fill before the photo saying
/// where to find its value.
#[test]
fn a_photo_marked_first_comes_before_its_screen() {
    for (first, before) in [(true, true), (false, false)] {
        let d = sixth();
        if !first {
            edit6(
                &d,
                "manuals/cert-renewal/manual.yaml",
                "          first: true ",
                "          first: false ",
            );
        }
        let out = build_in(d.path());
        let dir = out.join("clinics").join(MINATO6);
        let pdf = squash(&pdf_text(&dir.join("guide.pdf"), 1, 99));
        let html = read(&dir.join("index.html"));
        let step = article(&html, "step-cert-renewal-2-3");
        for (name, text) in [("guide.pdf", pdf.as_str()), ("index.html", step)] {
            let shot = text.find("製造番号の行を枠で囲んであります").unwrap();
            let screen = text.find("カードリーダーとの連携").unwrap();
            assert_eq!(shot < screen, before, "{name}: {text}");
        }
    }
}

/// An item not known yet (「未定」) in a list read beside another keeps the
/// later items in their places: さくら内科クリニック's 診察室PC, whose expiry is
/// 未定, is told its date is missing (and warned per terminal), and 事務室PC
/// keeps its own 2028年3月31日. Before, the 未定 was dropped and every later
/// date moved up one terminal: 診察室PC was told 事務室PC's date, and the
/// warning blamed the last terminal (「3件目（事務室PC）には…がありません」).
#[test]
fn an_item_not_known_yet_keeps_the_later_items_in_their_places() {
    // さくら内科クリニック's guide with its data edited.
    let guide = |from: &str, to: &str| {
        let d = sixth();
        edit6(&d, "clinics/sakura-naika.yaml", from, to);
        let out = build_in(d.path());
        read(&out.join("clinics").join(SAKURA6).join("index.html"))
    };
    let html = guide(
        "expiry: [2026-11-20, 2026-12-20, 2028-03-31]",
        "expiry: [2026-11-20, 未定, 2028-03-31]",
    );
    let step = |id: &str| squash(&untagged(article(&html, id)));
    let second = step("step-cert-renewal-2-1-n2");
    assert!(second.contains("診察室PC"), "{second}");
    assert!(
        !second.contains("2028年3月31日"),
        "another terminal's date: {second}"
    );
    assert!(second.contains("〈電子証明書の有効期限〉"), "{second}");
    assert!(
        second.contains("診察室PCの電子証明書の有効期限がわかりません"),
        "{second}"
    );
    assert!(step("step-cert-renewal-2-1-n3").contains("2028年3月31日（金）"));
    let all = squash(&untagged(&html));
    assert!(
        all.contains(
            "電子証明書の有効期限受付PC:2026年11月20日（金）、事務室PC:2028年3月31日（金）"
        ),
        "{all}"
    );
    assert!(all.contains("「未定」は値ではなく"), "{all}");
    assert!(!all.contains("数が合いません"), "{all}");
    // A name left 未定: the other terminals keep their own dates.
    let html = guide(
        "names: [受付PC, 診察室PC, 事務室PC]",
        "names: [受付PC, 未定, 事務室PC]",
    );
    let second = squash(&untagged(article(&html, "step-cert-renewal-2-1-n2")));
    assert!(second.contains("事務室PC"), "{second}");
    assert!(second.contains("2028年3月31日（金）"), "{second}");
    assert!(!second.contains("2026年12月20日"), "{second}");
}

// tests/fixtures/anymanual8 was written by a new author from
// docs/content-format.md, the README and the other fixtures: a vendor's
// **card reader set-up checklist** (fictional) wholly in English, for
// clinics whose staff read English, as a project of its own (tebiki.yaml,
// content/, an English theme's strings.yaml). Four clinics: Harbor View
// Family Clinic (DHCP on, nothing to warn), Maple Street Dental (DHCP off
// with two addresses for three readers, two free ports, a contact 「TBD」, a
// postcode longer than the form's boxes), Bay Clinic (no phone, an
// installation day 「TBD」, an address that is none, a DHCP 「maybe」: no
// guide) and Riverside Pediatrics (its order cancelled: no manual is for it).

const HARBOR: &str = "1310123455";
const MAPLE: &str = "1430567891";

/// The seventh fixture (a project: tebiki.yaml, content/, theme/) copied.
fn seventh() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/anymanual8"), d.path());
    d
}

/// Replaces `from` (which must be there) by `to` in the seventh fixture's
/// file `rel` under content/.
fn edit7(d: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
    let p = d.path().join("content").join(rel);
    let text = read(&p);
    assert!(text.contains(from), "{from}");
    std::fs::write(&p, text.replace(from, to)).unwrap();
}

/// Builds the seventh fixture, in which Bay Clinic and Riverside Pediatrics
/// fail alone: the output folder and the build's messages.
fn build_seventh(d: &tempfile::TempDir) -> (PathBuf, String) {
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(
        o.status.code(),
        Some(1),
        "two clinics fail, not the batch: {err}"
    );
    for k in [HARBOR, MAPLE] {
        assert!(
            d.path()
                .join("out/clinics")
                .join(k)
                .join("guide.pdf")
                .exists()
        );
    }
    (d.path().join("out"), err)
}

/// The Japanese characters of `text`: kana, kanji, CJK and full-width
/// punctuation (〈 〉 too: a value the clinic lacks is named by the theme's
/// `generic_value`, 「<Reader IP addresses>」 here).
fn japanese(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\u{3000}'..='\u{303F}' | '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
        })
        .collect()
}

/// Every output a clinic of the English project gets, and its vendor's
/// dashboard and build messages, are English: no Japanese word or
/// convention from Rust (dates 「2026年12月4日（金）」, lists joined by 「、」,
/// brackets 「（…）」, the subtitle's 「・」, the data messages). Before, every
/// date, list, aside and data message was Japanese whatever the theme said.
#[test]
fn an_english_manual_and_theme_say_no_japanese_in_any_clinics_output() {
    let d = seventh();
    let (out, err) = build_seventh(&d);
    assert_eq!(japanese(&err), "", "the build's messages: {err}");
    let dashboard = untagged(&visible(&read(&out.join("clinics/index.html"))));
    assert_eq!(japanese(&dashboard), "", "the dashboard: {dashboard}");
    let manifest = read(&out.join("manifest.json"));
    assert_eq!(japanese(&manifest), "", "manifest.json");
    // A picture's text alternative ends with its caption's own full stop,
    // once (it read 「…each reader.. “Institution code”: …」).
    let html = read(&out.join("clinics").join(MAPLE).join("index.html"));
    assert!(!html.contains("reader.."), "a doubled full stop");
    assert!(
        html.contains("comes with each reader. “Institution code”: 1430567891."),
        "the rows in the alternative"
    );
    for key in [HARBOR, MAPLE] {
        for (name, text) in documents(&out, key) {
            assert_eq!(japanese(&text), "", "{key} {name}: {text}");
        }
    }
    // A value the clinic lacks, in text, is named as the theme says
    // (`generic_value`); it was 「〈Reader IP addresses〉」 whatever the theme.
    let pdf = pdf_text(&out.join("clinics").join(MAPLE).join("guide.pdf"), 1, 99);
    assert!(pdf.contains("<Reader IP addresses>"), "{pdf}");
}

/// The blank between a label and what follows it on one line of the PDF
/// (a screen's name, its address and its buttons under a picture; the
/// vendor and its phone number) is the theme's `gap`: the English theme's
/// 「 – 」. Before, an ideographic space (a blank one em wide) whatever the
/// theme.
#[test]
fn a_themes_gap_parts_a_label_from_what_follows_it_in_the_pdf() {
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let dir = out.join("clinics").join(HARBOR);
    let guide = pdf_text(&dir.join("guide.pdf"), 1, 99);
    let sheet = pdf_text(&dir.join("sheet.pdf"), 1, 9);
    for (name, text) in [("guide", &guide), ("sheet", &sheet)] {
        assert!(!text.contains('\u{3000}'), "{name}: {text}");
    }
    assert!(
        guide.contains(
            "Screen “Clinic details” – https://admin.northwind.example/clinic – Buttons:"
        ),
        "{guide}"
    );
    assert!(
        sheet.contains("Northwind Medical Systems, installation desk – 0120-555-0456"),
        "{sheet}"
    );
}

/// The faces the PDF's fonts are subsets of (their `/BaseFont` without the
/// subset tag), every font of the document.
fn pdf_faces(pdf: &Path) -> std::collections::BTreeSet<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font"))
        .filter_map(|d| d.get(b"BaseFont").and_then(|b| b.as_name()).ok())
        .map(|n| {
            let n = String::from_utf8_lossy(n).to_string();
            n.split_once('+')
                .map_or(n.clone(), |(_, face)| face.to_string())
        })
        .collect()
}

/// The seventh fixture with its theme set in BIZ UDPGothic (proportional
/// Latin letters), the system's copy (Debian fonts-morisawa-bizud-gothic,
/// which the CI installs) in the theme's `fonts/`.
fn seventh_in_own_fonts() -> tempfile::TempDir {
    let d = seventh();
    let fonts = d.path().join("theme/fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for face in ["Regular", "Bold"] {
        let name = format!("BIZUDPGothic-{face}.ttf");
        let from = Path::new("/usr/share/fonts/truetype/bizud-gothic").join(&name);
        assert!(
            from.is_file(),
            "{}: install Debian fonts-morisawa-bizud-gothic",
            from.display()
        );
        std::fs::copy(from, fonts.join(name)).unwrap();
    }
    let strings = d.path().join("theme/strings.yaml");
    let text = read(&strings);
    std::fs::write(
        &strings,
        format!(
            "{text}font_regular: fonts/BIZUDPGothic-Regular.ttf\nfont_bold: fonts/BIZUDPGothic-Bold.ttf\n"
        ),
    )
    .unwrap();
    d
}

/// A theme's `font_regular` and `font_bold` are the faces of the handout
/// and the sheet, and the family the pictures' SVG and the pages' text
/// name first (so a browser with the font draws the pictures with the
/// widths the layout measured). Before, every theme was set in the bundled
/// BIZ UDGothic, whose Latin letters are all one width.
#[test]
fn a_themes_fonts_set_the_handout_the_sheet_the_pictures_and_the_pages() {
    let d = seventh_in_own_fonts();
    let (out, _) = build_seventh(&d);
    let dir = out.join("clinics").join(MAPLE);
    for pdf in ["guide.pdf", "sheet.pdf"] {
        let faces = pdf_faces(&dir.join(pdf));
        assert!(
            faces.contains("BIZUDPGothic-Regular") && faces.contains("BIZUDPGothic-Bold"),
            "{pdf}: {faces:?}"
        );
        assert!(
            faces.iter().all(|f| !f.starts_with("BIZUDGothic")),
            "{pdf}: {faces:?}"
        );
    }
    let guide = read(&dir.join("index.html"));
    assert!(
        guide.contains("font-family='\"BIZ UDPGothic\",\"BIZ UDGothic\","),
        "the pictures name the theme's face first"
    );
    assert!(!guide.contains("font-family='\"BIZ UDGothic\""));
    for page in [&guide, &read(&out.join("clinics/index.html"))] {
        assert!(page.contains(":root{--font-first:\"BIZ UDPGothic\"}"));
    }
    assert!(
        read(&out.join("site/assets/site.css"))
            .starts_with(":root{--font-first:\"BIZ UDPGothic\"}")
    );
    // The same fixture in the bundled fonts: BIZ UDGothic everywhere, and
    // no rule (the default CSS names it first).
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let dir = out.join("clinics").join(MAPLE);
    let faces = pdf_faces(&dir.join("guide.pdf"));
    assert!(faces.contains("BIZUDGothic-Regular"), "{faces:?}");
    let guide = read(&dir.join("index.html"));
    assert!(guide.contains("font-family='\"BIZ UDGothic\","));
    assert!(!guide.contains("--font-first:"));
    assert!(!read(&out.join("site/assets/site.css")).contains("--font-first:\""));
}

/// A theme's font that is outside its folder, missing or no font is an
/// error at its line of the theme's `strings.yaml`, saying how to fix it,
/// and nothing is built.
#[test]
fn a_themes_font_outside_its_folder_missing_or_broken_is_a_located_error() {
    for (value, says) in [
        ("../../etc/passwd", "is not a file inside the theme folder"),
        (
            "/usr/share/fonts/truetype/bizud-gothic/BIZUDPGothic-Regular.ttf",
            "is not a file inside the theme folder",
        ),
        (
            "fonts/Missing-Regular.ttf",
            "no such file in the theme folder",
        ),
        ("strings.yaml", "cannot be used"),
    ] {
        let d = seventh();
        let strings = d.path().join("theme/strings.yaml");
        let text = read(&strings);
        let line = text.lines().count() + 1;
        std::fs::write(&strings, format!("{text}font_regular: \"{value}\"\n")).unwrap();
        let o = tebiki_in(d.path(), &["build", "--out", "out"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{value}: {err}");
        assert!(err.contains(says), "{value}: {err}");
        assert!(
            err.contains(&format!("theme/strings.yaml:{line}:1")),
            "{value}: {err}"
        );
        // The summary says whose error it is (it said "content" for all).
        assert!(
            err.contains("error: the theme has 1 error(s); nothing was built"),
            "{value}: {err}"
        );
        assert!(
            !d.path()
                .join("out/clinics")
                .join(MAPLE)
                .join("guide.pdf")
                .exists()
        );
    }
}

/// A character no font has is told in the theme's words
/// (`pdf_missing_glyph`, `pdf_missing_glyph_field`), in the build's
/// messages and on the dashboard. Before, in Japanese whatever the theme.
#[test]
fn a_character_no_font_has_is_told_in_the_themes_words() {
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "  name: Harbor View Family Clinic",
        "  name: Harbor View Family Clinic \u{1F600}",
    );
    let (out, err) = build_seventh(&d);
    let says = "No font has “😀” (U+1F600) in name: the PDF prints “〓” instead";
    assert!(err.contains(says), "{err}");
    assert!(read(&out.join("clinics/index.html")).contains(says));
    assert!(!err.contains("フォント"), "{err}");
}

/// A date is written as the theme's `date_format` says, with its
/// `weekdays`, `months` and `weekday_holiday`, a year-month by
/// `year_month_format`, a list's items joined by `list_joiner`: in the HTML
/// guide, the handout, the sheet, the dashboard and the schedule's
/// problem lines alike. Before, 「2026年12月4日（金）」 and 「Front desk、Surgery
/// A」 whatever the theme.
#[test]
fn a_theme_writes_dates_weekdays_and_lists_in_its_own_words() {
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let [(_, html), (_, pdf), (_, sheet)] = documents(&out, MAPLE);
    for text in [&html, &pdf, &sheet] {
        // The set-up deadline, the installation day, the day made.
        for day in ["Fri4December2026", "Wed9December2026", "Tue24November2026"] {
            assert!(text.contains(day), "{day}: {text}");
        }
        assert!(
            text.contains("FrontDesk,SurgeryA,SurgeryB")
                || text.contains("Frontdesk,SurgeryA,SurgeryB"),
            "{text}"
        );
    }
    let dashboard = untagged(&read(&out.join("clinics/index.html")));
    assert!(dashboard.contains("Wed 9 December 2026"), "{dashboard}");
    // A public holiday is marked as the theme says (Wed 23 December 2026
    // is none; 2027-01-11, 成人の日, is one).
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "install_date: 2026-12-15",
        "install_date: 2027-01-11",
    );
    let (out, _) = build_seventh(&d);
    let [(_, html), _, _] = documents(&out, HARBOR);
    assert!(html.contains("Mon11January2027(publicholiday)"), "{html}");
}

/// The theme's `lang` is the language of the HTML guide and the dashboard
/// (`<html lang>`) and of the handout and the sheet (the PDF's `/Lang`):
/// a screen reader reads the English guide in English. Before, `ja`
/// everywhere but the help site.
#[test]
fn a_themes_language_is_the_html_and_the_pdf_language() {
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let dir = out.join("clinics").join(MAPLE);
    // The help site too, though tebiki.yaml names no `site.lang` (it was
    // 「ja」 then).
    for page in [
        dir.join("index.html"),
        out.join("clinics/index.html"),
        out.join("site/index.html"),
    ] {
        assert!(
            read(&page).contains("<html lang=\"en\">"),
            "{}",
            page.display()
        );
    }
    for pdf in ["guide.pdf", "sheet.pdf"] {
        let doc = lopdf::Document::load(dir.join(pdf)).unwrap();
        let lang = doc
            .catalog()
            .unwrap()
            .get(b"Lang")
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(lang, b"en", "{pdf}");
    }
}

/// The data's problems are worded by the theme (`data_*`): a required value
/// missing (and where to write it), a value that is only an `undecided:`
/// word, a value longer than a form's boxes, two paired lists of different
/// lengths, a value that names no option, an item of a list, a clinic no
/// manual is for. Before, each was Japanese in the English vendor's build.
#[test]
fn the_datas_problems_are_worded_by_the_theme() {
    let d = seventh();
    edit7(
        &d,
        "clinics/bay-clinic.yaml",
        "  name: Bay Clinic\n",
        "  name: Bay Clinic\n  postcode: [\"1050011\", \"1050012\"]\n",
    );
    let (_, err) = build_seventh(&d);
    for says in [
        "Required value “Clinic phone” (clinic.phone) is missing. Add `phone: …` (Clinic phone) under `clinic:`",
        "Required value “Installation day” (install_date) is missing. “TBD” says it is not known yet.",
        "Contact person: “TBD” was read as “not known yet”, not as a value",
        "Postcode: “105-0011 JP” has 11 characters and does not fit the 7 boxes of “Postcode” on the form (“1 JP” runs past them)",
        "Reader IP addresses: 2 item(s), but Reader locations has 3. Reader locations without Reader IP addresses: item 3 (Surgery B).",
        "DHCP on the clinic LAN: “maybe” is not one of the options",
        "one of: on (In use), off (Not in use)",
        "Reader IP addresses: item 1: '192.168.1.300' is not an IP address: a part is not a number from 0 to 255 (without a leading 0)",
        "four numbers from 0 to 255 separated by “.” (e.g. 192.168.1.20)",
        "Write one value for “Postcode” (not a list)",
        "No manual is for this clinic: the `when:` of “Card reader set-up checklist” (When the order is not cancelled) does not hold.",
    ] {
        assert!(err.contains(says), "{says}: {err}");
    }
    // Two phone numbers in one value: the theme says which one to write
    // (the default theme names the portal's; this vendor's its order's).
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "phone: 03-5555-0199",
        "phone: 03-5555-0199 / 03-5555-0198",
    );
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Clinic phone: 2 phone numbers (03-5555-0199 and 03-5555-0198) are written"),
        "{err}"
    );
    assert!(
        err.contains("the one number the clinic answers for this order"),
        "{err}"
    );
    assert!(!err.contains("ポータル"), "{err}");
}

/// A subtitle part the clinic has no value for is left out with the
/// theme's `subtitle_separator` (「・」 by default, 「·」 here), an aside is
/// bracketed by the theme's `aside`, and a field's `unit:` keeps the space
/// it is written with. Before, 「Institution code 1430567891 · · made on」,
/// 「2ports（Check before entering）」.
#[test]
fn a_subtitle_an_aside_and_a_unit_take_the_themes_punctuation() {
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let dir = out.join("clinics").join(MAPLE);
    let sheet = pdf_text(&dir.join("sheet.pdf"), 1, 1);
    assert!(
        sheet.contains("Institution code 1430567891 · made on Tue 24 November 2026"),
        "{sheet}"
    );
    assert!(sheet.contains("2 ports (Check before entering)"), "{sheet}");
    let pdf = pdf_text(&dir.join("guide.pdf"), 1, 99);
    assert!(
        pdf.contains("Free switch ports (Required)") || pdf.contains("2 ports"),
        "{pdf}"
    );
}

/// The help site's own words (navigation, search boxes, what the search page
/// says, headings, table headers) are the theme's (`site_ui_*` and the
/// guide's keys): the English project's site says no Japanese word. Before,
/// each was written in the site's templates and search.js in Japanese
/// (「検索」「目次」「本文へ移動」「「…」の検索結果: N 件」).
#[test]
fn the_help_site_of_an_english_theme_speaks_english() {
    let d = seventh();
    let (out, _) = build_seventh(&d);
    let site = out.join("site");
    let pages = [
        "index.html",
        "search.html",
        "rules.html",
        "reader-setup/index.html",
        "reader-setup/prepare.html",
        "reader-setup/per-reader.html",
        "reader-setup/print.html",
    ];
    for page in pages {
        // The pictures' font names are the default theme's yet
        // (src/render/svg.rs; "A seventh kind", what is left).
        let text = visible(&read(&site.join(page))).replace("BIZ UDゴシック", "");
        assert_eq!(japanese(&text), "", "{page}: {text}");
    }
    let search = read(&site.join("search.html"));
    assert!(
        search.contains("data-found=\"{n} result(s) for {asked}\""),
        "{search}"
    );
    assert!(
        search.contains("placeholder=\"e.g. card reader, IP address, DHCP\""),
        "{search}"
    );
    let js = read(&site.join("assets/search.js"));
    assert!(
        !js.contains("の検索結果"),
        "search.js words its status from the page"
    );
}

/// `tebiki import` reads the project's theme: a vendor's English list is
/// imported with the data's problems and the files' comments in the theme's
/// words (`data_*`, `import_as_written`, `aside`). Before, import read no
/// theme: 「必須項目「Clinic phone」…」 and `# Active（元の表記 "confirmed"）`.
#[test]
fn import_of_an_english_list_speaks_the_themes_words() {
    let d = seventh();
    std::fs::write(
        d.path().join("list.csv"),
        "Institution code,Clinic name,Order,Install date,Rooms,DHCP,Free ports\n\
         1310123455,Harbor View Family Clinic,confirmed,2026/12/15,\"Reception, Consulting room 1\",yes,4\n",
    )
    .unwrap();
    let o = tebiki_in(d.path(), &["import", "list.csv", "--out", "imported"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Required value “Clinic phone” (clinic.phone) is missing. This list has no column for Clinic phone."),
        "{err}"
    );
    let yaml = read(&d.path().join("imported/1310123455.yaml"));
    for line in [
        "order: \"active\"  # Active (written \"confirmed\" in the list)",
        "install_date: \"2026-12-15\"  # written \"2026/12/15\" in the list",
        "dhcp: \"on\"  # In use (written \"yes\" in the list)",
    ] {
        assert!(yaml.contains(line), "{line}: {yaml}");
    }
    assert_eq!(japanese(&yaml), "", "{yaml}");
    assert_eq!(japanese(&err), "", "{err}");
}

/// `tebiki serve` of the English project says its own words in the theme's
/// (`serve_*`): the live-reload script is handed the build-error box's words,
/// and an address not built yet says so in English, `lang="en"`. Before,
/// 「tebiki: ビルドエラー（…）」「閉じる」 and 「404 見つかりません」 whatever the theme.
#[test]
fn serve_of_an_english_project_speaks_the_themes_words() {
    let d = seventh();
    let config = d.path().join("tebiki.yaml");
    let mut server = serve(&["--config", config.to_str().unwrap()]);
    let addr = server.addr().to_string();
    let (_, page) = http_get_host(&addr, "/index.html", &addr);
    let (code, missing) = http_get_host(&addr, "/no-such-page.html", &addr);
    server.stop();
    assert!(
        page.contains("data-error=\"tebiki: the build failed (the page reloads once it is fixed)\" data-close=\"Close\""),
        "{page}"
    );
    assert_eq!(code, 404, "{missing}");
    assert!(missing.contains("<html lang=\"en\">"), "{missing}");
    assert!(missing.contains("<h1>404 Not found</h1>"), "{missing}");
    assert_eq!(japanese(&missing), "", "{missing}");
}

/// A unit may say how it reads after the number 1 (`unit_one:` beside
/// `unit:`, on a field or a derived fact): 「1 reader」, 「1 port」, 「3 readers」.
/// Before, one unit for every number: 「1 readers」. `unit_one:` without a
/// `unit:` is a load error at its line.
#[test]
fn a_unit_reads_as_the_language_says_after_the_number_one() {
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "ports_free: 4",
        "ports_free: 1",
    );
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "rooms: [Reception, Consulting room 1]",
        "rooms: [Reception]",
    );
    let (out, _) = build_seventh(&d);
    let [(_, harbor), _, _] = documents(&out, HARBOR);
    assert!(harbor.contains("ordered1reader."), "{harbor}");
    assert!(harbor.contains("Freeswitchports1port"), "{harbor}");
    let [(_, maple), _, _] = documents(&out, MAPLE);
    assert!(maple.contains("ordered3readers."), "{maple}");
    assert!(maple.contains("only2portsfree"), "{maple}");

    let d = seventh();
    edit7(&d, "fields.yaml", "    unit: \" ports\"\n", "");
    let o = tebiki_in(d.path(), &["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("`unit_one:` of field `network.ports_free` needs a `unit:` beside it"),
        "{err}"
    );
    assert!(err.contains("fields.yaml:76:"), "{err}");
    let d = seventh();
    edit7(&d, "facts.yaml", "    unit: \" readers\"\n", "");
    let o = tebiki_in(d.path(), &["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`unit_one:` of derived fact `reader_count` needs a `unit:` beside it"),
        "{err}"
    );
    assert!(err.contains("facts.yaml:"), "{err}");
}

/// The fields of the seventh fixture's schema plus one of every kind whose
/// checks word their own messages (e-mail, year-month, prefecture, fee
/// schedule, customer ID), in English, for
/// [`every_check_of_a_value_speaks_the_themes_language`].
const MORE_FIELDS: &str = r#"
  - path: clinic.email
    label: Clinic e-mail
    kind: email
  - path: go_live
    label: Go-live month
    kind: year_month
  - path: clinic.prefecture
    label: Prefecture
    kind: prefecture
  - path: clinic.fee_schedule
    label: Fee schedule
    kind: fee_schedule
    options:
      - { value: 1, name: medical, label: "1: Medical", confirmed: true }
      - { value: 3, name: dental, label: "3: Dental", confirmed: true }
  - path: line.carrier
    label: Line carrier
    kind: choice
    options:
      - { value: ntt-east, label: NTT East }
      - { value: other, label: Another carrier }
  - path: line.customer_id
    label: Customer ID
    kind: customer_id
    carrier: line.carrier
    formats:
      - { prefix: CAF, digits: 10, carriers: [ntt-east] }
      - { prefix: COP, digits: 8, carriers: [ntt-east] }
"#;

/// Clinics whose values (all ASCII, so that any Japanese in a message is
/// the tool's) are wrong or untidy in the ways the checks of each kind
/// tell: (file, code, phone, e-mail, prefecture, fee schedule,
/// installation day, go-live month, carrier, customer ID).
const WRONG: [[&str; 10]; 6] = [
    [
        "w1",
        "1310123456",
        "45-555-0199",
        "front desk@example..jp",
        "99",
        "2",
        "2026-02-30",
        "2026-13",
        "ntt-east",
        "CAF12345",
    ],
    [
        "w2",
        "13101234",
        "003-5555-0199",
        "desk@gmial.com",
        "Tokyo",
        "7",
        "2026-12-32",
        "2026",
        "ntt-east",
        "F1234567890",
    ],
    [
        "w3",
        "131O123",
        "03-5555-0199 ext 12",
        "desk@example",
        "0",
        "5",
        "45000",
        "2026-12-10",
        "ntt-east",
        "CAF01234567890",
    ],
    [
        "w4",
        "1310123",
        "090-1234-567",
        "a@b@example.jp",
        "",
        "",
        "20261310",
        "13/2026",
        "other",
        "CAF0123456789",
    ],
    [
        "w5",
        "131-0124-453",
        "+81 3 5555 0199",
        "mailto:desk@example.jp",
        "13",
        "1",
        "2026.12.09",
        "2026/12",
        "ntt-east",
        "caf 0123456789",
    ],
    [
        "w6",
        "1420123450",
        "+1 212 555 0199",
        "desk@example.jp",
        "13",
        "3",
        "2026-12-09",
        "2026-12",
        "ntt-east",
        "XYZ1234",
    ],
];

/// Every check of a value, whatever its kind, words what it found in the
/// theme's language: a wrong phone number, e-mail address, date,
/// year-month, institution code (its check digit too), prefecture, fee
/// schedule and customer ID of the English project are told in English, in
/// the build's messages and on the dashboard. Before, only a few
/// (several numbers in one value, IP addresses) were; the rest were
/// Japanese whatever the theme.
#[test]
fn every_check_of_a_value_speaks_the_themes_language() {
    let d = seventh();
    let fields = d.path().join("content/fields.yaml");
    std::fs::write(&fields, format!("{}{MORE_FIELDS}", read(&fields))).unwrap();
    for w in WRONG {
        let [file, code, phone, email, pref, fee, day, month, carrier, id] = w;
        let mut clinic = format!(
            "clinic:\n  code: \"{code}\"\n  name: Clinic {file}\n  phone: \"{phone}\"\n  email: \"{email}\"\n"
        );
        if !pref.is_empty() {
            clinic += &format!("  prefecture: \"{pref}\"\n  fee_schedule: \"{fee}\"\n");
        }
        clinic += &format!(
            "contact: Pat Doe\norder: active\ninstall_date: \"{day}\"\ngo_live: \"{month}\"\n\
             readers:\n  rooms: [Front desk]\n  ips: [192.168.1.20]\n\
             network:\n  dhcp: \"on\"\n  ports_free: 2\n\
             line:\n  carrier: {carrier}\n  customer_id: \"{id}\"\n"
        );
        std::fs::write(
            d.path().join(format!("content/clinics/{file}.yaml")),
            clinic,
        )
        .unwrap();
    }
    let harbor = d.path().join("content/clinics/harbor-view.yaml");
    std::fs::copy(&harbor, d.path().join("content/clinics/harbor-again.yaml")).unwrap();
    let o = tebiki_in(d.path(), &["build", "--out", "out", "--verbose"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    // Each kind was told something about each clinic.
    for file in ["w1", "w2", "w3", "w4"] {
        let at = format!("content/clinics/{file}.yaml");
        for label in [
            "Institution code:",
            "Clinic phone:",
            "Clinic e-mail:",
            "Installation day:",
            "Go-live month:",
            "Customer ID:",
        ] {
            assert!(
                err.lines()
                    .zip(err.lines().skip(1))
                    .any(|(m, place)| m.contains(label) && place.contains(&at)),
                "{file} {label}: {err}"
            );
        }
    }
    // Two entries with one code are told by the code field's label.
    assert!(
        err.contains("Institution code (output folder `1310123455`) is also used by"),
        "{err}"
    );
    assert_eq!(japanese(&err), "", "the build's messages: {err}");
    let out = d.path().join("out");
    let dashboard = untagged(&visible(&read(&out.join("clinics/index.html"))));
    assert_eq!(japanese(&dashboard), "", "the dashboard: {dashboard}");
    // A clinic whose values were only tidied gets its guide, in English.
    let key = "1310124453";
    assert!(
        out.join("clinics").join(key).join("guide.pdf").exists(),
        "{err}"
    );
    for (name, text) in documents(&out, key) {
        assert_eq!(japanese(&text), "", "{key} {name}: {text}");
    }
}

/// A value that failed validation is no value to compare: Harbor View's
/// installation day 「2026-02-30」 is refused, and the rule
/// `{ fact: install_date, lt: "{{ today }}" }` does not hold for it. Before,
/// the text was compared as a date, and the dashboard told the vendor that
/// the installation day had already passed.
#[test]
fn a_refused_value_satisfies_no_comparison() {
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "install_date: 2026-12-15",
        "install_date: 2026-02-30",
    );
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("month 2 of 2026 has 28 days"), "{err}");
    let dashboard = untagged(&visible(&read(&d.path().join("out/clinics/index.html"))));
    let row = dashboard
        .split("Harbor View Family Clinic")
        .nth(1)
        .expect("Harbor View is on the dashboard");
    let row = &row[..row.find("Maple Street").unwrap_or(row.len())];
    assert!(row.contains("2026-02-30"), "{row}");
    assert!(!row.contains("already passed"), "{row}");
}

/// A value the manual's `when:` reads that failed validation (the order
/// 「maybe」) is told once, as what it is: not also as 「No manual is for this
/// clinic」, which said the condition did not hold when it could not be
/// decided.
#[test]
fn a_refused_value_a_manuals_condition_reads_is_told_once() {
    let d = seventh();
    edit7(
        &d,
        "clinics/harbor-view.yaml",
        "order: active",
        "order: maybe",
    );
    let o = tebiki_in(d.path(), &["build", "--out", "out"]);
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let harbor = err
        .lines()
        .find(|l| l.contains("FAILED") && l.contains("Harbor View"))
        .unwrap_or_else(|| panic!("Harbor View fails: {err}"));
    assert!(
        harbor.contains("“maybe” is not one of the options"),
        "{harbor}"
    );
    assert!(!harbor.contains("No manual"), "{harbor}");
    assert!(harbor.contains("1 error(s)"), "{harbor}");
}
