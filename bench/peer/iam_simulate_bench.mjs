// The peer's side of the comparison (scripts/bench): @cloud-copilot/iam-simulate on
// the same seed scenario and 200,000-decision matrix as benches/iam_eval.rs, read
// from bench/seed.jsonl and bench/matrix.json (which examples/bench_report.rs reads
// too).
//
// Usage: node bench/peer/iam_simulate_bench.mjs [--iters N] [--matrix-roles R]
//          [--ours-report FILE] [--ours-matrix FILE]
//   --ours-report: bench_report's JSON (for the seed decision to compare with)
//   --ours-matrix: bench_report --matrix-out (one char per cell: A / i / E)
// Prints one JSON object on stdout; progress goes to stderr.
//
// Two entry points are timed: runSimulation (the documented API: validates the
// policies, the action, the resource type and context keys, then evaluates) and
// runUnsafeSimulation (no validation). Both take policy documents, so they parse
// the policies on every call; bedrockctl's `seed_line_us_per_decision` is the
// like-for-like number (`iam eval` line: parse + compile + evaluate).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO, loadPeer, toSimulation, decisionOf } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const iters = Number(opt('--iters', '20000'));
const oursReport = opt('--ours-report', null);
const oursMatrix = opt('--ours-matrix', null);

const { sim, version } = await loadPeer();
const seedLine = JSON.parse(readFileSync(join(REPO, 'bench', 'seed.jsonl'), 'utf8').trim());
const spec = JSON.parse(readFileSync(join(REPO, 'bench', 'matrix.json'), 'utf8'));
const matrixRoles = Number(opt('--matrix-roles', String(spec.roles)));

let mismatches = 0;
const notes = [];

// Seed scenario.
const seed = toSimulation(seedLine);
const first = await sim.runSimulation(seed, {});
if (first.resultType === 'error') {
  console.error('iam-simulate rejected the seed scenario:', JSON.stringify(first.errors));
  process.exit(1);
}
const seedDecision = decisionOf(first.overallResult);
const unsafeDecision = decisionOf(sim.runUnsafeSimulation(seed, {}));
let oursSeed = 'allow';
if (oursReport) oursSeed = JSON.parse(readFileSync(oursReport, 'utf8')).seed_decision;
for (const [what, d] of [
  ['runSimulation', seedDecision],
  ['runUnsafeSimulation', unsafeDecision]
]) {
  if (d !== oursSeed) {
    mismatches++;
    notes.push(`seed: bedrockctl ${oursSeed}, iam-simulate ${what} ${d}`);
  }
}

async function timeSeed(fn) {
  for (let i = 0; i < Math.max(200, iters / 10); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) await fn();
  return ((performance.now() - t0) * 1000) / iters;
}
console.error(`iam-simulate ${version}: seed decision x ${iters} ...`);
const seedUs = await timeSeed(() => sim.runSimulation(seed, {}));
const seedUnsafeUs = await timeSeed(() => sim.runUnsafeSimulation(seed, {}));

// Matrix: roles x models x regions, cells ordered role, model, region.
const base = toSimulation(seedLine);
const cells = matrixRoles * spec.models.length * spec.regions.length;
const ours = oursMatrix ? readFileSync(oursMatrix, 'utf8') : null;
const letter = { allow: 'A', implicit_deny: 'i', explicit_deny: 'E' };
let allowed = 0;
let errors = 0;
const cellSims = [];
for (const m of spec.models) {
  for (const r of spec.regions) {
    cellSims.push({
      ...base,
      request: {
        ...base.request,
        action: spec.action,
        resource: {
          resource: `arn:aws:bedrock:${r}::foundation-model/${m}`,
          accountId: spec.account
        },
        contextVariables: { 'aws:RequestedRegion': r }
      }
    });
  }
}
console.error(`iam-simulate: matrix of ${cells} decisions ...`);
// Warm-up on one role's cells, then the timed run over all of them.
for (const s of cellSims) {
  s.request.principal = `arn:aws:iam::${spec.account}:role/warmup`;
  await sim.runSimulation(s, {});
}
const t0 = performance.now();
let k = 0;
for (let role = 0; role < matrixRoles; role++) {
  const principal = `arn:aws:iam::${spec.account}:role/role-${role}`;
  for (const s of cellSims) {
    s.request.principal = principal;
    const res = await sim.runSimulation(s, {});
    let d;
    if (res.resultType === 'error') {
      errors++;
      d = 'error';
    } else {
      d = decisionOf(res.overallResult);
      if (d === 'allow') allowed++;
    }
    if (ours && ours[k] !== letter[d]) {
      mismatches++;
      if (notes.length < 10) {
        notes.push(
          `matrix cell ${k} (${principal} ${s.request.resource.resource}): bedrockctl ${ours[k]}, iam-simulate ${d}`
        );
      }
    }
    k++;
  }
}
const matrixSeconds = (performance.now() - t0) / 1000;
if (ours && ours.length !== spec.roles * spec.models.length * spec.regions.length) {
  notes.push(`bedrockctl matrix has ${ours.length} cells, expected ${cells}`);
  mismatches++;
}

console.log(
  JSON.stringify({
    tool: 'iam-simulate',
    version,
    node: process.version,
    seed_decision: seedDecision,
    seed_us_per_decision: seedUs,
    seed_unsafe_us_per_decision: seedUnsafeUs,
    seed_iterations: iters,
    matrix_decisions: cells,
    matrix_allowed: allowed,
    matrix_errors: errors,
    matrix_seconds: matrixSeconds,
    // Scaled to the full matrix when --matrix-roles ran a subset.
    matrix_seconds_200k: (matrixSeconds * (spec.roles * spec.models.length * spec.regions.length)) / cells,
    mismatches,
    mismatch_notes: notes
  })
);
