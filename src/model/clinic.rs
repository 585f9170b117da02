//! Clinics and the clinic schema.
//!
//! The schema (which fields a clinic has, their kind, label and options) is
//! content (`content/fields.yaml`), so a new field needs no Rust change. A
//! clinic is a set of raw values keyed by field path, each remembering where
//! it was read (YAML line, or CSV/XLSX row and column).

use super::manual::Choice;
use super::source::{Located, SourcePos};
use serde::Serialize;
use std::collections::BTreeMap;

/// The kind of a clinic field; selects its validator and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// 医療機関コード (7 or 10 digits, check digit verified).
    InstitutionCode,
    /// 都道府県コード 01–47.
    Prefecture,
    /// 点数表 (1 医科, 3 歯科, 4 調剤, 6 訪問看護).
    FeeSchedule,
    /// One of the listed options.
    Choice,
    /// NTT お客さまID.
    CustomerId,
    /// Telephone number.
    Phone,
    /// E-mail address.
    Email,
    /// Year and month (2026-12).
    YearMonth,
    /// Calendar date (2026-12-10).
    Date,
    /// A list of names (terminals).
    List,
    /// Whole number.
    Integer,
    /// IPv4 address (192.168.10.50).
    IpAddress,
}

/// One accepted format of an ID (for example CAF + 10 digits).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdFormat {
    /// Letters the ID starts with.
    pub prefix: String,
    /// Number of digits after the prefix.
    pub digits: usize,
    /// Carrier values whose lines use this format (empty: any).
    pub carriers: Vec<String>,
}

/// Definition of one clinic field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDef {
    /// Dotted path (`line.customer_id`).
    pub path: String,
    /// Japanese label, used in guides and as the placeholder name on the help site.
    pub label: String,
    /// Kind of value.
    pub kind: FieldKind,
    /// Must be present.
    pub required: bool,
    /// Options of a `choice` field.
    pub options: Vec<Choice>,
    /// Formats of a `customer_id` field.
    pub formats: Vec<IdFormat>,
    /// Option values that tick a checkbox bound to this field (`checked: true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<String>,
    /// Option values that leave such a checkbox empty as the clinic's
    /// settled answer (`checked: false`: 「チェックを入れない」). An option
    /// that says neither leaves it empty for now (「まだチェックできません」).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
    /// The kind each item of a `list` field is read as (`items:
    /// ip_address`); `None`: free names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<FieldKind>,
    /// Column headers that mean this field in CSV/XLSX imports.
    pub headers: Vec<String>,
    /// Explanation for the schema and error messages.
    pub help: String,
    /// Unit of an `integer` field, shown by `{{ field | unit }}` (`口`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The unit after the number 1, when the language says it otherwise
    /// (`unit: " ports"`, `unit_one: " port"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_one: Option<String>,
    /// This field names the clinic (`names_clinic: true`): the guide's
    /// title, running head and dashboard row.
    #[serde(skip)]
    pub names_clinic: bool,
    /// `as_written: true` (a choice): the registration table shows the
    /// data's own words for it first when they are not the option's
    /// (「ドコモ光（光コラボレーション（…））」), as `{{ field | as_written }}` does.
    #[serde(skip)]
    pub as_written: bool,
    /// A `customer_id` field: the choice field whose values its formats'
    /// `carriers` list (`carrier: line.carrier`).
    #[serde(skip)]
    pub carrier: Option<String>,
    /// The remark a clinic gets when another clinic of the list, with
    /// another key, gives the same value here (`{value}`, `{count}`).
    #[serde(skip)]
    pub shared_remark: Option<String>,
    /// A `list` field whose items name items of another list (`within:
    /// { list: terminals, remark: … }`): an item that names none of them is
    /// a warning at its line, worded by `remark` (`{item}`, `{list}`).
    #[serde(skip)]
    pub within: Option<Within>,
    /// The dashboard's date (`dashboard: 設置日` on a date field): its rows
    /// are sorted by the days left until it; this is its short name there.
    #[serde(skip)]
    pub dashboard: Option<String>,
    /// Where it was defined.
    #[serde(skip)]
    pub pos: SourcePos,
}

/// A list field's items are names from another list (`within:` in
/// fields.yaml): the terminals already applied for are some of the terminals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Within {
    /// The other list field.
    pub list: String,
    /// The warning at an item that names none of its items: `{item}` is the
    /// item, `{list}` the other list's items joined with 、.
    pub remark: String,
    /// The warning at an item whose name the other list has more often than
    /// this one (two 「受付」, one applied for: which is meant cannot be
    /// told): `{item}`, `{list}` and `{count}`, how many items of the other
    /// list have that name. None: no such warning.
    pub ambiguous: Option<String>,
}

/// The clinic schema.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldCatalog {
    /// Fields in display order.
    pub fields: Vec<FieldDef>,
    /// Key names that must never be present in clinic data (secrets).
    pub forbidden: Vec<String>,
    /// Words a list writes where a value is not known yet (`未定`, `確認中`):
    /// a value or list item that says only one of them is read as blank
    /// (fields.yaml `undecided:`), each folded as `choice_key` folds a value
    /// once when content is loaded, not again for every value of every clinic.
    pub undecided: Vec<String>,
}

impl FieldCatalog {
    /// Whether `text` says only that its value is not known yet: one of the
    /// `undecided` words, compared ignoring width, case, blanks and kana
    /// (`ミテイ` is not one; `（未定）` is, brackets aside).
    pub fn is_undecided(&self, text: &str) -> bool {
        use crate::validate::normalize::choice_key;
        let key = choice_key(text);
        let key = key
            .trim_start_matches(['(', '[', '〔', '【', '<', '〈'])
            .trim_end_matches([')', ']', '〕', '】', '>', '〉']);
        !key.is_empty() && self.undecided.iter().any(|w| w == key)
    }

    /// The field that names the clinic: the one content marks
    /// `names_clinic: true`, else the first `text` field.
    pub fn name_field(&self) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.names_clinic)
            .or_else(|| self.fields.iter().find(|f| f.kind == FieldKind::Text))
    }

    /// The field whose date the dashboard counts down to, and its short
    /// name there (`dashboard:` in fields.yaml).
    pub fn dashboard_date(&self) -> Option<(&str, &str)> {
        self.fields
            .iter()
            .find_map(|f| Some((f.path.as_str(), f.dashboard.as_deref()?)))
    }

    /// The definition of `path`, if any.
    pub fn get(&self, path: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.path == path)
    }

    /// Human label of `path` (the path itself when unknown).
    pub fn label<'a>(&'a self, path: &'a str) -> &'a str {
        self.get(path).map(|f| f.label.as_str()).unwrap_or(path)
    }
}

/// A raw clinic value as read from a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawValue {
    /// A scalar, kept as text exactly as written.
    Text(String),
    /// A list of scalars.
    List(Vec<Located<String>>),
}

/// A warning about one clinic's value that only the whole list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRemark {
    /// Field path (`email`).
    pub field: String,
    /// What is wrong, without the field's label.
    pub message: String,
    /// Where the value is written.
    pub pos: SourcePos,
}

/// A clinic as read from the vendor's data, before validation.
#[derive(Debug, Clone, Serialize)]
pub struct Clinic {
    /// Safe identifier used for the output folder (derived from the institution code).
    pub key: String,
    /// File (and row) the clinic came from.
    #[serde(skip)]
    pub source: SourcePos,
    /// Values by field path.
    #[serde(skip)]
    pub values: BTreeMap<String, Located<RawValue>>,
    /// Errors found while reading this clinic (unreadable file, syntax error,
    /// secret key, duplicate institution code …). A clinic with any gets no
    /// guide; it still appears on the dashboard and in the counts.
    #[serde(skip)]
    pub load_errors: Vec<String>,
    /// Warnings found by comparing this clinic with the others of its list
    /// (an e-mail address another institution code gives too): read into
    /// the clinic's data remarks like its own values' warnings.
    #[serde(skip)]
    pub list_remarks: Vec<ListRemark>,
    /// Where each key of the clinic is written, with the key as written:
    /// in YAML every key, groups (`contact`) and keys left empty included;
    /// in a CSV/XLSX row each field's cell, empty or not, with its column
    /// header. A missing value is reported there (see [`Clinic::missing`]).
    #[serde(skip)]
    pub keys: BTreeMap<String, Located<String>>,
}

/// The YAML entry that writes the field `path`: `contact: { person: … }`.
fn yaml_entry(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut out = parts.join(": { ");
    out.push_str(": …");
    out.push_str(&" }".repeat(parts.len() - 1));
    out
}

/// Where a missing value belongs, and what to write there.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingPlace {
    /// The key or cell left empty, else the nearest parent key written
    /// (`contact:` for `contact.person`), else the clinic's file or row.
    pub pos: SourcePos,
    /// What to add, in words for the person fixing the data.
    pub hint: String,
}

/// Which place a missing value belongs at ([`Clinic::missing`]).
enum Missing {
    /// A table's cell written empty, under this header.
    Cell(String),
    /// A table without the field's column.
    NoColumn,
    /// A key written with no value.
    EmptyKey(String),
    /// Under this parent key, as this entry (`person: …`).
    Under(String, String),
    /// Nowhere near: in the file, as this entry.
    File(String),
}

impl Clinic {
    /// Where the value of `path` is, or would be written: the value itself;
    /// else the key or cell written empty; else the nearest parent key
    /// written; else the clinic's file (YAML) or row (CSV/XLSX).
    pub fn pos_of(&self, path: &str) -> SourcePos {
        if let Some(v) = self.values.get(path) {
            return v.pos.clone();
        }
        self.missing_place(path).0
    }

    /// Where the missing value of `path` (shown as `label`) belongs and what
    /// to add there, in the theme's words (`data_missing_*`).
    pub fn missing(
        &self,
        path: &str,
        label: &str,
        t: &crate::model::strings::Strings,
    ) -> MissingPlace {
        let (pos, hint) = self.missing_place(path);
        let hint = match hint {
            Missing::Cell(header) => t.fill(
                "data_missing_cell",
                &[("header", &header), ("label", label)],
            ),
            Missing::NoColumn => t.fill("data_missing_column", &[("label", label)]),
            Missing::EmptyKey(key) => {
                t.fill("data_missing_empty", &[("key", &key), ("label", label)])
            }
            Missing::Under(key, entry) => t.fill(
                "data_missing_under",
                &[("key", &key), ("entry", &entry), ("label", label)],
            ),
            Missing::File(entry) => {
                t.fill("data_missing_file", &[("entry", &entry), ("label", label)])
            }
        };
        MissingPlace { pos, hint }
    }

    /// Where the missing value of `path` belongs, and which place it is.
    fn missing_place(&self, path: &str) -> (SourcePos, Missing) {
        let table = self.source.sheet.is_some()
            || self
                .source
                .file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if table {
            return match self.keys.get(path) {
                Some(cell) => (cell.pos.clone(), Missing::Cell(cell.value.clone())),
                None => (self.source.clone(), Missing::NoColumn),
            };
        }
        if let Some(key) = self.keys.get(path) {
            return (key.pos.clone(), Missing::EmptyKey(key.value.clone()));
        }
        // The nearest parent written (`contact:` for `contact.person`).
        let mut parent = path;
        while let Some((p, _)) = parent.rsplit_once('.') {
            parent = p;
            if let Some(key) = self.keys.get(parent) {
                let rest = &path[parent.len() + 1..];
                return (
                    key.pos.clone(),
                    Missing::Under(key.value.clone(), yaml_entry(rest)),
                );
            }
        }
        (self.source.clone(), Missing::File(yaml_entry(path)))
    }
    /// The scalar value at `path`, trimmed, if present and non-empty.
    pub fn text(&self, path: &str) -> Option<&str> {
        match self.values.get(path).map(|v| &v.value) {
            Some(RawValue::Text(s)) if !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        }
    }
}
