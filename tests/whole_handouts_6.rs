//! Whole handouts and HTML guides of three more clinics (review32): a 変更
//! clinic whose two terminals have one name (two 「受付」) and one 「受付」 in
//! the list applied for, a hospital of eight terminals paying by slip, and a
//! clinic whose last safe day falls on a Saturday of 年末年始. The clinics
//! are in tests/fixtures/whole-handouts-6/, built for 2026-12-01 (a
//! Tuesday).

mod common;
use common::docs::*;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const DAY: &str = "2026-12-01";

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/whole-handouts-6")
}

/// The three clinics, built once (every one gets its guide), and the
/// build's messages.
fn built() -> &'static (PathBuf, String) {
    static OUT: OnceLock<(PathBuf, String)> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("whole-handouts-6");
        let (code, err) = build_clinics_on(&fixtures(), &out, DAY);
        assert_eq!(code, Some(0), "{err}");
        (out, err)
    })
}

fn docs(out: &Path, key: &str) -> Docs {
    Docs::in_dir(&out.join("clinics").join(key))
}

/// One fixture file, with `edits` (from, to) applied, built for `day` into
/// a folder of its own: its documents and the build's messages.
fn one_on(
    file: &str,
    edits: &[(&str, &str)],
    key: &str,
    day: &str,
) -> (tempfile::TempDir, Docs, String) {
    let d = tempfile::tempdir().unwrap();
    let mut text = read(&fixtures().join(file));
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let edited = d.path().join(file);
    std::fs::write(&edited, text).unwrap();
    let out = d.path().join("out");
    let (code, err) = build_clinics_on(&edited, &out, day);
    assert_eq!(code, Some(0), "{err}");
    let c = docs(&out, key);
    (d, c, err)
}

const NONE: [&str; 0] = [];
const ALL: [&str; 3] = ["html", "pdf", "sheet"];
const GUIDES: [&str; 2] = ["html", "pdf"];

#[test]
fn two_terminals_of_one_name_one_applied_for_are_looked_up_and_the_vendor_warned_at_the_line() {
    // 淀川なかよし内科 (a-…): 変更, terminals 「受付、受付、診察室」, applied
    // for 「受付」. The count was right (one 「受付」 still to apply for: 2枚),
    // but the fee notice said 「…のうち「受付」は以前の申請で申請済みなので、
    // 今回は「受付、診察室」の2枚を申請します」 and part 2 「申請済みの「受付」の分は
    // 申請せず…1回目は「受付」の分です」: which 「受付」 holds the certificate
    // the data cannot say, and nothing asked the clinic to look it up or
    // told the vendor.
    let (out, err) = built();
    assert!(
        err.contains(
            "「受付」という端末名称は2台あり、どの端末の電子証明書が申請済みか分かりません"
        ) && err.contains("a-osaka-change-two-uketsuke.yaml:25:5"),
        "{err}"
    );
    let c = docs(out, "2710123452");
    assert_eq!(
        c.having("データの申請済みの端末「受付」は、端末名称（受付、受付、診察室）に同じ名前でほかにもあり、どの端末の分が申請済みか分かりません。"),
        GUIDES
    );
    assert_eq!(
        c.having(
            "電子証明書申請状況照会を開いて、その名前の電子証明書が何枚申請済みか確かめてください"
        ),
        GUIDES
    );
    // The vendor's remark, in the handout's data remarks too.
    assert_eq!(c.having("「受付」という端末名称は2台あり"), GUIDES);
    // Two certificates, 3,000円, everywhere; part 2 twice.
    assert_eq!(c.having("電子証明書は2枚（発行料3,000円）"), ALL);
    assert_eq!(c.having("「受付」は以前の申請で申請済みなので"), NONE);
    assert_eq!(
        c.having("「受付」は同じ名前の端末がほかにもあり、どの端末の分が申請済みかは手順1-2で確かめます。"),
        GUIDES
    );
    for part in [
        "1台目（受付）:電子証明書の発行申請",
        "2台目（診察室）:電子証明書の発行申請",
    ] {
        assert_eq!(c.having(part), GUIDES, "{part}");
    }
    assert_eq!(c.having("3台目"), NONE);
    assert_eq!(
        c.having("見出しの「1台目」「2台目」は、今回申請する端末の順番です"),
        GUIDES
    );
}

#[test]
fn a_terminal_whose_name_another_has_is_told_to_enter_the_name_chosen_for_it() {
    // 淀川なかよし内科: the notice asks the clinic to choose names that tell
    // its terminals apart before applying, yet step 2-2 said 「2. 端末名称等に
    // 「受付」と入力する」 (and its picture, the confirmation, the notice's
    // sample and the sheet showed 「受付」): a second certificate named
    // 「受付」, the mix-up the notice warns of. The 受付 round now says to
    // enter the name chosen for this terminal; 診察室, a name of its own,
    // is entered as registered.
    let (out, _) = built();
    let c = docs(out, "2710123452");
    assert_eq!(c.having("端末名称等に「受付」と入力する"), NONE);
    assert_eq!(c.having("「受付」と入力"), NONE);
    assert_eq!(
        c.having("端末名称等にこの端末に決めた名前を入力する（登録の「受付」はほかの端末と同じ名前なので、そのままでは入力しません）"),
        GUIDES
    );
    assert_eq!(
        c.having("この端末に決めた名前を入力（「受付」のままにしない）"),
        GUIDES
    );
    // The sheet's line for the row, and the confirmation screen.
    assert_eq!(
        c.having("□受付:この端末に決めた名前を入力（同名の端末あり）□診察室"),
        ["sheet"]
    );
    assert_eq!(
        c.having("この端末に決めた名前が表示されていることを確かめる"),
        GUIDES
    );
    assert_eq!(
        c.having("端末名称等に「診察室」、担当部署/担当者名に「受付中吉里美」と入力し"),
        GUIDES
    );
    // The notice says what the handout does.
    assert_eq!(
        c.having("同じ名前の端末の回では、この手順書は端末名称等に「この端末に決めた名前」を入力するよう書いています"),
        GUIDES
    );
    assert_eq!(
        c.having("この手順書は登録された名前のまま載せています"),
        NONE
    );

    // Names that differ only in width are one name on a label: both rounds
    // are told to enter a name of their own; a clinic of distinct names is
    // told its names, as before.
    let (_d, c, _) = one_on(
        "a-osaka-change-two-uketsuke.yaml",
        &[
            (
                "  - 受付\n  - 受付\n  - 診察室\n",
                "  - PC1\n  - ＰＣ１\n  - 診察室\n",
            ),
            (
                "terminals_applied:\n  - 受付\n",
                "terminals_applied:\n  - 診察室\n",
            ),
        ],
        "2710123452",
        DAY,
    );
    assert_eq!(c.having("端末名称等に「PC1」"), NONE);
    assert_eq!(c.having("登録の「PC1」はほかの端末と同じ名前"), GUIDES);
    assert_eq!(c.having("登録の「ＰＣ１」はほかの端末と同じ名前"), GUIDES);
    let (_d, c, _) = one_on(
        "a-osaka-change-two-uketsuke.yaml",
        &[(
            "  - 受付\n  - 受付\n  - 診察室\n",
            "  - 受付\n  - 待合\n  - 診察室\n",
        )],
        "2710123452",
        DAY,
    );
    assert_eq!(c.having("決めた名前"), NONE);
    assert_eq!(
        c.having("端末名称等に「診察室」、担当部署/担当者名"),
        GUIDES
    );
    assert_eq!(c.having("端末名称等に「待合」と入力する"), GUIDES);
}

#[test]
fn a_name_applied_for_as_often_as_the_terminals_have_it_is_no_doubt() {
    // Both 「受付」 applied for: the list is whole, no warning, one
    // certificate (診察室) to apply for.
    let (_d, c, err) = one_on(
        "a-osaka-change-two-uketsuke.yaml",
        &[(
            "terminals_applied:\n  - 受付\n",
            "terminals_applied:\n  - 受付\n  - 受付\n",
        )],
        "2710123452",
        DAY,
    );
    assert!(
        !err.contains("どの端末の電子証明書が申請済みか分かりません"),
        "{err}"
    );
    assert_eq!(c.having("電子証明書は1枚（発行料1,500円）"), ALL);
    assert_eq!(c.having("どの端末の分が申請済みか"), NONE);
    assert_eq!(c.having("電子証明書申請状況照会を開いて"), NONE);
}

#[test]
fn eight_terminals_paying_by_slip_are_counted_alike_everywhere() {
    // 名古屋みなみ総合病院 (b-…): eight terminals, 払込請求書: 8枚・12,000円 on
    // every document, a part per terminal, a box per name on the sheet, the
    // slip at the last 2-5 only, ten pages within the size budget.
    let (out, _) = built();
    let c = docs(out, "2311020305");
    assert_eq!(c.having("電子証明書は8枚（発行料12,000円）"), ALL);
    assert_eq!(c.having("発行料は合計12,000円です。"), GUIDES);
    assert_eq!(c.having("貴施設は端末8台分、8回申請します。"), GUIDES);
    let names = [
        "医事課受付1",
        "医事課受付2",
        "外来受付",
        "救急外来",
        "入院受付",
        "薬剤部",
        "地域医療連携室",
        "健診センター",
    ];
    for (n, name) in names.iter().enumerate() {
        let part = format!("{}台目（{name}）:電子証明書の発行申請", n + 1);
        assert_eq!(c.having(&part), GUIDES, "{part}");
        assert_eq!(c.having(&format!("□{name}")), ["sheet"], "{name}");
    }
    assert_eq!(c.having("9台目"), NONE);
    let pdf = out.join("clinics/2311020305/guide.pdf");
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Pages:           10"), "{info}");
    assert!(std::fs::metadata(&pdf).unwrap().len() <= 150_000);
    // The last safe day is a Sunday (2027-02-14): the Friday before it is
    // given beside it.
    assert_eq!(
        c.having("2027年2月12日（金）申請を済ませたい最終日の前の平日"),
        GUIDES
    );
    // The sheet's dates are a column of their own in pdftotext's order.
    assert_eq!(c.having("申請を済ませたい最終日の前の平日"), ALL);
}

#[test]
fn a_last_safe_day_on_a_closed_day_gives_the_weekday_before_it() {
    // 博多しんねん眼科 (c-…): installation Tue 2027-01-12, the last safe day
    // Sat 2027-01-02, in 年末年始. The schedule and sheet gave it as the day
    // to apply by without a word; whether the portal takes an application on
    // a day 支払基金 is closed no source says.
    let (out, _) = built();
    let c = docs(out, "4012007110");
    assert_eq!(c.having("2027年1月2日（土）申請を済ませたい最終日"), ALL);
    assert_eq!(
        c.having("2026年12月28日（月）申請を済ませたい最終日の前の平日"),
        ALL
    );
    assert_eq!(
        c.having("申請を済ませたい最終日（2027年1月2日（土））が支払基金の休みのため（休みの日に申請できるかは確かめていません）"),
        GUIDES
    );
    // Built on 2026-12-28: the notice to apply soon names the weekday too.
    let (_d, c, _) = one_on(
        "c-fukuoka-after-new-year.yaml",
        &[],
        "4012007110",
        "2026-12-28",
    );
    assert_eq!(
        c.having("申請は2027年1月2日（土）までに済ませてください"),
        ALL
    );
    assert_eq!(
        c.having("休みの日に申請できるかは確かめていないため、できれば前の平日の2026年12月28日（月）までに済ませてください。"),
        GUIDES
    );
    // Built on 2026-12-30, that weekday past: apply today; no row of a
    // weekday already past.
    let (_d, c, _) = one_on(
        "c-fukuoka-after-new-year.yaml",
        &[],
        "4012007110",
        "2026-12-30",
    );
    assert_eq!(
        c.having("休みの日に申請できるかは確かめていないため、今日のうちに済ませてください。"),
        GUIDES
    );
    assert_eq!(c.having("申請を済ませたい最終日の前の平日"), NONE);
}

#[test]
fn a_last_safe_day_on_a_weekday_gets_no_word() {
    // The same clinic installed on Friday 2027-01-22: the last safe day is
    // Tuesday 01-12, a day 支払基金 is open; no row, no word.
    let (_d, c, _) = one_on(
        "c-fukuoka-after-new-year.yaml",
        &[(
            "installation_date: 2027-01-12",
            "installation_date: 2027-01-22",
        )],
        "4012007110",
        DAY,
    );
    assert_eq!(
        c.having("2027年1月12日（火）申請を済ませたい最終日"),
        GUIDES
    );
    assert_eq!(c.having("前の平日"), NONE);
}
