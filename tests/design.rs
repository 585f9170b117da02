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
        // (later terminals are printed in brief, referring back to the first).
        let budget = 8;
        let n = pages(pdf);
        assert!(
            n <= budget,
            "{}: {n} pages (budget {budget})",
            pdf.display()
        );
        let text = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
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
            assert!(
                !split,
                "{}: number split from its unit: {a:?} / {b:?}",
                pdf.display()
            );
        }
    }
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
    let o = tebiki(&[
        "check",
        "--today",
        TODAY,
        "--content",
        content.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("2-9") && err.contains("manual.yaml:"), "{err}");
}

/// JLREQ line rules on every sample handout and sheet, as `pdftotext` shows
/// the lines: no line starts with a character that may not begin one
/// (。、）」ー っ …), none ends with one that may not end one (（「),
/// no number is split from its unit, and no paragraph ends in a stranded
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
