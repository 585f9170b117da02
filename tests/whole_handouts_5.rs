//! Whole handouts of four more clinics, read as their receptionist reads them
//! (review30): a pharmacy on ドコモ光 (a 光コラボ line) with a terminal named
//! in half-width Latin, a dental clinic on a line not NTT's whose list fills
//! the v6 option column anyway, the most common clinic of all (every value
//! right, nothing to warn), and a 医療法人社団 of a 45-character name with
//! 旧字 in its contact's name whose installation day is the day of the build.
//! The clinics are in tests/fixtures/whole-handouts-5/, built for 2026-12-01
//! (a Tuesday).

mod common;
use common::docs::*;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const DAY: &str = "2026-12-01";

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/whole-handouts-5")
}

/// The four clinics, built once (every one gets its guide).
fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("whole-handouts-5");
        let (code, err) = build_clinics_on(&fixtures(), &out, DAY);
        assert_eq!(code, Some(0), "{err}");
        out
    })
}

fn docs(out: &Path, key: &str) -> Docs {
    Docs::in_dir(&out.join("clinics").join(key))
}

/// The usual clinic's file with `edits` (from, to) applied, built for
/// [`DAY`] into a folder of its own.
fn usual_with(name: &str, edits: &[(&str, &str)]) -> (tempfile::TempDir, Docs) {
    let d = tempfile::tempdir().unwrap();
    let mut text = read(&fixtures().join("c-tokyo-usual.yaml"));
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let file = d.path().join(format!("{name}.yaml"));
    std::fs::write(&file, text).unwrap();
    let out = d.path().join("out");
    let (code, err) = build_clinics_on(&file, &out, DAY);
    assert_eq!(code, Some(0), "{err}");
    let c = docs(&out, "1310412072");
    (d, c)
}

const NONE: [&str; 0] = [];
const ALL: [&str; 3] = ["html", "pdf", "sheet"];
const GUIDES: [&str; 2] = ["html", "pdf"];

#[test]
fn the_usual_clinic_reads_no_sentence_meant_for_another_clinic() {
    // 西荻はるかぜ内科クリニック (c-…): NTT東日本, type 1, CAF, v6 契約済み,
    // 新規, テスト開始予定年月 given, fee deducted, one terminal, six weeks to
    // go. Its 1-3 explained every clinic's case but its own: 「登録済みの内容を
    // 直すときは「変更」と表示されます」 (it is 新規), 「NTTフレッツ光、または
    // NTTの光コラボ回線を使っている場合は必ず1」 (the data says which line it
    // is), 「未定なら空欄のままで構いません」 beside the month it is to type, and
    // 「2「払込請求書による振込み」は…振込手数料は貴施設の負担です」 to a clinic
    // paying by deduction.
    let c = docs(built(), "1310412072");
    for other in [
        "登録済みの内容を直すときは「変更」と表示されます",
        "を使っている場合は",
        "未定なら空欄のままで構いません",
        "振込手数料は貴施設の負担です",
        "払込請求書で振り込む方法",
    ] {
        assert_eq!(c.having(other), NONE, "{other}");
    }
    for own in [
        "初めての申請では「新規」と表示されます。",
        "登録内容では貴施設の回線は「NTT東日本 フレッツ光」です。NTTフレッツ光・NTTの光コラボ回線は必ず1を選びます。",
        "貴施設での疎通確認テストの予定年月です。",
        "1「診療(調剤)報酬支払額から控除」は、支払基金から支払われる報酬から差し引く方法で、別の手続きは要りません。",
    ] {
        assert_eq!(c.having(own), GUIDES, "{own}");
    }
    // Nothing to warn: the one notice is the fee, and the dashboard says
    // 問題なし.
    assert_eq!(c.having("電子証明書は1枚（発行料1,500円）"), ALL);
    for notice in ["重要:", "注意:", "確認してから入力"] {
        assert_eq!(c.having(notice), NONE, "{notice}");
    }
    let dashboard = squash(&untagged(&read(&built().join("clinics/index.html"))));
    assert!(dashboard.contains("問題なし3件"), "{dashboard}");
}

#[test]
fn findings_that_are_all_notes_are_not_headed_as_important() {
    // Five of the six samples and three of these four clinics have one
    // finding, the fee note (お知らせ): the dashboard says 問題なし, the
    // handout headed it 「貴施設への重要なお知らせ」 (its bookmark and contents
    // too), the sheet 「重要なお知らせ（詳しくは手引きの冒頭）」 and 2-2's pointer
    // 「詳しくは冒頭の「貴施設への重要なお知らせ」をご覧ください」. A clinic with a
    // 注意 or 重要 keeps those words.
    for key in ["1310412072", "2840103051", "4031308226"] {
        let c = docs(built(), key);
        assert_eq!(c.having("重要なお知らせ"), NONE, "{key}");
        assert_eq!(c.having("貴施設へのお知らせ"), GUIDES, "{key}");
        assert_eq!(
            c.having("お知らせ（詳しくは手引きの冒頭）"),
            ["html", "sheet"],
            "{key}: sheet.pdf and the guide's printed sheet"
        );
        assert_eq!(
            c.having("詳しくは冒頭の「貴施設へのお知らせ」をご覧ください。"),
            GUIDES,
            "{key}"
        );
        let page1 = poppler(
            "pdftotext",
            &[
                "-f",
                "1",
                "-l",
                "1",
                built()
                    .join("clinics")
                    .join(key)
                    .join("guide.pdf")
                    .to_str()
                    .unwrap(),
                "-",
            ],
        );
        assert!(page1.contains("貴施設へのお知らせ"), "{key}: {page1}");
    }
    let d = docs(built(), "2610509180");
    assert_eq!(d.having("貴施設への重要なお知らせ"), GUIDES);
    assert_eq!(
        d.having("重要なお知らせ（詳しくは手引きの冒頭）"),
        ["html", "sheet"]
    );
    assert_eq!(d.having("貴施設へのお知らせ"), NONE);
}

#[test]
fn a_change_clinic_paying_by_slip_without_a_test_month_reads_its_own_half() {
    // The same clinic as 変更, paying by 払込請求書, no test month: each row
    // says this clinic's case, the other one nowhere.
    let (_d, c) = usual_with(
        "change-slip",
        &[
            ("application_kind: new", "application_kind: change"),
            ("fee_payment: 1", "fee_payment: 2"),
            ("test_month: 2027-01\n", ""),
        ],
    );
    for own in [
        "登録済みの内容を直すときは「変更」と表示されます。",
        "2「払込請求書による振込み」は、支払基金から届く払込請求書で振り込む方法で、振込手数料は貴施設の負担です。",
        "貴施設での疎通確認テストの予定年月です。未定なら空欄のままで構いません。",
    ] {
        assert_eq!(c.having(own), GUIDES, "{own}");
    }
    for other in ["初めての申請では", "別の手続きは要りません"] {
        assert_eq!(c.having(other), NONE, "{other}");
    }
    // Without an 申請区分 the row says both (the portal decides).
    let (_d, c) = usual_with("no-kind", &[("application_kind: new\n", "")]);
    assert_eq!(
        c.having("初めての申請では「新規」、登録済みの内容を直すときは「変更」と表示されます。"),
        GUIDES
    );
}

#[test]
fn a_pharmacy_on_docomo_hikari_with_a_latin_terminal_name_is_told_its_line_is_ntts() {
    // 六甲みどり薬局 (a-…): the list writes 「ドコモ光」, read as 光コラボ; type
    // 1, COP, two terminals 「受付パソコン」「Reception PC-2」. Its 1-3 names its
    // line and says 1; the ID is typed as COP + 8 digits; each terminal has
    // its own part and sheet box; the notice goes to the pharmacy's address.
    let c = docs(built(), "2840103051");
    assert_eq!(
        c.having(
            "登録内容では貴施設の回線は「光コラボレーション（NTTの光回線を使う事業者）」です。"
        ),
        GUIDES
    );
    assert_eq!(c.having("30510822"), ALL);
    assert_eq!(c.having("電子証明書は2枚（発行料3,000円）"), ALL);
    for (n, name) in ["受付パソコン", "Reception PC-2"].iter().enumerate() {
        let part = format!("{}台目（{name}）:電子証明書の発行申請", n + 1);
        assert_eq!(c.having(&part), GUIDES, "{part}");
        assert_eq!(c.having(&format!("□{name}")), ["sheet"], "{name}");
    }
    assert_eq!(
        c.having("電子証明書発行通知書は、保険薬局として登録されている所在地に郵送されます。"),
        GUIDES
    );
    assert_eq!(c.having("保険医療機関として"), NONE);
    for notice in ["重要:", "注意:"] {
        assert_eq!(c.having(notice), NONE, "{notice}");
    }
}

#[test]
fn a_dental_clinic_on_a_line_not_ntts_is_asked_for_no_id_and_no_v6_option() {
    // 博多はまかぜ歯科 (b-…): 点数表 3, 回線 「その他」, type 3, no ID, and the
    // v6 option column filled 「未契約」. 「未契約」 says nothing the line
    // contradicts (an option 契約済み would: rule carrier-contradicted), so
    // no notice: the type is to be made sure of, the ID and v6 rows do not
    // concern the clinic, and the sheet asks for neither.
    let c = docs(built(), "4031308226");
    assert_eq!(c.having("3:医療機関（歯科）"), GUIDES);
    assert_eq!(c.having("2:保険医療機関（歯科）"), GUIDES);
    assert_eq!(
        c.having("3（回線の種類が3に当たるか確かめてから選択）"),
        ["html", "sheet"],
        "the sheet and the guide's printed sheet"
    );
    assert_eq!(
        c.having("NTTの回線（光コラボを含む）のときだけチェックします。貴施設の回線は「その他の回線（NTT以外）」です"),
        GUIDES
    );
    for absent in ["お客さまID（数字）", "フレッツ・v6オプション契約の確認"]
    {
        assert!(!c.sheet.contains(&squash(absent)), "{absent}: {}", c.sheet);
    }
    for notice in [
        "重要:",
        "注意:",
        "回線事業者の登録がほかの回線の情報と食い違っています",
    ] {
        assert_eq!(c.having(notice), NONE, "{notice}");
    }
}

#[test]
fn a_long_name_installed_on_the_day_of_the_build_is_told_to_move_the_day() {
    // 医療法人社団髙﨑会 … (d-…): a 45-character name with a building, 旧字
    // 髙・﨑・邊 in the contact's name, installation day = --today. The name
    // and the contact are kept as written in every document (no 高/崎/辺),
    // the 重要 notice says the day is today and the notice comes 12-08, the
    // sheet is one page and the handout within the budget.
    let c = docs(built(), "2610509180");
    let name =
        "医療法人社団髙﨑会 四条烏丸メディカルスクエア 髙﨑整形外科・リハビリテーションクリニック";
    assert_eq!(c.having(name), ALL);
    assert_eq!(c.having("渡邊 髙﨑 一郎"), ALL);
    for folded in ["高崎", "渡辺", "渡邉"] {
        assert_eq!(c.having(folded), NONE, "{folded}");
    }
    assert_eq!(
        c.having("設置予定日は今日（2026年12月1日（火））です。"),
        GUIDES
    );
    assert_eq!(
        c.having("設置予定日までに電子証明書発行通知書が届きません"),
        ALL
    );
    let dir = built().join("clinics/2610509180");
    let pages = poppler("pdfinfo", &[dir.join("sheet.pdf").to_str().unwrap()]);
    assert!(
        pages
            .lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{pages}"
    );
    let size = std::fs::metadata(dir.join("guide.pdf")).unwrap().len();
    assert!(size <= 150_000, "{size}");
}
