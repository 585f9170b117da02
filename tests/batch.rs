//! The output folder is tebiki's only to the extent its manifest says:
//! cleanup never follows symlinks or leaves --out, writes never go through a
//! symlink, temporary files of killed runs are removed, two builds on one
//! folder are refused, unrelated files are left alone and mentioned.
//! And batches split into shards merge into exactly the single-run result.

mod common;

use common::*;
use std::path::Path;
use std::process::Output;

fn out_text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", out_text(o));
}

/// A symlinked folder in OUT/clinics that is no clinic of the data: the old
/// cleanup followed it and deleted the guides it found outside --out.
#[test]
fn cleanup_never_follows_a_symlink_out_of_the_folder() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    ok(&build_content(&content, &out));
    let outside = tmp.path().join("precious");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("index.html"), "mine").unwrap();
    std::fs::write(outside.join("guide.pdf"), "mine").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("clinics/9999999999")).unwrap();
    // A clinic leaves the data: its recorded files go, nothing else does.
    std::fs::remove_file(content.join("clinics/osaka-pharmacy.yaml")).unwrap();
    ok(&build_content(&content, &out));
    assert_eq!(read(&outside.join("index.html")), "mine");
    assert_eq!(read(&outside.join("guide.pdf")), "mine");
    assert!(!out.join("clinics/2740100181/guide.pdf").exists());
    assert!(
        !out.join("clinics/2740100181").exists(),
        "empty folder removed"
    );
}

/// A clinic folder that is a symlink is refused, never written through.
#[test]
fn a_symlinked_clinic_folder_is_refused() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    let outside = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(out.join("clinics")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("clinics/1430123455")).unwrap();
    let o = build_content(&content, &out);
    let text = out_text(&o);
    let through: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        through.is_empty(),
        "written through the symlinked clinic folder (outside --out): {through:?}\n{text}"
    );
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("symbolic link"), "{text}");
    assert!(text.contains("1430123455"), "{text}");
    // The other clinics are built.
    assert!(out.join("clinics/2740100181/guide.pdf").exists());
}

/// Deletion follows the record only: a guide-looking file tebiki did not
/// write stays, a file that was recorded goes.
#[test]
fn only_recorded_files_are_deleted_and_others_are_mentioned() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    ok(&build_content(&content, &out));
    let foreign = [
        "site/custom.css",
        "site/extra/notes.html",
        "clinics/1430123455/memo.txt",
        "clinics/8888888888/index.html",
        "README.txt",
    ];
    for f in foreign {
        let p = out.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "kept").unwrap();
    }
    std::fs::remove_file(content.join("clinics/osaka-pharmacy.yaml")).unwrap();
    let o = build_content(&content, &out);
    ok(&o);
    for f in foreign {
        assert_eq!(read(&out.join(f)), "kept", "{f}");
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("left alone 5 file(s)") && stdout.contains("site/custom.css"),
        "{stdout}"
    );
    assert!(!out.join("clinics/2740100181/index.html").exists());
}

/// Temporary files of a killed run (`.NAME.tmp-PID`) are removed by the next.
#[test]
fn temp_files_of_a_killed_run_are_removed() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    ok(&build_content(&content, &out));
    let temps = [
        "clinics/1430123455/.guide.pdf.tmp-4194000",
        "site/.index.html.tmp-77",
        "clinics/.index.html.tmp-12",
    ];
    for t in temps {
        std::fs::write(out.join(t), "half a file").unwrap();
    }
    let o = build_content(&content, &out);
    ok(&o);
    for t in temps {
        assert!(!out.join(t).exists(), "{t} of a killed run was left behind");
    }
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("removed 3 temporary file(s)"),
        "{}",
        out_text(&o)
    );
}

/// While one build holds the folder, a second is refused with a clear message.
#[test]
fn two_builds_on_one_folder_are_refused() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".tebiki.lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = build_content(&content, &out);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a second build ran on the folder another build holds:\n{}",
        out_text(&o)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another tebiki build is writing into"),
        "{err}"
    );
    assert!(!out.join("clinics").exists(), "nothing written");
    lock.unlock().unwrap();
    ok(&build_content(&content, &out));
}

/// A recorded clinic folder replaced by a symlink to a folder outside
/// --out, and a recorded handout replaced by a symlink to a file outside:
/// when those clinics leave the data, neither link is followed (issue 11:
/// the old cleanup deleted through the folder link; the file link guards
/// the record-based cleanup of today).
#[test]
fn a_recorded_folder_or_file_turned_symlink_is_not_followed() {
    let (tmp, content) = content_copy();
    let out = tmp.path().join("out");
    ok(&build_content(&content, &out));
    // The folder of 北の森内科医院 becomes a link to someone's folder.
    let theirs = tmp.path().join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    for f in ["index.html", "guide.pdf", "sheet.pdf"] {
        std::fs::write(theirs.join(f), "mine").unwrap();
    }
    let folder = out.join("clinics/0110113719");
    std::fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(&theirs, &folder).unwrap();
    // The handout of なにわ中央薬局 becomes a link to someone's file.
    let target = tmp.path().join("target.pdf");
    std::fs::write(&target, "mine").unwrap();
    let pdf = out.join("clinics/2740100181/guide.pdf");
    std::fs::remove_file(&pdf).unwrap();
    std::os::unix::fs::symlink(&target, &pdf).unwrap();
    // Both clinics leave the data: their recorded files would be deleted.
    std::fs::remove_file(content.join("clinics/hokkaido-clinic.yaml")).unwrap();
    std::fs::remove_file(content.join("clinics/osaka-pharmacy.yaml")).unwrap();
    let o = build_content(&content, &out);
    for f in ["index.html", "guide.pdf", "sheet.pdf"] {
        assert!(
            theirs.join(f).exists(),
            "{f} deleted through the symlinked clinic folder (outside --out):\n{}",
            out_text(&o)
        );
    }
    assert_eq!(read(&target), "mine");
}

fn build_into(content: &Path, out: &Path, extra: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.args(["build", "--today", TODAY, "--content"])
        .arg(content)
        .arg("--out")
        .arg(out)
        .args(extra)
        .current_dir(root())
        .env("NO_COLOR", "1");
    c
}

/// Every file below `dir` (relative path → bytes), without the lock.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, p)
        })
        .filter(|(rel, _)| rel != ".tebiki.lock")
        .map(|(rel, p)| (rel, std::fs::read(&p).unwrap()))
        .collect()
}

/// Shards run as parallel processes; merged, they equal one single run,
/// byte for byte (guides, handouts, dashboard, help site, manifest).
#[test]
fn shards_in_parallel_merge_into_the_single_run() {
    let (tmp, content) = content_copy();
    // Twelve clinics: the samples plus copies under other institution codes.
    let extra = [
        ("0110113727", "北の森内科医院", "北の森第二医院"),
        ("0110113735", "北の森内科医院", "北の森第三医院"),
    ];
    let base = read(&content.join("clinics/hokkaido-clinic.yaml"));
    for (i, (code, from, to)) in extra.iter().enumerate() {
        let text = base
            .replace("0110113719", code)
            .replace("\"0113719\"", &format!("\"{}\"", &code[3..]))
            .replace(from, to);
        std::fs::write(content.join(format!("clinics/extra-{i}.yaml")), text).unwrap();
    }
    let single = tmp.path().join("single");
    let o = build_into(&content, &single, &[]).output().unwrap();
    let single_code = o.status.code();
    let n = 3;
    let children: Vec<_> = (0..n)
        .map(|i| {
            build_into(
                &content,
                &tmp.path().join(format!("shard{i}")),
                &["--shard", &format!("{i}/{n}")],
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
        })
        .collect();
    for mut c in children {
        assert_eq!(c.wait().unwrap().code(), single_code);
    }
    // Disjoint and complete.
    let mut keys = Vec::new();
    for i in 0..n {
        let m: serde_json::Value =
            serde_json::from_str(&read(&tmp.path().join(format!("shard{i}/manifest.json"))))
                .unwrap();
        assert_eq!(m["shard"]["index"], i);
        for c in m["clinics"].as_array().unwrap() {
            keys.push(c["key"].as_str().unwrap().to_string());
        }
    }
    let total = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), total, "disjoint");
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge".to_string()];
    for i in 0..n {
        args.push(tmp.path().join(format!("shard{i}")).display().to_string());
    }
    args.extend(["--out".into(), merged.display().to_string()]);
    let o = tebiki(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), single_code, "{}", out_text(&o));
    let (a, b) = (tree(&single), tree(&merged));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs");
    }
    // An incomplete set is refused.
    let o = tebiki(&[
        "merge",
        &tmp.path().join("shard0").display().to_string(),
        "--out",
        &tmp.path().join("partial").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("missing"),
        "{}",
        out_text(&o)
    );
}

fn pdf_pages(pdf: &Path) -> usize {
    let o = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo");
    assert!(o.status.success(), "pdfinfo {}", pdf.display());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let o = std::process::Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every handout in one PDF, in data order, each clinic on a right-hand
/// (odd) page with a blank page before it where needed, a bookmark each.
#[test]
fn combined_pdf_for_the_print_shop() {
    combined_pdf_of("guide.pdf", &[]);
}

/// The same with each clinic's one-page sheet instead of its handout.
#[test]
fn combined_sheets_for_the_print_shop() {
    combined_pdf_of("sheet.pdf", &["--combined-sheets"]);
}

/// Builds the sample with `--combined` (and `extra`) and checks the joined
/// file against each clinic's `file`.
fn combined_pdf_of(file: &str, extra: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let all = d.path().join("all.pdf");
    let mut args = vec![
        "build",
        "--today",
        TODAY,
        "--out",
        out.to_str().unwrap(),
        "--combined",
        all.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = tebiki(&args);
    ok(&o);
    // Data order: the clinic files sorted by name (the manifest says which
    // file each clinic came from).
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let mut by_file: Vec<(String, String, String)> = m["clinics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["source"].as_str().unwrap().to_string(),
                c["key"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    by_file.sort();
    assert!(by_file.len() >= SAMPLES.len());
    let order: Vec<(&str, &str)> = by_file
        .iter()
        .map(|(_, k, n)| (k.as_str(), n.as_str()))
        .collect();
    let mut start = 1;
    let mut starts = Vec::new();
    for &(key, name) in &order {
        let n = pdf_pages(&out.join("clinics").join(key).join(file));
        let first = page_text(&all, start);
        assert!(
            first.contains(name),
            "page {start} should open {name}:\n{first}"
        );
        assert_eq!(start % 2, 1, "{key} starts on a right-hand page");
        starts.push(start);
        if n % 2 == 1 {
            assert_eq!(
                page_text(&all, start + n).trim(),
                "",
                "blank page after {key}"
            );
        }
        start += n + n % 2;
    }
    assert_eq!(pdf_pages(&all), start - 1);
    let doc = lopdf::Document::load(&all).unwrap();
    let toc = doc.get_toc().expect("bookmarks");
    let titles: Vec<(String, usize)> = toc.toc.iter().map(|t| (t.title.clone(), t.page)).collect();
    let expected: Vec<(String, usize)> = order
        .iter()
        .zip(&starts)
        .map(|((k, n), s)| (format!("{k} {n}"), *s))
        .collect();
    assert_eq!(titles, expected);
    assert!(String::from_utf8_lossy(&o.stdout).contains("combined PDF"));
}

/// Clinic files are committed a chunk at a time (written beside their place,
/// flushed together, then renamed): one clinic whose handout cannot be put
/// in place fails alone. The other clinics of its chunk get the files a
/// clean build writes, byte for byte; no temporary file is left; what stood
/// in the handout's place is untouched; the exit code says a clinic failed.
#[test]
fn a_file_that_cannot_be_put_in_place_fails_its_clinic_only() {
    let (tmp, content) = content_copy();
    let clean = tmp.path().join("clean");
    ok(&build_into(&content, &clean, &[]).output().unwrap());
    let out = tmp.path().join("out");
    // A folder that is not empty where one handout goes: its rename fails.
    let blocker = out.join("clinics/1430123455/guide.pdf");
    std::fs::create_dir_all(&blocker).unwrap();
    std::fs::write(blocker.join("mine.txt"), "mine").unwrap();
    let o = build_into(&content, &out, &[]).output().unwrap();
    let text = out_text(&o);
    assert!(!o.status.success(), "{text}");
    assert!(
        text.contains("guide not written") && text.contains("1430123455"),
        "{text}"
    );
    assert_eq!(read(&blocker.join("mine.txt")), "mine");
    assert!(!out.join("clinics/1430123455/index.html").exists());
    assert!(!out.join("clinics/1430123455/sheet.pdf").exists());
    let (want, got) = (tree(&clean), tree(&out));
    let others: Vec<&String> = want
        .keys()
        .filter(|rel| {
            rel.starts_with("clinics/")
                && !rel.starts_with("clinics/1430123455/")
                && rel.as_str() != "clinics/index.html"
        })
        .collect();
    assert!(others.len() >= 6, "{others:?}");
    for rel in others {
        assert!(
            got.get(rel) == want.get(rel),
            "{rel} differs from a clean build"
        );
    }
    let temps: Vec<&String> = got.keys().filter(|k| k.contains(".tmp-")).collect();
    assert!(temps.is_empty(), "{temps:?}");
}

/// `--clinics ONE.yaml` builds that one clinic, exactly as it is built from
/// a folder holding only that file.
#[test]
fn one_clinic_yaml_file_builds_its_guide() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join("content/clinics/kyoto-three-terminals.yaml");
    let folder = tmp.path().join("one");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&file, folder.join("kyoto-three-terminals.yaml")).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let o = build_with("--clinics", &file, &a);
    ok(&o);
    assert!(
        out_text(&o).contains("Built 1 clinic guide(s)"),
        "{}",
        out_text(&o)
    );
    ok(&build_with("--clinics", &folder, &b));
    let keys = |out: &Path| -> Vec<String> {
        let mut k: Vec<String> = std::fs::read_dir(out.join("clinics"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&a).len(), 1);
    assert_eq!(keys(&a), keys(&b));
    let key = &keys(&a)[0];
    for f in ["index.html", "guide.pdf", "sheet.pdf"] {
        let (pa, pb) = (
            a.join("clinics").join(key).join(f),
            b.join("clinics").join(key).join(f),
        );
        assert!(
            std::fs::read(&pa).unwrap() == std::fs::read(&pb).unwrap(),
            "{f} differs between --clinics FILE and --clinics FOLDER"
        );
    }
    // A link in the file's place is refused, as it is inside a folder.
    let link = tmp.path().join("link.yaml");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let o = build_with("--clinics", &link, &tmp.path().join("c"));
    assert!(!o.status.success());
    assert!(out_text(&o).contains("symbolic link"), "{}", out_text(&o));
}

/// Clinic data that cannot be read at all: its message once, and a last
/// line that says what happened (not "0 clinic(s) failed").
#[test]
fn unreadable_clinic_data_is_reported_once_with_what_happened() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("clinics.txt");
    std::fs::write(&list, "医療機関コード\n1311234566\n").unwrap();
    let o = build_with("--clinics", &list, &tmp.path().join("out"));
    let text = out_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert_eq!(
        text.matches("unsupported clinic data file").count(),
        1,
        "{text}"
    );
    assert!(text.contains("one clinic .yaml file"), "{text}");
    assert!(text.contains("error: no clinic could be read"), "{text}");
    assert!(!text.contains("0 clinic(s) failed"), "{text}");
}

#[test]
fn an_out_path_that_is_a_file_is_refused_in_plain_words_and_kept() {
    // It said 「cannot create folder …: File exists (os error 17)」.
    let (tmp, content) = content_copy();
    let out = tmp.path().join("report.pdf");
    std::fs::write(&out, b"not a folder").unwrap();
    let o = build_content(&content, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("output is not a folder"), "{err}");
    assert!(err.contains("pass --out with a folder"), "{err}");
    assert!(!err.contains("File exists"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"not a folder");
}
