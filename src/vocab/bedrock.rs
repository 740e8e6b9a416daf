//! Bedrock request enums, shared by config validation and the sandbox so both accept
//! exactly what the service accepts.

/// Enums of the CreateGuardrail request (bedrock-api.md), shared by config validation
/// and the sandbox so both accept exactly what the service accepts.
pub const FILTER_TYPES: &[&str] = &[
    "SEXUAL",
    "VIOLENCE",
    "HATE",
    "INSULTS",
    "MISCONDUCT",
    "PROMPT_ATTACK",
];
pub const STRENGTHS: &[&str] = &["NONE", "LOW", "MEDIUM", "HIGH"];
pub const PII_ACTIONS: &[&str] = &["BLOCK", "ANONYMIZE", "NONE"];
pub const MANAGED_WORDS: &[&str] = &["PROFANITY"];
pub const PII_TYPES: &[&str] = &[
    "ADDRESS",
    "AGE",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "CA_HEALTH_NUMBER",
    "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV",
    "CREDIT_DEBIT_CARD_EXPIRY",
    "CREDIT_DEBIT_CARD_NUMBER",
    "DRIVER_ID",
    "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
    "IP_ADDRESS",
    "LICENSE_PLATE",
    "MAC_ADDRESS",
    "NAME",
    "PASSWORD",
    "PHONE",
    "PIN",
    "SWIFT_CODE",
    "UK_NATIONAL_HEALTH_SERVICE_NUMBER",
    "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
    "URL",
    "USERNAME",
    "US_BANK_ACCOUNT_NUMBER",
    "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
    "US_PASSPORT_NUMBER",
    "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
];

/// `formData` of PutUseCaseForModelAccess (`AcknowledgementFormDataBody`, botocore
/// bedrock 2023-04-20): a blob of 10 to 16,384 bytes. Config validation and the sandbox
/// hold the use-case form to it.
pub const USE_CASE_FORM_MIN_BYTES: usize = 10;
pub const USE_CASE_FORM_MAX_BYTES: usize = 16_384;
