//! The request side of a decision: the calling principal, the request context
//! (condition keys → values), and the keys a request implies on its own.
//!
//! Context keys are case-insensitive in IAM, so they are stored lower-cased once and
//! looked up by the lower-cased keys that compiled policies carry.

/// A context value: one string for a single-valued key, a set for a multi-valued one.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

impl Value {
    /// The values as a slice, whichever form they have.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Value::One(s) => std::slice::from_ref(s),
            Value::Many(v) => v,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::One(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::One(s)
    }
}

/// Condition keys of one request. Small (tens of keys), so a vector beats a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    entries: Vec<(Box<str>, Value)>,
}

impl Context {
    /// Set a key, replacing any value it had.
    pub fn insert(&mut self, key: &str, value: Value) {
        let key = key.to_ascii_lowercase();
        match self.entries.iter_mut().find(|(k, _)| **k == *key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.into_boxed_str(), value)),
        }
    }

    /// Set a key unless the request already gave it.
    pub fn insert_if_absent(&mut self, key: &str, value: Value) {
        if self.get(&key.to_ascii_lowercase()).is_none() {
            self.insert(key, value);
        }
    }

    /// Look up by an already lower-cased key.
    pub fn get(&self, lower_key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| **k == *lower_key)
            .map(|(_, v)| v)
    }

    /// The value of a single-valued key, for policy variables: a multi-valued key
    /// cannot stand in a variable.
    pub fn single(&self, lower_key: &str) -> Option<&str> {
        match self.get(lower_key)? {
            Value::One(s) => Some(s),
            Value::Many(_) => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// Add the keys the request implies (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:username`, `aws:userid` for the root, `aws:PrincipalType`,
    /// `aws:RequestedRegion` and `aws:ResourceAccount` from the resource ARN) where the
    /// caller did not give them.
    pub fn derive(&mut self, principal: &Principal, resource: &str, resource_account: &str) {
        self.derive_keys(principal, resource, resource_account, true);
    }

    /// [`Context::derive`] for `iam eval` lines (docs/iam-eval.md): a Bedrock
    /// foundation-model ARN does not imply `aws:RequestedRegion` (see below). The other
    /// callers (access matrix, explain, sandbox, prove) keep deriving it from any
    /// regional ARN, since they build same-Region requests themselves.
    pub fn derive_for_eval(&mut self, principal: &Principal, resource: &str, acct: &str) {
        self.derive_keys(principal, resource, acct, false);
    }

    fn derive_keys(
        &mut self,
        principal: &Principal,
        resource: &str,
        resource_account: &str,
        region_from_model_arn: bool,
    ) {
        if !principal.principal_arn.is_empty() {
            self.insert_if_absent("aws:PrincipalArn", principal.principal_arn.as_str().into());
        }
        if !principal.account.is_empty() {
            self.insert_if_absent("aws:PrincipalAccount", principal.account.as_str().into());
        }
        if let Some(t) = principal.kind.principal_type() {
            self.insert_if_absent("aws:PrincipalType", t.into());
        }
        match principal.kind {
            PrincipalKind::User => {
                self.insert_if_absent("aws:username", principal.name.as_str().into());
            }
            PrincipalKind::Root => {
                self.insert_if_absent("aws:userid", principal.account.as_str().into());
            }
            _ => {}
        }
        self.insert_if_absent(
            "aws:PrincipalIsAWSService",
            if principal.kind == PrincipalKind::Service {
                "true"
            } else {
                "false"
            }
            .into(),
        );
        let arn = super::pattern::ArnParts::new(resource);
        // aws:RequestedRegion is the Region the request was sent to
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
        // A regional resource is reached through its own Region's endpoint, so its ARN
        // tells the Region; a Bedrock foundation-model ARN does not: a cross-Region
        // inference call sent to one Region is authorized on the model ARN of each
        // destination Region, so there the caller must give the key.
        let foundation_model =
            arn.get(2) == "bedrock" && arn.get(5).starts_with("foundation-model/");
        if arn.is_arn() && !arn.get(3).is_empty() && (region_from_model_arn || !foundation_model) {
            self.insert_if_absent("aws:RequestedRegion", arn.get(3).into());
        }
        if !resource_account.is_empty() {
            self.insert_if_absent("aws:ResourceAccount", resource_account.into());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `arn:aws:iam::A:user/NAME`
    User,
    /// `arn:aws:iam::A:role/NAME`, evaluated as the role itself (SimulatePrincipalPolicy style).
    Role,
    /// `arn:aws:sts::A:assumed-role/ROLE/SESSION`
    Session,
    /// `arn:aws:iam::A:root` or a bare account id.
    Root,
    /// `arn:aws:sts::A:federated-user/NAME`
    FederatedUser,
    /// A service principal such as `bedrock.amazonaws.com`.
    Service,
    Other,
}

impl PrincipalKind {
    fn principal_type(self) -> Option<&'static str> {
        match self {
            PrincipalKind::User => Some("User"),
            PrincipalKind::Role | PrincipalKind::Session => Some("AssumedRole"),
            PrincipalKind::Root => Some("Account"),
            PrincipalKind::FederatedUser => Some("FederatedUser"),
            PrincipalKind::Service => Some("Service"),
            PrincipalKind::Other => None,
        }
    }
}

/// The caller, parsed once from its ARN.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub arn: String,
    pub kind: PrincipalKind,
    pub partition: String,
    pub account: String,
    /// What `aws:PrincipalArn` reports: the role ARN for a role session.
    pub principal_arn: String,
    /// User name, role name, or federated user name.
    pub name: String,
}

impl Principal {
    pub fn parse(arn: &str) -> Principal {
        let parts = super::pattern::ArnParts::new(arn);
        let mut p = Principal {
            arn: arn.to_string(),
            kind: PrincipalKind::Other,
            partition: parts.get(1).to_string(),
            account: parts.get(4).to_string(),
            principal_arn: arn.to_string(),
            name: String::new(),
        };
        if !parts.is_arn() {
            if arn.len() == 12 && arn.bytes().all(|b| b.is_ascii_digit()) {
                p.kind = PrincipalKind::Root;
                p.partition = "aws".into();
                p.account = arn.to_string();
                p.principal_arn = format!("arn:aws:iam::{arn}:root");
            } else if arn.ends_with(".amazonaws.com") || arn.ends_with(".amazonaws.com.cn") {
                p.kind = PrincipalKind::Service;
                p.principal_arn = String::new();
            }
            return p;
        }
        let resource = parts.get(5);
        match (parts.get(2), resource.split_once('/')) {
            ("iam", None) if resource == "root" => p.kind = PrincipalKind::Root,
            ("iam", Some(("user", path))) => {
                p.kind = PrincipalKind::User;
                p.name = path.rsplit('/').next().unwrap_or(path).to_string();
            }
            ("iam", Some(("role", path))) => {
                p.kind = PrincipalKind::Role;
                p.name = path.rsplit('/').next().unwrap_or(path).to_string();
            }
            ("sts", Some(("assumed-role", rest))) => {
                if let Some((role, _session)) = rest.split_once('/') {
                    p.kind = PrincipalKind::Session;
                    p.name = role.to_string();
                    p.principal_arn = format!("arn:{}:iam::{}:role/{role}", p.partition, p.account);
                }
            }
            ("sts", Some(("federated-user", name))) => {
                p.kind = PrincipalKind::FederatedUser;
                p.name = name.to_string();
            }
            _ => {}
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_map_to_their_role() {
        let p = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/s1");
        assert_eq!(p.kind, PrincipalKind::Session);
        assert_eq!(p.principal_arn, "arn:aws:iam::111122223333:role/app");
        let mut c = Context::default();
        c.derive(&p, "arn:aws:bedrock:us-west-2::foundation-model/m", "");
        assert_eq!(
            c.single("aws:principalarn"),
            Some("arn:aws:iam::111122223333:role/app")
        );
        assert_eq!(c.single("aws:requestedregion"), Some("us-west-2"));
        // For `iam eval` a foundation-model ARN may be a cross-Region destination: no
        // Region implied; other regional ARNs still imply theirs.
        let mut c = Context::default();
        c.derive_for_eval(&p, "arn:aws:bedrock:us-west-2::foundation-model/m", "");
        assert_eq!(c.single("aws:requestedregion"), None);
        let mut c = Context::default();
        c.derive_for_eval(&p, "arn:aws:bedrock:us-west-2:111122223333:agent/A1", "");
        assert_eq!(c.single("aws:requestedregion"), Some("us-west-2"));
        assert_eq!(c.single("aws:username"), None);
    }

    #[test]
    fn users_get_a_username_and_given_keys_win() {
        let p = Principal::parse("arn:aws:iam::111122223333:user/div/alice");
        let mut c = Context::default();
        c.insert("AWS:RequestedRegion", "eu-west-1".into());
        c.derive(&p, "arn:aws:bedrock:us-west-2::foundation-model/m", "");
        assert_eq!(c.single("aws:username"), Some("alice"));
        assert_eq!(c.single("aws:requestedregion"), Some("eu-west-1"));
        assert_eq!(c.single("aws:principalaccount"), Some("111122223333"));
    }
}
