//! Model readiness: ListFoundationModels / GetFoundationModel (inference types,
//! lifecycle) and GetFoundationModelAvailability (agreement, authorization,
//! entitlement, region availability) → [`ModelStatus`]. Enum values pass through
//! as strings, including ones this SDK does not know.

use super::error::sdk_err;
use super::AwsAccount;
use crate::account::{AccountError, ModelStatus};
use std::sync::atomic::{AtomicBool, Ordering};

/// Every model the region offers, each with its availability to this account:
/// ListFoundationModels says what exists, not whether this account may invoke it, so
/// each listed model is also asked GetFoundationModelAvailability (at most
/// [`super::CONCURRENCY`] at once). When that is not readable with these credentials,
/// the availability fields stay unknown (`None`) and no more are asked.
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
    let listed: Vec<ModelStatus> = out
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
        .collect();
    let denied = AtomicBool::new(false);
    super::bounded(listed, |mut status| {
        let denied = &denied;
        async move {
            if denied.load(Ordering::Relaxed) {
                return Ok(status);
            }
            match availability(acct, &mut status).await {
                Ok(()) => {}
                Err(e) if e.is_access_denied() => denied.store(true, Ordering::Relaxed),
                // A listed id the availability API does not answer for (a
                // provisioned-only variant such as `…:0:200k`): unknown, not fatal.
                Err(e) if e.is_not_found() || e.code == "ValidationException" => {}
                Err(e) => return Err(e),
            }
            Ok(status)
        }
    })
    .await
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
    match availability(acct, &mut status).await {
        Ok(()) => {}
        // Not readable with these credentials: the fields stay unknown (`None`).
        Err(e) if e.is_access_denied() => {}
        Err(e) => return Err(e),
    }
    Ok(status)
}

/// GetFoundationModelAvailability into `status`'s availability fields.
async fn availability(acct: &AwsAccount, status: &mut ModelStatus) -> Result<(), AccountError> {
    let a = acct
        .bedrock(&status.region)?
        .get_foundation_model_availability()
        .model_id(&status.model_id)
        .send()
        .await
        .map_err(sdk_err("GetFoundationModelAvailability"))?;
    status.agreement = a
        .agreement_availability()
        .map(|x| x.status().as_str().to_string());
    status.authorization = Some(a.authorization_status().as_str().to_string());
    status.entitlement = Some(a.entitlement_availability().as_str().to_string());
    status.region_availability = Some(a.region_availability().as_str().to_string());
    Ok(())
}
