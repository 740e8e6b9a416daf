//! `inference_profile`: an application inference profile, fixed at create time.

use super::KindDef;
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::InferenceProfile
    }

    // Application inference profiles have no Update operation.
    fn replace_fields(&self) -> &'static [&'static str] {
        &["copy_from", "description"]
    }

    fn takes_token(&self) -> bool {
        true
    }

    fn config_section(&self) -> &'static str {
        "inference_profiles"
    }
}
