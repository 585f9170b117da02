//! One mistake in content, one error: a file other files refer to that does
//! not load is reported alone (its file:line:column, then a note that the
//! references between files wait), never buried under an error per
//! reference to a name it declares; a step renamed in its manual is one
//! error, not one per rule naming it. `check` exits 1, `build` 2.

mod common;
use common::*;
use std::path::Path;

/// `tebiki build` on `content`: exit code and stderr.
fn build(content: &Path) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let o = build_content(content, out.path());
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Inserts `line` into `file` after its first line equal to `after`;
/// returns the 1-based number of the inserted line.
fn insert_after(file: &Path, after: &str, line: &str) -> usize {
    let text = read(file);
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == after)
        .unwrap_or_else(|| panic!("no line `{after}` in {}", file.display()));
    lines.insert(at + 1, line);
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
    at + 2
}

/// The 1-based number of the first line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line `{line}`"))
        + 1
}

/// The report has exactly one error, in `file` at `line:column`; `check`
/// exits 1 and `build` 2, its stderr holding that one error and its place.
fn one_error_at(content: &Path, file: &str, line: usize, column: usize) -> serde_json::Value {
    let (code, v) = check_json("--content", content);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["errors"], 1, "{v:#}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error", "{v:#}");
    let pos = &d["pos"];
    assert!(
        pos["file"].as_str().unwrap().ends_with(file),
        "{file}: {v:#}"
    );
    assert_eq!(
        (pos["line"].as_u64(), pos["column"].as_u64()),
        (Some(line as u64), Some(column as u64)),
        "{v:#}"
    );
    let (code, err) = build(content);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("error: content has 1 error(s); nothing was built"),
        "{err}"
    );
    // A file that cannot be read has no line: only the file is named.
    let at = if line == 0 {
        format!("{file}\n")
    } else {
        format!("{file}:{line}:{column}")
    };
    assert!(err.contains(&at), "{err}");
    d.clone()
}

#[test]
fn a_manual_that_does_not_parse_is_one_error_not_one_per_rule_naming_its_steps() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    // `order: [1`: a flow sequence never closed.
    let text = read(&manual);
    let line = text.lines().position(|l| l == "order: 1").unwrap() + 1;
    std::fs::write(&manual, text.replacen("\norder: 1\n", "\norder: [1\n", 1)).unwrap();
    let d = one_error_at(&content, "manuals/online-shikaku/manual.yaml", line, 8);
    let message = d["message"].as_str().unwrap();
    // The parser's own `error: line 12 column 8:` prefix is not repeated.
    assert!(
        !message.starts_with("error") && !message.contains("column"),
        "{message}"
    );
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains(
            "the other checks (references between content files) run once this file loads"
        ),
        "{help}"
    );
    // Before: 16 errors, one per rule naming a step of the manual.
    let (_, err) = build(&content);
    assert!(!err.contains("does not exist"), "{err}");
}

#[test]
fn a_broken_fields_facts_constants_or_rules_file_is_one_error() {
    // (file, the line after which `  - [` goes, where the parser reports
    // it: (lines below the inserted one, column)). In a list the parser
    // stops at the next item (`"-" is only valid inside a block`), in
    // constants' mapping at the inserted line.
    for (file, after, (down, column)) in [
        ("fields.yaml", "fields:", (1, 3)),
        ("facts.yaml", "facts:", (2, 3)),
        ("constants.yaml", "constants:", (0, 3)),
        ("rules/usage-application.yaml", "rules:", (1, 3)),
    ] {
        let (_t, content) = content_copy();
        let at = insert_after(&content.join(file), after, "  - [");
        let d = one_error_at(&content, file, at + down, column);
        assert!(
            d["help"].as_str().unwrap().contains("message(s) held back"),
            "{file}: {d:#}"
        );
    }
}

#[test]
fn a_missing_fields_file_is_one_error_said_once() {
    let (_t, content) = content_copy();
    std::fs::remove_file(content.join("fields.yaml")).unwrap();
    let d = one_error_at(&content, "fields.yaml", 0, 0);
    let message = d["message"].as_str().unwrap();
    // Not 「cannot read file: cannot read the file: …」.
    assert!(message.starts_with("cannot read the file: "), "{message}");
    assert_eq!(message.matches("cannot read").count(), 1, "{message}");
    assert!(d["help"].as_str().unwrap().contains("held back"), "{d:#}");
}

#[test]
fn a_broken_search_file_holds_nothing_back() {
    // Nothing refers to search.yaml: its error comes with the others.
    let (_t, content) = content_copy();
    std::fs::write(content.join("search.yaml"), "words:\n  - wort: x\n").unwrap();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replace(
        "field: line.customer_id\n              applies:",
        "field: line.customer_idd\n              applies:",
    );
    std::fs::write(&manual, text).unwrap();
    let (code, v) = check_json("--content", &content);
    assert_eq!(code, 1);
    assert_eq!(v["errors"], 2, "{v:#}");
    let shown = v.to_string();
    assert!(
        shown.contains("wort") && shown.contains("line.customer_idd"),
        "{v:#}"
    );
}

#[test]
fn a_step_renamed_in_its_manual_is_one_error_at_the_first_rule_naming_it() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replacen("- id: \"1-3\"\n", "- id: \"1-3x\"\n", 1);
    std::fs::write(&manual, text).unwrap();
    let rules = read(&content.join("rules/usage-application.yaml"));
    let naming: Vec<usize> = rules
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "step: online-shikaku/1-3")
        .map(|(i, _)| i + 1)
        .collect();
    // Every rule that names the step (14 since review27's
    // `test-month-before-installation`), counted in one message.
    let n = naming.len();
    assert!(n >= 2, "{n}");
    // The first rule's id is 6 lines above its step.
    let first_id = naming[0] - 6;
    let d = one_error_at(&content, "rules/usage-application.yaml", first_id, 9);
    assert_eq!(
        d["message"],
        format!(
            "{n} rules (`line-type-ntt-must-be-1` and {} more) name step `1-3` of manual `online-shikaku`, which does not exist",
            n - 1
        )
    );
    let help = d["help"].as_str().unwrap();
    assert!(help.contains("1-2, 1-3x,"), "{help}");
    let customer_id = line_of(&rules, "  - id: customer-id-missing");
    assert!(
        help.contains(&format!("`customer-id-missing` (line {customer_id})")),
        "{help}"
    );
}

#[test]
fn a_row_renamed_in_its_manual_is_one_error_at_the_first_rule_pointing_at_it() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let from = "\n            - id: line_type\n";
    // The first `line_type` row is step 1-3's.
    let text = read(&manual);
    assert!(text.find(from) < text.find("\n      - id: \"1-4\""));
    std::fs::write(
        &manual,
        text.replacen(from, "\n            - id: line_typ\n", 1),
    )
    .unwrap();
    let rules = read(&content.join("rules/usage-application.yaml"));
    let first = line_of(&rules, "  - id: line-type-ntt-must-be-1");
    let d = one_error_at(&content, "rules/usage-application.yaml", first, 9);
    assert_eq!(
        d["message"],
        "3 rules (`line-type-ntt-must-be-1` and 2 more) point at row `line_type`, which step `online-shikaku/1-3` does not have"
    );
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains(", line_typ,") || help.contains(", line_typ)"),
        "{help}"
    );
    for rule in ["carrier-contradicted", "carrier-unknown"] {
        let at = line_of(&rules, &format!("  - id: {rule}"));
        assert!(help.contains(&format!("`{rule}` (line {at})")), "{help}");
    }
}
