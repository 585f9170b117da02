//! The portal's own words, as the seed manual shows them on its screens
//! (/work/shared/reference: the vendor's manual, screenshots removed), in a
//! usual clinic's handout and HTML guide: a label, option or link the clinic
//! looks for on the screen is spelled as on the screen, a screen is called
//! what the seed calls it, and nothing is drawn as the portal's words that no
//! source gives. The audit behind each promise is in docs/handout-behaviour.md
//! (「Content fidelity to the seed manual」).
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

/// The text alternatives of the handout's pictures (their `/Alt`), joined:
/// they name each row with its display in one piece, where the text of a
/// picture's two columns may come out interleaved.
fn dental_alts() -> &'static String {
    static ALTS: OnceLock<String> = OnceLock::new();
    ALTS.get_or_init(|| squash(&pdf_alts(&out().join("clinics/1430123455/guide.pdf")).join("")))
}

/// Asserts that both documents contain `s` (whitespace ignored): the
/// handout in its text or its pictures' text alternatives.
fn in_both(s: &str) {
    let (pdf, html) = dental();
    let s = squash(s);
    assert!(
        pdf.contains(&s) || dental_alts().contains(&s),
        "handout lacks 「{s}」"
    );
    assert!(html.contains(&s), "HTML guide lacks 「{s}」");
}

/// Asserts that neither document contains `s`, nor the handout's text
/// alternatives.
fn in_neither(s: &str) {
    let (pdf, html) = dental();
    let s = squash(s);
    assert!(!pdf.contains(&s), "handout has 「{s}」");
    assert!(!dental_alts().contains(&s), "handout's /Alt has 「{s}」");
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
    // So is the terms' link (it was 「オンライン資格確認等システム利用規約」), and
    // the test month's label keeps the screen's note.
    in_both("「オンライン資格確認等システム利用規約はこちらをクリック」");
    in_both("テスト開始予定年月(※未定の方は入力不要)");
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
        index.contains("訂正から約1週間の目安（土日・祝日・年末年始を除く5営業日で計算）"),
        "the schedule's basis for the correction date"
    );
    assert!(!index.contains("訂正から5営業日（"));
}

/// Step 1-3: on the portal the お客さまID is one row (CAF or COP, then the
/// number typed twice in the same cell); the picture drew three rows, two of
/// them with labels no screen shows (「お客さまID（数字）」, 「お客さまID（数字・確認のため
/// 再入力）」) and a 必須 badge each. Those rows are now `joined:` to it: drawn in
/// its cell, no label of their own, in the handout and in the guide's
/// pictures (the guide's table still names each box).
#[test]
fn the_customer_id_is_one_row_in_the_pictures_as_on_the_portal() {
    let (pdf, _) = dental();
    assert!(pdf.contains("1253000113"), "the number is drawn");
    assert!(
        !pdf.contains("お客さまID（数字"),
        "the handout (its pictures) names no row the screen lacks"
    );
    let html = read(&out().join("clinics/1430123455/index.html"));
    let mut pictures = 0;
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<svg") {
        let end = i + rest[i..].find("</svg>").expect("closed svg");
        let svg = squash(&untagged(&rest[i..end]));
        if svg.contains("開通のご案内かお申込内容のご案内を元に入力") {
            pictures += 1;
            assert!(svg.contains("1253000113"), "{svg}");
            assert!(!svg.contains("お客さまID（数字"), "{svg}");
        }
        rest = &rest[end..];
    }
    assert_eq!(pictures, 1, "the 1-3 picture of the guide");
    assert!(
        html.contains("お客さまID（数字）"),
        "the guide's table names the box"
    );
}

/// The bundled manual with `at` (which must be in it) replaced by `with`,
/// checked: `tebiki check` fails with `message` at manual.yaml's line where
/// `at` starts.
fn located_error(at: &str, with: &str, message: &str) {
    let (_d, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual);
    let start = text
        .find(at)
        .unwrap_or_else(|| panic!("the manual has {at:?}"));
    let line = text[..start].split('\n').count();
    std::fs::write(&manual, text.replacen(at, with, 1)).unwrap();
    let (ok, err) = check_with("--content", &content);
    assert!(!ok, "{err}");
    assert!(err.contains(message), "{err}");
    assert!(
        err.contains(&format!("manual.yaml:{line}:")),
        "line {line}: {err}"
    );
}

/// `joined: true` needs a form row before it: on the first row it is a
/// located error (no silent picture of a row joined to nothing).
#[test]
fn a_joined_first_row_is_a_located_error() {
    // Step 1-1's first row.
    let at = "            - id: email\n              label: メールアドレス\n";
    located_error(
        at,
        &format!("{at}              joined: true\n"),
        "row `email` has `joined: true` but is the screen's first row",
    );
}

/// A later terminal's picture of the my page's lower part shows the section
/// heading 「電子証明書発行申請」 above its link, as step 1-2's picture (and the
/// portal) does: it listed the link right under the claims contact's.
#[test]
fn the_lower_my_page_has_the_certificate_section_too() {
    let pdf = poppler(
        "pdftotext",
        &[
            "-enc",
            "UTF-8",
            out().join("clinics/2610112340/guide.pdf").to_str().unwrap(),
            "-",
        ],
    );
    let start = pdf
        .find("マイページ（下の部分）\n")
        .expect("the picture's title");
    let end = start + pdf[start..].find("画面「マイページ（下の部分）」").unwrap();
    let picture = &pdf[start..end];
    assert_eq!(
        picture.matches("電子証明書発行申請").count(),
        2,
        "the band and the link: {picture}"
    );
}

/// On the help site a menu's section heading is listed as a heading, not as
/// one more link of the list (the list showed 「電子証明書発行申請」 twice, alike).
#[test]
fn the_help_sites_menu_tells_a_section_from_a_link() {
    let usage = read(&out().join("site/online-shikaku/usage.html"));
    for heading in [
        "オンライン資格・オンライン請求利用申請",
        "電子証明書発行申請",
    ] {
        assert!(
            usage.contains(&format!(
                "class=\"menu-section\"><span class=\"menu-heading\">{heading}</span>"
            )),
            "{heading}"
        );
    }
    assert!(usage.contains("<span class=\"menu-label\">電子証明書発行申請</span>"));
}

/// The `<svg>` pictures of an HTML page, each whole.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let end = i + rest[i..].find("</svg>").expect("closed svg") + 6;
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

/// The links of the portal's screens among their buttons (the seed:
/// `[パスワードを忘れた方はこちら](#)` after 1-1's ログイン, `[電子証明書の発行等申請の
/// 手引きのPDFを開く](#)` after 2-2's 次へ) are drawn as links: underlined text
/// in the link colour, marked `link` in the guide's SVG, no button's box; the
/// first was a grey button and the second not drawn. The pictures' text
/// alternatives (the guide's `aria-label`, the handout's `/Alt`), the
/// handout's caption and the guide's list of the screen's buttons name each
/// as a link (「「…」のリンク」), never as a button.
#[test]
fn the_portals_links_are_drawn_and_named_as_links() {
    let html = read(&out().join("clinics/1430123455/index.html"));
    let (pdf, _) = dental();
    for label in [
        "パスワードを忘れた方はこちら",
        "電子証明書の発行等申請の手引きのPDFを開く",
    ] {
        let named = format!("「{label}」のリンク");
        let pictures: Vec<&str> = svgs(&html)
            .into_iter()
            .filter(|s| s.contains(&format!(">{label}</text>")))
            .collect();
        assert_eq!(pictures.len(), 1, "{label}: one picture draws it");
        let svg = pictures[0];
        assert!(
            svg.contains("<text class=\"link\"") && {
                let at = svg.find(&format!(">{label}</text>")).unwrap();
                let open = svg[..at].rfind("<text").unwrap();
                svg[open..at].starts_with("<text class=\"link\"")
            },
            "{label} is drawn as a link's text"
        );
        assert!(svg.contains("<path class=\"link\""), "{label}: underlined");
        let aria = &svg[svg.find("aria-label=\"").expect("labelled") + 12..];
        let aria = &aria[..aria.find('"').unwrap()];
        assert!(aria.contains(&named), "{aria}");
        assert!(
            html.contains(&format!(
                "<span class=\"scr-link\">{label}<span class=\"sr\">（リンク）</span></span>"
            )),
            "the guide's list of the screen's buttons"
        );
        assert!(
            dental_alts().contains(&squash(&named)),
            "the handout's /Alt names {named}"
        );
        assert!(pdf.contains(&squash(&named)), "the handout's caption");
        in_neither(&format!("「{label}」ボタン"));
        in_neither(&format!("［{label}］"));
    }
    // A menu's entry to click is named as a link too (it read
    // 「「オンライン資格確認利用開始・変更申請」を示しています」).
    assert!(
        dental_alts().contains("「オンライン資格確認利用開始・変更申請」のリンクを示しています"),
        "1-2's /Alt"
    );
}

/// A link (or button) without words is a located load error: it would draw
/// nothing to click (or an empty box).
#[test]
fn a_link_with_no_text_is_a_located_error() {
    located_error(
        "- { label: パスワードを忘れた方はこちら, link: true }",
        "- { label: \"\", link: true }",
        "a link with no text",
    );
}

/// The words of the `class="link"` text runs of a picture, joined (a link
/// that wraps is one run a line).
fn link_words(svg: &str) -> String {
    svg_texts(svg, "link").concat()
}

/// The picture of step `step` in みなと歯科クリニック's HTML guide.
fn picture_of(html: &str, step: &str) -> String {
    svgs(html)
        .into_iter()
        .find(|s| s.contains(&format!("aria-label=\"手順{step}の画面イメージ")))
        .unwrap_or_else(|| panic!("a picture of {step}"))
        .to_string()
}

/// The links the seed manual shows on the screens besides the buttons' line
/// are drawn as links and named as links (「「…」のリンク」) in the guide's
/// `aria-label` and the handout's `/Alt`: 2-2's CP/CPS document under the
/// screen's lead (`links:` of a screen), 1-3's 「…利用規約はこちらをクリック」 that
/// ends the explanation of 利用規約への同意 (`links:` of a row, drawn in its cell
/// beside the box; the line type's is not drawn, see docs/handout-behaviour.md), and 1-2's
/// 「登録内容を確認する」 after three
/// entries of the my page (and 「決定通知書をダウンロードする」 after the card
/// reader's). None was drawn; 1-2's ログアウト was a button at the foot of the
/// page, where the portal has it at the top (`top: true`).
#[test]
fn the_links_in_a_screens_text_and_rows_are_drawn_and_named_as_links() {
    let html = read(&out().join("clinics/1430123455/index.html"));
    for (step, labels) in [
        (
            "2-2",
            &["オンライン請求ネットワーク関連システム共通認証局運用規程（CP/CPS）のPDFを開く"][..],
        ),
        (
            "1-3",
            &["オンライン資格確認等システム利用規約はこちらをクリック"][..],
        ),
        (
            "1-2",
            &["登録内容を確認する", "決定通知書をダウンロードする"][..],
        ),
    ] {
        let svg = picture_of(&html, step);
        let words = link_words(&svg);
        for label in labels {
            assert!(
                words.contains(label),
                "{step}: {label} drawn as a link: {words}"
            );
            let named = format!("「{label}」のリンク");
            let aria = &svg[svg.find("aria-label=\"").expect("labelled") + 12..];
            let aria = &aria[..aria.find('"').unwrap()];
            assert!(aria.contains(&named), "{step}: {aria}");
            assert!(
                dental_alts().contains(&squash(&named)),
                "the handout's /Alt names {named}"
            );
            in_neither(&format!("「{label}」ボタン"));
        }
    }
    // 「登録内容を確認する」 after each of the three entries, named once.
    let my_page = picture_of(&html, "1-2");
    assert_eq!(
        link_words(&my_page).matches("登録内容を確認する").count(),
        3,
        "{my_page}"
    );
    let aria = &my_page[my_page.find("aria-label=\"").unwrap() + 12..];
    let aria = &aria[..aria.find('"').unwrap()];
    assert_eq!(aria.matches("「登録内容を確認する」のリンク").count(), 1);
    // ログアウト at the top: above the first entry of the menu.
    let y_of = |svg: &str, words: &str| -> f32 {
        let at = svg.find(&format!(">{words}</text>")).expect(words);
        let open = svg[..at].rfind("<text").unwrap();
        let tag = &svg[open..at];
        let y = &tag[tag.find(" y=\"").expect("y") + 4..];
        y[..y.find('"').unwrap()].parse().expect("a number")
    };
    assert!(
        y_of(&my_page, "ログアウト") < y_of(&my_page, "アカウント情報編集"),
        "ログアウト is drawn at the top"
    );
}

/// An entry of `links:` without words is a located load error.
#[test]
fn a_rows_link_with_no_text_is_a_located_error() {
    located_error(
        "links: [オンライン資格確認等システム利用規約はこちらをクリック]",
        "links: [\"\"]",
        "a link with no text: an entry of `links` is empty",
    );
}
