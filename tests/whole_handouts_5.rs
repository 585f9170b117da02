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
            "登録内容では貴施設の回線は「ドコモ光（光コラボレーション（NTTの光回線を使う事業者））」です。"
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
        c.having("電子証明書発行通知書の郵送先は、保険薬局として登録されている所在地です。"),
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

// review31: the four things review30 saw and left, each on these clinics.

#[test]
fn a_line_not_ntts_typed_3_is_asked_to_have_its_contract_papers_at_hand() {
    // 博多はまかぜ歯科 (b-…, 「その他」, type 3): 1-3 asks it to make sure its
    // line is a 3, else to ask its carrier, but its checklist had no line
    // for the papers that say so. An NTT line (c-…) and a line not NTT's
    // typed 1 are asked for none.
    let c = docs(built(), "4031308226");
    assert_eq!(
        c.having("回線の契約書類（回線の種類が電気通信回線種別の「3」に当たるか確かめます。分からないときは、契約している回線事業者に確認します。手順1-3で使います）"),
        GUIDES
    );
    let usual = docs(built(), "1310412072");
    assert_eq!(usual.having("回線の契約書類"), NONE);
    let (_d, one) = usual_with(
        "other-type-1",
        &[
            ("carrier: ntt-east", "carrier: other"),
            ("  customer_id: CAF2041207553\n", ""),
            ("  v6_option: contracted\n", ""),
        ],
    );
    assert_eq!(one.having("回線の契約書類"), NONE);
}

#[test]
fn a_carrier_the_list_names_in_its_own_words_is_shown_in_them() {
    // 六甲みどり薬局 (a-…): the list says 「ドコモ光」, every output said only
    // 「光コラボレーション（NTTの光回線を使う事業者）」, a name the receptionist
    // does not know the line by. Its own words come first where the handout
    // says which line it has (1-3, the registration table, the line-type
    // notice); words that are the option's own (「ntt-east」, 「その他」 of
    // 「その他の回線（NTT以外）」) add nothing.
    let c = docs(built(), "2840103051");
    assert_eq!(
        c.having("ドコモ光（光コラボレーション（NTTの光回線を使う事業者））"),
        GUIDES
    );
    // The registration table too (fields.yaml marks line.carrier
    // `as_written`), and no other choice there.
    assert!(
        c.html.contains(&squash(
            "回線事業者ドコモ光（光コラボレーション（NTTの光回線を使う事業者））"
        )),
        "{}",
        c.html
    );
    let dental = docs(built(), "4031308226");
    assert_eq!(dental.having("その他（その他の回線"), NONE);
    assert_eq!(
        docs(built(), "1310412072").having("（NTT東日本 フレッツ光）"),
        NONE
    );
    // The line-type notice, on a 光コラボ line written 「ソフトバンク光」 typed 2.
    let (_d, c) = usual_with(
        "softbank-type-2",
        &[
            ("carrier: ntt-east", "carrier: ソフトバンク光"),
            ("type: 1", "type: 2"),
        ],
    );
    assert_eq!(
        c.having("貴施設の回線はソフトバンク光（光コラボレーション（NTTの光回線を使う事業者））です。データ上の選択は「2」ですが"),
        GUIDES
    );
}

#[test]
fn built_the_day_before_the_installation_the_notice_says_tomorrow() {
    // The usual clinic installed on 2026-12-02, built on 12-01: the notice
    // said 「あと1日です」.
    let (_d, c) = usual_with(
        "tomorrow",
        &[(
            "installation_date: 2027-01-13",
            "installation_date: 2026-12-02",
        )],
    );
    assert_eq!(
        c.having("設置予定日は2026年12月2日（水）で、明日です。"),
        GUIDES
    );
    assert_eq!(c.having("あと1日"), NONE);
    // The dashboard's days column says it too (it said 「1日」).
    let dashboard = read(&_d.path().join("out/clinics/index.html"));
    assert!(
        dashboard.contains("data-label=\"設置日まで\"><span class=\"late\">明日</span>"),
        "{dashboard}"
    );
    // The help site names the number with its unit, as before.
    let rules = untagged(&read(&built().join("site/rules.html")));
    assert!(
        rules.contains("で、〈設置予定日までの日数〉日です。"),
        "{rules}"
    );
    // Farther off, the days are counted.
    let (_d, c) = usual_with(
        "days",
        &[(
            "installation_date: 2027-01-13",
            "installation_date: 2026-12-04",
        )],
    );
    assert_eq!(
        c.having("設置予定日は2026年12月4日（金）で、あと3日です。"),
        GUIDES
    );
}

#[test]
fn the_subtitle_keeps_its_date_on_one_line() {
    // At 390 px the HTML guide's subtitle read 「2026」/「年12月1日」.
    let html = read(&built().join("clinics/1310412072/index.html"));
    assert!(
        html.contains("<span class=\"date\">2026年12月1日（火）</span> 作成"),
        "the subtitle's date is one span"
    );
}

#[test]
fn the_last_safe_day_counts_the_margin_in_calendar_days() {
    // Installation Tue 2027-01-12: the notice is to be there 3 calendar days
    // before (01-09). Applied for on Sat 01-02 it comes 01-09 (no closed
    // weekday in its week): that is the last safe day. Counting the closed
    // weekdays of the margin and of 年末年始 before the week too gave 12-28.
    let (_d, c) = usual_with(
        "year-end",
        &[(
            "installation_date: 2027-01-13",
            "installation_date: 2027-01-12",
        )],
    );
    assert_eq!(
        c.having("2027年1月2日（土）申請を済ませたい最終日設置予定日から、通知書の郵送日数（約1週間）と余裕3日を引いた日（暦日）"),
        GUIDES
    );
    assert_eq!(
        c.having("2026年12月28日（月）申請を済ませたい最終日設置予定日から"),
        NONE
    );
    // 12-28 is given only as the weekday before it, 01-02 being a closed
    // day (review32).
    assert_eq!(
        c.having("2026年12月28日（月）申請を済ませたい最終日の前の平日"),
        ALL
    );
    // Applying on that day brings the notice on 01-09, three days ahead: no
    // notice says it may be late.
    let (_d, c) = usual_with(
        "year-end-applied",
        &[(
            "installation_date: 2027-01-13",
            "installation_date: 2027-01-12\napplication_date: 2027-01-02",
        )],
    );
    assert_eq!(
        c.having("2027年1月9日（土）電子証明書発行通知書が届く見込み"),
        ALL
    );
    // (「申請を済ませたい最終日（2027年1月2日（土））が支払基金の休みのため」 is
    // the weekday row's basis, review32.)
    for late in [
        "申請を済ませたい最終日（2027年1月2日（土））より後",
        "届かないおそれ",
        "届きません",
    ] {
        assert_eq!(c.having(late), NONE, "{late}");
    }
    // Installation Fri 2027-01-08: the notice is due 01-05; applied for on
    // 12-25 its week reaches over 12-29 to 01-01 and comes 01-05, a day
    // later would not. The basis names those four days.
    let (_d, c) = usual_with(
        "year-end-closed",
        &[(
            "installation_date: 2027-01-13",
            "installation_date: 2027-01-08",
        )],
    );
    assert_eq!(
        c.having("2026年12月25日（金）申請を済ませたい最終日設置予定日から、通知書の郵送日数（約1週間）と余裕3日（暦日）を引き、郵送の間の平日の休み（2026年12月29日（火）、2026年12月30日（水）、2026年12月31日（木）、2027年1月1日（金・祝））の日数だけさらに前にした日"),
        GUIDES
    );
}
