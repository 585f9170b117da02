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
    // No other sample clinic has a wrong line type.
    assert!(
        !dashboard.contains(LINE_TYPE_TITLE),
        "stale finding on the dashboard"
    );
    assert!(
        !dashboard.contains(gone_key),
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
