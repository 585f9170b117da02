//! Content files → typed model: manuals, rules, the clinic schema and constants.
//!
//! The YAML shapes here are the content format documented in
//! `docs/content-format.md`. Unknown keys are errors (typos must not pass
//! silently); every problem is reported with file, line and column.

use super::markdown;
use super::yaml::{self, pos};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::SourcePos;
use crate::model::clinic::{FieldCatalog, FieldDef, FieldKind, IdFormat, Within};
use crate::model::facts::{BUILT_IN, FactType};
use crate::model::manual::{
    Button, Callout, Case, Cased, ChecklistItem, Choice, Contact, Content, Control, DateItem,
    ForEach, Frame, Manual, Note, NoteKind, Part, Row, Screen, ScreenKind, Step, ValueSource,
};
use crate::model::rich::Rich;
use crate::model::rule::{Condition, Op, Rule, Severity};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Markdown text, inline or in a file beside the YAML (`{ file: steps/1-1.md }`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(untagged)]
pub(crate) enum Md {
    /// Inline Markdown.
    Inline(String),
    /// A Markdown file relative to the YAML file.
    File {
        /// Relative path.
        file: String,
    },
    /// Alternatives per clinic: the first case whose `when` holds, else `otherwise`.
    Cases {
        /// Conditional texts.
        cases: Vec<RawMdCase>,
        /// Text when no case holds.
        #[serde(default)]
        otherwise: Option<Box<Md>>,
    },
    #[default]
    /// Nothing.
    Empty,
}

/// A one-line text (a title) that may have alternatives per clinic.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawLine {
    /// The same for every clinic.
    Plain(String),
    /// The first case whose `when` holds, else `otherwise`.
    Cases {
        /// Conditional texts.
        cases: Vec<RawLineCase>,
        /// Text when no case holds.
        #[serde(default)]
        otherwise: Option<String>,
    },
}

/// One alternative of a one-line text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLineCase {
    when: RawCond,
    text: String,
}

/// One alternative of a Markdown text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMdCase {
    when: RawCond,
    text: Md,
}

/// Context for one YAML file being converted.
pub(crate) struct Ctx<'a> {
    pub file: Arc<PathBuf>,
    pub diags: &'a mut Diagnostics,
    /// The type of a fact, where it is known when conditions are read
    /// (`count:` needs a list, `contains:` a text); `None` while unknown.
    pub types: FactTypes<'a>,
}

/// The type of a fact by its path, as far as the load knows it yet.
pub(crate) type FactTypes<'a> = &'a dyn Fn(&str) -> Option<FactType>;

/// No type known (frames, which hold no condition).
pub(crate) fn no_types(_: &str) -> Option<FactType> {
    None
}

impl Ctx<'_> {
    /// Markdown that may have alternatives per clinic (`cases` / `otherwise`).
    fn cased_md(&mut self, md: &Option<Md>, at: &SourcePos, known: FactCheck) -> Cased<Rich> {
        match md {
            Some(Md::Cases { cases, otherwise }) => Cased {
                cases: cases
                    .iter()
                    .map(|c| Case {
                        when: self.cond(&c.when, at, known),
                        value: self.md1(&c.text, at),
                    })
                    .collect(),
                otherwise: otherwise.as_ref().map(|o| self.md1(o, at)),
            },
            None | Some(Md::Empty) => Cased::default(),
            other => Cased::plain(self.md(other, at)),
        }
    }

    /// A one-line text that may have alternatives per clinic; `key` names it
    /// in messages. It must say something for every clinic (`otherwise`).
    fn cased_line(
        &mut self,
        line: Spanned<RawLine>,
        key: &str,
        at: &SourcePos,
        known: FactCheck,
    ) -> Cased<String> {
        let here = pos(&self.file, &line.referenced);
        let here = if here.line == 0 { at.clone() } else { here };
        match line.value {
            RawLine::Plain(s) => Cased::plain(s),
            RawLine::Cases { cases, otherwise } => {
                if otherwise.is_none() {
                    self.diags.push(
                        Diagnostic::error(here.clone(), format!("`{key}` with `cases` has no `otherwise`"))
                            .with_help("every clinic needs a text: write the one for the remaining clinics under `otherwise:`"),
                    );
                }
                Cased {
                    cases: cases
                        .iter()
                        .map(|c| Case {
                            when: self.cond(&c.when, &here, known),
                            value: c.text.clone(),
                        })
                        .collect(),
                    otherwise,
                }
            }
        }
    }

    /// [`Self::cased_md`] of a text whose key has a position of its own
    /// (conditions inside `cases` are then reported at that key).
    fn spanned_cased_md(
        &mut self,
        md: Option<Spanned<Md>>,
        at: &SourcePos,
        known: FactCheck,
    ) -> Cased<Rich> {
        let Some(md) = md else {
            return Cased::default();
        };
        let here = pos(&self.file, &md.referenced);
        let here = if here.line == 0 { at.clone() } else { here };
        self.cased_md(&Some(md.value), &here, known)
    }

    fn md(&mut self, md: &Option<Md>, at: &SourcePos) -> Rich {
        match md {
            None => Rich::default(),
            Some(m) => self.md1(m, at),
        }
    }

    fn md1(&mut self, md: &Md, at: &SourcePos) -> Rich {
        match md {
            Md::Empty => Rich::default(),
            Md::Cases { .. } => {
                self.diags.push(
                    Diagnostic::error(at.clone(), "this text cannot have alternatives (`cases`)")
                        .with_help("write one text here; alternatives are allowed in step bodies, notes, help texts, callouts, checklist items and rule messages"),
                );
                Rich::default()
            }
            Md::Inline(s) => markdown::parse(s),
            Md::File { file } => {
                let text = super::limits::content_file(&self.file, file).and_then(|(path, b)| {
                    String::from_utf8(b)
                        .map_err(|_| format!("{} is not UTF-8 text", path.display()))
                });
                match text {
                    Ok(text) => markdown::parse(&text),
                    Err(e) => {
                        self.diags.push(
                            Diagnostic::error(
                                at.clone(),
                                format!("cannot read Markdown file: {e}"),
                            )
                            .with_help("the path is relative to the YAML file that names it"),
                        );
                        Rich::default()
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- manuals

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManual {
    id: Spanned<String>,
    title: Spanned<RawLine>,
    #[serde(default)]
    guide_title: Option<Spanned<RawLine>>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    order: Option<i64>,
    /// The clinics the manual is for: a clinic for which it is false gets
    /// none of it.
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    summary: Option<Spanned<Md>>,
    #[serde(default)]
    checklist: Vec<RawChecklist>,
    #[serde(default)]
    contacts: Vec<RawContact>,
    #[serde(default)]
    parts: Vec<RawPart>,
    #[serde(default)]
    closing: Option<Spanned<Md>>,
    #[serde(default)]
    dates: Vec<RawDate>,
    /// Frames declared by this manual (shared ones live in `content/frames.yaml`).
    #[serde(default)]
    frames: Vec<RawFrame>,
    /// The frame of this manual's screens unless a screen names another.
    #[serde(default)]
    frame: Option<Spanned<String>>,
    /// Derived facts this manual declares (shared ones live in `content/facts.yaml`).
    #[serde(default)]
    facts: Vec<super::derived::RawDerived>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrameFile {
    frames: Vec<RawFrame>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrame {
    id: Spanned<String>,
    #[serde(default)]
    title_bar: Option<String>,
    #[serde(default)]
    header: Vec<String>,
    #[serde(default)]
    color: Option<Spanned<String>>,
    #[serde(default)]
    text_color: Option<Spanned<String>>,
    #[serde(default)]
    title_bar_color: Option<Spanned<String>>,
    #[serde(default)]
    words: crate::model::manual::FrameWords,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDate {
    fact: Spanned<String>,
    #[serde(default)]
    for_each: Option<Spanned<String>>,
    label: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    deadline: Option<Spanned<String>>,
    #[serde(default)]
    not_before: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    id: Spanned<String>,
    text: Md,
    #[serde(default)]
    when: Option<RawCond>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    name: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    hours: Option<String>,
    #[serde(default)]
    note: Option<Md>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    id: Spanned<String>,
    number: String,
    title: String,
    #[serde(default)]
    intro: Option<Md>,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    for_each: Option<RawForEach>,
    #[serde(default)]
    steps: Vec<RawStep>,
    #[serde(default)]
    outro: Option<Md>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    #[serde(default)]
    number: Option<String>,
    title: String,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    for_each: Option<RawForEach>,
    #[serde(default)]
    body: Option<Md>,
    #[serde(default)]
    screen: Option<RawScreen>,
    #[serde(default)]
    screenshot: Option<super::screenshot::RawScreenshot>,
    /// A second picture in the screen format, drawn after the notes.
    #[serde(default)]
    figure: Option<RawScreen>,
    #[serde(default)]
    notes: Vec<RawNote>,
}

/// `for_each: terminals` or `for_each: { list: terminals, label: "{{ each.number }}台目" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawForEach {
    List(Spanned<String>),
    Full {
        list: Spanned<String>,
        #[serde(default)]
        label: Option<String>,
        #[serde(default)]
        repeat_in_full: Option<Vec<Spanned<String>>>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    kind: Spanned<NoteKind>,
    #[serde(default)]
    title: Option<String>,
    body: Md,
    #[serde(default)]
    when: Option<RawCond>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    kind: Spanned<ScreenKind>,
    /// A frame id, or `none` for a plain window (default: the manual's frame).
    #[serde(default)]
    frame: Option<Spanned<String>>,
    title: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    lead: Option<Md>,
    #[serde(default)]
    rows: Vec<RawRow>,
    #[serde(default)]
    buttons: Vec<RawButton>,
    /// Links under the lead, one a line.
    #[serde(default)]
    links: Vec<Spanned<String>>,
    /// Text below the rows.
    #[serde(default)]
    foot: Option<Md>,
    /// The picture's text alternative (default: worded from the screen).
    #[serde(default)]
    alt: Option<String>,
    /// Alignment of the lead's and the foot's lines.
    #[serde(default)]
    align: crate::model::manual::TextAlign,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    required: bool,
    control: Spanned<String>,
    #[serde(default)]
    options: Option<Vec<RawChoice>>,
    /// Checkbox or button caption.
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    digits: Option<u8>,
    #[serde(default)]
    confirm: bool,
    #[serde(default)]
    help: Option<Md>,
    #[serde(default)]
    field: Option<Spanned<String>>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    prefilled: bool,
    #[serde(default)]
    joined: bool,
    /// Links the portal shows in the row.
    #[serde(default)]
    links: Vec<Spanned<String>>,
    #[serde(default)]
    highlight: bool,
    #[serde(default)]
    callout: Option<RawCallout>,
    #[serde(default)]
    when: Option<RawCond>,
    #[serde(default)]
    applies: Option<RawCond>,
    #[serde(default)]
    not_applicable: Option<String>,
    #[serde(default)]
    if_empty: Option<String>,
    #[serde(default)]
    value_when: Option<RawCond>,
    #[serde(default)]
    unsettled: Option<String>,
    #[serde(default)]
    sheet_note: Option<Md>,
    /// One character a box (a text row).
    #[serde(default)]
    boxes: Option<Spanned<u8>>,
    /// A seal box's word.
    #[serde(default)]
    seal: Option<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    value: Spanned<Scalar>,
    label: String,
    /// A checkbox bound to the field is ticked by this option (fields.yaml only).
    #[serde(default)]
    checked: Option<Spanned<bool>>,
    /// Other names clinic data may use for this option (fields.yaml only).
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    /// Whether `label` is confirmed as the portal's own wording
    /// (fields.yaml only; required on a `fee_schedule` field's options).
    /// `false` needs `shown`.
    #[serde(default)]
    confirmed: Option<Spanned<bool>>,
    /// What a handout shows instead of an unconfirmed label (fields.yaml only).
    #[serde(default)]
    shown: Option<Spanned<String>>,
    /// The option's short name in words for messages (`歯科`; a
    /// `fee_schedule` field's options only, where it is required).
    #[serde(default)]
    name: Option<Spanned<String>>,
}

impl RawChoice {
    /// The label is the portal's, as far as content knows (not marked
    /// `confirmed: false`).
    fn label_confirmed(&self) -> bool {
        self.confirmed.as_ref().is_none_or(|c| c.value)
    }

    /// The option as a field's choice: an unconfirmed label is read (an
    /// alias) but never shown; `shown` is shown instead.
    fn field_choice(&self) -> Choice {
        let mut aliases: Vec<String> = self.aliases.iter().map(|a| a.value.clone()).collect();
        let label = match (&self.shown, self.label_confirmed()) {
            (Some(shown), false) => {
                // Read as the label was: whole, and without a leading
                // `value:` (`1:保険医療機関（医科）`, `保険医療機関（医科）`).
                let value = self.value.value.text();
                let rest = self
                    .label
                    .trim()
                    .strip_prefix(value.as_str())
                    .and_then(|r| r.trim_start().strip_prefix([':', '：']))
                    .map(str::trim)
                    .filter(|r| !r.is_empty());
                aliases.extend(rest.map(String::from));
                aliases.push(self.label.clone());
                shown.value.clone()
            }
            _ => self.label.clone(),
        };
        Choice {
            value: self.value.value.text(),
            label,
            aliases,
            name: self.name.as_ref().map(|n| n.value.clone()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallout {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    marker: Option<u32>,
    #[serde(default)]
    detail: Option<Md>,
    #[serde(default)]
    cases: Vec<RawCalloutCase>,
    #[serde(default)]
    otherwise: Option<RawCalloutText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalloutCase {
    when: RawCond,
    text: String,
    #[serde(default)]
    detail: Option<Md>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalloutText {
    text: String,
    #[serde(default)]
    detail: Option<Md>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawButton {
    label: Spanned<String>,
    #[serde(default)]
    primary: bool,
    /// A link among the buttons (drawn as a link, named as one).
    #[serde(default)]
    link: bool,
    /// Drawn at the top of the page, not at the foot.
    #[serde(default)]
    top: bool,
}

/// A YAML scalar that may be written as a number, bool or text.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

// ---------------------------------------------------------------- conditions

/// `{ all: [...] }`, `{ any: [...] }`, `{ not: {...} }`, or `{ fact: x, <op>: v }`,
/// each with an optional `says:` (the condition in words, for the help site).
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCond {
    #[serde(default)]
    says: Option<String>,
    #[serde(default)]
    all: Option<Vec<RawCond>>,
    #[serde(default)]
    any: Option<Vec<RawCond>>,
    #[serde(default)]
    not: Option<Box<RawCond>>,
    #[serde(default)]
    fact: Option<Spanned<String>>,
    /// The number of items of a list field, compared (`count: terminals, ge: 3`).
    #[serde(default)]
    count: Option<Spanned<String>>,
    /// The fact's text holds one of these (`contains: [薬局]`).
    #[serde(default)]
    contains: Option<Words>,
    #[serde(default, rename = "in")]
    in_: Option<Vec<Scalar>>,
    #[serde(default)]
    not_in: Option<Vec<Scalar>>,
    #[serde(default)]
    eq: Option<Scalar>,
    #[serde(default)]
    ne: Option<Scalar>,
    #[serde(default)]
    lt: Option<Scalar>,
    #[serde(default)]
    le: Option<Scalar>,
    #[serde(default)]
    gt: Option<Scalar>,
    #[serde(default)]
    ge: Option<Scalar>,
    #[serde(default)]
    present: Option<bool>,
    #[serde(default)]
    invalid: Option<bool>,
}

impl RawCond {
    /// The comparisons written, each with its key, in a fixed order.
    fn comparisons(&self) -> [(Op, &'static str, &Option<Scalar>); 6] {
        [
            (Op::Eq, "eq", &self.eq),
            (Op::Ne, "ne", &self.ne),
            (Op::Lt, "lt", &self.lt),
            (Op::Le, "le", &self.le),
            (Op::Gt, "gt", &self.gt),
            (Op::Ge, "ge", &self.ge),
        ]
    }
}

/// One word or a list of them (`contains: 薬局`, `contains: [薬局, 調剤]`).
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub(crate) enum Words {
    One(Scalar),
    Many(Vec<Scalar>),
}

impl Words {
    fn texts(&self) -> Vec<String> {
        match self {
            Words::One(w) => vec![w.text()],
            Words::Many(ws) => ws.iter().map(Scalar::text).collect(),
        }
    }
}

/// Checks a fact path against the known facts and reports an unknown one.
pub(crate) type FactCheck<'a> = &'a dyn Fn(&str) -> bool;

impl Ctx<'_> {
    pub(crate) fn cond(&mut self, raw: &RawCond, at: &SourcePos, known: FactCheck) -> Condition {
        let c = self.cond_of(raw, at, known);
        match raw.says.as_deref().map(str::trim) {
            Some(says) if !says.is_empty() => Condition::Said {
                says: says.to_string(),
                of: Box::new(c),
            },
            _ => c,
        }
    }

    fn cond_of(&mut self, raw: &RawCond, at: &SourcePos, known: FactCheck) -> Condition {
        if let Some(of) = &raw.all {
            return Condition::All {
                of: of.iter().map(|c| self.cond(c, at, known)).collect(),
            };
        }
        if let Some(of) = &raw.any {
            return Condition::Any {
                of: of.iter().map(|c| self.cond(c, at, known)).collect(),
            };
        }
        if let Some(of) = &raw.not {
            return Condition::Not {
                of: Box::new(self.cond(of, at, known)),
            };
        }
        if let Some(list) = &raw.count {
            return self.count_cond(raw, list, at, known);
        }
        let Some(fact) = &raw.fact else {
            self.diags.push(
                Diagnostic::error(
                    at.clone(),
                    "condition has neither `all`, `any`, `not` nor `fact`",
                )
                .with_help("write e.g. `{ fact: line.type, ne: \"1\" }`"),
            );
            return Condition::Always;
        };
        // A condition inside `cases` has no span of its own (the text's
        // alternatives are read untagged): the enclosing key stands in.
        let fpos = pos(&self.file, &fact.referenced);
        let fpos = if fpos.line == 0 { at.clone() } else { fpos };
        let name = fact.value.clone();
        if !known(&name) {
            self.diags.push(
                Diagnostic::error(fpos.clone(), format!("unknown fact `{name}`"))
                    .with_help("use a field path from content/fields.yaml or a derived fact listed in docs/content-format.md"),
            );
        }
        for v in [&raw.eq, &raw.ne, &raw.lt, &raw.le, &raw.gt, &raw.ge]
            .into_iter()
            .flatten()
        {
            if let Some(other) = crate::model::rule::fact_ref(&v.text())
                && !known(other)
            {
                self.diags.push(
                    Diagnostic::error(fpos.clone(), format!("unknown fact `{other}` in the compared value"))
                        .with_help("`{{ fact }}` compares with another fact: use a field path or a derived fact"),
                );
            }
        }
        let ty = (self.types)(&name);
        if ty == Some(FactType::List)
            && let Some(op) = raw
                .comparisons()
                .into_iter()
                .find_map(|(_, key, v)| v.as_ref().map(|_| key))
        {
            self.diags.push(
                Diagnostic::error(
                    fpos.clone(),
                    format!("`{name}` is a list: `{op}` cannot compare it with one value"),
                )
                .with_help(format!(
                    "compare the number of its items with `{{ count: {name}, {op}: … }}`"
                )),
            );
        }
        let mut found: Vec<Condition> = Vec::new();
        let list = |v: &Vec<Scalar>| v.iter().map(Scalar::text).collect::<Vec<_>>();
        if let Some(words) = &raw.contains
            && let Some(c) = self.contains_cond(&name, words, ty, &fpos)
        {
            found.push(c);
        }
        if let Some(v) = &raw.in_ {
            found.push(Condition::In {
                fact: name.clone(),
                values: list(v),
            });
        }
        if let Some(v) = &raw.not_in {
            found.push(Condition::Not {
                of: Box::new(Condition::In {
                    fact: name.clone(),
                    values: list(v),
                }),
            });
        }
        for (op, _, v) in raw.comparisons() {
            if let Some(v) = v {
                found.push(Condition::Compare {
                    fact: name.clone(),
                    op,
                    value: v.text(),
                });
            }
        }
        if let Some(p) = raw.present {
            found.push(if p {
                Condition::Present { fact: name.clone() }
            } else {
                Condition::Absent { fact: name.clone() }
            });
        }
        if let Some(inv) = raw.invalid {
            let c = Condition::Invalid { fact: name.clone() };
            found.push(if inv {
                c
            } else {
                Condition::Not { of: Box::new(c) }
            });
        }
        match found.len() {
            1 => found.remove(0),
            0 => {
                self.diags.push(
                    Diagnostic::error(fpos, format!("condition on `{name}` has no test"))
                        .with_help(
                            "add one of: eq, ne, lt, le, gt, ge, in, not_in, contains, present, invalid",
                        ),
                );
                Condition::Always
            }
            _ => Condition::All { of: found },
        }
    }
}

impl Ctx<'_> {
    /// `{ count: LIST, ge: 3 }`: the number of items of a list field,
    /// compared with a number or with `{{ fact }}` (a number fact, or a
    /// list field by its count).
    fn count_cond(
        &mut self,
        raw: &RawCond,
        list: &Spanned<String>,
        at: &SourcePos,
        known: FactCheck,
    ) -> Condition {
        let cpos = pos(&self.file, &list.referenced);
        let cpos = if cpos.line == 0 { at.clone() } else { cpos };
        let name = list.value.clone();
        let fix = "count the items of a `list` field of fields.yaml: `{ count: terminals, ge: 3 }`";
        if raw.fact.is_some() {
            self.diags.push(
                Diagnostic::error(cpos.clone(), "a condition with both `fact:` and `count:`")
                    .with_help("write `count: LIST` to compare how many items a list has, or `fact: F` to test a value, in two conditions under `all:` if both are meant"),
            );
            return Condition::Always;
        }
        let others = [
            ("in", raw.in_.is_some()),
            ("not_in", raw.not_in.is_some()),
            ("present", raw.present.is_some()),
            ("invalid", raw.invalid.is_some()),
            ("contains", raw.contains.is_some()),
        ];
        if let Some((key, _)) = others.iter().find(|(_, set)| *set) {
            self.diags.push(
                Diagnostic::error(cpos.clone(), format!("`{key}` cannot test the count of `{name}`"))
                    .with_help("a count is compared with eq, ne, lt, le, gt or ge: `{ count: terminals, ge: 3 }`; to ask whether the list is given, write `{ fact: terminals, present: true }`"),
            );
            return Condition::Always;
        }
        if !known(&name) {
            self.diags.push(
                Diagnostic::error(cpos.clone(), format!("unknown fact `{name}` in `count:`"))
                    .with_help(fix),
            );
            return Condition::Always;
        }
        match (self.types)(&name) {
            Some(FactType::List) | None => {}
            Some(t) => {
                self.diags.push(
                    Diagnostic::error(
                        cpos.clone(),
                        format!(
                            "`count:` counts the items of a list, but `{name}` is a {}",
                            t.name()
                        ),
                    )
                    .with_help(format!(
                        "{fix}; to compare `{name}` itself, write `{{ fact: {name}, ge: … }}`"
                    )),
                );
                return Condition::Always;
            }
        }
        let mut found = Vec::new();
        for (op, _, v) in raw.comparisons() {
            let Some(v) = v else { continue };
            let value = v.text();
            let counted = match crate::model::rule::fact_ref(&value) {
                Some(other) if !known(other) => {
                    self.diags.push(
                        Diagnostic::error(cpos.clone(), format!("unknown fact `{other}` in the compared value"))
                            .with_help("compare a count with a number, a number fact or another list: `gt: \"{{ install.rooms }}\"` compares with the number of rooms"),
                    );
                    continue;
                }
                Some(other) => match (self.types)(other) {
                    Some(FactType::List) => true,
                    Some(FactType::Number) | None => false,
                    Some(t) => {
                        self.diags.push(
                            Diagnostic::error(
                                cpos.clone(),
                                format!("the count of `{name}` is compared with `{other}`, a {}", t.name()),
                            )
                            .with_help("compare a count with a number, a number fact or another list (by its count)"),
                        );
                        continue;
                    }
                },
                None if value.trim().parse::<f64>().is_ok() => false,
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            cpos.clone(),
                            format!("the count of `{name}` is compared with `{value}`, which is not a number"),
                        )
                        .with_help("write a number (`ge: 3`) or another fact in quotes (`gt: \"{{ install.rooms }}\"`)"),
                    );
                    continue;
                }
            };
            found.push(Condition::Count {
                list: name.clone(),
                op,
                value: value.trim().to_string(),
                counted,
            });
        }
        match found.len() {
            1 => found.remove(0),
            0 => {
                if raw.comparisons().iter().all(|(_, _, v)| v.is_none()) {
                    self.diags.push(
                        Diagnostic::error(
                            cpos,
                            format!("the count of `{name}` is compared with nothing"),
                        )
                        .with_help(
                            "add one of: eq, ne, lt, le, gt, ge (`{ count: terminals, ge: 3 }`)",
                        ),
                    );
                }
                Condition::Always
            }
            _ => Condition::All { of: found },
        }
    }

    /// `{ fact: F, contains: [薬局, 調剤] }`: F's text holds one of the words.
    fn contains_cond(
        &mut self,
        name: &str,
        words: &Words,
        ty: Option<FactType>,
        fpos: &SourcePos,
    ) -> Option<Condition> {
        if let Some(
            t @ (FactType::Number | FactType::Date | FactType::YearMonth | FactType::YesNo),
        ) = ty
        {
            self.diags.push(
                Diagnostic::error(
                    fpos.clone(),
                    format!("`contains:` looks for words in a text, but `{name}` is a {}", t.name()),
                )
                .with_help("use `contains:` on a text or list field (a name); compare numbers and dates with eq, lt, ge …"),
            );
            return None;
        }
        let values = words.texts();
        let blank = |v: &String| crate::validate::normalize::choice_key(v).is_empty();
        if values.is_empty() || values.iter().any(blank) {
            self.diags.push(
                Diagnostic::error(fpos.clone(), format!("`contains:` on `{name}` has an empty word"))
                    .with_help("list the words to look for: `contains: [薬局]` (an empty word would be in every text)"),
            );
            return None;
        }
        Some(Condition::Contains {
            fact: name.to_string(),
            values,
        })
    }
}

// ---------------------------------------------------------------- rules

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleFile {
    rules: Vec<RawRule>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    severity: Severity,
    #[serde(default)]
    for_each: Option<Spanned<String>>,
    when: RawCond,
    #[serde(default)]
    step: Option<Spanned<String>>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    expect: Option<Scalar>,
    title: String,
    message: Md,
    #[serde(default)]
    consequence: Option<Md>,
    applies_when: String,
}

// ---------------------------------------------------------------- fields

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldFile {
    #[serde(default)]
    forbidden: Vec<String>,
    #[serde(default)]
    undecided: Vec<String>,
    fields: Vec<RawField>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    path: Spanned<String>,
    label: String,
    kind: FieldKind,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    options: Vec<RawChoice>,
    #[serde(default)]
    formats: Vec<RawIdFormat>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    help: String,
    #[serde(default)]
    unit: Option<Spanned<String>>,
    #[serde(default)]
    unit_one: Option<Spanned<String>>,
    #[serde(default)]
    names_clinic: bool,
    #[serde(default)]
    as_written: bool,
    #[serde(default)]
    carrier: Option<Spanned<String>>,
    #[serde(default)]
    shared_remark: Option<String>,
    #[serde(default)]
    dashboard: Option<Spanned<String>>,
    /// The kind each item of a list is read as (`items: ip_address`).
    #[serde(default)]
    items: Option<Spanned<FieldKind>>,
    /// The items name items of another list (`within: { list, remark }`).
    #[serde(default)]
    within: Option<RawWithin>,
}

/// `within: { list: terminals, remark: "「{item}」は…" }`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWithin {
    list: Spanned<String>,
    remark: String,
    #[serde(default)]
    ambiguous: Option<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdFormat {
    prefix: String,
    digits: usize,
    #[serde(default)]
    carriers: Vec<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstants {
    constants: BTreeMap<String, f64>,
    /// Periods closed besides weekends and holidays (年末年始).
    #[serde(default)]
    closed_days: Vec<RawClosedPeriod>,
}

/// `{ name: 年末年始, from: "12-29", to: "01-03" }` in constants.yaml.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosedPeriod {
    name: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
}

/// `MM-DD` (a day that exists in a leap year), as a closed period writes
/// its first and last day.
fn month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.trim().split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    jiff::civil::Date::new(2024, m, d).ok().map(|_| (m, d))
}

/// The closed periods of constants.yaml, each day checked; a bad day or a
/// name given twice is an error at it.
fn convert_closed(
    raw: Vec<RawClosedPeriod>,
    file: &Arc<PathBuf>,
    diags: &mut Diagnostics,
) -> Vec<crate::model::facts::ClosedPeriod> {
    let mut out: Vec<crate::model::facts::ClosedPeriod> = Vec::new();
    for c in raw {
        if out.iter().any(|o| o.name == c.name.value) {
            diags.push(
                Diagnostic::error(
                    pos(file, &c.name.referenced),
                    format!("closed period `{}` is declared twice", c.name.value),
                )
                .with_help("give each period of `closed_days:` its own name"),
            );
            continue;
        }
        let mut day = |s: &Spanned<String>| {
            let d = month_day(&s.value);
            if d.is_none() {
                diags.push(
                    Diagnostic::error(
                        pos(file, &s.referenced),
                        format!("`{}` is not a day of the year", s.value),
                    )
                    .with_help("write the month and day as MM-DD, e.g. \"12-29\""),
                );
            }
            d
        };
        if let (Some(from), Some(to)) = (day(&c.from), day(&c.to)) {
            out.push(crate::model::facts::ClosedPeriod {
                name: c.name.value,
                from,
                to,
            });
        }
    }
    out
}

/// `content/search.yaml`: other words for the manuals' words.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearchFile {
    #[serde(default)]
    words: Vec<RawSearchWord>,
    #[serde(default)]
    examples: Vec<String>,
    /// Who the manuals are for, in the help site's home page
    /// (「医療機関・薬局・訪問看護ステーションなどの施設」).
    #[serde(default)]
    audience: Option<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearchWord {
    word: Spanned<String>,
    #[serde(default)]
    also: Vec<Spanned<String>>,
}

/// Checks the entries of `content/search.yaml`: every word and other word
/// non-empty, a word listed once, an other word that differs from its word
/// and belongs to one word only (else one question would find two unrelated
/// words' sections without a reason in the text).
fn convert_search_words(
    raw: RawSearchFile,
    file: &Arc<PathBuf>,
    diags: &mut Diagnostics,
) -> Vec<crate::model::manual::SearchWord> {
    // Compared without spaces and case; the search folds more (kana, width).
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut out = Vec::new();
    let mut words: BTreeMap<String, SourcePos> = BTreeMap::new();
    let mut others: BTreeMap<String, (SourcePos, String)> = BTreeMap::new();
    for w in raw.words {
        let at = pos(file, &w.word.referenced);
        let word = w.word.value.trim().to_string();
        if key(&word).is_empty() {
            diags.push(
                Diagnostic::error(at, "`word` is empty")
                    .with_help("write the word as the manuals spell it, e.g. `word: 秘密の番号`"),
            );
            continue;
        }
        if let Some(first) = words.get(&key(&word)) {
            diags.push(
                Diagnostic::error(
                    at,
                    format!("「{word}」 is listed twice (first at line {})", first.line),
                )
                .with_help("put every other word of it under the first entry's `also`"),
            );
            continue;
        }
        words.insert(key(&word), at.clone());
        if w.also.is_empty() {
            diags.push(
                Diagnostic::warning(at.clone(), format!("「{word}」 has no other words"))
                    .with_help("list what a reader may type instead under `also` (its reading in kana, another name), or remove the entry"),
            );
        }
        let mut also = Vec::new();
        for a in w.also {
            let a_at = pos(file, &a.referenced);
            let text = a.value.trim().to_string();
            let k = key(&text);
            if k.is_empty() {
                diags.push(
                    Diagnostic::error(a_at, "an other word is empty")
                        .with_help("write a reading or another name, e.g. `ひみつのばんごう`"),
                );
                continue;
            }
            if k == key(&word) {
                diags.push(
                    Diagnostic::warning(a_at, format!("「{text}」 is the word itself"))
                        .with_help("remove it: the search finds the word as written"),
                );
                continue;
            }
            if let Some((first, of)) = others.get(&k)
                && *of != word
            {
                diags.push(
                    Diagnostic::error(
                        a_at,
                        format!(
                            "「{text}」 is already an other word of 「{of}」 (line {})",
                            first.line
                        ),
                    )
                    .with_help(
                        "an other word may belong to one word only: keep it where it is meant",
                    ),
                );
                continue;
            }
            others.insert(k, (a_at, word.clone()));
            also.push(text);
        }
        out.push(crate::model::manual::SearchWord { word, also });
    }
    out
}

/// The frame name meaning "a plain window".
const NO_FRAME: &str = "none";

/// Loads everything under `dir` except clinic data.
///
/// Layout: `fields.yaml`, `constants.yaml`, `search.yaml`, `rules/**/*.yaml`,
/// `manuals/**/manual.yaml` (Markdown files may sit beside them).
pub fn load_content(dir: &Path) -> (Content, Diagnostics) {
    load_content_reusing(dir, &mut ParseCache::keeping_nothing())
}

/// The parsed YAML of the content files other than manuals (fields,
/// constants, frames, facts, rules), kept with the text each was parsed
/// from. [`load_content_reusing`] still reads every file and checks and
/// converts everything; it only skips parsing a file whose text is the one
/// kept. Manuals are always parsed (their texts are not kept). The fuzz
/// target `manual`, which loads the content once per input with a different
/// manual, uses it so that most of its time goes to the manual.
pub struct ParseCache {
    /// (file, the type it was parsed as) → (its text, the parsed value).
    files: BTreeMap<(PathBuf, &'static str), (String, KeptParse)>,
    /// False for a single load ([`load_content`]): nothing is cloned into a
    /// cache that is dropped right after.
    keep: bool,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache {
            files: BTreeMap::new(),
            keep: true,
        }
    }
}

/// A parsed file's value, of the type named in its [`ParseCache`] key.
type KeptParse = Box<dyn std::any::Any + Send>;

impl ParseCache {
    /// A cache for one load: parses are used once and not kept.
    fn keeping_nothing() -> Self {
        ParseCache {
            files: BTreeMap::new(),
            keep: false,
        }
    }

    /// `text` of `file` parsed as `T`, or a clone of the value kept for the
    /// same file and text. Failed parses are not kept.
    fn parse<T>(&mut self, text: String, file: &Arc<PathBuf>) -> Result<T, Diagnostic>
    where
        T: serde::de::DeserializeOwned + Clone + Send + 'static,
    {
        let key = (file.to_path_buf(), std::any::type_name::<T>());
        if let Some((kept, value)) = self.files.get(&key)
            && *kept == text
            && let Some(value) = value.downcast_ref::<T>()
        {
            return Ok(value.clone());
        }
        let value = yaml::from_str::<T>(&text, file)?;
        if self.keep {
            self.files.insert(key, (text, Box::new(value.clone())));
        }
        Ok(value)
    }
}

/// [`load_content`], taking the parsed fields, constants, frames, facts and
/// rules from `cache` where their files are unchanged (and keeping them
/// there). Same result and messages as [`load_content`].
pub fn load_content_reusing(dir: &Path, cache: &mut ParseCache) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    // Files that could not be read or parsed, of those other files refer to
    // (fields, constants, frames, manuals, facts, rules): the root causes.
    let mut roots = Diagnostics::default();
    let mut content = Content::default();

    // fields.yaml first: rules and rows refer to it.
    let fields_path = dir.join("fields.yaml");
    if let Some((text, file)) = read(&fields_path, &mut roots) {
        match cache.parse::<RawFieldFile>(text, &file) {
            Ok(raw) => content.fields = convert_fields(raw, &file, &mut diags),
            Err(d) => roots.push(d),
        }
    }
    let constants_path = dir.join("constants.yaml");
    if constants_path.exists()
        && let Some((text, file)) = read(&constants_path, &mut roots)
    {
        match cache.parse::<RawConstants>(text, &file) {
            Ok(raw) => {
                content.constants = raw.constants;
                content.closed_days = convert_closed(raw.closed_days, &file, &mut diags);
            }
            Err(d) => roots.push(d),
        }
    }

    // search.yaml: no other file refers to it.
    let mut search = Diagnostics::default();
    let search_at = diags.0.len();
    let search_path = dir.join("search.yaml");
    if search_path.exists()
        && let Some((text, file)) = read(&search_path, &mut search)
    {
        match cache.parse::<RawSearchFile>(text, &file) {
            Ok(raw) => {
                content.search_examples = raw
                    .examples
                    .iter()
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect();
                content.site_audience = raw
                    .audience
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(String::from);
                content.search_words = convert_search_words(raw, &file, &mut search);
            }
            Err(d) => search.push(d),
        }
    }

    let mut frames: BTreeMap<String, Frame> = BTreeMap::new();
    let frames_path = dir.join("frames.yaml");
    if frames_path.exists()
        && let Some((text, file)) = read(&frames_path, &mut roots)
    {
        match cache.parse::<RawFrameFile>(text, &file) {
            Ok(raw) => {
                let mut ctx = Ctx {
                    file: file.clone(),
                    diags: &mut diags,
                    types: &no_types,
                };
                ctx.frames(raw.frames, &mut frames);
            }
            Err(d) => roots.push(d),
        }
    }

    // Manuals are read before rules: they may declare derived facts.
    let mut manuals: Vec<(RawManual, Arc<PathBuf>)> = Vec::new();
    for path in yaml_files(&dir.join("manuals")) {
        if path.file_name().and_then(|n| n.to_str()) != Some("manual.yaml") {
            continue;
        }
        let Some((text, file)) = read(&path, &mut roots) else {
            continue;
        };
        match yaml::from_str::<RawManual>(&text, &file) {
            Ok(raw) => manuals.push((raw, file)),
            Err(d) => roots.push(d),
        }
    }
    let mut declared = Vec::new();
    let facts_path = dir.join("facts.yaml");
    if facts_path.exists()
        && let Some((text, file)) = read(&facts_path, &mut roots)
    {
        match cache.parse::<super::derived::RawFactsFile>(text, &file) {
            Ok(raw) => declared.extend(raw.facts.into_iter().map(|f| (f, file.clone()))),
            Err(d) => roots.push(d),
        }
    }
    for (raw, file) in &mut manuals {
        declared.extend(
            std::mem::take(&mut raw.facts)
                .into_iter()
                .map(|f| (f, file.clone())),
        );
    }
    content.derived = super::derived::convert(declared, &content, &mut diags);

    let field_paths: BTreeSet<String> = content
        .fields
        .fields
        .iter()
        .map(|f| f.path.clone())
        .chain(content.derived.iter().map(|d| d.name.clone()))
        .chain(BUILT_IN.iter().map(|(p, _, _)| p.to_string()))
        .collect();
    // `each.<list>`: inside a repetition, the item of another list.
    let lists: BTreeSet<&str> = field_paths
        .iter()
        .map(String::as_str)
        .filter(|p| content.paired_list(&format!("each.{p}")).is_some())
        .collect();
    let known = |f: &str| {
        field_paths.contains(f) || f.strip_prefix("each.").is_some_and(|l| lists.contains(l))
    };

    // Fields and derived facts are typed by now: `count:` and `contains:`
    // are checked against them.
    let types = |f: &str| content.fact_type(f);
    let mut rules = Vec::new();
    for path in yaml_files(&dir.join("rules")) {
        let Some((text, file)) = read(&path, &mut roots) else {
            continue;
        };
        match cache.parse::<RawRuleFile>(text, &file) {
            Ok(raw) => {
                let mut ctx = Ctx {
                    file: file.clone(),
                    diags: &mut diags,
                    types: &types,
                };
                for r in raw.rules {
                    rules.push(ctx.rule(r, &known));
                }
            }
            Err(d) => roots.push(d),
        }
    }
    content.rules.extend(rules);
    let types = |f: &str| content.fact_type(f);
    // Manuals may ask whether a rule fired: `finding.<rule id>`.
    let rule_ids: BTreeSet<String> = content.rules.iter().map(|r| r.id.clone()).collect();
    let known = |f: &str| {
        known(f)
            || f.strip_prefix("finding.")
                .is_some_and(|id| rule_ids.contains(id))
    };
    let mut loaded = Vec::new();
    for (raw, file) in manuals {
        let mut ctx = Ctx {
            file,
            diags: &mut diags,
            types: &types,
        };
        loaded.push(ctx.manual(raw, &known, &content, &frames));
    }
    content.manuals.extend(loaded);
    content
        .manuals
        .sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    resolve_rule_steps(&mut content, &mut diags);
    cross_check(&content, &mut diags);
    content.used_fields = Some(super::derived::check_uses(&content, &mut diags));
    super::derived::check_date_lines(&content, &mut diags);
    content.pairs = super::derived::list_pairs(&content);
    (
        content,
        root_causes_first(roots, (search_at, search), diags),
    )
}

/// The messages of a load. When a file other files refer to failed to load,
/// only why it failed is reported (with the messages of files nothing
/// refers to): every reference to a name it declares would be reported
/// as unknown, one typo burying itself under a page of follow-on errors.
/// The first root says that the references wait until it loads.
/// `search` is search.yaml's messages and where they go among `diags`.
fn root_causes_first(
    mut roots: Diagnostics,
    (search_at, search): (usize, Diagnostics),
    mut diags: Diagnostics,
) -> Diagnostics {
    if roots.0.is_empty() {
        let at = search_at.min(diags.0.len());
        diags.0.splice(at..at, search.0);
        return diags;
    }
    let which = if roots.0.len() > 1 {
        "these files load"
    } else {
        "this file loads"
    };
    if !diags.0.is_empty()
        && let Some(first) = roots.0.first_mut()
    {
        let note = format!(
            "the other checks (references between content files) run once {which}: {} message(s) held back",
            diags.0.len()
        );
        first.help = Some(match first.help.take() {
            Some(h) => format!("{h}; {note}"),
            None => note,
        });
    }
    roots.extend(search);
    roots
}

fn read(path: &Path, diags: &mut Diagnostics) -> Option<(String, Arc<PathBuf>)> {
    let file = Arc::new(path.to_path_buf());
    let text = super::limits::read_limited(path, super::limits::MAX_CONTENT_FILE)
        .and_then(|b| String::from_utf8(b).map_err(|_| "the file is not UTF-8 text".to_string()));
    match text {
        Ok(t) => Some((t, file)),
        Err(e) => {
            diags.push(
                Diagnostic::error(SourcePos::new(file, 0, 0), e)
                    .with_help("check that the file exists and is UTF-8 text"),
            );
            None
        }
    }
}

/// YAML files under `dir`, sorted, following no symlinks out of the tree.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")))
        .collect();
    v.sort();
    v
}

fn convert_fields(raw: RawFieldFile, file: &Arc<PathBuf>, diags: &mut Diagnostics) -> FieldCatalog {
    let mut seen = BTreeSet::new();
    let mut fields = Vec::new();
    let raw_carriers: Vec<(String, Spanned<String>)> = raw
        .fields
        .iter()
        .filter_map(|f| Some((f.path.value.clone(), f.carrier.clone()?)))
        .collect();
    let raw_within: Vec<(String, FieldKind, Spanned<String>)> = raw
        .fields
        .iter()
        .filter_map(|f| {
            Some((
                f.path.value.clone(),
                f.kind,
                f.within.as_ref()?.list.clone(),
            ))
        })
        .collect();
    let mut names: Vec<String> = Vec::new();
    let mut dashboard_first: Option<String> = None;
    for f in raw.fields {
        if f.names_clinic {
            if let Some(first) = names.first() {
                diags.push(
                    Diagnostic::error(
                        pos(file, &f.path.referenced),
                        format!(
                            "field `{}` also says `names_clinic: true`, like `{first}`",
                            f.path.value
                        ),
                    )
                    .with_help("one field names the clinic: keep `names_clinic: true` on one"),
                );
            }
            names.push(f.path.value.clone());
        }
        let p = pos(file, &f.path.referenced);
        if !seen.insert(f.path.value.clone()) {
            diags.push(Diagnostic::error(
                p.clone(),
                format!("field `{}` is defined twice", f.path.value),
            ));
        }
        if f.kind == FieldKind::Choice && f.options.is_empty() {
            diags.push(
                Diagnostic::error(
                    p.clone(),
                    format!("choice field `{}` has no options", f.path.value),
                )
                .with_help("add `options: [{ value: ..., label: ... }]`"),
            );
        }
        check_confirmed_labels(&f, file, diags);
        choice_names_unique(&f.path.value, &f.options, file, diags);
        if let Some(u) = &f.unit
            && (f.kind != FieldKind::Integer || u.value.trim().is_empty())
        {
            diags.push(
                Diagnostic::error(
                    pos(file, &u.referenced),
                    format!(
                        "`unit:` of field `{}` needs a field of kind integer and a word",
                        f.path.value
                    ),
                )
                .with_help("a unit is the word after a number (`unit: 口`); give it to an `integer` field, or to a derived fact"),
            );
        }
        if let Some(u) = &f.unit_one
            && (f.unit.is_none() || u.value.trim().is_empty())
        {
            diags.push(
                Diagnostic::error(
                    pos(file, &u.referenced),
                    format!(
                        "`unit_one:` of field `{}` needs a `unit:` beside it and a word",
                        f.path.value
                    ),
                )
                .with_help("`unit_one:` is the unit after the number 1 (`unit: \" ports\"`, `unit_one: \" port\"`)"),
            );
        }
        // A list of choices (one a terminal: a reader connected or not)
        // reads each item by the field's own options.
        let choice_items = f
            .items
            .as_ref()
            .is_some_and(|i| i.value == FieldKind::Choice);
        if choice_items && f.kind == FieldKind::List && f.options.is_empty() {
            diags.push(
                Diagnostic::error(
                    p.clone(),
                    format!("list field `{}` of choices has no options", f.path.value),
                )
                .with_help(
                    "add `options: [{ value: ..., label: ... }]`: each item of the list names one",
                ),
            );
        }
        let reads_options = matches!(f.kind, FieldKind::Choice | FieldKind::FeeSchedule)
            || (f.kind == FieldKind::List && choice_items);
        if !f.options.is_empty() && !reads_options {
            diags.push(
                Diagnostic::error(
                    p.clone(),
                    format!(
                        "field `{}` has `options:`, which only a choice field (or a list with `items: choice`) reads",
                        f.path.value
                    ),
                )
                .with_help("make it `kind: choice`, or a `kind: list` with `items: choice` (one option an item); else remove `options:`"),
            );
        }
        if let Some(i) = &f.items
            && (f.kind != FieldKind::List
                || !matches!(
                    i.value,
                    FieldKind::Text
                        | FieldKind::Phone
                        | FieldKind::Email
                        | FieldKind::IpAddress
                        | FieldKind::Integer
                        | FieldKind::Date
                        | FieldKind::YearMonth
                        | FieldKind::Choice
                ))
        {
            diags.push(
                Diagnostic::error(
                    pos(file, &i.referenced),
                    format!(
                        "`items:` of field `{}` needs a list field and a kind without options or codes",
                        f.path.value
                    ),
                )
                .with_help("give `items:` to a `list` field: one of text, phone, email, ip_address, integer, date, year_month, choice (with `options:`)"),
            );
        }
        if let Some(c) = &f.carrier
            && f.kind != FieldKind::CustomerId
        {
            diags.push(
                Diagnostic::error(
                    pos(file, &c.referenced),
                    format!("`carrier:` of field `{}` is only for a customer_id field", f.path.value),
                )
                .with_help("remove it: it names the choice field whose values a customer_id's `formats` list as `carriers`"),
            );
        }
        if let Some(d) = &f.dashboard {
            // A list of dates (each terminal's expiry): the dashboard counts
            // down to its earliest item.
            let dates = f.kind == FieldKind::Date
                || (f.kind == FieldKind::List
                    && f.items.as_ref().is_some_and(|i| i.value == FieldKind::Date));
            if !dates || d.value.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        pos(file, &d.referenced),
                        format!("`dashboard:` of field `{}` needs a date field (or a list with `items: date`) and a name", f.path.value),
                    )
                    .with_help("give one date field the dashboard's short name for it, e.g. `dashboard: 設置日`"),
                );
            } else if let Some(first) = &dashboard_first {
                diags.push(
                    Diagnostic::error(
                        pos(file, &d.referenced),
                        format!(
                            "field `{}` is the dashboard's date, but `{first}` already is",
                            f.path.value
                        ),
                    )
                    .with_help(
                        "the dashboard counts down to one date: keep `dashboard:` on one field",
                    ),
                );
            } else {
                dashboard_first = Some(f.path.value.clone());
            }
        }
        if f.names_clinic && f.kind != FieldKind::Text {
            diags.push(
                Diagnostic::error(
                    p.clone(),
                    format!(
                        "`names_clinic:` field `{}` must be of kind text",
                        f.path.value
                    ),
                )
                .with_help("the clinic's name is a free text field"),
            );
        }
        let checked: Vec<String> = f
            .options
            .iter()
            .filter(|c| c.checked.as_ref().is_some_and(|x| x.value))
            .map(|c| c.value.value.text())
            .collect();
        let unchecked: Vec<String> = f
            .options
            .iter()
            .filter(|c| c.checked.as_ref().is_some_and(|x| !x.value))
            .map(|c| c.value.value.text())
            .collect();
        fields.push(FieldDef {
            checked,
            unchecked,
            items: f.items.as_ref().map(|i| i.value),
            path: f.path.value,
            label: f.label,
            kind: f.kind,
            required: f.required,
            options: f.options.iter().map(RawChoice::field_choice).collect(),
            formats: f
                .formats
                .into_iter()
                .map(|x| IdFormat {
                    prefix: x.prefix,
                    digits: x.digits,
                    carriers: x.carriers,
                })
                .collect(),
            headers: f.headers,
            help: f.help,
            unit: f.unit.map(|u| u.value.trim_end().to_string()),
            unit_one: f.unit_one.map(|u| u.value.trim_end().to_string()),
            names_clinic: f.names_clinic,
            as_written: f.as_written,
            carrier: f.carrier.map(|c| c.value),
            shared_remark: f.shared_remark,
            within: f.within.map(|w| Within {
                list: w.list.value,
                remark: w.remark,
                ambiguous: w.ambiguous,
            }),
            dashboard: f.dashboard.map(|d| d.value.trim().to_string()),
            pos: p,
        });
    }
    carrier_fields(&raw_carriers, &fields, file, diags);
    within_fields(&raw_within, &fields, file, diags);
    FieldCatalog {
        fields,
        forbidden: raw.forbidden,
        undecided: raw
            .undecided
            .iter()
            .map(|w| crate::validate::normalize::choice_key(w))
            .collect(),
    }
}

/// A `customer_id` field's `carrier:` names a choice field of the schema.
fn carrier_fields(
    carriers: &[(String, Spanned<String>)],
    fields: &[FieldDef],
    file: &Arc<PathBuf>,
    diags: &mut Diagnostics,
) {
    for (of, c) in carriers {
        if !fields
            .iter()
            .any(|d| d.path == c.value && d.kind == FieldKind::Choice)
        {
            diags.push(
                Diagnostic::error(
                    pos(file, &c.referenced),
                    format!(
                        "`carrier: {}` of field `{of}` is not a choice field",
                        c.value
                    ),
                )
                .with_help(
                    "name the choice field whose option values the formats' `carriers` list",
                ),
            );
        }
    }
}

/// A `within:` is on a list field and names another list field.
fn within_fields(
    within: &[(String, FieldKind, Spanned<String>)],
    fields: &[FieldDef],
    file: &Arc<PathBuf>,
    diags: &mut Diagnostics,
) {
    for (of, kind, list) in within {
        let other = fields
            .iter()
            .any(|d| d.path == list.value && d.kind == FieldKind::List && d.path != *of);
        if *kind != FieldKind::List || !other {
            diags.push(
                Diagnostic::error(
                    pos(file, &list.referenced),
                    format!(
                        "`within: {}` of field `{of}` needs two list fields: `{of}` and another one it names",
                        list.value
                    ),
                )
                .with_help("give `within:` to a field of kind `list` and name another `list` field (`within: { list: terminals, remark: … }`)"),
            );
        }
    }
}

/// A field option's `confirmed`, `shown` and `name` agree: an unconfirmed
/// label has a `shown` wording (a handout never claims it), `shown` is only
/// for an unconfirmed one, and every option of a `fee_schedule` field says
/// whether its label is confirmed, has a `name` and a one-digit number (the
/// 10-digit code holds one digit for it).
fn check_confirmed_labels(f: &RawField, file: &Arc<PathBuf>, diags: &mut Diagnostics) {
    let field = &f.path.value;
    let at_field = pos(file, &f.path.referenced);
    if f.kind == FieldKind::FeeSchedule && f.options.is_empty() {
        diags.push(
            Diagnostic::error(
                at_field.clone(),
                format!("fee_schedule field `{field}` has no options"),
            )
            .with_help("list the 点数表: `options: [{ value: 3, name: 歯科, label: \"3:医療機関（歯科）\", confirmed: true }, ...]`"),
        );
    }
    for o in &f.options {
        let value = o.value.value.text();
        match (&o.confirmed, &o.shown) {
            (Some(c), None) if !c.value => diags.push(
                Diagnostic::error(
                    pos(file, &c.referenced),
                    format!("option `{value}` of field `{field}` has an unconfirmed label and no `shown`"),
                )
                .with_help("add `shown:`, the true words a handout shows instead of the unconfirmed label (e.g. the number and the kind: 1（医科）)"),
            ),
            (_, Some(s)) if o.label_confirmed() => diags.push(
                Diagnostic::error(
                    pos(file, &s.referenced),
                    format!("option `{value}` of field `{field}` has `shown` but its label is not marked `confirmed: false`"),
                )
                .with_help("`shown` replaces an unconfirmed label only; remove it, or say `confirmed: false`"),
            ),
            (_, Some(s)) if s.value.trim().is_empty() => diags.push(
                Diagnostic::error(
                    pos(file, &s.referenced),
                    format!("`shown` of option `{value}` of field `{field}` is empty"),
                )
                .with_help("write what a handout shows instead of the unconfirmed label"),
            ),
            _ => {}
        }
        if f.kind != FieldKind::FeeSchedule {
            if let Some(n) = &o.name {
                diags.push(
                    Diagnostic::error(
                        pos(file, &n.referenced),
                        format!("`name` of option `{value}` of field `{field}`: only a fee_schedule field's options have one"),
                    )
                    .with_help("remove it; a choice is named by its label"),
                );
            }
            continue;
        }
        let at = pos(file, &o.value.referenced);
        let one_digit = value.len() == 1 && value.bytes().all(|b| b.is_ascii_digit());
        if !one_digit {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("option `{value}` of fee_schedule field `{field}` is not a 点数表番号 (one digit)"),
                )
                .with_help("the 10-digit 医療機関コード holds the 点数表番号 in one digit: write 1–9"),
            );
        }
        if o.confirmed.is_none() {
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("option `{value}` of fee_schedule field `{field}` does not say whether its label is the portal's (`confirmed: true` or `false`)"),
                )
                .with_help("add `confirmed: true` when the portal's label is known to be exactly this, else `confirmed: false` and `shown:`"),
            );
        }
        if o.name.as_ref().is_none_or(|n| n.value.trim().is_empty()) {
            diags.push(
                Diagnostic::error(
                    at,
                    format!("option `{value}` of fee_schedule field `{field}` has no `name`"),
                )
                .with_help("add the kind in words, e.g. `name: 歯科`"),
            );
        }
    }
}

/// Each name of a choice field's options (value, label, alias; compared
/// folded, as clinic values are matched) must name one option only, or a
/// clinic's value could be read as either.
fn choice_names_unique(
    field: &str,
    options: &[RawChoice],
    file: &Arc<PathBuf>,
    diags: &mut Diagnostics,
) {
    use crate::validate::normalize::{choice_key, choice_keys};
    // Folded name → the option it names, and the alias (as written, with
    // its line) when an alias gave it.
    let mut owner: BTreeMap<String, (String, Option<(String, usize)>)> = BTreeMap::new();
    for o in options {
        let value = o.value.value.text();
        // Both the label and what is shown instead of an unconfirmed one
        // name the option.
        let shown = o.shown.iter().map(|s| s.value.clone());
        for label in std::iter::once(o.label.clone()).chain(shown) {
            let choice = Choice {
                value: value.clone(),
                label,
                aliases: Vec::new(),
                name: None,
            };
            for key in choice_keys(&choice) {
                owner.entry(key).or_insert_with(|| (value.clone(), None));
            }
        }
    }
    for o in options {
        let value = o.value.value.text();
        for a in &o.aliases {
            let key = choice_key(&a.value);
            let at = pos(file, &a.referenced);
            if key.is_empty() {
                diags.push(
                    Diagnostic::error(
                        at,
                        format!("an alias of `{value}` in field `{field}` is empty"),
                    )
                    .with_help("remove it, or write the name clinic data uses"),
                );
                continue;
            }
            match owner.get(&key) {
                Some((other, by)) if *other != value => {
                    let how = match by {
                        Some((name, line)) => format!(" (its alias `{name}` at line {line})"),
                        None => " (its value or label)".to_string(),
                    };
                    diags.push(
                        Diagnostic::error(
                            at,
                            format!("alias `{}` of `{value}` in field `{field}` also names the option `{other}`{how}", a.value),
                        )
                        .with_help("a name may belong to one option only (names are compared ignoring width, case, spaces and hiragana/katakana); remove it from one of them"),
                    );
                }
                Some(_) => {}
                None => {
                    let line = a.referenced.line() as usize;
                    owner.insert(key, (value.clone(), Some((a.value.clone(), line))));
                }
            }
        }
    }
}

impl Ctx<'_> {
    fn rule(&mut self, r: RawRule, known: FactCheck) -> Rule {
        let at = pos(&self.file, &r.id.referenced);
        let when = self.cond(&r.when, &at, known);
        if let Some(list) = &r.for_each {
            let here = pos(&self.file, &list.referenced);
            if (self.types)(&list.value) != Some(FactType::List) {
                self.diags.push(
                    Diagnostic::error(
                        here.clone(),
                        format!("`for_each: {}` of rule `{}` does not name a list", list.value, r.id.value),
                    )
                    .with_help("name a list field or a derived list (e.g. `for_each: terminals`): the rule is read once for each of its items"),
                );
            }
            if r.expect.is_some() {
                self.diags.push(
                    Diagnostic::error(
                        here,
                        format!("rule `{}` is read per item (`for_each:`) and has `expect:`", r.id.value),
                    )
                    .with_help("a value to enter instead replaces a field of the whole clinic; say the value of each item in the message, or write the rule without `for_each:`"),
                );
            }
        }
        Rule {
            id: r.id.value,
            severity: r.severity,
            for_each: r.for_each.map(|l| l.value),
            when,
            step: r.step.map(|s| s.value),
            field: r.field,
            expect: r.expect.map(|e| e.text()),
            title: r.title,
            message: self.cased_md(&Some(r.message), &at, known),
            consequence: self.cased_md(&r.consequence, &at, known),
            applies_when: r.applies_when,
            pos: at,
        }
    }

    /// Converts frame declarations into `into`; a repeated id is an error.
    fn frames(&mut self, raw: Vec<RawFrame>, into: &mut BTreeMap<String, Frame>) {
        let mut seen = BTreeSet::new();
        for f in raw {
            let at = pos(&self.file, &f.id.referenced);
            if !seen.insert(f.id.value.clone()) || f.id.value == NO_FRAME {
                self.diags.push(
                    Diagnostic::error(
                        at,
                        format!("frame id `{}` is declared twice or reserved", f.id.value),
                    )
                    .with_help("give each frame its own id; `none` means a plain window"),
                );
                continue;
            }
            if f.header.len() > 2 {
                self.diags.push(
                    Diagnostic::error(
                        at.clone(),
                        format!("frame `{}` has {} header lines", f.id.value, f.header.len()),
                    )
                    .with_help(
                        "a frame's header has one or two lines (a small line, then the large name)",
                    ),
                );
            }
            let frame = Frame {
                title_bar: f.title_bar,
                header: f.header,
                color: self.colour(&f.color, 0x1d4e89),
                text_color: self.colour(&f.text_color, 0xffffff),
                title_bar_color: self.colour(&f.title_bar_color, 0x3c4043),
                words: f.words,
                name: f.name.filter(|n| !n.trim().is_empty()),
                id: f.id.value,
            };
            into.insert(frame.id.clone(), frame);
        }
    }

    /// A `#rrggbb` colour, or `default` when absent (an error when malformed).
    fn colour(&mut self, raw: &Option<Spanned<String>>, default: u32) -> u32 {
        let Some(c) = raw else { return default };
        let hex = c.value.strip_prefix('#').unwrap_or("");
        match u32::from_str_radix(hex, 16) {
            Ok(v) if hex.len() == 6 => v,
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        pos(&self.file, &c.referenced),
                        format!("`{}` is not a colour", c.value),
                    )
                    .with_help("write colours as #rrggbb, e.g. \"#1d4e89\""),
                );
                default
            }
        }
    }

    /// The frame `name` (`none`: a plain window) among `frames`.
    fn frame_named(
        &mut self,
        name: &Spanned<String>,
        frames: &BTreeMap<String, Frame>,
    ) -> Option<Frame> {
        if name.value == NO_FRAME {
            return None;
        }
        let found = frames.get(&name.value).cloned();
        if found.is_none() {
            let known: Vec<&str> = frames.keys().map(String::as_str).collect();
            self.diags.push(
                Diagnostic::error(pos(&self.file, &name.referenced), format!("unknown frame `{}`", name.value))
                    .with_help(format!(
                        "declare it under `frames:` in this manual or in content/frames.yaml (known: {}), or write `none` for a plain window",
                        if known.is_empty() { "none declared".to_string() } else { known.join(", ") }
                    )),
            );
        }
        found
    }

    fn manual(
        &mut self,
        m: RawManual,
        known: FactCheck,
        content: &Content,
        shared_frames: &BTreeMap<String, Frame>,
    ) -> Manual {
        let at = pos(&self.file, &m.id.referenced);
        let mut frames = shared_frames.clone();
        self.frames(m.frames, &mut frames);
        let default_frame = m.frame.as_ref().and_then(|f| self.frame_named(f, &frames));
        let mut ids = BTreeSet::new();
        let checklist = m
            .checklist
            .into_iter()
            .map(|c| {
                let p = pos(&self.file, &c.id.referenced);
                ChecklistItem {
                    when: c.when.as_ref().map(|w| self.cond(w, &p, known)),
                    text: self.cased_md(&Some(c.text), &p, known),
                    id: c.id.value,
                    pos: p,
                }
            })
            .collect();
        let contacts = m
            .contacts
            .into_iter()
            .map(|c| Contact {
                note: self.md(&c.note, &at),
                name: c.name,
                phone: c.phone,
                hours: c.hours,
            })
            .collect();
        let dates = m
            .dates
            .into_iter()
            .map(|d| {
                let p = pos(&self.file, &d.fact.referenced);
                if !known(&d.fact.value) {
                    self.diags.push(
                        Diagnostic::error(
                            p.clone(),
                            format!("unknown date fact `{}`", d.fact.value),
                        )
                        .with_help(
                            "use a date field of content/fields.yaml or a derived date fact",
                        ),
                    );
                }
                for (what, dl) in [("deadline", &d.deadline), ("not_before", &d.not_before)] {
                    let Some(dl) = dl.as_ref().filter(|dl| !known(&dl.value)) else {
                        continue;
                    };
                    self.diags.push(
                        Diagnostic::error(
                            pos(&self.file, &dl.referenced),
                            format!("unknown {what} fact `{}`", dl.value),
                        )
                        .with_help(
                            "use a date field of content/fields.yaml or a derived date fact",
                        ),
                    );
                }
                DateItem {
                    deadline: d.deadline.map(|x| x.value),
                    not_before: d.not_before.map(|x| x.value),
                    when: d.when.as_ref().map(|w| self.cond(w, &p, known)),
                    label: d.label,
                    fact: d.fact.value,
                    for_each: d.for_each.map(|l| l.value),
                    basis: d.basis,
                    severity: d.severity,
                    pos: p,
                }
            })
            .collect();
        let mut parts = Vec::new();
        for p in m.parts {
            let ppos = pos(&self.file, &p.id.referenced);
            let mut steps = Vec::new();
            for s in p.steps {
                let spos = pos(&self.file, &s.id.referenced);
                if !ids.insert(s.id.value.clone()) {
                    self.diags.push(
                        Diagnostic::error(
                            spos.clone(),
                            format!("step id `{}` is used twice in this manual", s.id.value),
                        )
                        .with_help("step ids must be unique within a manual"),
                    );
                }
                let mut screen_of = |sc: RawScreen| {
                    let frame = match &sc.frame {
                        Some(f) => self.frame_named(f, &frames),
                        None => default_frame.clone(),
                    };
                    self.screen(sc, frame, content, known)
                };
                let screen = s.screen.map(&mut screen_of);
                let figure = s.figure.map(&mut screen_of);
                let notes = s
                    .notes
                    .into_iter()
                    .map(|n| {
                        let npos = pos(&self.file, &n.kind.referenced);
                        Note {
                            kind: n.kind.value,
                            title: n.title,
                            when: n.when.as_ref().map(|w| self.cond(w, &npos, known)),
                            body: self.cased_md(&Some(n.body), &npos, known),
                            pos: npos,
                        }
                    })
                    .collect();
                let screenshot = s
                    .screenshot
                    .and_then(|raw| super::screenshot::load(raw, &self.file, self.diags));
                steps.push(Step {
                    number: s.number.unwrap_or_else(|| s.id.value.clone()),
                    when: s.when.as_ref().map(|w| self.cond(w, &spos, known)),
                    for_each: s.for_each.map(|f| self.for_each(f, content).0),
                    id: s.id.value,
                    title: s.title,
                    body: self.cased_md(&s.body, &spos, known),
                    screen,
                    screenshot,
                    figure,
                    notes,
                    pos: spos,
                });
            }
            parts.push(Part {
                when: p.when.as_ref().map(|w| self.cond(w, &ppos, known)),
                for_each: p.for_each.map(|f| {
                    let (fe, in_full) = self.for_each(f, content);
                    self.check_in_full(in_full, &steps, &ppos);
                    fe
                }),
                id: p.id.value,
                number: p.number,
                title: p.title,
                intro: self.cased_md(&p.intro, &ppos, known),
                steps,
                outro: self.md(&p.outro, &ppos),
                pos: ppos,
            });
        }
        let title = self.cased_line(m.title, "title", &at, known);
        Manual {
            id: m.id.value,
            guide_title: match m.guide_title {
                Some(g) => self.cased_line(g, "guide_title", &at, known),
                None => title.clone(),
            },
            title,
            version: m.version.unwrap_or_else(|| "1".into()),
            summary: self.spanned_cased_md(m.summary, &at, known),
            order: m.order.unwrap_or(100),
            when: m.when.as_ref().map(|w| self.cond(w, &at, known)),
            checklist,
            parts,
            closing: self.spanned_cased_md(m.closing, &at, known),
            contacts,
            dates,
            pos: at,
        }
    }

    /// The repetition, and the steps `repeat_in_full` names with their positions.
    fn for_each(
        &mut self,
        f: RawForEach,
        content: &Content,
    ) -> (ForEach, Vec<(String, SourcePos)>) {
        let fields = &content.fields;
        let (list, label, in_full) = match f {
            RawForEach::List(l) => (l, None, None),
            RawForEach::Full {
                list,
                label,
                repeat_in_full,
            } => (list, label, repeat_in_full),
        };
        let named = in_full
            .as_ref()
            .map(|v| {
                v.iter()
                    // Items of a flow list may carry no position: then the part's.
                    .map(|s| (s.value.clone(), pos(&self.file, &s.referenced)))
                    .collect()
            })
            .unwrap_or_default();
        // A list field, or a derived list (`without:` the items already done).
        let is_list = match fields.get(&list.value) {
            Some(def) => def.kind == FieldKind::List,
            None => content.derived(&list.value).map(|d| d.kind) == Some(FactType::List),
        };
        if !is_list {
            self.diags.push(
                Diagnostic::error(
                    pos(&self.file, &list.referenced),
                    format!("`for_each: {}` does not name a list field", list.value),
                )
                .with_help("use a field of kind `list` from content/fields.yaml (e.g. `terminals`) or a derived list fact (`without:`)"),
            );
        }
        let fe = ForEach {
            list: list.value,
            label,
            repeat_in_full: in_full.map(|v| v.into_iter().map(|s| s.value).collect()),
        };
        (fe, named)
    }

    /// Every id in `repeat_in_full` names a step of the part.
    fn check_in_full(&mut self, named: Vec<(String, SourcePos)>, steps: &[Step], part: &SourcePos) {
        for (id, at) in named {
            let at = if at.line == 0 { part.clone() } else { at };
            if !steps.iter().any(|s| s.id == id) {
                let known: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
                self.diags.push(
                    Diagnostic::error(
                        at,
                        format!("`repeat_in_full` names {id:?}, which is not a step of this part"),
                    )
                    .with_help(format!("use ids of the part's steps: {}", known.join(", "))),
                );
            }
        }
    }

    fn screen(
        &mut self,
        sc: RawScreen,
        frame: Option<Frame>,
        content: &Content,
        known: FactCheck,
    ) -> Screen {
        let spos = pos(&self.file, &sc.kind.referenced);
        let mut rows: Vec<Row> = Vec::new();
        for r in sc.rows {
            let row = self.row(r, content, known);
            // `joined:` draws the row in the cell of the one before it, in a
            // form's table: there must be one, and a form.
            if row.joined && (rows.is_empty() || sc.kind.value != ScreenKind::Form) {
                self.diags.push(
                    Diagnostic::error(
                        row.pos.clone(),
                        format!(
                            "row `{}` has `joined: true` but is {}",
                            row.id,
                            if rows.is_empty() {
                                "the screen's first row"
                            } else {
                                "not on a form"
                            }
                        ),
                    )
                    .with_help(
                        "`joined: true` draws a form's row in the cell of the row before it; remove it here",
                    ),
                );
            }
            rows.push(row);
        }
        Screen {
            kind: sc.kind.value,
            frame,
            title: sc.title,
            url: sc.url,
            lead: self.md(&sc.lead, &spos),
            foot: self.md(&sc.foot, &spos),
            alt: sc.alt,
            align: sc.align,
            rows,
            buttons: sc.buttons.into_iter().map(|b| self.button(b)).collect(),
            links: self.links(sc.links),
            pos: spos,
        }
    }

    /// A button or link of a screen: its caption must say something (an
    /// empty one would draw a blank box, or nothing at all for a link).
    fn button(&mut self, b: RawButton) -> Button {
        if b.label.value.trim().is_empty() {
            let what = if b.link { "a link" } else { "a button" };
            self.diags.push(
                Diagnostic::error(
                    pos(&self.file, &b.label.referenced),
                    format!("{what} with no text: `label` is empty"),
                )
                .with_help(if b.link {
                    "write the link's words as the screen shows them (`label: パスワードを忘れた方はこちら`)"
                } else {
                    "write the button's caption as the screen shows it (`label: 次へ`)"
                }),
            );
        }
        Button {
            label: b.label.value,
            primary: b.primary,
            link: b.link,
            top: b.top,
        }
    }

    /// A screen's or a row's `links:`: each must say something (an empty
    /// one would draw nothing for the reader to find).
    fn links(&mut self, raw: Vec<Spanned<String>>) -> Vec<String> {
        raw.into_iter()
            .map(|l| {
                if l.value.trim().is_empty() {
                    self.diags.push(
                        Diagnostic::error(
                            pos(&self.file, &l.referenced),
                            "a link with no text: an entry of `links` is empty",
                        )
                        .with_help(
                            "write the link's words as the screen shows them (`links: [登録内容を確認する]`)",
                        ),
                    );
                }
                l.value
            })
            .collect()
    }

    fn callout(&mut self, c: RawCallout, at: &SourcePos, known: FactCheck) -> Cased<Callout> {
        let marker = c.marker;
        let cases: Vec<Case<Callout>> = c
            .cases
            .into_iter()
            .map(|k| Case {
                when: self.cond(&k.when, at, known),
                value: Callout {
                    marker,
                    text: k.text,
                    detail: self.md(&k.detail, at),
                },
            })
            .collect();
        let otherwise = match (c.text, c.otherwise) {
            (Some(_), Some(_)) => {
                self.diags.push(
                    Diagnostic::error(at.clone(), "callout has both `text` and `otherwise`")
                        .with_help("`text` is the callout for every clinic; with `cases`, write the remaining one under `otherwise`"),
                );
                None
            }
            (Some(text), None) => Some(Callout {
                marker,
                text,
                detail: self.md(&c.detail, at),
            }),
            (None, Some(o)) => Some(Callout {
                marker,
                text: o.text,
                detail: self.md(&o.detail, at),
            }),
            (None, None) => None,
        };
        if cases.is_empty() && otherwise.is_none() {
            self.diags.push(
                Diagnostic::error(at.clone(), "callout has no `text` and no `cases`").with_help(
                    "write `text:` or `cases: [{ when: …, text: … }]` with `otherwise:`",
                ),
            );
        }
        Cased { cases, otherwise }
    }

    fn row(&mut self, r: RawRow, content: &Content, known: FactCheck) -> Row {
        let fields = &content.fields;
        let rpos = pos(&self.file, &r.id.referenced);
        let cpos = pos(&self.file, &r.control.referenced);
        let field_def = r.field.as_ref().and_then(|f| fields.get(&f.value));
        if let Some(f) = &r.field
            && field_def.is_none()
            && !known(&f.value)
        {
            self.diags.push(
                Diagnostic::error(
                    pos(&self.file, &f.referenced),
                    format!("unknown clinic field `{}`", f.value),
                )
                .with_help(
                    "define it in content/fields.yaml, use a derived fact, or fix the spelling",
                ),
            );
        }
        for c in r.options.iter().flatten() {
            if let Some(a) = c.aliases.first() {
                self.diags.push(
                    Diagnostic::error(
                        pos(&self.file, &a.referenced),
                        "`aliases` belongs to a field's options in content/fields.yaml",
                    )
                    .with_help("a row's options are what the portal shows; the other names clinic data uses go on the field's options, and the row takes them with `field:`"),
                );
            }
            if let Some(ch) = &c.checked {
                self.diags.push(
                    Diagnostic::error(
                        pos(&self.file, &ch.referenced),
                        "`checked` belongs to a field's options in content/fields.yaml",
                    )
                    .with_help("say which values tick the checkbox on the field's options, and bind the row with `field:`"),
                );
            }
            let marked = c
                .confirmed
                .as_ref()
                .map(|x| &x.referenced)
                .or(c.shown.as_ref().map(|x| &x.referenced))
                .or(c.name.as_ref().map(|x| &x.referenced));
            if let Some(at) = marked {
                self.diags.push(
                    Diagnostic::error(
                        pos(&self.file, at),
                        "`confirmed`, `shown` and `name` belong to a field's options in content/fields.yaml",
                    )
                    .with_help("mark an unconfirmed portal label on the field's options, and bind the row with `field:`"),
                );
            }
        }
        let options = match (&r.options, field_def) {
            (Some(o), _) => o
                .iter()
                .map(|c| Choice {
                    value: c.value.value.text(),
                    label: c.label.clone(),
                    aliases: Vec::new(),
                    name: None,
                })
                .collect(),
            (None, Some(def)) => def.options.clone(),
            (None, None) => Vec::new(),
        };
        let list_field = r
            .field
            .as_ref()
            .filter(|f| content.fact_type(&f.value) == Some(FactType::List));
        let control = match r.control.value.as_str() {
            "text" => Control::Text,
            "checkbox" => {
                if let Some(f) = &r.field {
                    let ticks = field_def.is_some_and(|d| !d.checked.is_empty())
                        || content.fact_type(&f.value) == Some(FactType::YesNo);
                    if !ticks && content.fact_type(&f.value).is_some() {
                        self.diags.push(
                            Diagnostic::error(
                                pos(&self.file, &f.referenced),
                                format!("checkbox row `{}` is bound to `{}`, which no value ticks", r.id.value, f.value),
                            )
                            .with_help("bind it to a choice field whose ticking options say `checked: true` in content/fields.yaml, or to a yes/no derived fact (`test:`); `fixed: checked` ticks it for every clinic"),
                        );
                    }
                }
                Control::Checkbox {
                    label: r.text.clone().unwrap_or_default(),
                }
            }
            "radio" | "select" if list_field.is_some() => {
                let f = list_field.map(|f| f.value.as_str()).unwrap_or_default();
                self.diags.push(
                    Diagnostic::error(
                        cpos.clone(),
                        format!("{} row `{}` is bound to the list field `{f}`: a {} picks one value, a list has several", r.control.value, r.id.value, r.control.value),
                    )
                    .with_help(format!("use `control: text` (shows the items joined with 、), or repeat the step with `for_each: {f}` and bind the row to `each.item`")),
                );
                Control::Text
            }
            "radio" | "select" => {
                if options.is_empty() {
                    self.diags.push(
                        Diagnostic::error(
                            cpos.clone(),
                            format!("{} row `{}` has no options", r.control.value, r.id.value),
                        )
                        .with_help(
                            "add `options:` or bind the row to a choice field with `field:`",
                        ),
                    );
                }
                if r.control.value == "radio" {
                    Control::Radio { options }
                } else {
                    Control::Select { options }
                }
            }
            "year_month" => Control::YearMonth,
            "secret" => Control::Secret {
                digits: r.digits,
                confirm: r.confirm,
            },
            "display" => Control::Display,
            "link" => Control::Link,
            "button" => Control::Button {
                label: r.text.clone().unwrap_or_else(|| r.label.clone()),
            },
            other => {
                self.diags.push(
                    Diagnostic::error(cpos, format!("unknown control `{other}`"))
                        .with_help("use one of: text, checkbox, radio, select, year_month, secret, display, link, button"),
                );
                Control::Text
            }
        };
        let value = match (&r.field, &r.fixed) {
            (Some(f), _) => ValueSource::Field {
                path: f.value.clone(),
            },
            (None, Some(t)) => ValueSource::Fixed { text: t.clone() },
            (None, None) => ValueSource::None,
        };
        if matches!(control, Control::Secret { .. }) && matches!(value, ValueSource::Field { .. }) {
            self.diags.push(
                Diagnostic::error(rpos.clone(), "a secret row cannot be bound to clinic data")
                    .with_help(
                        "remove `field:`: secrets are chosen by the clinic and never printed",
                    ),
            );
        }
        if let Some(b) = &r.boxes
            && (b.value == 0 || !matches!(control, Control::Text))
        {
            self.diags.push(
                Diagnostic::error(
                    pos(&self.file, &b.referenced),
                    format!(
                        "`boxes: {}` on row `{}`: boxes are for a text row, one or more",
                        b.value, r.id.value
                    ),
                )
                .with_help("use `control: text` with `boxes:` the number of characters the form has boxes for (a 10-digit number: `boxes: 10`)"),
            );
        }
        if r.seal.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.diags.push(
                Diagnostic::error(
                    rpos.clone(),
                    format!("`seal:` of row `{}` is empty", r.id.value),
                )
                .with_help("write the word printed in the seal box (`seal: 印`, `seal: 代表者印`)"),
            );
        }
        if r.not_applicable.is_some() && r.applies.is_none() {
            self.diags.push(
                Diagnostic::error(rpos.clone(), "`not_applicable` without `applies`").with_help(
                    "add `applies:` (the condition under which the row concerns the clinic)",
                ),
            );
        }
        match (&r.value_when, &r.unsettled, &value) {
            (Some(_), None, _) => self.diags.push(
                Diagnostic::error(rpos.clone(), "`value_when` without `unsettled`").with_help(
                    "add `unsettled:` (what the row shows while its value is not settled)",
                ),
            ),
            (None, Some(_), _) => self.diags.push(
                Diagnostic::error(rpos.clone(), "`unsettled` without `value_when`").with_help(
                    "add `value_when:` (the condition under which the row's value is settled)",
                ),
            ),
            (Some(_), Some(_), ValueSource::Field { .. }) | (None, None, _) => {}
            (Some(_), Some(_), _) => self.diags.push(
                Diagnostic::error(rpos.clone(), "`value_when` on a row without `field:`")
                    .with_help(
                        "only a value from clinic data can be unsettled; remove `value_when:`",
                    ),
            ),
        }
        Row {
            value_when: r.value_when.as_ref().map(|w| self.cond(w, &rpos, known)),
            unsettled: r.unsettled,
            when: r.when.as_ref().map(|w| self.cond(w, &rpos, known)),
            applies: r.applies.as_ref().map(|w| self.cond(w, &rpos, known)),
            not_applicable: r.not_applicable,
            if_empty: r.if_empty,
            id: r.id.value,
            label: r.label,
            required: r.required,
            control,
            help: self.cased_md(&r.help, &rpos, known),
            value,
            prefilled: r.prefilled,
            joined: r.joined,
            links: self.links(r.links),
            highlight: r.highlight,
            callout: match r.callout {
                Some(c) => self.callout(c, &rpos, known),
                None => Cased::default(),
            },
            sheet_note: self.cased_md(&r.sheet_note, &rpos, known),
            boxes: r.boxes.map(|b| b.value),
            seal: r.seal,
            pos: rpos,
        }
    }
}

/// Checks references between files: rule → step and row, placeholders → facts.
/// Step ids are unique within their manual only. A rule names its step as
/// `manual/step`, or by the step id alone when one manual has it; either way
/// the rule's `step` becomes the `manual/step` key every later stage uses.
fn resolve_rule_steps(content: &mut Content, diags: &mut Diagnostics) {
    let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in &content.manuals {
        for s in m.parts.iter().flat_map(|p| p.steps.iter()) {
            owners.entry(s.id.as_str()).or_default().push(m.id.as_str());
        }
    }
    let has = |manual: &str, step: &str| owners.get(step).is_some_and(|v| v.contains(&manual));
    // Rules naming a step no manual has, grouped by the step as written: a
    // step renamed in its manual is one error (at the first rule naming
    // it, the others listed), not one per rule.
    let mut missing: Vec<(&str, Vec<&Rule>)> = Vec::new();
    let mut keys = Vec::new();
    for rule in &content.rules {
        let Some(named) = &rule.step else {
            keys.push(None);
            continue;
        };
        let key = match named.split_once('/') {
            Some((m, s)) if has(m, s) => Some(named.clone()),
            Some(_) => {
                missing_step(&mut missing, named, rule);
                None
            }
            None => match owners.get(named.as_str()).map(Vec::as_slice) {
                Some([m]) => Some(format!("{m}/{named}")),
                Some(several) => {
                    diags.push(
                        Diagnostic::error(
                            rule.pos.clone(),
                            format!(
                                "rule `{}` names step `{named}`, which manuals {} both have",
                                rule.id,
                                several.join(", ")
                            ),
                        )
                        .with_help(format!("say which: `step: {}/{named}`", several[0])),
                    );
                    None
                }
                None => {
                    missing_step(&mut missing, named, rule);
                    None
                }
            },
        };
        keys.push(Some(key));
    }
    for (named, rules) in missing {
        diags.push(missing_step_error(content, named, &rules));
    }
    for (rule, key) in content.rules.iter_mut().zip(keys) {
        // An unresolved step stays as written (the error is reported).
        if let Some(Some(k)) = key {
            rule.step = Some(k);
        }
    }
}

fn missing_step<'r>(missing: &mut Vec<(&'r str, Vec<&'r Rule>)>, named: &'r str, rule: &'r Rule) {
    match missing.iter_mut().find(|(n, _)| *n == named) {
        Some((_, rules)) => rules.push(rule),
        None => missing.push((named, vec![rule])),
    }
}

/// One error for every rule naming the step `named`, which no manual has: at
/// the first rule, with the others and the steps the manual does have.
fn missing_step_error(content: &Content, named: &str, rules: &[&Rule]) -> Diagnostic {
    let first = rules[0];
    let (manual, step) = match named.split_once('/') {
        Some((m, s)) => (Some(m), s),
        None => (None, named),
    };
    let whom = match rules.len() {
        1 => format!("rule `{}`", first.id),
        n => format!("{n} rules (`{}` and {} more)", first.id, n - 1),
    };
    let name = if rules.len() == 1 { "names" } else { "name" };
    let message = match manual {
        Some(m) if content.manuals.iter().any(|x| x.id == m) => {
            format!("{whom} {name} step `{step}` of manual `{m}`, which does not exist")
        }
        Some(m) => {
            format!("{whom} {name} step `{step}` of manual `{m}`, and there is no manual `{m}`")
        }
        None => format!("{whom} {name} unknown step `{step}`"),
    };
    let steps: Vec<String> = content
        .manuals
        .iter()
        .filter(|x| manual.is_none_or(|m| x.id == m))
        .flat_map(|x| x.parts.iter().flat_map(|p| p.steps.iter()))
        .map(|s| s.id.clone())
        .collect();
    let mut help = if steps.is_empty() {
        let ids: Vec<&str> = content.manuals.iter().map(|m| m.id.as_str()).collect();
        format!(
            "write `manual-id/step-id` with ids from content/manuals/<manual>/manual.yaml (manuals: {})",
            ids.join(", ")
        )
    } else {
        format!(
            "use a step id the manual has ({}), or `manual-id/step-id`; if the step was renamed, rename it here too",
            steps.join(", ")
        )
    };
    help.push_str(&others_naming(rules));
    Diagnostic::error(first.pos.clone(), message).with_help(help)
}

/// The step a `manual/step` key names.
pub fn step_by_key<'c>(content: &'c Content, key: &str) -> Option<(&'c Manual, &'c Step)> {
    let (m, s) = key.split_once('/')?;
    let manual = content.manuals.iter().find(|x| x.id == m)?;
    let step = manual
        .parts
        .iter()
        .flat_map(|p| p.steps.iter())
        .find(|x| x.id == s)?;
    Some((manual, step))
}

fn cross_check(content: &Content, diags: &mut Diagnostics) {
    // Rules pointing at a row their step does not have, grouped by step and
    // row: a row renamed in its manual is one error, not one per rule.
    let mut missing: Vec<(&str, &str, &Step, Vec<&Rule>)> = Vec::new();
    for rule in &content.rules {
        // Unknown and ambiguous steps were reported by resolve_rule_steps.
        let (Some(step_id), Some(field)) = (&rule.step, &rule.field) else {
            continue;
        };
        let Some((_, s)) = step_by_key(content, step_id) else {
            continue;
        };
        let rows = s
            .screen
            .as_ref()
            .map(|sc| sc.rows.as_slice())
            .unwrap_or_default();
        if rows.iter().any(|r| &r.id == field) {
            continue;
        }
        match missing
            .iter_mut()
            .find(|(k, f, _, _)| k == step_id && f == field)
        {
            Some((_, _, _, rules)) => rules.push(rule),
            None => missing.push((step_id, field, s, vec![rule])),
        }
    }
    for (step_id, field, step, rules) in missing {
        let first = rules[0];
        let message = match rules.len() {
            1 => format!(
                "rule `{}` points at row `{field}`, which step `{step_id}` does not have",
                first.id
            ),
            n => format!(
                "{n} rules (`{}` and {} more) point at row `{field}`, which step `{step_id}` does not have",
                first.id,
                n - 1
            ),
        };
        let rows: Vec<&str> = step
            .screen
            .iter()
            .flat_map(|sc| sc.rows.iter().map(|r| r.id.as_str()))
            .collect();
        let mut help = if rows.is_empty() {
            "use a row id of that step's screen (it has no rows)".to_string()
        } else {
            format!("use a row id of that step's screen ({})", rows.join(", "))
        };
        help.push_str(&others_naming(&rules));
        diags.push(Diagnostic::error(first.pos.clone(), message).with_help(help));
    }
}

/// `; the other rules naming it: `b` (line 9), …` for the rules after the
/// first (their file too when it is not the first's); empty for one rule.
fn others_naming(rules: &[&Rule]) -> String {
    let Some((first, others)) = rules.split_first() else {
        return String::new();
    };
    if others.is_empty() {
        return String::new();
    }
    let others: Vec<String> = others
        .iter()
        .map(|r| {
            if r.pos.file == first.pos.file {
                format!("`{}` (line {})", r.id, r.pos.line)
            } else {
                format!("`{}` ({})", r.id, r.pos)
            }
        })
        .collect();
    format!("; the other rules naming it: {}", others.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read dir").flatten() {
            let dest = to.join(e.file_name());
            if e.path().is_dir() {
                copy_dir(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), dest).expect("copy");
            }
        }
    }

    fn shown(loaded: &(Content, Diagnostics)) -> String {
        format!("{:?}\n{:?}", loaded.0, loaded.1)
    }

    #[test]
    fn kept_parses_give_the_same_content_and_a_changed_file_is_parsed_again() {
        let d = tempfile::tempdir().expect("temp dir");
        let dir = d.path().join("content");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"), &dir);
        let mut cache = ParseCache::default();
        let fresh = shown(&load_content(&dir));
        assert_eq!(shown(&load_content_reusing(&dir, &mut cache)), fresh);
        // Fields, constants, search words, facts and the rule file are kept;
        // the manual is not.
        assert_eq!(cache.files.len(), 5);
        assert_eq!(shown(&load_content_reusing(&dir, &mut cache)), fresh);

        // A rule file edited between loads is read as it is now.
        let rules = dir.join("rules/usage-application.yaml");
        let text = std::fs::read_to_string(&rules).expect("rules");
        let edited = text.replacen(
            "電気通信回線種別は必ず「1」を選んでください",
            "回線種別は1です",
            1,
        );
        assert_ne!(edited, text);
        std::fs::write(&rules, &edited).expect("write");
        let again = load_content_reusing(&dir, &mut cache);
        assert_eq!(shown(&again), shown(&load_content(&dir)));
        assert!(again.0.rules.iter().any(|r| r.title == "回線種別は1です"));

        // A file that no longer parses gives the same error as a fresh load.
        std::fs::write(&rules, "rules: [\n").expect("write");
        let broken = load_content_reusing(&dir, &mut cache);
        assert!(broken.1.has_errors());
        assert_eq!(shown(&broken), shown(&load_content(&dir)));
    }
}
