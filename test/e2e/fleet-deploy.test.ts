/**
 * Issue 12, the CI size of `npm run bench:fleet`: 5 nodes deployed at once
 * through one real Ironic (every release of ICA_IRONIC_SUITES), one agent
 * process per node, each node with its own loop disk and its own test host
 * root (testbed/fleet-deploy.ts). A test of correctness, not of speed: every
 * node ends `active`, its own disk holds the image with the Ignition of its
 * own configdrive, and the timelines the benchmark cuts into phases are
 * complete. Nothing here is timed; the only limit is the generous deploy
 * deadline that keeps a stuck run from hanging CI.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePhases, PHASES } from '../../bench/lib/fleet-report.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { readBootFile } from '../../testbed/boot-partition.js';
import { Fleet, type FleetRun } from '../../testbed/fleet-deploy.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { requireTestbed } from './support.js';

const SIZE = 5;
const TAG = 'fltci';
/** A deadline for a stuck run, not a speed requirement (5 nodes take well under a minute here). */
const DEPLOY_DEADLINE = 600_000;

describeEachIronic(`e2e: ${SIZE} nodes deployed at once through one Ironic`, function (ironic) {
  this.timeout(DEPLOY_DEADLINE + 300_000);
  let dir: string | undefined;
  let testbed: IronicTestbed | undefined;
  let fleet: Fleet | undefined;
  let run: FleetRun;

  before(async function () {
    requireTestbed(this, { suite: ironic.suite });
    dir = mkdtempSync(join(tmpdir(), 'e2e-fleet-'));
    testbed = new IronicTestbed({ tag: TAG, suite: ironic.suite });
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: testbedAddresses(TAG, 0, process.pid).hostIp,
      automatedClean: false,
      port: 0,
    });
    fleet = await Fleet.create({ testbed, size: SIZE, tag: TAG, dir });
    run = await fleet.deploy(DEPLOY_DEADLINE);
  });

  after(async function () {
    const failed = this.test?.parent?.tests.some((test) => test.state === 'failed') === true;
    if (failed || run?.settled !== true) {
      for (const member of fleet?.members ?? []) {
        console.log(`--- ${member.name} agent log (last lines) ---`);
        console.log((member.agent?.process.readLog() ?? '(no agent)').split('\n').slice(-30).join('\n'));
      }
    }
    await fleet?.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
    await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(`every one of the ${SIZE} nodes ends active, with no last_error`, () => {
    expect(run.settled).to.equal(true);
    expect(run.nodes.map((n) => [n.name, n.finalState, n.lastError])).to.deep.equal(
      run.nodes.map((n) => [n.name, 'active', null]),
    );
  });

  it("each node's own disk got the image, with the Ignition of its own configdrive (its hostname) at ignition/config.ign", async () => {
    const disks = new Set(run.nodes.map((n) => n.disk));
    expect(disks.size).to.equal(SIZE);
    for (const node of run.nodes) {
      const ignition = await readBootFile(node.disk, '/ignition/config.ign');
      expect(JSON.parse(ignition.text), node.name).to.deep.equal({
        ignition: { version: '3.4.0' },
        storage: {
          files: [{ path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: `data:,${node.name}` } }],
        },
      });
      expect(ignition.mode, node.name).to.equal(0o600);
    }
  });

  it("each node's agent ran the installer once, on that node's disk, and was powered off by Ironic", () => {
    for (const member of fleet?.members ?? []) {
      const disk = member.node.disks[0]?.device;
      expect(member.host.calls(), member.name).to.deep.equal([
        `install --preserve-on-error --ignition-file /tmp/ironic.ign --offline ${disk} `,
      ]);
      expect(member.host.powerRequests(), member.name).to.deep.equal(['poweroff --no-block']);
    }
  });

  it('every node timeline has each moment the benchmark cuts into phases (one agent boot, one lookup)', () => {
    for (const node of run.nodes) {
      expect(node.agent.lookups, node.name).to.equal(1);
      const phases = nodePhases(node);
      expect(Object.keys(phases.phases), node.name).to.have.members(PHASES.map(([name]) => name));
      expect(phases.totalMs, node.name).to.be.a('number');
    }
  });
});
