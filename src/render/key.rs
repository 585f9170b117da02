//! A compact, self-delimiting byte form of any `Serialize` value, for
//! cache keys compared byte for byte (the build's picture cache: every value
//! a picture is drawn from).
//!
//! JSON did this before (docs/speed.md, "Speed, session 13"); this form says
//! the same with neither names nor quoting: every value starts with a tag
//! byte of its kind, strings and byte strings with their length, sequences
//! and maps mark each element and their end, and a struct's fields come in
//! their declared order, each marked as written or skipped. Two values of
//! one type have the same bytes only if they serialise the same. The
//! serializer is not human-readable, so a value with a compact form gives
//! that (rich text its tree, not the HTML rendered from it).

use serde::ser::{self, Serialize};

/// Why a value has no key (a `Serialize` implementation's own error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl ser::Error for KeyError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        KeyError(msg.to_string())
    }
}

/// Appends the key bytes of `value` to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), KeyError> {
    value.serialize(&mut Key(out))
}

/// The serializer: writes into the borrowed buffer.
struct Key<'a>(&'a mut Vec<u8>);

// Tag bytes, one per kind of value.
const BOOL: u8 = 1;
const INT: u8 = 2;
const UINT: u8 = 3;
const FLOAT: u8 = 4;
const CHAR: u8 = 5;
const STR: u8 = 6;
const BYTES: u8 = 7;
const NONE: u8 = 8;
const SOME: u8 = 9;
const UNIT: u8 = 10;
const VARIANT: u8 = 11;
const NEWTYPE: u8 = 12;
const SEQ: u8 = 13;
const MAP: u8 = 14;
const STRUCT: u8 = 15;
/// Before each element of a sequence or map, each field of a struct.
const ITEM: u8 = 1;
/// A struct's field left out (`skip_serializing_if`).
const SKIPPED: u8 = 2;
/// After the last element or field.
const END: u8 = 0;

impl Key<'_> {
    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.0.push(tag);
        self.0.extend_from_slice(bytes);
    }

    fn sized(&mut self, tag: u8, bytes: &[u8]) {
        self.0.push(tag);
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    fn variant(&mut self, index: u32) {
        self.tagged(VARIANT, &index.to_le_bytes());
    }
}

impl ser::Serializer for &mut Key<'_> {
    type Ok = ();
    type Error = KeyError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Not for people: a value may serialise in its compact form (rich text
    /// as its tree, not its HTML).
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), KeyError> {
        self.tagged(BOOL, &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), KeyError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), KeyError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), KeyError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), KeyError> {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result<(), KeyError> {
        self.tagged(INT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), KeyError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), KeyError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), KeyError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), KeyError> {
        self.serialize_u128(u128::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<(), KeyError> {
        self.tagged(UINT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), KeyError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), KeyError> {
        self.tagged(FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), KeyError> {
        self.tagged(CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), KeyError> {
        self.sized(STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), KeyError> {
        self.sized(BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), KeyError> {
        self.0.push(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), KeyError> {
        self.0.push(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), KeyError> {
        self.0.push(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), KeyError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Result<(), KeyError> {
        self.variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.0.push(NEWTYPE);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, KeyError> {
        self.0.push(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, KeyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, KeyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Self, KeyError> {
        self.variant(index);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, KeyError> {
        self.0.push(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, KeyError> {
        self.0.push(STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, KeyError> {
        self.variant(index);
        self.0.push(STRUCT);
        Ok(self)
    }
}

/// Sequences, tuples and their variants: each element marked, then the end.
impl Key<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        self.0.push(ITEM);
        value.serialize(&mut *self)
    }

    fn end(&mut self) -> Result<(), KeyError> {
        self.0.push(END);
        Ok(())
    }
}

macro_rules! items {
    ($($t:ident :: $f:ident),*) => {$(
        impl ser::$t for &mut Key<'_> {
            type Ok = ();
            type Error = KeyError;
            fn $f<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
                self.item(value)
            }
            fn end(self) -> Result<(), KeyError> {
                Key::end(self)
            }
        }
    )*};
}
items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Key<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), KeyError> {
        self.item(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), KeyError> {
        Key::end(self)
    }
}

macro_rules! fields {
    ($($t:ident),*) => {$(
        impl ser::$t for &mut Key<'_> {
            type Ok = ();
            type Error = KeyError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), KeyError> {
                self.item(value)
            }
            fn skip_field(&mut self, _key: &'static str) -> Result<(), KeyError> {
                self.0.push(SKIPPED);
                Ok(())
            }
            fn end(self) -> Result<(), KeyError> {
                Key::end(self)
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn key<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        match write(&mut out, v) {
            Ok(()) => out,
            Err(e) => panic!("{e}"),
        }
    }

    #[derive(Serialize)]
    struct Row {
        label: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        value: Option<String>,
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Shown {
        Nothing,
        Value { text: String },
    }

    /// Values a JSON key told apart are told apart here: strings split
    /// differently, an empty string and a missing value, a skipped field and
    /// a field holding nothing, nesting, numbers of different kinds.
    #[test]
    fn different_values_have_different_keys_and_equal_ones_equal_keys() {
        let row = |label: &str, note: Option<&str>, value: Option<&str>| Row {
            label: label.into(),
            note: note.map(Into::into),
            value: value.map(Into::into),
        };
        let keys = [
            key(&("ab", "c")),
            key(&("a", "bc")),
            key(&row("a", None, None)),
            key(&row("a", None, Some(""))),
            key(&row("a", Some(""), None)),
            key(&row("", Some("a"), None)),
            key(&vec![Vec::<String>::new()]),
            key(&vec![Vec::<String>::new(), Vec::new()]),
            key(&Vec::<Vec<String>>::new()),
            key(&0u32),
            key(&0i32),
            key(&0.0f32),
            key(&""),
            key(&Shown::Nothing),
            key(&Shown::Value {
                text: String::new(),
            }),
            key(&BTreeMap::from([("a", "b")])),
            key(&BTreeMap::from([("ab", "")])),
            key(&Some(())),
            key(&None::<()>),
        ];
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "values {i} and {j} share a key");
            }
        }
        assert_eq!(
            key(&row("利用申請", Some("※"), Some("1234567"))),
            key(&row("利用申請", Some("※"), Some("1234567")))
        );
    }

    /// Rich text is keyed by its tree (what its HTML and text are made
    /// from), not by the HTML rendered for the key; two texts differing in
    /// one word differ.
    #[test]
    fn rich_text_is_keyed_by_its_tree() {
        use crate::model::rich::{Block, Inline, Rich};
        let para = |t: &str| {
            Rich(vec![Block::Paragraph {
                inlines: vec![
                    Inline::Text { text: t.into() },
                    Inline::Strong {
                        inlines: vec![Inline::Text {
                            text: "注意".into(),
                        }],
                    },
                ],
            }])
        };
        let a = para("申請する");
        assert_eq!(key(&a), key(&a.0));
        assert_ne!(key(&a), key(&para("申請しない")));
        // People still get the rendered form.
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert!(json.contains("\"html\""), "{json}");
    }

    /// The key holds the values' bytes, not their names or quoting: a
    /// screen's key is shorter than its JSON.
    #[test]
    fn keys_are_shorter_than_json() {
        let rows: Vec<Row> = (0..20)
            .map(|i| Row {
                label: format!("項目{i}"),
                note: None,
                value: Some(format!("値\"{i}\"")),
            })
            .collect();
        let json = serde_json::to_vec(&rows).unwrap_or_default();
        assert!(
            key(&rows).len() < json.len(),
            "{} vs {}",
            key(&rows).len(),
            json.len()
        );
    }
}
