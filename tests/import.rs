//! Clinic lists from CSV (UTF-8 / CP932) and XLSX, `tebiki import` and `tebiki schema`.

mod common;
use common::*;
use std::io::Write as _;
use std::path::Path;

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn cp932_csv_builds_guides() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = tebiki(&[
        "build",
        "--today",
        TODAY,
        "--clinics",
        &fixture("clinics-cp932.csv"),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    // Full-width ID normalised, with a located warning.
    assert!(err.contains("clinics-cp932.csv:2:92"), "{err}");
    let html = read(&out.join("clinics/0110101029/index.html"));
    assert!(html.contains("ひまわり眼科"));
    assert!(html.contains("CAF1234567890"));
    let html = read(&out.join("clinics/2740100181/index.html"));
    assert!(html.contains("つばめ薬局"));
    assert!(
        html.contains("オンライン請求パソコン"),
        "list cell split into terminals"
    );
    assert!(html.contains("2枚"));
}

#[test]
fn xlsx_reports_sheet_row_and_column() {
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        &fixture("clinics.xlsx"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    // Excel stored 0100181 as the number 100181: the leading zero is gone.
    assert!(
        err.contains("[sheet 医療機関一覧, row 3, column A]"),
        "{err}"
    );
    assert!(err.contains("先頭の 0"), "{err}");
    // Unknown columns are reported, not silently dropped.
    assert!(err.contains("unknown column `備考`"), "{err}");
    assert!(err.contains("checked 2 clinic(s): 1 error(s)"), "{err}");
}

#[test]
fn twenty_mistakes_give_twenty_located_errors() {
    let (code, v) = check_json("--clinics", Path::new(&fixture("twenty-mistakes.csv")));
    assert_ne!(code, 0);
    assert_eq!(v["errors"], 20, "{v:#}");
    let mut places = std::collections::BTreeSet::new();
    for d in v["diagnostics"].as_array().unwrap() {
        if d["severity"] != "error" {
            continue;
        }
        let line = d["pos"]["line"].as_u64().unwrap();
        let col = d["pos"]["column"].as_u64().unwrap();
        assert!(line >= 2 && col >= 1, "unlocated: {d}");
        assert!(
            d["pos"]["file"]
                .as_str()
                .unwrap()
                .ends_with("twenty-mistakes.csv")
        );
        places.insert((line, col));
    }
    assert_eq!(places.len(), 20, "each mistake at its own cell");
}

#[test]
fn import_writes_reviewable_yaml_that_loads_back() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("clinics");
    let o = import(Path::new(&fixture("clinics-cp932.csv")), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = read(&out.join("2740100181.yaml"));
    assert!(yaml.contains("name: \"つばめ薬局\""), "{yaml}");
    assert!(yaml.contains("line:\n  carrier: \"ntt-west\""), "{yaml}");
    assert!(yaml.contains("  - \"オンライン請求パソコン\""), "{yaml}");
    // The written folder is valid clinic data again.
    checks_clean(&out);
}

#[test]
fn committed_schema_is_up_to_date() {
    let o = tebiki(&["schema"]);
    assert!(o.status.success());
    let committed = read(&root().join("schema/clinic.schema.json"));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        committed,
        "run `tebiki schema -o schema/clinic.schema.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        v["properties"]["line"]["properties"]["customer_id"]["pattern"],
        "^\\s*(CAF[0-9]{10}|COP[0-9]{8})\\s*$"
    );
}

#[test]
fn config_adds_column_headers() {
    // tebiki.yaml maps 医療機関番号 → institution_code and 導入予定日 → installation_date.
    let (_d, out, o, err) = build_csv(
        "医療機関番号,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,導入予定日\n\
         0100181,27,4,見出し薬局,見出 太郎,06-1234-5678,midashi@example.jp,ntt-west,1,COP12345678,2027-02,1,PC1,2027-01-29\n",
    );
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("unknown column"), "{err}");
    let html = read(&out.join("clinics/2740100181/index.html"));
    assert!(
        html.contains("2027年1月29日"),
        "installation date from the mapped column"
    );
}

/// `tebiki check` finds no error in the clinic data at `clinics`.
fn checks_clean(clinics: &std::path::Path) {
    let (ok, err) = check_with("--clinics", clinics);
    assert!(ok, "{err}");
}

/// Runs `tebiki import LIST --out OUT` for the test date.
fn import(list: &Path, out: &Path) -> std::process::Output {
    tebiki(&[
        "import",
        list.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ])
}

/// Writes the clinic list `csv` as list.csv in a fresh folder; returns the
/// folder (kept alive) and the file.
fn list_csv(csv: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let list = d.path().join("list.csv");
    std::fs::write(&list, csv).unwrap();
    (d, list)
}

/// Builds the clinic list `csv` (written as list.csv in a fresh folder);
/// returns the folder (kept alive), the output folder, the run and its stderr.
fn build_csv(
    csv: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::process::Output,
    String,
) {
    let (d, list) = list_csv(csv);
    let out = d.path().join("out");
    let o = build_with("--clinics", &list, &out);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (d, out, o, err)
}

/// A spreadsheet's own words for the options of a choice field, as a
/// vendor's list has them: `ＮＴＴ 西日本`, `あり`, `新規申請`, `払込請求書`.
const OWN_WORDS_CSV: &str = "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,v6オプション,申請区分,利用開始予定年月,支払方法,端末名称,設置日\n\
0100181,27,4,なにわ中央薬局,浪速 一郎,06-6312-7788,kanri@naniwa-yakkyoku.example.jp,ＮＴＴ 西日本,2,COP48215537,あり,新規申請,2027-02,払込請求書,オンライン資格確認パソコン,2027-01-20\n\
0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,フレッツ光,1,CAF3051200478,契約済み,新規,2027-03,1,オンライン資格確認パソコン,2027-02-22\n";

#[test]
fn a_spreadsheet_s_words_for_options_are_read_as_the_options_and_drive_the_rules() {
    let (_d, out, o, err) = build_csv(OWN_WORDS_CSV);
    // ＮＴＴ 西日本 is the NTT West line: on it, line type 2 is the mistake
    // that costs the installation day, so the handout must say to pick 1.
    let html = untagged(&read(&out.join("clinics/2740100181/index.html")));
    assert!(
        html.contains("電気通信回線種別は必ず「1」を選んでください"),
        "{html}"
    );
    assert!(html.contains("2: 払込請求書による振込み"), "{html}");
    assert!(
        !err.contains("「ＮＴＴ 西日本」") && !err.contains("「あり」"),
        "{err}"
    );
    // A bare フレッツ光 may be East's or West's: an error that lists the
    // options by their labels, and the exit code says something failed.
    assert!(err.contains("「フレッツ光」は選択肢にありません"), "{err}");
    assert!(err.contains("list.csv:3:"), "{err}");
    assert!(err.contains("ntt-west（NTT西日本 フレッツ光）"), "{err}");
    assert!(!o.status.success(), "{err}");
}

#[test]
fn import_writes_an_option_named_in_other_words_as_its_value() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("list.csv");
    std::fs::write(&csv, OWN_WORDS_CSV).unwrap();
    let out = d.path().join("clinics");
    let o = import(&csv, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    let yaml = read(&out.join("2740100181.yaml"));
    for line in [
        "  carrier: \"ntt-west\"  # NTT西日本 フレッツ光（元の表記 \"ＮＴＴ 西日本\"）",
        "  v6_option: \"contracted\"  # 契約済み（元の表記 \"あり\"）",
        "application_kind: \"new\"  # 新規（元の表記 \"新規申請\"）",
        "fee_payment: \"2\"  # 2: 払込請求書による振込み（元の表記 \"払込請求書\"）",
        "  type: \"2\"\n",
    ] {
        assert!(yaml.contains(line), "{line}\n{yaml}\n{err}");
    }
    // The row whose carrier names no option is written as it is, for
    // review, and the exit code says something is wrong.
    let other = read(&out.join("2610112340.yaml"));
    assert!(other.contains("  carrier: \"フレッツ光\"\n"), "{other}");
    // Its options written as their labels: the label alone, the list's
    // words not repeated (「契約済み（元の表記 "契約済み"）」 before).
    for line in [
        "  v6_option: \"contracted\"  # 契約済み\n",
        "application_kind: \"new\"  # 新規\n",
    ] {
        assert!(other.contains(line), "{line}\n{other}");
    }
    assert!(!other.contains("元の表記 \"契約済み\""), "{other}");
    assert!(!o.status.success(), "{err}");
    // What was written for the first loads back as the same clinic.
    std::fs::remove_file(out.join("2610112340.yaml")).unwrap();
    checks_clean(&out);
}

#[test]
fn an_alias_naming_two_options_is_refused_where_it_is_written() {
    let (_d, content) = content_copy();
    let fields = content.join("fields.yaml");
    let text = read(&fields);
    let changed = text.replacen(
        "aliases: [NTT東日本, NTT東,",
        "aliases: [NTT東日本, ｎｔｔ西日本,",
        1,
    );
    assert_ne!(
        text, changed,
        "fields.yaml no longer has the alias this test edits"
    );
    std::fs::write(&fields, &changed).unwrap();
    let line_of = |needle: &str| changed.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (east, west) = (line_of("ｎｔｔ西日本"), line_of("aliases: [NTT西日本,"));
    let (ok, err) = check_with("--content", &content);
    assert!(!ok, "{err}");
    // One error, at the second of the two, pointing at the first.
    assert!(
        err.contains("alias `NTT西日本` of `ntt-west` in field `line.carrier` also names the option `ntt-east` (its alias `ｎｔｔ西日本` at line "),
        "{err}"
    );
    assert!(err.contains(&format!("at line {east})")), "{err}");
    assert!(err.contains(&format!("fields.yaml:{west}:")), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

#[test]
fn a_list_kept_one_item_per_column_is_read_as_one_list() {
    let (_d, out, o, err) = build_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称1,端末名称２,端末名称(3),設置日\n\
         0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,2027-03,1,オンライン資格確認パソコン,診察室1パソコン,,2027-02-22\n\
         0100181,27,4,なにわ中央薬局,浪速 一郎,06-6312-7788,kanri@naniwa-yakkyoku.example.jp,ntt-west,1,COP48215537,2027-02,2,受付パソコン,調剤室パソコン,監査台パソコン,2027-01-20\n",
    );
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("unknown column"), "{err}");
    let two = untagged(&read(&out.join("clinics/2610112340/index.html")));
    assert!(two.contains("2台"), "{two}");
    assert!(two.contains("診察室1パソコン"), "{two}");
    let three = untagged(&read(&out.join("clinics/2740100181/index.html")));
    assert!(three.contains("3台"), "{three}");
    assert!(three.contains("監査台パソコン"), "{three}");
}

#[test]
fn a_list_kept_one_item_per_column_and_left_empty_is_reported_at_its_first_column() {
    // 端末名称1–3 all empty: the error named 「端末名称(3)」, column O, as if
    // the third terminal were missing; the first column is where to start.
    let (_d, _out, o, err) = build_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称1,端末名称２,端末名称(3),設置日\n\
         0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,2027-03,1,,,,2027-02-22\n",
    );
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("列「端末名称1」のこのセルが空です"), "{err}");
    assert!(!err.contains("端末名称(3)"), "{err}");
    assert!(err.contains("list.csv:2:"), "{err}");
}

#[test]
fn a_total_or_a_note_below_the_clinics_is_not_read_as_a_clinic() {
    // A vendor's list ends with 「合計2件」 in the name column and a note in
    // a column of its own: the total was a clinic missing eleven values
    // (the dashboard said 全3件, 作成できません 1件) and `import` wrote it as
    // list.yaml. A row with at most one value in the schema's columns is
    // skipped with a warning naming its cell.
    let csv = "No.,医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日,備考\n\
         1,0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,2027-03,1,PC1,2027-02-22,\n\
         2,0100181,27,4,なにわ中央薬局,浪速 一郎,06-6312-7788,kanri@naniwa-yakkyoku.example.jp,ntt-west,1,COP48215537,2027-02,2,PC1,2027-01-20,\n\
         ,,,,合計2件,,,,,,,,,,,\n\
         ,,,,,,,,,,,,,,,設置日は営業に確認\n";
    let (d, out, o, err) = build_csv(csv);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(
            "row 4: only column 医療機関名 has a value, so the row is not read as a clinic"
        ),
        "{err}"
    );
    assert!(
        err.contains("row 5: no column of the clinic schema has a value"),
        "{err}"
    );
    assert!(!err.contains("必須項目"), "{err}");
    let dashboard = untagged(&read(&out.join("clinics/index.html")));
    assert!(dashboard.contains("全2件"), "{dashboard}");
    assert!(!dashboard.contains("合計2件"), "{dashboard}");
    let imported = d.path().join("imported");
    let o = import(&d.path().join("list.csv"), &imported);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&imported)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["2610112340.yaml", "2740100181.yaml"]);
}

#[test]
fn import_writes_dates_codes_and_phones_as_read_with_the_lists_words_in_a_comment() {
    // A vendor's list in its own ways: 令和 dates, R9.2, 2027/01/20, 全角
    // digits. Import wrote them as typed (「installation_date: "R9.1.15"」):
    // the reviewer could not see the date the handout would show, and every
    // build warned again about the 全角 digits.
    let (d, csv) = list_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日\n\
         ０１１２３４０,26,1,鴨川みなみ診療所,鴨川 道子,０７５－３４１－２２００,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,R9.3,1,PC1,令和9年2月22日\n\
         01-0018-1,27,4,なにわ中央薬局,浪速 一郎,06-6312-7788,kanri@naniwa-yakkyoku.example.jp,ntt-west,1,ＣＯＰ４８２１５５３７,令和9年2月,2,PC1,2027/1/20(木)\n",
    );
    let out = d.path().join("clinics");
    let o = import(&csv, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let one = read(&out.join("2610112340.yaml"));
    for said in [
        "institution_code: \"0112340\"  # 元の表記 \"０１１２３４０\"",
        "phone: \"075-341-2200\"  # 元の表記 \"０７５－３４１－２２００\"",
        "start_month: \"2027-03\"  # 元の表記 \"R9.3\"",
        "installation_date: \"2027-02-22\"  # 元の表記 \"令和9年2月22日\"",
    ] {
        assert!(one.contains(said), "«{said}» in {one}");
    }
    let two = read(&out.join("2740100181.yaml"));
    assert!(
        two.contains("institution_code: \"0100181\"  # 元の表記 \"01-0018-1\""),
        "{two}"
    );
    assert!(
        two.contains("customer_id: \"COP48215537\"  # 元の表記 \"ＣＯＰ４８２１５５３７\""),
        "{two}"
    );
    assert!(
        two.contains("start_month: \"2027-02\"  # 元の表記 \"令和9年2月\""),
        "{two}"
    );
    // 2027-01-20 is a Wednesday: a date whose weekday does not match is kept
    // as written, so every check still asks which is right.
    assert!(
        two.contains("installation_date: \"2027/1/20(木)\"\n"),
        "{two}"
    );
    // Written as read, a value needs no correction: no warning on reading
    // back but the weekday's.
    let (ok, err) = check_with("--clinics", &out);
    assert!(ok, "{err}");
    assert!(!err.contains("全角"), "{err}");
    assert!(!err.contains("区切り"), "{err}");
    assert!(err.contains("2027年1月20日は水曜日です"), "{err}");
}

#[test]
fn import_reads_codes_and_ids_with_the_validators_separators() {
    // カンマ区切り内科: 「01,5026,8」 and 「010,074.3」 were written as typed
    // while 「01-0102-2」 was written as read (import dropped only '-', '・'
    // and spaces, the validator also ',' and '.'); 「CAF 1253000113」 and
    // 「caf-1253000114」 were written as typed too.
    let (d, csv) = list_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日\n\
         \"01,5026,8\",13,1,カンマ区切り内科,甲 一,03-1234-5678,a1@example.jp,ntt-east,1,CAF 1253000113,2027-01,1,PC1,2027-01-20\n\
         \"010,074.3\",14,4,ドット薬局,丙 三,045-123-4567,a3@example.jp,ntt-east,1,caf-1253000114,2027-01,1,PC1,2027-01-20\n",
    );
    let out = d.path().join("clinics");
    let o = import(&csv, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let one = read(&out.join("1310150268.yaml"));
    for said in [
        "institution_code: \"0150268\"  # 元の表記 \"01,5026,8\"",
        "customer_id: \"CAF1253000113\"  # 元の表記 \"CAF 1253000113\"",
    ] {
        assert!(one.contains(said), "«{said}» in {one}");
    }
    let two = read(&out.join("1440100743.yaml"));
    for said in [
        "institution_code: \"0100743\"  # 元の表記 \"010,074.3\"",
        "customer_id: \"CAF1253000114\"  # 元の表記 \"caf-1253000114\"",
    ] {
        assert!(two.contains(said), "«{said}» in {two}");
    }
    // Written as read, the values need no tidying when read back.
    let (ok, err) = check_with("--clinics", &out);
    assert!(ok, "{err}");
    assert!(!err.contains("区切り"), "{err}");
    assert!(!err.contains("大文字"), "{err}");
}

#[test]
fn import_reads_a_customer_id_as_the_validator_does() {
    // import had a reading of its own (spaces and hyphens only): 「CAF.1253.000.113」
    // and 「CAF・1253000114」 were kept as typed though build reads
    // CAF1253000113, while IDs build refuses were rewritten as if read:
    // 「cop-1234-5678-90」 (COP + 10 digits) as COP1234567890,
    // 「f-1234567890」 (a 承諾番号) as F1234567890, 「1253-000-115」 (no
    // prefix) as 1253000115, and the reviewer lost the words the error is about.
    let (d, csv) = list_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日\n\
         0150268,13,1,点区切り内科,甲 一,03-1234-5678,a1@example.jp,ntt-east,1,CAF.1253.000.113,2027-01,1,PC1,2027-01-20\n\
         0100743,14,4,中黒薬局,丙 三,045-123-4567,a3@example.jp,ntt-east,1,ｃａｆ・１２５３０００１１４,2027-01,1,PC1,2027-01-20\n\
         0100181,27,4,桁違い薬局,丁 四,06-1234-5678,a4@example.jp,ntt-west,1,cop-1234-5678-90,2027-01,1,PC1,2027-01-20\n\
         0100140,27,4,承諾番号薬局,戊 五,06-1234-5679,a5@example.jp,hikari-collabo,1,f-1234567890,2027-01,1,PC1,2027-01-20\n\
         0100157,27,4,英字なし薬局,己 六,06-1234-5670,a6@example.jp,ntt-west,1,1253-000-115,2027-01,1,PC1,2027-01-20\n",
    );
    let out = d.path().join("clinics");
    let o = import(&csv, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    let written = |key: &str| read(&out.join(format!("{key}.yaml")));
    for (key, said) in [
        (
            "1310150268",
            "customer_id: \"CAF1253000113\"  # 元の表記 \"CAF.1253.000.113\"",
        ),
        (
            "1440100743",
            "customer_id: \"CAF1253000114\"  # 元の表記 \"ｃａｆ・１２５３０００１１４\"",
        ),
        ("2740100181", "customer_id: \"cop-1234-5678-90\"\n"),
        ("2740100140", "customer_id: \"f-1234567890\"\n"),
        ("2740100157", "customer_id: \"1253-000-115\"\n"),
    ] {
        let yaml = written(key);
        assert!(yaml.contains(said), "«{said}» in {yaml}\n{err}");
    }
    // What import wrote as read, build reads as written, without a word;
    // what it kept, build refuses with the list's own words.
    let (_, err) = check_with("--clinics", &out);
    for id in ["CAF1253000113", "CAF1253000114"] {
        assert!(!err.contains(id), "{id}: {err}");
    }
    for refused in ["COP の後の数字が 10 桁", "承諾番号", "先頭に英字"] {
        assert!(err.contains(refused), "«{refused}» in {err}");
    }
}

#[test]
fn import_writes_phones_and_addresses_as_build_reads_them() {
    // 括弧電話医院: 「03（1234）5678」 and 「uketsuke＠kakko.example.jp」 were
    // written as typed while build reads 03-1234-5678 and
    // uketsuke@kakko.example.jp: the reviewer checked words the handout
    // does not show.
    let (d, csv) = list_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日\n\
         0150268,13,1,括弧電話医院,甲 一,03（1234）5678,uketsuke＠kakko.example.jp,ntt-east,1,CAF1253000113,2027-01,1,PC1,2027-01-20\n",
    );
    let out = d.path().join("clinics");
    let o = import(&csv, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let one = read(&out.join("1310150268.yaml"));
    for said in [
        "phone: \"03-1234-5678\"  # 元の表記 \"03（1234）5678\"",
        "email: \"uketsuke@kakko.example.jp\"  # 元の表記 \"uketsuke＠kakko.example.jp\"",
    ] {
        assert!(one.contains(said), "«{said}» in {one}");
    }
    // Written as read, the values need no tidying when read back.
    let (ok, err) = check_with("--clinics", &out);
    assert!(ok, "{err}");
    assert!(!err.contains("直しました"), "{err}");
}

#[test]
fn two_columns_for_one_value_that_differ_fail_their_row_not_silently() {
    // お客さまID and お客様ID mean the same field: the first row agrees, the
    // second has two different IDs (the later column used to win unsaid).
    let (d, csv) = list_csv(
        "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,お客様ID,利用開始予定年月,支払方法,端末名称,設置日\n\
         0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,CAF3051200478,2027-03,1,PC1,2027-02-22\n\
         0100181,27,4,なにわ中央薬局,浪速 一郎,06-6312-7788,kanri@naniwa-yakkyoku.example.jp,ntt-west,1,COP48215537,COP11111111,2027-02,2,PC1,2027-01-20\n",
    );
    let out = d.path().join("out");
    let o = build_with("--clinics", &csv, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("columns J (お客さまID) and K (お客様ID) both mean `line.customer_id`"),
        "{err}"
    );
    assert!(
        err.contains("two columns mean お客さまID (`line.customer_id`) and differ in this row"),
        "{err}"
    );
    assert!(err.contains("row 3, column K (お客様ID)"), "{err}");
    // The agreeing row is built; the other has no handout with a guessed ID.
    assert!(out.join("clinics/2610112340/guide.pdf").exists(), "{err}");
    assert!(!out.join("clinics/2740100181/guide.pdf").exists(), "{err}");
    let dashboard = read(&out.join("clinics/index.html"));
    assert!(dashboard.contains("differ in this row"), "{dashboard}");
}

const HEADER: &str = "医療機関コード,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,設置日";
const ROW: &str = "0112340,26,1,鴨川みなみ診療所,鴨川 道子,075-341-2200,uketsuke@kamogawa-minami.example.jp,ntt-west,1,CAF3051200478,2027-03,1,PC1,2027-02-22";

#[test]
fn title_rows_above_the_header_are_skipped_without_a_word() {
    let (_d, out, o, err) = build_csv(&format!(
        "オンライン資格確認 導入予定一覧,,作成 2026/11/20\n,,\n{HEADER}\n{ROW}\n"
    ));
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("unknown column"), "{err}");
    assert!(out.join("clinics/2610112340/guide.pdf").exists(), "{err}");
}

#[test]
fn a_sheet_of_notes_beside_the_list_is_skipped_with_a_warning() {
    let cells = |line: &str, row: u32| -> Vec<(String, String)> {
        line.split(',')
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| (format!("{}{row}", (b'A' + i as u8) as char), t.to_string()))
            .collect()
    };
    let list: Vec<(String, String)> = cells(HEADER, 1).into_iter().chain(cells(ROW, 2)).collect();
    let notes = vec![
        ("A1".to_string(), "記入のしかた".to_string()),
        ("A2".to_string(), "医療機関ごとに一行".to_string()),
        ("A3".to_string(), "回線はNTT東日本などと書く".to_string()),
    ];
    // Twelve rows of memos: more than a title above a header may have.
    let memos: Vec<(String, String)> = (1..=12)
        .map(|r| (format!("A{r}"), format!("メモ {r}")))
        .collect();
    let sheet = |c: Vec<(String, String)>| -> WriteSheet {
        Box::new(move |w| {
            let refs: Vec<(&str, &str)> = c.iter().map(|(r, t)| (r.as_str(), t.as_str())).collect();
            w.write_all(sheet_xml(&refs, "A1:N12").as_bytes()).unwrap()
        })
    };
    let d = tempfile::tempdir().unwrap();
    let book = d.path().join("list.xlsx");
    std::fs::write(
        &book,
        xlsx_workbook(vec![
            ("説明", sheet(notes)),
            ("名簿", sheet(list)),
            ("メモ", sheet(memos)),
        ]),
    )
    .unwrap();
    let out = d.path().join("out");
    let o = build_with("--clinics", &book, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    // The notes are not three clinics missing every value.
    assert!(o.status.success(), "{err}");
    // Each sheet of notes is said once, whether it ends before ten rows or not.
    for sheet in ["説明", "メモ"] {
        let said = format!(
            "sheet {sheet}: none of its first rows (from row 1) names a column of the clinic schema"
        );
        assert_eq!(err.matches(&said).count(), 1, "{sheet}: {err}");
    }
    assert!(!err.contains("unknown column"), "{err}");
    assert!(!err.contains("必須項目"), "{err}");
    assert!(out.join("clinics/2610112340/guide.pdf").exists(), "{err}");
}
