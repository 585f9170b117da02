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
        "installation_date: 2026-12-01",
    ),
    (
        "application-soon",
        "installation_date: 2027-01-20",
        "installation_date: 2026-12-08",
    ),
    ("certificate-fee", "", ""),
    (
        "no-terminal",
        "terminals: [オンライン資格確認パソコン]\n",
        "",
    ),
];

fn fired(yaml_text: &str) -> BTreeSet<String> {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let file = Arc::new(PathBuf::from("sample.yaml"));
    let tree = yaml::read_tree(yaml_text, &file).expect("yaml");
    let mut diags = Diagnostics::default();
    let clinic = clinics::from_tree(&tree, &file, &content.fields, &mut diags).expect("clinic");
    let today = TODAY.parse().unwrap();
    let guide = tebiki::eval::evaluate(&content, &clinic, today);
    guide.findings.iter().map(|f| f.rule.clone()).collect()
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
        if *rule != "no-terminal" {
            // The fee notice is information every clinic with a terminal gets.
            want.insert("certificate-fee".into());
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

#[test]
fn line_type_message_carries_the_correction_date() {
    let text = BASE.replacen("type: 1,", "type: 3,", 1);
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
    assert!(
        f.message.plain_text().contains("2026年12月1日"),
        "{}",
        f.message.plain_text()
    );
    let dates = &guide.manuals[0].dates;
    assert!(
        dates
            .iter()
            .any(|d| d.iso == "2026-12-01" && d.label.contains("回線種別"))
    );
}
