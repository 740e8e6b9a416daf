//! Model readiness: ListFoundationModels / GetFoundationModel (inference types,
//! lifecycle) and GetFoundationModelAvailability (agreement, authorization,
//! entitlement, region availability) → [`ModelStatus`]. Enum values pass through
//! as strings, including ones this SDK does not know.

use super::error::sdk_err;
use super::AwsAccount;
use crate::account::{AccountError, ModelStatus};

pub(crate) async fn list(
    acct: &AwsAccount,
    region: &str,
) -> Result<Vec<ModelStatus>, AccountError> {
    let out = acct
        .bedrock(region)?
        .list_foundation_models()
        .send()
        .await
        .map_err(sdk_err("ListFoundationModels"))?;
    Ok(out
        .model_summaries()
        .iter()
        .map(|m| ModelStatus {
            model_id: m.model_id().to_string(),
            region: region.to_string(),
            exists: true,
            lifecycle: m.model_lifecycle().map(|l| l.status().as_str().to_string()),
            inference_types: m
                .inference_types_supported()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            ..ModelStatus::default()
        })
        .collect())
}

pub(crate) async fn status(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
) -> Result<ModelStatus, AccountError> {
    let mut status = ModelStatus {
        model_id: model_id.to_string(),
        region: region.to_string(),
        ..ModelStatus::default()
    };
    match acct
        .bedrock(region)?
        .get_foundation_model()
        .model_identifier(model_id)
        .send()
        .await
        .map_err(sdk_err("GetFoundationModel"))
    {
        Ok(out) => {
            if let Some(d) = out.model_details() {
                status.exists = true;
                status.lifecycle = d.model_lifecycle().map(|l| l.status().as_str().to_string());
                status.inference_types = d
                    .inference_types_supported()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect();
            }
        }
        // An id the region does not have: `exists` stays false; nothing else to ask.
        Err(e) if e.is_not_found() || e.code == "ValidationException" => return Ok(status),
        Err(e) => return Err(e),
    }
    match acct
        .bedrock(region)?
        .get_foundation_model_availability()
        .model_id(model_id)
        .send()
        .await
        .map_err(sdk_err("GetFoundationModelAvailability"))
    {
        Ok(a) => {
            status.agreement = a
                .agreement_availability()
                .map(|x| x.status().as_str().to_string());
            status.authorization = Some(a.authorization_status().as_str().to_string());
            status.entitlement = Some(a.entitlement_availability().as_str().to_string());
            status.region_availability = Some(a.region_availability().as_str().to_string());
        }
        // Not readable with these credentials: the fields stay unknown (`None`).
        Err(e) if e.is_access_denied() => {}
        Err(e) => return Err(e),
    }
    Ok(status)
}
