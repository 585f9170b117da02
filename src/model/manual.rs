//! Procedure manuals: manual → parts → steps → the screen the user sees.

use super::rich::Rich;
use super::rule::{Condition, Rule};
use super::source::SourcePos;
use serde::Serialize;
use std::collections::BTreeMap;

/// One procedure manual (for example the usage and certificate applications).
#[derive(Debug, Clone, Serialize)]
pub struct Manual {
    /// Stable identifier, used in URLs of the help site.
    pub id: String,
    /// Title as printed on guides (may differ per clinic: a clinic that
    /// makes only one of the manual's applications is not given the name of
    /// both).
    pub title: Cased<String>,
    /// The name of the document made from this manual, in the title of a
    /// clinic's guide and handout (default: `title`; may differ per clinic).
    pub guide_title: Cased<String>,
    /// Content version, printed in the PDF footer.
    pub version: String,
    /// Short description shown before the first part (may differ per clinic).
    pub summary: Cased<Rich>,
    /// Order among manuals (lower first).
    pub order: i64,
    /// The clinics this manual is for (`when:`): a clinic for which it is
    /// false gets none of it (not in its guide, title, schedule or sheet).
    pub when: Option<Condition>,
    /// What the clinic must have at hand before starting.
    pub checklist: Vec<ChecklistItem>,
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// Closing text after the last part (may differ per clinic).
    pub closing: Cased<Rich>,
    /// Contacts printed on every guide (call centre, vendor).
    pub contacts: Vec<Contact>,
    /// Dates shown in the guide's schedule.
    pub dates: Vec<DateItem>,
    /// Where the manual was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// Alternatives chosen per clinic: the first case whose condition holds,
/// else `otherwise`, else nothing.
#[derive(Debug, Clone, Serialize)]
pub struct Cased<T> {
    /// Conditional alternatives, in order.
    pub cases: Vec<Case<T>>,
    /// What applies when no case holds.
    pub otherwise: Option<T>,
}

/// One alternative of [`Cased`].
#[derive(Debug, Clone, Serialize)]
pub struct Case<T> {
    /// When it applies.
    pub when: Condition,
    /// What applies then.
    pub value: T,
}

impl<T> Default for Cased<T> {
    fn default() -> Self {
        Self {
            cases: Vec::new(),
            otherwise: None,
        }
    }
}

impl<T> Cased<T> {
    /// The same for every clinic.
    pub fn plain(value: T) -> Self {
        Self {
            cases: Vec::new(),
            otherwise: Some(value),
        }
    }

    /// The alternative that applies, given a way to test conditions.
    pub fn pick(&self, holds: impl Fn(&Condition) -> bool) -> Option<&T> {
        self.cases
            .iter()
            .find(|c| holds(&c.when))
            .map(|c| &c.value)
            .or(self.otherwise.as_ref())
    }

    /// True when nothing is defined.
    pub fn is_none(&self) -> bool {
        self.cases.is_empty() && self.otherwise.is_none()
    }

    /// True when there are conditional alternatives.
    pub fn has_cases(&self) -> bool {
        !self.cases.is_empty()
    }

    /// Every alternative with its condition (`None` for `otherwise`).
    pub fn alternatives(&self) -> impl Iterator<Item = (Option<&Condition>, &T)> {
        self.cases
            .iter()
            .map(|c| (Some(&c.when), &c.value))
            .chain(self.otherwise.iter().map(|v| (None, v)))
    }

    /// The generic alternative (for the help site): `otherwise`, else the first case.
    pub fn generic(&self) -> Option<&T> {
        self.otherwise
            .as_ref()
            .or_else(|| self.cases.first().map(|c| &c.value))
    }
}

impl Cased<Rich> {
    /// Every placeholder path of every alternative.
    pub fn placeholders(&self) -> Vec<&str> {
        self.alternatives()
            .flat_map(|(_, r)| r.placeholders())
            .collect()
    }
}

/// A checklist entry ("before you start").
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    /// Identifier.
    pub id: String,
    /// What to have ready.
    pub text: Cased<Rich>,
    /// Shown only when this holds for the clinic.
    pub when: Option<Condition>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A date of the schedule: which fact, how it is explained, when it is shown.
#[derive(Debug, Clone, Serialize)]
pub struct DateItem {
    /// What happens on that date.
    pub label: String,
    /// Date fact to show (`each.<list>` inside `for_each`).
    pub fact: String,
    /// `for_each: LIST`: one line for each item of the list, with `each.*`
    /// set (each terminal's expiry); `None`: one line.
    pub for_each: Option<String>,
    /// How it was computed.
    pub basis: String,
    /// Shown only when this holds.
    pub when: Option<Condition>,
    /// Marked with this severity (when at risk).
    pub severity: Option<super::rule::Severity>,
    /// A date fact this date must not fall after (e.g. `installation_date`);
    /// when it does, the date is shown as a problem.
    pub deadline: Option<String>,
    /// A date fact this date must not fall before (e.g. `today`); when it
    /// does, the date has passed and is shown as a problem.
    pub not_before: Option<String>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A contact (name, phone, hours).
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// Who to call.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// What to call them about.
    pub note: Rich,
}

/// A numbered part of a manual.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Identifier unique in the manual.
    pub id: String,
    /// Number as printed ("1").
    pub number: String,
    /// Title.
    pub title: String,
    /// Text before the first step (alternatives per clinic).
    pub intro: Cased<Rich>,
    /// Shown only when this holds for the clinic.
    pub when: Option<Condition>,
    /// Repeated once per item of a list fact.
    pub for_each: Option<ForEach>,
    /// The steps.
    pub steps: Vec<Step>,
    /// Text after the last step.
    pub outro: Rich,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// Repetition of a part or step once per item of a list fact
/// (`for_each: terminals`). Inside, the facts `each.item`, `each.number`
/// (1, 2, …) and `each.count` hold the current item.
#[derive(Debug, Clone, Serialize)]
pub struct ForEach {
    /// The list fact (a `list` field such as `terminals`).
    pub list: String,
    /// Heading prefix per item, with placeholders (`{{ each.number }}台目`);
    /// printed only when the list has more than one item; `None`: the
    /// theme's `each_label`.
    pub label: Option<String>,
    /// Steps (of a repeated part) that repeat in full for every item. When
    /// set, every other step is shown in full at its first occurrence only;
    /// later items show it in brief (its text, no picture), referring back
    /// to the first (`repeat_in_full: ["2-1"]`; `[]` = all in brief). When
    /// absent, every step repeats in full.
    pub repeat_in_full: Option<Vec<String>>,
}

/// One step the user performs.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Identifier unique in the manual ("1-3").
    pub id: String,
    /// Number as printed ("1-3").
    pub number: String,
    /// What to do, in one line.
    pub title: String,
    /// Shown only when this holds for the clinic.
    pub when: Option<Condition>,
    /// Repeated once per item of a list fact.
    pub for_each: Option<ForEach>,
    /// The instruction.
    pub body: Cased<Rich>,
    /// The screen the user sees during this step.
    pub screen: Option<Screen>,
    /// A real screenshot with annotations, drawn instead of a mock-up picture.
    pub screenshot: Option<Screenshot>,
    /// A second picture drawn from the screen format after the notes (a
    /// paper the clinic receives, a device's label): `figure:`.
    pub figure: Option<Screen>,
    /// Notes shown after the screen.
    pub notes: Vec<Note>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// Kind of note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// General information.
    Info,
    /// Something to be careful about.
    Caution,
    /// A useful hint.
    Tip,
    /// What happens next.
    Next,
}

/// A note attached to a step.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// Kind of note.
    pub kind: NoteKind,
    /// Optional heading.
    pub title: Option<String>,
    /// The text.
    pub body: Cased<Rich>,
    /// Shown only when this holds for the clinic.
    pub when: Option<Condition>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A real screenshot (PNG or JPEG under `content/`) with annotations in image
/// pixel coordinates. Redacted areas are already blanked in `png`: the
/// original pixels never leave the load stage.
#[derive(Debug, Clone, Serialize)]
pub struct Screenshot {
    /// The image file, as named in content.
    pub file: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The image after redaction, encoded as PNG (lossless), or as JPEG
    /// when the file is a JPEG (a photo).
    #[serde(skip)]
    pub png: std::sync::Arc<Vec<u8>>,
    /// Shapes drawn over the image.
    pub annotations: Vec<Annotation>,
    /// Text alternative for the HTML guide.
    pub alt: String,
    /// `first: true`: shown before the step's screen (the label to read
    /// before typing what it says), not after it.
    pub first: bool,
}

/// A shape drawn over a screenshot (pixel coordinates, origin top-left).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Annotation {
    /// A highlight rectangle.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
    /// An arrow from one point to another (head at `to`).
    Arrow {
        /// Start.
        from: (f32, f32),
        /// End (arrow head).
        to: (f32, f32),
    },
    /// A numbered marker ① centred on a point.
    Marker {
        /// Centre x.
        x: f32,
        /// Centre y.
        y: f32,
        /// Number shown.
        number: u32,
    },
    /// A callout bubble with text, and a leader line to the point it explains.
    Callout {
        /// The point explained.
        x: f32,
        /// The point explained.
        y: f32,
        /// Bubble text.
        text: String,
    },
    /// An area blanked in the pixels (personal data, IDs).
    Redact {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
}

/// What is drawn around a screen: a window title bar, header lines and
/// their colours (for example a web portal's blue header with its site
/// name, or a device's settings window). Declared in content; a screen
/// without a frame is drawn as a plain window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    /// Identifier screens and manuals name it by.
    pub id: String,
    /// Text of a window title bar above everything (none: no title bar).
    pub title_bar: Option<String>,
    /// Header lines: the last is drawn large and bold, any before it small.
    pub header: Vec<String>,
    /// Header background and accent colour (page title mark, chosen options), `0xRRGGBB`.
    pub color: u32,
    /// Colour of the header text, `0xRRGGBB`.
    pub text_color: u32,
    /// Colour of the title bar, `0xRRGGBB`.
    pub title_bar_color: u32,
    /// The screens' own words, drawn in pictures (none: not drawn).
    pub words: FrameWords,
    /// What the clinic calls the site or tool (「ポータルサイト」): the
    /// label of the QR code of its address on the sheet.
    pub name: Option<String>,
}

/// Words a frame's screens show by themselves (`frames: - words:`), in the
/// language of those screens; each absent one is not drawn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameWords {
    /// Badge beside the label of a required row (「必須」, "Required").
    #[serde(default)]
    pub required: Option<String>,
    /// What an unchosen select shows (「選択してください」).
    #[serde(default)]
    pub select: Option<String>,
    /// Line above the second box of a secret entered twice.
    #[serde(default)]
    pub confirm: Option<String>,
}

/// The screen of a step.
#[derive(Debug, Clone, Serialize)]
pub struct Screen {
    /// Kind of screen (form, menu, dialog, message, login).
    pub kind: ScreenKind,
    /// The frame drawn around it (`None`: a plain window).
    pub frame: Option<Frame>,
    /// Page title shown in the screen.
    pub title: String,
    /// Address shown for the page, when the user must open it.
    pub url: Option<String>,
    /// Text at the top of the screen.
    pub lead: Rich,
    /// Form rows or menu entries.
    pub rows: Vec<Row>,
    /// Buttons at the bottom.
    pub buttons: Vec<Button>,
    /// Links the screen shows under its lead (`links:`), one a line, in
    /// order: drawn as links, named as links in its text alternative.
    pub links: Vec<String>,
    /// Text below the rows (a document's closing lines), one line per
    /// paragraph.
    pub foot: Rich,
    /// The picture's text alternative and caption, when the author gives
    /// one (`None`: worded from the screen, `picture_alt`).
    pub alt: Option<String>,
    /// How the lead's and the foot's lines are aligned in the picture
    /// (`align:`; default left).
    pub align: TextAlign,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// The alignment of a screen's or a document's own text (`align:` in
/// content): a letter's sender line is right-aligned, say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextAlign {
    /// The `lead`'s lines.
    #[serde(default)]
    pub lead: Align,
    /// The `foot`'s lines.
    #[serde(default)]
    pub foot: Align,
}

/// Where a line of text sits across its box.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Flush left (the default).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// What kind of screen this is; drives how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenKind {
    /// A form with labelled rows.
    Form,
    /// A menu of links (my page).
    Menu,
    /// A modal dialog.
    Dialog,
    /// A result message.
    Message,
    /// A paper document (a notice or letter the clinic receives): a sheet
    /// without window, its title centred, rows as a ruled table, a secret
    /// blanked.
    Document,
}

/// One row of a form (or entry of a menu).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Identifier unique in the screen; rules attach to it.
    pub id: String,
    /// The label as on the portal.
    pub label: String,
    /// Whether the portal marks it 必須.
    pub required: bool,
    /// The control.
    pub control: Control,
    /// Help text printed by the portal beside the control.
    pub help: Cased<Rich>,
    /// What goes into the control.
    pub value: ValueSource,
    /// The row is on the screen only when this holds (`None`: always).
    pub when: Option<Condition>,
    /// The row concerns the clinic only when this holds; otherwise it shows
    /// `not_applicable` instead of a value (never a "missing" mark).
    pub applies: Option<Condition>,
    /// Text shown when the row does not apply to the clinic.
    pub not_applicable: Option<String>,
    /// Text shown when the bound field is empty and that is fine (optional
    /// fields): replaces the "missing" mark.
    pub if_empty: Option<String>,
    /// The bound value is settled only when this holds (`None`: always).
    /// Otherwise the row is drawn as if its field were empty (nothing
    /// selected, nothing typed) and shows `unsettled` instead; its callout
    /// stays. E.g. the line type while the carrier is unknown.
    pub value_when: Option<Condition>,
    /// Text shown in place of the value when `value_when` does not hold.
    pub unsettled: Option<String>,
    /// The portal fills this in; the user only checks it.
    pub prefilled: bool,
    /// On the portal this control sits in the previous row's cell (the
    /// number typed twice under the お客さまID choice): the picture draws it
    /// there, without a label or badge of its own. The label still names it
    /// in the tables, the sheet and the text alternatives.
    pub joined: bool,
    /// Links the portal shows in this row (`links:`), in order: beside a
    /// menu entry on its line, above a form row's control in its cell.
    pub links: Vec<String>,
    /// This is the element to act on in this step.
    pub highlight: bool,
    /// Callout (annotation) pointing at this row, per clinic.
    pub callout: Cased<Callout>,
    /// Words the one-page sheet adds beside this row's values, per clinic
    /// (`sheet_note:`): what the handout says of them that a bare value
    /// would not (entered only for a terminal not applied for yet; a line
    /// type to confirm before choosing it). Empty: nothing.
    pub sheet_note: Cased<Rich>,
    /// A text row written one character a box (`boxes: 10`: a 10-digit
    /// number on a paper form, one digit a box). `None`: written as words.
    pub boxes: Option<u8>,
    /// A box to stamp a seal in at the right of the row's cell, with its
    /// word in it (`seal: 印`, `seal: 代表者印`). `None`: no seal box.
    pub seal: Option<String>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A form control as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Control {
    /// A one-line text input.
    Text,
    /// A checkbox with its label.
    Checkbox {
        /// Text beside the box.
        label: String,
    },
    /// Radio buttons.
    Radio {
        /// The choices.
        options: Vec<Choice>,
    },
    /// A drop-down list.
    Select {
        /// The choices.
        options: Vec<Choice>,
    },
    /// Year and month boxes.
    YearMonth,
    /// A secret number typed twice; never filled in on a guide.
    Secret {
        /// Number of digits (`None` for a password).
        digits: Option<u8>,
        /// Typed a second time for confirmation.
        confirm: bool,
    },
    /// Read-only text shown by the portal.
    Display,
    /// A link in a menu.
    Link,
    /// A button inside the row.
    Button {
        /// Caption.
        label: String,
    },
}

/// A choice of a radio group or select.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// Value matched against the clinic's field value.
    pub value: String,
    /// What a handout shows for the option: the portal's label, or, when
    /// content marks that label unconfirmed (`confirmed: false`), the
    /// content's own true wording (`shown:`); the unconfirmed label is then
    /// one of the `aliases`, read but never shown.
    pub label: String,
    /// Other names a clinic's data may give this option (`NTT西日本` for
    /// `ntt-west`): read as the option, never shown. Only the options of a
    /// field in `content/fields.yaml` have them.
    #[serde(skip)]
    pub aliases: Vec<String>,
    /// The option's short name in words, for messages (a 点数表's `歯科`);
    /// only the options of a `fee_schedule` field have one.
    #[serde(skip)]
    pub name: Option<String>,
}

/// Where a row's value comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ValueSource {
    /// Nothing to enter.
    None,
    /// The same for every clinic.
    Fixed {
        /// The value.
        text: String,
    },
    /// Taken from the clinic's data.
    Field {
        /// Field path, e.g. `line.customer_id`.
        path: String,
    },
}

/// An annotation pointing at a row or control.
#[derive(Debug, Clone, Serialize)]
pub struct Callout {
    /// Number shown in a circle (①), when the step numbers its actions.
    pub marker: Option<u32>,
    /// Short text in the bubble.
    pub text: String,
    /// Longer explanation under the bubble.
    pub detail: Rich,
}

/// A button of a screen, or a link among its buttons (`link: true`: the
/// portal's 「パスワードを忘れた方はこちら」 under its login button is text to
/// click, not a button, and is drawn as the portal draws a link).
#[derive(Debug, Clone, Serialize)]
pub struct Button {
    /// Caption (a link's text).
    pub label: String,
    /// This is the button (or link) to press in this step.
    pub primary: bool,
    /// A link, drawn as underlined text in the link colour in the buttons'
    /// line, never as a box; named 「「…」のリンク」 (the theme's `site_link`).
    pub link: bool,
    /// Drawn at the top of the page, right-aligned under the frame's header
    /// on the title's line (`top: true`: the portal's ログアウト), not at the
    /// foot with the others.
    pub top: bool,
}

/// All manuals, rules and field definitions loaded from one content folder.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Manuals ordered by `order`, then id.
    pub manuals: Vec<Manual>,
    /// Rules from every rule file.
    pub rules: Vec<Rule>,
    /// The clinic schema.
    pub fields: super::clinic::FieldCatalog,
    /// Tunable numbers (days, fees) used by evaluation.
    pub constants: BTreeMap<String, f64>,
    /// Periods closed besides weekends and holidays (`closed_days:` in
    /// `constants.yaml`), by name; a derived date names those it `skip`s.
    pub closed_days: Vec<super::facts::ClosedPeriod>,
    /// Derived facts, each after the facts it reads.
    pub derived: Vec<super::facts::DerivedFact>,
    /// Fields the manuals and rules use (directly or through derived facts);
    /// `None`: every field (content not read by the loader).
    pub used_fields: Option<std::collections::BTreeSet<String>>,
    /// The theme's wording (headings, labels, what a row shows), the same for
    /// every renderer.
    pub strings: std::sync::Arc<super::strings::Strings>,
    /// The vendor's branding (tebiki.yaml `vendor:`), the same for every renderer.
    pub branding: std::sync::Arc<crate::branding::Branding>,
    /// Other words for the manuals' words, for the help site's search
    /// (`content/search.yaml`).
    pub search_words: Vec<SearchWord>,
    /// Words the help site's search boxes show as examples
    /// (`content/search.yaml` `examples:`).
    pub search_examples: Vec<String>,
    /// Who the manuals are for, as the help site's home page says it
    /// (`content/search.yaml` `audience:`; none: the theme's words).
    pub site_audience: Option<String>,
    /// Lists paired inside a repetition (a part repeated over `install.rooms`
    /// reading `each.network.reader_ips`): a clinic whose two lists differ
    /// in length is warned at the paired list.
    pub pairs: Vec<ListPair>,
}

/// Two lists a repetition pairs item by item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPair {
    /// The list repeated over (`install.rooms`).
    pub list: String,
    /// The list read at the same number (`network.reader_ips`).
    pub with: String,
}

/// A word the manuals use and the other ways a reader may type it (its
/// reading in kana, another name): a question with one of `also` finds the
/// sections that use `word` (`content/search.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWord {
    /// The word as the manuals write it (秘密の番号).
    pub word: String,
    /// What a reader may type instead (ひみつのばんごう, 暗証番号).
    pub also: Vec<String>,
}
