//! Which Bedrock API calls CloudTrail records as management events and which as data
//! events, and the advanced-event-selector `resources.type` of each data event.
//!
//! Sources (read 2026-12-05; docs/audit.md says the same in prose):
//! - Amazon Bedrock User Guide, "Monitor Amazon Bedrock API calls using CloudTrail",
//!   https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html
//!   (sections "Amazon Bedrock data events in CloudTrail" and "… management events …").
//! - AWS CloudTrail User Guide, "Logging data events", the table of data event resource
//!   types: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
//!
//! The two pages disagree on the prompt type: the Bedrock page says
//! `AWS::Bedrock::Prompt`, the CloudTrail table lists `AWS::Bedrock::PromptVersion`.
//! Both are kept; bedrockctl's configs do not use prompts, so no finding depends on it.

/// `eventSource` of Bedrock's events (runtime, agents and agent runtime alike).
pub const EVENT_SOURCE: &str = "bedrock.amazonaws.com";

/// Runtime calls the Bedrock page names as management events: logged by every trail
/// that logs management events, with no data-event selector.
pub const MANAGEMENT_RUNTIME_CALLS: &[&str] = &[
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "Converse",
    "ConverseStream",
    "ListAsyncInvokes",
];

/// One data event resource type and the calls it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataType {
    /// The advanced-event-selector `resources.type` value.
    pub resource_type: &'static str,
    /// Calls the Bedrock page says are logged under this type.
    pub calls: &'static [&'static str],
}

/// Bedrock's data event resource types (the CloudTrail table's Bedrock rows that the
/// Bedrock page ties to API calls).
pub const DATA_TYPES: &[DataType] = &[
    DataType {
        resource_type: AGENT_ALIAS,
        calls: &["InvokeAgent"],
    },
    DataType {
        resource_type: "AWS::Bedrock::InlineAgent",
        calls: &["InvokeInlineAgent"],
    },
    DataType {
        resource_type: KNOWLEDGE_BASE,
        calls: &["Retrieve", "RetrieveAndGenerate"],
    },
    DataType {
        resource_type: "AWS::Bedrock::FlowAlias",
        calls: &["InvokeFlow"],
    },
    DataType {
        resource_type: GUARDRAIL,
        calls: &["ApplyGuardrail"],
    },
    DataType {
        resource_type: "AWS::Bedrock::Prompt",
        calls: &["RenderPrompt"],
    },
    DataType {
        resource_type: "AWS::Bedrock::PromptVersion",
        calls: &["RenderPrompt"],
    },
    DataType {
        resource_type: "AWS::Bedrock::Model",
        calls: &[
            "InvokeModelWithBidirectionalStream",
            "GetAsyncInvoke",
            "StartAsyncInvoke",
        ],
    },
    DataType {
        resource_type: "AWS::Bedrock::AsyncInvoke",
        calls: &[
            "InvokeModelWithBidirectionalStream",
            "GetAsyncInvoke",
            "StartAsyncInvoke",
        ],
    },
];

/// InvokeAgent on an agent alias.
pub const AGENT_ALIAS: &str = "AWS::Bedrock::AgentAlias";
/// Retrieve and RetrieveAndGenerate on a knowledge base.
pub const KNOWLEDGE_BASE: &str = "AWS::Bedrock::KnowledgeBase";
/// ApplyGuardrail on a guardrail.
pub const GUARDRAIL: &str = "AWS::Bedrock::Guardrail";

/// The data type that records `call`, if the call is a data event.
pub fn data_type_of(call: &str) -> Option<&'static str> {
    DATA_TYPES
        .iter()
        .find(|t| t.calls.contains(&call))
        .map(|t| t.resource_type)
}

/// The calls a data type records (empty for a type not in the table).
pub fn calls_of(resource_type: &str) -> &'static [&'static str] {
    DATA_TYPES
        .iter()
        .find(|t| t.resource_type == resource_type)
        .map(|t| t.calls)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_invocations_are_management_events_and_agent_calls_data_events() {
        for call in MANAGEMENT_RUNTIME_CALLS {
            assert_eq!(data_type_of(call), None, "{call}");
        }
        assert_eq!(data_type_of("InvokeAgent"), Some(AGENT_ALIAS));
        assert_eq!(data_type_of("RetrieveAndGenerate"), Some(KNOWLEDGE_BASE));
        assert_eq!(data_type_of("ApplyGuardrail"), Some(GUARDRAIL));
        assert_eq!(
            calls_of(KNOWLEDGE_BASE),
            &["Retrieve", "RetrieveAndGenerate"]
        );
        assert!(calls_of("AWS::S3::Object").is_empty());
    }
}
