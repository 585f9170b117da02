//! Rules: conditions over a clinic's facts that produce warnings.
//!
//! Rules are content: adding one is a YAML edit, never a Rust change.

use super::manual::Cased;
use super::rich::Rich;
use super::source::SourcePos;
use serde::Serialize;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the application or the installation.
    Error,
    /// Likely to cause trouble.
    Warning,
    /// Good to know.
    Info,
}

impl Severity {
    /// The strings key of its name on guides (`severity_error` …: 「重要」).
    pub fn strings_key(self) -> &'static str {
        match self {
            Severity::Error => "severity_error",
            Severity::Warning => "severity_warning",
            Severity::Info => "severity_info",
        }
    }

    /// Lower-case English name (CSS classes, JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A rule from content.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Stable identifier.
    pub id: String,
    /// Severity when it fires.
    pub severity: Severity,
    /// `for_each: LIST`: read once for each item of the list, with
    /// `each.*` set as in a repeated part; one finding an item it holds for.
    pub for_each: Option<String>,
    /// When it fires.
    pub when: Condition,
    /// The step it is shown at, as `manual/step` once loaded (`None`: shown at the top of the guide).
    pub step: Option<String>,
    /// The form row it points at, within the step's screen.
    pub field: Option<String>,
    /// One-line headline.
    pub title: String,
    /// Explanation, with `{{ fact }}` placeholders (alternatives per clinic).
    pub message: Cased<Rich>,
    /// What happens if ignored (alternatives per clinic).
    pub consequence: Cased<Rich>,
    /// The condition in words, for the generic help site ("NTTフレッツ回線の場合").
    pub applies_when: String,
    /// The value the attached field should have (pointed out in pictures).
    pub expect: Option<String>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
}

impl Op {
    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> Self {
        match self {
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
        }
    }
}

/// A condition over facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Always true.
    Always,
    /// Every sub-condition holds.
    All {
        /// Sub-conditions.
        of: Vec<Condition>,
    },
    /// At least one holds.
    Any {
        /// Sub-conditions.
        of: Vec<Condition>,
    },
    /// The sub-condition does not hold.
    Not {
        /// Negated condition.
        of: Box<Condition>,
    },
    /// The fact has a value.
    Present {
        /// Fact path.
        fact: String,
    },
    /// The fact has no value.
    Absent {
        /// Fact path.
        fact: String,
    },
    /// The fact's value is one of these.
    In {
        /// Fact path.
        fact: String,
        /// Accepted values.
        values: Vec<String>,
    },
    /// Compare the fact with a value (numbers, dates as YYYY-MM-DD, or text),
    /// or with another fact when the value is written `{{ other.fact }}`.
    Compare {
        /// Fact path.
        fact: String,
        /// Operator.
        op: Op,
        /// Right-hand side.
        value: String,
    },
    /// The fact fails validation (so a rule can explain a bad value).
    Invalid {
        /// Fact path.
        fact: String,
    },
    /// The number of items of a list field compared with a number, or with
    /// another fact written `{{ other }}` (`count: terminals, ge: 3`). A
    /// list the clinic leaves out counts 0; a list whose items failed
    /// validation makes the condition false.
    Count {
        /// The list field counted.
        list: String,
        /// Operator.
        op: Op,
        /// Right-hand side: a number, or `{{ fact }}` (a number fact, or a
        /// list field by its count).
        value: String,
        /// The right-hand side names a list field, compared by its count
        /// (0 when the clinic has none).
        counted: bool,
    },
    /// The fact's text holds one of these strings, compared after folding
    /// width, case, kana and blanks (a list: any of its items does).
    Contains {
        /// Fact path.
        fact: String,
        /// The strings looked for, as written in content.
        values: Vec<String>,
    },
    /// A condition with its own words for the help site (`says:` in
    /// content): holds when `of` holds.
    Said {
        /// The condition in words (「NTT東日本・西日本・光コラボの回線」).
        says: String,
        /// The condition itself.
        of: Box<Condition>,
    },
}

impl Condition {
    /// Every fact path the condition reads.
    pub fn facts(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Always => {}
            Condition::All { of } | Condition::Any { of } => {
                for c in of {
                    c.collect(out);
                }
            }
            Condition::Not { of } | Condition::Said { of, .. } => of.collect(out),
            Condition::Present { fact }
            | Condition::Absent { fact }
            | Condition::In { fact, .. }
            | Condition::Contains { fact, .. }
            | Condition::Invalid { fact } => out.push(fact),
            Condition::Compare { fact, value, .. }
            | Condition::Count {
                list: fact, value, ..
            } => {
                out.push(fact);
                if let Some(other) = fact_ref(value) {
                    out.push(other);
                }
            }
        }
    }
}

/// The fact named by a value written `{{ fact.path }}`, if it is one.
pub fn fact_ref(value: &str) -> Option<&str> {
    let v = value.trim();
    let inner = v.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    (!inner.is_empty() && !inner.contains(['{', '}'])).then_some(inner)
}
