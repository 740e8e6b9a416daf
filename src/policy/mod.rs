//! Least-privilege policies: the one grant generator ([`generate`]), proofs of what
//! it generates against the offline evaluator ([`prove`]), and the policy linter
//! ([`lint`]) with its JSON and SARIF renderers ([`render`]).
//!
//! Architecture invariant: `policy` does no I/O; the CLI reads files and the config.

pub mod canonical;
pub mod generate;
pub mod inputs;
pub mod prove;
pub mod refs;

pub use generate::{
    generate_all, generate_all_with, grants_document, grants_document_with, logging_document,
    role_grants,
};
pub use prove::{prove, prove_with, Proof, ProofCase, ProofError};
pub use refs::StackRefs;
