//! The mixed `iam eval` corpus of issue 16: deterministic random lines in which every
//! line carries its own documents (1–4 identity policies, a permissions boundary, a
//! session policy, a resource policy, 1–3 SCP levels, conditions; about 1.6 KB a line).
//!
//! Documents are drawn from per-kind pools generated from the same seed, as accounts
//! share managed policies and SCPs: a line's combination is random, its documents
//! repeat across lines (`pool` sets how many of each kind exist; `pool = 0` makes
//! every document fresh, for the no-repeat worst case).

#![allow(dead_code)]

/// xorshift64*: small, deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const ACCOUNTS: &[&str] = &["111122223333", "444455556666"];
const REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];
const ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:GetGuardrail",
    "bedrock:ApplyGuardrail",
    "bedrock:CreateModelCustomizationJob",
    "bedrock:ListFoundationModels",
    "s3:GetObject",
];
const ACTION_PATTERNS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModel*",
    "bedrock:*",
    "bedrock:Get*",
    "bedrock:ApplyGuardrail",
    "bedrock:CreateModelCustomizationJob",
    "s3:GetObject",
    "s3:*",
    "*",
];
const MODELS: &[&str] = &[
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "meta.llama3-8b-instruct-v1:0",
];
const TEAMS: &[&str] = &["ml", "web", "data"];

fn resource_pattern(r: &mut Rng) -> String {
    let region = if r.chance(50) { "*" } else { r.pick(REGIONS) };
    match r.below(7) {
        0 => format!("arn:aws:bedrock:{region}::foundation-model/{}", r.pick(MODELS)),
        1 => format!("arn:aws:bedrock:{region}::foundation-model/*"),
        2 => format!(
            "arn:aws:bedrock:{region}:{}:guardrail/*",
            r.pick(ACCOUNTS)
        ),
        // Variables only after the fifth colon (issue 16 rule break 1).
        3 => format!("arn:aws:bedrock:{region}:*:guardrail/${{aws:PrincipalTag/team}}*"),
        4 => "arn:aws:s3:::corpus-${aws:PrincipalAccount}/*".to_string(),
        5 => format!("arn:aws:s3:::corpus-{}/*", r.pick(ACCOUNTS)),
        _ => "*".to_string(),
    }
}

fn condition(r: &mut Rng) -> String {
    match r.below(7) {
        0 => format!(
            r#"{{"StringEquals":{{"aws:RequestedRegion":["{}","{}"]}}}}"#,
            r.pick(REGIONS),
            r.pick(REGIONS)
        ),
        1 => format!(
            r#"{{"StringLike":{{"aws:PrincipalTag/team":"{}*"}}}}"#,
            r.pick(TEAMS)
        ),
        2 => format!(
            r#"{{"ArnLike":{{"aws:PrincipalArn":"arn:aws:iam::{}:role/*"}}}}"#,
            r.pick(ACCOUNTS)
        ),
        3 => r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}"#.to_string(),
        4 => r#"{"Bool":{"aws:SecureTransport":"true"}}"#.to_string(),
        5 => r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#.to_string(),
        _ => r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"},"StringEqualsIfExists":{"aws:ResourceTag/env":"prod"}}"#.to_string(),
    }
}

fn list(r: &mut Rng, max: usize, f: impl Fn(&mut Rng) -> String) -> String {
    let n = if r.chance(60) { 1 } else { 1 + r.below(max) };
    if n == 1 && r.chance(50) {
        return f(r);
    }
    let items: Vec<String> = (0..n).map(|_| f(r)).collect();
    format!("[{}]", items.join(","))
}

/// One statement; `principal` adds a Principal element (resource policies).
fn statement(r: &mut Rng, sid: usize, allow_percent: usize, principal: Option<&str>) -> String {
    let effect = if r.chance(allow_percent) { "Allow" } else { "Deny" };
    let action_key = if r.chance(10) { "NotAction" } else { "Action" };
    let resource_key = if r.chance(10) { "NotResource" } else { "Resource" };
    let actions = list(r, 2, |r| format!("\"{}\"", r.pick(ACTION_PATTERNS)));
    let resources = list(r, 2, |r| format!("\"{}\"", resource_pattern(r)));
    let mut s = format!(r#"{{"Sid":"S{sid}","Effect":"{effect}","#);
    if let Some(p) = principal {
        s.push_str(&format!(r#""Principal":{p},"#));
    }
    s.push_str(&format!(r#""{action_key}":{actions},"{resource_key}":{resources}"#));
    if r.chance(35) {
        s.push_str(&format!(r#","Condition":{}"#, condition(r)));
    }
    s.push('}');
    s
}

fn document(r: &mut Rng, statements: usize, allow_percent: usize, resource_policy: bool) -> String {
    let n = 1 + r.below(statements);
    let body: Vec<String> = (0..n)
        .map(|i| {
            let principal = resource_policy.then(|| match r.below(4) {
                0 => "\"*\"".to_string(),
                1 => format!(r#"{{"AWS":"arn:aws:iam::{}:root"}}"#, r.pick(ACCOUNTS)),
                2 => format!(
                    r#"{{"AWS":"arn:aws:iam::{}:role/app-{}"}}"#,
                    r.pick(ACCOUNTS),
                    r.below(3)
                ),
                _ => format!(r#"{{"AWS":"{}"}}"#, r.pick(ACCOUNTS)),
            });
            statement(r, i, allow_percent, principal.as_deref())
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    )
}

/// Pools of documents per kind (or fresh documents when `size` is 0).
struct Pools {
    size: usize,
    identity: Vec<String>,
    boundary: Vec<String>,
    session: Vec<String>,
    resource: Vec<String>,
    scp: Vec<String>,
}

impl Pools {
    fn new(r: &mut Rng, size: usize) -> Pools {
        let mk = |r: &mut Rng, n: usize, st, allow, rp| {
            (0..n).map(|_| document(r, st, allow, rp)).collect()
        };
        Pools {
            size,
            identity: mk(r, size, 2, 85, false),
            boundary: mk(r, size / 4, 2, 90, false),
            session: mk(r, size / 4, 2, 90, false),
            resource: mk(r, size / 2, 2, 80, true),
            scp: mk(r, size / 4, 2, 70, false),
        }
    }
    fn get(&self, r: &mut Rng, pool: &[String], st: usize, allow: usize, rp: bool) -> String {
        if self.size == 0 || pool.is_empty() {
            document(r, st, allow, rp)
        } else {
            pool[r.below(pool.len())].clone()
        }
    }
}

fn request(r: &mut Rng, id: usize) -> String {
    let acct = r.pick(ACCOUNTS);
    let principal = match r.below(3) {
        0 => format!("arn:aws:iam::{acct}:role/app-{}", r.below(3)),
        1 => format!(
            "arn:aws:sts::{acct}:assumed-role/app-{}/session-{}",
            r.below(3),
            r.below(5)
        ),
        _ => format!("arn:aws:iam::{acct}:user/dev-{}", r.below(3)),
    };
    let action = r.pick(ACTIONS);
    let region = r.pick(REGIONS);
    let res_acct = r.pick(ACCOUNTS);
    let resource = match action {
        "bedrock:GetGuardrail" | "bedrock:ApplyGuardrail" => format!(
            "arn:aws:bedrock:{region}:{res_acct}:guardrail/{}{}",
            r.pick(TEAMS),
            r.below(10)
        ),
        "s3:GetObject" => format!("arn:aws:s3:::corpus-{res_acct}/k{}", r.below(10)),
        "bedrock:ListFoundationModels" => "*".to_string(),
        _ => format!(
            "arn:aws:bedrock:{region}::foundation-model/{}",
            r.pick(MODELS)
        ),
    };
    let resource_account = if resource.contains("::foundation-model") || resource == "*" {
        acct
    } else {
        res_acct
    };
    let ip = if r.chance(50) { "10.1.2.3" } else { "203.0.113.9" };
    format!(
        r#""id":"m{id}","request":{{"principal":"{principal}","action":"{action}","resource":"{resource}","resource_account":"{resource_account}","context":{{"aws:RequestedRegion":"{region}","aws:PrincipalTag/team":"{}","aws:SourceIp":"{ip}","aws:SecureTransport":{},"aws:MultiFactorAuthAge":"{}","aws:CurrentTime":"2026-06-01T12:00:00Z"}}}}"#,
        r.pick(TEAMS),
        r.chance(80),
        r.below(7200)
    )
}

/// `n` lines (each ending in `\n`) from `seed`, documents drawn from pools of `pool`.
pub fn corpus(seed: u64, n: usize, pool: usize) -> String {
    let mut r = Rng::new(seed);
    let pools = Pools::new(&mut r, pool);
    let mut out = String::with_capacity(n * 1700);
    for id in 0..n {
        out.push('{');
        out.push_str(&request(&mut r, id));
        let k = 1 + r.below(4);
        let ids: Vec<String> = (0..k)
            .map(|_| pools.get(&mut r, &pools.identity, 2, 85, false))
            .collect();
        out.push_str(&format!(r#","identity_policies":[{}]"#, ids.join(",")));
        if r.chance(70) {
            let b = pools.get(&mut r, &pools.boundary, 2, 90, false);
            out.push_str(&format!(r#","permissions_boundary":{b}"#));
        }
        if r.chance(50) {
            let s = pools.get(&mut r, &pools.session, 2, 90, false);
            out.push_str(&format!(r#","session_policy":{s}"#));
        }
        if r.chance(60) {
            let p = pools.get(&mut r, &pools.resource, 2, 80, true);
            out.push_str(&format!(r#","resource_policy":{p}"#));
        }
        // Every level needs an Allow: FullAWSAccess, or a pool SCP that opens with one.
        let levels: Vec<String> = (0..1 + r.below(3))
            .map(|_| {
                if r.chance(50) {
                    r#"[{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}]"#.to_string()
                } else {
                    format!("[{}]", pools.get(&mut r, &pools.scp, 2, 70, false).replacen(
                        r#""Statement":["#,
                        r#""Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"#,
                        1,
                    ))
                }
            })
            .collect();
        out.push_str(&format!(r#","scps":[{}]"#, levels.join(",")));
        out.push_str("}\n");
    }
    out
}
