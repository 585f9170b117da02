//! Builds the bundled sample and checks the per-clinic HTML guides.

mod common;
use common::*;

#[test]
fn every_sample_clinic_gets_its_own_guide() {
    let (dir, o) = build_sample();
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let clinics = dir.path().join("out/clinics");
    for (key, values) in SAMPLES {
        let html = read(&clinics.join(key).join("index.html"));
        for v in *values {
            assert!(html.contains(v), "{key}: missing its own value {v}");
        }
        for (other, other_values) in SAMPLES {
            if other == key {
                continue;
            }
            for v in *other_values {
                assert!(!html.contains(v), "{key}: contains {other}'s value {v}");
            }
        }
        assert!(html.contains("<html lang=\"ja\">"));
        assert!(
            !html.contains("src=\"http"),
            "{key}: guide must not load remote resources"
        );
        assert!(
            !html.contains("<link rel=\"stylesheet\""),
            "{key}: styles must be inline"
        );
    }
    let dash = read(&clinics.join("index.html"));
    for (key, values) in SAMPLES {
        assert!(dash.contains(&format!("{key}/index.html")));
        assert!(dash.contains(values[0]));
    }
}

#[test]
fn line_type_warning_only_where_it_applies() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let clinics = dir.path().join("out/clinics");
    for (key, _) in SAMPLES {
        let html = read(&clinics.join(key).join("index.html"));
        let fired = html.contains("電気通信回線種別は必ず「1」を選んでください");
        assert_eq!(fired, *key == "1311234566", "line-type warning on {key}");
        if fired {
            // Its v6 option is not contracted: the box is shown unticked, with the reason.
            assert!(
                html.contains("まだチェックできません（未契約）"),
                "unticked v6 box"
            );
            assert!(html.contains("当日に設置できません"), "consequence shown");
            assert!(html.contains("2026年12月1日"), "correction date shown");
            assert!(
                html.contains("データから訂正した値です"),
                "the row shows the value to enter, marked as a correction"
            );
            // The confirmation screen (1-4) shows the value to enter, not the data.
            let confirm = &html[html.find("id=\"step-online-shikaku-1-4\"").unwrap()..];
            let confirm = &confirm[..confirm.find("id=\"step-online-shikaku-2-1\"").unwrap()];
            assert!(confirm.contains("1: IP-VPN回線事業者"), "1-4 shows 1");
            assert!(!confirm.contains(">3<"), "1-4 never shows the wrong 3");
        }
    }
}

#[test]
fn all_nine_steps_and_every_annotation_appear() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let html = read(&dir.path().join("out/clinics/1430123455/index.html"));
    for step in [
        "1-1", "1-2", "1-3", "1-4", "2-1", "2-2", "2-3", "2-4", "2-5",
    ] {
        assert!(
            html.contains(&format!("id=\"step-online-shikaku-{step}\"")),
            "step {step}"
        );
    }
    for note in [
        "1を選択してください",
        "開通のご案内かお申込内容のご案内を元に入力",
        "実際の開始日とずれても問題ありません",
        "好きな数字4桁で設定",
        "「1: 診療(調剤)報酬支払額から控除」を選択",
        "担当者様のお名前を入力",
        "「オンライン資格確認パソコン」と入力",
        "0800-0804583",
        "上記の内容で確定する",
        "電子証明書の発行へ進む",
        "3年3か月",
        "1,500円",
        "書留",
        "再発行",
    ] {
        assert!(html.contains(note), "annotation or fact missing: {note}");
    }
}

#[test]
fn two_terminals_mean_two_certificates() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let html = read(&dir.path().join("out/clinics/1440100743/index.html"));
    assert!(html.contains("2枚"));
    assert!(html.contains("3,000円"));
    assert!(html.contains("オンライン請求パソコン"));
    // A certificate goes on every terminal that uses one, an オンライン請求
    // terminal too: part 2 called them all 「オンライン資格確認に使う端末」.
    assert!(!html.contains("オンライン資格確認に使う端末"), "{html}");
    assert!(html.contains("次に、端末に入れる電子証明書を申請します。"));
}

#[test]
fn clinic_values_are_escaped_and_secrets_never_written() {
    let (tmp, content) = content_copy();
    let clinic = content.join("clinics/kanagawa-dental.yaml");
    let text = read(&clinic)
        .replace("みなと歯科クリニック", "<script>alert(\"x\")</script>&歯科")
        .replace(
            "fee_payment: 1",
            "fee_payment: 1\nsecret_number: \"9731\"\npassword: hunter2-pw",
        );
    std::fs::write(&clinic, text).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "a secret in the data must fail the build"
    );
    assert!(stderr.contains("secret_number"), "{stderr}");
    assert!(stderr.contains("kanagawa-dental.yaml:"), "{stderr}");
    assert!(!stderr.contains("9731") && !stderr.contains("hunter2"));
    for entry in walk(&out) {
        let bytes = std::fs::read(&entry).unwrap();
        // SHA-256 digests in manifest.json may hold any 4 digits by chance.
        let s = without_hex_digests(&String::from_utf8_lossy(&bytes));
        assert!(
            !s.contains("9731") && !s.contains("hunter2"),
            "secret in {}",
            entry.display()
        );
        assert!(
            !s.contains("<script>alert"),
            "unescaped value in {}",
            entry.display()
        );
    }
    // A secret in its data fails the clinic (no guide); the dashboard names it, escaped.
    assert!(!out.join("clinics/1430123455/index.html").exists());
    let html = read(&out.join("clinics/index.html"));
    assert!(html.contains("&lt;script&gt;"));
}

/// `s` with every run of 64 lower-case hex digits removed.
fn without_hex_digests(s: &str) -> String {
    let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    let mut out = String::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if hex(c) {
            run.push(c);
            continue;
        }
        if run.len() != 64 {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                v.extend(walk(&e.path()));
            } else {
                v.push(e.path());
            }
        }
    }
    v
}

#[test]
fn a_theme_overrides_one_file_and_template_errors_are_located() {
    let d = tempfile::tempdir().unwrap();
    let theme = d.path().join("theme");
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(
        theme.join("static/style.css"),
        "body { color: rebeccapurple; }",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = build_with("--theme", &theme, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&out.join("clinics/1430123455/index.html"));
    assert!(html.contains("rebeccapurple"), "overridden stylesheet used");
    assert!(
        html.contains("みなと歯科クリニック"),
        "default templates still used"
    );

    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::write(
        theme.join("templates/guide.html"),
        "{% extends \"base.html\" %}\n{% block body %}{{ g.clinic_name }\n{% endblock %}",
    )
    .unwrap();
    let o = build_with("--theme", &theme, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("guide.html:2:"), "{err}");
}

#[test]
fn pictures_carry_the_clinic_values_in_html_and_pdf() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let base = dir.path().join("out/clinics/1430123455");
    let html = read(&base.join("index.html"));
    // The usage-form picture of step 1-3 shows this clinic's customer ID and start month.
    let step = &html[html.find("id=\"step-online-shikaku-1-3\"").unwrap()..];
    let svg = &step[step.find("<svg").unwrap()..step.find("</svg>").unwrap()];
    // The portal asks for the kind (CAF/COP) and the number, typed twice:
    // drawn twice, and said twice in the table under the picture, not again
    // in the picture's text alternative (the title), which says where the
    // values are (the handout's /Alt says them: tests/parity.rs).
    let (head, drawn) = svg.split_once("</title>").expect("a titled picture");
    let title = head.split_once("<title>").map_or("", |(_, t)| t);
    assert_eq!(
        drawn.matches("1253000113").count(),
        2,
        "number twice in the picture"
    );
    assert_eq!(title.matches("1253000113").count(), 0, "{title}");
    assert!(title.contains("この図の下に書いてあります"), "{title}");
    // Nor does the box around it name the screen a third time (after the
    // picture and the figure's caption): no label of its own.
    let boxes: Vec<&str> = html
        .match_indices("class=\"pic-scroll\"")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .collect();
    assert!(!boxes.is_empty());
    assert!(boxes.iter().all(|b| !b.contains("aria-label")), "{boxes:?}");
    // Nor is a fitted picture a stop for the Tab key: it scrolls nothing
    // until the guide's script opens it (and then makes it one).
    assert!(boxes.iter().all(|b| !b.contains("tabindex")), "{boxes:?}");
    let table = &step[step.find("<table class=\"form").unwrap()..step.find("</table>").unwrap()];
    assert_eq!(
        table.matches("1253000113").count(),
        2,
        "number twice in the table under the picture"
    );
    assert!(svg.contains("CAF"), "kind inside the picture");
    assert!(svg.contains("2027"), "start year inside the picture");
    assert!(
        svg.contains("role=\"img\"") && svg.contains("<title>"),
        "accessible picture"
    );
    assert_eq!(
        html.matches("<svg").count()
            - html
                .matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\"")
                .count(),
        10,
        "nine screens and one screenshot (besides the printed sheet's QR code)"
    );
    // The portal's site title appears only inside pictures: the PDF's picture text is extractable.
    let pdf = std::process::Command::new("pdftotext")
        .args([base.join("guide.pdf").to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(
        text.contains("オンライン資格確認・医療情報化支援基金関係"),
        "picture text in PDF"
    );
    assert!(text.contains("CAF1253000113"));
}

#[test]
fn one_bad_clinic_does_not_stop_the_batch() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    // A first, clean build leaves a handout for the Osaka pharmacy.
    let o = build_content(&content, &out);
    assert!(o.status.success());
    assert!(out.join("clinics/2740100181/guide.pdf").exists());
    // Then its institution code gets a typo.
    let clinic = content.join("clinics/osaka-pharmacy.yaml");
    std::fs::write(&clinic, read(&clinic).replace("\"0100181\"", "\"0100182\"")).unwrap();
    let o = build_content(&content, &out);
    assert_eq!(o.status.code(), Some(1), "exit code says something failed");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("FAILED"), "{stdout}");
    // No wrong handout is left behind; every other clinic is built.
    let bad = out.join("clinics/2740100182");
    assert!(!bad.join("guide.pdf").exists() && !bad.join("index.html").exists());
    assert!(
        !out.join("clinics/2740100181/guide.pdf").exists(),
        "stale handout removed"
    );
    for key in ["1430123455", "0110113719", "1311234566", "1440100743"] {
        assert!(
            out.join("clinics").join(key).join("guide.pdf").exists(),
            "{key}"
        );
    }
    let dash = read(&out.join("clinics/index.html"));
    assert!(
        dash.contains("作成できません"),
        "dashboard shows the failure"
    );
}

/// The dashboard without JavaScript: most urgent first (errors, then days
/// left to installation), counts per state, routine notes folded away, the
/// filter form hidden until its script runs; the manifest carries the ISO
/// installation date it sorts by.
#[test]
fn dashboard_is_sorted_by_urgency_with_counts_and_folded_routine_notes() {
    let (dir, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let dash = read(&out.join("clinics/index.html"));
    let order: Vec<&str> = dash
        .split("data-code=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "1311234566",
            "1430123455",
            "0110113719",
            "2740100181",
            "1440100743",
            "2610112340"
        ],
        "errors first, then by days to installation"
    );
    assert!(dash.contains("data-days=\"7\""), "days to installation");
    for count in [
        "作成できません</span><strong>0</strong>",
        "重要</span><strong>1</strong>",
        "注意</span><strong>0</strong>",
        "問題なし</span><strong>5</strong>",
    ] {
        assert!(dash.contains(count), "{count}");
    }
    // The certificate fee note is routine: folded, never beside a critical one.
    assert_eq!(dash.matches("<details class=\"routine-notes\">").count(), 6);
    assert!(!dash.contains("<details class=\"routine-notes\" open"));
    let urgent = dash.split("data-code=\"1311234566\"").nth(1).unwrap();
    let urgent = urgent.split("</tr>").next().unwrap();
    let headlines = urgent.split("routine-notes").next().unwrap();
    assert!(headlines.contains("電気通信回線種別は必ず"));
    assert!(!headlines.contains("発行料"), "{headlines}");
    assert!(dash.contains("<form class=\"filters\" id=\"filters\" role=\"search\" aria-label=\"施設の絞り込み\" hidden>"));
    // Each built clinic links its guide, handout and one-page sheet.
    for kind in ["index.html", "guide.pdf", "sheet.pdf"] {
        assert_eq!(
            dash.matches(&format!("href=\"2610112340/{kind}\"")).count(),
            1,
            "{kind}"
        );
    }
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains("\"installation_date\":\"2026-12-01\""),
        "{manifest}"
    );
}

/// Vendor branding (tebiki.yaml `vendor:`) in the HTML guide, its printed
/// sheet and the dashboard: logo as a data: image with the vendor's name as
/// its text, name and a tel: link; nothing of it without branding.
#[test]
fn vendor_branding_in_guide_sheet_and_dashboard() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = build_with(
        "--config",
        &root().join("tests/fixtures/branding/tebiki.yaml"),
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let guide = read(&out.join("clinics/1311234566/index.html"));
    let dash = read(&out.join("clinics/index.html"));
    for (what, html, n) in [("guide and sheet", &guide, 2), ("dashboard", &dash, 1)] {
        assert_eq!(html.matches("<p class=\"vendor\">").count(), n, "{what}");
        assert!(
            html.contains("<img src=\"data:image/svg+xml;base64,")
                && html.contains("alt=\"株式会社さくらメディカルシステム\""),
            "{what}: logo"
        );
        assert!(
            html.contains("<span class=\"vendor-name\">株式会社さくらメディカルシステム</span>"),
            "{what}: name"
        );
        assert!(html.contains("href=\"tel:03-1234-5678\""), "{what}: phone");
    }
    let (plain, o) = build_sample();
    assert!(o.status.success());
    let guide = read(&plain.path().join("out/clinics/1311234566/index.html"));
    assert!(!guide.contains("class=\"vendor\""));
}

/// The dashboard's own wording is theme strings (themes/default/strings.yaml),
/// not text in its template or script: a theme's strings.yaml changes it.
#[test]
fn the_dashboards_wording_comes_from_the_themes_strings() {
    let japanese = |s: &str| {
        s.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    };
    for f in [
        "themes/default/templates/dashboard.html",
        "themes/default/templates/dashboard_rows.html",
        "themes/default/static/dashboard.js",
    ] {
        let text = read(&root().join(f));
        let words: Vec<&str> = text.lines().filter(|l| japanese(l)).collect();
        assert!(
            words.is_empty(),
            "{f}: wording outside strings.yaml: {words:?}"
        );
    }
    let d = tempfile::tempdir().unwrap();
    let theme = d.path().join("theme");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("strings.yaml"),
        "dashboard_title: 導入先の一覧\ndashboard_ok: 準備よし\ndashboard_shown: \"{shown}/{total}院\"\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = build_with("--theme", &theme, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dash = read(&out.join("clinics/index.html"));
    assert!(dash.contains("<h1>導入先の一覧</h1>"), "title");
    assert!(dash.contains("<title>導入先の一覧 — tebiki</title>"));
    assert!(dash.contains(">準備よし<"), "state");
    assert!(!dash.contains("医療機関一覧"));
    assert!(
        dash.contains("data-format=\"{shown}/{total}院\""),
        "script's count"
    );
    // Keys not overridden keep the default wording.
    assert!(dash.contains("要対応・お知らせ"));
}

#[test]
fn the_help_site_words_what_an_unsettled_value_shows() {
    // The line type row shows 「回線事業者に確認してから選択」 instead of the
    // data's value while the carrier is unknown (`value_when:`/`unsettled:`);
    // the help site showed only 〈電気通信回線種別〉, so its reader could not
    // know what those clinics' guides say there.
    let (dir, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let usage = read(&dir.path().join("out/site/online-shikaku/usage.html"));
    // Also when the data contradicts the carrier (rule carrier-contradicted).
    assert!(
        usage.contains(
            "〈回線事業者〉が「不明（回線事業者に確認中）」、または重要「回線事業者の登録がほかの回線の情報と食い違っています」が出ている場合: 回線事業者に確認してから選択"
        ),
        "{usage}"
    );
    // The 1-4 row's alternative is worded from the condition, not
    // 「次に当てはまらない（…）」.
    assert!(
        usage.contains("〈回線事業者〉が「不明（回線事業者に確認中）」、または重要「回線事業者の登録がほかの回線の情報と食い違っています」が出ている場合: 手順1-3で選んだ番号")
    );
    assert!(!usage.contains("次に当てはまらない"), "{usage}");
}

#[test]
fn the_guide_title_breaks_between_phrases_and_keeps_the_honorific_with_the_name() {
    // The HTML title of a long name showed 「様」 alone on the last line (the
    // name was an inline block) and could break the document's name inside
    // a word. The title's rules: phrases kept whole, lines balanced, the name
    // inline so that 様 follows its last characters; the document's name
    // breaks only at its space.
    let css = read(&root().join("themes/default/static/style.css"));
    let rule = |sel: &str| -> String {
        css.lines()
            .filter(|l| l.starts_with(&format!("{sel} {{")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let h1 = rule("h1");
    for p in ["word-break: keep-all", "text-wrap: balance"] {
        assert!(h1.contains(p), "h1 lacks {p}: {h1}");
    }
    assert!(rule("h1 .name").contains("display: inline;"), "{css}");
    assert!(rule(".eyebrow").contains("word-break: keep-all"), "{css}");
}

/// The help site and the dashboard are about every kind of facility: their
/// own words never say 医療機関 where a pharmacy or a 訪問看護ステーション is
/// meant too (「施設ごとの値」, 施設一覧). The portal's own names stay
/// (医療機関コード, 医療機関等向けポータルサイト, 医療機関（薬局）名称, 保険医療機関).
#[test]
fn the_help_site_and_dashboard_speak_of_every_kind_of_facility() {
    fn bare_mentions(file: &std::path::Path, text: &str) -> Vec<String> {
        let text = untagged(text);
        let kept = ["コード", "等", "（薬局）", "(薬局)", "・薬局"];
        let mut found = Vec::new();
        for (i, _) in text.match_indices("医療機関") {
            let after = &text[i + "医療機関".len()..];
            let before: String = text[..i].chars().rev().take(1).collect();
            if kept.iter().any(|k| after.starts_with(k)) || before == "険" {
                continue;
            }
            let ctx: String = after.chars().take(20).collect();
            found.push(format!("{}: 医療機関{ctx}", file.display()));
        }
        found
    }
    let (_d, site) = bundled_site();
    let mut found = Vec::new();
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            pages += 1;
            found.extend(bare_mentions(e.path(), &read(e.path())));
        }
    }
    assert!(pages > 5, "{pages} pages");
    let (d, o) = build_sample();
    assert!(o.status.success());
    let dash = d.path().join("out/clinics/index.html");
    found.extend(bare_mentions(&dash, &read(&dash)));
    assert!(found.is_empty(), "{found:#?}");
    assert!(read(&site.join("index.html")).contains("医療機関・薬局・訪問看護ステーション"));
}
