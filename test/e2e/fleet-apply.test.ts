/**
 * Issue 9, `fleet apply` over SSH for real: six test-bed SSH nodes
 * (testbed/ssh-node.ts: a real sshd per network namespace, a real ostree
 * sysroot each, this checkout's agent as the remote command), two control
 * plane and four workers at concurrency 2. One set-up serves every case, in
 * order; each fault is checked on the nodes themselves (their stamps, boot
 * entries, reboot requests and sysroot fingerprints), not from the fleet's
 * word. The one double is the reboot (testbed/node-boot.ts).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SYSROOT } from '../../testbed/ssh-node-files.js';
import { sysrootFingerprint, fingerprintDiff, type SysrootFingerprint } from '../../testbed/sysroot-fingerprint.js';
import type { NodeStatus } from '../../fleet/status.js';
import { buildSshFleet, nodeFacts, nodeOstreeOrSkip, type SshFleet } from '../helpers/ssh-fleet.js';
import { planHealth, runFleetCli, startFleetCli } from '../helpers/fleet-ssh.js';

const WORKERS = ['w1', 'w2', 'w3', 'w4'];
const CONTROL_PLANE = ['cp1', 'cp2'];
/** Generous limits that keep a stuck run from hanging CI, not speed requirements. */
const NODE_TIMEOUT_S = 240;
/** w3 never comes back: the fleet gives up on it after this. */
const NEVER_BACK_TIMEOUT_S = 60;

interface ProgressLine {
  node: string | null;
  phase: string;
  method?: string;
  message?: string;
}

function progress(stderr: string): ProgressLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ProgressLine);
}

describe('e2e: fleet apply over real SSH to six nodes (issue 9)', function () {
  this.timeout(900_000);
  let dir: string;
  let bed: SshFleet | undefined;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'e2e-fleet-apply-'));
    const ostreeDir = await nodeOstreeOrSkip(this);
    bed = await buildSshFleet({
      dir,
      ostreeDir,
      cleanupDirs: [ostreeDir],
      nodes: [
        ...CONTROL_PLANE.map((name) => ({ name, role: 'control-plane' as const })),
        ...WORKERS.map((name) => ({ name, role: 'worker' as const })),
      ],
    });
  });

  after(async () => {
    await bed?.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
    rmSync(dir, { recursive: true, force: true });
  });

  const fleetFile = (overrides: Record<string, Record<string, unknown>> = {}): string =>
    bed!.writeFleetFile({ concurrency: 2, timeoutSeconds: NODE_TIMEOUT_S, overrides });

  it('refuses an invalid config for one node before touching any node (every sysroot fingerprint unchanged)', async () => {
    const invalid = join(dir, 'invalid.ign');
    writeFileSync(invalid, JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ mode: 420 }] } }));
    const before = await fingerprints(bed!);

    const result = await runFleetCli(bed!.client, [
      'fleet',
      'apply',
      '--include-control-plane',
      '--json',
      fleetFile({ w2: { config: invalid } }),
    ]);

    expect(result.code, result.stderr).to.equal(2);
    expect(result.stderr).to.match(/node w2: .*/);
    const after = await fingerprints(bed!);
    for (const name of bed!.names) expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
    expect(bed!.events().filter((e) => e.includes(' reprovision '))).to.deep.equal([]);
  });

  it('by default the control plane is skipped: a dry run plans the four workers and touches nothing', async () => {
    const before = await fingerprints(bed!);

    const result = await runFleetCli(bed!.client, ['fleet', 'apply', '--dry-run', '--json', fleetFile()]);

    expect(result.code, result.stderr).to.equal(0);
    const lines = progress(result.stderr);
    expect(lines.filter((p) => p.phase === 'planned').map((p) => p.node)).to.have.members(WORKERS);
    expect(lines.filter((p) => p.phase === 'skipped').map((p) => [p.node, p.message])).to.deep.equal(
      CONTROL_PLANE.map((name) => [name, 'control plane (--include-control-plane to include it)']),
    );
    const after = await fingerprints(bed!);
    for (const name of bed!.names) expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
  });

  it('workers 2 at a time; a node that never comes back fails at its timeout, an unreachable one under ssh fails untouched; the failing health gate stops before cp2', async () => {
    bed!.node('w3').comesBack = false;
    await bed!.node('w4').stopSshd();
    planHealth(bed!.healthDir, [0, 1]);
    const before = await fingerprints(bed!);

    const result = await runFleetCli(bed!.client, [
      'fleet',
      'apply',
      '--include-control-plane',
      '--json',
      '--poll-interval',
      '1',
      fleetFile({ w3: { timeoutSeconds: NEVER_BACK_TIMEOUT_S } }),
    ]);

    expect(result.code, result.stderr).to.equal(1);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary['done']).to.have.members(['w1', 'w2', 'cp1']);
    expect(summary['failed']).to.have.members(['w3', 'w4']);
    expect(summary['stopped']).to.equal(true);
    expect(summary['not_started']).to.deep.equal(['cp2']);
    expect(maxInFlight(progress(result.stderr), WORKERS)).to.equal(2);
    const facts = await nodeFacts(
      bed!,
      bed!.names.filter((name) => name !== 'w4'),
    );
    for (const name of ['w1', 'w2', 'cp1']) {
      expect(facts.get(name), name).to.deep.include({ inEffect: true, deployments: 2, rebootRequests: 1, boots: 1 });
    }
    expect(facts.get('w3'), 'w3 was applied, asked for its reboot, and never booted').to.deep.include({
      inEffect: false,
      phase: 'switched',
      deployments: 2,
      rebootRequests: 1,
      boots: 0,
    });
    expect(progress(result.stderr).find((p) => p.node === 'w3' && p.phase === 'failed')?.message).to.match(
      /never came back/,
    );
    expect(progress(result.stderr).find((p) => p.node === 'w4' && p.phase === 'failed')?.message).to.match(
      /cannot reach .* over SSH/,
    );
    const after = await fingerprints(bed!);
    for (const name of ['w4', 'cp2'])
      expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
    expect(
      bed!.events().filter((e) => /^(health |cp\d (reprovision (plan|apply)|reboot|booted))/.test(e)),
    ).to.deep.equal([
      'health 1 exit 0',
      `cp1 reprovision plan - --sysroot ${NODE_SYSROOT}`,
      `cp1 reprovision apply --now - --sysroot ${NODE_SYSROOT}`,
      'cp1 reboot requested',
      `cp1 booted ${facts.get('cp1')!.defaultDeployment}`,
      'health 2 exit 1',
    ]);
  });

  it('killed with SIGKILL mid-run and started again, it resumes: every node ends on its config, none reprovisioned twice', async () => {
    bed!.node('w3').comesBack = true;
    await bed!.node('w4').startSshd();
    bed!.node('cp2').comesBack = false;
    planHealth(bed!.healthDir, []);
    const file = fleetFile();
    const stamps = await nodeFacts(bed!);

    const first = startFleetCli(bed!.client, [
      'fleet',
      'apply',
      '--include-control-plane',
      '--json',
      '--poll-interval',
      '1',
      file,
    ]);
    await first.waitForLine((line) => line.includes('"node":"cp2"') && line.includes('"phase":"waiting"'));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    bed!.node('cp2').comesBack = true;
    const second = await runFleetCli(bed!.client, [
      'fleet',
      'apply',
      '--include-control-plane',
      '--json',
      '--poll-interval',
      '1',
      file,
    ]);

    expect(killed.signal).to.equal('SIGKILL');
    expect(second.code, second.stderr).to.equal(0);
    const facts = await nodeFacts(bed!);
    for (const name of bed!.names) {
      expect(facts.get(name), name).to.deep.include({ inEffect: true, deployments: 2, rebootRequests: 1, boots: 1 });
    }
    for (const name of ['w1', 'w2', 'w3', 'cp1']) {
      expect(facts.get(name)!.startedAt, `${name}: the stamp of the first run's reprovision`).to.equal(
        stamps.get(name)!.startedAt,
      );
    }
    for (const name of bed!.names) {
      const applies = bed!.events().filter((e) => e.startsWith(`${name} reprovision apply `));
      expect(applies, name).to.have.length(1);
    }
  });

  it('fleet status --json: every node reports its desired sha256 over SSH', async () => {
    const result = await runFleetCli(bed!.client, ['fleet', 'status', '--json', fleetFile()]);

    expect(result.code, result.stderr).to.equal(0);
    const nodes = (JSON.parse(result.stdout) as { nodes: NodeStatus[] }).nodes;
    expect(nodes.map((n) => [n.name, n.in_sync, n.reported_by, n.phase])).to.deep.equal(
      bed!.names.map((name) => [name, true, 'ssh', 'done']),
    );
    for (const n of nodes) {
      expect(n.reported_sha256, n.name).to.equal(bed!.desiredSha256(n.name));
      const marker = JSON.parse(readFileSync(bed!.successFile(n.name), 'utf8')) as Record<string, string>;
      expect(marker['boot_id'], n.name).to.equal(bed!.node(n.name).bootId);
    }
  });
});

async function fingerprints(bed: SshFleet): Promise<Map<string, SysrootFingerprint>> {
  const all = new Map<string, SysrootFingerprint>();
  for (const name of bed.names) all.set(name, await sysrootFingerprint(bed.node(name).sysroot));
  return all;
}

/** The most of `nodes` at once between their `applying`/`resuming` and their `done`/`failed` (the fleet's progress). */
function maxInFlight(lines: readonly ProgressLine[], nodes: readonly string[]): number {
  const active = new Set<string>();
  let most = 0;
  for (const line of lines) {
    if (line.node === null || !nodes.includes(line.node)) continue;
    if (['done', 'failed'].includes(line.phase)) active.delete(line.node);
    if (['applying', 'resuming'].includes(line.phase)) active.add(line.node);
    most = Math.max(most, active.size);
  }
  return most;
}
