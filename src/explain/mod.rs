//! Diagnosis of pasted AWS error messages (AccessDenied, Bedrock runtime errors).
