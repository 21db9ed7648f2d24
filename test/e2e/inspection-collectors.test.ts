/**
 * Issue 11 §1: inspection with the kernel arguments Metal3 passes, through a
 * REAL ironic-inspector 11.1 configured as Metal3 configured it
 * (`processing_hooks = $default_processing_hooks,extra_hardware,lldp_basic`,
 * metal3-io/ironic-image ironic-inspector-config/ironic-inspector.conf.j2).
 * The agent reads exactly Metal3's inspector.ipxe kernel command line
 * (metal3-io/ironic-image ironic-config/inspector.ipxe.j2 before ed4427a2,
 * with its script defaults filled in). Expected values come from the machine
 * itself (os.cpus, lscpu -p, sysfs, the node's disks and address), not from
 * the agent.
 */
import axios from 'axios';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { startAgent, waitFor, type RunningTestAgent } from '../../testbed/agent.js';
import { requireTestbed, stopAgents } from './support.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';

const FLOW_TIMEOUT = 180_000;
const METAL3_INSPECTOR_HOOKS = '$default_processing_hooks,extra_hardware,lldp_basic';

/** Metal3's inspector.ipxe kernel arguments (IRONIC_INSPECTOR_VLAN_INTERFACES=all, INSPECTOR_EXTRA_ARGS = the callback URL). */
function metal3Cmdline(inspectorUrl: string, mac: string, collectors = 'default,extra-hardware,logs'): string {
  return (
    `ipa-insecure=1 ipa-inspection-collectors=${collectors} systemd.journald.forward_to_console=yes BOOTIF=${mac} ipa-debug=1 ` +
    `ipa-enable-vlan-interfaces=all ipa-inspection-dhcp-all-interfaces=1 ipa-collect-lldp=1  ipa-inspection-callback-url=${inspectorUrl}/v1/continue ` +
    'initrd=ironic-python-agent.initramfs'
  );
}

/** NUMA cpus as lscpu -p sees them: (node, core) → sorted thread ids. */
function lscpuNumaCpus(): Array<{ cpu: number; numa_node: number; thread_siblings: number[] }> {
  const groups = new Map<string, { cpu: number; numa_node: number; thread_siblings: number[] }>();
  for (const line of execFileSync('lscpu', ['-p=CPU,CORE,NODE'], { encoding: 'utf8' }).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [thread, core, node] = line.split(',').map((v) => Number.parseInt(v, 10));
    const key = `${node}:${core}`;
    const group = groups.get(key) ?? { cpu: core ?? -1, numa_node: node ?? -1, thread_siblings: [] };
    group.thread_siblings.push(thread ?? -1);
    groups.set(key, group);
  }
  return sortCpus([...groups.values()]);
}

function sortCpus<T extends { numa_node: number; thread_siblings: number[] }>(list: T[]): T[] {
  return list
    .map((c) => ({ ...c, thread_siblings: [...c.thread_siblings].sort((a, b) => a - b) }))
    .sort((a, b) => a.numa_node - b.numa_node || (a.thread_siblings[0] ?? 0) - (b.thread_siblings[0] ?? 0));
}

interface StoredData {
  inventory: { interfaces: Array<{ mac_address: string }> };
  plugin_data: {
    extra?: Record<string, Record<string, Record<string, unknown>>>;
    data?: unknown;
    numa_topology?: {
      ram: Array<{ numa_node: number; size_kb: number }>;
      cpus: Array<{ cpu: number; numa_node: number; thread_siblings: number[] }>;
      nics: unknown[];
    };
    error?: unknown;
  };
}

describe("e2e: inspection with Metal3's kernel arguments through a real ironic-inspector", function () {
  this.timeout(900_000);
  let dir: string;
  let testbed: IronicTestbed;
  let node: TestNode;
  let uuid: string;
  let failed = false;
  const agents: RunningTestAgent[] = [];
  const numaNodes = readdirSync('/sys/devices/system/node')
    .filter((n) => /^node\d+$/.test(n))
    .map((n) => Number.parseInt(n.slice(4), 10))
    .sort((a, b) => a - b);

  before(async function () {
    requireTestbed(this, { inspector: true });
    dir = mkdtempSync(join(tmpdir(), 'inspc-'));
    const addresses = testbedAddresses('inspc', 0, process.pid);
    testbed = new IronicTestbed({ tag: 'inspc' });
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: addresses.hostIp,
      inspector: true,
      port: 0,
      inspectorProcessingHooks: METAL3_INSPECTOR_HOOKS,
    });
    node = await TestNode.create({ tag: 'inspc', ...addresses, disksGiB: [9, 6] });
    uuid = await testbed.createNode({ name: 'inspc-node', mac: node.mac, inspectInterface: 'inspector' });
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

  /**
   * manageable → inspect → boot the agent with `cmdline` → manageable again; returns the stored data and the agent log.
   * `from`: Ironic's node inventory API, or ironic-inspector's own data API (Ironic 21.4 keeps one inventory row per
   * inspection and then answers 500 "Multiple rows were found" for a re-inspected node).
   */
  async function inspectWith(
    name: string,
    cmdline: string,
    from: 'ironic' | 'inspector',
  ): Promise<{ stored: StoredData; log: string; lastError: unknown }> {
    const state = (await testbed.nodeShow(uuid)).provision_state;
    if (state !== 'manageable') {
      await testbed.setProvisionState(uuid, 'manage');
      await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
    }
    const cli = await testbed.baremetal(['node', 'inspect', uuid]);
    expect(cli.exitCode, cli.stderr).to.equal(0);
    await testbed.waitForProvisionState(uuid, ['inspect wait'], 60_000);

    const agent = await startAgent(node, { apiUrl: testbed.url, dir: join(dir, name), logName: name, cmdline });
    agents.push(agent);
    const inspected = await testbed.waitForProvisionState(uuid, ['manageable'], FLOW_TIMEOUT);
    // Ironic 21.4 moves the node to manageable a few ms before it stores the inventory (404 until then)
    const stored =
      from === 'ironic'
        ? await waitFor(
            'the node inventory',
            async () => (await testbed.api.get<StoredData>(`/v1/nodes/${uuid}/inventory`)).data,
            30_000,
            250,
          )
        : await inspectorData();
    return { stored, log: agent.process.readLog(), lastError: inspected.last_error };
  }

  /** ironic-inspector's processed data (`store_data = database`), split as Ironic's inventory API splits it. */
  async function inspectorData(): Promise<StoredData> {
    const data = (
      await axios.get<Record<string, unknown>>(`${testbed.inspectorUrl}/v1/introspection/${uuid}/data`, {
        timeout: 30_000,
      })
    ).data;
    return { inventory: data['inventory'] as StoredData['inventory'], plugin_data: data };
  }

  it('default,extra-hardware,logs: the node ends manageable and inspector stores the extra-hardware facts', async () => {
    const cmdline = metal3Cmdline(testbed.inspectorUrl, node.mac);
    const [d9, d6] = node.disks;

    const { stored, log, lastError } = await inspectWith('metal3', cmdline, 'ironic');

    expect(lastError).to.equal(null);
    expect(stored.plugin_data).to.not.have.property('data');
    const extra = stored.plugin_data.extra ?? {};
    expect(extra['system']?.['kernel']?.['cmdline']).to.equal(cmdline);
    expect(extra['cpu']?.['logical']?.['number']).to.equal(cpus().length);
    expect(extra['cpu']?.['physical_0']).to.include.keys('product', 'vendor', 'cores', 'architecture', 'flags');
    expect(extra['numa']?.['nodes']?.['count']).to.equal(numaNodes.length);
    expect(extra['disk']?.['logical']?.['count']).to.equal(2);
    expect(extra['disk']?.[basename(d9?.device ?? '')]?.['size']).to.equal(9);
    expect(extra['disk']?.[basename(d6?.device ?? '')]?.['size']).to.equal(6);
    expect(extra['network']?.['eth0']).to.deep.include({
      serial: node.mac,
      ipv4: node.nodeIp,
      'ipv4-cidr': 32,
      link: 'yes',
    });
    expect(stored.inventory.interfaces.map((i) => i.mac_address)).to.deep.equal([node.mac]);
    expect(log).to.contain('Extra hardware facts collected');
    expect(log).to.not.contain('Unknown inspection collector');
    expect(log).to.contain(`Inspection finished successfully {"nodeUuid":"${uuid}"}`);
  });

  it("with numa-topology added (as Bifrost does): inspector also stores IPA's numa_topology", async () => {
    const cmdline = metal3Cmdline(testbed.inspectorUrl, node.mac, 'default,extra-hardware,numa-topology,logs');

    const { stored, log, lastError } = await inspectWith('bifrost', cmdline, 'inspector');

    expect(lastError).to.equal(null);
    const numa = stored.plugin_data.numa_topology;
    expect(numa, 'numa_topology').to.not.equal(undefined);
    expect(numa?.ram.map((r) => r.numa_node)).to.deep.equal(numaNodes);
    for (const ram of numa?.ram ?? []) expect(ram.size_kb).to.be.a('number').and.be.greaterThan(0);
    expect(sortCpus(numa?.cpus ?? [])).to.deep.equal(lscpuNumaCpus());
    // the node's only NIC is a veth: no PCI device, so no NUMA affinity to report
    expect(numa?.nics).to.deep.equal([]);
    expect(stored.plugin_data.extra?.['numa']?.['nodes']?.['count']).to.equal(numaNodes.length);
    expect(log).to.not.contain('Unknown inspection collector');
  });
});
