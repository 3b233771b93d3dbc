//! Reads a parsed JSON value, or the values of a query string, into a Rust
//! type strictly: an object is required wherever a struct or map is expected
//! (serde alone reads `["text"]` as a struct by position), a whole-number
//! float such as `28.0` is an integer, a query value is read as the number
//! or boolean its field expects, and every error names the path it is at.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use serde_json::{Error, Number, Value};

/// Where the value came from: a JSON body, or a query string (whose values
/// are all strings, repeated parameters becoming arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Json,
    Query,
}

/// A value that does not fit the type: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// `feelings[0].intensity`; `.` for the whole value.
    pub path: String,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: &Value, source: Source) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(Strict { value, source }).map_err(|e| DecodeError {
        path: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

/// A JSON number as an integer when it is one, also when written `28.0`.
enum Whole {
    Signed(i64),
    Unsigned(u64),
}

fn whole(n: &Number) -> Option<Whole> {
    if let Some(u) = n.as_u64() {
        return Some(Whole::Unsigned(u));
    }
    if let Some(i) = n.as_i64() {
        return Some(Whole::Signed(i));
    }
    let f = n.as_f64()?;
    if !f.is_finite() || f.fract() != 0.0 {
        return None;
    }
    // 2^63 and 2^64 are exact in f64; below them the casts are exact too.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        Some(Whole::Signed(f as i64))
    } else if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
        Some(Whole::Unsigned(f as u64))
    } else {
        None
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match whole(n) {
            Some(Whole::Signed(i)) => Unexpected::Signed(i),
            Some(Whole::Unsigned(u)) => Unexpected::Unsigned(u),
            None => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

struct Strict<'a> {
    value: &'a Value,
    source: Source,
}

impl<'a> Strict<'a> {
    /// A query value given more than once where one is expected.
    fn single(&self) -> Result<Option<&'a str>, Error> {
        match (self.source, self.value) {
            (Source::Query, Value::String(s)) => Ok(Some(s)),
            (Source::Query, Value::Array(_)) => {
                Err(de::Error::custom("is given more than once; give it once"))
            }
            _ => Ok(None),
        }
    }

    fn whole_from_query<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.single()? {
            Some(s) => {
                let s = s.trim();
                let n = s
                    .parse::<i64>()
                    .ok()
                    .map(Whole::Signed)
                    .or_else(|| s.parse::<u64>().ok().map(Whole::Unsigned))
                    .or_else(|| {
                        s.parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .and_then(|n| whole(&n))
                    });
                match n {
                    Some(Whole::Signed(i)) => visitor.visit_i64(i),
                    Some(Whole::Unsigned(u)) => visitor.visit_u64(u),
                    None => Err(de::Error::invalid_value(
                        Unexpected::Str(s),
                        &"a whole number",
                    )),
                }
            }
            None => self.any(visitor),
        }
    }

    fn any<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match whole(n) {
                Some(Whole::Unsigned(u)) => visitor.visit_u64(u),
                Some(Whole::Signed(i)) => visitor.visit_i64(i),
                None => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => {
                self.single()?;
                visitor.visit_seq(Seq {
                    items: items.iter(),
                    source: self.source,
                })
            }
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.iter(),
                value: None,
                source: self.source,
            }),
        }
    }
}

macro_rules! whole_numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                self.whole_from_query(visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Strict<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }

    whole_numbers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.single()? {
            Some(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => visitor.visit_f64(f),
                _ => Err(de::Error::invalid_value(Unexpected::Str(s), &"a number")),
            },
            None => self.any(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.single()? {
            Some("true") => visitor.visit_bool(true),
            Some("false") => visitor.visit_bool(false),
            Some(s) => Err(de::Error::invalid_value(
                Unexpected::Str(s),
                &"true or false",
            )),
            None => self.any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(unexpected(other), &"null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match (self.source, self.value) {
            (_, Value::Array(items)) => visitor.visit_seq(Seq {
                items: items.iter(),
                source: self.source,
            }),
            // A query parameter given once is a list of one.
            (Source::Query, single @ Value::String(_)) => visitor.visit_seq(Seq {
                items: std::slice::from_ref(single).iter(),
                source: self.source,
            }),
            (_, other) => Err(de::Error::invalid_type(unexpected(other), &"an array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.iter(),
                value: None,
                source: self.source,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &"an object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            other => Err(de::Error::invalid_type(unexpected(other), &"a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf identifier
    }
}

struct Seq<'a> {
    items: std::slice::Iter<'a, Value>,
    source: Source,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(value) => seed
                .deserialize(Strict {
                    value,
                    source: self.source,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
    source: Source,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(de::value::StrDeserializer::<Error>::new(key))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value without its key"))?;
        seed.deserialize(Strict {
            value,
            source: self.source,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Feeling {
        name: String,
        intensity: i64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Input {
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        mood: Option<u8>,
        #[serde(default)]
        feelings: Vec<Feeling>,
        #[serde(default)]
        value: Option<f64>,
        #[serde(default)]
        extra: BTreeMap<String, Value>,
    }

    fn json<T: DeserializeOwned>(v: Value) -> Result<T, DecodeError> {
        from_value(&v, Source::Json)
    }

    #[test]
    fn an_array_is_never_read_as_a_struct_at_any_depth() {
        let top = json::<Input>(json!(["text"])).unwrap_err();
        assert_eq!(top.path, ".");
        assert!(top.message.contains("expected an object"), "{top}");
        let nested = json::<Input>(json!({"feelings": [["sad", 5]]})).unwrap_err();
        assert_eq!(nested.path, "feelings[0]");
        assert!(nested.message.contains("expected an object"), "{nested}");
        let map = json::<Input>(json!({"extra": ["a"]})).unwrap_err();
        assert_eq!(map.path, "extra");
    }

    #[test]
    fn whole_number_floats_are_integers_and_fractions_are_not() {
        let ok: Input =
            json(json!({"mood": 7.0, "feelings": [{"name": "sad", "intensity": 3.0}], "value": 2}))
                .unwrap();
        assert_eq!(ok.mood, Some(7));
        assert_eq!(ok.feelings[0].intensity, 3);
        assert_eq!(ok.value, Some(2.0));
        let err = json::<Input>(json!({"mood": 7.5})).unwrap_err();
        assert_eq!(err.path, "mood");
        let err = json::<Input>(json!({"mood": 300.0})).unwrap_err();
        assert!(err.message.contains("300"), "{err}");
        let err =
            json::<Input>(json!({"feelings": [{"name": "x", "intensity": 1e300}]})).unwrap_err();
        assert_eq!(err.path, "feelings[0].intensity");
    }

    #[test]
    fn errors_name_the_path_of_unknown_fields_and_wrong_types() {
        let err = json::<Input>(json!({"feelings": [{"name": "x", "intensity": 1, "colour": 2}]}))
            .unwrap_err();
        assert_eq!(err.path, "feelings[0].colour");
        assert!(err.message.contains("unknown field `colour`"), "{err}");
        let err = json::<Input>(json!({"text": 5})).unwrap_err();
        assert_eq!(err.path, "text");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Query {
        limit: Option<u32>,
        due: Option<bool>,
        at: Option<f64>,
        q: Option<String>,
        #[serde(default)]
        map: Vec<String>,
    }

    fn query(v: Value) -> Result<Query, DecodeError> {
        from_value(&v, Source::Query)
    }

    #[test]
    fn query_values_are_read_as_their_fields_types() {
        let q =
            query(json!({"limit": "28.0", "due": "true", "at": "7.5", "q": "12", "map": "a=text"}))
                .unwrap();
        assert_eq!(
            q,
            Query {
                limit: Some(28),
                due: Some(true),
                at: Some(7.5),
                q: Some("12".into()),
                map: vec!["a=text".into()]
            }
        );
        let q = query(json!({"map": ["a=text", "b=date"]})).unwrap();
        assert_eq!(q.map.len(), 2);
    }

    #[test]
    fn bad_query_values_are_refused_naming_the_parameter() {
        for (v, path, says) in [
            (json!({"limit": "ten"}), "limit", "whole number"),
            (json!({"limit": "-1"}), "limit", "u32"),
            (json!({"due": "yes"}), "due", "true or false"),
            (json!({"at": "NaN"}), "at", "a number"),
            (json!({"q": ["a", "b"]}), "q", "more than once"),
            (json!({"limit": ["1", "2"]}), "limit", "more than once"),
            (json!({"colour": "red"}), "colour", "unknown field"),
        ] {
            let err = query(v.clone()).unwrap_err();
            assert_eq!(err.path, path, "{v}");
            assert!(err.message.contains(says), "{v}: {err}");
        }
    }
}
