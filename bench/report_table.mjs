// scripts/bench's table: criterion results of this run (estimates newer than
// --since), bedrockctl's bench_report, the iam-simulate run and the differential
// summary, as one Markdown table plus notes.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const since = opt('--since') ? statSync(opt('--since')).mtimeMs : 0;
const ours = readJson(opt('--ours'));
const peer = readJson(opt('--peer'));
const diff = readJson(opt('--differential'));

// Criterion: <dir>/**/new/{estimates,benchmark}.json of this run.
const crit = new Map();
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (!e.isDirectory()) continue;
    if (e.name === 'new') {
      const est = join(p, 'estimates.json');
      const bm = join(p, 'benchmark.json');
      if (existsSync(est) && existsSync(bm) && statSync(est).mtimeMs >= since) {
        const id = readJson(bm).full_id;
        crit.set(id, readJson(est).mean.point_estimate); // ns
      }
    } else if (e.name !== 'base' && e.name !== 'report') {
      walk(p);
    }
  }
}
walk(opt('--criterion'));

const fmtNs = (ns) => {
  if (ns == null || !Number.isFinite(ns)) return '—';
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
};
const fmtRatio = (peerNs, oursNs) =>
  peerNs && oursNs ? `${Math.round(peerNs / oursNs).toLocaleString('en-US')}×` : '—';

const rows = [];
const seedCrit = crit.get('seed_decision');
const seedOurs = seedCrit ?? ours.seed_us_per_decision * 1e3;
const seedPeer = peer.seed_us_per_decision * 1e3;
const seedPeerUnsafe = peer.seed_unsafe_us_per_decision * 1e3;
rows.push([
  'IAM seed decision (bedrockctl: compiled policies; peer: runSimulation)',
  fmtNs(seedOurs),
  fmtNs(seedPeer),
  fmtRatio(seedPeer, seedOurs)
]);
rows.push([
  'IAM seed decision (peer: runUnsafeSimulation, no validation)',
  fmtNs(seedOurs),
  fmtNs(seedPeerUnsafe),
  fmtRatio(seedPeerUnsafe, seedOurs)
]);
const lineOurs = ours.seed_line_us_per_decision * 1e3;
rows.push([
  'IAM seed, policies parsed per request (bedrockctl: `iam eval` line; peer: runSimulation)',
  fmtNs(lineOurs),
  fmtNs(seedPeer),
  fmtRatio(seedPeer, lineOurs)
]);
const matrixCrit = crit.get('matrix/200k_decisions');
const matrixOurs = matrixCrit ?? ours.matrix_seconds * 1e9;
const matrixPeer = peer.matrix_seconds_200k * 1e9;
const scaled = peer.matrix_decisions !== 200000;
rows.push([
  `IAM matrix, 200,000 decisions${scaled ? ` (peer: ${peer.matrix_decisions.toLocaleString('en-US')} run, scaled)` : ''}`,
  fmtNs(matrixOurs),
  fmtNs(matrixPeer),
  fmtRatio(matrixPeer, matrixOurs)
]);
const shown = new Set(['seed_decision', 'matrix/200k_decisions']);
for (const [id, ns] of [...crit.entries()].sort()) {
  if (shown.has(id)) continue;
  rows.push([id.replace(/_/g, ' '), fmtNs(ns), '—', '—']);
}
rows.push([
  `Differential decisions (seed ${diff.seed})`,
  `${diff.agree} / ${diff.cases} agree`,
  `${diff.peer_errors} peer errors`,
  `${diff.disagree} differ`
]);

const header = ['benchmark', 'bedrockctl', `iam-simulate ${peer.version}`, 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));

const ratio = seedPeer / seedOurs;
const ratioUnsafe = seedPeerUnsafe / seedOurs;
console.log('');
console.log(
  `Seed-decision target ≥50×: ${ratio >= 50 ? 'met' : 'NOT met'} (${Math.round(ratio)}× vs runSimulation, ${Math.round(ratioUnsafe)}× vs runUnsafeSimulation).`
);
console.log(
  `Cross-check (bench_report, Instant loop): seed ${fmtNs(ours.seed_us_per_decision * 1e3)}, matrix ${fmtNs(ours.matrix_seconds * 1e9)} (best of 3).`
);
console.log(
  `Decisions: seed bedrockctl ${ours.seed_decision}, iam-simulate ${peer.seed_decision}; matrix allowed bedrockctl ${ours.matrix_allowed}/${ours.matrix_decisions}, iam-simulate ${peer.matrix_allowed}/${peer.matrix_decisions}; mismatches ${peer.mismatches}.`
);
for (const n of peer.mismatch_notes ?? []) console.log(`  mismatch: ${n}`);
if (diff.disagree > 0) {
  console.log(`Differential disagreements by kind: ${JSON.stringify(diff.disagreement_kinds)}`);
  for (const d of diff.first) console.log(`  ${d.id}: bedrockctl ${d.bedrockctl}, iam-simulate ${d.iam_simulate}`);
  console.log(`  (all of them with their cases: ${process.env.PEER_DIR ?? 'target/peer-bench'}/disagreements.jsonl)`);
}
const planLines = (() => {
  const p = opt('--cargo-log');
  if (!p || !existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => /^\[(memory|sandbox)\]|^plan 10000|vmhwm/.test(l));
})();
if (planLines.length) {
  console.log('Plan bench notes:');
  for (const l of planLines) console.log(`  ${l}`);
}
console.log(
  `Machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? '?'}; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; node ${peer.node}.`
);
