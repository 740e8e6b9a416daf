//! Policy documents as an account holds them (JSON values per policy type) → a
//! compiled [`PolicySet`]. Shared by the sandbox's SimulatePrincipalPolicy and by
//! `explain`'s deep mode, so both decide with the same policies in the same order.

use super::{compile_value, CompiledPolicy, PolicySet};
use serde_json::Value;

/// Documents that apply to one principal, as read from an account.
#[derive(Debug, Default, Clone, Copy)]
pub struct Documents<'a> {
    /// (name, document) of every identity policy, inline and attached.
    pub identity: &'a [(String, Value)],
    pub boundary: Option<&'a (String, Value)>,
    /// One list per organization level, root first.
    pub scps: &'a [Vec<Value>],
    pub rcps: &'a [Vec<Value>],
    pub management_account: bool,
}

/// A compiled set plus the display name of every policy it holds, in evaluation order.
#[derive(Debug, Default)]
pub struct NamedSet {
    pub set: PolicySet,
    pub identity_names: Vec<String>,
    pub scp_names: Vec<String>,
    pub rcp_names: Vec<String>,
    /// Documents that could not be read as policies, and why; they are left out.
    pub skipped: Vec<String>,
}

impl Documents<'_> {
    pub fn compile(&self) -> NamedSet {
        let mut out = NamedSet::default();
        let compile = |name: &str, doc: &Value, skipped: &mut Vec<String>| match compile_value(doc)
        {
            Ok(p) => Some(p),
            Err(errs) => {
                let why = errs
                    .first()
                    .map(|e| e.message.as_str())
                    .unwrap_or("invalid");
                skipped.push(format!(
                    "`{name}` could not be read as a policy ({why}), so it was left out"
                ));
                None
            }
        };
        for (name, doc) in self.identity {
            if let Some(p) = compile(name, doc, &mut out.skipped) {
                out.set.identity.push(p);
                out.identity_names.push(name.clone());
            }
        }
        out.set.permissions_boundary = self
            .boundary
            .and_then(|(n, d)| compile(n, d, &mut out.skipped));
        let levels = |levels: &[Vec<Value>],
                      kind: &str,
                      names: &mut Vec<String>,
                      skipped: &mut Vec<String>| {
            let compiled: Vec<Vec<CompiledPolicy>> = levels
                .iter()
                .enumerate()
                .map(|(l, docs)| {
                    docs.iter()
                        .enumerate()
                        .filter_map(|(i, d)| {
                            let name = format!("{kind} level {l} policy {i}");
                            let p = compile(&name, d, skipped)?;
                            names.push(name);
                            Some(p)
                        })
                        .collect()
                })
                .collect();
            (!compiled.is_empty()).then_some(compiled)
        };
        out.set.scps = levels(self.scps, "scp", &mut out.scp_names, &mut out.skipped);
        out.set.rcps = levels(self.rcps, "rcp", &mut out.rcp_names, &mut out.skipped);
        out.set.management_account = self.management_account;
        out
    }
}
