//! Print design of the handouts (issue 13): no sample handout grows past
//! its page budget (eight A4 pages is the target; the clinics over it are
//! listed with today's count so that any growth is a reviewed change), and
//! no handout's text shows a number split from its unit.
//! Needs poppler-utils (pdfinfo, pdftotext); `.ci/run` installs it.

mod common;
use common::*;
use std::path::Path;

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output: {info}"))
}

fn handouts(out: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(out.join("clinics"))
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path().join("guide.pdf");
            p.is_file().then_some(p)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_sample_handout_fits_in_eight_pages_without_split_units() {
    let (d, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let all = handouts(&d.path().join("out"));
    assert!(all.len() >= 5, "{all:?}");
    for pdf in &all {
        // Eight A4 pages for every sample, the three-terminal clinic too
        // (later terminals are printed in brief, referring back to the first),
        // but for those listed: since each step's heading and lead go to the
        // page of its picture (tests/page_breaks.rs) the steps whose
        // pictures do not fit the rest of a page start the next one.
        let over = [("1311234566", 9), ("1440100743", 9), ("2610112340", 10)];
        let key = pdf
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let budget = over.iter().find(|(k, _)| *k == key).map_or(8, |(_, b)| *b);
        let n = pages(pdf);
        assert!(
            n <= budget,
            "{}: {n} pages (budget {budget})",
            pdf.display()
        );
        let text = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
        if let Some(e) = split_unit(&text) {
            panic!("{}: {e}", pdf.display());
        }
    }
}

/// A number split from its unit in `pdftotext` lines, if any.
fn split_unit(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim_end(), pair[1]);
        // 「1／枚」「1,500／円」「1／週間ほど」: a line ending in a digit
        // followed by one starting with a counter or unit.
        // (A number after a space, like a phone number before a forced
        // break, is not a quantity.)
        let head = a.trim_end_matches(|c: char| c.is_ascii_digit() || c == ',');
        let split = head.len() < a.len()
            && !head.ends_with(|c: char| c.is_whitespace() || c == '-')
            && b.starts_with(|c: char| "枚円週日年月件台桁か".contains(c));
        if split {
            return Some(format!("number split from its unit: {a:?} / {b:?}"));
        }
    }
    None
}

/// `repeat_in_full` naming a step the part does not have is a located error.
#[test]
fn repeat_in_full_names_steps_of_the_part() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual);
    let text = text.replacen("repeat_in_full: []", "repeat_in_full: [\"2-9\"]", 1);
    assert!(text.contains("[\"2-9\"]"));
    std::fs::write(&manual, text).unwrap();
    let (ok, err) = check_with("--content", &content);
    assert!(!ok, "{err}");
    assert!(err.contains("2-9") && err.contains("manual.yaml:"), "{err}");
}

/// JLREQ line rules on every sample handout and sheet, as `pdftotext` shows
/// the lines: no line starts with a character that may not begin one
/// (。、）」ー っ …), none ends with one that may not end one (（「),
/// no number is split from its unit (「1／枚」), and no paragraph ends in a stranded
/// one- or two-character line after a full one.
#[test]
fn jlreq_line_rules_hold_on_every_handout_and_sheet() {
    use tebiki::render::pdf::{no_line_end, no_line_start};
    let (d, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = d.path().join("out");
    let mut files = handouts(&out);
    files.extend(files.clone().iter().map(|p| p.with_file_name("sheet.pdf")));
    assert!(files.len() >= 12, "{files:?}");
    let mut bad = Vec::new();
    for pdf in &files {
        let text = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
        if let Some(e) = split_unit(&text) {
            bad.push(format!("{}: {e}", pdf.display()));
        }
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let japanese = |c: char| {
            ('\u{3000}'..='\u{9FFF}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        };
        for (i, line) in lines.iter().enumerate() {
            let Some(first) = line.chars().next() else {
                continue;
            };
            // Only full-width (Japanese) marks: ASCII ':' '.' ')' also
            // begin times, URLs and list labels in pictures.
            if japanese(first) && no_line_start(first) {
                bad.push(format!(
                    "{}: line starts with {first:?}: {line:?}",
                    pdf.display()
                ));
            }
            if let Some(last) = line.chars().last()
                && japanese(last)
                && no_line_end(last)
            {
                bad.push(format!(
                    "{}: line ends with {last:?}: {line:?}",
                    pdf.display()
                ));
            }
            // A stranded end of a paragraph: one or two Japanese characters
            // (a period may follow) right after a line of running text.
            let core: String = line.chars().filter(|c| !"。、".contains(*c)).collect();
            let prev = i.checked_sub(1).map(|j| lines[j]).unwrap_or("");
            if (1..=2).contains(&core.chars().count())
                && core.chars().all(|c| japanese(c) && !"□✓".contains(c))
                && line.ends_with('。')
                && prev.chars().count() >= 30
            {
                bad.push(format!(
                    "{}: stranded {line:?} after {prev:?}",
                    pdf.display()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// No handout page is more than half empty unless a part ends there (the
/// next page starts with a part heading such as 「2 電子証明書の発行申請」)
/// or the next step starts the next page with its picture (its heading,
/// lead and picture need more than the page leaves, even with the picture
/// at its smallest scale; `tests/page_breaks.rs`).
/// A page's filling is where its lowest text sits (`pdftotext -bbox`;
/// pictures carry text down to their last rows).
#[test]
fn no_page_is_more_than_half_empty_unless_a_part_ends_there() {
    let (d, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut bad = Vec::new();
    for pdf in handouts(&d.path().join("out")) {
        let html = poppler("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
        // Per page: the lowest body text (below the running head, above
        // the footer) and the first body word(s).
        let mut pages: Vec<(f32, String)> = Vec::new();
        for page in html.split("<page ").skip(1) {
            let height: f32 = attr(page, "height").unwrap_or(842.0);
            let mut bottom = 0.0f32;
            let mut first = String::new();
            for word in page.split("<word ").skip(1) {
                let (Some(y_min), Some(y_max)) = (attr(word, "yMin"), attr(word, "yMax")) else {
                    continue;
                };
                if y_min < 0.07 * height || y_max > 0.95 * height {
                    continue;
                }
                bottom = bottom.max(y_max);
                if first.chars().count() < 12 {
                    let text = word.split('>').nth(1).and_then(|t| t.split('<').next());
                    first.push_str(text.unwrap_or_default());
                    first.push(' ');
                }
            }
            pages.push((bottom / height, first));
        }
        assert!(
            pages.len() >= 5,
            "{}: {} pages read",
            pdf.display(),
            pages.len()
        );
        for i in 0..pages.len().saturating_sub(1) {
            let next = &pages[i + 1].1;
            // 「2 …」 (a part) or 「2-1 …」 (a step with its picture).
            let part_follows = next.split(' ').next().is_some_and(|w| {
                !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '-')
            });
            if pages[i].0 < 0.5 && !part_follows {
                bad.push(format!(
                    "{} page {}: text ends at {:.0}% of the page; next page starts {next:?}",
                    pdf.display(),
                    i + 1,
                    pages[i].0 * 100.0
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The number in `name="…"` of an XML tag's text.
fn attr(tag: &str, name: &str) -> Option<f32> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    tag[at..].split('"').next()?.parse().ok()
}

/// The three-terminal handout: the first terminal's application in full,
/// the later ones in brief — each still names its own terminal where it is
/// typed and points to the first one's picture; the notice sample is printed
/// once and the closing note points to it.
#[test]
fn later_terminals_are_brief_but_complete() {
    let (d, o) = build_sample();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = d.path().join("out/clinics/2610112340/guide.pdf");
    let text = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let flat: String = text.split_whitespace().collect();
    let first = "1台目（オンライン資格確認パソコン）";
    for (n, name) in [(2, "診察室1パソコン"), (3, "診察室2パソコン")] {
        let step = format!("{n}台目（{name}）:証明書発行申請情報を入力し");
        assert!(flat.contains(&step), "no 2-2 for terminal {n}");
        assert!(
            flat.contains(&format!("端末名称等に「{name}」、")),
            "{name}"
        );
        for s in [
            "「電子証明書の発行」の画面で「OK」をクリックする",
            "入力内容を確認し、「申請」をクリックする",
        ] {
            assert!(flat.contains(&format!("{n}台目（{name}）:{s}")), "{n}: {s}");
        }
    }
    let back = format!("画面は{first}の手順2-2の図と同じです");
    assert_eq!(
        flat.matches(&back).count(),
        2,
        "each later 2-2 points back once"
    );
    assert_eq!(
        flat.matches("電子証明書発行通知書の見本（項目名は一例）。")
            .count(),
        1,
        "one notice sample"
    );
    assert!(
        flat.contains("1台目の手順2-5の見本の❶・❷の欄"),
        "the closing note points to it"
    );
}
