/**
 * Issue 10 items 2 and 3, inspection the way Ironic boots it. For in-band
 * inspection Ironic puts only `ipa-inspection-callback-url` on the ramdisk's
 * kernel command line (openstack/ironic ironic/drivers/modules/inspector/interface.py
 * prepare_managed_inspection; `ipa-api-url` only with fast-track). The node
 * uses the `pxe` boot interface so Ironic really renders that command line
 * into its PXE config; the test hands exactly that line to the agent.
 *
 * Ironic with API 1.84+ inspects itself (`agent` inspect interface, callback
 * `<api>/v1/continue_inspection`); older Ironic (bookworm's 21.4) delegates to
 * ironic-inspector (`<inspector>/v1/continue`). Runs once per suite in
 * ICA_IRONIC_SUITES (ironic-suites.ts).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/index.js';
import { fromDataUrl } from '../../ignition/data-url.js';
import { HOST_CONF_PATH } from '../../container/paths.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { agentGet, startAgent, waitFor, writeAgentConf, type RunningTestAgent } from '../../testbed/agent.js';
import { layout } from '../../testbed/ironic-settings.js';
import type { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import {
  atLeast,
  CONTINUE_INSPECTION,
  describeIronic,
  ironicSuites,
  maxApiVersion,
  suiteTestbed,
} from './ironic-suites.js';
import { requireTestbed, stopAgents } from './support.js';

const FLOW_TIMEOUT = 120_000;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtest e2e@test';

interface StoredInventory {
  inventory: { interfaces: Array<{ mac_address: string }>; disks: Array<{ name: string; size: number }> };
}

/** The parameters of the deploy kernel's command line in a rendered PXE (GRUB or PXELINUX) config. */
function kernelParams(config: string): string {
  const line = config.split('\n').find((l) => /^\s*(linux|linuxefi|append)\s/.test(l) && l.includes('ipa-'));
  if (line === undefined) throw new Error(`no kernel line with ipa-* parameters in the PXE config:\n${config}`);
  return line
    .trim()
    .split(/\s+/)
    .slice(1)
    .filter((t) => t.includes('=') && !t.startsWith('initrd='))
    .join(' ');
}

for (const suite of ironicSuites()) {
  describe(`e2e (${suite}): inspection booted with only the inspection callback URL`, function () {
    this.timeout(600_000);
    const withInspector = suite === 'bookworm';
    let dir: string;
    let testbed: IronicTestbed;
    let node: TestNode;
    let uuid = '';
    let builtIn = false;
    let failed = false;
    const agents: RunningTestAgent[] = [];

    before(async function () {
      requireTestbed(this, { inspector: withInspector });
      dir = mkdtempSync(join(tmpdir(), 'e2e-ibt-'));
      const addresses = testbedAddresses('ibt', 0, process.pid);
      testbed = suiteTestbed('ibt', suite);
      await testbed.start({ dir: join(dir, 'ironic'), hostIp: addresses.hostIp, inspector: withInspector });
      const version = await maxApiVersion(testbed);
      builtIn = atLeast(version, CONTINUE_INSPECTION);
      console.log(`      ${describeIronic(version, suite)}: ${builtIn ? 'built-in inspection' : 'ironic-inspector'}`);
      node = await TestNode.create({ tag: 'ibt', ...addresses, disksGiB: [6] });
      const images = layout(testbed.settings.dir).images;
      for (const name of ['deploy.kernel', 'deploy.initramfs']) writeFileSync(join(images, name), `dummy ${name}\n`);
    });

    /**
     * A freshly enrolled, manageable node for each test: Ironic 21.4 keeps one
     * inventory row per inspection and then answers GET .../inventory with 500
     * "Multiple rows were found".
     */
    beforeEach(async () => {
      if (uuid !== '') await testbed.api.delete(`/v1/nodes/${uuid}`);
      const images = layout(testbed.settings.dir).images;
      // pxe: Ironic renders the ramdisk's kernel command line, which the agent is then booted with.
      // Set at enrolment: a PATCH breaks the node on trixie and forky (testbed/README.md).
      uuid = await testbed.createNode({
        name: 'ibt-node',
        mac: node.mac,
        bootInterface: 'pxe',
        inspectInterface: builtIn ? 'agent' : 'inspector',
        driverInfo: {
          deploy_kernel: `file://${join(images, 'deploy.kernel')}`,
          deploy_ramdisk: `file://${join(images, 'deploy.initramfs')}`,
        },
      });
      await testbed.setProvisionState(uuid, 'manage');
      await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') failed = true;
      await stopAgents(agents, this.currentTest?.state === 'failed');
    });

    after(async () => {
      await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir === undefined) return;
      if (failed) console.log(`      kept ${dir} for debugging (Ironic logs in ironic/log)`);
      else rmSync(dir, { recursive: true, force: true });
    });

    /** Start inspection and return the kernel parameters Ironic rendered for the ramdisk. */
    async function startInspection(): Promise<string> {
      await testbed.setProvisionState(uuid, 'inspect');
      await testbed.waitForProvisionState(uuid, ['inspect wait'], 60_000);
      return kernelParams(readFileSync(join(layout(testbed.settings.dir).tftpboot, uuid, 'config'), 'utf8'));
    }

    /** `baremetal node inventory save`; Ironic 21.4 stores it just after the node turns manageable, hence the wait. */
    async function storedInventory(): Promise<StoredInventory> {
      return waitFor(
        'the stored inventory',
        async () => (await testbed.api.get<StoredInventory>(`/v1/nodes/${uuid}/inventory`)).data,
        15_000,
        500,
      );
    }

    it('the agent inspects, skips lookup and heartbeat, keeps serving; the node ends manageable with the inventory stored', async () => {
      const params = await startInspection();
      const callback = builtIn ? `${testbed.url}/v1/continue_inspection` : `${testbed.inspectorUrl}/v1/continue`;

      const agent = await startAgent(node, {
        apiUrl: null,
        cmdline: params,
        dir: join(dir, 'inspect'),
        logName: 'inspect',
      });
      agents.push(agent);
      const final = await testbed.waitForProvisionState(uuid, ['manageable'], FLOW_TIMEOUT);
      const stored = await storedInventory();
      const status = await waitFor(
        'the agent API',
        async () => (await agentGet(`http://${agent.address}`, '/v1/status')).status,
        30_000,
      );
      const log = agent.process.readLog();

      expect(params.split(' ')).to.include(`ipa-inspection-callback-url=${callback}`);
      expect(params).to.not.contain('ipa-api-url');
      expect(final.last_error).to.equal(null);
      expect(stored.inventory.interfaces.map((i) => i.mac_address)).to.deep.equal([node.mac]);
      expect(stored.inventory.disks.map((d) => d.name)).to.deep.equal([node.disks[0]!.device]);
      expect(log).to.match(new RegExp(`Inspection finished successfully \\{"nodeUuid":"${uuid}"\\}`));
      expect(log).to.contain('No api_url: lookup and heartbeats are skipped after inspection');
      expect(log).to.not.contain('Looking up node');
      expect(agent.process.running).to.equal(true);
      expect(status).to.equal(200);
    });

    it('with the conf `ignition build --host` writes, the node inspects successfully', async () => {
      const conf = await ignitionConf(
        builtIn ? [] : ['--inspection', 'inspector', '--inspector-port', String(testbed.settings.inspectorPort)],
      );
      writeAgentConf(join(dir, 'ignition'), 'ignition.conf', conf);
      await startInspection();

      const agent = await startAgent(node, { apiUrl: null, dir: join(dir, 'ignition'), logName: 'ignition' });
      agents.push(agent);
      const final = await testbed.waitForProvisionState(uuid, ['manageable'], FLOW_TIMEOUT);
      const stored = await storedInventory();

      expect(conf).to.contain(
        builtIn
          ? `inspection_callback_url = ${testbed.url}/v1/continue_inspection`
          : `${testbed.inspectorUrl}/v1/continue`,
      );
      expect(final.last_error).to.equal(null);
      expect(stored.inventory.interfaces.map((i) => i.mac_address)).to.deep.equal([node.mac]);
      expect(agent.process.readLog()).to.match(
        new RegExp(`Inspection finished successfully \\{"nodeUuid":"${uuid}"\\}`),
      );
    });

    /** The agent conf inside the Ignition that `ignition build --host <Ironic host>` prints. */
    async function ignitionConf(extra: string[]): Promise<string> {
      writeFileSync(join(dir, 'key.pub'), `${KEY}\n`);
      const { hostIp, port } = testbed.settings;
      const stdout = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on('data', (c: Buffer) => chunks.push(c));
      const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}, cwd: dir };
      const args = [
        'ignition',
        'build',
        '--host',
        hostIp,
        ...(port === 6385 ? [] : ['--api-port', String(port)]),
        ...extra,
        '--registry',
        'quay.io/example',
        '--ssh-key',
        'key.pub',
      ];
      expect(await main(args, io), args.join(' ')).to.equal(0);
      const ignition = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        storage: { files: Array<{ path: string; contents: { source: string } }> };
      };
      const file = ignition.storage.files.find((f) => f.path === HOST_CONF_PATH);
      if (file === undefined) throw new Error(`no ${HOST_CONF_PATH} in the Ignition config`);
      return fromDataUrl(file.contents.source).toString('utf8');
    }
  });
}
