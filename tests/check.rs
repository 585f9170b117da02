//! `tebiki check` on broken content and data: located errors, non-zero exit.

mod common;
use common::*;

fn check(content: &std::path::Path) -> (bool, String) {
    check_with("--content", content)
}

#[test]
fn bundled_content_is_clean() {
    let o = tebiki(&["check", "--today", TODAY]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_wrong_entry_of_the_search_words_is_located() {
    let (_t, content) = content_copy();
    std::fs::write(
        content.join("search.yaml"),
        "words:\n  - word: 秘密の番号\n    also: [ひみつ]\n  - word: 暗証番号\n    also: [ひみつ]\n  - word: \"  \"\n    also: [x]\n  - word: 秘密の番号\n    also: [y]\n  - word: 書留\n",
    )
    .unwrap();
    let (ok, err) = check(&content);
    assert!(!ok, "{err}");
    // The other word of two words, the empty word, the word listed twice,
    // each at its line; the entry without other words is a warning.
    for (line, what) in [
        (
            5,
            "「ひみつ」 is already an other word of 「秘密の番号」 (line 3)",
        ),
        (6, "`word` is empty"),
        (8, "「秘密の番号」 is listed twice (first at line 2)"),
        (10, "「書留」 has no other words"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("search.yaml:{line}:")) && l.contains(what))
                || err.contains(&format!("search.yaml:{line}:")) && err.contains(what),
            "line {line}: {what}\n{err}"
        );
    }
    std::fs::write(
        content.join("search.yaml"),
        "words:\n  - wort: 秘密の番号\n",
    )
    .unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(
        err.contains("search.yaml:2:") && err.contains("wort"),
        "{err}"
    );
}

#[test]
fn broken_manual_reports_file_and_line() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replace(
        "        title: ポータルサイトにログインする",
        "        titel: ポータルサイトにログインする",
    );
    std::fs::write(&manual, text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(err.contains("manual.yaml:"), "{err}");
    assert!(err.contains("titel"), "{err}");
}

#[test]
fn unknown_field_in_a_row_is_located() {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replace(
        "field: line.customer_id\n              applies:",
        "field: line.customer_idd\n              applies:",
    );
    std::fs::write(&manual, text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(
        err.contains("unknown clinic field `line.customer_idd`"),
        "{err}"
    );
    let line = read(&manual)
        .lines()
        .position(|l| l.contains("line.customer_idd"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("manual.yaml:{line}:")), "{err}");
}

#[test]
fn rule_with_unknown_fact_is_an_error() {
    let (_t, content) = content_copy();
    let rules = content.join("rules/usage-application.yaml");
    let text = read(&rules).replacen(
        "{ fact: line.type, ne: 1 }",
        "{ fact: line.typo, ne: 1 }",
        1,
    );
    std::fs::write(&rules, text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(err.contains("unknown fact `line.typo`"), "{err}");
    assert!(err.contains("usage-application.yaml:"), "{err}");
}

#[test]
fn broken_clinic_reports_file_line_and_field() {
    let (_t, content) = content_copy();
    let clinic = content.join("clinics/osaka-pharmacy.yaml");
    let text = read(&clinic).replace(
        "institution_code: \"0100181\"",
        "institution_code: \"0100182\"",
    );
    std::fs::write(&clinic, text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    let line = read(&clinic)
        .lines()
        .position(|l| l.starts_with("institution_code"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("osaka-pharmacy.yaml:{line}:19")),
        "{err}"
    );
    assert!(err.contains("医療機関コード"), "{err}");
}

#[test]
fn yaml_syntax_error_is_located() {
    let (_t, content) = content_copy();
    let clinic = content.join("clinics/hokkaido-clinic.yaml");
    std::fs::write(&clinic, "name: [unclosed\nphone: 1\n").unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(err.contains("hokkaido-clinic.yaml:"), "{err}");
}

#[test]
fn json_format_for_ci() {
    let o = tebiki(&["check", "--today", TODAY, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["clinics"], 6);
    assert_eq!(v["errors"], 0);
}

#[test]
fn screenshot_annotation_outside_the_image_is_located() {
    let (_t, content) = content_with_screenshot();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replace(
        "- { rect: [50, 300, 700, 100] }",
        "- { rect: [50, 300, 900, 100] }",
    );
    std::fs::write(&manual, &text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(err.contains("outside the 800×560 image"), "{err}");
    let line = text.lines().position(|l| l.contains("900, 100")).unwrap() + 1;
    assert!(err.contains(&format!("manual.yaml:{line}:")), "{err}");
}

#[test]
fn missing_screenshot_file_is_located() {
    let (_t, content) = content_with_screenshot();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    let text = read(&manual).replace("images/notice-sample.png", "images/nope.png");
    std::fs::write(&manual, &text).unwrap();
    let (ok, err) = check(&content);
    assert!(!ok);
    assert!(err.contains("cannot read screenshot"), "{err}");
}

#[test]
fn a_field_given_as_a_dotted_key_and_inside_its_group_is_an_error_not_a_silent_choice() {
    // `customer_id:` under `line:` and `line.customer_id:` at the top are one
    // field: the later used to win without a word, so a stale ID could reach
    // the handout.
    let (_t, content) = content_copy();
    let file = content.join("clinics/kyoto-three-terminals.yaml");
    let text = read(&file);
    std::fs::write(&file, format!("{text}line.customer_id: COP11111111\n")).unwrap();
    let line = text.lines().count() + 1;
    let first = text
        .lines()
        .position(|l| l.trim_start().starts_with("customer_id:"))
        .unwrap()
        + 1;
    let (ok, err) = check(&content);
    assert!(!ok, "{err}");
    assert!(
        err.contains("`line.customer_id` is given twice: here and at "),
        "{err}"
    );
    assert!(
        err.contains(&format!("kyoto-three-terminals.yaml:{first}:")),
        "{err}"
    );
    assert!(
        err.contains(&format!("kyoto-three-terminals.yaml:{line}:1")),
        "{err}"
    );
}

/// The line of `fields.yaml` (1-based) holding `needle`.
fn fields_line(fields: &std::path::Path, needle: &str) -> usize {
    read(fields)
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in fields.yaml"))
        + 1
}

#[test]
fn a_bad_fee_schedule_or_category_entry_in_content_is_located() {
    // The 点数表 and 分類 lists are content (fields.yaml): each entry says
    // whether its portal label is confirmed, and an unconfirmed one says
    // what a handout shows instead.
    let cases: &[(&str, &str, &str, &str)] = &[
        // An unconfirmed label with nothing true to show in its place.
        (
            "        confirmed: false\n        shown: 1（医科）\n",
            "        confirmed: false\n",
            "has an unconfirmed label and no `shown`",
            "        confirmed: false",
        ),
        // A 点数表 that does not say whether its label is confirmed.
        (
            "        label: \"3:医療機関（歯科）\"\n        confirmed: true\n",
            "        label: \"3:医療機関（歯科）\"\n",
            "does not say whether its label is the portal's",
            "      - value: 3",
        ),
        // A 点数表 number that cannot be one digit of the 10-digit code.
        (
            "      - value: 6\n",
            "      - value: 16\n",
            "is not a 点数表番号 (one digit)",
            "      - value: 16",
        ),
        // `shown` on a confirmed 分類 label.
        (
            "label: \"2:保険医療機関（歯科）\", confirmed: true }",
            "label: \"2:保険医療機関（歯科）\", confirmed: true, shown: 歯科 }",
            "has `shown` but its label is not marked `confirmed: false`",
            "shown: 歯科",
        ),
    ];
    for (from, to, message, at) in cases {
        let (_t, content) = content_copy();
        let fields = content.join("fields.yaml");
        let text = read(&fields);
        assert!(text.contains(from), "{from}");
        std::fs::write(&fields, text.replacen(from, to, 1)).unwrap();
        let (ok, err) = check(&content);
        assert!(!ok, "{to}: {err}");
        assert!(err.contains(message), "{to}: {err}");
        let line = fields_line(&fields, at);
        assert!(err.contains(&format!("fields.yaml:{line}:")), "{to}: {err}");
    }
}

#[test]
fn a_clinic_without_its_contact_person_is_told_whose_name_goes_there() {
    // The portal's FAQ asks for the clinic's own person on the certificate
    // application, not the maintenance vendor's: the vendor who writes the
    // data is told so where the name is missing.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("no-person.yaml");
    std::fs::write(
        &file,
        "institution_code: \"0112340\"\nprefecture: 26\nfee_schedule: 1\nname: 鴨川みなみ診療所\n\
         phone: 075-341-2200\nemail: uketsuke@kamogawa-minami.example.jp\n\
         line: { carrier: ntt-west, type: 1, customer_id: CAF3051200478, v6_option: contracted }\n\
         start_month: 2027-03\nfee_payment: 2\nterminals: [受付]\n",
    )
    .unwrap();
    let (ok, err) = check_with("--clinics", &file);
    assert!(!ok, "{err}");
    assert!(err.contains("no-person.yaml:1:1"), "{err}");
    assert!(err.contains("(contact.person)"), "{err}");
    assert!(
        err.contains("保守を委託している業者の担当者ではなく"),
        "{err}"
    );
}
