// Issue 16 throughput: the mixed `iam eval` corpus (benches/support/mixed_corpus.rs,
// every line carrying its own documents) through the whole `bedrockctl iam eval`
// process and through the peer's evaluation loop (JSON.parse + toSimulation +
// runSimulation per line, its documented API; runUnsafeSimulation throws on
// resource policies in 0.1.173), in the same run.
// Decisions are compared line by line on the lines the peer ran (informational: the
// differential check is differential.mjs).
//
// Usage: node bench/peer/mixed_eval.mjs --bedrockctl BIN --corpus FILE [--peer-lines N] [--runs R]

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadPeer, toSimulation, decisionOf } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const bin = opt('--bedrockctl');
const corpus = opt('--corpus');
const peerLines = Number(opt('--peer-lines', '2000'));
const runs = Number(opt('--runs', '5'));
if (!bin || !corpus) {
  console.error('usage: mixed_eval.mjs --bedrockctl BIN --corpus FILE [--peer-lines N] [--runs R]');
  process.exit(1);
}
const text = readFileSync(corpus, 'utf8');
const lines = text.split('\n').filter((l) => l.trim() !== '');
const bytes = Buffer.byteLength(text);

// bedrockctl: the whole process (start-up included), best of `runs`.
let best = Infinity;
let ours = null;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const res = spawnSync(bin, ['iam', 'eval', '--input', corpus], {
    maxBuffer: 1 << 30,
    encoding: 'utf8'
  });
  const ms = performance.now() - t0;
  if (res.status !== 0) {
    console.error(`bedrockctl iam eval exited ${res.status}: ${res.stderr}`);
    process.exit(1);
  }
  best = Math.min(best, ms);
  ours = res.stdout.split('\n').filter((l) => l !== '');
}
const oursUs = (best * 1000) / lines.length;
const oursErrors = ours.filter((l) => JSON.parse(l).error !== undefined).length;

// The peer: a warm-up pass over a few lines, then the timed loop.
const { sim, version } = await loadPeer();
const n = Math.min(peerLines, lines.length);
for (let i = 0; i < Math.min(200, n); i++) await sim.runSimulation(toSimulation(JSON.parse(lines[i])), {});
let agree = 0;
let differ = 0;
let peerErrors = 0;
const t0 = performance.now();
const peerDecisions = new Array(n);
for (let i = 0; i < n; i++) {
  const res = await sim.runSimulation(toSimulation(JSON.parse(lines[i])), {});
  peerDecisions[i] = res.resultType === 'error' ? 'error' : decisionOf(res.overallResult);
}
const peerUs = ((performance.now() - t0) * 1000) / n;
for (let i = 0; i < n; i++) {
  if (peerDecisions[i] === 'error') peerErrors++;
  else if (JSON.parse(ours[i]).decision === peerDecisions[i]) agree++;
  else differ++;
}

console.log(
  JSON.stringify({
    corpus,
    lines: lines.length,
    bytes_per_line: Math.round(bytes / lines.length),
    bedrockctl_process_best_ms: best,
    bedrockctl_us_per_decision: oursUs,
    bedrockctl_error_lines: oursErrors,
    peer: `iam-simulate ${version}`,
    peer_lines: n,
    peer_us_per_decision: peerUs,
    ratio: peerUs / oursUs,
    peer_errors: peerErrors,
    decisions_agree: agree,
    decisions_differ: differ
  })
);
