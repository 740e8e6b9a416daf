//! The hot path allocates nothing: once policies are compiled, the context built and
//! the reasons buffer has grown, `evaluate` makes no heap allocation. Guarded with a
//! counting global allocator (this test binary only). Only allocations of the thread
//! that counts are counted: the harness's own threads allocate when they please.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrockctl::iam::{compile_text, evaluate, Context, Decision, PolicySet, Principal, Request};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // `const` init: reading it never allocates (no lazy initialisation).
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn evaluate_does_not_allocate() {
    let identity = compile_text(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow",
        "Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],
        "Resource":["arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0","arn:aws:s3:::home/${aws:username}/*"],
        "Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"t*"},"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
    )
    .unwrap();
    let scp = compile_text(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"Lock","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},"DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01"}}}]}"#,
    )
    .unwrap();
    let set = PolicySet {
        identity: vec![identity],
        permissions_boundary: Some(
            compile_text(
                r#"{"Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}"#,
            )
            .unwrap(),
        ),
        scps: Some(vec![vec![scp]]),
        ..PolicySet::default()
    };
    let who = Principal::parse("arn:aws:iam::111122223333:user/alice");
    let mut reasons = Vec::with_capacity(16);
    let mut check = |resource: &str, expect: Decision| {
        let mut ctx = Context::default();
        ctx.insert(
            "aws:TagKeys",
            bedrockctl::iam::Value::Many(vec!["team".into()]),
        );
        ctx.derive(&who, resource, "");
        let req = Request {
            principal: &who,
            action: "bedrock:InvokeModel",
            resource,
            resource_account: "",
            context: &ctx,
        };
        assert_eq!(evaluate(&set, &req, &mut reasons).decision, expect);
        let before = ALLOCS.load(Ordering::Relaxed);
        COUNTING.with(|c| c.set(true));
        for _ in 0..1000 {
            let _ = evaluate(&set, &req, &mut reasons);
        }
        COUNTING.with(|c| c.set(false));
        let after = ALLOCS.load(Ordering::Relaxed);
        assert_eq!(after - before, 0, "evaluate allocated for {resource}");
    };
    check(
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
        Decision::Allow,
    );
    check(
        "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0",
        Decision::ExplicitDeny,
    );
    check(
        "arn:aws:bedrock:us-east-1::foundation-model/other",
        Decision::ImplicitDeny,
    );
    // No region in the ARN: the region lock sees no aws:RequestedRegion and denies.
    check("arn:aws:s3:::home/alice/x", Decision::ExplicitDeny);
}
