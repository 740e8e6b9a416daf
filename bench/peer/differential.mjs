// Differential check (issue 9): random Bedrock-focused cases, generated
// deterministically from a seed, evaluated by `bedrockctl iam eval` and by
// @cloud-copilot/iam-simulate (runSimulation); prints the agreement count and the
// first disagreements. Run by scripts/bench, never in CI.
//
// Usage: node bench/peer/differential.mjs --bedrockctl BIN [--seed S] [--cases N]
//          [--out DIR] [--no-context]
// Issue 16 constructs are always in the mix: policy variables in every ARN field of
// Resource/NotResource (partition, service, region, account, resource part), and
// resource policies with `Principal: "*"` next to permissions boundaries and session
// policies. Cases that hit one of the peer's own departures from AWS's documentation
// are generated but excluded from the count, each with its reason (EXCLUDED below).
// --no-context drops `request.context` from every case: bedrockctl then derives
// aws:RequestedRegion from the resource ARN (src/iam/mod.rs), the peer treats the key
// as absent, so disagreements are expected there (a known, documented difference).
// Writes DIR/cases.jsonl (design.md `iam eval` input shape), DIR/ours.jsonl (our
// answers) and DIR/disagreements.jsonl (every disagreement, with the case).
// Prints one JSON summary on stdout. Exit 0 whatever the agreement (it is a report);
// 1 if either side could not run.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PEER_DIR, loadPeer, toSimulation, decisionOf, readJsonl } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const bin = opt('--bedrockctl', null);
const seed = Number(opt('--seed', '9'));
const n = Number(opt('--cases', '2000'));
const outDir = opt('--out', PEER_DIR);
const noContext = args.includes('--no-context');
if (!bin) {
  console.error('usage: differential.mjs --bedrockctl BIN [--seed S] [--cases N] [--out DIR]');
  process.exit(1);
}

// mulberry32: small, deterministic, good enough for case generation.
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(seed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;
const some = (xs, max) => {
  const k = 1 + Math.floor(rand() * max);
  const out = [];
  for (let i = 0; i < k; i++) {
    const x = pick(xs);
    if (!out.includes(x)) out.push(x);
  }
  return out;
};
const one = (xs) => (xs.length === 1 && chance(0.5) ? xs[0] : xs);

const ACCOUNT = '111122223333';
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1'];
const MODELS = [
  'amazon.nova-lite-v1:0',
  'amazon.nova-pro-v1:0',
  'anthropic.claude-haiku-4-5-20251001-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'meta.llama3-1-70b-instruct-v1:0'
];
const GEO = { us: 'us', eu: 'eu', ap: 'apac' };
const REQUEST_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:ApplyGuardrail'
];
const POLICY_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:ApplyGuardrail',
  'bedrock:Invoke*',
  'bedrock:*',
  '*',
  'bedrock:invokemodel',
  'bedrock:*Guardrail',
  'bedrock:GetFoundationModel',
  'bedrock:InvokeModel*',
  'bedrock:*Model*',
  'Bedrock:InvokeModel',
  's3:GetObject'
];
const fmArn = (region, model) => `arn:aws:bedrock:${region}::foundation-model/${model}`;
const ipArn = (region, model) =>
  `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${GEO[region.slice(0, 2)]}.${model}`;
const grArn = (region, id) => `arn:aws:bedrock:${region}:${ACCOUNT}:guardrail/${id}`;
const RESOURCE_PATTERNS = () => [
  '*',
  'arn:aws:bedrock:*::foundation-model/*',
  `arn:aws:bedrock:*::foundation-model/${pick(MODELS)}`,
  `arn:aws:bedrock:${pick(REGIONS)}::foundation-model/*`,
  'arn:aws:bedrock:*::foundation-model/amazon.nova-*',
  'arn:aws:bedrock:us-*::foundation-model/anthropic.*',
  'arn:aws:bedrock:us-?ast-1::foundation-model/*',
  fmArn(pick(REGIONS), pick(MODELS)),
  `arn:aws:bedrock:*:${ACCOUNT}:inference-profile/*`,
  `arn:aws:bedrock:*:*:inference-profile/us.*`,
  ipArn(pick(REGIONS), pick(MODELS)),
  `arn:aws:bedrock:*:${ACCOUNT}:guardrail/*`,
  grArn(pick(REGIONS), pick(['gr1', 'gr2'])),
  'arn:aws:bedrock:*:*:*',
  'arn:aws:bedrock:*::Foundation-Model/*',
  `arn:aws:bedrock:*:444455556666:inference-profile/*`
];
const REGION_VALUES = () => [
  pick(REGIONS),
  pick(REGIONS),
  'us-*',
  'eu-*',
  '*-1',
  'us-east-?',
  'US-EAST-1',
  '*',
  ''
];

// Variables in each ARN field: only the resource part (after the fifth colon) is
// substituted by IAM; before it `${...}` is literal text and never matches.
const VARIABLE_PATTERNS = () => [
  'arn:${aws:PrincipalTag/partition}:bedrock:*::foundation-model/*',
  'arn:aws:${aws:PrincipalTag/service}:*::foundation-model/*',
  'arn:aws:bedrock:${aws:RequestedRegion}::foundation-model/*',
  'arn:aws:bedrock:*:${aws:PrincipalAccount}:guardrail/*',
  'arn:aws:bedrock:*:${aws:PrincipalAccount}:inference-profile/*',
  'arn:aws:bedrock:*::foundation-model/${aws:PrincipalTag/model}',
  `arn:aws:bedrock:*:${ACCOUNT}:guardrail/\${aws:PrincipalTag/guardrail}`
];
const TAG_CONTEXT = {
  'aws:PrincipalTag/partition': 'aws',
  'aws:PrincipalTag/service': 'bedrock',
  'aws:PrincipalTag/model': 'amazon.nova-lite-v1:0',
  'aws:PrincipalTag/guardrail': 'gr1'
};

function condition() {
  const c = {};
  for (let k = chance(0.2) ? 2 : 1; k > 0; k--) Object.assign(c, operator());
  return c;
}

function operator() {
  const op = pick([
    'StringEquals',
    'StringLike',
    'StringNotEquals',
    'StringNotLike',
    'StringEqualsIfExists',
    'StringNotEqualsIfExists'
  ]);
  return { [op]: { 'aws:RequestedRegion': one(some(REGION_VALUES(), 3)) } };
}

function statement(i, allowOnly) {
  const s = { Sid: `S${i}`, Effect: allowOnly || chance(0.75) ? 'Allow' : 'Deny' };
  if (chance(0.2)) s.NotAction = one(some(POLICY_ACTIONS, 2));
  else s.Action = one(some(POLICY_ACTIONS, 3));
  const patterns = () => (chance(0.3) ? VARIABLE_PATTERNS() : RESOURCE_PATTERNS());
  if (chance(0.12)) s.NotResource = one(some(patterns(), 2));
  else s.Resource = one(some(patterns(), 2));
  if (chance(0.45)) s.Condition = condition();
  return s;
}

function policy(maxStatements, allowOnly = false) {
  const k = 1 + Math.floor(rand() * maxStatements);
  return {
    Version: '2012-10-17',
    Statement: Array.from({ length: k }, (_, i) => statement(i, allowOnly))
  };
}

const FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }]
};

function genCase(i) {
  const action = pick(REQUEST_ACTIONS);
  const region = pick(REGIONS);
  let resource;
  let resourceAccount = ACCOUNT;
  if (action === 'bedrock:ApplyGuardrail') resource = grArn(region, pick(['gr1', 'gr2']));
  else if (chance(0.55)) resource = fmArn(region, pick(MODELS));
  else resource = ipArn(region, pick(MODELS));
  if (action !== 'bedrock:ApplyGuardrail' && chance(0.05)) {
    // Another account's inference profile: needs a resource policy, which Bedrock
    // profiles do not have, so no identity policy alone can allow it.
    resource = resource
      .replace(`:${ACCOUNT}:`, ':444455556666:')
      .replace('::foundation-model/', ':444455556666:inference-profile/us.');
    resourceAccount = '444455556666';
  }
  // Roles call Bedrock through a session: half the principals are assumed-role ARNs.
  const principal = chance(0.5)
    ? `arn:aws:iam::${ACCOUNT}:role/app-${i % 7}`
    : `arn:aws:sts::${ACCOUNT}:assumed-role/app-${i % 7}/session-${i}`;
  // The requested region is usually the resource's, sometimes another (a
  // destination leg of cross-region inference).
  const requested = chance(0.8) ? region : pick(REGIONS);
  const line = {
    id: `c${i}`,
    request: {
      principal,
      action,
      resource,
      resource_account: resourceAccount,
      context: { 'aws:RequestedRegion': requested, ...TAG_CONTEXT }
    },
    identity_policies: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => policy(3)),
    resource_policy: null,
    permissions_boundary: chance(0.4) ? policy(2) : null,
    session_policy: null,
    scps: null,
    rcps: null
  };
  // A resource policy granting `Principal: "*"` (same account), with the boundary
  // above and, for a session, a session policy: neither limits such a grant.
  if (resourceAccount === ACCOUNT && chance(0.3)) {
    const st = statement(0, chance(0.7));
    st.Principal = '*';
    line.resource_policy = { Version: '2012-10-17', Statement: [st] };
  }
  if (principal.includes(':assumed-role/') && chance(0.35)) line.session_policy = policy(2);
  if (chance(0.5)) {
    const levels = 1 + Math.floor(rand() * 3);
    line.scps = Array.from({ length: levels }, () => {
      const level = [];
      if (chance(0.75)) level.push(FULL_ACCESS);
      if (level.length === 0 || chance(0.6)) level.push(policy(2));
      return level;
    });
  }
  return line;
}

const cases = Array.from({ length: n }, (_, i) => genCase(i));
if (noContext) for (const c of cases) delete c.request.context;
mkdirSync(outDir, { recursive: true });
const casesPath = join(outDir, 'cases.jsonl');
const oursPath = join(outDir, 'ours.jsonl');
writeFileSync(casesPath, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');

const run = spawnSync(bin, ['iam', 'eval', '--input', casesPath], {
  encoding: 'utf8',
  maxBuffer: 1 << 30
});
if (run.status !== 0) {
  console.error(`bedrockctl iam eval failed (exit ${run.status}): ${run.stderr || run.error}`);
  process.exit(1);
}
writeFileSync(oursPath, run.stdout);
const ours = new Map(readJsonl(oursPath).map((o) => [o.id, o]));

// Where iam-simulate itself departs from AWS's documentation; such cases are left out
// of the agreement count, with the reason:
// - a session policy's implicit deny overriding a same-account resource-policy grant
//   to the session (AWS: "permissions granted by a resource-based policy directly to
//   the session ARN are not limited by the session policy"; also for Principal "*"),
// - ARN condition values split at colons inside `${...}` (none generated here),
// - variables substituted in documents without "Version": "2012-10-17" (none here).
const EXCLUDED = (c, ours, peer) => {
  if (c.session_policy && c.resource_policy && ours === 'allow' && peer === 'implicit_deny') {
    return 'peer: session policy limits a resource-policy grant to the session';
  }
  return null;
};

const { sim, version } = await loadPeer();
let agree = 0;
let excluded = 0;
const excludedWhy = {};
let oursErrors = 0;
let peerErrors = 0;
const disagreements = [];
const byKind = {};
for (const c of cases) {
  const o = ours.get(c.id);
  const ourDecision = !o ? 'missing' : o.error ? `error: ${o.error}` : o.decision;
  if (!o || o.error) oursErrors++;
  const res = await sim.runSimulation(toSimulation(c), {});
  let peerDecision;
  if (res.resultType === 'error') {
    peerErrors++;
    peerDecision = `error: ${res.errors.message}`;
  } else {
    peerDecision = decisionOf(res.overallResult);
  }
  const why = ourDecision === peerDecision ? null : EXCLUDED(c, ourDecision, peerDecision);
  if (ourDecision === peerDecision) {
    agree++;
  } else if (why) {
    excluded++;
    excludedWhy[why] = (excludedWhy[why] ?? 0) + 1;
  } else {
    const kind = `${ourDecision} vs ${peerDecision}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    disagreements.push({
      id: c.id,
      bedrockctl: ourDecision,
      iam_simulate: peerDecision,
      our_reasons: o?.reasons ?? null,
      peer_errors: res.resultType === 'error' ? res.errors : undefined,
      case: c
    });
  }
}
writeFileSync(
  join(outDir, 'disagreements.jsonl'),
  disagreements.map((d) => JSON.stringify(d)).join('\n') + (disagreements.length ? '\n' : '')
);
const decisions = {};
for (const o of ours.values()) decisions[o.decision ?? 'error'] = (decisions[o.decision ?? 'error'] ?? 0) + 1;
console.log(
  JSON.stringify({
    peer: 'iam-simulate',
    version,
    seed,
    cases: n,
    no_context: noContext,
    agree,
    excluded,
    excluded_why: excludedWhy,
    disagree: disagreements.length,
    bedrockctl_errors: oursErrors,
    peer_errors: peerErrors,
    bedrockctl_decisions: decisions,
    disagreement_kinds: byKind,
    first: disagreements.slice(0, 10).map((d) => ({
      id: d.id,
      bedrockctl: d.bedrockctl,
      iam_simulate: d.iam_simulate
    }))
  })
);
