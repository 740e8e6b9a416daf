//! Guardrails and guardrail versions (Create/Get/List/Update/DeleteGuardrail,
//! CreateGuardrailVersion), mapped to [`GuardrailSpec`] / [`GuardrailVersionSpec`].
//!
//! Only what the config can say is read back: content filter strengths, topics,
//! words, PII, regexes and grounding thresholds. Server-side defaults (tiers such
//! as `CLASSIC`, modalities, per-direction actions and `enabled` flags) are never
//! surfaced into the spec, so they never show as a diff.
//!
//! `publish_version` is not an API field: it reads as true when the guardrail has
//! at least one numbered version. Versions are not taggable; a version carries the
//! tags of its guardrail, which is what ownership is decided on.

use super::error::{build_err, gone_is_ok, live_id, sdk_err};
use super::{bounded, client_token, tags, typed_spec, AwsAccount};
use crate::account::spec::Spec;
use crate::account::spec::{
    ContentFilterSpec, GuardrailSpec, GuardrailVersionSpec, Normalize, PiiSpec, RegexSpec,
    TopicSpec,
};
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_bedrock::operation::get_guardrail::GetGuardrailOutput;
use aws_sdk_bedrock::types::{
    GuardrailContentFilterConfig, GuardrailContentFilterType, GuardrailContentPolicyConfig,
    GuardrailContextualGroundingFilterConfig, GuardrailContextualGroundingFilterType,
    GuardrailContextualGroundingPolicyConfig, GuardrailFilterStrength, GuardrailManagedWordsConfig,
    GuardrailManagedWordsType, GuardrailPiiEntityConfig, GuardrailPiiEntityType,
    GuardrailRegexConfig, GuardrailSensitiveInformationAction,
    GuardrailSensitiveInformationPolicyConfig, GuardrailSummary, GuardrailTopicConfig,
    GuardrailTopicPolicyConfig, GuardrailTopicType, GuardrailWordConfig, GuardrailWordPolicyConfig,
};
use std::collections::BTreeMap;

const DRAFT: &str = "DRAFT";

/// Every guardrail of the region (the working drafts), with tags.
pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let summaries = list_summaries(acct, region, None).await?;
    bounded(summaries, |s| async move {
        let out = get_raw(acct, region, s.id(), None).await?;
        match out {
            Some(out) => Ok(Some(to_resource(acct, region, &out).await?)),
            // Deleted between the list and the read.
            None => Ok(None),
        }
    })
    .await
    .map(|v| v.into_iter().flatten().collect())
}

/// ListGuardrails, all pages. With `guardrail`, the versions of that guardrail.
async fn list_summaries(
    acct: &AwsAccount,
    region: &str,
    guardrail: Option<&str>,
) -> Result<Vec<GuardrailSummary>, AccountError> {
    let pages: Vec<_> = acct
        .bedrock(region)?
        .list_guardrails()
        .set_guardrail_identifier(guardrail.map(str::to_string))
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListGuardrails"))?;
    Ok(pages.into_iter().flat_map(|p| p.guardrails).collect())
}

async fn get_raw(
    acct: &AwsAccount,
    region: &str,
    id: &str,
    version: Option<&str>,
) -> Result<Option<GetGuardrailOutput>, AccountError> {
    match acct
        .bedrock(region)?
        .get_guardrail()
        .guardrail_identifier(id)
        .set_guardrail_version(version.map(str::to_string))
        .send()
        .await
        .map_err(sdk_err("GetGuardrail"))
    {
        Ok(out) => Ok(Some(out)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) async fn get(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    match get_raw(acct, region, id, None).await? {
        Some(out) => Ok(Some(to_resource(acct, region, &out).await?)),
        None => Ok(None),
    }
}

async fn to_resource(
    acct: &AwsAccount,
    region: &str,
    out: &GetGuardrailOutput,
) -> Result<Resource, AccountError> {
    let mut spec = spec_from_output(out);
    let versions = list_summaries(acct, region, Some(out.guardrail_id())).await?;
    spec.publish_version = versions.iter().any(|v| v.version() != DRAFT);
    let tags = tags::list(acct, region, out.guardrail_arn()).await?;
    Ok(Resource {
        kind: Kind::Guardrail,
        region: region.to_string(),
        name: out.name().to_string(),
        id: Some(out.guardrail_arn().to_string()),
        spec: Spec::from(spec),
        tags,
        status: Some(out.status().as_str().to_string()),
    })
}

/// The canonical spec of a GetGuardrail answer (draft or version).
pub(crate) fn spec_from_output(out: &GetGuardrailOutput) -> GuardrailSpec {
    let mut spec = GuardrailSpec {
        description: out.description().map(str::to_string),
        blocked_input_message: out.blocked_input_messaging().to_string(),
        blocked_output_message: out.blocked_outputs_messaging().to_string(),
        ..GuardrailSpec::default()
    };
    if let Some(p) = out.content_policy() {
        spec.content_filters = p
            .filters()
            .iter()
            .map(|f| ContentFilterSpec {
                r#type: f.r#type().as_str().to_string(),
                input: f.input_strength().as_str().to_string(),
                output: f.output_strength().as_str().to_string(),
            })
            .collect();
    }
    if let Some(p) = out.topic_policy() {
        spec.denied_topics = p
            .topics()
            .iter()
            .map(|t| TopicSpec {
                name: t.name().to_string(),
                definition: t.definition().to_string(),
                examples: t.examples().to_vec(),
            })
            .collect();
    }
    if let Some(p) = out.word_policy() {
        spec.managed_words = p
            .managed_word_lists()
            .iter()
            .map(|w| w.r#type().as_str().to_string())
            .collect();
        spec.custom_words = p.words().iter().map(|w| w.text().to_string()).collect();
    }
    if let Some(p) = out.sensitive_information_policy() {
        spec.pii = p
            .pii_entities()
            .iter()
            .map(|e| PiiSpec {
                r#type: e.r#type().as_str().to_string(),
                action: e.action().as_str().to_string(),
            })
            .collect();
        spec.regexes = p
            .regexes()
            .iter()
            .map(|r| RegexSpec {
                name: r.name().to_string(),
                pattern: r.pattern().to_string(),
                action: r.action().as_str().to_string(),
                description: r.description().map(str::to_string),
            })
            .collect();
    }
    if let Some(p) = out.contextual_grounding_policy() {
        for f in p.filters() {
            match f.r#type() {
                GuardrailContextualGroundingFilterType::Grounding => {
                    spec.grounding_threshold = Some(f.threshold())
                }
                GuardrailContextualGroundingFilterType::Relevance => {
                    spec.relevance_threshold = Some(f.threshold())
                }
                // A filter type this SDK does not know: nothing in the spec holds it.
                _ => {}
            }
        }
    }
    spec.normalize();
    spec
}

/// The policy configurations of a spec, as both Create and Update take them.
struct Policies {
    content: Option<GuardrailContentPolicyConfig>,
    topics: Option<GuardrailTopicPolicyConfig>,
    words: Option<GuardrailWordPolicyConfig>,
    sensitive: Option<GuardrailSensitiveInformationPolicyConfig>,
    grounding: Option<GuardrailContextualGroundingPolicyConfig>,
}

fn policies(op: &'static str, spec: &GuardrailSpec) -> Result<Policies, AccountError> {
    let content = if spec.content_filters.is_empty() {
        None
    } else {
        let filters = spec
            .content_filters
            .iter()
            .map(|f| {
                GuardrailContentFilterConfig::builder()
                    .r#type(GuardrailContentFilterType::from(f.r#type.as_str()))
                    .input_strength(GuardrailFilterStrength::from(f.input.as_str()))
                    .output_strength(GuardrailFilterStrength::from(f.output.as_str()))
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            GuardrailContentPolicyConfig::builder()
                .set_filters_config(Some(filters))
                .build()
                .map_err(build_err(op))?,
        )
    };
    let topics = if spec.denied_topics.is_empty() {
        None
    } else {
        let topics = spec
            .denied_topics
            .iter()
            .map(|t| {
                GuardrailTopicConfig::builder()
                    .name(&t.name)
                    .definition(&t.definition)
                    .set_examples((!t.examples.is_empty()).then(|| t.examples.clone()))
                    .r#type(GuardrailTopicType::Deny)
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            GuardrailTopicPolicyConfig::builder()
                .set_topics_config(Some(topics))
                .build()
                .map_err(build_err(op))?,
        )
    };
    let words = if spec.managed_words.is_empty() && spec.custom_words.is_empty() {
        None
    } else {
        let custom = spec
            .custom_words
            .iter()
            .map(|w| {
                GuardrailWordConfig::builder()
                    .text(w)
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let managed = spec
            .managed_words
            .iter()
            .map(|w| {
                GuardrailManagedWordsConfig::builder()
                    .r#type(GuardrailManagedWordsType::from(w.as_str()))
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            GuardrailWordPolicyConfig::builder()
                .set_words_config((!custom.is_empty()).then_some(custom))
                .set_managed_word_lists_config((!managed.is_empty()).then_some(managed))
                .build(),
        )
    };
    let sensitive = if spec.pii.is_empty() && spec.regexes.is_empty() {
        None
    } else {
        let pii = spec
            .pii
            .iter()
            .map(|p| {
                GuardrailPiiEntityConfig::builder()
                    .r#type(GuardrailPiiEntityType::from(p.r#type.as_str()))
                    .action(GuardrailSensitiveInformationAction::from(p.action.as_str()))
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let regexes = spec
            .regexes
            .iter()
            .map(|r| {
                GuardrailRegexConfig::builder()
                    .name(&r.name)
                    .pattern(&r.pattern)
                    .action(GuardrailSensitiveInformationAction::from(r.action.as_str()))
                    .set_description(r.description.clone())
                    .build()
                    .map_err(build_err(op))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            GuardrailSensitiveInformationPolicyConfig::builder()
                .set_pii_entities_config((!pii.is_empty()).then_some(pii))
                .set_regexes_config((!regexes.is_empty()).then_some(regexes))
                .build(),
        )
    };
    let mut grounding_filters = Vec::new();
    for (ty, threshold) in [
        (
            GuardrailContextualGroundingFilterType::Grounding,
            spec.grounding_threshold,
        ),
        (
            GuardrailContextualGroundingFilterType::Relevance,
            spec.relevance_threshold,
        ),
    ] {
        if let Some(t) = threshold {
            grounding_filters.push(
                GuardrailContextualGroundingFilterConfig::builder()
                    .r#type(ty)
                    .threshold(t)
                    .build()
                    .map_err(build_err(op))?,
            );
        }
    }
    let grounding = if grounding_filters.is_empty() {
        None
    } else {
        Some(
            GuardrailContextualGroundingPolicyConfig::builder()
                .set_filters_config(Some(grounding_filters))
                .build()
                .map_err(build_err(op))?,
        )
    };
    Ok(Policies {
        content,
        topics,
        words,
        sensitive,
        grounding,
    })
}

pub(crate) async fn create(
    acct: &AwsAccount,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    let spec: GuardrailSpec = typed_spec("CreateGuardrail", desired)?;
    let p = policies("CreateGuardrail", &spec)?;
    let out = acct
        .bedrock(&desired.region)?
        .create_guardrail()
        .name(&desired.name)
        .set_description(spec.description.clone())
        .blocked_input_messaging(&spec.blocked_input_message)
        .blocked_outputs_messaging(&spec.blocked_output_message)
        .set_content_policy_config(p.content)
        .set_topic_policy_config(p.topics)
        .set_word_policy_config(p.words)
        .set_sensitive_information_policy_config(p.sensitive)
        .set_contextual_grounding_policy_config(p.grounding)
        .set_tags(non_empty(tags::to_bedrock(
            "CreateGuardrail",
            &desired.tags,
        )?))
        .set_client_request_token(client_token(token))
        .send()
        .await
        .map_err(sdk_err("CreateGuardrail"))?;
    reread(
        acct,
        &desired.region,
        out.guardrail_arn(),
        "CreateGuardrail",
    )
    .await
}

pub(crate) async fn update(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let id = live_id("UpdateGuardrail", live)?;
    let mut want: GuardrailSpec = typed_spec("UpdateGuardrail", desired)?;
    let mut have: GuardrailSpec = typed_spec("UpdateGuardrail", live)?;
    want.normalize();
    have.normalize();
    // `publish_version` is bedrockctl's, not the service's: it never needs a call.
    want.publish_version = have.publish_version;
    if want != have || live.name != desired.name {
        let p = policies("UpdateGuardrail", &want)?;
        acct.bedrock(&live.region)?
            .update_guardrail()
            .guardrail_identifier(id)
            .name(&desired.name)
            .set_description(want.description.clone())
            .blocked_input_messaging(&want.blocked_input_message)
            .blocked_outputs_messaging(&want.blocked_output_message)
            .set_content_policy_config(p.content)
            .set_topic_policy_config(p.topics)
            .set_word_policy_config(p.words)
            .set_sensitive_information_policy_config(p.sensitive)
            .set_contextual_grounding_policy_config(p.grounding)
            .send()
            .await
            .map_err(sdk_err("UpdateGuardrail"))?;
    }
    tags::sync(acct, &live.region, id, &live.tags, &desired.tags).await?;
    reread(acct, &live.region, id, "UpdateGuardrail").await
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    let id = live_id("DeleteGuardrail", live)?;
    gone_is_ok(
        acct.bedrock(&live.region)?
            .delete_guardrail()
            .guardrail_identifier(id)
            .send()
            .await
            .map_err(sdk_err("DeleteGuardrail")),
    )
}

async fn reread(
    acct: &AwsAccount,
    region: &str,
    id: &str,
    op: &'static str,
) -> Result<Resource, AccountError> {
    get(acct, region, id).await?.ok_or_else(|| {
        AccountError::not_found(op, format!("guardrail `{id}` vanished right after {op}"))
    })
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

// ---- versions ------------------------------------------------------------------

/// Version id as bedrockctl keeps it: `<guardrail ARN>:<version>` (the form IAM
/// conditions use for a guardrail version).
fn version_id(arn: &str, version: &str) -> String {
    format!("{arn}:{version}")
}

fn split_version_id(id: &str) -> Option<(&str, &str)> {
    let (arn, version) = id.rsplit_once(':')?;
    (!version.is_empty() && version.chars().all(|c| c.is_ascii_digit())).then_some((arn, version))
}

pub(crate) async fn list_versions(
    acct: &AwsAccount,
    region: &str,
) -> Result<Vec<Resource>, AccountError> {
    let guardrails = list_summaries(acct, region, None).await?;
    let per_guardrail = bounded(guardrails, |g| async move {
        let versions: Vec<GuardrailSummary> = list_summaries(acct, region, Some(g.id()))
            .await?
            .into_iter()
            .filter(|v| v.version() != DRAFT)
            .collect();
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let tags = tags::list(acct, region, g.arn()).await?;
        let mut out = Vec::new();
        for v in versions {
            if let Some(raw) = get_raw(acct, region, g.id(), Some(v.version())).await? {
                out.push(version_resource(
                    region,
                    g.name(),
                    g.arn(),
                    &raw,
                    tags.clone(),
                )?);
            }
        }
        Ok(out)
    })
    .await?;
    Ok(per_guardrail.into_iter().flatten().collect())
}

fn version_resource(
    region: &str,
    guardrail_name: &str,
    guardrail_arn: &str,
    out: &GetGuardrailOutput,
    tags: BTreeMap<String, String>,
) -> Result<Resource, AccountError> {
    let spec = GuardrailVersionSpec {
        guardrail: guardrail_name.to_string(),
        version: out.version().to_string(),
        snapshot: spec_from_output(out),
    };
    Ok(Resource {
        kind: Kind::GuardrailVersion,
        region: region.to_string(),
        name: format!("{guardrail_name}:{}", out.version()),
        id: Some(version_id(guardrail_arn, out.version())),
        spec: Spec::from(spec),
        tags,
        status: Some(out.status().as_str().to_string()),
    })
}

pub(crate) async fn get_version(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let Some((arn, version)) = split_version_id(id) else {
        return Err(AccountError::validation(
            "GetGuardrail",
            format!("`{id}` is not a guardrail version id (`<guardrail ARN>:<version>`)"),
        ));
    };
    let Some(out) = get_raw(acct, region, arn, Some(version)).await? else {
        return Ok(None);
    };
    let tags = tags::list(acct, region, out.guardrail_arn()).await?;
    version_resource(region, out.name(), out.guardrail_arn(), &out, tags).map(Some)
}

pub(crate) async fn create_version(
    acct: &AwsAccount,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    let spec: GuardrailVersionSpec = typed_spec("CreateGuardrailVersion", desired)?;
    let region = desired.region.as_str();
    let guardrail = list_summaries(acct, region, None)
        .await?
        .into_iter()
        .find(|g| g.name() == spec.guardrail)
        .ok_or_else(|| {
            AccountError::not_found(
                "CreateGuardrailVersion",
                format!("no guardrail named `{}` in `{region}`", spec.guardrail),
            )
        })?;
    let out = acct
        .bedrock(region)?
        .create_guardrail_version()
        .guardrail_identifier(guardrail.arn())
        .set_description(spec.snapshot.description.clone())
        .set_client_request_token(client_token(token))
        .send()
        .await
        .map_err(sdk_err("CreateGuardrailVersion"))?;
    let id = version_id(guardrail.arn(), out.version());
    get_version(acct, region, &id).await?.ok_or_else(|| {
        AccountError::not_found(
            "CreateGuardrailVersion",
            format!("guardrail version `{id}` vanished right after it was created"),
        )
    })
}

pub(crate) async fn delete_version(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    let id = live_id("DeleteGuardrail", live)?;
    let (arn, version) = split_version_id(id).ok_or_else(|| {
        AccountError::validation(
            "DeleteGuardrail",
            format!("`{id}` is not a guardrail version id"),
        )
    })?;
    gone_is_ok(
        acct.bedrock(&live.region)?
            .delete_guardrail()
            .guardrail_identifier(arn)
            .guardrail_version(version)
            .send()
            .await
            .map_err(sdk_err("DeleteGuardrail")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_round_trip() {
        let arn = "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123";
        let id = version_id(arn, "3");
        assert_eq!(split_version_id(&id), Some((arn, "3")));
        assert_eq!(split_version_id(arn), None);
    }
}
