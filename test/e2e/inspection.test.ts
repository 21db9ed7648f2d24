/**
 * Issue 3 acceptance, inspection, against every release of ICA_IRONIC_SUITES:
 * a REAL ironic-inspector 11.1 next to bookworm's Ironic 21.4, Ironic's own
 * `agent` inspect interface (/v1/continue_inspection) on trixie's 29 and
 * forky's 35 (see SuiteProfile.inspection for why not trixie's
 * ironic-inspector); and the built
 * agent confined to a test node (sparse loop disks, a veth carrying the port's
 * MAC). The expected properties are derived from the agent's own inventory
 * (poll.get_hardware_info of a standalone agent in the same confinement) with
 * the inspecting service's rules, not hard-coded.
 */
import axios from 'axios';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, machine, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { agentGet, startAgent, waitFor, writeAgentConf, type RunningTestAgent } from '../../testbed/agent.js';
import { pickFreePort } from '../../testbed/host.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { stopAgents } from './support.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';

const GiB = 2 ** 30;
const FLOW_TIMEOUT = 120_000;

/** The parts of IPA's inventory (openstack/ironic-python-agent hardware.py list_hardware_info) the suite compares. */
interface Inventory {
  interfaces: Array<{ name: string; mac_address: string; ipv4_address: string | null }>;
  cpu: { count: number; architecture: string };
  memory: { total: number; physical_mb: number };
  disks: Array<{ name: string; size: number }>;
}

/** IPA's guess_root_disk (the `root_disk` inspection reports): the smallest disk of at least 4 GiB, ties by name. */
function guessRootDisk(disks: Inventory['disks']): Inventory['disks'][number] {
  const sorted = [...disks].sort((a, b) => a.size - b.size || a.name.localeCompare(b.name));
  const disk = sorted.find((d) => d.size >= 4 * GiB);
  if (disk === undefined) throw new Error(`no disk of at least 4 GiB in ${JSON.stringify(disks)}`);
  return disk;
}

/**
 * The node properties the inspecting service derives from an inventory, as
 * strings (ironic-inspector stores strings, Ironic's own hooks numbers).
 * ironic-inspector's default hooks (ironic_inspector/plugins/standard.py):
 * SchedulerHook sets cpus, cpu_arch and memory_mb; RootDiskSelectionHook sets
 * local_gb = root disk GiB (floored) − 1 ([processing]disk_partitioning_spacing
 * defaults to true), the root disk being the one the ramdisk reports.
 * Ironic's own hooks as the test bed enables them (ironic/drivers/modules/
 * inspector/hooks/: architecture, memory, root-device, and cpus where the
 * release has it) set the same; Ironic 29 has no cpus hook.
 */
function expectedProperties(inventory: Inventory, withCpus: boolean): Record<string, string> {
  return {
    ...(withCpus ? { cpus: String(inventory.cpu.count) } : {}),
    cpu_arch: inventory.cpu.architecture,
    memory_mb: String(inventory.memory.physical_mb),
    local_gb: String(Math.floor(guessRootDisk(inventory.disks).size / GiB) - 1),
  };
}

/** Node properties with every value as a string (see {@link expectedProperties}). */
function asStrings(properties: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

describeEachIronic(
  "e2e: in-band inspection (ironic-inspector, or Ironic's own where it has no inspector)",
  function (ironic) {
    this.timeout(600_000);
    const style = ironic.profile.inspection;
    const setsCpus = style === 'inspector' || (ironic.profile.inspectionHooks ?? '').split(',').includes('cpus');
    let dir: string;
    let testbed: IronicTestbed;
    let node: TestNode;
    let uuid: string;
    let failed = false;
    const agents: RunningTestAgent[] = [];

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'insp-'));
      const addresses = testbedAddresses('insp', 0, process.pid);
      testbed = new IronicTestbed({ tag: 'insp', suite: ironic.suite });
      await testbed.start({
        dir: join(dir, 'ironic'),
        hostIp: addresses.hostIp,
        inspector: style === 'inspector',
        port: 0,
      });
      // The larger disk first: the root disk must be chosen by size, not by order.
      node = await TestNode.create({ tag: 'insp', ...addresses, disksGiB: [9, 6] });
      uuid = await testbed.createNode({ name: 'insp-node', mac: node.mac, inspectInterface: style });
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') failed = true;
      await stopAgents(agents, this.currentTest?.state === 'failed');
    });

    after(async () => {
      await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir === undefined) return;
      if (failed) console.log(`      kept ${dir} for debugging (Ironic and inspector logs in ironic/log)`);
      else rmSync(dir, { recursive: true, force: true });
    });

    async function boot(name: string, extraArgs: string[]): Promise<RunningTestAgent> {
      const agent = await startAgent(node, { apiUrl: testbed.url, dir: join(dir, name), logName: name, extraArgs });
      agents.push(agent);
      return agent;
    }

    /** Bring the node back to manageable from wherever an earlier test left it. */
    async function manageable(): Promise<void> {
      const state = (await testbed.nodeShow(uuid)).provision_state;
      if (state === 'inspect wait' || state === 'inspecting') {
        await testbed.setProvisionState(uuid, 'abort');
        await testbed.waitForProvisionState(uuid, ['inspect failed'], 60_000);
      }
      if (state !== 'manageable') {
        await testbed.setProvisionState(uuid, 'manage');
        await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
      }
    }

    /** `baremetal node inspect`, then wait until Ironic waits for the inspection data. */
    async function startInspection(): Promise<void> {
      const cli = await testbed.baremetal(['node', 'inspect', uuid]);
      expect(cli.exitCode, cli.stderr).to.equal(0);
      await testbed.waitForProvisionState(uuid, ['inspect wait'], 60_000);
    }

    /** The agent's own inventory: poll.get_hardware_info of a standalone agent in the same confinement. */
    async function agentInventory(): Promise<Inventory> {
      const token = randomBytes(24).toString('hex');
      writeAgentConf(join(dir, 'standalone'), 'token.conf', `[DEFAULT]\nagent_token = ${token}\n`);
      chmodSync(join(dir, 'standalone', 'etc', 'token.conf'), 0o600);
      await boot('standalone', ['--standalone', '--listen-port', '9998']);
      const base = `http://${node.nodeIp}:9998`;
      await waitFor(
        'the standalone agent API',
        async () => ((await agentGet(base, '/v1/status')).status === 200 ? true : undefined),
        60_000,
      );
      const reply = await axios.post<{ command_status: string; command_error: unknown; command_result: Inventory }>(
        `${base}/v1/commands/?wait=true&agent_token=${token}`,
        { name: 'poll.get_hardware_info', params: {} },
        { timeout: 60_000 },
      );
      expect(reply.data.command_status, JSON.stringify(reply.data.command_error)).to.equal('SUCCEEDED');
      await agents.pop()?.process.stop();
      return reply.data.command_result;
    }

    it(`the agent posts its inventory to ${style === 'inspector' ? 'ironic-inspector' : 'Ironic (/v1/continue_inspection)'}; the node ends manageable with the properties that inventory implies`, async () => {
      await manageable();
      const expected = await agentInventory();
      const [d9, d6] = node.disks;
      await startInspection();

      const agent = await boot('inspect', ['--inspection-callback-url', testbed.inspectionCallbackUrl]);
      const inspected = await testbed.waitForProvisionState(uuid, ['manageable'], FLOW_TIMEOUT);
      // Ironic 21.4 stores the inventory just after the node turns manageable: wait for it.
      const stored = await waitFor(
        'the stored inventory',
        async () =>
          (
            await testbed.api.get<{
              inventory: Inventory;
              plugin_data: { root_disk?: { name: string }; macs: string[] };
            }>(`/v1/nodes/${uuid}/inventory`)
          ).data,
        15_000,
        500,
      );
      const ports = await testbed.baremetal(['port', 'list', '--node', uuid, '-f', 'json']);

      // the expectation is the agent's inventory, and that inventory describes this node
      expect(expected.disks.map((d) => [d.name, d.size])).to.deep.equal([
        [d9!.device, 9 * GiB],
        [d6!.device, 6 * GiB],
      ]);
      expect(expected.cpu.architecture).to.equal(machine());
      expect(expected.cpu.count).to.equal(cpus().length);
      expect(expected.memory.physical_mb * 2 ** 20).to.be.at.least(expected.memory.total);
      expect(expected.interfaces.map((i) => [i.name, i.mac_address, i.ipv4_address])).to.deep.equal([
        ['eth0', node.mac, node.nodeIp],
      ]);
      // the inspecting service's rules applied to it
      expect(inspected.last_error).to.equal(null);
      expect(asStrings(inspected.properties)).to.include(expectedProperties(expected, setsCpus));
      expect(String(inspected.properties['local_gb'])).to.equal('5');
      if (!setsCpus) expect(inspected.properties).not.to.have.property('cpus');
      // what was stored is what the agent reported
      expect(stored.inventory.cpu).to.deep.include({
        count: expected.cpu.count,
        architecture: expected.cpu.architecture,
      });
      expect(stored.inventory.memory.physical_mb).to.equal(expected.memory.physical_mb);
      expect(stored.inventory.disks.map((d) => [d.name, d.size])).to.deep.equal(
        expected.disks.map((d) => [d.name, d.size]),
      );
      expect(stored.plugin_data.root_disk?.name).to.equal(d6!.device);
      // the one port is the MAC the agent reported
      expect(ports.exitCode, ports.stderr).to.equal(0);
      // python3-ironicclient 6.3 (forky) prints field names in -f json, older ones column labels
      expect(
        (JSON.parse(ports.stdout) as Array<{ Address?: string; address?: string }>).map((p) => p.Address ?? p.address),
        ports.stdout,
      ).to.deep.equal([node.mac]);
      expect(stored.plugin_data.macs).to.deep.equal([node.mac]);
      expect(stored.inventory.interfaces.map((i) => i.mac_address)).to.deep.equal([node.mac]);
      expect(agent.process.readLog()).to.match(
        new RegExp(`Inspection finished successfully \\{"nodeUuid":"${uuid}"\\}`),
      );
    });

    it('an unreachable inspection callback is retried, logged, and not fatal: the agent proceeds to lookup and serves its API', async () => {
      await manageable();
      const before = (await testbed.nodeShow(uuid)).properties;
      const unreachable = `http://${testbed.settings.hostIp}:${await pickFreePort(testbed.settings.hostIp)}${new URL(testbed.inspectionCallbackUrl).pathname}`;
      await startInspection();

      const agent = await boot('unreachable', ['--inspection-callback-url', unreachable]);
      await waitFor(
        'the agent to look itself up after the failed inspection',
        async () => (agent.process.readLog().includes('Lookup succeeded') ? true : undefined),
        FLOW_TIMEOUT,
        500,
      );
      const status = await waitFor(
        'the agent API',
        async () => (await agentGet(`https://${agent.address}`, '/v1/status')).status,
        30_000,
      );
      const log = agent.process.readLog();
      const shown = await testbed.nodeShow(uuid);

      const retries = log.split('\n').filter((line) => line.includes('Posting inspection data failed, retrying'));
      expect(retries).to.have.length(4);
      expect(retries.join('\n')).to.include('ECONNREFUSED');
      const gaveUp = log.indexOf(
        `Could not deliver inspection data, proceeding with lookup {"urls":["${unreachable}"],"attempts":5,`,
      );
      expect(gaveUp, 'the final inspection error is logged with the URL').to.be.greaterThan(-1);
      expect(log.indexOf('Looking up node')).to.be.greaterThan(gaveUp);
      expect(log).to.match(new RegExp(`Lookup succeeded \\{"nodeUuid":"${uuid}"`));
      expect(agent.process.running).to.equal(true);
      expect(status).to.equal(200);
      // nothing reached inspector: the node still waits, its properties unchanged
      expect(shown.provision_state).to.equal('inspect wait');
      expect(shown.properties).to.deep.equal(before);
    });
  },
);
