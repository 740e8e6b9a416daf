//! Model access on the SDK (issue 17): ListFoundationModelAgreementOffers,
//! Create/DeleteFoundationModelAgreement, Put/GetUseCaseForModelAccess and the
//! Put/List/DeleteEnforcedGuardrailConfiguration calls, in the shapes of botocore's
//! bedrock model (2023-04-20):
//! https://github.com/boto/botocore/blob/develop/botocore/data/bedrock/2023-04-20/service-2.json
//!
//! No API lists agreements: an agreement is what GetFoundationModelAvailability's
//! `agreementAvailability.status` reports (`AVAILABLE`, `PENDING`), so listing them reads
//! the region's models (`models::list`). The use-case form is per account: it is read
//! and written in the home region.

use super::error::sdk_err;
use super::typed_spec as parse_spec;
use super::AwsAccount;
use crate::account::access::{
    AgreementOffer, EnforcedGuardrailSpec, ModelAgreementSpec, UseCaseSpec,
};
use crate::account::{AccountError, Kind, Resource, GLOBAL};
use aws_sdk_bedrock::primitives::Blob;
use aws_sdk_bedrock::types::AccountEnforcedGuardrailInferenceInputConfiguration;

pub const USE_CASE_NAME: &str = "default";
pub const ENFORCED_NAME: &str = "default";

pub(crate) async fn offers(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
) -> Result<Vec<AgreementOffer>, AccountError> {
    let out = acct
        .bedrock(region)?
        .list_foundation_model_agreement_offers()
        .model_id(model_id)
        .send()
        .await
        .map_err(sdk_err("ListFoundationModelAgreementOffers"))?;
    Ok(out
        .offers()
        .iter()
        .map(|o| {
            let terms = o.term_details();
            AgreementOffer {
                offer_id: o.offer_id().map(str::to_string),
                offer_token: o.offer_token().to_string(),
                legal_url: terms
                    .and_then(|t| t.legal_term())
                    .and_then(|l| l.url())
                    .map(str::to_string),
                pricing: terms
                    .and_then(|t| t.usage_based_pricing_term())
                    .map(|p| {
                        p.rate_card()
                            .iter()
                            .map(|r| {
                                format!(
                                    "{}: {} {}",
                                    r.dimension().unwrap_or("usage"),
                                    r.price().unwrap_or("?"),
                                    r.unit().unwrap_or_default()
                                )
                                .trim_end()
                                .to_string()
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                duration: terms
                    .and_then(|t| t.validity_term())
                    .and_then(|v| v.agreement_duration())
                    .map(str::to_string),
            }
        })
        .collect())
}

fn provider(model_id: &str) -> String {
    crate::catalog::catalog()
        .model(model_id)
        .map(|m| m.provider.clone())
        .unwrap_or_default()
}

fn agreement_resource(region: &str, model_id: &str, status: &str) -> Resource {
    let spec = ModelAgreementSpec {
        model_id: model_id.to_string(),
        provider: provider(model_id),
        ..ModelAgreementSpec::default()
    };
    Resource {
        kind: Kind::ModelAgreement,
        region: region.to_string(),
        name: model_id.to_string(),
        id: Some(model_id.to_string()),
        spec: crate::account::spec::Spec::from(spec),
        tags: Default::default(),
        status: Some(status.to_string()),
    }
}

/// Agreements in place (accepted or pending) for the region's models.
pub(crate) async fn list_agreements(
    acct: &AwsAccount,
    region: &str,
) -> Result<Vec<Resource>, AccountError> {
    let models = super::models::list(acct, region).await?;
    Ok(models
        .iter()
        .filter_map(|m| match m.agreement.as_deref() {
            Some(s @ ("AVAILABLE" | "PENDING")) => Some(agreement_resource(region, &m.model_id, s)),
            _ => None,
        })
        .collect())
}

pub(crate) async fn create_agreement(
    acct: &AwsAccount,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let op = "CreateFoundationModelAgreement";
    let spec: ModelAgreementSpec = parse_spec(op, desired)?;
    let token = spec
        .offer
        .as_ref()
        .map(|o| o.offer_token.clone())
        .ok_or_else(|| AccountError::validation(op, "no offer token to accept"))?;
    match acct
        .bedrock(&desired.region)?
        .create_foundation_model_agreement()
        .model_id(&spec.model_id)
        .offer_token(token)
        .send()
        .await
        .map_err(sdk_err(op))
    {
        Ok(_) => {}
        // Accepted already (an interrupted run, or someone in the console): the goal is met.
        Err(e) if e.code == "ConflictException" => {}
        Err(e) => return Err(e),
    }
    Ok(Resource {
        id: Some(spec.model_id.clone()),
        status: Some("PENDING".to_string()),
        ..desired.clone()
    })
}

pub(crate) async fn delete_agreement(
    acct: &AwsAccount,
    live: &Resource,
) -> Result<(), AccountError> {
    acct.bedrock(&live.region)?
        .delete_foundation_model_agreement()
        .model_id(&live.name)
        .send()
        .await
        .map_err(sdk_err("DeleteFoundationModelAgreement"))?;
    Ok(())
}

fn use_case_resource(form_data: String) -> Resource {
    Resource {
        kind: Kind::UseCase,
        region: GLOBAL.to_string(),
        name: USE_CASE_NAME.to_string(),
        id: Some(USE_CASE_NAME.to_string()),
        spec: crate::account::spec::Spec::from(UseCaseSpec {
            form_data,
            wait_for: Vec::new(),
        }),
        tags: Default::default(),
        status: None,
    }
}

/// GetUseCaseForModelAccess; none submitted is `ResourceNotFoundException`.
pub(crate) async fn get_use_case(acct: &AwsAccount) -> Result<Option<Resource>, AccountError> {
    match acct
        .bedrock(&acct.home_region)?
        .get_use_case_for_model_access()
        .send()
        .await
        .map_err(sdk_err("GetUseCaseForModelAccess"))
    {
        Ok(out) => Ok(Some(use_case_resource(
            String::from_utf8_lossy(out.form_data().as_ref()).into_owned(),
        ))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) async fn put_use_case(
    acct: &AwsAccount,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let op = "PutUseCaseForModelAccess";
    let spec: UseCaseSpec = parse_spec(op, desired)?;
    acct.bedrock(&acct.home_region)?
        .put_use_case_for_model_access()
        .form_data(Blob::new(spec.form_data.clone().into_bytes()))
        .send()
        .await
        .map_err(sdk_err(op))?;
    Ok(use_case_resource(spec.form_data))
}

/// ListEnforcedGuardrailsConfiguration (at most one per region), every page.
pub(crate) async fn list_enforced(
    acct: &AwsAccount,
    region: &str,
) -> Result<Vec<Resource>, AccountError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = acct
            .bedrock(region)?
            .list_enforced_guardrails_configuration()
            .set_next_token(next.take())
            .send()
            .await
            .map_err(sdk_err("ListEnforcedGuardrailsConfiguration"))?;
        for c in page.guardrails_config() {
            let spec = EnforcedGuardrailSpec {
                guardrail: c.guardrail_arn().unwrap_or_default().to_string(),
                version: c.guardrail_version().unwrap_or_default().to_string(),
            };
            out.push(Resource {
                kind: Kind::EnforcedGuardrail,
                region: region.to_string(),
                name: ENFORCED_NAME.to_string(),
                id: c.config_id().map(str::to_string),
                spec: crate::account::spec::Spec::from(spec),
                tags: Default::default(),
                status: None,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// PutEnforcedGuardrailConfiguration; `live` carries the `configId` of an update.
pub(crate) async fn put_enforced(
    acct: &AwsAccount,
    desired: &Resource,
    live: Option<&Resource>,
) -> Result<Resource, AccountError> {
    let op = "PutEnforcedGuardrailConfiguration";
    let spec: EnforcedGuardrailSpec = parse_spec(op, desired)?;
    let config = AccountEnforcedGuardrailInferenceInputConfiguration::builder()
        .guardrail_identifier(&spec.guardrail)
        .guardrail_version(&spec.version)
        .build()
        .map_err(|e| AccountError::validation(op, e.to_string()))?;
    let out = acct
        .bedrock(&desired.region)?
        .put_enforced_guardrail_configuration()
        .set_config_id(live.and_then(|l| l.id.clone()))
        .guardrail_inference_config(config)
        .send()
        .await
        .map_err(sdk_err(op))?;
    Ok(Resource {
        id: out
            .config_id()
            .map(str::to_string)
            .or_else(|| live.and_then(|l| l.id.clone())),
        ..desired.clone()
    })
}

pub(crate) async fn delete_enforced(
    acct: &AwsAccount,
    live: &Resource,
) -> Result<(), AccountError> {
    let op = "DeleteEnforcedGuardrailConfiguration";
    let id = live
        .id
        .as_deref()
        .ok_or_else(|| AccountError::validation(op, "no configId to delete"))?;
    acct.bedrock(&live.region)?
        .delete_enforced_guardrail_configuration()
        .config_id(id)
        .send()
        .await
        .map_err(sdk_err(op))?;
    Ok(())
}
