//! The IAM decisions ("legs") one invocation needs: a cross-region inference profile
//! is authorized on the profile in the source region and on the model in every
//! destination region it may route to
//! (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
//! Access checks, the matrix and policy proofs all take their legs from here.

use super::catalog;
use crate::vocab::arn::{foundation_model_arn, inference_profile_arn};

/// One IAM decision a request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    pub resource: String,
    /// `aws:RequestedRegion` for this leg.
    pub region: String,
    /// A foundation-model leg in a destination region of a cross-region profile.
    pub destination: bool,
}

/// The profile leg plus one foundation-model leg per destination region.
pub fn profile_legs(profile_id: &str, source: &str, account: &str) -> Vec<Leg> {
    let Some((m, p)) = catalog().profile(profile_id) else {
        return Vec::new();
    };
    let mut legs = vec![Leg {
        resource: inference_profile_arn(source, account, profile_id),
        region: source.to_string(),
        destination: false,
    }];
    for d in p.destinations_from(source) {
        legs.push(Leg {
            resource: foundation_model_arn(d, &m.model_id),
            region: d.to_string(),
            destination: true,
        });
    }
    legs
}
