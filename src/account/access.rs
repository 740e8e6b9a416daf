//! Model access as account state (issue 17): agreement offers, accepted agreements,
//! the use-case form and the enforced guardrail configuration, in the shapes both
//! account implementations speak.
//!
//! Shapes follow botocore's bedrock model (2023-04-20): `Offer { offerId, offerToken,
//! termDetails { usageBasedPricingTerm { rateCard }, legalTerm { url }, supportTerm,
//! validityTerm } }`, `CreateFoundationModelAgreement { modelId, offerToken }`,
//! `PutUseCaseForModelAccess { formData }`, `PutEnforcedGuardrailConfiguration {
//! configId?, guardrailInferenceConfig { guardrailIdentifier, guardrailVersion } }`.

use serde::{Deserialize, Serialize};

/// One entry of ListFoundationModelAgreementOffers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AgreementOffer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    pub offer_token: String,
    /// `termDetails.legalTerm.url`: the EULA the agreement accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_url: Option<String>,
    /// `termDetails.usageBasedPricingTerm.rateCard`, one `dimension: price unit` line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pricing: Vec<String>,
    /// `termDetails.validityTerm.agreementDuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl AgreementOffer {
    /// `free` (no legal or pricing terms), `marketplace` (an AWS Marketplace offer: it has
    /// an offer id) or `terms` (a EULA and/or prices to accept).
    pub fn offer_type(&self) -> &'static str {
        if self.offer_id.is_some() {
            "marketplace"
        } else if self.legal_url.is_none() && self.pricing.is_empty() {
            "free"
        } else {
            "terms"
        }
    }
}

/// `model_agreement`: an accepted offer for one model in one region. The resource name
/// is the model id; `status` is GetFoundationModelAvailability's `agreementAvailability`
/// (`PENDING`, `AVAILABLE`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelAgreementSpec {
    pub model_id: String,
    /// The model's provider (`Anthropic`, `Meta`, …), from the catalog.
    #[serde(default)]
    pub provider: String,
    /// The offer accepted; empty when read back (the API does not report it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<AgreementOffer>,
    /// `free`, `terms` or `marketplace`; empty when read back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub offer_type: String,
}

/// `use_case`: the account's form, as the JSON text submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UseCaseSpec {
    pub form_data: String,
    /// Not an API field: the models (`REGION/MODEL`) apply waits for once the form is in,
    /// those that only lacked the form (the others are waited for on their agreement).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wait_for: Vec<String>,
}

/// `enforced_guardrail`: the account's enforced guardrail configuration in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EnforcedGuardrailSpec {
    /// Guardrail ARN (a `${guardrail.REGION.NAME.arn}` placeholder until it exists).
    pub guardrail: String,
    /// Numbered version; [`LATEST_VERSION`] until apply publishes it.
    pub version: String,
}

/// The version an enforced guardrail takes when apply publishes a new one: the highest
/// version of the guardrail once its versions stage ran.
pub const LATEST_VERSION: &str = "(known after apply)";

/// Providers whose models need the use-case form before they are authorized
/// (errors.md B8; the Bedrock model-access page).
pub fn needs_use_case_form(model_id: &str) -> bool {
    model_id.starts_with("anthropic.")
}
