//! Whole handouts of four more clinics, read as their receptionist reads them
//! (review26): a clinic whose vendor data is not complete (「未定」「確認中」
//! where values belong), two clinics imported from a CSV written the way
//! staff write (全角, half-width ｶﾅ, ①②, 「－」 and 「未定」 in cells), a
//! hospital with seven terminals paying by 払込請求書, and a clinic three
//! business days before its installation with its planned application day
//! and start month past. The clinics are in tests/fixtures/whole-handouts-2/,
//! built for 2026-11-30 (a Monday).

mod common;
use common::docs::*;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const DAY: &str = "2026-11-30";

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/whole-handouts-2")
}

/// Builds `clinics` for [`DAY`] into `out`; the build's exit code and stderr.
fn build_day(clinics: &Path, out: &Path) -> (Option<i32>, String) {
    build_clinics_on(clinics, out, DAY)
}

/// The YAML clinics and the CSV, each built once (every clinic gets its guide).
fn built() -> &'static (PathBuf, PathBuf) {
    static OUT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    OUT.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("whole-handouts-2");
        let yaml = base.join("yaml");
        let (code, err) = build_day(&fixtures(), &yaml);
        assert_eq!(code, Some(0), "{err}");
        let csv = base.join("csv");
        let (code, err) = build_day(&fixtures().join("b-hiroshima-fullwidth.csv"), &csv);
        assert_eq!(code, Some(0), "{err}");
        (yaml, csv)
    })
}

fn docs(out: &Path, key: &str) -> Docs {
    Docs::in_dir(&out.join("clinics").join(key))
}

const NONE: [&str; 0] = [];
const ALL: [&str; 3] = ["html", "pdf", "sheet"];

#[test]
fn a_value_that_says_it_is_not_decided_yet_is_read_as_blank_never_as_a_value_to_type() {
    // 青葉どおり内科 (a-…): the vendor wrote お客さまID 「確認中」, 端末名称
    // 「未定」, 設置予定日 and テスト開始予定年月 「未定」. The ID and the dates
    // stopped its guide
    // (「'確認中' の先頭に英字 (CAF や COP) がありません」); with only the
    // terminal 「未定」 the sheet said 「2-2 端末名称等 未定」 and the picture
    // 「「未定」と入力」, and a contact person 「未定」 was 「担当部署/担当者名 未定」.
    // Now each is blank with a warning at it: the ID is the finding that
    // asks the clinic to look it up on its 開通のご案内, no terminal is the
    // usage application alone with 「端末…を決めて担当の業者に知らせ」, no
    // installation day is no date to count from.
    let c = docs(&built().0, "0410123459");
    for typed in ["「未定」と入力", "「確認中」と入力", "端末名称等未定"] {
        assert_eq!(c.having(typed), NONE, "{typed}");
    }
    assert_eq!(
        c.having("確認中"),
        ["html", "pdf"],
        "only the vendor's remark"
    );
    assert_eq!(c.having("お客さまIDが登録されていません"), ALL);
    assert_eq!(c.having("端末が登録されていません"), ALL);
    assert_eq!(
        c.having("電子証明書を入れる端末とその名前（例：オンライン資格確認パソコン）を決めて担当の業者に知らせ"),
        ["html", "pdf"]
    );
    assert_eq!(
        c.having("設置予定日: 「未定」は値ではなく、まだ決まっていない印として読みました"),
        ["html", "pdf"]
    );
    assert_eq!(c.having("設置予定日"), ["html", "pdf"], "only the remark");
    // テスト開始予定年月 「未定」 (the portal's own 「※未定の方は入力不要」)
    // stopped the guide: 「年月 '未定' に読めない文字」. Now the box is left empty.
    assert_eq!(
        c.having(
            "1-3テスト開始予定年月(※未定の方は入力不要)空欄のままで構いません（未定なら入力不要）"
        ),
        ["html", "sheet"]
    );

    // A required value that only says 「未定」 is missing: no guide, and the
    // build says why at the value's line.
    let d = tempfile::tempdir().unwrap();
    let text = read(&fixtures().join("a-miyagi-undecided.yaml"))
        .replace("person: 青葉 花子", "person: （未定）");
    let file = d.path().join("clinic.yaml");
    std::fs::write(&file, text).unwrap();
    let (code, err) = build_day(&file, &d.path().join("out"));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("担当者名: 「（未定）」は値ではなく、まだ決まっていない印として読みました"),
        "{err}"
    );
    assert!(
        err.contains("必須項目「担当者名」(contact.person) がありません。「（未定）」はまだ決まっていない印です。担当者名が決まったら書いてください"),
        "{err}"
    );
    assert!(err.contains("clinic.yaml:8:11"), "{err}");
}

#[test]
fn a_csv_cell_of_a_dash_or_undecided_is_blank_in_a_list_and_in_a_choice() {
    // 紙屋町ﾊｰﾄ内科 (the CSV's second row): 担当部署 「－」, お客さまID 「未定」,
    // v6オプション 「－」, 端末名称2 「－」, 設置日 「未定」. The v6 option's 「－」
    // and the date's 「未定」 stopped its guide; without them the sheet listed
    // a second terminal 「－」 to type and a certificate for it. Now one
    // terminal, one certificate, the v6 option to confirm.
    let c = docs(&built().1, "3410506087");
    assert_eq!(c.having("「－」と入力"), NONE);
    assert_eq!(c.having("□－"), NONE);
    assert_eq!(c.having("電子証明書は1枚（発行料1,500円）"), ALL);
    assert_eq!(
        c.having("フレッツ・v6オプションの契約を確認してください"),
        ALL
    );
    assert_eq!(
        c.having("担当部署/担当者名に「上田 一郎」と入力"),
        ["html", "pdf"]
    );
    let dashboard = squash(&untagged(&read(&built().1.join("clinics/index.html"))));
    assert!(
        dashboard.contains(&squash("端末名称: 「－」は値ではなく")),
        "{dashboard}"
    );
}

#[test]
fn values_imported_in_full_width_and_half_width_kana_read_the_same_in_every_document() {
    // ﾋﾛｼﾏ駅前ｸﾘﾆｯｸ (the CSV's first row): the ID 「ＣＡＦ １２３４ ５６７８９０」
    // is typed CAF + 1234567890; the contact 「ｳｹﾂｹ」「山田 ﾊﾅｺ」 and the
    // terminals 「受付ＰＣ①」「診察室ＰＣ②」 are typed as written, the same in
    // the guide, the handout and the sheet (nothing folded on one side only).
    let c = docs(&built().1, "3410506079");
    for typed in ["1234567890", "ｳｹﾂｹ 山田 ﾊﾅｺ", "受付ＰＣ①", "診察室ＰＣ②"]
    {
        assert_eq!(c.having(typed), ALL, "{typed}");
    }
    // Shown by the portal, not typed: not on the sheet.
    assert_eq!(c.having("082-261-0000"), ["html", "pdf"]);
    for folded in ["ウケツケ", "ハナコ", "受付PC"] {
        assert_eq!(c.having(folded), NONE, "{folded}");
    }
}

#[test]
fn seven_terminals_paying_by_slip_are_counted_alike_everywhere() {
    // 城東さくら記念病院 (c-…): seven terminals, fee by 払込請求書. Every page
    // says seven certificates and 10,500 yen, each terminal's part has its
    // own name once, the slip is said once at the last 2-5, and the handout
    // stays within the PDF budget.
    let out = &built().0;
    let c = docs(out, "1311234566");
    assert_eq!(c.having("電子証明書は7枚（発行料10,500円）"), ALL);
    for (n, name) in [
        "医事課受付1",
        "医事課受付2",
        "外来受付",
        "救急外来受付",
        "入院受付",
        "薬剤部",
        "地域連携室",
    ]
    .iter()
    .enumerate()
    {
        let part = format!("{}台目（{name}）:電子証明書の発行申請", n + 1);
        assert_eq!(c.having(&part), ["html", "pdf"], "{part}");
        assert_eq!(c.having(&format!("□{name}")), ["sheet"], "{name}");
    }
    assert_eq!(c.having("8台目"), NONE);
    assert_eq!(
        c.pdf
            .matches("「払込請求書」が届いたら、電子証明書発行料を振り込んでください")
            .count(),
        1
    );
    let size = std::fs::metadata(out.join("clinics/1311234566/guide.pdf"))
        .unwrap()
        .len();
    assert!(size <= 150_000, "{size}");
}

#[test]
fn three_business_days_before_installation_nothing_asks_for_a_day_already_past() {
    // 浜松ひかり眼科 (d-…): installation Thu 2026-12-03, planned application
    // 2026-11-20 (past), start month 2026-11. Every page agrees: the notice
    // comes 12-07, after the installation; apply now and move the day; the
    // start month to type is 2026年12月; no sentence gives a past day to
    // apply by.
    let c = docs(&built().0, "2210102030");
    assert_eq!(
        c.having("設置予定日までに電子証明書発行通知書が届きません"),
        ALL
    );
    assert_eq!(c.having("2026年12月7日（月）"), ALL);
    assert_eq!(c.having("までに二つの申請を済ませてください"), NONE);
    assert_eq!(c.having("までに申請"), NONE);
    assert_eq!(
        c.having("設置日には、届いた電子証明書発行通知書を用意してお待ちください"),
        NONE
    );
    assert_eq!(c.having("1-3利用開始予定年月2026年12月"), ["html", "sheet"]);
}

#[test]
fn a_missing_customer_id_names_both_papers_it_is_printed_on_and_the_portals_document() {
    // 青葉どおり内科 (a-…), お客さまID not known yet: the finding said only
    // 「開通のご案内で…確認してください」. The ID is printed on the 開通のご案内
    // or the お申込内容のご案内 (shared/reference/domain.md; a 光コラボ line's
    // paper may be the second), and the portal's row links 「お客さまIDの確認方法」
    // (the seed manual). Now the finding names both papers, says before the
    // application, and points at the document.
    let c = docs(&built().0, "0410123459");
    assert_eq!(
        c.having("開通のご案内（またはお申込内容のご案内）で、CAF または COP で始まるIDを申請の前に確認してください"),
        ["html", "pdf"]
    );
    assert_eq!(
        c.having("確かめ方は、申請画面の資料「お客さまIDの確認方法」にもあります"),
        ["html", "pdf"]
    );
}

#[test]
fn the_customer_id_row_names_both_papers_the_id_may_be_read_from() {
    // 城東さくら記念病院 (c-…), on NTT's line with its ID: 1-3's 補足 for お客さまID
    // said 「開通のご案内に載っているお客さまIDの種類…」 alone, while the ID is
    // printed on the 開通のご案内 or the お申込内容のご案内 (domain.md) and the
    // rule for a missing ID names both (review26).
    let c = docs(&built().0, "1311234566");
    assert_eq!(
        c.having("開通のご案内かお申込内容のご案内に載っているお客さまIDの種類（CAFかCOP）を選び"),
        ["html", "pdf"]
    );
}
