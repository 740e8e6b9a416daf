//! The config change that fixes a model-access error (issue 17): bedrockctl can accept
//! a model's agreement, submit the Anthropic use-case form and wait until the model is
//! available, when the config says so. Added to the model access, Marketplace and
//! use-case form diagnoses, and to the errors of the calls that flow makes.

use super::advice::{base_id, model_of, Advice};
use super::classify::Facts;
use super::input::Pasted;
use super::Category;

/// What this module adds to a diagnosis, by category.
pub(super) fn after(p: &Pasted, f: &Facts, a: &mut Advice) {
    match f.category {
        Category::ModelAccess | Category::MarketplaceSubscription | Category::UseCaseForm => {
            config_fix(f, a)
        }
        Category::AccessDenied => {
            let op = f.operation.as_deref().unwrap_or_default();
            let action = f.action.as_deref().unwrap_or_default();
            if is_access_operation(op)
                || action
                    .strip_prefix("bedrock:")
                    .is_some_and(is_access_operation)
            {
                a.fix("the role that runs `bedrockctl apply` needs the model-access actions of `policies/bedrockctl-apply.json` (`bedrock:CreateFoundationModelAgreement` with `aws-marketplace:Subscribe` and `aws-marketplace:ViewSubscriptions`, `bedrock:PutUseCaseForModelAccess`, …)");
            }
        }
        Category::Validation if p.message.contains("formData") => form_data_fix(a),
        _ => {}
    }
}

/// `models: [{ id, regions, access: manage }]` + `accept_agreements: true` (and the
/// form for Anthropic models), written for the model and region of the error.
pub(super) fn config_fix(f: &Facts, a: &mut Advice) {
    let id = base_id(f);
    let region = f.region.as_deref().unwrap_or("<region>");
    let anthropic = f.category == Category::UseCaseForm
        || model_of(f).is_some_and(|m| m.provider == "Anthropic")
        || id.starts_with("anthropic.");
    a.fix(format!(
        "or let bedrockctl enable it: in bedrock.yaml, declare `models: [{{ id: {id}, regions: [{region}], access: manage }}]` and `accept_agreements: true` at the top{}, then `bedrockctl apply` accepts the offer and waits until the model is available",
        if anthropic {
            ", plus `use_case: { file: use-case.json }` (the Anthropic form)"
        } else {
            ""
        }
    ));
}

/// A rejected `formData` (PutUseCaseForModelAccess): what the form must hold.
pub(super) fn form_data_fix(a: &mut Advice) {
    a.cause("`formData` of PutUseCaseForModelAccess is a JSON document of 10 to 16,384 bytes (companyName, companyWebsite, intendedUsers, industryOption, otherIndustryOption, useCases)");
    a.fix("put the form in a file named by `use_case: { file: use-case.json }`: `bedrockctl validate` checks it offline and points at the field at fault");
}

/// An error naming one of the model-access operations (`CreateFoundationModelAgreement`, …).
pub(super) fn is_access_operation(op: &str) -> bool {
    matches!(
        op,
        "CreateFoundationModelAgreement"
            | "DeleteFoundationModelAgreement"
            | "ListFoundationModelAgreementOffers"
            | "PutUseCaseForModelAccess"
            | "GetUseCaseForModelAccess"
    )
}
