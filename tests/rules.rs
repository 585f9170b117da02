//! Every shipped rule fires on a sample built for it and stays silent on the others.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use tebiki::diag::Diagnostics;
use tebiki::load::{clinics, yaml};

const BASE: &str = r#"
institution_code: "0123455"
prefecture: 14
fee_schedule: 3
category: 2
name: 規則テスト歯科
contact: { department: 受付, person: 試験 太郎 }
phone: 045-201-3344
email: test@example.jp
line: { carrier: ntt-east, type: 1, customer_id: CAF1253000113, v6_option: contracted }
start_month: 2027-01
fee_payment: 1
terminals: [オンライン資格確認パソコン]
installation_date: 2027-01-20
"#;

/// (rule id, edit of the base clinic)
const SAMPLES: &[(&str, &str, &str)] = &[
    ("line-type-ntt-must-be-1", "type: 1,", "type: 3,"),
    ("customer-id-missing", "customer_id: CAF1253000113, ", ""),
    ("customer-id-invalid", "CAF1253000113", "CAF12530"),
    (
        "v6-option-missing",
        "v6_option: contracted",
        "v6_option: none",
    ),
    (
        "start-month-past",
        "start_month: 2027-01",
        "start_month: 2026-10",
    ),
    (
        "application-too-late",
        "installation_date: 2027-01-20",
        "installation_date: 2026-11-27",
    ),
    (
        "start-month-ends-soon",
        "start_month: 2027-01",
        "start_month: 2026-11",
    ),
    (
        "test-month-past",
        "start_month: 2027-01",
        "start_month: 2027-01\ntest_month: 2026-10",
    ),
    (
        "test-month-ends-soon",
        "start_month: 2027-01",
        "start_month: 2027-01\ntest_month: 2026-11",
    ),
    (
        "application-date-too-late",
        "installation_date: 2027-01-20",
        "installation_date: 2027-01-20\napplication_date: 2027-01-15",
    ),
    (
        "application-date-after-safe-day",
        "installation_date: 2027-01-20",
        "installation_date: 2027-01-20\napplication_date: 2027-01-12",
    ),
    (
        "application-at-risk",
        "installation_date: 2027-01-20",
        "installation_date: 2026-12-03",
    ),
    (
        "installation-date-past",
        "installation_date: 2027-01-20",
        "installation_date: 2026-11-20",
    ),
    (
        "application-soon",
        "installation_date: 2027-01-20",
        "installation_date: 2026-12-08",
    ),
    ("certificate-fee", "", ""),
    (
        "category-fee-schedule-mismatch",
        "category: 2",
        "category: 1",
    ),
    (
        // A planned day late enough for the certificate to be downloadable
        // on the installation day (else certificate-apply-later instead).
        "application-early",
        "installation_date: 2027-01-20",
        "installation_date: 2027-06-01\napplication_date: 2027-01-15",
    ),
    (
        "certificate-apply-later",
        "installation_date: 2027-01-20",
        "installation_date: 2027-06-01",
    ),
    (
        "terminal-names-alike",
        "terminals: [オンライン資格確認パソコン]",
        "terminals: [受付パソコン, \" 受付パソコン\"]",
    ),
    (
        "carrier-unknown",
        "carrier: ntt-east, type: 1, customer_id: CAF1253000113, v6_option: contracted",
        "carrier: unknown, type: 1",
    ),
    (
        "installation-not-weekday",
        "installation_date: 2027-01-20",
        "installation_date: 2027-01-11",
    ),
    (
        "application-date-past",
        "start_month: 2027-01",
        "start_month: 2027-01\napplication_date: 2026-11-01",
    ),
    (
        "change-certificates-applied",
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
    ),
    (
        "certificate-fee-change",
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
    ),
    (
        "no-terminal",
        "terminals: [オンライン資格確認パソコン]\n",
        "",
    ),
    (
        "change-applied-download-limit",
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
    ),
    (
        "carrier-contradicted",
        "carrier: ntt-east, type: 1, customer_id: CAF1253000113, v6_option: contracted",
        "carrier: other, type: 2, customer_id: CAF1253000113",
    ),
    (
        "carrier-region-mismatch",
        "carrier: ntt-east,",
        "carrier: ntt-west,",
    ),
    (
        "start-month-far",
        "start_month: 2027-01",
        "start_month: 2028-01",
    ),
    (
        "installation-far-after-start",
        "installation_date: 2027-01-20",
        "installation_date: 2028-01-20",
    ),
    (
        "test-month-after-start",
        "start_month: 2027-01",
        "start_month: 2027-01\ntest_month: 2027-02",
    ),
    (
        "test-month-before-installation",
        "start_month: 2027-01",
        "start_month: 2027-01\ntest_month: 2026-12",
    ),
    (
        "kind-name-contradicted",
        "name: 規則テスト歯科",
        "name: 規則テスト薬局",
    ),
    (
        "terminals-applied-not-change",
        "terminals: [オンライン資格確認パソコン]",
        "terminals: [オンライン資格確認パソコン]\nterminals_applied: [オンライン資格確認パソコン]",
    ),
    (
        "change-all-applied-check",
        "terminals: [オンライン資格確認パソコン]",
        "terminals: [オンライン資格確認パソコン]\nterminals_applied: [オンライン資格確認パソコン]\napplication_kind: change",
    ),
];

fn guide_of(yaml_text: &str) -> tebiki::eval::guide::Guide {
    guide_on(yaml_text, TODAY)
}

/// The guide of a clinic as made on `today`.
fn guide_on(yaml_text: &str, today: &str) -> tebiki::eval::guide::Guide {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let file = Arc::new(PathBuf::from("sample.yaml"));
    let tree = yaml::read_tree(yaml_text, &file).expect("yaml");
    let mut diags = Diagnostics::default();
    let clinic = clinics::from_tree(&tree, &file, &content.fields, &mut diags).expect("clinic");
    tebiki::eval::evaluate(&content, &clinic, today.parse().unwrap())
}

fn fired(yaml_text: &str) -> BTreeSet<String> {
    guide_of(yaml_text)
        .findings
        .iter()
        .map(|f| f.rule.clone())
        .collect()
}

#[test]
fn each_rule_fires_on_its_sample_only() {
    for (rule, from, to) in SAMPLES {
        assert!(BASE.contains(from), "{rule}: edit does not apply");
        let text = if from.is_empty() {
            BASE.to_string()
        } else {
            BASE.replacen(from, to, 1)
        };
        let got = fired(&text);
        let mut want: BTreeSet<String> = [rule.to_string()].into();
        let change = text.contains("application_kind: change");
        if change {
            // A 変更 application's earlier certificates may be past their
            // download days on the installation day: always said.
            want.insert("change-applied-download-limit".into());
        }
        // No certificate to apply for: no fee, nothing applied to check.
        let none = ["no-terminal", "change-all-applied-check"].contains(rule);
        if !none {
            // The fee notice is information every clinic with a terminal
            // gets; a 変更 application gets its own.
            want.insert(
                if change {
                    "certificate-fee-change"
                } else {
                    "certificate-fee"
                }
                .into(),
            );
        }
        if change && !none {
            // A 変更 application is always asked to check what it applied for.
            want.insert("change-certificates-applied".into());
        }
        if *rule == "installation-far-after-start" {
            // An installation a year after the start month is months after
            // any application day not past the start month: its certificate
            // waits (a planned day late enough would make the start month past).
            want.insert("certificate-apply-later".into());
        }
        assert_eq!(got, want, "sample for {rule}");
    }
}

#[test]
fn every_shipped_rule_has_a_sample() {
    let (content, _) = tebiki::load::load_content(&root().join("content"));
    let sampled: BTreeSet<&str> = SAMPLES.iter().map(|s| s.0).collect();
    for rule in &content.rules {
        assert!(
            sampled.contains(rule.id.as_str()),
            "rule {} has no sample in tests/rules.rs",
            rule.id
        );
    }
}

/// The day a correction would land is said once, in the finding's 「守らないと」
/// line beside whether it is in time: the message said it too (「すでに申請済み
/// なら、今日訂正しても反映は2026年12月1日（火）ごろの見込みです」 and again
/// 「今日訂正すれば反映は2026年12月1日（火）ごろで、設置予定日…に間に合います」).
/// The message says what to do.
#[test]
fn line_type_finding_says_the_correction_date_once_in_its_consequence() {
    // A 変更 application: the usage application is registered already.
    let text = BASE.replacen("type: 1,", "type: 3,", 1).replacen(
        "start_month:",
        "application_kind: change\nstart_month:",
        1,
    );
    let (content, _) = tebiki::load::load_content(&root().join("content"));
    let file = Arc::new(PathBuf::from("sample.yaml"));
    let tree = yaml::read_tree(&text, &file).unwrap();
    let mut diags = Diagnostics::default();
    let clinic = clinics::from_tree(&tree, &file, &content.fields, &mut diags).unwrap();
    let guide = tebiki::eval::evaluate(&content, &clinic, TODAY.parse().unwrap());
    let f = guide
        .findings
        .iter()
        .find(|f| f.rule == "line-type-ntt-must-be-1")
        .unwrap();
    // 2026-11-24 (Tue) + 5 business days = 2026-12-01 (Tue).
    let message = f.message.plain_text();
    let consequence = f.consequence.plain_text();
    assert!(
        !message.contains("2026年12月1日") && message.contains("すぐに「1」に訂正してください"),
        "{message}"
    );
    assert_eq!(
        consequence.matches("2026年12月1日").count(),
        1,
        "{consequence}"
    );
    // Without an installation day the consequence still names the day.
    let undated = guide_of(
        &BASE
            .replacen("type: 1,", "type: 3,", 1)
            .replacen("start_month:", "application_kind: change\nstart_month:", 1)
            .replacen("installation_date: 2027-01-20\n", "", 1),
    );
    let f = undated
        .findings
        .iter()
        .find(|f| f.rule == "line-type-ntt-must-be-1")
        .expect("finding without an installation day");
    assert!(!f.message.plain_text().contains("2026年12月1日"));
    assert_eq!(
        f.consequence.plain_text().matches("2026年12月1日").count(),
        1,
        "{}",
        f.consequence.plain_text()
    );
    let dates = &guide.manuals[0].dates;
    assert!(
        dates
            .iter()
            .any(|d| d.iso == "2026-12-01" && d.label.contains("回線種別"))
    );
}

/// A clinic yet to apply (新規, no planned day or one still ahead) has no
/// line type to correct: it is told to choose 1, never when a correction
/// would land (「すでに申請済みなら、今日訂正しても反映は…」 and a dated row
/// in the schedule), which read as if it had applied with the wrong type.
/// A planned day already past may mean it applied: then it is told.
#[test]
fn only_a_clinic_that_may_have_applied_is_told_when_a_correction_lands() {
    let wrong = BASE.replacen("type: 1,", "type: 3,", 1);
    let with = |extra: &str| wrong.replacen("start_month:", &format!("{extra}\nstart_month:"), 1);
    for (case, text, applied) in [
        ("新規, no planned day", wrong.clone(), false),
        (
            "planned day ahead",
            with("application_date: 2026-12-01"),
            false,
        ),
        (
            "planned day today",
            with("application_date: 2026-11-24"),
            false,
        ),
        (
            "planned day past",
            with("application_date: 2026-11-23"),
            true,
        ),
        ("変更", with("application_kind: change"), true),
    ] {
        let g = guide_of(&text);
        let f = g
            .findings
            .iter()
            .find(|f| f.rule == "line-type-ntt-must-be-1")
            .expect(case);
        let message = f.message.plain_text();
        let consequence = f.consequence.plain_text();
        let dated = g.manuals[0]
            .dates
            .iter()
            .any(|d| d.label.contains("回線種別"));
        assert_eq!(
            message.contains("すでに申請済みなら"),
            applied,
            "{case}: {message}"
        );
        assert!(!message.contains("2026年12月1日"), "{case}: {message}");
        assert_eq!(
            consequence.contains("2026年12月1日"),
            applied,
            "{case}: {consequence}"
        );
        assert_eq!(dated, applied, "{case}: the schedule's correction row");
        assert_eq!(
            consequence.contains("今日訂正"),
            applied,
            "{case}: {consequence}"
        );
        if !applied {
            assert!(
                message.contains("「1」を選べば、訂正の必要はありません"),
                "{case}: {message}"
            );
            assert!(
                consequence.contains("1以外を選んで申請すると、設置日当日に設置できません"),
                "{case}: {consequence}"
            );
        }
    }
}

/// The row `row` of step `step` in the guide.
fn row<'g>(
    g: &'g tebiki::eval::guide::Guide,
    step: &str,
    row: &str,
) -> &'g tebiki::eval::guide::GuideRow {
    g.manuals[0]
        .parts
        .iter()
        .flat_map(|p| p.steps.iter())
        .find(|s| s.id == step)
        .and_then(|s| s.screen.as_ref())
        .and_then(|sc| sc.rows.iter().find(|r| r.id == row))
        .unwrap_or_else(|| panic!("no row {row} in step {step}"))
}

#[test]
fn both_id_formats_are_accepted_on_every_ntt_line() {
    // Whether CAF/COP follow NTT East/West is unconfirmed: no pairing is enforced.
    for (carrier, id) in [
        ("ntt-west", "CAF1253000113"),
        ("ntt-east", "COP48215537"),
        ("hikari-collabo", "COP48215537"),
        ("hikari-collabo", "CAF1253000113"),
    ] {
        let text = BASE
            .replacen("ntt-east", carrier, 1)
            .replacen("CAF1253000113", id, 1);
        let g = guide_of(&text);
        assert!(
            g.issues.is_empty(),
            "{carrier} with {id}: {:?}",
            g.issues.iter().map(|i| &i.message).collect::<Vec<_>>()
        );
        // BASE is in 神奈川県, NTT East's region: NTT West there is remarked
        // (carrier-region-mismatch), the ID's format never.
        let mut want: BTreeSet<String> = ["certificate-fee".to_string()].into();
        if carrier == "ntt-west" {
            want.insert("carrier-region-mismatch".into());
        }
        assert_eq!(fired(&text), want);
        let (kind, number) = id.split_at(3);
        let r = row(&g, "1-3", "customer_id");
        assert_eq!(r.display, kind, "{carrier}: kind chosen");
        assert_eq!(row(&g, "1-3", "customer_id_number").display, number);
        assert_eq!(row(&g, "1-3", "customer_id_confirm").display, number);
    }
}

#[test]
fn the_line_type_callout_follows_the_carrier() {
    // NTT or 光コラボ → 1; another line → its own type, never "1"; unknown → ask.
    // Another line with an NTT customer ID or v6 option contradicts itself
    // (rule carrier-contradicted): ask, never its own type.
    let cases = [
        ("carrier: ntt-east, type: 1,", "1を選択してください"),
        ("carrier: hikari-collabo, type: 1,", "1を選択してください"),
        ("carrier: other, type: 3 }", "「3」を選択してください"),
        ("carrier: other, type: 2 }", "「2」を選択してください"),
        ("carrier: unknown, type: 1,", "回線事業者に確認してから選択"),
        ("carrier: other, type: 3,", "回線事業者に確認してから選択"),
        (
            "carrier: other, type: 3, v6_option: planned }",
            "回線事業者に確認してから選択",
        ),
    ];
    for (line, want) in cases {
        let text = if line.ends_with('}') {
            BASE.replacen(
                "{ carrier: ntt-east, type: 1, customer_id: CAF1253000113, v6_option: contracted }",
                &format!("{{ {line}"),
                1,
            )
        } else {
            BASE.replacen("carrier: ntt-east, type: 1,", line, 1)
        };
        let g = guide_of(&text);
        let r = row(&g, "1-3", "line_type");
        let c = r.callout.as_ref().expect("callout");
        assert_eq!(c.text, want, "{line}");
    }
}

#[test]
fn rows_that_do_not_apply_are_never_missing() {
    let text = BASE.replacen(
        "carrier: ntt-east, type: 1, customer_id: CAF1253000113, v6_option: contracted",
        "carrier: other, type: 3",
        1,
    );
    let g = guide_of(&text);
    assert!(g.issues.is_empty(), "{:?}", g.issues);
    for (step, id) in [
        ("1-3", "customer_id"),
        ("1-3", "customer_id_number"),
        ("1-3", "v6_option"),
        ("1-4", "customer_id"),
    ] {
        let r = row(&g, step, id);
        assert!(
            matches!(r.shown, tebiki::eval::guide::Shown::NotApplicable { .. }),
            "{step} {id}: {:?}",
            r.shown
        );
        assert!(
            r.callout.is_none() && !r.required && !r.highlight,
            "{step} {id}"
        );
        assert!(!r.display.contains("未登録"), "{step} {id}");
    }
    // The optional テスト開始予定年月 left empty is fine, not "missing".
    let r = row(&g, "1-3", "test_month");
    assert!(
        matches!(r.shown, tebiki::eval::guide::Shown::Blank { .. }),
        "{:?}",
        r.shown
    );
}

#[test]
fn a_correction_reaches_every_later_screen_and_date() {
    // A 変更 application: the wrong type may be registered (a correction).
    let text = BASE
        .replacen("start_month:", "application_kind: change\nstart_month:", 1)
        .replacen(
            "carrier: ntt-east, type: 1,",
            "carrier: hikari-collabo, type: 3,",
            1,
        )
        .replacen(
            "installation_date: 2027-01-20",
            "installation_date: 2026-11-27",
            1,
        );
    let g = guide_of(&text);
    for (step, id) in [("1-3", "line_type"), ("1-4", "line_type")] {
        let r = row(&g, step, id);
        assert!(r.display.starts_with("1: "), "{step}: {}", r.display);
        let c = r.correction.as_ref().expect("marked as a correction");
        assert_eq!(c.data, "3");
    }
    // The wrong value is named in the finding.
    let f = g
        .findings
        .iter()
        .find(|f| f.rule == "line-type-ntt-must-be-1")
        .unwrap();
    assert!(f.message.plain_text().contains("「3」"));
    // The correction takes effect on 2026-12-01, after the installation day:
    // the finding says so plainly and the date is a problem.
    assert!(
        f.consequence.plain_text().contains("間に合いません"),
        "{}",
        f.consequence.plain_text()
    );
    let d = g.manuals[0]
        .dates
        .iter()
        .find(|d| d.label.contains("回線種別"))
        .unwrap();
    assert!(d.problem.is_some() && d.severity == Some(tebiki::model::Severity::Error));
    // The notice arrives after the installation day: no "next" (✓) note, a caution instead.
    let s = g.manuals[0].parts[1]
        .steps
        .iter()
        .find(|s| s.id == "2-5")
        .unwrap();
    assert!(
        s.notes
            .iter()
            .all(|n| n.kind != tebiki::model::manual::NoteKind::Next)
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.kind == tebiki::model::manual::NoteKind::Caution)
    );
}

#[test]
fn a_past_start_month_is_entered_as_the_suggested_month() {
    let text = BASE.replacen("start_month: 2027-01", "start_month: 2026-10", 1);
    let g = guide_of(&text);
    for (step, id) in [("1-3", "start_month"), ("1-4", "start_month")] {
        let r = row(&g, step, id);
        // Installation 2027-01-20 → the installation month.
        assert_eq!(r.display, "2027年1月", "{step}");
        assert!(r.correction.is_some());
    }
}

#[test]
fn each_terminal_gets_its_own_application() {
    let text = BASE.replacen(
        "terminals: [オンライン資格確認パソコン]",
        "terminals: [受付PC, 診察室PC, 請求PC]",
        1,
    );
    let g = guide_of(&text);
    let parts: Vec<_> = g.manuals[0]
        .parts
        .iter()
        .filter(|p| p.item.is_some())
        .collect();
    assert_eq!(parts.len(), 3);
    for (i, (p, name)) in parts
        .iter()
        .zip(["受付PC", "診察室PC", "請求PC"])
        .enumerate()
    {
        assert!(
            p.title.starts_with(&format!("{}台目", i + 1)),
            "{}",
            p.title
        );
        for (step, id) in [("2-2", "terminal_name"), ("2-4", "terminal_name")] {
            let s = p.steps.iter().find(|s| s.number == step).unwrap();
            let r = s
                .screen
                .as_ref()
                .unwrap()
                .rows
                .iter()
                .find(|r| r.id == id)
                .unwrap();
            assert_eq!(r.display, name, "{step} of {}", p.title);
        }
    }
    // Step ids stay unique (anchors, pictures).
    let ids: BTreeSet<_> = parts
        .iter()
        .flat_map(|p| p.steps.iter().map(|s| s.id.clone()))
        .collect();
    assert_eq!(
        ids.len(),
        parts.iter().map(|p| p.steps.len()).sum::<usize>()
    );
}

fn load_error(edit: impl Fn(String) -> String) -> String {
    let (_t, content) = content_copy();
    let manual = content.join("manuals/online-shikaku/manual.yaml");
    std::fs::write(&manual, edit(read(&manual))).unwrap();
    let (_, d) = tebiki::load::load_content(&content);
    assert!(d.has_errors(), "the edit must be rejected");
    format!("{d:?}")
}

#[test]
fn unknown_facts_in_conditions_and_cases_are_located_load_errors() {
    let err = load_error(|t| {
        t.replacen(
            "- when: { fact: line.carrier, in: [ntt-east, ntt-west, hikari-collabo], says: NTT東日本・西日本・光コラボの回線 }\n                    text: 1を選択してください",
            "- when: { fact: line.carier, in: [ntt-east, ntt-west, hikari-collabo], says: NTT東日本・西日本・光コラボの回線 }\n                    text: 1を選択してください",
            1,
        )
    });
    assert!(err.contains("unknown fact `line.carier`"), "{err}");
    assert!(err.contains("manual.yaml"), "{err}");
    let err = load_error(|t| {
        t.replacen(
            "for_each: { list: terminals_to_apply,",
            "for_each: { list: email,",
            1,
        )
    });
    assert!(err.contains("does not name a list field"), "{err}");
    let err = load_error(|t| {
        t.replacen(
            "ge: \"{{ installation_date }}\"",
            "ge: \"{{ installation_dat }}\"",
            1,
        )
    });
    assert!(err.contains("installation_dat"), "{err}");
    // A schedule date's `not_before:` (a passed date is marked) names a known date.
    let err = load_error(|t| t.replacen("not_before: today", "not_before: todya", 1));
    assert!(err.contains("unknown not_before fact `todya`"), "{err}");
    assert!(err.contains("online-shikaku/manual.yaml"), "{err}");
}

#[test]
fn an_installation_on_a_weekend_or_holiday_names_the_call_centres_hours() {
    // The call centre is closed on Sundays and holidays and shorter on
    // Saturdays (the seed manual's hours); nothing said so.
    for (day, fires) in [
        ("2027-01-09", true),  // Saturday
        ("2027-01-10", true),  // Sunday
        ("2027-01-11", true),  // 成人の日 (Monday)
        ("2027-01-12", false), // Tuesday
    ] {
        let text = BASE.replacen(
            "installation_date: 2027-01-20",
            &format!("installation_date: {day}"),
            1,
        );
        let g = guide_of(&text);
        let f = g
            .findings
            .iter()
            .find(|f| f.rule == "installation-not-weekday");
        assert_eq!(f.is_some(), fires, "{day}");
        if let Some(f) = f {
            let msg = f.message.plain_text();
            assert!(msg.contains("日曜日と祝日は休みです"), "{msg}");
        }
    }
}

#[test]
fn a_start_month_is_compared_with_the_month_of_the_application() {
    // Applying on 2026-12-07 with a start month of 2026-11: past on that day.
    let text = BASE.replacen(
        "start_month: 2027-01",
        "start_month: 2026-11\napplication_date: 2026-12-07",
        1,
    );
    assert!(fired(&text).contains("start-month-past"));
    let g = guide_of(&text);
    assert_eq!(row(&g, "1-3", "start_month").display, "2027年1月");
    // The same month applied for in November is not past.
    let text = BASE.replacen(
        "start_month: 2027-01",
        "start_month: 2026-11\napplication_date: 2026-11-30",
        1,
    );
    assert!(!fired(&text).contains("start-month-past"));
}

#[test]
fn a_past_application_date_is_not_used_for_the_schedule() {
    // Applying on 2026-11-01 (before today, 2026-11-24): the schedule showed
    // the notice arriving 2026-11-08, in the past, with nothing said.
    let text = BASE.replacen(
        "start_month: 2027-01",
        "start_month: 2027-01\napplication_date: 2026-11-01",
        1,
    );
    let g = guide_of(&text);
    let notice = g.manuals[0]
        .dates
        .iter()
        .find(|d| d.label == "電子証明書発行通知書が届く見込み")
        .expect("notice date");
    assert_eq!(notice.iso, "2026-12-01");
    assert!(g.findings.iter().any(|f| f.rule == "application-date-past"));
}

/// A 変更 application: the certificates may have been applied for with the
/// first application. The handout says to check that on the my page (step
/// 1-2, where the link is) before applying again, and the fee notice asks
/// only for the terminals not applied for yet.
#[test]
fn a_change_application_checks_the_certificates_already_applied_for() {
    let message = |yaml_text: &str, rule: &str| {
        guide_of(yaml_text)
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| (f.message.plain_text(), f.step_number.clone()))
    };
    let change = BASE.replacen(
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
        1,
    );
    let (check, step) = message(&change, "change-certificates-applied").expect("fires");
    assert_eq!(step.as_deref(), Some("1-2"));
    assert!(check.contains("電子証明書申請状況照会"), "{check}");
    assert!(message(&change, "certificate-fee").is_none());
    let (fee, _) = message(&change, "certificate-fee-change").expect("fee notice");
    assert!(fee.contains("まだ申請していないときだけ"), "{fee}");
    assert!(!fee.contains("の申請が必要です"), "{fee}");
    let two = change.replacen(
        "terminals: [オンライン資格確認パソコン]",
        "terminals: [オンライン資格確認パソコン, 受付パソコン]",
        1,
    );
    let (fee, _) = message(&two, "certificate-fee-change").expect("fee notice");
    assert!(fee.contains("まだ申請していない端末の分だけ"), "{fee}");
    assert!(fee.contains("3,000円"), "{fee}");
    // Its title announces no count and no total as due: some terminals
    // may have been applied for already.
    let title = guide_of(&two)
        .findings
        .iter()
        .find(|f| f.rule == "certificate-fee-change")
        .map(|f| f.title.clone())
        .expect("title");
    assert!(title.contains("まだ申請していない端末の分だけ"), "{title}");
    assert!(
        !title.contains("2枚") && !title.contains("3,000"),
        "{title}"
    );
    // A first application is asked for every certificate, as before.
    let (fee, _) = message(BASE, "certificate-fee").expect("fee notice");
    assert!(fee.contains("の申請が必要です"), "{fee}");
    assert!(message(BASE, "change-certificates-applied").is_none());
}

/// A 変更 clinic applies only for the terminals it has not applied for yet;
/// if the first application had them all, this one brings no notice. Its
/// schedule said 「電子証明書発行通知書が届く見込み」 as a fact all the same:
/// the row now says whose notice it is. A first application keeps the plain
/// label, and no row says it twice.
#[test]
fn a_change_applications_notice_date_is_for_the_terminals_not_applied_for() {
    let labels = |text: &str| -> Vec<String> {
        guide_of(text).manuals[0]
            .dates
            .iter()
            .map(|d| d.label.clone())
            .filter(|l| l.contains("通知書が届く見込み"))
            .collect()
    };
    let change = BASE.replacen(
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
        1,
    );
    assert_eq!(
        labels(&change),
        ["電子証明書発行通知書が届く見込み（未申請の端末を申請した場合）"]
    );
    assert_eq!(labels(BASE), ["電子証明書発行通知書が届く見込み"]);
    // No terminal, no certificate to apply for: no notice row either way.
    let none = change.replacen(
        "terminals: [オンライン資格確認パソコン]",
        "terminals: []",
        1,
    );
    assert!(labels(&none).is_empty(), "{:?}", labels(&none));
}

/// A planned application day after the last safe day (installation day
/// less 7 + 3 days) whose notice still comes by the installation day had no
/// notice at all: the schedule listed 申請予定日 2027-01-13 after
/// 申請を済ませたい最終日 2027-01-10 and nothing said why (the notice was due
/// on the installation day itself). Each edge, as of 2026-11-24.
#[test]
fn a_planned_day_after_the_last_safe_day_is_told_to_apply_by_it() {
    let at = |install: &str, planned: &str| {
        let text = BASE.replacen(
            "installation_date: 2027-01-20",
            &format!("installation_date: {install}\napplication_date: {planned}"),
            1,
        );
        let g = guide_of(&text);
        let rules: BTreeSet<String> = g.findings.iter().map(|f| f.rule.clone()).collect();
        let text = g
            .findings
            .iter()
            .find(|f| f.rule == "application-date-after-safe-day")
            .map(|f| f.message.plain_text().replace(' ', ""));
        (rules, text)
    };
    let rule = "application-date-after-safe-day";
    // The last safe day itself: nothing to say. It is 01-09, not 01-10:
    // the ten days before the installation hold 成人の日 (Monday 01-11), a
    // weekday 支払基金 is closed, and the last safe day goes back over it.
    assert!(!at("2027-01-20", "2027-01-09").0.contains(rule));
    assert!(at("2027-01-20", "2027-01-10").0.contains(rule));
    // A day later: the notice (01-18) still comes, with no margin.
    let (rules, text) = at("2027-01-20", "2027-01-11");
    assert!(rules.contains(rule), "{rules:?}");
    let text = text.unwrap();
    assert!(text.contains("見込みは2027年1月18日（月）で"), "{text}");
    assert!(
        text.contains("2027年1月9日（土）までに二つの申請"),
        "{text}"
    );
    // The notice due on the installation day itself.
    let (rules, text) = at("2027-01-20", "2027-01-13");
    assert!(rules.contains(rule), "{rules:?}");
    assert!(
        text.unwrap()
            .contains("設置予定日（2027年1月20日（水））の当日")
    );
    // A day later the notice is late: application-date-too-late alone.
    let (rules, _) = at("2027-01-20", "2027-01-14");
    assert!(
        !rules.contains(rule) && rules.contains("application-date-too-late"),
        "{rules:?}"
    );
    // Within 17 days (installation 12-08, last safe day 11-28): this notice
    // instead of application-soon, which would say the same without the plan.
    let (rules, _) = at("2026-12-08", "2026-11-30");
    assert!(
        rules.contains(rule) && !rules.contains("application-soon"),
        "{rules:?}"
    );
    let (rules, _) = at("2026-12-08", "2026-11-28");
    assert!(
        !rules.contains(rule) && rules.contains("application-soon"),
        "{rules:?}"
    );
    // Planned too late within 17 days: one notice, not application-soon too.
    let (rules, _) = at("2026-12-08", "2026-12-02");
    assert!(
        rules.contains("application-date-too-late") && !rules.contains("application-soon"),
        "{rules:?}"
    );
    // Closer than 10 days application-at-risk speaks.
    let (rules, _) = at("2026-12-03", "2026-11-25");
    assert!(
        !rules.contains(rule) && rules.contains("application-at-risk"),
        "{rules:?}"
    );
}

/// An installation day on a weekend or holiday is told to ask the call
/// centre 「設置予定日より前の受付時間内に」: on the day itself (a Sunday
/// handout for a Sunday installation) that cannot be done, and the day is
/// to move anyway (application-too-late says so, and the remark is left
/// out whenever it does).
#[test]
fn the_call_centre_hours_are_not_told_on_the_installation_day_itself() {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let fired_on = |install: &str, today: &str| {
        let text = BASE.replacen(
            "installation_date: 2027-01-20",
            &format!("installation_date: {install}"),
            1,
        );
        let file = Arc::new(PathBuf::from("sample.yaml"));
        let tree = yaml::read_tree(&text, &file).expect("yaml");
        let mut diags = Diagnostics::default();
        let clinic = clinics::from_tree(&tree, &file, &content.fields, &mut diags).expect("clinic");
        let g = tebiki::eval::evaluate(&content, &clinic, today.parse().unwrap());
        g.findings
            .iter()
            .any(|f| f.rule == "installation-not-weekday")
    };
    // Sunday 2026-11-29 read on that Sunday; read on the Saturday before,
    // the notice cannot come in time and the day is to move (no remark
    // either: a_weekend_installation_day_that_cannot_hold_gets_no_call_centre_hours);
    // read 11 days before, it can.
    assert!(!fired_on("2026-11-29", "2026-11-29"));
    assert!(!fired_on("2026-11-29", "2026-11-28"));
    assert!(fired_on("2026-11-29", "2026-11-18"));
    // A Saturday installation read that Saturday.
    assert!(!fired_on("2026-11-28", "2026-11-28"));
    // A weekday, and a holiday (2027-01-11, 成人の日) ten days ahead.
    assert!(!fired_on("2026-11-30", "2026-11-18"));
    assert!(fired_on("2027-01-11", "2027-01-01"));
}

/// A 新規 clinic whose planned application day is past may or may not have
/// applied: what follows a wrong line type is said as a condition. It was
/// told as a fact (「設置予定日…に間に合いません。すぐに訂正し、設置日の変更を…」),
/// so a clinic yet to apply would move its installation day for nothing.
/// A 変更 application (registered) is still told plainly.
#[test]
fn a_clinic_that_may_have_applied_is_told_the_cost_of_a_wrong_type_as_a_condition() {
    let consequence = |install: &str, extra: &str| {
        let text = BASE.replacen("type: 1,", "type: 3,", 1).replacen(
            "installation_date: 2027-01-20",
            &format!("installation_date: {install}\n{extra}"),
            1,
        );
        let g = guide_of(&text);
        g.findings
            .iter()
            .find(|f| f.rule == "line-type-ntt-must-be-1")
            .map(|f| f.consequence.plain_text().replace(' ', ""))
            .unwrap()
    };
    let planned_past = "application_date: 2026-11-23";
    // 2026-11-24 + 5 business days = 2026-12-01.
    for (install, says) in [
        (
            "2026-11-30",
            "設置予定日（2026年11月30日（月））に間に合いません",
        ),
        ("2026-12-01", "間に合わないおそれがあります"),
        (
            "2027-01-20",
            "今日訂正すれば、反映は2026年12月1日（火）ごろ",
        ),
        ("2026-11-20", "新しい設置日はそれより後の日で"),
    ] {
        let text = consequence(install, planned_past);
        assert!(text.starts_with("1以外で申請済みなら"), "{install}: {text}");
        assert!(text.contains(says), "{install}: {text}");
        assert!(
            text.contains(
                "まだ申請していなければ、申請のときに「1」を選べば訂正の必要はありません"
            ),
            "{install}: {text}"
        );
    }
    let change = consequence("2026-11-30", "application_kind: change");
    assert!(change.starts_with("設置日当日に設置できません"), "{change}");
    assert!(change.contains("に間に合いません"), "{change}");
}

/// A start month equal to the current month, on a handout made in the
/// month's last week (2026-11-29, start month 2026-11): nothing was said,
/// though it is a past month if the clinic applies in December. It is
/// entered as the suggested month, right on either day (the notice comes a
/// week after applying: the installation is in December at the earliest).
#[test]
fn a_start_month_of_this_month_at_its_end_is_entered_as_a_month_still_ahead() {
    let rule = "start-month-ends-soon";
    let at = |today: &str, edit: &str| {
        let mut text = BASE.replacen("start_month: 2027-01", edit, 1);
        if edit.contains("installation_date") {
            text = text.replacen("installation_date: 2027-01-20\n", "", 1);
        }
        let g = guide_on(&text, today);
        let shown = row(&g, "1-3", "start_month").display.clone();
        let f = g.findings.iter().find(|f| f.rule == rule).map(|f| {
            (
                f.message.plain_text().replace(' ', ""),
                f.consequence.plain_text().replace(' ', ""),
            )
        });
        let rules: BTreeSet<String> = g.findings.iter().map(|f| f.rule.clone()).collect();
        (shown, f, rules)
    };
    let (shown, f, _) = at("2026-11-29", "start_month: 2026-11");
    // Installation 2027-01-20: its month.
    assert_eq!(shown, "2027年1月");
    let (message, consequence) = f.expect("fires");
    assert!(message.contains("で、今月です"), "{message}");
    assert!(
        message.contains("今月中に申請すればそのままでも構いません"),
        "{message}"
    );
    assert!(
        message.contains("2026年12月に申請しても過ぎた年月にならない2027年1月を入力する値"),
        "{message}"
    );
    assert!(
        consequence
            .contains("申請が2026年12月に入ってからになると、2026年11月は申請の時点で過ぎた年月"),
        "{consequence}"
    );
    // Eight days to December (11-23): the month's last week not yet.
    let (shown, f, _) = at("2026-11-23", "start_month: 2026-11");
    assert_eq!(shown, "2026年11月");
    assert!(f.is_none());
    // Seven (11-24): its last week.
    assert!(at("2026-11-24", "start_month: 2026-11").1.is_some());
    // A month ahead, at month end: nothing.
    assert!(at("2026-11-29", "start_month: 2026-12").1.is_none());
    // An installation too close for the notice: the month after applying.
    let (shown, f, _) = at(
        "2026-11-29",
        "start_month: 2026-11\ninstallation_date: 2026-12-03",
    );
    assert_eq!(shown, "2026年12月");
    assert!(f.is_some());
    // A planned day in the month's last week: the plan is named.
    let (shown, f, rules) = at(
        "2026-11-24",
        "start_month: 2026-11\napplication_date: 2026-11-30",
    );
    assert_eq!(shown, "2027年1月");
    let (message, _) = f.expect("fires");
    assert!(
        message.contains("申請予定日（2026年11月30日（月））と同じ月です"),
        "{message}"
    );
    assert!(
        message.contains("予定どおり2026年11月中に申請すれば"),
        "{message}"
    );
    assert!(!rules.contains("start-month-past"), "{rules:?}");
    // A planned day early in the month: nothing (it is ahead, not at risk).
    assert!(
        at(
            "2026-11-24",
            "start_month: 2026-12\napplication_date: 2026-12-02"
        )
        .1
        .is_none()
    );
    // A planned day next month: the month is past then (start-month-past).
    let (_, f, rules) = at(
        "2026-11-29",
        "start_month: 2026-11\napplication_date: 2026-12-01",
    );
    assert!(
        f.is_none() && rules.contains("start-month-past"),
        "{rules:?}"
    );
}

/// The optional test month equal to the month of the application, in its
/// last week (2026-11-29, test month 2026-11): nothing was said, though it
/// is past if the clinic applies in December. It is told what to enter then.
#[test]
fn a_test_month_of_this_month_at_its_end_is_told_what_to_enter_next_month() {
    // Installing in the test month: the month itself is no contradiction.
    let at = |today: &str, test: &str| {
        let text = BASE
            .replacen(
                "start_month: 2027-01",
                &format!("start_month: 2027-01\ntest_month: {test}"),
                1,
            )
            .replacen(
                "installation_date: 2027-01-20",
                "installation_date: 2026-11-30",
                1,
            );
        guide_on(&text, today)
            .findings
            .iter()
            .find(|f| f.rule == "test-month-ends-soon")
            .map(|f| (f.title.clone(), f.message.plain_text().replace(' ', "")))
    };
    let (title, message) = at("2026-11-29", "2026-11").expect("fires");
    assert!(
        title.contains("申請が2026年12月にずれると過ぎた年月になります"),
        "{title}"
    );
    assert!(
        message.contains("2026年11月中に申請すればそのまま入力できますが"),
        "{message}"
    );
    assert!(message.contains("未定なら空欄のまま"), "{message}");
    assert!(at("2026-11-23", "2026-11").is_none());
    assert!(at("2026-11-29", "2026-12").is_none());
    // A test month before the installation month is doubted all month long:
    // on its last days it was 「そのまま入力できます」 (test-month-before-
    // installation leaves those days to this rule), on the 1st an error.
    let text = BASE.replacen(
        "start_month: 2027-01",
        "start_month: 2027-01\ntest_month: 2026-11",
        1,
    );
    let g = guide_on(&text, "2026-11-29");
    let f = g
        .findings
        .iter()
        .find(|f| f.rule == "test-month-ends-soon")
        .expect("fires");
    let m = f.message.plain_text().replace(' ', "");
    assert!(
        m.contains("設置予定日2027年1月20日（水）とどちらかが誤っています"),
        "{m}"
    );
    assert!(!m.contains("そのまま入力できます"), "{m}");
}

/// The message of `rule` (which must fire), spaces removed, for the base
/// clinic installing on `install` with `extra` lines.
fn message_at(rule: &str, install: &str, extra: &str) -> String {
    let text = BASE.replacen(
        "installation_date: 2027-01-20",
        &format!("installation_date: {install}{extra}"),
        1,
    );
    guide_of(&text)
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .map(|f| f.message.plain_text().replace(' ', ""))
        .unwrap_or_else(|| panic!("{rule} fires"))
}

/// application-at-risk with a planned application day still ahead quoted
/// the notice date counted from the planned day (「見込み 2026年12月3日」)
/// while telling the clinic to apply today (a notice then due 12-01): both
/// dates are told, each with its day.
#[test]
fn an_application_at_risk_with_a_planned_day_ahead_tells_the_date_of_applying_today() {
    let message = |extra: &str| message_at("application-at-risk", "2026-12-03", extra);
    let planned = message("\napplication_date: 2026-11-26");
    assert!(
        planned
            .contains("申請予定日（2026年11月26日（木））に申請すると見込みは2026年12月3日（木）"),
        "{planned}"
    );
    assert!(
        planned.contains("申請予定日を待たずに今日のうちに申請し（見込み2026年12月1日（火））"),
        "{planned}"
    );
    // No planned day (or today's): one date, that of applying today.
    for extra in ["", "\napplication_date: 2026-11-24"] {
        let today = message(extra);
        assert!(today.contains("（見込み2026年12月1日（火））"), "{today}");
        assert!(!today.contains("申請予定日"), "{today}");
    }
}

/// application-too-late with a planned application day still ahead quoted
/// the notice date counted from the planned day while telling the clinic to
/// apply at once: both dates are told. On the installation day itself the
/// date is that of applying today.
#[test]
fn an_application_too_late_with_a_planned_day_ahead_tells_the_date_of_applying_today() {
    let message = |install: &str, extra: &str| message_at("application-too-late", install, extra);
    // Installation 2026-11-28; applying today (11-24) → 12-01.
    let planned = message("2026-11-28", "\napplication_date: 2026-11-26");
    assert!(
        planned.contains(
            "申請予定日（2026年11月26日（木））に申請すると見込みは2026年12月3日（木）、今日申請しても2026年12月1日（火）です"
        ),
        "{planned}"
    );
    assert!(
        planned.contains("申請予定日を待たずにすぐに済ませてください"),
        "{planned}"
    );
    let none = message("2026-11-28", "");
    assert!(none.contains("見込みは2026年12月1日（火）です"), "{none}");
    assert!(!none.contains("申請予定日"), "{none}");
    // The installation day is today, the planned day after it.
    let today = message("2026-11-24", "\napplication_date: 2026-11-26");
    assert!(
        today.contains("今日申請しても見込みは2026年12月1日（火）です"),
        "{today}"
    );
}

#[test]
fn a_missing_id_beside_another_line_type_doubts_the_carrier_too() {
    // NTT East recorded, but no お客さまID and line type 3: two values say
    // the line is not NTT's. The ID finding said only to look the ID up on
    // the opening notice; a clinic without one was left with 「必ず「1」」.
    let said = |text: &str| {
        guide_of(text)
            .findings
            .iter()
            .find(|f| f.rule == "customer-id-missing")
            .map(|f| f.message.plain_text())
            .expect("customer-id-missing fires")
    };
    let no_id = BASE.replacen("customer_id: CAF1253000113, ", "", 1);
    let other_type = no_id.replacen("type: 1,", "type: 3,", 1);
    let m = said(&other_type);
    assert!(m.contains("回線種別も「3」"), "{m}");
    assert!(
        m.contains("回線事業者（NTT東日本 フレッツ光）の登録が誤っているかもしれない"),
        "{m}"
    );
    assert!(
        m.contains("開通のご案内かお申込内容のご案内があればNTTの回線で、回線種別は「1」です"),
        "{m}"
    );
    // Type 1 without an ID: only the ID is missing.
    let m = said(&no_id);
    assert!(!m.contains("登録が誤っているかもしれない"), "{m}");
}

// ---------------------------------------------------------------------------
/// `BASE` with each (from, to) edit made once.
fn base_with(edits: &[(&str, &str)]) -> String {
    edits.iter().fold(BASE.to_string(), |t, (from, to)| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    })
}

const CHANGE: (&str, &str) = (
    "start_month: 2027-01",
    "application_kind: change\nstart_month: 2027-01",
);
const NO_TERMINAL: (&str, &str) = ("terminals: [オンライン資格確認パソコン]", "terminals: []");

fn installing(day: &str) -> (&'static str, String) {
    (
        "installation_date: 2027-01-20",
        format!("installation_date: {day}"),
    )
}

// A clinic with many findings at once, read as a whole page: no two notices
// say the same thing (tests/fixtures/many-findings/ holds clinics on which
// five or more rules fire together).

/// The sentences one finding says (title, message and consequence), without
/// whitespace; short ones (「申請区分は「変更」です」) are not counted.
fn sentences(f: &tebiki::eval::guide::Finding) -> Vec<String> {
    let text = format!(
        "{}。{}。{}",
        f.title,
        f.message.plain_text(),
        f.consequence.plain_text()
    );
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    text.split('。')
        .filter(|s| s.chars().count() >= 12)
        .map(str::to_string)
        .collect()
}

/// Every pair of notices of one guide where a sentence of one is said
/// (word for word) inside the other: (the two rules, the sentence).
fn said_twice(g: &tebiki::eval::guide::Guide) -> Vec<(String, String, String)> {
    let mut twice = Vec::new();
    for a in &g.findings {
        for s in sentences(a) {
            for b in g.findings.iter().filter(|b| b.rule != a.rule) {
                if sentences(b).iter().any(|t| t.contains(&s)) {
                    twice.push((a.rule.clone(), b.rule.clone(), s.clone()));
                }
            }
        }
    }
    twice
}

/// The YAML clinics of the fixture folders of unusual, contradicting and
/// many-findings clinics, and the sample clinics of content/.
fn fixture_clinics() -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    for dir in [
        "tests/fixtures/many-findings",
        "tests/fixtures/contradictions",
        "tests/fixtures/unusual/clinics",
        "tests/fixtures/checklist",
        "content/clinics",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            all.push((p, text));
        }
    }
    all
}

#[test]
fn no_two_notices_of_a_clinic_say_the_same_sentence() {
    // 四条からすま医院 (many-findings/d-…: installation day and planned day
    // both past) was told 「二つの申請がまだなら、すぐに済ませてください」 by
    // installation-date-past and again by application-date-past; 北浜ことのは医院
    // (e-…, five days to go) and every clinic closer than 10 days likewise
    // by application-too-late or application-at-risk.
    let mut found = Vec::new();
    let mut read = 0;
    for (path, text) in fixture_clinics() {
        let (content, d) = tebiki::load::load_content(&root().join("content"));
        assert!(!d.has_errors(), "{d:?}");
        let file = Arc::new(path.clone());
        let tree = yaml::read_tree(&text, &file).expect("yaml");
        let mut diags = Diagnostics::default();
        // A clinic whose data has an error gets no guide.
        let Some(clinic) = clinics::from_tree(&tree, &file, &content.fields, &mut diags) else {
            continue;
        };
        if diags.has_errors() {
            continue;
        }
        read += 1;
        let g = tebiki::eval::evaluate(&content, &clinic, TODAY.parse().unwrap());
        for (a, b, s) in said_twice(&g) {
            found.push(format!("{}: {a} / {b}: «{s}»", path.display()));
        }
    }
    assert!(read >= 30, "{read} clinics read");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_past_planned_day_is_told_to_apply_at_once_by_one_notice() {
    const PAST: (&str, &str) = (
        "start_month: 2027-01",
        "start_month: 2027-01\napplication_date: 2026-11-10",
    );
    let past = base_with(&[PAST]);
    let said = |text: &str, rule: &str| {
        guide_of(text)
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.message.plain_text())
    };
    let apply_now = |text: &str| {
        guide_of(text)
            .findings
            .iter()
            .filter(|f| {
                let t = format!("{}{}", f.message.plain_text(), f.consequence.plain_text());
                t.contains("すぐに済ませてください") || t.contains("今日のうちに申請し")
            })
            .map(|f| f.rule.clone())
            .collect::<Vec<_>>()
    };
    // Installation past, five days ahead, seven days ahead: the notice about
    // the day says to apply at once; the planned day's only that the
    // schedule counts from today, and to tell the vendor if it applied.
    for (installation, rule) in [
        ("2026-11-20", "installation-date-past"),
        ("2026-11-29", "application-too-late"),
        ("2026-12-01", "application-at-risk"),
    ] {
        let (from, to) = installing(installation);
        let text = base_with(&[PAST, (from, &to)]);
        assert_eq!(apply_now(&text), [rule], "{installation}");
        let m = said(&text, "application-date-past").expect("fires");
        assert!(m.contains("今日申請するものとして計算しています"), "{m}");
        assert!(
            m.contains("すでに申請した場合は、担当の業者に知らせてください"),
            "{m}"
        );
    }
    // Far ahead: the planned day's notice alone says it.
    let m = said(&past, "application-date-past").expect("fires");
    assert!(
        m.contains("二つの申請がまだなら、すぐに済ませてください"),
        "{m}"
    );
    // A 変更 clinic without terminals seven days ahead: no timing notice
    // (no-terminal speaks of the certificates); the planned day's says it.
    let (from, to) = installing("2026-12-01");
    let change = base_with(&[CHANGE, PAST, NO_TERMINAL, (from, &to)]);
    assert_eq!(apply_now(&change), ["application-date-past"]);
}

#[test]
fn a_change_application_without_terminals_is_told_to_check_its_certificates_once() {
    // 千住かわばた医院 (many-findings/a-…): 変更, no terminal. no-terminal
    // and change-certificates-applied both told it to look up
    // 電子証明書申請状況照会 (the latter at step 1-2, 「端末を決めて担当の業者に
    // 知らせるときは…」): one check, said twice.
    let change = base_with(&[CHANGE, NO_TERMINAL]);
    let g = guide_of(&change);
    let checking: Vec<&str> = g
        .findings
        .iter()
        .filter(|f| f.message.plain_text().contains("電子証明書申請状況照会"))
        .map(|f| f.rule.as_str())
        .collect();
    // The notice of the download days asks another question of the same
    // page (when those certificates were issued), in words of its own.
    assert_eq!(checking, ["no-terminal", "change-applied-download-limit"]);
    // With a terminal, the 変更 notice is there, as before.
    assert!(fired(&base_with(&[CHANGE])).contains("change-certificates-applied"));
}

#[test]
fn a_weekend_installation_day_that_cannot_hold_gets_no_call_centre_hours() {
    // 北浜ことのは医院 (many-findings/e-…): the installation day is a Sunday
    // five days ahead; application-too-late tells it to move the day, and
    // installation-not-weekday still told it the call centre is closed that
    // day, to ask 「設置予定日より前の受付時間内に」.
    let (from_sunday, sunday) = installing("2026-11-29");
    let rules = fired(&base_with(&[(from_sunday, &sunday)]));
    assert!(rules.contains("application-too-late"), "{rules:?}");
    assert!(!rules.contains("installation-not-weekday"), "{rules:?}");
    // A Sunday the notice reaches in time is still remarked.
    let (from, later) = installing("2026-12-13");
    assert!(fired(&base_with(&[(from, &later)])).contains("installation-not-weekday"));
    // A 変更 clinic without terminals may need no notice at all: its day may
    // hold, and the remark stays.
    let change = base_with(&[CHANGE, NO_TERMINAL, (from_sunday, &sunday)]);
    assert!(fired(&change).contains("installation-not-weekday"));
}

#[test]
fn when_to_apply_is_told_before_the_other_warnings() {
    // 千住かわばた医院 (many-findings/a-…): its planned day is past and it
    // installs in seven days; 「利用申請がまだなら、すぐに済ませてください」 came
    // after the v6 option, the start month and the test month, on page 2.
    // Notices go by severity, then in the rules file's order.
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/many-findings/a-change-wrong-line-late.yaml"),
    )
    .unwrap();
    let g = guide_of(&text);
    let order: Vec<&str> = g.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        order,
        [
            "line-type-ntt-must-be-1",
            "customer-id-missing",
            "no-terminal",
            "application-date-past",
            "v6-option-missing",
            "start-month-past",
            "test-month-after-start",
            // 変更: when its earlier certificates were issued (information).
            "change-applied-download-limit",
        ]
    );
    // 北浜ことのは医院 (e-…, 新規, five days to go, line typed 2): the day
    // cannot hold; 「必ず「1」を選んでください」 (to choose 1 when it applies)
    // came first, and the dashboard named it.
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/many-findings/e-too-late-month-ends.yaml"),
    )
    .unwrap();
    let g = guide_of(&text);
    assert_eq!(g.findings[0].rule, "application-too-late");
    assert_eq!(g.findings[1].rule, "line-type-ntt-must-be-1");
    // Every notice about when to apply comes before every other one of its
    // severity.
    let (content, _) = tebiki::load::load_content(&root().join("content"));
    let ids: Vec<&str> = content.rules.iter().map(|r| r.id.as_str()).collect();
    let at = |id: &str| ids.iter().position(|i| *i == id).expect(id);
    for timing in [
        "installation-date-past",
        "application-too-late",
        "application-date-too-late",
        "application-at-risk",
        "application-date-past",
        "application-date-after-safe-day",
        "application-soon",
    ] {
        for other in [
            "line-type-ntt-must-be-1",
            "customer-id-missing",
            "customer-id-invalid",
            "no-terminal",
            "carrier-contradicted",
            "v6-option-missing",
            "start-month-past",
            "start-month-ends-soon",
            "test-month-past",
            "test-month-ends-soon",
            "start-month-far",
            "installation-far-after-start",
            "test-month-after-start",
            "change-certificates-applied",
            "terminal-names-alike",
            "category-fee-schedule-mismatch",
            "carrier-region-mismatch",
            "carrier-unknown",
        ] {
            assert!(at(timing) < at(other), "{timing} after {other}");
        }
    }
}

#[test]
fn a_change_application_past_its_installation_day_is_not_told_a_notice_is_due() {
    // 変更 without terminals, the installation day past (a clinic read
    // beside many-findings/a-…): no-terminal says every certificate may have
    // been applied for with the first application, and installation-date-past
    // said 「電子証明書発行通知書は、端末を決めて発行申請してから約1週間後に書留で
    // 届くので、新しい設置日はそれより後にします」 as if one were due.
    let (from, past) = installing("2026-11-20");
    let said = |edits: &[(&str, &str)]| {
        let g = guide_of(&base_with(edits));
        let f = g
            .findings
            .iter()
            .find(|f| f.rule == "installation-date-past")
            .expect("fires");
        (f.message.plain_text(), f.consequence.plain_text())
    };
    let (m, c) = said(&[CHANGE, NO_TERMINAL, (from, &past)]);
    assert!(!m.contains("端末を決めて発行申請してから"), "{m}");
    assert!(
        m.contains("まだ電子証明書を申請していない端末があれば、その電子証明書発行通知書は"),
        "{m}"
    );
    assert!(c.starts_with("まだ申請していない端末は"), "{c}");
    // With terminals: the certificates not applied for yet, not 「二つの申請」.
    let (m, c) = said(&[CHANGE, (from, &past)]);
    assert!(!m.contains("二つの申請がまだなら"), "{m}");
    assert!(
        m.contains("まだ申請していない端末の電子証明書の発行申請"),
        "{m}"
    );
    assert!(c.starts_with("まだ申請していない端末は"), "{c}");
    // A first application: as before.
    let (m, c) = said(&[(from, &past)]);
    assert!(
        m.contains("二つの申請がまだなら、すぐに済ませてください"),
        "{m}"
    );
    assert!(c.starts_with("通知書が届く前の日には"), "{c}");
}

/// The kind of institution the name says against the 点数表 (the third
/// digit of the 10-digit code): a 薬局 under a 医科 or 歯科 code, a clinic
/// under a 調剤 code is a 重要 doubt (`contains:` in the rule, widths and
/// kana folded). Before, nothing read the name: a pharmacy's handout under
/// a 医科 code said its notice goes to the address 「保険医療機関として登録
/// されている」, with the portal's 点数表 「1（医科）」 as settled. A name
/// with both (a pharmacy before a clinic) and a 医科歯科 clinic are left alone.
#[test]
fn a_name_that_says_another_kind_of_institution_than_its_code_is_doubted() {
    let pharmacy_code = |name: &str| {
        BASE.replacen("name: 規則テスト歯科", &format!("name: {name}"), 1)
            .replacen(
                "fee_schedule: 3\ncategory: 2",
                "fee_schedule: 4\ncategory: 3",
                1,
            )
    };
    let ika_code = |name: &str| {
        BASE.replacen("name: 規則テスト歯科", &format!("name: {name}"), 1)
            .replacen(
                "fee_schedule: 3\ncategory: 2",
                "fee_schedule: 1\ncategory: 1",
                1,
            )
    };
    let rule = "kind-name-contradicted";
    for (text, expected) in [
        (ika_code("駅前ひかり薬局"), true),
        (ika_code("ｴｷﾏｴ薬局"), true),
        (
            BASE.replacen("name: 規則テスト歯科", "name: 港南薬局", 1),
            true,
        ),
        (pharmacy_code("ﾐﾅﾄｸﾘﾆｯｸ"), true),
        (pharmacy_code("みなと歯科"), true),
        (pharmacy_code("北の森内科医院"), true),
        (pharmacy_code("中央病院前薬局"), false),
        (pharmacy_code("さくら通り薬局"), false),
        (ika_code("青葉医科歯科クリニック"), false),
        (ika_code("北の森内科医院"), false),
        (BASE.to_string(), false),
    ] {
        assert!(text.contains("fee_schedule"), "{text}");
        assert_eq!(fired(&text).contains(rule), expected, "{text}");
    }
    // What depends on the kind is left to check on the portal's screen.
    let g = guide_of(&ika_code("駅前ひかり薬局"));
    let json = serde_json::to_string(&g).unwrap();
    assert!(
        json.contains("申請画面に表示される医療機関コードで登録されている所在地です"),
        "the notice's address in neutral words"
    );
    assert!(
        !json.contains("保険医療機関として登録されている所在地"),
        "{json}"
    );
    assert!(json.contains("画面の表示を確かめる（データの名称と点数表が食い違っています）"));
    assert!(json.contains("10桁の医療機関コード"), "the checklist item");
    let g = guide_of(&ika_code("北の森内科医院"));
    let json = serde_json::to_string(&g).unwrap();
    assert!(json.contains("保険医療機関として登録されている所在地"));
    assert!(!json.contains("画面の表示を確かめる（データの名称と点数表が食い違っています）"));
}

/// `tebiki check` of the bundled content with `from` replaced by `to` in
/// the rules file: it fails, and its message is at the edited line.
fn rules_error(from: &str, to: &str) -> (String, usize) {
    let (_t, content) = content_copy();
    let rules = content.join("rules/usage-application.yaml");
    let text = read(&rules);
    assert!(text.contains(from), "{from}");
    let edited = text.replacen(from, to, 1);
    let line = edited[..edited.find(to).unwrap()].lines().count();
    std::fs::write(&rules, edited).unwrap();
    let (ok, err) = check_with("--content", &content);
    assert!(!ok, "{to}: {err}");
    (err, line)
}

/// `count:` and `contains:` used wrongly are located load errors, each at
/// its line with what is wrong and how to fix it; comparing a list itself
/// with one value (it compared its count, and a list left out was never
/// less than anything) is one too.
#[test]
fn counts_and_contained_words_used_wrongly_are_located_errors() {
    let kind = "- { fact: name, contains: 薬局 }";
    for (from, to, want) in [
        (
            kind,
            "- { count: name, ge: 1 }",
            "`count:` counts the items of a list, but `name` is a text",
        ),
        (
            kind,
            "- { count: terminal, ge: 1 }",
            "unknown fact `terminal` in `count:`",
        ),
        (
            kind,
            "- { count: terminals }",
            "the count of `terminals` is compared with nothing",
        ),
        (
            kind,
            "- { count: terminals, ge: three }",
            "is compared with `three`, which is not a number",
        ),
        (
            kind,
            "- { count: terminals, gt: \"{{ installation_date }}\" }",
            "the count of `terminals` is compared with `installation_date`, a date",
        ),
        (
            kind,
            "- { count: terminals, present: true }",
            "`present` cannot test the count of `terminals`",
        ),
        (
            kind,
            "- { fact: name, count: terminals, ge: 1 }",
            "a condition with both `fact:` and `count:`",
        ),
        (
            kind,
            "- { fact: name, contains: \"\" }",
            "`contains:` on `name` has an empty word",
        ),
        (
            kind,
            "- { fact: name, contains: [薬局, \" \"] }",
            "`contains:` on `name` has an empty word",
        ),
        (
            kind,
            "- { fact: installation_date, contains: \"2026\" }",
            "`contains:` looks for words in a text, but `installation_date` is a date",
        ),
        (
            "when: { fact: terminal_count, lt: 1 }\n    step: online-shikaku/2-2\n    field: terminal_name\n    title: 端末が登録されていません",
            "when: { fact: terminals, lt: 1 }\n    step: online-shikaku/2-2\n    field: terminal_name\n    title: 端末が登録されていません",
            "`terminals` is a list: `lt` cannot compare it with one value",
        ),
    ] {
        let (err, line) = rules_error(from, to);
        assert!(err.contains(want), "{to}: {err}");
        assert!(
            err.contains(&format!("rules/usage-application.yaml:{line}:")),
            "{to}: not at line {line}: {err}"
        );
        assert!(
            err.contains("help:") || err.contains("= help"),
            "{to}: a fix: {err}"
        );
    }
}

/// The connection test follows the installation day's work (domain.md): a
/// test month before the installation month is doubted; the installation
/// month itself, a later month, or no installation day is not. A month past
/// (test-month-past) is told only that.
#[test]
fn a_test_month_is_doubted_only_before_the_installation_month() {
    let with = |test: &str, install: &str| {
        let text = BASE
            .replacen(
                "start_month: 2027-01",
                &format!("start_month: 2027-03\ntest_month: {test}"),
                1,
            )
            .replacen("installation_date: 2027-01-20", install, 1);
        fired(&text).contains("test-month-before-installation")
    };
    assert!(with("2027-01", "installation_date: 2027-02-15"));
    assert!(with("2026-12", "installation_date: 2027-01-20"));
    assert!(!with("2027-02", "installation_date: 2027-02-15"));
    assert!(!with("2027-03", "installation_date: 2027-02-15"));
    assert!(!with("2027-01", ""));
    assert!(!with("2026-10", "installation_date: 2027-02-15"));
}

/// The steps of part 2 (the first terminal's) in the guide: ids and bodies.
fn certificate_steps(g: &tebiki::eval::guide::Guide) -> Vec<(String, String)> {
    g.manuals[0]
        .parts
        .iter()
        .filter(|p| p.id.starts_with("certificate"))
        .take(1)
        .flat_map(|p| p.steps.iter())
        .map(|s| (s.id.clone(), s.body.plain_text()))
        .collect()
}

/// A certificate can be downloaded for 180 days after it is issued (支払基金):
/// applied for with the usage application months before the installation
/// day, it could not be installed on the day. The handout told every clinic
/// to go on to 「電子証明書の発行へ進む」 right after the usage application;
/// one whose installation is far off is now told the day to start part 2
/// from (180 days before the installation day, 30 days of margin, the next
/// day 支払基金 is open), starts it from the my page, and its schedule counts
/// the notice and the expiry from that day.
#[test]
fn a_clinic_installing_months_later_applies_for_its_certificate_when_it_can_still_be_downloaded() {
    // Installation 2027-06-01: 180 days before is 2026-12-03, 30 days on is
    // 2027-01-02 (年末年始), the next open day Monday 2027-01-04.
    let far = BASE.replacen(
        "installation_date: 2027-01-20",
        "installation_date: 2027-06-01",
        1,
    );
    let g = guide_of(&far);
    let f = g
        .findings
        .iter()
        .find(|f| f.rule == "certificate-apply-later")
        .expect("the certificate's day is told");
    assert_eq!(
        f.title,
        "電子証明書の発行申請は2027年1月4日（月）以降に行ってください"
    );
    let squash = |t: String| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let m = squash(f.message.plain_text());
    assert!(
        m.contains("2027年1月4日（月）以降、2027年5月22日（土）までに"),
        "{m}"
    );
    assert!(!g.findings.iter().any(|f| f.rule == "application-early"));
    let steps = certificate_steps(&g);
    let ids: Vec<&str> = steps.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"2-1-next"), "{ids:?}");
    assert!(!ids.contains(&"2-1"), "{ids:?}");
    let first = squash(steps[0].1.clone());
    assert!(
        first.starts_with("2027年1月4日（月）以降（2027年5月22日（土）まで）に、1-1のとおり"),
        "{first}"
    );
    let s14 = g.manuals[0].parts[0]
        .steps
        .iter()
        .find(|s| s.id == "1-4")
        .unwrap();
    assert!(
        s14.body
            .plain_text()
            .contains("「電子証明書の発行へ進む」をクリックせず")
    );
    let dates = &g.manuals[0].dates;
    let on = |label: &str| {
        dates
            .iter()
            .find(|d| d.label == label)
            .map(|d| d.iso.clone())
            .unwrap_or_else(|| panic!("no date {label}"))
    };
    assert_eq!(on("電子証明書の発行申請を始める日"), "2027-01-04");
    // A week of post from that day reaches over 成人の日 (2027-01-11).
    assert_eq!(on("電子証明書発行通知書が届く見込み"), "2027-01-12");
    assert_eq!(on("電子証明書の有効期限の目安"), "2030-04-03");

    // The day before the installation day's 150th: the day itself is 2027-01-04.
    for (today, deferred) in [
        ("2027-01-01", true),
        ("2027-01-04", false),
        ("2027-01-05", false),
    ] {
        let g = guide_on(&far, today);
        assert_eq!(
            g.findings
                .iter()
                .any(|f| f.rule == "certificate-apply-later"),
            deferred,
            "{today}"
        );
        let first = certificate_steps(&g)[0].0.clone();
        assert_eq!(first, if deferred { "2-1-next" } else { "2-1" }, "{today}");
    }
    // A planned application day from which the certificate can still be
    // downloaded: nothing to wait for.
    let planned = far.replacen(
        "installation_date: 2027-06-01",
        "installation_date: 2027-06-01\napplication_date: 2027-01-04",
        1,
    );
    assert!(!fired(&planned).contains("certificate-apply-later"));
    // A 変更 clinic with no terminal in the data: a terminal it has not
    // applied for yet is applied for in the same window.
    let none = far.replacen(
        "terminals: [オンライン資格確認パソコン]\n",
        "application_kind: change\n",
        1,
    );
    let g = guide_of(&none);
    let f = g
        .findings
        .iter()
        .find(|f| f.rule == "no-terminal")
        .expect("no terminal");
    let m = squash(f.message.plain_text());
    assert!(
        m.contains("その申請は2027年1月4日（月）以降、2027年5月22日（土）までに行います"),
        "{m}"
    );
    // A planned day already past: only the usage application is due now
    // (「二つの申請がまだなら、すぐに」 contradicted the day to wait for), and a
    // certificate applied for on that day is told about.
    let past = far.replacen(
        "start_month: 2027-01",
        "start_month: 2027-01\napplication_date: 2026-11-01",
        1,
    );
    let m = squash(
        guide_of(&past)
            .findings
            .iter()
            .find(|f| f.rule == "application-date-past")
            .expect("past")
            .message
            .plain_text(),
    );
    assert!(m.contains("利用申請がまだなら、すぐに済ませてください（電子証明書の発行申請は、重要なお知らせのとおり2027年1月4日（月）以降です）"), "{m}");
    assert!(
        m.contains("設置日には発行から180日を過ぎてダウンロードできない"),
        "{m}"
    );
    assert!(!m.contains("二つの申請がまだなら"), "{m}");
    // A planned day inside the window: the notice that applying by the last
    // day is enough names the window's first day too.
    let inside = far.replacen(
        "start_month: 2027-01",
        "start_month: 2027-01\napplication_date: 2027-01-15",
        1,
    );
    let m = squash(
        guide_of(&inside)
            .findings
            .iter()
            .find(|f| f.rule == "application-early")
            .expect("early")
            .message
            .plain_text(),
    );
    assert!(
        m.contains("電子証明書の発行申請は2027年1月4日（月）以降に行います"),
        "{m}"
    );
    // A 変更 clinic is told which of its earlier certificates the
    // installation day is too late for: those issued before 180 days before it.
    let change = far.replacen(
        "start_month: 2027-01",
        "application_kind: change\nstart_month: 2027-01",
        1,
    );
    let m = squash(
        guide_of(&change)
            .findings
            .iter()
            .find(|f| f.rule == "change-applied-download-limit")
            .expect("change")
            .message
            .plain_text(),
    );
    assert!(m.contains("2026年12月3日（木）より前に発行されたものは設置予定日（2027年6月1日（火））にはダウンロードできない"), "{m}");
    // The usual clinic, installing in two months, goes straight on.
    let g = guide_of(BASE);
    assert!(
        !g.findings
            .iter()
            .any(|f| f.rule == "certificate-apply-later")
    );
    assert_eq!(certificate_steps(&g)[0].0, "2-1");
}
