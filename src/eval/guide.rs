//! The evaluated guide: one manual applied to one clinic.
//!
//! This is the single model every renderer consumes (HTML guide, PDF
//! handout, illustrations). Renderers never compute values, dates or
//! warnings themselves, so the HTML and the PDF cannot disagree.

use crate::model::manual::{Button, Callout, Contact, Control, Frame, NoteKind, ScreenKind};
use crate::model::strings::Strings;
use crate::model::{Rich, Severity};
use serde::Serialize;
use std::sync::Arc;

/// A located problem in the clinic's data, found while evaluating.
#[derive(Debug, Clone, Serialize)]
pub struct DataIssue {
    /// Severity.
    pub severity: Severity,
    /// Field path concerned.
    pub field: String,
    /// Field label.
    pub label: String,
    /// What is wrong.
    pub message: String,
    /// The expected form, when known.
    pub expected: Option<String>,
    /// Where the value was read, as `file:line:column` (or sheet/row/column).
    pub location: String,
    /// Only how the value was written was tidied: it was read right and
    /// asks nothing of anyone ([`crate::validate::Problem::tidy`]).
    pub tidy: bool,
}

/// A rule that fired for this clinic.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Rule identifier.
    pub rule: String,
    /// Unique in a guide: the rule id, and for the second and later items of
    /// a rule read per item (`for_each`) `-n2`, `-n3` … (the finding's HTML
    /// anchor).
    pub anchor: String,
    /// A rule read per item: its list and the item's number (1, 2 …); the
    /// finding is shown at that item's repetition of its step.
    #[serde(skip)]
    pub each: Option<(String, usize)>,
    /// Severity.
    pub severity: Severity,
    /// Headline.
    pub title: String,
    /// Explanation with the clinic's values filled in.
    pub message: Rich,
    /// What happens if ignored.
    pub consequence: Rich,
    /// Step it belongs to (its id, for links).
    pub step: Option<String>,
    /// That step's number as printed ("1-3"): what a reader sees.
    pub step_number: Option<String>,
    /// That step's `manual/step` key (links, anchors).
    pub step_key: Option<String>,
    /// Row it points at.
    pub field: Option<String>,
    /// The value the row should have.
    pub expect: Option<String>,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
}

/// A date that matters to the clinic.
#[derive(Debug, Clone, Serialize)]
pub struct KeyDate {
    /// What happens on that date.
    pub label: String,
    /// ISO date (YYYY-MM-DD).
    pub iso: String,
    /// Japanese era form (令和8年11月24日（火）).
    pub wareki: String,
    /// How it was computed ("申請日から7暦日後").
    pub basis: String,
    /// Marked when the date is at risk.
    pub severity: Option<Severity>,
    /// Why the date is a problem (it falls after its deadline), in words.
    pub problem: Option<String>,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
}

/// A labelled clinic value for the summary table.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Field path.
    pub path: String,
    /// Label.
    pub label: String,
    /// Display text (the value to enter when a finding corrects the data).
    pub text: String,
    /// True when `text` is a correction of the clinic's data.
    pub corrected: bool,
}

/// What a form row shows for this clinic.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shown {
    /// Nothing to enter.
    Nothing,
    /// The value to enter or check.
    Value {
        /// Plain text.
        text: String,
    },
    /// The chosen option of a radio group, select or checkbox.
    Choice {
        /// Value of the chosen option.
        value: String,
        /// Its label.
        label: String,
    },
    /// Checkbox to tick.
    Checked,
    /// Checkbox the clinic leaves empty: it cannot tick it yet (its data
    /// says why), or, `settled`, its answer is no (「チェックを入れない」).
    Unchecked {
        /// The clinic's value, e.g. 未契約.
        reason: String,
        /// The empty box is the clinic's answer (`checked: false`, a yes/no
        /// fact that is no), not something to check first.
        #[serde(default)]
        settled: bool,
    },
    /// A year-month value.
    YearMonth {
        /// Year.
        year: i32,
        /// Month.
        month: u8,
    },
    /// The clinic's data lacks this value.
    Missing {
        /// Label of the field.
        label: String,
    },
    /// An optional field the clinic leaves empty; nothing is wrong.
    Blank {
        /// What to do (e.g. 「未定なら空欄のまま」).
        text: String,
    },
    /// The row does not concern this clinic (e.g. お客さまID on a non-NTT line).
    NotApplicable {
        /// Why, in words.
        text: String,
    },
    /// A secret the clinic chooses itself; never printed.
    Secret {
        /// Number of digits (`None` for a password).
        digits: Option<u8>,
    },
}

impl Shown {
    /// The row's content as one line of text, worded once for every renderer
    /// from the theme's strings.
    pub fn display(&self, control: &Control, highlight: bool, t: &Strings) -> String {
        match self {
            Shown::Nothing => match control {
                Control::Link if highlight => t.get("click_link").to_string(),
                Control::Button { label } => t.fill("button", &[("label", label)]),
                _ => "—".to_string(),
            },
            Shown::Value { text } => text.clone(),
            Shown::Choice { label, .. } => label.clone(),
            Shown::Checked => match control {
                Control::Checkbox { label } if !label.is_empty() => {
                    t.fill("check_label", &[("label", label)])
                }
                _ => t.get("check").to_string(),
            },
            Shown::YearMonth { year, month } => t.fill(
                "year_month",
                &[("year", &year.to_string()), ("month", &month.to_string())],
            ),
            Shown::Unchecked {
                reason,
                settled: true,
            } => match control {
                Control::Checkbox { label } if !label.is_empty() => t.fill(
                    "leave_unchecked_label",
                    &[("label", label), ("reason", reason)],
                ),
                _ => t.fill("leave_unchecked", &[("reason", reason)]),
            },
            Shown::Unchecked { reason, .. } => t.fill("unchecked", &[("reason", reason)]),
            Shown::Missing { label } => t.fill("missing", &[("label", label)]),
            Shown::Blank { text } | Shown::NotApplicable { text } => text.clone(),
            Shown::Secret { digits: Some(d) } => {
                let twice = matches!(control, Control::Secret { confirm: true, .. });
                t.fill(
                    "secret_digits",
                    &[
                        ("digits", &d.to_string()),
                        ("twice", if twice { t.get("secret_twice") } else { "" }),
                    ],
                )
            }
            Shown::Secret { digits: None } => t.get("secret_password").to_string(),
        }
    }

    /// True when the row shows a value the clinic enters or checks (highlighted).
    pub fn is_value(&self) -> bool {
        matches!(
            self,
            Shown::Value { .. }
                | Shown::Choice { .. }
                | Shown::Checked
                | Shown::YearMonth { .. }
                | Shown::Unchecked { settled: true, .. }
        )
    }
}

/// A form row, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct GuideRow {
    /// Row id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Required mark.
    pub required: bool,
    /// Control as defined in content.
    pub control: Control,
    /// Portal help text (the alternative for this clinic).
    pub help: Rich,
    /// What to enter.
    pub shown: Shown,
    /// [`Shown::display`], computed once.
    pub display: String,
    /// [`Shown::is_value`]: the display is the clinic's value (highlight it).
    pub is_value: bool,
    /// Filled in by the portal; to be checked.
    pub prefilled: bool,
    /// Drawn in the previous row's cell ([`crate::model::manual::Row::joined`]).
    pub joined: bool,
    /// The portal's links in the row ([`crate::model::manual::Row::links`]).
    pub links: Vec<String>,
    /// The element to act on.
    pub highlight: bool,
    /// Annotation (the alternative for this clinic).
    pub callout: Option<Callout>,
    /// Worst severity of findings attached to this row.
    pub flag: Option<Severity>,
    /// Set when `shown` is not the clinic's data but the value a finding
    /// says to enter instead.
    pub correction: Option<Correction>,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
    /// In a generic guide: what the row says instead for a clinic it does
    /// not concern (`applies:` / `not_applicable:`), with that condition.
    pub not_applicable: Option<Alternative>,
    /// In a generic guide: what the row shows instead of the clinic's value
    /// while that value is not settled (`value_when:` / `unsettled:`), with
    /// that condition.
    pub unsettled: Option<Alternative>,
    /// The row's `sheet_note:` for this clinic, in one line: the sheet says
    /// it beside the row's values (「（…）」). `None`: nothing to add.
    pub sheet_note: Option<String>,
    /// Written one character a box (`boxes:`).
    pub boxes: Option<u8>,
    /// A seal box with its word at the right of the cell (`seal:`).
    pub seal: Option<String>,
    /// The value belongs to the repetition's item (`field: each.…`): the
    /// sheet lists it once for every item, even where two items' words are
    /// alike (two terminals each told to enter the name chosen for it).
    pub per_item: bool,
}

/// One alternative of a generic guide with its condition in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// When it is shown (「…の場合」).
    pub when: String,
    /// What is shown then.
    pub text: String,
}

/// A value a finding corrects: the row shows the value to enter, this keeps
/// what the data said (named in the finding only, never in pictures).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    /// The clinic's data, as displayed.
    pub data: String,
    /// The value to enter, as displayed.
    pub enter: String,
    /// Rule that asked for it.
    pub rule: String,
}

/// A screen, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct GuideScreen {
    /// Kind.
    pub kind: ScreenKind,
    /// The frame drawn around it (`None`: a plain window).
    pub frame: Option<Frame>,
    /// Title.
    pub title: String,
    /// URL shown.
    pub url: Option<String>,
    /// Text at the top.
    pub lead: Rich,
    /// Rows.
    pub rows: Vec<GuideRow>,
    /// Buttons.
    pub buttons: Vec<Button>,
    /// Links under the lead ([`crate::model::manual::Screen::links`]).
    pub links: Vec<String>,
    /// Text below the rows.
    pub foot: Rich,
    /// The author's text alternative (`None`: worded from the screen).
    pub alt: Option<String>,
    /// Alignment of the lead's and the foot's lines (`align:`).
    pub align: crate::model::manual::TextAlign,
}

/// A note, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct GuideNote {
    /// Kind.
    pub kind: NoteKind,
    /// Heading.
    pub title: Option<String>,
    /// Text with values filled in.
    pub body: Rich,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
}

/// A step, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct GuideStep {
    /// Step id (unique in its manual).
    pub id: String,
    /// `manual/step`: unique in the guide (pictures, anchors).
    pub key: String,
    /// Printed number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Instruction.
    pub body: Rich,
    /// Screen.
    pub screen: Option<GuideScreen>,
    /// A real screenshot (already redacted) with its annotations.
    pub screenshot: Option<crate::model::manual::Screenshot>,
    /// A second picture drawn from the screen format (`figure:`).
    pub figure: Option<GuideScreen>,
    /// Findings attached to this step.
    pub findings: Vec<Finding>,
    /// The list item this step is repeated for (`for_each`), e.g. a terminal name.
    /// Set when this is a later repetition shown in brief (`repeat_in_full`):
    /// where the step is shown in full (its picture and table).
    pub brief_of: Option<BriefOf>,
    pub item: Option<String>,
    /// Notes that apply.
    pub notes: Vec<GuideNote>,
    /// What the step shows after its text and findings, in the one order the
    /// HTML guide and the PDF handout both follow (see [`StepBlock`]).
    pub order: Vec<StepBlock>,
    /// In a generic guide: that this is repeated for each item of a list, in
    /// words (「〈端末名称〉の一つずつについて繰り返します」); `None`: not repeated.
    pub repeat: Option<String>,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
}

/// A part of a step shown after its text and findings. A step lists those it
/// has in [`GuideStep::order`]: its screen (picture and table), a screenshot
/// of it, then its notes, then a `figure:` (a paper such as the notice, which
/// the notes introduce: 「約1週間後に…届きます。見本の ❶・❷ の欄に…」). Both
/// renderers walk this list, so the HTML guide and the handout cannot differ
/// in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepBlock {
    /// The screen's picture and its table.
    Screen,
    /// A real screenshot.
    Screenshot,
    /// The notes that apply.
    Notes,
    /// The `figure:` picture.
    Figure,
}

impl StepBlock {
    /// The blocks a step with these parts shows, in order; `shot_first`:
    /// its screenshot before its screen (`first: true`).
    pub fn order(
        screen: bool,
        screenshot: bool,
        shot_first: bool,
        notes: bool,
        figure: bool,
    ) -> Vec<StepBlock> {
        [
            (screenshot && shot_first, StepBlock::Screenshot),
            (screen, StepBlock::Screen),
            (screenshot && !shot_first, StepBlock::Screenshot),
            (notes, StepBlock::Notes),
            (figure, StepBlock::Figure),
        ]
        .into_iter()
        .filter_map(|(has, b)| has.then_some(b))
        .collect()
    }
}

/// Where a step shown in brief is shown in full.
#[derive(Debug, Clone, Serialize)]
pub struct BriefOf {
    /// Key of the full step (`manual/2-2`), for links.
    pub key: String,
    /// Label of the repetition it belongs to (「1台目（受付パソコン）」).
    pub label: String,
    /// Its printed number.
    pub number: String,
    /// The instruction reads the same as there (nothing differs but the
    /// heading), so a brief print can leave it out.
    pub same_text: bool,
}

/// A part, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct GuidePart {
    /// Part id (anchor).
    pub id: String,
    /// Printed number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Intro.
    pub intro: Rich,
    /// Steps.
    pub steps: Vec<GuideStep>,
    /// Outro.
    pub outro: Rich,
    /// The list item this part is repeated for (`for_each`).
    pub item: Option<String>,
    /// In a generic guide: that this is repeated for each item of a list, in
    /// words (「〈端末名称〉の一つずつについて繰り返します」); `None`: not repeated.
    pub repeat: Option<String>,
    /// In a generic guide (the help site): when a clinic's guide shows
    /// this, in words (「〈回線事業者〉が「光コラボ」の場合」); `None`: always.
    pub when: Option<String>,
}

/// One manual applied to one clinic.
#[derive(Debug, Clone, Serialize)]
pub struct GuideManual {
    /// Manual id (anchor).
    pub id: String,
    /// Title (for this clinic).
    pub title: String,
    /// In a generic guide: every alternative of the title with its
    /// condition in words (empty in a clinic's guide or without alternatives).
    pub title_variants: String,
    /// Version.
    pub version: String,
    /// In a generic guide: which clinics the manual is for, in words
    /// (its `when:`; `None` when it is for every clinic, and in a clinic's
    /// guide).
    pub when: Option<String>,
    /// Summary.
    pub summary: Rich,
    /// Checklist items that apply.
    pub checklist: Vec<Rich>,
    /// In a generic guide: when each checklist item is shown, in words
    /// (same order as `checklist`; empty in a clinic's guide).
    pub checklist_when: Vec<Option<String>>,
    /// Dates that follow, in date order.
    pub dates: Vec<KeyDate>,
    /// Parts.
    pub parts: Vec<GuidePart>,
    /// Closing text.
    pub closing: Rich,
    /// Contacts.
    pub contacts: Vec<Contact>,
}

/// Every manual applied to one clinic: everything a renderer needs.
#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    /// The document's title (HTML title, PDF title and page 1), from the
    /// theme's `title` and the manuals' `guide_title`.
    pub title: String,
    /// The manuals' `guide_title`s joined: the documents the title names.
    pub documents: String,
    /// The theme's wording, the one source every renderer words from.
    #[serde(skip)]
    pub strings: Arc<Strings>,
    /// The vendor's branding (name, phone, logo, public URL).
    #[serde(skip)]
    pub branding: Arc<crate::branding::Branding>,
    /// Output key of the clinic (folder name).
    pub clinic_key: String,
    /// Clinic name.
    pub clinic_name: String,
    /// Institution code as printed (as read, for a code the check refused).
    pub institution_code: String,
    /// A refused institution code as typed, when that differs from
    /// `institution_code` (全角 digits, separators); else empty.
    pub institution_code_typed: String,
    /// Prefecture, "14:神奈川県" (empty when the schema has no prefecture field).
    pub prefecture: String,
    /// The label of the schema's institution-code field (「医療機関コード」,
    /// 「薬局コード」): the subtitle's and running head's `{code_label}`.
    pub code_label: String,
    /// Generation date (ISO).
    pub generated: String,
    /// Generation date in Japanese form.
    pub generated_wareki: String,
    /// Key clinic values.
    pub facts: Vec<Fact>,
    /// Values a finding corrects, by field path (data and value to enter).
    pub corrections: Vec<(String, Correction)>,
    /// Every finding, worst first (also attached to their steps).
    pub findings: Vec<Finding>,
    /// Every finding is an お知らせ (none 注意 or 重要): the findings are
    /// headed by the theme's `findings_info`, not `findings` (「貴施設への重要な
    /// お知らせ」 over a fee note alone, on a clinic the dashboard calls 問題なし).
    pub findings_info_only: bool,
    /// Problems in the clinic's data.
    pub issues: Vec<DataIssue>,
    /// The manuals, in order.
    pub manuals: Vec<GuideManual>,
    /// True for the generic guide (the help site): no clinic, every value
    /// named by its label, every alternative kept with its condition.
    pub generic: bool,
}

impl Guide {
    /// The line under the title (theme's `subtitle`, the same in the HTML
    /// guide, the handout and the sheet), without the part of a value the
    /// clinic has not (no prefecture field: no 「・  ・」).
    pub fn subtitle(&self, date: &str) -> String {
        const GAP: &str = "\u{0}";
        let prefecture = if self.prefecture.is_empty() {
            GAP
        } else {
            &self.prefecture
        };
        let line = self.strings.fill(
            "subtitle",
            &[
                ("code_label", &self.code_label),
                ("code", &self.institution_code),
                ("prefecture", prefecture),
                ("date", date),
            ],
        );
        if !line.contains(GAP) {
            return line;
        }
        // The value left out with the separator before it (the theme's
        // `subtitle_separator`: 「・」).
        let sep = self.strings.get("subtitle_separator");
        if sep.is_empty() {
            return line.replace(GAP, "");
        }
        line.split(sep)
            .filter(|part| part.trim() != GAP)
            .collect::<Vec<_>>()
            .join(sep)
            .replace(GAP, "")
    }

    /// The heading of the findings (the theme's `findings`, or
    /// `findings_info` when every finding is an お知らせ), the same in the
    /// handout, the HTML guide and every pointer to it.
    pub fn findings_heading(&self) -> &str {
        self.strings.get(if self.findings_info_only {
            "findings_info"
        } else {
            "findings"
        })
    }

    /// The sheet's heading of the findings (`sheet_findings`, or
    /// `sheet_findings_info`), as [`Guide::findings_heading`].
    pub fn sheet_findings_heading(&self) -> &str {
        self.strings.get(if self.findings_info_only {
            "sheet_findings_info"
        } else {
            "sheet_findings"
        })
    }

    /// Worst severity among findings and data issues.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .map(|f| f.severity)
            .chain(self.issues.iter().map(|i| i.severity))
            .min()
    }

    /// Number of findings and data issues of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
            + self
                .issues
                .iter()
                .filter(|i| i.severity == severity)
                .count()
    }

    /// Version string of all manuals ("manual-id v1.0, …").
    pub fn versions(&self) -> String {
        self.manuals
            .iter()
            .map(|m| format!("{} v{}", m.id, m.version))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
