//! Tests of the whole site build on the bundled content.

use super::search::{SearchIndex, Searcher};
use super::*;
use crate::model::rich::{Block, Inline};

fn content() -> Content {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let (c, d) = crate::load::load_content(&dir);
    assert!(!d.has_errors(), "bundled content has errors");
    c
}

fn build(site: &SiteConfig) -> (tempfile::TempDir, SiteReport) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let report = build_site(&content(), site, &Theme::default(), &out).unwrap();
    (dir, report)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The queries the search must answer with the right section first.
pub const EXPECTED_FIRST: &[(&str, &[&str])] = &[
    (
        "電子証明書",
        &[
            "online-shikaku/certificate.html",
            "online-shikaku/certificate.html#step-2-2",
        ],
    ),
    ("お客さまID", &["online-shikaku/usage.html#step-1-3"]),
    ("フレッツ", &["online-shikaku/usage.html#step-1-3"]),
    ("秘密の番号", &["online-shikaku/usage.html#step-1-3"]),
    // The form's choice (1-3) or the note on paying the slip (2-5).
    (
        "払込請求書",
        &[
            "online-shikaku/usage.html#step-1-3",
            "online-shikaku/certificate.html#step-2-5",
        ],
    ),
    ("端末名称", &["online-shikaku/certificate.html#step-2-2"]),
    ("書留", &["online-shikaku/certificate.html#step-2-5"]),
    // Buttons are indexed as the picture names them (「申請」ボタン).
    ("申請ボタン", &["online-shikaku/certificate.html#step-2-4"]),
];

#[test]
fn writes_every_page_and_asset() {
    let (dir, report) = build(&SiteConfig::default());
    let site = dir.path().join("site");
    for f in [
        "index.html",
        "search.html",
        "rules.html",
        "online-shikaku/index.html",
        "online-shikaku/usage.html",
        "online-shikaku/certificate.html",
        "online-shikaku/print.html",
        "assets/site.css",
        "assets/search.js",
        INDEX_FILE,
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    assert_eq!(report.pages, 7);
    assert!(report.links_checked > 50, "{report:?}");
    let home = read(&site.join("index.html"));
    assert!(home.contains("<html lang=\"ja\">"));
    assert!(home.contains("href=\"online-shikaku/index.html\""));
    assert!(home.contains("href=\"assets/site.css\""));
    let part = read(&site.join("online-shikaku/usage.html"));
    assert!(part.contains("href=\"../assets/site.css\""));
    assert!(part.contains("id=\"step-1-3\""));
    assert!(part.contains("href=\"#step-1-3\""), "anchor link");
    assert!(part.contains("aria-label=\"パンくずリスト\""));
    assert!(part.contains("rel=\"next\" href=\"../online-shikaku/certificate.html\""));
    assert!(part.contains("rel=\"prev\" href=\"../online-shikaku/index.html\""));
    assert!(
        part.contains("〈お客さまID〉"),
        "placeholder in the rows table"
    );
    assert!(part.contains("〈メールアドレス〉"), "placeholder in a body");
    assert!(!part.contains("{{"), "an unresolved placeholder");
    // The rule attached to 1-3, with its condition in words.
    assert!(part.contains("NTTフレッツ光・光コラボ回線で、データの回線種別が「1」以外の場合:"));
    assert!(part.contains("電気通信回線種別は必ず「1」を選んでください"));
    assert!(part.contains("〈回線種別を今日訂正した場合に反映される見込み〉"));
    assert!(part.contains("設置日当日に設置できません"));
    assert!(part.contains("href=\"#rule-line-type-ntt-must-be-1\""));
    assert!(part.contains("好きな数字4桁で設定"), "callout");
    assert!(part.contains("2: 払込請求書による振込み"), "choices");
    let cert = read(&site.join("online-shikaku/certificate.html"));
    assert!(cert.contains("〈電子証明書の枚数〉"), "derived fact named");
    let rules = read(&site.join("rules.html"));
    assert!(rules.contains("申請を済ませたい最終日が過ぎている場合:"));
    assert!(rules.contains("href=\"online-shikaku/usage.html#rule-customer-id-missing\""));
    // Unchanged on a second build.
    let again = build_site(&content(), &SiteConfig::default(), &Theme::default(), &site).unwrap();
    assert_eq!(again.changed, 0);
    assert_eq!(again.unchanged, report.changed);
}

/// A rule's condition in words names every part that decides it: the
/// help site said 「NTTフレッツ光・光コラボ回線を利用している場合」 for the
/// line-type error (shown only when the data's type is not 1) and
/// 「申請区分が「変更」でない場合」 for the fee notice (not shown without a
/// terminal); dates compared read earlier or later, not 「以上」.
#[test]
fn a_rules_condition_in_words_names_what_decides_it() {
    let (dir, _) = build(&SiteConfig::default());
    let rules = read(&dir.path().join("site/rules.html"));
    for said in [
        "NTTフレッツ光・光コラボ回線で、データの回線種別が「1」以外の場合",
        "申請する端末があり、申請区分が「変更」でないか、「変更」で申請済みの端末がデータにある場合",
        "端末が登録されていて、申請区分が「変更」で、申請済みの端末がデータにない場合",
        "設置予定日が今日以降で、今日申請しても通知書が設置予定日より後に届く見込みの場合",
        "申請を済ませたい最終日が今日以降で、申請予定日がそれより後だが",
        "申請を済ませたい最終日が今日以降の場合",
        "申請予定日が明日以降の場合",
    ] {
        assert!(rules.contains(said), "{said}");
    }
    assert!(!rules.contains("〈この資料の作成日〉 以上"));
    let usage = read(&dir.path().join("site/online-shikaku/usage.html"));
    assert!(
        usage.contains(
            "〈回線種別を今日訂正した場合に反映される見込み〉が〈設置予定日〉より後の場合"
        ),
        "a date compared"
    );
    assert!(usage.contains("〈テスト開始予定年月〉が〈申請する月〉より前の場合"));
}

#[test]
fn links_start_with_base_url_under_a_sub_path() {
    let cfg = SiteConfig {
        base_url: "/help".into(),
        ..SiteConfig::default()
    };
    let (dir, _) = build(&cfg);
    let part = read(&dir.path().join("site/online-shikaku/usage.html"));
    assert!(part.contains("href=\"/help/assets/site.css\""));
    assert!(part.contains("href=\"/help/online-shikaku/certificate.html\""));
    assert!(!part.contains("href=\"../"));
}

#[test]
fn stale_pages_are_removed() {
    let (dir, _) = build(&SiteConfig::default());
    let site = dir.path().join("site");
    let old = site.join("old-manual/index.html");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, "old").unwrap();
    std::fs::write(site.join("notes.txt"), "kept").unwrap();
    let r = build_site(&content(), &SiteConfig::default(), &Theme::default(), &site).unwrap();
    assert_eq!(r.removed, 1);
    assert!(!old.exists() && !site.join("old-manual").exists());
    assert!(site.join("notes.txt").exists());
}

#[test]
fn a_broken_link_fails_the_build_naming_page_and_link() {
    let mut c = content();
    c.manuals[0].parts[0].steps[0]
        .body
        .otherwise
        .get_or_insert_default()
        .0
        .push(Block::Paragraph {
            inlines: vec![Inline::Link {
                url: "missing-page.html#nowhere".into(),
                inlines: vec![Inline::Text { text: "x".into() }],
            }],
        });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let err = build_site(&c, &SiteConfig::default(), &Theme::default(), &out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("online-shikaku/usage.html"), "{err}");
    assert!(err.contains("missing-page.html#nowhere"), "{err}");
    assert!(!out.join("index.html").exists(), "nothing written");
}

#[test]
fn no_placeholder_survives_and_secrets_are_described_only() {
    let c = content();
    let v = view::SiteView::new(
        &crate::eval::evaluate_generic(&c),
        crate::render::pdf::test_fonts(),
    );
    let json = serde_json::to_string(&v).unwrap();
    assert!(!json.contains("{{"), "unresolved placeholder");
    // A secret row says what to do and never shows a value.
    let usage = &v.manuals[0].parts[0];
    let secret = usage
        .steps
        .iter()
        .flat_map(|s| s.screen.iter().flat_map(|sc| &sc.rows))
        .find(|r| r.enter_html.contains("class=\"secret\""))
        .expect("a secret row");
    assert!(
        secret.enter_text.contains("この資料には記載しません"),
        "{}",
        secret.enter_text
    );
}

fn ranking_index() -> SearchIndex {
    let (dir, _) = build(&SiteConfig::default());
    let js = read(&dir.path().join("site").join(INDEX_FILE));
    SearchIndex::from_js(&js).expect("index parses")
}

#[test]
fn required_queries_find_the_right_step_first() {
    let index = ranking_index();
    let s = Searcher::new(&index);
    let mut report = Vec::new();
    for (q, expected) in EXPECTED_FIRST {
        let hits = s.search(q);
        let top: Vec<&str> = hits
            .iter()
            .take(3)
            .map(|h| index.docs[h.doc].u.as_str())
            .collect();
        report.push(format!("{q}: {top:?}"));
        assert!(
            top.first().is_some_and(|u| expected.contains(u)),
            "{q}: first hit {top:?}, expected one of {expected:?}\n{}",
            report.join("\n")
        );
    }
}

#[test]
fn what_vendor_staff_type_finds_what_the_manuals_word_finds() {
    // A reading in hiragana, with a slip of one kana or a small kana typed
    // large, old kanji, half-width kana, full-width letters, a full-width
    // space: each found nothing or only loose pairs of characters
    // (でんしじょうめいしょ, でんししよめいしょ, りようしんせい: 0 hits;
    // 電子證明書: 「全般の注意事項」 first, on 明書 alone).
    let index = ranking_index();
    let s = Searcher::new(&index);
    let ranked = |q: &str| -> Vec<usize> { s.search(q).iter().map(|h| h.doc).collect() };
    for (typed, word) in [
        ("でんしじょうめいしょ", "電子証明書"),
        ("でんししよめいしょ", "電子証明書"),
        ("電子證明書", "電子証明書"),
        ("點數表", "点数表"),
        ("ぱすわーど", "パスワード"),
        ("ﾊﾟｽﾜｰﾄﾞ", "パスワード"),
        ("ｖ６", "v6"),
        ("電子証明書\u{3000}発行料", "電子証明書 発行料"),
        ("りようしんせい", "利用申請"),
        ("はっこうしんせい", "発行申請"),
        ("かくにんがめん", "確認画面"),
        ("かいせんじぎょうしゃ", "回線事業者"),
        ("たんとうしゃ", "担当者"),
        ("しか", "歯科"),
        ("やっきょく", "薬局"),
        ("ひみつのばんこう", "秘密の番号"),
        ("はらいこみせいきゅうしよ", "払込請求書"),
    ] {
        let want = ranked(word);
        assert!(!want.is_empty(), "{word}");
        assert_eq!(ranked(typed), want, "{typed} as {word}");
    }
}

#[test]
fn search_folds_width_and_kana_and_finds_ascii_words() {
    let index = ranking_index();
    let s = Searcher::new(&index);
    let first = |q: &str| s.search(q).first().map(|h| index.docs[h.doc].u.clone());
    let ranked = |q: &str| -> Vec<usize> { s.search(q).iter().map(|h| h.doc).collect() };
    assert_eq!(ranked("お客さまＩＤ"), ranked("お客さまID"));
    // Kana written the other way finds the same section first (the parts
    // differ: hiragana after a kanji is okurigana, dropped).
    assert_eq!(first("オ客サマid"), first("お客さまID"));
    assert_eq!(ranked("オキャクサマID"), ranked("おきゃくさまID"));
    assert_eq!(first("ﾌﾚｯﾂ"), first("フレッツ"));
    assert_eq!(first("ふれっつ"), first("フレッツ"));
    assert_eq!(first("ＣＡＦ"), first("caf"));
    assert!(first("caf").is_some());
    assert_eq!(
        first("1-3").as_deref(),
        Some("online-shikaku/usage.html#step-1-3")
    );
    assert!(first("証").is_some(), "one-character query");
}

#[test]
fn index_is_small_and_queries_are_fast() {
    let index = ranking_index();
    let s = Searcher::new(&index);
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..20 {
        for (q, _) in EXPECTED_FIRST {
            n += s.search(q).len();
        }
    }
    let per_query = t.elapsed() / (20 * EXPECTED_FIRST.len() as u32);
    eprintln!(
        "index: {} bytes; {per_query:?} per query ({n} hits)",
        index.to_js().len()
    );
    assert!(index.to_js().len() < 512 * 1024);
}

/// The 2-5 note 「「電子証明書発行通知書」が書留で届きます」 shows unless the notice is expected on
/// or after the installation day, so also for a clinic without one: the help
/// site said 「〈電子証明書発行通知書が届く見込み〉が〈設置予定日〉より前の場合」,
/// false without an installation day.
#[test]
fn the_notice_notes_condition_says_it_holds_without_an_installation_day() {
    let (dir, _) = build(&SiteConfig::default());
    let page = read(&dir.path().join("site/online-shikaku/certificate.html"));
    assert!(
        page.contains(
            "設置予定日が未定か、電子証明書発行通知書が設置予定日より前に届く見込みの場合"
        ),
        "the 2-5 note's condition"
    );
    assert!(!page.contains("〈電子証明書発行通知書が届く見込み〉が〈設置予定日〉より前"));
}

/// A search result quotes the page as it reads: no Western space the page
/// drops around a marked word (the rule's 「回線なら **必ず「1」** です」 read
/// 「必ず「1」 です」 in a result, 「必ず「1」です」 on the page).
#[test]
fn search_texts_have_the_pages_words_without_padding_spaces() {
    let index = ranking_index();
    let said = |s: &str| index.docs.iter().any(|d| d.b.contains(s));
    assert!(said("回線なら必ず「1」です。"));
    assert!(said(
        "NTTフレッツ光・光コラボの回線では必ず「1: IP-VPN回線事業者」を選びます。"
    ));
    for d in &index.docs {
        assert!(!d.b.contains(" です"), "{}: {}", d.u, d.b);
    }
}
