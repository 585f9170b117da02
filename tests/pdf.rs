//! The PDF handouts: extractable text in reading order, subset fonts,
//! Japanese line-breaking rules, robustness on hostile input.
//! Needs poppler-utils (pdftotext, pdffonts); `.ci/run` installs it.

mod common;
use common::*;
use std::path::Path;

fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

const STEP_TITLES: &[&str] = &[
    "ポータルサイトにログインする",
    "「オンライン資格確認利用開始・変更申請」をクリックする",
    "必要な項目を入力し、「確認画面へ進む」をクリックする",
    "内容を確認し、「上記の内容で確定する」をクリックする",
    "「電子証明書の発行へ進む」をクリックする",
    "証明書発行申請情報を入力し、「次へ」をクリックする",
    "「電子証明書の発行」の画面で「OK」をクリックする",
    "入力内容を確認し、「申請」をクリックする",
    "「発行申請成功」の画面が出たら申請完了",
];

/// Removes line breaks and spaces so titles wrapped over lines still match.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_handout_holds_its_values_and_steps_in_order() {
    let (dir, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (key, values) in SAMPLES {
        let pdf = dir.path().join("out/clinics").join(key).join("guide.pdf");
        let text = squash(&text_of(&pdf));
        for v in *values {
            assert!(
                text.contains(&squash(v)),
                "{key}: value {v} not in PDF text"
            );
        }
        let mut at = 0;
        for t in STEP_TITLES {
            let found = text[at..]
                .find(&squash(t))
                .unwrap_or_else(|| panic!("{key}: step title {t} missing or out of order"));
            at += found;
        }
        for (other, other_values) in SAMPLES {
            if other != key {
                assert!(
                    !text.contains(&squash(other_values[0])),
                    "{key} holds {other}'s name"
                );
            }
        }
    }
}

#[test]
fn html_and_pdf_agree_on_findings() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    for (key, _) in SAMPLES {
        let base = dir.path().join("out/clinics").join(key);
        let html = read(&base.join("index.html"));
        let pdf = squash(&text_of(&base.join("guide.pdf")));
        for title in [
            "電気通信回線種別は必ず「1」を選んでください",
            "フレッツ・v6オプションの契約を確認してください",
            "設置日までに電子証明書発行通知書が届かないおそれがあります",
        ] {
            assert_eq!(
                html.contains(title),
                pdf.contains(&squash(title)),
                "{key}: {title}"
            );
        }
    }
}

#[test]
fn fonts_are_embedded_subset_and_unicode_mapped() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let pdf = dir.path().join("out/clinics/1430123455/guide.pdf");
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert!(cols[0].contains('+'), "subset prefix: {r}");
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {r}"
        );
    }
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 400_000, "handout unexpectedly large: {size} bytes");
}

#[test]
fn handouts_are_tagged_with_language_and_title() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let pdf = dir.path().join("out/clinics/1430123455/guide.pdf");
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    assert_eq!(field("Tagged:"), "yes", "{info}");
    assert!(field("Title:").contains("申請手順書"), "{info}");
    // Same input, same bytes: a rebuild into a fresh folder is identical.
    let (dir2, o2) = build_sample();
    assert!(o2.status.success());
    let again = dir2.path().join("out/clinics/1430123455/guide.pdf");
    assert_eq!(std::fs::read(&pdf).ok(), std::fs::read(&again).ok());
}

const NO_START: &[char] = &[
    '、', '。', '，', '．', '」', '）', '』', '】', '〕', '・', 'ー', 'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ',
    'っ', 'ゃ', 'ゅ', 'ょ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', '！', '？', '…',
];
const NO_END: &[char] = &['「', '（', '『', '【', '〔'];

#[test]
fn no_extracted_line_breaks_a_kinsoku_rule() {
    let (dir, o) = build_sample();
    assert!(o.status.success());
    for (key, _) in SAMPLES {
        let pdf = dir.path().join("out/clinics").join(key).join("guide.pdf");
        // Raw order: one output line per typeset line.
        let text = poppler(
            "pdftotext",
            &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
        );
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let first = line.chars().next().unwrap();
            let last = line.chars().last().unwrap();
            assert!(
                !NO_START.contains(&first),
                "{key}: line starts with {first}: {line}"
            );
            assert!(
                !NO_END.contains(&last),
                "{key}: line ends with {last}: {line}"
            );
        }
        // Latin tokens are never split.
        let squashed = text.replace('\n', "");
        assert!(squashed.contains("0800-0804583"));
    }
}

#[test]
fn hostile_values_neither_crash_nor_vanish() {
    let (tmp, content) = content_copy();
    let clinic = content.join("clinics/kanagawa-dental.yaml");
    let long_name: String = "長い名前の歯科医院".repeat(34); // ~300 characters
    let text = read(&clinic)
        .replace("みなと歯科クリニック", &long_name)
        .replace("港 花子", "𠮷野 太郎😀")
        .replace(
            "- オンライン資格確認パソコン",
            &format!("- {}", "受付端末".repeat(500)),
        );
    std::fs::write(&clinic, text).unwrap();
    let out = tmp.path().join("out");
    let o = build_content(&content, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let pdf = out.join("clinics/1430123455/guide.pdf");
    assert!(pdf.exists());
    // No font has the emoji (U+1F600): reported, naming the clinic's file
    // and the field. (𠮷 is printed with the fallback font, see below.)
    assert!(err.contains("U+1F600"), "{err}");
    assert!(err.contains("kanagawa-dental.yaml"), "{err}");
    let t = squash(&text_of(&pdf));
    assert!(t.contains(&"長い名前の歯科医院".repeat(3)));
}

#[test]
fn characters_outside_the_theme_font_fall_back_or_are_warned_about() {
    // 𠮷 is not in BIZ UDGothic but in Noto Sans CJK (`fonts-noto-cjk`,
    // installed by .ci/run, the default `fallback_font`); no font here has
    // the emoji.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = build_with("--clinics", &root().join("tests/fixtures/fallback"), &out);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let pdf = out.join("clinics/1311234566/guide.pdf");
    let text = text_of(&pdf);
    assert!(text.contains("𠮷野ファミリークリニック"), "{text}");
    assert!(text.contains("𠮷田"), "{text}");
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("NotoSansCJK"), "{fonts}");
    // The emoji: printed as 〓, and a warning naming the field, in the
    // summary and on the dashboard (which no longer says 問題なし).
    assert!(text.contains('〓'), "{text}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("「😀」(U+1F600) を表示できるフォントがありません（項目 name）"),
        "{said}"
    );
    let dash = read(&out.join("clinics/index.html"));
    assert!(dash.contains("表示できるフォントがありません"), "dashboard");
    // 𠮷 is not reported: the fallback font printed it.
    assert!(!said.contains("U+20BB7"), "{said}");
    // A handout without such characters embeds no fallback font.
    let (dir, o) = build_sample();
    assert!(o.status.success());
    let plain = dir.path().join("out/clinics/1311234566/guide.pdf");
    let fonts = poppler("pdffonts", &[plain.to_str().unwrap()]);
    assert!(!fonts.contains("Noto"), "{fonts}");
}
