//! The portal's own words, as the seed manual shows them on its screens
//! (/work/shared/reference: the vendor's manual, screenshots removed), in a
//! usual clinic's handout and HTML guide: a label, option or link the clinic
//! looks for on the screen is spelled as on the screen, a screen is called
//! what the seed calls it, and nothing is drawn as the portal's words that no
//! source gives. The audit behind each promise is in the README (「Content
//! fidelity to the seed manual」).
//! Needs poppler-utils (pdftotext).

mod common;
use common::*;
use std::path::Path;
use std::sync::OnceLock;

/// The bundled sample built once for every test of this file.
fn out() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, p) = OUT.get_or_init(|| {
        let (d, o) = build_sample();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let p = d.path().join("out");
        (d, p)
    });
    p
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// みなと歯科クリニック (NTT東日本, one terminal, 新規): the handout's text
/// and the HTML guide's (tags and pictures' markup dropped, the pictures'
/// words kept), whitespace removed.
fn dental() -> &'static (String, String) {
    static DOCS: OnceLock<(String, String)> = OnceLock::new();
    DOCS.get_or_init(|| {
        let dir = out().join("clinics/1430123455");
        let pdf = poppler(
            "pdftotext",
            &[
                "-enc",
                "UTF-8",
                dir.join("guide.pdf").to_str().unwrap(),
                "-",
            ],
        );
        let html = untagged(&read(&dir.join("index.html")));
        (squash(&pdf), squash(&html))
    })
}

/// Asserts that both documents contain `s` (whitespace ignored).
fn in_both(s: &str) {
    let (pdf, html) = dental();
    let s = squash(s);
    assert!(pdf.contains(&s), "handout lacks 「{s}」");
    assert!(html.contains(&s), "HTML guide lacks 「{s}」");
}

/// Asserts that neither document contains `s`.
fn in_neither(s: &str) {
    let (pdf, html) = dental();
    let s = squash(s);
    assert!(!pdf.contains(&s), "handout has 「{s}」");
    assert!(!html.contains(&s), "HTML guide has 「{s}」");
}

/// Step 1-3: option 1 of the line type, the v6 option's box and the link
/// that explains the line types read as on the portal (the seed: 「ただし、CTC・QNet」, 「契約済(又は近期中に申込予定)」); the
/// content had its own spelling of both (「ただしCTC・QTnet」, 「近日中」) while
/// `fields.yaml` said option 1 was written as in the manual.
#[test]
fn step_1_3_draws_the_line_type_and_the_v6_box_as_the_portal_writes_them() {
    in_both("1: IP-VPN回線事業者 (NTTなど、ただし、CTC・QNetを除く)");
    in_neither("ただしCTC・QTnetを除く");
    in_both("フレッツ・v6オプション契約済(又は近期中に申込予定)である");
    in_neither("契約済（又は近日中に申込予定）");
    // The link to the line types' explanation, quoted whole (it was cut to
    // 「電気通信回線種別とはこちら」).
    in_both("「電気通信回線種別とはこちらをクリック」");
}

/// Step 1-2: the body sends the clinic to the my page's section
/// 「オンライン資格・オンライン請求利用申請」, so the picture shows that section's
/// heading (and 電子証明書発行申請's): it listed the links alone. Step 1-4's
/// note names the button the seed gives for going back (「マイページに戻る」).
#[test]
fn the_my_page_picture_has_the_section_the_text_names() {
    let (pdf, html) = dental();
    for doc in [pdf, html] {
        let section = doc
            .matches("オンライン資格・オンライン請求利用申請")
            .count();
        assert!(
            section >= 2,
            "the body's words and the picture's band: {section}"
        );
    }
    in_both("「マイページに戻る」でマイページに戻り");
}

/// Step 2-2: the screen's heading (「…の入力画面（オンライン請求ネットワーク関連
/// システム）」) and the link to the guide PDF (「電子証明書の発行等申請の手引きのPDFを開く」)
/// as on the screen.
#[test]
fn step_2_2_names_its_screen_and_link_as_the_portal_does() {
    in_both("証明書発行申請情報の入力画面（オンライン請求ネットワーク関連システム）");
    in_both("「電子証明書の発行等申請の手引きのPDFを開く」");
}

/// Steps 2-1, 2-3, 2-4 and 2-5 drew words the seed does not give as the
/// portal's (「利用申請を受け付けました。」, 「電子証明書の発行を申請します。よろしいですか。」,
/// a キャンセル and a 戻る button, 「発行申請に成功しました。」). The 2-3 screen is the
/// seed's 「電子証明書の発行」 screen (not a 「確認のダイアログ」), 2-5's is 「発行申請成功」.
#[test]
fn screens_show_no_words_the_seed_does_not_give() {
    for invented in [
        "利用申請を受け付けました",
        "よろしいですか",
        "発行申請に成功しました",
        "［キャンセル］",
        "［戻る］",
        "確認のダイアログ",
    ] {
        in_neither(invented);
    }
    in_both("「電子証明書の発行」の画面で「OK」をクリックする");
    let (pdf, _) = dental();
    assert!(
        pdf.contains("画面「電子証明書の発行」ボタン:［OK］"),
        "2-3's box lists OK alone"
    );
    assert!(
        pdf.contains("発行申請成功画面「電子証明書発行申請」"),
        "2-5's box shows the seed's words"
    );
}

/// Claims no source gives are said to be estimates or may-bes: the notice
/// sample's rows (no source shows a real notice), a duplicate application's
/// cost, the line-type correction's 5 business days (the seed: 「1週間ほど」).
#[test]
fn unsourced_claims_are_marked_as_such() {
    in_both("電子証明書発行通知書の見本（項目名は一例）。");
    let site = out().join("site/online-shikaku");
    let usage = squash(&untagged(&read(&site.join("usage.html"))));
    assert!(
        usage.contains("発行料（1枚1,500円）がかかるおそれがあります"),
        "the change rule's consequence is a may-be"
    );
    assert!(!usage.contains("二重に発行され"));
    let index = squash(&untagged(&read(&site.join("index.html"))));
    assert!(
        index.contains("訂正から約1週間の目安（土日・祝日を除く5営業日で計算）"),
        "the schedule's basis for the correction date"
    );
    assert!(!index.contains("訂正から5営業日（"));
}
