/**
 * Issue 9, `fleet apply`'s Ironic path for real (the SSH path is
 * fleet-apply.test.ts): nodes deployed `active` through a real Ironic with
 * this agent and the coreos-installer double (testbed/fleet-deploy.ts), then
 * rebuilt by `fleet apply` (a `rebuild` with the config as configdrive and the
 * install_coreos deploy step; undeploy and deploy where the release's rebuild
 * fails, see fleet/apply/ironic-path.ts), one because its method is `ironic`, one
 * because its SSH address does not answer and its method is `auto`. Each
 * node's own disk must hold the new config afterwards. The first Ironic
 * release of the run does this in the combined suite (fleet-apply.test.ts,
 * with the SSH nodes in the same runs); this suite covers the others.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { Fleet } from '../../testbed/fleet-deploy.js';
import { serveFleetBoots, type FleetBoots } from '../../testbed/fleet-boots.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { fleetClient, runFleetCli, type FleetClient } from '../helpers/fleet-ssh.js';
import { diskConfigFiles, rebuildConfig, rebuildInstall } from '../helpers/ironic-fleet.js';
import { requireTestbed } from './support.js';

const TAG = 'flir';
/** A deadline for a stuck run, not a speed requirement. */
const DEPLOY_DEADLINE = 600_000;

describeEachIronic(
  'e2e: fleet apply rebuilds active nodes through Ironic',
  function (ironic) {
    this.timeout(DEPLOY_DEADLINE + 600_000);
    let dir: string | undefined;
    let testbed: IronicTestbed | undefined;
    let fleet: Fleet | undefined;
    let boots: FleetBoots | undefined;
    let client: FleetClient;

    before(async function () {
      requireTestbed(this, { suite: ironic.suite });
      dir = mkdtempSync(join(tmpdir(), 'e2e-fleet-ironic-'));
      testbed = new IronicTestbed({ tag: TAG, suite: ironic.suite });
      await testbed.start({
        dir: join(dir, 'ironic'),
        hostIp: testbedAddresses(TAG, 0, process.pid).hostIp,
        automatedClean: false,
        port: 0,
      });
      fleet = await Fleet.create({ testbed, size: 2, tag: TAG, dir });
      const deployed = await fleet.deploy(DEPLOY_DEADLINE);
      expect(deployed.nodes.map((n) => n.finalState)).to.deep.equal(['active', 'active']);
      boots = await serveFleetBoots(testbed, fleet.members, join(dir, 'rebuild'));
      client = await fleetClient(dir);
    });

    after(async function () {
      const failed = this.test?.parent?.tests.some((test) => test.state === 'failed') === true;
      if (failed) {
        for (const member of fleet?.members ?? []) {
          console.log(`--- ${member.name} agent log (last lines) ---`);
          console.log((member.agent?.process.readLog() ?? '(no agent)').split('\n').slice(-30).join('\n'));
        }
      }
      await boots?.stop().catch((e: unknown) => console.log(`boots: ${String(e)}`));
      await fleet?.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('rebuilds a method-ironic node and, falling back, an auto node whose SSH does not answer: one agent boot each, and an install of the config during the rebuild', async () => {
      const [direct, fallback] = fleet!.members;
      const nodes = [
        { member: direct!, extra: { method: 'ironic' } },
        {
          member: fallback!,
          // The node's own address, where nothing listens on port 22: ssh cannot connect.
          extra: { method: 'auto', ssh: { address: fallback!.node.nodeIp, user: 'core', key: client.key } },
        },
      ];
      const file = join(dir!, 'fleet.yaml');
      writeFileSync(
        file,
        JSON.stringify({
          concurrency: 2,
          nodes: nodes.map(({ member, extra }) => {
            const config = join(dir!, `${member.name}.ign`);
            writeFileSync(config, JSON.stringify(rebuildConfig(member.name)));
            return { name: member.name, role: 'worker', config, ironic: { node: member.uuid }, ...extra };
          }),
        }),
      );

      const installsBefore = new Map(fleet!.members.map((m) => [m.name, m.host.calls().length]));
      const result = await runFleetCli(client, [
        'fleet',
        'apply',
        '--json',
        '--os-endpoint',
        testbed!.url,
        '--poll-interval',
        '1',
        '--confirm-timeout',
        '0',
        '--timeout',
        '600',
        file,
      ]);

      const served = JSON.stringify([...boots!.boots, ...boots!.errors]);
      expect(result.code, `${result.stderr}\nagent boots: ${served}`).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.include({ failed: [], stopped: false });
      expect(result.stderr).to.match(new RegExp(`"node":"${fallback!.name}","phase":"fallback"`));
      for (const { member } of nodes) {
        expect(boots!.errors.get(member.name), member.name).to.equal(undefined);
        expect(boots!.boots.get(member.name), `${member.name}: one agent boot for the rebuild`).to.equal(1);
        const calls = member.host.calls();
        const rebuild = calls.slice(installsBefore.get(member.name));
        expect(rebuild, `${member.name}: the installer's calls during the rebuild`).to.include(rebuildInstall(member));
      }
    });

    it("each node's own disk holds its new config at ignition/config.ign", async () => {
      for (const member of fleet!.members) {
        expect(await diskConfigFiles(member), member.name).to.include(
          JSON.stringify(rebuildConfig(member.name).storage.files[0]),
        );
      }
    });
  },
  { select: (configured) => configured.slice(1) },
);
