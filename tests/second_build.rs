//! The second build (review28): a vendor builds, fixes a clinic file and
//! builds again into the same folder. Every output of the fixed clinic says
//! only what is right now, a clinic gone from the data leaves no file, row
//! or manifest entry behind, and the summary names the clinics it removed
//! (before, it said only "3 removed" files, so a clinic file deleted or
//! renamed by mistake went unnoticed).

mod common;

use common::*;

const LINE_TYPE_TITLE: &str = "電気通信回線種別は必ず「1」を選んでください";

#[test]
fn a_fixed_clinic_loses_its_finding_and_a_removed_clinic_is_named() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    assert_ok(&build_content(&content, &out));
    let fixed_key = "1311234566";
    let gone_key = "0110113719";
    let guide = out.join(format!("clinics/{fixed_key}/index.html"));
    assert!(read(&guide).contains(LINE_TYPE_TITLE), "first build warns");
    assert!(out.join(format!("clinics/{gone_key}/guide.pdf")).exists());

    // The vendor corrects the line type and deletes another clinic's file.
    let clinic = content.join("clinics/tokyo-wrong-line.yaml");
    std::fs::write(&clinic, read(&clinic).replace("  type: 3", "  type: 1")).unwrap();
    std::fs::remove_file(content.join("clinics/hokkaido-clinic.yaml")).unwrap();
    let o = build_content(&content, &out);
    assert_ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(
            "their guides deleted and their dashboard rows gone: 1 clinic(s): 0110113719"
        ),
        "the summary names the removed clinic:\n{stdout}"
    );

    // Nothing stale: the guide, sheet text, dashboard and manifest.
    assert!(
        !read(&guide).contains(LINE_TYPE_TITLE),
        "stale finding in the guide"
    );
    let dashboard = read(&out.join("clinics/index.html"));
    // No other sample clinic has a wrong line type: the title is left only
    // struck through under 「前回の作成から」, and the removed clinic only in
    // the list of clinics gone (both tested in
    // `the_dashboard_says_what_changed_since_the_last_build`).
    let (rows, _) = rows_and_gone(&dashboard);
    let current: String = rows
        .split("<details class=\"since\">")
        .map(|part| part.split_once("</details>").map_or(part, |(_, rest)| rest))
        .collect();
    assert!(
        !current.contains(LINE_TYPE_TITLE),
        "stale finding on the dashboard"
    );
    assert!(
        !rows.contains(gone_key),
        "removed clinic still on the dashboard"
    );
    assert!(
        !out.join(format!("clinics/{gone_key}")).exists(),
        "removed clinic's folder left"
    );
    let manifest = read(&out.join("manifest.json"));
    assert!(
        !manifest.contains(gone_key),
        "removed clinic still in the manifest"
    );

    // Nothing removed on the next build: no line about removed clinics.
    let again = build_content(&content, &out);
    assert_ok(&again);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("no longer in this build"));

    // A week later into the same folder: every guide is dated anew.
    assert!(read(&guide).contains("2026年11月24日"));
    let later = build_content_on(&content, &out, "2026-12-01", &[]);
    assert_ok(&later);
    for key in [fixed_key, "2740100181"] {
        let html = read(&out.join(format!("clinics/{key}/index.html")));
        assert!(html.contains("2026年12月1日"), "{key}: new date");
        assert!(!html.contains("2026年11月24日"), "{key}: stale date");
    }
    assert!(!read(&out.join("clinics/index.html")).contains("2026年11月24日"));
}

/// The dashboard's table of clinics and its list of clinics gone since the
/// last build (empty when none).
fn rows_and_gone(dashboard: &str) -> (&str, &str) {
    let table = dashboard
        .split_once("<tbody>")
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map_or("", |(rows, _)| rows);
    let gone = dashboard
        .split_once("<div class=\"gone\">")
        .and_then(|(_, rest)| rest.split_once("</div>"))
        .map_or("", |(g, _)| g);
    (table, gone)
}

/// The row of the clinic `key` (by its file links).
fn row_of<'a>(rows: &'a str, key: &str) -> &'a str {
    rows.split("<tr ")
        .find(|r| r.contains(&format!("href=\"{key}/index.html\"")))
        .unwrap_or_else(|| panic!("no dashboard row for {key}"))
}

#[test]
fn the_dashboard_says_what_changed_since_the_last_build() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    // A first build says nothing of a last one.
    let first = build_content(&content, &out);
    assert_ok(&first);
    assert!(!String::from_utf8_lossy(&first.stdout).contains("since the last build"));
    let dashboard = read(&out.join("clinics/index.html"));
    assert!(!dashboard.contains("前回の作成から"), "first build");

    // The vendor fixes the line type, deletes a clinic and adds one.
    let fixed_key = "1311234566";
    let clinic = content.join("clinics/tokyo-wrong-line.yaml");
    std::fs::write(&clinic, read(&clinic).replace("  type: 3", "  type: 1")).unwrap();
    std::fs::remove_file(content.join("clinics/hokkaido-clinic.yaml")).unwrap();
    let added = read(&content.join("clinics/kanagawa-dental.yaml"))
        .replace("\"0123455\"", "\"0123463\"")
        .replace("みなと歯科クリニック", "みなと第二歯科")
        .replace("info@minato-shika", "info@minato-daini");
    std::fs::write(content.join("clinics/kanagawa-dental-2.yaml"), added).unwrap();
    let o = build_content(&content, &out);
    assert_ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("since the last build into this folder: 2 clinic(s) changed (1 new to it), 1 finding(s) resolved, 0 new"),
        "{stdout}"
    );
    let dashboard = read(&out.join("clinics/index.html"));
    let (rows, gone) = rows_and_gone(&dashboard);
    let fixed = row_of(rows, fixed_key);
    assert!(fixed.contains("data-changed=\"1\""), "{fixed}");
    assert!(
        fixed.contains("前回の作成から: 解消1件、手順書・PDFを作り直しました"),
        "{fixed}"
    );
    assert!(
        fixed.contains(&format!(
            "<span class=\"badge sev-ok\">解消</span><s>{LINE_TYPE_TITLE}</s>"
        )),
        "the resolved finding is named, struck through: {fixed}"
    );
    let new_row = row_of(rows, "1430123463");
    assert!(
        new_row.contains("前回の作成から: 今回はじめて作成"),
        "{new_row}"
    );
    // Clinics whose data did not change say nothing.
    let same = row_of(rows, "1440100743");
    assert!(!same.contains("data-changed"), "{same}");
    assert!(!same.contains("前回の作成から"), "{same}");
    assert!(
        dashboard.contains("前回の作成から変わったもの</span><strong>2</strong>件"),
        "the count of changed clinics"
    );
    assert!(dashboard.contains("<option value=\"changed\">前回の作成から変わったもの</option>"));
    // The clinic gone is named (its row and files are not).
    assert!(gone.contains("今回のデータにない施設1件"), "{gone}");
    assert!(
        gone.contains("北の森内科医院") && gone.contains("0110113719"),
        "{gone}"
    );
    assert!(!rows.contains("0110113719"));

    // A build with nothing changed says nothing again.
    let again = build_content(&content, &out);
    assert_ok(&again);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("since the last build"));
    let dashboard = read(&out.join("clinics/index.html"));
    assert!(!dashboard.contains("前回の作成から"), "nothing changed");
    assert!(!dashboard.contains("class=\"gone\""));

    // The value made wrong again: the finding is new.
    std::fs::write(&clinic, read(&clinic).replace("  type: 1", "  type: 3")).unwrap();
    let o = build_content(&content, &out);
    assert_ok(&o);
    let dashboard = read(&out.join("clinics/index.html"));
    let (rows, _) = rows_and_gone(&dashboard);
    let row = row_of(rows, fixed_key);
    assert!(
        row.contains(&format!(
            "<span class=\"badge sev-error\">新たに</span>{LINE_TYPE_TITLE}"
        )),
        "{row}"
    );
}

/// A clinic file the vendor breaks while editing it (a YAML syntax error):
/// its dashboard row names the error alone (before, also 「端末が登録されてい
/// ません」 and 12 missing values of a file that was never read, counted as
/// 13 errors), the clinic is not called gone and new (the broken file is
/// keyed by its name, the last build's record by its code), and once the
/// file is fixed the row says the error is resolved and the guide is back.
#[test]
fn a_clinic_file_that_cannot_be_read_is_named_by_its_error_and_keeps_its_history() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    assert_ok(&build_content(&content, &out));
    let key = "0110113719";
    let file = content.join("clinics/hokkaido-clinic.yaml");
    let good = read(&file);
    std::fs::write(&file, format!("{good}bad: [unclosed\n")).unwrap();
    let o = build_content(&content, &out);
    assert!(
        !o.status.success(),
        "a clinic failed: the exit code says so"
    );
    let dashboard = read(&out.join("clinics/index.html"));
    let (rows, gone) = rows_and_gone(&dashboard);
    let row = rows
        .split("<tr ")
        .find(|r| r.contains("hokkaido-clinic.yaml"))
        .unwrap_or_else(|| panic!("no row for the broken file: {rows}"));
    assert!(row.contains("YAML syntax error"), "{row}");
    for noise in ["端末が登録されていません", "必須項目"] {
        assert!(!row.contains(noise), "{noise} of a file never read: {row}");
    }
    assert!(
        row.contains("今回は作成できません（前回は作成済み）"),
        "{row}"
    );
    assert!(
        row.contains("<span class=\"badge sev-error\">新たに</span>YAML syntax error"),
        "{row}"
    );
    assert!(!row.contains("解消"), "nothing is known resolved: {row}");
    assert!(!gone.contains("北の森内科医院"), "not gone: {gone}");
    assert!(!row.contains("今回はじめて作成"), "not new: {row}");
    assert!(
        !out.join(format!("clinics/{key}/guide.pdf")).exists(),
        "the last guide is not left to be handed out"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let entry = manifest["clinics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "failed")
        .unwrap();
    assert_eq!(entry["errors"], 1, "{entry}");
    assert_eq!(
        entry["findings"].as_array().map(Vec::len),
        Some(0),
        "{entry}"
    );

    // Fixed: the guide is back and the error is resolved.
    std::fs::write(&file, &good).unwrap();
    let o = build_content(&content, &out);
    assert_ok(&o);
    let dashboard = read(&out.join("clinics/index.html"));
    let (rows, gone) = rows_and_gone(&dashboard);
    let row = row_of(rows, key);
    assert!(
        row.contains("今回は作成できました（前回は作成できず）"),
        "{row}"
    );
    assert!(
        row.contains("<span class=\"badge sev-ok\">解消</span><s>YAML syntax error"),
        "{row}"
    );
    assert!(!row.contains("今回はじめて作成"), "{row}");
    assert!(!gone.contains("hokkaido-clinic"), "{gone}");
    assert!(
        !rows.contains("hokkaido-clinic.yaml"),
        "no row of the broken file left"
    );
}
