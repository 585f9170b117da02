//! Clinic lists from CSV (UTF-8 / CP932) and XLSX, `tebiki import` and `tebiki schema`.

mod common;
use common::*;

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
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--format",
        "json",
        "--clinics",
        &fixture("twenty-mistakes.csv"),
    ]);
    assert!(!o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
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
    let o = tebiki(&[
        "import",
        &fixture("clinics-cp932.csv"),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = read(&out.join("2740100181.yaml"));
    assert!(yaml.contains("name: \"つばめ薬局\""), "{yaml}");
    assert!(yaml.contains("line:\n  carrier: \"ntt-west\""), "{yaml}");
    assert!(yaml.contains("  - \"オンライン請求パソコン\""), "{yaml}");
    // The written folder is valid clinic data again.
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("list.csv");
    std::fs::write(
        &csv,
        "医療機関番号,都道府県,点数表,医療機関名,担当者,電話番号,メールアドレス,回線事業者,回線種別,お客さまID,利用開始予定年月,支払方法,端末名称,導入予定日\n\
         0100181,27,4,見出し薬局,見出 太郎,06-1234-5678,midashi@example.jp,ntt-west,1,COP12345678,2027-02,1,PC1,2027-01-29\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = build_with("--clinics", &csv, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("unknown column"), "{err}");
    let html = read(&out.join("clinics/2740100181/index.html"));
    assert!(
        html.contains("2027年1月29日"),
        "installation date from the mapped column"
    );
}
