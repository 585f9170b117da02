//! Helpers shared by the integration tests: run the real binary on
//! temporary copies of the bundled content.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed date every test builds for, so deadlines are reproducible.
pub const TODAY: &str = "2026-11-24";

/// Path of the repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tebiki` with `args` in the repository root.
pub fn tebiki(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run tebiki")
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A temporary copy of the bundled content.
pub fn content_copy() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("content");
    copy_dir(&root().join("content"), &c);
    (d, c)
}

/// Builds the bundled sample into a temporary folder and returns it.
pub fn build_sample() -> (tempfile::TempDir, Output) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = tebiki(&["build", "--today", TODAY, "--out", out.to_str().unwrap()]);
    (d, o)
}

/// Builds into `out` for the test date, with `flag value` (e.g. `--theme DIR`).
pub fn build_with(flag: &str, value: &Path, out: &Path) -> Output {
    tebiki(&[
        "build",
        "--today",
        TODAY,
        flag,
        value.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Builds `content` (with its `clinics/`) into `out` for the test date.
pub fn build_content(content: &Path, out: &Path) -> Output {
    build_with("--content", content, out)
}

/// Text of a file.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The output key and a few values unique to each bundled sample clinic.
pub const SAMPLES: &[(&str, &[&str])] = &[
    (
        "2610112340",
        &[
            "鴨川みなみ診療所",
            "CAF3051200478",
            "uketsuke@kamogawa-minami.example.jp",
        ],
    ),
    (
        "1430123455",
        &[
            "みなと歯科クリニック",
            "CAF1253000113",
            "info@minato-shika.example.jp",
        ],
    ),
    (
        "2740100181",
        &[
            "なにわ中央薬局",
            "COP48215537",
            "kanri@naniwa-yakkyoku.example.jp",
        ],
    ),
    (
        "0110113719",
        &[
            "北の森内科医院",
            "office@kitanomori-naika.example.jp",
            "森 健太",
        ],
    ),
    (
        "1311234566",
        &[
            "青空ファミリークリニック",
            "CAF0912345678",
            "iji@aozora-family.example.jp",
        ],
    ),
    (
        "1440100743",
        &["さくら通り薬局", "CAF2468013579", "sakura-dori@example.jp"],
    ),
];

/// Runs a poppler tool (pdfinfo, pdftotext, pdffonts …) and returns its stdout;
/// fails the test with its stderr when it fails.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not runnable ({e}); install poppler-utils"));
    assert!(
        o.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
pub mod webdriver;
