//! Incremental builds: a clinic whose inputs did not change is not rendered
//! again; the manifest says what is in the folder. Proven by the manifest and
//! the summary's counts, never by timing.

mod common;

use common::*;
use std::path::Path;

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("manifest.json"))).expect("manifest is JSON")
}

/// (rendered, unchanged, kept, failed) from the summary line.
fn counts(o: &std::process::Output) -> (usize, usize, usize, usize) {
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("clinics:"))
        .unwrap_or_else(|| panic!("no summary line in:\n{stdout}"));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (n[0], n[1], n[2], n[3])
}

fn ok(o: &std::process::Output) {
    assert_ok(o)
}

fn hash_of(m: &serde_json::Value, key: &str) -> String {
    m["clinics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("{key} not in manifest"))["input_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn manifest_records_every_clinic_and_file() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    let o = build_content(&content, &out);
    ok(&o);
    let m = manifest(&out);
    assert_eq!(m["format"], 1);
    let clinics = m["clinics"].as_array().unwrap();
    assert_eq!(clinics.len(), SAMPLES.len());
    let keys: Vec<&str> = clinics.iter().map(|c| c["key"].as_str().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by key");
    use sha2::Digest;
    for c in clinics {
        assert_eq!(c["status"], "built");
        assert_eq!(c["input_hash"].as_str().unwrap().len(), 64);
        let files = c["files"].as_array().unwrap();
        assert_eq!(files.len(), 3, "{c}"); // index.html, guide.pdf, sheet.pdf
        for f in files {
            let bytes = std::fs::read(out.join(f["path"].as_str().unwrap())).unwrap();
            assert_eq!(f["bytes"].as_u64().unwrap(), bytes.len() as u64);
            let sha: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(f["sha256"], sha.as_str());
        }
    }
    // The shared files: dashboard and the whole help site.
    let shared: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(shared.contains(&"clinics/index.html"));
    assert!(shared.contains(&"site/index.html"));
    // The findings summary is there (the Tokyo clinic picked the wrong line type).
    let tokyo = clinics.iter().find(|c| c["key"] == "1311234566").unwrap();
    assert!(!tokyo["findings"].as_array().unwrap().is_empty(), "{tokyo}");
}

#[test]
fn manifest_matches_its_schema() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    let schema: serde_json::Value =
        serde_json::from_str(&read(&root().join("schema/manifest.schema.json"))).unwrap();
    let m = manifest(&out);
    // Every key the build writes is documented, every required key is written.
    let check = |obj: &serde_json::Value, def: &serde_json::Value, what: &str| {
        let props = def["properties"].as_object().unwrap();
        for k in obj.as_object().unwrap().keys() {
            assert!(props.contains_key(k), "{what}: `{k}` not in the schema");
        }
        for r in def["required"].as_array().unwrap() {
            assert!(
                obj.get(r.as_str().unwrap()).is_some(),
                "{what}: `{r}` missing"
            );
        }
    };
    let check_all = |m: &serde_json::Value| {
        check(m, &schema, "manifest");
        check(&m["inputs"], &schema["properties"]["inputs"], "inputs");
        for c in m["clinics"].as_array().unwrap() {
            check(c, &schema["$defs"]["clinic"], "clinic");
            for f in c["files"].as_array().unwrap() {
                check(f, &schema["$defs"]["file"], "file");
            }
            if let Some(s) = c.get("since") {
                check(
                    s,
                    &schema["$defs"]["clinic"]["properties"]["since"],
                    "since",
                );
                for k in ["resolved", "new"] {
                    for f in s.get(k).and_then(|v| v.as_array()).into_iter().flatten() {
                        check(f, &schema["$defs"]["change"], "change");
                    }
                }
            }
        }
    };
    check_all(&m);
    // A second build after a fix and a new clinic writes `since`.
    let clinic = content.join("clinics/tokyo-wrong-line.yaml");
    std::fs::write(&clinic, read(&clinic).replace("  type: 3", "  type: 1")).unwrap();
    std::fs::rename(
        content.join("clinics/hokkaido-clinic.yaml"),
        content.join("clinics/hokkaido-clinic-2.yaml"),
    )
    .unwrap();
    ok(&build_content(&content, &out));
    let m = manifest(&out);
    assert!(
        m["clinics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["since"]["resolved"].is_array()),
        "{m}"
    );
    check_all(&m);
}

#[test]
fn unchanged_rebuild_renders_nothing() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    let first = build_content(&content, &out);
    ok(&first);
    assert_eq!(counts(&first), (SAMPLES.len(), 0, 0, 0));
    let pdf = out.join("clinics/1430123455/guide.pdf");
    let before = std::fs::metadata(&pdf).unwrap().modified().unwrap();
    let again = build_content(&content, &out);
    ok(&again);
    assert_eq!(counts(&again), (0, SAMPLES.len(), 0, 0));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("help site unchanged"),
        "the help site is not rendered either"
    );
    assert_eq!(std::fs::metadata(&pdf).unwrap().modified().unwrap(), before);
    // --force renders everything.
    let forced = build_with_args(&content, &out, &["--force"]);
    ok(&forced);
    assert_eq!(counts(&forced), (SAMPLES.len(), 0, 0, 0));
}

#[test]
fn one_record_change_renders_that_clinic_only() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    let before = manifest(&out);
    let clinic = content.join("clinics/osaka-pharmacy.yaml");
    std::fs::write(
        &clinic,
        read(&clinic).replace("なにわ中央薬局", "なにわ中央薬局 本店"),
    )
    .unwrap();
    let o = build_content(&content, &out);
    ok(&o);
    assert_eq!(counts(&o), (1, SAMPLES.len() - 1, 0, 0));
    let after = manifest(&out);
    assert_ne!(
        hash_of(&before, "2740100181"),
        hash_of(&after, "2740100181")
    );
    assert_eq!(
        hash_of(&before, "1430123455"),
        hash_of(&after, "1430123455")
    );
    assert!(read(&out.join("clinics/2740100181/index.html")).contains("なにわ中央薬局 本店"));
}

#[test]
fn content_change_renders_all() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    let constants = content.join("constants.yaml");
    std::fs::write(&constants, format!("{}\n# edited\n", read(&constants))).unwrap();
    let o = build_content(&content, &out);
    ok(&o);
    assert_eq!(counts(&o), (SAMPLES.len(), 0, 0, 0));
    // The summary says why everything was rendered again.
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("every clinic rendered: changed since the last build: content\n"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Another day changes deadlines: everything again.
    let o = tebiki(&[
        "build",
        "--today",
        "2026-11-25",
        "--content",
        content.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert_eq!(counts(&o), (SAMPLES.len(), 0, 0, 0));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("changed since the last build: date (--today)")
    );
}

#[test]
fn an_unusable_manifest_is_named_and_everything_rendered() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    let manifest = out.join("manifest.json");
    // Cut in the middle of a clinic, as a full disk or a killed copy would.
    let text = read(&manifest);
    std::fs::write(&manifest, &text[..text.len() / 2]).unwrap();
    let o = build_content(&content, &out);
    ok(&o);
    assert_eq!(counts(&o), (SAMPLES.len(), 0, 0, 0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("the last build's manifest cannot be used (EOF while parsing"),
        "{stderr}"
    );
    assert!(
        stdout.contains("every clinic rendered: the last build's manifest cannot be used (EOF"),
        "{stdout}"
    );
    // The manifest written now is whole again: the next build renders nothing.
    let again = build_content(&content, &out);
    ok(&again);
    assert_eq!(counts(&again), (0, SAMPLES.len(), 0, 0));
    assert!(!String::from_utf8_lossy(&again.stdout).contains("every clinic rendered"));
}

#[test]
fn the_summary_counts_rules_under_their_generic_title() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    let o = build_content(&content, &out);
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The sample clinics need 1, 2 and 3 certificates: the summary line
    // counts them all, so it must not print one clinic's number.
    let line = stdout
        .lines()
        .find(|l| l.contains("certificate-fee"))
        .unwrap_or_else(|| panic!("no certificate-fee line in:\n{stdout}"));
    let head = format!("[お知らせ] certificate-fee ×{}: ", SAMPLES.len());
    let title = line
        .trim()
        .strip_prefix(&head)
        .unwrap_or_else(|| panic!("severity name from strings.yaml (severity_info): {line}"));
    // The rule's title as the help site shows it: placeholders, no values.
    assert!(
        title.starts_with("電子証明書は〈電子証明書の枚数〉")
            && title.contains("〈電子証明書発行料の合計〉"),
        "{title}"
    );
    for l in stdout.lines().filter(|l| l.trim_start().starts_with('[')) {
        assert!(!l.contains("1枚") && !l.contains("1,500円"), "{l}");
    }
}

#[test]
fn a_deleted_output_file_is_rendered_again() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    std::fs::remove_file(out.join("clinics/0110113719/guide.pdf")).unwrap();
    let o = build_content(&content, &out);
    ok(&o);
    assert_eq!(counts(&o), (1, SAMPLES.len() - 1, 0, 0));
    assert!(out.join("clinics/0110113719/guide.pdf").exists());
}

#[test]
fn only_builds_the_named_clinics_and_keeps_the_rest() {
    let (_tmp, content) = content_copy();
    let out = content.parent().unwrap().join("out");
    ok(&build_content(&content, &out));
    for (file, from, to) in [
        (
            "osaka-pharmacy.yaml",
            "なにわ中央薬局",
            "なにわ中央薬局 本店",
        ),
        (
            "hokkaido-clinic.yaml",
            "北の森内科医院",
            "北の森内科医院 分院",
        ),
    ] {
        let p = content.join("clinics").join(file);
        std::fs::write(&p, read(&p).replace(from, to)).unwrap();
    }
    let o = build_with_args(&content, &out, &["--only", "2740100181"]);
    ok(&o);
    assert_eq!(counts(&o), (1, 0, SAMPLES.len() - 1, 0));
    assert!(read(&out.join("clinics/2740100181/index.html")).contains("本店"));
    // The other changed clinic keeps its last guide until it is built.
    assert!(!read(&out.join("clinics/0110113719/index.html")).contains("分院"));
    assert_eq!(
        manifest(&out)["clinics"].as_array().unwrap().len(),
        SAMPLES.len()
    );
    let o = build_with_args(&content, &out, &["--only", "9999999999"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--only 9999999999: no clinic has this key")
    );
}

fn build_with_args(content: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    build_content_on(content, out, TODAY, extra)
}
