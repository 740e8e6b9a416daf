//! Model access as account state (issue 17): agreement offers, accepted agreements,
//! the use-case form and the enforced guardrail configuration, in the shapes both
//! account implementations speak.
//!
//! Shapes follow botocore's bedrock model (2023-04-20): `Offer { offerId, offerToken,
//! termDetails { usageBasedPricingTerm { rateCard }, legalTerm { url }, supportTerm,
//! validityTerm } }`, `CreateFoundationModelAgreement { modelId, offerToken }`,
//! `PutUseCaseForModelAccess { formData }`, `PutEnforcedGuardrailConfiguration {
//! configId?, guardrailInferenceConfig { guardrailIdentifier, guardrailVersion } }`.

pub use super::spec::{AgreementOffer, EnforcedGuardrailSpec, ModelAgreementSpec, UseCaseSpec};

/// The version an enforced guardrail takes when apply publishes a new one: the highest
/// version of the guardrail once its versions stage ran.
pub const LATEST_VERSION: &str = "(known after apply)";

/// Providers whose models need the use-case form before they are authorized
/// (errors.md B8; the Bedrock model-access page).
pub fn needs_use_case_form(model_id: &str) -> bool {
    model_id.starts_with("anthropic.")
}
