//! A manual of another kind (tests/fixtures/anymanual: a card reader's own
//! setting screens, with its own frame, steps numbered 1-1 …, a rule and
//! derived facts) comes out as itself: alone, and beside the seed manual in
//! one guide — title on page 1 of the handout, its frame and never the
//! portal's in its pictures, its steps on the help site and in search.

mod common;
use common::*;
use std::collections::BTreeMap;
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
        step.contains("data-field=\"reader_terminals\">2台</mark>")
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
        let at = step
            .find(&format!("<th scope=\"row\">{label}"))
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
    assert!(html.contains("data-field=\"reader_terminals\">2台</mark>です。"));
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
        err.contains("add it to content/constants.yaml or use one of: certificate_fee_yen"),
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
