//! `iam_role`: an IAM role with its trust policy, inline and attached policies
//! (account-global). Its generated policies may name other resources of the stack, so
//! it is planned after them and applied above them on the ladder.

use super::{with, KindDef};
use crate::account::spec::{IamRoleSpec, Normalize, Spec};
use crate::account::Kind;
use crate::policy::canonical::canonical_policy;

pub struct Def;

/// CreateRole's default MaxSessionDuration (seconds).
const DEFAULT_MAX_SESSION: u32 = 3600;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::IamRole
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |r: &mut IamRoleSpec| {
            r.normalize();
            r.max_session_duration.get_or_insert(DEFAULT_MAX_SESSION);
            r.assume_role_policy = canonical_policy(&r.assume_role_policy);
            for doc in r.inline_policies.values_mut() {
                *doc = canonical_policy(doc);
            }
        });
    }

    fn rank(&self) -> u8 {
        1
    }

    fn config_section(&self) -> &'static str {
        "iam"
    }
}
