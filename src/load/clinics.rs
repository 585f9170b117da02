//! Clinic data files → [`Clinic`] values, each value with its position.
//!
//! One YAML file per clinic. Nested mappings flatten to dotted paths
//! (`line:` / `customer_id:` → `line.customer_id`). Keys that name secrets
//! are rejected and their values dropped at once, so they can never reach
//! an output.

use super::yaml::{self, Node};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::clinic::{Clinic, FieldCatalog, RawValue};
use crate::model::{Located, SourcePos};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Loads every `*.yaml` clinic file under `dir` (sorted by path).
pub fn load_dir(dir: &Path, catalog: &FieldCatalog) -> (Vec<Clinic>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut clinics = Vec::new();
    for path in super::content::yaml_files(dir) {
        let file = Arc::new(path.clone());
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    SourcePos::new(file, 0, 0),
                    format!("cannot read clinic file: {e}"),
                ));
                continue;
            }
        };
        match yaml::read_tree(&text, &file) {
            Ok(tree) => {
                if let Some(c) = from_tree(&tree, &file, catalog, &mut diags) {
                    clinics.push(c);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    dedupe_keys(&mut clinics, &mut diags);
    (clinics, diags)
}

/// Builds a clinic from a parsed YAML tree.
pub fn from_tree(
    tree: &Node,
    file: &Arc<PathBuf>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> Option<Clinic> {
    let Node::Map { .. } = tree else {
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
    flatten(tree, "", &mut values, catalog, diags);
    Some(make_clinic(
        values,
        SourcePos::new(file.clone(), 1, 1),
        catalog,
        diags,
    ))
}

/// Creates a clinic from flat values (YAML, CSV and XLSX readers all end here).
pub fn make_clinic(
    mut values: BTreeMap<String, Located<RawValue>>,
    source: SourcePos,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) -> Clinic {
    for key in values.keys().cloned().collect::<Vec<_>>() {
        if is_secret_key(&key, catalog) {
            if let Some(v) = values.remove(&key) {
                diags.push(
                    Diagnostic::error(v.pos, format!("`{key}` looks like a password or secret number; clinic data must not carry it"))
                        .with_help("delete it from the file: the clinic chooses its secret number itself, and tebiki never prints it (the value was ignored)")
                    .redacted(),
                );
            }
        } else if catalog.get(&key).is_none() {
            let pos = values
                .get(&key)
                .map(|v| v.pos.clone())
                .unwrap_or_else(|| source.clone());
            let hint = suggest(&key, catalog)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "see content/fields.yaml for the known fields".into());
            diags.push(
                Diagnostic::warning(pos, format!("unknown field `{key}` (ignored)"))
                    .with_help(hint),
            );
            values.remove(&key);
        }
    }
    let key = clinic_key(&values, &source);
    Clinic {
        key,
        source,
        values,
    }
}

fn is_secret_key(key: &str, catalog: &FieldCatalog) -> bool {
    if crate::validate::secret::looks_like_secret_key(key) {
        return true;
    }
    let last = key
        .rsplit('.')
        .next()
        .unwrap_or(key)
        .to_lowercase()
        .replace(['-', ' '], "_");
    catalog.forbidden.iter().any(|f| {
        let f = f.to_lowercase();
        last == f || key.to_lowercase() == f || (f.len() > 3 && last.contains(&f))
    })
}

fn flatten(
    node: &Node,
    prefix: &str,
    out: &mut BTreeMap<String, Located<RawValue>>,
    catalog: &FieldCatalog,
    diags: &mut Diagnostics,
) {
    match node {
        Node::Map { entries, .. } => {
            for (kpos, k, v) in entries {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                // A mapping is flattened unless the schema has a field at this exact path.
                if matches!(v, Node::Map { .. }) && catalog.get(&path).is_none() {
                    flatten(v, &path, out, catalog, diags);
                } else {
                    match value_of(v, diags) {
                        Some(val) => {
                            out.insert(path, Located::new(val, v.pos().clone()));
                        }
                        None => {
                            let _ = kpos;
                        }
                    }
                }
            }
        }
        other => {
            diags.push(Diagnostic::error(other.pos().clone(), "expected a mapping"));
        }
    }
}

fn value_of(node: &Node, diags: &mut Diagnostics) -> Option<RawValue> {
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
                    // `- name: PC1` is accepted as a list of names.
                    Node::Map { entries, pos } => {
                        match entries.iter().find(|(_, k, _)| k == "name") {
                            Some((_, _, Node::Scalar { text, pos, .. })) => {
                                list.push(Located::new(text.clone(), pos.clone()))
                            }
                            _ => diags.push(
                                Diagnostic::error(
                                    pos.clone(),
                                    "list items must be text or `name: ...`",
                                )
                                .with_help("write `- オンライン資格確認パソコン`"),
                            ),
                        }
                    }
                    Node::Seq { pos, .. } => diags.push(Diagnostic::error(
                        pos.clone(),
                        "nested lists are not supported here",
                    )),
                }
            }
            Some(RawValue::List(list))
        }
        Node::Map { pos, .. } => {
            diags.push(Diagnostic::error(
                pos.clone(),
                "expected a value, found a mapping",
            ));
            None
        }
    }
}

/// Derives a safe folder name: the digits of the institution code (10-digit
/// form when prefecture and 点数表 are known), else the file stem.
fn clinic_key(values: &BTreeMap<String, Located<RawValue>>, source: &SourcePos) -> String {
    let text = |p: &str| match values.get(p).map(|v| &v.value) {
        Some(RawValue::Text(t)) => Some(crate::validate::normalize::to_half_width(t).0),
        _ => None,
    };
    let digits = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
    let code = text("institution_code")
        .map(|c| digits(&c))
        .unwrap_or_default();
    let key = if code.len() == 7 {
        let pref = text("prefecture").map(|p| digits(&p)).unwrap_or_default();
        let table = text("fee_schedule").map(|t| digits(&t)).unwrap_or_default();
        if pref.len() <= 2 && !pref.is_empty() && table.len() == 1 {
            format!("{pref:0>2}{table}{code}")
        } else {
            code
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

/// Two clinics must not write into the same folder.
pub fn dedupe_keys(clinics: &mut [Clinic], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, SourcePos> = BTreeMap::new();
    for c in clinics.iter_mut() {
        if let Some(first) = seen.get(&c.key) {
            diags.push(
                Diagnostic::error(
                    c.source.clone(),
                    format!("clinic key `{}` is also used by {first}", c.key),
                )
                .with_help("two files describe the same institution code; remove or correct one"),
            );
            let mut n = 2;
            while seen.contains_key(&format!("{}-{n}", c.key)) {
                n += 1;
            }
            c.key = format!("{}-{n}", c.key);
        }
        seen.insert(c.key.clone(), c.source.clone());
    }
}

fn suggest<'a>(key: &str, catalog: &'a FieldCatalog) -> Option<&'a str> {
    catalog
        .fields
        .iter()
        .map(|f| (edit_distance(key, &f.path), f.path.as_str()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, p)| p)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
