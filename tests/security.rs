//! Hardening (issue 11): secrets never printed, every clinic file counted,
//! bounded inputs, invisible characters. Each test plants the attack or the
//! careless input itself and runs the real binary.

mod common;

use common::{TODAY, build_content, content_copy, read, tebiki};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Every file under `p`.
fn walk(p: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                v.extend(walk(&path));
            } else {
                v.push(path);
            }
        }
    }
    v
}

/// A valid clinic file (the sample's), with `extra` lines appended.
fn clinic_yaml(code: &str, extra: &str) -> String {
    format!(
        "institution_code: \"{code}\"\nprefecture: 14\nfee_schedule: 3\ncategory: 2\nname: テスト歯科\n\
         phone: 045-201-3344\nline:\n  carrier: ntt-east\n  type: 1\n  customer_id: CAF1253000113\n\
         start_month: 2027-01\nfee_payment: 1\nterminals:\n  - PC1\n{extra}"
    )
}

/// A minimal XLSX workbook with one sheet of inline-string cells
/// (`(reference, text)`), built here so the attack fixtures live in the test.
fn xlsx(cells: &[(&str, &str)], dimension: &str) -> Vec<u8> {
    let mut rows: std::collections::BTreeMap<u32, Vec<(&str, &str)>> = Default::default();
    for (r, t) in cells {
        let row: u32 = r
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        rows.entry(row).or_default().push((r, t));
    }
    let mut sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"{dimension}\"/><sheetData>"
    );
    for (row, cs) in rows {
        sheet.push_str(&format!("<row r=\"{row}\">"));
        for (r, t) in cs {
            sheet.push_str(&format!(
                "<c r=\"{r}\" t=\"inlineStr\"><is><t>{t}</t></is></c>"
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    xlsx_with_sheet(|w| w.write_all(sheet.as_bytes()).unwrap())
}

fn xlsx_with_sheet(
    write_sheet: impl FnOnce(&mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>),
) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>",
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
        ),
        (
            "xl/workbook.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
        ),
    ];
    for (name, body) in parts {
        w.start_file(name, opt).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.start_file("xl/worksheets/sheet1.xml", opt).unwrap();
    write_sheet(&mut w);
    w.finish().unwrap().into_inner()
}

/// Secret-key spellings issue 11 found the old detector missed.
const ISSUE_SPELLINGS: &[&str] = &[
    "PINno",
    "pinnumber",
    "ヒミツ",
    "ﾋﾐﾂ",
    "ぱすわーど",
    "パス",
    "シークレット",
    "security_code",
    "p@ssword",
];

/// Every shape of issue 11 with a unique secret, each beside an unrelated
/// error: build, check (human and JSON) and import print none of them and
/// write none of them.
#[test]
fn planted_secrets_never_reach_any_output() {
    let (tmp, content) = content_copy();
    let clinics = content.join("clinics");
    let mut secrets: Vec<String> = Vec::new();
    let mut plant = |name: &str, body: &dyn Fn(&str) -> String| {
        let s = format!("Zq{}x{}", secrets.len() + 7, "Q9".repeat(3));
        std::fs::write(clinics.join(name), body(&s)).unwrap();
        secrets.push(s);
    };
    // Beside an unrelated error (a bad phone number) in the same file.
    plant("s-plain.yaml", &|s| {
        clinic_yaml("0100182", &format!("password: {s}\nemail: not-an-email\n"))
    });
    plant("s-dup.yaml", &|s| {
        clinic_yaml("0100182", &format!("password: {s}\npassword: {s}b\n"))
    });
    plant("s-syntax.yaml", &|s| {
        clinic_yaml("0100182", &format!("password: [{s}, \n  : x: ]]\n"))
    });
    plant("s-flow.yaml", &|s| {
        clinic_yaml(
            "0100182",
            &format!("contact: {{person: 山田, password: {s}, department: 受付}}\nemail: bad\n"),
        )
    });
    plant("s-list.yaml", &|s| {
        clinic_yaml(
            "0100182",
            &format!("installation_date: 2026-02-30\nextra_terminals:\n  - password: {s}\n"),
        )
    });
    plant("s-list-in-field.yaml", &|s| {
        clinic_yaml(
            "0100182",
            &format!("email: bad\nnotes:\n  - name: PC2\n    pin: {s}\n"),
        )
        .replace(
            "terminals:\n  - PC1\n",
            &format!("terminals:\n  - name: PC1\n    password: {s}\n"),
        )
    });
    plant("s-nested.yaml", &|s| {
        clinic_yaml(
            "0100182",
            &format!("portal:\n  login:\n    pass: {s}\nphone2: x\n"),
        )
    });
    plant("s-block.yaml", &|s| {
        clinic_yaml("0100182", &format!("password: |\n  {s}\nemail: bad\n"))
    });
    for (i, key) in ISSUE_SPELLINGS
        .iter()
        .chain(&["秘密の番号", "暗証番号"])
        .enumerate()
    {
        plant(&format!("s-spelling-{i}.yaml"), &|s| {
            clinic_yaml("0100182", &format!("\"{key}\": {s}\nemail: bad\n"))
        });
    }
    // An unknown field prints no value either (only schema fields are echoed).
    plant("s-unknown.yaml", &|s| {
        clinic_yaml("0100182", &format!("memo: {s}\nemail: bad\n"))
    });
    // A 20,000-character line around a secret.
    plant("s-long.yaml", &|s| {
        clinic_yaml(
            "0100182",
            &format!(
                "email: {}\nmemo2: {}{s}\n",
                "b".repeat(20_000),
                "a".repeat(30)
            ),
        )
    });
    // CSV and XLSX lists with password and 秘密の番号 columns, and a bad code in the row.
    let csv_secret = format!("Zcsv{}", "Q9".repeat(3));
    let csv_pin = "8614";
    let csv = format!(
        "医療機関コード,医療機関名,パスワード,秘密の番号,電話番号\n0100183,A医院,{csv_secret},{csv_pin},x\n"
    );
    let csv_path = tmp.path().join("list.csv");
    std::fs::write(&csv_path, &csv).unwrap();
    let xlsx_secret = format!("Zxl{}", "Q9".repeat(3));
    let xlsx_path = tmp.path().join("list.xlsx");
    std::fs::write(
        &xlsx_path,
        xlsx(
            &[
                ("A1", "医療機関コード"),
                ("B1", "PINno"),
                ("C1", "電話番号"),
                ("A2", "123"),
                ("B2", &xlsx_secret),
                ("C2", "x"),
            ],
            "A1:C2",
        ),
    )
    .unwrap();
    secrets.extend([csv_secret.clone(), xlsx_secret.clone()]);

    let out = tmp.path().join("out");
    let imported = tmp.path().join("imported");
    let c = content.to_str().unwrap();
    let build_list = |list: &Path, into: &str| {
        let into = out.join(into);
        tebiki(&[
            "build",
            "--today",
            TODAY,
            "--content",
            c,
            "--clinics",
            list.to_str().unwrap(),
            "--out",
            into.to_str().unwrap(),
        ])
    };
    let import = |list: &Path| {
        tebiki(&[
            "import",
            "--content",
            c,
            list.to_str().unwrap(),
            "--out",
            imported.to_str().unwrap(),
        ])
    };
    let runs = vec![
        build_content(&content, &out),
        tebiki(&["check", "--today", TODAY, "--content", c]),
        tebiki(&[
            "check",
            "--today",
            TODAY,
            "--content",
            c,
            "--format",
            "json",
        ]),
        build_list(&csv_path, "csv"),
        build_list(&xlsx_path, "xlsx"),
        tebiki(&[
            "check",
            "--today",
            TODAY,
            "--content",
            c,
            "--clinics",
            csv_path.to_str().unwrap(),
        ]),
        import(&csv_path),
        import(&xlsx_path),
    ];
    let mut all = String::new();
    for o in &runs {
        all.push_str(&String::from_utf8_lossy(&o.stdout));
        all.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    // No secret printed (checked first: the promise itself).
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "secret {s} printed:\n{all}");
    }
    assert!(!all.contains(&format!(",{csv_pin},")), "{all}");
    for o in &runs {
        assert!(!o.status.success(), "every run has errors");
    }
    // The secrets were recognised as such, each at its line.
    for f in [
        "s-plain.yaml:",
        "s-flow.yaml:",
        "s-list.yaml:",
        "s-nested.yaml:",
        "s-block.yaml:",
        "s-list-in-field.yaml:",
    ] {
        assert!(all.contains(f), "{f} not reported:\n{all}");
    }
    assert!(
        all.contains("`extra_terminals.password` looks like a password"),
        "{all}"
    );
    assert!(
        all.contains("`terminals.password` looks like a password"),
        "{all}"
    );
    assert!(
        all.contains("column `パスワード` looks like a password"),
        "{all}"
    );
    assert!(
        all.contains("column `秘密の番号` looks like a password"),
        "{all}"
    );
    assert!(
        all.contains("column `PINno` looks like a password"),
        "{all}"
    );
    for key in ISSUE_SPELLINGS {
        assert!(
            all.contains(&format!("`{key}` looks like a password")),
            "{key} not recognised:\n{all}"
        );
    }
    assert!(
        !all.contains(&"b".repeat(400)),
        "a 20,000-character line was echoed whole"
    );
    let mut files = walk(&out);
    files.extend(walk(&imported));
    assert!(files.len() > 10, "something was built");
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "secret {s} in {}", f.display());
        }
    }
}

/// Files that cannot be read are on the dashboard and in the counts; a
/// duplicated institution code fails both clinics.
#[test]
fn every_failed_clinic_file_is_counted_and_listed() {
    let (tmp, content) = content_copy();
    let clinics = content.join("clinics");
    std::fs::write(clinics.join("bad-syntax.yaml"), "name: [x\n").unwrap();
    std::fs::write(
        clinics.join("bad-encoding.yaml"),
        [0x82, 0xa0, 0x82, 0xa2, 0x0a],
    )
    .unwrap();
    std::fs::write(clinics.join("bad-dupkey.yaml"), "name: a\nname: b\n").unwrap();
    std::fs::write(clinics.join("bad-alias.yaml"), "a: &x 1\nname: *x\n").unwrap();
    std::fs::write(
        clinics.join("bad-two-docs.yaml"),
        clinic_yaml("0123463", "---\nname: second\n"),
    )
    .unwrap();
    // The same institution code as kanagawa-dental.yaml.
    std::fs::write(
        clinics.join("zz-duplicate.yaml"),
        clinic_yaml("0123455", ""),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        content.join("clinics/osaka-pharmacy.yaml"),
        tmp.path().join("linked.yaml"),
    )
    .unwrap();
    #[cfg(unix)]
    std::fs::rename(tmp.path().join("linked.yaml"), clinics.join("linked.yaml")).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let failed = [
        "bad-syntax",
        "bad-encoding",
        "bad-dupkey",
        "bad-alias",
        "bad-two-docs",
        "linked",
    ];
    let n = failed.len() - usize::from(cfg!(not(unix))) + 2;
    assert!(
        stderr.contains(&format!("error: {n} clinic(s) failed")),
        "{stderr}\n{stdout}"
    );
    let dash = read(&out.join("clinics/index.html"));
    for f in failed {
        if f == "linked" && cfg!(not(unix)) {
            continue;
        }
        assert!(
            dash.contains(&format!("{f}.yaml")),
            "{f} missing from the dashboard"
        );
        assert!(stdout.contains(&format!("FAILED {f}")), "{f}: {stdout}");
    }
    assert!(stderr.contains("second YAML document"), "{stderr}");
    assert!(
        stderr.contains("not UTF-8") && stderr.contains("Shift_JIS"),
        "{stderr}"
    );
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(stderr.contains("is also used by"), "{stderr}");
    // Both clinics of the duplicated code failed; neither has a guide.
    assert!(!out.join("clinics/1430123455/index.html").exists());
    assert!(!out.join("clinics/1430123455-2/index.html").exists());
    assert!(
        out.join("clinics/2740100181/index.html").exists(),
        "{stdout}"
    );
}

/// An empty folder and a sheet without rows are errors, not silent successes.
#[test]
fn empty_inputs_say_so() {
    let (tmp, content) = content_copy();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let c = content.to_str().unwrap();
    let o = tebiki(&[
        "check",
        "--content",
        c,
        "--clinics",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no clinic files"));
    let x = tmp.path().join("header-only.xlsx");
    std::fs::write(
        &x,
        xlsx(&[("A1", "医療機関コード"), ("B1", "医療機関名")], "A1:B1"),
    )
    .unwrap();
    let o = tebiki(&[
        "build",
        "--content",
        c,
        "--clinics",
        x.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no clinic rows"));
}

/// Spreadsheet dimensions and unpacked sizes are checked before anything
/// is allocated; the error names the sheet, the cell and the limit.
#[test]
fn spreadsheet_bombs_are_refused_with_located_errors() {
    let (tmp, content) = content_copy();
    let c = content.to_str().unwrap();
    let check = |name: &str, bytes: Vec<u8>| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let o = tebiki(&["check", "--content", c, "--clinics", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let far = check(
        "far.xlsx",
        xlsx(
            &[("A1", "医療機関コード"), ("XFD1048576", "x")],
            "A1:XFD1048576",
        ),
    );
    assert!(far.contains("sheet Sheet1, cell XFD1048576"), "{far}");
    assert!(far.contains("250000 rows"), "{far}");
    let deep = check(
        "deep.xlsx",
        xlsx(
            &[("A1", "医療機関コード"), ("Z1048576", "x")],
            "A1:Z1048576",
        ),
    );
    assert!(deep.contains("cell Z1048576"), "{deep}");
    // 70 MB of sheet in a small zip.
    let bomb = xlsx_with_sheet(|w| {
        w.write_all(b"<worksheet><sheetData>").unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..70 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"</sheetData></worksheet>").unwrap();
    });
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let e = check("bomb.xlsx", bomb);
    assert!(
        e.contains("xl/worksheets/sheet1.xml unpacks to more than"),
        "{e}"
    );
}

/// EUC-JP and UTF-16 lists are read with a hint instead of mojibake.
#[test]
fn csv_encodings_get_a_hint() {
    let (tmp, content) = content_copy();
    let c = content.to_str().unwrap();
    let text = "医療機関コード,都道府県,点数表,医療機関名\n0123455,14,3,みなと歯科クリニック\n";
    let (euc, _, _) = encoding_rs::EUC_JP.encode(text);
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (name, bytes, enc) in [
        ("euc.csv", euc.to_vec(), "EUC-JP"),
        ("u16.csv", utf16, "UTF-16"),
    ] {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let o = tebiki(&["check", "--content", c, "--clinics", p.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("read as {enc}")), "{name}: {err}");
        assert!(!err.contains("unknown column"), "{name}: {err}");
    }
}

/// 50,000 keys in one mapping: bounded messages (the file is read once).
#[test]
fn many_keys_give_a_bounded_report() {
    let (tmp, content) = content_copy();
    let dir = tmp.path().join("many");
    std::fs::create_dir(&dir).unwrap();
    let mut body = clinic_yaml("0123455", "");
    for i in 0..50_000 {
        body.push_str(&format!("k{i}: v\n"));
    }
    std::fs::write(dir.join("many.yaml"), body).unwrap();
    let o = tebiki(&[
        "check",
        "--content",
        content.to_str().unwrap(),
        "--clinics",
        dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("more problem(s) in this file not shown"),
        "{err}"
    );
    assert!(err.matches("unknown field").count() <= 50, "{}", err.len());
}

/// Across files the terminal gets at most 100 messages and a count of the
/// rest; `-v` prints them all.
#[test]
fn messages_are_bounded_across_files_and_v_shows_all() {
    let (tmp, content) = content_copy();
    let dir = tmp.path().join("many");
    std::fs::create_dir(&dir).unwrap();
    for f in 0..3 {
        let mut body = clinic_yaml(&format!("012345{}", [5, 3, 1][f]), "");
        for i in 0..40 {
            body.push_str(&format!("k{i}: v\n"));
        }
        std::fs::write(dir.join(format!("many-{f}.yaml")), body).unwrap();
    }
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--content",
            content.to_str().unwrap(),
            "--clinics",
            dir.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = tebiki(&args);
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let bounded = run(&[]);
    // "checked 3 clinic(s): E error(s), W warning(s)"
    let counts: Vec<usize> = bounded
        .lines()
        .find_map(|l| l.strip_prefix("checked 3 clinic(s): "))
        .expect("summary")
        .split(", ")
        .map(|n| n.split(' ').next().unwrap().parse().unwrap())
        .collect();
    let total: usize = counts.iter().sum();
    assert!(total > 120, "{bounded}");
    assert!(
        bounded.contains(&format!(
            "… and {} more message(s) not shown (run with -v to see all)",
            total - 100
        )),
        "{bounded}"
    );
    assert!(bounded.matches("unknown field").count() < 100);
    let all = run(&["-v"]);
    assert_eq!(all.matches("unknown field").count(), 120, "{all}");
    assert!(!all.contains("not shown"), "{all}");
}

/// Bidi overrides, zero-width and control characters are removed from
/// clinic values with a located warning: neither the HTML nor the PDF has them.
#[test]
fn invisible_characters_are_removed_with_a_warning() {
    let (tmp, content) = content_copy();
    let f = content.join("clinics/kanagawa-dental.yaml");
    let text = read(&f).replace(
        "name: みなと歯科クリニック",
        "name: \"みなと\u{202E}歯科\u{200B}クリ\\aニック\"",
    );
    std::fs::write(&f, text).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("kanagawa-dental.yaml:7:7"), "{err}");
    assert!(err.contains("U+202E RIGHT-TO-LEFT OVERRIDE"), "{err}");
    assert!(err.contains("U+0007"), "{err}");
    // The echoed source line shows where they were, not the characters themselves.
    assert!(!err.contains('\u{202E}'), "{err}");
    let html = read(&out.join("clinics/1430123455/index.html"));
    assert!(html.contains("みなと歯科クリニック"));
    for c in ['\u{202E}', '\u{200B}', '\u{7}'] {
        assert!(!html.contains(c), "{c:?} in the HTML");
    }
    let pdf = std::process::Command::new("pdftotext")
        .args([
            out.join("clinics/1430123455/guide.pdf").to_str().unwrap(),
            "-",
        ])
        .output()
        .expect("pdftotext");
    let pdf_text = String::from_utf8_lossy(&pdf.stdout);
    assert!(pdf_text.contains("みなと歯科クリニック"), "{pdf_text}");
}

/// A content `file:` path may not leave content/ (nor go through a link).
#[test]
fn content_file_paths_stay_inside_content() {
    let (tmp, content) = content_copy();
    let m = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&m).replacen(
        "summary: { file: summary.md }",
        "summary: { file: ../../../../../../../../etc/passwd }",
        1,
    );
    assert!(text.contains("etc/passwd"));
    std::fs::write(&m, text).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("leaves the content folder"), "{err}");
    assert!(err.contains("manual.yaml:"), "{err}");
    assert!(!err.contains("root:x:0"), "{err}");
    for f in walk(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("root:x:0"),
            "{}",
            f.display()
        );
    }
}
