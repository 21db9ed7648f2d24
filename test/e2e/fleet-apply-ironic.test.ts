/**
 * `fleet apply`'s Ironic path against the real Ironic of every release of
 * ICA_IRONIC_SUITES: a node `active` by the fake deploy interface (no agent:
 * what is checked is the API conversation, not an install) is rebuilt with the
 * config as configdrive and the install_coreos step, where the release's
 * rebuild works (21.4), or undeployed and deployed again where it fails on the
 * automatic-lessee bug (29.0, 35.0); `fleet status` then shows Ironic's view,
 * and a second apply touches nothing. The API masks the configdrive, which is
 * why Ironic's view is the sha256 of what was sent. The full fleet (SSH nodes, our agent,
 * faults) is the fleet e2e suite's.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetCommand } from '../../fleet/cli.js';
import type { FleetStatusDocument } from '../../fleet/status.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { captureIO } from '../helpers/iso-fixtures.js';

const TAG = 'flap';
const CONFIG = '{"ignition": {"version": "3.4.0"}}\n';

describeEachIronic('e2e: fleet apply by Ironic', function (ironic) {
  this.timeout(600_000);
  let dir = '';
  let testbed: IronicTestbed | undefined;

  before(async function () {
    // No agent runs here, so dist/ is not needed (requireTestbed asks for it).
    const unavailable = testbedUnavailableReason(false, ironic.suite);
    if (unavailable !== undefined) {
      console.log(`      (skipping: ${unavailable})`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'e2e-fleet-apply-'));
    testbed = new IronicTestbed({ tag: TAG, suite: ironic.suite });
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: testbedAddresses(TAG, 0, process.pid).hostIp,
      automatedClean: false,
      port: 0,
    });
    const uuid = await testbed.createNode({ name: 'n1', mac: '52:54:00:fa:00:01', deployInterface: 'fake' });
    for (const [target, state] of [
      ['manage', 'manageable'],
      ['provide', 'available'],
      ['active', 'active'],
    ] as const) {
      await testbed.setProvisionState(uuid, target);
      await testbed.waitForProvisionState(uuid, [state], 60_000);
    }
    writeFileSync(join(dir, 'n1.ign'), CONFIG);
    writeFileSync(
      join(dir, 'fleet.yaml'),
      'nodes:\n  - {name: n1, role: worker, config: n1.ign, ironic: {node: n1}}\n',
    );
  });

  after(async () => {
    await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  async function fleet(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIO({ cwd: dir });
    Object.assign(io.env, { OS_ENDPOINT: testbed!.url });
    const code = await fleetCommand.run([...args, 'fleet.yaml'], io);
    return { code, out: io.out().toString(), err: io.err() };
  }

  it("brings the node through a rebuild (or undeploy and deploy) to active, and status shows Ironic's view", async () => {
    const before = await testbed!.nodeShow('n1');

    const run = await fleet(['apply', '--json', '--poll-interval', '1']);

    expect(run.code, run.err).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.include({ done: ['n1'], failed: [] });
    const phases = run.err
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { phase: string }).phase);
    const fellBack = phases.includes('fallback');
    expect(phases.filter((p) => p !== 'fallback')).to.deep.equal(['applying', 'applying', 'waiting', 'done']);
    const after = await testbed!.nodeShow('n1');
    expect(after.provision_state).to.equal('active');
    expect(after.provision_updated_at).to.not.equal(before.provision_updated_at);
    // Why Ironic's view is the config sent, never read back: the API masks the configdrive.
    expect(after.instance_info['configdrive']).to.equal('******');
    console.log(`      (${ironic.label}: ${fellBack ? 'rebuild fails; undeployed and deployed' : 'rebuilt'})`);

    const status = await fleet(['status', '--json']);
    const [node] = (JSON.parse(status.out) as FleetStatusDocument).nodes;
    expect(node).to.deep.include({ reported_by: 'ironic', in_sync: true, phase: 'done' });
  });

  it('a second apply touches nothing', async () => {
    const before = await testbed!.nodeShow('n1');

    const run = await fleet(['apply', '--json']);

    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.include({ done: [], skipped: ['n1'] });
    expect((await testbed!.nodeShow('n1')).provision_updated_at).to.equal(before.provision_updated_at);
  });
});
