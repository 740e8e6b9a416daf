//! `iam_policy`: a customer managed policy (account-global).

use super::{with, KindDef};
use crate::account::spec::{IamPolicySpec, Spec};
use crate::account::Kind;
use crate::policy::canonical::canonical_policy;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::IamPolicy
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |p: &mut IamPolicySpec| {
            p.document = canonical_policy(&p.document)
        });
    }

    fn config_section(&self) -> &'static str {
        "iam"
    }
}
