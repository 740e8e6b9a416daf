//! `probe`: the smallest real bedrock-runtime request — Converse with
//! `maxTokens: 1`, ConverseStream read to its end, or one embeddings InvokeModel.

use super::error::{build_err, sdk_err};
use super::AwsAccount;
use crate::account::{AccountError, ProbeKind, ProbeResult};
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseStreamOutput, InferenceConfiguration, Message,
};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::event_stream::RawMessage;
use aws_smithy_types::Blob;
use std::time::Instant;

const PROMPT: &str = "Reply with one word.";

pub(crate) async fn probe(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
    kind: ProbeKind,
) -> Result<ProbeResult, AccountError> {
    let started = Instant::now();
    let output_tokens = match kind {
        ProbeKind::Converse => converse(acct, region, model_id).await?,
        ProbeKind::ConverseStream => converse_stream(acct, region, model_id).await?,
        ProbeKind::Embedding => embedding(acct, region, model_id).await?,
    };
    Ok(ProbeResult {
        resolved: None,
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        output_tokens,
    })
}

/// One Retrieve on a knowledge base with a one-result limit: proves the caller may
/// query it (`bedrock:Retrieve` on its ARN) and that it answers.
pub(crate) async fn retrieve(
    acct: &AwsAccount,
    region: &str,
    kb_id: &str,
) -> Result<ProbeResult, AccountError> {
    use aws_sdk_bedrockagentruntime::types::{
        KnowledgeBaseQuery, KnowledgeBaseRetrievalConfiguration,
        KnowledgeBaseVectorSearchConfiguration,
    };
    let started = Instant::now();
    let query = KnowledgeBaseQuery::builder().text(PROMPT).build();
    let out = acct
        .agent_runtime(region)?
        .retrieve()
        .knowledge_base_id(kb_id)
        .retrieval_query(query)
        .retrieval_configuration(
            KnowledgeBaseRetrievalConfiguration::builder()
                .vector_search_configuration(
                    KnowledgeBaseVectorSearchConfiguration::builder()
                        .number_of_results(1)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(sdk_err("Retrieve"))?;
    Ok(ProbeResult {
        resolved: Some(format!("{} result(s)", out.retrieval_results().len())),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        output_tokens: None,
    })
}

fn message(op: &'static str) -> Result<Message, AccountError> {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(PROMPT.to_string()))
        .build()
        .map_err(build_err(op))
}

fn one_token() -> InferenceConfiguration {
    InferenceConfiguration::builder().max_tokens(1).build()
}

async fn converse(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
) -> Result<Option<u64>, AccountError> {
    let out = acct
        .runtime(region)?
        .converse()
        .model_id(model_id)
        .messages(message("Converse")?)
        .inference_config(one_token())
        .send()
        .await
        .map_err(sdk_err("Converse"))?;
    Ok(out
        .usage()
        .and_then(|u| u64::try_from(u.output_tokens()).ok()))
}

async fn converse_stream(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
) -> Result<Option<u64>, AccountError> {
    let mut out = acct
        .runtime(region)?
        .converse_stream()
        .model_id(model_id)
        .messages(message("ConverseStream")?)
        .inference_config(one_token())
        .send()
        .await
        .map_err(sdk_err("ConverseStream"))?;
    let mut tokens = None;
    loop {
        match out.stream.recv().await {
            Ok(Some(ConverseStreamOutput::Metadata(m))) => {
                tokens = m
                    .usage()
                    .and_then(|u| u64::try_from(u.output_tokens()).ok());
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(stream_error(e)),
        }
    }
    Ok(tokens)
}

/// An error met while reading the stream. An exception event's payload carries only
/// its message: the code is in the event's `:exception-type` header, which the SDK
/// turns into the error's variant, so the code comes from the variant.
fn stream_error(e: SdkError<ConverseStreamOutputError, RawMessage>) -> AccountError {
    const OP: &str = "ConverseStream";
    let SdkError::ServiceError(se) = &e else {
        let code = match &e {
            SdkError::TimeoutError(_) => "TimeoutError",
            SdkError::DispatchFailure(_) => "DispatchFailure",
            _ => "ResponseError",
        };
        return AccountError::new(OP, code, DisplayErrorContext(&e).to_string());
    };
    let err = se.err();
    let by_variant = match err {
        ConverseStreamOutputError::InternalServerException(_) => "InternalServerException",
        ConverseStreamOutputError::ValidationException(_) => "ValidationException",
        ConverseStreamOutputError::ThrottlingException(_) => "ThrottlingException",
        ConverseStreamOutputError::ServiceUnavailableException(_) => "ServiceUnavailableException",
        _ => "ModelStreamErrorException",
    };
    AccountError::new(
        OP,
        err.code().unwrap_or(by_variant),
        err.message()
            .map(str::to_string)
            .unwrap_or_else(|| DisplayErrorContext(&e).to_string()),
    )
}

/// Request body of the embeddings families bedrockctl knows; Titan's by default.
pub(crate) fn embedding_body(model_id: &str) -> serde_json::Value {
    let bare = model_id.rsplit('/').next().unwrap_or(model_id);
    let bare = bare
        .split_once('.')
        .filter(|(geo, _)| matches!(*geo, "us" | "eu" | "apac" | "global" | "us-gov"))
        .map_or(bare, |(_, rest)| rest);
    if bare.starts_with("cohere.") {
        serde_json::json!({"texts": [PROMPT], "input_type": "search_query"})
    } else if bare.starts_with("twelvelabs.marengo") {
        // Marengo Embed 2.7's InvokeModel text input (the model user guide's request
        // parameters); InvokeModel reaches it through an inference profile only.
        serde_json::json!({"inputType": "text", "inputText": PROMPT})
    } else {
        serde_json::json!({"inputText": PROMPT})
    }
}

async fn embedding(
    acct: &AwsAccount,
    region: &str,
    model_id: &str,
) -> Result<Option<u64>, AccountError> {
    acct.runtime(region)?
        .invoke_model()
        .model_id(model_id)
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(embedding_body(model_id).to_string().into_bytes()))
        .send()
        .await
        .map_err(sdk_err("InvokeModel"))?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_bodies_follow_the_family() {
        assert!(embedding_body("amazon.titan-embed-text-v2:0")
            .get("inputText")
            .is_some());
        assert!(embedding_body("cohere.embed-english-v3")
            .get("texts")
            .is_some());
        assert!(embedding_body("us.cohere.embed-v4:0")
            .get("texts")
            .is_some());
        assert_eq!(
            embedding_body("us.twelvelabs.marengo-embed-2-7-v1:0"),
            serde_json::json!({"inputType": "text", "inputText": PROMPT})
        );
    }
}
