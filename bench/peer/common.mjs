// Shared by the peer benchmark and the differential check: loading
// @cloud-copilot/iam-simulate from where scripts/bench installed it (never
// vendored: AGPL), and turning one `bedrockctl iam eval` input line (design.md
// shape) into the peer's `Simulation`.

import { readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const PEER_DIR = process.env.PEER_DIR || join(REPO, 'target', 'peer-bench');

/** Import the installed peer; returns { sim, version }. Exits 2 when absent. */
export async function loadPeer() {
  const pkgDir = join(PEER_DIR, 'node_modules', '@cloud-copilot', 'iam-simulate');
  const pkgFile = join(pkgDir, 'package.json');
  if (!existsSync(pkgFile)) {
    console.error(
      `iam-simulate is not installed under ${PEER_DIR}; run scripts/bench (it installs it with npm)`
    );
    process.exit(2);
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const entry = pkg.exports?.['.']?.import ?? pkg.module ?? pkg.main;
  const sim = await import(pathToFileURL(join(pkgDir, entry)).href);
  for (const f of ['runSimulation', 'runUnsafeSimulation']) {
    if (typeof sim[f] !== 'function') {
      console.error(`iam-simulate ${pkg.version} does not export ${f}()`);
      process.exit(2);
    }
  }
  return { sim, version: pkg.version };
}

/** The account of a principal ARN (`arn:aws:iam::ACCOUNT:...`), or ''. */
export function accountOf(arn) {
  const parts = String(arn).split(':');
  return parts.length > 4 ? parts[4] : '';
}

/**
 * One design.md `iam eval` input object -> the peer's Simulation.
 * - `resource_account` empty or absent: bedrockctl takes the ARN's account, and an
 *   empty one (foundation models) as the caller's own account; the peer needs an
 *   account id, so it gets the caller's.
 * - `scps` / `rcps`: one entry per organization level, root first (both agree).
 *   Absent RCPs: the peer adds RCPFullAWSAccess itself, which is the same.
 * - `permissions_boundary`: one policy -> the peer's list of one.
 */
export function toSimulation(line) {
  const r = line.request;
  const caller = accountOf(r.principal);
  const accountId = r.resource_account || accountOf(r.resource) || caller;
  const levels = (ls, kind) =>
    (ls ?? []).map((level, i) => ({
      orgIdentifier: i === 0 ? 'r-root' : `ou-${kind}-${i}`,
      policies: level.map((policy, j) => ({ name: `${kind}-${i}-${j}`, policy }))
    }));
  const sim = {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId },
      contextVariables: { ...(r.context ?? {}) }
    },
    identityPolicies: (line.identity_policies ?? []).map((policy, i) => ({
      name: `identity-${i}`,
      policy
    })),
    serviceControlPolicies: levels(line.scps, 'scp'),
    resourceControlPolicies: levels(line.rcps, 'rcp')
  };
  if (line.permissions_boundary) {
    sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: line.permissions_boundary }];
  }
  if (line.resource_policy) sim.resourcePolicy = line.resource_policy;
  if (line.session_policy) sim.sessionPolicy = line.session_policy;
  return sim;
}

/** The peer's overall result -> design.md's decision names. */
export function decisionOf(peerResult) {
  switch (peerResult) {
    case 'Allowed':
      return 'allow';
    case 'ImplicitlyDenied':
      return 'implicit_deny';
    case 'ExplicitlyDenied':
      return 'explicit_deny';
    default:
      return `unknown(${peerResult})`;
  }
}

export function readJsonl(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}
