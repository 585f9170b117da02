//! Clinic data files → [`Clinic`] values, each value with its position.
//!
//! One YAML file per clinic. Nested mappings flatten to dotted paths
//! (`line:` / `customer_id:` → `line.customer_id`). Keys that name secrets
//! are rejected and their values dropped at once, so they can never reach
//! an output.

use super::yaml::{self, Node};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::clinic::{Clinic, FieldCatalog, FieldKind, ListRemark, RawValue};
use crate::model::{Located, SourcePos};
use crate::validate::secret::{KeyClass, classify};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Loads every `*.yaml` clinic file under `dir` (sorted by path). Every file
/// becomes a clinic, also one that cannot be read: it carries its
/// `load_errors`, so it fails visibly (dashboard, counts) instead of vanishing.
pub fn load_dir(dir: &Path, catalog: &FieldCatalog) -> (Vec<Clinic>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut clinics = Vec::new();
    stream_dir(dir, catalog, &mut diags, &mut |c| clinics.push(c));
    dedupe_keys(&mut clinics, catalog, &mut diags);
    mark_shared_addresses(&mut clinics, catalog);
    if clinics.is_empty() {
        diags.push(no_files(dir));
    }
    (clinics, diags)
}

/// The error of a folder without clinic files.
pub fn no_files(dir: &Path) -> Diagnostic {
    Diagnostic::error(
        SourcePos::new(Arc::new(dir.to_path_buf()), 0, 0),
        "no clinic files (*.yaml) in this folder",
    )
    .with_help("add one YAML file per clinic (copy one from content/clinics/), or pass --clinics LIST.csv|LIST.xlsx")
}

/// Reads every clinic file under `dir` in path order and hands each clinic
/// to `emit` as soon as it is read (one file at a time in memory). Keys are
/// not de-duplicated here (see [`dedupe_keys`]).
pub fn stream_dir(
    dir: &Path,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    emit: &mut dyn FnMut(Clinic),
) {
    let (files, links) = clinic_files(dir);
    let mut all: Vec<(PathBuf, bool)> = files
        .into_iter()
        .map(|f| (f, false))
        .chain(links.into_iter().map(|l| (l, true)))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, link) in all {
        stream_one(path, link, catalog, diags, emit);
    }
}

/// Reads one clinic YAML file (`--clinics FILE.yaml`) and hands its clinic
/// to `emit`; a symbolic link is refused like one inside a folder.
pub fn stream_file(
    path: &Path,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    emit: &mut dyn FnMut(Clinic),
) {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    stream_one(path.to_path_buf(), link, catalog, diags, emit);
}

/// True for a clinic YAML file name (`*.yaml`, `*.yml`).
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|x| x.to_str()),
        Some("yaml" | "yml")
    )
}

/// One clinic file (or a link in its place, which fails visibly).
fn stream_one(
    path: PathBuf,
    link: bool,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    emit: &mut dyn FnMut(Clinic),
) {
    if link {
        let file = Arc::new(path);
        let msg =
            "this clinic file is a symbolic link; tebiki reads only real files in clinic data";
        diags.push(
            Diagnostic::error(SourcePos::new(file.clone(), 0, 0), msg)
                .with_help("copy the file into the clinics folder instead of linking it"),
        );
        emit(unreadable(&file, msg));
    } else {
        let (clinic, local) = load_one(&path, catalog);
        diags.extend(cap(local, &path));
        emit(clinic);
    }
}

/// The `*.yaml`/`*.yml` files under `dir`, and the symbolic links among
/// them (links are never followed).
fn clinic_files(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut links = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let ft = e.file_type();
        if ft.is_symlink() {
            if is_yaml(e.path()) || e.path().is_dir() {
                links.push(e.into_path());
            }
        } else if ft.is_file() && is_yaml(e.path()) {
            files.push(e.into_path());
        }
    }
    (files, links)
}

/// Keeps at most [`MAX_DIAGNOSTICS_PER_FILE`](super::limits::MAX_DIAGNOSTICS_PER_FILE)
/// diagnostics of one file (errors first) and says how many more there were.
pub fn cap(mut d: Diagnostics, file: &Path) -> Diagnostics {
    let max = super::limits::MAX_DIAGNOSTICS_PER_FILE;
    if d.0.len() <= max {
        return d;
    }
    d.0.sort_by_key(|x| x.severity);
    let more = d.0.len() - max;
    let errors = d.0[max..]
        .iter()
        .filter(|x| x.severity == crate::model::Severity::Error)
        .count();
    d.0.truncate(max);
    let msg = format!("{more} more problem(s) in this file not shown ({errors} error(s))");
    d.push(
        if errors > 0 {
            Diagnostic::error(SourcePos::new(Arc::new(file.to_path_buf()), 0, 0), msg)
        } else {
            Diagnostic::warning(SourcePos::new(Arc::new(file.to_path_buf()), 0, 0), msg)
        }
        .with_help("fix the ones above and run tebiki check again"),
    );
    d
}

/// A clinic for a file that could not be read: no values, one load error.
fn unreadable(file: &Arc<PathBuf>, why: &str) -> Clinic {
    let source = SourcePos::new(file.clone(), 1, 1);
    Clinic {
        key: clinic_key(&BTreeMap::new(), &source, &FieldCatalog::default()),
        source,
        values: BTreeMap::new(),
        load_errors: vec![why.to_string()],
        list_remarks: Vec::new(),
        keys: BTreeMap::new(),
    }
}

/// Loads one clinic file. The lines of the file that messages may echo are
/// registered masked (see [`crate::diag::register_source`]) before any
/// message about it is made.
pub fn load_one(path: &Path, catalog: &FieldCatalog) -> (Clinic, Diagnostics) {
    let file = Arc::new(path.to_path_buf());
    let mut diags = Diagnostics::default();
    let fail = |diags: &mut Diagnostics, d: Diagnostic| {
        let c = unreadable(&file, &d.message);
        diags.push(d);
        c
    };
    let bytes = match super::limits::read_limited(path, super::limits::MAX_CLINIC_FILE) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(
                SourcePos::new(file.clone(), 0, 0),
                format!("cannot read clinic file: {e}"),
            );
            return (fail(&mut diags, d), diags);
        }
    };
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            let msg = match super::limits::decode_guess(body) {
                Some((_, enc)) => format!("the file is in {}, not UTF-8", enc.name()),
                None => format!("the file is not UTF-8 text ({e})"),
            };
            let d = Diagnostic::error(SourcePos::new(file.clone(), 0, 0), msg)
                .with_help(super::limits::save_as_utf8_hint());
            return (fail(&mut diags, d), diags);
        }
    };
    // Until the file is understood, echo its lines with secret-looking keys masked.
    crate::diag::register_source(path, crate::validate::secret::mask_text(text));
    let tree = match yaml::read_tree(text, &file) {
        Ok(t) => t,
        Err(d) => return (fail(&mut diags, d), diags),
    };
    let mut masks = Vec::new();
    let clinic = from_tree_masked(&tree, &file, catalog, &mut diags, &mut masks);
    // Now only values of schema fields stay visible.
    let shown = apply_masks(text, &masks);
    crate::diag::register_source(path, crate::validate::secret::mask_text(&shown));
    let mut clinic = match clinic {
        Some(c) => c,
        None => unreadable(&file, "a clinic file must be a mapping of field: value"),
    };
    clinic.load_errors.extend(
        diags
            .0
            .iter()
            .filter(|d| d.severity == crate::model::Severity::Error)
            .map(|d| d.message.clone()),
    );
    clinic.load_errors.dedup();
    (clinic, diags)
}

/// A span of the source (start inclusive, end exclusive) whose text must not be shown.
type Mask = (SourcePos, SourcePos);

/// `text` with every masked span replaced by `****`, line by line.
fn apply_masks(text: &str, masks: &[Mask]) -> String {
    let mut per_line: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (a, b) in masks {
        let (l0, c0) = (a.line as usize, a.column.max(1) as usize);
        let (l1, c1) = (b.line.max(a.line) as usize, b.column.max(1) as usize);
        for l in l0..=l1 {
            let from = if l == l0 { c0 } else { 1 };
            let to = if l == l1 {
                if l1 == l0 { c1.max(c0 + 1) } else { c1 }
            } else {
                usize::MAX
            };
            if to > from {
                per_line.entry(l).or_default().push((from, to));
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        match per_line.get(&(i + 1)) {
            None => out.push_str(line),
            Some(ranges) => {
                let chars: Vec<char> = line.chars().collect();
                let hidden = |col: usize| ranges.iter().any(|&(f, t)| col >= f && col < t);
                let mut in_mask = false;
                for (j, c) in chars.iter().enumerate() {
                    let col = j + 1;
                    // Indentation of continuation lines stays.
                    if hidden(col)
                        && !(c.is_whitespace()
                            && !in_mask
                            && chars[..j].iter().all(|x| x.is_whitespace()))
                    {
                        if !in_mask {
                            out.push_str("****");
                            in_mask = true;
                        }
                    } else {
                        in_mask = false;
                        out.push(*c);
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Builds a clinic from a parsed YAML tree.
pub fn from_tree(
    tree: &Node,
    file: &Arc<PathBuf>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> Option<Clinic> {
    from_tree_masked(tree, file, catalog, diags, &mut Vec::new())
}

/// [`from_tree`]; `masks` receives the spans of every value that is not a
/// schema field (secret or unknown).
fn from_tree_masked(
    tree: &Node,
    file: &Arc<PathBuf>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    masks: &mut Vec<Mask>,
) -> Option<Clinic> {
    let Node::Map { .. } = tree else {
        masks.push((tree.pos().clone(), tree.end().clone()));
        diags.push(
            Diagnostic::error(
                tree.pos().clone(),
                "a clinic file must be a mapping of field: value",
            )
            .with_help("start with e.g. `institution_code: \"1430112345\"`"),
        );
        return None;
    };
    let mut values = BTreeMap::new();
    let mut keys = BTreeMap::new();
    flatten(tree, "", (&mut values, &mut keys), catalog, diags, masks);
    let mut clinic = make_clinic(values, SourcePos::new(file.clone(), 1, 1), catalog, diags);
    clinic.keys = keys;
    Some(clinic)
}

fn secret_diag(pos: SourcePos, what: &str) -> Diagnostic {
    Diagnostic::error(
        pos,
        format!("`{what}` looks like a password or secret number; clinic data must not carry it"),
    )
    .with_help("delete it: the clinic chooses its secret number itself, and tebiki never prints it (the value was ignored)")
    .redacted()
}

/// The first key inside `node` (at any depth) that is a secret, with its position.
fn secret_inside(node: &Node, prefix: &str, catalog: &FieldCatalog) -> Option<(SourcePos, String)> {
    match node {
        Node::Scalar { .. } => None,
        Node::Seq { items, .. } => items.iter().find_map(|i| secret_inside(i, prefix, catalog)),
        Node::Map { entries, .. } => entries.iter().find_map(|(kpos, k, v)| {
            let path = join(prefix, k);
            if classify(&path, catalog) == KeyClass::Secret {
                Some((kpos.clone(), path))
            } else {
                secret_inside(v, &path, catalog)
            }
        }),
    }
}

fn join(prefix: &str, k: &str) -> String {
    if prefix.is_empty() {
        k.to_string()
    } else {
        format!("{prefix}.{k}")
    }
}

/// The values of a clinic file, and where each key is written.
type Read<'a> = (
    &'a mut BTreeMap<String, Located<RawValue>>,
    &'a mut BTreeMap<String, Located<String>>,
);

fn flatten(
    node: &Node,
    prefix: &str,
    (out, keys): Read<'_>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    masks: &mut Vec<Mask>,
) {
    let Node::Map { entries, .. } = node else {
        masks.push((node.pos().clone(), node.end().clone()));
        diags.push(Diagnostic::error(node.pos().clone(), "expected a mapping"));
        return;
    };
    for (kpos, k, v) in entries {
        let path = join(prefix, k);
        keys.insert(path.clone(), Located::new(k.clone(), kpos.clone()));
        let hide = |masks: &mut Vec<Mask>| masks.push((v.pos().clone(), v.end().clone()));
        match classify(&path, catalog) {
            KeyClass::Secret => {
                hide(masks);
                diags.push(secret_diag(kpos.clone(), &path));
            }
            KeyClass::Unknown if matches!(v, Node::Map { .. }) => {
                // A group (`line:`) whose fields are `line.type` …
                flatten(v, &path, (&mut *out, &mut *keys), catalog, diags, masks);
            }
            KeyClass::Unknown => {
                hide(masks);
                if let Some((spos, spath)) = secret_inside(v, &path, catalog) {
                    diags.push(secret_diag(spos, &spath));
                } else {
                    diags.push(unknown_field(kpos.clone(), &path, catalog));
                }
            }
            KeyClass::Field(_) => {
                if let Some(val) = value_of(v, &path, catalog, diags, masks) {
                    // `line.type: 1` at the top and `type:` under `line:`
                    // name one field: the later must not silently win.
                    if let Some(first) = out.get(&path) {
                        diags.push(
                            Diagnostic::error(
                                kpos.clone(),
                                format!("`{path}` is given twice: here and at {}", first.pos),
                            )
                            .with_help(format!(
                                "keep one of the two: a dotted key (`{path}:`) and the same key inside its group are the same field"
                            )),
                        );
                    } else {
                        out.insert(path, Located::new(val, v.pos().clone()));
                    }
                }
            }
        }
    }
}

fn unknown_field(pos: SourcePos, key: &str, catalog: &FieldCatalog) -> Diagnostic {
    let hint = suggest(key, catalog)
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| "see content/fields.yaml for the known fields".into());
    Diagnostic::warning(pos, format!("unknown field `{key}` (ignored)")).with_help(hint)
}

fn value_of(
    node: &Node,
    path: &str,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
    masks: &mut Vec<Mask>,
) -> Option<RawValue> {
    if node.is_null() {
        return None;
    }
    match node {
        Node::Scalar { text, .. } => Some(RawValue::Text(text.clone())),
        Node::Seq { items, .. } => {
            let mut list = Vec::new();
            for item in items {
                match item {
                    Node::Scalar { text, pos, .. } => {
                        list.push(Located::new(text.clone(), pos.clone()))
                    }
                    // `- name: PC1` is accepted as a list of names; any other key is
                    // checked like every key (`- password: x` is a secret).
                    Node::Map { entries, pos, .. } => {
                        let mut named = false;
                        for (kpos, k, v) in entries {
                            let sub = join(path, k);
                            if k == "name"
                                && !looks_secret(&sub, catalog)
                                && let Node::Scalar { text, pos, .. } = v
                            {
                                list.push(Located::new(text.clone(), pos.clone()));
                                named = true;
                                continue;
                            }
                            masks.push((v.pos().clone(), v.end().clone()));
                            if looks_secret(&sub, catalog) {
                                diags.push(secret_diag(kpos.clone(), &sub));
                            } else if let Some((spos, spath)) = secret_inside(v, &sub, catalog) {
                                diags.push(secret_diag(spos, &spath));
                            } else {
                                diags.push(
                                    Diagnostic::warning(
                                        kpos.clone(),
                                        format!(
                                            "unknown key `{k}` in a list item of `{path}` (ignored)"
                                        ),
                                    )
                                    .with_help("list items are text or `name: ...`"),
                                );
                            }
                        }
                        if !named {
                            diags.push(
                                Diagnostic::error(
                                    pos.clone(),
                                    "list items must be text or `name: ...`",
                                )
                                .with_help("write each item as text on its own line: `- item`"),
                            );
                        }
                    }
                    Node::Seq { pos, end, .. } => {
                        masks.push((pos.clone(), end.clone()));
                        diags.push(Diagnostic::error(
                            pos.clone(),
                            "nested lists are not supported here",
                        ))
                    }
                }
            }
            Some(RawValue::List(list))
        }
        Node::Map { pos, end, .. } => {
            masks.push((pos.clone(), end.clone()));
            match secret_inside(node, path, catalog) {
                Some((spos, spath)) => diags.push(secret_diag(spos, &spath)),
                None => diags.push(Diagnostic::error(
                    pos.clone(),
                    "expected a value, found a mapping",
                )),
            }
            None
        }
    }
}

fn looks_secret(path: &str, catalog: &FieldCatalog) -> bool {
    classify(path, catalog) == KeyClass::Secret
}

/// Creates a clinic from flat values (YAML, CSV and XLSX readers all end
/// here). Only schema fields are kept; invisible characters are removed
/// from every value with a located warning.
pub fn make_clinic(
    mut values: BTreeMap<String, Located<RawValue>>,
    source: SourcePos,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> Clinic {
    values.retain(|key, v| match classify(key, catalog) {
        KeyClass::Field(_) => true,
        KeyClass::Secret => {
            diags.push(secret_diag(v.pos.clone(), key));
            false
        }
        KeyClass::Unknown => {
            diags.push(unknown_field(v.pos.clone(), key, catalog));
            false
        }
    });
    for (key, v) in values.iter_mut() {
        match &mut v.value {
            RawValue::Text(t) => clean_invisible(t, key, &v.pos, diags),
            RawValue::List(items) => {
                for item in items {
                    clean_invisible(&mut item.value, key, &item.pos, diags);
                }
            }
        }
    }
    let key = clinic_key(&values, &source, catalog);
    Clinic {
        key,
        source,
        values,
        load_errors: Vec::new(),
        list_remarks: Vec::new(),
        keys: BTreeMap::new(),
    }
}

/// Removes invisible characters (bidi controls, zero-width, control
/// characters) from a value, with a warning at the value saying which.
fn clean_invisible(text: &mut String, key: &str, pos: &SourcePos, diags: &mut Diagnostics) {
    let (clean, removed) = crate::validate::normalize::strip_invisible(text);
    if removed.is_empty() {
        return;
    }
    *text = clean;
    let names: Vec<String> = removed.iter().map(|c| invisible_name(*c)).collect();
    diags.push(
        Diagnostic::warning(
            pos.clone(),
            format!("`{key}`: invisible character(s) removed: {}", names.join(", ")),
        )
        .with_help("such characters change how a value reads (U+202E reverses it) and are never printed; retype the value"),
    );
}

fn invisible_name(c: char) -> String {
    let name = match c {
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{2060}' => "WORD JOINER",
        '\u{FEFF}' => "BYTE ORDER MARK",
        '\u{00AD}' => "SOFT HYPHEN",
        _ if c.is_control() => "control character",
        _ => "invisible character",
    };
    format!("U+{:04X} {name}", c as u32)
}

/// Derives a safe folder name: the digits of the institution code (10-digit
/// form when prefecture and 点数表 are known), else the file stem.
fn clinic_key(
    values: &BTreeMap<String, Located<RawValue>>,
    source: &SourcePos,
    catalog: &FieldCatalog,
) -> String {
    use crate::validate::codes;
    let text = |p: &str| match values.get(p).map(|v| &v.value) {
        Some(RawValue::Text(t)) => Some(crate::validate::normalize::to_half_width(t).0),
        _ => None,
    };
    let of_kind = |kind: FieldKind| {
        catalog
            .fields
            .iter()
            .find(|f| f.kind == kind)
            .and_then(|f| text(&f.path).map(|t| (t, f)))
    };
    let digits = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
    let code = of_kind(FieldKind::InstitutionCode)
        .map(|(c, _)| digits(&c))
        .unwrap_or_default();
    let key = if code.len() == 7 {
        // Read as the validators read them, names included (`神奈川県`,
        // `歯科`): the same seven digits exist in many prefectures, so a
        // 7-digit key could make two clinics one.
        let pref =
            of_kind(FieldKind::Prefecture).and_then(|(p, _)| codes::check_prefecture(&p).value);
        let table = of_kind(FieldKind::FeeSchedule).and_then(|(t, f)| {
            codes::check_fee_schedule(&t, &codes::fee_schedules_of(&f.options)).value
        });
        match (pref, table) {
            (Some(p), Some(t)) => format!("{p:02}{t}{code}"),
            _ => code,
        }
    } else {
        code
    };
    if !key.is_empty() {
        return key;
    }
    let stem = source
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("clinic");
    sanitize_key(stem)
}

/// Keeps ASCII letters, digits, `-` and `_`; everything else becomes `_`.
pub fn sanitize_key(s: &str) -> String {
    let k: String = s
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if k.is_empty() || k.chars().all(|c| c == '_') {
        "clinic".into()
    } else {
        k
    }
}

/// A value of a clinic that must be its own, for [`shared_addresses`]: its
/// field path, the value folded for comparison (case, width, blanks), as
/// written, where, and the remark content gives for it being shared.
#[derive(Debug, Clone)]
pub struct Address {
    field: String,
    folded: String,
    written: String,
    pos: SourcePos,
    remark: String,
}

/// The values of `clinic` in the fields whose content says what sharing
/// them means (`shared_remark:` in fields.yaml; the bundled content's
/// e-mail address, one per portal account).
pub fn addresses(clinic: &Clinic, fields: &FieldCatalog) -> Vec<Address> {
    fields
        .fields
        .iter()
        .filter_map(|f| Some((f, f.shared_remark.as_ref()?)))
        .filter_map(|(f, remark)| {
            let v = clinic.values.get(&f.path)?;
            let RawValue::Text(t) = &v.value else {
                return None;
            };
            let folded = crate::validate::normalize::choice_key(t);
            (!folded.is_empty()).then(|| Address {
                field: f.path.clone(),
                folded,
                written: t.trim().to_string(),
                pos: v.pos.clone(),
                remark: remark.clone(),
            })
        })
        .collect()
}

/// A value content marks as one clinic's own (`shared_remark:`; in the
/// bundled content the e-mail address: each institution code has its own
/// portal account, registered with its own address) that another clinic of
/// the list, with another key, also gives: the clinic is told so with
/// content's remark (a [`ListRemark`]), which counts the others but never
/// names them (it is printed in this clinic's handout). `addresses` holds
/// each clinic's, in the order of `clinics`.
pub fn shared_addresses(clinics: &mut [Clinic], addresses: &[Vec<Address>]) {
    let mut by_address: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, list) in addresses.iter().enumerate() {
        for a in list {
            by_address
                .entry((a.field.as_str(), a.folded.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut remarks: Vec<(usize, ListRemark)> = Vec::new();
    for ((field, folded), idx) in by_address {
        for &i in &idx {
            let Some(me) = clinics.get(i) else { continue };
            let mut others: Vec<&Clinic> = idx
                .iter()
                .filter_map(|&j| clinics.get(j))
                .filter(|c| c.key != me.key)
                .collect();
            others.dedup_by(|a, b| a.key == b.key);
            if others.is_empty() {
                continue;
            }
            let Some(a) = addresses
                .get(i)
                .and_then(|l| l.iter().find(|a| a.field == field && a.folded == folded))
            else {
                continue;
            };
            remarks.push((
                i,
                ListRemark {
                    field: a.field.clone(),
                    message: a
                        .remark
                        .replace("{value}", &a.written)
                        .replace("{count}", &others.len().to_string()),
                    pos: a.pos.clone(),
                },
            ));
        }
    }
    for (i, r) in remarks {
        if let Some(c) = clinics.get_mut(i) {
            c.list_remarks.push(r);
        }
    }
}

/// [`shared_addresses`] of clinics read whole (their values at hand).
pub fn mark_shared_addresses(clinics: &mut [Clinic], catalog: &FieldCatalog) {
    let addresses: Vec<Vec<Address>> = clinics.iter().map(|c| addresses(c, catalog)).collect();
    shared_addresses(clinics, &addresses);
}

/// How many of the other clinics with the same key a message names (the
/// rest are counted): a list of n rows with one code would otherwise make n
/// messages of n places each.
const OTHERS_NAMED: usize = 3;

/// Two clinics must not write into the same folder: every clinic whose key
/// (institution code) is also another's fails, each naming the others (the
/// first [`OTHERS_NAMED`], then how many more). The code is named by its
/// field's label in `catalog` (content's words).
pub fn dedupe_keys(clinics: &mut [Clinic], catalog: &FieldCatalog, diags: &mut Diagnostics) {
    let label = catalog
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::InstitutionCode)
        .map_or("institution code", |f| f.label.as_str());
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in clinics.iter().enumerate() {
        by_key.entry(c.key.clone()).or_default().push(i);
    }
    let mut taken: std::collections::BTreeSet<String> = by_key.keys().cloned().collect();
    for (key, idx) in by_key {
        if idx.len() < 2 {
            continue;
        }
        // The next suffix to try for this key (the ones below it are taken).
        let mut k = 2;
        for (n, &i) in idx.iter().enumerate() {
            let others: Vec<String> = idx
                .iter()
                .filter(|&&j| j != i)
                .take(OTHERS_NAMED)
                .map(|&j| clinics[j].source.to_string())
                .collect();
            let more = idx.len() - 1 - others.len();
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let msg = format!(
                "{label} (output folder `{key}`) is also used by {}{more}; no guide is written for either",
                others.join(", ")
            );
            diags.push(
                Diagnostic::error(clinics[i].source.clone(), msg.clone()).with_help(format!(
                    "two entries have the same {label}; remove or correct one"
                )),
            );
            let c = &mut clinics[i];
            c.load_errors.push(msg);
            if n > 0 {
                while taken.contains(&format!("{key}-{k}")) {
                    k += 1;
                }
                c.key = format!("{key}-{k}");
                taken.insert(c.key.clone());
            }
        }
    }
}

fn suggest<'a>(key: &str, catalog: &'a FieldCatalog) -> Option<&'a str> {
    super::nearest(key, catalog.fields.iter().map(|f| f.path.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the clinic_table fuzzer: a list of n rows with one code made
    /// n messages naming n − 1 places each (a 5 KB workbook took 2 GB).
    #[test]
    fn many_clinics_with_one_code_get_short_messages_and_their_own_folders() {
        let file = Arc::new(PathBuf::from("list.xlsx"));
        let n = 3000;
        let mut clinics: Vec<Clinic> = (0..n)
            .map(|row| Clinic {
                key: "1312345678".into(),
                source: SourcePos::cell(file.clone(), "名簿", row + 2, 1),
                values: BTreeMap::new(),
                load_errors: Vec::new(),
                list_remarks: Vec::new(),
                keys: BTreeMap::new(),
            })
            .collect();
        let mut diags = Diagnostics::default();
        dedupe_keys(&mut clinics, &FieldCatalog::default(), &mut diags);
        assert_eq!(diags.0.len(), n as usize);
        for d in &diags.0 {
            assert!(d.message.len() < 400, "{}", d.message);
        }
        let first = &diags.0[0].message;
        assert!(
            first.contains("row 3, column A") && first.contains("and 2996 more"),
            "{first}"
        );
        let keys: std::collections::BTreeSet<&str> =
            clinics.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys.len(), n as usize);
        assert!(keys.contains("1312345678") && keys.contains("1312345678-3000"));
        assert!(clinics.iter().all(|c| c.load_errors.len() == 1));
    }
}
