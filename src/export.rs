//! Exports derived from the clinic schema: clinic YAML files (for
//! `tebiki import`) and the JSON Schema of a clinic file (`tebiki schema`).

use crate::model::clinic::{Clinic, FieldCatalog, FieldDef, FieldKind, RawValue};
use serde_json::{Map, Value, json};

/// Writes `clinic` as a YAML file in schema order, every scalar quoted; a
/// value tidied or named in the list's own words keeps those words in a
/// comment, in the theme's words (`import_as_written`).
pub fn clinic_yaml(
    clinic: &Clinic,
    catalog: &FieldCatalog,
    schema_ref: &str,
    strings: &crate::model::strings::Strings,
) -> String {
    let mut out = format!("# yaml-language-server: $schema={schema_ref}\n");
    if let Some(src) = clinic.source.file.file_name().and_then(|n| n.to_str()) {
        out.push_str(&format!("# imported from {src} ({})\n", clinic.source));
    }
    let mut open: Vec<String> = Vec::new();
    for def in &catalog.fields {
        let Some(v) = clinic.values.get(&def.path) else {
            continue;
        };
        let parts: Vec<&str> = def.path.split('.').collect();
        let (parents, leaf) = parts.split_at(parts.len() - 1);
        // Close or open parent mappings as needed.
        let common = open
            .iter()
            .zip(parents)
            .take_while(|(a, b)| a.as_str() == **b)
            .count();
        open.truncate(common);
        for p in &parents[common..] {
            out.push_str(&format!("{}{p}:\n", "  ".repeat(open.len())));
            open.push((*p).to_string());
        }
        let indent = "  ".repeat(open.len());
        // An option named by its label or an alias is written as the
        // option's value, with its label and the clinic's own words in a comment.
        if let RawValue::Text(t) = &v.value
            && def.kind == FieldKind::Choice
            && let Some(o) = crate::validate::normalize::find_choice(&def.options, t)
            && o.value != t.trim()
        {
            let label: String = o
                .label
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            // The list's words are named only when they are not the label
            // itself (「行っている（元の表記 "行っている"）」 said it twice).
            let written = if label == t.trim() {
                String::new()
            } else {
                strings.fill(
                    "aside",
                    &[(
                        "text",
                        &strings.fill("import_as_written", &[("value", &quote(t.trim()))]),
                    )],
                )
            };
            out.push_str(&format!(
                "{indent}{}: {}  # {label}{written}\n",
                leaf[0],
                quote(&o.value),
            ));
            continue;
        }
        // A date, a year-month, a phone number, an address or a code the list writes in
        // its own way (令和9年1月, R9.1.15, 全角 digits) is written as tebiki
        // reads it, the list's words in a comment: the reviewer checks the
        // value the handout will show.
        if let RawValue::Text(t) = &v.value
            && let Some(norm) = normalized(def, t)
            && norm != t.trim()
        {
            out.push_str(&format!(
                "{indent}{}: {}  # {}\n",
                leaf[0],
                quote(&norm),
                strings.fill("import_as_written", &[("value", &quote(t.trim()))])
            ));
            continue;
        }
        match &v.value {
            RawValue::Text(t) if def.kind == FieldKind::List => {
                out.push_str(&format!("{indent}{}:\n", leaf[0]));
                for item in t
                    .split(['、', ',', ';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    out.push_str(&format!("{indent}  - {}\n", quote(item)));
                }
            }
            RawValue::Text(t) => {
                out.push_str(&format!("{indent}{}: {}\n", leaf[0], quote(t.trim())))
            }
            RawValue::List(items) => {
                out.push_str(&format!("{indent}{}:\n", leaf[0]));
                for item in items {
                    out.push_str(&format!("{indent}  - {}\n", quote(item.value.trim())));
                }
            }
        }
    }
    out
}

/// The value of `raw` as tebiki reads a field of `kind` (dates ISO,
/// year-months `2027-01`, phone numbers and e-mail addresses as the
/// validator tidies them, codes in half-width, a customer ID as its
/// validator reads it), or
/// `None` when the kind keeps its words or reading it, once in half-width,
/// finds anything (a weekday that does not match the date, a day on a
/// year-month, an error): that value is written as it is, so every later
/// check still says so.
fn normalized(def: &FieldDef, raw: &str) -> Option<String> {
    use crate::validate::{Checked, contact};
    // Tidying alone (parentheses or full-width ＠ in a phone number or an
    // address: `validate::Problem::tidy`) is how build reads it too; any other
    // problem keeps the list's words.
    fn clean<T>(c: Checked<T>) -> Option<T> {
        c.value.filter(|_| c.problems.iter().all(|p| p.tidy))
    }
    let (half, _) = crate::validate::normalize::to_half_width(raw.trim());
    match def.kind {
        FieldKind::Date => {
            clean(contact::check_date(&half)).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
        }
        FieldKind::YearMonth => {
            clean(contact::check_year_month(&half)).map(|(y, m)| format!("{y:04}-{m:02}"))
        }
        FieldKind::Phone => clean(contact::check_phone(&half)),
        // A count typed in full width (「２」) as the evaluator reads it.
        FieldKind::Integer => half.parse::<i64>().ok().map(|n| n.to_string()),
        FieldKind::Email => clean(contact::check_email(&half)),
        FieldKind::IpAddress => clean(contact::check_ip_address(&half)),
        // Separators (01-0102-9, 01,5026,8, 010,074.3, 01・0102・9) go, the
        // ones the validator drops: a set of its own here left 「01,5026,8」
        // as typed while 「01-0102-2」 was written as read.
        FieldKind::InstitutionCode => {
            let digits = crate::validate::institution::as_read(&half);
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
        }
        // The validator's own reading (separators 「CAF 1253000113」
        // 「CAF.1253.000.113」「caf-1253000113」 go, letters are capitals) and
        // only an ID it accepts: an ID it refuses (COP + 10 digits, F/T + 10
        // digits, no prefix) is kept as typed for the reviewer. The line's
        // carrier is not asked: it decides whether the ID is used, not how
        // it reads.
        FieldKind::CustomerId => {
            let formats: Vec<crate::validate::IdFormat> =
                def.formats.iter().map(Into::into).collect();
            clean(crate::validate::customer_id::check(raw, &formats, None))
        }
        _ => None,
    }
}

/// A double-quoted YAML scalar.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// JSON Schema (draft 2020-12) of a clinic YAML file, from the schema in content.
pub fn clinic_json_schema(catalog: &FieldCatalog) -> Value {
    let mut root = Map::new();
    let mut required_root: Vec<String> = Vec::new();
    for def in &catalog.fields {
        let mut prop = Map::new();
        let title = def.label.clone();
        prop.insert("title".into(), json!(title));
        if !def.help.is_empty() {
            prop.insert("description".into(), json!(def.help));
        }
        let scalar = json!(["string", "integer"]);
        match def.kind {
            FieldKind::Choice => {
                let values: Vec<Value> = def
                    .options
                    .iter()
                    .flat_map(|o| {
                        let mut v = vec![json!(o.value)];
                        if let Ok(n) = o.value.parse::<i64>() {
                            v.push(json!(n));
                        }
                        v
                    })
                    .collect();
                prop.insert("enum".into(), Value::Array(values));
                let labels: Vec<String> = def
                    .options
                    .iter()
                    .map(|o| format!("{} = {}", o.value, o.label))
                    .collect();
                prop.insert("markdownDescription".into(), json!(labels.join("\n\n")));
            }
            FieldKind::List => {
                prop.insert("type".into(), json!(["array", "string"]));
                prop.insert("items".into(), json!({"type": "string", "minLength": 1}));
            }
            FieldKind::InstitutionCode => {
                prop.insert("type".into(), scalar);
                prop.insert(
                    "pattern".into(),
                    json!("^\\s*[0-9０-９][0-9０-９,.\\-・ ]{6,13}\\s*$"),
                );
            }
            FieldKind::CustomerId => {
                prop.insert("type".into(), json!("string"));
                let alts: Vec<String> = def
                    .formats
                    .iter()
                    .map(|f| format!("{}[0-9]{{{}}}", f.prefix, f.digits))
                    .collect();
                if !alts.is_empty() {
                    prop.insert(
                        "pattern".into(),
                        json!(format!("^\\s*({})\\s*$", alts.join("|"))),
                    );
                }
            }
            FieldKind::Email => {
                prop.insert("type".into(), json!("string"));
                prop.insert("format".into(), json!("email"));
            }
            FieldKind::IpAddress => {
                prop.insert("type".into(), json!("string"));
                prop.insert("examples".into(), json!(["192.168.1.20"]));
            }
            FieldKind::Date => {
                prop.insert("type".into(), json!("string"));
                prop.insert("examples".into(), json!(["2026-12-10", "令和8年12月10日"]));
            }
            FieldKind::YearMonth => {
                prop.insert("type".into(), json!("string"));
                prop.insert("examples".into(), json!(["2026-12", "令和8年12月"]));
            }
            FieldKind::Integer => {
                prop.insert("type".into(), scalar);
            }
            _ => {
                prop.insert("type".into(), scalar);
            }
        }
        // Place the property at its nested path.
        let parts: Vec<&str> = def.path.split('.').collect();
        let leaf = parts[parts.len() - 1].to_string();
        insert_nested(
            &mut root,
            &parts[..parts.len() - 1],
            leaf.clone(),
            Value::Object(prop),
        );
        if def.required && parts.len() == 1 {
            required_root.push(leaf);
        }
    }
    // Required keys inside nested objects.
    for def in catalog
        .fields
        .iter()
        .filter(|d| d.required && d.path.contains('.'))
    {
        let parts: Vec<&str> = def.path.split('.').collect();
        let mut obj = root.get_mut(parts[0]);
        for p in &parts[1..parts.len() - 1] {
            obj = obj
                .and_then(|o| o.get_mut("properties"))
                .and_then(|p2| p2.get_mut(*p));
        }
        if let Some(Value::Object(o)) = obj {
            let req = o.entry("required").or_insert_with(|| json!([]));
            if let Value::Array(a) = req {
                a.push(json!(parts[parts.len() - 1]));
            }
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tebiki clinic data",
        "description": "One clinic for tebiki (generated from content/fields.yaml by `tebiki schema`).",
        "type": "object",
        "properties": Value::Object(root),
        "required": required_root,
        "additionalProperties": false,
    })
}

fn insert_nested(node: &mut Map<String, Value>, parents: &[&str], leaf: String, value: Value) {
    match parents.split_first() {
        None => {
            node.insert(leaf, value);
        }
        Some((first, rest)) => {
            let entry = node.entry(first.to_string()).or_insert_with(
                || json!({"type": "object", "properties": {}, "additionalProperties": false}),
            );
            if let Some(props) = entry.get_mut("properties").and_then(Value::as_object_mut) {
                insert_nested(props, rest, leaf, value);
            }
        }
    }
}
