//! The checklist (「手元にご用意ください」) and the schedule of three clinics,
//! read item by item as their receptionists would: every item applies to this
//! clinic, an item the clinic must act on is there, in the order the clinic
//! does it, in the HTML guide and the handout alike. The clinics are in
//! tests/fixtures/checklist/:
//! - 北の森内科医院 (0110113719): a 変更 application, three terminals, a line
//!   not NTT's (type 3);
//! - なにわ中央薬局 (2740100181): a 薬局 paying by 払込請求書, one terminal,
//!   its v6 option applied for soon;
//! - 青空ファミリークリニック (1311234566): doubted values (a 光コラボ line typed
//!   as 3, no v6 option, a start month gone by).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The three clinics built once for all tests of this file.
fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    built_once(&OUT, "checklist", "checklist")
}

/// The handout's text in `dir`, without whitespace.
fn handout(dir: &Path) -> String {
    squash(&poppler(
        "pdftotext",
        &[
            "-enc",
            "UTF-8",
            dir.join("guide.pdf").to_str().unwrap(),
            "-",
        ],
    ))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The checklist's items of one clinic, in order: from the HTML guide's
/// `ul.checklist` and from the handout's text between its heading and the
/// registration table (each item found there by its opening words).
struct Checklist {
    html: Vec<String>,
    pdf: String,
}

impl Checklist {
    fn of(key: &str) -> Checklist {
        Self::at(&built().join("clinics").join(key))
    }

    /// One clinic of tests/fixtures/many-findings/ (five or more findings).
    fn of_many(key: &str) -> Checklist {
        static OUT: OnceLock<PathBuf> = OnceLock::new();
        let out = built_once(&OUT, "many-findings", "checklist-many");
        Self::at(&out.join("clinics").join(key))
    }

    fn at(dir: &Path) -> Checklist {
        let dir = dir.to_path_buf();
        let page = read(&dir.join("index.html"));
        let start = page.find("<ul class=\"checklist\"").expect("a checklist");
        let list = &page[start..start + page[start..].find("</ul>").unwrap()];
        let html = list
            .split("<li")
            .skip(1)
            .map(|li| squash(&untagged(&format!("<li{li}"))))
            .collect();
        let text = handout(&dir);
        let from = text
            .find("手元にご用意ください")
            .expect("handout checklist");
        let to = from + text[from..].find("貴施設の登録内容").unwrap();
        Checklist {
            html,
            pdf: text[from..to].to_string(),
        }
    }

    /// The position of the item starting with `words` in the HTML list.
    fn index(&self, words: &str) -> Option<usize> {
        let w = squash(words);
        self.html.iter().position(|i| i.starts_with(&w))
    }

    /// Asserts the items starting with `words` come in this order, in the HTML
    /// guide and in the handout.
    fn in_order(&self, words: &[&str]) {
        let at: Vec<usize> = words
            .iter()
            .map(|w| {
                self.index(w)
                    .unwrap_or_else(|| panic!("no item {w}: {:?}", self.html))
            })
            .collect();
        assert!(at.windows(2).all(|p| p[0] < p[1]), "html {words:?}: {at:?}");
        let at: Vec<usize> = words
            .iter()
            .map(|w| {
                self.pdf
                    .find(&squash(w))
                    .unwrap_or_else(|| panic!("handout lacks {w}: {}", self.pdf))
            })
            .collect();
        assert!(at.windows(2).all(|p| p[0] < p[1]), "pdf {words:?}: {at:?}");
    }

    /// Whether any item (HTML or handout) says `words`.
    fn says(&self, words: &str) -> bool {
        let w = squash(words);
        let html = self.html.iter().any(|i| i.contains(&w));
        assert_eq!(
            html,
            self.pdf.contains(&w),
            "HTML and handout differ on {words}"
        );
        html
    }
}

const ACCOUNT: &str = "医療機関等向けポータルサイトに登録したメールアドレスとパスワード";
const APPLIED: &str = "どの端末の電子証明書を申請済みか";
const NOTICE: &str = "光コラボ事業者（またはNTT）から届いた開通のご案内";
const V6: &str = "フレッツ・v6オプションを契約済みか、近日中に申し込むか";
const MAIL: &str = "支払基金（ssk.or.jp）からのメールを";
const SECRET: &str = "施設内で決めた4桁の秘密の番号";
const PAYMENT: &str = "電子証明書発行料の支払方法";
const PERSON: &str = "申請する担当部署と担当者";
const CONTRACT: &str = "回線の契約書類（回線の種類が電気通信回線種別の「3」に当たるか確かめます";

#[test]
fn a_change_application_asks_which_terminals_have_a_certificate_before_step_2() {
    // 北の森内科医院 (変更, three terminals): the warning tells it to look up
    // which terminals were applied for (電子証明書申請状況照会) before step 2,
    // yet its checklist did not ask for it. It does now, after the account it
    // logs in with (the look-up is on the my page), and nothing of an NTT line:
    // its line (not NTT's, typed 3) asks for its contract papers (review31).
    let c = Checklist::of("0110113719");
    assert_eq!(c.html.len(), 7, "{:?}", c.html);
    c.in_order(&[ACCOUNT, APPLIED, CONTRACT, MAIL, SECRET, PAYMENT, PERSON]);
    assert!(c.says("電子証明書申請状況照会で確かめます"));
    assert!(
        !c.says("開通のご案内"),
        "a line not NTT's has no opening notice"
    );
    assert!(!c.says("v6オプション"), "a line not NTT's has no v6 option");
    assert!(c.says("オンライン資格確認パソコン、診察室1パソコン、受付2パソコン"));
    // A first application (the other two clinics) is not asked it.
    for key in ["2740100181", "1311234566"] {
        assert!(!Checklist::of(key).says(APPLIED), "{key}");
    }
}

#[test]
fn a_doubted_v6_option_is_on_the_checklist_before_the_form() {
    // 青空ファミリークリニック: a 光コラボ line whose v6 option is not contracted.
    // The warning asks it to find out whether it is contracted or applied for
    // before it ticks the box at 1-3; its checklist did not ask for it.
    let c = Checklist::of("1311234566");
    c.in_order(&[ACCOUNT, NOTICE, V6, MAIL, SECRET, PAYMENT, PERSON]);
    // Its data says 未契約: told so, and to apply before the application.
    assert!(c.says("データ上は未契約です"));
    assert!(c.says("まだなら申請の前に申し込むか申し込む日を決めてください"));
    // なにわ中央薬局's option is applied for soon (the box is ticked): no item.
    assert!(!Checklist::of("2740100181").says(V6));
}

#[test]
fn a_clinic_paying_by_slip_is_told_to_pay_the_slip() {
    // なにわ中央薬局 chose 「2: 払込請求書による振込み」: the 支払基金 sends a
    // 払込請求書 that the clinic pays, its bank fee its own (the seed manual's
    // ※2). Only the form's help at 1-3 said so; nothing after the application
    // told it to pay. Its last 2-5 now does, in the HTML guide and the handout.
    let title = "「払込請求書」が届いたら、電子証明書発行料を振り込んでください";
    let dir = built().join("clinics/2740100181");
    let html = squash(&untagged(&read(&dir.join("index.html"))));
    let pdf = handout(&dir);
    for (name, doc) in [("html", &html), ("pdf", &pdf)] {
        let at = doc.find(&squash(title)).unwrap_or_else(|| panic!("{name}"));
        assert!(doc[at..].contains("振込手数料は貴施設の負担"), "{name}");
        // After the step that completes the application, before the closing words.
        let done = doc.rfind("発行申請成功").unwrap();
        assert!(done < at && at < doc.rfind("おわりに").unwrap(), "{name}");
        assert_eq!(doc.matches(&squash(title)).count(), 1, "{name}");
    }
    // Deducted from the fee payment (1): nothing to pay, no such note.
    for key in ["0110113719", "1311234566"] {
        let dir = built().join("clinics").join(key);
        assert!(!read(&dir.join("index.html")).contains("払込請求書」が届いたら"));
    }
}

#[test]
fn each_schedule_has_the_rows_of_its_clinic_in_date_order() {
    // The schedule of each: the rows that apply to it, earliest first.
    let rows = |key: &str| -> Vec<String> {
        let page = read(&built().join("clinics").join(key).join("index.html"));
        let at = page.find("<table class=\"timeline\"").expect("schedule");
        let body = at + page[at..].find("<tbody>").unwrap();
        let table = &page[body..body + page[body..].find("</tbody>").unwrap()];
        table
            .split("<tr")
            .skip(1)
            .map(|r| squash(&untagged(&format!("<tr{r}"))))
            .collect()
    };
    let a = rows("0110113719");
    assert_eq!(a.len(), 5, "{a:?}");
    // 変更: the notice comes only for the terminals not applied for yet.
    assert!(a[1].contains("電子証明書発行通知書が届く見込み（未申請の端末を申請した場合）"));
    assert!(a[2].contains("申請を済ませたい最終日") && a[3].contains("設置予定日"));
    // Its certificates applied for before keep their own expiry: the date is
    // that of one applied for now (it read as every certificate's).
    assert!(
        a[4].contains("電子証明書の有効期限の目安（未申請の端末を申請した場合）"),
        "{a:?}"
    );
    let b = rows("2740100181");
    // Its last safe day is a Saturday (2027-01-09): the Friday before it is
    // a row of its own (review32).
    assert_eq!(b.len(), 6, "{b:?}");
    assert!(
        b[2].contains("2027年1月8日（金）申請を済ませたい最終日の前の平日"),
        "{b:?}"
    );
    assert!(!b[5].contains("未申請"), "{b:?}");
    assert!(b[1].contains("電子証明書発行通知書が届く見込み") && !b[1].contains("未申請"));
    // The doubted clinic's last safe day has gone and the notice comes after
    // the installation day: both said on their rows, in date order.
    let c = rows("1311234566");
    assert_eq!(c.len(), 5, "{c:?}");
    assert!(c[0].contains("申請を済ませたい最終日") && c[0].contains("すでに過ぎています"));
    assert!(
        c[2].contains("電子証明書発行通知書が届く見込み") && c[2].contains("間に合わないおそれ")
    );
    assert!(c[3].contains("設置予定日お申し出の設置日"), "{c:?}");
    // Every schedule is in date order (the rows' machine-readable dates).
    for key in ["0110113719", "2740100181", "1311234566"] {
        let page = read(&built().join("clinics").join(key).join("index.html"));
        let at = page.find("<table class=\"timeline\"").unwrap();
        let table = &page[at..at + page[at..].find("</table>").unwrap()];
        let dates: Vec<&str> = table
            .split("<time datetime=\"")
            .skip(1)
            .map(|d| &d[..10])
            .collect();
        let rows = if key == "2740100181" { 6 } else { 5 };
        assert!(dates.len() == rows && dates.is_sorted(), "{key}: {dates:?}");
    }
}

#[test]
fn terminals_of_one_name_are_not_asked_for_as_registered() {
    // 北浜ことのは医院 (many-findings/e-…, terminals 「受付、受付」) and
    // 王子さくらば内科 (c-…, 「受付ＰＣ、受付PC」): the notice says to choose
    // names that tell the terminals apart before applying, and the checklist
    // asked for 「電子証明書を入れる端末の名称（受付、受付）」 as they were.
    for (key, names) in [
        ("2713200307", "受付、受付"),
        ("1313200102", "受付ＰＣ、受付PC"),
    ] {
        let c = Checklist::of_many(key);
        assert!(
            c.says(&format!(
                "電子証明書を入れる端末ごとに見分けられる名称（登録は「{names}」で、同じ名前があります）"
            )),
            "{key}: {:?}",
            c.html
        );
        assert!(!c.says(&format!("端末の名称（{names}）")), "{key}");
    }
    // Names that differ are asked for as registered.
    let c = Checklist::of_many("2713200406");
    assert!(c.says("電子証明書を入れる端末の名称（受付パソコン、診察室パソコン）"));
}
