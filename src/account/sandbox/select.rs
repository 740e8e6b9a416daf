//! Reading only the entries of one (kind, region), or only the settings, from
//! `state.json` bytes.
//!
//! A state too large to keep parsed between calls (see `store::CACHE_MAX_BYTES`) is
//! read per call; a `list` then builds only the entries it returns. Stored entries
//! start with `kind` and `region` (the serialization order of `Resource`), so the
//! others are skipped without building their specs. An entry written in another key
//! order still works: it is just fully read before being dropped.

use super::store::{Entry, FlatEntry};
use crate::account::Kind;
use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// `format_version` (as found) and the entries of `kind` in `region` (IAM kinds are
/// global: any region).
pub fn entries(
    bytes: &[u8],
    kind: Kind,
    region: &str,
) -> serde_json::Result<(Option<serde_json::Value>, Vec<Entry>)> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let out = Top { kind, region }.deserialize(&mut de)?;
    de.end()?;
    Ok(out)
}

/// The state's top-level fields but `resources`, which is skipped unbuilt: the account
/// id, SCPs, model overrides and the rest of what model and organization calls read.
pub fn settings(bytes: &[u8]) -> serde_json::Result<serde_json::Map<String, serde_json::Value>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let rest = de.deserialize_map(Settings)?;
    de.end()?;
    Ok(rest)
}

struct Settings;

impl<'de> Visitor<'de> for Settings {
    type Value = serde_json::Map<String, serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sandbox state object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rest = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "resources" {
                map.next_value::<IgnoredAny>()?;
            } else {
                rest.insert(key, map.next_value()?);
            }
        }
        Ok(rest)
    }
}

#[derive(Clone, Copy)]
struct Top<'a> {
    kind: Kind,
    region: &'a str,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = (Option<serde_json::Value>, Vec<Entry>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = (Option<serde_json::Value>, Vec<Entry>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sandbox state object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut version, mut found) = (None, Vec::new());
        while let Some(key) = map.next_key::<TopField>()? {
            match key {
                TopField::FormatVersion => version = Some(map.next_value()?),
                TopField::Resources => found = map.next_value_seed(Entries(self))?,
                TopField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((version, found))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum TopField {
    FormatVersion,
    Resources,
    #[serde(other)]
    Other,
}

struct Entries<'a>(Top<'a>);

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = Vec<Entry>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = Vec<Entry>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(e) = seq.next_element_seed(One(self.0))? {
            out.extend(e);
        }
        Ok(out)
    }
}

struct One<'a>(Top<'a>);

impl<'de> DeserializeSeed<'de> for One<'_> {
    type Value = Option<Entry>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Kind,
    Region,
    Name,
    Id,
    Spec,
    Tags,
    Status,
    Meta,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for One<'_> {
    type Value = Option<Entry>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a stored resource")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let want = self.0;
        let (mut kind, mut region): (Option<Kind>, Option<String>) = (None, None);
        let (mut name, mut id, mut spec, mut tags, mut status, mut meta) =
            (None, None, None, None, None, None);
        let mut rejected = false;
        while let Some(key) = map.next_key::<Field>()? {
            if rejected {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            match key {
                Field::Kind => kind = Some(map.next_value()?),
                Field::Region => region = Some(map.next_value()?),
                Field::Name => name = Some(map.next_value()?),
                Field::Id => id = map.next_value()?,
                Field::Spec => spec = Some(map.next_value()?),
                Field::Tags => tags = Some(map.next_value()?),
                Field::Status => status = map.next_value()?,
                Field::Meta => meta = Some(map.next_value()?),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if let (Some(k), Some(r)) = (kind, region.as_deref()) {
                rejected = k != want.kind || !(k.is_global() || r == want.region);
            }
        }
        if rejected {
            return Ok(None);
        }
        let flat = FlatEntry {
            kind: kind.ok_or_else(|| A::Error::missing_field("kind"))?,
            region: region.ok_or_else(|| A::Error::missing_field("region"))?,
            name: name.ok_or_else(|| A::Error::missing_field("name"))?,
            id,
            spec: spec.ok_or_else(|| A::Error::missing_field("spec"))?,
            tags: tags.unwrap_or_default(),
            status,
            meta: meta.unwrap_or_default(),
        };
        // Both are known here (a missing one is an error above), and `rejected` was
        // last computed from them: the entry matches.
        Entry::try_from(flat).map(Some).map_err(A::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::sandbox::store::{Seed, State};
    use crate::account::Resource;
    use serde_json::json;

    fn state() -> State {
        let r = |kind: &str, region: &str, name: &str| -> Resource {
            let spec = if kind == "alarm" {
                json!({"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
                    "period": 60, "evaluation_periods": 1, "threshold": 1,
                    "comparison": "GreaterThanThreshold"})
            } else {
                json!({"document": {}})
            };
            serde_json::from_value(json!({"kind": kind, "region": region, "name": name,
                "spec": spec, "tags": {"k": "v"}}))
            .unwrap()
        };
        let seed = Seed {
            resources: vec![
                r("alarm", "us-east-1", "a"),
                r("alarm", "us-west-2", "b"),
                r("iam_policy", "global", "p"),
                r("alarm", "us-east-1", "c"),
            ],
            ..Seed::default()
        };
        State::from_seed(seed, 0).unwrap()
    }

    fn names(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.resource.name.as_str()).collect()
    }

    #[test]
    fn selects_what_of_kind_selects() {
        let s = state();
        let bytes = serde_json::to_vec_pretty(&s).unwrap();
        for (kind, region) in [
            (Kind::Alarm, "us-east-1"),
            (Kind::Alarm, "us-west-2"),
            (Kind::Alarm, "eu-west-1"),
            (Kind::IamPolicy, "us-east-1"),
        ] {
            let (version, got) = entries(&bytes, kind, region).unwrap();
            assert_eq!(version, Some(json!(1)));
            let want: Vec<Entry> = s.of_kind(kind, region).cloned().collect();
            assert_eq!(names(&got), names(&want), "{kind} {region}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.resource, w.resource);
                assert_eq!(g.meta, w.meta);
            }
        }
    }

    #[test]
    fn settings_are_the_state_without_its_resources() {
        let mut s = state();
        s.account_id = "444455556666".into();
        s.scps = vec![vec![json!({"Statement": []})]];
        let bytes = serde_json::to_vec_pretty(&s).unwrap();
        let got = settings(&bytes).unwrap();
        s.resources.clear();
        let got: State = serde_json::from_value(serde_json::Value::Object(got)).unwrap();
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&s).unwrap()
        );
        assert!(settings(br#"{"format_version": 1, "resources": [}"#).is_err());
    }

    #[test]
    fn key_order_and_unknown_keys_do_not_matter() {
        let text = r#"{"resources": [
            {"spec": {"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
                "period": 60, "evaluation_periods": 1, "threshold": 1,
                "comparison": "GreaterThanThreshold"},
             "name": "late", "extra": [1, {"x": 2}], "region": "us-east-1", "kind": "alarm"},
            {"kind": "alarm", "region": "us-west-2", "name": "other", "spec": {"deep": [[{}]]}}
        ], "format_version": 1}"#;
        let (version, got) = entries(text.as_bytes(), Kind::Alarm, "us-east-1").unwrap();
        assert_eq!(version, Some(json!(1)));
        assert_eq!(names(&got), ["late"]);
    }

    #[test]
    fn broken_entries_are_errors_not_skips() {
        for text in [
            r#"{"format_version": 1, "resources": [{"kind": "alarm", "region": "us-east-1"}]}"#,
            r#"{"format_version": 1, "resources": [{"kind": "nope", "region": "us-east-1"}]}"#,
            r#"{"format_version": 1, "resources": [{"kind": "alarm", "region": "us-west-2", "name": 3}"#,
        ] {
            assert!(
                entries(text.as_bytes(), Kind::Alarm, "us-east-1").is_err(),
                "{text}"
            );
        }
    }
}
