/**
 * Issue 9, one `fleet apply` over both paths for real: six test-bed SSH nodes
 * (testbed/ssh-node.ts: a real sshd per network namespace, a real ostree
 * sysroot each, this checkout's agent as the remote command), two control
 * plane and four workers, and two more workers deployed `active` through a
 * real test-bed Ironic (this agent and the coreos-installer double,
 * test/helpers/ironic-fleet.ts) that the same runs rebuild: one `method:
 * ironic`, one `method: auto` whose SSH refuses, falling back to Ironic.
 * Workers at concurrency 2. One set-up serves every case, in order; each fault
 * is checked on the nodes themselves (their stamps, boot entries, reboot
 * requests, sysroot fingerprints, agent boots and disks), not from the fleet's
 * word. The doubles are the reboot (testbed/node-boot.ts) and coreos-installer.
 * It runs against the first Ironic release of the run; the others rebuild in
 * fleet-apply-rebuild.test.ts.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetMember } from '../../testbed/fleet-deploy.js';
import { NODE_SYSROOT } from '../../testbed/ssh-node-files.js';
import { fingerprintDiff } from '../../testbed/sysroot-fingerprint.js';
import type { NodeStatus } from '../../fleet/status.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { maxInFlight, planHealth, progress, runFleetCli, startFleetCli } from '../helpers/fleet-ssh.js';
import { diskConfigFiles, rebuildConfig, type IronicFacts, type IronicFleet } from '../helpers/ironic-fleet.js';
import { buildMixedFleet, type MixedFleet } from '../helpers/mixed-fleet.js';
import { fingerprints, nodeFacts, nodeOstreeOrSkip, type SshFleet } from '../helpers/ssh-fleet.js';
import { requireTestbed } from './support.js';

const WORKERS = ['w1', 'w2', 'w3', 'w4'];
const CONTROL_PLANE = ['cp1', 'cp2'];
/** Generous limits that keep a stuck run from hanging CI, not speed requirements. */
const NODE_TIMEOUT_S = 240;
/** w3 never comes back: the fleet gives up on it after this. */
const NEVER_BACK_TIMEOUT_S = 60;
/** Deadlines for a stuck Ironic deploy and rebuild, not speed requirements. */
const IRONIC_DEPLOY_MS = 600_000;
const IRONIC_TIMEOUT_S = 600;
/** Apply's options in every run: progress polled each second; no wait for an SSH report after a rebuild. */
const APPLY = ['fleet', 'apply', '--json', '--poll-interval', '1', '--confirm-timeout', '0'];

describeEachIronic(
  'e2e: fleet apply over real SSH to six nodes and through a real Ironic to two, in one run (issue 9)',
  function (ironic) {
    this.timeout(1_800_000);
    let dir: string | undefined;
    let mixed: MixedFleet | undefined;
    let bed: SshFleet;
    let irf: IronicFleet;
    let direct: FleetMember;
    let fallback: FleetMember;
    let ironicNames: string[];
    const allWorkers = (): string[] => [...WORKERS, ...ironicNames];

    before(async function () {
      requireTestbed(this, { suite: ironic.suite });
      dir = mkdtempSync(join(tmpdir(), 'e2e-fleet-apply-'));
      mixed = await buildMixedFleet({
        dir,
        ostreeDir: await nodeOstreeOrSkip(this),
        sshNodes: [
          ...CONTROL_PLANE.map((name) => ({ name, role: 'control-plane' as const })),
          ...WORKERS.map((name) => ({ name, role: 'worker' as const })),
        ],
        suite: ironic.suite,
        deployTimeoutMs: IRONIC_DEPLOY_MS,
        ironicTimeoutSeconds: IRONIC_TIMEOUT_S,
      });
      ({ ssh: bed, ironic: irf, direct, fallback } = mixed);
      ironicNames = [...irf.names];
    });

    after(async function () {
      await mixed?.destroy(this.test?.parent?.tests.some((test) => test.state === 'failed') === true);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    const fleetFile = (overrides: Record<string, Record<string, unknown>> = {}): string =>
      mixed!.writeFleetFile({ concurrency: 2, timeoutSeconds: NODE_TIMEOUT_S, overrides });
    /** The facts of Ironic nodes that the deploy left and nothing touched since. */
    let deployed: IronicFacts;
    /** ...and once rebuilt: one agent boot and one more install of a config each, `active` again. */
    const rebuilt = (): IronicFacts =>
      new Map(ironicNames.map((name) => [name, [1, deployed.get(name)![1] + 1, 'active']]));
    before(async () => {
      deployed = await irf.facts();
      for (const [name, [boots, , state]] of deployed) expect([boots, state], name).to.deep.equal([0, 'active']);
    });

    it('refuses an invalid config for one node before touching any node (every sysroot fingerprint and Ironic node unchanged)', async () => {
      const invalid = join(dir!, 'invalid.ign');
      writeFileSync(invalid, JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ mode: 420 }] } }));
      const before = await fingerprints(bed);

      const result = await runFleetCli(bed.client, [
        ...APPLY,
        '--include-control-plane',
        fleetFile({ w2: { config: invalid } }),
      ]);

      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr).to.match(/node w2: .*/);
      const after = await fingerprints(bed);
      for (const name of bed.names)
        expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
      expect(bed.events().filter((e) => e.includes(' reprovision '))).to.deep.equal([]);
      expect(await irf.facts()).to.deep.equal(deployed);
    });

    it('by default the control plane is skipped: a dry run plans the six workers and touches nothing', async () => {
      const before = await fingerprints(bed);

      const result = await runFleetCli(bed.client, [...APPLY, '--dry-run', fleetFile()]);

      expect(result.code, result.stderr).to.equal(0);
      const lines = progress(result.stderr);
      expect(lines.filter((p) => p.phase === 'planned').map((p) => p.node)).to.have.members(allWorkers());
      expect(lines.filter((p) => p.phase === 'skipped').map((p) => [p.node, p.message])).to.deep.equal(
        CONTROL_PLANE.map((name) => [name, 'control plane (--include-control-plane to include it)']),
      );
      const after = await fingerprints(bed);
      for (const name of bed.names)
        expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
      expect(await irf.facts()).to.deep.equal(deployed);
    });

    it('workers 2 at a time, SSH and Ironic; a node that never comes back fails at its timeout, an unreachable one under ssh fails untouched, under auto falls back to Ironic; the failing health gate stops before cp2', async () => {
      bed.node('w3').comesBack = false;
      await bed.node('w4').stopSshd();
      planHealth(bed.healthDir, [0, 1]);
      const before = await fingerprints(bed);

      const result = await runFleetCli(bed.client, [
        ...APPLY,
        '--include-control-plane',
        fleetFile({ w3: { timeoutSeconds: NEVER_BACK_TIMEOUT_S } }),
      ]);

      const served = JSON.stringify([...irf.boots.boots, ...irf.boots.errors]);
      expect(result.code, `${result.stderr}\nagent boots: ${served}`).to.equal(1);
      const summary = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(summary['done']).to.have.members(['w1', 'w2', 'cp1', ...ironicNames]);
      expect(summary['failed']).to.have.members(['w3', 'w4']);
      expect(summary['stopped']).to.equal(true);
      expect(summary['not_started']).to.deep.equal(['cp2']);
      const lines = progress(result.stderr);
      expect(maxInFlight(lines, allWorkers())).to.equal(2);
      expect(lines.filter((p) => p.phase === 'done').map((p) => [p.node, p.method])).to.include.deep.members([
        [direct.name, 'ironic'],
        [fallback.name, 'ironic'],
      ]);
      expect(lines.find((p) => p.node === fallback.name && p.phase === 'fallback')?.message).to.match(
        /nothing was changed, falling back to Ironic/,
      );
      expect(irf.boots.errors).to.deep.equal(new Map());
      expect(await irf.facts(), 'one agent boot and one install of the config each').to.deep.equal(rebuilt());
      const facts = await nodeFacts(
        bed,
        bed.names.filter((name) => name !== 'w4'),
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
      const after = await fingerprints(bed);
      for (const name of ['w4', 'cp2'])
        expect(fingerprintDiff(before.get(name)!, after.get(name)!), name).to.deep.equal([]);
      expect(
        bed.events().filter((e) => /^(health |cp\d (reprovision (plan|apply)|reboot|booted))/.test(e)),
      ).to.deep.equal([
        'health 1 exit 0',
        `cp1 reprovision plan - --sysroot ${NODE_SYSROOT}`,
        `cp1 reprovision apply --now - --sysroot ${NODE_SYSROOT}`,
        'cp1 reboot requested',
        `cp1 booted ${facts.get('cp1')!.defaultDeployment}`,
        'health 2 exit 1',
      ]);
    });

    it('killed with SIGKILL mid-run and started again, it resumes: every node ends on its config, none reprovisioned or rebuilt twice', async () => {
      bed.node('w3').comesBack = true;
      await bed.node('w4').startSshd();
      bed.node('cp2').comesBack = false;
      planHealth(bed.healthDir, []);
      const file = fleetFile();
      const stamps = await nodeFacts(bed);

      const first = startFleetCli(bed.client, [...APPLY, '--include-control-plane', file]);
      await first.waitForLine((line) => line.includes('"node":"cp2"') && line.includes('"phase":"waiting"'));
      first.child.kill('SIGKILL');
      const killed = await first.done;
      bed.node('cp2').comesBack = true;
      const second = await runFleetCli(bed.client, [...APPLY, '--include-control-plane', file]);

      expect(killed.signal).to.equal('SIGKILL');
      expect(second.code, second.stderr).to.equal(0);
      const facts = await nodeFacts(bed);
      for (const name of bed.names) {
        expect(facts.get(name), name).to.deep.include({ inEffect: true, deployments: 2, rebootRequests: 1, boots: 1 });
      }
      for (const name of ['w1', 'w2', 'w3', 'cp1']) {
        expect(facts.get(name)!.startedAt, `${name}: the stamp of the first run's reprovision`).to.equal(
          stamps.get(name)!.startedAt,
        );
      }
      for (const name of bed.names) {
        const applies = bed.events().filter((e) => e.startsWith(`${name} reprovision apply `));
        expect(applies, name).to.have.length(1);
      }
      expect(await irf.facts(), 'still one agent boot and one install each').to.deep.equal(rebuilt());
    });

    it('fleet status --json: every node reports its desired sha256, the SSH nodes over SSH, the Ironic ones by Ironic', async () => {
      const result = await runFleetCli(bed.client, ['fleet', 'status', '--json', fleetFile()]);

      expect(result.code, result.stderr).to.equal(0);
      const nodes = (JSON.parse(result.stdout) as { nodes: NodeStatus[] }).nodes;
      expect(nodes.map((n) => [n.name, n.in_sync, n.reported_by, n.phase])).to.deep.equal([
        ...bed.names.map((name) => [name, true, 'ssh', 'done']),
        ...ironicNames.map((name) => [name, true, 'ironic', 'done']),
      ]);
      for (const n of nodes.filter((node) => bed.names.includes(node.name))) {
        expect(n.reported_sha256, n.name).to.equal(bed.desiredSha256(n.name));
        const marker = JSON.parse(readFileSync(bed.successFile(n.name), 'utf8')) as Record<string, string>;
        expect(marker['boot_id'], n.name).to.equal(bed.node(n.name).bootId);
      }
      for (const n of nodes.filter((node) => ironicNames.includes(node.name))) {
        expect(n.reported_sha256, n.name).to.equal(irf.desiredSha256(n.name));
      }
    });

    it("each Ironic node's own disk holds its new config at ignition/config.ign", async () => {
      for (const member of irf.members) {
        expect(await diskConfigFiles(member), member.name).to.include(
          JSON.stringify(rebuildConfig(member.name).storage.files[0]),
        );
      }
    });
  },
  { select: (configured) => configured.slice(0, 1) },
);
