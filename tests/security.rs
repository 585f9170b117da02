//! Hardening (issue 11): secrets never printed, every clinic file counted,
//! bounded inputs, invisible characters. Each test plants the attack or the
//! careless input itself and runs the real binary.

mod common;

use common::{
    SheetWriter, TODAY, build_content, content_copy, read, sheet_xml, tebiki, xlsx_workbook,
};
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
    let sheet = sheet_xml(cells, dimension);
    xlsx_with_sheet(move |w| w.write_all(sheet.as_bytes()).unwrap())
}

fn xlsx_with_sheet(write_sheet: impl FnOnce(&mut SheetWriter) + 'static) -> Vec<u8> {
    xlsx_workbook(vec![("Sheet1", Box::new(write_sheet))])
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

/// A secret unique to `tag`, easy to find in any output.
fn secret(tag: &str) -> String {
    format!("Zq{tag}x{}", "Q9".repeat(3))
}

/// Fails, quoting the line it is on, when `secret` was printed in `all`.
fn assert_not_printed(all: &str, secret: &str, what: &str) {
    if let Some(line) = all.lines().find(|l| l.contains(secret)) {
        let line: String = line.chars().take(300).collect();
        panic!("{what}: the planted secret {secret} was printed: {line}\n---\n{all}");
    }
}

/// stdout and stderr of a run, one after the other.
fn printed(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `check` on a clinics folder holding only `name` with `body` (which plants
/// `secret` beside an unrelated error): the secret is not printed and the
/// run fails. Returns everything printed.
fn check_planted(name: &str, secret: &str, body: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join(name), body).unwrap();
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        d.path().to_str().unwrap(),
    ]);
    let all = printed(&o);
    assert_not_printed(&all, secret, name);
    assert!(!o.status.success(), "{name}: errors expected:\n{all}");
    all
}

/// The shapes of issue 11 a secret hid in, each beside an unrelated error:
/// (file name, file text for the secret).
type Shape = (&'static str, fn(&str) -> String);
const SHAPES: &[Shape] = &[
    ("s-plain.yaml", |s| {
        clinic_yaml("0100182", &format!("password: {s}\nemail: not-an-email\n"))
    }),
    ("s-dup.yaml", |s| {
        clinic_yaml("0100182", &format!("password: {s}\npassword: {s}b\n"))
    }),
    ("s-syntax.yaml", |s| {
        clinic_yaml("0100182", &format!("password: {s}: x\n"))
    }),
    // The other error (line type 7) is in the same flow mapping, on the same line.
    ("s-flow.yaml", |s| {
        clinic_yaml("0100182", "").replace(
            "line:\n  carrier: ntt-east\n  type: 1\n  customer_id: CAF1253000113\n",
            &format!(
                "line: {{carrier: ntt-east, type: 7, customer_id: CAF1253000113, password: {s}}}\n"
            ),
        )
    }),
    ("s-list.yaml", |s| {
        clinic_yaml(
            "0100182",
            &format!("installation_date: 2026-02-30\nextra_terminals:\n  - password: {s}\n"),
        )
    }),
    ("s-list-in-field.yaml", |s| {
        clinic_yaml(
            "0100182",
            &format!("email: bad\nnotes:\n  - name: PC2\n    pin: {s}\n"),
        )
        .replace(
            "terminals:\n  - PC1\n",
            &format!("terminals:\n  - name: PC1\n    password: {s}\n"),
        )
    }),
    ("s-nested.yaml", |s| {
        clinic_yaml(
            "0100182",
            &format!("portal:\n  login:\n    pass: {s}\nphone2: x\n"),
        )
    }),
    ("s-block.yaml", |s| {
        clinic_yaml("0100182", &format!("password: |\n  {s}\nemail: bad\n"))
    }),
    // An unknown field prints no value either (only schema fields are echoed).
    ("s-unknown.yaml", |s| {
        clinic_yaml("0100182", &format!("memo: {s}\nemail: bad\n"))
    }),
];

/// The file text of shape `name`.
fn shape(name: &str) -> fn(&str) -> String {
    SHAPES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// A clinic file with the secret under `key`, beside a bad e-mail address.
fn spelled(key: &str, s: &str) -> String {
    clinic_yaml("0100182", &format!("\"{key}\": {s}\nemail: bad\n"))
}

/// A CSV list with パスワード and 秘密の番号 columns and a bad phone number in the row.
fn secret_csv(secret: &str, pin: &str) -> String {
    format!(
        "医療機関コード,医療機関名,パスワード,秘密の番号,電話番号\n0100183,A医院,{secret},{pin},x\n"
    )
}

/// An XLSX list with a `PINno` column and a bad code and phone number in the row.
fn secret_xlsx(secret: &str) -> Vec<u8> {
    xlsx(
        &[
            ("A1", "医療機関コード"),
            ("B1", "PINno"),
            ("C1", "電話番号"),
            ("A2", "123"),
            ("B2", secret),
            ("C2", "x"),
        ],
        "A1:C2",
    )
}

/// Issue 11, high: a duplicate `password:` key printed the secret.
#[test]
fn a_duplicated_password_key_is_not_printed() {
    let s = secret("dup");
    check_planted("s-dup.yaml", &s, &shape("s-dup.yaml")(&s));
}

/// Issue 11, high: a syntax error on the password line printed the secret.
#[test]
fn a_syntax_error_on_the_password_line_is_not_printed() {
    let s = secret("syn");
    let all = check_planted("s-syntax.yaml", &s, &shape("s-syntax.yaml")(&s));
    assert!(all.contains("s-syntax.yaml:15:"), "{all}");
}

/// Issue 11, high: a password inside a `{...}` mapping was printed when
/// another error in the same mapping echoed the line.
#[test]
fn a_password_in_a_flow_mapping_is_not_printed() {
    let s = secret("flow");
    let all = check_planted("s-flow.yaml", &s, &shape("s-flow.yaml")(&s));
    assert!(
        all.contains("`line.password` looks like a password"),
        "{all}"
    );
    assert!(all.contains("s-flow.yaml:7:"), "the line-type error: {all}");
}

/// Issue 11, high: `- password:` inside a list was not recognised as a
/// secret at all (neither in an unknown list nor in a list field).
#[test]
fn a_password_in_a_list_item_is_a_secret() {
    let s = secret("list");
    let all = check_planted("s-list.yaml", &s, &shape("s-list.yaml")(&s));
    assert!(
        all.contains("`extra_terminals.password` looks like a password"),
        "{all}"
    );
    let s = secret("field");
    let all = check_planted(
        "s-list-in-field.yaml",
        &s,
        &shape("s-list-in-field.yaml")(&s),
    );
    assert!(
        all.contains("`terminals.password` looks like a password"),
        "{all}"
    );
}

/// Issue 11, high: a CSV row with パスワード / 秘密の番号 columns and any other
/// error printed the whole row (`build` and `check`).
#[test]
fn a_csv_row_with_secret_columns_is_not_printed() {
    let d = tempfile::tempdir().unwrap();
    let s = secret("csv");
    let pin = "8614";
    let csv = d.path().join("list.csv");
    std::fs::write(&csv, secret_csv(&s, pin)).unwrap();
    let out = d.path().join("out");
    let list = csv.to_str().unwrap();
    for args in [
        vec!["check", "--today", TODAY, "--clinics", list],
        vec![
            "build",
            "--today",
            TODAY,
            "--clinics",
            list,
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let o = tebiki(&args);
        let all = printed(&o);
        assert_not_printed(&all, &s, args[0]);
        assert_not_printed(&all, &format!(",{pin},"), args[0]);
        assert!(!o.status.success(), "{}: errors expected:\n{all}", args[0]);
        assert!(
            all.contains("column `パスワード` looks like a password")
                && all.contains("column `秘密の番号` looks like a password"),
            "{all}"
        );
    }
}

/// Issue 11, high: `import` printed the secrets of a list the same way.
#[test]
fn import_does_not_print_secrets() {
    let d = tempfile::tempdir().unwrap();
    let s = secret("imp");
    let pin = "8614";
    let csv = d.path().join("list.csv");
    std::fs::write(&csv, secret_csv(&s, pin)).unwrap();
    let xs = secret("impx");
    let xl = d.path().join("list.xlsx");
    std::fs::write(&xl, secret_xlsx(&xs)).unwrap();
    let into = d.path().join("imported");
    for (list, s) in [(&csv, &s), (&xl, &xs)] {
        let o = tebiki(&[
            "import",
            list.to_str().unwrap(),
            "--out",
            into.to_str().unwrap(),
        ]);
        let all = printed(&o);
        assert_not_printed(&all, s, "import");
        assert_not_printed(&all, &format!(",{pin},"), "import");
        assert!(!o.status.success(), "errors expected:\n{all}");
    }
    for f in walk(&into) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(
            !text.contains(&s) && !text.contains(&xs),
            "secret in {}",
            f.display()
        );
    }
}

/// Issue 11, medium: the detector missed common spellings, which became
/// unknown fields whose warning printed the value. Each spelling is recognised.
#[test]
fn secret_key_spellings_are_recognised() {
    for (i, key) in ISSUE_SPELLINGS.iter().enumerate() {
        let s = secret(&format!("sp{i}"));
        let all = check_planted(&format!("s-spelling-{i}.yaml"), &s, &spelled(key, &s));
        assert!(
            all.contains(&format!("`{key}` looks like a password")),
            "{key} not recognised as a secret:\n{all}"
        );
    }
}

/// Issue 11, low: 20,000-character source lines were echoed whole.
#[test]
fn long_source_lines_are_clipped_when_echoed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("long.yaml"),
        clinic_yaml("0100182", &format!("email: {}\n", "b".repeat(20_000))),
    )
    .unwrap();
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        d.path().to_str().unwrap(),
    ]);
    let all = printed(&o);
    assert!(
        !all.contains(&"b".repeat(400)),
        "the 20,000-character line was echoed whole ({} bytes printed)",
        all.len()
    );
    assert!(all.contains("long.yaml:15:"), "{all}");
    assert!(
        all.contains("bbbb"),
        "a window of the line is shown:\n{all}"
    );
}

/// Every shape of issue 11 with a unique secret, each beside an unrelated
/// error, in one clinic folder and in CSV and XLSX lists: build, check
/// (human and JSON) and import print none of them and write none of them.
#[test]
fn planted_secrets_never_reach_any_output() {
    let (tmp, content) = content_copy();
    let clinics = content.join("clinics");
    let mut secrets: Vec<String> = Vec::new();
    let mut plant = |name: &str, text: &dyn Fn(&str) -> String| {
        let s = secret(&(secrets.len() + 7).to_string());
        std::fs::write(clinics.join(name), text(&s)).unwrap();
        secrets.push(s);
    };
    for (name, text) in SHAPES {
        plant(name, text);
    }
    for (i, key) in ISSUE_SPELLINGS
        .iter()
        .chain(&["秘密の番号", "暗証番号"])
        .enumerate()
    {
        plant(&format!("s-spelling-{i}.yaml"), &|s| spelled(key, s));
    }
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
    let csv_secret = secret("csv");
    let csv_pin = "8614";
    let csv_path = tmp.path().join("list.csv");
    std::fs::write(&csv_path, secret_csv(&csv_secret, csv_pin)).unwrap();
    let xlsx_secret = secret("xl");
    let xlsx_path = tmp.path().join("list.xlsx");
    std::fs::write(&xlsx_path, secret_xlsx(&xlsx_secret)).unwrap();
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
    let all: String = runs.iter().map(printed).collect();
    // No secret printed (checked first: the promise itself).
    for s in &secrets {
        assert_not_printed(&all, s, "a planted shape");
    }
    assert_not_printed(&all, &format!(",{csv_pin},"), "the CSV row");
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
        all.contains("column `PINno` looks like a password"),
        "{all}"
    );
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
        "the failed clinic files are miscounted: no `error: {n} clinic(s) failed` in\n{stderr}\n{stdout}"
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

/// `check` on a clinics folder holding `files` (name, text); everything printed.
fn check_folder(files: &[(&str, String)]) -> (std::process::Output, String) {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        d.path().to_str().unwrap(),
    ]);
    let all = printed(&o);
    (o, all)
}

/// Issue 11, low: multi-document YAML silently dropped every document after
/// the first. A second document is an error.
#[test]
fn a_second_yaml_document_is_an_error() {
    let (o, all) = check_folder(&[(
        "two-docs.yaml",
        clinic_yaml("0123463", "---\nname: second\n"),
    )]);
    assert!(
        all.contains("second YAML document"),
        "the second document was dropped without a word (exit {:?}):\n{all}",
        o.status.code()
    );
    assert!(all.contains("two-docs.yaml:15"), "{all}");
    assert_eq!(o.status.code(), Some(1), "{all}");
}

/// Issue 11, low: symlinked clinic files were skipped silently. They are
/// reported (and not followed).
#[cfg(unix)]
#[test]
fn a_symlinked_clinic_file_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("clinics");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("real.yaml"), clinic_yaml("0123455", "")).unwrap();
    std::fs::write(d.path().join("elsewhere.yaml"), clinic_yaml("0123463", "")).unwrap();
    std::os::unix::fs::symlink(d.path().join("elsewhere.yaml"), dir.join("linked.yaml")).unwrap();
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--clinics",
        dir.to_str().unwrap(),
    ]);
    let all = printed(&o);
    assert!(
        all.contains("linked.yaml") && all.contains("symbolic link"),
        "the symlinked file was skipped without a word (exit {:?}):\n{all}",
        o.status.code()
    );
    assert_eq!(o.status.code(), Some(1), "{all}");
}

/// Issue 11, low: duplicate institution codes were reported as errors, yet
/// both guides were built with "0 failed". Both clinics fail, each naming
/// the other; neither gets a guide.
#[test]
fn duplicate_institution_codes_fail_both_clinics() {
    let (tmp, content) = content_copy();
    // The same institution code as kanagawa-dental.yaml.
    std::fs::write(
        content.join("clinics/zz-duplicate.yaml"),
        clinic_yaml("0123455", ""),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let all = printed(&o);
    let built: Vec<String> = std::fs::read_dir(out.join("clinics"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("1430123455"))
                .filter(|e| e.path().join("index.html").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        built.is_empty(),
        "guides built for the duplicated code: {built:?} (exit {:?})\n{all}",
        o.status.code()
    );
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(all.contains("error: 2 clinic(s) failed"), "{all}");
    assert!(
        all.contains("is also used by") && all.contains("zz-duplicate.yaml"),
        "{all}"
    );
    assert!(out.join("clinics/2740100181/index.html").exists(), "{all}");
}

/// Issue 11, low: an empty folder exited 0 without a word.
#[test]
fn an_empty_clinic_folder_is_an_error() {
    let (o, all) = check_folder(&[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an empty clinic folder is no success:\n{all}"
    );
    assert!(all.contains("no clinic files"), "{all}");
}

/// Issue 11, low: a 0-row XLSX exited 0 without a word.
#[test]
fn a_sheet_without_rows_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("header-only.xlsx");
    std::fs::write(
        &x,
        xlsx(&[("A1", "医療機関コード"), ("B1", "医療機関名")], "A1:B1"),
    )
    .unwrap();
    let o = tebiki(&[
        "build",
        "--today",
        TODAY,
        "--clinics",
        x.to_str().unwrap(),
        "--out",
        d.path().join("o").to_str().unwrap(),
    ]);
    let all = printed(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a list without rows is no success:\n{all}"
    );
    assert!(all.contains("no clinic rows"), "{all}");
}

/// `check` on the spreadsheet `bytes` saved as `name`: it fails with exit
/// code 1 (not an abort, not a success); returns what it printed.
fn check_refused(name: &str, bytes: Vec<u8>) -> String {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let o = tebiki(&["check", "--today", TODAY, "--clinics", p.to_str().unwrap()]);
    let all = printed(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{name}: exit status {:?}, expected 1 (refused with an error){}:\n{}",
        o.status.code(),
        if o.status.code().is_none() {
            " — the process was killed or aborted"
        } else {
            ""
        },
        all.chars().take(3000).collect::<String>()
    );
    all
}

/// Issue 11, medium: a 2 KB XLSX with one cell at XFD1048576 aborted the
/// process. Refused before allocating, naming sheet, cell and limit.
#[test]
fn a_cell_at_xfd1048576_is_refused_with_its_place() {
    let far = check_refused(
        "far.xlsx",
        xlsx(
            &[("A1", "医療機関コード"), ("XFD1048576", "x")],
            "A1:XFD1048576",
        ),
    );
    assert!(far.contains("sheet Sheet1, cell XFD1048576"), "{far}");
    assert!(far.contains("250000 rows"), "{far}");
}

/// Issue 11, medium: one cell at Z1048576 took 16 s and 3.6 GB. Refused
/// before allocating, naming the cell.
#[test]
fn a_cell_at_z1048576_is_refused_with_its_place() {
    let deep = check_refused(
        "deep.xlsx",
        xlsx(
            &[("A1", "医療機関コード"), ("Z1048576", "x")],
            "A1:Z1048576",
        ),
    );
    assert!(deep.contains("cell Z1048576"), "{deep}");
}

/// Issue 11, medium: a small zip holding a huge sheet was unpacked whole,
/// then exited 0 with 0 clinics. Refused while unpacking, naming the part.
#[test]
fn a_zip_bomb_sheet_is_refused_while_unpacking() {
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
    let e = check_refused("bomb.xlsx", bomb);
    assert!(
        e.contains("xl/worksheets/sheet1.xml unpacks to more than"),
        "{e}"
    );
}

/// `check` on a CSV list of one clinic encoded as `bytes`: read as `enc`, with a hint.
fn check_encoded(name: &str, bytes: &[u8], enc: &str) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let o = tebiki(&["check", "--today", TODAY, "--clinics", p.to_str().unwrap()]);
    let all = printed(&o);
    assert!(
        all.contains(&format!("read as {enc}")),
        "{name}: no hint that it was read as {enc}:\n{all}"
    );
    assert!(!all.contains("unknown column"), "{name}: {all}");
}

/// A list of one clinic in Japanese, as CSV text.
const ENCODED_LIST: &str =
    "医療機関コード,都道府県,点数表,医療機関名\n0123455,14,3,みなと歯科クリニック\n";

/// Issue 11, low: an EUC-JP CSV gave 148 lines of mojibake with no hint
/// about encoding. It is read correctly, with a hint.
#[test]
fn an_euc_jp_list_is_read_with_a_hint() {
    let (euc, _, _) = encoding_rs::EUC_JP.encode(ENCODED_LIST);
    check_encoded("euc.csv", &euc, "EUC-JP");
}

/// Issue 11, low: UTF-16 without BOM said only "not valid UTF-8". It is
/// read correctly, with a hint.
#[test]
fn a_utf16_list_without_bom_is_read_with_a_hint() {
    let utf16: Vec<u8> = ENCODED_LIST
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    check_encoded("u16.csv", &utf16, "UTF-16");
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
        "not bounded: {} message(s), {} bytes printed",
        err.matches("unknown field").count(),
        err.len()
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
        "{} messages printed, no \"… and N more\" line:\n{bounded}",
        bounded.matches("unknown field").count()
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
    let html = read(&out.join("clinics/1430123455/index.html"));
    for c in ['\u{202E}', '\u{200B}', '\u{7}'] {
        assert!(!html.contains(c), "{c:?} kept in the HTML");
    }
    assert!(
        err.contains("kanagawa-dental.yaml:7:7"),
        "no located warning about the invisible characters:\n{err}"
    );
    assert!(err.contains("U+202E RIGHT-TO-LEFT OVERRIDE"), "{err}");
    assert!(err.contains("U+0007"), "{err}");
    // The echoed source line shows where they were, not the characters themselves.
    assert!(!err.contains('\u{202E}'), "{err}");
    assert!(html.contains("みなと歯科クリニック"));
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
        "{ file: summary.md }",
        "{ file: ../../../../../../../../etc/passwd }",
        1,
    );
    assert!(text.contains("etc/passwd"));
    std::fs::write(&m, text).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a manual's `file:` outside content/ was accepted:\n{err}"
    );
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
