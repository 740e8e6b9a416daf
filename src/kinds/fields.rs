//! The field names of a kind's spec struct, read from its `Deserialize` impl: serde
//! hands a struct's field list to `deserialize_struct`, and this deserializer stops
//! there and returns it. Lets tests hold string-named rules to the real fields.

use crate::account::spec::Spec;
use crate::account::Kind;
use serde::de::{self, Visitor};

#[derive(Debug)]
struct Fields(&'static [&'static str]);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field list")
    }
}

impl std::error::Error for Fields {}

impl de::Error for Fields {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        Fields(&[])
    }
}

struct Probe;

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Fields;

    fn deserialize_any<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Fields> {
        Err(Fields(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// The top-level field names of `kind`'s spec.
pub fn spec_fields(kind: Kind) -> &'static [&'static str] {
    match spec_of(kind) {
        Err(Fields(f)) => f,
        Ok(_) => &[],
    }
}

fn spec_of(kind: Kind) -> Result<Spec, Fields> {
    use crate::account::spec::*;
    use serde::Deserialize;
    Ok(match kind {
        Kind::ProvisionedThroughput => ProvisionedThroughputSpec::deserialize(Probe)?.into(),
        Kind::Guardrail => GuardrailSpec::deserialize(Probe)?.into(),
        Kind::GuardrailVersion => GuardrailVersionSpec::deserialize(Probe)?.into(),
        Kind::InferenceProfile => InferenceProfileSpec::deserialize(Probe)?.into(),
        Kind::InvocationLogging => InvocationLoggingSpec::deserialize(Probe)?.into(),
        Kind::Alarm => AlarmSpec::deserialize(Probe)?.into(),
        Kind::IamRole => IamRoleSpec::deserialize(Probe)?.into(),
        Kind::IamPolicy => IamPolicySpec::deserialize(Probe)?.into(),
        Kind::CustomModel => CustomModelSpec::deserialize(Probe)?.into(),
        Kind::CloudTrailTrail => CloudTrailTrailSpec::deserialize(Probe)?.into(),
        Kind::VpcEndpoint => VpcEndpointSpec::deserialize(Probe)?.into(),
        Kind::ModelAgreement => ModelAgreementSpec::deserialize(Probe)?.into(),
        Kind::UseCase => UseCaseSpec::deserialize(Probe)?.into(),
        Kind::EnforcedGuardrail => EnforcedGuardrailSpec::deserialize(Probe)?.into(),
    })
}
